// The entry form's own checks before anything is sent (a place outside
// the city, every missing field at once, a comment over the limit), in
// German and English; the "Gibt es schon?" hint of entries within 50 m;
// and what happens after sending (focus, no jump of the zoom).  Each test
// starts from its own database.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { labelCentre, launch, screenshot } from './lib.mjs';
import { addPoint, clean, freshServer, open, placeIn } from './citizen-lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Records the page's writes (anything but GET).
function watchWrites(page) {
  const writes = [];
  page.on('request', (r) => { if (r.method() !== 'GET') writes.push(`${r.method()} ${new URL(r.url()).pathname}`); });
  return writes;
}

test('a place outside the city is refused at once, in German, and nothing is sent', async (t) => {
  const server = await freshServer(t);
  const page = await open(browser, server);
  const writes = watchWrites(page);
  const box = await page.locator('#map').boundingBox();
  // The map's top right corner lies outside Kaiserslautern at the start view.
  await page.mouse.click(box.x + box.width - 30, box.y + 30);
  await page.locator('#entry').waitFor();
  const error = page.locator('#err-geometry');
  assert.ok(await error.isVisible(), 'said when the place is chosen, before the form is filled in');
  assert.equal(await error.textContent(),
    'Dieser Ort liegt außerhalb von Kaiserslautern. Bitte wählen Sie einen Ort innerhalb der Stadtgrenze.');
  assert.match(await page.locator('#pos').textContent(), /^Gewählter Ort: außerhalb von Kaiserslautern \(49,\d{5}° N, 7,\d{5}° O\)$/);
  assert.equal(await page.locator('.pin-new.pin-outside').count(), 1);
  await page.locator('label[for="cat-favourite"]').click();
  await page.locator('#comment').fill('Hier draußen im Wald');
  await page.locator('#submit').click();
  assert.match(await page.locator('#form-error').textContent(), /^Bitte ergänzen oder korrigieren Sie: Ort\. Dieser Ort liegt außerhalb/);
  assert.deepEqual(writes, [], 'no point was sent');
  assert.equal(await server.count(), 0);
  await screenshot(page, 'entry-outside');
  await clean(page, 'a place outside the city');

  // Choosing a place inside the city mends it; the place is named by its Ortsbezirk.
  const spot = await labelCentre(page, 'Innenstadt');
  await page.mouse.click(spot.x, spot.y + 30);
  await page.locator('#err-geometry').waitFor({ state: 'hidden' });
  assert.match(await page.locator('#pos').textContent(), /^Gewählter Ort: im Ortsbezirk Innenstadt \(49,\d{5}° N, 7,\d{5}° O\)$/);
  await page.locator('label[for="cat-favourite"]').click();
  await page.locator('#submit').click();
  await page.locator('#status').filter({ hasText: 'Danke! Ihr Beitrag liegt im Ortsbezirk Innenstadt.' }).waitFor();
  assert.deepEqual(writes, ['POST /api/points']);
  await page.context().close();
});

test('every missing field is named at once; an overlong comment is counted and not sent', async (t) => {
  const server = await freshServer(t);
  const page = await open(browser, server);
  const writes = watchWrites(page);
  await page.locator('#place-centre').click();
  await page.locator('#entry').waitFor();
  await page.locator('#submit').click();
  assert.equal(await page.locator('#err-category').textContent(), 'Bitte wählen Sie die Art des Ortes.');
  assert.equal(await page.locator('#err-comment').textContent(), 'Bitte schreiben Sie einen Kommentar.');
  assert.match(await page.locator('#form-error').textContent(),
    /^Bitte ergänzen oder korrigieren Sie: Art des Ortes und Kommentar\./);
  assert.equal(await page.locator('#comment').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cat-favourite', 'focus on the first field to mend');
  await clean(page, 'two missing fields');

  await page.locator('label[for="cat-improvement"]').click();
  await page.locator('#comment').fill('ä'.repeat(1005));
  assert.equal(await page.locator('#counter').textContent(), '1.005 von 1.000 Zeichen');
  assert.equal(await page.locator('#counter.over').count(), 1);
  assert.equal(await page.locator('#counter-live').textContent(), 'Ihr Kommentar ist zu lang.');
  await page.locator('#submit').click();
  assert.equal(await page.locator('#err-comment').textContent(),
    'Ihr Kommentar ist 5 Zeichen zu lang. Bitte kürzen Sie ihn auf 1.000 Zeichen.');
  assert.ok(await page.locator('#err-category').isHidden(), 'the kind of place is mended');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'comment');
  assert.deepEqual(writes, [], 'the counter blocks sending');
  await screenshot(page, 'entry-too-long');
  await clean(page, 'comment too long');

  // At the limit it goes through.
  await page.locator('#comment').fill('ä'.repeat(1000));
  assert.equal(await page.locator('#counter.over').count(), 0);
  await page.locator('#submit').click();
  await page.locator('#status').filter({ hasText: 'Danke!' }).waitFor();
  assert.equal(await server.count(), 1);
  await page.context().close();
});

test('English: the same checks in English', async (t) => {
  const server = await freshServer(t);
  const page = await open(browser, server, '/?lang=en');
  await page.locator('#place-centre').click();
  await page.locator('#comment').fill('x'.repeat(1001));
  await page.locator('#submit').click();
  assert.equal(await page.locator('#err-category').textContent(), 'Please choose the kind of place.');
  assert.equal(await page.locator('#err-comment').textContent(),
    'Your comment is 1 character too long. Please shorten it to 1,000 characters.');
  assert.match(await page.locator('#form-error').textContent(),
    /^Please complete or correct: kind of place and comment\./);
  assert.equal(await page.locator('#counter').textContent(), '1,001 of 1,000 characters');
  assert.match(await page.locator('#pos').textContent(), /^Chosen place: in the Ortsbezirk \S.* \(49\.\d{5}° N, 7\.\d{5}° E\)$/);
  await clean(page, 'English form errors');
  await page.context().close();
});

