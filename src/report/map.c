/*
 * map.c — the report's map, laid out once and drawn through rp_map_ops
 * into SVG (html.c) or cairo (pdf.c): the outlines in EPSG:25832 scaled
 * into a frame of RP_MAP_W × RP_MAP_FRAME_H mm (north up, metres kept
 * square), the district and its neighbours, hotspot outlines with their
 * numbers, points by category symbol, a north arrow, a scale bar, a legend
 * and a line of attribution under the frame.  No tiles, no background
 * image: everything is vector geometry from the database.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

const rp_paint rp_paints[RS_COUNT] = {
	[RS_FRAME] = { { 0, 0, 0 }, { 0.25, 0.25, 0.25 }, 0, 1, 0, 0.3 },
	[RS_SELF] = { { 1.0, 0.98, 0.90 }, { 0.15, 0.15, 0.15 }, 1, 1, 1.0, 0.5 },
	[RS_NEIGHBOUR] = { { 0.93, 0.93, 0.93 }, { 0.55, 0.55, 0.55 }, 1, 1, 1.0, 0.25 },
	[RS_HOTSPOT] = { { 0.55, 0.25, 0.65 }, { 0, 0, 0 }, 1, 0, 0.18, 0 },
	[RS_HOTSPOT_LINE] = { { 0, 0, 0 }, { 0.45, 0.10, 0.55 }, 0, 1, 0, 0.5 },
	[RS_BAR_DARK] = { { 0.15, 0.15, 0.15 }, { 0.15, 0.15, 0.15 }, 1, 1, 1.0, 0.2 },
	[RS_BAR_LIGHT] = { { 1, 1, 1 }, { 0.15, 0.15, 0.15 }, 1, 1, 1.0, 0.2 },
	[RS_ARROW] = { { 0.15, 0.15, 0.15 }, { 0.15, 0.15, 0.15 }, 1, 1, 1.0, 0.2 },
	[RS_LEGEND] = { { 1, 1, 1 }, { 0.55, 0.55, 0.55 }, 1, 1, 0.9, 0.2 },
};

/* Favourite places green, places that need improvement orange (as on the map page). */
const double rp_symbol_rgb[GP_CATEGORY_COUNT][3] = {
	{ 0.10, 0.50, 0.23 },
	{ 0.80, 0.33, 0.00 },
};

typedef struct view {
	double x0, y1, s; /* west, north edges; mm per metre */
} view;

static double vx(const view *v, double x)
{
	return (x - v->x0) * v->s;
}

static double vy(const view *v, double y)
{
	return (v->y1 - y) * v->s;
}

static void rect(const rp_map_ops *ops, void *ctx, rp_style s, double x, double y, double w,
                 double h)
{
	double xy[10] = { x, y, x + w, y, x + w, y + h, x, y + h, x, y };
	size_t ring = 5;

	ops->polygon(ctx, s, xy, &ring, 1);
}

/* Draws a ring set after scaling it into the frame (buf holds n points). */
static int shape(const rp_map_ops *ops, void *ctx, const view *v, rp_style s, const double *xy,
                 size_t n, const size_t *ring, size_t nrings)
{
	double *t = malloc(n * 2 * sizeof(*t));

	if (!t)
		return GP_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		t[2 * k] = vx(v, xy[2 * k]);
		t[2 * k + 1] = vy(v, xy[2 * k + 1]);
	}
	ops->polygon(ctx, s, t, ring, nrings);
	free(t);
	return 0;
}

/* 1, 2 or 5 times a power of ten, at most `max`. */
static double nice(double max)
{
	double p = pow(10, floor(log10(max)));

	if (5 * p <= max)
		return 5 * p;
	if (2 * p <= max)
		return 2 * p;
	return p;
}

