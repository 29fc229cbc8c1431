/*
 * vocab.c — the fixed words of the data model (categories, statuses, CRS
 * identifiers) and their spellings on the wire.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geopart/crs.h"
#include "geopart/district.h"
#include "geopart/point.h"
#include "util.h"

static const char *const category_names[GP_CATEGORY_COUNT] = {
	"favourite", "improvement"
};
static const char *const status_names[GP_STATUS_COUNT] = {
	"pending", "published", "hidden"
};

const char *gp_category_name(gp_category c)
{
	return (unsigned)c < GP_CATEGORY_COUNT ? category_names[c] : NULL;
}

int gp_category_parse(gp_category *out, const char *s)
{
	for (int i = 0; i < GP_CATEGORY_COUNT; i++) {
		if (s && s[0] == category_names[i][0] && strcmp(s, category_names[i]) == 0) {
			*out = (gp_category)i;
			return 0;
		}
	}
	return GP_INVALID;
}

const char *gp_status_name(gp_status s)
{
	return (unsigned)s < GP_STATUS_COUNT ? status_names[s] : NULL;
}

int gp_status_parse(gp_status *out, const char *s)
{
	for (int i = 0; i < GP_STATUS_COUNT; i++) {
		if (s && s[0] == status_names[i][0] && strcmp(s, status_names[i]) == 0) {
			*out = (gp_status)i;
			return 0;
		}
	}
	return GP_INVALID;
}

static const char *const channel_names[GP_CHANNEL_COUNT] = { "online", "walk", "workshop" };

const char *gp_channel_name(gp_channel c)
{
	return (unsigned)c < GP_CHANNEL_COUNT ? channel_names[c] : NULL;
}

int gp_channel_parse(gp_channel *out, const char *s)
{
	for (int i = 0; i < GP_CHANNEL_COUNT; i++) {
		if (s && s[0] == channel_names[i][0] && strcmp(s, channel_names[i]) == 0) {
			*out = (gp_channel)i;
			return 0;
		}
	}
	return GP_INVALID;
}

/* Must match the CHECK constraint of points.outcome (migration 0008). */
static const char *const outcome_names[GP_OUTCOME_COUNT] = { "open", "in_review", "adopted",
	                                                     "not_adopted" };

const char *gp_outcome_name(gp_outcome o)
{
	return (unsigned)o < GP_OUTCOME_COUNT ? outcome_names[o] : NULL;
}

int gp_outcome_parse(gp_outcome *out, const char *s)
{
	for (int i = 0; i < GP_OUTCOME_COUNT; i++) {
		if (s && strcmp(s, outcome_names[i]) == 0) {
			*out = (gp_outcome)i;
			return 0;
		}
	}
	return GP_INVALID;
}

/* German and English labels of the codes, as the page and the files show them. */
static const char *const category_labels[GP_CATEGORY_COUNT][2] = {
	{ "Lieblingsort", "Favourite place" },
	{ "Verbesserungswürdig", "Needs improvement" },
};
static const char *const status_labels[GP_STATUS_COUNT][2] = {
	{ "Wartet auf Prüfung", "Pending" },
	{ "Veröffentlicht", "Published" },
	{ "Ausgeblendet", "Hidden" },
};
static const char *const channel_labels[GP_CHANNEL_COUNT][2] = {
	{ "Online", "Online" },
	{ "Ortsbezirksbegehung", "District walk" },
	{ "Werkstatt", "Workshop" },
};
static const char *const outcome_labels[GP_OUTCOME_COUNT][2] = {
	{ "Offen", "Open" },
	{ "In Prüfung", "In review" },
	{ "Übernommen", "Adopted" },
	{ "Nicht übernommen", "Not adopted" },
};

const char *gp_category_label(gp_category c, int english)
{
	return (unsigned)c < GP_CATEGORY_COUNT ? category_labels[c][english != 0] : NULL;
}

const char *gp_status_label(gp_status s, int english)
{
	return (unsigned)s < GP_STATUS_COUNT ? status_labels[s][english != 0] : NULL;
}

const char *gp_channel_label(gp_channel c, int english)
{
	return (unsigned)c < GP_CHANNEL_COUNT ? channel_labels[c][english != 0] : NULL;
}

const char *gp_outcome_label(gp_outcome o, int english)
{
	return (unsigned)o < GP_OUTCOME_COUNT ? outcome_labels[o][english != 0] : NULL;
}

/* The attribution the bundled boundaries require (data/SOURCES.md). */
static const char *const attributions[] = {
	"Ortsbezirksgrenzen: © Stadtverwaltung Kaiserslautern, Open-Data-Portal "
	"(opendata.kaiserslautern.de), Datensatz „Ortsbezirksgrenzen Kaiserslautern“; "
	"Daten verändert (Koordinaten gerundet, Z entfernt, Ringorientierung; Stadtgrenze "
	"durch Verschmelzen der Ortsbezirke abgeleitet).",
	"Stadtteilgrenzen: übernommen aus github.com/vika279/gdv, dort ohne Quellenangabe; "
	"nach Aufbau und Flächen ein Export aus dem GIS der Stadtverwaltung Kaiserslautern; "
	"Daten verändert.",
};

