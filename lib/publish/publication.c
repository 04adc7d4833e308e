/*
 * publication.c is long because each step of a generation's switch is
 * written next to what recovers from a crash after it; read together.
 */
/* flock, O_DIRECTORY. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "base/buf.h"
#include "base/digest.h"
#include "base/exitcode.h"
#include "json/conf.h"
#include "json/json.h"
#include "publish/leaflet.h"
#include "publish/meta.h"
#include "publish/publication.h"
#include "base/banned.h"

#define DESCRIPTOR_MAX ((size_t)256 << 20)
#define SCHEMA_MAX ((size_t)16 << 20)

/* The files of a version folder, linked into its live view. */
static const char *const version_files[] = { ".csv", ".csv.gz",
    "datapackage.json", "index.html", "schema.json", LEAFLET_JS,
    LEAFLET_CSS };

/* The root's files, each a link into the current generation. */
static const char *const root_files[] = { "catalog.rdf", "index.html",
    "catalog.db" };

/* "gen-N" to N; 0 when name is not a generation's. */
static unsigned long
gen_number(const char *name)
{
	char *end;
	unsigned long n;

	if (strncmp(name, "gen-", 4) != 0 || name[4] < '1' || name[4] > '9')
		return 0;
	errno = 0;
	n = strtoul(name + 4, &end, 10);
	return *end || errno ? 0 : n;
}

/* The generation .muni/current points to, 0 when none. */
static unsigned long
read_current(const char *root)
{
	char path[FOLDER_PATH_MAX], target[64];
	struct muni_err e;
	ssize_t n;

	if (folder_path(path, &e, "%s/.muni/current", root) < 0)
		return 0;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	return gen_number(target);
}

/*
 * The stamp of a live view a link points to ("../NAME/live-STAMP" or
 * ".muni/NAME/live-STAMP"), into out; "" when it is not one of NAME's.
 */
static void
link_stamp(const char *link, const char *name, char out[64])
{
	char target[FOLDER_PATH_MAX], suffix[128];
	const char *p;
	ssize_t n;

	out[0] = '\0';
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	snprintf(suffix, sizeof(suffix), "/%s/live-", name);
	p = strstr(target, suffix);
	if (p && strchr(p + strlen(suffix), '/') == NULL &&
	    strlen(p + strlen(suffix)) < 64)
		snprintf(out, 64, "%s", p + strlen(suffix));
}

/*
 * Make path a symbolic link to target, replacing what is there by rename
 * (a reader sees the old link or the new); nothing when it already is.
 */
static int
set_link(const char *path, const char *target, struct muni_err *e)
{
	char now[FOLDER_PATH_MAX], tmp[FOLDER_PATH_MAX];
	ssize_t n;

	n = readlink(path, now, sizeof(now) - 1);
	if (n >= 0) {
		now[n] = '\0';
		if (strcmp(now, target) == 0)
			return 0;
	}
	if (folder_path(tmp, e, "%s.muni-tmp", path) < 0)
		return -1;
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, path) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot link '%s'", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
take_lock(const char *root, int wait, struct muni_err *e)
{
	char path[FOLDER_PATH_MAX];
	int fd;

	if (folder_path(path, e, "%s/.muni/lock", root) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot open '%s'", path);
		/* A folder this user may only read: -2, for readers. */
		return errno == EACCES || errno == EROFS || errno == EPERM ?
		    -2 : -1;
	}
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			err_set(e, MUNI_EXIT_IO, "another publication to '%s' "
			    "is in progress: try again later, or give --wait "
			    "to wait for it", root);
		else
			err_sys(e, MUNI_EXIT_IO, errno, "cannot lock '%s'",
			    path);
		close(fd);
		return errno == EWOULDBLOCK ? -2 : -1;
	}
	return fd;
}

