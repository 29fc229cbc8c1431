// The planners' workspace on planner.html, in the real chromium: sign in
// (the token never reaches a script: the cookie is HttpOnly), moderate a
// pending and a flagged point by keyboard alone, answer one (the citizen
// page then shows the answer), record a walk, sign out; axe-core in every
// state; no CSP violations.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  Server, assertClean, axe, fixture, labelCentre, launch, mapLoaded, openPage, screenshot
} from './lib.mjs';

let server;
let browser;
let secret;
const ids = {};

async function api(path, init = {}) {
  const res = await fetch(server.url + path, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(init.headers || {}) }
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

before(async () => {
  server = await new Server({ moderation: 'pre', flag_threshold: '5' }).start();
  browser = await launch();
  secret = server.token('Stadtplanung Becker', 'planner');
  const pts = fixture('kaiserslautern-testpunkte.geojson').features;
  const [lon, lat] = pts[0].geometry.coordinates;
  // a citizen's point waits for review (moderation = pre)
  let r = await server.post(lon, lat, 'improvement', 'Der Spielplatz braucht Schatten', 'green_space');
  assert.equal(r.status, 201);
  assert.equal(r.body.properties.status, 'pending');
  ids.pending = r.body.id;
  // a published point a citizen reports
  const [lon2, lat2] = pts[6].geometry.coordinates;
  r = await api('/api/points', {
    method: 'POST', headers: { Authorization: `Bearer ${secret}` },
    body: JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon2, lat2] },
      properties: { category: 'favourite', comment: 'Günstige Pizza hier, jetzt bestellen!' } })
  });
  assert.equal(r.status, 201);
  ids.flagged = r.body.id;
  r = await api(`/api/points/${ids.flagged}/flag`, { method: 'POST', body: JSON.stringify({ reason: 'spam' }) });
  assert.equal(r.status, 202);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function staffPoint(id) {
  return (await api(`/api/admin/points/${id}`, { headers: { Authorization: `Bearer ${secret}` } })).body;
}

// How often the visible page says `words`: a status line that repeats what
// the line below it says is read out twice.
async function saidOnce(page, words) {
  const n = await page.evaluate((t) => document.body.innerText.split(t).length - 1, words);
  assert.equal(n, 1, `"${words}" occurs ${n} times on the page`);
}

async function queueLoaded(page, after) {
  await page.waitForFunction((t) => {
    const q = document.body.dataset.queue;
    return q && Number(q.split(':')[1]) > t;
  }, after, { timeout: 15000 });
}

