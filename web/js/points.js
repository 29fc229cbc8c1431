// points.js — the points layer of the citizen map: what is visible in the
// current box and zoom, drawn as clusters and single points.
//
// Where the data comes from is decided in one place, loadVisible():
// /api/clusters (the server clusters; contract in DESIGN.md) and, while a
// server does not have it (404), /api/points?bbox= with a cap, telling
// the user when the view holds more points than drawn.

import { ApiError, getJSON, postJSON, query } from './api.js';
import { formatDate, formatNumber, label, t } from './i18n.js';

const L = window.L;

// Fallback only: at most this many single points per view.
const FALLBACK_LIMIT = 500;

let clustersMissing = false;

function bboxOf(map) {
  const b = map.getBounds();
  const r = (v) => v.toFixed(5);
  return [r(Math.max(b.getWest(), -180)), r(Math.max(b.getSouth(), -90)),
    r(Math.min(b.getEast(), 180)), r(Math.min(b.getNorth(), 90))].join(',');
}

// → {features, total}: clusters and/or single points for the map's view;
// total is the number of points in the view when known.
export async function loadVisible(map, { category, signal } = {}) {
  const bbox = bboxOf(map);
  if (!clustersMissing) {
    try {
      const fc = await getJSON(
        `/api/clusters${query({ bbox, zoom: Math.round(map.getZoom()), category })}`, { signal });
      const total = fc.features.reduce(
        (n, f) => n + (f.properties.cluster ? f.properties.point_count : 1), 0);
      return { features: fc.features, total, complete: true };
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
      clustersMissing = true;
    }
  }
  const fc = await getJSON(
    `/api/points${query({ bbox, category, limit: FALLBACK_LIMIT })}`, { signal });
  return {
    features: fc.features,
    total: fc.numberMatched,
    complete: fc.numberMatched <= fc.features.length
  };
}

// ---- drawing ---------------------------------------------------------------

const GLYPH = { favourite: '♥', improvement: '!' };

function categoryLabel(config, id) {
  const c = config.categories.find((x) => x.id === id);
  return c ? label(c.label) : id;
}

function topicLabel(config, id) {
  const c = config.topics.find((x) => x.id === id);
  return c ? label(c.label) : id;
}

// The marker's visible sign: colour, shape and glyph differ per category.
export function categoryBadge(category, text) {
  const span = document.createElement('span');
  span.className = `badge badge-${category}`;
  const glyph = document.createElement('span');
  glyph.className = 'badge-glyph';
  glyph.setAttribute('aria-hidden', 'true');
  glyph.textContent = GLYPH[category] || '?';
  span.append(glyph);
  if (text) {
    const words = document.createElement('span');
    words.textContent = text;
    span.append(' ', words);
  }
  return span;
}

function pointIcon(category, extraClass = '') {
  const inner = document.createElement('span');
  inner.className = 'pin-body';
  inner.setAttribute('aria-hidden', 'true');
  inner.textContent = GLYPH[category] || '?';
  return L.divIcon({
    className: `pin pin-${category} ${extraClass}`.trim(),
    html: inner,
    iconSize: [30, 30],
    iconAnchor: [15, 15],
    popupAnchor: [0, -14]
  });
}

function shorten(s, n) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

// The city's answer and where the idea stands, when there is either.
export function replyLines(p) {
  const lines = [];
  if (p.reply) {
    const reply = document.createElement('p');
    reply.className = 'popup-reply';
    reply.textContent = t('replyLine', { date: formatDate(p.reply_at), reply: p.reply });
    lines.push(reply);
  }
  if (p.outcome && p.outcome !== 'open') {
    const outcome = document.createElement('p');
    outcome.className = 'popup-outcome';
    outcome.textContent = t('outcomeLine', { outcome: t(`outcome_${p.outcome}`) });
    lines.push(outcome);
  }
  return lines;
}

