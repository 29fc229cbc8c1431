/*
 * tree.c — the cluster hierarchy: supercluster 9's greedy algorithm on its
 * fixed-point grid, with a uniform grid per level where supercluster keeps
 * a KD-tree.
 *
 * What makes the answer equal supercluster's, bit for bit:
 *   - Positions are Web Mercator in [0,1], stored as int32 (c − 0.5)·2^30,
 *     truncated toward zero — what supercluster's Int32Array stores.  The
 *     projection repeats its arithmetic operation by operation (this
 *     library is compiled with -ffp-contract=off, so no fused multiply-add
 *     changes a rounding).
 *   - A neighbour is within the radius when dx·dx + dy·dy ≤ r·r in doubles
 *     on those integers, r = radius / (extent · 2^z) · 2^30: kdbush's test.
 *   - Points are visited in input order; a cluster's centre is the
 *     point-count-weighted mean, summed exactly (int64; the sums stay below
 *     2^53, so they equal supercluster's double sums whatever the order),
 *     divided in double and truncated; its id is (index << 5) + zoom + 1 + n.
 *   - A zoom at which nothing merges reuses the finer level, as supercluster
 *     reuses its tree, so ids formed at coarser zooms name the same indexes.
 * The one place where supercluster's KD-tree order leaks into its result is
 * min_points > 2: the neighbours of a point too few to form a cluster are
 * kept in KD-tree order there, in index order here.  With the default
 * min_points 2 that branch never keeps a neighbour.
 *
 * Invariants: level 0 holds the points in input order; every coarser level
 * is the previous one after one productive zoom step; up[] links a node to
 * the node it became one level coarser, first[]/kids[] list a node's
 * children one level finer in index order.  A node with num == 1 is a point
 * and its ref is the point's index on every level.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_int.h"

#define SCALE 1073741824.0 /* 2^30: supercluster's fixed-point scale */
#define STOP_WALK 0x7fffffff

typedef struct grid {
	int64_t minx, miny;
	int64_t cell;
	double inv;          /* 1 / cell */
	uint32_t cols, rows;
	uint32_t *start;     /* cols · rows + 1 offsets into items */
	uint32_t *items;     /* node indexes, by cell */
} grid;

typedef struct level {
	size_t n;
	int32_t *x, *y;
	uint32_t *num;   /* points below the node */
	uint32_t *cnt;   /* n · GP_CATEGORY_COUNT points per category */
	uint32_t *ref;   /* cluster: its id; point: its index */
	uint32_t *up;    /* node one level coarser; NULL on the coarsest */
	uint32_t *first; /* n + 1: children one level finer; NULL on level 0 */
	uint32_t *kids;
	grid g;          /* for range queries */
} level;

struct gp_cluster_tree {
	gp_cluster_options o;
	size_t n;
	level *lv;
	int nlevels;
	int at[GP_CLUSTER_ZOOM_MAX + 2]; /* the level shown at each zoom */
};

void gp_cluster_options_default(gp_cluster_options *o)
{
	o->radius = 40;
	o->extent = 512;
	o->min_zoom = 0;
	o->max_zoom = 16;
	o->min_points = 2;
}

/* ---- supercluster's projection, operation by operation ------------------- */

static double lng_x(double lng)
{
	return lng / 360.0 + 0.5;
}

static double lat_y(double lat)
{
	double s = sin(lat * M_PI / 180.0);
	double y = 0.5 - 0.25 * log((1.0 + s) / (1.0 - s)) / M_PI;

	return y < 0 ? 0 : y > 1 ? 1 : y;
}

/* (c − 0.5)·2^30 as a double; stored it is truncated like an Int32Array. */
static double encode(double c)
{
	return (c - 0.5) * SCALE;
}

static double decode(int32_t v)
{
	return (double)v * (1.0 / SCALE) + 0.5;
}

static double x_lng(double x)
{
	return (x - 0.5) * 360.0;
}

static double y_lat(double y)
{
	double y2 = (180.0 - y * 360.0) * M_PI / 180.0;

	return 360.0 * atan(exp(y2)) / M_PI - 90.0;
}

static double radius_at(const gp_cluster_options *o, int zoom)
{
	return (double)o->radius / ((double)o->extent * (double)(1u << zoom)) * SCALE;
}

/* ---- grids ------------------------------------------------------------------ */

static void grid_free(grid *g)
{
	free(g->start);
	free(g->items);
	memset(g, 0, sizeof(*g));
}

