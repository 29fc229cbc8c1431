#!/usr/bin/env python3
"""tools/bench/endpoints.py URL PID [--only RE] [--skip RE] [--seconds S] [--warm S]
                           [--json FILE] [--mapserver CONFIG]

Every public GET of a running geopart, one client, one request at a time,
grouped into route and parameter families; for each family the server's
CPU per request.  Run by tools/bench/endpoints.sh, which starts the server
on the 1M-point seed-42 database; see tools/bench/README.md.

Two clocks, both the server's own: utime + stime from /proc/PID/stat over
all of a family's requests (clock ticks, so a family runs until it has
used at least half a second of CPU or SECONDS of wall time), and the sum
of /proc/PID/task/*/schedstat around each request (nanoseconds), which
gives the median and the maximum of single requests.  The first request
of a family is reported apart ("first"): it fills what the server caches
(district outlines, the hotspot table of an index generation) and counts
what threads it wakes do meanwhile (the copy of the positions); then the
family warms up for WARM seconds unmeasured — the connection serving the
client maps the pages its requests touch on first use — and is measured.
A family whose first request takes more than ten seconds is not repeated.

Goals (issue 10): every family but exports and whole-city cluster dumps
with a median under 20 ms and no request over 100 ms; /api/hotspots with
any allowed parameters answered or refused within 1 s of CPU.
"""
import argparse
import glob
import http.client
import json
import math
import os
import re
import statistics
import sys
import time
import urllib.parse

TICK = os.sysconf('SC_CLK_TCK')


def cpu_ticks(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)


def cpu_ns(pid):
    total = 0
    for path in glob.glob(f'/proc/{pid}/task/*/schedstat'):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended meanwhile
    return total


class Random:
    """mulberry32 seeded with 42, as the seed-42 points are made."""

    def __init__(self, seed=42):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return (t ^ (t >> 14)) & 0xFFFFFFFF

    def uniform(self, a, b):
        return a + (b - a) * (self.next() / 4294967296.0)

    def choice(self, seq):
        return seq[self.next() % len(seq)]


def q(path, **params):
    return path + ('?' + urllib.parse.urlencode(params) if params else '')


# A city viewport of about 2.2 km x 1.4 km (≈ 9,000 of the million points)
# and a 500 m box (≈ 700), at random places in Kaiserslautern: the boxes of
# tools/bench/ogc.sh.
def viewport(r, half_w=0.0152, half_h=0.0063):
    lon = r.uniform(7.70, 7.82)
    lat = r.uniform(49.41, 49.47)
    return '%.6f,%.6f,%.6f,%.6f' % (lon - half_w, lat - half_h, lon + half_w, lat + half_h)


def box500(r):
    return viewport(r, 0.00345, 0.00225)


CITY = '7.6,49.35,7.95,49.52'
REF_VIEWPORT = '7.7537,49.4384,7.7841,49.4510'
OB = ['ob-%d' % i for i in range(10)]
ST = ['st-%d' % i for i in range(1, 19)]
TOPICS = ['housing', 'mobility', 'green_space', 'climate', 'retail', 'culture', 'social']
DAYS = ['2026-10-%02d' % d for d in range(1, 32)] + ['2026-11-%02d' % d for d in range(1, 28)]


