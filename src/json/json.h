/*
 * json.h — JSON in and out: the strict GeoJSON point decoder for citizen
 * input (over jansson), the questionnaire's definition file and answers,
 * and the hand-written writers that serialise points and feature
 * collections straight into a gp_buf.
 *
 * Must never: decide policy (which topics exist, whether a point is in the
 * city — that is core/), touch the database, or run PROJ.  Output writers
 * never allocate outside the gp_buf they are given.
 */
#ifndef GP_JSON_H
#define GP_JSON_H

#include <stddef.h>

#include "geopart/crs.h"
#include "geopart/point.h"
#include "geopart/survey.h"
#include "util/util.h"

/* A citizen's POST body, decoded but not yet judged. Owns its strings. */
typedef struct gp_point_input {
	char *category;
	char *comment;
	size_t comment_len; /* bytes; may hold NUL, which validation refuses */
	char *topic;        /* NULL when absent or null */
	double coord[2];    /* in the request CRS's axis order */
	char *channel;      /* staff only; NULL when absent */
	char *note;         /* staff only; NULL when absent */
	size_t note_len;
	int64_t event;      /* staff only: an event id ≥ 1, 0 when absent or null */
	char *website;      /* the honeypot: people leave it empty, bots fill it */
	size_t website_len; /* bytes; a NUL counts: "\u0000x" is not empty */
	char *form_token;   /* the signed form timestamp from GET /api/form */
} gp_point_input;

/*
 * Decodes a GeoJSON Feature with a Point geometry.  Returns 0; GP_BAD_REQUEST
 * for malformed JSON; GP_INVALID naming the field for a wrong shape or type,
 * invalid UTF-8, a number out of double range, or a NUL in a name-like
 * member (category, topic, channel, form_token).  Free text (comment, note,
 * website) keeps its NULs and its length for validation to judge.  On success the caller owns
 * *out, free with gp_point_input_clear().
 */
int gp_json_point_input_decode(gp_point_input *out, const char *body,
                               size_t len, gp_err *err);
void gp_point_input_clear(gp_point_input *in);

/*
 * Reads a GeoJSON FeatureCollection of points (for imports) and calls cb
 * for each feature, in order, with its 0-based index and either the
 * decoded point (as gp_json_point_input_decode decodes a Feature;
 * borrowed for the call) or, when the feature is refused, the problem
 * naming its field.  A legacy crs member's name is copied to
 * *out_crs_name (free() it; NULL without one).  GP_INVALID naming `file`
 * when the text is no JSON FeatureCollection; a non-zero return of cb
 * stops and is returned.
 */
typedef int (*gp_json_point_cb)(void *ctx, size_t index, const gp_point_input *in,
                                const gp_err *refused);
int gp_json_point_collection_read(const char *text, size_t len, char **out_crs_name,
                                  gp_json_point_cb cb, void *ctx, gp_err *err);

/*
 * Decodes a JSON object body into (member → string) pairs for the small
 * bodies of PATCH and flag requests: each member in `allowed` (space
 * separated) may appear once as a string or null — or, for a name written
 * with a trailing '#' ("event#"), as a whole number (handed on as its
 * decimal text) or null, and with a trailing '?' ("live?") as true or
 * false (handed on as "true"/"false") or null; anything else is refused with GP_INVALID naming
 * it.  Values are copied into out[i] in the order of
 * `allowed` (NULL when absent or null); present[i] tells absent from null.
 * Caller frees the strings with free().
 */
int gp_json_object_strings(char **out, int *present, size_t n, const char *allowed,
                           const char *body, size_t len, gp_err *err);

/*
 * Finds the dotted object-key path ("properties.comment") of the value that
 * contains byte `offset` of a JSON text, tolerating invalid bytes inside
 * strings.  Writes "" when the offset is not inside any member.
 */
void gp_json_path_at(char *out, size_t outsz, const char *text, size_t len,
                     size_t offset);

/* Writes s as a JSON string literal (quoted, escaped). */
void gp_json_put_str(gp_buf *b, const char *s);
void gp_json_put_strn(gp_buf *b, const char *s, size_t n);
/* Writes s as a JSON string, or null when s is NULL. */
void gp_json_put_str_or_null(gp_buf *b, const char *s);

/*
 * (Points are written by the read layer, which owns their field set:
 * gp_read_point_feature in read/read.h.)
 */
