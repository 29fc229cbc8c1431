/*
 * threads.c — civetweb's threads and the connections they hold.
 *
 * civetweb gives every open connection a thread of its own, from accepting
 * it until closing it: while the client sends its request, while the
 * answer is made, and while a keep-alive connection idles between
 * requests.  So threads are many (the `threads` setting) and cheap while
 * they sleep; the scarce database workers are lent per request (pool.c).
 * This file keeps what civetweb does not:
 *
 * - Counts: connections held, threads busy answering (gauges in /metrics).
 * - A cap per client: a connection whose client (the keyed hash from
 *   guard/, through gp_http_hooks.conn_open) already holds
 *   conns_per_client connections is answered 429 and closed.  A
 *   connection is counted from its first complete request head on:
 *   civetweb tells no address before that (mg_get_request_info is NULL
 *   in its init_connection callback).
 * - Idle connections go first when threads run short: above three
 *   quarters of the threads held, answers no longer offer keep-alive;
 *   below an eighth of the threads free, the reaper thread ends the
 *   keep-alive connections idle longest, then connections whose first
 *   request head has been arriving longest (slow clients or slowloris; a
 *   real client sends its head in milliseconds), then bodies arriving
 *   longest (408 before their deadline), each only after WAITED_MS.
 * - Live event streams (/api/live) hold their thread for as long as the
 *   client listens, but no database worker (gp_http_answer_events runs
 *   their wait after the worker went back).  They are capped by
 *   live_streams_max (at most half the threads; more get 503), count as
 *   held connections like any other, and are never ended by the reaper:
 *   their thread stays busy (T_BUSY), not waiting for its client, and a
 *   stream ended would reconnect at once.  So the other half of the
 *   threads at least is left to everyone else, shed and reaped as before.
 *   No deadline of request bodies applies to them; a stream whose client
 *   stops reading ends when a send makes no progress for
 *   request_timeout_ms, and a client gone away is noticed at the next
 *   heartbeat (live_heartbeat_s).
 * - Wall-clock deadlines: civetweb bounds the request head by
 *   request_timeout_ms from when it began reading it, but a body read
 *   (mg_read) only returns when all the bytes asked for have come or the
 *   socket was silent for a whole request_timeout_ms, so a client
 *   trickling a byte a second would hold its thread for hours.
 *
 * The last two work through one signal, the wake signal (SIGRTMIN + 4,
 * which nothing else in the process uses), whose handler does nothing: it
 * only makes a blocking poll() return early.  civetweb's pull_inner treats
 * a failed poll as a receive error, so mg_read returns with what it has,
 * and read_message (waiting for a request head) gives up on the
 * connection.  Sends are not affected: push_inner retries after EINTR.
 *
 * When the wake signal may arrive: a civetweb thread lets it through while
 * civetweb's own code runs (reading a request head, idling on keep-alive,
 * waiting for a connection), and holds it back from dispatch() on, except
 * while a body is read under its deadline.  So it can interrupt only
 * civetweb's reads, never a call into SQLite, PROJ, the file system or a
 * log write.  A signal sent while it is held back stays pending and is
 * delivered when dispatch() ends and lets it through again: between two
 * calls, where it interrupts nothing.  The signals are sent to one thread
 * each: by a per-thread POSIX timer (SIGEV_THREAD_ID) for deadlines, which
 * repeats every TICK_MS until disarmed so that one arriving between two
 * polls is followed by another, and by pthread_kill() from the reaper,
 * only to a thread whose connection waits for its client (checked under
 * the lock that guards the thread's state).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_int.h"
#include "util/metrics.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#define WAKE_OFFSET 4       /* the wake signal is SIGRTMIN + 4 */
#define TICK_MS 50          /* a deadline's signal repeats this often */
#define REAP_EVERY_MS 100
/*
 * Only a connection that has waited this long for its client may be ended:
 * a client busy on its keep-alive connection sends its next request, and a
 * real client its head, well within it.
 */
#define WAITED_MS 1000
#define STREAM_PIECE 16384  /* a download's progress is checked per piece */

/*
 * A thread's state: without a connection, its first head arriving,
 * answering, reading a body (while answering), idle after an answer.
 */
enum { T_FREE, T_OPEN, T_BUSY, T_BODY, T_IDLE };
/* why the reaper ended a connection */
enum { REAPED_IDLE = 1, REAPED_SLOW_HEAD, REAPED_SLOW_BODY };

