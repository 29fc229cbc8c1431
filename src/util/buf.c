/*
 * buf.c — gp_buf, the bounded growable buffer behind every response body
 * and every serialiser, and filling {{NAME}} templates into one.
 *
 * Invariant: len < cap whenever data != NULL, so there is always room for
 * the terminating NUL; len never exceeds max.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void gp_buf_init(gp_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->failed = 0;
}

void gp_buf_free(gp_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void gp_buf_reset(gp_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Makes room for n more bytes plus the NUL; sets failed when it cannot. */
static int reserve(gp_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return -1;
	if (n > b->max - b->len) {
		b->failed = GP_TOO_LARGE;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = GP_ENOMEM;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

char *gp_buf_room(gp_buf *b, size_t n)
{
	if (b->failed || (b->len + n >= b->cap && reserve(b, n) < 0))
		return NULL;
	return b->data + b->len;
}

void gp_buf_append_slow(gp_buf *b, const void *p, size_t n)
{
	if (n == 0 || (b->len + n >= b->cap && reserve(b, n) < 0) || b->failed)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void gp_buf_printf(gp_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = b->failed ? b->failed : GP_ENOMEM;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		gp_buf_append(b, small, (size_t)n);
		return;
	}
	if (reserve(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void gp_buf_put_i64(gp_buf *b, int64_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	gp_buf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/*
 * Exact decimal rounding without printf: coordinates are the bulk of every
 * export, and "%.9f" plus trimming costs several times this.  Values whose
 * scaled magnitude does not fit in 2^53 fall back to printf.
 */
void gp_buf_put_fixed(gp_buf *b, double v, int decimals)
{
	static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5,
		                        1e6, 1e7, 1e8, 1e9, 1e10 };
	char tmp[48];
	char *p;
	double scaled;
	uint64_t whole, frac, u;
	int i, neg;

	if (!isfinite(v)) {
		gp_buf_puts(b, "null");
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 10)
		decimals = 10;
	scaled = fabs(v) * pow10[decimals];
	if (scaled >= 9007199254740992.0) {
		/*
		 * Up to 309 integer digits (DBL_MAX), a sign, a point and ten
		 * decimals: tmp is far too small for what printf writes here.
		 */
		char wide[DBL_MAX_10_EXP + 1 + 16];
		int n = snprintf(wide, sizeof(wide), "%.*f", decimals, v);
		if (n < 0 || (size_t)n >= sizeof(wide))
			n = 0; /* cannot happen for a finite double; write nothing */
		while (n > 0 && decimals > 0 && wide[n - 1] == '0')
			n--;
		if (n > 0 && wide[n - 1] == '.')
			n--;
		gp_buf_append(b, wide, (size_t)n);
		return;
	}
	u = (uint64_t)llround(scaled);
	neg = v < 0 && u != 0;
	whole = u / (uint64_t)pow10[decimals];
	frac = u % (uint64_t)pow10[decimals];

	p = tmp + sizeof(tmp);
	if (frac) {
		int digits = decimals;
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		for (i = 0; i < digits; i++) {
			*--p = (char)('0' + frac % 10);
			frac /= 10;
		}
		*--p = '.';
	}
	do {
		*--p = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	if (neg)
		*--p = '-';
	gp_buf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

const char *gp_buf_cstr(gp_buf *b)
{
	if (!b->data) {
		if (reserve(b, 0) < 0)
			return "";
		b->data[0] = '\0';
	}
	return b->data;
}

int gp_buf_status(const gp_buf *b)
{
	return b->failed;
}

char *gp_buf_steal(gp_buf *b, size_t *out_len)
{
	char *p = b->data;

	if (out_len)
		*out_len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int gp_buf_fill(gp_buf *b, const char *tmpl, gp_buf_fill_fn put, void *ctx)
{
	const char *t = tmpl, *p;
	int rc;

	while ((p = strstr(t, "{{"))) {
		const char *end = strstr(p + 2, "}}");
		if (!end)
			return GP_EFAULT;
		gp_buf_append(b, t, (size_t)(p - t));
		if ((rc = put(ctx, b, p + 2, (size_t)(end - p - 2))))
			return rc;
		t = end + 2;
	}
	gp_buf_puts(b, t);
	return gp_buf_status(b);
}
