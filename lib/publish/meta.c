#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "json/conf.h"
#include "json/json.h"
#include "publish/meta.h"
#include "base/banned.h"

/*
 * The licences a French public administration may use without approval
 * (décret 2017-638, article D323-2-1 of the code des relations entre le
 * public et l'administration), with the spellings users write.
 */
static const struct licence {
	const char *names;	/* lower case, space separated */
	const char *id;
	const char *title;
	const char *url;
	const char *types;	/* in ADMS's licence types */
} licences[] = {
	{ "etalab-2.0 lov2 licence-ouverte-2.0 lo-2.0 etalab",
	  "etalab-2.0", "Licence Ouverte / Open Licence version 2.0",
	  "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
	  "Attribution" },
	{ "odbl-1.0 odbl odc-odbl",
	  "ODbL-1.0", "Open Data Commons Open Database License (ODbL) v1.0",
	  "https://opendatacommons.org/licenses/odbl/1-0/",
	  "Attribution ViralEffect-ShareAlike" },
};

/* The EU frequency vocabulary, by the word muni-meta(5) documents. */
static const struct frequency {
	const char *word;
	const char *code;
	const char *fr;		/* as a page says it */
} frequencies[] = {
	{ "continuous", "CONT", "en continu" },
	{ "daily", "DAILY", "quotidienne" },
	{ "weekly", "WEEKLY", "hebdomadaire" },
	{ "biweekly", "BIWEEKLY", "toutes les deux semaines" },
	{ "monthly", "MONTHLY", "mensuelle" },
	{ "bimonthly", "BIMONTHLY", "tous les deux mois" },
	{ "quarterly", "QUARTERLY", "trimestrielle" },
	{ "semiannual", "ANNUAL_2", "semestrielle" },
	{ "annual", "ANNUAL", "annuelle" },
	{ "biennial", "BIENNIAL", "tous les deux ans" },
	{ "irregular", "IRREG", "irrégulière" },
	{ "never", "NEVER", "aucune (données figées)" },
	{ "unknown", "UNKNOWN", "inconnue" },
};

/* The EU data-theme vocabulary (data-theme), by code. */
static const struct theme {
	const char *code;
	const char *label;
} themes[] = {
	{ "AGRI", "Agriculture, fisheries, forestry and food" },
	{ "ECON", "Economy and finance" },
	{ "EDUC", "Education, culture and sport" },
	{ "ENER", "Energy" },
	{ "ENVI", "Environment" },
	{ "GOVE", "Government and public sector" },
	{ "HEAL", "Health" },
	{ "INTR", "International issues" },
	{ "JUST", "Justice, legal system and public safety" },
	{ "REGI", "Regions and cities" },
	{ "SOCI", "Population and society" },
	{ "TECH", "Science and technology" },
	{ "TRAN", "Transport" },
};

/*
 * The themes of the schemas of schema.data.gouv.fr that communes publish,
 * by the schema's "name" (or the last part of its URL): the theme under
 * which data.gouv.fr and data.europa.eu list such data.
 */
static const struct schema_theme {
	const char *names;	/* space separated */
	const char *themes[3];
} schema_themes[] = {
	{ "subventions budget decp marches-publics", { "ECON", "GOVE" } },
	{ "deliberations catalogue catalogue-donnees", { "GOVE" } },
	{ "equipements", { "REGI", "SOCI" } },
	{ "prenoms", { "SOCI" } },
	{ "menus-collectifs", { "AGRI", "EDUC" } },
	{ "dae", { "HEAL" } },
	{ "stationnement stationnement-cyclable lieux-covoiturage "
	  "stationstaxi schema-irve-dynamique schema-irve-statique irve "
	  "aires-livraison aire-livraison arrete-circulation-marchandises",
	  { "TRAN" } },
	{ "dispositif-aide", { "ECON", "GOVE" } },
};

/* The publisher types of ADMS (purl.org/adms/publishertype). */
static const char *const publisher_types[] = {
	"Academia-ScientificOrganisation", "Company", "IndustryConsortium",
	"LocalAuthority", "NationalAuthority", "NonGovernmentalOrganisation",
	"NonProfitOrganisation", "PrivateIndividual(s)", "RegionalAuthority",
	"StandardisationBody", "SupraNationalAuthority",
};

int
meta_url_ok(const char *s)
{
	const char *host;
	size_t i;

	if (s == NULL)
		return 0;
	if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return 0;
	if (host[0] == '\0' || strchr("/?#@:", host[0]))
		return 0;
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f ||
		    strchr("\"<>\\^`{|}", s[i]))
			return 0;
	return 1;
}

