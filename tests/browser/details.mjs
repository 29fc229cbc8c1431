// A point's details on the citizen map: they stay open while the map
// reloads its view, +1 and "Melden" work in them, "Link kopieren" copies
// the point's own page, and ?point={id} opens the map on them.  Each test
// starts from its own database.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, screenshot } from './lib.mjs';
import { addPoint, clean, details, freshServer, open, openMarker, placeIn } from './citizen-lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// The time the map last finished drawing a view.
const loadedAt = (page) => page.evaluate(() => Number(document.getElementById('map').dataset.loaded));

test('details near the top edge stay open while the map pans and reloads; +1 counts', async (t) => {
  const server = await freshServer(t);
  // Erlenbach is the city's northern tip: its marker sits near the top
  // of the first view, so the details do not fit above it.
  const point = await addPoint(server, placeIn('Erlenbach'), 'favourite', 'Der Aussichtsturm am Nordrand');
  const page = await open(browser, server);
  const marker = page.locator('.leaflet-marker-icon[title*="Aussichtsturm"]');
  const mapBox = await page.locator('#map').boundingBox();
  const markerBox = await marker.boundingBox();
  assert.ok(markerBox.y - mapBox.y < 200, `the marker is near the top edge (${markerBox.y - mapBox.y} px)`);

  const before = await loadedAt(page);
  await marker.click();
  const box = details(page);
  await box.waitFor();
  // Opening pans the map so the details fit; the view is loaded again.
  await page.waitForFunction((t0) => Number(document.getElementById('map').dataset.loaded) > t0, before);
  assert.ok(await box.isVisible(), 'the details are still open after the reload');
  assert.ok(await page.evaluate(() => document.activeElement.closest('.details') !== null),
    'focus is still in the details');
  assert.match(await box.textContent(), /Der Aussichtsturm am Nordrand/);
  assert.match(await box.locator('.popup-supporters').textContent(), /^Noch keine Unterstützung$/);
  await screenshot(page, 'details-open');
  await clean(page, 'details open');

  await box.locator('button.support').click();
  await box.locator('.popup-supporters').filter({ hasText: /^1 Unterstützung$/ }).waitFor();
  assert.match(await box.locator('.popup-note').textContent(), /Danke, Ihre Unterstützung ist gezählt/);
  assert.equal((await server.get(`/api/points/${point.id}`)).properties.supporters, 1);
  // The same details stay open after yet another reload (a zoom step).
  const again = await loadedAt(page);
  await page.locator('.leaflet-control-zoom-out').click();
  await page.waitForFunction((t0) => Number(document.getElementById('map').dataset.loaded) > t0, again);
  assert.ok(await box.isVisible());
  assert.equal(await box.locator('.popup-supporters').textContent(), '1 Unterstützung');

  // Closing is the citizen's choice: the × button.
  await box.locator('.details-close').click();
  await box.waitFor({ state: 'detached' });
  await clean(page, 'details closed');
  await page.context().close();
});

test('keyboard: Enter on a marker opens the details, +1, Escape returns to the marker', async (t) => {
  const server = await freshServer(t);
  await addPoint(server, placeIn('Siegelbach'), 'improvement', 'Gehweg an der Hauptstraße fehlt');
  const page = await open(browser, server);
  const marker = page.locator('.leaflet-marker-icon[title*="Gehweg"]');
  await marker.focus();
  await page.keyboard.press('Enter');
  const box = details(page);
  await box.waitFor();
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('details')));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'support');
  await page.keyboard.press('Enter');
  await box.locator('.popup-supporters').filter({ hasText: '1 Unterstützung' }).waitFor();
  await page.keyboard.press('Escape');
  await box.waitFor({ state: 'detached' });
  assert.match(await page.evaluate(() => document.activeElement.title), /Gehweg an der Hauptstraße fehlt/,
    'focus is back on the marker');
  await clean(page, 'after keyboard +1');
  await page.context().close();
});

