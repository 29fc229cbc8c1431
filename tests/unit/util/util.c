/* Unit tests for util/: buffers, number formatting, time, UTF-8, vocab. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>

#include "../check.h"
#include "geopart/crs.h"
#include "geopart/district.h"
#include "geopart/point.h"
#include "util/util.h"

static const char *fixed(double v, int d)
{
	static gp_buf b;
	static int init;

	if (!init) {
		gp_buf_init(&b, 1024);
		init = 1;
	}
	gp_buf_reset(&b);
	gp_buf_put_fixed(&b, v, d);
	return gp_buf_cstr(&b);
}

static void test_fixed(void)
{
	CHECK_STR(fixed(7.768889, 9), "7.768889");
	CHECK_STR(fixed(-7.5, 9), "-7.5");
	CHECK_STR(fixed(3, 4), "3");
	CHECK_STR(fixed(0.00004, 4), "0");
	CHECK_STR(fixed(-0.00004, 4), "0");
	CHECK_STR(fixed(405679.70712345, 4), "405679.7071");
	CHECK_STR(fixed(5472735.93996, 4), "5472735.94");
	CHECK_STR(fixed(0.1 + 0.2, 9), "0.3");
	CHECK_STR(fixed(NAN, 4), "null");
	CHECK(strncmp(fixed(1e300, 4), "10000000000000000525", 20) == 0 && !strchr(fixed(1e300, 4), '.'));
	/* Large values take printf's way, all of their 300 digits intact. */
	{
		char want[400];
		snprintf(want, sizeof(want), "%.0f", 1e300);
		CHECK_STR(fixed(1e300, 4), want);
		snprintf(want, sizeof(want), "-%.0f", DBL_MAX);
		CHECK_STR(fixed(-DBL_MAX, 10), want);
		CHECK_STR(fixed(-1e17 - 0.5, 2), "-100000000000000000");
	}
}

static void test_buf_limits(void)
{
	gp_buf b;

	gp_buf_init(&b, 8);
	gp_buf_puts(&b, "12345678");
	CHECK_INT(gp_buf_status(&b), 0);
	gp_buf_putc(&b, '9');
	CHECK_INT(gp_buf_status(&b), GP_TOO_LARGE);
	CHECK_INT(b.len, 8);
	gp_buf_puts(&b, "more");
	CHECK_INT(b.len, 8); /* sticky: nothing appended after a failure */
	gp_buf_reset(&b);
	gp_buf_printf(&b, "%d-%s", 42, "ok");
	CHECK_STR(gp_buf_cstr(&b), "42-ok");
	gp_buf_free(&b);
}

/* A template's placeholders: NAME → its length, "STOP" → GP_NOT_FOUND. */
static int put_len(void *ctx, gp_buf *b, const char *name, size_t len)
{
	int *calls = ctx;

	(*calls)++;
	if (len == 4 && !strncmp(name, "STOP", 4))
		return GP_NOT_FOUND;
	gp_buf_printf(b, "%.*s=%zu", (int)len, name, len);
	return 0;
}

static void test_buf_fill(void)
{
	gp_buf b;
	int calls = 0;

	gp_buf_init(&b, 1024);
	CHECK_INT(gp_buf_fill(&b, "{\"a\":{{AB}},\"b\":[{{C}}{{}}]}", put_len, &calls), 0);
	CHECK_STR(gp_buf_cstr(&b), "{\"a\":AB=2,\"b\":[C=1=0]}");
	CHECK_INT(calls, 3);
	gp_buf_reset(&b);
	CHECK_INT(gp_buf_fill(&b, "no placeholders { } }}", put_len, &calls), 0);
	CHECK_STR(gp_buf_cstr(&b), "no placeholders { } }}");
	gp_buf_reset(&b);
	CHECK_INT(gp_buf_fill(&b, "x{{STOP}}y{{A}}", put_len, &calls), GP_NOT_FOUND);
	CHECK_STR(gp_buf_cstr(&b), "x");
	gp_buf_reset(&b);
	CHECK_INT(gp_buf_fill(&b, "x{{OPEN", put_len, &calls), GP_EFAULT);
	gp_buf_free(&b);
	gp_buf_init(&b, 4);
	CHECK_INT(gp_buf_fill(&b, "{{LONG}}", put_len, &calls), GP_TOO_LARGE);
	gp_buf_free(&b);
}

