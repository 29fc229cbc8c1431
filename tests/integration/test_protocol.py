"""HTTP/1.1 as a hostile or unusual client speaks it, on raw sockets: deep
paths, pipelined requests, request lines that must never be echoed, the
asterisk and absolute forms of the request target, and garbled chunk
sizes.  Every answer is a well-formed status line; every error carries a
problem+json body; the server stays up."""
import json
import re
import socket
import sqlite3
import subprocess
import tempfile
import unittest

from harness import ServerTest, run_parallel, staff_token

STATUS_LINE = re.compile(rb'^HTTP/1\.[01] [1-5][0-9][0-9] [A-Za-z][A-Za-z \-]*$')


def read_responses(sock, count, timeout=10, heads=()):
    """Reads `count` responses (Content-Length or chunked bodies; none for
    the answers whose index is in `heads`, to HEAD) from sock; returns
    [(status_line, headers dict lower-cased, body)], fewer when the server
    closed the connection first."""
    sock.settimeout(timeout)
    buf = b''
    out = []

    def fill():
        nonlocal buf
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            return False
        buf += chunk
        return bool(chunk)

    while len(out) < count:
        while b'\r\n\r\n' not in buf:
            if not fill():
                return out
        head, buf = buf.split(b'\r\n\r\n', 1)
        lines = head.split(b'\r\n')
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(b':')
            headers[k.strip().lower().decode()] = v.strip().decode()
        status = int(lines[0].split(b' ')[1]) if len(lines[0].split(b' ')) > 1 else 0
        body = b''
        if len(out) in heads:
            pass
        elif 'content-length' in headers:
            n = int(headers['content-length'])
            while len(buf) < n:
                if not fill():
                    break
            body, buf = buf[:n], buf[n:]
        elif headers.get('transfer-encoding') == 'chunked':
            while True:
                while b'\r\n' not in buf:
                    if not fill():
                        return out
                size_line, buf = buf.split(b'\r\n', 1)
                size = int(size_line, 16)
                while len(buf) < size + 2:
                    if not fill():
                        return out
                body += buf[:size]
                buf = buf[size + 2:]
                if size == 0:
                    break
        elif status not in (204, 304) and not (100 <= status < 200):
            while fill():
                pass
            body, buf = buf, b''
        out.append((lines[0], headers, body))
    return out


def exchange(port, data, count, shut=False, heads=()):
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    try:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        return read_responses(s, count, heads=heads)
    finally:
        s.close()


def get(path, extra=b''):
    return b'GET ' + path + b' HTTP/1.1\r\nHost: t\r\n' + extra + b'\r\n'


def post_json(path, body, extra=b''):
    return (b'POST ' + path + b' HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
            b'Content-Length: %d\r\n' % len(body) + extra + b'\r\n' + body)


FEATURE = (b'{"type":"Feature","geometry":{"type":"Point","coordinates":[7.768889,49.444722]},'
           b'"properties":{"category":"favourite","comment":"%s"}}')


class ProtocolTest(ServerTest):

    def assertWellFormed(self, response):
        line, headers, body = response
        self.assertRegex(line, STATUS_LINE)
        status = int(line.split(b' ')[1])
        if status >= 400:
            self.assertTrue(headers.get('content-type', '').startswith('application/problem+json'),
                            response)
            problem = json.loads(body)
            self.assertEqual(problem['status'], status)
            self.assertTrue(problem['detail'], problem)
        return status


