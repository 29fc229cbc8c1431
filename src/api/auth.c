/*
 * auth.c — turning a request into an actor (citizen or staff token), and the
 * gate every citizen write passes: the participation period and the
 * client's write allowance.
 */
#include <stdio.h>

#include "api_int.h"

int api_actor(gp_http_exchange *x, gp_worker *w, gp_role min_role, gp_actor *out,
              gp_err *err)
{
	const char *auth = gp_http_header(x, "Authorization");
	char addr[64], wait[16];
	int retry = 1, rc;

	gp_http_client_addr(x, addr, sizeof(addr));
	if (auth)
		gp_http_set_private(x);
	rc = gp_core_actor(w, out, addr, auth, &retry, err);
	if (rc == GP_TOO_MANY) {
		snprintf(wait, sizeof(wait), "%d", retry);
		gp_http_add_header_always(x, "Retry-After", wait);
	}
	if (rc)
		return rc;
	if (out->role < min_role) {
		if (out->role == GP_ROLE_CITIZEN)
			return gp_err_set(err, GP_UNAUTHORIZED, "Authorization",
			                  "this needs a staff token: Authorization: Bearer <token>");
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
