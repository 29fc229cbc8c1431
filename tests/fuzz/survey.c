/*
 * survey.c — fuzz target: the questionnaire's JSON.  The first byte picks
 * the reader: 'd' a definition file (gp_json_survey_parse, then written
 * back as GET /api/survey writes it, which must be JSON the reader
 * accepts again), anything else a response body
 * (gp_json_survey_input_decode).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json/json.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	gp_log_set_level(GP_LOG_ERROR);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *text = (const char *)data + 1;
	gp_err err;

	if (size == 0)
		return 0;
	if (data[0] == 'd') {
		static const char *const ids[] = { "ob-0", "ob-1" }, *const names[] = { "A", "B" };
		gp_json_survey_places pl = { ids, names, 2 };
		gp_survey *s = NULL, *again = NULL;
		gp_buf b;

		if (gp_json_survey_parse(&s, text, size - 1, &err))
			return 0;
		gp_buf_init(&b, 16u << 20);
		gp_json_survey_write(&b, s, &pl);
		/* What the server writes reads back; a district question's options excepted. */
		if (!gp_buf_status(&b)) {
			int rc = gp_json_survey_parse(&again, gp_buf_cstr(&b), b.len, &err);
			int districts = 0;
			for (size_t i = 0; i < s->nquestions; i++)
				districts |= s->questions[i].type == GP_SURVEY_DISTRICT;
			if (rc && !districts)
				abort();
			if (again && again->nquestions != s->nquestions)
				abort();
		}
		gp_json_survey_free(again);
		gp_buf_free(&b);
		gp_json_survey_free(s);
	} else {
		gp_survey_input in;
		if (gp_json_survey_input_decode(&in, text, size - 1, &err) == 0)
			gp_survey_input_clear(&in);
	}
	return 0;
}
