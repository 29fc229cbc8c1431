/*
 * exchange.c — one request/response: parsing the target (path segments and
 * query parameters, strictly), the accessors handlers use, and sending the
 * response with the headers every reply carries; also the answers that need
 * no exchange (civetweb's errors, OPTIONS *), all with a status line of our
 * own making.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http_int.h"

/*
 * Response buffers are kept for the next request instead of freed: a
 * fresh one grows by doubling from 256 bytes, and every page it then
 * touches for the first time costs a page fault — for a 55 KB page of
 * features about a tenth of its request, for 5 MB of them more than the
 * rows.  At most KEPT_BUFFERS of at most KEPT_BYTES each are kept, so
 * what rests is bounded whatever the number of threads.
 */
#define KEPT_BUFFERS 16
#define KEPT_BYTES ((size_t)16 << 20)

static pthread_mutex_t kept_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *data;
	size_t cap;
} kept[KEPT_BUFFERS];
static size_t nkept;

void gp_http_buf_take(gp_buf *b, size_t max)
{
	gp_buf_init(b, max);
	pthread_mutex_lock(&kept_mu);
	/* The largest kept one that the maximum allows: the last kept is the warmest. */
	for (size_t i = nkept; i-- > 0;) {
		if (kept[i].cap > max + 1)
			continue;
		b->data = kept[i].data;
		b->cap = kept[i].cap;
		kept[i] = kept[--nkept];
		b->data[0] = '\0';
		break;
	}
	pthread_mutex_unlock(&kept_mu);
}

void gp_http_buf_give(gp_buf *b)
{
	if (b->data && b->cap <= KEPT_BYTES) {
		pthread_mutex_lock(&kept_mu);
		if (nkept < KEPT_BUFFERS) {
			kept[nkept].data = b->data;
			kept[nkept].cap = b->cap;
			nkept++;
			b->data = NULL;
		}
		pthread_mutex_unlock(&kept_mu);
	}
	gp_buf_free(b);
}

void gp_http_put_common_headers(gp_buf *b, const gp_config *page, const char *style_src)
{
	gp_buf_puts(b, "X-Content-Type-Options: nosniff\r\n"
	               "Referrer-Policy: no-referrer\r\n"
	               "Cross-Origin-Resource-Policy: same-origin\r\n");
	if (page)
		gp_http_page_headers(page, style_src, b);
	else
		gp_buf_puts(b, "X-Frame-Options: DENY\r\n");
}

/*
 * The status line is always ours: the client's version text is only ever
 * compared, never copied, so a request line like "GET / HTTP/1.1 X: y"
 * cannot put anything into the answer.  HTTP/1.0 clients hear 1.0.
 */
void gp_http_put_status_line(gp_buf *b, const struct mg_request_info *ri, int status)
{
	gp_buf_printf(b, "HTTP/%s %d %s\r\n", gp_http_is_10(ri) ? "1.0" : "1.1", status,
	              gp_http_reason(status));
}

int gp_http_is_10(const struct mg_request_info *ri)
{
	return ri && ri->http_version && strcmp(ri->http_version, "1.0") == 0;
}

static void put_date(gp_buf *b)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	gp_buf_printf(b, "Date: %s\r\n", date);
}

