"""Operations: an online backup taken while points are being written is a
complete, consistent database; /metrics speaks Prometheus and counts what
happened; /healthz answers."""
import re
import sqlite3
import subprocess
import threading
import unittest

from harness import BIN, ServerTest


class TestOperations(ServerTest):

    def test_online_backup_while_writing(self):
        s = self.server
        stop = threading.Event()
        posted = []

        def writer():
            i = 0
            while not stop.is_set():
                r = s.post_point(7.768889, 49.444722, comment=f'während der Sicherung {i}')
                if r.status == 201:
                    posted.append(r.json()['id'])
                i += 1

        t = threading.Thread(target=writer)
        t.start()
        try:
            while len(posted) < 20 and t.is_alive():
                stop.wait(0.01)
            dest = f'{s.dir}/backup.db'
            r = s.geopart('backup', dest)
            self.assertIn(b'backed up', r.stdout)
        finally:
            stop.set()
            t.join()
        con = sqlite3.connect(dest)
        self.assertEqual(con.execute('PRAGMA integrity_check').fetchone()[0], 'ok')
        self.assertEqual(con.execute('PRAGMA journal_mode').fetchone()[0], 'delete')
        n = con.execute('SELECT count(*) FROM points').fetchone()[0]
        con.close()
        self.assertGreaterEqual(n, 20)
        self.assertLessEqual(n, len(posted))
        check = subprocess.run([BIN, 'check', '--db', dest], capture_output=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        info = subprocess.run(['ogrinfo', '-ro', '-so', dest, 'points'], capture_output=True)
        self.assertIn(f'Feature Count: {n}'.encode(), info.stdout)
        r = s.geopart('backup', '/nonexistent-dir/x.db', check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b'cannot create', r.stderr)

    def test_metrics_count_requests_and_points(self):
        s = self.server
        before = self.scrape()
        s.post_point(7.768889, 49.444722, comment='gezählt')
        s.get('/api/points?limit=0')  # a 400
        s.post_point(7.768889, 49.444722, comment='bot', extra={'website': 'x'})
        after = self.scrape()
        self.assertEqual(after['geopart_points_stored_total'] - before['geopart_points_stored_total'], 1)
        self.assertEqual(after['geopart_spam_discarded_total'] - before['geopart_spam_discarded_total'], 1)
        self.assertGreaterEqual(after['geopart_http_responses_4xx_total'] -
                                before['geopart_http_responses_4xx_total'], 1)
        self.assertEqual(after['geopart_points{status="published"}'], s.db_count("status='published'"))
        self.assertGreater(after['geopart_database_bytes'], 100000)
        self.assertEqual(after['geopart_http_request_duration_seconds_bucket{le="+Inf"}'],
                         after['geopart_http_request_duration_seconds_count'])

    def scrape(self):
        r = self.server.get('/metrics')
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header('Content-Type').startswith('text/plain; version=0.0.4'))
        values = {}
        for line in r.body.decode().splitlines():
            if line.startswith('#') or not line:
                continue
            m = re.fullmatch(r'([a-z0-9_]+(?:\{[^}]*\})?) ([0-9.e+-]+)', line)
            self.assertIsNotNone(m, line)
            values[m.group(1)] = float(m.group(2))
        return values


if __name__ == '__main__':
    unittest.main()
