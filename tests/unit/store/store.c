/*
 * Unit tests for store/: migrations, districts, point insert and filtered
 * queries, snapshots, the deferred foreign keys, the integrity check finding
 * each kind of damage, and what a failing disk leaves behind (commits,
 * migrations and backups under the test-only fault shim, faults.c); the
 * questionnaire's free-text answers queued for moderation and listed.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "store/store.h"
#include "store/store_int.h" /* gp_store_exec: this test damages files on purpose */

/* The fault shim's trigger file (see src/store/faults.c). */
static char fault_path[64];

static void fail_disk(const char *mode)
{
	FILE *f = fopen(fault_path, "w");

	fputs(mode, f);
	fclose(f);
}

static void heal_disk(void)
{
	unlink(fault_path);
}

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

/* Two 1 km squares side by side: West (ob-w) and East (ob-e). */
static void two_districts(gp_district_src src[2], unsigned char *w1, unsigned char *w2)
{
	src[0] = (gp_district_src){ "ob-w", "West", GP_LAYER_ORTSBEZIRK, w1,
		                    square_wkb(w1, 400000, 5470000, 1000) };
	src[1] = (gp_district_src){ "ob-e", "East", GP_LAYER_ORTSBEZIRK, w2,
		                    square_wkb(w2, 401000, 5470000, 1000) };
}

/* A published favourite in West, created 2026-11-01. */
static void sample_point(gp_point *p, const char *comment)
{
	memset(p, 0, sizeof(*p));
	p->category = GP_CATEGORY_FAVOURITE;
	p->status = GP_STATUS_PUBLISHED;
	p->comment = comment;
	strcpy(p->created, "2026-11-01T10:00:00.000Z");
	strcpy(p->updated, p->created);
	p->ortsbezirk.id = "ob-w";
	p->x = 400500;
	p->y = 5470500;
	p->lon = 7.6;
	p->lat = 49.4;
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

/* ---- damage the check must find, disks that fail ----------------------------- */

typedef struct found {
	char text[4096];
	int n;
} found;

static void remember(void *ctx, const char *problem)
{
	found *f = ctx;
	size_t len = strlen(f->text);

	snprintf(f->text + len, sizeof(f->text) - len, "%s\n", problem);
	f->n++;
}

static int64_t count_points(gp_store *s)
{
	gp_point_filter f;
	int64_t n = -1;

	gp_point_filter_init(&f);
	CHECK_INT(gp_store_point_count(s, &f, &n), 0);
	return n;
}

/* A database with two districts and two points, checked clean. */
static gp_store *small_db(const char *path)
{
	static unsigned char w1[256], w2[256];
	gp_district_src src[2];
	gp_store *s = NULL;
	gp_point p;
	gp_err err;

	unlink(path);
	CHECK_INT(gp_store_open(&s, path, GP_STORE_CREATE, &err), 0);
	if (!s)
		return NULL;
	CHECK_INT(gp_store_migrate(s, &err), 0);
	two_districts(src, w1, w2);
	sample_point(&p, "one");
	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_district_replace_layer(s, GP_LAYER_ORTSBEZIRK, src, 2), 0);
	CHECK_INT(gp_store_point_insert(s, &p), 0);
	p.comment = "two";
	p.ortsbezirk.id = "ob-e";
	p.x = 401500;
	p.lon = 7.62;
	CHECK_INT(gp_store_point_insert(s, &p), 0);
	CHECK_INT(gp_store_commit(s), 0);
	return s;
}

