/*
 * publish_run.c is the run's steps in their order, from the gate to the
 * switch, with what each leaves to undo; the files it writes are made by
 * publish/ (datafile, root, catalog, page, dcat, datapackage).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "base/atomic.h"
#include "base/buf.h"
#include "base/digest.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/outfile.h"
#include "csv/csvout.h"
#include "json/json.h"
#include "publish/catalog.h"
#include "publish/changelog.h"
#include "publish/datafile.h"
#include "publish/datagouv.h"
#include "publish/datapackage.h"
#include "publish/extent.h"
#include "publish/folder.h"
#include "publish/leaflet.h"
#include "publish/meta.h"
#include "publish/mappoints.h"
#include "publish/page.h"
#include "publish/publication.h"
#include "publish/profile.h"
#include "publish/root.h"
#include "run/publish_run.h"
#include "run/publish_version.h"
#include "run/validate_run.h"
#include "schema/schema.h"
#include "base/banned.h"

#define PATH_MAX_LEN FOLDER_PATH_MAX

static void note(const struct publish_run_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(const struct publish_run_options *o, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	if (o->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	o->note(o->note_ctx, text);
}

/* What the validation run hands over, record by record. */
struct collect {
	unsigned long long rows;
	int header;
	struct page_preview preview;
	struct changelog *idx;
	struct extent extent;	/* where the rows' points are */
	struct profile *profile;	/* what each column holds */
	struct mappoints map;		/* the points drawn on the page */
	int bare;			/* MUNI_TEST_NO_PROFILE (profile.h) */
};

static int
collect_record(void *ctx, const struct record *rec, struct muni_err *e)
{
	struct collect *c = ctx;

	if (c->header) {
		double lon, lat;

		c->rows++;
		if ((extent_add(&c->extent, rec, &lon, &lat) && !c->bare &&
		    mappoints_add(&c->map, lon, lat, c->rows, rec) < 0) ||
		    (!c->bare && profile_add(c->profile, rec) < 0)) {
			err_nomem(e);
			return -1;
		}
	} else {
		c->header = 1;
		extent_header(&c->extent, rec);
		profile_header(c->profile, rec);
		if (mappoints_header(&c->map, rec) < 0) {
			err_nomem(e);
			return -1;
		}
	}
	if (page_preview_add(&c->preview, rec) < 0) {
		err_nomem(e);
		return -1;
	}
	if (c->header && c->rows && changelog_add(c->idx, rec, e) < 0)
		return -1;
	return 0;
}

/* Whether ROOT/NAME is free or a link of muni's. */
static int
check_link(const struct publish_run_options *o, const char *name,
    struct muni_err *e)
{
	char link_path[PATH_MAX_LEN];
	struct stat st;

	if (folder_path(link_path, e, "%s/%s", o->root, name) < 0)
		return -1;
	if (lstat(link_path, &st) == 0 && !S_ISLNK(st.st_mode)) {
		err_set(e, MUNI_EXIT_IO, "'%s' exists and is not a publication "
		    "of muni: move it away first", link_path);
		return -1;
	}
	return 0;
}

/* A catalogue's versions, as catalog_versions() gives them. */
struct versions {
	struct cat_version *v;
	size_t n;
};

struct run {
	const struct publish_run_options *o;
	struct root_defaults rd;	/* o's, for the root's pages */
	struct publication pub;
	struct meta *m;
	struct buf schema_text;
	yajl_val schema, provenance;
	struct schema *typed;	/* the schema parsed, for the extent */
	char schema_name[128];	/* its "name", or its URL's last part */
	char schema_sha[65];
	size_t *key, nkey;
	struct buf key_names;
	struct catalog *c;	/* the current generation's, or NULL */
	char base[2048];	/* the catalogue's base URL */
	char title[512];	/* and its title */
	char tmp[PATH_MAX_LEN];
	struct collect col;
	struct cat_version v, cur;
	int found;
	struct versions hist;
};

