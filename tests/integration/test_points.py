"""Citizen points end to end: every shared test point lands in its expected
Ortsbezirk and Stadtteil, shows up in listings, per-district queries and
statistics; listings page and filter correctly."""
import time
import unittest
import urllib.parse

import geo_oracle
from harness import ServerTest, load_fixture


def assert_posted(test, r, p):
    """r is the answer to posting fixture point p: a 422 naming the geometry
    when p lies outside the city, else the 201 of a point stored in the
    fixture's expected districts.  Whether p was stored."""
    if not p['expected_in_city']:
        test.assertProblem(r, 422, field='geometry', detail='outside the city')
        return False
    test.assertEqual(r.status, 201, r)
    got = r.json()['properties']
    test.assertEqual((got['ortsbezirk_id'], got['ortsbezirk_name']),
                     (f'ob-{p["expected_ortsbezirk_id"]}', p['expected_ortsbezirk']))
    test.assertEqual((got['stadtteil_id'], got['stadtteil_name']),
                     (f'st-{p["expected_stadtteil_id"]}', p['expected_stadtteil']))
    test.assertEqual(got['status'], 'published')
    return True


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
        # What the server must know about each stored point: its id (from
        # its 201), and everything else from the fixture and this test.
        cls.expected = []
        for i, (f, r) in enumerate(cls.created):
            p = f['properties']
            if r.status != 201:
                continue
            lon, lat = f['geometry']['coordinates']
            cls.expected.append({
                'id': r.json()['id'], 'lon': lon, 'lat': lat,
                'category': 'favourite' if i % 3 else 'improvement',
                'topic': 'mobility' if i % 2 else None,
                'ob': f'ob-{p["expected_ortsbezirk_id"]}', 'st': f'st-{p["expected_stadtteil_id"]}'})

    def test_every_test_point_gets_its_districts(self):
        for f, r in self.created:
            p = f['properties']
            with self.subTest(label=p['label']):
                assert_posted(self, r, p)

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

    # Expected values below come from the fixture (each point's known
    # districts and coordinates) and from what this test posted (category,
    # topic), never from another route of the same server.

    def ids(self, pred):
        return sorted(p['id'] for p in self.expected if pred(p))

    def test_fixture_districts_agree_with_plain_point_in_polygon(self):
        # The fixture's expectations hold against the bundled files, checked
        # by ray casting here, so a stale fixture cannot hide a wrong answer.
        for f in self.testpoints:
            p = f['properties']
            with self.subTest(label=p['label']):
                ob, st = geo_oracle.district_of(*f['geometry']['coordinates'])
                if p['expected_in_city']:
                    self.assertEqual((ob, st), (f'ob-{p["expected_ortsbezirk_id"]}',
                                                f'st-{p["expected_stadtteil_id"]}'))
                else:
                    self.assertEqual((ob, st), (None, None))

    def test_filters(self):
        cases = {
            'category=improvement': self.ids(lambda p: p['category'] == 'improvement'),
            'category=favourite': self.ids(lambda p: p['category'] == 'favourite'),
            'topic=mobility': self.ids(lambda p: p['topic'] == 'mobility'),
            'district=ob-0': self.ids(lambda p: p['ob'] == 'ob-0'),
            'district=ob-6': self.ids(lambda p: p['ob'] == 'ob-6'),
            'district=st-2': self.ids(lambda p: p['st'] == 'st-2'),
            'district=st-6': self.ids(lambda p: p['st'] == 'st-6'),
            'district=ob-0&category=favourite':
                self.ids(lambda p: p['ob'] == 'ob-0' and p['category'] == 'favourite'),
            'district=ob-0&topic=mobility&category=improvement':
                self.ids(lambda p: p['ob'] == 'ob-0' and p['topic'] == 'mobility'
                         and p['category'] == 'improvement'),
            'channel=online': self.ids(lambda p: True),
            'channel=walk': [],
            'since=2000-01-01': self.ids(lambda p: True),
            'since=2999-01-01T00:00:00Z': [],
        }
        for query, want in cases.items():
            with self.subTest(query=query):
                fc = self.server.get('/api/points?limit=100&' + query).json()
                self.assertEqual(sorted(f['id'] for f in fc['features']), want)
                self.assertEqual(fc['numberMatched'], len(want))
        # the cases mean something: the fixture puts 11 points in ob-0
        self.assertEqual(len(cases['district=ob-0']), 11)
        self.assertEqual(len(cases['district=st-2']), 2)
        self.assertEqual(len(cases['category=improvement']), 10)

    def test_bbox_is_exact_in_lon_lat(self):
        # A box around the city centre, filtered here from the fixture.
        box = (7.75, 49.43, 7.80, 49.45)
        want = self.ids(lambda p: box[0] <= p['lon'] <= box[2] and box[1] <= p['lat'] <= box[3])
        fc = self.server.get('/api/points?limit=100&bbox=' + ','.join(map(str, box))).json()
        self.assertEqual(sorted(f['id'] for f in fc['features']), want)
        self.assertEqual(fc['numberMatched'], len(want))
        self.assertEqual(len(want), 4)
        # a box just missing a point excludes it, one touching it includes it
        p0 = self.expected[0]
        lon, lat = p0['lon'], p0['lat']
        fc = self.server.get(f'/api/points?bbox={lon + 1e-7},{lat - 0.001},{lon + 0.001},{lat + 0.001}').json()
        self.assertNotIn(p0['id'], [f['id'] for f in fc['features']])
        fc = self.server.get(f'/api/points?bbox={lon},{lat},{lon},{lat}').json()
        self.assertEqual([f['id'] for f in fc['features']], [p0['id']])

    def counts(self, key, district, **filters):
        """favourite, improvement, total of the expected points in a district."""
        sel = [p for p in self.expected if p[key] == district
               and all(p[k] == v for k, v in filters.items())]
        fav = sum(p['category'] == 'favourite' for p in sel)
        return fav, len(sel) - fav, len(sel)

    def test_districts_carry_counts_of_their_points(self):
        fc = self.server.get('/api/districts').json()
        self.assertEqual(len(fc['features']), 28)
        ob = [f for f in fc['features'] if f['properties']['layer'] == 'ortsbezirk']
        self.assertEqual(len(ob), 10)
        for f in fc['features']:
            p = f['properties']
            with self.subTest(district=p['id']):
                self.assertEqual(f['geometry']['type'], 'MultiPolygon')
                key = 'ob' if p['layer'] == 'ortsbezirk' else 'st'
                self.assertEqual((p['favourite'], p['improvement'], p['total']),
                                 self.counts(key, p['id']))
                self.assertEqual(p['name'], geo_oracle.name_of(p['id']))
        only = self.server.get('/api/districts?layer=stadtteil').json()
        self.assertEqual({f['properties']['layer'] for f in only['features']}, {'stadtteil'})
        self.assertEqual(len(only['features']), 18)

    def test_one_district_and_its_points(self):
        d = self.server.get('/api/districts/ob-0')
        self.assertEqual(d.status, 200)
        self.assertEqual(d.json()['properties']['name'], 'Innenstadt')
        self.assertEqual(d.json()['properties']['total'], 11)
        for district, key in (('ob-0', 'ob'), ('st-6', 'st'), ('ob-9', 'ob')):
            with self.subTest(district=district):
                pts = self.server.get(f'/api/districts/{district}/points?limit=100').json()
                want = self.ids(lambda p: p[key] == district)
                self.assertEqual(sorted(f['id'] for f in pts['features']), want)
                self.assertEqual(pts['numberMatched'], len(want))
        self.assertProblem(self.server.get('/api/districts/ob-99'), 404)
        self.assertProblem(self.server.get('/api/districts/ob-99/points'), 404)

    def test_stats_json_and_csv_count_the_fixture(self):
        for layer, key in (('ortsbezirk', 'ob'), ('stadtteil', 'st')):
            with self.subTest(layer=layer):
                st = self.server.get(f'/api/stats?layer={layer}').json()
                self.assertEqual(st['layer'], layer)
                fav = sum(p['category'] == 'favourite' for p in self.expected)
                self.assertEqual(st['total']['total'], 29)
                self.assertEqual((st['total']['favourite'], st['total']['improvement']),
                                 (fav, 29 - fav))
                self.assertEqual(len(st['districts']), 10 if layer == 'ortsbezirk' else 18)
                for d in st['districts']:
                    self.assertEqual((d['favourite'], d['improvement'], d['total']),
                                     self.counts(key, d['id']), d['id'])
                csv = self.server.get(f'/api/stats?layer={layer}&format=csv')
                self.assertEqual(csv.status, 200)
                self.assertTrue(csv.header('Content-Type').startswith('text/csv; charset=utf-8'))
                self.assertIn('attachment', csv.header('Content-Disposition'))
                lines = csv.body.decode('utf-8').split('\r\n')
                # the columns of old in their places, then one per configured topic
                topics = [t['id'] for t in self.server.get('/api/config').json()['topics']]
                self.assertEqual(lines[0], 'district_id,district_name,favourite,improvement,total,'
                                           'online,walk,workshop,open,in_review,adopted,not_adopted'
                                 + ''.join(f',topic_{t}' for t in topics))
                rows = sorted(l for l in lines[1:] if l)
                by_topic = lambda d: ''.join(  # noqa: E731
                    f',{len(self.ids(lambda p: p[key] == d and p["topic"] == t))}' for t in topics)
                want = sorted(f'"{d}","{geo_oracle.name_of(d)}",{",".join(map(str, self.counts(key, d)))},'
                              f'{self.counts(key, d)[2]},0,0,{self.counts(key, d)[2]},0,0,0{by_topic(d)}'
                              for d, _, _ in geo_oracle.districts(layer))
                self.assertEqual(rows, want)
        self.assertEqual(self.server.get('/api/stats').json()['layer'], 'ortsbezirk')

    def test_stats_count_what_the_filters_admit(self):
        today = time.strftime('%Y-%m-%d', time.gmtime())
        yesterday = time.strftime('%Y-%m-%d', time.gmtime(time.time() - 86400))
        everything = lambda p: True  # noqa: E731
        cases = [({'category': 'improvement'}, lambda p: p['category'] == 'improvement'),
                 ({'topic': 'mobility'}, lambda p: p['topic'] == 'mobility'),
                 ({'category': 'favourite', 'topic': 'mobility'},
                  lambda p: p['category'] == 'favourite' and p['topic'] == 'mobility'),
                 ({'category': 'favourite', 'topic': 'housing'}, lambda p: False),
                 ({'channel': 'online'}, everything), ({'channel': 'workshop'}, lambda p: False),
                 ({'since': today}, everything),
                 ({'until': today}, everything),  # a date includes its whole day
                 ({'until': yesterday}, lambda p: False),  # nothing was created before today
                 ({'since': yesterday, 'until': f'{today}T23:59:59Z'}, everything)]
        for case, admit in cases:
            with self.subTest(case=case):
                q = urllib.parse.urlencode(case)
                st = self.server.get(f'/api/stats?{q}')
                self.assertEqual(st.status, 200, st)
                st = st.json()
                sel = [p for p in self.expected if admit(p)]
                self.assertEqual(st['total']['total'], len(sel))
                for d in st['districts']:
                    mine = [p for p in sel if p['ob'] == d['id']]
                    fav = sum(p['category'] == 'favourite' for p in mine)
                    self.assertEqual((d['favourite'], d['improvement'], d['total']),
                                     (fav, len(mine) - fav, len(mine)), d['id'])
                    self.assertEqual(d['channels']['online'], len(mine))
        named = self.server.get('/api/stats?category=improvement&topic=mobility'
                                f'&since={today}').json()
        self.assertEqual((named['category'], named['topic'], named['since'][:10]),
                         ('improvement', 'mobility', today))
        csv = self.server.get('/api/stats?format=csv&category=improvement').body.decode()
        total = sum(int(line.split(',')[8]) for line in csv.split('\r\n')[1:] if line)
        self.assertEqual(total, len(self.ids(lambda p: p['category'] == 'improvement')))
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


