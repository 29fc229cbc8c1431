/*
 * dbscan.c — density clusters in metres (DBSCAN, Ester et al. 1996) over a
 * uniform grid of eps-sized cells, for the planners' hotspots.
 *
 * Invariants: every point is expanded (its neighbourhood searched) at most
 * once, so the work is n neighbourhood searches of nine cells each; labels
 * only ever go from "unvisited" to noise or a cluster, and from noise to a
 * cluster (a border point), never between clusters.
 *
 * Must never: depend on the order of anything but the input arrays — the
 * same points in the same order always give the same clusters.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_int.h"

#define UNVISITED (-2)

typedef struct dgrid {
	double minx, miny, cell;
	size_t cols, rows;
	uint32_t *start; /* cols · rows + 1 */
	uint32_t *items; /* point indexes by cell, ascending within a cell */
	uint32_t *cell_of;
} dgrid;

static void dgrid_free(dgrid *g)
{
	free(g->start);
	free(g->items);
	free(g->cell_of);
}

static size_t coord_cell(double v, double min, double cell, size_t count)
{
	double c = floor((v - min) / cell);

	if (c < 0)
		return 0;
	if (c >= (double)count)
		return count - 1;
	return (size_t)c;
}

static int dgrid_build(dgrid *g, const double *x, const double *y, size_t n, double eps)
{
	double maxx = -INFINITY, maxy = -INFINITY;
	size_t cells;

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
	 * A hair over eps, so two points within eps are never two cells apart
	 * after rounding; cells grow (staying correct) until there are about
	 * as many as points.
	 */
	g->cell = eps * (1 + 1e-9) + 1e-9;
	for (;;) {
		g->cols = (size_t)((maxx - g->minx) / g->cell) + 1;
		g->rows = (size_t)((maxy - g->miny) / g->cell) + 1;
		if ((double)g->cols * (double)g->rows <= 2.0 * (double)n + 64)
			break;
		g->cell *= 2;
	}
	cells = g->cols * g->rows;
	g->start = calloc(cells + 1, sizeof(*g->start));
	g->items = malloc((n ? n : 1) * sizeof(*g->items));
	g->cell_of = malloc((n ? n : 1) * sizeof(*g->cell_of));
	if (!g->start || !g->items || !g->cell_of)
		return GP_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t c = coord_cell(y[i], g->miny, g->cell, g->rows) * g->cols +
		           coord_cell(x[i], g->minx, g->cell, g->cols);
		g->cell_of[i] = (uint32_t)c;
		g->start[c + 1]++;
	}
	for (size_t c = 0; c < cells; c++)
		g->start[c + 1] += g->start[c];
	for (size_t i = 0; i < n; i++)
		g->items[g->start[g->cell_of[i]]++] = (uint32_t)i;
	for (size_t c = cells; c > 0; c--)
		g->start[c] = g->start[c - 1];
	g->start[0] = 0;
	return 0;
}

typedef struct vec {
	uint32_t *v;
	size_t n, cap;
} vec;

static int vec_push(vec *q, uint32_t v)
{
	if (gp_cluster_grow(&q->v, &q->cap, q->n + 1, sizeof(*q->v), 256))
		return GP_ENOMEM;
	q->v[q->n++] = v;
	return 0;
}

/* Every point within eps of point i (itself included) into out. */
static int region(const dgrid *g, const double *x, const double *y, size_t i,
                  double eps2, vec *out)
{
	size_t c = g->cell_of[i], cx = c % g->cols, cy = c / g->cols;
	size_t x0 = cx ? cx - 1 : 0, x1 = cx + 1 < g->cols ? cx + 1 : cx;
	size_t y0 = cy ? cy - 1 : 0, y1 = cy + 1 < g->rows ? cy + 1 : cy;

	out->n = 0;
	for (size_t yy = y0; yy <= y1; yy++) {
		for (size_t k = g->start[yy * g->cols + x0]; k < g->start[yy * g->cols + x1 + 1]; k++) {
			uint32_t j = g->items[k];
			double dx = x[j] - x[i], dy = y[j] - y[i];
			if (dx * dx + dy * dy <= eps2 && vec_push(out, j))
				return GP_ENOMEM;
		}
	}
	return 0;
}

int gp_cluster_dbscan(int32_t *labels, size_t *out_clusters, const double *x,
                      const double *y, size_t n, double eps, size_t min_points)
{
	const double eps2 = eps * eps;
	vec nb = { NULL, 0, 0 }, queue = { NULL, 0, 0 };
	dgrid g;
	int32_t clusters = 0;
	int rc;

	*out_clusters = 0;
	if (!(eps > 0) || !isfinite(eps) || min_points < 1 || n > INT32_MAX)
		return GP_INVALID;
	if ((rc = dgrid_build(&g, x, y, n, eps)))
		goto out;
	for (size_t i = 0; i < n; i++)
		labels[i] = UNVISITED;
	for (size_t i = 0; i < n; i++) {
		if (labels[i] != UNVISITED)
			continue;
		if ((rc = region(&g, x, y, i, eps2, &nb)))
			goto out;
		if (nb.n < min_points) {
			labels[i] = GP_CLUSTER_NOISE; /* may still become a border point */
			continue;
		}
		labels[i] = clusters;
		queue.n = 0;
		for (size_t k = 0; k < nb.n; k++) {
			uint32_t j = nb.v[k];
			if (labels[j] == GP_CLUSTER_NOISE) {
				labels[j] = clusters; /* border: not core, never expanded */
			} else if (labels[j] == UNVISITED) {
				labels[j] = clusters;
				if ((rc = vec_push(&queue, j)))
					goto out;
			}
		}
		while (queue.n) {
			uint32_t p = queue.v[--queue.n];
			if ((rc = region(&g, x, y, p, eps2, &nb)))
				goto out;
			if (nb.n < min_points)
				continue; /* a border point */
			for (size_t k = 0; k < nb.n; k++) {
				uint32_t j = nb.v[k];
				if (labels[j] == GP_CLUSTER_NOISE) {
					labels[j] = clusters;
				} else if (labels[j] == UNVISITED) {
					labels[j] = clusters;
					if ((rc = vec_push(&queue, j)))
						goto out;
				}
			}
		}
		clusters++;
	}
	*out_clusters = (size_t)clusters;
	rc = 0;
out:
	dgrid_free(&g);
	free(nb.v);
	free(queue.v);
	return rc;
}
