/*
 * json: the few yajl calls muni's JSON is made of, spelled once: the
 * generator calls of what it writes (provenance records, reports; numbers
 * written from their decimal text), and the member look-up of what it
 * reads as a tree (schemas, JSON cells).
 */
#ifndef MUNI_JSON_H
#define MUNI_JSON_H

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "base/buf.h"

/* A generator that indents by two spaces; NULL when out of memory. */
yajl_gen json_new(void);
/* Append what g generated to out and free g; -1 on failure. */
int json_finish(yajl_gen g, struct buf *out);

/*
 * Where a generator of json_new_out() prints: appended to buf as it is made,
 * so that a caller can hand buf's content on while generating and write
 * text of its own between the generator's calls (json_put_str). failed is
 * set when an append fails. It must outlive the generator.
 */
struct json_out {
	struct buf *buf;
	int failed;
};
/* A generator of json_new()'s layout printing to o; NULL when out of memory. */
yajl_gen json_new_out(struct json_out *o);
/*
 * Append the n bytes of s to out as a JSON string, quoted and escaped byte
 * for byte as yajl writes it (control characters as \u00XX, upper-case;
 * '/' and the bytes from 0x7F as they are); -1 when out cannot grow.
 */
int json_put_str(struct buf *out, const char *s, size_t n);

void json_str(yajl_gen g, const char *s);
/* n bytes of s, NULs included (written as \u0000). */
void json_strn(yajl_gen g, const char *s, size_t n);
void json_key_str(yajl_gen g, const char *key, const char *value);
void json_key_uint(yajl_gen g, const char *key, unsigned long long value);
void json_key_bool(yajl_gen g, const char *key, int value);

/*
 * The deepest nesting of objects and arrays read as a tree: yajl builds
 * and frees trees by recursion, which a document nested 400,000 levels
 * deep would overflow the stack with.
 */
#define JSON_MAX_DEPTH 64

/*
 * yajl_tree_parse() of the NUL-terminated text, refusing (NULL, with
 * "nesting deeper than 64 levels at PATH" in errbuf) a document nested
 * deeper than JSON_MAX_DEPTH before any tree is built. errbuf may be NULL.
 */
yajl_val json_parse(const char *text, char *errbuf, size_t errlen);

/* Write the tree v (as yajl_tree_parse made it) with g; -1 on failure. */
int json_tree(yajl_gen g, yajl_val v);

/* The member key of obj, or NULL (also when obj is not an object). */
yajl_val json_member(yajl_val obj, const char *key);

#endif
