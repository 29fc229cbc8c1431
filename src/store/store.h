/*
 * store.h — the SpatiaLite database: opening a connection with the right
 * pragmas, numbered migrations, and every query geopart runs.
 *
 * A gp_store is one SQLite connection with its own SpatiaLite connection
 * cache, used by one thread at a time; which thread may change between
 * uses (the server lends its connections to requests, core lends its
 * writer to workers).  Connections are opened in SQLite's multi-thread mode
 * (SQLITE_OPEN_NOMUTEX, no per-connection mutex), which allows exactly
 * that and never two threads at once; whoever hands a connection on must
 * order the hand-over (a mutex does).  Writers serialise with BEGIN IMMEDIATE; readers never block
 * writers (WAL).  Rows reach callers through callbacks whose gp_point
 * strings are borrowed until the callback returns.
 *
 * Must never: contain policy (who may see what: every read takes the
 * statuses it returns from its caller, and no SQL here names a status),
 * run PROJ or GEOS itself, or let SQL leave this folder — this is the only
 * module with SQL and the only one that includes sqlite3.h/spatialite.h.
 */
#ifndef GP_STORE_H
#define GP_STORE_H

#include <stdint.h>

#include "geopart/bbox.h"
#include "geopart/district.h"
#include "geopart/field.h"
#include "geopart/point.h"
#include "geopart/survey.h"
#include "util/util.h"

typedef struct gp_store gp_store;

enum {
	GP_STORE_CREATE = 1 << 0, /* create the file when missing */
	GP_STORE_READONLY = 1 << 1
};

/*
 * Opens (and with GP_STORE_CREATE creates) the database and sets WAL,
 * synchronous=FULL, foreign keys and a busy timeout.  Does not migrate.
 * Caller owns *out, close with gp_store_close() while no other thread uses it.
 */
int gp_store_open(gp_store **out, const char *path, int flags, gp_err *err);
void gp_store_close(gp_store *s);
/* The file this connection is on. Borrowed. */
const char *gp_store_path(const gp_store *s);

/* Applies pending migrations, each in its own transaction. */
int gp_store_migrate(gp_store *s, gp_err *err);
/* Number of migrations applied to this file, and how many the binary has. */
int gp_store_schema_version(gp_store *s, int *out_applied, int *out_known);

/*
 * ---- transactions: BEGIN IMMEDIATE; GP_BUSY when another writer holds on,
 * GP_STORAGE when the disk is full or failing (nothing of the transaction
 * stays).  A commit that changed rows and returned 0 reached the disk.
 */
int gp_store_begin_write(gp_store *s);
int gp_store_commit(gp_store *s);
void gp_store_rollback(gp_store *s);
/*
 * Inside a write transaction: a change that leaves every value as it was
 * but makes COMMIT write to the disk — a probe whether writing works again.
 */
int gp_store_probe_write(gp_store *s);

/*
 * ---- storage health: the last storage fault any connection of this
 * process met (GP_STORAGE), until a write transaction that changed rows
 * commits again.
 */
typedef struct gp_store_fault {
	int active;
	int disk_full;    /* no space (else an I/O error or a read-only file system) */
	char since[25];   /* RFC 3339 UTC: when the fault began */
	char reason[256]; /* SQLite's message and the system's, for operators */
} gp_store_fault;
/* Copies the fault in force (active = 0 when none). */
void gp_store_fault_get(gp_store_fault *out);
/* Bytes an unprivileged writer may still use on the database's file system. */
int gp_store_free_bytes(const gp_store *s, int64_t *out);
/*
 * Whether this connection reads through the shared memory map of the file
 * (the default: fast for queries touching scattered pages) or through
 * read() into its small page cache (for a walk over the whole table, which
 * would otherwise map, and count as resident, every page of the file).
 * Call outside a transaction.
 */
int gp_store_read_mapped(gp_store *s, int mapped);

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

/* The layer of district `id`; GP_NOT_FOUND when there is no such district. */
int gp_store_district_layer(gp_store *s, const char *id, gp_layer *out);

/* A district as stored; strings and WKB borrowed for the callback. */
typedef struct gp_store_district_row {
	const char *id;
	const char *name;
	gp_layer layer;
	const unsigned char *wkb; /* NULL unless asked for */
	size_t wkb_len;
} gp_store_district_row;

