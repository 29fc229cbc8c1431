# tools/bench/common.sh — sourced by the benchmark scripts: builds, makes the
# 1M seed-42 database once with bench-load (a few minutes; kept in
# $GEOPART_BENCH_DB, default var/bench-1m.db), and starts a server on it
# (bench_serve THREADS) whose PID and URL land in $pid and $url; the
# caller's EXIT trap stops it.  GEOPART_BIN serves with another binary (an
# older build, for figures before a change).
cd "$(dirname "$0")/../.."
tools/build
build=${GEOPART_BUILD:-build}
db=${GEOPART_BENCH_DB:-var/bench-1m.db}
if [ ! -f "$db" ]; then
  mkdir -p "$(dirname "$db")"
  "$build/tools/bench/bench-load" "$db" 1000000
fi
work=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi; rm -rf "$work"' EXIT

bench_serve() {
  printf 'threads = %s\naccess_log = off\nlog_level = warn\n' "$1" > "$work/geopart.conf"
  "${GEOPART_BIN:-$build/src/geopart}" serve --config "$work/geopart.conf" --db "$db" \
    --listen 127.0.0.1:0 > "$work/out" 2> "$work/err" &
  pid=$!
  # A first start on an older database migrates it, which takes a while.
  until grep -q 'serving' "$work/out"; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/err" >&2; exit 1; }
    sleep 0.1
  done
  url="http://127.0.0.1:$(grep -o '127.0.0.1:[0-9]*' "$work/out" | cut -d: -f2)"
}
