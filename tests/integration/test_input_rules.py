"""Every bad input is refused with the right status and a problem+json body
naming the field, and a refused request stores nothing.  The cases live in
cases/input.cases; body framing, deadlines and limits are tested on raw
sockets below."""
import json
import os
import re
import socket
import time
import unittest

from harness import ServerTest

CASES = os.path.join(os.path.dirname(__file__), 'cases', 'input.cases')


def expand(text):
    """Applies the {{xNN}} and {{repeat:TEXT:N}} escapes; returns bytes."""
    out = b''
    pos = 0
    for m in re.finditer(r'\{\{(x([0-9a-fA-F]{2})|repeat:(.*?):(\d+))\}\}', text):
        out += text[pos:m.start()].encode('utf-8')
        if m.group(2):
            out += bytes([int(m.group(2), 16)])
        else:
            out += m.group(3).encode('utf-8') * int(m.group(4))
        pos = m.end()
    return out + text[pos:].encode('utf-8')


def parse_cases(path):
    cases = []
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    i = 0
    while i < len(lines):
        if not lines[i].startswith('=== '):
            i += 1
            continue
        case = {'name': lines[i][4:], 'headers': {}, 'expect': []}
        i += 1
        case['method'], case['path'] = lines[i].split(' ', 1)
        i += 1
        while lines[i] and not lines[i].startswith('--- '):
            k, v = lines[i].split(':', 1)
            case['headers'][k.strip()] = v.strip()
            i += 1
        body = []
        if not lines[i].startswith('--- '):
            i += 1
            while not lines[i].startswith('--- '):
                body.append(lines[i])
                i += 1
        case['body'] = expand('\n'.join(body)) if body else None
        case['status'] = int(lines[i][4:])
        i += 1
        while i < len(lines) and lines[i] and not lines[i].startswith('==='):
            case['expect'].append(lines[i])
            i += 1
        cases.append(case)
    return cases


def run_case(test, server, c):
    """Sends case c and asserts its status and expectations (see input.cases)."""
    r = server.request(c['method'], c['path'], body=c['body'], headers=c['headers'])
    p = test.assertProblem(r, c['status'])
    for e in c['expect']:
        if e.startswith('field: '):
            test.assertEqual(p.get('field'), e[7:], p)
        elif e.startswith('detail~: '):
            test.assertIn(e[9:], p.get('detail', ''), p)
        elif e.startswith('header '):
            name, want = e[7:].split('~: ', 1)
            test.assertIn(want, r.header(name) or '', r.headers)
        else:
            test.fail(f'unknown expectation {e!r}')


class TestDeclaredCases(ServerTest):

    def test_cases(self):
        cases = parse_cases(CASES)
        self.assertGreater(len(cases), 50)
        self.assertEqual(self.server.post_point(7.768889, 49.444722).status, 201)
        before = self.server.db_count()
        for c in cases:
            with self.subTest(case=c['name']):
                run_case(self, self.server, c)
                self.assertEqual(self.server.db_count(), before, 'a refused request stored something')
        # and the server is still healthy afterwards
        self.assertEqual(self.server.get('/healthz').status, 200)


def raw_exchange(port, data, wait=5.0, trickle=None):
    """Sends raw bytes (optionally trickled) and returns the raw response."""
    s = socket.create_connection(('127.0.0.1', port), timeout=wait)
    try:
        if trickle:
            try:
                for b in data:
                    s.sendall(bytes([b]))
                    time.sleep(trickle)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server gave up on us; read what it said
        else:
            s.sendall(data)
        return read_answer(s)
    finally:
        s.close()


def read_answer(s, out=b''):
    """Reads the rest of one answer (out holds its start): to the end of
    its Content-Length, or until the server closes or stays silent."""
    while True:
        if b'\r\n\r\n' in out:
            head, _, rest = out.partition(b'\r\n\r\n')
            m = re.search(rb'Content-Length: (\d+)', head)
            if m and len(rest) >= int(m.group(1)):
                break
        try:
            chunk = s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        out += chunk
    return out


FEATURE = (b'{"type":"Feature","geometry":{"type":"Point","coordinates":[7.768889,49.444722]},'
           b'"properties":{"category":"favourite","comment":"raw"}}')


