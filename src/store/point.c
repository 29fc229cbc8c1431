/*
 * point.c — participation points: insert, read, filtered queries along the
 * path the caller planned, extents, and the walk used to reassign
 * districts.
 *
 * Filtered queries are assembled from fixed fragments in a fixed order, so
 * every combination of filters maps to one SQL text and one cached
 * statement; values are always bound, never pasted — statuses included:
 * which ones a query reads is the caller's to say.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "store_int.h"

#define POINT_COLUMNS                                                         \
	"p.id, p.category, p.comment, p.topic, p.status, p.created, p.updated," \
	" p.supporters, p.ortsbezirk_id, ob.name, p.stadtteil_id, st.name,"     \
	" p.x, p.y, p.lon, p.lat, p.channel, p.note, p.event, p.reply, p.reply_at,"  \
	" p.outcome"
/*
 * The 23rd and 24th columns: citizen flags and their reasons with how often
 * each was given ("spam:2,other:1", most frequent first), for staff reads
 * only.
 */
#define FLAGS_COLUMN                                                           \
	", (SELECT count(*) FROM flags f WHERE f.point_id = p.id),"              \
	" (SELECT group_concat(reason || ':' || n, ',') FROM (SELECT reason,"   \
	" count(*) AS n FROM flags f WHERE f.point_id = p.id GROUP BY reason"   \
	" ORDER BY n DESC, reason))"
#define NO_FLAGS_COLUMN ", 0, NULL"
/* The column after those (nearby's squared distance). */
#define DISTANCE_COLUMN 24
/*
 * The same without the district names: listings and exports find them in
 * a small table read once per query (names_load) — two joins per row cost
 * more than everything else SQLite does for an export.
 */
#define POINT_COLUMNS_BARE                                                    \
	"p.id, p.category, p.comment, p.topic, p.status, p.created, p.updated," \
	" p.supporters, p.ortsbezirk_id, NULL, p.stadtteil_id, NULL,"           \
	" p.x, p.y, p.lon, p.lat, p.channel, p.note, p.event, p.reply, p.reply_at," \
	" p.outcome"

/* "SELECT <bare columns, flags>" for a filter (staff reads count flags). */
static void select_bare(gp_buf *sql, const gp_point_filter *f)
{
	gp_buf_puts(sql, "SELECT " POINT_COLUMNS_BARE);
	gp_buf_puts(sql, f->staff ? FLAGS_COLUMN : NO_FLAGS_COLUMN);
}
#define POINT_FROM                                                            \
	" FROM points p"                                                       \
	" LEFT JOIN districts ob ON ob.id = p.ortsbezirk_id"                   \
	" LEFT JOIN districts st ON st.id = p.stadtteil_id"

void gp_point_filter_init(gp_point_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->status = -1;
	f->category = -1;
	f->channel = -1;
	f->outcome = -1;
	f->district_layer = -1;
	f->limit = -1;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Fills p from a row of POINT_COLUMNS; strings borrowed from the row. */
static int read_row(sqlite3_stmt *st, gp_point *p)
{
	const char *created = col_text(st, 5), *updated = col_text(st, 6);

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	if (gp_category_parse(&p->category, col_text(st, 1)) ||
	    gp_status_parse(&p->status, col_text(st, 4)))
		return GP_EFAULT;
	p->comment = col_text(st, 2);
	p->topic = col_text(st, 3);
	gp_strlcpy(p->created, created ? created : "", sizeof(p->created));
	gp_strlcpy(p->updated, updated ? updated : "", sizeof(p->updated));
	p->supporters = sqlite3_column_int64(st, 7);
	p->ortsbezirk.id = col_text(st, 8);
	p->ortsbezirk.name = col_text(st, 9);
	p->stadtteil.id = col_text(st, 10);
	p->stadtteil.name = col_text(st, 11);
	p->x = sqlite3_column_double(st, 12);
	p->y = sqlite3_column_double(st, 13);
	p->lon = sqlite3_column_double(st, 14);
	p->lat = sqlite3_column_double(st, 15);
	if (gp_channel_parse(&p->channel, col_text(st, 16)))
		return GP_EFAULT;
	p->note = col_text(st, 17);
	p->event = sqlite3_column_int64(st, 18);
	p->reply = col_text(st, 19);
	gp_strlcpy(p->reply_at, col_text(st, 20) ? col_text(st, 20) : "", sizeof(p->reply_at));
	if (gp_outcome_parse(&p->outcome, col_text(st, 21)))
		return GP_EFAULT;
	p->flags = sqlite3_column_int64(st, 22);
	p->flag_reasons = col_text(st, 23);
	return 0;
}

int gp_store_point_insert(gp_store *s, gp_point *p)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "INSERT INTO points (category, comment, topic, status, created,"
		   " updated, supporters, ortsbezirk_id, stadtteil_id, lon, lat, x, y,"
		   " channel, note, cell, event, geom) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		   " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, MakePoint(?12, ?13, 25832))");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, gp_category_name(p->category), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->comment, -1, SQLITE_STATIC);
	if (p->topic)
		sqlite3_bind_text(st, 3, p->topic, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, gp_status_name(p->status), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->created, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->updated, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, p->supporters);
	if (p->ortsbezirk.id)
		sqlite3_bind_text(st, 8, p->ortsbezirk.id, -1, SQLITE_STATIC);
	if (p->stadtteil.id)
		sqlite3_bind_text(st, 9, p->stadtteil.id, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 10, p->lon);
	sqlite3_bind_double(st, 11, p->lat);
	sqlite3_bind_double(st, 12, p->x);
	sqlite3_bind_double(st, 13, p->y);
	sqlite3_bind_text(st, 14, gp_channel_name(p->channel), -1, SQLITE_STATIC);
	if (p->note)
		sqlite3_bind_text(st, 15, p->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 16, gp_store_point_cell(p->lon, p->lat));
	if (p->event > 0)
		sqlite3_bind_int64(st, 17, p->event);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return STORE_FAIL(s, rc);
	p->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int gp_store_point_get(gp_store *s, int64_t id, int status, gp_store_point_cb cb,
                       void *ctx)
{
	sqlite3_stmt *st;
	gp_point p;
	int rc;

	st = gp_store_stmt(s, "SELECT " POINT_COLUMNS FLAGS_COLUMN POINT_FROM
	                      " WHERE p.id = ?1 AND (?2 IS NULL OR p.status = ?2)");
	if (!st)
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, id);
	if (status >= 0)
		sqlite3_bind_text(st, 2, gp_status_name((gp_status)status), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return GP_NOT_FOUND;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return STORE_FAIL(s, rc);
	}
	rc = read_row(st, &p);
	if (!rc)
		rc = cb(ctx, &p);
	sqlite3_reset(st);
	return rc;
}

