/*
 * survey.c — the questionnaire's tables (0006_survey.sql): the questions
 * the survey has had, responses and their answers, and the counts results
 * are made of.
 *
 * Nothing here knows who answered: a response row holds its day and the
 * Ortsbezirk its respondent chose.  Free-text answers carry where their
 * moderation stands (0010_survey_texts.sql; a trigger queues each one).  Results read the counts the triggers
 * of 0006_survey.sql keep, never the answers.  Nothing here decides what the public
 * may see of the counts (read/survey.c suppresses small ones).
 */
#include <string.h>

#include "store_int.h"

int gp_store_survey_questions(gp_store *s, gp_store_survey_question_cb cb, void *ctx)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT id, type, codes,"
		   " EXISTS (SELECT 1 FROM survey_counts c WHERE c.question = q.id"
		   " AND c.code = '#' AND c.n > 0)"
		   " FROM survey_questions q ORDER BY id");
	int rc = 0, src;

	if (!st)
		return GP_EFAULT;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		gp_store_survey_question q = {
			(const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			sqlite3_column_int(st, 3),
		};
		if ((rc = cb(ctx, &q)))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
	return rc;
}

int gp_store_survey_question_put(gp_store *s, const gp_store_survey_question *q,
                                 const char *now)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "INSERT INTO survey_questions (id, type, codes, first_seen) VALUES (?1, ?2, ?3, ?4)"
		   " ON CONFLICT (id) DO UPDATE SET type = excluded.type, codes = excluded.codes"
		   " WHERE type IS NOT excluded.type OR codes IS NOT excluded.codes");
	int src;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, q->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, q->codes, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	sqlite3_reset(st);
	return src == SQLITE_DONE ? 0 : STORE_FAIL(s, src);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int gp_store_survey_response_insert(gp_store *s, const char *day, const char *ortsbezirk,
                                    const gp_survey_answer *answers, size_t n, int64_t *out_id)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "INSERT INTO survey_responses (day, ortsbezirk) VALUES (?1, ?2)");
	int src;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, day, 10, SQLITE_STATIC);
	bind_text_or_null(st, 2, ortsbezirk);
	src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return STORE_FAIL(s, src);
	*out_id = sqlite3_last_insert_rowid(s->db);
	st = gp_store_stmt(s, "INSERT INTO survey_answers (response_id, question, ortsbezirk, code,"
	                      " num, text, lon, lat, stadtteil)"
	                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!st)
		return GP_EFAULT;
	for (size_t i = 0; i < n; i++) {
		const gp_survey_answer *a = &answers[i];

		sqlite3_bind_int64(st, 1, *out_id);
		sqlite3_bind_text(st, 2, a->question, -1, SQLITE_STATIC);
		bind_text_or_null(st, 3, ortsbezirk);
		bind_text_or_null(st, 4, a->code);
		if (a->has_num)
			sqlite3_bind_double(st, 5, a->num);
		else
			sqlite3_bind_null(st, 5);
		bind_text_or_null(st, 6, a->text);
		if (a->has_place) {
			sqlite3_bind_double(st, 7, a->lon);
			sqlite3_bind_double(st, 8, a->lat);
		} else {
			sqlite3_bind_null(st, 7);
			sqlite3_bind_null(st, 8);
		}
		bind_text_or_null(st, 9, a->stadtteil);
		src = sqlite3_step(st);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (src != SQLITE_DONE)
			return STORE_FAIL(s, src);
	}
	return 0;
}

/* Steps a query of (key1, key2, key3, count) rows into cb. */
static int tally_rows(gp_store *s, sqlite3_stmt *st, gp_store_survey_tally_cb cb, void *ctx)
{
	int rc = 0, src;

	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		gp_store_survey_count c = {
			(const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			sqlite3_column_int64(st, 3),
		};
		if ((rc = cb(ctx, &c)))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
	return rc;
}

int gp_store_survey_tally(gp_store *s, gp_store_survey_tally_cb cb, void *ctx)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT nullif(question, ''), nullif(ortsbezirk, ''), nullif(code, '#'), n"
		   " FROM survey_counts WHERE n > 0");

	return st ? tally_rows(s, st, cb, ctx) : GP_EFAULT;
}

