/*
 * error.c — filling gp_err and naming result codes.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"

int gp_err_set(gp_err *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	gp_strlcpy(err->field, field ? field : "", sizeof(err->field));
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return code;
}

void gp_err_clear(gp_err *err)
{
	if (err) {
		err->field[0] = '\0';
		err->detail[0] = '\0';
	}
}

const char *gp_result_name(int code)
{
	static const char *const names[GP_RESULT_MAX] = {
		[GP_OK] = "ok",
		[GP_NOT_FOUND] = "not found",
		[GP_BAD_REQUEST] = "bad request",
		[GP_INVALID] = "invalid",
		[GP_TOO_LARGE] = "too large",
		[GP_UNSUPPORTED_MEDIA] = "unsupported media type",
		[GP_TIMEOUT] = "timeout",
		[GP_BUSY] = "busy",
		[GP_CONFLICT] = "conflict",
		[GP_METHOD_NOT_ALLOWED] = "method not allowed",
		[GP_LENGTH_REQUIRED] = "length required",
		[GP_UNAUTHORIZED] = "unauthorized",
		[GP_FORBIDDEN] = "forbidden",
		[GP_TOO_MANY] = "too many requests",
		[GP_NOT_ACCEPTABLE] = "not acceptable",
		[GP_UNAVAILABLE] = "unavailable",
		[GP_STORAGE] = "storage fault",
		[GP_HTTP_VERSION] = "HTTP version not supported",
		[GP_MISDIRECTED] = "misdirected",
		[GP_EXPECTATION] = "expectation failed",
		[GP_HEAD_TOO_LARGE] = "request head too large",
		[GP_TARGET_TOO_LONG] = "request target too long",
	};

	if (code == GP_ENOMEM)
		return "out of memory";
	if (code == GP_EIO)
		return "i/o error";
	if (code < 0)
		return "internal error";
	if (code >= GP_RESULT_MAX || !names[code])
		return "unknown";
	return names[code];
}

char *gp_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

int gp_strlcpy(char *dst, const char *s, size_t size)
{
	size_t n = strlen(s);

	if (size == 0)
		return n > 0;
	if (n >= size) {
		memcpy(dst, s, size - 1);
		dst[size - 1] = '\0';
		return 1;
	}
	memcpy(dst, s, n + 1);
	return 0;
}
