// The pages' words (web/js/i18n.js): every key in German and English
// with the same placeholders and count forms, every key the pages use
// defined, and quotation marks in pairs of each language.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SOURCE, Server, launch, openPage } from './lib.mjs';

let server;
let browser;
let texts;

before(async () => {
  server = await new Server().start();
  browser = await launch();
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  texts = await page.evaluate(async () => (await import('/js/i18n.js')).TEXTS);
  await page.close();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
// A text's forms: {'': text} or its count forms {zero?, one, other}.
const forms = (v) => (typeof v === 'string' ? { '': v } : v);

test('German and English have the same keys, forms and placeholders', () => {
  assert.deepEqual(Object.keys(texts.en).sort(), Object.keys(texts.de).sort());
  for (const key of Object.keys(texts.de)) {
    const de = forms(texts.de[key]);
    const en = forms(texts.en[key]);
    assert.deepEqual(Object.keys(en).sort(), Object.keys(de).sort(), `${key}: the same forms`);
    if (typeof texts.de[key] === 'object') assert.ok(de.one && de.other, `${key}: one and other`);
    for (const form of Object.keys(de)) {
      assert.ok(de[form].trim() && en[form].trim(), `${key} ${form}: not empty`);
      assert.deepEqual(placeholders(en[form]), placeholders(de[form]), `${key} ${form}: placeholders`);
    }
  }
});

test('every text the pages use is defined', () => {
  const web = path.join(SOURCE, 'web');
  // i18n.js defines the texts (its comments show the syntax); the rest use them.
  const files = ['index.html', 'planner.html',
    ...fs.readdirSync(path.join(web, 'js'))
      // (not the content-hashed copies tools/web-hash.py writes beside them)
      .filter((f) => f !== 'i18n.js' && f.endsWith('.js') && !/\.[0-9a-f]{10}\.js$/.test(f))
      .map((f) => `js/${f}`)];
  const used = new Set();
  for (const file of files) {
    const src = fs.readFileSync(path.join(web, file), 'utf8');
    for (const m of src.matchAll(/\bt[n]?\('(\w+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/data-i18n="(\w+)"/g)) used.add(m[1]);
    for (const m of src.matchAll(/data-i18n-attr="([^"]+)"/g)) {
      for (const pair of m[1].split(',')) used.add(pair.split(':')[1]);
    }
  }
  assert.ok(used.size > 100, `${used.size} keys found in use`);
  const missing = [...used].filter((k) => !(k in texts.de));
  assert.deepEqual(missing, []);
  // The flag reasons are looked up by the reasons /api/config lists.
  for (const reason of ['spam', 'offensive', 'personal_data', 'off_topic', 'duplicate', 'other']) {
    assert.ok(`reason_${reason}` in texts.de, reason);
  }
});

test('quotation marks come in pairs of each language, no typewriter quotes', async () => {
  // The data sources the page lists, from /api/config, are German text too.
  const sources = Object.fromEntries((await server.get('/api/config')).data_attribution.map((a, i) => [`source ${i}`, a]));
  for (const [lang, open, close] of [['de', '„', '“'], ['en', '“', '”']]) {
    for (const [key, value] of Object.entries({ ...texts[lang], ...(lang === 'de' ? sources : {}) })) {
      for (const text of Object.values(forms(value))) {
        assert.ok(!/["']/.test(text.replace(/<a href="[^"]*">/g, '')), `${lang} ${key}: no " or ' in ${text}`);
        assert.ok(!/[‚‘]/.test(text) || lang === 'en', `${lang} ${key}: German quotes are „…“: ${text}`);
        const opens = text.split(open).length - 1;
        const closes = text.split(close).length - 1;
        assert.equal(opens, closes, `${lang} ${key}: ${open}…${close} in pairs: ${text}`);
      }
    }
  }
});

test('the planner view: "Beiträge je Ortsbezirk", counts in words, in both languages', async () => {
  const page = await openPage(browser, `${server.url}/planner.html`);
  await page.waitForFunction(() => document.body.dataset.ready);
  assert.equal(await page.locator('#table-caption').textContent(), 'Beiträge je Ortsbezirk');
  assert.equal(await page.locator('#list-count').textContent(), 'Keine Beiträge passen zu den Filtern.');
  await page.locator('input[name="layer"][value="stadtteil"]').check();
  await page.locator('#table-caption').filter({ hasText: 'Beiträge je Stadtteil' }).waitFor();
  await page.locator('#lang').click();
  await page.locator('#table-caption').filter({ hasText: 'Entries per Stadtteil' }).waitFor();
  await page.context().close();
});
