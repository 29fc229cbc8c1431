/*
 * verbs.c — the short verbs: init, import-districts, import-points, export,
 * check, config, report.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "core/core.h"
#include "export/export.h"
#include "json/json.h"
#include "read/read.h"
#include "report/report.h"
#include "store/store.h"

/* The flags every verb takes, and the open worker they lead to. */
typedef struct common {
	const char *config_path;
	const char *db;
	gp_config cfg;
	gp_core *core;
	gp_worker *w;
} common;

/*
 * How a verb uses the database.  A verb that only reads opens it read-only,
 * never migrates it and never makes a server secret: run on a copy (a
 * backup, a file handed to GIS staff) it leaves the copy and its folder
 * exactly as they were, and run beside the server it never waits for the
 * server's write lock.
 */
typedef enum open_mode {
	OPEN_CREATE, /* may create the database and its secret; migrates */
	OPEN_WRITE,  /* an existing database; migrates */
	OPEN_READ,   /* reads an existing database of this binary's schema */
	OPEN_COPY    /* reads an existing database of any schema (backup) */
} open_mode;

static int common_open(common *c, open_mode mode)
{
	int read_only = mode == OPEN_READ || mode == OPEN_COPY;
	int applied = 0, known = 0;
	gp_err err;

	gp_err_clear(&err);
	if (gp_cli_load_config(&c->cfg, c->config_path))
		return GP_EXIT_FAIL;
	if ((c->db && gp_config_set(&c->cfg, "db", c->db, &err)) ||
	    gp_config_normalise(&c->cfg, &err)) {
		gp_cli_error("%s", err.detail);
		return GP_EXIT_USAGE;
	}
	gp_log_set_level(c->cfg.log_level < GP_LOG_WARN ? GP_LOG_WARN : c->cfg.log_level);
	if (mode != OPEN_CREATE && access(c->cfg.db_path, F_OK) != 0) {
		gp_cli_error("no database at %s (create one with `geopart init`)", c->cfg.db_path);
		return GP_EXIT_FAIL;
	}
	if (gp_core_new(&c->core, &c->cfg, read_only ? GP_CORE_READ_ONLY : GP_CORE_CREATE_SECRET,
	                &err) ||
	    gp_worker_new(&c->w, c->core, &err)) {
		gp_cli_error("%s", err.detail[0] ? err.detail : "cannot start");
		return GP_EXIT_FAIL;
	}
	if (!read_only && gp_store_migrate(gp_worker_store(c->w), &err)) {
		gp_cli_error("%s", err.detail);
		return GP_EXIT_FAIL;
	}
	if (mode != OPEN_READ)
		return 0;
	if (gp_store_schema_version(gp_worker_store(c->w), &applied, &known)) {
		gp_cli_error("cannot read the schema version of %s", c->cfg.db_path);
		return GP_EXIT_FAIL;
	}
	if (applied < known) {
		gp_cli_error("%s has schema %d, this geopart reads %d: bring it up to date with "
		             "`geopart init --db %s` first", c->cfg.db_path, applied, known,
		             c->cfg.db_path);
		return GP_EXIT_FAIL;
	}
	if (applied > known) {
		gp_cli_error("database schema %d is newer than this geopart (%d); upgrade geopart",
		             applied, known);
		return GP_EXIT_FAIL;
	}
	return 0;
}

static void common_close(common *c)
{
	gp_worker_free(c->w);
	gp_core_free(c->core);
	gp_config_clear(&c->cfg);
}

#define COMMON_OPTIONS                                                        \
	{ "config", required_argument, NULL, 'c' },                           \
	{ "db", required_argument, NULL, 'd' },                               \
	{ "help", no_argument, NULL, 'h' }

#define COMMON_USAGE                                                          \
	"  --config FILE   settings file (see `geopart config`)\n"            \
	"  --db FILE       the database file (default geopart.db)\n"

/*
 * Parses a verb that takes only the common flags and `positional` plain
 * arguments (left at argv[optind]…).  Returns -1 to go on, or the exit code
 * to return (after --help or a usage error).
 */
static int parse_common(common *c, int argc, char **argv, const char *usage, int positional)
{
	static const struct option opts[] = { COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': c->config_path = optarg; break;
		case 'd': c->db = optarg; break;
		case 'h': fputs(usage, stdout); return GP_EXIT_OK;
		default: fputs(usage, stderr); return GP_EXIT_USAGE;
		}
	}
	if (optind != argc - positional) {
		fputs(usage, stderr);
		return GP_EXIT_USAGE;
	}
	return -1;
}

/* --crs CRS into *out (a gp_crs); 0, or -1 after saying what is supported. */
static int parse_crs_option(const char *v, int *out)
{
	gp_crs parsed;

	if (gp_crs_parse(&parsed, v)) {
		gp_cli_error("unsupported --crs %s (CRS84, EPSG:25832, EPSG:4326, EPSG:3857, EPSG:31467)", v);
		return -1;
	}
	*out = (int)parsed;
	return 0;
}

/* ---- init ------------------------------------------------------------------ */

