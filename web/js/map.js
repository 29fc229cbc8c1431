// map.js — what both pages' maps share: the Leaflet map with German or
// English controls, the optional tile layer from /api/config, the district
// boundaries as vectors (the map must be usable with no tile server at
// all), district name labels, and the data attribution.
//
// Leaflet is loaded as a classic script before the modules (global L).

import { getJSON, query } from './api.js';
import { currentLang, initLanguageSwitch, t } from './i18n.js';

const L = window.L;

// Fallback view before the districts have arrived: Kaiserslautern.
const START = { center: [49.44, 7.76], zoom: 11 };

export function createMap(element, config) {
  const map = L.map(element, {
    center: START.center,
    zoom: START.zoom,
    minZoom: 9,
    maxZoom: 19,
    zoomControl: false,
    keyboardPanDelta: 60
  });
  // District names in a pane of their own below the markers: where a name
  // and a marker still meet, the marker stays readable.
  map.createPane('labels').classList.add('label-pane');
  const zoom = L.control.zoom({ zoomInTitle: t('zoomIn'), zoomOutTitle: t('zoomOut') });
  zoom.addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  if (config.tiles && config.tiles.url) {
    // Tiles that fail to load (no server reachable) just stay blank.
    L.tileLayer(config.tiles.url, {
      attribution: config.tiles.attribution || '',
      maxZoom: 19,
      crossOrigin: false
    }).addTo(map);
  }
  let boundaries = t('boundariesShort');
  map.attributionControl.addAttribution(boundaries);
  map.on('gp:language', () => {
    map.attributionControl.removeAttribution(boundaries);
    boundaries = t('boundariesShort');
    map.attributionControl.addAttribution(boundaries);
    zoom.getContainer().querySelector('.leaflet-control-zoom-in').title = t('zoomIn');
    zoom.getContainer().querySelector('.leaflet-control-zoom-in').setAttribute('aria-label', t('zoomIn'));
    zoom.getContainer().querySelector('.leaflet-control-zoom-out').title = t('zoomOut');
    zoom.getContainer().querySelector('.leaflet-control-zoom-out').setAttribute('aria-label', t('zoomOut'));
  });
  return map;
}

// GET /api/districts?layer=… as a FeatureCollection (with counts); with
// zoom, the outlines the server simplified for a map at that zoom (a few
// KiB instead of tens), neighbours still sharing their boundaries.
export function fetchDistricts(layer, zoom) {
  return getJSON(`/api/districts${query({ layer, zoom })}`);
}

// The city's extent from /api/config as Leaflet bounds, or null.
export function configBounds(config) {
  const e = config.extent;
  return Array.isArray(e) && e.length === 4 ? L.latLngBounds([e[1], e[0]], [e[3], e[2]]) : null;
}

// A label in the middle of each district (its bounding box centre; good
// enough for Kaiserslautern's compact districts).  keepClear(map, labels,
// selector) moves labels off the markers drawn later.
export function districtLabels(collection) {
  const group = L.layerGroup();
  for (const f of collection.features) {
    const bounds = L.geoJSON(f).getBounds();
    const span = document.createElement('span');
    span.textContent = f.properties.name;
    const marker = L.marker(bounds.getCenter(), {
      icon: L.divIcon({ className: 'district-label', html: span, iconSize: null }),
      interactive: false,
      keyboard: false,
      pane: 'labels'
    });
    marker.feature = f;
    marker.addTo(group);
  }
  return group;
}

// A district with at most about 150 vertices per ring, and its bounds:
// enough to keep a name's middle inside it, and fast to test often.
function coarse(feature) {
  const g = feature.geometry;
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let w = 180, s = 90, e = -180, n = -90;
  const thin = polygons.map((rings) => rings.map((ring) => {
    const step = Math.max(1, Math.ceil(ring.length / 150));
    const out = ring.filter((_, i) => i % step === 0);
    for (const [x, y] of out) {
      w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
    }
    return out;
  }));
  return {
    feature: { geometry: { type: 'MultiPolygon', coordinates: thin } },
    bounds: L.latLngBounds([s, w], [n, e])
  };
}