int
publication_live(struct publication *p, const char *name, const char *stamp,
    const struct cat_version *kept, size_t n, struct muni_err *e)
{
	char dir[FOLDER_PATH_MAX], tmp[FOLDER_PATH_MAX], a[FOLDER_PATH_MAX],
	    b[FOLDER_PATH_MAX], file[128];
	size_t i;

	if (folder_path(dir, e, "%s/.muni/%s/live-%s", p->root, name,
	    stamp) < 0 || folder_path(tmp, e, "%s/.muni/%s/.tmp-live-XXXXXX",
	    p->root, name) < 0)
		return -1;
	if (access(dir, F_OK) == 0)
		return 0;
	if (mkdtemp(tmp) == NULL || chmod(tmp, 0755) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create '%s'", tmp);
		return -1;
	}
	for (i = 0; i < sizeof(version_files) / sizeof(version_files[0]);
	    i++) {
		snprintf(file, sizeof(file), "%s%s", version_files[i][0] ==
		    '.' ? name : "", version_files[i]);
		if (folder_path(a, e, "%s/.muni/%s/%s/%s", p->root, name,
		    stamp, file) < 0 || folder_path(b, e, "%s/%s", tmp,
		    file) < 0)
			goto fail;
		if (link(a, b) < 0 && errno != ENOENT) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot link '%s'", b);
			goto fail;
		}
	}
	if (folder_path(b, e, "%s/versions", tmp) < 0 || folder_make(b, e) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if (folder_path(a, e, "../../%s", kept[i].stamp) < 0 ||
		    folder_path(b, e, "%s/versions/%s", tmp,
		    kept[i].stamp) < 0)
			goto fail;
		if (symlink(a, b) < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot link '%s'", b);
			goto fail;
		}
	}
	if (folder_path(b, e, "%s/versions", tmp) < 0)
		goto fail;
	if (folder_sync(b) < 0 || folder_sync(tmp) < 0 ||
	    rename(tmp, dir) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", dir);
		goto fail;
	}
	if (folder_path(a, e, "%s/.muni/%s", p->root, name) < 0)
		return -1;
	if (folder_sync(a) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", a);
		return -1;
	}
	return 0;
fail:
	folder_remove(tmp);
	return -1;
}

/* A catalogue's versions, as catalog_versions() gives them. */
struct versions {
	struct cat_version *v;
	size_t n;
};

/* Every dataset's current version, in name order. */
static int
currents_load(struct catalog *c, struct versions *vs, struct muni_err *e)
{
	return catalog_versions(c, NULL, &vs->v, &vs->n, e);
}

/*
 * The generation's own files: the root's pages, a link per dataset to
 * the live view of its current version (made when missing), the folder
 * synced.
 */
static int
fill_generation(struct publication *p, struct catalog *c, const char *dir,
    struct muni_err *e)
{
	struct versions cur, hist;
	char a[FOLDER_PATH_MAX], b[FOLDER_PATH_MAX];
	size_t i;
	int rc = -1;

	if (currents_load(c, &cur, e) < 0)
		return -1;
	for (i = 0; i < cur.n; i++) {
		const char *name = cur.v[i].dataset, *stamp = cur.v[i].stamp;

		if (folder_path(a, e, "%s/.muni/%s/live-%s", p->root, name,
		    stamp) < 0)
			goto done;
		if (access(a, F_OK) < 0) {
			if (catalog_versions(c, name, &hist.v, &hist.n, e) < 0)
				goto done;
			if (publication_live(p, name, stamp, hist.v, hist.n,
			    e) < 0) {
				free(hist.v);
				goto done;
			}
			free(hist.v);
		}
		if (folder_path(a, e, "../%s/live-%s", name, stamp) < 0 ||
		    folder_path(b, e, "%s/%s", dir, name) < 0)
			goto done;
		if (symlink(a, b) < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot link '%s'", b);
			goto done;
		}
	}
	if (p->render(p->render_ctx, c, dir, e) < 0)
		goto done;
	rc = 0;
done:
	free(cur.v);
	return rc;
}

/*
 * The root's links to the current generation, for its files and for each
 * dataset of c: what is missing or points elsewhere is set by rename. A
 * dataset's name taken by something that is not a link is refused.
 */
