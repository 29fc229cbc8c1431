/*
 * points.c — reading points: pages of a query (counted and planned), one
 * point, points near a place, extents, the walks of exports and of the
 * cluster index, and the staff log.
 *
 * Planning a page in id order (no box): the count comes first, from the
 * counts the triggers keep, and so does the count of each filter alone;
 * with them each way to the rows is weighed by how many rows it must look
 * at before the page is full — the table by id, or the index of the
 * district, topic or channel (each hands out ids in order), all of them
 * between the ids of the period's days; or the creation index over the
 * period (then sorted) — and the cheapest runs.  An offset is first turned into a cursor where
 * the blocks of point_blocks allow, so a deep page costs what the first
 * does.  A page with a box runs along the grid instead (store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_int.h"

/* ---- planning ------------------------------------------------------------------------ */

/* The number of points that pass f with only some of its filters. */
static int count_alone(gp_read *r, const gp_point_filter *f, int keep_district,
                       int keep_topic, int keep_channel, int keep_period, int64_t *out)
{
	gp_point_filter g;

	gp_point_filter_init(&g);
	g.status = f->status;
	if (keep_district) {
		g.district = f->district;
		g.district_layer = f->district_layer;
	}
	if (keep_topic)
		g.topic = f->topic;
	if (keep_channel)
		g.channel = f->channel;
	if (keep_period) {
		g.since = f->since;
		g.until = f->until;
	}
	return gp_store_point_count(r->store, &g, out);
}

/* Rows a path looks at to find `need` of `matched` among `candidates`. */
static double rows_to_fill(double candidates, int64_t matched, int64_t need)
{
	if (matched <= 0 || need >= matched)
		return candidates; /* to the end */
	return candidates * (double)need / (double)matched < candidates
	               ? candidates * (double)need / (double)matched
	               : candidates;
}

/*
 * Chooses f->path (and the id bounds of a period) for a page of `need`
 * rows in id order without a box, where `matched` points pass f.  A period
 * bounds the ids every path walks: the ids of its days, which in a city's
 * life run with time, so a late period is not looked for among early ids.
 */
static int plan_path(gp_read *r, gp_point_filter *f, int64_t matched, int64_t need)
{
	double best, cost, share = 1;
	int64_t total, n, lo = 0, hi = 0;
	int rc;

	f->path = GP_PATH_TABLE;
	if (f->status < 0)
		return 0; /* staff reads of every status: the indexes start with a status */
	if (!f->district && !f->topic && f->channel < 0 && !f->since && !f->until)
		return 0; /* at most a category: the table is as good as it gets */
	if ((rc = count_alone(r, f, 0, 0, 0, 0, &total)))
		return rc;
	if (f->since || f->until) {
		rc = gp_store_point_id_range(r->store, f->status, f->since, f->until, &lo, &hi);
		if (rc == GP_NOT_FOUND)
			return 0; /* no day holds such points: the count said 0 already */
		if (rc)
			return rc;
		f->id_lo = lo;
		f->id_hi = hi;
		/* Ids are dense enough that the range's width stands for its rows. */
		if (total > 0 && hi - lo + 1 < total)
			share = (double)(hi - lo + 1) / (double)total;
	}
	best = rows_to_fill((double)total * share, matched, need);
	if (f->district && f->district_layer >= 0) {
		if ((rc = count_alone(r, f, 1, 0, 0, 0, &n)))
			return rc;
		if ((cost = rows_to_fill((double)n * share, matched, need)) < best) {
			best = cost;
			f->path = GP_PATH_DISTRICT;
		}
	}
	if (f->topic) {
		if ((rc = count_alone(r, f, 0, 1, 0, 0, &n)))
			return rc;
		if ((cost = rows_to_fill((double)n * share, matched, need)) < best) {
			best = cost;
			f->path = GP_PATH_TOPIC;
		}
	}
	if (f->channel >= 0) {
		if ((rc = count_alone(r, f, 0, 0, 1, 0, &n)))
			return rc;
		if ((cost = rows_to_fill((double)n * share, matched, need)) < best) {
			best = cost;
			f->path = GP_PATH_CHANNEL;
		}
	}
	if (f->since || f->until) {
		if ((rc = count_alone(r, f, 0, 0, 0, 1, &n)))
			return rc;
		/* Every point of the period is looked at, then sorted by id. */
		if ((cost = 1.5 * (double)n) < best) {
			best = cost;
			f->path = GP_PATH_CREATED;
			f->id_lo = f->id_hi = 0;
		}
	}
	return 0;
}

