/*
 * profile: what each column of a table holds, computed row by row in the
 * pass that publishes it, in memory that does not grow with the rows
 * (about 1 MiB a column), for the landing page's charts and catalog.db:
 *
 *   - every column: rows, filled cells (not a missing value), cells its
 *     type does not read (invalid), distinct values (their text as
 *     written): exact up to PROFILE_COUNTERS of them, beyond that a
 *     HyperLogLog estimate (2^12 registers: about 1.6 % off);
 *   - text (string and any type that is not one of the below): the
 *     PROFILE_TOP most frequent values and their counts, by the
 *     Space-Saving algorithm over PROFILE_COUNTERS counters: exact while
 *     the column has no more distinct values than counters, else each
 *     count is over the true one by at most the smallest count kept;
 *   - numbers (number, integer, year) and times (date, datetime,
 *     yearmonth, time): exact minimum, maximum and mean (numbers), and a
 *     median and a histogram of PROFILE_BINS equal bins from the minimum
 *     to the maximum, exact from the values themselves up to
 *     PROFILE_SAMPLE of them, beyond that from a uniform sample of that
 *     many (reservoir sampling, a fixed seed: the same file gives the same
 *     profile), the histogram's counts scaled to the values;
 *   - booleans: the true and false values.
 *
 * The result is JSON (profile_json()), each estimate flagged as such.
 *
 * With MUNI_TEST_NO_PROFILE set, muni-publish adds no row to the profiles
 * and the map (the pages then show empty columns): scripts/bench-publish
 * measures what they cost with it. Never for a real publication.
 */
#ifndef MUNI_PROFILE_H
#define MUNI_PROFILE_H

#include <yajl/yajl_gen.h>

#include "csv/csvin.h"
#include "schema/schema.h"

#define PROFILE_TOP 10
#define PROFILE_COUNTERS 1024
#define PROFILE_SAMPLE 65536
#define PROFILE_BINS 20
/* The bytes of a value kept to be shown (a longer one is cut, with "…"). */
#define PROFILE_VALUE_MAX 120

struct profile;

/* A profile of the columns of schema s (which must outlive it), or NULL. */
struct profile *profile_new(const struct schema *s);
/* The header record: which column is which field. */
void profile_header(struct profile *p, const struct record *rec);
/* A data record: 0, or -1 when out of memory. */
int profile_add(struct profile *p, const struct record *rec);
/*
 * The profile as a JSON array, a member per column in the schema's order:
 * {"name", "type", "kind" ("text", "number", "time", "boolean", "other"),
 * "rows", "filled", "invalid", "distinct", "distinct_exact", then by kind
 * "top" [{"value", "count"}] and "top_exact"; "min", "max", "mean",
 * "median", "exact", "histogram" {"from", "to", "counts"}; "true",
 * "false"}. Times are written as the type writes them (2024-05-01).
 */
int profile_json(struct profile *p, yajl_gen g);
void profile_free(struct profile *p);

#endif
