/*
 * page.h — the HTML pages the server writes itself, in German or, with
 * ?lang=en, in English: the citizen map "/" (web/index.html served with
 * the city drawn into its map box by map.c), a point's own page /p/{id} (what a shared link
 * shows: the comment and the place, with Open Graph tags for link
 * previews, and a link to the map) and the legal pages /impressum and
 * /datenschutz, filled from the configuration (operator_*, dpo_contact,
 * legal_basis, supervisory_authority, retention_days), or a redirect to
 * imprint_url / privacy_url when the operator has pages of its own,
 * /leichte-sprache, the map explained in easy German (the city's text from
 * easy_language_file or the built-in one; German only), and the reports
 * of results (/report/, drawn by report/; staff only unless
 * report_public).  Every page's header links to /leichte-sprache.
 *
 * Pages carry the web page's Content-Security-Policy and framing headers
 * (gp_http_set_page) and its style sheet — except the reports, which are
 * documents of their own with an inline style sheet and a CSP that allows
 * that and nothing else (report.c).
 *
 * Must never: read a point but through read/ with the citizen's
 * visibility (no SQL, no store calls; the reports' counts of held-back
 * points are read/'s too), show a point that is not published, write
 * text from the database, the configuration or the request without HTML
 * escaping, or put script into a page, or write inline style into any
 * page but a report (the citizen page's inline style sheets are the web
 * root's own, put in and admitted by hash by http/static.c).
 */
#ifndef GP_PAGE_H
#define GP_PAGE_H

#include "config/config.h"
#include "http/http.h"

/*
 * GET / and /index.html, /p/{id}, /impressum, /datenschutz, /leichte-sprache, /report/,
 * /report/{district}, /report/{district}.pdf and the live room's QR code
 * /werkstatt/qr.svg?event=ID; ends with a NULL method.
 */
extern const gp_http_route gp_page_routes[];

/*
 * Logs a warning for each setting the built-in legal pages need but the
 * configuration leaves empty (none when imprint_url and privacy_url point
 * elsewhere).  Returns the number of warnings.  Borrows cfg.
 */
int gp_page_check_config(const gp_config *cfg);

/*
 * Checks the text easy_language_file names (when set): readable, UTF-8,
 * at most 32 KiB, in /leichte-sprache's format (easy.c).  Returns 0, or
 * GP_INVALID with err naming the fault and its line.  Borrows cfg.
 */
int gp_page_check_easy(const gp_config *cfg, gp_err *err);

#endif
