#define _GNU_SOURCE	/* strptime, timegm */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/html.h"
#include "json/json.h"
#include "publish/meta.h"
#include "publish/page.h"
#include "base/frdate.h"
#include "base/banned.h"

/*
 * Readable from 390 pixels up: tables scroll sideways inside the page
 * (and take the keyboard's focus, to be scrolled without a mouse)
 * rather than widen it, names break only between their words (html_name),
 * a digest anywhere, and the facts go under each other on a narrow screen.
 */
static const char style[] =
    "body{font-family:system-ui,sans-serif;margin:2rem auto;padding:0 1rem;"
    "color:#1b1b1b;background:#fff;max-width:70rem;line-height:1.5}"
    "h1{font-size:1.6rem;overflow-wrap:break-word}"
    "h2{font-size:1.25rem;margin-top:2rem}"
    "a{color:#000091}"
    "table{border-collapse:collapse;margin:.5rem 0;display:block;"
    "overflow-x:auto;max-width:100%}"
    "th,td{border:1px solid #8a8a8a;padding:.25rem .5rem;text-align:left;"
    "vertical-align:top}"
    "th{background:#e8e8e8}caption{text-align:left;font-weight:bold}"
    "#fields td:nth-child(3){min-width:10rem}"
    "#fields td:nth-child(4){min-width:16rem}"
    "#rows td{min-width:6rem}"
    "code{font-size:.9em}code.digest{word-break:break-all}"
    "dl{display:grid;grid-template-columns:max-content auto;gap:.25rem 1rem}"
    "dt{font-weight:bold}dd{margin:0;min-width:0;overflow-wrap:anywhere}"
    ".profiles{display:grid;gap:1rem;"
    "grid-template-columns:repeat(auto-fill,minmax(17rem,1fr))}"
    ".col{border:1px solid #8a8a8a;padding:0 .75rem .5rem;min-width:0}"
    ".col h3{font-size:1rem;margin:.5rem 0;overflow-wrap:anywhere}"
    ".col small{font-weight:normal;color:#3a3a3a}"
    ".col figure{margin:.5rem 0}"
    "svg.hist{width:100%;max-width:16rem;height:auto;display:block}"
    "svg.hist rect,svg.bar rect,svg.split .yes{fill:#000091}"
    "svg.split .no{fill:#c9c9e8}svg.hist line{stroke:#1b1b1b}"
    "svg.split{width:100%;max-width:16rem;height:1rem;display:block}"
    "svg.bar{width:4rem;height:.6rem}"
    "svg.map{width:100%;max-width:40rem;height:auto;max-height:70vh;"
    "display:block;border:1px solid #8a8a8a;background:#f6f6f6}"
    "svg.map .box{fill:none;stroke:#3a3a3a;stroke-dasharray:8 6;"
    "stroke-width:2}svg.map circle{fill:#000091;fill-opacity:.75}"
    "svg.map circle.out{fill:#ce0500}span.out{color:#ce0500}"
    "svg.trend{width:100%;max-width:16rem;height:auto;display:block}"
    "svg.trend polyline{fill:none;stroke-width:1.5}"
    "svg.trend .fill{stroke:#000091;fill:#000091}"
    "svg.trend .mean{stroke:#b34000;fill:#b34000}span.fill{color:#000091}"
    "span.mean{color:#b34000}"
    "figure.map{margin:.5rem 0}div.lmap{height:30rem;max-height:70vh;"
    "max-width:40rem;"
    "border:1px solid #8a8a8a}.leaflet-popup-content table{display:table}"
    "figure.history{display:inline-block;margin:.5rem 1rem .5rem 0;"
    "width:16rem;max-width:100%}"
    "svg.hist rect.added{fill:#18753c}svg.hist rect.changed{fill:#b34000}"
    "svg.hist rect.removed{fill:#ce0500}span.added{color:#18753c}"
    "span.changed{color:#b34000}span.removed{color:#ce0500}"
    "table.top td:nth-child(2),table.bins td:nth-child(2){text-align:right}"
    "td.ok{color:#18753c}td.late,span.late{color:#ce0500}"
    "td.none{color:#3a3a3a}p.desc{font-weight:normal;margin:.25rem 0 0;"
    "max-width:30rem}#datasets th button{font:inherit;background:none;"
    "border:0;padding:0;text-decoration:underline;cursor:pointer}"
    "@media (max-width:40rem){body{margin:1rem auto}"
    "dl{grid-template-columns:auto}dd{margin-bottom:.5rem}}";

