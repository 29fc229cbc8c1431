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

/* ---- the statements ---------------------------------------------------------- */

/* What a tally statement reads and between which bounds. */
enum source {
	FROM_COUNTS,      /* everything */
	FROM_DAYS_IN,     /* whole days d0 … d1 */
	FROM_DAYS_BEFORE, /* whole days before d0 */
	FROM_DAYS_AFTER,  /* whole days after d1 */
	FROM_ROWS,        /* points created t0 … t1 */
	FROM_ROWS_BEFORE, /* points created t0 … before t1 */
	FROM_ROWS_AFTER   /* points created after t0 … t1 */
};

static const char *district_column(int layer)
{
	return layer == GP_LAYER_ORTSBEZIRK ? "ortsbezirk_id"
	       : layer == GP_LAYER_STADTTEIL ? "stadtteil_id" : "NULL";
}

/* A count without groups or filters but the status and the period. */
static int is_plain(const gp_point_filter *f, int layer)
{
	return layer < 0 && f->category < 0 && f->channel < 0 && !f->topic && !f->district;
}

/*
 * Builds the statement for one source; status is always bound (>= 0 here).
 * Plain counts read the totals per status and day instead.
 */
static void tally_sql(gp_buf *sql, const gp_point_filter *f, int layer, int plain,
                      int by_topic, enum source from)
{
	int rows = from >= FROM_ROWS;

	if (plain)
		gp_buf_printf(sql, "SELECT NULL, NULL, NULL, %s FROM ", rows ? "count(*)" : "sum(n)");
	else
		gp_buf_printf(sql, "SELECT %s, category, channel, %s%s FROM ", district_column(layer),
		              rows ? "count(*)" : "sum(n)", by_topic ? ", topic" : "");
	switch (from) {
	case FROM_COUNTS:
		gp_buf_puts(sql, plain ? "point_totals WHERE status = :status"
		                       : "point_counts WHERE status = :status");
		break;
	case FROM_DAYS_IN:
	case FROM_DAYS_BEFORE:
	case FROM_DAYS_AFTER:
		gp_buf_puts(sql, plain ? "point_day_totals" : "point_days");
		gp_buf_puts(sql, from == FROM_DAYS_IN ? " WHERE status = :status AND day BETWEEN :d0 AND :d1"
		                 : from == FROM_DAYS_BEFORE ? " WHERE status = :status AND day < :d0"
		                                            : " WHERE status = :status AND day > :d1");
		break;
	default:
		gp_buf_puts(sql, "points INDEXED BY points_created WHERE status = :status");
		gp_buf_puts(sql, from == FROM_ROWS ? " AND created BETWEEN :t0 AND :t1"
		                 : from == FROM_ROWS_BEFORE ? " AND created >= :t0 AND created < :t1"
		                                            : " AND created > :t0 AND created <= :t1");
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
	if (!plain)
		gp_buf_puts(sql, by_topic ? " GROUP BY 1, 2, 3, 5" : " GROUP BY 1, 2, 3");
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
	int plain;
	gp_store_tally_cb cb;
	gp_store_topic_tally_cb topic_cb; /* set: the groups are by topic too */
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
	tally_sql(&sql, f, t->layer, t->plain, t->topic_cb != NULL, from);
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
		gp_category cat = GP_CATEGORY_FAVOURITE;
		gp_channel chan = GP_CHANNEL_ONLINE;

		/* A plain count has no groups: its parts come as one. */
		if (!t->plain &&
		    (gp_category_parse(&cat, (const char *)sqlite3_column_text(st, 1)) ||
		     gp_channel_parse(&chan, (const char *)sqlite3_column_text(st, 2)))) {
			rc = GP_EFAULT;
			break;
		}
		if (district && !district[0])
			district = NULL; /* '' stands for none in the counts */
		if (t->topic_cb) {
			/* '' in the kept counts, NULL in the points table */
			const char *topic = (const char *)sqlite3_column_text(st, 4);
			rc = t->topic_cb(t->ctx, district, topic && topic[0] ? topic : NULL, cat, chan,
			                 sign * sqlite3_column_int64(st, 3));
		} else {
			rc = t->cb(t->ctx, district, cat, chan, sign * sqlite3_column_int64(st, 3));
		}
		if (rc)
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(t->s, src);
	sqlite3_reset(st);
out:
	gp_buf_free(&sql);
	return rc;
}

/* The first and last day point_day_totals holds for a status; 0 when none. */
static int day_span(gp_store *s, int status, int64_t *first, int64_t *last)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT (SELECT min(day) FROM point_day_totals WHERE status = ?1),"
		   " (SELECT max(day) FROM point_day_totals WHERE status = ?1)");
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