test('"Gibt es schon?": entries within 50 m are offered while typing, +1 instead of a duplicate', async (t) => {
  const server = await freshServer(t);
  const [lon, lat] = placeIn('Einsiedlerhof');
  const bench = await addPoint(server, [lon, lat], 'improvement', 'Die Bank am Spielplatz ist kaputt');
  await addPoint(server, placeIn('Erfenbach'), 'improvement', 'Weit weg: Schlaglöcher');
  // The map opens on the bench; a click 25 px beside its marker is a few
  // metres away from it.
  const page = await open(browser, server, `/?point=${bench.id}`);
  await page.keyboard.press('Escape');
  const marker = await page.locator('.leaflet-marker-icon[title*="Bank am Spielplatz"]').boundingBox();
  await page.mouse.click(marker.x + marker.width / 2 + 25, marker.y + marker.height / 2);
  await page.locator('#entry').waitFor();
  const hint = page.locator('#dup-hint');
  assert.ok(await hint.isHidden(), 'nothing offered before the citizen writes');
  await page.locator('#comment').pressSequentially('Die Bank');
  await hint.waitFor();
  assert.equal(await hint.locator('h3').textContent(), 'Gibt es schon – unterstützen statt neu eintragen?');
  const items = hint.locator('li');
  assert.equal(await items.count(), 1, 'only the entry within 50 m');
  assert.match(await items.first().textContent(), /Die Bank am Spielplatz ist kaputt/);
  const distance = Number((await items.first().locator('.dup-distance').textContent()).match(/^(\d+) m entfernt$/)[1]);
  assert.ok(distance > 0 && distance <= 50, `${distance} m`);
  await page.locator('#status').filter({ hasText: 'In der Nähe gibt es schon 1 Beitrag.' }).waitFor();
  await screenshot(page, 'entry-duplicate-hint');
  await clean(page, 'duplicate hint');

  await items.first().getByRole('button', { name: '+1 Unterstützen' }).click();
  await items.first().locator('.popup-supporters').filter({ hasText: '1 Unterstützung' }).waitFor();
  assert.equal((await server.get(`/api/points/${bench.id}`)).properties.supporters, 1);

  // Another kind of place is no duplicate of it.
  await page.locator('label[for="cat-favourite"]').click();
  await hint.waitFor({ state: 'hidden' });
  await page.locator('label[for="cat-improvement"]').click();
  await hint.waitFor();
  // A place 200 px (about 150 m) away has no neighbour within 50 m.
  await page.mouse.click(marker.x + marker.width / 2 + 200, marker.y + marker.height / 2);
  await hint.waitFor({ state: 'hidden' });
  await page.context().close();
});

test('after sending, focus goes to the next action and the map keeps its zoom', async (t) => {
  const server = await freshServer(t);
  const page = await open(browser, server);
  const zooms = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/clusters') zooms.push(u.searchParams.get('zoom'));
  });
  const spot = await labelCentre(page, 'Innenstadt');
  await page.mouse.click(spot.x, spot.y + 30);
  await page.locator('label[for="cat-favourite"]').click();
  await page.locator('#comment').fill('Mein Lieblingscafé');
  const before = await page.evaluate(() => Number(document.getElementById('map').dataset.loaded));
  await page.locator('#submit').click();
  await page.locator('#status').filter({ hasText: 'Danke!' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'show-mine');
  await page.waitForFunction((t0) => Number(document.getElementById('map').dataset.loaded) > t0, before);
  assert.ok(zooms.length >= 1);
  assert.ok(zooms.every((z) => z === zooms[0]), `the zoom stays ${zooms[0]}: ${zooms}`);
  const mine = await page.locator('.leaflet-marker-icon.pin-mine').boundingBox();
  const map = await page.locator('#map').boundingBox();
  assert.ok(mine.x >= map.x && mine.x + mine.width <= map.x + map.width &&
    mine.y >= map.y && mine.y + mine.height <= map.y + map.height, 'the new point is in view');
  await page.keyboard.press('Enter');
  await page.locator('.details-popup .details').filter({ hasText: 'Mein Lieblingscafé' }).waitFor();
  await screenshot(page, 'entry-after-submit');
  await clean(page, 'after sending');
  await page.context().close();
});

test('the form takes the focus at once, while the server has not yet given it its timestamp', async (t) => {
  const server = await freshServer(t);
  const page = await open(browser, server);
  // The answer of /api/form is held back until the test lets it go: a
  // slow server, without a race.
  let asked;
  const requested = new Promise((resolve) => { asked = resolve; });
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/api/form', async (route) => { asked(); await held; await route.continue(); });
  await page.locator('#place-centre').click();
  await page.locator('#entry').waitFor();
  await requested;
  assert.equal(await page.evaluate(() => document.activeElement.id), 'entry-title',
    'the heading of the form has the focus before the timestamp arrives');
  await clean(page, 'form open, timestamp outstanding');
  release();
  await page.locator('label[for="cat-improvement"]').click();
  await page.locator('#comment').fill('Der Zebrastreifen fehlt');
  await page.locator('#submit').click();
  await page.locator('#status').filter({ hasText: 'Danke!' }).waitFor();
  assert.equal(await server.count(), 1);
  await page.context().close();
});
