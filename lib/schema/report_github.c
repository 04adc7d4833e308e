/*
 * report_github: a report as GitHub Actions workflow commands
 * (annotations on the files of a pull request).
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema/report.h"
#include "base/banned.h"

/* GitHub's escaping of annotation data (and, with props, of properties). */
static int
gh_escape(struct buf *out, const char *s, int props)
{
	int rc = 0;

	for (; s && *s; s++) {
		if (*s == '%')
			rc |= buf_addstr(out, "%25");
		else if (*s == '\r')
			rc |= buf_addstr(out, "%0D");
		else if (*s == '\n')
			rc |= buf_addstr(out, "%0A");
		else if (props && *s == ':')
			rc |= buf_addstr(out, "%3A");
		else if (props && *s == ',')
			rc |= buf_addstr(out, "%2C");
		else
			rc |= buf_addch(out, *s);
	}
	return rc;
}

int
report_set_github(const struct report_set *s, struct buf *out)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (report_github(s->r[i], out) < 0)
			return -1;
	return 0;
}

/*
 * file lexically absolute, without "." or ".." parts, into out (a path
 * through links stays one: it is the path the user knows); -1 when too
 * long or the working folder is unknown.
 */
static int
absolute(const char *file, char out[4096])
{
	char joined[8200];
	char *parts[1024], *tok, *save;
	size_t n = 0, i, len = 0;
	int k;

	if (file[0] != '/') {
		if (getcwd(joined, 4096) == NULL)
			return -1;
		len = strlen(joined);
		snprintf(joined + len, sizeof(joined) - len, "/%s", file);
	} else
		snprintf(joined, sizeof(joined), "%s", file);
	for (tok = strtok_r(joined, "/", &save); tok && n < 1024;
	    tok = strtok_r(NULL, "/", &save))
		if (strcmp(tok, "..") == 0)
			n -= n > 0;
		else if (strcmp(tok, ".") != 0)
			parts[n++] = tok;
	snprintf(out, 4096, "/");
	for (i = 0, len = 0; i < n; i++) {
		k = snprintf(out + len, 4096 - len, "/%s", parts[i]);
		if (k < 0 || (size_t)k >= 4096 - len)
			return -1;
		len += (size_t)k;
	}
	return 0;
}

/*
 * GitHub attaches an annotation to a file of the repository by its path
 * from the workspace: file (from the working folder) as a path from
 * GITHUB_WORKSPACE when set, else from the working folder; absolute when
 * outside it, as given when it cannot be worked out.
 */
static const char *
workspace_path(const char *file, char out[4096])
{
	const char *ws = getenv("GITHUB_WORKSPACE");
	char base[4096], full[4096], *real;
	size_t n;

	/* getcwd() is physical, so the workspace is taken physical too. */
	real = ws && ws[0] ? realpath(ws, NULL) : NULL;
	if (real && strlen(real) < sizeof(base))
		snprintf(base, sizeof(base), "%s", real);
	else if (absolute(ws && ws[0] ? ws : ".", base) < 0) {
		free(real);
		return file;
	}
	free(real);
	if (absolute(file, full) < 0)
		return file;
	n = strcmp(base, "/") == 0 ? 0 : strlen(base);
	snprintf(out, 4096, "%s", strncmp(full, base, n) == 0 &&
	    full[n] == '/' ? full + n + 1 : full);
	return out;
}

int
report_github(const struct report *r, struct buf *out)
{
	char where[4096];
	const char *file = r->file && strcmp(r->file, "-") ?
	    workspace_path(r->file, where) : "-";
	struct report_iter it;
	const struct verror *err;
	size_t i;
	int rc = 0;

	it = report_iter(r);
	while ((err = report_next(&it)) != NULL) {
		rc |= buf_addstr(out, "::error file=");
		rc |= gh_escape(out, file, 1);
		rc |= buf_addf(out, ",line=%llu,title=", err->line ?
		    err->line : 1);
		rc |= gh_escape(out, error_code_name(err->code), 1);
		rc |= buf_addstr(out, "::");
		if (err->row)
			rc |= buf_addf(out, "row %llu: ", err->row);
		if (err->field_name && err->field_name[0]) {
			rc |= buf_addstr(out, "field '");
			rc |= gh_escape(out, err->field_name, 0);
			rc |= buf_addstr(out, "': ");
		}
		rc |= gh_escape(out, err->message, 0);
		rc |= buf_addch(out, '\n');
		rc |= report_drain(r, out);
	}
	rc |= it.failed ? -1 : 0;
	report_iter_end(&it);
	for (i = 0; i < r->nwarnings; i++) {
		rc |= buf_addstr(out, "::warning file=");
		rc |= gh_escape(out, file, 1);
		rc |= buf_addstr(out, "::");
		rc |= gh_escape(out, r->warnings[i], 0);
		rc |= buf_addch(out, '\n');
	}
	return rc ? -1 : 0;
}