function overlapArea(a, b) {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

// Moves each district name that a marker (elements matching selector)
// covers to the free spot nearest to its place, searched on a grid over
// its district, with the middle of the name inside the district and the
// name inside the map; where no spot is free, to the one markers and the
// other names cover least.  Names no marker covers stay where they are.
// It reads the layout once and writes it once, so the browser lays the
// page out once, not once per name.
export function keepClear(map, labels, selector) {
  const container = map.getContainer();
  const spans = [];
  labels.eachLayer((layer) => {
    const span = layer.getElement()?.firstElementChild;
    if (!span) return;
    span.style.removeProperty('--dx');
    span.style.removeProperty('--dy');
    spans.push({ layer, span });
  });
  const frame = container.getBoundingClientRect();
  const markers = [...container.querySelectorAll(selector)].map((el) => el.getBoundingClientRect());
  for (const s of spans) s.home = s.span.getBoundingClientRect();
  const placed = [];
  const cost = (r) => markers.reduce((c, m) => c + overlapArea(m, r), 0) +
    placed.reduce((c, k) => c + overlapArea(k, r), 0);
  for (const s of spans) {
    const { layer, home } = s;
    let best = { dx: 0, dy: 0, r: home, c: cost(home) };
    if (best.c > 0) {
      layer.coarse ??= coarse(layer.feature);
      const nw = map.latLngToContainerPoint(layer.coarse.bounds.getNorthWest());
      const se = map.latLngToContainerPoint(layer.coarse.bounds.getSouthEast());
      const left = Math.max(nw.x, 0) + frame.left;
      const right = Math.min(se.x, frame.width) + frame.left;
      const top = Math.max(nw.y, 0) + frame.top;
      const bottom = Math.min(se.y, frame.height) + frame.top;
      const stepX = Math.max(home.width / 4, (right - left) / 16);
      const stepY = Math.max(home.height, (bottom - top) / 16);
      const cx = (home.left + home.right) / 2;
      const cy = (home.top + home.bottom) / 2;
      const own = { features: [layer.coarse.feature] };
      const inside = (k) => districtAt(own, map.containerPointToLatLng([k.x - frame.left, k.y - frame.top]));
      const grid = [];
      for (let y = top; y <= bottom; y += stepY) {
        for (let x = left; x <= right; x += stepX) {
          const dx = x - cx;
          const dy = y - cy;
          const r = { left: home.left + dx, right: home.right + dx, top: home.top + dy, bottom: home.bottom + dy };
          if (r.left >= frame.left && r.right <= frame.right && r.top >= frame.top && r.bottom <= frame.bottom) {
            grid.push({ dx, dy, r, x, y, d: Math.hypot(dx, dy) });
          }
        }
      }
      // Nearest first: the first free spot inside the district ends the
      // search; otherwise the least covered one inside it.
      grid.sort((a, b) => a.d - b.d);
      const covered = [];
      let free = null;
      for (const k of grid) {
        k.c = cost(k.r);
        if (k.c === 0 && inside(k)) {
          free = k;
          break;
        }
        if (k.c > 0 && k.c < best.c) covered.push(k);
      }
      if (!free) covered.sort((a, b) => a.c - b.c || a.d - b.d);
      const fits = free || covered.find(inside);
      if (fits) best = fits;
    }
    s.best = best;
    placed.push(best.r);
  }
  for (const { span, best } of spans) {
    if (!best.dx && !best.dy) continue;
    span.style.setProperty('--dx', `${best.dx}px`);
    span.style.setProperty('--dy', `${best.dy}px`);
  }
}

// The Ortsbezirk (feature of collection) that holds latlng, or null:
// the same test the server makes ("outside the city" is outside every
// Ortsbezirk), done early so the citizen learns it while choosing.
export function districtAt(collection, latlng) {
  const x = latlng.lng;
  const y = latlng.lat;
  for (const f of collection?.features || []) {
    const g = f.geometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const rings of polygons) {
      let inside = false;
      for (const ring of rings) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const [xi, yi] = ring[i];
          const [xj, yj] = ring[j];
          if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
        }
      }
      if (inside) return f;
    }
  }
  return null;
}

// The footer's list of data sources, from /api/config.  The data
// attributions are German; the English page says so (lang="de").
export function renderSources(list, config) {
  list.replaceChildren();
  for (const text of config.data_attribution || []) {
    const li = document.createElement('li');
    li.textContent = text;
    if (currentLang() !== 'de') li.lang = 'de';
    list.append(li);
  }
  if (config.tiles && config.tiles.url && config.tiles.attribution) {
    // The tile attribution is the operator's HTML (a link to the licence).
    const li = document.createElement('li');
    const tmp = new DOMParser().parseFromString(config.tiles.attribution, 'text/html');
    li.append(...tmp.body.childNodes);
    list.append(li);
  }
}

// The footer's links to the imprint and the privacy information: the
// operator's pages when configured (/api/config legal), else the built-in
// ones, in the page's language.
export function renderLegalLinks(config) {
  const targets = { imprint: config.legal?.imprint, privacy: config.legal?.privacy };
  for (const a of document.querySelectorAll('a[data-legal]')) {
    const href = targets[a.dataset.legal];
    if (!href) continue;
    const url = new URL(href, location.href);
    if (url.origin === location.origin) {
      if (currentLang() === 'en') url.searchParams.set('lang', 'en');
      a.setAttribute('href', url.pathname + url.search);
    } else {
      a.setAttribute('href', url.href);
    }
  }
}

// "open until …", "starts on …", "ended" from config.participation.
export function participationText(p, formatDate) {
  if (!p) return t('periodOpen');
  const now = Date.now();
  const from = p.open_from && formatDate(p.open_from, true);
  const until = p.open_until && formatDate(p.open_until, true);
  if (p.open_from && Date.parse(p.open_from) > now) {
    return until ? t('periodFromUntil', { from, until }) : t('periodFrom', { from });
  }
  if (!p.open) return t('periodClosed');
  if (until) return from ? t('periodSinceUntil', { from, until }) : t('periodUntil', { until });
  return t('periodOpen');
}

// What both pages do first: read /api/config (null when the server does not
// answer, after saying so in #status), call render(config) and wire the
// language button to render again and then onLanguage().  answer: a
// request for /api/config already on its way (boot.js), if any.
export async function startPage(render, onLanguage, answer = null) {
  let config;
  try {
    config = await (answer || getJSON('/api/config'));
  } catch (e) {
    document.getElementById('status').textContent = t('loadFailed');
    return null;
  }
  render(config);
  initLanguageSwitch(document.getElementById('lang'), () => {
    render(config);
    onLanguage();
  });
  return config;
}
