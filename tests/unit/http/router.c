/*
 * Unit test for http/'s router, through its public API only: a server
 * started with gp_http_server_start() on 127.0.0.1 and an ephemeral port,
 * with route tables whose patterns overlap, asked over a real socket which
 * handler answers.  The rules (src/README.md): of two routes that match a
 * path, the one with fewer captures wins, whatever the table order; among
 * equally specific ones the one listed first; a path whose routes take
 * other methods is a 405 with Allow, and GET routes answer HEAD; a
 * pattern ending in '/' matches that path with its slash only.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../check.h"
#include "config/config.h"
#include "http/http.h"

/* Each handler answers with its own name. */
#define HANDLER(fn, text)                                         \
	static int fn(gp_http_exchange *x, gp_err *err)            \
	{                                                         \
		(void)err;                                        \
		gp_buf_puts(gp_http_out(x), text);                \
		gp_http_set_type(x, "text/plain; charset=utf-8"); \
		return 0;                                         \
	}

HANDLER(capture, "capture")
HANDLER(literal, "literal")
HANDLER(first, "first")
HANDLER(second, "second")
HANDLER(two_captures, "two captures")
HANDLER(one_capture, "one capture")
HANDLER(posted, "posted")
HANDLER(folder, "folder")

/* The capture route is listed before the literal one, in an earlier table. */
static const gp_http_route table_a[] = {
	{ "GET", "/t/{id}", capture, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/u/{a}", first, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/u/{b}", second, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/v/{a}/{b}", two_captures, NULL, GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};

static const gp_http_route table_b[] = {
	{ "GET", "/t/literal", literal, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/v/w/{b}", one_capture, NULL, GP_HTTP_NO_BODY, 0 },
	{ "POST", "/m", posted, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/f/", folder, NULL, GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};

static const gp_http_route *const tables[] = { table_a, table_b, NULL };

static int worker_token;

static void *worker_new(void *ctx)
{
	(void)ctx;
	return &worker_token; /* the router needs a worker, not what it is */
}

static void worker_free(void *ctx, void *worker)
{
	(void)ctx;
	(void)worker;
}

typedef struct answer {
	int status;
	char head[2048];
	char body[256];
} answer;

/* One request on its own connection; the whole answer read back. */
static void ask(int port, const char *method, const char *path, answer *out)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	char req[256], buf[4096];
	size_t got = 0;
	ssize_t n;
	char *end;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(out, 0, sizeof(*out));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		fprintf(stderr, "cannot connect to port %d\n", port);
		check_failures++;
		if (fd >= 0)
			close(fd);
		return;
	}
	snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
	         "Content-Length: 0\r\n\r\n", method, path);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		check_failures++;
	while (got < sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	sscanf(buf, "HTTP/1.1 %d", &out->status);
	if ((end = strstr(buf, "\r\n\r\n"))) {
		gp_strlcpy(out->body, end + 4, sizeof(out->body));
		*end = '\0';
	}
	gp_strlcpy(out->head, buf, sizeof(out->head));
}

static void expect(int port, const char *method, const char *path, int status,
                   const char *body)
{
	answer a;

	ask(port, method, path, &a);
	if (a.status != status || (body && strcmp(a.body, body) != 0))
		fprintf(stderr, "%s %s: %d \"%s\", want %d \"%s\"\n", method, path, a.status, a.body,
		        status, body ? body : "(any)");
	CHECK_INT(a.status, status);
	if (body)
		CHECK_STR(a.body, body);
}

int main(void)
{
	gp_http_hooks hooks = { .worker_new = worker_new, .worker_free = worker_free };
	gp_http_server *srv = NULL;
	gp_config cfg;
	answer a;
	gp_err err;
	int port;

	gp_log_set_level(GP_LOG_WARN);
	CHECK_INT(gp_config_defaults(&cfg), 0);
	CHECK_INT(gp_config_set(&cfg, "listen", "127.0.0.1:0", &err), 0);
	CHECK_INT(gp_config_set(&cfg, "threads", "8", &err), 0);
	CHECK_INT(gp_config_normalise(&cfg, &err), 0);
	CHECK_INT(gp_http_server_start(&srv, &cfg, tables, &hooks, &err), 0);
	if (!srv)
		CHECK_DONE();
	port = gp_http_server_port(srv);
	CHECK(port > 0);

	/* Fewer captures win whatever the order of routes and tables ... */
	expect(port, "GET", "/t/literal", 200, "literal");
	expect(port, "GET", "/t/7", 200, "capture");
	expect(port, "GET", "/v/w/3", 200, "one capture");
	expect(port, "GET", "/v/x/3", 200, "two captures");
	/* ... and among equals the first listed. */
	expect(port, "GET", "/u/1", 200, "first");
	/* GET routes answer HEAD, without a body. */
	ask(port, "HEAD", "/t/literal", &a);
	CHECK_INT(a.status, 200);
	CHECK_STR(a.body, "");
	/* A path whose routes take other methods: 405 naming them. */
	ask(port, "GET", "/m", &a);
	CHECK_INT(a.status, 405);
	CHECK(strstr(a.head, "\r\nAllow: POST") != NULL);
	expect(port, "POST", "/m", 200, "posted");
	/* A pattern ending in '/' is a folder: only the path with that slash. */
	expect(port, "GET", "/f/", 200, "folder");
	expect(port, "GET", "/f", 404, NULL);
	expect(port, "GET", "/f/x", 404, NULL);
	/* No route at all. */
	expect(port, "GET", "/t", 404, NULL);
	expect(port, "GET", "/t/1/2", 404, NULL);

	gp_http_server_stop(srv);
	gp_config_clear(&cfg);
	CHECK_DONE();
}
