"""District outlines per map zoom (/api/districts?zoom=): simplified on the
server, still a coverage.  Checked with GDAL's SQLite dialect (ogrinfo,
SpatiaLite's functions) on what a client receives, and with plain Python
on the vertices: every outline valid, neighbours sharing each boundary
vertex for vertex (no overlap between any two, no new gap in the city),
far fewer vertices and decimals at a low zoom, and the full outlines
without zoom, as before."""
import json
import math
import os
import re
import subprocess
import tempfile
import unittest

from harness import DATA, ServerTest


def ogr_rows(path, sql):
    """Rows of an SQL query (GDAL's SQLite dialect) on a GeoJSON file, as dicts."""
    layer = os.path.splitext(os.path.basename(path))[0]
    out = subprocess.run(['ogrinfo', '-q', '-dialect', 'SQLite', '-sql', sql.format(layer=layer), path],
                         capture_output=True, text=True, check=True).stdout
    rows, row = [], None
    for line in out.splitlines():
        if line.startswith('OGRFeature('):
            row = {}
            rows.append(row)
            continue
        m = re.match(r'\s+(\w+) \((\w+)\) = (.*)$', line)
        if m and row is not None:
            name, kind, value = m.groups()
            row[name] = int(value) if kind == 'Integer' else float(value) if kind == 'Real' else value
    return rows


def rings(feature):
    g = feature['geometry']
    polys = [g['coordinates']] if g['type'] == 'Polygon' else g['coordinates']
    return [ring for poly in polys for ring in poly]


def vertices(fc):
    return sum(len(r) for f in fc['features'] for r in rings(f))


def segments(feature):
    """The feature's ring segments as unordered vertex pairs."""
    out = set()
    for ring in rings(feature):
        for a, b in zip(ring, ring[1:]):
            out.add(frozenset((tuple(a), tuple(b))))
    return out


def seg_length(seg):
    (x1, y1), (x2, y2) = (list(seg) * 2)[:2]
    return math.hypot(x2 - x1, y2 - y1)


def decimals(fc):
    text = json.dumps([f['geometry'] for f in fc['features']])
    return max(len(m) for m in re.findall(r'\.(\d+)', text))


