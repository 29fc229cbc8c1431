"""Citizen points end to end: every shared test point lands in its expected
Ortsbezirk and Stadtteil, shows up in listings, per-district queries and
statistics; listings page and filter correctly."""
import time
import unittest
import urllib.parse

from harness import ServerTest, load_fixture


class TestPoints(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.testpoints = load_fixture('kaiserslautern-testpunkte.geojson')['features']
        cls.created = []
        for i, f in enumerate(cls.testpoints):
            lon, lat = f['geometry']['coordinates']
            category = 'favourite' if i % 3 else 'improvement'
            r = cls.server.post_point(lon, lat, category=category,
                                      comment=f'Testpunkt {i}: {f["properties"]["label"]}',
                                      topic='mobility' if i % 2 else None)
            cls.created.append((f, r))

    def test_every_test_point_gets_its_districts(self):
        for f, r in self.created:
            p = f['properties']
            with self.subTest(label=p['label']):
                if not p['expected_in_city']:
                    self.assertProblem(r, 422, field='geometry', detail='outside the city')
                    continue
                self.assertEqual(r.status, 201, r)
                props = r.json()['properties']
                self.assertEqual(props['ortsbezirk_id'], f'ob-{p["expected_ortsbezirk_id"]}')
                self.assertEqual(props['ortsbezirk_name'], p['expected_ortsbezirk'])
                self.assertEqual(props['stadtteil_id'], f'st-{p["expected_stadtteil_id"]}')
                self.assertEqual(props['stadtteil_name'], p['expected_stadtteil'])
                self.assertEqual(props['status'], 'published')

    def test_created_point_is_readable_at_its_location(self):
        f, r = next((f, r) for f, r in self.created if r.status == 201)
        loc = r.header('Location')
        self.assertRegex(loc, r'^/api/points/\d+$')
        again = self.server.get(loc)
        self.assertEqual(again.status, 200)
        self.assertEqual(again.json(), r.json())
        self.assertEqual(again.json()['geometry']['coordinates'], f['geometry']['coordinates'])
        self.assertEqual(again.header('Content-Type'), 'application/geo+json; charset=utf-8')
        self.assertEqual(again.header('Content-Crs'),
                         '<http://www.opengis.net/def/crs/OGC/1.3/CRS84>')
        self.assertEqual(again.header('X-Content-Type-Options'), 'nosniff')

    def test_unknown_point_is_404(self):
        for path in ('/api/points/999999', '/api/points/abc', '/api/points/-1', '/api/points/0'):
            with self.subTest(path=path):
                self.assertProblem(self.server.get(path), 404)

    def test_refused_point_stored_nothing(self):
        self.assertEqual(self.server.db_count(), 29)

    def test_listing_pages_through_everything_once(self):
        seen = []
        url = '/api/points?limit=7'
        pages = 0
        while url:
            r = self.server.get(url)
            self.assertEqual(r.status, 200, r)
            fc = r.json()
            self.assertEqual(fc['type'], 'FeatureCollection')
            self.assertEqual(fc['numberMatched'], 29)
            self.assertEqual(fc['numberReturned'], len(fc['features']))
            seen += [f['id'] for f in fc['features']]
            nxt = [l['href'] for l in fc['links'] if l['rel'] == 'next']
            url = urllib.parse.urlsplit(nxt[0])._replace(scheme='', netloc='').geturl() if nxt else None
            pages += 1
        self.assertEqual(pages, 5)
        self.assertEqual(len(seen), 29)
        self.assertEqual(len(set(seen)), 29)

    def test_next_link_keeps_filters(self):
        fc = self.server.get('/api/points?limit=2&category=favourite').json()
        nxt = [l['href'] for l in fc['links'] if l['rel'] == 'next'][0]
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(nxt).query)
        self.assertEqual(q, {'limit': ['2'], 'category': ['favourite'], 'offset': ['2']})
        self.assertTrue(nxt.startswith(f'http://127.0.0.1:{self.server.port}/api/points?'))

    def test_filters(self):
        all_points = self.server.get('/api/points?limit=100').json()['features']
        by = lambda pred: sorted(f['id'] for f in all_points if pred(f['properties']))  # noqa: E731
        cases = {
            'category=improvement': by(lambda p: p['category'] == 'improvement'),
            'topic=mobility': by(lambda p: p['topic'] == 'mobility'),
            'district=ob-0': by(lambda p: p['ortsbezirk_id'] == 'ob-0'),
            'district=st-2': by(lambda p: p['stadtteil_id'] == 'st-2'),
            'district=ob-0&category=favourite':
                by(lambda p: p['ortsbezirk_id'] == 'ob-0' and p['category'] == 'favourite'),
            'since=2000-01-01': by(lambda p: True),
            'since=2999-01-01T00:00:00Z': [],
        }
        for query, want in cases.items():
            with self.subTest(query=query):
                fc = self.server.get('/api/points?limit=100&' + query).json()
                self.assertEqual(sorted(f['id'] for f in fc['features']), want)
                self.assertEqual(fc['numberMatched'], len(want))
        self.assertGreater(len(cases['district=ob-0']), 5)

    def test_bbox_is_exact_in_lon_lat(self):
        # A box around the city centre; compare with a filter done here.
        box = (7.75, 49.43, 7.80, 49.45)
        all_points = self.server.get('/api/points?limit=100').json()['features']
        want = sorted(f['id'] for f in all_points
                      if box[0] <= f['geometry']['coordinates'][0] <= box[2]
                      and box[1] <= f['geometry']['coordinates'][1] <= box[3])
        fc = self.server.get('/api/points?limit=100&bbox=' + ','.join(map(str, box))).json()
        self.assertEqual(sorted(f['id'] for f in fc['features']), want)
        self.assertGreater(len(want), 2)
        # a box just missing a point excludes it
        f0 = next(f for f in all_points)
        lon, lat = f0['geometry']['coordinates']
        fc = self.server.get(f'/api/points?bbox={lon + 1e-7},{lat - 0.001},{lon + 0.001},{lat + 0.001}').json()
        self.assertNotIn(f0['id'], [f['id'] for f in fc['features']])
        fc = self.server.get(f'/api/points?bbox={lon},{lat},{lon},{lat}').json()
        self.assertIn(f0['id'], [f['id'] for f in fc['features']])

    def test_districts_carry_counts_that_match_points(self):
        fc = self.server.get('/api/districts').json()
        self.assertEqual(len(fc['features']), 28)
        ob = [f for f in fc['features'] if f['properties']['layer'] == 'ortsbezirk']
        self.assertEqual(len(ob), 10)
        for f in fc['features']:
            p = f['properties']
            with self.subTest(district=p['id']):
                self.assertEqual(f['geometry']['type'], 'MultiPolygon')
                n = self.server.get(f'/api/points?limit=1&district={p["id"]}').json()['numberMatched']
                self.assertEqual(p['total'], n)
                self.assertEqual(p['favourite'] + p['improvement'], p['total'])
        only = self.server.get('/api/districts?layer=stadtteil').json()
        self.assertEqual({f['properties']['layer'] for f in only['features']}, {'stadtteil'})
        self.assertEqual(len(only['features']), 18)

    def test_one_district_and_its_points(self):
        d = self.server.get('/api/districts/ob-0')
        self.assertEqual(d.status, 200)
        self.assertEqual(d.json()['properties']['name'], 'Innenstadt')
        pts = self.server.get('/api/districts/ob-0/points?limit=100').json()
        self.assertEqual(pts['numberMatched'], d.json()['properties']['total'])
        self.assertTrue(all(f['properties']['ortsbezirk_id'] == 'ob-0' for f in pts['features']))
        self.assertProblem(self.server.get('/api/districts/ob-99'), 404)
        self.assertProblem(self.server.get('/api/districts/ob-99/points'), 404)

    def test_stats_json_and_csv_agree_with_points(self):
        for layer in ('ortsbezirk', 'stadtteil'):
            with self.subTest(layer=layer):
                st = self.server.get(f'/api/stats?layer={layer}').json()
                self.assertEqual(st['layer'], layer)
                self.assertEqual(st['total']['total'], 29)
                csv = self.server.get(f'/api/stats?layer={layer}&format=csv')
                self.assertEqual(csv.status, 200)
                self.assertTrue(csv.header('Content-Type').startswith('text/csv; charset=utf-8'))
                self.assertIn('attachment', csv.header('Content-Disposition'))
                lines = csv.body.decode('utf-8').split('\r\n')
                self.assertEqual(lines[0], 'district_id,district_name,favourite,improvement,total,'
                                           'online,walk,workshop')
                rows = [l for l in lines[1:] if l]
                self.assertEqual(len(rows), len(st['districts']))
                for row, d in zip(rows, st['districts']):
                    self.assertTrue(row.startswith(f'"{d["id"]}","{d["name"]}",'), row)
                    self.assertTrue(row.endswith(f',{d["favourite"]},{d["improvement"]},{d["total"]},'
                                                 f'{d["total"]},0,0'), row)
                    n = self.server.get(f'/api/points?limit=1&district={d["id"]}&category=improvement').json()
                    self.assertEqual(d['improvement'], n['numberMatched'])
        self.assertEqual(self.server.get('/api/stats').json()['layer'], 'ortsbezirk')

    def test_stats_count_what_the_filters_admit(self):
        today = time.strftime('%Y-%m-%d', time.gmtime())
        yesterday = time.strftime('%Y-%m-%d', time.gmtime(time.time() - 86400))
        cases = [{'category': 'improvement'}, {'topic': 'mobility'},
                 {'category': 'favourite', 'topic': 'housing'}, {'since': today},
                 {'until': today},  # a date includes its whole day
                 {'until': yesterday},  # nothing was created before today
                 {'since': yesterday, 'until': f'{today}T23:59:59Z'}]
        for case in cases:
            with self.subTest(case=case):
                q = urllib.parse.urlencode(case)
                st = self.server.get(f'/api/stats?{q}')
                self.assertEqual(st.status, 200, st)
                st = st.json()
                everything = self.server.get(f'/api/points?limit=1&{q}').json()['numberMatched']
                self.assertEqual(st['total']['total'], everything)
                if 'until' in case:
                    self.assertEqual(everything == 0, case == {'until': yesterday})
                for d in st['districts']:
                    for cat in ('favourite', 'improvement'):
                        one = urllib.parse.urlencode({**case, 'district': d['id'], 'category': cat})
                        n = self.server.get(f'/api/points?limit=1&{one}').json()['numberMatched']
                        want = n if case.get('category', cat) == cat else 0
                        self.assertEqual(d[cat], want, (d['id'], cat))
        named = self.server.get('/api/stats?category=improvement&topic=mobility'
                                f'&since={today}').json()
        self.assertEqual((named['category'], named['topic'], named['since'][:10]),
                         ('improvement', 'mobility', today))
        csv = self.server.get('/api/stats?format=csv&category=improvement').body.decode()
        total = sum(int(line.split(',')[-5]) for line in csv.split('\r\n')[1:] if line)
        self.assertEqual(total, self.server.get('/api/points?limit=1&category=improvement')
                         .json()['numberMatched'])
        self.assertProblem(self.server.get(f'/api/stats?since={today}&until={yesterday}'), 400,
                           field='until')
        self.assertProblem(self.server.get('/api/stats?until=tomorrow'), 400, field='until')
        self.assertProblem(self.server.get('/api/stats?topic=weather'), 400, field='topic')
        self.assertProblem(self.server.get('/api/points?until=2026-02-30'), 400, field='until')

    def test_config_describes_categories_topics_and_attribution(self):
        c = self.server.get('/api/config').json()
        self.assertEqual([x['id'] for x in c['categories']], ['favourite', 'improvement'])
        self.assertEqual(c['categories'][0]['label']['de'], 'Lieblingsort')
        self.assertIn('mobility', [t['id'] for t in c['topics']])
        self.assertEqual(c['comment_max_chars'], 1000)
        self.assertTrue(any('Stadtverwaltung Kaiserslautern' in a for a in c['data_attribution']))

    def test_healthz(self):
        r = self.server.get('/healthz')
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()['status'], 'ok')
        self.assertEqual(r.json()['districts'], 28)


class TestConfiguredTopics(ServerTest):
    config = {'topic': ['radverkehr | Radverkehr | Cycling', 'parks | Parks | Parks']}

    def test_only_configured_topics_are_accepted(self):
        c = self.server.get('/api/config').json()
        self.assertEqual([t['id'] for t in c['topics']], ['radverkehr', 'parks'])
        r = self.server.post_point(7.768889, 49.444722, topic='radverkehr')
        self.assertEqual(r.status, 201, r)
        r = self.server.post_point(7.768889, 49.444722, topic='mobility')
        self.assertProblem(r, 422, field='properties.topic')
        self.assertProblem(self.server.get('/api/points?topic=mobility'), 400, field='topic')


if __name__ == '__main__':
    unittest.main()
