#!/usr/bin/env bash
# tools/bench/post.sh [seconds] — durable POST /api/points under wrk with 32
# connections on loopback.  Goal (issue 2): >= 2,000 acknowledged points/s
# with p99 < 50 ms on a 2-core machine.  Counts what the database holds
# afterwards, so "acknowledged" means committed, not just answered.
# GEOPART_BIN serves with another binary (an older build, for a comparison).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
tools/build
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cat > "$work/geopart.conf" <<CONF
threads = 48
access_log = off
log_level = warn
# one load generator is one client: lift the per-client limits
form_min_seconds = 0
write_burst = 1000000
write_per_minute = 100000000
comment_window_s = 0
CONF
"${GEOPART_BIN:-${GEOPART_BUILD:-build}/src/geopart}" serve --config "$work/geopart.conf" \
  --db "$work/bench.db" --listen 127.0.0.1:0 > "$work/out" 2> "$work/err" &
pid=$!
for _ in $(seq 100); do grep -q 'serving' "$work/out" && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$work/out" | cut -d: -f2)
token=$(curl -s "http://127.0.0.1:$port/api/form" | sed 's/.*"form_token":"\([^"]*\)".*/\1/')
# warm up every worker's transforms and district index
wrk -t2 -c32 -d2s -s tools/bench/post.lua "http://127.0.0.1:$port" -- "$token" > /dev/null
before=$(sqlite3 "$work/bench.db" 'SELECT count(*) FROM points')
out=$(wrk -t2 -c32 -d"${seconds}s" --latency -s tools/bench/post.lua "http://127.0.0.1:$port" -- "$token")
after=$(sqlite3 "$work/bench.db" 'SELECT count(*) FROM points')
echo "$out" | grep -E '^wrk:|Non-2xx'
stored=$((after - before))
echo "durable POST: $stored points committed in ${seconds}s = $((stored / seconds)) acknowledged points/s (goal >= 2000, p99 < 50 ms)"