class TestOutlines(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory(prefix='geopart-outlines-')
        cls.addClassCleanup(cls.tmp.cleanup)

    def fetch(self, query, name):
        r = self.server.get('/api/districts?' + query)
        self.assertEqual(r.status, 200, r)
        path = os.path.join(self.tmp.name, name + '.geojson')
        with open(path, 'wb') as f:
            f.write(r.body)
        return r, json.loads(r.body), path

    def test_fewer_vertices_and_decimals_the_lower_the_zoom(self):
        full_r, full, _ = self.fetch('layer=ortsbezirk', 'full')
        z9_r, z9, _ = self.fetch('layer=ortsbezirk&zoom=9', 'z9')
        _, z13, _ = self.fetch('layer=ortsbezirk&zoom=13', 'z13')
        _, z18, _ = self.fetch('layer=ortsbezirk&zoom=18', 'z18')
        with open(os.path.join(DATA, 'kaiserslautern-ortsbezirke.geojson'), encoding='utf-8') as f:
            source = json.load(f)
        # Without zoom: the outlines as imported (the contract before zoom existed).
        self.assertEqual(vertices(full), vertices(source))
        self.assertEqual(decimals(full), 7)
        self.assertLess(vertices(z9), vertices(full) / 10)
        self.assertLess(vertices(z9), vertices(z13))
        self.assertLess(vertices(z13), vertices(z18))
        self.assertLess(vertices(z18), vertices(full))
        self.assertLessEqual(decimals(z9), 4)
        self.assertLessEqual(decimals(z13), 5)
        self.assertLess(len(z9_r.body), len(full_r.body) / 10)
        self.assertEqual({f['geometry']['type'] for f in z9['features']}, {'MultiPolygon'})
        # The same districts with the same names and counts.
        self.assertEqual([(f['id'], f['properties']) for f in z9['features']],
                         [(f['id'], f['properties']) for f in full['features']])

    def check_coverage(self, layer, zoom):
        _, full, full_path = self.fetch(f'layer={layer}', f'{layer}_full')
        _, fc, path = self.fetch(f'layer={layer}&zoom={zoom}', f'{layer}_{zoom}')
        self.assertEqual(len(fc['features']), len(full['features']))
        valid = ogr_rows(path, 'SELECT id, ST_IsValid(geometry) AS valid, '
                               "GeometryType(geometry) AS type FROM {layer}")
        self.assertEqual(len(valid), len(fc['features']))
        for row in valid:
            self.assertEqual(row['valid'], 1, row)
        pairs = ogr_rows(path, 'SELECT a.id AS a, b.id AS b, '
                               'ST_Area(ST_Intersection(a.geometry, b.geometry)) AS overlap, '
                               'ST_Length(ST_Intersection(ST_Boundary(a.geometry), '
                               'ST_Boundary(b.geometry))) AS shared '
                               'FROM {layer} a, {layer} b WHERE a.id < b.id '
                               'AND ST_Intersects(a.geometry, b.geometry)')
        by_id = {f['id']: f for f in fc['features']}
        neighbours = 0
        for p in pairs:
            # No two districts overlap (0.0001 m² at most, rounding).
            self.assertLess(p['overlap'], 1e-14, p)
            # Where two meet along a line, they share the same vertices:
            # the common segments add up to all of their common boundary.
            common = segments(by_id[p['a']]) & segments(by_id[p['b']])
            length = sum(seg_length(s) for s in common)
            self.assertAlmostEqual(length, p['shared'], delta=1e-9, msg=p)
            if length > 0:
                neighbours += 1
        self.assertGreaterEqual(neighbours, len(fc['features']) - 1)
        # No new gap: the city's outline has no more holes than the full
        # outlines give it, and about the same area.
        union = 'SELECT NumInteriorRings(ST_GeometryN(u, 1)) AS holes, ST_NumGeometries(u) AS parts, ' \
                'ST_Area(u) AS area FROM (SELECT ST_Union(geometry) AS u FROM {layer})'
        simple, = ogr_rows(path, union)
        whole, = ogr_rows(full_path, union)
        self.assertEqual(simple['parts'], 1)
        self.assertLessEqual(simple['holes'], whole['holes'])
        self.assertAlmostEqual(simple['area'], whole['area'], delta=whole['area'] * 0.01)
        return neighbours

    def test_ortsbezirke_stay_a_coverage_at_every_zoom_the_page_uses(self):
        for zoom in (9, 11, 13, 16):
            with self.subTest(zoom=zoom):
                self.check_coverage('ortsbezirk', zoom)

    def test_stadtteile_stay_a_coverage(self):
        self.check_coverage('stadtteil', 10)

    def test_one_district_at_a_zoom(self):
        r = self.server.get('/api/districts/ob-0?zoom=9')
        self.assertEqual(r.status, 200, r)
        _, all9, _ = self.fetch('layer=ortsbezirk&zoom=9', 'one')
        self.assertEqual(r.json()['geometry'], all9['features'][0]['geometry'])

    def test_a_zoom_in_another_crs(self):
        r = self.server.get('/api/districts?layer=ortsbezirk&zoom=9&crs=EPSG:25832')
        self.assertEqual(r.status, 200, r)
        ring = rings(r.json()['features'][0])[0]
        # Metres in UTM 32N, Kaiserslautern's easting and northing.
        self.assertTrue(400000 < ring[0][0] < 420000 and 5460000 < ring[0][1] < 5490000, ring[0])

    def test_bad_zooms_are_refused_naming_zoom(self):
        for value in ('-1', '23', 'x', '1.5', ''):
            with self.subTest(zoom=value):
                self.assertProblem(self.server.get('/api/districts?zoom=' + value), 400, field='zoom')
                self.assertProblem(self.server.get('/api/districts/ob-0?zoom=' + value), 400,
                                   field='zoom')


if __name__ == '__main__':
    unittest.main()
