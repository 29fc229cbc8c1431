/*
 * api_int.h — helpers shared by the handlers in api/.
 */
#ifndef GP_API_INT_H
#define GP_API_INT_H

#include "api.h"
#include "config/config.h"
#include "core/core.h"
#include "json/json.h"
#include "read/read.h"

/*
 * The limits of the query parameters live here, not in their handlers,
 * because the OpenAPI description (openapi.c) states them too.
 */
#define API_LIMIT_DEFAULT 100
#define API_LIMIT_MAX 10000
#define API_NEARBY_RADIUS_DEFAULT 50
#define API_NEARBY_RADIUS_MAX 500
#define API_HOTSPOT_EPS_MAX 1000
#define API_HOTSPOT_MIN_POINTS_MAX 1000

/* The parameters every point listing takes. */
#define API_POINT_PARAMS "bbox category district topic channel since until limit offset after crs"

/*
 * Parses the listing parameters into q, which admits what vis does: crs,
 * category, district, channel, topic, since/until, limit (1–10000), offset,
 * bbox (CRS84) and after (not with offset).  GP_BAD_REQUEST naming the
 * parameter for anything unknown or malformed.
 */
int api_point_query(gp_http_exchange *x, gp_read *r, const gp_visibility *vis,
                    gp_read_query *q, gp_err *err);

/*
 * Answers a listing of q: a FeatureCollection with numberMatched,
 * numberReturned, timeStamp and self/next/prev links that keep every
 * parameter (next by offset, or by after when the request paged by after).
 */
int api_point_listing(gp_http_exchange *x, gp_read *r, const gp_read_query *q,
                      gp_err *err);

/*
 * Who is asking: a citizen (no Authorization header) or a staff token of at
 * least `min_role`.  GP_UNAUTHORIZED without a valid token where one is
 * needed, GP_FORBIDDEN for a role below min_role, GP_TOO_MANY after repeated
 * failures.  Authenticated responses are marked private (no-store).
 */
int api_actor(gp_http_exchange *x, gp_worker *w, gp_role min_role, gp_actor *out,
              gp_err *err);

/*
 * Also a staff session: without an Authorization header, the session
 * cookie of a sign-in (POST /api/session) that has not ended stands for
 * its token; a write it authenticates (any method but GET and HEAD) needs
 * the server's own Origin, else GP_FORBIDDEN naming Origin.  An ended or
 * unknown session leaves the caller a citizen.
 */
#define API_SESSION_COOKIE "gp_session"

/* The session cookie's value into out (1), or 0 when there is none that fits. */
int api_session_cookie(gp_http_exchange *x, char *out, size_t outsz);
/*
 * The staff actor of the request's session cookie and when it ends;
 * GP_NOT_FOUND without one that counts.
 */
int api_session_actor(gp_http_exchange *x, gp_worker *w, gp_actor *out,
                      char expires[GP_TIME_LEN]);
/*
 * 0 when Origin is this server's own (public_url, else http://Host) — or
 * absent, when allow_absent; else GP_FORBIDDEN naming Origin.
 */
int api_same_origin(gp_http_exchange *x, int allow_absent, gp_err *err);

/* Periods and rate limits for a citizen's write; sets Retry-After on 429. */
int api_citizen_write(gp_http_exchange *x, gp_worker *w, const gp_actor *a, gp_err *err);

/* The parameter `name` as a CRS (absent: CRS84); GP_BAD_REQUEST naming it. */
int api_crs(gp_http_exchange *x, const char *name, gp_crs *out, gp_err *err);

/* The optional category parameter: a gp_category, or -1 when absent. */
int api_category_param(gp_http_exchange *x, int *out, gp_err *err);

/* limit (1–10000) and offset (≥ 0) when present; the outputs keep their defaults otherwise. */
int api_page_params(gp_http_exchange *x, int64_t *limit, int64_t *offset, gp_err *err);

/* The {id} path capture as a point id; GP_NOT_FOUND when it is not one. */
int api_point_id(gp_http_exchange *x, int64_t *out, gp_err *err);

/* Answers with one point vis admits as a Feature (staff view for staff). */
int api_write_point(gp_http_exchange *x, gp_worker *w, const gp_visibility *vis, int64_t id,
                    gp_crs crs, gp_err *err);

/*
 * Writes one point as a Feature at c0/c1 in crs; for staff with the staff
 * fields and flag_reasons, the reasons of its flags as an object.
 */
void api_put_point(gp_buf *b, const gp_point *p, double c0, double c1, gp_crs crs, int staff,
                   const char *crs_uri);

/*
 * A read callback (gp_read_point_cb) writing each point as a Feature after
 * the last, comma-separated, into ctx, an api_features.  Borrows p.
 */
typedef struct api_features {
	gp_buf *b;
	gp_crs crs;
	int staff;
	int64_t n; /* written so far */
} api_features;
int api_put_feature(void *ctx, const gp_point *p, double c0, double c1);

/*
 * Writes one link object {"rel","type","href"} to the current URL with
 * `name` set to `value` (name NULL: unchanged), preceded by a comma unless
 * first.
 */
void api_put_link(gp_http_exchange *x, gp_buf *b, const char *rel, const char *name,
                  const char *value, int first);

/* Sets the Content-Crs header (also for the CRS84 default). */
void api_content_crs(gp_http_exchange *x, gp_crs crs);
/* The URI for the legacy GeoJSON crs member, or NULL for CRS84 (RFC 7946). */
const char *api_crs_member_uri(gp_crs crs);

#endif