int gp_http_send_bare(struct mg_connection *conn, int status, const char *type,
                      const char *lines, const char *body, size_t len)
{
	const struct mg_request_info *ri = mg_get_request_info(conn);
	int head_only = ri && ri->request_method && strcmp(ri->request_method, "HEAD") == 0;
	int rc = 0;
	gp_buf b;

	gp_buf_init(&b, HEADER_SPACE * 2 + len);
	gp_http_put_status_line(&b, ri, status);
	if (type)
		gp_buf_printf(&b, "Content-Type: %s\r\n", type);
	gp_http_put_common_headers(&b, NULL, NULL);
	gp_buf_puts(&b, lines ? lines : "");
	if (status != 204)
		gp_buf_printf(&b, "Content-Length: %zu\r\n", len);
	put_date(&b);
	gp_buf_puts(&b, "Connection: close\r\n\r\n");
	if (!head_only && status != 204)
		gp_buf_append(&b, body, len);
	mg_disable_connection_keep_alive(conn);
	if (gp_buf_status(&b) || mg_write(conn, b.data, b.len) <= 0)
		rc = GP_EIO;
	gp_buf_free(&b);
	return rc;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Percent-decodes s[0..n) into a new string; '+' means space only in query
 * strings.  Refuses bad escapes, NUL and invalid UTF-8.
 */
static char *decode(const char *s, size_t n, int plus_is_space)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n)
				goto bad;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				goto bad;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	if (gp_utf8_check(out, (size_t)(o - out), NULL, NULL))
		goto bad;
	return out;
bad:
	free(out);
	return (char *)-1;
}

/*
 * Appends a decoded segment, taking ownership of seg.  No route or page
 * file is deeper than MAX_SEGMENTS, so a longer path names nothing: 404,
 * and never a write past the array.
 */
static int add_segment(gp_http_exchange *x, char *seg, gp_err *err)
{
	if (!seg)
		return GP_ENOMEM;
	if (x->nsegments == MAX_SEGMENTS) {
		free(seg);
		return gp_err_set(err, GP_NOT_FOUND, "",
		                  "no such resource: the path has more than %d segments",
		                  MAX_SEGMENTS);
	}
	x->segments[x->nsegments++] = seg;
	return 0;
}

int gp_http_check_head(gp_http_exchange *x, gp_err *err)
{
	const struct mg_request_info *ri = x->ri;
	size_t target = strlen(ri->request_uri ? ri->request_uri : "") +
	                (ri->query_string ? 1 + strlen(ri->query_string) : 0);
	/* the request line: method, target, "HTTP/1.1" and the separators */
	size_t total = strlen(ri->request_method) + target + 12;

	if (target > TARGET_MAX)
		return gp_err_set(err, GP_TARGET_TOO_LONG, "",
		                  "the request target (path and query) has %zu bytes; at most %d "
		                  "are accepted", target, TARGET_MAX);
	for (int i = 0; i < ri->num_headers; i++) {
		size_t line = strlen(ri->http_headers[i].name) + 2 +
		              strlen(ri->http_headers[i].value) + 2;

		if (line > FIELD_MAX)
			return gp_err_set(err, GP_HEAD_TOO_LARGE, ri->http_headers[i].name,
			                  "the header field %.40s has %zu bytes; a header line may "
			                  "have at most %d", ri->http_headers[i].name, line,
			                  FIELD_MAX);
		total += line;
	}
	if (total + 2 > HEAD_MAX)
		return gp_err_set(err, GP_HEAD_TOO_LARGE, "",
		                  "the request head has %zu bytes; at most %d are accepted",
		                  total + 2, HEAD_MAX);
	return 0;
}

