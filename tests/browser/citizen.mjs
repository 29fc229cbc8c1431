// The citizen page in a desktop browser: the map with its districts, adding
// points by mouse and by keyboard alone, a point outside the city, popups
// with +1, the language switch, tiles that cannot load, and axe-core.
// Every test starts from its own empty database (a server of its own).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import {
  Server, assertClean, axe, fixture, labelCentre, launch, mapLoaded, openPage, ortsbezirkOf,
  screenshot
} from './lib.mjs';

let server;
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

beforeEach(async () => {
  // A tile server that cannot be reached: the page must not care.
  server = await new Server({ tile_url: 'http://127.0.0.1:9/{z}/{x}/{y}.png' }).start();
});

afterEach(async () => {
  await server?.stop();
  server = null;
});

// Innenstadt (ob-0): the fixture's city coordinate and two places near it.
const CENTRE = fixture('kaiserslautern-testpunkte.geojson').features
  .find((f) => f.properties.label.startsWith('Kaiserslautern city coordinate')).geometry.coordinates;

async function open(path = '/') {
  const page = await openPage(browser, server.url + path, { viewport: { width: 1280, height: 900 } });
  await mapLoaded(page);
  return page;
}

test('the map shows every Ortsbezirk by name, the attributions, privacy note and period', async () => {
  const page = await open();
  const districts = await server.get('/api/districts?layer=ortsbezirk');
  const labels = await page.locator('.district-label').allTextContents();
  assert.deepEqual(labels.sort(), districts.features.map((f) => f.properties.name).sort());
  assert.equal(await page.locator('path.district').count(), districts.features.length);
  const config = await server.get('/api/config');
  const sources = await page.locator('#source-list li').allTextContents();
  for (const text of config.data_attribution) assert.ok(sources.includes(text), text);
  assert.match(await page.locator('.leaflet-control-attribution').textContent(), /OpenStreetMap/);
  assert.equal(await page.locator('#privacy-note').textContent(), config.privacy_note);
  assert.match(await page.locator('#period').textContent(), /Beteiligung ist geöffnet/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
  await screenshot(page, 'citizen-start');
  assert.deepEqual(await axe(page), []);
  await assertClean(page, assert);
  await page.context().close();
});

test('a point placed by mouse lands in the Ortsbezirk the API stored, and shows on the map', async () => {
  const before = await server.count();
  const page = await open();
  const spot = await labelCentre(page, 'Innenstadt');
  await page.mouse.click(spot.x, spot.y + 30);
  await page.locator('#entry').waitFor();
  assert.match(await page.locator('#pos').textContent(), /49\.\d+° N, 7\.\d+° O/);
  assert.deepEqual(await axe(page), [], 'the open form has no axe violations');
  await screenshot(page, 'citizen-form');
  await page.locator('label[for="cat-improvement"]').click();
  await page.locator('#comment').fill('Die Ampel am Rathaus braucht länger Grün für Fußgänger.');
  assert.equal(await page.locator('#counter').textContent(), '55 von 1000 Zeichen');
  await page.locator('#topic').selectOption('mobility');
  await page.locator('#submit').click();
  await page.locator('#status').filter({ hasText: 'Danke' }).waitFor();

  assert.equal(before, 0);
  assert.equal(await server.count(), 1);
  const stored = (await server.get('/api/points')).features[0];
  assert.equal(stored.properties.category, 'improvement');
  assert.equal(stored.properties.topic, 'mobility');
  assert.equal(stored.properties.ortsbezirk_name, 'Innenstadt');
  assert.equal(stored.properties.ortsbezirk_id, ortsbezirkOf(...stored.geometry.coordinates).id);
  const status = await page.locator('#status').textContent();
  assert.equal(status, `Danke! Ihr Beitrag liegt im Ortsbezirk ${stored.properties.ortsbezirk_name}.`);
  // the new point is on the map, and its popup tells what the API stored
  const mine = page.locator('.pin-mine');
  await mine.waitFor();
  assert.ok(await mine.isVisible());
  await page.locator('#show-mine').click();
  const popup = page.locator('.leaflet-popup-content');
  await popup.waitFor();
  assert.match(await popup.textContent(), /Verbesserungswürdig/);
  assert.match(await popup.textContent(), /Die Ampel am Rathaus/);
  assert.match(await popup.textContent(),
    new RegExp(`Ortsbezirk ${stored.properties.ortsbezirk_name}, Stadtteil ${stored.properties.stadtteil_name}`));
  assert.match(await popup.textContent(), /0 Unterstützung/);
  assert.deepEqual(await axe(page), [], 'after submission no axe violations');
  await screenshot(page, 'citizen-after-submit');
  // +1 counts once
  await popup.locator('button.support').click();
  await popup.getByText('1 Unterstützung').waitFor();
  const again = (await server.get(`/api/points/${stored.id}`)).properties.supporters;
  assert.equal(again, 1);
  await assertClean(page, assert);
  await page.context().close();
});

test('keyboard alone: Tab to the map, arrows pan, Enter places at the crosshair, the form is sent', async () => {
  const before = await server.count();
  const page = await open();
  // Tab until the map has focus; every stop on the way shows its focus.
  let stops = 0;
  for (;;) {
    await page.keyboard.press('Tab');
    stops++;
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const cs = getComputedStyle(el);
      return { id: el.id, visible: cs.outlineStyle !== 'none' || cs.boxShadow !== 'none' };
    });
    assert.ok(info.visible, `focus is visible on stop ${stops} (#${info.id})`);
    if (info.id === 'map') break;
    assert.ok(stops < 20, 'the map is reachable with Tab');
  }
  const cross = page.locator('.crosshair');
  assert.ok(await cross.isVisible(), 'the crosshair shows while the map has keyboard focus');
  assert.ok(await page.locator('.map-hint').isVisible());
  const before1 = await page.locator('.district-label', { hasText: 'Innenstadt' }).boundingBox();
  const drawn = await page.evaluate(() => Number(document.getElementById('map').dataset.loaded));
  await page.keyboard.press('ArrowDown');
  await mapLoaded(page, drawn); // the pan ended and the new view is drawn
  const after1 = await page.locator('.district-label', { hasText: 'Innenstadt' }).boundingBox();
  assert.ok(after1.y < before1.y - 20, 'ArrowDown moves the map');
  await page.keyboard.press('Enter');
  await page.locator('#entry').waitFor();
  // the page moves the focus once it has its form token: wait for that, not a time
  await page.waitForFunction(() => document.activeElement?.id === 'entry-title', null,
    { timeout: 10000 });
  await page.keyboard.press('Tab');          // first category
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cat-favourite');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');          // comment
  assert.equal(await page.evaluate(() => document.activeElement.id), 'comment');
  await page.keyboard.type('Der Stadtpark ist mein Lieblingsort.');
  await page.keyboard.press('Tab');          // topic
  assert.equal(await page.evaluate(() => document.activeElement.id), 'topic');
  await page.keyboard.press('Tab');          // submit
  assert.equal(await page.evaluate(() => document.activeElement.id), 'submit');
  await page.keyboard.press('Enter');
  await page.locator('#status').filter({ hasText: 'Danke' }).waitFor();
  assert.equal(before, 0);
  assert.equal(await server.count(), 1);
  const stored = (await server.get('/api/points')).features[0];
  assert.equal(stored.properties.category, 'favourite');
  assert.equal(stored.properties.ortsbezirk_id, ortsbezirkOf(...stored.geometry.coordinates).id);
  assert.equal(stored.properties.comment, 'Der Stadtpark ist mein Lieblingsort.');
  assert.equal(await page.locator('#status').textContent(),
    `Danke! Ihr Beitrag liegt im Ortsbezirk ${stored.properties.ortsbezirk_name}.`);
  assert.equal(await page.locator('#status').getAttribute('aria-live'), 'polite');
  await screenshot(page, 'citizen-keyboard');
  await assertClean(page, assert);
  await page.context().close();
});

