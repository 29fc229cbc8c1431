/*
 * config.c — the settings table and its three sources.
 *
 * Every setting is declared once in `settings` below with its key, type,
 * default and a one-line description; the file reader, the environment
 * reader and `geopart config` all walk that table, so a setting cannot exist
 * in one source and be missing from another.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#ifndef GP_DEFAULT_WEB_ROOT
#define GP_DEFAULT_WEB_ROOT "web"
#endif

typedef enum kind { K_STRING, K_INT, K_BOOL, K_LOGLEVEL, K_TOPIC } kind;

typedef struct setting {
	const char *key;
	kind kind;
	size_t offset;
	const char *def;
	int min, max; /* for K_INT */
	const char *help;
} setting;

#define AT(f) offsetof(gp_config, f)

static const setting settings[] = {
	{ "listen", K_STRING, AT(listen), "127.0.0.1:8080", 0, 0,
	  "address and port to serve plain HTTP on (put nginx in front for TLS)" },
	{ "db", K_STRING, AT(db_path), "geopart.db", 0, 0,
	  "the SpatiaLite database file; created with the bundled districts when missing" },
	{ "web_root", K_STRING, AT(web_root), GP_DEFAULT_WEB_ROOT, 0, 0,
	  "folder of the web page; nothing outside it is served (default: web/ of the source tree)" },
	{ "public_url", K_STRING, AT(public_url), "", 0, 0,
	  "external base URL for links (e.g. https://karte.example.de); empty: from the Host header" },
	{ "city_name", K_STRING, AT(city_name), "Kaiserslautern", 0, 0,
	  "name of the city, used in messages" },
	{ "tile_url", K_STRING, AT(tile_url),
	  "https://tile.openstreetmap.org/{z}/{x}/{y}.png", 0, 0,
	  "background map tiles for the web page; empty: no background" },
	{ "tile_attribution", K_STRING, AT(tile_attribution),
	  "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>-Mitwirkende",
	  0, 0, "attribution shown for the tiles" },
	{ "threads", K_INT, AT(threads), "1024", 8, 8192,
	  "HTTP threads: each open connection (reading, answering or idle) holds one; "
	  "up to about 100 KiB of private memory each once it has served a request" },
	{ "db_connections", K_INT, AT(db_connections), "0", 0, 256,
	  "database workers (a SQLite connection with PROJ and GEOS contexts, about 1 MiB each), "
	  "lent to a request only while its handler runs; 0: 16 per processor core, 16 to 128" },
	{ "db_wait_ms", K_INT, AT(db_wait_ms), "3000", 10, 600000,
	  "longest wait of a request for a free database worker, then 503 with Retry-After" },
	{ "body_deadline_ms", K_INT, AT(body_deadline_ms), "10000", 100, 600000,
	  "a request body must arrive completely within this time, else 408 and the connection "
	  "is closed" },
	{ "request_timeout_ms", K_INT, AT(request_timeout_ms), "10000", 100, 600000,
	  "the request line and headers must arrive within this time, else the connection is "
	  "closed; also how long a send may make no progress" },
	{ "keep_alive_ms", K_INT, AT(keep_alive_ms), "5000", 0, 600000,
	  "how long an idle keep-alive connection may wait for its next request (0: no keep-alive); "
	  "idle ones are ended early when threads run short" },
	{ "conns_per_client", K_INT, AT(conns_per_client), "32", 0, 100000,
	  "open connections one client address may hold at once; more get 429 (0: no cap; "
	  "not applied to trusted_proxies)" },
	{ "exports_max", K_INT, AT(exports_max), "4", 1, 256,
	  "downloads (/api/export) streamed at once, each holding a database worker; more get 503" },
	{ "export_min_kib_per_s", K_INT, AT(export_min_kib_per_s), "16", 1, 1048576,
	  "a download reading slower than this on average (after request_timeout_ms) is cut, "
	  "so it cannot hold a database worker for hours" },
	{ "live_streams_max", K_INT, AT(live_streams_max), "400", 0, 4096,
	  "live event streams (/api/live) open at once, each holding an HTTP thread but no "
	  "database worker; more get 503 (0: none); more than half of threads counts as half, "
	  "so streams never take the threads everyone else needs" },
	{ "live_heartbeat_s", K_INT, AT(live_heartbeat_s), "15", 1, 300,
	  "a quiet live stream gets a comment line this often, so proxies keep it and a "
	  "client that went away is noticed" },
	{ "live_ring", K_INT, AT(live_ring), "2048", 16, 1000000,
	  "recent changes kept for live streams that reconnect (Last-Event-ID); an older one "
	  "starts again from a snapshot" },
	{ "access_log", K_BOOL, AT(access_log), "on", 0, 0,
	  "one line per request on stderr (method, path, status, time; never the client address)" },
	{ "log_level", K_LOGLEVEL, AT(log_level), "info", 0, 0,
	  "debug, info, warn or error" },
	{ "moderation", K_STRING, AT(moderation), "post", 0, 0,
	  "post: new points are public at once and moderated afterwards; pre: they wait for a planner" },
	{ "flag_threshold", K_INT, AT(flag_threshold), "3", 1, 1000,
	  "distinct citizens flagging a point hide it until a planner reviews it" },
	{ "open_from", K_STRING, AT(open_from), "", 0, 0,
	  "start of the participation period (RFC 3339); empty: open from the start" },
	{ "open_until", K_STRING, AT(open_until), "", 0, 0,
	  "end of the participation period (RFC 3339); after it citizens' writes get 403" },
	{ "time_zone", K_STRING, AT(time_zone), "Europe/Berlin", 0, 0,
	  "IANA time zone of date-times given without a zone (open_from, since, until, "
	  "datetime) and of the spreadsheet CSV's local times; stored times stay UTC" },
	{ "data_licence", K_STRING, AT(data_licence), "", 0, 0,
	  "licence of the participation points, written into export files' metadata "
	  "(e.g. dl-de/by-2-0); empty: the files say it is not stated" },
	{ "retention_days", K_INT, AT(retention_days), "180", 0, 36500,
	  "pending and hidden points and citizen flags are deleted after this many days; 0: keep" },
	{ "write_burst", K_INT, AT(write_burst), "5", 1, 1000000,
	  "writes (points, +1, flags) a client may make in a row before 429" },
	{ "write_per_minute", K_INT, AT(write_per_minute), "6", 1, 100000000,
	  "how fast that allowance refills" },
	{ "auth_burst", K_INT, AT(auth_burst), "5", 1, 10000,
	  "failed staff logins from one client before 429" },
	{ "auth_per_minute", K_INT, AT(auth_per_minute), "2", 1, 10000,
	  "how fast that allowance refills" },
	{ "session_hours", K_INT, AT(session_hours), "8", 1, 720,
	  "a staff sign-in in the browser (POST /api/session) lasts this many hours" },
	{ "comment_window_s", K_INT, AT(comment_window_s), "600", 0, 86400,
	  "the same comment from the same client within this many seconds is refused" },
	{ "form_min_seconds", K_INT, AT(form_min_seconds), "3", 0, 3600,
	  "a citizen's form submitted faster than this after it was issued is treated as a bot" },
	{ "form_max_age_s", K_INT, AT(form_max_age_s), "172800", 60, 31536000,
	  "form timestamps older than this are no longer accepted" },
	{ "trusted_proxies", K_STRING, AT(trusted_proxies), "", 0, 0,
	  "addresses of reverse proxies whose X-Forwarded-For is believed (space separated)" },
	{ "cors_origins", K_STRING, AT(cors_origins), "", 0, 0,
	  "origins allowed to call the API from browsers elsewhere (space separated); empty: none" },
	{ "privacy_note", K_STRING, AT(privacy_note),
	  "Wir speichern Ihren Beitrag (Ort, Kategorie, Kommentar, Thema, Zeitpunkt), aber keine "
	  "IP-Adresse, kein Cookie und keine Gerätedaten. Mehrfachabgaben erkennen wir nur im "
	  "Arbeitsspeicher und vergessen sie täglich.", 0, 0,
	  "privacy note shown by the web page" },
	{ "secret_file", K_STRING, AT(secret_file), "", 0, 0,
	  "the server secret (keys staff token hashes and form timestamps); empty: <db>.secret" },
	{ "privacy_note_en", K_STRING, AT(privacy_note_en),
	  "We store your entry (place, kind, comment, topic, time), but no IP address, no "
	  "cookie and no device data. We recognise repeated entries in memory only and "
	  "forget them daily.", 0, 0,
	  "the privacy note in English; empty: the English page shows the German one" },
	{ "intro", K_STRING, AT(intro),
	  "Die Stadt entwickelt ein integriertes Stadtentwicklungskonzept (INSEK). Zeigen Sie "
	  "uns Ihre Lieblingsorte und die Orte, an denen sich etwas ändern sollte.", 0, 0,
	  "the page's short \"Worum geht es?\" text" },
	{ "intro_en", K_STRING, AT(intro_en),
	  "The city is drawing up an integrated urban development concept (INSEK). Show us "
	  "your favourite places and the places where something should change.", 0, 0,
	  "the same in English; empty: the English page shows the German text" },
	{ "usage_note", K_STRING, AT(usage_note),
	  "Alle Beiträge sind öffentlich auf der Karte zu sehen. Die Stadtplanung wertet sie "
	  "nach Ortsbezirken aus; die Ergebnisse fließen in das Konzept ein und werden "
	  "veröffentlicht.", 0, 0,
	  "what happens with the entries, shown on the page" },
	{ "usage_note_en", K_STRING, AT(usage_note_en),
	  "All entries can be seen on the map. The city's planners evaluate them by "
	  "Ortsbezirk; the results go into the concept and are published.", 0, 0,
	  "the same in English; empty: the English page shows the German text" },
	{ "frame_ancestors", K_STRING, AT(frame_ancestors), "'self'", 0, 0,
	  "sites that may embed the pages in a frame (CSP frame-ancestors), e.g. "
	  "'self' https://www.example.de; 'none': no site" },
	{ "imprint_url", K_STRING, AT(imprint_url), "", 0, 0,
	  "the operator's imprint (Impressum) page; empty: the built-in /impressum from "
	  "the operator_* settings" },
	{ "privacy_url", K_STRING, AT(privacy_url), "", 0, 0,
	  "the operator's privacy page; empty: the built-in /datenschutz from the "
	  "operator_* and legal settings" },
	{ "operator_name", K_STRING, AT(operator_name), "", 0, 0,
	  "who runs the map: the controller of the privacy page and the provider of the "
	  "imprint, e.g. Stadtverwaltung Kaiserslautern, Referat Stadtentwicklung" },
	{ "operator_address", K_STRING, AT(operator_address), "", 0, 0,
	  "the operator's postal address" },
	{ "operator_contact", K_STRING, AT(operator_contact), "", 0, 0,
	  "how to reach the operator: e-mail address and telephone" },
	{ "operator_representative", K_STRING, AT(operator_representative), "", 0, 0,
	  "who represents the operator (imprint), e.g. the Oberbürgermeister" },
	{ "dpo_contact", K_STRING, AT(dpo_contact), "", 0, 0,
	  "how to reach the operator's data protection officer" },
	{ "easy_language_file", K_STRING, AT(easy_language_file), "", 0, 0,
	  "a file with the city's own text of /leichte-sprache (the map explained in easy "
	  "German; its format is in README.md); empty: the built-in text" },
	{ "dgs_video_url", K_STRING, AT(dgs_video_url), "", 0, 0,
	  "a video explaining the map in German Sign Language (https://…), linked as "
	  "\"Erklärung in Gebärdensprache\" on the start page and /leichte-sprache; empty: none" },
	{ "legal_basis", K_STRING, AT(legal_basis),
	  "Art. 6 Abs. 1 Buchst. e DSGVO in Verbindung mit § 3 Landesdatenschutzgesetz "
	  "Rheinland-Pfalz: Die Beteiligung der Öffentlichkeit an der Stadtentwicklung ist "
	  "eine Aufgabe im öffentlichen Interesse.", 0, 0,
	  "the legal basis of the processing, for the privacy page" },
	{ "supervisory_authority", K_STRING, AT(supervisory_authority),
	  "Der Landesbeauftragte für den Datenschutz und die Informationsfreiheit "
	  "Rheinland-Pfalz, Hintere Bleiche 34, 55116 Mainz", 0, 0,
	  "the data protection authority citizens may complain to" },
	/* With Leaflet's 256-pixel tiles as the extent the radius is in CSS
	 * pixels: 50 is the largest cluster icon of the page (points.js). */
	{ "cluster_radius", K_INT, AT(cluster_radius), "50", 1, 512,
	  "map clusters: merge radius in pixels of a map tile (as supercluster's radius)" },
	{ "cluster_extent", K_INT, AT(cluster_extent), "256", 64, 8192,
	  "map clusters: tile size in pixels the radius refers to (supercluster's extent; "
	  "256 = the page's tiles, so the radius is in screen pixels)" },
	{ "cluster_min_zoom", K_INT, AT(cluster_min_zoom), "0", 0, 30,
	  "map clusters: lowest zoom with its own clusters" },
	{ "cluster_max_zoom", K_INT, AT(cluster_max_zoom), "16", 0, 30,
	  "map clusters: highest zoom that clusters; above it every point stands alone" },
	{ "cluster_min_points", K_INT, AT(cluster_min_points), "2", 2, 1000,
	  "map clusters: fewest points that form a cluster" },
	{ "hotspot_eps_m", K_INT, AT(hotspot_eps_m), "100", 1, 1000,
	  "hotspots: default neighbourhood radius in metres (the eps parameter)" },
	{ "hotspot_min_points", K_INT, AT(hotspot_min_points), "5", 2, 1000,
	  "hotspots: default number of points within eps that make a dense spot" },
	{ "survey", K_STRING, AT(survey), "", 0, 0,
	  "the questionnaire's definition (JSON, see `geopart survey check`); empty: no survey" },
	{ "survey_min_cell", K_INT, AT(survey_min_cell), "5", 1, 1000,
	  "survey results: a count of fewer respondents than this is not shown, so no small "
	  "group can be identified" },
	{ "survey_results_public", K_BOOL, AT(survey_results_public), "off", 0, 0,
	  "survey results (GET /api/survey/results) for everyone; off: for staff only" },
	{ "report_public", K_BOOL, AT(report_public), "off", 0, 0,
	  "reports of results (/report) for everyone, with a link on the map page; off: for "
	  "staff only" },
	{ "report_date", K_STRING, AT(report_date), "", 0, 0,
	  "the date (YYYY-MM-DD) reports print as their date; empty: the day of the newest "
	  "point, so the same data gives the same report" },
	{ "topic", K_TOPIC, AT(topics), NULL, 0, 0,
	  "a topic as `id | German label | English label`; repeat the key for each topic; "
	  "the first one replaces the default list" },
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static const char *const default_topics[][3] = {
	{ "housing", "Wohnen", "Housing" },
	{ "mobility", "Mobilität und Verkehr", "Mobility and transport" },
	{ "green_space", "Grün- und Freiraum", "Green and open space" },
	{ "climate", "Klima und Umwelt", "Climate and environment" },
	{ "retail", "Einzelhandel und Versorgung", "Retail and services" },
	{ "culture", "Kultur, Freizeit und Sport", "Culture, leisure and sport" },
	{ "social", "Soziales und Bildung", "Social affairs and education" },
	{ "other", "Sonstiges", "Other" },
};

static void free_topics(gp_config *cfg)
{
	for (size_t i = 0; i < cfg->ntopics; i++) {
		free(cfg->topics[i].id);
		free(cfg->topics[i].label_de);
		free(cfg->topics[i].label_en);
	}
	free(cfg->topics);
	cfg->topics = NULL;
	cfg->ntopics = 0;
}

static int add_topic(gp_config *cfg, const char *id, const char *de, const char *en)
{
	gp_topic *t = realloc(cfg->topics, (cfg->ntopics + 1) * sizeof(*t));

	if (!t)
		return GP_ENOMEM;
	cfg->topics = t;
	t = &cfg->topics[cfg->ntopics];
	t->id = strdup(id);
	t->label_de = strdup(de);
	t->label_en = strdup(en);
	if (!t->id || !t->label_de || !t->label_en) {
		free(t->id);
		free(t->label_de);
		free(t->label_en);
		return GP_ENOMEM;
	}
	cfg->ntopics++;
	return 0;
}

void gp_config_clear(gp_config *cfg)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (settings[i].kind == K_STRING) {
			char **p = (char **)((char *)cfg + settings[i].offset);
			free(*p);
			*p = NULL;
		}
	}
	free_topics(cfg);
}

