/*
 * store_int.h — what the files of store/ share and nobody else may see.
 */
#ifndef GP_STORE_INT_H
#define GP_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

#define STMT_CACHE 32

typedef struct cached_stmt {
	char *sql;
	uint64_t hash; /* of sql: most lookups compare no text */
	sqlite3_stmt *stmt;
	uint64_t used; /* for least-recently-used eviction */
} cached_stmt;

typedef struct store_names store_names; /* point.c */

struct gp_store {
	sqlite3 *db;
	void *spatialite; /* this connection's SpatiaLite cache */
	char *path;
	cached_stmt cache[STMT_CACHE];
	uint64_t tick;
	store_names *names; /* district names by id, for the districts_version read */
	sqlite3_int64 changes_at_begin; /* total changes when the write began */
};

/*
 * Returns a reset, unbound statement for sql from the connection's cache,
 * preparing it on first use.  Borrowed; do not finalize.  NULL on error
 * (logged).
 *
 * Reentrancy: the cache hands out one statement per SQL text, and asking
 * again resets it.  So while a statement steps (a query whose rows go to a
 * callback), code running inside that callback on the same connection may
 * ask for any other statement but never for the same SQL text (asserted);
 * a statement that is stepping is never evicted to make room, and when
 * all STMT_CACHE are stepping the call fails.  Every function here resets
 * its statement before it returns, so the rule concerns callbacks only.
 */
sqlite3_stmt *gp_store_stmt(gp_store *s, const char *sql);

/*
 * The number of points that pass f without a spatial test, from the
 * counts the triggers keep (count.c); a count with only a status and a
 * period reads the totals per day.
 */
int store_count_tallied(gp_store *s, const gp_point_filter *f, int64_t *out);

/*
 * Steps a statement that returns no rows and resets it: 0, GP_CONFLICT
 * for a violated constraint, else the failure (moderation.c).
 */
int store_step_done(gp_store *s, sqlite3_stmt *st);

/* Frees what point.c keeps on a connection (called by gp_store_close). */
void store_names_free(store_names *nm);

/* Registers geopart_cell(lon, lat) (grid.h) on the connection. */
int gp_store_grid_register(gp_store *s);

/* Maps a SQLite result to a geopart code, logging unexpected failures. */
int gp_store_fail(gp_store *s, int sqlite_rc, const char *file, int line);
#define STORE_FAIL(s, rc) gp_store_fail((s), (rc), __FILE__, __LINE__)

/* Executes SQL without results; maps errors like STORE_FAIL. */
int gp_store_exec(gp_store *s, const char *sql);

/*
 * TEST ONLY (faults.c): registers the disk-fault shim as SQLite's default
 * VFS when GEOPART_TEST_FAULTS is set; does nothing otherwise.  Idempotent.
 */
void gp_store_faults_setup(void);

#endif
