// The JavaScript peer for tools/bench/clusters-wrk.sh: npm supercluster
// behind node:http, answering GET /api/clusters?bbox=&zoom= the way
// geopart does (getClusters + JSON.stringify of a FeatureCollection), over
// the points bench-load --city stored, with the same properties.
//
// usage: node tools/bench/sc-server.mjs POINTS.bin   (prints its port)
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Supercluster from 'supercluster';
import { benchFeature } from './features.mjs';

const raw = readFileSync(process.argv[2]);
const coords = new Float64Array(raw.buffer, raw.byteOffset, raw.length / 8);
const features = [];
for (let i = 0; i < coords.length / 2; i++) features.push(benchFeature(i, coords[2 * i], coords[2 * i + 1]));
const index = new Supercluster().load(features);

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const bbox = (url.searchParams.get('bbox') || '-180,-90,180,90').split(',').map(Number);
  const zoom = Number(url.searchParams.get('zoom'));
  if (url.pathname !== '/api/clusters' || bbox.length !== 4 || !Number.isInteger(zoom)) {
    res.writeHead(400).end();
    return;
  }
  const body = JSON.stringify({ type: 'FeatureCollection', features: index.getClusters(bbox, zoom) });
  res.writeHead(200, { 'Content-Type': 'application/geo+json; charset=utf-8' });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