/* Which waiting connections the reaper ends first: lower first. */
static int reap_rank(int state)
{
	return state == T_IDLE ? 0 : state == T_OPEN ? 1 : 2;
}

struct http_threads {
	pthread_mutex_t mu;
	http_thread **all; /* every civetweb worker thread, by http_thread.index */
	size_t n, cap;
	http_thread **idle; /* scratch for the reaper */
	_Atomic int held;   /* connections held by threads */
	int busy;
	int exports;
	int live;           /* event streams open */
	pthread_t reaper;
	pthread_cond_t wake;
	int stop, reaper_running;
};

static int wake_signal(void)
{
	return SIGRTMIN + WAKE_OFFSET;
}

static void on_wake(int sig)
{
	(void)sig; /* interrupting the blocking call was the point */
}

static void wake_mask(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, wake_signal());
	pthread_sigmask(how, &set, NULL);
}

/* The thread's timer, made on first use; -1 when the system has none to give. */
static int timer_ready(http_thread *t)
{
	struct sigevent ev;

	if (t->has_timer)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = wake_signal();
	ev.sigev_notify_thread_id = t->tid;
	if (timer_create(CLOCK_MONOTONIC, &ev, &t->timer) != 0) {
		gp_log_warn("no timer for a server thread: deadlines are checked between reads only");
		return -1;
	}
	t->has_timer = 1;
	return 0;
}

/* Fires first in `in_ms` (at least 1 ms), then every TICK_MS; 0 disarms. */
static void timer_set(http_thread *t, int64_t in_ms, int disarm)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (!disarm) {
		if (in_ms < 1)
			in_ms = 1;
		its.it_value.tv_sec = in_ms / 1000;
		its.it_value.tv_nsec = (in_ms % 1000) * 1000000L;
		its.it_interval.tv_nsec = TICK_MS * 1000000L;
	}
	timer_settime(t->timer, 0, &its, NULL);
}

/*
 * Ends up to `want` connections that have waited for their client for
 * WAITED_MS or more: longest-idle keep-alive ones first, then those whose
 * first head is still arriving, then bodies still arriving (answered 408);
 * call with mu held.
 */
static void end_idle(http_threads *ts, int want)
{
	int64_t now = gp_time_mono_ms();
	size_t k = 0;

	for (size_t i = 0; i < ts->n; i++) {
		http_thread *t = ts->all[i];
		if (!t->reaped && (t->state == T_IDLE || t->state == T_OPEN || t->state == T_BODY) &&
		    now - t->idle_since_ms >= WAITED_MS)
			ts->idle[k++] = t;
	}
	/* a partial selection sort: want is small */
	for (size_t i = 0; i < k && (int)i < want; i++) {
		size_t first = i;
		for (size_t j = i + 1; j < k; j++) {
			const http_thread *a = ts->idle[j], *b = ts->idle[first];
			if (reap_rank(a->state) != reap_rank(b->state)
			        ? reap_rank(a->state) < reap_rank(b->state)
			        : a->idle_since_ms < b->idle_since_ms)
				first = j;
		}
		http_thread *t = ts->idle[first];
		ts->idle[first] = ts->idle[i];
		ts->idle[i] = t;
		t->reaped = t->state == T_IDLE   ? REAPED_IDLE
		            : t->state == T_OPEN ? REAPED_SLOW_HEAD
		                                 : REAPED_SLOW_BODY;
		pthread_kill(t->self, wake_signal());
		gp_metric_add(GP_METRIC_WAITING_ENDED, 1);
	}
}

static void *reap(void *arg)
{
	gp_http_server *srv = arg;
	http_threads *ts = srv->threads;
	int threads = srv->cfg->threads, low = threads / 8 > 2 ? threads / 8 : 2;

	pthread_mutex_lock(&ts->mu);
	while (!ts->stop) {
		struct timespec until;
		int free_threads;

		until = gp_time_mono_in(REAP_EVERY_MS);
		pthread_cond_timedwait(&ts->wake, &ts->mu, &until);
		free_threads = threads - ts->held;
		if (!ts->stop && free_threads < low)
			end_idle(ts, low - free_threads);
	}
	pthread_mutex_unlock(&ts->mu);
	return NULL;
}

