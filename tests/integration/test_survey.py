"""The questionnaire (Umfrage): the example definition in data/ served as
GET /api/survey, answers accepted and refused (cases/survey.cases), the bot
checks and limits of points, results and their CSV against aggregates this
test computes itself from the answers it sent, small counts withheld so no
one can work them out, the staff CSV with its codebook, and definitions
that would recode stored answers refused at start.
"""
import csv
import io
import json
import os
import random
import sqlite3
import statistics
import subprocess
import unittest

from harness import BIN, DATA, FIXTURES, Server, ServerTest
from test_input_rules import parse_cases, run_case

HERE = os.path.dirname(os.path.abspath(__file__))
SURVEY = os.path.join(DATA, 'umfrage.json')
MIN_CELL = 5
TOPICS = ['housing', 'mobility', 'green_space', 'climate', 'retail', 'culture', 'social']


def token(server, name, role='planner'):
    secret = server.geopart('token', 'create', '--name', name, '--role', role).stdout
    return {'Authorization': 'Bearer ' + secret.decode().strip()}


def responses_stored(server):
    con = sqlite3.connect(f'file:{server.db}?mode=ro', uri=True, timeout=10)
    try:
        return con.execute('SELECT count(*) FROM survey_responses').fetchone()[0]
    finally:
        con.close()


def inside_points():
    """Fixture places well inside an Ortsbezirk, with the districts they lie in."""
    with open(os.path.join(FIXTURES, 'kaiserslautern-testpunkte.geojson'), encoding='utf-8') as f:
        features = json.load(f)['features']
    return [(f['geometry']['coordinates'], f"ob-{f['properties']['expected_ortsbezirk_id']}",
             f"st-{f['properties']['expected_stadtteil_id']}")
            for f in features if f['properties'].get('expected_in_city')
            and f['properties'].get('min_dist_to_ortsbezirk_boundary_m', 0) > 50
            and f['properties'].get('expected_stadtteil_id') is not None]


def make_answers(rnd, places):
    """One respondent's answers to data/umfrage.json, and where they live."""
    a = {}
    relation = [c for c in ('live', 'work', 'study', 'visit') if rnd.random() < 0.5] or ['work']
    a['relation'] = relation
    if 'live' in relation:
        # many in the Innenstadt, some in Einsiedlerhof, a handful elsewhere
        a['home'] = rnd.choice(['ob-0'] * 12 + ['ob-1'] * 6 + ['ob-5', 'ob-9', 'outside'])
    for t in TOPICS:
        if rnd.random() < 0.7:
            a['satisfaction_' + t] = rnd.randint(1, 5)
    a['priority'] = rnd.choice(TOPICS[:4])
    if rnd.random() < 0.3:
        a['place'] = list(rnd.choice(places)[0])
    if rnd.random() < 0.4:
        a['wish'] = rnd.choice(['Mehr Bäume', '=Radwege, "sicher"', 'Wohnungen\nfür alle'])
    return a


def truth(sent, places):
    """The results computed here, from the answers sent: (group, question,
    code) → count, with code None for how many answered; and the scale
    values per group and question for medians."""
    counts, values, respondents = {}, {}, {}
    place_ob = {tuple(c): ob for c, ob, _ in places}

    def add(key, n=1):
        counts[key] = counts.get(key, 0) + n

    for a in sent:
        home = a.get('home', 'unknown')
        for g in ('city', home):
            respondents[g] = respondents.get(g, 0) + 1
            for q, v in a.items():
                add((g, q, None))
                if q == 'relation':
                    for c in v:
                        add((g, q, c))
                elif q.startswith('satisfaction_'):
                    add((g, q, str(v)))
                    values.setdefault((g, q), []).append(v)
                elif q in ('priority', 'home'):
                    add((g, q, v))
                elif q == 'place':
                    add((g, q, place_ob[tuple(v)]))
    return counts, values, respondents


