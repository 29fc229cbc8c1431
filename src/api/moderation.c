/*
 * moderation.c — the routes of moderation and citizens' reactions:
 * form timestamps, +1, flags, and the staff routes (the moderation queue,
 * changes — also the city's reply and the outcome — deletions, the log).
 * Roles: planners moderate, answer, record walks and workshops and read
 * the log; deleting points needs an admin.
 */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

static int get_form(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	char token[GP_FORM_TOKEN_MAX];

	(void)err;
	gp_core_form_token(w, token);
	gp_http_set_private(x);
	gp_buf_puts(gp_http_out(x), "{\"form_token\":");
	gp_json_put_str(gp_http_out(x), token);
	gp_buf_printf(gp_http_out(x), ",\"min_seconds\":%d}\n",
	              gp_worker_config(w)->form_min_seconds);
	return gp_buf_status(gp_http_out(x));
}

static int post_support(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_actor actor;
	int64_t id, count = 0;
	int counted = 0, rc;

	if ((rc = api_point_id(x, &id, err)) || (rc = api_actor(x, w, GP_ROLE_CITIZEN, &actor, err)) ||
	    (rc = api_citizen_write(x, w, &actor, err)) ||
	    (rc = gp_core_point_support(w, &actor, id, &count, &counted, err)))
		return rc;
	gp_buf_printf(gp_http_out(x), "{\"id\":%lld,\"supporters\":%lld,\"counted\":%s}\n",
	              (long long)id, (long long)count, counted ? "true" : "false");
	return gp_buf_status(gp_http_out(x));
}

static int post_flag(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	char *reason[1] = { NULL };
	int present[1];
	gp_actor actor;
	size_t len;
	const char *body = gp_http_body(x, &len);
	int64_t id;
	int rc;

	if ((rc = api_point_id(x, &id, err)) || (rc = api_actor(x, w, GP_ROLE_CITIZEN, &actor, err)) ||
	    (rc = api_citizen_write(x, w, &actor, err)) ||
	    (rc = gp_json_object_strings(reason, present, 1, "reason", body, len, err)))
		return rc;
	rc = gp_core_point_flag(w, &actor, id, reason[0], err);
	free(reason[0]);
	if (rc)
		return rc;
	/* The same answer whether this client's flag counted or had before. */
	gp_buf_puts(gp_http_out(x), "{\"status\":\"received\"}\n");
	gp_http_set_status(x, 202);
	return 0;
}

/*
 * Staff listings: what the token's role sees, narrowed by status, and by
 * the filters of staff work (flagged, event, outcome).
 */
static int admin_points(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility vis;
	gp_read_query q;
	gp_actor actor;
	int rc;

	if ((rc = api_actor(x, w, GP_ROLE_PLANNER, &actor, err)))
		return rc;
	vis = gp_read_visibility(actor.role);
	if ((rc = api_point_query(x, gp_worker_read(w), &vis, &q, err)) ||
	    (rc = gp_read_visibility_narrow(&q.vis, gp_http_param(x, "status"), err)) ||
	    (rc = gp_read_param_flagged(&q, gp_http_param(x, "flagged"), err)) ||
	    (rc = gp_read_param_event(gp_worker_read(w), &q, gp_http_param(x, "event"), err)) ||
	    (rc = gp_read_param_outcome(&q, gp_http_param(x, "outcome"), err)) ||
	    (rc = gp_read_param_sort(&q, gp_http_param(x, "sort"), err)))
		return rc;
	return api_point_listing(x, gp_worker_read(w), &q, err);
}

static int admin_point(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility vis;
	gp_actor actor;
	gp_crs crs;
	int64_t id;
	int rc;

	if ((rc = api_actor(x, w, GP_ROLE_PLANNER, &actor, err)) ||
	    (rc = api_point_id(x, &id, err)) || (rc = api_crs(x, "crs", &crs, err)))
		return rc;
	vis = gp_read_visibility(actor.role);
	return api_write_point(x, w, &vis, id, crs, err);
}