int gp_http_parse_target(gp_http_exchange *x, gp_err *err)
{
	const char *raw = x->ri->local_uri_raw ? x->ri->local_uri_raw : x->ri->local_uri;
	const char *q = x->ri->query_string;
	const char *p;
	char *d;

	if (!raw || raw[0] != '/')
		return gp_err_set(err, GP_BAD_REQUEST, "", "the request target must be a path");
	d = decode(raw, strlen(raw), 0);
	if (d == (char *)-1)
		return gp_err_set(err, GP_BAD_REQUEST, "", "the path is not validly encoded");
	if (!d)
		return GP_ENOMEM;
	x->path = d;
	/* Segments of the raw path, each decoded on its own: %2F stays inside. */
	p = raw + 1;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		int rc;

		d = decode(p, n, 0);
		if (d == (char *)-1)
			return gp_err_set(err, GP_BAD_REQUEST, "", "the path is not validly encoded");
		if ((rc = add_segment(x, d, err)))
			return rc;
		if (!slash)
			break;
		p = slash + 1;
		/* a trailing slash is an empty last segment */
		if (!*p && (rc = add_segment(x, strdup(""), err)))
			return rc;
	}
	if (!q || !*q)
		return 0;
	while (*q) {
		const char *amp = strchr(q, '&');
		size_t n = amp ? (size_t)(amp - q) : strlen(q);
		const char *eq = memchr(q, '=', n);
		char *name, *value;

		if (n == 0) {
			q += amp ? 1 : 0;
			if (!amp)
				break;
			continue;
		}
		if (x->nparams == MAX_PARAMS)
			return gp_err_set(err, GP_BAD_REQUEST, "", "too many query parameters");
		name = decode(q, eq ? (size_t)(eq - q) : n, 1);
		value = eq ? decode(eq + 1, n - (size_t)(eq - q) - 1, 1) : strdup("");
		if (name == (char *)-1 || value == (char *)-1) {
			if (name != (char *)-1)
				free(name);
			if (value != (char *)-1)
				free(value);
			return gp_err_set(err, GP_BAD_REQUEST, "", "the query string is not validly encoded");
		}
		if (!name || !value) {
			free(name);
			free(value);
			return GP_ENOMEM;
		}
		for (size_t i = 0; i < x->nparams; i++) {
			if (strcmp(x->params[i].name, name) == 0) {
				gp_err_set(err, GP_BAD_REQUEST, name, "parameter %.40s is given twice", name);
				free(name);
				free(value);
				return GP_BAD_REQUEST;
			}
		}
		x->params[x->nparams].name = name;
		x->params[x->nparams].value = value;
		x->nparams++;
		if (!amp)
			break;
		q = amp + 1;
	}
	return 0;
}

int gp_http_check_params(gp_http_exchange *x, const gp_http_route *r, gp_err *err)
{
	for (size_t i = 0; i < x->nparams; i++) {
		const char *name = x->params[i].name;
		size_t n = strlen(name);
		const char *p = r->params;
		int ok = 0;

		while (p && *p && !ok) {
			const char *sp = strchr(p, ' ');
			size_t k = sp ? (size_t)(sp - p) : strlen(p);
			ok = k == n && strncmp(p, name, n) == 0;
			p = sp ? sp + 1 : p + k;
		}
		if (!ok)
			return gp_err_set(err, GP_BAD_REQUEST, name,
			                  "unknown query parameter \"%.40s\"%s%s", name,
			                  r->params ? "; allowed: " : "; this resource takes none",
			                  r->params ? r->params : "");
	}
	return 0;
}

void gp_http_exchange_clear(gp_http_exchange *x)
{
	free(x->path);
	for (size_t i = 0; i < x->nsegments; i++)
		free(x->segments[i]);
	for (size_t i = 0; i < x->nparams; i++) {
		free(x->params[i].name);
		free(x->params[i].value);
	}
	free(x->body);
	gp_http_buf_give(&x->out);
	gp_http_head_begins(0); /* civetweb reads the next request now */
}

void *gp_http_worker(gp_http_exchange *x)
{
	http_thread *t = mg_get_thread_pointer(x->conn);

	return t ? t->worker : NULL;
}

const char *gp_http_method(const gp_http_exchange *x)
{
	return x->ri->request_method;
}

const char *gp_http_path(const gp_http_exchange *x)
{
	return x->path;
}

const char *gp_http_arg(const gp_http_exchange *x, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < x->nargs; i++)
		if (x->arg_name_lens[i] == n && strncmp(x->arg_names[i], name, n) == 0)
			return x->arg_values[i];
	return NULL;
}

const char *gp_http_param(const gp_http_exchange *x, const char *name)
{
	for (size_t i = 0; i < x->nparams; i++)
		if (strcmp(x->params[i].name, name) == 0)
			return x->params[i].value;
	return NULL;
}

