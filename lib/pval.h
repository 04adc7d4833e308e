/*
 * pval: a publication validated as a whole, for CI jobs and portals: a
 * Data Package (datapackage.json) with every resource validated against
 * its schema (lib/vrun), its declared bytes and hash checked in the same
 * read, its dialect and encoding honoured and its foreign keys resolved;
 * the metadata the loi Lemaire and data.gouv.fr expect; and, for a folder
 * written by muni-publish, its catalogue (catalog.rdf) and catalog.db
 * held against the files.
 *
 * Each resource is a report (a task); the descriptors' and catalogue's
 * findings are package reports (lib/report). Paths of a descriptor never
 * leave its folder; remote resources are fetched only when allowed.
 * pval() returns the exit status: 0 when every report is valid, 1 when
 * one is not, 2 for a path that is not a package or a publication.
 */
#ifndef MUNI_PVAL_H
#define MUNI_PVAL_H

#include "err.h"
#include "vrun.h"

struct pval_options {
	struct vrun_options v;	/* format, report, limits, diag, prog */
	int strict;		/* metadata rules are errors, not warnings */
	int allow_remote;	/* fetch resources given by URL */
};

/* Whether path is a folder or a Data Package descriptor (by content). */
int pval_is_package(const char *path);
int pval(const struct pval_options *o, const char *path, struct muni_err *e);

/*
 * muni-validate's choice: the input as a package (forced, or when it is
 * one) checked by pval(), else -1 for the caller to validate a table; the
 * package options on a table, or a package on standard input, are usage
 * errors: -2 with e set, for the caller to show its synopsis.
 */
int pval_if_package(const struct pval_options *o, int forced,
    struct muni_err *e);

#endif
