/*
 * body.c — reading a request body under the route's rules.
 *
 * Refusals come before reading wherever possible: ambiguous framing
 * (Transfer-Encoding with Content-Length, repeated or garbled lengths — the
 * stuff of request smuggling) is 400; a declared length over the limit is
 * 413 sent through mg_send_http_error, which closes the connection so
 * civetweb does not go on reading the rest.  The whole body must arrive
 * within body_deadline_ms, a wall-clock deadline however the bytes trickle;
 * a client too slow gets 408 and the connection is closed.  A garbled chunk
 * size is a malformed request (400), not a slow one.
 *
 * Expect: 100-continue (RFC 9110 10.1.1; many HTTP clients send it before
 * a larger body, curl when told to or above 1 MiB) is answered here, because civetweb's mg_read never answers it
 * (only its CGI and PUT-file paths do): the interim 100 goes out once every
 * refusal that needs no body has been made — framing, length, media type,
 * credentials of a staff body — and just before the first byte is read.  A
 * refused request gets its final answer without the 100, and its connection
 * is closed (the body it announced was never read).  Any other expectation
 * is 417.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"
#include "util/metrics.h"

/* RFC 9110 token characters. */
static int tchar(int c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Is ct `application/json` or `application/geo+json` with well-formed
 * parameters (RFC 9110 8.3.1: type/subtype *( OWS ";" OWS [ name=value ] ))
 * of which a charset, if given once, is exactly UTF-8 (JSON is UTF-8, RFC
 * 8259)?  Values may be quoted; other parameters are ignored.
 */
static int media_type_ok(const char *ct)
{
	static const char *const types[] = { "application/json", "application/geo+json" };
	const char *p, *start;
	int known = 0, charsets = 0;

	if (!ct)
		return 0;
	start = p = skip_ows(ct);
	while (tchar((unsigned char)*p) || *p == '/')
		p++;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		known |= strlen(types[i]) == (size_t)(p - start) &&
		         strncasecmp(start, types[i], (size_t)(p - start)) == 0;
	if (!known)
		return 0;
	for (;;) {
		char value[16];
		size_t name_len, n = 0;
		const char *name;
		int fits = 1;

		p = skip_ows(p);
		if (!*p)
			return 1;
		if (*p++ != ';')
			return 0;
		p = skip_ows(p);
		if (!*p || *p == ';')
			continue; /* an empty parameter */
		name = p;
		while (tchar((unsigned char)*p))
			p++;
		name_len = (size_t)(p - name);
		if (!name_len || *p++ != '=')
			return 0;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (n + 1 < sizeof(value))
					value[n++] = *p;
				else
					fits = 0;
			}
			if (*p++ != '"')
				return 0;
		} else {
			for (; tchar((unsigned char)*p); p++) {
				if (n + 1 < sizeof(value))
					value[n++] = *p;
				else
					fits = 0;
			}
			if (!n)
				return 0;
		}
		value[n] = '\0';
		if (name_len == 7 && strncasecmp(name, "charset", 7) == 0 &&
		    (charsets++ || !fits || strcasecmp(value, "utf-8") != 0))
			return 0;
	}
}

/* The expectations of the request's Expect fields: 0 none, 1 100-continue, -1 others. */
static int expectation(const struct mg_request_info *ri)
{
	int found = 0;

	for (int i = 0; i < ri->num_headers; i++) {
		const char *p = ri->http_headers[i].value;

		if (strcasecmp(ri->http_headers[i].name, "Expect") != 0)
			continue;
		/* a list: 100-continue, possibly more than once, and nothing else */
		for (;;) {
			p = skip_ows(p);
			if (!*p)
				break;
			if (*p == ',') {
				p++;
				continue;
			}
			if (strncasecmp(p, "100-continue", 12) != 0)
				return -1;
			p = skip_ows(p + 12);
			if (*p && *p != ',')
				return -1;
			found = 1;
		}
	}
	return found;
}

int gp_http_check_expect(gp_http_exchange *x, gp_err *err)
{
	/* Expect is HTTP/1.1's; an HTTP/1.0 request's is ignored (RFC 9110 10.1.1). */
	if (gp_http_is_10(x->ri) || expectation(x->ri) >= 0)
		return 0;
	return gp_err_set(err, GP_EXPECTATION, "Expect",
	                  "the only expectation this server meets is Expect: 100-continue");
}

int gp_http_body_withheld(const gp_http_exchange *x)
{
	return !x->body && !gp_http_is_10(x->ri) && expectation(x->ri) > 0 &&
	       (x->ri->content_length > 0 || mg_get_header(x->conn, "Transfer-Encoding"));
}

/* Refuses with civetweb's error path so the connection is closed after. */
static int refuse(gp_http_exchange *x, int code, const char *detail)
{
	mg_send_http_error(x->conn, gp_http_status_for(code), "%s", detail);
	x->status = gp_http_status_for(code);
	return HTTP_ANSWERED;
}

typedef enum body_outcome {
	BODY_OK, BODY_LATE, BODY_SHORT, BODY_BAD_CHUNKS, BODY_TOO_LARGE
} body_outcome;

