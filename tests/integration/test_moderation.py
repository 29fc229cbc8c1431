"""Moderation, staff access, fair participation and privacy, end to end:
pre- and post-moderation, staff tokens and roles, the moderation log, +1 and
flags once per client, rate limits per client, trusted proxies, honeypot and
form timestamps, the participation period, staff-entered walk/workshop
points, retention, CORS — and that no client address ends up on disk."""
import glob
import json
import os
import sqlite3
import subprocess
import time
import unittest

from harness import Server, ServerTest, staff_token as token

CENTRE = (7.768889, 49.444722)           # Innenstadt, ob-0
MORLAUTERN = (7.760636, 49.467408)       # ob-6


def wait_until_clustered(server, pid, timeout=10):
    """Waits for the condition, not for a time: the cluster index shows pid."""
    deadline = time.monotonic() + timeout
    while pid not in [f['id'] for f in server.get('/api/clusters?zoom=17').json()['features']]:
        if time.monotonic() > deadline:
            raise AssertionError(f'point {pid} not in the clusters after {timeout} s')
        time.sleep(0.02)


def absent_from_public_listings(test, server, pid, comment):
    """pid and its text are in no public listing, single item, export or
    count-bearing answer (the full table of routes: test_visibility.py)."""
    c = CENTRE
    for path in ('/api/points?limit=10000', '/api/districts/ob-0/points?limit=10000',
                 f'/api/points/nearby?lon={c[0]}&lat={c[1]}&radius=500&limit=1000',
                 '/api/clusters?zoom=17', '/ogc/collections/points/items?limit=10000',
                 '/api/export?format=geojson', '/api/export?format=csv',
                 '/api/hotspots?eps=50&min_points=2'):
        r = server.get(path)
        test.assertEqual(r.status, 200, (path, r))
        test.assertNotIn(comment.encode(), r.body, path)
        if r.header('Content-Type').startswith('application/geo+json'):
            test.assertNotIn(pid, [f['id'] for f in r.json()['features']], path)
    for path in (f'/api/points/{pid}', f'/ogc/collections/points/items/{pid}'):
        test.assertEqual(server.get(path).status, 404, path)


