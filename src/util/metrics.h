/*
 * metrics.h — process-wide counters for GET /metrics, lock-free (C11
 * atomics), so counting never slows the request that is counted.
 *
 * Must never: hold anything that identifies a client, or grow: the set of
 * metrics is fixed at compile time.
 */
#ifndef GP_METRICS_H
#define GP_METRICS_H

#include <stdint.h>

typedef enum gp_metric {
	GP_METRIC_HTTP_2XX,
	GP_METRIC_HTTP_3XX,
	GP_METRIC_HTTP_4XX,
	GP_METRIC_HTTP_5XX,
	GP_METRIC_POINTS_STORED,   /* points committed by POST /api/points */
	GP_METRIC_COMMITS,         /* group-commit transactions */
	GP_METRIC_SPAM_DISCARDED,  /* honeypot or form timestamp failed */
	GP_METRIC_RATE_LIMITED,    /* 429 for citizen writes */
	GP_METRIC_AUTH_FAILED,     /* bad or unknown staff tokens */
	GP_METRIC_SUPPORTS,        /* +1 counted */
	GP_METRIC_FLAGS,           /* flags counted */
	GP_METRIC_COUNT
} gp_metric;

/* Request duration histogram bounds in milliseconds (+Inf implied). */
#define GP_METRIC_BUCKETS 10
extern const double gp_metric_bucket_ms[GP_METRIC_BUCKETS];

void gp_metric_add(gp_metric m, uint64_t n);
uint64_t gp_metric_get(gp_metric m);
const char *gp_metric_name(gp_metric m);
const char *gp_metric_help(gp_metric m);

/* Records one request's duration and status class. */
void gp_metric_request(int status, double ms);
/* Cumulative counts per bucket (the last one is +Inf), the sum in ms. */
void gp_metric_durations(uint64_t out[GP_METRIC_BUCKETS + 1], double *out_sum_ms);

#endif
