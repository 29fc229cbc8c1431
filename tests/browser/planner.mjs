// The planner view: the table equals /api/stats (and what the test itself
// posted), sorting, filters by category, topic and date, the choropleth
// classes, the CSV link, the list view, the breakdowns by channel, topic and
// outcome against the test's own tally, English, and axe-core.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { Server, assertClean, axe, fixture, launch, openPage, screenshot } from './lib.mjs';

let server;
let browser;
const posted = [];

// [fixture point index, category, topic]: places with known districts.
const SEEDS = [
  [0, 'improvement', 'mobility'], [0, 'improvement', 'housing'], [10, 'favourite', 'mobility'],
  [11, 'improvement', null], [1, 'favourite', 'green_space'], [2, 'improvement', 'mobility'],
  [6, 'favourite', null], [6, 'favourite', 'mobility'], [9, 'improvement', 'climate']
];

before(async () => {
  browser = await launch();
});

// Every test starts from its own database holding exactly the SEEDS.
beforeEach(async () => {
  server = await new Server().start();
  posted.length = 0;
  const points = fixture('kaiserslautern-testpunkte.geojson').features;
  for (const [i, category, topic] of SEEDS) {
    const [lon, lat] = points[i].geometry.coordinates;
    const r = await server.post(lon, lat, category, `Beitrag ${posted.length} (${category})`, topic);
    assert.equal(r.status, 201);
    posted.push({ ...points[i].properties, id: r.body.id, category, topic, channel: 'online',
      outcome: 'open', comment: r.body.properties.comment });
  }
});

afterEach(async () => {
  await server?.stop();
  server = null;
});

after(async () => {
  await browser?.close();
});

async function open(path = '/planner.html', viewport = { width: 1280, height: 900 }) {
  const page = await openPage(browser, server.url + path, { viewport });
  await page.waitForFunction(() => document.body.dataset.ready);
  return page;
}

// Waits for the refresh a control change starts.
async function changed(page, action) {
  const before = await page.evaluate(() => Number(document.body.dataset.ready));
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.ready) > n, before);
}

async function tableRows(page) {
  return page.locator('#table-body tr').evaluateAll((trs) => trs.map((tr) => {
    const v = [...tr.querySelectorAll('td')].map((td) => td.dataset.value);
    return { id: tr.dataset.id, name: tr.querySelector('th').textContent,
      favourite: Number(v[0]), improvement: Number(v[1]), total: Number(v[2]) };
  }));
}

function byId(rows) {
  return Object.fromEntries(rows.map((r) => [r.id, r]));
}

test('the Ortsbezirk table equals /api/stats and what was posted', async () => {
  const page = await open();
  const stats = await server.get('/api/stats?layer=ortsbezirk');
  const rows = byId(await tableRows(page));
  assert.equal(Object.keys(rows).length, stats.districts.length);
  for (const d of stats.districts) {
    assert.deepEqual(rows[d.id], { id: d.id, name: d.name, favourite: d.favourite,
      improvement: d.improvement, total: d.total });
  }
  // independently: the fixture's expected Ortsbezirk of every posted point
  const expected = {};
  for (const p of posted) {
    expected[p.expected_ortsbezirk] ??= { favourite: 0, improvement: 0 };
    expected[p.expected_ortsbezirk][p.category]++;
  }
  for (const r of Object.values(rows)) {
    const e = expected[r.name] || { favourite: 0, improvement: 0 };
    assert.equal(r.favourite, e.favourite, r.name);
    assert.equal(r.improvement, e.improvement, r.name);
  }
  const foot = await page.locator('#table-foot td').evaluateAll((tds) => tds.map((td) => td.dataset.value));
  assert.deepEqual(foot.slice(0, 3).map(Number), [stats.total.favourite, stats.total.improvement, stats.total.total]);
  assert.equal(await page.locator('#csv').getAttribute('href'), '/api/stats?layer=ortsbezirk&format=csv');
  const csv = await page.evaluate(async () => {
    const r = await fetch(document.getElementById('csv').href);
    return { status: r.status, type: r.headers.get('Content-Type'), text: await r.text() };
  });
  assert.equal(csv.status, 200);
  assert.match(csv.type, /text\/csv/);
  assert.match(csv.text, /^district_id,district_name,favourite,improvement,total/);
  // the list view holds every published point
  assert.equal(await page.locator('#point-list li').count(), posted.length);
  assert.match(await page.locator('#list-count').textContent(), new RegExp(`^${posted.length} Beiträge`));
  await screenshot(page, 'planner-start');
  assert.deepEqual(await axe(page), []);
  await assertClean(page, assert);
  await page.context().close();
});