/* ---- the grid (grid.h) ---------------------------------------------------- */

int64_t gp_store_point_cell(double lon, double lat)
{
	return gp_store_grid_cell(gp_store_grid_row(lat), gp_store_grid_col(lon));
}

/* geopart_cell(lon, lat): for rows written before the grid lived in C. */
static void sql_cell(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return; /* NULL */
	sqlite3_result_int64(cx, gp_store_point_cell(sqlite3_value_double(argv[0]),
	                                             sqlite3_value_double(argv[1])));
}

int gp_store_grid_register(gp_store *s)
{
	int rc = sqlite3_create_function(s->db, "geopart_cell", 2,
	                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_cell,
	                                 NULL, NULL);

	return rc == SQLITE_OK ? 0 : STORE_FAIL(s, rc);
}

/* ---- filtered queries ----------------------------------------------------
 *
 * Without a spatial filter, rows in id order come along the path the
 * caller planned: the table by id (the status test is written `+p.status`
 * and the table NOT INDEXED, so SQLite never picks an index and then sorts
 * the whole result: an export must stream, not sort), or one equality
 * filter's index, which holds ids in order after (value, status).
 *
 * With one, candidates come from the grid: one range of cell numbers per
 * row of cells, read from the covering index points_grid.  Counts add the
 * per-cell totals of cells wholly inside the inner box and test only the
 * points of the cells along the border.
 */

typedef gp_store_cells cells;

static int clamp_box(gp_bbox b, gp_bbox *out)
{
	if (!(b.minx <= b.maxx && b.miny <= b.maxy))
		return 0;
	out->minx = b.minx < -180 ? -180 : b.minx > 180 ? 180 : b.minx;
	out->maxx = b.maxx < -180 ? -180 : b.maxx > 180 ? 180 : b.maxx;
	out->miny = b.miny < -90 ? -90 : b.miny > 90 ? 90 : b.miny;
	out->maxy = b.maxy < -90 ? -90 : b.maxy > 90 ? 90 : b.maxy;
	return 1;
}

/*
 * Returns 1 and fills c when f can use the grid.  A cell strictly between
 * the first and the last row and column of a box holds only points inside
 * it: the cell numbers grow with lon and lat, so a point in such a cell
 * cannot lie at or beyond the box's edges.
 */
int gp_store_grid_cells(const gp_point_filter *f, cells *c)
{
	gp_bbox outer, inner;
	int has_inner;

	if (f->status < 0)
		return 0;
	if (f->has_grid) {
		if (!clamp_box(f->grid_outer, &outer))
			return 0;
		has_inner = f->has_inner && clamp_box(f->grid_inner, &inner);
	} else if (f->has_lonlat) {
		if (!clamp_box(f->lonlat, &outer))
			return 0;
		inner = outer;
		has_inner = !f->has_xy && !f->keep;
	} else {
		return 0;
	}
	c->r0 = gp_store_grid_row(outer.miny);
	c->r1 = gp_store_grid_row(outer.maxy);
	c->c0 = gp_store_grid_col(outer.minx);
	c->c1 = gp_store_grid_col(outer.maxx);
	c->inner = 0;
	if (has_inner) {
		c->ir0 = gp_store_grid_row(inner.miny) + 1;
		c->ir1 = gp_store_grid_row(inner.maxy) - 1;
		c->ic0 = gp_store_grid_col(inner.minx) + 1;
		c->ic1 = gp_store_grid_col(inner.maxx) - 1;
		if (c->ir0 < c->r0)
			c->ir0 = c->r0;
		if (c->ir1 > c->r1)
			c->ir1 = c->r1;
		if (c->ic0 < c->c0)
			c->ic0 = c->c0;
		if (c->ic1 > c->c1)
			c->ic1 = c->c1;
		c->inner = c->ir0 <= c->ir1 && c->ic0 <= c->ic1;
	}
	return 1;
}

/* The filters of staff work, which no kept count answers (store.h). */
static int scan_only(const gp_point_filter *f)
{
	return f->flagged || f->event > 0 || f->outcome >= 0;
}

/* The filters that per-cell totals cannot answer. */
static int needs_rows(const gp_point_filter *f)
{
	return f->district || f->topic || f->since || f->until || f->channel >= 0 ||
	       scan_only(f);
}

static int has_spatial(const gp_point_filter *f)
{
	return f->has_grid || f->has_lonlat || f->has_xy || f->keep;
}

/* Appends " AND …" for every filter but status and paging. */
static void filter_terms(gp_buf *sql, const gp_point_filter *f)
{
	if (f->category >= 0)
		gp_buf_puts(sql, " AND p.category = :category");
	if (f->channel >= 0)
		gp_buf_puts(sql, " AND p.channel = :channel");
	if (f->district)
		gp_buf_puts(sql, f->district_layer == GP_LAYER_ORTSBEZIRK
		                         ? " AND p.ortsbezirk_id = :district"
		                 : f->district_layer == GP_LAYER_STADTTEIL
		                         ? " AND p.stadtteil_id = :district"
		                         : " AND (p.ortsbezirk_id = :district"
		                           " OR p.stadtteil_id = :district)");
	if (f->topic)
		gp_buf_puts(sql, " AND p.topic = :topic");
	if (f->since)
		gp_buf_puts(sql, " AND p.created >= :since");
	if (f->until)
		gp_buf_puts(sql, " AND p.created <= :until");
	if (f->flagged)
		gp_buf_puts(sql, " AND EXISTS (SELECT 1 FROM flags fl WHERE fl.point_id = p.id)");
	if (f->event > 0)
		gp_buf_puts(sql, " AND p.event = :event");
	if (f->outcome >= 0)
		gp_buf_puts(sql, " AND p.outcome = :outcome");
	if (f->has_lonlat)
		gp_buf_puts(sql, " AND p.lon BETWEEN :lminx AND :lmaxx"
		                 " AND p.lat BETWEEN :lminy AND :lmaxy");
	if (f->has_xy)
		gp_buf_puts(sql, " AND p.x BETWEEN :xminx AND :xmaxx"
		                 " AND p.y BETWEEN :xminy AND :xmaxy");
}

