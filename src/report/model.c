/*
 * model.c — the report model: what a report says about one district or
 * the city, read through read/.
 *
 * What it reads, and with which visibility:
 *   - points, events, hotspots, survey results: the public's (published
 *     points only), so no text that citizens cannot see gets in;
 *   - how many points moderation holds back (pending, hidden): counts from
 *     the staff view, never a point's text;
 *   - outlines in EPSG:25832 for the map: the district and the districts
 *     of its layer whose outline meets the map (the city: every
 *     Ortsbezirk).
 *
 * Memory is bounded: at most REPORT_MAX_POINTS points are kept (the
 * report counts the rest and says so), and every string the model holds
 * is a copy it frees.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "read/read.h"
#include "report_int.h"

/* Points a report lists; beyond this it counts them (at 1,000 characters each, 50 MB). */
#define REPORT_MAX_POINTS 50000
/* The map shows this much around the district (share of its size). */
#define MAP_MARGIN 0.08

/*
 * An array (of `size` bytes each, `n` in use, room for *cap) with room for
 * one more, doubling from `first`: the array, moved or not, or NULL when
 * memory ran out (the array is as it was).
 */
static void *grow(void *array, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t want = *cap ? *cap * 2 : first;
	void *bigger;

	if (n < *cap)
		return array;
	if (!(bigger = realloc(array, want * size)))
		return NULL;
	*cap = want;
	return bigger;
}

char *rp_strdup(gp_report *rep, const char *s)
{
	char **room, *c;

	if (!s ||
	    !(room = grow(rep->strings, &rep->capstrings, rep->nstrings, sizeof(char *), 256)))
		return NULL;
	rep->strings = room;
	if (!(c = strdup(s)))
		return NULL;
	rep->strings[rep->nstrings++] = c;
	return c;
}

void gp_report_free(gp_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->nstrings; i++)
		free(rep->strings[i]);
	free(rep->strings);
	for (size_t i = 0; i < rep->nshapes; i++) {
		free(rep->shapes[i].xy);
		free(rep->shapes[i].ring);
	}
	free(rep->shapes);
	for (size_t i = 0; i < rep->nhotspots; i++)
		free(rep->hotspots[i].xy);
	free(rep->hotspots);
	for (size_t i = 0; i < rep->nquestions; i++)
		free(rep->questions[i].rows);
	free(rep->questions);
	free(rep->points);
	free(rep->events);
	free(rep->topic_id);
	free(rep->topic_label);
	free(rep->topic_count);
	free(rep->attribution);
	free(rep);
}

/* ---- outlines from GeoJSON ------------------------------------------------------------ */

typedef struct rings {
	double *xy;
	size_t n, cap;      /* points */
	size_t *ring, nrings, caprings;
} rings;

static int rings_point(rings *g, double x, double y)
{
	double *room = grow(g->xy, &g->cap, g->n, 2 * sizeof(double), 256);

	if (!room)
		return GP_ENOMEM;
	g->xy = room;
	g->xy[2 * g->n] = x;
	g->xy[2 * g->n + 1] = y;
	g->n++;
	return 0;
}

static int rings_close(rings *g, size_t len)
{
	size_t *room = grow(g->ring, &g->caprings, g->nrings, sizeof(size_t), 8);

	if (!room)
		return GP_ENOMEM;
	g->ring = room;
	g->ring[g->nrings++] = len;
	return 0;
}

/*
 * The rings of a GeoJSON Polygon or MultiPolygon written by read/ (its
 * own output, so well-formed): positions are the innermost arrays, a ring
 * ends where the array around them closes.
 */
static int rings_parse(rings *g, const char *json)
{
	const char *s = strstr(json, "\"coordinates\"");
	int depth = 0, ring_depth = -1;
	size_t start = g->n;
	int rc;

	if (!s)
		return GP_EFAULT;
	for (s = strchr(s, '['); s && *s; s++) {
		if (*s == '[') {
			const char *t = s + 1;
			char *end;
			double x, y;

			depth++;
			while (*t == ' ')
				t++;
			if (*t != '-' && (*t < '0' || *t > '9'))
				continue;
			x = strtod(t, &end);
			t = end;
			while (*t == ',' || *t == ' ')
				t++;
			y = strtod(t, &end);
			if ((rc = rings_point(g, x, y)))
				return rc;
			s = strchr(end, ']');
			if (!s)
				return GP_EFAULT;
			depth--;
			ring_depth = depth;
		} else if (*s == ']') {
			if (depth == ring_depth && g->n > start) {
				if ((rc = rings_close(g, g->n - start)))
					return rc;
				start = g->n;
			}
			if (--depth == 0)
				break;
		}
	}
	return 0;
}