const char *gp_http_header(const gp_http_exchange *x, const char *name)
{
	return mg_get_header(x->conn, name);
}

const char *gp_http_body(const gp_http_exchange *x, size_t *out_len)
{
	if (out_len)
		*out_len = x->body_len;
	return x->body;
}

/* Host header characters that can appear in a URL authority. */
static int host_ok(const char *h)
{
	if (!h || !*h || strlen(h) > 255)
		return 0;
	for (; *h; h++)
		if (!isalnum((unsigned char)*h) && !strchr(".-:[]_", *h))
			return 0;
	return 1;
}

/*
 * The authority of an absolute-form target ("http://host:port/path"), which
 * RFC 9112 (3.2.2) puts before the Host header; NULL for origin form.
 */
static const char *target_authority(const gp_http_exchange *x, char *out, size_t outsz)
{
	const char *uri = x->ri->request_uri, *start, *end;

	if (!uri || uri[0] == '/' || !(start = strstr(uri, "://")))
		return NULL;
	start += 3;
	end = start + strcspn(start, "/?#");
	if ((size_t)(end - start) >= outsz)
		return NULL;
	memcpy(out, start, (size_t)(end - start));
	out[end - start] = '\0';
	return out;
}

void gp_http_base_url(const gp_http_exchange *x, gp_buf *out)
{
	const char *pub = x->srv->cfg->public_url;
	char authority[256];
	const char *host = target_authority(x, authority, sizeof(authority));

	if (pub && *pub) {
		size_t n = strlen(pub);
		while (n > 0 && pub[n - 1] == '/')
			n--;
		gp_buf_append(out, pub, n);
		return;
	}
	if (!host)
		host = mg_get_header(x->conn, "Host");
	if (host_ok(host))
		gp_buf_printf(out, "http://%s", host);
	else
		gp_buf_printf(out, "http://127.0.0.1:%d", x->srv->port);
}

static void put_encoded(gp_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~:,", c)) {
			gp_buf_putc(out, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			gp_buf_append(out, e, 3);
		}
	}
}

void gp_http_url_with(const gp_http_exchange *x, gp_buf *out, const char *name,
                      const char *value)
{
	int first = 1, replaced = 0;

	gp_http_base_url(x, out);
	for (size_t i = 0; i < x->nsegments; i++) {
		gp_buf_putc(out, '/');
		put_encoded(out, x->segments[i]);
	}
	if (x->nsegments == 0)
		gp_buf_putc(out, '/');
	for (size_t i = 0; i < x->nparams; i++) {
		const char *v = x->params[i].value;
		if (name && strcmp(x->params[i].name, name) == 0) {
			v = value;
			replaced = 1;
		}
		gp_buf_putc(out, first ? '?' : '&');
		first = 0;
		put_encoded(out, x->params[i].name);
		gp_buf_putc(out, '=');
		put_encoded(out, v);
	}
	if (name && !replaced) {
		gp_buf_putc(out, first ? '?' : '&');
		put_encoded(out, name);
		gp_buf_putc(out, '=');
		put_encoded(out, value);
	}
}

gp_buf *gp_http_out(gp_http_exchange *x)
{
	return &x->out;
}

void gp_http_set_status(gp_http_exchange *x, int status)
{
	x->status = status;
}

void gp_http_set_type(gp_http_exchange *x, const char *content_type)
{
	x->type = content_type;
}

void gp_http_set_page(gp_http_exchange *x)
{
	x->type = GP_PAGE_TYPE;
	x->page = 1;
}

static int add_line(char *buf, size_t *len, size_t cap, const char *name, const char *value)
{
	size_t need = strlen(name) + strlen(value) + 4;

	if (strpbrk(value, "\r\n") || strpbrk(name, "\r\n:"))
		return GP_INVALID;
	if (*len + need >= cap)
		return GP_TOO_LARGE;
	*len += (size_t)snprintf(buf + *len, cap - *len, "%s: %s\r\n", name, value);
	return 0;
}

