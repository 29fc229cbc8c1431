/*
 * path.c — which member of a JSON text holds a given byte offset.
 *
 * jansson reports invalid UTF-8 and numeric overflow as a byte position;
 * this scanner turns that position into the field name the client needs.
 * It is deliberately tolerant: any byte is accepted inside a string, and it
 * simply stops at the first structural error.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"

typedef struct scan {
	const char *s;
	size_t n, i, target;
	char *out;
	size_t outsz;
	int done; /* found, or hit something it cannot read */
} scan;

static void skip_ws(scan *sc)
{
	while (sc->i < sc->n && strchr(" \t\r\n", sc->s[sc->i]) && sc->s[sc->i])
		sc->i++;
}

/* Advances over a string starting at its opening quote; returns its end. */
static size_t skip_string(scan *sc)
{
	sc->i++;
	while (sc->i < sc->n && sc->s[sc->i] != '"') {
		if (sc->s[sc->i] == '\\')
			sc->i++;
		sc->i++;
	}
	if (sc->i < sc->n)
		sc->i++;
	return sc->i;
}

static void found(scan *sc, const char *path)
{
	gp_strlcpy(sc->out, path, sc->outsz);
	sc->done = 1;
}

static void scan_value(scan *sc, const char *path, int depth)
{
	size_t start;

	skip_ws(sc);
	if (sc->done || sc->i >= sc->n || depth > 64) {
		sc->done = 1;
		return;
	}
	start = sc->i;
	switch (sc->s[sc->i]) {
	case '{':
		sc->i++;
		for (;;) {
			char sub[256];
			size_t kstart, kend;

			skip_ws(sc);
			if (sc->i >= sc->n || sc->s[sc->i] == '}') {
				sc->i++;
				return;
			}
			if (sc->s[sc->i] != '"') {
				sc->done = 1;
				return;
			}
			kstart = sc->i;
			kend = skip_string(sc);
			snprintf(sub, sizeof(sub), "%s%s%.*s", path, *path ? "." : "",
			         (int)(kend - kstart - 2 > 200 ? 200 : kend - kstart - 2),
			         sc->s + kstart + 1);
			if (sc->target >= kstart && sc->target < kend) {
				found(sc, sub);
				return;
			}
			skip_ws(sc);
			if (sc->i >= sc->n || sc->s[sc->i] != ':') {
				sc->done = 1;
				return;
			}
			sc->i++;
			scan_value(sc, sub, depth + 1);
			if (sc->done)
				return;
			skip_ws(sc);
			if (sc->i < sc->n && sc->s[sc->i] == ',')
				sc->i++;
		}
	case '[':
		sc->i++;
		for (;;) {
			skip_ws(sc);
			if (sc->i >= sc->n || sc->s[sc->i] == ']') {
				sc->i++;
				return;
			}
			scan_value(sc, path, depth + 1);
			if (sc->done)
				return;
			skip_ws(sc);
			if (sc->i < sc->n && sc->s[sc->i] == ',')
				sc->i++;
		}
	case '"':
		skip_string(sc);
		break;
	default:
		while (sc->i < sc->n && !strchr(",]} \t\r\n", sc->s[sc->i]))
			sc->i++;
		if (sc->i == start)
			sc->i++;
		break;
	}
	if (sc->target >= start && sc->target < sc->i)
		found(sc, path);
}

void gp_json_path_at(char *out, size_t outsz, const char *text, size_t len,
                     size_t offset)
{
	scan sc = { text, len, 0, offset, out, outsz, 0 };

	if (outsz)
		out[0] = '\0';
	scan_value(&sc, "", 0);
}
