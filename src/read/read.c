/*
 * read.c — the read layer's handles, who sees what, and the query language
 * /api and /ogc share: parameter values into a gp_read_query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "read_int.h"

/* ---- who sees what ------------------------------------------------------------ */

#define ALL_STATUSES ((1u << GP_STATUS_COUNT) - 1)

gp_visibility gp_read_visibility(gp_role role)
{
	gp_visibility v = { 1u << GP_STATUS_PUBLISHED, 0 };

	if (role == GP_ROLE_PLANNER || role == GP_ROLE_ADMIN) {
		v.statuses = ALL_STATUSES;
		v.staff = 1;
	}
	return v;
}

int gp_read_visible(const gp_visibility *v, gp_status s)
{
	return (unsigned)s < GP_STATUS_COUNT && (v->statuses & (1u << s)) != 0;
}

int gp_read_visibility_narrow(gp_visibility *v, const char *status, gp_err *err)
{
	gp_status s;

	if (!status || !strcmp(status, "all"))
		return 0;
	if (gp_status_parse(&s, status))
		return gp_err_set(err, GP_BAD_REQUEST, "status",
		                  "status must be pending, published, hidden or all");
	if (!gp_read_visible(v, s))
		return gp_err_set(err, GP_FORBIDDEN, "status", "%s points are for staff", status);
	v->statuses = 1u << s;
	return 0;
}

int read_status(const gp_visibility *v)
{
	for (int s = 0; s < GP_STATUS_COUNT; s++)
		if (v->statuses == 1u << s)
			return s;
	/* Every status, or (which no role gives) none; never a pair. */
	return -1;
}

/* ---- handles ---------------------------------------------------------------------- */

int gp_read_cache_new(gp_read_cache **out, const gp_config *cfg)
{
	gp_read_cache *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return GP_ENOMEM;
	c->cfg = cfg;
	pthread_mutex_init(&c->mu, NULL);
	*out = c;
	return 0;
}

void gp_read_cache_free(gp_read_cache *c)
{
	if (!c)
		return;
	read_spatial_free(c->spatial);
	read_districts_free(c->districts);
	read_hot_free(c->hot);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void gp_read_cache_set_clusters(gp_read_cache *c, gp_cluster_index *idx)
{
	hot_cache *hc;

	pthread_mutex_lock(&c->mu);
	c->clusters = idx;
	pthread_mutex_unlock(&c->mu);
	/* Not under c->mu: the thread that stops here may be waiting for it. */
	if ((hc = read_hot_of(c)))
		read_hot_follow(hc, c, idx);
	if (idx) {
		/* A running index means a serving process: have its answers ready. */
		gp_visibility v = gp_read_visibility(GP_ROLE_CITIZEN);
		read_spatial_start(c, read_status(&v));
	}
}

int read_clusters(gp_read *r, gp_cluster_index **out, gp_err *err)
{
	pthread_mutex_lock(&r->cache->mu);
	*out = r->cache->clusters;
	pthread_mutex_unlock(&r->cache->mu);
	if (!*out)
		return gp_err_set(err, GP_UNAVAILABLE, "", "the cluster index is not running");
	return 0;
}

int gp_read_new(gp_read **out, gp_read_cache *c, gp_store *s, gp_geo *g)
{
	gp_read *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return GP_ENOMEM;
	r->cache = c;
	r->store = s;
	r->geo = g;
	*out = r;
	return 0;
}

void gp_read_free(gp_read *r)
{
	free(r);
}

/* ---- string maps ------------------------------------------------------------------ */

static size_t name_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

long read_names_find(const read_names *m, const char *key)
{
	if (!m->slot)
		return -1;
	for (size_t h = name_hash(key) & m->mask;; h = (h + 1) & m->mask) {
		size_t i = m->slot[h];
		if (i == 0)
			return -1;
		if (!strcmp(m->key[i - 1], key))
			return (long)(i - 1);
	}
}

/* Keeps the table at most a quarter full. */
static int names_grow(read_names *m)
{
	size_t cap = m->mask ? (m->mask + 1) * 2 : 64, *slot;

	if (!(slot = calloc(cap, sizeof(*slot))))
		return GP_ENOMEM;
	for (size_t i = 0; i < m->n; i++)
		for (size_t h = name_hash(m->key[i]) & (cap - 1);; h = (h + 1) & (cap - 1))
			if (!slot[h]) {
				slot[h] = i + 1;
				break;
			}
	free(m->slot);
	m->slot = slot;
	m->mask = cap - 1;
	return 0;
}

long read_names_put(read_names *m, const char *key)
{
	long i = read_names_find(m, key);
	char *copy;

	if (i >= 0)
		return i;
	if ((4 * (m->n + 1) > (m->mask ? m->mask + 1 : 0) && names_grow(m)))
		return -1;
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 32;
		char **k = realloc(m->key, cap * sizeof(*k));
		if (!k)
			return -1;
		m->key = k;
		m->cap = cap;
	}
	if (!(copy = gp_strdup(key)))
		return -1;
	m->key[m->n] = copy;
	for (size_t h = name_hash(key) & m->mask;; h = (h + 1) & m->mask)
		if (!m->slot[h]) {
			m->slot[h] = m->n + 1;
			break;
		}
	return (long)m->n++;
}

