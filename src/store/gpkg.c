/*
 * gpkg.c — writing points into a new OGC GeoPackage (1.3): an SQLite file
 * with gpkg_spatial_ref_sys, gpkg_contents, gpkg_geometry_columns, one
 * feature table `points` whose geometries are GeoPackage binary blobs
 * (header "GP" + WKB), and the gpkg_rtree_index spatial index QGIS uses.
 * Which attributes a point has is the caller's (a table of columns, the
 * read layer's field set); fid is the point id.  Beside it: a feature
 * table `districts` (both layers, copied from this database in its own
 * CRS, EPSG:25832), an attribute table `labels` (the German and English
 * labels of the codes, given by the caller), and layer metadata in
 * GDAL's form of the metadata extension (gpkg_metadata), which ogrinfo and
 * QGIS show.
 *
 * The SRS definitions (WKT) are copied from this database's SpatiaLite
 * spatial_ref_sys, so no PROJ call is needed here.  Coordinates are written
 * east/north first in every SRS (GeoPackage geometries are x/y; EPSG:4326
 * means x = longitude there).
 *
 * The file is an export: it is written without journal or fsync (a
 * half-written export is thrown away, never repaired) in one transaction.
 * Must never: write into the geopart database, or keep rows in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

struct gp_store_gpkg {
	sqlite3 *db;
	const gp_field_column *cols;
	size_t ncols;
	sqlite3_stmt *insert;
	sqlite3_stmt *rtree;
	int srid;
	gp_bbox extent;
	int64_t n;
};

/*
 * The outcome of a failed statement on the GeoPackage: GP_EIO when its
 * file could not be written (disk full, I/O error, not writable), which
 * the exporter tells the client as a storage fault; GP_EFAULT otherwise.
 */
static int unwritable(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_FULL || rc == SQLITE_IOERR || rc == SQLITE_CANTOPEN ||
	       rc == SQLITE_READONLY;
}

static int gpkg_fail(sqlite3 *db)
{
	gp_log_error("geopackage: %s", sqlite3_errmsg(db));
	return unwritable(sqlite3_errcode(db)) ? GP_EIO : GP_EFAULT;
}

static int gpkg_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		gp_log_error("geopackage: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return unwritable(rc) ? GP_EIO : GP_EFAULT;
	}
	return 0;
}

/* Copies an SRS (name and WKT) from the geopart database. */
static int copy_srs(gp_store *src, sqlite3 *db, int srid)
{
	sqlite3_stmt *get = gp_store_stmt(src, "SELECT ref_sys_name, srtext FROM spatial_ref_sys"
	                                       " WHERE srid = ?1");
	sqlite3_stmt *put = NULL;
	int rc;

	if (!get)
		return GP_EFAULT;
	sqlite3_bind_int(get, 1, srid);
	if ((rc = sqlite3_step(get)) != SQLITE_ROW) {
		sqlite3_reset(get);
		gp_log_error("geopackage: SRID %d is not in spatial_ref_sys", srid);
		return rc == SQLITE_DONE ? GP_EFAULT : STORE_FAIL(src, rc);
	}
	rc = sqlite3_prepare_v2(db, "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id,"
	                            " organization, organization_coordsys_id, definition)"
	                            " VALUES (?1, ?2, 'EPSG', ?2, ?3)", -1, &put, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(put, 1, (const char *)sqlite3_column_text(get, 0), -1,
		                  SQLITE_TRANSIENT);
		sqlite3_bind_int(put, 2, srid);
		sqlite3_bind_text(put, 3, (const char *)sqlite3_column_text(get, 1), -1,
		                  SQLITE_TRANSIENT);
		rc = sqlite3_step(put);
	}
	sqlite3_finalize(put);
	sqlite3_reset(get);
	if (rc != SQLITE_DONE) {
		return gpkg_fail(db);
	}
	return 0;
}

