/*
 * read.h — the read layer: every read of points and districts that geopart
 * serves, public or staff, goes through here; so do the cluster index's
 * view of the points and the exports.  api/ and ogc/ parse HTTP and render
 * what this hands them; core/ reads through it where a rule depends on
 * what a caller may see.
 *
 * What it owns:
 *   - who sees what: a gp_visibility, built once from the caller's role
 *     (gp_read_visibility) and narrowed by a staff status filter; no
 *     caller names a status, and no SQL does on its own (store.h);
 *   - the query language /api and /ogc share: parameter values (bbox in
 *     any supported CRS, category, channel, district, topic, periods,
 *     cursors) into a gp_read_query, refusing bad ones with GP_BAD_REQUEST
 *     naming the parameter;
 *   - planning: a bbox becomes grid boxes and exact tests; filters go to
 *     the index that answers them with the least work, weighed with the
 *     counts that triggers keep (data/migrations/0005_read.sql); offsets
 *     become cursors, so a deep page costs what the first does;
 *   - counts without scans: numberMatched, district counts, statistics,
 *     extents;
 *   - the questionnaire's results, with every count that could identify a
 *     small group withheld (survey.c), and its responses and moderated
 *     free-text answers for staff;
 *   - what is cached across requests: district outlines per boundary
 *     version and CRS (and simplified per map zoom), and for hotspots a table of the index's points and
 *     the default answer per index generation.
 *
 * Threads: a gp_read belongs to the thread whose store connection and geo
 * context it was given; a gp_read_cache is shared by all threads of a
 * process.  Strings in the structs handed to callbacks are borrowed for
 * the callback.
 *
 * Must never: write, know about HTTP, or show a point its caller's
 * visibility does not admit.
 */
#ifndef GP_READ_H
#define GP_READ_H

#include <stddef.h>
#include <stdint.h>

#include "geopart/bbox.h"
#include "geopart/crs.h"
#include "geopart/district.h"
#include "geopart/field.h"
#include "geopart/point.h"
#include "geopart/role.h"
#include "geopart/survey.h"
#include "util/util.h"

typedef struct gp_store gp_store;
typedef struct gp_geo gp_geo;
typedef struct gp_config gp_config;
typedef struct gp_cluster_index gp_cluster_index;
typedef struct gp_cluster_source gp_cluster_source;

/* ---- who sees what ----------------------------------------------------------- */

typedef struct gp_visibility {
	unsigned statuses; /* 1 << gp_status for every status the caller may see */
	int staff;         /* and what only staff see: notes, flag counts */
} gp_visibility;

/*
 * What `role` may see: citizens (and every public route, whoever asks) the
 * published points; planners and admins every point, with the staff view.
 */
gp_visibility gp_read_visibility(gp_role role);

/* 1 when v admits points of status s. */
int gp_read_visible(const gp_visibility *v, gp_status s);

/*
 * Narrows v to the status a staff route's `status` parameter names
 * ("pending", "published", "hidden" or "all"; NULL leaves v as it is).
 * GP_BAD_REQUEST naming `status` for anything else, GP_FORBIDDEN when v
 * does not admit it.
 */
int gp_read_visibility_narrow(gp_visibility *v, const char *status, gp_err *err);

/* ---- handles -------------------------------------------------------------------- */

typedef struct gp_read_cache gp_read_cache;
typedef struct gp_read gp_read;

/*
 * The process-wide part: borrows cfg for its lifetime.  Caller owns *out,
 * free with gp_read_cache_free() after every gp_read made with it.
 */
int gp_read_cache_new(gp_read_cache **out, const gp_config *cfg);
void gp_read_cache_free(gp_read_cache *c);

/*
 * Where cluster and hotspot reads find the index (NULL: not running, they
 * answer GP_UNAVAILABLE).  Borrowed until set again.  A running index
 * means a serving process, so this also starts what its reads need ready
 * (each on a connection of its own to the configured database): the copy
 * of the positions boxes read, and a thread that makes the default hotspot
 * answer of each new index generation ahead of requests; setting NULL
 * stops that thread, waiting for it.
 */
