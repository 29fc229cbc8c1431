/*
 * problem.c — the one table from result codes to HTTP statuses, and RFC 9457
 * problem+json bodies for every error, ours or civetweb's (which keep
 * civetweb from ever writing a status line of its own: it would echo the
 * client's version text), and the reason phrases of status lines.
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
#include <stdio.h>
#include <string.h>

#include "http_int.h"
#include "json/json.h"

/*
 * `detail` is what the client is told when the code's origin gave no words
 * of its own (a busy database deep in the store, say): every problem body
 * carries a detail.
 */
static const struct {
	int status;
	const char *slug;
	const char *title;
	const char *code;        /* OGC API exception code */
	const char *retry_after; /* seconds, for outcomes that pass by themselves */
	const char *detail;      /* when the code's origin had no words of its own */
} table[GP_RESULT_MAX] = {
	[GP_OK] = { 200, "ok", "OK", "OK", NULL, "" },
	[GP_NOT_FOUND] = { 404, "not-found", "Not found", "NotFound", NULL, "no such resource" },
	[GP_BAD_REQUEST] = { 400, "bad-request", "Bad request", "InvalidParameterValue", NULL,
		             "the request is malformed: its request line, a header or a value" },
	[GP_INVALID] = { 422, "invalid-field", "Invalid field", "InvalidValue", NULL,
		         "a value of the request is refused" },
	[GP_TOO_LARGE] = { 413, "too-large", "Request body too large", "RequestTooLarge", NULL,
		           "the request is larger than this server accepts" },
	[GP_UNSUPPORTED_MEDIA] = { 415, "unsupported-media-type", "Unsupported media type",
		                   "UnsupportedMediaType", NULL,
		                   "send the body as application/json or application/geo+json "
		                   "(UTF-8)" },
	[GP_TIMEOUT] = { 408, "timeout", "Request not received in time", "Timeout", NULL,
		         "the request did not arrive in time" },
	[GP_BUSY] = { 503, "busy", "Service busy", "ServiceUnavailable", "1",
		      "the database is busy; please retry in a moment" },
	[GP_CONFLICT] = { 409, "conflict", "Conflict", "Conflict", NULL,
		          "the resource's state does not allow this" },
	[GP_METHOD_NOT_ALLOWED] = { 405, "method-not-allowed", "Method not allowed",
		                    "OperationNotSupported", NULL,
		                    "this method is not allowed here; the Allow header lists those "
		                    "that are" },
	[GP_LENGTH_REQUIRED] = { 411, "length-required", "Length required", "LengthRequired",
		                 NULL, "a body needs a Content-Length" },
	[GP_UNAUTHORIZED] = { 401, "unauthorized", "Unauthorized", "Unauthorized", NULL,
		              "this needs a staff token: Authorization: Bearer <token>" },
	[GP_FORBIDDEN] = { 403, "forbidden", "Forbidden", "Forbidden", NULL,
		           "this is not allowed" },
	[GP_TOO_MANY] = { 429, "too-many-requests", "Too many requests", "TooManyRequests", NULL,
		          "too many requests; wait as long as Retry-After says" },
	[GP_NOT_ACCEPTABLE] = { 406, "not-acceptable", "Not acceptable", "NotAcceptable", NULL,
		                "the requested format cannot be produced" },
	[GP_UNAVAILABLE] = { 503, "unavailable", "Service unavailable", "ServiceUnavailable", "1",
		             "the service cannot answer right now; please retry in a moment" },
	/* A full disk waits for its operator: clients need not knock every second. */
	[GP_STORAGE] = { 503, "storage-unavailable", "Storage unavailable", "ServiceUnavailable",
		         "30",
		         "the server cannot write its database right now (disk full or I/O error); "
		         "nothing was stored, reading still works, please try again later" },
	[GP_HTTP_VERSION] = { 505, "http-version-not-supported", "HTTP version not supported",
		              "OperationNotSupported", NULL,
		              "this server speaks HTTP/1.1 and HTTP/1.0" },
	[GP_MISDIRECTED] = { 421, "misdirected-request", "Misdirected request",
		             "OperationNotSupported", NULL,
		             "this server answers for its own address only; it is not a proxy" },
	[GP_EXPECTATION] = { 417, "expectation-failed", "Expectation failed",
		             "OperationNotSupported", NULL,
		             "the only expectation this server meets is Expect: 100-continue" },
	[GP_HEAD_TOO_LARGE] = { 431, "header-fields-too-large",
		                "Request header fields too large", "RequestHeaderFieldsTooLarge",
		                NULL, "the request head is larger than this server accepts" },
	[GP_TARGET_TOO_LONG] = { 414, "target-too-long", "Request target too long",
		                 "RequestTargetTooLong", NULL,
		                 "the request target (path and query) is longer than this server "
		                 "accepts" },
};

