// A 375 px wide phone: no horizontal scrolling on either page, a point
// placed by tapping, axe-core on the small layout.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import {
  Server, assertClean, axe, labelCentre, launch, mapLoaded, openPage, ortsbezirkOf, screenshot
} from './lib.mjs';

let server;
let browser;
const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

// Every test starts from its own empty database.
beforeEach(async () => {
  server = await new Server().start();
});

afterEach(async () => {
  await server?.stop();
  server = null;
});

async function noSideScroll(page) {
  const w = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth
  }));
  assert.ok(w.scroll <= w.client, `page is ${w.scroll} px wide on a ${w.client} px screen`);
}

test('citizen page on a phone: tap, send, read the district; no sideways scrolling', async () => {
  const before = await server.count();
  const page = await openPage(browser, `${server.url}/`, PHONE);
  await mapLoaded(page);
  await noSideScroll(page);
  assert.deepEqual(await axe(page), []);
  const spot = await labelCentre(page, 'Innenstadt');
  await page.touchscreen.tap(spot.x, spot.y + 20);
  await page.locator('#entry').waitFor();
  await noSideScroll(page);
  await page.locator('label[for="cat-favourite"]').tap();
  await page.locator('#comment').fill('Schöner Spielplatz, auch am Handy gut zu finden.');
  await page.locator('#submit').tap();
  await page.locator('#status').filter({ hasText: 'Danke' }).waitFor();
  assert.equal(before, 0);
  assert.equal(await server.count(), 1);
  const stored = (await server.get('/api/points')).features[0];
  // the Ortsbezirk of the place stored, by plain point-in-polygon here
  const want = ortsbezirkOf(...stored.geometry.coordinates);
  assert.equal(want.name, 'Innenstadt', 'the tap landed near the Innenstadt label');
  assert.equal(stored.properties.ortsbezirk_id, want.id);
  assert.equal(await page.locator('#status').textContent(),
    `Danke! Ihr Beitrag liegt im Ortsbezirk ${want.name}.`);
  await noSideScroll(page);
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'phone-citizen');
  await assertClean(page, assert);
  await page.context().close();
});

test('planner view on a phone: no sideways scrolling, the table in its own box', async () => {
  const page = await openPage(browser, `${server.url}/planner.html`, PHONE);
  await page.waitForFunction(() => document.body.dataset.ready);
  await noSideScroll(page);
  // the table fits, or scrolls inside its own focusable region
  const box = await page.locator('.table-scroll').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375, 'the table box fits the screen');
  assert.equal(await page.locator('.table-scroll').getAttribute('tabindex'), '0');
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'phone-planner');
  await assertClean(page, assert);
  await page.context().close();
});
