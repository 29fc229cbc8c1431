/*
 * pdf.c — the report's document as a PDF through cairo and pango: A4,
 * real text (searchable and copyable: pango shapes it, cairo embeds
 * subsets of the font), the map as vector paths, "Seite N" in the
 * footer, a table's rows never split across pages (a row that does not
 * fit starts the next page, under the table's header again), headings
 * kept with what follows, the map (with its heading) at the top of the
 * next page when it does not fit on the rest of this one, which what
 * follows it fills, lines broken by pango for the report's language (de
 * or en; words too long for a line are broken with a hyphen).
 *
 * The font is DejaVu Sans (Debian fonts-dejavu-core, installed by
 * tools/setup), found through fontconfig.
 *
 * Threads: fontconfig's and pango's set-up is slow (the first font lookup
 * reads every font on the system) and not every part of it is
 * thread-safe, so one process-wide mutex serialises PDF rendering and one
 * font map, made on first use under that mutex, serves every rendering
 * for the life of the process.  A report's model and HTML need no lock.
 *
 * Deterministic: the PDF's creation and modification dates are set to the
 * report's date (never the clock), its creator is fixed, and cairo names
 * font subsets by their content, so the same model gives the same bytes.
 *
 * Must never: be included anywhere but here — only this file includes
 * cairo and pango headers.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report_int.h"

/* A4 in points; margins as the HTML's @page rule. */
#define PT_PER_MM (72.0 / 25.4)
#define PAGE_W (210 * PT_PER_MM)
#define PAGE_H (297 * PT_PER_MM)
#define LEFT (18 * PT_PER_MM)
#define TEXT_W (PAGE_W - 2 * LEFT)
#define TOP (20 * PT_PER_MM)
#define BOTTOM (PAGE_H - 22 * PT_PER_MM)
#define CELL_PAD 3.0

#define FONT "DejaVu Sans"

static pthread_mutex_t render_mu = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map; /* made once, under render_mu, kept for the process */

typedef enum font_kind { F_BODY, F_BOLD, F_TITLE, F_SUBTITLE, F_H2, F_H3, F_SMALL, F_TABLE,
	                 F_TABLE_BOLD, F_COUNT } font_kind;

static const struct {
	const char *desc;
	double size;
} fonts[F_COUNT] = {
	[F_BODY] = { FONT, 10.5 },        [F_BOLD] = { FONT " Bold", 10.5 },
	[F_TITLE] = { FONT " Bold", 20 }, [F_SUBTITLE] = { FONT, 14 },
	[F_H2] = { FONT " Bold", 14 },    [F_H3] = { FONT " Bold", 11 },
	[F_SMALL] = { FONT, 8.5 },        [F_TABLE] = { FONT, 9.5 },
	[F_TABLE_BOLD] = { FONT " Bold", 9.5 },
};

/*
 * Short cells repeat (counts, "Offen", "0"): their layouts are kept, so
 * pango shapes each such text once per column and report.
 */
#define CACHE_SLOTS 256
#define CACHE_TEXT 32

typedef struct cached {
	char text[CACHE_TEXT];
	int key;        /* column, bold header and alignment; -1 empty */
	double width;
	PangoLayout *l;
} cached;

typedef struct pdf {
	const gp_report *rep;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pc;
	PangoFontDescription *font[F_COUNT];
	PangoLayout *cell[8]; /* reused for table cells, one per column */
	PangoLayout *reply[8];
	PangoLayout *use[8];  /* what row_draw shows per column: cell[c] or a cached one */
	cached cache[CACHE_SLOTS];
	double y;
	int page;             /* this page */
	const rp_block *float_map; /* the map's heading, waiting for the top of the next page */
	int map_rc;           /* the map's failure when drawn at a page's top */
	char footer[512];
	int (*write)(void *ctx, const void *data, size_t len);
	void *ctx;
	int write_rc;
} pdf;

