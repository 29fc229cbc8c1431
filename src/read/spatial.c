/*
 * spatial.c — boxes answered from memory: a copy of where the public's
 * points lie, in grid-cell order (store/grid.h), made by a thread of its
 * own at a known points_version and used only by a read whose transaction
 * sees that very version, so a count and a page from it are exactly what
 * the database would answer.  A viewport then costs a few binary searches,
 * a thousand exact tests along its border and one row read per point on
 * the page, instead of thousands of B-tree pages.
 *
 * Freshness: a read that finds the copy behind the database answers from
 * SQL (as exact, slower) and asks the thread for a new copy; the thread
 * makes one at most once a second, so while points keep arriving most
 * reads take SQL, and once they stop the copy catches up within a second.
 * Memory: about 60 bytes per point (a million points: 60 MB), twice while
 * a new copy replaces the old.
 *
 * Must never: answer from a copy of another version than the read's, or
 * hold the cache's mutex while it reads the database.
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "read_int.h"
#include "store/grid.h"

/* A new copy at most this often, so writes keep the thread to a fraction of a core. */
#define REBUILD_MS 1000

typedef struct pos_table {
	atomic_int refs;
	int64_t version;
	size_t n, cap;
	int64_t *cell, *id;
	double *lon, *lat, *x, *y;
	uint8_t *cat;
	uint32_t *imp;       /* improvement points among the first i (n + 1) */
	int64_t row0, nrows; /* grid rows row0 … row0 + nrows - 1 */
	uint32_t *row_at;    /* first position of each row (nrows + 1) */
} pos_table;

struct spatial_cache {
	pthread_mutex_t mu;
	pthread_cond_t wake;
	pthread_t thread;
	int started, stop, wanted;
	int status;          /* whose positions: the public's */
	char *db_path;
	pos_table *table;
};