/* Reads the body into x->body (cap bytes at most) until its end or the deadline. */
static body_outcome read_all(gp_http_exchange *x, long long want, size_t cap, int64_t deadline,
                             size_t *got)
{
	*got = 0;
	for (;;) {
		int64_t before;
		int n;

		if (want >= 0 && (long long)*got == want)
			return BODY_OK;
		before = gp_time_mono_ms();
		if (gp_http_deadline_passed(x, deadline))
			return BODY_LATE;
		n = mg_read(x->conn, x->body + *got, cap - *got);
		if (n == 0 && want < 0)
			return BODY_OK; /* end of a chunked body */
		if (n <= 0 && gp_http_deadline_passed(x, deadline))
			return BODY_LATE;
		if (n < 0 && want < 0 &&
		    gp_time_mono_ms() - before < gp_http_socket_timeout_ms(x->srv->cfg))
			/*
			 * civetweb gives up on a chunked body with -1 both when the
			 * socket timed out and when a chunk size is not hex (zz,
			 * -1, an overflowing or overlong one); only a timeout
			 * takes the socket timeout to happen (the deadline's
			 * signal was ruled out just above).
			 */
			return BODY_BAD_CHUNKS;
		if (n <= 0)
			return n < 0 ? BODY_LATE : BODY_SHORT;
		*got += (size_t)n;
		if (*got > x->route->body_max)
			return BODY_TOO_LARGE;
	}
}

int gp_http_read_body(gp_http_exchange *x, gp_err *err)
{
	const struct mg_request_info *ri = x->ri;
	const char *cl = NULL, *te = NULL, *ct = NULL;
	int ncl = 0, nte = 0;
	long long want = -1;
	size_t cap = x->route->body_max + 1, got = 0;
	int64_t deadline;
	body_outcome outcome;

	for (int i = 0; i < ri->num_headers; i++) {
		const char *name = ri->http_headers[i].name;
		if (strcasecmp(name, "Content-Length") == 0) {
			ncl++;
			cl = ri->http_headers[i].value;
		} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
			nte++;
			te = ri->http_headers[i].value;
		} else if (strcasecmp(name, "Content-Type") == 0) {
			ct = ri->http_headers[i].value;
		}
	}
	if (ncl && nte)
		return refuse(x, GP_BAD_REQUEST,
		              "Transfer-Encoding and Content-Length must not be combined");
	if (ncl > 1)
		return refuse(x, GP_BAD_REQUEST, "Content-Length is given more than once");
	if (nte > 1 || (te && strcasecmp(te, "chunked") != 0))
		return refuse(x, GP_BAD_REQUEST, "only chunked Transfer-Encoding is supported");
	if (cl) {
		int64_t v;
		for (const char *p = cl; *p; p++)
			if (!isdigit((unsigned char)*p))
				return refuse(x, GP_BAD_REQUEST, "Content-Length is not a number");
		if (gp_parse_i64(&v, cl, 0, INT64_MAX))
			return refuse(x, GP_BAD_REQUEST, "Content-Length is not a number");
		want = v;
	}
	if (!cl && !te)
		return refuse(x, GP_LENGTH_REQUIRED, "a body with Content-Length is required");
	if (!media_type_ok(ct))
		return gp_err_set(err, GP_UNSUPPORTED_MEDIA, "Content-Type",
		                  "send the body as application/json or application/geo+json (UTF-8)");
	if (want > (long long)x->route->body_max) {
		char msg[96];
		snprintf(msg, sizeof(msg), "the body may have at most %zu bytes",
		         x->route->body_max);
		return refuse(x, GP_TOO_LARGE, msg);
	}
	if (x->route->body == GP_HTTP_STAFF_JSON_BODY && !mg_get_header(x->conn, "Authorization") &&
	    !mg_get_header(x->conn, "Cookie"))
		return gp_err_set(err, GP_UNAUTHORIZED, "Authorization",
		                  "this needs a staff token (Authorization: Bearer <token>) or a "
		                  "sign-in (POST /api/session)");
	if (!(x->body = malloc(cap + 1)))
		return GP_ENOMEM;
	/* Everything that needs no body has been judged: now the client may send it. */
	if (!gp_http_is_10(ri) && expectation(ri) > 0 &&
	    mg_write(x->conn, "HTTP/1.1 100 Continue\r\n\r\n", 25) != 25)
		return refuse(x, GP_BAD_REQUEST, "the connection failed before the body was sent");
	/*
	 * mg_read waits until every byte asked for has come, however slowly
	 * they trickle; the deadline's signal (threads.c) makes it return at
	 * body_deadline_ms, chunked or not, with what it has.
	 */
	deadline = x->started_ms + x->srv->cfg->body_deadline_ms;
	gp_http_deadline_arm(x, deadline);
	outcome = read_all(x, want, cap, deadline, &got);
	gp_http_deadline_disarm(x);
	switch (outcome) {
	case BODY_OK:
		break;
	case BODY_LATE:
		gp_metric_add(GP_METRIC_BODY_TIMEOUTS, 1);
		return refuse(x, GP_TIMEOUT, "the request body did not arrive in time");
	case BODY_SHORT:
		return refuse(x, GP_BAD_REQUEST, "the request body ended early");
	case BODY_BAD_CHUNKS:
		return refuse(x, GP_BAD_REQUEST,
		              "the chunked body is malformed or ended early (chunk sizes "
		              "are hexadecimal numbers)");
	case BODY_TOO_LARGE: {
		char msg[96];
		snprintf(msg, sizeof(msg), "the body may have at most %zu bytes",
		         x->route->body_max);
		return refuse(x, GP_TOO_LARGE, msg);
	}
	}
	x->body[got] = '\0';
	x->body_len = got;
	if (got == 0)
		return gp_err_set(err, GP_BAD_REQUEST, "body", "the request body is empty");
	return 0;
}