static void
run_release(struct run *r)
{
	size_t i;

	if (r->tmp[0])
		folder_remove(r->tmp);
	meta_free(r->m);
	buf_release(&r->schema_text);
	buf_release(&r->key_names);
	yajl_tree_free(r->schema);
	schema_free(r->typed);
	yajl_tree_free(r->provenance);
	free(r->key);
	catalog_close(r->c);
	publication_close(&r->pub);
	page_preview_release(&r->col.preview);
	profile_free(r->col.profile);
	mappoints_release(&r->col.map);
	changelog_free(r->col.idx);
	cat_version_release(&r->v);
	cat_version_release(&r->cur);
	for (i = 0; i < r->hist.n; i++)
		cat_version_release(&r->hist.v[i]);
	free(r->hist.v);
}

/*
 * The schema's name, by which the themes of a national schema are known:
 * its "name", else the folder of its URL or path before the file
 * (".../scdl/subventions/2.1.0/schema.json" is "subventions").
 */
static void
schema_name(yajl_val schema, const char *where, char *out, size_t n)
{
	yajl_val v = json_member(schema, "name");
	const char *end, *start;

	out[0] = '\0';
	if (YAJL_IS_STRING(v)) {
		snprintf(out, n, "%s", v->u.string);
		return;
	}
	/* The last part that is not a file name or a version. */
	end = where + strlen(where);
	while (end > where) {
		start = end;
		while (start > where && start[-1] != '/')
			start--;
		if (end > start && memchr(start, '.', (size_t)(end - start)) ==
		    NULL && !(start[0] >= '0' && start[0] <= '9') &&
		    !(start[0] == 'v' && start[1] >= '0' && start[1] <= '9')) {
			snprintf(out, n, "%.*s", (int)(end - start), start);
			return;
		}
		end = start > where ? start - 1 : where;
	}
}

/* Everything that can be checked before the data is read. */
static int
prepare(struct run *r, struct muni_err *e)
{
	const struct publish_run_options *o = r->o;

	r->m = meta_load(o->meta, e);
	if (r->m == NULL)
		return -1;
	if (!r->m->license_allowed)
		note(o, "warning: the licence '%s' is not one of those a "
		    "public administration may use without approval "
		    "(etalab-2.0, ODbL-1.0): it needs approval (décret "
		    "2017-638)\n", r->m->license);
	if (r->m->personal_data && (r->m->legal_basis == NULL ||
	    r->m->legal_basis[0] == '\0')) {
		err_set(e, MUNI_EXIT_DATA, "nothing published: metadata '%s' "
		    "declares personal data without a legal basis "
		    "(personal_data.legal_basis)", o->meta);
		return -1;
	}
	if (version_read_doc(o->schema, "schema", &r->schema_text, e) < 0)
		return -1;
	r->schema = version_parse_doc(&r->schema_text, "schema", o->schema, e);
	if (r->schema == NULL ||
	    digest_of(r->schema_text.ptr, r->schema_text.len, r->schema_sha) < 0)
		return -1;
	r->typed = schema_parse(r->schema_text.ptr, r->schema_text.len,
	    o->schema, e);
	if (r->typed == NULL)
		return -1;
	extent_init(&r->col.extent, r->typed);
	r->col.bare = getenv("MUNI_TEST_NO_PROFILE") != NULL;
	if ((r->col.profile = profile_new(r->typed)) == NULL) {
		err_nomem(e);
		return -1;
	}
	schema_name(r->schema, o->schema_url ? o->schema_url :
	    r->m->schema_url ? r->m->schema_url : o->schema, r->schema_name,
	    sizeof(r->schema_name));
	if (version_primary_key(r->typed, &r->key, &r->nkey, &r->key_names) < 0) {
		err_nomem(e);
		return -1;
	}
	if (o->diff && r->nkey == 0) {
		err_set(e, MUNI_EXIT_USAGE, "--diff needs a schema with a "
		    "primaryKey: '%s' has none", o->schema);
		return -1;
	}
	return 0;
}

/*
 * What the tools before in the pipeline wrote beside the data, read once
 * the data has ended: muni-fetch and muni-anonymize write their records
 * before they exit, which is before the end of the data reaches here.
 */
