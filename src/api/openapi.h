/*
 * openapi.h — answering with an OpenAPI description that is a template
 * compiled into the binary: /api's own (GET /api/openapi.json, from
 * src/api/openapi.json) and /ogc's (GET /ogc/api, src/ogc/openapi.json)
 * share this one mechanism, so both name this server's URL and the topic
 * and district ids the same way.
 *
 * Must never: serve a template with a placeholder left unfilled (that is a
 * fault, 500 and a log line), or state a limit the handlers do not apply —
 * limits come from the constants the handlers use.
 */
#ifndef GP_API_OPENAPI_H
#define GP_API_OPENAPI_H

#include "http/http.h"

#define GP_OPENAPI_TYPE "application/vnd.oai.openapi+json;version=3.0"

/*
 * Answers with `tmpl` (JSON with {{NAME}} placeholders standing for whole
 * JSON values) as GP_OPENAPI_TYPE.  Filled here: SERVER (this server's base
 * URL — public_url, else http:// + Host — followed by `base_path`, for the
 * servers URL), TOPICS and DISTRICTS (JSON arrays of the ids the topic and
 * district parameters accept now).  Every other name goes to put (may be
 * NULL), which returns GP_NOT_FOUND for a name it does not know.
 * tmpl and base_path are borrowed.
 */
int gp_api_openapi_answer(gp_http_exchange *x, const char *tmpl, const char *base_path,
                          gp_buf_fill_fn put, void *ctx);

#endif
