"""A full disk under a running server: writes get 503 with Retry-After and
store nothing, /healthz says "degraded" (503) with the reason, reads keep
answering, and once space returns /healthz and writes recover by
themselves, without a restart.

The database lives on a small tmpfs.  So that the mount is private to this
test and disappears with it, the test runs itself in a mount namespace of
its own (`unshare --mount` as root, `unshare --user --map-root-user
--mount` otherwise); where neither is allowed but the test runs as root, it
mounts in the machine's namespace and unmounts at the end."""
import errno
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

from harness import Server

NAMESPACE_MARK = 'GEOPART_TEST_PRIVATE_MOUNTS'
PROBE = 'd=$(mktemp -d) && mount -t tmpfs -o size=1m geopart-probe "$d" && umount "$d" && rmdir "$d"'


def enter_private_mount_namespace():
    """Re-executes this file in a private mount namespace where mounting a
    tmpfs works; returns only when none can be had (or we are already in)."""
    if os.environ.get(NAMESPACE_MARK):
        return
    ways = [['unshare', '--user', '--map-root-user', '--mount', '--propagation', 'private']]
    if os.geteuid() == 0:
        ways.insert(0, ['unshare', '--mount', '--propagation', 'private'])
    for way in ways:
        try:
            probe = subprocess.run(way + ['sh', '-c', PROBE], capture_output=True, timeout=30)
        except OSError:
            continue
        if probe.returncode == 0:
            os.environ[NAMESPACE_MARK] = ' '.join(way)
            sys.stdout.flush()
            os.execvp(way[0], way + [sys.executable] + [os.path.abspath(sys.argv[0])] + sys.argv[1:])


def fill(path):
    """Writes path until the file system has not a single page left."""
    with open(path, 'wb', buffering=0) as f:
        for size in (1 << 20, 1 << 12, 1 << 9):
            block = b'\xa5' * size
            while True:
                try:
                    if f.write(block) < len(block):
                        break
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


