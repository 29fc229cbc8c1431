"""Backups and the verbs that only read: `geopart backup` copies a live
database while another process holds its write lock, without migrating it
or waiting for that lock (test_operations.py backs up while points are
posted); `check`, `export` and `token list` on a copy leave the copy and
its folder exactly as they were (no `.secret`, no WAL, not a byte
changed)."""
import hashlib
import os
import sqlite3
import subprocess
import unittest

from harness import BIN, ServerTest


def snapshot(folder):
    """Every file in folder with its size, modification time and digest."""
    out = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        st = os.stat(path)
        with open(path, 'rb') as f:
            out[name] = (st.st_size, st.st_mtime_ns, hashlib.sha256(f.read()).hexdigest())
    return out


def run(*args, timeout=120):
    return subprocess.run([BIN] + list(args), capture_output=True, timeout=timeout)


class TestBackup(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for i in range(12):
            r = cls.server.post_point(7.768889 + i * 0.001, 49.444722, comment=f'vor der Sicherung {i}')
            assert r.status == 201, r

    def fresh_copy(self, name):
        """A backup of the live database alone in a new folder; its path."""
        folder = os.path.join(self.server.dir, name)
        os.mkdir(folder)
        dest = os.path.join(folder, 'copy.db')
        self.server.geopart('backup', dest)
        return folder, dest

    def test_backup_while_another_process_holds_the_write_lock(self):
        s = self.server
        dest = os.path.join(s.dir, 'locked-copy.db')
        holder = sqlite3.connect(s.db, isolation_level=None, timeout=10)
        try:
            holder.execute('BEGIN IMMEDIATE')
            holder.execute("INSERT INTO meta (key, value) VALUES ('not-committed', 'x')")
            # The lock is held until backup has returned: a backup that
            # wanted it would wait out its busy timeout and fail.
            r = s.geopart('backup', dest, check=False)
        finally:
            holder.execute('ROLLBACK')
            holder.close()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(b'lock', r.stderr)
        self.assertIn(b'backed up', r.stdout)
        con = sqlite3.connect(f'file:{dest}?mode=ro', uri=True)
        try:
            self.assertEqual(con.execute('PRAGMA integrity_check').fetchone()[0], 'ok')
            keys = {k for (k,) in con.execute('SELECT key FROM meta')}
            self.assertIn('districts_version', keys)
            self.assertNotIn('not-committed', keys)  # only committed data
            self.assertGreaterEqual(con.execute('SELECT count(*) FROM points').fetchone()[0], 12)
        finally:
            con.close()

    def test_reading_verbs_leave_a_copy_untouched(self):
        folder, dest = self.fresh_copy('copies')
        before = snapshot(folder)
        self.assertEqual(list(before), ['copy.db'])
        c = run('check', '--db', dest)
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)
        self.assertIn(b'ok:', c.stdout)
        self.assertEqual(c.stderr, b'')
        e = run('export', '--format', 'csv', '--db', dest)
        self.assertEqual(e.returncode, 0, e.stderr)
        self.assertGreaterEqual(e.stdout.count(b'\r\n'), 13)  # header and the points
        t = run('token', 'list', '--db', dest)
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertEqual(snapshot(folder), before)
        self.assertFalse(os.path.exists(dest + '.secret'))

    def test_check_on_a_copy_finds_a_broken_spatial_index(self):
        folder, dest = self.fresh_copy('broken')
        con = sqlite3.connect(dest)
        victim = con.execute('SELECT min(id) FROM points').fetchone()[0]
        moved = con.execute('SELECT max(id) FROM points').fetchone()[0]
        con.execute('DELETE FROM idx_points_geom WHERE pkid = ?', (victim,))
        con.execute('UPDATE idx_points_geom SET xmin = xmin + 500, xmax = xmax + 500 WHERE pkid = ?',
                    (moved,))
        con.commit()
        con.close()
        before = snapshot(folder)
        c = run('check', '--db', dest)
        self.assertEqual(c.returncode, 1, c.stdout)
        self.assertIn(f'point {victim} is missing from idx_points_geom'.encode(), c.stdout)
        self.assertIn(f'wrong box for point {moved}'.encode(), c.stdout)
        self.assertEqual(snapshot(folder), before)

    def test_reading_verbs_refuse_an_old_schema_without_upgrading_it(self):
        s = self.server
        folder, dest = self.fresh_copy('old')
        con = sqlite3.connect(dest)
        known = con.execute('PRAGMA user_version').fetchone()[0]
        con.execute(f'PRAGMA user_version = {known - 1}')
        con.commit()
        con.close()
        before = snapshot(folder)
        c = run('check', '--db', dest)
        self.assertEqual(c.returncode, 1)
        self.assertIn(f'has schema {known - 1}, this geopart reads {known}'.encode(), c.stderr)
        self.assertIn(b'geopart init', c.stderr)
        self.assertEqual(snapshot(folder), before)
        # A backup copies whatever schema it finds, as it is.
        again = os.path.join(s.dir, 'old-again.db')
        b = run('backup', again, '--db', dest)
        self.assertEqual(b.returncode, 0, b.stderr)
        con = sqlite3.connect(f'file:{again}?mode=ro', uri=True)
        self.assertEqual(con.execute('PRAGMA user_version').fetchone()[0], known - 1)
        con.close()
        self.assertEqual(snapshot(folder), before)


if __name__ == '__main__':
    unittest.main()
