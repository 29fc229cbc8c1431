/*
 * event.c — walks and workshops (events) and staff sessions of the
 * browser.
 *
 * An event is what staff record points at; its count of points is of the
 * status the caller names.  A session row holds the keyed hash of a random
 * id, never the id itself, and stands for one staff token: a revoked token
 * has no sessions that count.
 */
#include <string.h>

#include "store_int.h"

int gp_store_event_add(gp_store *s, const gp_event *e, int64_t *out_id)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "INSERT INTO events (name, channel, date, district, created)"
		   " VALUES (?1, ?2, ?3, ?4, ?5)");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, e->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, gp_channel_name(e->channel), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->date, -1, SQLITE_STATIC);
	if (e->district)
		sqlite3_bind_text(st, 4, e->district, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->created, -1, SQLITE_STATIC);
	if ((rc = store_step_done(s, st)))
		return rc;
	*out_id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int gp_store_event_list(gp_store *s, int64_t id, int status, gp_store_event_cb cb, void *ctx)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT e.id, e.name, e.channel, e.date, e.district, d.name, e.created,"
		   " (SELECT count(*) FROM points p WHERE p.event = e.id"
		   "  AND (?2 IS NULL OR p.status = ?2)), e.live"
		   " FROM events e LEFT JOIN districts d ON d.id = e.district"
		   " WHERE ?1 IS NULL OR e.id = ?1 ORDER BY e.date DESC, e.id DESC");
	int rc = 0, src, rows = 0;

	if (!st)
		return GP_EFAULT;
	if (id > 0)
		sqlite3_bind_int64(st, 1, id);
	if (status >= 0)
		sqlite3_bind_text(st, 2, gp_status_name((gp_status)status), -1, SQLITE_STATIC);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		gp_event e;

		memset(&e, 0, sizeof(e));
		e.id = sqlite3_column_int64(st, 0);
		e.name = (const char *)sqlite3_column_text(st, 1);
		if (gp_channel_parse(&e.channel, (const char *)sqlite3_column_text(st, 2))) {
			rc = GP_EFAULT;
			break;
		}
		e.date = (const char *)sqlite3_column_text(st, 3);
		e.district = (const char *)sqlite3_column_text(st, 4);
		e.district_name = (const char *)sqlite3_column_text(st, 5);
		e.created = (const char *)sqlite3_column_text(st, 6);
		e.points = sqlite3_column_int64(st, 7);
		e.live = sqlite3_column_int(st, 8);
		rows++;
		if ((rc = cb(ctx, &e)))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
	if (!rc && id > 0 && !rows)
		return GP_NOT_FOUND;
	return rc;
}

int gp_store_event_set_live(gp_store *s, int64_t id, int live)
{
	sqlite3_stmt *st = gp_store_stmt(s, "UPDATE events SET live = ?2 WHERE id = ?1");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, live ? 1 : 0);
	if ((rc = store_step_done(s, st)))
		return rc;
	return sqlite3_changes(s->db) ? 0 : GP_NOT_FOUND;
}

int gp_store_session_add(gp_store *s, const unsigned char *hash, size_t hash_len,
                         const char *token_name, const char *created, const char *expires)
{
	sqlite3_stmt *st;
	int rc;

	/* Sessions that ended go whenever a new one begins: the table stays small. */
	if (!(st = gp_store_stmt(s, "DELETE FROM sessions WHERE expires <= ?1")))
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, created, -1, SQLITE_STATIC);
	if ((rc = store_step_done(s, st)))
		return rc;
	st = gp_store_stmt(s, "INSERT INTO sessions (hash, token_id, created, expires)"
	                      " SELECT ?1, id, ?3, ?4 FROM tokens WHERE name = ?2"
	                      " AND revoked IS NULL");
	if (!st)
		return GP_EFAULT;
	sqlite3_bind_blob(st, 1, hash, (int)hash_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, token_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, created, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, expires, -1, SQLITE_STATIC);
	if ((rc = store_step_done(s, st)))
		return rc;
	return sqlite3_changes(s->db) ? 0 : GP_NOT_FOUND;
}

int gp_store_session_find(gp_store *s, const unsigned char *hash, size_t hash_len,
                          const char *now, int (*cb)(void *ctx, const gp_token_row *t),
                          void *ctx, char out_expires[GP_TIME_LEN])
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT t.name, t.role, t.created, t.revoked, s.expires FROM sessions s"
		   " JOIN tokens t ON t.id = s.token_id"
		   " WHERE s.hash = ?1 AND s.expires > ?2 AND t.revoked IS NULL");
	int rc = GP_NOT_FOUND, src;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_blob(st, 1, hash, (int)hash_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		gp_token_row t = {
			(const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3),
		};
		gp_strlcpy(out_expires, (const char *)sqlite3_column_text(st, 4), GP_TIME_LEN);
		rc = cb(ctx, &t);
	} else if (src != SQLITE_DONE) {
		rc = STORE_FAIL(s, src);
	}
	sqlite3_reset(st);
	return rc;
}

int gp_store_session_delete(gp_store *s, const unsigned char *hash, size_t hash_len)
{
	sqlite3_stmt *st = gp_store_stmt(s, "DELETE FROM sessions WHERE hash = ?1");

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_blob(st, 1, hash, (int)hash_len, SQLITE_STATIC);
	return store_step_done(s, st);
}
