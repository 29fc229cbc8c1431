#!/usr/bin/env bash
# tools/bench/init.sh [RUNS] — how long `geopart init` takes to create a
# database with the bundled districts (issue 2: "well under a second"),
# side by side with the peer: SpatiaLite's InitSpatialMetaData() with every
# EPSG definition, the spatial metadata alone as a default set-up loads it.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/build
exec python3 - "${1:-5}" "${GEOPART_BUILD:-build}/src/geopart" <<'PY'
import os, subprocess, sys, tempfile, time
runs, binary = int(sys.argv[1]), sys.argv[2]

def best(cmd, path):
    times = []
    for _ in range(runs):
        for suffix in ('', '-wal', '-shm', '.secret'):
            if os.path.exists(path + suffix):
                os.unlink(path + suffix)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return min(times)

with tempfile.TemporaryDirectory() as d:
    ours = best([binary, 'init', '--db', f'{d}/g.db'], f'{d}/g.db')
    peer = best(['sqlite3', f'{d}/s.db', "SELECT load_extension('mod_spatialite');",
                 'SELECT InitSpatialMetaData(1);'], f'{d}/s.db')
print(f'geopart init (schema, 4 SRIDs, 28 districts): {ours:.3f} s (best of {runs})')
print(f'InitSpatialMetaData with every EPSG SRID alone: {peer:.3f} s')
print(f'ratio geopart/peer = {ours / peer:.2f}')
PY
