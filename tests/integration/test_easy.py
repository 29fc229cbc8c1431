"""/leichte-sprache: the map explained in Leichte Sprache, the city's own
text (easy_language_file, checked at start), the link to the explanation
in German Sign Language (dgs_video_url), and the link to the page in the
header of every page."""
import os
import re
import subprocess
import unittest

from harness import BIN, Server, ServerTest

OPERATOR = {'operator_name': 'Stadtverwaltung Musterstadt, Referat Beteiligung',
            'operator_address': 'Rathausplatz 1, 12345 Musterstadt',
            'operator_contact': 'beteiligung@musterstadt.example, Telefon 0123 456-0',
            'city_name': 'Musterstadt'}


def header(html):
    m = re.search(r'<header\b.*?</header>', html, re.S)
    return m.group(0) if m else ''


class TestBuiltInText(ServerTest):
    config = OPERATOR

    def test_the_page_explains_the_map_in_easy_german(self):
        r = self.server.get('/leichte-sprache')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header('Content-Type'), 'text/html; charset=utf-8')
        self.assertIn("script-src 'self'", r.header('Content-Security-Policy'))
        html = r.body.decode()
        self.assertIn('<html lang="de">', html)
        for heading in ('Was ist die Mitmachkarte?', 'Wozu ist die Karte da?',
                        'So markieren Sie einen Ort', 'Was passiert mit Ihrem Beitrag?',
                        'Sie haben Fragen?'):
            self.assertIn(f'<h2>{heading}</h2>', html)
        # A picture for each kind of place, named for screen readers, and
        # the names the map's form uses for them.
        self.assertEqual(len(re.findall(r'<svg class="easy-picture"[^>]*role="img"', html)), 2)
        self.assertIn('Das ist ein Lieblings-Ort.</title>', html)
        self.assertIn('Auf der Karte heißt das: Lieblingsort.', html)
        self.assertIn('Auf der Karte heißt das: Verbesserungswürdig.', html)
        # Hard words explained; one sentence per line.
        self.assertIn('Wort-Erklärung:</span> <strong>Markieren</strong>', html)
        self.assertIn('Die Karte zeigt die Stadt Musterstadt.<br>', html)
        # Whom to ask: the imprint's operator, escaped.
        for key in ('operator_name', 'operator_address', 'operator_contact'):
            self.assertIn(OPERATOR[key], html)
        self.assertNotIn('Gebärdensprache', html)
        self.assertIsNone(self.server.get('/api/config').json()['dgs_video_url'])

    def test_every_page_links_it_in_its_header(self):
        for path in ('/', '/index.html', '/umfrage', '/umfrage-ergebnisse', '/planner.html',
                     '/planner-entry.html', '/impressum', '/datenschutz', '/impressum?lang=en',
                     '/leichte-sprache'):
            with self.subTest(path=path):
                r = self.server.get(path)
                self.assertEqual(r.status, 200, r)
                self.assertRegex(header(r.body.decode()),
                                 r'<a href="/leichte-sprache" lang="de" hreflang="de"[^>]*>'
                                 r'Leichte Sprache</a>')

    def test_german_only(self):
        r = self.server.get('/leichte-sprache?lang=en')
        self.assertEqual(r.status, 200)
        self.assertIn('<html lang="de">', r.body.decode())
        self.assertNotIn('English</a>', header(r.body.decode()))


