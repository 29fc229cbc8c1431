/*
 * export.c — GeoJSON, CSV and GeoPackage writers over one read transaction.
 *
 * GeoJSON and CSV run as a two-stage pipeline: a reader thread steps the
 * query and copies rows into batches, while the calling thread formats
 * them and feeds the sink.  Reading and formatting cost about the same,
 * so an export takes half as long when a second core is free; the
 * connection stays in one read transaction, used by one thread at a time,
 * and the sink is only ever called from the caller's thread.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "json/json.h"

#define FLUSH_AT (64 * 1024)

static const struct {
	const char *name;
	const char *type;
} formats[] = {
	[GP_EXPORT_GEOJSON] = { "geojson", "application/geo+json; charset=utf-8" },
	[GP_EXPORT_CSV] = { "csv", "text/csv; charset=utf-8; header=present" },
	[GP_EXPORT_GPKG] = { "gpkg", "application/geopackage+sqlite3" },
};

int gp_export_format_parse(gp_export_format *out, const char *s)
{
	for (size_t i = 0; s && i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(s, formats[i].name) == 0) {
			*out = (gp_export_format)i;
			return 0;
		}
	}
	return GP_INVALID;
}

const char *gp_export_media_type(gp_export_format f)
{
	return formats[f].type;
}

gp_crs gp_export_default_crs(gp_export_format f)
{
	return f == GP_EXPORT_GPKG ? GP_CRS_EPSG25832 : GP_CRS_CRS84;
}

static int put_label(void *ctx, const char *field, const char *code, const char *de,
                     const char *en)
{
	return gp_store_gpkg_add_label(ctx, field, code, de, en);
}

/* Districts, labels and what each table is, beside the points. */
static int gpkg_extras(gp_read *rd, gp_store *s, gp_store_gpkg *g, const gp_export_options *opt)
{
	const char *city = opt->city && *opt->city ? opt->city : "geopart";
	char now[GP_TIME_LEN], title[256], attribution[2048];
	gp_store_gpkg_meta m;
	int rc;

	if ((rc = gp_store_gpkg_add_districts(g, s)) || (rc = gp_read_labels(rd, put_label, g)))
		return rc;
	gp_time_now(now);
	snprintf(title, sizeof(title), "Beteiligungspunkte %s", city);
	snprintf(attribution, sizeof(attribution),
	         "Beiträge der Bürgerinnen und Bürger zur Beteiligung %s (geopart)", city);
	m = (gp_store_gpkg_meta){
		.title = title,
		.description = opt->vis.staff
		                       ? "Participation points with the staff fields (note, flags); "
		                         "codes and their labels in the table labels"
		                       : "Published participation points; codes and their labels in "
		                         "the table labels",
		.licence = opt->licence && *opt->licence
		                   ? opt->licence
		                   : "nicht angegeben / not stated (setting data_licence)",
		.attribution = attribution,
		.date = now,
	};
	if ((rc = gp_store_gpkg_set_metadata(g, "points", &m)))
		return rc;
	snprintf(title, sizeof(title), "Ortsbezirke und Stadtteile %s", city);
	attribution[0] = '\0';
	for (size_t i = 0, n = 0; gp_data_attribution(i) && n < sizeof(attribution); i++) {
		int w = snprintf(attribution + n, sizeof(attribution) - n, "%s%s", i ? " " : "",
		                 gp_data_attribution(i));
		n = w < 0 ? sizeof(attribution) : n + (size_t)w;
	}
	m.description = "District boundaries: layer ortsbezirk (ids ob-…) and stadtteil (ids st-…)";
	m.licence = "siehe Namensnennung / see attribution (data/SOURCES.md)";
	return gp_store_gpkg_set_metadata(g, "districts", &m);
}

const char *gp_export_suffix(gp_export_format f)
{
	return formats[f].name;
}

#define MAX_FIELDS 64

typedef struct run {
	const gp_export_options *opt;
	gp_store_gpkg *gpkg; /* the GeoPackage being written, or NULL */
	/* The GeoPackage's columns: the fields written in its CRS for its reader. */
	const gp_read_field *fields[MAX_FIELDS];
	gp_field_column cols[MAX_FIELDS];
	size_t ncols;
	gp_geo *geo;
	gp_export_sink sink;
	void *sink_ctx;
	gp_buf b;
	int64_t n, total;
	char sep;
} run;

