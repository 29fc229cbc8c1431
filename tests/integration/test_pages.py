"""The pages the server writes itself and the settings behind them: a
published point's page /p/{id} (Open Graph tags, everything escaped, 404
for pending, hidden and unknown points, as GET /api/points/{id}), the
imprint and privacy pages filled from the configuration or redirecting to
imprint_url / privacy_url, the framing headers of frame_ancestors, the
page's texts in /api/config, and every new setting refused with an error
that names it."""
import html
import os
import re
import subprocess
import tempfile
import unittest
from datetime import datetime
from zoneinfo import ZoneInfo

from harness import BIN, Server, ServerTest

CENTRE = (7.768889, 49.444722)           # Innenstadt, ob-0
ERLENBACH = (7.779203, 49.479464)        # ob-7


def token(server, name='pages', role='planner'):
    r = server.geopart('token', 'create', '--name', name, '--role', role)
    return {'Authorization': f'Bearer {r.stdout.decode().strip()}'}


def metas(body):
    """{property or name: content} of a page's <meta> tags, unescaped."""
    out = {}
    for m in re.finditer(rb'<meta (?:property|name)="([^"]+)" content="([^"]*)">', body):
        out[m.group(1).decode()] = html.unescape(m.group(2).decode())
    return out


class TestPointPage(ServerTest):
    config = {'operator_name': 'Stadt <Lautern> & "Co"'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.comment = 'Zu <b>laut</b> & "eng"\nam Abend – Tom\'s Ecke'
        r = cls.server.post_point(*ERLENBACH, category='improvement', comment=cls.comment,
                                  topic='mobility')
        assert r.status == 201, r
        cls.point = r.json()['id']
        cls.planner = token(cls.server)

    def test_a_published_point_has_a_page_with_open_graph_tags(self):
        r = self.server.get(f'/p/{self.point}')
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header('Content-Type'), 'text/html; charset=utf-8')
        tags = metas(r.body)
        base = f'http://127.0.0.1:{self.server.port}'
        self.assertEqual(tags['og:title'], 'Verbesserungswürdig im Ortsbezirk Erlenbach')
        self.assertEqual(tags['og:description'], self.comment.replace('\n', ' '))
        self.assertEqual(tags['og:url'], f'{base}/p/{self.point}')
        self.assertEqual(tags['og:type'], 'article')
        self.assertEqual(tags['og:site_name'], 'Mitmachkarte Kaiserslautern')
        self.assertEqual(tags['og:locale'], 'de_DE')
        self.assertEqual(tags['twitter:card'], 'summary')
        self.assertIn(b'<link rel="canonical" href="' + f'{base}/p/{self.point}'.encode() + b'">', r.body)
        text = r.body.decode()
        self.assertIn('Ortsbezirk Erlenbach, Stadtteil Erlenbach', text)
        self.assertIn('<dt>Thema</dt><dd>Mobilität und Verkehr</dd>', text)
        self.assertIn('Noch keine Unterstützung', text)
        self.assertIn(f'href="/?point={self.point}"', text)
        self.assertIn('href="/impressum"', text)
        self.assertIn('href="/datenschutz"', text)

    def test_everything_from_the_database_is_escaped(self):
        body = self.server.get(f'/p/{self.point}').body.decode()
        self.assertNotIn('<b>laut', body)
        self.assertIn('Zu &lt;b&gt;laut&lt;/b&gt; &amp; &quot;eng&quot;\nam Abend – Tom&#39;s Ecke', body)
        # only the page's own markup: no tag but those it writes itself
        tags = set(re.findall(r'<([a-z0-9]+)[ >]', body))
        self.assertLessEqual(tags, {'html', 'head', 'meta', 'title', 'link', 'body', 'header', 'div',
                                    'p', 'a', 'nav', 'main', 'article', 'h1', 'span', 'blockquote',
                                    'dl', 'dt', 'dd', 'time', 'footer', 'ul', 'li'})

    def test_english_page(self):
        r = self.server.get(f'/p/{self.point}?lang=en')
        self.assertEqual(r.status, 200)
        self.assertIn(b'<html lang="en">', r.body)
        self.assertEqual(metas(r.body)['og:title'], 'Needs improvement in the Ortsbezirk Erlenbach')
        self.assertIn(b'Mobility and transport', r.body)
        self.assertIn(f'href="/?point={self.point}&amp;lang=en"'.encode(), r.body)
        self.assertIn(b'href="/impressum?lang=en"', r.body)

    def test_the_entry_date_is_the_day_in_germany(self):
        months = {'de': ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August',
                         'September', 'Oktober', 'November', 'Dezember'],
                  'en': ['January', 'February', 'March', 'April', 'May', 'June', 'July',
                         'August', 'September', 'October', 'November', 'December']}
        days = set()
        before = datetime.now(ZoneInfo('Europe/Berlin'))
        r = self.server.post_point(*CENTRE, category='favourite', comment='Heute eingetragen')
        self.assertEqual(r.status, 201)
        pid = r.json()['id']
        de = self.server.get(f'/p/{pid}').body.decode()
        en = self.server.get(f'/p/{pid}?lang=en').body.decode()
        after = datetime.now(ZoneInfo('Europe/Berlin'))
        for d in (before, after):  # the day may turn at midnight meanwhile
            days.add((f'{d.day}. {months["de"][d.month - 1]} {d.year}',
                      f'{d.day} {months["en"][d.month - 1]} {d.year}'))
        shown = (re.search(r'<dt>Eingetragen am</dt><dd><time datetime="[^"]+">([^<]+)</time>', de),
                 re.search(r'<dt>Entered on</dt><dd><time datetime="[^"]+">([^<]+)</time>', en))
        self.assertTrue(all(shown), (de, en))
        self.assertIn((shown[0].group(1), shown[1].group(1)), days)

    def test_supporters_are_counted_in_words(self):
        r = self.server.post_point(*CENTRE, comment='Zweimal unterstützt')
        pid = r.json()['id']
        for source in ('127.0.0.2', '127.0.0.3'):
            self.assertEqual(self.server.request('POST', f'/api/points/{pid}/support',
                                                 source=source).status, 200)
        self.assertIn(b'<dd>2 Unterst\xc3\xbctzungen</dd>', self.server.get(f'/p/{pid}').body)
        self.assertIn(b'<dd>2 supporters</dd>', self.server.get(f'/p/{pid}?lang=en').body)

    def test_pending_hidden_and_unknown_points_have_no_page(self):
        r = self.server.post_point(*CENTRE, comment='Bald ausgeblendet')
        pid = r.json()['id']
        self.assertEqual(self.server.get(f'/p/{pid}').status, 200)
        for status in ('hidden', 'pending'):
            with self.subTest(status=status):
                r = self.server.request('PATCH', f'/api/points/{pid}', body={'status': status},
                                        headers=self.planner)
                self.assertEqual(r.status, 200, r)
                r = self.server.get(f'/p/{pid}')
                self.assertEqual(r.status, 404)
                self.assertEqual(r.header('Content-Type'), 'application/problem+json; charset=utf-8')
                self.assertEqual(r.json()['field'], 'id')
                # exactly what the API says about the point
                self.assertEqual(self.server.get(f'/api/points/{pid}').status, 404)
        for path in ('/p/999999', '/p/0', '/p/-1', '/p/abc', '/p/1e3', '/p/%2B1'):
            with self.subTest(path=path):
                r = self.server.get(path)
                self.assertEqual(r.status, 404)
                self.assertEqual(r.json()['field'], 'id')

    def test_methods_and_parameters(self):
        r = self.server.request('POST', f'/p/{self.point}', body={})
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header('Allow'), 'GET, HEAD')
        r = self.server.request('HEAD', f'/p/{self.point}')
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b'')
        r = self.server.get(f'/p/{self.point}?utm_source=x')
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()['field'], 'utm_source')


