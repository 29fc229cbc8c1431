/*
 * index.c — the process-wide cluster index: every published point in
 * memory, and immutable snapshots of the cluster trees built over them.
 *
 * Concurrency, in one place:
 *   - One maintainer thread owns the point set and is the only writer.
 *     Changes reach it as point ids (gp_cluster_index_notify); it re-reads
 *     each through the source, applies them, builds a complete new snapshot
 *     aside and publishes it by swapping one pointer under `mu`.
 *   - Readers take `mu` only to copy that pointer and add a reference, so
 *     a reader never waits for a build, and a snapshot it holds stays whole
 *     and valid however many newer ones appear.
 *   - A full rebuild was chosen over incremental updates on measurement:
 *     greedy clustering is order-dependent, so one point can change
 *     clusters on every zoom, and only a rebuild stays exactly equal to
 *     supercluster; it takes 10–20 ms for 10,000 points and about half
 *     a second for a million (tools/bench/README.md), inside the
 *     one-second promise for any realistic city.
 *   - Snapshots share the point records.  A record the set drops is freed
 *     only once every snapshot that may show it is gone: it is tagged with
 *     the newest generation published when it left, and freed when the
 *     oldest live snapshot is newer.  Snapshots are freed by the
 *     maintainer, never by a reader, when no reference is left; the index
 *     itself keeps the two previous snapshots for a minute so the cluster
 *     ids a client just received stay answerable.
 *
 * Must never: let a reader reach a freed snapshot or record, call the
 * source from any thread but the maintainer, or put a point that is not
 * published into a snapshot.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster_int.h"

#define TICK_MS 1000     /* version check and garbage collection */
#define KEEP_MS 60000    /* replaced snapshots stay answerable this long */
#define KEEP_MAX 2       /* … but at most this many of them */
#define RETRY_MS 200     /* pause after the source failed */
/*
 * Pause after a build before the next one, so a stream of new points does
 * not keep a core busy rebuilding: REST_FACTOR times the build's duration
 * (the index then takes at most a fifth of a core), at most REST_MS, and
 * shortened so that a point arriving just as a build starts is still in
 * the one after within FRESH_MS (that build, the pause, the next build).
 * Small indexes thus stay fresh within milliseconds; from about 450 ms of
 * build time (a million points) there is no pause at all.
 */
#define REST_FACTOR 4
#define REST_MS 250
#define FRESH_MS 900
#define GEN_MOD 65535u   /* generations in public ids: 1 … 65535 */

typedef struct record {
	gp_point p;              /* its strings point into text[] */
	int32_t gx, gy;          /* p's position on the cluster grid, computed once */
	uint64_t dead_after;     /* newest generation that may show it */
	struct record *next_dead;
	char text[];
} record;

struct gp_cluster_snapshot {
	atomic_int refs;
	uint64_t generation;
	size_t n;
	record **pts;                                 /* id order */
	gp_cluster_tree *tree[GP_CLUSTER_SET_COUNT];
	uint32_t *map[GP_CLUSTER_SET_COUNT];          /* tree index → pts index; NULL: same */
	int64_t replaced_ms;                          /* 0 while current */
	int retained;                                 /* the index holds a reference */
	struct gp_cluster_snapshot *next;             /* every unfreed snapshot, newest first */
};

struct gp_cluster_index {
	gp_cluster_options o;
	gp_cluster_source src;
	pthread_t thread;
	int thread_started;

	pthread_mutex_t mu; /* guards this block */
	pthread_cond_t wake;
	pthread_cond_t done;
	gp_cluster_snapshot *current;
	gp_cluster_snapshot *all;
	int64_t *pending;
	size_t npending, cap;
	int reload, stop, ready, start_rc;
	uint64_t asked, applied; /* notifications made / reflected in `current` */

	/* The maintainer's own, never touched by anyone else. */
	record **set;
	size_t n, setcap;
	record *dead;
	uint64_t generation;
	int64_t version;
	char **words; /* interned strings: an open-addressing set */
	size_t nwords, wordcap;
};

