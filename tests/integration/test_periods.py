"""Periods as GIS clients and people write them: datetime (OGC API) and
since/until (/api) with any four-digit year, open ends as QGIS and GDAL
send them, and date-times without a zone read in the configured time_zone.
The cases live in cases/periods.cases; the expected points come from the
creation times the server reported when each point was stored, and the
local renderings from Python's own zone database."""
import datetime
import os
import unittest
import urllib.parse
import zoneinfo

from harness import ServerTest
from test_input_rules import parse_cases
from test_ogc_gdal import populate

CASES = os.path.join(os.path.dirname(__file__), 'cases', 'periods.cases')
# Not the default zone, and a half-hour offset: a server that ignored the
# setting, or read the offset's minutes wrong, would answer differently.
ZONE = 'Asia/Kolkata'


def parse_utc(text):
    return datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%S.%fZ').replace(
        tzinfo=datetime.timezone.utc)


class TestPeriods(ServerTest):
    config = {'time_zone': ZONE}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        populate(cls.server, n_extra=12)
        everything = cls.server.get('/api/points?limit=10000').json()['features']
        cls.created = {f['id']: f['properties']['created'] for f in everything}
        cls.ob0 = {f['id'] for f in everything if f['properties']['ortsbezirk_id'] == 'ob-0'}
        times = sorted(cls.created.values())
        cls.mid = times[len(times) // 2]
        wall = parse_utc(cls.mid).astimezone(zoneinfo.ZoneInfo(ZONE))
        cls.mid_local = wall.strftime('%Y-%m-%dT%H:%M:%S.') + f'{wall.microsecond // 1000:03d}'
        cls.mid_offset = cls.mid_local + wall.strftime('%z')[:3] + ':' + wall.strftime('%z')[3:]

    def fill(self, path):
        for name in ('mid_local', 'mid_offset', 'mid'):
            path = path.replace('{' + name + '}', urllib.parse.quote(getattr(self, name)))
        return path

    def expected(self, rule, path):
        ids = self.ob0 if '/districts/ob-0/' in path else set(self.created)
        if rule == 'all':
            return ids
        if rule == 'none':
            return set()
        op = rule.split()[1]
        test = {'<=': lambda c: c <= self.mid, '>=': lambda c: c >= self.mid,
                '==': lambda c: c == self.mid}[op]
        return {i for i in ids if test(self.created[i])}

    def test_cases(self):
        cases = parse_cases(CASES)
        self.assertGreater(len(cases), 20)
        self.assertGreater(len(self.created), 20)
        self.assertTrue(self.ob0)
        for c in cases:
            path = self.fill(c['path'])
            with self.subTest(case=c['name'], path=path):
                r = self.server.get(path + ('&limit=10000' if '/ogc/' in path else ''))
                if c['status'] != 200:
                    self.assertProblem(r, c['status'], field=c['expect'][0][len('field: '):])
                    continue
                self.assertEqual(r.status, 200, r)
                fc = r.json()
                got = {f['id'] for f in fc['features']}
                want = self.expected(c['expect'][0], path)
                self.assertEqual(got, want)
                self.assertEqual(fc['numberMatched'], len(want))
        # The cases between them must tell the halves apart.
        self.assertLess(len(self.expected('created <= mid', '')), len(self.created))
        self.assertLess(len(self.expected('created >= mid', '')), len(self.created))

    def test_stats_read_a_local_since_as_its_instant(self):
        stats = self.server.get('/api/stats?since=' + urllib.parse.quote(self.mid_local)).json()
        self.assertEqual(stats['since'], self.mid)
        self.assertEqual(stats['total']['total'],
                         len([c for c in self.created.values() if c >= self.mid]))


if __name__ == '__main__':
    unittest.main()
