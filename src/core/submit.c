/*
 * submit.c — accepting a citizen's point: judging every field, then a group
 * commit that places it in its districts and stores it durably.
 *
 * Group commit: each submitting thread queues its job and waits.  Whoever
 * finds no leader becomes leader, takes every queued job, and runs them in
 * one write transaction on its own connection — one fsync for the whole
 * batch instead of one per point.  Each job sits in its own savepoint, so a
 * refused point never affects its neighbours, and no job is reported done
 * before COMMIT returned.  District assignment happens inside the
 * transaction, after the leader has checked the boundaries' version, so a
 * concurrent boundary import can never leave a point with stale districts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_int.h"

/* Bounded so one leader's transaction stays short under any load. */
#define BATCH_MAX 256

struct submit_job {
	gp_point point;
	gp_err *err;
	int rc;
	int done;
	struct submit_job *next;
};

static int judge_text(const gp_config *cfg, const gp_point_input *in, gp_err *err)
{
	gp_category cat;
	size_t chars = 0, bad = 0;
	int blank = 1;

	if (gp_category_parse(&cat, in->category))
		return gp_err_set(err, GP_INVALID, "properties.category",
		                  "unknown category \"%.40s\"; use favourite or improvement",
		                  in->category);
	if (strlen(in->comment) != in->comment_len ||
	    gp_text_has_control(in->comment, in->comment_len))
		return gp_err_set(err, GP_INVALID, "properties.comment",
		                  "comment contains control characters (only line breaks and tabs are allowed)");
	if (gp_utf8_check(in->comment, in->comment_len, &chars, &bad))
		return gp_err_set(err, GP_INVALID, "properties.comment",
		                  "comment is not valid UTF-8 (byte %zu)", bad);
	for (size_t i = 0; i < in->comment_len; i++)
		if (!strchr(" \t\n\r", in->comment[i]))
			blank = 0;
	if (blank)
		return gp_err_set(err, GP_INVALID, "properties.comment", "comment is empty");
	if (chars > GP_COMMENT_MAX_CHARS)
		return gp_err_set(err, GP_INVALID, "properties.comment",
		                  "comment has %zu characters; at most %d are allowed", chars,
		                  GP_COMMENT_MAX_CHARS);
	if (in->topic && !gp_config_has_topic(cfg, in->topic))
		return gp_err_set(err, GP_INVALID, "properties.topic",
		                  "unknown topic \"%.40s\"; GET /api/config lists the topics",
		                  in->topic);
	return 0;
}

/* Coordinates in the request CRS → storage x/y and CRS84 lon/lat. */
static int place(gp_worker *w, const gp_point_input *in, gp_crs crs, gp_point *p,
                 gp_err *err)
{
	double a = in->coord[0], b = in->coord[1];

	if (gp_crs_is_geographic(crs)) {
		double lon = crs == GP_CRS_EPSG4326 ? b : a;
		double lat = crs == GP_CRS_EPSG4326 ? a : b;
		if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
			return gp_err_set(err, GP_INVALID, "geometry.coordinates",
			                  "coordinates out of range: longitude must be within ±180 "
			                  "and latitude within ±90 (%s order is %s)",
			                  gp_crs_code(crs),
			                  crs == GP_CRS_EPSG4326 ? "lat, lon" : "lon, lat");
	}
	p->x = a;
	p->y = b;
	if (gp_geo_transform(w->geo, crs, GP_CRS_STORAGE, GP_AXIS_AUTHORITY, &p->x,
	                     &p->y, 1))
		return gp_err_set(err, GP_INVALID, "geometry.coordinates",
		                  "coordinates cannot be transformed from %s", gp_crs_code(crs));
	if (crs == GP_CRS_CRS84) {
		p->lon = a;
		p->lat = b;
	} else {
		p->lon = p->x;
		p->lat = p->y;
		if (gp_geo_transform(w->geo, GP_CRS_STORAGE, GP_CRS_CRS84, GP_AXIS_AUTHORITY,
		                     &p->lon, &p->lat, 1))
			return gp_err_set(err, GP_INVALID, "geometry.coordinates",
			                  "coordinates cannot be transformed from %s",
			                  gp_crs_code(crs));
	}
	return 0;
}