static int
root_links(struct publication *p, struct catalog *c, struct muni_err *e)
{
	struct versions cur;
	char path[FOLDER_PATH_MAX], target[FOLDER_PATH_MAX];
	struct stat st;
	size_t i;
	int rc = -1;

	if (currents_load(c, &cur, e) < 0)
		return -1;
	for (i = 0; i < sizeof(root_files) / sizeof(root_files[0]); i++) {
		if (folder_path(path, e, "%s/%s", p->root, root_files[i]) < 0 ||
		    folder_path(target, e, ".muni/current/%s",
		    root_files[i]) < 0)
			goto done;
		/* The files of an older layout are muni's; others are not. */
		if (!p->legacy && lstat(path, &st) == 0 &&
		    !S_ISLNK(st.st_mode)) {
			err_set(e, MUNI_EXIT_IO, "'%s' exists and is not a "
			    "file of muni: move it away first", path);
			goto done;
		}
		if (set_link(path, target, e) < 0)
			goto done;
	}
	for (i = 0; i < cur.n; i++) {
		if (folder_path(path, e, "%s/%s", p->root,
		    cur.v[i].dataset) < 0 || folder_path(target, e,
		    ".muni/current/%s", cur.v[i].dataset) < 0)
			goto done;
		if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode)) {
			err_set(e, MUNI_EXIT_IO, "'%s' exists and is not a "
			    "publication of muni: move it away first", path);
			goto done;
		}
		if (set_link(path, target, e) < 0)
			goto done;
	}
	if (folder_sync(p->root) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", p->root);
		goto done;
	}
	rc = 0;
done:
	free(cur.v);
	return rc;
}

/* Names of a folder's entries, sorted; NULL with errno. */
static char **
list_folder(const char *path, size_t *n)
{
	char **names = NULL, **nn;
	struct dirent *de;
	DIR *d;

	*n = 0;
	d = opendir(path);
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") ==
		    0)
			continue;
		nn = realloc(names, (*n + 2) * sizeof(*names));
		if (nn == NULL)
			break;
		names = nn;
		if ((names[*n] = strdup(de->d_name)) == NULL)
			break;
		names[++*n] = NULL;
	}
	closedir(d);
	if (de != NULL) {
		while (*n)
			free(names[--*n]);
		free(names);
		errno = ENOMEM;
		return NULL;
	}
	if (names == NULL)
		names = calloc(1, sizeof(*names));
	return names;
}

static void
free_list(char **names, size_t n)
{
	while (n)
		free(names[--n]);
	free(names);
}

/* A set of strings "NAME/STAMP", small enough for a linear search. */
struct refs {
	char (*s)[160];
	size_t n, cap;
};

static int
refs_add(struct refs *r, const char *name, const char *stamp)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		char (*ns)[160] = realloc(r->s, cap * sizeof(*ns));

		if (ns == NULL)
			return -1;
		r->s = ns;
		r->cap = cap;
	}
	snprintf(r->s[r->n++], sizeof(r->s[0]), "%s/%s", name, stamp);
	return 0;
}

static int
refs_has(const struct refs *r, const char *name, const char *stamp)
{
	char key[160];
	size_t i;

	snprintf(key, sizeof(key), "%s/%s", name, stamp);
	for (i = 0; i < r->n; i++)
		if (strcmp(r->s[i], key) == 0)
			return 1;
	return 0;
}

static int
version_ref(void *ctx, const struct cat_version *v)
{
	return refs_add(ctx, v->dataset, v->stamp) < 0;
}

/*
 * What a generation refers to: the live views its links point to (into
 * live), and the versions those list (into versions).
 */
static int
gen_refs(struct publication *p, const char *gen, struct refs *live,
    struct refs *versions)
{
	char dir[FOLDER_PATH_MAX], path[FOLDER_PATH_MAX], stamp[64];
	struct muni_err e;
	char **names, **vn;
	size_t n, nv, i, k;