/* The tables of the GeoPackage core and of the feature table `points`. */
static const char schema[] =
	"PRAGMA application_id = 1196444487;" /* 'GPKG' */
	"PRAGMA user_version = 10300;"
	"CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL,"
	" srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,"
	" organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,"
	" description TEXT);"
	"INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1,"
	" 'undefined', 'undefined cartesian coordinate reference system');"
	"INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0,"
	" 'undefined', 'undefined geographic coordinate reference system');"
	"CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY,"
	" data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',"
	" last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	" min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,"
	" CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id)"
	" REFERENCES gpkg_spatial_ref_sys(srs_id));"
	"CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL,"
	" column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,"
	" srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,"
	" CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),"
	" CONSTRAINT uk_gc_table_name UNIQUE (table_name),"
	" CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),"
	" CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));"
	"CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT,"
	" extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,"
	" CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));"
	"CREATE VIRTUAL TABLE rtree_points_geom USING rtree(id, minx, maxx, miny, maxy);"
	"CREATE TABLE districts (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
	" geom MULTIPOLYGON, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, layer TEXT NOT NULL);"
	"CREATE VIRTUAL TABLE rtree_districts_geom USING rtree(id, minx, maxx, miny, maxy);"
	"CREATE TABLE labels (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
	" field TEXT NOT NULL, code TEXT NOT NULL, label_de TEXT NOT NULL,"
	" label_en TEXT NOT NULL, UNIQUE (field, code));"
	"INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
	" VALUES ('labels', 'attributes', 'labels',"
	" 'German and English labels of the codes of category, topic, channel and status');"
	"CREATE TABLE gpkg_metadata (id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL,"
	" md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL,"
	" mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE gpkg_metadata_reference (reference_scope TEXT NOT NULL,"
	" table_name TEXT, column_name TEXT, row_id_value INTEGER,"
	" timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	" md_file_id INTEGER NOT NULL, md_parent_id INTEGER,"
	" CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),"
	" CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id));"
	"INSERT INTO gpkg_extensions VALUES ('gpkg_metadata', NULL, 'gpkg_metadata',"
	" 'http://www.geopackage.org/spec120/#extension_metadata', 'read-write');"
	"INSERT INTO gpkg_extensions VALUES ('gpkg_metadata_reference', NULL, 'gpkg_metadata',"
	" 'http://www.geopackage.org/spec120/#extension_metadata', 'read-write');";

/* GeoPackage's own column types: INTEGER is 64-bit, DATETIME ISO 8601 UTC. */
static const char *const column_types[] = {
	[GP_FIELD_INTEGER] = "INTEGER",
	[GP_FIELD_REAL] = "DOUBLE",
	[GP_FIELD_TEXT] = "TEXT",
	[GP_FIELD_DATETIME] = "DATETIME",
};

/* CREATE TABLE points and its INSERT, from the caller's columns. */
static int points_table(gp_store_gpkg *g)
{
	gp_buf create, insert;
	int rc;

	gp_buf_init(&create, 1 << 16);
	gp_buf_init(&insert, 1 << 16);
	gp_buf_puts(&create, "CREATE TABLE points (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
	                     " geom POINT");
	gp_buf_puts(&insert, "INSERT INTO points VALUES (?1, ?2");
	for (size_t i = 0; i < g->ncols; i++) {
		/* Names come from a compiled-in table; quoted all the same. */
		gp_buf_printf(&create, ", \"%s\" %s%s", g->cols[i].name,
		              column_types[g->cols[i].type], g->cols[i].not_null ? " NOT NULL" : "");
		gp_buf_printf(&insert, ", ?%zu", i + 3);
	}
	gp_buf_puts(&create, ")");
	gp_buf_puts(&insert, ")");
	if ((rc = gp_buf_status(&create)) || (rc = gp_buf_status(&insert)) ||
	    (rc = gpkg_exec(g->db, gp_buf_cstr(&create))))
		goto out;
	if (sqlite3_prepare_v2(g->db, gp_buf_cstr(&insert), -1, &g->insert, NULL) != SQLITE_OK) {
		rc = gpkg_fail(g->db);
	}
out:
	gp_buf_free(&create);
	gp_buf_free(&insert);
	return rc;
}

/*
 * The triggers the gpkg_rtree_index extension requires (GeoPackage 1.3,
 * annex on the RTree Spatial Indexes extension), created after the bulk
 * load; ST_* are the functions GeoPackage readers provide.
 */
