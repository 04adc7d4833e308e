/*
 * page_profile.c: a dataset page's charts: the profile of its columns
 * (profile's JSON) and its history, drawn as inline SVG that needs no
 * script, each chart with its numbers in text beside it (or in the table
 * it draws) for whoever cannot see it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/html.h"
#include "publish/extent.h"
#include "publish/mappoints.h"
#include "publish/page.h"
#include "base/banned.h"

static const char *
str(yajl_val obj, const char *key)
{
	yajl_val v = json_member(obj, key);

	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

static unsigned long long
count(yajl_val obj, const char *key)
{
	yajl_val v = json_member(obj, key);

	return YAJL_IS_INTEGER(v) && YAJL_GET_INTEGER(v) > 0 ?
	    (unsigned long long)YAJL_GET_INTEGER(v) : 0;
}

/*
 * A number in French: "12 345,5", the thousands apart by a narrow
 * no-break space; text that is not a plain number as it is.
 */
int
page_number(struct buf *out, const char *s)
{
	const char *p = s, *dot, *end;
	size_t digits, i;
	int rc = 0;

	if (*p == '-')
		p++;
	for (end = p; *end >= '0' && *end <= '9'; end++)
		;
	if (end == p || (*end && *end != '.') || strpbrk(end, "eE")) {
		return html_text(out, s);
	}
	if (p != s)
		rc |= buf_addstr(out, "−");
	digits = (size_t)(end - p);
	for (i = 0; i < digits; i++) {
		if (i && (digits - i) % 3 == 0 && digits > 4)
			rc |= buf_addstr(out, "\u202f");
		rc |= buf_addch(out, p[i]);
	}
	if ((dot = strchr(end, '.')) != NULL) {
		rc |= buf_addch(out, ',');
		rc |= buf_addstr(out, dot + 1);
	}
	return rc;
}

int
page_count(struct buf *out, unsigned long long n)
{
	char t[32];

	snprintf(t, sizeof(t), "%llu", n);
	return page_number(out, t);
}

/* A share of n in total, in percent with one decimal: "12,5 %". */
static int
share(struct buf *out, unsigned long long n, unsigned long long total)
{
	char t[32];

	snprintf(t, sizeof(t), "%.1f", total ? 100.0 * (double)n /
	    (double)total : 0.0);
	return page_number(out, t) | buf_addstr(out, "\u00a0%");
}

/*
 * A mean, to the hundredth (a mean of amounts is read in cents), or to
 * three significant digits when smaller than 1.
 */
static int
mean(struct buf *out, double v)
{
	char t[64];

	if (fabs(v) >= 1 || v == 0)
		snprintf(t, sizeof(t), "%.2f", v);
	else
		snprintf(t, sizeof(t), "%.3g", v);
	/* %.3g may write an exponent: then as many decimals as it needs. */
	if (strchr(t, 'e'))
		snprintf(t, sizeof(t), "%.10f", v);
	return page_number(out, t);
}

/* A value of the profile: a number (JSON's text) or a time (a string). */
static int
value(struct buf *out, yajl_val v)
{
	if (YAJL_IS_NUMBER(v))
		return page_number(out, v->u.number.r);
	if (YAJL_IS_STRING(v))
		return html_text(out, v->u.string);
	return buf_addstr(out, "—");
}

