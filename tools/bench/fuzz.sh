#!/usr/bin/env bash
# tools/bench/fuzz.sh [minutes] — coverage-guided fuzzing of every fuzz target
# in tests/fuzz/ (request-target, point, boundary, config) with libFuzzer,
# each for the given minutes (default 5), one after the other.
#
# Builds the fuzzing build in build-fuzz/ (or $GEOPART_FUZZ_BUILD): clang,
# -Dfuzzing=true, so every library is instrumented for coverage, ASan and
# UBSan.  Installs clang and libFuzzer's runtime from Debian when missing;
# tools/test never needs them.  Each target starts from its seed corpus in
# tests/fuzz/corpus/<target>/ and keeps what it finds in a scratch folder;
# a crash, leak or timeout is kept in the seed corpus itself (crash-…,
# leak-…, timeout-…), so tools/test replays it until it is fixed.  With
# FUZZ_MERGE=1 the inputs that reached new code are merged into the seed
# corpus too (libFuzzer -merge=1: only those that add coverage).
#
# Prints, per target, the coverage at the start (seeds only) and at the end,
# executions per second and what was kept; exit status 1 when a target
# found something.
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-5}
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); print (s > 0 ? s : 1) }')
build=${GEOPART_FUZZ_BUILD:-build-fuzz}
targets=(request-target point boundary config survey)

# clang 14 and its libFuzzer runtime (Debian 12: clang-14, libclang-rt-14-dev)
missing=()
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  echo "fuzz.sh: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
tools/setup

if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 meson setup "$build" -Dfuzzing=true -Db_lundef=false >&2
fi
ninja -C "$build" "${targets[@]/#/tests/fuzz-}" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
printf '%-15s %12s %12s %10s %8s  %s\n' target 'cov (seeds)' 'cov (end)' 'exec/s' 'new' kept
for t in "${targets[@]}"; do
  seeds=tests/fuzz/corpus/$t
  mkdir -p "$work/$t"
  before=$(ls "$seeds" | wc -l)
  rc=0
  # -timeout: an input that takes 10 s is a finding; rss_limit: so is a balloon
  "$build/tests/fuzz-$t" -max_total_time="$seconds" -print_final_stats=1 \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$seeds/" \
    "$work/$t" "$seeds" > "$work/$t.log" 2>&1 || rc=$?
  inited=$(grep -m1 -o 'INITED cov: [0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || echo '?')
  last=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -1 | grep -o '[0-9]*$' || echo '?')
  rate=$(grep -o 'average_exec_per_sec: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || echo '?')
  units=$(grep -o 'new_units_added: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || echo '?')
  kept=$(($(ls "$seeds" | wc -l) - before))
  printf '%-15s %12s %12s %10s %8s  %s\n' "$t" "$inited" "$last" "$rate" "$units" \
    "$([ "$kept" -gt 0 ] && echo "$kept finding(s) in $seeds/" || echo '-')"
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "--- $t found something (exit $rc):" >&2
    grep -E 'ERROR:|SUMMARY:|runtime error|#[0-9]+ 0x' "$work/$t.log" | head -30 >&2
  fi
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "$build/tests/fuzz-$t" -merge=1 "$seeds" "$work/$t" > "$work/$t.merge.log" 2>&1 || true
    echo "    merged $(($(ls "$seeds" | wc -l) - before - kept)) input(s) with new coverage into $seeds/" >&2
  fi
done
exit "$status"
