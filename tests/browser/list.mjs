// The list view of the citizen page with the keyboard alone: reached by a
// skip link, the entries of the map view or of one Ortsbezirk, paged, with
// the actions of the map (+1, Melden, Link kopieren; +1 and Melden sent)
// and "Auf der Karte zeigen", which opens the map's details and returns to
// the list.  Each test starts from its own database.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, screenshot } from './lib.mjs';
import { addPoint, clean, details, freshServer, open, placeIn } from './citizen-lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return { tag: el.tagName, id: el.id, text: el.textContent.trim(), item: el.closest('li')?.querySelector('.popup-comment')?.textContent };
});

async function listLoaded(page, after = 0) {
  await page.waitForFunction((t) => Number(document.getElementById('list').dataset.loaded || 0) > t, after);
  return page.evaluate(() => Number(document.getElementById('list').dataset.loaded));
}

test('keyboard: skip link to the list, a district chosen, +1 and "Auf der Karte zeigen" from the list', async (t) => {
  const server = await freshServer(t);
  const [lon, lat] = placeIn('Innenstadt');
  for (const [i, c] of ['Marktplatz zu laut', 'Stadtpark gepflegt', 'Radweg endet abrupt'].entries()) {
    await addPoint(server, [lon + i * 0.002, lat], i % 2 ? 'favourite' : 'improvement', c);
  }
  const erfenbach = placeIn('Erfenbach');
  await addPoint(server, erfenbach, 'favourite', 'Der Weiher im Ort');
  await addPoint(server, [erfenbach[0] + 0.002, erfenbach[1]], 'improvement', 'Kein Bäcker mehr');
  const page = await open(browser, server);
  assert.equal(await page.locator('#list-items li').count(), 0, 'the list waits until it is wanted');

  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), '#list');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Zur Liste der Beiträge springen');
  await page.keyboard.press('Enter');
  let loaded = await listLoaded(page);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'list');
  assert.equal(await page.locator('#list-count').textContent(), '5 Beiträge im Kartenausschnitt.');
  assert.equal(await page.locator('#list-items li').count(), 5);

  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).id, 'list-scope');
  const options = await page.locator('#list-scope option').allTextContents();
  assert.equal(options[0], 'im Kartenausschnitt');
  assert.equal(options.length, 11, 'the map view and the 10 Ortsbezirke');
  for (let i = 0; i < options.indexOf('im Ortsbezirk Erfenbach'); i++) await page.keyboard.press('ArrowDown');
  loaded = await listLoaded(page, loaded);
  assert.equal(await page.locator('#list-count').textContent(), '2 Beiträge im Ortsbezirk Erfenbach.');
  assert.deepEqual((await page.locator('#list-items .popup-comment').allTextContents()).sort(),
    ['Der Weiher im Ort', 'Kein Bäcker mehr']);
  await screenshot(page, 'list-district');
  await clean(page, 'list of a district');

  await page.keyboard.press('Tab');
  const first = await focused(page);
  assert.equal(first.text, '+1 Unterstützen');
  await page.keyboard.press('Enter');
  const item = page.locator('#list-items li').filter({ hasText: first.item });
  await item.locator('.popup-supporters').filter({ hasText: '1 Unterstützung' }).waitFor();
  const stored = (await server.get('/api/points?limit=100')).features.find((f) => f.properties.comment === first.item);
  assert.equal(stored.properties.supporters, 1);

  // The same actions as on the map, then "Auf der Karte zeigen".
  const names = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    names.push((await focused(page)).text);
  }
  assert.deepEqual(names, ['Melden', 'Link kopieren', 'Auf der Karte zeigen']);
  await page.keyboard.press('Enter');
  const box = details(page);
  await box.waitFor();
  assert.equal(await box.locator('.popup-comment').textContent(), first.item);
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('details')));
  await clean(page, 'details opened from the list');
  await page.keyboard.press('Escape');
  await box.waitFor({ state: 'detached' });
  const back = await focused(page);
  assert.equal(back.text, 'Auf der Karte zeigen');
  assert.equal(back.item, first.item, 'focus returns to the list entry');
  await page.context().close();
});