test('sign in, moderate a pending and a flagged point and answer one by keyboard; sign out', async () => {
  const page = await openPage(browser, `${server.url}/planner.html`, { viewport: { width: 1280, height: 900 } });
  await page.waitForFunction(() => document.body.dataset.workspace === 'ready');
  // signed out: the sign-in form only
  assert.equal(await page.locator('#ws-area').isHidden(), true);
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'workspace-signed-out');

  // a wrong key is refused next to the field
  await page.locator('#ws-token').focus();
  await page.keyboard.type('gpt_falsch');
  await page.keyboard.press('Enter');
  await page.locator('#ws-signin-error').getByText(/Anmeldung nicht möglich/).waitFor();
  assert.equal(await page.locator('#ws-token').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await axe(page), []);

  // the right one: the cookie is HttpOnly, so no script on the page sees it
  await page.keyboard.press('Control+A');
  await page.keyboard.type(secret);
  let t0 = Date.now();
  await page.keyboard.press('Enter');
  await page.locator('#ws-who').getByText('Angemeldet als Stadtplanung Becker').waitFor();
  await queueLoaded(page, t0 - 1);
  await saidOnce(page, 'Angemeldet als');
  assert.equal(await page.evaluate(() => document.cookie), '');
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'gp_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict', JSON.stringify(cookies));
  assert.notEqual(session.value, secret);
  // The focus moves to the queue once everything the workspace shows has
  // loaded (the queue is the first of those, the log and events follow).
  await page.waitForFunction(() => document.activeElement.id === 'ws-queue-pending', null,
    { timeout: 15000 }).catch(() => {});
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ws-queue-pending');
  const pendingItem = page.locator(`#ws-queue .ws-item[data-id="${ids.pending}"]`);
  await pendingItem.waitFor();
  assert.match(await pendingItem.textContent(), /Der Spielplatz braucht Schatten/);
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'workspace-pending');

  // keyboard: Tab past the order picker and the two bulk buttons to the first point, V publishes it
  for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), String(ids.pending));
  await page.keyboard.press('v');
  await page.locator('#ws-status').getByText(`Beitrag ${ids.pending} veröffentlicht.`).waitFor();
  assert.equal((await staffPoint(ids.pending)).properties.status, 'published');
  assert.equal(await pendingItem.count(), 0, 'a published point leaves the queue of new ones');
  assert.match(await page.locator('#ws-count').textContent(), /Keine Beiträge/);

  // the flagged queue shows the reason; A hides the point and dismisses the report
  await page.locator('#ws-queue-pending').focus();
  t0 = Date.now();
  await page.keyboard.press('ArrowRight');
  await queueLoaded(page, t0 - 1);
  const flaggedItem = page.locator(`#ws-queue .ws-item[data-id="${ids.flagged}"]`);
  await flaggedItem.waitFor();
  assert.match(await flaggedItem.locator('.ws-flags').textContent(), /^1 Meldung: Werbung\/Spam 1$/);
  assert.equal(await page.locator('#ws-count').textContent(), '1 Beitrag in „Gemeldet“.');
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'workspace-flagged');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), String(ids.flagged));
  await page.keyboard.press('a');
  await page.locator('#ws-status').getByText(`Beitrag ${ids.flagged} ausgeblendet.`).waitFor();
  const flagged = (await staffPoint(ids.flagged)).properties;
  assert.deepEqual([flagged.status, flagged.flags], ['hidden', 0]);
  assert.equal(await flaggedItem.count(), 0);

  // answer the published point: B opens the editor, the form takes the answer
  await page.locator('#ws-queue-flagged').focus();
  t0 = Date.now();
  await page.keyboard.press('ArrowRight'); // hidden
  await queueLoaded(page, t0 - 1);
  t0 = Date.now();
  await page.keyboard.press('ArrowRight'); // published
  await queueLoaded(page, t0 - 1);
  const item = page.locator(`#ws-queue .ws-item[data-id="${ids.pending}"]`);
  await item.waitFor();
  await item.focus();
  await page.keyboard.press('b');
  const form = page.locator(`#ws-edit-${ids.pending}`);
  await form.waitFor();
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'workspace-editor');
  await page.locator(`#ws-edit-${ids.pending}-reply`).focus();
  const answer = 'Danke! Wir pflanzen im Frühjahr zwei Bäume am Spielplatz.';
  await page.keyboard.type(answer);
  await page.locator(`#ws-edit-${ids.pending}-outcome`).focus();
  await page.keyboard.press('End'); // "nicht übernommen" …
  await page.keyboard.press('ArrowUp'); // … "übernommen"
  await page.keyboard.press('Tab'); // to "Speichern"
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Speichern');
  await page.keyboard.press('Enter');
  await page.locator('#ws-status').getByText(`Beitrag ${ids.pending} gespeichert.`).waitFor();
  const answered = (await staffPoint(ids.pending)).properties;
  assert.equal(answered.reply, answer);
  assert.equal(answered.outcome, 'adopted');
  assert.match(await page.locator(`#ws-queue .ws-item[data-id="${ids.pending}"] .ws-reply`).textContent(),
    /Antwort der Stadt \(übernommen\): Danke!/);
  // the log names the planner and the fields, not the words
  await page.locator('#ws-log li', { hasText: 'reply, outcome: open → adopted' }).first().waitFor();
  assert.match(await page.locator('#ws-log').textContent(), /Stadtplanung Becker: update/);
  assert.doesNotMatch(await page.locator('#ws-log').textContent(), /Bäume/);
  assert.deepEqual(await axe(page), []);

  // a walk, recorded with its Ortsbezirk
  await page.locator('#ws-ev-name').focus();
  await page.keyboard.type('Ortsbegehung Morlautern');
  await page.locator('#ws-ev-date').fill('2026-10-12');
  await page.locator('#ws-ev-district').selectOption({ label: 'Morlautern' });
  await page.locator('#ws-ev-name').press('Enter');
  await page.locator('#ws-events li', { hasText: 'Ortsbegehung Morlautern' }).waitFor();
  assert.match(await page.locator('#ws-events').textContent(), /Ortsbegehung · Morlautern · 0 Beiträge/);
  const events = (await api('/api/events')).body.events;
  assert.deepEqual(events.map((e) => [e.name, e.channel, e.district]), [['Ortsbegehung Morlautern', 'walk', 'ob-6']]);

  // sign out: the session is gone on the server too
  await page.locator('#ws-signout').focus();
  await page.keyboard.press('Enter');
  await page.locator('#ws-status').getByText('Sie sind abgemeldet.').waitFor();
  assert.equal(await page.locator('#ws-area').isHidden(), true);
  const who = await page.evaluate(async () => (await fetch('/api/session')).json());
  assert.deepEqual(who, { signed_in: false });
  assert.equal((await page.evaluate(async () => (await fetch('/api/admin/points')).status)), 401);
  assert.deepEqual(await axe(page), []);
  await assertClean(page, assert);
  await page.context().close();
});