/* The part of its day a canonical time has gone by, 0 … 1. */
static double day_fraction(const char *t)
{
	int h = 0, m = 0, sec = 0, ms = 0;

	if (sscanf(t + 11, "%2d:%2d:%2d.%3d", &h, &m, &sec, &ms) != 4)
		return 0;
	return ((h * 60.0 + m) * 60.0 + sec + ms / 1000.0) / 86400.0;
}

/* The whole days lo … hi (day numbers): directly, or all minus the days outside. */
static int tally_days(tally_run *t, int64_t lo, int64_t hi)
{
	char d0[11], d1[11];
	int64_t first, last, in, out;
	int rc;

	if ((rc = day_span(t->s, t->status, &first, &last)) || first == 0)
		return rc;
	if (lo < first)
		lo = first;
	if (hi > last)
		hi = last;
	if (lo > hi)
		return 0;
	civil_from_days(lo, d0);
	civil_from_days(hi, d1);
	t->d0 = d0;
	t->d1 = d1;
	in = hi - lo + 1;
	out = (last - first + 1) - in;
	if (in <= out)
		rc = tally_from(t, FROM_DAYS_IN, 1);
	else if (!(rc = tally_from(t, FROM_COUNTS, 1)) && lo > first)
		rc = tally_from(t, FROM_DAYS_BEFORE, -1);
	if (!rc && in > out && hi < last)
		rc = tally_from(t, FROM_DAYS_AFTER, -1);
	t->d0 = t->d1 = NULL;
	return rc;
}

/* Rows created between t0 and t1 (as `from` bounds them), with sign. */
static int tally_rows(tally_run *t, enum source from, const char *t0, const char *t1, int sign)
{
	int rc;

	t->t0 = t0;
	t->t1 = t1;
	rc = tally_from(t, from, sign);
	t->t0 = t->t1 = NULL;
	return rc;
}

/*
 * One status: the period split into whole days and the rows of its partial
 * days — the part of such a day inside the period, or, when that is the
 * larger part, the whole day minus the rows outside.
 */