test('a point outside the city shows the API problem at the place and stores nothing', async () => {
  const before = await server.count();
  const page = await open();
  const box = await page.locator('#map').boundingBox();
  // The map's top right corner lies outside Kaiserslautern at the start view.
  await page.mouse.click(box.x + box.width - 30, box.y + 30);
  await page.locator('#entry').waitFor();
  await page.locator('label[for="cat-favourite"]').click();
  await page.locator('#comment').fill('Hier draußen im Wald');
  await page.locator('#submit').click();
  const error = page.locator('#err-geometry');
  await error.waitFor();
  assert.match(await error.textContent(), /außerhalb von Kaiserslautern/);
  assert.match(await error.textContent(), /the point lies outside the city/);
  assert.match(await page.locator('#form-error').textContent(), /außerhalb/);
  assert.equal(await page.locator('#form-error').getAttribute('role'), 'alert');
  assert.equal(await server.count(), before, 'nothing was stored');
  assert.ok(await page.locator('#entry').isVisible(), 'the form stays open to choose another place');
  assert.deepEqual(await axe(page), [], 'the error state has no axe violations');
  await screenshot(page, 'citizen-outside');
  await assertClean(page, assert);
  await page.context().close();
});

test('keyboard: a marker opens its popup, +1 inside it, Escape returns to the marker', async () => {
  const r = await server.post(CENTRE[0], CENTRE[1], 'favourite', 'Hier sitze ich gern im Schatten.');
  assert.equal(r.status, 201);
  const page = await open();
  const marker = page.locator('.pin[title*="Hier sitze ich gern"]');
  await marker.focus();
  const before = await page.evaluate(() => document.activeElement.title);
  assert.match(before, /Hier sitze ich gern/);
  await page.keyboard.press('Enter');
  const popup = page.locator('.leaflet-popup-content');
  await popup.waitFor();
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('popup')),
    'focus moves into the popup');
  assert.match(await popup.textContent(), /0 Unterstützung/);
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('support')));
  await page.keyboard.press('Enter');
  // the first +1 of this client: counted, and said so (not "already" or "not counted")
  const note = popup.locator('.popup-note');
  await note.filter({ hasText: /\S/ }).waitFor();
  assert.equal(await note.textContent(), 'Danke, Ihre Unterstützung ist gezählt.');
  assert.match(await popup.textContent(), /1 Unterstützung/);
  assert.equal((await server.get(`/api/points/${r.body.id}`)).properties.supporters, 1);
  await page.keyboard.press('Escape');
  await popup.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.title), before, 'focus is back on the marker');
  await assertClean(page, assert);
  await page.context().close();
});

