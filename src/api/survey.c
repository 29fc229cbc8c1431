/*
 * survey.c — /api/survey: the questionnaire's definition, a citizen's
 * response, its results (suppressed as read/survey.c says; public only
 * when survey_results_public is on; for staff with the approved free-text
 * answers) and, for staff, every response as CSV with its codebook and
 * the moderation of free-text answers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

/* The survey served, or GP_NOT_FOUND. */
static int the_survey(gp_worker *w, const gp_survey **out, gp_err *err)
{
	const gp_survey *s = gp_worker_survey(w);

	if (!s)
		return gp_err_set(err, GP_NOT_FOUND, "", "there is no survey here (setting `survey`)");
	*out = s;
	return 0;
}

/* ---- GET /api/survey ------------------------------------------------------------- */

typedef struct places {
	const char *ids[64], *names[64];
	char store[64][2][128];
	size_t n;
} places;

static int on_place(void *ctx, const gp_read_district *d)
{
	places *p = ctx;

	if (p->n == 64)
		return 0;
	gp_strlcpy(p->store[p->n][0], d->id, sizeof(p->store[p->n][0]));
	gp_strlcpy(p->store[p->n][1], d->name, sizeof(p->store[p->n][1]));
	p->ids[p->n] = p->store[p->n][0];
	p->names[p->n] = p->store[p->n][1];
	p->n++;
	return 0;
}

static int get_survey(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	const gp_survey *s = NULL;
	gp_json_survey_places pl;
	places p;
	int rc;

	if ((rc = the_survey(w, &s, err)))
		return rc;
	p.n = 0;
	if ((rc = gp_read_districts(gp_worker_read(w), &vis, GP_LAYER_ORTSBEZIRK, NULL, 0, on_place,
	                            &p, err)))
		return rc;
	pl = (gp_json_survey_places){ p.ids, p.names, p.n };
	gp_json_survey_write(gp_http_out(x), s, &pl);
	gp_buf_putc(gp_http_out(x), '\n');
	gp_http_set_type(x, GP_JSON_TYPE);
	return gp_buf_status(gp_http_out(x));
}

/* ---- POST /api/survey/responses ---------------------------------------------------- */

static int post_response(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const gp_survey *s = NULL;
	gp_survey_input in;
	gp_actor actor;
	size_t len;
	const char *body = gp_http_body(x, &len);
	int64_t id;
	int rc, discarded = 0;

	if ((rc = the_survey(w, &s, err)) ||
	    (rc = api_actor(x, w, GP_ROLE_CITIZEN, &actor, err)) ||
	    (rc = api_citizen_write(x, w, &actor, err)))
		return rc;
	if ((rc = gp_json_survey_input_decode(&in, body, len, err)))
		return rc;
	rc = gp_core_survey_submit(w, &in, &actor, &id, &discarded, err);
	gp_survey_input_clear(&in);
	if (rc)
		return rc;
	/* As for points: a bot learns nothing from the answer but that it was received. */
	gp_buf_puts(gp_http_out(x), discarded ? "{\"status\":\"received\"}\n"
	                                      : "{\"status\":\"stored\"}\n");
	gp_http_set_type(x, GP_JSON_TYPE);
	gp_http_set_status(x, discarded ? 202 : 201);
	return 0;
}

/* ---- GET /api/survey/results ----------------------------------------------------------- */

static void csv_field(gp_buf *b, const char *s)
{
	gp_buf_putc(b, '"');
	/* Spreadsheets execute cells that begin with = + - @ (CSV injection). */
	if (s[0] && strchr("=+-@\t\r", s[0]))
		gp_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			gp_buf_putc(b, '"');
		gp_buf_putc(b, *s);
	}
	gp_buf_putc(b, '"');
}

static void put_cell(gp_buf *b, gp_read_survey_cell c)
{
	if (c.suppressed)
		gp_buf_puts(b, "\"count\":null,\"suppressed\":true");
	else
		gp_buf_printf(b, "\"count\":%lld,\"suppressed\":false", (long long)c.count);
}

static void put_label(gp_buf *b, const char *de, const char *en)
{
	gp_buf_puts(b, "{\"de\":");
	gp_json_put_str(b, de);
	gp_buf_puts(b, ",\"en\":");
	gp_json_put_str(b, en);
	gp_buf_putc(b, '}');
}