/* Area-weighted centre of the largest ring: where a district's name goes. */
static void label_point(const double *xy, const size_t *ring, size_t nrings, double out[2])
{
	double best = -1;
	size_t at = 0;

	out[0] = xy ? xy[0] : 0;
	out[1] = xy ? xy[1] : 0;
	for (size_t r = 0; r < nrings; at += ring[r], r++) {
		double a = 0, cx = 0, cy = 0;
		for (size_t k = 0; k + 1 < ring[r]; k++) {
			const double *p = xy + 2 * (at + k), *q = p + 2;
			double c = p[0] * q[1] - q[0] * p[1];
			a += c;
			cx += (p[0] + q[0]) * c;
			cy += (p[1] + q[1]) * c;
		}
		if (fabs(a) > best && a != 0) {
			best = fabs(a);
			out[0] = cx / (3 * a);
			out[1] = cy / (3 * a);
		}
	}
}

/* ---- districts -------------------------------------------------------------------------- */

typedef struct district_ctx {
	gp_report *rep;
	gp_read *r;
	gp_buf b;
	const char *skip;   /* the report's own id when reading neighbours */
	int self, rc;
	int64_t count;      /* the visibility's points in it */
} district_ctx;

static int take_shape(district_ctx *dc, const gp_read_district *d)
{
	gp_report *rep = dc->rep;
	rings g = { 0 };
	rp_shape *sh;
	int rc;

	gp_buf_reset(&dc->b);
	if ((rc = gp_read_district_geometry(dc->r, &dc->b, d, GP_CRS_EPSG25832)) ||
	    (rc = gp_buf_status(&dc->b)) || (rc = rings_parse(&g, gp_buf_cstr(&dc->b))))
		goto fail;
	if (g.n == 0) {
		free(g.xy);
		free(g.ring);
		return 0;
	}
	if (!dc->self) {
		/* A neighbour is drawn when its outline meets the map. */
		double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
		for (size_t k = 0; k < g.n; k++) {
			x0 = fmin(x0, g.xy[2 * k]);
			x1 = fmax(x1, g.xy[2 * k]);
			y0 = fmin(y0, g.xy[2 * k + 1]);
			y1 = fmax(y1, g.xy[2 * k + 1]);
		}
		if (!rep->city && (x1 < rep->extent[0] || x0 > rep->extent[2] ||
		                   y1 < rep->extent[1] || y0 > rep->extent[3])) {
			free(g.xy);
			free(g.ring);
			return 0;
		}
	}
	sh = realloc(rep->shapes, (rep->nshapes + 1) * sizeof(*sh));
	if (!sh) {
		rc = GP_ENOMEM;
		goto fail;
	}
	rep->shapes = sh;
	sh = &rep->shapes[rep->nshapes];
	memset(sh, 0, sizeof(*sh));
	sh->self = dc->self;
	sh->xy = g.xy;
	sh->ring = g.ring;
	sh->nrings = g.nrings;
	sh->npoints = g.n;
	sh->box[0] = sh->box[1] = INFINITY;
	sh->box[2] = sh->box[3] = -INFINITY;
	for (size_t k = 0; k < g.n; k++) {
		sh->box[0] = fmin(sh->box[0], g.xy[2 * k]);
		sh->box[2] = fmax(sh->box[2], g.xy[2 * k]);
		sh->box[1] = fmin(sh->box[1], g.xy[2 * k + 1]);
		sh->box[3] = fmax(sh->box[3], g.xy[2 * k + 1]);
	}
	label_point(g.xy, g.ring, g.nrings, sh->label);
	rep->nshapes++;
	if (!(sh->id = rp_strdup(rep, d->id)) || !(sh->name = rp_strdup(rep, d->name)))
		return GP_ENOMEM;
	return 0;
fail:
	free(g.xy);
	free(g.ring);
	return rc;
}

static int on_district(void *ctx, const gp_read_district *d)
{
	district_ctx *dc = ctx;

	if (dc->skip && strcmp(d->id, dc->skip) == 0)
		return 0;
	if (dc->self) {
		dc->rep->layer = d->layer;
		if (!(dc->rep->name = rp_strdup(dc->rep, d->name)) ||
		    !(dc->rep->id = rp_strdup(dc->rep, d->id)))
			return GP_ENOMEM;
	}
	return take_shape(dc, d);
}

