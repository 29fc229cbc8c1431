/*
 * service.c — the OGC API's description of itself: landing page,
 * conformance, the OpenAPI definition (a template compiled into the
 * binary, src/ogc/openapi.json, completed with this server's URL by
 * http/'s template answer and with the topics and districts the read
 * layer accepts, as /api's own description is), a documentation page, the
 * collections and their queryables; and the route table.
 *
 * Every link is absolute (public_url, else http:// + Host), because OGC API
 * clients follow links rather than build URLs.
 */
#include <stdio.h>
#include <string.h>

#include "geopart/embed.h"
#include "ogc_int.h"

extern const gp_embedded gp_ogc_openapi[];

/* The CRSs every collection offers: CRS84 first (the default), then the rest. */
static const gp_crs offered[] = {
	GP_CRS_CRS84, GP_CRS_EPSG25832, GP_CRS_EPSG3857, GP_CRS_EPSG4326, GP_CRS_EPSG31467
};

const ogc_collection ogc_collections[] = {
	{ "points", "Beteiligungspunkte",
	  "Published participation points: favourite places (Lieblingsorte) and places "
	  "that need improvement, with comment, topic, creation time, supporters and "
	  "their Ortsbezirk and Stadtteil.", -1 },
	{ "ortsbezirke", "Ortsbezirke",
	  "The Ortsbezirke of Kaiserslautern with the number of published points per "
	  "category.", GP_LAYER_ORTSBEZIRK },
	{ "stadtteile", "Stadtteile",
	  "The Stadtteile of Kaiserslautern with the number of published points per "
	  "category.", GP_LAYER_STADTTEIL },
};
const size_t ogc_collection_count = sizeof(ogc_collections) / sizeof(ogc_collections[0]);

int ogc_collection_arg(gp_http_exchange *x, const ogc_collection **out, gp_err *err)
{
	const char *id = gp_http_arg(x, "collectionId");

	for (size_t i = 0; id && i < ogc_collection_count; i++) {
		if (strcmp(ogc_collections[i].id, id) == 0) {
			*out = &ogc_collections[i];
			return 0;
		}
	}
	return gp_err_set(err, GP_NOT_FOUND, "collectionId",
	                  "no collection \"%.40s\"; there are points, ortsbezirke and stadtteile",
	                  id ? id : "");
}

int ogc_crs(gp_http_exchange *x, const char *name, gp_crs *out, gp_err *err)
{
	return gp_read_param_crs(out, name, gp_http_param(x, name), err);
}

void ogc_content_crs(gp_http_exchange *x, gp_crs crs)
{
	char v[128];

	snprintf(v, sizeof(v), "<%s>", gp_crs_uri(crs));
	gp_http_add_header(x, "Content-Crs", v);
}

const char *ogc_crs_member_uri(gp_crs crs)
{
	return crs == GP_CRS_CRS84 ? NULL : gp_crs_uri(crs);
}

int ogc_format(gp_http_exchange *x, gp_err *err)
{
	const char *f = gp_http_param(x, "f");

	if (f && strcmp(f, "json") != 0)
		return gp_err_set(err, GP_BAD_REQUEST, "f",
		                  "f must be json: this server speaks JSON (GeoJSON for features)");
	return 0;
}

void ogc_base(gp_http_exchange *x, gp_buf *out)
{
	gp_http_base_url(x, out);
	gp_buf_puts(out, "/ogc");
}

void ogc_link(gp_http_exchange *x, gp_buf *b, int *n, const char *rel,
              const char *type, const char *title, const char *path)
{
	gp_buf href;

	gp_buf_init(&href, 4096);
	ogc_base(x, &href);
	gp_buf_puts(&href, path);
	if ((*n)++)
		gp_buf_putc(b, ',');
	gp_buf_puts(b, "{\"rel\":");
	gp_json_put_str(b, rel);
	gp_buf_puts(b, ",\"type\":");
	gp_json_put_str(b, type);
	if (title) {
		gp_buf_puts(b, ",\"title\":");
		gp_json_put_str(b, title);
	}
	gp_buf_puts(b, ",\"href\":");
	gp_json_put_str(b, gp_buf_cstr(&href));
	gp_buf_putc(b, '}');
	gp_buf_free(&href);
}

