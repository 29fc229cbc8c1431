// Validates GeoJSON files with @placemarkio/check-geojson, an independent
// GeoJSON (RFC 7946) checker from the npm registry.  Prints one JSON line per
// file with the problems found; exits 1 when any file has one.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { getIssues } = require('@placemarkio/check-geojson');

let bad = 0;
for (const file of process.argv.slice(2)) {
  const problems = getIssues(readFileSync(file, 'utf8'));
  console.log(JSON.stringify({ file, problems }));
  if (problems.length) bad++;
}
process.exit(bad ? 1 : 0);
