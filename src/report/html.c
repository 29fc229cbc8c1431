/*
 * html.c — the report as one self-contained HTML page: its style sheet
 * inline (a saved or archived page needs nothing else; A4 print rules:
 * margins, page breaks that keep headings with what follows and never
 * split a table row), the map as inline SVG, no script.  Also the index
 * of all reports.
 *
 * Must never: write text from the database or the configuration without
 * escaping it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "read/read.h"
#include "report_int.h"

static const char style[] =
	"@page{size:A4;margin:20mm 18mm 22mm 18mm}"
	"html{font-family:'DejaVu Sans','Noto Sans',Arial,sans-serif;font-size:10.5pt;"
	"line-height:1.4;color:#1a1a1a;background:#fff}"
	"body{margin:0 auto;max-width:174mm;padding:8mm 4mm}"
	"h1{font-size:20pt;margin:0 0 2mm;color:#0b3d5c}"
	".subtitle{font-size:14pt;margin:0 0 2mm}"
	"h2{font-size:14pt;margin:8mm 0 2mm;color:#0b3d5c;border-bottom:0.3mm solid #0b3d5c;"
	"break-after:avoid;page-break-after:avoid}"
	"h3{font-size:11pt;margin:5mm 0 1.5mm;break-after:avoid;page-break-after:avoid}"
	"p{margin:0 0 2mm;hyphens:auto}"
	".small{font-size:8.5pt;color:#444}"
	"table{width:100%;border-collapse:collapse;margin:0 0 3mm;font-size:9.5pt}"
	"th{text-align:left;border-bottom:0.3mm solid #333;padding:1mm 1.5mm;font-weight:bold}"
	"td{border-bottom:0.1mm solid #bbb;padding:1mm 1.5mm;vertical-align:top;hyphens:auto;"
	"overflow-wrap:anywhere}"
	"tr{break-inside:avoid;page-break-inside:avoid}"
	"thead{display:table-header-group}"
	".num{text-align:right;font-variant-numeric:tabular-nums}"
	".reply{display:block;margin-top:1mm;padding-left:3mm;border-left:0.6mm solid #0b3d5c;"
	"color:#333}"
	".sym{display:inline-block;width:2.6mm;height:2.6mm;margin-right:1.5mm;vertical-align:-0.2mm}"
	".sym.c0{background:#1a803b;border-radius:50%}"
	".sym.c1{background:#cc5400;clip-path:polygon(50% 0,100% 100%,0 100%)}"
	"figure{margin:0;break-inside:avoid;page-break-inside:avoid}"
	"svg{width:170mm;max-width:100%;height:auto}"
	"a{color:#0b3d5c}"
	"@media print{body{padding:0;max-width:none}a{color:inherit;text-decoration:none}}";


static void esc_n(gp_buf *b, const char *s, size_t n)
{
	const char *end = s + n, *run = s;

	for (; s < end; s++) {
		const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
		              : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
		if (!e)
			continue;
		gp_buf_append(b, run, (size_t)(s - run));
		gp_buf_puts(b, e);
		run = s + 1;
	}
	gp_buf_append(b, run, (size_t)(end - run));
}

static void esc(gp_buf *b, const char *s)
{
	if (s)
		esc_n(b, s, strlen(s));
}

/* A cell's lines: "\n" a new line, a line starting with "\t" the city's reply. */
static void cell_text(gp_buf *b, const char *s)
{
	while (s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (n && *s == '\t') {
			gp_buf_puts(b, "<span class=\"reply\">");
			esc_n(b, s + 1, n - 1);
			gp_buf_puts(b, "</span>");
		} else {
			esc_n(b, s, n);
		}
		s = nl ? nl + 1 : NULL;
		if (s && *s != '\t')
			gp_buf_puts(b, "<br>");
	}
}

/* ---- the map as SVG -------------------------------------------------------------------- */

static void colour(gp_buf *b, const char *attr, const double rgb[3])
{
	gp_buf_printf(b, " %s=\"#%02x%02x%02x\"", attr, (int)lround(rgb[0] * 255),
	              (int)lround(rgb[1] * 255), (int)lround(rgb[2] * 255));
}

static void svg_polygon(void *ctx, rp_style s, const double *xy, const size_t *ring,
                        size_t nrings)
{
	gp_buf *b = ctx;
	const rp_paint *p = &rp_paints[s];
	size_t at = 0;

	gp_buf_puts(b, "<path d=\"");
	for (size_t r = 0; r < nrings; at += ring[r], r++) {
		for (size_t k = 0; k < ring[r]; k++)
			gp_buf_printf(b, "%c%.2f %.2f", k ? 'L' : 'M', xy[2 * (at + k)],
			              xy[2 * (at + k) + 1]);
		gp_buf_putc(b, 'Z');
	}
	gp_buf_puts(b, "\" fill-rule=\"evenodd\"");
	if (p->has_fill) {
		colour(b, "fill", p->fill);
		if (p->fill_alpha < 1)
			gp_buf_printf(b, " fill-opacity=\"%.2f\"", p->fill_alpha);
	} else {
		gp_buf_puts(b, " fill=\"none\"");
	}
	if (p->has_stroke) {
		colour(b, "stroke", p->stroke);
		gp_buf_printf(b, " stroke-width=\"%.2f\" stroke-linejoin=\"round\"", p->width_mm);
	}
	gp_buf_puts(b, "/>");
}