/* An e-mail address: one @, text on both sides, nothing a URL cannot hold. */
static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i;

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') ||
	    strchr(at + 1, '.') == NULL)
		return 0;
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f ||
		    strchr("\"<>\\^`{|}:/?#[]", s[i]))
			return 0;
	return 1;
}

const char *const *
meta_schema_themes(const char *schema_name)
{
	size_t i, k = schema_name ? strlen(schema_name) : 0;
	const char *p;

	for (i = 0; k && i < sizeof(schema_themes) / sizeof(schema_themes[0]);
	    i++)
		for (p = schema_themes[i].names; *p; p += strcspn(p, " "),
		    p += *p == ' ')
			if (strncmp(p, schema_name, k) == 0 &&
			    (p[k] == ' ' || p[k] == '\0'))
				return schema_themes[i].themes;
	return NULL;
}

const char *
meta_theme_label(const char *code)
{
	size_t i;

	for (i = 0; code && i < sizeof(themes) / sizeof(themes[0]); i++)
		if (strcmp(code, themes[i].code) == 0)
			return themes[i].label;
	return NULL;
}

/* A URL member: absolute http(s), else the error names it. */
static int
url_member(struct conf *l, const char *key, const char *value)
{
	size_t n;

	if (value == NULL || meta_url_ok(value))
		return 0;
	n = conf_enter(l, ".%s", key);
	conf_fail(l, "'%.200s' is not an absolute http:// or https:// URL",
	    value);
	conf_leave(l, n);
	return -1;
}

int
meta_name_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || s[0] == '-')
		return 0;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-') || i >= 64)
			return 0;
	return 1;
}

