#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/exitcode.h"
#include "csv/csvin.h"
#include "fe/opt.h"
#include "base/banned.h"

int
opt_size(const char *s, size_t min, size_t max, size_t *out,
    struct muni_err *e)
{
	unsigned long long v, mult = 1;
	char *end;

	if (*s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	if (*end == 'K' || *end == 'k')
		mult = 1ULL << 10;
	else if (*end == 'M' || *end == 'm')
		mult = 1ULL << 20;
	else if (*end == 'G' || *end == 'g')
		mult = 1ULL << 30;
	if (mult > 1)
		end++;
	if (*end != '\0' || v > max / mult || v * mult < min)
		goto bad;
	*out = (size_t)(v * mult);
	return 0;
bad:
	err_set(e, MUNI_EXIT_USAGE, "'%s' is not a size between %zu and %zu "
	    "bytes (digits, optionally followed by K, M or G)", s, min, max);
	return -1;
}

/* A limit of the reader, by the option's long name, into csv. */
static int
opt_reader_limit(const char *name, const char *s, struct csvin_options *csv,
    struct muni_err *e)
{
	size_t v;

	if (strcmp(name, "max-field-size") == 0) {
		if (opt_size(s, 1, (size_t)1 << 30, &v, e) < 0)
			return -1;
		csv->max_field = v;
	} else if (strcmp(name, "max-record-size") == 0) {
		if (opt_size(s, 1, (size_t)1 << 30, &v, e) < 0)
			return -1;
		csv->max_record = v;
	} else if (strcmp(name, "max-input-size") == 0) {
		if (opt_size(s, 1, (size_t)1 << 40, &v, e) < 0)
			return -1;
		csv->max_input = v;
	} else
		return 1;
	return 0;
}

/* A delimiter: one character (not a quote, CR or LF), or "tab". */
static int
opt_delimiter(const char *s, int *out, struct muni_err *e)
{
	if (strcasecmp(s, "tab") == 0 || strcmp(s, "\\t") == 0) {
		*out = '\t';
		return 0;
	}
	if (strlen(s) == 1 && (unsigned char)s[0] < 0x80 && s[0] != '"' &&
	    s[0] != '\r' && s[0] != '\n') {
		*out = (unsigned char)s[0];
		return 0;
	}
	err_set(e, MUNI_EXIT_USAGE, "'%s' is not a delimiter: give one "
	    "ASCII character other than a quote, or 'tab'", s);
	return -1;
}

int
opt_count(const char *s, size_t min, size_t max, size_t *out,
    struct muni_err *e)
{
	unsigned long long v = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && v <= max; p++)
		v = v * 10 + (unsigned)(*p - '0');
	if (p == s || *p != '\0' || v < min || v > max) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is not a whole number from "
		    "%zu to %zu", s, min, max);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int
opt_csvin(int c, const struct option *longopts, int idx, const char *arg,
    struct csvin_options *csv, struct muni_err *e)
{
	switch (c) {
	case 'd':
		return opt_delimiter(arg, &csv->delimiter, e);
	case 'e':
		csv->encoding = arg;
		return 0;
	case OPT_CSVIN_LIMIT:
		return opt_reader_limit(longopts[idx].name, arg, csv, e) < 0 ?
		    -1 : 0;
	default:
		err_set(e, MUNI_EXIT_INTERNAL, "option %d is not an input "
		    "option", c);
		return -1;
	}
}
