// citizen-lib.mjs — what the citizen page's newer browser tests share on
// top of lib.mjs: a fresh server (its own database) per test, the page
// opened and drawn, axe and the CSP watch in one call, and the places the
// tests put points (from the shared test points, tests/fixtures).
import assert from 'node:assert/strict';
import { Server, assertClean, axe, fixture, mapLoaded, openPage } from './lib.mjs';

export const DESKTOP = { viewport: { width: 1280, height: 900 } };
export const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const testPoints = fixture('kaiserslautern-testpunkte.geojson').features;

// [lon, lat] of the test point inside an Ortsbezirk or Stadtteil.
export function placeIn(name) {
  const f = testPoints.find((x) => x.properties.label.endsWith(` ${name}`));
  assert.ok(f, `a test point in ${name}`);
  return f.geometry.coordinates;
}

// Every test starts from its own database: a new server, stopped by done().
export async function freshServer(t, config = {}) {
  const server = await new Server(config).start();
  t.after(() => server.stop());
  return server;
}

// POSTs a point as the page does and returns the stored Feature.
export async function addPoint(server, [lon, lat], category, comment) {
  const { status, body } = await server.post(lon, lat, category, comment);
  assert.equal(status, 201, JSON.stringify(body));
  return body;
}

export async function open(browser, server, path = '/', options = DESKTOP) {
  const page = await openPage(browser, server.url + path, { locale: 'de-DE', ...options });
  await mapLoaded(page);
  return page;
}

// axe-core finds nothing, and no CSP violation or script error happened.
export async function clean(page, state) {
  assert.deepEqual(await axe(page), [], `axe-core in state "${state}"`);
  await assertClean(page, assert);
}

// The open details popup of the map.
export function details(page) {
  return page.locator('.details-popup .details');
}

// Opens the details of the marker whose title starts with `text` (a
// point's title is its kind and comment) and waits until they show.
export async function openMarker(page, text) {
  await page.locator(`.leaflet-marker-icon[title*="${text}"]`).click();
  await details(page).waitFor();
}
