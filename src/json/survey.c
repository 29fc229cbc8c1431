/*
 * survey.c — the questionnaire in JSON: reading a definition file (every
 * refusal names the JSON path, e.g. questions[2].options[0].code), writing
 * it for GET /api/survey, and decoding a citizen's answers.
 *
 * Judged here: the definition's shape and its own rules (ids, types, texts
 * in both languages, options, limits, show_if referring to an earlier
 * question and its codes).  Not judged here: whether answers fit their
 * questions, or a definition fits the answers already stored (core/).
 */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const char *const type_names[GP_SURVEY_TYPE_COUNT] = {
	"single", "multiple", "scale", "text", "number", "district", "place",
};

const char *gp_survey_type_name(gp_survey_type t)
{
	return t < GP_SURVEY_TYPE_COUNT ? type_names[t] : "?";
}

static void text_free(gp_survey_text *t)
{
	free(t->de);
	free(t->en);
}

void gp_json_survey_free(gp_survey *s)
{
	if (!s)
		return;
	text_free(&s->title);
	text_free(&s->intro);
	for (size_t i = 0; i < s->nquestions; i++) {
		gp_survey_question *q = &s->questions[i];
		free(q->id);
		text_free(&q->text);
		text_free(&q->help);
		for (size_t j = 0; j < q->noptions; j++) {
			free(q->options[j].code);
			text_free(&q->options[j].label);
		}
		free(q->options);
		for (size_t j = 0; j < q->nshow_if_codes; j++)
			free(q->show_if_codes[j]);
		free(q->show_if_codes);
	}
	free(s->questions);
	free(s);
}

/* Ids and codes: 1–40 of a-z, 0-9, _ and -, so they are safe in CSV headers and paths. */
static int good_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > GP_SURVEY_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	return 1;
}

/* A JSON path for messages; a path too long for gp_err's field is cut (it names ours). */
static void jpath_in(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void jpath_in(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}
#define jpath(out, ...) jpath_in((out), sizeof(out), __VA_ARGS__)

/* {"de": "…", "en": "…"}: both non-empty when required, else each optional. */
static int read_text(gp_survey_text *out, json_t *v, const char *path, int required,
                     gp_err *err)
{
	json_t *de, *en;

	if (!v || json_is_null(v)) {
		if (required)
			return gp_err_set(err, GP_INVALID, path,
			                  "%s is missing: give {\"de\": …, \"en\": …}", path);
		return 0;
	}
	de = json_object_get(v, "de");
	en = json_object_get(v, "en");
	if (!json_is_object(v) || json_object_size(v) != (size_t)(!!de + !!en) || !json_is_string(de) ||
	    !json_is_string(en) || !json_string_length(de) || !json_string_length(en))
		return gp_err_set(err, GP_INVALID, path,
		                  "%s must be {\"de\": text, \"en\": text}, both non-empty", path);
	if (!(out->de = strdup(json_string_value(de))) || !(out->en = strdup(json_string_value(en))))
		return GP_ENOMEM;
	return 0;
}

/* Refuses members other than those in `allowed` (space separated). */
static int only_members(json_t *obj, const char *allowed, const char *path, gp_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		char word[48];
		if (strlen(key) < sizeof(word) - 2) {
			jpath(word, " %s ", key);
			char all[256];
			jpath(all, " %s ", allowed);
			if (strstr(all, word))
				continue;
		}
		return gp_err_set(err, GP_INVALID, path, "%s has an unknown member \"%.40s\"; allowed: %s",
		                  path, key, allowed);
	}
	return 0;
}