static void test_time(void)
{
	char t[25], l[20];

	CHECK_INT(gp_time_parse(t, "2026-11-26"), 0);
	CHECK_STR(t, "2026-11-26T00:00:00.000Z");
	CHECK_INT(gp_time_parse(t, "2026-11-26T12:38:24+01:00"), 0);
	CHECK_STR(t, "2026-11-26T11:38:24.000Z");
	CHECK_INT(gp_time_parse(t, "2026-11-26T12:38:24.5Z"), 0);
	CHECK_STR(t, "2026-11-26T12:38:24.500Z");
	CHECK_INT(gp_time_parse(t, "2026-02-30"), GP_INVALID);
	CHECK_INT(gp_time_parse(t, "2026-11-26T25:00:00Z"), GP_INVALID);
	CHECK_INT(gp_time_parse(t, "yesterday"), GP_INVALID);
	/* Every year RFC 3339 allows: QGIS opens "created < x" at year 0000. */
	CHECK_INT(gp_time_parse(t, "0000-01-01T00:00:00Z"), 0);
	CHECK_STR(t, "0000-01-01T00:00:00.000Z");
	CHECK_INT(gp_time_parse(t, "1969-12-31T23:59:59.999Z"), 0);
	CHECK_STR(t, "1969-12-31T23:59:59.999Z");
	CHECK_INT(gp_time_parse(t, "0004-02-29"), 0); /* a leap year before 1970 */
	CHECK_STR(t, "0004-02-29T00:00:00.000Z");
	CHECK_INT(gp_time_parse(t, "0100-02-29"), GP_INVALID);
	CHECK_INT(gp_time_parse(t, "9999-12-31T23:59:59.999Z"), 0);
	CHECK_STR(t, "9999-12-31T23:59:59.999Z");
	/* An offset may not carry a time beyond the four digits. */
	CHECK_INT(gp_time_parse(t, "0000-01-01T00:30:00+01:00"), GP_INVALID);
	CHECK_INT(gp_time_parse(t, "9999-12-31T23:30:00-01:00"), GP_INVALID);
	CHECK_INT(gp_time_parse(t, "10000-01-01T00:00:00Z"), GP_INVALID);
	/* Without a zone: the configured local time. */
	CHECK_INT(gp_time_zone_set("Europe/Berlin"), 0);
	CHECK_INT(gp_time_parse(t, "2026-12-06T08:22:42"), 0); /* winter: +01:00 */
	CHECK_STR(t, "2026-12-06T07:22:42.000Z");
	CHECK_INT(gp_time_parse(t, "2026-07-01T12:00:00.25"), 0); /* summer: +02:00 */
	CHECK_STR(t, "2026-07-01T10:00:00.250Z");
	CHECK_INT(gp_time_parse(t, "2026-10-25T02:30:00"), 0); /* twice: the first pass */
	CHECK_STR(t, "2026-10-25T00:30:00.000Z");
	CHECK_INT(gp_time_parse(t, "2026-03-29T02:30:00"), 0); /* skipped: standard time */
	CHECK_STR(t, "2026-03-29T01:30:00.000Z");
	CHECK_INT(gp_time_local(l, "2026-12-06T07:22:42.000Z"), 0);
	CHECK_STR(l, "2026-12-06 08:22:42");
	CHECK_INT(gp_time_local(l, "2026-07-01T10:00:00.250Z"), 0);
	CHECK_STR(l, "2026-07-01 12:00:00");
	CHECK_INT(gp_time_zone_set("Asia/Kolkata"), 0);
	CHECK_INT(gp_time_parse(t, "2026-12-06T08:22:42"), 0);
	CHECK_STR(t, "2026-12-06T02:52:42.000Z");
	CHECK_INT(gp_time_zone_set("Mars/Olympus_Mons"), GP_INVALID);
	CHECK_INT(gp_time_zone_set("../../etc/passwd"), GP_INVALID);
	CHECK_INT(gp_time_zone_set(""), GP_INVALID);
	CHECK_INT(gp_time_zone_set("UTC"), 0);
	CHECK_INT(gp_time_parse(t, "2026-12-06T08:22:42"), 0);
	CHECK_STR(t, "2026-12-06T08:22:42.000Z");
	gp_time_now(t);
	CHECK_INT(strlen(t), 24);
	CHECK(t[23] == 'Z');
}