const char *gp_data_attribution(size_t i)
{
	return i < sizeof(attributions) / sizeof(attributions[0]) ? attributions[i] : NULL;
}

/* Must match the CHECK constraint of flags.reason (migration 0002). */
static const char *const flag_reasons[] = { "spam", "offensive", "personal_data",
	                                    "off_topic", "duplicate", "other" };

int gp_flag_reason_valid(const char *s)
{
	for (size_t i = 0; i < sizeof(flag_reasons) / sizeof(flag_reasons[0]); i++)
		if (s && strcmp(s, flag_reasons[i]) == 0)
			return 1;
	return 0;
}

const char *gp_flag_reasons(void)
{
	return "spam, offensive, personal_data, off_topic, duplicate, other";
}

static const struct {
	const char *code;
	const char *uri;
	int epsg; /* 0 for CRS84 */
	int decimals;
	int geographic;
} crs_table[GP_CRS_COUNT] = {
	[GP_CRS_CRS84] = { "OGC:CRS84",
		           "http://www.opengis.net/def/crs/OGC/1.3/CRS84", 0, 9, 1 },
	[GP_CRS_EPSG25832] = { "EPSG:25832",
		               "http://www.opengis.net/def/crs/EPSG/0/25832", 25832, 4, 0 },
	[GP_CRS_EPSG4326] = { "EPSG:4326",
		              "http://www.opengis.net/def/crs/EPSG/0/4326", 4326, 9, 1 },
	[GP_CRS_EPSG3857] = { "EPSG:3857",
		              "http://www.opengis.net/def/crs/EPSG/0/3857", 3857, 4, 0 },
	[GP_CRS_EPSG31467] = { "EPSG:31467",
		               "http://www.opengis.net/def/crs/EPSG/0/31467", 31467, 4, 0 },
};

int gp_crs_parse(gp_crs *out, const char *s)
{
	static const char epsg_uri[] = "http://www.opengis.net/def/crs/EPSG/0/";
	const char *num = NULL;
	int64_t code;

	if (!s)
		return GP_INVALID;
	if (strcasecmp(s, "CRS84") == 0 || strcasecmp(s, "OGC:CRS84") == 0 ||
	    strcmp(s, crs_table[GP_CRS_CRS84].uri) == 0 ||
	    strcmp(s, "[OGC:CRS84]") == 0 ||
	    strcmp(s, "urn:ogc:def:crs:OGC:1.3:CRS84") == 0 ||
	    strcmp(s, "urn:ogc:def:crs:OGC::CRS84") == 0) {
		*out = GP_CRS_CRS84;
		return 0;
	}
	if (strncasecmp(s, "EPSG:", 5) == 0)
		num = s + 5;
	else if (strncmp(s, "urn:ogc:def:crs:EPSG::", 22) == 0)
		num = s + 22;
	else if (strncmp(s, epsg_uri, sizeof(epsg_uri) - 1) == 0)
		num = s + sizeof(epsg_uri) - 1;
	else
		num = s;
	if (gp_parse_i64(&code, num, 1, 999999) != 0 || num[0] == '+' || num[0] == '-')
		return GP_INVALID;
	for (int i = 1; i < GP_CRS_COUNT; i++) {
		if (crs_table[i].epsg == code) {
			*out = (gp_crs)i;
			return 0;
		}
	}
	return GP_INVALID;
}

const char *gp_crs_code(gp_crs c)
{
	return crs_table[c].code;
}

const char *gp_crs_uri(gp_crs c)
{
	return crs_table[c].uri;
}

int gp_crs_epsg(gp_crs c)
{
	return crs_table[c].epsg;
}

int gp_crs_decimals(gp_crs c)
{
	return crs_table[c].decimals;
}

int gp_crs_is_geographic(gp_crs c)
{
	return crs_table[c].geographic;
}

static const char *const layer_names[GP_LAYER_COUNT] = { "ortsbezirk", "stadtteil" };
static const char *const layer_prefixes[GP_LAYER_COUNT] = { "ob-", "st-" };

const char *gp_layer_name(gp_layer l)
{
	return (unsigned)l < GP_LAYER_COUNT ? layer_names[l] : NULL;
}

int gp_layer_parse(gp_layer *out, const char *s)
{
	for (int i = 0; i < GP_LAYER_COUNT; i++) {
		if (s && strcmp(s, layer_names[i]) == 0) {
			*out = (gp_layer)i;
			return 0;
		}
	}
	return GP_INVALID;
}

const char *gp_layer_id_prefix(gp_layer l)
{
	return (unsigned)l < GP_LAYER_COUNT ? layer_prefixes[l] : NULL;
}
