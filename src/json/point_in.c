/*
 * point_in.c — decoding a citizen's GeoJSON Feature.
 *
 * Only shape and types are judged here; the values (category names, comment
 * length, topic list, coordinate ranges, the city) are judged in core/.
 * Every refusal names the member at fault as a dotted path.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void gp_point_input_clear(gp_point_input *in)
{
	if (!in)
		return;
	free(in->category);
	free(in->comment);
	free(in->topic);
	free(in->channel);
	free(in->note);
	free(in->website);
	free(in->form_token);
	memset(in, 0, sizeof(*in));
}

static int load_error(const json_error_t *jerr, const char *body, size_t len,
                      gp_err *err)
{
	char path[64];
	size_t pos = jerr->position > 0 ? (size_t)jerr->position - 1 : 0;

	switch (json_error_code(jerr)) {
	case json_error_invalid_utf8:
		gp_json_path_at(path, sizeof(path), body, len, pos);
		return gp_err_set(err, GP_INVALID, path[0] ? path : "body",
		                  "text is not valid UTF-8");
	case json_error_numeric_overflow:
		gp_json_path_at(path, sizeof(path), body, len, pos);
		return gp_err_set(err, GP_INVALID, path[0] ? path : "body",
		                  "number is out of range");
	case json_error_duplicate_key:
		return gp_err_set(err, GP_BAD_REQUEST, "body",
		                  "malformed JSON: %s (line %d, column %d)", jerr->text,
		                  jerr->line, jerr->column);
	default:
		return gp_err_set(err, GP_BAD_REQUEST, "body",
		                  "malformed JSON: %s (line %d, column %d)", jerr->text,
		                  jerr->line, jerr->column);
	}
}

/* Copies a JSON string value, keeping embedded NULs for validation to see. */
static char *copy_string(const json_t *v, size_t *out_len)
{
	size_t n = json_string_length(v);
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, json_string_value(v), n);
	s[n] = '\0';
	if (out_len)
		*out_len = n;
	return s;
}

static int decode_geometry(gp_point_input *out, json_t *geom, gp_err *err)
{
	json_t *type, *coords;

	if (!json_is_object(geom))
		return gp_err_set(err, GP_INVALID, "geometry",
		                  "geometry must be a GeoJSON Point object");
	type = json_object_get(geom, "type");
	if (!json_is_string(type))
		return gp_err_set(err, GP_INVALID, "geometry.type",
		                  "geometry type is missing");
	if (strcmp(json_string_value(type), "Point") != 0)
		return gp_err_set(err, GP_INVALID, "geometry.type",
		                  "geometry must be a Point, not %.40s",
		                  json_string_value(type));
	if (json_object_get(geom, "crs"))
		return gp_err_set(err, GP_INVALID, "geometry.crs",
		                  "the GeoJSON crs member is not supported; use the crs query parameter");
	coords = json_object_get(geom, "coordinates");
	if (!json_is_array(coords))
		return gp_err_set(err, GP_INVALID, "geometry.coordinates",
		                  "coordinates must be an array of two numbers");
	if (json_array_size(coords) != 2)
		return gp_err_set(err, GP_INVALID, "geometry.coordinates",
		                  "a point has exactly two coordinates, got %zu",
		                  json_array_size(coords));
	for (size_t i = 0; i < 2; i++) {
		json_t *c = json_array_get(coords, i);
		if (!json_is_number(c))
			return gp_err_set(err, GP_INVALID, "geometry.coordinates",
			                  "coordinate %zu is not a number", i + 1);
		out->coord[i] = json_number_value(c);
		if (!isfinite(out->coord[i]))
			return gp_err_set(err, GP_INVALID, "geometry.coordinates",
			                  "coordinate %zu is not finite", i + 1);
	}
	return 0;
}

