#!/usr/bin/env bash
# tools/bench/mutants.sh [--tests-from REV] [--all] [--keep] [NAME…] — the mutation
# check: plants each bug of tools/bench/mutants.list (or only the NAMEs) one
# at a time in a copy of the source tree, rebuilds, runs the tests the list
# names for it, and prints whether they caught it.  The working tree is
# never touched: the copy is the files git knows (committed or not, ignored
# ones left out) in a temporary directory, with its own build directory.
#
# --tests-from REV  use the tests/ of git revision REV (e.g. main) with
#                   today's sources: which bugs did the older tests miss?
#                   Tests that REV does not have are left out, and said so.
# --all             run every unit and integration test for each mutant, not
#                   only the ones it names (slow: use with NAMEs).
# --keep            keep the copy and print where it is.
#
# The named tests are first run on the tree without mutants; one that fails
# there is left out (and reported), since it would "catch" every mutant.
# Exit status 0 only when every mutant applied, built and was caught, and no
# test failed without a mutant.
# Takes about 15–30 minutes on two cores; never part of tools/test.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
list=tools/bench/mutants.list
tests_from=
keep=0
all=0
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tests-from) tests_from=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --all) all=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done

work=$(mktemp -d)
if [ "$keep" = 0 ]; then
  trap 'rm -rf "$work"' EXIT
fi
# Readable by other users: the deployment test's nginx workers read the copy.
chmod 755 "$work"
tree=$work/tree
mkdir -p "$tree"
# The tree as git sees it (tracked and new files), not build output.
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] || continue
  mkdir -p "$tree/$(dirname "$f")"
  cp -p "$f" "$tree/$f"
done
# What tools/setup installs and tools/web-assets generates: shared, read-only.
for d in web/node_modules tests/node_modules tools/bench/node_modules web/vendor; do
  [ -e "$src/$d" ] && ln -s "$src/$d" "$tree/$d"
done
if [ -n "$tests_from" ]; then
  rm -rf "$tree/tests"
  git archive "$tests_from" tests | tar -x -C "$tree"
  ln -s "$src/tests/node_modules" "$tree/tests/node_modules"
  echo "mutants.sh: tests/ from $tests_from" >&2
fi

echo "mutants.sh: building the copy in $tree/build" >&2
meson setup "$tree/build" "$tree" > "$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; exit 2; }
ninja -C "$tree/build" > "$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; exit 2; }
(cd "$tree" && [ -d web/node_modules ] && tools/web-assets > /dev/null 2>&1) || true
meson test -C "$tree/build" --list > "$work/tests.txt" 2>/dev/null

status=0
python3 - "$tree" "$list" "$work" "$all" "${names[@]}" <<'EOF' || status=$?
import os
import re
import subprocess
import sys
import time

tree, listing, work, run_all = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == '1'
wanted = set(sys.argv[5:])


def unescape(v):
    return re.sub(r'\\([nt\\])', lambda m: {'n': '\n', 't': '\t', '\\': '\\'}[m.group(1)], v)


mutants, cur = [], None
with open(os.path.join(tree, listing), encoding='utf-8') as f:
    for n, line in enumerate(f, 1):
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('#'):
            continue
        m = re.fullmatch(r'\[([a-z0-9-]+)\]', line)
        if m:
            cur = {'name': m.group(1), 'line': n}
            mutants.append(cur)
            continue
        m = re.fullmatch(r'(why|file|from|to|tests) *= (.*)', line)
        if not m or cur is None:
            sys.exit(f'{listing}:{n}: cannot read "{line}"')
        cur[m.group(1)] = m.group(2)
for mu in mutants:
    missing = {'why', 'file', 'from', 'to', 'tests'} - set(mu)
    if missing:
        sys.exit(f'{listing}:{mu["line"]}: [{mu["name"]}] lacks {", ".join(sorted(missing))}')
unknown = wanted - {mu['name'] for mu in mutants}
if unknown:
    sys.exit(f'no such mutant: {", ".join(sorted(unknown))}')
