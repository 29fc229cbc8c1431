/*
 * page_int.h — what the pages of page/ share: the language of a request,
 * escaping, the frame every page has (head, header, footer with the legal
 * links and the language switch) and dates as people read them.
 */
#ifndef GP_PAGE_INT_H
#define GP_PAGE_INT_H

#include "core/core.h"
#include "page.h"

typedef enum page_lang { PAGE_DE = 0, PAGE_EN = 1 } page_lang;

/* German unless the request says ?lang=en. */
page_lang page_lang_of(gp_http_exchange *x);

/* Appends s with &, <, >, " and ' escaped (text and attribute values). */
void page_escape(gp_buf *b, const char *s);

/*
 * Appends at most max_chars code points of the UTF-8 text s, escaped,
 * with "…" when it was cut; line breaks become spaces (for one-line
 * places: titles and meta descriptions).
 */
void page_excerpt(gp_buf *b, const char *s, size_t max_chars);

/*
 * Appends the date of an RFC 3339 UTC time as read in Germany (the
 * Europe/Berlin calendar day): "3. März 2026" or "3 March 2026".
 */
void page_date(gp_buf *b, const char *rfc3339, page_lang lang);

/*
 * Starts a page: doctype, <head> with title (escaped) and the lines of
 * head_extra (already HTML, may be NULL), the style sheet, the header with
 * the site's name, the link to the page in Leichte Sprache, the switch to
 * the other language (a link to path in it; none when path is NULL) and
 * the opening <main>.
 */
void page_begin(gp_buf *b, const gp_config *cfg, page_lang lang, const char *title,
                const char *head_extra, const char *path);
/* Closes <main> and writes the footer with the imprint and privacy links. */
void page_finish(gp_buf *b, const gp_config *cfg, page_lang lang);

/* "?lang=en" for English, "" for German: what links on a page append. */
const char *page_lang_query(page_lang lang);

/* The handlers of gp_page_routes (page.c). */
int page_map(gp_http_exchange *x, gp_err *err);     /* map.c */
int page_point(gp_http_exchange *x, gp_err *err);   /* point.c */
int page_imprint(gp_http_exchange *x, gp_err *err); /* legal.c */
int page_privacy(gp_http_exchange *x, gp_err *err); /* legal.c */
int page_easy(gp_http_exchange *x, gp_err *err);    /* easy.c */
int page_qr(gp_http_exchange *x, gp_err *err);      /* qr.c */
int page_report_index(gp_http_exchange *x, gp_err *err); /* report.c */
int page_report(gp_http_exchange *x, gp_err *err);       /* report.c */

#endif
