"""Nearby points (the duplicate hint): published points within a radius of
a place, nearest first, with exact distances in metres (EPSG:25832, checked
against the stored coordinates and PROJ's cs2cs), filters, the 500 m cap,
refusals, and a route that never collides with /api/points/{id}."""
import math
import sqlite3
import subprocess
import unittest

from harness import ServerTest, geojson_problems

C = (410800.0, 5477700.0)  # Innenstadt, EPSG:25832
OFFSETS = [((0, 0), 'favourite'), ((10, 0), 'improvement'), ((0, -30), 'favourite'),
           ((60, 0), 'favourite'), ((300, 399), 'favourite'), ((0, 600), 'favourite')]


class TestNearby(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = []
        for (dx, dy), cat in OFFSETS:
            r = cls.server.post_point(C[0] + dx, C[1] + dy, query='?crs=EPSG:25832',
                                      category=cat, comment=f'{dx} {dy}')
            assert r.status == 201, r
            cls.ids.append(r.json()['id'])
        cls.lon, cls.lat = cls.server.get(f'/api/points/{cls.ids[0]}').json()['geometry']['coordinates']

    def near(self, q=''):
        r = self.server.get(f'/api/points/nearby?lon={self.lon}&lat={self.lat}' + q)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header('Content-Type'), 'application/geo+json; charset=utf-8')
        return r.json()

    def test_default_radius_finds_the_close_ones_nearest_first(self):
        fc = self.near()
        self.assertEqual([f['id'] for f in fc['features']], self.ids[:3])
        self.assertEqual([f['properties']['distance'] for f in fc['features']], [0, 10, 30])
        self.assertEqual((fc['numberMatched'], fc['numberReturned'], fc['radius']), (3, 3, 50))
        first = dict(fc['features'][0])
        first['properties'] = {k: v for k, v in first['properties'].items() if k != 'distance'}
        self.assertEqual(first, self.server.get(f'/api/points/{self.ids[0]}').json())

    def test_distances_are_exact_metres(self):
        out = subprocess.run(['cs2cs', '-f', '%.6f', 'EPSG:4326', 'EPSG:25832'],
                             input=f'{self.lat} {self.lon}\n', capture_output=True, text=True)
        qx, qy = map(float, out.stdout.split()[:2])
        con = sqlite3.connect(f'file:{self.server.db}?mode=ro', uri=True)
        stored = dict((i, (x, y)) for i, x, y in con.execute('SELECT id, x, y FROM points'))
        con.close()
        fc = self.near('&radius=500')
        self.assertEqual([f['id'] for f in fc['features']], self.ids[:5])
        for f in fc['features']:
            x, y = stored[f['id']]
            self.assertAlmostEqual(f['properties']['distance'], math.hypot(x - qx, y - qy), delta=0.001)
        self.assertEqual(fc['features'][-1]['properties']['distance'], 499.2)

    def test_category_and_limit(self):
        fc = self.near('&radius=100&category=improvement')
        self.assertEqual([f['id'] for f in fc['features']], [self.ids[1]])
        fc = self.near('&radius=500&limit=2')
        self.assertEqual([f['id'] for f in fc['features']], self.ids[:2])
        self.assertEqual((fc['numberMatched'], fc['numberReturned']), (5, 2))
        self.assertEqual(self.near('&radius=0.5')['numberMatched'], 1)

    def test_output_is_valid_geojson(self):
        body = self.server.get(f'/api/points/nearby?lon={self.lon}&lat={self.lat}&radius=500').body
        self.assertEqual(geojson_problems(self.server.dir, {'nearby.json': body}), {'nearby.json': []})

    def test_refusals_name_the_parameter(self):
        good = f'lon={self.lon}&lat={self.lat}'
        for q, field in (('lat=49.44', 'lon'), ('lon=7.7', 'lat'), ('lon=x&lat=49.4', 'lon'),
                         ('lon=7.7&lat=91', 'lat'), ('lon=181&lat=49', 'lon'),
                         (good + '&radius=0', 'radius'), (good + '&radius=501', 'radius'),
                         (good + '&radius=abc', 'radius'), (good + '&radius=-1', 'radius'),
                         (good + '&category=x', 'category'), (good + '&limit=0', 'limit'),
                         (good + '&offset=1', 'offset'), ('', 'lon')):
            with self.subTest(q=q):
                self.assertProblem(self.server.get('/api/points/nearby?' + q), 400, field=field)

    def test_route_leaves_points_by_id_alone(self):
        self.assertEqual(self.server.get(f'/api/points/{self.ids[0]}').status, 200)
        self.assertProblem(self.server.get('/api/points/nearbyx'), 404)
        r = self.server.request('POST', '/api/points/nearby', body={})
        self.assertProblem(r, 405)
        self.assertEqual(r.header('Allow'), 'GET, HEAD, PATCH, DELETE')


if __name__ == '__main__':
    unittest.main()
