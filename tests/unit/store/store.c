/*
 * Unit tests for store/: migrations, districts, point insert and filtered
 * queries, snapshots, the deferred foreign keys and the integrity check.
 */
#include <stdlib.h>
#include <unistd.h>

#include "../check.h"
#include "store/store.h"

/* ISO WKB of a MULTIPOLYGON holding one axis-aligned square. */
static size_t square_wkb(unsigned char *out, double x0, double y0, double size)
{
	double ring[5][2] = { { x0, y0 }, { x0 + size, y0 }, { x0 + size, y0 + size },
		              { x0, y0 + size }, { x0, y0 } };
	unsigned char *p = out;
	uint32_t v;

	*p++ = 1;
	v = 6; memcpy(p, &v, 4); p += 4; /* MultiPolygon, little-endian host assumed */
	v = 1; memcpy(p, &v, 4); p += 4;
	*p++ = 1;
	v = 3; memcpy(p, &v, 4); p += 4;
	v = 1; memcpy(p, &v, 4); p += 4;
	v = 5; memcpy(p, &v, 4); p += 4;
	memcpy(p, ring, sizeof(ring));
	p += sizeof(ring);
	return (size_t)(p - out);
}

static int count_cb(void *ctx, const gp_point *p)
{
	int *n = ctx;

	(*n)++;
	CHECK(p->comment && p->comment[0]);
	return 0;
}

static int first_cb(void *ctx, const gp_point *p)
{
	gp_point *out = ctx;

	*out = *p;
	out->comment = NULL; /* borrowed; gone after the callback */
	out->ortsbezirk.name = NULL;
	CHECK_STR(p->ortsbezirk.name, "West");
	return 0;
}

static void report(void *ctx, const char *problem)
{
	int *n = ctx;

	fprintf(stderr, "check: %s\n", problem);
	(*n)++;
}

