#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "jsongen.h"
#include "page.h"
#include "banned.h"

static const char style[] =
    "body{font-family:system-ui,sans-serif;margin:2rem auto;padding:0 1rem;"
    "color:#1b1b1b;background:#fff;max-width:70rem;line-height:1.5}"
    "h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}"
    "a{color:#000091}"
    "table{border-collapse:collapse;margin:.5rem 0;display:block;"
    "overflow-x:auto}"
    "th,td{border:1px solid #8a8a8a;padding:.25rem .5rem;text-align:left;"
    "vertical-align:top}"
    "th{background:#e8e8e8}caption{text-align:left;font-weight:bold}"
    "code{font-size:.9em;word-break:break-all}"
    "dl{display:grid;grid-template-columns:max-content auto;gap:.25rem 1rem}"
    "dt{font-weight:bold}dd{margin:0}";

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
	yajl_val v = jg_member(obj, key);

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

/* "2026-11-29T06:15:00Z" as "2026-11-29 à 06:15 UTC". */
static int
when(struct buf *out, const char *iso)
{
	if (iso == NULL || strlen(iso) < 16)
		return html_text(out, iso ? iso : "");
	return buf_addf(out, "%.10s à %.5s UTC", iso, iso + 11);
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
	rc |= buf_addstr(out, ") — SHA-256 <code>");
	rc |= html_text(out, sha);
	rc |= buf_addstr(out, "</code></li>\n");
	return rc;
}

/* One constraint of a field as text, in the table of fields. */
static int
constraints(struct buf *out, yajl_val c)
{
	size_t i;
	int rc = 0, first = 1;

	if (!YAJL_IS_OBJECT(c))
		return 0;
	for (i = 0; i < c->u.object.len; i++) {
		const char *k = c->u.object.keys[i];
		yajl_val v = c->u.object.values[i];

		if (!first)
			rc |= buf_addstr(out, "<br>");
		first = 0;
		if (strcmp(k, "required") == 0 && YAJL_IS_TRUE(v)) {
			rc |= buf_addstr(out, "obligatoire");
			continue;
		}
		if (strcmp(k, "unique") == 0 && YAJL_IS_TRUE(v)) {
			rc |= buf_addstr(out, "unique");
			continue;
		}
		rc |= html_text(out, k);
		rc |= buf_addstr(out, " : <code>");
		if (YAJL_IS_STRING(v))
			rc |= html_text(out, v->u.string);
		else if (YAJL_IS_NUMBER(v))
			rc |= html_text(out, v->u.number.r);
		else if (YAJL_IS_ARRAY(v)) {
			size_t j;

			for (j = 0; j < v->u.array.len; j++) {
				yajl_val x = v->u.array.values[j];

				if (j)
					rc |= buf_addstr(out, ", ");
				rc |= html_text(out, YAJL_IS_STRING(x) ?
				    x->u.string : YAJL_IS_NUMBER(x) ?
				    x->u.number.r : "…");
			}
		} else
			rc |= buf_addstr(out, YAJL_IS_TRUE(v) ? "oui" :
			    YAJL_IS_FALSE(v) ? "non" : "…");
		rc |= buf_addstr(out, "</code>");
	}
	return rc;
}

static int
fields_table(struct buf *out, yajl_val schema)
{
	yajl_val f = jg_member(schema, "fields");
	size_t i;
	int rc;

	if (!YAJL_IS_ARRAY(f))
		return 0;
	rc = buf_addf(out, "<h2 id=\"schema\">Schéma des données</h2>\n"
	    "<table id=\"fields\">\n<caption>%zu champs</caption>\n<tr>"
	    "<th scope=\"col\">Nom</th><th scope=\"col\">Type</th>"
	    "<th scope=\"col\">Contraintes</th><th scope=\"col\">"
	    "Description</th></tr>\n", f->u.array.len);
	for (i = 0; i < f->u.array.len; i++) {
		yajl_val x = f->u.array.values[i];

		rc |= buf_addstr(out, "<tr><th scope=\"row\"><code>");
		rc |= html_text(out, str(x, "name"));
		rc |= buf_addstr(out, "</code>");
		if (str(x, "title")) {
			rc |= buf_addstr(out, "<br>");
			rc |= html_text(out, str(x, "title"));
		}
		rc |= buf_addstr(out, "</th><td>");
		rc |= html_text(out, str(x, "type") ? str(x, "type") :
		    "string");
		if (str(x, "format")) {
			rc |= buf_addstr(out, " (");
			rc |= html_text(out, str(x, "format"));
			rc |= buf_addstr(out, ")");
		}
		rc |= buf_addstr(out, "</td><td>");
		rc |= constraints(out, jg_member(x, "constraints"));
		rc |= buf_addstr(out, "</td><td>");
		rc |= html_text(out, str(x, "description"));
		rc |= buf_addstr(out, "</td></tr>\n");
	}
	return rc | buf_addstr(out, "</table>\n");
}

