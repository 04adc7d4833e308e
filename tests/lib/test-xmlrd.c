#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlreader.h>

#include "base/buf.h"
#include "source/xmlrd.h"
#include "rnd.h"
#include "tap.h"

/*
 * xmlrd is made of libxml2's SAX2 push parser; the reference is libxml2's
 * xmlTextReader, which xmlrd replaced. Both walk random documents (fed to
 * xmlrd in pieces of random sizes, so that tags, texts and entities are
 * cut between blocks) and write what they see, one line a node; the lines
 * must be the same. The reader's comments and processing instructions are
 * left out, and its <a></a> read as <a/>, as xmlrd documents.
 */

static void
text(struct buf *b)
{
	static const char *pieces[] = {
		"a", "é", "日本", " ", "\n", "  ", "&amp;", "&lt;", "&#233;",
		"&#x1F600;", "<![CDATA[x<y]]>", "<!-- c -->", "<?pi d?>",
		"\t", "0", "&quot;", "\r\n"
	};
	unsigned n = rnd(6);

	while (n-- > 0)
		buf_addstr(b, pieces[rnd(sizeof(pieces) / sizeof(*pieces))]);
}

static void
element(struct buf *b, int depth)
{
	static const char *names[] = { "row", "c", "v", "t", "x:si", "a" };
	static const char *attrs[] = { "r", "t", "s", "x:val", "ref" };
	const char *name = names[rnd(6)];
	unsigned i, n = rnd(4), used = 0;

	buf_addf(b, "<%s", name);
	for (i = 0; i < n; i++) {
		unsigned k = rnd(5);

		if (used & (1u << k))
			continue;
		used |= 1u << k;
		buf_addf(b, " %s=\"", attrs[k]);
		buf_addstr(b, rnd(2) ? "A1 &amp; b" : "");
		buf_addstr(b, "\"");
	}
	switch (depth > 5 ? 0 : rnd(4)) {
	case 0:
		buf_addstr(b, "/>");
		return;
	case 1:
		buf_addf(b, "></%s>", name);
		return;
	}
	buf_addstr(b, ">");
	n = rnd(5);
	for (i = 0; i < n; i++) {
		text(b);
		element(b, depth + 1);
	}
	text(b);
	buf_addf(b, "</%s>", name);
}

static void
line(struct buf *out, int type, int empty, const char *name,
    const char *text, const struct buf *attrs)
{
	if (type == XML_READER_TYPE_WHITESPACE)
		type = XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
	buf_addf(out, "%d %d %s [%s] {%s}\n", type, empty, name, text,
	    attrs->ptr);
}