static int flush(run *r, int force)
{
	int rc;

	if ((rc = gp_buf_status(&r->b)))
		return rc;
	if (r->b.len == 0 || (!force && r->b.len < FLUSH_AT))
		return 0;
	rc = r->sink(r->sink_ctx, r->b.data, r->b.len);
	gp_buf_reset(&r->b);
	return rc;
}

/* A CSV field, quoted when it must be; with the Excel guard against formulas. */
static void csv_text(run *r, const char *s)
{
	char specials[] = { '"', r->sep, '\n', '\r', '\0' };
	size_t n;
	int quote;

	if (!s)
		return;
	n = strlen(s);
	quote = s[strcspn(s, specials)] != '\0';
	/*
	 * Spreadsheets execute cells that begin with = + - @ (CSV injection);
	 * in the Excel dialect such text gets a leading apostrophe.
	 */
	if (r->opt->excel && s[0] && strchr("=+-@\t\r", s[0]))
		quote = 2;
	if (!quote) {
		gp_buf_append(&r->b, s, n);
		return;
	}
	gp_buf_putc(&r->b, '"');
	if (quote == 2)
		gp_buf_putc(&r->b, '\'');
	/* Runs between quotes at once; each quote doubled. */
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		gp_buf_append(&r->b, s, (size_t)(q - s) + 1);
		gp_buf_putc(&r->b, '"');
	}
	gp_buf_puts(&r->b, s);
	gp_buf_putc(&r->b, '"');
}

static void csv_number(run *r, double v, int decimals)
{
	size_t at = r->b.len;

	gp_buf_put_fixed(&r->b, v, decimals);
	/* The Excel dialect (German locale) uses a decimal comma. */
	if (r->opt->excel && !gp_buf_status(&r->b))
		for (size_t i = at; i < r->b.len; i++)
			if (r->b.data[i] == '.')
				r->b.data[i] = ',';
}

/*
 * A time: canonical UTC text, or in the spreadsheet dialect the local
 * wall-clock time "2026-12-06 08:22:42" (time_zone), which Excel and
 * LibreOffice read as a date-time where ISO text with a zone stays text.
 */
static void csv_time(run *r, const char *t)
{
	char local[20];

	if (r->opt->excel && t && gp_time_local(local, t) == 0)
		gp_buf_puts(&r->b, local);
	else
		csv_text(r, t);
}

/* The field set's columns, then the geometry as WKT (CSV has no other). */
static void csv_header(run *r)
{
	for (size_t i = 0; i < gp_read_point_field_count; i++)
		if (gp_read_field_written(&gp_read_point_fields[i], r->opt->crs, r->opt->vis.staff)) {
			gp_buf_puts(&r->b, gp_read_point_fields[i].column.name);
			gp_buf_putc(&r->b, r->sep);
		}
	gp_buf_puts(&r->b, "wkt\r\n");
}

static void csv_row(run *r, const gp_point *p, double x, double y)
{
	gp_crs crs = r->opt->crs;

	for (size_t i = 0; i < gp_read_point_field_count; i++) {
		const gp_read_field *f = &gp_read_point_fields[i];
		gp_field_value v;

		if (!gp_read_field_written(f, crs, r->opt->vis.staff))
			continue;
		gp_read_field_get(f, p, crs, 1, x, y, &v);
		if (!v.null) {
			switch (f->column.type) {
			case GP_FIELD_INTEGER: gp_buf_put_i64(&r->b, v.i); break;
			case GP_FIELD_REAL: csv_number(r, v.d, gp_read_field_decimals(f, crs)); break;
			case GP_FIELD_TEXT: csv_text(r, v.s); break;
			case GP_FIELD_DATETIME: csv_time(r, v.s); break;
			}
		}
		gp_buf_putc(&r->b, r->sep);
	}
	gp_buf_puts(&r->b, "POINT (");
	gp_buf_put_fixed(&r->b, x, gp_crs_decimals(crs));
	gp_buf_putc(&r->b, ' ');
	gp_buf_put_fixed(&r->b, y, gp_crs_decimals(crs));
	gp_buf_putc(&r->b, ')');
}