int gp_cli_init(int argc, char **argv)
{
	static const char usage[] =
		"usage: geopart init [--config FILE] [--db FILE]\n"
		"\n"
		"Creates the database with the bundled Kaiserslautern Ortsbezirke and\n"
		"Stadtteile, or brings an existing one to the current schema.\n"
		"\n" COMMON_USAGE;
	common c;
	gp_err err;
	int created = 0, rc;

	memset(&c, 0, sizeof(c));
	gp_err_clear(&err);
	if ((rc = parse_common(&c, argc, argv, usage, 0)) >= 0)
		return rc;
	if ((rc = common_open(&c, OPEN_CREATE)))
		goto out;
	if (gp_core_prepare_database(c.w, &created, &err)) {
		gp_cli_error("%s", err.detail);
		rc = GP_EXIT_FAIL;
		goto out;
	}
	printf(created ? "created %s with the bundled Kaiserslautern districts\n"
	               : "%s is ready (schema up to date, districts present)\n",
	       c.cfg.db_path);
out:
	common_close(&c);
	return rc;
}

/* ---- import-districts ------------------------------------------------------ */

int gp_cli_import_districts(int argc, char **argv)
{
	static const char usage[] =
		"usage: geopart import-districts FILE --layer ortsbezirk|stadtteil\n"
		"                                [--crs CRS] [--id-property NAME]\n"
		"                                [--name-property NAME] [--config FILE] [--db FILE]\n"
		"\n"
		"Replaces one district layer with the polygons of a GeoJSON\n"
		"FeatureCollection (FILE, or - for standard input) and recomputes every\n"
		"stored point's districts, in one transaction.  Invalid polygons refuse\n"
		"the whole file.  Coordinates are read east/north first, as GeoJSON\n"
		"files carry them.  Ids become ob-<id> / st-<id>.\n"
		"\n"
		"  --layer L            ortsbezirk or stadtteil\n"
		"  --crs CRS            CRS of the file (default: its crs member, else CRS84)\n"
		"  --id-property NAME   property holding the district id (default id)\n"
		"  --name-property NAME property holding the name (default name)\n" COMMON_USAGE;
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "layer", required_argument, NULL, 'L' },
		{ "crs", required_argument, NULL, 'C' },
		{ "id-property", required_argument, NULL, 'I' },
		{ "name-property", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	gp_import_options opt = { .crs = -1, .progress = gp_cli_progress };
	gp_import_report report;
	const char *layer = NULL, *crs = NULL;
	char *text = NULL;
	size_t len = 0;
	common c;
	gp_err err;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	gp_err_clear(&err);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': c.config_path = optarg; break;
		case 'd': c.db = optarg; break;
		case 'L': layer = optarg; break;
		case 'C': crs = optarg; break;
		case 'I': opt.id_property = optarg; break;
		case 'N': opt.name_property = optarg; break;
		case 'h': fputs(usage, stdout); return GP_EXIT_OK;
		default: fputs(usage, stderr); return GP_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !layer) {
		fputs(usage, stderr);
		return GP_EXIT_USAGE;
	}
	if (gp_layer_parse(&opt.layer, layer)) {
		gp_cli_error("--layer must be ortsbezirk or stadtteil");
		return GP_EXIT_USAGE;
	}
	if (crs && parse_crs_option(crs, &opt.crs))
		return GP_EXIT_USAGE;
	if (gp_cli_read_file(argv[optind], 256u << 20, &text, &len))
		return GP_EXIT_FAIL;
	if ((rc = common_open(&c, OPEN_CREATE)))
		goto out;
	if (gp_core_import_districts(c.w, text, len, &opt, &report, &err)) {
		gp_cli_error("%s: %s", argv[optind], err.detail);
		rc = GP_EXIT_FAIL;
		goto out;
	}
	printf("imported %zu %s districts; %lld points reassigned, %lld changed district",
	       report.districts, layer, (long long)report.points, (long long)report.moved);
	if (report.outside_city)
		printf(", %lld now outside the city (given their nearest district)",
		       (long long)report.outside_city);
	printf("\n");
out:
	free(text);
	common_close(&c);
	return rc;
}

/* ---- import-points ------------------------------------------------------------ */

typedef struct import_rows {
	gp_import_row *row;
	gp_point_input *in;
	size_t n, cap;
	int64_t refused; /* rows the file itself refuses (shape, types) */
} import_rows;

static void import_rows_free(import_rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		gp_point_input_clear(&r->in[i]);
	free(r->row);
	free(r->in);
}

/* Rows refused while judged, and whether the file's rows have columns. */
typedef struct refusals {
	int64_t n;
	int columns; /* a GeoPackage's features (a CSV's lines are told by "line") */
} refusals;

/* Reports a refused row on stderr and counts it in *ctx (when not NULL). */
static void report_refused(void *ctx, const char *where, const char *field, const char *detail)
{
	refusals *rf = ctx;

	if (rf)
		rf->n++;
	/* A CSV row or a GeoPackage feature has columns, not GeoJSON properties. */
	if (field && (strncmp(where, "line", 4) == 0 || (rf && rf->columns)) &&
	    strncmp(field, "properties.", 11) == 0)
		field += 11;
	gp_cli_error("%s: %s: %s", where, field && field[0] ? field : "row", detail);
}

/* A new row slot labelled `where`; NULL when out of memory. */
static gp_point_input *row_add(import_rows *r, const char *what, size_t number)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		gp_import_row *row = realloc(r->row, cap * sizeof(*row));
		gp_point_input *in;
		if (!row)
			return NULL;
		r->row = row;
		if (!(in = realloc(r->in, cap * sizeof(*in))))
			return NULL;
		r->in = in;
		r->cap = cap;
	}
	memset(&r->in[r->n], 0, sizeof(r->in[r->n]));
	snprintf(r->row[r->n].where, sizeof(r->row[r->n].where), "%s %zu", what, number);
	return &r->in[r->n++];
}

static int dup_field(char **dst, const char *v)
{
	return (*dst = strdup(v)) ? 0 : GP_ENOMEM;
}