class TestSurvey(ServerTest):
    config = {'survey': SURVEY, 'survey_results_public': 'on'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.places = inside_points()
        cls.planner = token(cls.server, 'survey-planner')

    def post(self, answers, **extra):
        body = {'answers': answers, 'form_token': self.server.form_token(), 'website': ''}
        body.update(extra)
        return self.server.request('POST', '/api/survey/responses', body=body)

    def test_a_definition_is_the_example(self):
        r = self.server.get('/api/survey')
        self.assertEqual(r.status, 200, r)
        doc = r.json()
        with open(SURVEY, encoding='utf-8') as f:
            mine = json.load(f)
        self.assertEqual([q['id'] for q in doc['questions']], [q['id'] for q in mine['questions']])
        self.assertEqual(doc['title'], mine['title'])
        home = next(q for q in doc['questions'] if q['id'] == 'home')
        self.assertEqual(home['show_if'], {'question': 'relation', 'in': ['live']})
        codes = [o['code'] for o in home['options']]
        self.assertEqual(codes, [f'ob-{i}' for i in range(10)] + ['outside'])
        self.assertEqual(home['options'][0]['label']['de'], 'Innenstadt')
        scale = next(q for q in doc['questions'] if q['type'] == 'scale')
        self.assertEqual([o['code'] for o in scale['options']], ['1', '2', '3', '4', '5'])

    def test_b_refused_answers_store_nothing(self):
        cases = parse_cases(os.path.join(HERE, 'cases', 'survey.cases'))
        self.assertGreater(len(cases), 25)
        before = responses_stored(self.server)
        for c in cases:
            with self.subTest(case=c['name']):
                run_case(self, self.server, c)
                self.assertEqual(responses_stored(self.server), before,
                                 'a refused response stored something')
        # the same answers with their mistake mended are stored
        r = self.post({'relation': ['live'], 'home': 'ob-3', 'priority': 'housing',
                       'place': list(self.places[0][0])})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json(), {'status': 'stored'})
        self.assertEqual(responses_stored(self.server), before + 1)
        TestSurvey.extra = [{'relation': ['live'], 'home': 'ob-3', 'priority': 'housing',
                             'place': list(self.places[0][0])}]

    def test_c_bots_are_told_nothing_and_nothing_is_stored(self):
        before = responses_stored(self.server)
        good = {'relation': ['work'], 'priority': 'climate'}
        r = self.post(good, website='http://spam.example')
        self.assertEqual((r.status, r.json()), (202, {'status': 'received'}))
        r = self.server.request('POST', '/api/survey/responses',
                                body={'answers': good, 'website': ''})
        self.assertEqual((r.status, r.json()), (202, {'status': 'received'}))
        r = self.post(good, form_token='1.forged')
        self.assertEqual(r.status, 202, r)
        self.assertEqual(responses_stored(self.server), before)

    def test_d_results_match_the_answers(self):
        rnd = random.Random(13)
        sent = list(getattr(TestSurvey, 'extra', []))
        for _ in range(90):
            a = make_answers(rnd, self.places)
            r = self.post(a)
            self.assertEqual(r.status, 201, (a, r))
            sent.append(a)
        counts, values, respondents = truth(sent, self.places)
        self.assertEqual(responses_stored(self.server), len(sent))
        self.assertGreaterEqual(respondents['ob-0'], MIN_CELL)
        # a group small enough to be withheld exists, so suppression is exercised
        self.assertTrue(any(0 < n < MIN_CELL for n in respondents.values()), respondents)

        r = self.server.get('/api/survey/results')
        self.assertEqual(r.status, 200, r)
        res = r.json()
        self.assertEqual(res['min_cell'], MIN_CELL)
        shown = {}
        for g in res['groups']:
            shown[(g['id'], None, '#')] = g['respondents']['count']
        medians = {}
        for q in res['questions']:
            for row in q['results']:
                shown[(row['group'], q['id'], None)] = row['answered']['count']
                for c in row['counts']:
                    self.assertEqual(c['suppressed'], c['count'] is None)
                    shown[(row['group'], q['id'], c['code'])] = c['count']
                if 'median' in row:
                    medians[(row['group'], q['id'])] = row['median']
        self.check_table(shown, counts, respondents, res)
        for (g, q), m in medians.items():
            vals = values.get((g, q), [])
            if shown[(g, q, None)] is None or not vals:
                self.assertIsNone(m, (g, q))
            else:
                self.assertAlmostEqual(m, statistics.median(vals), places=6, msg=(g, q))

        # the CSV says the same, as a download
        r = self.server.get('/api/survey/results?format=csv')
        self.assertEqual(r.status, 200, r)
        self.assertIn('attachment', r.header('Content-Disposition'))
        self.assertTrue(r.header('Content-Type').startswith('text/csv'))
        rows = list(csv.DictReader(io.StringIO(r.body.decode('utf-8'), newline='')))
        from_csv = {(g, None, '#'): n for (g, _, k), n in shown.items() if k == '#'}
        for row in rows:
            key = (row['district_id'], row['question_id'], row['code'] or None)
            from_csv[key] = None if row['suppressed'] == 'true' else int(row['count'])
            self.assertEqual(row['count'] == '', row['suppressed'] == 'true', row)
        self.check_table(from_csv, counts, respondents, res)
        self.assertEqual(set(from_csv), set(shown))

        # one Ortsbezirk alone: the same numbers
        r = self.server.get('/api/survey/results?district=ob-0')
        one = r.json()
        self.assertEqual(one['district'], 'ob-0')
        self.assertEqual([g['id'] for g in one['groups']], ['ob-0'])
        for q in one['questions']:
            (row,) = q['results']
            for c in row['counts']:
                self.assertEqual(c['count'], shown[('ob-0', q['id'], c['code'])])

        self.check_staff_csv(sent)

    def check_table(self, shown, counts, respondents, res):
        """Every shown count is the true one; every count of 1 to MIN_CELL-1 is
        withheld; a withheld count can never be worked out from a shown total
        (no row or column with exactly one withheld); a small group shows
        nothing."""
        groups = [g['id'] for g in res['groups']]
        exclusive = {q['id']: q['type'] != 'multiple' for q in res['questions']}
        for (g, q, code), n in shown.items():
            true = respondents.get(g, 0) if code == '#' else counts.get((g, q, code), 0)
            if n is not None:
                self.assertEqual(n, true, (g, q, code))
            if 0 < true < MIN_CELL:
                self.assertIsNone(n, (g, q, code, true))
            if 0 < respondents.get(g, 0) < MIN_CELL and true:
                self.assertIsNone(n, (g, q, code))
        districts = [g for g in groups if g != 'city']
        for (g, q, code), n in shown.items():
            if g != 'city' or n is None:
                continue
            column = [shown[(d, q, code)] for d in districts]
            hidden = [d for d, v in zip(districts, column) if v is None]
            self.assertNotEqual(len(hidden), 1, f'{q} {code}: only {hidden} withheld')
        for q in res['questions']:
            if not exclusive[q['id']]:
                continue
            for g in groups:
                if shown[(g, q['id'], None)] is None:
                    continue
                row = [shown[(g, q['id'], o['code'])] for o in q['options']]
                self.assertNotEqual(row.count(None), 1, f'{g} {q["id"]}: one withheld')
        # and not everything is withheld: the big groups are readable
        self.assertEqual(shown[('city', 'priority', None)], counts[('city', 'priority', None)])
        self.assertIsNotNone(shown[('ob-0', 'relation', 'live')])

    def check_staff_csv(self, sent):
        r = self.server.get('/api/admin/survey/responses?format=csv')
        self.assertEqual(r.status, 401, r)
        r = self.server.get('/api/admin/survey/responses?format=csv', headers=self.planner)
        self.assertEqual(r.status, 200, r)
        rows = list(csv.DictReader(io.StringIO(r.body.decode('utf-8'), newline='')))
        self.assertEqual(len(rows), len(sent))
        for row, a in zip(rows, sent):
            self.assertEqual(row['priority'], a['priority'])
            self.assertEqual(row['ortsbezirk'], a.get('home', ''))
            for c in ('live', 'work', 'study', 'visit'):
                self.assertEqual(row['relation.' + c], '1' if c in a['relation'] else '0')
            for t in TOPICS:
                self.assertEqual(row['satisfaction_' + t], str(a.get('satisfaction_' + t, '')))
            wish = a.get('wish', '')
            # text that a spreadsheet would run as a formula is defused
            self.assertEqual(row['wish'], "'" + wish if wish.startswith('=') else wish)
            if 'place' in a:
                self.assertAlmostEqual(float(row['place.lon']), a['place'][0], places=6)
                ob = next(ob for c, ob, _ in self.places if c == a['place'])
                self.assertEqual(row['place.ortsbezirk'], ob)
            else:
                self.assertEqual(row['place.lon'], '')
        r = self.server.get('/api/admin/survey/responses?format=codebook', headers=self.planner)
        book = list(csv.DictReader(io.StringIO(r.body.decode('utf-8'), newline='')))
        self.assertEqual(list(dict.fromkeys(b['column'] for b in book)), list(rows[0].keys()))
        prio = [b for b in book if b['column'] == 'priority']
        self.assertEqual([b['code'] for b in prio], TOPICS)
        self.assertEqual(prio[0]['label_de'], 'Wohnen')

    def test_f_check_verifies_the_kept_counts(self):
        """`geopart check` recounts the answers: the kept counts agree, and a
        count changed behind the server's back is reported."""
        r = self.server.geopart('check')
        self.assertIn('ok:', r.stdout.decode())
        con = sqlite3.connect(self.server.db, timeout=10)
        try:
            con.execute("UPDATE survey_counts SET n = n + 1 WHERE question = 'priority'"
                        " AND ortsbezirk = 'ob-0' AND code = 'housing'")
            con.commit()
        finally:
            con.close()
        r = self.server.geopart('check', check=False)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn(b'survey count priority/ob-0/housing: kept ', r.stderr + r.stdout)

    def test_e_no_client_address_on_disk(self):
        self.assertEqual(self.post({'relation': ['visit'], 'priority': 'retail'}).status, 201)
        con = sqlite3.connect(f'file:{self.server.db}?mode=ro', uri=True, timeout=10)
        try:
            cols = [c[1] for c in con.execute('PRAGMA table_info(survey_responses)')]
            days = [d for (d,) in con.execute('SELECT day FROM survey_responses')]
        finally:
            con.close()
        self.assertEqual(cols, ['id', 'day', 'ortsbezirk'])
        self.assertTrue(all(len(d) == 10 for d in days), days)  # the day, never the time
        for path in (self.server.db, self.server.db + '-wal'):
            if os.path.exists(path):
                with open(path, 'rb') as f:
                    self.assertNotIn(b'127.0.0.1', f.read())


