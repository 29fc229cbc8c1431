/*
 * store.h — the SpatiaLite database: opening a connection with the right
 * pragmas, numbered migrations, and every query geopart runs.
 *
 * A gp_store is one SQLite connection with its own SpatiaLite connection
 * cache; it belongs to one thread (connections are opened without SQLite's
 * mutex).  Writers serialise with BEGIN IMMEDIATE; readers never block
 * writers (WAL).  Rows reach callers through callbacks whose gp_point
 * strings are borrowed until the callback returns.
 *
 * Must never: contain policy (who may see what is the caller's filter), run
 * PROJ or GEOS itself, or let SQL leave this folder — this is the only
 * module with SQL and the only one that includes sqlite3.h/spatialite.h.
 */
#ifndef GP_STORE_H
#define GP_STORE_H

#include <stdint.h>

#include "geopart/bbox.h"
#include "geopart/district.h"
#include "geopart/point.h"
#include "util/util.h"

typedef struct gp_store gp_store;

enum {
	GP_STORE_CREATE = 1 << 0, /* create the file when missing */
	GP_STORE_READONLY = 1 << 1
};

/*
 * Opens (and with GP_STORE_CREATE creates) the database and sets WAL,
 * synchronous=FULL, foreign keys and a busy timeout.  Does not migrate.
 * Caller owns *out, close with gp_store_close() on the same thread.
 */
int gp_store_open(gp_store **out, const char *path, int flags, gp_err *err);
void gp_store_close(gp_store *s);
/* The file this connection is on. Borrowed. */
const char *gp_store_path(const gp_store *s);

/* Applies pending migrations, each in its own transaction. */
int gp_store_migrate(gp_store *s, gp_err *err);
/* Number of migrations applied to this file, and how many the binary has. */
int gp_store_schema_version(gp_store *s, int *out_applied, int *out_known);

/* ---- transactions: BEGIN IMMEDIATE; GP_BUSY when another writer holds on */
int gp_store_begin_write(gp_store *s);
int gp_store_commit(gp_store *s);
void gp_store_rollback(gp_store *s);
/* A read transaction: every query until read_end sees one snapshot. */
int gp_store_read_begin(gp_store *s);
void gp_store_read_end(gp_store *s);
/* Nested unit inside a write transaction; undone alone on failure. */
int gp_store_savepoint(gp_store *s);
int gp_store_savepoint_release(gp_store *s);
void gp_store_savepoint_rollback(gp_store *s);

/* ---- meta ---------------------------------------------------------------- */
int gp_store_districts_version(gp_store *s, int64_t *out);
int gp_store_districts_version_bump(gp_store *s);

/* ---- districts ----------------------------------------------------------- */

/* All boundaries of both layers, in layer then import order. */
typedef struct gp_store_districts gp_store_districts;
/* Caller owns *out, free with gp_store_districts_free(). */
int gp_store_districts_load(gp_store *s, gp_store_districts **out);
void gp_store_districts_free(gp_store_districts *d);
/* Borrowed array valid until gp_store_districts_free(). */
const gp_district_src *gp_store_districts_items(const gp_store_districts *d,
                                                size_t *out_n);

/*
 * Replaces every district of `layer` by src (inside a write transaction).
 * Points keep ids that still exist until the caller reassigns them; ids
 * that disappeared are cleared.
 */
int gp_store_district_replace_layer(gp_store *s, gp_layer layer,
                                    const gp_district_src *src, size_t n);

/* Number of districts in both layers. */
int gp_store_district_count(gp_store *s, int64_t *out);

/* A district with the number of published points per category. */
typedef struct gp_store_district_row {
	const char *id;
	const char *name;
	gp_layer layer;
	int64_t count[GP_CATEGORY_COUNT];
	const unsigned char *wkb; /* NULL unless asked for */
	size_t wkb_len;
} gp_store_district_row;

typedef int (*gp_store_district_cb)(void *ctx, const gp_store_district_row *row);

