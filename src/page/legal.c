/*
 * legal.c — GET /impressum and /datenschutz: the imprint and the privacy
 * information GDPR Art. 13 asks for (controller and contact, data
 * protection officer, purposes, legal basis, recipients, retention,
 * rights, complaint), written from what this server does and the
 * configuration: operator_*, dpo_contact, legal_basis,
 * supervisory_authority, retention_days, moderation and tile_url.
 * With imprint_url / privacy_url set they redirect there instead.
 *
 * A setting the page needs but the configuration leaves empty is named on
 * the page ("not given yet (setting operator_name)"), so an operator sees
 * what is missing, and gp_page_check_config() warns at start.
 */
#include <string.h>

#include "page_int.h"

/* The German text, or the English one, by the page's language. */
#define T(lang, de, en) ((lang) == PAGE_EN ? (en) : (de))

/* A configured value, escaped; marked as German on the English page
 * when it is German prose (de_text), or named as missing. */
static void value(gp_buf *b, page_lang lang, const char *v, const char *setting, int de_text)
{
	if (!v[0]) {
		gp_buf_puts(b, "<span class=\"missing\">");
		gp_buf_printf(b, T(lang, "noch nicht angegeben (Einstellung %s)",
		                   "not given yet (setting %s)"),
		              setting);
		gp_buf_puts(b, "</span>");
		return;
	}
	if (de_text && lang == PAGE_EN)
		gp_buf_puts(b, "<span lang=\"de\">");
	page_escape(b, v);
	if (de_text && lang == PAGE_EN)
		gp_buf_puts(b, "</span>");
}

static void redirect(gp_http_exchange *x, const char *url)
{
	gp_http_add_header(x, "Location", url);
	gp_http_set_status(x, 302);
	gp_http_set_type(x, "text/plain; charset=utf-8");
}

/* <tag>text</tag> and a line break; text is the page's own HTML. */
static void element(gp_buf *b, const char *tag, const char *text)
{
	gp_buf_printf(b, "<%s>%s</%s>\n", tag, text, tag);
}

/*
 * A legal page: its title and first line (which ends with the city's
 * name) in German and English (by page_lang), and what it says.
 */
typedef struct legal_page {
	const char *title[2];
	const char *intro[2];
	void (*content)(gp_buf *b, const gp_config *cfg, page_lang lang);
} legal_page;

/*
 * Writes page p: a redirect when the operator has a page of its own (url),
 * else the frame, the heading, the first line, p's content and the footer.
 */
static int legal_answer(gp_http_exchange *x, const char *url, const legal_page *p)
{
	const gp_config *cfg = gp_worker_config(gp_http_worker(x));
	page_lang lang = page_lang_of(x);
	gp_buf *b = gp_http_out(x);

	if (url[0]) {
		redirect(x, url);
		return 0;
	}
	page_begin(b, cfg, lang, p->title[lang], NULL, gp_http_path(x));
	element(b, "h1", p->title[lang]);
	gp_buf_printf(b, "<p>%s", p->intro[lang]);
	page_escape(b, cfg->city_name);
	gp_buf_puts(b, ".</p>\n");
	p->content(b, cfg, lang);
	page_finish(b, cfg, lang);
	gp_http_set_page(x);
	return gp_buf_status(b);
}

static void operator_block(gp_buf *b, const gp_config *cfg, page_lang lang)
{
	gp_buf_puts(b, "<p>");
	value(b, lang, cfg->operator_name, "operator_name", 0);
	gp_buf_puts(b, "<br>\n");
	value(b, lang, cfg->operator_address, "operator_address", 0);
	gp_buf_puts(b, "</p>\n<p>");
	gp_buf_puts(b, T(lang, "Kontakt: ", "Contact: "));
	value(b, lang, cfg->operator_contact, "operator_contact", 0);
	gp_buf_puts(b, "</p>\n");
}

