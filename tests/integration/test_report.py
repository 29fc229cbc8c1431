"""The documentation of results (/report and `geopart report`), end to end
through the real server and CLI: who may read the reports, what they hold
(every published comment of the district with its support and the city's
reply, the walk it came from, questionnaire counts with small ones
withheld; no hidden text, nothing from another district; shares that are
not zero never read "0 %"), the PDF as poppler reads it (A4, "Seite N" in
each footer, no page but the last left half empty, text), the same bytes
for the same data, and the English edition."""
import html
import json
import os
import re
import subprocess
import unittest

from harness import BIN, ServerTest, staff_token
from pdf_tools import flat, pdf_info, pdf_pages, pdf_text, pdf_words

DATA = os.path.join(os.environ.get('GEOPART_SOURCE', '.'), 'data')
SURVEY = os.path.join(DATA, 'umfrage.json')

INNENSTADT = (7.768889, 49.444722)   # ob-0
MORLAUTERN = (7.760636, 49.467408)   # ob-6

# Published comments in the Innenstadt (ob-0): what every ob-0 and city report must show.
OB0 = [
    ('favourite', 'mobility', 'Der Stiftsplatz ist mit dem Rad gut erreichbar und belebt.'),
    ('improvement', 'mobility', 'An der Kreuzung Fackelstraße fehlt eine sichere Ampel für Kinder.'),
    ('improvement', 'green_space', 'Mehr Bäume & Schatten am Schillerplatz <bitte> "sofort".'),
    ('favourite', None, 'Die Fruchthalle ist ein Ort für Konzerte und Begegnung.'),
]
REPLY = 'Die Ampel ist für das Frühjahr eingeplant, danke für den Hinweis.'
WALK_COMMENT = 'Auf der Begehung gesehen: Gehweg an der Marktstraße ist zu schmal.'
HIDDEN = 'VERBORGEN-Beleidigung-XYZ die niemand lesen darf'
ELSEWHERE = 'Morlautern: Der Dorfplatz braucht neue Bänke.'
WISH = 'GEHEIMER-WUNSCH aus dem Fragebogen'


def bearer_of(server):
    return staff_token(server, 'Berichte', 'planner')


def offsets(i):
    return round(INNENSTADT[0] + 0.0004 * i, 6), round(INNENSTADT[1] + 0.0003 * i, 6)


class ReportWorld:
    """Points, a reply, a walk, a hidden point and questionnaire answers, put
    in through the public and staff API."""

    @classmethod
    def make_world(cls):
        s = cls.server
        cls.planner = bearer_of(s)
        cls.ids = {}
        for i, (cat, topic, text) in enumerate(OB0):
            lon, lat = offsets(i)
            r = s.post_point(lon, lat, category=cat, topic=topic, comment=text)
            assert r.status == 201, r
            cls.ids[text] = r.json()['id']
        # two +1 on the dangerous crossing, and the city's reply to it
        crossing = cls.ids[OB0[1][2]]
        for i in range(2):  # support counts once per client
            r = s.request('POST', f'/api/points/{crossing}/support', body={},
                          source=f'127.0.0.{20 + i}')
            assert r.status in (200, 201), r
        r = s.request('PATCH', f'/api/points/{crossing}', headers=cls.planner,
                      body={'reply': REPLY, 'outcome': 'adopted'})
        assert r.status == 200, r
        # a walk in the Innenstadt with one point recorded on it
        r = s.request('POST', '/api/admin/events', headers=cls.planner,
                      body={'name': 'Ortsbezirksbegehung Innenstadt', 'channel': 'walk',
                            'date': '2026-05-09', 'district': 'ob-0'})
        assert r.status == 201, r
        event = r.json()['id']
        lon, lat = offsets(5)
        r = s.post_point(lon, lat, category='improvement', comment=WALK_COMMENT,
                         headers=cls.planner, extra={'event': event})
        assert r.status == 201, r
        # hidden by a planner, in the same district
        lon, lat = offsets(6)
        r = s.post_point(lon, lat, category='improvement', comment=HIDDEN)
        assert r.status == 201, r
        r = s.request('PATCH', f'/api/points/{r.json()["id"]}', body={'status': 'hidden'},
                      headers=cls.planner)
        assert r.status == 200, r
        # another district
        r = s.post_point(*MORLAUTERN, category='improvement', comment=ELSEWHERE)
        assert r.status == 201, r
        cls.published_ob0 = [t for _, _, t in OB0] + [WALK_COMMENT]