static uint32_t cell_of(const grid *g, double v, int64_t min, uint32_t count)
{
	double c = (v - (double)min) * g->inv;

	if (c < 0)
		return 0;
	if (c >= (double)count)
		return count - 1;
	return (uint32_t)c;
}

/*
 * A copy of the clustered level in grid order, position, point count and
 * "processed" mark side by side: the neighbour scan then reads three
 * contiguous runs of one array per query instead of jumping through
 * several arrays in input order, which at a million points is the
 * difference between cache hits and misses.
 */
typedef struct entry {
	int32_t x, y;
	uint32_t num;
	uint32_t done;
} entry;

typedef struct sorted {
	entry *e;
	uint32_t *cnt;
	uint32_t *pos; /* node index → position in grid order */
} sorted;

static void sorted_free(sorted *v)
{
	free(v->e);
	free(v->cnt);
	free(v->pos);
}

/*
 * Sorts the level's nodes into square cells of at least r + 2 units, so a
 * neighbour within r is never more than one cell away even after the
 * rounding of (v − min) · inv; cells double in size until there are about
 * as many as nodes, which keeps sparse levels small.
 */
static int grid_build(grid *g, const level *L, double r, sorted *v)
{
	int32_t minx = INT32_MAX, miny = INT32_MAX, maxx = INT32_MIN, maxy = INT32_MIN;
	uint64_t budget = 2 * (uint64_t)L->n + 64, cells;
	uint32_t *where = NULL;
	int rc = GP_ENOMEM;

	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < L->n; i++) {
		if (L->x[i] < minx) minx = L->x[i];
		if (L->x[i] > maxx) maxx = L->x[i];
		if (L->y[i] < miny) miny = L->y[i];
		if (L->y[i] > maxy) maxy = L->y[i];
	}
	if (!L->n)
		minx = maxx = miny = maxy = 0;
	g->minx = minx;
	g->miny = miny;
	g->cell = (int64_t)r + 2;
	for (;;) {
		g->cols = (uint32_t)(((int64_t)maxx - minx) / g->cell + 1);
		g->rows = (uint32_t)(((int64_t)maxy - miny) / g->cell + 1);
		cells = (uint64_t)g->cols * g->rows;
		if (cells <= budget)
			break;
		g->cell *= 2;
	}
	g->inv = 1.0 / (double)g->cell;
	g->start = calloc(cells + 1, sizeof(*g->start));
	g->items = malloc((L->n ? L->n : 1) * sizeof(*g->items));
	where = malloc((L->n ? L->n : 1) * sizeof(*where));
	if (!g->start || !g->items || !where)
		goto out;
	for (size_t i = 0; i < L->n; i++) {
		uint32_t c = cell_of(g, L->y[i], g->miny, g->rows) * g->cols +
		             cell_of(g, L->x[i], g->minx, g->cols);
		where[i] = c;
		g->start[c + 1]++;
	}
	for (uint64_t c = 0; c < cells; c++)
		g->start[c + 1] += g->start[c];
	/* Placing in index order keeps each cell's items ascending; each
	 * start[c] advances to its end, so shift them back afterwards.  The
	 * grid-order copy for clustering is written in the same pass. */
	for (size_t i = 0; i < L->n; i++) {
		uint32_t slot = g->start[where[i]]++;
		g->items[slot] = (uint32_t)i;
		if (!v)
			continue;
		v->e[slot] = (entry){ L->x[i], L->y[i], L->num[i], 0 };
		memcpy(&v->cnt[(size_t)slot * GP_CATEGORY_COUNT], &L->cnt[i * GP_CATEGORY_COUNT],
		       GP_CATEGORY_COUNT * sizeof(*v->cnt));
		v->pos[i] = slot;
	}
	for (uint64_t c = cells; c > 0; c--)
		g->start[c] = g->start[c - 1];
	g->start[0] = 0;
	rc = 0;
out:
	free(where);
	if (rc)
		grid_free(g);
	return rc;
}

/* ---- levels ------------------------------------------------------------------ */

static void level_free(level *L)
{
	free(L->x);
	free(L->y);
	free(L->num);
	free(L->cnt);
	free(L->ref);
	free(L->up);
	free(L->first);
	free(L->kids);
	grid_free(&L->g);
	memset(L, 0, sizeof(*L));
}

