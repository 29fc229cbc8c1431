/*
 * field.h — a point's attributes as every writer of points sees them: a
 * column with a name and a type, and a value.  The one table of a point's
 * fields is read/fields.c's (gp_read_point_fields); this header only lets
 * store/ write a table of such columns (the GeoPackage) without knowing
 * which fields exist.
 */
#ifndef GEOPART_FIELD_H
#define GEOPART_FIELD_H

#include <stdint.h>

typedef enum gp_field_type {
	GP_FIELD_INTEGER = 0, /* 64-bit */
	GP_FIELD_REAL,
	GP_FIELD_TEXT,
	GP_FIELD_DATETIME     /* canonical UTC text, "2026-11-26T12:38:24.123Z" */
} gp_field_type;

typedef struct gp_field_column {
	const char *name;
	gp_field_type type;
	int not_null;
} gp_field_column;

/* One value; s is borrowed from whoever filled it. */
typedef struct gp_field_value {
	int null;
	int64_t i;
	double d;
	const char *s; /* GP_FIELD_TEXT and GP_FIELD_DATETIME */
} gp_field_value;

#endif