/* A text's group among the results' groups: a respondent's Ortsbezirk, outside or unknown. */
static const char *text_group(const gp_read_survey *res, const char *ortsbezirk)
{
	return ortsbezirk && gp_read_survey_group_find(res, ortsbezirk) > 0 ? ortsbezirk : "unknown";
}

typedef struct approved {
	gp_buf *b;
	const gp_read_survey *res;
	int n;
} approved;

static int put_approved(void *ctx, const gp_read_survey_text *t)
{
	approved *a = ctx;

	gp_buf_printf(a->b, "%s{\"id\":%lld,\"district\":", a->n++ ? "," : "", (long long)t->id);
	gp_json_put_str(a->b, text_group(a->res, t->ortsbezirk));
	gp_buf_puts(a->b, ",\"text\":");
	gp_json_put_str(a->b, t->text);
	gp_buf_putc(a->b, '}');
	return gp_buf_status(a->b);
}

/*
 * For staff, the member "texts": per text question (by id) its approved
 * answers, of the one group asked for or of all, oldest first.  Never for
 * the public.
 */
static int results_texts(gp_http_exchange *x, const gp_visibility *vis, const gp_survey *s,
                         const gp_read_survey *res, const char *district, gp_err *err)
{
	gp_buf *b = gp_http_out(x);
	int first = 1;

	gp_buf_puts(b, ",\"texts\":{");
	for (size_t q = 0; q < s->nquestions; q++) {
		gp_read_survey_text_filter f = { "approved", s->questions[q].id,
			                         district && strcmp(district, "city") ? district : NULL,
			                         0 };
		approved a = { b, res, 0 };
		int64_t total;
		int rc;

		if (s->questions[q].type != GP_SURVEY_TEXT)
			continue;
		if (!first)
			gp_buf_putc(b, ',');
		first = 0;
		gp_json_put_str(b, s->questions[q].id);
		gp_buf_puts(b, ":[");
		if ((rc = gp_read_survey_texts(gp_worker_read(gp_http_worker(x)), vis, &f,
		                               INT64_MAX / 2, 0, put_approved, &a, &total, err)))
			return rc;
		gp_buf_putc(b, ']');
	}
	gp_buf_putc(b, '}');
	return gp_buf_status(b);
}

static void results_json(gp_buf *b, const gp_survey *s, const gp_read_survey *res, size_t g0,
                         size_t g1, int min_cell)
{
	gp_buf_printf(b, "{\"min_cell\":%d,\"district\":", min_cell);
	gp_json_put_str_or_null(b, g1 - g0 == 1 ? gp_read_survey_group_id(res, g0) : NULL);
	gp_buf_puts(b, ",\"groups\":[");
	for (size_t g = g0; g < g1; g++) {
		gp_buf_puts(b, g > g0 ? ",{\"id\":" : "{\"id\":");
		gp_json_put_str(b, gp_read_survey_group_id(res, g));
		gp_buf_puts(b, ",\"name\":");
		gp_json_put_str(b, gp_read_survey_group_name(res, g));
		gp_buf_puts(b, ",\"respondents\":{");
		put_cell(b, gp_read_survey_respondents(res, g));
		gp_buf_puts(b, "}}");
	}
	gp_buf_puts(b, "],\"questions\":[");
	for (size_t q = 0; q < s->nquestions; q++) {
		const gp_survey_question *qq = &s->questions[q];
		size_t no = gp_read_survey_options(res, q);

		gp_buf_puts(b, q ? ",{\"id\":" : "{\"id\":");
		gp_json_put_str(b, qq->id);
		gp_buf_printf(b, ",\"type\":\"%s\",\"text\":", gp_survey_type_name(qq->type));
		put_label(b, qq->text.de, qq->text.en);
		gp_buf_puts(b, ",\"options\":[");
		for (size_t o = 0; o < no; o++) {
			gp_buf_puts(b, o ? ",{\"code\":" : "{\"code\":");
			gp_json_put_str(b, gp_read_survey_option_code(res, q, o));
			gp_buf_puts(b, ",\"label\":");
			put_label(b, gp_read_survey_option_label(res, q, o, 0),
			          gp_read_survey_option_label(res, q, o, 1));
			gp_buf_putc(b, '}');
		}
		gp_buf_puts(b, "],\"results\":[");
		for (size_t g = g0; g < g1; g++) {
			double median;

			gp_buf_puts(b, g > g0 ? ",{\"group\":" : "{\"group\":");
			gp_json_put_str(b, gp_read_survey_group_id(res, g));
			gp_buf_puts(b, ",\"answered\":{");
			put_cell(b, gp_read_survey_answered(res, g, q));
			gp_buf_puts(b, "},\"counts\":[");
			for (size_t o = 0; o < no; o++) {
				gp_buf_puts(b, o ? ",{\"code\":" : "{\"code\":");
				gp_json_put_str(b, gp_read_survey_option_code(res, q, o));
				gp_buf_putc(b, ',');
				put_cell(b, gp_read_survey_count(res, g, q, o));
				gp_buf_putc(b, '}');
			}
			gp_buf_putc(b, ']');
			if (qq->type == GP_SURVEY_SCALE) {
				gp_buf_puts(b, ",\"median\":");
				if (gp_read_survey_median(res, g, q, &median))
					gp_buf_put_fixed(b, median, 1);
				else
					gp_buf_puts(b, "null");
			}
			gp_buf_putc(b, '}');
		}
		gp_buf_puts(b, "]}");
	}
	gp_buf_putc(b, ']');
}