class TestLegalPages(ServerTest):
    config = {
        'operator_name': 'Stadtverwaltung Kaiserslautern, Referat <Stadtentwicklung>',
        'operator_address': 'Willy-Brandt-Platz 1, 67657 Kaiserslautern',
        'operator_contact': 'stadtentwicklung@example.org, Tel. 0631 000',
        'operator_representative': 'Der Oberbürgermeister',
        'dpo_contact': 'datenschutz@example.org',
        'retention_days': '90',
        'moderation': 'pre',
        'tile_url': 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
    }

    def test_imprint_from_the_configuration(self):
        r = self.server.get('/impressum')
        self.assertEqual(r.status, 200)
        body = r.body.decode()
        self.assertIn('<h1>Impressum</h1>', body)
        self.assertIn('§ 5 Digitale-Dienste-Gesetz', body)
        self.assertIn('Stadtverwaltung Kaiserslautern, Referat &lt;Stadtentwicklung&gt;', body)
        self.assertIn('Willy-Brandt-Platz 1, 67657 Kaiserslautern', body)
        self.assertIn('stadtentwicklung@example.org, Tel. 0631 000', body)
        self.assertIn('<h2>Vertreten durch</h2>\n<p>Der Oberbürgermeister</p>', body)
        self.assertNotIn('missing', body)
        en = self.server.get('/impressum?lang=en').body.decode()
        self.assertIn('<h1>Imprint</h1>', en)
        self.assertIn('<h2>Represented by</h2>', en)

    def test_privacy_information_of_article_13(self):
        body = self.server.get('/datenschutz').body.decode()
        for part in ('1. Verantwortlich', '2. Datenschutzbeauftragte', '3. Was wir verarbeiten und wozu',
                     '4. Rechtsgrundlage', '5. Wer die Daten erhält', '6. Wie lange wir speichern',
                     '7. Ihre Rechte'):
            self.assertIn(f'<h2>{part}</h2>', body)
        self.assertIn('datenschutz@example.org', body)
        self.assertIn('Meldungen löschen wir 90 Tage nach ihrer letzten Änderung automatisch', body)
        self.assertIn('sobald die Moderation ihn geprüft hat', body)
        self.assertIn('direkt von tile.example.org', body)
        self.assertIn('Art. 6 Abs. 1 Buchst. e DSGVO', body)
        self.assertIn('Hintere Bleiche 34, 55116 Mainz', body)
        self.assertIn('Auskunft (Art. 15 DSGVO)', body)
        en = self.server.get('/datenschutz?lang=en').body.decode()
        self.assertIn('deleted automatically 90 days after their last change', en)
        self.assertIn('<span lang="de">Art. 6 Abs. 1 Buchst. e DSGVO', en)

    def test_every_page_has_the_page_headers(self):
        for path in ('/impressum', '/datenschutz', '/datenschutz?lang=en'):
            with self.subTest(path=path):
                r = self.server.get(path)
                self.assertIn("frame-ancestors 'self'", r.header('Content-Security-Policy'))
                self.assertIn("script-src 'self'", r.header('Content-Security-Policy'))
                self.assertEqual(r.header('X-Frame-Options'), 'SAMEORIGIN')


