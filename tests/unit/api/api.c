/*
 * Unit test for api/: the OpenAPI description of /api (src/api/openapi.json,
 * as compiled into the binary) against the route tables the server serves
 * (gp_api_tables).  Both ways: every route under /api is a described
 * operation and every described operation is a route; per operation the
 * query parameters are exactly the route's allowed ones, the path
 * parameters exactly its pattern's captures, and there is a request body
 * exactly when the route reads one.  The integration test
 * (test_api_openapi.py) checks the same document against the running
 * server's answers.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <strings.h>

#include "../check.h"
#include "api/api.h"
#include "geopart/embed.h"
#include "util/util.h"

extern const gp_embedded gp_api_openapi[];

static const char *const methods[] = { "get", "put", "post", "delete", "options", "head",
	                               "patch", "trace" };

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	check_failures++;
}

/* Every placeholder stands for one JSON value; null keeps the document parseable. */
static int put_null(void *ctx, gp_buf *b, const char *name, size_t len)
{
	(void)ctx;
	(void)name;
	(void)len;
	gp_buf_puts(b, "null");
	return 0;
}

static json_t *load_description(void)
{
	json_error_t jerr;
	json_t *doc;
	gp_buf b;

	gp_buf_init(&b, 4u << 20);
	CHECK_INT(gp_buf_fill(&b, (const char *)gp_api_openapi[0].data, put_null, NULL), 0);
	doc = json_loads(gp_buf_cstr(&b), 0, &jerr);
	if (!doc)
		fail("openapi.json: %s (line %d)", jerr.text, jerr.line);
	gp_buf_free(&b);
	return doc;
}

/* A parameter object, following a $ref into components/parameters. */
static json_t *resolve(json_t *doc, json_t *p)
{
	const char *ref = json_string_value(json_object_get(p, "$ref"));
	static const char prefix[] = "#/components/parameters/";

	if (!ref)
		return p;
	if (strncmp(ref, prefix, sizeof(prefix) - 1) != 0) {
		fail("parameter $ref %s is not into components/parameters", ref);
		return NULL;
	}
	p = json_object_get(json_object_get(json_object_get(doc, "components"), "parameters"),
	                    ref + sizeof(prefix) - 1);
	if (!p)
		fail("parameter $ref %s resolves to nothing", ref);
	return p;
}

/* Appends the names of the parameters `in` ("query", "path") in list to out. */
static void param_names(json_t *doc, json_t *list, const char *in, gp_buf *out)
{
	size_t i;
	json_t *p;

	json_array_foreach(list, i, p) {
		p = resolve(doc, p);
		const char *where = p ? json_string_value(json_object_get(p, "in")) : NULL;
		const char *name = p ? json_string_value(json_object_get(p, "name")) : NULL;
		if (where && name && !strcmp(where, in)) {
			gp_buf_puts(out, name);
			gp_buf_putc(out, ' ');
		}
	}
}

/* Is word one of the space-separated words of list? */
static int has_word(const char *list, const char *word, size_t n)
{
	const char *p = list;

	while (p && *p) {
		size_t k = strcspn(p, " ");
		if (k == n && strncmp(p, word, n) == 0)
			return 1;
		p += k;
		p += strspn(p, " ");
	}
	return 0;
}

/* Reports the words of a missing from b (and, called twice, the other way). */
static void same_words(const char *what, const char *where, const char *a, const char *a_name,
                       const char *b, const char *b_name)
{
	for (const char *p = a; *p;) {
		size_t k = strcspn(p, " ");
		if (k && !has_word(b, p, k))
			fail("%s: %s \"%.*s\" is in %s but not in %s", where, what, (int)k, p,
			     a_name, b_name);
		p += k;
		p += strspn(p, " ");
	}
}

/* The {captures} of a route pattern, space-separated. */
static void captures(const char *pattern, gp_buf *out)
{
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		gp_buf_append(out, p + 1, (size_t)(end - p - 1));
		gp_buf_putc(out, ' ');
	}
}