class TestSurveyRules(ServerTest):
    """Results not public; the same answers twice."""
    config = {'survey': SURVEY, 'comment_window_s': '600'}

    def test_results_for_staff_only(self):
        self.assertEqual(self.server.get('/api/survey/results').status, 401)
        staff = token(self.server, 'rules-planner')
        self.assertEqual(self.server.get('/api/survey/results', headers=staff).status, 200)
        # a planner signed in through the browser reads them with the cookie alone
        jar, _ = session(self.server, staff)
        r = self.server.get('/api/survey/results', headers=jar)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()['texts'], {'wish': []})

    def test_same_answers_twice_are_stored_once(self):
        body = {'answers': {'relation': ['work'], 'priority': 'mobility', 'wish': 'einmal'},
                'form_token': self.server.form_token()}
        before = responses_stored(self.server)
        self.assertEqual(self.server.request('POST', '/api/survey/responses', body=body).status,
                         201)
        r = self.server.request('POST', '/api/survey/responses', body=body)
        self.assertProblem(r, 409, field='answers')
        body['answers']['wish'] = 'zweimal'
        self.assertEqual(self.server.request('POST', '/api/survey/responses', body=body).status,
                         201)
        self.assertEqual(responses_stored(self.server), before + 2)


def session(server, secret_header):
    """Signs in with a token through POST /api/session; the cookie header and the Origin."""
    origin = f'http://127.0.0.1:{server.port}'
    r = server.request('POST', '/api/session', headers={'Origin': origin},
                       body={'token': secret_header['Authorization'].split(' ', 1)[1]})
    assert r.status == 201, r
    for part in (r.header('Set-Cookie') or '').split(';'):
        k, _, v = part.strip().partition('=')
        if k == 'gp_session':
            return {'Cookie': f'gp_session={v}'}, origin
    raise AssertionError(r.headers)


