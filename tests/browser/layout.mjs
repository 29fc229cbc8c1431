// How the citizen map looks: clusters the size of their icons that do not
// cover each other or the district names, the legend that explains the
// rings, the phone layout (the whole city in view, the "N Beiträge" note
// clear of the attribution, details and list on a small screen), and the
// English page (German text marked as German, words and numbers).  Each
// test starts from its own database.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seed42Points } from '../../tools/bench/seed42.mjs';
import { launch, screenshot } from './lib.mjs';
import { PHONE, addPoint, clean, details, freshServer, open, openMarker, placeIn } from './citizen-lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const rects = (page, selector) => page.locator(selector).evaluateAll((els) => els.map((el) => {
  const r = el.getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: el.textContent };
}));

function overlap(a, b) {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

// The first n seed-42 points inside the city, posted through the API.
// The first n seed-42 points (tools/bench), posted through the API; the
// server refuses those outside the city.  Returns how many it stored.
// Four at a time: fewer connections than the server has threads, which
// keep-alive connections hold while idle.
async function seed(server, n) {
  const { lon, lat } = seed42Points(n);
  for (let i = 0; i < n; i += 4) {
    const batch = [];
    for (let k = i; k < Math.min(n, i + 4); k++) {
      batch.push(server.post(lon[k], lat[k], k % 3 ? 'favourite' : 'improvement', `Seed ${k}`));
    }
    await Promise.all(batch);
  }
  return server.count();
}

// Pairs of drawn clusters whose circles overlap, and by how much of the
// smaller one's diameter.
async function clusterOverlaps(page) {
  const circles = (await rects(page, '.leaflet-marker-icon.cluster')).map((r) => ({
    x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2, d: r.right - r.left
  }));
  const pairs = [];
  for (let i = 0; i < circles.length; i++) {
    for (let j = i + 1; j < circles.length; j++) {
      const a = circles[i], b = circles[j];
      const depth = (a.d + b.d) / 2 - Math.hypot(a.x - b.x, a.y - b.y);
      if (depth > 0) pairs.push(depth / Math.min(a.d, b.d));
    }
  }
  return { count: circles.length, pairs };
}

test('clusters match their icons: they barely touch, and the district names stay clear', async (t) => {
  const server = await freshServer(t);
  const total = await seed(server, 3000);
  const page = await open(browser, server);
  assert.match(await page.locator('#view-note').textContent(), new RegExp(`^${total.toLocaleString('de-DE')} Beiträge`));
  const zoomIn = async () => {
    const t0 = await page.evaluate(() => Number(document.getElementById('map').dataset.loaded));
    await page.locator('.leaflet-control-zoom-in').click();
    await page.waitForFunction((t) => Number(document.getElementById('map').dataset.loaded) > t, t0);
  };
  for (let step = 0; step < 3; step++) {
    await screenshot(page, `layout-clusters-${step}`);
    const { count, pairs } = await clusterOverlaps(page);
    if (process.env.GEOPART_SHOW) console.log(step, count, pairs.length, pairs.filter((p) => p > 0.25).length, Math.max(0, ...pairs));
    assert.ok(count >= 5, `${count} clusters drawn`);
    // Supercluster's merge radius keeps the seeds of clusters apart; a
    // cluster's centre then moves to the middle of its points, so two
    // may come a little closer than their icons are wide, never much.
    const deep = pairs.filter((p) => p > 0.25);
    assert.deepEqual(deep, [], `step ${step}: clusters covering each other by more than a quarter`);
    assert.ok(pairs.length <= Math.max(2, count * 0.1), `step ${step}: ${pairs.length} of ${count} clusters touch`);
    // Names the markers would cover have moved to free room in their
    // district: fewer are covered than at their own places, and hardly any.
    const labels = await page.locator('.district-label span').evaluateAll((els) => els.map((el) => {
      const r = el.getBoundingClientRect();
      const dx = parseFloat(el.style.getPropertyValue('--dx') || '0');
      const dy = parseFloat(el.style.getPropertyValue('--dy') || '0');
      return { text: el.textContent, now: { left: r.left, right: r.right, top: r.top, bottom: r.bottom },
        home: { left: r.left - dx, right: r.right - dx, top: r.top - dy, bottom: r.bottom - dy } };
    }));
    const icons = await rects(page, '.leaflet-marker-icon.cluster, .leaflet-marker-icon.pin');
    const covered = (where) => labels.filter((l) => icons.some((i) =>
      overlap(l[where], i) > 0.2 * (l[where].right - l[where].left) * (l[where].bottom - l[where].top))).map((l) => l.text);
    if (process.env.GEOPART_SHOW) console.log('covered', covered('now'), 'at home', covered('home'));
    assert.ok(covered('now').length <= 2, `step ${step}: names covered: ${covered('now')}`);
    assert.ok(covered('now').length < covered('home').length || covered('home').length === 0,
      `step ${step}: moving the names helps (${covered('now')} against ${covered('home')} at home)`);
    await zoomIn();
  }
  await clean(page, 'many clusters');
  await page.context().close();
});

test('the legend explains both kinds of point, the three rings and the own entry', async (t) => {
  const server = await freshServer(t);
  const page = await open(browser, server);
  assert.deepEqual(await page.locator('#legend-list li').allTextContents(), [
    '♥ Lieblingsort', '! Verbesserungswürdig',
    '12Zahl im grünen Ring: mehrere Beiträge, überwiegend Lieblingsorte',
    '12Zahl im braunen Ring: mehrere Beiträge, überwiegend verbesserungswürdig',
    '12Zahl im grauen Ring: mehrere Beiträge, gemischt',
    '♥Ihr neuer Beitrag'
  ]);
  const ring = (cls) => page.locator(`.legend-ring.${cls}`).evaluate((el) => getComputedStyle(el).borderTopColor);
  const drawn = new Set([await ring('ring-mostly-favourite'), await ring('ring-mostly-improvement'), await ring('ring-mixed')]);
  assert.equal(drawn.size, 3, 'three different rings');
  assert.match(await page.locator('#legend-hint').textContent(), /auswählen vergrößert die Karte dort/);
  await page.context().close();
});

test('phone: the whole city in view, the note clear of the attribution, details and list fit', async (t) => {
  // With a tile layer the attribution (OpenStreetMap's, by default) fills
  // two lines on a phone; the tiles themselves cannot load (port 9).
  const server = await freshServer(t, { tile_url: 'http://127.0.0.1:9/{z}/{x}/{y}.png' });
  const point = await addPoint(server, placeIn('Erlenbach'), 'improvement', 'Die Ampel an der Kreuzung ist zu kurz grün');
  await addPoint(server, placeIn('Einsiedlerhof'), 'favourite', 'Westlichster Lieblingsort');
  const page = await open(browser, server, '/', PHONE);
  const map = (await rects(page, '#map'))[0];
  const city = await page.locator('path.district').evaluateAll((els) => els.map((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  }));
  for (const d of city) {
    assert.ok(d.left >= map.left && d.right <= map.right && d.top >= map.top && d.bottom <= map.bottom,
      `every Ortsbezirk lies inside the map (${JSON.stringify(d)} in ${JSON.stringify(map)})`);
  }
  const note = (await rects(page, '#view-note'))[0];
  const attribution = (await rects(page, '.leaflet-control-attribution'))[0];
  assert.match(attribution.text, /OpenStreetMap/);
  assert.equal(note.text, '2 Beiträge in diesem Kartenausschnitt.');
  assert.equal(overlap(note, attribution), 0, 'the note and the attribution do not cover each other');
  assert.ok(note.right <= map.right && note.left >= map.left);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(scroll <= 0, 'no sideways scrolling');
  await screenshot(page, 'layout-phone');
  await clean(page, 'phone start');

  await page.locator('.leaflet-marker-icon[title*="Ampel"]').tap();
  const box = details(page);
  await box.waitFor();
  // The map pans until the details fit the screen.
  await page.waitForFunction(() => {
    const r = document.querySelector('.details-popup').getBoundingClientRect();
    return r.left >= 0 && r.right <= 375 && r.top >= document.getElementById('map').getBoundingClientRect().top;
  });
  await box.getByRole('button', { name: '+1 Unterstützen' }).tap();
  await box.locator('.popup-supporters').filter({ hasText: '1 Unterstützung' }).waitFor();
  assert.equal((await server.get(`/api/points/${point.id}`)).properties.supporters, 1);
  await screenshot(page, 'layout-phone-details');
  await clean(page, 'phone details');
  await box.locator('.details-close').tap();

  // The list holds what the map view shows (the details moved the map).
  await page.locator('#list').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.getElementById('list').dataset.loaded);
  const shown = Number((await page.locator('#view-note').textContent()).match(/^(\d+) Beitr/)[1]);
  assert.match(await page.locator('#list-count').textContent(), new RegExp(`^${shown} Beitr(ag|äge) im Kartenausschnitt\\.$`));
  assert.equal(await page.locator('#list-items li').count(), shown);
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)) <= 0);
  await clean(page, 'phone list');
  await page.context().close();
});

