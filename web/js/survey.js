// survey.js — the questionnaire page (/umfrage): the questions from
// GET /api/survey, one group per step (consecutive scale questions form one
// group, every other question its own), progress shown, answers kept in
// the page until they are sent to POST /api/survey/responses.  Questions
// whose show_if is not met are skipped and never sent.  Every problem the
// server names (answers.<id>) appears at its question, on its step.

import { ApiError, getJSON, postJSON } from './api.js';
import { currentLang, initLanguageSwitch, label } from './i18n.js';
import { createMap } from './map.js';

const L = window.L;

const WORDS = {
  de: {
    skip: 'Zur Umfrage springen',
    tagline: 'Ihre Meinung zur Entwicklung der Stadt',
    mapLink: 'Zur Mitmachkarte',
    switchLang: 'English',
    switchLangLabel: 'Switch to English',
    step: 'Schritt {n} von {m}',
    back: 'Zurück',
    next: 'Weiter',
    send: 'Antworten senden',
    required: '(Pflichtfrage)',
    choose: '— bitte wählen —',
    chars: '{n} von {max} Zeichen',
    mustAnswer: 'Bitte beantworten Sie diese Frage.',
    tooLong: 'Bitte kürzen Sie Ihre Antwort auf {max} Zeichen.',
    numberRange: 'Bitte geben Sie eine Zahl von {min} bis {max} an.',
    placeCentre: 'Ort in der Kartenmitte wählen',
    placeClear: 'Ort entfernen',
    placeNone: 'Noch kein Ort gewählt. Klicken oder tippen Sie auf die Karte, oder verschieben Sie sie mit den Pfeiltasten und wählen Sie den Ort in der Mitte.',
    placeChosen: 'Gewählter Ort: {lat}° N, {lon}° O',
    placeMap: 'Karte zur Auswahl eines Ortes. Pfeiltasten verschieben die Karte.',
    sending: 'Ihre Antworten werden gesendet …',
    thanksTitle: 'Vielen Dank!',
    thanks: 'Ihre Antworten sind angekommen. Sie werden ohne IP-Adresse, Cookie und Uhrzeit gespeichert.',
    noSurvey: 'Zurzeit gibt es keine Umfrage.',
    closed: 'Die Beteiligung ist beendet; die Umfrage nimmt keine Antworten mehr an.',
    notYet: 'Die Umfrage beginnt am {from}.',
    until: 'Die Umfrage läuft bis {until}.',
    loadFailed: 'Die Umfrage konnte nicht geladen werden. Bitte versuchen Sie es später erneut.',
    retry: 'Bitte versuchen Sie es in {s} Sekunden erneut.',
    errorIn: 'Bitte prüfen Sie Ihre Antwort bei „{q}“.',
    website: 'Webseite (bitte leer lassen)',
    privacy: 'Datenschutz',
    privacyNote: 'Wir speichern Ihre Antworten, den Tag (nicht die Uhrzeit) und den Ortsbezirk, den Sie angeben – keine IP-Adresse, kein Cookie und keine Gerätedaten. Doppelte Abgaben erkennen wir nur im Arbeitsspeicher. Ergebnisse zeigen nie Zahlen so kleiner Gruppen, dass jemand zu erkennen wäre.'
  },
  en: {
    skip: 'Skip to the survey',
    tagline: 'Your view on how the city develops',
    mapLink: 'To the participation map',
    switchLang: 'Deutsch',
    switchLangLabel: 'Auf Deutsch umschalten',
    step: 'Step {n} of {m}',
    back: 'Back',
    next: 'Next',
    send: 'Send answers',
    required: '(required)',
    choose: '— please choose —',
    chars: '{n} of {max} characters',
    mustAnswer: 'Please answer this question.',
    tooLong: 'Please shorten your answer to {max} characters.',
    numberRange: 'Please give a number from {min} to {max}.',
    placeCentre: 'Choose the place at the map centre',
    placeClear: 'Remove the place',
    placeNone: 'No place chosen yet. Click or tap the map, or move it with the arrow keys and choose the place in the middle.',
    placeChosen: 'Chosen place: {lat}° N, {lon}° E',
    placeMap: 'Map to choose a place. Arrow keys move the map.',
    sending: 'Sending your answers …',
    thanksTitle: 'Thank you!',
    thanks: 'Your answers have arrived. They are stored without IP address, cookie or time of day.',
    noSurvey: 'There is no survey at the moment.',
    closed: 'Participation has ended; the survey takes no more answers.',
    notYet: 'The survey starts on {from}.',
    until: 'The survey is open until {until}.',
    loadFailed: 'The survey could not be loaded. Please try again later.',
    retry: 'Please try again in {s} seconds.',
    errorIn: 'Please check your answer to “{q}”.',
    website: 'Website (leave empty)',
    privacy: 'Privacy',
    privacyNote: 'We store your answers, the day (not the time) and the Ortsbezirk you give — no IP address, no cookie, no device data. Repeated answers are recognised in memory only. Results never show numbers of groups so small that anyone could be recognised.'
  }
};

