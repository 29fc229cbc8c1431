// workspace.js — the planners' workspace on planner.html: staff sign in
// (the server keeps the session in an HttpOnly cookie, so no token is ever
// held where a script could read it), moderate the queues of new, flagged
// and hidden points (publish, hide, edit, answer, delete; one at a time or
// the selected ones together; by keyboard alone), read the moderation log
// and record walks and workshops (events).
//
// Every write goes to the API with the session cookie; the server refuses
// a cookie write whose Origin is not its own, which this page's fetches
// always carry.

import { ApiError, getJSON, postJSON, query } from './api.js';
import { currentLang, formatDate } from './i18n.js';

const $ = (id) => document.getElementById(id);
const QUEUE_PAGE = 50;

const TEXTS = {
  de: {
    title: 'Moderation (für Mitarbeitende)',
    intro: 'Melden Sie sich mit Ihrem Zugangsschlüssel an, um Beiträge freizugeben, auszublenden, zu bearbeiten und zu beantworten.',
    token: 'Zugangsschlüssel',
    signIn: 'Anmelden',
    signOut: 'Abmelden',
    signedIn: 'Angemeldet als {name} ({role}).',
    signedOut: 'Sie sind abgemeldet.',
    signInFailed: 'Anmeldung nicht möglich: {detail}',
    planner: 'Planung',
    admin: 'Verwaltung',
    queue: 'Warteschlange',
    qPending: 'Neu (nicht freigegeben)',
    qFlagged: 'Gemeldet',
    qHidden: 'Ausgeblendet',
    qPublished: 'Veröffentlicht',
    queueCount: '{n} Beiträge in „{queue}“.',
    queueEmpty: 'Keine Beiträge in „{queue}“.',
    more: 'Weitere laden',
    shortcuts: 'Tastenkürzel, wenn ein Beitrag ausgewählt ist (Tab): V veröffentlichen, A ausblenden, B bearbeiten, X markieren, J nächster, K voriger.',
    select: 'Beitrag {id} markieren',
    selectAll: 'Alle markieren',
    bulkPublish: 'Markierte veröffentlichen',
    bulkHide: 'Markierte ausblenden',
    bulkNone: 'Bitte zuerst Beiträge markieren.',
    bulkDone: '{n} Beiträge geändert.',
    publish: 'Veröffentlichen',
    hide: 'Ausblenden',
    edit: 'Bearbeiten',
    del: 'Löschen',
    delConfirm: 'Beitrag {id} endgültig löschen?',
    published: 'Beitrag {id} veröffentlicht.',
    hidden: 'Beitrag {id} ausgeblendet.',
    saved: 'Beitrag {id} gespeichert.',
    deleted: 'Beitrag {id} gelöscht.',
    failed: 'Das hat nicht geklappt: {detail}',
    pointLabel: 'Beitrag {id}',
    status_pending: 'neu', status_published: 'veröffentlicht', status_hidden: 'ausgeblendet',
    cat_favourite: 'Lieblingsort', cat_improvement: 'Verbesserungswürdig',
    channel_online: 'online', channel_walk: 'Ortsbegehung', channel_workshop: 'Werkstatt',
    outcome_open: 'offen', outcome_in_review: 'in Prüfung', outcome_adopted: 'übernommen', outcome_not_adopted: 'nicht übernommen',
    reason_spam: 'Werbung/Spam', reason_offensive: 'beleidigend', reason_personal_data: 'persönliche Daten',
    reason_off_topic: 'nicht zum Thema', reason_duplicate: 'doppelt', reason_other: 'anderes',
    flagsLine: '{n} Meldungen: {reasons}',
    metaLine: '{date} · {district} · {channel} · {status}',
    replyLine: 'Antwort der Stadt ({outcome}): {reply}',
    noteLine: 'Notiz: {note}',
    fCategory: 'Art', fTopic: 'Thema', fNoTopic: 'kein Thema', fComment: 'Text (gekürzt oder unkenntlich gemacht)',
    fNote: 'Interne Notiz', fChannel: 'Eingang', fEvent: 'Begehung oder Werkstatt', fNoEvent: 'keine',
    fReply: 'Antwort der Stadt (öffentlich)', fOutcome: 'Stand', save: 'Speichern', cancel: 'Abbrechen',
    log: 'Moderationsprotokoll',
    logEntry: '{at} – {actor}: {action} {point} {fields}',
    logPoint: 'Beitrag {id}',
    events: 'Ortsbegehungen und Werkstätten',
    evName: 'Name', evChannel: 'Art', evDate: 'Datum', evDistrict: 'Bezirk (freiwillig)', evNoDistrict: 'ohne Bezirk',
    evCreate: 'Anlegen', evCreated: '„{name}“ angelegt.', evLine: '{date} · {channel} · {district} · {n} Beiträge',
    evNone: 'Noch keine Termine.',
    // the live room (issue 17): its entry opened and closed per event
    evLiveOpen: 'Live-Eingabe öffnen', evLiveClose: 'Live-Eingabe schließen',
    evLiveIsOpen: 'Live-Eingabe offen', evRoom: 'Live-Raum zeigen',
    evLiveOpened: 'Live-Eingabe für „{name}“ geöffnet.', evLiveClosed: 'Live-Eingabe für „{name}“ geschlossen.',
    entrySkip: 'Zur Eingabe springen',
    entryTitle: 'Erfassung vor Ort',
    entryTagline: 'Für Ortsbegehungen und Werkstätten: Termin einmal wählen, dann Ort antippen und eintragen – beliebig viele Beiträge nacheinander.',
    backToPlanner: 'Zur Auswertung',
    entryMap: 'Karte: Antippen wählt den Ort des nächsten Beitrags.',
    entryIntro: 'Bitte melden Sie sich mit Ihrem Zugangsschlüssel an.',
    entryEventHint: 'Alle folgenden Beiträge gehören zu diesem Termin.',
    entryLocate: 'Meinen Standort verwenden',
    entryCentre: 'Ort in der Kartenmitte wählen',
    entryLocating: 'Standort wird ermittelt …',
    entryNoLocation: 'Der Standort konnte nicht ermittelt werden. Bitte tippen Sie auf die Karte.',
    entryPlace: 'Ort: {lat}° N, {lon}° O',
    entryNoPlace: 'Noch kein Ort gewählt: bitte auf die Karte tippen.',
    entryComment: 'Was wurde gesagt?',
    entrySave: 'Speichern',
    entrySaved: 'Beitrag {id} gespeichert (Ortsbezirk {district}). Bisher {n} erfasst – nächster Ort?',
    entrySavedLine: 'Beitrag {id} ({district}): {comment}',
    entryDone: 'Erfasst',
    fDistrict: 'Bezirk',
    allDistricts: 'alle Bezirke',
    pointsShown: '{n} Beiträge und {h} Schwerpunkte von {district} auf der Karte.',
    hotspotTip: 'Schwerpunkt: {n} Beiträge',
    showOnMap: 'Beitrag {id} auf der Mitmachkarte',
    listExtra: 'Eingang: {channel}',
    legendEmpty: 'keine',
    queueCount_one: '1 Beitrag in „{queue}“.',
    flagsLine_one: '1 Meldung: {reasons}',
    bulkDone_one: '1 Beitrag geändert.',
    evLine_one: '{date} · {channel} · {district} · 1 Beitrag',
    dlAll: 'Alle veröffentlichten Beiträge herunterladen:',
    dlDistrict: 'Die veröffentlichten Beiträge von {district} herunterladen:',
    sort: 'Reihenfolge',
    sort_oldest: 'älteste zuerst', sort_newest: 'neueste zuerst', sort_updated: 'zuletzt geändert zuerst',
    sort_flags: 'meiste Meldungen zuerst', sort_supporters: 'meiste Unterstützung zuerst'
  },
  en: {
    title: 'Moderation (staff)',
    intro: 'Sign in with your access key to publish, hide, edit and answer contributions.',
    token: 'Access key',
    signIn: 'Sign in',
    signOut: 'Sign out',
    signedIn: 'Signed in as {name} ({role}).',
    signedOut: 'You are signed out.',
    signInFailed: 'Could not sign in: {detail}',
    planner: 'planning',
    admin: 'administration',
    queue: 'Queue',
    qPending: 'New (not yet published)',
    qFlagged: 'Reported',
    qHidden: 'Hidden',
    qPublished: 'Published',
    queueCount: '{n} contributions in “{queue}”.',
    queueEmpty: 'No contributions in “{queue}”.',
    more: 'Load more',
    shortcuts: 'Keyboard shortcuts when a contribution has the focus (Tab): V publish, A hide, B edit, X mark, J next, K previous.',
    select: 'Mark contribution {id}',
    selectAll: 'Mark all',
    bulkPublish: 'Publish marked',
    bulkHide: 'Hide marked',
    bulkNone: 'Please mark contributions first.',
    bulkDone: '{n} contributions changed.',
    publish: 'Publish',
    hide: 'Hide',
    edit: 'Edit',
    del: 'Delete',
    delConfirm: 'Delete contribution {id} for good?',
    published: 'Contribution {id} published.',
    hidden: 'Contribution {id} hidden.',
    saved: 'Contribution {id} saved.',
    deleted: 'Contribution {id} deleted.',
    failed: 'That did not work: {detail}',
    pointLabel: 'Contribution {id}',
    status_pending: 'new', status_published: 'published', status_hidden: 'hidden',
    cat_favourite: 'Favourite place', cat_improvement: 'Needs improvement',
    channel_online: 'online', channel_walk: 'district walk', channel_workshop: 'workshop',
    outcome_open: 'open', outcome_in_review: 'in review', outcome_adopted: 'adopted', outcome_not_adopted: 'not adopted',
    reason_spam: 'advertising/spam', reason_offensive: 'offensive', reason_personal_data: 'personal data',
    reason_off_topic: 'off topic', reason_duplicate: 'duplicate', reason_other: 'other',
    flagsLine: '{n} reports: {reasons}',
    metaLine: '{date} · {district} · {channel} · {status}',
    replyLine: 'The city’s answer ({outcome}): {reply}',
    noteLine: 'Note: {note}',
    fCategory: 'Kind', fTopic: 'Topic', fNoTopic: 'no topic', fComment: 'Text (shortened or made unrecognisable)',
    fNote: 'Internal note', fChannel: 'Channel', fEvent: 'Walk or workshop', fNoEvent: 'none',
    fReply: 'The city’s answer (public)', fOutcome: 'Outcome', save: 'Save', cancel: 'Cancel',
    log: 'Moderation log',
    logEntry: '{at} – {actor}: {action} {point} {fields}',
    logPoint: 'contribution {id}',
    events: 'District walks and workshops',
    evName: 'Name', evChannel: 'Kind', evDate: 'Date', evDistrict: 'District (optional)', evNoDistrict: 'no district',
    evCreate: 'Create', evCreated: '“{name}” created.', evLine: '{date} · {channel} · {district} · {n} contributions',
    evNone: 'No walks or workshops yet.',
    // the live room (issue 17): its entry opened and closed per event
    evLiveOpen: 'Open live entry', evLiveClose: 'Close live entry',
    evLiveIsOpen: 'live entry open', evRoom: 'Show the live room',
    evLiveOpened: 'Live entry for “{name}” opened.', evLiveClosed: 'Live entry for “{name}” closed.',
    entrySkip: 'Skip to the entry form',
    entryTitle: 'Recording on site',
    entryTagline: 'For district walks and workshops: choose the event once, then tap the place and type — as many contributions in a row as you like.',
    backToPlanner: 'To the analysis',
    entryMap: 'Map: a tap chooses the place of the next contribution.',
    entryIntro: 'Please sign in with your access key.',
    entryEventHint: 'Every following contribution belongs to this event.',
    entryLocate: 'Use my location',
    entryCentre: 'Choose the place at the map centre',
    entryLocating: 'Finding your location …',
    entryNoLocation: 'Your location could not be found. Please tap the map.',
    entryPlace: 'Place: {lat}° N, {lon}° E',
    entryNoPlace: 'No place chosen yet: please tap the map.',
    entryComment: 'What was said?',
    entrySave: 'Save',
    entrySaved: 'Contribution {id} saved (district {district}). {n} recorded so far — next place?',
    entrySavedLine: 'Contribution {id} ({district}): {comment}',
    entryDone: 'Recorded',
    fDistrict: 'District',
    allDistricts: 'all districts',
    pointsShown: '{n} contributions and {h} hotspots of {district} on the map.',
    hotspotTip: 'Hotspot: {n} contributions',
    showOnMap: 'Contribution {id} on the participation map',
    listExtra: 'Channel: {channel}',
    legendEmpty: 'none',
    queueCount_one: '1 contribution in “{queue}”.',
    flagsLine_one: '1 report: {reasons}',
    bulkDone_one: '1 contribution changed.',
    evLine_one: '{date} · {channel} · {district} · 1 contribution',
    dlAll: 'Download every published contribution:',
    dlDistrict: 'Download the published contributions of {district}:',
    sort: 'Order',
    sort_oldest: 'oldest first', sort_newest: 'newest first', sort_updated: 'last changed first',
    sort_flags: 'most reports first', sort_supporters: 'most support first'
  }
};