int gp_http_add_header(gp_http_exchange *x, const char *name, const char *value)
{
	return add_line(x->headers, &x->headers_len, sizeof(x->headers), name, value);
}

int gp_http_add_header_always(gp_http_exchange *x, const char *name, const char *value)
{
	return add_line(x->always, &x->always_len, sizeof(x->always), name, value);
}

void gp_http_set_private(gp_http_exchange *x)
{
	if (!strstr(x->always, "Cache-Control: no-store"))
		gp_http_add_header_always(x, "Cache-Control", "no-store");
}

/* Is addr one of the space/comma separated trusted proxies? */
static int trusted(const gp_http_exchange *x, const char *addr)
{
	return gp_config_list_has(x->srv->cfg->trusted_proxies, addr);
}

void gp_http_client_addr(const gp_http_exchange *x, char *out, size_t outsz)
{
	const char *xff;
	char list[1024];

	gp_strlcpy(out, x->ri->remote_addr, outsz);
	if (!trusted(x, out) || !(xff = mg_get_header(x->conn, "X-Forwarded-For")))
		return;
	/* Walk from the right: the last hop we do not trust is the client. */
	gp_strlcpy(list, xff, sizeof(list));
	for (;;) {
		char *comma = strrchr(list, ',');
		char *item = comma ? comma + 1 : list;
		while (*item == ' ')
			item++;
		for (char *e = item + strlen(item); e > item && e[-1] == ' ';)
			*--e = '\0';
		if (!*item)
			return;
		gp_strlcpy(out, item, outsz);
		if (!trusted(x, item) || !comma)
			return;
		*comma = '\0';
	}
}

/*
 * Whether civetweb will keep this connection open after the response: the
 * same rules it applies itself (configuration, the request's Connection
 * header and HTTP version), so the header we send says what will happen;
 * and none while threads run short (threads.c).  A stream to an HTTP/1.0
 * client ends with the connection, which knows no chunks.
 */
static int keep_alive(gp_http_exchange *x, long long content_length)
{
	const char *conn = mg_get_header(x->conn, "Connection");
	const char *version = x->ri->http_version;

	if (x->srv->cfg->keep_alive_ms <= 0 || !gp_http_may_keep_alive(x))
		return 0;
	if (x->events_wait) /* an event stream ends only when the connection does */
		return 0;
	if (content_length < 0 && gp_http_is_10(x->ri))
		return 0;
	/*
	 * civetweb 1.15 reads only an empty trailer after a chunked body and
	 * closes the connection after any other: say so when the client
	 * announced trailer fields (RFC 9112 7.1.2).  Unannounced ones it
	 * cannot tell us about.
	 */
	if (mg_get_header(x->conn, "Trailer") && mg_get_header(x->conn, "Transfer-Encoding"))
		return 0;
	/* a body the client holds back until a 100 it never got (body.c) */
	if (gp_http_body_withheld(x))
		return 0;
	if (conn)
		return strcasestr(conn, "keep-alive") != NULL;
	return version && strcmp(version, "1.1") == 0;
}

/*
 * The status line and headers in one buffer.  civetweb's header API sends
 * every header line with a syscall of its own; one write per response
 * halves the kernel time of a small request.
 */
static void head(gp_http_exchange *x, gp_buf *b, long long content_length)
{
	int keep = keep_alive(x, content_length);

	if (!keep)
		mg_disable_connection_keep_alive(x->conn);
	gp_http_put_status_line(b, x->ri, x->status);
	gp_buf_printf(b, "Content-Type: %s\r\n", x->type ? x->type : GP_JSON_TYPE);
	/* A problem answering a page's request is JSON, framed by nobody. */
	gp_http_put_common_headers(b, x->page && x->type && strncmp(x->type, "text/html", 9) == 0
	                                      ? x->srv->cfg : NULL, x->style_src);
	gp_buf_puts(b, x->always);
	gp_buf_puts(b, x->headers);
	if (content_length >= 0)
		gp_buf_printf(b, "Content-Length: %lld\r\n", content_length);
	else if (gp_http_is_10(x->ri))
		x->close_delimited = 1;
	else
		gp_buf_puts(b, "Transfer-Encoding: chunked\r\n");
	put_date(b);
	gp_buf_printf(b, "Connection: %s\r\n\r\n", keep ? "keep-alive" : "close");
}

