"""The planners' workspace, end to end through the real server: sign-in
for the browser (session cookie, Origin rule, lockout that never refuses a
valid token), flagged points with their reasons, PATCH of note, channel,
event, reply and outcome (and every bad value a problem naming its field),
the city's reply on public features, walks and workshops (events), and the
moderation log for planners."""
import json
import os
import sqlite3
import struct
import time
import csv as csv_module
import io
import subprocess
import unittest
from urllib.parse import parse_qs, urlsplit

import geo_oracle
from harness import Server, ServerTest, load_fixture

CENTRE = (7.768889, 49.444722)           # Innenstadt, ob-0
MORLAUTERN = (7.760636, 49.467408)       # ob-6
OUTCOMES = ('open', 'in_review', 'adopted', 'not_adopted')


def make_token(server, name, role):
    r = server.geopart('token', 'create', '--name', name, '--role', role)
    return r.stdout.decode().strip()


def make_event(server, headers, name, channel, date):
    """A walk or workshop made through the API; its JSON."""
    r = server.request('POST', '/api/admin/events', headers=headers,
                       body={'name': name, 'channel': channel, 'date': date})
    assert r.status == 201, r
    return r.json()


def bearer(secret):
    return {'Authorization': f'Bearer {secret}'}


def session_cookie(r):
    """The gp_session value a Set-Cookie header gives, or None."""
    v = r.header('Set-Cookie') or ''
    for part in v.split(';'):
        k, _, val = part.strip().partition('=')
        if k == 'gp_session':
            return val
    return None


