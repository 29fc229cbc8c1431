/*
 * moderation.c — what staff change and what citizens flag: point updates and
 * deletions, +1, flags, the moderation log, staff tokens and retention
 * purges.
 *
 * Nothing here stores who a citizen is; the log stores which staff token did
 * what to which fields, never the text that was removed.
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

int store_step_done(gp_store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return GP_CONFLICT;
	return STORE_FAIL(s, rc);
}

int gp_store_point_update(gp_store *s, int64_t id, const gp_point_patch *patch)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "UPDATE points SET"
		   " status = CASE WHEN ?2 THEN ?3 ELSE status END,"
		   " category = CASE WHEN ?4 THEN ?5 ELSE category END,"
		   " topic = CASE WHEN ?6 THEN ?7 ELSE topic END,"
		   " comment = CASE WHEN ?8 THEN ?9 ELSE comment END,"
		   " note = CASE WHEN ?11 THEN ?12 ELSE note END,"
		   " channel = CASE WHEN ?13 THEN ?14 ELSE channel END,"
		   " event = CASE WHEN ?15 THEN ?16 ELSE event END,"
		   " reply_at = CASE WHEN ?17 AND reply IS NOT ?18"
		   "  THEN CASE WHEN ?18 IS NULL THEN NULL ELSE ?10 END ELSE reply_at END,"
		   " reply = CASE WHEN ?17 THEN ?18 ELSE reply END,"
		   " outcome = CASE WHEN ?19 THEN ?20 ELSE outcome END,"
		   " updated = ?10 WHERE id = ?1");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, patch->has_status);
	sqlite3_bind_text(st, 3, gp_status_name(patch->status), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, patch->has_category);
	sqlite3_bind_text(st, 5, gp_category_name(patch->category), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, patch->has_topic);
	if (patch->topic)
		sqlite3_bind_text(st, 7, patch->topic, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, patch->has_comment);
	if (patch->comment)
		sqlite3_bind_text(st, 9, patch->comment, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, patch->updated, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, patch->has_note);
	if (patch->note)
		sqlite3_bind_text(st, 12, patch->note, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 13, patch->has_channel);
	sqlite3_bind_text(st, 14, gp_channel_name(patch->channel), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 15, patch->has_event);
	if (patch->event > 0)
		sqlite3_bind_int64(st, 16, patch->event);
	sqlite3_bind_int(st, 17, patch->has_reply);
	if (patch->reply)
		sqlite3_bind_text(st, 18, patch->reply, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 19, patch->has_outcome);
	sqlite3_bind_text(st, 20, gp_outcome_name(patch->outcome), -1, SQLITE_STATIC);
	if ((rc = store_step_done(s, st)))
		return rc;
	return sqlite3_changes(s->db) ? 0 : GP_NOT_FOUND;
}

int gp_store_flag_clear(gp_store *s, int64_t point_id)
{
	sqlite3_stmt *st = gp_store_stmt(s, "DELETE FROM flags WHERE point_id = ?1");

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, point_id);
	return store_step_done(s, st);
}

int gp_store_point_delete(gp_store *s, int64_t id)
{
	sqlite3_stmt *st = gp_store_stmt(s, "DELETE FROM points WHERE id = ?1");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_step_done(s, st)))
		return rc;
	return sqlite3_changes(s->db) ? 0 : GP_NOT_FOUND;
}

int gp_store_point_support(gp_store *s, int64_t id, gp_status status, int64_t *out_count)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "UPDATE points SET supporters = supporters + 1"
		   " WHERE id = ?1 AND status = ?2 RETURNING supporters");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, gp_status_name(status), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out_count = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return STORE_FAIL(s, rc);
	return sqlite3_changes(s->db) ? 0 : GP_NOT_FOUND;
}

int gp_store_flag_add(gp_store *s, int64_t point_id, const char *reason,
                      const char *created, int64_t *out_count)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "INSERT INTO flags (point_id, reason, created) VALUES (?1, ?2, ?3)");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, point_id);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, created, -1, SQLITE_STATIC);
	if ((rc = store_step_done(s, st)))
		return rc;
	if (!(st = gp_store_stmt(s, "SELECT count(*) FROM flags WHERE point_id = ?1")))
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, point_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out_count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : STORE_FAIL(s, rc);
}

int gp_store_log_add(gp_store *s, const char *at, const char *actor, const char *action,
                     int64_t point_id, const char *fields, int64_t count)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "INSERT INTO moderation_log (at, actor, action, point_id, fields, count)"
		   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	if (point_id > 0)
		sqlite3_bind_int64(st, 4, point_id);
	sqlite3_bind_text(st, 5, fields ? fields : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, count);
	return store_step_done(s, st);
}

int gp_store_log_list(gp_store *s, int64_t limit, int64_t offset,
                      int (*cb)(void *ctx, const gp_log_entry *e), void *ctx,
                      int64_t *out_total)
{
	sqlite3_stmt *st;
	int rc, src;

	if (!(st = gp_store_stmt(s, "SELECT count(*) FROM moderation_log")))
		return GP_EFAULT;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*out_total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (src != SQLITE_ROW)
		return STORE_FAIL(s, src);
	st = gp_store_stmt(s, "SELECT id, at, actor, action, point_id, fields, count"
	                      " FROM moderation_log ORDER BY id DESC LIMIT ?1 OFFSET ?2");
	if (!st)
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, limit);
	sqlite3_bind_int64(st, 2, offset);
	rc = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		gp_log_entry e = {
			sqlite3_column_int64(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 5),
			sqlite3_column_int64(st, 4),
			sqlite3_column_int64(st, 6),
		};
		if ((rc = cb(ctx, &e)))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
	return rc;
}

int gp_store_purge(gp_store *s, const char *before, int64_t *out_points,
                   int64_t *out_flags)
{
	sqlite3_stmt *st;
	int rc;

	st = gp_store_stmt(s, "DELETE FROM flags WHERE created < ?1");
	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
	if ((rc = store_step_done(s, st)))
		return rc;
	*out_flags = sqlite3_changes(s->db);
	/* flags of the purged points go with them (ON DELETE CASCADE) */
	st = gp_store_stmt(s, "DELETE FROM points WHERE status IN ('pending', 'hidden')"
	                      " AND updated < ?1");
	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
	if ((rc = store_step_done(s, st)))
		return rc;
	*out_points = sqlite3_changes(s->db);
	return 0;
}

