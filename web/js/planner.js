// planner.js — the planner view (planner.html): Ortsbezirke or Stadtteile
// coloured by their number of entries or by the share of "needs
// improvement", the same numbers as a sortable table, filters, the CSV
// download and the entries as a list (the accessible alternative to the
// map).
//
// The numbers are /api/stats, which applies the filters itself (kind,
// topic, date range with both ends included), so the table, the map and the
// CSV download always agree. The table's breakdown picker shows a row's
// points by kind, channel, topic or outcome; the map keeps counting all.

import { getJSON, query } from './api.js';
import { applyTexts, formatDate, formatNumber, label, t, tn } from './i18n.js';
import {
  createMap, districtLabels, fetchDistricts, renderLegalLinks, renderSources, startPage
} from './map.js';
import { categoryBadge, categoryLabel, replyLines, topicLabel } from './points.js';
import { startWorkspace, w } from './workspace.js';

const L = window.L;
const $ = (id) => document.getElementById(id);
const LIST_PAGE = 50;
const CLASSES = 5;

const state = {
  config: null,
  map: null,
  shapes: null,      // the choropleth layer
  labels: null,
  geometry: {},      // layer → FeatureCollection
  rows: [],          // [{id, name, favourite, improvement, total, n: {column key → count}}]
  shown: null,       // the controls the rows were loaded for
  sort: { key: 'name', dir: 'ascending' },
  run: 0,            // increments per refresh; late answers are dropped
  list: { offset: 0, done: false },
  points: null       // the chosen district's points and hotspots
};

// ---- the filters ------------------------------------------------------------------

function controls() {
  const form = $('controls');
  return {
    layer: form.elements.layer.value,
    measure: form.elements.measure.value,
    breakdown: form.elements.breakdown.value,
    category: $('f-category').value,
    topic: $('f-topic').value,
    district: $('f-district').value,
    from: $('f-from').value,
    to: $('f-to').value
  };
}

function isFiltered(c) {
  return Boolean(c.category || c.topic || c.from || c.to || c.district);
}

// The filters as /api/stats and /api/points take them (an `until` date
// includes that whole day).
function filterParams(c) {
  return { category: c.category, topic: c.topic, since: c.from, until: c.to };
}

const CHANNELS = ['online', 'walk', 'workshop'];
const OUTCOMES = ['open', 'in_review', 'adopted', 'not_adopted'];

// The topics the topic breakdown counts: the chosen one, else every topic.
function breakdownTopics(c) {
  return state.config.topics.map((tp) => tp.id).filter((id) => !c.topic || id === c.topic);
}

// /api/stats counts by kind, channel, outcome and topic in one answer.
async function loadRows(c) {
  const stats = await getJSON(`/api/stats${query({ layer: c.layer, ...filterParams(c) })}`);
  const topics = c.breakdown === 'topic' ? breakdownTopics(c) : [];
  // A chosen district narrows the table to its own row.
  return stats.districts.filter((d) => !c.district || d.id === c.district).map((d) => {
    const n = { favourite: d.favourite, improvement: d.improvement, total: d.total };
    for (const k of CHANNELS) n[`channel:${k}`] = d.channels[k];
    for (const k of OUTCOMES) n[`outcome:${k}`] = d.outcomes[k];
    for (const id of topics) n[`topic:${id}`] = d.by_topic[id] ?? 0;
    return { id: d.id, name: d.name, favourite: d.favourite, improvement: d.improvement, total: d.total, n };
  });
}

// ---- the choropleth ------------------------------------------------------------------

function share(row) {
  return row.total ? row.improvement / row.total : 0;
}

function classOf(value, max) {
  if (max <= 0) return 0;
  return Math.min(CLASSES - 1, Math.floor((value / max) * CLASSES));
}

function measureOf(row, measure) {
  return measure === 'share' ? share(row) : row.total;
}

function maxOf(measure) {
  if (measure === 'share') return 1;
  return Math.max(0, ...state.rows.map((r) => r.total));
}

function tooltipFor(row) {
  const box = document.createElement('div');
  const name = document.createElement('strong');
  name.textContent = row.name;
  const nums = document.createElement('div');
  nums.textContent = `${t('colFav')}: ${formatNumber(row.favourite)} · ${t('colImp')}: ${formatNumber(row.improvement)} · ${t('colTotal')}: ${formatNumber(row.total)}`;
  box.append(name, nums);
  return box;
}