static int landing(gp_http_exchange *x, gp_err *err)
{
	const gp_config *cfg = gp_worker_config(gp_http_worker(x));
	gp_buf *b = gp_http_out(x);
	char title[256];
	int n = 0, rc;

	if ((rc = ogc_format(x, err)))
		return rc;
	snprintf(title, sizeof(title), "geopart: Mitmachkarte %s", cfg->city_name);
	gp_buf_puts(b, "{\"title\":");
	gp_json_put_str(b, title);
	gp_buf_puts(b, ",\"description\":\"Points citizens put on the participation map, "
	               "and the district boundaries, as OGC API - Features.\",\"links\":[");
	ogc_link(x, b, &n, "self", OGC_JSON, "This document", "");
	ogc_link(x, b, &n, "service-desc", OGC_OPENAPI_TYPE, "The API definition (OpenAPI 3.0)",
	         "/api");
	ogc_link(x, b, &n, "service-doc", "text/html", "The API documentation", "/api.html");
	ogc_link(x, b, &n, "conformance", OGC_JSON, "Conformance classes",
	         "/conformance");
	ogc_link(x, b, &n, "http://www.opengis.net/def/rel/ogc/1.0/conformance",
	         OGC_JSON, "Conformance classes", "/conformance");
	ogc_link(x, b, &n, "data", OGC_JSON, "The collections", "/collections");
	ogc_link(x, b, &n, "http://www.opengis.net/def/rel/ogc/1.0/data", OGC_JSON,
	         "The collections", "/collections");
	gp_buf_puts(b, "]}\n");
	return gp_buf_status(b);
}

static int conformance(gp_http_exchange *x, gp_err *err)
{
	gp_buf *b = gp_http_out(x);
	int rc;

	if ((rc = ogc_format(x, err)))
		return rc;
	gp_buf_puts(b, "{\"conformsTo\":["
	               "\"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core\","
	               "\"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30\","
	               "\"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson\","
	               "\"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs\","
	               "\"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables\","
	               "\"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
	               "queryables-query-parameters\"]}\n");
	return gp_buf_status(b);
}

/* ---- the OpenAPI definition ----------------------------------------------- */

/* The placeholders of openapi.json but SERVER (http/'s). */
static int put_placeholder(void *ctx, gp_buf *b, const char *name, size_t len)
{
	gp_read *r = ctx;

#define IS(s) (len == sizeof(s) - 1 && strncmp(name, s, len) == 0)
	if (IS("TOPICS")) {
		return gp_read_put_topic_ids(r, b);
	} else if (IS("DISTRICTS")) {
		return gp_read_put_district_ids(r, b);
	} else if (IS("CRS_URIS")) {
		gp_buf_putc(b, '[');
		for (size_t i = 0; i < sizeof(offered) / sizeof(offered[0]); i++) {
			if (i)
				gp_buf_putc(b, ',');
			gp_json_put_str(b, gp_crs_uri(offered[i]));
		}
		gp_buf_putc(b, ']');
	} else if (IS("LIMIT_MAX")) {
		gp_buf_put_i64(b, OGC_LIMIT_MAX);
	} else if (IS("LIMIT_DEFAULT")) {
		gp_buf_put_i64(b, OGC_LIMIT_DEFAULT);
	} else {
		return GP_NOT_FOUND;
	}
#undef IS
	return gp_buf_status(b);
}

static int openapi(gp_http_exchange *x, gp_err *err)
{
	int rc;

	if ((rc = ogc_format(x, err)))
		return rc;
	return gp_http_answer_template(x, (const char *)gp_ogc_openapi[0].data, OGC_OPENAPI_TYPE,
	                               "/ogc", put_placeholder,
	                               gp_worker_read(gp_http_worker(x)));
}