class TestDeepPaths(ProtocolTest):

    def test_sixteen_segments_with_a_trailing_slash_is_404(self):
        for target in (b'/a' * 16 + b'/', b'/a' * 17, b'/a' * 16 + b'//', b'/' * 40,
                       b'/js' * 16 + b'/', b'/api' + b'/x' * 15 + b'/?limit=1'):
            with self.subTest(target=target):
                r = exchange(self.server.port, get(target, b'Connection: close\r\n'), 1)
                self.assertEqual(len(r), 1, 'no answer: the server died')
                self.assertEqual(self.assertWellFormed(r[0]), 404)
        # fifteen segments and a slash is the deepest path there is
        r = exchange(self.server.port, get(b'/a' * 15 + b'/', b'Connection: close\r\n'), 1)
        self.assertEqual(self.assertWellFormed(r[0]), 404)
        self.assertEqual(self.server.get('/healthz').status, 200)

    def test_deep_page_path_is_looked_up(self):
        # the web root's own files at depth, through the same array
        self.assertEqual(self.server.get('/js/' + 'x/' * 14 + 'map.js').status, 404)
        self.assertEqual(self.server.get('/js/map.js').status, 200)


class TestStatusLine(ProtocolTest):
    """The status line is the server's own, whatever the request line was."""

    def test_request_line_is_never_echoed(self):
        for line in (b'GET /healthz HTTP/1.1 X-Injected: yes', b'GET /healthz HTTP/9.9',
                     b'GET /healthz HTTP/2.0', b'GET /healthz HTTP/1.1\tX: y',
                     b'GET /healthz XTTP/1.1', b'HELLO', b'GET /healthz HTTP/1.1 200 OK'):
            with self.subTest(line=line):
                r = exchange(self.server.port, line + b'\r\nHost: t\r\n\r\n', 1)
                self.assertEqual(len(r), 1, 'no answer')
                status = self.assertWellFormed(r[0])
                self.assertGreaterEqual(status, 400)
                self.assertTrue(r[0][0].startswith(b'HTTP/1.1 '), r[0][0])
                self.assertNotIn(b'X-Injected', r[0][0])
                self.assertNotIn('x-injected', r[0][1])
                self.assertEqual(r[0][1].get('connection'), 'close')

    def test_bad_version_is_505(self):
        r = exchange(self.server.port, b'GET /healthz HTTP/9.9\r\nHost: t\r\n\r\n', 1)
        self.assertEqual(r[0][0], b'HTTP/1.1 505 HTTP Version Not Supported')
        self.assertEqual(json.loads(r[0][2])['type'], 'urn:geopart:problem:http-version-not-supported')

    def test_reason_phrases_are_standard(self):
        r = exchange(self.server.port, post_json(b'/api/points', b'{"type":"Feature"}',
                                                 b'Connection: close\r\n'), 1)
        self.assertEqual(r[0][0], b'HTTP/1.1 422 Unprocessable Content')

    def test_http10_client_hears_http10(self):
        r = exchange(self.server.port, b'GET /healthz HTTP/1.0\r\n\r\n', 1)
        self.assertEqual(r[0][0], b'HTTP/1.0 200 OK')
        self.assertEqual(json.loads(r[0][2])['status'], 'ok')
        r = exchange(self.server.port, b'GET /nothing HTTP/1.0\r\n\r\n', 1)
        self.assertEqual(r[0][0], b'HTTP/1.0 404 Not Found')

    def test_http10_client_gets_a_stream_without_chunks(self):
        # HTTP/1.0 knows no chunked encoding: the body ends with the connection
        r = exchange(self.server.port, b'GET /api/export?format=csv HTTP/1.0\r\n\r\n', 1)
        self.assertEqual(r[0][0], b'HTTP/1.0 200 OK')
        self.assertNotIn('transfer-encoding', r[0][1])
        self.assertEqual(r[0][1]['connection'], 'close')
        self.assertTrue(r[0][2].startswith(b'id,category,comment'), r[0][2][:100])

    def test_every_answer_carries_the_security_headers(self):
        for data in (get(b'/healthz'), get(b'/style.css'), get(b'/nothing'),
                     b'GET /x HTTP/9.9\r\n\r\n', b'OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n'):
            with self.subTest(data=data[:30]):
                r = exchange(self.server.port, data, 1, shut=True)
                self.assertWellFormed(r[0])
                self.assertEqual(r[0][1].get('x-content-type-options'), 'nosniff')
                self.assertEqual(r[0][1].get('cross-origin-resource-policy'), 'same-origin')