function drawMap(c) {
  const byId = new Map(state.rows.map((r) => [r.id, r]));
  const max = maxOf(c.measure);
  if (state.shapes) state.shapes.remove();
  if (state.labels) state.labels.remove();
  state.shapes = L.geoJSON(state.geometry[c.layer], {
    style: (f) => {
      const row = byId.get(f.properties.id);
      const k = row ? classOf(measureOf(row, c.measure), max) : 0;
      return { className: `choro choro-${k}` };
    },
    onEachFeature: (f, layer) => {
      const row = byId.get(f.properties.id);
      if (row) layer.bindTooltip(tooltipFor(row), { sticky: true });
      layer.on('add', () => { layer.getElement().dataset.id = f.properties.id; });
    }
  }).addTo(state.map);
  state.labels = districtLabels(state.geometry[c.layer]).addTo(state.map);
  drawLegend(c, max);
}

function drawLegend(c, max) {
  const list = $('choro-legend');
  list.replaceChildren();
  const title = document.createElement('li');
  title.textContent = c.measure === 'share' ? t('legendShare') : t('legendCount');
  list.append(title);
  for (let k = 0; k < CLASSES; k++) {
    const lo = (max * k) / CLASSES;
    const hi = (max * (k + 1)) / CLASSES;
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = `swatch swatch-${k}`;
    sw.setAttribute('aria-hidden', 'true');
    // Whole counts: a class holds lo ≤ n < hi (the last one up to max), as
    // classOf decides; with a small max some classes hold no count at all.
    const from = Math.ceil(lo);
    const to = k === CLASSES - 1 ? max : Math.ceil(hi) - 1;
    const text = c.measure === 'share'
      ? `${formatNumber(lo * 100)}–${formatNumber(hi * 100)} %`
      : from > to ? w('legendEmpty')
        : from === to ? formatNumber(from) : `${formatNumber(from)}–${formatNumber(to)}`;
    li.append(sw, text);
    list.append(li);
  }
}

// ---- the table ----------------------------------------------------------------------------

// The table's columns for a breakdown: `text` is a key of i18n.js, `label`
// a configured topic's name in both languages.
function columns(c) {
  const numbers = {
    kind: [{ key: 'favourite', text: 'colFav' }, { key: 'improvement', text: 'colImp' }],
    channel: [{ key: 'channel:online', text: 'colOnline' }, { key: 'channel:walk', text: 'colWalk' },
      { key: 'channel:workshop', text: 'colWorkshop' }],
    topic: state.config.topics.filter((tp) => breakdownTopics(c).includes(tp.id))
      .map((tp) => ({ key: `topic:${tp.id}`, label: tp.label })),
    outcome: OUTCOMES.map((k) => ({ key: `outcome:${k}`, text: `outcome_${k}` }))
  }[c.breakdown] || [];
  return [{ key: 'name', text: 'colDistrict' }, ...numbers, { key: 'total', text: 'colTotal' },
    ...(c.breakdown === 'kind' ? [{ key: 'share', text: 'colShare' }] : [])];
}

function sortValue(row, key) {
  if (key === 'name') return row.name;
  return key === 'share' ? share(row) : row.n[key];
}

function sortedRows() {
  const { key, dir } = state.sort;
  const sign = dir === 'ascending' ? 1 : -1;
  const lang = document.documentElement.lang;
  return [...state.rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    const d = typeof va === 'string' ? va.localeCompare(vb, lang) : va - vb;
    return sign * (d || a.name.localeCompare(b.name, lang));
  });
}