	if (folder_path(dir, &e, "%s/.muni/%s", p->root, gen) < 0 ||
	    (names = list_folder(dir, &n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (!meta_name_ok(names[i]) || folder_path(path, &e, "%s/%s",
		    dir, names[i]) < 0)
			continue;
		link_stamp(path, names[i], stamp);
		if (stamp[0] == '\0')
			continue;
		if (refs_add(live, names[i], stamp) < 0 ||
		    refs_add(versions, names[i], stamp) < 0)
			goto fail;
		if (folder_path(path, &e, "%s/.muni/%s/live-%s/versions",
		    p->root, names[i], stamp) < 0 ||
		    (vn = list_folder(path, &nv)) == NULL)
			continue;
		for (k = 0; k < nv; k++)
			if (refs_add(versions, names[i], vn[k]) < 0) {
				free_list(vn, nv);
				goto fail;
			}
		free_list(vn, nv);
	}
	free_list(names, n);
	return 0;
fail:
	free_list(names, n);
	return -1;
}

/*
 * Remove what no generation refers to: generations other than the
 * current and the next (unless a reader holds one), temporary names,
 * live views no generation links to, versions neither the current
 * catalogue nor a live view kept knows. Failures leave files behind for
 * the next run, nothing a reader sees.
 */
static void
clean(struct publication *p, struct catalog *cur)
{
	struct refs live, versions;
	char muni[FOLDER_PATH_MAX], path[FOLDER_PATH_MAX];
	struct muni_err e;
	char **names = NULL, **in;
	size_t n = 0, nin, i, k;
	int held;

	memset(&live, 0, sizeof(live));
	memset(&versions, 0, sizeof(versions));
	if (folder_path(muni, &e, "%s/.muni", p->root) < 0 ||
	    (names = list_folder(muni, &n)) == NULL)
		goto done;
	/* Generations first: what they refer to is what is kept. */
	for (i = 0; i < n; i++) {
		unsigned long g = gen_number(names[i]);
		int fd;

		if (folder_path(path, &e, "%s/%s", muni, names[i]) < 0)
			continue;
		if (strncmp(names[i], ".tmp-", 5) == 0 ||
		    (strlen(names[i]) > 9 && strcmp(names[i] +
		    strlen(names[i]) - 9, ".muni-tmp") == 0)) {
			folder_remove(path);
			continue;
		}
		if (g == 0)
			continue;
		held = 0;
		if (g != p->gen && g != p->next) {
			fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			held = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0;
			if (!held)
				folder_remove(path);
			if (fd >= 0)
				close(fd);
			if (!held)
				continue;
		}
		if (gen_refs(p, names[i], &live, &versions) < 0)
			goto done;
	}
	if (cur) {
		struct versions all;

		if (currents_load(cur, &all, &e) < 0)
			goto done;
		for (i = 0; i < all.n; i++)
			if (catalog_each(cur, all.v[i].dataset, version_ref,
			    &versions, &e) < 0)
				break;
		free(all.v);
		/* Not knowing what is kept, nothing is removed. */
		if (i < all.n)
			goto done;
	}
	for (i = 0; i < n; i++) {
		if (!meta_name_ok(names[i]) || folder_path(path, &e, "%s/%s",
		    muni, names[i]) < 0 || (in = list_folder(path, &nin)) ==
		    NULL)
			continue;
		for (k = 0; k < nin; k++) {
			const char *f = in[k];
			size_t len = strlen(f);
			char stamp[64], file[FOLDER_PATH_MAX];
			int drop = 0;

			if (strncmp(f, ".tmp-", 5) == 0)
				drop = 1;
			else if (strncmp(f, "live-", 5) == 0)
				drop = !refs_has(&live, names[i], f + 5);
			else if (len > 4 && len < 60 &&
			    strcmp(f + len - 4, ".idx") == 0) {
				snprintf(stamp, sizeof(stamp), "%.*s",
				    (int)(len - 4), f);
				drop = !refs_has(&versions, names[i], stamp);
			} else if (f[0] >= '0' && f[0] <= '9')
				drop = !refs_has(&versions, names[i], f);
			if (drop && folder_path(file, &e, "%s/%s", path,
			    f) == 0)
				folder_remove(file);
		}
		free_list(in, nin);
		/* A dataset never published leaves no folder. */
		rmdir(path);
	}
done:
	free_list(names, n);
	free(live.s);
	free(versions.s);
}

/* One version folder's descriptor back into a catalogue row. */
static int
adopt_one(struct publication *p, struct catalog *c, const char *name,
    const char *stamp, struct muni_err *e)
{
	struct cat_version v;
	struct buf text, schema;
	char path[FOLDER_PATH_MAX];
	yajl_val d, res, ch, pd;
	size_t i;
	int rc;

	memset(&v, 0, sizeof(v));
	buf_init(&text, DESCRIPTOR_MAX);
	buf_init(&schema, SCHEMA_MAX);
	if (folder_path(path, e, "%s/.muni/%s/%s/datapackage.json", p->root,
	    name, stamp) < 0 || conf_read(path, "descriptor", text.max, &text,
	    e) < 0 || (d = json_parse(text.ptr, NULL, 0)) == NULL) {
		buf_release(&text);
		buf_release(&schema);
		err_clear(e);
		return 0;	/* not a version of ours: left alone */
	}
	snprintf(v.dataset, sizeof(v.dataset), "%s", name);
	snprintf(v.stamp, sizeof(v.stamp), "%s", stamp);
#define COPY(field, value) snprintf(v.field, sizeof(v.field), "%s", \
	    YAJL_IS_STRING(value) ? (value)->u.string : "")
	COPY(number, json_member(d, "version"));
	COPY(published, json_member(d, "created"));
	COPY(identifier, json_member(d, "id"));
	COPY(validation, json_member(d, "validation"));
	pd = json_member(d, "personalData");
	COPY(anonymization, json_member(pd, "anonymization"));
#undef COPY
	res = json_member(d, "resources");
	for (i = 0; YAJL_IS_ARRAY(res) && i < res->u.array.len && i < 2;
	    i++) {
		yajl_val r = res->u.array.values[i], h = json_member(r, "hash"),
		    b = json_member(r, "bytes");
		const char *hex = YAJL_IS_STRING(h) && strncmp(h->u.string,
		    "sha256:", 7) == 0 ? h->u.string + 7 : "";

		snprintf(i ? v.gz_sha256 : v.sha256, 65, "%s", hex);
		*(i ? &v.gz_bytes : &v.bytes) = YAJL_IS_INTEGER(b) ?
		    (unsigned long long)YAJL_GET_INTEGER(b) : 0;
	}
	ch = json_member(d, "changes");
	v.rows = YAJL_IS_INTEGER(json_member(ch, "rows")) ?
	    (unsigned long long)YAJL_GET_INTEGER(json_member(ch, "rows")) : 0;
	if (YAJL_IS_INTEGER(json_member(ch, "added"))) {
		v.compared = 1;
		v.added = (unsigned long long)YAJL_GET_INTEGER(json_member(ch,
		    "added"));
		v.removed = (unsigned long long)YAJL_GET_INTEGER(json_member(ch,
		    "removed"));
		v.changed = (unsigned long long)YAJL_GET_INTEGER(json_member(ch,
		    "changed"));
	}
	/* The metadata's digest is unknown: the next run makes a version. */
	snprintf(v.meta_sha256, sizeof(v.meta_sha256), "adopted");
	if (folder_path(path, e, "%s/.muni/%s/%s/schema.json", p->root, name,
	    stamp) == 0 && conf_read(path, "schema", schema.max, &schema,
	    e) == 0)
		digest_of(schema.ptr, schema.len, v.schema_sha256);
	err_clear(e);
	v.descriptor = text.ptr;
	rc = v.sha256[0] && v.number[0] && v.published[0] ?
	    catalog_add(c, &v, NULL, 0, e) : 0;
	yajl_tree_free(d);
	buf_release(&text);
	buf_release(&schema);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A dataset published but unknown to the catalogue (its file lost): its
 * versions are read back from their descriptors, the one live (the
 * stamp the link points to) made current, so that no history is lost.
 */
static int
adopt_versions(struct publication *p, struct catalog *c, const char *name,
    const char *live, struct muni_err *e)
{
	char dir[FOLDER_PATH_MAX], **stamps;
	size_t n, i;
	int rc = 0;

	if (folder_path(dir, e, "%s/.muni/%s", p->root, name) < 0)
		return -1;
	if ((stamps = list_folder(dir, &n)) == NULL)
		return 0;
	qsort(stamps, n, sizeof(*stamps), name_cmp);
	for (i = 0; i < n && rc == 0; i++)
		if (stamps[i][0] >= '0' && stamps[i][0] <= '9' &&
		    strchr(stamps[i], '.') == NULL &&
		    strcmp(stamps[i], live) != 0)
			rc = adopt_one(p, c, name, stamps[i], e);
	/* The live one last: catalog_add makes it current. */
	if (rc == 0)
		rc = adopt_one(p, c, name, live, e);
	free_list(stamps, n);
	return rc;
}

/*
 * Datasets a catalogue does not know, found through the links in dir
 * (NAME -> .../NAME/live-STAMP), adopted into c.
 */
static int
adopt_linked(struct publication *p, struct catalog *c, const char *dir,
    struct muni_err *e)
{
	char path[FOLDER_PATH_MAX], stamp[64], **names;
	struct cat_version cur;
	size_t n, i;
	int rc = 0, found;

	if ((names = list_folder(dir, &n)) == NULL)
		return 0;
	for (i = 0; i < n && rc == 0; i++) {
		if (!meta_name_ok(names[i]) || folder_path(path, e, "%s/%s",
		    dir, names[i]) < 0)
			continue;
		link_stamp(path, names[i], stamp);
		if (stamp[0] == '\0')
			continue;
		found = catalog_current(c, names[i], &cur, e);
		cat_version_release(&cur);
		if (found < 0)
			rc = -1;
		else if (!found)
			rc = adopt_versions(p, c, names[i], stamp, e);
	}
	free_list(names, n);
	return rc;
}

/*
 * The first generation of a folder published before generations, or a
 * new one for a generation whose catalog.db was lost: the catalogue
 * copied (legacy, the old WAL file, or none), the datasets the links
 * name adopted, then switched to like any publication.
 */
static int
rebuild(struct publication *p, const char *legacy, const char *links,
    struct muni_err *e)
{
	struct catalog *old = NULL, *c;
	char path[FOLDER_PATH_MAX];
	struct versions cur;
	int rc;

	if (legacy) {
		old = catalog_open(legacy, CATALOG_LEGACY, e);
		if (old == NULL)
			return -1;
	}
	c = publication_begin(p, old, e);
	catalog_close(old);
	if (c == NULL)
		return -1;
	if (adopt_linked(p, c, links, e) < 0 || currents_load(c, &cur, e) <
	    0) {
		catalog_close(c);
		publication_abort(p);
		return -1;
	}
	free(cur.v);
	if (cur.n == 0) {
		/* Nothing to publish: the folder is left as it is. */
		catalog_close(c);
		publication_abort(p);
		return 0;
	}
	rc = publication_switch(p, c, e);
	if (rc == 0 && legacy) {
		/* The old catalogue's journal files, now beside a link. */
		if (folder_path(path, e, "%s-wal", legacy) == 0)
			unlink(path);
		if (folder_path(path, e, "%s-shm", legacy) == 0)
			unlink(path);
	}
	return rc;
}

/* Whether ROOT holds a link of the layout before generations. */
static int
has_old_links(const char *root)
{
	char path[FOLDER_PATH_MAX], stamp[64], **names;
	struct muni_err e;
	size_t n, i;
	int found = 0;

	if ((names = list_folder(root, &n)) == NULL)
		return 0;
	for (i = 0; i < n && !found; i++) {
		if (!meta_name_ok(names[i]) || folder_path(path, &e, "%s/%s",
		    root, names[i]) < 0)
			continue;
		link_stamp(path, names[i], stamp);
		found = stamp[0] != '\0';
	}
	free_list(names, n);
	return found;
}

/* Move an older layout, or a generation without catalogue, to a new one. */
static int
recover(struct publication *p, struct muni_err *e)
{
	char path[FOLDER_PATH_MAX], links[FOLDER_PATH_MAX];
	struct stat st;
	int legacy, rc;

	if (p->gen == 0) {
		/* Before generations: catalog.db and links at the root. */
		if (folder_path(path, e, "%s/catalog.db", p->root) < 0)
			return -1;
		legacy = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
		if (!legacy && !has_old_links(p->root))
			return 0;
		p->legacy = 1;
		rc = rebuild(p, legacy ? path : NULL, p->root, e);
		p->legacy = 0;
		return rc;
	}
	if (folder_path(path, e, "%s/.muni/gen-%lu/catalog.db", p->root,
	    p->gen) < 0 || folder_path(links, e, "%s/.muni/gen-%lu", p->root,
	    p->gen) < 0)
		return -1;
	if (access(path, F_OK) == 0)
		return 0;
	return rebuild(p, NULL, links, e);
}

int
publication_open(struct publication *p, const char *root, int create,
    int wait, struct muni_err *e)
{
	char path[FOLDER_PATH_MAX];
	struct catalog *c;
	struct stat st;
	int none, rc;

	p->lockfd = p->peekfd = -1;
	p->gen = p->next = 0;
	p->legacy = 0;
	if (folder_path(p->root, e, "%s", root) < 0)
		return -1;
	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (!create || mkdir(root, 0755) < 0) {
			err_sys(e, create ? MUNI_EXIT_IO : MUNI_EXIT_USAGE,
			    errno ? errno : ENOTDIR, "cannot use the "
			    "publication folder '%s'", root);
			return -1;
		}
	}
	if (folder_path(path, e, "%s/.muni", root) < 0)
		return -1;
	if (folder_make(path, e) < 0)
		return e->errnum == EACCES || e->errnum == EROFS ||
		    e->errnum == EPERM ? -2 : -1;
	p->lockfd = take_lock(root, wait, e);
	if (p->lockfd < 0) {
		rc = p->lockfd;
		p->lockfd = -1;
		return rc;
	}
	p->gen = read_current(root);
	if (recover(p, e) < 0)
		return -1;
	/* The root's links made whole, and leftovers removed. */
	c = publication_read(p, &none, e);
	if (c == NULL && !none)
		return -1;
	if (c && root_links(p, c, e) < 0) {
		catalog_close(c);
		return -1;
	}
	clean(p, c);
	catalog_close(c);
	return 0;
}

struct catalog *
publication_peek(const char *root, int *none, int *lockfd,
    struct muni_err *e)
{
	char gen[FOLDER_PATH_MAX], path[FOLDER_PATH_MAX];
	struct catalog *c;
	int rc;

