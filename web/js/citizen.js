// citizen.js — the citizen page (index.html): the map with the districts
// and the visible points, and adding a point by click/tap, by keyboard
// (crosshair at the centre, arrow keys pan, Enter places) or from the
// device's location after asking.

import { ApiError, getJSON, postJSON } from './api.js';
import { applyTexts, formatDate, label, t } from './i18n.js';
import {
  createMap, districtLabels, fetchDistricts, participationText, renderSources, startPage
} from './map.js';
import { categoryBadge, drawFeatures, loadVisible, pointMarker } from './points.js';

const L = window.L;
const $ = (id) => document.getElementById(id);

const state = {
  config: null,
  map: null,
  points: null,     // layer group of the loaded view
  mine: null,       // the citizen's own new point, highlighted
  mineFeature: null,
  chosen: null,     // L.LatLng of the place being entered
  chosenMarker: null,
  form: null,       // {token, at}
  loading: null     // AbortController of the running view load
};

function say(text) {
  // Re-set so a repeated message is announced again.
  const status = $('status');
  status.textContent = '';
  requestAnimationFrame(() => { status.textContent = text; });
}

// ---- the map view ------------------------------------------------------------

async function reloadView() {
  if (state.loading) state.loading.abort();
  const ctrl = new AbortController();
  state.loading = ctrl;
  try {
    const { features, total, complete } = await loadVisible(state.map, { signal: ctrl.signal });
    if (ctrl.signal.aborted) return;
    const mineId = state.mineFeature && state.mineFeature.id;
    drawFeatures(state.points, features.filter((f) => f.properties.cluster || f.id !== mineId),
      state.map, state.config);
    const note = $('view-note');
    note.textContent = complete ? t(total === 1 ? 'shownOne' : 'shownCount', { n: total })
      : t('shownSome', { shown: features.length, total });
    state.map.getContainer().dataset.loaded = String(Date.now());
  } catch (e) {
    if (e.name !== 'AbortError') say(t('loadFailed'));
  }
}

function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

// The lat/lon bounds of a FeatureCollection of (Multi)Polygons.
function extentOf(fc) {
  let w = 180, s = 90, e = -180, n = -90;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      w = Math.min(w, c[0]); e = Math.max(e, c[0]);
      s = Math.min(s, c[1]); n = Math.max(n, c[1]);
    } else {
      for (const x of c) walk(x);
    }
  };
  for (const f of fc.features) walk(f.geometry.coordinates);
  return L.latLngBounds([s, w], [n, e]);
}

function addCrosshair(container) {
  const cross = document.createElement('div');
  cross.className = 'crosshair';
  cross.setAttribute('aria-hidden', 'true');
  const hint = document.createElement('div');
  hint.className = 'map-hint';
  hint.id = 'map-hint';
  hint.setAttribute('aria-hidden', 'true');
  hint.dataset.i18n = 'crosshairHint';
  hint.textContent = t('crosshairHint');
  const note = document.createElement('div');
  note.className = 'view-note';
  note.id = 'view-note';
  container.append(cross, hint, note);
}

// ---- choosing a place -------------------------------------------------------

// A server that does not say (older configuration) takes entries.
function isOpen() {
  return state.config.participation?.open !== false;
}

function positionText() {
  if (!state.chosen) return t('noPosition');
  return t('position', { lat: state.chosen.lat.toFixed(5), lon: state.chosen.lng.toFixed(5) });
}

async function choose(latlng) {
  if (!isOpen()) {
    say(t('errClosed'));
    return;
  }
  state.chosen = latlng;
  const icon = L.divIcon({ className: 'pin pin-new', html: '<span class="pin-body" aria-hidden="true">+</span>', iconSize: [30, 30] });
  if (!state.chosenMarker) {
    state.chosenMarker = L.marker(latlng, { icon, keyboard: false, interactive: false, title: t('newPoint') })
      .addTo(state.map);
  } else {
    state.chosenMarker.setLatLng(latlng);
  }
  $('pos').textContent = positionText();
  clearErrors();
  const form = $('entry');
  const wasHidden = form.hidden;
  form.hidden = false;
  $('result').hidden = true;
  if (wasHidden || !state.form) await newFormToken();
  $('entry-title').focus();
}

async function newFormToken() {
  try {
    const body = await getJSON('/api/form');
    state.form = { token: body.form_token, at: Date.now(), min: (body.min_seconds || 0) * 1000 };
  } catch (e) {
    state.form = null;
  }
}

function closeForm() {
  $('entry').hidden = true;
  state.chosen = null;
  if (state.chosenMarker) {
    state.chosenMarker.remove();
    state.chosenMarker = null;
  }
}

