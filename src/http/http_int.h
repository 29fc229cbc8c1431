/*
 * http_int.h — what the files of http/ share and nobody else may see.
 */
#ifndef GP_HTTP_INT_H
#define GP_HTTP_INT_H

#include <civetweb.h>

#include "http.h"

#define MAX_PARAMS 32
#define MAX_ARGS 4
#define MAX_SEGMENTS 16
#define HEADER_SPACE 2048
/* Returned by helpers that already sent the whole response themselves. */
#define HTTP_ANSWERED (-1000)

typedef struct http_param {
	char *name;
	char *value;
} http_param;

struct gp_http_server {
	struct mg_context *ctx;
	const gp_config *cfg;
	const gp_http_route *const *tables;
	gp_http_hooks hooks;
	char web_root[4096]; /* realpath of cfg->web_root, or "" */
	int port;
};

struct gp_http_exchange {
	struct mg_connection *conn;
	const struct mg_request_info *ri;
	gp_http_server *srv;
	const gp_http_route *route;
	char *path;                  /* decoded */
	char *segments[MAX_SEGMENTS]; /* a deeper path is refused (404) */
	size_t nsegments;             /* never more than MAX_SEGMENTS */
	const char *arg_names[MAX_ARGS]; /* not NUL-terminated: see lens */
	size_t arg_name_lens[MAX_ARGS];
	const char *arg_values[MAX_ARGS];
	size_t nargs;
	http_param params[MAX_PARAMS];
	size_t nparams;
	char *body;
	size_t body_len;
	/* response */
	int status;
	const char *type;
	char headers[HEADER_SPACE]; /* "Name: value\r\n" lines, success only */
	size_t headers_len;
	char always[HEADER_SPACE];  /* lines sent with any response */
	size_t always_len;
	gp_buf out;
	int streaming;
	int close_delimited; /* a stream to an HTTP/1.0 client: no chunks */
	int is_head;
	int page;                    /* an HTML page: gp_http_set_page() */
	int64_t started_ms;
	int64_t started_us;
	long long bytes_sent;
};

/* stack.c: a private, large stack per worker thread (see there why). */
typedef struct gp_http_stack gp_http_stack;
int gp_http_stack_new(gp_http_stack **out);
void gp_http_stack_free(gp_http_stack *s);
/* Runs fn(arg) on s and returns when it has; without s, runs it directly. */
int gp_http_stack_run(gp_http_stack *s, void (*fn)(void *), void *arg);

/* What civetweb keeps as each worker thread's pointer. */
typedef struct http_thread {
	gp_http_stack *stack;
	void *worker; /* from gp_http_hooks.worker_new */
} http_thread;

/* gzip.c */
/* Does the request's Accept-Encoding take gzip (q > 0)? */
int gp_http_accepts_gzip(const gp_http_exchange *x);
/*
 * Compresses data as one gzip member into *out (caller owns it, free with
 * free()).
 */
int gp_http_gzip(char **out, size_t *out_len, const void *data, size_t len);

/* problem.c */
int gp_http_status_for(int code);
/* RFC 9110's reason phrase of a status ("Not Found"); static. */
const char *gp_http_reason(int status);
/* Sends code + err as problem+json (or a bare 500 for negative codes). */
void gp_http_send_problem(gp_http_exchange *x, int code, const gp_err *err);
/*
 * Writes the problem+json body for a status (not a result code) into b:
 * the table's row for it, else a generic one.  detail must not be empty.
 */
void gp_http_problem_for_status(gp_buf *b, int status, const char *detail,
                                const char *field, const char *instance);
/*
 * civetweb's http_error callback: its own errors as problem+json, with our
 * status line, on a connection that is closed after.
 */
int gp_http_civetweb_error(struct mg_connection *conn, int status, const char *msg);
/*
 * Whether gp_http_civetweb_error answered on this thread since the last
 * call (which clears it): civetweb closes a connection after its errors.
 */
int gp_http_civetweb_answered(void);
/*
 * Marks the moment this thread's connection starts waiting for a request
 * head (the connection is new, or an answer was just sent), by which a
 * head that timed out is told from a malformed one.
 */
void gp_http_head_begins(int first_on_connection);

/* exchange.c */
int gp_http_parse_target(gp_http_exchange *x, gp_err *err);
int gp_http_check_params(gp_http_exchange *x, const gp_http_route *r, gp_err *err);
void gp_http_send(gp_http_exchange *x);
void gp_http_exchange_clear(gp_http_exchange *x);
/*
 * Writes the header lines every response carries into b; for an HTML page
 * (page: the configuration) its Content-Security-Policy and the framing
 * of frame_ancestors, for anything else X-Frame-Options: DENY.
 */
void gp_http_put_common_headers(gp_buf *b, const gp_config *page);
/* Is the request HTTP/1.0 (which knows no chunks and closes by default)? */
int gp_http_is_10(const struct mg_request_info *ri);
/* Writes "HTTP/1.1 NNN Reason" (1.0 for 1.0 clients) and its CRLF into b. */
void gp_http_put_status_line(gp_buf *b, const struct mg_request_info *ri, int status);
/*
 * Sends a whole response without an exchange in one write — our status
 * line, the common headers, `lines` (complete header lines or NULL), the
 * body — and has civetweb close the connection after it.  Body borrowed.
 */
int gp_http_send_bare(struct mg_connection *conn, int status, const char *type,
                      const char *lines, const char *body, size_t len);
/*
 * civetweb's connection_close callback: a request civetweb parsed but never
 * routed — the asterisk form (OPTIONS *) or an absolute-form target naming
 * another authority — gets its answer here, once, before the close.
 */
void gp_http_answer_unrouted(struct mg_connection *conn, const gp_http_server *srv);

/*
 * How long civetweb waits for the socket before a read fails (its
 * request_timeout_ms): a trickling body must not hold a worker past its
 * deadline.  body.c tells a timeout from bad chunk framing by it.
 */
static inline int gp_http_socket_timeout_ms(const gp_config *cfg)
{
	return cfg->request_timeout_ms < cfg->body_deadline_ms ? cfg->request_timeout_ms
	                                                      : cfg->body_deadline_ms;
}

/* body.c: reads the body under the route's rules. */
int gp_http_read_body(gp_http_exchange *x, gp_err *err);

/* static.c: serves GET/HEAD of files under the web root. */
int gp_http_serve_static(gp_http_exchange *x, gp_err *err);
/*
 * Appends the header lines of an HTML page (Content-Security-Policy and
 * the framing rule of frame_ancestors) to out.
 */
void gp_http_page_headers(const gp_config *cfg, gp_buf *out);

#endif
