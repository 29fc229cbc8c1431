/*
 * workspace.c — the routes of the planners' workspace: staff sign-in for
 * the browser (/api/session) and walks and workshops (events).
 *
 * The session cookie is HttpOnly and SameSite=Strict (Secure when
 * public_url is https), scoped to /api, and carries a random id whose
 * keyed hash alone is stored; scripts on the page never see a token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

/* ---- sessions ------------------------------------------------------------------ */

static void put_session(gp_buf *b, const gp_actor *a, const char *expires)
{
	gp_buf_puts(b, "{\"signed_in\":true,\"name\":");
	gp_json_put_str(b, a->name);
	gp_buf_puts(b, ",\"role\":");
	gp_json_put_str(b, a->role == GP_ROLE_ADMIN ? "admin" : "planner");
	gp_buf_puts(b, ",\"expires\":");
	gp_json_put_str(b, expires);
	gp_buf_puts(b, "}\n");
}

/* Set-Cookie for `value` living max_age seconds (0: removes the cookie). */
static int set_cookie(gp_http_exchange *x, const char *value, long max_age)
{
	const char *pub = gp_worker_config(gp_http_worker(x))->public_url;
	char cookie[256];

	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
	         API_SESSION_COOKIE, value, max_age,
	         pub && strncmp(pub, "https://", 8) == 0 ? "; Secure" : "");
	return gp_http_add_header(x, "Set-Cookie", cookie);
}

static int post_session(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	char *token[1] = { NULL }, id[GP_SESSION_ID_MAX], expires[GP_TIME_LEN], addr[64], wait[16];
	int present[1], retry = 1, rc;
	size_t len;
	const char *body = gp_http_body(x, &len);
	gp_actor actor;

	gp_http_set_private(x);
	/* Another site's page may not sign its visitor in; scripts send no Origin. */
	if ((rc = api_same_origin(x, 1, err)) ||
	    (rc = gp_json_object_strings(token, present, 1, "token", body, len, err)))
		return rc;
	gp_http_client_addr(x, addr, sizeof(addr));
	rc = gp_core_session_create(w, &actor, addr, token[0], id, expires, &retry, err);
	free(token[0]);
	if (rc == GP_TOO_MANY) {
		snprintf(wait, sizeof(wait), "%d", retry);
		gp_http_add_header_always(x, "Retry-After", wait);
	}
	if (rc)
		return rc;
	if ((rc = set_cookie(x, id, (long)gp_worker_config(w)->session_hours * 3600)))
		return rc;
	put_session(gp_http_out(x), &actor, expires);
	gp_http_set_status(x, 201);
	return gp_buf_status(gp_http_out(x));
}

static int get_session(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	char expires[GP_TIME_LEN];
	gp_actor actor;
	int rc;

	(void)err;
	gp_http_set_private(x);
	rc = api_session_actor(x, w, &actor, expires);
	if (rc == GP_NOT_FOUND) {
		gp_buf_puts(gp_http_out(x), "{\"signed_in\":false}\n");
		return gp_buf_status(gp_http_out(x));
	}
	if (rc)
		return rc;
	put_session(gp_http_out(x), &actor, expires);
	return gp_buf_status(gp_http_out(x));
}

static int delete_session(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	char id[GP_SESSION_ID_MAX];
	int rc;

	gp_http_set_private(x);
	if ((rc = api_same_origin(x, 0, err)))
		return rc;
	if (api_session_cookie(x, id, sizeof(id)) && (rc = gp_core_session_end(w, id)))
		return rc;
	if ((rc = set_cookie(x, "", 0)))
		return rc;
	gp_http_set_status(x, 204);
	return 0;
}

/* ---- events -------------------------------------------------------------------- */