void gp_read_cache_set_clusters(gp_read_cache *c, gp_cluster_index *idx);

/*
 * One thread's reader over its store connection and geo context, both
 * borrowed for r's lifetime.  Caller owns *out, free with gp_read_free() on
 * that thread.
 */
int gp_read_new(gp_read **out, gp_read_cache *c, gp_store *s, gp_geo *g);
void gp_read_free(gp_read *r);

/* ---- queries ---------------------------------------------------------------------- */

/* A bounding box as the store tests it (see gp_read_param_bbox). */
typedef struct gp_read_area {
	int set;
	gp_crs crs;     /* the box's CRS; EPSG:4326 is kept as CRS84 */
	gp_bbox box;    /* in crs, x east (or north for EPSG:31467, its authority order) */
	gp_geo *geo;    /* for the exact test of boxes without columns (EPSG:31467) */
	int has_lonlat; /* exact in CRS84 */
	gp_bbox lonlat;
	int has_xy;     /* exact in EPSG:25832 */
	gp_bbox xy;
	int has_grid;   /* grid boxes around and inside an exact test made per point */
	gp_bbox grid_outer;
	int has_inner;
	gp_bbox grid_inner;
} gp_read_area;

/*
 * A point query.  Start with gp_read_query_init, then fill it through the
 * gp_read_param_* functions; a query holds no pointer into the request.
 */
typedef struct gp_read_query {
	gp_visibility vis;
	int category;          /* gp_category, or -1 */
	int channel;           /* gp_channel, or -1 */
	char district[64];     /* "" for none */
	gp_layer district_layer;
	char topic[64];        /* "" for none */
	char since[GP_TIME_LEN], until[GP_TIME_LEN]; /* canonical, "" for none */
	int flagged;           /* staff: only points citizens flagged */
	int64_t event;         /* only the points of this event, or 0 */
	int outcome;           /* gp_outcome, or -1 */
	int sort;              /* gp_read_sort: staff listings' order */
	gp_read_area area;     /* a box: pages in grid-cell order */
	gp_crs crs;            /* of the coordinates handed out */
	int64_t limit;         /* -1: no limit */
	int64_t offset;
	char after[48];        /* a cursor from a previous page, "" for none */
} gp_read_query;

/* Every point vis admits, in CRS84, without limit. */
void gp_read_query_init(gp_read_query *q, const gp_visibility *vis);

/*
 * The CRS parameter `name` ("crs", "bbox-crs"): value NULL means CRS84.
 * GP_BAD_REQUEST naming the parameter for anything unsupported.
 */
int gp_read_param_crs(gp_crs *out, const char *name, const char *value, gp_err *err);

/*
 * The bbox parameter — four numbers (or six, whose heights are ignored) in
 * the authority axis order of `crs` — into q->area: an exact test plus the
 * grid boxes that make it fast.  Points on the edge are inside.
 * GP_BAD_REQUEST naming "bbox" for a malformed, inverted (also across the
 * antimeridian) or out-of-range box.
 */
int gp_read_param_bbox(gp_read *r, gp_read_query *q, const char *value, gp_crs crs,
                       gp_err *err);

/*
 * One filter parameter each; value NULL leaves q as it is.  GP_BAD_REQUEST
 * naming the parameter: category (favourite, improvement), channel
 * (online, walk, workshop), topic (a configured one), district (an id of
 * either layer, looked up).
 */
int gp_read_param_category(gp_read_query *q, const char *value, gp_err *err);
int gp_read_param_channel(gp_read_query *q, const char *value, gp_err *err);
int gp_read_param_topic(gp_read *r, gp_read_query *q, const char *value, gp_err *err);
int gp_read_param_district(gp_read *r, gp_read_query *q, const char *value, gp_err *err);