static int take_feature(void *ctx, size_t index, const gp_point_input *in, const gp_err *refused)
{
	import_rows *r = ctx;
	gp_point_input *dst;
	char where[32];

	if (refused) {
		snprintf(where, sizeof(where), "feature %zu", index + 1);
		report_refused(NULL, where, refused->field, refused->detail);
		r->refused++;
		return 0;
	}
	if (!(dst = row_add(r, "feature", index + 1)))
		return GP_ENOMEM;
	/* The decoder's strings are the callback's: keep copies. */
	dst->coord[0] = in->coord[0];
	dst->coord[1] = in->coord[1];
	dst->comment_len = in->comment_len;
	dst->note_len = in->note_len;
	dst->event = in->event;
	if (!(dst->category = strdup(in->category)) ||
	    !(dst->comment = malloc(in->comment_len + 1)) ||
	    (in->topic && !(dst->topic = strdup(in->topic))) ||
	    (in->channel && !(dst->channel = strdup(in->channel))) ||
	    (in->note && !(dst->note = malloc(in->note_len + 1))))
		return GP_ENOMEM;
	memcpy(dst->comment, in->comment, in->comment_len + 1);
	if (in->note)
		memcpy(dst->note, in->note, in->note_len + 1);
	return 0;
}

/*
 * CSV with a header row: lon,lat (or x,y in --crs), category, comment and
 * optionally topic and note, in any order.
 */
static int read_csv(const char *text, size_t len, int xy_ok, import_rows *r, gp_err *err)
{
	enum { C0, C1, CATEGORY, COMMENT, TOPIC, NOTE, NCOLS };
	const char *f[GP_CSV_FIELDS_MAX];
	int col[NCOLS], xy = 0, rc = 0;
	size_t n, ncols;
	gp_csv csv;

	gp_csv_init(&csv, text, len);
	for (int i = 0; i < NCOLS; i++)
		col[i] = -1;
	if ((rc = gp_csv_next(&csv, f, GP_CSV_FIELDS_MAX, &ncols))) {
		rc = gp_err_set(err, GP_INVALID, "file", "no CSV header row (lon,lat or x,y, "
		                                         "category, comment[, topic, note])");
		goto out;
	}
	for (size_t i = 0; i < ncols; i++) {
		const char *h = f[i];
		int k = !strcmp(h, "lon") || !strcmp(h, "x") ? C0
		        : !strcmp(h, "lat") || !strcmp(h, "y") ? C1
		        : !strcmp(h, "category") ? CATEGORY
		        : !strcmp(h, "comment") ? COMMENT
		        : !strcmp(h, "topic") ? TOPIC
		        : !strcmp(h, "note") ? NOTE : -1;
		if (k < 0 || col[k] >= 0) {
			rc = gp_err_set(err, GP_INVALID, h, "line 1: %s column \"%.40s\"",
			                k < 0 ? "unknown" : "repeated", h);
			goto out;
		}
		if (k == C0 || k == C1)
			xy |= h[0] == 'x' || h[0] == 'y';
		col[k] = (int)i;
	}
	if (col[C0] < 0 || col[C1] < 0 || col[CATEGORY] < 0 || col[COMMENT] < 0) {
		rc = gp_err_set(err, GP_INVALID, "file", "line 1: the header needs lon,lat (or x,y), "
		                                         "category and comment");
		goto out;
	}
	if (xy && !xy_ok) {
		rc = gp_err_set(err, GP_INVALID, "crs", "x/y columns need --crs (e.g. EPSG:25832)");
		goto out;
	}
	while ((rc = gp_csv_next(&csv, f, GP_CSV_FIELDS_MAX, &n)) == 0) {
		gp_point_input *in;
		char where[32];
		const char *bad = NULL;

		snprintf(where, sizeof(where), "line %zu", csv.line);
		if (n != ncols) {
			report_refused(NULL, where, "row", "the row has another number of fields than the header");
			r->refused++;
			continue;
		}
		if (!(in = row_add(r, "line", csv.line))) {
			rc = GP_ENOMEM;
			goto out;
		}
		if (gp_parse_double(&in->coord[0], f[col[C0]]))
			bad = xy ? "x" : "lon";
		else if (gp_parse_double(&in->coord[1], f[col[C1]]))
			bad = xy ? "y" : "lat";
		if (bad) {
			report_refused(NULL, where, bad, "not a number");
			r->refused++;
			r->n--; /* the slot holds nothing to free yet */
			continue;
		}
		in->comment_len = strlen(f[col[COMMENT]]);
		if (dup_field(&in->category, f[col[CATEGORY]]) || dup_field(&in->comment, f[col[COMMENT]]) ||
		    (col[TOPIC] >= 0 && f[col[TOPIC]][0] && dup_field(&in->topic, f[col[TOPIC]])) ||
		    (col[NOTE] >= 0 && f[col[NOTE]][0] && dup_field(&in->note, f[col[NOTE]]))) {
			rc = GP_ENOMEM;
			goto out;
		}
		if (in->note)
			in->note_len = strlen(in->note);
	}
	if (rc == GP_NOT_FOUND)
		rc = 0;
	else if (rc == GP_INVALID)
		rc = gp_err_set(err, GP_INVALID, "file", "line %zu: a quoted field is never closed",
		                csv.line);
	else if (rc == GP_TOO_LARGE)
		rc = gp_err_set(err, GP_INVALID, "file", "line %zu: too many fields", csv.line);
out:
	gp_csv_free(&csv);
	return rc;
}

