#include <stdio.h>
#include <string.h>

#include "base/exitcode.h"
#include "source/xmlrd.h"
#include "base/banned.h"

/* Where the scanner of start tags is. */
enum {
	S_TEXT, S_LT, S_TAG, S_QUOTE, S_END, S_BANG, S_COMMENT, S_CDATA,
	S_PI, S_DECL
};

/*
 * Count the attributes of each start tag (the '=' outside quoted values)
 * in the bytes about to be given to libxml2; -1 when a tag has too many.
 * Comments, CDATA sections and processing instructions are stepped over.
 */
static int
scan(struct xmlrd *x, const char *p, size_t n)
{
	static const char cdata[] = "[CDATA[";
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (c == '\n')
			x->scan_line++;
		switch (x->scan) {
		case S_TEXT:
			if (c == '<')
				x->scan = S_LT;
			break;
		case S_LT:
			x->scan_attrs = 0;
			x->scan_match = 0;
			x->scan = c == '!' ? S_BANG : c == '?' ? S_PI :
			    c == '/' ? S_END : S_TAG;
			if (x->scan == S_TAG && c == '>')
				x->scan = S_TEXT;
			break;
		case S_TAG:
			if (c == '"' || c == '\'') {
				x->scan_quote = c;
				x->scan = S_QUOTE;
			} else if (c == '>')
				x->scan = S_TEXT;
			else if (c == '=' && ++x->scan_attrs >
			    XMLRD_MAX_ATTRIBUTES)
				return -1;
			break;
		case S_QUOTE:
			if (c == x->scan_quote)
				x->scan = S_TAG;
			break;
		case S_END:
		case S_DECL:
			if (c == '>')
				x->scan = S_TEXT;
			break;
		case S_BANG:
			/* After "<!": "--" opens a comment, "[CDATA[" a
			 * section, anything else a declaration. */
			if (x->scan_match == 0 && c == '-')
				x->scan_match = 1;
			else if (x->scan_match == 1 && c == '-') {
				x->scan = S_COMMENT;
				x->scan_match = 0;
			} else if (x->scan_match >= 10 && cdata[x->scan_match -
			    10] == c) {
				if (++x->scan_match == 10 + 7) {
					x->scan = S_CDATA;
					x->scan_match = 0;
				}
			} else if (x->scan_match == 0 && c == '[')
				x->scan_match = 11;
			else
				x->scan = c == '>' ? S_TEXT : S_DECL;
			break;
		case S_COMMENT:
			/* Until "-->". */
			if (c == '-')
				x->scan_match++;
			else if (c == '>' && x->scan_match >= 2)
				x->scan = S_TEXT;
			else
				x->scan_match = 0;
			break;
		case S_CDATA:
			/* Until "]]>". */
			if (c == ']')
				x->scan_match++;
			else if (c == '>' && x->scan_match >= 2)
				x->scan = S_TEXT;
			else
				x->scan_match = 0;
			break;
		case S_PI:
			if (c == '>' && x->scan_match)
				x->scan = S_TEXT;
			x->scan_match = c == '?';
			break;
		}
	}
	return 0;
}

static int
on_read(void *ctx, char *p, int n)
{
	struct xmlrd *x = ctx;
	ssize_t r;

	if (x->read_failed)
		return -1;
	r = x->read(x->ctx, p, (size_t)n, &x->read_err);
	if (r < 0) {
		x->read_failed = 1;
		return -1;
	}
	if (scan(x, p, (size_t)r) < 0) {
		if (x->part != NULL)
			err_set(&x->read_err, MUNI_EXIT_DATA, "'%s': %s, line "
			    "%llu: an element has more than %d attributes",
			    x->file, x->part, x->scan_line + 1,
			    XMLRD_MAX_ATTRIBUTES);
		else
			err_set(&x->read_err, MUNI_EXIT_DATA, "'%s', line "
			    "%llu: an element has more than %d attributes",
			    x->file, x->scan_line + 1, XMLRD_MAX_ATTRIBUTES);
		x->read_failed = 1;
		return -1;
	}
	return (int)r;
}

static int
on_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static void
on_error(void *ctx, xmlErrorPtr err)
{
	struct xmlrd *x = ctx;
	size_t n;

	if (x->xml_err[0] != '\0' || err == NULL || err->level < XML_ERR_ERROR)
		return;
	snprintf(x->xml_err, sizeof(x->xml_err), "%s",
	    err->message ? err->message : "malformed XML");
	n = strlen(x->xml_err);
	while (n > 0 && (x->xml_err[n - 1] == '\n' || x->xml_err[n - 1] == ' '))
		x->xml_err[--n] = '\0';
	/* libxml2 writes some messages over two lines: make them one */
	for (n = 0; x->xml_err[n]; n++)
		if (x->xml_err[n] == '\n')
			x->xml_err[n] = ' ';
	x->xml_line = err->line;
	/*
	 * Its limits name options of its own, which the user cannot set:
	 * said as limits of the XML reader.
	 */
	if (strncmp(x->xml_err, "Excessive depth in document", 28) == 0)
		snprintf(x->xml_err, sizeof(x->xml_err), "elements nest deeper "
		    "than the XML reader's limit (%d levels)",
		    XMLRD_MAX_DEPTH);
	else if (strstr(x->xml_err, "XML_PARSE_HUGE") != NULL) {
		char *cut = strstr(x->xml_err, "XML_PARSE_HUGE");

		while (cut > x->xml_err && strchr(" ,:;", cut[-1]))
			cut--;
		if (cut - x->xml_err > 4 && strncmp(cut - 3, "use", 3) == 0)
			cut -= 3;
		while (cut > x->xml_err && strchr(" ,:;", cut[-1]))
			cut--;
		*cut = '\0';
		n = strlen(x->xml_err);
		snprintf(x->xml_err + n, sizeof(x->xml_err) - n, " (a limit "
		    "of the XML reader)");
	}
}