/* The histogram: a bar a bin, its count in data-count and its title. */
static int
histogram(struct buf *out, yajl_val col, size_t k)
{
	yajl_val bins = json_member(col, "histogram"), b;
	unsigned long long top = 0, n;
	size_t i, nb;
	double w, h;
	int rc = 0, exact = YAJL_IS_TRUE(json_member(col, "exact"));

	if (!YAJL_IS_ARRAY(bins) || bins->u.array.len == 0)
		return 0;
	if (bins->u.array.len == 1) {
		/* One value throughout: nothing to draw. */
		rc |= buf_addstr(out, "<p class=\"one\">Une seule valeur : ");
		rc |= value(out, json_member(col, "min"));
		return rc | buf_addstr(out, "</p>\n");
	}
	nb = bins->u.array.len;
	for (i = 0; i < nb; i++)
		if ((n = count(bins->u.array.values[i], "count")) > top)
			top = n;
	w = 240.0 / (double)nb;
	rc |= buf_addf(out, "<figure>\n<svg class=\"hist\" viewBox=\"0 0 240 "
	    "64\" role=\"img\" aria-labelledby=\"p%zu-cap\">\n", k);
	for (i = 0; i < nb; i++) {
		b = bins->u.array.values[i];
		n = count(b, "count");
		h = top ? 60.0 * (double)n / (double)top : 0;
		if (n && h < 1)
			h = 1;
		rc |= buf_addf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
		    "height=\"%.2f\" data-count=\"%llu\"><title>", i * w + 0.5,
		    62 - h, w > 2 ? w - 1 : w, h, n);
		rc |= value(out, json_member(b, "from"));
		rc |= buf_addstr(out, " : ");
		rc |= page_count(out, n);
		rc |= buf_addstr(out, "</title></rect>\n");
	}
	rc |= buf_addf(out, "<line x1=\"0\" y1=\"62.5\" x2=\"240\" y2=\"62.5\"/>"
	    "\n</svg>\n<figcaption id=\"p%zu-cap\">", k);
	rc |= buf_addstr(out, "min ");
	rc |= value(out, json_member(col, "min"));
	rc |= buf_addstr(out, exact ? ", médiane " : ", médiane ≈ ");
	rc |= value(out, json_member(col, "median"));
	rc |= buf_addstr(out, ", max ");
	rc |= value(out, json_member(col, "max"));
	if (YAJL_IS_NUMBER(json_member(col, "mean"))) {
		rc |= buf_addstr(out, ", moyenne ");
		rc |= mean(out, YAJL_GET_DOUBLE(json_member(col, "mean")));
	}
	rc |= buf_addstr(out, "</figcaption>\n</figure>\n<details><summary>"
	    "Répartition</summary>\n<table class=\"bins\" tabindex=\"0\"><thead><tr><th>"
	    "À partir de</th><th>Lignes</th></tr></thead><tbody>\n");
	for (i = 0; i < nb; i++) {
		b = bins->u.array.values[i];
		rc |= buf_addstr(out, "<tr><td>");
		rc |= value(out, json_member(b, "from"));
		rc |= buf_addstr(out, "</td><td>");
		rc |= buf_addstr(out, exact ? "" : "≈ ");
		rc |= page_count(out, count(b, "count"));
		rc |= buf_addstr(out, "</td></tr>\n");
	}
	return rc | buf_addstr(out, "</tbody></table></details>\n");
}

/* The most frequent values: a table, a bar of each one's share. */
static int
top_values(struct buf *out, yajl_val col, unsigned long long filled)
{
	yajl_val top = json_member(col, "top"), t;
	size_t i;
	int rc = 0, exact = YAJL_IS_TRUE(json_member(col, "top_exact"));

	if (!YAJL_IS_ARRAY(top) || top->u.array.len == 0)
		return filled && !exact ? buf_addstr(out, "<p class=\"none\">"
		    "Aucune valeur ne ressort nettement : trop de valeurs "
		    "distinctes pour les compter une à une, et aucune bien plus "
		    "fréquente que les autres.</p>\n") : 0;
	rc |= buf_addstr(out, "<table class=\"top\" tabindex=\"0\"><caption>"
	    "Valeurs les plus fréquentes</caption><thead><tr><th>Valeur</th>"
	    "<th>Lignes</th><th>Part</th></tr></thead><tbody>\n");
	for (i = 0; i < top->u.array.len; i++) {
		unsigned long long n;

		t = top->u.array.values[i];
		n = count(t, "count");
		rc |= buf_addstr(out, "<tr><td>");
		rc |= html_text(out, str(t, "value"));
		rc |= buf_addf(out, "</td><td data-count=\"%llu\"", n);
		if (!exact)
			rc |= buf_addf(out, " title=\"au moins %llu\"",
			    count(t, "at_least"));
		rc |= buf_addstr(out, exact ? ">" : ">≈ ");
		rc |= page_count(out, n);
		rc |= buf_addf(out, "</td><td><svg class=\"bar\" viewBox=\"0 0 "
		    "100 8\" aria-hidden=\"true\"><rect width=\"%.1f\" "
		    "height=\"8\"/></svg> ", filled ? 100.0 * (double)n /
		    (double)filled : 0.0);
		rc |= share(out, n, filled);
		rc |= buf_addstr(out, "</td></tr>\n");
	}
	return rc | buf_addstr(out, "</tbody></table>\n");
}