static void bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static void bind_double(sqlite3_stmt *st, const char *name, double v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i)
		sqlite3_bind_double(st, i, v);
}

static void bind_i64(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i)
		sqlite3_bind_int64(st, i, v);
}

static void bind_box(sqlite3_stmt *st, const char *prefix, const gp_bbox *b)
{
	char name[16];

	snprintf(name, sizeof(name), ":%sminx", prefix);
	bind_double(st, name, b->minx);
	snprintf(name, sizeof(name), ":%sminy", prefix);
	bind_double(st, name, b->miny);
	snprintf(name, sizeof(name), ":%smaxx", prefix);
	bind_double(st, name, b->maxx);
	snprintf(name, sizeof(name), ":%smaxy", prefix);
	bind_double(st, name, b->maxy);
}

static void bind_filter(sqlite3_stmt *st, const gp_point_filter *f)
{
	if (f->status >= 0)
		bind_text(st, ":status", gp_status_name((gp_status)f->status));
	if (f->category >= 0)
		bind_text(st, ":category", gp_category_name((gp_category)f->category));
	if (f->channel >= 0)
		bind_text(st, ":channel", gp_channel_name((gp_channel)f->channel));
	if (f->district)
		bind_text(st, ":district", f->district);
	if (f->topic)
		bind_text(st, ":topic", f->topic);
	if (f->since)
		bind_text(st, ":since", f->since);
	if (f->until)
		bind_text(st, ":until", f->until);
	if (f->event > 0)
		bind_i64(st, ":event", f->event);
	if (f->outcome >= 0)
		bind_text(st, ":outcome", gp_outcome_name((gp_outcome)f->outcome));
	if (f->has_lonlat)
		bind_box(st, "l", &f->lonlat);
	if (f->has_xy)
		bind_box(st, "x", &f->xy);
	/* The first cell of a row of cells is row × rowstep (grid.h). */
	bind_i64(st, ":rowstep", gp_store_grid_cell(1, 0));
}

/* Prepares (from the cache) the statement built in sql, bound to f. */
static sqlite3_stmt *prepare(gp_store *s, gp_buf *sql, const gp_point_filter *f, int *rc)
{
	sqlite3_stmt *st;

	if ((*rc = gp_buf_status(sql)))
		return NULL;
	if (!(st = gp_store_stmt(s, gp_buf_cstr(sql)))) {
		*rc = GP_EFAULT;
		return NULL;
	}
	bind_filter(st, f);
	return st;
}

/* Steps a statement that returns one row of integers into out[0..n). */
static int step_numbers(gp_store *s, sqlite3_stmt *st, int64_t *out, int n)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			out[i] = sqlite3_column_int64(st, i);
		rc = 0;
	} else {
		rc = STORE_FAIL(s, rc);
	}
	sqlite3_reset(st);
	return rc;
}

/*
 * The ranges of cell numbers of a box that need their points tested: every
 * row without inner cells whole, and the border cells left and right of
 * the inner ones.  One statement for the whole box rather than one per
 * row of cells: a viewport has dozens of rows, and each statement run
 * costs a reset, a cursor and a descent from the root.
 */
#define BORDER_RANGES                                                                  \
	"WITH RECURSIVE rows(r) AS (SELECT :r0 UNION ALL SELECT r + 1 FROM rows"           \
	" WHERE r < :r1),"                                                                 \
	" ranges(lo, hi) AS ("                                                             \
	"SELECT r * :rowstep + :c0, r * :rowstep + :c1 FROM rows WHERE r < :ir0 OR r > :ir1" \
	" UNION ALL SELECT r * :rowstep + :c0, r * :rowstep + :ic0 - 1 FROM rows"          \
	" WHERE r BETWEEN :ir0 AND :ir1 AND :ic0 > :c0"                                    \
	" UNION ALL SELECT r * :rowstep + :ic1 + 1, r * :rowstep + :c1 FROM rows"          \
	" WHERE r BETWEEN :ir0 AND :ir1 AND :ic1 < :c1) "

/* The grid cells the points of a status lie in, from the ends of two indexes. */
static int data_cells(gp_store *s, int status, cells *out)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT (SELECT min(lon) FROM points WHERE status = ?1),"
		   " (SELECT min(lat) FROM points WHERE status = ?1),"
		   " (SELECT max(lon) FROM points WHERE status = ?1),"
		   " (SELECT max(lat) FROM points WHERE status = ?1)");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, gp_status_name((gp_status)status), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
			rc = GP_NOT_FOUND;
		} else {
			out->c0 = gp_store_grid_col(sqlite3_column_double(st, 0));
			out->r0 = gp_store_grid_row(sqlite3_column_double(st, 1));
			out->c1 = gp_store_grid_col(sqlite3_column_double(st, 2));
			out->r1 = gp_store_grid_row(sqlite3_column_double(st, 3));
			rc = 0;
		}
	} else {
		rc = STORE_FAIL(s, rc);
	}
	sqlite3_reset(st);
	return rc;
}

/*
 * Counts the candidates in the ranges of `c` (every row outside its inner
 * rows whole, the others left and right of its inner columns) that pass
 * f's filters and — with outside set — fail its exact tests.
 */
