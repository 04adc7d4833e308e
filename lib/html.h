/*
 * html: what the HTML muni writes (validation reports, landing pages)
 * shares: text escaped for element content and attribute values.
 */
#ifndef MUNI_HTML_H
#define MUNI_HTML_H

#include "buf.h"

/*
 * Append s with & < > " ' escaped, and what XML 1.0 forbids made visible
 * (text_visible: "\u0001"); -1 on failure.
 */
int html_text(struct buf *out, const char *s);
/* The same for n bytes. */
int html_textn(struct buf *out, const char *s, size_t n);

#endif