/* Below this, gzip saves too little to pay for itself. */
#define GZIP_MIN_BYTES 1024

void gp_http_send(gp_http_exchange *x)
{
	gp_buf out;
	const char *body;
	char *zipped = NULL;
	size_t body_len, zipped_len = 0;

	if (x->streaming) {
		/* Too late for a status: end the stream where it stands. */
		if (gp_buf_status(&x->out) == 0 && x->out.len)
			gp_http_stream_flush(x);
		if (!x->is_head && !x->close_delimited)
			mg_send_chunk(x->conn, "", 0);
		return;
	}
	if (gp_buf_status(&x->out)) {
		gp_err e;
		int code = gp_buf_status(&x->out);
		gp_err_set(&e, code, "", "the response would be too large; narrow the request");
		gp_buf_reset(&x->out);
		x->headers_len = 0;
		x->headers[0] = '\0';
		gp_http_send_problem(x, code, &e);
		return;
	}
	if (!x->status)
		x->status = 200;
	body = x->out.data;
	body_len = x->out.len;
	/* Bodies worth it go gzip-compressed to clients that take it (gzip.c). */
	if (body_len >= GZIP_MIN_BYTES && !x->encoded) {
		gp_http_add_header(x, "Vary", "Accept-Encoding");
		if (gp_http_accepts_gzip(x) &&
		    gp_http_gzip(&zipped, &zipped_len, body, body_len) == 0 &&
		    zipped_len < body_len &&
		    gp_http_add_header(x, "Content-Encoding", "gzip") == 0) {
			body = zipped;
			body_len = zipped_len;
		}
	}
	gp_http_buf_take(&out, HEADER_SPACE * 3 + 65536);
	head(x, &out, (long long)body_len);
	/* Small bodies travel in the same write as the headers. */
	if (!x->is_head && body_len <= 65536)
		gp_buf_append(&out, body, body_len);
	if (gp_buf_status(&out) == 0) {
		mg_write(x->conn, out.data, out.len);
		if (!x->is_head && body_len > 65536)
			mg_write(x->conn, body, body_len);
	}
	gp_http_buf_give(&out);
	free(zipped);
	x->bytes_sent = (long long)body_len;
}

int gp_http_stream_flush(gp_http_exchange *x)
{
	if (!x->streaming) {
		gp_buf out;
		int failed;

		if ((failed = gp_http_stream_open(x)))
			return failed;
		if (!x->status)
			x->status = 200;
		gp_buf_init(&out, HEADER_SPACE * 3);
		head(x, &out, -1);
		failed = gp_buf_status(&out) || mg_write(x->conn, out.data, out.len) <= 0;
		gp_buf_free(&out);
		x->streaming = 1;
		if (failed)
			return GP_EIO;
	}
	if (gp_buf_status(&x->out))
		return gp_buf_status(&x->out);
	if (x->out.len && !x->is_head) {
		if (gp_http_stream_send(x, x->out.data, x->out.len))
			return GP_EIO;
		x->bytes_sent += (long long)x->out.len;
	}
	gp_buf_reset(&x->out);
	return 0;
}

int gp_http_answer_events(gp_http_exchange *x, gp_http_wait_fn wait, void *arg,
                          void (*free_arg)(void *))
{
	int rc;

	if ((rc = gp_http_live_open(x))) {
		if (free_arg)
			free_arg(arg);
		gp_http_add_header_always(x, "Retry-After", "5");
		return rc;
	}
	x->events_wait = wait;
	x->events_arg = arg;
	x->events_free = free_arg;
	return 0;
}

