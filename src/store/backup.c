/*
 * backup.c — online backups and the gauges operators watch.
 *
 * A backup never replaces an existing good file with a partial one: it is
 * written beside the destination, synced, and renamed over it.  It copies
 * one snapshot: SQLite's backup restarts from the first page whenever
 * another connection commits between two steps, which under a steady
 * stream of points would never end on a large file; holding a read
 * transaction on the source across all steps pins the snapshot instead
 * (in WAL mode a reader holds up no writer, only the checkpoint that
 * would overwrite pages it still reads).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"

#define PAGES_PER_STEP 512

/* Makes a rename in the folder of `path` durable (fsync of the folder). */
static int sync_folder(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int gp_store_backup(gp_store *s, const char *dest,
                    void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                    gp_err *err)
{
	char tmp[4096];
	sqlite3 *out = NULL;
	sqlite3_backup *b = NULL;
	int rc, fd = -1, reading = 0, renamed = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.partial", dest) >= sizeof(tmp))
		return gp_err_set(err, GP_INVALID, "file", "the backup path is too long");
	unlink(tmp);
	rc = sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rc = gp_err_set(err, GP_EIO, "file", "cannot create %s: %s", tmp, sqlite3_errstr(rc));
		goto out;
	}
	reading = 1;
	if ((rc = gp_store_read_begin(s)) ||
	    (rc = gp_store_exec(s, "SELECT count(*) FROM sqlite_master"))) {
		rc = gp_err_set(err, rc, "db", "cannot read %s: %s", s->path, sqlite3_errmsg(s->db));
		goto out;
	}
	if (!(b = sqlite3_backup_init(out, "main", s->db, "main"))) {
		rc = gp_err_set(err, GP_EFAULT, "file", "backup cannot start: %s",
		                sqlite3_errmsg(out));
		goto out;
	}
	do {
		rc = sqlite3_backup_step(b, PAGES_PER_STEP);
		if (progress)
			progress(ctx, sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b),
			         sqlite3_backup_pagecount(b));
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(10);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	b = NULL;
	gp_store_read_end(s);
	reading = 0;
	if (rc != SQLITE_DONE) {
		rc = gp_err_set(err, GP_EIO, "file", "backup failed: %s", sqlite3_errstr(rc));
		goto out;
	}
	/* The copy is a stand-alone file: no WAL beside it. */
	sqlite3_exec(out, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	sqlite3_close(out);
	out = NULL;
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0) {
		rc = gp_err_set(err, GP_EIO, "file", "cannot sync %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, dest) != 0) {
		rc = gp_err_set(err, GP_EIO, "file", "cannot move the backup to %s: %s", dest,
		                strerror(errno));
		goto out;
	}
	renamed = 1;
	if (sync_folder(dest) != 0) {
		rc = gp_err_set(err, GP_EIO, "file", "cannot sync the folder of %s: %s", dest,
		                strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (b)
		sqlite3_backup_finish(b);
	if (reading)
		gp_store_read_end(s);
	if (fd >= 0)
		close(fd);
	sqlite3_close(out);
	if (!renamed)
		unlink(tmp);
	return rc;
}

int gp_store_gauges(gp_store *s, int64_t out_points[GP_STATUS_COUNT], int64_t *out_bytes)
{
	/* Kept by triggers (0004_grid.sql): no need to count a million rows. */
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT status, sum(n) FROM point_totals GROUP BY status");
	int rc;

	for (int i = 0; i < GP_STATUS_COUNT; i++)
		out_points[i] = 0;
	if (!st)
		return GP_EFAULT;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gp_status status;
		if (!gp_status_parse(&status, (const char *)sqlite3_column_text(st, 0)))
			out_points[status] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return STORE_FAIL(s, rc);
	st = gp_store_stmt(s, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
	if (!st)
		return GP_EFAULT;
	rc = sqlite3_step(st);
	*out_bytes = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : STORE_FAIL(s, rc);
}

int gp_store_durability(gp_store *s, int *out_synchronous, int *out_wal)
{
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT synchronous, journal_mode = 'wal' "
	                                    "FROM pragma_synchronous(), pragma_journal_mode()");
	int rc;

	*out_synchronous = *out_wal = 0;
	if (!st)
		return GP_EFAULT;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out_synchronous = sqlite3_column_int(st, 0);
		*out_wal = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : STORE_FAIL(s, rc);
}
