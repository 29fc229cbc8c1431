"""A black-box checklist of the OGC API - Features assertions (Part 1 Core,
Part 2 CRS), checked over HTTP the way a conformance test suite would: landing
page and its links, conformance classes, the OpenAPI definition (validated by
an independent validator from npm), collections, items with limit, bbox,
bbox-crs, datetime and paging, single features, CRS negotiation with
Content-Crs, and the exception bodies of 400 and 404."""
import json
import math
import os
import subprocess
import unittest
import urllib.parse

from harness import SOURCE, ServerTest
from test_ogc_gdal import populate

CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
EPSG = 'http://www.opengis.net/def/crs/EPSG/0/'
CORE = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/'


def local(href):
    """The path and query of an absolute link (the server is on 127.0.0.1)."""
    u = urllib.parse.urlsplit(href)
    return u.path + ('?' + u.query if u.query else '')


class TestOgcConformance(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = [p['id'] for p in populate(cls.server, n_extra=30)]
        # an event, so that the event parameter has one to name
        secret = cls.server.geopart('token', 'create', '--name', 'ogc', '--role',
                                    'planner').stdout.decode().strip()
        r = cls.server.request('POST', '/api/admin/events',
                               headers={'Authorization': 'Bearer ' + secret},
                               body={'name': 'Begehung', 'channel': 'walk',
                                     'date': '2026-10-12'})
        assert r.status == 201, r
        cls.event = r.json()['id']
        cls.base = f'http://127.0.0.1:{cls.server.port}/ogc'

    def get_json(self, path, status=200, media='application/json'):
        r = self.server.get(path)
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.header('Content-Type').startswith(media), (path, r.header('Content-Type')))
        return r, r.json()

    def assertException(self, r, status, field=None):
        """400/404: an OGC exception (code, description) that is also problem+json."""
        p = self.assertProblem(r, status, field=field)
        self.assertIsInstance(p['code'], str)
        self.assertTrue(p['code'])
        self.assertEqual(p['description'], p.get('detail', p['title']))
        return p

    def all_items(self, query, crs=None):
        """Every feature of a query, following next links; checks the totals."""
        path = '/ogc/collections/points/items?limit=9&' + query
        seen, matched = [], None
        while path:
            r, fc = self.get_json(path, media='application/geo+json')
            if matched is None:
                matched = fc['numberMatched']
            self.assertEqual(fc['numberMatched'], matched, 'numberMatched changed between pages')
            self.assertEqual(fc['numberReturned'], len(fc['features']))
            if crs:
                self.assertEqual(r.header('Content-Crs'), f'<{crs}>')
            seen += fc['features']
            nxt = [l['href'] for l in fc['links'] if l['rel'] == 'next']
            path = local(nxt[0]) if nxt else None
            if nxt:
                self.assertEqual(fc['numberReturned'], 9)
        self.assertEqual(len(seen), matched)
        self.assertEqual(len({f['id'] for f in seen}), matched, 'a feature came twice')
        return seen

    # ---- landing page, conformance, API definition --------------------------

    def test_landing_page_links(self):
        _, lp = self.get_json('/ogc')
        rels = {l['rel']: l for l in lp['links']}
        for rel, media in (('self', 'application/json'),
                           ('service-desc', 'application/vnd.oai.openapi+json;version=3.0'),
                           ('service-doc', 'text/html'), ('conformance', 'application/json'),
                           ('data', 'application/json')):
            with self.subTest(rel=rel):
                self.assertIn(rel, rels)
                self.assertEqual(rels[rel]['type'], media)
                self.assertTrue(rels[rel]['href'].startswith(self.base), 'links are absolute')
                r = self.server.get(local(rels[rel]['href']))
                self.assertEqual(r.status, 200)
                self.assertTrue(r.header('Content-Type').startswith(media.split(';')[0]))
        self.assertIn('<html', self.server.get('/ogc/api.html').body.decode())

    def test_public_url_makes_the_links(self):
        r = self.server.get('/ogc', headers={'Host': 'gis.example.org'})
        self.assertTrue(all(l['href'].startswith('http://gis.example.org/ogc')
                            for l in r.json()['links']))

    def test_conformance_classes(self):
        _, c = self.get_json('/ogc/conformance')
        for cls in ('core', 'oas30', 'geojson'):
            self.assertIn(CORE + cls, c['conformsTo'])
        self.assertIn('http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs', c['conformsTo'])

    def test_openapi_is_valid_and_describes_every_path(self):
        r, api = self.get_json('/ogc/api', media='application/vnd.oai.openapi+json;version=3.0')
        self.assertTrue(api['openapi'].startswith('3.0'))
        self.assertEqual(api['servers'][0]['url'], self.base)
        path = os.path.join(self.server.dir, 'openapi.json')
        with open(path, 'wb') as f:
            f.write(r.body)
        out = subprocess.run(['node', os.path.join(os.path.dirname(__file__), 'check_openapi.mjs'),
                              path], capture_output=True, cwd=os.path.join(SOURCE, 'tests'))
        self.assertEqual(out.returncode, 0, out.stdout.decode() + out.stderr.decode())
        self.assertTrue(json.loads(out.stdout)['valid'])
        # every path answers, and every declared query parameter is accepted
        examples = {'{featureId}': {'points': str(self.ids[0]), 'ortsbezirke': '0', 'stadtteile': '1'}}
        params = api['components']['parameters']
        for p, item in api['paths'].items():
            with self.subTest(path=p):
                concrete = p
                for coll in ('points', 'ortsbezirke', 'stadtteile'):
                    if f'/{coll}/' in p:
                        concrete = p.replace('{featureId}', examples['{featureId}'][coll])
                url = '/ogc' + (concrete if concrete != '/' else '')
                r = self.server.get(url)
                self.assertEqual(r.status, 200, r)
                declared = [params[x['$ref'].rsplit('/', 1)[1]]['name']
                            for x in item['get'].get('parameters', []) if '$ref' in x]
                if p.endswith('/items') and p.startswith('/collections/points'):
                    self.assertTrue({'category', 'topic', 'channel', 'event', 'outcome',
                                     'district'} <= set(declared))
                for name in declared:
                    if name in ('after', 'offset', 'bbox-crs'):
                        continue
                    value = {'f': 'json', 'bbox': '7.7,49.4,7.8,49.5', 'crs': CRS84,
                             'datetime': '2020-01-01T00:00:00Z/..', 'limit': '5',
                             'category': 'favourite', 'topic': 'mobility',
                             'district': 'ob-0', 'channel': 'walk',
                             'event': str(self.event), 'outcome': 'adopted'}[name]
                    q = urllib.parse.urlencode({name: value})
                    r = self.server.get(url + '?' + q)
                    self.assertEqual(r.status, 200, (name, r))
        lim = params['limit']['schema']
        self.assertEqual(lim['minimum'], 1)
        self.assertGreaterEqual(lim['maximum'], 1000)
        self.assertIn('default', lim)

    # ---- collections ----------------------------------------------------------

    def test_collections(self):
        _, cs = self.get_json('/ogc/collections')
        self.assertEqual([c['id'] for c in cs['collections']], ['points', 'ortsbezirke', 'stadtteile'])
        for c in cs['collections']:
            with self.subTest(collection=c['id']):
                _, one = self.get_json(f"/ogc/collections/{c['id']}")
                self.assertEqual(one, c)
                self.assertEqual(c['itemType'], 'feature')
                self.assertEqual(c['crs'][:4], [CRS84, EPSG + '25832', EPSG + '3857', EPSG + '4326'])
                self.assertEqual(c['storageCrs'], EPSG + '25832')
                bbox = c['extent']['spatial']['bbox'][0]
                self.assertTrue(7.5 < bbox[0] < bbox[2] < 8 and 49.3 < bbox[1] < bbox[3] < 49.6, bbox)
                items = [l for l in c['links'] if l['rel'] == 'items']
                self.assertEqual(items[0]['type'], 'application/geo+json')
                self.assertEqual(self.server.get(local(items[0]['href'])).status, 200)
        t = cs['collections'][0]['extent']['temporal']['interval'][0]
        self.assertLessEqual(t[0], t[1])
        self.assertException(self.server.get('/ogc/collections/trees'), 404)
        self.assertException(self.server.get('/ogc/collections/trees/items'), 404)

    def test_queryables(self):
        r, q = self.get_json('/ogc/collections/points/queryables', media='application/schema+json')
        self.assertEqual(set(q['properties']),
                         {'category', 'topic', 'channel', 'event', 'outcome', 'district'})
        self.assertIn('mobility', q['properties']['topic']['enum'])

    # ---- items ------------------------------------------------------------------

    def test_items_response(self):
        r, fc = self.get_json('/ogc/collections/points/items', media='application/geo+json')
        self.assertEqual(fc['type'], 'FeatureCollection')
        self.assertEqual(fc['numberMatched'], len(self.ids))
        self.assertEqual(fc['numberReturned'], len(fc['features']))
        self.assertRegex(fc['timeStamp'], r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$')
        self.assertEqual(r.header('Content-Crs'), f'<{CRS84}>')
        self.assertTrue(all(isinstance(f['id'], int) for f in fc['features']))
        self.assertIn('self', [l['rel'] for l in fc['links']])
        _, fj = self.get_json('/ogc/collections/points/items?f=json', media='application/geo+json')
        self.assertEqual(fj['numberMatched'], fc['numberMatched'])

    def test_limit(self):
        _, fc = self.get_json('/ogc/collections/points/items?limit=3', media='application/geo+json')
        self.assertEqual(fc['numberReturned'], 3)
        # above the maximum: clamped, not refused (OGC), whereas /api refuses
        _, fc = self.get_json('/ogc/collections/points/items?limit=1000000', media='application/geo+json')
        self.assertEqual(fc['numberReturned'], len(self.ids))
        self.assertProblem(self.server.get('/api/points?limit=1000000'), 400, field='limit')
        for bad in ('unlimited', '0', '-1', '1.5', ''):
            with self.subTest(limit=bad):
                self.assertException(self.server.get('/ogc/collections/points/items?limit=' + bad),
                                     400, field='limit')

    def test_unknown_parameter_and_bad_values(self):
        for q, field in (('colour=red', 'colour'), ('bbox=1,2,3', 'bbox'), ('bbox=8,49,7,50', 'bbox'),
                         ('crs=EPSG:2056', 'crs'), ('bbox-crs=EPSG:2056', 'bbox-crs'),
                         ('datetime=yesterday', 'datetime'), ('datetime=2026-02-01/2026-01-01', 'datetime'),
                         ('category=great', 'category'), ('topic=weather', 'topic'),
                         ('district=ob-99', 'district'), ('f=html', 'f'), ('after=x', 'after')):
            with self.subTest(query=q):
                self.assertException(self.server.get('/ogc/collections/points/items?' + q), 400, field=field)
        self.assertException(self.server.get('/ogc?colour=red'), 400, field='colour')

    def test_paging_totals_without_and_with_filters(self):
        seen = self.all_items('')
        self.assertEqual(sorted(f['id'] for f in seen), sorted(self.ids))
        fav = self.all_items('category=favourite&bbox=7.6,49.3,7.9,49.5')
        self.assertTrue(all(f['properties']['category'] == 'favourite' for f in fav))
        self.assertEqual(len(fav), sum(1 for f in seen if f['properties']['category'] == 'favourite'))
        # the district layers page with offset
        path, n = '/ogc/collections/stadtteile/items?limit=4', 0
        while path:
            _, fc = self.get_json(path, media='application/geo+json')
            self.assertEqual(fc['numberMatched'], 18)
            n += fc['numberReturned']
            nxt = [l['href'] for l in fc['links'] if l['rel'] == 'next']
            path = local(nxt[0]) if nxt else None
        self.assertEqual(n, 18)

    def test_bbox_is_exact_with_edges_inside(self):
        everything = self.all_items('')
        coords = {f['id']: f['geometry']['coordinates'] for f in everything}
        pid, (lon, lat) = next(iter(coords.items()))
        for box in ((lon, lat, lon, lat), (lon, lat - 0.01, lon + 0.01, lat),
                    (7.75, 49.43, 7.80, 49.45), (lon + 1e-9, lat, lon + 0.01, lat + 0.01)):
            with self.subTest(box=box):
                want = sorted(i for i, (x, y) in coords.items()
                              if box[0] <= x <= box[2] and box[1] <= y <= box[3])
                got = self.all_items('bbox=' + ','.join(repr(v) for v in box))
                self.assertEqual(sorted(f['id'] for f in got), want)
        self.assertEqual(len(self.all_items(f'bbox={lon},{lat},0,{lon},{lat},100')), 1)

    def test_bbox_crs_is_exact_in_every_crs(self):
        """A box given in each CRS holds exactly the points whose coordinates
        in that CRS lie inside; also 31467, which the table has no columns
        for.  Responses round metres to 0.1 mm while the test compares full
        precision, so the edges go half-way between neighbouring points."""
        for code in ('25832', '3857', '4326', '31467'):
            uri = EPSG + code
            with self.subTest(crs=code):
                pts = {f['id']: f['geometry']['coordinates'] for f in self.all_items('crs=' + uri, crs=uri)}
                a = sorted(set(c[0] for c in pts.values()))
                b = sorted(set(c[1] for c in pts.values()))

                def between(v, i):
                    return (v[i] + v[i + 1]) / 2
                box = (between(a, len(a) // 5), between(b, len(b) // 4),
                       between(a, 4 * len(a) // 5), between(b, 3 * len(b) // 4))
                want = sorted(i for i, (x, y) in pts.items()
                              if box[0] <= x <= box[2] and box[1] <= y <= box[3])
                q = urllib.parse.urlencode({'bbox': ','.join(repr(v) for v in box), 'bbox-crs': uri,
                                            'crs': uri})
                got = self.all_items(q, crs=uri)
                self.assertEqual(sorted(f['id'] for f in got), want)
                self.assertGreater(len(want), 3)
                self.assertLess(len(want), len(pts))

    def test_datetime(self):
        everything = self.all_items('')
        created = sorted(f['properties']['created'] for f in everything)
        mid = created[len(created) // 2]
        cases = {
            mid: [c for c in created if c == mid],
            f'{mid}/..': [c for c in created if c >= mid],
            f'../{mid}': [c for c in created if c <= mid],
            f'/{mid}': [c for c in created if c <= mid],
            f'{created[3]}/{created[-4]}': [c for c in created if created[3] <= c <= created[-4]],
            mid[:10]: created,  # the whole day
            '2000-01-01/2000-12-31': [],
            '../..': created,
        }
        for q, want in cases.items():
            with self.subTest(datetime=q):
                got = self.all_items('datetime=' + urllib.parse.quote(q))
                self.assertEqual(sorted(f['properties']['created'] for f in got), want)
        _, fc = self.get_json('/ogc/collections/ortsbezirke/items?datetime=2020-01-01/..',
                              media='application/geo+json')
        self.assertEqual(fc['numberMatched'], 10)

    # ---- one feature, CRS ----------------------------------------------------------

    def test_single_feature(self):
        pid = self.ids[3]
        r, f = self.get_json(f'/ogc/collections/points/items/{pid}', media='application/geo+json')
        self.assertEqual(f['id'], pid)
        self.assertEqual(r.header('Content-Crs'), f'<{CRS84}>')
        rels = {l['rel']: l['href'] for l in f['links']}
        self.assertEqual(set(rels), {'self', 'alternate', 'collection'})
        self.assertEqual(self.server.get(local(rels['alternate'])).json()['id'], pid)
        self.assertEqual(self.server.get(local(rels['collection'])).json()['id'], 'points')
        r, d = self.get_json('/ogc/collections/ortsbezirke/items/0', media='application/geo+json')
        self.assertEqual((d['id'], d['properties']['name']), (0, 'Innenstadt'))
        self.assertEqual(d['geometry']['type'], 'MultiPolygon')
        for bad in ('/ogc/collections/points/items/999999', '/ogc/collections/points/items/abc',
                    '/ogc/collections/points/items/-1', '/ogc/collections/ortsbezirke/items/99',
                    '/ogc/collections/nothing/items/1'):
            with self.subTest(path=bad):
                self.assertException(self.server.get(bad), 404)

    def test_crs_negotiation(self):
        pid = self.ids[0]
        base = self.server.get(f'/ogc/collections/points/items/{pid}').json()['geometry']['coordinates']
        for code in ('25832', '3857', '4326', '31467'):
            with self.subTest(crs=code):
                r = self.server.get(f'/ogc/collections/points/items/{pid}?crs={EPSG}{code}')
                self.assertEqual(r.status, 200)
                self.assertEqual(r.header('Content-Crs'), f'<{EPSG}{code}>')
                c = r.json()['geometry']['coordinates']
                if code == '4326':  # authority order: latitude first
                    self.assertAlmostEqual(c[0], base[1], places=9)
                    self.assertAlmostEqual(c[1], base[0], places=9)
                elif code == '31467':  # northing first
                    self.assertTrue(5.4e6 < c[0] < 5.6e6 and 3.3e6 < c[1] < 3.5e6, c)
                else:
                    self.assertTrue(c[0] > 1000 and c[1] > 1000, c)
                r = self.server.get(f'/ogc/collections/ortsbezirke/items?crs={EPSG}{code}&limit=1')
                self.assertEqual(r.header('Content-Crs'), f'<{EPSG}{code}>')
        r = self.server.get(f'/ogc/collections/points/items?crs={CRS84}')
        self.assertEqual(r.header('Content-Crs'), f'<{CRS84}>')
        self.assertException(self.server.get('/ogc/collections/points/items?crs=EPSG:9999'), 400, field='crs')

    def test_district_bbox_in_another_crs(self):
        # a box in EPSG:25832 around the city centre meets Innenstadt (0) only among a few
        _, fc = self.get_json('/ogc/collections/ortsbezirke/items?bbox=410000,5477000,410500,5477500'
                              '&bbox-crs=' + EPSG + '25832', media='application/geo+json')
        self.assertIn(0, [f['id'] for f in fc['features']])
        self.assertLess(fc['numberMatched'], 10)
        _, far = self.get_json('/ogc/collections/ortsbezirke/items?bbox=8.5,50,8.6,50.1',
                               media='application/geo+json')
        self.assertEqual(far['numberMatched'], 0)


if __name__ == '__main__':
    unittest.main()
