/*
 * live.c — the live room's hub: every committed change of a point, as the
 * public sees it now, numbered and kept in a ring for the event streams
 * (/api/live) to read.
 *
 * Writers only queue the changed point's id (gp_core_point_changed, after
 * their COMMIT) and never wait for anything here.  One thread, the hub's,
 * takes the queue in order, reads each point through a worker of its own
 * with the public's visibility and has the renderer (api/'s, handed in at
 * start) write it once; streams then copy the same text.  Because that one
 * thread reads each point after the last change queued for it, the newest
 * entry of a point is always what the database holds: two planners
 * changing one point at once cannot leave the room showing the older state.
 *
 * A stream holds a cursor (the sequence number it has seen) and waits on
 * the hub's condition variable, never on the database; a cursor older than
 * the ring is told so and starts again from a snapshot.  Sequence numbers
 * start at 1 in every process; the epoch (the start's time in
 * microseconds) tells a cursor of an earlier process from one of this.
 *
 * Must never: hold the hub's lock while reading the database or while a
 * caller writes to a network; block a writer.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_int.h"

typedef struct live_entry {
	uint64_t seq;      /* 0: never filled */
	int64_t id;
	gp_change what;
	int64_t event;
	char *districts;   /* "\n<ortsbezirk>\n<stadtteil>\n"; NULL for a withdrawal */
	char *json;        /* the point as the public sees it; NULL: withdrawn */
} live_entry;

typedef struct queued_change {
	int64_t id;
	gp_change what;
} queued_change;

typedef struct gp_live gp_live;
struct gp_live {
	gp_core *core;
	gp_live_render_fn render;
	gp_worker *w;          /* the hub thread's own */
	pthread_mutex_t mu;
	pthread_cond_t changed; /* a new entry, or closing: streams wake */
	pthread_cond_t queued;  /* an id queued, or stopping: the hub wakes */
	queued_change *queue;
	size_t nqueue, capqueue;
	live_entry *ring;
	size_t nring;
	uint64_t seq;          /* of the newest entry */
	uint64_t epoch;
	int closed, stop;
	pthread_t thread;
	int running;
};

/* ---- the hub thread --------------------------------------------------------------- */

typedef struct rendered {
	gp_live *l;
	gp_buf json;
	gp_buf districts;
	int64_t event;
} rendered;

static int take_point(void *ctx, const gp_point *p, double c0, double c1)
{
	rendered *r = ctx;

	r->event = p->event;
	gp_buf_printf(&r->districts, "\n%s\n%s\n", p->ortsbezirk.id ? p->ortsbezirk.id : "",
	              p->stadtteil.id ? p->stadtteil.id : "");
	r->l->render(&r->json, p, c0, c1);
	return gp_buf_status(&r->json) ? gp_buf_status(&r->json) : gp_buf_status(&r->districts);
}

static char *take_text(gp_buf *b)
{
	char *s = malloc(b->len + 1);

	if (s) {
		memcpy(s, b->data, b->len);
		s[b->len] = '\0';
	}
	return s;
}

/* Reads point id and appends what the public sees of it now to the ring. */
static void publish(gp_live *l, int64_t id, gp_change what)
{
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	rendered r = { l, { 0 }, { 0 }, 0 };
	char *json = NULL, *districts = NULL;
	live_entry *e;
	gp_err err;
	int rc;

	gp_buf_init(&r.json, 1u << 20);
	gp_buf_init(&r.districts, 1024);
	rc = gp_read_point(gp_worker_read(l->w), &pub, id, GP_CRS_CRS84, take_point, &r, &err);
	if (rc == 0) {
		json = take_text(&r.json);
		districts = take_text(&r.districts);
		if (!json || !districts) {
			free(json);
			free(districts);
			json = districts = NULL;
			rc = GP_ENOMEM;
		}
	}
	gp_buf_free(&r.json);
	gp_buf_free(&r.districts);
	if (rc && rc != GP_NOT_FOUND)
		/* The room would miss a change: say so; a withdrawal is the safe side. */
		gp_log_warn("live: cannot read point %lld (%s); streams withdraw it", (long long)id,
		            gp_result_name(rc));
	pthread_mutex_lock(&l->mu);
	l->seq++;
	e = &l->ring[l->seq % l->nring];
	free(e->json);
	free(e->districts);
	*e = (live_entry){ l->seq, id, what, json ? r.event : 0, districts, json };
	pthread_mutex_unlock(&l->mu);
}

static void *hub(void *arg)
{
	gp_live *l = arg;
	queued_change *batch = NULL;
	size_t n = 0, cap = 0;

	pthread_mutex_lock(&l->mu);
	for (;;) {
		while (!l->nqueue && !l->stop)
			pthread_cond_wait(&l->queued, &l->mu);
		if (l->stop)
			break;
		/* take the queue whole: the writers refill an empty one meanwhile */
		{
			queued_change *t = batch;
			size_t tc = cap;
			batch = l->queue;
			n = l->nqueue;
			cap = l->capqueue;
			l->queue = t;
			l->capqueue = tc;
			l->nqueue = 0;
		}
		pthread_mutex_unlock(&l->mu);
		for (size_t i = 0; i < n; i++)
			publish(l, batch[i].id, batch[i].what);
		pthread_mutex_lock(&l->mu);
		pthread_cond_broadcast(&l->changed);
	}
	pthread_mutex_unlock(&l->mu);
	free(batch);
	return NULL;
}