/*
 * The filters of staff work (value NULL leaves q as it is): flagged
 * ("true" or "false"; GP_FORBIDDEN unless q's visibility is staff's —
 * flags are staff's to see), event (an event id, looked up: GP_BAD_REQUEST
 * naming `event` for one that does not exist) and outcome (open,
 * in_review, adopted, not_adopted).  GP_BAD_REQUEST naming the parameter
 * otherwise.
 */
int gp_read_param_flagged(gp_read_query *q, const char *value, gp_err *err);
int gp_read_param_event(gp_read *r, gp_read_query *q, const char *value, gp_err *err);
int gp_read_param_outcome(gp_read_query *q, const char *value, gp_err *err);

/*
 * The order of a staff listing (sort=): oldest first (the default, by id),
 * newest first, last changed first, most flagged first, most +1 first;
 * each but the first ends ties with the newer point first.  A sorted page
 * never runs in grid-cell order, and its next link's cursor carries the
 * key it was sorted by (gp_read_page.next), so keyset paging holds under
 * every order.  GP_INVALID naming `sort` for an unknown value;
 * GP_FORBIDDEN for `flags` unless q's visibility is staff's.
 */
typedef enum gp_read_sort {
	GP_READ_SORT_OLDEST = 0,
	GP_READ_SORT_NEWEST,
	GP_READ_SORT_UPDATED,
	GP_READ_SORT_FLAGS,
	GP_READ_SORT_SUPPORTERS,
	GP_READ_SORT_COUNT
} gp_read_sort;
int gp_read_param_sort(gp_read_query *q, const char *value, gp_err *err);
/* "oldest", "newest", "updated", "flags", "supporters". */
const char *gp_read_sort_name(gp_read_sort s);

/*
 * A period as /api gives it: since and until, RFC 3339 dates or
 * date-times (any year 0000–9999; without a zone: local time, see
 * gp_time_parse), both inclusive, an until date meaning the end of that day.
 * GP_BAD_REQUEST naming the parameter when malformed or when until lies
 * before since.
 */
int gp_read_param_period(gp_read_query *q, const char *since, const char *until,
                         gp_err *err);

/*
 * A period as OGC API gives it: datetime, an instant or an interval
 * "start/end" whose open ends are empty or ".." (QGIS opens a start with
 * 0000-01-01T00:00:00Z), each as gp_read_param_period reads it.  GP_BAD_REQUEST naming
 * datetime.
 */
int gp_read_param_datetime(gp_read_query *q, const char *value, gp_err *err);

/*
 * The cursor a page's next link carries: "ID" for a page in id order,
 * "CELL:ID" for one in grid-cell order (see gp_read_points).
 * GP_BAD_REQUEST naming "after" for anything else; a cursor of the other
 * order is refused when the page is read.
 */
int gp_read_param_after(gp_read_query *q, const char *value, gp_err *err);

/* The ids the topic and district parameters accept, as JSON arrays. */
int gp_read_put_topic_ids(gp_read *r, gp_buf *b);
int gp_read_put_district_ids(gp_read *r, gp_buf *b);

/* ---- points ------------------------------------------------------------------------ */

/*
 * A point as reads hand it out: p as stored (strings borrowed for the
 * callback), c0/c1 its coordinates in the query's CRS in that CRS's
 * authority axis order.  A non-zero return stops the read and is returned.
 */
typedef int (*gp_read_point_cb)(void *ctx, const gp_point *p, double c0, double c1);

/* What a listing found besides its points. */
typedef struct gp_read_page {
	int64_t matched;  /* numberMatched: every point the query admits */
	int64_t returned; /* points handed to the callback */
	int more;         /* a next page follows */
	char next[48];    /* the after value of the next page, "" without one */
} gp_read_page;

