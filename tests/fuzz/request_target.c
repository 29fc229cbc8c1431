/*
 * request_target.c — fuzz target: an HTTP request target "path?query" as
 * civetweb hands it over, through gp_http_parse_target (segments, percent
 * decoding, query parameters), the allowed-parameter check of every route
 * of /api and /ogc, and the query parameters both share through the read
 * layer (crs, bbox-crs, bbox in any CRS, category, district, topic,
 * channel, since, until, datetime, after, limit, offset).  Some of those
 * ask the database (district ids): it is made once, with the bundled
 * districts, in a temporary directory removed at exit.
 */
#include <civetweb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/api_int.h"
#include "fuzz.h"
#include "http/http_int.h"
#include "ogc/ogc.h"

static gp_config cfg;
static gp_core *core;
static gp_worker *worker;
static char dir[64];

static void remove_database(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", ".secret" };
	char path[128];

	gp_worker_free(worker);
	gp_core_free(core);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s/fuzz.db%s", dir, suffixes[i]);
		unlink(path);
	}
	rmdir(dir);
	gp_config_clear(&cfg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char db[128];
	int created = 0;
	gp_err err;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/geopart-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (strlen(dir) >= sizeof(dir) - 1 || !mkdtemp(dir))
		abort();
	snprintf(db, sizeof(db), "%s/fuzz.db", dir);
	gp_log_set_level(GP_LOG_ERROR);
	if (gp_config_defaults(&cfg) || gp_config_set(&cfg, "db", db, &err) ||
	    gp_config_normalise(&cfg, &err) || gp_core_new(&core, &cfg, 1, &err) ||
	    gp_worker_new(&worker, core, &err) ||
	    gp_core_prepare_database(worker, &created, &err)) {
		fprintf(stderr, "fuzz set-up failed: %s\n", err.detail);
		abort();
	}
	atexit(remove_database);
	return 0;
}

/* Each parser on its own, so one refused parameter does not hide the rest. */
static void parse_parameters(gp_http_exchange *x)
{
	gp_read *r = gp_worker_read(worker);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	gp_read_query q;
	int64_t limit = 0, offset = 0;
	gp_crs crs = GP_CRS_CRS84;
	gp_err err;

	for (size_t t = 0; gp_api_tables[t]; t++)
		for (const gp_http_route *rt = gp_api_tables[t]; rt->method; rt++)
			gp_http_check_params(x, rt, &err);
	for (const gp_http_route *rt = gp_ogc_routes; rt->method; rt++)
		gp_http_check_params(x, rt, &err);
	api_point_query(x, r, &vis, &q, &err);
	gp_read_query_init(&q, &vis);
	gp_read_param_crs(&crs, "crs", gp_http_param(x, "crs"), &err);
	gp_read_param_category(&q, gp_http_param(x, "category"), &err);
	gp_read_param_district(r, &q, gp_http_param(x, "district"), &err);
	gp_read_param_channel(&q, gp_http_param(x, "channel"), &err);
	gp_read_param_topic(r, &q, gp_http_param(x, "topic"), &err);
	gp_read_param_period(&q, gp_http_param(x, "since"), gp_http_param(x, "until"), &err);
	gp_read_param_datetime(&q, gp_http_param(x, "datetime"), &err);
	api_page_params(x, &limit, &offset, &err);
	if (gp_read_param_crs(&crs, "bbox-crs", gp_http_param(x, "bbox-crs"), &err))
		crs = GP_CRS_CRS84;
	gp_read_param_bbox(r, &q, gp_http_param(x, "bbox"), crs, &err);
	gp_read_param_after(&q, gp_http_param(x, "after"), &err);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct mg_request_info ri;
	gp_http_exchange x;
	gp_err err;
	char *path = malloc(size + 1), *q;

	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	if (strlen(path) != size) { /* a request line cannot hold NUL */
		free(path);
		return 0;
	}
	q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	memset(&ri, 0, sizeof(ri));
	ri.request_method = "GET";
	ri.http_version = "1.1";
	ri.local_uri_raw = path;
	ri.local_uri = path;
	ri.request_uri = path;
	ri.query_string = q;
	memset(&x, 0, sizeof(x));
	x.ri = &ri;
	gp_buf_init(&x.out, 1 << 16);
	if (gp_http_parse_target(&x, &err) == 0)
		parse_parameters(&x);
	gp_http_exchange_clear(&x);
	free(path);
	return 0;
}
