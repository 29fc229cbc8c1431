/*
 * Unit test for core/'s group commit (submit.c): points submitted while a
 * write transaction holds the writer are committed together, in one
 * transaction for all of them; each submission returns only once its row
 * is committed (another connection reads it at once); each keeps its own
 * id and districts; and a point refused on its own merits leaves the
 * others alone.
 *
 * The test holds the process's write mutex (core_int.h) the way a long
 * write does, so the queue fills deterministically; it waits for the queue
 * by looking at it, never by sleeping for a guessed time.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "../check.h"
#include "config/config.h"
#include "core/core_int.h"
#include "json/json.h"
#include "store/store.h"
#include "util/metrics.h"

#define N 8

typedef struct submitter {
	gp_core *core;
	int k;
	gp_submitted out;
	int rc;
	int discarded;
	gp_err err;
	int64_t seen_by_other; /* the row as a fresh connection saw it right after */
} submitter;

static int count_one(void *ctx, const gp_point *p)
{
	(void)p;
	(*(int64_t *)ctx)++;
	return 0;
}

static void *submit_main(void *arg)
{
	submitter *s = arg;
	gp_actor actor = { .role = GP_ROLE_PLANNER, .name = "test" };
	gp_point_input in;
	gp_worker *w = NULL;
	gp_store *other = NULL;
	char comment[32];
	gp_err err;

	memset(&in, 0, sizeof(in));
	snprintf(comment, sizeof(comment), "Punkt %d", s->k);
	in.category = "favourite";
	in.comment = comment;
	in.comment_len = strlen(comment);
	/* Kaiserslautern's centre, a few metres apart; the last lies far outside. */
	in.coord[0] = s->k == N - 1 ? 9.0 : 7.7690 + 0.0001 * s->k;
	in.coord[1] = s->k == N - 1 ? 50.0 : 49.4440;
	if ((s->rc = gp_worker_new(&w, s->core, &err)))
		return NULL;
	s->rc = gp_core_point_submit(w, &in, GP_CRS_CRS84, &actor, &s->out, &s->discarded,
	                             &s->err);
	/* Acknowledged means committed: a connection of its own sees the row. */
	if (!s->rc && !gp_store_open(&other, gp_worker_config(w)->db_path, 0, &err)) {
		gp_store_point_get(other, s->out.point.id, -1, count_one, &s->seen_by_other);
		gp_store_close(other);
	}
	gp_worker_free(w);
	return NULL;
}

/* Jobs waiting in the queue behind the leader. */
static int queued(gp_core *c)
{
	int n;

	pthread_mutex_lock(&c->queue.mu);
	n = c->queue.waiting;
	pthread_mutex_unlock(&c->queue.mu);
	return n;
}

/* A leader has taken its batch (and now waits for the writer). */
static int leader_waiting(gp_core *c)
{
	int active;

	pthread_mutex_lock(&c->queue.mu);
	active = c->queue.leader_active && c->queue.waiting == 0;
	pthread_mutex_unlock(&c->queue.mu);
	return active;
}

int main(void)
{
	char dir[] = "/tmp/gp-submit-test-XXXXXX", path[256];
	submitter subs[N];
	pthread_t threads[N];
	gp_core *core = NULL;
	gp_worker *w = NULL;
	gp_config cfg;
	gp_err err;
	uint64_t commits;
	int created = 0;

	gp_log_set_level(GP_LOG_WARN);
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/test.db", dir);
	CHECK_INT(gp_config_defaults(&cfg), 0);
	CHECK_INT(gp_config_set(&cfg, "db", path, &err), 0);
	CHECK_INT(gp_config_normalise(&cfg, &err), 0);
	CHECK_INT(gp_core_new(&core, &cfg, 1, &err), 0);
	CHECK_INT(gp_worker_new(&w, core, &err), 0);
	if (!core || !w)
		CHECK_DONE();
	CHECK_INT(gp_core_prepare_database(w, &created, &err), 0);
	CHECK_INT(created, 1);

	/* A long write holds the writer: the first submitter leads and waits. */
	pthread_mutex_lock(&core->write_mu);
	commits = gp_metric_get(GP_METRIC_COMMITS);
	for (int k = 0; k < N; k++) {
		memset(&subs[k], 0, sizeof(subs[k]));
		subs[k].core = core;
		subs[k].k = k;
		pthread_create(&threads[k], NULL, submit_main, &subs[k]);
		/* One at a time, so the first is the leader and the rest queue behind it. */
		if (k == 0)
			while (!leader_waiting(core))
				sched_yield();
	}
	/* The point outside the city is refused before it queues. */
	while (queued(core) < N - 2)
		sched_yield();
	pthread_mutex_unlock(&core->write_mu);
	for (int k = 0; k < N; k++)
		pthread_join(threads[k], NULL);

	/* The leader's own batch, then one batch for all who queued. */
	CHECK_INT(gp_metric_get(GP_METRIC_COMMITS) - commits, 2);
	for (int k = 0; k < N - 1; k++) {
		CHECK_INT(subs[k].rc, 0);
		CHECK(subs[k].out.point.id > 0);
		CHECK_INT(subs[k].seen_by_other, 1);
		CHECK_STR(subs[k].out.point.ortsbezirk.id, "ob-0");
		for (int j = 0; j < k; j++)
			CHECK(subs[j].out.point.id != subs[k].out.point.id);
	}
	CHECK_INT(subs[N - 1].rc, GP_INVALID);
	CHECK_STR(subs[N - 1].err.field, "geometry");

	gp_worker_free(w);
	gp_core_free(core);
	gp_config_clear(&cfg);
	{
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			check_failures++;
	}
	CHECK_DONE();
}
