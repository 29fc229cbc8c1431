"""Concurrent writes are stored exactly once, a point acknowledged with 201
survives the server being killed with SIGKILL in the middle of writing, and
when the disk refuses a COMMIT or its fsync the write answers 5xx and the
database file holds nothing of it (the test-only fault shim,
src/store/faults.c, switched by a trigger file)."""
import os
import re
import sqlite3
import threading
import time
import unittest

from harness import Server, ServerTest, load_fixture, run_parallel, staff_token

CENTRE = (7.768889, 49.444722)


def city_points():
    return [tuple(f['geometry']['coordinates'])
            for f in load_fixture('kaiserslautern-testpunkte.geojson')['features']
            if f['properties']['expected_in_city']]


class TestConcurrentPosts(ServerTest):

    def test_200_posts_from_8_clients_are_stored_exactly_once(self):
        spots = city_points()

        def post(i):
            lon, lat = spots[i % len(spots)]
            r = self.server.post_point(lon, lat, comment=f'parallel #{i}',
                                       category='favourite' if i % 2 else 'improvement')
            return r.status, r.json().get('id')

        results = run_parallel(post, list(range(200)), workers=8)
        self.assertTrue(all(not isinstance(r, Exception) for r in results), results)
        self.assertEqual([s for s, _ in results], [201] * 200)
        ids = [i for _, i in results]
        self.assertEqual(len(set(ids)), 200)
        self.assertEqual(self.server.db_count(), 200)
        con = sqlite3.connect(f'file:{self.server.db}?mode=ro', uri=True)
        rows = con.execute("SELECT comment, count(*) FROM points GROUP BY comment").fetchall()
        con.close()
        self.assertEqual(len(rows), 200)
        self.assertTrue(all(n == 1 for _, n in rows))
        listing = self.server.get('/api/points?limit=1000').json()
        self.assertEqual(sorted(f['id'] for f in listing['features']), sorted(ids))
        stats = self.server.get('/api/stats').json()
        topics = [t['id'] for t in self.server.get('/api/config').json()['topics']]
        self.assertEqual(stats['total'], {'favourite': 100, 'improvement': 100, 'total': 200,
                                          'channels': {'online': 200, 'walk': 0, 'workshop': 0},
                                          'outcomes': {'open': 200, 'in_review': 0,
                                                       'adopted': 0, 'not_adopted': 0},
                                          'by_topic': {t: 0 for t in topics}})


class TestCrash(unittest.TestCase):

    def test_acknowledged_points_survive_kill_9(self):
        server = Server().start()
        try:
            spots = city_points()
            acked = {}
            lock = threading.Lock()
            stop = threading.Event()

            def writer(n):
                i = 0
                while not stop.is_set():
                    lon, lat = spots[(n * 7 + i) % len(spots)]
                    comment = f'crash test w{n} #{i}'
                    try:
                        r = server.post_point(lon, lat, comment=comment, timeout=5)
                    except OSError:
                        return  # the server is gone
                    if r.status == 201:
                        with lock:
                            acked[r.json()['id']] = comment
                    i += 1

            threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
            for t in threads:
                t.start()
            # kill in the middle of writing: once enough were acknowledged
            deadline = time.monotonic() + 30
            while len(acked) < 60 and time.monotonic() < deadline:
                time.sleep(0.01)
            server.kill9()
            stop.set()
            for t in threads:
                t.join()
            self.assertGreater(len(acked), 20, 'too few writes before the kill to mean anything')

            server.start()
            con = sqlite3.connect(f'file:{server.db}?mode=ro', uri=True)
            self.assertEqual(con.execute('PRAGMA integrity_check').fetchone()[0], 'ok')
            stored = dict(con.execute('SELECT id, comment FROM points').fetchall())
            con.close()
            missing = [i for i in acked if stored.get(i) != acked[i]]
            self.assertEqual(missing, [], f'{len(missing)} acknowledged points lost')
            # points stored but never acknowledged are possible (killed before
            # the reply); they must still be whole points
            for pid in list(stored)[:5]:
                self.assertEqual(server.get(f'/api/points/{pid}').status, 200)
            check = server.geopart('check')
            self.assertIn(b'ok:', check.stdout)
        finally:
            server.cleanup()


