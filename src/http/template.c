/*
 * template.c — answering with a document compiled into the binary as a
 * template, such as the OpenAPI descriptions of /api and /ogc: JSON with
 * {{NAME}} placeholders that each stand for one whole JSON value.
 */
#include <string.h>

#include "http_int.h"
#include "json/json.h"

typedef struct fill_ctx {
	gp_http_exchange *x;
	const char *base_path;
	gp_buf_fill_fn put;
	void *ctx;
} fill_ctx;

static int put_value(void *ctx, gp_buf *b, const char *name, size_t len)
{
	fill_ctx *fc = ctx;
	int rc;

	if (len == 6 && strncmp(name, "SERVER", 6) == 0) {
		gp_buf url;
		gp_buf_init(&url, 4096);
		gp_http_base_url(fc->x, &url);
		gp_buf_puts(&url, fc->base_path);
		gp_json_put_str(b, gp_buf_cstr(&url));
		gp_buf_free(&url);
		return gp_buf_status(b);
	}
	rc = fc->put ? fc->put(fc->ctx, b, name, len) : GP_NOT_FOUND;
	if (rc == GP_NOT_FOUND) {
		gp_log_error("template: unknown placeholder {{%.*s}}", (int)len, name);
		return GP_EFAULT;
	}
	return rc;
}

int gp_http_answer_template(gp_http_exchange *x, const char *tmpl, const char *type,
                            const char *base_path, gp_buf_fill_fn put, void *ctx)
{
	fill_ctx fc = { x, base_path, put, ctx };
	int rc;

	if ((rc = gp_buf_fill(gp_http_out(x), tmpl, put_value, &fc)))
		return rc;
	gp_http_set_type(x, type);
	return 0;
}
