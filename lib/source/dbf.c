#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/frdate.h"
#include "source/dbf.h"
#include "base/banned.h"

#define DBF_MAX_FIELDS 2048

struct dbf_field {
	char name[12];
	char type;
	size_t offset, length;
};

struct dbf {
	int fd;
	const char *name;
	const unsigned char *prefix;	/* bytes read before, not yet used */
	size_t nprefix, prefix_pos;
	void (*hook)(void *, const void *, size_t);
	void *ctx;
	unsigned long long bytes;
	const char *encoding;
	iconv_t cd;
	struct dbf_field *fields;
	size_t nfields;
	size_t record_length;
	unsigned long long nrecords, index, rows;
	int header_done;
	unsigned char *record;
	struct buf text;
	size_t *offsets;
	struct field *out;
	struct record rec;
};

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

int
dbf_is(const unsigned char *p, size_t n)
{
	static const unsigned char versions[] = { 0x02, 0x03, 0x30, 0x31,
	    0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5, 0xFB };
	unsigned hlen, rlen;

	if (n < 32 || !memchr(versions, p[0], sizeof(versions)))
		return 0;
	hlen = le16(p + 8);
	rlen = le16(p + 10);
	/* Last update YYMMDD, a header of 32-byte field descriptors. */
	return p[2] >= 1 && p[2] <= 12 && p[3] >= 1 && p[3] <= 31 &&
	    hlen >= 65 && rlen >= 2 && (hlen % 32 == 1 || p[0] == 0x30 ||
	    p[0] == 0x31);
}

/* Read exactly n bytes: the prefix first, then fd. 0 at a clean end. */
static int
take(struct dbf *s, unsigned char *p, size_t n, struct muni_err *e)
{
	size_t done = 0;
	ssize_t r;

	while (done < n && s->prefix_pos < s->nprefix)
		p[done++] = s->prefix[s->prefix_pos++];
	r = fd_read_full(s->fd, p + done, n - done);
	if (r < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", s->name);
		return -1;
	}
	done += (size_t)r;
	s->bytes += done;
	if (s->hook && done)
		s->hook(s->ctx, p, done);
	if (done == 0)
		return 0;
	if (done < n) {
		err_set(e, MUNI_EXIT_DATA, "the table is cut short: %zu bytes "
		    "missing", n - done);
		e->file = s->name;
		return -1;
	}
	return 1;
}

/* Encoding from the language driver byte, as GIS software writes it. */
static const char *
ldid_encoding(unsigned char id)
{
	switch (id) {
	case 0x01: return "CP437";
	case 0x02: return "CP850";
	case 0x57: case 0x58: case 0x59: case 0x03: return "WINDOWS-1252";
	case 0x64: return "CP852";
	case 0xC8: return "WINDOWS-1250";
	case 0xC9: return "WINDOWS-1251";
	default: return "WINDOWS-1252";
	}
}

/*
 * A field name as dBASE writes them, NUL-padded: no control code (letters
 * of the code page, such as an accented one, are names too).
 */
static int
name_is_text(const char *n)
{
	if (*n == '\0')
		return 0;
	for (; *n; n++)
		if ((unsigned char)*n <= ' ' || (unsigned char)*n == 0x7f)
			return 0;
	return 1;
}

