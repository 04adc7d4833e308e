/*
 * datagouv: pushing a published file to data.gouv.fr through its API (udata,
 * https://doc.data.gouv.fr/api/): the CSV replaces the file of the
 * dataset's resource of the same title (its id, and so its permalink,
 * stay), or becomes a new resource; the resource's title, format and
 * schema, and the dataset's "private" flag, are then sent explicitly. The
 * upload is skipped when the resource's checksum (sha256 or sha1) already
 * equals the file's.
 *
 * Answers of the API are judged here: 401 and 403 (the key), 404 (the
 * dataset) are MUNI_EXIT_USAGE; other failures MUNI_EXIT_IO, with the
 * server's message when it gives one.
 */
#ifndef MUNI_DATAGOUV_H
#define MUNI_DATAGOUV_H

#include "base/err.h"

struct datagouv_upload {
	const char *api_url;		/* https://www.data.gouv.fr/api/1 */
	const char *dataset;		/* the dataset's id or slug */
	const char *key_file;
	const char *file;		/* the CSV to send */
	const char *title;		/* the resource's title: NAME.csv */
	const char *description;
	const char *sha256;		/* of file */
	const char *schema_url;		/* or NULL */
	int private_dataset;
};

/* 1 uploaded, 0 unchanged (skipped), -1 error. */
int datagouv_upload(const struct datagouv_upload *u, char resource_id[128],
    struct muni_err *e);

#endif