static int
after_data(struct run *r, const char *sha, struct muni_err *e)
{
	const struct publish_run_options *o = r->o;
	struct buf b;

	if (version_anonymization(o->anonymization_report, sha, &r->v, e) < 0)
		return -1;
	if (o->provenance) {
		buf_init(&b, SCHEMA_MAX_BYTES);
		if (version_read_doc(o->provenance, "provenance", &b, e) == 0)
			r->provenance = version_parse_doc(&b, "provenance",
			    o->provenance, e);
		buf_release(&b);
		if (r->provenance == NULL)
			return -1;
	}
	return 0;
}

/* Validate, write, hash and index the data in r->tmp. */
static int
take_data(struct run *r, struct muni_err *e)
{
	const struct publish_run_options *o = r->o;
	struct validate_run_options vo;
	struct datafile s;
	struct muni_err ve;
	char csv[PATH_MAX_LEN], gz[PATH_MAX_LEN];
	int wfd = -1, status, rc;

	if (folder_path(csv, e, "%s/%s.csv", r->tmp, r->m->name) < 0 ||
	    folder_path(gz, e, "%s/%s.csv.gz", r->tmp, r->m->name) < 0)
		return MUNI_EXIT_USAGE;
	r->col.idx = changelog_new(r->tmp, r->key, r->nkey, e);
	if (r->col.idx == NULL)
		return MUNI_EXIT_IO;
	if (datafile_start(&s, csv, o->gzip ? gz : NULL, &wfd, e) < 0) {
		datafile_finish(&s, -1, csv, e);
		return MUNI_EXIT_IO;
	}
	validate_run_options_init(&vo);
	vo.csv = o->csv;
	vo.input = o->input;
	/* The schema read once (a URL is not fetched twice), named as given. */
	vo.schema = o->schema;
	vo.schema_text = r->schema_text.ptr;
	vo.schema_len = r->schema_text.len;
	vo.out_fd = wfd;
	vo.prog = o->prog;
	vo.diag = o->diag;
	vo.diag_ctx = o->diag_ctx;
	vo.on_record = collect_record;
	vo.record_ctx = &r->col;
	err_clear(&ve);
	status = validate_run(&vo, &ve);
	rc = datafile_finish(&s, wfd, csv, e);
	if (status != MUNI_EXIT_OK && status != MUNI_EXIT_DATA) {
		*e = ve;
		return status;
	}
	if (rc < 0)
		return MUNI_EXIT_IO;
	/* A failed anonymization explains an empty input: it comes first. */
	if (after_data(r, s.sha, e) < 0)
		return e->status;
	if (!r->col.header) {
		err_set(e, MUNI_EXIT_DATA, "nothing published: the input is "
		    "empty (a header row is needed)");
		return MUNI_EXIT_DATA;
	}
	if (status == MUNI_EXIT_DATA && !o->allow_invalid) {
		err_set(e, MUNI_EXIT_DATA, "nothing published: the data does "
		    "not validate against '%s' (--allow-invalid publishes it "
		    "anyway, and says so in the metadata)", o->schema);
		return MUNI_EXIT_DATA;
	}
	snprintf(r->v.validation, sizeof(r->v.validation), "%s",
	    status == MUNI_EXIT_OK ? "valid" : "invalid (allowed)");
	snprintf(r->v.sha256, sizeof(r->v.sha256), "%s", s.sha);
	r->v.bytes = s.bytes;
	if (o->gzip) {
		snprintf(r->v.gz_sha256, sizeof(r->v.gz_sha256), "%s",
		    s.gzsha);
		r->v.gz_bytes = s.gzbytes;
	}
	r->v.rows = r->col.rows;
	return MUNI_EXIT_OK;
}

/*
 * A new dataset's identifier: a UUID from the dataset's IRI (the base
 * URL and its name), which no later change of its metadata changes. It
 * is kept in catalog.db from then on; the metadata may pin another.
 */
