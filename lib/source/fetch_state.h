/*
 * fetch_state: what muni-fetch --state remembers of each URL, in a SQLite
 * database (created when missing, shared safely by jobs run side by
 * side): the server's validators as it sent them (never the local clock),
 * the size and SHA-256 of the last download, the encoding and delimiter
 * found in it.
 */
#ifndef MUNI_FETCH_STATE_H
#define MUNI_FETCH_STATE_H

#include "base/err.h"

struct fetch_state {
	int found;			/* the URL was fetched before */
	char etag[256];
	char last_modified[64];
	unsigned long long bytes;
	char sha256[65];
	char encoding[64];
	char delimiter[8];
};

/* What path remembers of url (found = 0 when nothing). */
int fetch_state_load(const char *path, const char *url, struct fetch_state *s,
    struct muni_err *e);
/* Remember s for url, replacing what was there. */
int fetch_state_save(const char *path, const char *url,
    const struct fetch_state *s, struct muni_err *e);

#endif