int gp_store_token_add(gp_store *s, const char *name, const char *role,
                       const unsigned char *hash, size_t hash_len, const char *created)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "INSERT INTO tokens (name, role, hash, created) VALUES (?1, ?2, ?3, ?4)");

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, hash, (int)hash_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, created, -1, SQLITE_STATIC);
	return store_step_done(s, st);
}

static int token_rows(gp_store *s, sqlite3_stmt *st,
                      int (*cb)(void *ctx, const gp_token_row *t), void *ctx, int *out_rows)
{
	int rc = 0, src;

	*out_rows = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		gp_token_row t = {
			(const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3),
		};
		(*out_rows)++;
		if ((rc = cb(ctx, &t)))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
	return rc;
}

int gp_store_token_find(gp_store *s, const unsigned char *hash, size_t hash_len,
                        int (*cb)(void *ctx, const gp_token_row *t), void *ctx)
{
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT name, role, created, revoked FROM tokens"
	                                    " WHERE hash = ?1 AND revoked IS NULL");
	int rows, rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_blob(st, 1, hash, (int)hash_len, SQLITE_STATIC);
	rc = token_rows(s, st, cb, ctx, &rows);
	return rc ? rc : rows ? 0 : GP_NOT_FOUND;
}

int gp_store_token_list(gp_store *s, int (*cb)(void *ctx, const gp_token_row *t), void *ctx)
{
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT name, role, created, revoked FROM tokens"
	                                    " ORDER BY id");
	int rows;

	if (!st)
		return GP_EFAULT;
	return token_rows(s, st, cb, ctx, &rows);
}

int gp_store_token_revoke(gp_store *s, const char *name, const char *at)
{
	sqlite3_stmt *st = gp_store_stmt(s, "UPDATE tokens SET revoked = ?2"
	                                    " WHERE name = ?1 AND revoked IS NULL");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
	if ((rc = store_step_done(s, st)))
		return rc;
	return sqlite3_changes(s->db) ? 0 : GP_NOT_FOUND;
}
