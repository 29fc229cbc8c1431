/*
 * wkb.c — ISO WKB (2D Point, Polygon, MultiPolygon) straight to GeoJSON,
 * transforming each ring in one PROJ call.  Used for district boundaries,
 * which are read far more often than written.
 *
 * Every length read from the WKB is checked against the bytes left, so a
 * damaged blob yields GP_INVALID, never a read past the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo_int.h"

typedef struct reader {
	const unsigned char *p;
	size_t left;
	int little;
} reader;

static int read_u8(reader *r, unsigned *out)
{
	if (r->left < 1)
		return GP_INVALID;
	*out = r->p[0];
	r->p++;
	r->left--;
	return 0;
}

static int read_u32(reader *r, uint32_t *out)
{
	uint32_t v;

	if (r->left < 4)
		return GP_INVALID;
	if (r->little)
		v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 |
		    (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
	else
		v = (uint32_t)r->p[3] | (uint32_t)r->p[2] << 8 |
		    (uint32_t)r->p[1] << 16 | (uint32_t)r->p[0] << 24;
	r->p += 4;
	r->left -= 4;
	*out = v;
	return 0;
}

static int read_f64(reader *r, double *out)
{
	unsigned char b[8];
	uint64_t bits = 0;

	if (r->left < 8)
		return GP_INVALID;
	memcpy(b, r->p, 8);
	for (int i = 0; i < 8; i++)
		bits |= (uint64_t)b[r->little ? i : 7 - i] << (8 * i);
	memcpy(out, &bits, 8);
	r->p += 8;
	r->left -= 8;
	return 0;
}

/* Reads the byte-order mark and type of a (sub)geometry. */
static int read_header(reader *r, uint32_t *type)
{
	unsigned order;
	int rc;

	if ((rc = read_u8(r, &order)))
		return rc;
	if (order > 1)
		return GP_INVALID;
	r->little = order == 1;
	return read_u32(r, type);
}

typedef struct scratch {
	double *a, *b;
	size_t cap;
} scratch;

static int write_ring(gp_geo *g, gp_buf *buf, reader *r, scratch *s, gp_crs to,
                      int decimals)
{
	uint32_t n;
	int rc;

	if ((rc = read_u32(r, &n)))
		return rc;
	if ((size_t)n > r->left / 16)
		return GP_INVALID;
	if (n > s->cap) {
		double *a = realloc(s->a, n * sizeof(double));
		if (a)
			s->a = a;
		double *b = realloc(s->b, n * sizeof(double));
		if (b)
			s->b = b;
		if (!a || !b)
			return GP_ENOMEM;
		s->cap = n;
	}
	for (uint32_t i = 0; i < n; i++) {
		if ((rc = read_f64(r, &s->a[i])) || (rc = read_f64(r, &s->b[i])))
			return rc;
	}
	if ((rc = gp_geo_transform(g, GP_CRS_STORAGE, to, GP_AXIS_AUTHORITY, s->a,
	                           s->b, n)))
		return rc;
	gp_buf_putc(buf, '[');
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			gp_buf_putc(buf, ',');
		gp_buf_putc(buf, '[');
		gp_buf_put_fixed(buf, s->a[i], decimals);
		gp_buf_putc(buf, ',');
		gp_buf_put_fixed(buf, s->b[i], decimals);
		gp_buf_putc(buf, ']');
	}
	gp_buf_putc(buf, ']');
	return 0;
}

static int write_polygon_body(gp_geo *g, gp_buf *buf, reader *r, scratch *s,
                              gp_crs to, int decimals)
{
	uint32_t rings;
	int rc;

	if ((rc = read_u32(r, &rings)))
		return rc;
	if ((size_t)rings > r->left / 4)
		return GP_INVALID;
	gp_buf_putc(buf, '[');
	for (uint32_t i = 0; i < rings; i++) {
		if (i)
			gp_buf_putc(buf, ',');
		if ((rc = write_ring(g, buf, r, s, to, decimals)))
			return rc;
	}
	gp_buf_putc(buf, ']');
	return 0;
}