static void svg_symbol(void *ctx, gp_category c, double x, double y, double size)
{
	gp_buf *b = ctx;
	double r = size / 2;

	if (c == GP_CATEGORY_FAVOURITE)
		gp_buf_printf(b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", x, y, r);
	else
		gp_buf_printf(b, "<path d=\"M%.2f %.2fL%.2f %.2fL%.2f %.2fZ\"", x, y - r * 1.1,
		              x + r, y + r * 0.8, x - r, y + r * 0.8);
	colour(b, "fill", rp_symbol_rgb[c]);
	gp_buf_puts(b, " stroke=\"#ffffff\" stroke-width=\"0.2\"/>");
}

static void svg_text(void *ctx, rp_text_style s, double x, double y, int anchor, const char *t)
{
	static const char *const anchors[] = { "start", "middle", "end" };
	gp_buf *b = ctx;

	gp_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\" font-size=\"%s\"%s "
	                 "stroke=\"#ffffff\" stroke-width=\"0.6\" stroke-linejoin=\"round\" "
	                 "paint-order=\"stroke\">",
	              x, y, anchors[anchor], s == RT_SMALL ? "2.4" : s == RT_NORTH ? "3.6" : "3.4",
	              s == RT_SMALL ? "" : " font-weight=\"bold\"");
	esc(b, t);
	gp_buf_puts(b, "</text>");
}

static void svg_clip(void *ctx, double x, double y, double w, double h)
{
	gp_buf *b = ctx;

	if (w > 0)
		gp_buf_printf(b, "<clipPath id=\"frame\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
		                 "height=\"%.2f\"/></clipPath><g clip-path=\"url(#frame)\">",
		              x, y, w, h);
	else
		gp_buf_puts(b, "</g>");
}

static const rp_map_ops svg_ops = { svg_polygon, svg_symbol, svg_text, svg_clip };

static int map_svg(const gp_report *rep, gp_buf *b)
{
	gp_buf_printf(b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
	                 "width=\"%.0fmm\" height=\"%.0fmm\" role=\"img\" aria-label=\"",
	              RP_MAP_W, RP_MAP_H, RP_MAP_W, RP_MAP_H);
	esc(b, rp_word_get(W_MAP, rep->en));
	gp_buf_puts(b, ": ");
	esc(b, rep->name);
	gp_buf_puts(b, "\" font-family=\"DejaVu Sans, Noto Sans, Arial, sans-serif\" fill=\"#1a1a1a\">");
	if (rp_map_draw(rep, &svg_ops, b))
		return GP_ENOMEM;
	gp_buf_puts(b, "</svg></figure>\n");
	return 0;
}

/* ---- the page ------------------------------------------------------------------------------ */

static void table_html(gp_buf *b, const rp_block *t)
{
	gp_buf_puts(b, "<table><colgroup>");
	for (size_t c = 0; c < t->ncols; c++)
		gp_buf_printf(b, "<col style=\"width:%.0f%%\">", t->widths[c] * 100);
	gp_buf_puts(b, "</colgroup><thead><tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		gp_buf_puts(b, t->numeric[c] ? "<th class=\"num\">" : "<th>");
		esc(b, t->cells[c]);
		gp_buf_puts(b, "</th>");
	}
	gp_buf_puts(b, "</tr></thead><tbody>\n");
	for (size_t r = 1; r <= t->nrows; r++) {
		gp_buf_puts(b, "<tr>");
		for (size_t c = 0; c < t->ncols; c++) {
			gp_buf_puts(b, t->numeric[c] ? "<td class=\"num\">" : "<td>");
			if (c == 0 && t->row_symbol && t->row_symbol[r] >= 0)
				gp_buf_printf(b, "<span class=\"sym c%d\" aria-hidden=\"true\"></span>",
				              t->row_symbol[r]);
			cell_text(b, t->cells[r * t->ncols + c]);
			gp_buf_puts(b, "</td>");
		}
		gp_buf_puts(b, "</tr>\n");
	}
	gp_buf_puts(b, "</tbody></table>\n");
}

static void head(gp_buf *b, int en, const char *title)
{
	gp_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	                 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	                 "<title>", en ? "en" : "de");
	esc(b, title);
	gp_buf_printf(b, "</title><style>%s</style></head><body><main>\n", style);
}