test('Melden: the reasons, a missing reason named, the report hides the point at the threshold', async (t) => {
  const server = await freshServer(t, { flag_threshold: '1' });
  const point = await addPoint(server, placeIn('Dansenberg'), 'favourite', 'Kauft bei Firma XY, nur heute billig!');
  const page = await open(browser, server);
  await openMarker(page, 'Kauft bei Firma XY');
  const box = details(page);
  const report = box.getByRole('button', { name: 'Melden' });
  assert.equal(await report.getAttribute('aria-expanded'), 'false');
  await report.click();
  assert.equal(await report.getAttribute('aria-expanded'), 'true');
  const form = box.locator('.flag-form');
  assert.equal(await form.locator('legend').textContent(), 'Warum melden Sie diesen Beitrag?');
  assert.deepEqual(await form.locator('label').allTextContents(), [
    'Werbung oder Spam', 'Beleidigend oder verletzend', 'Enthält persönliche Daten',
    'Gehört nicht zum Thema', 'Doppelt eingetragen', 'Anderer Grund']);
  assert.ok(await page.evaluate(() => document.activeElement.type === 'radio'), 'focus on the first reason');
  await form.getByRole('button', { name: 'Meldung senden' }).click();
  assert.equal(await form.locator('.field-error').textContent(), 'Bitte wählen Sie einen Grund.');
  await screenshot(page, 'details-flag');
  await clean(page, 'flag form with a missing reason');
  assert.equal((await server.get(`/api/points/${point.id}`)).id, point.id, 'not hidden before the report');

  await form.getByLabel('Werbung oder Spam').check();
  await form.getByRole('button', { name: 'Meldung senden' }).click();
  await box.locator('.popup-note').filter({ hasText: 'Danke für Ihre Meldung' }).waitFor();
  assert.ok(await form.isHidden());
  assert.ok(await report.isDisabled(), 'one report per point and page');
  // flag_threshold = 1: this report hid the point for review.
  const res = await fetch(`${server.url}/api/points/${point.id}`);
  assert.equal(res.status, 404);
  await clean(page, 'flag sent');
  await page.context().close();
});

test('?point={id} opens the map on the point with its details; the address follows the details', async (t) => {
  const server = await freshServer(t);
  const [lon, lat] = placeIn('Mölschbach');
  // A neighbour about 80 m away, in view when the map opens on the point.
  await addPoint(server, [lon + 0.001, lat + 0.0003], 'favourite', 'Dorfbrunnen mit Bank');
  const point = await addPoint(server, [lon, lat], 'improvement', 'Busverbindung am Wochenende fehlt');
  const page = await open(browser, server, `/?point=${point.id}`);
  const box = details(page);
  await box.waitFor();
  assert.match(await box.textContent(), /Busverbindung am Wochenende fehlt/);
  assert.match(await box.textContent(), /Ortsbezirk Mölschbach/);
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('details')));
  assert.equal(new URL(page.url()).searchParams.get('point'), String(point.id));
  await screenshot(page, 'details-permalink');
  await clean(page, 'opened by ?point=');

  await page.keyboard.press('Escape');
  await box.waitFor({ state: 'detached' });
  assert.equal(new URL(page.url()).searchParams.get('point'), null, 'closing forgets the point');
  await openMarker(page, 'Dorfbrunnen');
  assert.notEqual(new URL(page.url()).searchParams.get('point'), null);
  await page.context().close();

  const gone = await open(browser, server, '/?point=99999');
  await gone.locator('#status').filter({ hasText: 'Dieser Beitrag ist nicht (mehr) öffentlich.' }).waitFor();
  assert.equal(await details(gone).count(), 0);
  await clean(gone, 'unknown ?point=');
  await gone.context().close();
});

test('"Link kopieren" copies the address of the point\'s own page', async (t) => {
  const server = await freshServer(t);
  const point = await addPoint(server, placeIn('Morlautern'), 'favourite', 'Der Dorfplatz im Sommer');
  const page = await open(browser, server);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await openMarker(page, 'Dorfplatz');
  await details(page).getByRole('button', { name: 'Link kopieren' }).click();
  const link = `${server.url}/p/${point.id}`;
  await details(page).locator('.popup-note').filter({ hasText: link }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  await clean(page, 'link copied');
  await page.context().close();
});