function w(key, vars = {}) {
  const s = WORDS[currentLang()][key] ?? WORDS.de[key];
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

const $ = (id) => document.getElementById(id);

const state = {
  survey: null,
  config: null,
  answers: {},      // question id → value as sent (kept while moving between steps)
  steps: [],        // arrays of question indexes
  step: 0,          // index into visibleSteps()
  formToken: null,
  errors: {},       // question id → message
  maps: []
};

// ---- the questions' logic ---------------------------------------------------------

function asked(q) {
  if (!q.show_if) return true;
  const v = state.answers[q.show_if.question];
  const codes = Array.isArray(v) ? v : v === undefined || v === null ? [] : [String(v)];
  return codes.some((c) => q.show_if.in.includes(c));
}

function empty(v) {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function groupSteps(questions) {
  const steps = [];
  questions.forEach((q, i) => {
    const last = steps[steps.length - 1];
    if (last && q.type === 'scale' && questions[last[last.length - 1]].type === 'scale') last.push(i);
    else steps.push([i]);
  });
  return steps;
}

function visibleSteps() {
  return state.steps.filter((s) => s.some((i) => asked(state.survey.questions[i])));
}

// The answers to send: only questions that are asked and answered.
function payload() {
  const out = {};
  for (const q of state.survey.questions) {
    const v = state.answers[q.id];
    if (asked(q) && !empty(v)) out[q.id] = v;
  }
  return out;
}

function check(q) {
  const v = state.answers[q.id];
  if (empty(v) || (q.type === 'text' && !String(v).trim())) return q.required ? w('mustAnswer') : null;
  if (q.type === 'text' && [...String(v)].length > q.max_length) return w('tooLong', { max: q.max_length });
  if (q.type === 'number') {
    const n = Number(v);
    if (!Number.isFinite(n) || n < q.min || n > q.max || (q.integer && !Number.isInteger(n))) {
      return w('numberRange', { min: q.min, max: q.max });
    }
  }
  return null;
}

// ---- drawing ------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children);
  return e;
}

function titleOf(q, tag) {
  const t = el(tag, {}, label(q.text));
  if (q.required) t.append(' ', el('span', { class: 'required-mark', text: w('required') }));
  return t;
}

function describedBy(q) {
  return [q.help ? `help-${q.id}` : null, state.errors[q.id] ? `err-${q.id}` : null]
    .filter(Boolean).join(' ') || null;
}

function choices(q, multiple) {
  const box = el('div', { class: q.type === 'scale' ? 'scale-choices' : 'choices' });
  const current = state.answers[q.id];
  for (const o of q.options) {
    const id = `q-${q.id}-${o.code}`;
    const value = q.type === 'scale' ? Number(o.code) : o.code;
    const checked = multiple ? (current || []).includes(o.code) : current === value;
    const input = el('input', {
      type: multiple ? 'checkbox' : 'radio', id, name: `q-${q.id}`, value: o.code, checked,
      'aria-invalid': state.errors[q.id] ? 'true' : null
    });
    input.addEventListener('change', () => {
      if (multiple) {
        const set = new Set(state.answers[q.id] || []);
        if (input.checked) set.add(o.code); else set.delete(o.code);
        state.answers[q.id] = q.options.map((x) => x.code).filter((c) => set.has(c));
      } else {
        state.answers[q.id] = value;
      }
      afterChange(q);
    });
    box.append(el('div', { class: 'choice' }, input, el('label', { for: id, text: label(o.label) })));
  }
  return box;
}

function placeInput(q, wrap) {
  const mapEl = el('div', { class: 'place-map', id: `map-${q.id}`, role: 'application',
    'aria-label': w('placeMap'), 'aria-describedby': `pos-${q.id}` });
  const pos = el('p', { class: 'place-pos', id: `pos-${q.id}`, 'aria-live': 'polite' });
  const centre = el('button', { type: 'button', id: `centre-${q.id}`, text: w('placeCentre') });
  const clear = el('button', { type: 'button', class: 'secondary', id: `clear-${q.id}`, text: w('placeClear') });
  wrap.append(mapEl, pos, el('div', { class: 'actions' }, centre, clear));
  // The map needs its element in the document: made once it is shown.
  queueMicrotask(() => {
    if (!mapEl.isConnected || !L) return;
    const map = createMap(mapEl, state.config);
    state.maps.push(map);
    let marker = null;
    const show = () => {
      const v = state.answers[q.id];
      if (marker) { marker.remove(); marker = null; }
      if (v) {
        marker = L.circleMarker([v[1], v[0]], { radius: 9, color: '#1a1a1a', weight: 3,
          fillColor: '#0b4f9c', fillOpacity: 0.9, interactive: false }).addTo(map);
        pos.textContent = w('placeChosen', { lat: v[1].toFixed(5), lon: v[0].toFixed(5) });
      } else {
        pos.textContent = w('placeNone');
      }
    };
    const set = (ll) => {
      state.answers[q.id] = [Number(ll.lng.toFixed(6)), Number(ll.lat.toFixed(6))];
      show();
      afterChange(q, false);
    };
    map.on('click', (e) => set(e.latlng));
    centre.addEventListener('click', () => set(map.getCenter()));
    clear.addEventListener('click', () => { delete state.answers[q.id]; show(); afterChange(q, false); });
    const v = state.answers[q.id];
    if (v) map.setView([v[1], v[0]], 15, { animate: false });
    else map.setView([49.44, 7.76], 12, { animate: false });
    show();
  });
}

function question(q) {
  const wrap = el('div', { class: 'question', id: `question-${q.id}`, 'data-question': q.id });
  const help = q.help ? el('p', { class: 'question-help', id: `help-${q.id}`, text: label(q.help) }) : null;
  const error = el('p', { class: 'field-error', id: `err-${q.id}`, text: state.errors[q.id] || '' });
  error.hidden = !state.errors[q.id];
  const invalid = state.errors[q.id] ? 'true' : null;

  if (q.type === 'single' || q.type === 'multiple' || q.type === 'scale' || q.type === 'place') {
    const fs = el('fieldset', { 'aria-describedby': describedBy(q) });
    fs.append(titleOf(q, 'legend'));
    if (help) fs.append(help);
    if (q.type === 'place') placeInput(q, fs);
    else fs.append(choices(q, q.type === 'multiple'));
    fs.append(error);
    wrap.append(fs);
    return wrap;
  }
  const id = `q-${q.id}`;
  const lab = titleOf(q, 'label');
  lab.setAttribute('for', id);
  wrap.classList.add('field');
  wrap.append(lab);
  if (help) wrap.append(help);
  let input;
  if (q.type === 'district') {
    input = el('select', { id, 'aria-describedby': describedBy(q), 'aria-invalid': invalid,
      required: q.required });
    input.append(el('option', { value: '', text: w('choose') }));
    for (const o of q.options) {
      input.append(el('option', { value: o.code, selected: state.answers[q.id] === o.code,
        text: label(o.label) }));
    }
    input.addEventListener('change', () => { state.answers[q.id] = input.value || undefined; afterChange(q); });
  } else if (q.type === 'text') {
    const counter = el('p', { class: 'counter', id: `count-${q.id}` });
    input = el('textarea', { id, rows: 5, 'aria-invalid': invalid, required: q.required,
      'aria-describedby': [describedBy(q), `count-${q.id}`].filter(Boolean).join(' ') });
    input.value = state.answers[q.id] || '';
    const count = () => {
      const n = [...input.value].length;
      counter.textContent = w('chars', { n, max: q.max_length });
      counter.classList.toggle('over', n > q.max_length);
    };
    input.addEventListener('input', () => { state.answers[q.id] = input.value; count(); });
    count();
    wrap.append(input, counter, error);
    return wrap;
  } else {
    input = el('input', { id, type: 'number', min: q.min, max: q.max, step: q.integer ? 1 : 'any',
      inputmode: q.integer ? 'numeric' : 'decimal', 'aria-invalid': invalid, required: q.required,
      'aria-describedby': describedBy(q) });
    input.value = state.answers[q.id] ?? '';
    input.addEventListener('input', () => {
      state.answers[q.id] = input.value === '' ? undefined : Number(input.value);
    });
  }
  wrap.append(input, error);
  return wrap;
}

// A change may ask or skip later questions: the progress is drawn again.
function afterChange(q, redraw = true) {
  if (state.errors[q.id]) {
    delete state.errors[q.id];
    if (redraw) render(false);
    return;
  }
  if (state.survey.questions.some((x) => x.show_if && x.show_if.question === q.id)) progress();
}

function progress() {
  const steps = visibleSteps();
  state.step = Math.min(state.step, steps.length - 1);
  $('step-title').textContent = w('step', { n: state.step + 1, m: steps.length });
  $('progress').max = steps.length;
  $('progress').value = state.step + 1;
  $('back').hidden = state.step === 0;
  $('next').textContent = state.step === steps.length - 1 ? w('send') : w('next');
}

function render(focus) {
  // Stopped first: a pan or zoom still running on a removed map would fail.
  for (const m of state.maps) { m.stop(); m.off(); m.remove(); }
  state.maps = [];
  const steps = visibleSteps();
  state.step = Math.max(0, Math.min(state.step, steps.length - 1));
  const section = el('section', { class: 'step', 'aria-labelledby': 'step-title' });
  for (const i of steps[state.step]) {
    const q = state.survey.questions[i];
    if (asked(q)) section.append(question(q));
  }
  $('steps').replaceChildren(section);
  progress();
  if (focus === 'step') $('step-title').focus();
}

function texts() {
  const s = state.survey;
  document.documentElement.lang = currentLang();
  $('skip').textContent = w('skip');
  $('map-link').textContent = w('mapLink');
  $('thanks-map').textContent = w('mapLink');
  $('survey-tagline').textContent = w('tagline');
  $('back').textContent = w('back');
  $('website-label').textContent = w('website');
  $('privacy').textContent = w('privacy');
  $('thanks-title').textContent = w('thanksTitle');
  $('thanks-text').textContent = w('thanks');
  if (s) {
    $('survey-title').textContent = label(s.title);
    document.title = `${label(s.title)} – geopart`;
    $('survey-intro').textContent = s.intro ? label(s.intro) : '';
  }
  if (state.config) {
    $('privacy-note').textContent = w('privacyNote');
    $('period').textContent = periodText(state.config.participation);
  }
}

function periodText(p) {
  if (!p) return '';
  const date = (iso) => new Intl.DateTimeFormat(currentLang() === 'de' ? 'de-DE' : 'en-GB',
    { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
  if (p.open_from && Date.parse(p.open_from) > Date.now()) return w('notYet', { from: date(p.open_from) });
  if (!p.open) return w('closed');
  if (p.open_until) return w('until', { until: date(p.open_until) });
  return '';
}

// ---- moving and sending ---------------------------------------------------------------

function showErrors(first) {
  render(false);
  const target = document.querySelector(`#question-${first} input, #question-${first} select, ` +
    `#question-${first} textarea, #question-${first} button`);
  if (target) target.focus();
}

function checkStep() {
  const steps = visibleSteps();
  let first = null;
  for (const i of steps[state.step]) {
    const q = state.survey.questions[i];
    if (!asked(q)) continue;
    const msg = check(q);
    if (msg) {
      state.errors[q.id] = msg;
      first = first || q.id;
    }
  }
  if (first) showErrors(first);
  return !first;
}

async function send() {
  $('form-error').textContent = '';
  $('status').textContent = w('sending');
  $('next').disabled = true;
  try {
    await postJSON('/api/survey/responses', {
      answers: payload(), form_token: state.formToken, website: $('website').value
    });
    $('survey-form').hidden = true;
    $('status').textContent = '';
    $('thanks').hidden = false;
    $('thanks').focus();
  } catch (e) {
    $('status').textContent = '';
    const field = e instanceof ApiError && e.field && e.field.startsWith('answers.') ? e.field.slice(8) : null;
    const index = state.survey.questions.findIndex((q) => q.id === field);
    if (index >= 0) {
      const q = state.survey.questions[index];
      state.errors[q.id] = e.message;
      state.step = visibleSteps().findIndex((s) => s.includes(index));
      $('form-error').textContent = w('errorIn', { q: label(q.text) });
      showErrors(q.id);
    } else if (e instanceof ApiError && e.status === 429 && e.retryAfter) {
      $('form-error').textContent = `${e.message} ${w('retry', { s: e.retryAfter })}`;
    } else {
      $('form-error').textContent = e.message || w('loadFailed');
    }
  } finally {
    $('next').disabled = false;
  }
}

async function main() {
  texts();
  let survey;
  try {
    [state.config, survey] = await Promise.all([
      getJSON('/api/config'),
      getJSON('/api/survey').catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      })
    ]);
  } catch (e) {
    $('status').textContent = w('loadFailed');
    return;
  }
  initLanguageSwitch($('lang'), () => { texts(); if (state.survey) render(false); });
  if (!survey) {
    texts();
    $('status').textContent = w('noSurvey');
    return;
  }
  state.survey = survey;
  state.steps = groupSteps(survey.questions);
  texts();
  if (!state.config.participation || !state.config.participation.open) return;
  state.formToken = (await getJSON('/api/form')).form_token;
  $('survey-form').hidden = false;
  render(false);
  $('survey-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!checkStep()) return;
    if (state.step < visibleSteps().length - 1) {
      state.step++;
      render('step');
    } else {
      send();
    }
  });
  $('back').addEventListener('click', () => {
    state.step = Math.max(0, state.step - 1);
    render('step');
  });
}

main();