static int count_ranges(gp_store *s, const gp_point_filter *f, const cells *c, int inner,
                        int outside, int64_t *out)
{
	/* Without inner cells every row is a border row. */
	int64_t ir0 = inner ? c->ir0 : c->r1 + 1, ir1 = inner ? c->ir1 : c->r1, n = 0;
	sqlite3_stmt *st;
	gp_buf sql;
	int rc = 0;

	gp_buf_init(&sql, 4096);
	gp_buf_puts(&sql, BORDER_RANGES);
	gp_buf_puts(&sql, f->keep ? "SELECT p.x, p.y" : "SELECT count(*)");
	gp_buf_puts(&sql, " FROM ranges CROSS JOIN points p INDEXED BY points_grid"
	                  " ON p.status = :status AND p.cell BETWEEN ranges.lo AND ranges.hi"
	                  " WHERE 1");
	if (outside) {
		gp_point_filter g = *f;
		/* The spatial tests, negated: the box's points are counted elsewhere. */
		g.has_lonlat = g.has_xy = 0;
		filter_terms(&sql, &g);
		if (f->has_lonlat || f->has_xy) {
			gp_buf_puts(&sql, " AND NOT (1");
			g = *f;
			g.category = g.channel = -1;
			g.district = g.topic = g.since = g.until = NULL;
			g.flagged = 0;
			g.event = 0;
			g.outcome = -1;
			filter_terms(&sql, &g);
			gp_buf_putc(&sql, ')');
		}
	} else {
		filter_terms(&sql, f);
	}
	if (!(st = prepare(s, &sql, f, &rc)))
		goto out;
	bind_i64(st, ":r0", c->r0);
	bind_i64(st, ":r1", c->r1);
	bind_i64(st, ":c0", c->c0);
	bind_i64(st, ":c1", c->c1);
	bind_i64(st, ":ir0", ir0);
	bind_i64(st, ":ir1", ir1);
	bind_i64(st, ":ic0", c->ic0);
	bind_i64(st, ":ic1", c->ic1);
	if (!f->keep) {
		rc = step_numbers(s, st, &n, 1);
	} else {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			n += (f->keep(f->keep_ctx, sqlite3_column_double(st, 0),
			              sqlite3_column_double(st, 1)) != 0) != outside;
		sqlite3_reset(st);
		rc = rc == SQLITE_DONE ? 0 : STORE_FAIL(s, rc);
	}
	*out = n;
out:
	gp_buf_free(&sql);
	return rc;
}

/*
 * A box's count: the per-cell totals of its inner cells and the points of
 * its border cells.  Where filters keep the totals from helping and the box
 * holds most of the points, it is all points that pass the filters (from
 * the counts) minus those outside the box, which are fewer to look at.
 */