/* ---- records ----------------------------------------------------------------- */

/*
 * District ids and names and topics repeat across every point: each is
 * kept once, for the life of the index (a city has a few dozen of them, so
 * old names left after a boundary import cost nothing worth reclaiming).
 * Maintainer only; readers just read the strings.
 */
static uint64_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static const char *intern(gp_cluster_index *idx, const char *s)
{
	size_t mask, at;
	char *copy;

	if (!s)
		return NULL;
	if (2 * (idx->nwords + 1) > idx->wordcap) {
		size_t cap = idx->wordcap ? 2 * idx->wordcap : 64;
		char **grown = calloc(cap, sizeof(*grown));
		if (!grown)
			return NULL;
		for (size_t i = 0; i < idx->wordcap; i++) {
			if (!idx->words[i])
				continue;
			for (at = hash_text(idx->words[i]) & (cap - 1); grown[at]; at = (at + 1) & (cap - 1))
				;
			grown[at] = idx->words[i];
		}
		free(idx->words);
		idx->words = grown;
		idx->wordcap = cap;
	}
	mask = idx->wordcap - 1;
	for (at = hash_text(s) & mask; idx->words[at]; at = (at + 1) & mask)
		if (!strcmp(idx->words[at], s))
			return idx->words[at];
	if (!(copy = strdup(s)))
		return NULL;
	idx->nwords++;
	return idx->words[at] = copy;
}

/* Interns *s in place; 0, or GP_ENOMEM. */
static int intern_into(gp_cluster_index *idx, const char **s)
{
	const char *v = *s;

	*s = intern(idx, v);
	return v && !*s ? GP_ENOMEM : 0;
}

/*
 * A copy of p: the comment and the city's reply in the record, the
 * repeated strings interned; what only staff see is not kept.
 */
static record *record_new(gp_cluster_index *idx, const gp_point *p)
{
	size_t n = p->comment ? strlen(p->comment) + 1 : 0;
	size_t m = p->reply ? strlen(p->reply) + 1 : 0;
	record *r = malloc(sizeof(*r) + n + m);

	if (!r)
		return NULL;
	r->p = *p;
	r->p.note = NULL;
	r->p.flag_reasons = NULL;
	r->p.flags = 0;
	r->dead_after = 0;
	r->next_dead = NULL;
	if (p->comment)
		r->p.comment = memcpy(r->text, p->comment, n);
	if (p->reply)
		r->p.reply = memcpy(r->text + n, p->reply, m);
	if (gp_cluster_encode(p->lon, p->lat, &r->gx, &r->gy) ||
	    intern_into(idx, &r->p.topic) || intern_into(idx, &r->p.ortsbezirk.id) ||
	    intern_into(idx, &r->p.ortsbezirk.name) || intern_into(idx, &r->p.stadtteil.id) ||
	    intern_into(idx, &r->p.stadtteil.name)) {
		free(r);
		return NULL;
	}
	return r;
}

/* The set no longer holds r; snapshots up to the current generation may. */
static void retire(gp_cluster_index *idx, record *r)
{
	r->dead_after = idx->generation;
	r->next_dead = idx->dead;
	idx->dead = r;
}

/* ---- the point set (maintainer only) ------------------------------------------- */