test('the citizen page shows the city\'s answer in the point\'s details', async () => {
  const page = await openPage(browser, `${server.url}/`, { viewport: { width: 1280, height: 900 } });
  await mapLoaded(page);
  const marker = page.locator('.pin[title*="Spielplatz braucht Schatten"]');
  await marker.waitFor();
  await marker.click();
  const popup = page.locator('.leaflet-popup-content');
  await popup.waitFor();
  assert.match(await popup.textContent(), /Antwort der Stadt \(.+\): Danke! Wir pflanzen im Frühjahr zwei Bäume/);
  assert.match(await popup.textContent(), /Stand: übernommen/);
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'citizen-answer');
  // and in the list, the map's accessible alternative
  await page.keyboard.press('Escape');
  await page.locator('#list').scrollIntoViewIfNeeded();
  const entry = page.locator('#list-items li', { hasText: 'Spielplatz braucht Schatten' });
  await entry.waitFor();
  assert.match(await entry.locator('.popup-reply').textContent(),
    /^Antwort der Stadt \(.+\): Danke! Wir pflanzen im Frühjahr zwei Bäume/);
  assert.equal(await entry.locator('.popup-outcome').textContent(), 'Stand: übernommen');
  assert.deepEqual(await axe(page), []);
  await entry.scrollIntoViewIfNeeded();
  await screenshot(page, 'citizen-answer-list');
  await assertClean(page, assert);
  await page.context().close();
});

const MORLAUTERN = { longitude: 7.760636, latitude: 49.467408 };
const PHONE = {
  viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
  geolocation: MORLAUTERN, permissions: ['geolocation']
};

async function noSideScroll(page) {
  const size = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth
  }));
  assert.ok(size.scroll <= size.client, `page is ${size.scroll} px wide on a ${size.client} px screen`);
}

