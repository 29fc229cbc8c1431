/*
 * point.h — a participation point as the modules hand it to each other.
 *
 * This is a plain value: strings are borrowed from whoever filled the struct
 * (a parsed request, a database row) and stay valid only as long as that
 * owner does.  Coordinates are kept twice on purpose: x/y in the storage CRS
 * (EPSG:25832, metres) and lon/lat in CRS84, both fixed at write time so no
 * reader has to run PROJ to answer in the API's default CRS.
 */
#ifndef GEOPART_POINT_H
#define GEOPART_POINT_H

#include <stddef.h>
#include <stdint.h>

#define GP_COMMENT_MAX_CHARS 1000
#define GP_REPLY_MAX_CHARS 2000 /* the city's answer on a point */
#define GP_NOTE_MAX_CHARS 1000  /* a staff note */
#define GP_TIME_LEN 25 /* "2026-11-26T12:38:24.123Z" plus NUL */

typedef enum gp_category {
	GP_CATEGORY_FAVOURITE = 0,
	GP_CATEGORY_IMPROVEMENT = 1,
	GP_CATEGORY_COUNT
} gp_category;

typedef enum gp_status {
	GP_STATUS_PENDING = 0,
	GP_STATUS_PUBLISHED = 1,
	GP_STATUS_HIDDEN = 2,
	GP_STATUS_COUNT
} gp_status;

typedef enum gp_channel {
	GP_CHANNEL_ONLINE = 0, /* citizens on the map: always this */
	GP_CHANNEL_WALK,       /* recorded by staff on an Ortsbezirk walk */
	GP_CHANNEL_WORKSHOP,   /* recorded by staff at a workshop */
	GP_CHANNEL_COUNT
} gp_channel;

/* Where a citizen's idea stands, as the city answers it. */
typedef enum gp_outcome {
	GP_OUTCOME_OPEN = 0, /* every point starts here */
	GP_OUTCOME_IN_REVIEW,
	GP_OUTCOME_ADOPTED,
	GP_OUTCOME_NOT_ADOPTED,
	GP_OUTCOME_COUNT
} gp_outcome;

typedef struct gp_district_ref {
	const char *id;   /* NULL when the point lies in no district */
	const char *name;
} gp_district_ref;

typedef struct gp_point {
	int64_t id;
	gp_category category;
	gp_status status;
	const char *comment;
	const char *topic; /* NULL when none */
	char created[GP_TIME_LEN];
	char updated[GP_TIME_LEN];
	int64_t supporters;
	gp_district_ref ortsbezirk;
	gp_district_ref stadtteil;
	double x, y;     /* EPSG:25832 */
	double lon, lat; /* CRS84 */
	gp_channel channel;
	const char *note; /* staff note, NULL when none; shown to staff only */
	int64_t flags;    /* citizen flags; filled for staff reads only */
	/* "spam:2,other:1" — the reasons of those flags and how often each
	 * was given; staff reads only, NULL when none */
	const char *flag_reasons;
	int64_t event;            /* the walk or workshop it was recorded at; 0 for none */
	const char *reply;        /* the city's public answer, NULL when none */
	char reply_at[GP_TIME_LEN]; /* when it was last given, "" without one */
	gp_outcome outcome;
} gp_point;

/*
 * Which fields a planner's change (PATCH) sets, as core judges it and store
 * writes it; strings borrowed.
 */
typedef struct gp_point_patch {
	int has_status, has_category, has_topic, has_comment;
	int has_note, has_channel, has_event, has_reply, has_outcome;
	int clear_flags; /* dismisses the citizens' flags: the point was reviewed */
	gp_status status;
	gp_category category;
	const char *topic; /* NULL clears it */
	const char *comment;
	const char *note;  /* NULL clears it */
	gp_channel channel;
	int64_t event;     /* 0 clears it */
	const char *reply; /* NULL clears it (and its time) */
	gp_outcome outcome;
	const char *updated; /* canonical time; also reply_at when the reply changes */
} gp_point_patch;

/* "favourite" / "improvement"; NULL for an out-of-range value. */
const char *gp_category_name(gp_category c);
/* Parses a category name; returns 0 and sets *out, or GP_INVALID. */
int gp_category_parse(gp_category *out, const char *s);

const char *gp_status_name(gp_status s);
int gp_status_parse(gp_status *out, const char *s);

const char *gp_channel_name(gp_channel c);
int gp_channel_parse(gp_channel *out, const char *s);

/* "open", "in_review", "adopted", "not_adopted"; NULL out of range. */
const char *gp_outcome_name(gp_outcome o);
int gp_outcome_parse(gp_outcome *out, const char *s);

/* German (english 0) or English labels of the codes; NULL out of range. */
const char *gp_category_label(gp_category c, int english);
const char *gp_status_label(gp_status s, int english);
const char *gp_channel_label(gp_channel c, int english);
const char *gp_outcome_label(gp_outcome o, int english);

/*
 * Attribution i of the bundled district boundaries (data/SOURCES.md), as
 * the page and the files show it; NULL past the last.
 */
const char *gp_data_attribution(size_t i);

/* The reasons a citizen may give for flagging a point. */
int gp_flag_reason_valid(const char *s);
/* "spam, offensive, …" for messages. */
const char *gp_flag_reasons(void);

#endif