static int
preview_table(struct buf *out, const struct page_preview *p,
    unsigned long long rows)
{
	size_t r, c;
	int rc;

	if (p == NULL || p->nrows == 0)
		return 0;
	rc = buf_addf(out, "<h2 id=\"preview\">Aperçu</h2>\n<table "
	    "id=\"rows\">\n<caption>Les %zu premières lignes sur %llu"
	    "</caption>\n<tr>", p->nrows - 1, rows);
	for (c = 0; c < p->ncols; c++) {
		rc |= buf_addstr(out, "<th scope=\"col\">");
		rc |= html_text(out, p->cells[c]);
		rc |= buf_addstr(out, "</th>");
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
	    "</h2>\n<table id=\"versions\">\n<tr><th scope=\"col\">Version"
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
	rc |= html_text(out, str(desc, "description"));
	rc |= buf_addstr(out, "</p>\n<dl>\n<dt>Producteur</dt><dd>");
	contrib = jg_member(desc, "contributors");
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
	rc |= buf_addstr(out, "</dd>\n<dt>Licence</dt><dd id=\"license\">");
	lic = jg_member(desc, "licenses");
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
		rc |= buf_addstr(out, "<dt>Fréquence de mise à jour</dt><dd>");
		rc |= html_text(out, str(desc, "frequency"));
		rc |= buf_addstr(out, "</dd>\n");
	}
	kw = jg_member(desc, "keywords");
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
	rc |= preview_table(out, d->preview, v->rows);
	rc |= history_table(out, d);
	rc |= buf_addstr(out, "<p><a href=\"../\">Tous les jeux de données"
	    "</a></p>\n</main>\n</body>\n</html>\n");
	return rc ? -1 : 0;
}

int
page_root(const char *title, const struct page_entry *e, size_t n,
    struct buf *out)
{
	size_t i;
	int rc;

	rc = head(out, title);
	rc |= buf_addstr(out, "<h1>");
	rc |= html_text(out, title);
	rc |= buf_addf(out, "</h1>\n<p><span id=\"dataset-count\">%zu</span> "
	    "jeu%s de données. Catalogue DCAT-AP pour les portails : <a "
	    "href=\"catalog.rdf\">catalog.rdf</a>.</p>\n", n,
	    n > 1 ? "x" : "");
	if (n)
		rc |= buf_addstr(out, "<table id=\"datasets\">\n<tr><th "
		    "scope=\"col\">Jeu de données</th><th scope=\"col\">"
		    "Description</th><th scope=\"col\">Version</th><th "
		    "scope=\"col\">Mis à jour le</th><th scope=\"col\">"
		    "Lignes</th></tr>\n");
	for (i = 0; i < n; i++) {
		rc |= buf_addstr(out, "<tr><th scope=\"row\"><a href=\"");
		rc |= html_text(out, e[i].v->dataset);
		rc |= buf_addstr(out, "/\">");
		rc |= html_text(out, str(e[i].descriptor, "title"));
		rc |= buf_addstr(out, "</a></th><td>");
		rc |= html_text(out, str(e[i].descriptor, "description"));
		rc |= buf_addstr(out, "</td><td>");
		rc |= html_text(out, e[i].v->number);
		rc |= buf_addstr(out, "</td><td>");
		rc |= when(out, e[i].v->published);
		rc |= buf_addf(out, "</td><td>%llu</td></tr>\n", e[i].v->rows);
	}
	if (n)
		rc |= buf_addstr(out, "</table>\n");
	rc |= buf_addstr(out, "</main>\n</body>\n</html>\n");
	return rc ? -1 : 0;
}