// ---- the form -----------------------------------------------------------------

function chars(s) {
  return [...s].length;
}

function renderCounter() {
  const max = state.config.comment_max_chars;
  const n = chars($('comment').value);
  const counter = $('counter');
  counter.textContent = t('counter', { n, max });
  counter.classList.toggle('over', n > max);
  // Screen readers hear the counter only near the limit, not per key.
  const left = max - n;
  const live = $('counter-live');
  const text = left <= max * 0.1 ? t('counterNear', { n: Math.max(left, 0) }) : '';
  if (live.textContent !== text) live.textContent = text;
}

function renderChoices() {
  const box = $('category-choices');
  const checked = box.querySelector('input:checked')?.value;
  box.replaceChildren();
  for (const c of state.config.categories) {
    const id = `cat-${c.id}`;
    const wrap = document.createElement('div');
    wrap.className = `choice choice-${c.id}`;
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'category';
    input.id = id;
    input.value = c.id;
    input.checked = c.id === checked;
    const lab = document.createElement('label');
    lab.htmlFor = id;
    lab.append(categoryBadge(c.id, label(c.label)));
    wrap.append(input, lab);
    box.append(wrap);
  }
}

function renderTopics() {
  const select = $('topic');
  const value = select.value;
  select.replaceChildren(new Option(t('noTopic'), ''));
  for (const topic of state.config.topics) select.append(new Option(label(topic.label), topic.id));
  select.value = value;
}

function renderLegend() {
  const list = $('legend-list');
  list.replaceChildren();
  for (const c of state.config.categories) {
    const li = document.createElement('li');
    li.append(categoryBadge(c.id, label(c.label)));
    list.append(li);
  }
}

const ERROR_SLOTS = {
  geometry: { error: 'err-geometry' },
  'properties.category': { error: 'err-category', field: 'categories' },
  'properties.comment': { error: 'err-comment', field: 'comment' },
  'properties.topic': { error: 'err-topic', field: 'topic' }
};

function clearErrors() {
  for (const slot of Object.values(ERROR_SLOTS)) {
    const el = $(slot.error);
    el.hidden = true;
    el.textContent = '';
    if (slot.field) $(slot.field).removeAttribute('aria-invalid');
  }
  $('form-error').textContent = '';
}

// Shows a message at the field it belongs to (or above the buttons).
function showError(field, text, detail) {
  const slot = ERROR_SLOTS[field];
  const full = detail ? `${text} ${t('serverSays', { detail })}` : text;
  if (slot) {
    const el = $(slot.error);
    el.textContent = full;
    el.hidden = false;
    if (slot.field) {
      $(slot.field).setAttribute('aria-invalid', 'true');
    }
  }
  // The alert region announces it and keeps it visible near the buttons.
  $('form-error').textContent = full;
}

function problemMessage(e) {
  const city = state.config.city;
  if (e.status === 0) return { text: t('errNetwork') };
  if (e.status === 403) return { text: t('errClosed') };
  if (e.status === 429) return { text: t('errRate', { s: e.retryAfter || 60 }) };
  if (e.status === 409) return { field: 'properties.comment', text: t('errDuplicate') };
  if (e.field === 'geometry') return { field: 'geometry', text: t('errOutside', { city }), detail: e.problem.detail };
  return { field: e.field, text: t('errGeneric'), detail: e.problem.detail || e.problem.title };
}

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  const category = $('entry').querySelector('input[name="category"]:checked')?.value;
  const comment = $('comment').value;
  if (!state.chosen) return showError('geometry', t('choosePlace'));
  if (!category) {
    showError('properties.category', t('chooseCategory'));
    $('categories').querySelector('input').focus();
    return;
  }
  if (!comment.trim()) {
    showError('properties.comment', t('writeComment'));
    $('comment').focus();
    return;
  }
  const button = $('submit');
  button.disabled = true;
  button.textContent = t('sending');
  try {
    if (!state.form) await newFormToken();
    // A form sent faster than the server's minimum looks like a bot and
    // would be dropped silently: wait for the rest of that time.
    if (state.form) await wait(Math.max(0, state.form.at + state.form.min + 100 - Date.now()));
    const feature = {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [round(state.chosen.lng), round(state.chosen.lat)] },
      properties: {
        category,
        comment,
        form_token: state.form ? state.form.token : '',
        website: $('website').value
      }
    };
    if ($('topic').value) feature.properties.topic = $('topic').value;
    const { status, body } = await postJSON('/api/points', feature);
    done(status, body);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const m = problemMessage(e);
    showError(m.field, m.text, m.detail);
    if (m.field && ERROR_SLOTS[m.field]?.field) $(ERROR_SLOTS[m.field].field).focus();
  } finally {
    button.disabled = false;
    button.textContent = t('submit');
  }
}

