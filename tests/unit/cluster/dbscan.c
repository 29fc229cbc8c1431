/*
 * Unit test for cluster/dbscan.c: the grid DBSCAN against the classic
 * algorithm (each point's neighbourhood searched by brute force, clusters
 * expanded in array order) on random layouts — uniform, clumped, on a
 * lattice with distances exactly eps, duplicates — for many eps and
 * min_points; and the work budget: a request beyond it is refused, the same
 * one within a larger budget answered.
 */
#include <stdlib.h>

#include "../check.h"
#include "cluster/cluster.h"

/* The textbook algorithm, O(n²), as the oracle. */
static void classic(int32_t *label, size_t *clusters, const double *x, const double *y,
                    size_t n, double eps, size_t min_points)
{
	const double eps2 = eps * eps;
	size_t *queue = malloc((n + 1) * sizeof(*queue)), *nb = malloc((n + 1) * sizeof(*nb));
	int32_t next = 0;

	for (size_t i = 0; i < n; i++)
		label[i] = -2;
	for (size_t i = 0; i < n; i++) {
		size_t m = 0, qn = 0;
		if (label[i] != -2)
			continue;
		for (size_t j = 0; j < n; j++)
			if ((x[j] - x[i]) * (x[j] - x[i]) + (y[j] - y[i]) * (y[j] - y[i]) <= eps2)
				nb[m++] = j;
		if (m < min_points) {
			label[i] = GP_CLUSTER_NOISE;
			continue;
		}
		label[i] = next;
		for (size_t k = 0; k < m; k++)
			if (label[nb[k]] == GP_CLUSTER_NOISE)
				label[nb[k]] = next;
			else if (label[nb[k]] == -2) {
				label[nb[k]] = next;
				queue[qn++] = nb[k];
			}
		while (qn) {
			size_t p = queue[--qn];
			m = 0;
			for (size_t j = 0; j < n; j++)
				if ((x[j] - x[p]) * (x[j] - x[p]) + (y[j] - y[p]) * (y[j] - y[p]) <= eps2)
					nb[m++] = j;
			if (m < min_points)
				continue;
			for (size_t k = 0; k < m; k++)
				if (label[nb[k]] == GP_CLUSTER_NOISE)
					label[nb[k]] = next;
				else if (label[nb[k]] == -2) {
					label[nb[k]] = next;
					queue[qn++] = nb[k];
				}
		}
		next++;
	}
	*clusters = (size_t)next;
	free(queue);
	free(nb);
}

static uint32_t state = 12345;
static double rnd(void)
{
	state = state * 1664525u + 1013904223u;
	return (state >> 8) / 16777216.0;
}

/* Layout `kind` of n points in metres around a UTM-like origin. */
static void layout(int kind, double *x, double *y, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (kind) {
		case 0: /* uniform over 400 m */
			x[i] = rnd() * 400;
			y[i] = rnd() * 400;
			break;
		case 1: /* five clumps and some background */
			if (i % 7 == 0) {
				x[i] = rnd() * 600;
				y[i] = rnd() * 600;
			} else {
				double cx = 100 * (double)(i % 5), cy = 80 * (double)(i % 3);
				x[i] = cx + (rnd() - 0.5) * 40;
				y[i] = cy + (rnd() - 0.5) * 40;
			}
			break;
		case 2: /* a 3 m lattice, so many pairs lie exactly eps apart */
			x[i] = 3.0 * (double)(i % 23);
			y[i] = 3.0 * (double)(i / 23);
			break;
		default: /* duplicates and near-duplicates */
			x[i] = (double)((int)(rnd() * 20)) * 0.5;
			y[i] = (double)((int)(rnd() * 20)) * 0.5;
			break;
		}
		x[i] += 411000;
		y[i] += 5477000;
	}
}

int main(void)
{
	static const double eps[] = { 0.5, 2.9, 3, 4.25, 10, 25, 60, 200 };
	static const size_t min_points[] = { 1, 2, 3, 5, 9, 20, 60 };
	enum { NPTS = 700 };
	double x[NPTS], y[NPTS];
	int32_t want[NPTS], got[NPTS];
	int compared = 0;

	for (int kind = 0; kind < 4; kind++) {
		size_t n = kind == 2 ? 23 * 20 : NPTS;
		layout(kind, x, y, n);
		for (size_t e = 0; e < sizeof(eps) / sizeof(eps[0]); e++)
			for (size_t m = 0; m < sizeof(min_points) / sizeof(min_points[0]); m++) {
				size_t cw = 0, cg = 0;
				int same = 1;
				classic(want, &cw, x, y, n, eps[e], min_points[m]);
				CHECK_INT(gp_cluster_dbscan(got, &cg, x, y, n, eps[e], min_points[m]), 0);
				for (size_t i = 0; i < n; i++)
					same &= got[i] == want[i];
				if (cg != cw || !same)
					fprintf(stderr, "layout %d eps %g min_points %zu: %zu clusters, want %zu\n",
					        kind, eps[e], min_points[m], cg, cw);
				CHECK_INT(cg, cw);
				CHECK(same);
				compared++;
			}
	}
	CHECK_INT(compared, 4 * 8 * 7);

	/* Dense points and a budget: refused when small, answered when large. */
	{
		size_t c = 0;
		uint64_t work = 0;
		layout(0, x, y, NPTS);
		CHECK_INT(gp_cluster_dbscan_bounded(got, &c, x, y, NPTS, 60, 200, 1000, &work),
		          GP_TOO_LARGE);
		CHECK(work > 1000);
		CHECK_INT(c, 0);
		CHECK_INT(gp_cluster_dbscan_bounded(got, &c, x, y, NPTS, 60, 200, 100000000, &work),
		          0);
		classic(want, &c, x, y, NPTS, 60, 200);
		for (size_t i = 0; i < NPTS; i++)
			CHECK_INT(got[i], want[i]);
	}
	/*
	 * The budget holds to the unit: exactly the work a request takes
	 * answers it; a quarter less stops it part way, past the cells'
	 * up-front estimate.
	 */
	{
		size_t c = 0;
		uint64_t need = 0, work = 0;
		layout(0, x, y, NPTS);
		CHECK_INT(gp_cluster_dbscan_bounded(got, &c, x, y, NPTS, 30, 8, UINT64_MAX, &need), 0);
		CHECK(need > 1000);
		CHECK_INT(gp_cluster_dbscan_bounded(got, &c, x, y, NPTS, 30, 8, need, &work), 0);
		CHECK(work == need);
		CHECK_INT(gp_cluster_dbscan_bounded(got, &c, x, y, NPTS, 30, 8, need - need / 4, &work),
		          GP_TOO_LARGE);
		CHECK(work > need - need / 4 && work < need);
		CHECK_INT(c, 0);
	}
	CHECK_INT(gp_cluster_dbscan(got, &(size_t){ 0 }, x, y, 10, 0, 5), GP_INVALID);
	CHECK_DONE();
}
