#!/usr/bin/env python3
"""Reads meson's testlog.json of every build directory tools/test ran (the
normal build and the sanitizer build) and prints the one line CI reads:
"N passed, N failed", counting the tests of all of them.  A skipped or
timed-out test counts as failed: a suite that did not run proved nothing.
Failures are named with their build directory.  Exit status 1 when any
failed.

usage: test-summary.py BUILD/meson-logs/testlog.json..."""
import json
import os
import sys


def read_log(path, passed, failed):
    build = os.path.basename(os.path.dirname(os.path.dirname(os.path.abspath(path))))
    try:
        with open(path, encoding='utf-8') as f:
            for line in f:
                if not line.strip():
                    continue
                t = json.loads(line)
                if t.get('result') in ('OK', 'EXPECTEDFAIL'):
                    passed.append(t.get('name'))
                else:
                    failed.append(f"{build}: {t.get('name')} ({t.get('result')})")
    except OSError as e:
        print(f'no test log: {e}', file=sys.stderr)
        failed.append(f'{build}: the test run itself')


def main() -> int:
    passed, failed = [], []
    for path in sys.argv[1:]:
        read_log(path, passed, failed)
    for name in failed:
        print(f'failed: {name}')
    print(f'{len(passed)} passed, {len(failed)} failed')
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
