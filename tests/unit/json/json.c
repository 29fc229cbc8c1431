/* Unit tests for json/: the citizen point decoder, error paths, writers. */
#include "../check.h"
#include "json/json.h"

static int decode(const char *body, gp_point_input *in, gp_err *err)
{
	gp_err_clear(err);
	return gp_json_point_input_decode(in, body, strlen(body), err);
}

#define FEATURE(geom, props)                                                  \
	"{\"type\":\"Feature\",\"geometry\":" geom ",\"properties\":" props "}"
#define POINT "{\"type\":\"Point\",\"coordinates\":[7.77,49.44]}"

static void test_good(void)
{
	gp_point_input in;
	gp_err err;

	CHECK_INT(decode(FEATURE(POINT, "{\"category\":\"favourite\",\"comment\":\"Schön\","
	                                "\"topic\":null}"), &in, &err), 0);
	CHECK_STR(in.category, "favourite");
	CHECK_STR(in.comment, "Schön");
	CHECK(in.topic == NULL);
	CHECK_NEAR(in.coord[0], 7.77, 0);
	CHECK_NEAR(in.coord[1], 49.44, 0);
	gp_point_input_clear(&in);

	/* NUL inside a string survives decoding so validation can refuse it. */
	CHECK_INT(decode(FEATURE(POINT, "{\"category\":\"favourite\",\"comment\":\"a\\u0000b\"}"),
	                 &in, &err), 0);
	CHECK_INT(in.comment_len, 3);
	gp_point_input_clear(&in);
}

static void test_refusals(void)
{
	static const struct {
		const char *body;
		int rc;
		const char *field;
	} cases[] = {
		{ "{\"type\":", GP_BAD_REQUEST, "body" },
		{ "[]", GP_INVALID, "type" },
		{ "{\"type\":\"FeatureCollection\"}", GP_INVALID, "type" },
		{ FEATURE("{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]}",
		          "{\"category\":\"favourite\",\"comment\":\"x\"}"), GP_INVALID, "geometry.type" },
		{ FEATURE("{\"type\":\"Point\",\"coordinates\":[7.7,49.4,200]}",
		          "{\"category\":\"favourite\",\"comment\":\"x\"}"), GP_INVALID, "geometry.coordinates" },
		{ FEATURE("{\"type\":\"Point\",\"coordinates\":[\"7.7\",49.4]}",
		          "{\"category\":\"favourite\",\"comment\":\"x\"}"), GP_INVALID, "geometry.coordinates" },
		{ FEATURE("{\"type\":\"Point\",\"coordinates\":[1e999,49.4]}",
		          "{\"category\":\"favourite\",\"comment\":\"x\"}"), GP_INVALID, "geometry.coordinates" },
		{ FEATURE("null", "{\"category\":\"favourite\",\"comment\":\"x\"}"), GP_INVALID, "geometry" },
		{ FEATURE(POINT, "{\"comment\":\"x\"}"), GP_INVALID, "properties.category" },
		{ FEATURE(POINT, "{\"category\":\"favourite\"}"), GP_INVALID, "properties.comment" },
		{ FEATURE(POINT, "{\"category\":\"favourite\",\"comment\":5}"), GP_INVALID, "properties.comment" },
		{ FEATURE(POINT, "{\"category\":\"favourite\",\"comment\":\"x\",\"colour\":\"red\"}"),
		  GP_INVALID, "properties.colour" },
		{ FEATURE(POINT, "{\"category\":\"favourite\",\"comment\":\"a\xff\"}"), GP_INVALID,
		  "properties.comment" },
		{ FEATURE(POINT, "{\"category\":\"favourite\",\"category\":\"improvement\",\"comment\":\"x\"}"),
		  GP_BAD_REQUEST, "body" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gp_point_input in;
		gp_err err;
		int rc = decode(cases[i].body, &in, &err);
		if (rc != cases[i].rc || strcmp(err.field, cases[i].field) != 0) {
			fprintf(stderr, "case %zu: rc %d field \"%s\" (%s); want rc %d field \"%s\"\n",
			        i, rc, err.field, err.detail, cases[i].rc, cases[i].field);
			check_failures++;
		}
		if (rc == 0)
			gp_point_input_clear(&in);
	}
}

static void test_path_at(void)
{
	const char *t = "{\"a\":{\"b\":[1,2,\"x\"]},\"c\":\"zz\"}";
	char path[64];

	gp_json_path_at(path, sizeof(path), t, strlen(t), strchr(t, 'x') - t);
	CHECK_STR(path, "a.b");
	gp_json_path_at(path, sizeof(path), t, strlen(t), strstr(t, "zz") - t);
	CHECK_STR(path, "c");
	gp_json_path_at(path, sizeof(path), t, strlen(t), 0);
	CHECK_STR(path, "");
}

static void test_write(void)
{
	gp_buf b;

	gp_buf_init(&b, 4096);
	gp_json_put_str(&b, "q\"\\\n\x01é");
	CHECK_STR(gp_buf_cstr(&b), "\"q\\\"\\\\\\n\\u0001é\"");
	gp_buf_free(&b);
}

/* JSON's escaping of one byte, written the plain way. */
static void escape_ref(char *out, unsigned char c)
{
	if (c == '"' || c == '\\')
		sprintf(out, "\\%c", c);
	else if (c == '\n')
		strcpy(out, "\\n");
	else if (c == '\t')
		strcpy(out, "\\t");
	else if (c == '\r')
		strcpy(out, "\\r");
	else if (c < 0x20)
		sprintf(out, "\\u%04x", c);
	else
		sprintf(out, "%c", c);
}

/*
 * Strings are scanned eight bytes at a time for what needs escaping: every
 * byte value at every place of a word (and of the tail after the words)
 * must come out as the plain per-byte rule says; bytes from 0x80 (UTF-8)
 * and 0x7f pass as they are.
 */
static void test_write_every_byte(void)
{
	gp_buf b;
	char in[20], want[64], esc[8];

	gp_buf_init(&b, 4096);
	for (int c = 1; c < 256; c++) {
		for (size_t at = 0; at < sizeof(in) - 1; at++) {
			memset(in, 'a', sizeof(in) - 1);
			in[sizeof(in) - 1] = '\0';
			in[at] = (char)c;
			escape_ref(esc, (unsigned char)c);
			snprintf(want, sizeof(want), "\"%.*s%s%s\"", (int)at, in, esc, in + at + 1);
			gp_buf_reset(&b);
			gp_json_put_str(&b, in);
			CHECK_STR(gp_buf_cstr(&b), want);
		}
	}
	/* a NUL inside a counted string is escaped too */
	gp_buf_reset(&b);
	gp_json_put_strn(&b, "abcdefgh\0ij", 11);
	CHECK_STR(gp_buf_cstr(&b), "\"abcdefgh\\u0000ij\"");
	gp_buf_free(&b);

	/* a string past the buffer's maximum fails the buffer, writes nothing */
	gp_buf_init(&b, 8);
	gp_buf_puts(&b, "ab");
	gp_json_put_str(&b, "0123456789");
	CHECK_INT(gp_buf_status(&b), GP_TOO_LARGE);
	CHECK_STR(gp_buf_cstr(&b), "ab");
	gp_buf_free(&b);
}

int main(void)
{
	test_good();
	test_refusals();
	test_path_at();
	test_write();
	test_write_every_byte();
	CHECK_DONE();
}