static int count_grid(gp_store *s, const gp_point_filter *f, const cells *c, int64_t *out)
{
	int64_t n = 0, sums[2];
	sqlite3_stmt *st;
	cells all = { 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	int rc;

	if (needs_rows(f) && c->inner && !data_cells(s, f->status, &all)) {
		int64_t in_cols = c->ic1 - c->ic0 + 1, in_rows = c->ir1 - c->ir0 + 1;
		int64_t cols = all.c1 - all.c0 + 1, rows = all.r1 - all.r0 + 1;
		if (2 * in_cols * in_rows > cols * rows) {
			int64_t outside = 0;
			all.inner = 1;
			all.ir0 = c->ir0;
			all.ir1 = c->ir1;
			all.ic0 = c->ic0;
			all.ic1 = c->ic1;
			if ((rc = store_count_tallied(s, f, &n)) ||
			    (rc = count_ranges(s, f, &all, 1, 1, &outside)))
				return rc;
			*out = n - outside;
			return 0;
		}
	}
	if ((rc = count_ranges(s, f, c, c->inner && !needs_rows(f), 0, &n)))
		return rc;
	if (c->inner && !needs_rows(f)) {
		/* Cells wholly inside: their totals, kept by triggers (0005_read.sql). */
		st = gp_store_stmt(s, "WITH RECURSIVE rows(r) AS (SELECT ?2 UNION ALL"
		                      " SELECT r + 1 FROM rows WHERE r < ?3)"
		                      " SELECT coalesce(sum(c.favourite), 0),"
		                      " coalesce(sum(c.improvement), 0) FROM rows CROSS JOIN"
		                      " point_cells c ON c.status = ?1 AND c.cell BETWEEN"
		                      " rows.r * ?6 + ?4 AND rows.r * ?6 + ?5");
		if (!st)
			return GP_EFAULT;
		sqlite3_bind_text(st, 1, gp_status_name((gp_status)f->status), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, c->ir0);
		sqlite3_bind_int64(st, 3, c->ir1);
		sqlite3_bind_int64(st, 4, c->ic0);
		sqlite3_bind_int64(st, 5, c->ic1);
		sqlite3_bind_int64(st, 6, gp_store_grid_cell(1, 0));
		if ((rc = step_numbers(s, st, sums, 2)))
			return rc;
		n += f->category < 0 ? sums[0] + sums[1]
		                     : sums[f->category == GP_CATEGORY_IMPROVEMENT];
	}
	*out = n;
	return 0;
}

int gp_store_point_count(gp_store *s, const gp_point_filter *f, int64_t *out)
{
	sqlite3_stmt *st;
	gp_buf sql;
	cells c;
	int rc;

	*out = 0;
	if (gp_store_grid_cells(f, &c))
		return count_grid(s, f, &c, out);
	if (f->keep)
		return GP_EFAULT; /* a keep test needs a grid (see store.h) */
	if (!has_spatial(f) && !needs_rows(f) && f->status >= 0) {
		/* Kept by triggers (0004_grid.sql): one row, not thousands. */
		st = gp_store_stmt(s, "SELECT coalesce(sum(n), 0) FROM point_totals"
		                      " WHERE status = ?1 AND (?2 IS NULL OR category = ?2)");
		if (!st)
			return GP_EFAULT;
		sqlite3_bind_text(st, 1, gp_status_name((gp_status)f->status), -1, SQLITE_STATIC);
		if (f->category >= 0)
			sqlite3_bind_text(st, 2, gp_category_name((gp_category)f->category), -1,
			                  SQLITE_STATIC);
		return step_numbers(s, st, out, 1);
	}
	if (!has_spatial(f) && !scan_only(f))
		return store_count_tallied(s, f, out);
	/* A box in any status: only staff ask, and rarely. */
	gp_buf_init(&sql, 4096);
	gp_buf_puts(&sql, "SELECT count(*) FROM points p WHERE 1");
	if (f->status >= 0)
		gp_buf_puts(&sql, " AND p.status = :status");
	filter_terms(&sql, f);
	if ((st = prepare(s, &sql, f, &rc)))
		rc = step_numbers(s, st, out, 1);
	gp_buf_free(&sql);
	return rc;
}

/*
 * District names by id, kept on the connection for the boundary version
 * they were read at (a boundary import bumps districts_version).  Every
 * row asks twice, so ids are hashed into `slot` (open addressing, index +
 * 1, at most a quarter full) rather than compared one by one — they share
 * prefixes like "ob-".
 */
struct store_names {
	int64_t version;
	size_t n;
	char **id, **name;
	size_t *slot, mask;
};

static size_t names_hash(const store_names *nm, const char *id)
{
	size_t h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h & nm->mask;
}

/* Builds the table once every row is read. */
static int names_index(store_names *nm)
{
	size_t cap = 16;

	while (cap < 4 * nm->n)
		cap *= 2;
	if (!(nm->slot = calloc(cap, sizeof(*nm->slot))))
		return GP_ENOMEM;
	nm->mask = cap - 1;
	for (size_t i = 0; i < nm->n; i++)
		for (size_t h = names_hash(nm, nm->id[i]);; h = (h + 1) & nm->mask)
			if (nm->slot[h] == 0) {
				nm->slot[h] = i + 1;
				break;
			}
	return 0;
}

void store_names_free(store_names *nm)
{
	if (!nm)
		return;
	for (size_t i = 0; i < nm->n; i++) {
		free(nm->id[i]);
		free(nm->name[i]);
	}
	free(nm->id);
	free(nm->name);
	free(nm->slot);
	free(nm);
}

static int names_read(gp_store *s, store_names *nm)
{
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT id, name FROM districts");
	size_t cap = 0;
	int rc;

	if (!st)
		return GP_EFAULT;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nm->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **id = realloc(nm->id, ncap * sizeof(*id));
			char **name = id ? realloc(nm->name, ncap * sizeof(*name)) : NULL;
			if (id)
				nm->id = id;
			if (name)
				nm->name = name;
			if (!id || !name) {
				rc = GP_ENOMEM;
				goto fail;
			}
			cap = ncap;
		}
		nm->id[nm->n] = gp_strdup(col_text(st, 0));
		nm->name[nm->n] = gp_strdup(col_text(st, 1));
		nm->n++;
		if (!nm->id[nm->n - 1] || !nm->name[nm->n - 1]) {
			rc = GP_ENOMEM;
			goto fail;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return STORE_FAIL(s, rc);
	return names_index(nm);
fail:
	sqlite3_reset(st);
	return rc;
}

/* The connection's names, read again when the boundaries changed. Borrowed. */
static int names_get(gp_store *s, const store_names **out)
{
	store_names *nm;
	int64_t version;
	int rc;

	if ((rc = gp_store_districts_version(s, &version)))
		return rc;
	if (s->names && s->names->version == version) {
		*out = s->names;
		return 0;
	}
	if (!(nm = calloc(1, sizeof(*nm))))
		return GP_ENOMEM;
	nm->version = version;
	if ((rc = names_read(s, nm))) {
		store_names_free(nm);
		return rc;
	}
	store_names_free(s->names);
	s->names = nm;
	*out = nm;
	return 0;
}

static const char *names_find(const store_names *nm, const char *id)
{
	if (!id)
		return NULL;
	for (size_t h = names_hash(nm, id);; h = (h + 1) & nm->mask) {
		size_t i = nm->slot[h];
		if (i == 0)
			return NULL;
		if (strcmp(nm->id[i - 1], id) == 0)
			return nm->name[i - 1];
	}
}

/* Calls cb for rows of a prepared POINT_COLUMNS_BARE statement. */
typedef struct walk {
	const store_names *names;
	const gp_point_filter *f;
	gp_store_point_cb cb;
	void *ctx;
	int64_t skip; /* offset still to pass (counted in C where SQL cannot) */
	int64_t left; /* rows still wanted; -1 for all */
} walk;

static int walk_rows(gp_store *s, sqlite3_stmt *st, walk *w)
{
	gp_point p;
	int rc = 0, src = SQLITE_DONE;

	while (w->left != 0 && (src = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = read_row(st, &p)))
			break;
		p.ortsbezirk.name = names_find(w->names, p.ortsbezirk.id);
		p.stadtteil.name = names_find(w->names, p.stadtteil.id);
		if (w->f->keep && !w->f->keep(w->f->keep_ctx, p.x, p.y))
			continue;
		if (w->skip > 0) {
			w->skip--;
			continue;
		}
		if ((rc = w->cb(w->ctx, &p)))
			break;
		if (w->left > 0)
			w->left--;
	}
	if (w->left != 0 && !rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
	return rc;
}

/*
 * Where a page in cell order starts when it is given as an offset: the
 * candidates are stepped through in the covering index (with the exact
 * tests and the keep test) instead of reading their rows.  Moves
 * (after_cell, after_id) to the last one skipped.
 */
static int skip_cells(gp_store *s, const gp_point_filter *f, const cells *c, int64_t *skip,
                      int64_t *after_cell, int64_t *after_id)
{
	int64_t r = c->r0;
	sqlite3_stmt *st;
	gp_buf sql;
	int rc = 0, src = SQLITE_DONE;

	gp_buf_init(&sql, 4096);
	gp_buf_puts(&sql, "SELECT p.cell, p.id, p.x, p.y FROM points p INDEXED BY points_grid"
	                  " WHERE p.status = :status AND p.cell BETWEEN :lo AND :hi");
	filter_terms(&sql, f);
	gp_buf_puts(&sql, " AND (p.cell > :acell OR (p.cell = :acell AND p.id > :aid))"
	                  " ORDER BY p.cell, p.id");
	if (!(st = prepare(s, &sql, f, &rc)))
		goto out;
	if (gp_store_grid_cell_row(*after_cell) > r)
		r = gp_store_grid_cell_row(*after_cell);
	for (; r <= c->r1 && *skip > 0; r++) {
		bind_i64(st, ":lo", gp_store_grid_cell(r, c->c0));
		bind_i64(st, ":hi", gp_store_grid_cell(r, c->c1));
		bind_i64(st, ":acell", *after_cell);
		bind_i64(st, ":aid", *after_id);
		while (*skip > 0 && (src = sqlite3_step(st)) == SQLITE_ROW) {
			if (f->keep && !f->keep(f->keep_ctx, sqlite3_column_double(st, 2),
			                        sqlite3_column_double(st, 3)))
				continue;
			*after_cell = sqlite3_column_int64(st, 0);
			*after_id = sqlite3_column_int64(st, 1);
			(*skip)--;
		}
		sqlite3_reset(st);
		if (*skip > 0 && src != SQLITE_DONE) {
			rc = STORE_FAIL(s, src);
			goto out;
		}
	}
	if (*skip > 0) /* fewer candidates than the offset: an empty page */
		*after_cell = INT64_MAX;
out:
	gp_buf_free(&sql);
	return rc;
}

/* Grid cells in (cell, id) order, one row of cells at a time. */
static int query_cells(gp_store *s, const gp_point_filter *f, const cells *c,
                       walk *w)
{
	int64_t after_cell = f->after_cell, after_id = f->after_id, skip = f->offset;
	int64_t r = c->r0;
	sqlite3_stmt *st;
	gp_buf sql;
	int rc;

	if (skip > 0) {
		if ((rc = skip_cells(s, f, c, &skip, &after_cell, &after_id)))
			return rc;
	}
	w->skip = 0;
	gp_buf_init(&sql, 4096);
	select_bare(&sql, f);
	gp_buf_puts(&sql, " FROM points p INDEXED BY points_grid"
	                  " WHERE p.status = :status AND p.cell BETWEEN :lo AND :hi");
	filter_terms(&sql, f);
	if (after_id > 0 || after_cell == INT64_MAX) {
		gp_buf_puts(&sql, " AND (p.cell > :acell OR (p.cell = :acell AND p.id > :aid))");
		if (gp_store_grid_cell_row(after_cell) > r)
			r = gp_store_grid_cell_row(after_cell);
	}
	gp_buf_puts(&sql, " ORDER BY p.cell, p.id");
	if (!(st = prepare(s, &sql, f, &rc)))
		goto out;
	bind_i64(st, ":acell", after_cell);
	bind_i64(st, ":aid", after_id);
	for (; r <= c->r1 && !rc && w->left != 0; r++) {
		bind_i64(st, ":lo", gp_store_grid_cell(r, c->c0));
		bind_i64(st, ":hi", gp_store_grid_cell(r, c->c1));
		rc = walk_rows(s, st, w);
	}
out:
	gp_buf_free(&sql);
	return rc;
}

/* Binds a page's keyset start, limit and offset to st and walks its rows. */
static int walk_page(gp_store *s, sqlite3_stmt *st, const gp_point_filter *f, walk *w)
{
	bind_i64(st, ":aid", f->after_id);
	bind_i64(st, ":limit", f->limit);
	bind_i64(st, ":offset", f->offset);
	w->skip = 0;
	return walk_rows(s, st, w);
}

/*
 * Grid candidates in id order: the ids are chosen and sorted from the
 * index alone (SQLite keeps only limit + offset of them), then their rows
 * are read.
 */
static int query_grid_by_id(gp_store *s, const gp_point_filter *f, const cells *c,
                            walk *w)
{
	sqlite3_stmt *st;
	gp_buf sql;
	int rc;

	gp_buf_init(&sql, 4096);
	gp_buf_puts(&sql, "WITH RECURSIVE rows(r) AS (SELECT :r0 UNION ALL"
	                  " SELECT r + 1 FROM rows WHERE r < :r1),"
	                  " k(id) AS (SELECT p.id FROM rows CROSS JOIN points p"
	                  " INDEXED BY points_grid ON p.status = :status AND p.cell BETWEEN"
	                  " rows.r * :rowstep + :c0 AND rows.r * :rowstep + :c1 WHERE 1");
	filter_terms(&sql, f);
	if (f->after_id > 0)
		gp_buf_puts(&sql, " AND p.id > :aid");
	gp_buf_puts(&sql, " ORDER BY p.id LIMIT :limit OFFSET :offset) ");
	select_bare(&sql, f);
	gp_buf_puts(&sql, " FROM k CROSS JOIN points p ON p.id = k.id ORDER BY p.id");
	if ((st = prepare(s, &sql, f, &rc))) {
		bind_i64(st, ":r0", c->r0);
		bind_i64(st, ":r1", c->r1);
		bind_i64(st, ":c0", c->c0);
		bind_i64(st, ":c1", c->c1);
		rc = walk_page(s, st, f, w);
	}
	gp_buf_free(&sql);
	return rc;
}

/* The number of a point's citizen flags, as a sort key. */
#define FLAG_COUNT "(SELECT count(*) FROM flags fc WHERE fc.point_id = p.id)"

/*
 * A staff listing in one of the gp_point_sort orders: key descending, id
 * descending, resumed after (key, id) for keyset paging.
 */
static int query_sorted(gp_store *s, const gp_point_filter *f, walk *w)
{
	static const char *const key[GP_SORT_COUNT] = {
		[GP_SORT_NEWEST] = NULL,
		[GP_SORT_UPDATED] = "p.updated",
		[GP_SORT_FLAGS] = FLAG_COUNT,
		[GP_SORT_SUPPORTERS] = "p.supporters",
	};
	sqlite3_stmt *st;
	gp_buf sql;
	int rc = 0;

	if (f->sort <= GP_SORT_ID || f->sort >= GP_SORT_COUNT || f->keep ||
	    f->order != GP_ORDER_ID)
		return GP_EFAULT; /* see store.h */
	gp_buf_init(&sql, 4096);
	select_bare(&sql, f);
	gp_buf_puts(&sql, " FROM points p WHERE 1");
	if (f->status >= 0)
		gp_buf_puts(&sql, " AND p.status = :status");
	filter_terms(&sql, f);
	if (f->after_id > 0) {
		if (!key[f->sort])
			gp_buf_puts(&sql, " AND p.id < :aid");
		else
			gp_buf_printf(&sql, " AND (%s < :akey OR (%s = :akey AND p.id < :aid))",
			              key[f->sort], key[f->sort]);
	}
	if (key[f->sort])
		gp_buf_printf(&sql, " ORDER BY %s DESC, p.id DESC", key[f->sort]);
	else
		gp_buf_puts(&sql, " ORDER BY p.id DESC");
	gp_buf_puts(&sql, " LIMIT :limit OFFSET :offset");
	if ((st = prepare(s, &sql, f, &rc))) {
		if (f->sort == GP_SORT_UPDATED)
			bind_text(st, ":akey", f->after_updated);
		else
			bind_i64(st, ":akey", f->after_key);
		rc = walk_page(s, st, f, w);
	}
	gp_buf_free(&sql);
	return rc;
}

/* " AND …" for the id bounds: every index ends with the id, so they seek. */
static void id_bounds(gp_buf *sql, const gp_point_filter *f)
{
	if (f->id_lo > 0)
		gp_buf_puts(sql, " AND p.id >= :idlo");
	if (f->id_hi > 0)
		gp_buf_puts(sql, " AND p.id <= :idhi");
}

/* " FROM …" of an id-order query without a grid, along f->path. */
static int path_from(gp_buf *sql, const gp_point_filter *f)
{
	int rc = 0;

	switch (f->path) {
	case GP_PATH_TABLE:
		/* The status test must not pick the status index (see above). */
		gp_buf_puts(sql, " FROM points p NOT INDEXED WHERE 1");
		if (f->status >= 0)
			gp_buf_puts(sql, " AND +p.status = :status");
		id_bounds(sql, f);
		return 0;
	case GP_PATH_DISTRICT:
		if (!f->district || f->status < 0 || f->district_layer < 0)
			return GP_EFAULT;
		gp_buf_puts(sql, f->district_layer == GP_LAYER_ORTSBEZIRK
		                         ? " FROM points p INDEXED BY points_ortsbezirk WHERE"
		                           " p.ortsbezirk_id = :district"
		                         : " FROM points p INDEXED BY points_stadtteil WHERE"
		                           " p.stadtteil_id = :district");
		gp_buf_puts(sql, " AND p.status = :status");
		break;
	case GP_PATH_TOPIC:
		if (!f->topic || f->status < 0)
			return GP_EFAULT;
		gp_buf_puts(sql, " FROM points p INDEXED BY points_topic WHERE p.topic = :topic"
		                 " AND p.status = :status");
		break;
	case GP_PATH_CHANNEL:
		if (f->channel < 0 || f->status < 0)
			return GP_EFAULT;
		gp_buf_puts(sql, " FROM points p INDEXED BY points_channel"
		                 " WHERE p.channel = :channel AND p.status = :status");
		break;
	case GP_PATH_CREATED:
		if ((!f->since && !f->until) || f->status < 0)
			return GP_EFAULT;
		gp_buf_puts(sql, " FROM points p INDEXED BY points_created WHERE"
		                 " p.status = :status");
		return 0;
	default:
		return GP_EFAULT;
	}
	id_bounds(sql, f);
	return rc;
}

int gp_store_point_query(gp_store *s, const gp_point_filter *f,
                         gp_store_point_cb cb, void *ctx)
{
	walk w = { NULL, f, cb, ctx, f->offset, f->limit < 0 ? -1 : f->limit };
	sqlite3_stmt *st;
	gp_buf sql;
	cells c;
	int grid = gp_store_grid_cells(f, &c), rc;

	if (f->limit == 0)
		return 0;
	if ((f->keep && (!grid || f->order != GP_ORDER_CELL)) ||
	    (!grid && f->order == GP_ORDER_CELL))
		return GP_EFAULT; /* see store.h */
	if ((rc = names_get(s, &w.names)))
		return rc;
	if (f->sort != GP_SORT_ID)
		return query_sorted(s, f, &w);
	if (grid)
		return f->order == GP_ORDER_CELL ? query_cells(s, f, &c, &w)
		                                 : query_grid_by_id(s, f, &c, &w);
	gp_buf_init(&sql, 4096);
	select_bare(&sql, f);
	if ((rc = path_from(&sql, f)))
		goto out;
	filter_terms(&sql, f);
	if (f->after_id > 0)
		gp_buf_puts(&sql, " AND p.id > :aid");
	gp_buf_puts(&sql, " ORDER BY p.id LIMIT :limit OFFSET :offset");
	if ((st = prepare(s, &sql, f, &rc))) {
		bind_i64(st, ":idlo", f->id_lo);
		bind_i64(st, ":idhi", f->id_hi);
		rc = walk_page(s, st, f, &w);
	}
out:
	gp_buf_free(&sql);
	return rc;
}

int gp_store_point_tally_outcomes(gp_store *s, const gp_point_filter *f, int layer,
                                  gp_store_outcome_cb cb, void *ctx)
{
	gp_point_filter g = *f;
	sqlite3_stmt *st;
	gp_outcome outcome;
	gp_buf sql;
	int rc = 0, src;

	/* What a tally reads: no box, no staff work, no paging. */
	g.has_lonlat = g.has_xy = g.has_grid = g.has_inner = 0;
	g.keep = NULL;
	g.flagged = 0;
	g.event = 0;
	g.outcome = -1;
	gp_buf_init(&sql, 2048);
	gp_buf_printf(&sql, "SELECT %s, p.outcome, count(*) FROM points p INDEXED BY points_outcome"
	                    " WHERE p.outcome <> 'open'",
	              layer == GP_LAYER_ORTSBEZIRK ? "p.ortsbezirk_id"
	              : layer == GP_LAYER_STADTTEIL ? "p.stadtteil_id" : "NULL");
	if (g.status >= 0)
		gp_buf_puts(&sql, " AND p.status = :status");
	filter_terms(&sql, &g);
	gp_buf_puts(&sql, " GROUP BY 1, 2");
	if (!(st = prepare(s, &sql, &g, &rc)))
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (gp_outcome_parse(&outcome, col_text(st, 1))) {
			rc = GP_EFAULT;
			break;
		}
		if ((rc = cb(ctx, col_text(st, 0), outcome, sqlite3_column_int64(st, 2))))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
out:
	gp_buf_free(&sql);
	return rc;
}

int gp_store_point_extent(gp_store *s, int status, gp_bbox *out_lonlat,
                          char out_first[GP_TIME_LEN], char out_last[GP_TIME_LEN],
                          int64_t *out_count)
{
	/*
	 * Each min() and max() alone in its subquery, so SQLite answers it
	 * from one end of an index (points_lon, points_lat, points_created).
	 */
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT (SELECT coalesce(sum(n), 0) FROM point_totals WHERE status = ?1),"
		   " (SELECT min(lon) FROM points WHERE status = ?1),"
		   " (SELECT min(lat) FROM points WHERE status = ?1),"
		   " (SELECT max(lon) FROM points WHERE status = ?1),"
		   " (SELECT max(lat) FROM points WHERE status = ?1),"
		   " (SELECT min(created) FROM points WHERE status = ?1),"
		   " (SELECT max(created) FROM points WHERE status = ?1)");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, gp_status_name((gp_status)status), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return STORE_FAIL(s, rc);
	}
	*out_count = sqlite3_column_int64(st, 0);
	*out_lonlat = (gp_bbox){ sqlite3_column_double(st, 1), sqlite3_column_double(st, 2),
		                 sqlite3_column_double(st, 3), sqlite3_column_double(st, 4) };
	gp_strlcpy(out_first, col_text(st, 5) ? col_text(st, 5) : "", GP_TIME_LEN);
	gp_strlcpy(out_last, col_text(st, 6) ? col_text(st, 6) : "", GP_TIME_LEN);
	sqlite3_reset(st);
	return *out_count == 0 ? GP_NOT_FOUND : 0;
}