class TestCityText(unittest.TestCase):
    """A city's own text and the sign-language video."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(config=dict(OPERATOR, dgs_video_url='https://video.example.org/dgs?id=1&x=2'))
        cls.addClassCleanup(cls.server.cleanup)
        cls.text = os.path.join(cls.server.dir, 'leicht.txt')
        with open(cls.text, 'w', encoding='utf-8') as f:
            f.write('## Die Karte von {city}\nDas ist unsere Karte.\nSie ist für alle.\n\n'
                    '!improvement\nHier soll es besser werden.\n\n'
                    '? Bürger-Beteiligung\nAlle reden mit.\n\n'
                    '## Fragen <bitte>?\nRufen Sie an:\n{contact}\n')
        with open(cls.server.config_path, 'a', encoding='utf-8') as f:
            f.write(f'easy_language_file = {cls.text}\n')
        cls.server.start()

    def test_the_citys_text_with_its_settings(self):
        html = self.server.get('/leichte-sprache').body.decode()
        self.assertIn('<h2>Die Karte von Musterstadt</h2>', html)
        self.assertIn('<p>Das ist unsere Karte.<br>\nSie ist für alle.</p>', html)
        self.assertEqual(len(re.findall(r'<svg class="easy-picture"', html)), 1)
        self.assertIn('Ort, der besser werden soll.</title>', html)
        self.assertIn('<strong>Bürger-Beteiligung</strong>', html)
        self.assertIn('<h2>Fragen &lt;bitte&gt;?</h2>', html)
        self.assertIn(OPERATOR['operator_contact'], html)
        self.assertNotIn('Wozu ist die Karte da?', html)

    def test_the_sign_language_video_is_linked(self):
        html = self.server.get('/leichte-sprache').body.decode()
        self.assertIn('<a href="https://video.example.org/dgs?id=1&amp;x=2">'
                      'Erklärung in Gebärdensprache</a>', html)
        self.assertEqual(self.server.get('/api/config').json()['dgs_video_url'],
                         'https://video.example.org/dgs?id=1&x=2')

    def test_a_broken_edit_shows_the_built_in_text_until_mended(self):
        with open(self.text, encoding='utf-8') as f:
            good = f.read()
        try:
            with open(self.text, 'w', encoding='utf-8') as f:
                f.write('## Kaputt {unbekannt}\n')
            html = self.server.get('/leichte-sprache').body.decode()
            self.assertIn('<h2>Was ist die Mitmachkarte?</h2>', html)
            self.assertIn('easy_language_file line 1', self.server.read_log())
        finally:
            with open(self.text, 'w', encoding='utf-8') as f:
                f.write(good)
        self.assertIn('<h2>Die Karte von Musterstadt</h2>',
                      self.server.get('/leichte-sprache').body.decode())


class TestRefusedAtStart(unittest.TestCase):
    """A bad text or video address: the server does not start, and says why."""

    def refused(self, settings, text=None):
        server = Server(config=settings)
        self.addCleanup(server.cleanup)
        if text is not None:
            path = os.path.join(server.dir, 'leicht.txt')
            with open(path, 'wb') as f:
                f.write(text)
            with open(server.config_path, 'a', encoding='utf-8') as f:
                f.write(f'easy_language_file = {path}\n')
        r = subprocess.run([BIN, 'serve', '--config', server.config_path, '--db', server.db,
                            '--listen', '127.0.0.1:0'], capture_output=True, timeout=60,
                           cwd=server.dir)
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn(b'serving', r.stdout)
        return r.stderr.decode()

    def test_bad_texts(self):
        cases = [
            (b'Kein Titel zuerst.\n', 'line 1: the text must begin with a heading'),
            (b'## Titel\nGut.\n\nHallo {name}.\n', 'line 4: braces hold only'),
            (b'## Titel\n\n!herz\nEin Bild.\n', 'line 3: a picture is !favourite or !improvement'),
            (b'## Titel\n}\n', 'line 2: "}" without "{"'),
            (b'## Titel\n\xff\xfe kaputt\n', 'is not UTF-8 text'),
            (b'\n\n', 'is empty'),
            (b'## Titel\n' + b'Ein Satz.\n' * 4000, 'is longer than 32768 bytes'),
        ]
        for text, why in cases:
            with self.subTest(why=why):
                self.assertIn(why, self.refused({}, text))

    def test_a_missing_file(self):
        self.assertIn('cannot be read', self.refused({'easy_language_file': '/nonexistent/leicht.txt'}))

    def test_bad_video_addresses(self):
        for value in ('javascript:alert(1)', '/video', 'https://a b', 'https://x"y'):
            with self.subTest(value=value):
                self.assertIn('dgs_video_url', self.refused({'dgs_video_url': value}))


if __name__ == '__main__':
    unittest.main()
