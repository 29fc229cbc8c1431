// Leichte Sprache and the map's outlines per zoom: /leichte-sprache with
// axe-core clean, large type and both pictures on a phone; its link in the
// header of every page; the sign-language link on the start page when
// configured; the citizen map drawing the districts the server simplified
// for each zoom it shows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Server, assertClean, axe, launch, mapLoaded, openPage, screenshot } from './lib.mjs';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
let browser;
let server;

before(async () => {
  browser = await launch();
  server = await new Server({
    operator_name: 'Stadtverwaltung Kaiserslautern',
    operator_address: 'Willy-Brandt-Platz 1, 67657 Kaiserslautern',
    operator_contact: 'beteiligung@kaiserslautern.example',
    dgs_video_url: 'https://video.example.org/dgs'
  }).start();
});

after(async () => {
  await server?.stop();
  await browser?.close();
});

test('/leichte-sprache: axe-core clean, large type, both pictures, fits a phone', async () => {
  const page = await openPage(browser, `${server.url}/leichte-sprache`, PHONE);
  await page.locator('h1', { hasText: 'Die Mitmachkarte in Leichter Sprache' }).waitFor();
  assert.deepEqual(await axe(page), []);
  await assertClean(page, assert);
  const size = await page.locator('.easy-block p').first()
    .evaluate((p) => parseFloat(getComputedStyle(p).fontSize));
  assert.ok(size >= 20, `text is ${size} px; Leichte Sprache asks for large type`);
  const pictures = page.getByRole('img');
  assert.equal(await pictures.count(), 2);
  for (let i = 0; i < 2; i++) {
    const box = await pictures.nth(i).boundingBox();
    assert.ok(box.width >= 64 && box.height >= 64, `picture ${i} is ${box.width}×${box.height}`);
  }
  assert.match(await pictures.nth(0).getAttribute('aria-labelledby'), /pic-fav/);
  const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(width[0] <= width[1], `page is ${width[0]} px wide on a ${width[1]} px screen`);
  const dgs = page.getByRole('link', { name: 'Erklärung in Gebärdensprache' });
  assert.equal(await dgs.getAttribute('href'), 'https://video.example.org/dgs');
  assert.ok(await page.getByText('beteiligung@kaiserslautern.example').isVisible());
  await screenshot(page, 'easy-phone');
  await page.context().close();
});

test('every page links to Leichte Sprache in its header', async () => {
  for (const path of ['/', '/umfrage', '/umfrage-ergebnisse', '/planner.html', '/planner-entry.html',
    '/impressum', '/datenschutz', '/leichte-sprache']) {
    const page = await openPage(browser, `${server.url}${path}`);
    const link = page.locator('header').getByRole('link', { name: 'Leichte Sprache' });
    await link.waitFor();
    assert.ok(await link.isVisible(), path);
    if (path === '/') {
      await link.click();
      await page.waitForURL(`${server.url}/leichte-sprache`);
      assert.equal(await page.locator('h1').textContent(), 'Die Mitmachkarte in Leichter Sprache');
    }
    await page.context().close();
  }
});

test('the start page links the sign-language video when configured, and not otherwise', async () => {
  const page = await openPage(browser, `${server.url}/`);
  const dgs = page.locator('header').getByRole('link', { name: 'Erklärung in Gebärdensprache' });
  await dgs.waitFor();
  assert.equal(await dgs.getAttribute('href'), 'https://video.example.org/dgs');
  assert.deepEqual(await axe(page), []);
  await page.context().close();
  const plain = await new Server().start();
  try {
    const other = await openPage(browser, `${plain.url}/`);
    await mapLoaded(other);
    assert.equal(await other.getByRole('link', { name: 'Erklärung in Gebärdensprache' }).count(), 0);
    await other.context().close();
  } finally {
    await plain.stop();
  }
});

// The vertices of a FeatureCollection's outlines.
function vertices(fc) {
  let n = 0;
  for (const f of fc.features) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const rings of polys) for (const ring of rings) n += ring.length;
  }
  return n;
}

test('the map draws the outlines made for each zoom it shows', async () => {
  const page = await openPage(browser, `${server.url}/`, { viewport: { width: 1280, height: 900 } });
  const outlines = (zoom) => page.waitForResponse((r) => {
    const url = new URL(r.url());
    return url.pathname === '/api/districts' && url.searchParams.get('zoom') === String(zoom);
  }, { timeout: 15000 });
  await mapLoaded(page);
  await page.locator('path.district').first().waitFor();
  assert.equal(await page.locator('path.district').count(), 10);
  const asked = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/api/districts')).map((e) => new URL(e.name).searchParams.get('zoom')));
  // (A box that changed size while the page started is framed again, at
  // its own zoom: the last answer is the one drawn.)
  assert.ok(asked.length >= 1 && asked.every((z) => z !== null), `outlines asked for: ${asked}`);
  const zoom = Number(asked.at(-1));
  assert.ok(zoom >= 9 && zoom <= 13, `first zoom ${zoom}`);
  const start = await page.evaluate((z) => fetch(`/api/districts?layer=ortsbezirk&zoom=${z}`)
    .then((r) => r.json()), zoom);
  let last = start;
  for (const step of [1, 2, 3]) {
    const answer = outlines(zoom + step);
    await page.locator('.leaflet-control-zoom-in').click();
    last = await (await answer).json();
    await page.waitForFunction(() => document.querySelectorAll('path.district').length === 10);
  }
  assert.ok(vertices(last) > vertices(start),
    `zoom ${zoom + 3}: ${vertices(last)} vertices, zoom ${zoom}: ${vertices(start)}`);
  assert.equal(await page.locator('.district-label').count(), 10);
  await assertClean(page, assert);
  await page.context().close();
});