void
page_preview_init(struct page_preview *p)
{
	memset(p, 0, sizeof(*p));
}

void
page_preview_release(struct page_preview *p)
{
	size_t i;

	for (i = 0; i < p->nrows * p->ncols; i++)
		free(p->cells[i]);
	free(p->cells);
	page_preview_init(p);
}

int
page_preview_add(struct page_preview *p, const struct record *rec)
{
	size_t i, n;
	char **cells;

	if (p->nrows > PAGE_PREVIEW_ROWS)
		return 0;
	if (p->nrows == 0) {
		p->ncols = rec->nfields ? rec->nfields : 1;
		p->cells = calloc((PAGE_PREVIEW_ROWS + 1) * p->ncols,
		    sizeof(*p->cells));
		if (p->cells == NULL)
			return -1;
	}
	cells = p->cells + p->nrows * p->ncols;
	for (i = 0; i < p->ncols; i++) {
		const char *s = i < rec->nfields ? rec->fields[i].ptr : "";

		n = i < rec->nfields ? rec->fields[i].len : 0;
		if (n > PAGE_PREVIEW_CELL) {
			/* Cut at a character's start, and say so. */
			n = PAGE_PREVIEW_CELL;
			while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
				n--;
		}
		cells[i] = malloc(n + 4);
		if (cells[i] == NULL)
			return -1;
		memcpy(cells[i], s, n);
		if (i < rec->nfields && n < rec->fields[i].len) {
			memcpy(cells[i] + n, "\xe2\x80\xa6", 3);
			n += 3;
		}
		cells[i][n] = '\0';
	}
	p->nrows++;
	return 0;
}

static const char *
str(yajl_val obj, const char *key)
{
	yajl_val v = json_member(obj, key);

	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

/* A size in French: "1,2 Mo". */
static int
size_text(struct buf *out, unsigned long long n)
{
	static const char *const unit[] = { "o", "ko", "Mo", "Go", "To" };
	double x = (double)n;
	size_t u = 0;

	if (n < 1024)
		return buf_addf(out, "%llu octets", n);
	while (x >= 1024 && u < 4) {
		x /= 1024;
		u++;
	}
	{
		char num[32], *dot;

		snprintf(num, sizeof(num), "%.1f", x);
		if ((dot = strchr(num, '.')) != NULL)
			*dot = ',';
		return buf_addf(out, "%s %s", num, unit[u]);
	}
}

/*
 * "2026-11-29T06:15:00Z" in words, in the time of Paris, with the time
 * machines read in a <time> element.
 */
static int
when(struct buf *out, const char *iso)
{
	struct buf words;
	int rc;

	if (iso == NULL)
		return 0;
	buf_init(&words, 256);
	rc = frdate_datetime(&words, iso);
	rc |= buf_addstr(out, "<time datetime=\"");
	rc |= html_text(out, iso);
	rc |= buf_addstr(out, "\">");
	rc |= html_text(out, words.ptr ? words.ptr : iso);
	rc |= buf_addstr(out, "</time>");
	buf_release(&words);
	return rc;
}

/* A date of the metadata ("2025-01-01") in words. */
static int
day(struct buf *out, const char *ymd)
{
	struct buf words;
	int rc;

	buf_init(&words, 128);
	rc = frdate_date(&words, ymd);
	rc |= buf_addstr(out, "<time datetime=\"");
	rc |= html_text(out, ymd);
	rc |= buf_addstr(out, "\">");
	rc |= html_text(out, words.ptr ? words.ptr : ymd);
	rc |= buf_addstr(out, "</time>");
	buf_release(&words);
	return rc;
}

static int
head(struct buf *out, const char *title)
{
	int rc = buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"fr\">\n"
	    "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");

	rc |= html_text(out, title);
	rc |= buf_addf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<main>\n", style);
	return rc;
}

static int
download(struct buf *out, const char *file, unsigned long long bytes,
    const char *sha)
{
	int rc = buf_addstr(out, "<li><a href=\"");

	rc |= html_text(out, file);
	rc |= buf_addstr(out, "\" download>");
	rc |= html_text(out, file);
	rc |= buf_addstr(out, "</a> (");
	rc |= size_text(out, bytes);
	rc |= buf_addstr(out, ") — SHA-256 <code class=\"digest\">");
	rc |= html_text(out, sha);
	rc |= buf_addstr(out, "</code></li>\n");
	return rc;
}

