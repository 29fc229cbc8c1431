/*
 * ogc_int.h — what the files of ogc/ share.
 */
#ifndef GP_OGC_INT_H
#define GP_OGC_INT_H

#include "config/config.h"
#include "core/core.h"
#include "json/json.h"
#include "ogc.h"
#include "read/read.h"

/* OGC API says larger limits are reduced to the maximum, not refused. */
#define OGC_LIMIT_DEFAULT 100
#define OGC_LIMIT_MAX 10000

/* Media types in links name no charset. */
#define OGC_JSON "application/json"
#define OGC_GEOJSON "application/geo+json"
#define OGC_OPENAPI_TYPE GP_OPENAPI_TYPE

/* The parameter `name` as a CRS (absent: CRS84); GP_BAD_REQUEST naming it. */
int ogc_crs(gp_http_exchange *x, const char *name, gp_crs *out, gp_err *err);
/* Sets the Content-Crs header (also for the CRS84 default). */
void ogc_content_crs(gp_http_exchange *x, gp_crs crs);
/* The URI for the legacy GeoJSON crs member, or NULL for CRS84 (RFC 7946). */
const char *ogc_crs_member_uri(gp_crs crs);
#define OGC_SCHEMA_TYPE "application/schema+json"
#define OGC_HTML_TYPE "text/html; charset=utf-8"

typedef struct ogc_collection {
	const char *id;
	const char *title;
	const char *description;
	int layer; /* gp_layer of a district collection; -1 for points */
} ogc_collection;

extern const ogc_collection ogc_collections[];
extern const size_t ogc_collection_count;

/* The collection named by the {collectionId} capture, or GP_NOT_FOUND. */
int ogc_collection_arg(gp_http_exchange *x, const ogc_collection **out, gp_err *err);

/* Checks the f parameter: absent or "json"; GP_BAD_REQUEST otherwise. */
int ogc_format(gp_http_exchange *x, gp_err *err);

/* Writes the base of every link: the server's URL plus /ogc. */
void ogc_base(gp_http_exchange *x, gp_buf *out);

/*
 * Appends a link object (with a leading comma unless *n is 0, then counts
 * it); href is the base plus path.
 */
void ogc_link(gp_http_exchange *x, gp_buf *b, int *n, const char *rel,
              const char *type, const char *title, const char *path);

/* Appends the collection's description object (extent, CRSs, links). */
int ogc_collection_write(gp_http_exchange *x, gp_worker *w, gp_buf *b,
                         const ogc_collection *c);

/* The route handlers of items.c. */
int ogc_items(gp_http_exchange *x, gp_err *err);
int ogc_point_items(gp_http_exchange *x, gp_err *err);
int ogc_item(gp_http_exchange *x, gp_err *err);

#endif