typedef struct gpkg_rows {
	import_rows *r;
	int swap; /* the CRS's authority order is north first (EPSG:31467) */
} gpkg_rows;

/* A GeoPackage feature, named by its feature id as GIS tools show it. */
static int take_gpkg_feature(void *ctx, const gp_store_gpkg_feature *f)
{
	gpkg_rows *g = ctx;
	import_rows *r = g->r;
	gp_point_input *in;
	char where[40];

	snprintf(where, sizeof(where), "feature %lld", (long long)f->fid);
	if (f->geom_error) {
		report_refused(NULL, where, "geometry", f->geom_error);
		r->refused++;
		return 0;
	}
	if (!(in = row_add(r, "feature", 0)))
		return GP_ENOMEM;
	gp_strlcpy(r->row[r->n - 1].where, where, sizeof(r->row[r->n - 1].where));
	/* The rows' coordinates go in the CRS's own axis order. */
	in->coord[0] = g->swap ? f->y : f->x;
	in->coord[1] = g->swap ? f->x : f->y;
	if ((f->category && dup_field(&in->category, f->category)) ||
	    (f->comment && dup_field(&in->comment, f->comment)) ||
	    (f->topic && dup_field(&in->topic, f->topic)) ||
	    (f->note && dup_field(&in->note, f->note)))
		return GP_ENOMEM;
	in->comment_len = in->comment ? strlen(in->comment) : 0;
	in->note_len = in->note ? strlen(in->note) : 0;
	return 0;
}

/*
 * A GeoPackage's point layer: its SRS decides the CRS unless --crs names
 * one (GeoPackage geometries are east/north; EPSG:4326 there is CRS84).
 */
static int read_gpkg(const char *path, const char *crs_option, gp_points_import *opt,
                     import_rows *r, gp_err *err)
{
	gpkg_rows g = { r, 0 };
	gp_store_gpkg_layer layer;
	char name[32];
	gp_crs crs;
	int rc;

	/* A first look for the layer's SRS, then the features in its CRS. */
	if ((rc = gp_store_gpkg_read(path, &layer, NULL, NULL, err)))
		return rc;
	if (crs_option) {
		crs = (gp_crs)opt->crs;
	} else if (layer.epsg == 4326) {
		crs = GP_CRS_CRS84;
	} else {
		snprintf(name, sizeof(name), "EPSG:%d", layer.epsg);
		if (layer.epsg <= 0 || gp_crs_parse(&crs, name))
			return gp_err_set(err, GP_INVALID, "crs",
			                  "layer \"%s\" is in SRS %d%s%s, which geopart does not read; "
			                  "give --crs or reproject it (ogr2ogr -t_srs EPSG:25832)",
			                  layer.layer, layer.srs_id, layer.epsg > 0 ? ", " : "",
			                  layer.epsg > 0 ? name : "");
	}
	opt->crs = (int)(crs == GP_CRS_EPSG4326 ? GP_CRS_CRS84 : crs);
	g.swap = crs == GP_CRS_EPSG31467;
	return gp_store_gpkg_read(path, &layer, take_gpkg_feature, &g, err);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int gp_cli_import_points(int argc, char **argv)
{
	static const char usage[] =
		"usage: geopart import-points FILE (--channel walk|workshop|online | --event ID)\n"
		"                             [--crs CRS] [--dry-run] [--config FILE] [--db FILE]\n"
		"\n"
		"Imports staff points - from a walk, a workshop or paper forms - from a\n"
		"GeoJSON FeatureCollection (.geojson, .json), a CSV file (.csv, a header\n"
		"row lon,lat or x,y, category, comment, and optionally topic and note) or\n"
		"a GeoPackage (.gpkg, one point layer with those columns, in its SRS):\n"
		"all or nothing.  Every refused row is reported with its line or feature\n"
		"number and field, and then nothing is imported.  Points are published,\n"
		"placed in their districts and carry the channel and event.\n"
		"\n"
		"  --channel C   walk, workshop or online (with --event: the event's)\n"
		"  --event ID    the walk or workshop (GET /api/events) they were recorded at\n"
		"  --crs CRS     CRS of the coordinates (default: a GeoJSON crs member or\n"
		"                the GeoPackage layer's SRS, else CRS84; x/y columns need it)\n"
		"  --dry-run     check every row, import nothing\n" COMMON_USAGE;
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "channel", required_argument, NULL, 'C' },
		{ "event", required_argument, NULL, 'E' },
		{ "crs", required_argument, NULL, 'R' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	gp_points_import opt = { .crs = GP_CRS_CRS84, .channel = -1, .progress = gp_cli_progress,
		                 .refused = report_refused };
	refusals judged_refused = { 0, 0 };
	import_rows rows = { 0 };
	const char *crs = NULL, *path;
	char *text = NULL, *crs_name = NULL;
	int64_t imported = 0;
	size_t len = 0;
	common c;
	gp_err err;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	gp_err_clear(&err);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': c.config_path = optarg; break;
		case 'd': c.db = optarg; break;
		case 'C': {
			gp_channel parsed;
			if (gp_channel_parse(&parsed, optarg)) {
				gp_cli_error("--channel must be walk, workshop or online");
				return GP_EXIT_USAGE;
			}
			opt.channel = (int)parsed;
			break;
		}
		case 'E':
			if (gp_parse_i64(&opt.event, optarg, 1, INT64_MAX)) {
				gp_cli_error("--event must be an event id (see GET /api/events)");
				return GP_EXIT_USAGE;
			}
			break;
		case 'R': crs = optarg; break;
		case 'n': opt.dry_run = 1; break;
		case 'h': fputs(usage, stdout); return GP_EXIT_OK;
		default: fputs(usage, stderr); return GP_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return GP_EXIT_USAGE;
	}
	path = argv[optind];
	if (crs && parse_crs_option(crs, &opt.crs))
		return GP_EXIT_USAGE;
	if (has_suffix(path, ".gpkg")) {
		judged_refused.columns = 1;
		rc = read_gpkg(path, crs, &opt, &rows, &err);
	} else if (gp_cli_read_file(path, 256u << 20, &text, &len)) {
		return GP_EXIT_FAIL;
	} else if (has_suffix(path, ".csv")) {
		rc = read_csv(text, len, crs != NULL, &rows, &err);
	} else {
		rc = gp_json_point_collection_read(text, len, &crs_name, take_feature, &rows, &err);
		if (!rc && crs_name && !crs) {
			gp_crs parsed;
			if (gp_crs_parse(&parsed, crs_name))
				rc = gp_err_set(&err, GP_INVALID, "crs", "the file's crs %s is not supported",
				                crs_name);
			else
				opt.crs = (int)parsed;
		}
	}
	if (rc) {
		gp_cli_error("%s: %s", path, rc == GP_ENOMEM ? "out of memory" : err.detail);
		rc = GP_EXIT_FAIL;
		goto out;
	}
	if ((rc = common_open(&c, OPEN_WRITE)))
		goto out;
	{
		/*
		 * Rows the file refused are reported already; the rest are judged
		 * too, so one run lists every problem — but then nothing is stored.
		 */
		gp_import_row *row = rows.row;
		for (size_t i = 0; i < rows.n; i++)
			row[i].in = &rows.in[i];
		if (rows.refused)
			opt.dry_run = 1;
		opt.refused_ctx = &judged_refused;
		rc = rows.n ? gp_core_import_points(c.w, row, rows.n, &opt, &imported, &err) : 0;
	}
	if ((!rc || rc == GP_INVALID) && rows.refused + judged_refused.n)
		rc = gp_err_set(&err, GP_INVALID, "file", "%lld of %zu points refused; nothing imported",
		                (long long)(rows.refused + judged_refused.n),
		                rows.n + (size_t)rows.refused);
	if (rc) {
		gp_cli_error("%s: %s", path, rc < 0 ? "the database failed" : err.detail);
		rc = GP_EXIT_FAIL;
		goto out;
	}
	printf(opt.dry_run ? "%lld points checked; nothing imported (--dry-run)\n"
	                   : "imported %lld points\n", (long long)imported);
out:
	import_rows_free(&rows);
	free(text);
	free(crs_name);
	common_close(&c);
	return rc;
}