/* ---- pages ----------------------------------------------------------------------------- */

typedef struct page_run {
	gp_read *r;
	const gp_read_query *q;
	gp_read_point_cb cb;
	void *ctx;
	gp_read_page *out;
	int64_t limit;     /* -1: all */
	int64_t last_id;
	gp_point last;     /* its numbers and times only: its strings were the row's;
	                      a cursor names its cell */
} page_run;

static int page_point(void *ctx, const gp_point *p)
{
	page_run *pr = ctx;
	double c0, c1;
	int rc;

	if (pr->limit >= 0 && pr->out->returned == pr->limit) {
		pr->out->more = 1; /* the one read beyond the page (NULL: not read at all) */
		return 0;
	}
	if ((rc = gp_read_coords(pr->r, p, pr->q->crs, &c0, &c1)))
		return rc;
	if ((rc = pr->cb(pr->ctx, p, c0, c1)))
		return rc;
	pr->out->returned++;
	pr->last_id = p->id;
	pr->last = *p;
	return 0;
}

int gp_read_points(gp_read *r, const gp_read_query *q, gp_read_point_cb cb, void *ctx,
                   gp_read_page *out, gp_err *err)
{
	page_run pr = { .r = r, .q = q, .cb = cb, .ctx = ctx, .out = out, .limit = q->limit };
	gp_point_filter f;
	int64_t after;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = read_filter(q, &f, err)))
		return rc;
	if (q->limit > 0)
		f.limit = q->limit + 1; /* one more tells whether a next page exists */
	/* One snapshot for the count and the page, so the two always agree. */
	if ((rc = gp_store_read_begin(r->store)))
		return rc;
	if (f.order == GP_ORDER_CELL) {
		int done = 0;
		if ((rc = read_spatial_points(r, &f, &out->matched, page_point, &pr, &done)))
			goto out;
		if (done)
			goto paged;
	}
	if ((rc = gp_store_point_count(r->store, &f, &out->matched)))
		goto out;
	if (q->limit == 0 || out->matched == 0 || (!q->after[0] && f.offset >= out->matched))
		goto out; /* nothing to read */
	if (f.order == GP_ORDER_ID && f.sort == GP_SORT_ID) {
		if (f.offset > 0 && !q->after[0] &&
		    (rc = gp_store_point_seek(r->store, &f, f.offset, &after)) != GP_INVALID) {
			if (rc)
				goto out;
			f.after_id = after;
			f.offset = 0;
		}
		if (f.after_id == INT64_MAX)
			goto out; /* past the end */
		if ((rc = plan_path(r, &f, out->matched,
		                    f.offset + (q->limit < 0 ? out->matched : q->limit) + 1)))
			goto out;
	}
	if ((rc = gp_store_point_query(r->store, &f, page_point, &pr)))
		goto out;
paged:
	if (out->more) {
		if (f.sort != GP_SORT_ID)
			read_sorted_cursor_put(out->next, sizeof(out->next), q->sort, &pr.last);
		else if (f.order == GP_ORDER_CELL)
			snprintf(out->next, sizeof(out->next), "%lld:%lld",
			         (long long)gp_store_point_cell(pr.last.lon, pr.last.lat),
			         (long long)pr.last_id);
		else
			snprintf(out->next, sizeof(out->next), "%lld", (long long)pr.last_id);
	}
out:
	gp_store_read_end(r->store);
	return rc;
}

/* ---- one point, nearby points, extents -------------------------------------------------- */

typedef struct one_run {
	gp_read *r;
	const gp_visibility *vis;
	gp_crs crs;
	gp_read_point_cb cb;
	void *ctx;
	int seen;
} one_run;

static int one_point(void *ctx, const gp_point *p)
{
	one_run *o = ctx;
	gp_point copy;
	double c0, c1;
	int rc;

	if (!gp_read_visible(o->vis, p->status))
		return 0;
	o->seen = 1;
	copy = *p;
	if (!o->vis->staff) { /* what only staff see stays with them */
		copy.note = NULL;
		copy.flags = 0;
		copy.flag_reasons = NULL;
	}
	if ((rc = gp_read_coords(o->r, &copy, o->crs, &c0, &c1)))
		return rc;
	return o->cb(o->ctx, &copy, c0, c1);
}

