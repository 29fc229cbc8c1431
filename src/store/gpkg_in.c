/*
 * gpkg_in.c — reading the point features of a GeoPackage someone else
 * wrote (QGIS, ogr2ogr), for `geopart import-points`.
 *
 * The file is opened read-only and immutable: nothing is ever written to
 * it, not even a journal.  Which layer: the one feature table whose
 * geometry type is POINT (gpkg_contents, gpkg_geometry_columns); its SRS
 * comes from gpkg_spatial_ref_sys.  A geometry is the GeoPackage binary
 * form (OGC 12-128r18, 2.1.3): "GP", version, flags (byte order of the
 * header, envelope kind, empty), srs_id, the envelope, then ISO WKB, of
 * which a Point (XY, or with Z and/or M, which are ignored) is read.
 *
 * Must never: write, or hand out a geometry it could not read without
 * saying why.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store_int.h"

static uint32_t get_u32(const unsigned char *p, int little)
{
	return little ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	                        (uint32_t)p[3] << 24
	              : (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
	                        (uint32_t)p[0] << 24;
}

static double get_f64(const unsigned char *p, int little)
{
	unsigned char b[8];
	uint64_t u = 0;
	double d;

	for (int i = 0; i < 8; i++)
		b[i] = little ? p[i] : p[7 - i];
	for (int i = 7; i >= 0; i--)
		u = u << 8 | b[i];
	memcpy(&d, &u, sizeof(d));
	return d;
}

/* A GeoPackage geometry blob into f (x, y or why not). */
static void read_geometry(const unsigned char *g, size_t n, gp_store_gpkg_feature *f)
{
	static const size_t envelope[8] = { 0, 32, 48, 48, 64, 0, 0, 0 };
	size_t at;
	uint32_t type;
	int little, kind;

	f->geom_error = NULL;
	if (!g || n == 0) {
		f->geom_error = "the feature has no geometry";
		return;
	}
	if (n < 8 || g[0] != 'G' || g[1] != 'P') {
		f->geom_error = "not a GeoPackage geometry";
		return;
	}
	kind = (g[3] >> 1) & 7;
	if (kind > 4) {
		f->geom_error = "the geometry header names an unknown envelope";
		return;
	}
	if (g[3] & 0x10) {
		f->geom_error = "the point is empty";
		return;
	}
	at = 8 + envelope[kind];
	if (n < at + 5) {
		f->geom_error = "the geometry is cut short";
		return;
	}
	little = g[at] == 1;
	if (g[at] > 1) {
		f->geom_error = "the geometry's WKB names no byte order";
		return;
	}
	type = get_u32(g + at + 1, little);
	/* Point, PointZ, PointM, PointZM (ISO WKB codes). */
	if (type % 1000 != 1 || type / 1000 > 3) {
		f->geom_error = "not a point (import-points reads point layers)";
		return;
	}
	if (n < at + 5 + 16) {
		f->geom_error = "the geometry is cut short";
		return;
	}
	f->x = get_f64(g + at + 5, little);
	f->y = get_f64(g + at + 13, little);
	if (isnan(f->x) && isnan(f->y))
		f->geom_error = "the point is empty";
	else if (!isfinite(f->x) || !isfinite(f->y))
		f->geom_error = "the coordinates are not finite numbers";
}

/* One text cell, NULL when absent, NULL or empty. */
static const char *cell(sqlite3_stmt *st, int col)
{
	const char *v;

	if (col < 0)
		return NULL;
	v = (const char *)sqlite3_column_text(st, col);
	return v && v[0] ? v : NULL;
}

/* "a", "b" of every point layer, for the message that there are several. */
static void layer_names(sqlite3 *db, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	size_t len = 0;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT c.table_name FROM gpkg_contents c JOIN"
	                           " gpkg_geometry_columns g ON g.table_name = c.table_name"
	                           " WHERE c.data_type = 'features' AND"
	                           " upper(g.geometry_type_name) = 'POINT' ORDER BY 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW && len + 8 < size) {
		int k = snprintf(out + len, size - len, "%s\"%s\"", len ? ", " : "",
		                 (const char *)sqlite3_column_text(st, 0));
		len = k < 0 || (size_t)k >= size - len ? size - 1 : len + (size_t)k;
	}
	sqlite3_finalize(st);
}

