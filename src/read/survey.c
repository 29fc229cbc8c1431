/*
 * survey.c — the questionnaire's results: counts per question and option
 * (and the distribution and median of scales), for the whole city and
 * per respondent's Ortsbezirk, with small counts suppressed.
 *
 * Suppression (what no reader of results may get around): a count of 1 to
 * min_cell − 1 respondents is withheld and marked.  So that a withheld
 * count cannot be worked out by subtraction, a row (a question's options
 * in one group, whose total is the number who answered) or a column (one
 * option across the Ortsbezirke, whose total is the city's count) with
 * exactly one withheld count gets its smallest other non-zero count
 * withheld too, until no such row or column is left.  A group with fewer
 * than min_cell respondents has every count withheld, and a median is
 * shown only over min_cell answers or more.  The counts are the ones the
 * database keeps (store.h), read in one transaction, so they agree.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "read_int.h"

typedef struct cell {
	int64_t n;
	int hidden;
} cell;

struct gp_read_survey {
	const gp_survey *s;
	char **group_id, **group_name; /* city, the Ortsbezirke, outside, unknown */
	size_t ngroups, nob;           /* nob: Ortsbezirke, groups 1 … nob */
	read_names obs;                /* Ortsbezirk id → 0 … nob-1 */
	size_t maxopt;                 /* options per question at most */
	cell *respondents;             /* [group] */
	cell *answered;                /* [group][question] */
	cell *count;                   /* [group][question][option] */
};

#define ANS(R, g, q) (&(R)->answered[(g) * (R)->s->nquestions + (q)])
#define CNT(R, g, q, o) (&(R)->count[((g) * (R)->s->nquestions + (q)) * (R)->maxopt + (o)])

void gp_read_survey_free(gp_read_survey *res)
{
	if (!res)
		return;
	for (size_t g = 0; g < res->ngroups; g++) {
		free(res->group_id[g]);
		free(res->group_name[g]);
	}
	free(res->group_id);
	free(res->group_name);
	read_names_free(&res->obs);
	free(res->respondents);
	free(res->answered);
	free(res->count);
	free(res);
}

size_t gp_read_survey_options(const gp_read_survey *res, size_t q)
{
	const gp_survey_question *qq = &res->s->questions[q];

	switch (qq->type) {
	case GP_SURVEY_DISTRICT: return res->nob + 1;
	case GP_SURVEY_PLACE: return res->nob;
	default: return qq->noptions;
	}
}

const char *gp_read_survey_option_code(const gp_read_survey *res, size_t q, size_t o)
{
	const gp_survey_question *qq = &res->s->questions[q];

	if (qq->type == GP_SURVEY_DISTRICT || qq->type == GP_SURVEY_PLACE)
		return o < res->nob ? res->group_id[o + 1] : GP_SURVEY_OUTSIDE;
	return qq->options[o].code;
}

const char *gp_read_survey_option_label(const gp_read_survey *res, size_t q, size_t o, int en)
{
	const gp_survey_question *qq = &res->s->questions[q];

	if (qq->type == GP_SURVEY_DISTRICT || qq->type == GP_SURVEY_PLACE)
		return o < res->nob ? res->group_name[o + 1]
		                    : en ? "outside the city" : "außerhalb der Stadt";
	return en ? qq->options[o].label.en : qq->options[o].label.de;
}

size_t gp_read_survey_groups(const gp_read_survey *res)
{
	return res->ngroups;
}

const char *gp_read_survey_group_id(const gp_read_survey *res, size_t g)
{
	return res->group_id[g];
}

const char *gp_read_survey_group_name(const gp_read_survey *res, size_t g)
{
	return res->group_name[g];
}

long gp_read_survey_group_find(const gp_read_survey *res, const char *id)
{
	for (size_t g = 0; g < res->ngroups; g++)
		if (!strcmp(res->group_id[g], id))
			return (long)g;
	return -1;
}

static gp_read_survey_cell out_cell(const cell *c)
{
	return (gp_read_survey_cell){ c->hidden ? -1 : c->n, c->hidden };
}

gp_read_survey_cell gp_read_survey_respondents(const gp_read_survey *res, size_t g)
{
	return out_cell(&res->respondents[g]);
}

gp_read_survey_cell gp_read_survey_answered(const gp_read_survey *res, size_t g, size_t q)
{
	return out_cell(ANS(res, g, q));
}

gp_read_survey_cell gp_read_survey_count(const gp_read_survey *res, size_t g, size_t q, size_t o)
{
	return out_cell(CNT(res, g, q, o));
}

int gp_read_survey_median(const gp_read_survey *res, size_t g, size_t q, double *out)
{
	const gp_survey_question *qq = &res->s->questions[q];
	const cell *a = ANS(res, g, q);
	int64_t below = 0, lo = -1, hi = -1;

	if (qq->type != GP_SURVEY_SCALE || a->hidden || a->n < 1)
		return 0;
	/* The middle answer, or the mean of the two middle ones. */
	for (size_t o = 0; o < qq->noptions; o++) {
		int64_t n = CNT(res, g, q, o)->n;
		if (lo < 0 && below + n >= (a->n + 1) / 2)
			lo = qq->options[o].value;
		if (hi < 0 && below + n >= a->n / 2 + 1)
			hi = qq->options[o].value;
		below += n;
	}
	*out = (double)(lo + hi) / 2.0;
	return 1;
}