function cell(tag, text, attrs = {}) {
  const el = document.createElement(tag);
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function percent(row) {
  return row.total ? t('share', { p: formatNumber(share(row) * 100, 1) }) : '–';
}

function tableRow(tr, row, cols) {
  tr.append(cell('th', row.name, { scope: 'row' }), ...cols.slice(1).map((col) => (col.key === 'share'
    ? cell('td', percent(row))
    : cell('td', formatNumber(row.n[col.key]), { 'data-value': row.n[col.key] }))));
  return tr;
}

function drawTable(c) {
  $('table-caption').textContent = t('tableCaption', { layer: t(`${c.layer}One`) });
  const cols = columns(c);
  const numeric = cols.filter((col) => col.key !== 'name' && col.key !== 'share');
  if (!cols.some((col) => col.key === state.sort.key)) state.sort = { key: 'name', dir: 'ascending' };
  const head = $('table-head');
  head.replaceChildren();
  for (const col of cols) {
    const th = document.createElement('th');
    th.scope = 'col';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    button.dataset.key = col.key;
    button.textContent = col.label ? label(col.label) : t(col.text);
    if (state.sort.key === col.key) {
      th.setAttribute('aria-sort', state.sort.dir);
      button.dataset.dir = state.sort.dir;
    }
    button.addEventListener('click', () => {
      const dir = state.sort.key === col.key && state.sort.dir === 'ascending' ? 'descending' : 'ascending';
      state.sort = { key: col.key, dir };
      drawTable(state.shown);
      head.querySelector(`button[data-key="${col.key}"]`).focus();
    });
    th.append(button);
    head.append(th);
  }
  const body = $('table-body');
  body.replaceChildren();
  for (const row of sortedRows()) {
    const tr = document.createElement('tr');
    tr.dataset.id = row.id;
    body.append(tableRow(tr, row, cols));
  }
  const sum = { name: t('totalRow'), n: {} };
  for (const col of numeric) sum.n[col.key] = state.rows.reduce((s, r) => s + r.n[col.key], 0);
  [sum.favourite, sum.improvement, sum.total] = ['favourite', 'improvement', 'total']
    .map((k) => state.rows.reduce((s, r) => s + r[k], 0));
  $('table-foot').replaceChildren(tableRow(document.createElement('tr'), sum, cols));
  $('csv').href = `/api/stats${query({ layer: c.layer, ...filterParams(c), format: 'csv' })}`;
  $('filter-note').textContent = isFiltered(c) ? t('filtered') : t('unfiltered');
  return sum.total;
}

// ---- the list ---------------------------------------------------------------------------------

function listItem(f) {
  const p = f.properties;
  const li = document.createElement('li');
  li.dataset.id = f.id;
  const head = document.createElement('p');
  head.append(categoryBadge(p.category, categoryLabel(state.config, p.category)));
  const comment = document.createElement('p');
  comment.className = 'popup-comment';
  comment.textContent = p.comment;
  const meta = document.createElement('p');
  meta.className = 'meta';
  const parts = [formatDate(p.created), t('districtLine', { ob: p.ortsbezirk_name, st: p.stadtteil_name }),
    tn('supporters', p.supporters || 0)];
  if (p.topic) parts.push(t('topicLine', { topic: topicLabel(state.config, p.topic) }));
  parts.push(w('listExtra', { channel: w(`channel_${p.channel}`) }));
  meta.textContent = parts.join(' · ');
  const link = document.createElement('a');
  link.href = `index.html?point=${encodeURIComponent(f.id)}`;
  link.textContent = w('showOnMap', { id: f.id });
  li.append(head, comment, meta, ...replyLines(p), link);
  return li;
}

async function loadListPage(c, run) {
  const fc = await getJSON(`/api/points${query({
    ...filterParams(c), district: c.district, limit: LIST_PAGE, offset: state.list.offset
  })}`);
  if (run !== state.run) return;
  state.list.offset += fc.features.length;
  state.list.done = state.list.offset >= fc.numberMatched || fc.features.length === 0;
  const list = $('point-list');
  for (const f of fc.features) list.append(listItem(f));
  $('list-more').hidden = state.list.done;
}

// ---- refresh ---------------------------------------------------------------------------------------

function validRange(c) {
  const bad = c.from && c.to && c.to < c.from;
  const err = $('f-error');
  err.hidden = !bad;
  err.textContent = bad ? t('invalidRange') : '';
  if (bad) $('f-to').setAttribute('aria-invalid', 'true');
  else $('f-to').removeAttribute('aria-invalid');
  return !bad;
}

async function refresh() {
  const c = controls();
  if (!validRange(c)) return;
  const run = ++state.run;
  if (!state.geometry[c.layer]) state.geometry[c.layer] = await fetchDistricts(c.layer);
  fillDistricts(c);
  c.district = $('f-district').value;
  const rows = await loadRows(c);
  if (run !== state.run) return;
  state.rows = rows;
  state.shown = c;
  drawMap(c);
  const total = drawTable(c);
  drawDownloads(c);
  $('list-count').textContent = total ? tn('listCount', total) : t('listEmpty');
  $('point-list').replaceChildren();
  state.list = { offset: 0, done: false };
  await loadListPage(c, run);
  if (run !== state.run) return;
  $('status').textContent = tn('updated', total);
  await drawDistrictPoints(c, run);
  if (run !== state.run) return;
  document.body.dataset.ready = String(run);
}

// The chosen district's points lie above the district names: a point at a
// district's centre would otherwise hide under its label.
function pointPane() {
  if (!state.map.getPane('district-points')) {
    state.map.createPane('district-points').style.zIndex = 660;
  }
  return 'district-points';
}

// The chosen district's published points and hotspots on the map.
async function drawDistrictPoints(c, run) {
  if (state.points) state.points.remove();
  state.points = null;
  if (!c.district) return;
  const params = { ...filterParams(c) };
  const [fc, hot] = await Promise.all([
    getJSON(`/api/districts/${encodeURIComponent(c.district)}/points${query({ ...params, limit: 10000 })}`),
    // Hotspots are a hint: a refused or unavailable answer leaves them out.
    getJSON(`/api/hotspots${query({ district: c.district, category: c.category, since: c.from, until: c.to })}`)
      .catch(() => ({ features: [] }))
  ]);
  if (run !== state.run) return;
  const group = L.featureGroup();
  for (const h of hot.features) {
    L.geoJSON(h, { style: { className: 'hotspot' } })
      .bindTooltip(w('hotspotTip', { n: h.properties.point_count })).addTo(group);
  }
  for (const f of fc.features) {
    const [lon, lat] = f.geometry.coordinates;
    L.circleMarker([lat, lon], { radius: 6, pane: pointPane(), className: `planner-point planner-point-${f.properties.category}` })
      .bindTooltip(f.properties.comment).addTo(group);
  }
  state.points = group.addTo(state.map);
  const shape = state.geometry[c.layer].features.find((d) => d.id === c.district || d.properties.id === c.district);
  if (shape) state.map.fitBounds(L.geoJSON(shape).getBounds(), { animate: false });
  const name = shape ? shape.properties.name : c.district;
  $('status').textContent = w('pointsShown', { n: fc.features.length, h: hot.features.length, district: name });
}

// The point files follow the district picker, as the table, map and list do.
function drawDownloads(c) {
  const shape = c.district && state.geometry[c.layer].features
    .find((d) => d.properties.id === c.district);
  $('dl-label').textContent = c.district
    ? w('dlDistrict', { district: shape ? shape.properties.name : c.district }) : w('dlAll');
  for (const format of ['geojson', 'csv', 'gpkg']) {
    $(`dl-${format}`).href = `/api/export${query({ format, district: c.district || undefined })}`;
  }
}

function fillDistricts(c) {
  const sel = $('f-district');
  const keep = sel.value;
  const features = (state.geometry[c.layer] || { features: [] }).features;
  sel.replaceChildren(new Option(w('allDistricts'), ''),
    ...features.map((d) => new Option(d.properties.name, d.properties.id)));
  sel.value = features.some((d) => d.properties.id === keep) ? keep : '';
}

function fillSelects() {
  const cat = $('f-category');
  const topic = $('f-topic');
  const keep = [cat.value, topic.value];
  cat.replaceChildren(new Option(t('allCategories'), ''));
  for (const c of state.config.categories) cat.append(new Option(label(c.label), c.id));
  topic.replaceChildren(new Option(t('allTopics'), ''));
  for (const tp of state.config.topics) topic.append(new Option(label(tp.label), tp.id));
  [cat.value, topic.value] = keep;
}

function renderTexts() {
  applyTexts({ city: state.config.city });
  fillSelects();
  renderSources($('source-list'), state.config);
  renderLegalLinks(state.config);
}

async function start() {
  state.config = await startPage((config) => {
    state.config = config;
    renderTexts();
  }, () => {
    state.map.fire('gp:language');
    refresh();
  });
  if (!state.config) return;
  startWorkspace(state.config).catch(() => { $('ws-status').textContent = t('loadFailed'); });
  state.map = createMap($('map'), state.config);
  const form = $('controls');
  form.addEventListener('change', () => refresh().catch(() => { $('status').textContent = t('loadFailed'); }));
  form.addEventListener('reset', () => setTimeout(() => refresh(), 0));
  form.addEventListener('submit', (e) => e.preventDefault());
  $('list-more').addEventListener('click', () => loadListPage(controls(), state.run));
  try {
    await refresh();
    state.map.fitBounds(state.shapes.getBounds(), { animate: false });
  } catch (e) {
    $('status').textContent = t('loadFailed');
  }
}

start();