void read_names_free(read_names *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->key[i]);
	free(m->key);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/* ---- queries ------------------------------------------------------------------------- */

void gp_read_query_init(gp_read_query *q, const gp_visibility *vis)
{
	memset(q, 0, sizeof(*q));
	q->vis = *vis;
	q->category = -1;
	q->channel = -1;
	q->outcome = -1;
	q->crs = GP_CRS_CRS84;
	q->limit = -1;
}

int gp_read_param_crs(gp_crs *out, const char *name, const char *value, gp_err *err)
{
	*out = GP_CRS_CRS84;
	if (value && gp_crs_parse(out, value))
		return gp_err_set(err, GP_BAD_REQUEST, name,
		                  "unsupported %s \"%.60s\"; use CRS84, EPSG:25832, EPSG:4326, "
		                  "EPSG:3857 or EPSG:31467 (or their "
		                  "http://www.opengis.net/def/crs/ URIs)", name, value);
	return 0;
}

int gp_read_param_category(gp_read_query *q, const char *value, gp_err *err)
{
	gp_category c;

	if (!value)
		return 0;
	if (gp_category_parse(&c, value))
		return gp_err_set(err, GP_BAD_REQUEST, "category",
		                  "category must be favourite or improvement");
	q->category = (int)c;
	return 0;
}

int gp_read_param_channel(gp_read_query *q, const char *value, gp_err *err)
{
	gp_channel c;

	if (!value)
		return 0;
	if (gp_channel_parse(&c, value))
		return gp_err_set(err, GP_BAD_REQUEST, "channel",
		                  "channel must be online, walk or workshop");
	q->channel = (int)c;
	return 0;
}

int gp_read_param_flagged(gp_read_query *q, const char *value, gp_err *err)
{
	if (!value)
		return 0;
	if (strcmp(value, "true") && strcmp(value, "false"))
		return gp_err_set(err, GP_BAD_REQUEST, "flagged", "flagged must be true or false");
	if (!q->vis.staff)
		return gp_err_set(err, GP_FORBIDDEN, "flagged", "flags are for staff to see");
	q->flagged = value[0] == 't';
	return 0;
}

static int event_seen(void *ctx, const gp_event *e)
{
	(void)ctx;
	(void)e;
	return 0;
}

int gp_read_param_event(gp_read *r, gp_read_query *q, const char *value, gp_err *err)
{
	int64_t id;
	int rc;

	if (!value)
		return 0;
	if (value[0] == '+' || value[0] == '-' || gp_parse_i64(&id, value, 1, INT64_MAX))
		return gp_err_set(err, GP_BAD_REQUEST, "event", "event must be an event id (see "
		                                                "/api/events)");
	rc = gp_store_event_list(r->store, id, -1, event_seen, NULL);
	if (rc == GP_NOT_FOUND)
		return gp_err_set(err, GP_BAD_REQUEST, "event", "no event %lld (see /api/events)",
		                  (long long)id);
	if (rc)
		return rc;
	q->event = id;
	return 0;
}

