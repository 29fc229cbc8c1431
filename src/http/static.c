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
 *
 * Caching: tools/web-hash.py writes a copy of each script, style sheet and
 * icon named after its content (NAME.<10 hex digits>.EXT) and lists them
 * in the web root's .assets.  Such a name is served "immutable" for a
 * year: its content never changes.  An HTML page is served with the
 * links of .assets swapped for the hashed names, "no-cache" and an ETag,
 * so a repeat visit asks for the page (304 when unchanged) and for
 * nothing else.  Other files: "no-cache" and civetweb's ETag.
 *
 * Two comments in a page are directives.  <!--inline:REL--> puts the style
 * sheet REL into the page as a <style> element (what the first paint
 * needs then comes with the page, not a round trip later): its text and
 * SHA-256 come from web_root/.inline, which tools/web-hash.py writes beside
 * .assets, and the hash joins the page's style-src; without an entry there
 * the page links the sheet instead.  <!--part:NAME--> is replaced by the
 * text the route gave for NAME (gp_http_serve_web_page), or by nothing.
 */
#include <assert.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
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
 * The headers of an HTML page.  Its Content-Security-Policy admits scripts
 * and styles from here only, images also from the configured tile server's
 * origin, and lets the sites of frame_ancestors embed it.  X-Frame-Options
 * (for browsers without CSP level 2) can only say DENY or SAMEORIGIN: it
 * goes out for 'none' and 'self' alone and is left out when other sites
 * may embed the page, where it would forbid what the CSP allows.
 */
void gp_http_page_headers(const gp_config *cfg, const char *style_src, gp_buf *out)
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
	gp_buf_printf(out,
	              "Content-Security-Policy: default-src 'self'; img-src 'self' data:%s; "
	              "style-src 'self'%s; script-src 'self'; connect-src 'self'; "
	              "object-src 'none'; base-uri 'none'; form-action 'self'; "
	              "frame-ancestors %s\r\n",
	              tiles, style_src ? style_src : "", cfg->frame_ancestors);
	if (strcmp(cfg->frame_ancestors, "'none'") == 0)
		gp_buf_puts(out, "X-Frame-Options: DENY\r\n");
	else if (strcmp(cfg->frame_ancestors, "'self'") == 0)
		gp_buf_puts(out, "X-Frame-Options: SAMEORIGIN\r\n");
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

/* Is the last name of path NAME.<10 hex digits>.EXT, a content-hashed copy? */
static int is_hashed(const char *path)
{
	const char *ext = strrchr(path, '.'), *p;
	int n = 0;

	if (!ext || ext - path < 12)
		return 0;
	for (p = ext - 1; p > path && *p != '.' && *p != '/'; p--, n++)
		if (!strchr("0123456789abcdef", *p))
			return 0;
	return n == 10 && *p == '.';
}

/* Appends the whole file at path to b; 0, or GP_NOT_FOUND when it cannot be read. */
static int read_file(const char *path, gp_buf *b)
{
	char chunk[16384];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	if (!f)
		return GP_NOT_FOUND;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gp_buf_append(b, chunk, n);
	if (ferror(f))
		rc = GP_NOT_FOUND;
	fclose(f);
	return rc ? rc : gp_buf_status(b);
}

/*
 * The hashed name .assets lists for the web root path `ref` (as an
 * attribute gives it, without a leading "/"), copied to out; 0 when none.
 */
static int hashed_name(const char *assets, const char *ref, size_t n, char *out, size_t outsz)
{
	for (const char *line = assets; line && *line;) {
		const char *sp = strchr(line, ' '), *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if (sp && sp < end && (size_t)(sp - line) == n && strncmp(line, ref, n) == 0 &&
		    (size_t)(end - sp - 1) < outsz) {
			memcpy(out, sp + 1, (size_t)(end - sp - 1));
			out[end - sp - 1] = '\0';
			return 1;
		}
		line = *end ? end + 1 : end;
	}
	return 0;
}

/* FNV-1a over the bytes: an ETag that changes with the page. */
static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211u;
	}
	return h;
}

/*
 * The record of style sheet rel in .inline ("REL sha256-BASE64 LENGTH\n",
 * then LENGTH bytes of text and "\n"): 1 with *hash (NUL-terminated in
 * hash_out) and the text's start and length; 0 when there is none.
 */
