// survey-results.js — the questionnaire's results (/umfrage-ergebnisse):
// GET /api/survey/results for the whole city or one group (an Ortsbezirk,
// outside the city, not said), one chart per question — bars with their
// counts written beside them, withheld counts hatched and named in words,
// so the charts read without colour — each with a table of the same
// numbers, and the CSV download of what is shown.  The numbers are the
// server's as they are: this page never adds or derives a count.
//
// Staff mode: a planner signed in on the planner page (the session cookie
// goes with every request by itself) reads the results also while they
// are not public, the free-text answers they approved under their
// question, the raw responses and codebook as CSV, and the moderation
// queue of free text — approve or hide each, by keyboard or pointer.

import { ApiError, getJSON, query } from './api.js';
import { applyTexts, currentLang, initLanguageSwitch, label } from './i18n.js';

const WORDS = {
  de: {
    skip: 'Zu den Ergebnissen springen',
    title: 'Ergebnisse der Umfrage',
    surveyLink: 'Zur Umfrage',
    mapLink: 'Zur Mitmachkarte',
    group: 'Gruppe',
    city: 'Ganze Stadt',
    outside: 'Wohnort außerhalb der Stadt',
    unknown: 'Ohne Angabe des Ortsbezirks',
    csv: 'Ergebnisse als CSV herunterladen',
    respondents: '{n} Personen haben geantwortet.',
    respondentsWithheld: 'Die Zahl der Personen dieser Gruppe wird nicht gezeigt, damit niemand zu erkennen ist.',
    suppression: 'Zahlen unter {k} Personen werden nicht gezeigt (schraffiert, „unter {k}“), ebenso eine weitere Zahl, wenn sich die verborgene sonst ausrechnen ließe. So ist niemand zu erkennen.',
    answered: '{n} Antworten',
    answeredWithheld: 'weniger als {k} Antworten',
    withheld: 'unter {k}',
    median: 'Median: {m}',
    textOnly: 'Freitext: {n}. Die Texte selbst sind nur für die Planung.',
    numberOnly: 'Zahlenangaben: {n}.',
    table: 'Als Tabelle',
    option: 'Antwort',
    count: 'Anzahl',
    notPublic: 'Die Ergebnisse sind nicht öffentlich.',
    noSurvey: 'Zurzeit gibt es keine Umfrage.',
    loadFailed: 'Die Ergebnisse konnten nicht geladen werden.',
    switchLang: 'English',
    switchLangLabel: 'Switch to English',
    // staff mode: moderation of free-text answers
    signin: 'Planerinnen und Planer: Anmelden in der Planungsansicht',
    staffWho: 'Angemeldet als {name}. Sie sehen die Ergebnisse und die freigegebenen Freitexte.',
    staffNote: 'Auch für die Planung werden kleine Zahlen (unter {k}) nicht gezeigt: Diese Diagramme landen in Berichten und Präsentationen. Die vollständigen Antworten stehen in der CSV-Datei „Alle Antworten“ – mit allen Freitexten, auch den nicht freigegebenen.',
    queueLink: 'Freitexte moderieren ({n} offen)',
    responsesCsv: 'Alle Antworten (CSV)',
    codebookCsv: 'Codebuch (CSV)',
    plannerLink: 'Zur Planungsansicht',
    approvedTitle: 'Freigegebene Antworten',
    approvedNone: 'Noch keine freigegebenen Antworten in dieser Gruppe.',
    queueTitle: 'Freitexte moderieren',
    queueHelp: 'Freitexte sind nie öffentlich. Freigegebene Texte erscheinen hier in den Ergebnissen für die Planung; ausgeblendete nur in der CSV-Datei aller Antworten. Jede Änderung steht im Moderationsprotokoll.',
    queueShow: 'Zeigen',
    pending: 'Offen',
    approved: 'Freigegeben',
    hidden: 'Ausgeblendet',
    queueCount: '{n} Texte ({status}) in dieser Gruppe.',
    queueFirst: 'Die ersten {shown} von {n} Texten ({status}) in dieser Gruppe.',
    queueEmpty: 'Keine Texte ({status}) in dieser Gruppe.',
    queueMore: 'Weitere laden',
    approve: 'Freigeben',
    hide: 'Ausblenden',
    reopen: 'Wieder offen',
    movedApproved: 'Text freigegeben.',
    movedHidden: 'Text ausgeblendet.',
    movedPending: 'Text wieder offen.',
    moveFailed: 'Nicht gespeichert: {why}',
    question: 'Frage: {q}'
  },
  en: {
    skip: 'Skip to the results',
    title: 'Survey results',
    surveyLink: 'To the survey',
    mapLink: 'To the participation map',
    group: 'Group',
    city: 'Whole city',
    outside: 'Living outside the city',
    unknown: 'Ortsbezirk not given',
    csv: 'Download the results as CSV',
    respondents: '{n} people answered.',
    respondentsWithheld: 'The number of people in this group is not shown, so that nobody can be recognised.',
    suppression: 'Numbers under {k} people are not shown (hatched, “under {k}”), nor is one more where the hidden one could otherwise be worked out. So nobody can be recognised.',
    answered: '{n} answers',
    answeredWithheld: 'fewer than {k} answers',
    withheld: 'under {k}',
    median: 'Median: {m}',
    textOnly: 'Free text answers: {n}. The texts themselves are for planners only.',
    numberOnly: 'Numbers given: {n}.',
    table: 'As a table',
    option: 'Answer',
    count: 'Count',
    notPublic: 'The results are not public.',
    noSurvey: 'There is no survey at the moment.',
    loadFailed: 'The results could not be loaded.',
    switchLang: 'Deutsch',
    switchLangLabel: 'Auf Deutsch umschalten',
    // staff mode: moderation of free-text answers
    signin: 'Planners: sign in on the planner page',
    staffWho: 'Signed in as {name}. You see the results and the approved free texts.',
    staffNote: 'Small numbers (under {k}) are withheld for planners too: these charts end up in reports and presentations. The complete answers are in the CSV file “All responses” – with every free text, approved or not.',
    queueLink: 'Moderate free texts ({n} pending)',
    responsesCsv: 'All responses (CSV)',
    codebookCsv: 'Codebook (CSV)',
    plannerLink: 'To the planner page',
    approvedTitle: 'Approved answers',
    approvedNone: 'No approved answers in this group yet.',
    queueTitle: 'Moderate free texts',
    queueHelp: 'Free texts are never public. Approved texts appear here in the planners’ results; hidden ones only in the CSV file of all responses. Every change is in the moderation log.',
    queueShow: 'Show',
    pending: 'Pending',
    approved: 'Approved',
    hidden: 'Hidden',
    queueCount: '{n} texts ({status}) in this group.',
    queueFirst: 'The first {shown} of {n} texts ({status}) in this group.',
    queueEmpty: 'No texts ({status}) in this group.',
    queueMore: 'Load more',
    approve: 'Approve',
    hide: 'Hide',
    reopen: 'Back to pending',
    movedApproved: 'Text approved.',
    movedHidden: 'Text hidden.',
    movedPending: 'Text back to pending.',
    moveFailed: 'Not saved: {why}',
    question: 'Question: {q}'
  }
};

