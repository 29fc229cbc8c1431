// Sharing and the legal side: a point's own page /p/{id} (Open Graph tags
// for link previews, everything escaped, a link to the map), the imprint
// and privacy pages filled from the configuration and linked from every
// page, and embedding the map in a page of another origin, which works
// only when frame_ancestors allows that origin.  Each test starts from its
// own database.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { launch, openPage, screenshot } from './lib.mjs';
import { addPoint, clean, details, freshServer, placeIn } from './citizen-lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const meta = (page, property) => page.locator(`meta[property="${property}"]`).getAttribute('content');

test('/p/{id}: the comment and place for link previews, escaped, with a link to the map', async (t) => {
  const server = await freshServer(t);
  const comment = 'Zu <b>laut</b> & "eng" – Tom\'s Ecke <script>alert(1)</script>';
  const point = await addPoint(server, placeIn('Erlenbach'), 'improvement', comment);
  const res = await fetch(`${server.url}/p/${point.id}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  const html = await res.text();
  assert.ok(!html.includes('<b>laut') && !html.includes('<script>alert'), 'no markup from the comment');
  assert.ok(html.includes('Zu &lt;b&gt;laut&lt;/b&gt; &amp; &quot;eng&quot; – Tom&#39;s Ecke'));

  const page = await openPage(browser, `${server.url}/p/${point.id}`);
  assert.equal(await meta(page, 'og:title'), 'Verbesserungswürdig im Ortsbezirk Erlenbach');
  assert.equal(await meta(page, 'og:description'), comment);
  assert.equal(await meta(page, 'og:url'), `${server.url}/p/${point.id}`);
  assert.equal(await meta(page, 'og:type'), 'article');
  assert.equal(await meta(page, 'og:site_name'), 'Mitmachkarte Kaiserslautern');
  assert.equal(await page.title(), 'Verbesserungswürdig im Ortsbezirk Erlenbach – Mitmachkarte Kaiserslautern');
  assert.equal(await page.locator('.point-comment').textContent(), comment);
  assert.match(await page.locator('.facts').textContent(), /Ortsbezirk Erlenbach, Stadtteil Erlenbach/);
  assert.match(await page.locator('.facts').textContent(), /Noch keine Unterstützung/);
  assert.equal(await page.evaluate(() => window.alerted), undefined);
  await screenshot(page, 'share-point-page');
  await clean(page, '/p/{id}');

  // English, and on to the map, which opens on the point.
  await page.getByRole('link', { name: 'English' }).click();
  assert.equal(await meta(page, 'og:title'), 'Needs improvement in the Ortsbezirk Erlenbach');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await clean(page, '/p/{id}?lang=en');
  await page.getByRole('link', { name: 'See it on the map and support it' }).click();
  await details(page).waitFor();
  assert.equal(await details(page).locator('.popup-comment').textContent(), comment);
  assert.equal(await page.locator('h1').textContent(), 'Participation map');
  await page.context().close();

  // Pending, hidden and unknown points have no page.
  for (const path of ['/p/999', '/p/abc', '/p/0']) {
    assert.equal((await fetch(server.url + path)).status, 404, path);
  }
});

test('imprint and privacy pages come from the configuration and are linked from every page', async (t) => {
  const server = await freshServer(t, {
    operator_name: 'Stadtverwaltung Kaiserslautern, Referat Stadtentwicklung',
    operator_address: 'Willy-Brandt-Platz 1, 67657 Kaiserslautern',
    operator_contact: 'stadtentwicklung@example.org',
    dpo_contact: 'datenschutz@example.org',
    retention_days: '90',
    tile_url: 'https://tiles.example.org/{z}/{x}/{y}.png'
  });
  const point = await addPoint(server, placeIn('Innenstadt'), 'favourite', 'Der Rathausplatz');
  for (const path of ['/', '/planner.html', `/p/${point.id}`, '/impressum', '/datenschutz', '/umfrage', '/umfrage-ergebnisse']) {
    const page = await openPage(browser, server.url + path);
    await page.waitForLoadState('networkidle');
    const imprint = page.locator('footer a', { hasText: 'Impressum' });
    const privacy = page.locator('footer a', { hasText: 'Datenschutz' });
    assert.equal(await imprint.getAttribute('href'), '/impressum', path);
    assert.equal(await privacy.getAttribute('href'), '/datenschutz', path);
    await page.context().close();
  }

  const page = await openPage(browser, `${server.url}/`);
  await page.locator('footer a', { hasText: 'Impressum' }).click();
  await page.locator('h1', { hasText: 'Impressum' }).waitFor();
  const imprint = await page.locator('main').textContent();
  assert.match(imprint, /Stadtverwaltung Kaiserslautern, Referat Stadtentwicklung/);
  assert.match(imprint, /Willy-Brandt-Platz 1, 67657 Kaiserslautern/);
  assert.match(imprint, /stadtentwicklung@example\.org/);
  await screenshot(page, 'share-imprint');
  await clean(page, '/impressum');

  await page.goto(`${server.url}/datenschutz`);
  const privacy = await page.locator('main').textContent();
  for (const part of ['1. Verantwortlich', '2. Datenschutzbeauftragte', '3. Was wir verarbeiten und wozu',
    '4. Rechtsgrundlage', '5. Wer die Daten erhält', '6. Wie lange wir speichern', '7. Ihre Rechte']) {
    assert.ok(privacy.includes(part), part);
  }
  assert.match(privacy, /datenschutz@example\.org/);
  assert.match(privacy, /löschen wir 90 Tage nach ihrer letzten Änderung/);
  assert.match(privacy, /Art\. 6 Abs\. 1 Buchst\. e DSGVO/);
  assert.match(privacy, /direkt von tiles\.example\.org/);
  assert.match(privacy, /Auskunft \(Art\. 15 DSGVO\)/);
  await screenshot(page, 'share-privacy');
  await clean(page, '/datenschutz');

  await page.goto(`${server.url}/datenschutz?lang=en`);
  assert.equal(await page.locator('h1').textContent(), 'Privacy');
  assert.match(await page.locator('main').textContent(), /deleted automatically 90 days after their last change/);
  assert.equal(await page.locator('main [lang="de"]').first().textContent(),
    'Art. 6 Abs. 1 Buchst. e DSGVO in Verbindung mit § 3 Landesdatenschutzgesetz Rheinland-Pfalz: ' +
    'Die Beteiligung der Öffentlichkeit an der Stadtentwicklung ist eine Aufgabe im öffentlichen Interesse.');
  await clean(page, '/datenschutz?lang=en');
  await page.context().close();
});

test('imprint_url and privacy_url: the pages link to the operator\'s own pages', async (t) => {
  const server = await freshServer(t, {
    imprint_url: 'https://www.example.org/impressum', privacy_url: '/datenschutz-karte.html'
  });
  const page = await openPage(browser, `${server.url}/?lang=en`);
  await page.waitForFunction(() => document.querySelector('footer a[data-legal="imprint"]').href.startsWith('https:'));
  assert.equal(await page.locator('footer a[data-legal="imprint"]').getAttribute('href'), 'https://www.example.org/impressum');
  assert.equal(await page.locator('footer a[data-legal="privacy"]').getAttribute('href'), '/datenschutz-karte.html?lang=en');
  assert.equal(await page.locator('footer a[data-legal="imprint"]').textContent(), 'Imprint');
  const res = await fetch(`${server.url}/impressum`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), 'https://www.example.org/impressum');
  await page.context().close();
});

// A page of another origin (its own server on another port) that frames
// the map.
async function embedder(t) {
  let target = '';
  const host = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="de"><head><title>Stadt</title></head><body>
      <h1>Die Stadt</h1><iframe name="karte" title="Mitmachkarte" src="${target}" width="1000" height="800"></iframe>
      </body></html>`);
  });
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => host.close(resolve)));
  return { origin: `http://127.0.0.1:${host.address().port}`, frame: (url) => { target = url; } };
}

