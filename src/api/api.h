/*
 * api.h — the citizen-facing JSON API under /api and the operational
 * endpoints (/healthz, /metrics), as route tables for the HTTP server, and
 * the OpenAPI description of /api (GET /api/openapi.json).
 *
 * Handlers are renderers: they parse and check query parameters (400 on
 * anything unknown or malformed; the values /api shares with /ogc are the
 * read layer's query language), call core for writes and the read layer
 * for reads — with the visibility of a citizen on every public route,
 * whoever asks, and of the token's role on staff routes — and serialise
 * with json/.
 *
 * Must never: write SQL, read points but through read/, call PROJ/GEOS
 * directly, include civetweb.h, or choose who sees what but by asking
 * read/ for a role's visibility.
 */
#ifndef GP_API_H
#define GP_API_H

#include "geopart/role.h"
#include "http/http.h"

extern const gp_http_route gp_api_point_routes[];
extern const gp_http_route gp_api_district_routes[];
extern const gp_http_route gp_api_ops_routes[];
extern const gp_http_route gp_api_moderation_routes[];
extern const gp_http_route gp_api_export_routes[];
extern const gp_http_route gp_api_cluster_routes[];
extern const gp_http_route gp_api_hotspot_routes[];
extern const gp_http_route gp_api_nearby_routes[];
extern const gp_http_route gp_api_openapi_routes[];
extern const gp_http_route gp_api_workspace_routes[];
extern const gp_http_route gp_api_survey_routes[];
extern const gp_http_route gp_api_live_routes[];

/*
 * All of the above, NULL-terminated: what the server serves for /api and
 * /healthz, and what the OpenAPI description (openapi.c) must cover.
 */
extern const gp_http_route *const gp_api_tables[];

/*
 * The live room's renderer (core.h, gp_live_render_fn): a point as GET
 * /api/points/{id} shows it to the public, on one line.  p borrowed.
 */
struct gp_point;
void gp_api_live_render(gp_buf *b, const struct gp_point *p, double lon, double lat);

/*
 * Who asks, judged as /api's staff routes judge it — a staff token
 * (Authorization: Bearer) or a sign-in's session cookie — for the
 * server's pages that are staff's to read (the reports): 0 with *out
 * when the caller has at least min_role, else GP_UNAUTHORIZED or
 * GP_FORBIDDEN naming Authorization.  Borrows x and w for the call.
 */
typedef struct gp_worker gp_worker;
typedef struct gp_actor gp_actor;
int gp_api_actor(gp_http_exchange *x, gp_worker *w, gp_role min_role, gp_actor *out,
                 gp_err *err);

/* Body limit for citizen writes. */
#define GP_API_BODY_MAX (16 * 1024)

#endif