static int read_options(gp_survey_question *q, json_t *opts, const char *qpath, gp_err *err)
{
	char path[64];
	size_t n;
	int rc;

	jpath(path, "%s.options", qpath);
	if (!json_is_array(opts) || (n = json_array_size(opts)) < 2 || n > GP_SURVEY_OPTIONS_MAX)
		return gp_err_set(err, GP_INVALID, path,
		                  "%s must be an array of 2 to %d options", path, GP_SURVEY_OPTIONS_MAX);
	if (!(q->options = calloc(n, sizeof(*q->options))))
		return GP_ENOMEM;
	q->noptions = n;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(opts, i), *code;
		gp_survey_option *op = &q->options[i];
		char opath[64], lpath[64];

		jpath(opath, "%s[%zu]", path, i);
		if (!json_is_object(o))
			return gp_err_set(err, GP_INVALID, opath, "%s must be an object", opath);
		if ((rc = only_members(o, "code label", opath, err)))
			return rc;
		code = json_object_get(o, "code");
		jpath(lpath, "%s.code", opath);
		if (!json_is_string(code) || !good_id(json_string_value(code)))
			return gp_err_set(err, GP_INVALID, lpath,
			                  "%s must be 1–%d characters of a-z, 0-9, _ and -", lpath,
			                  GP_SURVEY_ID_MAX);
		if (!(op->code = strdup(json_string_value(code))))
			return GP_ENOMEM;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(q->options[j].code, op->code))
				return gp_err_set(err, GP_INVALID, lpath, "%s \"%s\" is used twice", lpath,
				                  op->code);
		if (q->type == GP_SURVEY_SCALE) {
			char *end;
			long v = strtol(op->code, &end, 10);
			if (*end || v < 0 || v > 100 || (i > 0 && v <= q->options[i - 1].value))
				return gp_err_set(err, GP_INVALID, lpath,
				                  "%s: scale points are whole numbers 0–100, rising", lpath);
			op->value = (int)v;
		}
		jpath(lpath, "%s.label", opath);
		if ((rc = read_text(&op->label, json_object_get(o, "label"), lpath, 1, err)))
			return rc;
	}
	return 0;
}

static int read_show_if(gp_survey *s, size_t qi, json_t *v, const char *qpath, gp_err *err)
{
	gp_survey_question *q = &s->questions[qi], *on = NULL;
	json_t *ref, *codes;
	char path[64];
	size_t n;
	int rc;

	jpath(path, "%s.show_if", qpath);
	if (!json_is_object(v))
		return gp_err_set(err, GP_INVALID, path,
		                  "%s must be {\"question\": id, \"in\": [codes]}", path);
	if ((rc = only_members(v, "question in", path, err)))
		return rc;
	ref = json_object_get(v, "question");
	for (size_t i = 0; json_is_string(ref) && i < qi; i++)
		if (!strcmp(s->questions[i].id, json_string_value(ref))) {
			q->show_if = (int)i;
			on = &s->questions[i];
		}
	if (!on)
		return gp_err_set(err, GP_INVALID, path,
		                  "%s.question must name an earlier question", path);
	if (on->type == GP_SURVEY_TEXT || on->type == GP_SURVEY_NUMBER || on->type == GP_SURVEY_PLACE)
		return gp_err_set(err, GP_INVALID, path,
		                  "%s.question must be a single, multiple, scale or district question",
		                  path);
	codes = json_object_get(v, "in");
	if (!json_is_array(codes) || (n = json_array_size(codes)) == 0 || n > GP_SURVEY_OPTIONS_MAX)
		return gp_err_set(err, GP_INVALID, path, "%s.in must be a non-empty array of codes",
		                  path);
	if (!(q->show_if_codes = calloc(n, sizeof(char *))))
		return GP_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(codes, i);
		int known = on->type == GP_SURVEY_DISTRICT; /* district ids are checked against the map */

		if (!json_is_string(c))
			return gp_err_set(err, GP_INVALID, path, "%s.in[%zu] must be a code", path, i);
		for (size_t j = 0; j < on->noptions; j++)
			if (!strcmp(on->options[j].code, json_string_value(c)))
				known = 1;
		if (!known)
			return gp_err_set(err, GP_INVALID, path, "%s.in[%zu]: \"%.40s\" is no code of %s",
			                  path, i, json_string_value(c), on->id);
		if (!(q->show_if_codes[i] = strdup(json_string_value(c))))
			return GP_ENOMEM;
		q->nshow_if_codes = i + 1;
	}
	return 0;
}