static int put_event(void *ctx, const gp_read_event *e)
{
	gp_buf *b = ((gp_buf **)ctx)[0];
	int *n = ((int **)ctx)[1];

	if ((*n)++)
		gp_buf_putc(b, ',');
	gp_buf_printf(b, "{\"id\":%lld,\"name\":", (long long)e->id);
	gp_json_put_str(b, e->name);
	gp_buf_puts(b, ",\"channel\":");
	gp_json_put_str(b, gp_channel_name(e->channel));
	gp_buf_puts(b, ",\"date\":");
	gp_json_put_str(b, e->date);
	gp_buf_puts(b, ",\"district\":");
	gp_json_put_str_or_null(b, e->district);
	gp_buf_puts(b, ",\"district_name\":");
	gp_json_put_str_or_null(b, e->district_name);
	gp_buf_printf(b, ",\"points\":%lld,\"live\":%s}", (long long)e->points,
	              e->live ? "true" : "false");
	return gp_buf_status(b);
}

/* Public: every event with the number of its points the public sees. */
static int get_events(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	gp_buf *b = gp_http_out(x);
	int n = 0, rc;
	void *ctx[2] = { b, &n };

	gp_buf_puts(b, "{\"events\":[");
	if ((rc = gp_read_events(gp_worker_read(w), &vis, 0, put_event, ctx, err)))
		return rc;
	gp_buf_printf(b, "],\"numberReturned\":%d}\n", n);
	return gp_buf_status(b);
}

static int post_event(gp_http_exchange *x, gp_err *err)
{
	enum { NAME, CHANNEL, DATE, DISTRICT, NFIELDS };
	gp_worker *w = gp_http_worker(x);
	gp_visibility vis;
	char *v[NFIELDS] = { NULL }, location[64];
	int present[NFIELDS], n = 0, rc;
	gp_event_input in;
	gp_actor actor;
	size_t len;
	const char *body = gp_http_body(x, &len);
	int64_t id = 0;
	void *ctx[2] = { gp_http_out(x), &n };

	if ((rc = api_actor(x, w, GP_ROLE_PLANNER, &actor, err)) ||
	    (rc = gp_json_object_strings(v, present, NFIELDS, "name channel date district", body,
	                                 len, err)))
		return rc;
	in = (gp_event_input){ v[NAME], v[CHANNEL], v[DATE], v[DISTRICT] };
	rc = gp_core_event_create(w, &actor, &in, &id, err);
	for (int i = 0; i < NFIELDS; i++)
		free(v[i]);
	if (rc)
		return rc;
	vis = gp_read_visibility(actor.role);
	if ((rc = gp_read_events(gp_worker_read(w), &vis, id, put_event, ctx, err)))
		return rc;
	gp_buf_putc(gp_http_out(x), '\n');
	snprintf(location, sizeof(location), "/api/events/%lld", (long long)id);
	gp_http_add_header(x, "Location", location);
	gp_http_set_status(x, 201);
	return gp_buf_status(gp_http_out(x));
}

static int get_event(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	const char *v = gp_http_arg(x, "id");
	int n = 0, rc;
	void *ctx[2] = { gp_http_out(x), &n };
	int64_t id;

	if (!v || v[0] == '+' || v[0] == '-' || gp_parse_i64(&id, v, 1, INT64_MAX))
		return gp_err_set(err, GP_NOT_FOUND, "id", "no event \"%.40s\"", v ? v : "");
	if ((rc = gp_read_events(gp_worker_read(w), &vis, id, put_event, ctx, err)))
		return rc;
	gp_buf_putc(gp_http_out(x), '\n');
	return gp_buf_status(gp_http_out(x));
}

const gp_http_route gp_api_workspace_routes[] = {
	{ "POST", "/api/session", post_session, NULL, GP_HTTP_JSON_BODY, 1024 },
	{ "GET", "/api/session", get_session, NULL, GP_HTTP_NO_BODY, 0 },
	{ "DELETE", "/api/session", delete_session, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/events", get_events, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/events/{id}", get_event, NULL, GP_HTTP_NO_BODY, 0 },
	{ "POST", "/api/admin/events", post_event, NULL, GP_HTTP_STAFF_JSON_BODY, 4096 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
