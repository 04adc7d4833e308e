/*
 * xmlrd: a streaming reader of XML, node by node as libxml2's
 * xmlTextReader walks a document, made of libxml2's SAX2 push parser
 * (the text reader builds and frees a tree node for each node: three
 * times slower on a worksheet). The parser's events of each block of
 * input are queued, with one event held back until the next is known, so
 * that an element that closes at once reads as empty (<a/>, and <a></a>
 * alike). Adjacent character data is one text node; a text node of
 * blanks only is whitespace (XML_READER_TYPE_SIGNIFICANT_WHITESPACE);
 * comments and processing instructions are not nodes. An element's
 * attributes are read on the element, not on its end. Memory: the nodes
 * of one block, and a text node of XMLRD_MAX_TEXT bytes at most.
 *
 * Set up for untrusted documents (the parts of XLSX and ODS files, XML
 * exports): no network, no DTD loaded,
 * no entity substituted, and a document that declares a DTD at all
 * (<!DOCTYPE ...>, the vehicle of XXE and "billion laughs") is refused.
 * Elements nest XMLRD_MAX_DEPTH deep at most, and a start tag holds
 * XMLRD_MAX_ATTRIBUTES attributes at most: libxml2 (2.9) handles an
 * element's attributes in time quadratic in their number, so the bytes
 * are scanned for start tags before libxml2 reads them. libxml2's own
 * errors are turned into a struct muni_err naming the file, the part and
 * the line, in muni's words where libxml2's would name its options.
 */
#ifndef MUNI_XMLRD_H
#define MUNI_XMLRD_H

#include <sys/types.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "base/buf.h"
#include "base/err.h"
#include "source/zip.h"

#define XMLRD_MAX_DEPTH 128
#define XMLRD_MAX_ATTRIBUTES 1000
/* The longest text node, as libxml2's own limit on one text. */
#define XMLRD_MAX_TEXT 10000000
#define XMLRD_BLOCK 65536

/* Where the document's bytes come from: up to n bytes, 0 at the end. */
typedef ssize_t (*xmlrd_read_fn)(void *ctx, void *p, size_t n,
    struct muni_err *e);

/* A node: its strings are in the reader's arena, its names in libxml2's. */
struct xmlrd_node {
	int type;			/* XML_READER_TYPE_... */
	int empty;
	int line;
	const char *name;		/* local name, libxml2's dictionary */
	size_t text, len;		/* a text node's bytes in the arena */
	size_t attr, nattrs;		/* its attributes in attrs */
};

struct xmlrd_attr {
	const char *name;		/* local name, libxml2's dictionary */
	size_t value, len;		/* in the arena */
};

struct xmlrd {
	xmlParserCtxtPtr p;
	struct xmlrd_node *nodes;	/* queued: cur is the reader's node */
	size_t nnodes, capnodes, cur;
	struct xmlrd_attr *attrs;
	size_t nattrs, capattrs;
	struct buf arena;
	int depth, started, finished, text_run, stopped;
	char *in;			/* a block of input, XMLRD_BLOCK bytes */
	xmlrd_read_fn read;
	void *ctx;
	const char *file;		/* the input, as the user named it */
	const char *part;		/* the entry in an archive, or NULL */
	struct muni_err *e;		/* of the call in progress */
	struct muni_err read_err;	/* a failure of read() */
	int read_failed;
	char xml_err[256];
	int xml_line;
	/* The scan of start tags ahead of libxml2 (see above). */
	int scan;			/* where the scanner is: enum in xmlrd.c */
	int scan_quote, scan_match;
	unsigned long scan_attrs;
	unsigned long long scan_line;
	int decl_line;			/* of the first <!..., 0: none */
};

int xmlrd_init(struct xmlrd *x, xmlrd_read_fn read, void *ctx,
    const char *file, const char *part, struct muni_err *e);
/*
 * A file read from an offset on, for xmlrd_init(): read is
 * xmlrd_fd_read, ctx a struct xmlrd_fd (its file names it in messages).
 */
struct xmlrd_fd {
	int fd;
	off_t at;
	const char *file;
};
ssize_t xmlrd_fd_read(void *ctx, void *p, size_t n, struct muni_err *e);
/*
 * Read the entry of that name in a ZIP archive; *zs is its stream, to be
 * closed by xmlrd_close_zip(). A missing entry is an error naming it.
 */
int xmlrd_open_zip(struct xmlrd *x, struct zip *z, const char *file,
    const char *entry, struct zip_stream **zs, struct muni_err *e);
void xmlrd_close_zip(struct xmlrd *x, struct zip_stream **zs);
void xmlrd_release(struct xmlrd *x);
/* 1: the reader is on the next node; 0: end of the document; -1: error. */
int xmlrd_next(struct xmlrd *x, struct muni_err *e);

/* The node's type, local name (namespace ignored) and depth. */
int xmlrd_type(const struct xmlrd *x);
const char *xmlrd_name(const struct xmlrd *x);
int xmlrd_empty(const struct xmlrd *x);	/* <element/> */
/* An attribute by local name (any namespace), or NULL; xmlFree() it. */
char *xmlrd_attr(const struct xmlrd *x, const char *name);
/* The element's attributes (namespace declarations aside), in order. */
size_t xmlrd_nattrs(const struct xmlrd *x);
const char *xmlrd_attr_name(const struct xmlrd *x, size_t i);
const char *xmlrd_attr_value(const struct xmlrd *x, size_t i);
/* The text of a text node. */
const char *xmlrd_text(const struct xmlrd *x);
/* Whether the node holds character data (text, CDATA, whitespace). */
int xmlrd_is_text(const struct xmlrd *x);
/* The current line, for messages. */
int xmlrd_line(const struct xmlrd *x);

#endif