class TestRequestTargetForms(ProtocolTest):
    """RFC 9112 3.2: the asterisk form and the absolute form get answers."""

    def test_options_asterisk(self):
        r = exchange(self.server.port, b'OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n', 1)
        self.assertEqual(len(r), 1, 'no answer to OPTIONS *')
        self.assertEqual(self.assertWellFormed(r[0]), 204)
        allow = [m.strip() for m in r[0][1]['allow'].split(',')]
        for method in ('GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'):
            self.assertIn(method, allow)
        self.assertEqual(r[0][2], b'')

    def test_asterisk_with_another_method_is_400(self):
        r = exchange(self.server.port, b'GET * HTTP/1.1\r\nHost: t\r\n\r\n', 1)
        self.assertEqual(self.assertWellFormed(r[0]), 400)

    def test_absolute_form_is_served(self):
        port = self.server.port
        r = exchange(self.server.port, get(b'http://127.0.0.1:%d/healthz' % port), 1)
        self.assertEqual(len(r), 1, 'no answer to an absolute-form target')
        self.assertEqual(self.assertWellFormed(r[0]), 200)
        self.assertEqual(json.loads(r[0][2])['status'], 'ok')
        # the target's authority, not the Host header, names the server
        r = exchange(port, b'GET http://localhost:%d/api/points?limit=1 HTTP/1.1\r\n'
                           b'Host: evil.example\r\n\r\n' % port, 1)
        self.assertEqual(self.assertWellFormed(r[0]), 200)
        links = json.loads(r[0][2])['links']
        self.assertTrue(all(link['href'].startswith('http://localhost:%d/' % port)
                            for link in links), links)

    def test_absolute_form_naming_another_server_is_421(self):
        other = self.server.port + 1 if self.server.port < 65535 else 1
        for target in (b'http://127.0.0.1:%d/healthz' % other, b'http://example.org/healthz'):
            with self.subTest(target=target):
                r = exchange(self.server.port, get(target), 1)
                self.assertEqual(len(r), 1, 'no answer')
                self.assertEqual(self.assertWellFormed(r[0]), 421)


class TestPipelining(ProtocolTest):
    """Requests sent in one write are all answered, in order."""

    def answers(self, data, count, heads=()):
        r = exchange(self.server.port, data, count, heads=heads)
        self.assertEqual(len(r), count, r)
        for one in r:
            self.assertWellFormed(one)
        return r

    def test_get_get(self):
        r = self.answers(get(b'/healthz') + get(b'/api/config') + get(b'/nothing'), 3)
        self.assertEqual(json.loads(r[0][2])['status'], 'ok')
        self.assertIn('categories', json.loads(r[1][2]))
        self.assertEqual(r[2][0], b'HTTP/1.1 404 Not Found')

    def test_get_post_and_post_get(self):
        token = self.server.form_token().encode()
        body = FEATURE.replace(b'"comment":"%s"', b'"comment":"%s","form_token":"' + token + b'"')
        r = self.answers(get(b'/healthz') + post_json(b'/api/points', body % b'pipelined 1'), 2)
        self.assertEqual(json.loads(r[0][2])['status'], 'ok')
        self.assertEqual(r[1][0], b'HTTP/1.1 201 Created')
        self.assertEqual(json.loads(r[1][2])['properties']['comment'], 'pipelined 1')
        r = self.answers(post_json(b'/api/points', body % b'pipelined 2') + get(b'/api/config')
                         + post_json(b'/api/points', body % b'pipelined 3'), 3)
        self.assertEqual(json.loads(r[0][2])['properties']['comment'], 'pipelined 2')
        self.assertIn('categories', json.loads(r[1][2]))
        self.assertEqual(json.loads(r[2][2])['properties']['comment'], 'pipelined 3')

    def test_chunked_bodies(self):
        token = self.server.form_token().encode()
        body = FEATURE.replace(b'"comment":"%s"', b'"comment":"%s","form_token":"' + token + b'"')

        def chunked(comment, trailer=b''):
            b = body % comment
            return (b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
                    b'Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n%s\r\n'
                    % (len(b), b, trailer))
        r = self.answers(chunked(b'chunked 1') + get(b'/healthz'), 2)
        self.assertEqual(json.loads(r[0][2])['properties']['comment'], 'chunked 1')
        self.assertEqual(json.loads(r[1][2])['status'], 'ok')
        # After announced trailer fields (RFC 9112 7.1.2) civetweb cannot go
        # on: the answer says so, and the client knows to send again.
        data = chunked(b'chunked 2', b'X-Checksum: 1\r\n').replace(
            b'Transfer-Encoding', b'Trailer: X-Checksum\r\nTransfer-Encoding') + get(b'/healthz')
        r = exchange(self.server.port, data, 2)
        self.assertEqual(json.loads(r[0][2])['properties']['comment'], 'chunked 2')
        self.assertTrue(len(r) == 2 or r[0][1]['connection'] == 'close', r)

    def test_after_refusals(self):
        r = self.answers(post_json(b'/api/points', b'{}', b'') +  # 422, body read
                         b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n'
                         b'Content-Length: 2\r\n\r\n{}' +  # 415, body never read
                         b'HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n' +
                         get(b'/api/admin/points', b'Authorization: Bearer nothing\r\n') +  # 401
                         get(b'/healthz'), 5, heads=(2,))
        self.assertEqual([int(x[0].split(b' ')[1]) for x in r], [422, 415, 200, 401, 200])
        self.assertEqual(json.loads(r[4][2])['status'], 'ok')