struct dbf *
dbf_open(int fd, const char *name, const void *prefix, size_t nprefix,
    const char *encoding, void (*hook)(void *, const void *, size_t),
    void *ctx, struct muni_err *e)
{
	struct dbf *s = calloc(1, sizeof(*s));
	unsigned char head[32], desc[32];
	size_t hlen, used = 32;

	if (s == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate a reader");
		return NULL;
	}
	s->fd = fd;
	s->name = name;
	s->prefix = prefix;
	s->nprefix = nprefix;
	s->hook = hook;
	s->ctx = ctx;
	s->cd = (iconv_t)-1;
	buf_init(&s->text, CSVIN_MAX_RECORD);
	if (take(s, head, 32, e) <= 0 || !dbf_is(head, 32)) {
		if (e->status != MUNI_EXIT_IO) {
			err_set(e, MUNI_EXIT_DATA, "'%s' is not a dBASE table",
			    name);
			e->file = NULL;
		}
		goto fail;
	}
	s->nrecords = le32(head + 4);
	hlen = le16(head + 8);
	s->record_length = le16(head + 10);
	s->encoding = encoding ? encoding : ldid_encoding(head[29]);
	s->fields = calloc(DBF_MAX_FIELDS, sizeof(*s->fields));
	if (s->fields == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate a reader");
		goto fail;
	}
	/* Field descriptors up to the 0x0D terminator. */
	for (;;) {
		size_t offset;

		if (used + 1 > hlen || take(s, desc, 1, e) <= 0)
			goto bad;
		used++;
		if (desc[0] == 0x0D)
			break;
		if (used + 31 > hlen || take(s, desc + 1, 31, e) <= 0 ||
		    s->nfields == DBF_MAX_FIELDS)
			goto bad;
		used += 31;
		memcpy(s->fields[s->nfields].name, desc, 11);
		s->fields[s->nfields].name[11] = '\0';
		if (!name_is_text(s->fields[s->nfields].name)) {
			err_set(e, MUNI_EXIT_DATA, "'%s': the dBASE header is "
			    "damaged: the name of field %zu is not text", name,
			    s->nfields + 1);
			goto fail;
		}
		s->fields[s->nfields].type = (char)desc[11];
		s->fields[s->nfields].length = desc[16];
		if (desc[11] == 'C')	/* long text fields: 16-bit length */
			s->fields[s->nfields].length = le16(desc + 16);
		offset = s->nfields ? s->fields[s->nfields - 1].offset +
		    s->fields[s->nfields - 1].length : 1;
		s->fields[s->nfields].offset = offset;
		if (offset + s->fields[s->nfields].length > s->record_length)
			goto bad;
		if (desc[11] == 0 || !strchr("CNFDLM", desc[11])) {
			if (desc[11] > ' ' && desc[11] < 0x7f)
				err_set(e, MUNI_EXIT_DATA, "'%s': field '%s' has "
				    "the type '%c', which muni does not read",
				    name, s->fields[s->nfields].name, desc[11]);
			else
				err_set(e, MUNI_EXIT_DATA, "'%s': the dBASE "
				    "header is damaged: field '%s' has the type "
				    "byte 0x%02X", name,
				    s->fields[s->nfields].name, desc[11]);
			goto fail;
		}
		s->nfields++;
	}
	/* Skip the rest of the header (Visual FoxPro's backlink). */
	while (used < hlen) {
		if (take(s, desc, 1, e) <= 0)
			goto bad;
		used++;
	}
	s->cd = iconv_open("UTF-8", s->encoding);
	if (s->cd == (iconv_t)-1) {
		err_set(e, MUNI_EXIT_USAGE, "unknown encoding '%s'", s->encoding);
		goto fail;
	}
	s->record = malloc(s->record_length + 1);
	s->offsets = calloc(s->nfields + 1, sizeof(size_t));
	s->out = calloc(s->nfields + 1, sizeof(struct field));
	if (s->record == NULL || s->offsets == NULL || s->out == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot allocate a reader");
		goto fail;
	}
	return s;
bad:
	if (e->status == 0 || e->msg[0] == '\0')
		err_set(e, MUNI_EXIT_DATA, "'%s' has a damaged dBASE header",
		    name);
fail:
	dbf_free(s);
	return NULL;
}

/* A text value, its padding trimmed, transcoded into s->text. */
static int
add_text(struct dbf *s, const unsigned char *p, size_t n, int trim_left)
{
	char *in, *out;
	size_t inleft, outleft;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0'))
		n--;
	while (trim_left && n > 0 && p[0] == ' ') {
		p++;
		n--;
	}
	if (buf_grow(&s->text, 4 * n + 4) < 0)
		return -1;
	in = (char *)p;
	inleft = n;
	out = s->text.ptr + s->text.len;
	outleft = s->text.cap - s->text.len - 1;
	iconv(s->cd, NULL, NULL, NULL, NULL);
	if (iconv(s->cd, &in, &inleft, &out, &outleft) == (size_t)-1)
		return -2;
	buf_setlen(&s->text, (size_t)(out - s->text.ptr));
	return 0;
}

/* Read what follows the records (the 0x1A marker) so the checksum is whole. */
static int
drain(struct dbf *s, struct muni_err *e)
{
	unsigned char rest[65536];
	ssize_t r;

	if (s->prefix_pos < s->nprefix) {
		if (s->hook)
			s->hook(s->ctx, s->prefix + s->prefix_pos,
			    s->nprefix - s->prefix_pos);
		s->bytes += s->nprefix - s->prefix_pos;
		s->prefix_pos = s->nprefix;
	}
	while ((r = fd_read_full(s->fd, rest, sizeof(rest))) > 0) {
		s->bytes += (unsigned long long)r;
		if (s->hook)
			s->hook(s->ctx, rest, (size_t)r);
	}
	if (r < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", s->name);
		return -1;
	}
	return 0;
}