// The orders of GET /api/admin/points?sort=; the first is the server's default.
const SORTS = ['oldest', 'newest', 'updated', 'flags', 'supporters'];

// A text with its placeholders filled; with n = 1 its singular (key_one) where it has one.
export function w(key, vars = {}) {
  const one = vars.n === 1 && `${key}_one` in TEXTS.de ? `${key}_one` : key;
  const s = TEXTS[currentLang()][one] ?? TEXTS.de[one] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

const QUEUES = {
  pending: { key: 'qPending', params: { status: 'pending' } },
  flagged: { key: 'qFlagged', params: { flagged: 'true', status: 'all' } },
  hidden: { key: 'qHidden', params: { status: 'hidden' } },
  published: { key: 'qPublished', params: { status: 'published' } }
};

const state = {
  config: null,
  who: null,          // {name, role} while signed in
  queue: 'pending',
  sort: 'oldest',
  offset: 0,
  matched: 0,
  events: [],
  districts: []
};

// ---- talking to the API ---------------------------------------------------------------

async function send(method, url, payload) {
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: payload === undefined ? { Accept: 'application/json' }
        : { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload)
    });
  } catch (e) {
    throw new ApiError(0, {}, null);
  }
  const type = res.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await res.json().catch(() => ({})) : {};
  if (!res.ok) throw new ApiError(res.status, body, null);
  return body;
}

