/*
 * text.c — the report's own words in German and English.  Labels of codes
 * (categories, channels, outcomes, topics) come from the shared tables
 * (geopart/point.h, the configured topics), not from here.
 */
#include <assert.h>

#include "report_int.h"

static const char *const words[][2] = {
	[W_TITLE] = { "Dokumentation der Beteiligung", "Documentation of participation" },
	[W_CITY] = { "Gesamtstadt", "Whole city" },
	[W_ORTSBEZIRK] = { "Ortsbezirk", "Ortsbezirk (district)" },
	[W_STADTTEIL] = { "Stadtteil", "Stadtteil (quarter)" },
	[W_AS_OF] = { "Stand", "As of" },
	[W_PERIOD] = { "Zeitraum der Beiträge", "Period of the contributions" },
	[W_NO_POINTS] = { "Aus diesem Gebiet liegen noch keine veröffentlichten Beiträge vor.",
	                  "There are no published contributions from this area yet." },
	[W_HOW] = { "Wie die Beiträge gesammelt wurden", "How the contributions were collected" },
	[W_HOW_ONLINE] = { "Bürgerinnen und Bürger haben auf der Mitmachkarte Orte markiert – "
	                   "Lieblingsorte und Orte, die verbesserungswürdig sind – und sie "
	                   "kommentiert; andere konnten Beiträge mit +1 unterstützen. Beiträge "
	                   "aus Ortsbezirksbegehungen und Werkstätten hat die Verwaltung auf "
	                   "derselben Karte erfasst.",
	                   "Citizens marked places on the participation map — favourite places "
	                   "and places that need improvement — and commented on them; others "
	                   "could support contributions with +1. The city recorded the input "
	                   "of district walks and workshops on the same map." },
	[W_HOW_PRE] = { "Jeder Beitrag wurde vor der Veröffentlichung von der Verwaltung geprüft.",
	                "Every contribution was checked by the city before it was published." },
	[W_HOW_POST] = { "Beiträge erschienen sofort; die Verwaltung hat sie nachträglich geprüft.",
	                 "Contributions appeared at once; the city checked them afterwards." },
	[W_HOW_HIDDEN] = { "Ausgeblendet (nicht veröffentlicht, Text hier nicht wiedergegeben)",
	                   "Hidden (not published, text not reproduced here)" },
	[W_HOW_PENDING] = { "Noch nicht geprüft", "Not yet checked" },
	[W_FIGURES] = { "Beteiligung in Zahlen", "Participation in figures" },
	[W_POINTS] = { "Veröffentlichte Beiträge", "Published contributions" },
	[W_SUPPORT] = { "Unterstützungen (+1)", "Support (+1)" },
	[W_RESPONDENTS] = { "Teilnehmende am Fragebogen", "Questionnaire respondents" },
	[W_BY_CATEGORY] = { "Nach Art", "By kind" },
	[W_BY_TOPIC] = { "Nach Thema", "By topic" },
	[W_BY_CHANNEL] = { "Nach Weg der Beteiligung", "By channel" },
	[W_BY_EVENT] = { "Nach Veranstaltung", "By event" },
	[W_NO_TOPIC] = { "Ohne Thema", "No topic" },
	[W_COUNT] = { "Anzahl", "Count" },
	[W_SHARE] = { "Anteil", "Share" },
	[W_MAP] = { "Karte der Beiträge", "Map of the contributions" },
	[W_LEGEND_DISTRICT] = { "Gebiet", "Area" },
	[W_LEGEND_NEIGHBOUR] = { "Nachbargebiete", "Neighbouring areas" },
	[W_LEGEND_HOTSPOT] = { "Schwerpunkt", "Hotspot" },
	[W_HOTSPOTS] = { "Schwerpunkte", "Hotspots" },
	[W_HOTSPOTS_NONE] = { "Es gibt keine Stellen, an denen sich Beiträge besonders häufen.",
	                      "There are no places where contributions gather particularly." },
	[W_HOTSPOT] = { "Schwerpunkt", "Hotspot" },
	[W_HOTSPOT_AREA] = { "Fläche", "Area" },
	[W_COMMENTS] = { "Alle Beiträge nach Thema und Art", "All contributions by topic and kind" },
	[W_COMMENT] = { "Beitrag", "Contribution" },
	[W_NO] = { "Nr.", "No." },
	[W_OUTCOME] = { "Stand", "Status" },
	[W_REPLY] = { "Antwort der Stadt", "The city's reply" },
	[W_EVENTS] = { "Begehungen und Werkstätten", "Walks and workshops" },
	[W_EVENTS_NONE] = { "In diesem Gebiet gab es keine Beiträge aus Begehungen oder "
	                    "Werkstätten.",
	                    "There was no input from walks or workshops in this area." },
	[W_EVENT_POINTS] = { "Beiträge", "Contributions" },
	[W_SURVEY] = { "Ergebnisse des Fragebogens", "Questionnaire results" },
	[W_SURVEY_NONE] = { "Es gab keinen Fragebogen.", "There was no questionnaire." },
	[W_SURVEY_NO_GROUP] = { "Der Fragebogen wird nach Ortsbezirken ausgewertet; die "
	                        "Ergebnisse stehen in den Berichten der Ortsbezirke.",
	                        "The questionnaire is evaluated by Ortsbezirk; its results are "
	                        "in the Ortsbezirk reports." },
	[W_SURVEY_SUPPRESSED] = { "Zahlen unter %d Personen werden nicht gezeigt (–), damit "
	                          "niemand erkennbar wird.",
	                          "Counts below %d people are not shown (–) so that nobody can "
	                          "be identified." },
	[W_ANSWERED] = { "Beantwortet von", "Answered by" },
	[W_MEDIAN] = { "Median", "Median" },
	[W_WITHHELD] = { "–", "–" },
	[W_LEFT_OUT] = { "Aus Platzgründen fehlen %lld weitere Beiträge; alle stehen im "
	                 "Export der Daten.",
	                 "%lld further contributions are left out for space; the data export "
	                 "holds all of them." },
	[W_CONTENTS] = { "Inhalt", "Contents" },
	[W_PAGE] = { "Seite %zu", "Page %zu" },
	[W_REPLIES] = { "Beiträge mit Antwort der Stadt", "Contributions with a reply" },
	[W_SOURCES] = { "Quellen", "Sources" },
	[W_INDEX_TITLE] = { "Ergebnisse der Beteiligung", "Results of the participation" },
	[W_INDEX_INTRO] = { "Die Dokumentation der Beiträge für die ganze Stadt und für jeden "
	                    "Ortsbezirk und Stadtteil, als Webseite und als PDF.",
	                    "The documentation of the contributions for the whole city and for "
	                    "every Ortsbezirk and Stadtteil, as a web page and as a PDF." },
	[W_DISTRICT] = { "Gebiet", "Area" },
	[W_COUNT_WORD] = { "Beiträge", "Contributions" },
	[W_FIGURE] = { "Kennzahl", "Figure" },
	[W_KIND] = { "Art", "Kind" },
	[W_TOPIC] = { "Thema", "Topic" },
	[W_CHANNEL] = { "Weg", "Channel" },
	[W_DATE] = { "Datum", "Date" },
	[W_ANSWER] = { "Antwort", "Answer" },
	[W_REPORT] = { "Bericht", "Report" },
	[W_MAP_ATTRIBUTION] = { "Bezirksgrenzen: Stadtverwaltung Kaiserslautern und weitere "
	                        "(siehe Quellen) · ETRS89 / UTM 32N (EPSG:25832)",
	                        "District boundaries: Stadtverwaltung Kaiserslautern and others "
	                        "(see Sources) · ETRS89 / UTM 32N (EPSG:25832)" },
};

const char *rp_word_get(rp_word w, int en)
{
	assert((size_t)w < sizeof(words) / sizeof(words[0]) && words[w][0]);
	return words[w][en ? 1 : 0];
}