int gp_store_point_nearby(gp_store *s, double x, double y, double radius, int status,
                          int category, int64_t limit, int64_t *out_matched,
                          gp_store_nearby_cb cb, void *ctx)
{
	/*
	 * The R*Tree narrows to the square around the circle (its float32
	 * bounds are rounded outward; a metre of slack covers that), the exact
	 * circle test and the order use the plain x/y columns.
	 */
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT " POINT_COLUMNS NO_FLAGS_COLUMN
		   ", (p.x - ?1) * (p.x - ?1) + (p.y - ?2) * (p.y - ?2) AS d2"
		   POINT_FROM
		   " WHERE p.id IN (SELECT pkid FROM idx_points_geom WHERE xmin <= ?1 + ?3 + 1"
		   " AND xmax >= ?1 - ?3 - 1 AND ymin <= ?2 + ?3 + 1 AND ymax >= ?2 - ?3 - 1)"
		   " AND (?4 IS NULL OR p.status = ?4) AND (?5 IS NULL OR p.category = ?5)"
		   " AND (p.x - ?1) * (p.x - ?1) + (p.y - ?2) * (p.y - ?2) <= ?6"
		   " ORDER BY d2, p.id");
	int64_t matched = 0;
	gp_point p;
	int rc = 0, src;

	*out_matched = 0;
	if (!st)
		return GP_EFAULT;
	sqlite3_bind_double(st, 1, x);
	sqlite3_bind_double(st, 2, y);
	sqlite3_bind_double(st, 3, radius);
	if (status >= 0)
		sqlite3_bind_text(st, 4, gp_status_name((gp_status)status), -1, SQLITE_STATIC);
	if (category >= 0)
		sqlite3_bind_text(st, 5, gp_category_name((gp_category)category), -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 6, radius * radius);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (matched++ >= limit && limit >= 0)
			continue; /* still counted */
		if ((rc = read_row(st, &p)) ||
		    (rc = cb(ctx, &p, sqrt(sqlite3_column_double(st, DISTANCE_COLUMN)))))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
	*out_matched = matched;
	return rc;
}

