"""The command line: help on every verb, database creation (fast, with the
bundled districts, readable by GDAL as SpatiaLite), exports, the integrity
check, and configuration from file, environment and flags."""
import csv
import io
import json
import os
import sqlite3
import subprocess
import tempfile
import time
import unittest

from harness import BIN, DATA, SANITIZED, SOURCE, ServerTest, sanitizer_report


def run(*args, env=None, cwd=None, input=None):
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run([BIN] + list(args), capture_output=True, env=e, cwd=cwd, input=input,
                       timeout=120)
    report = SANITIZED and sanitizer_report(r.stderr)
    if report:
        raise AssertionError(f'geopart {args[0]} exited {r.returncode} with a sanitizer report:\n{report}')
    return r


class TestVerbs(unittest.TestCase):

    def test_help_on_every_verb(self):
        for verb in ('serve', 'init', 'import-districts', 'export', 'check', 'config'):
            with self.subTest(verb=verb):
                r = run(verb, '--help')
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn(f'usage: geopart {verb}'.encode(), r.stdout)
        r = run('--help')
        self.assertEqual(r.returncode, 0)
        for verb in (b'serve', b'init', b'import-districts', b'export', b'check'):
            self.assertIn(verb, r.stdout)

    def test_usage_errors_exit_2(self):
        for args in (('frobnicate',), (), ('export',), ('export', '--format', 'xlsx'),
                     ('serve', '--bogus'), ('init', 'extra'), ('export', '--format', 'csv', '--crs', 'EPSG:1')):
            with self.subTest(args=args):
                r = run(*args)
                self.assertEqual(r.returncode, 2, r)
                self.assertTrue(r.stderr, 'no explanation on stderr')

    def test_init_is_small_and_readable_by_gdal(self):
        # How fast creation is is measured by tools/bench/init.sh, not here;
        # what keeps it fast is checked: only the SRIDs geopart uses.
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'fresh.db')
            r = run('init', '--db', db)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(b'created', r.stdout)
            con = sqlite3.connect(db)
            srids = [row[0] for row in con.execute('SELECT srid FROM spatial_ref_sys ORDER BY srid')]
            self.assertEqual(srids, [3857, 4326, 25832, 31467])
            self.assertEqual(con.execute('SELECT count(*) FROM districts').fetchone()[0], 28)
            self.assertEqual(con.execute('PRAGMA journal_mode').fetchone()[0], 'wal')
            con.close()
            info = subprocess.run(['ogrinfo', '-ro', '-so', db, 'points'], capture_output=True)
            self.assertEqual(info.returncode, 0, info.stderr)
            self.assertIn(b"using driver `SQLite'", info.stdout)
            self.assertIn(b'Geometry: Point', info.stdout)
            self.assertIn(b'ETRS89 / UTM zone 32N', info.stdout)
            self.assertIn(b'ID["EPSG",25832]', info.stdout)
            debug = subprocess.run(['ogrinfo', '-ro', '--debug', 'on', db], capture_output=True)
            self.assertIn(b'SpatiaLite', debug.stderr)
            districts = subprocess.run(['ogrinfo', '-ro', '-so', db, 'districts'], capture_output=True)
            self.assertIn(b'Feature Count: 28', districts.stdout)
            self.assertIn(b'Multi Polygon', districts.stdout)
            r = run('init', '--db', db)
            self.assertIn(b'is ready', r.stdout)

    def test_missing_database_is_reported(self):
        r = run('check', '--db', '/nonexistent/dir/x.db')
        self.assertEqual(r.returncode, 1)
        self.assertIn(b'no database', r.stderr)

    def test_config_example_is_current(self):
        r = run('config')
        self.assertEqual(r.returncode, 0)
        with open(os.path.join(DATA, 'geopart.conf.example'), 'rb') as f:
            self.assertEqual(r.stdout, f.read(),
                             'data/geopart.conf.example is stale: regenerate with `geopart config`')

    def test_bad_config_names_file_and_line(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, 'bad.conf')
            with open(cfg, 'w') as f:
                f.write('# comment\nthreads = 8\nthreads = lots\n')
            r = run('serve', '--config', cfg, '--db', os.path.join(d, 'x.db'))
            self.assertEqual(r.returncode, 1)
            self.assertIn(f'{cfg}:3'.encode(), r.stderr)
            self.assertIn(b'threads', r.stderr)
            with open(cfg, 'w') as f:
                f.write('colour = blue\n')
            r = run('init', '--config', cfg, '--db', os.path.join(d, 'x.db'))
            self.assertIn(b'unknown setting', r.stderr)
            r = run('init', '--db', os.path.join(d, 'x.db'), env={'GEOPART_THREADS': 'many'})
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(b'environment', r.stderr)