class TestPreModeration(ServerTest):
    config = {'moderation': 'pre'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.planner = token(cls.server, 'Stadtplanung Müller', 'planner')
        cls.admin = token(cls.server, 'Admin', 'admin')

    def test_pending_until_published_and_absent_everywhere_meanwhile(self):
        s = self.server
        before = {
            'points': s.get('/api/points?limit=1').json()['numberMatched'],
            'stats': s.get('/api/stats').json()['total']['total'],
            'district': s.get('/api/districts/ob-0').json()['properties']['total'],
            'ogc': s.get('/ogc/collections/points/items?limit=1').json()['numberMatched'],
        }
        r = s.post_point(*CENTRE, comment='Bitte mehr Bänke', category='improvement')
        self.assertEqual(r.status, 201, r)
        f = r.json()
        self.assertEqual(f['properties']['status'], 'pending')
        self.assertEqual(f['properties']['ortsbezirk_id'], 'ob-0')
        pid = f['id']
        # invisible to the public everywhere
        self.assertEqual(s.get(f'/api/points/{pid}').status, 404)
        self.assertEqual(s.get('/api/points?limit=1').json()['numberMatched'], before['points'])
        self.assertNotIn(pid, [x['id'] for x in s.get('/api/points?limit=10000').json()['features']])
        self.assertEqual(s.get('/api/stats').json()['total']['total'], before['stats'])
        self.assertEqual(s.get('/api/districts/ob-0').json()['properties']['total'], before['district'])
        self.assertNotIn(b'Bitte mehr B', s.get('/api/districts/ob-0/points?limit=10000').body)
        export = s.geopart('export', '--format', 'geojson').stdout
        self.assertNotIn(b'Bitte mehr B', export)
        for fmt in ('geojson', 'csv'):
            self.assertNotIn('Bitte mehr B'.encode(), s.get(f'/api/export?format={fmt}').body)
        self.assertEqual(s.get('/ogc/collections/points/items?limit=1').json()['numberMatched'],
                         before['ogc'])
        self.assertEqual(s.get(f'/ogc/collections/points/items/{pid}').status, 404)
        self.assertNotIn('Bitte mehr B'.encode(),
                         s.get('/ogc/collections/points/items?limit=10000').body)
        # A staff point written after it is published at once; once the
        # cluster index shows that one, it has seen the pending row too.
        later = s.post_point(*CENTRE, comment='danach, von der Planung', headers=self.planner)
        self.assertEqual(later.status, 201, later)
        wait_until_clustered(s, later.json()['id'])
        self.assertNotIn(pid, [f['id'] for f in s.get('/api/clusters?zoom=17').json()['features']])
        near = s.get(f'/api/points/nearby?lon={CENTRE[0]}&lat={CENTRE[1]}&radius=50').json()
        self.assertNotIn(pid, [f['id'] for f in near['features']])
        self.assertNotIn(b'Bitte mehr B', s.get('/api/hotspots?eps=50&min_points=2').body)
        self.assertEqual(s.request('POST', f'/api/points/{pid}/support').status, 404)
        # the planner sees it in the queue
        q = s.get('/api/admin/points?status=pending&limit=100', headers=self.planner)
        self.assertEqual(q.status, 200, q)
        self.assertEqual(q.header('Cache-Control'), 'no-store')
        self.assertIn(pid, [x['id'] for x in q.json()['features']])
        # and publishes it
        r = s.request('PATCH', f'/api/points/{pid}', body={'status': 'published'}, headers=self.planner)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()['properties']['status'], 'published')
        self.assertEqual(s.get(f'/api/points/{pid}').status, 200)
        self.assertEqual(s.get(f'/ogc/collections/points/items/{pid}').status, 200)
        wait_until_clustered(s, pid)
        self.assertEqual(s.get('/api/stats').json()['total']['total'], before['stats'] + 2)
        self.assertEqual(s.get('/api/districts/ob-0').json()['properties']['total'], before['district'] + 2)
        log = s.get('/api/admin/log', headers=self.admin).json()['entries']
        self.assertEqual(log[0]['actor'], 'Stadtplanung Müller')
        self.assertEqual(log[0]['action'], 'update')
        self.assertEqual(log[0]['point_id'], pid)
        self.assertEqual(log[0]['fields'], 'status: pending → published')

    def test_staff_points_are_published_at_once_with_channel(self):
        s = self.server
        r = s.post_point(*MORLAUTERN, comment='Ortsbegehung: Spielplatz erneuern',
                         extra={'channel': 'walk', 'note': 'Begehung Morlautern 12.10.'},
                         headers=self.planner)
        self.assertEqual(r.status, 201, r)
        p = r.json()['properties']
        self.assertEqual((p['status'], p['channel'], p['note']), ('published', 'walk',
                                                                   'Begehung Morlautern 12.10.'))
        public = s.get(r.header('Location')).json()['properties']
        self.assertEqual(public['channel'], 'walk')
        self.assertNotIn('note', public)  # staff notes stay with staff
        walk = s.get('/api/points?channel=walk&limit=100').json()['features']
        self.assertIn(r.json()['id'], [x['id'] for x in walk])
        self.assertTrue(all(x['properties']['channel'] == 'walk' for x in walk))
        st = s.get('/api/stats?channel=walk').json()
        self.assertGreaterEqual(st['total']['channels']['walk'], 1)
        self.assertEqual(st['total']['channels']['online'], 0)
        csv = s.geopart('export', '--format', 'csv').stdout.decode()
        self.assertIn('channel', csv.split('\r\n')[0])
        # citizens cannot claim a channel
        r = s.post_point(*CENTRE, extra={'channel': 'workshop'})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()['field'], 'properties.channel')


