#include <string.h>
#include <strings.h>

#include "base/html.h"
#include "base/text.h"
#include "base/banned.h"

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

/* The length of a URL a link may take: http(s) or mailto, no space. */
static size_t
url_len(const char *s, size_t n)
{
	size_t i, start;

	if (n > 8 && strncasecmp(s, "https://", 8) == 0)
		start = 8;
	else if (n > 7 && strncasecmp(s, "http://", 7) == 0)
		start = 7;
	else if (n > 7 && strncasecmp(s, "mailto:", 7) == 0)
		start = 7;
	else
		return 0;
	for (i = start; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || strchr("\"<>\\^`{|}", s[i]))
			break;
	return i > start ? i : 0;
}

static int
anchor(struct buf *out, const char *url, size_t ulen, const char *text,
    size_t tlen)
{
	int rc = buf_addstr(out, "<a href=\"");

	rc |= html_textn(out, url, ulen);
	rc |= buf_addstr(out, "\">");
	rc |= html_textn(out, text, tlen);
	return rc | buf_addstr(out, "</a>");
}

int
html_markdown(struct buf *out, const char *s)
{
	size_t n = s ? strlen(s) : 0, i = 0, from = 0, k, u;
	const char *close, *end;
	int rc = 0;

#define FLUSH() (rc |= html_textn(out, s + from, i - from))
	while (i < n) {
		if (s[i] == '[' && (close = memchr(s + i, ']', n - i)) &&
		    close[1] == '(' && (end = memchr(close, ')', n - (size_t)
		    (close - s))) && (u = url_len(close + 2, (size_t)(end -
		    close - 2))) == (size_t)(end - close - 2) && close > s + i + 1) {
			/* [text](url) */
			FLUSH();
			rc |= anchor(out, close + 2, u, s + i + 1,
			    (size_t)(close - s - i - 1));
			i = from = (size_t)(end - s) + 1;
		} else if (s[i] == '<' && (u = url_len(s + i + 1, n - i - 1)) &&
		    s[i + 1 + u] == '>') {
			/* <https://...> */
			FLUSH();
			rc |= anchor(out, s + i + 1, u, s + i + 1, u);
			i = from = i + u + 2;
		} else if ((i == 0 || !((unsigned char)s[i - 1] > ' ' &&
		    s[i - 1] != '(')) && (u = url_len(s + i, n - i))) {
			/* A bare URL, without the full stop that ends a
			 * sentence after it. */
			while (u > 0 && strchr(".,;:!?)", s[i + u - 1]))
				u--;
			FLUSH();
			rc |= anchor(out, s + i, u, s + i, u);
			i = from = i + u;
		} else if (s[i] == '`' && (close = memchr(s + i + 1, '`',
		    n - i - 1)) != NULL && close > s + i + 1) {
			FLUSH();
			rc |= buf_addstr(out, "<code>");
			rc |= html_textn(out, s + i + 1, (size_t)(close - s -
			    i - 1));
			rc |= buf_addstr(out, "</code>");
			i = from = (size_t)(close - s) + 1;
		} else if (s[i] == '*' && i + 1 < n && s[i + 1] == '*' &&
		    (end = strstr(s + i + 2, "**")) != NULL && end > s + i + 2) {
			FLUSH();
			rc |= buf_addstr(out, "<strong>");
			rc |= html_textn(out, s + i + 2, (size_t)(end - s - i -
			    2));
			rc |= buf_addstr(out, "</strong>");
			i = from = (size_t)(end - s) + 2;
		} else if (s[i] == '\n') {
			FLUSH();
			/* A blank line parts paragraphs; a line break is a space. */
			for (k = i; k < n && (s[k] == '\n' || s[k] == '\r' ||
			    s[k] == ' ' || s[k] == '\t'); k++)
				;
			if (memchr(s + i + 1, '\n', k - i - 1) != NULL)
				rc |= buf_addstr(out, "<br><br>");
			else
				rc |= buf_addch(out, ' ');
			i = from = k;
		} else
			i++;
	}
	FLUSH();
#undef FLUSH
	return rc ? -1 : 0;
}

int
html_name(struct buf *out, const char *name)
{
	size_t i, n = name ? strlen(name) : 0, from = 0;
	int rc = 0;

	for (i = 1; i < n; i++) {
		unsigned char c = (unsigned char)name[i],
		    prev = (unsigned char)name[i - 1];

		/* Before a capital after a small letter; after _ - . / */
		if ((c >= 'A' && c <= 'Z' && prev >= 'a' && prev <= 'z') ||
		    (strchr("_-./", (char)prev) && c != prev)) {
			rc |= html_textn(out, name + from, i - from);
			rc |= buf_addstr(out, "<wbr>");
			from = i;
		}
	}
	rc |= html_textn(out, name + from, n - from);
	return rc ? -1 : 0;
}
