/*
 * survey.c — the questionnaire: taking its definition (checked against the
 * questions that already have answers, which keep their type and codes),
 * and accepting a citizen's response — judging every answer against its
 * question, the same bot checks as points, and each response in a
 * savepoint of the points' group commit (one fsync for many), so nothing
 * is ever half-stored.
 *
 * Nothing about the respondent is stored but the day and the Ortsbezirk
 * they chose; repeated responses are recognised in memory only (guard/).
 * Free-text answers wait for staff's moderation, as comments do.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_int.h"
#include "util/metrics.h"

/* ---- the definition ------------------------------------------------------------ */

/* The codes a question's answers are stored under, space separated ("" for none). */
static void question_codes(const gp_survey_question *q, gp_buf *b)
{
	for (size_t i = 0; i < q->noptions; i++) {
		if (i)
			gp_buf_putc(b, ' ');
		gp_buf_puts(b, q->options[i].code);
	}
}

typedef struct compat {
	const gp_survey *s;
	gp_err *err;
} compat;

/* A recorded question with answers must still be there, of its type, with every code. */
static int compat_one(void *ctx, const gp_store_survey_question *rec)
{
	compat *c = ctx;
	const gp_survey_question *q = NULL;
	gp_buf codes;
	int rc = 0;

	if (!rec->answered)
		return 0;
	for (size_t i = 0; i < c->s->nquestions; i++)
		if (!strcmp(c->s->questions[i].id, rec->id))
			q = &c->s->questions[i];
	if (!q)
		return gp_err_set(c->err, GP_CONFLICT, "questions",
		                  "question \"%s\" has answers and cannot be removed; a running survey "
		                  "may only add questions",
		                  rec->id);
	if (strcmp(gp_survey_type_name(q->type), rec->type))
		return gp_err_set(c->err, GP_CONFLICT, "questions",
		                  "question \"%s\" has answers as a %s question; its type cannot "
		                  "become %s",
		                  rec->id, rec->type, gp_survey_type_name(q->type));
	gp_buf_init(&codes, 1 << 16);
	question_codes(q, &codes);
	for (const char *p = rec->codes; *p && !rc;) {
		size_t n = strcspn(p, " ");
		int found = 0;
		for (size_t i = 0; i < q->noptions; i++)
			if (strlen(q->options[i].code) == n && !memcmp(q->options[i].code, p, n))
				found = 1;
		if (!found)
			rc = gp_err_set(c->err, GP_CONFLICT, "questions",
			                "question \"%s\" has answers coded \"%.*s\"; that code cannot be "
			                "removed or renamed",
			                rec->id, (int)n, p);
		p += n;
		p += *p == ' ';
	}
	gp_buf_free(&codes);
	return rc;
}

int gp_core_survey_check(gp_worker *w, const gp_survey *s, gp_err *err)
{
	compat c = { s, err };

	return gp_store_survey_questions(w->store, compat_one, &c);
}

int gp_core_survey_set(gp_worker *w, gp_survey *s, gp_err *err)
{
	gp_core *core = w->core;
	char now[25];
	int rc;

	gp_time_now(now);
	if ((rc = gp_core_write_begin(w)))
		return gp_err_set(err, rc, "survey", "cannot lock the database to record the survey");
	/* Checked inside the write transaction, so no answer can slip in between. */
	{
		compat c = { s, err };
		rc = gp_store_survey_questions(w->store, compat_one, &c);
	}
	for (size_t i = 0; !rc && i < s->nquestions; i++) {
		gp_buf codes;
		gp_store_survey_question rec;

		gp_buf_init(&codes, 1 << 16);
		question_codes(&s->questions[i], &codes);
		rec = (gp_store_survey_question){ s->questions[i].id,
			                          gp_survey_type_name(s->questions[i].type),
			                          gp_buf_cstr(&codes), 0 };
		if (!(rc = gp_buf_status(&codes)))
			rc = gp_store_survey_question_put(w->store, &rec, now);
		gp_buf_free(&codes);
	}
	if ((rc = gp_core_write_end(w, rc)))
		return rc;
	gp_json_survey_free(core->survey);
	core->survey = s;
	return 0;
}