// The embedding page, with a watch for CSP reports in every frame.
async function embedding(origin) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const refused = [];
  page.on('console', (m) => { if (/Content.Security.Policy|frame-ancestors/i.test(m.text())) refused.push(m.text()); });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective));
  });
  await page.goto(`${origin}/`);
  return { page, refused };
}

test('embedding: another origin may frame the map only when frame_ancestors names it', async (t) => {
  const site = await embedder(t);
  // The default ('self'): a page of another origin cannot frame the map.
  const closed = await freshServer(t);
  site.frame(`${closed.url}/`);
  const head = await fetch(`${closed.url}/`);
  assert.match(head.headers.get('content-security-policy'), /frame-ancestors 'self'$/);
  assert.equal(head.headers.get('x-frame-options'), 'SAMEORIGIN');
  let { page, refused } = await embedding(site.origin);
  // chromium refuses the frame and says why; the frame shows its error page.
  await page.waitForFunction(() => document.querySelector('iframe') !== null);
  for (let i = 0; !refused.length; i++) {
    assert.ok(i < 100, 'chromium reports the refused frame');
    await page.waitForEvent('console', { timeout: 10000 }).catch(() => {});
  }
  assert.match(refused.join('\n'), /frame-ancestors 'self'/);
  assert.ok(!page.frame({ name: 'karte' }).url().startsWith(closed.url), 'the map did not load in the frame');
  await page.close();

  // frame_ancestors naming the city's site: the map works inside its page.
  const open = await freshServer(t, { frame_ancestors: `'self' ${site.origin}` });
  const point = await addPoint(open, placeIn('Morlautern'), 'favourite', 'Aussicht vom Kaiserberg');
  site.frame(`${open.url}/`);
  const head2 = await fetch(`${open.url}/`);
  assert.match(head2.headers.get('content-security-policy'), new RegExp(`frame-ancestors 'self' ${site.origin}$`));
  assert.equal(head2.headers.get('x-frame-options'), null, 'no X-Frame-Options to contradict it');
  ({ page, refused } = await embedding(site.origin));
  const map = page.frameLocator('iframe[name="karte"]');
  const inner = page.frame({ name: 'karte' });
  await inner.waitForFunction(() => document.getElementById('map')?.dataset.loaded);
  await map.locator('.leaflet-marker-icon[title*="Aussicht vom Kaiserberg"]').click();
  await map.locator('.details-popup button.support').click();
  await map.locator('.details-popup .popup-supporters').filter({ hasText: '1 Unterstützung' }).waitFor();
  assert.equal((await open.get(`/api/points/${point.id}`)).properties.supporters, 1);
  assert.deepEqual(refused, []);
  assert.deepEqual(await inner.evaluate(() => window.__csp || []), []);
  await screenshot(page, 'share-embedded');
  await page.close();
});
