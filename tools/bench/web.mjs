// web.mjs — the map page's first view with many points, in headless
// chromium against geopart on loopback.  Not a test: it prints figures.
//
// "First view" is the moment the page shows the city: the district
// outlines AND the first clusters/points are in the map's box and
// painted.  In the DOM that is either Leaflet's drawing (an SVG path of
// class "district" in the map and the map element's data-loaded mark,
// which the page sets after drawing the first view's markers) or the
// city the server drew into the page (svg.first-view with its outlines,
// .fv-district, and a cluster or pin, .fv-c/.fv-p; src/page/map.c).  A
// MutationObserver the bench puts into the page before any of its
// scripts run notes when the first of these is complete; what is in the
// DOM shows no earlier than the page's first paint, so the first view is
// the later of that moment and first-contentful-paint (Paint Timing),
// both from navigation start (performance.timeOrigin).  Every build of
// the page is measured the same way.  "Live map" is when Leaflet's own
// drawing is complete (outlines and the data-loaded mark): from then on
// the map can be panned, zoomed and tapped; printed beside the first view
// so that a faster picture cannot hide a slower map.
//
// For each visit it also counts the requests and the bytes on the wire
// (encoded, headers included, as Chrome's network layer counts them).
//
// usage: node tools/bench/web.mjs [--profiles phone,desktop] [--repeat]
//                                 [--runs N] [--timeline] LABEL=URL ...
//   phone:   390×844 CSS px, touch, Chrome DevTools Protocol throttling
//            (Network.emulateNetworkConditions: 1.6 Mbit/s down, 750 kbit/s
//            up, 150 ms round trip; Emulation.setCPUThrottlingRate 4×),
//            Lighthouse's mobile conditions.
//   desktop: 1280×900, no throttling.
//   --timeline prints when each request of the first run started, had its
//            first byte and ended (the page's Resource Timing).
//   --repeat also measures a repeat visit: the same browser profile loads
//            the page once, then a new tab loads it again with the cache
//            the first left.
// Runs alternate between the URLs (before/after), so both see the same load.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.resolve('tests/package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
let profiles = ['desktop'];
let repeat = false;
let runs = 5;
let showTimeline = false;
const targets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--profiles') profiles = args[++i].split(',');
  else if (args[i] === '--repeat') repeat = true;
  else if (args[i] === '--timeline') showTimeline = true;
  else if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i].includes('=')) {
    const at = args[i].indexOf('=');
    targets.push({ label: args[i].slice(0, at), url: args[i].slice(at + 1) });
  } else targets.push({ label: 'page', url: args[i] });
}
if (!targets.length || !runs) {
  console.error('usage: node tools/bench/web.mjs [--profiles phone,desktop] [--repeat] [--runs N] LABEL=URL ...');
  process.exit(2);
}

