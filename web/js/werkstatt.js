// werkstatt.js — the live room (/werkstatt?event=ID), the page a projector
// shows at a walk or workshop: the map of the event's district (or the
// city), every point as it is made, counts by category and topic, the
// latest comments, and the QR code that takes phones to the event's entry
// page (drawn by the server, /werkstatt/qr.svg).
//
// The points come from the event stream /api/live (Server-Sent Events):
// `snapshot` replaces everything, `point`, `support` (+1) and `reply` add
// or update one, `withdrawn` removes one (hidden by a planner, deleted).  The browser reconnects on
// its own and sends Last-Event-ID, so the server resumes without loss.

import { getJSON } from './api.js';
import { applyTexts, formatNumber, label, t, tn } from './i18n.js';
import { createMap, districtLabels, fetchDistricts, startPage } from './map.js';
import { pointMarker } from './points.js';

const L = window.L;
const $ = (id) => document.getElementById(id);
const TICKER_MAX = 6;

const eventId = (() => {
  const v = new URLSearchParams(location.search).get('event');
  return /^[1-9][0-9]{0,17}$/.test(v || '') ? v : null;
})();

const state = {
  config: null,
  map: null,
  event: null,
  joinUrl: '',
  points: new Map(), // id → { feature, marker }
  ticker: [] // the latest features, newest first
};

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

// ---- drawing -------------------------------------------------------------------

function addPoint(feature, arriving) {
  const old = state.points.get(feature.id);
  if (old) old.marker.remove();
  const marker = pointMarker(feature, state.config, () => {},
    arriving && !reducedMotion.matches ? 'pin-arrive' : '');
  marker.on('add', () => { marker.getElement().dataset.id = String(feature.id); });
  marker.addTo(state.map);
  state.points.set(feature.id, { feature, marker });
  if (arriving && !old) {
    state.ticker.unshift(feature);
    state.ticker.length = Math.min(state.ticker.length, TICKER_MAX);
  } else {
    // an update (+1, reply) keeps its place in the ticker with its new text
    state.ticker = state.ticker.map((f) => (f.id === feature.id ? feature : f));
  }
}

function removePoint(id) {
  const old = state.points.get(id);
  if (old) old.marker.remove();
  state.points.delete(id);
  state.ticker = state.ticker.filter((f) => f.id !== id);
}

function countItem(text, n) {
  const li = document.createElement('li');
  const name = document.createElement('span');
  name.textContent = text;
  const count = document.createElement('span');
  count.className = 'count';
  count.textContent = formatNumber(n);
  li.append(name, count);
  return li;
}

function renderCounts() {
  const c = state.config;
  const byCategory = new Map();
  const byTopic = new Map();
  for (const { feature } of state.points.values()) {
    const p = feature.properties;
    byCategory.set(p.category, (byCategory.get(p.category) || 0) + 1);
    if (p.topic) byTopic.set(p.topic, (byTopic.get(p.topic) || 0) + 1);
  }
  $('room-total').textContent = tn('roomTotal', state.points.size);
  $('room-categories').replaceChildren(
    ...c.categories.map((cat) => countItem(label(cat.label), byCategory.get(cat.id) || 0)));
  $('room-topics').replaceChildren(...c.topics
    .filter((topic) => byTopic.get(topic.id))
    .map((topic) => countItem(label(topic.label), byTopic.get(topic.id))));
  $('room-ticker').replaceChildren(...state.ticker.map((f) => {
    const li = document.createElement('li');
    li.textContent = f.properties.comment;
    return li;
  }));
}

function renderTexts() {
  applyTexts({ city: state.config.city });
  if (state.event) {
    $('room-event').textContent = t('roomEvent', { name: state.event.name });
    document.title = `${state.event.name} – ${t('roomTitle')}`;
  }
  if (state.joinUrl) {
    const img = $('room-qr').querySelector('svg');
    if (img) img.setAttribute('aria-label', t('roomQr', { url: state.joinUrl }));
  }
  if (state.map) renderCounts();
}

// ---- the stream ------------------------------------------------------------------

function follow() {
  const source = new EventSource(`/api/live${eventId ? `?event=${eventId}` : ''}`);
  source.addEventListener('open', () => { $('status').textContent = t('roomConnected'); });
  source.addEventListener('error', () => { $('status').textContent = t('roomReconnecting'); });
  source.addEventListener('snapshot', (e) => {
    for (const id of [...state.points.keys()]) removePoint(id);
    for (const f of JSON.parse(e.data).features) addPoint(f, false);
    renderCounts();
  });
  for (const kind of ['point', 'support', 'reply']) {
    source.addEventListener(kind, (e) => {
      addPoint(JSON.parse(e.data), kind === 'point');
      renderCounts();
    });
  }
  source.addEventListener('withdrawn', (e) => {
    removePoint(JSON.parse(e.data).id);
    renderCounts();
  });
  // the server could not resume this stream: start again from a snapshot
  source.addEventListener('reset', () => {
    source.close();
    follow();
  });
}

// ---- start -----------------------------------------------------------------------

async function showJoin() {
  const res = await fetch(`/werkstatt/qr.svg?event=${eventId}`);
  if (!res.ok) return;
  const svg = new DOMParser().parseFromString(await res.text(), 'image/svg+xml').documentElement;
  if (svg.nodeName !== 'svg') return;
  state.joinUrl = svg.querySelector('title')?.textContent || '';
  $('room-qr').replaceChildren(document.importNode(svg, true));
  // the address as people type it: without the scheme
  $('room-url').textContent = state.joinUrl.replace(/^https?:\/\//, '');
  $('room-join').hidden = false;
}

function boundsOf(collection, id) {
  const features = id ? collection.features.filter((f) => f.id === id || f.properties.id === id)
    : collection.features;
  return features.length ? L.geoJSON({ type: 'FeatureCollection', features }).getBounds() : null;
}

async function start() {
  if (eventId) {
    try {
      state.event = await getJSON(`/api/events/${eventId}`);
    } catch (e) {
      state.event = null;
    }
  }
  state.config = await startPage((config) => {
    state.config = config;
    renderTexts();
  }, () => renderTexts());
  if (!state.config) return;
  const map = createMap($('map'), state.config);
  state.map = map;
  renderCounts();
  if (state.event) showJoin().catch(() => {});
  else if (eventId) $('status').textContent = t('roomNoEvent');

  try {
    const ortsbezirke = await fetchDistricts('ortsbezirk');
    let bounds = boundsOf(ortsbezirke, state.event?.district);
    if (!bounds && state.event?.district) {
      bounds = boundsOf(await fetchDistricts('stadtteil'), state.event.district);
    }
    map.fitBounds(bounds || boundsOf(ortsbezirke, null), { animate: false });
    L.geoJSON(ortsbezirke, { interactive: false, className: 'district' }).addTo(map).bringToBack();
    districtLabels(ortsbezirke).addTo(map);
  } catch (e) {
    $('status').textContent = t('loadFailed');
  }
  new ResizeObserver(() => map.invalidateSize()).observe(map.getContainer());
  follow();
}

start();
