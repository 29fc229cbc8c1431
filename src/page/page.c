/*
 * page.c — the route table of the server's pages and the start-up check
 * of the settings the built-in legal pages are filled from.
 */
#include "page_int.h"

const gp_http_route gp_page_routes[] = {
	{ "GET", "/", page_map, "lang point event", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/index.html", page_map, "lang point event", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/p/{id}", page_point, "lang", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/impressum", page_imprint, "lang", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/datenschutz", page_privacy, "lang", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/leichte-sprache", page_easy, "lang", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/werkstatt/qr.svg", page_qr, "event", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/report/", page_report_index, "lang", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/report/{district}", page_report, "lang", GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};

int gp_page_check_config(const gp_config *cfg)
{
	static const struct {
		const char *setting;
		size_t offset;
		int imprint, privacy; /* which built-in page needs it */
	} needed[] = {
		{ "operator_name", offsetof(gp_config, operator_name), 1, 1 },
		{ "operator_address", offsetof(gp_config, operator_address), 1, 1 },
		{ "operator_contact", offsetof(gp_config, operator_contact), 1, 1 },
		{ "dpo_contact", offsetof(gp_config, dpo_contact), 0, 1 },
		{ "legal_basis", offsetof(gp_config, legal_basis), 0, 1 },
		{ "supervisory_authority", offsetof(gp_config, supervisory_authority), 0, 1 },
	};
	int warnings = 0;

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		const char *v = *(char *const *)((const char *)cfg + needed[i].offset);
		int imprint = needed[i].imprint && !cfg->imprint_url[0];
		int privacy = needed[i].privacy && !cfg->privacy_url[0];

		if (v[0] || (!imprint && !privacy))
			continue;
		gp_log_warn("%s is not set: the built-in %s%s%s will show it as missing "
		            "(set it, or imprint_url/privacy_url)",
		            needed[i].setting, imprint ? "/impressum" : "",
		            imprint && privacy ? " and " : "", privacy ? "/datenschutz" : "");
		warnings++;
	}
	return warnings;
}
