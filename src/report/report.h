/*
 * report.h — the documentation of results: one report per Ortsbezirk
 * (ob-N), Stadtteil (st-N) or the whole city ("city"), as a print-ready
 * HTML page (A4 style sheet, the map as SVG) or a PDF (cairo and pango:
 * A4, real text, "Seite N", table rows never split, the map as
 * vector graphics, moved to the next page's top with what follows it
 * filling the gap when it does not fit), in German or English.
 *
 * One report model (gp_report), read through read/ with the public's
 * visibility — plus counts, never texts, of what moderation held back —
 * becomes one document (a list of headings, paragraphs, tables and the
 * map; doc.c) that both renderers draw; the map is laid out once (map.c)
 * and drawn through the same operations into SVG and cairo.  HTML and PDF
 * therefore say the same things.
 *
 * Deterministic: the same database and settings give the same bytes.  The
 * date printed is report_date or the day of the newest published point;
 * the PDF's creation and modification dates are set to it.
 *
 * Threads: see pdf.c — PDF rendering holds one process-wide mutex, since
 * fontconfig's and pango's set-up is neither quick nor fully thread-safe;
 * building the model and HTML need none.
 *
 * Must never: read a point but through read/, put the text of a point that
 * is not published (or from another district) into a report, write SQL,
 * or know about HTTP.  Only this module includes cairo and pango headers.
 */
#ifndef GP_REPORT_H
#define GP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "geopart/survey.h"
#include "util/util.h"

typedef struct gp_read gp_read;
typedef struct gp_report gp_report;

/*
 * Reads the report of `district` ("ob-N", "st-N" or "city") in German
 * (en 0) or English through r; survey may be NULL (no questionnaire).
 * GP_NOT_FOUND naming `district` for an unknown one.  The points are
 * bounded (REPORT_MAX_POINTS in model.c; the report says when it shows
 * fewer).  Borrows r, cfg and survey for the call; caller owns *out, free
 * with gp_report_free().
 */
int gp_report_new(gp_report **out, gp_read *r, const gp_config *cfg, const gp_survey *survey,
                  const char *district, int en, gp_err *err);
void gp_report_free(gp_report *rep);

/* The report as one HTML page (UTF-8).  Appends to b, whose status tells. */
int gp_report_html(const gp_report *rep, gp_buf *b);

/*
 * The report as a PDF, handed to write in pieces (a non-zero return of
 * write stops and is returned).  Borrows rep for the call.
 */
int gp_report_pdf(const gp_report *rep, int (*write)(void *ctx, const void *data, size_t len),
                  void *ctx);

/*
 * Releases what PDF rendering set up once for the process (the font map,
 * cairo's and fontconfig's caches), so nothing is left at exit.  Call
 * once, after the last gp_report_pdf() returned and none can start.
 */
void gp_report_shutdown(void);

/*
 * The index of reports: every Ortsbezirk and Stadtteil and the city, with
 * the number of published points and links to the HTML and PDF
 * (base: the prefix of the links, e.g. "/report/").  Appends to b.
 */
int gp_report_index_html(gp_read *r, const gp_config *cfg, int en, const char *base, gp_buf *b);

#endif