/* Position of id in the set, or where it would go. */
static size_t set_find(const gp_cluster_index *idx, int64_t id, int *found)
{
	size_t lo = 0, hi = idx->n;

	*found = 0;
	if (hi && idx->set[hi - 1]->p.id < id)
		return hi; /* new points arrive in id order: the common case */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (idx->set[mid]->p.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < idx->n && idx->set[lo]->p.id == id;
	return lo;
}

static int set_put(gp_cluster_index *idx, record *r)
{
	int found;
	size_t at = set_find(idx, r->p.id, &found);

	if (found) {
		retire(idx, idx->set[at]);
		idx->set[at] = r;
		return 0;
	}
	if (gp_cluster_grow(&idx->set, &idx->setcap, idx->n + 1, sizeof(*idx->set), 1024))
		return GP_ENOMEM;
	memmove(&idx->set[at + 1], &idx->set[at], (idx->n - at) * sizeof(*idx->set));
	idx->set[at] = r;
	idx->n++;
	return 0;
}

/* Returns 1 when the set held id. */
static int set_remove(gp_cluster_index *idx, int64_t id)
{
	int found;
	size_t at = set_find(idx, id, &found);

	if (!found)
		return 0;
	retire(idx, idx->set[at]);
	memmove(&idx->set[at], &idx->set[at + 1], (idx->n - at - 1) * sizeof(*idx->set));
	idx->n--;
	return 1;
}

typedef struct apply_ctx {
	gp_cluster_index *idx;
	int64_t id;
	int changed;
} apply_ctx;

/* Source callback for one re-read point: published → in, anything else → out. */
static int apply_point(void *ctx, const gp_point *p)
{
	apply_ctx *a = ctx;
	record *r;
	int rc;

	if (p->id != a->id)
		return GP_EFAULT;
	if (p->status != GP_STATUS_PUBLISHED) {
		a->changed |= set_remove(a->idx, p->id);
		return 0;
	}
	if (!(r = record_new(a->idx, p)))
		return GP_ENOMEM;
	if ((rc = set_put(a->idx, r))) {
		free(r);
		return rc;
	}
	a->changed = 1;
	return 0;
}

typedef struct load_ctx {
	gp_cluster_index *idx;
	record **pts;
	size_t n, cap;
} load_ctx;

static int load_point(void *ctx, const gp_point *p)
{
	load_ctx *l = ctx;

	if (p->status != GP_STATUS_PUBLISHED)
		return 0; /* the source promised published points; never trust it */
	if (gp_cluster_grow(&l->pts, &l->cap, l->n + 1, sizeof(*l->pts), 1024))
		return GP_ENOMEM;
	if (!(l->pts[l->n] = record_new(l->idx, p)))
		return GP_ENOMEM;
	l->n++;
	return 0;
}

static int cmp_record(const void *a, const void *b)
{
	int64_t x = (*(record *const *)a)->p.id, y = (*(record *const *)b)->p.id;

	return x < y ? -1 : x > y;
}

/* Replaces the whole set by the source's published points. */
static int reload_all(gp_cluster_index *idx)
{
	load_ctx l = { idx, NULL, 0, 0 };
	int64_t version = 0;
	int rc;

	if (idx->src.version && (rc = idx->src.version(idx->src.ctx, &version)))
		return rc;
	if ((rc = idx->src.load(idx->src.ctx, load_point, &l))) {
		for (size_t i = 0; i < l.n; i++)
			free(l.pts[i]);
		free(l.pts);
		return rc;
	}
	if (l.n > 1) /* no points: l.pts is NULL */
		qsort(l.pts, l.n, sizeof(*l.pts), cmp_record);
	for (size_t i = 0; i < idx->n; i++)
		retire(idx, idx->set[i]);
	free(idx->set);
	idx->set = l.pts;
	idx->n = l.n;
	idx->setcap = l.cap;
	idx->version = version;
	return 0;
}

/* ---- snapshots ------------------------------------------------------------------- */

static void snapshot_free(gp_cluster_snapshot *s)
{
	if (!s)
		return;
	for (int i = 0; i < GP_CLUSTER_SET_COUNT; i++) {
		gp_cluster_tree_free(s->tree[i]);
		free(s->map[i]);
	}
	free(s->pts);
	free(s);
}

typedef struct build_job {
	const gp_cluster_options *o;
	gp_cluster_snapshot *s;
	int first, last; /* the hierarchies this job builds */
	int rc;
} build_job;

/* Builds hierarchies first … last of s (each needs its own arrays). */
static void *build_trees(void *arg)
{
	build_job *j = arg;
	gp_cluster_snapshot *s = j->s;
	size_t k = s->n ? s->n : 1;
	int32_t *x = malloc(k * sizeof(*x)), *y = malloc(k * sizeof(*y));
	uint8_t *cat = malloc(k);

	j->rc = GP_ENOMEM;
	if (!x || !y || !cat)
		goto out;
	for (int set = j->first; set <= j->last; set++) {
		size_t m = 0;
		if (set != GP_CLUSTER_ALL &&
		    !(s->map[set] = malloc(k * sizeof(*s->map[set]))))
			goto out;
		for (size_t i = 0; i < s->n; i++) {
			const record *r = s->pts[i];
			if (set != GP_CLUSTER_ALL && r->p.category != (gp_category)(set - 1))
				continue;
			if (s->map[set])
				s->map[set][m] = (uint32_t)i;
			x[m] = r->gx;
			y[m] = r->gy;
			cat[m] = (uint8_t)r->p.category;
			m++;
		}
		if ((j->rc = gp_cluster_tree_new_encoded(&s->tree[set], j->o, x, y, cat, m)))
			goto out;
	}
	j->rc = 0;
out:
	free(x);
	free(y);
	free(cat);
	return NULL;
}

/* Above this many points the category hierarchies are built on a second
 * thread while this one builds the one of all points: the wall time of a
 * rebuild halves, which keeps a million points inside the one second. */
#define PARALLEL_FROM 50000

/* Builds the trees of every hierarchy over the current set. */
static int snapshot_build(gp_cluster_index *idx, gp_cluster_snapshot **out)
{
	gp_cluster_snapshot *s = calloc(1, sizeof(*s));
	size_t n = idx->n;
	build_job all = { &idx->o, s, GP_CLUSTER_ALL, GP_CLUSTER_ALL, 0 };
	build_job cats = { &idx->o, s, GP_CLUSTER_ALL + 1, GP_CLUSTER_SET_COUNT - 1, 0 };
	pthread_t helper;
	int rc = GP_ENOMEM, threaded = 0;

	*out = NULL;
	if (!s || !(s->pts = malloc((n ? n : 1) * sizeof(*s->pts))))
		goto out;
	if (n) /* an empty index has no set yet */
		memcpy(s->pts, idx->set, n * sizeof(*s->pts));
	s->n = n;
	s->generation = idx->generation + 1;
	threaded = n >= PARALLEL_FROM && !pthread_create(&helper, NULL, build_trees, &cats);
	build_trees(&all);
	if (threaded)
		pthread_join(helper, NULL);
	else
		build_trees(&cats);
	if ((rc = all.rc) || (rc = cats.rc))
		goto out;
	*out = s;
	s = NULL;
out:
	snapshot_free(s);
	return rc;
}

/* Makes s current; the previous one stays retained for KEEP_MS. */
static void publish(gp_cluster_index *idx, gp_cluster_snapshot *s, uint64_t applied)
{
	pthread_mutex_lock(&idx->mu);
	atomic_init(&s->refs, 1); /* the index's own reference */
	s->retained = 1;
	s->next = idx->all;
	idx->all = s;
	if (idx->current)
		idx->current->replaced_ms = gp_time_mono_ms();
	idx->current = s;
	idx->generation = s->generation;
	if (applied > idx->applied)
		idx->applied = applied;
	pthread_cond_broadcast(&idx->done);
	pthread_mutex_unlock(&idx->mu);
}

/* Frees unreferenced snapshots and the records no live snapshot can show. */
static void collect(gp_cluster_index *idx)
{
	gp_cluster_snapshot *gone = NULL, **link;
	uint64_t oldest = idx->generation;
	int64_t now = gp_time_mono_ms();
	int kept = 0;
	record **dl;

	pthread_mutex_lock(&idx->mu);
	for (gp_cluster_snapshot *s = idx->all; s; s = s->next) {
		if (s == idx->current || !s->retained)
			continue;
		if (++kept > KEEP_MAX || now - s->replaced_ms > KEEP_MS) {
			s->retained = 0;
			atomic_fetch_sub(&s->refs, 1);
		}
	}
	for (link = &idx->all; *link;) {
		gp_cluster_snapshot *s = *link;
		if (!s->retained && atomic_load(&s->refs) == 0) {
			*link = s->next;
			s->next = gone;
			gone = s;
			continue;
		}
		if (s->generation < oldest)
			oldest = s->generation;
		link = &s->next;
	}
	pthread_mutex_unlock(&idx->mu);
	while (gone) {
		gp_cluster_snapshot *next = gone->next;
		snapshot_free(gone);
		gone = next;
	}
	for (dl = &idx->dead; *dl;) {
		record *r = *dl;
		if (r->dead_after < oldest) {
			*dl = r->next_dead;
			free(r);
			continue;
		}
		dl = &r->next_dead;
	}
}

/* ---- the maintainer thread ---------------------------------------------------------- */

static int build_and_publish(gp_cluster_index *idx, uint64_t applied)
{
	gp_cluster_snapshot *s;
	int64_t t0 = gp_time_mono_ms();
	int rc;

	if ((rc = snapshot_build(idx, &s))) {
		gp_log_error("cannot build the cluster index of %zu points: %s", idx->n,
		             gp_result_name(rc));
		return rc;
	}
	publish(idx, s, applied);
	gp_log_debug("cluster index generation %llu: %zu points in %lld ms",
	             (unsigned long long)s->generation, s->n,
	             (long long)(gp_time_mono_ms() - t0));
	return 0;
}

/* Re-reads each pending id; the ones that failed go back into the queue. */
static int apply_pending(gp_cluster_index *idx, int64_t *ids, size_t n, int *changed)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		apply_ctx a = { idx, ids[i], 0 };
		int rc = idx->src.get(idx->src.ctx, ids[i], apply_point, &a);
		if (rc == GP_NOT_FOUND) {
			a.changed = set_remove(idx, ids[i]);
			rc = 0;
		}
		if (rc) {
			gp_log_warn("cluster index cannot re-read point %lld: %s; retrying",
			            (long long)ids[i], gp_result_name(rc));
			failed = 1;
			gp_cluster_index_notify(idx, ids[i]);
		}
		*changed |= a.changed;
	}
	return failed;
}