/* ---- reading the counts ------------------------------------------------------------ */

static long group_of(const gp_read_survey *res, const char *ob)
{
	long i;

	if (!ob)
		return (long)res->ngroups - 1; /* unknown */
	if (!strcmp(ob, GP_SURVEY_OUTSIDE))
		return (long)res->ngroups - 2;
	i = read_names_find(&res->obs, ob);
	return i < 0 ? (long)res->ngroups - 1 : i + 1;
}

static long question_of(const gp_read_survey *res, const char *id)
{
	for (size_t q = 0; id && q < res->s->nquestions; q++)
		if (!strcmp(res->s->questions[q].id, id))
			return (long)q;
	return -1; /* a question the survey no longer has */
}

static long option_of(const gp_read_survey *res, size_t q, const char *code)
{
	const gp_survey_question *qq = &res->s->questions[q];
	long i;

	if (!code)
		return -1;
	if (qq->type == GP_SURVEY_DISTRICT || qq->type == GP_SURVEY_PLACE) {
		if (!strcmp(code, GP_SURVEY_OUTSIDE))
			return qq->type == GP_SURVEY_DISTRICT ? (long)res->nob : -1;
		return (i = read_names_find(&res->obs, code)) >= 0 ? i : -1;
	}
	for (size_t o = 0; o < qq->noptions; o++)
		if (!strcmp(qq->options[o].code, code))
			return (long)o;
	return -1;
}

static int on_count(void *ctx, const gp_store_survey_count *c)
{
	gp_read_survey *res = ctx;
	long q, g = group_of(res, c->ortsbezirk), o;

	if (!c->question) {
		res->respondents[g].n += c->count;
		res->respondents[0].n += c->count;
		return 0;
	}
	if ((q = question_of(res, c->question)) < 0)
		return 0; /* a question the survey no longer asks */
	if (!c->code) {
		ANS(res, g, q)->n += c->count;
		ANS(res, 0, q)->n += c->count;
	} else if ((o = option_of(res, (size_t)q, c->code)) >= 0) {
		CNT(res, g, q, o)->n += c->count;
		CNT(res, 0, q, o)->n += c->count;
	}
	return 0;
}

static int add_group(gp_read_survey *res, const char *id, const char *name)
{
	size_t g = res->ngroups;

	if (!(res->group_id[g] = strdup(id)) || !(res->group_name[g] = strdup(name)))
		return GP_ENOMEM;
	res->ngroups++;
	return 0;
}

typedef struct ob_ctx {
	gp_read_survey *res;
	size_t cap;
} ob_ctx;

static int on_district(void *ctx, const gp_read_district *d)
{
	ob_ctx *oc = ctx;
	gp_read_survey *res = oc->res;

	if (res->ngroups + 2 >= oc->cap) {
		size_t cap = oc->cap * 2;
		char **a = realloc(res->group_id, cap * sizeof(char *)), **b;
		if (!a)
			return GP_ENOMEM;
		res->group_id = a;
		if (!(b = realloc(res->group_name, cap * sizeof(char *))))
			return GP_ENOMEM;
		res->group_name = b;
		oc->cap = cap;
	}
	if (read_names_put(&res->obs, d->id) < 0)
		return GP_ENOMEM;
	res->nob++;
	return add_group(res, d->id, d->name);
}

/* ---- suppression -------------------------------------------------------------------- */

static int hide(cell *c)
{
	if (c->hidden || c->n == 0)
		return 0;
	c->hidden = 1;
	return 1;
}

/*
 * Of cells (stride apart) whose total is shown, exactly one withheld: hides
 * the smallest other non-zero one.  Returns 1 when it hid one.
 */
static int complement(cell *first, size_t n, size_t stride)
{
	cell *smallest = NULL;
	size_t hidden = 0;

	for (size_t i = 0; i < n; i++) {
		cell *c = first + i * stride;
		if (c->hidden)
			hidden++;
		else if (c->n > 0 && (!smallest || c->n < smallest->n))
			smallest = c;
	}
	return hidden == 1 && smallest ? hide(smallest) : 0;
}

static void suppress(gp_read_survey *res, int64_t k)
{
	const size_t nq = res->s->nquestions, G = res->ngroups;
	int changed = 1;

	for (size_t g = 0; g < G; g++) {
		int all = res->respondents[g].n < k;

		if (res->respondents[g].n < k)
			hide(&res->respondents[g]);
		for (size_t q = 0; q < nq; q++) {
			if (ANS(res, g, q)->n < k || all)
				hide(ANS(res, g, q));
			for (size_t o = 0; o < res->maxopt; o++)
				if (CNT(res, g, q, o)->n < k || all)
					hide(CNT(res, g, q, o));
		}
	}
	while (changed) {
		changed = 0;
		/* The Ortsbezirke, outside and unknown add up to the city. */
		changed |= res->respondents[0].hidden ? 0 : complement(&res->respondents[1], G - 1, 1);
		for (size_t q = 0; q < nq; q++) {
			size_t no = gp_read_survey_options(res, q);
			int exclusive = res->s->questions[q].type != GP_SURVEY_MULTIPLE;

			if (!ANS(res, 0, q)->hidden)
				changed |= complement(ANS(res, 1, q), G - 1, nq);
			for (size_t o = 0; o < no; o++)
				if (!CNT(res, 0, q, o)->hidden)
					changed |= complement(CNT(res, 1, q, o), G - 1, nq * res->maxopt);
			/* A row adds up to those who answered only when one option each. */
			for (size_t g = 0; exclusive && g < G; g++)
				if (!ANS(res, g, q)->hidden)
					changed |= complement(CNT(res, g, q, 0), no, 1);
		}
	}
}

