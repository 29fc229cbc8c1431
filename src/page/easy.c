/*
 * easy.c — GET /leichte-sprache: what the map is for, how to mark a
 * place, what happens with it and whom to ask, in Leichte Sprache (easy
 * German: short sentences, one statement each, common words, hard words
 * explained, large type, a picture for each kind of place), and the link
 * to the explanation in German Sign Language when dgs_video_url is set.
 *
 * The text is the city's own when easy_language_file names a file, else
 * the built-in one below.  Both are written in the same small format:
 *
 *   blocks are separated by an empty line; each line of a block is shown
 *   on a line of its own (one sentence per line);
 *   "## Heading"            a heading (the first block must be one);
 *   "!favourite" / "!improvement" as a block's first line: the block
 *                           comes with the picture of that kind of place;
 *   "? Word" as a block's first line: the block explains that word;
 *   {city} {operator} {contact} {address} in any line: the settings
 *                           city_name and operator_* (the imprint's);
 *   nothing else in braces.
 *
 * The file is checked when the server starts (gp_page_check_easy: it
 * refuses to start on a bad one, naming the line) and read again for each
 * request, so an edit shows at once; an edit that breaks the format is
 * logged and the built-in text stands in until it is mended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page_int.h"

/* Longer is no longer easy to read. */
#define EASY_MAX_BYTES (32 * 1024)

static const char builtin_text[] =
	"## Was ist die Mitmachkarte?\n"
	"Die Mitmachkarte ist eine Karte im Internet.\n"
	"Die Karte zeigt die Stadt {city}.\n"
	"Auf der Karte können Sie Orte markieren.\n"
	"\n"
	"? Markieren\n"
	"Markieren heißt: Sie setzen einen Punkt auf die Karte.\n"
	"Der Punkt zeigt einen Ort in der Stadt.\n"
	"\n"
	"## Wozu ist die Karte da?\n"
	"Die Stadt will besser werden.\n"
	"Dafür fragt die Stadt die Menschen in {city}.\n"
	"Sie kennen Ihre Stadt.\n"
	"Sie wissen: Dieser Ort ist schön.\n"
	"Oder Sie wissen: Dieser Ort ist nicht gut.\n"
	"Das können Sie der Stadt auf der Karte sagen.\n"
	"\n"
	"## Es gibt 2 Arten von Orten\n"
	"\n"
	"!favourite\n"
	"Ein Lieblings-Ort.\n"
	"Diesen Ort mögen Sie.\n"
	"Zum Beispiel: ein schöner Park.\n"
	"Auf der Karte heißt das: Lieblingsort.\n"
	"Der Punkt ist grün und rund.\n"
	"\n"
	"!improvement\n"
	"Ein Ort, der besser werden soll.\n"
	"Dieser Ort ist nicht gut.\n"
	"Zum Beispiel: ein Weg ohne Licht.\n"
	"Auf der Karte heißt das: Verbesserungswürdig.\n"
	"Der Punkt ist braun und eckig.\n"
	"\n"
	"## So markieren Sie einen Ort\n"
	"1. Öffnen Sie die Mitmachkarte.\n"
	"2. Suchen Sie den Ort auf der Karte.\n"
	"3. Tippen Sie auf den Ort.\n"
	"4. Wählen Sie die Art von Ort.\n"
	"5. Schreiben Sie dazu: Warum ist der Ort so?\n"
	"6. Tippen Sie auf: Beitrag senden.\n"
	"\n"
	"? Beitrag\n"
	"Ein Beitrag ist Ihr Punkt auf der Karte.\n"
	"Zum Beitrag gehört auch Ihr Text.\n"
	"\n"
	"Sie müssen Ihren Namen nicht sagen.\n"
	"Schreiben Sie bitte keine Namen von anderen Menschen.\n"
	"\n"
	"## Was passiert mit Ihrem Beitrag?\n"
	"Alle Menschen können Ihren Beitrag auf der Karte sehen.\n"
	"Die Stadt liest alle Beiträge.\n"
	"Die Stadt plant dann: Was soll besser werden?\n"
	"Die Stadt schreibt das auf.\n"
	"Sie können das später lesen.\n"
	"\n"
	"## Sie haben Fragen?\n"
	"Dann fragen Sie die Stadt-Verwaltung:\n"
	"{operator}\n"
	"{address}\n"
	"{contact}\n";

/* The settings a text may name, and the page's stand-in when one is empty. */
static const char *placeholder(const gp_config *cfg, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t offset;
	} known[] = {
		{ "city", offsetof(gp_config, city_name) },
		{ "operator", offsetof(gp_config, operator_name) },
		{ "contact", offsetof(gp_config, operator_contact) },
		{ "address", offsetof(gp_config, operator_address) },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].name) == n && strncmp(known[i].name, name, n) == 0) {
			const char *v = *(char *const *)((const char *)cfg + known[i].offset);
			return v ? v : "";
		}
	return NULL;
}

