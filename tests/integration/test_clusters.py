"""Map clusters: the correctness oracle (npm supercluster on the same 10,000
seed-42 points, every zoom 0-17, clusters, ids, counts, positions, expansion
zooms and leaves), then what a map client relies on: errors, paging through
a cluster's points, single points with their normal properties, category
hierarchies, freshness within a second, only published points, and the
same clusters after a restart."""
import http.client
import json
import math
import os
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from harness import Server, ServerTest, geojson_problems, run_parallel

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(HERE, 'cluster_oracle.mjs')
CITY = '7.4,49.2,8.1,49.7'  # encloses Kaiserslautern with room to spare
MAX_ZOOM = 16
WANTED = 10000
SCALE = 2 ** 30


def node(*args):
    out = subprocess.run(['node', ORACLE] + [str(a) for a in args], capture_output=True,
                         cwd=HERE, timeout=300)
    if out.returncode:
        raise AssertionError(out.stderr.decode())
    return json.loads(out.stdout)


def grid(lon, lat):
    """A position on supercluster's fixed-point grid (2^30 units per world).
    Served coordinates carry 1e-9 degrees, the grid step is about 2e-7, so
    rounding recovers the grid point exactly."""
    s = math.sin(lat * math.pi / 180)
    y = 0.5 - 0.25 * math.log((1 + s) / (1 - s)) / math.pi
    return (round((lon / 360 + 0.5 - 0.5) * SCALE), round((y - 0.5) * SCALE))


class KeepAlive(threading.local):
    """One keep-alive connection per posting thread."""
    conn = None


def staff(server):
    """A planner token for `server`: staff input skips the citizen form
    timestamp and rate limits, which would only slow these tests down."""
    if not getattr(server, 'staff_headers', None):
        secret = server.geopart('token', 'create', '--name', 'cluster-tests',
                                '--role', 'planner').stdout.decode().strip()
        server.staff_headers = {'Content-Type': 'application/json',
                                'Authorization': f'Bearer {secret}'}
    return server.staff_headers


def post_all(server, features, workers=8):
    """POSTs every feature on `workers` keep-alive connections; returns
    (status, body) in feature order."""
    local = KeepAlive()
    opened = []
    headers = staff(server)

    def post(f):
        for _ in range(3):
            if local.conn is None:
                local.conn = http.client.HTTPConnection('127.0.0.1', server.port, timeout=30)
                opened.append(local.conn)
            try:
                local.conn.request('POST', '/api/points', body=json.dumps(f).encode(),
                                   headers=headers)
                r = local.conn.getresponse()
                body = r.read()
                return r.status, body
            except (http.client.HTTPException, OSError):
                local.conn.close()
                local.conn = None
        raise AssertionError('cannot post')

    try:
        return run_parallel(post, features, workers)
    finally:
        for conn in opened:
            conn.close()


def feature(lon, lat, category, comment):
    return {'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [lon, lat]},
            'properties': {'category': category, 'comment': comment}}


