#include <csv.h>
#include <stdint.h>
#include <string.h>

#include "csv/sniff.h"
#include "base/banned.h"

size_t
utf8_valid_prefix(const unsigned char *p, size_t n, int *partial)
{
	size_t i = 0, need, k;
	unsigned c, lo, hi;

	*partial = 0;
	while (i < n) {
		/* ASCII runs are the common case: test eight bytes at once. */
		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		/* Two-byte letters (é, è, à...) are most of French text. */
		if (c >= 0xC2 && c <= 0xDF && i + 1 < n) {
			if ((p[i + 1] & 0xC0) != 0x80)
				return i;
			i += 2;
			continue;
		}
		lo = 0x80;
		hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;	/* no UTF-16 surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			return i;
		for (k = 1; k <= need; k++) {
			if (i + k >= n) {
				*partial = 1;
				return i;
			}
			if (p[i + k] < lo || p[i + k] > hi)
				return i;
			lo = 0x80;
			hi = 0xBF;
		}
		i += need + 1;
	}
	return i;
}

size_t
sniff_utf8_evidence(const unsigned char *p, size_t n, size_t *first_bad)
{
	size_t i = 0, ok, seqs = 0, k;
	int partial;

	*first_bad = n;
	while (i < n) {
		ok = utf8_valid_prefix(p + i, n - i, &partial);
		for (k = i; k < i + ok; k++)
			seqs += p[k] >= 0xC0;	/* a lead byte */
		i += ok;
		if (i < n) {
			if (partial)
				break;		/* cut by the end of the sample */
			if (*first_bad == n)
				*first_bad = i;
			i++;
		}
	}
	return seqs;
}

const char *
sniff_not_text(const unsigned char *p, size_t n, int magic, size_t *off)
{
	static const struct {
		const char *sig;
		size_t len;
		const char *what;
	} sigs[] = {
		{ "%PDF-", 5, "a PDF document" },
		{ "\x1f\x8b", 2, "gzip data inside gzip data (compressed twice)" },
		{ "PK\x03\x04", 4, "a ZIP archive (an XLSX or ODS spreadsheet, "
		    "a zipped file: muni-fetch reads those)" },
		{ "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "an old Office "
		    "document (an XLS spreadsheet: save it as XLSX or CSV)" },
		{ "SQLite format 3", 16, "a SQLite database (muni-fetch reads "
		    "its tables)" },
		{ "\x89PNG\r\n\x1a\n", 8, "a PNG image" },
		{ "\xff\xd8\xff", 3, "a JPEG image" },
		{ "GIF87a", 6, "a GIF image" },
		{ "GIF89a", 6, "a GIF image" },
		{ "\xfd" "7zXZ", 6, "xz-compressed data" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd-compressed data" },
		{ "7z\xbc\xaf\x27\x1c", 6, "a 7-Zip archive" },
		{ "Rar!\x1a\x07", 6, "a RAR archive" },
	};
	size_t i, ctl = 0, first = n;

	*off = 0;
	for (i = 0; magic && i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (n >= sigs[i].len && memcmp(p, sigs[i].sig, sigs[i].len) == 0)
			return sigs[i].what;
	if (magic && n >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' &&
	    p[3] <= '9' && memcmp(p + 4, "1AY&SY", 6) == 0)
		return "bzip2-compressed data";
	for (i = 0; i < n; i++) {
		unsigned c = p[i];

		if (c >= 0x20 || c == '\t' || c == '\n' || c == '\v' ||
		    c == '\f' || c == '\r' || (c == 0x1a && i + 1 == n))
			continue;
		if (first == n)
			first = i;
		ctl++;
	}
	if (ctl > 1 && ctl * 100 > n) {
		*off = first;
		return "binary data";
	}
	return NULL;
}

static int
is_latin_letter(unsigned c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= 0xC0 && c != 0xD7 && c != 0xF7);
}

static int
latin9_differs(unsigned c)
{
	return c == 0xA4 || c == 0xA6 || c == 0xA8 || c == 0xB4 ||
	    c == 0xB8 || c == 0xBC || c == 0xBD || c == 0xBE;
}

static const char *
sniff_eight_bit(const unsigned char *p, size_t n)
{
	long latin9 = 0, cp1252 = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] >= 0x80 && p[i] <= 0x9F)
			return "WINDOWS-1252";
	for (i = 0; i < n; i++) {
		unsigned prev, next;

		if (!latin9_differs(p[i]))
			continue;
		prev = i > 0 ? p[i - 1] : ' ';
		next = i + 1 < n ? p[i + 1] : ' ';
		if (is_latin_letter(prev) && is_latin_letter(next))
			latin9++;
		else if (p[i] == 0xA4 &&
		    ((prev >= '0' && prev <= '9') || prev == ' ' ||
		    (next >= '0' && next <= '9') || next == ' '))
			latin9++;
		else if (is_latin_letter(next) && p[i] != 0xA4 &&
		    (prev == ' ' || prev == '"' || prev == ',' || prev == ';'))
			latin9++;	/* a word starting with Œ, Š, Ž */
		else
			cp1252++;
	}
	return latin9 > cp1252 ? "ISO-8859-15" : "WINDOWS-1252";
}