int main(void)
{
	char path[] = "/tmp/gp-store-test-XXXXXX";
	int fd = mkstemp(path);
	unsigned char w1[256], w2[256];
	gp_district_src src[2];
	gp_store *s = NULL;
	gp_point_filter f;
	gp_point p, got;
	gp_err err;
	int64_t n = 0, version = -1;
	int applied = 0, known = 0, rows = 0, problems = 0;

	close(fd);
	unlink(path);
	CHECK_INT(gp_store_open(&s, path, GP_STORE_CREATE, &err), 0);
	if (!s)
		CHECK_DONE();
	CHECK_INT(gp_store_migrate(s, &err), 0);
	CHECK_INT(gp_store_migrate(s, &err), 0); /* idempotent */
	CHECK_INT(gp_store_schema_version(s, &applied, &known), 0);
	CHECK_INT(applied, known);
	CHECK_INT(gp_store_districts_version(s, &version), 0);
	CHECK_INT(version, 0);

	src[0] = (gp_district_src){ "ob-w", "West", GP_LAYER_ORTSBEZIRK, w1,
		                    square_wkb(w1, 400000, 5470000, 1000) };
	src[1] = (gp_district_src){ "ob-e", "East", GP_LAYER_ORTSBEZIRK, w2,
		                    square_wkb(w2, 401000, 5470000, 1000) };
	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_district_replace_layer(s, GP_LAYER_ORTSBEZIRK, src, 2), 0);
	CHECK_INT(gp_store_districts_version_bump(s), 0);
	CHECK_INT(gp_store_commit(s), 0);
	CHECK_INT(gp_store_districts_version(s, &version), 0);
	CHECK_INT(version, 1);
	CHECK_INT(gp_store_district_count(s, &n), 0);
	CHECK_INT(n, 2);

	memset(&p, 0, sizeof(p));
	p.category = GP_CATEGORY_FAVOURITE;
	p.status = GP_STATUS_PUBLISHED;
	p.comment = "first";
	strcpy(p.created, "2026-11-01T10:00:00.000Z");
	strcpy(p.updated, p.created);
	p.ortsbezirk.id = "ob-w";
	p.x = 400500;
	p.y = 5470500;
	p.lon = 7.6;
	p.lat = 49.4;
	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_point_insert(s, &p), 0);
	CHECK_INT(p.id, 1);
	p.comment = "second";
	p.category = GP_CATEGORY_IMPROVEMENT;
	p.status = GP_STATUS_PENDING;
	p.topic = "mobility";
	p.ortsbezirk.id = "ob-e";
	p.x = 401500;
	p.lon = 7.62;
	strcpy(p.created, "2026-11-20T10:00:00.000Z");
	CHECK_INT(gp_store_point_insert(s, &p), 0);
	CHECK_INT(gp_store_commit(s), 0);

	gp_point_filter_init(&f);
	CHECK_INT(gp_store_point_count(s, &f, &n), 0);
	CHECK_INT(n, 2);
	f.status = GP_STATUS_PUBLISHED;
	CHECK_INT(gp_store_point_count(s, &f, &n), 0);
	CHECK_INT(n, 1);
	gp_point_filter_init(&f);
	f.district = "ob-e";
	CHECK_INT(gp_store_point_count(s, &f, &n), 0);
	CHECK_INT(n, 1);
	gp_point_filter_init(&f);
	f.since = "2026-11-10T00:00:00.000Z";
	CHECK_INT(gp_store_point_count(s, &f, &n), 0);
	CHECK_INT(n, 1);
	gp_point_filter_init(&f);
	f.has_envelope = 1;
	f.envelope = (gp_bbox){ 400000, 5470000, 401000, 5471000 };
	f.has_xy = 1;
	f.xy = f.envelope;
	CHECK_INT(gp_store_point_count(s, &f, &n), 0);
	CHECK_INT(n, 1);
	gp_point_filter_init(&f);
	f.has_lonlat = 1;
	f.lonlat = (gp_bbox){ 7.61, 49, 8, 50 };
	CHECK_INT(gp_store_point_count(s, &f, &n), 0);
	CHECK_INT(n, 1);
	gp_point_filter_init(&f);
	f.limit = 1;
	f.offset = 1;
	rows = 0;
	CHECK_INT(gp_store_point_query(s, &f, count_cb, &rows), 0);
	CHECK_INT(rows, 1);
	CHECK_INT(gp_store_point_get(s, 1, GP_STATUS_PUBLISHED, first_cb, &got), 0);
	CHECK_INT(got.id, 1);
	CHECK_NEAR(got.x, 400500, 0);
	CHECK_INT(gp_store_point_get(s, 2, GP_STATUS_PUBLISHED, first_cb, &got), GP_NOT_FOUND);
	CHECK_INT(gp_store_point_get(s, 99, -1, first_cb, &got), GP_NOT_FOUND);

	/* A point naming a district that does not exist fails at COMMIT. */
	p.ortsbezirk.id = "ob-nowhere";
	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_point_insert(s, &p), 0);
	CHECK(gp_store_commit(s) != 0);
	gp_point_filter_init(&f);
	CHECK_INT(gp_store_point_count(s, &f, &n), 0);
	CHECK_INT(n, 2);

	/* Replacing a layer clears assignments to removed districts. */
	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_district_replace_layer(s, GP_LAYER_ORTSBEZIRK, src, 1), 0);
	CHECK_INT(gp_store_commit(s), 0);
	gp_point_filter_init(&f);
	f.district = "ob-e";
	CHECK_INT(gp_store_point_count(s, &f, &n), 0);
	CHECK_INT(n, 0);

	CHECK_INT(gp_store_check(s, report, &problems), 0);
	CHECK_INT(problems, 0);
	gp_store_close(s);
	unlink(path);
	{
		char wal[64];
		snprintf(wal, sizeof(wal), "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", path);
		unlink(wal);
	}
	CHECK_DONE();
}