static const char rtree_template[] =
	"CREATE TRIGGER rtree_@_geom_insert AFTER INSERT ON @"
	" WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN"
	" INSERT OR REPLACE INTO rtree_@_geom VALUES (NEW.fid, ST_MinX(NEW.geom),"
	" ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;"
	"CREATE TRIGGER rtree_@_geom_update1 AFTER UPDATE OF geom ON @"
	" WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN"
	" INSERT OR REPLACE INTO rtree_@_geom VALUES (NEW.fid, ST_MinX(NEW.geom),"
	" ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;"
	"CREATE TRIGGER rtree_@_geom_update2 AFTER UPDATE OF geom ON @"
	" WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN"
	" DELETE FROM rtree_@_geom WHERE id = OLD.fid; END;"
	"CREATE TRIGGER rtree_@_geom_update3 AFTER UPDATE ON @"
	" WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN"
	" DELETE FROM rtree_@_geom WHERE id = OLD.fid;"
	" INSERT OR REPLACE INTO rtree_@_geom VALUES (NEW.fid, ST_MinX(NEW.geom),"
	" ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;"
	"CREATE TRIGGER rtree_@_geom_update4 AFTER UPDATE ON @"
	" WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN"
	" DELETE FROM rtree_@_geom WHERE id IN (OLD.fid, NEW.fid); END;"
	"CREATE TRIGGER rtree_@_geom_delete AFTER DELETE ON @"
	" WHEN old.geom NOT NULL BEGIN"
	" DELETE FROM rtree_@_geom WHERE id = OLD.fid; END;"
	"INSERT INTO gpkg_extensions VALUES ('@', 'geom', 'gpkg_rtree_index',"
	" 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');";

/* The triggers and extension row of the spatial index of `table` (@ above). */
static int rtree_triggers(sqlite3 *db, const char *table)
{
	gp_buf sql;
	int rc;

	gp_buf_init(&sql, 1 << 16);
	for (const char *t = rtree_template; *t; t++) {
		if (*t == '@')
			gp_buf_puts(&sql, table);
		else
			gp_buf_putc(&sql, *t);
	}
	rc = gp_buf_status(&sql);
	if (!rc)
		rc = gpkg_exec(db, gp_buf_cstr(&sql));
	gp_buf_free(&sql);
	return rc;
}

int gp_store_gpkg_new(gp_store_gpkg **out, gp_store *src, const char *path, int srid,
                      const gp_field_column *cols, size_t ncols, gp_err *err)
{
	gp_store_gpkg *g = calloc(1, sizeof(*g));
	char sql[512];
	int rc;

	*out = NULL;
	if (!g)
		return GP_ENOMEM;
	g->srid = srid;
	g->cols = cols;
	g->ncols = ncols;
	rc = sqlite3_open_v2(path, &g->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                                        SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		gp_err_set(err, GP_EIO, "output", "cannot create %s: %s", path,
		           g->db ? sqlite3_errmsg(g->db) : sqlite3_errstr(rc));
		gp_store_gpkg_free(g);
		return GP_EIO;
	}
	if ((rc = gpkg_exec(g->db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
	                           "BEGIN")) ||
	    (rc = gpkg_exec(g->db, schema)) || (rc = points_table(g)) ||
	    (rc = copy_srs(src, g->db, 4326)) ||
	    (srid != 4326 && (rc = copy_srs(src, g->db, srid))) ||
	    (srid != 25832 && (rc = copy_srs(src, g->db, 25832))))
		goto fail;
	snprintf(sql, sizeof(sql),
	         "INSERT INTO gpkg_contents (table_name, data_type, identifier, description,"
	         " srs_id) VALUES ('points', 'features', 'points', 'geopart: participation"
	         " points', %d);"
	         "INSERT INTO gpkg_geometry_columns VALUES ('points', 'geom', 'POINT', %d, 0, 0);",
	         srid, srid);
	if ((rc = gpkg_exec(g->db, sql)))
		goto fail;
	rc = sqlite3_prepare_v2(g->db, "INSERT INTO rtree_points_geom VALUES"
	                               " (?1, ?2, ?2, ?3, ?3)", -1, &g->rtree, NULL);
	if (rc != SQLITE_OK) {
		rc = gpkg_fail(g->db);
		goto fail;
	}
	*out = g;
	return 0;
fail:
	gp_err_set(err, rc, "output", "cannot write the GeoPackage %s", path);
	gp_store_gpkg_free(g);
	return rc;
}