class TestClusterOracle(ServerTest):
    config = {'threads': '16', 'access_log': 'off'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory(prefix='geopart-oracle-')
        # Seed points outside the city are skipped before posting (the
        # server has the last word: a refused point is simply replaced).
        areas = os.path.join(cls.tmp.name, 'ortsbezirke.json')
        with open(areas, 'wb') as f:
            f.write(cls.server.get('/api/districts?layer=ortsbezirk').body)
        seed = node('seed', 40000, areas)
        cls.points = []  # (id, lon, lat, category) of every accepted point
        at = 0
        # Post exactly as many as are still missing, so the last round can
        # never overshoot: the first 10,000 seed points inside the city.
        while len(cls.points) < WANTED:
            batch = seed[at:at + WANTED - len(cls.points)]
            cats = ['improvement' if (at + k) % 3 == 0 else 'favourite' for k in range(len(batch))]
            at += len(batch)
            assert batch, 'the seed ran out of points inside the city'
            results = post_all(cls.server, [feature(lon, lat, c, f'Seed {lon:.5f} {lat:.5f}')
                                            for (lon, lat), c in zip(batch, cats)])
            for (lon, lat), c, (status, body) in zip(batch, cats, results):
                if status == 201:
                    cls.points.append((json.loads(body)['id'], lon, lat, c))
                else:
                    assert status == 422, (status, body)
        cls.points.sort()
        cls.oracle = {}
        for category in (None, 'favourite'):
            path = os.path.join(cls.tmp.name, f'{category}.json')
            with open(path, 'w') as f:
                json.dump([{'id': i, 'lon': lon, 'lat': lat, 'category': c}
                           for i, lon, lat, c in cls.points if category in (None, c)], f)
            cls.oracle[category] = node('clusters', path, CITY, MAX_ZOOM)
        cls.wait_for_index(WANTED)

    @classmethod
    def wait_for_index(cls, total, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            fc = cls.server.get(f'/api/clusters?zoom=0&bbox={CITY}').json()
            if sum(f['properties'].get('point_count', 1) for f in fc['features']) == total:
                return
            time.sleep(0.05)
        raise AssertionError(f'index did not reach {total} points')

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        super().tearDownClass()

    def ours(self, zoom, category=None):
        q = f'/api/clusters?zoom={zoom}&bbox={CITY}' + (f'&category={category}' if category else '')
        r = self.server.get(q)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def compare(self, category):
        for expect in self.oracle[category]:
            z = expect['zoom']
            with self.subTest(zoom=z, category=category):
                fc = self.ours(z, category)
                got = {}
                singles = []
                for f in fc['features']:
                    p = f['properties']
                    if p.get('cluster'):
                        got[p['cluster_id'] & 0xffffffff] = (f, p)
                    else:
                        singles.append(f['id'])
                self.assertEqual(len(fc['features']), fc['numberReturned'])
                self.assertEqual(len(got), len(expect['clusters']))
                self.assertEqual(sorted(singles), sorted(expect['singles']))
                for c in expect['clusters']:
                    f, p = got[c['cluster_id']]
                    self.assertEqual(f['id'], p['cluster_id'])
                    for key in ('point_count', 'point_count_abbreviated', 'favourite',
                                'improvement', 'expansion_zoom'):
                        self.assertEqual(p[key], c[key], (key, c))
                    lon, lat = f['geometry']['coordinates']
                    # Exactly the same point of supercluster's grid …
                    self.assertEqual(grid(lon, lat), grid(c['lon'], c['lat']), c)
                    # … served to the last printed digit (1e-9°).
                    self.assertLessEqual(abs(lon - c['lon']), 0.5e-9 + 1e-12, c)
                    self.assertLessEqual(abs(lat - c['lat']), 0.5e-9 + 1e-12, c)
                for cid, ids in expect['leaves'].items():
                    full = got[int(cid)][1]['cluster_id']
                    r = self.server.get(f'/api/clusters/{full}/leaves?limit=10000')
                    self.assertEqual(r.status, 200, r)
                    self.assertEqual(sorted(f['id'] for f in r.json()['features']), sorted(ids))

    def test_every_zoom_equals_supercluster(self):
        self.assertEqual(len(self.points), WANTED)
        self.assertEqual(len(self.oracle[None]), MAX_ZOOM + 2)
        self.compare(None)

    def test_category_hierarchy_equals_supercluster_on_that_category(self):
        self.compare('favourite')

    def test_clusters_split_as_the_zoom_grows(self):
        # The server's answers, zoom by zoom: one cluster holding every point
        # at zoom 0, every point alone at the last zoom, never fewer
        # features as the zoom grows, and always all points counted.
        counts = []
        for expect in self.oracle[None]:
            fc = self.ours(expect['zoom'])
            counts.append(len(fc['features']))
            held = sum(f['properties']['point_count'] if f['properties'].get('cluster') else 1
                       for f in fc['features'])
            self.assertEqual(held, WANTED, expect['zoom'])
        self.assertEqual(counts[0], 1)
        self.assertEqual(counts[-1], WANTED)
        self.assertEqual(counts, sorted(counts))
        # and the oracle agrees on every one of them
        self.assertEqual(counts, [len(z['clusters']) + len(z['singles']) for z in self.oracle[None]])


class TestClusterApi(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A tight group of five (three improvement) and two lone points.
        cls.ids = []
        for i in range(5):
            r = cls.server.post_point(7.7689 + i * 0.00002, 49.4447,
                                      category='improvement' if i < 3 else 'favourite',
                                      comment=f'Gruppe {i}', topic='mobility' if i else None)
            assert r.status == 201, r
            cls.ids.append(r.json()['id'])
        for lon, lat in ((7.69715, 49.408225), (7.779203, 49.479464)):
            r = cls.server.post_point(lon, lat, comment='allein')
            assert r.status == 201, r
            cls.ids.append(r.json()['id'])
        cls.wait_total(7)

    @classmethod
    def wait_total(cls, total, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            fc = cls.server.get('/api/clusters?zoom=0').json()
            if sum(f['properties'].get('point_count', 1) for f in fc['features']) == total:
                return
            time.sleep(0.02)
        raise AssertionError(f'index did not reach {total} points')

    def group(self, zoom=12, category=None):
        q = f'/api/clusters?zoom={zoom}&bbox=7.76,49.44,7.78,49.45'
        fc = self.server.get(q + (f'&category={category}' if category else '')).json()
        return [f for f in fc['features'] if f['properties'].get('cluster')]

    def test_bad_zoom_and_bbox_are_400_naming_the_parameter(self):
        for q, field in (('', 'zoom'), ('zoom=-1', 'zoom'), ('zoom=31', 'zoom'),
                         ('zoom=abc', 'zoom'), ('zoom=1.5', 'zoom'), ('zoom=', 'zoom'),
                         ('zoom=3&bbox=1,2,3', 'bbox'), ('zoom=3&bbox=8,49,7,50', 'bbox'),
                         ('zoom=3&bbox=7,49,8,91', 'bbox'), ('zoom=3&bbox=a,b,c,d', 'bbox'),
                         ('zoom=3&category=blue', 'category'), ('zoom=3&limit=5', 'limit')):
            with self.subTest(q=q):
                self.assertProblem(self.server.get('/api/clusters?' + q), 400, field=field)

    def test_cluster_properties_count_each_category(self):
        [c] = self.group()
        p = c['properties']
        self.assertEqual(p['point_count'], 5)
        self.assertEqual(p['point_count_abbreviated'], 5)
        self.assertEqual((p['improvement'], p['favourite']), (3, 2))
        self.assertTrue(p['cluster'])
        self.assertEqual(c['id'], p['cluster_id'])
        self.assertGreater(p['expansion_zoom'], 12)
        lon, lat = c['geometry']['coordinates']
        self.assertAlmostEqual(lon, 7.7689 + 0.00004, places=6)
        self.assertAlmostEqual(lat, 49.4447, places=6)

    def test_expansion_zoom_splits_the_cluster(self):
        [c] = self.group()
        z = c['properties']['expansion_zoom']
        self.assertEqual(self.group(z - 1)[0]['properties']['cluster_id'], c['properties']['cluster_id'])
        apart = self.server.get(f'/api/clusters?zoom={z}&bbox=7.76,49.44,7.78,49.45').json()
        self.assertGreater(len(apart['features']), 1)
        self.assertNotIn(c['properties']['cluster_id'],
                         [f['properties'].get('cluster_id') for f in apart['features']])

    def test_leaves_page_through_the_cluster_once(self):
        [c] = self.group()
        cid = c['properties']['cluster_id']
        seen = []
        url = f'/api/clusters/{cid}/leaves?limit=2'
        while url:
            r = self.server.get(url)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.header('Content-Type'), 'application/geo+json; charset=utf-8')
            fc = r.json()
            self.assertEqual(fc['numberMatched'], 5)
            self.assertEqual(fc['numberReturned'], len(fc['features']))
            seen += [f['id'] for f in fc['features']]
            nxt = [l['href'] for l in fc['links'] if l['rel'] == 'next']
            url = nxt[0].split(str(self.server.port), 1)[1] if nxt else None
        self.assertEqual(sorted(seen), sorted(self.ids[:5]))

    def test_leaves_are_the_points_as_served_elsewhere(self):
        [c] = self.group()
        fc = self.server.get(f'/api/clusters/{c["properties"]["cluster_id"]}/leaves').json()
        for f in fc['features']:
            self.assertEqual(f, self.server.get(f'/api/points/{f["id"]}').json())

    def test_single_points_have_their_normal_properties(self):
        fc = self.server.get('/api/clusters?zoom=17').json()
        self.assertEqual(len(fc['features']), 7)
        for f in fc['features']:
            self.assertNotIn('cluster', f['properties'])
            self.assertEqual(f, self.server.get(f'/api/points/{f["id"]}').json())

    def test_unknown_or_malformed_cluster_is_404(self):
        [c] = self.group()
        cid = c['properties']['cluster_id']
        for bad in ('999', 'abc', str(self.ids[0]), str(cid + 32), str(cid ^ (1 << 36)),
                    '-5', str(2 ** 63), '0'):
            with self.subTest(id=bad):
                self.assertProblem(self.server.get(f'/api/clusters/{bad}/leaves'), 404,
                                   field='cluster_id')
        self.assertProblem(self.server.get(f'/api/clusters/{cid}/leaves?limit=0'), 400,
                           field='limit')

    def test_category_shows_only_that_category(self):
        [c] = self.group(category='improvement')
        self.assertEqual((c['properties']['point_count'], c['properties']['favourite']), (3, 0))
        leaves = self.server.get(f'/api/clusters/{c["properties"]["cluster_id"]}/leaves').json()
        self.assertEqual({f['properties']['category'] for f in leaves['features']}, {'improvement'})
        self.assertEqual(len(self.server.get('/api/clusters?zoom=17&category=favourite')
                             .json()['features']), 4)

    def test_outputs_are_valid_geojson(self):
        [c] = self.group()
        docs = {f'clusters-{z}.json': self.server.get(f'/api/clusters?zoom={z}').body
                for z in (0, 12, 17)}
        docs['leaves.json'] = self.server.get(
            f'/api/clusters/{c["properties"]["cluster_id"]}/leaves').body
        self.assertEqual(geojson_problems(self.server.dir, docs), {k: [] for k in docs})

    def test_bbox_limits_what_is_returned(self):
        fc = self.server.get('/api/clusters?zoom=17&bbox=7.69,49.40,7.70,49.41').json()
        self.assertEqual([f['id'] for f in fc['features']], [self.ids[5]])
        self.assertEqual(self.server.get('/api/clusters?zoom=5&bbox=0,0,1,1').json()['features'], [])


class TestClusterFreshness(ServerTest):

    def test_new_point_shows_within_one_second(self):
        for i in range(3):
            lon = 7.74 + i * 0.01
            r = self.server.post_point(lon, 49.45, comment=f'frisch {i}')
            self.assertEqual(r.status, 201, r)
            t0 = time.monotonic()
            while True:
                fc = self.server.get(f'/api/clusters?zoom=17&bbox={lon - 1e-6},49.449999,{lon + 1e-6},49.450001').json()
                if fc['features']:
                    break
                self.assertLess(time.monotonic() - t0, 1.0, 'not in the clusters after 1 s')
                time.sleep(0.01)
            self.assertEqual(fc['features'][0]['id'], r.json()['id'])

    def test_clusters_answer_while_points_arrive(self):
        stop = threading.Event()
        errors = []

        def read():
            while not stop.is_set():
                r = self.server.get('/api/clusters?zoom=13')
                if r.status != 200:
                    errors.append(r)
        reader = threading.Thread(target=read)
        reader.start()
        try:
            results = post_all(self.server, [feature(7.75 + i * 1e-4, 49.44, 'favourite', 'x')
                                             for i in range(200)])
        finally:
            stop.set()
            reader.join()
        self.assertEqual({s for s, _ in results}, {201})
        self.assertEqual(errors, [])


class TestOnlyPublishedAndRestart(unittest.TestCase):
    """The database is the truth: a point hidden there leaves every view
    (the index reloads when the districts version moves, as after an
    import), and a restarted server shows what the last one showed."""

    def test_hidden_point_leaves_clusters_hotspots_and_nearby(self):
        server = Server().start()
        try:
            ids = [server.post_point(7.7689 + i * 0.00003, 49.4447, comment=f'p{i}').json()['id']
                   for i in range(5)]
            deadline = time.monotonic() + 5
            while True:  # until the index shows all five
                before = server.get('/api/clusters?zoom=10').json()
                if before['features'] and before['features'][0]['properties'].get('point_count') == 5:
                    break
                self.assertLess(time.monotonic(), deadline, before)
                time.sleep(0.02)
            r = server.request('PATCH', f'/api/points/{ids[0]}', body={'status': 'hidden'},
                               headers=staff(server))
            self.assertEqual(r.status, 200, r)
            deadline = time.time() + 3
            while time.time() < deadline:
                fc = server.get('/api/clusters?zoom=10').json()
                if fc['features'][0]['properties']['point_count'] == 4:
                    break
                time.sleep(0.05)
            self.assertEqual(fc['features'][0]['properties']['point_count'], 4)
            self.assertNotIn(ids[0], [f['id'] for f in server.get('/api/clusters?zoom=17').json()['features']])
            hot = server.get('/api/hotspots?eps=20&min_points=2').json()
            self.assertEqual(hot['features'][0]['properties']['point_count'], 4)
            near = server.get('/api/points/nearby?lon=7.7689&lat=49.4447&radius=100').json()
            self.assertNotIn(ids[0], [f['id'] for f in near['features']])
            self.assertEqual(near['numberMatched'], 4)

            server.stop()
            server.start()
            after = server.get('/api/clusters?zoom=10').json()
            self.assertEqual(after['features'][0]['properties']['point_count'], 4)
            self.assertEqual(sorted(f['id'] for f in server.get('/api/clusters?zoom=17').json()['features']),
                             ids[1:])
        finally:
            server.cleanup()


if __name__ == '__main__':
    unittest.main()
