"""Starts the real geopart binary for integration tests and talks HTTP to it.

Every test file gets its own temporary directory with a fresh database and
config; the server listens on 127.0.0.1 with an ephemeral port (port 0) and
is stopped by its PID.  Only the Python standard library is used.
"""
import atexit
import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

BIN = os.path.abspath(os.environ.get('GEOPART_BIN', 'build/src/geopart'))
SOURCE = os.environ.get('GEOPART_SOURCE', os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..')))
FIXTURES = os.path.join(SOURCE, 'tests', 'fixtures')
DATA = os.path.join(SOURCE, 'data')


# In the sanitizer build (tests/meson.build sets GEOPART_SANITIZED) every
# report of AddressSanitizer, LeakSanitizer or UBSan in a geopart process
# fails the test that ran it: the server's is found when it stops (leaks are
# only reported at exit), a verb's when it returns.
SANITIZED = os.environ.get('GEOPART_SANITIZED') == '1'
SANITIZER_EXIT = 86  # exitcode= in ASAN_OPTIONS and UBSAN_OPTIONS
SANITIZER_MARKS = ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:',
                   'SUMMARY: AddressSanitizer', 'SUMMARY: UndefinedBehaviorSanitizer')


def sanitizer_report(text):
    """The sanitizer report in a process's output, or None."""
    if isinstance(text, bytes):
        text = text.decode('utf-8', 'replace')
    for mark in SANITIZER_MARKS:
        at = text.find(mark)
        if at >= 0:
            return text[max(0, at - 200):at + 6000]
    return None


def load_fixture(name):
    with open(os.path.join(FIXTURES, name), encoding='utf-8') as f:
        return json.load(f)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body.decode('utf-8'))

    def __repr__(self):
        return f'<{self.status} {self.body[:300]!r}>'


class Server:
    """One geopart process with its own directory, database and config."""

    def __init__(self, config=None, workdir=None, db=None, env=None):
        self.tmp = None
        self.env = dict(os.environ, **(env or {}))
        if workdir is None:
            self.tmp = tempfile.TemporaryDirectory(prefix='geopart-it-')
            workdir = self.tmp.name
        self.dir = workdir
        self.db = db or os.path.join(workdir, 'geopart.db')
        self.config_path = os.path.join(workdir, 'geopart.conf')
        # Abuse protection is tested on its own (test_moderation.py); here it
        # must not get in the way of tests that post many points quickly.
        settings = {'threads': '8', 'access_log': 'on', 'log_level': 'info',
                    'form_min_seconds': '0', 'write_burst': '10000',
                    'write_per_minute': '100000', 'comment_window_s': '0'}
        settings.update(config or {})
        with open(self.config_path, 'w', encoding='utf-8') as f:
            for k, v in settings.items():
                for line in (v if isinstance(v, list) else [v]):
                    f.write(f'{k} = {line}\n')
        self.proc = None
        self.port = None
        self.log_path = os.path.join(workdir, 'server.log')

    def start(self, timeout=30):
        if not getattr(self, '_atexit', False):
            atexit.register(self.stop)  # the last resort if a test dies
            self._atexit = True
        self.log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(
            [BIN, 'serve', '--config', self.config_path, '--db', self.db,
             '--listen', '127.0.0.1:0'],
            stdout=subprocess.PIPE, stderr=self.log, cwd=self.dir, env=self.env)
        deadline = time.time() + timeout
        line = b''
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(rb'http://127\.0\.0\.1:(\d+)/', line)
            if m:
                self.port = int(m.group(1))
                return self
        self.stop()
        raise RuntimeError(f'geopart did not start: {line!r}\n{self.read_log()}')

    def read_log(self):
        try:
            with open(self.log_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def stop(self):
        returncode = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60 if SANITIZED else 20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            returncode = self.proc.returncode
            self.proc.stdout.close()
            self.log.close()
        self.proc = None
        if SANITIZED and returncode is not None:
            report = sanitizer_report(self.read_log())
            if report or returncode == SANITIZER_EXIT:
                raise AssertionError(f'geopart exited {returncode} with a sanitizer report:\n'
                                     f'{report or self.read_log()[-6000:]}')

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc.stdout.close()
        self.log.close()
        self.proc = None

    def cleanup(self):
        try:
            self.stop()
        finally:
            if self.tmp:
                self.tmp.cleanup()

    # ---- HTTP ----
    def request(self, method, path, body=None, headers=None, timeout=30,
                source=None):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=timeout,
                                          source_address=(source, 0) if source else None)
        hdrs = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode('utf-8')
            hdrs.setdefault('Content-Type', 'application/json')
        elif isinstance(body, str):
            body = body.encode('utf-8')
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, r.getheaders(), data)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def form_token(self, **kw):
        return self.get('/api/form', **kw).json()['form_token']

    def post_point(self, lon, lat, category='favourite', comment='Ein Kommentar',
                   topic=None, query='', form_token=True, extra=None, **kw):
        """POSTs a point as the web page does (with a form timestamp unless
        form_token is False or a string to send instead)."""
        props = {'category': category, 'comment': comment}
        if topic is not None:
            props['topic'] = topic
        if form_token is True and 'Authorization' not in kw.get('headers', {}):
            props['form_token'] = self.form_token(source=kw.get('source'))
        elif isinstance(form_token, str):
            props['form_token'] = form_token
        props.update(extra or {})
        feature = {'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [lon, lat]},
                   'properties': props}
        return self.request('POST', '/api/points' + query, body=feature, **kw)

    # ---- the database, read directly (no SpatiaLite needed to count) ----
    def db_count(self, where='1'):
        con = sqlite3.connect(f'file:{self.db}?mode=ro', uri=True, timeout=10)
        try:
            return con.execute(f'SELECT count(*) FROM points WHERE {where}').fetchone()[0]
        finally:
            con.close()

    def geopart(self, *args, input=None, check=True):
        """Runs a CLI verb against this server's database and config."""
        cmd = [BIN] + list(args)
        if '--db' not in args and args and args[0] not in ('config', 'version', '--help'):
            cmd += ['--db', self.db, '--config', self.config_path]
        r = subprocess.run(cmd, input=input, capture_output=True, timeout=300, cwd=self.dir)
        report = SANITIZED and sanitizer_report(r.stderr)
        if report:
            raise AssertionError(f'{cmd} exited {r.returncode} with a sanitizer report:\n{report}')
        if check and r.returncode != 0:
            raise AssertionError(f'{cmd} exited {r.returncode}: {r.stderr.decode()}')
        return r