const gp_survey *gp_worker_survey(const gp_worker *w)
{
	return w->core->survey;
}

/* ---- a response ------------------------------------------------------------------ */

typedef struct judged {
	const gp_survey_value **value; /* per question: its value, NULL when not answered */
	gp_survey_answer *answers;
	size_t n, cap;
	const char *home; /* the respondent's Ortsbezirk */
	/*
	 * District ids copied out of the worker's index: the group commit's
	 * leader may rebuild its index (after a boundary import) before it
	 * stores this response.
	 */
	char (*ids)[64];
	size_t nids;
} judged;

static const char *keep_id(judged *j, const char *id)
{
	char *slot = j->ids[j->nids++];

	gp_strlcpy(slot, id, 64);
	return slot;
}

static int answer_error(gp_err *err, const gp_survey_question *q, const char *fmt,
                        const char *what)
{
	char field[64];

	snprintf(field, sizeof(field), "answers.%s", q->id);
	return gp_err_set(err, GP_INVALID, field, fmt, q->id, what);
}

static gp_survey_answer *add(judged *j, const gp_survey_question *q)
{
	gp_survey_answer *a = &j->answers[j->n++];

	memset(a, 0, sizeof(*a));
	a->question = q->id;
	return a;
}

static const gp_survey_option *option(const gp_survey_question *q, const char *code)
{
	for (size_t i = 0; i < q->noptions; i++)
		if (!strcmp(q->options[i].code, code))
			return &q->options[i];
	return NULL;
}

/* An Ortsbezirk id of the worker's district index, borrowed from it; NULL when none. */
static const char *ortsbezirk_id(const gp_geo_districts *idx, const char *id)
{
	size_t n = gp_geo_districts_count(idx);

	for (size_t i = 0; i < n; i++)
		if (gp_geo_districts_layer(idx, (int)i) == GP_LAYER_ORTSBEZIRK &&
		    !strcmp(gp_geo_districts_id(idx, (int)i), id))
			return gp_geo_districts_id(idx, (int)i);
	return NULL;
}

static int judge_place(gp_worker *w, const gp_geo_districts *idx, const gp_survey_question *q,
                       const gp_survey_value *v, judged *j, gp_err *err)
{
	gp_survey_answer *a;
	gp_geo_assignment as;
	double x = v->pair[0], y = v->pair[1];
	int rc;

	if (!isfinite(x) || !isfinite(y) || x < -180 || x > 180 || y < -90 || y > 90)
		return answer_error(err, q, "answer to %s must be [longitude, latitude] in CRS84%s", "");
	if (gp_geo_transform(w->geo, GP_CRS_CRS84, GP_CRS_STORAGE, GP_AXIS_AUTHORITY, &x, &y, 1))
		return answer_error(err, q, "the place of %s cannot be transformed%s", "");
	if ((rc = gp_geo_districts_assign(idx, x, y, 0, &as)))
		return rc;
	if (!as.in_city)
		return answer_error(err, q, "the place of %s lies outside the city of %s",
		                    w->core->cfg->city_name);
	a = add(j, q);
	a->has_place = 1;
	a->lon = v->pair[0];
	a->lat = v->pair[1];
	if (as.index[GP_LAYER_ORTSBEZIRK] >= 0)
		a->code = keep_id(j, gp_geo_districts_id(idx, as.index[GP_LAYER_ORTSBEZIRK]));
	if (as.index[GP_LAYER_STADTTEIL] >= 0)
		a->stadtteil = keep_id(j, gp_geo_districts_id(idx, as.index[GP_LAYER_STADTTEIL]));
	return 0;
}

static int judge_text(const gp_survey_question *q, const gp_survey_value *v, judged *j,
                      gp_err *err)
{
	size_t chars = 0, bad = 0;
	int blank = 1;

	if (gp_text_has_control(v->str, v->str_len) || strlen(v->str) != v->str_len)
		return answer_error(err, q,
		                    "answer to %s contains control characters (only line breaks and "
		                    "tabs are allowed)%s",
		                    "");
	if (gp_utf8_check(v->str, v->str_len, &chars, &bad))
		return answer_error(err, q, "answer to %s is not valid UTF-8%s", "");
	for (size_t i = 0; i < v->str_len; i++)
		if (!strchr(" \t\n\r", v->str[i]))
			blank = 0;
	if (blank)
		return 0; /* empty_value() let no blank answer through */
	if (chars > (size_t)q->max_length) {
		char what[48];
		snprintf(what, sizeof(what), "%d", q->max_length);
		return answer_error(err, q, "answer to %s is too long; at most %s characters", what);
	}
	add(j, q)->text = v->str;
	return 0;
}

