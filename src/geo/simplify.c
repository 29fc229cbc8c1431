/*
 * simplify.c — one layer's district outlines simplified together, so that
 * neighbours keep one shared boundary (GEOS 3.11 has no coverage
 * simplification).
 *
 * How: the outlines' boundaries are noded into one set of lines and merged
 * into edges that run from junction to junction (a junction is where three
 * or more districts, or two and the outside, meet); each edge is simplified
 * once, its end points fixed, all edges together so that none crosses
 * another (topology-preserving Douglas-Peucker), and the result noded
 * again; the faces of the simplified edges become the polygons again,
 * each given to the district its inside point lay in.  The sources are
 * first made a clean coverage the same way without simplifying (slivers
 * where two districts' outlines overlap go to one of them).  A line that closes on itself (an island, an
 * enclave) is cut into three edges first, so it keeps at least a triangle.
 * Because both neighbours are rebuilt from the same simplified edge, they
 * still share it vertex for vertex: no gap and no overlap appears.
 *
 * Invariants: every GEOS object made here is destroyed here, on every path.
 * The result is all or nothing: when a district would lose its polygon or
 * a rebuilt polygon is not valid, GP_INVALID, and the caller keeps the
 * full outlines.
 */
#include <stdlib.h>
#include <string.h>

#include "geo_int.h"

/* The pieces of an array of owned GEOS geometries. */
typedef struct geoms {
	GEOSGeometry **g;
	size_t n, cap;
} geoms;

static int geoms_push(geoms *a, GEOSGeometry *g)
{
	if (!g)
		return GP_EFAULT;
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		GEOSGeometry **p = realloc(a->g, cap * sizeof(*p));
		if (!p)
			return GP_ENOMEM;
		a->g = p;
		a->cap = cap;
	}
	a->g[a->n++] = g;
	return 0;
}

static void geoms_free(GEOSContextHandle_t h, geoms *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->g[i])
			GEOSGeom_destroy_r(h, a->g[i]);
	free(a->g);
	memset(a, 0, sizeof(*a));
}

/* A line of the vertices [from, to] of seq. */
static GEOSGeometry *line_part(GEOSContextHandle_t h, const GEOSCoordSequence *seq,
                               unsigned from, unsigned to)
{
	GEOSCoordSequence *part = GEOSCoordSeq_create_r(h, to - from + 1, 2);
	GEOSGeometry *line;
	double x, y;

	if (!part)
		return NULL;
	for (unsigned i = from; i <= to; i++)
		if (!GEOSCoordSeq_getXY_r(h, seq, i, &x, &y) ||
		    !GEOSCoordSeq_setXY_r(h, part, i - from, x, y)) {
			GEOSCoordSeq_destroy_r(h, part);
			return NULL;
		}
	if (!(line = GEOSGeom_createLineString_r(h, part)))
		GEOSCoordSeq_destroy_r(h, part);
	return line;
}

/*
 * The edges of the outlines (junction to junction), closed ones cut into
 * three, each added to out as a LineString.
 */
static int edges_of(GEOSContextHandle_t h, GEOSGeometry *const *polys, size_t n, geoms *out)
{
	geoms bounds = { 0 };
	GEOSGeometry *coll = NULL, *noded = NULL, *merged = NULL;
	int rc = 0, ne;

	for (size_t i = 0; i < n && !rc; i++)
		rc = geoms_push(&bounds, GEOSBoundary_r(h, polys[i]));
	if (rc)
		goto out;
	/* The collection takes the boundaries over. */
	coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, bounds.g,
	                                   (unsigned)bounds.n);
	if (!coll) {
		rc = GP_EFAULT;
		goto out;
	}
	bounds.n = 0;
	rc = GP_EFAULT;
	if (!(noded = GEOSUnaryUnion_r(h, coll)) || !(merged = GEOSLineMerge_r(h, noded)))
		goto out;
	if ((ne = GEOSGetNumGeometries_r(h, merged)) < 0)
		goto out;
	rc = 0;
	for (int i = 0; i < ne && !rc; i++) {
		const GEOSGeometry *e = GEOSGetGeometryN_r(h, merged, i);
		const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, e);
		unsigned np = 0;
		char closed = 0;

		if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &np) || np < 2 ||
		    GEOSisClosed_r(h, e) == 2) {
			rc = GP_EFAULT;
			break;
		}
		closed = GEOSisClosed_r(h, e);
		if (closed && np >= 4) {
			unsigned a = (np - 1) / 3, b = 2 * (np - 1) / 3;
			if (!(rc = geoms_push(out, line_part(h, seq, 0, a))) &&
			    !(rc = geoms_push(out, line_part(h, seq, a, b))))
				rc = geoms_push(out, line_part(h, seq, b, np - 1));
		} else {
			rc = geoms_push(out, line_part(h, seq, 0, np - 1));
		}
	}
