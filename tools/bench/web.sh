#!/usr/bin/env bash
# tools/bench/web.sh [N] [RUNS] — the map page's first view with N (100,000)
# published seed-42 points: loads them with bench-load --city (kept in
# var/bench-web-N.db for the next run), serves them on loopback and lets
# tools/bench/web.mjs measure time to the first clusters/points drawn and
# the bytes transferred.  Goals (issue 3): < 1 s, < 200 KB.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
runs=${2:-5}
tools/build
build=${GEOPART_BUILD:-build}
mkdir -p var
db=var/bench-web-$n.db
[ -f "$db" ] || "$build/tools/bench/bench-load" "$db" "$n" --city
work=$(mktemp -d)
cat > "$work/geopart.conf" <<CONF
access_log = off
log_level = warn
tile_url =
CONF
"$build/src/geopart" serve --config "$work/geopart.conf" --db "$db" --listen 127.0.0.1:0 \
  > "$work/out" 2> "$work/err" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q 'serving' "$work/out" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/out")
node tools/bench/web.mjs "$url" "$runs"