test('the list pages through many entries and follows the map view', async (t) => {
  const server = await freshServer(t);
  const [lon, lat] = placeIn('Dansenberg');
  for (let i = 0; i < 23; i++) {
    await addPoint(server, [lon + (i % 5) * 0.0004, lat + Math.floor(i / 5) * 0.0004], 'favourite', `Eintrag ${i + 1}`);
  }
  await addPoint(server, placeIn('Mölschbach'), 'improvement', 'Ganz im Süden');
  const page = await open(browser, server);
  await page.locator('#list').scrollIntoViewIfNeeded();
  let loaded = await listLoaded(page);
  assert.equal(await page.locator('#list-count').textContent(), '24 Beiträge im Kartenausschnitt.');
  assert.equal(await page.locator('#list-items li').count(), 20);
  assert.equal(await page.locator('#list-showing').textContent(), 'Angezeigt: 20 von 24.');
  await page.locator('#list-more').focus();
  await page.keyboard.press('Enter');
  loaded = await listLoaded(page, loaded);
  assert.equal(await page.locator('#list-items li').count(), 24);
  assert.ok(await page.locator('#list-more').isHidden());
  assert.equal(await page.evaluate(() => document.activeElement.closest('li') ===
    document.querySelectorAll('#list-items li')[20]), true, 'focus on the first entry loaded');

  // Zoomed in on Mölschbach, the list holds what the map shows.
  await page.goto(`${server.url}/?point=${(await server.get('/api/points?limit=100')).features.at(-1).id}`);
  await page.locator('#list').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => /^1 Beitrag im Kartenausschnitt\.$/.test(document.getElementById('list-count').textContent));
  assert.deepEqual(await page.locator('#list-items .popup-comment').allTextContents(), ['Ganz im Süden']);
  await clean(page, 'list of the map view');
  await page.context().close();
});

test('keyboard: Melden from the list, with a reason, reaches the server', async (t) => {
  // One report hides a point for review: the server's answer shows it arrived.
  const server = await freshServer(t, { flag_threshold: '1' });
  const point = await addPoint(server, placeIn('Hohenecken'), 'favourite', 'Billige Uhren, jetzt kaufen');
  await addPoint(server, placeIn('Dansenberg'), 'favourite', 'Der Spielplatz am Wald');
  const page = await open(browser, server);
  await page.locator('a[href="#list"]').focus();
  await page.keyboard.press('Enter');
  await listLoaded(page);
  const item = page.locator('#list-items li').filter({ hasText: 'Billige Uhren' });
  const report = item.getByRole('button', { name: 'Melden' });
  await report.focus();
  await page.keyboard.press('Enter');
  assert.equal(await report.getAttribute('aria-expanded'), 'true');
  const form = item.locator('.flag-form');
  assert.equal(await page.evaluate(() => document.activeElement.type), 'radio', 'focus on the first reason');
  // The other entry's reasons are its own: one radio group per entry.
  assert.equal(await page.locator('#list-items .flag-form:visible').count(), 1);
  await page.keyboard.press('Space'); // the first reason: Werbung oder Spam
  assert.ok(await form.getByLabel('Werbung oder Spam').isChecked());
  await form.getByRole('button', { name: 'Meldung senden' }).focus();
  await page.keyboard.press('Enter');
  await item.locator('.popup-note').filter({ hasText: 'Danke für Ihre Meldung' }).waitFor();
  assert.ok(await report.isDisabled(), 'one report per point and page');
  await clean(page, 'flag sent from the list');
  assert.equal((await fetch(`${server.url}/api/points/${point.id}`)).status, 404, 'hidden for review');
  assert.equal((await server.get('/api/points?limit=10')).features.length, 1, 'the other entry stays');
  await page.context().close();
});
