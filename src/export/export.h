/*
 * export.h — streaming exports of points as files for GIS and office tools:
 * GeoJSON, CSV and GeoPackage.
 *
 * Streaming: rows go from one read transaction through a fixed-size buffer
 * to the sink, so memory stays flat whatever the number of points.  A
 * GeoPackage is an SQLite file and cannot be written as a stream: it is
 * written to a file (the caller's, or a temporary one whose bytes then go
 * to the sink in pieces and which is removed afterwards).
 *
 * Axis order: export files use the GIS order (easting/longitude first) in
 * every CRS, because that is what GIS tools read from files; the API
 * follows each CRS's authority order instead.
 *
 * Must never: hold all rows in memory, or decide who may export what (the
 * caller's visibility does), or read points but through the read layer.
 */
#ifndef GP_EXPORT_H
#define GP_EXPORT_H

#include <stdint.h>

#include "geo/geo.h"
#include "read/read.h"
#include "store/store.h"

typedef enum gp_export_format {
	GP_EXPORT_GEOJSON = 0,
	GP_EXPORT_CSV,
	GP_EXPORT_GPKG
} gp_export_format;

/* Parses "geojson" / "csv" / "gpkg"; 0 or GP_INVALID. */
int gp_export_format_parse(gp_export_format *out, const char *s);
/* The media type of a format, e.g. "text/csv; charset=utf-8; header=present". */
const char *gp_export_media_type(gp_export_format f);
/* The file name suffix of a format: "geojson", "csv", "gpkg". */
const char *gp_export_suffix(gp_export_format f);

/* Receives the export in pieces; a non-zero return stops it. */
typedef int (*gp_export_sink)(void *ctx, const void *data, size_t len);

typedef struct gp_export_options {
	gp_export_format format;
	gp_crs crs;
	gp_visibility vis; /* which points (read.h); with vis.staff, what only staff see */
	const char *district; /* only the points of this district (either layer), or NULL */
	int excel;   /* CSV for spreadsheet programs: BOM, ';', formula guard */
	const char *path; /* GeoPackage: write this file (replaced once whole) instead of the sink */
	const char *city;    /* GeoPackage metadata: the city the points are of */
	const char *licence; /* GeoPackage metadata: the points' licence, NULL or "": unknown */
	void (*progress)(void *ctx, int64_t done, int64_t total);
	void *progress_ctx;
} gp_export_options;

/* The CRS of a format's files when none is asked for: EPSG:25832 for a
 * GeoPackage (what the city's GIS works in), CRS84 otherwise. */
gp_crs gp_export_default_crs(gp_export_format f);

/*
 * Writes every point opt->vis admits, read through r, to the sink (or,
 * for a GeoPackage with opt->path, to that file).  A GeoPackage also holds
 * the districts, the labels of the codes and metadata for each table.  s is r's connection,
 * which a GeoPackage copies its SRS definition from; g transforms.  Sets
 * *out_count to the number of points written.  Returns 0, a sink's
 * non-zero value, or a store/geo/file failure.  A GeoPackage is written to
 * a file first: in $TMPDIR (else /tmp) before it goes to the sink, or
 * beside opt->path and renamed onto it once whole.  When that file cannot
 * be made or written (missing or unwritable directory, full disk), it
 * returns GP_STORAGE with err saying so, before the sink got anything, and
 * leaves no file behind (opt->path keeps what it held); an opt->path that
 * exists but is no regular file (a device, a pipe, a folder) is GP_INVALID.
 * err (may be NULL) is the caller's.
 */
int gp_export_points(gp_read *r, gp_store *s, gp_geo *g, const gp_export_options *opt,
                     gp_export_sink sink, void *ctx, int64_t *out_count, gp_err *err);

#endif
