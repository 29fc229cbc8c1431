"""Hidden means hidden everywhere: a point a planner hid, and a point
waiting for review under `moderation = pre`, are absent from every public
route and every exported file, and present in the staff view.

One table, ROUTES, names every GET route of the server and how to read what
it shows; each row's check compares the answer with what this test itself
put in (the published points' ids, categories, topics and coordinates, their
districts by plain point-in-polygon), never with another route's answer.
test_every_get_route_is_in_the_table reads the route tables (the OpenAPI
descriptions at /api/openapi.json and /ogc/api, and the C route tables in
src/) and fails for any GET route that is neither a row nor in EXEMPT with
its reason: a new public route must join the table.
"""
import csv
import html
import io
import json
import os
import re
import socket
import sqlite3
import time
import unittest

import geo_oracle
from harness import SOURCE, Server, first_view, staff_token
from pdf_tools import pdf_text

# Innenstadt-Südwest (st-2), well inside both layers; points lie within 25 m.
SPOT = (7.764762, 49.439684)
# The published points: (dlon, dlat) from SPOT, category, topic.
PUBLISHED = [
    ((0.0, 0.0), 'favourite', 'mobility'),
    ((0.0001, 0.0), 'improvement', None),
    ((0.0, 0.00008), 'improvement', 'mobility'),
    ((0.0001, 0.00008), 'favourite', 'housing'),
]
# The point that is hidden (or pending): outside the others' bounding box, so
# a collection extent that counted it would show, and of the category and
# topic the filters below ask for.
VICTIM = ((0.0002, 0.00016), 'improvement', 'mobility')
# Posted after the victim changed: once the cluster index shows it, the
# index has also seen the victim's change (see wait_for_clusters).
SENTINEL = ((0.00005, 0.00004), 'favourite', None)
MAX_ZOOM = 20  # above cluster_max_zoom (16) every point stands alone


def norm(path):
    """A route path with its captures written as {} and no trailing slash."""
    path = re.sub(r'\{[^}]*\}', '{}', path)
    return path.rstrip('/') if len(path) > 1 else path


class World:
    """What one scenario put into its server: the published points as the
    test knows them, the victim, and a planner's token."""

    def __init__(self, server, planner, published, victim, victim_status):
        self.server = server
        self.planner = planner
        self.published = published
        self.victim = victim
        self.victim_status = victim_status

    def ids(self, pred=lambda p: True):
        return sorted(p['id'] for p in self.published if pred(p))

    def comments(self, pred=lambda p: True):
        return sorted(p['comment'] for p in self.published if pred(p))

    def counts(self, pred=lambda p: True):
        sel = [p for p in self.published if pred(p)]
        fav = sum(p['category'] == 'favourite' for p in sel)
        return {'favourite': fav, 'improvement': len(sel) - fav, 'total': len(sel)}

    def topics(self, pred=lambda p: True):
        """{topic: n} of the published points with a topic pred admits."""
        out = {}
        for p in self.published:
            if pred(p) and p['topic']:
                out[p['topic']] = out.get(p['topic'], 0) + 1
        return out

    def bbox(self):
        lons = [p['lon'] for p in self.published]
        lats = [p['lat'] for p in self.published]
        return [min(lons), min(lats), max(lons), max(lats)]


# ---- how to read each route ---------------------------------------------------------

def get_ok(t, w, path, headers=None):
    r = w.server.get(path, headers=headers)
    t.assertEqual(r.status, 200, (path, r))
    if headers is None:
        # the victim's text appears in no public answer, whatever its shape
        t.assertNotIn(w.victim['comment'].encode(), r.body, path)
    return r


def feature_ids(t, w, path):
    fc = get_ok(t, w, path).json()
    ids = sorted(f['id'] for f in fc['features'])
    if 'numberMatched' in fc:
        t.assertEqual(fc['numberMatched'], len(ids), path)
    return ids


