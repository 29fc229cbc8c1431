/*
 * doc.c — the report model as a document: headings, paragraphs, tables
 * and the map, in reading order, with every number and date already in
 * words of the report's language.  html.c and pdf.c draw this one list,
 * so the web page and the PDF cannot say different things.
 *
 * Must never: add text that is not in the model (every comment comes
 * from the model's published points).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

static rp_block *add(rp_doc *d, rp_block_kind kind)
{
	rp_block *b;

	if (d->failed)
		return NULL;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		rp_block *n = realloc(d->b, cap * sizeof(*n));
		if (!n) {
			d->failed = 1;
			return NULL;
		}
		d->b = n;
		d->cap = cap;
	}
	b = &d->b[d->n++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	return b;
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *s;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || !(s = malloc((size_t)n + 1)))
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static __attribute__((format(printf, 3, 4))) void text(rp_doc *d, rp_block_kind kind,
                                                        const char *fmt, ...)
{
	rp_block *b = add(d, kind);
	va_list ap;

	if (!b)
		return;
	va_start(ap, fmt);
	b->text = vformat(fmt, ap);
	va_end(ap);
	if (!b->text)
		d->failed = 1;
}

static rp_block *table(rp_doc *d, size_t ncols, const double *widths, const int *numeric,
                       int symbols, ...)
{
	rp_block *b = add(d, RB_TABLE);
	va_list ap;

	if (!b)
		return NULL;
	b->ncols = ncols;
	b->widths = widths;
	b->numeric = numeric;
	b->caprows = 8;
	b->cells = calloc((b->caprows + 1) * ncols, sizeof(*b->cells));
	b->row_symbol = symbols ? calloc(b->caprows + 1, sizeof(int)) : NULL;
	if (!b->cells || (symbols && !b->row_symbol)) {
		d->failed = 1;
		return NULL;
	}
	va_start(ap, symbols);
	for (size_t c = 0; c < ncols; c++)
		if (!(b->cells[c] = strdup(va_arg(ap, const char *))))
			d->failed = 1;
	va_end(ap);
	return b;
}

/* A row of cells, each formatted "%s"-style from the arguments (all strings). */
static void row(rp_doc *d, rp_block *b, int symbol, ...)
{
	va_list ap;

	if (!b || d->failed)
		return;
	if (b->nrows == b->caprows) {
		size_t cap = b->caprows * 2;
		char **n = realloc(b->cells, (cap + 1) * b->ncols * sizeof(*n));
		if (!n) {
			d->failed = 1;
			return;
		}
		b->cells = n;
		if (b->row_symbol) {
			int *s = realloc(b->row_symbol, (cap + 1) * sizeof(*s));
			if (!s) {
				d->failed = 1;
				return;
			}
			b->row_symbol = s;
		}
		b->caprows = cap;
	}
	b->nrows++;
	va_start(ap, symbol);
	for (size_t c = 0; c < b->ncols; c++) {
		const char *v = va_arg(ap, const char *);
		if (!(b->cells[b->nrows * b->ncols + c] = strdup(v ? v : "")))
			d->failed = 1;
	}
	va_end(ap);
	if (b->row_symbol)
		b->row_symbol[b->nrows] = symbol;
}

void rp_doc_free(rp_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		rp_block *b = &d->b[i];
		free(b->text);
		if (b->cells)
			for (size_t k = 0; k < (b->nrows + 1) * b->ncols; k++)
				free(b->cells[k]);
		free(b->cells);
		free(b->row_symbol);
	}
	free(d->b);
	memset(d, 0, sizeof(*d));
}

/* ---- numbers and dates as people read them ------------------------------------------- */

typedef struct num {
	char s[32];
} num;

/* 12.345 (German) or 12,345 (English). */
static num count(int64_t v, int en)
{
	num n;
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%lld", (long long)(v < 0 ? -v : v));
	size_t o = 0;

	if (v < 0)
		n.s[o++] = '-';
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			n.s[o++] = en ? ',' : '.';
		n.s[o++] = digits[i];
	}
	n.s[o] = '\0';
	return n;
}

/*
 * A share in whole percent: "12 %" (German) or "12%"; a share above zero
 * that would round to 0 is "< 1 %", so that "0 %" means none at all.
 */
static num share(int64_t part, int64_t whole, int en)
{
	num n;
	long pct = whole > 0 ? (long)((200 * part + whole) / (2 * whole)) : 0;

	if (pct == 0 && part > 0 && whole > 0)
		snprintf(n.s, sizeof(n.s), en ? "< 1%%" : "< 1 %%");
	else
		snprintf(n.s, sizeof(n.s), en ? "%ld%%" : "%ld %%", pct);
	return n;
}