def utm(lon, lat):
    """CRS84 → EPSG:25832 (transverse Mercator, zone 32), good to a few mm."""
    a, f, k0, lon0 = 6378137.0, 1 / 298.257222101, 0.9996, math.radians(9)
    e2 = f * (2 - f)
    ep2 = e2 / (1 - e2)
    phi, lam = math.radians(lat), math.radians(lon)
    n = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    t = math.tan(phi) ** 2
    c = ep2 * math.cos(phi) ** 2
    aa = math.cos(phi) * (lam - lon0)
    e4, e6 = e2 * e2, e2 * e2 * e2
    m = a * ((1 - e2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi
             - (3 * e2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * math.sin(2 * phi)
             + (15 * e4 / 256 + 45 * e6 / 1024) * math.sin(4 * phi)
             - (35 * e6 / 3072) * math.sin(6 * phi))
    x = k0 * n * (aa + (1 - t + c) * aa ** 3 / 6 + (5 - 18 * t + t * t + 72 * c - 58 * ep2) * aa ** 5 / 120) + 500000
    y = k0 * (m + n * math.tan(phi) * (aa * aa / 2 + (5 - t + 9 * c + 4 * c * c) * aa ** 4 / 24
                                         + (61 - 58 * t + t * t + 600 * c - 330 * ep2) * aa ** 6 / 720))
    return x, y


def viewport_utm(r):
    lon0, lat0, lon1, lat1 = (float(v) for v in viewport(r).split(','))
    x0, y0 = utm(lon0, lat0)
    x1, y1 = utm(lon1, lat1)
    return '%.1f,%.1f,%.1f,%.1f' % (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def viewport_gk(r, shift):
    """The same viewport in EPSG:31467 (northing, easting), shifted from
    EPSG:25832 by the offset of one point; a box, not a survey."""
    x0, y0, x1, y1 = (float(v) for v in viewport_utm(r).split(','))
    de, dn = shift
    return '%.1f,%.1f,%.1f,%.1f' % (y0 + dn, x0 + de, y1 + dn, x1 + de)


def families(ctx):
    """(name, kind, make(r) → path, max requests).  kind: 'goal' counts
    for the goals; 'export' and 'dump' (whole-city cluster dumps) do not;
    'hotspots' must stay within 1 s of CPU."""
    f = []

    def add(name, make, kind='goal', most=2000):
        f.append((name, kind, make, most))

    ids = ctx['ids']
    add('/api/config', lambda r: '/api/config')
    add('/api/form', lambda r: '/api/form')
    add('/api/openapi.json', lambda r: '/api/openapi.json')
    add('/healthz', lambda r: '/healthz')
    add('/metrics', lambda r: '/metrics')
    add('static /', lambda r: '/')
    add('/api/points', lambda r: '/api/points')
    add('/api/points limit=10000', lambda r: q('/api/points', limit=10000))
    add('/api/points offset=900000', lambda r: q('/api/points', offset=900000 + r.next() % 1000))
    add('/api/points after=900000', lambda r: q('/api/points', after=900000 + r.next() % 1000))
    add('/api/points category', lambda r: q('/api/points', category=r.choice(['favourite', 'improvement'])))
    add('/api/points district', lambda r: q('/api/points', district=r.choice(OB + ST)))
    add('/api/points district offset', lambda r: q('/api/points', district=r.choice(OB + ST), offset=10000))
    add('/api/points topic', lambda r: q('/api/points', topic=r.choice(TOPICS)))
    add('/api/points channel', lambda r: q('/api/points', channel=r.choice(['walk', 'workshop'])))
    add('/api/points since', lambda r: q('/api/points', since=r.choice(DAYS)))
    add('/api/points since until', lambda r: q('/api/points', since='2026-11-20', until=r.choice(DAYS[50:])))
    add('/api/points district topic period',
        lambda r: q('/api/points', district=r.choice(OB), topic=r.choice(TOPICS), since='2026-10-15',
                    until='2026-11-15'))
    add('/api/points bbox viewport', lambda r: q('/api/points', bbox=viewport(r)))
    add('/api/points bbox 500 m', lambda r: q('/api/points', bbox=box500(r)))
    add('/api/points bbox topic', lambda r: q('/api/points', bbox=viewport(r), topic=r.choice(TOPICS)))
    add('/api/points bbox city topic', lambda r: q('/api/points', bbox=CITY, topic=r.choice(TOPICS)))
    add('/api/points/{id}', lambda r: '/api/points/%d' % (1 + r.next() % ids))
    add('/api/points/nearby', lambda r: q('/api/points/nearby', lon='%.6f' % r.uniform(7.70, 7.82),
                                          lat='%.6f' % r.uniform(49.41, 49.47)))
    add('/api/points/nearby radius=500', lambda r: q('/api/points/nearby', lon='%.6f' % r.uniform(7.70, 7.82),
                                                     lat='%.6f' % r.uniform(49.41, 49.47), radius=500))
    add('/api/districts', lambda r: '/api/districts')
    add('/api/districts layer=stadtteil', lambda r: q('/api/districts', layer='stadtteil'))
    add('/api/districts crs=EPSG:25832', lambda r: q('/api/districts', crs='EPSG:25832'))
    add('/api/districts/{id}', lambda r: '/api/districts/' + r.choice(OB + ST))
    add('/api/districts/{id}/points', lambda r: '/api/districts/%s/points' % r.choice(OB + ST))
    add('/api/districts/{id}/points topic',
        lambda r: q('/api/districts/%s/points' % r.choice(OB + ST), topic=r.choice(TOPICS)))
    add('/api/stats', lambda r: '/api/stats')
    add('/api/stats layer=stadtteil', lambda r: q('/api/stats', layer='stadtteil'))
    add('/api/stats format=csv', lambda r: q('/api/stats', format='csv'))
    add('/api/stats filters', lambda r: q('/api/stats', topic=r.choice(TOPICS), category='improvement'))
    add('/api/stats period', lambda r: q('/api/stats', since=r.choice(DAYS[:20]), until=r.choice(DAYS[30:])))
    add('/api/stats period datetime',
        lambda r: q('/api/stats', since=r.choice(DAYS[:20]) + 'T08:30:00Z',
                    until=r.choice(DAYS[30:]) + 'T17:45:00Z', channel='online'))
    add('/api/hotspots', lambda r: '/api/hotspots', 'hotspots', 50)
    add('/api/hotspots district', lambda r: q('/api/hotspots', district=r.choice(OB)), 'hotspots', 50)
    add('/api/hotspots category', lambda r: q('/api/hotspots', category='improvement'), 'hotspots', 20)
    add('/api/hotspots eps=1000 min_points=1000', lambda r: q('/api/hotspots', eps=1000, min_points=1000),
        'hotspots', 3)
    add('/api/hotspots eps=50 min_points=2', lambda r: q('/api/hotspots', eps=50, min_points=2), 'hotspots', 3)
    add('/api/hotspots eps=1000 min_points=2', lambda r: q('/api/hotspots', eps=1000, min_points=2),
        'hotspots', 3)
    add('/api/hotspots eps=200 min_points=300', lambda r: q('/api/hotspots', eps=200, min_points=300),
        'hotspots', 3)
    add('/api/hotspots district eps=30 min_points=5',
        lambda r: q('/api/hotspots', district=r.choice(ST), eps=30, min_points=5), 'hotspots', 10)
    add('/api/clusters zoom 14 viewport', lambda r: q('/api/clusters', zoom=14, bbox=viewport(r)))
    add('/api/clusters zoom 11 city', lambda r: q('/api/clusters', zoom=11, bbox=CITY))
    add('/api/clusters zoom 16 city', lambda r: q('/api/clusters', zoom=16, bbox=CITY), 'dump', 5)
    if ctx['cluster_ids']:
        add('/api/clusters/{id}/leaves', lambda r: '/api/clusters/%d/leaves' % r.choice(ctx['cluster_ids']))
    add('/ogc', lambda r: '/ogc')
    add('/ogc/conformance', lambda r: '/ogc/conformance')
    add('/ogc/api', lambda r: '/ogc/api')
    add('/ogc/collections', lambda r: '/ogc/collections')
    add('/ogc/collections/points', lambda r: '/ogc/collections/points')
    add('/ogc/collections/ortsbezirke', lambda r: '/ogc/collections/ortsbezirke')
    add('/ogc/collections/points/queryables', lambda r: '/ogc/collections/points/queryables')
    items = '/ogc/collections/points/items'
    add('ogc items', lambda r: items)
    add('ogc items bbox viewport', lambda r: q(items, bbox=viewport(r), limit=100))
    add('ogc items bbox 500 m', lambda r: q(items, bbox=box500(r), limit=100))
    add('ogc items bbox EPSG:25832', lambda r: q(items, bbox=viewport_utm(r), **{'bbox-crs': 'EPSG:25832'}))
    add('ogc items bbox crs=EPSG:25832', lambda r: q(items, bbox=viewport(r), crs='EPSG:25832'))
    add('ogc items bbox EPSG:31467', lambda r: q(items, bbox=viewport_gk(r, ctx['gk']),
                                                 **{'bbox-crs': 'EPSG:31467'}))
    add('ogc items crs=EPSG:31467', lambda r: q(items, bbox=box500(r), crs='EPSG:31467'))
    add('ogc items datetime', lambda r: q(items, datetime=r.choice(DAYS) + '/..'))
    add('ogc items district', lambda r: q(items, district=r.choice(OB + ST)))
    add('ogc items topic', lambda r: q(items, topic=r.choice(TOPICS)))
    add('ogc items bbox topic', lambda r: q(items, bbox=viewport(r), topic=r.choice(TOPICS)))
    add('ogc items after deep', lambda r: q(items, after=900000 + r.next() % 1000))
    add('ogc items/{id}', lambda r: '%s/%d' % (items, 1 + r.next() % ids))
    add('ogc ortsbezirke items', lambda r: '/ogc/collections/ortsbezirke/items')
    add('ogc stadtteile items bbox', lambda r: q('/ogc/collections/stadtteile/items', bbox=viewport(r)))
    add('ogc stadtteile items/{id}', lambda r: '/ogc/collections/stadtteile/items/%d' % (1 + r.next() % 18))
    add('/api/export geojson', lambda r: q('/api/export', format='geojson'), 'export', 1)
    add('/api/export csv', lambda r: q('/api/export', format='csv'), 'export', 1)
    return f


class Client:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def get(self, path):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=900)
            try:
                self.conn.request('GET', path, headers={'Accept-Encoding': 'identity'})
                r = self.conn.getresponse()
                body = r.read()
                if r.getheader('Connection', '').lower() == 'close':
                    self.conn.close()
                    self.conn = None
                return r.status, body
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


def run_family(client, pid, make, most, seconds, warm):
    r = Random(42)
    path = make(r)
    t0 = cpu_ns(pid)
    status, body = client.get(path)
    first = (cpu_ns(pid) - t0) / 1e6
    statuses = {status: 1}
    # Warm up: the connection serving this client maps the pages these
    # requests touch at first use; steady state is what a busy server sees.
    wall0 = time.monotonic()
    if first < 1000:
        for _ in range(min(most, 100000)):
            status, body = client.get(make(r))
            statuses[status] = statuses.get(status, 0) + 1
            if time.monotonic() - wall0 > warm:
                break
    per, n = [], 0
    ticks0, wall0 = cpu_ticks(pid), time.monotonic()
    # A request of more than ten seconds is its own verdict: once is enough.
    while n < most and first < 10000:
        path = make(r)
        t0 = cpu_ns(pid)
        status, body = client.get(path)
        per.append((cpu_ns(pid) - t0) / 1e6)
        statuses[status] = statuses.get(status, 0) + 1
        n += 1
        used = cpu_ticks(pid) - ticks0
        if n >= 20 and (used >= TICK // 2 or time.monotonic() - wall0 > seconds):
            break
        if n >= 3 and sum(per) > 3000:  # heavy families: a few are enough
            break
    ticks = cpu_ticks(pid) - ticks0
    return {
        'first_ms': first,
        'n': n,
        'mean_ms': ticks * 1000.0 / TICK / n if n else first,
        'p50_ms': statistics.median(per) if per else first,
        'max_ms': max(per) if per else first,
        'statuses': statuses,
        'bytes': len(body),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('url')
    ap.add_argument('pid', type=int)
    ap.add_argument('--only', help='run only families matching this regular expression')
    ap.add_argument('--skip', help='skip families matching this regular expression')
    ap.add_argument('--seconds', type=float, default=5.0, help='wall time per family at most')
    ap.add_argument('--warm', type=float, default=2.0, help='wall time per family to warm up')
    ap.add_argument('--json', help='also write the figures to this file')
    ap.add_argument('--mapserver', help='MapServer config file (MAPSERVER_CONFIG_FILE) whose map '
                    '"geopart" serves the same points as OGC API - Features')
    args = ap.parse_args()
    client = Client(args.url)

    status, body = client.get('/api/points?limit=1')
    ids = json.loads(body)['numberMatched'] if status == 200 else 1000000
    status, body = client.get('/api/clusters?zoom=12&bbox=' + REF_VIEWPORT)
    cluster_ids = [f['id'] for f in json.loads(body)['features'] if f['properties'].get('cluster')] \
        if status == 200 else []
    gk = (0.0, 0.0)
    s1, b1 = client.get('/api/points/1?crs=EPSG:25832')
    s2, b2 = client.get('/api/points/1?crs=EPSG:31467')
    if s1 == 200 and s2 == 200:
        x, y = json.loads(b1)['geometry']['coordinates']
        n, e = json.loads(b2)['geometry']['coordinates']
        gk = (e - x, n - y)
    ctx = {'ids': ids, 'cluster_ids': cluster_ids, 'gk': gk}

    print('%-44s %6s %9s %9s %9s %9s  %s' % ('family', 'n', 'first', 'mean', 'p50', 'max', 'status'))
    print('%-44s %6s %9s %9s %9s %9s' % ('', '', 'ms CPU', 'ms CPU', 'ms CPU', 'ms CPU'))
    results = []
    for name, kind, make, most in families(ctx):
        if args.only and not re.search(args.only, name):
            continue
        if args.skip and re.search(args.skip, name):
            continue
        res = run_family(client, args.pid, make, most, args.seconds, args.warm)
        res.update(name=name, kind=kind)
        results.append(res)
        codes = ' '.join('%d×%d' % (n, s) for s, n in sorted(res['statuses'].items()))
        mark = {'export': '  (export)', 'dump': '  (whole-city dump)'}.get(kind, '')
        print('%-44s %6d %9.2f %9.2f %9.2f %9.2f  %s%s' % (name, res['n'], res['first_ms'], res['mean_ms'],
                                                          res['p50_ms'], res['max_ms'], codes, mark),
              flush=True)
    goal = [x for x in results if x['kind'] == 'goal']
    hot = [x for x in results if x['kind'] == 'hotspots']
    if goal:
        slow = [x['name'] for x in goal if x['p50_ms'] >= 20]
        over = [x['name'] for x in goal if x['max_ms'] >= 100]
        cold = [x['name'] for x in goal if x['first_ms'] >= 100]
        print('goal: median under 20 ms: %d of %d families%s' %
              (len(goal) - len(slow), len(goal), ('; not: ' + ', '.join(slow)) if slow else ''))
        print('goal: no request over 100 ms: %d of %d families%s' %
              (len(goal) - len(over), len(goal), ('; not: ' + ', '.join(over)) if over else ''))
        # The first request of a family also pays what it makes for later ones
        # (the positions copy, district outlines), on whatever thread does it.
        print('first requests over 100 ms: %s' % (', '.join(cold) if cold else 'none'))
    if hot:
        over = [x['name'] for x in hot if max(x['max_ms'], x['first_ms']) >= 1000]
        print('goal: hotspots within 1 s of CPU: %d of %d families%s' %
              (len(hot) - len(over), len(hot), ('; not: ' + ', '.join(over)) if over else ''))
    if args.mapserver:
        compare_mapserver(args.mapserver, [x for x in results if x['name'] == 'ogc items bbox viewport'])
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)
    return 0


def compare_mapserver(config, ours, n=10):
    """The OGC viewport case through MapServer 8's mapserv, one process per
    request as CGI runs it, same viewports, same SpatiaLite file: its CPU
    (user + system of the child) beside geopart's."""
    import resource
    import subprocess
    r = Random(42)
    times, matched = [], None
    for _ in range(n):
        env = dict(os.environ, MAPSERVER_CONFIG_FILE=config, REQUEST_METHOD='GET',
                   PATH_INFO='/geopart/ogcapi/collections/points/items',
                   QUERY_STRING=urllib.parse.urlencode({'bbox': viewport(r), 'limit': 100, 'f': 'json'}))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(['mapserv'], env=env, capture_output=True).stdout.decode('utf-8', 'replace')
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
        if matched is None and '{' in out:
            try:
                matched = json.loads(out[out.index('{'):]).get('numberMatched')
            except ValueError:
                matched = 'unreadable answer'
    ms = statistics.median(times)
    print('MapServer 8 (mapserv, CGI) OGC items viewport: median %.1f ms CPU per request over %d '
          '(first viewport numberMatched %s)' % (ms, n, matched))
    if ours:
        o = ours[0]
        print('geopart OGC items viewport: median %.2f ms, mean %.2f ms CPU per request' %
              (o['p50_ms'], o['mean_ms']))
        print('ratio MapServer / geopart: %.0f x (median), %.0f x (mean); goal: geopart <= 0.4 ms, '
              '>= 100 x' % (ms / o['p50_ms'], statistics.mean(times) / o['mean_ms']))


if __name__ == '__main__':
    sys.exit(main())
