/*
 * http_int.h — what the files of http/ share and nobody else may see.
 */
#ifndef GP_HTTP_INT_H
#define GP_HTTP_INT_H

#include <civetweb.h>
#include <pthread.h>
#include <sys/types.h>
#include <time.h>

#include "http.h"

#define MAX_PARAMS 32
#define MAX_ARGS 4
#define MAX_SEGMENTS 16
#define HEADER_SPACE 2048
/*
 * Request head limits (exchange.c, gp_http_check_head): the target (path
 * and query) at most TARGET_MAX bytes (else 414), a header line at most
 * FIELD_MAX and the whole head at most HEAD_MAX (else 431).  civetweb reads
 * a head into a buffer of HEAD_BUFFER bytes (its max_request_size), twice
 * HEAD_MAX so that heads over the limit still reach those checks; a head
 * that overflows even that buffer is refused by civetweb itself with the
 * same words as a head holding a control character (problem.c: 400).
 */
#define TARGET_MAX 8192
#define FIELD_MAX 8192
#define HEAD_MAX 16384
#define HEAD_BUFFER (2 * HEAD_MAX)
/* Returned by helpers that already sent the whole response themselves. */
#define HTTP_ANSWERED (-1000)

typedef struct http_param {
	char *name;
	char *value;
} http_param;

typedef struct http_pool http_pool;
typedef struct http_threads http_threads;

struct gp_http_server {
	struct mg_context *ctx;
	const gp_config *cfg;
	const gp_http_route *const *tables;
	gp_http_hooks hooks;
	char web_root[4096]; /* realpath of cfg->web_root, or "" */
	int port;
	http_pool *pool;       /* pool.c: the database workers */
	http_threads *threads; /* threads.c: civetweb's threads and their connections */
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
	char style_src[256];         /* the page's inline style sheets ('sha256-…'), " "-led */
	int encoded;                 /* the body is gzip already (a precompressed file) */
	int64_t started_ms;
	int64_t started_us;
	long long bytes_sent;
	int stream_slot;         /* holds one of the exports_max download slots */
	int stream_refused;      /* the stream was refused for want of a slot */
	int64_t stream_started_ms;
	/* an event stream (gp_http_answer_events) */
	gp_http_wait_fn events_wait;
	void *events_arg;
	void (*events_free)(void *);
	int events_slot;         /* holds one of the live_streams_max slots */
};

/* stack.c: a large stack per database worker (see there why). */
typedef struct gp_http_stack gp_http_stack;
int gp_http_stack_new(gp_http_stack **out);
void gp_http_stack_free(gp_http_stack *s);
/* Runs fn(arg) on s and returns when it has; without s, runs it directly. */
int gp_http_stack_run(gp_http_stack *s, void (*fn)(void *), void *arg);

/* pool.c: database workers, each on its own stack, lent per request. */
typedef struct http_slot {
	gp_http_stack *stack;
	void *worker;           /* from gp_http_hooks.worker_new; NULL if it failed */
	struct http_slot *next; /* in the free list */
} http_slot;

/* Makes room for cfg->db_connections workers, created when first needed. */
int gp_http_pool_new(http_pool **out, gp_http_server *srv);
/* Frees every worker; all must have been given back. NULL-safe. */
void gp_http_pool_free(http_pool *p);
/*
 * A worker for one handler, waiting at most db_wait_ms for one to come
 * free: GP_BUSY after that, GP_UNAVAILABLE when a new one cannot reach the
 * database.  Give it back with gp_http_pool_give().
 */
int gp_http_pool_take(http_pool *p, http_slot **out);
void gp_http_pool_give(http_pool *p, http_slot *s);

/* threads.c: what civetweb keeps as each of its threads' pointer. */
typedef struct http_thread http_thread;
struct http_thread {
	gp_http_server *srv;
	void *worker;    /* the database worker lent to the running handler, or NULL */
	/* the rest is threads.c's */
	pthread_t self;
	pid_t tid;
	timer_t timer;
	int has_timer;
	int state;          /* under http_threads.mu */
	int64_t idle_since_ms; /* since when it waits for its client */
	uint64_t client_key; /* from gp_http_hooks.conn_open */
	int counted;        /* the connection was shown to conn_open */
	int refused;        /* the connection is over its client's cap */
	_Atomic int reaped; /* its waiting connection is being ended (why: threads.c) */
	size_t index;       /* in http_threads.all */
};

/* Installs the wake signal and starts the keep-alive reaper; before mg_start. */
int gp_http_threads_start(gp_http_server *srv);
/* Stops the reaper; after mg_stop. NULL-safe. */
void gp_http_threads_stop(gp_http_server *srv);
/* civetweb callbacks, on civetweb's threads */
http_thread *gp_http_thread_new(gp_http_server *srv);
void gp_http_thread_free(http_thread *t);
int gp_http_conn_opened(const struct mg_connection *conn, void **data);
void gp_http_conn_closed(const struct mg_connection *conn);
int gp_http_conn_error(struct mg_connection *conn, int status, const char *msg);
/*
 * Around each request in dispatch(): the thread is busy (the wake signal
 * is held back), then idle on its connection again.  NULL-safe.
 */