/*
 * One page of q: counts what q admits and hands out up to q->limit points
 * from q->offset or after q's cursor — in grid-cell order when q has a box
 * and admits one status (the grid is per status), else in id order — both
 * from one database snapshot, so they agree.  GP_BAD_REQUEST naming
 * "after" for a cursor of the other order.
 */
int gp_read_points(gp_read *r, const gp_read_query *q, gp_read_point_cb cb, void *ctx,
                   gp_read_page *out, gp_err *err);

/* A point's coordinates in `crs`, in that CRS's authority axis order. */
int gp_read_coords(gp_read *r, const gp_point *p, gp_crs crs, double *c0, double *c1);

/* One point in `crs`; GP_NOT_FOUND (naming `id`) unless vis admits it. */
int gp_read_point(gp_read *r, const gp_visibility *vis, int64_t id, gp_crs crs,
                  gp_read_point_cb cb, void *ctx, gp_err *err);

/*
 * The points vis admits within `radius` metres (EPSG:25832) of a CRS84
 * place, of `category` (-1: any), nearest first, at most `limit`, each with
 * its distance; *out_matched counts all within the radius.  Coordinates
 * handed out are CRS84.  GP_BAD_REQUEST naming lon when the place has no
 * storage coordinates.
 */
typedef int (*gp_read_nearby_cb)(void *ctx, const gp_point *p, double distance);
int gp_read_nearby(gp_read *r, const gp_visibility *vis, double lon, double lat,
                   double radius, int category, int64_t limit, int64_t *out_matched,
                   gp_read_nearby_cb cb, void *ctx, gp_err *err);

/*
 * The extent of what vis admits: CRS84 box, first and last creation time,
 * count.  GP_NOT_FOUND when it admits nothing.
 */
int gp_read_extent(gp_read *r, const gp_visibility *vis, gp_bbox *out_lonlat,
                   char out_first[GP_TIME_LEN], char out_last[GP_TIME_LEN],
                   int64_t *out_count);

/*
 * Every point vis admits — of one district (an id of either layer, looked
 * up: GP_NOT_FOUND when there is none) or, with district NULL, all — in
 * id order, in one read transaction read through read() so memory stays
 * flat (for exports): begin (with the number of points when out_count is
 * not NULL), walk — which may run on another thread while r's own thread
 * waits — and end, always.  district is borrowed for the call.
 */
int gp_read_walk_begin(gp_read *r, const gp_visibility *vis, const char *district,
                       int64_t *out_count);
int gp_read_walk(gp_read *r, const gp_visibility *vis, const char *district,
                 int (*cb)(void *ctx, const gp_point *p), void *ctx);
void gp_read_walk_end(gp_read *r);

/* ---- the field set of points (fields.c) ------------------------------------------------ */

/*
 * The one table of a point's attributes, in the order every writer puts
 * them: GeoJSON properties (/api, /ogc, export files), CSV columns,
 * GeoPackage columns and the database view points_gis.  A field is
 * written when gp_read_field_written says so: staff fields only for staff,
 * lon/lat only in a geographic CRS, x/y (easting, northing) only in a
 * projected one.
 */
enum {
	GP_READ_FIELD_STAFF = 1 << 0,      /* what only staff see */
	GP_READ_FIELD_GEOGRAPHIC = 1 << 1, /* the coordinates in degrees */
	GP_READ_FIELD_PROJECTED = 1 << 2   /* the coordinates in metres */
};

typedef struct gp_read_field gp_read_field;
struct gp_read_field {
	gp_field_column column;
	unsigned where; /* GP_READ_FIELD_* */
	const char *key; /* the name as a JSON member starts: "\"name\":" */
	size_t key_len;
	/* the value of p written at east/north (in the CRS written) */
	void (*get)(const gp_point *p, double east, double north, gp_field_value *out);
	/*
	 * A queryable field (OGC API Part 3: a query parameter of its name, its
	 * codes from gp_read_labels): its title and its parameter's parser
	 * (value NULL leaves q as it is); NULL for the others.
	 */
	const char *title;
	int (*param)(gp_read *r, gp_read_query *q, const char *value, gp_err *err);
};

