/*
 * root: a publication's root as readers reach it: the catalog.rdf and
 * index.html of each generation, rendered from its catalogue (every
 * dataset's current version) when the generation is made. The base URL
 * and the catalogue's title are those catalog.db remembers, else the
 * defaults given here.
 */
#ifndef MUNI_ROOT_H
#define MUNI_ROOT_H

#include "base/err.h"
#include "publish/publication.h"

/* The catalogue's title when none was ever given. */
#define DEFAULT_TITLE "Données ouvertes"

struct root_defaults {
	const char *base_url;		/* NULL: none */
	const char *catalog_title;	/* NULL: DEFAULT_TITLE */
};

/*
 * publication_open() with the root's pages as the render hook; d must
 * outlive p. Returns what publication_open() returns.
 */
int root_open(struct publication *p, const char *root,
    const struct root_defaults *d, int create, int wait, struct muni_err *e);

#endif