int gp_read_param_outcome(gp_read_query *q, const char *value, gp_err *err)
{
	gp_outcome o;

	if (!value)
		return 0;
	if (gp_outcome_parse(&o, value))
		return gp_err_set(err, GP_BAD_REQUEST, "outcome",
		                  "outcome must be open, in_review, adopted or not_adopted");
	q->outcome = (int)o;
	return 0;
}

static const char *const sort_names[GP_READ_SORT_COUNT] = {
	"oldest", "newest", "updated", "flags", "supporters"
};
/* The store's order of each gp_read_sort, and the letter of its cursors. */
static const int sort_store[GP_READ_SORT_COUNT] = {
	GP_SORT_ID, GP_SORT_NEWEST, GP_SORT_UPDATED, GP_SORT_FLAGS, GP_SORT_SUPPORTERS
};
static const char sort_letter[GP_READ_SORT_COUNT] = { 0, 'n', 'u', 'f', 's' };

const char *gp_read_sort_name(gp_read_sort s)
{
	return (unsigned)s < GP_READ_SORT_COUNT ? sort_names[s] : NULL;
}

int gp_read_param_sort(gp_read_query *q, const char *value, gp_err *err)
{
	if (!value)
		return 0;
	for (int i = 0; i < GP_READ_SORT_COUNT; i++)
		if (strcmp(value, sort_names[i]) == 0) {
			if (i == GP_READ_SORT_FLAGS && !q->vis.staff)
				return gp_err_set(err, GP_FORBIDDEN, "sort",
				                  "only staff see how often a point was flagged");
			q->sort = i;
			return 0;
		}
	return gp_err_set(err, GP_INVALID, "sort",
	                  "sort must be oldest, newest, updated, flags or supporters");
}

void read_sorted_cursor_put(char *out, size_t size, int sort, const gp_point *last)
{
	char digits[GP_TIME_LEN];
	size_t n = 0;

	switch (sort) {
	case GP_READ_SORT_NEWEST:
		snprintf(out, size, "n%lld", (long long)last->id);
		return;
	case GP_READ_SORT_UPDATED:
		/* 2026-12-06T08:22:42.123Z → 20261206082242123: no character to encode. */
		for (const char *c = last->updated; *c && n + 1 < sizeof(digits); c++)
			if (*c >= '0' && *c <= '9')
				digits[n++] = *c;
		digits[n] = '\0';
		snprintf(out, size, "u%s.%lld", digits, (long long)last->id);
		return;
	case GP_READ_SORT_FLAGS:
		snprintf(out, size, "f%lld.%lld", (long long)last->flags, (long long)last->id);
		return;
	case GP_READ_SORT_SUPPORTERS:
		snprintf(out, size, "s%lld.%lld", (long long)last->supporters, (long long)last->id);
		return;
	default:
		out[0] = '\0';
	}
}

/* All digits, no sign: what a cursor's numbers are. */
static int plain_number(int64_t *out, const char *v, size_t n, int64_t min)
{
	char buf[24];

	if (n == 0 || n >= sizeof(buf) || strspn(v, "0123456789") < n)
		return GP_INVALID;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return gp_parse_i64(out, buf, min, INT64_MAX) ? GP_INVALID : 0;
}

int read_sorted_cursor(const char *value, int sort, gp_point_filter *f)
{
	const char *dot;

	if (sort <= GP_READ_SORT_OLDEST || sort >= GP_READ_SORT_COUNT ||
	    value[0] != sort_letter[sort])
		return GP_INVALID;
	value++;
	if (sort == GP_READ_SORT_NEWEST)
		return plain_number(&f->after_id, value, strlen(value), 1);
	if (!(dot = strchr(value, '.')) || plain_number(&f->after_id, dot + 1, strlen(dot + 1), 1))
		return GP_INVALID;
	if (sort != GP_READ_SORT_UPDATED)
		return plain_number(&f->after_key, value, (size_t)(dot - value), 0);
	if (dot - value != 17 || strspn(value, "0123456789") != 17)
		return GP_INVALID;
	/* Back to the stored form: YYYY-MM-DDTHH:MM:SS.mmmZ. */
	snprintf(f->after_updated, sizeof(f->after_updated), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s.%.3sZ",
	         value, value + 4, value + 6, value + 8, value + 10, value + 12, value + 14);
	return 0;
}