	*none = 0;
	rc = publication_resolve(root, gen, lockfd);
	if (rc < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read the publication "
		    "'%s'", root);
		return NULL;
	}
	if (rc == 0) {
		/* A folder of an older muni, or none. */
		if (folder_path(path, e, "%s/catalog.db", root) < 0)
			return NULL;
		if (access(path, F_OK) < 0) {
			*none = 1;
			return NULL;
		}
		return catalog_open(path, CATALOG_READ, e);
	}
	if (folder_path(path, e, "%s/catalog.db", gen) < 0)
		return NULL;
	c = catalog_open(path, CATALOG_READ, e);
	return c;
}

void
publication_close(struct publication *p)
{
	publication_abort(p);
	if (p->lockfd >= 0)
		close(p->lockfd);
	if (p->peekfd >= 0)
		close(p->peekfd);
	p->lockfd = p->peekfd = -1;
}

struct catalog *
publication_read(struct publication *p, int *none, struct muni_err *e)
{
	char path[FOLDER_PATH_MAX];

	*none = p->gen == 0;
	if (*none)
		return NULL;
	if (folder_path(path, e, "%s/.muni/gen-%lu/catalog.db", p->root,
	    p->gen) < 0)
		return NULL;
	return catalog_open(path, CATALOG_READ, e);
}