def head_answer(sock, timeout=5):
    """The first answer head the server sends on sock (up to its blank
    line), or b'' when none comes within timeout seconds."""
    sock.settimeout(timeout)
    buf = b''
    try:
        while b'\r\n\r\n' not in buf:
            chunk = sock.recv(1)
            if not chunk:
                break
            buf += chunk
    except socket.timeout:
        pass
    return buf


class TestExpectContinue(ProtocolTest):
    """Expect: 100-continue (curl sends it for bodies over 1 KiB): the
    interim 100 comes before the body is sent when the request is
    acceptable; a request refused before its body gets the final answer
    alone and its connection is closed; other expectations get 417."""

    def feature(self, comment):
        return json.dumps({'type': 'Feature',
                           'geometry': {'type': 'Point', 'coordinates': [7.768889, 49.444722]},
                           'properties': {'category': 'favourite', 'comment': comment,
                                          'form_token': self.server.form_token()}}).encode()

    def test_the_100_comes_before_the_body_and_then_the_answer(self):
        before = self.server.db_count()
        body = self.feature('Expect 100-continue ' + 'x' * 900)
        s = socket.create_connection(('127.0.0.1', self.server.port), timeout=10)
        try:
            s.sendall(b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
                      b'Expect: 100-continue\r\nContent-Length: %d\r\n\r\n' % len(body))
            # nothing of the body has been sent: the 100 must come first
            self.assertEqual(head_answer(s), b'HTTP/1.1 100 Continue\r\n\r\n')
            s.sendall(body)
            r = read_responses(s, 1)
        finally:
            s.close()
        self.assertEqual(len(r), 1)
        self.assertEqual(self.assertWellFormed(r[0]), 201)
        self.assertEqual(json.loads(r[0][2])['properties']['comment'][:20], 'Expect 100-continue ')
        self.assertEqual(self.server.db_count(), before + 1)

    def test_curl_hears_the_100(self):
        # curl asks for a 100 before large bodies (and when told to) and,
        # hearing none, sends the body after a second anyway; its trace
        # shows which it was
        body = self.feature('curl ' + 'y' * 990)
        with tempfile.NamedTemporaryFile(suffix='.json') as f:
            f.write(body)
            f.flush()
            r = subprocess.run(['curl', '-sS', '-v', '-o', '/dev/null', '-w', '%{http_code}',
                                '-H', 'Content-Type: application/json',
                                '-H', 'Expect: 100-continue', '--data-binary',
                                '@' + f.name, f'http://127.0.0.1:{self.server.port}/api/points'],
                               capture_output=True, timeout=60)
        trace = r.stderr.decode('utf-8', 'replace')
        self.assertIn('> Expect: 100-continue', trace)
        self.assertIn('< HTTP/1.1 100 Continue', trace)
        self.assertNotIn('Done waiting for 100-continue', trace)
        self.assertEqual(r.stdout, b'201')

    def test_a_chunked_body_and_a_staff_write_get_their_100_too(self):
        s = self.server
        pid = s.post_point(7.768889, 49.444722, comment='expect staff').json()['id']
        planner = staff_token(s, 'expect-planner', 'planner')['Authorization'].encode()
        body = b'{"status":"hidden"}'
        chunk = self.feature('chunked expect')
        for head, payload, want in (
                (b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
                 b'Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n',
                 b'%x\r\n%s\r\n0\r\n\r\n' % (len(chunk), chunk), 201),
                (b'PATCH /api/points/%d HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
                 b'Authorization: %s\r\nExpect: 100-Continue\r\nContent-Length: %d\r\n\r\n'
                 % (pid, planner, len(body)), body, 200)):
            with self.subTest(head=head[:40]):
                c = socket.create_connection(('127.0.0.1', s.port), timeout=10)
                try:
                    c.sendall(head)
                    self.assertEqual(head_answer(c), b'HTTP/1.1 100 Continue\r\n\r\n')
                    c.sendall(payload)
                    r = read_responses(c, 1)
                finally:
                    c.close()
                self.assertEqual(self.assertWellFormed(r[0]), want, r)
        self.assertEqual(s.request('GET', f'/api/points/{pid}').status, 404)

    def test_refused_before_the_body_without_a_100(self):
        before = self.server.db_count()
        body = self.feature('never sent')
        cases = (
            (b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
             b'Expect: 100-continue\r\nContent-Length: 99999\r\n\r\n', 413, None),
            (b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n'
             b'Expect: 100-continue\r\nContent-Length: %d\r\n\r\n' % len(body), 415,
             'Content-Type'),
            (b'POST /api/admin/events HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
             b'Expect: 100-continue\r\nContent-Length: 60\r\n\r\n', 401, 'Authorization'),
            (b'PATCH /api/points/1 HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
             b'Expect: 100-continue\r\nContent-Length: 19\r\n\r\n', 401, 'Authorization'),
            (b'POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
             b'Expect: 100-continue\r\nContent-Length: 19\r\n\r\n', 405, None),
        )
        for head, status, field in cases:
            with self.subTest(status=status, head=head[:30]):
                c = socket.create_connection(('127.0.0.1', self.server.port), timeout=10)
                try:
                    c.sendall(head)
                    r = read_responses(c, 1)
                    self.assertEqual(len(r), 1)
                    self.assertEqual(self.assertWellFormed(r[0]), status, r)
                    self.assertEqual(r[0][1].get('connection'), 'close', r)
                    if field:
                        self.assertEqual(json.loads(r[0][2])['field'], field)
                    # and the server closes: nothing more comes
                    c.settimeout(10)
                    self.assertEqual(c.recv(100), b'')
                finally:
                    c.close()
        self.assertEqual(self.server.db_count(), before)

    def test_other_expectations_are_417(self):
        for value in (b'200-ok', b'100-continue, something', b'100-continuex'):
            with self.subTest(value=value):
                r = exchange(self.server.port, get(b'/healthz', b'Expect: ' + value + b'\r\n'), 1)
                self.assertEqual(self.assertWellFormed(r[0]), 417)
                self.assertEqual(json.loads(r[0][2])['field'], 'Expect')
        # 100-continue on a request without a body needs no 100: the answer alone
        r = exchange(self.server.port, get(b'/healthz', b'Expect: 100-continue\r\n'), 1)
        self.assertEqual(r[0][0], b'HTTP/1.1 200 OK')
        # an HTTP/1.0 client's Expect is ignored (RFC 9110 10.1.1)
        r = exchange(self.server.port, b'GET /healthz HTTP/1.0\r\nExpect: 200-ok\r\n\r\n', 1)
        self.assertEqual(r[0][0], b'HTTP/1.0 200 OK')