def check_points(t, w):
    box = ','.join(str(v) for v in (SPOT[0] - 0.001, SPOT[1] - 0.001, SPOT[0] + 0.001,
                                    SPOT[1] + 0.001))
    st = w.published[0]['st']
    cases = {
        '': w.ids(),
        f'bbox={box}': w.ids(),
        'district=ob-0': w.ids(),
        f'district={st}': w.ids(),
        'topic=mobility': w.ids(lambda p: p['topic'] == 'mobility'),
        'category=improvement': w.ids(lambda p: p['category'] == 'improvement'),
        'since=2000-01-01&channel=online': w.ids(),
    }
    for query, want in cases.items():
        t.assertEqual(feature_ids(t, w, f'/api/points?limit=100&{query}'), want, query)


def check_point(t, w):
    r = w.server.get(f'/api/points/{w.victim["id"]}')
    t.assertEqual(r.status, 404, r)
    for p in w.published:
        t.assertEqual(get_ok(t, w, f'/api/points/{p["id"]}').json()['id'], p['id'])


def check_point_page(t, w):
    """A point's own page (/p/{id}, HTML): the comment and the kind of place."""
    r = w.server.get(f'/p/{w.victim["id"]}')
    t.assertEqual(r.status, 404, r)
    t.assertNotIn(w.victim['comment'].encode(), r.body)
    kinds = {'favourite': 'Lieblingsort', 'improvement': 'Verbesserungswürdig'}
    for p in w.published:
        body = get_ok(t, w, f'/p/{p["id"]}').body.decode()
        t.assertIn(f'<blockquote class="point-comment"><p>{p["comment"]}</p></blockquote>', body)
        t.assertIn(f'<meta property="og:title" content="{kinds[p["category"]]} im Ortsbezirk ', body)


def check_nearby(t, w):
    base = f'/api/points/nearby?lon={SPOT[0]}&lat={SPOT[1]}&radius=100'
    t.assertEqual(feature_ids(t, w, base), w.ids())
    t.assertEqual(feature_ids(t, w, base + '&category=improvement'),
                  w.ids(lambda p: p['category'] == 'improvement'))


def cluster_features(t, w, zoom, extra=''):
    return get_ok(t, w, f'/api/clusters?zoom={zoom}{extra}').json()['features']


def check_map_page(t, w):
    """The start page's first view (drawn by the server): the published
    points, all within 25 m, as one cluster at its zoom."""
    fv = first_view(get_ok(t, w, '/').body)
    t.assertIsNotNone(fv, 'the start page has its first view')
    t.assertEqual(fv['pins'], [])
    t.assertEqual([c[2] for c in fv['clusters']], [str(w.counts()['total'])])


def check_clusters(t, w):
    # at zoom 0 all points are one cluster that counts them by category
    (c,) = cluster_features(t, w, 0)
    want = w.counts()
    t.assertEqual((c['properties']['point_count'], c['properties']['favourite'],
                   c['properties']['improvement']),
                  (want['total'], want['favourite'], want['improvement']))
    # zoomed in, every point stands alone
    t.assertEqual(sorted(f['id'] for f in cluster_features(t, w, MAX_ZOOM)), w.ids())
    t.assertEqual(sorted(f['id'] for f in cluster_features(t, w, MAX_ZOOM, '&category=improvement')),
                  w.ids(lambda p: p['category'] == 'improvement'))


def check_leaves(t, w):
    (c,) = cluster_features(t, w, 0)
    cid = c['properties']['cluster_id']
    t.assertEqual(feature_ids(t, w, f'/api/clusters/{cid}/leaves?limit=100'), w.ids())


