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
bench_1m_db

# The peer: MapServer 8 from Debian, serving the same SpatiaLite file.
if ! command -v mapserv > /dev/null; then
  sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
    cgi-mapserver mapserver-bin
fi
dbpath=$(realpath "$db")
# Every point of the benchmark is published: no filter needed (a status
# FILTER would cost MapServer a scan of every row).
cat > "$work/geopart.map" <<MAPFILE
MAP
  NAME "geopart"
  EXTENT 7.6 49.3 7.95 49.55
  SIZE 400 400
  PROJECTION "init=epsg:4326" END
  WEB
    METADATA
      "oga_enable_request" "*"
      "oga_onlineresource" "http://127.0.0.1/geopart/ogcapi"
      "ows_title" "geopart"
      "ows_srs" "EPSG:4326 EPSG:25832"
      "oga_html_template_directory" "/usr/share/mapserver/ogcapi/templates/html-plain/"
    END
  END
  LAYER
    NAME "points"
    TYPE POINT
    STATUS ON
    CONNECTIONTYPE OGR
    CONNECTION "$dbpath"
    DATA "points"
    PROJECTION "init=epsg:25832" END
    METADATA
      "ows_title" "points"
      "ows_extent" "7.65 49.35 7.90 49.52"
      "gml_include_items" "all"
      "gml_featureid" "comment"
    END
    TEMPLATE "void"
  END
END
MAPFILE
cat > "$work/mapserver.conf" <<CONFIGFILE
CONFIG
  ENV
    MS_MAP_PATTERN "."
  END
  MAPS
    geopart "$work/geopart.map"
  END
END
CONFIGFILE

bench_serve 8
python3 tools/bench/endpoints.py "$url" "$pid" --seconds "$seconds" \
  --mapserver "$work/mapserver.conf" "${args[@]}"
