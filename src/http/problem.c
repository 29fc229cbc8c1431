/*
 * problem.c — the one table from result codes to HTTP statuses, and RFC 9457
 * problem+json bodies for every error, ours or civetweb's.
 *
 * Problem types are URNs (urn:geopart:problem:<slug>): stable identifiers a
 * client can switch on, which promise no web page behind them.
 *
 * Every body also carries the two members of the OGC API exception schema
 * (OGC API - Common, exception.yaml): `code`, a word like
 * "InvalidParameterValue", and `description`, the same sentence as
 * `detail`.  RFC 9457 allows extension members, so one body serves both
 * /api clients and OGC API clients, and no module has an error path of its
 * own.
 */
#include <string.h>

#include "http_int.h"
#include "json/json.h"

static const struct {
	int status;
	const char *slug;
	const char *title;
	const char *code;        /* OGC API exception code */
	const char *retry_after; /* seconds, for outcomes that pass by themselves */
	const char *detail;      /* when the code's origin had no words of its own */
} table[GP_RESULT_MAX] = {
	[GP_OK] = { 200, "ok", "OK", "OK" },
	[GP_NOT_FOUND] = { 404, "not-found", "Not found", "NotFound" },
	[GP_BAD_REQUEST] = { 400, "bad-request", "Bad request", "InvalidParameterValue" },
	[GP_INVALID] = { 422, "invalid-field", "Invalid field", "InvalidValue" },
	[GP_TOO_LARGE] = { 413, "too-large", "Request body too large", "RequestTooLarge" },
	[GP_UNSUPPORTED_MEDIA] = { 415, "unsupported-media-type", "Unsupported media type",
		                   "UnsupportedMediaType" },
	[GP_TIMEOUT] = { 408, "timeout", "Request body not received in time", "Timeout" },
	[GP_BUSY] = { 503, "busy", "Service busy", "ServiceUnavailable", "1", NULL },
	[GP_CONFLICT] = { 409, "conflict", "Conflict", "Conflict" },
	[GP_METHOD_NOT_ALLOWED] = { 405, "method-not-allowed", "Method not allowed",
		                    "OperationNotSupported" },
	[GP_LENGTH_REQUIRED] = { 411, "length-required", "Length required", "LengthRequired" },
	[GP_UNAUTHORIZED] = { 401, "unauthorized", "Unauthorized", "Unauthorized" },
	[GP_FORBIDDEN] = { 403, "forbidden", "Forbidden", "Forbidden" },
	[GP_TOO_MANY] = { 429, "too-many-requests", "Too many requests", "TooManyRequests" },
	[GP_NOT_ACCEPTABLE] = { 406, "not-acceptable", "Not acceptable", "NotAcceptable" },
	[GP_UNAVAILABLE] = { 503, "unavailable", "Service unavailable", "ServiceUnavailable", "1",
		             NULL },
	/* A full disk waits for its operator: clients need not knock every second. */
	[GP_STORAGE] = { 503, "storage-unavailable", "Storage unavailable", "ServiceUnavailable",
		         "30",
		         "the server cannot write its database right now (disk full or I/O error); "
		         "nothing was stored, reading still works, please try again later" },
};

int gp_http_status_for(int code)
{
	if (code <= 0 || code >= GP_RESULT_MAX)
		return 500;
	return table[code].status;
}

static void problem_body(gp_buf *b, int status, const char *slug, const char *title,
                         const char *code, const char *detail, const char *field,
                         const char *instance)
{
	gp_buf_puts(b, "{\"type\":");
	gp_buf_printf(b, "\"urn:geopart:problem:%s\"", slug);
	gp_buf_puts(b, ",\"title\":");
	gp_json_put_str(b, title);
	gp_buf_printf(b, ",\"status\":%d", status);
	if (detail && *detail) {
		gp_buf_puts(b, ",\"detail\":");
		gp_json_put_str(b, detail);
	}
	gp_buf_puts(b, ",\"code\":");
	gp_json_put_str(b, code);
	gp_buf_puts(b, ",\"description\":");
	gp_json_put_str(b, detail && *detail ? detail : title);
	if (field && *field) {
		gp_buf_puts(b, ",\"field\":");
		gp_json_put_str(b, field);
	}
	if (instance && *instance) {
		gp_buf_puts(b, ",\"instance\":");
		gp_json_put_str(b, instance);
	}
	gp_buf_puts(b, "}\n");
}

void gp_http_send_problem(gp_http_exchange *x, int code, const gp_err *err)
{
	int status = gp_http_status_for(code);
	const char *slug = "internal", *title = "Internal server error";
	const char *ogc = "NoApplicableCode";
	const char *detail = "the server failed; the error was logged";

	if (code > 0 && code < GP_RESULT_MAX) {
		slug = table[code].slug;
		title = table[code].title;
		ogc = table[code].code;
		detail = err && err->detail[0] ? err->detail : table[code].detail;
	}
	gp_buf_reset(&x->out);
	problem_body(&x->out, status, slug, title, ogc, detail,
	             code > 0 && err ? err->field : NULL, x->path);
	x->status = status;
	x->type = GP_PROBLEM_TYPE;
	if (code > 0 && code < GP_RESULT_MAX && table[code].retry_after &&
	    !strstr(x->always, "Retry-After"))
		gp_http_add_header_always(x, "Retry-After", table[code].retry_after);
	if (code == GP_UNAUTHORIZED && !strstr(x->always, "WWW-Authenticate"))
		gp_http_add_header_always(x, "WWW-Authenticate", "Bearer realm=\"geopart\"");
	gp_http_send(x);
}

static const char *slug_for_status(int status, const char **title, const char **code)
{
	for (int i = 1; i < GP_RESULT_MAX; i++) {
		if (table[i].status == status) {
			*title = table[i].title;
			*code = table[i].code;
			return table[i].slug;
		}
	}
	*title = status >= 500 ? "Server error" : "Client error";
	*code = "NoApplicableCode";
	return status >= 500 ? "internal" : "client-error";
}

int gp_http_civetweb_error(struct mg_connection *conn, int status, const char *msg)
{
	const struct mg_request_info *ri = mg_get_request_info(conn);
	const char *title, *code, *slug = slug_for_status(status, &title, &code);
	const char *field = status == 413 || status == 408 || status == 411 ? "body" : NULL;
	char len[32];
	gp_buf b;

	gp_buf_init(&b, 4096);
	problem_body(&b, status, slug, title, code, msg, field, NULL);
	if (gp_buf_status(&b)) {
		gp_buf_free(&b);
		return 1; /* let civetweb answer in its own words */
	}
	snprintf(len, sizeof(len), "%zu", b.len);
	/* After a refused body the rest of the request is unread: never reuse. */
	mg_disable_connection_keep_alive(conn);
	mg_response_header_start(conn, status);
	gp_http_common_headers(conn, GP_PROBLEM_TYPE);
	mg_response_header_add(conn, "Content-Length", len, -1);
	mg_response_header_send(conn);
	if (!ri || strcmp(ri->request_method ? ri->request_method : "", "HEAD") != 0)
		mg_write(conn, b.data, b.len);
	gp_buf_free(&b);
	return 0;
}