static void scale_bar(const gp_report *rep, const rp_map_ops *ops, void *ctx, const view *v)
{
	double metres = nice(RP_MAP_W / 4 / v->s), len = metres * v->s;
	double x = RP_MAP_W - 6 - len, y = RP_MAP_FRAME_H - 7;
	char label[32];

	rect(ops, ctx, RS_LEGEND, x - 3, y - 6, len + 6, 10.5);
	rect(ops, ctx, RS_BAR_DARK, x, y, len / 2, 1.6);
	rect(ops, ctx, RS_BAR_LIGHT, x + len / 2, y, len / 2, 1.6);
	if (metres >= 1000)
		snprintf(label, sizeof(label), "%g km", metres / 1000);
	else
		snprintf(label, sizeof(label), "%g m", metres);
	if (!rep->en)
		for (char *c = label; *c; c++)
			if (*c == '.')
				*c = ',';
	ops->text(ctx, RT_SMALL, x, y - 1.2, 1, "0");
	ops->text(ctx, RT_SMALL, x + len, y - 1.2, 1, label);
}

static void north_arrow(const rp_map_ops *ops, void *ctx)
{
	double cx = RP_MAP_W - 10, top = 5;
	double xy[] = { cx, top + 4, cx + 3, top + 13, cx, top + 10.5, cx - 3, top + 13, cx, top + 4 };
	size_t ring = 5;

	ops->polygon(ctx, RS_ARROW, xy, &ring, 1);
	ops->text(ctx, RT_NORTH, cx, top + 3, 1, "N");
}

static void legend(const gp_report *rep, const rp_map_ops *ops, void *ctx)
{
	int en = rep->en, rows = rep->city ? 4 : 5;
	double row = 4.6, x = 4, y = RP_MAP_FRAME_H - 4 - rows * row - 2;
	double w = 52;

	rect(ops, ctx, RS_LEGEND, x, y, w, rows * row + 2);
	x += 3;
	y += 1 + row / 2;
	for (int c = 0; c < GP_CATEGORY_COUNT; c++, y += row) {
		ops->symbol(ctx, (gp_category)c, x + 1.5, y, 2.6);
		ops->text(ctx, RT_SMALL, x + 5, y + 1.1, 0, gp_category_label((gp_category)c, en));
	}
	rect(ops, ctx, RS_SELF, x, y - 1.3, 3, 2.6);
	ops->text(ctx, RT_SMALL, x + 5, y + 1.1, 0,
	          rp_word_get(rep->city ? W_ORTSBEZIRK : W_LEGEND_DISTRICT, en));
	y += row;
	if (!rep->city) {
		rect(ops, ctx, RS_NEIGHBOUR, x, y - 1.3, 3, 2.6);
		ops->text(ctx, RT_SMALL, x + 5, y + 1.1, 0, rp_word_get(W_LEGEND_NEIGHBOUR, en));
		y += row;
	}
	rect(ops, ctx, RS_HOTSPOT, x, y - 1.3, 3, 2.6);
	rect(ops, ctx, RS_HOTSPOT_LINE, x, y - 1.3, 3, 2.6);
	ops->text(ctx, RT_SMALL, x + 5, y + 1.1, 0, rp_word_get(W_LEGEND_HOTSPOT, en));
}

/* Labels already placed, so that none covers another. */
#define MAX_LABELS 512
typedef struct labels {
	double box[MAX_LABELS][4];
	size_t n;
} labels;

/* Places a label of `chars` characters at height h (mm) centred on x, baseline y, if free. */
static int place(labels *l, double x, double y, size_t chars, double h)
{
	double w = (double)chars * h * 0.62, b[4] = { x - w / 2, y - h, x + w / 2, y + h * 0.3 };

	for (size_t i = 0; i < l->n; i++)
		if (b[0] < l->box[i][2] && b[2] > l->box[i][0] && b[1] < l->box[i][3] &&
		    b[3] > l->box[i][1])
			return 0;
	if (l->n == MAX_LABELS)
		return 0;
	memcpy(l->box[l->n++], b, sizeof(b));
	return 1;
}