def file_rows(db, sql, args=()):
    """Reads the database file itself with the sqlite3 library (not the
    server): what a restart, a backup or a GIS would find there."""
    con = sqlite3.connect(f'file:{db}?mode=ro', uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


class TestDiskFaults(unittest.TestCase):
    """The fault shim fails every fsync ("fsync") or every write to the WAL
    ("write", "full") while the trigger file exists.  A write the disk did
    not take must never be acknowledged, and must leave nothing behind."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.addClassCleanup(cls.server.cleanup)
        cls.trigger = os.path.join(cls.server.dir, 'disk-fault')
        cls.server.env['GEOPART_TEST_FAULTS'] = cls.trigger
        cls.server.start()
        cls.planner = staff_token(cls.server, 'p', 'planner')

    def tearDown(self):
        if os.path.exists(self.trigger):
            os.unlink(self.trigger)

    def fail_disk(self, mode):
        with open(self.trigger, 'w', encoding='ascii') as f:
            f.write(mode)

    def heal_disk(self):
        os.unlink(self.trigger)

    def assert5xx(self, r):
        self.assertGreaterEqual(r.status, 500, r)
        self.assertLess(r.status, 600, r)
        self.assertTrue(r.header('Content-Type').startswith('application/problem+json'), r)

    def test_the_shim_announces_itself(self):
        self.assertIn('TEST ONLY: disk faults are injected', self.server.read_log())

    def test_writes_run_with_synchronous_full_in_wal(self):
        r = self.server.get('/metrics')
        self.assertEqual(r.status, 200)
        text = r.body.decode()
        self.assertRegex(text, r'(?m)^geopart_database_synchronous 2$')
        self.assertRegex(text, r'(?m)^geopart_database_wal 1$')
        self.assertEqual(file_rows(self.server.db, 'PRAGMA journal_mode')[0][0], 'wal')

    def test_a_post_the_disk_refuses_answers_5xx_and_stores_nothing(self):
        s = self.server
        for mode in ('fsync', 'write', 'full'):
            with self.subTest(mode=mode):
                before = file_rows(s.db, 'SELECT count(*) FROM points')[0][0]
                self.fail_disk(mode)
                r = s.post_point(*CENTRE, comment=f'refused by the disk ({mode})')
                self.heal_disk()
                self.assert5xx(r)
                self.assertIsNone(r.header('Location'))
                self.assertEqual(file_rows(s.db, 'SELECT count(*) FROM points')[0][0], before)
                self.assertEqual(file_rows(s.db, 'SELECT count(*) FROM points WHERE comment = ?',
                                           (f'refused by the disk ({mode})',))[0][0], 0)
                # the disk is back: the next point is stored and acknowledged
                r = s.post_point(*CENTRE, comment=f'after the fault ({mode})')
                self.assertEqual(r.status, 201, r)
                self.assertEqual(file_rows(s.db, 'SELECT comment FROM points WHERE id = ?',
                                           (r.json()['id'],)), [(f'after the fault ({mode})',)])

    def test_a_batch_the_disk_refuses_is_refused_whole(self):
        s = self.server
        before = file_rows(s.db, 'SELECT count(*) FROM points')[0][0]
        self.fail_disk('fsync')
        results = run_parallel(lambda i: s.post_point(*CENTRE, comment=f'batch {i}'),
                               list(range(24)), workers=8)
        self.heal_disk()
        for r in results:
            self.assertNotIsInstance(r, Exception)
            self.assert5xx(r)
        self.assertEqual(file_rows(s.db, 'SELECT count(*) FROM points')[0][0], before)

    def test_staff_changes_and_reactions_the_disk_refuses_change_nothing(self):
        s = self.server
        r = s.post_point(*CENTRE, comment='bleibt wie er ist')
        self.assertEqual(r.status, 201, r)
        pid = r.json()['id']
        row = 'SELECT status, comment, supporters FROM points WHERE id = ?'
        before = file_rows(s.db, row, (pid,))
        self.assertEqual(before, [('published', 'bleibt wie er ist', 0)])
        log_before = file_rows(s.db, 'SELECT count(*) FROM moderation_log')[0][0]
        self.fail_disk('fsync')
        attempts = {
            'hide': s.request('PATCH', f'/api/points/{pid}', body={'status': 'hidden'},
                              headers=self.planner),
            'redact': s.request('PATCH', f'/api/points/{pid}', body={'comment': 'geschwärzt'},
                                headers=self.planner),
            'support': s.request('POST', f'/api/points/{pid}/support', source='127.0.0.2'),
            'flag': s.request('POST', f'/api/points/{pid}/flag', body={'reason': 'spam'},
                              source='127.0.0.3'),
        }
        self.heal_disk()
        for what, r in attempts.items():
            with self.subTest(what=what):
                self.assert5xx(r)
        self.assertEqual(file_rows(s.db, row, (pid,)), before)
        self.assertEqual(file_rows(s.db, 'SELECT count(*) FROM moderation_log')[0][0], log_before)
        self.assertEqual(file_rows(s.db, 'SELECT count(*) FROM flags WHERE point_id = ?',
                                   (pid,))[0][0], 0)
        # and the same requests succeed once the disk is back
        r = s.request('PATCH', f'/api/points/{pid}', body={'status': 'hidden'},
                      headers=self.planner)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(file_rows(s.db, 'SELECT status FROM points WHERE id = ?', (pid,)),
                         [('hidden',)])

    def test_nothing_refused_reappears_after_a_clean_restart(self):
        s = self.server
        self.fail_disk('write')
        r = s.post_point(*CENTRE, comment='nie gespeichert')
        self.heal_disk()
        self.assert5xx(r)
        s.stop()
        try:
            self.assertEqual(file_rows(s.db, 'SELECT count(*) FROM points WHERE comment = ?',
                                       ('nie gespeichert',))[0][0], 0)
            self.assertEqual(file_rows(s.db, 'PRAGMA integrity_check'), [('ok',)])
        finally:
            s.start()


class TestBusyDatabase(ServerTest):
    """Another process holding the write lock beyond the busy timeout (5 s):
    the write answers 503 with Retry-After and stores nothing."""

    def test_a_write_that_cannot_get_the_lock_is_503_and_stores_nothing(self):
        s = self.server
        pid = s.post_point(*CENTRE, comment='vorher').json()['id']
        con = sqlite3.connect(s.db, timeout=10, isolation_level=None)
        try:
            con.execute('BEGIN IMMEDIATE')
            results = run_parallel(lambda req: req(), [
                lambda: s.post_point(*CENTRE, comment='während der Sperre'),
                lambda: s.request('POST', f'/api/points/{pid}/support', source='127.0.0.2'),
            ], workers=2)
        finally:
            con.execute('ROLLBACK')
            con.close()
        for r in results:
            self.assertNotIsInstance(r, Exception)
            self.assertEqual(r.status, 503, r)
            self.assertEqual(r.json()['status'], 503)
            self.assertGreaterEqual(int(r.header('Retry-After')), 1)
        self.assertEqual(file_rows(s.db, 'SELECT comment, supporters FROM points'), [('vorher', 0)])
        # the lock is gone: both go through
        self.assertEqual(s.post_point(*CENTRE, comment='danach').status, 201)
        r = s.request('POST', f'/api/points/{pid}/support', source='127.0.0.3')
        self.assertEqual((r.status, r.json()['supporters']), (200, 1))


class TestBatchRollback(ServerTest):
    """The group commit: a point the database refuses with a fault (here a
    trigger raising an error for one comment, as a damaged index would)
    fails its whole batch — every point of it answers 5xx and none is
    stored — while points refused on their own merits and later batches are
    unaffected."""

    def test_a_fault_in_a_batch_fails_that_batch_whole(self):
        s = self.server
        con = sqlite3.connect(s.db, timeout=10)
        con.execute("CREATE TRIGGER fault BEFORE INSERT ON points WHEN NEW.comment = 'Störung' "
                    "BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
        con.commit()
        con.close()
        comments = [f'Stapel {i}' for i in range(40)]
        comments[20] = 'Störung'
        outside = 'draußen'
        comments[30] = outside

        def post(comment):
            if comment == outside:
                return s.post_point(7.6173, 49.43, comment=comment)
            return s.post_point(*CENTRE, comment=comment)

        results = dict(zip(comments, run_parallel(post, comments, workers=8)))
        stored = {c for (c,) in file_rows(s.db, 'SELECT comment FROM points')}
        for comment, r in results.items():
            with self.subTest(comment=comment):
                self.assertNotIsInstance(r, Exception)
                if comment == outside:
                    self.assertEqual(r.status, 422, r)  # its own answer, whatever its batch did
                elif r.status == 201:
                    self.assertIn(comment, stored)
                    self.assertEqual(r.json()['properties']['comment'], comment)
                else:
                    self.assertEqual(r.status, 500, r)
                    self.assertNotIn(comment, stored)
        self.assertEqual(results['Störung'].status, 500)
        self.assertNotIn('Störung', stored)
        self.assertEqual(len(stored), sum(r.status == 201 for r in results.values()))
        self.assertGreater(len(stored), 0)
        # the next point, alone in its batch, is stored
        self.assertEqual(s.post_point(*CENTRE, comment='später').status, 201)


class TestFaultsNeedTheirVariable(ServerTest):
    """Without GEOPART_TEST_FAULTS nothing fails, whatever files exist."""

    def test_a_trigger_file_alone_does_nothing(self):
        for name in ('disk-fault', 'fault', 'faults'):
            with open(os.path.join(self.server.dir, name), 'w', encoding='ascii') as f:
                f.write('fsync')
        self.assertNotIn('GEOPART_TEST_FAULTS', self.server.env)
        r = self.server.post_point(*CENTRE, comment='ganz normal')
        self.assertEqual(r.status, 201, r)
        self.assertNotIn('TEST ONLY', self.server.read_log())
        self.assertTrue(re.search(r'geopart_database_synchronous 2',
                                  self.server.get('/metrics').body.decode()))


if __name__ == '__main__':
    unittest.main()
