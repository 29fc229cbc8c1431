// list.js — the entries as a list, the alternative to the map for screen
// readers and keyboards: the points in the current map view, or those of
// one Ortsbezirk, with the same details and actions as on the map (+1,
// Melden, Link kopieren) and "Auf der Karte zeigen".  Loaded on first use
// (the skip link, or the section coming into view), so the first view of
// the map does not wait for it.

import { getJSON, query } from './api.js';
import { t, tn } from './i18n.js';
import { pointDetails } from './details.js';
import { bboxOf } from './points.js';

const PAGE = 20;
const $ = (id) => document.getElementById(id);

export class PointList {
  // ctx: {map, config, districts (FeatureCollection), showOnMap(feature, from)}
  constructor(ctx) {
    this.ctx = ctx;
    this.offset = 0;
    this.total = 0;
    this.run = 0;
    this.active = false;
    $('list-scope').addEventListener('change', () => this.reload());
    $('list-more').addEventListener('click', () => this.more());
    ctx.map.on('moveend', () => {
      if (this.active && $('list-scope').value === 'view') this.reload();
    });
    this.renderScopes();
  }

  renderScopes() {
    const select = $('list-scope');
    const keep = select.value || 'view';
    select.replaceChildren(new Option(t('scopeView'), 'view'));
    const names = (this.ctx.districts?.features || [])
      .map((f) => ({ id: f.properties.id, name: f.properties.name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'de'));
    for (const d of names) select.append(new Option(t('scopeDistrict', { name: d.name }), d.id));
    select.value = keep;
  }

  url(offset) {
    const scope = $('list-scope').value;
    const page = { limit: PAGE, offset };
    if (scope === 'view') return `/api/points${query({ bbox: bboxOf(this.ctx.map), ...page })}`;
    return `/api/districts/${encodeURIComponent(scope)}/points${query(page)}`;
  }

  countText() {
    const scope = $('list-scope').value;
    if (scope === 'view') return tn('listCountView', this.total);
    const f = this.ctx.districts.features.find((x) => x.properties.id === scope);
    return tn('listCountDistrict', this.total, { name: f ? f.properties.name : scope });
  }

  // Starts the list (idempotent): from now on it follows the map.
  activate() {
    if (this.active) return;
    this.active = true;
    this.reload();
  }

  async reload() {
    this.active = true;
    this.offset = 0;
    await this.load(true);
  }

  async more() {
    const first = $('list-items').children.length;
    await this.load(false);
    // Keyboard users continue at the first new entry.
    $('list-items').children[first]?.querySelector('.details')?.focus();
  }

  async load(replace) {
    const run = ++this.run;
    const list = $('list-items');
    list.setAttribute('aria-busy', 'true');
    try {
      const fc = await getJSON(this.url(this.offset));
      if (run !== this.run) return;
      this.total = fc.numberMatched;
      this.offset += fc.features.length;
      const items = fc.features.map((f) => this.item(f));
      if (replace) list.replaceChildren(...items);
      else list.append(...items);
      $('list-count').textContent = this.countText();
      $('list-showing').textContent = this.total > this.offset
        ? t('listShowing', { shown: this.offset, total: this.total }) : '';
      $('list-more').hidden = this.offset >= this.total || fc.features.length === 0;
      $('list').dataset.loaded = String(Date.now());
    } catch (e) {
      if (run === this.run) $('list-count').textContent = t('loadFailed');
    } finally {
      if (run === this.run) list.removeAttribute('aria-busy');
    }
  }

  item(f) {
    const li = document.createElement('li');
    const box = pointDetails(f, this.ctx.config, {
      heading: 'h3',
      onShowOnMap: (feature, from) => this.ctx.showOnMap(feature, from)
    });
    box.tabIndex = -1;
    li.append(box);
    return li;
  }

  // Texts follow the language: rebuild what is shown.
  relabel() {
    this.renderScopes();
    if (this.active) this.reload();
  }
}
