/*
 * Unit test for page/'s text helpers (page_int.h): dates as read in
 * Germany — the Europe/Berlin calendar day of an RFC 3339 UTC time, on
 * both sides of the changes to and from summer time — escaping, and the
 * one-line excerpts of titles and link previews.
 */
#include "../check.h"
#include "page/page_int.h"
#include "util/util.h"

static char out[256];

/* What b holds, kept in out; frees b. */
static const char *taken(gp_buf *b)
{
	snprintf(out, sizeof(out), "%s", gp_buf_cstr(b));
	gp_buf_free(b);
	return out;
}

static const char *date(const char *rfc3339, page_lang lang)
{
	gp_buf b;

	gp_buf_init(&b, 256);
	page_date(&b, rfc3339, lang);
	return taken(&b);
}

static const char *excerpt(const char *s, size_t max_chars)
{
	gp_buf b;

	gp_buf_init(&b, 256);
	page_excerpt(&b, s, max_chars);
	return taken(&b);
}

static const char *escaped(const char *s)
{
	gp_buf b;

	gp_buf_init(&b, 256);
	page_escape(&b, s);
	return taken(&b);
}

int main(void)
{
	/* Winter (CET, UTC+1): late evening UTC is the next day in Germany. */
	CHECK_STR(date("2026-01-14T22:59:59.000Z", PAGE_DE), "14. Januar 2026");
	CHECK_STR(date("2026-01-14T23:00:00.000Z", PAGE_DE), "15. Januar 2026");
	CHECK_STR(date("2026-12-31T23:30:00.000Z", PAGE_DE), "1. Januar 2027");
	CHECK_STR(date("2026-12-31T23:30:00.000Z", PAGE_EN), "1 January 2027");
	/* Summer (CEST, UTC+2) from 01:00 UTC of March's last Sunday (29 March 2026) ... */
	CHECK_STR(date("2026-03-28T22:30:00.000Z", PAGE_DE), "28. März 2026");
	CHECK_STR(date("2026-03-28T23:30:00.000Z", PAGE_DE), "29. März 2026");
	CHECK_STR(date("2026-03-29T21:59:00.000Z", PAGE_DE), "29. März 2026");
	CHECK_STR(date("2026-03-29T22:00:00.000Z", PAGE_DE), "30. März 2026");
	CHECK_STR(date("2026-07-15T21:30:00.000Z", PAGE_EN), "15 July 2026");
	CHECK_STR(date("2026-07-15T22:30:00.000Z", PAGE_EN), "16 July 2026");
	/* ... to 01:00 UTC of October's last Sunday (25 October 2026). */
	CHECK_STR(date("2026-10-24T22:30:00.000Z", PAGE_DE), "25. Oktober 2026");
	CHECK_STR(date("2026-10-25T22:30:00.000Z", PAGE_DE), "25. Oktober 2026");
	CHECK_STR(date("2026-10-25T23:00:00.000Z", PAGE_DE), "26. Oktober 2026");
	/* Another year's last Sundays: 31 March and 27 October 2024. */
	CHECK_STR(date("2024-03-30T22:30:00.000Z", PAGE_DE), "30. März 2024");
	CHECK_STR(date("2024-03-31T22:30:00.000Z", PAGE_DE), "1. April 2024");
	CHECK_STR(date("2024-10-27T22:30:00.000Z", PAGE_DE), "27. Oktober 2024");
	/* What is no time is shown as it is, escaped. */
	CHECK_STR(date("<gestern>", PAGE_DE), "&lt;gestern&gt;");

	CHECK_STR(escaped("Tom's \"Ecke\" <b>&</b>"), "Tom&#39;s &quot;Ecke&quot; &lt;b&gt;&amp;&lt;/b&gt;");
	CHECK_STR(escaped("ohne Zeichen"), "ohne Zeichen");

	/* Whole code points, line breaks as spaces, "…" only when cut, escaped. */
	CHECK_STR(excerpt("Grüße\naus <KL>", 20), "Grüße aus &lt;KL&gt;");
	CHECK_STR(excerpt("Grüße aus KL", 4), "Grüß…");
	CHECK_STR(excerpt("äöü", 3), "äöü");
	CHECK_STR(excerpt("€€€€", 2), "€€…");
	CHECK_DONE();
}
