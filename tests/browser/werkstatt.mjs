// The live room with real chromium: the projector page /werkstatt?event=ID
// open, three phones (phone viewports, each its own browser context) open
// the URL of its QR code and post through the citizen page in the event's
// mode; all three points appear on the projector without a reload, the
// counts follow, a point a planner hides disappears; arriving points are
// animated unless the projector asks for reduced motion; axe-core finds
// nothing on either page; a closed live entry shows the normal page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertClean, axe, launch, openPage, screenshot } from './lib.mjs';
import { PHONE, clean, freshServer, open } from './citizen-lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function staff(server, token, method, path, body) {
  const res = await fetch(server.url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return res.status === 204 ? null : JSON.parse(text);
}

async function workshop(server, token, live) {
  const event = await staff(server, token, 'POST', '/api/admin/events',
    { name: 'Akteurswerkstatt Innenstadt', channel: 'workshop', date: '2026-12-06', district: 'ob-0' });
  if (live) await staff(server, token, 'PATCH', `/api/admin/events/${event.id}`, { live: true });
  return event;
}

async function projector(server, eventId, options = {}) {
  const page = await openPage(browser, `${server.url}/werkstatt?event=${eventId}`,
    { viewport: { width: 1600, height: 900 }, ...options });
  await page.locator('#status', { hasText: 'Live verbunden.' }).waitFor();
  await page.locator('#room-qr svg').waitFor();
  return page;
}

async function postFromPhone(url, comment, category) {
  const page = await openPage(browser, url, { locale: 'de-DE', ...PHONE });
  await page.waitForFunction(() => Number(document.getElementById('map')?.dataset.loaded || 0) > 0,
    null, { timeout: 15000 });
  await page.locator('#event-banner', { hasText: 'Sie tragen bei zu: Akteurswerkstatt Innenstadt' })
    .waitFor();
  await page.locator('#place-centre').click();
  await page.locator('#entry').waitFor();
  await page.locator(`label[for="cat-${category}"]`).click();
  await page.locator('#comment').fill(comment);
  await page.locator('#submit').click();
  await page.locator('#status', { hasText: 'Danke!' }).waitFor();
  return page;
}

test('three phones post through the QR code; the projector shows them without reload', async (t) => {
  const server = await freshServer(t);
  const token = server.token('Moderation Werkstatt', 'planner');
  const event = await workshop(server, token, true);
  const room = await projector(server, event.id);

  // The QR code and the address in large type lead to the event's entry page.
  const joinUrl = `${server.url}/?event=${event.id}`;
  assert.equal(await room.locator('#room-qr svg title').textContent(), joinUrl);
  assert.equal(await room.locator('#room-url').textContent(), joinUrl.replace('http://', ''));
  assert.equal(await room.locator('#room-event').textContent(), 'Akteurswerkstatt Innenstadt');
  assert.equal(await room.locator('#room-total').textContent(), 'Noch keine Beiträge');
  await clean(room, 'projector, empty');

  const comments = ['Mehr Bänke am Stiftsplatz', 'Radweg endet im Nichts', 'Schöner Brunnen'];
  const categories = ['improvement', 'improvement', 'favourite'];
  const phones = [];
  for (let i = 0; i < 3; i++) phones.push(await postFromPhone(joinUrl, comments[i], categories[i]));
  await clean(phones[0], 'citizen page in the event mode, after sending');

  // All three on the projector, never reloaded.
  await room.waitForFunction(() => document.querySelectorAll('.leaflet-marker-icon.pin').length === 3,
    null, { timeout: 5000 });
  assert.equal(await room.locator('#room-total').textContent(), '3 Beiträge');
  assert.deepEqual(await room.locator('#room-categories li').allTextContents(),
    ['Lieblingsort1', 'Verbesserungswürdig2']);
  assert.deepEqual(await room.locator('#room-ticker li').allTextContents(), [...comments].reverse());
  assert.equal(await room.locator('.leaflet-marker-icon.pin-arrive').count(), 3, 'arrivals are animated');
  assert.equal(await room.evaluate(() => performance.getEntriesByType('navigation').length), 1);

  // The points carry the event and its channel.
  const listed = await server.get(`/api/points?limit=10`);
  assert.equal(listed.features.length, 3);
  for (const f of listed.features) {
    assert.equal(f.properties.event, event.id);
    assert.equal(f.properties.channel, 'workshop');
  }

  // A planner hides one: it leaves the projector.
  const hidden = listed.features.find((f) => f.properties.comment === 'Radweg endet im Nichts');
  await staff(server, token, 'PATCH', `/api/points/${hidden.id}`, { status: 'hidden' });
  await room.waitForFunction(() => document.querySelectorAll('.leaflet-marker-icon.pin').length === 2,
    null, { timeout: 5000 });
  assert.equal(await room.locator(`.leaflet-marker-icon[data-id="${hidden.id}"]`).count(), 0);
  assert.equal(await room.locator('#room-total').textContent(), '2 Beiträge');
  assert.deepEqual(await room.locator('#room-ticker li').allTextContents(),
    ['Schöner Brunnen', 'Mehr Bänke am Stiftsplatz']);
  await screenshot(room, 'werkstatt-projector');
  await clean(room, 'projector with points');
  for (const p of phones) await p.context().close();
  await room.context().close();
});