/* 1 when the source says points changed behind our back. */
static int source_moved(gp_cluster_index *idx)
{
	int64_t v;

	if (!idx->src.version || idx->src.version(idx->src.ctx, &v))
		return 0;
	return v != idx->version;
}

/* Waits on cond (with mu held) for at most ms milliseconds. */
static void wait_ms(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t ms)
{
	struct timespec until = gp_time_realtime_in(ms);

	pthread_cond_timedwait(cond, mu, &until);
}

static void *maintain(void *arg)
{
	gp_cluster_index *idx = arg;
	int64_t next_tick = gp_time_mono_ms() + TICK_MS, retry_at = 0, built_ms;
	int rc;

	if ((idx->src.open && (rc = idx->src.open(idx->src.ctx))) || (rc = reload_all(idx)) ||
	    (rc = build_and_publish(idx, 0))) {
		pthread_mutex_lock(&idx->mu);
		idx->start_rc = rc;
		idx->ready = 1;
		pthread_cond_broadcast(&idx->done);
		pthread_mutex_unlock(&idx->mu);
		if (idx->src.close)
			idx->src.close(idx->src.ctx);
		return NULL;
	}
	pthread_mutex_lock(&idx->mu);
	idx->ready = 1;
	pthread_cond_broadcast(&idx->done);
	for (;;) {
		int64_t *ids, now = gp_time_mono_ms();
		size_t n;
		int reload, changed = 0, failed = 0;
		uint64_t asked;

		/* After a failed round, work waits RETRY_MS: a source that keeps
		 * failing must not make this thread spin; after a build, it rests
		 * (REST_MS). */
		int work = (idx->npending || idx->reload) && now >= retry_at;
		if (!idx->stop && !work && now < next_tick) {
			int64_t until = next_tick;
			if ((idx->npending || idx->reload) && retry_at < until)
				until = retry_at;
			wait_ms(&idx->wake, &idx->mu, until - now);
			continue;
		}
		if (idx->stop)
			break;
		ids = idx->pending;
		n = idx->npending;
		idx->pending = NULL;
		idx->npending = idx->cap = 0;
		reload = idx->reload;
		idx->reload = 0;
		asked = idx->asked;
		pthread_mutex_unlock(&idx->mu);

		if (now >= next_tick) {
			next_tick = now + TICK_MS;
			if (source_moved(idx))
				reload = 1;
		}
		if (reload) {
			if ((rc = reload_all(idx))) {
				gp_log_warn("cluster index cannot reload its points: %s; retrying",
				            gp_result_name(rc));
				gp_cluster_index_reload(idx);
				failed = 1;
			} else {
				changed = 1;
			}
		}
		/* After a reload the re-reads are redundant but harmless. */
		failed |= apply_pending(idx, ids, n, &changed);
		free(ids);
		built_ms = -1;
		if (changed) {
			int64_t b0 = gp_time_mono_ms();
			if (build_and_publish(idx, failed ? 0 : asked))
				gp_cluster_index_reload(idx); /* try again on the next round */
			else
				built_ms = gp_time_mono_ms() - b0;
		} else if (!failed) {
			pthread_mutex_lock(&idx->mu);
			if (asked > idx->applied)
				idx->applied = asked;
			pthread_cond_broadcast(&idx->done);
			pthread_mutex_unlock(&idx->mu);
		}
		if (failed) {
			retry_at = gp_time_mono_ms() + RETRY_MS;
		} else if (built_ms >= 0) {
			int64_t rest = REST_FACTOR * built_ms;
			if (rest > REST_MS)
				rest = REST_MS;
			if (rest > FRESH_MS - 2 * built_ms)
				rest = FRESH_MS - 2 * built_ms;
			retry_at = gp_time_mono_ms() + (rest > 0 ? rest : 0);
		} else {
			retry_at = 0;
		}
		collect(idx);
		pthread_mutex_lock(&idx->mu);
	}
	pthread_mutex_unlock(&idx->mu);
	if (idx->src.close)
		idx->src.close(idx->src.ctx);
	return NULL;
}

