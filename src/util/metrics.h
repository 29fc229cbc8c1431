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
	GP_METRIC_DB_WAITS,        /* requests that waited for a database worker */
	GP_METRIC_DB_BUSY,         /* of those, answered 503 because none came free */
	GP_METRIC_BODY_TIMEOUTS,   /* bodies cut at body_deadline_ms (408) */
	GP_METRIC_CONNS_REFUSED,   /* connections over conns_per_client (429) */
	GP_METRIC_WAITING_ENDED,   /* idle or slow connections ended to free threads */
	GP_METRIC_EXPORTS_REFUSED, /* downloads refused at exports_max (503) */
	GP_METRIC_EXPORTS_CUT,     /* downloads ended early: client gone, stalled or too slow */
	GP_METRIC_LIVE_REFUSED,    /* live streams refused at live_streams_max (503) */
	GP_METRIC_COUNT
} gp_metric;

/*
 * Gauges: what holds right now, set by whoever owns the number (http/ for
 * connections, threads and database workers).
 */
typedef enum gp_gauge {
	GP_GAUGE_CONNECTIONS,  /* connections held by server threads */
	GP_GAUGE_THREADS,      /* server threads */
	GP_GAUGE_THREADS_BUSY, /* threads answering a request now */
	GP_GAUGE_DB_WORKERS,   /* database workers (connections with geo contexts) */
	GP_GAUGE_DB_WORKERS_BUSY,
	GP_GAUGE_EXPORTS,      /* downloads being streamed now */
	GP_GAUGE_LIVE_STREAMS, /* live event streams open now */
	GP_GAUGE_COUNT
} gp_gauge;

/* Request duration histogram bounds in milliseconds (+Inf implied). */
#define GP_METRIC_BUCKETS 10
extern const double gp_metric_bucket_ms[GP_METRIC_BUCKETS];

void gp_metric_add(gp_metric m, uint64_t n);
uint64_t gp_metric_get(gp_metric m);
const char *gp_metric_name(gp_metric m);
const char *gp_metric_help(gp_metric m);

void gp_gauge_set(gp_gauge g, int64_t v);
void gp_gauge_add(gp_gauge g, int64_t delta);
int64_t gp_gauge_get(gp_gauge g);
const char *gp_gauge_name(gp_gauge g);
const char *gp_gauge_help(gp_gauge g);

/*
 * The process's private memory in bytes: RssAnon of /proc/self/status,
 * resident anonymous pages (heap, stacks, anonymous maps).  Not RSS, which
 * also counts every page of the database file that a connection's memory
 * map has touched: those are the kernel's page cache, shared, and counted
 * again by every process mapping the file.  -1 when /proc cannot tell.
 */
int64_t gp_metric_private_memory(void);

/* Records one request's duration and status class. */
void gp_metric_request(int status, double ms);
/* Cumulative counts per bucket (the last one is +Inf), the sum in ms. */
void gp_metric_durations(uint64_t out[GP_METRIC_BUCKETS + 1], double *out_sum_ms);

#endif