/* Judges question qi's value (present and not null) into j. */
static int judge_one(gp_worker *w, const gp_geo_districts *idx, const gp_survey_question *q,
                     const gp_survey_value *v, judged *j, gp_err *err)
{
	gp_survey_answer *a;

	switch (q->type) {
	case GP_SURVEY_SINGLE:
		if (v->kind != GP_SURVEY_VALUE_STRING || !option(q, v->str))
			return answer_error(err, q, "answer to %s must be one of its option codes%s", "");
		add(j, q)->code = option(q, v->str)->code;
		return 0;
	case GP_SURVEY_MULTIPLE:
		if (v->kind != GP_SURVEY_VALUE_STRINGS)
			return answer_error(err, q, "answer to %s must be an array of option codes%s",
			                    "");
		for (size_t i = 0; i < v->nstrs; i++) {
			if (!option(q, v->strs[i]))
				return answer_error(err, q, "answer to %s names an unknown option \"%.40s\"",
				                    v->strs[i]);
			for (size_t k = 0; k < i; k++)
				if (!strcmp(v->strs[k], v->strs[i]))
					return answer_error(err, q, "answer to %s names \"%.40s\" twice",
					                    v->strs[i]);
			add(j, q)->code = option(q, v->strs[i])->code;
		}
		return 0;
	case GP_SURVEY_SCALE:
		for (size_t i = 0; v->kind == GP_SURVEY_VALUE_NUMBER && i < q->noptions; i++)
			if (v->num == (double)q->options[i].value) {
				a = add(j, q);
				a->code = q->options[i].code;
				a->has_num = 1;
				a->num = v->num;
				return 0;
			}
		return answer_error(err, q, "answer to %s must be one of the scale's points%s", "");
	case GP_SURVEY_TEXT:
		if (v->kind != GP_SURVEY_VALUE_STRING)
			return answer_error(err, q, "answer to %s must be a string%s", "");
		return judge_text(q, v, j, err);
	case GP_SURVEY_NUMBER:
		if (v->kind != GP_SURVEY_VALUE_NUMBER || !isfinite(v->num) || v->num < q->min ||
		    v->num > q->max || (q->integer && v->num != floor(v->num)))
			return answer_error(err, q, "answer to %s must be a %s within the question's "
			                            "min and max",
			                    q->integer ? "whole number" : "number");
		a = add(j, q);
		a->has_num = 1;
		a->num = v->num;
		return 0;
	case GP_SURVEY_DISTRICT:
		if (v->kind == GP_SURVEY_VALUE_STRING && !strcmp(v->str, GP_SURVEY_OUTSIDE)) {
			add(j, q)->code = GP_SURVEY_OUTSIDE;
			return 0;
		}
		if (v->kind != GP_SURVEY_VALUE_STRING || !ortsbezirk_id(idx, v->str))
			return answer_error(err, q,
			                    "answer to %s must be an Ortsbezirk id (GET /api/survey lists "
			                    "them) or \"outside\"%s",
			                    "");
		add(j, q)->code = keep_id(j, ortsbezirk_id(idx, v->str));
		return 0;
	case GP_SURVEY_PLACE:
		if (v->kind != GP_SURVEY_VALUE_PAIR)
			return answer_error(err, q, "answer to %s must be [longitude, latitude]%s", "");
		return judge_place(w, idx, q, v, j, err);
	default:
		return GP_EFAULT;
	}
}

