// survey-results.js — the questionnaire's results (/umfrage-ergebnisse):
// GET /api/survey/results for the whole city or one group (an Ortsbezirk,
// outside the city, not said), one chart per question — bars with their
// counts written beside them, withheld counts hatched and named in words,
// so the charts read without colour — each with a table of the same
// numbers, and the CSV download of what is shown.  The numbers are the
// server's as they are: this page never adds or derives a count.

import { ApiError, getJSON, query } from './api.js';
import { currentLang, initLanguageSwitch, label } from './i18n.js';

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
    switchLangLabel: 'Switch to English'
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
    switchLangLabel: 'Auf Deutsch umschalten'
  }
};

function w(key, vars = {}) {
  const s = WORDS[currentLang()][key] ?? WORDS.de[key];
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const state = { all: null, district: 'city' };

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

function texts() {
  document.documentElement.lang = currentLang();
  $('skip').textContent = w('skip');
  $('results-title').textContent = w('title');
  document.title = `${w('title')} – geopart`;
  $('survey-link').textContent = w('surveyLink');
  $('map-link').textContent = w('mapLink');
  $('district-label').textContent = w('group');
  $('csv').textContent = w('csv');
}

async function main() {
  texts();
  initLanguageSwitch($('lang'), () => { texts(); if (state.all) render(); });
  try {
    state.all = await getJSON('/api/survey/results');
  } catch (e) {
    const why = e instanceof ApiError && e.status === 404 ? 'noSurvey'
      : e instanceof ApiError && (e.status === 401 || e.status === 403) ? 'notPublic' : 'loadFailed';
    $('status').textContent = w(why);
    return;
  }
  $('controls').hidden = false;
  $('district').addEventListener('change', () => {
    state.district = $('district').value;
    render();
  });
  render();
}

main();
