/*
 * publish_version: what muni-publish settles about a version before it
 * writes one: the documents it reads (schema, provenance, anonymization
 * report: a file or a URL, a JSON object), the primary key, the version's
 * number and time, and the anonymization gate.
 */
#ifndef MUNI_PUBLISH_VERSION_H
#define MUNI_PUBLISH_VERSION_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "base/buf.h"
#include "base/err.h"
#include "publish/catalog.h"
#include "schema/schema.h"

/* The most a schema or a report may hold. */
#define SCHEMA_MAX_BYTES ((size_t)16 << 20)

/* Read a file or URL whole (schemas, reports, provenance); -1 with e. */
int version_read_doc(const char *path, const char *kind, struct buf *out,
    struct muni_err *e);
/* b parsed as a JSON object; NULL with e (status 2) when it is not one. */
yajl_val version_parse_doc(const struct buf *b, const char *kind,
    const char *path, struct muni_err *e);
/* The fields of the primary key, and their names as a CSV record. */
int version_primary_key(const struct schema *schema, size_t **key,
    size_t *nkey, struct buf *names);
/*
 * The version number after cur (when found): a schema change is a major
 * version, a data change a minor one, metadata alone a patch.
 */
void version_number(const struct cat_version *cur, int found,
    const char *schema_sha, const char *sha, char out[32]);
/*
 * The time of the new version: now (or SOURCE_DATE_EPOCH, never later
 * than now), later than the current version's by a second at least,
 * and never in the future: a run that comes within the same second waits
 * for the next. A current version more than a few seconds ahead of the
 * clock (the clock was set back) is an error rather than a long wait.
 */
int version_time(const struct cat_version *cur, int found, char stamp[32],
    char iso[32], struct muni_err *e);
/*
 * The anonymization report at path (NULL: none given) binds its verdict
 * to the bytes muni-anonymize wrote (its output's SHA-256): a passing
 * report made for other data, a report that does not pass, an audit's
 * (bound to no output) or a report that cannot be read publishes nothing
 * (status 1). sha is what is being published; v gets the verdict, the
 * report's own SHA-256 and key id.
 */
int version_anonymization(const char *path, const char *sha,
    struct cat_version *v, struct muni_err *e);

#endif
