# tools/bench/common.sh — sourced by the benchmark scripts: builds, makes a
# private work directory ($work) that the EXIT trap removes together with
# the server it started ($pid), and offers:
#   bench_start DIR DB [BIN]  serves DB with DIR/geopart.conf (BIN: another
#                             binary, e.g. an older build) and waits until it
#                             serves; sets $pid, $port and $url
#   bench_1m_db               makes the 1M seed-42 database once with
#                             bench-load (a few minutes; kept in
#                             $GEOPART_BENCH_DB, default var/bench-1m.db) and
#                             sets $db to it
#   bench_serve THREADS       serves $db with THREADS threads and a quiet log;
#                             GEOPART_BIN serves with another binary
cd "$(dirname "$0")/../.."
tools/build
build=${GEOPART_BUILD:-build}
work=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi; rm -rf "$work"' EXIT

bench_start() {
  local dir=$1 db=$2 bin=${3:-$build/src/geopart}
  "$bin" serve --config "$dir/geopart.conf" --db "$db" --listen 127.0.0.1:0 \
    > "$dir/out" 2> "$dir/err" &
  pid=$!
  # A first start on an older database migrates it, which takes a while.
  until grep -q 'serving' "$dir/out"; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir/err" >&2; exit 1; }
    sleep 0.1
  done
  port=$(grep -o '127.0.0.1:[0-9]*' "$dir/out" | cut -d: -f2)
  url="http://127.0.0.1:$port"
}

bench_1m_db() {
  db=${GEOPART_BENCH_DB:-var/bench-1m.db}
  if [ ! -f "$db" ]; then
    mkdir -p "$(dirname "$db")"
    "$build/tools/bench/bench-load" "$db" 1000000
  fi
}

bench_serve() {
  printf 'threads = %s\naccess_log = off\nlog_level = warn\n' "$1" > "$work/geopart.conf"
  bench_start "$work" "$db" "${GEOPART_BIN:-}"
}