/* A date yyyy-mm-dd with a plausible month and day. */
static int
date_ok(const char *s)
{
	int i, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int
party(struct conf *l, yajl_val v, struct meta_party *p, int producer)
{
	char *type = NULL;
	size_t i, n;

	if (producer)
		p->type = "LocalAuthority";
	if (YAJL_IS_STRING(v)) {
		p->name = strdup(v->u.string);
		return p->name ? 0 : conf_fail(l, "out of memory");
	}
	if (!YAJL_IS_OBJECT(v))
		return conf_fail(l, "a name, or an object with \"name\"");
	if (conf_known_keys(l, v, producer ? "name url email siret type" :
	    "name url email role") < 0 ||
	    conf_string(l, v, "name", &p->name, NULL) < 0 ||
	    conf_string(l, v, "url", &p->url, NULL) < 0 ||
	    conf_string(l, v, "email", &p->email, NULL) < 0 ||
	    conf_string(l, v, producer ? "siret" : "role",
	    producer ? &p->siret : &p->role, NULL) < 0)
		return -1;
	if (p->name == NULL || p->name[0] == '\0')
		return conf_fail(l, "\"name\" is required");
	if (p->siret && (strlen(p->siret) != 14 ||
	    strspn(p->siret, "0123456789") != 14))
		return conf_fail(l, "\"siret\" is 14 digits");
	if (url_member(l, "url", p->url) < 0)
		return -1;
	if (p->email && !email_ok(p->email)) {
		n = conf_enter(l, ".email");
		conf_fail(l, "'%.200s' is not an e-mail address", p->email);
		conf_leave(l, n);
		return -1;
	}
	if (producer && conf_string(l, v, "type", &type, NULL) < 0)
		return -1;
	if (type) {
		for (i = 0; i < sizeof(publisher_types) /
		    sizeof(publisher_types[0]); i++)
			if (strcasecmp(type, publisher_types[i]) == 0)
				p->type = publisher_types[i];
		if (p->type == NULL || strcasecmp(type, p->type) != 0) {
			n = conf_enter(l, ".type");
			conf_fail(l,
			    "unknown publisher type \"%.100s\" (known: "
			    "LocalAuthority, RegionalAuthority, "
			    "NationalAuthority, NonProfitOrganisation, "
			    "Company, ... of the ADMS vocabulary)",
			    type);
			conf_leave(l, n);
			free(type);
			return -1;
		}
		free(type);
	}
	return 0;
}

static int
load_license(struct conf *l, yajl_val root, struct meta *m)
{
	size_t i, k, n;
	const char *p;
	char *given;

	if (conf_string(l, root, "license", &given, "etalab-2.0") < 0)
		return -1;
	m->license_given = given;
	if (given[0] == '\0') {
		n = conf_enter(l, ".license");
		conf_fail(l, "the licence is empty: write \"etalab-2.0\" "
		    "(Licence Ouverte 2.0) or \"ODbL-1.0\"");
		conf_leave(l, n);
		return -1;
	}
	k = strlen(given);
	for (i = 0; i < sizeof(licences) / sizeof(licences[0]); i++)
		for (p = licences[i].names; *p; p += strcspn(p, " "),
		    p += *p == ' ')
			if (strncasecmp(p, given, k) == 0 &&
			    (p[k] == ' ' || p[k] == '\0')) {
				m->license = licences[i].id;
				m->license_title = licences[i].title;
				m->license_url = licences[i].url;
				m->license_allowed = 1;
				return 0;
			}
	m->license = given;
	m->license_title = given;
	m->license_url = NULL;
	return 0;
}

static int
load_spatial(struct conf *l, yajl_val v, struct meta *m)
{
	size_t n = conf_enter(l, ".spatial");
	int rc = 0;

	if (YAJL_IS_STRING(v)) {
		m->spatial = strdup(v->u.string);
		rc = m->spatial ? 0 : conf_fail(l, "out of memory");
	} else if (!YAJL_IS_OBJECT(v))
		rc = conf_fail(l, "a place's name, or an object with \"name\"");
	else if (conf_known_keys(l, v, "name insee uri") < 0 ||
	    conf_string(l, v, "name", &m->spatial, NULL) < 0 ||
	    conf_string(l, v, "insee", &m->spatial_code, NULL) < 0 ||
	    conf_string(l, v, "uri", &m->spatial_uri, NULL) < 0)
		rc = -1;
	else if (m->spatial == NULL)
		rc = conf_fail(l, "\"name\" is required");
	else if (url_member(l, "uri", m->spatial_uri) < 0)
		rc = -1;
	else if (m->spatial_code && (strlen(m->spatial_code) != 5 ||
	    strspn(m->spatial_code, "0123456789AB") != 5))
		rc = conf_fail(l, "\"insee\" is a code of 5 characters "
		    "(\"75056\", \"2A004\")");
	conf_leave(l, n);
	return rc;
}

static int
load_temporal(struct conf *l, yajl_val v, struct meta *m)
{
	size_t n = conf_enter(l, ".temporal");
	int rc = 0;

	if (!YAJL_IS_OBJECT(v))
		rc = conf_fail(l, "an object with \"start\" and \"end\"");
	else if (conf_known_keys(l, v, "start end") < 0 ||
	    conf_string(l, v, "start", &m->temporal_start, NULL) < 0 ||
	    conf_string(l, v, "end", &m->temporal_end, NULL) < 0)
		rc = -1;
	else if (!m->temporal_start && !m->temporal_end)
		rc = conf_fail(l, "\"start\" or \"end\" is required");
	else if ((m->temporal_start && !date_ok(m->temporal_start)) ||
	    (m->temporal_end && !date_ok(m->temporal_end)))
		rc = conf_fail(l, "dates are written yyyy-mm-dd");
	else if (m->temporal_start && m->temporal_end &&
	    strcmp(m->temporal_start, m->temporal_end) > 0)
		rc = conf_fail(l, "\"start\" is after \"end\"");
	conf_leave(l, n);
	return rc;
}

static int
load_frequency(struct conf *l, yajl_val root, struct meta *m)
{
	char *word;
	size_t i, n;
	int rc = 0;

	if (conf_string(l, root, "frequency", &word, NULL) < 0)
		return -1;
	if (word == NULL)
		return 0;
	for (i = 0; i < sizeof(frequencies) / sizeof(frequencies[0]); i++)
		if (strcasecmp(word, frequencies[i].word) == 0 ||
		    strcasecmp(word, frequencies[i].code) == 0) {
			m->frequency = frequencies[i].word;
			m->frequency_code = frequencies[i].code;
			break;
		}
	if (m->frequency == NULL) {
		n = conf_enter(l, ".frequency");
		rc = conf_fail(l,
		    "unknown frequency \"%s\" (known: continuous, "
		    "daily, weekly, biweekly, monthly, bimonthly, quarterly, "
		    "semiannual, annual, biennial, irregular, never, unknown)",
		    word);
		conf_leave(l, n);
	}
	free(word);
	return rc;
}

static int
load_themes(struct conf *l, yajl_val v, struct meta *m)
{
	size_t n = conf_enter(l, ".themes"), i, k, count;
	char **given = NULL;
	int rc = 0;

	if (conf_strings(l, v, &given, &count) < 0) {
		conf_leave(l, n);
		return -1;
	}
	m->themes = calloc(count + 1, sizeof(*m->themes));
	if (m->themes == NULL)
		rc = conf_fail(l, "out of memory");
	for (i = 0; rc == 0 && i < count; i++) {
		const char *g = given[i];

		/* A code, or the code's URI. */
		if (strncmp(g, META_THEME_BASE, strlen(META_THEME_BASE)) == 0)
			g += strlen(META_THEME_BASE);
		for (k = 0; k < sizeof(themes) / sizeof(themes[0]); k++)
			if (strcasecmp(g, themes[k].code) == 0)
				break;
		if (k == sizeof(themes) / sizeof(themes[0]))
			rc = conf_fail(l,
			    "unknown theme \"%.100s\" (the EU data "
			    "themes: AGRI, ECON, EDUC, ENER, ENVI, GOVE, HEAL, "
			    "INTR, JUST, REGI, SOCI, TECH, TRAN)",
			    given[i]);
		else
			m->themes[m->nthemes++] = themes[k].code;
	}
	for (i = 0; i < count; i++)
		free(given[i]);
	free(given);
	conf_leave(l, n);
	return rc;
}

static int
load_personal(struct conf *l, yajl_val v, struct meta *m)
{
	size_t n = conf_enter(l, ".personal_data");
	yajl_val c;
	int rc = 0;

	if (!YAJL_IS_OBJECT(v))
		rc = conf_fail(l, "an object with \"contains\"");
	else if (conf_known_keys(l, v, "contains legal_basis") < 0 ||
	    conf_string(l, v, "legal_basis", &m->legal_basis, NULL) < 0)
		rc = -1;
	else if ((c = json_member(v, "contains")) == NULL ||
	    !(YAJL_IS_TRUE(c) || YAJL_IS_FALSE(c)))
		rc = conf_fail(l, "\"contains\" is true or false");
	else
		m->personal_data = YAJL_IS_TRUE(c);
	conf_leave(l, n);
	return rc;
}

const char *
meta_license_types(const char *id)
{
	size_t i;

	for (i = 0; id && i < sizeof(licences) / sizeof(licences[0]); i++)
		if (strcmp(id, licences[i].id) == 0)
			return licences[i].types;
	return NULL;
}

const char *
meta_frequency_fr(const char *word)
{
	size_t i;

	for (i = 0; word && i < sizeof(frequencies) / sizeof(frequencies[0]);
	    i++)
		if (strcmp(word, frequencies[i].word) == 0)
			return frequencies[i].fr;
	return word;
}

const char *
meta_frequency_code(const char *word)
{
	size_t i;

	for (i = 0; word && i < sizeof(frequencies) / sizeof(frequencies[0]);
	    i++)
		if (strcmp(word, frequencies[i].word) == 0)
			return frequencies[i].code;
	return NULL;
}

static int
required(struct conf *l, const char *key, const char *value)
{
	if (value && value[0])
		return 0;
	return conf_fail(l, "\"%s\" is required", key);
}

struct meta *
meta_parse(const char *json, size_t len, const char *source,
    struct muni_err *e)
{
	struct conf l;
	struct meta *m;
	yajl_val root, v;
	size_t i, n;
	int rc = -1;

	memset(&l, 0, sizeof(l));
	l.kind = "metadata";
	l.source = source;
	l.e = e;
	m = calloc(1, sizeof(*m));
	if (m == NULL || (m->source = strdup(source)) == NULL) {
		free(m);
		err_nomem(e);
		return NULL;
	}
	root = conf_parse(&l, json, len);
	if (root == NULL)
		goto done;
	if (!YAJL_IS_OBJECT(root)) {
		conf_fail(&l, "the metadata is a JSON object");
		goto done;
	}
	if (conf_known_keys(&l, root, "name title description license producer "
	    "contributors keywords spatial temporal frequency homepage "
	    "personal_data schema_url base_url identifier themes "
	    "keep_source_query") < 0 ||
	    conf_string(&l, root, "name", &m->name, NULL) < 0 ||
	    conf_string(&l, root, "title", &m->title, NULL) < 0 ||
	    conf_string(&l, root, "description", &m->description, NULL) < 0 ||
	    conf_string(&l, root, "homepage", &m->homepage, NULL) < 0 ||
	    conf_string(&l, root, "schema_url", &m->schema_url, NULL) < 0 ||
	    conf_string(&l, root, "base_url", &m->base_url, NULL) < 0 ||
	    conf_string(&l, root, "identifier", &m->identifier, NULL) < 0 ||
	    url_member(&l, "homepage", m->homepage) < 0 ||
	    url_member(&l, "schema_url", m->schema_url) < 0 ||
	    url_member(&l, "base_url", m->base_url) < 0 ||
	    load_license(&l, root, m) < 0 || load_frequency(&l, root, m) < 0)
		goto done;
	if (m->identifier && (m->identifier[0] == '\0' ||
	    strlen(m->identifier) > 79 || strpbrk(m->identifier,
	    " \t\r\n<>\"") != NULL)) {
		n = conf_enter(&l, ".identifier");
		conf_fail(&l, "an identifier is 1 to 79 characters, without "
		    "spaces, quotes or angle brackets");
		conf_leave(&l, n);
		goto done;
	}
	if ((v = json_member(root, "keep_source_query")) != NULL) {
		if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) {
			n = conf_enter(&l, ".keep_source_query");
			conf_fail(&l, "true or false");
			conf_leave(&l, n);
			goto done;
		}
		m->keep_source_query = YAJL_IS_TRUE(v);
	}
	if ((v = json_member(root, "themes")) != NULL &&
	    load_themes(&l, v, m) < 0)
		goto done;
	if (m->name && !meta_name_ok(m->name)) {
		n = conf_enter(&l, ".name");
		conf_fail(&l, "'%s' is not a dataset name: 1 to 64 lower-case "
		    "letters, digits and '-'", m->name);
		conf_leave(&l, n);
		goto done;
	}
	if ((v = json_member(root, "producer")) != NULL) {
		n = conf_enter(&l, ".producer");
		if (party(&l, v, &m->producer, 1) < 0)
			goto done;
		conf_leave(&l, n);
	}
	if ((v = json_member(root, "contributors")) != NULL) {
		if (!YAJL_IS_ARRAY(v)) {
			n = conf_enter(&l, ".contributors");
			conf_fail(&l, "an array of contributors");
			goto done;
		}
		m->contributors = calloc(v->u.array.len + 1,
		    sizeof(*m->contributors));
		if (m->contributors == NULL) {
			conf_fail(&l, "out of memory");
			goto done;
		}
		for (i = 0; i < v->u.array.len; i++) {
			n = conf_enter(&l, ".contributors[%zu]", i);
			m->ncontributors++;
			if (party(&l, v->u.array.values[i],
			    &m->contributors[i], 0) < 0)
				goto done;
			conf_leave(&l, n);
		}
	}
	if ((v = json_member(root, "keywords")) != NULL) {
		n = conf_enter(&l, ".keywords");
		if (conf_strings(&l, v, &m->keywords, &m->nkeywords) < 0)
			goto done;
		conf_leave(&l, n);
	}
	if ((v = json_member(root, "spatial")) != NULL &&
	    load_spatial(&l, v, m) < 0)
		goto done;
	if ((v = json_member(root, "temporal")) != NULL &&
	    load_temporal(&l, v, m) < 0)
		goto done;
	if ((v = json_member(root, "personal_data")) != NULL &&
	    load_personal(&l, v, m) < 0)
		goto done;
	if (required(&l, "name", m->name) < 0 ||
	    required(&l, "title", m->title) < 0 ||
	    required(&l, "description", m->description) < 0 ||
	    required(&l, "producer", m->producer.name) < 0)
		goto done;
	rc = 0;
done:
	yajl_tree_free(root);
	if (rc < 0) {
		meta_free(m);
		return NULL;
	}
	return m;
}