/* Trims spaces at both ends in place; returns the trimmed start. */
static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int set_topic(gp_config *cfg, const char *value, gp_err *err)
{
	char buf[512], *parts[3], *p;
	int n = 0, rc;

	if (gp_strlcpy(buf, value, sizeof(buf)))
		return gp_err_set(err, GP_INVALID, "topic", "topic definition too long");
	p = buf;
	for (n = 0; n < 3; n++) {
		char *bar = strchr(p, '|');
		if (bar)
			*bar = '\0';
		parts[n] = trim(p);
		if (!bar) {
			n++;
			break;
		}
		p = bar + 1;
	}
	if (n != 3 || !parts[0][0] || !parts[1][0] || !parts[2][0])
		return gp_err_set(err, GP_INVALID, "topic",
		                  "topic must be `id | German label | English label`");
	for (p = parts[0]; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
			return gp_err_set(err, GP_INVALID, "topic",
			                  "topic id \"%s\" may only hold a-z, 0-9 and _", parts[0]);
	/*
	 * The first `topic` line of a source replaces the defaults rather than
	 * extending them: a city that configures topics wants exactly its own.
	 */
	if (!cfg->topics_replaced) {
		free_topics(cfg);
		cfg->topics_replaced = 1;
	}
	if (gp_config_has_topic(cfg, parts[0]))
		return gp_err_set(err, GP_INVALID, "topic", "topic \"%s\" is defined twice",
		                  parts[0]);
	rc = add_topic(cfg, parts[0], parts[1], parts[2]);
	return rc;
}

int gp_config_set(gp_config *cfg, const char *key, const char *value, gp_err *err)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		const setting *s = &settings[i];
		void *field = (char *)cfg + s->offset;
		int64_t v;

		if (strcmp(s->key, key) != 0)
			continue;
		switch (s->kind) {
		case K_STRING: {
			char *copy = strdup(value);
			if (!copy)
				return GP_ENOMEM;
			free(*(char **)field);
			*(char **)field = copy;
			return 0;
		}
		case K_INT:
			if (gp_parse_i64(&v, value, s->min, s->max))
				return gp_err_set(err, GP_INVALID, key,
				                  "%s must be a whole number from %d to %d, not \"%s\"",
				                  key, s->min, s->max, value);
			*(int *)field = (int)v;
			return 0;
		case K_BOOL:
			if (!strcmp(value, "on") || !strcmp(value, "true") || !strcmp(value, "1") ||
			    !strcmp(value, "yes"))
				*(int *)field = 1;
			else if (!strcmp(value, "off") || !strcmp(value, "false") ||
			         !strcmp(value, "0") || !strcmp(value, "no"))
				*(int *)field = 0;
			else
				return gp_err_set(err, GP_INVALID, key, "%s must be on or off", key);
			return 0;
		case K_LOGLEVEL:
			if (gp_log_parse_level((gp_log_level *)field, value))
				return gp_err_set(err, GP_INVALID, key,
				                  "%s must be debug, info, warn or error", key);
			return 0;
		case K_TOPIC:
			return set_topic(cfg, value, err);
		}
	}
	return gp_err_set(err, GP_INVALID, key, "unknown setting \"%s\"", key);
}

