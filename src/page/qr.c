/*
 * qr.c — GET /werkstatt/qr.svg?event=ID: the QR code the live room's
 * projector shows, leading participants' phones to the event's entry page
 * (public_url, else http:// + Host, followed by /?event=ID).
 *
 * The code is drawn here as SVG, one path of dark modules (run by run
 * along each row) inside the quiet zone of four modules the standard asks
 * for, so it stays sharp at any size a projector gives it.  This file is
 * the only one that includes qrencode.h (tests/unit/boundaries.py).
 */
#include <errno.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "page_int.h"
#include "read/read.h"

#define QUIET 4 /* modules of white around the code (ISO/IEC 18004) */

static int event_seen(void *ctx, const gp_read_event *e)
{
	(void)ctx;
	(void)e;
	return 0;
}

/* The modules of c as one SVG path, a run of dark modules per "h" stroke. */
static void put_modules(gp_buf *b, const QRcode *c)
{
	gp_buf_puts(b, "<path fill=\"#000\" d=\"");
	for (int y = 0; y < c->width; y++) {
		for (int x = 0; x < c->width;) {
			int run = 0;
			/* bit 0 of each byte: the module is dark */
			while (x + run < c->width && (c->data[y * c->width + x + run] & 1))
				run++;
			if (run) {
				gp_buf_printf(b, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
				x += run;
			} else {
				x++;
			}
		}
	}
	gp_buf_puts(b, "\"/>");
}

int page_qr(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	const char *v = gp_http_param(x, "event");
	gp_buf url, *b = gp_http_out(x);
	gp_read_query q;
	QRcode *code;
	int rc, size;

	gp_read_query_init(&q, &pub);
	if (!v)
		return gp_err_set(err, GP_BAD_REQUEST, "event", "event is required (see /api/events)");
	if ((rc = gp_read_param_event(gp_worker_read(w), &q, v, err)) ||
	    (rc = gp_read_events(gp_worker_read(w), &pub, q.event, event_seen, NULL, err)))
		return rc;
	gp_buf_init(&url, 4096);
	gp_http_base_url(x, &url);
	gp_buf_printf(&url, "/?event=%lld", (long long)q.event);
	if ((rc = gp_buf_status(&url))) {
		gp_buf_free(&url);
		return rc;
	}
	/* level M: a code still read when a seventh of it is lost to glare on the wall */
	code = QRcode_encodeString(gp_buf_cstr(&url), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!code) {
		rc = errno == ERANGE ? gp_err_set(err, GP_INVALID, "public_url",
		                                  "public_url is too long for a QR code")
		                     : GP_ENOMEM;
		gp_buf_free(&url);
		return rc;
	}
	size = code->width + 2 * QUIET;
	gp_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	                 "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"",
	              size, size);
	page_escape(b, gp_buf_cstr(&url));
	gp_buf_puts(b, "\"><title>");
	page_escape(b, gp_buf_cstr(&url));
	gp_buf_printf(b, "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", size, size);
	put_modules(b, code);
	gp_buf_puts(b, "</svg>\n");
	QRcode_free(code);
	gp_buf_free(&url);
	gp_http_set_type(x, "image/svg+xml; charset=utf-8");
	return gp_buf_status(b);
}
