/*
 * count.c — counting points without reading them: the counts the triggers
 * of 0005_read.sql keep per status, district pair, category, topic and
 * channel (point_counts), per day (point_days) and per block of ids
 * (point_blocks).
 *
 * Periods stay exact: a period is its whole days, summed from point_days,
 * plus the points of a partial first or last day, counted from the
 * creation index (which covers every filter, so no row is read).  When the
 * days outside a period are fewer than those inside, the period is
 * everything minus them.
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* Ids per block of point_blocks: `id >> 10` in 0005_read.sql. */
#define BLOCK_SHIFT 10

/* ---- days ------------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static int64_t civil_days(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, char out[11])
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	snprintf(out, 11, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m, (int)d);
}

/* The day number of "YYYY-MM-DD…" (a canonical time or a day key). */
static int64_t day_number(const char *s)
{
	int y = 0, m = 0, d = 0;

	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 0;
	return civil_days(y, m, d);
}

static void day_shift(const char *day, int64_t by, char out[11])
{
	civil_from_days(day_number(day) + by, out);
}

/* ---- the statements ---------------------------------------------------------- */

/* What a tally statement reads and between which bounds. */
enum source { FROM_COUNTS, FROM_DAYS_IN, FROM_DAYS_BEFORE, FROM_DAYS_AFTER, FROM_ROWS };

static const char *district_column(int layer)
{
	return layer == GP_LAYER_ORTSBEZIRK ? "ortsbezirk_id"
	       : layer == GP_LAYER_STADTTEIL ? "stadtteil_id" : "NULL";
}

/* Builds the statement for one source; status is always bound (>= 0 here). */
static void tally_sql(gp_buf *sql, const gp_point_filter *f, int layer, enum source from)
{
	const char *count = from == FROM_ROWS ? "count(*)" : "sum(n)";

	gp_buf_printf(sql, "SELECT %s, category, channel, %s FROM ", district_column(layer), count);
	switch (from) {
	case FROM_COUNTS:
		gp_buf_puts(sql, "point_counts WHERE status = :status");
		break;
	case FROM_DAYS_IN:
		gp_buf_puts(sql, "point_days WHERE status = :status AND day BETWEEN :d0 AND :d1");
		break;
	case FROM_DAYS_BEFORE:
		gp_buf_puts(sql, "point_days WHERE status = :status AND day < :d0");
		break;
	case FROM_DAYS_AFTER:
		gp_buf_puts(sql, "point_days WHERE status = :status AND day > :d1");
		break;
	case FROM_ROWS:
		gp_buf_puts(sql, "points INDEXED BY points_created WHERE status = :status"
		                 " AND created BETWEEN :t0 AND :t1");
		break;
	}
	if (f->category >= 0)
		gp_buf_puts(sql, " AND category = :category");
	if (f->channel >= 0)
		gp_buf_puts(sql, " AND channel = :channel");
	if (f->topic)
		gp_buf_puts(sql, " AND topic = :topic");
	if (f->district)
		gp_buf_puts(sql, f->district_layer == GP_LAYER_ORTSBEZIRK
		                         ? " AND ortsbezirk_id = :district"
		                 : f->district_layer == GP_LAYER_STADTTEIL
		                         ? " AND stadtteil_id = :district"
		                         : " AND (ortsbezirk_id = :district"
		                           " OR stadtteil_id = :district)");
	gp_buf_puts(sql, " GROUP BY 1, 2, 3");
}

