/*
 * server.c — civetweb set-up and request dispatch.
 *
 * civetweb is told to do as little as possible on its own: no document root
 * (static files go through static.c), so no directory listing and no CGI;
 * the automatic CORS answers are switched off by empty allow values; every
 * request with a path, whatever its method, reaches dispatch().  The two
 * forms civetweb parses but never routes — OPTIONS * and an absolute-form
 * target naming another port — are answered from its connection_close
 * callback (exchange.c); its own errors from its http_error callback
 * (problem.c).
 *
 * dispatch() runs on the civetweb thread that holds the connection: it
 * parses the target, finds the route and reads the body there, and only
 * then borrows a database worker from the pool (pool.c) and runs the
 * handler on that worker's stack; the worker goes back before the answer
 * is written.  Static files and refusals never take a worker.  Per-thread
 * state (connection counts, deadlines, keep-alive shedding) is threads.c's.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"
#include "util/metrics.h"

typedef struct captures {
	const char *names[MAX_ARGS]; /* inside the pattern's braces, not terminated */
	size_t name_lens[MAX_ARGS];
	const char *values[MAX_ARGS];
	size_t n;
} captures;

/* Matches a route pattern against the decoded segments, filling captures. */
static int match(const gp_http_exchange *x, const char *pattern, captures *c)
{
	const char *p = pattern + 1;
	size_t i = 0;

	c->n = 0;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (i >= x->nsegments)
			return 0;
		if (n > 2 && p[0] == '{' && p[n - 1] == '}') {
			if (c->n == MAX_ARGS || !x->segments[i][0])
				return 0;
			c->names[c->n] = p + 1;
			c->name_lens[c->n] = n - 2;
			c->values[c->n] = x->segments[i];
			c->n++;
		} else if (strlen(x->segments[i]) != n || strncmp(p, x->segments[i], n) != 0) {
			return 0;
		}
		i++;
		p = slash ? slash + 1 : p + n;
	}
	/* A pattern ending in '/' is a folder ("/report/"): the path's last segment is empty. */
	if (p > pattern + 1 && p[-1] == '/') {
		if (i + 1 != x->nsegments || x->segments[i][0])
			return 0;
		i++;
	}
	return i == x->nsegments;
}

static void log_access(const gp_http_exchange *x)
{
	double ms = (double)(gp_time_mono_us() - x->started_us) / 1000.0;

	gp_metric_request(x->status, ms);
	if (!x->srv->cfg->access_log)
		return;
	gp_log_info("%s %s %d %lldB %.1fms", x->ri->request_method,
	            x->path ? x->path : "-", x->status, x->bytes_sent, ms);
}

static void allow_header(gp_http_exchange *x, const char *const *methods, size_t n)
{
	char allow[128] = "";
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(allow + len, sizeof(allow) - len, "%s%s",
		                        i ? ", " : "", methods[i]);
	gp_http_add_header_always(x, "Allow", allow);
}

/*
 * CORS only for configured origins: their requests get the matching
 * Access-Control-Allow-Origin; everyone else gets no CORS header at all,
 * so browsers keep other sites out.  Returns 1 for an allowed origin.
 */
static int cors(gp_http_exchange *x)
{
	const char *origin = mg_get_header(x->conn, "Origin");

	if (!x->srv->cfg->cors_origins[0])
		return 0;
	gp_http_add_header_always(x, "Vary", "Origin");
	if (!origin || !gp_config_list_has(x->srv->cfg->cors_origins, origin))
		return 0;
	gp_http_add_header_always(x, "Access-Control-Allow-Origin", origin);
	return 1;
}

typedef struct dispatch_call {
	struct mg_connection *conn;
	gp_http_server *srv;
	http_thread *t;
	int status;
} dispatch_call;

typedef struct handler_call {
	gp_http_exchange *x;
	const gp_http_route *route;
	gp_err *err;
	int rc;
} handler_call;

static void call_handler(void *arg)
{
	handler_call *c = arg;

	c->rc = c->route->handler(c->x, c->err);
}

/*
 * Runs the route's handler with a database worker borrowed for just that
 * long, on the worker's stack (gp_http_worker() finds it through the
 * thread).
 */
