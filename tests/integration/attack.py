"""Hostile connections on loopback, and a real client timed while they run.

Used by test_connections.py and tools/bench/connections.sh.  An Attack keeps
a number of connections open against the server from its own source
addresses (127.0.0.2 and up, so a per-client connection cap does not simply
refuse the real client on 127.0.0.1), all driven by one thread with a
selector.  When the server closes one, it is opened again at once: the
attacker keeps up the pressure for as long as it runs.

Kinds:
  slow-header  sends a request line and then one header byte per `pace`
               seconds, never finishing the header (slowloris)
  idle         sends one complete keep-alive GET, reads the answer and then
               stays silent, holding the connection as long as the server
               lets it
  trickle-body a complete POST header announcing 200 bytes of body, then one
               body byte per `pace` seconds
Only the Python standard library is used.
"""
import http.client
import resource
import selectors
import socket
import statistics
import threading
import time

KINDS = ('slow-header', 'idle', 'trickle-body')


def raise_fd_limit(need):
    """Raises this process's open-file limit (soft up to hard) so `need`
    sockets fit; returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, need + 256)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        soft = want
    if soft < need + 64:
        raise RuntimeError(f'open-file limit {soft} is too low for {need} sockets')
    return soft


class _Conn:
    __slots__ = ('sock', 'sent', 'next_at', 'answered', 'buf')

    def __init__(self, sock):
        self.sock = sock
        self.sent = 0
        self.next_at = 0.0
        self.answered = False
        self.buf = b''


class Attack:
    """`count` connections of one kind, `per_address` of them per source
    address, started by start() and ended by stop()."""

    def __init__(self, port, kind, count, per_address=10, pace=1.0,
                 path='/healthz', first_source=2):
        assert kind in KINDS, kind
        self.port = port
        self.kind = kind
        self.count = count
        self.per_address = per_address
        self.pace = pace
        self.path = path
        self.first_source = first_source
        self.opened = 0        # connections opened so far
        self.closed = 0        # of those, closed by the server
        self.statuses = {}     # status code -> responses seen
        self._stop = threading.Event()
        self._thread = None
        self._open_now = 0
        self.max_open = 0      # most connections open at the same time
        self._area = 0.0       # integral of open connections over time
        self._area_since = None

    def source(self, i):
        return f'127.0.0.{self.first_source + i // self.per_address}'

    def _request_head(self):
        if self.kind == 'slow-header':
            return f'GET {self.path} HTTP/1.1\r\nHost: attack\r\n'.encode()
        if self.kind == 'idle':
            return f'GET {self.path} HTTP/1.1\r\nHost: attack\r\n\r\n'.encode()
        return (b'POST /api/points HTTP/1.1\r\nHost: attack\r\n'
                b'Content-Type: application/json\r\nContent-Length: 200\r\n\r\n')

    def _open(self, sel, i):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((self.source(i), 0))
            s.connect_ex(('127.0.0.1', self.port))
        except OSError:
            s.close()
            return None
        c = _Conn(s)
        c.next_at = time.monotonic()
        sel.register(s, selectors.EVENT_READ, (i, c))
        self.opened += 1
        self._open_now += 1
        self.max_open = max(self.max_open, self._open_now)
        return c

    def _close(self, sel, c):
        sel.unregister(c.sock)
        c.sock.close()
        self._open_now -= 1

    def _send_due(self, c, now):
        """Sends what this connection has to send by now."""
        head = self._request_head()
        try:
            if c.sent == 0:
                # the request line (and a complete header) go out at once
                c.sock.send(head)
                c.sent = len(head)
                c.next_at = now + self.pace
            elif self.kind in ('slow-header', 'trickle-body') and now >= c.next_at:
                c.sock.send(b'x' if self.kind == 'slow-header' else b' ')
                c.sent += 1
                c.next_at = now + self.pace
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            return False
        return True

    def _run(self, ramp):
        sel = selectors.DefaultSelector()
        conns = [None] * self.count
        # opened over `ramp` seconds, so they do not all time out together
        start = time.monotonic()
        reopen_at = [start + ramp * i / self.count for i in range(self.count)]
        last = start
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if self._area_since is not None:
                    self._area += (now - max(last, self._area_since)) * self._open_now
                last = now
                for i in range(self.count):
                    if conns[i] is None and now >= reopen_at[i]:
                        conns[i] = self._open(sel, i)
                        if conns[i] is None:
                            reopen_at[i] = now + 0.2
                    c = conns[i]
                    if c is not None and not self._send_due(c, now):
                        self._close(sel, c)
                        self.closed += 1
                        conns[i] = None
                        reopen_at[i] = now + 0.05
                for key, _ in sel.select(timeout=0.05):
                    i, c = key.data
                    try:
                        data = c.sock.recv(65536)
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:
                        data = b''
                    if data:
                        c.buf = (c.buf + data)[-65536:]
                        if not c.answered and c.buf.startswith(b'HTTP/1.1 ') and len(c.buf) > 12:
                            code = int(c.buf[9:12])
                            self.statuses[code] = self.statuses.get(code, 0) + 1
                            c.answered = True
                        continue
                    self._close(sel, c)
                    self.closed += 1
                    conns[i] = None
                    # open the next one almost at once, without spinning
                    reopen_at[i] = time.monotonic() + 0.05
        finally:
            for c in conns:
                if c is not None:
                    self._close(sel, c)
            sel.close()

    def start(self, settle=2.0, ramp=1.0):
        """Starts the attack and returns when all its connections were opened
        (over `ramp` seconds) and `settle` more seconds passed, so the server
        feels the full load."""
        self._thread = threading.Thread(target=self._run, args=(ramp,), daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30 + ramp
        while self.opened < self.count and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(settle)
        return self

    def open_now(self):
        return self._open_now

    def hold_from_now(self):
        """Starts averaging the number of open connections (see held())."""
        self._area = 0.0
        self._area_since = time.monotonic()

    def held(self):
        """Connections open on average since hold_from_now(): reconnecting
        after the server closed some makes this fall below count."""
        elapsed = time.monotonic() - self._area_since
        return self._area / elapsed if elapsed > 0 else float(self._open_now)

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)


def timed_get(port, path, timeout=10.0, source=None):
    """One real client request on a new connection: (seconds, status); a
    failure counts as the timeout with status None."""
    t0 = time.monotonic()
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request('GET', path)
        r = conn.getresponse()
        r.read()
        return time.monotonic() - t0, r.status
    except (OSError, http.client.HTTPException):
        return max(timeout, time.monotonic() - t0), None
    finally:
        conn.close()


def measure(port, path, n=40, spacing=0.1, timeout=10.0):
    """n real requests one after the other; returns (latencies, statuses)."""
    times, statuses = [], []
    for _ in range(n):
        t, status = timed_get(port, path, timeout)
        times.append(t)
        statuses.append(status)
        time.sleep(spacing)
    return times, statuses


def summary(times):
    """median, p99 and max of a list of seconds."""
    s = sorted(times)
    p99 = s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]
    return statistics.median(s), p99, s[-1]
