#!/usr/bin/env bash
# tools/bench/report.sh — how long a report takes (issue 14): one
# Ortsbezirk's PDF with 2,000 points (goal < 0.5 s) and the whole city's
# with 10,000 points (goal < 2 s); the HTML of each in a tenth of that.
#
# Builds its own database in a temporary folder: the bundled districts,
# 2,000 points in the Innenstadt (ob-0) and 8,000 over the other
# Ortsbezirke (tools/bench/report_points.py, a third of them gathered into
# hotspots), then asks a running server for each report five times
# (GET /report/{district}[.pdf] with a planner token; the best run counts,
# the first one warms the caches) and runs `geopart report` once per
# report, whose time includes starting the process, opening the database
# and loading the point index for hotspots.  No other product makes these
# documents (planners build them by hand from CSV or a QGIS atlas), so
# the figures are set against the goals: ratio = time / goal, below 1 is
# met.  The server's peak resident memory after the city's reports is
# printed too.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bin=${GEOPART_BIN:-$build/src/geopart}
db=$work/report.db

"$bin" init --db "$db" > /dev/null
python3 tools/bench/report_points.py 2000 --district ob-0 --seed 14 > "$work/ob0.geojson"
python3 tools/bench/report_points.py 8000 --seed 15 > "$work/rest.geojson"
"$bin" import-points "$work/ob0.geojson" --channel online --db "$db" > /dev/null
"$bin" import-points "$work/rest.geojson" --channel online --db "$db" > /dev/null
token=$("$bin" token create --name bench --role planner --db "$db")

printf 'threads = 8\naccess_log = off\nlog_level = warn\nreport_date = 2026-06-30\n' \
  > "$work/geopart.conf"
bench_start "$work" "$db" "$bin"

# best of five GET requests: seconds and bytes
best() {
  local path=$1 b=999 t size
  for _ in 1 2 3 4 5; do
    read -r t size < <(curl -sf -H "Authorization: Bearer $token" -o /dev/null \
      -w '%{time_total} %{size_download}\n' "$url$path")
    b=$(python3 -c "print(min($b, $t))")
  done
  echo "$b $size"
}

echo "server (GET, best of 5; measured under whatever load the machine has):"
for spec in "ob-0 2000 0.5" "city 10000 2.0"; do
  read -r district points goal <<< "$spec"
  read -r pdf_s pdf_b < <(best "/report/$district.pdf")
  read -r html_s html_b < <(best "/report/$district")
  pages=$(curl -sf -H "Authorization: Bearer $token" "$url/report/$district.pdf" -o "$work/r.pdf" \
    && pdfinfo "$work/r.pdf" | awk '/^Pages:/ {print $2}')
  python3 - "$district" "$points" "$goal" "$pdf_s" "$pdf_b" "$html_s" "$html_b" "$pages" <<'EOF'
import sys
d, n, goal, ps, pb, hs, hb, pages = sys.argv[1:]
goal, ps, hs = float(goal), float(ps), float(hs)
print(f'  {d} ({int(n):,} points): PDF {ps:.3f} s ({int(pb) / 1e6:.1f} MB, {pages} pages), '
      f'ratio to goal {ps / goal:.2f}; HTML {hs:.3f} s ({int(hb) / 1e6:.1f} MB), '
      f'ratio to goal {hs / (goal / 10):.2f}')
EOF
done
echo "  server peak RSS: $(awk '/VmHWM/ {print $2 / 1024 " MiB"}' "/proc/$pid/status")"

echo "CLI (geopart report, one run each, including start-up and the point index):"
for district in ob-0 city; do
  for format in pdf html; do
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin" report --db "$db" \
      --config "$work/geopart.conf" --district "$district" --format "$format" \
      --output "$work/cli.$format" 2> /dev/null
    read -r secs user sys kb < "$work/time"
    echo "  $district $format: $secs s (CPU $user+$sys s), peak RSS $((kb / 1024)) MiB"
  done
done
echo "goals: ob-0 PDF < 0.5 s, city PDF < 2 s, HTML in a tenth of each"