/* ---- the public side -------------------------------------------------------------- */

int gp_cluster_index_new(gp_cluster_index **out, const gp_cluster_options *o,
                         const gp_cluster_source *src)
{
	gp_cluster_index *idx;
	int rc;

	*out = NULL;
	if (!src->load || !src->get)
		return GP_INVALID;
	if (!(idx = calloc(1, sizeof(*idx))))
		return GP_ENOMEM;
	idx->o = *o;
	idx->src = *src;
	pthread_mutex_init(&idx->mu, NULL);
	pthread_cond_init(&idx->wake, NULL);
	pthread_cond_init(&idx->done, NULL);
	if (pthread_create(&idx->thread, NULL, maintain, idx)) {
		gp_cluster_index_free(idx);
		return GP_EFAULT;
	}
	idx->thread_started = 1;
	pthread_mutex_lock(&idx->mu);
	while (!idx->ready)
		pthread_cond_wait(&idx->done, &idx->mu);
	rc = idx->start_rc;
	pthread_mutex_unlock(&idx->mu);
	if (rc) {
		gp_cluster_index_free(idx);
		return rc;
	}
	*out = idx;
	return 0;
}

void gp_cluster_index_free(gp_cluster_index *idx)
{
	if (!idx)
		return;
	if (idx->thread_started) {
		pthread_mutex_lock(&idx->mu);
		idx->stop = 1;
		pthread_cond_signal(&idx->wake);
		pthread_mutex_unlock(&idx->mu);
		pthread_join(idx->thread, NULL);
	}
	while (idx->all) {
		gp_cluster_snapshot *next = idx->all->next;
		snapshot_free(idx->all);
		idx->all = next;
	}
	for (size_t i = 0; i < idx->n; i++)
		free(idx->set[i]);
	while (idx->dead) {
		record *next = idx->dead->next_dead;
		free(idx->dead);
		idx->dead = next;
	}
	for (size_t i = 0; i < idx->wordcap; i++)
		free(idx->words[i]);
	free(idx->words);
	free(idx->set);
	free(idx->pending);
	pthread_cond_destroy(&idx->done);
	pthread_cond_destroy(&idx->wake);
	pthread_mutex_destroy(&idx->mu);
	free(idx);
}

