#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
static unsigned long long
newlines(const char *p, size_t n)
{
	const char *end = p + n;
	unsigned long long k = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/*
 * The text, a quoted value and a tag's name are stepped over by memchr and
 * a table of the bytes that matter in a tag; lines are counted per block
 * (scan_line: the lines before the refused tag, when refused).
 */
static int
scan(struct xmlrd *x, const char *p, size_t n)
{
	static const char cdata[] = "[CDATA[";
	static const unsigned char in_tag[256] = {
		['"'] = 1, ['\''] = 1, ['>'] = 1, ['='] = 1
	};
	const char *q;
	size_t i;

	for (i = 0; i < n; i++) {
		char c;

		switch (x->scan) {
		case S_TEXT:
			if ((q = memchr(p + i, '<', n - i)) == NULL) {
				i = n;
				continue;
			}
			i = (size_t)(q - p);
			x->scan = S_LT;
			continue;
		case S_TAG:
			while (i < n && !in_tag[(unsigned char)p[i]])
				i++;
			if (i == n)
				continue;
			break;
		case S_QUOTE:
			if ((q = memchr(p + i, x->scan_quote, n - i)) == NULL) {
				i = n;
				continue;
			}
			i = (size_t)(q - p);
			break;
		}
		c = p[i];
		switch (x->scan) {
		case S_TEXT:
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
			    XMLRD_MAX_ATTRIBUTES) {
				x->scan_line += newlines(p, i);
				return -1;
			}
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
			else {
				x->scan = c == '>' ? S_TEXT : S_DECL;
				/* The line of a <!DOCTYPE, for its refusal. */
				if (x->decl_line == 0)
					x->decl_line = (int)(x->scan_line +
					    newlines(p, i) + 1);
			}
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
	x->scan_line += newlines(p, n);
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

/* The reader's own refusals, said as libxml2's are: kept, parser stopped. */
static void
refuse(struct xmlrd *x, const char *why)
{
	if (x->xml_err[0] == '\0') {
		snprintf(x->xml_err, sizeof(x->xml_err), "%s", why);
		x->xml_line = xmlSAX2GetLineNumber(x->p);
	}
	x->stopped = 1;
	xmlStopParser(x->p);
}

static struct xmlrd_node *
push_node(struct xmlrd *x, int type)
{
	struct xmlrd_node *n;

	if (x->nnodes == x->capnodes) {
		size_t cap = x->capnodes ? x->capnodes * 2 : 256;
		void *p = realloc(x->nodes, cap * sizeof(*x->nodes));

		if (p == NULL) {
			refuse(x, "out of memory");
			return NULL;
		}
		x->nodes = p;
		x->capnodes = cap;
	}
	n = &x->nodes[x->nnodes++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->line = xmlSAX2GetLineNumber(x->p);
	x->text_run = 0;
	return n;
}

/*
 * An attribute's value, and a NUL. Without entity substitution libxml2
 * hands each '&' of a value over as "&#38;" (for a tree builder to read
 * again): the only '&' it writes, turned back here.
 */
static int
add_value(struct buf *b, const char *v, size_t len)
{
	const char *amp, *end = v + len;

	while ((amp = memchr(v, '&', (size_t)(end - v))) != NULL) {
		if (buf_add(b, v, (size_t)(amp - v) + 1) < 0)
			return -1;
		v = amp + 1;
		if (end - v >= 4 && memcmp(v, "#38;", 4) == 0)
			v += 4;
	}
	if (buf_add(b, v, (size_t)(end - v)) < 0)
		return -1;
	return buf_addch(b, '\0');
}

static void
on_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	struct xmlrd *x = ctx;
	struct xmlrd_node *n;
	int i;

	(void)prefix;
	(void)uri;
	(void)nns;
	(void)ns;
	(void)ndefaulted;
	if (x->stopped)
		return;
	if (x->depth >= XMLRD_MAX_DEPTH) {
		refuse(x, "elements nest deeper than 128 levels");
		return;
	}
	x->depth++;
	if ((n = push_node(x, XML_READER_TYPE_ELEMENT)) == NULL)
		return;
	n->name = (const char *)name;
	n->attr = x->nattrs;
	if (x->capattrs - x->nattrs < (size_t)nattrs) {
		size_t cap = x->capattrs * 2 + (size_t)nattrs + 16;
		void *p = realloc(x->attrs, cap * sizeof(*x->attrs));

		if (p == NULL) {
			refuse(x, "out of memory");
			return;
		}
		x->attrs = p;
		x->capattrs = cap;
	}
	/* attrs: localname, prefix, URI, value, end, for each. */
	for (i = 0; i < nattrs; i++) {
		struct xmlrd_attr *at = &x->attrs[x->nattrs];
		const char *v = (const char *)attrs[5 * i + 3];
		size_t len = (size_t)(attrs[5 * i + 4] - attrs[5 * i + 3]);

		at->name = (const char *)attrs[5 * i];
		at->value = x->arena.len;
		if (add_value(&x->arena, v, len) < 0) {
			refuse(x, "an element's attributes are too long");
			return;
		}
		at->len = x->arena.len - at->value - 1;
		x->nattrs++;
		n->nattrs++;
	}
}

static void
on_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct xmlrd *x = ctx;
	struct xmlrd_node *last;

	(void)prefix;
	(void)uri;
	if (x->stopped)
		return;
	x->depth--;
	/*
	 * An element closed right after it opened, not handed out yet (the
	 * last node is held back): empty, without a node of its end. (A
	 * child would have made a node; the end is this element's.)
	 */
	last = x->nnodes > x->cur ? &x->nodes[x->nnodes - 1] : NULL;
	if (last && last->type == XML_READER_TYPE_ELEMENT && !last->empty) {
		last->empty = 1;
		x->text_run = 0;
		return;
	}
	if ((last = push_node(x, XML_READER_TYPE_END_ELEMENT)) != NULL)
		last->name = (const char *)name;
}

static void
on_chars(void *ctx, const xmlChar *p, int len)
{
	struct xmlrd *x = ctx;
	struct xmlrd_node *n;

	if (x->stopped)
		return;
	/* A text node is the arena's last bytes, a NUL after them. */
	if (x->text_run) {
		n = &x->nodes[x->nnodes - 1];
		buf_setlen(&x->arena, x->arena.len - 1);
	} else {
		if ((n = push_node(x, XML_READER_TYPE_TEXT)) == NULL)
			return;
		n->text = x->arena.len;
		x->text_run = 1;
	}
	if (n->len + (size_t)len > XMLRD_MAX_TEXT) {
		refuse(x, "a text is longer than 10000000 bytes (a limit of "
		    "the XML reader)");
		return;
	}
	if (buf_add(&x->arena, p, (size_t)len) < 0 ||
	    buf_addch(&x->arena, '\0') < 0) {
		refuse(x, "out of memory");
		return;
	}
	n->len += (size_t)len;
}

/* A comment or a processing instruction: not a node, but text ends. */
static void
on_comment(void *ctx, const xmlChar *value)
{
	struct xmlrd *x = ctx;

	(void)value;
	x->text_run = 0;
}

static void
on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	(void)target;
	on_comment(ctx, data);
}

static void
on_dtd(void *ctx, const xmlChar *name, const xmlChar *id, const xmlChar *sys)
{
	struct xmlrd *x = ctx;

	(void)name;
	(void)id;
	(void)sys;
	refuse(x, "the document declares a DTD (<!DOCTYPE>), refused: "
	    "external and expanding entities are not read");
	if (x->decl_line > 0)
		x->xml_line = x->decl_line;
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
	buf_init(&x->arena, 2 * (size_t)XMLRD_MAX_TEXT + 4 * XMLRD_BLOCK);
	x->in = malloc(XMLRD_BLOCK);
	if (x->in == NULL) {
		err_sys(e, MUNI_EXIT_IO, ENOMEM, "'%s'", file);
		return -1;
	}
	/*
	 * Errors met before the parser's handler applies go to libxml2's
	 * global handlers: ours too, so that nothing is printed behind the
	 * tool's back and the message is kept.
	 */
	xmlSetStructuredErrorFunc(x, on_error);
	xmlSetGenericErrorFunc(NULL, quiet);
	return 0;
}

/* Start the parser on the first bytes (it detects the encoding there). */
static int
start(struct xmlrd *x, size_t n)
{
	/* libxml2 copies it into the parser. */
	static xmlSAXHandler sax = {
		.startElementNs = on_start,
		.endElementNs = on_end,
		.characters = on_chars,
		.cdataBlock = on_chars,
		.ignorableWhitespace = on_chars,
		.comment = on_comment,
		.processingInstruction = on_pi,
		.internalSubset = on_dtd,
		.externalSubset = on_dtd,
		.serror = on_error,
		.initialized = XML_SAX2_MAGIC,
	};
	x->p = xmlCreatePushParserCtxt(&sax, x, x->in, (int)(n < 4 ? n : 4),
	    NULL);
	if (x->p == NULL)
		return -1;
	xmlCtxtUseOptions(x->p, XML_PARSE_NONET | XML_PARSE_NOCDATA |
	    XML_PARSE_COMPACT);
	x->started = 1;
	/* Its errors are on_error's; -1 only when no parser was made. */
	if (n > 4)
		xmlParseChunk(x->p, x->in + 4, (int)n - 4, 0);
	return 0;
}

/*
 * Forget the nodes handed out, keeping the one held back (its strings
 * moved to the arena's start), before the next block is parsed.
 */
static void
compact(struct xmlrd *x)
{
	struct xmlrd_node *n;
	size_t i, from, to;

	if (x->cur < x->nnodes) {
		/* x->cur == x->nnodes - 1: one node to keep. */
		n = &x->nodes[x->cur];
		x->nodes[0] = *n;
		n = &x->nodes[0];
		to = 0;
		if (n->type == XML_READER_TYPE_TEXT) {
			memmove(x->arena.ptr, x->arena.ptr + n->text,
			    n->len + 1);
			n->text = 0;
			to = n->len + 1;
		}
		for (i = 0; i < n->nattrs; i++) {
			struct xmlrd_attr *at = &x->attrs[n->attr + i];

			from = at->value;
			memmove(x->arena.ptr + to, x->arena.ptr + from,
			    at->len + 1);
			at->value = to;
			to += at->len + 1;
			x->attrs[i] = *at;
		}
		n->attr = 0;
		x->nattrs = n->nattrs;
		x->nnodes = 1;
		buf_setlen(&x->arena, to);
	} else {
		x->nnodes = 0;
		x->nattrs = 0;
		buf_reset(&x->arena);
	}
	x->cur = 0;
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

/* Parse blocks until a node can be handed out: 0, or -1 (x->xml_err). */
static int
more(struct xmlrd *x)
{
	ssize_t r;

	while (!x->finished && !x->stopped && x->nnodes - x->cur < 2) {
		compact(x);
		r = x->read(x->ctx, x->in, XMLRD_BLOCK, &x->read_err);
		if (r < 0) {
			x->read_failed = 1;
			return -1;
		}
		if (scan(x, x->in, (size_t)r) < 0) {
			char why[64];

			snprintf(why, sizeof(why), "an element has more than "
			    "%d attributes", XMLRD_MAX_ATTRIBUTES);
			fail(x, &x->read_err, (int)(x->scan_line + 1), why);
			x->read_failed = 1;
			return -1;
		}
		if (!x->started) {
			if (start(x, (size_t)r) < 0) {
				snprintf(x->xml_err, sizeof(x->xml_err),
				    "cannot start the XML reader");
				return -1;
			}
		} else if (r > 0)
			xmlParseChunk(x->p, x->in, (int)r, 0);
		if (r == 0 && !x->stopped) {
			xmlParseChunk(x->p, NULL, 0, 1);
			x->finished = 1;
		}
		if (x->xml_err[0] != '\0' || !x->p->wellFormed)
			return -1;
	}
	return 0;
}

int
xmlrd_next(struct xmlrd *x, struct muni_err *e)
{
	if (x->nnodes > x->cur)
		x->cur++;
	if (more(x) < 0 || x->read_failed || x->xml_err[0] != '\0') {
		if (x->read_failed) {
			*e = x->read_err;
			return -1;
		}
		return fail(x, e, x->xml_line ? x->xml_line :
		    x->p ? xmlSAX2GetLineNumber(x->p) : 1,
		    x->xml_err[0] ? x->xml_err : "malformed XML");
	}
	if (x->cur >= x->nnodes) {
		if (!x->started || x->depth != 0)
			return fail(x, e, x->p ? xmlSAX2GetLineNumber(x->p) :
			    1, "the document ends before its elements close");
		return 0;
	}
	return 1;
}

void
xmlrd_release(struct xmlrd *x)
{
	if (x->p != NULL) {
		if (x->p->myDoc != NULL)
			xmlFreeDoc(x->p->myDoc);
		xmlFreeParserCtxt(x->p);
	}
	if (x->in != NULL)
		xmlSetStructuredErrorFunc(NULL, NULL);
	x->p = NULL;
	free(x->nodes);
	free(x->attrs);
	free(x->in);
	buf_release(&x->arena);
	x->nodes = NULL;
	x->attrs = NULL;
	x->in = NULL;
	x->nnodes = x->nattrs = x->capnodes = x->capattrs = x->cur = 0;
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

static const struct xmlrd_node *
node(const struct xmlrd *x)
{
	static const struct xmlrd_node none = { 0, 0, 0, "", 0, 0, 0, 0 };

	return x->cur < x->nnodes ? &x->nodes[x->cur] : &none;
}

int
xmlrd_type(const struct xmlrd *x)
{
	const struct xmlrd_node *n = node(x);
	size_t i;

	if (n->type != XML_READER_TYPE_TEXT)
		return n->type;
	for (i = 0; i < n->len; i++)
		if (!strchr(" \t\r\n", x->arena.ptr[n->text + i]))
			return XML_READER_TYPE_TEXT;
	return XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

const char *
xmlrd_name(const struct xmlrd *x)
{
	const struct xmlrd_node *n = node(x);

	return n->name && n->type != XML_READER_TYPE_TEXT ? n->name : "";
}

int
xmlrd_empty(const struct xmlrd *x)
{
	return node(x)->empty;
}

size_t
xmlrd_nattrs(const struct xmlrd *x)
{
	return node(x)->nattrs;
}

const char *
xmlrd_attr_name(const struct xmlrd *x, size_t i)
{
	return x->attrs[node(x)->attr + i].name;
}

const char *
xmlrd_attr_value(const struct xmlrd *x, size_t i)
{
	return x->arena.ptr + x->attrs[node(x)->attr + i].value;
}

char *
xmlrd_attr(const struct xmlrd *x, const char *name)
{
	size_t i, n = xmlrd_nattrs(x);

	for (i = 0; i < n; i++)
		if (strcmp(xmlrd_attr_name(x, i), name) == 0)
			return (char *)xmlStrdup((const xmlChar *)
			    xmlrd_attr_value(x, i));
	return NULL;
}

const char *
xmlrd_text(const struct xmlrd *x)
{
	const struct xmlrd_node *n = node(x);

	return n->type == XML_READER_TYPE_TEXT ? x->arena.ptr + n->text : "";
}

int
xmlrd_is_text(const struct xmlrd *x)
{
	return node(x)->type == XML_READER_TYPE_TEXT;
}

int
xmlrd_line(const struct xmlrd *x)
{
	return x->cur < x->nnodes ? x->nodes[x->cur].line :
	    x->p ? xmlSAX2GetLineNumber(x->p) : 1;
}

ssize_t
xmlrd_fd_read(void *ctx, void *p, size_t n, struct muni_err *e)
{
	struct xmlrd_fd *f = ctx;
	ssize_t r;

	do
		r = pread(f->fd, p, n, f->at);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", f->file);
		return -1;
	}
	f->at += r;
	return r;
}