int gp_store_point_positions(gp_store *s, gp_store_position_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc, src;

	/* Not cached: the walk may run while the caller updates rows. */
	src = sqlite3_prepare_v2(s->db, "SELECT id, x, y, ortsbezirk_id, stadtteil_id"
	                         " FROM points ORDER BY id",
	                         -1, &st, NULL);
	if (src != SQLITE_OK)
		return STORE_FAIL(s, src);
	rc = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		rc = cb(ctx, sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1),
		        sqlite3_column_double(st, 2), col_text(st, 3), col_text(st, 4));
		if (rc)
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_finalize(st);
	return rc;
}

int gp_store_point_set_district(gp_store *s, int64_t id, gp_layer layer,
                                const char *district_id)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, layer == GP_LAYER_ORTSBEZIRK
			   ? "UPDATE points SET ortsbezirk_id = ?2 WHERE id = ?1"
			   : "UPDATE points SET stadtteil_id = ?2 WHERE id = ?1");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_int64(st, 1, id);
	if (district_id)
		sqlite3_bind_text(st, 2, district_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : STORE_FAIL(s, rc);
}

int gp_store_points_version(gp_store *s, int64_t *out)
{
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT v FROM point_version WHERE id = 1");

	if (!st)
		return GP_EFAULT;
	return step_numbers(s, st, out, 1);
}