int gp_store_gpkg_read(const char *path, gp_store_gpkg_layer *out, gp_store_gpkg_cb cb,
                       void *ctx, gp_err *err)
{
	enum { CATEGORY, COMMENT, TOPIC, NOTE, NCOLS };
	static const char *const wanted[NCOLS] = { "category", "comment", "topic", "note" };
	char uri[4200], names[512], *sql = NULL, *table = NULL, *geom = NULL, *fid = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int col[NCOLS] = { -1, -1, -1, -1 }, layers = 0, rc = 0, src;
	gp_store_gpkg_feature f;

	memset(out, 0, sizeof(*out));
	/* immutable: no journal, no lock, nothing written beside the file. */
	snprintf(uri, sizeof(uri), "file:%s?mode=ro&immutable=1", path);
	for (char *c = uri + 5; *c && c < uri + sizeof(uri) - 1; c++)
		if (*c == '?' || *c == '#') {
			/* A name with URI characters: open it as a plain file name. */
			snprintf(uri, sizeof(uri), "%s", path);
			break;
		}
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "SELECT count(*) FROM gpkg_contents", NULL, NULL, NULL) != SQLITE_OK) {
		rc = gp_err_set(err, GP_INVALID, "file", "not a GeoPackage (no gpkg_contents): %s",
		                db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	/* The point layer, its geometry column and the SRS it is in. */
	if (sqlite3_prepare_v2(db, "SELECT c.table_name, g.column_name, g.srs_id,"
	                           " upper(s.organization), s.organization_coordsys_id"
	                           " FROM gpkg_contents c JOIN gpkg_geometry_columns g"
	                           " ON g.table_name = c.table_name"
	                           " LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id"
	                           " WHERE c.data_type = 'features' AND"
	                           " upper(g.geometry_type_name) = 'POINT'",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = gp_err_set(err, GP_INVALID, "file", "not a GeoPackage: %s", sqlite3_errmsg(db));
		goto out;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (layers++)
			continue;
		table = gp_strdup((const char *)sqlite3_column_text(st, 0));
		geom = gp_strdup((const char *)sqlite3_column_text(st, 1));
		out->srs_id = sqlite3_column_int(st, 2);
		if (sqlite3_column_text(st, 3) &&
		    strcmp((const char *)sqlite3_column_text(st, 3), "EPSG") == 0)
			out->epsg = sqlite3_column_int(st, 4);
		if (!table || !geom) {
			rc = GP_ENOMEM;
			goto out;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (layers != 1) {
		layer_names(db, names, sizeof(names));
		if (layers)
			rc = gp_err_set(err, GP_INVALID, "file",
			                "the GeoPackage has %d point layers (%s): keep one, e.g. "
			                "`ogr2ogr -f GPKG one.gpkg FILE LAYER`", layers, names);
		else
			rc = gp_err_set(err, GP_INVALID, "file", "the GeoPackage has no point layer");
		goto out;
	}
	gp_strlcpy(out->layer, table, sizeof(out->layer));
	if (!cb)
		goto out; /* the layer alone was asked for */
	/* Its columns: the primary key is the feature id; the rest by name. */
	if (!(sql = sqlite3_mprintf("SELECT name, pk FROM pragma_table_info(%Q)", table)) ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = sql ? gp_err_set(err, GP_INVALID, "file", "%s", sqlite3_errmsg(db)) : GP_ENOMEM;
		goto out;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (sqlite3_column_int(st, 1) == 1 && !fid && !(fid = gp_strdup(name))) {
			rc = GP_ENOMEM;
			goto out;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	sqlite3_free(sql);
	sql = NULL;
	if (!fid) {
		rc = gp_err_set(err, GP_INVALID, "file", "layer \"%s\" has no feature id column", table);
		goto out;
	}
	if (!(sql = sqlite3_mprintf("SELECT * FROM %Q ORDER BY %Q", table, fid)) ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = sql ? gp_err_set(err, GP_INVALID, "file", "layer \"%s\": %s", table,
		                      sqlite3_errmsg(db))
		         : GP_ENOMEM;
		goto out;
	}
	{
		int fid_col = -1, geom_col = -1;

		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const char *name = sqlite3_column_name(st, i);
			if (strcmp(name, fid) == 0)
				fid_col = i;
			else if (strcmp(name, geom) == 0)
				geom_col = i;
			for (int k = 0; k < NCOLS; k++)
				if (strcasecmp(name, wanted[k]) == 0)
					col[k] = i;
		}
		if (col[CATEGORY] < 0 || col[COMMENT] < 0 || geom_col < 0 || fid_col < 0) {
			rc = gp_err_set(err, GP_INVALID, "file",
			                "layer \"%s\" needs the columns category and comment "
			                "(optionally topic and note)", table);
			goto out;
		}
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			memset(&f, 0, sizeof(f));
			f.fid = sqlite3_column_int64(st, fid_col);
			read_geometry(sqlite3_column_blob(st, geom_col),
			              (size_t)sqlite3_column_bytes(st, geom_col), &f);
			f.category = cell(st, col[CATEGORY]);
			f.comment = cell(st, col[COMMENT]);
			f.topic = cell(st, col[TOPIC]);
			f.note = cell(st, col[NOTE]);
			if ((rc = cb(ctx, &f)))
				goto out;
		}
		if (src != SQLITE_DONE)
			rc = gp_err_set(err, GP_INVALID, "file", "layer \"%s\": %s", table,
			                sqlite3_errmsg(db));
	}
out:
	sqlite3_finalize(st);
	sqlite3_free(sql);
	free(table);
	free(geom);
	free(fid);
	sqlite3_close(db);
	return rc;
}