typedef int (*gp_store_district_cb)(void *ctx, const gp_store_district_row *row);

/*
 * Calls cb for each district of `layer` (or all layers when layer < 0), in
 * layer then import order; with `id` set, only that district.  The
 * callback's non-zero return stops the walk and is returned.  Returns
 * GP_NOT_FOUND when `id` names no district.
 */
int gp_store_district_list(gp_store *s, int layer, const char *id,
                           int with_geometry, gp_store_district_cb cb, void *ctx);

/* ---- points -------------------------------------------------------------- */

/* The order of a filtered query's rows. */
enum {
	GP_ORDER_ID = 0,  /* by id */
	GP_ORDER_CELL = 1 /* by grid cell (grid.h), then id: needs a spatial filter */
};

/*
 * The orders of the staff's listings besides ids ascending (GP_SORT_ID):
 * each by its key descending, then by id descending, so every order is
 * total and a page after (after_key, after_id) continues exactly where
 * the previous one ended.  A sorted query reads the table along the
 * status (no grid, no planned path) and keeps only offset + limit rows
 * in SQLite's sorter: it costs a scan of what the filters admit, which
 * is fine for staff work and never used by a public route.
 */
typedef enum gp_point_sort {
	GP_SORT_ID = 0,     /* oldest first: by id */
	GP_SORT_NEWEST,     /* newest first: by id descending */
	GP_SORT_UPDATED,    /* last changed first */
	GP_SORT_FLAGS,      /* most citizen flags first */
	GP_SORT_SUPPORTERS, /* most +1 first */
	GP_SORT_COUNT
} gp_point_sort;

/*
 * Where rows in id order come from when there is no grid.  The caller
 * plans (src/read/ weighs the paths with the counts); store runs the plan.
 * Each index path hands out ids in order, so a page is read without
 * sorting; every filter the path does not answer is tested per row.
 */
typedef enum gp_point_path {
	GP_PATH_TABLE = 0, /* the table by id */
	GP_PATH_DISTRICT,  /* the district's index: needs district_layer, status >= 0 */
	GP_PATH_TOPIC,     /* the topic's index: needs status >= 0 */
	GP_PATH_CHANNEL,   /* the channel's index: needs status >= 0 */
	GP_PATH_CREATED    /* the creation index over since … until, sorted by id */
} gp_point_path;

/*
 * An exact test on a point's storage coordinates that SQL cannot state (a
 * box in a CRS the table has no columns for); returns 1 to keep the point.
 */
typedef int (*gp_store_keep_cb)(void *ctx, double x, double y);

/*
 * Which points a query reads.  The status is the caller's choice (who may
 * see what is decided above store); every other member narrows.
 */
typedef struct gp_point_filter {
	int status;             /* gp_status, or -1 for any */
	int category;           /* gp_category, or -1 for any */
	int channel;            /* gp_channel, or -1 for any */
	int staff;              /* rows carry what only staff see (flag counts) */
	const char *district;   /* district id, or NULL */
	int district_layer;     /* its gp_layer, or -1: a match in either layer */
	const char *topic;      /* or NULL */
	const char *since;      /* canonical time: created >= since, or NULL */
	const char *until;      /* canonical time: created <= until, or NULL */
	/*
	 * Filters of the staff's work that no kept count answers: they are
	 * tested per row and counted by a scan (staff queues are short).
	 */
	int flagged;            /* only points some citizen flagged */
	int64_t event;          /* only points of this event, or 0 */
	int outcome;            /* gp_outcome, or -1 for any */
	/* Exact spatial tests; every one that is set must hold. */
	int has_lonlat;         /* CRS84 lon/lat inside lonlat */
	gp_bbox lonlat;
	int has_xy;             /* EPSG:25832 x/y inside xy */
	gp_bbox xy;
	gp_store_keep_cb keep;  /* or NULL; needs a grid and status >= 0 */
	void *keep_ctx;
	/*
	 * The grid over CRS84 (grid.h) that makes spatial queries fast:
	 * grid_outer encloses every point the exact tests admit; grid_inner,
	 * when has_inner, lies inside what they admit, so its cells are counted
	 * from per-cell totals without looking at their points.  Without
	 * has_grid, a lonlat test alone serves as both.
	 */
	int has_grid;
	gp_bbox grid_outer;
	int has_inner;
	gp_bbox grid_inner;
	int order;              /* GP_ORDER_ID or GP_ORDER_CELL */
	int path;               /* gp_point_path, for GP_ORDER_ID without a grid */
	/* Ids every match lies between (0: unbounded): a range the table and the
	 * equality indexes seek to (each index ends with the id). */
	int64_t id_lo, id_hi;
	/*
	 * Keyset paging: only points after (after_cell, after_id) in `order`
	 * (after_cell is ignored in id order); after_id 0 starts at the top.
	 */
	int64_t after_cell;
	int64_t after_id;
	/*
	 * A sort other than GP_SORT_ID (then order must be GP_ORDER_ID and
	 * there is no keep test): rows come by its key, and after_id > 0
	 * continues after the row with key after_key (flags, supporters) or
	 * after_updated (updated) and id after_id.
	 */
	int sort;
	int64_t after_key;
	char after_updated[GP_TIME_LEN];
	int64_t limit;          /* -1 for no limit */
	int64_t offset;
} gp_point_filter;