static int read_question(gp_survey *s, size_t qi, json_t *v, gp_err *err)
{
	gp_survey_question *q = &s->questions[qi];
	char path[64], sub[64];
	json_t *id, *type, *req, *m;
	int rc;

	jpath(path, "questions[%zu]", qi);
	q->show_if = -1;
	if (!json_is_object(v))
		return gp_err_set(err, GP_INVALID, path, "%s must be an object", path);
	if ((rc = only_members(v, "id type text help required options max_length min max integer "
	                          "show_if",
	                       path, err)))
		return rc;
	id = json_object_get(v, "id");
	jpath(sub, "%s.id", path);
	if (!json_is_string(id) || !good_id(json_string_value(id)))
		return gp_err_set(err, GP_INVALID, sub,
		                  "%s must be 1–%d characters of a-z, 0-9, _ and -", sub,
		                  GP_SURVEY_ID_MAX);
	if (!(q->id = strdup(json_string_value(id))))
		return GP_ENOMEM;
	for (size_t i = 0; i < qi; i++)
		if (!strcmp(s->questions[i].id, q->id))
			return gp_err_set(err, GP_INVALID, sub, "%s \"%s\" is used twice", sub, q->id);
	type = json_object_get(v, "type");
	jpath(sub, "%s.type", path);
	q->type = GP_SURVEY_TYPE_COUNT;
	for (int t = 0; json_is_string(type) && t < GP_SURVEY_TYPE_COUNT; t++)
		if (!strcmp(type_names[t], json_string_value(type)))
			q->type = (gp_survey_type)t;
	if (q->type == GP_SURVEY_TYPE_COUNT)
		return gp_err_set(err, GP_INVALID, sub,
		                  "%s must be single, multiple, scale, text, number, district or place",
		                  sub);
	jpath(sub, "%s.text", path);
	if ((rc = read_text(&q->text, json_object_get(v, "text"), sub, 1, err)))
		return rc;
	jpath(sub, "%s.help", path);
	if ((rc = read_text(&q->help, json_object_get(v, "help"), sub, 0, err)))
		return rc;
	req = json_object_get(v, "required");
	if (req && !json_is_boolean(req))
		return gp_err_set(err, GP_INVALID, path, "%s.required must be true or false", path);
	q->required = json_is_true(req);

	m = json_object_get(v, "options");
	if (q->type == GP_SURVEY_SINGLE || q->type == GP_SURVEY_MULTIPLE || q->type == GP_SURVEY_SCALE) {
		if ((rc = read_options(q, m, path, err)))
			return rc;
	} else if (m) {
		return gp_err_set(err, GP_INVALID, path, "%s: a %s question has no options", path,
		                  type_names[q->type]);
	}
	m = json_object_get(v, "max_length");
	if (q->type == GP_SURVEY_TEXT) {
		q->max_length = 1000;
		if (m && (!json_is_integer(m) || json_integer_value(m) < 1 ||
		          json_integer_value(m) > GP_SURVEY_TEXT_MAX))
			return gp_err_set(err, GP_INVALID, path, "%s.max_length must be 1–%d", path,
			                  GP_SURVEY_TEXT_MAX);
		if (m)
			q->max_length = (int)json_integer_value(m);
	} else if (m) {
		return gp_err_set(err, GP_INVALID, path, "%s: only text questions have max_length",
		                  path);
	}
	if (q->type == GP_SURVEY_NUMBER) {
		json_t *lo = json_object_get(v, "min"), *hi = json_object_get(v, "max"),
		       *in = json_object_get(v, "integer");
		if (!json_is_number(lo) || !json_is_number(hi) ||
		    !(json_number_value(lo) < json_number_value(hi)))
			return gp_err_set(err, GP_INVALID, path,
			                  "%s: a number question needs min and max, min below max", path);
		if (in && !json_is_boolean(in))
			return gp_err_set(err, GP_INVALID, path, "%s.integer must be true or false", path);
		q->min = json_number_value(lo);
		q->max = json_number_value(hi);
		q->integer = json_is_true(in);
	} else if (json_object_get(v, "min") || json_object_get(v, "max") ||
	           json_object_get(v, "integer")) {
		return gp_err_set(err, GP_INVALID, path, "%s: only number questions have min, max, integer",
		                  path);
	}
	if ((m = json_object_get(v, "show_if")) && (rc = read_show_if(s, qi, m, path, err)))
		return rc;
	if (q->type == GP_SURVEY_DISTRICT && s->home < 0)
		s->home = (int)qi;
	return 0;
}

