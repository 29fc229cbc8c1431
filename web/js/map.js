// map.js — what both pages' maps share: the Leaflet map with German or
// English controls, the optional tile layer from /api/config, the district
// boundaries as vectors (the map must be usable with no tile server at
// all), district name labels, and the data attribution.
//
// Leaflet is loaded as a classic script before the modules (global L).

import { getJSON, query } from './api.js';
import { initLanguageSwitch, t } from './i18n.js';

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

// GET /api/districts?layer=… as a FeatureCollection (with counts).
export function fetchDistricts(layer) {
  return getJSON(`/api/districts${query({ layer })}`);
}

// A label in the middle of each district (its bounding box centre; good
// enough for Kaiserslautern's compact districts).
export function districtLabels(collection) {
  const group = L.layerGroup();
  for (const f of collection.features) {
    const bounds = L.geoJSON(f).getBounds();
    const span = document.createElement('span');
    span.textContent = f.properties.name;
    L.marker(bounds.getCenter(), {
      icon: L.divIcon({ className: 'district-label', html: span, iconSize: null }),
      interactive: false,
      keyboard: false
    }).addTo(group);
  }
  return group;
}

// The footer's list of data sources, from /api/config.
export function renderSources(list, config) {
  list.replaceChildren();
  for (const text of config.data_attribution || []) {
    const li = document.createElement('li');
    li.textContent = text;
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

// "open until …", "starts on …", "ended" from config.participation.
export function participationText(p, formatDate) {
  if (!p) return t('periodOpen');
  const now = Date.now();
  if (p.open_from && Date.parse(p.open_from) > now) {
    return t('periodFrom', { from: formatDate(p.open_from, true) });
  }
  if (!p.open) return t('periodClosed');
  if (p.open_until) return t('periodUntil', { until: formatDate(p.open_until, true) });
  return t('periodOpen');
}

// What both pages do first: read /api/config (null when the server does not
// answer, after saying so in #status), call render(config) and wire the
// language button to render again and then onLanguage().
export async function startPage(render, onLanguage) {
  let config;
  try {
    config = await getJSON('/api/config');
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