def send_texts(server, sent):
    """Posts one response per (home or None, free text) of `sent`, in order."""
    for home, text in sent:
        answers = {'relation': ['live'] if home else ['work'], 'priority': 'housing',
                   'wish': text}
        if home:
            answers['home'] = home
        r = server.request('POST', '/api/survey/responses', body={
            'answers': answers, 'form_token': server.form_token(), 'website': ''})
        assert r.status == 201, r


class TestSurveyTexts(ServerTest):
    """Free-text answers: never public, a moderation queue for staff
    (pending, approved, hidden) whose changes the moderation log records
    with the actor, the approved texts in the staff's results per
    Ortsbezirk, and the raw responses CSV unchanged."""
    config = {'survey': SURVEY, 'survey_results_public': 'on'}

    SENT = [  # (home or None, the free text)
        ('ob-0', 'Mehr Bäume in der Fackelstraße'),
        ('ob-0', '=Radwege, "sicher"'),
        ('ob-1', 'Wohnungen\nfür alle'),
        (None, 'Ein Kino am Stiftsplatz'),
        ('outside', 'Bessere Busse aus dem Umland'),
        ('ob-1', 'Sitzbänke am Bahnhof'),
    ]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.planner = token(cls.server, 'Stadtplanung Weber')
        cls.admin = token(cls.server, 'Amt 61 Admin', 'admin')
        send_texts(cls.server, cls.SENT)
        # one response without a text: nothing to moderate
        r = cls.server.request('POST', '/api/survey/responses', body={
            'answers': {'relation': ['visit'], 'priority': 'retail'},
            'form_token': cls.server.form_token()})
        assert r.status == 201, r

    def queue(self, query='', headers=None):
        r = self.server.get('/api/admin/survey/texts' + query, headers=headers or self.planner)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header('Cache-Control'), 'no-store')
        return r.json()

    def ids_by_text(self):
        return {t['text']: t['id'] for t in self.queue('?limit=100')['texts']}

    def patch(self, tid, body, headers=None):
        return self.server.request('PATCH', f'/api/admin/survey/texts/{tid}', body=body,
                                   headers=headers or self.planner)

    def test_a_texts_are_never_public(self):
        r = self.server.get('/api/survey/results')
        self.assertEqual(r.status, 200, r)
        self.assertNotIn('texts', r.json())
        for _, text in self.SENT:
            self.assertNotIn(json.dumps(text)[1:-1].encode(), r.body)
        self.assertNotIn(b'Fackelstra', self.server.get('/api/survey/results?format=csv').body)
        self.assertProblem(self.server.get('/api/admin/survey/texts'), 401,
                           field='Authorization')
        r = self.server.request('PATCH', '/api/admin/survey/texts/1', body={'status': 'approved'})
        self.assertProblem(r, 401, field='Authorization')

    def test_b_the_queue_holds_every_text_pending(self):
        q = self.queue('?status=pending')
        self.assertEqual(q['numberMatched'], len(self.SENT))
        self.assertEqual([t['text'] for t in q['texts']], [t for _, t in self.SENT])
        self.assertEqual([t['district'] for t in q['texts']],
                         [h or 'unknown' for h, _ in self.SENT])
        first = q['texts'][0]
        self.assertEqual((first['question'], first['status'], first['updated']),
                         ('wish', 'pending', None))
        self.assertEqual(len(first['day']), 10)
        self.assertEqual(first['district_name'], 'Innenstadt')
        self.assertTrue(first['question_text']['de'])
        # narrowed by Ortsbezirk, and paged
        self.assertEqual([t['text'] for t in self.queue('?district=ob-1')['texts']],
                         [t for h, t in self.SENT if h == 'ob-1'])
        self.assertEqual([t['text'] for t in self.queue('?district=unknown')['texts']],
                         [t for h, t in self.SENT if h is None])
        page = self.queue('?limit=2&offset=2')
        self.assertEqual([t['text'] for t in page['texts']], [t for _, t in self.SENT[2:4]])
        self.assertEqual((page['numberMatched'], page['numberReturned']), (len(self.SENT), 2))

    def test_c_moderation_is_logged_and_approved_texts_reach_the_staff_results(self):
        ids = self.ids_by_text()
        jar, origin = session(self.server, self.planner)
        # approve three (one through the browser's session), hide one
        for text, status, hdrs in [
                ('Mehr Bäume in der Fackelstraße', 'approved', dict(jar, Origin=origin)),
                ('Wohnungen\nfür alle', 'approved', None),
                ('Ein Kino am Stiftsplatz', 'approved', None),
                ('=Radwege, "sicher"', 'hidden', self.admin)]:
            r = self.patch(ids[text], {'status': status}, headers=hdrs)
            self.assertEqual(r.status, 200, r)
            t = r.json()['texts'][0]
            self.assertEqual((t['id'], t['status'], t['text']), (ids[text], status, text))
            self.assertIsNotNone(t['updated'])
        # the same status again changes nothing and logs nothing
        log_before = self.server.get('/api/admin/log', headers=self.planner).json()
        self.assertEqual(self.patch(ids['Ein Kino am Stiftsplatz'],
                                    {'status': 'approved'}).status, 200)
        log = self.server.get('/api/admin/log', headers=self.planner).json()
        self.assertEqual(log['numberMatched'], log_before['numberMatched'])
        mine = [e for e in log['entries'] if e['fields'].startswith('survey text ')]
        self.assertEqual(len(mine), 4)
        newest = mine[0]
        self.assertEqual((newest['actor'], newest['action'], newest['point_id']),
                         ('Amt 61 Admin', 'update', None))
        radwege = ids['=Radwege, "sicher"']
        self.assertEqual(newest['fields'],
                         f'survey text {radwege} (wish): status: pending → hidden')
        self.assertEqual(mine[-1]['actor'], 'Stadtplanung Weber')
        self.assertFalse(any('Bäume' in e['fields'] or 'Kino' in e['fields'] for e in mine))

        # staff results: the approved texts, oldest first, each with its group
        approved = [(h or 'unknown', t) for h, t in self.SENT if t in (
            'Mehr Bäume in der Fackelstraße', 'Wohnungen\nfür alle', 'Ein Kino am Stiftsplatz')]
        for hdrs in (self.planner, jar):
            r = self.server.get('/api/survey/results', headers=hdrs)
            self.assertEqual(r.status, 200, r)
            self.assertEqual([(t['district'], t['text']) for t in r.json()['texts']['wish']],
                             approved)
            # no cache keeps what staff read for anyone else
            self.assertEqual(r.header('Cache-Control'), 'no-store')
        for group in ('ob-0', 'ob-1', 'unknown', 'outside'):
            r = self.server.get(f'/api/survey/results?district={group}', headers=self.planner)
            self.assertEqual([t['text'] for t in r.json()['texts']['wish']],
                             [t for g, t in approved if g == group], group)
        # the public still sees none
        self.assertNotIn('texts', self.server.get('/api/survey/results').json())
        # the queue: what is left, and what was hidden
        self.assertEqual([t['text'] for t in self.queue('?status=pending')['texts']],
                         ['Bessere Busse aus dem Umland', 'Sitzbänke am Bahnhof'])
        self.assertEqual([t['text'] for t in self.queue('?status=hidden')['texts']],
                         ['=Radwege, "sicher"'])
        # a hidden text can be approved after all, and back to pending
        rid = ids['=Radwege, "sicher"']
        self.assertEqual(self.patch(rid, {'status': 'pending'}).json()['texts'][0]['status'],
                         'pending')
        self.assertEqual(self.patch(rid, {'status': 'hidden'}).status, 200)

        # the responses CSV keeps every text as it was sent, whatever its status
        r = self.server.get('/api/admin/survey/responses?format=csv', headers=self.planner)
        rows = list(csv.DictReader(io.StringIO(r.body.decode('utf-8'), newline='')))
        self.assertEqual([row['wish'] for row in rows if row['wish']],
                         ["'=Radwege, \"sicher\"" if t.startswith('=') else t
                          for _, t in self.SENT])

    def test_d_bad_input_is_named(self):
        ids = self.ids_by_text()
        tid = ids['Sitzbänke am Bahnhof']
        jar, origin = session(self.server, self.planner)
        cases = [
            (self.patch(tid, {'status': 'published'}), 422, 'status'),
            (self.patch(tid, {'status': 5}), 422, 'status'),
            (self.patch(tid, {}), 422, 'status'),
            (self.patch(tid, {'status': 'approved', 'text': 'anders'}), 422, 'text'),
            (self.patch(999999, {'status': 'approved'}), 404, 'id'),
            (self.patch('abc', {'status': 'approved'}), 404, 'id'),
            (self.patch(0, {'status': 'approved'}), 404, 'id'),
            # a session's write must come from this server's pages
            (self.patch(tid, {'status': 'approved'}, headers=jar), 403, 'Origin'),
            (self.patch(tid, {'status': 'approved'},
                        headers=dict(jar, Origin='http://evil.example')), 403, 'Origin'),
            (self.server.get('/api/admin/survey/texts?status=published', headers=self.planner),
             400, 'status'),
            (self.server.get('/api/admin/survey/texts?question=priority', headers=self.planner),
             400, 'question'),
            (self.server.get('/api/admin/survey/texts?district=ob-99', headers=self.planner),
             400, 'district'),
            (self.server.get('/api/admin/survey/texts?limit=0', headers=self.planner),
             400, 'limit'),
            (self.server.get('/api/admin/survey/texts?colour=red', headers=self.planner),
             400, None),
        ]
        for r, status, field in cases:
            with self.subTest(status=status, field=field):
                self.assertProblem(r, status, field=field)
        r = self.server.request('PATCH', f'/api/admin/survey/texts/{tid}', body=b'{"status":',
                                headers=dict(self.planner, **{'Content-Type': 'application/json'}))
        self.assertProblem(r, 400)
        # nothing of it changed the text
        t = [t for t in self.queue()['texts'] if t['id'] == tid][0]
        self.assertEqual((t['status'], t['updated']), ('pending', None))

    def test_e_check_finds_a_text_missing_from_the_queue(self):
        self.assertIn('ok:', self.server.geopart('check').stdout.decode())
        con = sqlite3.connect(self.server.db, timeout=10)
        try:
            rid, = con.execute("SELECT response_id FROM survey_texts ORDER BY id DESC").fetchone()
            con.execute('DELETE FROM survey_texts WHERE response_id = ?', (rid,))
            con.commit()
        finally:
            con.close()
        r = self.server.geopart('check', check=False)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn(f'survey texts: response {rid}, question wish: a text answer not in the '
                      'moderation queue'.encode(), r.stderr + r.stdout)


