/*
 * publish_list: muni-publish --list and --history, read from the current
 * generation's catalogue (publish_run.h has the contract).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "publish/catalog.h"
#include "publish/publication.h"
#include "publish/root.h"
#include "run/publish_run.h"
#include "base/banned.h"

static int
print_list(void *ctx, const struct cat_version *v)
{
	return buf_addf(ctx, "%s\t%s\t%s\t%llu\t%llu\t%s\n", v->dataset,
	    v->number, v->published, v->rows, v->bytes, v->sha256) < 0;
}

static int
print_history(void *ctx, const struct cat_version *v)
{
	struct buf *out = ctx;
	int rc;

	rc = buf_addf(out, "%s\t%s\t%s\t%llu\t", v->stamp, v->number,
	    v->published, v->rows);
	if (v->compared)
		rc |= buf_addf(out, "+%llu -%llu ~%llu", v->added, v->removed,
		    v->changed);
	else
		rc |= buf_addstr(out, "-");
	rc |= buf_addf(out, "\t%s\t%s\t%s\n", v->validation,
	    v->anonymization, v->sha256);
	return rc < 0;
}

/*
 * The current catalogue of a folder for --list and --history: with the
 * lock, what a killed run left is removed first; without it (the folder
 * may only be read, or a publication is under way), the current
 * generation is read as it is, which reading needs no more.
 */
static struct catalog *
open_listing(const struct publish_run_options *o,
    const struct root_defaults *rd, struct publication *p, int *none,
    struct muni_err *e)
{
	struct stat st;
	int rc;

	memset(p, 0, sizeof(*p));
	p->lockfd = p->peekfd = -1;
	if (stat(o->root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		err_sys(e, MUNI_EXIT_USAGE, errno ? errno : ENOTDIR, "cannot "
		    "use the publication folder '%s'", o->root);
		return NULL;
	}
	rc = root_open(p, o->root, rd, 0, o->wait, e);
	if (rc == -2) {
		err_clear(e);
		p->lockfd = -1;
		return publication_peek(o->root, none, &p->peekfd, e);
	}
	if (rc < 0)
		return NULL;
	return publication_read(p, none, e);
}

int
publish_run_list(const struct publish_run_options *o, struct buf *out,
    struct muni_err *e)
{
	struct root_defaults rd = { o->base_url, o->catalog_title };
	struct publication p;
	struct catalog *c;
	int rc, none = 0;

	c = open_listing(o, &rd, &p, &none, e);
	rc = c ? catalog_each(c, NULL, print_list, out, e) : none ? 0 : -1;
	catalog_close(c);
	publication_close(&p);
	return rc < 0 ? e->status : MUNI_EXIT_OK;
}

int
publish_run_history(const struct publish_run_options *o, const char *name,
    struct buf *out, struct muni_err *e)
{
	struct root_defaults rd = { o->base_url, o->catalog_title };
	struct publication p;
	struct catalog *c;
	struct cat_version cur;
	int rc = -1, none = 0;

	c = open_listing(o, &rd, &p, &none, e);
	if (c || none) {
		rc = c ? catalog_current(c, name, &cur, e) : 0;
		if (c)
			cat_version_release(&cur);
		if (rc == 0) {
			err_set(e, MUNI_EXIT_USAGE, "no dataset '%s' in '%s'",
			    name, o->root);
			rc = -1;
		} else if (rc > 0)
			rc = catalog_each(c, name, print_history, out, e);
	}
	catalog_close(c);
	publication_close(&p);
	return rc < 0 ? e->status : MUNI_EXIT_OK;
}