static void test_utf8(void)
{
	size_t chars = 0, bad = 0;

	CHECK_INT(gp_utf8_check("Grüß", strlen("Grüß"), &chars, &bad), 0);
	CHECK_INT(chars, 4);
	CHECK_INT(gp_utf8_check("a\xff", 2, &chars, &bad), GP_INVALID);
	CHECK_INT(bad, 1);
	CHECK_INT(gp_utf8_check("\xc0\xaf", 2, NULL, NULL), GP_INVALID);     /* overlong */
	CHECK_INT(gp_utf8_check("\xed\xa0\x80", 3, NULL, NULL), GP_INVALID); /* surrogate */
	CHECK_INT(gp_utf8_check("\xf0\x9f\x98\x80", 4, &chars, NULL), 0);   /* emoji */
	CHECK_INT(chars, 1);
	CHECK_INT(gp_text_has_control("line\nnext\ttab", 13), 0);
	CHECK_INT(gp_text_has_control("bell\a", 5), 1);
	CHECK_INT(gp_text_has_control("c1\xc2\x85", 4), 1);
	CHECK_INT(gp_text_has_control("del\x7f", 4), 1);
}

static void test_vocab(void)
{
	gp_crs c;
	gp_category cat;
	gp_layer l;
	int64_t n;
	double d;

	CHECK_INT(gp_crs_parse(&c, "EPSG:25832"), 0);
	CHECK_INT(c, GP_CRS_EPSG25832);
	CHECK_INT(gp_crs_parse(&c, "http://www.opengis.net/def/crs/OGC/1.3/CRS84"), 0);
	CHECK_INT(c, GP_CRS_CRS84);
	CHECK_INT(gp_crs_parse(&c, "http://www.opengis.net/def/crs/EPSG/0/4326"), 0);
	CHECK_INT(c, GP_CRS_EPSG4326);
	CHECK_INT(gp_crs_parse(&c, "urn:ogc:def:crs:EPSG::31467"), 0);
	CHECK_INT(c, GP_CRS_EPSG31467);
	CHECK_INT(gp_crs_parse(&c, "EPSG:2056"), GP_INVALID);
	CHECK_INT(gp_crs_parse(&c, "EPSG:-25832"), GP_INVALID);
	CHECK_INT(gp_category_parse(&cat, "improvement"), 0);
	CHECK_INT(cat, GP_CATEGORY_IMPROVEMENT);
	CHECK_INT(gp_category_parse(&cat, "Favourite"), GP_INVALID);
	CHECK_INT(gp_layer_parse(&l, "stadtteil"), 0);
	CHECK_STR(gp_layer_id_prefix(l), "st-");
	CHECK_INT(gp_parse_i64(&n, "10000", 1, 10000), 0);
	CHECK_INT(gp_parse_i64(&n, "10001", 1, 10000), GP_INVALID);
	CHECK_INT(gp_parse_i64(&n, " 5", 1, 10), GP_INVALID);
	CHECK_INT(gp_parse_i64(&n, "5x", 1, 10), GP_INVALID);
	CHECK_INT(gp_parse_double(&d, "7.5"), 0);
	CHECK_INT(gp_parse_double(&d, "nan"), GP_INVALID);
	CHECK_INT(gp_parse_double(&d, "inf"), GP_INVALID);
	CHECK_INT(gp_parse_double(&d, "0x10"), GP_INVALID);
	CHECK_INT(gp_parse_double(&d, "1e999"), GP_INVALID);
}

int main(void)
{
	test_fixed();
	test_buf_limits();
	test_buf_fill();
	test_time();
	test_utf8();
	test_vocab();
	CHECK_DONE();
}