int gp_config_defaults(gp_config *cfg)
{
	gp_err err;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < NSETTINGS; i++)
		if (settings[i].def &&
		    (rc = gp_config_set(cfg, settings[i].key, settings[i].def, &err)))
			return rc;
	for (size_t i = 0; i < sizeof(default_topics) / sizeof(default_topics[0]); i++)
		if ((rc = add_topic(cfg, default_topics[i][0], default_topics[i][1],
		                    default_topics[i][2])))
			return rc;
	cfg->topics_replaced = 0;
	return 0;
}

int gp_config_read_file(gp_config *cfg, const char *path, gp_err *err)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0, rc = 0;

	if (!f)
		return gp_err_set(err, GP_INVALID, "config", "cannot read config file %s: %s",
		                  path, strerror(errno));
	cfg->topics_replaced = 0;
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *value;
		gp_err e;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = gp_err_set(err, GP_INVALID, "config", "%s:%d: line too long", path,
			                lineno);
			break;
		}
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (!(eq = strchr(s, '='))) {
			rc = gp_err_set(err, GP_INVALID, "config",
			                "%s:%d: expected `key = value`", path, lineno);
			break;
		}
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		if ((rc = gp_config_set(cfg, key, value, &e))) {
			gp_err_set(err, rc, e.field, "%s:%d: %s", path, lineno, e.detail);
			break;
		}
	}
	fclose(f);
	return rc;
}

