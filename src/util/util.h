/*
 * util.h — small dependency-free helpers every module may use: bounded
 * growable buffers, logging, time stamps, UTF-8 checks, number parsing and
 * formatting.
 *
 * Must never: include a third-party header, allocate without a bound the
 * caller chose, or keep global state other than the log level.
 */
#ifndef GP_UTIL_H
#define GP_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "geopart/error.h"

/* ---- gp_buf: a growable byte buffer with a hard maximum ----------------
 *
 * Appends are sticky-failing: once an append would pass `max` or malloc
 * fails, `failed` is set, the buffer keeps what it had and later appends are
 * ignored, so a writer can append many pieces and check once at the end.
 * data is always NUL-terminated when len > 0 or after gp_buf_cstr().
 */
typedef struct gp_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
	int failed; /* 0, GP_TOO_LARGE or GP_ENOMEM */
} gp_buf;

void gp_buf_init(gp_buf *b, size_t max);
void gp_buf_free(gp_buf *b);
/* Forgets the content and the failure, keeps the allocation. */
void gp_buf_reset(gp_buf *b);
/* Grows the buffer first; the inline appends below call it when full. */
void gp_buf_append_slow(gp_buf *b, const void *p, size_t n);

/*
 * Serialisers append a few bytes at a time, millions of times per export:
 * the common case (room left, no failure) is inline, so appending a string
 * literal costs a compile-time length and a memcpy.
 */
static inline void gp_buf_append(gp_buf *b, const void *p, size_t n)
{
	if (n && !b->failed && b->len + n < b->cap) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	gp_buf_append_slow(b, p, n);
}

/*
 * Room for n more bytes (and the NUL after them) at the end of b, to be
 * written in place and then counted with gp_buf_advance(b, m), m <= n;
 * NULL when b failed or cannot grow that far (b->failed says why).
 */
char *gp_buf_room(gp_buf *b, size_t n);
static inline void gp_buf_advance(gp_buf *b, size_t m)
{
	b->len += m;
	b->data[b->len] = '\0';
}

static inline void gp_buf_puts(gp_buf *b, const char *s)
{
	gp_buf_append(b, s, strlen(s));
}