static void
make_identifier(const char *base, const struct meta *m, char out[80])
{
	struct buf b;
	char h[65];

	buf_init(&b, 4096);
	buf_addf(&b, "muni:%s%s%s/", base, base[0] && base[strlen(base) - 1] !=
	    '/' ? "/" : "", m->name);
	if (digest_of(b.ptr, b.len, h) < 0)
		memset(h, '0', 64);
	buf_release(&b);
	/* The form of a version-5-like UUID: 8-4-4-4-12, variant 10. */
	snprintf(out, 80, "urn:uuid:%.8s-%.4s-5%.3s-%c%.3s-%.12s", h, h + 8,
	    h + 13, "89ab"[(h[16] - '0') & 3], h + 17, h + 20);
}

static int
render_descriptor(struct run *r, int stable, struct buf *out)
{
	struct datapackage_input in;

	memset(&in, 0, sizeof(in));
	in.meta = r->m;
	in.v = &r->v;
	in.schema = r->schema;
	in.schema_url = r->o->schema_url ? r->o->schema_url :
	    r->m->schema_url;
	in.provenance = r->provenance;
	in.previous = r->found ? r->cur.number : NULL;
	in.allow_invalid = r->o->allow_invalid;
	in.stable = stable;
	in.extent = &r->col.extent;
	in.themes = r->m->nthemes ? r->m->themes : meta_schema_themes(
	    r->schema_name);
	return datapackage_render(&in, out);
}

/* Compare with the current version's rows; --diff writes the keys. */
static int
changelog(struct run *r, const char *new_idx, struct muni_err *e)
{
	const struct publish_run_options *o = r->o;
	struct changelog_diff d;
	struct outfile df;
	char old[PATH_MAX_LEN], keyfile[PATH_MAX_LEN];
	struct buf oldkey;
	int fd, same = 0, rc;

	if (!r->found)
		return 0;
	if (folder_path(old, e, "%s/.muni/%s/%s.idx", o->root, r->m->name,
	    r->cur.stamp) < 0 || folder_path(keyfile, e, "%s/.muni/%s/%s/"
	    "schema.json", o->root, r->m->name, r->cur.stamp) < 0)
		return -1;
	/* Rows compare only under the same key. */
	buf_init(&oldkey, SCHEMA_MAX_BYTES);
	fd = open(keyfile, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fd_read_all(fd, &oldkey) == 0) {
		struct muni_err ignored;
		struct schema *s = schema_parse(oldkey.ptr, oldkey.len,
		    keyfile, &ignored);
		size_t *k = NULL, nk = 0;
		struct buf names;

		buf_init(&names, 1 << 20);
		if (s && version_primary_key(s, &k, &nk, &names) == 0)
			same = nk == r->nkey && strcmp(names.ptr,
			    r->key_names.ptr) == 0;
		free(k);
		buf_release(&names);
		schema_free(s);
	}
	if (fd >= 0)
		close(fd);
	buf_release(&oldkey);
	if (!same || access(old, R_OK) < 0)
		return 0;
	memset(&df, 0, sizeof(df));
	if (o->diff && outfile_open(&df, o->diff, e) < 0)
		return -1;
	if (o->diff)
		csvout_flush(&df.out);
	rc = changelog_compare(old, new_idx, o->diff ? df.fd : -1,
	    r->key_names.ptr, &d, e);
	if (o->diff && outfile_close(&df, rc == 0, e) < 0)
		rc = -1;
	if (rc < 0)
		return -1;
	r->v.compared = 1;
	r->v.added = d.added;
	r->v.removed = d.removed;
	r->v.changed = d.changed;
	return 0;
}

/* The columns' profile, as JSON, into out. */
static int
render_profile(struct run *r, struct buf *out)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g == NULL)
		return -1;
	if (profile_json(r->col.profile, g) < 0) {
		yajl_gen_free(g);
		return -1;
	}
	return json_finish(g, out);
}

