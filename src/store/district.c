/*
 * district.c — district boundaries (their counts come from count.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

struct gp_store_districts {
	gp_district_src *items;
	size_t n;
};

void gp_store_districts_free(gp_store_districts *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free((char *)d->items[i].id);
		free((char *)d->items[i].name);
		free((unsigned char *)d->items[i].wkb);
	}
	free(d->items);
	free(d);
}

const gp_district_src *gp_store_districts_items(const gp_store_districts *d,
                                                size_t *out_n)
{
	*out_n = d->n;
	return d->items;
}

static void *dup_bytes(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

int gp_store_districts_load(gp_store *s, gp_store_districts **out)
{
	sqlite3_stmt *st;
	gp_store_districts *d;
	size_t cap = 0;
	int rc;

	*out = NULL;
	st = gp_store_stmt(s, "SELECT id, name, layer, AsBinary(geom) FROM districts "
	                      "ORDER BY layer = 'stadtteil', ord");
	if (!st)
		return GP_EFAULT;
	if (!(d = calloc(1, sizeof(*d))))
		return GP_ENOMEM;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gp_district_src *it;
		gp_layer layer;

		if (d->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			gp_district_src *p = realloc(d->items, ncap * sizeof(*p));
			if (!p) {
				rc = GP_ENOMEM;
				goto fail;
			}
			d->items = p;
			cap = ncap;
		}
		it = &d->items[d->n];
		memset(it, 0, sizeof(*it));
		if (gp_layer_parse(&layer, (const char *)sqlite3_column_text(st, 2))) {
			rc = GP_EFAULT;
			goto fail;
		}
		it->layer = layer;
		it->id = gp_strdup((const char *)sqlite3_column_text(st, 0));
		it->name = gp_strdup((const char *)sqlite3_column_text(st, 1));
		it->wkb_len = (size_t)sqlite3_column_bytes(st, 3);
		it->wkb = dup_bytes(sqlite3_column_blob(st, 3), it->wkb_len);
		d->n++;
		if (!it->id || !it->name || !it->wkb) {
			rc = GP_ENOMEM;
			goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = STORE_FAIL(s, rc);
		goto fail;
	}
	sqlite3_reset(st);
	*out = d;
	return 0;
fail:
	sqlite3_reset(st);
	gp_store_districts_free(d);
	return rc;
}

int gp_store_district_replace_layer(gp_store *s, gp_layer layer,
                                    const gp_district_src *src, size_t n)
{
	const char *col = layer == GP_LAYER_ORTSBEZIRK ? "ortsbezirk_id" : "stadtteil_id";
	char sql[256];
	sqlite3_stmt *st;
	int rc;

	if (!(st = gp_store_stmt(s, "DELETE FROM districts WHERE layer = ?")))
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, gp_layer_name(layer), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return STORE_FAIL(s, rc);

	st = gp_store_stmt(s, "INSERT INTO districts (id, name, layer, ord, geom) "
	                      "VALUES (?, ?, ?, ?, GeomFromWKB(?, 25832))");
	if (!st)
		return GP_EFAULT;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, src[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, src[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, gp_layer_name(layer), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)i);
		sqlite3_bind_blob(st, 5, src[i].wkb, (int)src[i].wkb_len, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc != SQLITE_DONE) {
			rc = (rc & 0xff) == SQLITE_CONSTRAINT ? GP_CONFLICT : STORE_FAIL(s, rc);
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	/*
	 * Points whose district no longer exists lose it; points whose district
	 * id survived keep it until reassignment, so a caller can count moves.
	 */
	snprintf(sql, sizeof(sql),
	         "UPDATE points SET %s = NULL WHERE %s IS NOT NULL AND %s NOT IN "
	         "(SELECT id FROM districts)", col, col, col);
	if (!(st = gp_store_stmt(s, sql)))
		return GP_EFAULT;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : STORE_FAIL(s, rc);
}

int gp_store_district_list(gp_store *s, int layer, const char *id,
                           int with_geometry, gp_store_district_cb cb, void *ctx)
{
	char sql[256];
	sqlite3_stmt *st;
	int rc, rows = 0, bind = 1;

	snprintf(sql, sizeof(sql),
	         "SELECT d.id, d.name, d.layer, %s FROM districts d WHERE 1 %s %s"
	         " ORDER BY d.layer = 'stadtteil', d.ord",
	         with_geometry ? "AsBinary(d.geom)" : "NULL",
	         layer >= 0 ? "AND d.layer = ?" : "", id ? "AND d.id = ?" : "");
	if (!(st = gp_store_stmt(s, sql)))
		return GP_EFAULT;
	if (layer >= 0)
		sqlite3_bind_text(st, bind++, gp_layer_name((gp_layer)layer), -1, SQLITE_STATIC);
	if (id)
		sqlite3_bind_text(st, bind++, id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gp_store_district_row row;
		gp_layer l;

		if (gp_layer_parse(&l, (const char *)sqlite3_column_text(st, 2))) {
			sqlite3_reset(st);
			return GP_EFAULT;
		}
		row.id = (const char *)sqlite3_column_text(st, 0);
		row.name = (const char *)sqlite3_column_text(st, 1);
		row.layer = l;
		row.wkb = sqlite3_column_blob(st, 3);
		row.wkb_len = (size_t)sqlite3_column_bytes(st, 3);
		rows++;
		if (cb && (rc = cb(ctx, &row))) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return STORE_FAIL(s, rc);
	return id && rows == 0 ? GP_NOT_FOUND : 0;
}

int gp_store_district_layer(gp_store *s, const char *id, gp_layer *out)
{
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT layer FROM districts WHERE id = ?1");
	int rc;

	if (!st)
		return GP_EFAULT;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && gp_layer_parse(out, (const char *)sqlite3_column_text(st, 0)))
		rc = SQLITE_ERROR;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return GP_NOT_FOUND;
	return rc == SQLITE_ROW ? 0 : STORE_FAIL(s, rc);
}

int gp_store_district_count(gp_store *s, int64_t *out)
{
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT count(*) FROM districts");
	int rc;

	if (!st)
		return GP_EFAULT;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : STORE_FAIL(s, rc);
}