int gp_read_point(gp_read *r, const gp_visibility *vis, int64_t id, gp_crs crs,
                  gp_read_point_cb cb, void *ctx, gp_err *err)
{
	one_run o = { r, vis, crs, cb, ctx, 0 };
	int rc = gp_store_point_get(r->store, id, read_status(vis), one_point, &o);

	if (rc == GP_NOT_FOUND || (!rc && !o.seen))
		return gp_err_set(err, GP_NOT_FOUND, "id", "no %spoint %lld",
		                  vis->staff ? "" : "published ", (long long)id);
	return rc;
}

typedef struct near_run {
	const gp_visibility *vis;
	gp_read_nearby_cb cb;
	void *ctx;
} near_run;

static int near_point(void *ctx, const gp_point *p, double distance)
{
	near_run *n = ctx;
	gp_point copy = *p;

	if (!n->vis->staff) {
		copy.note = NULL;
		copy.flags = 0;
		copy.flag_reasons = NULL;
	}
	return n->cb(n->ctx, &copy, distance);
}

int gp_read_nearby(gp_read *r, const gp_visibility *vis, double lon, double lat,
                   double radius, int category, int64_t limit, int64_t *out_matched,
                   gp_read_nearby_cb cb, void *ctx, gp_err *err)
{
	near_run n = { vis, cb, ctx };
	double x = lon, y = lat;

	*out_matched = 0;
	if (gp_geo_transform(r->geo, GP_CRS_CRS84, GP_CRS_STORAGE, GP_AXIS_AUTHORITY, &x, &y, 1))
		return gp_err_set(err, GP_BAD_REQUEST, "lon",
		                  "lon/lat cannot be placed in the storage CRS (EPSG:25832)");
	return gp_store_point_nearby(r->store, x, y, radius, read_status(vis), category, limit,
	                             out_matched, near_point, &n);
}

int gp_read_extent(gp_read *r, const gp_visibility *vis, gp_bbox *out_lonlat,
                   char out_first[GP_TIME_LEN], char out_last[GP_TIME_LEN],
                   int64_t *out_count)
{
	int status = read_status(vis);

	if (status < 0)
		return GP_EFAULT; /* an extent of every status is nobody's question yet */
	return gp_store_point_extent(r->store, status, out_lonlat, out_first, out_last,
	                             out_count);
}

/* ---- walks ------------------------------------------------------------------------------- */

/* The filter of a walk: what vis admits, of `district` when it is not NULL. */
static int walk_filter(gp_read *r, const gp_visibility *vis, const char *district,
                       gp_point_filter *f)
{
	gp_layer layer;
	int rc;

	gp_point_filter_init(f);
	f->status = read_status(vis);
	f->staff = vis->staff;
	if (!district)
		return 0;
	if ((rc = gp_store_district_layer(r->store, district, &layer)))
		return rc;
	f->district = district;
	f->district_layer = (int)layer;
	/* The district's index hands out its ids in order: the walk streams. */
	if (f->status >= 0)
		f->path = GP_PATH_DISTRICT;
	return 0;
}

int gp_read_walk_begin(gp_read *r, const gp_visibility *vis, const char *district,
                       int64_t *out_count)
{
	gp_point_filter f;
	int rc;

	/* A walk over every row: through read(), so memory stays flat. */
	if ((rc = gp_store_read_mapped(r->store, 0)) || (rc = gp_store_read_begin(r->store)))
		return rc;
	if ((rc = walk_filter(r, vis, district, &f)))
		return rc;
	if (out_count)
		rc = gp_store_point_count(r->store, &f, out_count);
	return rc;
}

int gp_read_walk(gp_read *r, const gp_visibility *vis, const char *district,
                 int (*cb)(void *ctx, const gp_point *p), void *ctx)
{
	gp_point_filter f;
	int rc;

	if ((rc = walk_filter(r, vis, district, &f)))
		return rc;
	return gp_store_point_query(r->store, &f, cb, ctx);
}

void gp_read_walk_end(gp_read *r)
{
	gp_store_read_end(r->store);
	gp_store_read_mapped(r->store, 1);
}

/* ---- the cluster index's source --------------------------------------------------------- */