int gp_config_read_env(gp_config *cfg, gp_err *err)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		char name[64];
		const char *v;
		size_t k = 0;
		int rc;

		k = (size_t)snprintf(name, sizeof(name), "GEOPART_");
		for (const char *p = settings[i].key; *p && k + 1 < sizeof(name); p++)
			name[k++] = (char)toupper((unsigned char)*p);
		name[k] = '\0';
		if (settings[i].kind == K_TOPIC)
			continue; /* a list does not fit one variable; use the file */
		if ((v = getenv(name)) && (rc = gp_config_set(cfg, settings[i].key, v, err)))
			return rc;
	}
	return 0;
}

/*
 * frame_ancestors goes into a header as it is: a CSP source list of
 * 'self', 'none' (alone) or sources like https://www.example.de (a "*."
 * before the domain admits its subdomains) or https:, nothing that could
 * end the directive.
 */
static int check_frame_ancestors(const char *v, gp_err *err)
{
	static const char rule[] =
		"frame_ancestors must be 'none', or 'self' and/or sites such as "
		"https://www.example.de, separated by spaces";
	size_t words = 0, none = 0;

	if (strlen(v) > 512)
		return gp_err_set(err, GP_INVALID, "frame_ancestors", "%s (at most 512 characters)",
		                  rule);
	for (const char *p = v; *p;) {
		size_t n;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " ");
		words++;
		if (n == 6 && !strncmp(p, "'none'", 6)) {
			none++;
		} else if (!(n == 6 && !strncmp(p, "'self'", 6))) {
			int scheme = (n > 7 && !strncmp(p, "http://", 7)) ||
			             (n > 8 && !strncmp(p, "https://", 8)) ||
			             (n == 5 && !strncmp(p, "http:", 5)) ||
			             (n == 6 && !strncmp(p, "https:", 6));
			if (!scheme)
				return gp_err_set(err, GP_INVALID, "frame_ancestors",
				                  "%s; \"%.*s\" is none of these", rule, (int)n, p);
			for (size_t i = 0; i < n; i++)
				if (!isalnum((unsigned char)p[i]) && !strchr(".-_*:/%[]", p[i]))
					return gp_err_set(err, GP_INVALID, "frame_ancestors",
					                  "%s; \"%.*s\" holds \"%c\"", rule, (int)n, p,
					                  p[i]);
		}
		p += n;
	}
	if (!words || (none && words > 1))
		return gp_err_set(err, GP_INVALID, "frame_ancestors", "%s", rule);
	return 0;
}