const char *
sniff_encoding(const unsigned char *p, size_t n, int at_eof, size_t *bom)
{
	size_t i, pairs, odd = 0, even = 0, valid;
	int partial;

	*bom = 0;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		*bom = 3;
		return "UTF-8";
	}
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		*bom = 2;
		return "UTF-16LE";
	}
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		*bom = 2;
		return "UTF-16BE";
	}
	pairs = (n < 4096 ? n : 4096) / 2;
	for (i = 0; i < pairs; i++) {
		even += p[2 * i] == 0;
		odd += p[2 * i + 1] == 0;
	}
	if (pairs >= 2) {
		if (odd * 4 > pairs && even * 8 < odd)
			return "UTF-16LE";
		if (even * 4 > pairs && odd * 8 < even)
			return "UTF-16BE";
	}
	valid = utf8_valid_prefix(p, n, &partial);
	if (valid == n || (partial && !at_eof && n - valid < 4))
		return "UTF-8";
	return sniff_eight_bit(p, n);
}

/* Field counts per record of the sample, for one candidate delimiter. */
struct sniff_count {
	size_t fields;		/* fields in the record being parsed */
	size_t records;
	size_t header;		/* field count of the first record */
	size_t counts[64];	/* distinct field counts seen... */
	size_t freq[64];	/* ...and how many records had each */
	size_t ncounts;
};

static int
sniff_never_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
sniff_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	((struct sniff_count *)data)->fields++;
}

static void
sniff_record(int c, void *data)
{
	struct sniff_count *sc = data;
	size_t i;

	(void)c;
	if (sc->fields == 0)
		return;		/* blank lines and the LF of CRLF */
	if (sc->records++ == 0)
		sc->header = sc->fields;
	for (i = 0; i < sc->ncounts; i++)
		if (sc->counts[i] == sc->fields)
			break;
	if (i == sc->ncounts && sc->ncounts < 64) {
		sc->counts[i] = sc->fields;
		sc->freq[i] = 0;
		sc->ncounts++;
	}
	if (i < sc->ncounts)
		sc->freq[i]++;
	sc->fields = 0;
}

int
sniff_delimiter(const char *p, size_t n, int at_eof)
{
	static const int cand[] = { ',', ';', '\t', '|' };
	int best = ',';
	size_t best_score = 0, best_fields = 0, i, k;

	for (k = 0; k < sizeof(cand) / sizeof(cand[0]); k++) {
		struct csv_parser parser;
		struct sniff_count sc;
		size_t mode = 0, score = 0;

		memset(&sc, 0, sizeof(sc));
		if (csv_init(&parser, CSV_REPALL_NL) != 0)
			continue;
		csv_set_delim(&parser, (unsigned char)cand[k]);
		csv_set_space_func(&parser, sniff_never_space);
		csv_parse(&parser, p, n, sniff_field, sniff_record, &sc);
		/* A record cut by the end of the sample is not counted. */
		if (at_eof)
			csv_fini(&parser, sniff_field, sniff_record, &sc);
		csv_free(&parser);
		for (i = 0; i < sc.ncounts; i++)
			if (sc.freq[i] > score ||
			    (sc.freq[i] == score && sc.counts[i] > mode)) {
				score = sc.freq[i];
				mode = sc.counts[i];
			}
		if (mode <= 1)
			continue;
		if (sc.header != mode)
			score /= 2;
		if (score > best_score ||
		    (score == best_score && mode > best_fields)) {
			best = cand[k];
			best_score = score;
			best_fields = mode;
		}
	}
	return best;
}