static int
split(struct buf *out, yajl_val col, size_t k)
{
	unsigned long long yes = count(col, "true"), no = count(col, "false");
	double w = yes + no ? 240.0 * (double)yes / (double)(yes + no) : 0;
	int rc;

	rc = buf_addf(out, "<figure>\n<svg class=\"split\" viewBox=\"0 0 240 "
	    "16\" role=\"img\" aria-labelledby=\"p%zu-cap\"><rect class=\"yes\""
	    " width=\"%.2f\" height=\"16\" data-count=\"%llu\"/><rect "
	    "class=\"no\" x=\"%.2f\" width=\"%.2f\" height=\"16\" "
	    "data-count=\"%llu\"/></svg>\n<figcaption id=\"p%zu-cap\">vrai ",
	    k, w, yes, w, 240 - w, no, k);
	rc |= page_count(out, yes);
	rc |= buf_addstr(out, " (");
	rc |= share(out, yes, yes + no);
	rc |= buf_addstr(out, "), faux ");
	rc |= page_count(out, no);
	rc |= buf_addstr(out, " (");
	rc |= share(out, no, yes + no);
	return rc | buf_addstr(out, ")</figcaption>\n</figure>\n");
}

size_t
page_profile_column(yajl_val profile, const char *name)
{
	size_t i;

	for (i = 0; name && YAJL_IS_ARRAY(profile) &&
	    i < profile->u.array.len; i++)
		if (str(profile->u.array.values[i], "name") &&
		    strcmp(str(profile->u.array.values[i], "name"), name) == 0)
			return i;
	return (size_t)-1;
}

/* A column's profile in the array prof, by its name; NULL when absent. */
static yajl_val
column(yajl_val prof, const char *name)
{
	size_t i = page_profile_column(prof, name);

	return i == (size_t)-1 ? NULL : prof->u.array.values[i];
}

/*
 * One line of a column's trend: the values v[0..n) (NAN: the version had
 * no such value) over the width, from lo to hi, each point with its
 * version and value in its title and data-value.
 */
static int
trend_line(struct buf *out, const double *v, const struct trend *t,
    double lo, double hi, const char *cls)
{
	int is_share = strcmp(cls, "fill") == 0;
	size_t j;
	double x, y;
	char num[32];
	int rc = 0;

	rc |= buf_addf(out, "<polyline class=\"%s\" points=\"", cls);
	for (j = 0; j < t->n; j++) {
		if (isnan(v[j]))
			continue;
		x = t->n > 1 ? 4 + 232.0 * (double)j / (double)(t->n - 1) : 120;
		y = hi > lo ? 44 - 40 * (v[j] - lo) / (hi - lo) : 24;
		rc |= buf_addf(out, "%.1f,%.1f ", x, y);
	}
	rc |= buf_addstr(out, "\"/>\n");
	for (j = 0; j < t->n; j++) {
		if (isnan(v[j]))
			continue;
		x = t->n > 1 ? 4 + 232.0 * (double)j / (double)(t->n - 1) : 120;
		y = hi > lo ? 44 - 40 * (v[j] - lo) / (hi - lo) : 24;
		snprintf(num, sizeof(num), "%.6g", v[j]);
		rc |= buf_addf(out, "<circle class=\"%s\" cx=\"%.1f\" "
		    "cy=\"%.1f\" r=\"2.5\" data-version=\"", cls, x, y);
		rc |= html_text(out, t->number[j]);
		rc |= buf_addf(out, "\" data-value=\"%s\"><title>", num);
		rc |= html_text(out, t->number[j]);
		rc |= buf_addstr(out, " : ");
		if (is_share) {
			snprintf(num, sizeof(num), "%.1f", v[j]);
			rc |= page_number(out, num) | buf_addstr(out, "\u00a0%");
		} else
			rc |= mean(out, v[j]);
		rc |= buf_addstr(out, "</title></circle>\n");
	}
	return rc;
}