/* libxml2's messages outside a reader's handler: not printed. */
static void
quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

int
xmlrd_init(struct xmlrd *x, xmlrd_read_fn read, void *ctx, const char *file,
    const char *part, struct muni_err *e)
{
	memset(x, 0, sizeof(*x));
	x->read = read;
	x->ctx = ctx;
	x->file = file;
	x->part = part;
	/*
	 * Errors met before the reader's handler applies (the detection of
	 * the encoding, while the reader is made) go to libxml2's global
	 * handlers: ours too, so that nothing is printed behind the tool's
	 * back and the message is kept.
	 */
	xmlSetStructuredErrorFunc(x, on_error);
	xmlSetGenericErrorFunc(NULL, quiet);
	x->r = xmlReaderForIO(on_read, on_close, x, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	if (x->r == NULL) {
		xmlSetStructuredErrorFunc(NULL, NULL);
		err_set(e, MUNI_EXIT_INTERNAL, "cannot start the XML reader");
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(x->r, on_error, x);
	return 0;
}

static ssize_t
zread(void *ctx, void *p, size_t n, struct muni_err *e)
{
	return zip_stream_read(ctx, p, n, e);
}

int
xmlrd_open_zip(struct xmlrd *x, struct zip *z, const char *file,
    const char *entry, struct zip_stream **zs, struct muni_err *e)
{
	long i = zip_find(z, entry);

	*zs = NULL;
	memset(x, 0, sizeof(*x));
	if (i < 0) {
		err_set(e, MUNI_EXIT_DATA, "'%s' is not a readable %s: part "
		    "'%s' is missing", file, strstr(entry, "xl/") ? "workbook" :
		    "document", entry);
		return -1;
	}
	*zs = zip_stream_open(z, (size_t)i, e);
	if (*zs == NULL)
		return -1;
	if (xmlrd_init(x, zread, *zs, file, zip_name(z, (size_t)i), e) < 0) {
		zip_stream_close(*zs);
		*zs = NULL;
		return -1;
	}
	return 0;
}

void
xmlrd_close_zip(struct xmlrd *x, struct zip_stream **zs)
{
	xmlrd_release(x);
	zip_stream_close(*zs);
	*zs = NULL;
}

void
xmlrd_release(struct xmlrd *x)
{
	if (x->r != NULL) {
		xmlFreeTextReader(x->r);
		xmlSetStructuredErrorFunc(NULL, NULL);
	}
	x->r = NULL;
}

static int
fail(struct xmlrd *x, struct muni_err *e, int line, const char *why)
{
	if (x->part != NULL)
		err_set(e, MUNI_EXIT_DATA, "'%s': %s, line %d: %s", x->file,
		    x->part, line, why);
	else
		err_set(e, MUNI_EXIT_DATA, "'%s', line %d: %s", x->file, line,
		    why);
	return -1;
}

int
xmlrd_next(struct xmlrd *x, struct muni_err *e)
{
	int rc = xmlTextReaderRead(x->r);

	if (x->read_failed) {
		*e = x->read_err;
		return -1;
	}
	if (rc < 0 || x->xml_err[0] != '\0')
		return fail(x, e, x->xml_line ? x->xml_line : xmlrd_line(x),
		    x->xml_err[0] ? x->xml_err : "malformed XML");
	if (rc == 0)
		return 0;
	switch (xmlTextReaderNodeType(x->r)) {
	case XML_READER_TYPE_DOCUMENT_TYPE:
		return fail(x, e, xmlrd_line(x), "the document "
		    "declares a DTD (<!DOCTYPE>), refused: external and "
		    "expanding entities are not read");
	case XML_READER_TYPE_ENTITY_REFERENCE:
	case XML_READER_TYPE_ENTITY:
		return fail(x, e, xmlrd_line(x), "the document uses "
		    "an entity, refused");
	case XML_READER_TYPE_ELEMENT:
		if (xmlTextReaderDepth(x->r) >= XMLRD_MAX_DEPTH)
			return fail(x, e, xmlrd_line(x), "elements nest "
			    "deeper than 128 levels");
		break;
	}
	return 1;
}

int
xmlrd_type(const struct xmlrd *x)
{
	return xmlTextReaderNodeType(x->r);
}

const char *
xmlrd_name(const struct xmlrd *x)
{
	const xmlChar *s = xmlTextReaderConstLocalName(x->r);

	return s ? (const char *)s : "";
}

int
xmlrd_empty(const struct xmlrd *x)
{
	return xmlTextReaderIsEmptyElement(x->r) == 1;
}

char *
xmlrd_attr(const struct xmlrd *x, const char *name)
{
	char *v = NULL;

	if (xmlTextReaderMoveToFirstAttribute(x->r) != 1)
		return NULL;
	do {
		if (strcmp(xmlrd_name(x), name) == 0 &&
		    xmlTextReaderIsNamespaceDecl(x->r) != 1) {
			v = (char *)xmlTextReaderValue(x->r);
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(x->r) == 1);
	xmlTextReaderMoveToElement(x->r);
	return v;
}

const char *
xmlrd_text(const struct xmlrd *x)
{
	const xmlChar *s = xmlTextReaderConstValue(x->r);

	return s ? (const char *)s : "";
}

int
xmlrd_is_text(const struct xmlrd *x)
{
	switch (xmlTextReaderNodeType(x->r)) {
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		return 1;
	}
	return 0;
}

int
xmlrd_line(const struct xmlrd *x)
{
	return xmlTextReaderGetParserLineNumber(x->r);
}