int gp_cluster_index_notify(gp_cluster_index *idx, int64_t id)
{
	int rc = 0;

	pthread_mutex_lock(&idx->mu);
	if (!gp_cluster_grow(&idx->pending, &idx->cap, idx->npending + 1, sizeof(*idx->pending),
	                     64)) {
		idx->pending[idx->npending++] = id;
	} else {
		idx->reload = 1; /* cannot remember the id: re-read everything */
		rc = GP_ENOMEM;
	}
	idx->asked++;
	pthread_cond_signal(&idx->wake);
	pthread_mutex_unlock(&idx->mu);
	return rc;
}

void gp_cluster_index_reload(gp_cluster_index *idx)
{
	pthread_mutex_lock(&idx->mu);
	idx->reload = 1;
	pthread_cond_signal(&idx->wake);
	pthread_mutex_unlock(&idx->mu);
}

gp_cluster_snapshot *gp_cluster_index_acquire(gp_cluster_index *idx)
{
	gp_cluster_snapshot *s;

	pthread_mutex_lock(&idx->mu);
	s = idx->current;
	atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&idx->mu);
	return s;
}

static uint32_t public_generation(uint64_t generation)
{
	return (uint32_t)((generation - 1) % GEN_MOD) + 1;
}

int gp_cluster_index_acquire_for(gp_cluster_snapshot **out, gp_cluster_index *idx,
                                 int64_t full_id)
{
	uint32_t gen = (uint32_t)((uint64_t)full_id >> 36) & 0xffff;

	*out = NULL;
	pthread_mutex_lock(&idx->mu);
	/* Only a retained snapshot still has the index's reference, so adding
	 * one here can never revive a snapshot the maintainer may be freeing. */
	for (gp_cluster_snapshot *s = idx->all; s; s = s->next) {
		if (s->retained && public_generation(s->generation) == gen) {
			atomic_fetch_add(&s->refs, 1);
			*out = s;
			break;
		}
	}
	pthread_mutex_unlock(&idx->mu);
	return *out ? 0 : GP_NOT_FOUND;
}