test('Stadtteile: the table switches with the layer and equals /api/stats', async () => {
  const page = await open();
  await changed(page, () => page.locator('input[name="layer"][value="stadtteil"]').check());
  const stats = await server.get('/api/stats?layer=stadtteil');
  const rows = byId(await tableRows(page));
  assert.equal(Object.keys(rows).length, 18);
  for (const d of stats.districts) {
    assert.deepEqual(rows[d.id], { id: d.id, name: d.name, favourite: d.favourite,
      improvement: d.improvement, total: d.total });
  }
  assert.equal(await page.locator('path.choro').count(), 18);
  assert.equal(await page.locator('#csv').getAttribute('href'), '/api/stats?layer=stadtteil&format=csv');
  await page.context().close();
});

test('columns sort both ways with aria-sort', async () => {
  const page = await open();
  const total = page.locator('button.sort[data-key="total"]');
  await total.click();
  await page.locator('button.sort[data-key="total"]').click();
  const th = page.locator('th', { has: page.locator('button.sort[data-key="total"]') });
  assert.equal(await th.getAttribute('aria-sort'), 'descending');
  const rows = await tableRows(page);
  const totals = rows.map((r) => r.total);
  assert.deepEqual(totals, [...totals].sort((a, b) => b - a));
  assert.equal(rows[0].name, 'Innenstadt');
  // keyboard: the focus stays on the header button after sorting
  assert.equal(await page.evaluate(() => document.activeElement.dataset.key), 'total');
  await page.keyboard.press('Enter');
  assert.equal(await th.getAttribute('aria-sort'), 'ascending');
  await page.context().close();
});

test('filters by category, topic and date change map, table and list alike', async () => {
  const page = await open();
  await changed(page, () => page.locator('#f-category').selectOption('improvement'));
  await changed(page, () => page.locator('#f-topic').selectOption('mobility'));
  const want = posted.filter((p) => p.category === 'improvement' && p.topic === 'mobility');
  const rows = await tableRows(page);
  for (const r of rows) {
    const n = want.filter((p) => p.expected_ortsbezirk === r.name).length;
    assert.equal(r.improvement, n, r.name);
    assert.equal(r.favourite, 0, r.name);
  }
  const items = await page.locator('#point-list li').allTextContents();
  assert.equal(items.length, want.length);
  for (const p of want) assert.ok(items.some((text) => text.includes(p.comment)), p.comment);
  assert.match(await page.locator('#filter-note').textContent(), /Gefiltert/);
  // the download is the table as filtered, not everything
  assert.equal(await page.locator('#csv').getAttribute('href'),
    '/api/stats?layer=ortsbezirk&category=improvement&topic=mobility&format=csv');
  const csvTotal = await page.evaluate(async () => {
    const text = await (await fetch(document.getElementById('csv').href)).text();
    return text.split('\r\n').slice(1).filter(Boolean)
      .reduce((s, line) => s + Number(line.split(',')[8]), 0);
  });
  assert.equal(csvTotal, want.length);
  await screenshot(page, 'planner-filtered');

  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  await changed(page, () => page.locator('#f-from').fill(today));
  assert.equal((await tableRows(page)).reduce((s, r) => s + r.total, 0), want.length, 'today holds all');
  await changed(page, () => page.locator('#f-from').fill(''));
  await changed(page, () => page.locator('#f-to').fill(yesterday));
  assert.equal((await tableRows(page)).reduce((s, r) => s + r.total, 0), 0, 'nothing before today');
  assert.equal(await page.locator('#point-list li').count(), 0);
  assert.match(await page.locator('#list-count').textContent(), /Keine Beiträge/);
  await changed(page, () => page.locator('#f-to').fill(today));
  assert.equal((await tableRows(page)).reduce((s, r) => s + r.total, 0), want.length, 'up to today holds all');
  assert.deepEqual(await axe(page), []);
  await assertClean(page, assert);
  await page.context().close();
});