/* A filter that matches every point in any status, without limit. */
void gp_point_filter_init(gp_point_filter *f);

typedef int (*gp_store_point_cb)(void *ctx, const gp_point *p);

/*
 * Inserts p (inside a write transaction) and sets p->id.  p->created,
 * p->updated, status, districts and both coordinate pairs must be set; the
 * grid cell follows from lon/lat.
 */
int gp_store_point_insert(gp_store *s, gp_point *p);

/* Calls cb for the point if it matches `status` (-1: any); GP_NOT_FOUND otherwise. */
int gp_store_point_get(gp_store *s, int64_t id, int status, gp_store_point_cb cb,
                       void *ctx);

/*
 * Number of points matching f, ignoring order and paging (path, id bounds,
 * after_*, limit, offset).  Without a spatial test it comes from the counts
 * the triggers keep (as gp_store_point_tally); with a grid, from per-cell
 * totals and the points of the border cells.
 */
int gp_store_point_count(gp_store *s, const gp_point_filter *f, int64_t *out);

/*
 * Calls cb for each matching point in f->order; a non-zero return stops.
 * Memory stays flat whatever the number of rows (no sort of the whole
 * result), except for id order with a grid or along GP_PATH_CREATED, which
 * sort the candidates (keeping only offset + limit of them).
 */
int gp_store_point_query(gp_store *s, const gp_point_filter *f,
                         gp_store_point_cb cb, void *ctx);

/*
 * Counts per group without reading points: calls cb once per (district of
 * `layer`, category, channel) — with layer < 0 once per (category,
 * channel), district_id NULL — with the number of points that pass f's
 * status, category, channel, topic, district, since and until (spatial
 * tests, order and paging are ignored).  From the counts the triggers keep
 * (0005_read.sql): without a period, point_counts; with one, the whole days
 * from point_days (or everything minus the days outside, when those are
 * fewer) and the points of a partial first or last day from the creation
 * index.  A group may come more than once (add them up) or not at all
 * when it holds nothing.  A non-zero return of cb stops and is returned.
 */
typedef int (*gp_store_tally_cb)(void *ctx, const char *district_id, gp_category cat,
                                 gp_channel chan, int64_t n);
int gp_store_point_tally(gp_store *s, const gp_point_filter *f, int layer,
                         gp_store_tally_cb cb, void *ctx);

/*
 * The same counts one level finer: per (district, topic, category,
 * channel), topic NULL for points without one.  From the same kept counts
 * and index, which hold the topic, in as many statements as
 * gp_store_point_tally.  district_id and topic are borrowed until cb
 * returns.
 */
typedef int (*gp_store_topic_tally_cb)(void *ctx, const char *district_id, const char *topic,
                                       gp_category cat, gp_channel chan, int64_t n);
int gp_store_point_tally_topics(gp_store *s, const gp_point_filter *f, int layer,
                                gp_store_topic_tally_cb cb, void *ctx);

/*
 * The same for outcomes: calls cb once per (district of `layer`, outcome)
 * — layer < 0: per outcome, district_id NULL — with the number of points
 * that pass f's status, category, channel, topic, district, since and
 * until, for every outcome but open (which the caller takes as the rest of
 * gp_store_point_tally's counts).  Read from the partial index of those
 * points (0009_outcomes.sql): its cost follows how many points planners
 * answered, not how many there are.
 */