/* One decimal place, with a decimal comma in German. */
static num decimal(double v, int en)
{
	num n;

	snprintf(n.s, sizeof(n.s), "%.1f", v);
	if (!en)
		for (char *c = n.s; *c; c++)
			if (*c == '.')
				*c = ',';
	return n;
}

typedef struct day {
	char s[40];
} day;

/* "3. März 2026" or "3 March 2026" from YYYY-MM-DD; "" for "". */
static day date(const char *ymd, int en)
{
	static const char *const de_m[] = { "Januar", "Februar", "März", "April", "Mai", "Juni",
		                            "Juli", "August", "September", "Oktober", "November",
		                            "Dezember" };
	static const char *const en_m[] = { "January", "February", "March", "April", "May",
		                            "June", "July", "August", "September", "October",
		                            "November", "December" };
	day d = { "" };
	int y, m, dd;

	if (!ymd || sscanf(ymd, "%4d-%2d-%2d", &y, &m, &dd) != 3 || m < 1 || m > 12)
		return d;
	m--;
	snprintf(d.s, sizeof(d.s), en ? "%d %s %d" : "%d. %s %d", dd, (en ? en_m : de_m)[m], y);
	return d;
}

/* ---- the sections ------------------------------------------------------------------------- */

static const double W_2[] = { 0.7, 0.3 };
static const int N_2[] = { 0, 1 };
static const double W_3[] = { 0.6, 0.2, 0.2 };
static const int N_3[] = { 0, 1, 1 };
static const double W_POINT[] = { 0.1, 0.66, 0.08, 0.16 };
static const int N_POINT[] = { 0, 0, 1, 0 };
static const double W_EVENT[] = { 0.40, 0.26, 0.20, 0.14 };
static const int N_EVENT[] = { 0, 0, 0, 1 };

#define W(w) rp_word_get(w, en)

/* Appends s with its tabs made spaces: a tab marks the city's reply, which no text may fake. */
static char *put_untabbed(char *o, const char *s)
{
	for (; *s; s++)
		*o++ = *s == '\t' ? ' ' : *s;
	return o;
}

static void point_cell(rp_doc *d, const gp_report *rep, const rp_point *p, char **out)
{
	int en = rep->en;
	const char *label = W(W_REPLY);
	size_t n = strlen(p->comment) + (p->reply ? strlen(p->reply) + strlen(label) + 4 : 0) + 1;
	char *o;

	if (!(*out = o = malloc(n))) {
		d->failed = 1;
		return;
	}
	o = put_untabbed(o, p->comment);
	if (p->reply) {
		*o++ = '\n';
		*o++ = '\t';
		o = put_untabbed(o, label);
		*o++ = ':';
		*o++ = ' ';
		o = put_untabbed(o, p->reply);
	}
	*o = '\0';
}

static void point_row(rp_doc *d, rp_block *b, const gp_report *rep, const rp_point *p)
{
	char id[24], *cell = NULL;

	snprintf(id, sizeof(id), "%lld", (long long)p->id);
	point_cell(d, rep, p, &cell);
	if (!cell)
		return;
	row(d, b, (int)p->category, id, cell, count(p->supporters, rep->en).s,
	    gp_outcome_label(p->outcome, rep->en));
	free(cell);
}

static rp_block *point_table(rp_doc *d, int en)
{
	return table(d, 4, W_POINT, N_POINT, 1, W(W_NO), W(W_COMMENT), "+1", W(W_OUTCOME));
}

static void heading(rp_doc *d, const gp_report *rep)
{
	int en = rep->en;
	const char *kind = rep->city ? W(W_CITY)
	                   : rep->layer == GP_LAYER_ORTSBEZIRK ? W(W_ORTSBEZIRK)
	                                                        : W(W_STADTTEIL);

	text(d, RB_TITLE, "%s", W(W_TITLE));
	if (rep->city)
		text(d, RB_SUBTITLE, "%s %s", kind, rep->name);
	else
		text(d, RB_SUBTITLE, "%s %s · %s", kind, rep->name, rep->city_name);
	if (rep->first[0])
		text(d, RB_SMALL, "%s: %s · %s: %s – %s", W(W_AS_OF), date(rep->date, en).s,
		     W(W_PERIOD), date(rep->first, en).s, date(rep->last, en).s);
	else
		text(d, RB_SMALL, "%s: %s", W(W_AS_OF), date(rep->date, en).s);
}