/* Widens *e to hold b; the first box (n == 0) is e itself. */
static void widen(gp_bbox *e, int64_t n, const gp_bbox *b)
{
	if (n == 0) {
		*e = *b;
		return;
	}
	e->minx = b->minx < e->minx ? b->minx : e->minx;
	e->miny = b->miny < e->miny ? b->miny : e->miny;
	e->maxx = b->maxx > e->maxx ? b->maxx : e->maxx;
	e->maxy = b->maxy > e->maxy ? b->maxy : e->maxy;
}

/* Binds a box to ?at … ?at+3 as minx, miny, maxx, maxy. */
static void bind_box(sqlite3_stmt *st, int at, const gp_bbox *b)
{
	sqlite3_bind_double(st, at, b->minx);
	sqlite3_bind_double(st, at + 1, b->miny);
	sqlite3_bind_double(st, at + 2, b->maxx);
	sqlite3_bind_double(st, at + 3, b->maxy);
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void put_f64(unsigned char *p, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, 8);
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(bits >> (8 * i));
}

int gp_store_gpkg_add(gp_store_gpkg *g, int64_t fid, const gp_field_value *values, double x,
                      double y)
{
	/*
	 * GeoPackage binary: "GP", version 0, flags 0x01 (little-endian, no
	 * envelope — a point is its own), srs_id, then an ISO WKB point.
	 */
	unsigned char blob[8 + 21];
	int rc;

	blob[0] = 'G';
	blob[1] = 'P';
	blob[2] = 0;
	blob[3] = 0x01;
	put_u32(blob + 4, (uint32_t)g->srid);
	blob[8] = 1;
	put_u32(blob + 9, 1);
	put_f64(blob + 13, x);
	put_f64(blob + 21, y);
	sqlite3_bind_int64(g->insert, 1, fid);
	sqlite3_bind_blob(g->insert, 2, blob, sizeof(blob), SQLITE_STATIC);
	for (size_t i = 0; i < g->ncols; i++) {
		const gp_field_value *v = &values[i];
		int at = (int)i + 3;

		if (v->null)
			sqlite3_bind_null(g->insert, at);
		else if (g->cols[i].type == GP_FIELD_INTEGER)
			sqlite3_bind_int64(g->insert, at, v->i);
		else if (g->cols[i].type == GP_FIELD_REAL)
			sqlite3_bind_double(g->insert, at, v->d);
		else
			sqlite3_bind_text(g->insert, at, v->s, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(g->insert);
	sqlite3_reset(g->insert);
	if (rc == SQLITE_DONE) {
		sqlite3_bind_int64(g->rtree, 1, fid);
		sqlite3_bind_double(g->rtree, 2, x);
		sqlite3_bind_double(g->rtree, 3, y);
		rc = sqlite3_step(g->rtree);
		sqlite3_reset(g->rtree);
	}
	if (rc != SQLITE_DONE) {
		return gpkg_fail(g->db);
	}
	widen(&g->extent, g->n++, &(gp_bbox){ x, y, x, y });
	return 0;
}

/* A GeoPackage geometry blob: "GP", version 0, little-endian, no envelope, srs, WKB. */
static int gpkg_blob(gp_buf *out, int srid, const void *wkb, size_t len)
{
	unsigned char head[8] = { 'G', 'P', 0, 0x01 };

	put_u32(head + 4, (uint32_t)srid);
	gp_buf_reset(out);
	gp_buf_append(out, head, sizeof(head));
	gp_buf_append(out, wkb, len);
	return gp_buf_status(out);
}

int gp_store_gpkg_add_districts(gp_store_gpkg *g, gp_store *src)
{
	sqlite3_stmt *get = gp_store_stmt(src, "SELECT id, name, layer, AsBinary(geom),"
	                                       " MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom),"
	                                       " MbrMaxY(geom) FROM districts ORDER BY layer, ord");
	sqlite3_stmt *put = NULL, *idx = NULL, *contents = NULL;
	gp_bbox extent = { 0, 0, 0, 0 };
	gp_buf blob;
	int64_t n = 0;
	int rc, step;

	if (!get)
		return GP_EFAULT;
	gp_buf_init(&blob, (size_t)64 << 20);
	rc = sqlite3_prepare_v2(g->db, "INSERT INTO districts (geom, id, name, layer)"
	                               " VALUES (?1, ?2, ?3, ?4)", -1, &put, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(g->db, "INSERT INTO rtree_districts_geom VALUES"
		                               " (?1, ?2, ?4, ?3, ?5)", -1, &idx, NULL);
	if (rc != SQLITE_OK)
		goto sqlfail;
	while ((step = sqlite3_step(get)) == SQLITE_ROW) {
		gp_bbox b = { sqlite3_column_double(get, 4), sqlite3_column_double(get, 5),
		              sqlite3_column_double(get, 6), sqlite3_column_double(get, 7) };
		if ((rc = gpkg_blob(&blob, 25832, sqlite3_column_blob(get, 3),
		                    (size_t)sqlite3_column_bytes(get, 3))))
			goto out;
		sqlite3_bind_blob(put, 1, blob.data, (int)blob.len, SQLITE_STATIC);
		for (int i = 0; i < 3; i++)
			sqlite3_bind_text(put, i + 2, (const char *)sqlite3_column_text(get, i), -1,
			                  SQLITE_TRANSIENT);
		if (sqlite3_step(put) != SQLITE_DONE)
			goto sqlfail;
		sqlite3_reset(put);
		sqlite3_bind_int64(idx, 1, sqlite3_last_insert_rowid(g->db));
		bind_box(idx, 2, &b);
		if (sqlite3_step(idx) != SQLITE_DONE)
			goto sqlfail;
		sqlite3_reset(idx);
		widen(&extent, n++, &b);
	}
	if (step != SQLITE_DONE) {
		rc = STORE_FAIL(src, step);
		goto out;
	}
	rc = sqlite3_prepare_v2(g->db, "INSERT INTO gpkg_contents (table_name, data_type,"
	                               " identifier, description, min_x, min_y, max_x, max_y,"
	                               " srs_id) VALUES ('districts', 'features', 'districts',"
	                               " 'Ortsbezirke and Stadtteile (layer) with their ids as the"
	                               " points name them', ?1, ?2, ?3, ?4, 25832);"
	                               , -1, &contents, NULL);
	if (rc != SQLITE_OK)
		goto sqlfail;
	bind_box(contents, 1, &extent);
	if (sqlite3_step(contents) != SQLITE_DONE)
		goto sqlfail;
	rc = gpkg_exec(g->db, "INSERT INTO gpkg_geometry_columns VALUES ('districts', 'geom',"
	                      " 'MULTIPOLYGON', 25832, 0, 0)");
	goto out;
sqlfail:
	rc = gpkg_fail(g->db);
out:
	sqlite3_reset(get);
	sqlite3_finalize(put);
	sqlite3_finalize(idx);
	sqlite3_finalize(contents);
	gp_buf_free(&blob);
	return rc;
}

int gp_store_gpkg_add_label(gp_store_gpkg *g, const char *field, const char *code,
                            const char *label_de, const char *label_en)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(g->db, "INSERT INTO labels (field, code, label_de, label_en)"
	                                   " VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, field, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, label_de, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, label_en, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		return gpkg_fail(g->db);
	}
	return 0;
}

/* Text for XML: the five characters XML reserves, escaped. */
static void put_xml(gp_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': gp_buf_puts(b, "&amp;"); break;
		case '<': gp_buf_puts(b, "&lt;"); break;
		case '>': gp_buf_puts(b, "&gt;"); break;
		case '"': gp_buf_puts(b, "&quot;"); break;
		case '\'': gp_buf_puts(b, "&apos;"); break;
		default: gp_buf_putc(b, *s);
		}
	}
}