static int put_point(void *ctx, const gp_point *p)
{
	run *r = ctx;
	gp_crs crs = r->opt->crs;
	double x = p->x, y = p->y;
	int rc;

	if (crs == GP_CRS_CRS84 || crs == GP_CRS_EPSG4326) {
		x = p->lon;
		y = p->lat;
	} else if (crs != GP_CRS_STORAGE &&
	           (rc = gp_geo_transform(r->geo, GP_CRS_STORAGE, crs, GP_AXIS_GIS, &x, &y, 1))) {
		return rc < 0 ? rc : GP_EFAULT;
	}
	if (r->opt->format == GP_EXPORT_GPKG) {
		gp_field_value v[MAX_FIELDS];
		for (size_t i = 0; i < r->ncols; i++)
			gp_read_field_get(r->fields[i], p, crs, 1, x, y, &v[i]);
		if ((rc = gp_store_gpkg_add(r->gpkg, p->id, v, x, y)))
			return rc;
	} else if (r->opt->format == GP_EXPORT_GEOJSON) {
		if (r->n)
			gp_buf_puts(&r->b, ",\n");
		gp_read_point_feature(&r->b, p, x, y,
		                      &(gp_read_feature){ .crs = crs, .gis_order = 1,
		                                          .staff = r->opt->vis.staff });
	} else {
		csv_row(r, p, x, y);
		gp_buf_puts(&r->b, "\r\n");
	}
	r->n++;
	if (r->opt->progress && (r->n % 10000 == 0 || r->n == r->total))
		r->opt->progress(r->opt->progress_ctx, r->n, r->total);
	return flush(r, 0);
}

/* ---- the reader/formatter pipeline ---------------------------------- */

#define BATCH_ROWS 1024
#define BATCHES 3   /* one being read, one waiting, one being formatted */
#define NO_TEXT ((size_t)-1)

/* The strings of a row, as offsets into the batch's text (NO_TEXT: NULL). */
enum { T_COMMENT, T_TOPIC, T_NOTE, T_OB_ID, T_OB_NAME, T_ST_ID, T_ST_NAME, T_REPLY,
       T_FLAG_REASONS, T_COUNT };

typedef struct batch {
	gp_point row[BATCH_ROWS];
	size_t text_at[BATCH_ROWS][T_COUNT];
	size_t n;
	gp_buf text;
} batch;

typedef struct pipeline {
	gp_read *read;
	const gp_visibility *vis;
	const char *district;
	run *r;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	batch b[BATCHES];
	uint64_t filled;   /* batches handed over by the reader */
	uint64_t formatted; /* batches given back by the formatter */
	int reader_done, reader_rc;
	int stop; /* the formatter failed: the reader gives up */
} pipeline;

static void keep_text(batch *b, size_t i, int t, const char *s)
{
	b->text_at[i][t] = NO_TEXT;
	if (s) {
		b->text_at[i][t] = b->text.len;
		gp_buf_append(&b->text, s, strlen(s) + 1);
	}
}

static const char *text_of(const batch *b, size_t i, int t)
{
	return b->text_at[i][t] == NO_TEXT ? NULL : b->text.data + b->text_at[i][t];
}

/* Reader: waits for a free batch; 0, or the formatter's stop. */
static int hand_over(pipeline *pl, int last)
{
	int rc;

	pthread_mutex_lock(&pl->mu);
	if (!last)
		pl->filled++;
	else
		pl->reader_done = 1;
	pthread_cond_broadcast(&pl->cv);
	while (!pl->stop && !last && pl->filled - pl->formatted >= BATCHES)
		pthread_cond_wait(&pl->cv, &pl->mu);
	rc = pl->stop;
	pthread_mutex_unlock(&pl->mu);
	return rc;
}

static int copy_point(void *ctx, const gp_point *p)
{
	pipeline *pl = ctx;
	batch *b = &pl->b[pl->filled % BATCHES];
	size_t i;
	int rc;

	if (b->n == 0)
		gp_buf_reset(&b->text);
	i = b->n++;
	b->row[i] = *p;
	keep_text(b, i, T_COMMENT, p->comment);
	keep_text(b, i, T_TOPIC, p->topic);
	keep_text(b, i, T_NOTE, p->note);
	keep_text(b, i, T_OB_ID, p->ortsbezirk.id);
	keep_text(b, i, T_OB_NAME, p->ortsbezirk.name);
	keep_text(b, i, T_ST_ID, p->stadtteil.id);
	keep_text(b, i, T_ST_NAME, p->stadtteil.name);
	keep_text(b, i, T_REPLY, p->reply);
	keep_text(b, i, T_FLAG_REASONS, p->flag_reasons);
	if ((rc = gp_buf_status(&b->text)))
		return rc;
	return b->n == BATCH_ROWS ? hand_over(pl, 0) : 0;
}

static void *reader_main(void *arg)
{
	pipeline *pl = arg;
	int rc = gp_read_walk(pl->read, pl->vis, pl->district, copy_point, pl);

	pthread_mutex_lock(&pl->mu);
	if (!rc && pl->b[pl->filled % BATCHES].n)
		pl->filled++; /* the last, partly filled batch */
	pl->reader_rc = rc;
	pthread_mutex_unlock(&pl->mu);
	hand_over(pl, 1);
	return NULL;
}