/* A page link: empty, a path on this server, or an http(s) URL, one word. */
static int check_page_url(const char *key, const char *v, gp_err *err)
{
	if (!v[0])
		return 0;
	if (v[0] != '/' && strncmp(v, "https://", 8) && strncmp(v, "http://", 7))
		return gp_err_set(err, GP_INVALID, key,
		                  "%s must start with https://, http:// or / (or be empty for the "
		                  "built-in page)", key);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == 0x7f)
			return gp_err_set(err, GP_INVALID, key,
			                  "%s must be one URL without spaces or quotes", key);
	return 0;
}

int gp_config_validate(const gp_config *cfg, gp_err *err)
{
	char canonical[25];
	int rc;

	if (!cfg->listen[0] || !strchr(cfg->listen, ':'))
		return gp_err_set(err, GP_INVALID, "listen",
		                  "listen must be ADDRESS:PORT, e.g. 127.0.0.1:8080");
	if (!cfg->db_path[0])
		return gp_err_set(err, GP_INVALID, "db", "db must name a file");
	if (cfg->public_url[0] && strncmp(cfg->public_url, "http://", 7) != 0 &&
	    strncmp(cfg->public_url, "https://", 8) != 0)
		return gp_err_set(err, GP_INVALID, "public_url",
		                  "public_url must start with http:// or https://");
	if (cfg->cluster_min_zoom > cfg->cluster_max_zoom)
		return gp_err_set(err, GP_INVALID, "cluster_min_zoom",
		                  "cluster_min_zoom (%d) must not exceed cluster_max_zoom (%d)",
		                  cfg->cluster_min_zoom, cfg->cluster_max_zoom);
	if (cfg->db_connections > 0 && cfg->exports_max >= cfg->db_connections)
		return gp_err_set(err, GP_INVALID, "exports_max",
		                  "exports_max (%d) must be below db_connections (%d), so downloads "
		                  "cannot take every database worker",
		                  cfg->exports_max, cfg->db_connections);
	if (cfg->ntopics == 0)
		return gp_err_set(err, GP_INVALID, "topic", "at least one topic is needed");
	if (cfg->report_date[0] && (strlen(cfg->report_date) != 10 ||
	                            gp_time_parse(canonical, cfg->report_date)))
		return gp_err_set(err, GP_INVALID, "report_date",
		                  "report_date must be a date YYYY-MM-DD (or empty)");
	if (strcmp(cfg->moderation, "pre") && strcmp(cfg->moderation, "post"))
		return gp_err_set(err, GP_INVALID, "moderation", "moderation must be pre or post");
	if ((rc = check_frame_ancestors(cfg->frame_ancestors, err)) ||
	    (rc = check_page_url("imprint_url", cfg->imprint_url, err)) ||
	    (rc = check_page_url("privacy_url", cfg->privacy_url, err)) ||
	    (rc = check_page_url("dgs_video_url", cfg->dgs_video_url, err)))
		return rc;
	if (cfg->dgs_video_url[0] == '/')
		return gp_err_set(err, GP_INVALID, "dgs_video_url",
		                  "dgs_video_url must start with https:// or http://");
	return 0;
}