int gp_http_events_send(gp_http_exchange *x)
{
	gp_buf out;
	int failed;

	if (gp_buf_status(&x->out))
		return gp_buf_status(&x->out);
	gp_buf_init(&out, HEADER_SPACE * 3 + x->out.len + 32);
	if (!x->streaming) {
		if (!x->status)
			x->status = 200;
		x->type = "text/event-stream; charset=utf-8";
		/* nginx buffers a proxied answer unless told otherwise, also per answer */
		gp_http_add_header(x, "X-Accel-Buffering", "no");
		gp_http_add_header(x, "Cache-Control", "no-store");
		head(x, &out, -1);
		x->streaming = 1;
	}
	if (x->out.len && !x->is_head) {
		if (!x->close_delimited)
			gp_buf_printf(&out, "%zx\r\n", x->out.len);
		gp_buf_append(&out, x->out.data, x->out.len);
		if (!x->close_delimited)
			gp_buf_puts(&out, "\r\n");
	}
	/* one write per send: the headers with the first events, a chunk whole */
	failed = gp_buf_status(&out) ||
	         (out.len && mg_write(x->conn, out.data, out.len) != (int)out.len);
	if (!failed)
		x->bytes_sent += (long long)x->out.len;
	gp_buf_free(&out);
	gp_buf_reset(&x->out);
	return failed ? GP_EIO : 0;
}

/* Every method some route answers, as an Allow header line, for OPTIONS *. */
static void put_allow_all(gp_buf *b, const gp_http_server *srv)
{
	const char *methods[16];
	size_t n = 0;

	for (size_t t = 0; srv->tables[t]; t++) {
		for (const gp_http_route *r = srv->tables[t]; r->method; r++) {
			const char *add[2] = { r->method, strcmp(r->method, "GET") ? NULL : "HEAD" };
			for (size_t a = 0; a < 2 && add[a]; a++) {
				size_t k = 0;
				while (k < n && strcmp(methods[k], add[a]))
					k++;
				if (k == n && n < 15)
					methods[n++] = add[a];
			}
		}
	}
	methods[n++] = "OPTIONS";
	gp_buf_puts(b, "Allow: ");
	for (size_t i = 0; i < n; i++)
		gp_buf_printf(b, "%s%s", i ? ", " : "", methods[i]);
	gp_buf_puts(b, "\r\n");
}

void gp_http_answer_unrouted(struct mg_connection *conn, const gp_http_server *srv)
{
	const struct mg_request_info *ri = mg_get_request_info(conn);
	gp_buf b;

	if (gp_http_civetweb_answered())
		return; /* civetweb's error path answered already */
	if (!ri || !ri->request_method || !ri->request_uri || ri->local_uri)
		return; /* nothing was parsed, or the request was routed as usual */
	gp_buf_init(&b, 4096);
	if (strcmp(ri->request_uri, "*") == 0 && strcmp(ri->request_method, "OPTIONS") == 0) {
		/* RFC 9110 9.3.7: about the server as a whole */
		put_allow_all(&b, srv);
		if (gp_buf_status(&b) == 0)
			gp_http_send_bare(conn, 204, NULL, b.data, NULL, 0);
	} else {
		int status = strcmp(ri->request_uri, "*") == 0 ? 400 : 421;
		gp_http_problem_for_status(&b, status,
		                           status == 400 ? "the target * is for OPTIONS only"
		                                         : "the request names another server; this "
		                                           "server answers for its own address only "
		                                           "and is not a proxy",
		                           NULL, NULL);
		if (gp_buf_status(&b) == 0)
			gp_http_send_bare(conn, status, GP_PROBLEM_TYPE, NULL, b.data, b.len);
	}
	gp_buf_free(&b);
}
