/*
 * pool.c — the database workers, lent to one request at a time.
 *
 * A worker (made by gp_http_hooks.worker_new: a SQLite connection with its
 * SpatiaLite cache, PROJ and GEOS contexts, the district index) costs about
 * a megabyte and is what a request needs only while its handler runs.  A
 * connection costs a civetweb thread, which is cheap while it sleeps.  So
 * there are many threads and few workers: dispatch() borrows a worker after
 * the request is parsed and its body read, and gives it back as soon as the
 * handler returns, before the answer is written to the client.  A slow or
 * idle client therefore never holds one.
 *
 * Each worker has its own large stack (stack.c), on which its handlers run
 * and on which it was made and is freed: the stack's touched pages stay
 * with the few workers instead of with every thread.
 *
 * Workers are made when first needed, up to db_connections, and live until
 * the server stops.  One thread at a time uses a worker; the pool's mutex
 * hands it from thread to thread, which orders everything the previous
 * borrower did before the next one starts (SQLite connections are opened in
 * multi-thread mode, SQLITE_OPEN_NOMUTEX, which allows exactly this).
 */
#include <errno.h>
#include <stdlib.h>

#include "http_int.h"
#include "util/metrics.h"

struct http_pool {
	gp_http_server *srv;
	pthread_mutex_t mu;
	pthread_cond_t freed;
	http_slot *slots; /* all of them; the first `made` have been handed out */
	size_t n, made, busy;
	http_slot *free;  /* handed out before and given back, most recent first */
};

int gp_http_pool_new(http_pool **out, gp_http_server *srv)
{
	http_pool *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return GP_ENOMEM;
	p->srv = srv;
	p->n = (size_t)(srv->cfg->db_connections > 0 ? srv->cfg->db_connections : 1);
	if (!(p->slots = calloc(p->n, sizeof(*p->slots)))) {
		free(p);
		return GP_ENOMEM;
	}
	pthread_mutex_init(&p->mu, NULL);
	gp_cond_init_mono(&p->freed);
	gp_gauge_set(GP_GAUGE_DB_WORKERS, (int64_t)p->n);
	gp_gauge_set(GP_GAUGE_DB_WORKERS_BUSY, 0);
	*out = p;
	return 0;
}

typedef struct hook_call {
	gp_http_server *srv;
	http_slot *slot;
} hook_call;

static void make_worker(void *arg)
{
	hook_call *c = arg;

	c->slot->worker = c->srv->hooks.worker_new ? c->srv->hooks.worker_new(c->srv->hooks.ctx)
	                                           : NULL;
}

static void free_worker(void *arg)
{
	hook_call *c = arg;

	if (c->slot->worker && c->srv->hooks.worker_free)
		c->srv->hooks.worker_free(c->srv->hooks.ctx, c->slot->worker);
	c->slot->worker = NULL;
}

void gp_http_pool_free(http_pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->made; i++) {
		hook_call c = { p->srv, &p->slots[i] };
		gp_http_stack_run(p->slots[i].stack, free_worker, &c);
		gp_http_stack_free(p->slots[i].stack);
	}
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->mu);
	free(p->slots);
	free(p);
}

/* Gives the slot its worker when it has none (first use, or a failed start). */
static int ready(http_pool *p, http_slot *s)
{
	hook_call c = { p->srv, s };

	if (s->worker)
		return 0;
	if (!s->stack && gp_http_stack_new(&s->stack)) {
		gp_log_error("cannot allocate a stack for a database worker");
		return GP_UNAVAILABLE;
	}
	gp_http_stack_run(s->stack, make_worker, &c);
	return s->worker ? 0 : GP_UNAVAILABLE;
}

int gp_http_pool_take(http_pool *p, http_slot **out)
{
	struct timespec until;
	http_slot *s = NULL;
	int waited = 0, rc;

	*out = NULL;
	pthread_mutex_lock(&p->mu);
	while (!p->free && p->made == p->n) {
		if (!waited) {
			until = gp_time_mono_in(p->srv->cfg->db_wait_ms);
			waited = 1;
			gp_metric_add(GP_METRIC_DB_WAITS, 1);
		}
		if (pthread_cond_timedwait(&p->freed, &p->mu, &until) == ETIMEDOUT && !p->free &&
		    p->made == p->n) {
			pthread_mutex_unlock(&p->mu);
			gp_metric_add(GP_METRIC_DB_BUSY, 1);
			return GP_BUSY;
		}
	}
	if (p->free) {
		s = p->free;
		p->free = s->next;
	} else {
		s = &p->slots[p->made++];
	}
	p->busy++;
	gp_gauge_set(GP_GAUGE_DB_WORKERS_BUSY, (int64_t)p->busy);
	pthread_mutex_unlock(&p->mu);
	if ((rc = ready(p, s))) {
		gp_http_pool_give(p, s);
		return rc;
	}
	*out = s;
	return 0;
}

void gp_http_pool_give(http_pool *p, http_slot *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&p->mu);
	s->next = p->free;
	p->free = s;
	p->busy--;
	gp_gauge_set(GP_GAUGE_DB_WORKERS_BUSY, (int64_t)p->busy);
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->mu);
}