/*
 * Calls cb (when not NULL) for each district of `layer` (or all layers when layer < 0) with
 * published-point counts; with `id` set, only that district.  The callback's
 * non-zero return stops the walk and is returned.  Returns GP_NOT_FOUND
 * when `id` names no district.
 */
int gp_store_district_list(gp_store *s, int layer, const char *id,
                           int with_geometry, gp_store_district_cb cb, void *ctx);

/* ---- points -------------------------------------------------------------- */

typedef struct gp_point_filter {
	int status;             /* gp_status, or -1 for any */
	int category;           /* gp_category, or -1 for any */
	const char *district;   /* district id in either layer, or NULL */
	const char *topic;      /* or NULL */
	const char *since;      /* canonical time: created >= since, or NULL */
	int has_envelope;       /* prefilter through the spatial index */
	gp_bbox envelope;       /* EPSG:25832, enclosing the exact box */
	int has_lonlat;         /* exact filter on CRS84 lon/lat */
	gp_bbox lonlat;
	int has_xy;             /* exact filter on EPSG:25832 x/y */
	gp_bbox xy;
	int64_t limit;          /* -1 for no limit */
	int64_t offset;
} gp_point_filter;

/* A filter that matches every point in any status, without limit. */
void gp_point_filter_init(gp_point_filter *f);

typedef int (*gp_store_point_cb)(void *ctx, const gp_point *p);

/*
 * Inserts p (inside a write transaction) and sets p->id.  p->created,
 * p->updated, status, districts and both coordinate pairs must be set.
 */
int gp_store_point_insert(gp_store *s, gp_point *p);

/* Calls cb for the point if it matches `status` (-1: any); GP_NOT_FOUND otherwise. */
int gp_store_point_get(gp_store *s, int64_t id, int status, gp_store_point_cb cb,
                       void *ctx);

/* Number of points matching f, ignoring limit and offset. */
int gp_store_point_count(gp_store *s, const gp_point_filter *f, int64_t *out);

/* Calls cb for each matching point in id order; a non-zero return stops. */
int gp_store_point_query(gp_store *s, const gp_point_filter *f,
                         gp_store_point_cb cb, void *ctx);

/*
 * Calls cb for the points of `status` and `category` (-1: any) within
 * `radius` metres of (x, y) in EPSG:25832, nearest first (ties by id), at
 * most `limit` of them (-1: all), with the planar distance in metres; sets
 * *out_matched to how many lie within the radius in all.  Point strings are
 * borrowed for the callback; a non-zero return stops and is returned.
 */
typedef int (*gp_store_nearby_cb)(void *ctx, const gp_point *p, double distance);
int gp_store_point_nearby(gp_store *s, double x, double y, double radius, int status,
                          int category, int64_t limit, int64_t *out_matched,
                          gp_store_nearby_cb cb, void *ctx);

/*
 * Walks every point's id, storage position and current district ids (for
 * reassignment; the ids are NULL when unset and borrowed for the call).
 */
typedef int (*gp_store_position_cb)(void *ctx, int64_t id, double x, double y,
                                    const char *ortsbezirk_id,
                                    const char *stadtteil_id);
int gp_store_point_positions(gp_store *s, gp_store_position_cb cb, void *ctx);
/* Number of points in any status. */
int gp_store_point_total(gp_store *s, int64_t *out);

/* Sets one point's district of `layer` (NULL clears it). */
int gp_store_point_set_district(gp_store *s, int64_t id, gp_layer layer,
                                const char *district_id);

/* ---- integrity ------------------------------------------------------------ */

typedef void (*gp_store_report_cb)(void *ctx, const char *problem);
/*
 * Runs SQLite's integrity and foreign-key checks and SpatiaLite's spatial
 * index check; reports each problem.  Returns 0 when all pass, GP_INVALID
 * when any problem was reported.
 */
int gp_store_check(gp_store *s, gp_store_report_cb report, void *ctx);

#endif