extern const gp_read_field gp_read_point_fields[];
extern const size_t gp_read_point_field_count;

/* 1 when f belongs to what is written in `crs` for staff (1) or not (0). */
int gp_read_field_written(const gp_read_field *f, gp_crs crs, int staff);

/*
 * f's value for point p written at c0/c1 in `crs`: in that CRS's authority
 * order (API answers) or, with gis_order, easting first (files).  Strings
 * borrowed from p.
 */
void gp_read_field_get(const gp_read_field *f, const gp_point *p, gp_crs crs, int gis_order,
                       double c0, double c1, gp_field_value *out);

/* Decimal places a REAL field keeps in `crs` (0.1 mm, or 1e-9 degree). */
int gp_read_field_decimals(const gp_read_field *f, gp_crs crs);

/* How gp_read_point_feature writes a point. */
typedef struct gp_read_feature {
	gp_crs crs;          /* of c0/c1 */
	int gis_order;       /* c0 is the easting in every CRS (files); else authority order */
	int staff;           /* with the staff fields */
	const char *crs_uri; /* a GeoJSON 2008 crs member, or NULL */
	const char *extra;   /* JSON members appended to the properties, or NULL */
	int open;            /* leave the Feature open for members after its properties */
} gp_read_feature;

/*
 * A point as a GeoJSON Feature: its id (also a property, so tools that
 * renumber features keep it), a Point at c0/c1, and the field set as
 * properties.
 */
void gp_read_point_feature(gp_buf *b, const gp_point *p, double c0, double c1,
                           const gp_read_feature *how);

/*
 * Every code a field of the set takes from a fixed list — category, topic
 * (configured), channel, status, outcome — with its German and English label, in
 * that order; a non-zero return of cb stops and is returned.
 */
typedef int (*gp_read_label_cb)(void *ctx, const char *field, const char *code,
                                const char *label_de, const char *label_en);
int gp_read_labels(gp_read *r, gp_read_label_cb cb, void *ctx);

/* ---- districts ------------------------------------------------------------------------ */

typedef struct gp_read_district {
	const char *id, *name;
	gp_layer layer;
	int64_t count[GP_CATEGORY_COUNT]; /* the points vis admits */
	int64_t channel[GP_CHANNEL_COUNT]; /* the same by channel */
	const int64_t *topic;              /* by configured topic, in the configured order */
	size_t ntopics;                    /* (the first 64 topics) */
	const void *shape;                /* for gp_read_district_geometry/_hits */
} gp_read_district;

typedef int (*gp_read_district_cb)(void *ctx, const gp_read_district *d);

/*
 * The districts of `layer` (< 0: both) in layer then import order, or the
 * one named `id` (GP_NOT_FOUND naming id otherwise), with counts of what
 * vis admits by category, channel and topic; with_shape makes the outline
 * available to the callback.
 */
int gp_read_districts(gp_read *r, const gp_visibility *vis, int layer, const char *id,
                      int with_shape, gp_read_district_cb cb, void *ctx, gp_err *err);

/*
 * Writes a district's outline (from a with_shape read) as a GeoJSON
 * geometry in `crs`, authority axis order, to 1 cm; cached per boundary
 * version and CRS.
 */
int gp_read_district_geometry(gp_read *r, gp_buf *b, const gp_read_district *d, gp_crs crs);

/*
 * The zooms a map asks outlines for (Web Mercator zoom levels, 256-pixel
 * tiles, as Leaflet counts them).
 */
#define GP_READ_ZOOM_MAX 22

/*
 * Like gp_read_district_geometry, for a map at `zoom` (0 … GP_READ_ZOOM_MAX;
 * < 0: the full outline): the layer's outlines simplified together to
 * within a pixel at that zoom, neighbours still sharing each boundary
 * vertex for vertex, and in CRS84/EPSG:4326 with the decimals a quarter
 * pixel needs.  Made once per boundary version and zoom (all districts of
 * the layer at once), then cached; where the simplification would not
 * give valid polygons the full outlines stand in.
 */
