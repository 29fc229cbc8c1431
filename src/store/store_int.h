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
	sqlite3_stmt *stmt;
	uint64_t used; /* for least-recently-used eviction */
} cached_stmt;

struct gp_store {
	sqlite3 *db;
	void *spatialite; /* this connection's SpatiaLite cache */
	char *path;
	cached_stmt cache[STMT_CACHE];
	uint64_t tick;
	sqlite3_int64 changes_at_begin; /* total changes when the write began */
};

/*
 * Returns a reset, unbound statement for sql from the connection's cache,
 * preparing it on first use.  Borrowed; do not finalize.  NULL on error
 * (logged).
 */
sqlite3_stmt *gp_store_stmt(gp_store *s, const char *sql);

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
