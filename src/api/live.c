/*
 * live.c — the live room's event stream (GET /api/live) and staff opening
 * or closing an event's live entry (PATCH /api/admin/events/{id}).
 *
 * The stream is Server-Sent Events (text/event-stream).  Each message has
 * an id "EPOCH-SEQ" (core/live.c numbers the changes; the epoch tells this
 * process from an earlier one), which browsers send back as Last-Event-ID
 * when they reconnect:
 *
 *   event: snapshot  data: a FeatureCollection of every point the stream
 *                    shows now (on connecting without a usable
 *                    Last-Event-ID); it replaces what the client had
 *   event: point     data: a Feature, new or changed (published, edited)
 *   event: support   data: the Feature after a citizen's +1 (supporters)
 *   event: reply     data: the Feature after the city's reply changed
 *   event: withdrawn data: {"id":N}: the point is no longer shown (hidden,
 *                    deleted, pending, or moved out of the stream's filter)
 *   event: reset     the stream fell too far behind: reconnect
 *   : heartbeat      a comment line every live_heartbeat_s when quiet
 *
 * The first message carries `retry:` so that browsers reconnect soon.  The
 * snapshot is read with the request's database worker; afterwards the
 * stream waits on the hub and holds none (http.h, gp_http_answer_events).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

/* Points a snapshot holds at most: a workshop has dozens, the whole city thousands. */
#define SNAPSHOT_MAX API_LIMIT_MAX
/* Browsers reconnect after this long when a stream ends. */
#define RETRY_MS 2000

typedef struct stream {
	gp_core *core;
	gp_live_filter filter;
	uint64_t epoch, cursor;
	int heartbeat_ms;
} stream;

static void put_id(gp_buf *b, uint64_t epoch, uint64_t seq)
{
	gp_buf_printf(b, "id: %" PRIx64 "-%" PRIu64 "\n", epoch, seq);
}

/* A Last-Event-ID of this process ("EPOCH-SEQ") into *seq; 0 when it is not one. */
static int parse_last_id(const char *v, uint64_t epoch, uint64_t *seq)
{
	char *end;
	unsigned long long e, s;

	if (!v || !*v)
		return 0;
	e = strtoull(v, &end, 16);
	if (end == v || *end != '-' || e != epoch)
		return 0;
	v = end + 1;
	if (*v < '0' || *v > '9')
		return 0;
	s = strtoull(v, &end, 10);
	if (*end)
		return 0;
	*seq = s;
	return 1;
}

/* What the stream shows now, read after the position it follows from. */
static int put_snapshot(gp_http_exchange *x, gp_worker *w, const gp_read_query *q,
                        const stream *s, gp_err *err)
{
	gp_buf *b = gp_http_out(x);
	api_features sc = { b, GP_CRS_CRS84, 0, 0 };
	gp_read_page page;
	int rc;

	gp_buf_puts(b, "event: snapshot\n");
	put_id(b, s->epoch, s->cursor);
	gp_buf_puts(b, "data: {\"type\":\"FeatureCollection\",\"features\":[");
	if ((rc = gp_read_points(gp_worker_read(w), q, api_put_feature, &sc, &page, err)))
		return rc;
	gp_buf_printf(b, "],\"numberMatched\":%lld,\"numberReturned\":%lld}\n\n",
	              (long long)page.matched, (long long)page.returned);
	return gp_buf_status(b);
}

static int put_change(void *ctx, uint64_t seq, int64_t id, gp_change what, const char *json)
{
	gp_buf *b = ((void **)ctx)[0];
	const stream *s = ((void **)ctx)[1];

	if (json) {
		gp_buf_printf(b, "event: %s\n", what == GP_CHANGE_SUPPORT ? "support"
		                                : what == GP_CHANGE_REPLY ? "reply"
		                                                          : "point");
		put_id(b, s->epoch, seq);
		gp_buf_puts(b, "data: ");
		gp_buf_puts(b, json);
		gp_buf_puts(b, "\n\n");
	} else {
		gp_buf_puts(b, "event: withdrawn\n");
		put_id(b, s->epoch, seq);
		gp_buf_printf(b, "data: {\"id\":%lld}\n\n", (long long)id);
	}
	return gp_buf_status(b);
}

