// The correctness oracle for geopart's clusters: npm supercluster (version
// pinned in tests/package-lock.json) on the very points geopart holds.
//
//   node cluster_oracle.mjs seed N [AREAS]    → JSON [[lon, lat], …]: the first
//                                               N seed-42 benchmark points, only
//                                               those inside the polygons of the
//                                               FeatureCollection AREAS if given
//   node cluster_oracle.mjs clusters FILE BBOX MAXZOOM [RADIUS EXTENT]
//                                             → JSON, one entry per zoom 0…MAXZOOM+1:
//                                               supercluster's clusters and points
//                                               (radius and extent: supercluster's
//                                               defaults 40 and 512 unless given)
//
// FILE holds [{id, lon, lat, category}, …] in the order geopart clusters
// them (id order).  Per-category counts come from supercluster's own
// map/reduce options, so they are checked independently too.
import { readFileSync } from 'node:fs';
import Supercluster from 'supercluster';
import { seed42Points } from '../../tools/bench/seed42.mjs';

const [mode, a, b, c, d, e] = process.argv.slice(2);

// Even-odd ray casting over every ring of every polygon.
function inside(areas, x, y) {
  let hit = false;
  for (const f of areas.features) {
    const g = f.geometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const rings of polygons) {
      let odd = false;
      for (const ring of rings) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const [xi, yi] = ring[i], [xj, yj] = ring[j];
          if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
        }
      }
      hit ||= odd;
    }
  }
  return hit;
}

if (mode === 'seed') {
  const n = Number(a);
  const areas = b ? JSON.parse(readFileSync(b, 'utf8')) : null;
  const { lon, lat } = seed42Points(n);
  const out = [];
  for (let i = 0; i < n; i++) {
    if (!areas || inside(areas, lon[i], lat[i])) out.push([lon[i], lat[i]]);
  }
  process.stdout.write(JSON.stringify(out));
} else if (mode === 'clusters') {
  const points = JSON.parse(readFileSync(a, 'utf8'));
  const bbox = b.split(',').map(Number);
  const maxZoom = Number(c);
  const index = new Supercluster({
    maxZoom,
    ...(d ? { radius: Number(d), extent: Number(e) } : {}),
    map: (p) => ({ favourite: p.category === 'favourite' ? 1 : 0,
                   improvement: p.category === 'improvement' ? 1 : 0 }),
    reduce: (acc, p) => { acc.favourite += p.favourite; acc.improvement += p.improvement; },
  });
  index.load(points.map((p) => ({
    type: 'Feature',
    properties: { id: p.id, category: p.category },
    geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
  })));
  const zooms = [];
  for (let z = 0; z <= maxZoom + 1; z++) {
    const clusters = [], singles = [];
    for (const f of index.getClusters(bbox, z)) {
      const p = f.properties;
      if (!p.cluster) {
        singles.push(p.id);
        continue;
      }
      clusters.push({
        cluster_id: p.cluster_id,
        point_count: p.point_count,
        point_count_abbreviated: p.point_count_abbreviated,
        favourite: p.favourite,
        improvement: p.improvement,
        lon: f.geometry.coordinates[0],
        lat: f.geometry.coordinates[1],
        expansion_zoom: index.getClusterExpansionZoom(p.cluster_id),
      });
    }
    // The leaves of a few clusters per zoom, as sets of point ids.
    const leaves = {};
    for (const cl of clusters.slice(0, 3)) {
      leaves[cl.cluster_id] = index.getLeaves(cl.cluster_id, Infinity).map((f) => f.properties.id);
    }
    zooms.push({ zoom: z, clusters, singles, leaves });
  }
  process.stdout.write(JSON.stringify(zooms));
} else {
  console.error('usage: cluster_oracle.mjs seed N | clusters FILE BBOX MAXZOOM [RADIUS EXTENT]');
  process.exit(2);
}
