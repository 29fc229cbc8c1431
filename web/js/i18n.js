// i18n.js — the page's words in German (default) and English, and the
// language switch.  The language lives in the URL (?lang=en), never in a
// cookie or local storage: nothing about the visitor is kept.
//
// Static text in the HTML carries data-i18n="key" (text content) or
// data-i18n-attr="attribute:key[,attribute:key]"; applyTexts() fills both.
// A text that depends on a count is an object {one, other} (the CLDR
// plural categories of German and English) and is read with tn(); a count
// of zero may have its own text under `zero`.  Every key exists in both
// languages with the same placeholders (tests/browser/texts.mjs checks).

export const TEXTS = {
  de: {
    skip: 'Zur Karte springen',
    skipTable: 'Zur Tabelle springen',
    skipPanel: 'Zu Eingabe und Hinweisen springen',
    skipList: 'Zur Liste der Beiträge springen',
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
    aboutTitle: 'Worum geht es?',
    usageTitle: 'Was passiert mit den Beiträgen?',
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
    position: 'Gewählter Ort: im Ortsbezirk {district}',
    positionOutside: 'Gewählter Ort: außerhalb von {city}',
    positionPlain: 'Gewählter Ort: auf der Karte markiert',
    coordinates: '{lat}° N, {lon}° O',
    noPosition: 'Noch kein Ort gewählt.',
    category: 'Art des Ortes',
    comment: 'Ihr Kommentar',
    counter: '{n} von {max} Zeichen',
    counterNear: { one: 'Noch {n} Zeichen möglich.', other: 'Noch {n} Zeichen möglich.' },
    counterOver: 'Ihr Kommentar ist zu lang.',
    topic: 'Thema (freiwillig)',
    noTopic: '– kein Thema –',
    website: 'Webseite (bitte leer lassen)',
    submit: 'Beitrag senden',
    cancel: 'Abbrechen',
    sending: 'Wird gesendet …',
    chooseCategory: 'Bitte wählen Sie die Art des Ortes.',
    writeComment: 'Bitte schreiben Sie einen Kommentar.',
    choosePlace: 'Bitte wählen Sie zuerst einen Ort auf der Karte.',
    errTooLong: {
      one: 'Ihr Kommentar ist {n} Zeichen zu lang. Bitte kürzen Sie ihn auf {max} Zeichen.',
      other: 'Ihr Kommentar ist {n} Zeichen zu lang. Bitte kürzen Sie ihn auf {max} Zeichen.'
    },
    errControl: 'Ihr Kommentar enthält unsichtbare Steuerzeichen. Bitte entfernen Sie sie.',
    missingSummary: 'Bitte ergänzen oder korrigieren Sie: {fields}.',
    fieldPlace: 'Ort',
    fieldCategory: 'Art des Ortes',
    fieldComment: 'Kommentar',
    fieldTopic: 'Thema',
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
    errTopic: 'Dieses Thema gibt es nicht mehr. Bitte wählen Sie ein anderes.',
    serverSays: 'Meldung des Servers (englisch):',
    periodOpen: 'Die Beteiligung ist geöffnet.',
    periodUntil: 'Die Beteiligung ist geöffnet bis {until}.',
    periodSinceUntil: 'Die Beteiligung ist geöffnet bis {until} (seit {from}).',
    periodFrom: 'Die Beteiligung beginnt am {from}.',
    periodFromUntil: 'Die Beteiligung beginnt am {from} und endet am {until}.',
    periodClosed: 'Die Beteiligung ist beendet. Sie können die Beiträge weiterhin ansehen.',
    privacy: 'Datenschutz',
    privacyMore: 'Alles zum Datenschutz',
    imprint: 'Impressum',
    sources: 'Datenquellen',
    boundariesShort: 'Bezirksgrenzen: Stadtverwaltung Kaiserslautern und weitere (<a href="#sources">Quellen</a>)',
    loading: 'Karte wird geladen …',
    loadFailed: 'Die Kartendaten konnten nicht geladen werden.',
    shownSome: 'Es werden {shown} von {total} Beiträgen in diesem Ausschnitt gezeigt. Vergrößern Sie die Karte, um alle zu sehen.',
    shownCount: { zero: 'Keine Beiträge in diesem Kartenausschnitt.', one: '{n} Beitrag in diesem Kartenausschnitt.', other: '{n} Beiträge in diesem Kartenausschnitt.' },
    favourite: 'Lieblingsort',
    improvement: 'Verbesserungswürdig',
    districtLine: 'Ortsbezirk {ob}, Stadtteil {st}',
    createdLine: 'Eingetragen am {date}',
    topicLine: 'Thema: {topic}',
    replyLine: 'Antwort der Stadt ({date}): {reply}',
    outcomeLine: 'Stand: {outcome}',
    outcome_open: 'offen', outcome_in_review: 'in Prüfung', outcome_adopted: 'übernommen', outcome_not_adopted: 'nicht übernommen',
    supporters: { zero: 'Noch keine Unterstützung', one: '{n} Unterstützung', other: '{n} Unterstützungen' },
    support: '+1 Unterstützen',
    supported: 'Danke, Ihre Unterstützung ist gezählt.',
    supportedBefore: 'Sie haben diesen Beitrag schon unterstützt.',
    supportFailed: 'Die Unterstützung wurde nicht gezählt.',
    actionsClosed: 'Die Beteiligung ist beendet: Unterstützen und Melden sind nicht mehr möglich.',
    flag: 'Melden',
    flagTitle: 'Warum melden Sie diesen Beitrag?',
    flagSend: 'Meldung senden',
    flagCancel: 'Abbrechen',
    flagChoose: 'Bitte wählen Sie einen Grund.',
    flagThanks: 'Danke für Ihre Meldung. Die Moderation prüft den Beitrag.',
    flagFailed: 'Die Meldung wurde nicht gesendet.',
    reason_spam: 'Werbung oder Spam',
    reason_offensive: 'Beleidigend oder verletzend',
    reason_personal_data: 'Enthält persönliche Daten',
    reason_off_topic: 'Gehört nicht zum Thema',
    reason_duplicate: 'Doppelt eingetragen',
    reason_other: 'Anderer Grund',
    copyLink: 'Link kopieren',
    linkCopied: 'Der Link ist kopiert: {url}',
    linkCopyManual: 'Link zum Kopieren',
    showOnMap: 'Auf der Karte zeigen',
    closeDetails: 'Schließen',
    detailsLabel: 'Beitrag: {cat}',
    pointGone: 'Dieser Beitrag ist nicht (mehr) öffentlich.',
    entries: { one: '{n} Beitrag', other: '{n} Beiträge' },
    favCount: { one: '{n} Lieblingsort', other: '{n} Lieblingsorte' },
    impCount: { one: '{n} verbesserungswürdig', other: '{n} verbesserungswürdig' },
    clusterTitle: '{entries} ({fav}, {imp}) – auswählen zum Vergrößern',
    pointTitle: '{cat}: {comment}',
    newPoint: 'Neuer Ort',
    legend: 'Legende',
    legendMixFavourite: 'Zahl im grünen Ring: mehrere Beiträge, überwiegend Lieblingsorte',
    legendMixImprovement: 'Zahl im braunen Ring: mehrere Beiträge, überwiegend verbesserungswürdig',
    legendMixMixed: 'Zahl im grauen Ring: mehrere Beiträge, gemischt',
    legendClusterHint: 'Ein Ring mit Zahl fasst nahe Beiträge zusammen; auswählen vergrößert die Karte dort.',
    legendMine: 'Ihr neuer Beitrag',
    dupTitle: 'Gibt es schon – unterstützen statt neu eintragen?',
    dupIntro: 'In der Nähe des gewählten Ortes haben andere schon etwas eingetragen:',
    dupFound: { one: 'In der Nähe gibt es schon {n} Beitrag.', other: 'In der Nähe gibt es schon {n} Beiträge.' },
    dupDistance: '{m} m entfernt',
    dupStill: 'Ihr eigener Beitrag ist trotzdem willkommen.',
    listHeading: 'Beiträge als Liste',
    listScope: 'Welche Beiträge?',
    scopeView: 'im Kartenausschnitt',
    scopeDistrict: 'im Ortsbezirk {name}',
    listCountView: { zero: 'Keine Beiträge im Kartenausschnitt.', one: '{n} Beitrag im Kartenausschnitt.', other: '{n} Beiträge im Kartenausschnitt.' },
    listCountDistrict: { zero: 'Keine Beiträge im Ortsbezirk {name}.', one: '{n} Beitrag im Ortsbezirk {name}.', other: '{n} Beiträge im Ortsbezirk {name}.' },
    listShowing: 'Angezeigt: {shown} von {total}.',
    listLoad: 'Liste laden',
    // planner
    plannerTitle: 'Auswertung nach Bezirken',
    plannerTagline: 'Wie viele Beiträge jeder Bezirk hat und wie viele davon einen verbesserungswürdigen Ort nennen.',
    layer: 'Bezirke',
    ortsbezirk: 'Ortsbezirke',
    stadtteil: 'Stadtteile',
    ortsbezirkOne: 'Ortsbezirk',
    stadtteilOne: 'Stadtteil',
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
    breakdown: 'Aufschlüsselung',
    byKind: 'Art',
    byChannel: 'Kanal',
    byTopic: 'Thema',
    byOutcome: 'Stand',
    colOnline: 'Online',
    colWalk: 'Orts\u00adbegehung',
    colWorkshop: 'Werkstatt',
    totalRow: 'Alle Bezirke',
    csv: 'Tabelle als CSV herunterladen (mit den gewählten Filtern)',
    filtered: 'Gefiltert: Zahlen zählen nur Beiträge, die zu den Filtern passen.',
    unfiltered: 'Alle veröffentlichten Beiträge.',
    listTitle: 'Beiträge als Liste',
    listIntro: 'Die Beiträge, die zu den Filtern passen – die barrierefreie Alternative zur Karte.',
    listCount: { one: '{n} Beitrag passt zu den Filtern.', other: '{n} Beiträge passen zu den Filtern.' },
    listMore: 'Weitere Beiträge laden',
    listEmpty: 'Keine Beiträge passen zu den Filtern.',
    updated: { one: 'Auswertung aktualisiert: {n} Beitrag.', other: 'Auswertung aktualisiert: {n} Beiträge.' },
    noDistrict: 'unbekannt',
    share: '{p} %',
    legendCount: 'Beiträge',
    legendShare: 'Anteil verbesserungswürdig',
    invalidRange: 'Das Enddatum liegt vor dem Anfangsdatum.',
    // the live room (/werkstatt) and the citizen page in an event's mode
    roomTitle: 'Live-Raum der Mitmachkarte',
    roomEvent: '{name}',
    roomMapLabel: 'Karte der Beiträge, die gerade entstehen',
    roomJoin: 'Machen Sie mit: Code scannen oder Adresse eingeben',
    roomQr: 'QR-Code zur Eingabe: {url}',
    roomCounts: 'Beiträge',
    roomTotal: { zero: 'Noch keine Beiträge', one: '{n} Beitrag', other: '{n} Beiträge' },
    roomTicker: 'Neueste Kommentare',
    roomConnected: 'Live verbunden.',
    roomReconnecting: 'Verbindung unterbrochen – sie wird wiederhergestellt …',
    roomNoEvent: 'Diese Veranstaltung gibt es nicht; gezeigt werden alle Beiträge.',
    eventBanner: 'Sie tragen bei zu: {name}',
    // The reports of results: the header's link when report_public is on.
    resultsLink: 'Ergebnisse'
  },
  en: {
    skip: 'Skip to the map',
    skipTable: 'Skip to the table',
    skipPanel: 'Skip to the entry form and help',
    skipList: 'Skip to the list of entries',
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
    aboutTitle: 'What is this about?',
    usageTitle: 'What happens with the entries?',
    howTo: 'How it works',
    howToText: 'Tap or click on the map. Without a mouse: select the map with the Tab key, move it with the arrow keys and press Enter to choose the place in the centre (crosshair).',
    placeCentre: 'Choose the place at the map centre',
    useLocation: 'Use my location …',
    locationAsk: 'Your browser will then ask for your location. It is only used here on the page to suggest the place; nothing is sent until you send your entry.',
    locationYes: 'Yes, use my location',
    locationNo: 'Cancel',
    locationFailed: 'Your location could not be determined.',
    locationFound: 'Location found. Check the place on the map.',
    formTitle: 'Your entry',
    position: 'Chosen place: in the Ortsbezirk {district}',
    positionOutside: 'Chosen place: outside {city}',
    positionPlain: 'Chosen place: marked on the map',
    coordinates: '{lat}° N, {lon}° E',
    noPosition: 'No place chosen yet.',
    category: 'Kind of place',
    comment: 'Your comment',
    counter: '{n} of {max} characters',
    counterNear: { one: '{n} character left.', other: '{n} characters left.' },
    counterOver: 'Your comment is too long.',
    topic: 'Topic (optional)',
    noTopic: '– no topic –',
    website: 'Website (leave empty)',
    submit: 'Send entry',
    cancel: 'Cancel',
    sending: 'Sending …',
    chooseCategory: 'Please choose the kind of place.',
    writeComment: 'Please write a comment.',
    choosePlace: 'Please choose a place on the map first.',
    errTooLong: {
      one: 'Your comment is {n} character too long. Please shorten it to {max} characters.',
      other: 'Your comment is {n} characters too long. Please shorten it to {max} characters.'
    },
    errControl: 'Your comment holds invisible control characters. Please remove them.',
    missingSummary: 'Please complete or correct: {fields}.',
    fieldPlace: 'place',
    fieldCategory: 'kind of place',
    fieldComment: 'comment',
    fieldTopic: 'topic',
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
    errTopic: 'This topic no longer exists. Please choose another one.',
    serverSays: 'The server says:',
    periodOpen: 'Participation is open.',
    periodUntil: 'Participation is open until {until}.',
    periodSinceUntil: 'Participation is open until {until} (since {from}).',
    periodFrom: 'Participation starts on {from}.',
    periodFromUntil: 'Participation starts on {from} and ends on {until}.',
    periodClosed: 'Participation has ended. You can still look at the entries.',
    privacy: 'Privacy',
    privacyMore: 'All about privacy',
    imprint: 'Imprint',
    sources: 'Data sources',
    boundariesShort: 'Boundaries: City of Kaiserslautern and others (<a href="#sources">sources</a>)',
    loading: 'Loading the map …',
    loadFailed: 'The map data could not be loaded.',
    shownSome: 'Showing {shown} of {total} entries in this area. Zoom in to see all of them.',
    shownCount: { zero: 'No entries in this part of the map.', one: '{n} entry in this part of the map.', other: '{n} entries in this part of the map.' },
    favourite: 'Favourite place',
    improvement: 'Needs improvement',
    districtLine: 'Ortsbezirk {ob}, Stadtteil {st}',
    createdLine: 'Entered on {date}',
    topicLine: 'Topic: {topic}',
    replyLine: 'The city’s answer ({date}): {reply}',
    outcomeLine: 'Status: {outcome}',
    outcome_open: 'open', outcome_in_review: 'in review', outcome_adopted: 'adopted', outcome_not_adopted: 'not adopted',
    supporters: { zero: 'No support yet', one: '{n} supporter', other: '{n} supporters' },
    support: '+1 Support',
    supported: 'Thank you, your support has been counted.',
    supportedBefore: 'You have supported this entry before.',
    supportFailed: 'Your support was not counted.',
    actionsClosed: 'Participation has ended: supporting and reporting are no longer possible.',
    flag: 'Report',
    flagTitle: 'Why are you reporting this entry?',
    flagSend: 'Send report',
    flagCancel: 'Cancel',
    flagChoose: 'Please choose a reason.',
    flagThanks: 'Thank you for your report. The moderators will review the entry.',
    flagFailed: 'The report was not sent.',
    reason_spam: 'Advertising or spam',
    reason_offensive: 'Offensive or hurtful',
    reason_personal_data: 'Contains personal data',
    reason_off_topic: 'Off topic',
    reason_duplicate: 'Entered twice',
    reason_other: 'Another reason',
    copyLink: 'Copy link',
    linkCopied: 'The link has been copied: {url}',
    linkCopyManual: 'Link to copy',
    showOnMap: 'Show on the map',
    closeDetails: 'Close',
    detailsLabel: 'Entry: {cat}',
    pointGone: 'This entry is not (or no longer) public.',
    entries: { one: '{n} entry', other: '{n} entries' },
    favCount: { one: '{n} favourite place', other: '{n} favourite places' },
    impCount: { one: '{n} needing improvement', other: '{n} needing improvement' },
    clusterTitle: '{entries} ({fav}, {imp}) – select to zoom in',
    pointTitle: '{cat}: {comment}',
    newPoint: 'New place',
    legend: 'Legend',
    legendMixFavourite: 'Number in a green ring: several entries, mostly favourite places',
    legendMixImprovement: 'Number in a brown ring: several entries, mostly needing improvement',
    legendMixMixed: 'Number in a grey ring: several entries, mixed',
    legendClusterHint: 'A ring with a number stands for entries close together; selecting it zooms in there.',
    legendMine: 'Your new entry',
    dupTitle: 'Already there – support it instead of adding it again?',
    dupIntro: 'Near the chosen place others have already entered something:',
    dupFound: { one: 'There is already {n} entry nearby.', other: 'There are already {n} entries nearby.' },
    dupDistance: '{m} m away',
    dupStill: 'Your own entry is still welcome.',
    listHeading: 'Entries as a list',
    listScope: 'Which entries?',
    scopeView: 'in the map view',
    scopeDistrict: 'in the Ortsbezirk {name}',
    listCountView: { zero: 'No entries in the map view.', one: '{n} entry in the map view.', other: '{n} entries in the map view.' },
    listCountDistrict: { zero: 'No entries in the Ortsbezirk {name}.', one: '{n} entry in the Ortsbezirk {name}.', other: '{n} entries in the Ortsbezirk {name}.' },
    listShowing: 'Showing {shown} of {total}.',
    listLoad: 'Load the list',
    plannerTitle: 'Analysis by district',
    plannerTagline: 'How many entries each district has and how many of them name a place that needs improvement.',
    layer: 'Districts',
    ortsbezirk: 'Ortsbezirke',
    stadtteil: 'Stadtteile',
    ortsbezirkOne: 'Ortsbezirk',
    stadtteilOne: 'Stadtteil',
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
    breakdown: 'Breakdown',
    byKind: 'Kind',
    byChannel: 'Channel',
    byTopic: 'Topic',
    byOutcome: 'Status',
    colOnline: 'Online',
    colWalk: 'District walk',
    colWorkshop: 'Workshop',
    totalRow: 'All districts',
    csv: 'Download the table as CSV (with the chosen filters)',
    filtered: 'Filtered: the numbers count only entries matching the filters.',
    unfiltered: 'All published entries.',
    listTitle: 'Entries as a list',
    listIntro: 'The entries matching the filters – the accessible alternative to the map.',
    listCount: { one: '{n} entry matches the filters.', other: '{n} entries match the filters.' },
    listMore: 'Load more entries',
    listEmpty: 'No entries match the filters.',
    updated: { one: 'Analysis updated: {n} entry.', other: 'Analysis updated: {n} entries.' },
    noDistrict: 'unknown',
    share: '{p} %',
    legendCount: 'Entries',
    legendShare: 'Share needing improvement',
    invalidRange: 'The end date lies before the start date.',
    // the live room (/werkstatt) and the citizen page in an event's mode
    roomTitle: 'Live room of the participation map',
    roomEvent: '{name}',
    roomMapLabel: 'Map of the entries being made right now',
    roomJoin: 'Join in: scan the code or type the address',
    roomQr: 'QR code to the entry page: {url}',
    roomCounts: 'Entries',
    roomTotal: { zero: 'No entries yet', one: '{n} entry', other: '{n} entries' },
    roomTicker: 'Latest comments',
    roomConnected: 'Live connection open.',
    roomReconnecting: 'Connection lost – reconnecting …',
    roomNoEvent: 'There is no such event; all entries are shown.',
    eventBanner: 'You are contributing to: {name}',
    // The reports of results: the header's link when report_public is on.
    resultsLink: 'Results'
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

function fill(s, vars) {
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// t('key', {var: value}) → the text in the current language.
export function t(key, vars = {}) {
  let s = TEXTS[lang][key] ?? TEXTS.de[key] ?? key;
  if (typeof s === 'object') s = s.other;
  return fill(s, vars);
}

const plurals = new Map();

// tn('key', n, {var: value}) → the text for the count n, with {n} the
// count written as numbers are in the current language ("1.234").
export function tn(key, n, vars = {}) {
  const forms = TEXTS[lang][key] ?? TEXTS.de[key];
  if (typeof forms !== 'object') return t(key, { n: formatNumber(n), ...vars });
  if (!plurals.has(lang)) plurals.set(lang, new Intl.PluralRules(lang === 'de' ? 'de-DE' : 'en-GB'));
  const form = n === 0 && forms.zero ? 'zero' : plurals.get(lang).select(n);
  return fill(forms[form] ?? forms.other, { n: formatNumber(n), ...vars });
}

// A label object from /api/config ({de, en}) in the current language.
export function label(obj) {
  return (obj && (obj[lang] || obj.de)) || '';
}

// Puts a configured text ({de, en}, en may be null) into el; German text on
// the English page is marked as German for screen readers and translators.
export function setConfiguredText(el, obj) {
  const text = label(obj);
  el.textContent = text;
  if (lang !== 'de' && obj && !obj[lang] && text) el.lang = 'de';
  else el.removeAttribute('lang');
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

// Whole numbers are grouped by hand, as de-DE ("12.345") and en-GB
// ("12,345") write them: the first Intl.NumberFormat costs a slow phone a
// third of a second (its locale data), on the way to the map's first
// drawing, which shows counts only.
export function formatNumber(n, digits = 0) {
  if (digits === 0 && Number.isSafeInteger(n)) {
    const grouped = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, lang === 'de' ? '.' : ',');
    return n < 0 ? `-${grouped}` : grouped;
  }
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

// Keeps ?lang= on links to the other pages.
function updateLinks() {
  for (const a of document.querySelectorAll('a[data-keep-lang]')) {
    const url = new URL(a.getAttribute('href'), location.href);
    if (url.origin !== location.origin) continue;
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
