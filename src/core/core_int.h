/*
 * core_int.h — what the files of core/ share.
 */
#ifndef GP_CORE_INT_H
#define GP_CORE_INT_H

#include <pthread.h>

#include "cluster/cluster.h"
#include "config/config.h"
#include "core.h"
#include "geo/geo.h"
#include "json/json.h"
#include "read/read.h"
#include "store/store.h"

typedef struct submit_job submit_job;

/* The group-commit queue: see submit.c. */
typedef struct write_queue {
	pthread_mutex_t mu;
	submit_job *head, *tail;
	int waiting;       /* jobs in the queue, not yet taken by a leader */
	int leader_active;
} write_queue;

struct gp_core {
	const gp_config *cfg;
	int read_only; /* GP_CORE_READ_ONLY: no secret, no guard, read-only workers */
	write_queue queue;
	/*
	 * Every write transaction of this process holds write_mu, so threads
	 * queue here instead of sleeping in SQLite's busy handler; the busy
	 * timeout still covers other processes (CLI imports).
	 */
	pthread_mutex_t write_mu;
	/*
	 * The one connection every write transaction uses, lent to the worker
	 * holding write_mu.  A connection that sees another one's commit drops
	 * its page cache and memory map at its next transaction; writing
	 * through one connection keeps both warm from batch to batch (this
	 * alone lifted durable POSTs by about a tenth, tools/bench/post.sh).
	 * NULL until the first write, or when it could not be opened (then
	 * each worker writes through its own).
	 */
	gp_store *writer;
	int writer_failed;
	unsigned char secret[GP_SECRET_LEN];
	gp_guard *guard;
	gp_guard_conns *conns; /* open connections per client */
	gp_cluster_index *clusters; /* NULL until gp_core_clusters_start() */
	gp_cluster_options cluster_options;
	gp_cluster_source cluster_src; /* the read layer's (read.h) */
	gp_read_cache *reads;          /* shared by every worker's reader */
	gp_survey *survey;             /* the questionnaire, or NULL (survey.c) */
	struct gp_live *live;          /* the live room's hub, or NULL (live.c) */
};

struct gp_worker {
	gp_core *core;
	gp_store *store; /* the core's writer between write_begin and write_end */
	gp_store *own_store; /* the worker's own connection while it lends */
	gp_geo *geo;
	gp_geo_districts *districts;
	int64_t districts_version; /* of the database when the index was built */
	gp_read *read; /* over own_store's connection (the one that stays) */
};

/*
 * Begins a write transaction under the process's write mutex, on the
 * core's writer connection: until gp_core_write_end, w->store is that
 * connection.
 */
int gp_core_write_begin(gp_worker *w);
/* Commits (or, with rc != 0, rolls back) and releases the mutex; returns rc or the commit's. */
int gp_core_write_end(gp_worker *w, int rc);

/* Printable UTF-8 (line breaks and tabs allowed) of 1 to max characters. */
int core_text_ok(const char *s, size_t max);

/* A token row's name and role into the gp_actor at ctx (a store callback). */
int core_take_token(void *ctx, const gp_token_row *t);

/*
 * Another write than a point, committed with the points' group commit
 * (submit.c): fn runs inside the leader's write transaction on w (the
 * leader's worker, not the caller's), in a savepoint of its own, so one
 * refused write leaves its batch untouched.  Returns fn's result, or the
 * commit's; 0 only once the transaction holding it committed.
 */
typedef int (*core_batch_fn)(gp_worker *w, void *arg, gp_err *err);
int core_group_commit(gp_worker *w, core_batch_fn fn, void *arg, gp_err *err);

/*
 * Event id's channel and whether its live entry is open; GP_INVALID naming
 * `field` when there is no such event.
 */
int core_event_get(gp_worker *w, int64_t id, const char *field, gp_channel *out_channel,
                   int *out_live, gp_err *err);

/* Queues a committed change of point id for the live room (live.c); never blocks. */
void core_live_notify(gp_core *c, int64_t id, gp_change what);

/* Rebuilds w->districts from the database (inside or outside a transaction). */
int gp_worker_reload_districts(gp_worker *w);

#endif