/* A JSON value of a constraint as text: a string, a number, a boolean. */
static int
value_text(struct buf *out, yajl_val v)
{
	if (YAJL_IS_STRING(v))
		return html_text(out, v->u.string);
	if (YAJL_IS_NUMBER(v))
		return html_text(out, v->u.number.r);
	if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		return buf_addstr(out, YAJL_IS_TRUE(v) ? "vrai" : "faux");
	return buf_addstr(out, "…");
}

/*
 * A field's constraints in words: "obligatoire", "valeurs possibles :
 * ...", "motif : ...", "au plus 14 caractères". A constraint that asks
 * nothing (required false) is not said.
 */
static int
constraints(struct buf *out, yajl_val c)
{
	static const struct {
		const char *key, *before, *after;
	} words[] = {
		{ "minLength", "au moins ", " caractères" },
		{ "maxLength", "au plus ", " caractères" },
		{ "minimum", "au moins ", "" },
		{ "maximum", "au plus ", "" },
		{ "exclusiveMinimum", "plus de ", "" },
		{ "exclusiveMaximum", "moins de ", "" },
	};
	size_t i, j, w;
	int rc = 0, first = 1;

	if (!YAJL_IS_OBJECT(c))
		return 0;
	for (i = 0; i < c->u.object.len; i++) {
		const char *k = c->u.object.keys[i];
		yajl_val v = c->u.object.values[i];

		if ((strcmp(k, "required") == 0 || strcmp(k, "unique") == 0) &&
		    !YAJL_IS_TRUE(v))
			continue;
		if (!first)
			rc |= buf_addstr(out, "<br>");
		first = 0;
		if (strcmp(k, "required") == 0) {
			rc |= buf_addstr(out, "obligatoire");
			continue;
		}
		if (strcmp(k, "unique") == 0) {
			rc |= buf_addstr(out, "valeurs toutes différentes");
			continue;
		}
		if (strcmp(k, "enum") == 0 && YAJL_IS_ARRAY(v)) {
			rc |= buf_addstr(out, "valeurs possibles : ");
			for (j = 0; j < v->u.array.len; j++) {
				rc |= buf_addstr(out, j ? ", <code>" :
				    "<code>");
				rc |= value_text(out, v->u.array.values[j]);
				rc |= buf_addstr(out, "</code>");
			}
			continue;
		}
		if (strcmp(k, "pattern") == 0) {
			rc |= buf_addstr(out, "motif (expression régulière) : "
			    "<code class=\"digest\">");
			rc |= value_text(out, v);
			rc |= buf_addstr(out, "</code>");
			continue;
		}
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (strcmp(k, words[w].key) == 0)
				break;
		if (w < sizeof(words) / sizeof(words[0])) {
			rc |= buf_addstr(out, words[w].before);
			rc |= value_text(out, v);
			rc |= buf_addstr(out, words[w].after);
			continue;
		}
		if (strcmp(k, "jsonSchema") == 0) {
			rc |= buf_addstr(out, "conforme à un schéma JSON");
			continue;
		}
		/* A constraint of a later version: said as written. */
		rc |= html_text(out, k);
		rc |= buf_addstr(out, " : <code>");
		rc |= value_text(out, v);
		rc |= buf_addstr(out, "</code>");
	}
	return rc;
}

int
page_type_words(struct buf *out, const char *type, const char *format)
{
	static const struct {
		const char *name, *words;
	} types[] = {
		{ "string", "texte" }, { "number", "nombre" },
		{ "integer", "nombre entier" }, { "boolean", "oui ou non" },
		{ "date", "date" }, { "time", "heure" },
		{ "datetime", "date et heure" }, { "year", "année" },
		{ "yearmonth", "année et mois" }, { "duration", "durée" },
		{ "geopoint", "point géographique" },
		{ "geojson", "géométrie GeoJSON" }, { "object", "objet JSON" },
		{ "array", "liste JSON" }, { "any", "toute valeur" },
	}, formats[] = {
		{ "email", "adresse électronique" },
		{ "uri", "adresse web (URL)" }, { "uuid", "identifiant UUID" },
		{ "binary", "données binaires en base64" },
		{ "wkt", "géométrie WKT" }, { "topojson", "TopoJSON" },
		{ "array", "[longitude, latitude]" },
		{ "object", "{\"lon\": longitude, \"lat\": latitude}" },
		{ "any", "sous toute forme reconnue" },
	};
	size_t i;
	int rc = 0;

	if (type == NULL)
		type = "string";
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i].name) == 0)
			break;
	rc |= html_text(out, i < sizeof(types) / sizeof(types[0]) ?
	    types[i].words : type);
	if (format == NULL || strcmp(format, "default") == 0) {
		if (strcmp(type, "geopoint") == 0)
			rc |= buf_addstr(out, " (longitude, latitude)");
		return rc;
	}
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(format, formats[i].name) == 0)
			break;
	rc |= buf_addstr(out, " (");
	if (i < sizeof(formats) / sizeof(formats[0]))
		rc |= html_text(out, formats[i].words);
	else {
		/* A date pattern: %d/%m/%Y as jj/mm/aaaa. */
		const char *p = strncmp(format, "fmt:", 4) == 0 ? format + 4 :
		    format;

		rc |= buf_addstr(out, "au format ");
		for (; *p; p++) {
			const char *w = NULL;

			if (*p == '%' && p[1]) {
				switch (*++p) {
				case 'd': w = "jj"; break;
				case 'm': w = "mm"; break;
				case 'Y': w = "aaaa"; break;
				case 'y': w = "aa"; break;
				case 'H': w = "hh"; break;
				case 'M': w = "mm"; break;
				case 'S': w = "ss"; break;
				default: w = NULL; p--; break;
				}
			}
			if (w)
				rc |= buf_addstr(out, w);
			else
				rc |= html_textn(out, p, 1);
		}
	}
	return rc | buf_addstr(out, ")");
}