int gp_json_survey_parse(gp_survey **out, const char *text, size_t len, gp_err *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *qs;
	gp_survey *s = NULL;
	size_t n;
	int rc;

	*out = NULL;
	if (!root)
		return gp_err_set(err, GP_INVALID, "", "not JSON: %s (line %d, column %d)", jerr.text,
		                  jerr.line, jerr.column);
	if (!(s = calloc(1, sizeof(*s)))) {
		rc = GP_ENOMEM;
		goto out;
	}
	s->home = -1;
	if (!json_is_object(root)) {
		rc = gp_err_set(err, GP_INVALID, "", "the definition must be a JSON object");
		goto out;
	}
	if ((rc = only_members(root, "title intro questions", "the definition", err)) ||
	    (rc = read_text(&s->title, json_object_get(root, "title"), "title", 1, err)) ||
	    (rc = read_text(&s->intro, json_object_get(root, "intro"), "intro", 0, err)))
		goto out;
	qs = json_object_get(root, "questions");
	if (!json_is_array(qs) || (n = json_array_size(qs)) == 0 || n > GP_SURVEY_QUESTIONS_MAX) {
		rc = gp_err_set(err, GP_INVALID, "questions",
		                "questions must be an array of 1 to %d questions",
		                GP_SURVEY_QUESTIONS_MAX);
		goto out;
	}
	if (!(s->questions = calloc(n, sizeof(*s->questions)))) {
		rc = GP_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		s->nquestions = i + 1;
		if ((rc = read_question(s, i, json_array_get(qs, i), err)))
			goto out;
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	gp_json_survey_free(s);
	json_decref(root);
	return rc;
}

/* ---- writing the definition --------------------------------------------------- */

static void put_text(gp_buf *b, const char *name, const gp_survey_text *t)
{
	if (!t->de)
		return;
	gp_buf_printf(b, ",\"%s\":{\"de\":", name);
	gp_json_put_str(b, t->de);
	gp_buf_puts(b, ",\"en\":");
	gp_json_put_str(b, t->en);
	gp_buf_putc(b, '}');
}

void gp_json_survey_write(gp_buf *b, const gp_survey *s, const gp_json_survey_places *pl)
{
	gp_buf_puts(b, "{\"title\":{\"de\":");
	gp_json_put_str(b, s->title.de);
	gp_buf_puts(b, ",\"en\":");
	gp_json_put_str(b, s->title.en);
	gp_buf_putc(b, '}');
	put_text(b, "intro", &s->intro);
	gp_buf_puts(b, ",\"questions\":[");
	for (size_t i = 0; i < s->nquestions; i++) {
		const gp_survey_question *q = &s->questions[i];

		gp_buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
		gp_json_put_str(b, q->id);
		gp_buf_printf(b, ",\"type\":\"%s\",\"required\":%s", type_names[q->type],
		              q->required ? "true" : "false");
		put_text(b, "text", &q->text);
		put_text(b, "help", &q->help);
		if (q->noptions || q->type == GP_SURVEY_DISTRICT) {
			gp_buf_puts(b, ",\"options\":[");
			for (size_t j = 0; j < q->noptions; j++) {
				gp_buf_puts(b, j ? ",{\"code\":" : "{\"code\":");
				gp_json_put_str(b, q->options[j].code);
				put_text(b, "label", &q->options[j].label);
				gp_buf_putc(b, '}');
			}
			/* A district question offers the Ortsbezirke and "outside the city". */
			for (size_t j = 0; q->type == GP_SURVEY_DISTRICT && j <= pl->n; j++) {
				gp_buf_puts(b, j ? ",{\"code\":" : "{\"code\":");
				if (j < pl->n) {
					gp_json_put_str(b, pl->ids[j]);
					gp_buf_puts(b, ",\"label\":{\"de\":");
					gp_json_put_str(b, pl->names[j]);
					gp_buf_puts(b, ",\"en\":");
					gp_json_put_str(b, pl->names[j]);
					gp_buf_puts(b, "}}");
				} else {
					gp_buf_puts(b, "\"" GP_SURVEY_OUTSIDE "\",\"label\":{\"de\":"
					               "\"außerhalb der Stadt\",\"en\":\"outside the city\"}}");
				}
			}
			gp_buf_putc(b, ']');
		}
		if (q->type == GP_SURVEY_TEXT)
			gp_buf_printf(b, ",\"max_length\":%d", q->max_length);
		if (q->type == GP_SURVEY_NUMBER) {
			gp_buf_puts(b, ",\"min\":");
			gp_buf_put_fixed(b, q->min, q->integer ? 0 : 6);
			gp_buf_puts(b, ",\"max\":");
			gp_buf_put_fixed(b, q->max, q->integer ? 0 : 6);
			gp_buf_printf(b, ",\"integer\":%s", q->integer ? "true" : "false");
		}
		if (q->show_if >= 0) {
			gp_buf_puts(b, ",\"show_if\":{\"question\":");
			gp_json_put_str(b, s->questions[q->show_if].id);
			gp_buf_puts(b, ",\"in\":[");
			for (size_t j = 0; j < q->nshow_if_codes; j++) {
				if (j)
					gp_buf_putc(b, ',');
				gp_json_put_str(b, q->show_if_codes[j]);
			}
			gp_buf_puts(b, "]}");
		}
		gp_buf_putc(b, '}');
	}
	gp_buf_puts(b, "]}");
}

/* ---- decoding answers --------------------------------------------------------------- */

void gp_survey_input_clear(gp_survey_input *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->nvalues; i++) {
		gp_survey_value *v = &in->values[i];
		free(v->id);
		free(v->str);
		for (size_t j = 0; j < v->nstrs; j++)
			free(v->strs[j]);
		free(v->strs);
	}
	free(in->values);
	free(in->form_token);
	free(in->website);
	memset(in, 0, sizeof(*in));
}

