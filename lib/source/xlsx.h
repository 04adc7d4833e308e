/*
 * xlsx: the rows of one sheet of an Office Open XML workbook (.xlsx),
 * transitional or strict, read as sheet expects them.
 *
 * The workbook is found through the package relationships, its sheets
 * through workbook.xml and its relationships (never by guessing a part
 * name). Values come out as text:
 *   - shared and inline strings, rich-text runs joined, phonetic runs left
 *     out, _xHHHH_ escapes decoded;
 *   - booleans as true and false; formulas by their cached value;
 *   - error cells (#DIV/0!, #N/A...) empty, with a warning naming the cell;
 *   - numbers as written in the file, exponents expanded (a SIRET stored
 *     as 3.2402138500000E+13 comes out 32402138500000);
 *   - numbers whose style is a date, time or date-time format (built-in
 *     formats 14-22, 27-36, 45-47, 50-58, 71-81, and custom formats with
 *     date or time tokens outside quotes and brackets) as YYYY-MM-DD,
 *     HH:MM:SS or YYYY-MM-DDTHH:MM:SS, in the workbook's date system (1900,
 *     where serial 60 is Excel's false 29 February 1900 and is kept as a
 *     number with a warning, or 1904).
 */
#ifndef MUNI_XLSX_H
#define MUNI_XLSX_H

#include "base/buf.h"
#include "base/err.h"
#include "source/sheet.h"
#include "source/zip.h"

/* Whether the archive is a workbook (it has xl/workbook.xml or rels). */
int xlsx_is(const struct zip *z);
/* The sheets, one a line: name, then a tab and "hidden" when it is. */
int xlsx_list(struct zip *z, const char *file, struct buf *out,
    struct muni_err *e);
/* The sheet picked; the source takes z (freed with the sheet). */
struct sheet *xlsx_open(struct zip *z, const char *file,
    const struct sheet_pick *pick, const struct sheet_options *o,
    struct muni_err *e);

#endif
