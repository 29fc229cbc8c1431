/*
 * survey.h — the questionnaire (Umfrage) as every module sees it: its
 * definition (questions of seven types, read from the JSON file of the
 * `survey` setting by json/), a citizen's answers before and after they
 * are judged, and the codes answers are stored under.
 *
 * Codes are what the database keeps and what exports and results name: an
 * option's `code` (single, multiple), a scale point's code (its integer
 * value as text), an Ortsbezirk id or "outside" (district), the Ortsbezirk
 * id a place lies in (place).  Free text and numbers keep their value.  A
 * definition may grow while the survey runs, but a question that has
 * answers keeps its type and every code (core/survey.c refuses anything
 * else at start).
 */
#ifndef GEOPART_SURVEY_H
#define GEOPART_SURVEY_H

#include <stddef.h>

typedef enum gp_survey_type {
	GP_SURVEY_SINGLE,   /* one option */
	GP_SURVEY_MULTIPLE, /* any number of options */
	GP_SURVEY_SCALE,    /* one labelled point of a scale, e.g. 1–5 */
	GP_SURVEY_TEXT,     /* free text up to max_length characters */
	GP_SURVEY_NUMBER,   /* a number within [min, max] */
	GP_SURVEY_DISTRICT, /* an Ortsbezirk or "outside" the city */
	GP_SURVEY_PLACE,    /* a point on the map, inside the city */
	GP_SURVEY_TYPE_COUNT
} gp_survey_type;

/* The answer "not in the city" of a district question. */
#define GP_SURVEY_OUTSIDE "outside"
/* Longest id or code; longest free text answer anyone may configure. */
#define GP_SURVEY_ID_MAX 40
#define GP_SURVEY_TEXT_MAX 4000
#define GP_SURVEY_QUESTIONS_MAX 200
#define GP_SURVEY_OPTIONS_MAX 50

typedef struct gp_survey_text {
	char *de;
	char *en;
} gp_survey_text;

typedef struct gp_survey_option {
	char *code;
	gp_survey_text label;
	int value; /* scale points: the code as an integer */
} gp_survey_option;

typedef struct gp_survey_question {
	char *id;
	gp_survey_type type;
	gp_survey_text text, help; /* help may have NULL members */
	int required;
	gp_survey_option *options; /* single, multiple, scale */
	size_t noptions;
	int max_length;  /* text: characters */
	double min, max; /* number */
	int integer;     /* number: whole numbers only */
	/*
	 * Asked only when the earlier question show_if_question was answered
	 * with one of show_if_codes (for multiple: any of them chosen).
	 */
	int show_if;               /* index of that question, or -1 */
	char **show_if_codes;
	size_t nshow_if_codes;
} gp_survey_question;

typedef struct gp_survey {
	gp_survey_text title, intro; /* intro may have NULL members */
	gp_survey_question *questions;
	size_t nquestions;
	/*
	 * The question whose answer is the respondent's Ortsbezirk (results are
	 * broken down by it): the first district question, or -1.
	 */
	int home;
} gp_survey;

/* The JSON shape of one answer, before it is judged against its question. */
typedef enum gp_survey_value_kind {
	GP_SURVEY_VALUE_NULL,    /* null: not answered */
	GP_SURVEY_VALUE_STRING,
	GP_SURVEY_VALUE_NUMBER,
	GP_SURVEY_VALUE_STRINGS, /* an array of strings */
	GP_SURVEY_VALUE_PAIR,    /* an array of two numbers: [lon, lat] */
	GP_SURVEY_VALUE_OTHER    /* anything else (refused when judged) */
} gp_survey_value_kind;

typedef struct gp_survey_value {
	char *id; /* the member name: a question id, or not */
	gp_survey_value_kind kind;
	char *str;     /* STRING; may hold NULs (str_len counts them) */
	size_t str_len;
	double num;    /* NUMBER */
	char **strs;   /* STRINGS */
	size_t nstrs;
	double pair[2]; /* PAIR */
} gp_survey_value;

/* A decoded POST /api/survey/responses body. */
typedef struct gp_survey_input {
	gp_survey_value *values;
	size_t nvalues;
	char *form_token; /* NULL when absent */
	char *website;    /* the honeypot; NULL when absent */
	size_t website_len;
} gp_survey_input;

/*
 * One judged answer as it is stored: code (option, scale point, district,
 * the place's Ortsbezirk), num (scale, number), text, and for a place its
 * coordinates and Stadtteil.  Strings are borrowed from the input, the
 * definition or the district index.
 */
typedef struct gp_survey_answer {
	const char *question;
	const char *code; /* NULL for text and number */
	int has_num;
	double num;
	const char *text; /* text only */
	int has_place;
	double lon, lat;
	const char *stadtteil;
} gp_survey_answer;

#endif
