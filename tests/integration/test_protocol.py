"""HTTP/1.1 as a hostile or unusual client speaks it, on raw sockets: deep
paths, pipelined requests, request lines that must never be echoed, the
asterisk and absolute forms of the request target, and garbled chunk
sizes.  Every answer is a well-formed status line; every error carries a
problem+json body; the server stays up."""
import json
import re
import socket
import unittest

from harness import ServerTest

STATUS_LINE = re.compile(rb'^HTTP/1\.[01] [1-5][0-9][0-9] [A-Za-z][A-Za-z \-]*$')


def read_responses(sock, count, timeout=10):
    """Reads `count` responses (Content-Length or chunked bodies) from sock;
    returns [(status_line, headers dict lower-cased, body)], fewer when the
    server closed the connection first."""
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
        if 'content-length' in headers:
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


def exchange(port, data, count, shut=False):
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    try:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        return read_responses(s, count)
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


if __name__ == '__main__':
    unittest.main()