/* ---- export ---------------------------------------------------------------- */

static int write_file(void *ctx, const void *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : GP_EIO;
}

static void export_progress(void *ctx, int64_t done, int64_t total)
{
	gp_cli_progress(ctx, "exported", done, total);
}

int gp_cli_export(int argc, char **argv)
{
	static const char usage[] =
		"usage: geopart export --format geojson|csv|gpkg [--crs CRS] [--excel]\n"
		"                      [--status published|pending|hidden|all]\n"
		"                      [--output FILE] [--config FILE] [--db FILE]\n"
		"\n"
		"Writes points as GeoJSON, CSV or GeoPackage to standard output or FILE,\n"
		"streamed.  Coordinates are east/north first in every CRS; GeoJSON in\n"
		"another CRS than CRS84 names it in a crs member.\n"
		"\n"
		"  --format F      geojson, csv or gpkg (GeoPackage: tables points, districts,\n"
		"                  labels)\n"
		"  --crs CRS       CRS84, EPSG:25832, EPSG:4326, EPSG:3857, EPSG:31467 (default:\n"
		"                  EPSG:25832 for gpkg, else CRS84)\n"
		"  --excel         CSV for spreadsheets: BOM, ';' separator, decimal comma\n"
		"  --status S      which points (default published)\n"
		"  --output FILE   write here instead of standard output\n" COMMON_USAGE;
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "crs", required_argument, NULL, 'C' },
		{ "excel", no_argument, NULL, 'x' },
		{ "status", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	/*
	 * The operator holds the database itself: the staff view (notes,
	 * flags), of the published points unless --status says otherwise.
	 */
	gp_export_options opt = { .crs = GP_CRS_CRS84, .vis = gp_read_visibility(GP_ROLE_ADMIN) };
	const char *status = "published";
	const char *format = NULL, *output = NULL;
	int crs_given = 0;
	FILE *out = stdout;
	int64_t count = 0;
	gp_err err;
	common c;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': c.config_path = optarg; break;
		case 'd': c.db = optarg; break;
		case 'f': format = optarg; break;
		case 'C':
			if (gp_crs_parse(&opt.crs, optarg)) {
				gp_cli_error("unsupported --crs %s", optarg);
				return GP_EXIT_USAGE;
			}
			crs_given = 1;
			break;
		case 'x': opt.excel = 1; break;
		case 's': status = optarg; break;
		case 'o': output = optarg; break;
		case 'h': fputs(usage, stdout); return GP_EXIT_OK;
		default: fputs(usage, stderr); return GP_EXIT_USAGE;
		}
	}
	if (optind != argc || !format || gp_export_format_parse(&opt.format, format)) {
		if (format)
			gp_cli_error("--format must be geojson, csv or gpkg");
		fputs(usage, stderr);
		return GP_EXIT_USAGE;
	}
	if (gp_read_visibility_narrow(&opt.vis, status, NULL)) {
		gp_cli_error("--status must be published, pending, hidden or all");
		return GP_EXIT_USAGE;
	}
	if (!crs_given)
		opt.crs = gp_export_default_crs(opt.format);
	if ((rc = common_open(&c, OPEN_READ)))
		goto done;
	opt.city = c.cfg.city_name;
	opt.licence = c.cfg.data_licence;
	/* A GeoPackage is an SQLite file: written in place, not through stdio. */
	if (output && opt.format == GP_EXPORT_GPKG)
		opt.path = output;
	else if (output && !(out = fopen(output, "wb"))) {
		gp_cli_error("cannot write %s", output);
		rc = GP_EXIT_FAIL;
		goto done;
	}
	opt.progress = export_progress;
	gp_err_clear(&err);
	if (gp_export_points(gp_worker_read(c.w), gp_worker_store(c.w), gp_worker_geo(c.w), &opt,
	                     write_file, out, &count, &err) ||
	    fflush(out) != 0) {
		if (err.detail[0])
			gp_cli_error("export failed: %s", err.detail);
		else
			gp_cli_error("export failed after %lld points", (long long)count);
		rc = GP_EXIT_FAIL;
	}
	if (out != stdout && fclose(out) != 0 && !rc) {
		gp_cli_error("cannot finish writing %s", output);
		rc = GP_EXIT_FAIL;
	}
	/* a half-written file would look whole (a GeoPackage is never left half-written) */
	if (rc && out != stdout)
		unlink(output);
	if (!rc)
		fprintf(stderr, "geopart: exported %lld points\n", (long long)count);
