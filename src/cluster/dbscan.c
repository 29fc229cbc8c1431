/*
 * dbscan.c — density clusters in metres (DBSCAN, Ester et al. 1996) over
 * a grid of cells, with a bound on the work, for the planners' hotspots.
 *
 * The answer is DBSCAN's as its classic point-by-point expansion in array
 * order gives it: core points are those with min_points points within eps
 * (themselves included); core points within eps of each other share a
 * cluster; clusters are numbered by their lowest-index core point; every
 * other point within eps of a core point joins the lowest-numbered such
 * cluster (the first to reach it); the rest is noise.  How it gets there:
 *
 *   - Points are sorted into square cells of side eps/(2√2) (larger when
 *     that would make more cells than points), so for any
 *     two cells the distance of every pair of their points lies between
 *     the cells' least and greatest distance.  A pair of cells is "full"
 *     when even the greatest is within eps, "partial" when only the least
 *     is, and out of reach otherwise.
 *   - A point's neighbour count lies between the points of its full cells
 *     and those of its full and partial cells.  Where the lower bound
 *     reaches min_points the point is core, where the upper one does not
 *     it is not — both without a single distance; only the points in
 *     between test the points of their partial cells (and stop early).
 *   - The core points of a cell whose own diagonal is within eps form one
 *     cluster; full pairs of cells join at once, partial pairs as soon as
 *     one pair of their core points is within eps.
 *
 * Work is counted in distance tests and cell visits; a point looking at a
 * cell (placing it against its circle) counts as much as LOOK_WORK
 * distance tests, about what it costs.  The core phase is estimated from
 * the cells alone before it starts, so a request that would take several
 * budgets is refused at once; every phase counts the work it does and
 * stops when the budget is spent.
 *
 * Must never: depend on the order of anything but the input arrays — the
 * same points in the same order always give the same clusters.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_int.h"

/* A point placing a cell against its circle costs about this many distance tests. */
#define LOOK_WORK 4

typedef struct grid {
	double minx, miny, cell;
	int64_t cols, rows;
	uint32_t *start;   /* cols · rows + 1: the cell's first sorted position */
	uint32_t *order;   /* sorted position → input index (ascending in a cell) */
	double *sx, *sy;   /* coordinates by sorted position */
	int self_full;     /* a cell's diagonal is within eps */
} grid;

/* A cell offset within reach, and whether every pair across it is. */
typedef struct reach {
	int dx, dy;
	int full;
	double near2; /* the cells' least distance, squared */
} reach;

typedef struct run {
	grid g;
	const double *x, *y;
	size_t n;
	double eps, eps2;
	size_t min_points;
	reach *stencil;
	size_t nstencil;
	uint8_t *core;      /* by sorted position */
	uint32_t *ncore;    /* core points per cell */
	uint32_t *parent;   /* union-find over sorted positions */
	uint64_t work, budget;
} run;

static void grid_free(grid *g)
{
	free(g->start);
	free(g->order);
	free(g->sx);
	free(g->sy);
}

static int64_t coord_cell(double v, double min, double cell, int64_t count)
{
	double c = floor((v - min) / cell);

	if (c < 0)
		return 0;
	if (c >= (double)count)
		return count - 1;
	return (int64_t)c;
}

