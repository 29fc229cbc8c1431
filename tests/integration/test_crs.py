"""Coordinates survive the trip CRS84 → store (EPSG:25832) → any output CRS,
agreeing with PROJ's own cs2cs within 1 mm; input in another CRS lands on the
same spot; axis order follows each CRS's authority (EPSG:4326 lat/lon)."""
import math
import subprocess
import unittest

from harness import ServerTest, load_fixture


def cs2cs(src, dst, coords):
    """Transforms [(a, b)] with PROJ's command line tool, authority axis order.

    Like geopart, it goes through the storage CRS (EPSG:25832): PROJ picks
    the operation per pair of CRSs, and ETRS89 → DHDN (BETA2007 grid) is not
    the operation it picks for WGS 84 → DHDN, which differs by some 20 cm.
    """
    if src == 'OGC:CRS84' and dst not in ('EPSG:25832', 'OGC:CRS84'):
        return cs2cs_direct('EPSG:25832', dst, cs2cs_direct(src, 'EPSG:25832', coords))
    if dst == 'OGC:CRS84' and src not in ('EPSG:25832', 'OGC:CRS84'):
        return cs2cs_direct('EPSG:25832', dst, cs2cs_direct(src, 'EPSG:25832', coords))
    return cs2cs_direct(src, dst, coords)


def cs2cs_direct(src, dst, coords):
    text = ''.join(f'{a:.12f} {b:.12f}\n' for a, b in coords)
    out = subprocess.run(['cs2cs', '-f', '%.9f', src, dst], input=text.encode(),
                         capture_output=True, check=True).stdout.decode()
    return [tuple(float(v) for v in line.split()[:2]) for line in out.strip().split('\n')]


class TestCrs(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pts = [f for f in load_fixture('kaiserslautern-testpunkte.geojson')['features']
               if f['properties']['expected_in_city']]
        cls.lonlat = [tuple(f['geometry']['coordinates']) for f in pts]
        cls.ids = []
        for lon, lat in cls.lonlat:
            r = cls.server.post_point(lon, lat)
            assert r.status == 201, r
            cls.ids.append(r.json()['id'])

    def fetch(self, crs):
        r = self.server.get(f'/api/points?limit=100&crs={crs}')
        self.assertEqual(r.status, 200, r)
        return r, {f['id']: f['geometry']['coordinates'] for f in r.json()['features']}

    def check_against_cs2cs(self, crs, tolerance_m):
        r, got = self.fetch(crs)
        want = cs2cs('OGC:CRS84', crs, self.lonlat)
        for pid, w in zip(self.ids, want):
            g = got[pid]
            if crs == 'EPSG:4326':
                # degrees: compare as metres on the ground
                d = math.hypot((g[0] - w[0]) * 111320, (g[1] - w[1]) * 111320 * math.cos(math.radians(g[0])))
            else:
                d = math.hypot(g[0] - w[0], g[1] - w[1])
            self.assertLess(d, tolerance_m, f'{crs} point {pid}: {g} vs cs2cs {w}')
        return r

    def test_utm32_agrees_with_cs2cs_within_a_millimetre(self):
        r = self.check_against_cs2cs('EPSG:25832', 0.001)
        fc = r.json()
        self.assertEqual(fc['crs']['properties']['name'],
                         'http://www.opengis.net/def/crs/EPSG/0/25832')
        self.assertEqual(r.header('Content-Crs'), '<http://www.opengis.net/def/crs/EPSG/0/25832>')

    def test_epsg4326_is_lat_lon(self):
        self.check_against_cs2cs('EPSG:4326', 0.001)
        _, got = self.fetch('EPSG:4326')
        lat, lon = got[self.ids[0]]
        self.assertAlmostEqual(lon, self.lonlat[0][0], places=8)
        self.assertAlmostEqual(lat, self.lonlat[0][1], places=8)

    def test_web_mercator_and_gauss_krueger(self):
        self.check_against_cs2cs('EPSG:3857', 0.001)
        self.check_against_cs2cs('EPSG:31467', 0.001)

    def test_crs84_output_is_the_input(self):
        _, got = self.fetch('CRS84')
        for pid, (lon, lat) in zip(self.ids, self.lonlat):
            self.assertEqual(got[pid], [lon, lat])
        r = self.server.get('/api/points?limit=1')
        self.assertNotIn('crs', r.json())

    def test_input_in_other_crs_lands_on_the_same_spot(self):
        lon, lat = self.lonlat[0]
        for crs in ('EPSG:25832', 'EPSG:3857', 'EPSG:31467', 'EPSG:4326',
                    'http://www.opengis.net/def/crs/EPSG/0/25832'):
            with self.subTest(crs=crs):
                code = crs.rsplit('/', 1)[-1] if crs.startswith('http') else crs
                code = code if code.startswith('EPSG') else 'EPSG:' + code
                (a, b), = cs2cs('OGC:CRS84', code, [(lon, lat)])
                r = self.server.post_point(a, b, query='?crs=' + crs)
                self.assertEqual(r.status, 201, r)
                # the answer is in the CRS it was asked in
                ga, gb = r.json()['geometry']['coordinates']
                self.assertLess(math.hypot(ga - a, gb - b), 0.001 if 'EPSG:4326' != code else 1e-8)
                back = self.server.get(r.header('Location')).json()['geometry']['coordinates']
                d = math.hypot((back[0] - lon) * 72400, (back[1] - lat) * 111320)
                self.assertLess(d, 0.001, f'{crs}: {back} vs {lon},{lat}')
                self.assertEqual(r.json()['properties']['ortsbezirk_id'], 'ob-0')

    def test_lat_lon_swapped_is_refused_or_outside(self):
        lon, lat = self.lonlat[0]
        # lon/lat given where EPSG:4326 expects lat/lon lands far outside the city
        r = self.server.post_point(lon, lat, query='?crs=EPSG:4326')
        self.assertEqual(r.status, 422, r)

    def test_districts_in_utm(self):
        fc = self.server.get('/api/districts/ob-0?crs=EPSG:25832').json()
        x, y = fc['geometry']['coordinates'][0][0][0]
        self.assertTrue(395000 < x < 425000 and 5465000 < y < 5490000, (x, y))


if __name__ == '__main__':
    unittest.main()
