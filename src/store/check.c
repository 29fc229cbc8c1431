/*
 * check.c — integrity checks for `geopart check`: SQLite's own page-level
 * check, foreign keys, the spatial index against the table, and the
 * invariants the schema cannot state (coordinates agree with the geometry,
 * the counts triggers keep agree with the rows, the questionnaire's too,
 * and its free-text answers are each in the moderation queue once).
 *
 * Every probe only reads, so a check runs on a read-only connection and
 * leaves the file as it found it (a backup copy stays byte for byte the
 * same).
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* What point_counts, point_days and point_blocks must hold, from the rows. */
#define COUNT_GROUPS                                                                  \
	"SELECT status, coalesce(ortsbezirk_id, ''), coalesce(stadtteil_id, ''), category," \
	" coalesce(topic, ''), channel, count(*) FROM points GROUP BY 1, 2, 3, 4, 5, 6"
#define DAY_GROUPS                                                                    \
	"SELECT status, substr(created, 1, 10), coalesce(ortsbezirk_id, '')," \
	" coalesce(stadtteil_id, ''), category, coalesce(topic, ''), channel, count(*)"   \
	" FROM points GROUP BY 1, 2, 3, 4, 5, 6, 7"
#define BLOCK_GROUPS                                                                  \
	"SELECT status, id >> 10, category, channel, count(*) FROM points"              \
	" GROUP BY 1, 2, 3, 4"

typedef struct probe {
	const char *sql;
	const char *ok_text; /* a single row with this text means "no problem" */
	const char *what;
} probe;

static const probe probes[] = {
	{ "PRAGMA integrity_check", "ok", "integrity" },
	{ "PRAGMA foreign_key_check", NULL, "foreign key" },
	/*
	 * The R*Tree against the table, in plain SQL: SpatiaLite's
	 * CheckSpatialIndex() writes its verdict into spatialite_history,
	 * which a check must not do (and cannot, on a read-only connection).
	 * The R*Tree rounds its 32-bit bounds outward, so a point's box holds
	 * the point and is at most a float step (here under a metre) wide.
	 */
	{ "SELECT * FROM ("
	  " SELECT 'point ' || id || ' is missing from idx_points_geom' FROM points"
	  "  WHERE geom IS NOT NULL AND id NOT IN (SELECT pkid FROM idx_points_geom)"
	  " UNION ALL SELECT 'idx_points_geom holds ' || pkid || ', which is no point'"
	  "  FROM idx_points_geom WHERE pkid NOT IN (SELECT id FROM points WHERE geom IS NOT NULL)"
	  " UNION ALL SELECT 'idx_points_geom has a wrong box for point ' || p.id"
	  "  FROM points p JOIN idx_points_geom r ON r.pkid = p.id"
	  "  WHERE NOT (r.xmin <= p.x AND p.x <= r.xmax AND r.ymin <= p.y AND p.y <= r.ymax)"
	  "  OR r.xmax - r.xmin > 2 OR r.ymax - r.ymin > 2"
	  ") LIMIT 20", NULL, "spatial index" },
	{ "SELECT 'point ' || id || ': x/y differ from its geometry' FROM points"
	  " WHERE abs(ST_X(geom) - x) > 1e-6 OR abs(ST_Y(geom) - y) > 1e-6"
	  " OR geom IS NULL LIMIT 20", NULL, "coordinates" },
	{ "SELECT 'district ' || id || ': invalid boundary' FROM districts"
	  " WHERE ST_IsValid(geom) IS NOT 1", NULL, "boundaries" },
	/* The per-cell counts that answer bbox counts must match the points. */
	{ "SELECT 'cell ' || cell || ' (' || status || '): counted ' || favourite || '/' ||"
	  " improvement || ', holds ' || f || '/' || i FROM ("
	  " SELECT c.status, c.cell, c.favourite, c.improvement,"
	  "  coalesce(p.f, 0) AS f, coalesce(p.i, 0) AS i FROM point_cells c LEFT JOIN"
	  "  (SELECT status, cell, sum(category = 'favourite') AS f,"
	  "   sum(category = 'improvement') AS i FROM points GROUP BY status, cell) p"
	  "  ON p.status = c.status AND p.cell = c.cell"
	  " UNION ALL SELECT p.status, p.cell, 0, 0, 1, 1 FROM points p"
	  "  WHERE NOT EXISTS (SELECT 1 FROM point_cells c WHERE c.status = p.status"
	  "  AND c.cell = p.cell))"
	  " WHERE favourite != f OR improvement != i LIMIT 20", NULL, "cell counts" },
	/* The counts that answer counts without a box (0005_read.sql). */
	{ "SELECT 'point_counts differ from the points' WHERE EXISTS ("
	  " SELECT status, ortsbezirk_id, stadtteil_id, category, topic, channel, n"
	  " FROM point_counts WHERE n > 0 EXCEPT " COUNT_GROUPS ")"
	  " OR EXISTS (" COUNT_GROUPS " EXCEPT SELECT status, ortsbezirk_id, stadtteil_id,"
	  " category, topic, channel, n FROM point_counts)", NULL, "district counts" },
	{ "SELECT 'point_days differ from the points' WHERE EXISTS ("
	  " SELECT status, day, ortsbezirk_id, stadtteil_id, category, topic, channel, n"
	  " FROM point_days WHERE n > 0 EXCEPT " DAY_GROUPS ")"
	  " OR EXISTS (" DAY_GROUPS " EXCEPT SELECT status, day, ortsbezirk_id, stadtteil_id,"
	  " category, topic, channel, n FROM point_days)", NULL, "day counts" },
	{ "SELECT 'point_day_totals differ from the points' WHERE EXISTS ("
	  " SELECT status, day, n FROM point_day_totals WHERE n > 0 EXCEPT"
	  " SELECT status, substr(created, 1, 10), count(*) FROM points GROUP BY 1, 2)"
	  " OR EXISTS (SELECT status, substr(created, 1, 10), count(*) FROM points GROUP BY 1, 2"
	  " EXCEPT SELECT status, day, n FROM point_day_totals)", NULL, "day counts" },
	{ "SELECT 'point ' || p.id || ' lies outside the ids of its day' FROM points p"
	  " JOIN point_day_totals d ON d.status = p.status AND d.day = substr(p.created, 1, 10)"
	  " WHERE p.id < d.min_id OR p.id > d.max_id LIMIT 20", NULL, "day counts" },
	{ "SELECT 'point_blocks differ from the points' WHERE EXISTS ("
	  " SELECT status, block, category, channel, n FROM point_blocks WHERE n > 0"
	  " EXCEPT " BLOCK_GROUPS ") OR EXISTS (" BLOCK_GROUPS " EXCEPT SELECT status, block,"
	  " category, channel, n FROM point_blocks)", NULL, "block counts" },
	/* The grid cell is written by geopart (grid.h), never by the schema. */
	{ "SELECT 'point ' || id || ': cell ' || coalesce(cell, 'NULL') || ' is not its grid"
	  " cell' FROM points WHERE cell IS NOT geopart_cell(lon, lat) LIMIT 20", NULL,
	  "grid cells" },
	{ "SELECT 'totals (' || t.status || ', ' || t.category || '): counted ' || t.n ||"
	  " ', holds ' || (SELECT count(*) FROM points p WHERE p.status = t.status"
	  " AND p.category = t.category) FROM point_totals t WHERE t.n != (SELECT count(*)"
	  " FROM points p WHERE p.status = t.status AND p.category = t.category)", NULL,
	  "totals" },
	/* The questionnaire's kept counts (0006_survey.sql) against its answers. */
	{ "WITH re (question, ortsbezirk, code, n) AS ("
	  " SELECT question, coalesce(ortsbezirk, ''), code, count(*) FROM survey_answers"
	  "  WHERE code IS NOT NULL GROUP BY 1, 2, 3"
	  " UNION ALL SELECT question, coalesce(ortsbezirk, ''), '#', count(DISTINCT response_id)"
	  "  FROM survey_answers GROUP BY 1, 2"
	  " UNION ALL SELECT '', coalesce(ortsbezirk, ''), '#', count(*) FROM survey_responses"
	  "  GROUP BY 2),"
	  " kept AS (SELECT question, ortsbezirk, code, n FROM survey_counts WHERE n > 0)"
	  " SELECT 'survey count ' || question || '/' || ortsbezirk || '/' || code || ': kept '"
	  "  || coalesce((SELECT n FROM kept k WHERE k.question = d.question"
	  "   AND k.ortsbezirk = d.ortsbezirk AND k.code = d.code), 0) || ', holds '"
	  "  || coalesce((SELECT n FROM re r WHERE r.question = d.question"
	  "   AND r.ortsbezirk = d.ortsbezirk AND r.code = d.code), 0)"
	  " FROM (SELECT * FROM re EXCEPT SELECT * FROM kept"
	  "  UNION SELECT * FROM kept EXCEPT SELECT * FROM re) d LIMIT 20", NULL,
	  "survey counts" },
	/* Every free-text answer in the moderation queue once (0010_survey_texts.sql). */
	{ "SELECT 'response ' || a.response_id || ', question ' || a.question || ': a text answer"
	  " not in the moderation queue' FROM survey_answers a WHERE a.text IS NOT NULL"
	  " AND NOT EXISTS (SELECT 1 FROM survey_texts t WHERE t.response_id = a.response_id"
	  " AND t.question = a.question)"
	  " UNION ALL SELECT 'text ' || t.id || ': no text answer of response ' || t.response_id"
	  " || ' to ' || t.question FROM survey_texts t WHERE NOT EXISTS (SELECT 1"
	  " FROM survey_answers a WHERE a.response_id = t.response_id AND a.question = t.question"
	  " AND a.text IS NOT NULL) LIMIT 20", NULL,
	  "survey texts" },
};

