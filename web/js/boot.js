// boot.js — the citizen page's first requests, sent before the map
// library and the page's modules have arrived and run: on a slow phone
// those take the longest, and the data need not wait for them.  And the
// start of those: the page preloads them (the <link>s marked data-run)
// and boot.js runs them, in that order, after the first paint, so the
// city the server drew into the page (src/page/map.c) shows first — on a
// repeat visit they come from the cache at once and would otherwise run,
// for a second on a slow phone, before anything is painted.
//
// A classic deferred script, run once the page is parsed (its style
// sheets are inline, so the map's box has its size): it takes /api/config (preloaded by
// the HTML), frames the city's extent in the map's box the way Leaflet's
// fitBounds will (Web Mercator, whole zooms between the map's minZoom and
// maxZoom, the view's corners from the rounded pixel origin) and asks for
// that view's clusters and the outlines for that zoom.  citizen.js takes
// the answers only when the map it made shows exactly that box and zoom
// (window.geopartBoot: {config: promise, view: {bbox, zoom, clusters,
// districts} or null}); otherwise it asks again.

(() => {
  const map = document.getElementById('map');
  if (!map || !window.fetch) return;
  const MIN_ZOOM = 9;
  const MAX_ZOOM = 19;
  const R = 6378137;
  const D = Math.PI / 180;
  const getJSON = (url) => fetch(url, { headers: { Accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))));
  // Web Mercator at zoom z in pixels (Leaflet's EPSG:3857 with 256-pixel tiles).
  const project = (lat, lng, z) => {
    const s = Math.sin(Math.max(Math.min(lat, 85.0511287798), -85.0511287798) * D);
    const scale = 256 * 2 ** z;
    const k = 0.5 / (Math.PI * R);
    return [scale * (k * R * lng * D + 0.5), scale * (-k * (R * Math.log((1 + s) / (1 - s)) / 2) + 0.5)];
  };
  const unproject = (x, y, z) => {
    const scale = 256 * 2 ** z;
    const k = 0.5 / (Math.PI * R);
    const mx = (x / scale - 0.5) / k;
    const my = (y / scale - 0.5) / -k;
    return [(2 * Math.atan(Math.exp(my / R)) - Math.PI / 2) / D, mx / R / D];
  };
  const config = getJSON('/api/config');
  const view = config.then((cfg) => {
    const e = cfg.extent;
    const w = map.clientWidth;
    const h = map.clientHeight;
    if (!Array.isArray(e) || e.length !== 4 || !w || !h) return null;
    const [west, south, east, north] = e;
    // Leaflet's getBoundsZoom from its start zoom (11), snapped to whole zooms.
    const start = 11;
    const nw = project(north, west, start);
    const se = project(south, east, start);
    const scale = Math.min(w / Math.abs(se[0] - nw[0]), h / Math.abs(se[1] - nw[1]));
    let zoom = start + Math.log(scale) / Math.LN2;
    zoom = Math.round(zoom * 100) / 100;
    zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, Math.floor(zoom)));
    const sw = project(south, west, zoom);
    const ne = project(north, east, zoom);
    const centre = unproject((sw[0] + ne[0]) / 2, (sw[1] + ne[1]) / 2, zoom);
    const c = project(centre[0], centre[1], zoom);
    const origin = [Math.round(c[0] - w / 2), Math.round(c[1] - h / 2)];
    const [s, wl] = unproject(origin[0], origin[1] + h, zoom);
    const [n, el] = unproject(origin[0] + w, origin[1], zoom);
    const r = (v) => v.toFixed(5);
    const bbox = [r(Math.max(wl, -180)), r(Math.max(s, -90)), r(Math.min(el, 180)), r(Math.min(n, 90))].join(',');
    const q = new URLSearchParams({ bbox, zoom: String(zoom) });
    const clusters = getJSON(`/api/clusters?${q}`);
    const districts = getJSON(`/api/districts?layer=ortsbezirk&zoom=${zoom}`);
    clusters.catch(() => {});
    districts.catch(() => {});
    window.geopartBoot.view = { bbox, zoom, clusters, districts };
  });
  config.catch(() => {});
  view.catch(() => {});
  // view: set once the first requests are out (before citizen.js sees config).
  window.geopartBoot = { config, view: null };
})();

(() => {
  let started = false;
  const run = () => {
    if (started) return;
    started = true;
    for (const link of document.querySelectorAll('link[data-run]')) {
      const script = document.createElement('script');
      if (link.rel === 'modulepreload') script.type = 'module';
      script.async = false; // in document order: Leaflet before the page's module
      script.src = link.href;
      document.head.append(script);
    }
  };
  // After the frame that paints the page; a hidden tab paints no frames.
  requestAnimationFrame(() => setTimeout(run, 0));
  setTimeout(run, 1000);
})();