int gp_http_threads_start(gp_http_server *srv)
{
	http_threads *ts = calloc(1, sizeof(*ts));
	struct sigaction sa;
	sigset_t all, old;

	if (!ts)
		return GP_ENOMEM;
	ts->cap = (size_t)srv->cfg->threads;
	ts->all = calloc(ts->cap, sizeof(*ts->all));
	ts->idle = calloc(ts->cap, sizeof(*ts->idle));
	if (!ts->all || !ts->idle) {
		free(ts->all);
		free(ts->idle);
		free(ts);
		return GP_ENOMEM;
	}
	pthread_mutex_init(&ts->mu, NULL);
	gp_cond_init_mono(&ts->wake);
	srv->threads = ts;
	/* No SA_RESTART: the point is that a blocking poll() returns. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;
	sigemptyset(&sa.sa_mask);
	sigaction(wake_signal(), &sa, NULL);
	gp_gauge_set(GP_GAUGE_THREADS, srv->cfg->threads);
	gp_gauge_set(GP_GAUGE_CONNECTIONS, 0);
	gp_gauge_set(GP_GAUGE_THREADS_BUSY, 0);
	gp_gauge_set(GP_GAUGE_EXPORTS, 0);
	gp_gauge_set(GP_GAUGE_LIVE_STREAMS, 0);
	/* The reaper takes no signal of anyone's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ts->reaper_running = pthread_create(&ts->reaper, NULL, reap, srv) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ts->reaper_running)
		gp_log_warn("no keep-alive reaper: idle connections end at keep_alive_ms only");
	return 0;
}

void gp_http_threads_stop(gp_http_server *srv)
{
	http_threads *ts = srv->threads;

	if (!ts)
		return;
	if (ts->reaper_running) {
		pthread_mutex_lock(&ts->mu);
		ts->stop = 1;
		pthread_cond_signal(&ts->wake);
		pthread_mutex_unlock(&ts->mu);
		pthread_join(ts->reaper, NULL);
	}
	pthread_cond_destroy(&ts->wake);
	pthread_mutex_destroy(&ts->mu);
	free(ts->all);
	free(ts->idle);
	free(ts);
	srv->threads = NULL;
}

http_thread *gp_http_thread_new(gp_http_server *srv)
{
	http_threads *ts = srv->threads;
	http_thread *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->srv = srv;
	t->self = pthread_self();
	t->tid = gettid();
	t->state = T_FREE;
	pthread_mutex_lock(&ts->mu);
	if (ts->n == ts->cap) {
		pthread_mutex_unlock(&ts->mu);
		free(t);
		return NULL;
	}
	t->index = ts->n;
	ts->all[ts->n++] = t;
	pthread_mutex_unlock(&ts->mu);
	wake_mask(SIG_UNBLOCK);
	return t;
}

void gp_http_thread_free(http_thread *t)
{
	http_threads *ts;

	if (!t)
		return;
	ts = t->srv->threads;
	wake_mask(SIG_BLOCK);
	pthread_mutex_lock(&ts->mu);
	ts->all[t->index] = ts->all[--ts->n];
	ts->all[t->index]->index = t->index;
	pthread_mutex_unlock(&ts->mu);
	if (t->has_timer)
		timer_delete(t->timer);
	free(t);
}

int gp_http_conn_opened(const struct mg_connection *conn, void **data)
{
	http_thread *t = mg_get_thread_pointer(conn);
	http_threads *ts;

	*data = NULL;
	if (!t)
		return 0;
	ts = t->srv->threads;
	pthread_mutex_lock(&ts->mu);
	t->state = T_OPEN;
	t->idle_since_ms = gp_time_mono_ms();
	t->refused = t->reaped = 0;
	t->client_key = 0;
	t->counted = 0;
	ts->held++;
	gp_gauge_set(GP_GAUGE_CONNECTIONS, ts->held);
	pthread_mutex_unlock(&ts->mu);
	return 0;
}

void gp_http_conn_closed(const struct mg_connection *conn)
{
	http_thread *t = mg_get_thread_pointer(conn);
	gp_http_server *srv;
	http_threads *ts;

	if (!t)
		return;
	srv = t->srv;
	ts = srv->threads;
	if (t->has_timer)
		timer_set(t, 0, 1);
	if (t->client_key && srv->hooks.conn_close)
		srv->hooks.conn_close(srv->hooks.ctx, t->client_key);
	pthread_mutex_lock(&ts->mu);
	t->state = T_FREE;
	t->refused = t->reaped = 0;
	t->client_key = 0;
	ts->held--;
	gp_gauge_set(GP_GAUGE_CONNECTIONS, ts->held);
	pthread_mutex_unlock(&ts->mu);
}

int gp_http_conn_error(struct mg_connection *conn, int status, const char *msg)
{
	http_thread *t = mg_get_thread_pointer(conn);
	int waiting = 0, reaped = 0;

	if (t) {
		pthread_mutex_lock(&t->srv->threads->mu);
		waiting = t->state == T_OPEN || t->state == T_IDLE;
		reaped = t->reaped;
		pthread_mutex_unlock(&t->srv->threads->mu);
	}
	/* a head cut short by the reaper was not garbled by the client */
	if (waiting && status == 400 && reaped == REAPED_SLOW_HEAD) {
		status = 408;
		msg = "the request line and headers did not arrive in time while the server was "
		      "short of threads";
	} else if (waiting && status == 400 && reaped == REAPED_IDLE) {
		/*
		 * An idle keep-alive connection may be closed at any time (RFC 9112
		 * 9.6): a request that was just arriving on it is answered by
		 * closing without a word, which clients take as the cue to send it
		 * again on a new connection; an error status they would not retry.
		 */
		return 0;
	}
	return gp_http_civetweb_error(conn, status, msg);
}