typedef int (*gp_store_outcome_cb)(void *ctx, const char *district_id, gp_outcome outcome,
                                   int64_t n);
int gp_store_point_tally_outcomes(gp_store *s, const gp_point_filter *f, int layer,
                                  gp_store_outcome_cb cb, void *ctx);

/*
 * Where row `offset` (from 0) of f in id order lies, as a keyset cursor:
 * sets *out_after_id so that the rows after it begin with that row
 * (INT64_MAX when there are fewer rows).  Added up from point_blocks, so a
 * deep offset costs what the first page does.  GP_INVALID when f filters
 * by more than status, category and channel; the caller then pages with
 * the offset itself.
 */
int gp_store_point_seek(gp_store *s, const gp_point_filter *f, int64_t offset,
                        int64_t *out_after_id);

/*
 * Ids that enclose every point of `status` (-1: any) created in
 * [since, until] (either may be NULL), from the days point_days records:
 * every such point has lo <= id <= hi.  GP_NOT_FOUND when those days hold
 * none.
 */
int gp_store_point_id_range(gp_store *s, int status, const char *since, const char *until,
                            int64_t *out_lo, int64_t *out_hi);

/* The grid cell a point at lon/lat is filed under (for paging cursors). */
int64_t gp_store_point_cell(double lon, double lat);

/*
 * The number of changes made so far to where points lie and to their
 * status and category (kept by triggers, 0005_read.sql): two reads that
 * see the same number see the same positions.
 */
int gp_store_points_version(gp_store *s, int64_t *out);

/*
 * Calls cb for every point of `status` in grid-cell order (then id), with
 * what a box and a category test need, from the covering grid index alone.
 * A non-zero return stops and is returned.
 */
typedef struct gp_store_position {
	int64_t cell, id;
	double lon, lat, x, y;
	gp_category category;
} gp_store_position;
int gp_store_point_positions_by_cell(gp_store *s, int status,
                                     int (*cb)(void *ctx, const gp_store_position *p),
                                     void *ctx);

/*
 * Calls cb for the points ids[0 … n) in that order, each only while it has
 * `status` (-1: any; others are passed over), with the staff columns when
 * staff is set.  Point strings are borrowed for the callback.
 */
int gp_store_point_rows(gp_store *s, const int64_t *ids, size_t n, int status, int staff,
                        gp_store_point_cb cb, void *ctx);

/*
 * Extent of the points with `status`: CRS84 box, first and last creation
 * time and their number, from the ends of indexes.  GP_NOT_FOUND when
 * there are none.
 */
int gp_store_point_extent(gp_store *s, int status, gp_bbox *out_lonlat,
                          char out_first[GP_TIME_LEN], char out_last[GP_TIME_LEN],
                          int64_t *out_count);

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

/* ---- moderation (moderation.c) -------------------------------------------- */

/* Applies a patch (inside a write transaction); GP_NOT_FOUND for no point. */
int gp_store_point_update(gp_store *s, int64_t id, const gp_point_patch *patch);
/* Deletes a point and its flags (inside a write transaction). */
int gp_store_point_delete(gp_store *s, int64_t id);
/* +1 on a point while it has `status`; sets the new count. GP_NOT_FOUND otherwise. */
int gp_store_point_support(gp_store *s, int64_t id, gp_status status, int64_t *out_count);
/* Deletes a point's flags (inside a write transaction). */
int gp_store_flag_clear(gp_store *s, int64_t point_id);
/* Records a flag on a point and sets the point's number of flags. */
int gp_store_flag_add(gp_store *s, int64_t point_id, const char *reason,
                      const char *created, int64_t *out_count);

typedef struct gp_log_entry {
	int64_t id;
	const char *at, *actor, *action, *fields;
	int64_t point_id; /* 0 when none */
	int64_t count;
} gp_log_entry;

/* Appends to the moderation log (inside the transaction of the change). */
int gp_store_log_add(gp_store *s, const char *at, const char *actor, const char *action,
                     int64_t point_id, const char *fields, int64_t count);