test('staff open and close the live entry in the workspace', async (t) => {
  const server = await freshServer(t);
  const token = server.token('Moderation Schalter', 'planner');
  const event = await workshop(server, token, false);
  const page = await openPage(browser, `${server.url}/planner.html`, { viewport: { width: 1280, height: 900 } });
  // (the sign-in form works once the workspace's script has wired it)
  await page.waitForFunction(() => document.body.dataset.workspace === 'ready');
  await page.locator('#ws-token').fill(token);
  await page.locator('#ws-token').press('Enter');
  await page.locator('#ws-who').getByText('Angemeldet als Moderation Schalter').waitFor();
  const item = page.locator(`#ws-events li[data-id="${event.id}"]`);
  await item.locator('button', { hasText: 'Live-Eingabe öffnen' }).click();
  await page.locator('#ws-status', { hasText: 'Live-Eingabe für „Akteurswerkstatt Innenstadt“ geöffnet.' }).waitFor();
  assert.equal((await server.get(`/api/events/${event.id}`)).live, true);
  assert.match(await item.textContent(), /Live-Eingabe offen/);
  assert.equal(await item.locator('a').getAttribute('href'), `/werkstatt?event=${event.id}`);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Live-Eingabe schließen');
  assert.deepEqual(await axe(page), []);
  await page.keyboard.press('Enter');
  await page.locator('#ws-status', { hasText: 'geschlossen.' }).waitFor();
  assert.equal((await server.get(`/api/events/${event.id}`)).live, false);
  await assertClean(page, assert);
  await page.context().close();
});

test('with reduced motion the points arrive without animation', async (t) => {
  const server = await freshServer(t);
  const token = server.token('Moderation Ruhig', 'planner');
  const event = await workshop(server, token, true);
  const room = await projector(server, event.id, { reducedMotion: 'reduce' });
  const phone = await postFromPhone(`${server.url}/?event=${event.id}`, 'Ohne Wackeln', 'favourite');
  await room.locator('.leaflet-marker-icon.pin').waitFor();
  assert.equal(await room.locator('.leaflet-marker-icon.pin-arrive').count(), 0);
  await assertClean(room, assert);
  await phone.context().close();
  await room.context().close();
});

test('a closed live entry shows the normal page, and its points carry no event', async (t) => {
  const server = await freshServer(t);
  const token = server.token('Moderation Zu', 'planner');
  const event = await workshop(server, token, false);
  const page = await open(browser, server, `/?event=${event.id}`, PHONE);
  assert.equal(await page.locator('#event-banner').count(), 0);
  await page.locator('#place-centre').click();
  await page.locator('label[for="cat-favourite"]').click();
  await page.locator('#comment').fill('Ganz normal');
  await page.locator('#submit').click();
  await page.locator('#status', { hasText: 'Danke!' }).waitFor();
  const listed = await server.get('/api/points?limit=10');
  assert.equal(listed.features[0].properties.event, null);
  assert.equal(listed.features[0].properties.channel, 'online');
  assert.deepEqual(await axe(page), []);
  await page.context().close();
});
