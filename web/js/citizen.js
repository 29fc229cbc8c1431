// citizen.js — the citizen page (index.html): the map with the districts
// and the visible points, a point's details (+1, Melden, Link kopieren),
// the list view, and adding a point by click/tap, by keyboard (crosshair at
// the centre, arrow keys pan, Enter places) or from the device's location
// after asking.  ?point={id} opens the page on that point's details.
//
// The form checks what it can before sending — a place outside the city
// (against the Ortsbezirke the map draws), a missing kind of place or
// comment, a comment over the limit — and names every problem at once;
// while the comment is typed, entries within 50 m are offered for +1.

import { ApiError, getJSON, postJSON } from './api.js';
import {
  applyTexts, currentLang, formatDate, formatNumber, label, setConfiguredText, t, tn
} from './i18n.js';
import {
  configBounds, createMap, districtAt, districtLabels, fetchDistricts, keepClear, participationText,
  renderLegalLinks, renderSources, startPage
} from './map.js';
import { Details, pointDetails } from './details.js';
import { liveEvent, showEvent } from './live-entry.js';
import { MarkerLayer, categoryBadge, clusterSize, loadVisible, pointMarker } from './points.js';

const L = window.L;
const $ = (id) => document.getElementById(id);
const NEARBY_RADIUS = 50;

const state = {
  config: null,
  map: null,
  markers: null,    // MarkerLayer of the loaded view
  details: null,    // Details: the open point's popup
  districts: null,  // the Ortsbezirke (FeatureCollection), once loaded
  outlines: null,   // their outlines on the map (for the current zoom)
  firstDistricts: null, // the promise of the first outlines
  cityBounds: null, // the city's extent (L.LatLngBounds), from /api/config
  labels: null,     // their names on the map
  list: null,       // PointList, loaded on first use
  mine: null,       // the citizen's own new point, highlighted
  mineFeature: null,
  chosen: null,     // L.LatLng of the place being entered
  chosenDistrict: null,
  chosenMarker: null,
  nearby: { key: '', features: [], announced: '' },
  form: null,       // {token, at, min}
  loading: null     // AbortController of the running view load
};

function say(text) {
  // Re-set so a repeated message is announced again.
  const status = $('status');
  status.textContent = '';
  requestAnimationFrame(() => { status.textContent = text; });
}

// ---- the map view ------------------------------------------------------------

// The city as the server drew it into the map's box (src/page/map.c)
// goes when Leaflet draws its own outlines or points.
function dropFirstView() {
  const drawn = state.map && state.map.getContainer().querySelector('.first-view');
  if (drawn) drawn.remove();
}

