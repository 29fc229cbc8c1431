// i18n.js — the page's words in German (default) and English, and the
// language switch.  The language lives in the URL (?lang=en), never in a
// cookie or local storage: nothing about the visitor is kept.
//
// Static text in the HTML carries data-i18n="key" (text content) or
// data-i18n-attr="attribute:key[,attribute:key]"; applyTexts() fills both.

const TEXTS = {
  de: {
    skip: 'Zur Karte springen',
    skipTable: 'Zur Tabelle springen',
    skipPanel: 'Zu Eingabe und Hinweisen springen',
    title: 'Mitmachkarte',
    tagline: 'Markieren Sie Lieblingsorte und Orte, die besser werden sollen.',
    switchLang: 'English',
    switchLangLabel: 'Switch to English',
    plannerLink: 'Auswertung für die Planung',
    surveyLink: 'Zur Umfrage',
    surveyResultsLink: 'Ergebnisse der Umfrage',
    citizenLink: 'Zur Mitmachkarte',
    mapLabel: 'Karte von {city}. Pfeiltasten verschieben die Karte, Plus und Minus zoomen, die Eingabetaste setzt einen Punkt in der Kartenmitte.',
    crosshairHint: 'Pfeiltasten: Karte verschieben · Eingabe: Punkt hier setzen',
    zoomIn: 'Vergrößern',
    zoomOut: 'Verkleinern',
    howTo: 'So geht es',
    howToText: 'Tippen oder klicken Sie auf die Karte. Ohne Maus: Karte mit der Tabulatortaste auswählen, mit den Pfeiltasten verschieben und mit der Eingabetaste den Ort in der Mitte (Fadenkreuz) wählen.',
    placeCentre: 'Ort in der Kartenmitte wählen',
    useLocation: 'Meinen Standort verwenden …',
    locationAsk: 'Ihr Browser fragt dann nach Ihrem Standort. Er wird nur hier auf der Seite genutzt, um den Ort vorzuschlagen; gesendet wird erst, wenn Sie den Beitrag absenden.',
    locationYes: 'Ja, Standort verwenden',
    locationNo: 'Abbrechen',
    locationFailed: 'Der Standort konnte nicht ermittelt werden.',
    locationFound: 'Standort gefunden. Prüfen Sie den Ort auf der Karte.',
    formTitle: 'Ihr Beitrag',
    position: 'Gewählter Ort: {lat}° N, {lon}° O',
    noPosition: 'Noch kein Ort gewählt.',
    category: 'Art des Ortes',
    comment: 'Ihr Kommentar',
    counter: '{n} von {max} Zeichen',
    counterNear: 'Noch {n} Zeichen möglich.',
    topic: 'Thema (freiwillig)',
    noTopic: '— kein Thema —',
    website: 'Webseite (bitte leer lassen)',
    submit: 'Beitrag senden',
    cancel: 'Abbrechen',
    sending: 'Wird gesendet …',
    chooseCategory: 'Bitte wählen Sie die Art des Ortes.',
    writeComment: 'Bitte schreiben Sie einen Kommentar.',
    choosePlace: 'Bitte wählen Sie zuerst einen Ort auf der Karte.',
    thanks: 'Danke! Ihr Beitrag liegt im Ortsbezirk {district}.',
    thanksPending: 'Danke! Ihr Beitrag liegt im Ortsbezirk {district}. Er erscheint auf der Karte, sobald die Stadtverwaltung ihn geprüft hat.',
    thanksReceived: 'Danke, Ihr Beitrag ist eingegangen.',
    showMine: 'Meinen Beitrag auf der Karte zeigen',
    newEntry: 'Weiteren Ort markieren',
    errOutside: 'Dieser Ort liegt außerhalb von {city}. Bitte wählen Sie einen Ort innerhalb der Stadtgrenze.',
    errClosed: 'Die Beteiligung ist derzeit geschlossen. Beiträge sind nicht möglich.',
    errRate: 'Sie haben in kurzer Zeit viele Beiträge gesendet. Bitte versuchen Sie es in {s} Sekunden erneut.',
    errDuplicate: 'Diesen Kommentar haben Sie eben schon gesendet.',
    errNetwork: 'Der Server ist nicht erreichbar. Bitte versuchen Sie es später erneut.',
    errGeneric: 'Der Beitrag wurde nicht angenommen.',
    serverSays: 'Meldung des Servers: {detail}',
    periodOpen: 'Die Beteiligung ist geöffnet.',
    periodUntil: 'Die Beteiligung ist geöffnet bis {until}.',
    periodFrom: 'Die Beteiligung beginnt am {from}.',
    periodClosed: 'Die Beteiligung ist beendet. Sie können die Beiträge weiterhin ansehen.',
    privacy: 'Datenschutz',
    sources: 'Datenquellen',
    boundariesShort: 'Bezirksgrenzen: Stadt Kaiserslautern u. a. (<a href="#sources">Quellen</a>)',
    loading: 'Karte wird geladen …',
    loadFailed: 'Die Kartendaten konnten nicht geladen werden.',
    shownSome: 'Es werden {shown} von {total} Beiträgen in diesem Ausschnitt gezeigt. Vergrößern Sie die Karte, um alle zu sehen.',
    shownCount: '{n} Beiträge in diesem Kartenausschnitt.',
    shownOne: '1 Beitrag in diesem Kartenausschnitt.',
    favourite: 'Lieblingsort',
    improvement: 'Verbesserungswürdig',
    districtLine: 'Ortsbezirk {ob}, Stadtteil {st}',
    createdLine: 'Eingetragen am {date}',
    topicLine: 'Thema: {topic}',
    replyLine: 'Antwort der Stadt ({date}): {reply}',
    outcomeLine: 'Stand: {outcome}',
    outcome_open: 'offen', outcome_in_review: 'in Prüfung', outcome_adopted: 'übernommen', outcome_not_adopted: 'nicht übernommen',
    supporters: '{n} Unterstützung(en)',
    support: '+1 Unterstützen',
    supported: 'Danke, Ihre Unterstützung ist gezählt.',
    supportedBefore: 'Sie haben diesen Beitrag schon unterstützt.',
    supportFailed: 'Die Unterstützung wurde nicht gezählt.',
    clusterTitle: '{n} Beiträge ({fav} Lieblingsorte, {imp} verbesserungswürdig) – auswählen zum Vergrößern',
    pointTitle: '{cat}: {comment}',
    newPoint: 'Neuer Ort',
    legend: 'Legende',
    // planner
    plannerTitle: 'Auswertung nach Bezirken',
    plannerTagline: 'Wie viele Beiträge jeder Bezirk hat und wie viele davon einen verbesserungswürdigen Ort nennen.',
    layer: 'Bezirke',
    ortsbezirk: 'Ortsbezirke',
    stadtteil: 'Stadtteile',
    measure: 'Einfärbung',
    measureCount: 'Anzahl der Beiträge',
    measureShare: 'Anteil „verbesserungswürdig“',
    filters: 'Filter',
    fCategory: 'Art',
    allCategories: 'alle Arten',
    fTopic: 'Thema',
    allTopics: 'alle Themen',
    fFrom: 'von (Datum)',
    fTo: 'bis (Datum)',
    reset: 'Filter zurücksetzen',
    tableCaption: 'Beiträge je {layer}',
    colDistrict: 'Bezirk',
    colFav: 'Lieblings\u00adorte',
    colImp: 'Verbesserungs\u00adwürdig',
    colTotal: 'Gesamt',
    colShare: 'Anteil verbesserungs\u00adwürdig',
    sortBy: 'sortieren nach {col}',
    totalRow: 'Alle Bezirke',
    csv: 'Tabelle als CSV herunterladen (mit den gewählten Filtern)',
    filtered: 'Gefiltert: Zahlen zählen nur Beiträge, die zu den Filtern passen.',
    unfiltered: 'Alle veröffentlichten Beiträge.',
    listTitle: 'Beiträge als Liste',
    listIntro: 'Die Beiträge, die zu den Filtern passen – die barrierefreie Alternative zur Karte.',
    listCount: '{n} Beiträge passen zu den Filtern.',
    listMore: 'Weitere Beiträge laden',
    listEmpty: 'Keine Beiträge passen zu den Filtern.',
    updated: 'Auswertung aktualisiert: {n} Beiträge.',
    noDistrict: 'unbekannt',
    share: '{p} %',
    legendCount: 'Beiträge',
    legendShare: 'Anteil verbesserungswürdig',
    invalidRange: 'Das Enddatum liegt vor dem Anfangsdatum.'
  },
  en: {
    skip: 'Skip to the map',
    skipTable: 'Skip to the table',
    skipPanel: 'Skip to the entry form and help',
    title: 'Participation map',
    tagline: 'Mark favourite places and places that should get better.',
    switchLang: 'Deutsch',
    switchLangLabel: 'Auf Deutsch wechseln',
    plannerLink: 'Analysis for planners',
    surveyLink: 'To the survey',
    surveyResultsLink: 'Survey results',
    citizenLink: 'To the participation map',
    mapLabel: 'Map of {city}. Arrow keys move the map, plus and minus zoom, Enter places a point at the centre of the map.',
    crosshairHint: 'Arrow keys: move the map · Enter: place the point here',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    howTo: 'How it works',
    howToText: 'Tap or click on the map. Without a mouse: select the map with the Tab key, move it with the arrow keys and press Enter to choose the place in the centre (crosshair).',
    placeCentre: 'Choose the place at the map centre',
    useLocation: 'Use my location …',
    locationAsk: 'Your browser will then ask for your location. It is only used here on the page to suggest the place; nothing is sent until you submit your entry.',
    locationYes: 'Yes, use my location',
    locationNo: 'Cancel',
    locationFailed: 'Your location could not be determined.',
    locationFound: 'Location found. Check the place on the map.',
    formTitle: 'Your entry',
    position: 'Chosen place: {lat}° N, {lon}° E',
    noPosition: 'No place chosen yet.',
    category: 'Kind of place',
    comment: 'Your comment',
    counter: '{n} of {max} characters',
    counterNear: '{n} characters left.',
    topic: 'Topic (optional)',
    noTopic: '— no topic —',
    website: 'Website (leave empty)',
    submit: 'Send entry',
    cancel: 'Cancel',
    sending: 'Sending …',
    chooseCategory: 'Please choose the kind of place.',
    writeComment: 'Please write a comment.',
    choosePlace: 'Please choose a place on the map first.',
    thanks: 'Thank you! Your entry lies in the Ortsbezirk {district}.',
    thanksPending: 'Thank you! Your entry lies in the Ortsbezirk {district}. It appears on the map once the city has reviewed it.',
    thanksReceived: 'Thank you, your entry has been received.',
    showMine: 'Show my entry on the map',
    newEntry: 'Mark another place',
    errOutside: 'This place lies outside {city}. Please choose a place within the city boundary.',
    errClosed: 'Participation is closed at the moment. No entries are possible.',
    errRate: 'You sent many entries in a short time. Please try again in {s} seconds.',
    errDuplicate: 'You just sent this comment already.',
    errNetwork: 'The server cannot be reached. Please try again later.',
    errGeneric: 'The entry was not accepted.',
    serverSays: 'Server message: {detail}',
    periodOpen: 'Participation is open.',
    periodUntil: 'Participation is open until {until}.',
    periodFrom: 'Participation starts on {from}.',
    periodClosed: 'Participation has ended. You can still look at the entries.',
    privacy: 'Privacy',
    sources: 'Data sources',
    boundariesShort: 'Boundaries: City of Kaiserslautern and others (<a href="#sources">sources</a>)',
    loading: 'Loading the map …',
    loadFailed: 'The map data could not be loaded.',
    shownSome: 'Showing {shown} of {total} entries in this area. Zoom in to see all of them.',
    shownCount: '{n} entries in this part of the map.',
    shownOne: '1 entry in this part of the map.',
    favourite: 'Favourite place',
    improvement: 'Needs improvement',
    districtLine: 'Ortsbezirk {ob}, Stadtteil {st}',
    createdLine: 'Entered on {date}',
    topicLine: 'Topic: {topic}',
    replyLine: 'The city’s answer ({date}): {reply}',
    outcomeLine: 'Status: {outcome}',
    outcome_open: 'open', outcome_in_review: 'in review', outcome_adopted: 'adopted', outcome_not_adopted: 'not adopted',
    supporters: '{n} supporter(s)',
    support: '+1 Support',
    supported: 'Thank you, your support has been counted.',
    supportedBefore: 'You have supported this entry before.',
    supportFailed: 'Your support was not counted.',
    clusterTitle: '{n} entries ({fav} favourite places, {imp} needing improvement) – select to zoom in',
    pointTitle: '{cat}: {comment}',
    newPoint: 'New place',
    legend: 'Legend',
    plannerTitle: 'Analysis by district',
    plannerTagline: 'How many entries each district has and how many of them name a place that needs improvement.',
    layer: 'Districts',
    ortsbezirk: 'Ortsbezirke',
    stadtteil: 'Stadtteile',
    measure: 'Colour by',
    measureCount: 'Number of entries',
    measureShare: 'Share “needs improvement”',
    filters: 'Filters',
    fCategory: 'Kind',
    allCategories: 'all kinds',
    fTopic: 'Topic',
    allTopics: 'all topics',
    fFrom: 'from (date)',
    fTo: 'to (date)',
    reset: 'Reset filters',
    tableCaption: 'Entries per {layer}',
    colDistrict: 'District',
    colFav: 'Favourite places',
    colImp: 'Needs improvement',
    colTotal: 'Total',
    colShare: 'Share needs improvement',
    sortBy: 'sort by {col}',
    totalRow: 'All districts',
    csv: 'Download the table as CSV (with the chosen filters)',
    filtered: 'Filtered: the numbers count only entries matching the filters.',
    unfiltered: 'All published entries.',
    listTitle: 'Entries as a list',
    listIntro: 'The entries matching the filters – the accessible alternative to the map.',
    listCount: '{n} entries match the filters.',
    listMore: 'Load more entries',
    listEmpty: 'No entries match the filters.',
    updated: 'Analysis updated: {n} entries.',
    noDistrict: 'unknown',
    share: '{p} %',
    legendCount: 'Entries',
    legendShare: 'Share needing improvement',
    invalidRange: 'The end date lies before the start date.'
  }
};

