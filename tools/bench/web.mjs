// web.mjs — the map page's first view with many points: time from
// navigation to the first clusters/points drawn, and the bytes transferred
// for that view (compressed, as on the wire, headers excluded), in
// headless chromium against geopart on loopback.  Not a test: it prints
// figures.  Goals (issue 3): under 1 s and under 200 KB.
//
// usage: node tools/bench/web.mjs URL [RUNS]   (see tools/bench/web.sh)
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.resolve('tests/package.json'));
const { chromium } = require('playwright-core');

const url = process.argv[2];
const runs = Number(process.argv[3] || 5);
if (!url) {
  console.error('usage: node tools/bench/web.mjs URL [RUNS]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.GEOPART_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run']
});

const results = [];
for (let run = 0; run < runs; run++) {
  // A new context each run: a cold cache, as a first visit.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const bytes = new Map();
  cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
  const urls = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  const t0 = Date.now();
  await page.goto(url);
  // The page marks the map once it drew the first view's clusters/points.
  await page.waitForFunction(() => document.getElementById('map')?.dataset.loaded, null,
    { timeout: 30000, polling: 'raf' });
  const drawnMs = await page.evaluate(() => Number(document.getElementById('map').dataset.loaded)
    - performance.timeOrigin);
  const wall = Date.now() - t0;
  const markers = await page.locator('.cluster, .pin').count();
  const points = await page.locator('#view-note').textContent();
  await page.waitForTimeout(300);
  let total = 0;
  const per = {};
  for (const [id, n] of bytes) {
    total += n;
    const u = new URL(urls.get(id) || 'about:blank');
    per[u.pathname] = (per[u.pathname] || 0) + n;
  }
  results.push({ drawnMs, wall, total, markers, points, per });
  await context.close();
}
await browser.close();

for (const [i, r] of results.entries()) {
  console.log(`run ${i + 1}: first view drawn ${r.drawnMs.toFixed(0)} ms after navigation start ` +
    `(${r.wall} ms wall), ${(r.total / 1024).toFixed(1)} KiB transferred, ${r.markers} markers; ${r.points}`);
}
const sorted = results.map((r) => r.drawnMs).sort((a, b) => a - b);
console.log(`median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, ` +
  `best ${sorted[0].toFixed(0)} ms, worst ${sorted.at(-1).toFixed(0)} ms (goal < 1000 ms)`);
console.log(`bytes of the first view (goal < 200 KB = 195.3 KiB):`);
for (const [p, n] of Object.entries(results[0].per).sort((a, b) => b[1] - a[1])) {
  console.log(`  ${(n / 1024).toFixed(1).padStart(7)} KiB  ${p}`);
}
console.log(`  ${(results[0].total / 1024).toFixed(1).padStart(7)} KiB  total`);