test('the choropleth colours by count and by share of "needs improvement"', async () => {
  const page = await open();
  const cls = (id) => page.locator(`path.choro[data-id="${id}"]`).getAttribute('class');
  assert.match(await cls('ob-0'), /choro-4/, 'Innenstadt has the most entries');
  assert.match(await cls('ob-4'), /choro-0/, 'Erfenbach has none');
  await changed(page, () => page.locator('input[name="measure"][value="share"]').check());
  assert.match(await cls('ob-2'), /choro-4/, 'Dansenberg: all need improvement');
  assert.match(await cls('ob-6'), /choro-0/, 'Morlautern: none needs improvement');
  assert.match(await page.locator('#choro-legend').textContent(), /Anteil verbesserungswürdig/);
  await page.context().close();
});

test('in English, the planner view names its columns in English', async () => {
  const page = await open('/planner.html?lang=en');
  assert.equal(await page.locator('h1').textContent(), 'Analysis by district');
  assert.equal(await page.locator('button.sort[data-key="total"]').textContent(), 'Total');
  assert.deepEqual(await axe(page), []);
  await page.context().close();
});

// Staff points of a walk and a workshop, outcomes set by a planner: every
// breakdown of the table equals the test's own tally of what it sent, the
// topic breakdown from one /api/stats request.
test('the breakdowns by kind, channel, topic and outcome count what was posted', async () => {
  const secret = server.token('Stadtplanung Becker', 'planner');
  const staff = async (path, method, body) => {
    const res = await fetch(server.url + path, { method, body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` } });
    assert.ok(res.ok, `${method} ${path}: ${res.status}`);
    return res.json();
  };
  const events = {};
  for (const channel of ['walk', 'workshop']) {
    events[channel] = (await staff('/api/admin/events', 'POST',
      { name: `Test ${channel}`, channel, date: '2026-09-20' })).id;
  }
  const points = fixture('kaiserslautern-testpunkte.geojson').features;
  // [fixture point index, category, topic, channel]
  for (const [i, category, topic, channel] of [
    [3, 'improvement', 'mobility', 'walk'], [3, 'favourite', null, 'walk'], [1, 'improvement', 'housing', 'walk'],
    [0, 'favourite', 'green_space', 'workshop'], [6, 'improvement', 'mobility', 'workshop']
  ]) {
    const properties = { category, comment: `Vor Ort ${posted.length}`, event: events[channel] };
    if (topic) properties.topic = topic;
    const f = await staff('/api/points', 'POST', { type: 'Feature',
      geometry: { type: 'Point', coordinates: points[i].geometry.coordinates }, properties });
    assert.equal(f.properties.channel, channel);
    posted.push({ ...points[i].properties, id: f.id, category, topic, channel, outcome: 'open' });
  }
  for (const [k, outcome] of [[0, 'adopted'], [2, 'in_review'], [6, 'not_adopted'], [9, 'adopted'], [10, 'in_review']]) {
    await staff(`/api/points/${posted[k].id}`, 'PATCH', { outcome });
    posted[k].outcome = outcome;
  }
  const config = await server.get('/api/config');
  const topics = config.topics.map((tp) => tp.id);
  assert.ok(topics.length >= 4, 'the configured topics');
  // what each breakdown's columns count, and which point each one counts
  const breakdowns = {
    kind: { favourite: (p) => p.category === 'favourite', improvement: (p) => p.category === 'improvement' },
    channel: Object.fromEntries(['online', 'walk', 'workshop'].map((k) => [`channel:${k}`, (p) => p.channel === k])),
    topic: Object.fromEntries(topics.map((k) => [`topic:${k}`, (p) => p.topic === k])),
    outcome: Object.fromEntries(['open', 'in_review', 'adopted', 'not_adopted']
      .map((k) => [`outcome:${k}`, (p) => p.outcome === k]))
  };
  const page = await open();
  const statsAsked = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/api/stats') statsAsked.push(req.url());
  });
  const names = (await tableRows(page)).map((r) => r.name);
  for (const p of posted) assert.ok(names.includes(p.expected_ortsbezirk), p.expected_ortsbezirk);
  for (const [breakdown, counts] of Object.entries(breakdowns)) {
    if (breakdown !== 'kind') {
      statsAsked.length = 0;
      await changed(page, () => page.locator(`input[name="breakdown"][value="${breakdown}"]`).check());
    }
    const keys = await page.locator('#table-head button.sort').evaluateAll((bs) => bs.map((b) => b.dataset.key));
    assert.deepEqual(keys, ['name', ...Object.keys(counts), 'total', ...(breakdown === 'kind' ? ['share'] : [])]);
    const cells = (tr) => tr.locator('td').evaluateAll((tds) => tds.map((td) => td.dataset.value));
    for (const name of names) {
      const mine = posted.filter((p) => p.expected_ortsbezirk === name);
      const want = [...Object.values(counts).map((f) => mine.filter(f).length), mine.length];
      const got = (await cells(page.locator('#table-body tr', { has: page.locator('th', { hasText: name }) })))
        .slice(0, want.length).map(Number);
      assert.deepEqual(got, want, `${breakdown}: ${name}`);
    }
    const foot = (await cells(page.locator('#table-foot tr'))).slice(0, keys.length - 1).filter(Boolean).map(Number);
    assert.deepEqual(foot, [...Object.values(counts).map((f) => posted.filter(f).length), posted.length],
      `${breakdown}: all districts`);
    if (breakdown === 'topic') {
      // every topic's column from one answer
      assert.equal(statsAsked.length, 1, statsAsked.join('\n'));
      assert.match(await page.locator('#table-head').textContent(), /Grün- und Freiraum/);
      assert.deepEqual(await axe(page), []);
    }
  }

  // a new column sorts both ways, by keyboard too
  await changed(page, () => page.locator('input[name="breakdown"][value="channel"]').check());
  await page.locator('button.sort[data-key="channel:walk"]').click();
  await page.locator('button.sort[data-key="channel:walk"]').click();
  const th = page.locator('th', { has: page.locator('button.sort[data-key="channel:walk"]') });
  assert.equal(await th.getAttribute('aria-sort'), 'descending');
  const walks = async () => (await page.locator('#table-body tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector('th').textContent, Number(tr.querySelectorAll('td')[1].dataset.value)])));
  let rows = await walks();
  assert.deepEqual(rows.map((r) => r[1]), rows.map((r) => r[1]).sort((a, b) => b - a));
  const walkIn = (name) => posted.filter((p) => p.channel === 'walk' && p.expected_ortsbezirk === name).length;
  assert.equal(rows[0][0], points[3].properties.expected_ortsbezirk);
  assert.equal(rows[0][1], walkIn(rows[0][0]));
  assert.equal(rows[0][1], 2);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.key), 'channel:walk');
  await page.keyboard.press('Enter');
  assert.equal(await th.getAttribute('aria-sort'), 'ascending');
  rows = await walks();
  assert.deepEqual(rows.map((r) => r[1]), rows.map((r) => r[1]).sort((a, b) => a - b));
  assert.deepEqual(await axe(page), []);

  // the picker by keyboard alone: arrow keys move between the breakdowns
  await page.locator('input[name="breakdown"][value="channel"]').focus();
  await changed(page, () => page.keyboard.press('ArrowRight'));
  assert.equal(await page.locator('input[name="breakdown"]:checked').getAttribute('value'), 'topic');
  await screenshot(page, 'planner-breakdown');
  await assertClean(page, assert);
  await page.context().close();

  const en = await open('/planner.html?lang=en');
  await changed(en, () => en.locator('input[name="breakdown"][value="channel"]').check());
  assert.equal(await en.locator('button.sort[data-key="channel:walk"]').textContent(), 'District walk');
  assert.equal(await en.locator('label:has(input[name="breakdown"][value="outcome"]) span').textContent(), 'Status');
  await en.context().close();
});