/*
 * Checks text in the format above; on a fault sets err naming the line
 * (field easy_language_file) and returns GP_INVALID.
 */
static int check_text(const char *text, size_t len, gp_err *err)
{
	size_t chars, bad, line = 1;
	int block_start = 1, any = 0;
	const char *p = text, *end = text + len;

	if (len > EASY_MAX_BYTES)
		return gp_err_set(err, GP_INVALID, "easy_language_file",
		                  "easy_language_file is longer than %d bytes", EASY_MAX_BYTES);
	if (gp_utf8_check(text, len, &chars, &bad))
		return gp_err_set(err, GP_INVALID, "easy_language_file",
		                  "easy_language_file is not UTF-8 text");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);

		if (n && p[n - 1] == '\r')
			n--;
		if (!n) {
			block_start = 1;
		} else {
			if (!any && strncmp(p, "## ", 3) != 0)
				return gp_err_set(err, GP_INVALID, "easy_language_file",
				                  "easy_language_file line %zu: the text must begin with a "
				                  "heading (## …)", line);
			any = 1;
			if (block_start && p[0] == '!' &&
			    !(n == 10 && strncmp(p, "!favourite", 10) == 0) &&
			    !(n == 12 && strncmp(p, "!improvement", 12) == 0))
				return gp_err_set(err, GP_INVALID, "easy_language_file",
				                  "easy_language_file line %zu: a picture is !favourite or "
				                  "!improvement", line);
			for (const char *q = p; q < p + n; q++) {
				const char *close;
				if (*q == '}')
					return gp_err_set(err, GP_INVALID, "easy_language_file",
					                  "easy_language_file line %zu: \"}\" without \"{\"", line);
				if (*q != '{')
					continue;
				close = memchr(q, '}', (size_t)(p + n - q));
				if (!close || !placeholder(&(gp_config){ 0 }, q + 1, (size_t)(close - q - 1)))
					return gp_err_set(err, GP_INVALID, "easy_language_file",
					                  "easy_language_file line %zu: braces hold only {city}, "
					                  "{operator}, {contact} or {address}", line);
				q = close;
			}
			block_start = 0;
		}
		line++;
		p = nl ? nl + 1 : end;
	}
	if (!any)
		return gp_err_set(err, GP_INVALID, "easy_language_file",
		                  "easy_language_file is empty");
	return 0;
}

/* Reads the file at path whole into b; 0, or GP_INVALID naming why not. */
static int read_text(const char *path, gp_buf *b, gp_err *err)
{
	char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n;
	int failed;

	if (!f)
		return gp_err_set(err, GP_INVALID, "easy_language_file",
		                  "easy_language_file %.200s cannot be read", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len <= EASY_MAX_BYTES)
		gp_buf_append(b, chunk, n);
	failed = ferror(f);
	fclose(f);
	if (failed || gp_buf_status(b))
		return gp_err_set(err, GP_INVALID, "easy_language_file",
		                  "easy_language_file %.200s cannot be read", path);
	return 0;
}

int gp_page_check_easy(const gp_config *cfg, gp_err *err)
{
	gp_buf text;
	int rc;

	if (!cfg->easy_language_file[0])
		return 0;
	gp_buf_init(&text, EASY_MAX_BYTES + 8192);
	rc = read_text(cfg->easy_language_file, &text, err);
	if (!rc)
		rc = check_text(text.data ? text.data : "", text.len, err);
	gp_buf_free(&text);
	return rc;
}

/* A line of the text, escaped, with its placeholders filled. */
static void put_line(gp_buf *b, const gp_config *cfg, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		const char *open = memchr(p, '{', (size_t)(end - p));
		const char *close = open ? memchr(open, '}', (size_t)(end - open)) : NULL;
		const char *v;
		gp_buf part;

		gp_buf_init(&part, 4 * EASY_MAX_BYTES);
		gp_buf_append(&part, p, (size_t)((open && close ? open : end) - p));
		page_escape(b, gp_buf_cstr(&part));
		gp_buf_free(&part);
		if (!open || !close)
			return;
		v = placeholder(cfg, open + 1, (size_t)(close - open - 1));
		page_escape(b, v && v[0] ? v : "");
		p = close + 1;
	}
}

/*
 * A line of a block, on a line of its own; a line that only named
 * settings the configuration leaves empty is left out.
 */
static void put_filled(gp_buf *b, const gp_config *cfg, const char *p, size_t n, int *lines)
{
	gp_buf line;

	gp_buf_init(&line, 8 * EASY_MAX_BYTES);
	put_line(&line, cfg, p, n);
	if (line.len) {
		if ((*lines)++)
			gp_buf_puts(b, "<br>\n");
		gp_buf_append(b, line.data, line.len);
	}
	gp_buf_free(&line);
}

/*
 * The pictures of the two kinds of place, as the map draws them (a green
 * round pin with a heart, a brown square one with a spanner), large.
 */
