/*
 * publish_run: one muni-publish run. The data is validated
 * (lib/run/validate_run, as muni-validate does) while it is written, hashed and
 * compressed in a temporary folder beside the publication; the gate refuses it
 * (nothing changes on disk) when it does not validate, when the anonymization
 * report does not pass, or when the metadata declares personal data without a
 * legal basis. A version identical in data and metadata to the current one is
 * not published again.
 *
 * The layout under the root (DESIGN.md, muni-publish(1)):
 *
 *   ROOT/NAME -> .muni/NAME/live-STAMP      the one symbolic link swapped
 *   ROOT/.muni/NAME/STAMP/                  a version's files, immutable
 *   ROOT/.muni/NAME/STAMP.idx               its rows, for the next changelog
 *   ROOT/.muni/NAME/live-STAMP/             hard links to STAMP's files
 *                                           and versions/S -> ../../S
 *   ROOT/catalog.db, catalog.rdf, index.html
 *
 * Order of a publication, each step synced before the next: the version's
 * folder, its live view, the row in catalog.db, the link swapped by
 * rename, the root's catalogue and page. A run killed anywhere leaves the
 * previous publication whole; the next run (any run, --list included)
 * completes or removes what the killed one left, under the root's lock.
 *
 * prun_*() return the exit status; messages about the data go to the
 * note callback, set-up failures to e.
 */
#ifndef MUNI_PUBLISH_RUN_H
#define MUNI_PUBLISH_RUN_H

#include "base/err.h"
#include "csv/csvin.h"

struct publish_run_options {
	struct csvin_options csv;
	const char *input;		/* path or "-" */
	const char *schema;		/* path or URL */
	const char *schema_url;		/* what the descriptor points to */
	const char *meta;
	const char *root;
	const char *base_url;		/* NULL: relative URLs */
	const char *catalog_title;
	const char *provenance;
	const char *anonymization_report;
	const char *diff;
	const char *datagouv;		/* dataset id, for --to datagouv:ID */
	const char *api_url;
	const char *api_key_file;
	int private_dataset;
	int gzip, allow_invalid, wait, summary;
	size_t keep;			/* 0: every version */
	const char *prog;
	muni_note_fn *note;
	void *note_ctx;
	/* The validation report for standard error (validate_run's diag). */
	int (*diag)(void *ctx, const char *text, size_t len);
	void *diag_ctx;
};

/*
 * --to TARGET: a folder (root), or datagouv:ID (which needs the key file,
 * and cannot be listed); -1 with a usage error in e.
 */
int publish_run_target(struct publish_run_options *o, const char *to,
    int listing, struct muni_err *e);
int publish_run(const struct publish_run_options *o, struct muni_err *e);
/* --list: every dataset's current version, a line each, appended to out. */
struct buf;
int publish_run_list(const struct publish_run_options *o, struct buf *out,
    struct muni_err *e);
/* --history NAME: every version of a dataset, newest first. */
int publish_run_history(const struct publish_run_options *o, const char *name,
    struct buf *out, struct muni_err *e);

#endif
