/*
 * fields.c — the one field set of a point: every writer of points (the
 * GeoJSON of /api, /ogc and the export files, CSV, GeoPackage) iterates
 * this table, and the database view points_gis
 * (data/migrations/0007_gis.sql) has the same columns, which the tests
 * hold it to.  A new attribute of points is one row here.
 *
 * flag_reasons (staff) is no row: it is an object of reason → count, which
 * a CSV cell or a GeoPackage column cannot hold; the points of /api/admin
 * carry it after the fields (api_put_point).
 *
 * Coordinates as attributes follow the CRS of what is written: lon/lat in
 * a geographic CRS (CRS84, EPSG:4326), x/y (easting, northing) in a
 * projected one.  Staff fields (note, flags) are written only for callers
 * whose visibility is staff.
 */
#include <string.h>

#include "json/json.h"
#include "read_int.h"

#define GET(name, body)                                                              \
	static void get_##name(const gp_point *p, double east, double north,          \
	                       gp_field_value *v)                                     \
	{                                                                             \
		(void)p;                                                              \
		(void)east;                                                           \
		(void)north;                                                          \
		body;                                                                 \
	}

GET(id, v->i = p->id)
GET(category, v->s = gp_category_name(p->category))
GET(comment, v->s = p->comment ? p->comment : "")
GET(topic, v->s = p->topic)
GET(status, v->s = gp_status_name(p->status))
GET(created, v->s = p->created)
GET(updated, v->s = p->updated)
GET(supporters, v->i = p->supporters)
GET(ob_id, v->s = p->ortsbezirk.id)
GET(ob_name, v->s = p->ortsbezirk.name)
GET(st_id, v->s = p->stadtteil.id)
GET(st_name, v->s = p->stadtteil.name)
GET(channel, v->s = gp_channel_name(p->channel))
GET(event, v->i = p->event; v->null = p->event <= 0)
GET(reply, v->s = p->reply)
GET(reply_at, v->s = p->reply_at[0] ? p->reply_at : NULL)
GET(outcome, v->s = gp_outcome_name(p->outcome))
GET(east, v->d = east)
GET(north, v->d = north)
GET(note, v->s = p->note)
GET(flags, v->i = p->flags)

#define F(name_, type_, not_null_, where_, get_)                                \
	.column = { name_, type_, not_null_ }, .where = where_,                   \
	.key = "\"" name_ "\":", .key_len = sizeof(name_) + 2, .get = get_

/* The query parameters of the queryable fields, one signature for all. */
static int param_category(gp_read *r, gp_read_query *q, const char *v, gp_err *err)
{
	(void)r;
	return gp_read_param_category(q, v, err);
}

static int param_channel(gp_read *r, gp_read_query *q, const char *v, gp_err *err)
{
	(void)r;
	return gp_read_param_channel(q, v, err);
}

static int param_outcome(gp_read *r, gp_read_query *q, const char *v, gp_err *err)
{
	(void)r;
	return gp_read_param_outcome(q, v, err);
}