int gp_cluster_index_sync(gp_cluster_index *idx, int timeout_ms)
{
	int64_t deadline = gp_time_mono_ms() + timeout_ms;
	uint64_t want;
	int rc = 0;

	pthread_mutex_lock(&idx->mu);
	want = idx->asked;
	while (idx->applied < want) {
		if (gp_time_mono_ms() >= deadline) {
			rc = GP_TIMEOUT;
			break;
		}
		wait_ms(&idx->done, &idx->mu, 10);
	}
	pthread_mutex_unlock(&idx->mu);
	return rc;
}

uint64_t gp_cluster_index_wait_newer(gp_cluster_index *idx, uint64_t than, int timeout_ms)
{
	int64_t deadline = gp_time_mono_ms() + timeout_ms, now;
	uint64_t generation;

	pthread_mutex_lock(&idx->mu);
	while ((!idx->current || idx->current->generation <= than) &&
	       (now = gp_time_mono_ms()) < deadline)
		wait_ms(&idx->done, &idx->mu, deadline - now);
	generation = idx->current ? idx->current->generation : 0;
	pthread_mutex_unlock(&idx->mu);
	return generation;
}

void gp_cluster_snapshot_release(gp_cluster_snapshot *s)
{
	if (s)
		atomic_fetch_sub(&s->refs, 1);
}

