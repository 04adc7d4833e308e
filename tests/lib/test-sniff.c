#include <string.h>

#include "csv/sniff.h"
#include "tap.h"

static void
enc(const char *s, size_t n, const char *want, size_t want_bom,
    const char *what)
{
	size_t bom;
	const char *got = sniff_encoding((const unsigned char *)s, n, 1, &bom);

	if (!ok(strcmp(got, want) == 0 && bom == want_bom, "encoding: %s",
	    what))
		diag("got %s (bom %zu), want %s (bom %zu)", got, bom, want,
		    want_bom);
}

static void
delim(const char *s, int want, const char *what)
{
	int got = sniff_delimiter(s, strlen(s), 1);

	if (!ok(got == want, "delimiter: %s", what))
		diag("got '%c', want '%c'", got, want);
}

static void
utf8(const char *s, size_t n, size_t want, int want_partial,
    const char *what)
{
	int partial;
	size_t got = utf8_valid_prefix((const unsigned char *)s, n, &partial);

	if (!ok(got == want && partial == want_partial, "utf-8: %s", what))
		diag("got %zu (partial %d), want %zu (partial %d)", got,
		    partial, want, want_partial);
}

int
main(void)
{
	enc("\xEF\xBB\xBFnom;montant\n", 15, "UTF-8", 3, "UTF-8 BOM");
	enc("\xFF\xFEn\0o\0m\0", 8, "UTF-16LE", 2, "UTF-16LE BOM");
	enc("\xFE\xFF\0n\0o\0m", 8, "UTF-16BE", 2, "UTF-16BE BOM");
	enc("n\0o\0m\0,\0a\0\n\0", 12, "UTF-16LE", 0, "UTF-16LE by NULs");
	enc("\0n\0o\0m\0,\0a\0\n", 12, "UTF-16BE", 0, "UTF-16BE by NULs");
	enc("nom,montant\n", 12, "UTF-8", 0, "ASCII is UTF-8");
	enc("commune,Sèvres\n", 16, "UTF-8", 0, "valid UTF-8");
	enc("commune;S\xE8vres\n", 15, "WINDOWS-1252", 0,
	    "Latin letters default to Windows-1252");
	enc("objet;\x93" "f\xEAte\x94\n", 13, "WINDOWS-1252", 0,
	    "curly quotes 0x93/0x94 mean Windows-1252");
	enc("c\xBDur;s\xBDur;\xBCuvre\n", 17, "ISO-8859-15", 0,
	    "oe between letters means ISO-8859-15");
	enc("montant;100 \xA4\n", 14, "ISO-8859-15", 0,
	    "0xA4 after a number is the ISO-8859-15 euro");
	enc("note;\xBD point\n", 13, "WINDOWS-1252", 0,
	    "0xBD alone is one half in Windows-1252");
	enc("nom\x81;a\n", 7, "WINDOWS-1252", 0,
	    "an undefined 0x81 still says Windows-1252 (iconv rejects it)");

	delim("a,b,c\n1,2,3\n", ',', "comma");
	delim("a;b;c\n1;2;3\n", ';', "semicolon");
	delim("a\tb\tc\n1\t2\t3\n", '\t', "tab");
	delim("a|b|c\n1|2|3\n", '|', "pipe");
	delim("nom;montant;taux\nclub;100,5;0,5\nfete;20,25;0,25\n", ';',
	    "semicolons with decimal commas");
	delim("nom;objet\n\"a;b\";\"x,y,z\"\n\"c\";\"d\"\n", ';',
	    "quoted delimiters are not counted");
	delim("nom,objet\n\"a;b;c\",d\n\"e;f;g\",h\n", ',',
	    "semicolons inside quotes do not win");
	delim("commune\nParis\nLyon\n", ',', "one column");
	delim("a;b\n\"x\ny\";z\n", ';', "embedded newline in a quoted field");
	delim("", ',', "empty input");

	utf8("abc", 3, 3, 0, "ASCII");
	utf8("\xC3\xA9t\xC3\xA9", 5, 5, 0, "two-byte sequences");
	utf8("ab\xC3", 3, 2, 1, "cut two-byte sequence is partial");
	utf8("ab\xE2\x82", 4, 2, 1, "cut three-byte sequence is partial");
	utf8("ab\xE9z", 4, 2, 0, "Latin-1 byte is invalid");
	utf8("\xC0\xAF", 2, 0, 0, "overlong encoding is invalid");
	utf8("\xED\xA0\x80", 3, 0, 0, "UTF-16 surrogate is invalid");
	utf8("\xF4\x90\x80\x80", 4, 0, 0, "beyond U+10FFFF is invalid");
	utf8("\xF0\x9F\x98\x80", 4, 4, 0, "four-byte sequence");
	utf8("0123456789abcdef\xC3\xA9", 18, 18, 0, "after a long ASCII run");
	return done_testing();
}