/* Newest first; strings borrowed for the callback. */
int gp_store_log_list(gp_store *s, int64_t limit, int64_t offset,
                      int (*cb)(void *ctx, const gp_log_entry *e), void *ctx,
                      int64_t *out_total);

/*
 * Deletes pending and hidden points last changed before `before`, and flags
 * created before it (inside a write transaction); reports both numbers.
 */
int gp_store_purge(gp_store *s, const char *before, int64_t *out_points,
                   int64_t *out_flags);

/* ---- staff tokens (moderation.c) ------------------------------------------ */

typedef struct gp_token_row {
	const char *name, *role, *created, *revoked; /* revoked NULL when active */
} gp_token_row;

/* GP_CONFLICT when the name is taken. */
int gp_store_token_add(gp_store *s, const char *name, const char *role,
                       const unsigned char *hash, size_t hash_len, const char *created);
/* Finds an active token by its hash; GP_NOT_FOUND otherwise. */
int gp_store_token_find(gp_store *s, const unsigned char *hash, size_t hash_len,
                        int (*cb)(void *ctx, const gp_token_row *t), void *ctx);
int gp_store_token_list(gp_store *s, int (*cb)(void *ctx, const gp_token_row *t), void *ctx);
/* GP_NOT_FOUND when no active token has that name. */
int gp_store_token_revoke(gp_store *s, const char *name, const char *at);

/* ---- events and sessions (event.c) ---------------------------------------- */

/* A walk or a workshop; strings borrowed. */
typedef struct gp_event {
	int64_t id;
	const char *name;
	gp_channel channel;        /* walk or workshop */
	const char *date;          /* YYYY-MM-DD */
	const char *district;      /* an id of either layer, or NULL */
	const char *district_name; /* read only: NULL when unknown */
	const char *created;
	int64_t points;            /* read only: its points of the status asked for */
	int live;                  /* read only: its live entry is open (staff open it) */
} gp_event;
typedef int (*gp_store_event_cb)(void *ctx, const gp_event *e);

/* Inserts e (inside a write transaction) and sets *out_id. */
int gp_store_event_add(gp_store *s, const gp_event *e, int64_t *out_id);
/*
 * Calls cb for every event, newest date first (id > 0: that one only,
 * GP_NOT_FOUND when there is none), counting its points of `status`
 * (-1: any).  Strings borrowed for the callback.
 */
int gp_store_event_list(gp_store *s, int64_t id, int status, gp_store_event_cb cb, void *ctx);
/*
 * Opens (1) or closes (0) event id's live entry (inside a write
 * transaction); GP_NOT_FOUND without the event.  Nothing to own.
 */
int gp_store_event_set_live(gp_store *s, int64_t id, int live);

/*
 * A session for the active token `token_name`, until `expires` (inside a
 * write transaction; sessions ended by `created` are removed).
 * GP_NOT_FOUND when no active token has that name.
 */
int gp_store_session_add(gp_store *s, const unsigned char *hash, size_t hash_len,
                         const char *token_name, const char *created, const char *expires);
/*
 * The token of a session that has not ended by `now` and whose token is
 * not revoked, and when the session ends; GP_NOT_FOUND otherwise.
 */
int gp_store_session_find(gp_store *s, const unsigned char *hash, size_t hash_len,
                          const char *now, int (*cb)(void *ctx, const gp_token_row *t),
                          void *ctx, char out_expires[GP_TIME_LEN]);
/* Ends a session (inside a write transaction); no such session is no error. */
int gp_store_session_delete(gp_store *s, const unsigned char *hash, size_t hash_len);

/* ---- backup (backup.c) ------------------------------------------------------- */

/*
 * Copies the database to `dest` while it stays in use (SQLite's online
 * backup), into a temporary file renamed into place only when complete and
 * synced.  The copy is the snapshot of one read transaction held from the
 * first page to the last: in WAL mode writers of this and other processes
 * go on meanwhile, and never make the copy start over.  Needs no write
 * lock, so s may be read-only.  progress (may be NULL) sees pages done and
 * total.
 */
int gp_store_backup(gp_store *s, const char *dest,
                    void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                    gp_err *err);