/* The stream itself, after the worker went back: follows the hub until the client leaves. */
static void follow(gp_http_exchange *x, void *arg)
{
	stream *s = arg;
	gp_buf *b = gp_http_out(x);
	void *ctx[2] = { b, s };

	/* the snapshot or the first comment, with the headers, at once */
	if (gp_http_events_send(x) || !strcmp(gp_http_method(x), "HEAD"))
		return;
	for (;;) {
		int too_old = 0;
		int rc = gp_core_live_wait(s->core, &s->cursor, s->heartbeat_ms, &s->filter, put_change,
		                           ctx, &too_old);
		if (rc == GP_UNAVAILABLE) /* the server stops */
			return;
		if (rc || too_old) {
			/* fell behind the ring: the client reconnects and gets a snapshot */
			gp_buf_reset(b);
			gp_buf_puts(b, "event: reset\ndata: {}\n\n");
			gp_http_events_send(x);
			return;
		}
		if (!b->len)
			gp_buf_puts(b, ": heartbeat\n\n");
		if (gp_http_events_send(x))
			return; /* the client went away */
	}
}

static int get_live(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_read *r = gp_worker_read(w);
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	const char *event = gp_http_param(x, "event"), *district = gp_http_param(x, "district");
	gp_read_query q;
	stream *s;
	uint64_t last;
	int rc;

	gp_read_query_init(&q, &pub);
	if ((event && (rc = gp_read_param_event(r, &q, event, err))) ||
	    (district && (rc = gp_read_param_district(r, &q, district, err))))
		return rc;
	if (!(s = calloc(1, sizeof(*s))))
		return GP_ENOMEM;
	s->core = gp_worker_core(w);
	s->filter.event = q.event;
	gp_strlcpy(s->filter.district, q.district, sizeof(s->filter.district));
	s->heartbeat_ms = gp_worker_config(w)->live_heartbeat_s * 1000;
	if ((rc = gp_core_live_position(s->core, &s->epoch, &s->cursor))) {
		free(s);
		return gp_err_set(err, GP_UNAVAILABLE, "", "the live room is not running");
	}
	gp_buf_printf(gp_http_out(x), "retry: %d\n\n", RETRY_MS);
	if (parse_last_id(gp_http_header(x, "Last-Event-ID"), s->epoch, &last) &&
	    last <= s->cursor && s->cursor - last < (uint64_t)gp_worker_config(w)->live_ring / 2) {
		/*
		 * Resumes where the client left off: the ring still holds what
		 * came since (a margin of half the ring, for changes made while
		 * this request waited for its thread).
		 */
		s->cursor = last;
	} else {
		q.limit = SNAPSHOT_MAX;
		if ((rc = put_snapshot(x, w, &q, s, err))) {
			free(s);
			return rc;
		}
	}
	if ((rc = gp_http_answer_events(x, follow, s, free)) == GP_UNAVAILABLE)
		gp_err_set(err, GP_UNAVAILABLE, "",
		           "%d live streams are open already (live_streams_max); try again shortly",
		           gp_worker_config(w)->live_streams_max);
	return rc;
}

void gp_api_live_render(gp_buf *b, const gp_point *p, double lon, double lat)
{
	api_put_point(b, p, lon, lat, GP_CRS_CRS84, 0, NULL);
}

/* ---- opening and closing an event's live entry ------------------------------------ */

static int patch_event(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const char *v = gp_http_arg(x, "id");
	char *val[1] = { NULL };
	int present[1], live = 0, rc;
	size_t len;
	const char *body = gp_http_body(x, &len);
	gp_actor actor;
	int64_t id;

	if (!v || v[0] == '+' || v[0] == '-' || gp_parse_i64(&id, v, 1, INT64_MAX))
		return gp_err_set(err, GP_NOT_FOUND, "id", "no event \"%.40s\"", v ? v : "");
	if ((rc = api_actor(x, w, GP_ROLE_PLANNER, &actor, err)) ||
	    (rc = gp_json_object_strings(val, present, 1, "live?", body, len, err)))
		return rc;
	if (!present[0] || !val[0])
		rc = gp_err_set(err, GP_INVALID, "live", "live must be true or false");
	else
		live = strcmp(val[0], "true") == 0;
	free(val[0]);
	if (rc || (rc = gp_core_event_live_set(w, &actor, id, live, err)))
		return rc;
	gp_http_set_status(x, 204);
	return 0;
}

const gp_http_route gp_api_live_routes[] = {
	{ "GET", "/api/live", get_live, "event district", GP_HTTP_NO_BODY, 0 },
	{ "PATCH", "/api/admin/events/{id}", patch_event, NULL, GP_HTTP_STAFF_JSON_BODY, 1024 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
