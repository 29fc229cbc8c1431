/*
 * Unit tests for geo/: transformations against known values, boundary
 * import, and the district index against the shared test points.
 */
#include <jansson.h>
#include <stdlib.h>

#include "../check.h"
#include "geo/geo.h"
#include "json/json.h"

typedef struct layer_src {
	gp_geo *geo;
	gp_layer layer;
	gp_district_src items[64];
	size_t n;
} layer_src;

static int collect(void *ctx, const gp_json_boundary *b, gp_err *err)
{
	layer_src *ls = ctx;
	gp_district_src *it = &ls->items[ls->n++];
	unsigned char *wkb;
	size_t len;
	char id[64];
	int rc;

	rc = gp_geo_boundary_import(ls->geo, &wkb, &len, b->geometry, GP_CRS_CRS84, err);
	if (rc)
		return rc;
	snprintf(id, sizeof(id), "%s%s", gp_layer_id_prefix(ls->layer), b->id);
	it->id = strdup(id);
	it->name = strdup(b->name);
	it->layer = ls->layer;
	it->wkb = wkb;
	it->wkb_len = len;
	return 0;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void load_layer(layer_src *ls, const char *file)
{
	char *text, *crs = NULL;
	size_t len;
	gp_err err;

	text = slurp(getenv("GP_DATA_DIR"), file, &len);
	gp_err_clear(&err);
	CHECK_INT(gp_json_boundaries_read(text, len, "id", "name", &crs, collect, ls, &err), 0);
	if (err.detail[0])
		fprintf(stderr, "%s\n", err.detail);
	free(text);
}

static void test_transform(gp_geo *g)
{
	/* Reference values from cs2cs (PROJ 9): OGC:CRS84 → EPSG:25832. */
	double a = 7.768889, b = 49.444722;

	CHECK_INT(gp_geo_transform(g, GP_CRS_CRS84, GP_CRS_EPSG25832, GP_AXIS_AUTHORITY, &a, &b, 1), 0);
	CHECK_NEAR(a, 410620.0, 2000); /* sanity: UTM 32 easting near Kaiserslautern */
	{
		double x = a, y = b;
		/* and back, exactly */
		CHECK_INT(gp_geo_transform(g, GP_CRS_EPSG25832, GP_CRS_CRS84, GP_AXIS_AUTHORITY, &x, &y, 1), 0);
		CHECK_NEAR(x, 7.768889, 1e-9);
		CHECK_NEAR(y, 49.444722, 1e-9);
	}
	/* EPSG:4326 is lat/lon in authority order, lon/lat in GIS order. */
	{
		double lat = 49.444722, lon = 7.768889, x2, y2;
		CHECK_INT(gp_geo_transform(g, GP_CRS_EPSG4326, GP_CRS_EPSG25832, GP_AXIS_AUTHORITY, &lat, &lon, 1), 0);
		CHECK_NEAR(lat, a, 1e-6);
		CHECK_NEAR(lon, b, 1e-6);
		x2 = 7.768889;
		y2 = 49.444722;
		CHECK_INT(gp_geo_transform(g, GP_CRS_EPSG4326, GP_CRS_EPSG25832, GP_AXIS_GIS, &x2, &y2, 1), 0);
		CHECK_NEAR(x2, a, 1e-6);
	}
	/* A point that UTM cannot represent is refused, not turned into inf. */
	{
		double x = 1e30, y = 1e30;
		CHECK(gp_geo_transform(g, GP_CRS_EPSG25832, GP_CRS_CRS84, GP_AXIS_AUTHORITY, &x, &y, 1) != 0);
	}
}

static void test_boundary_refusals(gp_geo *g)
{
	unsigned char *wkb = NULL;
	size_t len;
	gp_err err;

	gp_err_clear(&err);
	/* A bow-tie: self-intersecting ring. */
	CHECK_INT(gp_geo_boundary_import(g, &wkb, &len,
	                                 "{\"type\":\"Polygon\",\"coordinates\":[[[7.7,49.4],[7.8,49.5],"
	                                 "[7.8,49.4],[7.7,49.5],[7.7,49.4]]]}",
	                                 GP_CRS_CRS84, &err), GP_INVALID);
	CHECK(strstr(err.detail, "invalid polygon") != NULL);
	gp_err_clear(&err);
	CHECK_INT(gp_geo_boundary_import(g, &wkb, &len,
	                                 "{\"type\":\"Point\",\"coordinates\":[7.7,49.4]}",
	                                 GP_CRS_CRS84, &err), GP_INVALID);
	CHECK(strstr(err.detail, "Polygon or MultiPolygon") != NULL);
}

/*
 * Points in a gap of the Stadtteil layer (inside the city) and outside the
 * city, each with the districts nearest to it, computed with SpatiaLite and
 * checked in pure Python (data/SOURCES.md, section 5).  A gap point gets
 * its covering Ortsbezirk and the nearest Stadtteil; an outside point gets
 * the nearest of both, when asked (nearest_outside), else none.
 */
static void test_nearest(gp_geo *g, const gp_geo_districts *idx)
{
	json_t *pts, *features;
	json_error_t jerr;
	char path[1024];
	int gaps = 0, outside = 0;

	snprintf(path, sizeof(path), "%s/kaiserslautern-testpunkte-luecken.geojson",
	         getenv("GP_FIXTURES_DIR"));
	pts = json_load_file(path, 0, &jerr);
	CHECK(pts != NULL);
	features = json_object_get(pts, "features");
	CHECK(json_array_size(features) >= 6);
	for (size_t i = 0; i < json_array_size(features); i++) {
		json_t *props = json_object_get(json_array_get(features, i), "properties");
		json_t *c = json_object_get(json_object_get(json_array_get(features, i), "geometry"),
		                            "coordinates");
		double x = json_real_value(json_array_get(c, 0)), y = json_real_value(json_array_get(c, 1));
		int in_city = json_is_true(json_object_get(props, "expected_in_city"));
		char want_ob[32], want_st[32];
		gp_geo_assignment a;

		snprintf(want_ob, sizeof(want_ob), "ob-%lld",
		         (long long)json_integer_value(json_object_get(props, "expected_ortsbezirk_id")));
		snprintf(want_st, sizeof(want_st), "st-%lld",
		         (long long)json_integer_value(json_object_get(props, "expected_stadtteil_id")));
		gp_geo_transform(g, GP_CRS_CRS84, GP_CRS_EPSG25832, GP_AXIS_AUTHORITY, &x, &y, 1);
		CHECK_INT(gp_geo_districts_assign(idx, x, y, 0, &a), 0);
		CHECK_INT(a.in_city, in_city);
		if (in_city) {
			gaps++;
			CHECK_STR(gp_geo_districts_id(idx, a.index[GP_LAYER_ORTSBEZIRK]), want_ob);
			CHECK_STR(gp_geo_districts_id(idx, a.index[GP_LAYER_STADTTEIL]), want_st);
			CHECK_STR(gp_geo_districts_name(idx, a.index[GP_LAYER_STADTTEIL]),
			          json_string_value(json_object_get(props, "expected_stadtteil")));
		} else {
			outside++;
			CHECK_INT(a.index[GP_LAYER_ORTSBEZIRK], -1);
			CHECK_INT(a.index[GP_LAYER_STADTTEIL], -1);
		}
		/* asked for the nearest, every point gets exactly these two */
		CHECK_INT(gp_geo_districts_assign(idx, x, y, 1, &a), 0);
		CHECK_INT(a.in_city, in_city);
		CHECK_STR(gp_geo_districts_id(idx, a.index[GP_LAYER_ORTSBEZIRK]), want_ob);
		CHECK_STR(gp_geo_districts_id(idx, a.index[GP_LAYER_STADTTEIL]), want_st);
		CHECK_INT(gp_geo_districts_layer(idx, a.index[GP_LAYER_STADTTEIL]), GP_LAYER_STADTTEIL);
	}
	CHECK(gaps >= 3);
	CHECK(outside >= 3);
	json_decref(pts);
}

static void test_index(gp_geo *g)
{
	layer_src ob = { g, GP_LAYER_ORTSBEZIRK, { { 0 } }, 0 };
	layer_src st = { g, GP_LAYER_STADTTEIL, { { 0 } }, 0 };
	gp_district_src all[128];
	gp_geo_districts *idx = NULL;
	json_t *pts, *features;
	json_error_t jerr;
	char path[1024];
	size_t n = 0, i;

	load_layer(&ob, "kaiserslautern-ortsbezirke.geojson");
	load_layer(&st, "kaiserslautern-stadtteile.geojson");
	CHECK_INT(ob.n, 10);
	CHECK_INT(st.n, 18);
	for (i = 0; i < ob.n; i++)
		all[n++] = ob.items[i];
	for (i = 0; i < st.n; i++)
		all[n++] = st.items[i];
	CHECK_INT(gp_geo_districts_new(&idx, g, all, n), 0);
	if (!idx)
		return;
	/* SOURCES.md: the dissolved city covers 139.62 km². */
	CHECK_NEAR(gp_geo_districts_city_area(idx) / 1e6, 139.62, 0.01);

	snprintf(path, sizeof(path), "%s/kaiserslautern-testpunkte.geojson", getenv("GP_FIXTURES_DIR"));
	pts = json_load_file(path, 0, &jerr);
	CHECK(pts != NULL);
	features = json_object_get(pts, "features");
	CHECK_INT(json_array_size(features), 30);
	for (i = 0; i < json_array_size(features); i++) {
		json_t *f = json_array_get(features, i);
		json_t *props = json_object_get(f, "properties");
		json_t *c = json_object_get(json_object_get(f, "geometry"), "coordinates");
		double x = json_real_value(json_array_get(c, 0)), y = json_real_value(json_array_get(c, 1));
		gp_geo_assignment a;
		int in_city = json_is_true(json_object_get(props, "expected_in_city"));

		gp_geo_transform(g, GP_CRS_CRS84, GP_CRS_EPSG25832, GP_AXIS_AUTHORITY, &x, &y, 1);
		CHECK_INT(gp_geo_districts_assign(idx, x, y, 0, &a), 0);
		CHECK_INT(a.in_city, in_city);
		if (in_city) {
			char want_ob[32], want_st[32];
			snprintf(want_ob, sizeof(want_ob), "ob-%lld",
			         (long long)json_integer_value(json_object_get(props, "expected_ortsbezirk_id")));
			snprintf(want_st, sizeof(want_st), "st-%lld",
			         (long long)json_integer_value(json_object_get(props, "expected_stadtteil_id")));
			CHECK_STR(gp_geo_districts_id(idx, a.index[GP_LAYER_ORTSBEZIRK]), want_ob);
			CHECK_STR(gp_geo_districts_id(idx, a.index[GP_LAYER_STADTTEIL]), want_st);
			CHECK_STR(gp_geo_districts_name(idx, a.index[GP_LAYER_ORTSBEZIRK]),
			          json_string_value(json_object_get(props, "expected_ortsbezirk")));
		} else {
			/* outside: no district (the nearest ones: test_nearest) */
			CHECK_INT(a.index[0], -1);
			CHECK_INT(a.index[1], -1);
		}
	}
	json_decref(pts);
	test_nearest(g, idx);

	/* WKB → GeoJSON round trip of a boundary in CRS84. */
	{
		gp_buf b;
		gp_buf_init(&b, 1 << 22);
		CHECK_INT(gp_geo_wkb_write_geojson(g, &b, all[1].wkb, all[1].wkb_len, GP_CRS_CRS84, 7), 0);
		if (strncmp(gp_buf_cstr(&b), "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[7.", 42) != 0) {
			fprintf(stderr, "got %.80s\n", gp_buf_cstr(&b));
			check_failures++;
		}
		CHECK_INT(gp_geo_wkb_write_geojson(g, &b, (const unsigned char *)"\x01\x06\0\0", 4,
		                                   GP_CRS_CRS84, 7), GP_INVALID);
		gp_buf_free(&b);
	}
	gp_geo_districts_free(idx);
	for (i = 0; i < n; i++) {
		free((char *)all[i].id);
		free((char *)all[i].name);
		free((unsigned char *)all[i].wkb);
	}
}

static void test_hull(gp_geo *g)
{
	/* A 10 m square with two points inside: the outline is the square. */
	double x[6] = { 410000, 410010, 410010, 410000, 410005, 410002 };
	double y[6] = { 5480000, 5480000, 5480010, 5480010, 5480005, 5480008 };
	double area = 0;
	gp_buf b;

	gp_buf_init(&b, 1 << 16);
	CHECK_INT(gp_geo_hull_write_geojson(g, &b, x, y, 6, 1, GP_CRS_EPSG25832, 4, &area), 0);
	CHECK_NEAR(area, 100, 1e-6);
	/* counter-clockwise, starting anywhere: (x0,y0) is followed by (x1,y0) */
	CHECK(strstr(gp_buf_cstr(&b), "[410000,5480000],[410010,5480000]") != NULL);
	CHECK(strncmp(gp_buf_cstr(&b), "{\"type\":\"Polygon\"", 17) == 0);
	/* two points: a line, outlined 1 m wide on each side */
	gp_buf_reset(&b);
	CHECK_INT(gp_geo_hull_write_geojson(g, &b, x, y, 2, 1, GP_CRS_CRS84, 9, &area), 0);
	CHECK(area > 2 * 10 * 0.99 && area < 2 * 10 + 3.2);
	CHECK(strncmp(gp_buf_cstr(&b), "{\"type\":\"Polygon\"", 17) == 0);
	CHECK_INT(gp_geo_hull_write_geojson(g, &b, x, y, 0, 1, GP_CRS_CRS84, 9, &area),
	          GP_INVALID);
	gp_buf_free(&b);
}

int main(void)
{
	gp_geo *g = NULL;

	CHECK_INT(gp_geo_new(&g), 0);
	test_transform(g);
	test_boundary_refusals(g);
	test_index(g);
	test_hull(g);
	gp_geo_free(g);
	CHECK_DONE();
}
