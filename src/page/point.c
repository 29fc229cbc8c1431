/*
 * point.c — GET /p/{id}: a published point's own page, what a link shared
 * in a messenger or on social media shows.  Link previews read its Open
 * Graph tags (title: the kind of place and its Ortsbezirk; description:
 * the comment); people read the comment, the place, the date, the topic
 * and the supporters, and follow the link to the map, where they can
 * support it (/?point={id} opens the map on the point).
 *
 * It reads the point as GET /api/points/{id} does, through the read layer
 * with the citizen's visibility (read/read.h): a pending, hidden or
 * unknown point is a 404 problem, exactly as there.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "page_int.h"
#include "read/read.h"

/* The labels /api/config gives the page, in German and English. */
static const char *const category_label[GP_CATEGORY_COUNT][2] = {
	[GP_CATEGORY_FAVOURITE] = { "Lieblingsort", "Favourite place" },
	[GP_CATEGORY_IMPROVEMENT] = { "Verbesserungswürdig", "Needs improvement" },
};

typedef struct point_page {
	gp_http_exchange *x;
	const gp_config *cfg;
	page_lang lang;
} point_page;

static const char *category_name(const gp_point *p, page_lang lang)
{
	/* The store reads only categories it knows. */
	assert(p->category >= 0 && p->category < GP_CATEGORY_COUNT);
	return category_label[p->category][lang];
}

static const char *topic_label(const gp_config *cfg, const char *id, page_lang lang)
{
	for (size_t i = 0; i < cfg->ntopics; i++)
		if (strcmp(cfg->topics[i].id, id) == 0)
			return lang == PAGE_EN ? cfg->topics[i].label_en : cfg->topics[i].label_de;
	return id;
}

/* <meta property="NAME" content="VALUE"> with VALUE escaped. */
static void meta(gp_buf *b, const char *attr, const char *name, const char *value)
{
	gp_buf_printf(b, "<meta %s=\"%s\" content=\"", attr, name);
	page_escape(b, value);
	gp_buf_puts(b, "\">\n");
}

