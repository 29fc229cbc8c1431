/*
 * metrics.c — the counters behind GET /metrics.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "metrics.h"

static _Atomic uint64_t counters[GP_METRIC_COUNT];
static _Atomic uint64_t buckets[GP_METRIC_BUCKETS + 1];
static _Atomic uint64_t sum_us;
static _Atomic int64_t gauges[GP_GAUGE_COUNT];

const double gp_metric_bucket_ms[GP_METRIC_BUCKETS] = { 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000 };

static const struct {
	const char *name, *help;
} info[GP_METRIC_COUNT] = {
	[GP_METRIC_HTTP_2XX] = { "geopart_http_responses_2xx_total", "responses with a 2xx status" },
	[GP_METRIC_HTTP_3XX] = { "geopart_http_responses_3xx_total", "responses with a 3xx status" },
	[GP_METRIC_HTTP_4XX] = { "geopart_http_responses_4xx_total", "responses with a 4xx status" },
	[GP_METRIC_HTTP_5XX] = { "geopart_http_responses_5xx_total", "responses with a 5xx status" },
	[GP_METRIC_POINTS_STORED] = { "geopart_points_stored_total", "points committed by POST /api/points" },
	[GP_METRIC_COMMITS] = { "geopart_write_commits_total", "group-commit transactions for new points" },
	[GP_METRIC_SPAM_DISCARDED] = { "geopart_spam_discarded_total", "posts dropped by the honeypot or the form timestamp" },
	[GP_METRIC_RATE_LIMITED] = { "geopart_rate_limited_total", "citizen writes refused with 429" },
	[GP_METRIC_AUTH_FAILED] = { "geopart_auth_failed_total", "requests with a bad or unknown staff token" },
	[GP_METRIC_SUPPORTS] = { "geopart_supports_total", "+1 counted" },
	[GP_METRIC_FLAGS] = { "geopart_flags_total", "citizen flags counted" },
	[GP_METRIC_DB_WAITS] = { "geopart_db_worker_waits_total", "requests that waited for a free database worker" },
	[GP_METRIC_DB_BUSY] = { "geopart_db_worker_timeouts_total", "requests answered 503 because no database worker came free in db_wait_ms" },
	[GP_METRIC_BODY_TIMEOUTS] = { "geopart_body_timeouts_total", "request bodies cut at body_deadline_ms (408)" },
	[GP_METRIC_CONNS_REFUSED] = { "geopart_connections_refused_total", "connections refused over conns_per_client (429)" },
	[GP_METRIC_WAITING_ENDED] = { "geopart_connections_ended_total", "connections waiting for their client (idle keep-alive, slow request heads) ended because threads ran short" },
	[GP_METRIC_EXPORTS_REFUSED] = { "geopart_exports_refused_total", "downloads refused because exports_max were streaming (503)" },
	[GP_METRIC_LIVE_REFUSED] = { "geopart_live_refused_total", "live event streams refused because live_streams_max were open (503)" },
	[GP_METRIC_EXPORTS_CUT] = { "geopart_exports_cut_total", "downloads ended early: the client went away, took nothing for request_timeout_ms or read slower than export_min_kib_per_s" },
};

static const struct {
	const char *name, *help;
} gauge_info[GP_GAUGE_COUNT] = {
	[GP_GAUGE_CONNECTIONS] = { "geopart_http_connections", "connections held by server threads (reading, answering or idle)" },
	[GP_GAUGE_THREADS] = { "geopart_http_threads", "server threads (the threads setting)" },
	[GP_GAUGE_THREADS_BUSY] = { "geopart_http_threads_busy", "server threads answering a request now" },
	[GP_GAUGE_DB_WORKERS] = { "geopart_db_workers", "database workers (the db_connections setting)" },
	[GP_GAUGE_DB_WORKERS_BUSY] = { "geopart_db_workers_busy", "database workers lent to a request now" },
	[GP_GAUGE_EXPORTS] = { "geopart_exports_streaming", "downloads being streamed now" },
	[GP_GAUGE_LIVE_STREAMS] = { "geopart_live_streams", "live event streams (/api/live) open now" },
};

void gp_metric_add(gp_metric m, uint64_t n)
{
	atomic_fetch_add_explicit(&counters[m], n, memory_order_relaxed);
}

uint64_t gp_metric_get(gp_metric m)
{
	return atomic_load_explicit(&counters[m], memory_order_relaxed);
}

const char *gp_metric_name(gp_metric m)
{
	return info[m].name;
}

const char *gp_metric_help(gp_metric m)
{
	return info[m].help;
}

void gp_gauge_set(gp_gauge g, int64_t v)
{
	atomic_store_explicit(&gauges[g], v, memory_order_relaxed);
}

void gp_gauge_add(gp_gauge g, int64_t delta)
{
	atomic_fetch_add_explicit(&gauges[g], delta, memory_order_relaxed);
}

int64_t gp_gauge_get(gp_gauge g)
{
	return atomic_load_explicit(&gauges[g], memory_order_relaxed);
}

const char *gp_gauge_name(gp_gauge g)
{
	return gauge_info[g].name;
}

const char *gp_gauge_help(gp_gauge g)
{
	return gauge_info[g].help;
}

int64_t gp_metric_private_memory(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	long long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %lld kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? -1 : (int64_t)kib * 1024;
}

void gp_metric_request(int status, double ms)
{
	int b = 0;

	if (status >= 200 && status < 600)
		gp_metric_add((gp_metric)(GP_METRIC_HTTP_2XX + status / 100 - 2), 1);
	while (b < GP_METRIC_BUCKETS && ms > gp_metric_bucket_ms[b])
		b++;
	atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sum_us, (uint64_t)(ms * 1000), memory_order_relaxed);
}

void gp_metric_durations(uint64_t out[GP_METRIC_BUCKETS + 1], double *out_sum_ms)
{
	uint64_t running = 0;

	for (int i = 0; i <= GP_METRIC_BUCKETS; i++) {
		running += atomic_load_explicit(&buckets[i], memory_order_relaxed);
		out[i] = running;
	}
	*out_sum_ms = (double)atomic_load_explicit(&sum_us, memory_order_relaxed) / 1000.0;
}