def check_hotspots(t, w):
    for query, pred in (('', lambda p: True), ('&district=ob-0', lambda p: True),
                        ('&category=improvement', lambda p: p['category'] == 'improvement')):
        fc = get_ok(t, w, f'/api/hotspots?eps=50&min_points=2{query}').json()
        want = w.counts(pred)
        t.assertEqual(fc['points'], want['total'], query)
        (h,) = fc['features']
        p = h['properties']
        t.assertEqual((p['point_count'], p['favourite'], p['improvement']),
                      (want['total'], want['favourite'], want['improvement']), query)
        t.assertEqual(p['topics'], w.topics(pred), query)


def district_counts(t, w, props):
    key = 'ob' if props['layer'] == 'ortsbezirk' else 'st'
    got = {k: props[k] for k in ('favourite', 'improvement', 'total')}
    t.assertEqual(got, w.counts(lambda p: p[key] == props['id']), props['id'])


def check_districts(t, w):
    for layer in ('', '?layer=ortsbezirk', '?layer=stadtteil'):
        for f in get_ok(t, w, f'/api/districts{layer}').json()['features']:
            district_counts(t, w, f['properties'])


def check_district(t, w):
    for d in ('ob-0', w.published[0]['st']):
        district_counts(t, w, get_ok(t, w, f'/api/districts/{d}').json()['properties'])


def check_district_points(t, w):
    for d in ('ob-0', w.published[0]['st']):
        t.assertEqual(feature_ids(t, w, f'/api/districts/{d}/points?limit=100'), w.ids())
        t.assertEqual(feature_ids(t, w, f'/api/districts/{d}/points?category=improvement'),
                      w.ids(lambda p: p['category'] == 'improvement'))


def check_stats(t, w):
    for query, pred in (('', lambda p: True), ('?topic=mobility', lambda p: p['topic'] == 'mobility'),
                        ('?category=improvement', lambda p: p['category'] == 'improvement'),
                        ('?layer=stadtteil', lambda p: True)):
        st = get_ok(t, w, f'/api/stats{query}').json()
        want = w.counts(pred)
        t.assertEqual({k: st['total'][k] for k in want}, want, query)
        t.assertEqual({k: n for k, n in st['total']['by_topic'].items() if n}, w.topics(pred), query)
        for d in st['districts']:
            key = 'ob' if d['id'].startswith('ob-') else 'st'
            t.assertEqual({k: d[k] for k in want}, w.counts(lambda p: pred(p) and p[key] == d['id']),
                          (query, d['id']))
    body = get_ok(t, w, '/api/stats?format=csv').body.decode()
    row = [line for line in body.split('\r\n') if line.startswith('"ob-0"')]
    c = w.counts()
    # …, online, walk, workshop, then by outcome: every visible point is open
    t.assertEqual([r.split(',')[:12] for r in row],
                  [f'"ob-0","Innenstadt",{c["favourite"]},{c["improvement"]},{c["total"]},'
                   f'{c["total"]},0,0,{c["total"]},0,0,0'.split(',')])
    # then one column per configured topic
    head = body.split('\r\n')[0].split(',')
    by_topic = {h[len('topic_'):]: int(n) for h, n in zip(head[12:], row[0].split(',')[12:]) if int(n)}
    t.assertEqual(by_topic, w.topics())


def export_comments(t, w, fmt, body):
    """The comments in an exported file, read as a GIS would read it."""
    if fmt == 'geojson':
        return sorted(f['properties']['comment'] for f in json.loads(body)['features'])
    if fmt == 'csv':
        text = body.decode('utf-8-sig')
        delimiter = ';' if body.startswith(b'\xef\xbb\xbf') else ','  # the spreadsheet dialect
        return sorted(r['comment'] for r in csv.DictReader(io.StringIO(text), delimiter=delimiter))
    path = os.path.join(w.server.dir, f'export-{time.monotonic_ns()}.gpkg')
    with open(path, 'wb') as f:
        f.write(body)
    con = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    try:
        return sorted(r[0] for r in con.execute('SELECT comment FROM points'))
    finally:
        con.close()


