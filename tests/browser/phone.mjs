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

// The server draws the city into the page (src/page/map.c): a phone shows
// it with the first paint, before the map library has arrived.
test('the city shows before any script runs; the live map then takes its place', async () => {
  for (const [lon, lat, kind] of [[7.768889, 49.444722, 'favourite'], [7.768989, 49.444722, 'improvement'],
    [7.810786, 49.37751, 'improvement']]) {
    assert.equal((await server.post(lon, lat, kind, 'Zum Zeichnen')).status, 201);
  }
  // The cluster index takes the points in after their commit.
  for (let i = 0; i < 100 && !(await (await fetch(`${server.url}/`)).text()).includes('fv-p'); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const still = await openPage(browser, `${server.url}/`, { ...PHONE, javaScriptEnabled: false });
  const drawn = await still.evaluate(() => {
    const box = document.getElementById('map').getBoundingClientRect();
    const svg = document.querySelector('#map svg.first-view');
    const outline = svg.querySelector('.fv-district').getBoundingClientRect();
    return {
      box: [box.width, box.height],
      svg: [svg.getBoundingClientRect().width, svg.getBoundingClientRect().height],
      outline: [outline.left - box.left, outline.top - box.top, outline.width, outline.height],
      clusters: [...svg.querySelectorAll('.fv-c text')].map((t) => t.textContent),
      pins: [...svg.querySelectorAll('.fv-p')].map((p) => p.getAttribute('class')),
      stroke: getComputedStyle(svg.querySelector('.fv-district')).stroke,
      favourite: getComputedStyle(svg.querySelector('.fv-c circle')).stroke
    };
  });
  await screenshot(still, 'phone-first-view');
  // The picture fills the map's box, the city's outline fills it (the
  // picture keeps its proportions), styled by the inline style sheet.
  assert.deepEqual(drawn.svg, drawn.box);
  assert.ok(drawn.box[0] > 300 && drawn.box[1] > 300, `map box ${drawn.box}`);
  assert.ok(drawn.outline[2] > drawn.box[0] * 0.9 || drawn.outline[3] > drawn.box[1] * 0.9,
    `the outlines fill the box: ${drawn.outline} in ${drawn.box}`);
  assert.ok(drawn.outline[0] >= -1 && drawn.outline[1] >= -1, `${drawn.outline}`);
  assert.deepEqual(drawn.clusters, ['2']);
  assert.deepEqual(drawn.pins, ['fv-p fv-improvement']);
  assert.equal(drawn.stroke, 'rgb(43, 58, 74)');
  assert.equal(drawn.favourite, 'rgb(107, 107, 107)', 'one of each: a mixed ring');
  await assertClean(still, assert);
  await still.context().close();

  const live = await openPage(browser, `${server.url}/`, PHONE);
  await mapLoaded(live);
  assert.equal(await live.locator('#map svg.first-view').count(), 0, 'the picture is gone');
  assert.ok(await live.locator('#map path.district').count() > 0, 'Leaflet drew the outlines');
  assert.equal(await live.locator('#map .leaflet-marker-icon.cluster').count() +
    await live.locator('#map .leaflet-marker-icon.pin').count(), 2);
  assert.deepEqual(await axe(live), []);
  await assertClean(live, assert);
  await live.context().close();
});
