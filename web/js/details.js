// details.js — a point's details and what a citizen can do with it: +1,
// "Melden" (report, with a reason), "Link kopieren" (its own page
// /p/{id}) and, in the list, "Auf der Karte zeigen".  pointDetails() builds
// them for the map's details popup, the list view and the duplicate hint
// alike, so all three offer the same actions.
//
// The map's details (Details) live in a popup of their own, not one bound
// to a marker: reloading the view redraws markers, and the details stay
// open until the citizen closes them (× button or Escape).

import { ApiError, postJSON } from './api.js';
import { currentLang, formatDate, t, tn } from './i18n.js';
import { categoryBadge, categoryLabel, replyLines, topicLabel } from './points.js';

const L = window.L;
let instances = 0;

function isOpen(config) {
  return config.participation?.open !== false;
}

// What a failed action tells the citizen.
function failure(e, fallback) {
  if (!(e instanceof ApiError)) return fallback;
  if (e.status === 0) return t('errNetwork');
  if (e.status === 403) return t('errClosed');
  if (e.status === 404) return t('pointGone');
  if (e.status === 429) return t('errRate', { s: e.retryAfter || 60 });
  return fallback;
}

// The address of a point's own page, which link previews can show.
export function pointLink(id) {
  const url = new URL(`/p/${encodeURIComponent(id)}`, location.href);
  if (currentLang() === 'en') url.searchParams.set('lang', 'en');
  return url.href;
}

function button(text, className) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = text;
  return b;
}

