/*
 * error.h — the one vocabulary of outcomes shared by every module.
 *
 * Fallible functions return int: 0 is success; a negative value is a fault
 * of ours or of the system (out of memory, I/O, a library failing) and ends
 * as HTTP 500 with a log line; a positive value is a documented outcome the
 * caller must handle and ends as a 4xx/503 through the single table in
 * src/http/problem.c.  Modules never pick HTTP status numbers themselves.
 *
 * Field-level detail travels in a caller-provided gp_err, never in
 * thread-local "last error" state.
 */
#ifndef GEOPART_ERROR_H
#define GEOPART_ERROR_H

#include <stddef.h>

enum {
	GP_OK = 0,
	GP_NOT_FOUND = 1,      /* no such resource (or not public) */
	GP_BAD_REQUEST,        /* malformed syntax: JSON, query parameter */
	GP_INVALID,            /* well-formed but a field's value is refused */
	GP_TOO_LARGE,          /* body or result over a configured maximum */
	GP_UNSUPPORTED_MEDIA,  /* Content-Type not accepted */
	GP_TIMEOUT,            /* the client was too slow sending its request */
	GP_BUSY,               /* database locked by another writer: retry */
	GP_CONFLICT,           /* state does not allow the change */
	GP_METHOD_NOT_ALLOWED, /* path exists, method does not */
	GP_LENGTH_REQUIRED,    /* body without a length */
	GP_UNAUTHORIZED,       /* no or bad credentials */
	GP_FORBIDDEN,          /* credentials fine, not allowed */
	GP_TOO_MANY,           /* rate limited */
	GP_NOT_ACCEPTABLE,     /* cannot produce the requested format */
	GP_UNAVAILABLE,        /* the service cannot answer right now */
	GP_STORAGE,            /* the database file cannot be written or read: disk
	                          full, I/O error, read-only file system; retry later */
	GP_HTTP_VERSION,       /* the request's HTTP version is not spoken here */
	GP_MISDIRECTED,        /* the request names another server (absolute form) */
	GP_EXPECTATION,        /* an Expect the server cannot meet (not 100-continue) */
	GP_HEAD_TOO_LARGE,     /* a header line or the whole request head over its limit */
	GP_TARGET_TOO_LONG,    /* the request target (path and query) over its limit */
	GP_RESULT_MAX
};

enum {
	GP_EFAULT = -1, /* a library or invariant failed; see the log */
	GP_ENOMEM = -2, /* allocation failed */
	GP_EIO = -3     /* file or socket I/O failed */
};

/*
 * What the client is told about a positive outcome: the offending field
 * (a dotted JSON path or a query parameter name; empty when the whole
 * request is at fault) and one human sentence.
 */
typedef struct gp_err {
	char field[64];
	char detail[384];
} gp_err;

/* Records field and detail in err (which may be NULL) and returns code. */
int gp_err_set(gp_err *err, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Clears err so a fresh outcome can be recorded. */
void gp_err_clear(gp_err *err);

/* Short English name of a result code, for logs ("not found", "invalid"). */
const char *gp_result_name(int code);

#endif
