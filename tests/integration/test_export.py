"""Exports over HTTP (GET /api/export) and the command line in every format
and CRS: streamed, complete, only published points, openable by GDAL with
the right SRS, coordinates east/north first in every CRS, and the Excel CSV
dialect."""
import csv
import io
import json
import math
import os
import sqlite3
import subprocess
import unittest

import shutil
import tempfile

from harness import BIN, Server, ServerTest
from test_crs import cs2cs
from test_ogc_gdal import populate


def ogrinfo(*args):
    r = subprocess.run(['ogrinfo', '-ro'] + list(args), capture_output=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f'ogrinfo {args}: {r.stderr.decode()}')
    return r.stdout.decode()


class TestExport(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = [p['id'] for p in populate(cls.server, n_extra=10)]
        # one point that is not published must never leave through a public export
        con = sqlite3.connect(cls.server.db)
        con.execute('UPDATE points SET status = ? WHERE id = ?', ('hidden', cls.ids[-1]))
        con.commit()
        con.close()
        cls.public = cls.ids[:-1]
        fc = cls.server.get('/api/points?limit=1000').json()
        cls.lonlat = {f['id']: f['geometry']['coordinates'] for f in fc['features']}

    def download(self, query, name):
        r = self.server.get('/api/export?' + query)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header('Transfer-Encoding'), 'chunked')
        self.assertIn('attachment', r.header('Content-Disposition'))
        path = os.path.join(self.server.dir, name)
        with open(path, 'wb') as f:
            f.write(r.body)
        return r, path

    def test_geojson_in_crs84_and_utm(self):
        r, path = self.download('format=geojson', 'a.geojson')
        self.assertTrue(r.header('Content-Type').startswith('application/geo+json'))
        fc = json.loads(r.body)
        self.assertNotIn('crs', fc)
        self.assertEqual(sorted(f['id'] for f in fc['features']), sorted(self.public))
        self.assertIn(f'Feature Count: {len(self.public)}', ogrinfo('-so', '-al', path))
        r, path = self.download('format=geojson&crs=EPSG:25832', 'utm.geojson')
        fc = json.loads(r.body)
        self.assertEqual(fc['crs']['properties']['name'], 'http://www.opengis.net/def/crs/EPSG/0/25832')
        self.assertIn('ETRS89 / UTM zone 32N', ogrinfo('-so', '-al', path))
        got = {f['id']: f['geometry']['coordinates'] for f in fc['features']}
        want = cs2cs('OGC:CRS84', 'EPSG:25832', [self.lonlat[i] for i in self.public])
        for pid, (wx, wy) in zip(self.public, want):
            self.assertLess(math.hypot(got[pid][0] - wx, got[pid][1] - wy), 0.001)

    def test_files_keep_east_north_order_in_epsg4326(self):
        fc = json.loads(self.download('format=geojson&crs=EPSG:4326', 'll.geojson')[0].body)
        for f in fc['features']:
            self.assertEqual(f['geometry']['coordinates'], self.lonlat[f['id']])

    def test_csv_and_excel_dialect(self):
        r, path = self.download('format=csv&crs=EPSG:25832', 'a.csv')
        self.assertTrue(r.header('Content-Type').startswith('text/csv; charset=utf-8'))
        rows = list(csv.DictReader(io.StringIO(r.body.decode('utf-8'), newline='')))
        self.assertEqual(sorted(int(x['id']) for x in rows), sorted(self.public))
        self.assertEqual(list(rows[0])[:3], ['id', 'category', 'comment'])
        self.assertTrue(rows[0]['wkt'].startswith('POINT (4'))
        self.assertIn(f'Feature Count: {len(self.public)}', ogrinfo('-so', '-al', path))
        r, _ = self.download('format=csv&excel=true', 'excel.csv')
        self.assertTrue(r.body.startswith(b'\xef\xbb\xbf'))
        rows = list(csv.DictReader(io.StringIO(r.body[3:].decode('utf-8'), newline=''), delimiter=';'))
        self.assertEqual(len(rows), len(self.public))
        self.assertIn(',', rows[0]['lon'])

    def test_geopackage_opens_with_its_srs_and_index(self):
        for crs, srs in (('EPSG:25832', 'ETRS89 / UTM zone 32N'), ('CRS84', 'WGS 84'),
                         ('EPSG:31467', 'DHDN / 3-degree Gauss-Kruger zone 3')):
            with self.subTest(crs=crs):
                r, path = self.download(f'format=gpkg&crs={crs}', f'p-{crs[-5:]}.gpkg')
                self.assertEqual(r.header('Content-Type'), 'application/geopackage+sqlite3')
                info = ogrinfo('-so', path, 'points')
                self.assertIn("using driver `GPKG'", info)
                self.assertIn(srs, info)
                self.assertIn(f'Feature Count: {len(self.public)}', info)
                idx = ogrinfo(path, '-sql', "SELECT HasSpatialIndex('points', 'geom')")
                self.assertIn('HasSpatialIndex (Integer) = 1', idx)
        # feature ids are the point ids; x is east in every SRS
        con = sqlite3.connect(os.path.join(self.server.dir, 'p-CRS84.gpkg'))
        rows = con.execute('SELECT fid, lon, lat FROM points ORDER BY fid').fetchall()
        con.close()
        self.assertEqual([r[0] for r in rows], sorted(self.public))
        out = ogrinfo(os.path.join(self.server.dir, 'p-CRS84.gpkg'), '-fid', str(self.public[0]), 'points')
        lon, lat = self.lonlat[self.public[0]]
        self.assertIn(f'POINT ({lon} {lat})', out)

    def test_cli_writes_a_geopackage(self):
        path = os.path.join(self.server.dir, 'cli.gpkg')
        r = self.server.geopart('export', '--format', 'gpkg', '--crs', 'EPSG:25832', '--output', path)
        self.assertIn(f'exported {len(self.public)} points'.encode(), r.stderr)
        self.assertIn('ETRS89 / UTM zone 32N', ogrinfo('-so', path, 'points'))
        # again over an existing file: replaced, not appended to
        self.server.geopart('export', '--format', 'gpkg', '--crs', 'CRS84', '--output', path)
        info = ogrinfo('-so', path, 'points')
        self.assertIn('WGS 84', info)
        self.assertIn(f'Feature Count: {len(self.public)}', info)
        # to standard output
        out = self.server.geopart('export', '--format', 'gpkg').stdout
        self.assertTrue(out.startswith(b'SQLite format 3\x00'))

    def test_refusals(self):
        self.assertProblem(self.server.get('/api/export'), 400, field='format')
        self.assertProblem(self.server.get('/api/export?format=xlsx'), 400, field='format')
        self.assertProblem(self.server.get('/api/export?format=csv&crs=EPSG:1'), 400, field='crs')
        self.assertProblem(self.server.get('/api/export?format=geojson&excel=true'), 400, field='excel')
        self.assertProblem(self.server.get('/api/export?format=csv&excel=yes'), 400, field='excel')
        r = self.server.get('/api/export?format=csv&status=hidden')
        self.assertProblem(r, 401, field='Authorization')
        self.assertIn('Bearer', r.header('WWW-Authenticate'))

    def test_planners_export_every_status(self):
        s = self.server
        secret = s.geopart('token', 'create', '--name', 'export', '--role', 'planner').stdout
        staff = {'Authorization': 'Bearer ' + secret.decode().strip()}
        hidden = s.post_point(7.768889, 49.444722, comment='später versteckt').json()['id']
        s.request('PATCH', f'/api/points/{hidden}', body={'status': 'hidden'}, headers=staff)
        public = s.get('/api/export?format=geojson').json()
        self.assertNotIn(hidden, [f['id'] for f in public['features']])
        r = s.get('/api/export?format=geojson&status=all', headers=staff)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header('Cache-Control'), 'no-store')
        everything = {f['id']: f['properties'] for f in r.json()['features']}
        self.assertEqual(everything[hidden]['status'], 'hidden')
        self.assertIn('note', everything[hidden])
        r = s.get('/api/export?format=csv&status=hidden', headers=staff)
        rows = r.body.decode().splitlines()
        self.assertTrue(rows[0].endswith(',note,flags,wkt'), rows[0])
        self.assertIn(hidden, [int(row.split(',', 1)[0]) for row in rows[1:]])
        self.assertTrue(all(',hidden,' in row for row in rows[1:]))
        self.assertProblem(s.get('/api/export?format=csv&status=lost', headers=staff), 400,
                           field='status')