static int decode_properties(gp_point_input *out, json_t *props, gp_err *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(props))
		return gp_err_set(err, GP_INVALID, "properties",
		                  "properties must be an object with category and comment");
	json_object_foreach(props, key, v) {
		char field[64];
		size_t len;

		snprintf(field, sizeof(field), "properties.%.40s", key);
		if (strcmp(key, "category") == 0) {
			if (!json_is_string(v))
				return gp_err_set(err, GP_INVALID, field,
				                  "category must be a string");
			if (!(out->category = copy_string(v, &len)))
				return GP_ENOMEM;
			if (strlen(out->category) != len)
				return gp_err_set(err, GP_INVALID, field, "category contains a NUL character");
		} else if (strcmp(key, "comment") == 0) {
			if (!json_is_string(v))
				return gp_err_set(err, GP_INVALID, field,
				                  "comment must be a string");
			if (!(out->comment = copy_string(v, &out->comment_len)))
				return GP_ENOMEM;
		} else if (strcmp(key, "topic") == 0 || strcmp(key, "channel") == 0 ||
		           strcmp(key, "note") == 0 || strcmp(key, "website") == 0 ||
		           strcmp(key, "form_token") == 0) {
			char **dst = key[0] == 't' ? &out->topic
			             : key[0] == 'c' ? &out->channel
			             : key[0] == 'n' ? &out->note
			             : key[0] == 'w' ? &out->website
			                             : &out->form_token;
			if (json_is_null(v))
				continue;
			if (!json_is_string(v))
				return gp_err_set(err, GP_INVALID, field, "%s must be a string or null", key);
			if (!(*dst = copy_string(v, &len)))
				return GP_ENOMEM;
			if (dst == &out->note)
				out->note_len = len;
			else if (dst == &out->website)
				out->website_len = len;
			else if (strlen(*dst) != len)
				return gp_err_set(err, GP_INVALID, field, "%s contains a NUL character", key);
		} else if (strcmp(key, "event") == 0) {
			if (json_is_null(v))
				continue;
			if (!json_is_integer(v) || json_integer_value(v) < 1)
				return gp_err_set(err, GP_INVALID, field,
				                  "event must be an event id (see /api/events) or null");
			out->event = (int64_t)json_integer_value(v);
		} else {
			return gp_err_set(err, GP_INVALID, field,
			                  "unknown property \"%.40s\"", key);
		}
	}
	if (!out->category)
		return gp_err_set(err, GP_INVALID, "properties.category",
		                  "category is required");
	if (!out->comment)
		return gp_err_set(err, GP_INVALID, "properties.comment",
		                  "comment is required");
	return 0;
}

/* One Feature object into out (memset first); GP_INVALID naming the field. */
static int decode_feature(gp_point_input *out, json_t *root, gp_err *err)
{
	json_t *type;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(root))
		return gp_err_set(err, GP_INVALID, "type", "body must be a GeoJSON Feature object");
	type = json_object_get(root, "type");
	if (!json_is_string(type) || strcmp(json_string_value(type), "Feature") != 0)
		return gp_err_set(err, GP_INVALID, "type",
		                  "body must be a GeoJSON Feature (\"type\": \"Feature\")");
	if ((rc = decode_geometry(out, json_object_get(root, "geometry"), err)))
		return rc;
	return decode_properties(out, json_object_get(root, "properties"), err);
}

int gp_json_point_input_decode(gp_point_input *out, const char *body,
                               size_t len, gp_err *err)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(out, 0, sizeof(*out));
	/* NULs are let through so validation can refuse them as a field error. */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!root)
		return load_error(&jerr, body, len, err);
	rc = decode_feature(out, root, err);
	json_decref(root);
	if (rc)
		gp_point_input_clear(out);
	return rc;
}