async function reloadView(early) {
  if (state.loading) state.loading.abort();
  const ctrl = new AbortController();
  state.loading = ctrl;
  try {
    const { features, total, complete } = await loadVisible(state.map, { signal: ctrl.signal, early });
    if (ctrl.signal.aborted) return;
    const mineId = state.mineFeature && state.mineFeature.id;
    state.markers.draw(features.filter((f) => f.properties.cluster || f.id !== mineId));
    dropFirstView();
    if (state.labels) keepClear(state.map, state.labels, '.leaflet-marker-pane .leaflet-marker-icon');
    $('view-note').textContent = complete ? tn('shownCount', total)
      : t('shownSome', { shown: formatNumber(features.length), total: formatNumber(total) });
    state.map.getContainer().dataset.loaded = String(Date.now());
  } catch (e) {
    if (e.name !== 'AbortError') say(t('loadFailed'));
  }
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
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

// ---- a point's details -----------------------------------------------------------

function openDetails(feature, options) {
  state.details.open(feature, options);
}

// Keeps the open point in the address (?point=ID), so the address bar is
// its link; the language stays.
function rememberPoint(id) {
  const url = new URL(location.href);
  if (id === null) url.searchParams.delete('point');
  else url.searchParams.set('point', id);
  history.replaceState(null, '', url);
}

// A zoom at which a point stands alone, not inside a cluster.
function pointZoom() {
  const alone = (state.config.cluster_max_zoom ?? 16) + 1;
  return Math.min(Math.max(state.map.getZoom(), alone), state.map.getMaxZoom());
}

// From the list: the map moves to the point and opens its details; closing
// them returns to the list entry's button.
function showOnMap(feature, from) {
  const [lon, lat] = feature.geometry.coordinates;
  state.map.setView([lat, lon], pointZoom(), { animate: false });
  openDetails(feature, { returnTo: from });
  $('map').scrollIntoView({ block: 'nearest' });
}

async function openFromAddress() {
  const id = new URLSearchParams(location.search).get('point');
  if (!id) return;
  try {
    const feature = await getJSON(`/api/points/${encodeURIComponent(id)}`);
    const [lon, lat] = feature.geometry.coordinates;
    state.map.setView([lat, lon], pointZoom(), { animate: false });
    openDetails(feature);
  } catch (e) {
    rememberPoint(null);
    say(e instanceof ApiError && e.status === 404 ? t('pointGone') : t('loadFailed'));
  }
}

// ---- choosing a place -------------------------------------------------------

// A server that does not say (older configuration) takes entries.
function isOpen() {
  return state.config.participation?.open !== false;
}

function renderPosition() {
  const pos = $('pos');
  if (!state.chosen) {
    pos.textContent = t('noPosition');
    return;
  }
  let text;
  if (state.chosenDistrict) text = t('position', { district: state.chosenDistrict.properties.name });
  else if (state.districts) text = t('positionOutside', { city: state.config.city });
  else text = t('positionPlain');
  const coords = document.createElement('span');
  coords.className = 'coords';
  coords.textContent = ` (${t('coordinates', {
    lat: formatNumber(state.chosen.lat, 5), lon: formatNumber(state.chosen.lng, 5)
  })})`;
  pos.replaceChildren(text, coords);
}

async function choose(latlng) {
  if (!isOpen()) {
    say(t('errClosed'));
    return;
  }
  state.chosen = latlng;
  state.chosenDistrict = districtAt(state.districts, latlng);
  const outside = state.districts && !state.chosenDistrict;
  const icon = L.divIcon({
    className: `pin pin-new${outside ? ' pin-outside' : ''}`,
    html: '<span class="pin-body" aria-hidden="true">+</span>',
    iconSize: [30, 30]
  });
  if (!state.chosenMarker) {
    state.chosenMarker = L.marker(latlng, { icon, keyboard: false, interactive: false, title: t('newPoint') })
      .addTo(state.map);
  } else {
    state.chosenMarker.setLatLng(latlng).setIcon(icon);
  }
  renderPosition();
  clearErrors();
  // Outside the city: said at once, not after the whole form is filled in.
  if (outside) showError('geometry', t('errOutside', { city: state.config.city }));
  const form = $('entry');
  const wasHidden = form.hidden;
  form.hidden = false;
  $('result').hidden = true;
  $('entry-title').focus();
  lookNearby();
  // The form's timestamp arrives while the citizen reads and writes.
  if (wasHidden || !state.form) await newFormToken();
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
  state.chosenDistrict = null;
  state.nearby = { key: '', features: [], announced: '' };
  renderNearby();
  if (state.chosenMarker) {
    state.chosenMarker.remove();
    state.chosenMarker = null;
  }
}

// ---- "Gibt es schon?": entries within 50 m of the chosen place ---------------------

function chosenCategory() {
  return $('entry').querySelector('input[name="category"]:checked')?.value || '';
}

async function lookNearby() {
  const c = state.chosen;
  if (!c || !state.chosenDistrict) {
    state.nearby = { key: '', features: [], announced: '' };
    renderNearby();
    return;
  }
  const category = chosenCategory();
  const key = `${c.lng.toFixed(6)},${c.lat.toFixed(6)},${category}`;
  if (key === state.nearby.key) return;
  state.nearby.key = key;
  try {
    const params = new URLSearchParams({
      lon: c.lng.toFixed(7), lat: c.lat.toFixed(7), radius: NEARBY_RADIUS, limit: 3
    });
    if (category) params.set('category', category);
    const fc = await getJSON(`/api/points/nearby?${params}`);
    if (state.nearby.key !== key) return;
    state.nearby.features = fc.features;
  } catch (e) {
    if (state.nearby.key === key) state.nearby.features = [];
  }
  renderNearby();
}

// Shown while the citizen writes (the comment is not empty).
function renderNearby() {
  const box = $('dup-hint');
  const list = $('dup-list');
  const features = $('comment').value.trim() ? state.nearby.features : [];
  if (!features.length) {
    box.hidden = true;
    list.replaceChildren();
    return;
  }
  const shown = [...list.children].map((li) => li.dataset.id).join(',');
  const ids = features.map((f) => String(f.id)).join(',');
  box.hidden = false;
  if (shown !== ids) {
    list.replaceChildren(...features.map((f) => {
      const li = document.createElement('li');
      li.dataset.id = f.id;
      const distance = document.createElement('p');
      distance.className = 'dup-distance';
      distance.textContent = t('dupDistance', { m: formatNumber(Math.round(f.properties.distance)) });
      const box2 = pointDetails(f, state.config, { heading: 'h4', onShowOnMap: showOnMap });
      box2.insertBefore(distance, box2.children[1]);
      li.append(box2);
      return li;
    }));
  }
  if (state.nearby.announced !== state.nearby.key) {
    state.nearby.announced = state.nearby.key;
    say(tn('dupFound', features.length));
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
  counter.textContent = t('counter', { n: formatNumber(n), max: formatNumber(max) });
  counter.classList.toggle('over', n > max);
  // Screen readers hear the counter only near the limit, not per key.
  const left = max - n;
  const live = $('counter-live');
  let text = '';
  if (left < 0) text = t('counterOver');
  else if (left <= max * 0.1) text = tn('counterNear', left);
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

// The legend: both kinds of point, the three rings of a cluster, and the
// citizen's own new entry.
function renderLegend() {
  const list = $('legend-list');
  list.replaceChildren();
  for (const c of state.config.categories) {
    const li = document.createElement('li');
    li.append(categoryBadge(c.id, label(c.label)));
    list.append(li);
  }
  // Samples drawn like the markers, under classes of their own (tests and
  // the page count markers by .pin and .cluster).
  for (const [mix, key] of [['mostly-favourite', 'legendMixFavourite'],
    ['mostly-improvement', 'legendMixImprovement'], ['mixed', 'legendMixMixed']]) {
    const li = document.createElement('li');
    const sign = document.createElement('span');
    sign.className = `legend-ring ring-${mix}`;
    sign.setAttribute('aria-hidden', 'true');
    sign.textContent = formatNumber(12);
    sign.style.width = sign.style.height = `${clusterSize(12)}px`;
    const words = document.createElement('span');
    words.textContent = t(key);
    li.append(sign, words);
    list.append(li);
  }
  const mine = document.createElement('li');
  const pin = document.createElement('span');
  pin.className = 'legend-mine';
  pin.setAttribute('aria-hidden', 'true');
  pin.textContent = '♥';
  const words = document.createElement('span');
  words.textContent = t('legendMine');
  mine.append(pin, words);
  list.append(mine);
  $('legend-hint').textContent = t('legendClusterHint');
}

const ERROR_SLOTS = {
  geometry: { error: 'err-geometry', name: 'fieldPlace' },
  'properties.category': { error: 'err-category', field: 'categories', name: 'fieldCategory' },
  'properties.comment': { error: 'err-comment', field: 'comment', name: 'fieldComment' },
  'properties.topic': { error: 'err-topic', field: 'topic', name: 'fieldTopic' }
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

// Shows a message at the field it belongs to; the server's own words
// (English) only where the page has none of its own.
function showError(field, text, detail) {
  const slot = ERROR_SLOTS[field];
  const parts = [text];
  if (detail) {
    const words = document.createElement('span');
    words.textContent = detail;
    words.lang = 'en';
    parts.push(` ${t('serverSays')} `, words);
  }
  if (slot) {
    const el = $(slot.error);
    el.replaceChildren(...parts.map((p) => (typeof p === 'string' ? p : p.cloneNode(true))));
    el.hidden = false;
    if (slot.field) $(slot.field).setAttribute('aria-invalid', 'true');
  }
  // The alert region announces it and keeps it visible near the buttons.
  $('form-error').replaceChildren(...parts);
}

function problemMessage(e) {
  const city = state.config.city;
  const detail = e.problem.detail || e.problem.title;
  if (e.status === 0) return { text: t('errNetwork') };
  if (e.status === 403) return { text: t('errClosed') };
  if (e.status === 429) return { text: t('errRate', { s: e.retryAfter || 60 }) };
  if (e.status === 409) return { field: 'properties.comment', text: t('errDuplicate') };
  if (e.field === 'geometry') return { field: 'geometry', text: t('errOutside', { city }) };
  if (e.field === 'properties.topic') return { field: e.field, text: t('errTopic') };
  if (e.field === 'properties.comment') {
    const n = chars($('comment').value) - state.config.comment_max_chars;
    if (n > 0) return { field: e.field, text: tn('errTooLong', n, { max: formatNumber(state.config.comment_max_chars) }) };
    if (/control/i.test(detail)) return { field: e.field, text: t('errControl') };
    if (/empty/i.test(detail)) return { field: e.field, text: t('writeComment') };
  }
  return { field: e.field, text: t('errGeneric'), detail };
}

// Every problem the page can see itself, in the order of the form.
function checkForm() {
  const problems = [];
  const comment = $('comment').value;
  const max = state.config.comment_max_chars;
  if (!state.chosen) problems.push(['geometry', t('choosePlace')]);
  else if (state.districts && !state.chosenDistrict) {
    problems.push(['geometry', t('errOutside', { city: state.config.city })]);
  }
  if (!chosenCategory()) problems.push(['properties.category', t('chooseCategory')]);
  if (!comment.trim()) problems.push(['properties.comment', t('writeComment')]);
  else if (chars(comment) > max) {
    problems.push(['properties.comment',
      tn('errTooLong', chars(comment) - max, { max: formatNumber(max) })]);
  } else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(comment)) {
    problems.push(['properties.comment', t('errControl')]);
  }
  return problems;
}

function showProblems(problems) {
  for (const [field, text] of problems) {
    const slot = ERROR_SLOTS[field];
    const el = $(slot.error);
    el.textContent = text;
    el.hidden = false;
    if (slot.field) $(slot.field).setAttribute('aria-invalid', 'true');
  }
  const names = problems.map(([field]) => t(ERROR_SLOTS[field].name));
  const list = new Intl.ListFormat(currentLang() === 'de' ? 'de-DE' : 'en-GB', { type: 'conjunction' });
  // The alert names the fields; their own messages are read with them (a
  // place has no field to focus, so its message is said here).
  const placeText = problems.filter(([field]) => !ERROR_SLOTS[field].field).map(([, text]) => ` ${text}`);
  $('form-error').textContent = `${t('missingSummary', { fields: list.format(names) })}${placeText.join('')}`;
  // The first field to mend gets the focus (a place is mended on the map).
  const first = problems.map(([field]) => ERROR_SLOTS[field].field).find(Boolean);
  if (first === 'categories') $('categories').querySelector('input').focus();
  else if (first) $(first).focus();
}

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  const problems = checkForm();
  if (problems.length) {
    showProblems(problems);
    return;
  }
  const category = chosenCategory();
  const comment = $('comment').value;
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
    if (state.event) feature.properties.event = state.event.id;
    const { status, body } = await postJSON('/api/points', feature);
    button.disabled = false;
    button.textContent = t('submit');
    done(status, body);
  } catch (e) {
    button.disabled = false;
    button.textContent = t('submit');
    if (!(e instanceof ApiError)) throw e;
    const m = problemMessage(e);
    showError(m.field, m.text, m.detail);
    if (m.field && ERROR_SLOTS[m.field]?.field) $(ERROR_SLOTS[m.field].field).focus();
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
  $('result').hidden = false;
  let next = $('new-entry');
  if (status === 201 && body.properties) {
    const p = body.properties;
    const key = p.status === 'pending' ? 'thanksPending' : 'thanks';
    say(t(key, { district: p.ortsbezirk_name }));
    $('status').dataset.ortsbezirk = p.ortsbezirk_id || '';
    if (p.status === 'published') {
      state.mineFeature = body;
      if (state.mine) state.mine.remove();
      state.mine = pointMarker(body, state.config, (f) => openDetails(f), 'pin-mine').addTo(state.map);
      $('show-mine').hidden = false;
      next = $('show-mine');
      // The new point comes into view at the zoom the citizen chose.
      state.map.panInside(latlng, { padding: [40, 40] });
      reloadView();
    } else {
      $('show-mine').hidden = true;
    }
  } else {
    // 202: received but not shown (what a too-quick robot would get).
    say(t('thanksReceived'));
    $('show-mine').hidden = true;
  }
  // The next thing to do, rather than the top of the page.
  next.focus();
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

// ---- the list view, loaded on first use ---------------------------------------------

async function startList() {
  if (state.list) {
    state.list.activate();
    return;
  }
  const { PointList } = await import('./list.js');
  if (!state.list) {
    state.list = new PointList({
      map: state.map, config: state.config, districts: state.districts, showOnMap
    });
  }
  state.list.activate();
}

function initList() {
  const section = $('list');
  const go = () => startList().catch(() => say(t('loadFailed')));
  section.addEventListener('focusin', go, { once: true });
  if ('IntersectionObserver' in window) {
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        seen.disconnect();
        go();
      }
    });
    seen.observe(section);
  } else {
    go();
  }
}