class TestSession(ServerTest):
    config = {'auth_burst': '2', 'auth_per_minute': '1'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret = make_token(cls.server, 'Stadtplanung Weber', 'planner')
        cls.origin = f'http://127.0.0.1:{cls.server.port}'

    def sign_in(self, token=None, origin=True, source=None):
        hdrs = {'Origin': self.origin} if origin else {}
        return self.server.request('POST', '/api/session', body={'token': token or self.secret},
                                   headers=hdrs, source=source)

    def test_sign_in_sets_a_cookie_scripts_cannot_read_and_staff_routes_take_it(self):
        s = self.server
        r = self.sign_in()
        self.assertEqual(r.status, 201, r)
        cookie = r.header('Set-Cookie')
        for attr in ('HttpOnly', 'SameSite=Strict', 'Path=/;', 'Max-Age=28800'):
            self.assertIn(attr, cookie)
        self.assertNotIn('Secure', cookie)  # public_url is not https here
        sid = session_cookie(r)
        self.assertTrue(sid.startswith('gps_'))
        self.assertNotIn(self.secret, cookie)
        body = r.json()
        self.assertEqual((body['signed_in'], body['name'], body['role']),
                         (True, 'Stadtplanung Weber', 'planner'))
        self.assertEqual(r.header('Cache-Control'), 'no-store')
        # the database keeps only a hash: neither the id nor the token
        con = sqlite3.connect(f'file:{s.db}?mode=ro', uri=True)
        rows = con.execute('SELECT hash FROM sessions').fetchall()
        con.close()
        self.assertGreaterEqual(len(rows), 1)
        self.assertFalse(any(sid.encode() in bytes(h) for (h,) in rows))
        jar = {'Cookie': f'gp_session={sid}'}
        who = s.get('/api/session', headers=jar).json()
        self.assertEqual((who['signed_in'], who['name']), (True, 'Stadtplanung Weber'))
        self.assertEqual(s.get('/api/admin/points?limit=1', headers=jar).status, 200)
        # without the cookie: a citizen
        self.assertEqual(s.get('/api/session').json(), {'signed_in': False})
        self.assertEqual(s.get('/api/admin/points?limit=1').status, 401)

    def test_cookie_writes_need_the_servers_own_origin(self):
        s = self.server
        pid = s.post_point(*CENTRE, comment='Origin-Probe').json()['id']
        sid = session_cookie(self.sign_in())
        jar = {'Cookie': f'gp_session={sid}'}
        for origin in (None, 'http://evil.example', f'http://127.0.0.1:{s.port + 1}'):
            hdrs = dict(jar, **({'Origin': origin} if origin else {}))
            r = s.request('PATCH', f'/api/points/{pid}', body={'status': 'hidden'}, headers=hdrs)
            self.assertProblem(r, 403, field='Origin')
        self.assertEqual(s.get(f'/api/points/{pid}').status, 200)  # nothing changed
        r = s.request('PATCH', f'/api/points/{pid}', body={'status': 'hidden'},
                      headers=dict(jar, Origin=self.origin))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(s.get(f'/api/points/{pid}').status, 404)
        # a Bearer header needs no Origin: no other site can make a browser send one
        r = s.request('PATCH', f'/api/points/{pid}', body={'status': 'published'},
                      headers=bearer(self.secret))
        self.assertEqual(r.status, 200, r)
        # and sign-in itself is refused from another site's page
        r = s.request('POST', '/api/session', body={'token': self.secret},
                      headers={'Origin': 'http://evil.example'})
        self.assertProblem(r, 403, field='Origin')

    def test_sign_out_ends_the_session(self):
        s = self.server
        sid = session_cookie(self.sign_in())
        jar = {'Cookie': f'gp_session={sid}'}
        r = s.request('DELETE', '/api/session', headers=dict(jar, Origin=self.origin))
        self.assertEqual(r.status, 204, r)
        self.assertIn('Max-Age=0', r.header('Set-Cookie'))
        self.assertEqual(s.get('/api/session', headers=jar).json(), {'signed_in': False})
        self.assertEqual(s.get('/api/admin/points?limit=1', headers=jar).status, 401)

    def test_revoking_the_token_ends_its_sessions(self):
        s = self.server
        secret = make_token(s, 'Aushilfe', 'planner')
        sid = session_cookie(self.sign_in(secret))
        jar = {'Cookie': f'gp_session={sid}'}
        self.assertEqual(s.get('/api/admin/points?limit=1', headers=jar).status, 200)
        s.geopart('token', 'revoke', '--name', 'Aushilfe')
        self.assertEqual(s.get('/api/admin/points?limit=1', headers=jar).status, 401)

    def test_bad_sign_ins_are_problems_and_count_towards_the_lockout(self):
        s = self.server
        src = '127.0.0.7'
        r = s.request('POST', '/api/session', body={'token': 'gpt_wrong'},
                      headers={'Origin': self.origin}, source=src)
        self.assertProblem(r, 401, field='token')
        self.assertIsNone(session_cookie(r))
        r = s.request('POST', '/api/session', body={'tokn': 'x'}, source=src)
        self.assertProblem(r, 422, field='tokn')
        r = s.request('POST', '/api/session', body={}, source=src)
        self.assertProblem(r, 422, field='token')
        r = s.request('POST', '/api/session', body='{"token":', source=src,
                      headers={'Content-Type': 'application/json'})
        self.assertEqual(r.status, 400, r)
        for _ in range(3):
            r = s.request('POST', '/api/session', body={'token': 'gpt_guess'}, source=src)
        self.assertProblem(r, 429, field='token')
        self.assertTrue(r.header('Retry-After'))
        # a colleague behind the same address still signs in
        r = self.sign_in(source=src)
        self.assertEqual(r.status, 201, r)

    def test_a_session_of_unknown_or_ended_id_is_a_citizen(self):
        s = self.server
        for sid in ('gps_nothing', 'gpt_' + self.secret[4:], self.secret):
            jar = {'Cookie': f'other=1; gp_session={sid}'}
            self.assertEqual(s.get('/api/session', headers=jar).json(), {'signed_in': False})
            self.assertEqual(s.get('/api/admin/points?limit=1', headers=jar).status, 401)
        # a citizen with a stale cookie still contributes
        r = s.post_point(*CENTRE, comment='Mit altem Cookie',
                         headers={'Cookie': 'gp_session=gps_stale'})
        self.assertEqual(r.status, 201, r)


class TestSessionExpiry(unittest.TestCase):
    def test_secure_cookie_for_https_and_the_configured_lifetime(self):
        s = Server(config={'public_url': 'https://beteiligung.example/karte',
                           'session_hours': '2'})
        self.addCleanup(s.cleanup)
        s.start()
        secret = make_token(s, 'Planung', 'planner')
        r = s.request('POST', '/api/session', body={'token': secret},
                      headers={'Origin': 'https://beteiligung.example'})
        self.assertEqual(r.status, 201, r)
        self.assertIn('; Secure', r.header('Set-Cookie'))
        self.assertIn('Max-Age=7200', r.header('Set-Cookie'))
        sid = session_cookie(r)
        # a session that has ended counts for nothing
        con = sqlite3.connect(s.db)
        con.execute("UPDATE sessions SET expires = '2000-01-01T00:00:00.000Z'")
        con.commit()
        con.close()
        jar = {'Cookie': f'gp_session={sid}'}
        self.assertEqual(s.get('/api/session', headers=jar).json(), {'signed_in': False})


class TestWorkspace(ServerTest):
    config = {'flag_threshold': '3'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.planner = bearer(make_token(cls.server, 'Stadtplanung Müller', 'planner'))
        cls.admin = bearer(make_token(cls.server, 'Admin', 'admin'))

    def patch(self, pid, body, headers=None):
        return self.server.request('PATCH', f'/api/points/{pid}', body=body,
                                   headers=headers or self.planner)

    def flag(self, pid, reason, source):
        r = self.server.request('POST', f'/api/points/{pid}/flag', body={'reason': reason},
                                source=source)
        self.assertEqual(r.status, 202, r)

    def test_flagged_points_with_their_reasons_for_staff_only(self):
        s = self.server
        flagged = s.post_point(*CENTRE, comment='Werbung für Pizza').json()['id']
        clean = s.post_point(*CENTRE, comment='Schöner Platz').json()['id']
        self.flag(flagged, 'spam', '127.0.0.11')
        self.flag(flagged, 'spam', '127.0.0.12')
        self.flag(flagged, 'offensive', '127.0.0.13')  # the third hides it
        r = s.get('/api/admin/points?flagged=true&limit=100', headers=self.planner)
        self.assertEqual(r.status, 200, r)
        feats = {f['id']: f['properties'] for f in r.json()['features']}
        self.assertIn(flagged, feats)
        self.assertNotIn(clean, feats)
        self.assertEqual(r.json()['numberMatched'], len(feats))
        p = feats[flagged]
        self.assertEqual(p['flags'], 3)
        self.assertEqual(p['flag_reasons'], {'spam': 2, 'offensive': 1})
        self.assertEqual(p['status'], 'hidden')
        # narrowed by status too, and a single point carries the reasons
        hidden = s.get('/api/admin/points?flagged=true&status=hidden', headers=self.planner).json()
        self.assertIn(flagged, [f['id'] for f in hidden['features']])
        none = s.get('/api/admin/points?flagged=true&status=pending', headers=self.planner).json()
        self.assertEqual(none['numberMatched'], 0)
        one = s.get(f'/api/admin/points/{flagged}', headers=self.planner).json()['properties']
        self.assertEqual(one['flag_reasons'], {'spam': 2, 'offensive': 1})
        unflagged = s.get('/api/admin/points?flagged=false&limit=10000', headers=self.planner)
        self.assertIn(clean, [f['id'] for f in unflagged.json()['features']])
        # the public never sees flags or their reasons
        pub = s.get(f'/api/points/{clean}').json()['properties']
        self.assertNotIn('flag_reasons', pub)
        self.assertNotIn('flags', pub)
        self.assertProblem(s.get('/api/admin/points?flagged=yes', headers=self.planner), 400,
                           field='flagged')
        # reviewed and kept: published again, the flags dismissed, out of the queue
        self.assertProblem(self.patch(flagged, {'flags': 'none'}), 422, field='flags')
        r = self.patch(flagged, {'status': 'published', 'flags': None})
        self.assertEqual(r.status, 200, r)
        p = r.json()['properties']
        self.assertEqual((p['status'], p['flags'], p['flag_reasons']), ('published', 0, {}))
        q = s.get('/api/admin/points?flagged=true&limit=100', headers=self.planner).json()
        self.assertNotIn(flagged, [f['id'] for f in q['features']])
        log = s.get('/api/admin/log?limit=5', headers=self.planner).json()['entries']
        self.assertEqual(log[0]['fields'],
                         'status: hidden → published, flags dismissed (spam:2,offensive:1)')
        self.assertProblem(s.get('/api/points?flagged=true'), 400, field='flagged')
        self.assertEqual(s.get('/api/admin/points?flagged=true').status, 401)

    def test_planner_sets_note_channel_reply_and_outcome_and_the_log_keeps_no_words(self):
        s = self.server
        pid = s.post_point(*CENTRE, comment='Radweg fehlt', category='improvement').json()['id']
        r = self.patch(pid, {'note': 'Mit Tiefbau klären', 'channel': 'workshop'})
        self.assertEqual(r.status, 200, r)
        p = r.json()['properties']
        self.assertEqual((p['note'], p['channel']), ('Mit Tiefbau klären', 'workshop'))
        reply = 'Danke! Der Radweg ist im Mobilitätskonzept 2027 vorgesehen.'
        r = self.patch(pid, {'reply': reply, 'outcome': 'adopted'})
        self.assertEqual(r.status, 200, r)
        p = r.json()['properties']
        self.assertEqual((p['reply'], p['outcome']), (reply, 'adopted'))
        self.assertRegex(p['reply_at'], r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
        first_at = p['reply_at']
        # the public sees the answer, but not the note
        pub = s.get(f'/api/points/{pid}').json()['properties']
        self.assertEqual((pub['reply'], pub['reply_at'], pub['outcome']),
                         (reply, first_at, 'adopted'))
        self.assertNotIn('note', pub)
        listed = {f['id']: f['properties'] for f in s.get('/api/points?limit=10000').json()['features']}
        self.assertEqual(listed[pid]['reply'], reply)
        # and so does the map's single point, once the index has it
        deadline = time.time() + 5
        while True:
            feats = s.get('/api/clusters?zoom=30&bbox=7.76,49.44,7.78,49.45').json()['features']
            mine = [f for f in feats if f['id'] == pid]
            if mine and mine[0]['properties'].get('reply') == reply:
                break
            self.assertLess(time.time(), deadline, 'the reply never reached the map')
            time.sleep(0.05)
        self.assertEqual(mine[0]['properties']['outcome'], 'adopted')
        self.assertNotIn('note', mine[0]['properties'])
        # an unchanged reply keeps its time; outcome alone leaves it be
        time.sleep(0.01)
        r = self.patch(pid, {'outcome': 'in_review', 'reply': reply})
        self.assertEqual(r.json()['properties']['reply_at'], first_at)
        # filtering by outcome
        adopted = s.get('/api/admin/points?outcome=in_review&limit=1000', headers=self.planner)
        self.assertIn(pid, [f['id'] for f in adopted.json()['features']])
        self.assertTrue(all(f['properties']['outcome'] == 'in_review'
                            for f in adopted.json()['features']))
        # removing the reply removes its time too
        r = self.patch(pid, {'reply': None, 'note': None})
        p = r.json()['properties']
        self.assertEqual((p['reply'], p['reply_at'], p['note']), (None, None, None))
        # the log: planners read it; it names fields, never their words
        log = s.get('/api/admin/log?limit=20', headers=self.planner)
        self.assertEqual(log.status, 200, log)
        fields = [e['fields'] for e in log.json()['entries'] if e['point_id'] == pid]
        self.assertIn('note, channel: online → workshop', fields)
        self.assertIn('reply, outcome: open → adopted', fields)
        self.assertIn('note removed, reply removed', fields)
        self.assertNotIn(b'Tiefbau', log.body)
        self.assertNotIn('Mobilit'.encode(), log.body)
        self.assertTrue(all(e['actor'] == 'Stadtplanung Müller'
                            for e in log.json()['entries'] if e['point_id'] == pid))

    def test_every_bad_patch_is_a_problem_naming_its_field_and_changes_nothing(self):
        s = self.server
        pid = s.post_point(*CENTRE, comment='Unverändert').json()['id']
        before = s.get(f'/api/admin/points/{pid}', headers=self.planner).json()['properties']
        cases = [
            ({'reply': 'x' * 2001}, 'reply'),
            ({'reply': ''}, 'reply'),
            ({'reply': 'a\u0007b'}, 'reply'),
            ({'outcome': 'maybe'}, 'outcome'),
            ({'outcome': None}, 'outcome'),
            ({'note': 'n' * 1001}, 'note'),
            ({'channel': 'fax'}, 'channel'),
            ({'channel': None}, 'channel'),
            ({'event': 999999}, 'event'),
            ({'event': -3}, 'event'),
            ({'event': 'drei'}, 'event'),
            ({'reply': 12}, 'reply'),
            ({'outcome': ['adopted']}, 'outcome'),
            ({'sort': 'x'}, 'sort'),
            ({'flags': 0}, 'flags'),
            ({}, 'body'),
        ]
        for body, field in cases:
            r = self.patch(pid, body)
            self.assertProblem(r, 422, field=field)
        after = s.get(f'/api/admin/points/{pid}', headers=self.planner).json()['properties']
        self.assertEqual(before, after)
        # a reply of exactly 2000 characters (not bytes) is taken
        r = self.patch(pid, {'reply': 'ä' * 2000})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.json()['properties']['reply']), 2000)

    def test_events_walks_and_workshops_carry_their_points(self):
        s = self.server
        r = s.request('POST', '/api/admin/events', headers=self.planner,
                      body={'name': 'Ortsbegehung Morlautern', 'channel': 'walk',
                            'date': '2026-10-12', 'district': 'ob-6'})
        self.assertEqual(r.status, 201, r)
        ev = r.json()
        self.assertEqual((ev['name'], ev['channel'], ev['date'], ev['district'], ev['points']),
                         ('Ortsbegehung Morlautern', 'walk', '2026-10-12', 'ob-6', 0))
        self.assertEqual(ev['district_name'], 'Morlautern')
        self.assertEqual(r.header('Location'), f'/api/events/{ev["id"]}')
        ws = s.request('POST', '/api/admin/events', headers=self.planner,
                       body={'name': 'Akteurswerkstatt', 'channel': 'workshop',
                             'date': '2026-11-03'}).json()
        # staff record points at the walk: published at once, channel from the event
        r = s.post_point(*MORLAUTERN, comment='Spielplatz erneuern',
                         extra={'event': ev['id']}, headers=self.planner)
        self.assertEqual(r.status, 201, r)
        walk_point = r.json()['id']
        p = r.json()['properties']
        self.assertEqual((p['event'], p['channel'], p['status']), (ev['id'], 'walk', 'published'))
        # a point moved to the workshop takes its channel
        other = s.post_point(*CENTRE, comment='Idee aus der Werkstatt').json()['id']
        r = self.patch(other, {'event': ws['id']})
        self.assertEqual((r.json()['properties']['event'], r.json()['properties']['channel']),
                         (ws['id'], 'workshop'))
        r = self.patch(other, {'event': ws['id'], 'channel': 'walk'})
        self.assertProblem(r, 422, field='channel')
        # public list with counts of published points, newest first
        events = s.get('/api/events').json()['events']
        byid = {e['id']: e for e in events}
        self.assertEqual(byid[ev['id']]['points'], 1)
        self.assertEqual(byid[ws['id']]['points'], 1)
        self.assertLess([e['id'] for e in events].index(ws['id']),
                        [e['id'] for e in events].index(ev['id']))
        self.assertEqual(s.get(f'/api/events/{ev["id"]}').json()['name'], 'Ortsbegehung Morlautern')
        self.assertEqual(s.get('/api/events/999999').status, 404)
        # the event's points, for staff
        mine = s.get(f'/api/admin/points?event={ev["id"]}', headers=self.planner).json()
        self.assertEqual([f['id'] for f in mine['features']], [walk_point])
        self.assertEqual(mine['numberMatched'], 1)
        self.assertProblem(s.get('/api/admin/points?event=424242', headers=self.planner), 400,
                           field='event')
        # citizens cannot claim an event; a bad event id is the field's problem
        r = s.post_point(*CENTRE, extra={'event': ev['id']})
        self.assertProblem(r, 422, field='properties.event')
        r = s.post_point(*CENTRE, extra={'event': 424242}, headers=self.planner)
        self.assertProblem(r, 422, field='properties.event')
        r = s.post_point(*CENTRE, extra={'event': ev['id'], 'channel': 'workshop'},
                         headers=self.planner)
        self.assertProblem(r, 422, field='properties.channel')

    def test_bad_events_are_problems_naming_the_field(self):
        s = self.server
        good = {'name': 'Begehung', 'channel': 'walk', 'date': '2026-10-12'}
        cases = [
            (dict(good, name=''), 'name'),
            (dict(good, name='x' * 201), 'name'),
            (dict(good, channel='online'), 'channel'),
            (dict(good, channel=None), 'channel'),
            (dict(good, date='12.10.2026'), 'date'),
            (dict(good, date='2026-02-30'), 'date'),
            (dict(good, date='2025-02-29'), 'date'),
            (dict(good, district='ob-99'), 'district'),
            (dict(good, place='Rathaus'), 'place'),
            ({'channel': 'walk', 'date': '2026-10-12'}, 'name'),
        ]
        count = len(s.get('/api/events').json()['events'])
        for body, field in cases:
            r = s.request('POST', '/api/admin/events', body=body, headers=self.planner)
            self.assertProblem(r, 422, field=field)
        self.assertEqual(len(s.get('/api/events').json()['events']), count)
        self.assertEqual(s.request('POST', '/api/admin/events', body=good).status, 401)
        r = s.request('POST', '/api/admin/events', body=dict(good, date='2028-02-29'),
                      headers=self.planner)
        self.assertEqual(r.status, 201, r)


class TestImportPoints(ServerTest):
    """geopart import-points: GeoJSON and CSV, all or nothing, every refused
    row named with its line or feature number and field."""

    def write(self, name, text):
        path = os.path.join(self.server.dir, name)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        return path

    def imported(self, where):
        return self.server.db_count(where)

    def test_csv_of_a_workshop_lands_on_the_map_with_its_event(self):
        s = self.server
        planner = bearer(make_token(s, 'Import-Planung', 'planner'))
        ev = make_event(s, planner, 'Akteurswerkstatt', 'workshop', '2026-11-03')
        path = self.write('werkstatt.csv',
                          '\ufefflon,lat,category,comment,topic,note\r\n'
                          '7.768889,49.444722,improvement,"Ampel, zu kurz",mobility,Tisch 3\r\n'
                          f'{MORLAUTERN[0]},{MORLAUTERN[1]},favourite,"Schöner\nPlatz",,\r\n')
        before = self.imported('1')
        r = s.geopart('import-points', path, '--event', str(ev['id']))
        self.assertIn(b'imported 2 points', r.stdout)
        self.assertEqual(self.imported('1'), before + 2)
        mine = s.get(f'/api/admin/points?event={ev["id"]}', headers=planner).json()['features']
        props = [f['properties'] for f in mine]
        self.assertEqual([p['comment'] for p in props], ['Ampel, zu kurz', 'Schöner\nPlatz'])
        self.assertEqual([p['ortsbezirk_id'] for p in props], ['ob-0', 'ob-6'])
        self.assertEqual({(p['channel'], p['status']) for p in props}, {('workshop', 'published')})
        self.assertEqual((props[0]['topic'], props[0]['note']), ('mobility', 'Tisch 3'))
        self.assertEqual(s.get(f'/api/events/{ev["id"]}').json()['points'], 2)
        log = s.get('/api/admin/log?limit=1', headers=planner).json()['entries'][0]
        self.assertEqual((log['actor'], log['action'], log['count']), ('import', 'create', 2))

    def test_geojson_in_the_storage_crs_and_a_dry_run(self):
        s = self.server
        fc = {'type': 'FeatureCollection',
              'crs': {'type': 'name', 'properties': {'name': 'urn:ogc:def:crs:EPSG::25832'}},
              'features': [{'type': 'Feature', 'geometry': {'type': 'Point',
                                                            'coordinates': [410500.0, 5479500.0]},
                            'properties': {'category': 'improvement', 'comment': 'Aus QGIS'}}]}
        path = self.write('walk.geojson', json.dumps(fc))
        before = self.imported('1')
        r = s.geopart('import-points', path, '--channel', 'walk', '--dry-run')
        self.assertIn(b'1 points checked; nothing imported', r.stdout)
        self.assertEqual(self.imported('1'), before)
        s.geopart('import-points', path, '--channel', 'walk')
        self.assertEqual(self.imported("comment = 'Aus QGIS' AND channel = 'walk'"), 1)
        row = sqlite3.connect(s.db).execute(
            "SELECT x, y FROM points WHERE comment = 'Aus QGIS'").fetchone()
        self.assertAlmostEqual(row[0], 410500.0, places=3)
        self.assertAlmostEqual(row[1], 5479500.0, places=3)

    def test_any_refused_row_imports_nothing_and_every_one_is_named(self):
        s = self.server
        path = self.write('bad.csv', 'lon,lat,category,comment\n'
                                     '7.768889,49.444722,favourite,Gut\n'
                                     '7.768889,49.444722,lovely,x\n'
                                     '1.0,49.4,favourite,Ausserhalb\n'
                                     'abc,49.4,favourite,z\n'
                                     '\n'
                                     '7.768889,49.444722,favourite,\n'
                                     '7.768889,49.444722,favourite\n')
        before = self.imported('1')
        r = s.geopart('import-points', path, '--channel', 'walk', check=False)
        self.assertEqual(r.returncode, 1)
        err = r.stderr.decode()
        for line in ('line 3: category: unknown category "lovely"',
                     'line 4: geometry: the point lies outside the city',
                     'line 5: lon: not a number',
                     'line 7: comment: comment is empty',
                     'line 8: row: the row has another number of fields'):
            self.assertIn(line, err)
        self.assertNotIn('line 2', err)
        self.assertIn('5 of 6 points refused; nothing imported', err)
        self.assertEqual(self.imported('1'), before)
        fc = {'type': 'FeatureCollection', 'features': [
            {'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [7.768889, 49.444722]},
             'properties': {'category': 'favourite', 'comment': 'gut'}},
            {'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [7.768889]},
             'properties': {'category': 'favourite', 'comment': 'kaputt'}},
            {'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [7.768889, 49.444722]},
             'properties': {'category': 'favourite', 'comment': 'x', 'channel': 'walk'}}]}
        r = s.geopart('import-points', self.write('bad.geojson', json.dumps(fc)),
                      '--channel', 'walk', check=False)
        self.assertEqual(r.returncode, 1)
        err = r.stderr.decode()
        self.assertIn('feature 2: geometry.coordinates', err)
        self.assertIn('feature 3: channel', err)
        self.assertNotIn('feature 1', err)
        self.assertEqual(self.imported('1'), before)
        # the import itself must say where the points come from
        for args, text in ((['--event', '999'], 'no event 999'),
                           ([], '--channel or --event')):
            r = s.geopart('import-points', path, *args, check=False)
            self.assertEqual(r.returncode, 1, r)
        r = s.geopart('import-points', self.write('ok.csv', 'x,y,category,comment\n1,2,favourite,a\n'),
                      '--channel', 'walk', check=False)
        self.assertIn(b'x/y columns need --crs', r.stderr)
        r = s.geopart('import-points', self.write('odd.csv', 'lon,lat,category,comment,farbe\n'),
                      '--channel', 'walk', check=False)
        self.assertIn(b'unknown column "farbe"', r.stderr)
        self.assertEqual(self.imported('1'), before)


class TestSort(ServerTest):
    """sort= on the staff listing: each order against the database file read
    with sqlite3; paging by offset and by keyset cursor (built from a page's
    properties as the API description says) in every order, with a status
    and a box; bad values refused naming their parameter."""
    config = {'flag_threshold': '50'}
    SORTS = ('oldest', 'newest', 'updated', 'flags', 'supporters')

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.planner = bearer(make_token(s, 'Sortierung', 'planner'))
        cls.ids = []
        for i in range(9):
            lon = CENTRE[0] + 0.002 * (i % 3)
            cls.ids.append(s.post_point(lon, CENTRE[1], comment=f'Sortierprobe {i}').json()['id'])
        # +1 and flags from distinct clients, in uneven numbers with ties
        for n, pid in zip((3, 1, 0, 3, 2, 0, 1, 0, 0), cls.ids):
            for k in range(n):
                r = s.request('POST', f'/api/points/{pid}/support', source=f'127.0.1.{k + 1}')
                assert r.status == 200, r
        for n, pid in zip((0, 2, 1, 0, 2, 0, 4, 0, 1), cls.ids):
            for k in range(n):
                r = s.request('POST', f'/api/points/{pid}/flag', body={'reason': 'spam'},
                              source=f'127.0.2.{k + 1}')
                assert r.status == 202, r
        # changed later, in this order: the last one changed comes first
        for pid in (cls.ids[4], cls.ids[0], cls.ids[7]):
            r = s.request('PATCH', f'/api/points/{pid}', body={'note': 'gesehen'},
                          headers=cls.planner)
            assert r.status == 200, r
        r = s.request('PATCH', f'/api/points/{cls.ids[8]}', body={'status': 'hidden'},
                      headers=cls.planner)
        assert r.status == 200, r

    def expected(self, sort, where='1'):
        """Our points in `sort` order as the database file holds them."""
        key = {'updated': 'p.updated', 'supporters': 'p.supporters',
               'flags': '(SELECT count(*) FROM flags f WHERE f.point_id = p.id)'}.get(sort)
        order = ('p.id' if sort == 'oldest' else 'p.id DESC' if sort == 'newest'
                 else f'{key} DESC, p.id DESC')
        con = sqlite3.connect(f'file:{self.server.db}?mode=ro', uri=True)
        try:
            rows = con.execute("SELECT p.id FROM points p WHERE p.comment LIKE 'Sortierprobe%'"
                               f" AND {where} ORDER BY {order}").fetchall()
        finally:
            con.close()
        return [r[0] for r in rows]

    def page(self, url):
        r = self.server.get(url[url.index('/api/'):], headers=self.planner)
        self.assertEqual(r.status, 200, r)
        return r.json()

    @staticmethod
    def cursor(sort, props):
        """The keyset position after a point, as the API description spells it."""
        pid = props['id']
        if sort == 'oldest':
            return str(pid)
        if sort == 'newest':
            return f'n{pid}'
        if sort == 'updated':
            return 'u' + ''.join(c for c in props['updated'] if c.isdigit()) + f'.{pid}'
        return f'{sort[0]}{props[sort]}.{pid}'

    def walk(self, first, keyset):
        """Every page from `first`: by offset links, or (keyset) from a cursor
        made of the first page's last point and then by the after links."""
        body, got = self.page(first), []
        got += [f['id'] for f in body['features']]
        sort = parse_qs(urlsplit(first).query).get('sort', ['oldest'])[0]
        if keyset and body['features']:
            cur = self.cursor(sort, body['features'][-1]['properties'])
            body = self.page(first + '&after=' + cur)
            got += [f['id'] for f in body['features']]
        while True:
            nxt = [l['href'] for l in body['links'] if l['rel'] == 'next']
            if not nxt:
                return got
            self.assertIn('after=' if keyset else 'offset=', nxt[0])
            body = self.page(nxt[0])
            got += [f['id'] for f in body['features']]

    def test_each_order_is_the_databases_and_pages_hold_it(self):
        box = f'{CENTRE[0] - 0.0005},{CENTRE[1] - 0.001},{CENTRE[0] + 0.0025},{CENTRE[1] + 0.001}'
        for sort in self.SORTS:
            for extra, where in (('', '1'), ('&status=published', "p.status = 'published'"),
                                 (f'&bbox={box}&status=published',
                                  f"p.status = 'published' AND p.lon <= {CENTRE[0] + 0.0025}")):
                if sort == 'oldest' and 'bbox' in extra:
                    continue  # a box in the default order pages by grid cell
                want = self.expected(sort, where)
                q = f'/api/admin/points?sort={sort}{extra}&limit=100'
                self.assertEqual([f['id'] for f in self.page(q)['features']], want, (sort, extra))
                # two a page: every point once, in order
                mine = q.replace('limit=100', 'limit=2')
                for keyset in (False, True):
                    with self.subTest(sort=sort, extra=extra, keyset=keyset):
                        self.assertEqual(self.walk(mine, keyset), want)
        # the orders differ from each other on these points: none is the default by chance
        orders = {tuple(self.expected(s)) for s in self.SORTS}
        self.assertEqual(len(orders), len(self.SORTS))
        self.assertEqual(self.expected('supporters')[:2], [self.ids[3], self.ids[0]])
        self.assertEqual(self.expected('flags')[0], self.ids[6])
        self.assertEqual(self.expected('updated')[:4],
                         [self.ids[8], self.ids[7], self.ids[0], self.ids[4]])

    def test_bad_sort_values_and_cursors_are_problems_naming_them(self):
        s = self.server
        for v in ('popular', 'NEWEST', '', 'newest,flags'):
            self.assertProblem(s.get(f'/api/admin/points?sort={v}', headers=self.planner),
                               422, field='sort')
        # a cursor of another order, or none a server would write
        for q in ('sort=flags&after=s1.2', 'sort=newest&after=5', 'sort=updated&after=u2026.3',
                  'sort=supporters&after=s-1.2', 'after=f1.2', 'sort=flags&after=f1.0'):
            self.assertProblem(s.get(f'/api/admin/points?{q}', headers=self.planner),
                               400, field='after')
        self.assertProblem(s.get('/api/points?sort=newest'), 400, field='sort')
        self.assertEqual(s.get('/api/admin/points?sort=newest').status, 401)


class TestOutcomeCounts(ServerTest):
    """/api/stats counts by outcome (JSON and CSV, per district and in
    total, with filters), against the test's own tally; the export files
    carry each point's reply, reply_at and outcome (GDAL reads them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.planner = bearer(make_token(s, 'Antworten', 'planner'))
        # (place, district, category, outcome, hidden)
        plan = [(CENTRE, 'ob-0', 'improvement', 'adopted', False),
                (CENTRE, 'ob-0', 'improvement', 'adopted', False),
                (CENTRE, 'ob-0', 'favourite', 'in_review', False),
                (CENTRE, 'ob-0', 'favourite', None, False),
                (CENTRE, 'ob-0', 'improvement', 'adopted', True),
                (MORLAUTERN, 'ob-6', 'improvement', 'not_adopted', False),
                (MORLAUTERN, 'ob-6', 'favourite', None, False),
                (MORLAUTERN, 'ob-6', 'favourite', 'open', False)]
        cls.points = []
        for place, district, cat, outcome, hidden in plan:
            pid = s.post_point(*place, category=cat, comment=f'Antwortprobe {cat}').json()['id']
            patch = {}
            if outcome:
                patch.update(outcome=outcome, reply=f'Antwort zu {pid}: {outcome}')
            if hidden:
                patch['status'] = 'hidden'
            if patch:
                r = s.request('PATCH', f'/api/points/{pid}', body=patch, headers=cls.planner)
                assert r.status == 200, r
            cls.points.append({'id': pid, 'district': district, 'category': cat, 'place': place,
                               'outcome': outcome or 'open', 'hidden': hidden,
                               'reply': patch.get('reply')})

    def tally(self, admit=lambda p: True):
        """{district: {outcome: n}} of the published points `admit` lets through."""
        out = {}
        for p in self.points:
            if p['hidden'] or not admit(p):
                continue
            d = out.setdefault(p['district'], dict.fromkeys(OUTCOMES, 0))
            d[p['outcome']] += 1
        return out

    def test_stats_count_by_outcome_per_district_and_in_total(self):
        s = self.server
        for query, admit in (('', lambda p: True),
                             ('?category=improvement', lambda p: p['category'] == 'improvement'),
                             ('?category=favourite&since=2000-01-01',
                              lambda p: p['category'] == 'favourite')):
            with self.subTest(query=query):
                want = self.tally(admit)
                st = s.get('/api/stats' + query).json()
                for d in st['districts']:
                    self.assertEqual(d['outcomes'], want.get(d['id'], dict.fromkeys(OUTCOMES, 0)),
                                     d['id'])
                    self.assertEqual(sum(d['outcomes'].values()), d['total'])
                total = dict.fromkeys(OUTCOMES, 0)
                for d in want.values():
                    for o, n in d.items():
                        total[o] += n
                self.assertEqual(st['total']['outcomes'], total)
                self.assertEqual(total['adopted'], 2 if 'favourite' not in query else 0)
                csv = s.get('/api/stats' + (query + '&' if query else '?') + 'format=csv')
                lines = csv.body.decode().split('\r\n')
                head = lines[0].split(',')
                self.assertEqual(head[8:12], list(OUTCOMES))
                for line in lines[1:]:
                    if not line:
                        continue
                    cells = line.split(',')
                    district = cells[0].strip('"')
                    self.assertEqual([int(c) for c in cells[8:12]],
                                     list(want.get(district, dict.fromkeys(OUTCOMES, 0)).values()),
                                     district)
        # Stadtteile count the same points
        st = s.get('/api/stats?layer=stadtteil').json()
        self.assertEqual(st['total']['outcomes'],
                         s.get('/api/stats').json()['total']['outcomes'] | {})
        self.assertEqual(st['total']['outcomes']['not_adopted'], 1)

    def test_export_files_carry_reply_reply_at_and_outcome(self):
        s = self.server
        published = {p['id']: p for p in self.points if not p['hidden']}
        hidden = [p['id'] for p in self.points if p['hidden']]
        rows = {int(r['id']): r for r in csv_module.DictReader(
            io.StringIO(s.get('/api/export?format=csv').body.decode(), newline=''))}
        gj = {f['id']: f['properties'] for f in s.get('/api/export?format=geojson').json()['features']}
        gpkg = os.path.join(self.server.dir, 'antworten.gpkg')
        with open(gpkg, 'wb') as f:
            f.write(s.get('/api/export?format=gpkg').body)
        out = subprocess.run(['ogr2ogr', '-f', 'CSV', '/vsistdout/', gpkg, 'points'],
                             capture_output=True, check=True).stdout.decode()
        ogr = {int(r['id']): r for r in csv_module.DictReader(io.StringIO(out))}
        for name, got in (('csv', rows), ('geojson', gj), ('gpkg', ogr)):
            with self.subTest(file=name):
                self.assertEqual(sorted(got), sorted(published))
                for pid, p in published.items():
                    self.assertEqual(got[pid]['outcome'], p['outcome'], pid)
                    self.assertEqual(got[pid]['reply'] or None, p['reply'], pid)
                    self.assertEqual(bool(got[pid]['reply_at']), p['reply'] is not None, pid)
                for pid in hidden:
                    self.assertNotIn(pid, got)

    def test_exports_of_one_district(self):
        s = self.server
        for district in ('ob-0', 'ob-6', geo_oracle.district_of(*MORLAUTERN)[1], 'st-10'):
            want = sorted(p['id'] for p in self.points
                          if not p['hidden'] and district in geo_oracle.district_of(*p['place']))
            for fmt in ('csv', 'geojson', 'gpkg'):
                with self.subTest(district=district, format=fmt):
                    r = s.get(f'/api/export?format={fmt}&district={district}')
                    self.assertEqual(r.status, 200, r)
                    self.assertIn(f'geopart-points-{district}.{fmt}', r.header('Content-Disposition'))
                    if fmt == 'csv':
                        got = [int(row['id']) for row in csv_module.DictReader(
                            io.StringIO(r.body.decode(), newline=''))]
                    elif fmt == 'geojson':
                        got = [f['id'] for f in r.json()['features']]
                    else:
                        path = os.path.join(s.dir, f'{district}.gpkg')
                        with open(path, 'wb') as f:
                            f.write(r.body)
                        out = subprocess.run(['ogr2ogr', '-f', 'CSV', '/vsistdout/', path, 'points'],
                                             capture_output=True, check=True).stdout.decode()
                        got = [int(row['id']) for row in csv_module.DictReader(io.StringIO(out))]
                    self.assertEqual(sorted(got), want)
        self.assertProblem(s.get('/api/export?format=csv&district=ob-99'), 400, field='district')


class TestTopicCounts(ServerTest):
    """/api/stats counts per configured topic (`by_topic` per district and
    in the total; `topic_<id>` CSV columns after the old ones), against
    the test's own tally of the fixture points it posted: pending and
    hidden points are not counted for the public."""
    config = {'moderation': 'pre'}
    TOPICS = (None, 'housing', 'mobility', 'green_space', 'mobility', 'climate')
    HEAD = ('district_id,district_name,favourite,improvement,total,online,walk,workshop,'
            'open,in_review,adopted,not_adopted')

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        planner = bearer(make_token(s, 'Themen', 'planner'))
        cls.topics = [t['id'] for t in s.get('/api/config').json()['topics']]
        cls.points = []
        inside = [f for f in load_fixture('kaiserslautern-testpunkte.geojson')['features']
                  if f['properties']['expected_in_city']]
        for i, f in enumerate(inside):
            lon, lat = f['geometry']['coordinates']
            topic = cls.TOPICS[i % len(cls.TOPICS)]
            category = 'improvement' if i % 3 else 'favourite'
            r = s.post_point(lon, lat, category=category, comment=f'Themenprobe {i}', topic=topic)
            assert r.status == 201, r
            # every fourth stays pending, every seventh is hidden, the rest published
            status = 'pending' if i % 4 == 0 else 'hidden' if i % 7 == 0 else 'published'
            if status != 'pending':
                r = s.request('PATCH', f'/api/points/{r.json()["id"]}', body={'status': status},
                              headers=planner)
                assert r.status == 200, r
            p = f['properties']
            cls.points.append({'topic': topic, 'category': category, 'status': status,
                               'ob': f'ob-{p["expected_ortsbezirk_id"]}',
                               'st': f'st-{p["expected_stadtteil_id"]}'})

    def tally(self, key, admit=lambda p: True):
        """{district: {topic: n}} and the total of the published points admit lets through."""
        per, total = {}, dict.fromkeys(self.topics, 0)
        for p in self.points:
            if p['status'] != 'published' or not p['topic'] or not admit(p):
                continue
            per.setdefault(p[key], dict.fromkeys(self.topics, 0))[p['topic']] += 1
            total[p['topic']] += 1
        return per, total

    def test_stats_count_by_topic_per_district_and_in_total(self):
        s = self.server
        self.assertTrue({'housing', 'mobility', 'green_space', 'climate'} <= set(self.topics))
        zero = dict.fromkeys(self.topics, 0)
        for query, key, admit in (
                ('', 'ob', lambda p: True),
                ('?layer=stadtteil', 'st', lambda p: True),
                ('?category=improvement', 'ob', lambda p: p['category'] == 'improvement'),
                ('?topic=mobility&since=2000-01-01', 'ob', lambda p: p['topic'] == 'mobility')):
            with self.subTest(query=query):
                per, total = self.tally(key, admit)
                st = s.get('/api/stats' + query).json()
                self.assertEqual(st['total']['by_topic'], total)
                self.assertGreater(sum(total.values()), 0)
                for d in st['districts']:
                    self.assertEqual(d['by_topic'], per.get(d['id'], zero), d['id'])
                    self.assertLessEqual(sum(d['by_topic'].values()), d['total'])
                # the CSV: the old columns in place, then one per configured topic
                csv = s.get('/api/stats' + (query + '&' if query else '?') + 'format=csv')
                rows = list(csv_module.reader(io.StringIO(csv.body.decode(), newline='')))
                self.assertEqual(rows[0], self.HEAD.split(',') + [f'topic_{t}' for t in self.topics])
                self.assertEqual(len(rows) - 1, len(st['districts']))
                for row in rows[1:]:
                    self.assertEqual(len(row), len(rows[0]))
                    self.assertEqual(dict(zip(self.topics, map(int, row[12:]))),
                                     per.get(row[0], zero), row[0])
        # what the tally counts is there at all: a pending and a hidden point of a topic
        self.assertTrue(any(p['status'] == 'pending' and p['topic'] for p in self.points))
        self.assertTrue(any(p['status'] == 'hidden' and p['topic'] for p in self.points))


class TestImportGeoPackage(ServerTest):
    """geopart import-points FILE.gpkg: GeoPackages written by GDAL's own
    ogr2ogr in EPSG:4326 and EPSG:25832 land where the source put them;
    a broken one names each refused feature by its fid and field and
    imports nothing."""

    FEATURES = [((7.768889, 49.444722), 'improvement', 'Ampel zu kurz', 'mobility', 'Tisch 1'),
                (MORLAUTERN, 'favourite', 'Schöner Platz', None, None),
                ((7.7301, 49.4521), 'improvement', 'Gehweg fehlt', None, 'Tisch 2')]

    def gpkg(self, name, *ogr_args):
        """A GeoPackage made by ogr2ogr from a GeoJSON of FEATURES."""
        src = os.path.join(self.server.dir, name + '.geojson')
        fc = {'type': 'FeatureCollection', 'features': [
            {'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': list(xy)},
             'properties': {'category': c, 'comment': t, 'topic': topic, 'note': note}}
            for xy, c, t, topic, note in self.FEATURES]}
        with open(src, 'w', encoding='utf-8') as f:
            json.dump(fc, f)
        out = os.path.join(self.server.dir, name + '.gpkg')
        subprocess.run(['ogr2ogr', '-f', 'GPKG', out, src, '-nln', 'begehung', *ogr_args],
                       check=True, capture_output=True)
        return out

    def stored(self, where):
        con = sqlite3.connect(f'file:{self.server.db}?mode=ro', uri=True)
        try:
            return con.execute('SELECT comment, category, topic, note, lon, lat, channel, event,'
                               f' ortsbezirk_id FROM points WHERE {where} ORDER BY id').fetchall()
        finally:
            con.close()

    def test_geopackages_of_ogr2ogr_in_both_crs_land_where_the_source_put_them(self):
        s = self.server
        planner = bearer(make_token(s, 'GPKG-Planung', 'planner'))
        ev = make_event(s, planner, 'Begehung Erfenbach', 'walk', '2026-10-17')
        for name, args, where in (('wgs84', [], "channel = 'workshop'"),
                                  ('utm', ['-t_srs', 'EPSG:25832'], f"event = {ev['id']}")):
            with self.subTest(crs=name):
                path = self.gpkg(name, *args)
                r = s.geopart('import-points', path, '--dry-run',
                              *(['--channel', 'workshop'] if name == 'wgs84'
                                else ['--event', str(ev['id'])]))
                self.assertIn(b'3 points checked; nothing imported', r.stdout)
                self.assertEqual(self.stored(where), [])
                r = s.geopart('import-points', path,
                              *(['--channel', 'workshop'] if name == 'wgs84'
                                else ['--event', str(ev['id'])]))
                self.assertIn(b'imported 3 points', r.stdout)
                rows = self.stored(where)
                self.assertEqual([(c, cat, topic, note) for c, cat, topic, note, *_ in rows],
                                 [(t, c, topic, note) for _, c, t, topic, note in self.FEATURES])
                for row, (xy, *_rest) in zip(rows, self.FEATURES):
                    # through EPSG:25832 and back: well below a millimetre
                    self.assertAlmostEqual(row[4], xy[0], places=7)
                    self.assertAlmostEqual(row[5], xy[1], places=7)
                self.assertEqual([r[8] for r in rows], ['ob-0', 'ob-6', geo_oracle.district_of(*self.FEATURES[2][0])[0]])
        self.assertEqual({r[6] for r in self.stored(f"event = {ev['id']}")}, {'walk'})

    def test_a_broken_geopackage_names_each_feature_and_imports_nothing(self):
        s = self.server
        path = self.gpkg('kaputt')
        con = sqlite3.connect(path)
        for (trigger,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            con.execute(f'DROP TRIGGER "{trigger}"')  # GDAL's need SpatiaLite functions
        fids = [r[0] for r in con.execute('SELECT fid FROM begehung ORDER BY fid')]
        con.execute("UPDATE begehung SET geom = X'00010203' WHERE fid = ?", (fids[0],))
        con.execute("UPDATE begehung SET category = 'lovely' WHERE fid = ?", (fids[1],))
        con.execute("UPDATE begehung SET comment = NULL, geom = NULL WHERE fid = ?", (fids[2],))
        # one more, outside the city (Paris), as a well-formed GeoPackage point
        con.execute("INSERT INTO begehung (fid, geom, category, comment) SELECT 9, geom,"
                    " 'favourite', 'Ausserhalb' FROM begehung WHERE fid = ?", (fids[1],))
        blob = bytearray(con.execute('SELECT geom FROM begehung WHERE fid = 9').fetchone()[0])
        flags = blob[3]
        at = 8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 7]
        blob[at + 5:at + 21] = struct.pack('<dd' if blob[at] == 1 else '>dd', 2.35, 48.85)
        con.execute('UPDATE begehung SET geom = ? WHERE fid = 9', (bytes(blob),))
        con.commit()
        con.close()
        before = s.db_count()
        r = s.geopart('import-points', path, '--channel', 'walk', check=False)
        self.assertEqual(r.returncode, 1, r)
        err = r.stderr.decode()
        for line in (f'feature {fids[0]}: geometry: not a GeoPackage geometry',
                     f'feature {fids[1]}: category: unknown category "lovely"',
                     f'feature {fids[2]}: geometry: the feature has no geometry',
                     'feature 9: geometry: the point lies outside the city'):
            self.assertIn(line, err)
        self.assertIn('4 of 4 points refused; nothing imported', err)
        self.assertEqual(s.db_count(), before)
        # not a GeoPackage at all, and one with two point layers
        notgpkg = os.path.join(s.dir, 'text.gpkg')
        with open(notgpkg, 'w') as f:
            f.write('lon,lat\n')
        r = s.geopart('import-points', notgpkg, '--channel', 'walk', check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b'not a GeoPackage', r.stderr)
        two = self.gpkg('zwei')
        subprocess.run(['ogr2ogr', '-f', 'GPKG', '-update', '-nln', 'noch_eine', two,
                        os.path.join(s.dir, 'zwei.geojson')], check=True, capture_output=True)
        r = s.geopart('import-points', two, '--channel', 'walk', check=False)
        self.assertIn(b'2 point layers ("begehung", "noch_eine")', r.stderr)
        self.assertEqual(s.db_count(), before)


if __name__ == '__main__':
    unittest.main()
