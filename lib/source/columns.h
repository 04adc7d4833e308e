/*
 * columns: the columns of a source whose records name their values (JSON
 * objects, XML elements): the union of the names, in the order first seen,
 * each with its index. Bounded: CSVIN_MAX_FIELDS names, 64 MiB of them.
 */
#ifndef MUNI_COLUMNS_H
#define MUNI_COLUMNS_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "schema/keyset.h"

struct columns {
	struct keyset index;
	struct buf names;
	size_t *off, n, cap;
};

void columns_init(struct columns *c);
void columns_release(struct columns *c);
/* The index of name, or -1 when absent. */
long columns_find(const struct columns *c, const char *name, size_t len);
/* The index of name, added when absent; -1 when over the limits. */
long columns_add(struct columns *c, const char *name, size_t len);
const char *columns_name(const struct columns *c, size_t i, size_t *len);

/*
 * muni-fetch --records PATH cut into its steps, the names from the
 * document's top to a record: what of lead starts it is skipped ("/" for
 * XML; "/.$" for JSON), steps are separated by runs of seps. At most max
 * steps of at most COLUMNS_STEP_MAX - 1 bytes into steps; their count, or
 * -1 with a usage error in e.
 */
#define COLUMNS_STEP_MAX 256
long columns_records_path(const char *path, const char *lead,
    const char *seps, char (*steps)[COLUMNS_STEP_MAX], size_t max,
    struct muni_err *e);

#endif
