/*
 * html: what the HTML muni writes (validation reports, landing pages)
 * shares: text escaped for element content and attribute values, a small
 * safe part of Markdown, names that break only between words.
 */
#ifndef MUNI_HTML_H
#define MUNI_HTML_H

#include "base/buf.h"

/*
 * Append s with & < > " ' escaped, and what XML 1.0 forbids made visible
 * (text_visible: "\u0001"); -1 on failure.
 */
int html_text(struct buf *out, const char *s);
/* The same for n bytes. */
int html_textn(struct buf *out, const char *s, size_t n);

/*
 * Text written in Markdown, as schema descriptions are, with what a page
 * needs of it: links ([text](url), <url>, bare URLs; http, https and
 * mailto only, else the text stays text), `code`, **strong**, blank lines
 * parting paragraphs. Everything else is escaped text.
 */
int html_markdown(struct buf *out, const char *s);

/*
 * A name (a column's) that may break only between its words: a <wbr>
 * before a capital after a small letter and after _ - . /, escaped.
 */
int html_name(struct buf *out, const char *name);

#endif
