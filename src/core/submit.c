/*
 * submit.c — accepting a citizen's point: judging every field, then a group
 * commit that places it in its districts and stores it durably.
 *
 * Group commit: each submitting thread queues its job and waits.  Whoever
 * finds no leader becomes leader, takes every queued job (at most
 * BATCH_MAX), and runs them in one write transaction on the process's
 * shared writer connection (gp_core_write_begin, which also serialises it
 * with every other write) — one fsync for the whole batch instead of one
 * per point.  Every job waits on its own condition
 * variable, so finishing a batch wakes exactly its jobs (and the next
 * leader), not every waiting thread.  Each job sits in its own savepoint, so a
 * refused point never affects its neighbours, and no job is reported done
 * before COMMIT returned.  District assignment happens inside the
 * transaction, after the leader has checked the boundaries' version, so a
 * concurrent boundary import can never leave a point with stale districts.
 * Other writes that come in the same numbers — questionnaire responses —
 * ride the same batches (core_group_commit), each in its savepoint too.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_int.h"
#include "util/metrics.h"

/* Bounded so one leader's transaction stays short under any load. */
#define BATCH_MAX 256

struct submit_job {
	gp_submitted *out; /* the point; districts copied in by the leader */
	const gp_actor *actor;
	/* Or, instead of a point, another write (a questionnaire response). */
	core_batch_fn fn;
	void *fn_arg;
	gp_err *err;
	int rc;
	int done;
	pthread_cond_t wake;
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

/* Channel and note: staff only; a citizen's point is always "online". */
static int judge_staff_fields(const gp_point_input *in, const gp_actor *actor,
                              gp_channel *out_channel, gp_err *err)
{
	size_t chars = 0, bad = 0;

	*out_channel = GP_CHANNEL_ONLINE;
	if (actor->role == GP_ROLE_CITIZEN) {
		if (in->channel)
			return gp_err_set(err, GP_INVALID, "properties.channel",
			                  "only staff may set the channel; citizens' points are online");
		if (in->note)
			return gp_err_set(err, GP_INVALID, "properties.note", "only staff may add a note");
		/* an event's live entry, checked by gp_core_point_submit */
		return 0;
	}
	if (in->channel && gp_channel_parse(out_channel, in->channel))
		return gp_err_set(err, GP_INVALID, "properties.channel",
		                  "channel must be online, walk or workshop");
	if (in->note) {
		if (strlen(in->note) != in->note_len || gp_text_has_control(in->note, in->note_len))
			return gp_err_set(err, GP_INVALID, "properties.note",
			                  "note contains control characters");
		if (gp_utf8_check(in->note, in->note_len, &chars, &bad) || chars > 1000)
			return gp_err_set(err, GP_INVALID, "properties.note",
			                  "note must be valid UTF-8 of at most 1000 characters");
	}
	return 0;
}

/* Coordinates in the request CRS → storage x/y and CRS84 lon/lat. */
static int place(gp_geo *geo, const gp_point_input *in, gp_crs crs, gp_point *p,
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
	if (gp_geo_transform(geo, crs, GP_CRS_STORAGE, GP_AXIS_AUTHORITY, &p->x,
	                     &p->y, 1))
		return gp_err_set(err, GP_INVALID, "geometry.coordinates",
		                  "coordinates cannot be transformed from %s", gp_crs_code(crs));
	if (crs == GP_CRS_CRS84) {
		p->lon = a;
		p->lat = b;
	} else {
		p->lon = p->x;
		p->lat = p->y;
		if (gp_geo_transform(geo, GP_CRS_STORAGE, GP_CRS_CRS84, GP_AXIS_AUTHORITY,
		                     &p->lon, &p->lat, 1))
			return gp_err_set(err, GP_INVALID, "geometry.coordinates",
			                  "coordinates cannot be transformed from %s",
			                  gp_crs_code(crs));
	}
	return 0;
}

int gp_core_point_judge(const gp_config *cfg, gp_geo *geo, const gp_point_input *in,
                        gp_crs crs, const gp_actor *actor, gp_point *out, gp_err *err)
{
	int rc;

	if ((rc = judge_text(cfg, in, err)) ||
	    (rc = judge_staff_fields(in, actor, &out->channel, err)))
		return rc;
	return place(geo, in, crs, out, err);
}

/* Inside the leader's transaction: districts, then the row. */
/* Copies a district from the leader's index into the job's own storage. */
static void take_district(gp_district_ref *ref, char *id, size_t idsz, char *name,
                          size_t namesz, const gp_geo_districts *idx, int i)
{
	const char *di = gp_geo_districts_id(idx, i), *dn = gp_geo_districts_name(idx, i);

	ref->id = ref->name = NULL;
	if (!di)
		return;
	gp_strlcpy(id, di, idsz);
	gp_strlcpy(name, dn ? dn : "", namesz);
	ref->id = id;
	ref->name = name;
}

static int store_one(gp_worker *w, const gp_geo_districts *idx, submit_job *job)
{
	gp_submitted *o = job->out;
	gp_point *p = &o->point;
	gp_geo_assignment a;
	int rc;

	if ((rc = gp_geo_districts_assign(idx, p->x, p->y, 0, &a)))
		return rc;
	if (!a.in_city)
		return gp_err_set(job->err, GP_INVALID, "geometry",
		                  "the point lies outside the city of %s",
		                  w->core->cfg->city_name);
	take_district(&p->ortsbezirk, o->ortsbezirk_id, sizeof(o->ortsbezirk_id),
	              o->ortsbezirk_name, sizeof(o->ortsbezirk_name), idx,
	              a.index[GP_LAYER_ORTSBEZIRK]);
	take_district(&p->stadtteil, o->stadtteil_id, sizeof(o->stadtteil_id),
	              o->stadtteil_name, sizeof(o->stadtteil_name), idx,
	              a.index[GP_LAYER_STADTTEIL]);
	if ((rc = gp_store_savepoint(w->store)))
		return rc;
	if ((rc = gp_store_point_insert(w->store, p)) ||
	    (job->actor->role != GP_ROLE_CITIZEN &&
	     (rc = gp_store_log_add(w->store, p->created, job->actor->name, "create", p->id,
	                            gp_channel_name(p->channel), 1)))) {
		gp_store_savepoint_rollback(w->store);
		return rc;
	}
	return gp_store_savepoint_release(w->store);
}

/*
 * Outside the city is a field error everyone deserves to hear, before any
 * spam check.  The worker's own index answers at once; only an "outside"
 * answer is confirmed against the current boundaries, so a recent import
 * can never refuse a point wrongly.  The leader assigns districts again
 * inside the transaction, where it counts.
 */
static int precheck_city(gp_worker *w, const gp_point *p, gp_err *err)
{
	const gp_geo_districts *idx = w->districts;
	gp_geo_assignment a;
	int rc;

	if (idx && (rc = gp_geo_districts_assign(idx, p->x, p->y, 0, &a)) == 0 && a.in_city)
		return 0;
	if ((rc = gp_worker_districts(w, &idx)) || (rc = gp_geo_districts_assign(idx, p->x, p->y, 0, &a)))
		return rc;
	if (!a.in_city)
		return gp_err_set(err, GP_INVALID, "geometry", "the point lies outside the city of %s",
		                  w->core->cfg->city_name);
	return 0;
}

/* Another write than a point, in its own savepoint like a point. */
static int run_other(gp_worker *w, submit_job *job)
{
	int rc;

	if ((rc = gp_store_savepoint(w->store)))
		return rc;
	if ((rc = job->fn(w, job->fn_arg, job->err))) {
		gp_store_savepoint_rollback(w->store);
		return rc;
	}
	return gp_store_savepoint_release(w->store);
}

/*
 * A busy or failing database (not the point itself) refused this job: the
 * transaction may be gone, so the batch stops and every job shares the
 * answer.
 */
static int connection_trouble(int rc)
{
	return rc < 0 || rc == GP_BUSY || rc == GP_STORAGE;
}

static void run_batch(gp_worker *w, submit_job *batch)
{
	const gp_geo_districts *idx = NULL;
	int rc, any = 0;

	if ((rc = gp_core_write_begin(w)))
		goto fail_all;
	if ((rc = gp_worker_districts(w, &idx))) {
		gp_core_write_end(w, rc);
		goto fail_all;
	}
	for (submit_job *j = batch; j; j = j->next) {
		j->rc = j->fn ? run_other(w, j) : store_one(w, idx, j);
		if (j->rc == 0)
			any = 1;
		else if (connection_trouble(j->rc))
			break; /* the connection is in trouble; stop here */
	}
	rc = 0;
	for (submit_job *j = batch; j; j = j->next)
		if (connection_trouble(j->rc))
			rc = j->rc;
	if (rc || !any) {
		gp_core_write_end(w, rc ? rc : GP_CONFLICT /* nothing to keep: roll back */);
		if (rc)
			goto fail_all;
		return;
	}
	if ((rc = gp_core_write_end(w, 0)))
		goto fail_all;
	gp_metric_add(GP_METRIC_COMMITS, 1);
	for (submit_job *j = batch; j; j = j->next)
		if (j->rc == 0 && !j->fn)
			gp_metric_add(GP_METRIC_POINTS_STORED, 1);
	/* Committed: now the cluster index may read the new rows. */
	for (submit_job *j = batch; j; j = j->next)
		if (j->rc == 0 && !j->fn)
			gp_core_point_changed(w->core, j->out->point.id);
	return;
fail_all:
	for (submit_job *j = batch; j; j = j->next) {
		if (j->rc > 0 && !connection_trouble(j->rc))
			continue; /* refused on its own merits; that answer stands */
		j->rc = rc;
		if (rc == GP_BUSY)
			gp_err_set(j->err, GP_BUSY, "", "the database is busy; please retry");
	}
}

/*
 * Queues job and waits until a batch holding it has committed or failed:
 * the first waiting thread without a leader leads (see the file comment).
 */
static int enqueue(gp_worker *w, submit_job *job)
{
	write_queue *q = &w->core->queue;
	pthread_cond_init(&job->wake, NULL);
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	q->waiting++;
	while (!job->done) {
		submit_job *batch, *last;
		int n = 1;

		if (q->leader_active) {
			pthread_cond_wait(&job->wake, &q->mu);
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
		q->waiting -= n;
		pthread_mutex_unlock(&q->mu);

		run_batch(w, batch);

		pthread_mutex_lock(&q->mu);
		for (submit_job *j = batch, *next; j; j = next) {
			next = j->next; /* j may be gone once its thread wakes */
			j->done = 1;
			if (j != job)
				pthread_cond_signal(&j->wake);
		}
		q->leader_active = 0;
		/* Whoever waits longest leads the next batch. */
		if (q->head)
			pthread_cond_signal(&q->head->wake);
	}
	pthread_mutex_unlock(&q->mu);
	pthread_cond_destroy(&job->wake);
	return job->rc;
}

int gp_core_point_submit(gp_worker *w, const gp_point_input *in, gp_crs crs,
                         const gp_actor *actor, gp_submitted *out, int *out_discarded,
                         gp_err *err)
{
	const gp_config *cfg = w->core->cfg;
	gp_point *p = &out->point;
	submit_job job;
	int rc;

	memset(&job, 0, sizeof(job));
	memset(out, 0, sizeof(*out));
	job.out = out;
	*out_discarded = 0;
	if ((rc = gp_core_point_judge(cfg, w->geo, in, crs, actor, p, err)))
		return rc;
	if ((rc = precheck_city(w, p, err)))
		return rc;
	if (in->event) {
		/* Recorded at a walk or workshop: the event says the channel. */
		gp_channel ch;
		int live;
		if ((rc = core_event_get(w, in->event, "properties.event", &ch, &live, err)))
			return rc;
		/* Citizens come through the event's link, only while staff keep it open. */
		if (actor->role == GP_ROLE_CITIZEN && !live)
			return gp_err_set(err, GP_INVALID, "properties.event",
			                  "event %lld takes no entries now: its live entry is closed",
			                  (long long)in->event);
		if (in->channel && p->channel != ch)
			return gp_err_set(err, GP_INVALID, "properties.channel",
			                  "event %lld is a %s; channel must be %s", (long long)in->event,
			                  gp_channel_name(ch), gp_channel_name(ch));
		p->channel = ch;
		p->event = in->event;
	}
	if (actor->role == GP_ROLE_CITIZEN) {
		/*
		 * Bots fill the hidden field or submit faster than anyone types.
		 * They get the same answer as everyone, and nothing is stored.
		 */
		if ((in->website && in->website_len > 0) ||
		    gp_guard_form_check(w->core->guard, in->form_token, cfg->form_min_seconds,
		                        cfg->form_max_age_s)) {
			*out_discarded = 1;
			gp_metric_add(GP_METRIC_SPAM_DISCARDED, 1);
			return 0;
		}
		if (cfg->comment_window_s > 0 &&
		    gp_guard_repeated_comment(w->core->guard, &actor->client, in->comment,
		                              in->comment_len))
			return gp_err_set(err, GP_CONFLICT, "properties.comment",
			                  "you sent this comment a moment ago; it is stored once");
	}
	gp_category_parse(&p->category, in->category);
	p->comment = in->comment;
	p->topic = in->topic;
	p->note = in->note;
	/* Staff input is the planners' own record; only citizens wait for review. */
	p->status = actor->role == GP_ROLE_CITIZEN && gp_config_premoderation(cfg)
	                    ? GP_STATUS_PENDING
	                    : GP_STATUS_PUBLISHED;
	job.actor = actor;
	gp_time_now(p->created);
	memcpy(p->updated, p->created, sizeof(p->updated));
	job.err = err;

	return enqueue(w, &job);
}

int core_group_commit(gp_worker *w, core_batch_fn fn, void *arg, gp_err *err)
{
	submit_job job;

	memset(&job, 0, sizeof(job));
	job.fn = fn;
	job.fn_arg = arg;
	job.err = err;
	return enqueue(w, &job);
}
