/*
 * opt: values of command-line options that several tools take, parsed in
 * one place so that every tool accepts and refuses the same spellings.
 * Each returns 0, or -1 with a message in e (status MUNI_EXIT_USAGE).
 */
#ifndef MUNI_OPT_H
#define MUNI_OPT_H

#include <getopt.h>
#include <stddef.h>

#include "base/err.h"

/* A byte count: digits with an optional K, M or G suffix (powers of 1024). */
int opt_size(const char *s, size_t min, size_t max, size_t *out,
    struct muni_err *e);
/* A count: a whole number from min to max, in digits. */
int opt_count(const char *s, size_t min, size_t max, size_t *out,
    struct muni_err *e);
/* The help lines of the reader's limits, the same in every tool's --help. */
#define OPT_READER_LIMITS_HELP \
    "      --max-field-size N   longest field accepted (default 1M)\n" \
    "      --max-input-size N   most bytes gzip or ZIP data may inflate to\n" \
    "                           (default 8G)\n" \
    "      --max-record-size N  longest record accepted (default 8M)\n"

/*
 * The options of the CSV input every tool reads: -d, -e (a delimiter is
 * one character, not a quote, CR or LF, or "tab") and the reader's limits
 * (muni(7) LIMITS). OPT_CSVIN_LONGOPTS goes in a tool's getopt_long
 * table; the tool's switch sends 'd', 'e' and OPT_CSVIN_LIMIT to
 * opt_csvin() with what getopt_long gave (c, the entry's index idx,
 * optarg). 0 when done, -1 with e for a bad value.
 */
#define OPT_CSVIN_LIMIT 0x4000	/* above every tool's own values */
#define OPT_CSVIN_LONGOPTS \
	{ "delimiter", required_argument, NULL, 'd' }, \
	{ "encoding", required_argument, NULL, 'e' }, \
	{ "max-field-size", required_argument, NULL, OPT_CSVIN_LIMIT }, \
	{ "max-input-size", required_argument, NULL, OPT_CSVIN_LIMIT }, \
	{ "max-record-size", required_argument, NULL, OPT_CSVIN_LIMIT }
struct csvin_options;
int opt_csvin(int c, const struct option *longopts, int idx, const char *arg,
    struct csvin_options *csv, struct muni_err *e);

#endif
