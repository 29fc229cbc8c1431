/*
 * core.h — what geopart does, independent of how it is asked: accepting a
 * citizen's point (judging it, placing it in its districts, storing it
 * durably), accepting questionnaire responses, importing district
 * boundaries, and creating a database with the bundled Kaiserslautern
 * defaults.
 *
 * A gp_core is shared by all threads (settings, the write queue, the read
 * layer's caches, the connection counts); a gp_worker is a set of a database
 * connection, a geo context, a district index and a reader that one thread
 * at a time uses (the HTTP server lends its workers to requests, one handler
 * at a time).  Handlers in api/ and verbs in cli/ call
 * only these functions for anything that writes.
 *
 * Must never: know about HTTP or the command line, or write SQL (store/
 * does), or call PROJ/GEOS directly (geo/ does).
 */
#ifndef GP_CORE_H
#define GP_CORE_H

#include <stdint.h>

#include "geopart/crs.h"
#include "geopart/district.h"
#include "geopart/point.h"
#include "geopart/role.h"
#include "geopart/survey.h"
#include "guard/guard.h" /* gp_client: an actor carries it by value */
#include "util/util.h"

/*
 * The lower modules' handles that core's functions take or hand out, by
 * name only: whoever uses one includes its module's header (and links its
 * library) for itself.  core.h re-exports nothing else.
 */
typedef struct gp_config gp_config;
typedef struct gp_store gp_store;
typedef struct gp_store_fault gp_store_fault;
typedef struct gp_geo gp_geo;
typedef struct gp_geo_districts gp_geo_districts;
typedef struct gp_cluster_index gp_cluster_index;
typedef struct gp_read gp_read;
typedef struct gp_point_input gp_point_input;

typedef struct gp_core gp_core;
typedef struct gp_worker gp_worker;

enum {
	GP_CORE_CREATE_SECRET = 1 << 0, /* make the server secret when it is missing */
	/*
	 * For verbs that only read (check, export, backup, token list): no
	 * server secret is loaded or made, and workers open the database
	 * read-only, so nothing is ever written to it or beside it.  Such a
	 * core must not write.
	 */
	GP_CORE_READ_ONLY = 1 << 1
};

/*
 * Borrows cfg for its lifetime and loads (with GP_CORE_CREATE_SECRET,
 * makes) the server secret next to the database, unless GP_CORE_READ_ONLY.
 * Caller owns *out, free with gp_core_free().
 */
int gp_core_new(gp_core **out, const gp_config *cfg, int flags, gp_err *err);
void gp_core_free(gp_core *c);
const gp_config *gp_core_config(const gp_core *c);

/*
 * Opens a database connection and PROJ/GEOS contexts.  Any thread may use
 * the worker, one at a time, with the hand-over ordered by the caller (a
 * mutex).  Caller owns *out, free with gp_worker_free() while nobody uses it.
 */
int gp_worker_new(gp_worker **out, gp_core *c, gp_err *err);
void gp_worker_free(gp_worker *w);
gp_store *gp_worker_store(gp_worker *w);
gp_geo *gp_worker_geo(gp_worker *w);
const gp_config *gp_worker_config(const gp_worker *w);
/* The core the worker belongs to. Borrowed. */
gp_core *gp_worker_core(gp_worker *w);
/* This thread's reader (read.h): every read goes through it. Borrowed. */
gp_read *gp_worker_read(gp_worker *w);

/*
 * The district index of this worker, rebuilt when a boundary import has
 * changed the database since it was built.  Borrowed; valid until the next
 * call on this worker.
 */
int gp_worker_districts(gp_worker *w, const gp_geo_districts **out);

/* ---- connections ------------------------------------------------------------ */

/*
 * A new connection from addr (the TCP peer's address as text): counts it
 * against its client (the keyed hash, never the address), or GP_TOO_MANY
 * when that client already holds conns_per_client connections.  Peers in
 * trusted_proxies are not counted: a proxy carries many clients and caps
 * them itself.  *out_key is what gp_core_conn_close() needs, 0 for a
 * connection that was not counted.  Any thread.
 */
int gp_core_conn_open(gp_core *c, const char *addr, uint64_t *out_key);
/* Ends a connection counted by gp_core_conn_open(); a key of 0 does nothing. */
void gp_core_conn_close(gp_core *c, uint64_t key);

