/*
 * ods: the rows of one table of an OpenDocument spreadsheet (.ods),
 * read from content.xml as sheet expects them. Values by their
 * office:value-type: numbers (float, percentage, currency) from
 * office:value with exponents expanded, dates and times as ISO 8601
 * (PT12H30M00S becomes 12:30:00), booleans as true and false, text from
 * its paragraphs (joined by line breaks; <text:s text:c>, tabs, line
 * breaks and spans kept; annotations left out). Repeated cells and rows
 * are expanded only where they hold a value; a spanned cell's range is a
 * merge (filled with --fill-merged, else its covered cells are empty).
 * Tables hidden by their style are skipped by default.
 */
#ifndef MUNI_ODS_H
#define MUNI_ODS_H

#include "base/buf.h"
#include "base/err.h"
#include "source/sheet.h"
#include "source/zip.h"

/* Whether the archive is an OpenDocument spreadsheet. */
int ods_is(struct zip *z);
int ods_list(struct zip *z, const char *file, struct buf *out,
    struct muni_err *e);
struct sheet *ods_open(struct zip *z, const char *file,
    const struct sheet_pick *pick, const struct sheet_options *o,
    struct muni_err *e);

#endif