/* Whether question q is asked, given the answers judged so far. */
static int not_asked(const gp_survey *s, const judged *j, const gp_survey_question *q)
{
	const char *on;

	if (q->show_if < 0)
		return 0;
	on = s->questions[q->show_if].id;
	for (size_t i = 0; i < j->n; i++)
		if (j->answers[i].question == on && j->answers[i].code)
			for (size_t k = 0; k < q->nshow_if_codes; k++)
				if (!strcmp(j->answers[i].code, q->show_if_codes[k]))
					return 0;
	return 1;
}

/* A value that says nothing: null, an empty array, blank text. */
static int empty_value(const gp_survey_value *v)
{
	if (v->kind == GP_SURVEY_VALUE_NULL)
		return 1;
	if (v->kind == GP_SURVEY_VALUE_STRINGS && v->nstrs == 0)
		return 1;
	if (v->kind == GP_SURVEY_VALUE_STRING) {
		for (size_t i = 0; i < v->str_len; i++)
			if (!strchr(" \t\n\r", v->str[i]))
				return 0;
		return 1;
	}
	return 0;
}

static int judge_all(gp_worker *w, const gp_survey *s, const gp_survey_input *in, judged *j,
                     gp_err *err)
{
	const gp_geo_districts *idx;
	int rc;

	for (size_t i = 0; i < in->nvalues; i++) {
		size_t k = 0;
		while (k < s->nquestions && strcmp(s->questions[k].id, in->values[i].id))
			k++;
		if (k == s->nquestions) {
			char field[64];
			snprintf(field, sizeof(field), "answers.%.40s", in->values[i].id);
			return gp_err_set(err, GP_INVALID, field,
			                  "this survey has no question \"%.40s\"", in->values[i].id);
		}
		j->value[k] = &in->values[i];
		j->cap += in->values[i].kind == GP_SURVEY_VALUE_STRINGS ? in->values[i].nstrs : 1;
	}
	if (!(j->answers = calloc(j->cap ? j->cap : 1, sizeof(*j->answers))) ||
	    !(j->ids = calloc(2 * s->nquestions, sizeof(*j->ids))))
		return GP_ENOMEM;
	if ((rc = gp_worker_districts(w, &idx)))
		return rc;
	for (size_t k = 0; k < s->nquestions; k++) {
		const gp_survey_question *q = &s->questions[k];
		const gp_survey_value *v = j->value[k];
		int asked = !not_asked(s, j, q);

		if (v && empty_value(v))
			v = NULL;
		if (v && !asked)
			return answer_error(err, q,
			                    "%s is not asked after the answer given to %s; leave it out",
			                    s->questions[q->show_if].id);
		if (!v) {
			if (asked && q->required)
				return answer_error(err, q, "%s must be answered%s", "");
			continue;
		}
		if ((rc = judge_one(w, idx, q, v, j, err)))
			return rc;
		if ((int)k == s->home && j->n)
			j->home = j->answers[j->n - 1].code;
	}
	return 0;
}

/* The answers in a canonical form, for recognising the same response sent again. */
static void fingerprint(const judged *j, gp_buf *b)
{
	for (size_t i = 0; i < j->n; i++) {
		const gp_survey_answer *a = &j->answers[i];
		gp_buf_printf(b, "%s\x1f%s\x1f%.17g\x1f%s\x1f%.9f,%.9f\x1e", a->question,
		              a->code ? a->code : "", a->has_num ? a->num : 0.0, a->text ? a->text : "",
		              a->lon, a->lat);
	}
}

typedef struct insert_job {
	const char *day, *home;
	const gp_survey_answer *answers;
	size_t n;
	int64_t *out_id;
} insert_job;

/* Inside the group commit's transaction, on the leader's worker. */
static int insert_response(gp_worker *w, void *arg, gp_err *err)
{
	insert_job *ins = arg;

	(void)err;
	return gp_store_survey_response_insert(w->store, ins->day, ins->home, ins->answers, ins->n,
	                                       ins->out_id);
}