function w(key, vars = {}) {
  const s = WORDS[currentLang()][key] ?? WORDS.de[key];
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const state = { all: null, district: 'city', staff: null, queue: null, queueStatus: 'pending', pending: 0 };
const QUEUE_LIMIT = 100;   // texts per page of the queue
const QUEUE_MAX = 10000;   // the most the API hands out at once

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function groupName(g) {
  if (g.id === 'city' || g.id === 'outside' || g.id === 'unknown') return w(g.id);
  return g.name;
}

function number(n) {
  return new Intl.NumberFormat(currentLang() === 'de' ? 'de-DE' : 'en-GB').format(n);
}

// One horizontal bar per option; the count (or "under k") beside each.
function chart(q, row, k) {
  const labels = new Map(q.options.map((o) => [o.code, label(o.label)]));
  const bars = row.counts.map((c) => ({ label: labels.get(c.code) || c.code, count: c.count }));
  const max = Math.max(1, ...bars.map((b) => b.count || 0));
  const lineH = 28, labelW = 280, barW = 240, width = labelW + barW + 90;
  const s = svg('svg', { viewBox: `0 0 ${width} ${bars.length * lineH + 8}`, role: 'img',
    'aria-labelledby': `chart-title-${q.id}` });
  bars.forEach((b, i) => {
    const y = i * lineH + 4;
    s.append(svg('text', { x: labelW - 8, y: y + 17, 'text-anchor': 'end', class: 'bar-label' },
      b.label.length > 36 ? `${b.label.slice(0, 35)}…` : b.label));
    const len = b.count === null ? barW * 0.08 : (barW * b.count) / max;
    s.append(svg('rect', { x: labelW, y: y + 3, width: Math.max(len, b.count ? 2 : 0), height: 18,
      class: b.count === null ? 'bar bar-withheld' : 'bar' }));
    s.append(svg('text', { x: labelW + len + 6, y: y + 17, class: 'bar-value' },
      b.count === null ? w('withheld', { k }) : number(b.count)));
  });
  s.append(svg('line', { x1: labelW, y1: 0, x2: labelW, y2: bars.length * lineH + 8, class: 'axis' }));
  return s;
}

function table(q, row, k) {
  const labels = new Map(q.options.map((o) => [o.code, label(o.label)]));
  const t = document.createElement('table');
  const head = t.createTHead().insertRow();
  for (const h of [w('option'), w('count')]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const body = t.createTBody();
  for (const c of row.counts) {
    const tr = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = labels.get(c.code) || c.code;
    tr.append(th);
    const td = tr.insertCell();
    td.className = 'num';
    td.textContent = c.count === null ? w('withheld', { k }) : number(c.count);
  }
  return t;
}

// The hatching of withheld bars, defined once for every chart.
function hatching() {
  const s = svg('svg', { class: 'svg-defs', width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false' });
  const pattern = svg('pattern', { id: 'withheld', width: 6, height: 6,
    patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  pattern.append(svg('rect', { width: 6, height: 6, fill: '#ffffff' }),
    svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#1a1a1a', 'stroke-width': 2 }));
  const defs = svg('defs');
  defs.append(pattern);
  s.append(defs);
  return s;
}

function render() {
  const res = state.all;
  const k = res.min_cell;
  const charts = $('charts');
  charts.replaceChildren(hatching());
  const group = res.groups.find((g) => g.id === state.district) || res.groups[0];
  const select = $('district');
  select.replaceChildren(...res.groups.map((g) => {
    const o = document.createElement('option');
    o.value = g.id;
    o.textContent = groupName(g);
    o.selected = g.id === group.id;
    return o;
  }));
  $('csv').href = `/api/survey/results${query({ format: 'csv', district: group.id === 'city' ? '' : group.id })}`;
  $('respondents').textContent = group.respondents.suppressed
    ? w('respondentsWithheld', { k }) : w('respondents', { n: number(group.respondents.count) });
  $('suppression-note').textContent = w('suppression', { k });
  for (const q of res.questions) {
    const row = q.results.find((r) => r.group === group.id);
    const fig = document.createElement('section');
    fig.className = 'chart';
    fig.id = `chart-${q.id}`;
    const h = document.createElement('h2');
    h.id = `chart-title-${q.id}`;
    h.textContent = label(q.text);
    fig.append(h);
    const answered = document.createElement('p');
    answered.className = 'question-help';
    answered.id = `answered-${q.id}`;
    const a = row.answered;
    if (q.type === 'text' || q.type === 'number') {
      answered.textContent = w(q.type === 'text' ? 'textOnly' : 'numberOnly',
        { n: a.suppressed ? w('withheld', { k }) : number(a.count) });
      fig.append(answered);
      if (q.type === 'text' && res.texts) fig.append(...approvedTexts(q, group, res));
      charts.append(fig);
      continue;
    }
    answered.textContent = a.suppressed ? w('answeredWithheld', { k }) : w('answered', { n: number(a.count) });
    fig.append(answered, chart(q, row, k));
    if ('median' in row && row.median !== null) {
      const m = document.createElement('p');
      m.className = 'median';
      m.id = `median-${q.id}`;
      const point = Number.isInteger(row.median) && q.options.find((o) => Number(o.code) === row.median);
      m.textContent = w('median', { m: `${number(row.median)}${point ? ` (${label(point.label)})` : ''}` });
      fig.append(m);
    }
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = w('table');
    details.append(summary, table(q, row, k));
    fig.append(details);
    charts.append(fig);
  }
}

// Staff mode: the approved answers to a text question, of the group shown.
function approvedTexts(q, group, res) {
  const h = document.createElement('h3');
  h.textContent = w('approvedTitle');
  h.id = `approved-title-${q.id}`;
  const all = res.texts[q.id] || [];
  const mine = group.id === 'city' ? all : all.filter((t) => t.district === group.id);
  if (!mine.length) {
    const p = document.createElement('p');
    p.className = 'question-help';
    p.id = `texts-${q.id}`;
    p.textContent = w('approvedNone');
    return [h, p];
  }
  const names = new Map(res.groups.map((g) => [g.id, groupName(g)]));
  const ul = document.createElement('ul');
  ul.className = 'approved-texts';
  ul.id = `texts-${q.id}`;
  ul.setAttribute('aria-labelledby', h.id);
  for (const t of mine) {
    const li = document.createElement('li');
    const p = document.createElement('p');
    p.className = 'free-text';
    p.textContent = t.text;
    const who = document.createElement('p');
    who.className = 'question-help';
    who.textContent = names.get(t.district) || t.district;
    li.append(p, who);
    ul.append(li);
  }
  return [h, ul];
}

// ---- staff mode: the moderation queue -------------------------------------------

const NEXT = { pending: ['approved', 'hidden'], approved: ['hidden', 'pending'], hidden: ['approved', 'pending'] };
const ACTION = { approved: 'approve', hidden: 'hide', pending: 'reopen' };
const MOVED = { approved: 'movedApproved', hidden: 'movedHidden', pending: 'movedPending' };

async function patchText(id, status) {
  let res;
  try {
    res = await fetch(`/api/admin/survey/texts/${id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ status })
    });
  } catch {
    throw new ApiError(0, {}, null);
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body, null);
  return body;
}

function queueItem(t) {
  const li = document.createElement('li');
  li.className = 'queue-item';
  li.dataset.id = String(t.id);
  const meta = document.createElement('p');
  meta.className = 'queue-meta';
  const names = new Map(state.all.groups.map((g) => [g.id, groupName(g)]));
  meta.textContent = [w('question', { q: t.question_text ? label(t.question_text) : t.question }),
    names.get(t.district) || t.district_name, t.day].join(' · ');
  const quote = document.createElement('blockquote');
  quote.className = 'free-text';
  quote.id = `queue-text-${t.id}`;
  quote.textContent = t.text;
  const actions = document.createElement('div');
  actions.className = 'queue-actions';
  for (const to of NEXT[t.status]) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = to === 'approved' ? '' : 'secondary';
    b.dataset.status = to;
    b.textContent = w(ACTION[to]);
    b.setAttribute('aria-describedby', quote.id);
    b.addEventListener('click', () => moderate(li, t.id, to));
    actions.append(b);
  }
  li.append(meta, quote, actions);
  return li;
}

// The count above the list and "Weitere laden" below it, for the texts shown.
function renderQueueCount() {
  const q = state.queue;
  const status = w(state.queueStatus);
  $('queue-count').textContent = !q.numberMatched ? w('queueEmpty', { status })
    : q.numberMatched > q.texts.length
      ? w('queueFirst', { shown: number(q.texts.length), n: number(q.numberMatched), status })
      : w('queueCount', { n: number(q.numberMatched), status });
  $('queue-more').hidden = q.texts.length >= q.numberMatched;
}

function renderQueue() {
  $('queue-status').value = state.queueStatus;
  renderQueueCount();
  $('queue-list').replaceChildren(...state.queue.texts.map(queueItem));
  $('queue-link').textContent = w('queueLink', { n: number(state.pending) });
}

// The texts of the chosen status and group, oldest first, from `offset`.
function queuePage(limit, offset = 0) {
  const district = state.district === 'city' ? '' : state.district;
  return getJSON(`/api/admin/survey/texts${query({ status: state.queueStatus, district, limit, offset })}`);
}

// The queue's first page — or, after a text moved, as many texts as were
// shown, so one far down the list keeps its neighbours and the focus.
async function loadQueue(shown = QUEUE_LIMIT) {
  const [list, pending] = await Promise.all([
    queuePage(Math.min(QUEUE_MAX, Math.max(QUEUE_LIMIT, shown))),
    getJSON(`/api/admin/survey/texts${query({ status: 'pending', limit: 1 })}`)
  ]);
  state.queue = list;
  state.pending = pending.numberMatched;
  renderQueue();
}

// "Weitere laden": the next page after the texts shown, added below them;
// the focus goes to the first new text (the button itself may go).
async function loadMore() {
  const q = state.queue;
  const next = await queuePage(QUEUE_LIMIT, q.texts.length);
  // A text someone moved meanwhile shifts the pages: show none twice.
  const shown = new Set(q.texts.map((t) => t.id));
  const fresh = next.texts.filter((t) => !shown.has(t.id));
  state.queue = { ...next, texts: [...q.texts, ...fresh] };
  renderQueueCount();
  const items = fresh.map(queueItem);
  $('queue-list').append(...items);
  (items[0]?.querySelector('button') || $('queue-title')).focus();
}

// Approves, hides or reopens one text; the focus goes on to the next one.
async function moderate(li, id, to) {
  for (const b of li.querySelectorAll('button')) b.disabled = true;
  try {
    await patchText(id, to);
  } catch (e) {
    $('queue-message').textContent = w('moveFailed', { why: e.message });
    for (const b of li.querySelectorAll('button')) b.disabled = false;
    li.querySelector('button').focus();
    return;
  }
  const items = [...$('queue-list').children];
  const at = items.indexOf(li);
  const nextId = (items[at + 1] || items[at - 1])?.dataset.id;
  $('queue-message').textContent = w(MOVED[to]);
  // What is approved shows in the results at once; the list loses the text.
  const [all] = await Promise.all([getJSON('/api/survey/results'), loadQueue(items.length)]);
  state.all = all;
  render();
  const next = nextId && $('queue-list').querySelector(`[data-id="${nextId}"] button`);
  (next || $('queue-title')).focus();
}

function texts() {
  document.documentElement.lang = currentLang();
  applyTexts(); // the footer's imprint and privacy links
  $('skip').textContent = w('skip');
  $('results-title').textContent = w('title');
  document.title = `${w('title')} – geopart`;
  $('survey-link').textContent = w('surveyLink');
  $('map-link').textContent = w('mapLink');
  $('district-label').textContent = w('group');
  $('csv').textContent = w('csv');
  $('signin-link').textContent = w('signin');
  $('queue-title').textContent = w('queueTitle');
  $('queue-help').textContent = w('queueHelp');
  $('queue-status-label').textContent = w('queueShow');
  $('queue-more').textContent = w('queueMore');
  for (const o of $('queue-status').options) o.textContent = w(o.value);
  $('responses-csv').textContent = w('responsesCsv');
  $('codebook-csv').textContent = w('codebookCsv');
  $('planner-link').textContent = w('plannerLink');
  if (state.staff) {
    $('staff-who').textContent = w('staffWho', { name: state.staff.name });
    $('queue-link').textContent = w('queueLink', { n: number(state.pending) });
  }
}

async function main() {
  texts();
  initLanguageSwitch($('lang'), () => {
    texts();
    if (state.all) render();
    if (state.all && state.staff) $('staff-note').textContent = w('staffNote', { k: state.all.min_cell });
    if (state.queue) renderQueue();
  });
  const who = await getJSON('/api/session').catch(() => ({ signed_in: false }));
  state.staff = who.signed_in ? who : null;
  try {
    state.all = await getJSON('/api/survey/results');
  } catch (e) {
    const why = e instanceof ApiError && e.status === 404 ? 'noSurvey'
      : e instanceof ApiError && (e.status === 401 || e.status === 403) ? 'notPublic' : 'loadFailed';
    $('status').textContent = w(why);
    $('signin-hint').hidden = why !== 'notPublic';
    return;
  }
  $('controls').hidden = false;
  $('district').addEventListener('change', () => {
    state.district = $('district').value;
    render();
    if (state.staff) loadQueue().catch(() => { $('queue-message').textContent = w('loadFailed'); });
  });
  render();
  if (!state.staff) return;
  texts();
  $('staff-note').textContent = w('staffNote', { k: state.all.min_cell });
  $('staff').hidden = false;
  $('queue').hidden = false;
  $('queue-status').addEventListener('change', () => {
    state.queueStatus = $('queue-status').value;
    loadQueue().catch(() => { $('queue-message').textContent = w('loadFailed'); });
  });
  $('queue-more').addEventListener('click', () => {
    loadMore().catch(() => { $('queue-message').textContent = w('loadFailed'); });
  });
  try {
    await loadQueue();
  } catch {
    $('queue-message').textContent = w('loadFailed');
  }
  document.body.dataset.queue = 'ready';
}

main();