function initialLang() {
  const q = new URLSearchParams(location.search).get('lang');
  return q === 'en' ? 'en' : 'de';
}

let lang = initialLang();
const listeners = [];

export function currentLang() {
  return lang;
}

// t('key', {var: value}) → the text in the current language.
export function t(key, vars = {}) {
  const s = TEXTS[lang][key] ?? TEXTS.de[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// A label object from /api/config ({de, en}) in the current language.
export function label(obj) {
  return (obj && (obj[lang] || obj.de)) || '';
}

// Intl formatters are costly to make (milliseconds each): one per kind and
// language, made on first use.
const formatters = new Map();
function formatter(kind, options) {
  const key = `${lang} ${kind}`;
  if (!formatters.has(key)) {
    const locale = lang === 'de' ? 'de-DE' : 'en-GB';
    formatters.set(key, kind.startsWith('date')
      ? new Intl.DateTimeFormat(locale, options) : new Intl.NumberFormat(locale, options));
  }
  return formatters.get(key);
}

export function formatDate(iso, withTime = false) {
  return withTime
    ? formatter('datetime', { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso))
    : formatter('date', { dateStyle: 'long' }).format(new Date(iso));
}

export function formatNumber(n, digits = 0) {
  return formatter(`number${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits })
    .format(n);
}

// Fills every element marked with data-i18n / data-i18n-attr.
export function applyTexts(vars = {}, root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n, vars);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr, t(key, vars));
    }
  }
}

// Keeps ?lang= on links to the other page.
function updateLinks() {
  for (const a of document.querySelectorAll('a[data-keep-lang]')) {
    const url = new URL(a.getAttribute('href'), location.href);
    if (lang === 'en') url.searchParams.set('lang', 'en');
    else url.searchParams.delete('lang');
    a.setAttribute('href', url.pathname + url.search + url.hash);
  }
}

// Wires the language button; onChange() re-renders what scripts wrote.
export function initLanguageSwitch(button, onChange) {
  listeners.push(onChange);
  const render = () => {
    button.textContent = t('switchLang');
    button.lang = lang === 'de' ? 'en' : 'de';
    button.setAttribute('aria-label', t('switchLangLabel'));
    updateLinks();
  };
  render();
  button.addEventListener('click', () => {
    lang = lang === 'de' ? 'en' : 'de';
    const url = new URL(location.href);
    if (lang === 'en') url.searchParams.set('lang', 'en');
    else url.searchParams.delete('lang');
    history.replaceState(null, '', url);
    render();
    for (const fn of listeners) fn(lang);
  });
}