static void table_release(pos_table *t)
{
	if (!t || atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	free(t->cell);
	free(t->id);
	free(t->lon);
	free(t->lat);
	free(t->x);
	free(t->y);
	free(t->cat);
	free(t->imp);
	free(t->row_at);
	free(t);
}

/* ---- making a copy (on the cache's own thread) ------------------------------------------- */

static int grow(pos_table *t)
{
	size_t cap = t->cap ? 2 * t->cap : 65536;
	int64_t *cell = realloc(t->cell, cap * sizeof(*cell));
	int64_t *id = cell ? realloc(t->id, cap * sizeof(*id)) : NULL;
	double *lon = id ? realloc(t->lon, cap * sizeof(*lon)) : NULL;
	double *lat = lon ? realloc(t->lat, cap * sizeof(*lat)) : NULL;
	double *x = lat ? realloc(t->x, cap * sizeof(*x)) : NULL;
	double *y = x ? realloc(t->y, cap * sizeof(*y)) : NULL;
	uint8_t *cat = y ? realloc(t->cat, cap * sizeof(*cat)) : NULL;

	/* Each realloc that succeeded moved its array; keep what we have. */
	if (cell) t->cell = cell;
	if (id) t->id = id;
	if (lon) t->lon = lon;
	if (lat) t->lat = lat;
	if (x) t->x = x;
	if (y) t->y = y;
	if (!cat)
		return GP_ENOMEM;
	t->cat = cat;
	t->cap = cap;
	return 0;
}

static int take_position(void *ctx, const gp_store_position *p)
{
	pos_table *t = ctx;

	if (t->n == t->cap && grow(t))
		return GP_ENOMEM;
	t->cell[t->n] = p->cell;
	t->id[t->n] = p->id;
	t->lon[t->n] = p->lon;
	t->lat[t->n] = p->lat;
	t->x[t->n] = p->x;
	t->y[t->n] = p->y;
	t->cat[t->n] = (uint8_t)p->category;
	t->n++;
	return 0;
}

/* The row directory and the category prefix, once every position is in. */
static int table_index(pos_table *t)
{
	t->imp = malloc((t->n + 1) * sizeof(*t->imp));
	if (!t->imp)
		return GP_ENOMEM;
	t->imp[0] = 0;
	for (size_t i = 0; i < t->n; i++)
		t->imp[i + 1] = t->imp[i] + (t->cat[i] == GP_CATEGORY_IMPROVEMENT);
	t->row0 = t->n ? gp_store_grid_cell_row(t->cell[0]) : 0;
	t->nrows = t->n ? gp_store_grid_cell_row(t->cell[t->n - 1]) - t->row0 + 1 : 0;
	if (!(t->row_at = malloc((size_t)(t->nrows + 1) * sizeof(*t->row_at))))
		return GP_ENOMEM;
	for (int64_t r = 0, i = 0; r <= t->nrows; r++) {
		while ((size_t)i < t->n && gp_store_grid_cell_row(t->cell[i]) - t->row0 < r)
			i++;
		t->row_at[r] = (uint32_t)i;
	}
	return 0;
}

static int table_make(gp_store *s, int status, pos_table **out)
{
	pos_table *t = calloc(1, sizeof(*t));
	int rc;

	*out = NULL;
	if (!t)
		return GP_ENOMEM;
	atomic_init(&t->refs, 1);
	/* One snapshot: the version and the positions belong together. */
	if ((rc = gp_store_read_begin(s)))
		goto fail;
	if (!(rc = gp_store_points_version(s, &t->version)))
		rc = gp_store_point_positions_by_cell(s, status, take_position, t);
	gp_store_read_end(s);
	if (rc || (rc = table_index(t)))
		goto fail;
	*out = t;
	return 0;
fail:
	table_release(t);
	return rc;
}

static void *spatial_main(void *arg)
{
	spatial_cache *sc = arg;
	gp_store *s = NULL;
	struct timespec until;
	gp_err err;

	if (gp_store_open(&s, sc->db_path, 0, &err)) {
		gp_log_warn("positions in memory: cannot open %s (%s); boxes read SQL", sc->db_path,
		            err.detail);
		return NULL;
	}
	pthread_mutex_lock(&sc->mu);
	while (!sc->stop) {
		pos_table *t = NULL;
		int rc;

		if (!sc->wanted) {
			pthread_cond_wait(&sc->wake, &sc->mu);
			continue;
		}
		sc->wanted = 0;
		pthread_mutex_unlock(&sc->mu);
		if ((rc = table_make(s, sc->status, &t)))
			gp_log_warn("positions in memory: %s; boxes read SQL", gp_result_name(rc));
		pthread_mutex_lock(&sc->mu);
		if (t) {
			table_release(sc->table);
			sc->table = t;
		}
		/* Rest, so a stream of writes costs at most a copy a second. */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += REBUILD_MS / 1000;
		while (!sc->stop && pthread_cond_timedwait(&sc->wake, &sc->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&sc->mu);
	gp_store_close(s);
	return NULL;
}

void read_spatial_free(spatial_cache *sc)
{
	if (!sc)
		return;
	if (sc->started) {
		pthread_mutex_lock(&sc->mu);
		sc->stop = 1;
		pthread_cond_broadcast(&sc->wake);
		pthread_mutex_unlock(&sc->mu);
		pthread_join(sc->thread, NULL);
	}
	table_release(sc->table);
	pthread_cond_destroy(&sc->wake);
	pthread_mutex_destroy(&sc->mu);
	free(sc->db_path);
	free(sc);
}

/*
 * The cache's copy-maker, started on first use for `status` on a
 * connection of its own to db_path; NULL when it cannot run (or tests
 * turned it off) or serves another status.
 */
static spatial_cache *spatial_of(gp_read_cache *c, int status, const char *db_path)
{
	spatial_cache *sc;

	pthread_mutex_lock(&c->mu);
	if (c->spatial_off) {
		pthread_mutex_unlock(&c->mu);
		return NULL;
	}
	if (!c->spatial && (c->spatial = calloc(1, sizeof(*c->spatial)))) {
		sc = c->spatial;
		pthread_mutex_init(&sc->mu, NULL);
		pthread_cond_init(&sc->wake, NULL);
		sc->status = status;
		if ((sc->db_path = gp_strdup(db_path)))
			sc->started = pthread_create(&sc->thread, NULL, spatial_main, sc) == 0;
	}
	sc = c->spatial;
	pthread_mutex_unlock(&c->mu);
	if (!sc || !sc->started || sc->status != status)
		return NULL;
	return sc;
}

/* Asks the thread for a new copy (sc->mu held). */
static void want_copy(spatial_cache *sc)
{
	if (!sc->wanted) {
		sc->wanted = 1;
		pthread_cond_signal(&sc->wake);
	}
}

void read_spatial_start(gp_read_cache *c, int status)
{
	spatial_cache *sc = c->cfg->db_path ? spatial_of(c, status, c->cfg->db_path) : NULL;

	if (!sc)
		return;
	pthread_mutex_lock(&sc->mu);
	if (!sc->table)
		want_copy(sc);
	pthread_mutex_unlock(&sc->mu);
}

/*
 * The copy when it is of `version`, with a reference; else NULL, and the
 * thread is asked for a new one (started on first use).
 */
static pos_table *table_at(gp_read *r, int status, int64_t version)
{
	/* The file this reader reads, on a connection of the thread's own. */
	spatial_cache *sc = spatial_of(r->cache, status, gp_store_path(r->store));
	pos_table *t = NULL;

	if (!sc)
		return NULL;
	pthread_mutex_lock(&sc->mu);
	if (sc->table && sc->table->version == version) {
		t = sc->table;
		atomic_fetch_add(&t->refs, 1);
	} else {
		want_copy(sc);
	}
	pthread_mutex_unlock(&sc->mu);
	return t;
}

/* ---- reading from a copy -------------------------------------------------------------------- */

/* The first position in [lo, hi) whose (cell, id) is after (cell, id). */
static size_t after_pos(const pos_table *t, size_t lo, size_t hi, int64_t cell, int64_t id)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->cell[mid] < cell || (t->cell[mid] == cell && t->id[mid] <= id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Positions [*lo, *hi) of the cells c0 … c1 of grid row r. */
static void row_range(const pos_table *t, int64_t r, int64_t c0, int64_t c1, size_t *lo,
                      size_t *hi)
{
	size_t a, b;

	*lo = *hi = 0;
	if (c0 > c1 || r < t->row0 || r >= t->row0 + t->nrows)
		return;
	a = t->row_at[r - t->row0];
	b = t->row_at[r - t->row0 + 1];
	*lo = after_pos(t, a, b, gp_store_grid_cell(r, c0), 0);
	*hi = after_pos(t, *lo, b, gp_store_grid_cell(r, c1), INT64_MAX);
}

static int passes(const pos_table *t, size_t i, const gp_point_filter *f)
{
	if (f->category >= 0 && t->cat[i] != f->category)
		return 0;
	if (f->has_lonlat && !(t->lon[i] >= f->lonlat.minx && t->lon[i] <= f->lonlat.maxx &&
	                       t->lat[i] >= f->lonlat.miny && t->lat[i] <= f->lonlat.maxy))
		return 0;
	if (f->has_xy && !(t->x[i] >= f->xy.minx && t->x[i] <= f->xy.maxx &&
	                   t->y[i] >= f->xy.miny && t->y[i] <= f->xy.maxy))
		return 0;
	return !f->keep || f->keep(f->keep_ctx, t->x[i], t->y[i]);
}

/* Points of positions [lo, hi) in f's category, without tests (inner cells). */
static int64_t count_inner(const pos_table *t, size_t lo, size_t hi, int category)
{
	int64_t imp = t->imp[hi] - t->imp[lo];

	return category < 0 ? (int64_t)(hi - lo)
	       : category == GP_CATEGORY_IMPROVEMENT ? imp : (int64_t)(hi - lo) - imp;
}

static int64_t count_tested(const pos_table *t, size_t lo, size_t hi, const gp_point_filter *f)
{
	int64_t n = 0;

	for (size_t i = lo; i < hi; i++)
		n += passes(t, i, f);
	return n;
}

static int64_t table_count(const pos_table *t, const gp_point_filter *f, const gp_store_cells *c)
{
	int64_t n = 0;
	size_t lo, hi;

	for (int64_t r = c->r0; r <= c->r1; r++) {
		if (c->inner && r >= c->ir0 && r <= c->ir1) {
			row_range(t, r, c->c0, c->ic0 - 1, &lo, &hi);
			n += count_tested(t, lo, hi, f);
			row_range(t, r, c->ic0, c->ic1, &lo, &hi);
			n += count_inner(t, lo, hi, f->category);
			row_range(t, r, c->ic1 + 1, c->c1, &lo, &hi);
			n += count_tested(t, lo, hi, f);
		} else {
			row_range(t, r, c->c0, c->c1, &lo, &hi);
			n += count_tested(t, lo, hi, f);
		}
	}
	return n;
}

/* The ids of f's page in cell order: after its cursor, past its offset, up to its limit. */
static size_t table_page(const pos_table *t, const gp_point_filter *f, const gp_store_cells *c,
                         int64_t *ids, size_t max)
{
	int64_t skip = f->offset, r = c->r0;
	size_t n = 0, lo, hi;

	if (f->after_id > 0 && gp_store_grid_cell_row(f->after_cell) > r)
		r = gp_store_grid_cell_row(f->after_cell);
	for (; r <= c->r1 && n < max; r++) {
		row_range(t, r, c->c0, c->c1, &lo, &hi);
		if (f->after_id > 0)
			lo = after_pos(t, lo, hi > lo ? hi : lo, f->after_cell, f->after_id);
		for (size_t i = lo; i < hi && n < max; i++) {
			if (!passes(t, i, f))
				continue;
			if (skip > 0)
				skip--;
			else
				ids[n++] = t->id[i];
		}
	}
	return n;
}

int read_spatial_wait(gp_read *r, int status, int timeout_ms)
{
	int64_t version, t0 = gp_time_mono_ms();
	pos_table *t;
	int rc;

	for (;;) {
		if ((rc = gp_store_points_version(r->store, &version)))
			return rc;
		if ((t = table_at(r, status, version))) {
			table_release(t);
			return 0;
		}
		if (gp_time_mono_ms() - t0 > timeout_ms)
			return GP_TIMEOUT;
		sched_yield();
	}
}

int read_spatial_points(gp_read *r, const gp_point_filter *f, int64_t *out_matched,
                        gp_store_point_cb cb, void *ctx, int *out_done)
{
	gp_store_cells c;
	pos_table *t;
	int64_t version, *ids = NULL;
	size_t n, max;
	int rc;

	*out_done = 0;
	/* Boxes with at most a category, in grid-cell order: what the copy holds. */
	if (f->order != GP_ORDER_CELL || f->district || f->topic || f->channel >= 0 || f->since ||
	    f->until || f->flagged || f->event > 0 || f->outcome >= 0 ||
	    !gp_store_grid_cells(f, &c))
		return 0;
	if ((rc = gp_store_points_version(r->store, &version)))
		return rc;
	if (!(t = table_at(r, f->status, version)))
		return 0;
	*out_matched = table_count(t, f, &c);
	max = f->limit < 0 ? (size_t)*out_matched + 1 : (size_t)f->limit;
	rc = 0;
	if (max && !(ids = malloc(max * sizeof(*ids)))) {
		rc = GP_ENOMEM;
	} else if ((n = table_page(t, f, &c, ids, max))) {
		/* A point that only says a next page exists needs no row. */
		int probe = f->limit > 0 && n == max;
		rc = gp_store_point_rows(r->store, ids, n - (size_t)probe, f->status, f->staff, cb,
		                         ctx);
		if (!rc && probe)
			rc = cb(ctx, NULL);
	}
	free(ids);
	table_release(t);
	*out_done = !rc;
	return rc;
}
