/*
 * report_int.h — what the parts of report/ share: the report model (what
 * model.c reads), the document made from it (doc.c) and the map's drawing
 * operations (map.c), which html.c and pdf.c each implement.
 */
#ifndef GP_REPORT_INT_H
#define GP_REPORT_INT_H

#include "geopart/district.h"
#include "geopart/point.h"
#include "report.h"

/* ---- the model ------------------------------------------------------------------- */

/* A polygon's rings in EPSG:25832, x/y pairs, each ring's length in points. */
typedef struct rp_shape {
	char *id, *name;
	int self;          /* the report's own district */
	double *xy;
	size_t *ring, nrings, npoints;
	double box[4];     /* min x, min y, max x, max y */
	double label[2];   /* where its name goes */
} rp_shape;

typedef struct rp_point {
	int64_t id;
	gp_category category;
	gp_channel channel;
	gp_outcome outcome;
	int topic;            /* index into rp_report topics, -1 none */
	int hotspot;          /* index into hotspots, -1 none */
	int64_t supporters, event;
	double x, y;
	const char *comment, *reply; /* in the model's strings; reply NULL when none */
	char created[GP_TIME_LEN];
} rp_point;

typedef struct rp_hotspot {
	int64_t points, count[GP_CATEGORY_COUNT];
	double area;          /* m² */
	double *xy;           /* outline, EPSG:25832 */
	size_t n;
	double centre[2];
	int top_topic;        /* the topic most of its points name, -1 none */
} rp_hotspot;

typedef struct rp_event {
	int64_t id, points;
	char *name, *district_name;
	gp_channel channel;
	char date[11];
} rp_event;

typedef struct rp_survey_row {
	char *label;
	int64_t count;        /* -1 withheld */
} rp_survey_row;

typedef struct rp_survey_q {
	char *text;
	gp_survey_type type;
	int64_t answered;     /* -1 withheld */
	rp_survey_row *rows;
	size_t nrows;
	int has_median;
	double median;
} rp_survey_q;

struct gp_report {
	int en;
	int city;                 /* the whole city */
	gp_layer layer;           /* of a district */
	char *id, *name, *city_name;
	char date[11];            /* printed date, YYYY-MM-DD */
	char first[11], last[11]; /* the points' period; "" without points */
	int pre_moderation;       /* points are checked before they appear */
	int64_t published, pending, hidden; /* counts, whatever text they hold */
	int64_t category[GP_CATEGORY_COUNT], channel[GP_CHANNEL_COUNT];
	int64_t supporters, without_topic, with_reply;
	int64_t outcome[GP_OUTCOME_COUNT];
	char **topic_id, **topic_label;
	int64_t *topic_count;
	size_t ntopics;
	rp_point *points;         /* published, in topic, category, +1 (most first), id order */
	size_t npoints;
	int64_t points_left_out;  /* beyond REPORT_MAX_POINTS */
	rp_shape *shapes;         /* the district and its neighbours (city: every Ortsbezirk) */
	size_t nshapes;
	double extent[4];         /* of the map, EPSG:25832 */
	rp_hotspot *hotspots;
	size_t nhotspots;
	double hotspot_eps;
	rp_event *events;         /* with points in the report, newest first */
	size_t nevents;
	int has_survey;           /* a questionnaire is configured */
	int survey_group;         /* results exist for this district (city or an Ortsbezirk) */
	char *survey_title;
	int64_t respondents;      /* -1 withheld */
	int min_cell;
	rp_survey_q *questions;
	size_t nquestions;
	char **attribution;       /* of the boundaries, then the points' licence */
	size_t nattribution;
	char **strings;           /* every string the model owns */
	size_t nstrings, capstrings;
};

/* A copy the model owns and frees; NULL on failure (and for s NULL). */
char *rp_strdup(gp_report *rep, const char *s);

/* ---- words ------------------------------------------------------------------------- */

