"""The start page comes with the city drawn (src/page/map.c): the
Ortsbezirke's outlines and the public's clusters and single points, as an
SVG in the map's box, so a phone shows the city before any script has
arrived; and with its style sheets inline, admitted by their hashes in the
page's Content-Security-Policy (src/http/static.c, tools/web-hash.py)."""
import base64
import hashlib
import json
import math
import os
import re
import shutil
import time
import unittest

from harness import SOURCE, Server, first_view, staff_token

WEB = os.path.join(SOURCE, 'web')
# Points far apart (kilometres: single points at the first view's zoom) …
# (places of data/…testpunkte: Innenstadt, Mölschbach, Einsiedlerhof) …
ALONE = [(7.768889, 49.444722, 'favourite'),
         (7.810786, 49.377510, 'improvement'),
         (7.671722, 49.434084, 'favourite')]
# … and a group within 30 m of each other in Siegelbach (one cluster there).
GROUP = (7.690969, 49.467517)
HIDDEN = (7.731384, 49.405876)  # Dansenberg
LATER = (7.760636, 49.467408)   # Morlautern
GROUP_KINDS = ['improvement'] * 4 + ['favourite']


def project(lon, lat, zoom):
    """Web Mercator pixels at zoom (256-pixel tiles), as Leaflet counts them."""
    scale = 256 * 2 ** zoom
    s = math.sin(math.radians(lat))
    return ((lon + 180) / 360 * scale,
            (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale)


class TestFirstView(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = Server(config={'web_root': WEB})
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        staff = staff_token(cls.server, 'Moderation', 'planner')
        for lon, lat, kind in ALONE:
            assert cls.server.post_point(lon, lat, kind, 'Einzeln').status == 201
        for i, kind in enumerate(GROUP_KINDS):
            assert cls.server.post_point(GROUP[0] + i * 0.00005, GROUP[1], kind, 'Gruppe').status == 201
        # Not for the public: a hidden point and one waiting for moderation.
        hidden = cls.server.post_point(*HIDDEN, 'favourite', 'Ausgeblendet').json()
        r = cls.server.request('PATCH', f'/api/points/{hidden["id"]}',
                               body={'status': 'hidden'}, headers=staff)
        assert r.status == 200, r
        cls.staff = staff
        cls.page = cls.wait_for(lambda fv: fv and sum(cls.count(c) for c in fv['clusters'])
                                + len(fv['pins']) == len(ALONE) + len(GROUP_KINDS))

    @classmethod
    def wait_for(cls, ok, timeout=15):
        """The start page once its first view satisfies ok (the cluster index
        takes the points in after their commit)."""
        deadline = time.time() + timeout
        while True:
            r = cls.server.get('/')
            assert r.status == 200, r
            if ok(first_view(r.body)) or time.time() > deadline:
                return r
            time.sleep(0.1)

    @staticmethod
    def count(cluster):
        return int(cluster[2])  # exact below 1000

    def test_the_public_points_where_they_are(self):
        fv = first_view(self.page.body)
        self.assertIsNotNone(fv)
        extent = self.server.get('/api/config').json()['extent']
        x0, y0 = project(extent[0], extent[3], fv['zoom'])
        x1, y1 = project(extent[2], extent[1], fv['zoom'])
        # The city's extent fills the picture, at a zoom a phone starts at.
        self.assertEqual(fv['size'], (math.ceil(x1 - x0), math.ceil(y1 - y0)))
        self.assertLessEqual(x1 - x0, 360)
        self.assertLessEqual(y1 - y0, 480)
        self.assertGreater(x1 - x0, 180, 'one zoom closer would not fit')
        # Each lone point as a pin of its kind at its place (to a pixel's tenth).
        want = sorted((round(project(lon, lat, fv['zoom'])[0] - x0, 1),
                       round(project(lon, lat, fv['zoom'])[1] - y0, 1), kind)
                      for lon, lat, kind in ALONE)
        got = sorted((round(x, 1), round(y, 1), kind) for x, y, kind in fv['pins'])
        self.assertEqual(len(got), len(want), fv['pins'])
        for (gx, gy, gk), (wx, wy, wk) in zip(got, want):
            self.assertEqual(gk, wk)
            self.assertAlmostEqual(gx, wx, delta=0.11)
            self.assertAlmostEqual(gy, wy, delta=0.11)
        # The group as one cluster of five near its place, ringed as mostly
        # "needs improvement" (4 of 5), as the map rings it.
        (c,) = fv['clusters']
        gx, gy = project(*GROUP, fv['zoom'])
        self.assertEqual((c[2], c[3]), ('5', 'mostly-improvement'))
        self.assertLess(math.hypot(c[0] - (gx - x0), c[1] - (gy - y0)), 1)
        # Nothing the public does not see: the hidden point is nowhere.
        hx, hy = project(*HIDDEN, fv['zoom'])
        for x, y, _ in fv['pins']:
            self.assertGreater(math.hypot(x - (hx - x0), y - (hy - y0)), 5)

    def test_outlines_of_every_ortsbezirk(self):
        fv = first_view(self.page.body)
        districts = self.server.get('/api/districts?layer=ortsbezirk').json()['features']
        rings = fv['d'].count('M')
        polygons = sum(len(f['geometry']['coordinates']) if f['geometry']['type'] == 'MultiPolygon'
                       else 1 for f in districts)
        self.assertGreaterEqual(rings, polygons)
        self.assertEqual(fv['d'].count('M'), fv['d'].count('z'))
        # Every outline vertex lies in the picture.
        x, y, xs, ys = 0.0, 0.0, [], []
        for cmd, dx, dy in re.findall(r'([Ml])(-?[\d.]+)[ ]?(-?[\d.]+)', fv['d']):
            if cmd == 'M':
                x, y = float(dx), float(dy)
            else:
                x, y = x + float(dx), y + float(dy)
            xs.append(x)
            ys.append(y)
        w, h = fv['size']
        self.assertGreaterEqual(min(xs), -0.5)
        self.assertGreaterEqual(min(ys), -0.5)
        self.assertLessEqual(max(xs), w + 0.5)
        self.assertLessEqual(max(ys), h + 0.5)
        # and spans it: the outlines are the extent.
        self.assertGreater(max(xs) - min(xs), w - 2)
        self.assertGreater(max(ys) - min(ys), h - 2)

    def test_the_picture_is_hidden_from_assistive_technology(self):
        svg = re.search(rb'<svg class="first-view"[^>]*>', self.page.body).group(0)
        self.assertIn(b'aria-hidden="true"', svg)
        self.assertIn(b'focusable="false"', svg)
        # It sits in the map's box, which carries the map's label.
        self.assertRegex(self.page.body, rb'<div id="map"[^>]*><svg class="first-view"')

    def test_style_sheets_inline_and_admitted_by_hash(self):
        r = self.page
        csp = r.header('Content-Security-Policy')
        sheets = re.findall(rb'<style>(.*?)</style>', r.body, re.S)
        self.assertEqual(len(sheets), 2)
        # The browser hashes the text as parsed: line ends must already be LF.
        for sheet in sheets:
            self.assertNotIn(b'\r', sheet)
            digest = base64.b64encode(hashlib.sha256(sheet).digest()).decode()
            self.assertIn(f"'sha256-{digest}'", csp)
        self.assertEqual(len(re.findall(r"'sha256-", csp)), 2)
        # No inline style but these two: no style attributes, no other hash.
        self.assertNotRegex(r.body, rb'\sstyle=')
        self.assertIn("style-src 'self' 'sha256-", csp)
        # The sheets are the site's own, relative urls made absolute.
        with open(os.path.join(WEB, 'style.css'), 'rb') as f:
            self.assertEqual(sheets[1], f.read().replace(b'\r\n', b'\n'))
        self.assertIn(b'url(/vendor/leaflet/images/layers.png)', sheets[0])
        self.assertEqual(self.server.get('/vendor/leaflet/images/layers.png').status, 200)
        self.assertNotIn(b'<!--inline:', r.body)
        self.assertNotIn(b'<!--part:', r.body)

    def test_the_same_page_at_its_other_name_and_with_its_parameters(self):
        for path in ('/index.html', '/?lang=en', '/?point=1', '/?event=1'):
            with self.subTest(path=path):
                r = self.server.get(path)
                self.assertEqual(r.status, 200)
                self.assertEqual(first_view(r.body), first_view(self.page.body))
        r = self.server.get('/?zoom=3')
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()['field'], 'zoom')
        head = self.server.request('HEAD', '/')
        self.assertEqual((head.status, head.body), (200, b''))

    def test_a_new_point_makes_a_new_page(self):
        etag = self.page.header('ETag')
        self.assertEqual(self.server.get('/', headers={'If-None-Match': etag}).status, 304)
        r = self.server.post_point(*LATER, 'favourite', 'Neu')
        self.assertEqual(r.status, 201, r)
        page = self.wait_for(lambda fv: fv and len(fv['pins']) == len(ALONE) + 1)
        self.assertEqual(len(first_view(page.body)['pins']), len(ALONE) + 1)
        self.assertNotEqual(page.header('ETag'), etag)
        self.assertEqual(self.server.get('/', headers={'If-None-Match': etag}).status, 200)
        r = self.server.request('DELETE', f'/api/points/{r.json()["id"]}',
                                headers=staff_token(self.server, 'Admin', 'admin'))
        self.assertIn(r.status, (200, 204), r)


class TestWithoutHelpers(unittest.TestCase):
    """The page must come whatever is missing: here web/.inline."""

    def test_without_inline_sheets_the_page_links_them(self):
        server = Server()
        self.addCleanup(server.cleanup)
        root = os.path.join(server.dir, 'web')
        shutil.copytree(WEB, root, ignore=shutil.ignore_patterns('node_modules', '.inline'))
        with open(server.config_path, 'a') as f:
            f.write(f'web_root = {root}\n')
        server.start()
        r = server.get('/')
        self.assertEqual(r.status, 200)
        links = re.findall(rb'<link rel="stylesheet" href="/((?:vendor/leaflet/leaflet|style)'
                           rb'\.[0-9a-f]{10}\.css)">', r.body)
        self.assertEqual(len(links), 2, r.body[:800])
        for link in links:
            self.assertEqual(server.get('/' + link.decode()).status, 200)
        self.assertNotIn(b'<style>', r.body)
        self.assertNotIn("'sha256-", r.header('Content-Security-Policy'))
        self.assertIsNotNone(first_view(r.body))


if __name__ == '__main__':
    unittest.main()