struct catalog *
publication_begin(struct publication *p, struct catalog *cur,
    struct muni_err *e)
{
	char dir[FOLDER_PATH_MAX], path[FOLDER_PATH_MAX], muni[FOLDER_PATH_MAX];
	struct catalog *c;
	char **names;
	size_t n, i;

	publication_abort(p);
	/* After every generation there is, held by a reader or not. */
	if (folder_path(muni, e, "%s/.muni", p->root) < 0)
		return NULL;
	if ((names = list_folder(muni, &n)) == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", muni);
		return NULL;
	}
	p->next = p->gen + 1;
	for (i = 0; i < n; i++)
		if (gen_number(names[i]) >= p->next)
			p->next = gen_number(names[i]) + 1;
	free_list(names, n);
	if (folder_path(dir, e, "%s/gen-%lu", muni, p->next) < 0 ||
	    folder_path(path, e, "%s/catalog.db", dir) < 0) {
		p->next = 0;
		return NULL;
	}
	if (mkdir(dir, 0755) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create '%s'", dir);
		p->next = 0;
		return NULL;
	}
	if (cur && catalog_snapshot(cur, path, e) < 0) {
		publication_abort(p);
		return NULL;
	}
	c = catalog_open(path, CATALOG_WRITE, e);
	if (c == NULL)
		publication_abort(p);
	return c;
}

