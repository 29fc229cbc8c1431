/*
 * map.c — the citizen map page "/" (web/index.html), with its first view
 * drawn here.
 *
 * On a cheap phone the map library and the page's modules take a second
 * or more to arrive and run, and the city would stay blank until then.
 * So the page comes with the city already drawn: an SVG in the map's box
 * (the page's <!--part:first-view-->) with the Ortsbezirke's outlines
 * and the first clusters and single points, as Leaflet will show them,
 * which the page's script removes when its own map has drawn.  It needs
 * no script and shows with the page's first paint (the page's style
 * sheets come inline, static.c); it is a picture, hidden from assistive
 * technology (the map's box is labelled, and the list of entries is
 * the accessible way to the points).
 *
 * What it shows: the city's extent (its Ortsbezirke) in Web Mercator at
 * the zoom at which that extent fits a phone's map box (FIT_W × FIT_H CSS
 * pixels) — the zoom the page itself starts a phone at — scaled by the
 * browser to the box it has (viewBox, "meet"); the outlines simplified for
 * that zoom and the clusters of that zoom, both read through read/ with
 * the public's visibility, as /api/districts?zoom= and /api/clusters give
 * them.  Cluster rings and their sizes follow web/js/points.js
 * (clusterMix, clusterSize); the colours are style.css's.  When there are
 * no outlines or no cluster index the page comes without a first view.
 *
 * Must never: show a point the public may not see, or anything but
 * positions, counts and outlines (no text of the database).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "page_int.h"
#include "read/read.h"

/* A phone's map box (portrait, CSS pixels): the first view's zoom fits the city into it. */
#define FIT_W 360
#define FIT_H 480
#define ZOOM_MIN 9
#define ZOOM_MAX 16

typedef struct first_view {
	gp_read *r;
	gp_buf *out;
	gp_buf geometry; /* one outline as GeoJSON, reused */
	int zoom;
	double x0, y0;   /* the extent's north-west corner in pixels at zoom */
} first_view;

/* Web Mercator pixels (256-pixel tiles) at zoom z, as Leaflet counts them. */
static void project(double lon, double lat, int z, double *x, double *y)
{
	const double pi = 3.14159265358979323846;
	double scale = 256.0 * (double)(1u << z);
	double s = sin(fmax(fmin(lat, 85.0511287798), -85.0511287798) * pi / 180.0);

	*x = (lon + 180.0) / 360.0 * scale;
	*y = (0.5 - log((1.0 + s) / (1.0 - s)) / (4.0 * pi)) * scale;
}

/* The largest zoom at which the box fits FIT_W × FIT_H pixels. */
static int fit_zoom(const gp_bbox *e)
{
	int z;

	for (z = ZOOM_MAX; z > ZOOM_MIN; z--) {
		double w, n, east, s;
		project(e->minx, e->maxy, z, &w, &n);
		project(e->maxx, e->miny, z, &east, &s);
		if (east - w <= FIT_W && s - n <= FIT_H)
			break;
	}
	return z;
}

/* A position in tenths of a pixel from the north-west corner. */
static void tenths(const first_view *fv, double lon, double lat, long *x, long *y)
{
	double px, py;

	project(lon, lat, fv->zoom, &px, &py);
	*x = lround((px - fv->x0) * 10.0);
	*y = lround((py - fv->y0) * 10.0);
}

static void put_tenths(gp_buf *b, long v)
{
	if (v < 0) {
		gp_buf_putc(b, '-');
		v = -v;
	}
	gp_buf_printf(b, "%ld", v / 10);
	if (v % 10)
		gp_buf_printf(b, ".%ld", v % 10);
}

/* "x y" of a position, for SVG attributes and path data. */
static void put_xy(gp_buf *b, long x, long y)
{
	put_tenths(b, x);
	gp_buf_putc(b, y < 0 ? '-' : ' ');
	put_tenths(b, y < 0 ? -y : y);
}

/*
 * Appends the rings of a GeoJSON (Multi)Polygon geometry (CRS84, as
 * gp_read_district_outline writes it) as SVG path data: each ring "M" and
 * relative "l" steps between positions rounded to a tenth of a pixel (so
 * rounding never adds up), repeated positions left out, closed with "z".
 */
static void put_rings(first_view *fv, const char *g, size_t len)
{
	const char *p = strstr(g, "\"coordinates\""), *end = g + len;
	long px = 0, py = 0;
	int in_ring = 0;

	if (!p)
		return;
	for (; p < end; p++) {
		if (*p == ']' && in_ring) {
			gp_buf_putc(fv->out, 'z');
			in_ring = 0;
		} else if (*p == '[' && p + 1 < end && (p[1] == '-' || (p[1] >= '0' && p[1] <= '9'))) {
			char *stop;
			double lon = strtod(p + 1, &stop), lat;
			long x, y;
			if (*stop != ',')
				return;
			lat = strtod(stop + 1, &stop);
			if (*stop != ']')
				return;
			p = stop;
			tenths(fv, lon, lat, &x, &y);
			if (!in_ring) {
				gp_buf_putc(fv->out, 'M');
				put_xy(fv->out, x, y);
				in_ring = 1;
			} else if (x != px || y != py) {
				gp_buf_putc(fv->out, 'l');
				put_xy(fv->out, x - px, y - py);
			}
			px = x;
			py = y;
		}
	}
}

