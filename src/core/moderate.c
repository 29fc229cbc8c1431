/*
 * moderate.c — who is asking, and what staff and citizens may change after a
 * point exists: planners' updates and deletions (logged), citizens' +1 and
 * flags (once per client, decided in memory), the participation period,
 * retention purges and staff tokens.
 *
 * Must never: put a client address or a removed text anywhere; every log
 * entry names the staff token and the fields, nothing more.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core_int.h"
#include "util/metrics.h"

/* ---- actors -------------------------------------------------------------------- */

int core_take_token(void *ctx, const gp_token_row *t)
{
	gp_actor *a = ctx;

	gp_strlcpy(a->name, t->name, sizeof(a->name));
	a->role = strcmp(t->role, "admin") == 0 ? GP_ROLE_ADMIN : GP_ROLE_PLANNER;
	return 0;
}

int gp_core_actor(gp_worker *w, gp_actor *out, const char *client_addr,
                  const char *authorization, int *retry_after_s, gp_err *err)
{
	unsigned char hash[GP_TOKEN_HASH_LEN];
	const char *secret;
	int rc;

	memset(out, 0, sizeof(*out));
	out->role = GP_ROLE_CITIZEN;
	gp_guard_client(w->core->guard, client_addr ? client_addr : "", &out->client);
	if (!authorization)
		return 0;
	/*
	 * A valid token is accepted even from an address locked out for failed
	 * logins: colleagues behind the same address (a city hall's NAT) must
	 * not be locked out by a guesser.  The lockout only answers failures,
	 * and stops counting them; a token's 256 random bits, not the lockout,
	 * are what make guessing futile.
	 */
	if (strncasecmp(authorization, "Bearer ", 7) == 0) {
		secret = authorization + 7;
		while (*secret == ' ')
			secret++;
		gp_guard_token_hash(w->core->secret, secret, hash);
		rc = gp_store_token_find(w->store, hash, sizeof(hash), core_take_token, out);
		if (rc != GP_NOT_FOUND)
			return rc; /* 0 for a valid token, or the database failed */
	}
	if (gp_guard_auth_check(w->core->guard, &out->client, retry_after_s))
		return gp_err_set(err, GP_TOO_MANY, "Authorization",
		                  "too many failed logins; wait %d s", *retry_after_s);
	gp_guard_auth_failed(w->core->guard, &out->client);
	gp_metric_add(GP_METRIC_AUTH_FAILED, 1);
	if (strncasecmp(authorization, "Bearer ", 7) != 0)
		return gp_err_set(err, GP_UNAUTHORIZED, "Authorization",
		                  "use Authorization: Bearer <staff token>");
	return gp_err_set(err, GP_UNAUTHORIZED, "Authorization", "unknown or revoked staff token");
}

int gp_core_period_check(const gp_config *cfg, gp_err *err)
{
	char now[GP_TIME_LEN];

	gp_time_now(now);
	if (cfg->open_from_utc[0] && strcmp(now, cfg->open_from_utc) < 0)
		return gp_err_set(err, GP_FORBIDDEN, "",
		                  "the participation period has not begun; it opens %s", cfg->open_from);
	if (cfg->open_until_utc[0] && strcmp(now, cfg->open_until_utc) >= 0)
		return gp_err_set(err, GP_FORBIDDEN, "",
		                  "the participation period ended %s; the map can still be read",
		                  cfg->open_until);
	return 0;
}

int gp_core_citizen_write(gp_worker *w, const gp_actor *a, int *retry_after_s, gp_err *err)
{
	int rc;

	if (a->role != GP_ROLE_CITIZEN)
		return 0; /* staff record walks and workshops whenever they happen */
	if ((rc = gp_core_period_check(w->core->cfg, err)))
		return rc;
	if (gp_guard_write(w->core->guard, &a->client, retry_after_s) &&
	    (gp_metric_add(GP_METRIC_RATE_LIMITED, 1), 1))
		return gp_err_set(err, GP_TOO_MANY, "", "too many contributions in a short time; "
		                                        "please wait %d s", *retry_after_s);
	return 0;
}

void gp_core_form_token(gp_worker *w, char out[GP_FORM_TOKEN_MAX])
{
	gp_guard_form_token(w->core->guard, out);
}

/* ---- planners' changes ------------------------------------------------------ */

typedef struct current {
	gp_status status;
	gp_category category;
	char topic[64];
	int has_topic;
	gp_channel channel;
	int64_t event;
	gp_outcome outcome;
	int64_t flags;
	char reasons[160];
} current;

