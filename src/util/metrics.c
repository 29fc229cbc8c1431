/*
 * metrics.c — the counters behind GET /metrics.
 */
#include <stdatomic.h>

#include "metrics.h"

static _Atomic uint64_t counters[GP_METRIC_COUNT];
static _Atomic uint64_t buckets[GP_METRIC_BUCKETS + 1];
static _Atomic uint64_t sum_us;

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