class TestTextsOfDroppedDistricts(ServerTest):
    """A text whose respondent's Ortsbezirk a later boundary import dropped
    lists as district "unknown", and ?district=unknown finds it, together
    with those who did not say; "outside" stays its own group."""
    config = {'survey': SURVEY}
    SENT = [('ob-0', 'Ein Brunnen am Markt'), ('ob-1', 'Lärmschutz an der Autobahn'),
            (None, 'Mehr Spielplätze'), ('outside', 'Park and Ride'),
            ('ob-1', 'Ein Laden im Ort'), ('ob-2', 'Radweg ins Tal')]
    DROPPED = 'ob-1'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.planner = token(cls.server, 'Stadtplanung Weber')
        send_texts(cls.server, cls.SENT)
        # the same outlines again, but Ortsbezirk 1 under a new number
        with open(os.path.join(DATA, 'kaiserslautern-ortsbezirke.geojson'), encoding='utf-8') as f:
            layer = json.load(f)
        for feature in layer['features']:
            if f'ob-{feature["properties"]["id"]}' == cls.DROPPED:
                feature['properties']['id'] = feature['id'] = 11
        path = os.path.join(cls.server.dir, 'renumbered.geojson')
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(layer, f)
        cls.server.geopart('import-districts', path, '--layer', 'ortsbezirk')

    def texts(self, query):
        r = self.server.get('/api/admin/survey/texts' + query, headers=self.planner)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_unknown_finds_texts_of_dropped_districts_and_of_those_who_did_not_say(self):
        unknown = [t for h, t in self.SENT if h is None or h == self.DROPPED]
        self.assertEqual(len(unknown), 3)
        # the list labels them unknown …
        listed = self.texts('?limit=100')['texts']
        self.assertEqual([t['text'] for t in listed], [t for _, t in self.SENT])
        self.assertEqual([t['text'] for t in listed if t['district'] == 'unknown'], unknown)
        self.assertEqual({t['district_name'] for t in listed if t['district'] == 'unknown'},
                         {'ohne Angabe'})
        # … and the filter finds the same ones, counted and paged
        found = self.texts('?district=unknown')
        self.assertEqual([t['text'] for t in found['texts']], unknown)
        self.assertEqual(found['numberMatched'], len(unknown))
        page = self.texts('?district=unknown&limit=1&offset=1')
        self.assertEqual([t['text'] for t in page['texts']], unknown[1:2])
        self.assertEqual(page['numberMatched'], len(unknown))
        # the other groups keep theirs; the renumbered district has none
        for group in ('ob-0', 'ob-2', 'outside'):
            self.assertEqual([t['text'] for t in self.texts(f'?district={group}')['texts']],
                             [t for h, t in self.SENT if h == group], group)
        self.assertEqual(self.texts('?district=ob-11')['numberMatched'], 0)
        r = self.server.get(f'/api/admin/survey/texts?district={self.DROPPED}',
                            headers=self.planner)
        self.assertProblem(r, 400, field='district')
        # approved, they are the staff results' texts of "unknown" too
        for t in listed:
            if t['district'] == 'unknown':
                r = self.server.request('PATCH', f'/api/admin/survey/texts/{t["id"]}',
                                        body={'status': 'approved'}, headers=self.planner)
                self.assertEqual(r.status, 200, r)
        r = self.server.get('/api/survey/results?district=unknown', headers=self.planner)
        self.assertEqual(r.status, 200, r)
        self.assertEqual([t['text'] for t in r.json()['texts']['wish']], unknown)