int gp_store_survey_answers(gp_store *s, gp_store_survey_answer_cb cb, void *ctx)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT r.id, r.day, r.ortsbezirk, a.question, a.code, a.num, a.text, a.lon, a.lat,"
		   " a.stadtteil FROM survey_responses r"
		   " LEFT JOIN survey_answers a ON a.response_id = r.id ORDER BY r.id");
	int rc = 0, src;

	if (!st)
		return GP_EFAULT;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		gp_store_survey_row row = {
			.response = sqlite3_column_int64(st, 0),
			.day = (const char *)sqlite3_column_text(st, 1),
			.ortsbezirk = (const char *)sqlite3_column_text(st, 2),
		};
		gp_survey_answer *a = &row.answer;

		a->question = (const char *)sqlite3_column_text(st, 3);
		a->code = (const char *)sqlite3_column_text(st, 4);
		a->has_num = sqlite3_column_type(st, 5) != SQLITE_NULL;
		a->num = sqlite3_column_double(st, 5);
		a->text = (const char *)sqlite3_column_text(st, 6);
		a->has_place = sqlite3_column_type(st, 7) != SQLITE_NULL;
		a->lon = sqlite3_column_double(st, 7);
		a->lat = sqlite3_column_double(st, 8);
		a->stadtteil = (const char *)sqlite3_column_text(st, 9);
		if ((rc = cb(ctx, &row)))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
	return rc;
}

/*
 * The filter's members bound as ?1 … ?4 of the text queries below.  ''
 * (unknown) is whoever did not say or named an Ortsbezirk a later boundary
 * import dropped: the results count both as unknown.
 */
#define TEXT_WHERE                                                                           \
	" WHERE (?1 IS NULL OR t.status = ?1) AND (?2 IS NULL OR t.question = ?2)"            \
	" AND (?3 IS NULL OR r.ortsbezirk = ?3 OR (?3 = '' AND (r.ortsbezirk IS NULL OR"      \
	"  (r.ortsbezirk <> '" GP_SURVEY_OUTSIDE "' AND NOT EXISTS (SELECT 1 FROM districts d" \
	"   WHERE d.id = r.ortsbezirk AND d.layer = 'ortsbezirk')))))"                         \
	" AND (?4 = 0 OR t.id = ?4)"

static void bind_text_filter(sqlite3_stmt *st, const gp_store_survey_text_filter *f)
{
	bind_text_or_null(st, 1, f->status);
	bind_text_or_null(st, 2, f->question);
	bind_text_or_null(st, 3, f->ortsbezirk);
	sqlite3_bind_int64(st, 4, f->id);
}

int gp_store_survey_texts(gp_store *s, const gp_store_survey_text_filter *f, int64_t limit,
                          int64_t offset, gp_store_survey_text_cb cb, void *ctx,
                          int64_t *out_total)
{
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT count(*) FROM survey_texts t"
	                                    " JOIN survey_responses r ON r.id = t.response_id"
	                                    TEXT_WHERE);
	int rc = 0, src;

	if (!st)
		return GP_EFAULT;
	bind_text_filter(st, f);
	src = sqlite3_step(st);
	*out_total = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (src != SQLITE_ROW)
		return STORE_FAIL(s, src);
	st = gp_store_stmt(s, "SELECT t.id, t.question, t.status, r.ortsbezirk, r.day, a.text,"
	                      " t.updated FROM survey_texts t"
	                      " JOIN survey_responses r ON r.id = t.response_id"
	                      " JOIN survey_answers a ON a.response_id = t.response_id"
	                      "  AND a.question = t.question AND a.text IS NOT NULL"
	                      TEXT_WHERE " ORDER BY t.id LIMIT ?5 OFFSET ?6");
	if (!st)
		return GP_EFAULT;
	bind_text_filter(st, f);
	sqlite3_bind_int64(st, 5, limit);
	sqlite3_bind_int64(st, 6, offset);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		gp_store_survey_text t = {
			sqlite3_column_int64(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4),
			(const char *)sqlite3_column_text(st, 5),
			(const char *)sqlite3_column_text(st, 6),
		};
		if ((rc = cb(ctx, &t)))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

int gp_store_survey_text_set(gp_store *s, int64_t id, const char *status, const char *now)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "UPDATE survey_texts SET status = ?2, updated = ?3 WHERE id = ?1");
	int src;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return STORE_FAIL(s, src);
	return sqlite3_changes(s->db) ? 0 : GP_NOT_FOUND;
}
