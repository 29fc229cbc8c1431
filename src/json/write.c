/*
 * write.c — JSON serialisation without an intermediate tree: strings,
 * districts, clusters (points, the bulk of every response and export, are
 * written the same way by the read layer, which owns their fields).
 */
#include <stdint.h>
#include <string.h>

#include "json.h"

/* Bytes JSON strings must escape: controls, '"' and '\\'. */
static const unsigned char needs_escape[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
	[0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1,
	[0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1,
	[0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
	[0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
	[0x1e] = 1, [0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

/*
 * Whether any of the n bytes at u needs escaping, eight at a time: a byte
 * below 0x20, or '"', or '\\' (the classic zero-byte tests on a word).
 */
static int any_escape(const unsigned char *u, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t v, quote, slash;
		memcpy(&v, u + i, 8);
		quote = v ^ (ones * '"');
		slash = v ^ (ones * '\\');
		if (((v - ones * 0x20) & ~v & highs) || ((quote - ones) & ~quote & highs) ||
		    ((slash - ones) & ~slash & highs))
			return 1;
	}
	for (; i < n; i++)
		if (needs_escape[u[i]])
			return 1;
	return 0;
}

void gp_json_put_strn(gp_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t start = 0;

	/* Nearly every string has nothing to escape: one copy. */
	if (!any_escape(u, n)) {
		char *o = gp_buf_room(b, n + 2);
		if (o) {
			o[0] = '"';
			memcpy(o + 1, s, n);
			o[n + 1] = '"';
			gp_buf_advance(b, n + 2);
		}
		return;
	}

	gp_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		const char *esc = NULL;
		char x[6];

		if (!needs_escape[c])
			continue;
		gp_buf_append(b, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\t': esc = "\\t"; break;
		case '\r': esc = "\\r"; break;
		default:
			memcpy(x, "\\u00", 4);
			x[4] = hex[c >> 4];
			x[5] = hex[c & 15];
			gp_buf_append(b, x, 6);
			continue;
		}
		gp_buf_append(b, esc, 2);
	}
	gp_buf_append(b, s + start, n - start);
	gp_buf_putc(b, '"');
}

void gp_json_put_str(gp_buf *b, const char *s)
{
	gp_json_put_strn(b, s, strlen(s));
}

void gp_json_put_str_or_null(gp_buf *b, const char *s)
{
	if (s)
		gp_json_put_str(b, s);
	else
		gp_buf_puts(b, "null");
}

void gp_json_put_crs_member(gp_buf *b, const char *uri)
{
	gp_buf_puts(b, "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":");
	gp_json_put_str(b, uri);
	gp_buf_puts(b, "}},");
}

/*
 * "spam:2,other:1" (store's form, vocabulary words only) as the object
 * {"spam":2,"other":1}.
 */
void gp_json_put_flag_reasons(gp_buf *b, const char *s)
{
	gp_buf_putc(b, '{');
	while (s && *s) {
		size_t word = strcspn(s, ":,"), num;

		gp_json_put_strn(b, s, word);
		gp_buf_putc(b, ':');
		s += word;
		if (*s == ':')
			s++;
		num = strcspn(s, ",");
		if (num)
			gp_buf_append(b, s, num);
		else
			gp_buf_putc(b, '0');
		s += num;
		if (*s == ',') {
			s++;
			gp_buf_putc(b, ',');
		}
	}
	gp_buf_putc(b, '}');
}

void gp_json_district_properties(gp_buf *b, const char *id, const char *name,
                                 const char *layer, int64_t favourite,
                                 int64_t improvement, const char *extra)
{
	gp_buf_puts(b, "{\"id\":");
	gp_json_put_str(b, id);
	gp_buf_puts(b, ",\"name\":");
	gp_json_put_str(b, name);
	gp_buf_puts(b, ",\"layer\":");
	gp_json_put_str(b, layer);
	gp_buf_printf(b, ",\"favourite\":%lld,\"improvement\":%lld,\"total\":%lld",
	              (long long)favourite, (long long)improvement,
	              (long long)(favourite + improvement));
	if (extra) {
		gp_buf_putc(b, ',');
		gp_buf_puts(b, extra);
	}
	gp_buf_putc(b, '}');
}

void gp_json_count_abbreviated(gp_buf *b, uint32_t count)
{
	if (count >= 10000) {
		gp_buf_printf(b, "%uk", (unsigned)((count + 500) / 1000));
	} else if (count >= 1000) {
		unsigned tenths = (count + 50) / 100;
		if (tenths % 10)
			gp_buf_printf(b, "%u.%uk", tenths / 10, tenths % 10);
		else
			gp_buf_printf(b, "%uk", tenths / 10);
	} else {
		gp_buf_put_i64(b, count);
	}
}

/* supercluster's point_count_abbreviated: 999, "1.2k", "12k" (a number below 1000). */
static void put_abbreviated(gp_buf *b, uint32_t count)
{
	if (count < 1000) {
		gp_buf_put_i64(b, count);
		return;
	}
	gp_buf_putc(b, '"');
	gp_json_count_abbreviated(b, count);
	gp_buf_putc(b, '"');
}

void gp_json_cluster_feature(gp_buf *b, int64_t id, double lon, double lat,
                             uint32_t count, const uint32_t *counts, int expansion_zoom)
{
	int decimals = gp_crs_decimals(GP_CRS_CRS84);

	gp_buf_puts(b, "{\"type\":\"Feature\",\"id\":");
	gp_buf_put_i64(b, id);
	gp_buf_puts(b, ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
	gp_buf_put_fixed(b, lon, decimals);
	gp_buf_putc(b, ',');
	gp_buf_put_fixed(b, lat, decimals);
	gp_buf_puts(b, "]},\"properties\":{\"cluster\":true,\"cluster_id\":");
	gp_buf_put_i64(b, id);
	gp_buf_puts(b, ",\"point_count\":");
	gp_buf_put_i64(b, count);
	gp_buf_puts(b, ",\"point_count_abbreviated\":");
	put_abbreviated(b, count);
	for (int c = 0; c < GP_CATEGORY_COUNT; c++) {
		gp_buf_puts(b, ",\"");
		gp_buf_puts(b, gp_category_name((gp_category)c));
		gp_buf_puts(b, "\":");
		gp_buf_put_i64(b, counts[c]);
	}
	gp_buf_puts(b, ",\"expansion_zoom\":");
	gp_buf_put_i64(b, expansion_zoom);
	gp_buf_puts(b, "}}");
}