class TestPostModeration(ServerTest):
    config = {'moderation': 'post', 'flag_threshold': '3'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.planner = token(cls.server, 'planner1', 'planner')
        cls.admin = token(cls.server, 'admin1', 'admin')

    def test_public_at_once_then_hidden_redacted_and_deleted(self):
        s = self.server
        r = s.post_point(*CENTRE, comment='Herr Meier aus Nr. 5 parkt hier immer falsch')
        self.assertEqual(r.status, 201)
        pid = r.json()['id']
        self.assertEqual(r.json()['properties']['status'], 'published')
        self.assertEqual(s.get(f'/api/points/{pid}').status, 200)
        # redaction: the new text replaces the old, the log keeps no copy
        r = s.request('PATCH', f'/api/points/{pid}', headers=self.planner,
                      body={'comment': 'Hier wird oft falsch geparkt', 'topic': 'mobility',
                            'category': 'improvement'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()['properties']['comment'], 'Hier wird oft falsch geparkt')
        self.assertEqual(r.json()['properties']['category'], 'improvement')
        r = s.request('PATCH', f'/api/points/{pid}', headers=self.planner, body={'status': 'hidden'})
        self.assertEqual(s.get(f'/api/points/{pid}').status, 404)
        self.assertEqual(s.get(f'/api/admin/points/{pid}', headers=self.planner).json()
                         ['properties']['status'], 'hidden')
        # planners may not delete
        r = s.request('DELETE', f'/api/points/{pid}', headers=self.planner)
        self.assertEqual(r.status, 403, r)
        r = s.request('DELETE', f'/api/points/{pid}', headers=self.admin)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(s.get(f'/api/admin/points/{pid}', headers=self.planner).status, 404)
        log = s.get('/api/admin/log?limit=10', headers=self.admin).json()['entries']
        actions = [(e['action'], e['point_id']) for e in log if e['point_id'] == pid]
        self.assertEqual(actions, [('delete', pid), ('update', pid), ('update', pid)])
        fields = [e['fields'] for e in log if e['point_id'] == pid]
        self.assertIn('comment redacted', fields[2])
        self.assertIn('category: favourite → improvement', fields[2])
        # the removed text is nowhere in the database file any more, not even
        # in freed pages (secure_delete), once the WAL is checkpointed
        con = sqlite3.connect(s.db)
        con.execute('PRAGMA wal_checkpoint(TRUNCATE)')
        con.close()
        for path in glob.glob(s.db + '*'):
            with open(path, 'rb') as f:
                self.assertFalse(b'Meier' in f.read(), f'removed text found in {path}')

    def test_staff_fields_are_judged_and_refused_ones_store_nothing(self):
        s = self.server
        before = s.db_count()
        cases = [
            ({}, {'note': 'eine Notiz'}, 'properties.note', 'only staff'),
            (self.planner, {'channel': 'bus'}, 'properties.channel', 'online, walk or workshop'),
            (self.planner, {'note': 'Glocke \u0007'}, 'properties.note', 'control characters'),
            (self.planner, {'note': 'n' * 1001}, 'properties.note', 'at most 1000'),
        ]
        for headers, extra, field, detail in cases:
            with self.subTest(extra=str(extra)[:40]):
                r = s.post_point(*CENTRE, comment='mit Feldern', extra=extra, headers=headers)
                self.assertProblem(r, 422, field=field, detail=detail)
        self.assertEqual(s.db_count(), before)
        # and the good ones are kept as given
        r = s.post_point(*CENTRE, comment='Werkstatt', headers=self.planner,
                         extra={'channel': 'workshop', 'note': 'n' * 1000})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json()['properties']['channel'], len(r.json()['properties']['note'])),
                         ('workshop', 1000))

    def test_patch_validation(self):
        s = self.server
        pid = s.post_point(*CENTRE, comment='patch me').json()['id']
        for body, field in (({'status': 'deleted'}, 'status'), ({'category': 'nice'}, 'category'),
                            ({'topic': 'weather'}, 'topic'), ({'comment': ''}, 'comment'),
                            ({'comment': None}, 'comment'), ({'colour': 'red'}, 'colour'),
                            ({}, 'body')):
            with self.subTest(body=body):
                r = s.request('PATCH', f'/api/points/{pid}', body=body, headers=self.planner)
                self.assertEqual(r.status, 422, r)
                self.assertEqual(r.json()['field'], field)
        r = s.request('PATCH', '/api/points/999999', body={'status': 'hidden'}, headers=self.planner)
        self.assertEqual(r.status, 404)

    def test_support_once_per_client(self):
        s = self.server
        pid = s.post_point(*CENTRE, comment='support me').json()['id']
        a = [s.request('POST', f'/api/points/{pid}/support', source='127.0.0.2').json()
             for _ in range(3)]
        b = s.request('POST', f'/api/points/{pid}/support', source='127.0.0.3').json()
        self.assertEqual([x['supporters'] for x in a], [1, 1, 1])
        self.assertEqual([x['counted'] for x in a], [True, False, False])
        self.assertEqual(b['supporters'], 2)
        self.assertEqual(s.get(f'/api/points/{pid}').json()['properties']['supporters'], 2)
        self.assertEqual(s.request('POST', '/api/points/999999/support').status, 404)

    def test_support_and_flag_by_one_client_both_count(self):
        s = self.server
        con = lambda: sqlite3.connect(f'file:{s.db}?mode=ro', uri=True)  # noqa: E731
        for first in ('support', 'flag'):
            with self.subTest(first=first):
                pid = s.post_point(*CENTRE, comment=f'beides, zuerst {first}').json()['id']
                src = '127.0.0.21' if first == 'support' else '127.0.0.22'
                support = lambda: s.request('POST', f'/api/points/{pid}/support', source=src)  # noqa: E731
                flag = lambda: s.request('POST', f'/api/points/{pid}/flag',  # noqa: E731
                                         body={'reason': 'duplicate'}, source=src)
                answers = [support(), flag()] if first == 'support' else [flag(), support()]
                sup = answers[0] if first == 'support' else answers[1]
                self.assertEqual(sup.status, 200, sup)
                self.assertEqual((sup.json()['supporters'], sup.json()['counted']), (1, True))
                fl = answers[1] if first == 'support' else answers[0]
                self.assertEqual(fl.status, 202, fl)
                c = con()
                try:
                    self.assertEqual(c.execute('SELECT supporters FROM points WHERE id = ?',
                                               (pid,)).fetchone()[0], 1)
                    self.assertEqual(c.execute('SELECT count(*) FROM flags WHERE point_id = ?',
                                               (pid,)).fetchone()[0], 1)
                finally:
                    c.close()
                # and each still once: again from the same client changes nothing
                self.assertEqual(support().json()['counted'], False)
                self.assertEqual(flag().status, 202)
                staff = s.get(f'/api/admin/points/{pid}', headers=self.planner).json()['properties']
                self.assertEqual((staff['supporters'], staff['flags']), (1, 1))

    def test_staff_support_is_not_counted(self):
        s = self.server
        pid = s.post_point(*CENTRE, comment='Planung gibt kein +1').json()['id']
        for headers in (self.planner, self.admin):
            r = s.request('POST', f'/api/points/{pid}/support', headers=headers, source='127.0.0.23')
            self.assertEqual(r.status, 200, r)
            self.assertEqual((r.json()['supporters'], r.json()['counted']), (0, False))
        self.assertEqual(s.db_count(f'id = {pid} AND supporters = 0'), 1)
        # the same address without a token is a citizen, and counts
        r = s.request('POST', f'/api/points/{pid}/support', source='127.0.0.23')
        self.assertEqual((r.json()['supporters'], r.json()['counted']), (1, True))

    def test_flags_distinct_clients_hide_the_point(self):
        s = self.server
        pid = s.post_point(*CENTRE, comment='flag me').json()['id']
        flag = lambda src, reason='offensive': s.request(  # noqa: E731
            'POST', f'/api/points/{pid}/flag', body={'reason': reason}, source=src)
        for _ in range(3):  # one client three times counts once
            self.assertEqual(flag('127.0.0.2').status, 202)
        self.assertEqual(flag('127.0.0.3', 'spam').status, 202)
        self.assertEqual(s.get(f'/api/points/{pid}').status, 200, 'hidden after 2 distinct flaggers')
        con = sqlite3.connect(f'file:{s.db}?mode=ro', uri=True)
        self.assertEqual(con.execute('SELECT count(*) FROM flags WHERE point_id=?', (pid,)).fetchone()[0], 2)
        con.close()
        self.assertEqual(flag('127.0.0.4', 'personal_data').status, 202)
        later = s.post_point(*CENTRE, comment='nach dem Ausblenden', headers=self.planner)
        wait_until_clustered(s, later.json()['id'])
        absent_from_public_listings(self, s, pid, 'flag me')
        staff = s.get(f'/api/admin/points/{pid}', headers=self.planner).json()['properties']
        self.assertEqual((staff['status'], staff['flags']), ('hidden', 3))
        log = s.get('/api/admin/log', headers=self.admin).json()['entries']
        auto = [e for e in log if e['point_id'] == pid]
        self.assertEqual((auto[0]['actor'], auto[0]['action']), ('system', 'auto-hide'))
        r = s.request('POST', f'/api/points/{pid}/flag', body={'reason': 'spam'})
        self.assertEqual(r.status, 404)  # hidden now
        pid2 = s.post_point(*CENTRE, comment='flag me wrong').json()['id']
        r = s.request('POST', f'/api/points/{pid2}/flag', body={'reason': 'boring'})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()['field'], 'reason')

    def test_token_roles(self):
        s = self.server
        self.assertEqual(s.get('/api/admin/points').status, 401)
        self.assertIn('Bearer', s.get('/api/admin/points').header('WWW-Authenticate'))
        bad = {'Authorization': 'Bearer gpt_notarealtoken'}
        self.assertEqual(s.get('/api/admin/points', headers=bad, source='127.0.0.5').status, 401)
        self.assertEqual(s.get('/api/admin/points', headers={'Authorization': 'Basic eDp5'},
                               source='127.0.0.5').status, 401)
        self.assertEqual(s.get('/api/admin/points', headers=self.planner).status, 200)
        # planners read the log too (it names fields, never removed text); only
        # deleting needs an admin
        self.assertEqual(s.get('/api/admin/log', headers=self.planner).status, 200)
        self.assertEqual(s.get('/api/admin/log', headers=self.admin).status, 200)
        self.assertEqual(s.request('DELETE', '/api/points/999999', headers=self.planner).status,
                         403)
        # a revoked token stops working at once
        t = token(s, 'temp', 'planner')
        self.assertEqual(s.get('/api/admin/points', headers=t).status, 200)
        s.geopart('token', 'revoke', '--name', 'temp')
        self.assertEqual(s.get('/api/admin/points', headers=t).status, 401)
        listing = s.geopart('token', 'list').stdout.decode()
        self.assertIn('temp', listing)
        self.assertIn('revoked', listing)
        # tokens are stored hashed only
        secret = t['Authorization'][7:].encode()
        for path in glob.glob(s.db + '*'):
            with open(path, 'rb') as f:
                self.assertFalse(secret in f.read(), f'a token secret is in {path}')
        r = s.geopart('token', 'create', '--name', 'temp', '--role', 'planner', check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b'exists', r.stderr)

    def test_failed_logins_are_rate_limited(self):
        s = self.server
        bad = {'Authorization': 'Bearer gpt_guessing'}
        codes = [s.get('/api/admin/points', headers=bad, source='127.0.0.6').status for _ in range(7)]
        self.assertEqual(codes[:5], [401] * 5)
        self.assertEqual(codes[5:], [429, 429])
        r = s.get('/api/admin/points', headers=bad, source='127.0.0.6')
        self.assertTrue(int(r.header('Retry-After')) >= 1)
        # another client is not affected, and a right token still works there
        self.assertEqual(s.get('/api/admin/points', headers=self.planner, source='127.0.0.7').status, 200)

    def test_valid_token_works_from_a_locked_out_address(self):
        # A guesser behind the city hall's address must not lock out the
        # planners behind it: the lockout answers failures only.
        s = self.server
        bad = {'Authorization': 'Bearer gpt_guessing'}
        codes = [s.get('/api/admin/points', headers=bad, source='127.0.0.8').status for _ in range(6)]
        self.assertEqual(codes, [401] * 5 + [429])
        r = s.get('/api/admin/points', headers=self.planner, source='127.0.0.8')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(s.request('PATCH', '/api/points/999999', body={'status': 'hidden'},
                                   headers=self.planner, source='127.0.0.8').status, 404)
        # while failures from there stay refused, and are not answered as 401
        r = s.get('/api/admin/points', headers=bad, source='127.0.0.8')
        self.assertEqual(r.status, 429)
        self.assertGreaterEqual(int(r.header('Retry-After')), 1)
        r = s.get('/api/admin/points', headers={'Authorization': 'Basic eDp5'}, source='127.0.0.8')
        self.assertEqual(r.status, 429)


