/*
 * config.h — one validated settings struct, assembled from built-in
 * defaults, then a config file, then GEOPART_* environment variables, then
 * command-line flags (later sources win).
 *
 * Must never: open the database, start threads, or keep settings anywhere
 * but the struct it fills — save the local time zone, which
 * gp_config_normalise() makes the process's (util/time.c), since date-times
 * without a zone are read in it everywhere.  Once gp_config_normalise() has accepted it
 * (the last step of every caller's assembly: cli/serve.c, cli/verbs.c),
 * the struct is read-only and shared by all threads.
 */
#ifndef GP_CONFIG_H
#define GP_CONFIG_H

#include <stddef.h>

#include "util/util.h"

typedef struct gp_topic {
	char *id;
	char *label_de;
	char *label_en;
} gp_topic;

typedef struct gp_config {
	char *listen;          /* ADDR:PORT; port 0 picks a free one */
	char *db_path;
	char *web_root;
	char *public_url;      /* base for absolute links; empty: from Host */
	char *city_name;
	char *tile_url;
	char *tile_attribution;
	int threads;           /* HTTP threads: one per open connection */
	int db_connections;    /* database workers lent to requests; 0 until normalised: auto */
	int db_wait_ms;        /* longest wait for a free database worker, then 503 */
	int body_deadline_ms;  /* whole request body must arrive within this */
	int request_timeout_ms; /* the request head must arrive within this */
	int keep_alive_ms;
	int conns_per_client;  /* open connections one client may hold; 0: no cap */
	int exports_max;       /* downloads streamed at once */
	int export_min_kib_per_s; /* slower readers of a download are cut */
	/* the live workshop room (/api/live) */
	int live_streams_max;  /* event streams open at once; more get 503 */
	int live_heartbeat_s;  /* a comment line this often on a quiet stream */
	int live_ring;         /* recent changes kept for Last-Event-ID */
	int access_log;        /* 1: one line per request on stderr */
	gp_log_level log_level;
	/* moderation and participation (issue "moderation, staff access …") */
	char *moderation;      /* "pre" or "post" */
	int flag_threshold;    /* distinct flaggers that hide a point */
	char *open_from;       /* RFC 3339, empty: no start */
	char *open_until;      /* RFC 3339, empty: no end */
	char *time_zone;       /* IANA zone of date-times given without one */
	char *data_licence;    /* the points' licence, named in export files; "" unknown */
	char open_from_utc[25];  /* canonical forms, filled by validate */
	char open_until_utc[25];
	int retention_days;    /* purge pending/hidden points and flags; 0: keep */
	int write_burst;
	int write_per_minute;
	int auth_burst;
	int auth_per_minute;
	int session_hours;     /* a browser sign-in lasts this long */
	int comment_window_s;
	int form_min_seconds;
	int form_max_age_s;
	char *trusted_proxies; /* addresses whose X-Forwarded-For is believed */
	char *cors_origins;    /* origins allowed to call the API from a browser */
	char *privacy_note;
	char *secret_file;     /* empty: the database path + ".secret" */
	/* the citizen page's texts and legal pages (the map page, "Privacy") */
	char *privacy_note_en; /* empty: the German note, marked as German */
	char *intro;           /* "Worum geht es?" */
	char *intro_en;
	char *usage_note;      /* what happens with the entries */
	char *usage_note_en;
	char *frame_ancestors; /* CSP frame-ancestors of the pages */
	char *imprint_url;     /* empty: the built-in /impressum */
	char *privacy_url;     /* empty: the built-in /datenschutz */
	char *operator_name;   /* the controller (GDPR Art. 13) and imprint's provider */
	char *operator_address;
	char *operator_contact;
	char *easy_language_file; /* the text of /leichte-sprache; empty: the built-in one */
	char *dgs_video_url;      /* the explanation in German Sign Language; empty: none */
	char *operator_representative;
	char *dpo_contact;     /* the data protection officer */
	char *legal_basis;
	char *supervisory_authority;
	/* map clusters (supercluster's options) and hotspot defaults */
	int cluster_radius;
	int cluster_extent;
	int cluster_min_zoom;
	int cluster_max_zoom;
	int cluster_min_points;
	int hotspot_eps_m;
	int hotspot_min_points;
	/* the questionnaire (README "The questionnaire") */
	char *survey;           /* its definition file; empty: no survey */
	int survey_min_cell;    /* public counts below this are suppressed */
	int survey_results_public; /* 1: anyone may read the results */
	/* the documentation of results (README "Reports") */
	int report_public;      /* 1: anyone may read /report; off: staff only */
	char *report_date;      /* the date printed on reports; "" the newest point's */
	gp_topic *topics;
	size_t ntopics;
	int topics_replaced; /* while reading a source: defaults already dropped */
} gp_config;

/* Fills cfg with the built-in defaults. Free with gp_config_clear(). */
int gp_config_defaults(gp_config *cfg);
void gp_config_clear(gp_config *cfg);

/* Applies one setting by its config-file key; GP_INVALID names the key. */
int gp_config_set(gp_config *cfg, const char *key, const char *value, gp_err *err);

/* Reads a config file of `key = value` lines; errors name file and line. */
int gp_config_read_file(gp_config *cfg, const char *path, gp_err *err);

/* Applies GEOPART_<KEY> environment variables (key upper-cased). */
int gp_config_read_env(gp_config *cfg, gp_err *err);

/* Checks cross-field rules after all sources were applied. */
int gp_config_validate(const gp_config *cfg, gp_err *err);
/*
 * Validates, sets the process's local time zone from time_zone (call it
 * before any thread starts) and fills the derived fields (canonical
 * period times).
 */
int gp_config_normalise(gp_config *cfg, gp_err *err);

/* 1 for moderation = pre (new points wait for a planner). */
int gp_config_premoderation(const gp_config *cfg);

/* 1 when `word` is one of the space- or comma-separated items of `list`. */
int gp_config_list_has(const char *list, const char *word);

/* The server secret's path: secret_file, or the database path + ".secret". */
void gp_config_secret_path(const gp_config *cfg, char *out, size_t outsz);

/* 1 when topic names a configured topic. */
int gp_config_has_topic(const gp_config *cfg, const char *topic);

/* Writes every setting as a commented config file (for `geopart config`). */
void gp_config_describe(gp_buf *out);

#endif