function say(text) {
  $('ws-status').textContent = text;
}

function failed(e) {
  if (e instanceof ApiError && e.status === 401) {
    showSignedOut();
  }
  say(w('failed', { detail: e.message }));
}

// ---- sign in and out ---------------------------------------------------------------------

// What the page does when someone signs in or out (set by sessionForms).
let hooks = { signedIn: async () => {}, signedOut: () => {} };

async function showSignedIn(who, byForm = false) {
  state.who = who;
  $('ws-signin').hidden = true;
  $('ws-who').textContent = w('signedIn', { name: who.name, role: w(who.role) });
  document.body.dataset.staff = who.role;
  await hooks.signedIn(who, byForm);
}

function showSignedOut() {
  state.who = null;
  $('ws-signin').hidden = false;
  delete document.body.dataset.staff;
  hooks.signedOut();
}

async function signIn(e) {
  e.preventDefault();
  const input = $('ws-token');
  const err = $('ws-signin-error');
  err.textContent = '';
  input.removeAttribute('aria-invalid');
  let body;
  try {
    ({ body } = await postJSON('/api/session', { token: input.value.trim() }));
  } catch (ex) {
    err.textContent = w('signInFailed', { detail: ex.message });
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  input.value = '';
  // The line beside "Abmelden" names who is signed in; the status box only
  // drops what it said before (a sign-out), so the name is said once.
  say('');
  await showSignedIn(body, true);
}

async function signOut() {
  try {
    await send('DELETE', '/api/session');
  } catch (e) { /* signed out either way: the cookie is gone or was never valid */ }
  showSignedOut();
  say(w('signedOut'));
  $('ws-token').focus();
}

// Wires #ws-signin, #ws-token, #ws-signout and #ws-who of a staff page and
// shows the signed-in or signed-out state the session cookie says.
export async function sessionForms(pageHooks) {
  hooks = pageHooks;
  $('ws-signin').addEventListener('submit', signIn);
  $('ws-signout').addEventListener('click', signOut);
  const who = await getJSON('/api/session');
  if (who.signed_in) await showSignedIn(who);
  else showSignedOut();
}

// ---- the queues -------------------------------------------------------------------------------

function reasonsText(reasons) {
  return Object.entries(reasons || {}).map(([r, n]) => `${w(`reason_${r}`)} ${n}`).join(', ');
}

function para(cls, text) {
  const p = document.createElement('p');
  if (cls) p.className = cls;
  p.textContent = text;
  return p;
}

function button(text, onClick, cls = 'secondary') {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = cls;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

function queueItem(f) {
  const p = f.properties;
  const li = document.createElement('li');
  li.className = 'ws-item';
  li.tabIndex = 0;
  li.dataset.id = f.id;
  li.dataset.status = p.status;
  li.setAttribute('aria-labelledby', `ws-h-${f.id}`);
  const head = document.createElement('div');
  head.className = 'ws-head';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.className = 'ws-select';
  box.id = `ws-sel-${f.id}`;
  const boxLabel = document.createElement('label');
  boxLabel.htmlFor = box.id;
  boxLabel.className = 'visually-hidden';
  boxLabel.textContent = w('select', { id: f.id });
  const h = document.createElement('h3');
  h.id = `ws-h-${f.id}`;
  h.textContent = `${w('pointLabel', { id: f.id })}: ${w(`cat_${p.category}`)}`;
  head.append(box, boxLabel, h);
  li.append(head, para('popup-comment', p.comment));
  li.append(para('meta', w('metaLine', {
    date: formatDate(p.created, true), district: p.ortsbezirk_name || '–',
    channel: w(`channel_${p.channel}`), status: w(`status_${p.status}`)
  })));
  if (p.flags) li.append(para('ws-flags', w('flagsLine', { n: p.flags, reasons: reasonsText(p.flag_reasons) })));
  if (p.note) li.append(para('meta', w('noteLine', { note: p.note })));
  if (p.reply) li.append(para('ws-reply', w('replyLine', { outcome: w(`outcome_${p.outcome}`), reply: p.reply })));
  const actions = document.createElement('div');
  actions.className = 'actions';
  if (p.status !== 'published' || p.flags) actions.append(button(w('publish'), () => moderate(li, 'published'), ''));
  if (p.status !== 'hidden' || p.flags) actions.append(button(w('hide'), () => moderate(li, 'hidden')));
  actions.append(button(w('edit'), () => openEditor(li, f)));
  if (state.who && state.who.role === 'admin') actions.append(button(w('del'), () => remove(li), 'secondary danger'));
  li.append(actions);
  return li;
}

async function loadQueue(append = false) {
  const q = QUEUES[state.queue];
  if (!append) state.offset = 0;
  const params = { ...q.params, limit: QUEUE_PAGE, offset: state.offset };
  if (state.sort !== SORTS[0]) params.sort = state.sort;
  const fc = await getJSON(`/api/admin/points${query(params)}`);
  const list = $('ws-queue');
  if (!append) list.replaceChildren();
  for (const f of fc.features) list.append(queueItem(f));
  state.offset += fc.features.length;
  state.matched = fc.numberMatched;
  countText();
  $('ws-more').hidden = state.offset >= fc.numberMatched;
  document.body.dataset.queue = `${state.queue}:${Date.now()}`;
}

function countText() {
  const queue = w(QUEUES[state.queue].key);
  $('ws-count').textContent = state.matched
    ? w('queueCount', { n: state.matched, queue }) : w('queueEmpty', { queue });
}

// A point that left the current queue goes from the list; the focus moves
// on to the next one, so a keyboard user keeps working.
function leaveQueue(li) {
  const next = li.nextElementSibling || li.previousElementSibling;
  li.remove();
  state.matched = Math.max(0, state.matched - 1);
  state.offset = Math.max(0, state.offset - 1);
  countText();
  (next || $(`ws-queue-${state.queue}`)).focus();
}

function stays(status, flagsDismissed) {
  if (state.queue === 'flagged') return !flagsDismissed;
  return QUEUES[state.queue].params.status === status;
}

// Publishing or hiding a reported point is its review: the flags go.
async function moderate(li, status) {
  const id = li.dataset.id;
  const patch = { status };
  if (state.queue === 'flagged') patch.flags = null;
  try {
    const f = await send('PATCH', `/api/points/${id}`, patch);
    say(w(status === 'published' ? 'published' : 'hidden', { id }));
    if (stays(status, 'flags' in patch)) li.replaceWith(queueItem(f));
    else leaveQueue(li);
    loadLog();
  } catch (e) {
    failed(e);
  }
}

async function remove(li) {
  const id = li.dataset.id;
  if (!window.confirm(w('delConfirm', { id }))) return;
  try {
    await send('DELETE', `/api/points/${id}`);
    say(w('deleted', { id }));
    leaveQueue(li);
    loadLog();
  } catch (e) {
    failed(e);
  }
}

async function bulk(status) {
  const items = [...document.querySelectorAll('#ws-queue .ws-item')]
    .filter((li) => li.querySelector('.ws-select').checked);
  if (!items.length) {
    say(w('bulkNone'));
    return;
  }
  let n = 0;
  for (const li of items) {
    const patch = { status };
    if (state.queue === 'flagged') patch.flags = null;
    try {
      await send('PATCH', `/api/points/${li.dataset.id}`, patch);
      n++;
    } catch (e) {
      failed(e);
      break;
    }
  }
  say(w('bulkDone', { n }));
  await loadQueue();
  loadLog();
  $(`ws-queue-${state.queue}`).focus();
}

// ---- the editor ---------------------------------------------------------------------------

function field(form, name, labelKey, control) {
  const div = document.createElement('div');
  div.className = 'field';
  const id = `${form.id}-${name}`;
  control.id = id;
  control.name = name;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = w(labelKey);
  const err = document.createElement('p');
  err.className = 'field-error';
  err.id = `${id}-error`;
  err.hidden = true;
  control.setAttribute('aria-describedby', err.id);
  div.append(label, control, err);
  form.append(div);
  return control;
}

function select(options, value) {
  const s = document.createElement('select');
  for (const [v, text] of options) s.append(new Option(text, v));
  s.value = value ?? '';
  return s;
}

function textarea(value, max) {
  const t = document.createElement('textarea');
  t.rows = 3;
  t.maxLength = max;
  t.value = value ?? '';
  return t;
}

function openEditor(li, f) {
  if (li.querySelector('form')) {
    li.querySelector('form select, form textarea').focus();
    return;
  }
  const p = f.properties;
  const form = document.createElement('form');
  form.id = `ws-edit-${f.id}`;
  form.className = 'ws-edit';
  form.noValidate = true;
  const lang = currentLang();
  const cat = field(form, 'category', 'fCategory', select(state.config.categories.map((c) => [c.id, c.label[lang] || c.label.de]), p.category));
  const topic = field(form, 'topic', 'fTopic', select([['', w('fNoTopic')], ...state.config.topics.map((c) => [c.id, c.label[lang] || c.label.de])], p.topic));
  const comment = field(form, 'comment', 'fComment', textarea(p.comment, 1000));
  const note = field(form, 'note', 'fNote', textarea(p.note, 1000));
  const channel = field(form, 'channel', 'fChannel', select(['online', 'walk', 'workshop'].map((c) => [c, w(`channel_${c}`)]), p.channel));
  const event = field(form, 'event', 'fEvent', select([['', w('fNoEvent')], ...state.events.map((e) => [String(e.id), `${e.name} (${e.date})`])], p.event ? String(p.event) : ''));
  const reply = field(form, 'reply', 'fReply', textarea(p.reply, 2000));
  const outcome = field(form, 'outcome', 'fOutcome', select(['open', 'in_review', 'adopted', 'not_adopted'].map((o) => [o, w(`outcome_${o}`)]), p.outcome));
  const actions = document.createElement('div');
  actions.className = 'actions';
  const save = document.createElement('button');
  save.type = 'submit';
  save.textContent = w('save');
  actions.append(save, button(w('cancel'), () => { form.remove(); li.focus(); }));
  form.append(actions);
  form.addEventListener('keydown', (e) => e.stopPropagation());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    // Only what changed: the log then names exactly what the planner did.
    const patch = {};
    if (cat.value !== p.category) patch.category = cat.value;
    if (topic.value !== (p.topic || '')) patch.topic = topic.value || null;
    if (comment.value !== p.comment) patch.comment = comment.value;
    if (note.value !== (p.note || '')) patch.note = note.value || null;
    const ev = event.value ? Number(event.value) : null;
    if (ev !== (p.event || null)) patch.event = ev;
    if (channel.value !== p.channel && !(ev && ev !== p.event)) patch.channel = channel.value;
    if (reply.value !== (p.reply || '')) patch.reply = reply.value || null;
    if (outcome.value !== p.outcome) patch.outcome = outcome.value;
    for (const el of form.querySelectorAll('.field-error')) { el.hidden = true; el.textContent = ''; }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    if (!Object.keys(patch).length) {
      form.remove();
      li.focus();
      return;
    }
    try {
      const updated = await send('PATCH', `/api/points/${f.id}`, patch);
      say(w('saved', { id: f.id }));
      const fresh = queueItem(updated);
      li.replaceWith(fresh);
      fresh.focus();
      loadLog();
    } catch (ex) {
      const control = ex.field && form.elements[ex.field];
      if (control) {
        const err = $(`${control.id}-error`);
        err.textContent = ex.message;
        err.hidden = false;
        control.setAttribute('aria-invalid', 'true');
        control.focus();
      } else {
        failed(ex);
      }
    }
  });
  li.append(form);
  cat.focus();
}

