/*
 * gzip.c — gzip for response bodies the client accepts compressed.
 *
 * The map page's first view is mostly district boundaries (GeoJSON, about
 * a third of its size after gzip); compressing them is what keeps that view
 * under its byte budget on a phone.  Bodies are compressed whole, in
 * memory, after the handler built them: streamed responses are sent as
 * they are.  Must never: compress a body that is not sent whole, or answer
 * gzip to a client that did not ask for it.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "http_int.h"

/* zlib level 4: within 3 % of level 6 on GeoJSON at a third of the time. */
#define GZIP_LEVEL 4

int gp_http_accepts_gzip(const gp_http_exchange *x)
{
	const char *ae = gp_http_header(x, "Accept-Encoding");
	const char *g = ae ? strcasestr(ae, "gzip") : NULL;

	if (!g)
		return 0;
	g += 4;
	g += strspn(g, " ");
	if (*g != ';')
		return 1;
	g++;
	g += strspn(g, " ");
	if (strncasecmp(g, "q=", 2) != 0)
		return 1;
	return strtod(g + 2, NULL) > 0;
}

int gp_http_gzip(char **out, size_t *out_len, const void *data, size_t len)
{
	z_stream z;
	uLong bound;
	char *buf;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (len > UINT_MAX / 2)
		return GP_TOO_LARGE;
	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip header and trailer instead of zlib's. */
	if (deflateInit2(&z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return GP_ENOMEM;
	bound = deflateBound(&z, (uLong)len);
	if (!(buf = malloc(bound))) {
		deflateEnd(&z);
		return GP_ENOMEM;
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return GP_EFAULT;
	}
	*out = buf;
	*out_len = z.total_out;
	return 0;
}