static void csv_row(gp_buf *b, const gp_survey_question *qq, const gp_read_survey *res, size_t g,
                    const char *code, const char *label, gp_read_survey_cell c)
{
	csv_field(b, qq->id);
	gp_buf_putc(b, ',');
	csv_field(b, gp_survey_type_name(qq->type));
	gp_buf_putc(b, ',');
	csv_field(b, gp_read_survey_group_id(res, g));
	gp_buf_putc(b, ',');
	csv_field(b, gp_read_survey_group_name(res, g));
	gp_buf_putc(b, ',');
	csv_field(b, code);
	gp_buf_putc(b, ',');
	csv_field(b, label);
	if (c.suppressed)
		gp_buf_puts(b, ",,true,");
	else
		gp_buf_printf(b, ",%lld,false,", (long long)c.count);
}

static void results_csv(gp_buf *b, const gp_survey *s, const gp_read_survey *res, size_t g0,
                        size_t g1)
{
	gp_buf_puts(b, "question_id,question_type,district_id,district_name,code,label,count,"
	               "suppressed,median\r\n");
	for (size_t q = 0; q < s->nquestions; q++) {
		const gp_survey_question *qq = &s->questions[q];
		for (size_t g = g0; g < g1; g++) {
			double median;

			csv_row(b, qq, res, g, "", "answered", gp_read_survey_answered(res, g, q));
			if (qq->type == GP_SURVEY_SCALE && gp_read_survey_median(res, g, q, &median))
				gp_buf_put_fixed(b, median, 1);
			gp_buf_puts(b, "\r\n");
			for (size_t o = 0; o < gp_read_survey_options(res, q); o++) {
				csv_row(b, qq, res, g, gp_read_survey_option_code(res, q, o),
				        gp_read_survey_option_label(res, q, o, 0),
				        gp_read_survey_count(res, g, q, o));
				gp_buf_puts(b, "\r\n");
			}
		}
	}
}

static int format_param(gp_http_exchange *x, const char *a, const char *b, int *out, gp_err *err)
{
	const char *f = gp_http_param(x, "format");

	*out = 0;
	if (!f || !strcmp(f, a))
		return 0;
	if (!strcmp(f, b)) {
		*out = 1;
		return 0;
	}
	return gp_err_set(err, GP_BAD_REQUEST, "format", "format must be %s or %s", a, b);
}

