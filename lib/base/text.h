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

/* Whether p holds n > 0 ASCII digits and nothing else. */
int text_all_digits(const char *p, size_t n);

/*
 * The letter a Latin-1 letter (U+00C0 to U+00FF, whose UTF-8 is 0xC3 then
 * second) is without its accent, as Unicode's NFD then the removal of the
 * combining marks gives it: 'E' for \u00c9, 'e' for \u00e9; 0 for what NFD
 * leaves whole (\u00c6, \u00d0, \u00d7, \u00d8, \u00de, \u00df and their
 * small letters, \u00f7). The one accent-folding table of muni.
 */
int text_latin1_base(unsigned char second);

#endif