static int
write_version_files(struct run *r, const struct versions *kept,
    struct muni_err *e)
{
	struct page_dataset pd;
	struct buf out;
	char p[PATH_MAX_LEN];
	yajl_val desc = NULL, prof = NULL;
	int rc = -1;

	buf_init(&out, (size_t)256 << 20);
	if (render_descriptor(r, 0, &out) < 0) {
		err_set(e, MUNI_EXIT_IO, "cannot render datapackage.json");
		goto done;
	}
	r->v.descriptor = strdup(out.ptr);
	desc = json_parse(out.ptr, NULL, 0);
	if (r->v.descriptor == NULL || desc == NULL) {
		err_nomem(e);
		goto done;
	}
	if (folder_path(p, e, "%s/datapackage.json", r->tmp) < 0 ||
	    folder_write(p, out.ptr, out.len, e) < 0)
		goto done;
	if (folder_path(p, e, "%s/schema.json", r->tmp) < 0 ||
	    folder_write(p, r->schema_text.ptr, r->schema_text.len, e) < 0)
		goto done;
	buf_reset(&out);
	if (render_profile(r, &out) < 0 || (r->v.profile = strdup(out.ptr)) ==
	    NULL || (prof = json_parse(out.ptr, NULL, 0)) == NULL) {
		err_set(e, MUNI_EXIT_IO, "cannot render the columns' profile");
		goto done;
	}
	buf_reset(&out);
	memset(&pd, 0, sizeof(pd));
	pd.profile = prof;
	pd.extent = &r->col.extent;
	pd.map = &r->col.map;
	if (r->col.map.n > 0 &&
	    (pd.leaflet = leaflet_copy(r->tmp, e)) < 0)
		goto done;
	pd.descriptor = desc;
	pd.schema = r->schema;
	pd.v = &r->v;
	pd.preview = &r->col.preview;
	pd.history = kept->v;
	pd.nhistory = kept->n;
	if (page_dataset(&pd, &out) < 0) {
		err_set(e, MUNI_EXIT_IO, "cannot render index.html");
		goto done;
	}
	if (folder_path(p, e, "%s/index.html", r->tmp) < 0 ||
	    folder_write(p, out.ptr, out.len, e) < 0)
		goto done;
	rc = 0;
done:
	yajl_tree_free(desc);
	yajl_tree_free(prof);
	buf_release(&out);
	return rc;
}

/*
 * The dates of first publication, of the catalogue and of the dataset,
 * set once: the earliest version known (catalogues made before these
 * dates were kept), else this one.
 */
static int
first_issue(struct run *r, struct catalog *c, struct muni_err *e)
{
	const char *first = r->v.published;
	char key[128], have[64];
	size_t i;

	for (i = 0; i < r->hist.n; i++)
		if (strcmp(r->hist.v[i].published, first) < 0)
			first = r->hist.v[i].published;
	snprintf(key, sizeof(key), "issued/%s", r->m->name);
	if (!catalog_setting(c, key, have, sizeof(have)) &&
	    catalog_set(c, key, first, e) < 0)
		return -1;
	if (!catalog_setting(c, "issued", have, sizeof(have)) &&
	    catalog_set(c, "issued", first, e) < 0)
		return -1;
	return 0;
}

