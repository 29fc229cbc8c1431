"""The production deployment as shipped in deploy/: Debian's nginx with
deploy/nginx/geopart.conf in front of geopart configured by
deploy/geopart.conf, on loopback, with a self-signed certificate made by
openssl for this test.  Only the lines the file marks "# site" (name,
ports, certificate, folders) are adapted; everything else is the shipped
text.  Checks: HTTPS and HTTP/2, static files from nginx with their gzip
siblings, the client address geopart sees is the one nginx saw (separate
rate-limit buckets for 127.0.0.2 and 127.0.0.3, a forged X-Forwarded-For
not believed), floods, large bodies and a stopped geopart answered by
nginx with problem+json, a slowloris and a slow body against nginx never
reach geopart, the backup script keeps its copies, and systemd-analyze
accepts the units."""
import gzip
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

from harness import BIN, SOURCE, Server

DEPLOY = os.path.join(SOURCE, 'deploy')
WEB = os.path.join(SOURCE, 'web')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def render_site(text, values):
    """The shipped nginx file with each "# site" line replaced by
    values[its directive]; every site line must have a value and every
    value must be used, so the test notices when the file changes."""
    out, used = [], set()
    for line in text.splitlines():
        if line.rstrip().endswith('# site'):
            directive = line.split('#', 1)[0].strip()
            if directive not in values:
                raise AssertionError(f'no test value for the site line {directive!r}')
            used.add(directive)
            out.append(line[:len(line) - len(line.lstrip())] + values[directive])
        else:
            out.append(line)
    unused = set(values) - used
    if unused:
        raise AssertionError(f'site lines no longer in the shipped file: {sorted(unused)}')
    return '\n'.join(out) + '\n'


