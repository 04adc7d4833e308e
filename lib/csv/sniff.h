/*
 * sniff: guess the encoding and the CSV dialect of an input from a bounded
 * sample of its first bytes (csvin reads at most CSVIN_SAMPLE bytes for it).
 *
 * Encoding, in this order:
 *   1. a byte order mark: EF BB BF is UTF-8, FF FE UTF-16LE, FE FF UTF-16BE;
 *   2. without one, NUL bytes at odd (even) offsets in more than a quarter
 *      of the byte pairs and almost none at the others: UTF-16LE (UTF-16BE);
 *   3. a sample that is valid UTF-8 (pure ASCII included) is UTF-8;
 *   4. otherwise any byte 0x80-0x9F means Windows-1252 (in ISO-8859 these
 *      are control codes no exporter writes);
 *   5. otherwise the eight bytes where ISO-8859-15 and Windows-1252 differ
 *      (A4 A6 A8 B4 B8 BC BD BE) are scored: one between two letters is a
 *      letter of ISO-8859-15 (the "oe" of "coeur", "Œuvre"), 0xA4 next to a
 *      digit or a space is its euro sign; any other use counts for
 *      Windows-1252. ISO-8859-15 wins only with a higher score; Windows-1252
 *      is the default, as it reads Latin-1 files identically.
 *
 * Delimiter: each of , ; TAB | is tried with libcsv on the sample (quote
 * aware). A candidate's score is the number of records whose field count is
 * the most common one, when that count is above 1; it is halved when the
 * header does not have that count. The highest score wins; ties go to the
 * larger field count, then to the order , ; TAB |. With no candidate above
 * one field per record, the file is one column and the delimiter is ','.
 *
 * Both functions are pure: no I/O, no allocation that outlives the call.
 */
#ifndef MUNI_SNIFF_H
#define MUNI_SNIFF_H

#include <stddef.h>

/*
 * Return the iconv name of the encoding ("UTF-8", "UTF-16LE", "UTF-16BE",
 * "WINDOWS-1252", "ISO-8859-15") and set *bom to the length of the byte
 * order mark found at the start (0 if none). at_eof says whether the sample
 * is the whole input (so a cut multibyte sequence at its end is an error).
 */
const char *sniff_encoding(const unsigned char *p, size_t n, int at_eof,
    size_t *bom);

/* Return the delimiter of the UTF-8 sample p[0..n). */
int sniff_delimiter(const char *p, size_t n, int at_eof);

/*
 * Length of the longest prefix of p[0..n) that is valid UTF-8. When the
 * input is cut inside a sequence that could still be completed, *partial
 * is set to 1 (the caller waits for more bytes); otherwise 0.
 */
size_t utf8_valid_prefix(const unsigned char *p, size_t n, int *partial);

/*
 * What speaks for UTF-8 in a sample that is not valid UTF-8: the number of
 * well-formed multibyte sequences in p[0..n), and in *first_bad the offset
 * of the first byte that is not UTF-8 (n if none).
 */
size_t sniff_utf8_evidence(const unsigned char *p, size_t n,
    size_t *first_bad);

/*
 * Whether the sample p[0..n) is text: NULL if so, else a phrase naming what
 * it is instead ("a PDF document", "a ZIP archive (...)", "binary data"),
 * with the offset of the first such byte in *off. NUL bytes and control
 * codes other than TAB, LF, VT, FF, CR (and a final Ctrl-Z) in more than
 * one byte in 100 of the sample are not text (binary formats are full of
 * them; a text may hold a stray one). For a sample already transcoded to
 * UTF-8, magic says whether to look for file signatures.
 */
const char *sniff_not_text(const unsigned char *p, size_t n, int magic,
    size_t *off);

#endif