static int grid_build(run *r)
{
	grid *g = &r->g;
	const double *x = r->x, *y = r->y;
	double maxx = -INFINITY, maxy = -INFINITY;
	size_t n = r->n, cells;
	uint32_t *cell_of;

	memset(g, 0, sizeof(*g));
	g->minx = g->miny = INFINITY;
	for (size_t i = 0; i < n; i++) {
		if (x[i] < g->minx) g->minx = x[i];
		if (x[i] > maxx) maxx = x[i];
		if (y[i] < g->miny) g->miny = y[i];
		if (y[i] > maxy) maxy = y[i];
	}
	if (!n)
		g->minx = g->miny = maxx = maxy = 0;
	/*
	 * A hair under eps/(2√2), so rounding never makes a "full" pair hold
	 * two points further apart than eps; cells grow (staying correct,
	 * merely less decisive) until there are about as many as points.
	 */
	g->cell = r->eps / (2 * M_SQRT2) * (1 - 1e-9);
	for (;;) {
		g->cols = (int64_t)((maxx - g->minx) / g->cell) + 1;
		g->rows = (int64_t)((maxy - g->miny) / g->cell) + 1;
		if ((double)g->cols * (double)g->rows <= (double)n + 1024)
			break;
		g->cell *= 2;
	}
	g->self_full = g->cell * M_SQRT2 <= r->eps;
	cells = (size_t)(g->cols * g->rows);
	g->start = calloc(cells + 1, sizeof(*g->start));
	g->order = malloc((n ? n : 1) * sizeof(*g->order));
	g->sx = malloc((n ? n : 1) * sizeof(*g->sx));
	g->sy = malloc((n ? n : 1) * sizeof(*g->sy));
	cell_of = malloc((n ? n : 1) * sizeof(*cell_of));
	if (!g->start || !g->order || !g->sx || !g->sy || !cell_of) {
		free(cell_of);
		return GP_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t c = (size_t)(coord_cell(y[i], g->miny, g->cell, g->rows) * g->cols +
		                    coord_cell(x[i], g->minx, g->cell, g->cols));
		cell_of[i] = (uint32_t)c;
		g->start[c + 1]++;
	}
	for (size_t c = 0; c < cells; c++)
		g->start[c + 1] += g->start[c];
	for (size_t i = 0; i < n; i++) {
		uint32_t at = g->start[cell_of[i]]++;
		g->order[at] = (uint32_t)i;
		g->sx[at] = x[i];
		g->sy[at] = y[i];
	}
	for (size_t c = cells; c > 0; c--)
		g->start[c] = g->start[c - 1];
	g->start[0] = 0;
	free(cell_of);
	r->work += n;
	return 0;
}

static int cmp_reach(const void *a, const void *b)
{
	const reach *x = a, *y = b;

	if (x->near2 != y->near2)
		return x->near2 < y->near2 ? -1 : 1;
	if (x->dy != y->dy)
		return x->dy - y->dy;
	return x->dx - y->dx;
}

/* The offsets within reach of eps, and which of them are full. */
static int stencil_build(run *r)
{
	double cell = r->g.cell;
	int k = (int)ceil(r->eps / cell) + 1;

	r->stencil = malloc((size_t)(2 * k + 1) * (size_t)(2 * k + 1) * sizeof(*r->stencil));
	if (!r->stencil)
		return GP_ENOMEM;
	for (int dy = -k; dy <= k; dy++)
		for (int dx = -k; dx <= k; dx++) {
			double nx = (abs(dx) > 0 ? abs(dx) - 1 : 0) * cell;
			double ny = (abs(dy) > 0 ? abs(dy) - 1 : 0) * cell;
			double fx = (abs(dx) + 1) * cell, fy = (abs(dy) + 1) * cell;
			/* Generous by a hair: rounding may put a point a hair off its cell. */
			if (nx * nx + ny * ny > r->eps2 * (1 + 1e-9))
				continue;
			r->stencil[r->nstencil++] = (reach){ dx, dy, fx * fx + fy * fy <= r->eps2,
				                             nx * nx + ny * ny };
		}
	/* Nearest first: an undecided point reaches min_points sooner. */
	qsort(r->stencil, r->nstencil, sizeof(*r->stencil), cmp_reach);
	return 0;
}

/* The cell at offset s from (cx, cy), or -1 outside the grid. */
static int64_t cell_at(const grid *g, int64_t cx, int64_t cy, const reach *s)
{
	int64_t x = cx + s->dx, y = cy + s->dy;

	if (x < 0 || y < 0 || x >= g->cols || y >= g->rows)
		return -1;
	return y * g->cols + x;
}

static uint32_t cell_size(const grid *g, int64_t c)
{
	return g->start[c + 1] - g->start[c];
}

/*
 * How a cell lies for one point: 0 out of reach, 2 wholly within eps, 1 in
 * between (its points need testing).
 */
