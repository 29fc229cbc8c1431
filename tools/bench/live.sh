#!/usr/bin/env bash
# tools/bench/live.sh [STREAMS] [POSTS] — the live room (issue 17) against
# a real server with its default settings: STREAMS (300) event streams of
# GET /api/live open, POSTS (30) points posted one at a time; prints the
# time from each POST's answer to the point's arrival on every stream
# (median, p99, worst), the private memory the open streams cost
# (/proc/PID/smaps_rollup before and after) and a real client's GET
# meanwhile.  Goals: median < 200 ms, worst < 1 s on 2 cores; < 50 MB for
# 300 streams; the real client as tools/bench/connections.sh asks (median
# < 0.5 s, max < 2 s).  See tools/bench/live.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/build
build=${GEOPART_BUILD:-build}
work=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi; rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)"

# Default settings but a quiet log and no form delay (the bench posts at once)
# and a write allowance for one client posting all the points.
printf 'access_log = off\nlog_level = warn\nform_min_seconds = 0\nwrite_burst = 1000\nwrite_per_minute = 100000\ncomment_window_s = 0\n' \
  > "$work/geopart.conf"
"$build/src/geopart" serve --config "$work/geopart.conf" --db "$work/bench.db" \
  --listen 127.0.0.1:0 > "$work/out" 2> "$work/err" &
pid=$!
for _ in $(seq 300); do grep -q 'serving' "$work/out" && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$work/out" | cut -d: -f2)
python3 tools/bench/live.py "$port" "$pid" "${1:-300}" "${2:-30}"