static int run_handler(gp_http_exchange *x, http_thread *t, const gp_http_route *r,
                       gp_err *err)
{
	handler_call c = { x, r, err, 0 };
	http_slot *slot;
	int rc;

	if (!t)
		return gp_err_set(err, GP_UNAVAILABLE, "", "the server cannot run this request");
	if ((rc = gp_http_pool_take(x->srv->pool, &slot)) == GP_BUSY)
		return gp_err_set(err, GP_BUSY, "",
		                  "the server is busy: no database connection came free in time");
	if (rc)
		return gp_err_set(err, GP_UNAVAILABLE, "", "the server cannot reach its database");
	t->worker = slot->worker;
	if (gp_http_stack_run(slot->stack, call_handler, &c))
		c.rc = GP_EFAULT;
	t->worker = NULL;
	gp_http_pool_give(x->srv->pool, slot);
	if (c.rc == 0 && x->events_wait) {
		/* an event stream waits here, holding its thread but no worker */
		x->events_wait(x, x->events_arg);
		if (x->streaming && !x->is_head && !x->close_delimited)
			mg_send_chunk(x->conn, "", 0);
		mg_disable_connection_keep_alive(x->conn);
		c.rc = HTTP_ANSWERED;
	}
	if (c.rc == GP_BUSY && x->stream_refused)
		gp_err_set(err, GP_BUSY, "",
		           "%d downloads are being streamed already; try again shortly",
		           x->srv->cfg->exports_max);
	return c.rc;
}

static void handle(dispatch_call *call)
{
	struct mg_connection *conn = call->conn;
	gp_http_server *srv = call->srv;
	gp_http_exchange x;
	const gp_http_route *found = NULL;
	const char *methods[16];
	size_t nmethods = 0;
	const char *method;
	gp_err err;
	int rc, allowed_origin;

	memset(&x, 0, sizeof(x));
	gp_err_clear(&err);
	x.conn = conn;
	x.srv = srv;
	x.ri = mg_get_request_info(conn);
	x.started_ms = gp_time_mono_ms();
	x.started_us = gp_time_mono_us();
	gp_http_buf_take(&x.out, 64u << 20);
	method = x.ri->request_method;
	x.is_head = strcmp(method, "HEAD") == 0;

	if (gp_http_thread_refused(call->t)) {
		gp_http_add_header_always(&x, "Retry-After", "1");
		rc = gp_err_set(&err, GP_TOO_MANY, "",
		                "too many connections from this client at once; close some and try again");
		goto answer;
	}
	allowed_origin = cors(&x);
	if ((rc = gp_http_check_head(&x, &err)) || (rc = gp_http_parse_target(&x, &err)) ||
	    (rc = gp_http_check_expect(&x, &err)))
		goto answer;
	for (size_t t = 0; srv->tables[t]; t++) {
		for (const gp_http_route *r = srv->tables[t]; r->method; r++) {
			captures c;
			if (!match(&x, r->pattern, &c))
				continue;
			if (nmethods < 15) {
				int seen = 0;
				for (size_t k = 0; k < nmethods; k++)
					seen |= !strcmp(methods[k], r->method);
				if (!seen)
					methods[nmethods++] = r->method;
				if (!seen && !strcmp(r->method, "GET"))
					methods[nmethods++] = "HEAD";
			}
			/*
			 * Of two routes for one path, the one with fewer
			 * captures wins ("/api/points/nearby" over
			 * "/api/points/{id}"), whatever the table order; among
			 * equally specific routes the first listed.
			 */
			if ((strcmp(r->method, method) == 0 ||
			     (x.is_head && strcmp(r->method, "GET") == 0)) &&
			    (!found || c.n < x.nargs)) {
				found = r;
				x.nargs = c.n;
				memcpy(x.arg_names, c.names, sizeof(x.arg_names));
				memcpy(x.arg_name_lens, c.name_lens, sizeof(x.arg_name_lens));
				memcpy(x.arg_values, c.values, sizeof(x.arg_values));
			}
		}
	}
	if (!found && nmethods) {
		if (!strcmp(method, "OPTIONS")) {
			methods[nmethods++] = "OPTIONS";
			allow_header(&x, methods, nmethods);
			if (allowed_origin && mg_get_header(conn, "Access-Control-Request-Method")) {
				char list[128] = "";
				size_t len = 0;
				for (size_t i = 0; i < nmethods; i++)
					len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					                        i ? ", " : "", methods[i]);
				gp_http_add_header_always(&x, "Access-Control-Allow-Methods", list);
				gp_http_add_header_always(&x, "Access-Control-Allow-Headers",
				                          "Authorization, Content-Type");
				gp_http_add_header_always(&x, "Access-Control-Max-Age", "600");
			}
			x.status = 204;
			gp_http_send(&x);
			goto done;
		}
		allow_header(&x, methods, nmethods);
		rc = gp_err_set(&err, GP_METHOD_NOT_ALLOWED, "", "%s is not allowed here", method);
		goto answer;
	}
	if (!found) {
		if (strcmp(method, "GET") && !x.is_head) {
			rc = gp_err_set(&err, x.nsegments && !strcmp(x.segments[0], "api")
			                          ? GP_NOT_FOUND : GP_METHOD_NOT_ALLOWED,
			                "", "no such resource for %s", method);
			if (rc == GP_METHOD_NOT_ALLOWED)
				gp_http_add_header_always(&x, "Allow", "GET, HEAD");
			goto answer;
		}
		if (x.nsegments && (!strcmp(x.segments[0], "api") || !strcmp(x.segments[0], "ogc"))) {
			rc = gp_err_set(&err, GP_NOT_FOUND, "", "no such resource");
			goto answer;
		}
		/*
		 * The parameters pages take, read by the page's script: ?lang=en,
		 * a point to open (?point=ID, the link of a point) and a walk or
		 * workshop (?event=ID: its entry page, its live room).
		 */
		for (size_t i = 0; i < x.nparams; i++) {
			if (strcmp(x.params[i].name, "lang") == 0 ||
			    strcmp(x.params[i].name, "point") == 0 ||
			    strcmp(x.params[i].name, "event") == 0)
				continue;
			rc = gp_err_set(&err, GP_BAD_REQUEST, x.params[i].name,
			                "static files take no query parameters but lang, point and event");
			goto answer;
		}
		rc = gp_http_serve_static(&x, &err);
		goto answer;
	}
	x.route = found;
	if ((rc = gp_http_check_params(&x, found, &err)))
		goto answer;
	if (found->body != GP_HTTP_NO_BODY && (rc = gp_http_read_body(&x, &err)))
		goto answer;
	rc = run_handler(&x, call->t, found, &err);
