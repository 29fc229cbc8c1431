#!/usr/bin/env bash
# tools/bench/connections.sh [REV] — slow and idle connections against a
# real client on loopback.  Goal (issue 9): with 300 slow-header
# connections, or 500 idle keep-alive connections, a real client's
# GET /api/points?limit=1 has a median under 0.5 s and never waits more
# than 2 s; also measured: no attack, and 64 bodies trickled at a byte a
# second.  Attackers come from 127.0.0.2 and up (10 connections each), the
# real client from 127.0.0.1; see tests/integration/attack.py.
#
# With REV (a git revision, e.g. 6bc00f3), that revision is built in a
# temporary directory and measured first with its own default settings,
# side by side with this tree's build: before and after.  A server that
# cannot answer in time makes a load take up to BENCH_BUDGET_S (60 s).
# BENCH_LOADS="slow-header:1500 idle:1500 trickle-body:3000" measures other
# loads instead (see connections.py).
set -euo pipefail
source "$(dirname "$0")/common.sh"
# the attack holds hundreds of sockets; so does the server
ulimit -n "$(ulimit -Hn)"

# serve BIN LABEL: one server with default settings but a quiet log, on a
# database holding one point, measured under every load.
serve() {
  local bin=$1 label=$2 dir="$work/$2"
  mkdir -p "$dir"
  printf 'access_log = off\nlog_level = warn\nform_min_seconds = 0\n' > "$dir/geopart.conf"
  bench_start "$dir" "$dir/bench.db" "$bin"
  local token
  token=$(curl -s "http://127.0.0.1:$port/api/form" | sed 's/.*"form_token":"\([^"]*\)".*/\1/')
  curl -s -o /dev/null -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/points" \
    --data "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[7.768889,49.444722]},\"properties\":{\"category\":\"favourite\",\"comment\":\"Bench\",\"form_token\":\"$token\"}}"
  python3 tools/bench/connections.py "$port" "$pid" "$label"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
}

if [ $# -ge 1 ]; then
  rev=$1
  echo "building $rev for comparison ..." >&2
  mkdir -p "$work/src-before"
  git archive "$rev" | tar -x -C "$work/src-before"
  (cd "$work/src-before" && meson setup build > /dev/null && ninja -C build src/geopart > /dev/null)
  serve "$work/src-before/build/src/geopart" "before ($rev, its defaults)"
fi
serve "$build/src/geopart" "this build ($(git rev-parse --short HEAD), defaults)"
