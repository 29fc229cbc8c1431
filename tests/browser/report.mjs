// The reports of results in a browser: with report_public on, the map
// page's header links "Ergebnisse", the index leads to an Ortsbezirk's
// report, and the report page — its inline style sheet allowed by its own
// CSP, no script — passes axe-core with its map; with report_public off the
// link is not shown.  Each test starts from its own database.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, openPage, screenshot } from './lib.mjs';
import { addPoint, clean, freshServer, open, placeIn } from './citizen-lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('public reports: the page links them, the index and a report pass axe-core', async (t) => {
  const server = await freshServer(t, { report_public: 'on' });
  const comment = 'Der Stiftsplatz braucht mehr Schatten & Bänke.';
  await addPoint(server, placeIn('Innenstadt'), 'improvement', comment);
  await addPoint(server, placeIn('Erlenbach'), 'favourite', 'Der Dorfplatz ist schön.');

  const page = await open(browser, server);
  const link = page.getByRole('link', { name: 'Ergebnisse' });
  await link.click();
  await page.waitForURL(/\/report\/$/);
  assert.equal(await page.locator('h1').textContent(), 'Ergebnisse der Beteiligung');
  await clean(page, '/report/');

  await page.locator('a[href="/report/ob-0"]').click();
  await page.waitForURL(/\/report\/ob-0$/);
  assert.equal(await page.locator('h1').textContent(), 'Dokumentation der Beteiligung');
  assert.match(await page.locator('main').textContent(), /Der Stiftsplatz braucht mehr Schatten & Bänke\./);
  assert.equal(await page.locator('svg[role="img"]').count(), 1);
  // the inline style sheet applies: headings in the report's blue
  assert.equal(await page.locator('h1').evaluate((e) => getComputedStyle(e).color), 'rgb(11, 61, 92)');
  await screenshot(page, 'report-ob-0');
  await clean(page, '/report/ob-0');
  await page.context().close();

  const en = await openPage(browser, `${server.url}/report/ob-0?lang=en`);
  assert.equal(await en.evaluate(() => document.documentElement.lang), 'en');
  await clean(en, '/report/ob-0?lang=en');
  await en.context().close();
});

test('staff-only reports: no link on the map page', async (t) => {
  const server = await freshServer(t);
  const page = await open(browser, server);
  assert.equal(await page.getByRole('link', { name: 'Ergebnisse' }).count(), 0);
  assert.equal(await page.locator('#results-link').isHidden(), true);
  await page.context().close();
});
