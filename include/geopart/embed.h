/*
 * embed.h — files compiled into the binary (migrations, the default
 * district boundaries), generated at build time by tools/embed.py so the
 * single binary needs nothing else on disk for a first start.
 */
#ifndef GEOPART_EMBED_H
#define GEOPART_EMBED_H

#include <stddef.h>

typedef struct gp_embedded {
	const char *name;          /* file name without directories */
	const unsigned char *data; /* NUL-terminated for convenience */
	size_t len;                /* without the NUL */
} gp_embedded;

#endif