static int decode_value(gp_survey_value *out, json_t *v, gp_err *err)
{
	size_t n;

	if (json_is_null(v)) {
		out->kind = GP_SURVEY_VALUE_NULL;
	} else if (json_is_string(v)) {
		out->kind = GP_SURVEY_VALUE_STRING;
		out->str_len = json_string_length(v);
		if (!(out->str = malloc(out->str_len + 1)))
			return GP_ENOMEM;
		memcpy(out->str, json_string_value(v), out->str_len);
		out->str[out->str_len] = '\0';
	} else if (json_is_number(v)) {
		out->kind = GP_SURVEY_VALUE_NUMBER;
		out->num = json_number_value(v);
	} else if (json_is_array(v) && (n = json_array_size(v)) == 2 &&
	           json_is_number(json_array_get(v, 0)) && json_is_number(json_array_get(v, 1))) {
		out->kind = GP_SURVEY_VALUE_PAIR;
		out->pair[0] = json_number_value(json_array_get(v, 0));
		out->pair[1] = json_number_value(json_array_get(v, 1));
	} else if (json_is_array(v) && (n = json_array_size(v)) <= GP_SURVEY_OPTIONS_MAX) {
		out->kind = GP_SURVEY_VALUE_STRINGS;
		if (n && !(out->strs = calloc(n, sizeof(char *))))
			return GP_ENOMEM;
		for (size_t i = 0; i < n; i++) {
			json_t *s = json_array_get(v, i);
			if (!json_is_string(s) || strlen(json_string_value(s)) != json_string_length(s)) {
				out->kind = GP_SURVEY_VALUE_OTHER;
				break;
			}
			if (!(out->strs[i] = strdup(json_string_value(s))))
				return GP_ENOMEM;
			out->nstrs = i + 1;
		}
	} else {
		out->kind = GP_SURVEY_VALUE_OTHER;
	}
	(void)err;
	return 0;
}