int gp_read_district_outline(gp_read *r, gp_buf *b, const gp_read_district *d, gp_crs crs,
                             int zoom);

/* Whether a district's outline meets q's box (tested in the box's CRS). */
int gp_read_district_hits(gp_read *r, const gp_read_district *d, const gp_read_area *area,
                          int *out_hit);

/* The CRS84 extent of a district layer's outlines; GP_NOT_FOUND when empty. */
int gp_read_layer_extent(gp_read *r, gp_layer layer, gp_bbox *out);

/*
 * Per district of `layer`, in layer order, the number of points q admits
 * (its visibility, category, channel, topic, district and period) by
 * category and channel, by outcome and by configured topic: what
 * /api/stats shows.  A row is borrowed until cb returns.
 */
typedef struct gp_read_stats_row {
	const char *id, *name;
	int64_t n[GP_CATEGORY_COUNT][GP_CHANNEL_COUNT];
	int64_t outcome[GP_OUTCOME_COUNT]; /* the same points by outcome */
	const int64_t *topic; /* those with a topic, by every configured one, in that order */
	size_t ntopics;
} gp_read_stats_row;
int gp_read_stats(gp_read *r, const gp_read_query *q, gp_layer layer,
                  int (*cb)(void *ctx, const gp_read_stats_row *row), void *ctx);

/* ---- the map's clusters ---------------------------------------------------------- */

/* A cluster or a single point of the cluster index (the public's points). */
typedef struct gp_read_cluster {
	int is_cluster;
	int64_t id;                  /* a cluster's public id */
	uint32_t count;
	uint32_t counts[GP_CATEGORY_COUNT];
	double lon, lat;
	int expansion_zoom;
	const gp_point *point;       /* a single point */
} gp_read_cluster;

/*
 * The clusters and single points in a CRS84 box at `zoom` of one category
 * (-1: all) from one snapshot of the index.  GP_UNAVAILABLE naming nothing
 * when the index is not running.  The callback may stream: the snapshot
 * is held until this returns.
 */
int gp_read_clusters(gp_read *r, const gp_bbox *lonlat, int zoom, int category,
                     int (*cb)(void *ctx, const gp_read_cluster *c), void *ctx, gp_err *err);

/*
 * The points of public cluster `id` from `offset`, at most `limit`;
 * *out_count is the cluster's size.  GP_NOT_FOUND naming cluster_id for an
 * id no recent snapshot issued.
 */
int gp_read_cluster_leaves(gp_read *r, int64_t id, int64_t offset, int64_t limit,
                           int64_t *out_count, int (*cb)(void *ctx, const gp_point *p),
                           void *ctx, gp_err *err);

/*
 * What the cluster index shows, as its source (cluster.h): the points the
 * public sees, read on the index's own thread through its own connection
 * to db_path.  Fills *out; free its context with
 * gp_read_cluster_source_free() after the index is gone.
 */
int gp_read_cluster_source_new(gp_cluster_source *out, const char *db_path);
void gp_read_cluster_source_free(gp_cluster_source *src);

/* ---- hotspots ------------------------------------------------------------------------- */

/*
 * Where points concentrate: DBSCAN in EPSG:25832 metres over the points of
 * the cluster index (the public's) that pass q's category, district, box
 * and period.  eps <= 0 and min_points <= 0 take the defaults: eps from
 * hotspot_eps_m; min_points from hotspot_min_points, raised where points
 * are dense so that a hotspot is a spot at least three times as dense as
 * the area asked for on average (so a million evenly spread points make no
 * hotspot rather than one holding all of them).  The work is bounded:
 * beyond a budget of distance tests the answer is GP_INVALID naming eps,
 * asking for a narrower request.  The default answer for each index
 * generation is made once, ahead of requests (gp_read_cache_set_clusters).  Caller owns *out, free with
 * gp_read_hotspots_free().
 */
