/*
 * auth.c — turning a request into an actor (citizen, staff token or staff
 * session), and the gate every citizen write passes: the participation
 * period and the client's write allowance.
 *
 * A session cookie is what a browser sends by itself, also when another
 * site makes it send a request: so a write it authenticates must come
 * from a page of this server (Origin), while a Bearer header, which no
 * other site can make a browser add, needs no such check.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api_int.h"

int api_session_cookie(gp_http_exchange *x, char *out, size_t outsz)
{
	const char *c = gp_http_header(x, "Cookie");
	size_t name = strlen(API_SESSION_COOKIE);

	while (c && *c) {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, API_SESSION_COOKIE, name) == 0 && c[name] == '=') {
			size_t n = strcspn(c + name + 1, "; ");
			if (n == 0 || n >= outsz)
				return 0;
			memcpy(out, c + name + 1, n);
			out[n] = '\0';
			return 1;
		}
		c += strcspn(c, ";");
	}
	return 0;
}

int api_session_actor(gp_http_exchange *x, gp_worker *w, gp_actor *out,
                      char expires[GP_TIME_LEN])
{
	char id[GP_SESSION_ID_MAX], addr[64];
	gp_err ignored;
	int retry, rc;

	gp_http_client_addr(x, addr, sizeof(addr));
	if ((rc = gp_core_actor(w, out, addr, NULL, &retry, &ignored)))
		return rc;
	if (!api_session_cookie(x, id, sizeof(id)))
		return GP_NOT_FOUND;
	return gp_core_session_actor(w, out, id, expires);
}

int api_same_origin(gp_http_exchange *x, int allow_absent, gp_err *err)
{
	const char *origin = gp_http_header(x, "Origin"), *scheme_end;
	gp_buf base;
	size_t n;
	int same;

	if (!origin && allow_absent)
		return 0;
	gp_buf_init(&base, 1024);
	gp_http_base_url(x, &base);
	if (gp_buf_status(&base)) {
		gp_buf_free(&base);
		return GP_ENOMEM;
	}
	/* The origin is the base URL's scheme and authority, without a path. */
	scheme_end = strstr(gp_buf_cstr(&base), "://");
	n = scheme_end ? (size_t)(scheme_end + 3 - gp_buf_cstr(&base)) +
	                         strcspn(scheme_end + 3, "/")
	               : base.len;
	same = origin && strlen(origin) == n && strncasecmp(origin, gp_buf_cstr(&base), n) == 0;
	gp_buf_free(&base);
	if (!same)
		return gp_err_set(err, GP_FORBIDDEN, "Origin",
		                  "a signed-in write must come from this server's own pages");
	return 0;
}

int api_actor(gp_http_exchange *x, gp_worker *w, gp_role min_role, gp_actor *out,
              gp_err *err)
{
	const char *auth = gp_http_header(x, "Authorization"), *m = gp_http_method(x);
	char addr[64], wait[16], id[GP_SESSION_ID_MAX], expires[GP_TIME_LEN];
	int retry = 1, rc;

	gp_http_client_addr(x, addr, sizeof(addr));
	if (auth)
		gp_http_set_private(x);
	if (!auth && api_session_cookie(x, id, sizeof(id))) {
		/* A session that ended or whose token was revoked counts for nothing. */
		gp_http_set_private(x);
		if ((rc = gp_core_actor(w, out, addr, NULL, &retry, err)))
			return rc;
		rc = gp_core_session_actor(w, out, id, expires);
		if (rc && rc != GP_NOT_FOUND)
			return rc;
		if (!rc && strcmp(m, "GET") && strcmp(m, "HEAD") && (rc = api_same_origin(x, 0, err)))
			return rc;
		rc = 0;
	} else {
		rc = gp_core_actor(w, out, addr, auth, &retry, err);
	}
	if (rc == GP_TOO_MANY) {
		snprintf(wait, sizeof(wait), "%d", retry);
		gp_http_add_header_always(x, "Retry-After", wait);
	}
	if (rc)
		return rc;
	if (out->role < min_role) {
		if (out->role == GP_ROLE_CITIZEN)
			return gp_err_set(err, GP_UNAUTHORIZED, "Authorization",
			                  "this needs a staff token (Authorization: Bearer <token>) "
			                  "or a sign-in (POST /api/session)");
		return gp_err_set(err, GP_FORBIDDEN, "Authorization",
		                  "this needs the %s role; token \"%s\" is a planner",
		                  min_role == GP_ROLE_ADMIN ? "admin" : "planner", out->name);
	}
	return 0;
}

int api_citizen_write(gp_http_exchange *x, gp_worker *w, const gp_actor *a, gp_err *err)
{
	char wait[16];
	int retry = 1, rc = gp_core_citizen_write(w, a, &retry, err);

	if (rc == GP_TOO_MANY) {
		snprintf(wait, sizeof(wait), "%d", retry);
		gp_http_add_header_always(x, "Retry-After", wait);
	}
	return rc;
}

int gp_api_actor(gp_http_exchange *x, gp_worker *w, gp_role min_role, gp_actor *out,
                 gp_err *err)
{
	return api_actor(x, w, min_role, out, err);
}