/* The report's own words, German or English (text.c). */
typedef enum rp_word {
	W_TITLE, W_CITY, W_ORTSBEZIRK, W_STADTTEIL, W_AS_OF, W_PERIOD, W_NO_POINTS,
	W_HOW, W_HOW_ONLINE, W_HOW_PRE, W_HOW_POST, W_HOW_HIDDEN, W_HOW_PENDING,
	W_FIGURES, W_POINTS, W_SUPPORT, W_RESPONDENTS, W_BY_CATEGORY, W_BY_TOPIC, W_BY_CHANNEL,
	W_BY_EVENT, W_NO_TOPIC, W_COUNT, W_SHARE, W_MAP, W_LEGEND_DISTRICT, W_LEGEND_NEIGHBOUR,
	W_LEGEND_HOTSPOT, W_HOTSPOTS, W_HOTSPOTS_NONE, W_HOTSPOT, W_HOTSPOT_AREA, W_COMMENTS,
	W_COMMENT, W_NO, W_OUTCOME, W_REPLY, W_EVENTS, W_EVENTS_NONE, W_EVENT_POINTS, W_SURVEY,
	W_SURVEY_NONE, W_SURVEY_NO_GROUP, W_SURVEY_SUPPRESSED, W_ANSWERED, W_MEDIAN, W_WITHHELD,
	W_LEFT_OUT, W_CONTENTS, W_PAGE, W_REPLIES, W_SOURCES, W_INDEX_TITLE, W_INDEX_INTRO,
	W_DISTRICT, W_COUNT_WORD, W_MAP_ATTRIBUTION, W_FIGURE, W_KIND, W_TOPIC, W_CHANNEL,
	W_DATE, W_ANSWER, W_REPORT
} rp_word;
const char *rp_word_get(rp_word w, int en);

/* ---- the document ------------------------------------------------------------------ */

typedef enum rp_block_kind {
	RB_TITLE, RB_SUBTITLE, RB_H2, RB_H3, RB_P, RB_SMALL, RB_TABLE, RB_MAP
} rp_block_kind;

/* A cell is text; "\n" starts a new line, a leading "\t" marks a quieter line. */
typedef struct rp_block {
	rp_block_kind kind;
	char *text;                /* headings and paragraphs */
	size_t ncols;
	const double *widths;      /* tables: column shares, summing to 1 */
	const int *numeric;        /* tables: right-aligned columns */
	char **cells;              /* (nrows + 1) * ncols, row 0 the header */
	size_t nrows, caprows;
	int *row_symbol;           /* tables: a category symbol per row (-1 none), or NULL */
} rp_block;

typedef struct rp_doc {
	rp_block *b;
	size_t n, cap;
	int failed;
} rp_doc;

/* The report as a document (doc.c); rp_doc_free always. */
int rp_doc_build(rp_doc *d, const gp_report *rep);
void rp_doc_free(rp_doc *d);

/* ---- the map ---------------------------------------------------------------------- */

/* The map's size on the page, in millimetres: the frame, then a line of attribution. */
#define RP_MAP_W 170.0
#define RP_MAP_FRAME_H 150.0
#define RP_MAP_H 157.0

typedef enum rp_style {
	RS_FRAME, RS_SELF, RS_NEIGHBOUR, RS_HOTSPOT, RS_HOTSPOT_LINE, RS_BAR_DARK, RS_BAR_LIGHT,
	RS_ARROW, RS_LEGEND, RS_COUNT
} rp_style;

typedef struct rp_paint {
	double fill[3], stroke[3];
	int has_fill, has_stroke;
	double fill_alpha, width_mm;
} rp_paint;
extern const rp_paint rp_paints[RS_COUNT];
/* The category symbols' colours (favourite, improvement). */
extern const double rp_symbol_rgb[GP_CATEGORY_COUNT][3];

typedef enum rp_text_style { RT_LABEL, RT_SMALL, RT_NORTH } rp_text_style;

/* What a renderer draws the map with; coordinates in mm from the map's top left. */
typedef struct rp_map_ops {
	void (*polygon)(void *ctx, rp_style s, const double *xy, const size_t *ring, size_t nrings);
	void (*symbol)(void *ctx, gp_category c, double x, double y, double size);
	/* anchor: 0 start, 1 middle, 2 end; drawn with a white halo so it reads over points */
	void (*text)(void *ctx, rp_text_style s, double x, double y, int anchor, const char *text);
	void (*clip)(void *ctx, double x, double y, double w, double h); /* w 0: end the clip */
} rp_map_ops;

/* Draws rep's map through ops (map.c). 0 or GP_ENOMEM. */
int rp_map_draw(const gp_report *rep, const rp_map_ops *ops, void *ctx);

#endif