def check_export(t, w):
    for query in ('format=geojson', 'format=geojson&crs=EPSG:25832', 'format=csv',
                  'format=csv&excel=true', 'format=gpkg'):
        r = get_ok(t, w, f'/api/export?{query}')
        fmt = query.split('&')[0].split('=')[1]
        t.assertEqual(export_comments(t, w, fmt, r.body), w.comments(), query)


def ogc_points_extent(t, w, coll):
    (box,) = coll['extent']['spatial']['bbox']
    for got, want in zip(box, w.bbox()):
        t.assertAlmostEqual(got, want, places=7)


def check_ogc_collections(t, w):
    colls = {c['id']: c for c in get_ok(t, w, '/ogc/collections').json()['collections']}
    ogc_points_extent(t, w, colls['points'])


def check_ogc_collection(t, w):
    ogc_points_extent(t, w, get_ok(t, w, '/ogc/collections/points').json())
    for coll in ('ortsbezirke', 'stadtteile'):
        get_ok(t, w, f'/ogc/collections/{coll}')


def check_ogc_point_items(t, w):
    box = f'{SPOT[0] - 0.001},{SPOT[1] - 0.001},{SPOT[0] + 0.001},{SPOT[1] + 0.001}'
    for query, pred in (('', lambda p: True), (f'&bbox={box}', lambda p: True),
                        ('&datetime=2000-01-01T00:00:00Z/..', lambda p: True),
                        ('&category=improvement', lambda p: p['category'] == 'improvement'),
                        ('&topic=mobility', lambda p: p['topic'] == 'mobility'),
                        ('&district=ob-0', lambda p: True)):
        t.assertEqual(feature_ids(t, w, f'/ogc/collections/points/items?limit=100{query}'),
                      w.ids(pred), query)


def check_ogc_items(t, w):
    for coll in ('ortsbezirke', 'stadtteile'):
        for f in get_ok(t, w, f'/ogc/collections/{coll}/items?limit=100').json()['features']:
            district_counts(t, w, f['properties'])


def check_ogc_item(t, w):
    r = w.server.get(f'/ogc/collections/points/items/{w.victim["id"]}')
    t.assertEqual(r.status, 404, r)
    for p in w.published:
        t.assertEqual(get_ok(t, w, f'/ogc/collections/points/items/{p["id"]}').json()['id'],
                      p['id'])
    st = int(w.published[0]['st'][3:])
    for coll, fid in (('ortsbezirke', 0), ('stadtteile', st)):
        district_counts(t, w, get_ok(t, w, f'/ogc/collections/{coll}/items/{fid}').json()['properties'])


def check_live(t, w):
    """The live stream's snapshot (its first event) holds the published
    points; hidden and pending ones are neither there nor sent later."""
    sock = socket.create_connection(('127.0.0.1', w.server.port), timeout=10)
    try:
        sock.sendall(f'GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:{w.server.port}\r\n\r\n'.encode())
        data = b''
        while not re.search(rb'event: snapshot\n.*\ndata: [^\n]*\n\n', data, re.S):
            chunk = sock.recv(65536)
            t.assertTrue(chunk, data[:300])
            data += chunk
    finally:
        sock.close()
    t.assertTrue(data.startswith(b'HTTP/1.1 200'), data[:100])
    snapshot = re.search(rb'event: snapshot\n.*?\ndata: ([^\n]*)\n\n', data, re.S).group(1)
    features = json.loads(snapshot)['features']
    t.assertEqual(sorted(f['properties']['comment'] for f in features), w.comments())