function round(v) {
  return Math.round(v * 1e7) / 1e7;
}

function done(status, body) {
  state.form = null;
  $('comment').value = '';
  $('topic').value = '';
  for (const r of $('entry').querySelectorAll('input[name="category"]')) r.checked = false;
  renderCounter();
  const latlng = state.chosen;
  closeForm();
  if (status === 201 && body.properties) {
    const p = body.properties;
    const key = p.status === 'pending' ? 'thanksPending' : 'thanks';
    say(t(key, { district: p.ortsbezirk_name }));
    $('status').dataset.ortsbezirk = p.ortsbezirk_id || '';
    if (p.status === 'published') {
      state.mineFeature = body;
      if (state.mine) state.mine.remove();
      state.mine = pointMarker(body, state.config, 'pin-mine').addTo(state.map);
      $('show-mine').hidden = false;
      state.map.setView(latlng, Math.max(state.map.getZoom(), 16));
      reloadView();
    } else {
      $('show-mine').hidden = true;
    }
  } else {
    // 202: received but not shown (what a too-quick robot would get).
    say(t('thanksReceived'));
    $('show-mine').hidden = true;
  }
  $('result').hidden = false;
}

// ---- device location, only after asking -----------------------------------------

function initLocate() {
  const ask = $('locate-ask');
  const open = (yes) => {
    ask.hidden = !yes;
    $('locate').setAttribute('aria-expanded', String(yes));
  };
  $('locate').addEventListener('click', () => {
    open(ask.hidden);
    if (!ask.hidden) $('locate-yes').focus();
  });
  $('locate-no').addEventListener('click', () => {
    open(false);
    $('locate').focus();
  });
  $('locate-yes').addEventListener('click', () => {
    open(false);
    if (!navigator.geolocation) return say(t('locationFailed'));
    navigator.geolocation.getCurrentPosition((pos) => {
      const latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
      state.map.setView(latlng, 17);
      say(t('locationFound'));
      choose(latlng);
    }, () => say(t('locationFailed')), { enableHighAccuracy: true, timeout: 15000 });
  });
}

// ---- start ------------------------------------------------------------------------

function renderTexts() {
  applyTexts({ city: state.config.city });
  $('period').textContent = participationText(state.config.participation, formatDate);
  $('privacy-note').textContent = state.config.privacy_note || '';
  renderSources($('source-list'), state.config);
  renderChoices();
  renderTopics();
  renderLegend();
  renderCounter();
  $('pos').textContent = positionText();
}

async function start() {
  // The boundaries do not depend on the configuration: ask for both at once.
  const districtsAnswer = fetchDistricts('ortsbezirk');
  districtsAnswer.catch(() => {});
  state.config = await startPage((config) => {
    state.config = config;
    renderTexts();
  }, () => {
    state.map.fire('gp:language');
    reloadView();
  });
  if (!state.config) return;
  if (!isOpen()) {
    $('place-centre').disabled = true;
    $('locate').disabled = true;
  }

  const map = createMap($('map'), state.config);
  state.map = map;
  state.points = L.layerGroup().addTo(map);
  addCrosshair(map.getContainer());
  map.on('click', (e) => choose(e.latlng));
  map.getContainer().addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === map.getContainer()) {
      e.preventDefault();
      choose(map.getCenter());
    }
  });

  try {
    const districts = await districtsAnswer;
    // Ask for the points first, then draw the boundaries while they travel.
    map.fitBounds(extentOf(districts), { animate: false });
    reloadView();
    L.geoJSON(districts, { interactive: false, className: 'district' }).addTo(map).bringToBack();
    districtLabels(districts).addTo(map);
  } catch (e) {
    say(t('loadFailed'));
    reloadView();
  }
  // Later moves load their view; the first one is loading already.
  map.on('moveend', debounce(reloadView, 120));

  $('place-centre').addEventListener('click', () => choose(map.getCenter()));
  $('entry').addEventListener('submit', submit);
  $('cancel').addEventListener('click', () => {
    closeForm();
    $('place-centre').focus();
  });
  $('comment').addEventListener('input', renderCounter);
  $('show-mine').addEventListener('click', () => {
    if (!state.mine) return;
    map.setView(state.mine.getLatLng(), Math.max(map.getZoom(), 16));
    state.mine.openPopup();
  });
  $('new-entry').addEventListener('click', () => {
    $('result').hidden = true;
    map.getContainer().focus();
  });
  initLocate();
}

start();