/*
 * A column's history over the versions of t: its filled share, and the
 * mean of numbers, as lines (the share from 0 to 100 %, the mean between
 * its lowest and highest), and a table of both by version. Nothing when
 * fewer than two versions had the column.
 */
static int
trend(struct buf *out, yajl_val col, const struct trend *t, size_t k)
{
	double fill[TREND_VERSIONS], avg[TREND_VERSIONS], lo = 0, hi = 0;
	const char *name = str(col, "name"), *kind = str(col, "kind");
	size_t j, have = 0, means = 0;
	int rc = 0;

	for (j = 0; j < t->n; j++) {
		yajl_val c = column(t->prof[j], name), m;
		unsigned long long rows = c ? count(c, "rows") : 0;

		fill[j] = avg[j] = NAN;
		if (c == NULL || rows == 0)
			continue;
		fill[j] = 100.0 * (double)count(c, "filled") / (double)rows;
		have++;
		m = json_member(c, "mean");
		if (kind && strcmp(kind, "number") == 0 && YAJL_IS_NUMBER(m) &&
		    isfinite(YAJL_GET_DOUBLE(m))) {
			avg[j] = YAJL_GET_DOUBLE(m);
			if (means == 0 || avg[j] < lo)
				lo = avg[j];
			if (means == 0 || avg[j] > hi)
				hi = avg[j];
			means++;
		}
	}
	if (have < 2)
		return 0;
	rc |= buf_addf(out, "<figure class=\"trend\">\n<svg class=\"trend\" "
	    "viewBox=\"0 0 240 48\" role=\"img\" aria-labelledby=\"t%zu-cap\">"
	    "\n", k);
	rc |= trend_line(out, fill, t, 0, 100, "fill");
	if (means >= 2)
		rc |= trend_line(out, avg, t, lo, hi, "mean");
	rc |= buf_addf(out, "</svg>\n<figcaption id=\"t%zu-cap\">Aux %zu "
	    "dernières versions : <span class=\"fill\">remplies</span>%s"
	    "</figcaption>\n</figure>\n<details><summary>Historique</summary>\n"
	    "<table class=\"bins\" tabindex=\"0\"><thead><tr><th>Version</th>"
	    "<th>Remplies</th>%s</tr></thead><tbody>\n", k, t->n, means >= 2 ?
	    ", <span class=\"mean\">moyenne</span>" : "", means >= 2 ?
	    "<th>Moyenne</th>" : "");
	for (j = t->n; j-- > 0;) {
		char num[32];

		rc |= buf_addstr(out, "<tr><td>");
		rc |= html_text(out, t->number[j]);
		rc |= buf_addstr(out, "</td><td>");
		snprintf(num, sizeof(num), "%.1f", fill[j]);
		rc |= isnan(fill[j]) ? buf_addstr(out, "—") :
		    page_number(out, num) | buf_addstr(out, "\u00a0%");
		if (means >= 2) {
			rc |= buf_addstr(out, "</td><td>");
			rc |= isnan(avg[j]) ? buf_addstr(out, "—") :
			    mean(out, avg[j]);
		}
		rc |= buf_addstr(out, "</td></tr>\n");
	}
	return rc | buf_addstr(out, "</tbody></table></details>\n");
}