static int take_current(void *ctx, const gp_point *p)
{
	current *c = ctx;

	c->status = p->status;
	c->category = p->category;
	c->has_topic = p->topic != NULL;
	gp_strlcpy(c->topic, p->topic ? p->topic : "", sizeof(c->topic));
	c->channel = p->channel;
	c->event = p->event;
	c->outcome = p->outcome;
	c->flags = p->flags;
	gp_strlcpy(c->reasons, p->flag_reasons ? p->flag_reasons : "", sizeof(c->reasons));
	return 0;
}

int core_text_ok(const char *s, size_t max)
{
	size_t chars = 0, bad = 0, n = s ? strlen(s) : 0;

	return s && !gp_text_has_control(s, n) && !gp_utf8_check(s, n, &chars, &bad) &&
	       chars > 0 && chars <= max;
}

static int judge_text(const char *s, const char *field, const char *what, int max, gp_err *err)
{
	if (!core_text_ok(s, (size_t)max))
		return gp_err_set(err, GP_INVALID, field,
		                  "%s must have 1 to %d characters without control characters", what,
		                  max);
	return 0;
}

static int judge_patch(gp_worker *w, gp_point_patch *patch, gp_err *err)
{
	int rc;

	if (!patch->has_status && !patch->has_category && !patch->has_topic &&
	    !patch->has_comment && !patch->has_note && !patch->has_channel && !patch->has_event &&
	    !patch->has_reply && !patch->has_outcome && !patch->clear_flags)
		return gp_err_set(err, GP_INVALID, "body",
		                  "nothing to change: give status, category, topic, comment, note, "
		                  "channel, event, reply, outcome or flags");
	if (patch->has_topic && patch->topic && !gp_config_has_topic(w->core->cfg, patch->topic))
		return gp_err_set(err, GP_INVALID, "topic", "unknown topic \"%.40s\"", patch->topic);
	if (patch->has_comment) {
		if (!patch->comment)
			return gp_err_set(err, GP_INVALID, "comment",
			                  "a comment cannot be removed, only redacted");
		if ((rc = judge_text(patch->comment, "comment", "the redacted comment",
		                     GP_COMMENT_MAX_CHARS, err)))
			return rc;
	}
	if (patch->has_note && patch->note &&
	    (rc = judge_text(patch->note, "note", "note", GP_NOTE_MAX_CHARS, err)))
		return rc;
	if (patch->has_reply && patch->reply &&
	    (rc = judge_text(patch->reply, "reply", "reply", GP_REPLY_MAX_CHARS, err)))
		return rc;
	if (patch->has_event && patch->event > 0) {
		gp_channel ch;
		if ((rc = gp_core_event_channel(w, patch->event, "event", &ch, err)))
			return rc;
		/* A point of a walk was recorded on that walk: the event says the channel. */
		if (patch->has_channel && patch->channel != ch)
			return gp_err_set(err, GP_INVALID, "channel",
			                  "event %lld is a %s; channel must be %s", (long long)patch->event,
			                  gp_channel_name(ch), gp_channel_name(ch));
		patch->has_channel = 1;
		patch->channel = ch;
	}
	return 0;
}

/* Appends ", what" (or "what" first) to the log's fields; a and b may be NULL. */
static void log_field(gp_buf *fields, const char *what, const char *a, const char *b)
{
	if (fields->len)
		gp_buf_puts(fields, ", ");
	gp_buf_puts(fields, what);
	if (a)
		gp_buf_printf(fields, ": %s → %s", a, b);
}