class TestTextsStoredBeforeModeration(unittest.TestCase):
    """Migration 0010 queues the text answers a database already holds."""

    def test_earlier_texts_join_the_queue_pending(self):
        server = Server(config={'survey': SURVEY})
        self.addCleanup(server.cleanup)
        server.start()
        texts = ['Früher Wunsch eins', 'Früher Wunsch zwei']
        for answers in ({'relation': ['work'], 'priority': 'housing', 'wish': texts[0]},
                        {'relation': ['visit'], 'priority': 'retail'},
                        {'relation': ['live'], 'home': 'ob-2', 'priority': 'climate',
                         'wish': texts[1]}):
            r = server.request('POST', '/api/survey/responses', body={
                'answers': answers, 'form_token': server.form_token()})
            self.assertEqual(r.status, 201, r)
        server.stop()
        # the database as it was before migration 0010 (and 0011, which
        # follows it: the events' live column)
        con = sqlite3.connect(server.db, timeout=10)
        try:
            con.execute('DROP TRIGGER survey_answers_text_queued')
            con.execute('DROP TABLE survey_texts')
            con.execute('ALTER TABLE events DROP COLUMN live')
            con.execute('PRAGMA user_version = 9')
            con.commit()
        finally:
            con.close()
        again = Server(config={'survey': SURVEY}, workdir=server.dir, db=server.db)
        again.start()
        try:
            staff = token(again, 'Stadtplanung Weber')
            q = again.get('/api/admin/survey/texts', headers=staff).json()
            self.assertEqual([(t['text'], t['status'], t['district']) for t in q['texts']],
                             [(texts[0], 'pending', 'unknown'), (texts[1], 'pending', 'ob-2')])
        finally:
            again.stop()


