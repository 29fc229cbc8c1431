/*
 * csv.c — reading CSV (RFC 4180: comma separated, fields in double quotes
 * may hold commas, line breaks and doubled quotes; CRLF or LF line ends;
 * an optional UTF-8 byte order mark) one record at a time, for imports.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

void gp_csv_init(gp_csv *c, const char *text, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->p = text;
	c->end = text + len;
	c->next_line = 1;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
}

void gp_csv_free(gp_csv *c)
{
	free(c->buf);
	c->buf = NULL;
}

static int put(gp_csv *c, char ch)
{
	if (c->len + 1 >= c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		char *grown = realloc(c->buf, cap);
		if (!grown)
			return GP_ENOMEM;
		c->buf = grown;
		c->cap = cap;
	}
	c->buf[c->len++] = ch;
	return 0;
}

int gp_csv_next(gp_csv *c, const char **fields, size_t max, size_t *out_n)
{
	size_t starts[GP_CSV_FIELDS_MAX], n = 0;
	int quoted = 0, rc;

	*out_n = 0;
	/* Blank lines between records are passed over. */
	while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
		if (*c->p == '\n')
			c->next_line++;
		c->p++;
	}
	if (c->p >= c->end)
		return GP_NOT_FOUND;
	c->line = c->next_line;
	c->len = 0;
	starts[n++] = 0;
	for (;;) {
		char ch;
		if (c->p >= c->end) {
			if (quoted)
				return GP_INVALID; /* a quote never closed */
			break;
		}
		ch = *c->p++;
		if (quoted) {
			if (ch == '"') {
				if (c->p < c->end && *c->p == '"') {
					c->p++;
				} else {
					quoted = 0;
					continue;
				}
			} else if (ch == '\n') {
				c->next_line++;
			}
		} else if (ch == '"') {
			quoted = 1;
			continue;
		} else if (ch == ',') {
			if ((rc = put(c, '\0')))
				return rc;
			if (n == GP_CSV_FIELDS_MAX || n == max)
				return GP_TOO_LARGE;
			starts[n++] = c->len;
			continue;
		} else if (ch == '\r' || ch == '\n') {
			if (ch == '\r' && c->p < c->end && *c->p == '\n')
				c->p++;
			c->next_line++;
			break;
		}
		if ((rc = put(c, ch)))
			return rc;
	}
	if ((rc = put(c, '\0')))
		return rc;
	for (size_t i = 0; i < n; i++)
		fields[i] = c->buf + starts[i];
	*out_n = n;
	return 0;
}