class TestFraming(ServerTest):
    # Deadlines short enough to test; more threads than the slow clients
    # below, fewer database workers.
    config = {'body_deadline_ms': '1500', 'request_timeout_ms': '2000', 'threads': '32',
              'db_connections': '4', 'exports_max': '1'}

    def post(self, headers, body=FEATURE, **kw):
        head = b'POST /api/points HTTP/1.1\r\nHost: t\r\n' + headers + b'\r\n'
        return raw_exchange(self.server.port, head + body, **kw)

    def status(self, raw):
        return int(raw.split(b' ', 2)[1]) if raw.startswith(b'HTTP/1.1 ') else None

    def test_transfer_encoding_with_content_length_is_refused(self):
        chunked = b'%x\r\n' % len(FEATURE) + FEATURE + b'\r\n0\r\n\r\n'
        r = self.post(b'Content-Type: application/json\r\nContent-Length: %d\r\n'
                      b'Transfer-Encoding: chunked\r\n' % len(chunked), chunked)
        self.assertEqual(self.status(r), 400, r)
        self.assertIn(b'application/problem+json', r)
        self.assertIn(b'Transfer-Encoding', r.split(b'\r\n\r\n', 1)[1])

    def test_duplicate_content_length_is_refused(self):
        n = len(FEATURE)
        r = self.post(b'Content-Type: application/json\r\nContent-Length: %d\r\n'
                      b'Content-Length: %d\r\n' % (n, n))
        self.assertEqual(self.status(r), 400, r)

    def test_garbled_content_length_is_refused(self):
        for value in (b'12a', b'+12', b'0x10', b'1 2'):
            with self.subTest(value=value):
                r = self.post(b'Content-Type: application/json\r\nContent-Length: ' + value + b'\r\n')
                self.assertIn(self.status(r), (400, 411), r)
                self.assertIn(b'application/problem+json', r)

    def test_unknown_transfer_encoding_is_refused(self):
        r = self.post(b'Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n')
        self.assertEqual(self.status(r), 400, r)

    def test_chunked_body_is_accepted(self):
        token = self.server.form_token().encode()
        body = FEATURE.replace(b'"comment":"raw"', b'"comment":"raw","form_token":"' + token + b'"')
        chunked = b'%x\r\n' % len(body) + body + b'\r\n0\r\n\r\n'
        r = self.post(b'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n'
                      b'Connection: close\r\n', chunked)
        self.assertEqual(self.status(r), 201, r)

    def test_large_declared_body_is_refused_without_reading_it(self):
        before = self.server.db_count()
        s = socket.create_connection(('127.0.0.1', self.server.port), timeout=5)
        s.sendall(b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
                  b'Content-Length: 50000000\r\n\r\n')
        s.sendall(b'{' * 1000)
        t0 = time.time()
        head = b''
        while b'\r\n\r\n' not in head:
            chunk = s.recv(65536)
            if not chunk:
                break
            head += chunk
        self.assertTrue(head.startswith(b'HTTP/1.1 413'), head)
        self.assertIn(b'Connection: close', head)
        # the server closes instead of swallowing 50 MB
        rest = b''
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            rest += chunk
        self.assertLess(time.time() - t0, 3)
        s.close()
        self.assertEqual(self.server.db_count(), before)

    def test_large_chunked_body_is_refused(self):
        body = b'4000\r\n' + b'x' * 0x4000 + b'\r\n' + b'4000\r\n' + b'x' * 0x4000 + b'\r\n0\r\n\r\n'
        r = self.post(b'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n', body)
        self.assertEqual(self.status(r), 413, r)

    def assert_408(self, raw):
        """An actual 408 problem (not just a closed connection) that closes."""
        # a head that never completed is answered as HTTP/1.0 (its version is unknown)
        self.assertRegex(raw[:13], rb'^HTTP/1\.[01] 408', raw)
        head, _, body = raw.partition(b'\r\n\r\n')
        self.assertIn(b'Content-Type: application/problem+json', head)
        self.assertIn(b'Connection: close', head)
        problem = json.loads(body)
        self.assertEqual(problem['status'], 408, problem)
        self.assertEqual(problem['type'], 'urn:geopart:problem:timeout', problem)

    def trickled(self, at_once, trickle, pace):
        """Sends at_once, then trickle a byte every `pace` seconds until the
        server answers; returns the answer and the seconds it took."""
        s = socket.create_connection(('127.0.0.1', self.server.port), timeout=10)
        t0 = time.time()
        s.sendall(at_once)
        raw = trickle_until_answered(s, trickle, pace)
        elapsed = time.time() - t0
        s.close()
        return raw, elapsed

    def test_trickling_body_gets_408_at_the_deadline(self):
        before = self.server.db_count()
        # One body byte every 0.2 s would take about 25 s; every byte resets
        # a socket timeout, so only a wall-clock deadline (1.5 s) stops it.
        raw, elapsed = self.trickled(
            b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
            b'Content-Length: %d\r\n\r\n' % len(FEATURE), FEATURE, 0.2)
        self.assert_408(raw)
        self.assertGreater(elapsed, 1.4)
        self.assertLess(elapsed, 3.5)
        self.assertEqual(self.server.db_count(), before)
        self.assertEqual(self.server.get('/healthz').status, 200)

    def test_trickling_chunked_body_gets_408_at_the_deadline(self):
        raw, elapsed = self.trickled(
            b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
            b'Transfer-Encoding: chunked\r\n\r\n',
            b'%x\r\n' % len(FEATURE) + FEATURE + b'\r\n0\r\n\r\n', 0.2)
        self.assert_408(raw)
        self.assertGreater(elapsed, 1.4)
        self.assertLess(elapsed, 3.5)

    def test_trickling_head_is_cut_at_request_timeout(self):
        # The request head has its own wall-clock deadline (request_timeout_ms,
        # 2 s here), however steadily its bytes come.
        head = (b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
                b'X-Slow: ' + b'a' * 200 + b'\r\n\r\n')
        raw, elapsed = self.trickled(head[:20], head[20:], 0.1)
        self.assert_408(raw)
        self.assertGreater(elapsed, 1.9)
        self.assertLess(elapsed, 4)

    def test_silent_client_gets_408(self):
        s = socket.create_connection(('127.0.0.1', self.server.port), timeout=10)
        s.sendall(b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
                  b'Content-Length: 100\r\n\r\n{"type"')
        t0 = time.time()
        head = b''
        while b'\r\n\r\n' not in head:
            chunk = s.recv(65536)
            if not chunk:
                break
            head += chunk
        s.close()
        self.assertTrue(head.startswith(b'HTTP/1.1 408'), head)
        self.assertLess(time.time() - t0, 5)

    def test_no_length_is_refused(self):
        r = self.post(b'Content-Type: application/json\r\nConnection: close\r\n', b'')
        self.assertEqual(self.status(r), 411, r)

    def test_slow_bodies_hold_no_database_worker(self):
        # More trickling clients than database workers (4 here): while all of
        # them are still sending, a real client is answered at once, and each
        # slow one gets its 408 at the deadline.
        head = (b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
                b'Content-Length: %d\r\n\r\n' % len(FEATURE))
        socks = []
        for _ in range(12):
            s = socket.create_connection(('127.0.0.1', self.server.port), timeout=10)
            s.sendall(head + FEATURE[:1])
            socks.append(s)
        t0 = time.time()
        for s in socks:
            s.sendall(FEATURE[1:2])
        r = self.server.post_point(7.768889, 49.444722, comment='while the slow ones send')
        took = time.time() - t0
        self.assertEqual(r.status, 201, r)
        self.assertLess(took, 1.0)
        # they were still being read when the real request was answered
        for s in socks:
            s.setblocking(False)
            with self.assertRaises(BlockingIOError):
                s.recv(1)
            s.setblocking(True)
        for s in socks:
            self.assert_408(trickle_until_answered(s, FEATURE[2:], 0.2))
            s.close()


def trickle_until_answered(s, data, pace):
    """Sends data a byte every `pace` seconds until the server answers (or
    closes); returns everything the server sent."""
    out = b''
    s.settimeout(pace)
    for b in data:
        try:
            s.sendall(bytes([b]))
        except (BrokenPipeError, ConnectionResetError):
            break
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            break
        out += chunk
        break
    s.settimeout(10)
    return read_answer(s, out)


if __name__ == '__main__':
    unittest.main()