class TestSurveyClosed(ServerTest):
    config = {'survey': SURVEY, 'open_until': '2020-01-01T00:00:00Z'}

    def test_closed_period_refuses_answers(self):
        r = self.server.request('POST', '/api/survey/responses',
                                body={'answers': {'relation': ['work'], 'priority': 'housing'},
                                      'form_token': self.server.form_token()})
        self.assertProblem(r, 403)
        self.assertEqual(responses_stored(self.server), 0)
        self.assertEqual(self.server.get('/api/survey').status, 200)


class TestNoSurvey(ServerTest):
    def test_the_page_has_a_short_address(self):
        for path in ('/umfrage', '/umfrage?lang=en', '/umfrage.html'):
            r = self.server.get(path)
            self.assertEqual(r.status, 200, (path, r))
            self.assertTrue(r.header('Content-Type').startswith('text/html'))
            self.assertIn("script-src 'self'", r.header('Content-Security-Policy'))
            # (by its content-hashed name, tools/web-hash.py)
            self.assertRegex(r.body, rb'js/survey(\.[0-9a-f]{10})?\.js')
        for path in ('/nothing', '/js', '/vendor', '/umfrage/', '/js/survey'):
            self.assertEqual(self.server.get(path).status, 404, path)

    def test_no_survey_is_404(self):
        self.assertProblem(self.server.get('/api/survey'), 404)
        r = self.server.request('POST', '/api/survey/responses', body={'answers': {}})
        self.assertProblem(r, 404)