int gp_report_html(const gp_report *rep, gp_buf *b)
{
	rp_doc d;
	int rc;
	char title[512];

	if ((rc = rp_doc_build(&d, rep)))
		goto out;
	snprintf(title, sizeof(title), "%s – %s", rp_word_get(W_TITLE, rep->en), rep->name);
	head(b, rep->en, title);
	for (size_t i = 0; i < d.n && !rc; i++) {
		const rp_block *k = &d.b[i];
		switch (k->kind) {
		case RB_TITLE: gp_buf_puts(b, "<h1>"); esc(b, k->text); gp_buf_puts(b, "</h1>\n"); break;
		case RB_SUBTITLE:
			gp_buf_puts(b, "<p class=\"subtitle\">");
			esc(b, k->text);
			gp_buf_puts(b, "</p>\n");
			break;
		case RB_H2: gp_buf_puts(b, "<h2>"); esc(b, k->text); gp_buf_puts(b, "</h2>\n"); break;
		case RB_H3: gp_buf_puts(b, "<h3>"); esc(b, k->text); gp_buf_puts(b, "</h3>\n"); break;
		case RB_P: gp_buf_puts(b, "<p>"); esc(b, k->text); gp_buf_puts(b, "</p>\n"); break;
		case RB_SMALL:
			gp_buf_puts(b, "<p class=\"small\">");
			esc(b, k->text);
			gp_buf_puts(b, "</p>\n");
			break;
		case RB_TABLE: table_html(b, k); break;
		case RB_MAP: rc = map_svg(rep, b); break;
		}
	}
	gp_buf_puts(b, "</main></body></html>\n");
	if (!rc)
		rc = gp_buf_status(b);
out:
	rp_doc_free(&d);
	return rc;
}

/* ---- the index -------------------------------------------------------------------------------- */

typedef struct index_ctx {
	gp_buf *b;
	const char *base, *lang;
	int en;
} index_ctx;

static void index_row(index_ctx *ic, const char *id, const char *kind, const char *name,
                      int64_t n)
{
	gp_buf *b = ic->b;

	gp_buf_puts(b, "<tr><td>");
	esc(b, kind);
	gp_buf_puts(b, " ");
	esc(b, name);
	gp_buf_printf(b, "</td><td class=\"num\">%lld</td><td><a href=\"", (long long)n);
	esc(b, ic->base);
	esc(b, id);
	gp_buf_printf(b, "%s\">HTML</a> · <a href=\"", ic->lang);
	esc(b, ic->base);
	esc(b, id);
	gp_buf_printf(b, ".pdf%s\">PDF</a></td></tr>\n", ic->lang);
}

static int on_index_district(void *ctx, const gp_read_district *d)
{
	index_ctx *ic = ctx;
	int64_t n = 0;

	for (int c = 0; c < GP_CATEGORY_COUNT; c++)
		n += d->count[c];
	index_row(ic, d->id, rp_word_get(d->layer == GP_LAYER_ORTSBEZIRK ? W_ORTSBEZIRK : W_STADTTEIL,
	                                 ic->en),
	          d->name, n);
	return 0;
}

int gp_report_index_html(gp_read *r, const gp_config *cfg, int en, const char *base, gp_buf *b)
{
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	index_ctx ic = { b, base, en ? "?lang=en" : "", en };
	char first[GP_TIME_LEN], last[GP_TIME_LEN];
	gp_bbox box;
	int64_t all = 0;
	int rc;

	rc = gp_read_extent(r, &pub, &box, first, last, &all);
	if (rc && rc != GP_NOT_FOUND)
		return rc;
	head(b, en, rp_word_get(W_INDEX_TITLE, en));
	gp_buf_puts(b, "<h1>");
	esc(b, rp_word_get(W_INDEX_TITLE, en));
	gp_buf_puts(b, "</h1>\n<p>");
	esc(b, rp_word_get(W_INDEX_INTRO, en));
	gp_buf_printf(b, "</p>\n<p class=\"small\"><a href=\"%s%s\" hreflang=\"%s\" lang=\"%s\">%s</a>"
	                 "</p>\n<table><thead><tr><th>",
	              base, en ? "" : "?lang=en", en ? "de" : "en", en ? "de" : "en",
	              en ? "Deutsch" : "English");
	esc(b, rp_word_get(W_DISTRICT, en));
	gp_buf_puts(b, "</th><th class=\"num\">");
	esc(b, rp_word_get(W_COUNT_WORD, en));
	gp_buf_puts(b, "</th><th>");
	esc(b, rp_word_get(W_REPORT, en));
	gp_buf_puts(b, "</th></tr></thead><tbody>\n");
	index_row(&ic, "city", rp_word_get(W_CITY, en), cfg->city_name, all);
	if ((rc = gp_read_districts(r, &pub, -1, NULL, 0, on_index_district, &ic, NULL)))
		return rc;
	gp_buf_puts(b, "</tbody></table>\n</main></body></html>\n");
	return gp_buf_status(b);
}