static int
fields_table(struct buf *out, yajl_val schema)
{
	yajl_val f = json_member(schema, "fields");
	size_t i;
	int rc;

	if (!YAJL_IS_ARRAY(f))
		return 0;
	rc = buf_addf(out, "<h2 id=\"schema\">Schéma des données</h2>\n"
	    "<table id=\"fields\" tabindex=\"0\">\n<caption>%zu champs</caption>\n<tr>"
	    "<th scope=\"col\">Nom</th><th scope=\"col\">Type</th>"
	    "<th scope=\"col\">Contraintes</th><th scope=\"col\">"
	    "Description</th></tr>\n", f->u.array.len);
	for (i = 0; i < f->u.array.len; i++) {
		yajl_val x = f->u.array.values[i];

		rc |= buf_addstr(out, "<tr><th scope=\"row\"><code>");
		rc |= html_name(out, str(x, "name"));
		rc |= buf_addstr(out, "</code>");
		if (str(x, "title")) {
			rc |= buf_addstr(out, "<br>");
			rc |= html_text(out, str(x, "title"));
		}
		rc |= buf_addstr(out, "</th><td>");
		rc |= page_type_words(out, str(x, "type"), str(x, "format"));
		rc |= buf_addstr(out, "</td><td>");
		rc |= constraints(out, json_member(x, "constraints"));
		rc |= buf_addstr(out, "</td><td>");
		rc |= html_markdown(out, str(x, "description"));
		rc |= buf_addstr(out, "</td></tr>\n");
	}
	return rc | buf_addstr(out, "</table>\n");
}

static int
preview_table(struct buf *out, const struct page_preview *p,
    unsigned long long rows, yajl_val profile)
{
	size_t r, c, k;
	int rc;

	if (p == NULL || p->nrows == 0)
		return 0;
	rc = buf_addf(out, "<h2 id=\"preview\">Aperçu</h2>\n<table "
	    "id=\"rows\" tabindex=\"0\">\n<caption>Les %zu premières lignes sur %llu"
	    "</caption>\n<tr>", p->nrows - 1, rows);
	for (c = 0; c < p->ncols; c++) {
		/* The column's profile one click away. */
		k = page_profile_column(profile, p->cells[c]);
		rc |= buf_addstr(out, "<th scope=\"col\">");
		if (k != (size_t)-1)
			rc |= buf_addf(out, "<a href=\"#col-%zu\" title=\"Profil "
			    "de la colonne\">", k);
		rc |= html_name(out, p->cells[c]);
		rc |= buf_addstr(out, k != (size_t)-1 ? "</a></th>" : "</th>");
	}
	rc |= buf_addstr(out, "</tr>\n");
	for (r = 1; r < p->nrows; r++) {
		rc |= buf_addstr(out, "<tr>");
		for (c = 0; c < p->ncols; c++) {
			rc |= buf_addstr(out, "<td>");
			rc |= html_text(out, p->cells[r * p->ncols + c]);
			rc |= buf_addstr(out, "</td>");
		}
		rc |= buf_addstr(out, "</tr>\n");
	}
	return rc | buf_addstr(out, "</table>\n");
}