/* Whether the column is one of the coordinates' of x. */
static int
is_coordinate(const struct extent *x, const char *name)
{
	long f[4];
	size_t i;

	if (x == NULL || x->schema == NULL || name == NULL || x->points == 0)
		return 0;
	f[0] = x->geo;
	f[1] = x->lat;
	f[2] = x->lon;
	f[3] = x->shape;
	for (i = 0; i < 4; i++)
		if (f[i] >= 0 && (size_t)f[i] < x->schema->nfields &&
		    strcmp(x->schema->fields[f[i]].name, name) == 0)
			return 1;
	return 0;
}

/* In a coordinates' card: the points, those outside France flagged. */
static int
points(struct buf *out, const struct extent *x, const struct mappoints *m)
{
	int rc = 0;

	rc |= buf_addstr(out, "<p class=\"geo\">");
	rc |= page_count(out, x->points);
	rc |= buf_addstr(out, x->points > 1 ? " points, dont " : " point, dont ");
	rc |= buf_addf(out, "<span%s data-outside=\"%llu\">", m->outside ?
	    " class=\"out\"" : "", m->outside);
	rc |= page_count(out, m->outside);
	rc |= buf_addstr(out, " hors de France</span>");
	rc |= buf_addstr(out, m->outside ? " : une latitude et une longitude "
	    "inversées, ou un autre système de coordonnées ? (" : " (");
	return rc | buf_addstr(out, "<a href=\"#map\">carte</a>).</p>\n");
}

int
page_profile(struct buf *out, yajl_val profile, const struct trend *t,
    const struct extent *x, const struct mappoints *m)
{
	size_t i;
	int rc = 0;

	if (!YAJL_IS_ARRAY(profile) || profile->u.array.len == 0)
		return 0;
	rc |= buf_addstr(out, "<h2 id=\"profile\">Profil des colonnes</h2>\n"
	    "<p>Ce que contient chaque colonne, calculé sur toutes les lignes "
	    "publiées ; « ≈ » marque une estimation (au-delà de 1024 valeurs "
	    "distinctes ou de 65 536 valeurs).</p>\n<div class=\"profiles\">"
	    "\n");
	for (i = 0; i < profile->u.array.len; i++) {
		yajl_val col = profile->u.array.values[i];
		const char *kind = str(col, "kind");
		unsigned long long rows = count(col, "rows");
		unsigned long long filled = count(col, "filled");
		unsigned long long invalid = count(col, "invalid");

		rc |= buf_addf(out, "<section class=\"col\" id=\"col-%zu\" "
		    "data-column=\"", i);
		rc |= html_text(out, str(col, "name"));
		rc |= buf_addstr(out, "\">\n<h3>");
		rc |= html_name(out, str(col, "name"));
		rc |= buf_addstr(out, " <small>");
		rc |= page_type_words(out, str(col, "type"), NULL);
		rc |= buf_addf(out, "</small></h3>\n<p class=\"fill\"><span "
		    "data-filled=\"%llu\">", filled);
		rc |= page_count(out, filled);
		rc |= buf_addstr(out, filled > 1 ? "</span> remplies sur " :
		    "</span> remplie sur ");
		rc |= page_count(out, rows);
		rc |= buf_addstr(out, " (");
		rc |= share(out, filled, rows);
		rc |= buf_addf(out, "), <span data-distinct=\"%llu\">%s",
		    count(col, "distinct"), YAJL_IS_TRUE(json_member(col,
		    "distinct_exact")) ? "" : "≈ ");
		rc |= page_count(out, count(col, "distinct"));
		rc |= buf_addstr(out, count(col, "distinct") > 1 ?
		    "</span> distinctes" : "</span> distincte");
		if (invalid) {
			rc |= buf_addstr(out, ", ");
			rc |= page_count(out, invalid);
			rc |= buf_addstr(out, invalid > 1 ? " illisibles pour "
			    "le type" : " illisible pour le type");
		}
		rc |= buf_addstr(out, "</p>\n");
		if (kind && strcmp(kind, "text") == 0)
			rc |= top_values(out, col, filled);
		else if (kind && (strcmp(kind, "number") == 0 ||
		    strcmp(kind, "time") == 0))
			rc |= histogram(out, col, i);
		else if (kind && strcmp(kind, "boolean") == 0)
			rc |= split(out, col, i);
		if (m && is_coordinate(x, str(col, "name")))
			rc |= points(out, x, m);
		if (t)
			rc |= trend(out, col, t, i);
		rc |= buf_addstr(out, "</section>\n");
	}
	return rc | buf_addstr(out, "</div>\n");
}