/* The reference's walk. */
static void
walk_reader(const char *doc, struct buf *out)
{
	xmlTextReaderPtr r = xmlReaderForMemory(doc, (int)strlen(doc), NULL,
	    NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	struct buf attrs, held;
	int type, held_type = -1;

	buf_init(&attrs, 1 << 20);
	buf_init(&held, 1 << 20);
	while (xmlTextReaderRead(r) == 1) {
		const char *name, *text = "";

		type = xmlTextReaderNodeType(r);
		if (type == XML_READER_TYPE_COMMENT ||
		    type == XML_READER_TYPE_PROCESSING_INSTRUCTION)
			continue;
		name = (const char *)xmlTextReaderConstLocalName(r);
		/* <a></a>: its element and end, one empty element. */
		if (held_type == XML_READER_TYPE_ELEMENT &&
		    type == XML_READER_TYPE_END_ELEMENT) {
			buf_addstr(out, held.ptr);
			held_type = -1;
			continue;
		}
		if (held_type >= 0) {
			/* the held line, not empty: "1 0 ..." */
			held.ptr[2] = '0';
			buf_addstr(out, held.ptr);
			held_type = -1;
		}
		buf_reset(&attrs);
		if (type == XML_READER_TYPE_ELEMENT &&
		    xmlTextReaderMoveToFirstAttribute(r) == 1) {
			do
				if (xmlTextReaderIsNamespaceDecl(r) != 1)
					buf_addf(&attrs, "%s=%s;",
					    xmlTextReaderConstLocalName(r),
					    xmlTextReaderConstValue(r));
			while (xmlTextReaderMoveToNextAttribute(r) == 1);
			xmlTextReaderMoveToElement(r);
		}
		if (type != XML_READER_TYPE_ELEMENT &&
		    type != XML_READER_TYPE_END_ELEMENT) {
			text = (const char *)xmlTextReaderConstValue(r);
			name = "";
		}
		if (type == XML_READER_TYPE_ELEMENT &&
		    !xmlTextReaderIsEmptyElement(r)) {
			buf_reset(&held);
			line(&held, type, 1, name, text, &attrs);
			held_type = type;
			continue;
		}
		line(out, type, type == XML_READER_TYPE_ELEMENT, name, text,
		    &attrs);
	}
	if (held_type >= 0)
		buf_addstr(out, held.ptr);
	xmlFreeTextReader(r);
	buf_release(&attrs);
	buf_release(&held);
}

struct src {
	const char *p;
	size_t n, at;
};

/* Pieces of 1 to 300 bytes. */
static ssize_t
piece(void *ctx, void *p, size_t n, struct muni_err *e)
{
	struct src *s = ctx;
	size_t k = 1 + rnd(300);

	(void)e;
	if (k > n)
		k = n;
	if (k > s->n - s->at)
		k = s->n - s->at;
	memcpy(p, s->p + s->at, k);
	s->at += k;
	return (ssize_t)k;
}

static int
walk_xmlrd(const char *doc, struct buf *out)
{
	struct src s = { doc, strlen(doc), 0 };
	struct xmlrd x;
	struct muni_err e;
	struct buf attrs;
	int rc;

	buf_init(&attrs, 1 << 20);
	if (xmlrd_init(&x, piece, &s, "doc", NULL, &e) < 0)
		return -1;
	while ((rc = xmlrd_next(&x, &e)) > 0) {
		int type = xmlrd_type(&x);
		size_t i;

		buf_reset(&attrs);
		for (i = 0; i < xmlrd_nattrs(&x); i++)
			buf_addf(&attrs, "%s=%s;", xmlrd_attr_name(&x, i),
			    xmlrd_attr_value(&x, i));
		line(out, type, xmlrd_empty(&x), xmlrd_name(&x),
		    xmlrd_text(&x), &attrs);
	}
	if (rc < 0)
		diag("xmlrd: %s", e.msg);
	xmlrd_release(&x);
	buf_release(&attrs);
	return rc;
}

int
main(void)
{
	struct buf doc, want, got;
	int i, bad = 0, failed = 0;

	rnd_state = 0x2545F4914F6CDD1DULL;
	buf_init(&doc, 1 << 24);
	buf_init(&want, 1 << 26);
	buf_init(&got, 1 << 26);
	for (i = 0; i < 3000; i++) {
		buf_reset(&doc);
		buf_reset(&want);
		buf_reset(&got);
		buf_addstr(&doc, "<?xml version=\"1.0\"?>\n<root "
		    "xmlns:x=\"urn:x\">");
		text(&doc);
		element(&doc, 0);
		text(&doc);
		buf_addstr(&doc, "</root>\n<!-- end -->\n");
		walk_reader(doc.ptr, &want);
		if (walk_xmlrd(doc.ptr, &got) < 0)
			failed++;
		else if (strcmp(want.ptr, got.ptr) != 0) {
			if (bad++ == 0)
				diag("document:\n%s\nreader:\n%s\nxmlrd:\n%s",
				    doc.ptr, want.ptr, got.ptr);
		}
	}
	ok(failed == 0, "3000 random documents read without error");
	ok(bad == 0, "each walked as xmlTextReader walks it");

	/* A worksheet of 20000 rows in pieces: flat memory, every row. */
	buf_reset(&doc);
	buf_addstr(&doc, "<sheetData>");
	for (i = 0; i < 20000; i++)
		buf_addf(&doc, "<row r=\"%d\"><c r=\"A%d\" t=\"inlineStr\">"
		    "<is><t>v%d</t></is></c><c/></row>", i + 1, i + 1, i);
	buf_addstr(&doc, "</sheetData>");
	buf_reset(&want);
	buf_reset(&got);
	walk_reader(doc.ptr, &want);
	ok(walk_xmlrd(doc.ptr, &got) == 0 && strcmp(want.ptr, got.ptr) == 0,
	    "a worksheet of 20000 rows, walked as xmlTextReader walks it");

	buf_release(&doc);
	buf_release(&want);
	buf_release(&got);
	return done_testing();
}
