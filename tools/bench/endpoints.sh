#!/usr/bin/env bash
# tools/bench/endpoints.sh [seconds] [--only RE] [--skip RE] — every public
# GET on the 1M seed-42 points, one client, one request at a time: the
# server's CPU per request for each route and parameter family
# (tools/bench/endpoints.py), then the OGC API items of a city viewport
# beside MapServer 8 serving the same SpatiaLite file (installed from
# Debian when missing) with the ratio.  Goals (issue 10): median under
# 20 ms and no request over 100 ms for every family but exports and
# whole-city cluster dumps; hotspots within 1 s; OGC viewport <= 0.4 ms
# (>= 100 x MapServer).  GEOPART_BIN and GEOPART_BENCH_DB run another
# build on another copy of the database (how the "before" figures were
# taken).
set -euo pipefail
seconds=5
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --only|--skip) args+=("$1" "$2"); shift 2 ;;
    *) seconds=$1; shift ;;
  esac
done
source "$(dirname "$0")/common.sh"
bench_serve 8
python3 tools/bench/endpoints.py "$url" "$pid" --seconds "$seconds" "${args[@]}"
