/*
 * html.c — the frame of the server's pages and the small things they
 * share: escaping, excerpts, dates in the German calendar, the language.
 *
 * Everything that comes from the database, the configuration or the
 * request passes page_escape() (or page_excerpt()) on its way out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "page_int.h"

page_lang page_lang_of(gp_http_exchange *x)
{
	const char *v = gp_http_param(x, "lang");

	return v && strcmp(v, "en") == 0 ? PAGE_EN : PAGE_DE;
}

const char *page_lang_query(page_lang lang)
{
	return lang == PAGE_EN ? "?lang=en" : "";
}

void page_escape(gp_buf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		gp_buf_append(b, run, (size_t)(s - run));
		gp_buf_puts(b, rep);
		run = s + 1;
	}
	gp_buf_append(b, run, (size_t)(s - run));
}

void page_excerpt(gp_buf *b, const char *s, size_t max_chars)
{
	gp_buf part;
	size_t chars = 0, i = 0;

	gp_buf_init(&part, 4 * max_chars + 8);
	while (s[i] && chars < max_chars) {
		size_t n = 1;
		/* whole code points only: continuation bytes are 10xxxxxx */
		while ((s[i + n] & 0xc0) == 0x80)
			n++;
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			gp_buf_putc(&part, ' ');
		else
			gp_buf_append(&part, s + i, n);
		i += n;
		chars++;
	}
	if (s[i])
		gp_buf_puts(&part, "…");
	page_escape(b, gp_buf_cstr(&part));
	gp_buf_free(&part);
}

/* Day of the week, 0 = Sunday (Sakamoto's method). */
static int weekday(int y, int m, int d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	if (m < 3)
		y -= 1;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

/* The day of month of the last Sunday of month m (31-day March or October). */
static int last_sunday(int y, int m)
{
	return 31 - weekday(y, m, 31);
}

void page_date(gp_buf *b, const char *rfc3339, page_lang lang)
{
	static const char *const months[2][12] = {
		{ "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
		  "September", "Oktober", "November", "Dezember" },
		{ "January", "February", "March", "April", "May", "June", "July", "August",
		  "September", "October", "November", "December" },
	};
	struct tm tm;
	int y, mo, d, h, mi;
	time_t t;
	long summer_from, summer_until, offset;

	if (sscanf(rfc3339, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) != 5 || mo < 1 ||
	    mo > 12) {
		page_escape(b, rfc3339);
		return;
	}
	tm = (struct tm){ .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
	                  .tm_min = mi };
	t = timegm(&tm);
	/* Central European (Summer) Time: summer from 01:00 UTC of March's last
	 * Sunday to 01:00 UTC of October's last Sunday. */
	tm = (struct tm){ .tm_year = y - 1900, .tm_mon = 2, .tm_mday = last_sunday(y, 3),
	                  .tm_hour = 1 };
	summer_from = (long)timegm(&tm);
	tm = (struct tm){ .tm_year = y - 1900, .tm_mon = 9, .tm_mday = last_sunday(y, 10),
	                  .tm_hour = 1 };
	summer_until = (long)timegm(&tm);
	offset = (long)t >= summer_from && (long)t < summer_until ? 7200 : 3600;
	t += offset;
	gmtime_r(&t, &tm);
	if (lang == PAGE_DE)
		gp_buf_printf(b, "%d. %s %d", tm.tm_mday, months[0][tm.tm_mon], tm.tm_year + 1900);
	else
		gp_buf_printf(b, "%d %s %d", tm.tm_mday, months[1][tm.tm_mon], tm.tm_year + 1900);
}

/* Where the footer's links go: the operator's pages, or the built-in ones. */
static void legal_link(gp_buf *b, const char *url, const char *builtin, page_lang lang,
                       const char *text)
{
	gp_buf_puts(b, "<a href=\"");
	if (url[0]) {
		page_escape(b, url);
	} else {
		gp_buf_puts(b, builtin);
		gp_buf_puts(b, page_lang_query(lang));
	}
	gp_buf_puts(b, "\">");
	gp_buf_puts(b, text);
	gp_buf_puts(b, "</a>");
}

void page_begin(gp_buf *b, const gp_config *cfg, page_lang lang, const char *title,
                const char *head_extra, const char *path)
{
	gp_buf_printf(b, "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	                 "<title>",
	              lang == PAGE_EN ? "en" : "de");
	page_escape(b, title);
	gp_buf_puts(b, "</title>\n");
	if (head_extra)
		gp_buf_puts(b, head_extra);
	gp_buf_puts(b, "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n"
	               "<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n"
	               "<header class=\"top\">\n<div class=\"brand\"><p class=\"site\"><a href=\"/");
	gp_buf_puts(b, page_lang_query(lang));
	gp_buf_puts(b, "\">");
	gp_buf_puts(b, lang == PAGE_EN ? "Participation map " : "Mitmachkarte ");
	page_escape(b, cfg->city_name);
	gp_buf_puts(b, "</a></p></div>\n<nav class=\"top-nav\" aria-label=\"");
	gp_buf_puts(b, lang == PAGE_EN ? "Language" : "Sprache");
	gp_buf_puts(b, "\"><a href=\"/leichte-sprache\" lang=\"de\" hreflang=\"de\">Leichte Sprache</a>");
	if (path) {
		gp_buf_puts(b, "<a href=\"");
		page_escape(b, path);
		gp_buf_puts(b, lang == PAGE_EN ? "\" lang=\"de\" hreflang=\"de\">Deutsch</a>"
		                               : "?lang=en\" lang=\"en\" hreflang=\"en\">English</a>");
	}
	gp_buf_puts(b, "</nav>\n</header>\n<main class=\"doc\" id=\"main\">\n");
}

void page_finish(gp_buf *b, const gp_config *cfg, page_lang lang)
{
	gp_buf_puts(b, "</main>\n<footer class=\"foot\">\n<ul class=\"legal-links\">\n<li>");
	legal_link(b, cfg->imprint_url, "/impressum", lang, lang == PAGE_EN ? "Imprint" : "Impressum");
	gp_buf_puts(b, "</li>\n<li>");
	legal_link(b, cfg->privacy_url, "/datenschutz", lang, lang == PAGE_EN ? "Privacy" : "Datenschutz");
	gp_buf_puts(b, "</li>\n</ul>\n</footer>\n</body>\n</html>\n");
}
