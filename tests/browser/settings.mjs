// The citizen page under other settings and answers: pre-moderation
// (pending points), a closed participation period, too many writes (429),
// and server-side clusters in the shape DESIGN.md gives /api/clusters.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Server, assertClean, axe, labelCentre, launch, mapLoaded, openPage } from './lib.mjs';

const browser = await launch();
const servers = [];

after(async () => {
  await browser.close();
  for (const s of servers) await s.stop();
});

async function serve(config) {
  const s = await new Server(config).start();
  servers.push(s);
  return s;
}

async function open(server) {
  const page = await openPage(browser, `${server.url}/`, { viewport: { width: 1280, height: 900 } });
  await mapLoaded(page);
  return page;
}

async function enter(page, comment, atCentre = false) {
  if (atCentre) {
    await page.locator('#place-centre').click();
  } else {
    const spot = await labelCentre(page, 'Innenstadt');
    await page.mouse.click(spot.x, spot.y + 30);
  }
  await page.locator('#entry').waitFor();
  await page.locator('label[for="cat-favourite"]').click();
  await page.locator('#comment').fill(comment);
  await page.locator('#submit').click();
}

test('pre-moderation: the citizen learns the district and that the point appears after review', async () => {
  const server = await serve({ moderation: 'pre' });
  const page = await open(server);
  await enter(page, 'Bitte mehr Bänke am Stiftsplatz');
  await page.locator('#status').filter({ hasText: 'Danke' }).waitFor();
  assert.match(await page.locator('#status').textContent(),
    /^Danke! Ihr Beitrag liegt im Ortsbezirk Innenstadt\. Er erscheint auf der Karte, sobald/);
  assert.equal(await server.count(), 0, 'pending points are not public');
  assert.equal(await page.locator('.pin-mine').count(), 0, 'and not drawn');
  assert.ok(await page.locator('#show-mine').isHidden());
  await assertClean(page, assert);
  await page.context().close();
});

test('a closed participation period is shown and offers no form', async () => {
  const server = await serve({ open_until: '2020-01-31T23:59:59Z' });
  const page = await open(server);
  assert.match(await page.locator('#period').textContent(), /Beteiligung ist beendet/);
  assert.ok(await page.locator('#place-centre').isDisabled());
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('#status').filter({ hasText: 'geschlossen' }).waitFor();
  assert.ok(await page.locator('#entry').isHidden());
  assert.deepEqual(await axe(page), []);
  await page.context().close();
});

test('too many entries: the page says when to try again', async () => {
  const server = await serve({ write_burst: '1', write_per_minute: '1' });
  const page = await open(server);
  await enter(page, 'Erster Beitrag');
  await page.locator('#status').filter({ hasText: 'Danke' }).waitFor();
  await enter(page, 'Zweiter Beitrag', true);
  const error = page.locator('#form-error');
  await error.filter({ hasText: 'Sekunden' }).waitFor();
  assert.match(await error.textContent(), /in \d+ Sekunden erneut/);
  assert.equal(await server.count(), 1);
  await page.context().close();
});

test('server clusters (the /api/clusters contract) are drawn and zoom in when chosen', async () => {
  const server = await serve({});
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  let asked = null;
  await page.route('**/api/clusters?*', (route) => {
    asked = new URL(route.request().url());
    route.fulfill({
      status: 200,
      contentType: 'application/geo+json',
      body: JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', id: 7, geometry: { type: 'Point', coordinates: [7.77, 49.44] },
            properties: { cluster: true, cluster_id: 7, point_count: 1234, point_count_abbreviated: '1.2k',
              favourite: 1000, improvement: 234, expansion_zoom: 14 } },
          { type: 'Feature', id: 99, geometry: { type: 'Point', coordinates: [7.70, 49.47] },
            properties: { category: 'improvement', comment: 'Einzelner Punkt', topic: null, status: 'published',
              created: '2026-11-01T10:00:00.000Z', updated: '2026-11-01T10:00:00.000Z', supporters: 3,
              ortsbezirk_id: 'ob-8', ortsbezirk_name: 'Erzhütten / Wiesenthalerhof',
              stadtteil_id: 'st-10', stadtteil_name: 'Erzhütten/Wiesenthalerhof', channel: 'online' } }
        ],
        numberReturned: 2
      })
    });
  });
  await page.goto(`${server.url}/`);
  await mapLoaded(page);
  assert.ok(asked.searchParams.get('bbox').split(',').length === 4);
  assert.match(asked.searchParams.get('zoom'), /^\d+$/);
  const cluster = page.locator('.cluster');
  assert.equal(await cluster.count(), 1);
  assert.equal(await cluster.textContent(), '1.2k');
  assert.match(await cluster.getAttribute('title'), /1\.234 Beiträge \(1\.000 Lieblingsorte, 234 verbesserungswürdig\)/);
  assert.match(await cluster.getAttribute('class'), /cluster-mostly-favourite/);
  assert.equal(await page.locator('.pin-improvement').count(), 1);
  assert.match(await page.locator('#view-note').textContent(), /^1235 Beiträge/);
  await cluster.focus();
  // choosing the cluster zooms to its expansion_zoom: wait for that request
  const zoomed = page.waitForRequest((req) => req.url().includes('/api/clusters?') &&
    new URL(req.url()).searchParams.get('zoom') === '14', { timeout: 10000 });
  await page.keyboard.press('Enter');
  await zoomed;
  await page.close();
});

test('a quick citizen is not taken for a robot: the page waits out form_min_seconds', async () => {
  const server = await serve({ form_min_seconds: '2' });
  const page = await open(server);
  const t0 = Date.now();
  await enter(page, 'Schnell getippt');
  await page.locator('#status').filter({ hasText: 'Danke! Ihr Beitrag liegt im Ortsbezirk' }).waitFor();
  assert.ok(Date.now() - t0 >= 1900, 'sent no earlier than the minimum');
  assert.equal(await server.count(), 1, 'stored, not silently dropped');
  await page.context().close();
});

test('"use my location" asks first, sends nothing, and proposes the place', async () => {
  const server = await serve({});
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 }, geolocation: { latitude: 49.4447, longitude: 7.7689 },
    permissions: ['geolocation'], locale: 'de-DE'
  });
  const page = await context.newPage();
  const posts = [];
  page.on('request', (r) => { if (r.method() !== 'GET') posts.push(r.url()); });
  await page.goto(`${server.url}/`);
  await mapLoaded(page);
  await page.locator('#locate').click();
  assert.equal(await page.locator('#locate').getAttribute('aria-expanded'), 'true');
  assert.match(await page.locator('#locate-ask').textContent(), /gesendet wird erst/);
  assert.ok(await page.locator('#entry').isHidden(), 'nothing happens before consent');
  await page.locator('#locate-yes').click();
  await page.locator('#entry').waitFor();
  assert.equal(await page.locator('#pos').textContent(), 'Gewählter Ort: 49.44470° N, 7.76890° O');
  assert.deepEqual(posts, [], 'no data sent');
  assert.equal(await server.count(), 0);
  await context.close();
});