/* ---- who is asking -------------------------------------------------------- */

typedef struct gp_actor {
	gp_role role;
	char name[65];    /* staff token name; empty for citizens */
	gp_client client; /* keyed hash of the client address, never the address */
} gp_actor;

/*
 * Works out who sends a request from its client address (as the HTTP layer
 * determined it) and its Authorization header (may be NULL).  A present
 * header must be "Bearer <secret>" of an active staff token: otherwise
 * GP_UNAUTHORIZED, and after repeated failures from one client
 * GP_TOO_MANY with *retry_after_s.  An active token is accepted even then.
 * Without a header the actor is a citizen.
 */
int gp_core_actor(gp_worker *w, gp_actor *out, const char *client_addr,
                  const char *authorization, int *retry_after_s, gp_err *err);

/* GP_FORBIDDEN naming the period when citizens may not write now; else 0. */
int gp_core_period_check(const gp_config *cfg, gp_err *err);
/* A citizen write: the period, then the client's write allowance (GP_TOO_MANY). */
int gp_core_citizen_write(gp_worker *w, const gp_actor *a, int *retry_after_s, gp_err *err);

/* The server's signed form timestamp for a new form. */
void gp_core_form_token(gp_worker *w, char out[GP_FORM_TOKEN_MAX]);

/*
 * Judges a decoded point (category, comment, topic, coordinates in `crs`),
 * assigns its districts and stores it — published, or pending under
 * pre-moderation — and fills *out with the stored point (its strings stay
 * valid as long as *out and `in` do).  Staff may set channel, note and event (which sets the channel);
 * citizens may set an event only while its live entry is open (else
 * GP_INVALID naming properties.event); citizens' points must
 * carry an empty honeypot and a genuine, not too fresh form timestamp, else
 * *out_discarded is set and nothing is stored (the caller answers as if
 * accepted).  Returns 0 and the new id only after the transaction holding it
 * has committed; GP_INVALID naming the field (including a point outside the
 * city); GP_CONFLICT for a comment this client just sent; GP_BUSY when the
 * database stayed locked; GP_STORAGE when it cannot be written (disk full,
 * I/O error), with nothing of the batch stored.  Concurrent submissions are
 * committed together (group commit), each still all-or-nothing.
 */
typedef struct gp_submitted {
	gp_point point; /* as stored; strings point into this struct and the input */
	char ortsbezirk_id[64], ortsbezirk_name[256];
	char stadtteil_id[64], stadtteil_name[256];
} gp_submitted;

int gp_core_point_submit(gp_worker *w, const gp_point_input *in, gp_crs crs,
                         const gp_actor *actor, gp_submitted *out, int *out_discarded,
                         gp_err *err);

/*
 * The part of gp_core_point_submit that needs no database: judges the
 * values (category, comment, topic, staff-only fields) and places the
 * coordinates, transformed with geo, in out->x/y (EPSG:25832) and
 * out->lon/lat (CRS84); sets out->channel.  GP_INVALID naming the field.
 * Borrows everything; sets no strings of out.
 */
int gp_core_point_judge(const gp_config *cfg, gp_geo *geo, const gp_point_input *in,
                        gp_crs crs, const gp_actor *actor, gp_point *out, gp_err *err);

/* ---- moderation and citizens' reactions (moderate.c) ---------------------- */

/*
 * Applies a planner's change and logs it with the fields changed (never the
 * old text, nor the words of a note or reply).  An event sets the channel
 * to its own.  A reply sets reply_at when its text changes.  GP_NOT_FOUND,
 * GP_INVALID naming the field.
 */
int gp_core_point_update(gp_worker *w, const gp_actor *actor, int64_t id,
                         const gp_point_patch *patch, gp_err *err);
/* Deletes a point and logs it. */
int gp_core_point_delete(gp_worker *w, const gp_actor *actor, int64_t id, gp_err *err);
/*
 * A citizen's +1, counted once per client.  Sets the point's count and
 * whether this call counted.  GP_NOT_FOUND unless published.
 */
int gp_core_point_support(gp_worker *w, const gp_actor *actor, int64_t id,
                          int64_t *out_count, int *out_counted, gp_err *err);
/*
 * A citizen's flag, counted once per client; at flag_threshold distinct
 * flaggers a published point is hidden and the log says so.
 */