static void check_route(json_t *doc, const gp_http_route *r)
{
	char method[16], where[160];
	json_t *item, *op, *params = json_array();
	gp_buf doc_query, doc_path, caps;
	size_t i;
	json_t *p;

	snprintf(where, sizeof(where), "%s %s", r->method, r->pattern);
	for (i = 0; r->method[i] && i < sizeof(method) - 1; i++)
		method[i] = (char)(r->method[i] | 0x20);
	method[i] = '\0';
	item = json_object_get(json_object_get(doc, "paths"), r->pattern + 4);
	op = json_object_get(item, method);
	if (!op) {
		fail("%s: a route the server has, not in openapi.json (paths \"%s\" %s)", where,
		     r->pattern + 4, method);
		json_decref(params);
		return;
	}
	/* Path-level parameters apply to every operation of the path. */
	json_array_foreach(json_object_get(item, "parameters"), i, p)
		json_array_append(params, p);
	json_array_foreach(json_object_get(op, "parameters"), i, p)
		json_array_append(params, p);
	gp_buf_init(&doc_query, 4096);
	gp_buf_init(&doc_path, 4096);
	gp_buf_init(&caps, 4096);
	param_names(doc, params, "query", &doc_query);
	param_names(doc, params, "path", &doc_path);
	captures(r->pattern, &caps);
	same_words("query parameter", where, gp_buf_cstr(&doc_query), "openapi.json",
	           r->params ? r->params : "", "the route's allowed parameters");
	same_words("query parameter", where, r->params ? r->params : "",
	           "the route's allowed parameters", gp_buf_cstr(&doc_query), "openapi.json");
	same_words("path parameter", where, gp_buf_cstr(&doc_path), "openapi.json",
	           gp_buf_cstr(&caps), "the route's pattern");
	same_words("path parameter", where, gp_buf_cstr(&caps), "the route's pattern",
	           gp_buf_cstr(&doc_path), "openapi.json");
	if ((r->body != GP_HTTP_NO_BODY) != (json_object_get(op, "requestBody") != NULL))
		fail("%s: the route %s a body, openapi.json %s", where,
		     r->body != GP_HTTP_NO_BODY ? "reads" : "reads no",
		     json_object_get(op, "requestBody") ? "describes one" : "does not");
	/* What every route may answer, and what every route with a body may. */
	if (!json_object_get(json_object_get(op, "responses"), "400"))
		fail("%s: no 400 response (unknown query parameters are refused)", where);
	if (r->body == GP_HTTP_STAFF_JSON_BODY &&
	    !json_object_get(json_object_get(op, "responses"), "401"))
		fail("%s: no 401 response (a staff body without credentials is refused)", where);
	if (r->body != GP_HTTP_NO_BODY) {
		static const char *const body_statuses[] = { "408", "411", "413", "415", "422" };
		json_t *content = json_object_get(json_object_get(op, "requestBody"), "content");
		const char *type;
		for (i = 0; i < sizeof(body_statuses) / sizeof(body_statuses[0]); i++)
			if (!json_object_get(json_object_get(op, "responses"), body_statuses[i]))
				fail("%s: no %s response for its body", where, body_statuses[i]);
		json_object_foreach(content, type, p)
			if (strcmp(type, "application/json") && strcmp(type, "application/geo+json"))
				fail("%s: body type %s, but the server takes JSON only", where, type);
	}
	gp_buf_free(&doc_query);
	gp_buf_free(&doc_path);
	gp_buf_free(&caps);
	json_decref(params);
}

/* Is there a route with this method and "/api" + path? */
static int route_exists(const char *method, const char *path)
{
	for (size_t t = 0; gp_api_tables[t]; t++)
		for (const gp_http_route *r = gp_api_tables[t]; r->method; r++)
			if (!strncmp(r->pattern, "/api/", 5) && !strcmp(r->pattern + 4, path) &&
			    !strcasecmp(r->method, method))
				return 1;
	return 0;
}

/* Both ways: every route under /api is described, and nothing else is. */
static void check_all(json_t *doc)
{
	json_t *paths = json_object_get(doc, "paths"), *item;
	const char *path;
	size_t routes = 0, operations = 0;

	for (size_t t = 0; gp_api_tables[t]; t++) {
		for (const gp_http_route *r = gp_api_tables[t]; r->method; r++) {
			if (strncmp(r->pattern, "/api/", 5) != 0) {
				/* /healthz and /metrics: outside the servers URL */
				if (json_object_get(paths, r->pattern))
					fail("%s is not under /api but described", r->pattern);
				continue;
			}
			routes++;
			check_route(doc, r);
		}
	}
	json_object_foreach(paths, path, item) {
		for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
			if (!json_object_get(item, methods[m]))
				continue;
			operations++;
			if (!route_exists(methods[m], path))
				fail("openapi.json describes %s %s, which no route serves", methods[m], path);
		}
	}
	if (operations != routes)
		fail("%zu operations described, %zu routes under /api", operations, routes);
}

static void test_description_covers_the_routes(void)
{
	json_t *doc = load_description();

	if (!doc)
		return;
	CHECK_STR(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
	CHECK(json_object_size(json_object_get(doc, "paths")) >= 19);
	check_all(doc);
	json_decref(doc);
}

/* Runs check_all on a spoilt copy of the description; it must complain. */
static void spoilt(const char *how, void (*spoil)(json_t *doc))
{
	json_t *doc = load_description();
	int before = check_failures, complained;

	if (!doc)
		return;
	spoil(doc);
	fprintf(stderr, "-- expected complaints (%s):\n", how);
	check_all(doc);
	complained = check_failures > before;
	check_failures = before;
	fprintf(stderr, "-- end of expected complaints\n");
	if (!complained)
		fail("a description %s went unnoticed", how);
	json_decref(doc);
}

static json_t *operation(json_t *doc, const char *path, const char *method)
{
	return json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
}

static void drop_a_parameter(json_t *doc)
{
	json_t *params = json_object_get(operation(doc, "/clusters/{cluster_id}/leaves", "get"),
	                                 "parameters");
	json_array_remove(params, json_array_size(params) - 1);
}

static void drop_a_path(json_t *doc)
{
	json_object_del(json_object_get(doc, "paths"), "/hotspots");
}

static void add_an_operation(json_t *doc)
{
	json_object_set(json_object_get(json_object_get(doc, "paths"), "/hotspots"), "post",
	                operation(doc, "/hotspots", "get"));
}

static void add_a_parameter(json_t *doc)
{
	json_array_append_new(json_object_get(operation(doc, "/points/nearby", "get"),
	                                      "parameters"),
	                      json_pack("{s:s, s:s, s:{s:s}}", "name", "offset", "in", "query",
	                                "schema", "type", "integer"));
}

static void drop_a_body(json_t *doc)
{
	json_object_del(operation(doc, "/points/{id}/flag", "post"), "requestBody");
}

/* The checks above must be able to fail. */
static void test_gaps_are_found(void)
{
	spoilt("without a query parameter", drop_a_parameter);
	spoilt("without a path", drop_a_path);
	spoilt("with an operation no route serves", add_an_operation);
	spoilt("with a parameter the route refuses", add_a_parameter);
	spoilt("without a request body", drop_a_body);
}

int main(void)
{
	test_description_covers_the_routes();
	test_gaps_are_found();
	CHECK_DONE();
}