// Popup content for one point Feature: category, comment, districts, date,
// topic, supporters and the +1 button.  Text only via textContent.
export function pointPopup(feature, config, onSupported) {
  const p = feature.properties;
  const box = document.createElement('div');
  box.className = 'popup';
  const head = document.createElement('p');
  head.append(categoryBadge(p.category, categoryLabel(config, p.category)));
  const comment = document.createElement('p');
  comment.className = 'popup-comment';
  comment.textContent = p.comment;
  const where = document.createElement('p');
  where.textContent = t('districtLine', {
    ob: p.ortsbezirk_name || t('noDistrict'), st: p.stadtteil_name || t('noDistrict')
  });
  where.className = 'popup-district';
  const when = document.createElement('p');
  when.textContent = t('createdLine', { date: formatDate(p.created) });
  box.append(head, comment, where, when);
  if (p.topic) {
    const topic = document.createElement('p');
    topic.textContent = t('topicLine', { topic: topicLabel(config, p.topic) });
    box.append(topic);
  }
  box.append(...replyLines(p));
  const count = document.createElement('p');
  count.className = 'popup-supporters';
  count.textContent = t('supporters', { n: formatNumber(p.supporters || 0) });
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'support';
  button.textContent = t('support');
  const note = document.createElement('p');
  note.className = 'popup-note';
  note.setAttribute('role', 'status');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const { body } = await postJSON(`/api/points/${encodeURIComponent(feature.id)}/support`);
      p.supporters = body.supporters;
      count.textContent = t('supporters', { n: formatNumber(body.supporters) });
      note.textContent = body.counted ? t('supported') : t('supportedBefore');
      // The button stays disabled; keep the focus in the popup.
      box.focus();
      if (onSupported) onSupported(feature);
    } catch (e) {
      note.textContent = t('supportFailed');
      button.disabled = false;
    }
  });
  box.append(count, button, note);
  return box;
}

export function pointMarker(feature, config, extraClass) {
  const [lon, lat] = feature.geometry.coordinates;
  const p = feature.properties;
  const marker = L.marker([lat, lon], {
    icon: pointIcon(p.category, extraClass),
    title: t('pointTitle', { cat: categoryLabel(config, p.category), comment: shorten(p.comment, 60) }),
    keyboard: true,
    riseOnHover: true
  });
  marker.feature = feature;
  marker.bindPopup(() => pointPopup(feature, config), { maxWidth: 280 });
  // Leaflet opens the popup on Enter; a role=button also answers Space.
  onKeys(marker, [' '], () => marker.openPopup());
  // Keyboard users land in the popup and return to the marker from it
  // (Escape closes it: Leaflet's own Escape works only while the map
  // itself has focus).
  const escape = (e) => {
    if (e.key === 'Escape') marker.closePopup();
  };
  marker.on('popupopen', () => {
    const box = marker.getPopup().getElement().querySelector('.popup');
    box.tabIndex = -1;
    box.focus();
    document.addEventListener('keydown', escape);
  });
  marker.on('popupclose', () => {
    document.removeEventListener('keydown', escape);
    const icon = marker.getElement();
    const popup = marker.getPopup().getElement();
    const lost = !document.activeElement || document.activeElement === document.body ||
      (popup && popup.contains(document.activeElement));
    if (icon && lost) icon.focus();
  });
  return marker;
}

// Keys that act on a focused marker like a click (role=button).
function onKeys(marker, keys, fn) {
  marker.on('add', () => {
    marker.getElement().addEventListener('keydown', (e) => {
      if (!keys.includes(e.key)) return;
      e.preventDefault();
      e.stopPropagation();
      fn();
    });
  });
}

export function clusterMarker(feature, map) {
  const [lon, lat] = feature.geometry.coordinates;
  const p = feature.properties;
  const n = p.point_count;
  const size = n < 10 ? 34 : n < 100 ? 40 : n < 1000 ? 48 : 56;
  const inner = document.createElement('span');
  inner.className = 'cluster-body';
  inner.setAttribute('aria-hidden', 'true');
  inner.textContent = p.point_count_abbreviated ?? formatNumber(n);
  // The ring shows the mix: the share of "needs improvement" as a class.
  const share = n ? (p.improvement || 0) / n : 0;
  const mix = share >= 0.66 ? 'mostly-improvement' : share <= 0.33 ? 'mostly-favourite' : 'mixed';
  const marker = L.marker([lat, lon], {
    icon: L.divIcon({
      className: `cluster cluster-${mix}`, html: inner, iconSize: [size, size]
    }),
    title: t('clusterTitle', {
      n: formatNumber(n), fav: formatNumber(p.favourite || 0), imp: formatNumber(p.improvement || 0)
    }),
    keyboard: true
  });
  const expand = () => {
    const zoom = Math.min(Math.max(p.expansion_zoom ?? map.getZoom() + 2, map.getZoom() + 1),
      map.getMaxZoom());
    map.setView([lat, lon], zoom);
  };
  marker.on('click', expand);
  onKeys(marker, ['Enter', ' '], expand);
  return marker;
}

// Draws a loaded view into `group` (replacing what it held).
export function drawFeatures(group, features, map, config) {
  group.clearLayers();
  for (const f of features) {
    group.addLayer(f.properties.cluster ? clusterMarker(f, map) : pointMarker(f, config));
  }
}

export { categoryLabel, topicLabel };