/* Formatter: every batch in order, then the reader's verdict. */
static int format_batches(pipeline *pl)
{
	int rc = 0;

	for (;;) {
		batch *b;

		pthread_mutex_lock(&pl->mu);
		while (pl->formatted == pl->filled && !pl->reader_done)
			pthread_cond_wait(&pl->cv, &pl->mu);
		if (pl->formatted == pl->filled) {
			rc = pl->reader_rc;
			pthread_mutex_unlock(&pl->mu);
			return rc;
		}
		b = &pl->b[pl->formatted % BATCHES];
		pthread_mutex_unlock(&pl->mu);

		for (size_t i = 0; i < b->n && !rc; i++) {
			gp_point *p = &b->row[i];
			p->comment = text_of(b, i, T_COMMENT);
			p->topic = text_of(b, i, T_TOPIC);
			p->note = text_of(b, i, T_NOTE);
			p->ortsbezirk.id = text_of(b, i, T_OB_ID);
			p->ortsbezirk.name = text_of(b, i, T_OB_NAME);
			p->stadtteil.id = text_of(b, i, T_ST_ID);
			p->stadtteil.name = text_of(b, i, T_ST_NAME);
			p->reply = text_of(b, i, T_REPLY);
			p->flag_reasons = text_of(b, i, T_FLAG_REASONS);
			rc = put_point(pl->r, p);
		}
		pthread_mutex_lock(&pl->mu);
		b->n = 0;
		pl->formatted++;
		if (rc)
			pl->stop = rc;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
		if (rc)
			return rc;
	}
}

/*
 * Runs the query through the pipeline.  Returns GP_ENOMEM without having
 * read anything when the reader thread cannot start, so the caller can
 * read on its own instead.
 */
static int export_pipelined(gp_read *rd, const gp_visibility *vis, const char *district,
                            run *r)
{
	pipeline *pl = calloc(1, sizeof(*pl));
	pthread_t reader;
	int rc;

	if (!pl)
		return GP_ENOMEM;
	pl->read = rd;
	pl->vis = vis;
	pl->district = district;
	pl->r = r;
	for (int i = 0; i < BATCHES; i++)
		gp_buf_init(&pl->b[i].text, (size_t)1 << 30);
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->cv, NULL);
	if (pthread_create(&reader, NULL, reader_main, pl) != 0) {
		rc = GP_ENOMEM;
	} else {
		rc = format_batches(pl);
		pthread_join(reader, NULL);
		if (!rc)
			rc = pl->reader_rc;
	}
	pthread_cond_destroy(&pl->cv);
	pthread_mutex_destroy(&pl->mu);
	for (int i = 0; i < BATCHES; i++)
		gp_buf_free(&pl->b[i].text);
	free(pl);
	return rc;
}

/* The words of a GeoPackage that could not be written, for the client and the CLI. */
static int spill_fault(gp_err *err, const char *why)
{
	return gp_err_set(err, GP_STORAGE, "",
	                  "the GeoPackage cannot be written right now (%s); nothing was sent "
	                  "and no partial file is left; please try again later (GeoJSON and "
	                  "CSV need no file)", why);
}

/* Hands the file at path to the sink in pieces. */
static int send_file(run *r, const char *path)
{
	char chunk[FLUSH_AT];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return GP_EIO;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if ((rc = r->sink(r->sink_ctx, chunk, (size_t)n)))
			break;
	if (n < 0 && !rc)
		rc = GP_EIO;
	close(fd);
	return rc;
}

/*
 * Opens the file a GeoPackage is written to before it is handed on: beside
 * opt->path (renamed onto it once whole, so a failed export leaves the old
 * file as it was and no half-written one), or in $TMPDIR (else /tmp) to be
 * streamed to the sink.  A directory that is missing, not writable or full
 * is a storage fault (503, retried later), told without the path, which
 * goes to the log.
 */