static inline void gp_buf_putc(gp_buf *b, char c)
{
	gp_buf_append(b, &c, 1);
}
void gp_buf_printf(gp_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Fixed-point decimal with trailing zeros trimmed ("7.79", "-3", "0.5"). */
void gp_buf_put_fixed(gp_buf *b, double v, int decimals);
void gp_buf_put_i64(gp_buf *b, int64_t v);
/* Borrowed NUL-terminated view, valid until the next append or free. */
const char *gp_buf_cstr(gp_buf *b);
/* 0 when every append succeeded, else GP_TOO_LARGE or GP_ENOMEM. */
int gp_buf_status(const gp_buf *b);
/* Hands the bytes to the caller (free with free()); the buffer is emptied. */
char *gp_buf_steal(gp_buf *b, size_t *out_len);

/*
 * Templates: text with {{NAME}} placeholders (NAME without braces).
 * gp_buf_fill appends tmpl to b, and for each placeholder whatever put
 * appends when called with its name (len bytes, not NUL-terminated).  The
 * first non-zero result of put stops the fill and is returned; a "{{"
 * without its "}}" is GP_EFAULT.  b keeps what was appended so far.
 */
typedef int (*gp_buf_fill_fn)(void *ctx, gp_buf *b, const char *name, size_t len);
int gp_buf_fill(gp_buf *b, const char *tmpl, gp_buf_fill_fn put, void *ctx);

/* ---- logging ------------------------------------------------------------
 * One line per event to stderr: time, level, file:line, message.  Never
 * given client addresses, comment text or secrets.
 */
typedef enum gp_log_level {
	GP_LOG_DEBUG = 0,
	GP_LOG_INFO,
	GP_LOG_WARN,
	GP_LOG_ERROR
} gp_log_level;

void gp_log_set_level(gp_log_level level);
int gp_log_parse_level(gp_log_level *out, const char *s);
void gp_log_write(gp_log_level level, const char *file, int line,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define gp_log_debug(...) gp_log_write(GP_LOG_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
#define gp_log_info(...) gp_log_write(GP_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define gp_log_warn(...) gp_log_write(GP_LOG_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define gp_log_error(...) gp_log_write(GP_LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)

/* ---- time ---------------------------------------------------------------
 * Stored and served as RFC 3339 UTC with milliseconds,
 * "YYYY-MM-DDTHH:MM:SS.mmmZ", so text order is time order.
 */
void gp_time_now(char out[25]);
/* Milliseconds on a monotonic clock, for deadlines and durations. */
int64_t gp_time_mono_ms(void);
/* Microseconds on the same clock, for request timings. */
int64_t gp_time_mono_us(void);
/* The CLOCK_REALTIME instant ms milliseconds from now, as pthread_cond_timedwait takes it. */
struct timespec gp_time_realtime_in(int64_t ms);
/* The CLOCK_MONOTONIC instant ms milliseconds from now, for a condition made by gp_cond_init_mono. */
struct timespec gp_time_mono_in(int64_t ms);
/* Initialises c so that its timed waits count on the monotonic clock (no jump with the wall clock). */
void gp_cond_init_mono(pthread_cond_t *c);
/*
 * Parses an RFC 3339 date-time ("2026-11-26T12:00:00Z", offsets and
 * fractions allowed; any year 0000–9999) or a full date ("2026-11-26",
 * meaning its first millisecond in UTC) into the canonical stored form.
 * A date-time without a zone ("2026-11-26T12:00:00", as QGIS writes one)
 * is a wall-clock time of the local zone (gp_time_zone_set): in the hour
 * the clocks repeat its first pass, in the hour they skip standard time.
 * Returns 0 or GP_INVALID.
 */
int gp_time_parse(char out[25], const char *s);
/*
 * Makes the IANA zone `name` ("Europe/Berlin", "UTC") the process's local
 * time zone.  Call before any thread starts.  GP_INVALID for a name that
 * is malformed or not in the zone database ($TZDIR or
 * /usr/share/zoneinfo).
 */
int gp_time_zone_set(const char *name);
/*
 * A canonical time as the local zone's wall-clock time
 * "YYYY-MM-DD HH:MM:SS" (what spreadsheets read as a date-time).
 * GP_INVALID for text that is not canonical.
 */
int gp_time_local(char out[20], const char *canonical);

/* ---- UTF-8 and text ----------------------------------------------------- */

/*
 * Checks that s[0..n) is valid UTF-8 (shortest form, no surrogates, no
 * NUL) and counts its code points into *out_chars.  Returns 0, or GP_INVALID
 * with *out_bad at the first offending byte offset.
 */
int gp_utf8_check(const char *s, size_t n, size_t *out_chars, size_t *out_bad);
/* 1 when s[0..n) holds a C0/C1 control character other than \n and \t. */
int gp_text_has_control(const char *s, size_t n);

/* ---- numbers ------------------------------------------------------------ */

/* Whole decimal string → int64 within [min,max]; 0 or GP_INVALID. */
int gp_parse_i64(int64_t *out, const char *s, int64_t min, int64_t max);
/* Decimal floating point, finite, whole string; 0 or GP_INVALID. */
int gp_parse_double(double *out, const char *s);

/* ---- strings ------------------------------------------------------------ */

/* strdup that returns NULL for NULL. Caller owns the result, free with free(). */
char *gp_strdup(const char *s);
/* Bounded copy that always terminates; returns 1 when s was truncated. */
int gp_strlcpy(char *dst, const char *s, size_t size);

/* ---- CSV records (csv.c) ------------------------------------------------- */

#define GP_CSV_FIELDS_MAX 64

/* A reader over a CSV text it borrows; `line` is where the last record began. */
typedef struct gp_csv {
	const char *p, *end;
	size_t line, next_line;
	char *buf;
	size_t len, cap;
} gp_csv;

/* Starts reading text (a UTF-8 byte order mark is skipped). */
void gp_csv_init(gp_csv *c, const char *text, size_t len);
/*
 * The next record's fields (at most max, at most GP_CSV_FIELDS_MAX):
 * 0; GP_NOT_FOUND after the last; GP_INVALID for a quote never closed;
 * GP_TOO_LARGE for too many fields.  The fields are borrowed until the
 * next call or gp_csv_free().
 */
int gp_csv_next(gp_csv *c, const char **fields, size_t max, size_t *out_n);
void gp_csv_free(gp_csv *c);

#endif