test('on a phone: pick the walk once, then enter three points in a row (tap, my position, tap)', async () => {
  const auth = { Authorization: `Bearer ${secret}` };
  const ev = await api('/api/admin/events', {
    method: 'POST', headers: auth,
    body: JSON.stringify({ name: 'Begehung Morlautern-Nord', channel: 'walk', date: '2026-09-20', district: 'ob-6' })
  });
  assert.equal(ev.status, 201);
  const page = await openPage(browser, `${server.url}/planner-entry.html`, PHONE);
  await page.waitForFunction(() => document.body.dataset.ready === 'yes');
  assert.equal(await page.locator('#ws-signin').isVisible(), true);
  await noSideScroll(page);
  assert.deepEqual(await axe(page), []);
  await page.locator('#ws-token').tap();
  await page.keyboard.type(secret);
  await page.keyboard.press('Enter');
  await page.locator('#entry-area').waitFor();
  await page.locator('#ws-who').getByText('Angemeldet als Stadtplanung Becker').waitFor();
  await saidOnce(page, 'Angemeldet als');
  await page.locator('#entry-event').selectOption(String(ev.body.id));
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'entry-phone');

  const comments = ['Gehweg an der Kirche zu schmal', 'Bank am Dorfplatz fehlt', 'Schöner Blick ins Tal'];
  const saved = async (n) => {
    await page.locator('#ws-status').getByText(`Bisher ${n} erfasst`).waitFor();
    assert.equal(await page.locator('#entry-list li').count(), n);
    assert.equal(await page.locator('#entry-comment').inputValue(), '', 'ready for the next one');
  };
  // 1: a tap on the map
  const spot = await labelCentre(page, 'Morlautern');
  await page.touchscreen.tap(spot.x, spot.y + 15);
  assert.match(await page.locator('#entry-pos').textContent(), /Ort: 49\.\d+° N, 7\.\d+° O/);
  await page.locator('#entry-comment').fill(comments[0]);
  await page.locator('#entry-save').tap();
  await saved(1);
  // 2: the phone's own position
  await page.locator('label[for="entry-cat-favourite"]').tap();
  await page.locator('#entry-locate').tap();
  await page.locator('#entry-pos').getByText('Ort: 49.46741° N, 7.76064° O').waitFor();
  await page.locator('#entry-comment').fill(comments[1]);
  await page.locator('#entry-save').tap();
  await saved(2);
  // 3: another tap; without a text the API's problem shows at the field
  // (the map now shows the phone's position close up: tap a little beside it)
  await page.locator('#map').scrollIntoViewIfNeeded();
  const box = await page.locator('#map').boundingBox();
  await page.touchscreen.tap(box.x + box.width / 2 + 30, box.y + box.height / 2 + 30);
  assert.match(await page.locator('#entry-pos').textContent(), /Ort: 49/);
  await page.locator('#entry-save').tap();
  await page.locator('#entry-comment-error').getByText(/comment/).waitFor();
  assert.equal(await page.locator('#entry-comment').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await axe(page), []);
  await page.locator('#entry-comment').fill(comments[2]);
  await page.locator('#entry-save').tap();
  await saved(3);
  await noSideScroll(page);
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'entry-phone-three');

  // all three are the walk's, published at once, in the order entered
  const mine = (await api(`/api/admin/points?event=${ev.body.id}`, { headers: auth })).body;
  assert.equal(mine.numberMatched, 3);
  assert.deepEqual(mine.features.map((f) => f.properties.comment), comments);
  for (const f of mine.features) {
    assert.deepEqual([f.properties.channel, f.properties.status, f.properties.event],
      ['walk', 'published', ev.body.id]);
  }
  assert.equal(mine.features[1].properties.category, 'favourite');
  const [lon, lat] = mine.features[1].geometry.coordinates;
  assert.ok(Math.abs(lon - MORLAUTERN.longitude) < 1e-6 && Math.abs(lat - MORLAUTERN.latitude) < 1e-6);
  const listed = (await api('/api/events')).body.events.find((e) => e.id === ev.body.id);
  assert.equal(listed.points, 3);

  await page.locator('#ws-signout').tap();
  await page.locator('#ws-status').getByText('Sie sind abgemeldet.').waitFor();
  assert.equal(await page.locator('#entry-area').isHidden(), true);
  await assertClean(page, assert);
  await page.context().close();
});

