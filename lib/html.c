#include <string.h>

#include "html.h"
#include "banned.h"

int
html_textn(struct buf *out, const char *s, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++)
		switch (s[i]) {
		case '&': rc |= buf_addstr(out, "&amp;"); break;
		case '<': rc |= buf_addstr(out, "&lt;"); break;
		case '>': rc |= buf_addstr(out, "&gt;"); break;
		case '"': rc |= buf_addstr(out, "&quot;"); break;
		case '\'': rc |= buf_addstr(out, "&#39;"); break;
		default: rc |= buf_addch(out, s[i]); break;
		}
	return rc;
}

int
html_text(struct buf *out, const char *s)
{
	return s ? html_textn(out, s, strlen(s)) : 0;
}
