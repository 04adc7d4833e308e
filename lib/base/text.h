/*
 * text: UTF-8 text made safe for what muni writes for people and parsers
 * (reports, messages, pages): cut only between characters, characters
 * that XML 1.0 forbids and control codes made visible, spreadsheet
 * formulas neutralised.
 *
 * Pure functions over (pointer, length) pairs; the ones that append
 * return -1 when the buffer cannot grow, as buf does.
 */
#ifndef MUNI_TEXT_H
#define MUNI_TEXT_H

#include <stddef.h>

#include "base/buf.h"

/* The ellipsis that marks elided text. */
#define TEXT_ELLIPSIS "\xe2\x80\xa6"

/*
 * The longest prefix of p[0..n) of at most max bytes that ends between two
 * characters (a UTF-8 sequence is never cut).
 */
size_t text_cut(const char *p, size_t n, size_t max);
/* Drop an incomplete UTF-8 sequence at the end of s (snprintf's cut). */
void text_fix_end(char *s);
/*
 * Append p[0..n) with what XML 1.0 forbids or a terminal would obey made
 * visible: U+0000-U+001F but TAB, LF and CR, U+007F, U+FFFE and U+FFFF as
 * "\u0001"; a byte that is not UTF-8 as "\xFF". With oneline, TAB, LF and
 * CR become spaces too. The result is valid UTF-8 with no NUL.
 */
int text_visible(struct buf *out, const char *p, size_t n, int oneline);
/*
 * A cell a spreadsheet would run as a formula: it starts with = + - @,
 * TAB or CR (OWASP's rule on CSV injection).
 */
int text_is_formula(const char *p, size_t n);
/* Append p[0..n) as text_visible(), after a "'" when it is a formula. */
int text_cell(struct buf *out, const char *p, size_t n);

#endif