static void remove_db(const char *path)
{
	char side[300];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

/* Each probe of gp_store_check finds the damage it is there for. */
static void check_finds_damage(const char *dir)
{
	static const struct {
		const char *sql, *want;
	} damage[] = {
		{ "UPDATE point_cells SET favourite = favourite + 2", "cell counts: cell " },
		{ "UPDATE point_totals SET n = n + 1 WHERE status = 'published' AND "
		  "category = 'favourite'", "totals (published, favourite): counted 3, holds 2" },
		{ "UPDATE points SET x = x + 5 WHERE id = 1",
		  "coordinates: point 1: x/y differ from its geometry" },
		{ "DELETE FROM idx_points_geom WHERE pkid = 2",
		  "spatial index: point 2 is missing from idx_points_geom" },
		{ "PRAGMA foreign_keys = OFF; INSERT INTO flags (point_id, reason, created) "
		  "VALUES (999, 'spam', '2026-11-01T10:00:00.000Z')",
		  "foreign key: flags row 1 refers to a missing points" },
		{ "UPDATE districts SET geom = GeomFromText('MULTIPOLYGON(((400000 5470000, "
		  "401000 5471000, 401000 5470000, 400000 5471000, 400000 5470000)))', 25832) "
		  "WHERE id = 'ob-e'", "boundaries: district ob-e: invalid boundary" },
		{ "UPDATE point_counts SET n = n + 1", "district counts: point_counts differ" },
		{ "UPDATE point_days SET n = n + 1", "day counts: point_days differ" },
		{ "UPDATE point_day_totals SET n = n + 1", "day counts: point_day_totals differ" },
		{ "UPDATE point_day_totals SET min_id = max_id + 1",
		  "day counts: point 1 lies outside the ids of its day" },
		{ "UPDATE point_blocks SET n = n + 1", "block counts: point_blocks differ" },
		{ "UPDATE points SET cell = cell + 1 WHERE id = 2",
		  "grid cells: point 2: cell " },
		{ "DROP TRIGGER points_counts_insert; DROP TRIGGER points_counts_delete; "
		  "DROP TRIGGER points_counts_update; DROP TABLE point_totals",
		  "totals check could not run: no such table: point_totals" },
	};
	char path[256];

	snprintf(path, sizeof(path), "%s/check.db", dir);
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		gp_store *s = small_db(path);
		found f = { { 0 }, 0 };

		if (!s)
			return;
		CHECK_INT(gp_store_check(s, remember, &f), 0);
		CHECK_INT(f.n, 0);
		CHECK_INT(gp_store_exec(s, damage[i].sql), 0);
		CHECK_INT(gp_store_check(s, remember, &f), GP_INVALID);
		CHECK(f.n >= 1);
		if (!strstr(f.text, damage[i].want)) {
			fprintf(stderr, "check after \"%s\" said:\n%s(wanted \"%s\")\n",
			        damage[i].sql, f.text, damage[i].want);
			check_failures++;
		}
		gp_store_close(s);
		remove_db(path);
	}
}

/* A schema newer than the binary is refused; a failing migration leaves nothing. */
static void migrate_refuses(const char *dir)
{
	char path[256];
	gp_store *s = NULL;
	int applied = -1, known = 0;
	gp_err err;

	snprintf(path, sizeof(path), "%s/migrate.db", dir);
	if (!(s = small_db(path)))
		return;
	CHECK_INT(gp_store_exec(s, "PRAGMA user_version = 99"), 0);
	gp_err_clear(&err);
	CHECK_INT(gp_store_migrate(s, &err), GP_CONFLICT);
	CHECK(strstr(err.detail, "database schema 99 is newer than this geopart") != NULL);
	gp_store_close(s);
	remove_db(path);

	/* a table in the way: the first migration fails and is rolled back whole */
	CHECK_INT(gp_store_open(&s, path, GP_STORE_CREATE, &err), 0);
	CHECK_INT(gp_store_exec(s, "CREATE TABLE points (x)"), 0);
	gp_err_clear(&err);
	CHECK_INT(gp_store_migrate(s, &err), GP_EFAULT);
	CHECK(strstr(err.detail, "migration 0001_initial.sql failed") != NULL);
	CHECK_INT(gp_store_schema_version(s, &applied, &known), 0);
	CHECK_INT(applied, 0);
	gp_store_close(s);
	remove_db(path);

	/* the disk refuses the commit: no migration counts as applied */
	CHECK_INT(gp_store_open(&s, path, GP_STORE_CREATE, &err), 0);
	fail_disk("fsync");
	gp_err_clear(&err);
	CHECK(gp_store_migrate(s, &err) != 0);
	heal_disk();
	CHECK(strstr(err.detail, "migration failed") != NULL);
	CHECK_INT(gp_store_schema_version(s, &applied, &known), 0);
	CHECK_INT(applied, 0);
	CHECK_INT(gp_store_migrate(s, &err), 0); /* and again once the disk is back */
	CHECK_INT(gp_store_schema_version(s, &applied, &known), 0);
	CHECK_INT(applied, known);
	gp_store_close(s);
	remove_db(path);
}