static int get_results(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const gp_config *cfg = gp_worker_config(w);
	const char *district = gp_http_param(x, "district");
	const gp_survey *s = NULL;
	gp_read_survey *res = NULL;
	gp_visibility vis;
	gp_actor actor;
	size_t g0, g1;
	int csv, rc;

	if ((rc = the_survey(w, &s, err)) ||
	    (rc = api_actor(x, w, cfg->survey_results_public ? GP_ROLE_CITIZEN : GP_ROLE_PLANNER,
	                    &actor, err)) ||
	    (rc = format_param(x, "json", "csv", &csv, err)))
		return rc;
	vis = gp_read_visibility(actor.role);
	if ((rc = gp_read_survey_results(gp_worker_read(w), s, cfg->survey_min_cell, &res)))
		return rc;
	g0 = 0;
	g1 = gp_read_survey_groups(res);
	if (district) {
		long g = gp_read_survey_group_find(res, district);
		if (g < 0) {
			rc = gp_err_set(err, GP_BAD_REQUEST, "district",
			                "district must be city, an Ortsbezirk id, outside or unknown");
			goto out;
		}
		g0 = (size_t)g;
		g1 = g0 + 1;
	}
	if (csv) {
		char disposition[96];
		results_csv(gp_http_out(x), s, res, g0, g1);
		snprintf(disposition, sizeof(disposition),
		         "attachment; filename=\"geopart-survey-results-%s.csv\"",
		         district ? gp_read_survey_group_id(res, g0) : "all");
		gp_http_set_type(x, GP_CSV_TYPE);
		gp_http_add_header(x, "Content-Disposition", disposition);
	} else {
		results_json(gp_http_out(x), s, res, g0, g1, cfg->survey_min_cell);
		/* Free text only for staff, and only what they approved. */
		if (vis.staff && (rc = results_texts(x, &vis, s, res, district, err)))
			goto out;
		gp_buf_puts(gp_http_out(x), "}\n");
		gp_http_set_type(x, GP_JSON_TYPE);
	}
	rc = gp_buf_status(gp_http_out(x));
out:
	gp_read_survey_free(res);
	return rc;
}

/* ---- GET /api/admin/survey/responses ---------------------------------------------------- */

/*
 * Columns: response, day, ortsbezirk, then per question one column named
 * by its id — except multiple (one 0/1 column per option, id.code) and
 * place (id.lon, id.lat, id.ortsbezirk, id.stadtteil).
 */
static void codebook(gp_buf *b, const gp_survey *s)
{
	gp_buf_puts(b, "column,question_id,question_type,code,label_de,label_en,question_de\r\n");
	gp_buf_puts(b, "\"response\",,,,\"Nummer der Antwort\",\"response number\",\r\n"
	               "\"day\",,,,\"Tag (UTC)\",\"day (UTC)\",\r\n"
	               "\"ortsbezirk\",,,,\"Ortsbezirk der Person\",\"respondent's Ortsbezirk\",\r\n");
	for (size_t q = 0; q < s->nquestions; q++) {
		const gp_survey_question *qq = &s->questions[q];
		char col[96];
		static const char *const place_cols[] = { "lon", "lat", "ortsbezirk", "stadtteil" };

		if (qq->type == GP_SURVEY_PLACE) {
			for (size_t i = 0; i < 4; i++) {
				snprintf(col, sizeof(col), "%s.%s", qq->id, place_cols[i]);
				csv_field(b, col);
				gp_buf_putc(b, ',');
				csv_field(b, qq->id);
				gp_buf_puts(b, ",\"place\",,,,");
				csv_field(b, qq->text.de);
				gp_buf_puts(b, "\r\n");
			}
			continue;
		}
		for (size_t o = 0; o < qq->noptions || (o == 0 && !qq->noptions); o++) {
			if (qq->type == GP_SURVEY_MULTIPLE)
				snprintf(col, sizeof(col), "%s.%s", qq->id, qq->options[o].code);
			else
				snprintf(col, sizeof(col), "%s", qq->id);
			csv_field(b, col);
			gp_buf_putc(b, ',');
			csv_field(b, qq->id);
			gp_buf_putc(b, ',');
			csv_field(b, gp_survey_type_name(qq->type));
			gp_buf_putc(b, ',');
			if (qq->noptions) {
				csv_field(b, qq->type == GP_SURVEY_MULTIPLE ? "1" : qq->options[o].code);
				gp_buf_putc(b, ',');
				csv_field(b, qq->options[o].label.de);
				gp_buf_putc(b, ',');
				csv_field(b, qq->options[o].label.en);
			} else {
				gp_buf_puts(b, ",,");
			}
			gp_buf_putc(b, ',');
			csv_field(b, qq->text.de);
			gp_buf_puts(b, "\r\n");
		}
	}
}

typedef struct rows {
	gp_http_exchange *x;
	const gp_survey *s;
	int64_t current; /* response being collected, 0 before the first */
	char day[11], ortsbezirk[64];
	gp_buf *cells; /* per question: the row's text for its column(s) */
	size_t ncells;
	int rc;
} rows;