static int
history_table(struct buf *out, const struct page_dataset *d)
{
	size_t i;
	int rc;

	rc = buf_addstr(out, "<h2 id=\"history\">Historique des versions"
	    "</h2>\n");
	rc |= page_history_chart(out, d->history, d->nhistory);
	rc |= buf_addstr(out, "<table id=\"versions\" tabindex=\"0\">\n<tr><th scope=\"col\">Version"
	    "</th><th scope=\"col\">Publiée le</th><th scope=\"col\">Lignes"
	    "</th><th scope=\"col\">Changements</th><th scope=\"col\">"
	    "Fichiers</th></tr>\n");
	for (i = 0; i < d->nhistory; i++) {
		const struct cat_version *h = &d->history[i];

		rc |= buf_addstr(out, "<tr><th scope=\"row\">");
		rc |= html_text(out, h->number);
		rc |= buf_addstr(out, "</th><td>");
		rc |= when(out, h->published);
		rc |= buf_addf(out, "</td><td>%llu</td><td>", h->rows);
		if (i + 1 == d->nhistory && !h->compared)
			rc |= buf_addstr(out, "première version");
		else if (h->compared)
			rc |= buf_addf(out, "%llu ajoutées, %llu retirées, "
			    "%llu modifiées", h->added, h->removed,
			    h->changed);
		else
			rc |= buf_addstr(out, "non comparées");
		rc |= buf_addstr(out, "</td><td><a href=\"versions/");
		rc |= html_text(out, h->stamp);
		rc |= buf_addstr(out, "/\">");
		rc |= html_text(out, h->stamp);
		rc |= buf_addstr(out, "</a></td></tr>\n");
	}
	return rc | buf_addstr(out, "</table>\n");
}

/* The place and the period the data covers, as the metadata gives them. */
static int
coverage(struct buf *out, yajl_val desc)
{
	yajl_val sp = json_member(desc, "spatial"), tm = json_member(desc,
	    "temporal");
	const char *start = str(tm, "start"), *end = str(tm, "end");
	int rc = 0;

	if (str(sp, "name")) {
		rc |= buf_addstr(out, "<dt>Territoire</dt><dd id=\"place\">");
		rc |= html_text(out, str(sp, "name"));
		if (str(sp, "insee")) {
			rc |= buf_addstr(out, " (code INSEE ");
			rc |= html_text(out, str(sp, "insee"));
			rc |= buf_addstr(out, ")");
		}
		rc |= buf_addstr(out, "</dd>\n");
	}
	if (start || end) {
		rc |= buf_addstr(out, "<dt>Période couverte</dt>"
		    "<dd id=\"period\">");
		if (start && end) {
			rc |= buf_addstr(out, "du ");
			rc |= day(out, start);
			rc |= buf_addstr(out, " au ");
			rc |= day(out, end);
		} else if (start) {
			rc |= buf_addstr(out, "depuis le ");
			rc |= day(out, start);
		} else {
			rc |= buf_addstr(out, "jusqu'au ");
			rc |= day(out, end);
		}
		rc |= buf_addstr(out, "</dd>\n");
	}
	return rc;
}

/*
 * The profile with each column's history: the newest TREND_VERSIONS
 * versions' profiles (history[0] is the one published, d->profile).
 */
static int
column_history(struct buf *out, const struct page_dataset *d)
{
	struct trend t;
	size_t i, n = d->nhistory < TREND_VERSIONS ? d->nhistory :
	    TREND_VERSIONS;
	int rc;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < n; i++) {
		const struct cat_version *h = &d->history[n - 1 - i];

		t.number[i] = h->number;
		t.prof[i] = n - 1 - i == 0 ? d->profile : h->profile ?
		    json_parse(h->profile, NULL, 0) : NULL;
	}
	t.n = n;
	rc = page_profile(out, d->profile, n > 1 ? &t : NULL, d->extent,
	    d->map);
	for (i = 0; i + 1 < n; i++)
		yajl_tree_free(t.prof[i]);
	return rc;
}