// ---- start ------------------------------------------------------------------------

function renderTexts() {
  const c = state.config;
  applyTexts({ city: c.city });
  $('period').textContent = participationText(c.participation, formatDate);
  const texts = c.texts || { privacy: { de: c.privacy_note, en: null } };
  if (texts.intro) setConfiguredText($('about-intro'), texts.intro);
  if (texts.usage) setConfiguredText($('about-usage'), texts.usage);
  setConfiguredText($('privacy-note'), texts.privacy);
  renderSources($('source-list'), c);
  renderLegalLinks(c);
  // The questionnaire: linked only where the server has one.
  document.querySelector('a[data-i18n="surveyLink"]').hidden = c.survey === false;
  // The reports of results are linked only when the operator made them public.
  $('results-link').hidden = !c.reports;
  renderChoices();
  renderTopics();
  renderLegend();
  renderCounter();
  renderPosition();
}

function relabel() {
  state.map.fire('gp:language');
  state.markers.redraw();
  state.details.relabel();
  if (state.list) state.list.relabel();
  state.nearby.key = '';
  $('dup-list').replaceChildren();
  lookNearby();
  reloadView();
}

// The Ortsbezirke for the map's zoom (the server simplifies them per
// zoom): drawn under the markers with their names; a newer zoom's answer
// replaces an older one, a late older one is dropped.
async function loadDistricts(zoom, early) {
  const ask = () => fetchDistricts('ortsbezirk', zoom);
  const districts = await (early && early.zoom === zoom ? early.districts.catch(ask) : ask());
  if (Math.round(state.map.getZoom()) !== zoom && state.districts) return null;
  const map = state.map;
  if (state.outlines) state.outlines.remove();
  if (state.labels) state.labels.remove();
  state.districts = districts;
  state.outlines = L.geoJSON(districts, { interactive: false, className: 'district' }).addTo(map).bringToBack();
  dropFirstView();
  state.labels = districtLabels(districts).addTo(map);
  if (map.getContainer().dataset.loaded) keepClear(map, state.labels, '.leaflet-marker-pane .leaflet-marker-icon');
  return districts;
}