class TestReport(ReportWorld, ServerTest):
    config = {'survey': SURVEY, 'report_date': '2026-06-30'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_world()
        # six respondents live in the Innenstadt (five put housing first, one
        # mobility), five in Einsiedlerhof; one wish that is free text
        answers = [('ob-0', 'housing')] * 5 + [('ob-0', 'mobility')] + [('ob-1', 'housing')] * 5
        for i, (home, priority) in enumerate(answers):
            a = {'relation': ['live'], 'home': home, 'priority': priority}
            if i == 0:
                a['wish'] = WISH
            body = {'answers': a, 'form_token': cls.server.form_token(), 'website': ''}
            r = cls.server.request('POST', '/api/survey/responses', body=body,
                                   source=f'127.0.0.{i + 2}')
            assert r.status == 201, r

    def get(self, path, **kw):
        return self.server.get(path, headers=self.planner, **kw)

    # ---- who may read ----

    def test_reports_are_for_staff_unless_public(self):
        for path in ('/report/', '/report/ob-0', '/report/ob-0.pdf', '/report/city'):
            with self.subTest(path=path):
                r = self.server.get(path)
                self.assertProblem(r, 401, field='Authorization')
                self.assertNotIn(OB0[0][2].encode(), r.body)
                self.assertEqual(self.get(path).status, 200)
        # the page's config offers no link
        self.assertIsNone(self.server.get('/api/config').json()['reports'])

    def test_a_signed_in_browser_reads_them_with_its_session_cookie(self):
        origin = f'http://127.0.0.1:{self.server.port}'
        secret = self.planner['Authorization'].split(' ', 1)[1]
        r = self.server.request('POST', '/api/session', body={'token': secret},
                                headers={'Origin': origin})
        self.assertEqual(r.status, 201, r)
        cookie = r.header('Set-Cookie').split(';', 1)[0]
        self.assertIn('Path=/;', r.header('Set-Cookie'))  # so /report gets it too
        r = self.server.get('/report/ob-0', headers={'Cookie': cookie})
        self.assertEqual(r.status, 200, r)
        self.assertIn('no-store', r.header('Cache-Control'))

    def test_unknown_districts_are_404_naming_the_district(self):
        for path in ('/report/ob-99', '/report/ob-99.pdf', '/report/nowhere', '/report/.pdf',
                     '/report/' + 'x' * 200):
            with self.subTest(path=path):
                self.assertProblem(self.get(path), 404, field='district')

    # ---- what the HTML holds ----

    def test_html_holds_every_published_comment_of_the_district_and_nothing_else(self):
        r = self.get('/report/ob-0')
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header('Content-Type').startswith('text/html'))
        csp = r.header('Content-Security-Policy')
        self.assertIn("default-src 'none'", csp)  # no script, no fetch, no frame
        self.assertNotIn('script-src', csp)
        body = r.body.decode()
        self.assertNotIn('<script', body)
        text = html.unescape(body)
        for c in self.published_ob0:
            self.assertIn(c, text)
        self.assertIn(REPLY, text)
        self.assertNotIn(HIDDEN, text)
        self.assertNotIn(ELSEWHERE, text)
        self.assertNotIn(WISH, text)
        # escaped, not markup: the comment with < > & " arrives as text
        self.assertIn('Mehr Bäume &amp; Schatten am Schillerplatz &lt;bitte&gt; &quot;sofort&quot;.',
                      body)
        self.assertIn('<html lang="de">', body)
        self.assertIn('Ortsbezirk Innenstadt', text)
        self.assertIn('Stand: 30. Juni 2026', text)

    def test_figures_count_what_was_put_in(self):
        text = flat(re.sub(r'<[^>]+>', ' ', html.unescape(self.get('/report/ob-0').body.decode())))
        self.assertIn('Veröffentlichte Beiträge 5 Noch nicht geprüft 0 '
                      'Ausgeblendet (nicht veröffentlicht, Text hier nicht wiedergegeben) 1', text)
        self.assertIn('Unterstützungen (+1) 2', text)
        self.assertIn('Beiträge mit Antwort der Stadt 1', text)
        self.assertIn('Lieblingsort 2 40 %', text)
        self.assertIn('Verbesserungswürdig 3 60 %', text)
        self.assertIn('Mobilität und Verkehr 2 40 %', text)
        self.assertIn('Ortsbezirksbegehung 1 20 %', text)
        self.assertIn('Übernommen 1 20 %', text)
        # the crossing's row: its id, text, two +1, adopted, and the reply under it
        crossing = self.ids[OB0[1][2]]
        self.assertIn(f'{crossing} {OB0[1][2]} Antwort der Stadt: {REPLY} 2 Übernommen', text)
        # the walk and its point
        self.assertIn('Ortsbezirksbegehung Innenstadt · Ortsbezirksbegehung · 9. Mai 2026', text)

    def test_questionnaire_results_of_the_districts_respondents_with_small_counts_withheld(self):
        text = flat(re.sub(r'<[^>]+>', ' ', html.unescape(self.get('/report/ob-0').body.decode())))
        self.assertIn('Teilnehmende am Fragebogen: 6', text)
        self.assertIn('Welches Thema ist Ihnen für die Entwicklung der Stadt am wichtigsten?',
                      text)
        # one person put mobility first: that count is not shown
        self.assertIn('Mobilität und Verkehr –', text)
        self.assertNotIn('Mobilität und Verkehr 1 ', text)
        city = flat(re.sub(r'<[^>]+>', ' ', html.unescape(self.get('/report/city').body.decode())))
        self.assertIn('Teilnehmende am Fragebogen: 11', city)
        # a Stadtteil's report points to the Ortsbezirke's
        st = flat(re.sub(r'<[^>]+>', ' ', html.unescape(self.get('/report/st-2').body.decode())))
        self.assertIn('wird nach Ortsbezirken ausgewertet', st)

    def test_the_city_report_holds_every_district(self):
        text = html.unescape(self.get('/report/city').body.decode())
        for c in self.published_ob0 + [ELSEWHERE]:
            self.assertIn(c, text)
        self.assertNotIn(HIDDEN, text)
        other = html.unescape(self.get('/report/ob-6').body.decode())
        self.assertIn(ELSEWHERE, other)
        for c in self.published_ob0:
            self.assertNotIn(c, other)

    def test_the_map_is_vector_graphics_with_legend_scale_and_attribution(self):
        body = self.get('/report/ob-0').body.decode()
        svg = body[body.index('<svg'):body.index('</svg>')]
        # five published points: two circles (favourites), three triangles, plus the legend's
        self.assertEqual(svg.count('<circle'), 2 + 1)
        self.assertIn('>N</text>', svg)                 # north arrow
        self.assertRegex(svg, r'>\d+(,\d)? k?m</text>')  # scale bar
        self.assertIn('Bezirksgrenzen: Stadtverwaltung Kaiserslautern', svg)
        self.assertIn('>Morlautern</text>', svg)         # a neighbour, named
        self.assertNotIn('<image', svg)                  # no tiles

    def test_english_with_lang_en(self):
        body = self.get('/report/ob-0?lang=en').body.decode()
        self.assertIn('<html lang="en">', body)
        self.assertIn('Documentation of participation', body)
        self.assertIn('Favourite place', html.unescape(body))
        body = self.get('/report/ob-0.pdf?lang=en').body
        text = pdf_text(body)
        self.assertIn('Documentation of participation', text)
        pages = int(pdf_info(body)['Pages'])
        self.assertGreaterEqual(pages, 2)
        for n, page in enumerate(pdf_pages(body)[:pages], 1):
            self.assertEqual(page.strip().splitlines()[-1], f'Page {n}')

    def test_the_index_links_every_report(self):
        body = self.get('/report/').body.decode()
        for link in ('/report/city', '/report/city.pdf', '/report/ob-0', '/report/ob-9.pdf',
                     '/report/st-2'):
            self.assertIn(f'href="{link}"', body)
        self.assertIn('href="/report/ob-0?lang=en"', self.get('/report/?lang=en').body.decode())

    # ---- the PDF ----

    def test_pdf_is_a4_with_page_numbers_and_the_districts_text(self):
        r = self.get('/report/ob-0.pdf')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header('Content-Type'), 'application/pdf')
        self.assertTrue(r.body.startswith(b'%PDF-'))
        info = pdf_info(r.body)
        self.assertIn('(A4)', info['Page size'])
        pages = int(info['Pages'])
        self.assertGreaterEqual(pages, 2)
        self.assertEqual(info['Title'], 'Dokumentation der Beteiligung – Innenstadt')
        texts = pdf_pages(r.body)
        # every page's footer, its last line, says which page of how many it is
        for n in range(1, pages + 1):
            self.assertEqual(texts[n - 1].strip().splitlines()[-1], f'Seite {n}')
        text = flat(' '.join(texts))
        for c in self.published_ob0 + [REPLY]:
            self.assertIn(c, text)
        self.assertNotIn('VERBORGEN', text)
        self.assertNotIn(ELSEWHERE, text)
        self.assertNotIn('GEHEIMER', text)
        self.assertNotIn(b'VERBORGEN', r.body)

    def test_no_page_but_the_last_is_left_half_empty(self):
        # The map is too tall for the rest of the page after the figures: the
        # contributions that follow it fill that rest, the map heads the next
        # page.  How full a page is: how far down its text reaches (the map's
        # attribution line is text under the map), between the first page's
        # first line and the footer.
        for path in ('/report/ob-0.pdf', '/report/ob-0.pdf?lang=en', '/report/city.pdf',
                     '/report/ob-6.pdf', '/report/st-2.pdf'):
            with self.subTest(path=path):
                pages = pdf_words(self.get(path).body)
                self.assertGreaterEqual(len(pages), 2)
                top = min(y0 for y0, _, _ in pages[0])
                for n, words in enumerate(pages[:-1], 1):
                    footer = max(y0 for y0, _, _ in words)
                    body = [w for w in words if w[0] < footer - 2]
                    fill = (max(y1 for _, y1, _ in body) - top) / (footer - top)
                    self.assertGreater(fill, 0.5, f'page {n} of {len(pages)}: '
                                       + ' '.join(w for _, _, w in body)[-200:])
                # the map stays under its heading: both on one page
                en = 'lang=en' in path
                heading = 'Map of the contributions' if en else 'Karte der Beiträge'
                attribution = 'District boundaries:' if en else 'Bezirksgrenzen:'
                texts = [flat(' '.join(w for _, _, w in p)) for p in pages]
                at = [n for n, t in enumerate(texts) if heading in t]
                self.assertEqual(len(at), 1, texts)
                self.assertIn(attribution, texts[at[0]])

    def test_pdf_and_html_say_the_same(self):
        h = flat(re.sub(r'<[^>]+>', ' ', html.unescape(self.get('/report/city').body.decode())))
        p = pdf_text(self.get('/report/city.pdf').body)
        for phrase in ('Veröffentlichte Beiträge 6', 'Unterstützungen (+1) 2',
                       'Ausgeblendet (nicht veröffentlicht, Text hier nicht wiedergegeben) 1'):
            self.assertIn(phrase, h)
            self.assertIn(phrase, p)

    def test_same_data_same_bytes(self):
        a = self.get('/report/ob-0.pdf').body
        b = self.get('/report/ob-0.pdf').body
        self.assertEqual(a, b)
        self.assertEqual(self.get('/report/ob-0').body, self.get('/report/ob-0').body)
        # the CLI on the same database and settings writes those very bytes
        out = [os.path.join(self.server.dir, f'cli-{i}.pdf') for i in (1, 2)]
        for path in out:
            self.server.geopart('report', '--district', 'ob-0', '--format', 'pdf',
                                '--output', path)
        with open(out[0], 'rb') as f:
            first = f.read()
        with open(out[1], 'rb') as f:
            self.assertEqual(first, f.read())
        self.assertEqual(first, a)
        # dates come from report_date, not the clock
        info = pdf_info(a)
        self.assertIn('Jun 30 00:00:00 2026', info['CreationDate'])
        self.assertIn('Jun 30 00:00:00 2026', info['ModDate'])

    def test_cli_html_and_refusals(self):
        out = os.path.join(self.server.dir, 'ob0.html')
        self.server.geopart('report', '--district', 'ob-0', '--format', 'html', '--output', out)
        with open(out, encoding='utf-8') as f:
            self.assertEqual(f.read().encode(), self.get('/report/ob-0').body)
        missing = os.path.join(self.server.dir, 'none.pdf')
        r = self.server.geopart('report', '--district', 'ob-77', '--output', missing, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b'no district ob-77', r.stderr)
        self.assertFalse(os.path.exists(missing))
        self.assertFalse(os.path.exists(missing + '.part'))
        r = self.server.geopart('report', '--format', 'docx', '--output', missing, check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b'--format must be pdf or html', r.stderr)


    def test_a_bad_report_date_is_refused_naming_the_setting(self):
        out = os.path.join(self.server.dir, 'never.pdf')
        for bad in ('30.06.2026', '2026-13-45', '2026-06-30T00:00:00Z'):
            with self.subTest(report_date=bad):
                r = subprocess.run([BIN, 'report', '--db', self.server.db, '--output', out],
                                   env=dict(os.environ, GEOPART_REPORT_DATE=bad),
                                   capture_output=True, timeout=120)
                self.assertEqual(r.returncode, 2, r)
                self.assertIn(b'report_date must be a date YYYY-MM-DD', r.stderr)
                self.assertFalse(os.path.exists(out))