int
page_dataset(const struct page_dataset *d, struct buf *out)
{
	yajl_val desc = d->descriptor, lic, contrib, kw, p = NULL;
	const struct cat_version *v = d->v;
	const char *name = str(desc, "name");
	char file[128];
	size_t i;
	int rc;

	rc = head(out, str(desc, "title"));
	rc |= buf_addstr(out, "<h1>");
	rc |= html_text(out, str(desc, "title"));
	rc |= buf_addstr(out, "</h1>\n<p id=\"description\">");
	rc |= html_markdown(out, str(desc, "description"));
	rc |= buf_addstr(out, "</p>\n<dl>\n<dt>Producteur</dt><dd>");
	contrib = json_member(desc, "contributors");
	for (i = 0; YAJL_IS_ARRAY(contrib) && i < contrib->u.array.len; i++)
		if (str(contrib->u.array.values[i], "role") &&
		    strcmp(str(contrib->u.array.values[i], "role"),
		    "publisher") == 0)
			p = contrib->u.array.values[i];
	if (p && str(p, "path")) {
		rc |= buf_addstr(out, "<a href=\"");
		rc |= html_text(out, str(p, "path"));
		rc |= buf_addstr(out, "\">");
		rc |= html_text(out, str(p, "title"));
		rc |= buf_addstr(out, "</a>");
	} else
		rc |= html_text(out, p ? str(p, "title") : "");
	rc |= buf_addstr(out, "</dd>\n");
	if (p && str(p, "email")) {
		rc |= buf_addstr(out, "<dt>Contact</dt><dd id=\"contact\">"
		    "<a href=\"mailto:");
		rc |= html_text(out, str(p, "email"));
		rc |= buf_addstr(out, "\">");
		rc |= html_text(out, str(p, "email"));
		rc |= buf_addstr(out, "</a></dd>\n");
	}
	rc |= buf_addstr(out, "<dt>Licence</dt><dd id=\"license\">");
	lic = json_member(desc, "licenses");
	if (YAJL_IS_ARRAY(lic) && lic->u.array.len) {
		yajl_val l = lic->u.array.values[0];

		if (str(l, "path")) {
			rc |= buf_addstr(out, "<a href=\"");
			rc |= html_text(out, str(l, "path"));
			rc |= buf_addstr(out, "\">");
		}
		rc |= html_text(out, str(l, "title"));
		if (str(l, "path"))
			rc |= buf_addstr(out, "</a>");
	}
	rc |= buf_addstr(out, "</dd>\n<dt>Dernière mise à jour</dt>"
	    "<dd id=\"updated\">");
	rc |= when(out, v->published);
	rc |= buf_addstr(out, "</dd>\n<dt>Version</dt><dd id=\"version\">");
	rc |= html_text(out, v->number);
	rc |= buf_addf(out, "</dd>\n<dt>Lignes</dt><dd id=\"row-count\">%llu"
	    "</dd>\n", v->rows);
	if (str(desc, "frequency")) {
		rc |= buf_addstr(out, "<dt>Fréquence de mise à jour</dt>"
		    "<dd id=\"frequency\">");
		rc |= html_text(out, meta_frequency_fr(str(desc,
		    "frequency")));
		rc |= buf_addstr(out, "</dd>\n");
	}
	rc |= coverage(out, desc);
	kw = json_member(desc, "keywords");
	if (YAJL_IS_ARRAY(kw) && kw->u.array.len) {
		rc |= buf_addstr(out, "<dt>Mots-clés</dt><dd>");
		for (i = 0; i < kw->u.array.len; i++) {
			if (i)
				rc |= buf_addstr(out, ", ");
			if (YAJL_IS_STRING(kw->u.array.values[i]))
				rc |= html_text(out,
				    kw->u.array.values[i]->u.string);
		}
		rc |= buf_addstr(out, "</dd>\n");
	}
	rc |= buf_addstr(out, "</dl>\n<h2 id=\"downloads\">Télécharger</h2>\n"
	    "<ul>\n");
	snprintf(file, sizeof(file), "%s.csv", name ? name : "data");
	rc |= download(out, file, v->bytes, v->sha256);
	if (v->gz_sha256[0]) {
		snprintf(file, sizeof(file), "%s.csv.gz", name ? name : "data");
		rc |= download(out, file, v->gz_bytes, v->gz_sha256);
	}
	rc |= buf_addstr(out, "<li><a href=\"datapackage.json\">"
	    "datapackage.json</a> (métadonnées, Data Package)</li>\n"
	    "<li><a href=\"schema.json\">schema.json</a> (schéma, Table "
	    "Schema)</li>\n</ul>\n");
	rc |= fields_table(out, d->schema);
	rc |= page_map(out, d->extent, d->map, d->leaflet);
	rc |= column_history(out, d);
	rc |= preview_table(out, d->preview, v->rows, d->profile);
	rc |= history_table(out, d);
	rc |= buf_addstr(out, "<p><a href=\"../\">Tous les jeux de données"
	    "</a></p>\n</main>\n</body>\n</html>\n");
	return rc ? -1 : 0;
}