/* Stores one metadata document and refers table `table` to it. */
static int put_metadata(gp_store_gpkg *g, const char *table, const char *uri, const char *doc)
{
	sqlite3_stmt *md = NULL, *ref = NULL;
	int rc = sqlite3_prepare_v2(g->db, "INSERT INTO gpkg_metadata (md_scope, md_standard_uri,"
	                                   " mime_type, metadata) VALUES ('dataset', ?1, 'text/xml',"
	                                   " ?2)", -1, &md, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(g->db, "INSERT INTO gpkg_metadata_reference (reference_scope,"
		                               " table_name, md_file_id) VALUES ('table', ?1, ?2)",
		                        -1, &ref, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(md, 1, uri, -1, SQLITE_STATIC);
		sqlite3_bind_text(md, 2, doc, -1, SQLITE_STATIC);
		rc = sqlite3_step(md);
	}
	if (rc == SQLITE_DONE) {
		sqlite3_bind_text(ref, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ref, 2, sqlite3_last_insert_rowid(g->db));
		rc = sqlite3_step(ref);
	}
	rc = rc == SQLITE_DONE ? 0 : gpkg_fail(g->db);
	sqlite3_finalize(md);
	sqlite3_finalize(ref);
	return rc;
}

static void put_element(gp_buf *b, const char *name, const char *value)
{
	gp_buf_printf(b, "  <%s>", name);
	put_xml(b, value);
	gp_buf_printf(b, "</%s>\n", name);
}

int gp_store_gpkg_set_metadata(gp_store_gpkg *g, const char *table,
                               const gp_store_gpkg_meta *m)
{
	const char *keys[] = { "TITLE", "DESCRIPTION", "LICENSE", "ATTRIBUTION", "DATE" };
	const char *values[] = { m->title, m->description, m->licence, m->attribution, m->date };
	gp_buf xml;
	int rc;

	/* GDAL's own document, which ogrinfo lists per layer. */
	gp_buf_init(&xml, 1 << 20);
	gp_buf_puts(&xml, "<GDALMultiDomainMetadata>\n  <Metadata>\n");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		gp_buf_printf(&xml, "    <MDI key=\"%s\">", keys[i]);
		put_xml(&xml, values[i]);
		gp_buf_puts(&xml, "</MDI>\n");
	}
	gp_buf_puts(&xml, "  </Metadata>\n</GDALMultiDomainMetadata>\n");
	if ((rc = gp_buf_status(&xml)) ||
	    (rc = put_metadata(g, table, "http://gdal.org", gp_buf_cstr(&xml))))
		goto out;
	/* QGIS's layer metadata document, which its layer properties show. */
	gp_buf_reset(&xml);
	gp_buf_puts(&xml, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
	                  "<qgis version=\"3.22\">\n");
	put_element(&xml, "identifier", table);
	put_element(&xml, "type", "dataset");
	put_element(&xml, "title", m->title);
	put_element(&xml, "abstract", m->description);
	put_element(&xml, "rights", m->attribution);
	put_element(&xml, "license", m->licence);
	gp_buf_puts(&xml, "  <dates>\n    <date type=\"Published\" value=\"");
	put_xml(&xml, m->date);
	gp_buf_puts(&xml, "\"/>\n  </dates>\n</qgis>\n");
	if (!(rc = gp_buf_status(&xml)))
		rc = put_metadata(g, table, "http://mrcc.com/qgis.dtd", gp_buf_cstr(&xml));
out:
	gp_buf_free(&xml);
	return rc;
}

int gp_store_gpkg_finish(gp_store_gpkg *g)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (g->n) {
		rc = sqlite3_prepare_v2(g->db, "UPDATE gpkg_contents SET min_x = ?1, min_y = ?2,"
		                               " max_x = ?3, max_y = ?4 WHERE table_name = 'points'",
		                        -1, &st, NULL);
		if (rc == SQLITE_OK) {
			bind_box(st, 1, &g->extent);
			rc = sqlite3_step(st);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			return gpkg_fail(g->db);
		}
	}
	if ((rc = rtree_triggers(g->db, "points")) ||
	    (rc = rtree_triggers(g->db, "districts")) || (rc = gpkg_exec(g->db, "COMMIT")))
		return rc;
	sqlite3_finalize(g->insert);
	sqlite3_finalize(g->rtree);
	g->insert = g->rtree = NULL;
	if (sqlite3_close(g->db) != SQLITE_OK)
		return GP_EIO;
	g->db = NULL;
	return 0;
}

void gp_store_gpkg_free(gp_store_gpkg *g)
{
	if (!g)
		return;
	sqlite3_finalize(g->insert);
	sqlite3_finalize(g->rtree);
	if (g->db)
		sqlite3_close(g->db);
	free(g);
}