static int write_page(void *ctx, const gp_point *p, double lon, double lat)
{
	point_page *pp = ctx;
	gp_http_exchange *x = pp->x;
	const gp_config *cfg = pp->cfg;
	page_lang lang = pp->lang;
	const int en = lang == PAGE_EN;
	const char *category = category_name(p, lang);
	gp_buf head, title, url, og_title, site, *b = gp_http_out(x);
	char map_link[96];
	int rc;

	(void)lon; /* the page names the place by its districts */
	(void)lat;
	gp_buf_init(&head, 16384);
	gp_buf_init(&title, 2048);
	gp_buf_init(&url, 4096);
	gp_buf_init(&og_title, 1024);
	gp_buf_init(&site, 1024);

	/* Texts of the head, each escaped once where it is written. */
	gp_buf_printf(&og_title, en ? "%s in the Ortsbezirk %s" : "%s im Ortsbezirk %s", category,
	              p->ortsbezirk.name);
	gp_buf_printf(&site, "%s %s", en ? "Participation map" : "Mitmachkarte", cfg->city_name);
	gp_http_base_url(x, &url);
	gp_buf_printf(&url, "/p/%lld%s", (long long)p->id, page_lang_query(lang));
	/* Previews show about 200 characters of a description. */
	gp_buf_puts(&head, "<meta name=\"description\" content=\"");
	page_excerpt(&head, p->comment, 200);
	gp_buf_puts(&head, "\">\n<link rel=\"canonical\" href=\"");
	page_escape(&head, gp_buf_cstr(&url));
	gp_buf_puts(&head, "\">\n");
	meta(&head, "property", "og:type", "article");
	meta(&head, "property", "og:site_name", gp_buf_cstr(&site));
	meta(&head, "property", "og:title", gp_buf_cstr(&og_title));
	gp_buf_puts(&head, "<meta property=\"og:description\" content=\"");
	page_excerpt(&head, p->comment, 200);
	gp_buf_puts(&head, "\">\n");
	meta(&head, "property", "og:url", gp_buf_cstr(&url));
	meta(&head, "property", "og:locale", en ? "en_GB" : "de_DE");
	meta(&head, "property", "article:published_time", p->created);
	meta(&head, "name", "twitter:card", "summary");
	meta(&head, "name", "twitter:title", gp_buf_cstr(&og_title));

	gp_buf_printf(&title, "%s – %s", gp_buf_cstr(&og_title), gp_buf_cstr(&site));
	if ((rc = gp_buf_status(&head)) || (rc = gp_buf_status(&title)))
		goto out;

	page_begin(b, cfg, lang, gp_buf_cstr(&title), gp_buf_cstr(&head), gp_http_path(x));
	gp_buf_printf(b, "<article class=\"point-page\">\n<h1><span class=\"badge badge-%s\">"
	                 "<span class=\"badge-glyph\" aria-hidden=\"true\">%s</span> ",
	              gp_category_name(p->category),
	              p->category == GP_CATEGORY_FAVOURITE ? "♥" : "!");
	page_escape(b, category);
	gp_buf_puts(b, "</span></h1>\n<blockquote class=\"point-comment\"><p>");
	page_escape(b, p->comment);
	gp_buf_puts(b, "</p></blockquote>\n<dl class=\"facts\">\n<dt>");
	gp_buf_puts(b, en ? "Place" : "Ort");
	gp_buf_puts(b, "</dt><dd>Ortsbezirk ");
	page_escape(b, p->ortsbezirk.name);
	gp_buf_puts(b, ", Stadtteil ");
	page_escape(b, p->stadtteil.name);
	gp_buf_puts(b, "</dd>\n<dt>");
	gp_buf_puts(b, en ? "Entered on" : "Eingetragen am");
	gp_buf_puts(b, "</dt><dd><time datetime=\"");
	page_escape(b, p->created);
	gp_buf_puts(b, "\">");
	page_date(b, p->created, lang);
	gp_buf_puts(b, "</time></dd>\n");
	if (p->topic) {
		gp_buf_puts(b, "<dt>");
		gp_buf_puts(b, en ? "Topic" : "Thema");
		gp_buf_puts(b, "</dt><dd>");
		page_escape(b, topic_label(cfg, p->topic, lang));
		gp_buf_puts(b, "</dd>\n");
	}
	gp_buf_puts(b, "<dt>");
	gp_buf_puts(b, en ? "Support" : "Unterstützung");
	gp_buf_puts(b, "</dt><dd>");
	if (p->supporters == 0)
		gp_buf_puts(b, en ? "No support yet" : "Noch keine Unterstützung");
	else if (p->supporters == 1)
		gp_buf_puts(b, en ? "1 supporter" : "1 Unterstützung");
	else
		gp_buf_printf(b, en ? "%lld supporters" : "%lld Unterstützungen",
		              (long long)p->supporters);
	gp_buf_puts(b, "</dd>\n</dl>\n");
	snprintf(map_link, sizeof(map_link), "/?point=%lld%s", (long long)p->id,
	         en ? "&amp;lang=en" : "");
	gp_buf_printf(b, "<p><a class=\"button\" href=\"%s\">%s</a></p>\n</article>\n", map_link,
	              en ? "See it on the map and support it" : "Auf der Karte ansehen und unterstützen");
	page_finish(b, cfg, lang);
	rc = gp_buf_status(b);
out:
	gp_buf_free(&head);
	gp_buf_free(&title);
	gp_buf_free(&url);
	gp_buf_free(&og_title);
	gp_buf_free(&site);
	return rc;
}

int page_point(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const char *v = gp_http_arg(x, "id");
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	point_page pp = { x, gp_worker_config(w), page_lang_of(x) };
	int64_t id;
	int rc;

	if (!v || v[0] == '+' || v[0] == '-' || gp_parse_i64(&id, v, 1, INT64_MAX))
		return gp_err_set(err, GP_NOT_FOUND, "id", "no point with id \"%.40s\"", v ? v : "");
	if ((rc = gp_read_point(gp_worker_read(w), &vis, id, GP_CRS_CRS84, write_page, &pp, err)))
		return rc;
	gp_http_set_page(x);
	return 0;
}