int gp_store_check(gp_store *s, gp_store_report_cb report, void *ctx)
{
	int problems = 0;

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(s->db, probes[i].sql, -1, &st, NULL);

		if (rc != SQLITE_OK) {
			char msg[512];
			snprintf(msg, sizeof(msg), "%s check could not run: %s",
			         probes[i].what, sqlite3_errmsg(s->db));
			report(ctx, msg);
			problems++;
			continue;
		}
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *text = (const char *)sqlite3_column_text(st, 0);
			char msg[512];

			if (!text && sqlite3_column_count(st) == 1)
				continue;
			if (text && probes[i].ok_text && strcmp(text, probes[i].ok_text) == 0)
				continue;
			if (sqlite3_column_count(st) > 1) {
				/* foreign_key_check: table, rowid, parent, fkid */
				snprintf(msg, sizeof(msg), "%s: %s row %lld refers to a missing %s",
				         probes[i].what, sqlite3_column_text(st, 0),
				         (long long)sqlite3_column_int64(st, 1),
				         sqlite3_column_text(st, 2));
			} else {
				snprintf(msg, sizeof(msg), "%s: %s", probes[i].what, text);
			}
			report(ctx, msg);
			problems++;
		}
		if (rc != SQLITE_DONE) {
			char msg[512];
			snprintf(msg, sizeof(msg), "%s check failed: %s", probes[i].what,
			         sqlite3_errmsg(s->db));
			report(ctx, msg);
			problems++;
		}
		sqlite3_finalize(st);
	}
	return problems ? GP_INVALID : 0;
}