test('a cluster names its entries in words: one of each kind is singular, in both languages', async (t) => {
  const server = await freshServer(t);
  const [lon, lat] = placeIn('Siegelbach');
  // About 10 m apart: one cluster at the start view.
  await addPoint(server, [lon, lat], 'favourite', 'Der Dorfplatz');
  await addPoint(server, [lon + 0.0001, lat + 0.00005], 'improvement', 'Die Bushaltestelle');
  const page = await open(browser, server);
  const cluster = page.locator('.leaflet-marker-icon.cluster');
  assert.equal(await cluster.count(), 1);
  assert.equal(await cluster.getAttribute('title'),
    '2 Beiträge (1 Lieblingsort, 1 verbesserungswürdig) – auswählen zum Vergrößern');
  await clean(page, 'a cluster of two');
  await page.context().close();

  const en = await open(browser, server, '/?lang=en');
  assert.equal(await en.locator('.leaflet-marker-icon.cluster').getAttribute('title'),
    '2 entries (1 favourite place, 1 needing improvement) – select to zoom in');
  await en.context().close();
});

test('English: German text is marked as German, counts and numbers read right', async (t) => {
  const server = await freshServer(t, { usage_note_en: '', privacy_note_en: '' });
  await addPoint(server, placeIn('Hohenecken'), 'favourite', 'Burgruine');
  const page = await open(browser, server, '/?lang=en');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.locator('#about-title').textContent(), 'What is this about?');
  assert.equal(await page.locator('#about-intro').getAttribute('lang'), null, 'the intro has an English version');
  assert.equal(await page.locator('#about-usage').getAttribute('lang'), 'de', 'no English usage note: German, marked');
  assert.equal(await page.locator('#privacy-note').getAttribute('lang'), 'de');
  for (const lang of await page.locator('#source-list li').evaluateAll((els) => els.map((el) => el.lang))) {
    assert.equal(lang, 'de', 'the data sources are German');
  }
  assert.equal(await page.locator('#view-note').textContent(), '1 entry in this part of the map.');
  await openMarker(page, 'Burgruine');
  assert.equal(await details(page).locator('.popup-supporters').textContent(), 'No support yet');
  assert.equal(await details(page).locator('.details-close').getAttribute('aria-label'), 'Close');
  await clean(page, 'English page with details');

  // Back to German in place: the texts follow.
  await page.locator('#lang').click();
  assert.equal(await page.locator('#about-usage').getAttribute('lang'), null);
  // The note is written again when the view's points have been asked for anew.
  await page.locator('#view-note').filter({ hasText: /^1 Beitrag in diesem Kartenausschnitt\.$/ }).waitFor();
  assert.equal(await details(page).locator('.popup-supporters').textContent(), 'Noch keine Unterstützung');
  await page.context().close();
});

test('"Worum geht es?", what happens with the entries and the participation period', async (t) => {
  const server = await freshServer(t, {
    open_from: '2020-01-01T00:00:00+01:00', open_until: '2099-01-31T23:59:00+01:00',
    intro: 'Kaiserslautern plant seine Zukunft.', usage_note: 'Die Planung liest jeden Beitrag.'
  });
  const page = await open(browser, server);
  assert.equal(await page.locator('#about-title').textContent(), 'Worum geht es?');
  assert.equal(await page.locator('#about-intro').textContent(), 'Kaiserslautern plant seine Zukunft.');
  assert.equal(await page.locator('#usage-title').textContent(), 'Was passiert mit den Beiträgen?');
  assert.equal(await page.locator('#about-usage').textContent(), 'Die Planung liest jeden Beitrag.');
  assert.match(await page.locator('#period').textContent(),
    /^Die Beteiligung ist geöffnet bis 3[01]\. Januar 2099 um \d\d:\d\d \(seit (31\. Dezember 2019|1\. Januar 2020) um \d\d:\d\d\)\.$/);
  await clean(page, 'intro and period');
  await page.context().close();
});
