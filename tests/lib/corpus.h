/*
 * corpus.h: the unit tests' access to ../shared/corpus (or $MUNI_CORPUS):
 * read a JSON file of it whole and parse it. NULL when the file is absent
 * (the caller skips, naming path) or does not parse.
 */
#ifndef MUNI_TEST_CORPUS_H
#define MUNI_TEST_CORPUS_H

#include <stdio.h>
#include <stdlib.h>
#include <yajl/yajl_tree.h>

#include "base/buf.h"

static yajl_val __attribute__((unused))
corpus_json(const char *relative, char *path, size_t cap, int *absent)
{
	const char *corpus = getenv("MUNI_CORPUS");
	char chunk[65536];
	struct buf text;
	yajl_val root;
	size_t n;
	FILE *f;

	snprintf(path, cap, "%s/%s", corpus ? corpus : "../shared/corpus",
	    relative);
	f = fopen(path, "rb");
	*absent = f == NULL;
	if (f == NULL)
		return NULL;
	buf_init(&text, 1 << 26);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&text, chunk, n);
	fclose(f);
	root = yajl_tree_parse(text.ptr, NULL, 0);
	buf_release(&text);
	return root;
}

#endif