static int level_alloc(level *L, size_t n)
{
	size_t k = n ? n : 1;

	memset(L, 0, sizeof(*L));
	L->x = malloc(k * sizeof(*L->x));
	L->y = malloc(k * sizeof(*L->y));
	L->num = malloc(k * sizeof(*L->num));
	L->cnt = malloc(k * GP_CATEGORY_COUNT * sizeof(*L->cnt));
	L->ref = malloc(k * sizeof(*L->ref));
	if (!L->x || !L->y || !L->num || !L->cnt || !L->ref) {
		level_free(L);
		return GP_ENOMEM;
	}
	return 0;
}

/* Gives back what a level allocated for more nodes than it got. */
static void level_shrink(level *L)
{
	size_t k = L->n ? L->n : 1;
	void *p;

	if ((p = realloc(L->x, k * sizeof(*L->x)))) L->x = p;
	if ((p = realloc(L->y, k * sizeof(*L->y)))) L->y = p;
	if ((p = realloc(L->num, k * sizeof(*L->num)))) L->num = p;
	if ((p = realloc(L->cnt, k * GP_CATEGORY_COUNT * sizeof(*L->cnt)))) L->cnt = p;
	if ((p = realloc(L->ref, k * sizeof(*L->ref)))) L->ref = p;
}

static void copy_node(level *Q, size_t c, const level *P, size_t i)
{
	Q->x[c] = P->x[i];
	Q->y[c] = P->y[i];
	Q->num[c] = P->num[i];
	Q->ref[c] = P->ref[i];
	memcpy(&Q->cnt[c * GP_CATEGORY_COUNT], &P->cnt[i * GP_CATEGORY_COUNT],
	       GP_CATEGORY_COUNT * sizeof(*Q->cnt));
}

