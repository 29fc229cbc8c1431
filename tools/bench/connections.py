"""tools/bench/connections.py PORT PID LABEL — a real client's
`GET /api/points?limit=1` against a running server, without attack and
under each hostile load of tests/integration/attack.py in turn; prints
median, p99 and max per load, how many connections the attack held on
average, and the server's private memory (RssAnon) and threads.
BENCH_LOADS="KIND:N …" (kinds: slow-header, idle, trickle-body) replaces
the issue's loads, e.g. to see where the server alone gives way.

Run by tools/bench/connections.sh, which starts the servers.
"""
import os
import sys

import probe
from probe import attack

ISSUE_LOADS = (probe.NO_ATTACK,) + probe.LOADS


def loads():
    """The issue's loads, or those of BENCH_LOADS="slow-header:1500 idle:1500"."""
    spec = os.environ.get('BENCH_LOADS')
    if not spec:
        return ISSUE_LOADS
    out = []
    for item in spec.split():
        kind, count = item.split(':')
        out.append((f'{count} {kind}', kind, int(count)))
    return tuple(out)


REQUESTS = int(os.environ.get('BENCH_REQUESTS', '60'))
BUDGET_S = float(os.environ.get('BENCH_BUDGET_S', '60'))   # per load
TIMEOUT_S = float(os.environ.get('BENCH_TIMEOUT_S', '5'))


def proc_status(pid):
    with open(f'/proc/{pid}/status') as f:
        fields = dict(line.split(':', 1) for line in f)
    return (int(fields['RssAnon'].split()[0]) / 1024, int(fields['VmRSS'].split()[0]) / 1024,
            int(fields['Threads']))


def run(port, pid, label):
    todo = loads()
    attack.raise_fd_limit(max(count for _, _, count in todo) + 256)
    print(f'{label}: {REQUESTS} requests per load (at most {BUDGET_S:.0f} s, '
          f'{TIMEOUT_S:.0f} s timeout each), one new connection each, 0.1 s apart')
    print(f'  {"load":<22}{"median":>10}{"p99":>10}{"max":>10}{"failed":>9}'
          f'{"held":>7}{"private":>10}{"RSS":>8}{"threads":>9}')
    met = True
    for name, kind, count in todo:
        p = probe.real_client(port, kind, count, REQUESTS, BUDGET_S, TIMEOUT_S,
                              during=lambda: proc_status(pid))
        private, rss, threads = p.during
        met &= p.met
        print(f'  {name:<22}{p.median * 1000:>8.1f}ms{p.p99 * 1000:>8.1f}ms{p.worst * 1000:>8.1f}ms'
              f'{p.failed:>5}/{len(p.times):<3}{p.held:>7.0f}{private:>7.1f}MiB{rss:>5.0f}MiB'
              f'{threads:>9}{"" if p.met else "  (goal missed)"}')
    print(f'  goal (median < 0.5 s, max < 2 s, no failures under every load): '
          f'{"met" if met else "missed"}')



if __name__ == '__main__':
    run(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
