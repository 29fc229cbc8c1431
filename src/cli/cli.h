/*
 * cli.h — the command-line verbs: serve, init, import-districts, import-points, export,
 * check, config, report.  Each verb parses its own flags, loads the configuration
 * (defaults < file < environment < flags) and calls core/store/export.
 *
 * Must never: print anything but results on stdout (progress and errors go
 * to stderr), or leave a non-zero exit code unexplained on stderr.
 */
#ifndef GP_CLI_H
#define GP_CLI_H

#include "config/config.h"
#include "geopart/survey.h"

int gp_cli_serve(int argc, char **argv);
int gp_cli_init(int argc, char **argv);
int gp_cli_import_districts(int argc, char **argv);
int gp_cli_import_points(int argc, char **argv);
int gp_cli_export(int argc, char **argv);
int gp_cli_check(int argc, char **argv);
int gp_cli_config(int argc, char **argv);
int gp_cli_token(int argc, char **argv);
int gp_cli_purge(int argc, char **argv);
int gp_cli_backup(int argc, char **argv);
int gp_cli_survey(int argc, char **argv);
int gp_cli_report(int argc, char **argv);

/* ---- shared by the verbs (common.c) ---- */

/* Exit codes: 0 ok, 1 the task failed, 2 the command line was wrong. */
enum { GP_EXIT_OK = 0, GP_EXIT_FAIL = 1, GP_EXIT_USAGE = 2 };

/*
 * Loads defaults, then --config FILE (or GEOPART_CONFIG), then GEOPART_*,
 * into cfg.  Flags are applied by the verb afterwards with gp_config_set().
 */
int gp_cli_load_config(gp_config *cfg, const char *config_path);

/* Prints "geopart: <message>" to stderr. */
void gp_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A progress line on stderr when it is a terminal; nothing otherwise. */
void gp_cli_progress(void *ctx, const char *what, int64_t done, int64_t total);

/* Reads a whole file (at most max bytes). Caller frees *out with free(). */
int gp_cli_read_file(const char *path, size_t max, char **out, size_t *out_len);

/*
 * Reads and checks a questionnaire definition file; a refusal is printed
 * naming the file and the JSON path.  Caller owns *out (gp_json_survey_free).
 */
int gp_cli_survey_read(const char *path, gp_survey **out);

#endif