class TestDiskFull(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory(prefix='geopart-disk-')
        cls.addClassCleanup(cls.work.cleanup)
        cls.disk = os.path.join(cls.work.name, 'disk')
        os.mkdir(cls.disk)
        r = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=16m,mode=0755', 'geopart-test',
                            cls.disk], capture_output=True)
        if r.returncode != 0:
            raise RuntimeError('cannot mount a tmpfs: ' + r.stderr.decode())
        cls.addClassCleanup(subprocess.run, ['umount', '-l', cls.disk])
        cls.db = os.path.join(cls.disk, 'geopart.db')
        # the GeoPackage export's temporary files go to the same disk
        cls.spill = os.path.join(cls.disk, 'spill')
        os.mkdir(cls.spill)
        cls.server = Server(db=cls.db, workdir=os.path.join(cls.work.name),
                            config={'retention_days': '0'}, env={'TMPDIR': cls.spill})
        cls.addClassCleanup(cls.server.stop)
        cls.server.start()

    def stored_comments(self):
        con = sqlite3.connect(f'file:{self.db}?mode=ro', uri=True, timeout=10)
        try:
            return [c for (c,) in con.execute('SELECT comment FROM points ORDER BY id')]
        finally:
            con.close()

    def health(self):
        r = self.server.get('/healthz')
        self.assertEqual(r.header('Cache-Control'), 'no-store')
        return r.status, r.json()

    def degraded_gauge(self):
        body = self.server.get('/metrics').body.decode()
        line = next(l for l in body.splitlines() if l.startswith('geopart_storage_degraded '))
        return int(line.split()[1])

    def test_full_disk_refuses_writes_keeps_reads_and_recovers(self):
        s = self.server
        pid = s.proc.pid
        kept = []
        for i in range(3):
            r = s.post_point(7.768889 + i * 0.002, 49.444722, comment=f'vor dem vollen Datenträger {i}')
            self.assertEqual(r.status, 201, r)
            kept.append(r.json()['id'])
        status, body = self.health()
        self.assertEqual((status, body['status'], body['database']), (200, 'ok', 'ok'), body)
        self.assertEqual(self.degraded_gauge(), 0)

        # Write-ahead log emptied first, so the next commit must claim new
        # pages of the disk (otherwise it could reuse the log's old space).
        con = sqlite3.connect(self.db, timeout=10)
        busy, _, _ = con.execute('PRAGMA wal_checkpoint(TRUNCATE)').fetchone()
        con.close()
        self.assertEqual(busy, 0)
        self.assertEqual(os.path.getsize(self.db + '-wal'), 0)
        filler = os.path.join(self.disk, 'filler')
        fill(filler)
        self.assertLess(free_bytes(self.disk), 4096)

        for i in range(3):
            r = s.post_point(7.77 + i * 0.002, 49.445, comment=f'auf vollem Datenträger {i}')
            self.assertEqual(r.status, 503, r)
            self.assertTrue(r.header('Content-Type').startswith('application/problem+json'))
            p = r.json()
            self.assertEqual(p['type'], 'urn:geopart:problem:storage-unavailable')
            self.assertEqual(p['status'], 503)
            self.assertIn('disk full', p['detail'])
            self.assertGreaterEqual(int(r.header('Retry-After')), 1)

        status, body = self.health()
        self.assertEqual(status, 503)
        self.assertEqual(body['status'], 'degraded')
        self.assertIn('disk full', body['reason'])
        self.assertIn('full', body['detail'])
        self.assertTrue(body['since'].endswith('Z'))
        self.assertEqual(self.degraded_gauge(), 1)

        # Reads answer as before.
        r = s.get('/api/points?limit=10')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()['numberMatched'], 3)
        self.assertEqual(sorted(f['id'] for f in r.json()['features']), sorted(kept))
        self.assertEqual(s.get(f'/api/points/{kept[0]}').status, 200)
        self.assertEqual(s.get('/api/districts?layer=ortsbezirk').status, 200)
        self.assertEqual(s.get('/api/stats').status, 200)
        self.assertEqual(s.get('/').status, 200)
        # Nothing of the refused points was stored, not even in part.
        self.assertEqual(self.stored_comments(), [f'vor dem vollen Datenträger {i}' for i in range(3)])
        # A GeoPackage needs a file on the full disk: 503 as well, and no file left.
        r = s.get('/api/export?format=gpkg')
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json()['type'], 'urn:geopart:problem:storage-unavailable')
        self.assertIn('GeoPackage cannot be written', r.json()['detail'])
        self.assertGreaterEqual(int(r.header('Retry-After')), 1)
        self.assertEqual(os.listdir(self.spill), [])
        self.assertEqual(s.get('/api/export?format=geojson').status, 200)

        # Space returns: health recovers with nobody writing, then writes do.
        os.unlink(filler)
        status, body = self.health()
        self.assertEqual((status, body['status']), (200, 'ok'), body)
        self.assertEqual(self.degraded_gauge(), 0)
        r = s.get('/api/export?format=gpkg')
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body.startswith(b'SQLite format 3\x00'))
        self.assertEqual(os.listdir(self.spill), [])
        r = s.post_point(7.7705, 49.4451, comment='nach dem Aufräumen')
        self.assertEqual(r.status, 201, r)
        self.assertEqual(s.get(f"/api/points/{r.json()['id']}").status, 200)
        self.assertEqual(self.stored_comments()[-1], 'nach dem Aufräumen')
        self.assertEqual(len(self.stored_comments()), 4)
        self.assertEqual(s.proc.pid, pid)
        self.assertIsNone(s.proc.poll())
        log = s.read_log()
        self.assertIn('storage fault: database or disk is full', log)
        self.assertIn('storage recovered', log)


if __name__ == '__main__':
    enter_private_mount_namespace()
    if not os.environ.get(NAMESPACE_MARK) and os.geteuid() != 0:
        print('SKIP: no user namespaces and not root: cannot mount a tmpfs')
        sys.exit(77)  # meson reports a skip
    unittest.main()