def check_reports(t, w):
    """The reports (/report/{district}, HTML and PDF; staff's unless
    report_public): every published comment of the area, never the victim's
    — for staff, who may read them, too."""
    t.assertEqual(w.server.get('/report/ob-0').status, 401)
    st = w.published[0]['st']
    for district in ('ob-0', st, 'city'):
        body = get_ok(t, w, f'/report/{district}', headers=w.planner).body
        t.assertNotIn(w.victim['comment'].encode(), body, district)
        text = html.unescape(body.decode())
        for c in w.comments():
            t.assertIn(c, text, district)
        pdf = get_ok(t, w, f'/report/{district}.pdf', headers=w.planner).body
        text = pdf_text(pdf)
        t.assertNotIn(w.victim['comment'], text, district)
        for c in w.comments():
            t.assertIn(c, text, district)
    index = get_ok(t, w, '/report/', headers=w.planner).body
    t.assertNotIn(w.victim['comment'].encode(), index)


# Every GET route a citizen or GIS can reach, by the paths that name it in
# the route tables and the OpenAPI descriptions, and how to check it.
ROUTES = [
    (('/api/points',), check_points),
    (('/api/points/{}',), check_point),
    (('/api/points/nearby',), check_nearby),
    (('/p/{}',), check_point_page),
    (('/', '/index.html'), check_map_page),
    (('/api/clusters',), check_clusters),
    (('/api/clusters/{}/leaves',), check_leaves),
    (('/api/hotspots',), check_hotspots),
    (('/api/districts',), check_districts),
    (('/api/districts/{}',), check_district),
    (('/api/districts/{}/points',), check_district_points),
    (('/api/stats',), check_stats),
    (('/api/live',), check_live),
    (('/api/export',), check_export),
    (('/ogc/collections',), check_ogc_collections),
    (('/ogc/collections/{}', '/ogc/collections/points', '/ogc/collections/ortsbezirke',
      '/ogc/collections/stadtteile'), check_ogc_collection),
    (('/ogc/collections/points/items',), check_ogc_point_items),
    (('/ogc/collections/{}/items', '/ogc/collections/ortsbezirke/items',
      '/ogc/collections/stadtteile/items'), check_ogc_items),
    (('/ogc/collections/{}/items/{}', '/ogc/collections/points/items/{}',
      '/ogc/collections/ortsbezirke/items/{}', '/ogc/collections/stadtteile/items/{}'),
     check_ogc_item),
    (('/report/{}', '/report'), check_reports),
]

# GET routes that show no point, each with the reason.
EXEMPT = {
    '/api/form': 'a signed form timestamp',
    '/api/config': 'settings and labels for the page',
    '/api/openapi.json': 'the description of the API',
    '/healthz': 'database health and the number of districts',
    '/metrics': 'counts points per status for operators on purpose, no point itself',
    '/api/admin/points': 'staff: checked in STAFF below',
    '/api/admin/points/{}': 'staff: checked in STAFF below',
    '/api/admin/log': 'staff (planners and admins): names the points it changed, by design',
    '/api/survey': 'the questionnaire\'s definition, no point',
    '/api/survey/results': 'questionnaire counts, small ones withheld (test_survey.py), no point',
    '/api/admin/survey/responses': 'staff: questionnaire responses, no point (test_survey.py)',
    '/api/admin/survey/texts': 'staff: the questionnaire\'s free text, no point; never public '
                               '(test_survey.py)',
    '/impressum': 'the imprint, from the configuration',
    '/werkstatt/qr.svg': 'the QR code of an event\'s entry page, no point',
    '/datenschutz': 'the privacy information, from the configuration',
    '/leichte-sprache': 'the map explained in Leichte Sprache, from the configuration, no point',
    '/api/session': 'who is signed in, no point (test_workspace.py)',
    '/api/events': 'walks and workshops with the number of their published points, no point '
                   '(test_workspace.py)',
    '/api/events/{}': 'one walk or workshop with the number of its published points, no point '
                      '(test_workspace.py)',
    '/ogc': 'the landing page: links',
    '/ogc/conformance': 'conformance classes',
    '/ogc/api': 'the OGC API description',
    '/ogc/api.html': 'the OGC API documentation page',
    '/ogc/collections/{}/queryables': 'the queryable properties, no data',
    '/ogc/collections/points/queryables': 'the queryable properties, no data',
    '/ogc/collections/ortsbezirke/queryables': 'the queryable properties, no data',
    '/ogc/collections/stadtteile/queryables': 'the queryable properties, no data',
}


