"""Every GeoJSON geopart serves or exports passes an independent validator
(@placemarkio/check-geojson from the npm registry, the maintained successor
of @mapbox/geojsonhint, which no longer installs from the registry alone),
and the RFC 7946 rules that validator leaves out: ring orientation and
lon/lat ranges."""
import json
import os
import subprocess
import unittest

from harness import SOURCE, ServerTest

HINT = os.path.join(os.path.dirname(__file__), 'check_geojson.mjs')


class TestGeoJsonValid(ServerTest):

    def test_outputs_pass_geojsonhint(self):
        r = self.server.post_point(7.768889, 49.444722, comment='Gültig "mit" Zeichen\n')
        self.assertEqual(r.status, 201)
        self.server.post_point(7.790811, 49.42967, category='improvement', topic='housing')
        docs = {
            'created.json': r.body,
            'point.json': self.server.get(r.header('Location')).body,
            'points.json': self.server.get('/api/points').body,
            'points-page.json': self.server.get('/api/points?limit=1&offset=1').body,
            'empty.json': self.server.get('/api/points?category=improvement&since=2999-01-01').body,
            'districts.json': self.server.get('/api/districts').body,
            'district.json': self.server.get('/api/districts/st-6').body,
            'district-points.json': self.server.get('/api/districts/ob-0/points').body,
            'export.json': self.server.geopart('export', '--format', 'geojson').stdout,
            'export-http.json': self.server.get('/api/export?format=geojson').body,
            'ogc-items.json': self.server.get('/ogc/collections/points/items').body,
            'ogc-items-bbox.json': self.server.get('/ogc/collections/points/items?bbox=7,49,8,50&limit=1').body,
            'ogc-item.json': self.server.get('/ogc/collections/points/items/1').body,
            'ogc-districts.json': self.server.get('/ogc/collections/stadtteile/items').body,
            'ogc-district.json': self.server.get('/ogc/collections/ortsbezirke/items/0').body,
        }
        paths = []
        for name, body in docs.items():
            path = os.path.join(self.server.dir, name)
            with open(path, 'wb') as f:
                f.write(body)
            paths.append(path)
        out = subprocess.run(['node', HINT] + paths, capture_output=True, cwd=os.path.join(SOURCE, 'tests'))
        results = [json.loads(line) for line in out.stdout.decode().splitlines()]
        self.assertEqual(len(results), len(paths), out.stderr.decode())
        for res in results:
            with self.subTest(file=os.path.basename(res['file'])):
                self.assertEqual(res['problems'], [])
        self.assertEqual(out.returncode, 0)

    def test_rings_follow_the_right_hand_rule(self):
        def area2(ring):
            return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
        fc = self.server.get('/api/districts').json()
        for f in fc['features']:
            for polygon in f['geometry']['coordinates']:
                self.assertGreater(area2(polygon[0]), 0, f['id'])  # exterior counter-clockwise
                for hole in polygon[1:]:
                    self.assertLess(area2(hole), 0, f['id'])
                for ring in polygon:
                    self.assertEqual(ring[0], ring[-1])
                    for lon, lat in ring:
                        self.assertTrue(7.5 < lon < 8.0 and 49.3 < lat < 49.6, (lon, lat))

    def test_validator_catches_a_bad_document(self):
        # The checker itself must be able to fail.
        path = os.path.join(self.server.dir, 'bad.json')
        with open(path, 'w') as f:
            json.dump({'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [7.7]},
                       'properties': {}}, f)
        out = subprocess.run(['node', HINT, path], capture_output=True, cwd=os.path.join(SOURCE, 'tests'))
        self.assertEqual(out.returncode, 1)


if __name__ == '__main__':
    unittest.main()
