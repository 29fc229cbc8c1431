/*
 * point.c — participation points: insert, read, filtered queries, and the
 * walk used to reassign districts.
 *
 * Filtered queries are assembled from fixed fragments in a fixed order, so
 * every combination of filters maps to one SQL text and one cached
 * statement; values are always bound, never pasted.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define POINT_COLUMNS                                                         \
	"p.id, p.category, p.comment, p.topic, p.status, p.created, p.updated," \
	" p.supporters, p.ortsbezirk_id, ob.name, p.stadtteil_id, st.name,"     \
	" p.x, p.y, p.lon, p.lat"
#define POINT_FROM                                                            \
	" FROM points p"                                                       \
	" LEFT JOIN districts ob ON ob.id = p.ortsbezirk_id"                   \
	" LEFT JOIN districts st ON st.id = p.stadtteil_id"

void gp_point_filter_init(gp_point_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->status = -1;
	f->category = -1;
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
	return 0;
}

int gp_store_point_insert(gp_store *s, gp_point *p)
{
	sqlite3_stmt *st = gp_store_stmt(
		s, "INSERT INTO points (category, comment, topic, status, created,"
		   " updated, supporters, ortsbezirk_id, stadtteil_id, lon, lat, x, y,"
		   " geom) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		   " ?13, MakePoint(?12, ?13, 25832))");
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

	st = gp_store_stmt(s, "SELECT " POINT_COLUMNS POINT_FROM
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

/* Appends the WHERE clause for f to sql; binds are made by bind_filter(). */
static void where_clause(gp_buf *sql, const gp_point_filter *f)
{
	gp_buf_puts(sql, " WHERE 1");
	if (f->status >= 0)
		gp_buf_puts(sql, " AND p.status = :status");
	if (f->category >= 0)
		gp_buf_puts(sql, " AND p.category = :category");
	if (f->district)
		gp_buf_puts(sql, " AND (p.ortsbezirk_id = :district OR p.stadtteil_id = :district)");
	if (f->topic)
		gp_buf_puts(sql, " AND p.topic = :topic");
	if (f->since)
		gp_buf_puts(sql, " AND p.created >= :since");
	if (f->has_envelope)
		gp_buf_puts(sql, " AND p.id IN (SELECT pkid FROM idx_points_geom WHERE"
		                 " xmin <= :emaxx AND xmax >= :eminx AND"
		                 " ymin <= :emaxy AND ymax >= :eminy)");
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
	if (f->district)
		bind_text(st, ":district", f->district);
	if (f->topic)
		bind_text(st, ":topic", f->topic);
	if (f->since)
		bind_text(st, ":since", f->since);
	if (f->has_envelope)
		bind_box(st, "e", &f->envelope);
	if (f->has_lonlat)
		bind_box(st, "l", &f->lonlat);
	if (f->has_xy)
		bind_box(st, "x", &f->xy);
}

int gp_store_point_count(gp_store *s, const gp_point_filter *f, int64_t *out)
{
	sqlite3_stmt *st;
	gp_buf sql;
	int rc;

	gp_buf_init(&sql, 4096);
	gp_buf_puts(&sql, "SELECT count(*) FROM points p");
	where_clause(&sql, f);
	if ((rc = gp_buf_status(&sql)))
		goto out;
	if (!(st = gp_store_stmt(s, gp_buf_cstr(&sql)))) {
		rc = GP_EFAULT;
		goto out;
	}
	bind_filter(st, f);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = STORE_FAIL(s, rc);
	}
	sqlite3_reset(st);
out:
	gp_buf_free(&sql);
	return rc;
}

int gp_store_point_query(gp_store *s, const gp_point_filter *f,
                         gp_store_point_cb cb, void *ctx)
{
	sqlite3_stmt *st;
	gp_buf sql;
	gp_point p;
	int rc, src;

	gp_buf_init(&sql, 4096);
	gp_buf_puts(&sql, "SELECT " POINT_COLUMNS POINT_FROM);
	where_clause(&sql, f);
	gp_buf_puts(&sql, " ORDER BY p.id LIMIT :limit OFFSET :offset");
	if ((rc = gp_buf_status(&sql)))
		goto out;
	if (!(st = gp_store_stmt(s, gp_buf_cstr(&sql)))) {
		rc = GP_EFAULT;
		goto out;
	}
	bind_filter(st, f);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"), f->limit);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":offset"), f->offset);
	rc = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = read_row(st, &p)) || (rc = cb(ctx, &p)))
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = STORE_FAIL(s, src);
	sqlite3_reset(st);
out:
	gp_buf_free(&sql);
	return rc;
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
		s, "SELECT " POINT_COLUMNS ", (p.x - ?1) * (p.x - ?1) + (p.y - ?2) * (p.y - ?2) AS d2"
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
		    (rc = cb(ctx, &p, sqrt(sqlite3_column_double(st, 16)))))
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

int gp_store_point_total(gp_store *s, int64_t *out)
{
	gp_point_filter f;

	gp_point_filter_init(&f);
	return gp_store_point_count(s, &f, out);
}