def check_staff_view(t, w):
    """The victim is where planners look for it."""
    v = w.victim
    for query in ('', f'?status={w.victim_status}', '?status=all'):
        fc = get_ok(t, w, f'/api/admin/points{query}', headers=w.planner).json()
        mine = [f for f in fc['features'] if f['id'] == v['id']]
        t.assertEqual(len(mine), 1, query)
        t.assertEqual(mine[0]['properties']['status'], w.victim_status)
    f = get_ok(t, w, f'/api/admin/points/{v["id"]}', headers=w.planner).json()
    t.assertEqual((f['properties']['status'], f['properties']['comment']),
                  (w.victim_status, v['comment']))
    for fmt in ('geojson', 'csv', 'gpkg'):
        r = get_ok(t, w, f'/api/export?format={fmt}&status=all', headers=w.planner)
        t.assertEqual(export_comments(t, w, fmt, r.body), sorted(w.comments() + [v['comment']]), fmt)
        r = get_ok(t, w, f'/api/export?format={fmt}&status={w.victim_status}', headers=w.planner)
        t.assertEqual(export_comments(t, w, fmt, r.body), [v['comment']], fmt)


class VisibilityScenario:
    """A fresh server per scenario: the published points, then the victim,
    then the sentinel.  Mixed into one TestCase per scenario."""
    config = None
    victim_status = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(config=dict(cls.config or {}, web_root=os.path.join(SOURCE, 'web')))
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.planner = staff_token(cls.server, 'Planung', 'planner')
        published = [cls.post(spec, f'öffentlich {i}', staff=cls.config is not None)
                     for i, spec in enumerate(PUBLISHED)]
        victim = cls.make_victim()
        published.append(cls.post(SENTINEL, 'öffentlich, später', staff=True))
        cls.world = World(cls.server, cls.planner, published, victim, cls.victim_status)
        cls.wait_for_clusters(published[-1]['id'])

    @classmethod
    def post(cls, spec, comment, staff):
        (dlon, dlat), category, topic = spec
        lon, lat = round(SPOT[0] + dlon, 7), round(SPOT[1] + dlat, 7)
        r = cls.server.post_point(lon, lat, category=category, topic=topic, comment=comment,
                                  headers=cls.planner if staff else {})
        assert r.status == 201, r
        ob, st = geo_oracle.district_of(lon, lat)
        return {'id': r.json()['id'], 'lon': lon, 'lat': lat, 'category': category,
                'topic': topic, 'comment': comment, 'ob': ob, 'st': st,
                'status': r.json()['properties']['status']}

    @classmethod
    def wait_for_clusters(cls, pid, timeout=10):
        """Waits until the cluster index shows point pid; it takes changes
        in order, so by then it has also taken every earlier one."""
        deadline = time.monotonic() + timeout
        while True:
            fc = cls.server.get(f'/api/clusters?zoom={MAX_ZOOM}').json()
            if pid in [f['id'] for f in fc['features']]:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f'point {pid} not in the clusters after {timeout} s')
            time.sleep(0.02)

    def test_the_scenario_is_what_the_checks_assume(self):
        w = self.world
        self.assertEqual(len(w.published), 5)
        self.assertTrue(all(p['status'] == 'published' for p in w.published))
        self.assertTrue(all((p['ob'], p['st']) == ('ob-0', 'st-2') for p in w.published))
        self.assertEqual(w.victim['status'], self.victim_status)
        self.assertEqual(geo_oracle.district_of(w.victim['lon'], w.victim['lat']), ('ob-0', 'st-2'))
        # the victim lies outside the published points' extent, within reach of nearby
        box = w.bbox()
        self.assertFalse(box[0] <= w.victim['lon'] <= box[2] and box[1] <= w.victim['lat'] <= box[3])
        r = self.server.get(f'/api/admin/points/{w.victim["id"]}', headers=self.planner)
        self.assertEqual(r.json()['properties']['status'], self.victim_status)

    def test_absent_from_every_public_route(self):
        for paths, check in ROUTES:
            with self.subTest(route=paths[0]):
                check(self, self.world)

    def test_present_in_the_staff_view(self):
        check_staff_view(self, self.world)

    def test_absent_from_every_file_the_cli_exports(self):
        w = self.world
        for fmt in ('geojson', 'csv', 'gpkg'):
            with self.subTest(format=fmt):
                out = os.path.join(self.server.dir, f'cli-export.{fmt}')
                self.server.geopart('export', '--format', fmt, '--output', out)
                with open(out, 'rb') as f:
                    body = f.read()
                self.assertNotIn(w.victim['comment'].encode(), body)
                self.assertEqual(export_comments(self, w, fmt, body), w.comments())