const PROFILES = {
  phone: {
    context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    network: { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
    cpu: 4
  },
  desktop: { context: { viewport: { width: 1280, height: 900 } }, network: null, cpu: 1 }
};

// Sets window.__firstView when the first view is complete and painted.
function watchFirstView() {
  let fcp;
  let complete;
  const settle = () => {
    if (complete !== undefined && fcp !== undefined && window.__firstView === undefined) {
      window.__firstView = Math.max(complete, fcp);
    }
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') fcp = e.startTime;
    settle();
  }).observe({ type: 'paint', buffered: true });
  const live = () => {
    const map = document.getElementById('map');
    return Boolean(map && map.dataset.loaded && map.querySelector('path.district'));
  };
  const done = () => {
    if (live()) return true;
    const drawn = document.querySelector('#map svg.first-view');
    return Boolean(drawn && drawn.querySelector('.fv-district') && drawn.querySelector('.fv-c, .fv-p'));
  };
  const observer = new MutationObserver(() => {
    if (complete === undefined && done()) {
      complete = performance.now();
      settle();
    }
    if (window.__liveMap === undefined && live()) {
      window.__liveMap = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-loaded'] });
}

const browser = await chromium.launch({
  executablePath: process.env.GEOPART_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run']
});

async function visit(context, profile, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (profile.network) await cdp.send('Network.emulateNetworkConditions', profile.network);
  if (profile.cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  const bytes = new Map();
  const urls = new Map();
  const cached = new Set();
  cdp.on('Network.requestWillBeSent', (e) => { if (!e.request.url.startsWith('data:')) urls.set(e.requestId, e.request.url); });
  cdp.on('Network.requestServedFromCache', (e) => cached.add(e.requestId));
  cdp.on('Network.responseReceived', (e) => {
    if (e.response.fromDiskCache || e.response.fromPrefetchCache) cached.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
  await page.addInitScript(watchFirstView);
  await page.goto(url);
  await page.waitForFunction(() => window.__firstView !== undefined && window.__liveMap !== undefined,
    null, { timeout: 60000, polling: 100 });
  const ms = await page.evaluate(() => window.__firstView);
  const liveMs = await page.evaluate(() => window.__liveMap);
  const timeline = await page.evaluate(() => performance.getEntriesByType('navigation').concat(
    performance.getEntriesByType('resource')).map((e) => [new URL(e.name).pathname + new URL(e.name).search,
    Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd)]));
  // What the first view asked for has arrived by now; let late answers land.
  await page.waitForTimeout(profile.network ? 1500 : 300);
  let total = 0;
  let requests = 0;
  const per = {};
  for (const [id, u] of urls) {
    if (cached.has(id)) continue; // from the memory/disk cache: not on the wire (a 304 is)
    const n = bytes.get(id) || 0;
    requests++;
    total += n;
    const p = new URL(u).pathname;
    per[p] = (per[p] || 0) + n;
  }
  await page.close();
  return { ms, liveMs, total, requests, per, timeline };
}

const results = {}; // profile → visit → label → [run]
for (const name of profiles) {
  const profile = PROFILES[name];
  if (!profile) throw new Error(`unknown profile ${name}`);
  results[name] = { first: {}, repeat: {} };
  for (let run = 0; run < runs; run++) {
    for (const { label, url } of run % 2 ? [...targets].reverse() : targets) {
      // A new context each run: a cold cache for the first visit.
      const context = await browser.newContext(profile.context);
      const first = await visit(context, profile, url);
      (results[name].first[label] ||= []).push(first);
      if (repeat) (results[name].repeat[label] ||= []).push(await visit(context, profile, url));
      await context.close();
    }
  }
}
await browser.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log('first view = district outlines and first clusters drawn; time from navigation start');
for (const name of profiles) {
  for (const kind of repeat ? ['first', 'repeat'] : ['first']) {
    const rows = results[name][kind];
    const base = targets[0].label;
    for (const { label } of targets) {
      const r = rows[label];
      const ms = r.map((x) => x.ms);
      const line = `${name.padEnd(7)} ${kind.padEnd(6)} ${label.padEnd(7)} first view median ${median(ms).toFixed(0).padStart(5)} ms ` +
        `(best ${Math.min(...ms).toFixed(0)}, worst ${Math.max(...ms).toFixed(0)}), ` +
        `${kib(median(r.map((x) => x.total))).padStart(9)}, ${median(r.map((x) => x.requests))} requests`;
      const ratio = label === base ? '' : `   ×${(median(ms) / median(rows[base].map((x) => x.ms))).toFixed(2)} of ${base}`;
      const live = r.map((x) => x.liveMs);
      console.log(line + ratio + `; live map median ${median(live).toFixed(0)} ms (best ${Math.min(...live).toFixed(0)})`);
    }
  }
}
console.log('bytes per path (first run, first visit):');
for (const name of profiles) {
  for (const { label } of targets) {
    const per = results[name].first[label][0].per;
    console.log(`  ${name} ${label}: ` + Object.entries(per).sort((a, b) => b[1] - a[1])
      .map(([p, n]) => `${p} ${(n / 1024).toFixed(1)}`).join(', '));
    if (repeat) {
      const again = results[name].repeat[label][0].per;
      console.log(`  ${name} ${label} repeat: ` + (Object.entries(again).sort((a, b) => b[1] - a[1])
        .map(([p, n]) => `${p} ${(n / 1024).toFixed(1)}`).join(', ') || 'nothing'));
    }
  }
}
if (showTimeline) {
  console.log('timeline of the first run (path: start, first byte, end in ms):');
  for (const name of profiles) {
    for (const { label } of targets) {
      for (const kind of repeat ? ['first', 'repeat'] : ['first']) {
        const r = results[name][kind][label][0];
        console.log(`  ${name} ${kind} ${label}, first view at ${r.ms.toFixed(0)} ms:`);
        for (const [p, a, b, c] of r.timeline) console.log(`    ${String(a).padStart(5)} ${String(b).padStart(5)} ${String(c).padStart(5)}  ${p}`);
      }
    }
  }
}
if (profiles.includes('phone')) console.log('goal: phone first view < 1000 ms; desktop no slower than before');
