/*
 * migrate.c — numbered schema migrations, compiled into the binary from
 * data/migrations/NNNN_name.sql.
 *
 * Invariant: PRAGMA user_version is the number of migrations applied, and
 * it changes in the same transaction as the migration itself, so a crash
 * leaves either the old or the new schema, never a half.
 * A database newer than the binary is refused rather than misread.
 */
#include <stdio.h>

#include "geopart/embed.h"
#include "store_int.h"

extern const gp_embedded gp_migrations[];
extern const size_t gp_migrations_count;

static int user_version(gp_store *s, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : STORE_FAIL(s, rc);
}

int gp_store_schema_version(gp_store *s, int *out_applied, int *out_known)
{
	*out_known = (int)gp_migrations_count;
	return user_version(s, out_applied);
}

int gp_store_migrate(gp_store *s, gp_err *err)
{
	int applied, rc;

	if ((rc = gp_store_begin_write(s)))
		return gp_err_set(err, rc, "db", "cannot lock the database to migrate it");
	if ((rc = user_version(s, &applied)))
		goto fail;
	if (applied > (int)gp_migrations_count) {
		gp_store_rollback(s);
		return gp_err_set(err, GP_CONFLICT, "db",
		                  "database schema %d is newer than this geopart (%zu); upgrade geopart",
		                  applied, gp_migrations_count);
	}
	for (size_t i = (size_t)applied; i < gp_migrations_count; i++) {
		char pragma[48];
		char *msg = NULL;

		if (i > (size_t)applied && (rc = gp_store_begin_write(s)))
			return gp_err_set(err, rc, "db", "cannot lock the database to migrate it");
		rc = sqlite3_exec(s->db, (const char *)gp_migrations[i].data, NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			gp_err_set(err, GP_EFAULT, "db", "migration %s failed: %s",
			           gp_migrations[i].name, msg ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			gp_store_rollback(s);
			return GP_EFAULT;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %zu", i + 1);
		if ((rc = gp_store_exec(s, pragma)) || (rc = gp_store_commit(s)))
			goto fail;
		gp_log_info("applied migration %s", gp_migrations[i].name);
	}
	if (applied == (int)gp_migrations_count)
		gp_store_rollback(s);
	return 0;
fail:
	gp_store_rollback(s);
	return gp_err_set(err, rc, "db", "migration failed: %s", sqlite3_errmsg(s->db));
}