/* The days between two updates a declared frequency expects; 0: none. */
static int
frequency_days(const char *f)
{
	static const struct {
		const char *word;
		int days;
	} k[] = {
		{ "continuous", 1 }, { "daily", 1 }, { "weekly", 7 },
		{ "biweekly", 14 }, { "monthly", 31 }, { "bimonthly", 62 },
		{ "quarterly", 92 }, { "semiannual", 183 }, { "annual", 366 },
		{ "biennial", 731 },
	};
	size_t i;

	for (i = 0; f && i < sizeof(k) / sizeof(k[0]); i++)
		if (strcmp(f, k[i].word) == 0)
			return k[i].days;
	return 0;
}

/* How late a dataset is, in days, against its frequency (now: time). */
static long
late_days(const struct page_entry *e, time_t now, int *interval)
{
	struct tm tm;
	time_t t;

	*interval = frequency_days(str(e->descriptor, "frequency"));
	memset(&tm, 0, sizeof(tm));
	if (*interval == 0 || strptime(e->v->published, "%Y-%m-%dT%H:%M:%SZ",
	    &tm) == NULL)
		return 0;
	t = timegm(&tm);
	return now > t ? (long)((now - t) / 86400) - *interval : -*interval;
}

/* The freshness cell: "à jour", "en retard de 12 jours", or none due. */
static int
freshness(struct buf *out, long late, int interval)
{
	if (interval == 0)
		return buf_addf(out, "<td class=\"fresh none\" data-sort=\"-1\">"
		    "pas de fréquence déclarée</td>");
	if (late <= 0)
		return buf_addf(out, "<td class=\"fresh ok\" data-sort=\"0\">"
		    "à jour</td>");
	return buf_addf(out, "<td class=\"fresh late\" data-sort=\"%ld\">en "
	    "retard de %ld jour%s</td>", late, late, late > 1 ? "s" : "");
}