static void fmt_num(gp_buf *b, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		gp_buf_printf(b, "%lld", (long long)v);
	else
		gp_buf_printf(b, "%.6g", v);
}

static int flush_row(rows *r)
{
	gp_buf *b = gp_http_out(r->x);
	size_t col = 0;

	if (!r->current)
		return 0;
	gp_buf_printf(b, "%lld,%s,", (long long)r->current, r->day);
	if (r->ortsbezirk[0])
		csv_field(b, r->ortsbezirk);
	for (size_t q = 0; q < r->s->nquestions; q++) {
		const gp_survey_question *qq = &r->s->questions[q];
		gp_buf *c = &r->cells[q];
		size_t ncols = qq->type == GP_SURVEY_MULTIPLE ? qq->noptions
		               : qq->type == GP_SURVEY_PLACE  ? 4
		                                              : 1;

		if (qq->type == GP_SURVEY_MULTIPLE) {
			/* cells hold " code1 code2 " of the options chosen */
			const char *chosen = c->len ? gp_buf_cstr(c) : "";
			for (size_t o = 0; o < qq->noptions; o++) {
				char word[GP_SURVEY_ID_MAX + 3];
				snprintf(word, sizeof(word), " %s ", qq->options[o].code);
				gp_buf_puts(b, c->len ? (strstr(chosen, word) ? ",1" : ",0") : ",");
			}
		} else if (!c->len) {
			for (size_t i = 0; i < ncols; i++)
				gp_buf_putc(b, ',');
		} else {
			gp_buf_putc(b, ',');
			gp_buf_append(b, c->data, c->len);
		}
		col += ncols;
		gp_buf_reset(c);
	}
	gp_buf_puts(b, "\r\n");
	(void)col;
	if (b->len > 60 * 1024)
		return gp_http_stream_flush(r->x);
	return gp_buf_status(b);
}

static int on_response_row(void *ctx, const gp_read_survey_row *row)
{
	rows *r = ctx;
	const gp_survey_answer *a = &row->answer;
	long q = -1;
	gp_buf *c;

	if (row->response != r->current) {
		if ((r->rc = flush_row(r)))
			return r->rc;
		r->current = row->response;
		gp_strlcpy(r->day, row->day ? row->day : "", sizeof(r->day));
		gp_strlcpy(r->ortsbezirk, row->ortsbezirk ? row->ortsbezirk : "", sizeof(r->ortsbezirk));
	}
	for (size_t i = 0; a->question && i < r->s->nquestions; i++)
		if (!strcmp(r->s->questions[i].id, a->question))
			q = (long)i;
	if (q < 0)
		return 0; /* a question the survey no longer asks */
	c = &r->cells[q];
	switch (r->s->questions[q].type) {
	case GP_SURVEY_MULTIPLE:
		gp_buf_puts(c, c->len ? "" : " ");
		gp_buf_puts(c, a->code ? a->code : "");
		gp_buf_putc(c, ' ');
		break;
	case GP_SURVEY_PLACE:
		gp_buf_put_fixed(c, a->lon, 7);
		gp_buf_putc(c, ',');
		gp_buf_put_fixed(c, a->lat, 7);
		gp_buf_putc(c, ',');
		csv_field(c, a->code ? a->code : "");
		gp_buf_putc(c, ',');
		csv_field(c, a->stadtteil ? a->stadtteil : "");
		break;
	case GP_SURVEY_NUMBER:
	case GP_SURVEY_SCALE:
		if (a->has_num) {
			fmt_num(c, a->num);
			break;
		}
		/* fall through */
	default:
		csv_field(c, a->text ? a->text : a->code ? a->code : "");
	}
	return 0;
}