int gp_read_param_topic(gp_read *r, gp_read_query *q, const char *value, gp_err *err)
{
	if (!value)
		return 0;
	if (!gp_config_has_topic(r->cache->cfg, value) ||
	    gp_strlcpy(q->topic, value, sizeof(q->topic)))
		return gp_err_set(err, GP_BAD_REQUEST, "topic",
		                  "unknown topic \"%.40s\"; GET /api/config lists the topics", value);
	return 0;
}

int gp_read_param_district(gp_read *r, gp_read_query *q, const char *value, gp_err *err)
{
	gp_layer layer;
	int rc;

	if (!value)
		return 0;
	rc = strlen(value) < sizeof(q->district) ? gp_store_district_layer(r->store, value, &layer)
	                                        : GP_NOT_FOUND;
	if (rc == GP_NOT_FOUND)
		return gp_err_set(err, GP_BAD_REQUEST, "district",
		                  "unknown district \"%.40s\"; GET /api/districts lists them", value);
	if (rc)
		return rc;
	gp_strlcpy(q->district, value, sizeof(q->district));
	q->district_layer = layer;
	return 0;
}

int gp_read_param_period(gp_read_query *q, const char *since, const char *until,
                         gp_err *err)
{
	if (since && gp_time_parse(q->since, since))
		return gp_err_set(err, GP_BAD_REQUEST, "since",
		                  "since must be an RFC 3339 date or date-time, e.g. 2026-11-01 or "
		                  "2026-11-01T08:00:00Z");
	if (until) {
		if (gp_time_parse(q->until, until))
			return gp_err_set(err, GP_BAD_REQUEST, "until",
			                  "until must be an RFC 3339 date or date-time, e.g. 2026-11-30 "
			                  "or 2026-11-30T18:00:00Z");
		/* A date names a whole day: the stored times have this fixed form. */
		if (strlen(until) == 10)
			memcpy(q->until + 11, "23:59:59.999Z", 14);
		if (q->since[0] && strcmp(q->until, q->since) < 0)
			return gp_err_set(err, GP_BAD_REQUEST, "until", "until lies before since");
	}
	return 0;
}

/*
 * One end of a datetime interval: "" or ".." is open (0); a date-time is
 * itself; a date means its first millisecond as a start, its last as an
 * end, so "2026-11-26" as a whole is that day.
 */
static int interval_end(const char *v, size_t n, int is_end, char out[GP_TIME_LEN])
{
	char text[64];

	if (n == 0 || (n == 2 && strncmp(v, "..", 2) == 0))
		return 0;
	if (n >= sizeof(text) - 16)
		return -1;
	memcpy(text, v, n);
	text[n] = '\0';
	if (n == 10 && is_end)
		strcat(text, "T23:59:59.999Z");
	return gp_time_parse(out, text) ? -1 : 1;
}

int gp_read_param_datetime(gp_read_query *q, const char *value, gp_err *err)
{
	const char *slash;
	char since[GP_TIME_LEN] = "", until[GP_TIME_LEN] = "";
	int a, b;

	if (!value)
		return 0;
	slash = strchr(value, '/');
	if (!slash) {
		a = interval_end(value, strlen(value), 0, since);
		b = interval_end(value, strlen(value), 1, until);
		if (a != 1 || b != 1)
			goto bad;
	} else {
		a = interval_end(value, (size_t)(slash - value), 0, since);
		b = interval_end(slash + 1, strlen(slash + 1), 1, until);
		if (a < 0 || b < 0 || strchr(slash + 1, '/'))
			goto bad;
		if (a == 1 && b == 1 && strcmp(since, until) > 0)
			return gp_err_set(err, GP_BAD_REQUEST, "datetime",
			                  "datetime interval ends before it starts");
	}
	memcpy(q->since, a == 1 ? since : "", a == 1 ? GP_TIME_LEN : 1);
	memcpy(q->until, b == 1 ? until : "", b == 1 ? GP_TIME_LEN : 1);
	return 0;
bad:
	return gp_err_set(err, GP_BAD_REQUEST, "datetime",
	                  "datetime must be an RFC 3339 date-time or date, or an interval "
	                  "start/end with '..' or nothing for an open end, e.g. "
	                  "2026-11-01T00:00:00Z/..");
}