static int put_district(void *ctx, const gp_read_district *d)
{
	first_view *fv = ctx;
	int rc;

	gp_buf_reset(&fv->geometry);
	if ((rc = gp_read_district_outline(fv->r, &fv->geometry, d, GP_CRS_CRS84, fv->zoom)))
		return rc;
	put_rings(fv, fv->geometry.data, fv->geometry.len);
	return gp_buf_status(fv->out);
}

/* web/js/points.js clusterSize: the ring's outer diameter in CSS pixels. */
static int cluster_size(uint32_t n)
{
	return n < 10 ? 32 : n < 100 ? 38 : n < 1000 ? 44 : 50;
}

/* web/js/points.js clusterMix: which share of "needs improvement" colours the ring. */
static const char *cluster_mix(const gp_read_cluster *c)
{
	double share = c->count ? (double)c->counts[GP_CATEGORY_IMPROVEMENT] / c->count : 0;

	return share >= 0.66 ? "mostly-improvement" : share <= 0.33 ? "mostly-favourite" : "mixed";
}

static int put_cluster(void *ctx, const gp_read_cluster *c)
{
	first_view *fv = ctx;
	gp_buf *b = fv->out;
	long x, y;

	if (c->is_cluster)
		tenths(fv, c->lon, c->lat, &x, &y);
	else
		tenths(fv, c->point->lon, c->point->lat, &x, &y);
	if (c->is_cluster) {
		/* The ring (4 px, drawn on the circle's edge) lies inside the icon's size. */
		gp_buf_printf(b, "<g class=\"fv-c fv-%s\"><circle cx=\"", cluster_mix(c));
		put_tenths(b, x);
		gp_buf_puts(b, "\" cy=\"");
		put_tenths(b, y);
		gp_buf_printf(b, "\" r=\"%d\"/><text x=\"", cluster_size(c->count) / 2 - 2);
		put_tenths(b, x);
		gp_buf_puts(b, "\" y=\"");
		put_tenths(b, y);
		gp_buf_puts(b, "\">");
		gp_json_count_abbreviated(b, c->count);
		gp_buf_puts(b, "</text></g>");
	} else if (c->point->category == GP_CATEGORY_IMPROVEMENT) {
		/* The pins of style.css (26 px, a 2 px white edge): a square for "needs improvement". */
		gp_buf_puts(b, "<rect class=\"fv-p fv-improvement\" x=\"");
		put_tenths(b, x - 120);
		gp_buf_puts(b, "\" y=\"");
		put_tenths(b, y - 120);
		gp_buf_puts(b, "\" width=\"24\" height=\"24\" rx=\"3\"/>");
	} else {
		gp_buf_puts(b, "<circle class=\"fv-p fv-favourite\" cx=\"");
		put_tenths(b, x);
		gp_buf_puts(b, "\" cy=\"");
		put_tenths(b, y);
		gp_buf_puts(b, "\" r=\"12\"/>");
	}
	return gp_buf_status(b);
}

/*
 * Appends the first view's SVG to out; on any failure out is left as it
 * was (the page comes without one).
 */
static void draw_first_view(gp_read *r, gp_buf *out)
{
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	first_view fv = { r, out, { 0 }, 0, 0, 0 };
	size_t start = out->len;
	double x1, y1;
	gp_bbox e;
	gp_err err;
	int rc;

	gp_err_clear(&err);
	if (gp_read_layer_extent(r, GP_LAYER_ORTSBEZIRK, &e))
		return;
	gp_buf_init(&fv.geometry, 16u << 20);
	fv.zoom = fit_zoom(&e);
	project(e.minx, e.maxy, fv.zoom, &fv.x0, &fv.y0);
	project(e.maxx, e.miny, fv.zoom, &x1, &y1);
	gp_buf_printf(out, "<svg class=\"first-view\" viewBox=\"0 0 %.0f %.0f\" "
	                   "preserveAspectRatio=\"xMidYMid meet\" aria-hidden=\"true\" "
	                   "focusable=\"false\" data-zoom=\"%d\"><path class=\"fv-district\" d=\"",
	              ceil(x1 - fv.x0), ceil(y1 - fv.y0), fv.zoom);
	if ((rc = gp_read_districts(r, &vis, GP_LAYER_ORTSBEZIRK, NULL, 1, put_district, &fv, &err)))
		goto fail;
	gp_buf_puts(out, "\"/>");
	if ((rc = gp_read_clusters(r, &e, fv.zoom, -1, put_cluster, &fv, &err)))
		goto fail;
	gp_buf_puts(out, "</svg>");
	if (gp_buf_status(out))
		goto fail;
	gp_buf_free(&fv.geometry);
	return;
fail:
	out->len = start;
	gp_buf_free(&fv.geometry);
}

int page_map(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_buf svg;
	int rc;

	gp_buf_init(&svg, 4u << 20);
	draw_first_view(gp_worker_read(w), &svg);
	gp_buf_putc(&svg, '\0');
	rc = gp_http_serve_web_page(
	        x, "index.html",
	        (const gp_http_page_part[]){ { "first-view", gp_buf_status(&svg) ? "" : svg.data },
	                                     { NULL, NULL } },
	        err);
	gp_buf_free(&svg);
	return rc;
}