/* Inside the leader's transaction: districts, then the row. */
static int store_one(gp_worker *w, const gp_geo_districts *idx, submit_job *job)
{
	gp_point *p = &job->point;
	gp_geo_assignment a;
	int rc;

	if ((rc = gp_geo_districts_assign(idx, p->x, p->y, 0, &a)))
		return rc;
	if (!a.in_city)
		return gp_err_set(job->err, GP_INVALID, "geometry",
		                  "the point lies outside the city of %s",
		                  w->core->cfg->city_name);
	p->ortsbezirk.id = gp_geo_districts_id(idx, a.index[GP_LAYER_ORTSBEZIRK]);
	p->stadtteil.id = gp_geo_districts_id(idx, a.index[GP_LAYER_STADTTEIL]);
	if ((rc = gp_store_savepoint(w->store)))
		return rc;
	if ((rc = gp_store_point_insert(w->store, p))) {
		gp_store_savepoint_rollback(w->store);
		return rc;
	}
	return gp_store_savepoint_release(w->store);
}

static void run_batch(gp_worker *w, submit_job *batch)
{
	const gp_geo_districts *idx = NULL;
	int rc, any = 0;

	if ((rc = gp_store_begin_write(w->store)))
		goto fail_all;
	if ((rc = gp_worker_districts(w, &idx))) {
		gp_store_rollback(w->store);
		goto fail_all;
	}
	for (submit_job *j = batch; j; j = j->next) {
		j->rc = store_one(w, idx, j);
		if (j->rc == 0)
			any = 1;
		else if (j->rc < 0 || j->rc == GP_BUSY)
			break; /* the connection is in trouble; stop here */
	}
	for (submit_job *j = batch; j; j = j->next) {
		if (j->rc < 0 || j->rc == GP_BUSY) {
			rc = j->rc;
			gp_store_rollback(w->store);
			goto fail_all;
		}
	}
	if (!any) {
		gp_store_rollback(w->store);
		return;
	}
	if ((rc = gp_store_commit(w->store)))
		goto fail_all;
	/* Committed: now the cluster index may read the new rows. */
	for (submit_job *j = batch; j; j = j->next)
		if (j->rc == 0)
			gp_core_point_changed(w->core, j->point.id);
	return;
fail_all:
	for (submit_job *j = batch; j; j = j->next) {
		if (j->rc > 0 && j->rc != GP_BUSY)
			continue; /* refused on its own merits; that answer stands */
		j->rc = rc;
		if (rc == GP_BUSY)
			gp_err_set(j->err, GP_BUSY, "", "the database is busy; please retry");
	}
}

int gp_core_point_submit(gp_worker *w, const gp_point_input *in, gp_crs crs,
                         int64_t *out_id, gp_err *err)
{
	write_queue *q = &w->core->queue;
	submit_job job;
	int rc;

	memset(&job, 0, sizeof(job));
	if ((rc = judge_text(w->core->cfg, in, err)))
		return rc;
	if ((rc = place(w, in, crs, &job.point, err)))
		return rc;
	gp_category_parse(&job.point.category, in->category);
	job.point.comment = in->comment;
	job.point.topic = in->topic;
	job.point.status = GP_STATUS_PUBLISHED;
	gp_time_now(job.point.created);
	memcpy(job.point.updated, job.point.created, sizeof(job.point.updated));
	job.err = err;

	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = &job;
	else
		q->head = &job;
	q->tail = &job;
	while (!job.done) {
		submit_job *batch, *last;
		int n = 1;

		if (q->leader_active) {
			pthread_cond_wait(&q->done, &q->mu);
			continue;
		}
		q->leader_active = 1;
		batch = last = q->head;
		while (last->next && n < BATCH_MAX) {
			last = last->next;
			n++;
		}
		q->head = last->next;
		if (!q->head)
			q->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&q->mu);

		run_batch(w, batch);

		pthread_mutex_lock(&q->mu);
		for (submit_job *j = batch, *next; j; j = next) {
			next = j->next;
			j->done = 1;
		}
		q->leader_active = 0;
		pthread_cond_broadcast(&q->done);
	}
	pthread_mutex_unlock(&q->mu);
	if (job.rc == 0)
		*out_id = job.point.id;
	return job.rc;
}