answer:
	if (rc == HTTP_ANSWERED) {
		/* already sent */
	} else if (rc) {
		if (rc < 0)
			gp_log_error("%s %s failed: %s", method, x.path ? x.path : "-",
			             gp_result_name(rc));
		/* what a successful answer would have carried does not apply */
		x.headers_len = 0;
		x.headers[0] = '\0';
		if (x.streaming)
			/*
			 * Too late for a status.  Ending the stream without its last
			 * chunk and closing makes clients report a broken download
			 * instead of keeping a short file that looks whole.
			 */
			mg_disable_connection_keep_alive(conn);
		else
			gp_http_send_problem(&x, rc, &err);
	} else {
		gp_http_send(&x);
	}
done:
	gp_http_stream_close(&x);
	gp_http_live_close(&x);
	if (x.events_free)
		x.events_free(x.events_arg);
	log_access(&x);
	gp_http_exchange_clear(&x);
	call->status = x.status ? x.status : 200;
}

static int dispatch(struct mg_connection *conn, void *cbdata)
{
	dispatch_call call = { conn, cbdata, mg_get_thread_pointer(conn), 500 };

	gp_http_thread_busy(call.t, conn);
	handle(&call);
	gp_http_thread_idle(call.t);
	return call.status;
}

/* civetweb's worker threads (type 1) get their state; its others need none. */
static void *init_thread(const struct mg_context *ctx, int thread_type)
{
	gp_http_server *srv = mg_get_user_data(ctx);
	http_thread *t;

	if (thread_type != 1)
		return NULL;
	if (!(t = gp_http_thread_new(srv)))
		gp_log_error("cannot keep track of a server thread");
	return t;
}

static void exit_thread(const struct mg_context *ctx, int thread_type, void *ptr)
{
	(void)ctx;
	if (thread_type == 1)
		gp_http_thread_free(ptr);
}

/*
 * civetweb's own messages may name the client ("… from 192.0.2.7"); no
 * address may reach a log, so anything that looks like one is masked.
 */
static void scrub_addresses(char *s)
{
	for (char *p = s; *p; p++) {
		size_t n = strspn(p, "0123456789.:abcdefABCDEF[]");
		int dots = 0, colons = 0, digits = 0;
		for (size_t i = 0; i < n; i++) {
			dots += p[i] == '.';
			colons += p[i] == ':';
			digits += p[i] >= '0' && p[i] <= '9';
		}
		if (digits && (dots >= 3 || colons >= 2)) {
			memset(p, 'x', n);
			p += n - 1;
		} else if (n) {
			p += n - 1;
		}
	}
}

