/*
 * district.h — district layers and the raw form in which district
 * boundaries travel from the store to the geo index.
 */
#ifndef GEOPART_DISTRICT_H
#define GEOPART_DISTRICT_H

#include <stddef.h>

typedef enum gp_layer {
	GP_LAYER_ORTSBEZIRK = 0,
	GP_LAYER_STADTTEIL = 1,
	GP_LAYER_COUNT
} gp_layer;

/* "ortsbezirk" / "stadtteil"; NULL for an out-of-range value. */
const char *gp_layer_name(gp_layer l);
/* Parses a layer name; returns 0 and sets *out, or GP_INVALID. */
int gp_layer_parse(gp_layer *out, const char *s);
/* The id prefix that keeps ids unique across layers: "ob-", "st-". */
const char *gp_layer_id_prefix(gp_layer l);

/*
 * One district boundary as stored: a MULTIPOLYGON in EPSG:25832 as ISO WKB.
 * All pointers are borrowed from whoever produced the record.
 */
typedef struct gp_district_src {
	const char *id;
	const char *name;
	gp_layer layer;
	const unsigned char *wkb;
	size_t wkb_len;
} gp_district_src;

#endif