/* Whether YYYYMMDD is a date of the calendar. */
static int
dbf_date_ok(const unsigned char *p)
{
	int y = 0, m, d, i;

	for (i = 0; i < 8; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	for (i = 0; i < 4; i++)
		y = y * 10 + (p[i] - '0');
	m = (p[4] - '0') * 10 + (p[5] - '0');
	d = (p[6] - '0') * 10 + (p[7] - '0');
	return d >= 1 && d <= frdate_days_in_month(y, m);
}

int
dbf_next(struct dbf *s, struct record **rec, struct muni_err *e)
{
	size_t i;
	int rc;

	buf_reset(&s->text);
	if (!s->header_done) {
		for (i = 0; i < s->nfields; i++) {
			s->offsets[i] = s->text.len;
			add_text(s, (unsigned char *)s->fields[i].name,
			    strlen(s->fields[i].name), 0);
		}
		s->header_done = 1;
		s->rows = 1;
		goto done;
	}
	for (;;) {
		if (s->index == s->nrecords)
			return drain(s, e);
		rc = take(s, s->record, s->record_length, e);
		if (rc <= 0) {
			if (rc == 0)
				err_set(e, MUNI_EXIT_DATA, "the table ends after "
				    "%llu of its %llu records", s->index,
				    s->nrecords);
			e->file = s->name;
			if (e->status == MUNI_EXIT_DATA)
				e->row = s->rows + 1;
			return -1;
		}
		s->index++;
		if (s->record[0] == 0x1A)
			return drain(s, e);	/* end-of-file marker */
		if (s->record[0] != '*')
			break;		/* '*' marks a deleted record */
	}
	s->rows++;
	for (i = 0; i < s->nfields; i++) {
		const struct dbf_field *f = &s->fields[i];
		const unsigned char *p = s->record + f->offset;

		s->offsets[i] = s->text.len;
		switch (f->type) {
		case 'D':
			/* Blank or zeros: no date. */
			if (f->length != 8 || p[0] == ' ' || p[0] == '0')
				break;
			if (!dbf_date_ok(p)) {
				char shown[40];
				size_t k;

				for (k = 0; k < 8; k++)
					shown[k] = p[k] >= ' ' && p[k] < 0x7f ?
					    (char)p[k] : '?';
				shown[8] = '\0';
				err_set(e, MUNI_EXIT_DATA, "field '%s': '%s' is "
				    "not a date (a dBASE date is written "
				    "YYYYMMDD)", f->name, shown);
				e->file = s->name;
				e->row = s->rows;
				return -1;
			}
			buf_addf(&s->text, "%.4s-%.2s-%.2s", p, p + 4, p + 6);
			break;
		case 'L':
			if (strchr("TtYy", p[0]))
				buf_addstr(&s->text, "true");
			else if (strchr("FfNn", p[0]))
				buf_addstr(&s->text, "false");
			break;
		case 'M':
			break;	/* no memo file: empty */
		default:
			rc = add_text(s, p, f->length, f->type != 'C');
			if (rc == -2) {
				err_set(e, MUNI_EXIT_DATA, "a byte of field "
				    "'%s' is not valid %s; name the encoding "
				    "with --encoding", f->name, s->encoding);
				e->file = s->name;
				e->row = s->rows;
				return -1;
			}
			if (rc < 0) {
				err_sys(e, MUNI_EXIT_IO, ENOMEM, "cannot store "
				    "a record");
				return -1;
			}
		}
	}
done:
	s->offsets[s->nfields] = s->text.len;
	for (i = 0; i < s->nfields; i++) {
		s->out[i].ptr = s->text.ptr + s->offsets[i];
		s->out[i].len = s->offsets[i + 1] - s->offsets[i];
	}
	s->rec.fields = s->out;
	s->rec.nfields = s->nfields;
	s->rec.row = s->rows;
	s->rec.line = s->rows;
	*rec = &s->rec;
	return 1;
}

const char *
dbf_encoding(const struct dbf *s)
{
	return s->encoding;
}

unsigned long long
dbf_index(const struct dbf *s)
{
	return s->index ? s->index - 1 : 0;
}

unsigned long long
dbf_records(const struct dbf *s)
{
	return s->rows;
}

unsigned long long
dbf_bytes(const struct dbf *s)
{
	return s->bytes;
}

void
dbf_free(struct dbf *s)
{
	if (s == NULL)
		return;
	if (s->cd != (iconv_t)-1)
		iconv_close(s->cd);
	buf_release(&s->text);
	free(s->fields);
	free(s->record);
	free(s->offsets);
	free(s->out);
	free(s);
}
