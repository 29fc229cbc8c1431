/*
 * role.h — who is asking, as far as what they may see and do depends on it:
 * a citizen (no token) or a staff token's role.  core/ works out the role
 * of a request; read/ turns it into what the caller sees.
 */
#ifndef GEOPART_ROLE_H
#define GEOPART_ROLE_H

typedef enum gp_role {
	GP_ROLE_CITIZEN = 0, /* no token */
	GP_ROLE_PLANNER,
	GP_ROLE_ADMIN
} gp_role;

#endif
