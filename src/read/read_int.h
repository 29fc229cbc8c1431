/*
 * read_int.h — what the files of read/ share and nobody else may see.
 */
#ifndef GP_READ_INT_H
#define GP_READ_INT_H

#include <pthread.h>

#include "cluster/cluster.h"
#include "config/config.h"
#include "geo/geo.h"
#include "read.h"
#include "store/store.h"

typedef struct district_cache district_cache; /* districts.c */
typedef struct hot_cache hot_cache;           /* hotspots.c */
typedef struct spatial_cache spatial_cache;   /* spatial.c */

struct gp_read_cache {
	const gp_config *cfg;
	pthread_mutex_t mu; /* guards everything below */
	gp_cluster_index *clusters;
	district_cache *districts;
	hot_cache *hot;
	spatial_cache *spatial;
	int spatial_off; /* for tests: every box reads SQL */
};

struct gp_read {
	gp_read_cache *cache;
	gp_store *store;
	gp_geo *geo;
};

/*
 * The store filter of a query: statuses from its visibility, then its
 * filters; grid-cell order with a box and one status.  GP_BAD_REQUEST for
 * a cursor of the other order.
 */
int read_filter(const gp_read_query *q, gp_point_filter *f, gp_err *err);

/* Parses a cursor "ID" (cells 0) or "CELL:ID" (cells 1); GP_INVALID otherwise. */
int read_cursor(const char *value, int cells, int64_t *out_cell, int64_t *out_id);

/*
 * The cursor of a sorted page (gp_read_sort other than oldest): a letter
 * naming the sort, then the last row's key and id — "n" ID (newest),
 * "u" the 17 digits of `updated` "." ID, "f" flags "." ID, "s" supporters
 * "." ID.  read_sorted_cursor parses one for `sort` into f's after_*
 * GP_INVALID otherwise.
 */
void read_sorted_cursor_put(char *out, size_t size, int sort, const gp_point *last);
int read_sorted_cursor(const char *value, int sort, gp_point_filter *f);

/* The single status v admits, or -1 when it admits every status. */
int read_status(const gp_visibility *v);

/* The cluster index, or GP_UNAVAILABLE in err when it is not running. */
int read_clusters(gp_read *r, gp_cluster_index **out, gp_err *err);

/*
 * A small map from strings (district ids) to slots 0 … n-1, for adding
 * counts up by district: open addressing over FNV-1a hashes.
 */
typedef struct read_names {
	char **key;
	size_t n, cap;
	size_t *slot, mask; /* index + 1, or 0 */
} read_names;
/* The slot of key, added when new; -1 when out of memory. */
long read_names_put(read_names *m, const char *key);
/* The slot of key, or -1. */
long read_names_find(const read_names *m, const char *key);
void read_names_free(read_names *m);

/*
 * The area in m² of district `id`, or with id NULL of the city (its
 * Ortsbezirke together); GP_NOT_FOUND when there is none.
 */
int read_district_area(gp_read *r, const char *id, double *out);

/*
 * A page of f (a box in grid-cell order, at most a category besides) and
 * its count from the in-memory copy of the positions, when that copy is of
 * the version the read's transaction sees: sets *out_done and calls cb for
 * the page's points — for the one beyond f->limit, which only tells that a
 * next page exists, with NULL.  Otherwise leaves *out_done 0 (and asks for a new
 * copy); the caller then reads SQL.
 */
int read_spatial_points(gp_read *r, const gp_point_filter *f, int64_t *out_matched,
                        gp_store_point_cb cb, void *ctx, int *out_done);
void read_spatial_free(spatial_cache *sc);
/*
 * For tests: waits until the copy holds the version r's connection sees
 * (asking for one); 0, or GP_TIMEOUT after timeout_ms.
 */
int read_spatial_wait(gp_read *r, int status, int timeout_ms);

void read_districts_free(district_cache *dc);
void read_hot_free(hot_cache *hc);
/* The cache's hotspot part, made on first use; NULL when out of memory. */
hot_cache *read_hot_of(gp_read_cache *c);
/*
 * Follows idx (NULL: stops following): a thread of c's makes the default
 * hotspot answer of each new generation ahead of requests (hotspots.c).
 * Stops the thread following the previous index first, waiting for it.
 */
void read_hot_follow(hot_cache *hc, gp_read_cache *c, gp_cluster_index *idx);
/*
 * For tests: waits until the default hotspot answer of the index's current
 * generation has been made (by nobody's request: ahead), and hands it out
 * with a reference; 0, GP_TIMEOUT after timeout_ms, or GP_UNAVAILABLE
 * without an index.
 */
int read_hot_wait(gp_read_cache *c, gp_read_hotspots **out, int timeout_ms);
/*
 * Asks for the in-memory copy of the positions of points of `status`
 * now, rather than at the first box read (spatial.c).
 */
void read_spatial_start(gp_read_cache *c, int status);

#endif