static int get_responses(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const gp_survey *s = NULL;
	gp_actor actor;
	gp_visibility vis;
	rows r;
	int book, rc;

	if ((rc = api_actor(x, w, GP_ROLE_PLANNER, &actor, err)) ||
	    (rc = the_survey(w, &s, err)) ||
	    (rc = format_param(x, "csv", "codebook", &book, err)))
		return rc;
	vis = gp_read_visibility(actor.role);
	gp_http_set_type(x, GP_CSV_TYPE);
	gp_http_add_header(x, "Content-Disposition",
	                   book ? "attachment; filename=\"geopart-survey-codebook.csv\""
	                        : "attachment; filename=\"geopart-survey-responses.csv\"");
	if (book) {
		codebook(gp_http_out(x), s);
		return gp_buf_status(gp_http_out(x));
	}
	memset(&r, 0, sizeof(r));
	r.x = x;
	r.s = s;
	r.ncells = s->nquestions;
	if (!(r.cells = calloc(r.ncells, sizeof(gp_buf))))
		return GP_ENOMEM;
	for (size_t q = 0; q < r.ncells; q++)
		gp_buf_init(&r.cells[q], 64 * 1024);
	/* The header: the codebook's columns. */
	gp_buf_puts(gp_http_out(x), "response,day,ortsbezirk");
	for (size_t q = 0; q < s->nquestions; q++) {
		const gp_survey_question *qq = &s->questions[q];
		if (qq->type == GP_SURVEY_MULTIPLE)
			for (size_t o = 0; o < qq->noptions; o++)
				gp_buf_printf(gp_http_out(x), ",%s.%s", qq->id, qq->options[o].code);
		else if (qq->type == GP_SURVEY_PLACE)
			gp_buf_printf(gp_http_out(x), ",%s.lon,%s.lat,%s.ortsbezirk,%s.stadtteil", qq->id,
			              qq->id, qq->id, qq->id);
		else
			gp_buf_printf(gp_http_out(x), ",%s", qq->id);
	}
	gp_buf_puts(gp_http_out(x), "\r\n");
	rc = gp_read_survey_responses(gp_worker_read(w), &vis, on_response_row, &r, err);
	if (!rc)
		rc = r.rc;
	if (!rc)
		rc = flush_row(&r);
	for (size_t q = 0; q < r.ncells; q++)
		gp_buf_free(&r.cells[q]);
	free(r.cells);
	if (rc)
		return rc;
	return gp_http_stream_flush(x);
}

/* ---- /api/admin/survey/texts: moderating free-text answers ------------------------------ */

static int text_id(gp_http_exchange *x, int64_t *out, gp_err *err)
{
	const char *v = gp_http_arg(x, "id");

	if (!v || v[0] == '+' || v[0] == '-' || gp_parse_i64(out, v, 1, INT64_MAX))
		return gp_err_set(err, GP_NOT_FOUND, "id", "no free-text answer \"%.40s\"",
		                  v ? v : "");
	return 0;
}

typedef struct text_list {
	gp_buf *b;
	const gp_survey *s;
	const gp_read_survey *res;
	int n;
} text_list;

static int put_text(void *ctx, const gp_read_survey_text *t)
{
	text_list *tl = ctx;
	gp_buf *b = tl->b;
	const gp_survey_question *qq = NULL;

	for (size_t q = 0; q < tl->s->nquestions; q++)
		if (!strcmp(tl->s->questions[q].id, t->question))
			qq = &tl->s->questions[q];
	gp_buf_printf(b, "%s{\"id\":%lld,\"question\":", tl->n++ ? "," : "", (long long)t->id);
	gp_json_put_str(b, t->question);
	gp_buf_puts(b, ",\"question_text\":");
	if (qq)
		put_label(b, qq->text.de, qq->text.en);
	else
		gp_buf_puts(b, "null"); /* a question the survey no longer asks */
	gp_buf_puts(b, ",\"status\":");
	gp_json_put_str(b, t->status);
	gp_buf_puts(b, ",\"district\":");
	gp_json_put_str(b, text_group(tl->res, t->ortsbezirk));
	gp_buf_puts(b, ",\"district_name\":");
	gp_json_put_str(b, gp_read_survey_group_name(
		tl->res, (size_t)gp_read_survey_group_find(tl->res, text_group(tl->res, t->ortsbezirk))));
	gp_buf_puts(b, ",\"day\":");
	gp_json_put_str(b, t->day);
	gp_buf_puts(b, ",\"text\":");
	gp_json_put_str(b, t->text);
	gp_buf_puts(b, ",\"updated\":");
	gp_json_put_str_or_null(b, t->updated);
	gp_buf_putc(b, '}');
	return gp_buf_status(b);
}

/*
 * Lists texts of filter f (limit from offset) as {"texts":[…],"numberMatched",
 * "numberReturned"}; a group (f->ortsbezirk) the results do not have is
 * GP_BAD_REQUEST naming `district`.
 */
