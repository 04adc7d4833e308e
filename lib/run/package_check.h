/*
 * package_check: a publication validated as a whole, for CI jobs and portals: a
 * Data Package (datapackage.json) with every resource validated against its
 * schema (lib/run/validate_run), its declared bytes and hash checked in the
 * same read, its dialect and encoding honoured and its foreign keys resolved;
 * the metadata the loi Lemaire and data.gouv.fr expect; and, for a folder
 * written by muni-publish, its catalogue (catalog.rdf) and catalog.db held
 * against the files.
 *
 * Each resource is a report (a task); the descriptors' and catalogue's
 * findings are package reports (lib/report). Paths of a descriptor never
 * leave its folder; remote resources are fetched only when allowed.
 * package_check() returns the exit status: 0 when every report is valid, 1 when
 * one is not, 2 for a path that is not a package or a publication.
 */
#ifndef MUNI_PACKAGE_CHECK_H
#define MUNI_PACKAGE_CHECK_H

#include "base/err.h"
#include "run/validate_run.h"

struct package_check_options {
	struct validate_run_options v;	/* format, report, limits, diag, prog */
	int strict;		/* metadata rules are errors, not warnings */
	int allow_remote;	/* fetch resources given by URL */
};

/* Whether path is a folder or a Data Package descriptor (by content). */
int package_check_is_package(const char *path);
int package_check(const struct package_check_options *o, const char *path,
    struct muni_err *e);

/*
 * muni-validate's choice: the input as a package (forced, or when it is one)
 * checked by package_check(), else -1 for the caller to validate a table; the
 * package options on a table, or a package on standard input, are usage errors:
 * -2 with e set, for the caller to show its synopsis.
 */
int package_check_if_package(const struct package_check_options *o, int forced,
    struct muni_err *e);

#endif
