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

/* Printable UTF-8 of 1 to max characters. */
static int valid_text(const char *s, size_t max)
{
	size_t chars = 0, bad = 0, n = s ? strlen(s) : 0;

	return s && !gp_text_has_control(s, n) && !gp_utf8_check(s, n, &chars, &bad) &&
	       chars > 0 && chars <= max;
}

int gp_core_event_create(gp_worker *w, const gp_actor *actor, const gp_event_input *in,
                         int64_t *out_id, gp_err *err)
{
	gp_event e = { 0 };
	char now[GP_TIME_LEN], fields[96];
	gp_layer layer;
	int rc;

	if (!in->name || !valid_text(in->name, 200))
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

static int take_event(void *ctx, const gp_event *e)
{
	*(gp_channel *)ctx = e->channel;
	return 0;
}

int gp_core_event_channel(gp_worker *w, int64_t id, const char *field, gp_channel *out,
                          gp_err *err)
{
	int rc = gp_store_event_list(w->store, id, -1, take_event, out);

	if (rc == GP_NOT_FOUND)
		return gp_err_set(err, GP_INVALID, field, "no event %lld (see /api/events)",
		                  (long long)id);
	return rc;
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