static int on_count(void *ctx, const gp_read_district *d)
{
	district_ctx *dc = ctx;

	for (int c = 0; c < GP_CATEGORY_COUNT; c++)
		dc->count += d->count[c];
	return 0;
}

/* How many points of `status` (staff view) lie in the report's area: counts only. */
static int held_back(gp_report *rep, gp_read *r, const char *status, int64_t *out)
{
	gp_visibility vis = gp_read_visibility(GP_ROLE_ADMIN);
	district_ctx dc = { .rep = rep, .r = r };
	char first[GP_TIME_LEN], last[GP_TIME_LEN];
	gp_bbox box;
	int rc;

	*out = 0;
	if ((rc = gp_read_visibility_narrow(&vis, status, NULL)))
		return rc;
	if (rep->city) {
		rc = gp_read_extent(r, &vis, &box, first, last, out);
		return rc == GP_NOT_FOUND ? (*out = 0, 0) : rc;
	}
	if ((rc = gp_read_districts(r, &vis, -1, rep->id, 0, on_count, &dc, NULL)))
		return rc;
	*out = dc.count;
	return 0;
}

/* ---- points ------------------------------------------------------------------------------ */

typedef struct points_ctx {
	gp_report *rep;
	size_t cap;
	int rc;
} points_ctx;

static int topic_index(const gp_report *rep, const char *topic)
{
	if (!topic)
		return -1;
	for (size_t i = 0; i < rep->ntopics; i++)
		if (strcmp(rep->topic_id[i], topic) == 0)
			return (int)i;
	return -1;
}

static int on_point(void *ctx, const gp_point *p, double c0, double c1)
{
	points_ctx *pc = ctx;
	gp_report *rep = pc->rep;
	rp_point *o;

	(void)c0;
	(void)c1;
	if (p->status != GP_STATUS_PUBLISHED) /* the public's view admits no other */
		return 0;
	if (rep->npoints == REPORT_MAX_POINTS) {
		rep->points_left_out++;
		return 0;
	}
	if (!(o = grow(rep->points, &pc->cap, rep->npoints, sizeof(*o), 256)))
		return GP_ENOMEM;
	rep->points = o;
	o = &rep->points[rep->npoints];
	memset(o, 0, sizeof(*o));
	o->id = p->id;
	o->category = p->category;
	o->channel = p->channel;
	o->outcome = p->outcome;
	o->topic = topic_index(rep, p->topic);
	o->hotspot = -1;
	o->supporters = p->supporters;
	o->event = p->event;
	o->x = p->x;
	o->y = p->y;
	memcpy(o->created, p->created, sizeof(o->created));
	if (!(o->comment = rp_strdup(rep, p->comment ? p->comment : "")))
		return GP_ENOMEM;
	if (p->reply && p->reply[0] && !(o->reply = rp_strdup(rep, p->reply)))
		return GP_ENOMEM;
	rep->npoints++;
	return 0;
}

static int cmp_point(const void *a, const void *b)
{
	const rp_point *p = a, *q = b;
	unsigned tp = (unsigned)p->topic, tq = (unsigned)q->topic; /* none (-1) last */

	if (tp != tq)
		return tp < tq ? -1 : 1;
	if (p->category != q->category)
		return p->category < q->category ? -1 : 1;
	if (p->supporters != q->supporters)
		return p->supporters > q->supporters ? -1 : 1;
	return p->id < q->id ? -1 : p->id > q->id;
}

static void tally_points(gp_report *rep)
{
	for (size_t i = 0; i < rep->npoints; i++) {
		const rp_point *p = &rep->points[i];
		char day[11];

		rep->category[p->category]++;
		rep->channel[p->channel]++;
		rep->outcome[p->outcome]++;
		rep->supporters += p->supporters;
		rep->with_reply += p->reply != NULL;
		if (p->topic >= 0)
			rep->topic_count[p->topic]++;
		else
			rep->without_topic++;
		memcpy(day, p->created, 10);
		day[10] = '\0';
		if (!rep->first[0] || strcmp(day, rep->first) < 0)
			memcpy(rep->first, day, sizeof(day));
		if (strcmp(day, rep->last) > 0)
			memcpy(rep->last, day, sizeof(day));
	}
	rep->published = (int64_t)rep->npoints + rep->points_left_out;
}

/* ---- hotspots ----------------------------------------------------------------------------- */