class TestHiddenByAPlanner(VisibilityScenario, unittest.TestCase):
    victim_status = 'hidden'

    @classmethod
    def make_victim(cls):
        v = cls.post(VICTIM, 'VERBORGEN: von der Planung ausgeblendet', staff=False)
        r = cls.server.request('PATCH', f'/api/points/{v["id"]}', body={'status': 'hidden'},
                               headers=cls.planner)
        assert r.status == 200, r
        v['status'] = r.json()['properties']['status']
        return v


class TestPendingUnderPreModeration(VisibilityScenario, unittest.TestCase):
    config = {'moderation': 'pre'}
    victim_status = 'pending'

    @classmethod
    def make_victim(cls):
        return cls.post(VICTIM, 'VERBORGEN: wartet auf Prüfung', staff=False)


class TestRouteTable(unittest.TestCase):
    """Every GET route is a row of ROUTES or in EXEMPT, by name."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()

    def documented(self, doc_path, prefix):
        doc = self.server.get(doc_path).json()
        return {norm(prefix + p) for p, ops in doc['paths'].items() if 'get' in ops}

    def route_tables(self):
        """GET routes in the C route tables of src/ (gp_http_route rows)."""
        found = set()
        for root, _, files in os.walk(os.path.join(SOURCE, 'src')):
            for name in files:
                if name.endswith('.c'):
                    with open(os.path.join(root, name), encoding='utf-8') as f:
                        found |= {norm(p) for p in re.findall(r'\{\s*"GET",\s*"(/[^"]*)"', f.read())}
        return found

    def test_every_get_route_is_in_the_table(self):
        rows = {p for paths, _ in ROUTES for p in paths}
        tables = self.route_tables()
        api = self.documented('/api/openapi.json', '/api')
        ogc = self.documented('/ogc/api', '/ogc')
        # the sources read are the real ones, not empty
        self.assertIn('/api/points/nearby', tables)
        self.assertIn('/api/points', api)
        self.assertIn('/ogc/collections/points/items/{}', ogc)
        for path in sorted(tables | api | ogc):
            with self.subTest(route=path):
                self.assertTrue(path in rows or path in EXEMPT,
                                f'GET {path} is a route but neither a row of ROUTES in '
                                f'{os.path.basename(__file__)} nor exempted with a reason')
        # and the table names no route that is gone
        for path in sorted(rows | set(EXEMPT)):
            with self.subTest(row=path):
                self.assertIn(path, tables | api | ogc)

    def test_norm(self):
        self.assertEqual(norm('/ogc/collections/{collectionId}/items/{featureId}'),
                         '/ogc/collections/{}/items/{}')
        self.assertEqual(norm('/ogc/'), '/ogc')


if __name__ == '__main__':
    unittest.main()