/* A COMMIT the disk refuses is reported, and nothing of it is kept. */
static void commit_refused(const char *dir)
{
	char path[256];
	gp_store *s, *other = NULL;
	gp_point_patch hide = { .has_status = 1, .status = GP_STATUS_HIDDEN,
		                .updated = "2026-11-02T10:00:00.000Z" };
	gp_err err;

	snprintf(path, sizeof(path), "%s/commit.db", dir);
	if (!(s = small_db(path)))
		return;
	CHECK_INT(gp_store_open(&other, path, 0, &err), 0);
	for (int mode = 0; mode < 3; mode++) {
		CHECK_INT(gp_store_begin_write(s), 0);
		CHECK_INT(gp_store_point_update(s, 1, &hide), 0);
		fail_disk((const char *[]){ "fsync", "write", "full" }[mode]);
		/* an error, whichever code it maps to (never 0: the write is not kept) */
		CHECK(gp_store_commit(s) != 0);
		heal_disk();
		/* neither this connection nor another one sees the change */
		CHECK_INT(gp_store_point_get(s, 1, GP_STATUS_PUBLISHED, count_cb,
		                             &(int){ 0 }), 0);
		CHECK_INT(gp_store_point_get(other, 1, GP_STATUS_PUBLISHED, count_cb,
		                             &(int){ 0 }), 0);
	}
	/* and the connection writes again */
	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_point_update(s, 1, &hide), 0);
	CHECK_INT(gp_store_commit(s), 0);
	CHECK_INT(gp_store_point_get(other, 1, GP_STATUS_HIDDEN, count_cb, &(int){ 0 }), 0);
	CHECK_INT(count_points(other), 2);
	gp_store_close(other);
	gp_store_close(s);
	remove_db(path);
}

static void progress(void *ctx, int64_t done, int64_t total)
{
	int64_t *last = ctx;

	CHECK(done <= total);
	CHECK(done >= last[0]);
	last[0] = done;
	last[1] = total;
}

static int64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* A backup is whole or not there; a failed one never replaces the last good one. */
static void backups(const char *dir)
{
	char path[256], dest[256], partial[300], longer[5000];
	int64_t last[2] = { 0, -1 };
	gp_store *s, *copy = NULL;
	FILE *f;
	gp_err err;

	snprintf(path, sizeof(path), "%s/live.db", dir);
	snprintf(dest, sizeof(dest), "%s/backup.db", dir);
	snprintf(partial, sizeof(partial), "%s.partial", dest);
	if (!(s = small_db(path)))
		return;
	CHECK_INT(gp_store_backup(s, dest, progress, last, &err), 0);
	CHECK(last[1] > 0);
	CHECK_INT(last[0], last[1]); /* progress reached the end */
	CHECK_INT(gp_store_open(&copy, dest, 0, &err), 0);
	if (copy) {
		CHECK_INT(count_points(copy), 2);
		gp_store_close(copy);
	}
	remove_db(dest);
	/* an earlier backup stays as it was when the next one fails */
	f = fopen(dest, "w");
	fputs("the last good backup", f);
	fclose(f);
	fail_disk("fsync");
	gp_err_clear(&err);
	CHECK_INT(gp_store_backup(s, dest, NULL, NULL, &err), GP_EIO);
	heal_disk();
	CHECK(strstr(err.detail, "backup failed") != NULL);
	CHECK_INT(file_size(dest), 20);
	CHECK_INT(access(partial, F_OK), -1);
	/* nowhere to write, or a path too long: refused, named */
	gp_err_clear(&err);
	CHECK_INT(gp_store_backup(s, "/nonexistent-dir/backup.db", NULL, NULL, &err), GP_EIO);
	CHECK(strstr(err.detail, "cannot create") != NULL);
	memset(longer, 'x', sizeof(longer) - 1);
	longer[0] = '/';
	longer[sizeof(longer) - 1] = '\0';
	gp_err_clear(&err);
	CHECK_INT(gp_store_backup(s, longer, NULL, NULL, &err), GP_INVALID);
	CHECK_STR(err.field, "file");
	gp_store_close(s);
	remove_db(path);
	unlink(dest);
}