def shipped_settings(values, extra):
    """deploy/geopart.conf as key → value, with its site values replaced by
    values (each must be in the file) and the test's own settings added."""
    settings = {}
    with open(os.path.join(DEPLOY, 'geopart.conf'), encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                key, value = (p.strip() for p in line.split('=', 1))
                settings[key] = value
    for key in values:
        if key not in settings:
            raise AssertionError(f'deploy/geopart.conf has no {key}')
    settings.update(values)
    settings.update(extra)
    return settings


def geopart_connections(port):
    """Established TCP connections whose local end is geopart's port."""
    n = 0
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(table) as f:
                next(f)
                for row in f:
                    fields = row.split()
                    if int(fields[1].rsplit(':', 1)[1], 16) == port and fields[3] == '01':
                        n += 1
        except FileNotFoundError:
            pass
    return n


class Nginx:
    """Debian's nginx as a foreground child with a private prefix."""

    def __init__(self, prefix, conf):
        self.prefix = prefix
        self.conf = conf
        self.proc = None

    def start(self, port, timeout=20):
        self.log = open(os.path.join(self.prefix, 'nginx.stderr'), 'ab')
        self.proc = subprocess.Popen(['nginx', '-p', self.prefix, '-c', self.conf,
                                      '-e', os.path.join(self.prefix, 'error.log')],
                                     stdout=self.log, stderr=self.log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                socket.create_connection(('127.0.0.1', port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.05)  # polled until it listens or the deadline passes
        return False

    def errors(self):
        with open(os.path.join(self.prefix, 'error.log'), 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # fast shutdown of master and workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
        self.proc = None


MAIN_CONF = """daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/geopart.conf;
}}
"""


def make_certificate(folder):
    """A self-signed certificate for localhost and 127.0.0.1; (cert, key)."""
    cert, key = os.path.join(folder, 'cert.pem'), os.path.join(folder, 'key.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                    'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=localhost',
                    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
                    '-keyout', key, '-out', cert], check=True, capture_output=True)
    return cert, key


def write_nginx_conf(prefix, cert, key, upstream, https, http):
    """The shipped site adapted to this test, and a main file around it."""
    with open(os.path.join(DEPLOY, 'nginx', 'geopart.conf'), encoding='utf-8') as f:
        shipped = f.read()
    site = render_site(shipped, {
        'server 127.0.0.1:8080;': f'server 127.0.0.1:{upstream};',
        'listen 80;': f'listen 127.0.0.1:{http};',
        'listen [::]:80;': '',
        'listen 443 ssl http2;': f'listen 127.0.0.1:{https} ssl http2;',
        'listen [::]:443 ssl http2;': '',
        'server_name map.example.org;': 'server_name localhost;',
        'access_log /var/log/nginx/geopart.access.log geopart_private;':
            f'access_log {prefix}/logs/access.log geopart_private;',
        'error_log /var/log/nginx/geopart.error.log warn;': f'error_log {prefix}/logs/error.log warn;',
        'root /var/www/letsencrypt;': f'root {prefix}/acme;',
        'ssl_certificate /etc/letsencrypt/live/map.example.org/fullchain.pem;':
            f'ssl_certificate {cert};',
        'ssl_certificate_key /etc/letsencrypt/live/map.example.org/privkey.pem;':
            f'ssl_certificate_key {key};',
        'root /usr/local/share/geopart/web;': f'root {WEB};',
    })
    with open(os.path.join(prefix, 'geopart.conf'), 'w', encoding='utf-8') as f:
        f.write(site)
    conf = os.path.join(prefix, 'nginx.conf')
    with open(conf, 'w', encoding='utf-8') as f:
        f.write(MAIN_CONF.format(prefix=prefix))
    t = subprocess.run(['nginx', '-t', '-p', prefix, '-c', conf, '-e',
                        os.path.join(prefix, 'error.log')], capture_output=True)
    if t.returncode != 0:
        raise AssertionError('nginx -t refuses the shipped file: ' + t.stderr.decode())
    return conf


def launch_nginx(prefix, cert, key, upstream):
    """nginx in prefix (a new folder) in front of 127.0.0.1:upstream, on
    free loopback ports; returns (nginx, https port, http port)."""
    os.makedirs(prefix)
    # nginx's workers (an unprivileged user when started as root) read the
    # web root and write the temp folders under the prefix.
    os.chmod(prefix, 0o755)
    for d in ('tmp', 'acme', 'logs'):
        os.mkdir(os.path.join(prefix, d))
    errors = ''
    for attempt in range(3):  # a port picked here may be taken before nginx binds it
        https, http = free_port(), free_port()
        nginx = Nginx(prefix, write_nginx_conf(prefix, cert, key, upstream, https, http))
        if nginx.start(https):
            return nginx, https, http
        errors = nginx.errors()
        nginx.stop()
    raise RuntimeError('nginx did not start: ' + errors)


class TestBehindNginx(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        for tool in ('nginx', 'openssl', 'curl'):
            if not shutil.which(tool):
                raise RuntimeError(f'{tool} is missing: run tools/setup --test')
        cls.tmp = tempfile.TemporaryDirectory(prefix='geopart-nginx-')
        cls.addClassCleanup(cls.tmp.cleanup)
        os.chmod(cls.tmp.name, 0o755)
        cls.cert, cls.key = make_certificate(cls.tmp.name)
        cls.server = Server(config=shipped_settings(
            {'public_url': 'https://localhost', 'web_root': WEB},
            # One quick write allowance per client, to tell clients apart.
            {'write_burst': '2', 'write_per_minute': '1'}))
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.nginx, cls.https, cls.http = launch_nginx(os.path.join(cls.tmp.name, 'nginx'), cls.cert,
                                                      cls.key, cls.server.port)
        cls.addClassCleanup(cls.nginx.stop)
        cls.tls = ssl.create_default_context(cafile=cls.cert)

    # ---- clients ----
    def request(self, method, path, body=None, headers=None, source=None, port=None):
        conn = http.client.HTTPSConnection('127.0.0.1', port or self.https, timeout=30,
                                           context=self.tls,
                                           source_address=(source, 0) if source else None)
        hdrs = dict(headers or {})
        if body is not None:
            body = body if isinstance(body, bytes) else json.dumps(body).encode()
            hdrs.setdefault('Content-Type', 'application/json')
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def post_point(self, comment, source, headers=None):
        status, _, body = self.request('GET', '/api/form', source=source, headers=headers)
        self.assertEqual(status, 200, body)
        token = json.loads(body)['form_token']
        feature = {'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [7.7689, 49.4447]},
                   'properties': {'category': 'favourite', 'comment': comment, 'form_token': token}}
        return self.request('POST', '/api/points', body=feature, source=source, headers=headers)

    def curl(self, *args):
        r = subprocess.run(['curl', '--silent', '--show-error', '--cacert', self.cert,
                            '--resolve', f'localhost:{self.https}:127.0.0.1', *args],
                           capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def geopart_log(self):
        return self.server.read_log()

    def geopart_log_until(self, done, timeout=10):
        """geopart's log once done(log) holds; it writes a request's line
        after sending the answer, so a client can be a moment ahead."""
        deadline = time.time() + timeout
        log = self.geopart_log()
        while not done(log) and time.time() < deadline:
            time.sleep(0.02)  # polled until the line is there or the deadline passes
            log = self.geopart_log()
        return log

    # ---- tests ----
    def test_https_with_http2_and_a_redirect_from_http(self):
        out = self.curl('--http2', '--write-out', '\n%{http_version} %{response_code}',
                        f'https://localhost:{self.https}/healthz')
        body, _, tail = out.decode().rpartition('\n')
        self.assertEqual(tail, '2 200')
        self.assertIn('"status":"ok"', body)
        out = self.curl('--http1.1', '--write-out', '\n%{http_version} %{response_code}',
                        f'https://localhost:{self.https}/api/config')
        self.assertTrue(out.decode().endswith('\n1.1 200'), out[-40:])
        status, headers, _ = self.request('GET', '/api/config')
        self.assertEqual(status, 200)
        self.assertIn('max-age=', headers['strict-transport-security'])
        self.assertNotIn('nginx/', headers.get('server', ''))
        conn = http.client.HTTPConnection('127.0.0.1', self.http, timeout=10)
        conn.request('GET', '/api/points?limit=1')
        r = conn.getresponse()
        r.read()
        conn.close()
        self.assertEqual(r.status, 301)
        self.assertEqual(r.getheader('Location'), 'https://localhost/api/points?limit=1')

    def test_assets_come_from_nginx_precompressed_pages_from_geopart(self):
        with open(os.path.join(WEB, 'js', 'api.js'), 'rb') as f:
            plain = f.read()
        self.assertTrue(os.path.exists(os.path.join(WEB, 'js', 'api.js.gz')))
        self.request('GET', '/healthz')
        before = self.geopart_log_until(lambda log: 'GET /healthz' in log).count('/js/api.js')
        status, headers, body = self.request('GET', '/js/api.js', headers={'Accept-Encoding': 'gzip'})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get('content-encoding'), 'gzip')
        self.assertEqual(gzip.decompress(body), plain)
        self.assertEqual(headers['x-content-type-options'], 'nosniff')
        status, headers, body = self.request('GET', '/js/api.js')
        self.assertEqual((status, body), (200, plain))
        self.assertNotIn('content-encoding', headers)
        # nginx answered: a request sent after them reaches geopart's log, they do not.
        sentinel = '/api/after-the-assets-' + os.urandom(4).hex()
        self.assertEqual(self.request('GET', sentinel)[0], 404)
        log = self.geopart_log_until(lambda log: sentinel in log)
        self.assertIn(sentinel, log)
        self.assertEqual(log.count('/js/api.js'), before)
        # The page itself comes from geopart, with its Content-Security-Policy.
        status, headers, body = self.request('GET', '/')
        self.assertEqual(status, 200)
        self.assertIn("script-src 'self'", headers['content-security-policy'])
        # npm's folder in the web root is never served, by either.
        status, _, _ = self.request('GET', '/node_modules/leaflet/package.json')
        self.assertEqual(status, 404)

    def test_hashed_assets_are_kept_for_good_and_the_page_links_them(self):
        # The page geopart serves through nginx names the hashed copies...
        status, headers, page = self.request('GET', '/')
        self.assertEqual(status, 200)
        self.assertEqual(headers.get('cache-control'), 'no-cache')
        names = re.findall(r'(?:src|href)="(js/citizen\.[0-9a-f]{10}\.js|'
                           r'vendor/leaflet/leaflet\.[0-9a-f]{10}\.js)"', page.decode())
        self.assertEqual(len(names), 2, page.decode()[:1200])
        # (its style sheets come inline: test_first_view.py)
        for name in names:
            with open(os.path.join(WEB, name), 'rb') as f:
                plain = f.read()
            # ...which nginx serves from the web root, precompressed, for a year.
            status, headers, body = self.request('GET', '/' + name, headers={'Accept-Encoding': 'gzip'})
            self.assertEqual(status, 200, name)
            self.assertEqual(headers.get('cache-control'), 'public, max-age=31536000, immutable')
            self.assertEqual(headers.get('content-encoding'), 'gzip')
            self.assertEqual(gzip.decompress(body), plain)
            self.assertEqual(headers['x-content-type-options'], 'nosniff')
        # A name whose hash is not a file's is not found.
        status, _, _ = self.request('GET', '/js/citizen.0000000000.js')
        self.assertEqual(status, 404)
        status, _, _ = self.request('GET', '/vendor/../node_modules/leaflet/package.json')
        self.assertEqual(status, 404)

    def test_geopart_sees_the_address_nginx_saw(self):
        a, b = '127.0.0.2', '127.0.0.3'
        for i in range(2):
            status, _, body = self.post_point(f'von A {i}', a)
            self.assertEqual(status, 201, body)
        status, headers, body = self.post_point('von A, zu viel', a)
        self.assertEqual(status, 429, body)
        self.assertIn('retry-after', headers)
        # Another address has its own allowance.
        status, _, body = self.post_point('von B', b)
        self.assertEqual(status, 201, body)
        # A forged X-Forwarded-For from the client changes nothing.
        status, _, body = self.post_point('von A, verkleidet', a,
                                          headers={'X-Forwarded-For': '127.0.0.99'})
        self.assertEqual(status, 429, body)
        status, _, body = self.post_point('von B, verkleidet als A', b,
                                          headers={'X-Forwarded-For': a})
        self.assertEqual(status, 201, body)

    def assertNginxProblem(self, status, headers, body, want, slug):
        self.assertEqual(status, want, body)
        self.assertEqual(headers['content-type'], 'application/problem+json')
        p = json.loads(body)
        self.assertEqual((p['status'], p['type']), (want, 'urn:geopart:problem:' + slug))
        self.assertEqual(p['detail'], p['description'])
        return p

    def test_the_live_stream_passes_at_once(self):
        conn = http.client.HTTPSConnection('127.0.0.1', self.https, timeout=10, context=self.tls)
        self.addCleanup(conn.close)
        conn.request('GET', '/api/live', headers={'Accept': 'text/event-stream'})
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader('Content-Type'), 'text/event-stream; charset=utf-8')
        text = ''

        def read_until(pred, timeout):
            nonlocal text
            deadline = time.time() + timeout
            while not pred(text):
                self.assertLess(time.time(), deadline, f'not through nginx in time: {text!r}')
                text += r.read1(65536).decode()

        read_until(lambda s: 'event: snapshot' in s and s.endswith('\n\n'), 10)
        status, _, body = self.post_point('Durch nginx live', source='127.0.0.9')
        self.assertEqual(status, 201, body)
        posted = time.time()
        # through nginx without waiting for a buffer to fill
        read_until(lambda s: 'Durch nginx live' in s, 5)
        self.assertLess(time.time() - posted, 2)

    def test_floods_are_stopped_by_nginx_with_a_problem(self):
        source = '127.0.0.4'
        conn = http.client.HTTPSConnection('127.0.0.1', self.https, timeout=30, context=self.tls,
                                           source_address=(source, 0))
        before = self.geopart_log().count('GET /api/config ')
        passed, refused = 0, None
        try:
            for _ in range(1000):  # far beyond 20/s with a burst of 100
                conn.request('GET', '/api/config')
                r = conn.getresponse()
                body = r.read()
                if r.status == 429:
                    refused = (r.status, {k.lower(): v for k, v in r.getheaders()}, body)
                    break
                self.assertEqual(r.status, 200, body)
                passed += 1
        finally:
            conn.close()
        self.assertIsNotNone(refused, 'nginx let 1000 requests through at full speed')
        self.assertGreaterEqual(passed, 100)  # the burst
        p = self.assertNginxProblem(*refused, 429, 'too-many-requests')
        self.assertIn('from this address', p['detail'])  # nginx's words, not geopart's
        self.assertEqual(refused[1]['retry-after'], '2')
        # geopart saw exactly the requests that passed.
        log = self.geopart_log_until(lambda log: log.count('GET /api/config ') - before >= passed)
        self.assertEqual(log.count('GET /api/config ') - before, passed)
        # Another address is not affected.
        self.assertEqual(self.request('GET', '/api/config', source='127.0.0.5')[0], 200)

    def test_a_body_over_the_limit_is_refused_by_nginx_with_a_problem(self):
        status, headers, body = self.request('POST', '/api/points', body=b'{' + b' ' * 40000 + b'}')
        p = self.assertNginxProblem(status, headers, body, 413, 'too-large')
        self.assertEqual(p['field'], 'body')

    def test_geopart_down_is_a_503_problem_with_retry_after(self):
        closed = free_port()  # nothing listens there
        nginx, https, _ = launch_nginx(os.path.join(self.tmp.name, 'nginx-down'), self.cert,
                                       self.key, closed)
        self.addCleanup(nginx.stop)
        status, headers, body = self.request('GET', '/api/points?limit=1', port=https)
        self.assertNginxProblem(status, headers, body, 503, 'unavailable')
        self.assertEqual(headers['retry-after'], '5')

    def test_slow_clients_never_reach_geopart(self):
        port = self.server.port
        marker = 'langsam-' + os.urandom(4).hex()
        headers_only, slow_bodies = [], []

        def open_tls():
            raw = socket.create_connection(('127.0.0.1', self.https), timeout=10)
            return self.tls.wrap_socket(raw, server_hostname='localhost')

        # Let idle keep-alive connections from nginx settle first: only
        # connections opened from now on would be the attack's.
        self.request('GET', '/healthz')
        idle = geopart_connections(port)
        log_before = len(self.geopart_log())
        try:
            for i in range(20):  # slowloris: a request line, then a header now and then
                s = open_tls()
                s.sendall(f'GET /api/{marker}/{i} HTTP/1.1\r\nHost: localhost\r\n'.encode())
                headers_only.append(s)
            for i in range(10):  # complete headers of a real route, a body that trickles
                s = open_tls()
                s.sendall(('POST /api/points HTTP/1.1\r\nHost: localhost\r\n'
                           'Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{').encode())
                slow_bodies.append(s)
            most = 0
            for step in range(6):  # three seconds of trickling
                for s in headers_only:
                    s.sendall(b'X-a: b\r\n')
                for s in slow_bodies:
                    s.sendall(b' ')
                most = max(most, geopart_connections(port))
                time.sleep(0.5)  # the attack's pace
            # Meanwhile a real client is answered, through the same nginx.
            status, _, body = self.request('GET', '/api/points?limit=1')
            self.assertEqual(status, 200, body)
        finally:
            for s in headers_only + slow_bodies:
                s.close()
        self.assertLessEqual(most, idle, 'a slow client made nginx open a connection to geopart')
        log = self.geopart_log_until(lambda log: 'GET /api/points' in log[log_before:])[log_before:]
        self.assertIn('GET /api/points', log)
        self.assertNotIn(marker, log)


class TestBackupScript(unittest.TestCase):
    """deploy/geopart-backup as the timer runs it, against a live server."""

    def test_keeps_the_newest_copies_and_checks_them(self):
        server = Server()
        self.addCleanup(server.cleanup)
        server.start()
        self.assertEqual(server.post_point(7.7689, 49.4447, comment='gesichert').status, 201)
        folder = os.path.join(server.dir, 'backups')
        os.mkdir(folder)
        env = dict(os.environ, PATH=os.path.dirname(BIN) + os.pathsep + os.environ['PATH'],
                   GEOPART_CONFIG=server.config_path, GEOPART_DB=server.db)
        made, seen = [], set()
        for _ in range(3):
            r = subprocess.run([os.path.join(DEPLOY, 'geopart-backup'), folder, '2'], env=env,
                               capture_output=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            new = set(os.listdir(folder)) - seen
            self.assertEqual(len(new), 1, new)
            made += new
            seen |= new
        names = sorted(os.listdir(folder))
        self.assertTrue(all(re.fullmatch(r'geopart-\d{8}T\d{6}\.\d{9}Z\.db', n) for n in names), names)
        self.assertEqual(names, made[1:])  # the two newest, nothing else
        for n in names:
            c = subprocess.run([BIN, 'check', '--db', os.path.join(folder, n)], capture_output=True)
            self.assertEqual(c.returncode, 0, c.stdout)
        bad = subprocess.run([os.path.join(DEPLOY, 'geopart-backup'), folder, 'zwei'], env=env,
                             capture_output=True)
        self.assertEqual(bad.returncode, 2)


class TestSystemdUnits(unittest.TestCase):
    """systemd-analyze on the shipped units, in a scratch root that holds
    the units, the commands they name and a copy of systemd's own units, so
    it works in a container where systemd does not run."""

    UNITS = ('geopart.service', 'geopart-backup.service', 'geopart-backup.timer')

    @classmethod
    def setUpClass(cls):
        if not shutil.which('systemd-analyze'):
            raise RuntimeError('systemd-analyze is missing: run tools/setup --test')
        cls.tmp = tempfile.TemporaryDirectory(prefix='geopart-units-')
        cls.addClassCleanup(cls.tmp.cleanup)
        root = cls.root = cls.tmp.name
        units = os.path.join(root, 'etc', 'systemd', 'system')
        os.makedirs(units)
        os.makedirs(os.path.join(root, 'usr', 'local', 'bin'))
        system = next(p for p in ('/usr/lib/systemd/system', '/lib/systemd/system')
                      if os.path.isdir(p))
        # A copy, links as links: a link out of the root would be followed inside it.
        shutil.copytree(system, os.path.join(root, 'usr', 'lib', 'systemd', 'system'),
                        symlinks=True)
        shutil.copy(BIN, os.path.join(root, 'usr', 'local', 'bin', 'geopart'))
        shutil.copy(os.path.join(DEPLOY, 'geopart-backup'),
                    os.path.join(root, 'usr', 'local', 'bin', 'geopart-backup'))
        for u in cls.UNITS:
            shutil.copy(os.path.join(DEPLOY, 'systemd', u), units)
        cls.units = units

    def analyze(self, *args):
        return subprocess.run(['systemd-analyze', *args, f'--root={self.root}'],
                              capture_output=True, timeout=120)

    def test_units_verify_without_a_word(self):
        for u in self.UNITS:
            with self.subTest(unit=u):
                r = self.analyze('verify', '--man=no', '--generators=no', os.path.join(self.units, u))
                # verify only warns about unknown keys and bad values: any output is a defect.
                self.assertEqual((r.returncode, r.stdout + r.stderr), (0, b''))

    def test_a_misspelt_option_would_be_caught(self):
        broken = os.path.join(self.units, 'geopart-broken.service')
        with open(os.path.join(self.units, 'geopart.service'), encoding='utf-8') as f:
            text = f.read().replace('ProtectSystem=strict', 'ProtectSystm=strict')
        with open(broken, 'w', encoding='utf-8') as f:
            f.write(text)
        try:
            r = self.analyze('verify', '--man=no', '--generators=no', broken)
            self.assertIn(b'ProtectSystm', r.stdout + r.stderr)
        finally:
            os.unlink(broken)

    def test_the_services_are_hardened(self):
        for u in ('geopart.service', 'geopart-backup.service'):
            with self.subTest(unit=u):
                # Exposure on systemd's scale of 0-100 (printed as 0.0-10.0):
                # 20 is "OK" or better.
                r = self.analyze('security', '--offline=true', '--threshold=20',
                                 os.path.join(self.units, u))
                self.assertEqual(r.returncode, 0, r.stdout.decode()[-2000:])
        with open(os.path.join(self.units, 'geopart.service'), encoding='utf-8') as f:
            text = f.read()
        for line in ('User=geopart', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/geopart',
                     'NoNewPrivileges=true', 'Restart=on-failure'):
            self.assertIn('\n' + line + '\n', text)
        self.assertEqual(re.findall(r'^ReadWritePaths=.*$', text, re.M),
                         ['ReadWritePaths=/var/lib/geopart'])


if __name__ == '__main__':
    unittest.main()