// The map and its first requests, before anything else the page sets
// up: on a slow phone each millisecond spent before them is one more
// before the city appears.  The city's extent comes with the
// configuration, so the first points are asked for at once and the
// outlines for that zoom travel beside them.
function showCity(config) {
  const map = createMap($('map'), config);
  state.map = map;
  state.markers = new MarkerLayer(map, config, (f) => openDetails(f));
  addCrosshair(map.getContainer());
  state.cityBounds = configBounds(config);
  if (state.cityBounds) map.fitBounds(state.cityBounds, { animate: false });
  // boot.js may have asked for this view already.
  const early = window.geopartBoot?.view;
  state.firstDistricts = loadDistricts(Math.round(map.getZoom()), early);
  state.firstDistricts.catch(() => {});
  if (state.cityBounds) reloadView(early);
}

async function start() {
  const event = liveEvent();
  state.config = await startPage((config) => {
    state.config = config;
    const first = !state.map;
    // The map first: its box must not change under the view boot.js framed.
    if (first) showCity(config);
    if (config.dgs_video_url) {
      // BITV 2.0 § 4: the start page points to the explanation in sign language.
      $('dgs-link').href = config.dgs_video_url;
      $('dgs-link').hidden = false;
    }
    renderTexts();
    if (state.event) showEvent(state.event);
  }, () => relabel(), window.geopartBoot?.config);
  if (!state.config) return;
  state.event = await event;
  if (state.event) showEvent(state.event);
  if (!isOpen()) {
    $('place-centre').disabled = true;
    $('locate').disabled = true;
  }

  const map = state.map;
  state.details = new Details(map, state.config, {
    markerFor: (id) => (state.mineFeature?.id === id ? state.mine?.getElement() : state.markers.elementFor(id)),
    onChange: rememberPoint,
    topInset: () => {
      const note = $('view-note');
      return note.textContent ? note.offsetTop + note.offsetHeight : 0;
    }
  });
  map.on('click', (e) => choose(e.latlng));
  map.getContainer().addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === map.getContainer()) {
      e.preventDefault();
      choose(map.getCenter());
    }
  });

  // Until the citizen moves the map, it shows the whole city, also when
  // its size changes (a phone turned, a frame laid out late); after that
  // it keeps the citizen's view.
  const container = map.getContainer();
  // Focusing or scrolling an element into view can scroll the map's box
  // (overflow: hidden is still scrollable by script), which shifts every
  // click against the map's coordinates: keep it at rest.
  container.addEventListener('scroll', () => {
    container.scrollTop = 0;
    container.scrollLeft = 0;
  });
  let untouched = true;
  for (const type of ['pointerdown', 'wheel', 'keydown']) {
    container.addEventListener(type, () => { untouched = false; }, { passive: true });
  }
  let cityBounds = state.cityBounds;
  let size = map.getSize();
  new ResizeObserver(debounce(() => {
    map.invalidateSize();
    if (map.getSize().equals(size)) return;
    size = map.getSize();
    if (untouched && cityBounds && !state.details.feature) map.fitBounds(cityBounds, { animate: false });
  }, 100)).observe(container);

  // The controls answer from the moment the map is there, not only once
  // the outlines and an address's point have come.
  $('place-centre').addEventListener('click', () => choose(map.getCenter()));
  $('entry').addEventListener('submit', submit);
  $('cancel').addEventListener('click', () => {
    closeForm();
    $('place-centre').focus();
  });
  $('comment').addEventListener('input', () => {
    renderCounter();
    renderNearby();
  });
  $('category-choices').addEventListener('change', () => lookNearby());
  $('show-mine').addEventListener('click', () => {
    if (!state.mineFeature) return;
    const [lon, lat] = state.mineFeature.geometry.coordinates;
    map.panInside([lat, lon], { padding: [40, 40] });
    openDetails(state.mineFeature, { returnTo: $('show-mine') });
  });
  $('new-entry').addEventListener('click', () => {
    $('result').hidden = true;
    map.getContainer().focus();
  });
  initLocate();

  try {
    const districts = await state.firstDistricts;
    if (!cityBounds) {
      cityBounds = extentOf(districts);
      map.fitBounds(cityBounds, { animate: false });
      reloadView();
    }
  } catch (e) {
    say(t('loadFailed'));
    if (!cityBounds) reloadView();
  }
  // Each zoom draws the outlines made for it.
  map.on('zoomend', debounce(() => {
    loadDistricts(Math.round(map.getZoom())).catch(() => {});
  }, 150));
  // Later moves load their view; the first one is loading already.
  map.on('moveend', debounce(reloadView, 120));
  await openFromAddress();

  initList();
}

start();
