"""GIS staff's view of the points, checked with GDAL as they use it: one
field set (src/read/fields.c) in every GeoJSON answer and file, in the CSV,
the GeoPackage and the database's points_gis view; the point id as an
attribute that survives ogr2ogr's renumbering; 64-bit integers and real
date-times where OGR reads the database file."""
import csv
import datetime
import io
import os
import re
import subprocess
import unittest
import zoneinfo

from harness import ServerTest, load_fixture
from test_ogc_gdal import populate


def run(*cmd):
    r = subprocess.run(list(cmd), capture_output=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f'{cmd} exited {r.returncode}: {r.stderr.decode()}')
    return r.stdout.decode(), r.stderr.decode()


def ogr_fields(path, layer):
    """{name: OGR type} of a layer, as ogrinfo reports them."""
    out, _ = run('ogrinfo', '-ro', '-so', path, layer)
    return dict(re.findall(r'^(\w+): (\w+) \(', out, re.M))


def ogr_rows(path, layer, *args):
    """The attributes of every feature, through OGR (as CSV)."""
    out, err = run('ogr2ogr', '-f', 'CSV', '/vsistdout/', path, layer, *args)
    return list(csv.DictReader(io.StringIO(out))), err


# The public field set in a geographic CRS, in its order (fields.c).
PUBLIC = ['id', 'category', 'comment', 'topic', 'status', 'created', 'updated', 'supporters',
          'ortsbezirk_id', 'ortsbezirk_name', 'stadtteil_id', 'stadtteil_name', 'channel',
          'event', 'reply', 'reply_at', 'outcome']
STAFF = ['note', 'flags']