int gp_core_point_flag(gp_worker *w, const gp_actor *actor, int64_t id, const char *reason,
                       gp_err *err);
/* Deletes what the retention period no longer allows keeping; logs it. */
int gp_core_purge(gp_worker *w, int days, int64_t *out_points, int64_t *out_flags,
                  gp_err *err);

/* Staff tokens: the new secret is returned once and never stored. */
int gp_core_token_create(gp_worker *w, const char *name, const char *role,
                         char secret[GP_TOKEN_SECRET_MAX], gp_err *err);

/* ---- the planners' workspace (workspace.c) ------------------------------- */

/* A new walk or workshop as staff give it; strings borrowed. */
typedef struct gp_event_input {
	const char *name;     /* 1–200 characters */
	const char *channel;  /* walk or workshop */
	const char *date;     /* YYYY-MM-DD */
	const char *district; /* an id of either layer, or NULL */
} gp_event_input;

/*
 * Records an event and logs it; sets *out_id.  GP_INVALID naming the
 * field (name, channel, date, district).
 */
int gp_core_event_create(gp_worker *w, const gp_actor *actor, const gp_event_input *in,
                         int64_t *out_id, gp_err *err);
/*
 * The channel of event `id`; GP_INVALID naming `field` when there is no
 * such event.
 */
int gp_core_event_channel(gp_worker *w, int64_t id, const char *field, gp_channel *out,
                          gp_err *err);
/*
 * Opens (live = 1) or closes event id's live entry and logs it: while it
 * is open, citizens' points may carry the event (gp_core_point_submit).
 * GP_NOT_FOUND naming id.  Borrows actor.
 */
int gp_core_event_live_set(gp_worker *w, const gp_actor *actor, int64_t id, int live,
                           gp_err *err);

#define GP_SESSION_ID_MAX GP_TOKEN_SECRET_MAX

/*
 * Signs a staff token in for the browser: checks it as gp_core_actor
 * checks a Bearer header (the same failed-login lockout, which never
 * refuses a valid token), then stores the keyed hash of a new random
 * session id that ends session_hours from now.  Fills *out (the token's
 * actor), out_id (the id for the cookie; never stored) and out_expires.
 * GP_UNAUTHORIZED or GP_TOO_MANY (with *retry_after_s) naming `token`.
 */
int gp_core_session_create(gp_worker *w, gp_actor *out, const char *client_addr,
                           const char *token, char out_id[GP_SESSION_ID_MAX],
                           char out_expires[GP_TIME_LEN], int *retry_after_s, gp_err *err);
/*
 * The staff actor of a session id that has not ended and whose token is
 * still active: sets out's role and name (keeping its client) and when the
 * session ends; GP_NOT_FOUND otherwise.
 */
int gp_core_session_actor(gp_worker *w, gp_actor *out, const char *session_id,
                          char out_expires[GP_TIME_LEN]);
/* Ends a session (an unknown id is no error). */
int gp_core_session_end(gp_worker *w, const char *session_id);

/* ---- the questionnaire (survey.c) ---------------------------------------- */

/*
 * Whether definition s fits the answers already stored: a question with
 * answers must still be there, of the same type, with every code it had.
 * GP_CONFLICT with a sentence naming the question otherwise.  Only reads.
 */
int gp_core_survey_check(gp_worker *w, const gp_survey *s, gp_err *err);
/*
 * Checks s as gp_core_survey_check does and records its questions, in one
 * write transaction; then the core serves s.  Takes ownership of s on
 * success (the caller frees it otherwise).  Call before serving.
 */
int gp_core_survey_set(gp_worker *w, gp_survey *s, gp_err *err);
/* The questionnaire being served, or NULL. Borrowed for the core's life. */
const gp_survey *gp_worker_survey(const gp_worker *w);
/*
 * Judges a decoded response against the questionnaire — every answer fits
 * its question (GP_INVALID naming answers.<id>), required ones are there,
 * none is given that show_if does not ask — and stores it in one
 * transaction with the day and the respondent's Ortsbezirk, never the
 * time or anything about the client.  Citizens' responses pass the bot
 * checks of points (honeypot, form timestamp: else *out_discarded and
 * nothing stored) and the same answers from the same client within
 * comment_window_s are GP_CONFLICT.  GP_NOT_FOUND without a survey.
 */
