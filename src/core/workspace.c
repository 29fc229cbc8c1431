/*
 * workspace.c — what the planners' workspace adds: walks and workshops
 * (events) that staff record points at, and staff sessions for the
 * browser, so that the page never holds a token where scripts could read
 * it.
 *
 * Must never: store a session id or a token (only their keyed hashes), or
 * let a session outlive its token's revocation.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "core_int.h"

/* ---- events ------------------------------------------------------------------- */

/* A calendar date YYYY-MM-DD that exists. */
static int valid_date(const char *s)
{
	static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	return !(m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)));
}

int gp_core_event_create(gp_worker *w, const gp_actor *actor, const gp_event_input *in,
                         int64_t *out_id, gp_err *err)
{
	gp_event e = { 0 };
	char now[GP_TIME_LEN], fields[96];
	gp_layer layer;
	int rc;

	if (!core_text_ok(in->name, 200))
		return gp_err_set(err, GP_INVALID, "name", "name must have 1 to 200 characters "
		                                           "without control characters");
	if (!in->channel || gp_channel_parse(&e.channel, in->channel) ||
	    e.channel == GP_CHANNEL_ONLINE)
		return gp_err_set(err, GP_INVALID, "channel", "channel must be walk or workshop");
	if (!valid_date(in->date))
		return gp_err_set(err, GP_INVALID, "date", "date must be a calendar date YYYY-MM-DD");
	if (in->district) {
		rc = gp_store_district_layer(w->store, in->district, &layer);
		if (rc == GP_NOT_FOUND)
			return gp_err_set(err, GP_INVALID, "district",
			                  "no district \"%.40s\" (see /api/districts)", in->district);
		if (rc)
			return rc;
	}
	e.name = in->name;
	e.date = in->date;
	e.district = in->district;
	gp_time_now(now);
	e.created = now;
	if ((rc = gp_core_write_begin(w)))
		return rc;
	if (!(rc = gp_store_event_add(w->store, &e, out_id))) {
		snprintf(fields, sizeof(fields), "event %lld: %s on %s", (long long)*out_id,
		         gp_channel_name(e.channel), e.date);
		rc = gp_store_log_add(w->store, now, actor->name, "create", 0, fields, 1);
	}
	return gp_core_write_end(w, rc);
}

typedef struct event_seen {
	gp_channel channel;
	int live;
} event_seen;

static int take_event(void *ctx, const gp_event *e)
{
	event_seen *s = ctx;

	s->channel = e->channel;
	s->live = e->live;
	return 0;
}

int core_event_get(gp_worker *w, int64_t id, const char *field, gp_channel *out_channel,
                   int *out_live, gp_err *err)
{
	event_seen seen = { GP_CHANNEL_ONLINE, 0 };
	int rc = gp_store_event_list(w->store, id, -1, take_event, &seen);

	if (rc == GP_NOT_FOUND)
		return gp_err_set(err, GP_INVALID, field, "no event %lld (see /api/events)",
		                  (long long)id);
	*out_channel = seen.channel;
	*out_live = seen.live;
	return rc;
}

int gp_core_event_live_set(gp_worker *w, const gp_actor *actor, int64_t id, int live,
                           gp_err *err)
{
	char now[GP_TIME_LEN], fields[64];
	int rc;

	gp_time_now(now);
	if ((rc = gp_core_write_begin(w)))
		return rc;
	rc = gp_store_event_set_live(w->store, id, live);
	if (rc == GP_NOT_FOUND)
		gp_err_set(err, GP_NOT_FOUND, "id", "no event %lld", (long long)id);
	if (!rc) {
		snprintf(fields, sizeof(fields), "event %lld: live entry %s", (long long)id,
		         live ? "opened" : "closed");
		rc = gp_store_log_add(w->store, now, actor->name, "update", 0, fields, 1);
	}
	return gp_core_write_end(w, rc);
}

int gp_core_event_channel(gp_worker *w, int64_t id, const char *field, gp_channel *out,
                          gp_err *err)
{
	int live;

	return core_event_get(w, id, field, out, &live, err);
}

/* ---- sessions ------------------------------------------------------------------ */

