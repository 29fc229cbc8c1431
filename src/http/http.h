/*
 * http.h — the HTTP server as handlers see it: route tables, one exchange
 * (request + response) per call, and problem+json errors.
 *
 * The server owns civetweb: options (no directory listing, no CGI, no
 * automatic CORS), its threads (one per open connection) and the pool of
 * database workers lent to handlers, connection caps, body limits and deadlines,
 * query parsing, static files from the web root, security headers, and the
 * single table that turns result codes into HTTP statuses.  Handlers never
 * see civetweb and never choose an error status themselves: they return a
 * result code with a gp_err.
 *
 * Must never: log client addresses or bodies, serve a file outside the web
 * root, or let a handler's failure become anything but a problem+json reply.
 */
#ifndef GP_HTTP_H
#define GP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/util.h"

typedef struct gp_http_exchange gp_http_exchange;
typedef struct gp_http_server gp_http_server;

/*
 * A handler fills the response and returns 0, or returns a positive result
 * code with err filled (→ 4xx/503 problem+json), or a negative one (→ 500).
 */
typedef int (*gp_http_handler)(gp_http_exchange *x, gp_err *err);

typedef enum gp_http_body_kind {
	GP_HTTP_NO_BODY = 0,
	GP_HTTP_JSON_BODY, /* application/json or application/geo+json, UTF-8 */
	/*
	 * The same, sent only by staff: a request carrying no credentials at
	 * all (neither Authorization nor Cookie) is refused 401 before its
	 * body is read, so a client that asked Expect: 100-continue never
	 * sends it.  The handler still checks the credentials themselves.
	 */
	GP_HTTP_STAFF_JSON_BODY
} gp_http_body_kind;

typedef struct gp_http_route {
	const char *method;  /* GET also answers HEAD */
	const char *pattern; /* "/api/points/{id}": {x} captures one segment; "/report/" a folder */
	gp_http_handler handler;
	const char *params;  /* allowed query parameters, space-separated */
	gp_http_body_kind body;
	size_t body_max;     /* bytes; larger bodies get 413 */
} gp_http_route;

/* A route table ends with an entry whose method is NULL. */

typedef struct gp_http_hooks {
	/*
	 * Makes one database worker (up to db_connections of them, when first
	 * needed); the server lends each to one handler at a time, on any of
	 * its threads, and frees them when it stops.  NULL when it failed.
	 */
	void *(*worker_new)(void *ctx);
	void (*worker_free)(void *ctx, void *worker);
	/*
	 * A new connection from the TCP peer addr (may be NULL): 0 to serve it,
	 * GP_TOO_MANY to answer it 429 and close it.  *out_key (0: nothing to
	 * undo) goes back to conn_close when the connection ends.
	 */
	int (*conn_open)(void *ctx, const char *addr, uint64_t *out_key);
	void (*conn_close)(void *ctx, uint64_t key);
	void *ctx;
} gp_http_hooks;

/*
 * Starts serving.  tables is a NULL-terminated list of route tables, all
 * borrowed for the server's lifetime, as is cfg.  Caller owns *out, stop
 * with gp_http_server_stop().
 */
int gp_http_server_start(gp_http_server **out, const gp_config *cfg,
                         const gp_http_route *const *tables,
                         const gp_http_hooks *hooks, gp_err *err);
/* The port actually bound (useful with port 0). */
int gp_http_server_port(const gp_http_server *s);
void gp_http_server_stop(gp_http_server *s);

/* ---- request ------------------------------------------------------------ */

/*
 * The database worker (from gp_http_hooks) lent to this request while its
 * handler runs.  Borrowed until the handler returns; never keep it.
 */
void *gp_http_worker(gp_http_exchange *x);
const char *gp_http_method(const gp_http_exchange *x);
/* The decoded request path. */
const char *gp_http_path(const gp_http_exchange *x);
/* A path capture by its {name}; NULL when the route has none. */
const char *gp_http_arg(const gp_http_exchange *x, const char *name);
/* A decoded query parameter, or NULL when absent. */
const char *gp_http_param(const gp_http_exchange *x, const char *name);
/* A request header, or NULL. */
const char *gp_http_header(const gp_http_exchange *x, const char *name);
/* The request body read under the route's limits; NULL without one. */
const char *gp_http_body(const gp_http_exchange *x, size_t *out_len);

/*
 * The client's address as text: the peer's address, or — when the peer is
 * one of the configured trusted_proxies — the nearest untrusted address in
 * X-Forwarded-For.  Never logged or stored; guard/ hashes it.
 */
void gp_http_client_addr(const gp_http_exchange *x, char *out, size_t outsz);

/*
 * Writes the absolute URL of the current path with its query parameters,
 * replacing (or adding) `name` with `value` when name is not NULL.  The
 * base is public_url when configured, else http://Host.
 */
