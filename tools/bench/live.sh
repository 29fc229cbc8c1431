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
source "$(dirname "$0")/common.sh"
ulimit -n "$(ulimit -Hn)"

# Default settings but a quiet log and no form delay (the bench posts at once)
# and a write allowance for one client posting all the points.
printf 'access_log = off\nlog_level = warn\nform_min_seconds = 0\nwrite_burst = 1000\nwrite_per_minute = 100000\ncomment_window_s = 0\n' \
  > "$work/geopart.conf"
bench_start "$work" "$work/bench.db"
python3 tools/bench/live.py "$port" "$pid" "${1:-300}" "${2:-30}"