void gp_http_thread_busy(http_thread *t, struct mg_connection *conn)
{
	gp_http_server *srv;
	http_threads *ts;
	const struct mg_request_info *ri;
	uint64_t key = 0;

	if (!t)
		return;
	srv = t->srv;
	ts = srv->threads;
	wake_mask(SIG_BLOCK);
	pthread_mutex_lock(&ts->mu);
	t->state = T_BUSY;
	t->reaped = 0;
	ts->busy++;
	gp_gauge_set(GP_GAUGE_THREADS_BUSY, ts->busy);
	pthread_mutex_unlock(&ts->mu);
	/* the connection's first request: now its address is known */
	if (!t->counted && srv->hooks.conn_open && (ri = mg_get_request_info(conn))) {
		t->counted = 1;
		if (srv->hooks.conn_open(srv->hooks.ctx, ri->remote_addr, &key) == GP_TOO_MANY) {
			t->refused = 1;
			gp_metric_add(GP_METRIC_CONNS_REFUSED, 1);
		}
		t->client_key = key;
	}
}

void gp_http_thread_idle(http_thread *t)
{
	http_threads *ts;

	if (!t)
		return;
	ts = t->srv->threads;
	pthread_mutex_lock(&ts->mu);
	t->state = T_IDLE;
	t->idle_since_ms = gp_time_mono_ms();
	ts->busy--;
	gp_gauge_set(GP_GAUGE_THREADS_BUSY, ts->busy);
	pthread_mutex_unlock(&ts->mu);
	/* a signal held back in the meantime is delivered here, interrupting nothing */
	wake_mask(SIG_UNBLOCK);
}

int gp_http_thread_refused(const http_thread *t)
{
	return t && t->refused;
}

int gp_http_may_keep_alive(const gp_http_exchange *x)
{
	const http_thread *t = mg_get_thread_pointer(x->conn);
	const http_threads *ts = x->srv->threads;

	if (t && t->refused)
		return 0;
	return !ts || (int64_t)ts->held * 4 < (int64_t)x->srv->cfg->threads * 3;
}

/* The state of a busy thread while it reads a body: the reaper may end it. */
static void set_body_state(http_thread *t, int reading)
{
	http_threads *ts = t->srv->threads;

	pthread_mutex_lock(&ts->mu);
	t->state = reading ? T_BODY : T_BUSY;
	t->idle_since_ms = gp_time_mono_ms();
	pthread_mutex_unlock(&ts->mu);
}

void gp_http_deadline_arm(gp_http_exchange *x, int64_t deadline_ms)
{
	http_thread *t = mg_get_thread_pointer(x->conn);

	if (!t || timer_ready(t))
		return;
	set_body_state(t, 1);
	timer_set(t, deadline_ms - gp_time_mono_ms(), 0);
	wake_mask(SIG_UNBLOCK);
}

int gp_http_deadline_passed(gp_http_exchange *x, int64_t deadline_ms)
{
	const http_thread *t = mg_get_thread_pointer(x->conn);

	return gp_time_mono_ms() > deadline_ms || (t && t->reaped == REAPED_SLOW_BODY);
}

void gp_http_deadline_disarm(gp_http_exchange *x)
{
	http_thread *t = mg_get_thread_pointer(x->conn);

	if (!t || !t->has_timer)
		return;
	/* held back first, so a signal already on its way cannot hit the next call */
	wake_mask(SIG_BLOCK);
	timer_set(t, 0, 1);
	set_body_state(t, 0);
}