static cairo_status_t on_write(void *closure, const unsigned char *data, unsigned int len)
{
	pdf *p = closure;

	if (p->write_rc)
		return CAIRO_STATUS_WRITE_ERROR;
	if ((p->write_rc = p->write(p->ctx, data, len)))
		return CAIRO_STATUS_WRITE_ERROR;
	return CAIRO_STATUS_SUCCESS;
}

/* ---- text ----------------------------------------------------------------------------------- */

static void setup_layout(pdf *p, PangoLayout *l, font_kind f, double width)
{
	pango_layout_set_font_description(l, p->font[f]);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
}

static PangoLayout *layout(pdf *p, font_kind f, double width, const char *text)
{
	PangoLayout *l = pango_layout_new(p->pc);

	setup_layout(p, l, f, width);
	pango_layout_set_text(l, text, -1);
	return l;
}

static double height(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double width_of(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

static void show(pdf *p, PangoLayout *l, double x, double y, double grey)
{
	cairo_set_source_rgb(p->cr, grey, grey, grey);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

/* ---- pages ------------------------------------------------------------------------------------- */

/*
 * One pass, and "Seite N" without "von M": the count is known only at the
 * end, and a counting pass before the drawing one costs the text's
 * shaping twice (a third more time: the Ortsbezirk's report went over its
 * half second), while keeping every page until the count is known would
 * hold the whole document in memory.
 */

static void footer(pdf *p)
{
	char num[64];
	PangoLayout *l;

	snprintf(num, sizeof(num), rp_word_get(W_PAGE, p->rep->en), p->page);
	cairo_set_line_width(p->cr, 0.4);
	cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
	cairo_move_to(p->cr, LEFT, BOTTOM + 14);
	cairo_line_to(p->cr, LEFT + TEXT_W, BOTTOM + 14);
	cairo_stroke(p->cr);
	l = layout(p, F_SMALL, TEXT_W * 0.8, p->footer);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	show(p, l, LEFT, BOTTOM + 18, 0.3);
	g_object_unref(l);
	l = layout(p, F_SMALL, -1, num);
	show(p, l, LEFT + TEXT_W - width_of(l), BOTTOM + 18, 0.3);
	g_object_unref(l);
}

static int map_section(pdf *p, const rp_block *heading);

/* Ends the page; the next starts with the map when it waits for a page's top. */
static void new_page(pdf *p)
{
	const rp_block *map_heading = p->float_map;
	int rc;

	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = TOP;
	if (map_heading) {
		p->float_map = NULL;
		if ((rc = map_section(p, map_heading)) && !p->map_rc)
			p->map_rc = rc;
	}
}

/*
 * Starts a new page unless h more points fit on this one (and it is not
 * empty); when the map placed at the new page's top leaves less than h,
 * another.
 */
static int need(pdf *p, double h)
{
	if (p->y + h <= BOTTOM || p->y <= TOP)
		return 0;
	new_page(p);
	if (p->y + h > BOTTOM && p->y > TOP)
		new_page(p);
	return 1;
}

static void paragraph(pdf *p, font_kind f, const char *text, double before, double after,
                      double keep, double grey)
{
	PangoLayout *l = layout(p, f, TEXT_W, text);
	double h = height(l);

	if (p->y > TOP)
		p->y += before;
	need(p, h + keep);
	show(p, l, LEFT, p->y, grey);
	p->y += h + after;
	g_object_unref(l);
}

/* ---- tables ------------------------------------------------------------------------------------- */

static void symbol(cairo_t *cr, gp_category c, double x, double y, double size)
{
	double r = size / 2;

	if (c == GP_CATEGORY_FAVOURITE) {
		cairo_new_sub_path(cr);
		cairo_arc(cr, x, y, r, 0, 2 * M_PI);
	} else {
		cairo_move_to(cr, x, y - r * 1.1);
		cairo_line_to(cr, x + r, y + r * 0.8);
		cairo_line_to(cr, x - r, y + r * 0.8);
		cairo_close_path(cr);
	}
	cairo_set_source_rgb(cr, rp_symbol_rgb[c][0], rp_symbol_rgb[c][1], rp_symbol_rgb[c][2]);
	cairo_fill(cr);
}

static uint32_t hash(const char *s, int key)
{
	uint32_t h = 2166136261u ^ (uint32_t)key;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* A kept layout of a short one-line text, made on first use; NULL when it does not apply. */
static PangoLayout *cached_layout(pdf *p, const char *s, int key, font_kind f, double width,
                                  int right)
{
	cached *slot;

	if (strlen(s) >= CACHE_TEXT || strchr(s, '\n'))
		return NULL;
	slot = &p->cache[hash(s, key) % CACHE_SLOTS];
	if (slot->l && slot->key == key && slot->width == width && strcmp(slot->text, s) == 0)
		return slot->l;
	if (!slot->l)
		slot->l = pango_layout_new(p->pc);
	setup_layout(p, slot->l, f, width);
	pango_layout_set_alignment(slot->l, right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_text(slot->l, s, -1);
	strcpy(slot->text, s);
	slot->key = key;
	slot->width = width;
	return slot->l;
}

/* Lays out row r's cells (p->use); returns the row's height. */
static double row_layout(pdf *p, const rp_block *t, size_t r, int header)
{
	double h = 0;

	for (size_t c = 0; c < t->ncols && c < 8; c++) {
		const char *s = t->cells[r * t->ncols + c];
		const char *tab = strstr(s, "\n\t");
		double w = t->widths[c] * TEXT_W - 2 * CELL_PAD, ch;
		font_kind f = header ? F_TABLE_BOLD : F_TABLE;

		if (c == 0 && t->row_symbol && !header)
			w -= 10;
		pango_layout_set_text(p->reply[c], tab ? tab + 2 : "", -1);
		p->use[c] = c > 0 && !tab ? cached_layout(p, s, (int)c * 4 + header * 2 + t->numeric[c], f,
		                                          w, t->numeric[c])
		                          : NULL;
		if (!p->use[c]) {
			p->use[c] = p->cell[c];
			setup_layout(p, p->cell[c], f, w);
			pango_layout_set_alignment(p->cell[c],
			                           t->numeric[c] ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
			pango_layout_set_text(p->cell[c], s, tab ? (int)(tab - s) : -1);
		}
		ch = height(p->use[c]);
		if (tab) {
			setup_layout(p, p->reply[c], F_SMALL, w - 8);
			ch += 3 + height(p->reply[c]);
		}
		if (ch > h)
			h = ch;
	}
	return h + 2 * CELL_PAD;
}

static void row_draw(pdf *p, const rp_block *t, size_t r, int header, double h)
{
	double x = LEFT;

	for (size_t c = 0; c < t->ncols && c < 8; c++) {
		double cx = x + CELL_PAD;
		if (c == 0 && t->row_symbol && !header && t->row_symbol[r] >= 0) {
			symbol(p->cr, (gp_category)t->row_symbol[r], cx + 3.5, p->y + CELL_PAD + 6, 7);
			cx += 10;
		} else if (c == 0 && t->row_symbol && !header) {
			cx += 10;
		}
		show(p, p->use[c], cx, p->y + CELL_PAD, 0.1);
		if (pango_layout_get_character_count(p->reply[c]) > 0) {
			double ry = p->y + CELL_PAD + height(p->use[c]) + 3;
			double rh = height(p->reply[c]);
			cairo_set_source_rgb(p->cr, 0.04, 0.24, 0.36);
			cairo_rectangle(p->cr, cx, ry, 1.6, rh);
			cairo_fill(p->cr);
			show(p, p->reply[c], cx + 8, ry, 0.25);
		}
		x += t->widths[c] * TEXT_W;
	}
	cairo_set_source_rgb(p->cr, header ? 0.2 : 0.73, header ? 0.2 : 0.73, header ? 0.2 : 0.73);
	cairo_set_line_width(p->cr, header ? 0.8 : 0.3);
	cairo_move_to(p->cr, LEFT, p->y + h);
	cairo_line_to(p->cr, LEFT + TEXT_W, p->y + h);
	cairo_stroke(p->cr);
	p->y += h;
}

static void table(pdf *p, const rp_block *t)
{
	double hh = row_layout(p, t, 0, 1), h;

	need(p, hh + 20);
	row_draw(p, t, 0, 1, hh);
	for (size_t r = 1; r <= t->nrows; r++) {
		h = row_layout(p, t, r, 0);
		if (p->y + h > BOTTOM) {
			/* The row goes whole onto the next page, under the header again. */
			need(p, hh + h);
			hh = row_layout(p, t, 0, 1);
			row_draw(p, t, 0, 1, hh);
			h = row_layout(p, t, r, 0);
		}
		row_draw(p, t, r, 0, h);
	}
	p->y += 8;
}

/* ---- the map ------------------------------------------------------------------------------------- */

static void map_polygon(void *ctx, rp_style s, const double *xy, const size_t *ring, size_t nrings)
{
	pdf *p = ctx;
	cairo_t *cr = p->cr;
	const rp_paint *pt = &rp_paints[s];
	size_t at = 0;

	cairo_new_path(cr);
	for (size_t r = 0; r < nrings; at += ring[r], r++) {
		for (size_t k = 0; k < ring[r]; k++)
			(k ? cairo_line_to : cairo_move_to)(cr, xy[2 * (at + k)], xy[2 * (at + k) + 1]);
		cairo_close_path(cr);
	}
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	if (pt->has_fill) {
		cairo_set_source_rgba(cr, pt->fill[0], pt->fill[1], pt->fill[2], pt->fill_alpha);
		cairo_fill_preserve(cr);
	}
	if (pt->has_stroke) {
		cairo_set_source_rgb(cr, pt->stroke[0], pt->stroke[1], pt->stroke[2]);
		cairo_set_line_width(cr, pt->width_mm);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		cairo_stroke(cr);
	}
	cairo_new_path(cr);
}

static void map_symbol(void *ctx, gp_category c, double x, double y, double size)
{
	pdf *p = ctx;

	symbol(p->cr, c, x, y, size);
	/* the white rim of the SVG's symbols */
	if (c == GP_CATEGORY_FAVOURITE) {
		cairo_new_sub_path(p->cr);
		cairo_arc(p->cr, x, y, size / 2, 0, 2 * M_PI);
	} else {
		double r = size / 2;
		cairo_move_to(p->cr, x, y - r * 1.1);
		cairo_line_to(p->cr, x + r, y + r * 0.8);
		cairo_line_to(p->cr, x - r, y + r * 0.8);
		cairo_close_path(p->cr);
	}
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_set_line_width(p->cr, 0.2);
	cairo_stroke(p->cr);
}

static void map_text(void *ctx, rp_text_style s, double x, double y, int anchor, const char *t)
{
	pdf *p = ctx;
	PangoFontDescription *fd = pango_font_description_from_string(s == RT_SMALL ? FONT
	                                                                                 : FONT " Bold");
	PangoLayout *l = pango_layout_new(p->pc);
	double w;

	pango_font_description_set_absolute_size(
		fd, (s == RT_SMALL ? 2.4 : s == RT_NORTH ? 3.6 : 3.4) * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, t, -1);
	pango_cairo_update_layout(p->cr, l);
	w = width_of(l);
	/* A white halo under the text, as the SVG's paint-order="stroke", then the text itself. */
	cairo_move_to(p->cr, x - (anchor == 1 ? w / 2 : anchor == 2 ? w : 0),
	              y - (double)pango_layout_get_baseline(l) / PANGO_SCALE);
	cairo_save(p->cr);
	pango_cairo_layout_path(p->cr, l);
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_set_line_width(p->cr, 0.6);
	cairo_set_line_join(p->cr, CAIRO_LINE_JOIN_ROUND);
	cairo_stroke(p->cr);
	cairo_restore(p->cr);
	cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.1);
	cairo_move_to(p->cr, x - (anchor == 1 ? w / 2 : anchor == 2 ? w : 0),
	              y - (double)pango_layout_get_baseline(l) / PANGO_SCALE);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	pango_font_description_free(fd);
}

static void map_clip(void *ctx, double x, double y, double w, double h)
{
	pdf *p = ctx;

	if (w > 0) {
		cairo_save(p->cr);
		cairo_rectangle(p->cr, x, y, w, h);
		cairo_clip(p->cr);
	} else {
		cairo_restore(p->cr);
	}
}

static const rp_map_ops cairo_ops = { map_polygon, map_symbol, map_text, map_clip };

static int map(pdf *p)
{
	double h = RP_MAP_H * PT_PER_MM;
	int rc = 0;

	need(p, h);
	cairo_save(p->cr);
	cairo_translate(p->cr, LEFT + (TEXT_W - RP_MAP_W * PT_PER_MM) / 2, p->y);
	cairo_scale(p->cr, PT_PER_MM, PT_PER_MM);
	rc = rp_map_draw(p->rep, &cairo_ops, p);
	cairo_restore(p->cr);
	pango_cairo_update_context(p->cr, p->pc);
	p->y += h + 6;
	return rc;
}

#define H2_BEFORE 16.0
#define H2_AFTER 6.0
#define MAP_KEEP (RP_MAP_H * PT_PER_MM + 6)

/* The map under its heading, here. */
static int map_section(pdf *p, const rp_block *heading)
{
	paragraph(p, F_H2, heading->text, H2_BEFORE, H2_AFTER, MAP_KEEP, 0.04);
	return map(p);
}

/*
 * The map under its heading, here when it fits on the rest of the page;
 * else it floats to the top of the next page and what follows it in the
 * document fills this page's rest (a map is too tall to leave a gap for).
 */
static int map_or_float(pdf *p, const rp_block *heading)
{
	PangoLayout *l;
	double h;

	if (p->y <= TOP)
		return map_section(p, heading);
	l = layout(p, F_H2, TEXT_W, heading->text);
	h = H2_BEFORE + height(l) + MAP_KEEP;
	g_object_unref(l);
	if (p->y + h <= BOTTOM)
		return map_section(p, heading);
	p->float_map = heading;
	return 0;
}

/* ---- the whole ------------------------------------------------------------------------------------ */

/* How much of what follows heading i must fit below it on the same page. */
static double keep_with(const rp_doc *d, size_t i)
{
	const rp_block *next = i + 1 < d->n ? &d->b[i + 1] : NULL;

	if (!next)
		return 0;
	switch (next->kind) {
	case RB_MAP: return MAP_KEEP;
	case RB_TABLE: return 48;  /* the header and a row */
	case RB_H3: return 70;     /* a subheading and what it keeps */
	default: return 36;        /* two lines */
	}
}

/* One pass over the document, from the first page to the last. */
static int lay_out(pdf *p, const rp_doc *d)
{
	int rc = 0;

	p->page = 1;
	p->y = TOP;
	p->float_map = NULL;
	for (size_t i = 0; i < d->n && !rc && !p->map_rc; i++) {
		const rp_block *b = &d->b[i];
		double keep = keep_with(d, i);
		switch (b->kind) {
		case RB_TITLE: paragraph(p, F_TITLE, b->text, 0, 4, 0, 0.04); break;
		case RB_SUBTITLE: paragraph(p, F_SUBTITLE, b->text, 0, 4, 0, 0.1); break;
		case RB_H2:
			if (i + 1 < d->n && d->b[i + 1].kind == RB_MAP) {
				rc = map_or_float(p, b);
				i++;
			} else {
				paragraph(p, F_H2, b->text, H2_BEFORE, H2_AFTER, keep, 0.04);
			}
			break;
		case RB_H3: paragraph(p, F_H3, b->text, 8, 4, keep, 0.1); break;
		case RB_P: paragraph(p, F_BODY, b->text, 0, 6, 0, 0.1); break;
		case RB_SMALL: paragraph(p, F_SMALL, b->text, 0, 4, 0, 0.27); break;
		case RB_TABLE: table(p, b); break;
		case RB_MAP: rc = map(p); break;
		}
	}
	if (p->float_map && !rc && !p->map_rc)
		new_page(p); /* nothing followed the map that could fill this page */
	footer(p);
	cairo_show_page(p->cr);
	return rc ? rc : p->map_rc;
}

static int render(pdf *p, const rp_doc *d)
{
	const gp_report *rep = p->rep;
	cairo_font_options_t *fo;
	char when[32], title[512];
	int rc = 0;

	if (!font_map)
		font_map = pango_cairo_font_map_new();
	if (!font_map)
		return GP_EFAULT;
	p->surface = cairo_pdf_surface_create_for_stream(on_write, p, PAGE_W, PAGE_H);
	if (cairo_surface_status(p->surface))
		return GP_ENOMEM;
	/* Dates from the report, never the clock: the same data give the same bytes. */
	snprintf(when, sizeof(when), "%sT00:00:00Z", rep->date[0] ? rep->date : "2000-01-01");
	snprintf(title, sizeof(title), "%s – %s", rp_word_get(W_TITLE, rep->en), rep->name);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_AUTHOR, rep->city_name);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "geopart");
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATE_DATE, when);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_MOD_DATE, when);
	p->cr = cairo_create(p->surface);
	p->pc = pango_font_map_create_context(font_map);
	pango_cairo_context_set_resolution(p->pc, 72); /* font sizes in points */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p->pc, fo);
	cairo_font_options_destroy(fo);
	/* Map labels are a few user units (mm) high: whole-unit glyph positions would scatter them. */
	pango_context_set_round_glyph_positions(p->pc, FALSE);
	pango_context_set_language(p->pc, pango_language_from_string(rep->en ? "en" : "de"));
	pango_cairo_update_context(p->cr, p->pc);
	for (int f = 0; f < F_COUNT; f++) {
		p->font[f] = pango_font_description_from_string(fonts[f].desc);
		pango_font_description_set_size(p->font[f], (int)(fonts[f].size * PANGO_SCALE));
	}
	for (int c = 0; c < 8; c++) {
		p->cell[c] = pango_layout_new(p->pc);
		p->reply[c] = pango_layout_new(p->pc);
	}
	snprintf(p->footer, sizeof(p->footer), "%s · %s", rp_word_get(W_TITLE, rep->en), rep->name);
	rc = lay_out(p, d);
	for (int c = 0; c < 8; c++) {
		g_object_unref(p->cell[c]);
		g_object_unref(p->reply[c]);
	}
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (p->cache[i].l)
			g_object_unref(p->cache[i].l);
	for (int f = 0; f < F_COUNT; f++)
		pango_font_description_free(p->font[f]);
	g_object_unref(p->pc);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	if (!rc && cairo_surface_status(p->surface))
		rc = p->write_rc ? p->write_rc : GP_EFAULT;
	cairo_surface_destroy(p->surface);
	return rc ? rc : p->write_rc;
}

int gp_report_pdf(const gp_report *rep, int (*write)(void *ctx, const void *data, size_t len),
                  void *ctx)
{
	pdf p;
	rp_doc d;
	int rc;

	memset(&p, 0, sizeof(p));
	p.rep = rep;
	p.write = write;
	p.ctx = ctx;
	if ((rc = rp_doc_build(&d, rep)))
		goto out;
	pthread_mutex_lock(&render_mu);
	rc = render(&p, &d);
	pthread_mutex_unlock(&render_mu);
out:
	rp_doc_free(&d);
	return rc;
}

void gp_report_shutdown(void)
{
	pthread_mutex_lock(&render_mu);
	if (font_map) {
		g_object_unref(font_map);
		font_map = NULL;
		cairo_debug_reset_static_data();
		FcFini();
	}
	pthread_mutex_unlock(&render_mu);
}