static int inline_sheet(const gp_buf *inl, const char *rel, size_t rel_len, char *hash_out,
                        size_t hash_sz, const char **out_text, size_t *out_len)
{
	const char *p = inl->data, *end = inl->data + inl->len;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *sp1, *sp2;
		unsigned long long n;
		char *stop;

		if (!nl)
			return 0;
		sp1 = memchr(p, ' ', (size_t)(nl - p));
		sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(nl - sp1 - 1)) : NULL;
		if (!sp2)
			return 0;
		n = strtoull(sp2 + 1, &stop, 10);
		if (stop != nl || n > (unsigned long long)(end - nl - 1))
			return 0;
		if ((size_t)(sp1 - p) == rel_len && memcmp(p, rel, rel_len) == 0) {
			if ((size_t)(sp2 - sp1 - 1) >= hash_sz)
				return 0;
			memcpy(hash_out, sp1 + 1, (size_t)(sp2 - sp1 - 1));
			hash_out[sp2 - sp1 - 1] = '\0';
			*out_text = nl + 1;
			*out_len = (size_t)n;
			return 1;
		}
		p = nl + 1 + n + 1;
	}
	return 0;
}

/* The text of part `name` (n bytes) among parts; "" when not given. */
static const char *part_text(const gp_http_page_part *parts, const char *name, size_t n)
{
	for (; parts && parts->name; parts++)
		if (strlen(parts->name) == n && memcmp(parts->name, name, n) == 0)
			return parts->text ? parts->text : "";
	return "";
}

/*
 * Copies the page in `in` to x->out with its directives carried out
 * (the comment at the top); the inline sheets' hashes go to x->style_src.
 */
static int expand_directives(gp_http_exchange *x, const gp_buf *in, const gp_buf *assets,
                             const gp_http_page_part *parts)
{
	static const char inl_tag[] = "<!--inline:", part_tag[] = "<!--part:";
	char ipath[PATH_MAX], hash[128], hashed[PATH_MAX];
	const char *p = in->data, *end = in->data + in->len;
	gp_buf inl;
	size_t used = strlen(x->style_src);
	int rc;

	gp_buf_init(&inl, 1u << 20);
	if ((size_t)snprintf(ipath, sizeof(ipath), "%s/.inline", x->srv->web_root) < sizeof(ipath))
		(void)read_file(ipath, &inl);
	while (p < end) {
		const char *c = memmem(p, (size_t)(end - p), "<!--", 4), *close, *name;
		size_t n;

		if (!c)
			break;
		gp_buf_append(&x->out, p, (size_t)(c - p));
		close = memmem(c, (size_t)(end - c), "-->", 3);
		if (!close) {
			p = c;
			break;
		}
		if ((size_t)(close - c) > sizeof(inl_tag) - 1 &&
		    memcmp(c, inl_tag, sizeof(inl_tag) - 1) == 0) {
			const char *text;
			size_t len;
			name = c + sizeof(inl_tag) - 1;
			n = (size_t)(close - name);
			if (inline_sheet(&inl, name, n, hash, sizeof(hash), &text, &len) &&
			    used + strlen(hash) + 3 < sizeof(x->style_src)) {
				used += (size_t)snprintf(x->style_src + used, sizeof(x->style_src) - used,
				                         " '%s'", hash);
				gp_buf_puts(&x->out, "<style>");
				gp_buf_append(&x->out, text, len);
				gp_buf_puts(&x->out, "</style>");
			} else {
				gp_buf_puts(&x->out, "<link rel=\"stylesheet\" href=\"/");
				if (assets->len && hashed_name(assets->data, name, n, hashed, sizeof(hashed)))
					gp_buf_puts(&x->out, hashed);
				else
					gp_buf_append(&x->out, name, n);
				gp_buf_puts(&x->out, "\">");
			}
		} else if ((size_t)(close - c) > sizeof(part_tag) - 1 &&
		           memcmp(c, part_tag, sizeof(part_tag) - 1) == 0) {
			name = c + sizeof(part_tag) - 1;
			gp_buf_puts(&x->out, part_text(parts, name, (size_t)(close - name)));
		} else {
			gp_buf_append(&x->out, c, (size_t)(close + 3 - c));
		}
		p = close + 3;
	}
	if (p < end)
		gp_buf_append(&x->out, p, (size_t)(end - p));
	rc = gp_buf_status(&x->out);
	gp_buf_free(&inl);
	return rc;
}

/*
 * An HTML page: each attribute value (src="…", href="…") that names a
 * file .assets lists is swapped for its hashed name, then the directives
 * are carried out; then "no-cache" and an ETag, and 304 when the client
 * has this page already.
 */