// ---- keyboard -------------------------------------------------------------------------------

function onKey(e) {
  const li = e.target.closest && e.target.closest('.ws-item');
  if (!li || e.target !== li || e.altKey || e.ctrlKey || e.metaKey) return;
  const key = e.key.toLowerCase();
  const actions = {
    v: () => moderate(li, 'published'),
    a: () => moderate(li, 'hidden'),
    b: () => openEditorFor(li),
    x: () => { const box = li.querySelector('.ws-select'); box.checked = !box.checked; },
    j: () => li.nextElementSibling && li.nextElementSibling.focus(),
    k: () => li.previousElementSibling && li.previousElementSibling.focus(),
    arrowdown: () => li.nextElementSibling && li.nextElementSibling.focus(),
    arrowup: () => li.previousElementSibling && li.previousElementSibling.focus()
  };
  if (actions[key]) {
    e.preventDefault();
    actions[key]();
  }
}

function openEditorFor(li) {
  const edit = [...li.querySelectorAll('.actions button')].find((b) => b.textContent === w('edit'));
  if (edit) edit.click();
}

// ---- the log ------------------------------------------------------------------------------------

async function loadLog() {
  if (!state.who) return;
  try {
    const page = await getJSON('/api/admin/log?limit=20');
    $('ws-log').replaceChildren(...page.entries.map((e) => {
      const li = document.createElement('li');
      li.textContent = w('logEntry', {
        at: formatDate(e.at, true), actor: e.actor, action: e.action,
        point: e.point_id ? w('logPoint', { id: e.point_id }) : '', fields: e.fields ? `(${e.fields})` : ''
      });
      return li;
    }));
  } catch (e) { /* the log is a side view: the queue says what failed */ }
}