/* A page for people, linked from the landing page as service-doc. */
static int documentation(gp_http_exchange *x, gp_err *err)
{
	gp_buf *b = gp_http_out(x);
	gp_buf base;

	(void)err;
	gp_buf_init(&base, 4096);
	ogc_base(x, &base);
	gp_buf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	               "<title>geopart: OGC API - Features</title></head><body>\n"
	               "<h1>geopart: OGC API - Features</h1>\n"
	               "<p>The published participation points and the district boundaries, "
	               "for GIS. In QGIS: <em>Layer → Add Layer → Add WFS / OGC API - Features "
	               "Layer</em>, new connection, URL <code>");
	/* The base holds only URL-safe characters (see gp_http_base_url). */
	gp_buf_puts(b, gp_buf_cstr(&base));
	gp_buf_puts(b, "</code>. With GDAL: <code>ogrinfo OAPIF:");
	gp_buf_puts(b, gp_buf_cstr(&base));
	gp_buf_puts(b, "</code>.</p>\n<h2>Collections</h2>\n<ul>\n");
	for (size_t i = 0; i < ogc_collection_count; i++)
		gp_buf_printf(b, "<li><a href=\"%s/collections/%s/items\">%s</a>: %s</li>\n",
		              gp_buf_cstr(&base), ogc_collections[i].id, ogc_collections[i].id,
		              ogc_collections[i].description);
	gp_buf_puts(b, "</ul>\n<h2>Requests</h2>\n<ul>\n"
	               "<li><code>/collections/{id}/items?bbox=&amp;bbox-crs=&amp;crs=&amp;"
	               "datetime=&amp;limit=</code>; points also take <code>category</code>, "
	               "<code>topic</code> and <code>district</code>. Pages follow the "
	               "<code>next</code> link.</li>\n"
	               "<li>CRS: CRS84 (default), EPSG:25832 (storage), EPSG:3857, EPSG:4326 "
	               "(lat/lon order), EPSG:31467 (northing/easting), as "
	               "<code>http://www.opengis.net/def/crs/EPSG/0/25832</code> and so on; the "
	               "answer names its CRS in the <code>Content-Crs</code> header.</li>\n"
	               "<li>Errors are JSON with <code>code</code> and <code>description</code> "
	               "(and RFC 9457 <code>type</code>, <code>title</code>, <code>status</code>, "
	               "<code>detail</code>).</li>\n</ul>\n<p>The full definition: <a href=\"");
	gp_buf_puts(b, gp_buf_cstr(&base));
	gp_buf_puts(b, "/api\">OpenAPI 3.0 (JSON)</a>.</p>\n</body></html>\n");
	gp_buf_free(&base);
	gp_http_set_type(x, OGC_HTML_TYPE);
	gp_http_add_header(x, "Content-Security-Policy", "default-src 'none'");
	return gp_buf_status(b);
}

/* ---- collections ----------------------------------------------------------- */

static void put_bbox(gp_buf *b, const gp_bbox *box)
{
	gp_buf_puts(b, "\"spatial\":{\"bbox\":[[");
	gp_buf_put_fixed(b, box->minx, 9);
	gp_buf_putc(b, ',');
	gp_buf_put_fixed(b, box->miny, 9);
	gp_buf_putc(b, ',');
	gp_buf_put_fixed(b, box->maxx, 9);
	gp_buf_putc(b, ',');
	gp_buf_put_fixed(b, box->maxy, 9);
	gp_buf_puts(b, "]],\"crs\":");
	gp_json_put_str(b, gp_crs_uri(GP_CRS_CRS84));
	gp_buf_putc(b, '}');
}