static void imprint(gp_buf *b, const gp_config *cfg, page_lang lang)
{
	element(b, "h2", T(lang, "Anbieter", "Provider"));
	operator_block(b, cfg, lang);
	if (cfg->operator_representative[0]) {
		element(b, "h2", T(lang, "Vertreten durch", "Represented by"));
		gp_buf_puts(b, "<p>");
		value(b, lang, cfg->operator_representative, "operator_representative", 0);
		gp_buf_puts(b, "</p>\n");
	}
	element(b, "h2", T(lang, "Die Beiträge auf der Karte", "The entries on the map"));
	element(b, "p", T(lang,
	                  "Die Beiträge schreiben Bürgerinnen und Bürger; sie geben nicht die "
	                  "Meinung des Anbieters wieder. Ein Beitrag, der gegen die Regeln "
	                  "verstößt, lässt sich an der Karte mit „Melden“ zur Prüfung anzeigen.",
	                  "The entries are written by citizens; they are not the provider's "
	                  "opinion. An entry that breaks the rules can be reported for review "
	                  "with “Report” on the map."));
}

static const legal_page imprint_page = {
	.title = { [PAGE_DE] = "Impressum", [PAGE_EN] = "Imprint" },
	.intro = { [PAGE_DE] = "Angaben nach § 5 Digitale-Dienste-Gesetz (DDG) für die Mitmachkarte ",
	           [PAGE_EN] = "Information under § 5 of the German Digital Services Act (<span "
	                       "lang=\"de\">Digitale-Dienste-Gesetz</span>, DDG) for the "
	                       "participation map of " },
	.content = imprint,
};

int page_imprint(gp_http_exchange *x, gp_err *err)
{
	(void)err;
	return legal_answer(x, gp_worker_config(gp_http_worker(x))->imprint_url, &imprint_page);
}

/* The tile server's host as people read it: "tile.openstreetmap.org". */
static void tile_host(gp_buf *b, const char *url)
{
	const char *host = strstr(url, "//");
	size_t n;

	host = host ? host + 2 : url;
	if (strncmp(host, "{s}.", 4) == 0)
		host += 4;
	n = strcspn(host, "/:");
	{
		gp_buf h;
		gp_buf_init(&h, 512);
		gp_buf_append(&h, host, n);
		page_escape(b, gp_buf_cstr(&h));
		gp_buf_free(&h);
	}
}

