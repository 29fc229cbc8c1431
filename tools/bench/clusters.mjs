// Cluster benchmark: geopart (bench-clusters, a C program using the server's
// own code) and npm supercluster (pinned in tools/bench/package-lock.json)
// on the same seed-42 points with the same properties, alternating, best of
// R rounds each, then the ratios geopart / supercluster:
//   build    one hierarchy vs supercluster load()          goal ≤ 0.25
//   z13/z16  whole-city query + GeoJSON text at zoom 13/16
//            vs getClusters() + JSON.stringify()           goal ≤ 0.5
//   memory   of the index per million points
//
// usage (from the source tree, after tools/build):
//   node --expose-gc tools/bench/clusters.mjs [N=1000000] [R=3]
import { execFileSync } from 'node:child_process';
import Supercluster from 'supercluster';
import { benchFeature } from './features.mjs';
import { seed42Points } from './seed42.mjs';

const N = Number(process.argv[2] || 1e6);
const R = Number(process.argv[3] || 3);
const BIN = `${process.env.GEOPART_BUILD || 'build'}/tools/bench/bench-clusters`;
const CITY = [7.6, 49.3, 8.0, 49.6];
const ZOOMS = [13, 16];
if (!global.gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}

const { lon, lat } = seed42Points(N);
const features = new Array(N);
for (let i = 0; i < N; i++) features[i] = benchFeature(i, lon[i], lat[i]);

// supercluster's index as it holds it: every distinct typed array of its
// trees (KDBush buffers and cluster slabs, shared ones once) plus the
// Float64 coordinates of the points, i.e. what gp_cluster_tree_memory()
// counts for geopart; the arrays of references to the input features
// (props, ids; 8 bytes a point each) are left out on both sides.
function structure(index) {
  const buffers = new Set();
  for (const t of index.trees) {
    if (!t) continue;
    buffers.add(t.ids.buffer);
    buffers.add(t.data.buffer);
  }
  buffers.add(index.coords.buffer);
  let bytes = 0;
  for (const b of buffers) bytes += b.byteLength;
  return bytes;
}

const heap = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const best = { gp: {}, sc: {} };
const keep = (side, key, v) => { best[side][key] = Math.min(best[side][key] ?? Infinity, v); };
let gpInfo, scInfo;

for (let r = 0; r < R; r++) {
  const g = JSON.parse(execFileSync(BIN, [String(N), ...ZOOMS.map(String)], { maxBuffer: 1 << 20 }));
  keep('gp', 'build', g.build_ms);
  keep('gp', 'index', g.index_ms);
  for (const z of ZOOMS) {
    keep('gp', `z${z}`, g.query[z].ms);
    keep('gp', `s${z}`, g.query[z].streamed_ms);
  }
  gpInfo = g;

  global.gc();
  const m0 = heap();
  let t0 = performance.now();
  let index = new Supercluster().load(features);
  keep('sc', 'build', performance.now() - t0);
  global.gc();
  const info = { heap: heap() - m0, memory: structure(index) };
  for (const z of ZOOMS) {
    t0 = performance.now();
    const found = index.getClusters(CITY, z);
    const text = JSON.stringify({ type: 'FeatureCollection', features: found });
    keep('sc', `z${z}`, performance.now() - t0);
    info[z] = { features: found.length, bytes: Buffer.byteLength(text) };
  }
  scInfo = info;
  index = null;
}

const mb = (b) => (b / 1e6).toFixed(1);
const perM = (b) => mb((b * 1e6) / N);
const line = (what, gp, sc, goal) =>
  console.log(`${what.padEnd(34)} ${gp.toFixed(1).padStart(9)} ms ${sc.toFixed(1).padStart(9)} ms   ratio ${(gp / sc).toFixed(3)}${goal ? `  (goal ≤ ${goal})` : ''}`);

console.log(`cluster benchmark, ${N} seed-42 points, best of ${R} alternating rounds`);
console.log(`${''.padEnd(34)} ${'geopart'.padStart(12)} ${'supercluster'.padStart(12)}`);
line('build one hierarchy / load()', best.gp.build, best.sc.build, 0.25);
for (const z of ZOOMS) {
  line(`city query + GeoJSON, zoom ${z}`, best.gp[`z${z}`], best.sc[`z${z}`], 0.5);
  line(`  … streamed as the server sends it`, best.gp[`s${z}`], best.sc[`z${z}`], 0.5);
  const same = gpInfo.query[z].features === scInfo[z].features;
  console.log(`  zoom ${z}: ${gpInfo.query[z].features} vs ${scInfo[z].features} features${same ? ' (same)' : ' (DIFFERENT)'}, ` +
              `${mb(gpInfo.query[z].bytes)} vs ${mb(scInfo[z].bytes)} MB of GeoJSON`);
}
console.log(`server index rebuild (3 hierarchies): ${best.gp.index.toFixed(1)} ms`);
console.log(`memory per million points: one hierarchy ${perM(gpInfo.tree_bytes)} MB vs supercluster's typed arrays ` +
            `${perM(scInfo.memory)} MB (ratio ${(gpInfo.tree_bytes / scInfo.memory).toFixed(3)}; its heap grew by ` +
            `${perM(scInfo.heap)} MB in load()); geopart server snapshot (3 hierarchies) ` +
            `${perM(gpInfo.snapshot_bytes)} MB + point records ${perM(gpInfo.record_bytes)} MB`);
