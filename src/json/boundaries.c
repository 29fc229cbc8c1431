/*
 * boundaries.c — reading district boundary files (GeoJSON
 * FeatureCollections) for `geopart import-districts` and the bundled
 * defaults.  Geometry is passed on as JSON text for geo/ to read.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static int property_text(char *out, size_t outsz, json_t *v)
{
	if (json_is_string(v)) {
		if (json_string_length(v) == 0 || gp_strlcpy(out, json_string_value(v), outsz))
			return GP_INVALID;
		return 0;
	}
	if (json_is_integer(v)) {
		snprintf(out, outsz, "%lld", (long long)json_integer_value(v));
		return 0;
	}
	return GP_INVALID;
}

int gp_json_boundaries_read(const char *text, size_t len, const char *id_property,
                            const char *name_property, char **out_crs_name,
                            gp_json_boundary_cb cb, void *ctx, gp_err *err)
{
	json_error_t jerr;
	json_t *root, *features, *crs;
	size_t i;
	int rc = 0;

	*out_crs_name = NULL;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return gp_err_set(err, GP_INVALID, "file", "not valid JSON: %s (line %d, column %d)",
		                  jerr.text, jerr.line, jerr.column);
	if (!json_is_object(root) || !json_is_string(json_object_get(root, "type")) ||
	    strcmp(json_string_value(json_object_get(root, "type")), "FeatureCollection")) {
		rc = gp_err_set(err, GP_INVALID, "file", "not a GeoJSON FeatureCollection");
		goto out;
	}
	crs = json_object_get(root, "crs");
	if (crs) {
		json_t *name = json_object_get(json_object_get(crs, "properties"), "name");
		if (!json_is_string(name)) {
			rc = gp_err_set(err, GP_INVALID, "crs", "the crs member has no name");
			goto out;
		}
		if (!(*out_crs_name = strdup(json_string_value(name)))) {
			rc = GP_ENOMEM;
			goto out;
		}
	}
	features = json_object_get(root, "features");
	if (!json_is_array(features) || json_array_size(features) == 0) {
		rc = gp_err_set(err, GP_INVALID, "features", "the file holds no features");
		goto out;
	}
	for (i = 0; i < json_array_size(features); i++) {
		json_t *f = json_array_get(features, i), *props, *geom;
		char id[128], name[256];
		gp_json_boundary b;
		char *geom_text;

		props = json_object_get(f, "properties");
		geom = json_object_get(f, "geometry");
		if (!json_is_object(f) || !json_is_object(props)) {
			rc = gp_err_set(err, GP_INVALID, "features",
			                "feature %zu has no properties", i + 1);
			goto out;
		}
		if (property_text(id, sizeof(id), json_object_get(props, id_property))) {
			rc = gp_err_set(err, GP_INVALID, id_property,
			                "feature %zu: property \"%s\" must be a non-empty string or an integer",
			                i + 1, id_property);
			goto out;
		}
		if (!json_is_string(json_object_get(props, name_property)) ||
		    property_text(name, sizeof(name), json_object_get(props, name_property))) {
			rc = gp_err_set(err, GP_INVALID, name_property,
			                "feature %zu (id %s): property \"%s\" must be a non-empty string of at most 200 bytes",
			                i + 1, id, name_property);
			goto out;
		}
		if (!json_is_object(geom)) {
			rc = gp_err_set(err, GP_INVALID, "geometry",
			                "feature %zu (id %s) has no geometry", i + 1, id);
			goto out;
		}
		if (!cb)
			continue;
		if (!(geom_text = json_dumps(geom, JSON_COMPACT))) {
			rc = GP_ENOMEM;
			goto out;
		}
		b = (gp_json_boundary){ i, id, name, geom_text };
		rc = cb(ctx, &b, err);
		free(geom_text);
		if (rc)
			goto out;
	}
out:
	json_decref(root);
	if (rc) {
		free(*out_crs_name);
		*out_crs_name = NULL;
	}
	return rc;
}