int gp_read_survey_results(gp_read *r, const gp_survey *s, int min_cell, gp_read_survey **out)
{
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	gp_read_survey *res = calloc(1, sizeof(*res));
	ob_ctx oc = { res, 16 };
	size_t nq = s->nquestions;
	int rc;

	*out = NULL;
	if (!res)
		return GP_ENOMEM;
	res->s = s;
	if (!(res->group_id = calloc(oc.cap, sizeof(char *))) ||
	    !(res->group_name = calloc(oc.cap, sizeof(char *)))) {
		rc = GP_ENOMEM;
		goto fail;
	}
	if ((rc = add_group(res, "city", "Stadt")) ||
	    (rc = gp_read_districts(r, &vis, GP_LAYER_ORTSBEZIRK, NULL, 0, on_district, &oc, NULL)) ||
	    (rc = add_group(res, GP_SURVEY_OUTSIDE, "außerhalb der Stadt")) ||
	    (rc = add_group(res, "unknown", "ohne Angabe")))
		goto fail;
	res->maxopt = res->nob + 1;
	for (size_t q = 0; q < nq; q++)
		if (s->questions[q].noptions > res->maxopt)
			res->maxopt = s->questions[q].noptions;
	if (!(res->respondents = calloc(res->ngroups, sizeof(cell))) ||
	    !(res->answered = calloc(res->ngroups * nq, sizeof(cell))) ||
	    !(res->count = calloc(res->ngroups * nq * res->maxopt, sizeof(cell)))) {
		rc = GP_ENOMEM;
		goto fail;
	}
	if ((rc = gp_store_read_begin(r->store)))
		goto fail;
	rc = gp_store_survey_tally(r->store, on_count, res);
	gp_store_read_end(r->store);
	if (rc)
		goto fail;
	suppress(res, min_cell);
	*out = res;
	return 0;
fail:
	gp_read_survey_free(res);
	return rc;
}

/* ---- every response, for staff ----------------------------------------------------- */

typedef struct row_ctx {
	gp_read_survey_row_cb cb;
	void *ctx;
} row_ctx;

static int on_row(void *ctx, const gp_store_survey_row *row)
{
	row_ctx *rc = ctx;
	gp_read_survey_row out = { row->response, row->day, row->ortsbezirk, row->answer };

	return rc->cb(rc->ctx, &out);
}

int gp_read_survey_responses(gp_read *r, const gp_visibility *vis, gp_read_survey_row_cb cb,
                             void *ctx, gp_err *err)
{
	row_ctx rctx = { cb, ctx };
	int rc;

	if (!vis->staff)
		return gp_err_set(err, GP_FORBIDDEN, "Authorization",
		                  "single responses are for staff only");
	if ((rc = gp_store_read_begin(r->store)))
		return rc;
	rc = gp_store_survey_answers(r->store, on_row, &rctx);
	gp_store_read_end(r->store);
	return rc;
}

/* ---- free-text answers, for staff --------------------------------------------------- */

typedef struct text_ctx {
	gp_read_survey_text_cb cb;
	void *ctx;
} text_ctx;

static int on_text(void *ctx, const gp_store_survey_text *t)
{
	text_ctx *tc = ctx;
	gp_read_survey_text out = { t->id,  t->question, t->status, t->ortsbezirk,
		                    t->day, t->text,     t->updated };

	return tc->cb(tc->ctx, &out);
}

int gp_read_survey_texts(gp_read *r, const gp_visibility *vis,
                         const gp_read_survey_text_filter *f, int64_t limit, int64_t offset,
                         gp_read_survey_text_cb cb, void *ctx, int64_t *out_total, gp_err *err)
{
	text_ctx tc = { cb, ctx };
	gp_store_survey_text_filter sf = { f->status, f->question, f->ortsbezirk, f->id };
	int rc;

	*out_total = 0;
	if (!vis->staff)
		return gp_err_set(err, GP_FORBIDDEN, "Authorization",
		                  "free-text answers are for staff only");
	if (sf.ortsbezirk && !strcmp(sf.ortsbezirk, "unknown"))
		sf.ortsbezirk = "";
	if ((rc = gp_store_read_begin(r->store)))
		return rc;
	rc = gp_store_survey_texts(r->store, &sf, limit, offset, on_text, &tc, out_total);
	gp_store_read_end(r->store);
	return rc;
}