class TestNearestDistrictFallback(ServerTest):
    """A point in the city that falls into a gap of the Stadtteil layer is
    stored with its Ortsbezirk and the nearest Stadtteil; a point outside
    the city is refused.  Expected values: the fixture (SpatiaLite), checked
    here again in pure Python (data/SOURCES.md, section 5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.points = load_fixture('kaiserslautern-testpunkte-luecken.geojson')['features']
        cls.posted = [(f, cls.server.post_point(*f['geometry']['coordinates'],
                                                comment=f'Lücke: {f["properties"]["label"]}'))
                      for f in cls.points]

    def test_the_fixture_holds_against_the_boundary_files(self):
        for f in self.points:
            p = f['properties']
            lon, lat = f['geometry']['coordinates']
            with self.subTest(label=p['label']):
                ob, st = geo_oracle.district_of(lon, lat)
                self.assertIsNone(st, 'a gap or outside point lies in no Stadtteil')
                near_st = geo_oracle.distances('stadtteil', lon, lat)
                self.assertEqual(near_st[0][1], f'st-{p["expected_stadtteil_id"]}')
                self.assertGreater(near_st[1][0] - near_st[0][0], 50)
                if p['expected_in_city']:
                    self.assertEqual(ob, f'ob-{p["expected_ortsbezirk_id"]}')
                else:
                    self.assertIsNone(ob)
                    near_ob = geo_oracle.distances('ortsbezirk', lon, lat)
                    self.assertEqual(near_ob[0][1], f'ob-{p["expected_ortsbezirk_id"]}')
        self.assertEqual(sum(f['properties']['expected_in_city'] for f in self.points), 4)

    def test_a_point_in_a_gap_gets_the_nearest_stadtteil(self):
        for f, r in self.posted:
            p = f['properties']
            with self.subTest(label=p['label']):
                if not assert_posted(self, r, p):
                    continue
                # stored that way: the Stadtteil's listing holds it
                st = f'st-{p["expected_stadtteil_id"]}'
                listing = self.server.get(f'/api/points?district={st}').json()
                self.assertIn(r.json()['id'], [x['id'] for x in listing['features']])
        self.assertEqual(self.server.db_count(), 4)
        self.assertEqual(self.server.db_count('stadtteil_id IS NULL'), 0)


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