int gp_core_survey_submit(gp_worker *w, const gp_survey_input *in, const gp_actor *actor,
                          int64_t *out_id, int *out_discarded, gp_err *err)
{
	insert_job ins;
	const gp_config *cfg = w->core->cfg;
	const gp_survey *s = w->core->survey;
	judged j;
	char now[25];
	int rc;

	*out_id = 0;
	*out_discarded = 0;
	if (!s)
		return gp_err_set(err, GP_NOT_FOUND, "", "there is no survey here");
	memset(&j, 0, sizeof(j));
	if (!(j.value = calloc(s->nquestions, sizeof(*j.value))))
		return GP_ENOMEM;
	if ((rc = judge_all(w, s, in, &j, err)))
		goto out;
	if (actor->role == GP_ROLE_CITIZEN) {
		gp_buf fp;

		/* As for points: bots fill the hidden field or answer faster than anyone reads. */
		if ((in->website && in->website_len > 0) ||
		    gp_guard_form_check(w->core->guard, in->form_token, cfg->form_min_seconds,
		                        cfg->form_max_age_s)) {
			*out_discarded = 1;
			gp_metric_add(GP_METRIC_SPAM_DISCARDED, 1);
			goto out;
		}
		gp_buf_init(&fp, 1u << 20);
		gp_buf_puts(&fp, "survey\x1e");
		fingerprint(&j, &fp);
		rc = cfg->comment_window_s > 0 && !gp_buf_status(&fp) &&
		     gp_guard_repeated_comment(w->core->guard, &actor->client, gp_buf_cstr(&fp),
		                               fp.len);
		gp_buf_free(&fp);
		if (rc) {
			rc = gp_err_set(err, GP_CONFLICT, "answers",
			                "you sent these answers a moment ago; they are stored once");
			goto out;
		}
	}
	gp_time_now(now);
	/* Only the day: a time of day could be matched with a server's access log. */
	ins = (insert_job){ now, j.home, j.answers, j.n, out_id };
	rc = core_group_commit(w, insert_response, &ins, err);
out:
	free(j.answers);
	free(j.ids);
	free(j.value);
	return rc;
}

/* ---- moderating free text ----------------------------------------------------------- */

int gp_core_survey_text_status_known(const char *status)
{
	static const char *const statuses[] = { "pending", "approved", "hidden" };

	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (!strcmp(status, statuses[i]))
			return 1;
	return 0;
}

typedef struct text_now {
	char status[16], question[GP_SURVEY_ID_MAX + 1];
	int found;
} text_now;

static int on_text_now(void *ctx, const gp_store_survey_text *t)
{
	text_now *tn = ctx;

	gp_strlcpy(tn->status, t->status, sizeof(tn->status));
	gp_strlcpy(tn->question, t->question, sizeof(tn->question));
	tn->found = 1;
	return 0;
}

int gp_core_survey_text_moderate(gp_worker *w, const gp_actor *actor, int64_t id,
                                 const char *status, int *out_changed, gp_err *err)
{
	gp_store_survey_text_filter f = { NULL, NULL, NULL, id };
	text_now tn = { "", "", 0 };
	char now[GP_TIME_LEN], fields[128];
	int64_t total;
	int rc;

	*out_changed = 0;
	if (actor->role < GP_ROLE_PLANNER)
		return gp_err_set(err, GP_FORBIDDEN, "Authorization",
		                  "free-text answers are moderated by staff");
	if (!status || !gp_core_survey_text_status_known(status))
		return gp_err_set(err, GP_INVALID, "status",
		                  "status must be pending, approved or hidden");
	gp_time_now(now);
	if ((rc = gp_core_write_begin(w)))
		return rc;
	/* Read and changed under the write lock, so the log's "from" is true. */
	if ((rc = gp_store_survey_texts(w->store, &f, 1, 0, on_text_now, &tn, &total)))
		goto out;
	if (!tn.found) {
		rc = gp_err_set(err, GP_NOT_FOUND, "id", "no free-text answer %lld", (long long)id);
		goto out;
	}
	if (!strcmp(tn.status, status))
		goto out; /* nothing to do, nothing to log */
	snprintf(fields, sizeof(fields), "survey text %lld (%s): status: %s → %s", (long long)id,
	         tn.question, tn.status, status);
	if (!(rc = gp_store_survey_text_set(w->store, id, status, now)))
		rc = gp_store_log_add(w->store, now, actor->name, "update", 0, fields, 1);
	*out_changed = !rc;
out:
	return gp_core_write_end(w, rc);
}