class TestGis(ServerTest):
    config = {'data_licence': 'dl-de/by-2-0'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = [p['id'] for p in populate(cls.server, n_extra=6)]
        s = cls.server
        secret = s.geopart('token', 'create', '--name', 'gis', '--role', 'planner').stdout
        cls.staff = {'Authorization': 'Bearer ' + secret.decode().strip()}
        # a staff point from a walk with a note, and a flagged one
        r = s.post_point(7.768889, 49.444722, comment='Begehung', headers=cls.staff,
                         extra={'channel': 'walk', 'note': 'Notiz'})
        assert r.status == 201, r
        cls.walk = r.json()['id']
        assert s.request('POST', f'/api/points/{cls.ids[0]}/flag', body={'reason': 'spam'}).status == 202
        cls.features = {f['id']: f for f in s.get('/api/points?limit=10000').json()['features']}

    def download(self, query, name, headers=None):
        r = self.server.get('/api/export?' + query, headers=headers or {})
        self.assertEqual(r.status, 200, r)
        path = os.path.join(self.server.dir, name)
        with open(path, 'wb') as f:
            f.write(r.body)
        return path

    # ---- the id as an attribute ------------------------------------------------

    def test_every_geojson_answer_carries_the_id_as_a_property(self):
        pid = self.ids[2]
        s = self.server
        answers = {
            '/api/points': s.get('/api/points?limit=5').json()['features'],
            '/api/points/{id}': [s.get(f'/api/points/{pid}').json()],
            '/api/points/nearby': s.get('/api/points/nearby?lon=7.768889&lat=49.444722&radius=500').json()['features'],
            '/api/districts/{id}/points': s.get('/api/districts/ob-0/points').json()['features'],
            '/api/admin/points': s.get('/api/admin/points?status=all', headers=self.staff).json()['features'],
            '/api/clusters': [f for f in s.get('/api/clusters?zoom=30').json()['features']],
            '/ogc items': s.get('/ogc/collections/points/items?limit=5').json()['features'],
            '/ogc item': [s.get(f'/ogc/collections/points/items/{pid}').json()],
            '/ogc items EPSG:25832': s.get('/ogc/collections/points/items?limit=5&crs=EPSG:25832').json()['features'],
            'export': s.get('/api/export?format=geojson').json()['features'],
        }
        for name, features in answers.items():
            with self.subTest(answer=name):
                self.assertTrue(features)
                for f in features:
                    self.assertEqual(f['properties']['id'], f['id'])

    def test_ogr2ogr_keeps_the_ids_without_preserve_fid(self):
        out = os.path.join(self.server.dir, 'oapif.gpkg')
        run('ogr2ogr', '-f', 'GPKG', out, f'OAPIF:http://127.0.0.1:{self.server.port}/ogc',
            'points', '-where', "category = 'improvement'")
        rows, _ = ogr_rows(out, 'points')
        self.assertGreater(len(rows), 3)
        self.assertEqual({int(r['id']) for r in rows},
                         {i for i, f in self.features.items()
                          if f['properties']['category'] == 'improvement'})
        # features renumbered 1…n, the point ids kept as the id attribute
        self.assertNotEqual(sorted(int(r['id']) for r in rows), list(range(1, len(rows) + 1)))
        for r in rows:
            self.assertEqual(r['comment'], self.features[int(r['id'])]['properties']['comment'])

    # ---- one field set -----------------------------------------------------------

    def test_one_field_set_in_every_answer_and_file(self):
        geo = PUBLIC + ['lon', 'lat']
        projected = PUBLIC + ['x', 'y']
        s = self.server
        f84 = s.get('/ogc/collections/points/items?limit=1').json()['features'][0]
        self.assertEqual(list(f84['properties']), geo)
        futm = s.get('/ogc/collections/points/items?limit=1&crs=EPSG:25832').json()['features'][0]
        self.assertEqual(list(futm['properties']), projected)
        self.assertEqual((futm['properties']['x'], futm['properties']['y']),
                         tuple(futm['geometry']['coordinates']))
        self.assertEqual([f84['properties']['lon'], f84['properties']['lat']],
                         f84['geometry']['coordinates'])
        self.assertEqual(list(s.get(f'/api/points/{self.ids[1]}').json()['properties']), geo)
        # flag_reasons, an object, is the admin listing's own member after the set
        self.assertEqual(list(s.get(f'/api/admin/points/{self.walk}', headers=self.staff)
                              .json()['properties']), geo + STAFF + ['flag_reasons'])
        csv84 = s.get('/api/export?format=csv').body.decode().split('\r\n', 1)[0].split(',')
        self.assertEqual(csv84, geo + ['wkt'])
        csvstaff = s.get('/api/export?format=csv&crs=EPSG:25832&status=all',
                         headers=self.staff).body.decode().split('\r\n', 1)[0].split(',')
        self.assertEqual(csvstaff, projected + STAFF + ['wkt'])
        gpkg = self.download('format=gpkg&crs=EPSG:25832&status=all', 'staff.gpkg', self.staff)
        self.assertEqual(list(ogr_fields(gpkg, 'points')), projected + STAFF)
        gpkg84 = self.download('format=gpkg&crs=CRS84', 'public84.gpkg')
        self.assertEqual(list(ogr_fields(gpkg84, 'points')), geo)
        # the database's view is a staff file in its own CRS, EPSG:25832
        self.assertEqual(list(ogr_fields(self.server.db, 'points_gis')), projected + STAFF)

    def test_staff_files_have_channel_note_and_flags(self):
        gpkg = self.download('format=gpkg&status=all', 'staff-all.gpkg', self.staff)
        rows = {int(r['id']): r for r in ogr_rows(gpkg, 'points')[0]}
        self.assertEqual(rows[self.walk]['channel'], 'walk')
        self.assertEqual(rows[self.walk]['note'], 'Notiz')
        self.assertEqual(rows[self.ids[0]]['flags'], '1')
        public = {int(r['id']): r for r in ogr_rows(self.download('format=gpkg', 'public.gpkg'),
                                                      'points')[0]}
        self.assertEqual(public[self.walk]['channel'], 'walk')
        self.assertNotIn('note', public[self.walk])

    # ---- the GeoPackage ---------------------------------------------------------------

    def test_geopackage_is_in_epsg25832_with_districts_labels_and_metadata(self):
        path = self.download('format=gpkg', 'default.gpkg')
        out, _ = run('ogrinfo', '-ro', path)
        self.assertIn('1: points (title: Beteiligungspunkte Kaiserslautern) (Point)', out)
        self.assertIn('2: districts (title: Ortsbezirke und Stadtteile Kaiserslautern) '
                      '(Multi Polygon)', out)
        self.assertIn('3: labels (None)', out)
        info, _ = run('ogrinfo', '-ro', '-so', path, 'points')
        self.assertIn('ETRS89 / UTM zone 32N', info)
        self.assertIn('LICENSE=dl-de/by-2-0', info)
        self.assertIn('TITLE=Beteiligungspunkte Kaiserslautern', info)
        self.assertRegex(info, r'DATE=\d{4}-\d\d-\d\dT')
        self.assertIn('ATTRIBUTION=', info)
        # x/y are the stored EPSG:25832 coordinates (the API's, to 0.1 mm)
        utm = {f['id']: f['geometry']['coordinates'] for f in self.server.get(
            '/api/points?limit=10000&crs=EPSG:25832').json()['features']}
        rows = {int(r['id']): r for r in ogr_rows(path, 'points', '-lco', 'GEOMETRY=AS_XY')[0]}
        self.assertEqual(set(rows), set(self.features))
        for pid, (x, y) in utm.items():
            self.assertAlmostEqual(float(rows[pid]['X']), x, places=4)
            self.assertAlmostEqual(float(rows[pid]['Y']), y, places=4)
            self.assertAlmostEqual(float(rows[pid]['x']), x, places=4)
        # the districts of both layers with their boundaries' attribution
        dinfo, _ = run('ogrinfo', '-ro', '-so', path, 'districts')
        self.assertIn('Feature Count: 28', dinfo)
        self.assertIn('ETRS89 / UTM zone 32N', dinfo)
        self.assertIn('Stadtverwaltung Kaiserslautern', dinfo)
        districts = {r['id']: r for r in ogr_rows(path, 'districts')[0]}
        self.assertEqual(districts['ob-0']['layer'], 'ortsbezirk')
        self.assertEqual(districts['st-18']['layer'], 'stadtteil')
        for f in self.features.values():
            self.assertEqual(districts[f['properties']['ortsbezirk_id']]['name'],
                             f['properties']['ortsbezirk_name'])
        idx, _ = run('ogrinfo', '-ro', path, '-sql', "SELECT HasSpatialIndex('districts', 'geom')")
        self.assertIn('HasSpatialIndex (Integer) = 1', idx)
        # a point lies in its Ortsbezirk's polygon in the file
        pid = self.ids[0]
        ob = self.features[pid]['properties']['ortsbezirk_id']
        hit, _ = run('ogrinfo', '-ro', path, '-dialect', 'SQLite', '-sql',
                     f"SELECT d.id FROM districts d, points p WHERE p.id = {pid} AND "
                     f"ST_Within(p.geom, d.geom) AND d.layer = 'ortsbezirk'")
        self.assertIn(f'id (String) = {ob}', hit)
        # the labels of the codes, German and English
        labels = {(r['field'], r['code']): (r['label_de'], r['label_en'])
                  for r in ogr_rows(path, 'labels')[0]}
        self.assertEqual(labels[('category', 'favourite')], ('Lieblingsort', 'Favourite place'))
        self.assertEqual(labels[('category', 'improvement')],
                         ('Verbesserungswürdig', 'Needs improvement'))
        self.assertEqual(labels[('topic', 'mobility')], ('Mobilität und Verkehr',
                                                         'Mobility and transport'))
        self.assertEqual(labels[('channel', 'walk')][1], 'District walk')
        self.assertEqual({c for f, c in labels if f == 'topic'},
                         {'housing', 'mobility', 'green_space', 'climate', 'retail', 'culture',
                          'social', 'other'})

    # ---- the spreadsheet CSV ----------------------------------------------------------

    def test_spreadsheet_csv_writes_local_date_times(self):
        text = self.server.get('/api/export?format=csv&excel=true').body.decode('utf-8-sig')
        rows = list(csv.DictReader(io.StringIO(text, newline=''), delimiter=';'))
        berlin = zoneinfo.ZoneInfo('Europe/Berlin')  # the default time_zone
        self.assertEqual(len(rows), len(self.features))
        for r in rows:
            utc = datetime.datetime.strptime(self.features[int(r['id'])]['properties']['created'],
                                             '%Y-%m-%dT%H:%M:%S.%fZ').replace(
                tzinfo=datetime.timezone.utc)
            self.assertEqual(r['created'], utc.astimezone(berlin).strftime('%Y-%m-%d %H:%M:%S'))
            self.assertRegex(r['updated'], r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$')
        # the plain CSV keeps the stored UTC text
        plain = list(csv.DictReader(io.StringIO(self.server.get('/api/export?format=csv')
                                                .body.decode(), newline='')))
        self.assertEqual({r['created'] for r in plain},
                         {f['properties']['created'] for f in self.features.values()})

    # ---- the database file as OGR reads it --------------------------------------

    def test_database_file_types(self):
        view = ogr_fields(self.server.db, 'points_gis')
        self.assertEqual((view['id'], view['supporters'], view['created'], view['updated'],
                          view['x']), ('Integer64', 'Integer64', 'DateTime', 'DateTime', 'Real'))
        self.assertEqual((view['event'], view['reply'], view['reply_at'], view['outcome']),
                         ('Integer64', 'String', 'DateTime', 'String'))
        table = ogr_fields(self.server.db, 'points')
        self.assertEqual(table['cell'], 'Integer64')
        # every cell number read whole, without a warning per feature
        rows, err = ogr_rows(self.server.db, 'points', '-select', 'cell')
        self.assertNotIn('Warning', err)
        cells = [int(r['cell']) for r in rows]
        self.assertEqual(len(cells), len(self.features) + 0)
        self.assertTrue(all(c > 2 ** 31 for c in cells), cells[:5])
        # the view: the same points, their ids as attributes, ids as features too
        rows, err = ogr_rows(self.server.db, 'points_gis')
        self.assertNotIn('Warning', err)
        by_id = {int(r['id']): r for r in rows}
        for pid, f in self.features.items():
            self.assertEqual(by_id[pid]['comment'], f['properties']['comment'])
            self.assertEqual(by_id[pid]['ortsbezirk_name'], f['properties']['ortsbezirk_name'])
        self.assertEqual(by_id[self.walk]['note'], 'Notiz')
        self.assertEqual(by_id[self.ids[0]]['flags'], '1')


class TestQueryablesAndDistrictCounts(ServerTest):
    """channel as a queryable GDAL sends to the server; the district
    collections count by category, channel and topic — against the
    districts the fixture says each spot lies in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        secret = s.geopart('token', 'create', '--name', 'gis', '--role', 'planner').stdout
        staff = {'Authorization': 'Bearer ' + secret.decode().strip()}
        spots = [f for f in load_fixture('kaiserslautern-testpunkte.geojson')['features']
                 if f['properties']['expected_in_city']]
        cls.want = {}  # (ortsbezirk number, what) -> count
        cls.walks = []
        for i, f in enumerate(spots):
            lon, lat = f['geometry']['coordinates']
            topic = ('mobility', 'housing', None)[i % 3]
            category = 'improvement' if i % 2 else 'favourite'
            channel = 'walk' if i % 4 == 0 else 'online'
            extra = {'channel': channel} if channel != 'online' else None
            r = s.post_point(lon, lat, category=category, topic=topic, comment=f'Spot {i}',
                             extra=extra, headers=staff if extra else {})
            assert r.status == 201, r
            if channel == 'walk':
                cls.walks.append(r.json()['id'])
            ob = f['properties']['expected_ortsbezirk_id']
            for what in (category, 'channel_' + channel, 'topic_' + (topic or '-'), 'total'):
                cls.want[(ob, what)] = cls.want.get((ob, what), 0) + 1

    def test_channel_is_a_queryable_the_server_answers(self):
        q = self.server.get('/ogc/collections/points/queryables').json()
        self.assertEqual(set(q['properties']),
                         {'category', 'topic', 'channel', 'event', 'outcome', 'district'})
        self.assertEqual(q['properties']['outcome']['enum'],
                         ['open', 'in_review', 'adopted', 'not_adopted'])
        self.assertEqual(q['properties']['event']['type'], 'integer')
        self.assertEqual(q['properties']['channel']['enum'], ['online', 'walk', 'workshop'])
        self.assertEqual(q['properties']['category']['enum'], ['favourite', 'improvement'])
        url = f'OAPIF:http://127.0.0.1:{self.server.port}/ogc'
        r = subprocess.run(['ogrinfo', '-ro', '--debug', 'on', '-where', "channel = 'walk'", url,
                            'points'], capture_output=True, timeout=120)
        got = sorted(int(m) for m in re.findall(r'^  id \(Integer\w*\) = (\d+)$',
                                                  r.stdout.decode(), re.M))
        self.assertEqual(got, sorted(self.walks))
        self.assertGreater(len(got), 2)
        self.assertIn(b'channel=walk', r.stderr)  # answered by the server, not GDAL
        self.assertProblem(self.server.get('/ogc/collections/points/items?channel=post'), 400,
                           field='channel')

    def test_district_collections_count_by_category_channel_and_topic(self):
        fc = self.server.get('/ogc/collections/ortsbezirke/items').json()
        self.assertEqual(len(fc['features']), 10)
        checked = 0
        for f in fc['features']:
            p = f['properties']
            ob = int(p['id'][3:])
            for what in ('favourite', 'improvement', 'total', 'channel_online', 'channel_walk',
                         'channel_workshop', 'topic_mobility', 'topic_housing', 'topic_climate'):
                self.assertEqual(p[what], self.want.get((ob, what), 0), (p['id'], what))
                checked += p[what]
            self.assertEqual(sum(v for k, v in p.items() if k.startswith('topic_')),
                             p['total'] - self.want.get((ob, 'topic_-'), 0))
        self.assertGreater(checked, 20)
        one = self.server.get('/ogc/collections/stadtteile/items/6').json()['properties']
        self.assertEqual(one['total'], sum(one['channel_' + c] for c in ('online', 'walk',
                                                                         'workshop')))


class TestEventAndOutcomeQueryables(ServerTest):
    """event and outcome (issue 16) as queryables: the server filters by
    them, for a direct request and for GDAL's translated -where."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = [p['id'] for p in populate(cls.server, n_extra=6)]

    def test_event_and_outcome_are_queryables_the_server_answers(self):
        s = self.server
        secret = s.geopart('token', 'create', '--name', 'ws', '--role', 'planner').stdout
        staff = {'Authorization': 'Bearer ' + secret.decode().strip()}
        r = s.request('POST', '/api/admin/events', headers=staff,
                      body={'name': 'Werkstatt', 'channel': 'workshop', 'date': '2026-11-03'})
        self.assertEqual(r.status, 201, r)
        event = r.json()['id']
        r = s.post_point(7.768889, 49.444722, comment='In der Werkstatt', headers=staff,
                         extra={'event': event})
        self.assertEqual(r.status, 201, r)
        at_event = r.json()['id']
        r = s.request('PATCH', f'/api/points/{at_event}', headers=staff,
                      body={'reply': 'Wird umgesetzt', 'outcome': 'adopted'})
        self.assertEqual(r.status, 200, r)
        items = '/ogc/collections/points/items?limit=10000&'
        fc = s.get(items + f'event={event}').json()
        self.assertEqual([f['id'] for f in fc['features']], [at_event])
        p = fc['features'][0]['properties']
        self.assertEqual((p['event'], p['reply'], p['outcome']),
                         (event, 'Wird umgesetzt', 'adopted'))
        self.assertTrue(p['reply_at'].endswith('Z'), p)
        adopted = s.get(items + 'outcome=adopted').json()
        self.assertEqual([f['id'] for f in adopted['features']], [at_event])
        still_open = s.get(items + 'outcome=open').json()
        self.assertNotIn(at_event, [f['id'] for f in still_open['features']])
        self.assertEqual(still_open['numberMatched'], len(self.ids))
        # GDAL hands the filter to the server
        url = f'OAPIF:http://127.0.0.1:{s.port}/ogc'
        r = subprocess.run(['ogrinfo', '-ro', '--debug', 'on', '-where', "outcome = 'adopted'",
                            url, 'points'], capture_output=True, timeout=120)
        got = re.findall(r'^  id \(Integer\w*\) = (\d+)$', r.stdout.decode(), re.M)
        self.assertEqual(got, [str(at_event)])
        self.assertIn(b'outcome=adopted', r.stderr)
        self.assertProblem(s.get(items + 'outcome=maybe'), 400, field='outcome')
        self.assertProblem(s.get(items + 'event=999999'), 400, field='event')
        self.assertProblem(s.get(items + 'event=walk'), 400, field='event')


if __name__ == '__main__':
    unittest.main()
