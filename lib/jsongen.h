/*
 * jsongen: the few yajl_gen calls every JSON muni writes is made of
 * (provenance records, reports), so they are spelled once. Numbers are
 * written from their decimal text, as JSON wants them.
 */
#ifndef MUNI_JSONGEN_H
#define MUNI_JSONGEN_H

#include <yajl/yajl_gen.h>

#include "buf.h"

/* A generator that indents by two spaces; NULL when out of memory. */
yajl_gen jg_new(void);
/* Append what g generated to out and free g; -1 on failure. */
int jg_finish(yajl_gen g, struct buf *out);

void jg_str(yajl_gen g, const char *s);
void jg_key_str(yajl_gen g, const char *key, const char *value);
void jg_key_uint(yajl_gen g, const char *key, unsigned long long value);
void jg_key_bool(yajl_gen g, const char *key, int value);

#endif