int gp_http_status_for(int code)
{
	if (code <= 0 || code >= GP_RESULT_MAX)
		return 500;
	return table[code].status;
}

const char *gp_http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 416: return "Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 421: return "Misdirected Request";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default:
		return status < 300 ? "Success" : status < 400 ? "Redirection"
		       : status < 500 ? "Client Error" : "Server Error";
	}
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
	gp_buf_puts(b, ",\"detail\":");
	gp_json_put_str(b, detail);
	gp_buf_puts(b, ",\"code\":");
	gp_json_put_str(b, code);
	gp_buf_puts(b, ",\"description\":");
	gp_json_put_str(b, detail);
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

void gp_http_problem_for_status(gp_buf *b, int status, const char *detail,
                                const char *field, const char *instance)
{
	for (int i = 1; i < GP_RESULT_MAX; i++) {
		if (table[i].status == status) {
			problem_body(b, status, table[i].slug, table[i].title, table[i].code,
			             detail && *detail ? detail : table[i].detail, field, instance);
			return;
		}
	}
	problem_body(b, status, status >= 500 ? "internal" : "client-error",
	             status >= 500 ? "Server error" : "Client error", "NoApplicableCode",
	             detail && *detail ? detail : gp_http_reason(status), field, instance);
}

/* Set when civetweb's error path answered on this thread (see http_int.h). */
static _Thread_local int civetweb_answered;
/* When this thread's connection began waiting for its next request head. */
static _Thread_local int64_t head_since_ms;
static _Thread_local int head_is_first;

void gp_http_head_begins(int first_on_connection)
{
	head_since_ms = gp_time_mono_ms();
	head_is_first = first_on_connection;
}

/*
 * civetweb says "Malformed message" both for a head that held a control
 * character or outgrew its buffer and for one still incomplete when its
 * read timed out; only the timeout takes the whole timeout to happen.
 */
static int head_timed_out(struct mg_connection *conn)
{
	const gp_http_server *srv = mg_get_user_data(mg_get_context(conn));
	int timeout = gp_http_socket_timeout_ms(srv->cfg);

	/* after a first request civetweb waits for the next with the keep-alive timeout */
	if (!head_is_first && srv->cfg->keep_alive_ms > 0)
		timeout = srv->cfg->keep_alive_ms;
	return head_since_ms && gp_time_mono_ms() - head_since_ms >= timeout;
}

int gp_http_civetweb_answered(void)
{
	int was = civetweb_answered;

	civetweb_answered = 0;
	return was;
}

int gp_http_civetweb_error(struct mg_connection *conn, int status, const char *msg)
{
	const struct mg_request_info *ri = mg_get_request_info(conn);
	/* Before the request line was understood there is no body to speak of. */
	int parsed = ri && ri->request_method;
	const char *field = parsed && (status == 413 || status == 408 || status == 411)
	                            ? "body" : NULL;
	char words[160];
	gp_buf b;
	int rc;

	civetweb_answered = 1;
	if (status == 400 && !parsed && msg && !strcmp(msg, "Malformed message")) {
		if (head_timed_out(conn)) {
			status = 408;
			msg = "the request head did not arrive in time";
		} else {
			/*
			 * civetweb says the same for both; geopart's own limits
			 * (HEAD_MAX, 431) are checked on heads that fit its buffer.
			 */
			snprintf(words, sizeof(words),
			         "the request head holds a control character, or is larger than "
			         "%d KiB (a request head may have at most %d KiB)",
			         HEAD_BUFFER / 1024, HEAD_MAX / 1024);
			msg = words;
		}
	}
	if (status == 500) {
		/* its words may name files of the server: they go to the log */
		gp_log_error("civetweb: %.200s", msg ? msg : "");
		msg = "the server failed; the error was logged";
	} else if (status == 505 || (status == 400 && msg && !strcmp(msg, "Bad request"))) {
		msg = NULL; /* the table says it better than civetweb's words */
	}
	gp_buf_init(&b, 4096);
	gp_http_problem_for_status(&b, status, msg, field, NULL);
	/* After a refused body the rest of the request is unread: never reuse. */
	rc = gp_buf_status(&b) ? GP_ENOMEM
	                       : gp_http_send_bare(conn, status, GP_PROBLEM_TYPE,
	                                           status == 429 || status == 503
	                                                   ? "Retry-After: 1\r\n" : NULL,
	                                           b.data, b.len);
	gp_buf_free(&b);
	return rc == GP_ENOMEM; /* only then let civetweb answer in its own words */
}
