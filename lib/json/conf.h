/*
 * conf: what the loaders of muni's configuration files (mappings, rules)
 * share: the JSON path of the member being read, errors that name it
 * ("mapping 'm.json': columns[2].ops[0]: ..."), unknown keys refused, and
 * typed members read with their defaults. Every error is MUNI_EXIT_USAGE.
 */
#ifndef MUNI_CONF_H
#define MUNI_CONF_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "base/err.h"

struct conf {
	const char *kind;		/* "mapping", "rules" */
	const char *source;		/* the file as named */
	struct muni_err *e;
	char path[256];
};

/* Set e to the problem at the current path; returns -1. */
int conf_fail(struct conf *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Enter a member (".x") or an item ("[3]"); conf_leave() with the result. */
size_t conf_enter(struct conf *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void conf_leave(struct conf *l, size_t n);
/* Refuse the keys of obj not in allowed (space-separated). */
int conf_known_keys(struct conf *l, yajl_val obj, const char *allowed);
/* obj's member key: a string (copied; dflt copied when absent, or NULL). */
int conf_string(struct conf *l, yajl_val obj, const char *key, char **out,
    const char *dflt);
/* A whole number from min to max, dflt when absent. */
int conf_integer(struct conf *l, yajl_val obj, const char *key, long *out,
    long dflt, long min, long max);
/* A string, or a non-empty array of strings, copied. */
int conf_strings(struct conf *l, yajl_val v, char ***out, size_t *count);

/*
 * Read the file at path ("-": standard input) into out, at most max bytes;
 * errors name it as "cannot open KIND 'PATH'".
 */
struct buf;
int conf_read(const char *path, const char *kind, size_t max, struct buf *out,
    struct muni_err *e);
/*
 * The one loader of muni's configuration files (metadata, rules,
 * mappings): the file read whole by conf_read(), then its text handed to
 * parse with ctx; what parse returns, NULL with e on failure.
 */
typedef void *conf_parse_fn(const char *json, size_t len, const char *path,
    void *ctx, struct muni_err *e);
void *conf_load(const char *path, const char *kind, size_t max,
    conf_parse_fn *parse, void *ctx, struct muni_err *e);
/* Parse JSON text; NULL with the error (yajl's first line) set. */
yajl_val conf_parse(struct conf *l, const char *json, size_t len);

#endif