/*
 * The id's keyed hash: the same key as tokens', over an id that begins
 * "gps_" where tokens begin "gpt_", so the two can never be taken for
 * each other.
 */
static void session_hash(gp_worker *w, const char *id, unsigned char out[GP_TOKEN_HASH_LEN])
{
	gp_guard_token_hash(w->core->secret, id, out);
}

int gp_core_session_create(gp_worker *w, gp_actor *out, const char *client_addr,
                           const char *token, char out_id[GP_SESSION_ID_MAX],
                           char out_expires[GP_TIME_LEN], int *retry_after_s, gp_err *err)
{
	unsigned char hash[GP_TOKEN_HASH_LEN];
	char auth[GP_TOKEN_SECRET_MAX + 16], now[GP_TIME_LEN];
	time_t t;
	struct tm tm;
	int rc;

	if (!token || !token[0] || strlen(token) >= GP_TOKEN_SECRET_MAX)
		return gp_err_set(err, GP_INVALID, "token", "token must be a staff token (gpt_…)");
	/* The same check, lockout and metrics as a Bearer header. */
	snprintf(auth, sizeof(auth), "Bearer %s", token);
	if ((rc = gp_core_actor(w, out, client_addr, auth, retry_after_s, err))) {
		if (rc == GP_UNAUTHORIZED || rc == GP_TOO_MANY)
			gp_strlcpy(err->field, "token", sizeof(err->field));
		return rc;
	}
	gp_guard_token_secret(out_id);
	memcpy(out_id, "gps_", 4);
	session_hash(w, out_id, hash);
	gp_time_now(now);
	t = time(NULL) + (time_t)w->core->cfg->session_hours * 3600;
	gmtime_r(&t, &tm);
	strftime(out_expires, GP_TIME_LEN, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	if ((rc = gp_core_write_begin(w)))
		return rc;
	rc = gp_store_session_add(w->store, hash, sizeof(hash), out->name, now, out_expires);
	if (rc == GP_NOT_FOUND) /* revoked meanwhile */
		rc = gp_err_set(err, GP_UNAUTHORIZED, "token", "unknown or revoked staff token");
	return gp_core_write_end(w, rc);
}

int gp_core_session_actor(gp_worker *w, gp_actor *out, const char *session_id,
                          char out_expires[GP_TIME_LEN])
{
	unsigned char hash[GP_TOKEN_HASH_LEN];
	char now[GP_TIME_LEN];
	gp_actor found;

	if (strncmp(session_id, "gps_", 4) || strlen(session_id) >= GP_SESSION_ID_MAX)
		return GP_NOT_FOUND;
	found = *out;
	session_hash(w, session_id, hash);
	gp_time_now(now);
	{
		int rc = gp_store_session_find(w->store, hash, sizeof(hash), now,
		                               core_take_token, &found, out_expires);
		if (rc)
			return rc;
	}
	*out = found;
	return 0;
}

int gp_core_session_end(gp_worker *w, const char *session_id)
{
	unsigned char hash[GP_TOKEN_HASH_LEN];
	int rc;

	if (strncmp(session_id, "gps_", 4) || strlen(session_id) >= GP_SESSION_ID_MAX)
		return 0;
	session_hash(w, session_id, hash);
	if ((rc = gp_core_write_begin(w)))
		return rc;
	rc = gp_store_session_delete(w->store, hash, sizeof(hash));
	return gp_core_write_end(w, rc);
}

/* ---- importing points ------------------------------------------------------------ */

/* Reports one refused row and counts it. */
static void refuse(const gp_points_import *opt, int64_t *refused, const char *where,
                   const gp_err *e)
{
	(*refused)++;
	if (opt->refused)
		opt->refused(opt->refused_ctx, where, e->field, e->detail);
}

int gp_core_import_points(gp_worker *w, const gp_import_row *rows, size_t n,
                          const gp_points_import *opt, int64_t *out_imported, gp_err *err)
{
	const gp_geo_districts *idx;
	gp_actor staff = { .role = GP_ROLE_PLANNER };
	gp_channel channel = GP_CHANNEL_ONLINE;
	gp_point *pts = NULL;
	char now[GP_TIME_LEN], fields[160];
	int64_t refused = 0;
	int rc;

	*out_imported = 0;
	gp_strlcpy(staff.name, "import", sizeof(staff.name));
	if (opt->event > 0) {
		if ((rc = gp_core_event_channel(w, opt->event, "event", &channel, err)))
			return rc;
		if (opt->channel >= 0 && (gp_channel)opt->channel != channel)
			return gp_err_set(err, GP_INVALID, "channel", "event %lld is a %s; --channel must be %s",
			                  (long long)opt->event, gp_channel_name(channel),
			                  gp_channel_name(channel));
	} else if (opt->channel >= 0) {
		channel = (gp_channel)opt->channel;
	} else {
		return gp_err_set(err, GP_INVALID, "channel",
		                  "say where the points come from: --channel or --event");
	}
	if (n == 0)
		return gp_err_set(err, GP_INVALID, "file", "the file holds no points");
	if (!(pts = calloc(n, sizeof(*pts))))
		return GP_ENOMEM;
	if ((rc = gp_worker_districts(w, &idx)))
		goto out;
	gp_time_now(now);
	/* Every row is judged before anything is written: all or nothing. */
	for (size_t i = 0; i < n; i++) {
		gp_point_input in = *rows[i].in;
		gp_point *p = &pts[i];
		gp_geo_assignment a;
		gp_err row;

		gp_err_clear(&row);
		if (in.channel || in.event) {
			gp_err_set(&row, GP_INVALID, in.channel ? "channel" : "event",
			           "the channel and event of imported points are the import's "
			           "(--channel, --event), not the row's");
			refuse(opt, &refused, rows[i].where, &row);
			continue;
		}
		in.channel = (char *)gp_channel_name(channel);
		if ((rc = gp_core_point_judge(w->core->cfg, w->geo, &in, (gp_crs)opt->crs, &staff, p,
		                              &row))) {
			if (rc < 0)
				goto out;
			refuse(opt, &refused, rows[i].where, &row);
			continue;
		}
		if ((rc = gp_geo_districts_assign(idx, p->x, p->y, 0, &a)))
			goto out;
		if (!a.in_city) {
			gp_err_set(&row, GP_INVALID, "geometry", "the point lies outside the city of %s",
			           w->core->cfg->city_name);
			refuse(opt, &refused, rows[i].where, &row);
			continue;
		}
		gp_category_parse(&p->category, in.category);
		p->comment = in.comment;
		p->topic = in.topic;
		p->note = in.note;
		p->event = opt->event;
		p->status = GP_STATUS_PUBLISHED; /* staff input is the planners' own record */
		memcpy(p->created, now, sizeof(p->created));
		memcpy(p->updated, now, sizeof(p->updated));
		p->ortsbezirk.id = gp_geo_districts_id(idx, a.index[GP_LAYER_ORTSBEZIRK]);
		p->stadtteil.id = gp_geo_districts_id(idx, a.index[GP_LAYER_STADTTEIL]);
		if (opt->progress && (i + 1) % 1000 == 0)
			opt->progress(opt->progress_ctx, "checked", (int64_t)i + 1, (int64_t)n);
	}
	if (refused) {
		rc = gp_err_set(err, GP_INVALID, "file", "%lld of %zu points refused; nothing imported",
		                (long long)refused, n);
		goto out;
	}
	if (opt->dry_run) {
		*out_imported = (int64_t)n;
		goto out;
	}
	if ((rc = gp_core_write_begin(w)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++) {
		rc = gp_store_point_insert(w->store, &pts[i]);
		if (opt->progress && ((i + 1) % 1000 == 0 || i + 1 == n))
			opt->progress(opt->progress_ctx, "imported", (int64_t)i + 1, (int64_t)n);
	}
	if (!rc) {
		if (opt->event > 0)
			snprintf(fields, sizeof(fields), "import of %zu points (%s, event %lld)", n,
			         gp_channel_name(channel), (long long)opt->event);
		else
			snprintf(fields, sizeof(fields), "import of %zu points (%s)", n,
			         gp_channel_name(channel));
		rc = gp_store_log_add(w->store, now, staff.name, "create", 0, fields, (int64_t)n);
	}
	if (!(rc = gp_core_write_end(w, rc)))
		*out_imported = (int64_t)n;
out:
	free(pts);
	return rc;
}
