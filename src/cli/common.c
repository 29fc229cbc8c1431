/*
 * common.c — configuration loading, messages and progress for the verbs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json/json.h"

void gp_cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("geopart: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int gp_cli_load_config(gp_config *cfg, const char *config_path)
{
	gp_err err;
	int rc;

	gp_err_clear(&err);
	if ((rc = gp_config_defaults(cfg))) {
		gp_cli_error("out of memory");
		return rc;
	}
	if (!config_path)
		config_path = getenv("GEOPART_CONFIG");
	if (config_path && *config_path && (rc = gp_config_read_file(cfg, config_path, &err))) {
		gp_cli_error("%s", err.detail);
		return rc;
	}
	if ((rc = gp_config_read_env(cfg, &err))) {
		gp_cli_error("environment: %s", err.detail);
		return rc;
	}
	return 0;
}

void gp_cli_progress(void *ctx, const char *what, int64_t done, int64_t total)
{
	(void)ctx;
	if (!isatty(STDERR_FILENO))
		return;
	if (total > 0)
		fprintf(stderr, "\r%s: %lld/%lld (%d%%)   ", what, (long long)done,
		        (long long)total, (int)(done * 100 / total));
	else
		fprintf(stderr, "\r%s: %lld   ", what, (long long)done);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

int gp_cli_read_file(const char *path, size_t max, char **out, size_t *out_len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	gp_buf b;
	char chunk[65536];
	size_t n;

	*out = NULL;
	if (!f) {
		gp_cli_error("cannot read %s: %s", path, strerror(errno));
		return GP_EIO;
	}
	gp_buf_init(&b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gp_buf_append(&b, chunk, n);
	if (ferror(f)) {
		gp_cli_error("cannot read %s: %s", path, strerror(errno));
		gp_buf_free(&b);
		if (f != stdin)
			fclose(f);
		return GP_EIO;
	}
	if (f != stdin)
		fclose(f);
	if (gp_buf_status(&b)) {
		gp_cli_error("%s is larger than %zu bytes", path, max);
		gp_buf_free(&b);
		return GP_TOO_LARGE;
	}
	gp_buf_cstr(&b);
	*out = gp_buf_steal(&b, out_len);
	return 0;
}

int gp_cli_survey_read(const char *path, gp_survey **out)
{
	char *text = NULL;
	size_t len = 0;
	gp_err err;
	int rc;

	*out = NULL;
	gp_err_clear(&err);
	if ((rc = gp_cli_read_file(path, 4u << 20, &text, &len)))
		return rc;
	if ((rc = gp_json_survey_parse(out, text, len, &err)))
		gp_cli_error("%s: %s", path, err.detail[0] ? err.detail : gp_result_name(rc));
	free(text);
	return rc;
}
