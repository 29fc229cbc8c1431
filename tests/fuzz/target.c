/*
 * target.c — one fuzz target for every parser that meets untrusted input.
 * The first byte picks the parser, the rest is its input:
 *   0  citizen GeoJSON point (decode, then the error path finder at every offset)
 *   1  district boundary file (read, then each geometry through GEOS/PROJ)
 *   2  HTTP request target "path?query" (segments and query parameters)
 *   3  small parsers: RFC 3339 times, CRS names, numbers, UTF-8
 * Built as a libFuzzer target with -Dfuzzing=true (clang); replay.c runs the
 * corpus through the same function in the normal test suite.
 */
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"
#include "geopart/crs.h"
#include "http/http_int.h"
#include "json/json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static gp_geo *geo;

static int boundary_cb(void *ctx, const gp_json_boundary *b, gp_err *err)
{
	unsigned char *wkb = NULL;
	size_t len = 0;

	(void)ctx;
	if (gp_geo_boundary_import(geo, &wkb, &len, b->geometry, GP_CRS_CRS84, err) == 0) {
		gp_buf out;
		gp_buf_init(&out, 1 << 20);
		gp_geo_wkb_write_geojson(geo, &out, wkb, len, GP_CRS_CRS84, 7);
		gp_buf_free(&out);
	}
	free(wkb);
	return 0;
}

static void fuzz_target(const char *text, size_t n)
{
	struct mg_request_info ri;
	gp_http_exchange x;
	gp_err err;
	char *path = malloc(n + 2), *q;

	memcpy(path, text, n);
	path[n] = '\0';
	if (strlen(path) != n) { /* request lines cannot hold NUL */
		free(path);
		return;
	}
	q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	memset(&ri, 0, sizeof(ri));
	ri.local_uri_raw = path;
	ri.local_uri = path;
	ri.query_string = q;
	memset(&x, 0, sizeof(x));
	x.ri = &ri;
	gp_buf_init(&x.out, 1024);
	gp_http_parse_target(&x, &err);
	gp_http_exchange_clear(&x);
	free(path);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *text = (const char *)data + 1;
	size_t n = size ? size - 1 : 0;
	gp_err err;

	if (size == 0)
		return 0;
	if (!geo && gp_geo_new(&geo))
		abort();
	switch (data[0] % 4) {
	case 0: {
		gp_point_input in;
		char path[64];
		if (gp_json_point_input_decode(&in, text, n, &err) == 0)
			gp_point_input_clear(&in);
		for (size_t off = 0; off < n && off < 4096; off += 1 + off / 64)
			gp_json_path_at(path, sizeof(path), text, n, off);
		break;
	}
	case 1: {
		char *crs = NULL;
		gp_json_boundaries_read(text, n, "id", "name", &crs, boundary_cb, NULL, &err);
		free(crs);
		break;
	}
	case 2:
		fuzz_target(text, n);
		break;
	default: {
		char *s = malloc(n + 1), out[25];
		gp_crs c;
		double d;
		int64_t i;
		size_t chars, bad;
		memcpy(s, text, n);
		s[n] = '\0';
		gp_time_parse(out, s);
		gp_crs_parse(&c, s);
		gp_parse_double(&d, s);
		gp_parse_i64(&i, s, INT64_MIN, INT64_MAX);
		gp_utf8_check(text, n, &chars, &bad);
		gp_text_has_control(text, n);
		free(s);
		break;
	}
	}
	return 0;
}