const gp_read_field gp_read_point_fields[] = {
	{ F("id", GP_FIELD_INTEGER, 1, 0, get_id) },
	{ F("category", GP_FIELD_TEXT, 1, 0, get_category),
	  .title = "Kategorie", .param = param_category },
	{ F("comment", GP_FIELD_TEXT, 1, 0, get_comment) },
	{ F("topic", GP_FIELD_TEXT, 0, 0, get_topic),
	  .title = "Thema", .param = gp_read_param_topic },
	{ F("status", GP_FIELD_TEXT, 1, 0, get_status) },
	{ F("created", GP_FIELD_DATETIME, 1, 0, get_created) },
	{ F("updated", GP_FIELD_DATETIME, 1, 0, get_updated) },
	{ F("supporters", GP_FIELD_INTEGER, 1, 0, get_supporters) },
	{ F("ortsbezirk_id", GP_FIELD_TEXT, 0, 0, get_ob_id) },
	{ F("ortsbezirk_name", GP_FIELD_TEXT, 0, 0, get_ob_name) },
	{ F("stadtteil_id", GP_FIELD_TEXT, 0, 0, get_st_id) },
	{ F("stadtteil_name", GP_FIELD_TEXT, 0, 0, get_st_name) },
	{ F("channel", GP_FIELD_TEXT, 1, 0, get_channel),
	  .title = "Weg der Beteiligung", .param = param_channel },
	{ F("event", GP_FIELD_INTEGER, 0, 0, get_event),
	  .title = "Begehung oder Workshop", .param = gp_read_param_event },
	{ F("reply", GP_FIELD_TEXT, 0, 0, get_reply) },
	{ F("reply_at", GP_FIELD_DATETIME, 0, 0, get_reply_at) },
	{ F("outcome", GP_FIELD_TEXT, 1, 0, get_outcome),
	  .title = "Stand der Idee", .param = param_outcome },
	{ F("lon", GP_FIELD_REAL, 1, GP_READ_FIELD_GEOGRAPHIC, get_east) },
	{ F("lat", GP_FIELD_REAL, 1, GP_READ_FIELD_GEOGRAPHIC, get_north) },
	{ F("x", GP_FIELD_REAL, 1, GP_READ_FIELD_PROJECTED, get_east) },
	{ F("y", GP_FIELD_REAL, 1, GP_READ_FIELD_PROJECTED, get_north) },
	{ F("note", GP_FIELD_TEXT, 0, GP_READ_FIELD_STAFF, get_note) },
	{ F("flags", GP_FIELD_INTEGER, 1, GP_READ_FIELD_STAFF, get_flags) },
};

const size_t gp_read_point_field_count =
	sizeof(gp_read_point_fields) / sizeof(gp_read_point_fields[0]);

int gp_read_field_written(const gp_read_field *f, gp_crs crs, int staff)
{
	if ((f->where & GP_READ_FIELD_STAFF) && !staff)
		return 0;
	if ((f->where & GP_READ_FIELD_GEOGRAPHIC) && !gp_crs_is_geographic(crs))
		return 0;
	if ((f->where & GP_READ_FIELD_PROJECTED) && gp_crs_is_geographic(crs))
		return 0;
	return 1;
}

/* EPSG:4326 and EPSG:31467 name their northing first. */
static int north_first(gp_crs crs)
{
	return crs == GP_CRS_EPSG4326 || crs == GP_CRS_EPSG31467;
}

void gp_read_field_get(const gp_read_field *f, const gp_point *p, gp_crs crs, int gis_order,
                       double c0, double c1, gp_field_value *out)
{
	double east = c0, north = c1;

	if (!gis_order && north_first(crs)) {
		east = c1;
		north = c0;
	}
	/* Degrees are the stored CRS84 ones, not a copy rounded on the way. */
	if (gp_crs_is_geographic(crs)) {
		east = p->lon;
		north = p->lat;
	}
	memset(out, 0, sizeof(*out));
	f->get(p, east, north, out);
	if ((f->column.type == GP_FIELD_TEXT || f->column.type == GP_FIELD_DATETIME) && !out->s)
		out->null = 1;
}

int gp_read_field_decimals(const gp_read_field *f, gp_crs crs)
{
	return f->column.type == GP_FIELD_REAL ? gp_crs_decimals(crs) : 0;
}

/*
 * The writer of every point of every page: 20 members per point, 10,000
 * points per page at most, so the loop keeps to what changes per field —
 * which fields are written is decided once per point, member names are
 * written as they are kept (field names need no escaping), and a
 * coordinate written in the geometry is copied, not formatted again, when
 * a property repeats it.
 */
