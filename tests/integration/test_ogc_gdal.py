"""A real GIS client against /ogc: GDAL's OAPIF driver (what QGIS builds on)
lists the three layers, counts and bounds them, pages through every point,
pushes attribute and spatial filters to the server, fetches single features,
and reprojects to EPSG:25832 with coordinates that agree with PROJ's cs2cs
within a millimetre.  What GDAL must find is what this test posted, never
what another route of the same server says."""
import csv
import math
import os
import re
import subprocess
import unittest

from harness import ServerTest, load_fixture


def run(*cmd):
    r = subprocess.run(list(cmd), capture_output=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f'{cmd} exited {r.returncode}: {r.stderr.decode()}')
    return r.stdout.decode()


def fids(ogrinfo_output):
    return [int(m) for m in re.findall(r'^OGRFeature\(\w+\):(\d+)$', ogrinfo_output, re.M)]


def populate(server, n_extra=40):
    """The shared test points inside the city, plus jittered copies, with
    both categories and some topics; returns what was posted, one dict per
    point: id (from its 201), lon, lat, category, topic, comment."""
    spots = [f['geometry']['coordinates'] for f in
             load_fixture('kaiserslautern-testpunkte.geojson')['features']
             if f['properties']['expected_in_city']]
    posted = []
    for i in range(len(spots) + n_extra):
        lon, lat = spots[i % len(spots)]
        if i >= len(spots):
            lon += ((i * 37) % 17 - 8) * 0.0001
            lat += ((i * 53) % 13 - 6) * 0.0001
        p = {'lon': round(lon, 7), 'lat': round(lat, 7),
             'category': 'improvement' if i % 3 == 0 else 'favourite',
             'topic': ('mobility', 'housing', None)[i % 3], 'comment': f'OGC-Punkt {i}'}
        r = server.post_point(p['lon'], p['lat'], category=p['category'], topic=p['topic'],
                              comment=p['comment'])
        assert r.status == 201, r
        p['id'] = r.json()['id']
        posted.append(p)
    return posted