typedef struct gp_read_hotspots gp_read_hotspots;
int gp_read_hotspots_find(gp_read *r, const gp_read_query *q, double eps, int64_t min_points,
                          gp_read_hotspots **out, gp_err *err);
void gp_read_hotspots_free(gp_read_hotspots *h);

/* The answer's parameters and sizes. */
typedef struct gp_read_hotspot_summary {
	double eps;
	int64_t min_points;
	int64_t points;   /* after the filters */
	int64_t noise;    /* points in no hotspot */
	size_t hotspots;
} gp_read_hotspot_summary;
void gp_read_hotspots_summary(const gp_read_hotspots *h, gp_read_hotspot_summary *out);

/* One hotspot, largest first (ties: the one whose first point is older). */
typedef struct gp_read_tally {
	const char *id, *name; /* a district (name may be NULL) or a topic id */
	gp_layer layer;        /* for districts */
	int64_t n;
} gp_read_tally;

typedef struct gp_read_hotspot {
	int64_t point_count;
	int64_t count[GP_CATEGORY_COUNT];
	const gp_read_tally *topics;    /* in the configured order */
	size_t ntopics;
	int64_t without_topic;
	const gp_read_tally *districts; /* Ortsbezirke first, then by count, then id */
	size_t ndistricts;
} gp_read_hotspot;
/* Hotspot i (0 ≤ i < hotspots); borrowed until gp_read_hotspots_free(). */
void gp_read_hotspots_get(const gp_read_hotspots *h, size_t i, gp_read_hotspot *out);

/*
 * Writes hotspot i's convex outline as a GeoJSON Polygon in CRS84 (a 1 m
 * wide outline when its points lie on one spot or line) and its area in
 * m².
 */
int gp_read_hotspot_outline(gp_read *r, const gp_read_hotspots *h, size_t i, gp_buf *b,
                            double *out_area);
/* The same outline in `crs` (authority axis order), e.g. EPSG:25832 for a printed map. */
int gp_read_hotspot_outline_in(gp_read *r, const gp_read_hotspots *h, size_t i, gp_crs crs,
                               gp_buf *b, double *out_area);

/* ---- events: walks and workshops ------------------------------------------------------- */

/*
 * Every event, newest date first (id > 0: that one, GP_NOT_FOUND naming
 * `id` otherwise), each with the number of its points vis admits.
 * Strings borrowed for the callback.
 */
typedef struct gp_read_event {
	int64_t id;
	const char *name;
	gp_channel channel;
	const char *date;
	const char *district, *district_name; /* NULL when none */
	int64_t points;
	int live; /* its live entry is open: citizens' points may carry it */
} gp_read_event;
int gp_read_events(gp_read *r, const gp_visibility *vis, int64_t id,
                   int (*cb)(void *ctx, const gp_read_event *e), void *ctx, gp_err *err);

/* ---- staff ------------------------------------------------------------------------------ */

/*
 * The moderation log, newest first; GP_FORBIDDEN unless vis is staff.
 * Strings borrowed for the callback.
 */
typedef struct gp_read_log_entry {
	int64_t id;
	const char *at, *actor, *action, *fields;
	int64_t point_id; /* 0 when none */
	int64_t count;
} gp_read_log_entry;
int gp_read_log(gp_read *r, const gp_visibility *vis, int64_t limit, int64_t offset,
                int (*cb)(void *ctx, const gp_read_log_entry *e), void *ctx,
                int64_t *out_total);

/* ---- the questionnaire (survey.c) -------------------------------------------------- */

/*
 * Results of a questionnaire: counts per question and option, for groups
 * of respondents — group 0 "city" (everyone), then each Ortsbezirk (the
 * respondent's answer to the survey's first district question), then
 * "outside" and "unknown" (not said).  Counts under min_cell are withheld
 * (see survey.c for the rule that also stops working them out); the same
 * for everyone who may read results.  Caller owns *out, free with
 * gp_read_survey_free(); it borrows s.
 */