int gp_core_point_update(gp_worker *w, const gp_actor *actor, int64_t id,
                         const gp_point_patch *patch, gp_err *err)
{
	gp_point_patch p = *patch;
	char now[GP_TIME_LEN], ev[2][24];
	current cur;
	gp_buf fields;
	int rc;

	if ((rc = judge_patch(w, &p, err)))
		return rc;
	gp_time_now(now);
	p.updated = now;
	gp_buf_init(&fields, 1024);
	if ((rc = gp_core_write_begin(w)))
		goto out_nolock;
	rc = gp_store_point_get(w->store, id, -1, take_current, &cur);
	if (rc == GP_NOT_FOUND) {
		gp_err_set(err, GP_NOT_FOUND, "id", "no point %lld", (long long)id);
		goto out;
	}
	if (rc)
		goto out;
	/*
	 * The log names what changed and, for the fixed vocabularies, how;
	 * free text (comment, note, reply) only by name, never its words.
	 */
	if (p.has_status && p.status != cur.status)
		log_field(&fields, "status", gp_status_name(cur.status),
		          gp_status_name(p.status));
	if (p.has_category && p.category != cur.category)
		log_field(&fields, "category", gp_category_name(cur.category),
		          gp_category_name(p.category));
	if (p.has_topic && (cur.has_topic != (p.topic != NULL) ||
	                    (p.topic && strcmp(p.topic, cur.topic))))
		log_field(&fields, "topic", cur.has_topic ? cur.topic : "none",
		          p.topic ? p.topic : "none");
	if (p.has_comment)
		log_field(&fields, "comment redacted", NULL, NULL);
	if (p.has_note)
		log_field(&fields, p.note ? "note" : "note removed", NULL, NULL);
	if (p.has_channel && p.channel != cur.channel)
		log_field(&fields, "channel", gp_channel_name(cur.channel),
		          gp_channel_name(p.channel));
	if (p.has_event && p.event != cur.event) {
		snprintf(ev[0], sizeof(ev[0]), "%lld", (long long)cur.event);
		snprintf(ev[1], sizeof(ev[1]), "%lld", (long long)p.event);
		log_field(&fields, "event", cur.event ? ev[0] : "none",
		          p.event ? ev[1] : "none");
	}
	if (p.has_reply)
		log_field(&fields, p.reply ? "reply" : "reply removed", NULL, NULL);
	if (p.has_outcome && p.outcome != cur.outcome)
		log_field(&fields, "outcome", gp_outcome_name(cur.outcome),
		          gp_outcome_name(p.outcome));
	/* The reasons are a fixed vocabulary: the log may keep them. */
	if (p.clear_flags && cur.flags > 0)
		gp_buf_printf(&fields, "%sflags dismissed (%s)", fields.len ? ", " : "", cur.reasons);
	if (p.clear_flags && cur.flags > 0 && (rc = gp_store_flag_clear(w->store, id)))
		goto out;
	if ((rc = gp_buf_status(&fields)) || (rc = gp_store_point_update(w->store, id, &p)) ||
	    (rc = gp_store_log_add(w->store, now, actor->name, "update", id,
	                           fields.len ? gp_buf_cstr(&fields) : "no change", 1)))
		goto out;
out:
	rc = gp_core_write_end(w, rc);
	if (!rc) /* published, hidden or edited: the map's clusters follow */
		gp_core_point_changed_as(w->core, id, p.has_reply && !p.has_status ? GP_CHANGE_REPLY
		                                                                  : GP_CHANGE_POINT);
out_nolock:
	gp_buf_free(&fields);
	return rc;
}

int gp_core_point_delete(gp_worker *w, const gp_actor *actor, int64_t id, gp_err *err)
{
	char now[GP_TIME_LEN];
	int rc;

	gp_time_now(now);
	if ((rc = gp_core_write_begin(w)))
		return rc;
	rc = gp_store_point_delete(w->store, id);
	if (rc == GP_NOT_FOUND)
		gp_err_set(err, GP_NOT_FOUND, "id", "no point %lld", (long long)id);
	if (!rc)
		rc = gp_store_log_add(w->store, now, actor->name, "delete", id, "", 1);
	if (!(rc = gp_core_write_end(w, rc)))
		gp_core_point_changed(w->core, id);
	return rc;
}

/* ---- citizens' reactions ---------------------------------------------------- */

/*
 * Citizens react to what they see: +1 and flags need a point the public's
 * visibility (read.h) admits, and store's write repeats the test on the
 * status the point had when it was read.
 */
typedef struct seen {
	int64_t supporters;
	gp_status status;
} seen;

static int take_seen(void *ctx, const gp_point *p, double c0, double c1)
{
	seen *s = ctx;

	(void)c0;
	(void)c1;
	s->supporters = p->supporters;
	s->status = p->status;
	return 0;
}

static int public_point(gp_worker *w, int64_t id, seen *out, gp_err *err)
{
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);

	return gp_read_point(w->read, &pub, id, GP_CRS_CRS84, take_seen, out, err);
}

int gp_core_point_support(gp_worker *w, const gp_actor *actor, int64_t id,
                          int64_t *out_count, int *out_counted, gp_err *err)
{
	seen pub = { 0, GP_STATUS_PUBLISHED };
	int rc;

	*out_counted = 0;
	if ((rc = public_point(w, id, &pub, err)))
		return rc;
	*out_count = pub.supporters;
	/* Staff never +1: their tokens are not citizens. */
	if (actor->role != GP_ROLE_CITIZEN ||
	    !gp_guard_once(w->core->guard, GP_ONCE_SUPPORT, &actor->client, id))
		return 0;
	if ((rc = gp_core_write_begin(w)))
		return rc;
	rc = gp_store_point_support(w->store, id, pub.status, out_count);
	if (rc == GP_NOT_FOUND) /* unpublished meanwhile */
		gp_err_set(err, GP_NOT_FOUND, "id", "no published point %lld", (long long)id);
	rc = gp_core_write_end(w, rc);
	*out_counted = rc == 0;
	if (*out_counted) {
		gp_metric_add(GP_METRIC_SUPPORTS, 1);
		gp_core_point_changed_as(w->core, id, GP_CHANGE_SUPPORT); /* single points show their count */
	}
	return rc;
}