/* Numbers for /metrics: points per status and the database size in bytes. */
int gp_store_gauges(gp_store *s, int64_t out_points[GP_STATUS_COUNT], int64_t *out_bytes);
/*
 * How durable a commit on this connection is: PRAGMA synchronous (0 OFF,
 * 1 NORMAL, 2 FULL, 3 EXTRA) and 1 when the journal is WAL.  Every
 * connection is opened alike (gp_store_open), so one tells for all.
 */
int gp_store_durability(gp_store *s, int *out_synchronous, int *out_wal);
/* ---- GeoPackage exports (gpkg.c) ------------------------------------------ */

typedef struct gp_store_gpkg gp_store_gpkg;

/*
 * Starts a GeoPackage at `path` (a new or empty file) holding one feature
 * table `points` in EPSG `srid`, whose definition is copied from src's
 * spatial_ref_sys, with a column per cols[0..ncols) (borrowed until
 * gp_store_gpkg_free) after fid and geom.  Caller owns *out: finish with
 * gp_store_gpkg_finish(), then free with gp_store_gpkg_free() (which alone
 * abandons the file).  This and every gp_store_gpkg_* below return GP_EIO
 * when the file cannot be written (disk full, I/O error, not writable),
 * GP_EFAULT for other failures; removing an abandoned file is the caller's.
 */
int gp_store_gpkg_new(gp_store_gpkg **out, gp_store *src, const char *path, int srid,
                      const gp_field_column *cols, size_t ncols, gp_err *err);
/*
 * Adds one point: feature id `fid` at x/y (east/north first, in the
 * GeoPackage's SRS) with values[i] for column i; strings borrowed for the call.
 */
int gp_store_gpkg_add(gp_store_gpkg *g, int64_t fid, const gp_field_value *values, double x,
                      double y);
/*
 * Adds the feature table `districts` (id, name, layer; both layers) from
 * src's districts, in their own CRS, EPSG:25832, with a spatial index.
 */
int gp_store_gpkg_add_districts(gp_store_gpkg *g, gp_store *src);
/* Adds a row to the attribute table `labels`; strings borrowed for the call. */
int gp_store_gpkg_add_label(gp_store_gpkg *g, const char *field, const char *code,
                            const char *label_de, const char *label_en);
/* What a table of the GeoPackage is (strings borrowed for the call). */
typedef struct gp_store_gpkg_meta {
	const char *title, *description, *licence, *attribution;
	const char *date; /* RFC 3339 */
} gp_store_gpkg_meta;
/*
 * Describes table `table` in gpkg_metadata twice: in GDAL's document
 * (TITLE, DESCRIPTION, LICENSE, ATTRIBUTION, DATE: what ogrinfo lists) and
 * in QGIS's layer metadata document (title, abstract, rights, license,
 * date: what QGIS's layer properties show).
 */
int gp_store_gpkg_set_metadata(gp_store_gpkg *g, const char *table,
                               const gp_store_gpkg_meta *m);
/* Records the extent, adds the spatial index's triggers, commits, closes. */
int gp_store_gpkg_finish(gp_store_gpkg *g);
void gp_store_gpkg_free(gp_store_gpkg *g);

/* ---- GeoPackage imports (gpkg_in.c) ---------------------------------------- */

/* The point layer a GeoPackage holds. */
typedef struct gp_store_gpkg_layer {
	char layer[128];
	int srs_id; /* as the file numbers it */
	int epsg;   /* its EPSG code, 0 when the SRS is not an EPSG one or undefined */
} gp_store_gpkg_layer;

/* One feature; strings borrowed for the callback. */
typedef struct gp_store_gpkg_feature {
	int64_t fid;
	const char *geom_error; /* why the geometry is no point, or NULL */
	double x, y;            /* east/north, as GeoPackage geometries hold them */
	const char *category, *comment, *topic, *note; /* NULL when absent or empty */
} gp_store_gpkg_feature;
typedef int (*gp_store_gpkg_cb)(void *ctx, const gp_store_gpkg_feature *f);

/*
 * Reads the one point layer of the GeoPackage at `path` (opened read-only
 * and immutable: the file is never written) in feature id order: fills
 * *out, then (unless cb is NULL) calls cb per feature with its geometry read or why it was
 * not (a non-zero return stops and is returned).  GP_INVALID naming
 * `file` when the file is no GeoPackage, has no point layer or several,
 * or the layer lacks the columns category and comment.
 */