test('planner view: the district picker narrows table, list and map to one Ortsbezirk', async () => {
  const page = await openPage(browser, `${server.url}/planner.html`, { viewport: { width: 1280, height: 900 } });
  await page.waitForFunction(() => document.body.dataset.ready);
  const before = Number(await page.evaluate(() => document.body.dataset.ready));
  // with few points (at most a handful per district) the legend's count
  // classes still say which counts each colour stands for: every
  // district's total lies in the range of its colour's class
  const legend = (await page.locator('#choro-legend li').allTextContents()).slice(1);
  assert.equal(legend.length, 5);
  const totals = await page.locator('#table-body tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.dataset.id, Number(tr.querySelectorAll('td')[2].dataset.value)]));
  for (const [id, total] of totals) {
    const k = Number((await page.locator(`path.choro[data-id="${id}"]`).getAttribute('class'))
      .match(/choro-(\d)/)[1]);
    const m = legend[k].match(/^(\d+)(?:–(\d+))?$/);
    assert.ok(m, `class ${k} of ${id} (${total}) is labelled "${legend[k]}"`);
    assert.ok(Number(m[1]) <= total && total <= Number(m[2] ?? m[1]), `${id}: ${total} in "${legend[k]}"`);
  }
  for (const text of legend) {
    const m = text.match(/^(\d+)–(\d+)$/);
    assert.ok(!m || Number(m[1]) < Number(m[2]), `legend class "${text}"`);
  }
  await page.locator('#f-district').selectOption('ob-6');
  await page.waitForFunction((n) => Number(document.body.dataset.ready) > n, before);
  // the table holds Morlautern alone, equal to /api/stats
  const stats = (await api('/api/stats?layer=ortsbezirk')).body.districts.find((d) => d.id === 'ob-6');
  const rows = await page.locator('#table-body tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
  assert.deepEqual(rows, ['ob-6']);
  assert.equal(await page.locator('#table-body tr td').nth(2).getAttribute('data-value'), String(stats.total));
  // the list and the map hold that district's published points, with their channel
  const pts = (await api('/api/districts/ob-6/points?limit=1000')).body;
  assert.ok(pts.numberMatched >= 2, 'two walk points of the phone test lie in Morlautern');
  assert.equal(await page.locator('#point-list li').count(), pts.numberMatched);
  assert.equal(await page.locator('path.planner-point').count(), pts.numberMatched);
  assert.match(await page.locator('#point-list').textContent(), /Eingang: Ortsbegehung/);
  const link = page.locator('#point-list li a').first();
  assert.match(await link.getAttribute('href'), /^index\.html\?point=\d+$/);
  const hot = (await api('/api/hotspots?district=ob-6')).body.features;
  assert.equal(await page.locator('path.hotspot').count(), hot.length);
  assert.match(await page.locator('#status').textContent(), new RegExp(`${pts.numberMatched} Beiträge und ${hot.length} Schwerpunkte von Morlautern`));
  // the point files are that district's too
  for (const format of ['geojson', 'csv', 'gpkg']) {
    assert.equal(await page.locator(`#dl-${format}`).getAttribute('href'),
      `/api/export?format=${format}&district=ob-6`);
  }
  assert.match(await page.locator('#downloads').textContent(), /Beiträge von Morlautern herunterladen/);
  const file = await page.evaluate(async () =>
    (await fetch(document.getElementById('dl-geojson').href)).json());
  assert.deepEqual(file.features.map((f) => f.id).sort(), pts.features.map((f) => f.id).sort());
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'planner-district');
  // all districts again: the files are the whole city's
  const n = Number(await page.evaluate(() => document.body.dataset.ready));
  await page.locator('#f-district').selectOption('');
  await page.waitForFunction((k) => Number(document.body.dataset.ready) > k, n);
  assert.equal(await page.locator('#dl-csv').getAttribute('href'), '/api/export?format=csv');
  await assertClean(page, assert);
  await page.context().close();
});

async function signIn(page, token, name) {
  await page.locator('#ws-token').focus();
  await page.keyboard.type(token);
  const t0 = Date.now();
  await page.keyboard.press('Enter');
  await page.locator('#ws-who').getByText(`Angemeldet als ${name}`).waitFor();
  await queueLoaded(page, t0 - 1);
  await saidOnce(page, 'Angemeldet als');
}

async function signOut(page) {
  await page.locator('#ws-signout').focus();
  await page.keyboard.press('Enter');
  await page.locator('#ws-status').getByText('Sie sind abgemeldet.').waitFor();
}

const ids2 = [];

test('by keyboard alone: the order picker, bulk publishing, the log names who; only an admin deletes', async () => {
  // three new citizens' points wait for review
  const pts = fixture('kaiserslautern-testpunkte.geojson').features;
  for (const [i, text] of ['Radweg endet plötzlich', 'Zu wenig Bänke', 'Laternen fehlen'].entries()) {
    const [lon, lat] = pts[10 + i].geometry.coordinates;
    const r = await server.post(lon, lat, 'improvement', text);
    assert.equal(r.status, 201);
    ids2.push(r.body.id);
  }
  const page = await openPage(browser, `${server.url}/planner.html`, { viewport: { width: 1280, height: 900 } });
  await page.waitForFunction(() => document.body.dataset.workspace === 'ready');
  await signIn(page, secret, 'Stadtplanung Becker');
  const queueIds = async () => (await page.locator('#ws-queue .ws-item').evaluateAll(
    (lis) => lis.map((li) => Number(li.dataset.id))));
  assert.deepEqual(await queueIds(), ids2, 'oldest first');
  // the order: Tab from the queues to the picker, "neueste zuerst" by arrow key
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ws-queue-pending');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ws-sort');
  let t0 = Date.now();
  await page.keyboard.press('ArrowDown');
  await queueLoaded(page, t0 - 1);
  assert.equal(await page.locator('#ws-sort').inputValue(), 'newest');
  assert.deepEqual(await queueIds(), [...ids2].reverse(), 'newest first');
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'workspace-sorted');

  // X marks the newest and the next (J); Shift+Tab to "Markierte veröffentlichen"
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), String(ids2[2]));
  await page.keyboard.press('x');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  assert.deepEqual(await page.locator('#ws-queue .ws-select:checked').evaluateAll(
    (boxes) => boxes.map((b) => Number(b.closest('li').dataset.id))), [ids2[2], ids2[1]]);
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'workspace-marked');
  await page.keyboard.press('k');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ws-bulk-publish');
  t0 = Date.now();
  await page.keyboard.press('Enter');
  await page.locator('#ws-status').getByText('2 Beiträge geändert.').waitFor();
  await queueLoaded(page, t0 - 1);
  for (const [id, status] of [[ids2[0], 'pending'], [ids2[1], 'published'], [ids2[2], 'published']]) {
    assert.equal((await staffPoint(id)).properties.status, status, `point ${id}`);
  }
  assert.deepEqual(await queueIds(), [ids2[0]], 'the published ones left the queue');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ws-queue-pending');
  // the log says who did it, for each point
  for (const id of [ids2[1], ids2[2]]) {
    await page.locator('#ws-log li', { hasText: `Stadtplanung Becker: update Beitrag ${id} (status: pending → published)` }).waitFor();
  }
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'workspace-bulk-published');

  // a planner has no delete button, and the API refuses a planner's delete
  assert.equal(await page.locator('#ws-queue button', { hasText: 'Löschen' }).count(), 0);
  const refused = await api(`/api/points/${ids2[0]}`, { method: 'DELETE', headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(refused.status, 403);
  assert.equal((await staffPoint(ids2[0])).properties.status, 'pending');
  await signOut(page);

  // an admin deletes, after saying yes to the question
  const admin = server.token('Verwaltung Weiß', 'admin');
  await signIn(page, admin, 'Verwaltung Weiß');
  const item = page.locator(`#ws-queue .ws-item[data-id="${ids2[0]}"]`);
  const del = item.locator('button', { hasText: 'Löschen' });
  await del.waitFor();
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'workspace-admin');
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.accept(); });
  await del.focus();
  await page.keyboard.press('Enter');
  await page.locator('#ws-status').getByText(`Beitrag ${ids2[0]} gelöscht.`).waitFor();
  assert.equal(asked, `Beitrag ${ids2[0]} endgültig löschen?`);
  const gone = await api(`/api/admin/points/${ids2[0]}`, { headers: { Authorization: `Bearer ${admin}` } });
  assert.equal(gone.status, 404);
  await page.locator('#ws-log li', { hasText: `Verwaltung Weiß: delete Beitrag ${ids2[0]}` }).waitFor();
  assert.match(await page.locator('#ws-count').textContent(), /Keine Beiträge/);
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'workspace-deleted');
  await signOut(page);
  await assertClean(page, assert);
  await page.context().close();
});

// Before the workspace's script has wired the sign-in form (or without
// script), Enter in the key field submits the form as the browser does:
// the secret must not end up in the address, the history or a log.
test('the access key never goes into the address, even before the script runs', async () => {
  const secret = server.token('Früh Drücker', 'planner');
  const page = await openPage(browser, `${server.url}/planner.html`,
    { viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  await page.locator('#ws-token').fill(secret);
  await Promise.all([page.waitForNavigation(), page.locator('#ws-token').press('Enter')]);
  assert.ok(!page.url().includes(secret) && !page.url().includes('token'), page.url());
  await page.context().close();
});