class TestGdalOapif(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.posted = populate(cls.server)
        cls.ids = [p['id'] for p in cls.posted]
        cls.url = f'OAPIF:http://127.0.0.1:{cls.server.port}/ogc'

    def posted_ids(self, pred):
        return sorted(p['id'] for p in self.posted if pred(p))

    def test_lists_the_three_layers(self):
        out = run('ogrinfo', '-ro', self.url)
        self.assertIn('1: points (title: Beteiligungspunkte) (Point)', out)
        self.assertIn('2: ortsbezirke (title: Ortsbezirke) (Multi Polygon)', out)
        self.assertIn('3: stadtteile (title: Stadtteile) (Multi Polygon)', out)

    def test_summary_shows_count_and_extent(self):
        lons = [p['lon'] for p in self.posted]
        lats = [p['lat'] for p in self.posted]
        out = run('ogrinfo', '-ro', '-so', self.url, 'points')
        self.assertIn(f'Feature Count: {len(self.ids)}', out)
        m = re.search(r'Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)', out)
        self.assertIsNotNone(m, out)
        got = [float(v) for v in m.groups()]
        for g, w in zip(got, [min(lons), min(lats), max(lons), max(lats)]):
            self.assertAlmostEqual(g, w, places=6)
        for layer, n in (('ortsbezirke', 10), ('stadtteile', 18)):
            with self.subTest(layer=layer):
                out = run('ogrinfo', '-ro', '-so', self.url, layer)
                self.assertIn(f'Feature Count: {n}', out)
                self.assertRegex(out, r'Extent: \(7\.6\d+, 49\.3\d+\) - \(7\.8\d+, 49\.4\d+\)')

    def test_small_pages_yield_every_point_once(self):
        out = run('ogrinfo', '-ro', '-oo', 'PAGE_SIZE=7', self.url, 'points')
        got = fids(out)
        self.assertEqual(len(got), len(self.posted))
        self.assertEqual(len(set(got)), len(self.posted), 'a point came twice')
        self.assertEqual(sorted(got), sorted(self.ids))
        # the same through the district layers (offset paging)
        out = run('ogrinfo', '-ro', '-oo', 'PAGE_SIZE=7', self.url, 'stadtteile')
        self.assertEqual(sorted(fids(out)), list(range(1, 19)))

    def test_where_is_answered_by_the_server(self):
        out = subprocess.run(['ogrinfo', '-ro', '--debug', 'on', '-where', "category = 'improvement'",
                              self.url, 'points'], capture_output=True, timeout=120)
        want = self.posted_ids(lambda p: p['category'] == 'improvement')
        self.assertEqual(sorted(fids(out.stdout.decode())), want)
        self.assertEqual(len(want), 23)
        # GDAL found the queryable in the OpenAPI document and sent it on
        self.assertIn(b'category=improvement', out.stderr)
        out = run('ogrinfo', '-ro', '-where', "topic = 'housing'", self.url, 'points')
        want = self.posted_ids(lambda p: p['topic'] == 'housing')
        self.assertEqual(sorted(fids(out)), want)
        self.assertEqual(len(want), 23)

    def test_spatial_filter_equals_bbox(self):
        box = (7.755, 49.435, 7.785, 49.46)
        out = run('ogrinfo', '-ro', '-spat', *map(str, box), self.url, 'points')
        want = self.posted_ids(lambda p: box[0] <= p['lon'] <= box[2] and box[1] <= p['lat'] <= box[3])
        self.assertEqual(sorted(fids(out)), want)
        self.assertGreater(len(want), 5)
        self.assertLess(len(want), len(self.ids))
        out = run('ogrinfo', '-ro', '-spat', *map(str, box), self.url, 'ortsbezirke')
        self.assertIn(0, fids(out))  # Innenstadt is ob-0

    def test_fid_fetches_the_feature(self):
        p = self.posted[5]
        out = run('ogrinfo', '-ro', '-fid', str(p['id']), self.url, 'points')
        self.assertEqual(fids(out), [p['id']])
        self.assertIn(f"comment (String) = {p['comment']}", out)
        self.assertIn(f"category (String) = {p['category']}", out)
        x, y = map(float, re.search(r'POINT \(([-\d.]+) ([-\d.]+)\)', out).groups())
        self.assertAlmostEqual(x, p['lon'], places=9)
        self.assertAlmostEqual(y, p['lat'], places=9)

    def test_ogr2ogr_to_utm_agrees_with_cs2cs(self):
        gpkg = os.path.join(self.server.dir, 'from-oapif.gpkg')
        table = os.path.join(self.server.dir, 'from-oapif.csv')
        run('ogr2ogr', '-f', 'GPKG', '-t_srs', 'EPSG:25832', '-oo', 'PAGE_SIZE=25',
            gpkg, self.url, 'points')
        info = run('ogrinfo', '-ro', '-so', gpkg, 'points')
        self.assertIn('ETRS89 / UTM zone 32N', info)
        self.assertIn(f'Feature Count: {len(self.ids)}', info)
        run('ogr2ogr', '-f', 'CSV', '-lco', 'GEOMETRY=AS_XY', table, gpkg, 'points')
        with open(table, encoding='utf-8', newline='') as f:
            got = {r['comment']: (float(r['X']), float(r['Y'])) for r in csv.DictReader(f)}
        lonlat = {p['comment']: (p['lon'], p['lat']) for p in self.posted}
        self.assertEqual(sorted(got), sorted(lonlat))
        comments = sorted(lonlat)
        # CRS84 → EPSG:25832 is one operation (ETRS89 ≈ WGS 84), as in GDAL
        text = ''.join(f'{lonlat[c][0]:.12f} {lonlat[c][1]:.12f}\n' for c in comments)
        out = subprocess.run(['cs2cs', '-f', '%.6f', 'OGC:CRS84', 'EPSG:25832'], input=text.encode(),
                             capture_output=True, check=True).stdout.decode().split('\n')
        for c, line in zip(comments, out):
            wx, wy = map(float, line.split()[:2])
            gx, gy = got[c]
            self.assertLess(math.hypot(gx - wx, gy - wy), 0.001, f'{c}: {gx},{gy} vs cs2cs {wx},{wy}')


class TestGdalReadsTheDatabase(ServerTest):

    def test_database_opens_as_spatialite_in_utm(self):
        n = len(populate(self.server, n_extra=0))
        out = run('ogrinfo', '-ro', '-so', self.server.db, 'points')
        self.assertIn('ETRS89 / UTM zone 32N', out)
        self.assertIn('ID["EPSG",25832]', out)
        self.assertEqual(n, 29)
        self.assertIn(f'Feature Count: {n}', out)


if __name__ == '__main__':
    unittest.main()
