/*
 * fetch_run_impl.h: what fetch_run.c shares with fetch_run_geo.c, and
 * nothing else includes: the state of one run, the copy of a reader's
 * records to the output, and the geodata readers' entry points
 * (shapefiles, GeoJSON geometry as WKT or centroids).
 */
#ifndef MUNI_FETCH_RUN_IMPL_H
#define MUNI_FETCH_RUN_IMPL_H

#include "base/digest.h"
#include "base/err.h"
#include "csv/csvin.h"
#include "csv/csvout.h"
#include "run/fetch_run.h"
#include "source/jsonrec.h"
#include "source/provenance.h"

/* What one run has read, for the provenance record. */
struct run {
	const struct fetch_run_options *o;
	struct csvout out;
	struct digest d;
	int hashing;			/* d sees the raw input */
	unsigned long long bytes;	/* raw input bytes */
	char tmp[4096];			/* a temporary file, or "" */
	char download[4096];		/* a URL downloaded, or "" */
	const char *local;		/* the file read: input or download */
	char member[4096];		/* a ZIP member extracted, or "" */
	char layer[4096];		/* a folder holding a zipped
					 * shapefile's files, or "" */
	char sheet[1024];		/* the sheet read, for provenance */
	char crs[128];			/* geodata's CRS, for provenance */
	struct pager_result pages;	/* an API's */
	char *source;			/* the input, without credentials */
	struct provenance p;
};

/* A reader's next record: 1, 0 at the end, -1 with e. */
typedef int fetch_run_next(void *reader, struct record **rec,
    struct muni_err *e);

/* Copy the records next gives to the output: the exit status. */
int fetch_run_copy(struct run *r, void *reader, fetch_run_next *next,
    struct muni_err *e);
/* Geodata's CRS (NULL: unknown) and its reprojection, for provenance. */
void fetch_run_note_crs(struct run *r, const char *crs);
/* The encoding a .cpg file beside path.dbf names, or NULL. */
const char *fetch_run_cpg(const char *path, char out[64]);

/* --geometry, --to-wgs84 and --crs for a format that has geometry. */
int fetch_run_geometry_options(struct run *r, enum fetch_run_format format,
    struct muni_err *e);
/* The shapefile at path (its .dbf, .shx, .prj beside it). */
int fetch_run_shp(struct run *r, const char *path, struct muni_err *e);
/* GeoJSON's records, its geometry as WKT or centroids (--geometry). */
int fetch_run_json_geometry(struct run *r, struct jsonrec *s,
    struct muni_err *e);

#endif