/* ---- starting and stopping ------------------------------------------------------- */

/* Frees a hub whose thread is not running (never started, or joined). */
static void hub_free(gp_live *l)
{
	gp_worker_free(l->w);
	for (size_t i = 0; l->ring && i < l->nring; i++) {
		free(l->ring[i].json);
		free(l->ring[i].districts);
	}
	free(l->ring);
	free(l->queue);
	pthread_cond_destroy(&l->changed);
	pthread_cond_destroy(&l->queued);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

int gp_core_live_start(gp_core *c, gp_live_render_fn render, gp_err *err)
{
	gp_live *l;
	sigset_t all, old;
	int rc, started;

	if (c->live)
		return 0;
	if (!(l = calloc(1, sizeof(*l))))
		return GP_ENOMEM;
	l->core = c;
	l->render = render;
	l->nring = (size_t)c->cfg->live_ring;
	pthread_mutex_init(&l->mu, NULL);
	gp_cond_init_mono(&l->changed);
	pthread_cond_init(&l->queued, NULL);
	/* the start in microseconds: a cursor from before a restart is never taken for one of now */
	{
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		l->epoch = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
	}
	if (!(l->ring = calloc(l->nring, sizeof(*l->ring)))) {
		rc = GP_ENOMEM;
		goto fail;
	}
	if ((rc = gp_worker_new(&l->w, c, err)))
		goto fail;
	/* The hub takes no signal of anyone's: stopping is the main thread's sigwait. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	started = pthread_create(&l->thread, NULL, hub, l) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!started) {
		rc = gp_err_set(err, GP_ENOMEM, "", "cannot start the live room's thread");
		goto fail;
	}
	l->running = 1;
	c->live = l;
	return 0;
fail:
	hub_free(l);
	return rc;
}

void gp_core_live_close(gp_core *c)
{
	gp_live *l = c->live;

	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	l->closed = 1;
	pthread_cond_broadcast(&l->changed);
	pthread_mutex_unlock(&l->mu);
}

void gp_core_live_stop(gp_core *c)
{
	gp_live *l = c->live;

	if (!l)
		return;
	gp_core_live_close(c);
	pthread_mutex_lock(&l->mu);
	l->stop = 1;
	pthread_cond_signal(&l->queued);
	pthread_mutex_unlock(&l->mu);
	if (l->running)
		pthread_join(l->thread, NULL);
	hub_free(l);
	c->live = NULL;
}

/* ---- writers and streams --------------------------------------------------------- */

void core_live_notify(gp_core *c, int64_t id, gp_change what)
{
	gp_live *l = c->live;

	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	if (l->nqueue == l->capqueue) {
		size_t cap = l->capqueue ? l->capqueue * 2 : 64;
		queued_change *q = realloc(l->queue, cap * sizeof(*q));
		if (!q) {
			pthread_mutex_unlock(&l->mu);
			gp_log_warn("live: cannot queue point %lld; the room misses this change",
			            (long long)id);
			return;
		}
		l->queue = q;
		l->capqueue = cap;
	}
	l->queue[l->nqueue++] = (queued_change){ id, what };
	pthread_cond_signal(&l->queued);
	pthread_mutex_unlock(&l->mu);
}

int gp_core_live_position(gp_core *c, uint64_t *out_epoch, uint64_t *out_seq)
{
	gp_live *l = c->live;

	if (!l || l->closed)
		return GP_UNAVAILABLE;
	pthread_mutex_lock(&l->mu);
	*out_epoch = l->epoch;
	*out_seq = l->seq;
	pthread_mutex_unlock(&l->mu);
	return 0;
}

/* Whether an entry's point is one the filter asks for. */
static int matches(const live_entry *e, const gp_live_filter *f)
{
	char key[sizeof(f->district) + 2];

	if (f->event > 0 && e->event != f->event)
		return 0;
	if (!f->district[0])
		return 1;
	snprintf(key, sizeof(key), "\n%s\n", f->district);
	return strstr(e->districts, key) != NULL;
}

int gp_core_live_wait(gp_core *c, uint64_t *cursor, int timeout_ms, const gp_live_filter *f,
                      gp_live_change_cb cb, void *ctx, int *out_too_old)
{
	gp_live *l = c->live;
	struct timespec until;
	int rc = 0;

	*out_too_old = 0;
	if (!l)
		return GP_UNAVAILABLE;
	until = gp_time_mono_in(timeout_ms);
	pthread_mutex_lock(&l->mu);
	while (!l->closed && l->seq == *cursor &&
	       pthread_cond_timedwait(&l->changed, &l->mu, &until) == 0)
		;
	if (l->closed) {
		rc = GP_UNAVAILABLE;
	} else if (*cursor > l->seq || (l->seq - *cursor >= l->nring)) {
		*out_too_old = 1; /* the ring no longer holds what came after it */
	} else {
		for (uint64_t s = *cursor + 1; s <= l->seq && !rc; s++) {
			const live_entry *e = &l->ring[s % l->nring];
			int shown = e->json && matches(e, f);
			/*
			 * A change that leaves a point outside the stream's event or
			 * district withdraws it there: it may have been shown before.
			 */
			rc = cb(ctx, s, e->id, e->what, shown ? e->json : NULL);
		}
		if (!rc)
			*cursor = l->seq;
	}
	pthread_mutex_unlock(&l->mu);
	return rc;
}