class TestSmallShares(ServerTest):
    """250 points in the Innenstadt, one of them from a workshop (Werkstatt)
    and the only favourite place: its shares are above zero but round to 0."""
    config = {'report_date': '2026-06-30'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.planner = bearer_of(s)
        r = s.request('POST', '/api/admin/events', headers=cls.planner,
                      body={'name': 'Akteurswerkstatt Innenstadt', 'channel': 'workshop',
                            'date': '2026-11-03', 'district': 'ob-0'})
        assert r.status == 201, r
        event = r.json()['id']

        def collection(points):
            return json.dumps({'type': 'FeatureCollection', 'features': [
                {'type': 'Feature', 'properties': props,
                 'geometry': {'type': 'Point', 'coordinates': [
                     round(INNENSTADT[0] + 0.0003 * (i % 16), 6),
                     round(INNENSTADT[1] + 0.0003 * (i // 16), 6)]}}
                for i, props in points]})
        online = os.path.join(s.dir, 'online.geojson')
        with open(online, 'w', encoding='utf-8') as f:
            f.write(collection([(i, {'category': 'improvement', 'topic': 'mobility',
                                     'comment': f'Querung Nummer {i} ist zu gefährlich.'})
                                for i in range(249)]))
        workshop = os.path.join(s.dir, 'workshop.geojson')
        with open(workshop, 'w', encoding='utf-8') as f:
            f.write(collection([(249, {'category': 'favourite', 'topic': 'green_space',
                                       'comment': 'Der Stadtpark ist ein Ort zum Durchatmen.'})]))
        s.geopart('import-points', online, '--channel', 'online')
        s.geopart('import-points', workshop, '--event', str(event))

    def texts(self, lang):
        q = '?lang=en' if lang == 'en' else ''
        page = self.server.get(f'/report/ob-0{q}', headers=self.planner)
        pdf = self.server.get(f'/report/ob-0.pdf{q}', headers=self.planner)
        self.assertEqual((page.status, pdf.status), (200, 200))
        # tags first, then entities: "&lt; 1 %" is text, not the start of a tag
        return {'html': flat(html.unescape(re.sub(r'<[^>]+>', ' ', page.body.decode()))),
                'pdf': flat(' '.join(pdf_pages(pdf.body, layout=True)))}

    def assertShare(self, phrase, text, kind):
        # pdftotext guesses spaces from the glyphs' distances and sometimes
        # joins "1 %" (the PDF draws the very string of the web page)
        if kind == 'pdf':
            def squeeze(t):
                return re.sub(r'<\s*(\d)', r'<\1', re.sub(r'(\d)\s*%', r'\1%', t))
            phrase, text = squeeze(phrase), squeeze(text)
        self.assertIn(phrase, text)

    def test_a_share_above_zero_is_never_0_percent_and_the_workshop_is_a_werkstatt(self):
        for kind, text in self.texts('de').items():
            with self.subTest(kind=kind):
                self.assertIn('Veröffentlichte Beiträge 250', text)
                self.assertShare('Werkstatt 1 < 1 %', text, kind)
                self.assertShare('Lieblingsort 1 < 1 %', text, kind)
                self.assertShare('Grün- und Freiraum 1 < 1 %', text, kind)
                self.assertShare('Ortsbezirksbegehung 0 0 %', text, kind)   # none at all
                self.assertShare('Wohnen 0 0 %', text, kind)
                self.assertShare('Verbesserungswürdig 249 100 %', text, kind)
                self.assertIn('Akteurswerkstatt Innenstadt Werkstatt 3. November 2026 1', text)
                self.assertIn('Akteurswerkstatt Innenstadt · Werkstatt · 3. November 2026',
                              text)
                # the German report speaks of the Werkstatt, as the planner's pages do
                self.assertNotIn('Workshop', text)

    def test_in_english_too(self):
        for kind, text in self.texts('en').items():
            with self.subTest(kind=kind):
                self.assertShare('Workshop 1 < 1%', text, kind)
                self.assertShare('Favourite place 1 < 1%', text, kind)
                self.assertShare('District walk 0 0%', text, kind)
                self.assertIn('Akteurswerkstatt Innenstadt · Workshop · 3 November 2026', text)
                self.assertNotIn('Werkstatt ', text.replace('Akteurswerkstatt', ''))


class TestPublicReports(ReportWorld, ServerTest):
    config = {'report_public': 'on'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_world()

    def test_anyone_reads_them_and_the_page_links_them(self):
        r = self.server.get('/report/ob-0')
        self.assertEqual(r.status, 200, r)
        text = html.unescape(r.body.decode())
        for c in self.published_ob0:
            self.assertIn(c, text)
        self.assertNotIn(HIDDEN, text)
        self.assertNotIn('no-store', r.header('Cache-Control') or '')
        self.assertEqual(self.server.get('/report/ob-0.pdf').status, 200)
        self.assertEqual(self.server.get('/api/config').json()['reports'], '/report/')
        # without a questionnaire the report says there was none
        self.assertIn('Es gab keinen Fragebogen.', text)
        # the date is the newest point's day when report_date is not set
        self.assertRegex(text, r'Stand: \d{1,2}\. \w+ \d{4}')


if __name__ == '__main__':
    unittest.main()