/* Whether value is a cursor of some sorted order (the sort is checked later). */
static int sorted_cursor_shape(const char *value)
{
	gp_point_filter f;

	for (int i = GP_READ_SORT_OLDEST + 1; i < GP_READ_SORT_COUNT; i++)
		if (read_sorted_cursor(value, i, &f) == 0)
			return 1;
	return 0;
}

int gp_read_param_after(gp_read_query *q, const char *value, gp_err *err)
{
	int64_t cell, id;

	if (!value)
		return 0;
	if (gp_strlcpy(q->after, value, sizeof(q->after)) ||
	    (read_cursor(value, 0, &cell, &id) && read_cursor(value, 1, &cell, &id) &&
	     !sorted_cursor_shape(value))) {
		q->after[0] = '\0';
		return gp_err_set(err, GP_BAD_REQUEST, "after",
		                  "after is a position taken from a next link of the same query");
	}
	return 0;
}

int read_cursor(const char *value, int cells, int64_t *out_cell, int64_t *out_id)
{
	const char *colon = strchr(value, ':');
	char cell[32];

	*out_cell = *out_id = 0;
	if (cells && colon && (size_t)(colon - value) < sizeof(cell)) {
		memcpy(cell, value, (size_t)(colon - value));
		cell[colon - value] = '\0';
		if (cell[0] != '+' && colon[1] != '+' &&
		    !gp_parse_i64(out_cell, cell, 0, INT64_MAX) &&
		    !gp_parse_i64(out_id, colon + 1, 1, INT64_MAX))
			return 0;
	} else if (!cells && !colon && value[0] != '+' &&
	           !gp_parse_i64(out_id, value, 1, INT64_MAX)) {
		return 0;
	}
	return GP_INVALID;
}

/* ---- bounding boxes ---------------------------------------------------------------- */

/* Four (or six) comma-separated finite numbers; n[] gets x/y of both corners. */
static int bbox_numbers(const char *v, double n[4])
{
	double k[6];
	char buf[256], *p, *save = NULL;
	int count = 0;

	if (gp_strlcpy(buf, v, sizeof(buf)) || !*v || v[strlen(v) - 1] == ',' ||
	    v[0] == ',' || strstr(v, ",,"))
		return GP_INVALID;
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (count == 6 || gp_parse_double(&k[count], p))
			return GP_INVALID;
		count++;
	}
	if (count == 4) {
		memcpy(n, k, 4 * sizeof(double));
	} else if (count == 6) { /* minx,miny,minz,maxx,maxy,maxz */
		n[0] = k[0], n[1] = k[1], n[2] = k[3], n[3] = k[4];
	} else {
		return GP_INVALID;
	}
	return 0;
}

/*
 * Grid boxes may be a little generous outward and must be strict inward:
 * a metre's worth of degrees absorbs densification and the differences
 * between PROJ's operations through and around the storage CRS.
 */
#define GRID_MARGIN 1e-5