class TestHeadLimits(ProtocolTest):
    """A header line over 8 KiB or a head over 16 KiB is 431, a target over
    8 KiB 414, as problem+json; a head larger than civetweb's own buffer
    (32 KiB) is refused by civetweb before geopart's code runs, still with a
    problem naming both of its possible reasons, and the connection closed."""

    def test_a_long_header_line_is_431(self):
        r = exchange(self.server.port, get(b'/healthz', b'X-Long: ' + b'a' * 8200 + b'\r\n'), 1)
        self.assertEqual(self.assertWellFormed(r[0]), 431)
        self.assertEqual(r[0][0], b'HTTP/1.1 431 Request Header Fields Too Large')
        p = json.loads(r[0][2])
        self.assertEqual(p['field'], 'X-Long')
        self.assertEqual(p['type'], 'urn:geopart:problem:header-fields-too-large')

    def test_a_large_head_is_431(self):
        fields = b''.join(b'X-Part-%d: %s\r\n' % (i, b'b' * 4000) for i in range(5))
        r = exchange(self.server.port, get(b'/healthz', fields), 1)
        self.assertEqual(self.assertWellFormed(r[0]), 431)
        self.assertIn('16384', json.loads(r[0][2])['detail'])

    def test_a_long_target_is_414(self):
        r = exchange(self.server.port, get(b'/api/points?bbox=' + b'1' * 8300), 1)
        self.assertEqual(self.assertWellFormed(r[0]), 414)
        self.assertEqual(r[0][0], b'HTTP/1.1 414 URI Too Long')

    def test_heads_within_the_limits_are_served(self):
        fields = b''.join(b'X-Part-%d: %s\r\n' % (i, b'c' * 3000) for i in range(4))
        r = exchange(self.server.port, get(b'/healthz', b'X-Long: ' + b'a' * 8000 + b'\r\n'), 1)
        self.assertEqual(self.assertWellFormed(r[0]), 200)
        r = exchange(self.server.port, get(b'/healthz', fields), 1)
        self.assertEqual(self.assertWellFormed(r[0]), 200)

    def test_a_head_over_civetwebs_buffer_still_gets_a_problem(self):
        fields = b''.join(b'X-Part-%d: %s\r\n' % (i, b'd' * 6000) for i in range(8))
        r = exchange(self.server.port, get(b'/healthz', fields), 1)
        self.assertEqual(len(r), 1, 'no answer before the connection ended')
        self.assertEqual(self.assertWellFormed(r[0]), 400)
        self.assertEqual(r[0][1].get('connection'), 'close')
        self.assertIn('larger than 32 KiB', json.loads(r[0][2])['detail'])
        # and the server still serves
        self.assertEqual(self.server.get('/healthz').status, 200)


