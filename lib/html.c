#include <string.h>

#include "html.h"
#include "text.h"
#include "banned.h"

int
html_textn(struct buf *out, const char *s, size_t n)
{
	size_t i, from = 0;
	int rc = 0;

	for (i = 0; i < n; i++) {
		const char *esc;

		switch (s[i]) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&#39;"; break;
		default: continue;
		}
		/* What lies between, with forbidden characters made visible. */
		rc |= text_visible(out, s + from, i - from, 0);
		rc |= buf_addstr(out, esc);
		from = i + 1;
	}
	rc |= text_visible(out, s + from, n - from, 0);
	return rc ? -1 : 0;
}

int
html_text(struct buf *out, const char *s)
{
	return s ? html_textn(out, s, strlen(s)) : 0;
}
