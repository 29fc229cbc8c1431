/*
 * geo.c — a context used by one thread at a time: one PROJ context, one
 * GEOS context, and the lazily created transformations between every pair
 * of CRSs.  Which thread uses it may change between uses (database workers
 * are lent from thread to thread); PROJ and GEOS contexts allow that as
 * long as two threads never use one at once.
 *
 * Invariant: every PJ in `ops` was created with `proj` and every GEOS object
 * made through this context is destroyed with `geos`.
 *
 * The one process-wide state of geo/: a template PROJ context holding each
 * transformation once.  Creating a transformation from PROJ's database
 * takes 20–50 ms; cloning the template into a context takes under a
 * millisecond, so a new worker answers its first request quickly.
 * The template is only touched under its mutex.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "geo_int.h"

static void geos_message(const char *message, void *userdata)
{
	gp_geo *g = userdata;

	gp_strlcpy(g->geos_error, message, sizeof(g->geos_error));
}

int gp_geo_new(gp_geo **out)
{
	gp_geo *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g)
		return GP_ENOMEM;
	g->proj = proj_context_create();
	g->geos = GEOS_init_r();
	if (!g->proj || !g->geos) {
		gp_geo_free(g);
		return GP_EFAULT;
	}
	/* PROJ must not look for grids on the network: only Debian's files. */
	proj_context_set_enable_network(g->proj, 0);
	proj_log_level(g->proj, PJ_LOG_NONE);
	GEOSContext_setErrorMessageHandler_r(g->geos, geos_message, g);
	GEOSContext_setNoticeMessageHandler_r(g->geos, NULL, NULL);
	*out = g;
	return 0;
}

void gp_geo_free(gp_geo *g)
{
	if (!g)
		return;
	for (int i = 0; i < GP_CRS_COUNT; i++)
		for (int j = 0; j < GP_CRS_COUNT; j++)
			for (int k = 0; k < 2; k++)
				if (g->ops[i][j][k])
					proj_destroy(g->ops[i][j][k]);
	if (g->geos)
		GEOS_finish_r(g->geos);
	if (g->proj)
		proj_context_destroy(g->proj);
	free(g);
}

static struct {
	pthread_mutex_t mu;
	PJ_CONTEXT *ctx;
	PJ *ops[GP_CRS_COUNT][GP_CRS_COUNT][2];
} template = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* The template transformation, created on first use; call with mu held. */
static PJ *template_op(gp_crs from, gp_crs to, gp_axis axis)
{
	PJ *op;

	if (template.ops[from][to][axis])
		return template.ops[from][to][axis];
	if (!template.ctx) {
		if (!(template.ctx = proj_context_create()))
			return NULL;
		proj_context_set_enable_network(template.ctx, 0);
		proj_log_level(template.ctx, PJ_LOG_NONE);
	}
	op = proj_create_crs_to_crs(template.ctx, gp_crs_code(from), gp_crs_code(to), NULL);
	if (!op) {
		gp_log_error("PROJ cannot transform %s to %s: %s", gp_crs_code(from),
		             gp_crs_code(to),
		             proj_context_errno_string(template.ctx,
		                                       proj_context_errno(template.ctx)));
		return NULL;
	}
	if (axis == GP_AXIS_GIS) {
		PJ *norm = proj_normalize_for_visualization(template.ctx, op);
		proj_destroy(op);
		if (!norm)
			return NULL;
		op = norm;
	}
	template.ops[from][to][axis] = op;
	return op;
}

PJ *gp_geo_op(gp_geo *g, gp_crs from, gp_crs to, gp_axis axis)
{
	PJ *op = g->ops[from][to][axis], *tpl;

	if (op)
		return op;
	pthread_mutex_lock(&template.mu);
	tpl = template_op(from, to, axis);
	op = tpl ? proj_clone(g->proj, tpl) : NULL;
	pthread_mutex_unlock(&template.mu);
	if (!op)
		return NULL;
	g->ops[from][to][axis] = op;
	return op;
}

int gp_geo_transform(gp_geo *g, gp_crs from, gp_crs to, gp_axis axis,
                     double *a, double *b, size_t n)
{
	PJ *op;

	if (n == 0)
		return 0;
	if (from == to) /* both sides share one axis order */
		goto check;
	op = gp_geo_op(g, from, to, axis);
	if (!op)
		return GP_EFAULT;
	proj_errno_reset(op);
	proj_trans_generic(op, PJ_FWD, a, sizeof(double), n, b, sizeof(double), n,
	                   NULL, 0, 0, NULL, 0, 0);
check:
	for (size_t i = 0; i < n; i++)
		if (!isfinite(a[i]) || !isfinite(b[i]) || fabs(a[i]) > 1e15 || fabs(b[i]) > 1e15)
			return GP_INVALID;
	return 0;
}

int gp_geo_transform_bbox(gp_geo *g, gp_crs from, gp_crs to,
                          const gp_bbox *in, gp_bbox *out)
{
	PJ *op;

	if (from == to) {
		*out = *in;
		return 0;
	}
	op = gp_geo_op(g, from, to, GP_AXIS_AUTHORITY);
	if (!op)
		return GP_EFAULT;
	if (!proj_trans_bounds(g->proj, op, PJ_FWD, in->minx, in->miny, in->maxx,
	                       in->maxy, &out->minx, &out->miny, &out->maxx,
	                       &out->maxy, 21))
		return GP_INVALID;
	if (!isfinite(out->minx) || !isfinite(out->miny) || !isfinite(out->maxx) ||
	    !isfinite(out->maxy))
		return GP_INVALID;
	return 0;
}

int gp_geo_transform_bbox_inner(gp_geo *g, gp_crs from, gp_crs to,
                                const gp_bbox *in, double margin, gp_bbox *out)
{
	/* Each edge densified like proj_trans_bounds does for the outer box. */
	enum { STEPS = 21, N = STEPS + 1 };
	double a[4 * N], b[4 * N];
	int rc;

	for (int i = 0; i < N; i++) {
		double t = (double)i / STEPS;
		double x = in->minx + (in->maxx - in->minx) * t;
		double y = in->miny + (in->maxy - in->miny) * t;

		a[i] = x, b[i] = in->miny;             /* south */
		a[N + i] = x, b[N + i] = in->maxy;     /* north */
		a[2 * N + i] = in->minx, b[2 * N + i] = y; /* west */
		a[3 * N + i] = in->maxx, b[3 * N + i] = y; /* east */
	}
	if ((rc = gp_geo_transform(g, from, to, GP_AXIS_GIS, a, b, 4 * N)))
		return rc;
	out->miny = -HUGE_VAL;
	out->maxy = HUGE_VAL;
	out->minx = -HUGE_VAL;
	out->maxx = HUGE_VAL;
	/*
	 * A slightly rotated and curved box keeps inside its western edge's
	 * easternmost point, its eastern edge's westernmost, and so on.
	 */
	for (int i = 0; i < N; i++) {
		out->miny = fmax(out->miny, b[i]);
		out->maxy = fmin(out->maxy, b[N + i]);
		out->minx = fmax(out->minx, a[2 * N + i]);
		out->maxx = fmin(out->maxx, a[3 * N + i]);
	}
	out->minx += margin;
	out->miny += margin;
	out->maxx -= margin;
	out->maxy -= margin;
	return out->minx < out->maxx && out->miny < out->maxy ? 0 : GP_INVALID;
}
