/*
 * freetext: the values written to an enum field that are not among its
 * values (muni-transform --auto --explain), counted, and the lookup table
 * a steward fills in to map them: value, count, and a column named after
 * the field, empty where a value is to be chosen, filled in for the
 * values already in the enum; then the enum's values not seen, count 0,
 * so that a later export's map to themselves.
 *
 * At most FREETEXT_MAX distinct values, FREETEXT_BYTES in all: past that
 * the column is over, free text no table filled by hand can map.
 */
#ifndef MUNI_FREETEXT_H
#define MUNI_FREETEXT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "schema/keyset.h"
#include "schema/schema.h"

#define FREETEXT_MAX 10000
#define FREETEXT_BYTES ((size_t)1 << 20)

struct freetext {
	struct keyset set;	/* value -> its index + 1 */
	struct buf text;	/* the values, one after another */
	size_t *off;		/* where value i starts in text; off[n] the end */
	unsigned long long *count;
	size_t n;
	int over;
};

struct freetext_value {
	const char *p;
	size_t n;
	unsigned long long count;
};

/* Whether p[0..n) is one of the enum values of f, as written. */
int freetext_in_enum(const struct schema_field *f, const char *p, size_t n);
/* Count a value (a zeroed struct freetext is an empty one). */
void freetext_add(struct freetext *d, const char *p, size_t n);
/* The values, the most frequent first (free() it); NULL out of memory. */
struct freetext_value *freetext_sorted(const struct freetext *d);
/*
 * The lookup table of field f, its values v (freetext_sorted()), written
 * to path unless a file is there (a table being filled in is never
 * replaced): 1 written, 0 kept, -1 with e.
 */
int freetext_table(const struct freetext *d, const struct freetext_value *v,
    const struct schema_field *f, const char *path, struct muni_err *e);
void freetext_release(struct freetext *d);

#endif