/* Lists each coarse node's children (fine indexes, ascending) from fine->up. */
static int link_children(level *Q, const level *P)
{
	Q->first = calloc(Q->n + 1, sizeof(*Q->first));
	Q->kids = malloc((P->n ? P->n : 1) * sizeof(*Q->kids));
	if (!Q->first || !Q->kids)
		return GP_ENOMEM;
	for (size_t i = 0; i < P->n; i++)
		Q->first[P->up[i] + 1]++;
	for (size_t c = 0; c < Q->n; c++)
		Q->first[c + 1] += Q->first[c];
	for (size_t i = 0; i < P->n; i++)
		Q->kids[Q->first[P->up[i]]++] = (uint32_t)i;
	for (size_t c = Q->n; c > 0; c--)
		Q->first[c] = Q->first[c - 1];
	Q->first[0] = 0;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

typedef struct scratch {
	uint32_t *nb;
	size_t cap;
} scratch;

static int push(scratch *s, size_t nn, uint32_t v)
{
	if (gp_cluster_grow(&s->nb, &s->cap, nn + 1, sizeof(*s->nb), 256))
		return GP_ENOMEM;
	s->nb[nn] = v;
	return 0;
}

static int sorted_alloc(sorted *v, size_t n)
{
	size_t k = n ? n : 1;

	v->e = malloc(k * sizeof(*v->e));
	v->cnt = malloc(k * GP_CATEGORY_COUNT * sizeof(*v->cnt));
	v->pos = malloc(k * sizeof(*v->pos));
	return v->e && v->cnt && v->pos ? 0 : GP_ENOMEM;
}

/*
 * Collects into s->nb the grid positions of the unprocessed nodes within
 * r of (qx, qy) and adds their point counts to *sum; returns how many.
 */
static int neighbours(const grid *g, const sorted *v, int32_t qx, int32_t qy,
                      double r2, scratch *s, size_t *out_n,
                      uint64_t *sum)
{
	uint32_t cx = cell_of(g, qx, g->minx, g->cols), cy = cell_of(g, qy, g->miny, g->rows);
	uint32_t x0 = cx ? cx - 1 : 0, x1 = cx + 1 < g->cols ? cx + 1 : cx;
	uint32_t y0 = cy ? cy - 1 : 0, y1 = cy + 1 < g->rows ? cy + 1 : cy;
	size_t nn = 0;

	for (uint32_t yy = y0; yy <= y1; yy++) {
		uint32_t end = g->start[yy * g->cols + x1 + 1];
		for (uint32_t k = g->start[yy * g->cols + x0]; k < end; k++) {
			const entry *e = &v->e[k];
			double dx, dy;
			if (e->done)
				continue;
			dx = (double)e->x - (double)qx;
			dy = (double)e->y - (double)qy;
			if (dx * dx + dy * dy > r2)
				continue;
			if (push(s, nn, k))
				return GP_ENOMEM;
			nn++;
			*sum += e->num;
		}
	}
	*out_n = nn;
	return 0;
}

/*
 * Points are visited in input order but live in grid order, so each visit
 * is a few cache misses; ask for them ahead: the mark of the point 16
 * visits on and its cell's offset, and for the point 8 on, when it is
 * still to be visited, the three runs its neighbour scan will read.
 */
static void prefetch(const grid *g, const sorted *v, const level *P, size_t i)
{
	size_t f = i + 16;
	uint32_t c;

	if (f < P->n) {
		c = cell_of(g, P->y[f], g->miny, g->rows) * g->cols +
		    cell_of(g, P->x[f], g->minx, g->cols);
		__builtin_prefetch(&v->e[v->pos[f]]);
		__builtin_prefetch(&g->start[c]);
	}
	f = i + 8;
	if (f < P->n && !v->e[v->pos[f]].done) {
		uint32_t cy = cell_of(g, P->y[f], g->miny, g->rows);
		c = cy * g->cols + cell_of(g, P->x[f], g->minx, g->cols);
		__builtin_prefetch(&v->e[g->start[c]]);
		if (cy > 0)
			__builtin_prefetch(&v->e[g->start[c - g->cols]]);
		if (cy + 1 < g->rows)
			__builtin_prefetch(&v->e[g->start[c + g->cols]]);
	}
}

/*
 * One zoom step: clusters level P (shown at zoom + 1) into Q (shown at
 * zoom).  Sets *out_formed to 0 when nothing merged; Q is then empty and P
 * stays the level of this zoom too.
 */
static int cluster_step(gp_cluster_tree *t, level *P, int zoom, level *Q,
                        int *out_formed, scratch *s)
{
	const double r = radius_at(&t->o, zoom), r2 = r * r;
	const uint64_t min_points = (uint64_t)t->o.min_points;
	sorted v = { NULL, NULL, NULL };
	grid g;
	size_t c = 0;
	uint32_t *up = NULL;
	int rc;

	*out_formed = 0;
	memset(&g, 0, sizeof(g));
	if ((rc = sorted_alloc(&v, P->n)) || (rc = grid_build(&g, P, r, &v)) ||
	    (rc = level_alloc(Q, P->n)))
		goto out;
	rc = GP_ENOMEM;
	if (!(up = malloc((P->n ? P->n : 1) * sizeof(*up))))
		goto out;
	for (size_t i = 0; i < P->n; i++) {
		uint64_t sum = P->num[i];
		size_t nn;

		prefetch(&g, &v, P, i);
		if (v.e[v.pos[i]].done)
			continue;
		v.e[v.pos[i]].done = 1;
		if ((rc = neighbours(&g, &v, P->x[i], P->y[i], r2, s, &nn, &sum)))
			goto out;
		if (sum > P->num[i] && sum >= min_points) {
			int64_t wx = (int64_t)P->x[i] * P->num[i], wy = (int64_t)P->y[i] * P->num[i];
			uint32_t *cnt = &Q->cnt[c * GP_CATEGORY_COUNT];

			memcpy(cnt, &P->cnt[i * GP_CATEGORY_COUNT], GP_CATEGORY_COUNT * sizeof(*cnt));
			for (size_t k = 0; k < nn; k++) {
				uint32_t at = s->nb[k], j = g.items[at];
				v.e[at].done = 1;
				wx += (int64_t)v.e[at].x * v.e[at].num;
				wy += (int64_t)v.e[at].y * v.e[at].num;
				for (int cat = 0; cat < GP_CATEGORY_COUNT; cat++)
					cnt[cat] += v.cnt[(size_t)at * GP_CATEGORY_COUNT + cat];
				up[j] = (uint32_t)c;
			}
			up[i] = (uint32_t)c;
			Q->x[c] = (int32_t)((double)wx / (double)sum);
			Q->y[c] = (int32_t)((double)wy / (double)sum);
			Q->num[c] = (uint32_t)sum;
			Q->ref[c] = (uint32_t)((i << 5) + (size_t)zoom + 1 + t->n);
			c++;
			*out_formed = 1;
		} else {
			copy_node(Q, c, P, i);
			up[i] = (uint32_t)c++;
			/* Only with min_points > 2: the too-few neighbours stay points. */
			for (size_t k = 0; k < nn; k++) {
				v.e[s->nb[k]].done = 1;
				s->nb[k] = g.items[s->nb[k]];
			}
			if (nn > 1) /* s->nb may be NULL when nn is 0 */
				qsort(s->nb, nn, sizeof(*s->nb), cmp_u32);
			for (size_t k = 0; k < nn; k++) {
				copy_node(Q, c, P, s->nb[k]);
				up[s->nb[k]] = (uint32_t)c++;
			}
		}
	}
	Q->n = c;
	rc = 0;
out:
	sorted_free(&v);
	/* The grid of the step that consumed P is P's grid for range queries. */
	if (rc == 0) {
		grid_free(&P->g);
		P->g = g;
	} else {
		grid_free(&g);
	}
	if (rc == 0 && *out_formed) {
		P->up = up;
		up = NULL;
		level_shrink(Q);
		rc = link_children(Q, P);
	} else {
		level_free(Q);
	}
	free(up);
	return rc;
}

static int check_options(const gp_cluster_options *o)
{
	if (o->radius < 1 || o->extent < 1 || o->min_zoom < 0 ||
	    o->max_zoom > GP_CLUSTER_ZOOM_MAX || o->min_zoom > o->max_zoom ||
	    o->min_points < 2)
		return GP_INVALID;
	return 0;
}

void gp_cluster_tree_free(gp_cluster_tree *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->nlevels; i++)
		level_free(&t->lv[i]);
	free(t->lv);
	free(t);
}

