/*
 * serve.c — `geopart serve`: prepare the database, start the HTTP server,
 * wait for SIGINT/SIGTERM, stop cleanly.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "api/api.h"
#include "cli.h"
#include "core/core.h"
#include "http/http.h"
#include "json/json.h"
#include "ogc/ogc.h"
#include "page/page.h"
#include "report/report.h"
#include "util/metrics.h"

static const char usage[] =
	"usage: geopart serve [--config FILE] [--listen ADDR:PORT] [--db FILE]\n"
	"                     [--web-root DIR]\n"
	"\n"
	"Serves the participation map, its API and the web page over plain HTTP.\n"
	"With no database at --db, creates one holding the bundled Kaiserslautern\n"
	"Ortsbezirke and Stadtteile.  Stops on SIGINT or SIGTERM.\n"
	"\n"
	"  --config FILE      settings file (see `geopart config`)\n"
	"  --listen ADDR:PORT where to listen (default 127.0.0.1:8080; port 0: any free)\n"
	"  --db FILE          the database file (default geopart.db)\n"
	"  --web-root DIR     the web page folder\n";

/* Private memory for log lines, in MiB (see gp_metric_private_memory). */
static double private_mib(void)
{
	return (double)gp_metric_private_memory() / (1024.0 * 1024.0);
}

/*
 * The maintenance thread: purges what the retention period no longer
 * allows, at start and then hourly, on its own connection, and logs the
 * server's private memory each time.  It owns its worker;
 * stop_maintenance() wakes and joins it.
 */
typedef struct maintenance {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int stop;
	gp_core *core;
	int days;
} maintenance;

static void *maintain(void *arg)
{
	maintenance *m = arg;
	gp_worker *w = NULL;
	gp_err err;

	gp_err_clear(&err);
	if (gp_worker_new(&w, m->core, &err)) {
		gp_log_error("maintenance cannot start: %s", err.detail);
		return NULL;
	}
	pthread_mutex_lock(&m->mu);
	while (!m->stop) {
		int64_t points = 0, flags = 0;
		struct timespec until;

		pthread_mutex_unlock(&m->mu);
		if (gp_core_purge(w, m->days, &points, &flags, &err))
			gp_log_warn("retention purge failed: %s", err.detail);
		else if (points || flags)
			gp_log_info("retention purge: %lld points, %lld flags", (long long)points,
			            (long long)flags);
		gp_log_info("private memory %.1f MiB", private_mib());
		pthread_mutex_lock(&m->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 3600;
		while (!m->stop && pthread_cond_timedwait(&m->wake, &m->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&m->mu);
	gp_worker_free(w);
	return NULL;
}

static void stop_maintenance(maintenance *m)
{
	pthread_mutex_lock(&m->mu);
	m->stop = 1;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->mu);
	pthread_join(m->thread, NULL);
}

static void *worker_new(void *ctx)
{
	gp_worker *w = NULL;
	gp_err err;

	gp_err_clear(&err);
	if (gp_worker_new(&w, ctx, &err)) {
		gp_log_error("worker cannot start: %s", err.detail);
		return NULL;
	}
	return w;
}

static void worker_free(void *ctx, void *worker)
{
	(void)ctx;
	gp_worker_free(worker);
}

static int conn_open(void *ctx, const char *addr, uint64_t *out_key)
{
	return gp_core_conn_open(ctx, addr ? addr : "", out_key);
}

static void conn_close(void *ctx, uint64_t key)
{
	gp_core_conn_close(ctx, key);
}

/*
 * Every open connection holds a socket, every database worker its file,
 * WAL and shared-memory index: raise the soft limit of open files to the
 * hard one when the soft one is too small for the configured threads.
 */
static void raise_file_limit(const gp_config *cfg)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)cfg->threads + 256 /* queue */ + 3u * (rlim_t)cfg->db_connections + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < need)
		gp_log_warn("only %llu open files allowed; %d threads may need %llu",
		            (unsigned long long)rl.rlim_cur, cfg->threads, (unsigned long long)need);
}