static int spill_open(char *tmp, size_t size, const char *path, gp_err *err)
{
	const char *dir = getenv("TMPDIR");
	struct stat st;
	int fd, n;

	/* a GeoPackage replaces a file; never a device, a pipe or a folder */
	if (path && stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		tmp[0] = '\0';
		return gp_err_set(err, GP_INVALID, "output",
		                  "a GeoPackage is written to a regular file, not to %.200s", path);
	}
	if (path)
		n = snprintf(tmp, size, "%s.XXXXXX", path);
	else
		n = snprintf(tmp, size, "%s/geopart-export-XXXXXX.gpkg", dir && *dir ? dir : "/tmp");
	if (n < 0 || (size_t)n >= size) {
		tmp[0] = '\0';
		return gp_err_set(err, GP_INVALID, "output", "the file name is too long");
	}
	fd = path ? mkstemp(tmp) : mkstemps(tmp, 5);
	if (fd < 0) {
		int e = errno;
		gp_log_error("cannot create a temporary file %s: %s", tmp, strerror(e));
		tmp[0] = '\0';
		return spill_fault(err, strerror(e));
	}
	close(fd);
	return 0;
}

int gp_export_points(gp_read *rd, gp_store *s, gp_geo *g, const gp_export_options *opt,
                     gp_export_sink sink, void *ctx, int64_t *out_count, gp_err *err)
{
	run r = { .opt = opt, .geo = g, .sink = sink, .sink_ctx = ctx,
	          .sep = opt->excel ? ';' : ',' };
	char tmp[4096] = "";
	int walking = 0, sending = 0;
	int rc;

	gp_buf_init(&r.b, FLUSH_AT * 4);
	if (opt->format == GP_EXPORT_GPKG) {
		/* CRS84 is EPSG:4326 in a GeoPackage, whose x is always east. */
		int srid = gp_crs_epsg(opt->crs) ? gp_crs_epsg(opt->crs) : 4326;
		if ((rc = spill_open(tmp, sizeof(tmp), opt->path, err)))
			goto out;
		for (size_t i = 0; i < gp_read_point_field_count; i++) {
			const gp_read_field *f = &gp_read_point_fields[i];
			if (!gp_read_field_written(f, opt->crs, opt->vis.staff))
				continue;
			assert(r.ncols < MAX_FIELDS);
			r.fields[r.ncols] = f;
			r.cols[r.ncols++] = f->column;
		}
		if ((rc = gp_store_gpkg_new(&r.gpkg, s, tmp, srid, r.cols, r.ncols, err)) ||
		    (rc = gpkg_extras(rd, s, r.gpkg, opt)))
			goto out;
	}
	walking = 1;
	if ((rc = gp_read_walk_begin(rd, &opt->vis, opt->district, opt->progress ? &r.total : NULL)))
		goto out;
	if (opt->format == GP_EXPORT_GEOJSON) {
		gp_buf_puts(&r.b, "{\"type\":\"FeatureCollection\",");
		if (opt->crs != GP_CRS_CRS84)
			gp_json_put_crs_member(&r.b, gp_crs_uri(opt->crs));
		gp_buf_puts(&r.b, "\"features\":[\n");
	} else if (opt->format == GP_EXPORT_CSV) {
		if (opt->excel)
			gp_buf_puts(&r.b, "\xEF\xBB\xBF");
		csv_header(&r);
	}
	if (opt->format == GP_EXPORT_GPKG)
		rc = gp_read_walk(rd, &opt->vis, opt->district, put_point, &r);
	else if ((rc = export_pipelined(rd, &opt->vis, opt->district, &r)) == GP_ENOMEM && r.n == 0)
		rc = gp_read_walk(rd, &opt->vis, opt->district, put_point, &r);
	if (rc)
		goto out;
	gp_read_walk_end(rd);
	walking = 0;
	if (opt->format == GP_EXPORT_GEOJSON)
		gp_buf_puts(&r.b, "\n]}\n");
	if (r.gpkg) {
		if ((rc = gp_store_gpkg_finish(r.gpkg)))
			goto out;
		if (opt->path) {
			if (rename(tmp, opt->path) != 0) {
				int e = errno;
				gp_log_error("cannot rename %s to %s: %s", tmp, opt->path, strerror(e));
				rc = spill_fault(err, strerror(e));
				goto out;
			}
			tmp[0] = '\0';
		} else {
			sending = 1;
			if ((rc = send_file(&r, tmp)))
				goto out;
		}
	}
	rc = flush(&r, 1);
	if (out_count)
		*out_count = r.n;
out:
	if (walking)
		gp_read_walk_end(rd);
	gp_store_gpkg_free(r.gpkg);
	/* the GeoPackage's file could not be written: the disk's fault, not the data's */
	if (rc == GP_EIO && tmp[0] && !sending)
		rc = spill_fault(err, "disk full or not writable");
	if (tmp[0])
		unlink(tmp);
	gp_buf_free(&r.b);
	return rc;
}
