"""`geopart import-districts`: a changed boundary moves exactly the points it
should, in one transaction, while the server keeps running; invalid files are
refused whole with a message that names the feature."""
import json
import os
import unittest

from harness import DATA, ServerTest, load_fixture


def rect(x0, y0, x1, y1):
    return {'type': 'Polygon', 'coordinates': [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def split_layer(split_lon, bbox):
    """Two Stadtteile, west and east of a meridian, covering the city box."""
    x0, y0, x1, y1 = bbox
    return {'type': 'FeatureCollection', 'features': [
        {'type': 'Feature', 'properties': {'nr': 'W', 'label': 'West'},
         'geometry': rect(x0 - 0.01, y0 - 0.01, split_lon, y1 + 0.01)},
        {'type': 'Feature', 'properties': {'nr': 'E', 'label': 'Ost'},
         'geometry': rect(split_lon, y0 - 0.01, x1 + 0.01, y1 + 0.01)},
    ]}


class TestImport(ServerTest):

    def write(self, name, obj):
        path = os.path.join(self.server.dir, name)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(obj if isinstance(obj, str) else json.dumps(obj))
        return path

    def import_layer(self, path, *extra, check=True):
        return self.server.geopart('import-districts', path, *extra, check=check)

    def test_changed_polygon_moves_the_affected_points(self):
        ob = load_fixture('kaiserslautern-testpunkte.geojson')
        spots = [tuple(f['geometry']['coordinates']) for f in ob['features']
                 if f['properties']['expected_in_city']]
        ids = {}
        for lon, lat in spots:
            r = self.server.post_point(lon, lat, comment='import test')
            self.assertEqual(r.status, 201)
            ids[r.json()['id']] = lon
        with open(os.path.join(DATA, 'kaiserslautern-ortsbezirke.geojson'), encoding='utf-8') as f:
            box = json.load(f)['bbox']

        r = self.import_layer(self.write('split1.geojson', split_layer(7.77, box)),
                              '--layer', 'stadtteil', '--id-property', 'nr',
                              '--name-property', 'label')
        self.assertIn(b'imported 2 stadtteil districts', r.stdout)
        pts = self.server.get('/api/points?limit=1000').json()['features']
        for f in pts:
            want = 'st-W' if ids[f['id']] < 7.77 else 'st-E'
            self.assertEqual(f['properties']['stadtteil_id'], want, f)
            self.assertEqual(f['properties']['stadtteil_name'], 'West' if want == 'st-W' else 'Ost')
        # the Ortsbezirke were not touched
        self.assertTrue(all(f['properties']['ortsbezirk_id'].startswith('ob-') for f in pts))

        # move the border west: exactly the points between the meridians move
        between = [i for i, lon in ids.items() if 7.75 <= lon < 7.77]
        self.assertGreater(len(between), 1)
        r = self.import_layer(self.write('split2.geojson', split_layer(7.75, box)),
                              '--layer', 'stadtteil', '--id-property', 'nr',
                              '--name-property', 'label')
        self.assertIn(f'{len(between)} changed district'.encode(), r.stdout)
        after = {f['id']: f['properties']['stadtteil_id']
                 for f in self.server.get('/api/points?limit=1000').json()['features']}
        for i, lon in ids.items():
            self.assertEqual(after[i], 'st-W' if lon < 7.75 else 'st-E')

        # the running server sees the new boundaries for new points at once
        r = self.server.post_point(7.76, 49.444)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()['properties']['stadtteil_id'], 'st-E')
        stats = self.server.get('/api/stats?layer=stadtteil').json()
        self.assertEqual([d['id'] for d in stats['districts']], ['st-W', 'st-E'])
        self.assertEqual(stats['total']['total'], len(ids) + 1)
        self.assertIn(b'ok:', self.server.geopart('check').stdout)

        # and back to the real Stadtteile
        r = self.import_layer(os.path.join(DATA, 'kaiserslautern-stadtteile.geojson'),
                              '--layer', 'stadtteil')
        self.assertIn(b'imported 18 stadtteil districts', r.stdout)

    def test_invalid_files_change_nothing(self):
        before = self.server.get('/api/districts?layer=stadtteil').json()
        bowtie = {'type': 'FeatureCollection', 'features': [
            {'type': 'Feature', 'properties': {'id': 1, 'name': 'Gut'},
             'geometry': rect(7.7, 49.4, 7.8, 49.5)},
            {'type': 'Feature', 'properties': {'id': 2, 'name': 'Schleife'},
             'geometry': {'type': 'Polygon', 'coordinates': [[[7.7, 49.4], [7.8, 49.5], [7.8, 49.4],
                                                              [7.7, 49.5], [7.7, 49.4]]]}}]}
        cases = {
            'bowtie': (bowtie, b'feature 2 (id 2, Schleife): invalid polygon: Self-intersection'),
            'point': ({'type': 'FeatureCollection', 'features': [
                {'type': 'Feature', 'properties': {'id': 1, 'name': 'P'},
                 'geometry': {'type': 'Point', 'coordinates': [7.7, 49.4]}}]}, b'Polygon or MultiPolygon'),
            'no name': ({'type': 'FeatureCollection', 'features': [
                {'type': 'Feature', 'properties': {'id': 1}, 'geometry': rect(7.7, 49.4, 7.8, 49.5)}]},
                b'property "name"'),
            'duplicate id': ({'type': 'FeatureCollection', 'features': [
                {'type': 'Feature', 'properties': {'id': 1, 'name': 'A'}, 'geometry': rect(7.7, 49.4, 7.8, 49.5)},
                {'type': 'Feature', 'properties': {'id': 1, 'name': 'B'}, 'geometry': rect(7.8, 49.4, 7.9, 49.5)}]},
                b'used twice'),
            'empty': ({'type': 'FeatureCollection', 'features': []}, b'no features'),
            'not json': ('{"type": "FeatureCollection", ', b'not valid JSON'),
            'unknown crs': ({'type': 'FeatureCollection',
                             'crs': {'type': 'name', 'properties': {'name': 'EPSG:2056'}},
                             'features': [{'type': 'Feature', 'properties': {'id': 1, 'name': 'A'},
                                           'geometry': rect(7.7, 49.4, 7.8, 49.5)}]}, b'not supported'),
        }
        for name, (content, message) in cases.items():
            with self.subTest(case=name):
                r = self.import_layer(self.write(f'bad-{name}.geojson', content), '--layer', 'stadtteil',
                                      check=False)
                self.assertEqual(r.returncode, 1, r)
                self.assertIn(message, r.stderr)
        self.assertEqual(self.server.get('/api/districts?layer=stadtteil').json(), before)

    def test_utm_file_with_crs_member(self):
        # A GDAL-style file in EPSG:25832 naming its CRS: read east/north.
        layer = {'type': 'FeatureCollection',
                 'crs': {'type': 'name', 'properties': {'name': 'urn:ogc:def:crs:EPSG::25832'}},
                 'features': [{'type': 'Feature', 'properties': {'id': 'all', 'name': 'Alles'},
                               'geometry': rect(390000, 5460000, 425000, 5490000)}]}
        r = self.import_layer(self.write('utm.geojson', layer), '--layer', 'stadtteil')
        self.assertIn(b'imported 1 stadtteil', r.stdout)
        r = self.server.post_point(7.768889, 49.444722)
        self.assertEqual(r.json()['properties']['stadtteil_id'], 'st-all')
        r = self.import_layer(os.path.join(DATA, 'kaiserslautern-stadtteile.geojson'), '--layer', 'stadtteil')
        self.assertEqual(r.returncode, 0)

    def test_usage_errors(self):
        r = self.server.geopart('import-districts', 'x.geojson', check=False)
        self.assertEqual(r.returncode, 2)
        r = self.server.geopart('import-districts', 'x.geojson', '--layer', 'county', check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b'ortsbezirk or stadtteil', r.stderr)
        r = self.server.geopart('import-districts', '/nonexistent.geojson', '--layer', 'stadtteil',
                                check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b'cannot read', r.stderr)


if __name__ == '__main__':
    unittest.main()