/* The root's script: sorting, filtering, freshness as of today. */
static const char dashboard_js[] =
    "(function(){var t=document.getElementById('datasets');if(!t)return;"
    "var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),"
    "day=864e5,now=Date.now();"
    "rows.forEach(function(r){var i=+r.dataset.interval,p=Date.parse("
    "r.dataset.published);if(!i||isNaN(p))return;var late=Math.floor("
    "(now-p)/day)-i,c=r.querySelector('.fresh');c.dataset.sort=late>0?"
    "late:0;c.className='fresh '+(late>0?'late':'ok');c.textContent="
    "late>0?'en retard de '+late+' jour'+(late>1?'s':''):'à jour';});"
    "function count(){var ok=0,late=0;rows.forEach(function(r){if(r.hidden)"
    "return;if(r.querySelector('.fresh.ok'))ok++;if(r.querySelector("
    "'.fresh.late'))late++;});document.getElementById('n-ok').textContent"
    "=ok;document.getElementById('n-late').textContent=late;}count();"
    "var f=document.getElementById('filter');document.getElementById("
    "'tools').hidden=false;f.addEventListener('input',function(){var q="
    "f.value.toLowerCase();rows.forEach(function(r){r.hidden=q&&r."
    "textContent.toLowerCase().indexOf(q)<0;});count();});"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h,k){"
    "var btn=document.createElement('button');btn.type='button';"
    "btn.textContent=h.textContent;h.textContent='';h.appendChild(btn);"
    "btn.addEventListener('click',function(){var up=h.getAttribute("
    "'aria-sort')!=='ascending';Array.prototype.forEach.call(h.parentNode"
    ".cells,function(o){o.removeAttribute('aria-sort');});h.setAttribute("
    "'aria-sort',up?'ascending':'descending');rows.sort(function(x,y){"
    "var a=x.cells[k],c=y.cells[k],u=a.dataset.sort,v=c.dataset.sort,"
    "d=u!==undefined&&v!==undefined?u-v:a.textContent.localeCompare("
    "c.textContent,'fr');return up?d:-d;});rows.forEach(function(r){b."
    "appendChild(r);});});});})();";

int
page_root(const char *title, const struct page_entry *e, size_t n,
    time_t now, struct buf *out)
{
	size_t i;
	int rc, interval;
	unsigned long long ok = 0, late = 0, invalid = 0;
	long lt;

	for (i = 0; i < n; i++) {
		lt = late_days(&e[i], now, &interval);
		ok += interval && lt <= 0;
		late += interval && lt > 0;
		invalid += strncmp(e[i].v->validation, "valid", 5) != 0;
	}
	rc = head(out, title);
	rc |= buf_addstr(out, "<h1>");
	rc |= html_text(out, title);
	rc |= buf_addf(out, "</h1>\n<p><span id=\"dataset-count\">%zu</span> "
	    "jeu%s de données. Catalogue DCAT-AP pour les portails : <a "
	    "href=\"catalog.rdf\">catalog.rdf</a>.</p>\n", n,
	    n > 1 ? "x" : "");
	if (n == 0)
		return rc | buf_addstr(out, "</main>\n</body>\n</html>\n") ?
		    -1 : 0;
	rc |= buf_addf(out, "<p id=\"summary\"><span id=\"n-ok\">%llu</span> à "
	    "jour, <span id=\"n-late\" class=\"late\">%llu</span> en retard "
	    "(selon leur fréquence déclarée), <span id=\"n-invalid\">%llu"
	    "</span> non valide%s à leur dernière publication.</p>\n"
	    "<p id=\"tools\" hidden><label for=\"filter\">Filtrer</label> "
	    "<input type=\"search\" id=\"filter\"></p>\n<table id=\"datasets\" tabindex=\"0\">"
	    "\n<thead><tr><th scope=\"col\">Jeu de données</th><th scope=\"col\">"
	    "Fraîcheur</th><th scope=\"col\">Validité</th><th scope=\"col\">"
	    "Lignes</th><th scope=\"col\">Évolution</th><th scope=\"col\">"
	    "Licence</th><th scope=\"col\">Données personnelles</th><th "
	    "scope=\"col\">Version</th><th scope=\"col\">Mis à jour le</th>"
	    "</tr></thead>\n<tbody>\n", ok, late, invalid, invalid > 1 ? "s" :
	    "");
	for (i = 0; i < n; i++) {
		const struct cat_version *v = e[i].v;
		yajl_val lic = json_member(e[i].descriptor, "licenses");
		yajl_val pd = json_member(e[i].descriptor, "personalData");
		int valid = strncmp(v->validation, "valid", 5) == 0;
		long long d = e[i].has_prev ? (long long)v->rows -
		    (long long)e[i].prev_rows : 0;

		lt = late_days(&e[i], now, &interval);
		rc |= buf_addf(out, "<tr data-interval=\"%d\" data-published=\"",
		    interval);
		rc |= html_text(out, v->published);
		rc |= buf_addstr(out, "\"><th scope=\"row\"><a href=\"");
		rc |= html_text(out, v->dataset);
		rc |= buf_addstr(out, "/\">");
		rc |= html_text(out, str(e[i].descriptor, "title"));
		rc |= buf_addstr(out, "</a><p class=\"desc\">");
		rc |= html_markdown(out, str(e[i].descriptor, "description"));
		rc |= buf_addstr(out, "</p></th>");
		rc |= freshness(out, lt, interval);
		rc |= buf_addf(out, "<td class=\"%s\">%s</td><td data-sort=\"%llu\">"
		    "%llu</td>", valid ? "ok" : "late", valid ? "valide" :
		    "non valide (publiée quand même)", v->rows, v->rows);
		if (e[i].has_prev)
			rc |= buf_addf(out, "<td data-sort=\"%lld\">%s %s%lld"
			    "</td>", d, d > 0 ? "▲" : d < 0 ? "▼" : "=",
			    d > 0 ? "+" : "", d);
		else
			rc |= buf_addstr(out, "<td data-sort=\"0\">première "
			    "version</td>");
		rc |= buf_addstr(out, "<td>");
		if (YAJL_IS_ARRAY(lic) && lic->u.array.len)
			rc |= html_text(out, str(lic->u.array.values[0],
			    "title"));
		rc |= buf_addstr(out, "</td><td>");
		if (YAJL_IS_TRUE(json_member(pd, "contains")))
			rc |= buf_addstr(out, strcmp(str(pd, "anonymization") ?
			    str(pd, "anonymization") : "", "pass") == 0 ?
			    "oui, anonymisées (contrôle réussi)" :
			    "oui, sans contrôle d’anonymisation");
		else
			rc |= buf_addstr(out, "non");
		rc |= buf_addstr(out, "</td><td>");
		rc |= html_text(out, v->number);
		rc |= buf_addstr(out, "</td><td>");
		rc |= when(out, v->published);
		rc |= buf_addstr(out, "</td></tr>\n");
	}
	rc |= buf_addf(out, "</tbody>\n</table>\n</main>\n<script>%s</script>\n"
	    "</body>\n</html>\n", dashboard_js);
	return rc ? -1 : 0;
}