typedef struct source_ctx {
	char *path;
	gp_store *store; /* opened and closed on the maintainer thread */
} source_ctx;

static int src_open(void *ctx)
{
	source_ctx *sc = ctx;
	gp_err err;
	int rc;

	if ((rc = gp_store_open(&sc->store, sc->path, 0, &err)))
		gp_log_error("cluster index cannot open %s: %s", sc->path, err.detail);
	return rc;
}

static void src_close(void *ctx)
{
	source_ctx *sc = ctx;

	gp_store_close(sc->store);
	sc->store = NULL;
}

/* The index is the public's map: it holds what a citizen sees. */
static int public_status(void)
{
	gp_visibility v = gp_read_visibility(GP_ROLE_CITIZEN);

	return read_status(&v);
}

static int src_load(void *ctx, gp_cluster_point_cb cb, void *cb_ctx)
{
	source_ctx *sc = ctx;
	gp_point_filter f;
	int rc;

	gp_point_filter_init(&f);
	f.status = public_status();
	/* One snapshot, so a concurrent commit is either wholly in or notified. */
	if ((rc = gp_store_read_begin(sc->store)))
		return rc;
	rc = gp_store_point_query(sc->store, &f, cb, cb_ctx);
	gp_store_read_end(sc->store);
	return rc;
}

/* A point the public does not see is, for the index, not there. */
static int src_get(void *ctx, int64_t id, gp_cluster_point_cb cb, void *cb_ctx)
{
	source_ctx *sc = ctx;

	return gp_store_point_get(sc->store, id, public_status(), cb, cb_ctx);
}

/* A boundary import rewrites stored districts without notifying anyone. */
static int src_version(void *ctx, int64_t *out)
{
	source_ctx *sc = ctx;

	return gp_store_districts_version(sc->store, out);
}

int gp_read_cluster_source_new(gp_cluster_source *out, const char *db_path)
{
	source_ctx *sc = calloc(1, sizeof(*sc));

	memset(out, 0, sizeof(*out));
	if (!sc || !(sc->path = gp_strdup(db_path))) {
		free(sc);
		return GP_ENOMEM;
	}
	*out = (gp_cluster_source){ src_open, src_close, src_load, src_get, src_version, sc };
	return 0;
}

void gp_read_cluster_source_free(gp_cluster_source *src)
{
	source_ctx *sc = src ? src->ctx : NULL;

	if (!sc)
		return;
	free(sc->path);
	free(sc);
	src->ctx = NULL;
}

/* ---- the staff log -------------------------------------------------------------------------- */

/* ---- events ------------------------------------------------------------------------------- */

typedef struct event_run {
	int (*cb)(void *ctx, const gp_read_event *e);
	void *ctx;
} event_run;

static int event_row(void *ctx, const gp_event *e)
{
	event_run *er = ctx;
	gp_read_event out = { e->id, e->name, e->channel, e->date, e->district,
		              e->district_name, e->points, e->live };

	return er->cb(er->ctx, &out);
}

int gp_read_events(gp_read *r, const gp_visibility *vis, int64_t id,
                   int (*cb)(void *ctx, const gp_read_event *e), void *ctx, gp_err *err)
{
	event_run er = { cb, ctx };
	int rc = gp_store_event_list(r->store, id, read_status(vis), event_row, &er);

	if (rc == GP_NOT_FOUND)
		return gp_err_set(err, GP_NOT_FOUND, "id", "no event %lld", (long long)id);
	return rc;
}

typedef struct log_run {
	int (*cb)(void *ctx, const gp_read_log_entry *e);
	void *ctx;
} log_run;

static int log_entry(void *ctx, const gp_log_entry *e)
{
	log_run *l = ctx;
	gp_read_log_entry out = { e->id, e->at, e->actor, e->action, e->fields, e->point_id,
		                  e->count };

	return l->cb(l->ctx, &out);
}

int gp_read_log(gp_read *r, const gp_visibility *vis, int64_t limit, int64_t offset,
                int (*cb)(void *ctx, const gp_read_log_entry *e), void *ctx,
                int64_t *out_total)
{
	log_run l = { cb, ctx };

	if (!vis->staff)
		return GP_FORBIDDEN;
	return gp_store_log_list(r->store, limit, offset, log_entry, &l, out_total);
}