int gp_core_survey_submit(gp_worker *w, const gp_survey_input *in, const gp_actor *actor,
                          int64_t *out_id, int *out_discarded, gp_err *err);
/*
 * Moderates free-text answer `id` (staff only): status "pending",
 * "approved" (shown with the staff's results) or "hidden"; a change is
 * recorded in the moderation log with the actor, the text's id and
 * question and the statuses, never its words.  GP_INVALID naming `status`
 * for another status, GP_NOT_FOUND naming `id` for no such text;
 * *out_changed tells whether the status changed.  Borrows everything.
 */
int gp_core_survey_text_moderate(gp_worker *w, const gp_actor *actor, int64_t id,
                                 const char *status, int *out_changed, gp_err *err);
/* Whether status is one a free-text answer can have. Borrows status. */
int gp_core_survey_text_status_known(const char *status);

/* ---- storage health (health.c) ------------------------------------------- */

/*
 * Whether the database can be written: 0, or GP_STORAGE with *out filled
 * (reason, since when, whether the disk is full) while a storage fault
 * lasts.  A fault ends when a write reaches the disk again; so that a
 * server nobody writes to recovers too, this asks the disk itself by a
 * write that changes nothing — when the disk was full, only once its file
 * system has room again.  Caller owns *out.
 */
int gp_core_storage_health(gp_worker *w, gp_store_fault *out);

/* ---- the cluster index ---------------------------------------------------- */

/*
 * Loads the points the public sees (read.h's source) into the process-wide
 * cluster index and starts its maintainer thread (which opens its own
 * database connection).
 * Returns when the first snapshot is readable.  Stopped by
 * gp_core_clusters_stop() or gp_core_free(), after every reader is done.
 */
int gp_core_clusters_start(gp_core *c);
void gp_core_clusters_stop(gp_core *c);
/* The index, or NULL when not started. Borrowed, valid until stopped. */
gp_cluster_index *gp_core_clusters(gp_core *c);
gp_cluster_index *gp_worker_clusters(gp_worker *w);

/*
 * Tells the cluster index and the live room that point `id` was added,
 * changed (status, category, comment, +1, reply, …) or deleted.  Call after
 * the change has committed; the index re-reads the point and shows the
 * change within a second (only while it is published), the live room's hub
 * reads it and hands it to the streams.  Any thread; never blocks on a
 * rebuild or a stream.
 */
void gp_core_point_changed(gp_core *c, int64_t id);

/* What changed about a point, as the live room names it (its events). */
typedef enum gp_change {
	GP_CHANGE_POINT = 0, /* made, published, edited, moved, hidden, deleted */
	GP_CHANGE_SUPPORT,   /* a citizen's +1 */
	GP_CHANGE_REPLY      /* the city's reply */
} gp_change;
/* gp_core_point_changed, saying what changed.  Any thread; nothing to own. */
void gp_core_point_changed_as(gp_core *c, int64_t id, gp_change what);

/* ---- the live room (live.c) ------------------------------------------------- */

/*
 * Writes point p (its coordinates lon/lat in CRS84) as the public sees it,
 * on one line; the renderer the event streams send (api/'s).  p borrowed.
 */
typedef void (*gp_live_render_fn)(gp_buf *b, const gp_point *p, double lon, double lat);

/*
 * Starts the live room's hub: from now on every change that
 * gp_core_point_changed reports is read (on the hub's thread, through a
 * worker of its own) and kept, rendered once, in a ring of live_ring
 * entries.  The core owns the hub: stop it with gp_core_live_stop() or
 * gp_core_free(); render must stay valid until then.
 */
int gp_core_live_start(gp_core *c, gp_live_render_fn render, gp_err *err);
/*
 * Ends every wait of gp_core_live_wait (GP_UNAVAILABLE): before the HTTP
 * server stops.  The hub stays until gp_core_live_stop.
 */
void gp_core_live_close(gp_core *c);
/* Closes, stops the hub's thread and frees the hub; a no-op when never started. */
void gp_core_live_stop(gp_core *c);

/* Which points a stream shows: of one event, one district (either layer); 0/"" any. */
typedef struct gp_live_filter {
	int64_t event;
	char district[64];
} gp_live_filter;