int gp_read_param_bbox(gp_read *r, gp_read_query *q, const char *value, gp_crs crs,
                       gp_err *err)
{
	gp_read_area *a = &q->area;
	gp_geo *g = r->geo;
	gp_bbox box, gis, outer, inner;
	double n[4];

	if (!value)
		return 0;
	if (bbox_numbers(value, n))
		return gp_err_set(err, GP_BAD_REQUEST, "bbox",
		                  "bbox must be four numbers: minx,miny,maxx,maxy in the axis order "
		                  "of bbox-crs (CRS84: minlon,minlat,maxlon,maxlat)");
	box = (gp_bbox){ n[0], n[1], n[2], n[3] };
	if (box.minx > box.maxx || box.miny > box.maxy)
		return gp_err_set(err, GP_BAD_REQUEST, "bbox",
		                  "bbox minimum exceeds its maximum (boxes across the antimeridian "
		                  "are not supported)");
	if (crs == GP_CRS_EPSG4326) { /* lat/lon: the same test as CRS84 */
		box = (gp_bbox){ n[1], n[0], n[3], n[2] };
		crs = GP_CRS_CRS84;
	}
	if (gp_crs_is_geographic(crs) &&
	    (box.minx < -180 || box.maxx > 180 || box.miny < -90 || box.maxy > 90))
		return gp_err_set(err, GP_BAD_REQUEST, "bbox",
		                  "bbox must lie within longitude ±180 and latitude ±90");
	memset(a, 0, sizeof(*a));
	a->set = 1;
	a->geo = g;
	a->crs = crs;
	a->box = box;
	switch (crs) {
	case GP_CRS_CRS84:
		a->has_lonlat = 1;
		a->lonlat = box;
		return 0;
	case GP_CRS_EPSG3857:
		/*
		 * Web Mercator is separable — easting depends on longitude only,
		 * northing on latitude only, both growing — so its box is exactly
		 * a lon/lat box.
		 */
		if (gp_geo_transform(g, crs, GP_CRS_CRS84, GP_AXIS_AUTHORITY, &box.minx,
		                     &box.miny, 1) ||
		    gp_geo_transform(g, crs, GP_CRS_CRS84, GP_AXIS_AUTHORITY, &box.maxx,
		                     &box.maxy, 1))
			break;
		a->has_lonlat = 1;
		a->lonlat = box;
		return 0;
	default:
		gis = crs == GP_CRS_EPSG31467 ? (gp_bbox){ n[1], n[0], n[3], n[2] } : box;
		if (gp_geo_transform_bbox(g, crs, GP_CRS_CRS84, &box, &outer))
			break;
		a->has_grid = 1;
		a->grid_outer = (gp_bbox){ outer.minx - GRID_MARGIN, outer.miny - GRID_MARGIN,
			                   outer.maxx + GRID_MARGIN, outer.maxy + GRID_MARGIN };
		a->has_inner = gp_geo_transform_bbox_inner(g, crs, GP_CRS_CRS84, &gis,
		                                           GRID_MARGIN, &inner) == 0;
		a->grid_inner = inner;
		if (crs == GP_CRS_STORAGE) {
			a->has_xy = 1;
			a->xy = box;
		}
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return gp_err_set(err, GP_BAD_REQUEST, "bbox", "bbox lies outside where %s is defined",
	                  gp_crs_code(crs));
}

/* Exact test for boxes in a CRS the table has no columns for (EPSG:31467). */
static int keep_in_area(void *ctx, double x, double y)
{
	const gp_read_area *a = ctx;

	if (gp_geo_transform(a->geo, GP_CRS_STORAGE, a->crs, GP_AXIS_AUTHORITY, &x, &y, 1))
		return 0;
	return x >= a->box.minx && x <= a->box.maxx && y >= a->box.miny && y <= a->box.maxy;
}

int read_filter(const gp_read_query *q, gp_point_filter *f, gp_err *err)
{
	const gp_read_area *a = &q->area;

	gp_point_filter_init(f);
	if (!q->vis.statuses)
		return GP_EFAULT; /* a visibility that admits nothing is a caller's bug */
	f->status = read_status(&q->vis);
	f->staff = q->vis.staff;
	f->category = q->category;
	f->channel = q->channel;
	if (q->district[0]) {
		f->district = q->district;
		f->district_layer = (int)q->district_layer;
	}
	f->topic = q->topic[0] ? q->topic : NULL;
	f->since = q->since[0] ? q->since : NULL;
	f->until = q->until[0] ? q->until : NULL;
	f->flagged = q->flagged;
	f->event = q->event;
	f->outcome = q->outcome;
	if (a->set) {
		f->has_lonlat = a->has_lonlat;
		f->lonlat = a->lonlat;
		f->has_xy = a->has_xy;
		f->xy = a->xy;
		f->has_grid = a->has_grid;
		f->grid_outer = a->grid_outer;
		f->has_inner = a->has_inner;
		f->grid_inner = a->grid_inner;
		if (a->has_grid && !a->has_xy) {
			if (f->status < 0) /* the exact test needs the grid, which is per status */
				return gp_err_set(err, GP_BAD_REQUEST, "bbox",
				                  "a bbox in %s needs a status", gp_crs_code(a->crs));
			f->keep = keep_in_area;
			f->keep_ctx = (void *)a;
		}
		/* A sorted page reads by its key; the box is its exact test. */
		if (f->status >= 0 && q->sort == GP_READ_SORT_OLDEST)
			f->order = GP_ORDER_CELL;
		if (q->sort != GP_READ_SORT_OLDEST && f->keep)
			return gp_err_set(err, GP_BAD_REQUEST, "bbox",
			                  "a sorted listing takes a bbox in CRS84 or EPSG:25832");
	}
	f->limit = q->limit;
	f->offset = q->offset;
	f->sort = sort_store[(unsigned)q->sort < GP_READ_SORT_COUNT ? q->sort : 0];
	if (q->sort != GP_READ_SORT_OLDEST) {
		if (q->after[0] && read_sorted_cursor(q->after, q->sort, f))
			return gp_err_set(err, GP_BAD_REQUEST, "after",
			                  "after is a position taken from a next link of the same "
			                  "query and sort");
		return 0;
	}
	if (q->after[0] &&
	    read_cursor(q->after, f->order == GP_ORDER_CELL, &f->after_cell, &f->after_id))
		return gp_err_set(err, GP_BAD_REQUEST, "after",
		                  "after is a position taken from a next link of the same query");
	return 0;
}

int gp_read_coords(gp_read *r, const gp_point *p, gp_crs crs, double *c0, double *c1)
{
	int rc;

	switch (crs) {
	case GP_CRS_CRS84:
		*c0 = p->lon;
		*c1 = p->lat;
		return 0;
	case GP_CRS_EPSG4326:
		*c0 = p->lat;
		*c1 = p->lon;
		return 0;
	case GP_CRS_EPSG25832:
		*c0 = p->x;
		*c1 = p->y;
		return 0;
	default:
		*c0 = p->x;
		*c1 = p->y;
		rc = gp_geo_transform(r->geo, GP_CRS_STORAGE, crs, GP_AXIS_AUTHORITY, c0, c1, 1);
		return rc < 0 ? rc : rc ? GP_EFAULT : 0;
	}
}

/* ---- what the parameters accept ------------------------------------------------------ */

int gp_read_put_topic_ids(gp_read *r, gp_buf *b)
{
	const gp_config *cfg = r->cache->cfg;

	gp_buf_putc(b, '[');
	for (size_t i = 0; i < cfg->ntopics; i++) {
		if (i)
			gp_buf_putc(b, ',');
		gp_json_put_str(b, cfg->topics[i].id);
	}
	gp_buf_putc(b, ']');
	return gp_buf_status(b);
}

typedef struct ids_ctx {
	gp_buf *b;
	int n;
} ids_ctx;

static int put_id(void *ctx, const gp_store_district_row *row)
{
	ids_ctx *ic = ctx;

	if (ic->n++)
		gp_buf_putc(ic->b, ',');
	gp_json_put_str(ic->b, row->id);
	return 0;
}

int gp_read_put_district_ids(gp_read *r, gp_buf *b)
{
	ids_ctx ic = { b, 0 };
	int rc;

	gp_buf_putc(b, '[');
	if ((rc = gp_store_district_list(r->store, -1, NULL, 0, put_id, &ic)))
		return rc;
	gp_buf_putc(b, ']');
	return gp_buf_status(b);
}