int gp_http_stream_open(gp_http_exchange *x)
{
	http_threads *ts = x->srv->threads;
	int ok;

	if (x->stream_slot)
		return 0;
	pthread_mutex_lock(&ts->mu);
	ok = ts->exports < x->srv->cfg->exports_max;
	if (ok)
		ts->exports++;
	gp_gauge_set(GP_GAUGE_EXPORTS, ts->exports);
	pthread_mutex_unlock(&ts->mu);
	if (!ok) {
		x->stream_refused = 1;
		gp_metric_add(GP_METRIC_EXPORTS_REFUSED, 1);
		return GP_BUSY;
	}
	x->stream_slot = 1;
	x->stream_started_ms = gp_time_mono_ms();
	return 0;
}

void gp_http_stream_close(gp_http_exchange *x)
{
	http_threads *ts = x->srv->threads;

	if (!x->stream_slot)
		return;
	pthread_mutex_lock(&ts->mu);
	ts->exports--;
	gp_gauge_set(GP_GAUGE_EXPORTS, ts->exports);
	pthread_mutex_unlock(&ts->mu);
	x->stream_slot = 0;
}

int gp_http_live_open(gp_http_exchange *x)
{
	http_threads *ts = x->srv->threads;
	int ok;

	if (x->events_slot)
		return 0;
	pthread_mutex_lock(&ts->mu);
	ok = ts->live < x->srv->cfg->live_streams_max;
	if (ok)
		ts->live++;
	gp_gauge_set(GP_GAUGE_LIVE_STREAMS, ts->live);
	pthread_mutex_unlock(&ts->mu);
	if (!ok) {
		gp_metric_add(GP_METRIC_LIVE_REFUSED, 1);
		return GP_UNAVAILABLE;
	}
	x->events_slot = 1;
	return 0;
}

void gp_http_live_close(gp_http_exchange *x)
{
	http_threads *ts = x->srv->threads;

	if (!x->events_slot)
		return;
	pthread_mutex_lock(&ts->mu);
	ts->live--;
	gp_gauge_set(GP_GAUGE_LIVE_STREAMS, ts->live);
	pthread_mutex_unlock(&ts->mu);
	x->events_slot = 0;
}

/*
 * A download holds a database worker while it streams, so a client reading
 * it at a trickle must not keep it for hours: after a grace of
 * request_timeout_ms it must have taken export_min_kib_per_s on average.
 * Checked before each piece of STREAM_PIECE bytes; within a piece,
 * civetweb gives up when the socket takes nothing for request_timeout_ms.
 */
static int too_slow(const gp_http_exchange *x, long long sent)
{
	const gp_config *cfg = x->srv->cfg;
	int64_t allowed = cfg->request_timeout_ms +
	                  sent * 1000 / ((int64_t)cfg->export_min_kib_per_s * 1024);

	return gp_time_mono_ms() - x->stream_started_ms > allowed;
}

/*
 * One piece of a download (a chunk, or plain bytes of a stream an HTTP/1.0
 * client reads until the connection ends), written piece by piece while the
 * client keeps up.
 */
static int send_chunk(gp_http_exchange *x, const char *data, size_t len)
{
	char head[24];
	int n = snprintf(head, sizeof(head), "%zx\r\n", len);

	/* civetweb's mg_write gives up when the socket takes nothing for request_timeout_ms */
	if (!x->close_delimited && mg_write(x->conn, head, (size_t)n) != n)
		return GP_EIO;
	for (size_t off = 0; off < len;) {
		size_t piece = len - off < STREAM_PIECE ? len - off : STREAM_PIECE;
		if (too_slow(x, x->bytes_sent + (long long)off)) {
			gp_log_info("%s cut after %lld bytes in %lld ms: the client reads slower than "
			            "export_min_kib_per_s",
			            x->path ? x->path : "-", x->bytes_sent + (long long)off,
			            (long long)(gp_time_mono_ms() - x->stream_started_ms));
			return GP_EIO;
		}
		if (mg_write(x->conn, data + off, piece) != (int)piece)
			return GP_EIO;
		off += piece;
	}
	return x->close_delimited || mg_write(x->conn, "\r\n", 2) == 2 ? 0 : GP_EIO;
}

int gp_http_stream_send(gp_http_exchange *x, const char *data, size_t len)
{
	int rc = send_chunk(x, data, len);

	if (rc)
		gp_metric_add(GP_METRIC_EXPORTS_CUT, 1);
	return rc;
}
