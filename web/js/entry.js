// entry.js — staff entry on site (planner-entry.html), made for a phone on
// an Ortsbezirk walk or in a workshop: sign in once, pick the event once,
// then tap the map (or use the phone's position, or the map's centre) and
// type what was said — many points in a row, each stored at once as
// published staff input of that event (its channel comes from the event).

import { getJSON, postJSON } from './api.js';
import { currentLang, initLanguageSwitch } from './i18n.js';
import { createMap, districtLabels, fetchDistricts } from './map.js';
import { sessionForms, w } from './workspace.js';

const L = window.L;
const $ = (id) => document.getElementById(id);

const state = { config: null, map: null, place: null, marker: null, events: [], n: 0 };

function say(text) {
  $('ws-status').textContent = text;
}

function renderTexts() {
  document.documentElement.lang = currentLang();
  for (const el of document.querySelectorAll('[data-ws]')) el.textContent = w(el.dataset.ws);
  for (const el of document.querySelectorAll('[data-ws-attr]')) {
    const [attr, key] = el.dataset.wsAttr.split(':');
    el.setAttribute(attr, w(key));
  }
  const topic = $('entry-topic');
  const keep = topic.value;
  const lang = currentLang();
  topic.replaceChildren(new Option(w('fNoTopic'), ''),
    ...state.config.topics.map((tp) => new Option(tp.label[lang] || tp.label.de, tp.id)));
  topic.value = keep;
  fillEvents();
  showPlace();
}

function fillEvents() {
  const sel = $('entry-event');
  const keep = sel.value;
  sel.replaceChildren(...state.events.map((e) =>
    new Option(`${e.name} (${w(`channel_${e.channel}`)}, ${e.date})`, String(e.id))));
  if (keep) sel.value = keep;
}

async function loadEvents() {
  state.events = (await getJSON('/api/events')).events;
  fillEvents();
}

function showPlace() {
  $('entry-pos').textContent = state.place
    ? w('entryPlace', { lat: state.place.lat.toFixed(5), lon: state.place.lng.toFixed(5) })
    : w('entryNoPlace');
}

function choose(latlng) {
  state.place = latlng;
  if (state.marker) state.marker.setLatLng(latlng);
  else state.marker = L.circleMarker(latlng, { radius: 10, className: 'entry-place' }).addTo(state.map);
  showPlace();
  $('entry-comment').focus();
}

function locate() {
  if (!navigator.geolocation) {
    say(w('entryNoLocation'));
    return;
  }
  say(w('entryLocating'));
  navigator.geolocation.getCurrentPosition((pos) => {
    const ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
    state.map.setView(ll, Math.max(state.map.getZoom(), 17));
    say('');
    choose(ll);
  }, () => say(w('entryNoLocation')), { enableHighAccuracy: true, timeout: 15000 });
}

async function save(e) {
  e.preventDefault();
  const form = $('entry-form');
  const err = $('entry-form-error');
  const cErr = $('entry-comment-error');
  err.hidden = cErr.hidden = true;
  $('entry-comment').removeAttribute('aria-invalid');
  if (!state.place) {
    err.textContent = w('entryNoPlace');
    err.hidden = false;
    return;
  }
  const event = Number($('entry-event').value);
  const properties = {
    category: form.elements.category.value,
    comment: form.elements.comment.value,
    topic: form.elements.topic.value || null
  };
  if (event) properties.event = event;
  try {
    const { body } = await postJSON('/api/points', {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [state.place.lng, state.place.lat] },
      properties
    });
    const p = body.properties;
    state.n++;
    const li = document.createElement('li');
    li.dataset.id = body.id;
    li.textContent = w('entrySavedLine', { id: body.id, district: p.ortsbezirk_name || '–', comment: p.comment });
    $('entry-list').prepend(li);
    say(w('entrySaved', { id: body.id, district: p.ortsbezirk_name || '–', n: state.n }));
    // Ready for the next one: same event and kind, a new place and text.
    form.elements.comment.value = '';
    state.place = null;
    if (state.marker) {
      state.marker.remove();
      state.marker = null;
    }
    L.circleMarker([body.geometry.coordinates[1], body.geometry.coordinates[0]],
      { radius: 6, className: 'entry-done' }).addTo(state.map);
    showPlace();
    loadEvents().catch(() => {});
  } catch (ex) {
    const target = ex.field === 'properties.comment' ? cErr : err;
    target.textContent = ex.message;
    target.hidden = false;
    if (target === cErr) {
      $('entry-comment').setAttribute('aria-invalid', 'true');
      $('entry-comment').focus();
    }
  }
}

async function start() {
  try {
    state.config = await getJSON('/api/config');
  } catch (e) {
    say(w('failed', { detail: e.message }));
    return;
  }
  state.map = createMap($('map'), state.config);
  const districts = await fetchDistricts('ortsbezirk');
  const outline = L.geoJSON(districts, { style: { className: 'district', interactive: false } }).addTo(state.map);
  districtLabels(districts).addTo(state.map);
  state.map.fitBounds(outline.getBounds(), { animate: false });
  state.map.on('click', (e) => choose(e.latlng));
  renderTexts();
  initLanguageSwitch($('lang'), () => {
    renderTexts();
    state.map.fire('gp:language');
  });
  $('entry-locate').addEventListener('click', locate);
  $('entry-centre').addEventListener('click', () => choose(state.map.getCenter()));
  $('entry-form').addEventListener('submit', save);
  await sessionForms({
    signedIn: async (who, byForm) => {
      $('entry-area').hidden = false;
      await loadEvents();
      if (byForm) $('entry-event').focus();
    },
    signedOut: () => {
      $('entry-area').hidden = true;
    }
  });
  document.body.dataset.ready = 'yes';
}

start();
