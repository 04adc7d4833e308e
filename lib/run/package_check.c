/*
 * package_check.c is long because the checks of one publication (each
 * resource, its metadata, the catalogue, catalog.db) report into the same
 * reports and share what was learnt of each file (its hash, its rows).
 */
/* strcasestr, strptime, timegm. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <yajl/yajl_tree.h>

#include "base/atomic.h"
#include "base/buf.h"
#include "base/digest.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/i18n.h"
#include "json/conf.h"
#include "json/json.h"
#include "net/http.h"
#include "publish/catalog.h"
#include "publish/publication.h"
#include "run/package_check.h"
#include "schema/report.h"
#include "source/xmlrd.h"
#include "base/banned.h"

#define DESCRIPTOR_MAX ((size_t)64 << 20)
#define MAX_REPORTS 4096
#define MAX_FILES 8192

/* What was found of a file while it was validated: for the catalogue. */
struct file_fact {
	char path[2048];		/* relative to the publication's root */
	unsigned long long bytes, rows;
	char sha256[65];
	int read;			/* rows counted */
};

struct package_check_run {
	const struct package_check_options *o;
	char bound[4096];		/* the folder nothing may leave (realpath) */
	const char *root;		/* the folder report names are under */
	char *as_given;			/* reports named as the user gave them */
	struct report **r;
	size_t n;
	struct file_fact *facts;
	size_t nfacts;
	int failed;			/* a report could not be made */
};

static struct report *
new_report(struct package_check_run *p, const char *name, int package)
{
	struct report *r;

	if (p->n == MAX_REPORTS || (r = calloc(1, sizeof(*r))) == NULL) {
		p->failed = 1;
		return NULL;
	}
	validate_run_report_init(&p->o->v, r, name);
	r->package = package;
	p->as_given[p->n] = 0;
	p->r[p->n++] = r;
	return r;
}