static void how(rp_doc *d, const gp_report *rep)
{
	int en = rep->en;
	rp_block *t;

	text(d, RB_H2, "%s", W(W_HOW));
	text(d, RB_P, "%s", W(W_HOW_ONLINE));
	text(d, RB_P, "%s", W(rep->pre_moderation ? W_HOW_PRE : W_HOW_POST));
	t = table(d, 2, W_2, N_2, 0, W(W_COMMENT), W(W_COUNT));
	row(d, t, -1, W(W_POINTS), count(rep->published, en).s);
	row(d, t, -1, W(W_HOW_PENDING), count(rep->pending, en).s);
	row(d, t, -1, W(W_HOW_HIDDEN), count(rep->hidden, en).s);
}

static void figures(rp_doc *d, const gp_report *rep)
{
	int en = rep->en;
	int64_t all = rep->published - rep->points_left_out;
	rp_block *t;

	text(d, RB_H2, "%s", W(W_FIGURES));
	t = table(d, 2, W_2, N_2, 0, W(W_FIGURE), W(W_COUNT));
	row(d, t, -1, W(W_POINTS), count(rep->published, en).s);
	row(d, t, -1, W(W_SUPPORT), count(rep->supporters, en).s);
	row(d, t, -1, W(W_REPLIES), count(rep->with_reply, en).s);
	if (rep->survey_group)
		row(d, t, -1, W(W_RESPONDENTS),
		    rep->respondents < 0 ? W(W_WITHHELD) : count(rep->respondents, en).s);

	text(d, RB_H3, "%s", W(W_BY_CATEGORY));
	t = table(d, 3, W_3, N_3, 1, W(W_KIND), W(W_COUNT), W(W_SHARE));
	for (int c = 0; c < GP_CATEGORY_COUNT; c++)
		row(d, t, c, gp_category_label((gp_category)c, en), count(rep->category[c], en).s,
		    share(rep->category[c], all, en).s);

	text(d, RB_H3, "%s", W(W_BY_TOPIC));
	t = table(d, 3, W_3, N_3, 0, W(W_TOPIC), W(W_COUNT), W(W_SHARE));
	for (size_t i = 0; i < rep->ntopics; i++)
		row(d, t, -1, rep->topic_label[i], count(rep->topic_count[i], en).s,
		    share(rep->topic_count[i], all, en).s);
	row(d, t, -1, W(W_NO_TOPIC), count(rep->without_topic, en).s,
	    share(rep->without_topic, all, en).s);

	text(d, RB_H3, "%s", W(W_BY_CHANNEL));
	t = table(d, 3, W_3, N_3, 0, W(W_CHANNEL), W(W_COUNT), W(W_SHARE));
	for (int c = 0; c < GP_CHANNEL_COUNT; c++)
		row(d, t, -1, gp_channel_label((gp_channel)c, en), count(rep->channel[c], en).s,
		    share(rep->channel[c], all, en).s);

	text(d, RB_H3, "%s", W(W_OUTCOME));
	t = table(d, 3, W_3, N_3, 0, W(W_OUTCOME), W(W_COUNT), W(W_SHARE));
	for (int o = 0; o < GP_OUTCOME_COUNT; o++)
		row(d, t, -1, gp_outcome_label((gp_outcome)o, en), count(rep->outcome[o], en).s,
		    share(rep->outcome[o], all, en).s);

	if (rep->nevents) {
		text(d, RB_H3, "%s", W(W_BY_EVENT));
		t = table(d, 4, W_EVENT, N_EVENT, 0, W(W_EVENTS), W(W_KIND), W(W_DATE), W(W_COUNT));
		for (size_t i = 0; i < rep->nevents; i++)
			row(d, t, -1, rep->events[i].name,
			    gp_channel_label(rep->events[i].channel, en),
			    date(rep->events[i].date, en).s, count(rep->events[i].points, en).s);
	}
}

static void map(rp_doc *d, const gp_report *rep)
{
	int en = rep->en;

	text(d, RB_H2, "%s", W(W_MAP));
	add(d, RB_MAP);
}

static void hotspots(rp_doc *d, const gp_report *rep)
{
	int en = rep->en;

	text(d, RB_H2, "%s", W(W_HOTSPOTS));
	if (!rep->nhotspots) {
		text(d, RB_P, "%s", W(W_HOTSPOTS_NONE));
		return;
	}
	for (size_t i = 0; i < rep->nhotspots; i++) {
		const rp_hotspot *h = &rep->hotspots[i];
		int64_t mine = 0;
		rp_block *t;

		for (size_t k = 0; k < rep->npoints; k++)
			mine += rep->points[k].hotspot == (int)i;
		if (mine == 0)
			continue;
		text(d, RB_H3, "%s %zu%s%s · %s %s · %s %s ha", W(W_HOTSPOT), i + 1,
		     h->top_topic >= 0 ? ": " : "",
		     h->top_topic >= 0 ? rep->topic_label[h->top_topic] : "", count(mine, en).s,
		     W(W_COUNT_WORD), W(W_HOTSPOT_AREA), decimal(h->area / 10000.0, en).s);
		t = point_table(d, en);
		for (size_t k = 0; k < rep->npoints; k++)
			if (rep->points[k].hotspot == (int)i)
				point_row(d, t, rep, &rep->points[k]);
	}
}

