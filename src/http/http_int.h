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
	char *segments[MAX_SEGMENTS];
	size_t nsegments;
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
/* Sends code + err as problem+json (or a bare 500 for negative codes). */
void gp_http_send_problem(gp_http_exchange *x, int code, const gp_err *err);
/* civetweb's http_error callback: its own errors as problem+json. */
int gp_http_civetweb_error(struct mg_connection *conn, int status, const char *msg);

/* exchange.c */
int gp_http_parse_target(gp_http_exchange *x, gp_err *err);
int gp_http_check_params(gp_http_exchange *x, const gp_http_route *r, gp_err *err);
void gp_http_send(gp_http_exchange *x);
void gp_http_exchange_clear(gp_http_exchange *x);
/* Adds the headers every response carries. */
void gp_http_common_headers(struct mg_connection *conn, const char *type);

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