static int serve_page(gp_http_exchange *x, const char *real, const gp_http_page_part *parts)
{
	char apath[PATH_MAX], hashed[PATH_MAX], etag[32];
	gp_buf page, assets, linked;
	const char *p, *inm;
	int rc;

	gp_buf_init(&page, 4u << 20);
	gp_buf_init(&assets, 1u << 20);
	gp_buf_init(&linked, 8u << 20);
	if ((rc = read_file(real, &page)))
		goto out;
	if ((size_t)snprintf(apath, sizeof(apath), "%s/.assets", x->srv->web_root) < sizeof(apath) &&
	    read_file(apath, &assets) == 0)
		gp_buf_putc(&assets, '\0');
	gp_buf_reset(&x->out);
	p = page.data ? page.data : "";
	for (;;) {
		const char *q = strstr(p, "=\""), *v, *end;
		size_t n;
		if (!q) {
			gp_buf_puts(&x->out, p);
			break;
		}
		v = q + 2;
		end = strchr(v, '"');
		if (!end) {
			gp_buf_puts(&x->out, p);
			break;
		}
		gp_buf_append(&x->out, p, (size_t)(v - p));
		n = (size_t)(end - v);
		if (assets.len && n && v[0] == '/' &&
		    hashed_name(assets.data, v + 1, n - 1, hashed, sizeof(hashed))) {
			gp_buf_putc(&x->out, '/');
			gp_buf_puts(&x->out, hashed);
		} else if (assets.len && hashed_name(assets.data, v, n, hashed, sizeof(hashed))) {
			gp_buf_puts(&x->out, hashed);
		} else {
			gp_buf_append(&x->out, v, n);
		}
		p = end;
	}
	if ((rc = gp_buf_status(&x->out)))
		goto out;
	if (memmem(x->out.data, x->out.len, "<!--", 4)) {
		gp_buf_append(&linked, x->out.data, x->out.len);
		if ((rc = gp_buf_status(&linked)))
			goto out;
		gp_buf_reset(&x->out);
		if ((rc = expand_directives(x, &linked, &assets, parts)))
			goto out;
	}
	snprintf(etag, sizeof(etag), "\"p%016llx\"",
	         (unsigned long long)fnv1a(x->out.data, x->out.len));
	gp_http_set_page(x);
	gp_http_add_header(x, "Cache-Control", "no-cache");
	gp_http_add_header(x, "ETag", etag);
	inm = gp_http_header(x, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		gp_buf_reset(&x->out);
		x->status = 304;
	}
out:
	gp_buf_free(&page);
	gp_buf_free(&assets);
	gp_buf_free(&linked);
	return rc;
}

/* A content-hashed copy: its bytes (the gzip sibling's when the client takes gzip), kept for a year. */
static int serve_hashed(gp_http_exchange *x, const char *real, const struct stat *st,
                        const char *type)
{
	char gz[PATH_MAX + 4];
	int have_gz = gzip_sibling(real, st, gz, sizeof(gz)), rc;

	gp_buf_reset(&x->out);
	if (have_gz)
		gp_http_add_header(x, "Vary", "Accept-Encoding");
	if (have_gz && gp_http_accepts_gzip(x)) {
		gp_http_add_header(x, "Content-Encoding", "gzip");
		x->encoded = 1;
	} else {
		have_gz = 0;
	}
	if ((rc = read_file(have_gz ? gz : real, &x->out)))
		return rc;
	gp_http_set_type(x, type);
	gp_http_add_header(x, "Cache-Control", "public, max-age=31536000, immutable");
	return 0;
}

int gp_http_serve_web_page(gp_http_exchange *x, const char *file, const gp_http_page_part *parts,
                           gp_err *err)
{
	char path[PATH_MAX], real[PATH_MAX];
	size_t root_len = strlen(x->srv->web_root);
	struct stat st;
	int rc;

	assert(file && !strchr(file, '/') && file[0] != '.');
	if (!x->srv->web_root[0] ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", x->srv->web_root, file) >= sizeof(path) ||
	    !realpath(path, real) || stat(real, &st) != 0 || !S_ISREG(st.st_mode) ||
	    strncmp(real, x->srv->web_root, root_len) != 0 || real[root_len] != '/')
		return gp_err_set(err, GP_NOT_FOUND, "", "no such resource");
	if ((rc = serve_page(x, real, parts)))
		return rc == GP_NOT_FOUND ? gp_err_set(err, GP_NOT_FOUND, "", "no such resource") : rc;
	return 0;
}

int gp_http_serve_static(gp_http_exchange *x, gp_err *err)
{
	char path[PATH_MAX], real[PATH_MAX], gz[PATH_MAX + 4];
	const char *type;
	int have_gz, rc;
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
	if (strncmp(type, "text/html", 9) == 0) {
		if ((rc = serve_page(x, real, NULL)))
			return rc == GP_NOT_FOUND ? gp_err_set(err, GP_NOT_FOUND, "", "no such resource")
			                          : rc;
		return 0;
	}
	if (is_hashed(real)) {
		if ((rc = serve_hashed(x, real, &st, type)))
			return rc == GP_NOT_FOUND ? gp_err_set(err, GP_NOT_FOUND, "", "no such resource")
			                          : rc;
		return 0;
	}
	gp_buf_reset(&x->out);
	gp_http_put_common_headers(&x->out, NULL, NULL);
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