class TestLegalPagesUnconfigured(ServerTest):
    config = {'retention_days': '0', 'tile_url': ''}

    def test_missing_settings_are_named_and_warned_about(self):
        body = self.server.get('/impressum').body.decode()
        self.assertIn('noch nicht angegeben (Einstellung operator_name)', body)
        self.assertIn('noch nicht angegeben (Einstellung operator_contact)', body)
        privacy = self.server.get('/datenschutz').body.decode()
        self.assertIn('noch nicht angegeben (Einstellung dpo_contact)', privacy)
        self.assertIn('werden nicht automatisch gelöscht', privacy)
        self.assertNotIn('Hintergrundkarte', privacy)
        log = self.server.read_log()
        for setting in ('operator_name', 'operator_address', 'operator_contact', 'dpo_contact'):
            self.assertIn(f'{setting} is not set', log)


class TestOperatorPages(ServerTest):
    config = {'imprint_url': 'https://www.example.org/impressum',
              'privacy_url': '/datenschutz.html'}

    def test_the_built_in_pages_redirect(self):
        r = self.server.get('/impressum')
        self.assertEqual(r.status, 302)
        self.assertEqual(r.header('Location'), 'https://www.example.org/impressum')
        r = self.server.get('/datenschutz?lang=en')
        self.assertEqual(r.status, 302)
        self.assertEqual(r.header('Location'), '/datenschutz.html')
        legal = self.server.get('/api/config').json()['legal']
        self.assertEqual(legal, {'imprint': 'https://www.example.org/impressum',
                                 'privacy': '/datenschutz.html'})

    def test_no_warning_for_pages_elsewhere(self):
        self.assertNotIn('is not set', self.server.read_log())


class TestConfigTexts(ServerTest):
    config = {'intro': 'Worum es geht.', 'intro_en': '', 'usage_note_en': 'What happens.',
              'privacy_note_en': 'We store no address.', 'cluster_max_zoom': '15'}

    def test_the_page_gets_its_texts(self):
        c = self.server.get('/api/config').json()
        self.assertEqual(c['texts']['intro'], {'de': 'Worum es geht.', 'en': None})
        self.assertEqual(c['texts']['usage']['en'], 'What happens.')
        self.assertTrue(c['texts']['usage']['de'].startswith('Alle Beiträge sind öffentlich'))
        self.assertEqual(c['texts']['privacy'], {'de': c['privacy_note'], 'en': 'We store no address.'})
        self.assertEqual(c['legal'], {'imprint': '/impressum', 'privacy': '/datenschutz'})
        self.assertEqual(c['cluster_max_zoom'], 15)

    def test_pages_take_point_and_lang(self):
        self.assertEqual(self.server.get('/?point=12&lang=en').status, 200)
        r = self.server.get('/?utm_source=x')
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()['field'], 'utm_source')