/* ---- the grid against brute force ---------------------------------------- */

typedef struct mini {
	int64_t id;
	double lon, lat;
	int status, category;
} mini;

static uint32_t rnd_state = 7;
static double rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) / 16777216.0;
}

typedef struct collect {
	int64_t ids[4096];
	int64_t cells[4096];
	int n;
} collect;

static int collect_cb(void *ctx, const gp_point *p)
{
	collect *c = ctx;

	if (c->n < 4096) {
		c->cells[c->n] = gp_store_point_cell(p->lon, p->lat);
		c->ids[c->n++] = p->id;
	}
	return 0;
}

/* Keeps points east of a line: a stand-in for a box in another CRS. */
static int keep_east(void *ctx, double x, double y)
{
	(void)y;
	return x >= *(double *)ctx;
}

/*
 * Random points (several per grid cell, on cell edges too) and random
 * boxes: counts through per-cell totals and queries in both orders must
 * equal a plain loop over the points.
 */
static void grid_matches_brute_force(gp_store *s)
{
	static mini pts[3000];
	const int npts = 3000;
	gp_point p;

	CHECK_INT(gp_store_begin_write(s), 0);
	for (int i = 0; i < npts; i++) {
		memset(&p, 0, sizeof(p));
		p.category = rnd() < 0.4 ? GP_CATEGORY_IMPROVEMENT : GP_CATEGORY_FAVOURITE;
		p.status = rnd() < 0.8 ? GP_STATUS_PUBLISHED : GP_STATUS_HIDDEN;
		p.comment = "grid";
		strcpy(p.created, "2026-11-01T10:00:00.000Z");
		strcpy(p.updated, p.created);
		/* a third exactly on grid lines, the rest anywhere */
		p.lon = 7.70 + (i % 3 ? rnd() * 0.02 : (int)(rnd() * 40) * 0.0005);
		p.lat = 49.40 + (i % 3 ? rnd() * 0.02 : (int)(rnd() * 40) * 0.0005);
		/* a fake but monotone projection: x/y grow with lon/lat */
		p.x = 400000 + (p.lon - 7.7) * 72000;
		p.y = 5470000 + (p.lat - 49.4) * 111000;
		CHECK_INT(gp_store_point_insert(s, &p), 0);
		pts[i] = (mini){ p.id, p.lon, p.lat, (int)p.status, (int)p.category };
	}
	CHECK_INT(gp_store_commit(s), 0);

	for (int round = 0; round < 60; round++) {
		double lon0 = 7.695 + rnd() * 0.02, lat0 = 49.395 + rnd() * 0.02;
		double lon1 = lon0 + rnd() * (round % 2 ? 0.02 : 0.003);
		double lat1 = lat0 + rnd() * (round % 2 ? 0.02 : 0.003);
		double east, east_x;
		int category = round % 3 == 0 ? GP_CATEGORY_IMPROVEMENT : -1;
		int kind = round % 4; /* 0 lonlat, 1 lonlat + inner grid, 2 keep, 3 xy */
		int64_t want = 0, got = -1;
		collect byid = { .n = 0 }, bycell = { .n = 0 };
		gp_point_filter f;

		if (round % 5 == 0) { /* box edges on grid lines */
			lon0 = 7.70 + 0.0005 * (int)(rnd() * 30);
			lat0 = 49.40 + 0.0005 * (int)(rnd() * 30);
			lon1 = lon0 + 0.0005 * (int)(1 + rnd() * 8);
			lat1 = lat0 + 0.0005 * (int)(1 + rnd() * 8);
		}
		east = lon0 + (lon1 - lon0) / 3;
		east_x = 400000 + (east - 7.7) * 72000;
		gp_point_filter_init(&f);
		f.status = GP_STATUS_PUBLISHED;
		f.category = category;
		f.has_lonlat = 1;
		f.lonlat = (gp_bbox){ lon0, lat0, lon1, lat1 };
		if (kind == 1 || kind == 2 || kind == 3) {
			f.has_grid = 1;
			f.grid_outer = (gp_bbox){ lon0 - 0.001, lat0 - 0.001, lon1 + 0.001, lat1 + 0.001 };
			f.has_inner = 1;
			f.grid_inner = (gp_bbox){ kind == 2 ? east : lon0, lat0, lon1, lat1 };
		}
		if (kind == 2) {
			f.keep = keep_east;
			f.keep_ctx = &east_x;
		}
		if (kind == 3) {
			f.has_lonlat = 0;
			f.has_xy = 1;
			f.xy = (gp_bbox){ 400000 + (lon0 - 7.7) * 72000, 5470000 + (lat0 - 49.4) * 111000,
				          400000 + (lon1 - 7.7) * 72000, 5470000 + (lat1 - 49.4) * 111000 };
			f.grid_inner = (gp_bbox){ lon0 + 1e-6, lat0 + 1e-6, lon1 - 1e-6, lat1 - 1e-6 };
		}
		for (int i = 0; i < npts; i++) {
			double x = 400000 + (pts[i].lon - 7.7) * 72000;
			double y = 5470000 + (pts[i].lat - 49.4) * 111000;
			int in = kind == 3 ? x >= f.xy.minx && x <= f.xy.maxx && y >= f.xy.miny && y <= f.xy.maxy
			                   : pts[i].lon >= lon0 && pts[i].lon <= lon1 &&
			                             pts[i].lat >= lat0 && pts[i].lat <= lat1;
			if (kind == 2)
				in = in && x >= east_x;
			want += in && pts[i].status == GP_STATUS_PUBLISHED &&
			        (category < 0 || pts[i].category == category);
		}
		CHECK_INT(gp_store_point_count(s, &f, &got), 0);
		if (got != want)
			fprintf(stderr, "round %d kind %d box %.6f,%.6f,%.6f,%.6f\n", round, kind,
			        lon0, lat0, lon1, lat1);
		CHECK_INT(got, want);
		f.order = GP_ORDER_CELL;
		CHECK_INT(gp_store_point_query(s, &f, collect_cb, &bycell), 0);
		CHECK_INT(bycell.n, want);
		for (int i = 1; i < bycell.n; i++)
			CHECK(bycell.cells[i - 1] < bycell.cells[i] ||
			      (bycell.cells[i - 1] == bycell.cells[i] && bycell.ids[i - 1] < bycell.ids[i]));
		if (bycell.n > 3) { /* keyset paging resumes after the second point */
			collect rest = { .n = 0 };
			f.after_cell = bycell.cells[1];
			f.after_id = bycell.ids[1];
			f.limit = 2;
			CHECK_INT(gp_store_point_query(s, &f, collect_cb, &rest), 0);
			CHECK_INT(rest.n, 2);
			CHECK_INT(rest.ids[0], bycell.ids[2]);
			CHECK_INT(rest.ids[1], bycell.ids[3]);
			f.after_cell = f.after_id = 0;
			f.limit = -1;
		}
		if (!f.keep) {
			f.order = GP_ORDER_ID;
			CHECK_INT(gp_store_point_query(s, &f, collect_cb, &byid), 0);
			CHECK_INT(byid.n, want);
			for (int i = 1; i < byid.n; i++)
				CHECK(byid.ids[i - 1] < byid.ids[i]);
		}
	}
}