/*
 * This process's epoch (its start, in microseconds) and the sequence number of the
 * newest change: a stream that starts from a snapshot read after this call
 * and follows from out_seq misses nothing.  GP_UNAVAILABLE when closed.  Nothing to own.
 */
int gp_core_live_position(gp_core *c, uint64_t *out_epoch, uint64_t *out_seq);

/*
 * One change for a stream: seq, the point's id, what changed and its line
 * from the renderer, or NULL when the stream no longer shows it (hidden,
 * deleted, pending, or outside the stream's filter).  json is borrowed for
 * the call, which runs under the hub's lock: copy, never block.  Nonzero
 * stops.
 */
typedef int (*gp_live_change_cb)(void *ctx, uint64_t seq, int64_t id, gp_change what,
                                 const char *json);

/*
 * Waits up to timeout_ms for changes after *cursor and calls cb for each
 * in order, then advances *cursor.  Nothing new: returns 0 with cb not
 * called.  A cursor the ring no longer reaches (or from the future) sets
 * *out_too_old: start again from a snapshot.  GP_UNAVAILABLE once closed.
 * Never touches the database; any thread.  f and ctx borrowed for the call.
 */
int gp_core_live_wait(gp_core *c, uint64_t *cursor, int timeout_ms, const gp_live_filter *f,
                      gp_live_change_cb cb, void *ctx, int *out_too_old);

/* ---- databases and boundaries -------------------------------------------- */

typedef void (*gp_progress_cb)(void *ctx, const char *what, int64_t done,
                               int64_t total);

typedef struct gp_import_options {
	gp_layer layer;
	int crs;                   /* gp_crs, or -1: the file's crs member, else CRS84 */
	const char *id_property;   /* default "id" */
	const char *name_property; /* default "name" */
	gp_progress_cb progress;   /* may be NULL */
	void *progress_ctx;
} gp_import_options;

typedef struct gp_import_report {
	size_t districts;
	int64_t points;       /* points whose assignment was recomputed */
	int64_t moved;        /* of those, how many changed a district */
	int64_t outside_city; /* points now outside the city outline */
} gp_import_report;

/*
 * Replaces one district layer from a GeoJSON FeatureCollection and
 * recomputes every stored point's districts, all in one transaction: either
 * everything changes or nothing does.  Any invalid feature refuses the whole
 * file with a message naming the feature.
 */
int gp_core_import_districts(gp_worker *w, const char *geojson, size_t len,
                             const gp_import_options *opt,
                             gp_import_report *out_report, gp_err *err);

/* A point of an import file and where it stands there ("line 7", "feature 3"). */
typedef struct gp_import_row {
	gp_point_input *in; /* borrowed */
	char where[32];
} gp_import_row;

typedef struct gp_points_import {
	int crs;           /* gp_crs of the rows' coordinates */
	int channel;       /* gp_channel, or -1: the event's */
	int64_t event;     /* the walk or workshop they were recorded at, or 0 */
	int dry_run;       /* judge every row, store nothing */
	gp_progress_cb progress;  /* may be NULL */
	void *progress_ctx;
	/* Called for each refused row with its field and why (may be NULL). */
	void (*refused)(void *ctx, const char *where, const char *field, const char *detail);
	void *refused_ctx;
} gp_points_import;

/*
 * Imports staff points (published, of the import's channel and event, each
 * placed in its districts) all or nothing: every row is judged as a staff
 * POST is (category, comment, topic, note, coordinates in opt->crs, inside
 * the city) before anything is written; any refused row is reported
 * through opt->refused and the whole import is GP_INVALID naming `file`.
 * Then one transaction stores them and logs the import (actor "import").
 * Sets *out_imported (with dry_run: how many would be).  GP_INVALID naming
 * channel or event for a wrong --channel/--event.  Borrows rows.
 */
int gp_core_import_points(gp_worker *w, const gp_import_row *rows, size_t n,
                          const gp_points_import *opt, int64_t *out_imported, gp_err *err);

/*
 * Makes sure the database at the configured path exists, is migrated, and
 * holds districts: a missing or empty database gets the bundled
 * Kaiserslautern Ortsbezirke and Stadtteile.  Sets *out_created when it
 * imported the defaults.
 */
int gp_core_prepare_database(gp_worker *w, int *out_created, gp_err *err);

#endif