static int cell_reach_at(const run *r, int64_t col, int64_t row, double px, double py)
{
	const grid *g = &r->g;
	double x0 = g->minx + (double)col * g->cell, y0 = g->miny + (double)row * g->cell;
	double x1 = x0 + g->cell, y1 = y0 + g->cell;
	double nx = px < x0 ? x0 - px : px > x1 ? px - x1 : 0;
	double ny = py < y0 ? y0 - py : py > y1 ? py - y1 : 0;
	double fx = px - x0 > x1 - px ? px - x0 : x1 - px;
	double fy = py - y0 > y1 - py ? py - y0 : y1 - py;

	/* A hair of slack both ways: rounding may put a point a hair off its cell. */
	if (nx * nx + ny * ny > r->eps2 * (1 + 1e-9))
		return 0;
	if (fx * fx + fy * fy <= r->eps2 * (1 - 1e-9))
		return 2;
	return 1;
}

static int cell_reach(const run *r, int64_t c, double px, double py)
{
	return cell_reach_at(r, c % r->g.cols, c / r->g.cols, px, py);
}

/* Points of sorted positions [from, to) within eps of (px, py). */
static size_t count_near(const run *r, uint32_t from, uint32_t to, double px, double py)
{
	size_t hits = 0;

	for (uint32_t j = from; j < to; j++) {
		double dx = r->g.sx[j] - px, dy = r->g.sy[j] - py;
		hits += dx * dx + dy * dy <= r->eps2;
	}
	return hits;
}

/* ---- core points ------------------------------------------------------------------ */

/*
 * Bounds each cell's points' neighbour counts; with estimate set, only adds
 * up the distance tests the undecided points would need.
 */
static int find_cores(run *r, int estimate)
{
	const grid *g = &r->g;

	for (int64_t c = 0; c < g->cols * g->rows; c++) {
		int64_t cx = c % g->cols, cy = c / g->cols;
		uint32_t size = cell_size(g, c);
		size_t lower = 0, upper = 0;

		if (!size)
			continue;
		for (size_t s = 0; s < r->nstencil; s++) {
			int64_t d = cell_at(g, cx, cy, &r->stencil[s]);
			if (d < 0)
				continue;
			if (r->stencil[s].full)
				lower += cell_size(g, d);
			upper += cell_size(g, d);
		}
		r->work += r->nstencil;
		if (lower >= r->min_points) {
			if (!estimate) {
				memset(r->core + g->start[c], 1, size);
				r->ncore[c] = size;
			}
			continue;
		}
		if (upper < r->min_points)
			continue;
		if (estimate) {
			/*
			 * About half the cells in between straddle a point's circle;
			 * each point looks at about half the cells before it stops.
			 */
			r->work += (uint64_t)size * ((upper - lower) / 2 + r->nstencil / 2 * LOOK_WORK);
			continue;
		}
		for (uint32_t i = g->start[c]; i < g->start[c + 1]; i++) {
			size_t hits = lower, s;
			for (s = 0; s < r->nstencil && hits < r->min_points; s++) {
				int64_t d = cell_at(g, cx, cy, &r->stencil[s]);
				int how;
				if (d < 0 || r->stencil[s].full || !cell_size(g, d))
					continue;
				how = cell_reach_at(r, cx + r->stencil[s].dx, cy + r->stencil[s].dy,
				                    g->sx[i], g->sy[i]);
				if (how == 2) {
					hits += cell_size(g, d);
				} else if (how == 1) {
					hits += count_near(r, g->start[d], g->start[d + 1], g->sx[i], g->sy[i]);
					r->work += cell_size(g, d);
				}
			}
			r->work += s * LOOK_WORK;
			if (hits >= r->min_points) {
				r->core[i] = 1;
				r->ncore[c]++;
			}
		}
		if (r->work > r->budget)
			return GP_TOO_LARGE;
	}
	return 0;
}

/* ---- clusters of core points --------------------------------------------------------- */