static int list_texts(gp_http_exchange *x, const gp_visibility *vis, const gp_survey *s,
                      const gp_read_survey_text_filter *f, int64_t limit, int64_t offset,
                      gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_read_survey *res = NULL;
	text_list tl = { gp_http_out(x), s, NULL, 0 };
	int64_t total = 0;
	int rc;

	/* The groups, for each text's and for the filter's. */
	if ((rc = gp_read_survey_results(gp_worker_read(w), s, 1, &res)))
		return rc;
	tl.res = res;
	if (f->ortsbezirk && gp_read_survey_group_find(res, f->ortsbezirk) < 0) {
		rc = gp_err_set(err, GP_BAD_REQUEST, "district",
		                "district must be city, an Ortsbezirk id, outside or unknown");
		goto out;
	}
	gp_http_set_private(x);
	gp_buf_puts(tl.b, "{\"texts\":[");
	rc = gp_read_survey_texts(gp_worker_read(w), vis, f, limit, offset, put_text, &tl, &total,
	                          err);
	gp_buf_printf(tl.b, "],\"numberMatched\":%lld,\"numberReturned\":%d}\n", (long long)total,
	              tl.n);
out:
	gp_read_survey_free(res);
	return rc ? rc : gp_buf_status(tl.b);
}

static int get_texts(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const gp_survey *s = NULL;
	gp_read_survey_text_filter f = { gp_http_param(x, "status"), gp_http_param(x, "question"),
		                         gp_http_param(x, "district"), 0 };
	int64_t limit = API_LIMIT_DEFAULT, offset = 0;
	gp_visibility vis;
	gp_actor actor;
	int known = 0, rc;

	if ((rc = api_actor(x, w, GP_ROLE_PLANNER, &actor, err)) ||
	    (rc = the_survey(w, &s, err)) || (rc = api_page_params(x, &limit, &offset, err)))
		return rc;
	vis = gp_read_visibility(actor.role);
	if (f.status && !gp_core_survey_text_status_known(f.status))
		return gp_err_set(err, GP_BAD_REQUEST, "status",
		                  "status must be pending, approved or hidden");
	if (f.question) {
		for (size_t q = 0; q < s->nquestions; q++)
			known |= s->questions[q].type == GP_SURVEY_TEXT &&
			         !strcmp(s->questions[q].id, f.question);
		if (!known)
			return gp_err_set(err, GP_BAD_REQUEST, "question",
			                  "question must be the id of one of the survey's text questions");
	}
	if (f.ortsbezirk && !strcmp(f.ortsbezirk, "city"))
		f.ortsbezirk = NULL; /* everyone's */
	return list_texts(x, &vis, s, &f, limit, offset, err);
}

static int patch_text(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const gp_survey *s = NULL;
	char *status[1] = { NULL };
	int present[1];
	gp_visibility vis;
	gp_read_survey_text_filter f = { NULL, NULL, NULL, 0 };
	gp_actor actor;
	size_t len;
	const char *body = gp_http_body(x, &len);
	int changed, rc;

	if ((rc = text_id(x, &f.id, err)) || (rc = api_actor(x, w, GP_ROLE_PLANNER, &actor, err)) ||
	    (rc = the_survey(w, &s, err)) ||
	    (rc = gp_json_object_strings(status, present, 1, "status", body, len, err)))
		return rc;
	rc = gp_core_survey_text_moderate(w, &actor, f.id, status[0], &changed, err);
	free(status[0]);
	if (rc)
		return rc;
	vis = gp_read_visibility(actor.role);
	/* The text as it stands now, in the list's shape. */
	return list_texts(x, &vis, s, &f, 1, 0, err);
}

const gp_http_route gp_api_survey_routes[] = {
	{ "GET", "/api/survey", get_survey, NULL, GP_HTTP_NO_BODY, 0 },
	{ "POST", "/api/survey/responses", post_response, NULL, GP_HTTP_JSON_BODY, GP_API_BODY_MAX },
	{ "GET", "/api/survey/results", get_results, "district format", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/admin/survey/responses", get_responses, "format", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/admin/survey/texts", get_texts, "status question district limit offset",
	  GP_HTTP_NO_BODY, 0 },
	{ "PATCH", "/api/admin/survey/texts/{id}", patch_text, NULL, GP_HTTP_STAFF_JSON_BODY,
	  1024 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