class TestFairParticipation(ServerTest):
    config = {'write_burst': '5', 'write_per_minute': '6', 'comment_window_s': '600',
              'form_min_seconds': '2', 'trusted_proxies': '127.0.0.9'}

    def post(self, source, comment, **kw):
        kw.setdefault('form_token', self.token)
        return self.server.post_point(*CENTRE, comment=comment, source=source, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.server.form_token()
        time.sleep(2.2)  # the form has been "filled" long enough

    def test_sixth_rapid_write_is_refused_for_that_address_only(self):
        codes = [self.post('127.0.0.2', f'Kommentar {i}').status for i in range(6)]
        self.assertEqual(codes, [201] * 5 + [429])
        r = self.post('127.0.0.2', 'noch einer')
        self.assertEqual(r.status, 429)
        self.assertGreaterEqual(int(r.header('Retry-After')), 1)
        self.assertEqual(self.post('127.0.0.3', 'andere Adresse').status, 201)

    def test_forged_forwarded_for_is_ignored_unless_from_a_trusted_proxy(self):
        # An untrusted peer cannot escape its limit by inventing addresses.
        codes = [self.post('127.0.0.4', f'xff {i}',
                           headers={'X-Forwarded-For': f'198.51.100.{i}'}).status for i in range(6)]
        self.assertEqual(codes[-1], 429)
        # Behind the trusted proxy, each forwarded client has its own allowance.
        codes = [self.post('127.0.0.9', f'proxied {i}',
                           headers={'X-Forwarded-For': f'203.0.113.{i}'}).status for i in range(8)]
        self.assertEqual(codes, [201] * 8)
        # and one forwarded client behind it is limited like any other
        codes = [self.post('127.0.0.9', f'same client {i}',
                           headers={'X-Forwarded-For': '192.0.2.77, 127.0.0.9'}).status
                 for i in range(6)]
        self.assertEqual(codes, [201] * 5 + [429])

    def test_repeated_comment_from_one_client(self):
        self.assertEqual(self.post('127.0.0.5', 'Genau dieser Satz').status, 201)
        r = self.post('127.0.0.5', 'Genau dieser Satz')
        self.assertEqual(r.status, 409, r)
        self.assertEqual(r.json()['field'], 'properties.comment')
        self.assertEqual(self.post('127.0.0.6', 'Genau dieser Satz').status, 201)

    def test_honeypot_and_too_fast_forms_store_nothing(self):
        before = self.server.db_count()
        r = self.post('127.0.0.7', 'bot 1', extra={'website': 'http://spam.example'})
        self.assertEqual((r.status, r.json()), (202, {'status': 'received'}))
        fresh = self.server.form_token()
        r = self.post('127.0.0.7', 'bot 2', form_token=fresh)  # filled in no time
        self.assertEqual(r.status, 202)
        r = self.post('127.0.0.7', 'bot 3', form_token=False)   # no form at all
        self.assertEqual(r.status, 202)
        forged = self.token.split('.')[0] + '.AAAAAAAAAAAAAAAAAAAAAA'
        r = self.post('127.0.0.7', 'bot 4', form_token=forged)
        self.assertEqual(r.status, 202)
        self.assertEqual(self.server.db_count(), before)
        r = self.post('127.0.0.8', 'a person', extra={'website': ''})
        self.assertEqual(r.status, 201)


class TestPeriod(unittest.TestCase):

    def test_closed_period_refuses_writes_and_keeps_reads(self):
        for config, word in (({'open_until': '2020-01-31T23:59:59+01:00'}, 'ended'),
                             ({'open_from': '2999-01-01T00:00:00Z'}, 'not begun')):
            with self.subTest(config=config):
                s = Server(config=config).start()
                try:
                    planner = token(s, 'p', 'planner')
                    r = s.post_point(*CENTRE)
                    self.assertEqual(r.status, 403, r)
                    self.assertIn(word, r.json()['detail'])
                    self.assertEqual(s.db_count(), 0)
                    self.assertEqual(s.get('/api/points').status, 200)
                    c = s.get('/api/config').json()
                    self.assertFalse(c['participation']['open'])
                    # staff still record workshop input after the close
                    r = s.post_point(*CENTRE, extra={'channel': 'workshop'}, headers=planner)
                    self.assertEqual(r.status, 201, r)
                    pid = r.json()['id']
                    self.assertEqual(s.request('POST', f'/api/points/{pid}/support').status, 403)
                finally:
                    s.cleanup()

    def test_bad_period_config_is_refused(self):
        s = Server(config={'open_until': 'next week'})
        with self.assertRaises(RuntimeError):
            s.start()
        self.assertIn('open_until', s.read_log())
        s.cleanup()


class TestRetentionAndCors(ServerTest):
    config = {'retention_days': '30', 'cors_origins': 'https://beteiligung.kaiserslautern.de'}

    def test_purge_removes_old_pending_and_hidden_points_and_flags(self):
        s = self.server
        planner = token(s, 'p', 'planner')
        keep = s.post_point(*CENTRE, comment='published stays').json()['id']
        old_hidden = s.post_point(*CENTRE, comment='old hidden').json()['id']
        new_hidden = s.post_point(*CENTRE, comment='new hidden').json()['id']
        for pid in (old_hidden, new_hidden):
            s.request('PATCH', f'/api/points/{pid}', body={'status': 'hidden'}, headers=planner)
        s.request('POST', f'/api/points/{keep}/flag', body={'reason': 'spam'})
        con = sqlite3.connect(s.db)
        con.execute("UPDATE points SET updated = '2020-01-01T00:00:00.000Z' WHERE id IN (?, ?)",
                    (old_hidden, keep))
        con.execute("UPDATE flags SET created = '2020-01-01T00:00:00.000Z'")
        con.commit()
        con.close()
        r = s.geopart('purge')
        self.assertIn(b'purged 1 pending/hidden points and 1 flags', r.stdout)
        con = sqlite3.connect(f'file:{s.db}?mode=ro', uri=True)
        ids = {row[0] for row in con.execute('SELECT id FROM points')}
        con.close()
        self.assertIn(keep, ids)
        self.assertIn(new_hidden, ids)
        self.assertNotIn(old_hidden, ids)

    def test_cors_only_for_allowed_origins(self):
        s = self.server
        ok = 'https://beteiligung.kaiserslautern.de'
        r = s.get('/api/points', headers={'Origin': ok})
        self.assertEqual(r.header('Access-Control-Allow-Origin'), ok)
        self.assertIn('Origin', r.header('Vary'))
        r = s.get('/api/points', headers={'Origin': 'https://evil.example'})
        self.assertIsNone(r.header('Access-Control-Allow-Origin'))
        r = s.request('OPTIONS', '/api/points', headers={
            'Origin': ok, 'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'content-type'})
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header('Access-Control-Allow-Origin'), ok)
        self.assertIn('POST', r.header('Access-Control-Allow-Methods'))
        r = s.request('OPTIONS', '/api/points', headers={
            'Origin': 'https://evil.example', 'Access-Control-Request-Method': 'POST'})
        self.assertIsNone(r.header('Access-Control-Allow-Methods'))
        # errors carry it too, so the allowed page can read them
        r = s.get('/api/points?limit=0', headers={'Origin': ok})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.header('Access-Control-Allow-Origin'), ok)

    def test_config_tells_the_page_privacy_and_period(self):
        c = self.server.get('/api/config').json()
        self.assertIn('IP-Adresse', c['privacy_note'])
        self.assertEqual(c['moderation'], 'post')
        self.assertTrue(c['participation']['open'])
        self.assertIn('personal_data', c['flag_reasons'])


class TestNoClientAddressOnDisk(unittest.TestCase):
    """After a busy session from several addresses, none of them is in the
    database files or the log."""

    def test_no_address_is_written(self):
        s = Server(config={'write_burst': '4', 'write_per_minute': '6', 'log_level': 'debug',
                           'trusted_proxies': '127.0.0.9'}).start()
        try:
            planner = token(s, 'p', 'planner')
            sources = ['127.0.0.2', '127.0.0.3', '127.0.0.4']
            answers = []  # (what, status got, status wanted): every request did what it says
            pid = s.post_point(*CENTRE, comment='Ziel', headers=planner).json()['id']
            for n, src in enumerate(sources):
                # four writes each (+1, flag, a point, a malformed body), then a fifth refused
                r = s.request('POST', f'/api/points/{pid}/support', source=src)
                answers.append((f'+1 {n}', (r.status, r.json().get('supporters')), (200, n + 1)))
                r = s.request('POST', f'/api/points/{pid}/flag', body={'reason': 'spam'}, source=src)
                answers.append((f'flag {n}', r.status, 202))
                r = s.post_point(*CENTRE, comment=f'Beitrag {n}', source=src)
                answers.append((f'post {n}', r.status, 201))
                r = s.request('POST', '/api/points', body=b'{"type":', source=src,
                              headers={'Content-Type': 'application/json'})
                answers.append((f'bad body {n}', r.status, 400))
                r = s.post_point(*CENTRE, comment=f'zu viel {n}', source=src)
                answers.append((f'rate limited {n}', r.status, 429))
                r = s.get('/api/admin/points', headers={'Authorization': 'Bearer wrong'}, source=src)
                answers.append((f'bad token {n}', r.status, 401))
            r = s.post_point(*CENTRE, comment='via proxy', source='127.0.0.9',
                             headers={'X-Forwarded-For': '198.51.100.23'})
            answers.append(('via proxy', r.status, 201))
            r = s.get('/api/admin/points', headers=planner, source='127.0.0.2')
            answers.append(('staff', r.status, 200))
            staff = s.get(f'/api/admin/points/{pid}', headers=planner).json()['properties']
            answers.append(('flags counted', (staff['flags'], staff['status']), (3, 'hidden')))
        finally:
            s.stop()
        self.assertEqual([(w, got) for w, got, _ in answers], [(w, want) for w, _, want in answers])
        self.assertEqual(s.db_count(), 1 + 3 + 1)
        files = glob.glob(s.db + '*') + [s.log_path]
        self.assertGreaterEqual(len(files), 3)
        for path in files:
            with open(path, 'rb') as f:
                data = f.read()
            for addr in sources + ['198.51.100.23', '127.0.0.9']:
                with self.subTest(file=os.path.basename(path), addr=addr):
                    self.assertFalse(addr.encode() in data, f'{addr} found in {path}')
        s.cleanup()


if __name__ == '__main__':
    unittest.main()