static int
publish_local(struct run *r, struct muni_err *e)
{
	const struct publish_run_options *o = r->o;
	struct versions kept;
	struct catalog *next = NULL;
	struct buf stable;
	char meta_sha[65], idx[PATH_MAX_LEN], dest[PATH_MAX_LEN],
	    didx[PATH_MAX_LEN], dsdir[PATH_MAX_LEN];
	const char **drop = NULL;
	size_t nkept, i;

	buf_init(&stable, (size_t)256 << 20);
	if (render_descriptor(r, 1, &stable) < 0 ||
	    digest_of(stable.ptr, stable.len, meta_sha) < 0) {
		buf_release(&stable);
		err_set(e, MUNI_EXIT_IO, "cannot render datapackage.json");
		return MUNI_EXIT_IO;
	}
	buf_release(&stable);
	snprintf(r->v.meta_sha256, sizeof(r->v.meta_sha256), "%s", meta_sha);
	if (r->found && strcmp(r->cur.sha256, r->v.sha256) == 0 &&
	    strcmp(r->cur.meta_sha256, meta_sha) == 0) {
		if (o->summary)
			note(o, "%s: unchanged, version %s (%llu rows) stays "
			    "published\n", r->m->name, r->cur.number,
			    r->cur.rows);
		return MUNI_EXIT_OK;
	}
	if (folder_path(idx, e, "%s/rows.idx", r->tmp) < 0)
		return MUNI_EXIT_USAGE;
	{
		struct changelog *x = r->col.idx;

		r->col.idx = NULL;
		if (changelog_finish(x, idx, e) < 0)
			return MUNI_EXIT_IO;
	}
	if (changelog(r, idx, e) < 0)
		return e->status;
	version_number(&r->cur, r->found, r->schema_sha, r->v.sha256,
	    r->v.number);
	if (version_time(&r->cur, r->found, r->v.stamp, r->v.published,
	    e) < 0)
		return e->status;
	/*
	 * The versions kept: the new one and the newest earlier ones, --keep
	 * counting the new one; the page and the live view list them. The
	 * others are forgotten by the new generation's catalogue.
	 */
	nkept = r->hist.n;
	if (o->keep && nkept > o->keep - 1)
		nkept = o->keep - 1;
	kept.v = malloc((nkept + 1) * sizeof(*kept.v));
	drop = calloc(r->hist.n - nkept + 1, sizeof(*drop));
	if (kept.v == NULL || drop == NULL) {
		err_nomem(e);
		goto fail;
	}
	kept.v[0] = r->v;
	kept.v[0].descriptor = NULL;
	if (nkept)
		memcpy(kept.v + 1, r->hist.v, nkept * sizeof(*kept.v));
	kept.n = nkept + 1;
	for (i = nkept; i < r->hist.n; i++)
		drop[i - nkept] = r->hist.v[i].stamp;
	if (write_version_files(r, &kept, e) < 0)
		goto fail;
	if (folder_path(dsdir, e, "%s/.muni/%s", o->root, r->m->name) < 0 ||
	    folder_path(dest, e, "%s/%s", dsdir, r->v.stamp) < 0 ||
	    folder_path(didx, e, "%s/%s.idx", dsdir, r->v.stamp) < 0)
		goto fail;
	if (rename(idx, didx) < 0 || folder_sync(r->tmp) < 0 ||
	    rename(r->tmp, dest) < 0 || folder_sync(dsdir) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", dest);
		goto fail;
	}
	r->tmp[0] = '\0';
	folder_test_crash("version");
	if (publication_live(&r->pub, r->m->name, r->v.stamp, kept.v, kept.n,
	    e) < 0)
		goto fail;
	folder_test_crash("live");
	next = publication_begin(&r->pub, r->c, e);
	if (next == NULL || catalog_set(next, "base_url", r->base, e) < 0 ||
	    catalog_set(next, "catalog_title", r->title, e) < 0 ||
	    first_issue(r, next, e) < 0 ||
	    catalog_add(next, &r->v, drop, r->hist.n - nkept, e) < 0)
		goto fail;
	folder_test_crash("catalog");
	free(kept.v);
	free(drop);
	/* Everything written and synced, then one rename. */
	if (publication_switch(&r->pub, next, e) < 0)
		return MUNI_EXIT_IO;
	if (o->summary) {
		if (r->v.compared)
			note(o, "%s: published version %s (%s): %llu rows, "
			    "%llu added, %llu removed, %llu changed\n",
			    r->m->name, r->v.number, r->v.stamp, r->v.rows,
			    r->v.added, r->v.removed, r->v.changed);
		else
			note(o, "%s: published version %s (%s): %llu rows\n",
			    r->m->name, r->v.number, r->v.stamp, r->v.rows);
	}
	return MUNI_EXIT_OK;
fail:
	catalog_close(next);
	free(kept.v);
	free(drop);
	return MUNI_EXIT_IO;
}