int gp_geo_wkb_write_geojson(gp_geo *g, gp_buf *buf, const unsigned char *wkb,
                             size_t len, gp_crs to, int decimals)
{
	reader r = { wkb, len, 1 };
	scratch s = { NULL, NULL, 0 };
	uint32_t type, parts;
	double a, b;
	int rc;

	if ((rc = read_header(&r, &type)))
		goto out;
	switch (type) {
	case 1:
		if ((rc = read_f64(&r, &a)) || (rc = read_f64(&r, &b)))
			goto out;
		if ((rc = gp_geo_transform(g, GP_CRS_STORAGE, to, GP_AXIS_AUTHORITY,
		                           &a, &b, 1)))
			goto out;
		gp_buf_puts(buf, "{\"type\":\"Point\",\"coordinates\":[");
		gp_buf_put_fixed(buf, a, decimals);
		gp_buf_putc(buf, ',');
		gp_buf_put_fixed(buf, b, decimals);
		gp_buf_puts(buf, "]}");
		break;
	case 3:
		gp_buf_puts(buf, "{\"type\":\"Polygon\",\"coordinates\":");
		if ((rc = write_polygon_body(g, buf, &r, &s, to, decimals)))
			goto out;
		gp_buf_putc(buf, '}');
		break;
	case 6:
		gp_buf_puts(buf, "{\"type\":\"MultiPolygon\",\"coordinates\":[");
		if ((rc = read_u32(&r, &parts)))
			goto out;
		if ((size_t)parts > r.left / 9) {
			rc = GP_INVALID;
			goto out;
		}
		for (uint32_t i = 0; i < parts; i++) {
			uint32_t sub;
			if (i)
				gp_buf_putc(buf, ',');
			if ((rc = read_header(&r, &sub)))
				goto out;
			if (sub != 3) {
				rc = GP_INVALID;
				goto out;
			}
			if ((rc = write_polygon_body(g, buf, &r, &s, to, decimals)))
				goto out;
		}
		gp_buf_puts(buf, "]}");
		break;
	default:
		rc = GP_INVALID;
		goto out;
	}
	rc = gp_buf_status(buf);
out:
	free(s.a);
	free(s.b);
	return rc;
}

typedef struct vertex_op {
	gp_geo *g;
	gp_crs to;
	int failed;
} vertex_op;

static int transform_vertex(double *x, double *y, void *userdata)
{
	vertex_op *v = userdata;

	if (gp_geo_transform(v->g, GP_CRS_STORAGE, v->to, GP_AXIS_AUTHORITY, x, y, 1)) {
		v->failed = 1;
		return 0; /* GEOS stops the walk */
	}
	return 1;
}

int gp_geo_wkb_measure(gp_geo *g, const unsigned char *wkb, size_t len, gp_crs to,
                       const gp_bbox *box, gp_bbox *out_extent, int *out_intersects)
{
	GEOSWKBReader *wkbr = NULL;
	GEOSGeometry *geom = NULL, *moved = NULL, *rect = NULL;
	vertex_op op = { g, to, 0 };
	int rc = 0;

	if (!(wkbr = GEOSWKBReader_create_r(g->geos)))
		return GP_EFAULT;
	if (!(geom = GEOSWKBReader_read_r(g->geos, wkbr, wkb, len))) {
		rc = GP_INVALID;
		goto out;
	}
	moved = GEOSGeom_transformXY_r(g->geos, geom, transform_vertex, &op);
	if (!moved || op.failed) {
		rc = op.failed ? GP_INVALID : GP_EFAULT;
		goto out;
	}
	if (!GEOSGeom_getXMin_r(g->geos, moved, &out_extent->minx) ||
	    !GEOSGeom_getYMin_r(g->geos, moved, &out_extent->miny) ||
	    !GEOSGeom_getXMax_r(g->geos, moved, &out_extent->maxx) ||
	    !GEOSGeom_getYMax_r(g->geos, moved, &out_extent->maxy)) {
		rc = GP_EFAULT;
		goto out;
	}
	if (box) {
		char hit;
		if (!(rect = GEOSGeom_createRectangle_r(g->geos, box->minx, box->miny,
		                                        box->maxx, box->maxy))) {
			rc = GP_EFAULT;
			goto out;
		}
		if ((hit = GEOSIntersects_r(g->geos, moved, rect)) == 2) {
			rc = GP_EFAULT;
			goto out;
		}
		*out_intersects = hit == 1;
	}
out:
	if (rect)
		GEOSGeom_destroy_r(g->geos, rect);
	if (moved)
		GEOSGeom_destroy_r(g->geos, moved);
	if (geom)
		GEOSGeom_destroy_r(g->geos, geom);
	GEOSWKBReader_destroy_r(g->geos, wkbr);
	return rc;
}

int gp_geo_wkb_area(gp_geo *g, const unsigned char *wkb, size_t len, double *out)
{
	GEOSWKBReader *wkbr = NULL;
	GEOSGeometry *geom = NULL;
	int rc = 0;

	*out = 0;
	if (!(wkbr = GEOSWKBReader_create_r(g->geos)))
		return GP_EFAULT;
	if (!(geom = GEOSWKBReader_read_r(g->geos, wkbr, wkb, len)))
		rc = GP_INVALID;
	else if (!GEOSArea_r(g->geos, geom, out))
		rc = GP_EFAULT;
	if (geom)
		GEOSGeom_destroy_r(g->geos, geom);
	GEOSWKBReader_destroy_r(g->geos, wkbr);
	return rc;
}