void gp_http_url_with(const gp_http_exchange *x, gp_buf *out, const char *name,
                      const char *value);
/* Writes the base URL (scheme and authority, no trailing slash). */
void gp_http_base_url(const gp_http_exchange *x, gp_buf *out);

/* ---- response ----------------------------------------------------------- */

/* The response body; handlers append to it. Borrowed. */
gp_buf *gp_http_out(gp_http_exchange *x);
void gp_http_set_status(gp_http_exchange *x, int status);
/* Borrowed static string, e.g. "application/geo+json; charset=utf-8". */
void gp_http_set_type(gp_http_exchange *x, const char *content_type);
/* Adds a header (copied) to a successful response; GP_TOO_LARGE when full. */
int gp_http_add_header(gp_http_exchange *x, const char *name, const char *value);
/* Adds a header that also goes out with an error (Retry-After, WWW-Authenticate). */
int gp_http_add_header_always(gp_http_exchange *x, const char *name, const char *value);
/* Marks the response as personal: Cache-Control: no-store, also on errors. */
void gp_http_set_private(gp_http_exchange *x);
/*
 * Makes the response an HTML page (GP_PAGE_TYPE) with the headers the web
 * page's files carry: its Content-Security-Policy and the framing that
 * frame_ancestors allows.  Problems answered instead stay JSON and unframed.
 */
void gp_http_set_page(gp_http_exchange *x);

/*
 * Answers with the web root's page `file` (a name at the top of web_root,
 * e.g. "index.html") as static files are served — hashed names, inline
 * style sheets, "no-cache", ETag and 304 — with each <!--part:NAME--> of
 * it replaced by the text given for NAME in parts (ended by a NULL name;
 * a part not given becomes nothing).  GP_NOT_FOUND naming nothing when
 * there is no web root or no such page.  Borrows parts.
 */
typedef struct gp_http_page_part {
	const char *name;
	const char *text;
} gp_http_page_part;
int gp_http_serve_web_page(gp_http_exchange *x, const char *file, const gp_http_page_part *parts,
                           gp_err *err);

/*
 * Streaming: the first call sends the status and headers with chunked
 * transfer encoding; every call sends what gp_http_out() holds as one chunk
 * and empties it.  After a stream started, a handler error can only cut
 * the connection.  Returns 0 or GP_EIO when the client went away.
 */
int gp_http_stream_flush(gp_http_exchange *x);

/*
 * An answer that waits for things to happen (a text/event-stream): the
 * handler checks the request with its worker, sets any headers, and
 * returns what this returns.  Then, after the worker went back to the
 * pool, `wait` runs on the connection's thread with no worker
 * (gp_http_worker() is NULL there) and sends with gp_http_events_send()
 * until it returns; the connection closes after it.  It holds one of
 * live_streams_max slots: GP_UNAVAILABLE (503, Retry-After) when none is
 * free.  arg is the caller's, handed to free_arg (may be NULL) after wait
 * returned, or at once when this refuses or the handler fails after it.
 * Such a thread is never ended by the reaper and has no deadline but
 * request_timeout_ms for each send (see threads.c).
 */
typedef void (*gp_http_wait_fn)(gp_http_exchange *x, void *arg);
int gp_http_answer_events(gp_http_exchange *x, gp_http_wait_fn wait, void *arg,
                          void (*free_arg)(void *));
/*
 * Sends what gp_http_out() holds and empties it; the first call sends the
 * status and headers of a text/event-stream that proxies do not buffer.
 * 0, or GP_EIO when the client went away or took nothing for
 * request_timeout_ms.  Only inside a gp_http_wait_fn; the exchange keeps
 * owning its buffer.
 */
int gp_http_events_send(gp_http_exchange *x);

/*
 * Answers with `tmpl`, a document whose {{NAME}} placeholders each stand
 * for one JSON value, as `type`: SERVER is filled here (this server's
 * base URL — public_url, else http:// + Host — followed by base_path),
 * every other name by put, which returns GP_NOT_FOUND for a name it does
 * not know (a fault: the answer is a 500 and a log line, never a template
 * with a hole).  tmpl, type and base_path are borrowed.
 */
int gp_http_answer_template(gp_http_exchange *x, const char *tmpl, const char *type,
                            const char *base_path, gp_buf_fill_fn put, void *ctx);

#define GP_JSON_TYPE "application/json; charset=utf-8"
#define GP_GEOJSON_TYPE "application/geo+json; charset=utf-8"
#define GP_PROBLEM_TYPE "application/problem+json; charset=utf-8"
#define GP_PAGE_TYPE "text/html; charset=utf-8"
#define GP_CSV_TYPE "text/csv; charset=utf-8; header=present"
#define GP_OPENAPI_TYPE "application/vnd.oai.openapi+json;version=3.0"

#endif