int
publish_run_target(struct publish_run_options *o, const char *to, int listing,
    struct muni_err *e)
{
	if (strncmp(to, "datagouv:", 9) != 0) {
		o->root = to;
		return 0;
	}
	o->datagouv = to + 9;
	if (o->datagouv[0] == '\0' || o->api_key_file == NULL) {
		err_set(e, MUNI_EXIT_USAGE, "--to datagouv:ID needs the "
		    "dataset's id and --api-key-file");
		return -1;
	}
	if (listing) {
		err_set(e, MUNI_EXIT_USAGE, "--list and --history read a "
		    "publication folder");
		return -1;
	}
	return 0;
}

/* --to datagouv:ID: the same gate, then the file sent to the API. */
static int
publish_datagouv(struct run *r, struct muni_err *e)
{
	const struct publish_run_options *o = r->o;
	struct datagouv_upload u;
	char csv[PATH_MAX_LEN], title[128], rid[128];
	const char *tmpdir = getenv("TMPDIR");
	int status, rc;

	if (folder_path(r->tmp, e, "%s/muni-publish-XXXXXX",
	    tmpdir && tmpdir[0] ? tmpdir : "/tmp") < 0)
		return MUNI_EXIT_USAGE;
	if (mkdtemp(r->tmp) == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create '%s'", r->tmp);
		r->tmp[0] = '\0';
		return MUNI_EXIT_IO;
	}
	status = take_data(r, e);
	if (status != MUNI_EXIT_OK)
		return status;
	snprintf(title, sizeof(title), "%s.csv", r->m->name);
	if (folder_path(csv, e, "%s/%s", r->tmp, title) < 0)
		return MUNI_EXIT_USAGE;
	memset(&u, 0, sizeof(u));
	u.api_url = o->api_url;
	u.dataset = o->datagouv;
	u.key_file = o->api_key_file;
	u.file = csv;
	u.title = title;
	u.description = r->m->description;
	u.sha256 = r->v.sha256;
	u.schema_url = o->schema_url ? o->schema_url : r->m->schema_url;
	u.private_dataset = o->private_dataset;
	rc = datagouv_upload(&u, rid, e);
	if (rc < 0)
		return e->status;
	if (o->summary)
		note(o, "%s: %s resource %s of data.gouv.fr dataset %s (%llu "
		    "rows)\n", r->m->name, rc ? "uploaded to" : "unchanged,",
		    rid, o->datagouv, r->v.rows);
	return MUNI_EXIT_OK;
}

/*
 * A publication refused in a folder that had none: what root_open() and
 * the run made (catalog.db and its journal, .muni/ and its lock, the
 * folder itself if it was made) is taken away, so that refused means
 * nothing on disk. rmdir() leaves a folder that holds anything else.
 */
/*
 * The base URL and title of the catalogue: given now (option, then
 * metadata), else as the publication was given them. Without a base URL
 * the catalogue's IRIs would be relative, which harvesters cannot read.
 */
static int
settings(struct run *r, struct muni_err *e)
{
	const struct publish_run_options *o = r->o;

	r->base[0] = r->title[0] = '\0';
	if (o->base_url)
		snprintf(r->base, sizeof(r->base), "%s", o->base_url);
	else if (r->m->base_url)
		snprintf(r->base, sizeof(r->base), "%s", r->m->base_url);
	else if (r->c)
		catalog_setting(r->c, "base_url", r->base, sizeof(r->base));
	if (r->base[0] == '\0') {
		err_set(e, MUNI_EXIT_USAGE, "a catalogue for portals needs "
		    "absolute URLs: give --base-url, where '%s' is served "
		    "(such as https://data.example.fr/opendata/), or "
		    "\"base_url\" in the metadata; it is remembered for the "
		    "next publications", o->root);
		return -1;
	}
	if (o->catalog_title)
		snprintf(r->title, sizeof(r->title), "%s", o->catalog_title);
	else if (!r->c || !catalog_setting(r->c, "catalog_title", r->title,
	    sizeof(r->title)))
		snprintf(r->title, sizeof(r->title), "%s", DEFAULT_TITLE);
	return 0;
}