static void comments(rp_doc *d, const gp_report *rep)
{
	int en = rep->en;
	rp_block *t = NULL;

	text(d, RB_H2, "%s", W(W_COMMENTS));
	if (!rep->npoints) {
		text(d, RB_P, "%s", W(W_NO_POINTS));
		return;
	}
	for (size_t k = 0; k < rep->npoints; k++) {
		const rp_point *p = &rep->points[k];
		if (k == 0 || p->topic != rep->points[k - 1].topic ||
		    p->category != rep->points[k - 1].category) {
			text(d, RB_H3, "%s · %s",
			     p->topic >= 0 ? rep->topic_label[p->topic] : W(W_NO_TOPIC),
			     gp_category_label(p->category, en));
			t = point_table(d, en);
		}
		point_row(d, t, rep, p);
	}
	if (rep->points_left_out)
		text(d, RB_SMALL, W(W_LEFT_OUT), (long long)rep->points_left_out);
}

static void events(rp_doc *d, const gp_report *rep)
{
	int en = rep->en;

	text(d, RB_H2, "%s", W(W_EVENTS));
	if (!rep->nevents) {
		text(d, RB_P, "%s", W(W_EVENTS_NONE));
		return;
	}
	for (size_t i = 0; i < rep->nevents; i++) {
		const rp_event *e = &rep->events[i];
		rp_block *t;

		text(d, RB_H3, "%s · %s · %s", e->name, gp_channel_label(e->channel, en),
		     date(e->date, en).s);
		t = point_table(d, en);
		for (size_t k = 0; k < rep->npoints; k++)
			if (rep->points[k].event == e->id)
				point_row(d, t, rep, &rep->points[k]);
	}
}

static void survey(rp_doc *d, const gp_report *rep)
{
	int en = rep->en;

	text(d, RB_H2, "%s", W(W_SURVEY));
	if (!rep->has_survey) {
		text(d, RB_P, "%s", W(W_SURVEY_NONE));
		return;
	}
	if (!rep->survey_group) {
		text(d, RB_P, "%s: %s", rep->survey_title, W(W_SURVEY_NO_GROUP));
		return;
	}
	text(d, RB_P, "%s · %s: %s", rep->survey_title, W(W_RESPONDENTS),
	     rep->respondents < 0 ? W(W_WITHHELD) : count(rep->respondents, en).s);
	text(d, RB_SMALL, W(W_SURVEY_SUPPRESSED), rep->min_cell);
	for (size_t q = 0; q < rep->nquestions; q++) {
		const rp_survey_q *sq = &rep->questions[q];
		rp_block *t;

		text(d, RB_H3, "%zu. %s", q + 1, sq->text);
		t = table(d, 2, W_2, N_2, 0, W(W_ANSWER), W(W_COUNT));
		row(d, t, -1, W(W_ANSWERED), sq->answered < 0 ? W(W_WITHHELD) : count(sq->answered, en).s);
		for (size_t k = 0; k < sq->nrows; k++)
			row(d, t, -1, sq->rows[k].label,
			    sq->rows[k].count < 0 ? W(W_WITHHELD) : count(sq->rows[k].count, en).s);
		if (sq->has_median)
			row(d, t, -1, W(W_MEDIAN), decimal(sq->median, en).s);
	}
}

static void sources(rp_doc *d, const gp_report *rep)
{
	int en = rep->en;

	text(d, RB_H2, "%s", W(W_SOURCES));
	for (size_t i = 0; i < rep->nattribution; i++)
		text(d, RB_SMALL, "%s", rep->attribution[i]);
}

int rp_doc_build(rp_doc *d, const gp_report *rep)
{
	memset(d, 0, sizeof(*d));
	heading(d, rep);
	how(d, rep);
	figures(d, rep);
	map(d, rep);
	hotspots(d, rep);
	comments(d, rep);
	events(d, rep);
	survey(d, rep);
	sources(d, rep);
	return d->failed ? GP_ENOMEM : 0;
}
