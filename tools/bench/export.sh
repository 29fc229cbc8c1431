#!/usr/bin/env bash
# tools/bench/export.sh — full export of the 1M seed-42 points as GeoJSON
# and CSV, through `geopart export` and through GET /api/export (streamed).
# Goal (issue 5): >= 500,000 features/s and resident memory growth < 32 MB.
# Memory: the CLI's peak RSS (VmHWM) is read from /proc at the end of each
# run; the server's VmHWM after a warm-up request and after each export
# gives its growth.  Best of three alternating runs counts.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bench_1m_db
now() { date +%s.%N; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

echo "CLI (geopart export --output /dev/null):"
for round in 1 2 3; do
  for f in geojson csv; do
    /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$build/src/geopart" export --db "$db" \
      --format "$f" --output /dev/null 2> /dev/null
    read -r secs kb user sys < "$work/time"
    echo "  round $round $f: $(python3 -c "print(f'{1e6/$secs:,.0f} features/s ({$secs} s; CPU {$user}+{$sys} s), peak RSS {$kb/1024:.1f} MiB')")"
  done
done

bench_serve 8
curl -s "$url/api/points?limit=100" -o /dev/null  # a worker is up
base=$(hwm "$pid")
echo "HTTP (GET /api/export; server peak RSS before any export: $((base / 1024)) MiB):"
for round in 1 2 3; do
  for f in geojson csv; do
    before=$(hwm "$pid")
    t0=$(now)
    bytes=$(curl -s "$url/api/export?format=$f" -o /dev/null -w '%{size_download}')
    t1=$(now)
    after=$(hwm "$pid")
    echo "  round $round $f: $(python3 -c "s=$t1-$t0; print(f'{1e6/s:,.0f} features/s ({s:.2f} s, {$bytes/1e6:.0f} MB), VmHWM {$before/1024:.1f} -> {$after/1024:.1f} MiB')")"
  done
done
echo "server peak RSS growth over all exports: $(( ($(hwm "$pid") - base) / 1024 )) MiB"
echo "goal: >= 500000 features/s, RSS growth < 32 MB"