static void add_error(struct report *r, enum error_code code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
add_error(struct report *r, enum error_code code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (r == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_add_simple(r, code, msg);
}

/* A metadata rule: a warning, or with --strict an error. */
static void rule(struct package_check_run *p, struct report *r,
    const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * An error's message leaves the file to the report (r->file); a warning,
 * which has no place of its own, names it.
 */
static void
rule(struct package_check_run *p, struct report *r, const char *where,
    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (r == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->o->strict)
		report_add_simple(r, ERR_PACKAGE, msg);
	else
		report_warn(r, "%s: %s", where, msg);
}

static const char *
str(yajl_val obj, const char *key)
{
	yajl_val v = json_member(obj, key);

	return YAJL_IS_STRING(v) && v->u.string[0] ? v->u.string : NULL;
}

static int
is_url(const char *s)
{
	return http_is_url(s);
}

/* A path of a descriptor stays in its folder: relative, no "..". */
static int
path_safe(const char *s)
{
	const char *p = s;

	if (s[0] == '/' || s[0] == '\0' || strchr(s, '\\') != NULL ||
	    strstr(s, "://") != NULL)
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		while (*p == '/')
			p++;
	}
	return 1;
}

/*
 * Whether path, every link followed, stays in the folder p->bound: 1 with
 * the resolved path in out, 0 when it leaves it, -1 (errno) when it
 * cannot be resolved. A link is followed only to be checked: what it
 * points to is never read when outside.
 */
static int
inside(const struct package_check_run *p, const char *path, char out[4096])
{
	char *real = realpath(path, NULL);
	size_t n = strlen(p->bound);
	int in;

	if (real == NULL)
		return -1;
	in = strncmp(real, p->bound, n) == 0 && (real[n] == '/' ||
	    real[n] == '\0') && strlen(real) < 4096;
	if (in)
		snprintf(out, 4096, "%s", real);
	free(real);
	return in;
}

/* Set the folder nothing may leave; -1 with e when it cannot be read. */
static int
set_bound(struct package_check_run *p, const char *dir, struct muni_err *e)
{
	char *real = realpath(dir, NULL);

	if (real == NULL || strlen(real) >= sizeof(p->bound)) {
		err_sys(e, MUNI_EXIT_USAGE, real ? ENAMETOOLONG : errno,
		    "cannot open '%s'", dir);
		free(real);
		return -1;
	}
	snprintf(p->bound, sizeof(p->bound), "%s", real);
	free(real);
	return 0;
}

int
package_check_is_package(const char *path)
{
	struct stat st;
	char head[4096];
	ssize_t n;
	int fd;

	if (stat(path, &st) < 0)
		return 0;
	if (S_ISDIR(st.st_mode))
		return 1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = fd_read_full(fd, head, sizeof(head) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	head[n] = '\0';
	/*
	 * A JSON object that names resources (a package), or a path and a
	 * schema or profile (a resource): a descriptor, not a CSV.
	 */
	return head[strspn(head, " \t\r\n\xef\xbb\xbf")] == '{' &&
	    (strstr(head, "\"resources\"") != NULL ||
	    (strstr(head, "\"path\"") != NULL &&
	    (strstr(head, "\"schema\"") != NULL ||
	    strstr(head, "\"profile\"") != NULL)));
}

/* The licences allowed without approval, by SPDX id, alias or URL. */
static int
licence_allowed(yajl_val lic)
{
	static const char *const ok[] = { "etalab-2.0", "lov2",
	    "licence-ouverte", "odbl", "odc-odbl", "etalab.gouv.fr/licence",
	    "opendatacommons.org/licenses/odbl", "etalab-licence-ouverte" };
	const char *s[3];
	size_t i, k;

	s[0] = str(lic, "name");
	s[1] = str(lic, "path");
	s[2] = str(lic, "title");
	for (k = 0; k < 3; k++)
		for (i = 0; s[k] && i < sizeof(ok) / sizeof(ok[0]); i++)
			if (strcasestr(s[k], ok[i]) != NULL)
				return 1;
	return 0;
}

/* The rules of the loi Lemaire and of data.gouv.fr on the metadata. */
static void
check_metadata(struct package_check_run *p, struct report *r, yajl_val d,
    const char *where)
{
	yajl_val lic = json_member(d, "licenses"),
		 c = json_member(d, "contributors");
	const char *date = str(d, "lastModified") ? str(d, "lastModified") :
	    str(d, "modified") ? str(d, "modified") : str(d, "created");
	size_t i;
	int producer = 0;

	if (!str(d, "title"))
		rule(p, r, where, _("no \"title\""));
	if (!str(d, "description"))
		rule(p, r, where, _("no \"description\""));
	if (!YAJL_IS_ARRAY(lic) || lic->u.array.len == 0)
		rule(p, r, where, _("no licence (\"licenses\"): the Licence Ouverte "
		    "2.0 (etalab-2.0) or the ODbL are expected"));
	else if (!licence_allowed(lic->u.array.values[0]))
		rule(p, r, where, _("the licence '%s' is not one a public "
		    "administration may use without approval (etalab-2.0, "
		    "ODbL-1.0)"), str(lic->u.array.values[0], "name") ?
		    str(lic->u.array.values[0], "name") :
		    str(lic->u.array.values[0], "path") ?
		    str(lic->u.array.values[0], "path") : "?");
	for (i = 0; YAJL_IS_ARRAY(c) && i < c->u.array.len; i++) {
		const char *role = str(c->u.array.values[i], "role");
		yajl_val roles = json_member(c->u.array.values[i], "roles");
		size_t k;

		if (role && (strcmp(role, "publisher") == 0 ||
		    strcmp(role, "producer") == 0))
			producer = 1;
		for (k = 0; YAJL_IS_ARRAY(roles) && k < roles->u.array.len; k++)
			if (YAJL_IS_STRING(roles->u.array.values[k]) &&
			    (strcmp(roles->u.array.values[k]->u.string,
			    "publisher") == 0 || strcmp(roles->u.array.
			    values[k]->u.string, "producer") == 0))
				producer = 1;
	}
	if (!producer && !json_member(d, "publisher"))
		rule(p, r, where, _("no producer (a contributor whose role is "
		    "\"publisher\")"));
	if (date == NULL)
		rule(p, r, where, _("no date of last update (\"created\")"));
	else {
		struct tm tm;
		const char *end;

		memset(&tm, 0, sizeof(tm));
		end = strptime(date, "%Y-%m-%dT%H:%M:%S", &tm);
		if (end == NULL)
			end = strptime(date, "%Y-%m-%d", &tm);
		if (end == NULL)
			add_error(r, ERR_PACKAGE, _("the date of last update "
			    "'%s' is not a date"), date);
		else if (timegm(&tm) > time(NULL) + 60)
			add_error(r, ERR_PACKAGE, _("the date of last update "
			    "'%s' is in the future"), date);
	}
	if (!str(d, "frequency") && !str(d, "updateFrequency") &&
	    !str(d, "accrualPeriodicity"))
		rule(p, r, where, _("no update frequency (\"frequency\")"));
}

/* The bytes of a file as read: counted and hashed in the reader. */
struct hashing {
	struct digest declared, sha256;
	int have_declared;
	unsigned long long bytes;
};

static void
hash_hook(void *ctx, const void *ptr, size_t n)
{
	struct hashing *h = ctx;

	h->bytes += n;
	digest_update(&h->sha256, ptr, n);
	if (h->have_declared)
		digest_update(&h->declared, ptr, n);
}

/* "sha256:hex", "md5:hex", or a bare hex digest (MD5, as v1 says). */
static int
parse_hash(const char *s, char alg[16], const char **hex)
{
	const char *colon = strchr(s, ':');

	if (colon == NULL) {
		snprintf(alg, 16, "MD5");
		*hex = s;
		return 0;
	}
	if (colon - s >= 15)
		return -1;
	snprintf(alg, 16, "%.*s", (int)(colon - s), s);
	for (char *c = alg; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	*hex = colon + 1;
	if (strcmp(alg, "SHA256") && strcmp(alg, "SHA1") &&
	    strcmp(alg, "MD5") && strcmp(alg, "SHA512"))
		return -1;
	return 0;
}

static void
fact_add(struct package_check_run *p, const char *path, const struct hashing *h,
    const char *sha, unsigned long long rows, int rows_known)
{
	struct file_fact *f;

	if (p->nfacts == MAX_FILES)
		return;
	f = &p->facts[p->nfacts++];
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->bytes = h->bytes;
	f->rows = rows;
	snprintf(f->sha256, sizeof(f->sha256), "%s", sha);
	f->read = rows_known;
}

/* Read a whole file only to hash it (a resource that is not a table). */
static int
hash_file(const char *path, struct hashing *h)
{
	char b[1 << 16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((n = fd_read_full(fd, b, sizeof(b))) > 0)
		hash_hook(h, b, (size_t)n);
	close(fd);
	return n < 0 ? -1 : 0;
}

/*
 * A compressed CSV declared as a file (muni-publish's .csv.gz, which v1
 * readers must not parse): read as a table all the same, as v2 readers
 * do, by its "compression" and the name of its path.
 */
static int
compressed_table(yajl_val res, const char *path)
{
	size_t n = strlen(path);
	const char *c = str(res, "compression");

	return c && strcmp(c, "gz") == 0 && n > 7 &&
	    (strcasecmp(path + n - 7, ".csv.gz") == 0 ||
	    strcasecmp(path + n - 7, ".tsv.gz") == 0);
}

struct resource_ctx;
static void remote_schema(struct package_check_run *p,
    const struct resource_ctx *rc, struct report *r, const char *url,
    struct buf *text, char *local, struct validate_run_options *vo);

struct resource_ctx {
	const char *dir;		/* the descriptor's folder */
	const char *prefix;		/* shown before paths: "NAME/" */
	yajl_val resources;
};

/*
 * A schema given by URL: fetched once here. Offline, or when the server
 * fails, the copy a publication keeps beside the data (schema.json, which
 * muni-publish writes) is used, with a warning saying so.
 */
static void
remote_schema(struct package_check_run *p, const struct resource_ctx *rc,
    struct report *r, const char *url, struct buf *text, char *local,
    struct validate_run_options *vo)
{
	struct muni_err e;
	char joined[4096];

	err_clear(&e);
	buf_reset(text);
	if (http_get(url, text, MUNI_EXIT_USAGE, &e) == 0) {
		vo->schema = url;
		vo->schema_text = text->ptr;
		vo->schema_len = text->len;
		return;
	}
	snprintf(joined, sizeof(joined), "%s/schema.json", rc->dir);
	if (inside(p, joined, local) == 1) {
		report_warn(r, _("the schema '%s' cannot be fetched (%s): the copy "
		    "schema.json published beside the data is used"), url,
		    e.msg);
		vo->schema = local;
		return;
	}
	/* No copy: the validation says the schema cannot be read. */
	vo->schema = url;
}

/*
 * The file of the resource at path, as full (a downloaded copy in tmp when
 * it is remote and allowed): 0; 1 when it is refused or cannot be read,
 * the error in r.
 */
static int
locate_data(struct package_check_run *p, const struct resource_ctx *rc,
    struct report *r, const char *path, const char *shown,
    const char *name, char full[4096], char tmp[4096])
{
	struct http_get_options go;
	struct http_result hr;
	struct muni_err e;
	char joined[4096];
	int fd;

	if (is_url(path) && !p->o->allow_remote) {
		add_error(r, ERR_SCHEME, _("'%s' is a remote resource: it is "
		    "fetched only with --allow-remote"), path);
		return 1;
	}
	if (!is_url(path) && !path_safe(path)) {
		add_error(r, ERR_SCHEME, _("the path '%s' leaves the package's "
		    "folder: refused"), path);
		return 1;
	}
	if (is_url(path)) {
		fd = fd_temp("muni-validate", tmp, NULL);
		memset(&go, 0, sizeof(go));
		go.max_bytes = (unsigned long long)8 << 30;
		go.retries = 2;
		go.max_wait = 60;
		err_clear(&e);
		if (fd < 0 || http_download(path, fd, &go, &hr, &e) < 0) {
			add_error(r, ERR_SCHEME, _("cannot fetch '%s': %s"), path,
			    fd < 0 ? strerror(errno) : e.msg);
			if (fd >= 0) {
				close(fd);
				unlink(tmp);
			}
			tmp[0] = '\0';
			return 1;
		}
		close(fd);
		snprintf(full, 4096, "%s", tmp);
	} else {
		snprintf(joined, sizeof(joined), "%s/%s", rc->dir, path);
		switch (inside(p, joined, full)) {
		case 0:
			add_error(r, ERR_SCHEME, rc->prefix[0] ?
			    _("the path '%s' leads out of the publication's "
			    "folder through a symbolic link: refused") :
			    _("the path '%s' leads out of the package's folder "
			    "through a symbolic link: refused"), shown);
			return 1;
		case -1:
			snprintf(full, 4096, "%s", joined);
			break;
		}
	}
	if (access(full, R_OK) < 0) {
		add_error(r, ERR_SOURCE, _("the file '%s' of resource '%s' "
		    "cannot be read: %s"), shown, name ? name : "?",
		    strerror(errno));
		return 1;
	}
	return 0;
}

/* A resource read as a table: by its schema, type, profile or format. */
static int
is_tabular(yajl_val res, const char *path)
{
	const char *type = str(res, "type"), *profile = str(res, "profile"),
	    *format = str(res, "format");

	return json_member(res, "schema") != NULL ||
	    (type && strcmp(type, "table") == 0) ||
	    (profile && strcmp(profile, "tabular-data-resource") == 0) ||
	    (format && (strcasecmp(format, "csv") == 0 ||
	    strcasecmp(format, "tsv") == 0)) ||
	    compressed_table(res, path);
}

/*
 * The resource's schema into vo: inline (as text, in schema_text), a URL
 * (or the copy published beside the data), or a path inside the folder
 * (in schema_path). 0; 1 when refused, the error in r.
 */
static int
resource_schema(struct package_check_run *p, const struct resource_ctx *rc,
    struct report *r, yajl_val schema, const char *shown,
    struct buf *schema_text, char schema_path[4096],
    struct validate_run_options *vo)
{
	char joined[4096];
	yajl_gen g;

	if (YAJL_IS_OBJECT(schema)) {
		g = json_new();
		if (g && json_tree(g, schema) == 0 &&
		    json_finish(g, schema_text) == 0) {
			vo->schema_text = schema_text->ptr;
			vo->schema_len = schema_text->len;
			vo->schema = shown;
		}
		return 0;
	}
	if (!YAJL_IS_STRING(schema))
		return 0;
	if (is_url(schema->u.string)) {
		remote_schema(p, rc, r, schema->u.string, schema_text,
		    schema_path, vo);
		return 0;
	}
	if (!path_safe(schema->u.string)) {
		add_error(r, ERR_SCHEME, _("the schema path '%s' leaves the "
		    "package's folder: refused"), schema->u.string);
		return 1;
	}
	snprintf(joined, sizeof(joined), "%s/%s", rc->dir, schema->u.string);
	if (inside(p, joined, schema_path) == 0) {
		add_error(r, ERR_SCHEME, _("the schema path '%s' leads out of "
		    "the folder through a symbolic link: refused"),
		    schema->u.string);
		return 1;
	}
	snprintf(schema_path, 4096, "%s", joined);
	vo->schema = schema_path;
	return 0;
}

/*
 * The package's resources a foreign key may name, into vo: local, inside
 * the folder, by name. Their paths are kept in paths.
 */
static void
foreign_resources(struct package_check_run *p, const struct resource_ctx *rc,
    char paths[][4096], struct validate_run_options *vo)
{
	struct validate_run_resource *vr;
	const char *n, *pp;
	char joined[4096];
	yajl_val x;
	size_t i;
	int in;

	for (i = 0; YAJL_IS_ARRAY(rc->resources) && i <
	    rc->resources->u.array.len && vo->nresources <
	    VALIDATE_RUN_MAX_RESOURCES; i++) {
		x = rc->resources->u.array.values[i];
		n = str(x, "name");
		pp = str(x, "path");
		if (!n || !pp || is_url(pp) || !path_safe(pp))
			continue;
		snprintf(joined, sizeof(joined), "%s/%s", rc->dir, pp);
		in = inside(p, joined, paths[vo->nresources]);
		if (in == 0)
			continue;
		if (in < 0)
			snprintf(paths[vo->nresources], 4096, "%s", joined);
		vr = &vo->resources[vo->nresources];
		snprintf(vr->name, sizeof(vr->name), "%s", n);
		vr->path = paths[vo->nresources++];
	}
}

/*
 * Validate the resource's file full (its path in the descriptor) as a
 * table into r, hashing it in h;
 * 0, or 1 when the validation could not run (the error in r, the file's
 * bytes hashed all the same).
 */
static int
check_table(struct package_check_run *p, const struct resource_ctx *rc,
    struct report *pkg, struct report *r, yajl_val res, const char *full,
    const char *path, const char *shown, struct hashing *h)
{
	static char paths[VALIDATE_RUN_MAX_RESOURCES][4096];
	struct validate_run_options vo = p->o->v;
	yajl_val dialect = json_member(res, "dialect");
	char schema_path[4096], sha[65];
	struct buf schema_text;
	struct muni_err e;
	size_t i;
	int status, refused;

	vo.input = full;
	vo.quiet_data = 1;
	vo.rejects = NULL;
	vo.valid_rows = 0;
	vo.on_record = NULL;
	vo.schema = NULL;
	vo.schema_text = NULL;
	vo.nresources = 0;
	buf_init(&schema_text, DESCRIPTOR_MAX);
	refused = resource_schema(p, rc, r, json_member(res, "schema"), shown,
	    &schema_text, schema_path, &vo);
	if (refused) {
		buf_release(&schema_text);
		return 1;
	}
	if (str(dialect, "delimiter") && strlen(str(dialect, "delimiter")) == 1)
		vo.csv.delimiter = (unsigned char)str(dialect, "delimiter")[0];
	if (str(res, "encoding"))
		vo.csv.encoding = str(res, "encoding");
	if (YAJL_IS_FALSE(json_member(dialect, "header")))
		vo.no_header = 1;
	vo.csv.raw_hook = hash_hook;
	vo.csv.raw_ctx = h;
	foreign_resources(p, rc, paths, &vo);
	err_clear(&e);
	status = validate_run_table(&vo, r, &e);
	buf_release(&schema_text);
	if (status != MUNI_EXIT_OK && status != MUNI_EXIT_DATA) {
		add_error(r, status == MUNI_EXIT_USAGE ? ERR_PACKAGE :
		    ERR_SOURCE, "%s", e.msg);
		/*
		 * The file is there all the same: the catalogue's checks of
		 * its bytes and hash still hold; its rows are unknown.
		 */
		digest_release(&h->sha256);
		digest_init(&h->sha256);
		h->bytes = 0;
		if (!is_url(path) && hash_file(full, h) == 0 &&
		    digest_hex(&h->sha256, sha) == 0)
			fact_add(p, shown, h, sha, 0, 0);
		return 1;
	}
	for (i = 0; i < r->nlabels; i++)
		if (strlen(r->labels[i]) >= 64)
			rule(p, pkg, pkg->file, _("%s: the column '%.40s...' "
			    "has %zu characters: data.gouv.fr imports column "
			    "names under 64"), shown, r->labels[i],
			    strlen(r->labels[i]));
	return 0;
}

static int
check_resource(struct package_check_run *p, const struct resource_ctx *rc,
    struct report *pkg, yajl_val res, size_t index)
{
	struct hashing h;
	struct report *r;
	yajl_val bytes = json_member(res, "bytes"), pathv = json_member(res,
	    "path");
	const char *path = YAJL_IS_STRING(pathv) ? pathv->u.string : NULL;
	const char *hash = str(res, "hash"), *hex = NULL;
	char shown[2048], full[4096], alg[16] = "", tmp[4096] = "",
	    sha[65] = "", got[129] = "";
	int tabular;

	snprintf(shown, sizeof(shown), "%s%s", rc->prefix, path ? path :
	    str(res, "name") ? str(res, "name") : "resource");
	r = new_report(p, shown, 0);
	if (r == NULL)
		return -1;
	if (path == NULL) {
		if (json_member(res, "data"))
			report_warn(r, _("resource %zu: inline data is not "
			    "checked"), index);
		else
			add_error(r, ERR_SCHEME, _("resource %zu has no \"path\" "
			    "(several paths are not supported)"), index);
		return 0;
	}
	if (locate_data(p, rc, r, path, shown, str(res, "name"), full,
	    tmp) != 0)
		return 0;
	memset(&h, 0, sizeof(h));
	digest_init(&h.sha256);
	if (hash) {
		if (parse_hash(hash, alg, &hex) < 0) {
			add_error(r, ERR_HASH_COUNT, _("the hash '%s' is not "
			    "\"sha256:HEX\", \"sha1:HEX\" or \"md5:HEX\""), hash);
			hash = NULL;
		} else
			h.have_declared = digest_init_named(&h.declared,
			    alg) == 0;
	}
	tabular = is_tabular(res, path);
	if (tabular) {
		if (check_table(p, rc, pkg, r, res, full, path, shown, &h) != 0)
			goto done;
	} else if (hash_file(full, &h) < 0) {
		add_error(r, ERR_SOURCE, _("cannot read '%s': %s"), shown,
		    strerror(errno));
		goto done;
	}
	digest_hex(&h.sha256, sha);
	if (YAJL_IS_INTEGER(bytes) && (unsigned long long)
	    YAJL_GET_INTEGER(bytes) != h.bytes)
		add_error(r, ERR_BYTE_COUNT, _("'%s' has %llu bytes where the "
		    "descriptor says %lld"), shown, h.bytes,
		    YAJL_GET_INTEGER(bytes));
	if (hash && h.have_declared && digest_hex(&h.declared, got) == 0 &&
	    strcasecmp(got, hex) != 0)
		add_error(r, ERR_HASH_COUNT, _("the %s of '%s' is %s where the "
		    "descriptor says %s"), alg, shown, got, hex);
	if (!is_url(path))
		fact_add(p, shown, &h, sha, r->rows, tabular);
done:
	digest_release(&h.sha256);
	if (h.have_declared)
		digest_release(&h.declared);
	if (tmp[0])
		unlink(tmp);
	return 0;
}

/* A descriptor and its resources; prefix is put before the paths shown. */
static int
check_package(struct package_check_run *p, const char *descriptor,
    const char *dir, const char *prefix, struct muni_err *e)
{
	struct resource_ctx rc;
	struct report *pkg;
	struct yajl_val_s single;
	struct buf text;
	char shown[2048], err[256] = "";
	yajl_val d, res;
	size_t i;

	snprintf(shown, sizeof(shown), "%sdatapackage.json", prefix);
	if (strcmp(prefix, "") == 0)
		snprintf(shown, sizeof(shown), "%s", descriptor);
	pkg = new_report(p, shown, 1);
	if (pkg == NULL)
		return -1;
	/* A package's own descriptor is named as given; its files are not. */
	if (strcmp(prefix, "") == 0)
		p->as_given[p->n - 1] = 1;
	buf_init(&text, DESCRIPTOR_MAX);
	if (conf_read(descriptor, "descriptor", DESCRIPTOR_MAX, &text, e) < 0) {
		add_error(pkg, ERR_PACKAGE, "%s", e->msg);
		err_clear(e);
		buf_release(&text);
		return 0;
	}
	d = json_parse(text.ptr, err, sizeof(err));
	buf_release(&text);
	if (!YAJL_IS_OBJECT(d)) {
		err[strcspn(err, "\n")] = '\0';
		add_error(pkg, ERR_PACKAGE, "%s%s", d ? "not a JSON object" :
		    "not valid JSON: ", err);
		yajl_tree_free(d);
		return 0;
	}
	res = json_member(d, "resources");
	if (res == NULL && json_member(d, "path")) {
		/* A resource descriptor: itself the one resource, no package. */
		single.type = yajl_t_array;
		single.u.array.values = &d;
		single.u.array.len = 1;
		res = &single;
	} else
		check_metadata(p, pkg, d, shown);
	if (!YAJL_IS_ARRAY(res) || res->u.array.len == 0)
		add_error(pkg, ERR_PACKAGE, _("\"resources\" is not a non-empty "
		    "array"));
	rc.dir = dir;
	rc.prefix = prefix;
	rc.resources = res;
	for (i = 0; YAJL_IS_ARRAY(res) && i < res->u.array.len; i++)
		if (!YAJL_IS_OBJECT(res->u.array.values[i]))
			add_error(pkg, ERR_PACKAGE, _("resources[%zu] is not an "
			    "object"), i);
		else if (check_resource(p, &rc, pkg, res->u.array.values[i],
		    i) < 0) {
			yajl_tree_free(d);
			return -1;
		}
	yajl_tree_free(d);
	return 0;
}

/* What catalog.rdf says of a file: a distribution. */
struct dist {
	char dataset[1024];
	char url[2048];
	char bytes[32];
	char sha256[129];
};

struct catalogue {
	char base[2048];
	char (*datasets)[1024];
	size_t ndatasets;
	struct dist *dists;
	size_t ndists;
};

static ssize_t
fd_reader(void *ctx, void *ptr, size_t n, struct muni_err *e)
{
	int fd = *(int *)ctx;
	ssize_t r = fd_read_full(fd, ptr, n);

	if (r < 0)
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read catalog.rdf");
	return r;
}

static int
read_catalogue(const char *path, struct catalogue *c, struct muni_err *e)
{
	struct xmlrd x;
	struct dist cur;
	char dataset[1024] = "", *text_into = NULL;
	size_t text_max = 0;
	int fd, rc, in_dist = 0;

	memset(c, 0, sizeof(*c));
	c->datasets = calloc(MAX_FILES, sizeof(*c->datasets));
	c->dists = calloc(MAX_FILES, sizeof(*c->dists));
	if (c->datasets == NULL || c->dists == NULL) {
		err_nomem(e);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_DATA, errno, "cannot open '%s'", path);
		return -1;
	}
	if (xmlrd_init(&x, fd_reader, &fd, path, NULL, e) < 0) {
		close(fd);
		return -1;
	}
	while ((rc = xmlrd_next(&x, e)) > 0) {
		int type = xmlrd_type(&x);
		const char *name = xmlrd_name(&x);

		if (type == XML_READER_TYPE_ELEMENT) {
			char *about = xmlrd_attr(&x, "about"),
			    *res = xmlrd_attr(&x, "resource");

			text_into = NULL;
			if (strcmp(name, "Catalog") == 0 && about)
				snprintf(c->base, sizeof(c->base), "%s", about);
			else if (strcmp(name, "Dataset") == 0 && about) {
				snprintf(dataset, sizeof(dataset), "%s", about);
				if (c->ndatasets < MAX_FILES)
					snprintf(c->datasets[c->ndatasets++],
					    sizeof(c->datasets[0]), "%s", about);
			} else if (strcmp(name, "Distribution") == 0) {
				memset(&cur, 0, sizeof(cur));
				snprintf(cur.dataset, sizeof(cur.dataset), "%s",
				    dataset);
				in_dist = 1;
			} else if (in_dist && strcmp(name, "downloadURL") == 0 &&
			    res)
				snprintf(cur.url, sizeof(cur.url), "%s", res);
			else if (in_dist && strcmp(name, "byteSize") == 0) {
				text_into = cur.bytes;
				text_max = sizeof(cur.bytes);
			} else if (in_dist && strcmp(name, "checksumValue") == 0) {
				text_into = cur.sha256;
				text_max = sizeof(cur.sha256);
			}
			if (about)
				xmlFree(about);
			if (res)
				xmlFree(res);
		} else if (type == XML_READER_TYPE_TEXT && text_into) {
			snprintf(text_into, text_max, "%s", xmlrd_text(&x));
			text_into = NULL;
		} else if (type == XML_READER_TYPE_END_ELEMENT &&
		    strcmp(name, "Distribution") == 0 && in_dist) {
			if (c->ndists < MAX_FILES)
				c->dists[c->ndists++] = cur;
			in_dist = 0;
		}
	}
	xmlrd_release(&x);
	close(fd);
	return rc < 0 ? -1 : 0;
}

static const struct file_fact *
find_fact(const struct package_check_run *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->nfacts; i++)
		if (strcmp(p->facts[i].path, path) == 0)
			return &p->facts[i];
	return NULL;
}

/* The catalogue against the folders and files of the publication. */
static void
check_catalogue(struct package_check_run *p, const char *root,
    char (*names)[256], size_t nnames)
{
	struct catalogue c;
	struct report *r;
	struct muni_err e;
	char path[4096], want[2400];
	size_t i, k, blen;

	r = new_report(p, "catalog.rdf", 1);
	if (r == NULL)
		return;
	snprintf(path, sizeof(path), "%s/catalog.rdf", root);
	err_clear(&e);
	if (read_catalogue(path, &c, &e) < 0) {
		add_error(r, ERR_CATALOG, _("catalog.rdf cannot be read: %s"),
		    e.msg);
		goto done;
	}
	blen = strlen(c.base);
	for (i = 0; i < nnames; i++) {
		snprintf(want, sizeof(want), "%s%s/", c.base, names[i]);
		for (k = 0; k < c.ndatasets; k++)
			if (strcmp(c.datasets[k], want) == 0)
				break;
		if (k == c.ndatasets)
			add_error(r, ERR_CATALOG, _("dataset '%s' is not in "
			    "catalog.rdf (no dcat:Dataset '%s')"), names[i],
			    want);
	}
	for (k = 0; k < c.ndatasets; k++) {
		const char *rel = strncmp(c.datasets[k], c.base, blen) == 0 ?
		    c.datasets[k] + blen : c.datasets[k];

		for (i = 0; i < nnames; i++)
			if (strncmp(rel, names[i], strlen(names[i])) == 0 &&
			    strcmp(rel + strlen(names[i]), "/") == 0)
				break;
		if (i == nnames)
			add_error(r, ERR_CATALOG, _("catalog.rdf lists the "
			    "dataset '%s', which is not in the folder"),
			    c.datasets[k]);
	}
	for (k = 0; k < c.ndists; k++) {
		const struct dist *d = &c.dists[k];
		const char *rel = d->url;
		const struct file_fact *f;
		struct stat st;

		if (blen && strncmp(rel, c.base, blen) == 0)
			rel += blen;
		else if (is_url(rel) || rel[0] == '/') {
			add_error(r, ERR_CATALOG, _("the download URL '%s' is not "
			    "under the catalogue's base '%s'"), d->url, c.base);
			continue;
		}
		if (!path_safe(rel)) {
			add_error(r, ERR_CATALOG, _("the download URL '%s' leaves "
			    "the publication's folder"), d->url);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", root, rel);
		if (inside(p, path, path) == 0) {
			add_error(r, ERR_CATALOG, _("the download URL '%s' leads "
			    "out of the publication's folder through a "
			    "symbolic link"), d->url);
			continue;
		}
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			add_error(r, ERR_CATALOG, _("the download URL '%s' points "
			    "to '%s', which is not a file of the publication"),
			    d->url, rel);
			continue;
		}
		f = find_fact(p, rel);
		if (d->bytes[0] && strtoull(d->bytes, NULL, 10) !=
		    (unsigned long long)st.st_size)
			add_error(r, ERR_CATALOG, _("catalog.rdf gives '%s' %s "
			    "bytes; the file has %lld"), rel, d->bytes,
			    (long long)st.st_size);
		if (d->sha256[0]) {
			struct hashing h;
			char sha[65] = "";

			if (f)
				snprintf(sha, sizeof(sha), "%s", f->sha256);
			else {
				memset(&h, 0, sizeof(h));
				digest_init(&h.sha256);
				if (hash_file(path, &h) == 0)
					digest_hex(&h.sha256, sha);
				digest_release(&h.sha256);
			}
			if (strcasecmp(sha, d->sha256) != 0)
				add_error(r, ERR_CATALOG, _("catalog.rdf gives '%s' "
				    "the SHA-256 %s; the file's is %s"), rel,
				    d->sha256, sha);
		}
	}
done:
	free(c.datasets);
	free(c.dists);
}

/* What check_db() compares each current version of catalog.db with. */
struct db_check {
	struct package_check_run *p;
	struct report *r;
	char (*names)[256];
	size_t nnames;
	int *seen;
};

static int
db_version(void *ctx, const struct cat_version *v)
{
	struct db_check *k = ctx;
	struct report *r = k->r;
	const struct file_fact *f;
	char file[600];
	size_t i;

	if (v->dataset[0] == '\0')
		return 0;
	for (i = 0; i < k->nnames; i++)
		if (strcmp(k->names[i], v->dataset) == 0)
			break;
	if (i == k->nnames) {
		add_error(r, ERR_CATALOG, _("catalog.db has the dataset "
		    "'%s', which is not in the folder"), v->dataset);
		return 0;
	}
	k->seen[i] = 1;
	snprintf(file, sizeof(file), "%s/%s.csv", v->dataset, v->dataset);
	f = find_fact(k->p, file);
	if (f == NULL) {
		add_error(r, ERR_CATALOG, _("catalog.db's dataset '%s' "
		    "has no file '%s'"), v->dataset, file);
		return 0;
	}
	if (v->sha256[0] && strcmp(v->sha256, f->sha256) != 0)
		add_error(r, ERR_CATALOG, _("catalog.db gives '%s' the "
		    "SHA-256 %s; the file's is %s"), file, v->sha256,
		    f->sha256);
	if (v->bytes != f->bytes)
		add_error(r, ERR_CATALOG, _("catalog.db gives '%s' %llu "
		    "bytes; the file has %llu"), file, v->bytes, f->bytes);
	if (f->read && v->rows != f->rows)
		add_error(r, ERR_CATALOG, _("catalog.db gives '%s' %llu "
		    "rows; the file has %llu"), file, v->rows, f->rows);
	return 0;
}

/* catalog.db's current versions against the files. */
static void
check_db(struct package_check_run *p, const char *root, char (*names)[256],
    size_t nnames)
{
	struct db_check k;
	struct catalog *c;
	struct muni_err e;
	char path[4096];
	size_t i;

	k.p = p;
	k.names = names;
	k.nnames = nnames;
	k.r = new_report(p, "catalog.db", 1);
	k.seen = calloc(nnames + 1, sizeof(int));
	if (k.r == NULL || k.seen == NULL) {
		free(k.seen);
		return;
	}
	snprintf(path, sizeof(path), "%s/catalog.db", root);
	if (access(path, R_OK) < 0) {
		add_error(k.r, ERR_CATALOG,
		    _("the publication has no catalog.db"));
		free(k.seen);
		return;
	}
	err_clear(&e);
	c = catalog_open(path, CATALOG_READ, &e);
	if (c == NULL) {
		add_error(k.r, ERR_CATALOG, _("catalog.db cannot be read: %s"),
		    e.msg);
		free(k.seen);
		return;
	}
	if (catalog_each(c, NULL, db_version, &k, &e) < 0)
		add_error(k.r, ERR_CATALOG, _("catalog.db cannot be read: %s"),
		    catalog_errmsg(c));
	for (i = 0; i < nnames; i++)
		if (!k.seen[i])
			add_error(k.r, ERR_CATALOG, _("dataset '%s' is not in "
			    "catalog.db"), names[i]);
	catalog_close(c);
	free(k.seen);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* A folder of muni-publish: every dataset, then the catalogue. */
static int
check_publication(struct package_check_run *p, const char *root,
    struct muni_err *e)
{
	char (*names)[256] = calloc(MAX_FILES, 256), path[4096], prefix[300];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;

	if (names == NULL || (d = opendir(root)) == NULL) {
		free(names);
		err_sys(e, MUNI_EXIT_USAGE, errno, "cannot read the folder "
		    "'%s'", root);
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < MAX_FILES) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= 256)
			continue;
		snprintf(path, sizeof(path), "%s/%s/datapackage.json", root,
		    de->d_name);
		if (access(path, F_OK) == 0)
			snprintf(names[n++], 256, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, n, 256, name_cmp);
	for (i = 0; i < n; i++) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%.3800s/%s", root, names[i]);
		snprintf(path, sizeof(path), "%.4070s/datapackage.json", dir);
		snprintf(prefix, sizeof(prefix), "%s/", names[i]);
		if (inside(p, path, path) == 0) {
			struct report *r = new_report(p, prefix, 1);

			if (r)
				add_error(r, ERR_SCHEME, _("the dataset '%s' "
				    "leads out of the publication's folder "
				    "through a symbolic link: refused"),
				    names[i]);
			continue;
		}
		if (check_package(p, path, dir, prefix, e) < 0) {
			free(names);
			return -1;
		}
	}
	check_catalogue(p, root, names, n);
	check_db(p, root, names, n);
	free(names);
	return 0;
}

/*
 * GitHub's annotations name files from the workspace (report_github): the
 * reports named under the folder validated get its path before them.
 */
static int
github_names(struct package_check_run *p)
{
	char joined[8200], *name;
	size_t i;

	for (i = 0; p->root && i < p->n; i++) {
		struct report *r = p->r[i];

		if (r->file == NULL || p->as_given[i])
			continue;
		snprintf(joined, sizeof(joined), "%s/%s", p->root, r->file);
		if ((name = strdup(joined)) == NULL)
			return -1;
		free(r->file);
		r->file = name;
	}
	return 0;
}

static int
emit(const struct package_check_options *o, struct package_check_run *p,
    const char *title, struct muni_err *e)
{
	struct report_set s;
	struct buf out;
	size_t i, k;
	int rc = 0;

	s.r = (const struct report *const *)p->r;
	s.n = p->n;
	buf_init(&out, (size_t)1 << 30);
	switch (o->v.format) {
	case VALIDATE_RUN_JSON:
		rc = report_set_json(&s, &out);
		break;
	case VALIDATE_RUN_CSV:
		rc = report_set_csv(&s, &out);
		break;
	case VALIDATE_RUN_JUNIT:
		rc = report_set_junit(&s, &out);
		break;
	case VALIDATE_RUN_HTML:
		rc = report_set_html(&s, title, &out);
		break;
	case VALIDATE_RUN_GITHUB:
		rc = github_names(p) < 0 ? -1 : report_set_github(&s, &out);
		break;
	default:
		for (i = 0; i < p->n; i++) {
			const struct report *r = p->r[i];

			struct report_iter it = report_iter(r);
			const struct verror *err;

			while ((err = report_next(&it)) != NULL) {
				if (!o->v.report)
					buf_addf(&out, "%s: ", o->v.prog);
				if (r->package)
					buf_addf(&out, "%s: %s [%s]\n", r->file,
					    err->message,
					    error_code_name(err->code));
				else
					report_text_line(r, err, &out);
			}
			if (it.failed)
				rc = -1;
			report_iter_end(&it);
			for (k = 0; k < r->nwarnings; k++) {
				if (!o->v.report)
					buf_addf(&out, "%s: ", o->v.prog);
				buf_addf(&out, _("warning: %s\n"), r->warnings[k]);
			}
			if (!report_valid(r) || o->v.summary) {
				if (!o->v.report)
					buf_addf(&out, "%s: ", o->v.prog);
				if (r->package)
					buf_addf(&out, "%s: %s: %llu %s\n",
					    r->file, report_valid(r) ?
					    _("valid") : _("invalid"), r->total,
					    dngettext("muni", "error", "errors",
					    (unsigned long)r->total));
				else
					report_text_summary(r, &out);
			}
		}
		break;
	}
	if (rc < 0)
		err_set(e, MUNI_EXIT_IO, "cannot render the report");
	else if (o->v.report)
		rc = atomic_write_user(o->v.report, out.ptr, out.len, 0644, e);
	else if (o->v.format != VALIDATE_RUN_TEXT) {
		if (fd_write_full(o->v.out_fd, out.ptr, out.len) < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write the "
			    "report");
			rc = -1;
		}
	} else if (out.len)
		rc = validate_run_diag(&o->v, &out, e);
	buf_release(&out);
	return rc;
}

int
package_check(const struct package_check_options *o, const char *path,
    struct muni_err *e)
{
	struct package_check_run p;
	struct stat st;
	char dir[4096], file[4096], gen[FOLDER_PATH_MAX];
	size_t i;
	int rc, status, lockfd = -1;

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.r = calloc(MAX_REPORTS, sizeof(*p.r));
	p.facts = calloc(MAX_FILES, sizeof(*p.facts));
	p.as_given = calloc(MAX_REPORTS, 1);
	if (p.r == NULL || p.facts == NULL || p.as_given == NULL) {
		free(p.r);
		free(p.facts);
		free(p.as_given);
		err_nomem(e);
		return MUNI_EXIT_IO;
	}
	if (stat(path, &st) < 0) {
		err_sys(e, MUNI_EXIT_USAGE, errno, "cannot open '%s'", path);
		status = MUNI_EXIT_USAGE;
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(file, sizeof(file), "%s/catalog.rdf", path);
		snprintf(dir, sizeof(dir), "%s/catalog.db", path);
		if (set_bound(&p, path, e) < 0) {
			status = e->status;
			goto done;
		}
		p.root = path;
		/* One generation, held while it is read: see publication.h. */
		rc = publication_resolve(path, gen, &lockfd);
		if (rc < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot read the "
			    "publication '%s'", path);
			status = MUNI_EXIT_IO;
			goto done;
		}
		if (rc == 1)
			rc = check_publication(&p, gen, e);
		else if (access(file, F_OK) == 0 || access(dir, F_OK) == 0)
			rc = check_publication(&p, path, e);
		else {
			if (snprintf(file, sizeof(file), "%.4000s/"
			    "datapackage.json", path) < 0 ||
			    access(file, F_OK) < 0) {
				err_set(e, MUNI_EXIT_USAGE, "'%s' holds neither a "
				    "datapackage.json nor a publication of "
				    "muni-publish (catalog.rdf)", path);
				status = MUNI_EXIT_USAGE;
				goto done;
			}
			rc = check_package(&p, file, path, "", e);
		}
	} else {
		const char *slash = strrchr(path, '/');

		if (slash)
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path),
			    path);
		else
			snprintf(dir, sizeof(dir), ".");
		if (set_bound(&p, dir, e) < 0) {
			status = e->status;
			goto done;
		}
		p.root = dir;
		rc = check_package(&p, path, dir, "", e);
	}
	if (rc < 0 || p.failed) {
		if (p.failed)
			err_set(e, MUNI_EXIT_IO, "out of memory, or more than "
			    "%d files", MAX_REPORTS);
		status = e->status ? e->status : MUNI_EXIT_IO;
		goto done;
	}
	if (emit(o, &p, path, e) < 0) {
		status = MUNI_EXIT_IO;
		goto done;
	}
	{
		struct report_set s;

		s.r = (const struct report *const *)p.r;
		s.n = p.n;
		status = report_set_valid(&s) ? MUNI_EXIT_OK : MUNI_EXIT_DATA;
	}
done:
	for (i = 0; i < p.n; i++) {
		report_release(p.r[i]);
		free(p.r[i]);
	}
	free(p.r);
	free(p.facts);
	free(p.as_given);
	if (lockfd >= 0)
		close(lockfd);
	return status;
}

int
package_check_if_package(const struct package_check_options *o, int forced,
    struct muni_err *e)
{
	const char *in = o->v.input;

	if (forced || (strcmp(in, "-") && package_check_is_package(in))) {
		if (strcmp(in, "-") == 0) {
			err_set(e, MUNI_EXIT_USAGE, "a package is read from its "
			    "file, not from standard input");
			return -2;
		}
		return package_check(o, in, e);
	}
	if (o->strict || o->allow_remote) {
		err_set(e, MUNI_EXIT_USAGE, "--strict and --allow-remote are "
		    "for packages");
		return -2;
	}
	return -1;
}