// ---- events -------------------------------------------------------------------------------------

async function loadEvents() {
  const { events } = await getJSON('/api/events');
  state.events = events;
  const list = $('ws-events');
  list.replaceChildren(...events.map((e) => {
    const li = document.createElement('li');
    li.dataset.id = e.id;
    const name = document.createElement('strong');
    name.textContent = e.name;
    li.append(name, ` – ${w('evLine', {
      date: formatDate(e.date), channel: w(`channel_${e.channel}`),
      district: e.district_name || w('evNoDistrict'), n: e.points
    })}${e.live ? ` · ${w('evLiveIsOpen')}` : ''} `);
    li.append(...liveControls(e));
    return li;
  }));
  if (!events.length) {
    const none = document.createElement('li');
    none.textContent = w('evNone');
    list.replaceChildren(none);
  }
  document.dispatchEvent(new CustomEvent('gp:events', { detail: events }));
}

// The live room: open or close the event's entry (/?event=ID), and its projector page.
function liveControls(e) {
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'secondary ws-live';
  toggle.textContent = w(e.live ? 'evLiveClose' : 'evLiveOpen');
  toggle.addEventListener('click', async () => {
    try {
      await send('PATCH', `/api/admin/events/${e.id}`, { live: !e.live });
      say(w(e.live ? 'evLiveClosed' : 'evLiveOpened', { name: e.name }));
      await loadEvents();
      $('ws-events').querySelector(`li[data-id="${e.id}"] .ws-live`)?.focus();
    } catch (ex) {
      failed(ex);
    }
  });
  const room = document.createElement('a');
  room.href = `/werkstatt?event=${e.id}`;
  room.textContent = w('evRoom');
  return [toggle, ' ', room];
}

