/*
 * static.c — the web page's files, from the web root and nowhere else.
 *
 * Defence in depth, because this is the one place a path from the network
 * meets the file system: only what the page needs is served — files of the
 * page's types (no JSON: web/package.json and package-lock.json sit in the
 * web root for npm, not for visitors) at the top of the web root or in its
 * page folders (js/, vendor/); every decoded segment is checked (no "..",
 * no hidden names, no backslashes), and the resolved real path must still
 * lie under the real web root, so symlinks cannot lead out.  Directories
 * are never listed.  npm's node_modules/ is never served: the page loads
 * its third-party files from web/vendor/, which tools/web-assets fills with
 * exactly what it needs.  A ".gz" sibling is never asked for by name.
 * A page at the top also answers at its name without ".html" (/umfrage).
 *
 * A client that accepts gzip gets "<file>.gz" instead when that sibling
 * exists and is not older than the file (tools/web-assets writes them;
 * an edited file is served plain until they are written again).
 */
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "http_int.h"

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".woff2", "font/woff2" },
	{ ".webmanifest", "application/manifest+json" },
};

/* The page's folders: a file in any other folder of the web root is not served. */
static const char *const folders[] = { "js", "vendor" };

static int in_page_folder(const gp_http_exchange *x)
{
	if (x->nsegments <= 1)
		return 1; /* the top of the web root */
	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++)
		if (strcmp(x->segments[0], folders[i]) == 0)
			return 1;
	return 0;
}

static const char *type_for(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

/*
 * The Content-Security-Policy for pages: scripts and styles only from here,
 * images also from the configured tile server's origin.
 */
static void csp_for(const gp_config *cfg, char *out, size_t outsz)
{
	char tiles[256] = "";
	const char *u = cfg->tile_url;

	if (u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0)) {
		const char *host = strstr(u, "//") + 2;
		size_t n = strcspn(host, "/");
		/* Tile URLs may use {s} subdomains; allow the whole parent domain. */
		const char *brace = memchr(host, '{', n);
		if (brace) {
			const char *dot = memchr(brace, '.', n - (size_t)(brace - host));
			if (dot)
				snprintf(tiles, sizeof(tiles), " %.*s*%.*s", (int)(host - u), u,
				         (int)(n - (size_t)(dot - host)), dot);
		} else {
			snprintf(tiles, sizeof(tiles), " %.*s", (int)(host - u + (long)n), u);
		}
	}
	snprintf(out, outsz,
	         "default-src 'self'; img-src 'self' data:%s; style-src 'self'; "
	         "script-src 'self'; connect-src 'self'; object-src 'none'; "
	         "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	         tiles);
}

/*
 * Sets out to the precompressed sibling of real (same directory, ".gz"
 * appended) and returns 1 when that is a regular file (not a symlink) not
 * older than real; 0 when there is none to use.
 */
static int gzip_sibling(const char *real, const struct stat *st, char *out, size_t outsz)
{
	struct stat gz;

	if ((size_t)snprintf(out, outsz, "%s.gz", real) >= outsz)
		return 0;
	if (lstat(out, &gz) != 0 || !S_ISREG(gz.st_mode))
		return 0;
	return gz.st_mtime >= st->st_mtime;
}

int gp_http_serve_static(gp_http_exchange *x, gp_err *err)
{
	char path[PATH_MAX], real[PATH_MAX], gz[PATH_MAX + 4], csp[768];
	const char *type;
	int have_gz;
	size_t len, root_len;
	struct stat st;

	if (!x->srv->web_root[0] || !in_page_folder(x))
		return gp_err_set(err, GP_NOT_FOUND, "", "no such resource");
	len = (size_t)snprintf(path, sizeof(path), "%s", x->srv->web_root);
	assert(x->nsegments <= MAX_SEGMENTS);
	for (size_t i = 0; i < x->nsegments; i++) {
		const char *seg = x->segments[i];
		if (seg[0] == '.' || strchr(seg, '\\') || strchr(seg, '/') ||
		    strcmp(seg, "node_modules") == 0)
			return gp_err_set(err, GP_NOT_FOUND, "", "no such resource");
		if (!seg[0] && i + 1 < x->nsegments)
			return gp_err_set(err, GP_NOT_FOUND, "", "no such resource");
		if (!seg[0])
			break;
		len += (size_t)snprintf(path + len, sizeof(path) - len, "/%s", seg);
		if (len >= sizeof(path))
			return gp_err_set(err, GP_NOT_FOUND, "", "no such resource");
	}
	/* A page's short address: /umfrage is umfrage.html (a name without a dot, at the top). */
	if (x->nsegments == 1 && x->segments[0][0] && !strchr(x->segments[0], '.')) {
		len += (size_t)snprintf(path + len, sizeof(path) - len, ".html");
		if (len >= sizeof(path))
			return gp_err_set(err, GP_NOT_FOUND, "", "no such resource");
	}
	if (x->nsegments == 0 || !x->segments[x->nsegments - 1][0]) {
		len += (size_t)snprintf(path + len, sizeof(path) - len, "/index.html");
		if (len >= sizeof(path))
			return gp_err_set(err, GP_NOT_FOUND, "", "no such resource");
	}
	if (!realpath(path, real) || stat(real, &st) != 0 || !S_ISREG(st.st_mode))
		return gp_err_set(err, GP_NOT_FOUND, "", "no such resource");
	root_len = strlen(x->srv->web_root);
	if (strncmp(real, x->srv->web_root, root_len) != 0 || real[root_len] != '/')
		return gp_err_set(err, GP_NOT_FOUND, "", "no such resource");
	if (!(type = type_for(real)))
		return gp_err_set(err, GP_NOT_FOUND, "", "no such resource");
	gp_buf_reset(&x->out);
	gp_http_put_common_headers(&x->out);
	if (strncmp(type, "text/html", 9) == 0) {
		csp_for(x->srv->cfg, csp, sizeof(csp));
		gp_buf_printf(&x->out, "Content-Security-Policy: %s\r\n", csp);
	}
	have_gz = gzip_sibling(real, &st, gz, sizeof(gz));
	if (have_gz)
		gp_buf_puts(&x->out, "Vary: Accept-Encoding\r\n");
	if (have_gz && gp_http_accepts_gzip(x))
		gp_buf_puts(&x->out, "Content-Encoding: gzip\r\n");
	else
		have_gz = 0;
	if (gp_buf_status(&x->out))
		return GP_ENOMEM;
	/*
	 * civetweb handles HEAD, ranges and If-None-Match/ETag here (for the
	 * compressed copy: its ETag differs from the plain file's, as it must).
	 */
	mg_send_mime_file2(x->conn, have_gz ? gz : real, type, x->out.data);
	gp_buf_reset(&x->out);
	x->status = 200;
	return HTTP_ANSWERED;
}
