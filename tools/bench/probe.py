"""tools/bench/probe.py — the real client of issue 9, shared by
connections.py and live.py: `GET /api/points?limit=1` on a new connection
each, 0.1 s apart, while one hostile load of tests/integration/attack.py
(from 127.0.0.2 and up, 10 connections per address) holds the server.
Goal: median < 0.5 s, max < 2 s, no failures."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'tests', 'integration'))
import attack  # noqa: E402

REAL = '/api/points?limit=1'
# issue 9's hostile loads: (name, attack kind, connections)
LOADS = (('300 slow-header', 'slow-header', 300), ('500 idle keep-alive', 'idle', 500),
         ('64 trickled bodies', 'trickle-body', 64))
NO_ATTACK = ('no attack', None, 0)


class Probe:
    """What the real client saw under one load."""

    def __init__(self, times, failed, held, during):
        self.times, self.failed, self.held, self.during = times, failed, held, during
        self.median, self.p99, self.worst = attack.summary(times)
        self.met = self.median < 0.5 and self.worst < 2.0 and not failed


def real_client(port, kind, count, requests=60, budget_s=None, timeout_s=5.0, during=None):
    """Runs `requests` GETs (fewer when budget_s seconds pass first) while
    `count` attackers of `kind` (None: no attack) hold connections;
    `during()`, if given, is called while the attack still holds and its
    result kept.  Afterwards the server is given 2 s to close what the
    attack left behind."""
    a = attack.Attack(port, kind, count, per_address=10).start() if kind else None
    if a:
        a.hold_from_now()
    times, failed = [], 0
    t0 = time.monotonic()
    while len(times) < requests and (budget_s is None or time.monotonic() - t0 < budget_s):
        t, status = attack.timed_get(port, REAL, timeout=timeout_s)
        times.append(t)
        failed += status != 200
        time.sleep(0.1)
    held = a.held() if a else 0
    seen = during() if during else None
    if a:
        a.stop()
    time.sleep(2)
    return Probe(times, failed, held, seen)