class TestExportSpill(unittest.TestCase):
    """A GeoPackage is written to a file before it is sent: when that file
    cannot be made (its directory missing or a file) or written (a full
    disk, from the storage-fault shim, src/store/faults.c), the export is
    503 storage-unavailable with Retry-After and words saying so, nothing
    is left in the directory, and it works again once the directory does.
    The CLI says the same and leaves neither a partial file nor a changed
    --output."""

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory(prefix='geopart-spill-')
        cls.addClassCleanup(cls.work.cleanup)
        cls.spill = os.path.join(cls.work.name, 'spill')
        cls.trigger = os.path.join(cls.work.name, 'disk-fault')
        cls.env = {'TMPDIR': cls.spill, 'GEOPART_TEST_FAULTS': cls.trigger}
        cls.server = Server(env=cls.env)
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.ids = [cls.server.post_point(7.768889 + i * 0.001, 49.444722, comment=f'spill {i}')
                   .json()['id'] for i in range(3)]

    def setUp(self):
        # each test starts from a working directory and a healthy disk
        if os.path.isfile(self.spill):
            os.unlink(self.spill)
        os.makedirs(self.spill, exist_ok=True)
        if os.path.exists(self.trigger):
            os.unlink(self.trigger)

    def disk_full(self, where):
        with open(self.trigger, 'w') as f:
            f.write(f'full {where}/\n')

    def assertStorageProblem(self, r):
        self.assertEqual(r.status, 503, r)
        self.assertTrue(r.header('Content-Type').startswith('application/problem+json'), r)
        p = r.json()
        self.assertEqual(p['type'], 'urn:geopart:problem:storage-unavailable')
        self.assertIn('GeoPackage cannot be written', p['detail'])
        self.assertNotIn(self.work.name, p['detail'])  # no server path to the client
        self.assertGreaterEqual(int(r.header('Retry-After')), 1)

    def cli(self, *args, env=None):
        s = self.server
        return subprocess.run([BIN, 'export', '--format', 'gpkg', '--db', s.db, '--config',
                               s.config_path] + list(args), capture_output=True, timeout=300,
                              env=dict(os.environ, **(env or self.env)))

    def test_a_missing_directory_or_a_file_in_its_place(self):
        shutil.rmtree(self.spill)
        self.assertStorageProblem(self.server.get('/api/export?format=gpkg'))
        with open(self.spill, 'w') as f:
            f.write('not a directory')
        self.assertStorageProblem(self.server.get('/api/export?format=gpkg'))
        r = self.cli()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b'GeoPackage cannot be written', r.stderr)
        self.assertEqual(r.stdout, b'')
        # GeoJSON and CSV need no file
        self.assertEqual(self.server.get('/api/export?format=csv').status, 200)

    def test_a_full_disk_leaves_nothing_behind(self):
        self.disk_full(self.spill)
        self.assertStorageProblem(self.server.get('/api/export?format=gpkg'))
        self.assertEqual(os.listdir(self.spill), [])
        self.assertIn('geopackage: database or disk is full', self.server.read_log())
        # the disk heals: the same request works, and still leaves nothing
        os.unlink(self.trigger)
        r = self.server.get('/api/export?format=gpkg')
        self.assertEqual(r.status, 200, r)
        path = os.path.join(self.work.name, 'healed.gpkg')
        with open(path, 'wb') as f:
            f.write(r.body)
        self.assertIn(f'Feature Count: {len(self.ids)}', ogrinfo('-so', path, 'points'))
        self.assertEqual(os.listdir(self.spill), [])

    def test_the_cli_keeps_the_old_file_and_leaves_no_partial_one(self):
        out_dir = os.path.join(self.work.name, 'out')
        os.makedirs(out_dir, exist_ok=True)
        path = os.path.join(out_dir, 'points.gpkg')
        r = self.cli('--output', path)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(path, 'rb') as f:
            before = f.read()
        self.disk_full(out_dir)
        r = self.cli('--output', path, '--crs', 'CRS84')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b'GeoPackage cannot be written', r.stderr)
        self.assertEqual(os.listdir(out_dir), ['points.gpkg'])
        with open(path, 'rb') as f:
            self.assertEqual(f.read(), before)
        os.unlink(self.trigger)
        # a GeoPackage replaces a regular file only, never a folder (or a device)
        r = self.cli('--output', out_dir)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b'regular file', r.stderr)
        self.assertEqual(os.listdir(out_dir), ['points.gpkg'])
        r = self.cli('--output', path, '--crs', 'CRS84')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('WGS 84', ogrinfo('-so', path, 'points'))
        self.assertEqual(os.listdir(out_dir), ['points.gpkg'])


if __name__ == '__main__':
    unittest.main()
