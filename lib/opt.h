/*
 * opt: values of command-line options that several tools take, parsed in
 * one place so that every tool accepts and refuses the same spellings.
 * Each returns 0, or -1 with a message in e (status MUNI_EXIT_USAGE).
 */
#ifndef MUNI_OPT_H
#define MUNI_OPT_H

#include <stddef.h>

#include "err.h"

/* A byte count: digits with an optional K, M or G suffix (powers of 1024). */
int opt_size(const char *s, size_t min, size_t max, size_t *out,
    struct muni_err *e);
/* A count: a whole number from min to max, in digits. */
int opt_count(const char *s, size_t min, size_t max, size_t *out,
    struct muni_err *e);
/* A delimiter: one character (not a quote, CR or LF), or "tab". */
int opt_delimiter(const char *s, int *out, struct muni_err *e);

#endif