class TestFrameAncestors(unittest.TestCase):
    """The framing headers follow frame_ancestors on every page, and only
    on pages: the API's answers are never framed."""

    def headers(self, value):
        server = Server(config={'frame_ancestors': value} if value is not None else {})
        self.addCleanup(server.cleanup)
        server.start()
        pid = server.post_point(*CENTRE).json()['id']
        out = {}
        for path in ('/', '/index.html', '/planner.html', f'/p/{pid}', '/impressum'):
            r = server.get(path)
            self.assertEqual(r.status, 200, path)
            out[path] = (r.header('Content-Security-Policy'), r.header('X-Frame-Options'))
        for path in ('/api/config', '/p/99999', '/style.css'):
            r = server.get(path)
            self.assertEqual(r.header('X-Frame-Options'), 'DENY', path)
            self.assertNotIn('frame-ancestors', r.header('Content-Security-Policy') or '', path)
        return out

    def test_default_is_self(self):
        for path, (csp, xfo) in self.headers(None).items():
            with self.subTest(path=path):
                self.assertTrue(csp.endswith("; frame-ancestors 'self'"), csp)
                self.assertEqual(xfo, 'SAMEORIGIN')

    def test_none(self):
        for path, (csp, xfo) in self.headers("'none'").items():
            with self.subTest(path=path):
                self.assertTrue(csp.endswith("; frame-ancestors 'none'"), csp)
                self.assertEqual(xfo, 'DENY')

    def test_another_site_drops_x_frame_options(self):
        value = "'self' https://www.kaiserslautern.de https://*.example.de"
        for path, (csp, xfo) in self.headers(value).items():
            with self.subTest(path=path):
                self.assertTrue(csp.endswith(f'; frame-ancestors {value}'), csp)
                self.assertIsNone(xfo, 'X-Frame-Options cannot allow another site and would forbid it')


class TestSettingsRefused(unittest.TestCase):
    """Each bad value stops the server before it listens, with a message
    naming the setting."""

    def serve(self, settings, env=None):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, 'g.conf')
            with open(cfg, 'w') as f:
                for k, v in settings.items():
                    f.write(f'{k} = {v}\n')
            e = dict(os.environ)
            e.update(env or {})
            return subprocess.run([BIN, 'serve', '--config', cfg, '--db', os.path.join(d, 'g.db'),
                                   '--listen', '127.0.0.1:0'], capture_output=True, timeout=30,
                                  env=e, cwd=d)

    def test_bad_values_name_the_setting(self):
        cases = [
            ('frame_ancestors', "https://x.de; script-src *"),
            ('frame_ancestors', "'none' 'self'"),
            ('frame_ancestors', "'unsafe-inline'"),
            ('frame_ancestors', 'javascript:alert(1)'),
            ('frame_ancestors', 'www.example.de'),
            ('frame_ancestors', "https://x.de,https://y.de"),
            ('imprint_url', 'ftp://example.org/impressum'),
            ('imprint_url', 'impressum.html'),
            ('imprint_url', 'https://example.org/a b'),
            ('privacy_url', 'https://example.org/"x"'),
            ('privacy_url', 'mailto:datenschutz@example.org'),
        ]
        for key, value in cases:
            with self.subTest(key=key, value=value):
                r = self.serve({key: value})
                self.assertEqual(r.returncode, 2, r)
                self.assertIn(key.encode(), r.stderr)
                self.assertNotIn(b'serving', r.stdout)
        r = self.serve({'frame_ancestors': ''})
        self.assertEqual(r.returncode, 2)
        self.assertIn(b'frame_ancestors', r.stderr)
        r = self.serve({}, env={'GEOPART_FRAME_ANCESTORS': "'self';"})
        self.assertEqual(r.returncode, 2)
        self.assertIn(b'frame_ancestors', r.stderr)

    def test_good_values_start(self):
        server = Server(config={'frame_ancestors': "'self' https://www.kaiserslautern.de:443 http:",
                                'imprint_url': '/impressum.html',
                                'privacy_url': 'https://www.kaiserslautern.de/datenschutz?karte=1'})
        self.addCleanup(server.cleanup)
        server.start()
        self.assertEqual(server.get('/healthz').status, 200)


if __name__ == '__main__':
    unittest.main()
