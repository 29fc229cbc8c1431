"""Static files come from the web root and nowhere else; civetweb's own
directory listing, CGI and CORS answers are off; every response carries the
security headers."""
import base64
import gzip
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import unittest

from harness import SOURCE, Server, ServerTest


def raw_get(port, target):
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    s.sendall(b'GET ' + target + b' HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')
    out = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    return out


class TestStatic(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.addClassCleanup(cls.server.cleanup)
        root = os.path.join(cls.server.dir, 'web')
        shutil.copytree(os.path.join(SOURCE, 'web'), root,
                        ignore=shutil.ignore_patterns('node_modules'))
        with open(os.path.join(root, 'vendor', 'leaflet', 'package.json'), 'w') as f:
            f.write('{"dependencies": {}}')
        os.makedirs(os.path.join(root, 'sub'))
        with open(os.path.join(root, 'sub', 'page.html'), 'w') as f:
            f.write('<p>sub</p>')
        with open(os.path.join(root, 'run.cgi'), 'w') as f:
            f.write('#!/bin/sh\necho Content-Type: text/plain\necho\necho CGI RAN\n')
        os.chmod(os.path.join(root, 'run.cgi'), 0o755)
        os.makedirs(os.path.join(root, '.git'))
        with open(os.path.join(root, '.git', 'config'), 'w') as f:
            f.write('[core]\n')
        with open(os.path.join(root, '.env'), 'w') as f:
            f.write('SECRET=1\n')
        # a symlink leading out of the web root, and a secret beside it
        with open(os.path.join(cls.server.dir, 'secret.html'), 'w') as f:
            f.write('TOP-SECRET-CONTENT-42')
        os.symlink(os.path.join(cls.server.dir, 'secret.html'), os.path.join(root, 'link.html'))
        # npm's folder may sit in the web root, but only web/vendor/ is served
        os.makedirs(os.path.join(root, 'node_modules', 'pkg'))
        with open(os.path.join(root, 'node_modules', 'pkg', 'index.js'), 'w') as f:
            f.write('NODE-MODULES-CONTENT')
        # a page file with its precompressed sibling, and one whose sibling is stale
        cls.big = ('const x = "geopart";\n' * 400).encode()
        for name in ('big.js', 'stale.js'):
            with open(os.path.join(root, name), 'wb') as f:
                f.write(cls.big)
            with open(os.path.join(root, name + '.gz'), 'wb') as f:
                f.write(gzip.compress(cls.big if name == 'big.js' else b'OLD CONTENT'))
        os.utime(os.path.join(root, 'stale.js.gz'), (1_000_000_000, 1_000_000_000))
        with open(cls.server.config_path, 'a') as f:
            f.write(f'web_root = {root}\n')
        cls.server.start()

    def test_index_is_served_with_csp(self):
        for path in ('/', '/index.html'):
            with self.subTest(path=path):
                r = self.server.get(path)
                self.assertEqual(r.status, 200)
                self.assertIn(b'Mitmachkarte', r.body)
                self.assertEqual(r.header('Content-Type'), 'text/html; charset=utf-8')
                csp = r.header('Content-Security-Policy')
                self.assertIn("default-src 'self'", csp)
                # frame_ancestors' default: this site may frame its own pages
                self.assertIn("frame-ancestors 'self'", csp)
                self.assertEqual(r.header('X-Frame-Options'), 'SAMEORIGIN')
                self.assertIn('https://tile.openstreetmap.org', csp)
                self.assertEqual(r.header('X-Content-Type-Options'), 'nosniff')

    def test_css_has_its_type(self):
        r = self.server.get('/style.css')
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header('Content-Type').startswith('text/css'))
        self.assertIsNone(r.header('Content-Security-Policy'))

    def test_files_are_revalidated_by_one_cache_control(self):
        # Two Cache-Control headers (say max-age=3600 and no-cache) leave
        # each cache to pick; the page must be revalidated after a deployment.
        for path in ('/style.css', '/js/api.js', '/', '/index.html'):
            with self.subTest(path=path):
                r = self.server.get(path)
                self.assertEqual([v for k, v in r.headers if k.lower() == 'cache-control'],
                                 ['no-cache'])
                self.assertIsNotNone(r.header('ETag'))

    def test_hashed_copies_are_kept_for_good_and_pages_link_them(self):
        root = os.path.join(self.server.dir, 'web')
        page = self.server.get('/')
        self.assertEqual(page.status, 200)
        names = re.findall(r'(?:src|href)="((?:js/)?[a-z0-9-]+\.[0-9a-f]{10}\.(?:js|css|svg)|'
                           r'vendor/leaflet/leaflet\.[0-9a-f]{10}\.(?:js|css))"', page.body.decode())
        # Every script and the icon of the start page, by content; its two
        # style sheets come inline (test_first_view.py).
        self.assertEqual(len(names), 9, page.body.decode()[:1500])
        self.assertNotIn(b'rel="stylesheet"', page.body)
        self.assertNotIn(b'"js/citizen.js"', page.body)
        for name in names:
            with self.subTest(name=name):
                r = self.server.get('/' + name)
                self.assertEqual(r.status, 200)
                self.assertEqual([v for k, v in r.headers if k.lower() == 'cache-control'],
                                 ['public, max-age=31536000, immutable'])
                # The name is the content's SHA-256 (its first 10 hex digits).
                self.assertEqual(name.split('.')[-2], hashlib.sha256(r.body).hexdigest()[:10])
                plain = name.replace('.' + name.split('.')[-2], '')
                with open(os.path.join(root, plain), 'rb') as f:
                    source = f.read()
                if not name.startswith('js/'):
                    self.assertEqual(r.body, source)
                else:
                    # A module imports its modules by their hashed names.
                    imports = re.findall(rb"from '\./([a-z0-9-]+\.[0-9a-f]{10}\.js)'", r.body)
                    self.assertEqual(len(imports), len(re.findall(rb"from '\./", source)))
                    for dep in imports:
                        self.assertEqual(self.server.get('/js/' + dep.decode()).status, 200)
        script = next(n for n in names if n.startswith('vendor/leaflet/') and n.endswith('.js'))
        gz = self.server.get('/' + script, headers={'Accept-Encoding': 'gzip'})
        self.assertEqual(gz.header('Content-Encoding'), 'gzip')
        self.assertEqual(self.server.get('/js/api.0123456789.js').status, 404)

    def test_a_page_is_revalidated_and_names_new_content_anew(self):
        root = os.path.join(self.server.dir, 'web')
        first = self.server.get('/planner.html')
        etag = first.header('ETag')
        start = self.server.get('/index.html')
        start_etag = start.header('ETag')
        again = self.server.get('/planner.html', headers={'If-None-Match': etag})
        self.assertEqual((again.status, again.body), (304, b''))
        again = self.server.get('/index.html', headers={'If-None-Match': start_etag})
        self.assertEqual((again.status, again.body), (304, b''))
        old = re.search(rb'href="(style\.[0-9a-f]{10}\.css)"', first.body).group(1).decode()
        with open(os.path.join(root, 'style.css'), 'a') as f:
            f.write('\n/* changed */\n')
        subprocess.run([sys.executable, os.path.join(SOURCE, 'tools', 'web-hash.py'), root], check=True)
        changed = self.server.get('/planner.html', headers={'If-None-Match': etag})
        self.assertEqual(changed.status, 200)
        new = re.search(rb'href="(style\.[0-9a-f]{10}\.css)"', changed.body).group(1).decode()
        self.assertNotEqual(new, old)
        self.assertNotEqual(changed.header('ETag'), etag)
        # The start page carries the sheet inline: new text, new ETag, and
        # the new text's hash in its Content-Security-Policy.
        changed = self.server.get('/index.html', headers={'If-None-Match': start_etag})
        self.assertEqual(changed.status, 200)
        self.assertNotEqual(changed.header('ETag'), start_etag)
        sheet = re.findall(rb'<style>(.*?)</style>', changed.body, re.S)[-1]
        self.assertTrue(sheet.endswith(b'/* changed */\n'))
        digest = base64.b64encode(hashlib.sha256(sheet).digest()).decode()
        self.assertIn(f"'sha256-{digest}'", changed.header('Content-Security-Policy'))
        r = self.server.get('/' + new)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.body.endswith(b'/* changed */\n'))
        self.assertEqual(self.server.get('/' + old).status, 404)

    def test_head_has_no_body(self):
        r = self.server.request('HEAD', '/index.html')
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b'')

    def test_nothing_outside_the_web_root(self):
        targets = [b'/../secret.html', b'/%2e%2e/secret.html', b'/%2E%2E/%2E%2E/etc/passwd',
                   b'/sub/../../secret.html', b'/..%2fsecret.html', b'/sub/..%2f..%2fsecret.html',
                   b'/.git/config', b'/.env', b'/%2egit/config', b'/link.html',
                   b'/geopart.db', b'/../geopart.db', b'/%00index.html', b'/index.html%00.css',
                   b'/sub/', b'/sub', b'/run.cgi', b'/..\\secret.html', b'/sub%5c..%5c..%5csecret.html']
        for t in targets:
            with self.subTest(target=t):
                out = raw_get(self.server.port, t)
                status = int(out.split(b' ', 2)[1])
                self.assertIn(status, (400, 404), out[:200])
                self.assertNotIn(b'TOP-SECRET-CONTENT-42', out)
                self.assertNotIn(b'CGI RAN', out)
                self.assertNotIn(b'[core]', out)
                self.assertNotIn(b'SQLite format', out)
                self.assertNotIn(b'<title>Index of', out)

    def test_node_modules_is_never_served(self):
        for path in ('/node_modules/pkg/index.js', '/sub/../node_modules/pkg/index.js'):
            with self.subTest(path=path):
                r = self.server.get(path)
                self.assertEqual(r.status, 404)
                self.assertNotIn(b'NODE-MODULES-CONTENT', r.body)

    def test_precompressed_sibling_for_gzip_clients(self):
        r = self.server.get('/big.js', headers={'Accept-Encoding': 'gzip, deflate'})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header('Content-Encoding'), 'gzip')
        self.assertEqual(r.header('Vary'), 'Accept-Encoding')
        self.assertTrue(r.header('Content-Type').startswith('text/javascript'))
        self.assertEqual(gzip.decompress(r.body), self.big)
        for ae in (None, 'identity', 'gzip;q=0'):
            with self.subTest(accept_encoding=ae):
                r = self.server.get('/big.js', headers={'Accept-Encoding': ae} if ae else {})
                self.assertIsNone(r.header('Content-Encoding'))
                self.assertEqual(r.body, self.big)
        # the .gz file itself is not a page file
        self.assertEqual(self.server.get('/big.js.gz').status, 404)

    def test_stale_sibling_is_ignored(self):
        r = self.server.get('/stale.js', headers={'Accept-Encoding': 'gzip'})
        self.assertIsNone(r.header('Content-Encoding'))
        self.assertEqual(r.body, self.big)

    def test_api_responses_gzip_when_asked(self):
        plain = self.server.get('/api/districts')
        self.assertIsNone(plain.header('Content-Encoding'))
        self.assertEqual(plain.header('Vary'), 'Accept-Encoding')
        zipped = self.server.get('/api/districts', headers={'Accept-Encoding': 'br, gzip'})
        self.assertEqual(zipped.header('Content-Encoding'), 'gzip')
        self.assertEqual(int(zipped.header('Content-Length')), len(zipped.body))
        self.assertLess(len(zipped.body), len(plain.body) // 2)
        self.assertEqual(gzip.decompress(zipped.body), plain.body)
        # small answers are not worth it
        self.assertIsNone(self.server.get('/healthz', headers={'Accept-Encoding': 'gzip'})
                          .header('Content-Encoding'))

    def test_pages_take_lang_and_nothing_else(self):
        r = self.server.get('/?lang=en')
        self.assertEqual(r.status, 200)
        self.assertIn(b'<html', r.body)
        self.assertEqual(self.server.get('/index.html?lang=de').status, 200)
        r = self.server.get('/index.html?lang=en&debug=1')
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()['field'], 'debug')

    def test_page_folders_only(self):
        # the page's own folders are served, other folders of the web root not
        self.assertEqual(self.server.get('/js/map.js').status, 200)
        self.assertEqual(self.server.get('/vendor/leaflet/leaflet.js').status, 200)
        self.assertEqual(self.server.get('/vendor/leaflet/images/layers.png').status, 200)
        r = self.server.get('/sub/page.html')
        self.assertEqual(r.status, 404)
        self.assertNotIn(b'<p>sub</p>', r.body)

    def test_npm_files_are_never_served(self):
        for path in ('/package.json', '/package-lock.json', '/js/../package.json',
                     '/vendor/leaflet/package.json', '/index.html.gz', '/style.css.gz'):
            with self.subTest(path=path):
                r = self.server.get(path, headers={'Accept-Encoding': 'gzip'})
                self.assertEqual(r.status, 404, r)
                self.assertNotIn(b'"dependencies"', r.body)
                self.assertNotIn(b'"lockfileVersion"', r.body)

    def test_unknown_types_are_not_served(self):
        with open(os.path.join(self.server.dir, 'web', 'notes.md'), 'w') as f:
            f.write('x')
        self.assertEqual(self.server.get('/notes.md').status, 404)

    def test_no_automatic_cors(self):
        r = self.server.request('OPTIONS', '/api/points', headers={
            'Origin': 'https://evil.example', 'Access-Control-Request-Method': 'POST'})
        self.assertIsNone(r.header('Access-Control-Allow-Origin'))
        self.assertIsNone(r.header('Access-Control-Allow-Methods'))
        r = self.server.get('/api/config', headers={'Origin': 'https://evil.example'})
        self.assertIsNone(r.header('Access-Control-Allow-Origin'))
        self.assertIsNone(r.header('Access-Control-Allow-Origin'.lower()))

    def test_options_lists_methods(self):
        r = self.server.request('OPTIONS', '/api/points')
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header('Allow'), 'POST, GET, HEAD, OPTIONS')

    def test_post_to_a_static_path_is_refused(self):
        r = self.server.request('POST', '/index.html', body=b'{}',
                                headers={'Content-Type': 'application/json'})
        self.assertEqual(r.status, 405)
        self.assertTrue(r.header('Content-Type').startswith('application/problem+json'))

    def test_json_has_charset(self):
        for path in ('/api/config', '/api/stats', '/healthz', '/api/points', '/api/nothing'):
            with self.subTest(path=path):
                ct = self.server.get(path).header('Content-Type')
                self.assertIn('charset=utf-8', ct)


class TestMissingWebRoot(ServerTest):
    config = {'web_root': '/nonexistent/geopart-web'}

    def test_api_still_works(self):
        self.assertEqual(self.server.get('/').status, 404)
        self.assertEqual(self.server.get('/healthz').status, 200)


if __name__ == '__main__':
    unittest.main()
