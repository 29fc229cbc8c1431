"""Hotspots for planners: DBSCAN in metres on a constructed data set whose
answer is known — two dense spots (one with a border point), lone points
as noise — with outlines, areas, counts by category and topic, districts,
filters and refusals."""
import time
import unittest

from harness import ServerTest, geojson_problems

CRS = '?crs=EPSG:25832'
A = (410700, 5477600)  # Innenstadt
B = (411560, 5481470)  # Erlenbach
NOISE = [(410200, 5477000), (411000, 5478500), (410000, 5478000), (412500, 5476500),
         (413678, 5470103)]


def shoelace(ring):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


class TestHotspots(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        posted = []
        # A: 4 × 3 points 3 m apart; the first row "improvement", then five
        # "mobility" and three "housing"; plus a border point 9 m west.
        for k in range(12):
            i, j = k % 4, k // 4
            topic = 'mobility' if 4 <= k <= 8 else 'housing' if k >= 9 else None
            posted.append(cls.server.post_point(A[0] + 3 * i, A[1] + 3 * j, query=CRS,
                                                category='improvement' if j == 0 else 'favourite',
                                                comment=f'A{k}', topic=topic))
        posted.append(cls.server.post_point(A[0] - 9, A[1], query=CRS, comment='Rand'))
        # B: 4 × 2 points 4 m apart, all "improvement" / "green_space".
        for k in range(8):
            posted.append(cls.server.post_point(B[0] + 4 * (k % 4), B[1] + 4 * (k // 4),
                                                query=CRS, category='improvement',
                                                comment=f'B{k}', topic='green_space'))
        for k, (x, y) in enumerate(NOISE):
            posted.append(cls.server.post_point(x, y, query=CRS, comment=f'allein {k}'))
        assert all(r.status == 201 for r in posted), [r for r in posted if r.status != 201]
        cls.ids = [r.json()['id'] for r in posted]
        # Hotspots read the cluster index, which promises new points within
        # one second.
        deadline = time.monotonic() + 1.0
        while cls.server.get('/api/hotspots?eps=10&min_points=4').json()['points'] < 26:
            assert time.monotonic() < deadline, 'new points not in the hotspots after 1 s'
            time.sleep(0.02)

    def hot(self, q):
        r = self.server.get('/api/hotspots?' + q)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header('Content-Type'), 'application/geo+json; charset=utf-8')
        return r.json()

    def test_two_hotspots_and_noise(self):
        fc = self.hot('eps=10&min_points=4')
        self.assertEqual((fc['numberMatched'], fc['points'], fc['noise']), (2, 26, 5))
        self.assertEqual((fc['eps'], fc['min_points']), (10, 4))
        a, b = fc['features']
        self.assertEqual([a['id'], b['id']], [1, 2])
        pa, pb = a['properties'], b['properties']
        self.assertEqual((pa['rank'], pa['point_count'], pa['favourite'], pa['improvement']),
                         (1, 13, 9, 4))
        self.assertEqual(pa['topics'], {'mobility': 5, 'housing': 3})
        self.assertEqual(pa['without_topic'], 5)
        self.assertEqual(pa['area_m2'], 81)  # 9 × 6 m plus the border point's triangle
        self.assertEqual([(d['id'], d['layer'], d['point_count']) for d in pa['districts']][0],
                         ('ob-0', 'ortsbezirk', 13))
        self.assertEqual(pa['districts'][0]['name'], 'Innenstadt')
        self.assertEqual(pa['districts'][1]['layer'], 'stadtteil')
        self.assertEqual((pb['point_count'], pb['favourite'], pb['improvement']), (8, 0, 8))
        self.assertEqual(pb['topics'], {'green_space': 8})
        self.assertEqual(pb['area_m2'], 48)
        self.assertEqual(pb['districts'][0]['name'], 'Erlenbach')

    def test_outline_encloses_the_points_counter_clockwise(self):
        fc = self.hot('eps=10&min_points=4')
        for f in fc['features']:
            self.assertEqual(f['geometry']['type'], 'Polygon')
            ring = f['geometry']['coordinates'][0]
            self.assertEqual(ring[0], ring[-1])
            self.assertGreater(shoelace(ring), 0)
            lons = [x for x, _ in ring]
            lats = [y for _, y in ring]
            self.assertTrue(7.7 < min(lons) < max(lons) < 7.8 and 49.4 < min(lats) < max(lats) < 49.5)
        self.assertEqual(geojson_problems(self.server.dir, {'hotspots.json':
                                                            self.server.get('/api/hotspots?eps=10&min_points=4').body}),
                         {'hotspots.json': []})

    def test_filters(self):
        fc = self.hot('eps=10&min_points=4&category=improvement')
        self.assertEqual([f['properties']['point_count'] for f in fc['features']], [8, 4])
        line = fc['features'][1]['properties']
        self.assertGreater(line['area_m2'], 18)  # a 9 m line, outlined 1 m on each side
        self.assertLess(line['area_m2'], 22)
        fc = self.hot('eps=10&min_points=4&district=ob-7')
        self.assertEqual([f['properties']['point_count'] for f in fc['features']], [8])
        self.assertEqual(fc['points'], 8)
        fc = self.hot('eps=10&min_points=14')
        self.assertEqual((fc['features'], fc['noise']), ([], 26))

    def test_eps_decides_what_is_dense(self):
        fc = self.hot('eps=2&min_points=2')
        self.assertEqual(fc['numberMatched'], 0)
        fc = self.hot('eps=3&min_points=4')  # the 3 m grid holds, the 4 m one not
        self.assertEqual([f['properties']['point_count'] for f in fc['features']], [12])

    def test_defaults_come_from_the_configuration(self):
        fc = self.hot('')
        self.assertEqual((fc['eps'], fc['min_points']), (100, 5))

    def test_refusals_name_the_parameter(self):
        for q, field in (('eps=0', 'eps'), ('eps=1001', 'eps'), ('eps=abc', 'eps'),
                         ('eps=-3', 'eps'), ('min_points=1', 'min_points'),
                         ('min_points=1001', 'min_points'), ('min_points=2.5', 'min_points'),
                         ('district=ob-99', 'district'), ('category=x', 'category'),
                         ('zoom=3', 'zoom')):
            with self.subTest(q=q):
                self.assertProblem(self.server.get('/api/hotspots?' + q), 400, field=field)


if __name__ == '__main__':
    unittest.main()
