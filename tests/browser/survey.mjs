// The questionnaire page (/umfrage) with the example INSEK questionnaire:
// filled in by keyboard alone, with errors tied to their fields, on a
// 375 px phone by tapping, in English, and while the period is closed.
// What the page sent is checked against the results the server counts
// (survey_min_cell 1 here, so single answers show); axe-core runs in every
// state, and any CSP violation or script error fails.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { SOURCE, Server, assertClean, axe, launch, openPage, screenshot } from './lib.mjs';

const SURVEY = path.join(SOURCE, 'data', 'umfrage.json');
const browser = await launch();
const servers = [];

after(async () => {
  await browser.close();
  for (const s of servers) await s.stop();
});

async function serve(config = {}) {
  const s = await new Server({ survey: SURVEY, survey_results_public: 'on', survey_min_cell: '1',
    ...config }).start();
  servers.push(s);
  return s;
}

// Presses Tab until `selector` has the focus: it is reachable by keyboard.
async function tabTo(page, selector) {
  for (let i = 0; i < 80; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${selector} is not reachable with Tab`);
}

async function step(page, n, m) {
  await page.locator('#step-title', { hasText: `Schritt ${n} von ${m}` }).waitFor();
}

// The server's count of one option (or, code null, of those who answered).
function count(results, question, code) {
  const q = results.questions.find((x) => x.id === question);
  const row = q.results.find((r) => r.group === 'city');
  return code === null ? row.answered.count : row.counts.find((c) => c.code === code).count;
}

test('filled in by keyboard alone; the results count exactly what was chosen', async () => {
  const server = await serve();
  const page = await openPage(browser, `${server.url}/umfrage`, { viewport: { width: 1280, height: 900 } });
  await page.locator('#step-title').waitFor();
  assert.equal(await page.locator('#survey-title').textContent(),
    'Umfrage zum Stadtentwicklungskonzept (INSEK)');
  assert.deepEqual(await axe(page), []);

  // 1: relation (several answers)
  await step(page, 1, 5);
  await tabTo(page, '#q-relation-live');
  await page.keyboard.press('Space');
  await tabTo(page, '#q-relation-work');
  await page.keyboard.press('Space');
  // living here asks where: six steps now
  await page.locator('#step-title', { hasText: 'Schritt 1 von 6' }).waitFor();
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');

  // 2: the Ortsbezirk, chosen by typing in the list
  await step(page, 2, 6);
  assert.ok(await page.evaluate(() => document.activeElement.id === 'step-title'),
    'the new step takes the focus');
  await tabTo(page, '#q-home');
  await page.keyboard.type('Innen');
  assert.equal(await page.locator('#q-home').inputValue(), 'ob-0');
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');

  // 3: the seven scales on one step; arrow keys choose a point
  await step(page, 3, 6);
  assert.equal(await page.locator('.question').count(), 7);
  await tabTo(page, '#q-satisfaction_housing-1');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  assert.ok(await page.locator('#q-satisfaction_housing-4').isChecked());
  await tabTo(page, '#q-satisfaction_mobility-1');
  await page.keyboard.press('Space');
  assert.deepEqual(await axe(page), []);
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');

  // 4: the most important topic
  await step(page, 4, 6);
  await tabTo(page, '#q-priority-housing');
  await page.keyboard.press('ArrowDown');
  assert.ok(await page.locator('#q-priority-mobility').isChecked());
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');

  // 5: a place: the map centre, by button
  await step(page, 5, 6);
  await page.locator('.place-map.leaflet-container').waitFor();
  await tabTo(page, '#centre-place');
  await page.keyboard.press('Enter');
  await page.locator('#pos-place', { hasText: 'Gewählter Ort' }).waitFor();
  assert.deepEqual(await axe(page), []);
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');

  // 6: free text, then send
  await step(page, 6, 6);
  assert.equal(await page.locator('#next').textContent(), 'Antworten senden');
  await tabTo(page, '#q-wish');
  await page.keyboard.type('Mehr Schatten auf dem Stiftsplatz');
  assert.match(await page.locator('#count-wish').textContent(), /^33 von 1000 Zeichen$/);
  // back and forth keeps the answers
  await tabTo(page, '#back');
  await page.keyboard.press('Enter');
  await step(page, 5, 6);
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');
  await step(page, 6, 6);
  assert.equal(await page.locator('#q-wish').inputValue(), 'Mehr Schatten auf dem Stiftsplatz');
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');

  await page.locator('#thanks').waitFor();
  assert.ok(await page.evaluate(() => document.activeElement.id === 'thanks'));
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'survey-thanks');

  const results = await server.get('/api/survey/results');
  assert.equal(results.groups.find((g) => g.id === 'city').respondents.count, 1);
  assert.equal(count(results, 'relation', 'live'), 1);
  assert.equal(count(results, 'relation', 'work'), 1);
  assert.equal(count(results, 'relation', 'study'), 0);
  assert.equal(count(results, 'home', 'ob-0'), 1);
  assert.equal(count(results, 'satisfaction_housing', '4'), 1);
  assert.equal(count(results, 'satisfaction_mobility', '1'), 1);
  assert.equal(count(results, 'satisfaction_culture', null), 0, 'unanswered scales are not sent');
  assert.equal(count(results, 'priority', 'mobility'), 1);
  assert.equal(count(results, 'place', null), 1);
  assert.equal(count(results, 'wish', null), 1);
  // the respondent is counted in the Ortsbezirk chosen
  assert.equal(results.groups.find((g) => g.id === 'ob-0').respondents.count, 1);
  await assertClean(page, assert);
  await page.context().close();
});

test('errors are tied to their fields and read out', async () => {
  const server = await serve();
  const page = await openPage(browser, `${server.url}/umfrage`, { viewport: { width: 1280, height: 900 } });
  await step(page, 1, 5);
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');
  const error = page.locator('#err-relation');
  await error.waitFor();
  assert.equal(await error.textContent(), 'Bitte beantworten Sie diese Frage.');
  assert.match(await page.locator('#question-relation fieldset').getAttribute('aria-describedby'),
    /\berr-relation\b/);
  assert.equal(await page.locator('#q-relation-live').getAttribute('aria-invalid'), 'true');
  assert.ok(await page.evaluate(() => document.activeElement.id === 'q-relation-live'),
    'the focus goes to the question');
  assert.deepEqual(await axe(page), []);
  await step(page, 1, 5); // still on the first step
  // answering clears the error
  await page.keyboard.press('Space');
  await page.locator('#err-relation').waitFor({ state: 'hidden' });
  await screenshot(page, 'survey-error');
  await assertClean(page, assert);
  await page.context().close();
});

test('on a phone: tapping through, one group per step, no sideways scrolling', async () => {
  const server = await serve();
  const page = await openPage(browser, `${server.url}/umfrage`,
    { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const tap = (sel) => page.locator(sel).tap();
  const noSideways = async () => assert.ok(await page.evaluate(
    () => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  await step(page, 1, 5);
  await noSideways();
  await tap('label[for="q-relation-visit"]');
  await tap('#next');
  await step(page, 2, 5);
  await noSideways();
  await tap('label[for="q-satisfaction_green_space-2"]');
  await tap('#next');
  await step(page, 3, 5);
  await tap('label[for="q-priority-green_space"]');
  await tap('#next');
  await step(page, 4, 5);
  await noSideways();
  await tap('#next'); // no place: it is optional
  await step(page, 5, 5);
  await tap('#next');
  await page.locator('#thanks').waitFor();
  await noSideways();
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'survey-phone');
  const results = await server.get('/api/survey/results');
  assert.equal(count(results, 'relation', 'visit'), 1);
  assert.equal(count(results, 'satisfaction_green_space', '2'), 1);
  assert.equal(count(results, 'priority', 'green_space'), 1);
  assert.equal(count(results, 'place', null), 0);
  assert.equal(results.groups.find((g) => g.id === 'unknown').respondents.count, 1);
  await assertClean(page, assert);
  await page.context().close();
});

test('in English, and the link to the map keeps the language', async () => {
  const server = await serve();
  const page = await openPage(browser, `${server.url}/umfrage?lang=en`, { viewport: { width: 1280, height: 900 } });
  await page.locator('#step-title', { hasText: 'Step 1 of 5' }).waitFor();
  assert.equal(await page.locator('#survey-title').textContent(),
    'Survey on the urban development concept (INSEK)');
  assert.equal(await page.locator('label[for="q-relation-live"]').textContent(), 'I live here');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.locator('#map-link').getAttribute('href'), '/?lang=en');
  assert.deepEqual(await axe(page), []);
  await page.locator('#lang').click();
  await page.locator('#step-title', { hasText: 'Schritt 1 von 5' }).waitFor();
  await assertClean(page, assert);
  await page.context().close();
});

test('a closed period offers no form', async () => {
  const server = await serve({ open_until: '2020-01-31T23:59:59Z' });
  const page = await openPage(browser, `${server.url}/umfrage`, { viewport: { width: 1280, height: 900 } });
  await page.locator('#period', { hasText: 'beendet' }).waitFor();
  assert.ok(await page.locator('#survey-form').isHidden());
  assert.deepEqual(await axe(page), []);
  await assertClean(page, assert);
  await page.context().close();
});

test('the map links to the questionnaire, in the language of the page', async () => {
  const server = await serve();
  const page = await openPage(browser, `${server.url}/?lang=en`, { viewport: { width: 1280, height: 900 } });
  const link = page.locator('a', { hasText: 'To the survey' });
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), '/umfrage?lang=en');
  await link.click();
  await page.locator('#step-title', { hasText: 'Step 1 of 5' }).waitFor();
  await page.locator('#map-link').click();
  await page.locator('a', { hasText: 'To the survey' }).waitFor();
  assert.match(page.url(), /\/\?lang=en$/);
  await assertClean(page, assert);
  await page.context().close();
});

test('without a questionnaire the map offers no link to one', async () => {
  const server = await new Server({}).start();
  servers.push(server);
  const page = await openPage(browser, `${server.url}/`, { viewport: { width: 1280, height: 900 } });
  await page.locator('#period').filter({ hasText: /\S/ }).waitFor(); // the configuration has arrived
  assert.equal(await page.locator('a[data-i18n="surveyLink"]').isHidden(), true);
  assert.equal(await page.locator('a[data-i18n="plannerLink"]').isVisible(), true);
  await assertClean(page, assert);
  await page.context().close();
});

// POSTs a response as the page does (form token, empty honeypot).
async function answer(server, answers) {
  const { form_token: token } = await server.get('/api/form');
  const res = await fetch(`${server.url}/api/survey/responses`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ answers, form_token: token, website: '' })
  });
  assert.equal(res.status, 201, await res.text());
}

test('results: a chart per question, small groups withheld, per Ortsbezirk, CSV', async () => {
  const server = await serve({ survey_min_cell: '5' });
  // ten living in the Innenstadt (7 × housing, 3 × mobility), two in Einsiedlerhof (climate)
  for (let i = 0; i < 10; i++) {
    await answer(server, { relation: ['live'], home: 'ob-0', priority: i < 7 ? 'housing' : 'mobility',
      satisfaction_housing: i < 5 ? 2 : 5 });
  }
  for (let i = 0; i < 2; i++) await answer(server, { relation: ['live'], home: 'ob-1', priority: 'climate' });
  const page = await openPage(browser, `${server.url}/umfrage-ergebnisse`, { viewport: { width: 1280, height: 900 } });
  await page.locator('#chart-priority').waitFor();
  assert.equal(await page.locator('#respondents').textContent(), '12 Personen haben geantwortet.');
  const values = async (id) => page.locator(`#chart-${id} svg .bar-value`).allTextContents();
  // housing, mobility, green_space, climate, retail, culture, social
  assert.deepEqual(await values('priority'), ['7', 'unter 5', '0', 'unter 5', '0', '0', '0']);
  assert.equal(await page.locator('#chart-priority .bar-withheld').count(), 2, 'withheld bars are hatched');
  assert.equal(await page.locator('#answered-priority').textContent(), '12 Antworten');
  // ten answers, five 2s and five 5s: the median lies between the 5th and 6th, (2 + 5) / 2
  assert.equal(await page.locator('#median-satisfaction_housing').textContent(), 'Median: 3,5');
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'survey-results');

  await page.locator('#district').selectOption('ob-0');
  // ten answered here, but the city's 12 minus them would tell Einsiedlerhof's 2
  await page.locator('#respondents', { hasText: 'nicht gezeigt' }).waitFor();
  assert.deepEqual(await values('priority'), ['7', 'unter 5', '0', '0', '0', '0', '0']);
  assert.deepEqual(await values('satisfaction_housing'), ['0', '5', '0', '0', '5']);
  const href = await page.locator('#csv').getAttribute('href');
  assert.equal(href, '/api/survey/results?format=csv&district=ob-0');
  const csv = await (await fetch(server.url + href)).text();
  assert.match(csv, /^question_id,question_type,district_id,/);
  assert.match(csv, /"priority","single","ob-0","Innenstadt","housing","Wohnen",7,false,/);

  await page.locator('#district').selectOption('ob-1');
  await page.locator('#answered-priority', { hasText: 'weniger als 5' }).waitFor();
  assert.deepEqual(await values('priority'), ['0', '0', '0', 'unter 5', '0', '0', '0']);
  assert.deepEqual(await axe(page), []);
  await assertClean(page, assert);
  await page.context().close();

  // on a phone: no sideways scrolling
  const phone = await openPage(browser, `${server.url}/umfrage-ergebnisse`,
    { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  await phone.locator('#chart-priority').waitFor();
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  await phone.context().close();
});

test('results that are not public say so', async () => {
  const server = await serve({ survey_results_public: 'off' });
  const page = await openPage(browser, `${server.url}/umfrage-ergebnisse`, { viewport: { width: 1280, height: 900 } });
  await page.locator('#status', { hasText: 'nicht öffentlich' }).waitFor();
  assert.ok(await page.locator('#controls').isHidden());
  assert.ok(await page.locator('#staff').isHidden());
  // planners are shown where to sign in
  assert.match(await page.locator('#signin-link').getAttribute('href'), /^\/?planner\.html$/);
  assert.ok(await page.locator('#signin-link').isVisible());
  assert.deepEqual(await axe(page), []);
  await assertClean(page, assert);
  await page.context().close();
});

// A page signed in with `secret` on the planner page (the session cookie).
async function plannerSignedIn(server, secret, options) {
  const page = await openPage(browser, `${server.url}/planner.html`, options);
  await page.waitForFunction(() => document.body.dataset.workspace === 'ready');
  await page.locator('#ws-token').fill(secret);
  await page.keyboard.press('Enter');
  await page.locator('#ws-who').getByText('Angemeldet als').waitFor();
  return page;
}

// More texts than one page of the queue: "Weitere laden" by keyboard
// reaches the 101st, the count says how many are shown, and a text moved
// down there keeps the rest of the list in view.
test('staff: a queue of more than 100 texts goes on with "Weitere laden", by keyboard', async () => {
  const server = await serve({ survey_results_public: 'off' });
  const secret = server.token('Stadtplanung Becker', 'planner');
  const sent = Array.from({ length: 103 }, (_, i) => `Freitext Nummer ${i + 1}`);
  for (const wish of sent) await answer(server, { relation: ['work'], priority: 'housing', wish });

  const page = await plannerSignedIn(server, secret, { viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/umfrage-ergebnisse`);
  await page.waitForFunction(() => document.body.dataset.queue === 'ready');
  const shown = () => page.locator('#queue-list .free-text').allTextContents();
  assert.equal(await page.locator('#queue-count').textContent(),
    'Die ersten 100 von 103 Texten (Offen) in dieser Gruppe.');
  assert.deepEqual(await shown(), sent.slice(0, 100));
  assert.equal(await page.locator('#queue-more').textContent(), 'Weitere laden');

  // from the last text's last button, Tab goes on to "Weitere laden"
  await page.locator('#queue-list .queue-item').last().locator('button').last().focus();
  await tabTo(page, '#queue-more');
  await page.keyboard.press('Enter');
  await page.locator('#queue-count', { hasText: '103 Texte (Offen) in dieser Gruppe.' }).waitFor();
  assert.deepEqual(await shown(), sent);
  assert.equal(await page.locator('#queue-more').isHidden(), true, 'nothing more to load');
  // the focus is on the 101st text, where reading goes on
  const focused = () => page.evaluate(() => document.activeElement?.closest('.queue-item')?.querySelector('.free-text').textContent);
  assert.equal(await focused(), sent[100]);
  assert.deepEqual(await axe(page), []);

  // approving the 101st keeps the list as long as it was; the focus goes on to the 102nd
  assert.equal(await page.evaluate(() => document.activeElement.dataset.status), 'approved');
  await page.keyboard.press('Enter');
  await page.locator('#queue-count', { hasText: '102 Texte (Offen) in dieser Gruppe.' }).waitFor();
  await page.waitForFunction((t) => document.activeElement?.closest('.queue-item')?.querySelector('.free-text').textContent === t, sent[101]);
  assert.deepEqual(await shown(), [...sent.slice(0, 100), ...sent.slice(101)]);
  const list = await (await fetch(`${server.url}/api/admin/survey/texts?status=approved`,
    { headers: { Authorization: `Bearer ${secret}` } })).json();
  assert.deepEqual(list.texts.map((t) => t.text), [sent[100]]);

  // in English the control and the count speak English
  await page.locator('#lang').click();
  await page.locator('#queue-title', { hasText: 'Moderate free texts' }).waitFor();
  assert.equal(await page.locator('#queue-count').textContent(), '102 texts (Pending) in this group.');
  await assertClean(page, assert);
  await page.context().close();
});

test('staff: signed in on the planner page, results that are not public, free texts moderated by keyboard', async () => {
  const server = await serve({ survey_results_public: 'off', survey_min_cell: '5' });
  const secret = server.token('Stadtplanung Becker', 'planner');
  const staff = { Authorization: `Bearer ${secret}` };
  const sent = [
    ['ob-0', 'Mehr Bäume in der Fackelstraße'],
    ['ob-1', 'Ein Kino am Stiftsplatz\nund längere Öffnungszeiten'],
    ['ob-0', '<b>Radwege</b> bitte'],
    ['ob-0', 'Sitzbänke am Bahnhof']
  ];
  for (const [home, wish] of sent) await answer(server, { relation: ['live'], home, priority: 'housing', wish });
  for (let i = 0; i < 4; i++) await answer(server, { relation: ['live'], home: 'ob-0', priority: 'climate' });

  // sign in where planners do, then follow the planner page's link
  const page = await openPage(browser, `${server.url}/planner.html`, { viewport: { width: 1280, height: 900 } });
  await page.waitForFunction(() => document.body.dataset.workspace === 'ready');
  await page.locator('#ws-token').focus();
  await page.keyboard.type(secret);
  await page.keyboard.press('Enter');
  await page.locator('#ws-who').getByText('Angemeldet als Stadtplanung Becker').waitFor();
  await page.getByRole('link', { name: 'Ergebnisse der Umfrage' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.body.dataset.queue === 'ready');
  assert.match(await page.locator('#staff-who').textContent(), /Angemeldet als Stadtplanung Becker/);
  // the results, although not public: 8 respondents, priority 4 × housing, 4 × climate
  assert.equal(await page.locator('#respondents').textContent(), '8 Personen haben geantwortet.');
  assert.deepEqual(await page.locator('#chart-priority svg .bar-value').allTextContents(),
    ['unter 5', '0', '0', 'unter 5', '0', '0', '0']);
  assert.match(await page.locator('#staff-note').textContent(), /unter 5/);
  assert.equal(await page.locator('#texts-wish').textContent(), 'Noch keine freigegebenen Antworten in dieser Gruppe.');
  assert.equal(await page.locator('#queue-count').textContent(), '4 Texte (Offen) in dieser Gruppe.');
  assert.equal(await page.locator('#queue-link').textContent(), 'Freitexte moderieren (4 offen)');
  const queued = await page.locator('#queue-list .free-text').allTextContents();
  assert.deepEqual(queued, sent.map(([, t]) => t), 'markup stays text');
  assert.equal(await page.locator('#queue-list b').count(), 0);
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'survey-results-staff');

  // keyboard alone: approve the first, hide the next one, where the focus went
  const ids = await page.locator('#queue-list .queue-item').evaluateAll((els) => els.map((e) => e.dataset.id));
  await tabTo(page, `#queue-list [data-id="${ids[0]}"] button[data-status="approved"]`);
  await page.keyboard.press('Enter');
  await page.locator('#queue-message', { hasText: 'Text freigegeben.' }).waitFor();
  await page.waitForFunction((id) => document.activeElement?.closest('.queue-item')?.dataset.id === id, ids[1]);
  await page.keyboard.press('Tab'); // from its "Freigeben" to its "Ausblenden"
  assert.equal(await page.evaluate(() => document.activeElement.dataset.status), 'hidden');
  await page.keyboard.press('Space');
  await page.locator('#queue-message', { hasText: 'Text ausgeblendet.' }).waitFor();
  await page.locator('#queue-count', { hasText: '2 Texte (Offen)' }).waitFor();
  assert.equal(await page.locator('#queue-link').textContent(), 'Freitexte moderieren (2 offen)');
  // the approved text appears under its question, with its Ortsbezirk
  assert.deepEqual(await page.locator('#texts-wish li .free-text').allTextContents(), [sent[0][1]]);
  assert.deepEqual(await page.locator('#texts-wish li .question-help').allTextContents(), ['Innenstadt']);
  assert.deepEqual(await axe(page), []);

  // what the server keeps: the statuses, and the log names who did it
  const list = await (await fetch(`${server.url}/api/admin/survey/texts?limit=10`, { headers: staff })).json();
  assert.deepEqual(list.texts.map((t) => [t.text, t.status]),
    [[sent[0][1], 'approved'], [sent[1][1], 'hidden'], [sent[2][1], 'pending'], [sent[3][1], 'pending']]);
  const log = await (await fetch(`${server.url}/api/admin/log`, { headers: staff })).json();
  assert.deepEqual(log.entries.slice(0, 2).map((e) => [e.actor, e.fields]), [
    ['Stadtplanung Becker', `survey text ${ids[1]} (wish): status: pending → hidden`],
    ['Stadtplanung Becker', `survey text ${ids[0]} (wish): status: pending → approved`]]);

  // per Ortsbezirk: Einsiedlerhof (ob-1) has no approved text; its hidden one is in the hidden list
  await page.locator('#district').selectOption('ob-1');
  await page.locator('#texts-wish', { hasText: 'Noch keine freigegebenen' }).waitFor();
  await page.locator('#queue-count', { hasText: 'Keine Texte (Offen)' }).waitFor();
  await page.locator('#queue-status').selectOption('hidden');
  await page.locator('#queue-count', { hasText: '1 Texte (Ausgeblendet)' }).waitFor();
  assert.deepEqual(await page.locator('#queue-list button').allTextContents(), ['Freigeben', 'Wieder offen']);
  assert.deepEqual(await axe(page), []);

  // the raw responses keep every text; the download goes with the session
  const csv = await page.context().request.get(`${server.url}/api/admin/survey/responses?format=csv`);
  assert.equal(csv.status(), 200);
  const body = await csv.text();
  for (const [, t] of sent) assert.ok(body.includes(t.split('\n')[0]), t);
  assert.equal(await page.locator('#responses-csv').getAttribute('href'), '/api/admin/survey/responses?format=csv');

  // in English
  await page.locator('#lang').click();
  await page.locator('#queue-title', { hasText: 'Moderate free texts' }).waitFor();
  assert.deepEqual(await page.locator('#queue-list button').allTextContents(), ['Approve', 'Back to pending']);
  assert.deepEqual(await axe(page), []);
  await assertClean(page, assert);
  await page.context().close();

  // on a phone, signed in: no sideways scrolling
  const phone = await plannerSignedIn(server, secret,
    { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  await phone.goto(`${server.url}/umfrage-ergebnisse`);
  await phone.waitForFunction(() => document.body.dataset.queue === 'ready');
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  await phone.context().close();
});