done:
	common_close(&c);
	return rc;
}

/* ---- check ----------------------------------------------------------------- */

typedef struct check_ctx {
	int problems;
	gp_worker *w;
	const gp_geo_districts *idx;
	int64_t checked, wrong;
} check_ctx;

static void report_problem(void *ctx, const char *problem)
{
	check_ctx *cc = ctx;

	printf("problem: %s\n", problem);
	cc->problems++;
}

static int check_point(void *ctx, int64_t id, double x, double y, const char *ob,
                       const char *st)
{
	check_ctx *cc = ctx;
	gp_geo_assignment a;
	const char *want_ob, *want_st;

	if (gp_geo_districts_assign(cc->idx, x, y, 1, &a))
		return GP_EFAULT;
	want_ob = gp_geo_districts_id(cc->idx, a.index[GP_LAYER_ORTSBEZIRK]);
	want_st = gp_geo_districts_id(cc->idx, a.index[GP_LAYER_STADTTEIL]);
	cc->checked++;
	if ((want_ob ? !ob || strcmp(ob, want_ob) : ob != NULL) ||
	    (want_st ? !st || strcmp(st, want_st) : st != NULL)) {
		if (cc->wrong++ < 20)
			printf("problem: point %lld is assigned to %s/%s but lies in %s/%s\n",
			       (long long)id, ob ? ob : "-", st ? st : "-", want_ob ? want_ob : "-",
			       want_st ? want_st : "-");
		cc->problems++;
	}
	return 0;
}

int gp_cli_check(int argc, char **argv)
{
	static const char usage[] =
		"usage: geopart check [--config FILE] [--db FILE]\n"
		"\n"
		"Checks the database: SQLite integrity and foreign keys, the spatial\n"
		"index, boundaries, and that every point's districts match its position.\n"
		"Exits 1 when it finds a problem.  Safe while the server runs.\n"
		"\n" COMMON_USAGE;
	check_ctx cc = { 0 };
	common c;
	int rc;

	memset(&c, 0, sizeof(c));
	if ((rc = parse_common(&c, argc, argv, usage, 0)) >= 0)
		return rc;
	if ((rc = common_open(&c, OPEN_READ)))
		goto out;
	cc.w = c.w;
	gp_store_check(gp_worker_store(c.w), report_problem, &cc);
	if (gp_worker_districts(c.w, &cc.idx) ||
	    gp_store_point_positions(gp_worker_store(c.w), check_point, &cc)) {
		gp_cli_error("cannot check district assignments");
		cc.problems++;
	}
	if (cc.problems) {
		printf("%d problem(s) found\n", cc.problems);
		rc = GP_EXIT_FAIL;
	} else {
		printf("ok: integrity, foreign keys, spatial index, boundaries and %lld point "
		       "assignments checked\n", (long long)cc.checked);
	}
out:
	common_close(&c);
	return rc;
}

/* ---- survey ---------------------------------------------------------------- */

int gp_cli_survey(int argc, char **argv)
{
	static const char usage[] =
		"usage: geopart survey check FILE [--config FILE] [--db FILE]\n"
		"\n"
		"Checks a questionnaire definition: its JSON, every question's type, texts,\n"
		"options and limits, and — when the database exists — that questions with\n"
		"answers keep their type and codes (a running survey may only add questions).\n"
		"Refusals name the file and the JSON path.  Only reads.\n"
		"\n" COMMON_USAGE;
	gp_survey *s = NULL;
	common c;
	gp_err err;
	int rc;

	memset(&c, 0, sizeof(c));
	gp_err_clear(&err);
	if ((rc = parse_common(&c, argc, argv, usage, 2)) >= 0)
		return rc;
	if (strcmp(argv[optind], "check")) {
		fputs(usage, stderr);
		return GP_EXIT_USAGE;
	}
	if (gp_cli_survey_read(argv[optind + 1], &s))
		return GP_EXIT_FAIL;
	rc = GP_EXIT_OK;
	if (c.db) {
		if ((rc = common_open(&c, OPEN_READ)))
			goto out;
		if (gp_core_survey_check(c.w, s, &err)) {
			gp_cli_error("%s: %s", argv[optind + 1], err.detail);
			rc = GP_EXIT_FAIL;
			goto out;
		}
	}
	printf("ok: %zu questions%s\n", s->nquestions,
	       c.w ? ", and they fit the answers stored" : "");
out:
	gp_json_survey_free(s);
	common_close(&c);
	return rc;
}