int gp_core_point_flag(gp_worker *w, const gp_actor *actor, int64_t id, const char *reason,
                       gp_err *err)
{
	const gp_config *cfg = w->core->cfg;
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	char now[GP_TIME_LEN];
	seen seen_now;
	int64_t flags = 0;
	int rc;

	if (!reason || !gp_flag_reason_valid(reason))
		return gp_err_set(err, GP_INVALID, "reason", "reason must be one of: %s",
		                  gp_flag_reasons());
	if ((rc = public_point(w, id, &seen_now, err)))
		return rc;
	if (!gp_guard_once(w->core->guard, GP_ONCE_FLAG, &actor->client, id))
		return 0; /* this client's flag already counts */
	gp_time_now(now);
	if ((rc = gp_core_write_begin(w)))
		return rc;
	gp_metric_add(GP_METRIC_FLAGS, 1);
	rc = gp_store_flag_add(w->store, id, reason, now, &flags);
	if (!rc && flags >= cfg->flag_threshold) {
		gp_point_patch hide = { .has_status = 1, .status = GP_STATUS_HIDDEN, .updated = now };
		char fields[96];
		current cur;

		/* Hidden for review: the public no longer sees it, staff still do. */
		rc = gp_store_point_get(w->store, id, -1, take_current, &cur);
		if (!rc && gp_read_visible(&pub, cur.status)) {
			snprintf(fields, sizeof(fields), "status: %s → hidden (%lld flags)",
			         gp_status_name(cur.status), (long long)flags);
			if (!(rc = gp_store_point_update(w->store, id, &hide)))
				rc = gp_store_log_add(w->store, now, "system", "auto-hide", id, fields, 1);
		}
	}
	if (!(rc = gp_core_write_end(w, rc)))
		gp_core_point_changed(w->core, id);
	return rc;
}

int gp_core_purge(gp_worker *w, int days, int64_t *out_points, int64_t *out_flags,
                  gp_err *err)
{
	char before[GP_TIME_LEN], now[GP_TIME_LEN], stamp[64];
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;
	int rc;

	*out_points = *out_flags = 0;
	if (days <= 0)
		return 0;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	gp_strlcpy(before, stamp, sizeof(before));
	gp_time_now(now);
	if ((rc = gp_core_write_begin(w)))
		return gp_err_set(err, rc, "db", "the database is busy");
	rc = gp_store_purge(w->store, before, out_points, out_flags);
	if (!rc && (*out_points || *out_flags)) {
		char fields[128];
		snprintf(fields, sizeof(fields), "%lld pending/hidden points, %lld flags older than %d days",
		         (long long)*out_points, (long long)*out_flags, days);
		rc = gp_store_log_add(w->store, now, "system", "purge", 0, fields,
		                      *out_points + *out_flags);
	}
	return gp_core_write_end(w, rc);
}

int gp_core_token_create(gp_worker *w, const char *name, const char *role,
                         char secret[GP_TOKEN_SECRET_MAX], gp_err *err)
{
	unsigned char hash[GP_TOKEN_HASH_LEN];
	char now[GP_TIME_LEN];
	int rc;

	if (strcmp(role, "planner") && strcmp(role, "admin"))
		return gp_err_set(err, GP_INVALID, "role", "role must be planner or admin");
	if (!name[0] || strlen(name) > 64 || gp_text_has_control(name, strlen(name)) ||
	    gp_utf8_check(name, strlen(name), NULL, NULL))
		return gp_err_set(err, GP_INVALID, "name", "name must be 1 to 64 printable characters");
	gp_guard_token_secret(secret);
	gp_guard_token_hash(w->core->secret, secret, hash);
	gp_time_now(now);
	if ((rc = gp_core_write_begin(w)))
		return gp_err_set(err, rc, "db", "the database is busy");
	rc = gp_store_token_add(w->store, name, role, hash, sizeof(hash), now);
	rc = gp_core_write_end(w, rc);
	if (rc == GP_CONFLICT)
		return gp_err_set(err, rc, "name", "a token named \"%s\" exists already", name);
	return rc;
}