out:
	geoms_free(h, &bounds);
	if (coll)
		GEOSGeom_destroy_r(h, coll);
	if (noded)
		GEOSGeom_destroy_r(h, noded);
	if (merged)
		GEOSGeom_destroy_r(h, merged);
	return rc;
}

/* The district (index into polys) whose inside holds face's inside point; -1 for none. */
static int owner_of(GEOSContextHandle_t h, GEOSGeometry *const *polys, size_t n,
                    const GEOSGeometry *face)
{
	GEOSGeometry *pt = GEOSPointOnSurface_r(h, face);
	int owner = -1;

	if (!pt)
		return -1;
	for (size_t i = 0; i < n && owner < 0; i++)
		if (GEOSContains_r(h, polys[i], pt) == 1)
			owner = (int)i;
	GEOSGeom_destroy_r(h, pt);
	return owner;
}

/*
 * One district's faces as one MULTIPOLYGON: faces that share an edge (a
 * sliver where the source outlines overlapped goes to one of them) are
 * merged.  Takes the faces over.
 */
static int merged_faces(GEOSContextHandle_t h, geoms *faces, GEOSGeometry **out)
{
	GEOSGeometry *coll, *uni;

	*out = NULL;
	coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, faces->g,
	                                   (unsigned)faces->n);
	if (!coll)
		return GP_EFAULT;
	faces->n = 0;
	uni = GEOSUnaryUnion_r(h, coll);
	GEOSGeom_destroy_r(h, coll);
	if (!uni)
		return GP_EFAULT;
	if (GEOSGeomTypeId_r(h, uni) == GEOS_POLYGON) {
		GEOSGeometry *one = uni;
		*out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, &one, 1);
		if (!*out) {
			GEOSGeom_destroy_r(h, uni);
			return GP_EFAULT;
		}
		return 0;
	}
	if (GEOSGeomTypeId_r(h, uni) != GEOS_MULTIPOLYGON) {
		GEOSGeom_destroy_r(h, uni);
		return GP_INVALID;
	}
	*out = uni;
	return 0;
}

/*
 * The n districts of polys rebuilt from their edges, simplified with
 * tolerance first when it is > 0: each face goes to the district of
 * `owners` its inside point lies in (the first that holds it, so where
 * source outlines overlap the overlap goes to one of them).  Sets out[i]
 * to a valid MULTIPOLYGON each; GP_INVALID when a district is lost or not
 * valid.
 */
static int rebuild(GEOSContextHandle_t h, GEOSGeometry *const *polys,
                   GEOSGeometry *const *owners, size_t n, double tolerance,
                   GEOSGeometry **out)
{
	GEOSGeometry *lines = NULL, *simple = NULL, *faces = NULL;
	const GEOSGeometry **ptrs = NULL;
	geoms edges = { 0 }, *mine = calloc(n ? n : 1, sizeof(*mine));
	int rc = GP_ENOMEM, np, nf;

	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	if (!mine)
		goto out;
	if ((rc = edges_of(h, polys, n, &edges)))
		goto out;
	rc = GP_EFAULT;
	/* All edges in one geometry, so the simplifier keeps them from crossing each other. */
	lines = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, edges.g, (unsigned)edges.n);
	if (!lines)
		goto out;
	edges.n = 0;
	/*
	 * The simplified edges noded again: where two of them still meet
	 * between their ends (the simplifier keeps them from crossing, but
	 * folds two edges that run a metre apart onto one line), the faces
	 * stay closed and every district is rebuilt from the same lines.
	 */
	if (tolerance > 0) {
		GEOSGeometry *thin = GEOSTopologyPreserveSimplify_r(h, lines, tolerance);
		if (!thin)
			goto out;
		simple = GEOSUnaryUnion_r(h, thin);
		GEOSGeom_destroy_r(h, thin);
	} else {
		simple = GEOSGeom_clone_r(h, lines);
	}
	if (!simple || (np = GEOSGetNumGeometries_r(h, simple)) < 1)
		goto out;
	if (!(ptrs = calloc((size_t)np, sizeof(*ptrs)))) {
		rc = GP_ENOMEM;
		goto out;
	}
	for (int i = 0; i < np; i++)
		ptrs[i] = GEOSGetGeometryN_r(h, simple, i);
	if (!(faces = GEOSPolygonize_r(h, ptrs, (unsigned)np)) ||
	    (nf = GEOSGetNumGeometries_r(h, faces)) < 0)
		goto out;
	rc = 0;
	for (int i = 0; i < nf && !rc; i++) {
		const GEOSGeometry *face = GEOSGetGeometryN_r(h, faces, i);
		int who = owner_of(h, owners, n, face);

		/* A face nobody's inside holds is a gap between districts. */
		if (who >= 0)
			rc = geoms_push(&mine[who], GEOSGeom_clone_r(h, face));
	}
	for (size_t i = 0; i < n && !rc; i++) {
		if (!mine[i].n) {
			rc = GP_INVALID; /* simplified away */
			break;
		}
		if ((rc = merged_faces(h, &mine[i], &out[i])))
			break;
		if (GEOSisValid_r(h, out[i]) != 1)
			rc = GP_INVALID;
	}