static int tally_status(tally_run *t)
{
	const gp_point_filter *f = t->f;
	char start[GP_TIME_LEN], end[GP_TIME_LEN];
	int64_t lo = INT64_MIN / 2, hi = INT64_MAX / 2;
	int since_part = 0, until_part = 0, rc;

	if (!f->since && !f->until)
		return tally_from(t, FROM_COUNTS, 1);
	if (f->since && f->until && strcmp(f->since, f->until) > 0)
		return 0; /* an empty period */
	if (f->since) {
		lo = day_number(f->since);
		since_part = strcmp(f->since + 10, "T00:00:00.000Z") != 0;
	}
	if (f->until) {
		hi = day_number(f->until);
		until_part = strcmp(f->until + 10, "T23:59:59.999Z") != 0;
	}
	if (f->since && f->until && lo == hi && (since_part || until_part)) {
		/* Within one day. */
		snprintf(start, sizeof(start), "%.10sT00:00:00.000Z", f->since);
		snprintf(end, sizeof(end), "%.10sT23:59:59.999Z", f->since);
		if (day_fraction(f->until) - day_fraction(f->since) <= 0.5)
			return tally_rows(t, FROM_ROWS, f->since, f->until, 1);
		if ((rc = tally_days(t, lo, hi)) ||
		    (since_part && (rc = tally_rows(t, FROM_ROWS_BEFORE, start, f->since, -1))) ||
		    (until_part && (rc = tally_rows(t, FROM_ROWS_AFTER, f->until, end, -1))))
			return rc;
		return 0;
	}
	if (since_part) {
		snprintf(start, sizeof(start), "%.10sT00:00:00.000Z", f->since);
		snprintf(end, sizeof(end), "%.10sT23:59:59.999Z", f->since);
		if (1 - day_fraction(f->since) <= 0.5) {
			if ((rc = tally_rows(t, FROM_ROWS, f->since, end, 1)))
				return rc;
			lo++;
		} else if ((rc = tally_rows(t, FROM_ROWS_BEFORE, start, f->since, -1))) {
			return rc;
		}
	}
	if (until_part) {
		snprintf(start, sizeof(start), "%.10sT00:00:00.000Z", f->until);
		snprintf(end, sizeof(end), "%.10sT23:59:59.999Z", f->until);
		if (day_fraction(f->until) <= 0.5) {
			if ((rc = tally_rows(t, FROM_ROWS, start, f->until, 1)))
				return rc;
			hi--;
		} else if ((rc = tally_rows(t, FROM_ROWS_AFTER, f->until, end, -1))) {
			return rc;
		}
	}
	return tally_days(t, lo, hi);
}

static int tally_all(gp_store *s, const gp_point_filter *f, int layer, int plain,
                     gp_store_tally_cb cb, gp_store_topic_tally_cb topic_cb, void *ctx)
{
	int rc;

	for (int status = 0; status < GP_STATUS_COUNT; status++) {
		tally_run t = { s, f, status, layer, plain, cb, topic_cb, ctx, NULL, NULL, NULL, NULL };

		if (f->status >= 0 && status != f->status)
			continue;
		if ((rc = tally_status(&t)))
			return rc;
	}
	return 0;
}

int gp_store_point_tally(gp_store *s, const gp_point_filter *f, int layer,
                         gp_store_tally_cb cb, void *ctx)
{
	return tally_all(s, f, layer, 0, cb, NULL, ctx);
}

int gp_store_point_tally_topics(gp_store *s, const gp_point_filter *f, int layer,
                                gp_store_topic_tally_cb cb, void *ctx)
{
	return tally_all(s, f, layer, 0, NULL, cb, ctx);
}

static int add_up(void *ctx, const char *district_id, gp_category cat, gp_channel chan,
                  int64_t n)
{
	(void)district_id;
	(void)cat;
	(void)chan;
	*(int64_t *)ctx += n;
	return 0;
}

int store_count_tallied(gp_store *s, const gp_point_filter *f, int64_t *out)
{
	*out = 0;
	return tally_all(s, f, -1, is_plain(f, -1), add_up, NULL, out);
}

/* ---- deep offsets -------------------------------------------------------------- */

/* The status, category and channel of f, where a statement names them. */
static void bind_scalars(sqlite3_stmt *st, const gp_point_filter *f)
{
	if (f->status >= 0)
		bind_name(st, ":status", gp_status_name((gp_status)f->status));
	if (f->category >= 0)
		bind_name(st, ":category", gp_category_name((gp_category)f->category));
	if (f->channel >= 0)
		bind_name(st, ":channel", gp_channel_name((gp_channel)f->channel));
}

int gp_store_point_seek(gp_store *s, const gp_point_filter *f, int64_t offset,
                        int64_t *out_after_id)
{
	char sql[512];
	sqlite3_stmt *st;
	int64_t seen = 0, block = -1, k = 0;
	int rc, src;

	*out_after_id = 0;
	if (f->district || f->topic || f->since || f->until || f->has_grid || f->has_lonlat ||
	    f->has_xy || f->keep || f->flagged || f->event > 0 || f->outcome >= 0)
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
	bind_scalars(st, f);
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
	bind_scalars(st, f);
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
		s, "SELECT min(min_id), max(max_id) FROM point_day_totals"
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
