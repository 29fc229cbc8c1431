#!/usr/bin/env python3
"""Reads meson's testlog.json and prints the one line CI reads:
"N passed, N failed".  A skipped or timed-out test counts as failed: a
suite that did not run proved nothing.  Exit status 1 when any failed."""
import json
import sys


def main() -> int:
    passed, failed = 0, []
    try:
        with open(sys.argv[1], encoding='utf-8') as f:
            for line in f:
                if not line.strip():
                    continue
                t = json.loads(line)
                if t.get('result') in ('OK', 'EXPECTEDFAIL'):
                    passed += 1
                else:
                    failed.append(f"{t.get('name')} ({t.get('result')})")
    except OSError as e:
        print(f'no test log: {e}', file=sys.stderr)
        failed.append('the test run itself')
    for name in failed:
        print(f'failed: {name}')
    print(f'{passed} passed, {len(failed)} failed')
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