typedef struct gp_read_survey gp_read_survey;
typedef struct gp_read_survey_cell {
	int64_t count; /* -1 when withheld */
	int suppressed;
} gp_read_survey_cell;
int gp_read_survey_results(gp_read *r, const gp_survey *s, int min_cell, gp_read_survey **out);
void gp_read_survey_free(gp_read_survey *res);
size_t gp_read_survey_groups(const gp_read_survey *res);
/* A group's id ("city", an Ortsbezirk id, "outside", "unknown") and name. Borrowed. */
const char *gp_read_survey_group_id(const gp_read_survey *res, size_t g);
const char *gp_read_survey_group_name(const gp_read_survey *res, size_t g);
/* The group of that id, or -1. */
long gp_read_survey_group_find(const gp_read_survey *res, const char *id);
gp_read_survey_cell gp_read_survey_respondents(const gp_read_survey *res, size_t g);
/* How many of group g answered question q. */
gp_read_survey_cell gp_read_survey_answered(const gp_read_survey *res, size_t g, size_t q);
/*
 * The options results count for question q: its own (single, multiple,
 * scale), the Ortsbezirke and "outside" (district), the Ortsbezirke
 * (place: where the places lie); none for text and number.
 */
size_t gp_read_survey_options(const gp_read_survey *res, size_t q);
const char *gp_read_survey_option_code(const gp_read_survey *res, size_t q, size_t o);
const char *gp_read_survey_option_label(const gp_read_survey *res, size_t q, size_t o, int en);
gp_read_survey_cell gp_read_survey_count(const gp_read_survey *res, size_t g, size_t q, size_t o);
/* A scale's median in group g: 1 and *out when shown, 0 when withheld or none. */
int gp_read_survey_median(const gp_read_survey *res, size_t g, size_t q, double *out);

/* One answer of one response (answer.question NULL: a response with no answers). */
typedef struct gp_read_survey_row {
	int64_t response;
	const char *day, *ortsbezirk;
	gp_survey_answer answer;
} gp_read_survey_row;
typedef int (*gp_read_survey_row_cb)(void *ctx, const gp_read_survey_row *row);
/*
 * Every response's answers in response order, for staff (GP_FORBIDDEN
 * unless vis is staff's), from one read transaction.
 */
int gp_read_survey_responses(gp_read *r, const gp_visibility *vis, gp_read_survey_row_cb cb,
                             void *ctx, gp_err *err);

/*
 * A free-text answer for staff, with where its moderation stands: status
 * "pending", "approved" or "hidden"; ortsbezirk the respondent's (NULL: not
 * said); updated NULL while never moderated.
 */
typedef struct gp_read_survey_text {
	int64_t id;
	const char *question, *status, *ortsbezirk, *day, *text, *updated;
} gp_read_survey_text;
typedef int (*gp_read_survey_text_cb)(void *ctx, const gp_read_survey_text *t);
/*
 * NULL members match any; ortsbezirk "unknown" matches those who did not
 * say or named an Ortsbezirk no longer among the districts (the results'
 * group "unknown").
 */
typedef struct gp_read_survey_text_filter {
	const char *status, *question, *ortsbezirk;
	int64_t id; /* 0: any */
} gp_read_survey_text_filter;
/*
 * The free-text answers that match f, oldest first, limit from offset,
 * and how many match (*out_total), for staff only (GP_FORBIDDEN otherwise:
 * free text is never public).  Strings borrowed for the callback.
 */
int gp_read_survey_texts(gp_read *r, const gp_visibility *vis,
                         const gp_read_survey_text_filter *f, int64_t limit, int64_t offset,
                         gp_read_survey_text_cb cb, void *ctx, int64_t *out_total, gp_err *err);

#endif