/*
 * A worker is mostly waiting, for the CPU or for the group commit that
 * carries its point (submitters keep their worker until their COMMIT):
 * 16 per core lets a commit gather as many points as 2,000 POSTs a second
 * on two cores need (tools/bench/post.sh).
 */
static int auto_db_connections(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	long n = cores > 0 ? cores * 16 : 16;

	return (int)(n < 16 ? 16 : n > 128 ? 128 : n);
}

int gp_config_normalise(gp_config *cfg, gp_err *err)
{
	if (cfg->db_connections == 0)
		cfg->db_connections = auto_db_connections();
	if (cfg->live_streams_max > cfg->threads / 2)
		cfg->live_streams_max = cfg->threads / 2;
	cfg->open_from_utc[0] = cfg->open_until_utc[0] = '\0';
	/* Before open_from: a date-time without a zone is read in this zone. */
	if (gp_time_zone_set(cfg->time_zone))
		return gp_err_set(err, GP_INVALID, "time_zone",
		                  "time_zone must be a zone of the IANA database, e.g. Europe/Berlin");
	if (cfg->open_from[0] && gp_time_parse(cfg->open_from_utc, cfg->open_from))
		return gp_err_set(err, GP_INVALID, "open_from",
		                  "open_from must be an RFC 3339 date-time, e.g. 2026-11-01T00:00:00+01:00");
	if (cfg->open_until[0] && gp_time_parse(cfg->open_until_utc, cfg->open_until))
		return gp_err_set(err, GP_INVALID, "open_until",
		                  "open_until must be an RFC 3339 date-time, e.g. 2027-01-31T23:59:59+01:00");
	if (cfg->open_from_utc[0] && cfg->open_until_utc[0] &&
	    strcmp(cfg->open_from_utc, cfg->open_until_utc) >= 0)
		return gp_err_set(err, GP_INVALID, "open_until", "open_until must be after open_from");
	return gp_config_validate(cfg, err);
}