class TestConfigPrecedence(unittest.TestCase):

    def test_flag_beats_environment_beats_file(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, 'g.conf')
            with open(cfg, 'w') as f:
                f.write(f'db = {d}/from-file.db\nlisten = 127.0.0.1:1\n')
            env = {'GEOPART_DB': f'{d}/from-env.db'}
            r = run('init', '--config', cfg, env=env)
            self.assertIn(b'from-env.db', r.stdout)
            r = run('init', '--config', cfg, '--db', f'{d}/from-flag.db', env=env)
            self.assertIn(b'from-flag.db', r.stdout)
            r = run('init', env={'GEOPART_CONFIG': cfg})
            self.assertIn(b'from-file.db', r.stdout)


class TestExportAndCheck(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        comments = ['Schöner Platz', 'Zu viel Verkehr, "gefährlich"', '=HYPERLINK("x")',
                    'Mehrere\nZeilen']
        for i, c in enumerate(comments):
            r = cls.server.post_point(7.768889 + i * 0.001, 49.444722, comment=c,
                                      category='improvement' if i % 2 else 'favourite',
                                      topic='mobility' if i == 1 else None)
            assert r.status == 201, r
        cls.comments = comments

    def test_geojson_export(self):
        r = self.server.geopart('export', '--format', 'geojson')
        fc = json.loads(r.stdout)
        self.assertEqual(len(fc['features']), 4)
        self.assertNotIn('crs', fc)
        self.assertEqual([f['properties']['comment'] for f in fc['features']], self.comments)
        self.assertEqual(fc['features'][0]['geometry']['coordinates'], [7.768889, 49.444722])
        self.assertIn(b'exported 4 points', r.stderr)
        r = self.server.geopart('export', '--format', 'geojson', '--crs', 'EPSG:25832')
        fc = json.loads(r.stdout)
        self.assertEqual(fc['crs']['properties']['name'], 'http://www.opengis.net/def/crs/EPSG/0/25832')
        x, y = fc['features'][0]['geometry']['coordinates']
        self.assertTrue(400000 < x < 420000 and 5470000 < y < 5490000)

    def test_csv_export(self):
        out = os.path.join(self.server.dir, 'points.csv')
        self.server.geopart('export', '--format', 'csv', '--crs', 'EPSG:25832', '--output', out)
        with open(out, encoding='utf-8', newline='') as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 4)
        self.assertEqual([r['comment'] for r in rows], self.comments)
        self.assertEqual(rows[0]['ortsbezirk_name'], 'Innenstadt')
        self.assertEqual(rows[1]['topic'], 'mobility')
        # the field set: id as a column, x/y in a projected CRS (lon/lat in a geographic one)
        self.assertEqual([int(r['id']) for r in rows], sorted(int(r['id']) for r in rows))
        self.assertNotIn('lon', rows[0])
        self.assertTrue(rows[0]['wkt'].startswith('POINT (4'))
        self.assertAlmostEqual(float(rows[0]['x']), float(rows[0]['wkt'][7:].split()[0]), places=3)
        # GDAL reads it too
        info = subprocess.run(['ogrinfo', '-ro', '-al', '-so', out], capture_output=True)
        self.assertIn(b'Feature Count: 4', info.stdout)

    def test_excel_csv(self):
        r = self.server.geopart('export', '--format', 'csv', '--excel')
        self.assertTrue(r.stdout.startswith(b'\xef\xbb\xbf'))
        text = r.stdout[3:].decode('utf-8')
        rows = list(csv.DictReader(io.StringIO(text, newline=''), delimiter=';'))
        self.assertEqual(rows[2]['comment'], "'" + self.comments[2])  # formula defused
        self.assertIn(',', rows[0]['lon'])  # decimal comma

    def test_check_finds_a_wrong_assignment(self):
        self.assertIn(b'ok:', self.server.geopart('check').stdout)
        con = sqlite3.connect(self.server.db)
        con.execute("UPDATE points SET ortsbezirk_id = 'ob-5' WHERE id = (SELECT min(id) FROM points)")
        con.commit()
        con.close()
        r = self.server.geopart('check', check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b'is assigned to ob-5', r.stdout)
        con = sqlite3.connect(self.server.db)
        con.execute("UPDATE points SET ortsbezirk_id = 'ob-0' WHERE id = (SELECT min(id) FROM points)")
        con.commit()
        con.close()
        self.assertEqual(self.server.geopart('check').returncode, 0)


if __name__ == '__main__':
    unittest.main()