class TestChunkSizes(ProtocolTest):
    """A garbled chunk size is a malformed request, refused at once."""

    def test_garbled_chunk_sizes_are_400(self):
        for size in (b'zz', b'-1', b'ffffffffffffffff', b'1' * 80, b'0x10', b' 5'):
            with self.subTest(size=size):
                data = (b'POST /api/points HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
                        b'Transfer-Encoding: chunked\r\n\r\n' + size + b'\r\n{"a":1}\r\n0\r\n\r\n')
                r = exchange(self.server.port, data, 1)
                self.assertEqual(len(r), 1)
                self.assertEqual(self.assertWellFormed(r[0]), 400)
                self.assertIn('chunk', json.loads(r[0][2])['detail'])


class TestBodyText(ProtocolTest):

    def post(self, props, media='application/json'):
        body = json.dumps({'type': 'Feature',
                           'geometry': {'type': 'Point', 'coordinates': [7.768889, 49.444722]},
                           'properties': props}).encode()
        data = (b'POST /api/points HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: '
                + media.encode() + b'\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
        return exchange(self.server.port, data, 1)[0]

    def test_nul_in_the_honeypot_is_not_empty(self):
        before = self.server.db_count()
        props = {'category': 'favourite', 'comment': 'honeypot with NUL',
                 'form_token': self.server.form_token(), 'website': '\u0000http://spam'}
        r = self.post(props)
        self.assertEqual(self.assertWellFormed(r), 202)
        self.assertEqual(json.loads(r[2]), {'status': 'received'})
        self.assertEqual(self.server.db_count(), before)
        props['website'] = ''
        self.assertEqual(self.assertWellFormed(self.post(props)), 201)
        self.assertEqual(self.server.db_count(), before + 1)

    def test_nul_in_names_and_text_is_refused(self):
        for member, value in (('comment', 'a\u0000b'), ('category', 'favourite\u0000x'),
                              ('topic', 'mobility\u0000x'), ('form_token', '\u0000')):
            with self.subTest(member=member):
                props = {'category': 'favourite', 'comment': 'x', member: value}
                r = self.post(props)
                self.assertEqual(self.assertWellFormed(r), 422)
                self.assertEqual(json.loads(r[2])['field'], 'properties.' + member)

    def test_charset_parameter_is_parsed(self):
        props = {'category': 'favourite', 'comment': 'charset', 'form_token': 'x'}
        for media in ('application/json; charset=utf-8', 'application/json;charset=UTF-8',
                      'application/json; charset="utf-8"', 'application/geo+json ; charset=utf-8',
                      'application/json; charset=utf-8; profile="x;y"', 'application/json;'):
            with self.subTest(media=media):
                self.assertEqual(self.assertWellFormed(self.post(props, media)), 202)
        for media in ('application/json; charset=utf-8x', 'application/json; charset=utf-88',
                      'application/json; charset="utf-8', 'application/json; charset=',
                      'application/json; charset', 'application/json; charset=utf-8; charset=utf-8',
                      'application/json; charset=latin1', 'application/jsonx', 'application/json x',
                      'application/json; charset=utf-8 x', 'application/json; =utf-8'):
            with self.subTest(media=media):
                r = self.post(props, media)
                self.assertEqual(self.assertWellFormed(r), 415)
                self.assertEqual(json.loads(r[2])['field'], 'Content-Type')


class TestBusyDatabase(ProtocolTest):
    """A database held by another writer: 503 with Retry-After and a detail
    saying what happened, also where the store's error carried no words."""

    def test_busy_answers_carry_detail(self):
        s = self.server
        pid = s.post_point(7.768889, 49.444722, comment='busy test').json()['id']
        secret = s.geopart('token', 'create', '--name', 'busy', '--role', 'planner').stdout
        planner = {'Authorization': 'Bearer ' + secret.decode().split()[-1]}
        holder = sqlite3.connect(s.db, timeout=1, isolation_level=None)
        try:
            holder.execute('BEGIN IMMEDIATE')
            results = run_parallel(lambda call: call(), [
                lambda: s.request('POST', f'/api/points/{pid}/support'),
                lambda: s.request('PATCH', f'/api/points/{pid}', body={'status': 'hidden'},
                                  headers=planner)], workers=2)
        finally:
            holder.execute('ROLLBACK')
            holder.close()
        for r in results:
            self.assertProblem(r, 503)
            self.assertGreaterEqual(int(r.header('Retry-After')), 1)
        # and both work once the database is free again
        self.assertEqual(s.request('POST', f'/api/points/{pid}/support').status, 200)


if __name__ == '__main__':
    unittest.main()
