#!/usr/bin/env bash
# tools/bench/web.sh [--phone] [N] [RUNS] — the map page's first view
# (district outlines and first clusters drawn) with N (100,000) published
# seed-42 points: loads them with bench-load --city (kept in
# var/bench-web-N.db for the next run), serves them on loopback and lets
# tools/bench/web.mjs measure time, requests and bytes.
#
# Without --phone: this build, a desktop browser, first visits.
# With --phone: this build ("after") beside main's ("before", built once
# from `git archive $GEOPART_BEFORE_REF` (default main) into
# var/bench-before-<commit>/), on the same database in the same run, on a
# throttled phone (390×844, 1.6 Mbit/s, 150 ms round trip, CPU 4× slower)
# and on a desktop, first and repeat visits.  Goals (issue 18): first view
# under 1 s on the phone, nothing lost on the desktop.
set -euo pipefail
cd "$(dirname "$0")/../.."
phone=
if [ "${1:-}" = "--phone" ]; then
  phone=1
  shift
fi
n=${1:-100000}
runs=${2:-5}
tools/build
build=${GEOPART_BUILD:-build}
mkdir -p var
db=var/bench-web-$n.db
[ -f "$db" ] || "$build/tools/bench/bench-load" "$db" "$n" --city
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$work"' EXIT

# serve NAME BINARY WEB_ROOT: starts a server, its URL in $work/NAME.url
serve() {
  cat > "$work/$1.conf" <<CONF
access_log = off
log_level = warn
tile_url =
web_root = $3
CONF
  "$2" serve --config "$work/$1.conf" --db "$db" --listen 127.0.0.1:0 \
    > "$work/$1.out" 2> "$work/$1.err" &
  pids+=($!)
  until grep -q 'serving' "$work/$1.out"; do
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/$1.err" >&2; exit 1; }
    sleep 0.1
  done
  grep -o 'http://127.0.0.1:[0-9]*/' "$work/$1.out" > "$work/$1.url"
}

if [ -z "$phone" ]; then
  serve after "$build/src/geopart" "$PWD/web"
  exec node tools/bench/web.mjs --runs "$runs" "after=$(cat "$work/after.url")"
fi

ref=${GEOPART_BEFORE_REF:-main}
before=var/bench-before-$(git rev-parse --short=10 "$ref")
if [ ! -x "$before/build/src/geopart" ]; then
  echo "web.sh: building $ref in $before (once)" >&2
  rm -rf "$before"
  mkdir -p "$before"
  git archive "$ref" | tar -x -C "$before"
  ln -s "$PWD/web/node_modules" "$before/web/node_modules"
  (cd "$before" && tools/build)
fi
serve before "$before/build/src/geopart" "$PWD/$before/web"
serve after "$build/src/geopart" "$PWD/web"
node tools/bench/web.mjs --profiles phone,desktop --repeat --runs "$runs" \
  "before=$(cat "$work/before.url")" "after=$(cat "$work/after.url")"