int gp_store_point_positions_by_cell(gp_store *s, int status,
                                     int (*cb)(void *ctx, const gp_store_position *p),
                                     void *ctx)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "SELECT cell, id, category, lon, lat, x, y FROM points INDEXED BY points_grid"
		   " WHERE status = ?1 ORDER BY status, cell, id");
	gp_store_position p;
	int rc = 0, src;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, gp_status_name((gp_status)status), -1, SQLITE_STATIC);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		p.cell = sqlite3_column_int64(st, 0);
		p.id = sqlite3_column_int64(st, 1);
		if (gp_category_parse(&p.category, col_text(st, 2))) {
			rc = GP_EFAULT;
			break;
		}
		p.lon = sqlite3_column_double(st, 3);
		p.lat = sqlite3_column_double(st, 4);
		p.x = sqlite3_column_double(st, 5);
		p.y = sqlite3_column_double(st, 6);
		if ((rc = cb(ctx, &p)))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
	return rc;
}

int gp_store_point_rows(gp_store *s, const int64_t *ids, size_t n, int status, int staff,
                        gp_store_point_cb cb, void *ctx)
{
	const store_names *nm;
	sqlite3_stmt *st;
	gp_point p;
	int rc, src;

	if ((rc = names_get(s, &nm)))
		return rc;
	st = gp_store_stmt(s, staff ? "SELECT " POINT_COLUMNS_BARE FLAGS_COLUMN
	                              " FROM points p WHERE p.id = ?1 AND (?2 IS NULL OR p.status = ?2)"
	                            : "SELECT " POINT_COLUMNS_BARE NO_FLAGS_COLUMN
	                              " FROM points p WHERE p.id = ?1 AND (?2 IS NULL OR p.status = ?2)");
	if (!st)
		return GP_EFAULT;
	if (status >= 0)
		sqlite3_bind_text(st, 2, gp_status_name((gp_status)status), -1, SQLITE_STATIC);
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		if ((src = sqlite3_step(st)) == SQLITE_ROW) {
			if (!(rc = read_row(st, &p))) {
				p.ortsbezirk.name = names_find(nm, p.ortsbezirk.id);
				p.stadtteil.name = names_find(nm, p.stadtteil.id);
				rc = cb(ctx, &p);
			}
		} else if (src != SQLITE_DONE) {
			rc = STORE_FAIL(s, src);
		}
		sqlite3_reset(st);
	}
	return rc;
}

int gp_store_point_total(gp_store *s, int64_t *out)
{
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT coalesce(sum(n), 0) FROM point_totals");

	if (!st)
		return GP_EFAULT;
	return step_numbers(s, st, out, 1);
}