async function createEvent(e) {
  e.preventDefault();
  const form = $('ws-event-form');
  for (const el of form.querySelectorAll('.field-error')) { el.hidden = true; el.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const body = {
    name: form.elements.name.value.trim(),
    channel: form.elements.channel.value,
    date: form.elements.date.value,
    district: form.elements.district.value || null
  };
  try {
    const { body: ev } = await postJSON('/api/admin/events', body);
    say(w('evCreated', { name: ev.name }));
    form.reset();
    await loadEvents();
  } catch (ex) {
    const control = ex.field && form.elements[ex.field];
    if (control) {
      const err = $(`ws-ev-${ex.field}-error`);
      err.textContent = ex.message;
      err.hidden = false;
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    } else {
      failed(ex);
    }
  }
}

// ---- texts and start -------------------------------------------------------------------------------

function renderTexts() {
  for (const el of document.querySelectorAll('[data-ws]')) el.textContent = w(el.dataset.ws);
  const channel = $('ws-ev-channel');
  const keep = channel.value;
  channel.replaceChildren(new Option(w('channel_walk'), 'walk'), new Option(w('channel_workshop'), 'workshop'));
  channel.value = keep || 'walk';
  const district = $('ws-ev-district');
  const keepD = district.value;
  district.replaceChildren(new Option(w('evNoDistrict'), ''),
    ...state.districts.map((d) => new Option(d.name, d.id)));
  district.value = keepD;
  $('ws-sort').replaceChildren(...SORTS.map((o) => new Option(w(`sort_${o}`), o)));
  $('ws-sort').value = state.sort;
  if (state.who) {
    $('ws-who').textContent = w('signedIn', { name: state.who.name, role: w(state.who.role) });
    countText();
  }
}

async function loadAll() {
  await Promise.all([loadQueue(), loadEvents(), loadLog()]);
}

export async function startWorkspace(config) {
  state.config = config;
  try {
    const obs = await getJSON('/api/districts?layer=ortsbezirk');
    state.districts = obs.features.map((d) => ({ id: d.id, name: d.properties.name }));
  } catch (e) { /* the district picker of events stays short */ }
  renderTexts();
  $('ws-more').addEventListener('click', () => loadQueue(true).catch(failed));
  $('ws-bulk-publish').addEventListener('click', () => bulk('published'));
  $('ws-bulk-hide').addEventListener('click', () => bulk('hidden'));
  $('ws-event-form').addEventListener('submit', createEvent);
  $('ws-queue').addEventListener('keydown', onKey);
  $('ws-sort').addEventListener('change', () => {
    state.sort = $('ws-sort').value;
    loadQueue().catch(failed);
  });
  for (const radio of document.querySelectorAll('input[name="ws-queue"]')) {
    radio.addEventListener('change', () => {
      state.queue = radio.value;
      loadQueue().catch(failed);
    });
  }
  $('lang').addEventListener('click', () => setTimeout(() => {
    renderTexts();
    if (state.who) loadQueue().catch(failed);
  }, 0));
  await sessionForms({
    signedIn: async (who, byForm) => {
      $('ws-area').hidden = false;
      await loadAll();
      if (byForm) $(`ws-queue-${state.queue}`).focus();
    },
    signedOut: () => {
      $('ws-area').hidden = true;
      $('ws-queue').replaceChildren();
    }
  });
  document.body.dataset.workspace = 'ready';
}
