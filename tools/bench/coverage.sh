#!/usr/bin/env bash
# tools/bench/coverage.sh [meson test options] — line coverage of the modules
# whose every line decides what is stored: src/store/, src/guard/ and
# src/core/.  Builds with gcov instrumentation in build-coverage/ (or
# $GEOPART_COVERAGE_BUILD), runs the suites in $GEOPART_COVERAGE_SUITES
# (default: unit integration fuzz; add browser for the pages' share), and
# prints gcovr's table per file and one line per module.  Exits non-zero
# when a module is below $GEOPART_COVERAGE_MIN percent (default 90) or a
# test failed.  Uses Debian's gcovr (tools/setup --test installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${GEOPART_COVERAGE_BUILD:-build-coverage}
suites=${GEOPART_COVERAGE_SUITES:-unit integration fuzz}
min=${GEOPART_COVERAGE_MIN:-90}
modules=(store guard core)

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Db_coverage=true >&2
fi
ninja -C "$build" >&2
find "$build" -name '*.gcda' -delete
args=()
for s in $suites; do args+=(--suite "$s"); done
status=0
meson test -C "$build" --no-rebuild --print-errorlogs --num-processes "$(nproc)" \
  "${args[@]}" "$@" >&2 || status=$?
[ "$status" = 0 ] || echo "coverage.sh: some tests failed (exit $status); figures below are partial" >&2

filters=()
for m in "${modules[@]}"; do filters+=(--filter "src/$m/"); done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcovr --root . --object-directory "$build" "${filters[@]}" \
  --txt "$work/table.txt" --json-summary "$work/summary.json" "$build" >&2
cat "$work/table.txt"
python3 - "$work/summary.json" "$min" "${modules[@]}" <<'EOF' || status=1
import json
import sys

summary, minimum, modules = json.load(open(sys.argv[1])), float(sys.argv[2]), sys.argv[3:]
below = []
for m in modules:
    files = [f for f in summary['files'] if f['filename'].startswith(f'src/{m}/')]
    total = sum(f['line_total'] for f in files)
    covered = sum(f['line_covered'] for f in files)
    pct = 100.0 * covered / total if total else 0.0
    print(f'src/{m}/: {covered}/{total} lines, {pct:.1f} %')
    if pct < minimum:
        below.append(m)
if below:
    print(f'below {minimum:g} %: ' + ', '.join(f'src/{m}/' for m in below))
    sys.exit(1)
EOF
exit "$status"