static void privacy(gp_buf *b, const gp_config *cfg, page_lang lang)
{
	element(b, "h2", T(lang, "1. Verantwortlich", "1. Controller"));
	operator_block(b, cfg, lang);

	element(b, "h2", T(lang, "2. Datenschutzbeauftragte", "2. Data protection officer"));
	gp_buf_puts(b, "<p>");
	value(b, lang, cfg->dpo_contact, "dpo_contact", 0);
	gp_buf_puts(b, "</p>\n");

	element(b, "h2", T(lang, "3. Was wir verarbeiten und wozu", "3. What we process and why"));
	element(b, "h3", T(lang, "Ihr Beitrag", "Your entry"));
	element(b, "p", T(lang,
	                  "Wenn Sie einen Beitrag senden, speichern wir den Ort, die Art des Ortes, "
	                  "Ihren Kommentar, das Thema, den Zeitpunkt sowie den Ortsbezirk und "
	                  "Stadtteil, in dem der Ort liegt. Nach Ihrem Namen fragen wir nicht; "
	                  "bitte schreiben Sie auch keine Namen oder andere persönliche Angaben in "
	                  "den Kommentar. Der Beitrag ist öffentlich auf der Karte zu sehen",
	                  "When you send an entry we store the place, the kind of place, your "
	                  "comment, the topic, the time and the Ortsbezirk and Stadtteil the place "
	                  "lies in. We do not ask for your name; please do not write names or other "
	                  "personal details into the comment either. The entry can be seen by "
	                  "everyone on the map"));
	if (gp_config_premoderation(cfg))
		gp_buf_puts(b, T(lang, ", sobald die Moderation ihn geprüft hat",
		                  " once the moderators have reviewed it"));
	gp_buf_puts(b, T(lang,
	                  ". Zweck: die Beteiligung der Öffentlichkeit an der Stadtentwicklung und "
	                  "ihre Auswertung.</p>\n",
	                  ". Purpose: the public's participation in urban development and its "
	                  "evaluation.</p>\n"));
	element(b, "h3", T(lang, "Unterstützungen und Meldungen", "Support and reports"));
	element(b, "p", T(lang,
	                  "Von einem „+1“ speichern wir nur, dass die Zahl der Unterstützungen "
	                  "gestiegen ist. Meldet jemand einen Beitrag, speichern wir den Grund und "
	                  "den Zeitpunkt, damit die Moderation ihn prüfen kann.",
	                  "Of a “+1” we store only that the number of supporters went up. When "
	                  "someone reports an entry we store the reason and the time, so that the "
	                  "moderators can review it."));
	element(b, "h3", T(lang, "Schutz vor Missbrauch", "Protection against abuse"));
	element(b, "p", T(lang,
	                  "Damit jede Person einen Beitrag nur einmal unterstützt und niemand die "
	                  "Karte mit Beiträgen überflutet, bildet der Server aus Ihrer IP-Adresse "
	                  "einen Kennwert mit einem geheimen Schlüssel, der täglich wechselt. Der "
	                  "Kennwert bleibt nur im Arbeitsspeicher und ist nach spätestens 24 Stunden "
	                  "vergessen. Die IP-Adresse selbst speichern wir nicht, auch nicht im "
	                  "Zugriffsprotokoll. Die Seite setzt keine Cookies und legt nichts in Ihrem "
	                  "Browser ab.",
	                  "So that everyone supports an entry only once and nobody floods the map, "
	                  "the server derives a code from your IP address with a secret key that "
	                  "changes daily. The code stays in memory only and is forgotten after 24 "
	                  "hours at the latest. We do not store the IP address itself, not even in "
	                  "the access log. The page sets no cookies and stores nothing in your "
	                  "browser."));
	element(b, "h3", T(lang, "Ihr Standort", "Your location"));
	element(b, "p", T(lang,
	                  "Nur wenn Sie „Meinen Standort verwenden“ wählen und zustimmen, fragt Ihr "
	                  "Browser nach Ihrem Standort. Er bewegt nur die Karte; gesendet wird "
	                  "allein der Ort, den Sie mit Ihrem Beitrag absenden.",
	                  "Only when you choose “Use my location” and agree does your browser ask "
	                  "for your location. It only moves the map; the only place sent is the one "
	                  "you send with your entry."));
	if (cfg->tile_url[0]) {
		element(b, "h3", T(lang, "Hintergrundkarte", "Background map"));
		gp_buf_puts(b, "<p>");
		gp_buf_puts(b, T(lang, "Die Hintergrundkarte lädt Ihr Browser direkt von ",
		                 "Your browser loads the background map directly from "));
		tile_host(b, cfg->tile_url);
		gp_buf_puts(b, T(lang,
		                 ". Dieser Anbieter erhält dabei, wie jeder Webserver, Ihre "
		                 "IP-Adresse; dafür gelten seine Datenschutzbestimmungen.",
		                 ". Like every web server, that provider receives your IP address; "
		                 "its own privacy policy applies."));
		gp_buf_puts(b, "</p>\n");
	}

	element(b, "h2", T(lang, "4. Rechtsgrundlage", "4. Legal basis"));
	gp_buf_puts(b, "<p>");
	value(b, lang, cfg->legal_basis, "legal_basis", 1);
	gp_buf_puts(b, "</p>\n<p>");
	gp_buf_puts(b, T(lang,
	                 "Die Teilnahme ist freiwillig. Wer keinen Beitrag sendet, hat keine "
	                 "Nachteile.",
	                 "Taking part is voluntary. Not sending an entry has no consequences."));
	gp_buf_puts(b, "</p>\n");

	element(b, "h2", T(lang, "5. Wer die Daten erhält", "5. Who receives the data"));
	element(b, "p", T(lang,
	                  "Veröffentlichte Beiträge kann jede Person auf der Karte, über die "
	                  "Schnittstellen und als Download sehen. Die Stadtplanung und von ihr "
	                  "beauftragte Stellen werten sie aus. Betreibt ein Dienstleister den "
	                  "Server, tut er das im Auftrag und nach Weisung (Art. 28 DSGVO).",
	                  "Everyone can see published entries on the map, through the interfaces "
	                  "and as downloads. The city's planners and those they commission "
	                  "evaluate them. A service provider running the server does so on "
	                  "behalf of and as instructed by the controller (Art. 28 GDPR)."));

	element(b, "h2", T(lang, "6. Wie lange wir speichern", "6. How long we keep data"));
	gp_buf_puts(b, "<ul>\n<li>");
	if (cfg->retention_days > 0)
		gp_buf_printf(b, T(lang,
		                   "Beiträge, die nicht veröffentlicht oder wieder ausgeblendet "
		                   "wurden, und Meldungen löschen wir %d Tage nach ihrer letzten "
		                   "Änderung automatisch.",
		                   "Entries that were not published or were hidden again, and reports, "
		                   "are deleted automatically %d days after their last change."),
		              cfg->retention_days);
	else
		gp_buf_puts(b, T(lang,
		                 "Beiträge, die nicht veröffentlicht oder wieder ausgeblendet wurden, "
		                 "und Meldungen werden nicht automatisch gelöscht; der Verantwortliche "
		                 "löscht sie, sobald sie nicht mehr gebraucht werden.",
		                 "Entries that were not published or were hidden again, and reports, "
		                 "are not deleted automatically; the controller deletes them once they "
		                 "are no longer needed."));
	gp_buf_puts(b, "</li>\n<li>");
	gp_buf_puts(b, T(lang,
	                 "Veröffentlichte Beiträge bleiben gespeichert, solange sie für die "
	                 "Auswertung und Dokumentation der Beteiligung gebraucht werden.",
	                 "Published entries are kept as long as they are needed to evaluate and "
	                 "document the participation."));
	gp_buf_puts(b, "</li>\n<li>");
	gp_buf_puts(b, T(lang,
	                 "Der Kennwert zum Schutz vor Missbrauch: höchstens 24 Stunden, nur im "
	                 "Arbeitsspeicher.",
	                 "The code that protects against abuse: 24 hours at most, in memory "
	                 "only."));
	gp_buf_puts(b, "</li>\n</ul>\n");

	element(b, "h2", T(lang, "7. Ihre Rechte", "7. Your rights"));
	gp_buf_puts(b, "<p>");
	gp_buf_puts(b, T(lang,
	                 "Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), "
	                 "Löschung (Art. 17), Einschränkung der Verarbeitung (Art. 18) und "
	                 "Widerspruch (Art. 21). Wenden Sie sich dazu an den Verantwortlichen "
	                 "(Abschnitt 1). Weil wir keine Namen speichern, finden wir Ihren Beitrag "
	                 "nur, wenn Sie uns sagen, welcher es ist – am einfachsten mit seinem Link "
	                 "(„Link kopieren“ an der Karte).",
	                 "You have the right of access (Art. 15 GDPR), rectification (Art. 16), "
	                 "erasure (Art. 17), restriction of processing (Art. 18) and to object "
	                 "(Art. 21). Please contact the controller (section 1). As we store no "
	                 "names, we can only find your entry when you tell us which one it is – "
	                 "easiest with its link (“Copy link” on the map)."));
	gp_buf_puts(b, "</p>\n<p>");
	gp_buf_puts(b, T(lang,
	                 "Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren "
	                 "(Art. 77 DSGVO), zum Beispiel bei: ",
	                 "You may complain to a data protection supervisory authority (Art. 77 "
	                 "GDPR), for example: "));
	value(b, lang, cfg->supervisory_authority, "supervisory_authority", 1);
	gp_buf_puts(b, ".</p>\n");
}

static const legal_page privacy_page = {
	.title = { [PAGE_DE] = "Datenschutz", [PAGE_EN] = "Privacy" },
	.intro = { [PAGE_DE] = "Informationen nach Art. 13 der Datenschutz-Grundverordnung (DSGVO) "
	                       "zur Mitmachkarte ",
	           [PAGE_EN] = "Information under Art. 13 of the General Data Protection "
	                       "Regulation (GDPR) about the participation map of " },
	.content = privacy,
};

int page_privacy(gp_http_exchange *x, gp_err *err)
{
	(void)err;
	return legal_answer(x, gp_worker_config(gp_http_worker(x))->privacy_url, &privacy_page);
}