int gp_json_survey_input_decode(gp_survey_input *out, const char *body, size_t len, gp_err *err)
{
	json_error_t jerr;
	json_t *root, *answers, *v;
	const char *key;
	size_t klen;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!(root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr))) {
		char path[64];
		size_t pos = jerr.position > 0 ? (size_t)jerr.position - 1 : 0;
		if (json_error_code(&jerr) == json_error_invalid_utf8 ||
		    json_error_code(&jerr) == json_error_numeric_overflow) {
			gp_json_path_at(path, sizeof(path), body, len, pos);
			return gp_err_set(err, GP_INVALID, path[0] ? path : "body",
			                  json_error_code(&jerr) == json_error_invalid_utf8
			                          ? "text is not valid UTF-8"
			                          : "number is out of range");
		}
		return gp_err_set(err, GP_BAD_REQUEST, "body", "malformed JSON: %s (line %d, column %d)",
		                  jerr.text, jerr.line, jerr.column);
	}
	if (!json_is_object(root)) {
		rc = gp_err_set(err, GP_INVALID, "body",
		                "the body must be an object with answers, form_token and website");
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (!strcmp(key, "answers"))
			continue;
		if (!strcmp(key, "form_token") || !strcmp(key, "website")) {
			char **dst = key[0] == 'f' ? &out->form_token : &out->website;
			if (json_is_null(v))
				continue;
			if (!json_is_string(v)) {
				rc = gp_err_set(err, GP_INVALID, key, "%s must be a string", key);
				goto out;
			}
			if (!(*dst = malloc(json_string_length(v) + 1))) {
				rc = GP_ENOMEM;
				goto out;
			}
			memcpy(*dst, json_string_value(v), json_string_length(v) + 1);
			if (key[0] == 'w')
				out->website_len = json_string_length(v);
			continue;
		}
		rc = gp_err_set(err, GP_INVALID, strlen(key) < 48 ? key : "body",
		                "unknown member \"%.40s\"; allowed: answers, form_token, website", key);
		goto out;
	}
	answers = json_object_get(root, "answers");
	if (!json_is_object(answers)) {
		rc = gp_err_set(err, GP_INVALID, "answers",
		                "answers must be an object: question id → answer");
		goto out;
	}
	if (json_object_size(answers) > GP_SURVEY_QUESTIONS_MAX) {
		rc = gp_err_set(err, GP_INVALID, "answers", "more answers than any survey has questions");
		goto out;
	}
	if (json_object_size(answers) &&
	    !(out->values = calloc(json_object_size(answers), sizeof(*out->values)))) {
		rc = GP_ENOMEM;
		goto out;
	}
	json_object_keylen_foreach(answers, key, klen, v) {
		gp_survey_value *sv = &out->values[out->nvalues++];
		/* A name holding a NUL is no question's id and must not pass for one. */
		if (!(sv->id = strdup(strlen(key) == klen ? key : "?"))) {
			rc = GP_ENOMEM;
			goto out;
		}
		if ((rc = decode_value(sv, v, err)))
			goto out;
	}
out:
	json_decref(root);
	if (rc)
		gp_survey_input_clear(out);
	return rc;
}