/*
 * The versions, oldest first: their rows, and the rows added, changed
 * and removed, as bars; the history's table has the numbers.
 */
int
page_history_chart(struct buf *out, const struct cat_version *h, size_t n)
{
	unsigned long long top = 0, moved = 0, m;
	double w;
	size_t i, k;
	int rc = 0;

	if (n < 2)
		return 0;
	for (i = 0; i < n; i++) {
		if (h[i].rows > top)
			top = h[i].rows;
		m = h[i].compared ? h[i].added + h[i].changed + h[i].removed :
		    0;
		if (m > moved)
			moved = m;
	}
	w = 240.0 / (double)n;
	rc |= buf_addstr(out, "<figure class=\"history\">\n<svg class=\"hist\" "
	    "viewBox=\"0 0 240 64\" role=\"img\" aria-labelledby=\"h-rows\">"
	    "\n");
	for (k = 0; k < n; k++) {
		const struct cat_version *v = &h[n - 1 - k];
		double ht = top ? 60.0 * (double)v->rows / (double)top : 0;

		rc |= buf_addf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
		    "height=\"%.2f\" data-rows=\"%llu\"><title>", k * w + 0.5,
		    62 - ht, w > 2 ? w - 1 : w, ht, v->rows);
		rc |= html_text(out, v->number);
		rc |= buf_addstr(out, " : ");
		rc |= page_count(out, v->rows);
		rc |= buf_addstr(out, " lignes</title></rect>\n");
	}
	rc |= buf_addstr(out, "<line x1=\"0\" y1=\"62.5\" x2=\"240\" "
	    "y2=\"62.5\"/>\n</svg>\n<figcaption id=\"h-rows\">Lignes de chaque "
	    "version, de la plus ancienne à la plus récente</figcaption>\n"
	    "</figure>\n");
	if (moved == 0)
		return rc;
	rc |= buf_addstr(out, "<figure class=\"history\">\n<svg class=\"hist\" "
	    "viewBox=\"0 0 240 64\" role=\"img\" aria-labelledby=\"h-moves\">"
	    "\n");
	for (k = 0; k < n; k++) {
		const struct cat_version *v = &h[n - 1 - k];
		unsigned long long part[3] = { v->added, v->changed,
		    v->removed };
		static const char *const cls[3] = { "added", "changed",
		    "removed" };
		double y = 62;
		size_t j;

		if (!v->compared)
			continue;
		for (j = 0; j < 3; j++) {
			double ht = 60.0 * (double)part[j] / (double)moved;

			if (part[j] == 0)
				continue;
			y -= ht;
			rc |= buf_addf(out, "<rect class=\"%s\" x=\"%.2f\" "
			    "y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
			    "data-count=\"%llu\"/>\n", cls[j], k * w + 0.5, y,
			    w > 2 ? w - 1 : w, ht, part[j]);
		}
	}
	return rc | buf_addstr(out, "<line x1=\"0\" y1=\"62.5\" x2=\"240\" "
	    "y2=\"62.5\"/>\n</svg>\n<figcaption id=\"h-moves\">Lignes "
	    "<span class=\"added\">ajoutées</span>, <span class=\"changed\">"
	    "modifiées</span> et <span class=\"removed\">retirées</span> à "
	    "chaque version</figcaption>\n</figure>\n");
}