static void bind_name(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i && v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

typedef struct tally_run {
	gp_store *s;
	const gp_point_filter *f;
	int status;
	int layer;
	gp_store_tally_cb cb;
	void *ctx;
	/* bounds: whole days d0 … d1, rows t0 … t1 */
	const char *d0, *d1, *t0, *t1;
} tally_run;

/* Runs one source, handing each group to the callback with `sign`. */
static int tally_from(tally_run *t, enum source from, int sign)
{
	const gp_point_filter *f = t->f;
	sqlite3_stmt *st;
	gp_buf sql;
	int rc = 0, src;

	gp_buf_init(&sql, 2048);
	tally_sql(&sql, f, t->layer, from);
	if ((rc = gp_buf_status(&sql)))
		goto out;
	if (!(st = gp_store_stmt(t->s, gp_buf_cstr(&sql)))) {
		rc = GP_EFAULT;
		goto out;
	}
	bind_name(st, ":status", gp_status_name((gp_status)t->status));
	if (f->category >= 0)
		bind_name(st, ":category", gp_category_name((gp_category)f->category));
	if (f->channel >= 0)
		bind_name(st, ":channel", gp_channel_name((gp_channel)f->channel));
	bind_name(st, ":topic", f->topic);
	bind_name(st, ":district", f->district);
	bind_name(st, ":d0", t->d0);
	bind_name(st, ":d1", t->d1);
	bind_name(st, ":t0", t->t0);
	bind_name(st, ":t1", t->t1);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *district = (const char *)sqlite3_column_text(st, 0);
		gp_category cat;
		gp_channel chan;

		if (gp_category_parse(&cat, (const char *)sqlite3_column_text(st, 1)) ||
		    gp_channel_parse(&chan, (const char *)sqlite3_column_text(st, 2))) {
			rc = GP_EFAULT;
			break;
		}
		if (district && !district[0])
			district = NULL; /* '' stands for none in the counts */
		if ((rc = t->cb(t->ctx, district, cat, chan, sign * sqlite3_column_int64(st, 3))))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(t->s, src);
	sqlite3_reset(st);
out:
	gp_buf_free(&sql);
	return rc;
}

/* The first and last day point_days holds for a status; 0 when none. */
static int day_span(gp_store *s, int status, int64_t *first, int64_t *last)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT (SELECT min(day) FROM point_days WHERE status = ?1),"
		   " (SELECT max(day) FROM point_days WHERE status = ?1)");
	int rc;

	*first = *last = 0;
	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, gp_status_name((gp_status)status), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*first = day_number((const char *)sqlite3_column_text(st, 0));
		*last = day_number((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : STORE_FAIL(s, rc);
}

/* One status: the period split into whole days and the partial days' rows. */
static int tally_status(tally_run *t)
{
	const gp_point_filter *f = t->f;
	char d0[11] = "", d1[11] = "", day_end[GP_TIME_LEN], day_start[GP_TIME_LEN];
	int since_part = 0, until_part = 0, rc;

	if (!f->since && !f->until)
		return tally_from(t, FROM_COUNTS, 1);
	if (f->since) {
		memcpy(d0, f->since, 10);
		since_part = strcmp(f->since + 10, "T00:00:00.000Z") != 0;
		snprintf(day_end, sizeof(day_end), "%.10sT23:59:59.999Z", f->since);
	}
	if (f->until) {
		memcpy(d1, f->until, 10);
		until_part = strcmp(f->until + 10, "T23:59:59.999Z") != 0;
		snprintf(day_start, sizeof(day_start), "%.10sT00:00:00.000Z", f->until);
	}
	if (f->since && f->until && strcmp(f->since, f->until) > 0)
		return 0; /* an empty period */
	/* The partial days, from the rows of the creation index. */
	if (since_part) {
		t->t0 = f->since;
		t->t1 = f->until && strcmp(f->until, day_end) < 0 ? f->until : day_end;
		if ((rc = tally_from(t, FROM_ROWS, 1)))
			return rc;
		day_shift(d0, 1, d0);
	}
	if (until_part && !(since_part && f->since && memcmp(f->since, f->until, 10) == 0)) {
		t->t0 = f->since && strcmp(f->since, day_start) > 0 ? f->since : day_start;
		t->t1 = f->until;
		if ((rc = tally_from(t, FROM_ROWS, 1)))
			return rc;
		day_shift(d1, -1, d1);
	}
	/* The whole days between: directly, or as all minus the days outside. */
	{
		int64_t first, last, lo, hi, in, out;

		if ((rc = day_span(t->s, t->status, &first, &last)) || first == 0)
			return rc;
		lo = f->since ? day_number(d0) : first;
		hi = f->until ? day_number(d1) : last;
		if (lo < first)
			lo = first;
		if (hi > last)
			hi = last;
		if (lo > hi)
			return 0;
		in = hi - lo + 1;
		out = (last - first + 1) - in;
		t->d0 = f->since ? d0 : NULL;
		t->d1 = f->until ? d1 : NULL;
		if (in <= out) {
			if (!t->d0)
				t->d0 = "0000-00-00";
			if (!t->d1)
				t->d1 = "9999-99-99";
			return tally_from(t, FROM_DAYS_IN, 1);
		}
		if ((rc = tally_from(t, FROM_COUNTS, 1)))
			return rc;
		if (t->d0 && (rc = tally_from(t, FROM_DAYS_BEFORE, -1)))
			return rc;
		if (t->d1 && (rc = tally_from(t, FROM_DAYS_AFTER, -1)))
			return rc;
		return 0;
	}
}

int gp_store_point_tally(gp_store *s, const gp_point_filter *f, int layer,
                         gp_store_tally_cb cb, void *ctx)
{
	int rc;

	for (int status = 0; status < GP_STATUS_COUNT; status++) {
		tally_run t = { s, f, status, layer, cb, ctx, NULL, NULL, NULL, NULL };

		if (f->status >= 0 && status != f->status)
			continue;
		if ((rc = tally_status(&t)))
			return rc;
	}
	return 0;
}

/* ---- deep offsets -------------------------------------------------------------- */

int gp_store_point_seek(gp_store *s, const gp_point_filter *f, int64_t offset,
                        int64_t *out_after_id)
{
	char sql[512];
	sqlite3_stmt *st;
	int64_t seen = 0, block = -1, k = 0;
	int rc, src;

	*out_after_id = 0;
	if (f->district || f->topic || f->since || f->until || f->has_grid || f->has_lonlat ||
	    f->has_xy || f->keep)
		return GP_INVALID;
	if (offset <= 0)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT block, sum(n) FROM point_blocks WHERE 1%s%s%s"
	         " GROUP BY block ORDER BY block",
	         f->status >= 0 ? " AND status = :status" : "",
	         f->category >= 0 ? " AND category = :category" : "",
	         f->channel >= 0 ? " AND channel = :channel" : "");
	if (!(st = gp_store_stmt(s, sql)))
		return GP_EFAULT;
	if (f->status >= 0)
		bind_name(st, ":status", gp_status_name((gp_status)f->status));
	if (f->category >= 0)
		bind_name(st, ":category", gp_category_name((gp_category)f->category));
	if (f->channel >= 0)
		bind_name(st, ":channel", gp_channel_name((gp_channel)f->channel));
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, 1);
		if (seen + n > offset) {
			block = sqlite3_column_int64(st, 0);
			k = offset - seen;
			break;
		}
		seen += n;
	}
	sqlite3_reset(st);
	if (src != SQLITE_ROW && src != SQLITE_DONE)
		return STORE_FAIL(s, src);
	if (block < 0) {
		*out_after_id = INT64_MAX;
		return 0;
	}
	/* Within the block: at most 1023 rows to pass. */
	snprintf(sql, sizeof(sql), "SELECT id FROM points NOT INDEXED WHERE id BETWEEN :lo AND :hi"
	         "%s%s%s ORDER BY id LIMIT 1 OFFSET :k",
	         f->status >= 0 ? " AND +status = :status" : "",
	         f->category >= 0 ? " AND category = :category" : "",
	         f->channel >= 0 ? " AND channel = :channel" : "");
	if (!(st = gp_store_stmt(s, sql)))
		return GP_EFAULT;
	if (f->status >= 0)
		bind_name(st, ":status", gp_status_name((gp_status)f->status));
	if (f->category >= 0)
		bind_name(st, ":category", gp_category_name((gp_category)f->category));
	if (f->channel >= 0)
		bind_name(st, ":channel", gp_channel_name((gp_channel)f->channel));
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":lo"), block << BLOCK_SHIFT);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":hi"),
	                   ((block + 1) << BLOCK_SHIFT) - 1);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":k"), k);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out_after_id = sqlite3_column_int64(st, 0) - 1;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		/* The blocks promised a row the table does not hold: a fault. */
		gp_log_error("point_blocks disagree with points in block %lld", (long long)block);
		return GP_EFAULT;
	}
	return rc == SQLITE_ROW ? 0 : STORE_FAIL(s, rc);
}

/* ---- periods as id ranges -------------------------------------------------------- */

int gp_store_point_id_range(gp_store *s, int status, const char *since, const char *until,
                            int64_t *out_lo, int64_t *out_hi)
{
	char d0[11] = "0000-00-00", d1[11] = "9999-99-99";
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT min(min_id), max(max_id) FROM point_days"
		   " WHERE (?1 IS NULL OR status = ?1) AND day BETWEEN ?2 AND ?3");
	int rc;

	*out_lo = *out_hi = 0;
	if (!st)
		return GP_EFAULT;
	if (since)
		memcpy(d0, since, 10);
	if (until)
		memcpy(d1, until, 10);
	if (status >= 0)
		sqlite3_bind_text(st, 1, gp_status_name((gp_status)status), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d0, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, d1, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*out_lo = sqlite3_column_int64(st, 0);
		*out_hi = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return STORE_FAIL(s, rc);
	return *out_lo ? 0 : GP_NOT_FOUND;
}