static void picture(gp_buf *b, int improvement)
{
	if (!improvement)
		gp_buf_puts(b,
		            "<svg class=\"easy-picture\" viewBox=\"0 0 96 96\" width=\"96\" "
		            "height=\"96\" role=\"img\" aria-labelledby=\"pic-fav\">"
		            "<title id=\"pic-fav\">Bild: grüner runder Punkt mit Herz. "
		            "Das ist ein Lieblings-Ort.</title>"
		            "<circle cx=\"48\" cy=\"48\" r=\"44\" fill=\"#1b7837\"/>"
		            "<path d=\"M48 74 C20 54 18 36 30 28 C39 22 46 28 48 34 C50 28 57 22 66 28 "
		            "C78 36 76 54 48 74 Z\" fill=\"#ffffff\"/></svg>\n");
	else
		gp_buf_puts(b,
		            "<svg class=\"easy-picture\" viewBox=\"0 0 96 96\" width=\"96\" "
		            "height=\"96\" role=\"img\" aria-labelledby=\"pic-imp\">"
		            "<title id=\"pic-imp\">Bild: brauner eckiger Punkt mit Werkzeug. "
		            "Das ist ein Ort, der besser werden soll.</title>"
		            "<rect x=\"4\" y=\"4\" width=\"88\" height=\"88\" rx=\"8\" fill=\"#a63603\"/>"
		            "<path d=\"M62 18 a16 16 0 0 0 -15 21 L20 66 a6 6 0 0 0 9 9 L56 48 "
		            "a16 16 0 0 0 21 -15 l-9 9 l-8 -2 l-2 -8 Z\" fill=\"#ffffff\"/></svg>\n");
}

/* Writes text (checked) as the page's body: a block per paragraph, a line per sentence. */
static void render(gp_buf *b, const gp_config *cfg, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int open = 0;  /* inside a block's paragraph */
	int lines = 0; /* lines written in it */

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n && p[n - 1] == '\r')
			n--;
		if (!n) {
			if (open)
				gp_buf_puts(b, "</p>\n</div>\n");
			open = 0;
		} else if (!open && strncmp(p, "## ", 3) == 0) {
			gp_buf_puts(b, "<h2>");
			put_line(b, cfg, p + 3, n - 3);
			gp_buf_puts(b, "</h2>\n");
		} else if (!open && p[0] == '!') {
			gp_buf_puts(b, "<div class=\"easy-block easy-kind\">\n");
			picture(b, n == 12);
			gp_buf_puts(b, "<p>");
			open = 1;
			lines = 0;
		} else if (!open && strncmp(p, "? ", 2) == 0) {
			gp_buf_puts(b, "<div class=\"easy-block easy-term\">\n<p class=\"easy-word\">"
			               "<span class=\"easy-label\">Wort-Erklärung:</span> <strong>");
			put_line(b, cfg, p + 2, n - 2);
			gp_buf_puts(b, "</strong></p>\n<p>");
			open = 1;
			lines = 0;
		} else {
			if (!open) {
				gp_buf_puts(b, "<div class=\"easy-block\">\n<p>");
				open = 1;
				lines = 0;
			}
			put_filled(b, cfg, p, n, &lines);
		}
		p = nl ? nl + 1 : end;
	}
	if (open)
		gp_buf_puts(b, "</p>\n</div>\n");
}

int page_easy(gp_http_exchange *x, gp_err *err)
{
	const gp_config *cfg = gp_worker_config(gp_http_worker(x));
	gp_buf *b = gp_http_out(x);
	gp_buf text;
	gp_err why;
	const char *body = builtin_text;
	size_t len = sizeof(builtin_text) - 1;

	(void)err;
	gp_buf_init(&text, EASY_MAX_BYTES + 8192);
	if (cfg->easy_language_file[0]) {
		if (read_text(cfg->easy_language_file, &text, &why) == 0 &&
		    check_text(text.data ? text.data : "", text.len, &why) == 0) {
			body = text.data;
			len = text.len;
		} else {
			gp_log_warn("%s; the built-in text stands in", why.detail);
		}
	}
	/* German only: no switch to another language. */
	page_begin(b, cfg, PAGE_DE, "Leichte Sprache: Die Mitmachkarte", NULL, NULL);
	gp_buf_puts(b, "<div class=\"easy\">\n<h1>Die Mitmachkarte in Leichter Sprache</h1>\n");
	if (cfg->dgs_video_url[0]) {
		gp_buf_puts(b, "<p class=\"easy-dgs\"><a href=\"");
		page_escape(b, cfg->dgs_video_url);
		gp_buf_puts(b, "\">Erklärung in Gebärdensprache</a></p>\n");
	}
	render(b, cfg, body, len);
	gp_buf_puts(b, "<p class=\"easy-back\"><a href=\"/\">Zur Mitmachkarte</a></p>\n</div>\n");
	gp_buf_free(&text);
	page_finish(b, cfg, PAGE_DE);
	gp_http_set_page(x);
	return gp_buf_status(b);
}
