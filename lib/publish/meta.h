/*
 * meta: a publication's metadata file (muni-meta(5)), what muni-publish
 * needs beyond the data and its schema to describe a dataset as the loi
 * Lemaire and the portals ask: title, description, licence, producer,
 * keywords, coverage in space and time, update frequency, and whether the
 * data holds personal data and on what legal basis.
 *
 * meta_load() checks the file (unknown keys, types, values from the
 * vocabularies) and returns a heap object owning every string; a missing
 * required key (name, title, description, producer) is MUNI_EXIT_USAGE
 * naming it. The licence is normalised to its SPDX identifier, the
 * frequency to its word and its code in the EU vocabulary.
 */
#ifndef MUNI_META_H
#define MUNI_META_H

#include <stddef.h>

#include "base/err.h"

#define META_MAX_BYTES ((size_t)1 << 20)

struct meta_party {
	char *name;
	char *url;		/* http(s) */
	char *email;
	char *siret;		/* producers */
	const char *type;	/* producers: ADMS publisher type, "LocalAuthority" */
	char *role;		/* contributors */
};

struct meta {
	char *source;		/* the file as named */
	char *name;		/* [a-z0-9-]+, the dataset's folder */
	char *title;
	char *description;
	const char *license;	/* SPDX id: "etalab-2.0", "ODbL-1.0", other */
	const char *license_title;
	const char *license_url;
	int license_allowed;	/* one of the licences of décret 2017-638 */
	char *license_given;	/* as written, for other licences */
	struct meta_party producer;
	struct meta_party *contributors;
	size_t ncontributors;
	char **keywords;
	size_t nkeywords;
	char *spatial;		/* a place's name */
	char *spatial_code;	/* its INSEE code */
	char *spatial_uri;
	char *temporal_start;	/* yyyy-mm-dd */
	char *temporal_end;
	const char *frequency;	/* "annual", ... */
	const char *frequency_code;	/* "ANNUAL", the EU vocabulary */
	char *homepage;
	int personal_data;
	char *legal_basis;
	char *schema_url;
	char *base_url;		/* where the publication is served, http(s) */
	char *identifier;	/* pinned dct:identifier, or NULL */
	const char **themes;	/* EU data-theme codes ("ECON"), NULL-ended */
	size_t nthemes;
	int keep_source_query;	/* publish a source URL's query string */
};

struct meta *meta_load(const char *path, struct muni_err *e);
struct meta *meta_parse(const char *json, size_t len, const char *source,
    struct muni_err *e);
void meta_free(struct meta *m);

/* Whether s is a dataset name: 1 to 64 of [a-z0-9-], not starting with -. */
int meta_name_ok(const char *s);

/*
 * Whether s is an absolute http(s) URL with a host, and no character a URL
 * cannot hold (space, control, quote, angle bracket): what the metadata,
 * --base-url and --schema-url accept, since pages link to them.
 */
int meta_url_ok(const char *s);

/*
 * The EU data themes of a schema by its name (schema.data.gouv.fr's
 * "subventions", "budget"...), NULL-ended, or NULL when none is known.
 */
const char *const *meta_schema_themes(const char *schema_name);

/* The English label of an EU data-theme code, or NULL when unknown. */
const char *meta_theme_label(const char *code);

/* The EU data-theme vocabulary's URI base. */
#define META_THEME_BASE \
	"http://publications.europa.eu/resource/authority/data-theme/"

/* The ADMS publisher-type vocabulary's URI base. */
#define META_PUBLISHER_TYPE_BASE "http://purl.org/adms/publishertype/"

/*
 * The ADMS licence types (purl.org/adms/licencetype) of a licence by its
 * SPDX id, space separated ("Attribution"), or NULL when unknown.
 */
const char *meta_license_types(const char *id);

/* A frequency word in French ("annual": "annuelle"), else the word. */
const char *meta_frequency_fr(const char *word);

/* The EU code of a frequency word ("annual": "ANNUAL"), or NULL. */
const char *meta_frequency_code(const char *word);

/* The EU frequency vocabulary's URI base. */
#define META_FREQUENCY_BASE \
	"http://publications.europa.eu/resource/authority/frequency/"

#endif