class TestDefinitionChanges(unittest.TestCase):
    """`geopart survey check` and the server's start refuse a definition that
    would remove or recode answered questions; adding questions is fine."""

    def setUp(self):
        self.server = Server(config={'survey': SURVEY})
        self.addCleanup(self.server.cleanup)
        self.server.start()
        r = self.server.request('POST', '/api/survey/responses', body={
            'answers': {'relation': ['work'], 'priority': 'housing'},
            'form_token': self.server.form_token()})
        self.assertEqual(r.status, 201, r)
        self.server.stop()
        with open(SURVEY, encoding='utf-8') as f:
            self.doc = json.load(f)

    def write(self, doc):
        path = os.path.join(self.server.dir, 'changed.json')
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(doc, f)
        return path

    def serve(self, path):
        return subprocess.run([BIN, 'serve', '--config', self.server.config_path, '--db',
                               self.server.db, '--listen', '127.0.0.1:0'],
                              env=dict(os.environ, GEOPART_SURVEY=path),
                              capture_output=True, timeout=60)

    def test_removing_an_answered_question_is_refused(self):
        doc = dict(self.doc, questions=[q for q in self.doc['questions'] if q['id'] != 'priority'])
        path = self.write(doc)
        r = self.server.geopart('survey', 'check', path, check=False)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn('"priority" has answers and cannot be removed', r.stderr.decode())
        r = self.serve(path)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn(path, r.stderr.decode())
        self.assertIn('"priority" has answers', r.stderr.decode())

    def test_recoding_is_refused(self):
        doc = json.loads(json.dumps(self.doc))
        prio = next(q for q in doc['questions'] if q['id'] == 'priority')
        prio['options'][0]['code'] = 'wohnen'
        r = self.server.geopart('survey', 'check', self.write(doc), check=False)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn('coded "housing"', r.stderr.decode())
        prio['type'] = 'multiple'
        prio['options'][0]['code'] = 'housing'
        r = self.server.geopart('survey', 'check', self.write(doc), check=False)
        self.assertIn('its type cannot become multiple', r.stderr.decode())

    def test_adding_questions_and_dropping_unanswered_ones_is_fine(self):
        doc = json.loads(json.dumps(self.doc))
        doc['questions'] = [q for q in doc['questions'] if q['id'] != 'wish']  # never answered
        doc['questions'].append({'id': 'age', 'type': 'number', 'min': 0, 'max': 120,
                                 'integer': True, 'text': {'de': 'Alter', 'en': 'Age'}})
        path = self.write(doc)
        r = self.server.geopart('survey', 'check', path)
        self.assertIn('ok: 12 questions, and they fit', r.stdout.decode())
        server = Server(config={'survey': path}, workdir=self.server.dir, db=self.server.db)
        server.start()
        try:
            r = server.request('POST', '/api/survey/responses', body={
                'answers': {'relation': ['work'], 'priority': 'housing', 'age': 41.5},
                'form_token': server.form_token()})
            self.assertEqual((r.status, r.json()['field']), (422, 'answers.age'))
            r = server.request('POST', '/api/survey/responses', body={
                'answers': {'relation': ['work'], 'priority': 'housing', 'age': 41},
                'form_token': server.form_token()})
            self.assertEqual(r.status, 201, r)
        finally:
            server.stop()

    def test_bad_files_name_the_json_path(self):
        for doc, where in [
            ({'title': {'de': 'x', 'en': 'y'}, 'questions': [
                {'id': 'a', 'type': 'scale', 'text': {'de': 'a', 'en': 'a'},
                 'options': [{'code': '1', 'label': {'de': 'a', 'en': 'a'}},
                             {'code': 'zwei', 'label': {'de': 'b', 'en': 'b'}}]}]},
             'questions[0].options[1].code'),
            ({'title': {'de': 'x', 'en': 'y'}, 'questions': [
                {'id': 'a', 'type': 'text', 'text': {'de': 'a'}}]}, 'questions[0].text'),
            ({'title': {'de': 'x', 'en': 'y'}, 'questions': [
                {'id': 'b', 'type': 'single', 'text': {'de': 'b', 'en': 'b'},
                 'show_if': {'question': 'a', 'in': ['x']},
                 'options': [{'code': 'x', 'label': {'de': 'x', 'en': 'x'}},
                             {'code': 'y', 'label': {'de': 'y', 'en': 'y'}}]}]},
             'questions[0].show_if'),
        ]:
            with self.subTest(where=where):
                path = self.write(doc)
                r = subprocess.run([BIN, 'survey', 'check', path], capture_output=True, timeout=60)
                self.assertEqual(r.returncode, 1, r)
                self.assertIn(f'{path}: {where}', r.stderr.decode())
        r = subprocess.run([BIN, 'survey', 'check', SURVEY], capture_output=True, timeout=60)
        self.assertEqual((r.returncode, r.stdout), (0, b'ok: 12 questions\n'), r)


if __name__ == '__main__':
    unittest.main()