static int inside_frame(double x, double y, double pad)
{
	return x > pad && x < RP_MAP_W - pad && y > pad && y < RP_MAP_FRAME_H - pad;
}

int rp_map_draw(const gp_report *rep, const rp_map_ops *ops, void *ctx)
{
	labels *lab = calloc(1, sizeof(*lab));
	view v;
	double size;
	int rc = 0;

	if (!lab)
		return GP_ENOMEM;
	if (rep->extent[2] <= rep->extent[0])
		goto out; /* no outlines at all: nothing to draw a map of */
	v.x0 = rep->extent[0];
	v.y1 = rep->extent[3];
	v.s = RP_MAP_W / (rep->extent[2] - rep->extent[0]);

	ops->clip(ctx, 0, 0, RP_MAP_W, RP_MAP_FRAME_H);
	/* Neighbours under the district, so its outline is drawn whole. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < rep->nshapes; i++) {
			const rp_shape *sh = &rep->shapes[i];
			if ((sh->self || rep->city) != pass)
				continue;
			if ((rc = shape(ops, ctx, &v, pass ? RS_SELF : RS_NEIGHBOUR, sh->xy, sh->npoints,
			                sh->ring, sh->nrings)))
				goto out;
		}
	for (size_t i = 0; i < rep->nhotspots; i++) {
		const rp_hotspot *h = &rep->hotspots[i];
		if (h->n && (rc = shape(ops, ctx, &v, RS_HOTSPOT, h->xy, h->n, &h->n, 1)))
			goto out;
	}
	/* Points: smaller symbols where there are many. */
	size = rep->npoints > 3000 ? 1.2 : rep->npoints > 500 ? 1.7 : 2.4;
	for (size_t k = 0; k < rep->npoints; k++)
		ops->symbol(ctx, rep->points[k].category, vx(&v, rep->points[k].x),
		            vy(&v, rep->points[k].y), size);
	/* Hotspot outlines over the points, numbered as in the text where a number fits. */
	for (size_t i = 0; i < rep->nhotspots; i++) {
		const rp_hotspot *h = &rep->hotspots[i];
		if (h->n && (rc = shape(ops, ctx, &v, RS_HOTSPOT_LINE, h->xy, h->n, &h->n, 1)))
			goto out;
	}
	/* District names first: they orient the reader; hotspot numbers where room is left. */
	for (size_t i = 0; i < rep->nshapes; i++) {
		const rp_shape *sh = &rep->shapes[i];
		double x = vx(&v, sh->label[0]), y = vy(&v, sh->label[1]);
		if ((!sh->self || rep->city) && inside_frame(x, y, 12) &&
		    place(lab, x, y, strlen(sh->name), 2.4))
			ops->text(ctx, RT_SMALL, x, y, 1, sh->name);
	}
	for (size_t i = 0; i < rep->nhotspots; i++) {
		char n[24];
		double x = vx(&v, rep->hotspots[i].centre[0]), y = vy(&v, rep->hotspots[i].centre[1]);
		snprintf(n, sizeof(n), "%zu", i + 1);
		if (inside_frame(x, y, 3) && place(lab, x, y + 1.2, strlen(n), 3.4))
			ops->text(ctx, RT_LABEL, x, y + 1.2, 1, n);
	}
	ops->clip(ctx, 0, 0, 0, 0);
	if (rc)
		goto out;

	rect(ops, ctx, RS_FRAME, 0, 0, RP_MAP_W, RP_MAP_FRAME_H);
	north_arrow(ops, ctx);
	scale_bar(rep, ops, ctx, &v);
	legend(rep, ops, ctx);
	ops->text(ctx, RT_SMALL, 0, RP_MAP_FRAME_H + 4.5, 0, rp_word_get(W_MAP_ATTRIBUTION, rep->en));
out:
	free(lab);
	return rc;
}
