/*
 * ogc.h — OGC API – Features under /ogc, as a route table for the HTTP
 * server: Part 1 Core (landing page, conformance, the OpenAPI definition,
 * collections, items, one item), Part 2 CRS by reference (crs, bbox-crs,
 * Content-Crs, storageCrs) and Part 3's queryables as query parameters.
 * GIS staff give QGIS or GDAL the address http://host/ogc.
 *
 * Three collections: `points` (published participation points), and the
 * district layers `ortsbezirke` and `stadtteile` with their counts.
 *
 * Must never: show a point that is not published, write SQL, call
 * PROJ/GEOS directly, include civetweb.h, or answer an error in a shape of
 * its own (errors go through http/'s problem+json, which carries the OGC
 * exception members too).
 */
#ifndef GP_OGC_H
#define GP_OGC_H

#include "http/http.h"

extern const gp_http_route gp_ogc_routes[];

#endif