int gp_cluster_encode(double lon, double lat, int32_t *out_x, int32_t *out_y)
{
	if (!isfinite(lon) || !isfinite(lat))
		return GP_INVALID;
	*out_x = (int32_t)encode(lng_x(lon));
	*out_y = (int32_t)encode(lat_y(lat));
	return 0;
}

/* Builds every level from level 0, whose positions the caller filled. */
static int build(gp_cluster_tree *t)
{
	const gp_cluster_options *o = &t->o;
	scratch s = { NULL, 0 };
	level *top;
	int rc = 0;

	t->at[o->max_zoom + 1] = 0;
	for (int z = o->max_zoom; z >= o->min_zoom; z--) {
		int prev = t->at[z + 1], formed;
		if ((rc = cluster_step(t, &t->lv[prev], z, &t->lv[t->nlevels], &formed, &s)))
			goto out;
		t->at[z] = formed ? t->nlevels++ : prev;
	}
	top = &t->lv[t->at[o->min_zoom]];
	if (!top->g.start)
		rc = grid_build(&top->g, top, 2 * radius_at(o, o->min_zoom), NULL);
out:
	free(s.nb);
	return rc;
}

/* A tree whose level 0 holds n points with num, ref and counts set. */
static int tree_alloc(gp_cluster_tree **out, const gp_cluster_options *o,
                      const uint8_t *category, size_t n)
{
	gp_cluster_tree *t;
	level *L;

	*out = NULL;
	if (check_options(o) || n > GP_CLUSTER_POINTS_MAX)
		return GP_INVALID;
	for (size_t i = 0; i < n; i++)
		if (category[i] >= GP_CATEGORY_COUNT)
			return GP_INVALID;
	if (!(t = calloc(1, sizeof(*t))))
		return GP_ENOMEM;
	t->o = *o;
	t->n = n;
	t->lv = calloc((size_t)(o->max_zoom - o->min_zoom + 2), sizeof(*t->lv));
	if (!t->lv || level_alloc(&t->lv[0], n)) {
		gp_cluster_tree_free(t);
		return GP_ENOMEM;
	}
	t->nlevels = 1;
	L = &t->lv[0];
	L->n = n;
	for (size_t i = 0; i < n; i++) {
		L->num[i] = 1;
		L->ref[i] = (uint32_t)i;
		for (int cat = 0; cat < GP_CATEGORY_COUNT; cat++)
			L->cnt[i * GP_CATEGORY_COUNT + cat] = category[i] == cat;
	}
	*out = t;
	return 0;
}