static uint32_t find(uint32_t *parent, uint32_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

/* Joins the sets of a and b, the lower position becoming the root. */
static void join(uint32_t *parent, uint32_t a, uint32_t b)
{
	a = find(parent, a);
	b = find(parent, b);
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

/* The first core point of cell c (its cores are one set when self_full). */
static uint32_t first_core(const run *r, int64_t c)
{
	uint32_t i = r->g.start[c];

	while (!r->core[i])
		i++;
	return i;
}

/* Joins what the core points of cells c and d reach of each other. */
static int join_cells(run *r, int64_t c, int64_t d, int full)
{
	const grid *g = &r->g;

	if (full && g->self_full) {
		join(r->parent, first_core(r, c), first_core(r, d));
		return 0;
	}
	if (g->self_full && find(r->parent, first_core(r, c)) == find(r->parent, first_core(r, d)))
		return 0;
	for (uint32_t i = g->start[c]; i < g->start[c + 1]; i++) {
		if (!r->core[i] || (c != d && !cell_reach(r, d, g->sx[i], g->sy[i])))
			continue;
		r->work++;
		for (uint32_t j = g->start[d]; j < g->start[d + 1]; j++) {
			double dx, dy;
			if (!r->core[j] || (c == d && j <= i))
				continue;
			r->work++;
			dx = g->sx[j] - g->sx[i];
			dy = g->sy[j] - g->sy[i];
			if (dx * dx + dy * dy <= r->eps2) {
				join(r->parent, i, j);
				if (g->self_full)
					return 0; /* one pair joins the two cells */
			}
		}
		if (r->work > r->budget)
			return GP_TOO_LARGE;
	}
	return 0;
}

/*
 * Full pairs of cells first (one union each), then the partial pairs, most
 * of which the first pass has already joined through their neighbours.
 */
static int join_cores(run *r)
{
	const grid *g = &r->g;
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		for (int64_t c = 0; c < g->cols * g->rows; c++) {
			int64_t cx = c % g->cols, cy = c / g->cols;

			if (!r->ncore[c])
				continue;
			if (pass == 0 && g->self_full) {
				uint32_t first = first_core(r, c);
				for (uint32_t i = first + 1; i < g->start[c + 1]; i++)
					if (r->core[i])
						r->parent[i] = first; /* roots of their own until now */
			} else if (pass == 1 && !g->self_full && (rc = join_cells(r, c, c, 0))) {
				return rc;
			}
			/* Each pair of cells once: the ones after c in cell order. */
			for (size_t s = 0; s < r->nstencil; s++) {
				const reach *st = &r->stencil[s];
				int64_t d;
				if (st->full != (pass == 0))
					continue;
				d = cell_at(g, cx, cy, st);
				if (d <= c || !r->ncore[d])
					continue;
				if ((rc = join_cells(r, c, d, st->full)))
					return rc;
			}
			r->work += r->nstencil;
			if (r->work > r->budget)
				return GP_TOO_LARGE;
		}
	}
	return 0;
}

/* ---- labels ------------------------------------------------------------------------ */

/*
 * Numbers the clusters by their lowest input index and labels every point:
 * core points their cluster, others the lowest-numbered cluster with a core
 * point within eps, or noise.
 */
static int label_points(run *r, int32_t *labels, size_t *out_clusters)
{
	const grid *g = &r->g;
	size_t n = r->n, clusters = 0;
	uint32_t *first = NULL; /* per set root: lowest input index + 1 */
	int32_t *number = NULL; /* per set root */
	uint32_t *pos = NULL;   /* input index → sorted position */
	int rc = GP_ENOMEM;

	first = calloc(n ? n : 1, sizeof(*first));
	number = malloc((n ? n : 1) * sizeof(*number));
	pos = malloc((n ? n : 1) * sizeof(*pos));
	if (!first || !number || !pos)
		goto out;
	for (size_t i = 0; i < n; i++) {
		pos[g->order[i]] = (uint32_t)i;
		labels[i] = GP_CLUSTER_NOISE;
	}
	/* Clusters in the order the classic expansion creates them. */
	for (size_t k = 0; k < n; k++) {
		uint32_t i = pos[k], root;
		if (!r->core[i])
			continue;
		root = find(r->parent, i);
		if (!first[root]) {
			first[root] = (uint32_t)k + 1;
			number[root] = (int32_t)clusters++;
		}
		labels[k] = number[root];
	}
	/* Border points: the lowest-numbered cluster that reaches them. */
	for (int64_t c = 0; c < g->cols * g->rows; c++) {
		int64_t cx = c % g->cols, cy = c / g->cols;
		size_t near_cores = 0;

		if (cell_size(g, c) == r->ncore[c])
			continue;
		for (size_t s = 0; s < r->nstencil; s++) {
			int64_t d = cell_at(g, cx, cy, &r->stencil[s]);
			if (d >= 0)
				near_cores += r->ncore[d];
		}
		r->work += r->nstencil;
		if (!near_cores)
			continue;
		for (uint32_t i = g->start[c]; i < g->start[c + 1]; i++) {
			int32_t best = -1;
			if (r->core[i])
				continue;
			r->work += r->nstencil * LOOK_WORK;
			for (size_t s = 0; s < r->nstencil; s++) {
				const reach *st = &r->stencil[s];
				int64_t d = cell_at(g, cx, cy, st);
				int32_t whole;
				if (d < 0 || !r->ncore[d])
					continue;
				/* A cell whose cores are one cluster is decided by one of them. */
				whole = g->self_full ? number[find(r->parent, first_core(r, d))] : -1;
				if (whole >= 0 && best >= 0 && whole >= best)
					continue;
				if (whole >= 0 && st->full) {
					best = whole;
					continue;
				}
				if (!cell_reach_at(r, cx + st->dx, cy + st->dy, g->sx[i], g->sy[i]))
					continue;
				for (uint32_t j = g->start[d]; j < g->start[d + 1]; j++) {
					double dx, dy;
					int32_t k;
					if (!r->core[j])
						continue;
					r->work++;
					dx = g->sx[j] - g->sx[i];
					dy = g->sy[j] - g->sy[i];
					if (dx * dx + dy * dy > r->eps2)
						continue;
					k = number[find(r->parent, j)];
					if (best < 0 || k < best)
						best = k;
					if (whole >= 0)
						break;
				}
			}
			labels[g->order[i]] = best;
		}
		if (r->work > r->budget) {
			rc = GP_TOO_LARGE;
			goto out;
		}
	}
	*out_clusters = clusters;
	rc = 0;
out:
	free(first);
	free(number);
	free(pos);
	return rc;
}

int gp_cluster_dbscan_bounded(int32_t *labels, size_t *out_clusters, const double *x,
                              const double *y, size_t n, double eps, size_t min_points,
                              uint64_t budget, uint64_t *out_work)
{
	run r;
	size_t cells;
	int rc;

	*out_clusters = 0;
	if (out_work)
		*out_work = 0;
	if (!(eps > 0) || !isfinite(eps) || min_points < 1 || n > INT32_MAX)
		return GP_INVALID;
	memset(&r, 0, sizeof(r));
	r.x = x;
	r.y = y;
	r.n = n;
	r.eps = eps;
	r.eps2 = eps * eps;
	r.min_points = min_points;
	r.budget = budget;
	if ((rc = grid_build(&r)) || (rc = stencil_build(&r)))
		goto out;
	cells = (size_t)(r.g.cols * r.g.rows);
	/*
	 * Refused before any distance is measured when the cells say the core
	 * phase alone would take several budgets (the estimate assumes no
	 * early stop); then the work actually done counts against the budget.
	 */
	{
		uint64_t base = r.work;
		if ((rc = find_cores(&r, 1)))
			goto out;
		if (r.work - base > 3 * budget) {
			rc = GP_TOO_LARGE;
			goto out;
		}
		r.work = base;
	}
	r.core = calloc(n ? n : 1, sizeof(*r.core));
	r.ncore = calloc(cells, sizeof(*r.ncore));
	r.parent = malloc((n ? n : 1) * sizeof(*r.parent));
	if (!r.core || !r.ncore || !r.parent) {
		rc = GP_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		r.parent[i] = (uint32_t)i;
	if ((rc = find_cores(&r, 0)))
		goto out;
	if (r.work > budget) {
		rc = GP_TOO_LARGE;
		goto out;
	}
	if ((rc = join_cores(&r)) || (rc = label_points(&r, labels, out_clusters)))
		goto out;
out:
	if (out_work)
		*out_work = r.work;
	grid_free(&r.g);
	free(r.stencil);
	free(r.core);
	free(r.ncore);
	free(r.parent);
	if (rc)
		*out_clusters = 0;
	return rc;
}

int gp_cluster_dbscan(int32_t *labels, size_t *out_clusters, const double *x,
                      const double *y, size_t n, double eps, size_t min_points)
{
	return gp_cluster_dbscan_bounded(labels, out_clusters, x, y, n, eps, min_points,
	                                 UINT64_MAX, NULL);
}