static int init_connection(const struct mg_connection *conn, void **conn_data)
{
	gp_http_head_begins(1);
	return gp_http_conn_opened(conn, conn_data);
}

static void connection_close(const struct mg_connection *conn)
{
	/* civetweb passes its connection as const even though it may still write */
	gp_http_answer_unrouted((struct mg_connection *)conn,
	                        mg_get_user_data(mg_get_context(conn)));
	gp_http_conn_closed(conn);
}

static int log_message(const struct mg_connection *conn, const char *message)
{
	char copy[512];

	(void)conn;
	gp_strlcpy(copy, message, sizeof(copy));
	scrub_addresses(copy);
	gp_log_warn("civetweb: %s", copy);
	return 1;
}

int gp_http_server_start(gp_http_server **out, const gp_config *cfg,
                         const gp_http_route *const *tables,
                         const gp_http_hooks *hooks, gp_err *err)
{
	struct mg_callbacks cb;
	struct mg_server_port ports[4];
	gp_http_server *srv;
	char threads[16], timeout[16], keepalive[16], head_buffer[16];
	int timeout_ms, n, rc;

	*out = NULL;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return GP_ENOMEM;
	srv->cfg = cfg;
	srv->tables = tables;
	srv->hooks = *hooks;
	if (!realpath(cfg->web_root, srv->web_root)) {
		gp_log_warn("web root %s not found; only the API is served", cfg->web_root);
		srv->web_root[0] = '\0';
	}
	if ((rc = gp_http_pool_new(&srv->pool, srv)) || (rc = gp_http_threads_start(srv))) {
		gp_http_pool_free(srv->pool);
		free(srv);
		return rc;
	}
	timeout_ms = gp_http_socket_timeout_ms(cfg);
	snprintf(threads, sizeof(threads), "%d", cfg->threads);
	snprintf(timeout, sizeof(timeout), "%d", timeout_ms);
	snprintf(keepalive, sizeof(keepalive), "%d", cfg->keep_alive_ms);
	snprintf(head_buffer, sizeof(head_buffer), "%d", HEAD_BUFFER);
	const char *options[] = {
		"listening_ports", cfg->listen,
		"num_threads", threads,
		"request_timeout_ms", timeout,
		"keep_alive_timeout_ms", keepalive,
		"enable_keep_alive", cfg->keep_alive_ms > 0 ? "yes" : "no",
		"enable_directory_listing", "no",
		/* The page's files change with every deployment and carry ETags:
		 * revalidate each time (one Cache-Control, civetweb's only). */
		"static_file_cache_control", "no-cache",
		"cgi_pattern", "",
		"ssi_pattern", "",
		"access_control_allow_origin", "",
		"access_control_allow_methods", "",
		"access_control_allow_headers", "",
		"decode_url", "no",
		/* absolute-form targets (RFC 9112 3.2.2) naming this port are served */
		"enable_auth_domain_check", "no",
		"tcp_nodelay", "1",
		/*
		 * Connections wait here while every thread holds one; with threads
		 * in the hundreds and idle keep-alives ended first, rarely long.
		 */
		"listen_backlog", "1024",
		"connection_queue", "256",
		/* room for heads over HEAD_MAX, so that they get 431 (exchange.c) */
		"max_request_size", head_buffer,
		NULL
	};
	memset(&cb, 0, sizeof(cb));
	cb.init_thread = init_thread;
	cb.exit_thread = exit_thread;
	cb.init_connection = init_connection;
	cb.connection_close = connection_close;
	cb.http_error = gp_http_conn_error;
	cb.log_message = log_message;
	srv->ctx = mg_start(&cb, srv, options);
	if (!srv->ctx) {
		gp_http_threads_stop(srv);
		gp_http_pool_free(srv->pool);
		free(srv);
		return gp_err_set(err, GP_EIO, "listen",
		                  "cannot listen on %s (in use, or not a local address?)",
		                  cfg->listen);
	}
	mg_set_request_handler(srv->ctx, "/", dispatch, srv);
	n = mg_get_server_ports(srv->ctx, 4, ports);
	srv->port = n > 0 ? ports[0].port : 0;
	*out = srv;
	return 0;
}

int gp_http_server_port(const gp_http_server *s)
{
	return s->port;
}

void gp_http_server_stop(gp_http_server *s)
{
	if (!s)
		return;
	mg_stop(s->ctx);
	gp_http_threads_stop(s);
	gp_http_pool_free(s->pool);
	free(s);
}