class ServerTest(unittest.TestCase):
    """A TestCase with one server shared by all its tests."""
    config = None

    @classmethod
    def setUpClass(cls):
        # A class cleanup runs even when setUpClass fails later on, so a
        # failing set-up never leaves a server running.
        cls.server = Server(config=cls.config)
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()

    def assertProblem(self, r, status, field=None, detail=None):
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.header('Content-Type').startswith('application/problem+json'), r.headers)
        p = r.json()
        self.assertEqual(p['status'], status)
        self.assertIn('title', p)
        self.assertTrue(p['type'].startswith('urn:geopart:problem:'))
        # every problem says what went wrong in words
        self.assertTrue(p.get('detail'), p)
        self.assertEqual(p.get('description'), p.get('detail'), p)
        if field is not None:
            self.assertEqual(p.get('field'), field, p)
        if detail is not None:
            self.assertIn(detail, p.get('detail', ''), p)
        return p


def first_view(page):
    """The city the server drew into the start page (src/page/map.c), from
    the page's HTML bytes: None without one, else {'zoom', 'size' (the
    viewBox's width and height), 'd' (the outlines' path data), 'clusters'
    [(x, y, label, mix)], 'pins' [(x, y, category)]}, positions in pixels
    at 'zoom' from the city extent's north-west corner."""
    text = page.decode('utf-8')
    m = re.search(r'<svg class="first-view" viewBox="0 0 (\d+) (\d+)"[^>]*data-zoom="(\d+)">'
                  r'<path class="fv-district" d="([^"]*)"/>(.*?)</svg>', text, re.S)
    if not m:
        return None
    marks = m.group(5)
    clusters = [(float(x), float(y), label, mix) for mix, x, y, label in re.findall(
        r'<g class="fv-c fv-([a-z-]+)"><circle cx="([-\d.]+)" cy="([-\d.]+)" r="\d+"/>'
        r'<text x="[-\d.]+" y="[-\d.]+">([^<]+)</text></g>', marks)]
    pins = [(float(x), float(y), 'favourite') for x, y in re.findall(
        r'<circle class="fv-p fv-favourite" cx="([-\d.]+)" cy="([-\d.]+)" r="12"/>', marks)]
    pins += [(float(x) + 12, float(y) + 12, 'improvement') for x, y in re.findall(
        r'<rect class="fv-p fv-improvement" x="([-\d.]+)" y="([-\d.]+)" width="24" height="24" '
        r'rx="3"/>', marks)]
    drawn = len(re.findall(r'<g class="fv-c|class="fv-p', marks))
    assert drawn == len(clusters) + len(pins), f'unparsed marks in the first view: {marks[:500]}'
    return {'zoom': int(m.group(3)), 'size': (int(m.group(1)), int(m.group(2))),
            'd': m.group(4), 'clusters': clusters, 'pins': pins}


def staff_token(server, name, role):
    """Creates a staff token with the CLI; returns the Authorization header."""
    r = server.geopart('token', 'create', '--name', name, '--role', role)
    secret = r.stdout.decode().strip()
    assert secret.startswith('gpt_'), r
    return {'Authorization': f'Bearer {secret}'}


def run_parallel(fn, items, workers):
    """Runs fn(item) on `workers` threads; returns results in item order."""
    results = [None] * len(items)
    lock = threading.Lock()
    index = [0]

    def work():
        while True:
            with lock:
                i = index[0]
                index[0] += 1
            if i >= len(items):
                return
            try:
                results[i] = fn(items[i])
            except Exception as e:  # noqa: BLE001 - reported per item
                results[i] = e

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def geojson_problems(workdir, docs):
    """Runs the npm GeoJSON validator (check_geojson.mjs) over docs, a dict of
    name → bytes; returns name → list of problems (empty when valid)."""
    paths = []
    for name, body in docs.items():
        path = os.path.join(workdir, name)
        with open(path, 'wb') as f:
            f.write(body)
        paths.append(path)
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run(['node', os.path.join(here, 'check_geojson.mjs')] + paths,
                         capture_output=True, cwd=os.path.join(SOURCE, 'tests'))
    results = [json.loads(line) for line in out.stdout.decode().splitlines()]
    if len(results) != len(paths):
        raise AssertionError(out.stderr.decode())
    return {os.path.basename(r['file']): r['problems'] for r in results}
