#!/usr/bin/env bash
# tools/bench/clusters-wrk.sh [seconds] [rounds] — GET /api/clusters for a
# zoom-14 desktop viewport (1280×800 px around the city centre) under wrk
# with 32 connections and 2 threads: geopart against npm supercluster behind
# node:http (sc-server.mjs), the same points, alternating, best round each.
# Prints requests/s, p99 and the ratio; and geopart's resident memory with
# and without the points.
#
# The database (the first $GEOPART_BENCH_POINTS in-city seed-42 points,
# default 1,000,000) is made once by bench-load --city and kept in var/bench/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
rounds=${2:-2}
n=${GEOPART_BENCH_POINTS:-1000000}
build=${GEOPART_BUILD:-build}
url_path='/api/clusters?bbox=7.7140,49.4224,7.8238,49.4670&zoom=14'
tools/build
work=var/bench
mkdir -p "$work"
if [ ! -f "$work/seed-$n.db" ]; then
  "$build/tools/bench/bench-load" "$work/seed-$n.db.tmp" "$n" --city --raw "$work/seed-$n.bin"
  mv "$work/seed-$n.db.tmp" "$work/seed-$n.db"
fi
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
# supercluster's default radius and extent, as sc-server.mjs uses them.
printf 'threads = 48\naccess_log = off\nlog_level = warn\ncluster_radius = 40\ncluster_extent = 512\n' \
  > "$tmp/geopart.conf"

# Starts geopart on a database; sets port and pid.
serve() {
  "$build/src/geopart" serve --config "$tmp/geopart.conf" --db "$1" --listen 127.0.0.1:0 \
    > "$tmp/out" 2> "$tmp/err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 600); do grep -q serving "$tmp/out" && break; sleep 0.1; done
  port=$(grep -o '127.0.0.1:[0-9]*' "$tmp/out" | cut -d: -f2)
}
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

serve "$tmp/empty.db"
empty_rss=$(rss_mb "$pid")
kill "$pid"; wait "$pid" 2>/dev/null || true
t0=$(date +%s.%N)
serve "$work/seed-$n.db"
gp_port=$port gp_pid=$pid
load_s=$(echo "$(date +%s.%N) - $t0" | bc)
node tools/bench/sc-server.mjs "$work/seed-$n.bin" > "$tmp/sc" &
sc_pid=$!
pids+=("$sc_pid")
for _ in $(seq 1200); do grep -q listening "$tmp/sc" && break; sleep 0.1; done
sc_port=$(awk '{print $2}' "$tmp/sc")
curl -sf "http://127.0.0.1:$gp_port$url_path" -o "$tmp/gp.json"
curl -sf "http://127.0.0.1:$sc_port$url_path" -o "$tmp/sc.json"
features() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["features"]))' "$1"; }
echo "viewport: geopart $(features "$tmp/gp.json") features ($(stat -c %s "$tmp/gp.json") bytes), supercluster $(features "$tmp/sc.json") features ($(stat -c %s "$tmp/sc.json") bytes)"

# wrk → "requests/s p99_ms"
bench() {
  wrk -t2 -c32 -d"${seconds}s" --latency "http://127.0.0.1:$1$url_path" |
    awk '/Requests\/sec/ {r=$2} /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p=v} END {print r, p}'
}
bench "$gp_port" > /dev/null  # warm up every worker
bench "$sc_port" > /dev/null
best_gp="0 0" best_sc="0 0"
for _ in $(seq "$rounds"); do
  g=$(bench "$gp_port"); s=$(bench "$sc_port")
  echo "round: geopart $g, supercluster $s (req/s, p99 ms)"
  awk -v a="$g" -v b="$best_gp" 'BEGIN {split(a,x," "); split(b,y," "); exit !(x[1] > y[1])}' && best_gp=$g
  awk -v a="$s" -v b="$best_sc" 'BEGIN {split(a,x," "); split(b,y," "); exit !(x[1] > y[1])}' && best_sc=$s
done
read -r gp_rps gp_p99 <<< "$best_gp"
read -r sc_rps sc_p99 <<< "$best_sc"
echo "GET /api/clusters zoom 14 viewport, wrk 2 threads 32 connections, ${seconds}s, best of $rounds:"
echo "  geopart      $gp_rps req/s, p99 $gp_p99 ms"
echo "  supercluster $sc_rps req/s, p99 $sc_p99 ms (node:http, one thread)"
echo "  ratio req/s geopart/supercluster $(echo "scale=2; $gp_rps / $sc_rps" | bc)"
echo "geopart memory: $(rss_mb "$gp_pid") MB resident with $n points, $empty_rss MB with none; started in ${load_s}s"