/* meta_load()'s parser for conf_load(). */
static void *
parse_text(const char *json, size_t len, const char *path, void *ctx,
    struct muni_err *e)
{
	(void)ctx;
	return meta_parse(json, len, path, e);
}

struct meta *
meta_load(const char *path, struct muni_err *e)
{
	return conf_load(path, "metadata", META_MAX_BYTES, parse_text, NULL,
	    e);
}

static void
party_release(struct meta_party *p)
{
	free(p->name);
	free(p->url);
	free(p->email);
	free(p->siret);
	free(p->role);
}

void
meta_free(struct meta *m)
{
	size_t i;

	if (m == NULL)
		return;
	free(m->source);
	free(m->name);
	free(m->title);
	free(m->description);
	free(m->license_given);
	party_release(&m->producer);
	for (i = 0; i < m->ncontributors; i++)
		party_release(&m->contributors[i]);
	free(m->contributors);
	for (i = 0; i < m->nkeywords; i++)
		free(m->keywords[i]);
	free(m->keywords);
	free(m->spatial);
	free(m->spatial_code);
	free(m->spatial_uri);
	free(m->temporal_start);
	free(m->temporal_end);
	free(m->homepage);
	free(m->legal_basis);
	free(m->schema_url);
	free(m->base_url);
	free(m->identifier);
	free(m->themes);
	free(m);
}