void gp_read_point_feature(gp_buf *b, const gp_point *p, double c0, double c1,
                           const gp_read_feature *how)
{
	int decimals = gp_crs_decimals(how->crs), geographic = gp_crs_is_geographic(how->crs);
	unsigned skip = (how->staff ? 0 : GP_READ_FIELD_STAFF) |
	                (geographic ? GP_READ_FIELD_PROJECTED : GP_READ_FIELD_GEOGRAPHIC);
	double east = c0, north = c1;
	char text[2][48];
	size_t text_len[2], at;
	int n = 0;

	if (!how->gis_order && north_first(how->crs)) {
		east = c1;
		north = c0;
	}
	/* Degrees are the stored CRS84 ones, not a copy rounded on the way. */
	if (geographic) {
		east = p->lon;
		north = p->lat;
	}
	gp_buf_putc(b, '{');
	if (how->crs_uri)
		gp_json_put_crs_member(b, how->crs_uri);
	gp_buf_puts(b, "\"type\":\"Feature\",\"id\":");
	gp_buf_put_i64(b, p->id);
	gp_buf_puts(b, ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
	for (int k = 0; k < 2; k++) {
		if (k)
			gp_buf_putc(b, ',');
		at = b->len;
		gp_buf_put_fixed(b, k ? c1 : c0, decimals);
		text_len[k] = b->failed || b->len - at >= sizeof(text[k]) ? 0 : b->len - at;
		if (text_len[k])
			memcpy(text[k], b->data + at, text_len[k]);
	}
	gp_buf_puts(b, "]},\"properties\":{");
	for (size_t i = 0; i < gp_read_point_field_count; i++) {
		const gp_read_field *f = &gp_read_point_fields[i];
		gp_field_value v = { 0 };

		if (f->where & skip)
			continue;
		f->get(p, east, north, &v);
		if (n++)
			gp_buf_putc(b, ',');
		gp_buf_append(b, f->key, f->key_len);
		if (f->column.type == GP_FIELD_INTEGER) {
			if (v.null)
				gp_buf_puts(b, "null");
			else
				gp_buf_put_i64(b, v.i);
		} else if (f->column.type == GP_FIELD_REAL) {
			if (v.null)
				gp_buf_puts(b, "null");
			else if (text_len[0] && v.d == c0)
				gp_buf_append(b, text[0], text_len[0]);
			else if (text_len[1] && v.d == c1)
				gp_buf_append(b, text[1], text_len[1]);
			else
				gp_buf_put_fixed(b, v.d, decimals);
		} else if (v.null || !v.s) {
			gp_buf_puts(b, "null");
		} else {
			gp_json_put_str(b, v.s);
		}
	}
	if (how->extra) {
		gp_buf_putc(b, ',');
		gp_buf_puts(b, how->extra);
	}
	gp_buf_putc(b, '}');
	if (!how->open)
		gp_buf_putc(b, '}');
}

int gp_read_labels(gp_read *r, gp_read_label_cb cb, void *ctx)
{
	const gp_config *cfg = r->cache->cfg;
	int rc = 0;

	for (int c = 0; c < GP_CATEGORY_COUNT && !rc; c++)
		rc = cb(ctx, "category", gp_category_name((gp_category)c),
		        gp_category_label((gp_category)c, 0), gp_category_label((gp_category)c, 1));
	for (size_t i = 0; i < cfg->ntopics && !rc; i++)
		rc = cb(ctx, "topic", cfg->topics[i].id, cfg->topics[i].label_de,
		        cfg->topics[i].label_en);
	for (int c = 0; c < GP_CHANNEL_COUNT && !rc; c++)
		rc = cb(ctx, "channel", gp_channel_name((gp_channel)c),
		        gp_channel_label((gp_channel)c, 0), gp_channel_label((gp_channel)c, 1));
	for (int s = 0; s < GP_STATUS_COUNT && !rc; s++)
		rc = cb(ctx, "status", gp_status_name((gp_status)s), gp_status_label((gp_status)s, 0),
		        gp_status_label((gp_status)s, 1));
	for (int o = 0; o < GP_OUTCOME_COUNT && !rc; o++)
		rc = cb(ctx, "outcome", gp_outcome_name((gp_outcome)o),
		        gp_outcome_label((gp_outcome)o, 0), gp_outcome_label((gp_outcome)o, 1));
	return rc;
}