uint64_t gp_cluster_snapshot_generation(const gp_cluster_snapshot *s)
{
	return s->generation;
}

size_t gp_cluster_snapshot_size(const gp_cluster_snapshot *s)
{
	return s->n;
}

const gp_point *gp_cluster_snapshot_point(const gp_cluster_snapshot *s, size_t i)
{
	return &s->pts[i]->p;
}

size_t gp_cluster_snapshot_memory(const gp_cluster_snapshot *s)
{
	size_t bytes = sizeof(*s) + s->n * sizeof(*s->pts);

	for (int i = 0; i < GP_CLUSTER_SET_COUNT; i++) {
		bytes += gp_cluster_tree_memory(s->tree[i]);
		if (s->map[i])
			bytes += gp_cluster_tree_size(s->tree[i]) * sizeof(uint32_t);
	}
	return bytes;
}

typedef struct map_ctx {
	const uint32_t *map;
	gp_cluster_node_cb node_cb;
	gp_cluster_leaf_cb leaf_cb;
	void *ctx;
} map_ctx;

static int map_node(void *ctx, const gp_cluster_node *node)
{
	map_ctx *m = ctx;
	gp_cluster_node copy;

	if (node->is_cluster || !m->map)
		return m->node_cb(m->ctx, node);
	copy = *node;
	copy.id = m->map[node->id];
	return m->node_cb(m->ctx, &copy);
}

static int map_leaf(void *ctx, uint32_t point)
{
	map_ctx *m = ctx;

	return m->leaf_cb(m->ctx, m->map ? m->map[point] : point);
}

int gp_cluster_snapshot_query(const gp_cluster_snapshot *s, gp_cluster_set set,
                              const gp_bbox *lonlat, int zoom, gp_cluster_node_cb cb,
                              void *ctx)
{
	map_ctx m = { s->map[set], cb, NULL, ctx };

	return gp_cluster_tree_query(s->tree[set], lonlat, zoom, map_node, &m);
}

int64_t gp_cluster_snapshot_cluster_id(const gp_cluster_snapshot *s, gp_cluster_set set,
                                       uint32_t id)
{
	return (int64_t)((uint64_t)public_generation(s->generation) << 36 |
	                 (uint64_t)set << 32 | id);
}

/* Splits a public id; GP_NOT_FOUND when it was not made by this snapshot. */
static int split_id(const gp_cluster_snapshot *s, int64_t full_id, gp_cluster_set *set,
                    uint32_t *id)
{
	uint64_t v = (uint64_t)full_id;

	if (full_id < 0 || v >> 52 || ((v >> 36) & 0xffff) != public_generation(s->generation) ||
	    ((v >> 32) & 0xf) >= GP_CLUSTER_SET_COUNT)
		return GP_NOT_FOUND;
	*set = (gp_cluster_set)((v >> 32) & 0xf);
	*id = (uint32_t)v;
	return 0;
}

int gp_cluster_snapshot_cluster(const gp_cluster_snapshot *s, int64_t full_id,
                                gp_cluster_node *out, gp_cluster_set *out_set)
{
	uint32_t id;
	int rc;

	if ((rc = split_id(s, full_id, out_set, &id)))
		return rc;
	return gp_cluster_tree_cluster(s->tree[*out_set], id, out);
}

int gp_cluster_snapshot_leaves(const gp_cluster_snapshot *s, int64_t full_id,
                               uint64_t offset, uint64_t limit,
                               gp_cluster_leaf_cb cb, void *ctx)
{
	gp_cluster_set set;
	uint32_t id;
	map_ctx m;
	int rc;

	if ((rc = split_id(s, full_id, &set, &id)))
		return rc;
	m = (map_ctx){ s->map[set], NULL, cb, ctx };
	return gp_cluster_tree_leaves(s->tree[set], id, offset, limit, map_leaf, &m);
}