out:
	if (rc)
		for (size_t i = 0; i < n; i++)
			if (out[i]) {
				GEOSGeom_destroy_r(h, out[i]);
				out[i] = NULL;
			}
	free(ptrs);
	geoms_free(h, &edges);
	if (mine)
		for (size_t i = 0; i < n; i++)
			geoms_free(h, &mine[i]);
	free(mine);
	if (faces)
		GEOSGeom_destroy_r(h, faces);
	if (simple)
		GEOSGeom_destroy_r(h, simple);
	if (lines)
		GEOSGeom_destroy_r(h, lines);
	return rc;
}

static void destroy_all(GEOSContextHandle_t h, GEOSGeometry **a, size_t n)
{
	if (a)
		for (size_t i = 0; i < n; i++)
			if (a[i])
				GEOSGeom_destroy_r(h, a[i]);
	free(a);
}

int gp_geo_simplify_layer(gp_geo *g, const unsigned char *const *wkb, const size_t *len,
                          size_t n, double tolerance, unsigned char **out_wkb,
                          size_t *out_len)
{
	GEOSContextHandle_t h = g->geos;
	GEOSWKBReader *reader = NULL;
	GEOSWKBWriter *writer = NULL;
	GEOSGeometry **polys = calloc(n ? n : 1, sizeof(*polys));
	GEOSGeometry **clean = calloc(n ? n : 1, sizeof(*clean));
	GEOSGeometry **simple = calloc(n ? n : 1, sizeof(*simple));
	int rc = GP_ENOMEM;

	for (size_t i = 0; i < n; i++) {
		out_wkb[i] = NULL;
		out_len[i] = 0;
	}
	if (!polys || !clean || !simple)
		goto out;
	rc = GP_EFAULT;
	if (!(reader = GEOSWKBReader_create_r(h)) || !(writer = GEOSWKBWriter_create_r(h)))
		goto out;
	GEOSWKBWriter_setOutputDimension_r(h, writer, 2);
	GEOSWKBWriter_setByteOrder_r(h, writer, GEOS_WKB_NDR);
	for (size_t i = 0; i < n; i++)
		if (!(polys[i] = GEOSWKBReader_read_r(h, reader, wkb[i], len[i]))) {
			rc = GP_INVALID;
			goto out;
		}
	/*
	 * First the outlines as a clean coverage: where the sources overlap a
	 * little (two surveys of one line), the sliver goes to one district,
	 * so a shared boundary is one edge, not two close ones the simplifier
	 * could fold onto each other.
	 */
	if ((rc = rebuild(h, polys, polys, n, 0, clean)))
		goto out;
	/* Then simplified; a tolerance too coarse for some small part is halved. */
	rc = GP_INVALID;
	for (int tries = 0; tries < 4 && rc == GP_INVALID; tries++, tolerance /= 2)
		rc = rebuild(h, clean, clean, n, tolerance, simple);
	if (rc)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t wl;
		unsigned char *w = GEOSWKBWriter_write_r(h, writer, simple[i], &wl);

		if (!w) {
			rc = GP_EFAULT;
			goto out;
		}
		out_wkb[i] = malloc(wl);
		if (out_wkb[i])
			memcpy(out_wkb[i], w, wl);
		GEOSFree_r(h, w);
		if (!out_wkb[i]) {
			rc = GP_ENOMEM;
			goto out;
		}
		out_len[i] = wl;
	}
	rc = 0;
out:
	if (rc)
		for (size_t i = 0; i < n; i++) {
			free(out_wkb[i]);
			out_wkb[i] = NULL;
			out_len[i] = 0;
		}
	destroy_all(h, simple, n);
	destroy_all(h, clean, n);
	destroy_all(h, polys, n);
	if (writer)
		GEOSWKBWriter_destroy_r(h, writer);
	if (reader)
		GEOSWKBReader_destroy_r(h, reader);
	return rc;
}