/* ---- config ---------------------------------------------------------------- */

int gp_cli_config(int argc, char **argv)
{
	gp_buf b;

	if (argc > 1 && strcmp(argv[1], "--help") && strcmp(argv[1], "-h")) {
		fputs("usage: geopart config\n", stderr);
		return GP_EXIT_USAGE;
	}
	if (argc > 1) {
		fputs("usage: geopart config\n\nPrints every setting with its default, as a "
		      "commented config file.\n", stdout);
		return GP_EXIT_OK;
	}
	gp_buf_init(&b, 1 << 20);
	gp_config_describe(&b);
	fwrite(b.data, 1, b.len, stdout);
	gp_buf_free(&b);
	return GP_EXIT_OK;
}

/* ---- token ----------------------------------------------------------------- */

static int print_token(void *ctx, const gp_token_row *t)
{
	(void)ctx;
	printf("%-24s %-8s created %s%s%s\n", t->name, t->role, t->created,
	       t->revoked ? ", revoked " : "", t->revoked ? t->revoked : "");
	return 0;
}

int gp_cli_token(int argc, char **argv)
{
	static const char usage[] =
		"usage: geopart token create --name NAME --role planner|admin\n"
		"       geopart token list\n"
		"       geopart token revoke --name NAME\n"
		"       (each also takes --config FILE and --db FILE)\n"
		"\n"
		"Staff tokens.  `create` prints the secret once; only a keyed hash of it\n"
		"is stored (the key is in the server secret file beside the database).\n"
		"Send it as Authorization: Bearer <secret>.  Planners moderate and record\n"
		"walks and workshops; admins may also delete points and read the log.\n"
		"\n" COMMON_USAGE;
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *role = NULL, *action;
	char secret[GP_TOKEN_SECRET_MAX], now[GP_TIME_LEN];
	common c;
	gp_err err;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	gp_err_clear(&err);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? GP_EXIT_USAGE : GP_EXIT_OK;
	}
	action = argv[1];
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': c.config_path = optarg; break;
		case 'd': c.db = optarg; break;
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 'h': fputs(usage, stdout); return GP_EXIT_OK;
		default: fputs(usage, stderr); return GP_EXIT_USAGE;
		}
	}
	if (optind != argc || (strcmp(action, "list") && !name) ||
	    (!strcmp(action, "create") && !role) ||
	    (strcmp(action, "create") && strcmp(action, "list") && strcmp(action, "revoke"))) {
		fputs(usage, stderr);
		return GP_EXIT_USAGE;
	}
	if ((rc = common_open(&c, strcmp(action, "list") ? OPEN_CREATE : OPEN_READ)))
		goto out;
	if (!strcmp(action, "create")) {
		if (gp_core_token_create(c.w, name, role, secret, &err)) {
			gp_cli_error("%s", err.detail);
			rc = err.field[0] == 'd' ? GP_EXIT_FAIL : GP_EXIT_USAGE;
			goto out;
		}
		printf("%s\n", secret);
		fprintf(stderr, "geopart: token \"%s\" (%s) created; the secret above is shown once\n",
		        name, role);
	} else if (!strcmp(action, "list")) {
		gp_store_token_list(gp_worker_store(c.w), print_token, NULL);
	} else {
		gp_time_now(now);
		if (gp_store_token_revoke(gp_worker_store(c.w), name, now)) {
			gp_cli_error("no active token named \"%s\"", name);
			rc = GP_EXIT_FAIL;
			goto out;
		}
		printf("revoked \"%s\"\n", name);
	}
out:
	common_close(&c);
	return rc;
}

/* ---- purge ----------------------------------------------------------------- */

int gp_cli_purge(int argc, char **argv)
{
	static const char usage[] =
		"usage: geopart purge [--config FILE] [--db FILE]\n"
		"\n"
		"Deletes pending and hidden points not changed for retention_days, and\n"
		"citizen flags older than that (the server also does this every hour).\n"
		"\n" COMMON_USAGE;
	int64_t points = 0, flags = 0;
	common c;
	gp_err err;
	int rc;

	memset(&c, 0, sizeof(c));
	gp_err_clear(&err);
	if ((rc = parse_common(&c, argc, argv, usage, 0)) >= 0)
		return rc;
	if ((rc = common_open(&c, OPEN_WRITE)))
		goto out;
	if (c.cfg.retention_days == 0) {
		printf("retention_days is 0: nothing is purged\n");
		goto out;
	}
	if (gp_core_purge(c.w, c.cfg.retention_days, &points, &flags, &err)) {
		gp_cli_error("%s", err.detail[0] ? err.detail : "purge failed");
		rc = GP_EXIT_FAIL;
		goto out;
	}
	printf("purged %lld pending/hidden points and %lld flags older than %d days\n",
	       (long long)points, (long long)flags, c.cfg.retention_days);
out:
	common_close(&c);
	return rc;
}

/* ---- backup ---------------------------------------------------------------- */

static void backup_progress(void *ctx, int64_t done, int64_t total)
{
	gp_cli_progress(ctx, "pages copied", done, total);
}