typedef struct texts_seen {
	int n;
	int64_t ids[8];
	char text[8][64], status[8][16];
} texts_seen;

static int on_text(void *ctx, const gp_store_survey_text *t)
{
	texts_seen *ts = ctx;

	ts->ids[ts->n] = t->id;
	snprintf(ts->text[ts->n], sizeof(ts->text[0]), "%s", t->text);
	snprintf(ts->status[ts->n], sizeof(ts->status[0]), "%s", t->status);
	ts->n++;
	return 0;
}

/* Every text answer is queued pending as it is stored; filters and paging. */
static void survey_texts(gp_store *s)
{
	gp_store_survey_question wish = { "wish", "text", "", 0 }, prio = { "prio", "single", "a b", 0 };
	gp_survey_answer a[2];
	gp_store_survey_text_filter f = { NULL, NULL, NULL, 0 };
	texts_seen ts;
	int64_t id, total = -1;
	const char *homes[3] = { "ob-w", NULL, "ob-w" }, *words[3] = { "eins", NULL, "drei" };

	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_survey_question_put(s, &wish, "2026-12-06T10:00:00.000Z"), 0);
	CHECK_INT(gp_store_survey_question_put(s, &prio, "2026-12-06T10:00:00.000Z"), 0);
	for (int i = 0; i < 3; i++) {
		memset(a, 0, sizeof(a));
		a[0].question = "prio";
		a[0].code = "a";
		a[1].question = "wish";
		a[1].text = words[i];
		CHECK_INT(gp_store_survey_response_insert(s, "2026-12-06", homes[i], a, words[i] ? 2 : 1,
		                                          &id),
		          0);
	}
	CHECK_INT(gp_store_commit(s), 0);

	memset(&ts, 0, sizeof(ts));
	CHECK_INT(gp_store_survey_texts(s, &f, 10, 0, on_text, &ts, &total), 0);
	CHECK_INT(total, 2);
	CHECK_INT(ts.n, 2);
	CHECK_STR(ts.text[0], "eins");
	CHECK_STR(ts.text[1], "drei");
	CHECK_STR(ts.status[0], "pending");

	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_survey_text_set(s, ts.ids[1], "approved", "2026-12-06T11:00:00.000Z"), 0);
	CHECK_INT(gp_store_survey_text_set(s, 9999, "hidden", "2026-12-06T11:00:00.000Z"),
	          GP_NOT_FOUND);
	CHECK_INT(gp_store_commit(s), 0);

	f.status = "approved";
	memset(&ts, 0, sizeof(ts));
	CHECK_INT(gp_store_survey_texts(s, &f, 10, 0, on_text, &ts, &total), 0);
	CHECK_INT(total, 1);
	CHECK_STR(ts.text[0], "drei");
	f.status = NULL;
	f.ortsbezirk = ""; /* those who did not say: none wrote */
	CHECK_INT(gp_store_survey_texts(s, &f, 10, 0, on_text, &ts, &total), 0);
	CHECK_INT(total, 0);
	f.ortsbezirk = "ob-w";
	memset(&ts, 0, sizeof(ts));
	CHECK_INT(gp_store_survey_texts(s, &f, 1, 1, on_text, &ts, &total), 0);
	CHECK_INT(total, 2);
	CHECK_INT(ts.n, 1);
	CHECK_STR(ts.text[0], "drei");
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
	{
		static char dir[] = "/tmp/gp-store-faults-XXXXXX";
		CHECK(mkdtemp(dir) != NULL);
		snprintf(fault_path, sizeof(fault_path), "%s/disk-fault", dir);
		/* before the first open: the shim is chosen once per process */
		setenv("GEOPART_TEST_FAULTS", fault_path, 1);
		check_finds_damage(dir);
		migrate_refuses(dir);
		commit_refused(dir);
		backups(dir);
		rmdir(dir);
	}
	CHECK_INT(gp_store_open(&s, path, GP_STORE_CREATE, &err), 0);
	if (!s)
		CHECK_DONE();
	CHECK_INT(gp_store_migrate(s, &err), 0);
	CHECK_INT(gp_store_migrate(s, &err), 0); /* idempotent */
	CHECK_INT(gp_store_schema_version(s, &applied, &known), 0);
	CHECK_INT(applied, known);
	CHECK_INT(gp_store_districts_version(s, &version), 0);
	CHECK_INT(version, 0);

	two_districts(src, w1, w2);
	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_district_replace_layer(s, GP_LAYER_ORTSBEZIRK, src, 2), 0);
	CHECK_INT(gp_store_districts_version_bump(s), 0);
	CHECK_INT(gp_store_commit(s), 0);
	CHECK_INT(gp_store_districts_version(s, &version), 0);
	CHECK_INT(version, 1);
	CHECK_INT(gp_store_district_count(s, &n), 0);
	CHECK_INT(n, 2);
	survey_texts(s);

	sample_point(&p, "first");
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
	f.has_xy = 1;
	f.xy = (gp_bbox){ 400000, 5470000, 401000, 5471000 };
	CHECK_INT(gp_store_point_count(s, &f, &n), 0);
	CHECK_INT(n, 1);
	/* The same through the grid. */
	f.status = GP_STATUS_PUBLISHED;
	f.has_grid = 1;
	f.grid_outer = (gp_bbox){ 7.5, 49.3, 7.7, 49.5 };
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

	grid_matches_brute_force(s);
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