test('a skip link passes the map and its markers to the entry panel', async () => {
  const page = await open();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), '#panel');
  assert.ok(await page.locator('a.skip[href="#panel"]').isVisible(), 'visible while focused');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'place-centre');
  await page.context().close();
});

test('empty fields are named before anything is sent', async () => {
  const page = await open();
  await page.locator('#place-centre').click();
  await page.locator('#submit').click();
  assert.match(await page.locator('#err-category').textContent(), /Art des Ortes/);
  await page.locator('label[for="cat-favourite"]').click();
  await page.locator('#submit').click();
  assert.match(await page.locator('#err-comment').textContent(), /Kommentar/);
  assert.equal(await page.locator('#comment').getAttribute('aria-invalid'), 'true');
  // the counter follows the limit from /api/config and marks an overlong text
  await page.locator('#comment').fill('x'.repeat(1001));
  assert.equal(await page.locator('#counter').textContent(), '1001 von 1000 Zeichen');
  assert.ok(await page.locator('#counter.over').count());
  await assertClean(page, assert);
  await page.context().close();
});

test('English switch translates the page and keeps the language in the URL', async () => {
  const page = await open();
  await page.locator('#lang').click();
  assert.equal(await page.locator('h1').textContent(), 'Participation map');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.match(page.url(), /lang=en/);
  assert.match(await page.locator('a[href*="planner.html"]').getAttribute('href'), /lang=en/);
  await page.locator('#place-centre').click();
  assert.match(await page.locator('label[for="cat-improvement"]').textContent(), /Needs improvement/);
  assert.match(await page.locator('#pos').textContent(), /° N, 7\.\d+° E/);
  assert.deepEqual(await axe(page), []);
  await page.reload();
  await mapLoaded(page);
  assert.equal(await page.locator('h1').textContent(), 'Participation map');
  await assertClean(page, assert);
  await page.context().close();
});

test('clusters or points: the map draws what the API holds for the view', async () => {
  // three points of this test's own, and nothing else in its database
  const places = [[0, 0, 'favourite'], [0.002, 0.001, 'improvement'], [-0.03, 0.02, 'favourite']];
  for (const [dlon, dlat, category] of places) {
    const r = await server.post(CENTRE[0] + dlon, CENTRE[1] + dlat, category, `Punkt ${dlon}`);
    assert.equal(r.status, 201);
  }
  const page = await open();
  assert.match(await page.locator('#view-note').textContent(), /^3 Beiträge/);
  // every point is drawn once: alone as a pin, or counted in a cluster
  const pins = await page.locator('.pin').count();
  const inClusters = (await page.locator('.cluster').allTextContents()).reduce((n, t) => n + Number(t), 0);
  assert.equal(pins + inClusters, 3);
  await page.context().close();
});