/*
 * Writes the reasons citizens gave for flagging a point, store's
 * "spam:2,other:1" (vocabulary words only; NULL or "" for none), as the
 * object {"spam":2,"other":1}.  Borrows s.
 */
void gp_json_put_flag_reasons(gp_buf *b, const char *s);

/*
 * The properties object of a district: id, name, layer and point counts,
 * then `extra` — members written as they are — when not NULL.
 */
void gp_json_district_properties(gp_buf *b, const char *id, const char *name,
                                 const char *layer, int64_t favourite,
                                 int64_t improvement, const char *extra);
/*
 * Appends the text of supercluster's point_count_abbreviated for count
 * (999, 1.2k, 12k), unquoted; the map shows it on a cluster.  Appends to
 * b, which the caller owns.
 */
void gp_json_count_abbreviated(gp_buf *b, uint32_t count);

/*
 * Writes one map cluster as a GeoJSON Feature in CRS84: id and cluster_id
 * `id`, point_count (and supercluster's point_count_abbreviated), the count
 * of each category (counts[GP_CATEGORY_COUNT]) and expansion_zoom.  Borrows
 * counts for the call; appends to b, which the caller owns.
 */
void gp_json_cluster_feature(gp_buf *b, int64_t id, double lon, double lat,
                             uint32_t count, const uint32_t *counts, int expansion_zoom);

/*
 * Writes `"crs":{"type":"name","properties":{"name":uri}},` — the GeoJSON
 * 2008 member, which GDAL and QGIS honour, for output that is not CRS84.
 */
void gp_json_put_crs_member(gp_buf *b, const char *uri);

/* ---- district boundary files ---------------------------------------------- */

/* One feature of a boundary file, borrowed for the duration of the callback. */
typedef struct gp_json_boundary {
	size_t index;         /* 0-based position in the file */
	const char *id;       /* the id property as text (strings and integers) */
	const char *name;
	const char *geometry; /* the geometry member as a JSON text */
} gp_json_boundary;

typedef int (*gp_json_boundary_cb)(void *ctx, const gp_json_boundary *b,
                                   gp_err *err);

/*
 * Reads a GeoJSON FeatureCollection of boundaries and calls cb (when not
 * NULL) for each feature.  Refuses (GP_INVALID, naming the feature) a feature without a
 * string/integer id property or a non-empty string name property.  When
 * the file carries a legacy `crs` member, its name is copied to
 * *out_crs_name (caller frees with free()), else it is set to NULL.
 */
int gp_json_boundaries_read(const char *text, size_t len, const char *id_property,
                            const char *name_property, char **out_crs_name,
                            gp_json_boundary_cb cb, void *ctx, gp_err *err);

/* ---- the questionnaire (survey.c) ------------------------------------------ */

/*
 * Reads a questionnaire definition (see README "The questionnaire").
 * GP_INVALID with err->field the JSON path at fault (e.g.
 * "questions[2].type") and a sentence naming it; the caller names the file.
 * Caller owns *out, free with gp_json_survey_free().
 */
int gp_json_survey_parse(gp_survey **out, const char *text, size_t len, gp_err *err);
void gp_json_survey_free(gp_survey *s);
/* "single", "multiple", …: the definition's name of a type. Static. */
const char *gp_survey_type_name(gp_survey_type t);

/* The Ortsbezirke a district question offers (ids and names, borrowed). */
typedef struct gp_json_survey_places {
	const char *const *ids;
	const char *const *names;
	size_t n;
} gp_json_survey_places;

/*
 * Writes the definition as GET /api/survey answers it: district questions
 * list the Ortsbezirke of pl and "outside".  Borrows s and pl; appends to b.
 */
void gp_json_survey_write(gp_buf *b, const gp_survey *s, const gp_json_survey_places *pl);

/*
 * Decodes a POST /api/survey/responses body: {"answers": {id: value},
 * "form_token", "website"}.  Values keep their JSON shape (gp_survey_value)
 * for core/ to judge against the questions.  GP_BAD_REQUEST for malformed
 * JSON, GP_INVALID naming the member for a wrong shape.  On success the
 * caller owns *out, free with gp_survey_input_clear().
 */
int gp_json_survey_input_decode(gp_survey_input *out, const char *body, size_t len,
                                gp_err *err);
void gp_survey_input_clear(gp_survey_input *in);

#endif
