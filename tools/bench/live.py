#!/usr/bin/env python3
"""tools/bench/live.py PORT PID [STREAMS] [POSTS] — the live room under its
issue's load (issue 17), against a running server: STREAMS (300) event
streams of GET /api/live from 127.0.0.2 and up (10 per address, as a
workshop's projectors and viewers behind many networks would be), then
POSTS (30) points one after another from 127.0.0.1.  For each point and
each stream: the time from the POST's answer to the point's message on
that stream (a message before the answer counts 0).  Also: the server's
private memory (/proc/PID/smaps_rollup) before and after opening the
streams, and a real client's GET /api/points?limit=1 on new connections
while the streams are open (the reliability goal of issue 9), without
attack and under each hostile load of tools/bench/connections.sh.

Goals: median < 200 ms and worst < 1 s; 300 open streams < 50 MB private
memory; the real client's median < 0.5 s and max < 2 s."""
import http.client
import json
import selectors
import socket
import statistics
import sys
import threading
import time

import probe
from probe import attack


def private_kib(pid):
    total = 0
    with open(f'/proc/{pid}/smaps_rollup', encoding='ascii') as f:
        for line in f:
            if line.startswith(('Private_Clean:', 'Private_Dirty:', 'Private_Hugetlb:')):
                total += int(line.split()[1])
    return total


def open_stream(port, source):
    s = socket.create_connection(('127.0.0.1', port), timeout=10, source_address=(source, 0))
    s.sendall(f'GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n'
              'Accept: text/event-stream\r\n\r\n'.encode())
    data = b''
    # the head, the retry hint and the snapshot come in one write
    while b'event: snapshot' not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise RuntimeError(f'stream closed at once: {data[:300]!r}')
        data += chunk
    if not data.startswith(b'HTTP/1.1 200'):
        raise RuntimeError(f'stream refused: {data[:300]!r}')
    s.setblocking(False)
    return s


def post(port, comment):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    conn.request('GET', '/api/form')
    token = json.loads(conn.getresponse().read())['form_token']
    body = json.dumps({'type': 'Feature',
                       'geometry': {'type': 'Point', 'coordinates': [7.768889, 49.444722]},
                       'properties': {'category': 'favourite', 'comment': comment,
                                      'form_token': token}})
    conn.request('POST', '/api/points', body=body, headers={'Content-Type': 'application/json'})
    r = conn.getresponse()
    r.read()
    answered = time.monotonic()
    conn.close()
    if r.status != 201:
        raise RuntimeError(f'POST answered {r.status}')
    return answered


def real_client(port, n=60):
    times = []
    for _ in range(n):
        t0 = time.monotonic()
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
        conn.request('GET', '/api/points?limit=1')
        r = conn.getresponse()
        r.read()
        conn.close()
        if r.status != 200:
            raise RuntimeError(f'GET answered {r.status}')
        times.append(time.monotonic() - t0)
    return times


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    nstreams = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    nposts = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    real_client(port, 5)  # warm: every code path ran once
    before = private_kib(pid)
    streams = [open_stream(port, f'127.0.0.{2 + i // 10}') for i in range(nstreams)]
    after = private_kib(pid)
    print(f'{nstreams} streams open: private memory {before / 1024:.1f} MiB before, '
          f'{after / 1024:.1f} MiB after: {(after - before) / 1024:.1f} MiB for the streams '
          f'({(after - before) / nstreams:.0f} KiB each)')

    sel = selectors.DefaultSelector()
    bufs = {}
    for s in streams:
        sel.register(s, selectors.EVENT_READ)
        bufs[s] = ''
    arrivals = {}  # (post, stream index) -> time
    index = {s: i for i, s in enumerate(streams)}
    answered = {}
    stop = threading.Event()

    def poster():
        for k in range(nposts):
            answered[k] = post(port, f'Bench live {k} ')
            time.sleep(0.1)  # pacing: one point at a time, as a room makes them
        stop.set()

    th = threading.Thread(target=poster)
    th.start()
    deadline = None
    while True:
        if stop.is_set() and deadline is None:
            deadline = time.monotonic() + 5
        if deadline and (time.monotonic() > deadline or len(arrivals) == nposts * nstreams):
            break
        for key, _ in sel.select(timeout=0.1):
            s = key.fileobj
            now = time.monotonic()
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            if not data:
                sel.unregister(s)
                continue
            text = bufs[s] + data.decode('utf-8', 'replace')
            while 'Bench live ' in text:
                at = text.index('Bench live ') + len('Bench live ')
                end = text.index(' ', at) if ' ' in text[at:] else -1
                if end < 0:
                    break
                arrivals[(int(text[at:end]), index[s])] = now
                text = text[end:]
            bufs[s] = text[-64:]
    th.join()
    lat = []
    missing = 0
    for k in range(nposts):
        for i in range(nstreams):
            t = arrivals.get((k, i))
            if t is None:
                missing += 1
            else:
                lat.append(max(0.0, t - answered[k]) * 1000)
    lat.sort()
    print(f'{nposts} POSTs × {nstreams} streams: {len(lat)} arrivals, {missing} missing; '
          f'from POST answered to arrival: median {statistics.median(lat):.1f} ms, '
          f'p99 {lat[int(len(lat) * 0.99) - 1]:.1f} ms, worst {lat[-1]:.1f} ms')
    ok = missing == 0 and statistics.median(lat) < 200 and lat[-1] < 1000 and \
        (after - before) < 50 * 1024
    attack.raise_fd_limit(nstreams + 1000)
    print(f'real client GET /api/points?limit=1 (new connection each, 60, 0.1 s apart) with '
          f'{nstreams} streams open:')
    for name, kind, count in (probe.NO_ATTACK,) + probe.LOADS:
        p = probe.real_client(port, kind, count)
        ok &= p.met
        print(f'  {name:<22} median {p.median * 1000:7.1f} ms  max {p.worst * 1000:7.1f} ms  '
              f'failed {p.failed}/60  attack held {p.held:.0f}'
              f'{"" if p.met else "  (goal missed)"}')
    # every stream lived through the attacks: one more point reaches all
    post(port, 'Bench last point ')
    got, end = set(), time.monotonic() + 10
    while len(got) < nstreams and time.monotonic() < end:
        for key, _ in sel.select(timeout=0.1):
            try:
                data = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            if not data:
                sel.unregister(key.fileobj)
                continue
            bufs[key.fileobj] += data.decode('utf-8', 'replace')
            if 'Bench last point ' in bufs[key.fileobj]:
                got.add(index[key.fileobj])
            bufs[key.fileobj] = bufs[key.fileobj][-64:]
    print(f'after the attacks, {len(got)} of {nstreams} streams got one more point')
    ok &= len(got) == nstreams
    print('goals (median < 200 ms, worst < 1 s, < 50 MB, real client median < 0.5 s, '
          f'max < 2 s, every stream still open): {"met" if ok else "NOT met"}')
    for s in streams:
        s.close()
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