void
publication_abort(struct publication *p)
{
	char dir[FOLDER_PATH_MAX];
	struct muni_err e;

	if (p->next && folder_path(dir, &e, "%s/.muni/gen-%lu", p->root,
	    p->next) == 0)
		folder_remove(dir);
	p->next = 0;
}

int
publication_switch(struct publication *p, struct catalog *c,
    struct muni_err *e)
{
	char dir[FOLDER_PATH_MAX], muni[FOLDER_PATH_MAX], tmp[FOLDER_PATH_MAX],
	    target[64], path[FOLDER_PATH_MAX];
	struct catalog *ro;

	if (p->next == 0 || folder_path(muni, e, "%s/.muni", p->root) < 0 ||
	    folder_path(dir, e, "%s/gen-%lu", muni, p->next) < 0 ||
	    folder_path(path, e, "%s/catalog.db", dir) < 0) {
		catalog_close(c);
		if (p->next == 0)
			err_set(e, MUNI_EXIT_INTERNAL, "no generation begun");
		return -1;
	}
	if (fill_generation(p, c, dir, e) < 0) {
		catalog_close(c);
		return -1;
	}
	if (catalog_finish(c, e) < 0)
		return -1;
	if (folder_sync(path) < 0 || folder_sync(dir) < 0 ||
	    folder_sync(muni) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", dir);
		return -1;
	}
	folder_test_crash("generation");
	/* The root's links, from the finished catalogue. */
	ro = catalog_open(path, CATALOG_READ, e);
	if (ro == NULL || root_links(p, ro, e) < 0) {
		catalog_close(ro);
		return -1;
	}
	folder_test_crash("links");
	/* The switch: one rename. */
	snprintf(target, sizeof(target), "gen-%lu", p->next);
	if (folder_path(tmp, e, "%s/current", muni) < 0 ||
	    set_link(tmp, target, e) < 0 || folder_sync(muni) < 0) {
		if (e->msg[0] == '\0')
			err_sys(e, MUNI_EXIT_IO, errno, "cannot switch '%s'",
			    tmp);
		catalog_close(ro);
		return -1;
	}
	p->gen = p->next;
	p->next = 0;
	folder_test_crash("switch");
	clean(p, ro);
	catalog_close(ro);
	return 0;
}

int
publication_resolve(const char *root, char out[FOLDER_PATH_MAX], int *lockfd)
{
	struct muni_err e;
	struct stat st;
	unsigned long g;
	int tries, fd;

	*lockfd = -1;
	for (tries = 0; tries < 20; tries++) {
		g = read_current(root);
		if (g == 0)
			return 0;
		if (folder_path(out, &e, "%s/.muni/gen-%lu", root, g) < 0) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* removed since: the next one */
		while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
			;
		/* Still there once held: a removed folder has no link. */
		if (fstat(fd, &st) == 0 && st.st_nlink > 0) {
			*lockfd = fd;
			return 1;
		}
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}