int gp_store_gpkg_read(const char *path, gp_store_gpkg_layer *out, gp_store_gpkg_cb cb,
                       void *ctx, gp_err *err);

/* ---- integrity ------------------------------------------------------------ */

typedef void (*gp_store_report_cb)(void *ctx, const char *problem);
/*
 * Runs SQLite's integrity and foreign-key checks and SpatiaLite's spatial
 * index check; reports each problem.  Returns 0 when all pass, GP_INVALID
 * when any problem was reported.
 */
int gp_store_check(gp_store *s, gp_store_report_cb report, void *ctx);

/* ---- the questionnaire (survey.c, 0006_survey.sql) -------------------------- */

/* A question as the database has recorded it; codes space separated. */
typedef struct gp_store_survey_question {
	const char *id, *type, *codes;
	int answered; /* whether any answer to it is stored (for listings only) */
} gp_store_survey_question;
typedef int (*gp_store_survey_question_cb)(void *ctx, const gp_store_survey_question *q);
/* Every recorded question, by id; strings borrowed for the callback. */
int gp_store_survey_questions(gp_store *s, gp_store_survey_question_cb cb, void *ctx);
/* Records a question or its new type and codes (inside a write transaction). */
int gp_store_survey_question_put(gp_store *s, const gp_store_survey_question *q,
                                 const char *now);
/*
 * Stores one response (its day, the respondent's Ortsbezirk or NULL) and
 * its n answers, inside a write transaction; *out_id is its id.  Borrows
 * everything.
 */
int gp_store_survey_response_insert(gp_store *s, const char *day, const char *ortsbezirk,
                                    const gp_survey_answer *answers, size_t n, int64_t *out_id);

/*
 * A kept count (0006_survey.sql): with question NULL, the responses of an
 * Ortsbezirk; with code NULL, the respondents who answered the question;
 * else the answers with that code.  Ortsbezirk NULL: not said.  Strings
 * borrowed for the callback.
 */
typedef struct gp_store_survey_count {
	const char *question, *ortsbezirk, *code;
	int64_t count;
} gp_store_survey_count;
typedef int (*gp_store_survey_tally_cb)(void *ctx, const gp_store_survey_count *c);
/* Every non-zero kept count. */
int gp_store_survey_tally(gp_store *s, gp_store_survey_tally_cb cb, void *ctx);

/* One answer of one response, in response order (answer members NULL for none). */
typedef struct gp_store_survey_row {
	int64_t response;
	const char *day, *ortsbezirk;
	gp_survey_answer answer; /* question NULL: a response without answers */
} gp_store_survey_row;
typedef int (*gp_store_survey_answer_cb)(void *ctx, const gp_store_survey_row *row);
/* Every response's answers, by response id; borrowed for the callback. */
int gp_store_survey_answers(gp_store *s, gp_store_survey_answer_cb cb, void *ctx);

/*
 * A free-text answer and where its moderation stands (0010_survey_texts.sql):
 * status "pending", "approved" or "hidden"; ortsbezirk the respondent's
 * (NULL: not said); updated NULL while never moderated.
 */
typedef struct gp_store_survey_text {
	int64_t id;
	const char *question, *status, *ortsbezirk, *day, *text, *updated;
} gp_store_survey_text;
typedef int (*gp_store_survey_text_cb)(void *ctx, const gp_store_survey_text *t);
/*
 * Which texts gp_store_survey_texts lists: NULL members match any; an
 * ortsbezirk of "" matches respondents who did not say or named an
 * Ortsbezirk that is no longer one (dropped by a boundary import).
 */
typedef struct gp_store_survey_text_filter {
	const char *status, *question, *ortsbezirk;
	int64_t id; /* 0: any */
} gp_store_survey_text_filter;
/*
 * The texts that match f, oldest first, limit from offset; *out_total is
 * how many match.  Strings borrowed for the callback.
 */
int gp_store_survey_texts(gp_store *s, const gp_store_survey_text_filter *f, int64_t limit,
                          int64_t offset, gp_store_survey_text_cb cb, void *ctx,
                          int64_t *out_total);
/* Sets a text's status (inside a write transaction); GP_NOT_FOUND for no text. */
int gp_store_survey_text_set(gp_store *s, int64_t id, const char *status, const char *now);

#endif