int gp_config_premoderation(const gp_config *cfg)
{
	return strcmp(cfg->moderation, "pre") == 0;
}

int gp_config_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (list && *list) {
		size_t k;
		while (*list == ' ' || *list == ',')
			list++;
		k = strcspn(list, " ,");
		if (k == n && k && strncmp(list, word, n) == 0)
			return 1;
		list += k;
	}
	return 0;
}

void gp_config_secret_path(const gp_config *cfg, char *out, size_t outsz)
{
	if (cfg->secret_file[0])
		snprintf(out, outsz, "%s", cfg->secret_file);
	else
		snprintf(out, outsz, "%s.secret", cfg->db_path);
}

int gp_config_has_topic(const gp_config *cfg, const char *topic)
{
	for (size_t i = 0; i < cfg->ntopics; i++)
		if (strcmp(cfg->topics[i].id, topic) == 0)
			return 1;
	return 0;
}

void gp_config_describe(gp_buf *out)
{
	gp_buf_puts(out, "# geopart configuration: `key = value`, one per line.\n"
	                 "# Every key can also be set as GEOPART_<KEY> in the environment\n"
	                 "# (except topic); command-line flags win over both.\n\n");
	for (size_t i = 0; i < NSETTINGS; i++) {
		const setting *s = &settings[i];
		gp_buf_printf(out, "# %s\n", s->help);
		if (s->kind == K_TOPIC) {
			for (size_t t = 0; t < sizeof(default_topics) / sizeof(default_topics[0]); t++)
				gp_buf_printf(out, "#topic = %s | %s | %s\n", default_topics[t][0],
				              default_topics[t][1], default_topics[t][2]);
		} else if (s->offset == AT(web_root)) {
			/* The built-in default is this build's source tree: say so, not where. */
			gp_buf_printf(out, "#%s = /path/to/geopart/web\n", s->key);
		} else {
			gp_buf_printf(out, "#%s = %s\n", s->key, s->def ? s->def : "");
		}
		gp_buf_putc(out, '\n');
	}
}