if wanted:
    mutants = [mu for mu in mutants if mu['name'] in wanted]

# meson's names: "geopart:integration / points" → integration/points
known = set()
with open(os.path.join(work, 'tests.txt'), encoding='utf-8') as f:
    for line in f:
        m = re.fullmatch(r'[^:]+:(\w+) / (\S+)', line.strip())
        if m:
            known.add(f'{m.group(1)}/{m.group(2)}')

build = os.path.join(tree, 'build')


def failing(tests):
    """The tests of the list that fail in the tree as it is now."""
    t = subprocess.run(['meson', 'test', '-C', build, '--no-rebuild', '--num-processes',
                        str(os.cpu_count() or 2)] + [x.split('/')[1] for x in tests],
                       capture_output=True, text=True)
    return {f'{s}/{n}' for s, n in
            re.findall(r'\S+:(\w+) / (\S+)\s+(?:FAIL|TIMEOUT|ERROR)', t.stdout)}


def wanted_tests(mu):
    if run_all:
        return sorted(t for t in known if t.split('/')[0] in ('unit', 'integration'))
    return mu['tests'].split()


# A test that fails without any mutant proves nothing about one: find those
# first and leave them out (and say so).
needed = sorted({t for mu in mutants for t in wanted_tests(mu) if t in known})
print(f'mutants.sh: running {len(needed)} tests on the tree without mutants', file=sys.stderr)
broken = failing(needed)
for t in sorted(broken):
    print(f'mutants.sh: {t} fails without any mutant; it is left out', file=sys.stderr)


def plant(mu):
    """Plants one mutant, runs its tests, restores the file: (verdict, note)."""
    path = os.path.join(tree, mu['file'])
    try:
        with open(path, encoding='utf-8') as f:
            original = f.read()
    except OSError:
        return 'NO FILE', mu['file']
    old, new = unescape(mu['from']), unescape(mu['to'])
    if original.count(old) != 1:
        return 'NO LONGER APPLIES', f'"from" occurs {original.count(old)} times in {mu["file"]}'
    tests = wanted_tests(mu)
    run = [t for t in tests if t in known and t not in broken]
    gone = [t for t in tests if t not in known]
    try:
        with open(path, 'w', encoding='utf-8') as f:
            f.write(original.replace(old, new))
        b = subprocess.run(['ninja', '-C', build], capture_output=True, text=True)
        if b.returncode != 0:
            return 'DOES NOT BUILD', b.stdout[-300:].replace('\n', ' ')
        if not run:
            return 'SURVIVED', ('no test to run: not in this tree: ' + ' '.join(gone) +
                                ' broken: ' + ' '.join(t for t in tests if t in broken))
        failed = sorted(failing(run))
        note = ('caught by ' + ' '.join(failed) if failed
                else 'ran ' + ('every unit and integration test' if run_all else ' '.join(run)))
        if gone:
            note += ' (not in this tree: ' + ' '.join(gone) + ')'
        return ('caught' if failed else 'SURVIVED'), note
    finally:
        with open(path, 'w', encoding='utf-8') as f:
            f.write(original)


results = []
for mu in mutants:
    start = time.monotonic()
    verdict, note = plant(mu)
    results.append((mu, verdict, note))
    print(f'{verdict:>17}  {mu["name"]:<36} {note}  [{time.monotonic() - start:.0f} s]', flush=True)

if broken:
    print('tests failing without any mutant (left out): ' + ' '.join(sorted(broken)))
bad = [r for r in results if r[1] != 'caught']
print()
print(f'{len(results)} mutants: {len(results) - len(bad)} caught, '
      f'{sum(r[1] == "SURVIVED" for r in results)} survived, '
      f'{sum(r[1] not in ("caught", "SURVIVED") for r in results)} could not be planted')
for mu, verdict, note in bad:
    print(f'  {verdict}: {mu["name"]} ({mu["file"]}) — {mu["why"]}; {note}')
sys.exit(1 if bad or broken else 0)
EOF
[ "$keep" = 1 ] && echo "mutants.sh: the copy is in $tree" >&2
exit "$status"