static void
undo_new(const struct publish_run_options *o, const char *name, int made_root)
{
	char path[PATH_MAX_LEN];
	struct muni_err e;

	if (folder_path(path, &e, "%s/.muni/lock", o->root) == 0)
		unlink(path);
	if (name && folder_path(path, &e, "%s/.muni/%s", o->root, name) == 0)
		rmdir(path);
	if (folder_path(path, &e, "%s/.muni", o->root) == 0)
		rmdir(path);
	if (made_root)
		rmdir(o->root);
}

int
publish_run(const struct publish_run_options *o, struct muni_err *e)
{
	struct run r;
	char dsdir[PATH_MAX_LEN];
	int status, fresh = 0, made_root = 0, none;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.pub.lockfd = r.pub.peekfd = -1;
	buf_init(&r.schema_text, SCHEMA_MAX_BYTES);
	buf_init(&r.key_names, (size_t)1 << 20);
	page_preview_init(&r.col.preview);
	mappoints_init(&r.col.map);
	status = MUNI_EXIT_USAGE;
	if (prepare(&r, e) < 0) {
		status = e->status;
		goto done;
	}
	snprintf(r.v.dataset, sizeof(r.v.dataset), "%s", r.m->name);
	snprintf(r.v.schema_sha256, sizeof(r.v.schema_sha256), "%s",
	    r.schema_sha);
	if (o->datagouv) {
		status = publish_datagouv(&r, e);
		goto done;
	}
	/* A refused first publication leaves nothing behind: see undo_new(). */
	made_root = access(o->root, F_OK) != 0;
	r.rd.base_url = o->base_url;
	r.rd.catalog_title = o->catalog_title;
	if (root_open(&r.pub, o->root, &r.rd, 1, o->wait, e) < 0) {
		status = e->status;
		goto done;
	}
	r.c = publication_read(&r.pub, &none, e);
	if (r.c == NULL && !none) {
		status = e->status;
		goto done;
	}
	fresh = none;
	if (check_link(o, r.m->name, e) < 0) {
		status = e->status;
		goto done;
	}
	if (folder_path(dsdir, e, "%s/.muni/%s", o->root, r.m->name) < 0 ||
	    folder_make(dsdir, e) < 0 ||
	    folder_path(r.tmp, e, "%s/.tmp-XXXXXX", dsdir) < 0) {
		status = e->status;
		goto done;
	}
	if (mkdtemp(r.tmp) == NULL || chmod(r.tmp, 0755) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create '%s'", r.tmp);
		r.tmp[0] = '\0';
		status = MUNI_EXIT_IO;
		goto done;
	}
	r.found = r.c ? catalog_current(r.c, r.m->name, &r.cur, e) : 0;
	if (r.found < 0 || (r.c && (catalog_versions(r.c, r.m->name,
	    &r.hist.v, &r.hist.n, e) < 0 || catalog_profiles(r.c, r.m->name,
	    r.hist.v, r.hist.n, TREND_VERSIONS - 1, e) < 0))) {
		status = MUNI_EXIT_IO;
		goto done;
	}
	if (settings(&r, e) < 0) {
		status = e->status;
		goto done;
	}
	if (r.m->identifier)
		snprintf(r.v.identifier, sizeof(r.v.identifier), "%s",
		    r.m->identifier);
	else if (r.found)
		snprintf(r.v.identifier, sizeof(r.v.identifier), "%s",
		    r.cur.identifier);
	else
		make_identifier(r.base, r.m, r.v.identifier);
	status = take_data(&r, e);
	folder_test_crash("data");
	if (status == MUNI_EXIT_OK)
		status = publish_local(&r, e);
done:
	snprintf(dsdir, sizeof(dsdir), "%s", r.m ? r.m->name : "");
	run_release(&r);
	if (status != MUNI_EXIT_OK && fresh)
		undo_new(o, dsdir[0] ? dsdir : NULL, made_root);
	return status;
}