int gp_cli_backup(int argc, char **argv)
{
	static const char usage[] =
		"usage: geopart backup FILE [--config FILE] [--db FILE]\n"
		"\n"
		"Copies the database to FILE while the server keeps running (SQLite's\n"
		"online backup), atomically: FILE appears only when complete.  The\n"
		"server secret (<db>.secret) is not part of the copy; back it up\n"
		"separately, or staff tokens must be created anew.\n"
		"\n" COMMON_USAGE;
	common c;
	gp_err err;
	int rc;

	memset(&c, 0, sizeof(c));
	gp_err_clear(&err);
	if ((rc = parse_common(&c, argc, argv, usage, 1)) >= 0)
		return rc;
	if ((rc = common_open(&c, OPEN_COPY)))
		goto out;
	if (gp_store_backup(gp_worker_store(c.w), argv[optind], backup_progress, NULL, &err)) {
		gp_cli_error("%s", err.detail);
		rc = GP_EXIT_FAIL;
		goto out;
	}
	printf("backed up %s to %s\n", c.cfg.db_path, argv[optind]);
out:
	common_close(&c);
	return rc;
}

/* ---- report ---------------------------------------------------------------- */

static int write_stdio(void *ctx, const void *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : GP_EIO;
}

int gp_cli_report(int argc, char **argv)
{
	static const char usage[] =
		"usage: geopart report --output PATH [--district ob-N|st-N|city]\n"
		"                      [--format html|pdf] [--lang de|en] [--config FILE] [--db FILE]\n"
		"\n"
		"Writes the documentation of results for an Ortsbezirk, a Stadtteil or the\n"
		"whole city (the default): figures, the map, hotspots, every published\n"
		"comment with its support and the city's reply, walks and workshops, the\n"
		"questionnaire's results.  The same database and settings give the same\n"
		"bytes (the date is report_date or the newest point's).  Only reads; PATH\n"
		"appears only when complete.\n"
		"\n"
		"  --district D    ob-N, st-N (ids as GET /api/districts lists them) or city\n"
		"  --format F      pdf (default) or html\n"
		"  --lang L        de (default) or en\n"
		"  --output PATH   the file to write\n" COMMON_USAGE;
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "district", required_argument, NULL, 'D' },
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *district = "city", *format = "pdf", *lang = "de", *output = NULL;
	char tmp[4096];
	gp_survey *survey = NULL;
	gp_report *rep = NULL;
	FILE *out = NULL;
	gp_buf html;
	common c;
	gp_err err;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	gp_err_clear(&err);
	gp_buf_init(&html, (size_t)1 << 30);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': c.config_path = optarg; break;
		case 'd': c.db = optarg; break;
		case 'D': district = optarg; break;
		case 'f': format = optarg; break;
		case 'l': lang = optarg; break;
		case 'o': output = optarg; break;
		case 'h': fputs(usage, stdout); return GP_EXIT_OK;
		default: fputs(usage, stderr); return GP_EXIT_USAGE;
		}
	}
	if (optind != argc || !output || (strcmp(format, "pdf") && strcmp(format, "html")) ||
	    (strcmp(lang, "de") && strcmp(lang, "en"))) {
		if (!output)
			gp_cli_error("--output is needed");
		else if (strcmp(format, "pdf") && strcmp(format, "html"))
			gp_cli_error("--format must be pdf or html");
		else if (strcmp(lang, "de") && strcmp(lang, "en"))
			gp_cli_error("--lang must be de or en");
		fputs(usage, stderr);
		return GP_EXIT_USAGE;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.part", output) >= (int)sizeof(tmp)) {
		gp_cli_error("--output is too long");
		return GP_EXIT_USAGE;
	}
	if ((rc = common_open(&c, OPEN_READ)))
		goto out;
	rc = GP_EXIT_FAIL;
	if (c.cfg.survey[0] && gp_cli_survey_read(c.cfg.survey, &survey))
		goto out;
	/* Hotspots are found on the index of the public's points. */
	if (gp_core_clusters_start(c.core))
		gp_cli_error("no hotspots: the point index did not start");
	if (gp_report_new(&rep, gp_worker_read(c.w), &c.cfg, survey, district, !strcmp(lang, "en"),
	                  &err)) {
		gp_cli_error("%s", err.detail[0] ? err.detail : "cannot read the report");
		goto out;
	}
	if (!(out = fopen(tmp, "wb"))) {
		gp_cli_error("cannot write %s", tmp);
		goto out;
	}
	if (!strcmp(format, "html")) {
		if (gp_report_html(rep, &html) || fwrite(html.data, 1, html.len, out) != html.len) {
			gp_cli_error("cannot write the report to %s", tmp);
			goto out;
		}
	} else if (gp_report_pdf(rep, write_stdio, out)) {
		gp_cli_error("cannot write the PDF to %s", tmp);
		goto out;
	}
	if (fclose(out) != 0 || (out = NULL, rename(tmp, output) != 0)) {
		out = NULL;
		gp_cli_error("cannot finish writing %s", output);
		goto out;
	}
	fprintf(stderr, "geopart: wrote the report of %s to %s\n", district, output);
	rc = GP_EXIT_OK;
out:
	if (out) {
		fclose(out);
		unlink(tmp);
	} else if (rc) {
		unlink(tmp);
	}
	gp_buf_free(&html);
	gp_report_free(rep);
	gp_json_survey_free(survey);
	if (c.core)
		gp_core_clusters_stop(c.core);
	common_close(&c);
	gp_report_shutdown();
	return rc;
}