static int patch_point(gp_http_exchange *x, gp_err *err)
{
	enum { STATUS, CATEGORY, TOPIC, COMMENT, NOTE, CHANNEL, EVENT, REPLY, OUTCOME, FLAGS,
	       NFIELDS };
	gp_worker *w = gp_http_worker(x);
	char *v[NFIELDS] = { NULL };
	int present[NFIELDS];
	gp_point_patch patch;
	gp_actor actor;
	size_t len;
	const char *body = gp_http_body(x, &len);
	int64_t id;
	int rc;

	if ((rc = api_actor(x, w, GP_ROLE_PLANNER, &actor, err)) ||
	    (rc = api_point_id(x, &id, err)) ||
	    (rc = gp_json_object_strings(v, present, NFIELDS,
	                                 "status category topic comment note channel event# reply "
	                                 "outcome flags", body, len, err)))
		return rc;
	memset(&patch, 0, sizeof(patch));
	patch.has_status = present[STATUS];
	patch.has_category = present[CATEGORY];
	patch.has_topic = present[TOPIC];
	patch.has_comment = present[COMMENT];
	patch.has_note = present[NOTE];
	patch.has_channel = present[CHANNEL];
	patch.has_event = present[EVENT];
	patch.has_reply = present[REPLY];
	patch.has_outcome = present[OUTCOME];
	patch.clear_flags = present[FLAGS];
	patch.topic = v[TOPIC];
	patch.comment = v[COMMENT];
	patch.note = v[NOTE];
	patch.reply = v[REPLY];
	if (patch.has_status && (!v[STATUS] || gp_status_parse(&patch.status, v[STATUS])))
		rc = gp_err_set(err, GP_INVALID, "status", "status must be pending, published or hidden");
	else if (patch.has_category && (!v[CATEGORY] || gp_category_parse(&patch.category, v[CATEGORY])))
		rc = gp_err_set(err, GP_INVALID, "category", "category must be favourite or improvement");
	else if (patch.has_channel && (!v[CHANNEL] || gp_channel_parse(&patch.channel, v[CHANNEL])))
		rc = gp_err_set(err, GP_INVALID, "channel", "channel must be online, walk or workshop");
	else if (patch.has_event && v[EVENT] &&
	         (v[EVENT][0] == '-' || gp_parse_i64(&patch.event, v[EVENT], 1, INT64_MAX)))
		rc = gp_err_set(err, GP_INVALID, "event", "event must be an event id or null");
	else if (patch.clear_flags && v[FLAGS])
		rc = gp_err_set(err, GP_INVALID, "flags",
		                "flags can only be dismissed: send \"flags\": null");
	else if (patch.has_outcome && (!v[OUTCOME] || gp_outcome_parse(&patch.outcome, v[OUTCOME])))
		rc = gp_err_set(err, GP_INVALID, "outcome",
		                "outcome must be open, in_review, adopted or not_adopted");
	else
		rc = gp_core_point_update(w, &actor, id, &patch, err);
	for (int i = 0; i < NFIELDS; i++)
		free(v[i]);
	if (rc)
		return rc;
	{
		gp_visibility vis = gp_read_visibility(actor.role);
		return api_write_point(x, w, &vis, id, GP_CRS_CRS84, err);
	}
}

static int delete_point(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_actor actor;
	int64_t id;
	int rc;

	if ((rc = api_actor(x, w, GP_ROLE_ADMIN, &actor, err)) ||
	    (rc = api_point_id(x, &id, err)) || (rc = gp_core_point_delete(w, &actor, id, err)))
		return rc;
	gp_http_set_status(x, 204);
	return 0;
}

typedef struct log_ctx {
	gp_buf *b;
	int n;
} log_ctx;

static int put_log_entry(void *ctx, const gp_read_log_entry *e)
{
	log_ctx *lc = ctx;
	gp_buf *b = lc->b;

	if (lc->n++)
		gp_buf_putc(b, ',');
	gp_buf_printf(b, "{\"id\":%lld,\"at\":", (long long)e->id);
	gp_json_put_str(b, e->at);
	gp_buf_puts(b, ",\"actor\":");
	gp_json_put_str(b, e->actor);
	gp_buf_puts(b, ",\"action\":");
	gp_json_put_str(b, e->action);
	gp_buf_puts(b, ",\"point_id\":");
	if (e->point_id > 0)
		gp_buf_put_i64(b, e->point_id);
	else
		gp_buf_puts(b, "null");
	gp_buf_puts(b, ",\"fields\":");
	gp_json_put_str(b, e->fields ? e->fields : "");
	gp_buf_printf(b, ",\"count\":%lld}", (long long)e->count);
	return gp_buf_status(b);
}

static int admin_log(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	log_ctx lc = { gp_http_out(x), 0 };
	const char *v;
	int64_t limit = API_LIMIT_DEFAULT, offset = 0, total = 0;
	gp_visibility vis;
	gp_actor actor;
	int rc;

	/* Planners read it too: it names actors and fields, never removed text. */
	if ((rc = api_actor(x, w, GP_ROLE_PLANNER, &actor, err)))
		return rc;
	vis = gp_read_visibility(actor.role);
	if ((v = gp_http_param(x, "limit")) && gp_parse_i64(&limit, v, 1, API_LIMIT_MAX))
		return gp_err_set(err, GP_BAD_REQUEST, "limit", "limit must be 1 to %d", API_LIMIT_MAX);
	if ((v = gp_http_param(x, "offset")) && gp_parse_i64(&offset, v, 0, INT64_MAX / 2))
		return gp_err_set(err, GP_BAD_REQUEST, "offset", "offset must be a whole number ≥ 0");
	gp_buf_puts(lc.b, "{\"entries\":[");
	if ((rc = gp_read_log(gp_worker_read(w), &vis, limit, offset, put_log_entry, &lc, &total)))
		return rc;
	gp_buf_printf(lc.b, "],\"numberMatched\":%lld,\"numberReturned\":%d}\n", (long long)total,
	              lc.n);
	return gp_buf_status(lc.b);
}

const gp_http_route gp_api_moderation_routes[] = {
	{ "GET", "/api/form", get_form, NULL, GP_HTTP_NO_BODY, 0 },
	{ "POST", "/api/points/{id}/support", post_support, NULL, GP_HTTP_NO_BODY, 0 },
	{ "POST", "/api/points/{id}/flag", post_flag, NULL, GP_HTTP_JSON_BODY, 1024 },
	{ "PATCH", "/api/points/{id}", patch_point, NULL, GP_HTTP_STAFF_JSON_BODY,
	  GP_API_BODY_MAX },
	{ "DELETE", "/api/points/{id}", delete_point, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/admin/points", admin_points, API_POINT_PARAMS " status flagged event outcome sort",
	  GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/admin/points/{id}", admin_point, "crs", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/admin/log", admin_log, "limit offset", GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