/* Builds t (level 0 filled unless rc says otherwise) into *out, or frees it. */
static int finish(gp_cluster_tree **out, gp_cluster_tree *t, int rc)
{
	if (rc || (rc = build(t))) {
		gp_cluster_tree_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int gp_cluster_tree_new(gp_cluster_tree **out, const gp_cluster_options *o,
                        const double *lon, const double *lat,
                        const uint8_t *category, size_t n)
{
	gp_cluster_tree *t;
	int rc;

	*out = NULL;
	if ((rc = tree_alloc(&t, o, category, n)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++)
		rc = gp_cluster_encode(lon[i], lat[i], &t->lv[0].x[i], &t->lv[0].y[i]);
	return finish(out, t, rc);
}

int gp_cluster_tree_new_encoded(gp_cluster_tree **out, const gp_cluster_options *o,
                                const int32_t *x, const int32_t *y,
                                const uint8_t *category, size_t n)
{
	gp_cluster_tree *t;
	int rc;

	*out = NULL;
	if ((rc = tree_alloc(&t, o, category, n)))
		return rc;
	if (n) { /* an empty layout may come with NULL arrays */
		memcpy(t->lv[0].x, x, n * sizeof(*x));
		memcpy(t->lv[0].y, y, n * sizeof(*y));
	}
	return finish(out, t, 0);
}

int gp_cluster_grow(void *p, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t c = *cap ? *cap : first;
	void *old, *grown;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	/* p points to a T* of any T: copied as bytes, which C allows for any object. */
	memcpy(&old, p, sizeof(old));
	if (!(grown = realloc(old, c * size)))
		return GP_ENOMEM;
	memcpy(p, &grown, sizeof(grown));
	*cap = c;
	return 0;
}

size_t gp_cluster_tree_size(const gp_cluster_tree *t)
{
	return t->n;
}

size_t gp_cluster_tree_memory(const gp_cluster_tree *t)
{
	size_t bytes = sizeof(*t) + (size_t)(t->o.max_zoom - t->o.min_zoom + 2) * sizeof(level);

	for (int i = 0; i < t->nlevels; i++) {
		const level *L = &t->lv[i];
		bytes += L->n * (2 * sizeof(int32_t) + 2 * sizeof(uint32_t) +
		                 GP_CATEGORY_COUNT * sizeof(uint32_t));
		if (L->up)
			bytes += L->n * sizeof(uint32_t);
		if (L->first)
			bytes += (L->n + 1) * sizeof(uint32_t) + t->lv[i - 1].n * sizeof(uint32_t);
		if (L->g.start)
			bytes += ((size_t)L->g.cols * L->g.rows + 1 + L->n) * sizeof(uint32_t);
	}
	return bytes;
}

static void fill_node(const gp_cluster_tree *t, const level *L, uint32_t c,
                      gp_cluster_node *node)
{
	node->is_cluster = L->num[c] > 1;
	node->id = L->ref[c];
	node->count = L->num[c];
	memcpy(node->counts, &L->cnt[(size_t)c * GP_CATEGORY_COUNT], sizeof(node->counts));
	if (node->is_cluster) {
		node->lon = x_lng(decode(L->x[c]));
		node->lat = y_lat(decode(L->y[c]));
		/* getClusterExpansionZoom: a cluster always has ≥ 2 children at its
		 * origin zoom, so it is that zoom, encoded in the id. */
		node->expansion_zoom = (int)((L->ref[c] - t->n) % 32);
	} else {
		node->lon = node->lat = 0;
		node->expansion_zoom = -1;
	}
}

/* One box that does not cross the antimeridian, in supercluster's terms. */
static int query_box(const gp_cluster_tree *t, const level *L, double min_lng,
                     double min_lat, double max_lng, double max_lat,
                     gp_cluster_node_cb cb, void *ctx)
{
	const grid *g = &L->g;
	double qx0 = encode(lng_x(min_lng)), qy0 = encode(lat_y(max_lat));
	double qx1 = encode(lng_x(max_lng)), qy1 = encode(lat_y(min_lat));
	uint32_t cx0, cx1, cy0, cy1;
	gp_cluster_node node;
	int rc;

	if (!L->n)
		return 0;
	cx0 = cell_of(g, qx0, g->minx, g->cols);
	cx1 = cell_of(g, qx1, g->minx, g->cols);
	cy0 = cell_of(g, qy0, g->miny, g->rows);
	cy1 = cell_of(g, qy1, g->miny, g->rows);
	for (uint32_t yy = cy0; yy <= cy1; yy++) {
		for (uint32_t xx = cx0; xx <= cx1; xx++) {
			uint32_t cell = yy * g->cols + xx;
			for (uint32_t k = g->start[cell]; k < g->start[cell + 1]; k++) {
				uint32_t j = g->items[k];
				double x = L->x[j], y = L->y[j];
				if (x < qx0 || x > qx1 || y < qy0 || y > qy1)
					continue;
				fill_node(t, L, j, &node);
				if ((rc = cb(ctx, &node)))
					return rc;
			}
		}
	}
	return 0;
}

static double clamp_lat(double v)
{
	return v < -90 ? -90 : v > 90 ? 90 : v;
}

/* ((v + 180) % 360 + 360) % 360 − 180, as JavaScript computes it. */
static double wrap_lng(double v)
{
	return fmod(fmod(v + 180.0, 360.0) + 360.0, 360.0) - 180.0;
}

int gp_cluster_tree_query(const gp_cluster_tree *t, const gp_bbox *b, int zoom,
                          gp_cluster_node_cb cb, void *ctx)
{
	double min_lng = wrap_lng(b->minx), max_lng = b->maxx == 180 ? 180 : wrap_lng(b->maxx);
	double min_lat = clamp_lat(b->miny), max_lat = clamp_lat(b->maxy);
	const level *L;
	int z = zoom, rc;

	if (z > t->o.max_zoom + 1)
		z = t->o.max_zoom + 1;
	if (z < t->o.min_zoom)
		z = t->o.min_zoom;
	L = &t->lv[t->at[z]];
	if (b->maxx - b->minx >= 360) {
		min_lng = -180;
		max_lng = 180;
	} else if (min_lng > max_lng) {
		if ((rc = query_box(t, L, min_lng, min_lat, 180, max_lat, cb, ctx)))
			return rc;
		return query_box(t, L, -180, min_lat, max_lng, max_lat, cb, ctx);
	}
	return query_box(t, L, min_lng, min_lat, max_lng, max_lat, cb, ctx);
}

/* Finds cluster `id`: the level it is shown on from its origin zoom down, and its node there. */
static int find_cluster(const gp_cluster_tree *t, uint32_t id, int *out_level,
                        uint32_t *out_node)
{
	uint32_t k, origin, c;
	int z, fine, coarse;

	if (id < t->n)
		return GP_NOT_FOUND;
	k = (uint32_t)(id - t->n);
	z = (int)(k % 32) - 1;
	origin = k >> 5;
	if (z < t->o.min_zoom || z > t->o.max_zoom)
		return GP_NOT_FOUND;
	fine = t->at[z + 1];
	coarse = t->at[z];
	if (fine == coarse || origin >= t->lv[fine].n)
		return GP_NOT_FOUND;
	c = t->lv[fine].up[origin];
	if (t->lv[coarse].num[c] < 2 || t->lv[coarse].ref[c] != id)
		return GP_NOT_FOUND;
	*out_level = coarse;
	*out_node = c;
	return 0;
}

int gp_cluster_tree_cluster(const gp_cluster_tree *t, uint32_t id, gp_cluster_node *out)
{
	uint32_t c;
	int li, rc;

	if ((rc = find_cluster(t, id, &li, &c)))
		return rc;
	fill_node(t, &t->lv[li], c, out);
	return 0;
}

typedef struct walk {
	uint64_t skip, left;
	gp_cluster_leaf_cb cb;
	void *ctx;
} walk;

static int walk_leaves(const gp_cluster_tree *t, int li, uint32_t c, walk *w)
{
	const level *L = &t->lv[li];
	int rc;

	if (L->num[c] == 1) {
		if (w->skip) {
			w->skip--;
			return 0;
		}
		if (!w->left)
			return STOP_WALK;
		w->left--;
		return w->cb(w->ctx, L->ref[c]);
	}
	if (w->skip >= L->num[c]) {
		w->skip -= L->num[c];
		return 0;
	}
	for (uint32_t k = L->first[c]; k < L->first[c + 1]; k++) {
		if (!w->left)
			return STOP_WALK;
		if ((rc = walk_leaves(t, li - 1, L->kids[k], w)))
			return rc;
	}
	return 0;
}

int gp_cluster_tree_leaves(const gp_cluster_tree *t, uint32_t id, uint64_t offset,
                           uint64_t limit, gp_cluster_leaf_cb cb, void *ctx)
{
	walk w = { offset, limit, cb, ctx };
	uint32_t c;
	int li, rc;

	if ((rc = find_cluster(t, id, &li, &c)))
		return rc;
	rc = walk_leaves(t, li, c, &w);
	return rc == STOP_WALK ? 0 : rc;
}