/* Inside the polygon, or within 5 cm of its edge (outlines are rounded to 1 cm). */
static int in_outline(const double *xy, size_t n, double x, double y)
{
	int inside = 0;

	for (size_t i = 0, j = n - 1; i < n; j = i++) {
		double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
		double dx = xj - xi, dy = yj - yi, len2 = dx * dx + dy * dy;
		double t = len2 > 0 ? ((x - xi) * dx + (y - yi) * dy) / len2 : 0;
		double px, py;

		t = t < 0 ? 0 : t > 1 ? 1 : t;
		px = xi + t * dx - x;
		py = yi + t * dy - y;
		if (px * px + py * py < 0.0025)
			return 1;
		if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
			inside = !inside;
	}
	return inside;
}

static int read_hotspots(gp_report *rep, gp_read *r, gp_err *err)
{
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	gp_read_hotspots *h = NULL;
	gp_read_hotspot_summary sum;
	gp_read_query q;
	gp_buf b;
	int rc;

	gp_buf_init(&b, 4u << 20);
	gp_read_query_init(&q, &pub);
	if (!rep->city && (rc = gp_read_param_district(r, &q, rep->id, err)))
		goto out;
	rc = gp_read_hotspots_find(r, &q, 0, 0, &h, err);
	if (rc == GP_UNAVAILABLE || rc == GP_INVALID) {
		/* No index (or more than the budget): the report goes without. */
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	gp_read_hotspots_summary(h, &sum);
	rep->hotspot_eps = sum.eps;
	if (sum.hotspots && !(rep->hotspots = calloc(sum.hotspots, sizeof(*rep->hotspots)))) {
		rc = GP_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < sum.hotspots; i++) {
		rp_hotspot *o = &rep->hotspots[rep->nhotspots];
		gp_read_hotspot hs;
		rings g = { 0 };
		int64_t best = 0;

		gp_read_hotspots_get(h, i, &hs);
		gp_buf_reset(&b);
		if ((rc = gp_read_hotspot_outline_in(r, h, i, GP_CRS_EPSG25832, &b, &o->area)) ||
		    (rc = gp_buf_status(&b)) || (rc = rings_parse(&g, gp_buf_cstr(&b)))) {
			free(g.xy);
			free(g.ring);
			goto out;
		}
		free(g.ring);
		o->xy = g.xy;
		o->n = g.n;
		o->points = hs.point_count;
		memcpy(o->count, hs.count, sizeof(o->count));
		o->top_topic = -1;
		for (size_t t = 0; t < hs.ntopics; t++)
			if (hs.topics[t].n > best) {
				best = hs.topics[t].n;
				o->top_topic = topic_index(rep, hs.topics[t].id);
			}
		label_point(o->xy, &o->n, 1, o->centre);
		rep->nhotspots++;
	}
	/* Each of the report's points joins the first hotspot whose outline holds it. */
	for (size_t k = 0; k < rep->npoints; k++)
		for (size_t i = 0; i < rep->nhotspots; i++)
			if (rep->hotspots[i].n > 2 &&
			    in_outline(rep->hotspots[i].xy, rep->hotspots[i].n, rep->points[k].x,
			               rep->points[k].y)) {
				rep->points[k].hotspot = (int)i;
				break;
			}
out:
	gp_read_hotspots_free(h);
	gp_buf_free(&b);
	return rc;
}

/* ---- events ------------------------------------------------------------------------------- */

typedef struct events_ctx {
	gp_report *rep;
	int rc;
} events_ctx;

static int on_event(void *ctx, const gp_read_event *e)
{
	gp_report *rep = ((events_ctx *)ctx)->rep;
	rp_event *o, *n;
	int64_t mine = 0;

	for (size_t k = 0; k < rep->npoints; k++)
		mine += rep->points[k].event == e->id;
	if (mine == 0)
		return 0;
	n = realloc(rep->events, (rep->nevents + 1) * sizeof(*n));
	if (!n)
		return GP_ENOMEM;
	rep->events = n;
	o = &rep->events[rep->nevents++];
	memset(o, 0, sizeof(*o));
	o->id = e->id;
	o->points = mine;
	o->channel = e->channel;
	gp_strlcpy(o->date, e->date ? e->date : "", sizeof(o->date));
	if (!(o->name = rp_strdup(rep, e->name)))
		return GP_ENOMEM;
	if (e->district_name && !(o->district_name = rp_strdup(rep, e->district_name)))
		return GP_ENOMEM;
	return 0;
}

/* ---- the questionnaire -------------------------------------------------------------------- */

static int64_t cell(gp_read_survey_cell c)
{
	return c.suppressed ? -1 : c.count;
}

static int read_survey(gp_report *rep, gp_read *r, const gp_survey *s, int min_cell)
{
	gp_read_survey *res = NULL;
	long g;
	int rc;

	rep->has_survey = 1;
	rep->min_cell = min_cell;
	if (!(rep->survey_title = rp_strdup(rep, rep->en && s->title.en ? s->title.en : s->title.de)))
		return GP_ENOMEM;
	if ((rc = gp_read_survey_results(r, s, min_cell, &res)))
		return rc;
	g = gp_read_survey_group_find(res, rep->city ? "city" : rep->id);
	if (g < 0 || (!rep->city && rep->layer != GP_LAYER_ORTSBEZIRK))
		goto out;
	rep->survey_group = 1;
	rep->respondents = cell(gp_read_survey_respondents(res, (size_t)g));
	if (!(rep->questions = calloc(s->nquestions ? s->nquestions : 1, sizeof(*rep->questions)))) {
		rc = GP_ENOMEM;
		goto out;
	}
	for (size_t q = 0; q < s->nquestions; q++) {
		const gp_survey_question *sq = &s->questions[q];
		rp_survey_q *o = &rep->questions[rep->nquestions++];
		size_t nopt = gp_read_survey_options(res, q);

		o->type = sq->type;
		if (!(o->text = rp_strdup(rep, rep->en && sq->text.en ? sq->text.en : sq->text.de))) {
			rc = GP_ENOMEM;
			goto out;
		}
		o->answered = cell(gp_read_survey_answered(res, (size_t)g, q));
		o->has_median = sq->type == GP_SURVEY_SCALE &&
		                gp_read_survey_median(res, (size_t)g, q, &o->median);
		if (nopt && !(o->rows = calloc(nopt, sizeof(*o->rows)))) {
			rc = GP_ENOMEM;
			goto out;
		}
		for (size_t k = 0; k < nopt; k++) {
			const char *label = gp_read_survey_option_label(res, q, k, rep->en);
			rp_survey_row *row = &o->rows[o->nrows++];

			if (!(row->label = rp_strdup(rep, label ? label
			                                         : gp_read_survey_option_code(res, q, k)))) {
				rc = GP_ENOMEM;
				goto out;
			}
			row->count = cell(gp_read_survey_count(res, (size_t)g, q, k));
		}
	}
out:
	gp_read_survey_free(res);
	return rc;
}

/* ---- the whole ------------------------------------------------------------------------------ */

/* The map's extent: the area with a margin, widened to the map's proportions. */
static void fit_extent(gp_report *rep, const double box[4])
{
	double w = box[2] - box[0], h = box[3] - box[1];
	double cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
	double aspect = RP_MAP_W / RP_MAP_FRAME_H;

	w *= 1 + 2 * MAP_MARGIN;
	h *= 1 + 2 * MAP_MARGIN;
	if (w < 500)
		w = 500;
	if (h < 500)
		h = 500;
	if (w / h > aspect)
		h = w / aspect;
	else
		w = h * aspect;
	rep->extent[0] = cx - w / 2;
	rep->extent[2] = cx + w / 2;
	rep->extent[1] = cy - h / 2;
	rep->extent[3] = cy + h / 2;
}

int gp_report_new(gp_report **out, gp_read *r, const gp_config *cfg, const gp_survey *survey,
                  const char *district, int en, gp_err *err)
{
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	district_ctx dc = { .r = r };
	points_ctx pc = { 0 };
	events_ctx ec = { 0 };
	gp_report *rep = NULL;
	gp_read_query q;
	gp_read_page page;
	char first[GP_TIME_LEN] = "", last[GP_TIME_LEN] = "";
	gp_bbox box;
	int64_t n;
	int rc;

	*out = NULL;
	gp_buf_init(&dc.b, 8u << 20);
	if (!(rep = calloc(1, sizeof(*rep)))) {
		rc = GP_ENOMEM;
		goto out;
	}
	dc.rep = pc.rep = ec.rep = rep;
	rep->en = en;
	rep->city = strcmp(district, "city") == 0;
	rep->pre_moderation = gp_config_premoderation(cfg);
	if (!(rep->city_name = rp_strdup(rep, cfg->city_name))) {
		rc = GP_ENOMEM;
		goto out;
	}

	/* The configured topics, in their order. */
	rep->ntopics = cfg->ntopics;
	rep->topic_id = calloc(cfg->ntopics + 1, sizeof(*rep->topic_id));
	rep->topic_label = calloc(cfg->ntopics + 1, sizeof(*rep->topic_label));
	rep->topic_count = calloc(cfg->ntopics + 1, sizeof(*rep->topic_count));
	if (!rep->topic_id || !rep->topic_label || !rep->topic_count) {
		rc = GP_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < cfg->ntopics; i++) {
		rep->topic_id[i] = cfg->topics[i].id;
		rep->topic_label[i] = en ? cfg->topics[i].label_en : cfg->topics[i].label_de;
	}

	/* The area and its map. */
	if (rep->city) {
		if (!(rep->id = rp_strdup(rep, "city")) ||
		    !(rep->name = rp_strdup(rep, cfg->city_name))) {
			rc = GP_ENOMEM;
			goto out;
		}
		if ((rc = gp_read_districts(r, &pub, GP_LAYER_ORTSBEZIRK, NULL, 1, on_district, &dc,
		                            err)))
			goto out;
		if (rep->nshapes) {
			double all[4] = { INFINITY, INFINITY, -INFINITY, -INFINITY };
			for (size_t i = 0; i < rep->nshapes; i++) {
				all[0] = fmin(all[0], rep->shapes[i].box[0]);
				all[1] = fmin(all[1], rep->shapes[i].box[1]);
				all[2] = fmax(all[2], rep->shapes[i].box[2]);
				all[3] = fmax(all[3], rep->shapes[i].box[3]);
			}
			fit_extent(rep, all);
		}
	} else {
		dc.self = 1;
		rc = gp_read_districts(r, &pub, -1, district, 1, on_district, &dc, err);
		if (rc == GP_NOT_FOUND || (!rc && rep->nshapes == 0)) {
			rc = gp_err_set(err, GP_NOT_FOUND, "district",
			                "no district %s: the reports are of `city` and the ids "
			                "GET /api/districts lists (ob-N, st-N)", district);
			goto out;
		}
		if (rc)
			goto out;
		fit_extent(rep, rep->shapes[0].box);
		dc.self = 0;
		dc.skip = rep->id;
		if ((rc = gp_read_districts(r, &pub, (int)rep->layer, NULL, 1, on_district, &dc, err)))
			goto out;
	}

	/* The published points. */
	gp_read_query_init(&q, &pub);
	q.crs = GP_CRS_EPSG25832;
	if ((!rep->city && (rc = gp_read_param_district(r, &q, rep->id, err))) ||
	    (rc = gp_read_points(r, &q, on_point, &pc, &page, err)))
		goto out;
	qsort(rep->points, rep->npoints, sizeof(*rep->points), cmp_point);
	tally_points(rep);
	if ((rc = held_back(rep, r, "pending", &rep->pending)) ||
	    (rc = held_back(rep, r, "hidden", &rep->hidden)))
		goto out;

	/* The printed date: the setting, else the newest published point's day. */
	if (cfg->report_date[0]) {
		gp_strlcpy(rep->date, cfg->report_date, sizeof(rep->date));
	} else {
		rc = gp_read_extent(r, &pub, &box, first, last, &n);
		if (rc && rc != GP_NOT_FOUND)
			goto out;
		gp_strlcpy(rep->date, rc ? "" : last, sizeof(rep->date));
	}

	if ((rc = read_hotspots(rep, r, err)) ||
	    (rc = gp_read_events(r, &pub, 0, on_event, &ec, err)) ||
	    (survey && (rc = read_survey(rep, r, survey, cfg->survey_min_cell))))
		goto out;

	/* Whose outlines and points these are. */
	for (size_t i = 0; gp_data_attribution(i); i++)
		rep->nattribution++;
	if (!(rep->attribution = calloc(rep->nattribution + 1, sizeof(*rep->attribution)))) {
		rc = GP_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < rep->nattribution; i++)
		rep->attribution[i] = (char *)gp_data_attribution(i);
	if (cfg->data_licence[0] && !(rep->attribution[rep->nattribution++] =
	                                      rp_strdup(rep, cfg->data_licence))) {
		rc = GP_ENOMEM;
		goto out;
	}
	*out = rep;
	rep = NULL;
out:
	gp_buf_free(&dc.b);
	gp_report_free(rep);
	return rc;
}