// The reasons fieldset and its buttons, hidden until "Melden".
function flagForm(feature, config, say, opener, resized) {
  const n = ++instances;
  const form = document.createElement('form');
  form.className = 'flag-form';
  form.id = `flag-${n}`;
  form.hidden = true;
  form.noValidate = true;
  const set = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = t('flagTitle');
  set.append(legend);
  for (const reason of config.flag_reasons || []) {
    const id = `flag-${n}-${reason}`;
    const row = document.createElement('div');
    row.className = 'choice';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = `reason-${n}`;
    input.value = reason;
    input.id = id;
    const lab = document.createElement('label');
    lab.htmlFor = id;
    lab.textContent = t(`reason_${reason}`);
    row.append(input, lab);
    set.append(row);
  }
  const err = document.createElement('p');
  err.className = 'field-error';
  err.id = `flag-${n}-error`;
  err.hidden = true;
  set.setAttribute('aria-describedby', err.id);
  const actions = document.createElement('div');
  actions.className = 'actions';
  const send = document.createElement('button');
  send.type = 'submit';
  send.textContent = t('flagSend');
  const cancel = button(t('flagCancel'), 'secondary');
  actions.append(send, cancel);
  form.append(set, err, actions);
  const close = () => {
    form.hidden = true;
    opener.setAttribute('aria-expanded', 'false');
    opener.focus();
    resized();
  };
  cancel.addEventListener('click', close);
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close();
    }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const reason = form.querySelector('input:checked')?.value;
    if (!reason) {
      err.textContent = t('flagChoose');
      err.hidden = false;
      set.querySelector('input').focus();
      resized();
      return;
    }
    err.hidden = true;
    send.disabled = true;
    try {
      await postJSON(`/api/points/${encodeURIComponent(feature.id)}/flag`, { reason });
      form.hidden = true;
      opener.disabled = true;
      opener.setAttribute('aria-expanded', 'false');
      say(t('flagThanks'), opener);
    } catch (ex) {
      say(failure(ex, t('flagFailed')), send);
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

// Details of one point Feature: kind, comment, districts, date, topic,
// supporters and the actions.  Text only via textContent.
// options: heading (tag of the title line: 'p' in the popup, 'h3' in the
// list), onShowOnMap(feature) adds "Auf der Karte zeigen", onSupported,
// onResize() after the details grew or shrank (the popup fits itself).
export function pointDetails(feature, config, options = {}) {
  const p = feature.properties;
  const box = document.createElement('div');
  box.className = 'popup details';
  box.dataset.id = feature.id;
  const head = document.createElement(options.heading || 'p');
  head.className = 'details-head';
  head.append(categoryBadge(p.category, categoryLabel(config, p.category)));
  const comment = document.createElement('p');
  comment.className = 'popup-comment';
  comment.textContent = p.comment;
  const where = document.createElement('p');
  where.className = 'popup-district';
  where.textContent = t('districtLine', {
    ob: p.ortsbezirk_name || t('noDistrict'), st: p.stadtteil_name || t('noDistrict')
  });
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
  count.textContent = tn('supporters', p.supporters || 0);
  box.append(count);

  const note = document.createElement('p');
  note.className = 'popup-note';
  note.setAttribute('role', 'status');
  // Messages go to the status line; focus stays on the button used, or
  // moves to the box when that button is now disabled.
  const resized = () => options.onResize && options.onResize();
  const say = (text, from) => {
    note.textContent = text;
    if (from && from.disabled) box.focus();
    resized();
  };

  const actions = document.createElement('div');
  actions.className = 'actions details-actions';
  let flag = null;
  if (isOpen(config)) {
    const support = button(t('support'), 'support');
    support.addEventListener('click', async () => {
      support.disabled = true;
      try {
        const { body } = await postJSON(`/api/points/${encodeURIComponent(feature.id)}/support`);
        p.supporters = body.supporters;
        count.textContent = tn('supporters', body.supporters);
        say(body.counted ? t('supported') : t('supportedBefore'), support);
        if (options.onSupported) options.onSupported(feature);
      } catch (e) {
        support.disabled = false;
        say(failure(e, t('supportFailed')), support);
      }
    });
    const report = button(t('flag'), 'secondary flag-open');
    report.setAttribute('aria-expanded', 'false');
    flag = flagForm(feature, config, say, report, resized);
    report.setAttribute('aria-controls', flag.id);
    report.addEventListener('click', () => {
      flag.hidden = !flag.hidden;
      report.setAttribute('aria-expanded', String(!flag.hidden));
      resized();
      if (!flag.hidden) flag.querySelector('input').focus();
    });
    actions.append(support, report);
  }
  const copy = button(t('copyLink'), 'secondary copy-link');
  const field = document.createElement('div');
  field.className = 'copy-field field';
  field.hidden = true;
  copy.addEventListener('click', async () => {
    const url = pointLink(feature.id);
    try {
      await navigator.clipboard.writeText(url);
      say(t('linkCopied', { url }));
    } catch (e) {
      // No clipboard (an embedding page that does not allow it): offer
      // the link selected, to copy by hand.
      const id = `copy-${++instances}`;
      const lab = document.createElement('label');
      lab.htmlFor = id;
      lab.textContent = t('linkCopyManual');
      const input = document.createElement('input');
      input.type = 'text';
      input.readOnly = true;
      input.id = id;
      input.value = url;
      field.replaceChildren(lab, input);
      field.hidden = false;
      resized();
      input.focus();
      input.select();
    }
  });
  actions.append(copy);
  if (options.onShowOnMap) {
    const show = button(t('showOnMap'), 'secondary show-on-map');
    show.addEventListener('click', () => options.onShowOnMap(feature, show));
    actions.append(show);
  }
  box.append(actions);
  if (flag) box.append(flag);
  if (!isOpen(config)) {
    const closed = document.createElement('p');
    closed.className = 'details-closed';
    closed.textContent = t('actionsClosed');
    box.append(closed);
  }
  box.append(field, note);
  return box;
}

// The map's details: one popup at a time, opened at the point and kept
// open across reloads of the view.  markerFor(id) finds the point's marker
// for the focus when the details close; onChange(id | null) follows what
// is open (the page keeps it in its address as ?point=); topInset() is
// the height of what covers the map's top edge (the popup stays below).
export class Details {
  constructor(map, config, { markerFor, onChange, topInset = () => 0 }) {
    this.map = map;
    this.config = config;
    this.markerFor = markerFor;
    this.onChange = onChange;
    this.topInset = topInset;
    this.popup = null;
    this.feature = null;
    this.returnTo = null;
  }

  get id() {
    return this.feature ? this.feature.id : null;
  }

  // Opens the details of feature; returnTo is where focus goes when they
  // close (else the point's marker, else the map).
  open(feature, { focus = true, returnTo = null } = {}) {
    this.close({ restoreFocus: false });
    const [lon, lat] = feature.geometry.coordinates;
    const content = this.content(feature);
    const size = this.map.getSize();
    this.feature = feature;
    this.returnTo = returnTo;
    this.popup = L.popup({
      closeButton: false,
      autoClose: false,
      closeOnClick: false,
      closeOnEscapeKey: false,
      minWidth: Math.min(260, size.x - 60),
      maxWidth: Math.min(320, size.x - 40),
      maxHeight: Math.max(160, size.y - 60),
      autoPanPaddingTopLeft: [12, 12 + this.topInset()],
      autoPanPaddingBottomRight: [12, 12],
      offset: [0, -12],
      className: 'details-popup'
    }).setLatLng([lat, lon]).setContent(content);
    this.popup.on('remove', () => {
      if (this.popup && !this.closing) this.close({ restoreFocus: false });
    });
    this.map.openPopup(this.popup);
    if (focus) content.focus({ preventScroll: true });
    this.onChange(feature.id);
  }

  // The details of feature with their close button, in the page's language.
  content(feature) {
    const content = pointDetails(feature, this.config, { onResize: () => this.fit() });
    content.tabIndex = -1;
    content.setAttribute('role', 'group');
    content.setAttribute('aria-label', t('detailsLabel', { cat: categoryLabel(this.config, feature.properties.category) }));
    const close = button('×', 'details-close');
    close.setAttribute('aria-label', t('closeDetails'));
    close.title = t('closeDetails');
    close.addEventListener('click', () => this.close());
    content.append(close);
    content.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        this.close();
      }
    });
    return content;
  }

  // The same details again in the page's (new) language, in place: the
  // popup stays, and so does the focus inside it.
  relabel() {
    if (!this.popup) return;
    const hadFocus = this.popup.getElement()?.contains(document.activeElement);
    const content = this.content(this.feature);
    this.popup.setContent(content);
    if (hadFocus) content.focus({ preventScroll: true });
  }

  // After the content changed size: lay the popup out again and pan the
  // map so it fits.  (Popup.update() would re-insert the content and so
  // lose the focus inside it; these are the steps of update() without
  // that, in the pinned Leaflet 1.9.)
  fit() {
    const p = this.popup;
    if (!p || !p._map) return;
    p.options.autoPanPaddingTopLeft = [12, 12 + this.topInset()];
    p._updateLayout();
    p._updatePosition();
    p._adjustPan();
  }

  close({ restoreFocus = true } = {}) {
    if (!this.popup) return;
    const id = this.feature.id;
    const hadFocus = this.popup.getElement()?.contains(document.activeElement);
    const element = this.popup.getElement();
    this.closing = true;
    this.map.closePopup(this.popup);
    this.closing = false;
    // Gone at once, not after Leaflet's fade: never two details at a time.
    element?.remove();
    this.popup = null;
    this.feature = null;
    this.onChange(null);
    if (!restoreFocus || !hadFocus) return;
    const target = (this.returnTo && this.returnTo.isConnected && this.returnTo) ||
      this.markerFor(id) || this.map.getContainer();
    this.returnTo = null;
    // Inside the map nothing may scroll (citizen.js keeps its box at rest).
    target.focus({ preventScroll: this.map.getContainer().contains(target) });
  }
}