void gp_http_thread_busy(http_thread *t, struct mg_connection *conn);
void gp_http_thread_idle(http_thread *t);
/* The connection is over its client's cap: answer 429 and close. */
int gp_http_thread_refused(const http_thread *t);
/* Whether this answer may keep its connection open: not when threads run short. */
int gp_http_may_keep_alive(const gp_http_exchange *x);
/*
 * A wall-clock deadline for blocking reads of this request (its body):
 * from arming until disarming, civetweb's reads return early once
 * deadline_ms (gp_time_mono_ms) has passed.
 */
void gp_http_deadline_arm(gp_http_exchange *x, int64_t deadline_ms);
void gp_http_deadline_disarm(gp_http_exchange *x);
/* Past deadline_ms, or ended early because threads ran short. */
int gp_http_deadline_passed(gp_http_exchange *x, int64_t deadline_ms);
/*
 * Streamed downloads: a slot of exports_max (GP_BUSY when none is free),
 * each piece sent as a chunk (plain for a close-delimited stream) under the
 * minimum rate (GP_EIO when the client went away or reads too slowly), and
 * the slot given back at the end (NULL-safe).
 */
int gp_http_stream_open(gp_http_exchange *x);
/* Event streams: a slot of live_streams_max (GP_UNAVAILABLE when none), given back (NULL-safe). */
int gp_http_live_open(gp_http_exchange *x);
void gp_http_live_close(gp_http_exchange *x);
int gp_http_stream_send(gp_http_exchange *x, const char *data, size_t len);
void gp_http_stream_close(gp_http_exchange *x);

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
/* The head's limits (see TARGET_MAX): 414 or 431 naming the part over them. */
int gp_http_check_head(gp_http_exchange *x, gp_err *err);
int gp_http_parse_target(gp_http_exchange *x, gp_err *err);
int gp_http_check_params(gp_http_exchange *x, const gp_http_route *r, gp_err *err);
void gp_http_send(gp_http_exchange *x);
void gp_http_exchange_clear(gp_http_exchange *x);
/*
 * A response buffer of at most max bytes, recycled from an earlier request
 * when one is kept (exchange.c); give it back with gp_http_buf_give(),
 * which keeps or frees it.
 */
void gp_http_buf_take(gp_buf *b, size_t max);
void gp_http_buf_give(gp_buf *b);
/*
 * Writes the header lines every response carries into b; for an HTML page
 * (page: the configuration) its Content-Security-Policy and the framing
 * of frame_ancestors, for anything else X-Frame-Options: DENY.
 */
void gp_http_put_common_headers(gp_buf *b, const gp_config *page, const char *style_src);
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
 * civetweb's request_timeout_ms: the request head must arrive within it
 * (counted from when a thread began reading it), and a read or a send that
 * makes no progress for that long fails.  Bodies have their own wall-clock
 * deadline (threads.c), so this need not be shorter; body.c tells a silent
 * chunked body from bad chunk framing by it, problem.c a head that timed
 * out from a garbled one.
 */
static inline int gp_http_socket_timeout_ms(const gp_config *cfg)
{
	return cfg->request_timeout_ms;
}

/*
 * body.c: reads the body under the route's rules, answering Expect:
 * 100-continue just before it does.
 */
int gp_http_read_body(gp_http_exchange *x, gp_err *err);
/* 417 for an Expect other than 100-continue (HTTP/1.1 only). */
int gp_http_check_expect(gp_http_exchange *x, gp_err *err);
/*
 * Whether the client announced a body, asked Expect: 100-continue and is
 * answered before it was read: it may never send it, so the connection
 * must close (civetweb does; the answer says so).
 */
int gp_http_body_withheld(const gp_http_exchange *x);

/*
 * static.c: serves GET/HEAD of files under the web root; HTML pages with
 * the hashed names of web_root/.assets (no-cache, ETag), hashed copies
 * immutable.  Returns 0 with the answer in x (pages, hashed copies),
 * HTTP_ANSWERED when civetweb sent the file, or a result code.
 */
int gp_http_serve_static(gp_http_exchange *x, gp_err *err);
/*
 * Appends the header lines of an HTML page (Content-Security-Policy and
 * the framing rule of frame_ancestors) to out; style_src (NULL or " "-led
 * sources) adds the hashes of the page's inline style sheets.
 */
void gp_http_page_headers(const gp_config *cfg, const char *style_src, gp_buf *out);

#endif
