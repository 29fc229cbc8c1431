// lib.mjs — what the browser tests share: the real geopart binary on
// 127.0.0.1 with an ephemeral port and a temporary database (as
// tests/integration/harness.py does it), Debian's chromium driven by
// playwright-core, a watch for Content-Security-Policy violations, axe-core
// and screenshots into tests/artifacts/.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
export const SOURCE = process.env.GEOPART_SOURCE || path.resolve(here, '..', '..');
const BIN = path.resolve(process.env.GEOPART_BIN || path.join(SOURCE, 'build', 'src', 'geopart'));
export const ARTIFACTS = process.env.GEOPART_ARTIFACTS || path.join(SOURCE, 'tests', 'artifacts');
const CHROMIUM = process.env.GEOPART_CHROMIUM || '/usr/bin/chromium';

export function fixture(name) {
  return JSON.parse(fs.readFileSync(path.join(SOURCE, 'tests', 'fixtures', name), 'utf8'));
}

// The Ortsbezirk ({id, name}) containing lon/lat, by plain ray casting on
// the bundled boundary file: what a test expects, independent of the server.
const ortsbezirke = JSON.parse(fs.readFileSync(path.join(SOURCE, 'data',
  'kaiserslautern-ortsbezirke.geojson'), 'utf8')).features;

function inRing(lon, lat, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function ortsbezirkOf(lon, lat) {
  for (const f of ortsbezirke) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    if (polys.some((rings) => inRing(lon, lat, rings[0]) && !rings.slice(1).some((h) => inRing(lon, lat, h)))) {
      return { id: `ob-${f.properties.id}`, name: f.properties.name };
    }
  }
  return null;
}

// ---- the server ---------------------------------------------------------------------

// Abuse protection has its own tests; here it must not get in the way.
const DEFAULTS = {
  threads: '8',
  log_level: 'warn',
  form_min_seconds: '0',
  write_burst: '10000',
  write_per_minute: '100000',
  comment_window_s: '0',
  tile_url: ''
};

export class Server {
  constructor(config = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'geopart-browser-'));
    this.db = path.join(this.dir, 'geopart.db');
    this.configPath = path.join(this.dir, 'geopart.conf');
    const settings = { ...DEFAULTS, web_root: path.join(SOURCE, 'web'), ...config };
    fs.writeFileSync(this.configPath,
      Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join(''));
  }

  start() {
    this.log = fs.openSync(path.join(this.dir, 'server.log'), 'a');
    this.proc = spawn(BIN, ['serve', '--config', this.configPath, '--db', this.db,
      '--listen', '127.0.0.1:0'], { cwd: this.dir, stdio: ['ignore', 'pipe', this.log] });
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`geopart did not start: ${out}`)), 30000);
      this.proc.stdout.on('data', (chunk) => {
        out += chunk;
        const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m && !this.url) {
          clearTimeout(timer);
          this.url = `http://127.0.0.1:${m[1]}`;
          resolve(this);
        }
      });
      this.proc.on('exit', (code) => reject(new Error(`geopart exited ${code}: ${out}`)));
    });
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      await exited;
    }
    if (this.log !== undefined) fs.closeSync(this.log);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async get(p) {
    const res = await fetch(this.url + p);
    if (!res.ok) throw new Error(`GET ${p}: ${res.status}`);
    return res.json();
  }

  // POSTs a point as the page does; returns {status, body}.
  async post(lon, lat, category, comment, topic) {
    const { form_token: token } = await this.get('/api/form');
    const properties = { category, comment, form_token: token, website: '' };
    if (topic) properties.topic = topic;
    const res = await fetch(`${this.url}/api/points`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties })
    });
    return { status: res.status, body: await res.json() };
  }

  // A staff token made by the CLI, as an operator makes one; returns its secret.
  token(name, role) {
    const r = spawnSync(BIN, ['token', 'create', '--name', name, '--role', role,
      '--db', this.db, '--config', this.configPath], { cwd: this.dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`token create: ${r.stderr}`);
    return r.stdout.trim();
  }

  async count(params = '') {
    return (await this.get(`/api/points?limit=1${params}`)).numberMatched;
  }
}

// ---- the browser ---------------------------------------------------------------------

// playwright-core gives every launch a fresh temporary profile
// (--user-data-dir) and removes it on close.
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run']
  });
}

// A page that records CSP violations (from the DOM event and from
// chromium's console) and uncaught errors; see assertClean().
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext({ locale: 'de-DE', ...options });
  const page = await context.newPage();
  page.problems = [];
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  await page.goto(url);
  return page;
}

export async function assertClean(page, assert) {
  const csp = await page.evaluate(() => window.__csp);
  assert.deepEqual([...page.problems, ...csp.map((v) => `CSP violation: ${v}`)], [],
    'no CSP violations and no script errors');
}

// Waits until the citizen map drew a view after `after` (a timestamp).
export async function mapLoaded(page, after = 0) {
  await page.waitForFunction((t) => Number(document.getElementById('map')?.dataset.loaded || 0) > t,
    after, { timeout: 15000 });
}

// ---- axe-core ----------------------------------------------------------------------------

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs axe (WCAG 2.0/2.1 A and AA plus best practices) and returns its
// violations as readable lines.  DevTools evaluation is not subject to the
// page's CSP, so the real page is checked, without bypassCSP.
export async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations']
  }));
  return result.violations.map((v) =>
    `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// The page position of a district's label (the centre of its bounding
// box, drawn by the page): a place to click inside that district.
export async function labelCentre(page, name) {
  const box = await page.locator('.district-label span', { hasText: name }).first().boundingBox();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}
