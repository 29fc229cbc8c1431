/*
 * report.c — the reports' routes: GET /report/ (the index), GET
 * /report/{district} (the report as a page) and /report/{district}.pdf
 * (as a PDF), drawn by report/ from what read/ hands out.  Staff only
 * (a token or a sign-in, as /api judges it) unless report_public is on.
 *
 * The report page is a document of its own, not one of the site's pages:
 * its style sheet is inline (so a saved copy is whole), so it carries a
 * Content-Security-Policy of its own that allows that style and nothing
 * else — no script, no frame, no fetch.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "page_int.h"
#include "report/report.h"

#define REPORT_CSP                                                                           \
	"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; " \
	"form-action 'none'; frame-ancestors 'none'"

/* Staff only unless report_public; a staff answer is nobody else's to keep. */
static int allowed(gp_http_exchange *x, gp_worker *w, gp_err *err)
{
	gp_actor a;

	if (gp_worker_config(w)->report_public)
		return 0;
	gp_http_set_private(x);
	return gp_api_actor(x, w, GP_ROLE_PLANNER, &a, err);
}

static int html_headers(gp_http_exchange *x)
{
	gp_http_set_type(x, GP_PAGE_TYPE);
	return gp_http_add_header(x, "Content-Security-Policy", REPORT_CSP);
}

int page_report_index(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	int rc;

	if ((rc = allowed(x, w, err)) || (rc = html_headers(x)))
		return rc;
	return gp_report_index_html(gp_worker_read(w), gp_worker_config(w),
	                            page_lang_of(x) == PAGE_EN, "/report/", gp_http_out(x));
}

static int put_out(void *ctx, const void *data, size_t len)
{
	gp_buf *b = ctx;

	gp_buf_append(b, data, len);
	return gp_buf_status(b);
}

int page_report(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const char *arg = gp_http_arg(x, "district");
	size_t n = arg ? strlen(arg) : 0;
	int pdf = n > 4 && strcmp(arg + n - 4, ".pdf") == 0;
	char district[64], disposition[128];
	gp_report *rep = NULL;
	int rc;

	if ((rc = allowed(x, w, err)))
		return rc;
	if (n - (pdf ? 4 : 0) >= sizeof(district))
		return gp_err_set(err, GP_NOT_FOUND, "district", "no district \"%.40s\"", arg);
	memcpy(district, arg, n - (pdf ? 4 : 0));
	district[n - (pdf ? 4 : 0)] = '\0';
	if ((rc = gp_report_new(&rep, gp_worker_read(w), gp_worker_config(w), gp_worker_survey(w),
	                        district, page_lang_of(x) == PAGE_EN, err)))
		return rc;
	if (pdf) {
		gp_http_set_type(x, "application/pdf");
		snprintf(disposition, sizeof(disposition), "inline; filename=\"report-%s%s.pdf\"",
		         district, page_lang_of(x) == PAGE_EN ? "-en" : "");
		if (!(rc = gp_http_add_header(x, "Content-Disposition", disposition)))
			rc = gp_report_pdf(rep, put_out, gp_http_out(x));
	} else if (!(rc = html_headers(x))) {
		rc = gp_report_html(rep, gp_http_out(x));
	}
	gp_report_free(rep);
	return rc;
}