/* The extent member: where (CRS84) and, for points, when. */
static int put_extent(gp_worker *w, gp_buf *b, const ogc_collection *c)
{
	gp_read *r = gp_worker_read(w);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	char first[GP_TIME_LEN], last[GP_TIME_LEN];
	int64_t n = 0;
	gp_bbox box;
	int rc;

	if (c->layer < 0) {
		rc = gp_read_extent(r, &vis, &box, first, last, &n);
		if (rc == GP_NOT_FOUND)
			return 0; /* nothing published yet: no extent to tell */
		if (rc)
			return rc;
		gp_buf_puts(b, ",\"extent\":{");
		put_bbox(b, &box);
		gp_buf_puts(b, ",\"temporal\":{\"interval\":[[");
		gp_json_put_str(b, first);
		gp_buf_putc(b, ',');
		gp_json_put_str(b, last);
		gp_buf_puts(b, "]],\"trs\":\"http://www.opengis.net/def/uom/ISO-8601/0/Gregorian\"}}");
		return 0;
	}
	rc = gp_read_layer_extent(r, (gp_layer)c->layer, &box);
	if (rc == GP_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	gp_buf_puts(b, ",\"extent\":{");
	put_bbox(b, &box);
	gp_buf_putc(b, '}');
	return 0;
}

int ogc_collection_write(gp_http_exchange *x, gp_worker *w, gp_buf *b,
                         const ogc_collection *c)
{
	char path[128];
	int n = 0, rc;

	gp_buf_puts(b, "{\"id\":");
	gp_json_put_str(b, c->id);
	gp_buf_puts(b, ",\"title\":");
	gp_json_put_str(b, c->title);
	gp_buf_puts(b, ",\"description\":");
	gp_json_put_str(b, c->description);
	gp_buf_puts(b, ",\"itemType\":\"feature\"");
	if ((rc = put_extent(w, b, c)))
		return rc;
	gp_buf_puts(b, ",\"crs\":[");
	for (size_t i = 0; i < sizeof(offered) / sizeof(offered[0]); i++) {
		if (i)
			gp_buf_putc(b, ',');
		gp_json_put_str(b, gp_crs_uri(offered[i]));
	}
	gp_buf_puts(b, "],\"storageCrs\":");
	gp_json_put_str(b, gp_crs_uri(GP_CRS_STORAGE));
	gp_buf_puts(b, ",\"links\":[");
	snprintf(path, sizeof(path), "/collections/%s", c->id);
	ogc_link(x, b, &n, "self", OGC_JSON, c->title, path);
	snprintf(path, sizeof(path), "/collections/%s/items", c->id);
	ogc_link(x, b, &n, "items", OGC_GEOJSON, c->title, path);
	snprintf(path, sizeof(path), "/collections/%s/queryables", c->id);
	ogc_link(x, b, &n, "http://www.opengis.net/def/rel/ogc/1.0/queryables", OGC_SCHEMA_TYPE,
	         "What the items can be filtered by", path);
	gp_buf_puts(b, "]}");
	return gp_buf_status(b);
}

static int collections(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_buf *b = gp_http_out(x);
	int n = 0, rc;

	if ((rc = ogc_format(x, err)))
		return rc;
	gp_buf_puts(b, "{\"links\":[");
	ogc_link(x, b, &n, "self", OGC_JSON, "The collections", "/collections");
	gp_buf_puts(b, "],\"collections\":[");
	for (size_t i = 0; i < ogc_collection_count; i++) {
		if (i)
			gp_buf_putc(b, ',');
		if ((rc = ogc_collection_write(x, w, b, &ogc_collections[i])))
			return rc;
	}
	gp_buf_puts(b, "]}\n");
	return gp_buf_status(b);
}

static int collection(gp_http_exchange *x, gp_err *err)
{
	const ogc_collection *c;
	gp_buf *b = gp_http_out(x);
	int rc;

	if ((rc = ogc_format(x, err)) || (rc = ogc_collection_arg(x, &c, err)))
		return rc;
	if ((rc = ogc_collection_write(x, gp_http_worker(x), b, c)))
		return rc;
	gp_buf_putc(b, '\n');
	return gp_buf_status(b);
}

typedef struct enum_ctx {
	gp_buf *b;
	const char *field;
	int n;
} enum_ctx;

/* The codes of one field, as a JSON Schema enum. */
static int put_enum(void *ctx, const char *field, const char *code, const char *de,
                    const char *en)
{
	enum_ctx *e = ctx;

	(void)de;
	(void)en;
	if (strcmp(field, e->field) != 0)
		return 0;
	if (e->n++)
		gp_buf_putc(e->b, ',');
	gp_json_put_str(e->b, code);
	return 0;
}

static int queryables(gp_http_exchange *x, gp_err *err)
{
	gp_read *r = gp_worker_read(gp_http_worker(x));
	const ogc_collection *c;
	gp_buf *b = gp_http_out(x);
	gp_buf id;
	int rc;

	if ((rc = ogc_format(x, err)) || (rc = ogc_collection_arg(x, &c, err)))
		return rc;
	gp_buf_init(&id, 4096);
	ogc_base(x, &id);
	gp_buf_printf(&id, "/collections/%s/queryables", c->id);
	gp_buf_puts(b, "{\"$schema\":\"https://json-schema.org/draft/2019-09/schema\",\"$id\":");
	gp_json_put_str(b, gp_buf_cstr(&id));
	gp_buf_free(&id);
	gp_buf_puts(b, ",\"type\":\"object\",\"title\":");
	gp_json_put_str(b, c->title);
	gp_buf_puts(b, ",\"properties\":{");
	if (c->layer < 0) {
		/* The queryable fields of the field set, with their codes. */
		for (size_t i = 0; i < gp_read_point_field_count; i++) {
			const gp_read_field *f = &gp_read_point_fields[i];
			enum_ctx e = { b, f->column.name, 0 };
			if (!f->title)
				continue;
			gp_json_put_str(b, f->column.name);
			gp_buf_puts(b, ":{\"title\":");
			gp_json_put_str(b, f->title);
			/* An integer (the event's id) has no list of codes. */
			if (f->column.type == GP_FIELD_INTEGER) {
				gp_buf_puts(b, ",\"type\":\"integer\"},");
				continue;
			}
			gp_buf_puts(b, ",\"type\":\"string\",\"enum\":[");
			if ((rc = gp_read_labels(r, put_enum, &e)))
				return rc;
			gp_buf_puts(b, "]},");
		}
		gp_buf_puts(b, "\"district\":{\"title\":\"Ortsbezirk oder Stadtteil\","
		               "\"description\":\"A district id (ob-… or st-…): points in that "
		               "Ortsbezirk or Stadtteil\",\"type\":\"string\"}");
	}
	gp_buf_puts(b, "},\"additionalProperties\":false}\n");
	gp_http_set_type(x, OGC_SCHEMA_TYPE);
	return gp_buf_status(b);
}

#define ITEM_PARAMS "f bbox bbox-crs crs datetime limit"

/*
 * When several routes match, the router takes the first one listed: the
 * points routes come before the generic ones to get their own parameters.
 */
const gp_http_route gp_ogc_routes[] = {
	{ "GET", "/ogc", landing, "f", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/ogc/conformance", conformance, "f", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/ogc/api", openapi, "f", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/ogc/api.html", documentation, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/ogc/collections", collections, "f", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/ogc/collections/{collectionId}", collection, "f", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/ogc/collections/{collectionId}/queryables", queryables, "f",
	  GP_HTTP_NO_BODY, 0 },
	{ "GET", "/ogc/collections/points/items", ogc_point_items,
	  ITEM_PARAMS " after category topic channel event outcome district", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/ogc/collections/{collectionId}/items", ogc_items, ITEM_PARAMS " offset",
	  GP_HTTP_NO_BODY, 0 },
	{ "GET", "/ogc/collections/{collectionId}/items/{featureId}", ogc_item, "f crs",
	  GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