int gp_cli_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "web-root", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* /api's tables (the ones its OpenAPI description covers), /ogc's, the pages'. */
	static const gp_http_route *tables[16];
	size_t ntables = 0;
	const char *config_path = NULL, *listen = NULL, *db = NULL, *web = NULL;
	gp_config cfg;
	gp_core *core = NULL;
	gp_worker *w = NULL;
	gp_http_server *srv = NULL;
	gp_http_hooks hooks;
	gp_err err;
	sigset_t stop;
	maintenance maint;
	int c, sig, created = 0, maint_running = 0, rc = GP_EXIT_FAIL;

	memset(&cfg, 0, sizeof(cfg));
	memset(&maint, 0, sizeof(maint));
	gp_err_clear(&err);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_path = optarg; break;
		case 'l': listen = optarg; break;
		case 'd': db = optarg; break;
		case 'w': web = optarg; break;
		case 'h': fputs(usage, stdout); return GP_EXIT_OK;
		default: fputs(usage, stderr); return GP_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return GP_EXIT_USAGE;
	}
	for (size_t i = 0; gp_api_tables[i]; i++) {
		if (ntables + 3 >= sizeof(tables) / sizeof(tables[0])) {
			gp_cli_error("too many route tables");
			goto out;
		}
		tables[ntables++] = gp_api_tables[i];
	}
	tables[ntables++] = gp_ogc_routes;
	tables[ntables++] = gp_page_routes;
	tables[ntables] = NULL;
	if (gp_cli_load_config(&cfg, config_path))
		goto out;
	if ((listen && gp_config_set(&cfg, "listen", listen, &err)) ||
	    (db && gp_config_set(&cfg, "db", db, &err)) ||
	    (web && gp_config_set(&cfg, "web_root", web, &err)) ||
	    gp_config_normalise(&cfg, &err)) {
		gp_cli_error("%s", err.detail);
		rc = GP_EXIT_USAGE;
		goto out;
	}
	gp_log_set_level(cfg.log_level);
	gp_page_check_config(&cfg);
	if (gp_page_check_easy(&cfg, &err)) {
		gp_cli_error("%s", err.detail);
		rc = GP_EXIT_USAGE;
		goto out;
	}
	if (gp_core_new(&core, &cfg, 1, &err)) {
		gp_cli_error("%s", err.detail);
		goto out;
	}
	if (gp_worker_new(&w, core, &err) || gp_core_prepare_database(w, &created, &err)) {
		gp_cli_error("%s", err.detail[0] ? err.detail : "cannot prepare the database");
		goto out;
	}
	if (cfg.survey[0]) {
		/* Checked at start, so a definition that would recode answers never serves. */
		gp_survey *s = NULL;
		if (gp_cli_survey_read(cfg.survey, &s))
			goto out;
		if (gp_core_survey_set(w, s, &err)) {
			gp_cli_error("%s: %s", cfg.survey, err.detail);
			gp_json_survey_free(s);
			goto out;
		}
	}
	gp_worker_free(w);
	w = NULL;
	if (created)
		gp_log_info("created %s with the bundled Kaiserslautern districts", cfg.db_path);
	if ((c = gp_core_live_start(core, gp_api_live_render, &err))) {
		gp_cli_error("cannot start the live room: %s", err.detail[0] ? err.detail : gp_result_name(c));
		goto out;
	}
	if ((c = gp_core_clusters_start(core))) {
		gp_cli_error("cannot build the cluster index: %s", gp_result_name(c));
		goto out;
	}

	/* Threads started from here inherit the mask; only sigwait sees these. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cfg.retention_days > 0) {
		pthread_mutex_init(&maint.mu, NULL);
		pthread_cond_init(&maint.wake, NULL);
		maint.core = core;
		maint.days = cfg.retention_days;
		maint_running = pthread_create(&maint.thread, NULL, maintain, &maint) == 0;
	}
	raise_file_limit(&cfg);
	hooks = (gp_http_hooks){ worker_new, worker_free, conn_open, conn_close, core };
	if (gp_http_server_start(&srv, &cfg, tables, &hooks, &err)) {
		gp_cli_error("%s", err.detail);
		goto out;
	}
	{
		char host[256];
		const char *colon = strrchr(cfg.listen, ':');
		snprintf(host, sizeof(host), "%.*s", (int)(colon - cfg.listen), cfg.listen);
		printf("geopart serving http://%s:%d/ (database %s)\n",
		       host[0] ? host : "0.0.0.0", gp_http_server_port(srv), cfg.db_path);
		fflush(stdout);
	}
	gp_log_info("%d threads, up to %d database workers; private memory %.1f MiB", cfg.threads,
	            cfg.db_connections, private_mib());
	sigwait(&stop, &sig);
	gp_log_info("stopping on signal %d; private memory %.1f MiB", sig, private_mib());
	/* open live streams end first: the server waits for its threads */
	gp_core_live_close(core);
	gp_http_server_stop(srv);
	rc = GP_EXIT_OK;
out:
	if (maint_running)
		stop_maintenance(&maint);
	gp_worker_free(w);
	gp_core_free(core);
	gp_config_clear(&cfg);
	gp_report_shutdown();
	return rc;
}