int gp_json_point_collection_read(const char *text, size_t len, char **out_crs_name,
                                  gp_json_point_cb cb, void *ctx, gp_err *err)
{
	json_error_t jerr;
	json_t *root, *features, *crs, *f;
	size_t i;
	int rc = 0;

	*out_crs_name = NULL;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!root)
		return gp_err_set(err, GP_INVALID, "file", "not valid JSON: %s (line %d, column %d)",
		                  jerr.text, jerr.line, jerr.column);
	features = json_object_get(root, "features");
	if (!json_is_object(root) || !json_is_string(json_object_get(root, "type")) ||
	    strcmp(json_string_value(json_object_get(root, "type")), "FeatureCollection") ||
	    !json_is_array(features)) {
		rc = gp_err_set(err, GP_INVALID, "file", "not a GeoJSON FeatureCollection");
		goto out;
	}
	crs = json_object_get(json_object_get(root, "crs"), "properties");
	if (json_is_string(json_object_get(crs, "name")) &&
	    !(*out_crs_name = strdup(json_string_value(json_object_get(crs, "name"))))) {
		rc = GP_ENOMEM;
		goto out;
	}
	json_array_foreach(features, i, f) {
		gp_point_input in;
		gp_err row;

		gp_err_clear(&row);
		rc = decode_feature(&in, f, &row);
		if (rc < 0) {
			gp_point_input_clear(&in);
			break;
		}
		rc = cb(ctx, i, rc ? NULL : &in, rc ? &row : NULL);
		gp_point_input_clear(&in);
		if (rc)
			break;
	}
out:
	json_decref(root);
	return rc;
}

int gp_json_object_strings(char **out, int *present, size_t n, const char *allowed,
                           const char *body, size_t len, gp_err *err)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		out[i] = NULL;
		present[i] = 0;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!root)
		return load_error(&jerr, body, len, err);
	if (!json_is_object(root)) {
		rc = gp_err_set(err, GP_INVALID, "body", "the body must be a JSON object");
		goto out;
	}
	json_object_foreach(root, key, v) {
		const char *p = allowed;
		size_t k = strlen(key), i = 0;
		int found = -1, number = 0, boolean = 0;

		while (*p) {
			size_t m = strcspn(p, " ");
			size_t name = m > 0 && (p[m - 1] == '#' || p[m - 1] == '?') ? m - 1 : m;
			if (name == k && strncmp(p, key, k) == 0) {
				found = (int)i;
				number = name < m && p[m - 1] == '#';
				boolean = name < m && p[m - 1] == '?';
			}
			p += m;
			while (*p == ' ')
				p++;
			i++;
		}
		if (found < 0 || (size_t)found >= n) {
			rc = gp_err_set(err, GP_INVALID, key, "unknown member \"%.40s\"; allowed: %s",
			                key, allowed);
			goto out;
		}
		present[found] = 1;
		if (json_is_null(v))
			continue;
		if (boolean) {
			if (!json_is_boolean(v)) {
				rc = gp_err_set(err, GP_INVALID, key, "%.40s must be true, false or null", key);
				goto out;
			}
			if (!(out[found] = strdup(json_is_true(v) ? "true" : "false"))) {
				rc = GP_ENOMEM;
				goto out;
			}
			continue;
		}
		if (number) {
			char num[24];
			if (!json_is_integer(v)) {
				rc = gp_err_set(err, GP_INVALID, key, "%.40s must be a whole number or null",
				                key);
				goto out;
			}
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
			if (!(out[found] = strdup(num))) {
				rc = GP_ENOMEM;
				goto out;
			}
			continue;
		}
		if (!json_is_string(v)) {
			rc = gp_err_set(err, GP_INVALID, key, "%.40s must be a string", key);
			goto out;
		}
		if (!(out[found] = copy_string(v, NULL))) {
			rc = GP_ENOMEM;
			goto out;
		}
		if (strlen(out[found]) != json_string_length(v)) {
			rc = gp_err_set(err, GP_INVALID, key, "%.40s contains a NUL character", key);
			goto out;
		}
	}
out:
	json_decref(root);
	if (rc)
		for (size_t i = 0; i < n; i++) {
			free(out[i]);
			out[i] = NULL;
		}
	return rc;
}
