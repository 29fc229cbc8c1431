// points.js — the points layer of the citizen map: what is visible in the
// current box and zoom, drawn as clusters and single points.
//
// Where the data comes from is decided in one place, loadVisible():
// /api/clusters (the server clusters; contract in DESIGN.md) and, while a
// server does not have it (404), /api/points?bbox= with a cap, telling
// the user when the view holds more points than drawn.
//
// A reload redraws only what changed (MarkerLayer): a marker that stays
// keeps its element, so keyboard focus on it survives the reload.

import { ApiError, getJSON, query } from './api.js';
import { formatDate, formatNumber, label, t, tn } from './i18n.js';

const L = window.L;

// Fallback only: at most this many single points per view.
const FALLBACK_LIMIT = 500;

let clustersMissing = false;

export function bboxOf(map) {
  const b = map.getBounds();
  const r = (v) => v.toFixed(5);
  return [r(Math.max(b.getWest(), -180)), r(Math.max(b.getSouth(), -90)),
    r(Math.min(b.getEast(), 180)), r(Math.min(b.getNorth(), 90))].join(',');
}

// → {features, total}: clusters and/or single points for the map's view;
// total is the number of points in the view when known.  early: clusters
// asked for before the map existed ({bbox, zoom, clusters}, boot.js),
// taken when they are of this very view.
export async function loadVisible(map, { category, signal, early } = {}) {
  const bbox = bboxOf(map);
  const zoom = Math.round(map.getZoom());
  if (!clustersMissing) {
    try {
      const ask = () => getJSON(`/api/clusters${query({ bbox, zoom, category })}`, { signal });
      const fc = early && !category && early.bbox === bbox && early.zoom === zoom
        ? await early.clusters.catch(ask) : await ask();
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

// A single point; choosing it (click, Enter, Space) calls onOpen(feature).
export function pointMarker(feature, config, onOpen, extraClass) {
  const [lon, lat] = feature.geometry.coordinates;
  const p = feature.properties;
  const marker = L.marker([lat, lon], {
    icon: pointIcon(p.category, extraClass),
    title: t('pointTitle', { cat: categoryLabel(config, p.category), comment: shorten(p.comment, 60) }),
    keyboard: true,
    riseOnHover: true
  });
  marker.feature = feature;
  const open = () => onOpen(feature);
  marker.on('click', open);
  onKeys(marker, ['Enter', ' '], open);
  return marker;
}

// The share of "needs improvement" decides the ring's colour.
export function clusterMix(p) {
  const n = p.point_count;
  const share = n ? (p.improvement || 0) / n : 0;
  return share >= 0.66 ? 'mostly-improvement' : share <= 0.33 ? 'mostly-favourite' : 'mixed';
}

// Icon diameters in CSS pixels, ring included: the clusters' merge radius
// (cluster_radius over cluster_extent, in Leaflet's 256-pixel tiles) is
// chosen to match the largest, so neighbouring clusters do not cover
// each other (README "The map page").
export function clusterSize(n) {
  return n < 10 ? 32 : n < 100 ? 38 : n < 1000 ? 44 : 50;
}

export function clusterMarker(feature, map) {
  const [lon, lat] = feature.geometry.coordinates;
  const p = feature.properties;
  const n = p.point_count;
  const size = clusterSize(n);
  const inner = document.createElement('span');
  inner.className = 'cluster-body';
  inner.setAttribute('aria-hidden', 'true');
  inner.textContent = p.point_count_abbreviated ?? formatNumber(n);
  const marker = L.marker([lat, lon], {
    icon: L.divIcon({
      className: `cluster cluster-${clusterMix(p)}`, html: inner, iconSize: [size, size]
    }),
    title: t('clusterTitle', {
      entries: tn('entries', n), fav: tn('favCount', p.favourite || 0), imp: tn('impCount', p.improvement || 0)
    }),
    keyboard: true
  });
  marker.feature = feature;
  const expand = () => {
    const zoom = Math.min(Math.max(p.expansion_zoom ?? map.getZoom() + 2, map.getZoom() + 1),
      map.getMaxZoom());
    map.setView([lat, lon], zoom);
  };
  marker.on('click', expand);
  onKeys(marker, ['Enter', ' '], expand);
  return marker;
}

function keyOf(f) {
  const [lon, lat] = f.geometry.coordinates;
  const p = f.properties;
  return p.cluster ? `c${p.cluster_id}:${p.point_count}:${lon},${lat}`
    : `p${f.id}:${lon},${lat}`;
}

// The drawn view: draw(features) replaces what it shows, keeping the
// markers that stay (same cluster, or same point unchanged).
export class MarkerLayer {
  constructor(map, config, onOpen) {
    this.map = map;
    this.config = config;
    this.onOpen = onOpen;
    this.group = L.layerGroup().addTo(map);
    this.byKey = new Map();
  }

  draw(features) {
    const next = new Map();
    for (const f of features) next.set(keyOf(f), f);
    const active = document.activeElement;
    let lostFocus = false;
    for (const [key, marker] of this.byKey) {
      if (next.has(key)) continue;
      if (marker.getElement()?.contains(active)) lostFocus = true;
      this.group.removeLayer(marker);
      this.byKey.delete(key);
    }
    for (const [key, f] of next) {
      if (this.byKey.has(key)) continue;
      const marker = f.properties.cluster ? clusterMarker(f, this.map)
        : pointMarker(f, this.config, this.onOpen);
      this.group.addLayer(marker);
      this.byKey.set(key, marker);
    }
    // A keyboard user whose marker went away goes on from the map.
    if (lostFocus) this.map.getContainer().focus({ preventScroll: true });
  }

  // The marker element of point id, when the view shows it on its own.
  elementFor(id) {
    for (const marker of this.byKey.values()) {
      if (!marker.feature.properties.cluster && marker.feature.id === id) return marker.getElement();
    }
    return null;
  }

  // Texts of markers follow the language.
  redraw() {
    const features = [...this.byKey.values()].map((m) => m.feature);
    this.group.clearLayers();
    this.byKey.clear();
    this.draw(features);
  }
}

export { categoryLabel, topicLabel };
