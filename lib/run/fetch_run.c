/*
 * fetch_run.c is one run in order: download, recognise, open the reader of
 * the format, copy its records; each reader is in source/, the geodata's
 * copies (shapefiles, GeoJSON geometry) in fetch_run_geo.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/buf.h"
#include "base/digest.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/gzip.h"
#include "csv/csvout.h"
#include "net/http.h"
#include "run/fetch_run.h"
#include "run/fetch_run_impl.h"
#include "source/dbf.h"
#include "source/fetch_state.h"
#include "source/jsonrec.h"
#include "source/ods.h"
#include "source/provenance.h"
#include "source/sheet.h"
#include "source/shp.h"
#include "source/sqlite.h"
#include "source/xlsx.h"
#include "source/xmlrec.h"
#include "source/zip.h"
#include "base/banned.h"


void
fetch_run_note_crs(struct run *r, const char *crs)
{
	if (crs == NULL)
		return;
	snprintf(r->crs, sizeof(r->crs), "%s", crs);
	r->p.crs = r->crs;
	r->p.reprojected_to = r->o->to_wgs84 ? "EPSG:4326" : NULL;
}

/* Inflate in[0..n) into the file tmp; -1 with e set. */
static int
spool_inflate(struct run *r, struct gunzip *g, int tmp, const unsigned char *in,
    size_t n, struct muni_err *e)
{
	unsigned char out[65536];
	size_t used, made;
	int rc;

	while (n > 0) {
		rc = gunzip_step(g, in, n, &used, out, sizeof(out), &made);
		if (rc == GUNZIP_TOO_LARGE)
			err_set(e, MUNI_EXIT_DATA, "'%s': the gzip data inflates "
			    "to more than %llu bytes (raise the limit with "
			    "--max-input-size)", r->o->input,
			    r->o->csv.max_input ? r->o->csv.max_input :
			    CSVIN_MAX_INPUT);
		else if (rc == GUNZIP_TRAILING)
			err_set(e, MUNI_EXIT_DATA, "'%s': trailing bytes after "
			    "the gzip data", r->o->input);
		else if (rc != GUNZIP_OK)
			err_set(e, MUNI_EXIT_DATA, "'%s': the gzip data is "
			    "corrupt", r->o->input);
		if (rc != GUNZIP_OK)
			return -1;
		if (fd_write_full(tmp, out, made) < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot copy the input "
			    "to '%s'", r->tmp);
			return -1;
		}
		in += used;
		n -= used;
	}
	return 0;
}

/*
 * Copy prefix and the rest of fd into a new temporary file, inflating gzip
 * when gz is set; hash and count the raw bytes on the way.
 */
static int
spool(struct run *r, int fd, const void *prefix, size_t n, int gz,
    struct muni_err *e)
{
	unsigned char in[65536];
	struct gunzip *g = NULL;
	ssize_t got = (ssize_t)n;
	int tmp;

	if (gz && (g = gunzip_new(r->o->csv.max_input ? r->o->csv.max_input :
	    CSVIN_MAX_INPUT)) == NULL) {
		err_set(e, MUNI_EXIT_INTERNAL, "cannot start zlib");
		return -1;
	}
	tmp = fd_temp("muni-fetch", r->tmp, e);
	if (tmp < 0)
		goto fail;
	memcpy(in, prefix, n);
	r->bytes = 0;
	while (got > 0) {
		digest_update(&r->d, in, (size_t)got);
		r->bytes += (unsigned long long)got;
		if (g && spool_inflate(r, g, tmp, in, (size_t)got, e) < 0)
			goto fail;
		if (!g && fd_write_full(tmp, in, (size_t)got) < 0)
			goto write_fail;
		got = fd_read_full(fd, in, sizeof(in));
	}
	if (got < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'",
		    r->o->input);
		goto fail;
	}
	if (g && !gunzip_complete(g)) {
		err_set(e, MUNI_EXIT_DATA, "'%s': the gzip data is truncated",
		    r->o->input);
		goto fail;
	}
	gunzip_free(g);
	g = NULL;
	if (close(tmp) < 0) {
		tmp = -1;
		goto write_fail;
	}
	r->hashing = 1;
	return 0;
write_fail:
	err_sys(e, MUNI_EXIT_IO, errno, "cannot copy the input to '%s'",
	    r->tmp);
fail:
	gunzip_free(g);
	if (tmp >= 0)
		close(tmp);
	if (r->tmp[0])
		unlink(r->tmp);
	r->tmp[0] = '\0';
	return -1;
}

/* Hash a whole regular file, read from its start whatever fd's offset. */
static int
hash_fd(struct run *r, int fd, struct muni_err *e)
{
	char chunk[65536];
	ssize_t got;
	off_t at = 0;

	r->bytes = 0;
	for (;;) {
		got = pread(fd, chunk, sizeof(chunk), at);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		digest_update(&r->d, chunk, (size_t)got);
		r->bytes += (unsigned long long)got;
		at += got;
	}
	if (got < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'",
		    r->o->input);
		return -1;
	}
	r->hashing = 1;
	return 0;
}

static int
write_provenance(struct run *r, struct muni_err *e)
{
	struct buf json;
	char hex[65];
	int rc;

	if (digest_hex(&r->d, hex) < 0) {
		err_set(e, MUNI_EXIT_INTERNAL, "cannot compute SHA-256 of '%s'",
		    r->o->input);
		return -1;
	}
	r->source = http_is_url(r->o->input) ? http_public(r->o->input) :
	    NULL;
	r->p.source = r->source ? r->source : r->o->input;
	r->p.sha256 = hex;
	if (r->o->pager.kind != PAGER_NONE) {
		static const char *const kinds[] = {
			[PAGER_NONE] = "none", [PAGER_LINKS] = "links",
			[PAGER_NEXT] = "next", [PAGER_PAGE] = "page",
			[PAGER_OFFSET] = "offset", [PAGER_ARCGIS] = "arcgis",
			[PAGER_WFS] = "wfs",
		};

		r->p.api = r->pages.resource[0] ? "ckan-resource" :
		    kinds[r->o->pager.kind];
		r->p.pages = r->pages.pages;
		r->p.matched = r->pages.matched;
		r->p.resource = r->pages.resource[0] ? r->pages.resource :
		    NULL;
	}
	r->p.tool = r->o->tool;
	buf_init(&json, 1 << 20);
	rc = provenance_json(&r->p, &json, e);
	if (rc == 0)
		rc = atomic_write_user(r->o->provenance, json.ptr, json.len,
		    0644, e);
	buf_release(&json);
	return rc;
}

/*
 * Every reader yields records the same way; one loop copies them to the
 * canonical writer. Returns the exit status, e saying why when not 0.
 */

static int
next_csv(void *reader, struct record **rec, struct muni_err *e)
{
	return csvin_next(reader, rec, e);
}

static int
next_sqlite(void *reader, struct record **rec, struct muni_err *e)
{
	return sqlite_next(reader, rec, e);
}

static int
next_dbf(void *reader, struct record **rec, struct muni_err *e)
{
	return dbf_next(reader, rec, e);
}

static int
next_sheet(void *reader, struct record **rec, struct muni_err *e)
{
	return sheet_next(reader, rec, e);
}

static int
next_json(void *reader, struct record **rec, struct muni_err *e)
{
	return jsonrec_next(reader, rec, e);
}

static int
next_xml(void *reader, struct record **rec, struct muni_err *e)
{
	return xmlrec_next(reader, rec, e);
}

int
fetch_run_copy(struct run *r, void *reader, fetch_run_next *next,
    struct muni_err *e)
{
	const struct csvin_options *c = &r->o->csv;
	struct record *rec;
	unsigned long long rows = 0;
	int rc;

	/* csvin tells progress itself; the other readers, by their rows */
	while ((rc = next(reader, &rec, e)) > 0) {
		if (csvout_record(&r->out, rec->fields, rec->nfields) < 0)
			break;
		if (c->progress && next != next_csv &&
		    ++rows % CSVIN_PROGRESS_EVERY == 0)
			c->progress(c->progress_ctx, 0, 0, rows - 1, 0);
	}
	if (c->progress && next != next_csv)
		c->progress(c->progress_ctx, 0, 0, rows ? rows - 1 : 0, 1);
	if (rc < 0)
		return e->status;
	return MUNI_EXIT_OK;
}

/* The listing of --list, to standard output. */
static int
write_list(struct run *r, struct buf *list, int rc, struct muni_err *e)
{
	if (rc == 0 && csvout_write(&r->out, list->ptr, list->len) < 0)
		return MUNI_EXIT_IO;
	buf_release(list);
	return rc < 0 ? e->status : MUNI_EXIT_OK;
}

static int
copy_csv(struct run *r, int fd, const void *prefix, size_t n,
    struct muni_err *e)
{
	struct csvin_options copt = r->o->csv;
	struct csvin *in;
	int status;

	copt.prefix = prefix;
	copt.nprefix = n;
	copt.threads = 1;	/* read and parse beside the writing */
	if (!r->hashing && r->o->provenance) {
		copt.raw_hook = digest_hook;
		copt.raw_ctx = &r->d;
	}
	in = csvin_new(fd, r->o->input, &copt, e);
	if (in == NULL)
		return e->status;
	status = fetch_run_copy(r, in, next_csv, e);
	r->p.format = "csv";
	if (!r->hashing)
		r->bytes = csvin_raw_bytes(in);
	r->p.compression = csvin_compression(in);
	r->p.encoding = csvin_encoding(in);
	r->p.bom = csvin_bom(in);
	r->p.delimiter = csvin_delimiter(in);
	r->p.line_ends = csvin_line_ends(in);
	r->p.records = csvin_rows(in);
	csvin_free(in);
	return status;
}

static int
copy_sqlite(struct run *r, const char *path, struct muni_err *e)
{
	struct sqlite_options so;
	struct sqlite *s;
	struct buf list;
	int status;

	if (r->o->list) {
		buf_init(&list, 1 << 20);
		return write_list(r, &list, sqlite_list(path, &list, e), e);
	}
	memset(&so, 0, sizeof(so));
	so.table = r->o->table;
	so.query = r->o->query;
	so.max_field = r->o->csv.max_field;
	so.max_record = r->o->csv.max_record;
	so.max_rows = r->o->max_rows;
	so.to_wgs84 = r->o->to_wgs84;
	s = sqlite_open(path, &so, e);
	if (s == NULL)
		return e->status;
	status = fetch_run_copy(r, s, next_sqlite, e);
	r->p.format = "sqlite";
	r->p.encoding = "UTF-8";
	r->p.records = sqlite_rows(s) + 1;
	fetch_run_note_crs(r, sqlite_crs(s));
	sqlite_free(s);
	return status;
}

const char *
fetch_run_cpg(const char *path, char out[64])
{
	size_t n = strlen(path), k;
	char cpg[4096];
	FILE *f;

	if (n < 4 || n >= sizeof(cpg) || strcasecmp(path + n - 4, ".dbf"))
		return NULL;
	memcpy(cpg, path, n - 4);
	memcpy(cpg + n - 4, path[n - 1] == 'F' ? ".CPG" : ".cpg", 5);
	f = fopen(cpg, "r");
	if (f == NULL)
		return NULL;
	if (fgets(out, 64, f) == NULL)
		out[0] = '\0';
	fclose(f);
	k = strcspn(out, "\r\n");
	out[k] = '\0';
	if (strcasecmp(out, "UTF-8") == 0 || strcasecmp(out, "UTF8") == 0)
		return "UTF-8";
	if (strcmp(out, "1252") == 0 || strcasecmp(out, "ANSI 1252") == 0)
		return "WINDOWS-1252";
	if (strcmp(out, "88591") == 0)
		return "ISO-8859-1";
	return out[0] ? out : NULL;
}

static int
copy_dbf(struct run *r, int fd, const void *prefix, size_t n,
    struct muni_err *e)
{
	char cpg[64];
	const char *enc = r->o->csv.encoding;
	struct dbf *s;
	int status;

	if (enc == NULL && strcmp(r->local, "-") != 0)
		enc = fetch_run_cpg(r->local, cpg);
	s = dbf_open(fd, r->o->input, prefix, n, enc,
	    r->hashing || !r->o->provenance ? NULL : digest_hook, &r->d, e);
	if (s == NULL)
		return e->status;
	status = fetch_run_copy(r, s, next_dbf, e);
	r->p.format = "dbf";
	if (!r->hashing)
		r->bytes = dbf_bytes(s);
	r->p.encoding = dbf_encoding(s);
	r->p.records = dbf_records(s);
	dbf_free(s);
	return status;
}

static int
copy_sheet(struct run *r, struct sheet *sh, const char *format,
    struct muni_err *e)
{
	int status;

	if (sh == NULL)
		return e->status;
	status = fetch_run_copy(r, sh, next_sheet, e);
	r->p.format = format;
	r->p.encoding = "UTF-8";
	r->p.records = sheet_records(sh);
	r->p.skipped = sheet_skipped(sh);
	snprintf(r->sheet, sizeof(r->sheet), "%s", sheet_name(sh));
	r->p.sheet = r->sheet;
	sheet_free(sh);
	return status;
}

static int
copy_json(struct run *r, int fd, struct muni_err *e)
{
	struct json_options jo;
	struct jsonrec *s;
	int status;

	memset(&jo, 0, sizeof(jo));
	/* An API's pages are gathered as one array (or FeatureCollection). */
	jo.records = r->o->pager.kind != PAGER_NONE && !r->pages.resource[0] ?
	    NULL : r->o->records;
	jo.lonlat = r->o->lonlat;
	/* A WFS's GML: its CRS, its coordinates maybe projected. */
	jo.xy = r->pages.gml && r->pages.projected;
	if (r->pages.gml && r->pages.crs[0])
		fetch_run_note_crs(r, r->pages.crs);
	jo.max_field = r->o->csv.max_field;
	jo.max_record = r->o->csv.max_record;
	jo.warn = r->o->pick.warn;
	jo.warn_ctx = r->o->pick.warn_ctx;
	s = jsonrec_open(fd, r->o->input, &jo, e);
	if (s == NULL)
		return e->status;
	if (r->o->geometry && (strcmp(r->o->geometry, "wkt") == 0 ||
	    strcmp(r->o->geometry, "centroid") == 0))
		status = fetch_run_json_geometry(r, s, e);
	else
		status = fetch_run_copy(r, s, next_json, e);
	r->p.format = jsonrec_kind(s);
	r->p.encoding = "UTF-8";
	r->p.records = jsonrec_records(s);
	jsonrec_free(s);
	return status;
}

static int
copy_xml(struct run *r, int fd, struct muni_err *e)
{
	struct xml_options xo;
	struct xmlrec *s;
	int status;

	memset(&xo, 0, sizeof(xo));
	xo.records = r->o->records;
	xo.max_field = r->o->csv.max_field;
	xo.max_record = r->o->csv.max_record;
	s = xmlrec_open(fd, r->o->input, &xo, e);
	if (s == NULL)
		return e->status;
	status = fetch_run_copy(r, s, next_xml, e);
	r->p.format = "xml";
	r->p.encoding = "UTF-8";
	r->p.records = xmlrec_records(s);
	xmlrec_free(s);
	return status;
}

static int dispatch(struct run *r, int fd, const unsigned char *prefix,
    size_t n, enum fetch_run_format format, int depth, struct muni_err *e);

/* Whether name ends with ".ext" (any case). */
static int
has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), k = strlen(ext);

	return n > k + 1 && name[n - k - 1] == '.' &&
	    strcasecmp(name + n - k, ext) == 0;
}

/* Entry i of z into fd (the file path): 0, or -1 with e set. */
static int
extract(struct zip *z, size_t i, int fd, const char *path,
    struct muni_err *e)
{
	struct zip_stream *zs = zip_stream_open(z, i, e);
	char chunk[65536];
	ssize_t got;

	if (zs == NULL)
		return -1;
	while ((got = zip_stream_read(zs, chunk, sizeof(chunk), e)) > 0)
		if (fd_write_full(fd, chunk, (size_t)got) < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'",
			    path);
			got = -1;
			break;
		}
	zip_stream_close(zs);
	return got < 0 ? -1 : 0;
}

static const char *const layer_exts[] = { "shp", "shx", "dbf", "prj", "cpg" };

/* Remove the files of r->layer and the folder. */
static void
layer_remove(struct run *r)
{
	char path[4200];
	size_t i;

	if (r->layer[0] == '\0')
		return;
	for (i = 0; i < sizeof(layer_exts) / sizeof(*layer_exts); i++) {
		snprintf(path, sizeof(path), "%s/layer.%s", r->layer,
		    layer_exts[i]);
		unlink(path);
	}
	rmdir(r->layer);
	r->layer[0] = '\0';
}

/*
 * The shapefile whose .shp is entry shp of the archive: its .shx, .dbf,
 * .prj and .cpg (the same name, any case of extension) extracted to a
 * folder of our own under fixed names (an entry's name is never a path
 * here), then read.
 */
static int
copy_zipped_shp(struct run *r, struct zip *z, size_t shp, struct muni_err *e)
{
	const char *name = zip_name(z, shp), *dir = getenv("TMPDIR");
	size_t base = strlen(name) - 3, i, k;
	char path[4200];
	long found[3] = { -1, -1, -1 };
	int fd, rc = 0;

	/* The .shp, .shx and .dbf at least. */
	for (k = 0; k < 3; k++)
		for (i = 0; i < zip_count(z); i++)
			if (strlen(zip_name(z, i)) == base + 3 &&
			    strncmp(zip_name(z, i), name, base) == 0 &&
			    strcasecmp(zip_name(z, i) + base,
			    layer_exts[k]) == 0)
				found[k] = (long)i;
	for (k = 1; k < 3; k++)
		if (found[k] < 0) {
			err_set(e, MUNI_EXIT_DATA, "'%s': the shapefile '%s' has "
			    "no '%.*s%s' beside it in the archive",
			    r->o->input, name, (int)base, name, layer_exts[k]);
			return e->status;
		}
	snprintf(r->layer, sizeof(r->layer), "%s/muni-fetch.XXXXXX",
	    dir && *dir ? dir : "/tmp");
	if (mkdtemp(r->layer) == NULL) {
		r->layer[0] = '\0';
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create a temporary "
		    "folder");
		return e->status;
	}
	for (k = 0; k < sizeof(layer_exts) / sizeof(*layer_exts) && rc == 0;
	    k++)
		for (i = 0; i < zip_count(z) && rc == 0; i++) {
			if (strlen(zip_name(z, i)) != base + 3 ||
			    strncmp(zip_name(z, i), name, base) != 0 ||
			    strcasecmp(zip_name(z, i) + base, layer_exts[k]))
				continue;
			snprintf(path, sizeof(path), "%s/layer.%s", r->layer,
			    layer_exts[k]);
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			    0600);
			if (fd < 0)
				err_sys(e, MUNI_EXIT_IO, errno, "cannot create "
				    "'%s'", path);
			if (fd < 0 || extract(z, i, fd, path, e) < 0)
				rc = -1;
			if (fd >= 0 && close(fd) < 0 && rc == 0) {
				err_sys(e, MUNI_EXIT_IO, errno, "cannot write "
				    "'%s'", path);
				rc = -1;
			}
			break;
		}
	if (rc < 0)
		return e->status;
	r->p.entry = name;
	snprintf(path, sizeof(path), "%s/layer.shp", r->layer);
	rc = fetch_run_shp(r, path, e);
	r->p.compression = "zip";
	return rc;
}

/* A ZIP archive that is not a spreadsheet: the one data file it holds. */
static int
copy_member(struct run *r, struct zip *z, int depth, struct muni_err *e)
{
	struct buf list;
	unsigned char prefix[CSVIN_PREFIX_MAX];
	const char *name;
	long pick = -1;
	size_t i, n, files = 0;
	ssize_t got;
	size_t shp = 0, shps;
	int fd, status;

	for (i = 0; i < zip_count(z); i++) {
		name = zip_name(z, i);
		n = strlen(name);
		if (n == 0 || name[n - 1] == '/' ||
		    strncmp(name, "__MACOSX/", 9) == 0)
			continue;
		if (r->o->entry && strcmp(name, r->o->entry) == 0) {
			pick = (long)i;
			break;
		}
		if (!r->o->entry && files++ == 0)
			pick = (long)i;
	}
	/* A zipped shapefile: its one .shp (or the one named) and siblings. */
	for (i = 0, shps = 0; i < zip_count(z); i++)
		if (has_ext(zip_name(z, i), "shp") &&
		    strncmp(zip_name(z, i), "__MACOSX/", 9) != 0 &&
		    (r->o->entry == NULL || (long)i == pick) && shps++ == 0)
			shp = i;
	if (!r->o->list && depth == 0 && shps == 1)
		return copy_zipped_shp(r, z, shp, e);
	if (!r->o->entry && files > 1)
		pick = -1;
	if (r->o->list) {
		buf_init(&list, 1 << 20);
		for (i = 0; i < zip_count(z); i++)
			buf_addf(&list, "%s\n", zip_name(z, i));
		return write_list(r, &list, 0, e);
	}
	if (depth > 0) {
		err_set(e, MUNI_EXIT_DATA, "'%s': an archive inside an archive "
		    "is not read", r->o->input);
		return e->status;
	}
	if (pick < 0 && r->o->entry) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' has no entry '%s' (muni-fetch "
		    "--list shows them)", r->o->input, r->o->entry);
		return e->status;
	}
	if (pick < 0) {
		err_set(e, MUNI_EXIT_DATA, files ? "'%s' holds several files: "
		    "name one with --entry (muni-fetch --list shows them)" :
		    "'%s' is an empty archive", r->o->input);
		return e->status;
	}
	fd = fd_temp("muni-fetch", r->member, e);
	if (fd < 0)
		return e->status;
	got = extract(z, (size_t)pick, fd, r->member, e);
	if (got < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    (got = fd_read_full(fd, prefix, sizeof(prefix))) < 0) {
		if (e->status == 0)
			err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'",
			    r->member);
		close(fd);
		return e->status;
	}
	r->p.entry = zip_name(z, (size_t)pick);
	status =
	    dispatch(r, fd, prefix, (size_t)got, FETCH_RUN_AUTO, depth + 1, e);
	r->p.compression = "zip";
	close(fd);
	return status;
}

static int
copy_zip(struct run *r, int fd, enum fetch_run_format format, int depth,
    struct muni_err *e)
{
	struct zip *z = zip_open(fd, r->o->input, r->o->csv.max_input, e);
	struct buf list;
	int status;

	if (z == NULL)
		return e->status;
	if (format == FETCH_RUN_AUTO || format == FETCH_RUN_ZIP)
		format = xlsx_is(z) ? FETCH_RUN_XLSX : ods_is(z) ?
		    FETCH_RUN_ODS : FETCH_RUN_ZIP;
	if (format == FETCH_RUN_ZIP) {
		status = copy_member(r, z, depth, e);
		r->p.entry = r->p.entry ? strdup(r->p.entry) : NULL;
		zip_free(z);
		return status;
	}
	if (r->o->list) {
		buf_init(&list, 1 << 20);
		return write_list(r, &list, format == FETCH_RUN_XLSX ?
		    xlsx_list(z, r->o->input, &list, e) :
		    ods_list(z, r->o->input, &list, e), e);
	}
	if (format == FETCH_RUN_XLSX)
		return copy_sheet(r, xlsx_open(z, r->o->input, &r->o->pick,
		    &r->o->grid, e), "xlsx", e);
	return copy_sheet(r, ods_open(z, r->o->input, &r->o->pick,
	    &r->o->grid, e), "ods", e);
}

static int
is_gzip(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* The first bytes of a gzip stream, inflated (as many as the prefix has). */
static size_t
peek_gzip(const unsigned char *p, size_t n, unsigned char *out, size_t max)
{
	struct gunzip *g = gunzip_new(max);
	size_t used, made = 0;

	if (g)
		(void)gunzip_step(g, p, n, &used, out, max, &made);
	gunzip_free(g);
	return made;
}

/* Whether the bytes are an HTML page rather than data. */
static int
is_html(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	if (n - i >= 14 && strncasecmp((const char *)p + i, "<!doctype html",
	    14) == 0)
		return 1;
	return n - i >= 5 && strncasecmp((const char *)p + i, "<html", 5) == 0;
}

static enum fetch_run_format
recognise(const unsigned char *p, size_t n)
{
	if (sqlite_is(p, n))
		return FETCH_RUN_SQLITE;
	if (zip_is(p, n))
		return FETCH_RUN_ZIP;
	if (dbf_is(p, n))
		return FETCH_RUN_DBF;
	if (shp_is(p, n))
		return FETCH_RUN_SHP;
	if (jsonrec_is(p, n))
		return FETCH_RUN_JSON;
	if (xmlrec_is(p, n) && !is_html(p, n))
		return FETCH_RUN_XML;
	return FETCH_RUN_CSV;
}

/*
 * Read what fd holds (its first n bytes given in prefix) as format; fd is
 * a regular file from depth 1 on (a ZIP member).
 */
static int
dispatch(struct run *r, int fd, const unsigned char *prefix, size_t n,
    enum fetch_run_format format, int depth, struct muni_err *e)
{
	unsigned char inner[CSVIN_PREFIX_MAX];
	const unsigned char *head = prefix;
	size_t nhead = n;
	struct stat st;
	const char *path;
	int gz = is_gzip(prefix, n), fd2, status;

	if (gz) {
		nhead = peek_gzip(prefix, n, inner, sizeof(inner));
		head = inner;
	}
	if (format == FETCH_RUN_AUTO)
		format = recognise(head, nhead);
	if (format == FETCH_RUN_CSV && is_html(head, nhead)) {
		err_set(e, MUNI_EXIT_DATA, "'%s' is an HTML page, not data (an "
		    "error page or a login page where an export was "
		    "expected?)", r->o->input);
		return e->status;
	}
	if (format != FETCH_RUN_SQLITE && (r->o->table || r->o->query)) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is not a SQLite database: "
		    "--table and --query are for one", r->o->input);
		return e->status;
	}
	if (r->o->list && (format == FETCH_RUN_CSV || format == FETCH_RUN_DBF ||
	    format == FETCH_RUN_JSON || format == FETCH_RUN_XML ||
	    format == FETCH_RUN_SHP)) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' holds one table: --list is "
		    "for databases, spreadsheets and archives", r->o->input);
		return e->status;
	}
	if (fetch_run_geometry_options(r, format, e) < 0)
		return e->status;
	if (format == FETCH_RUN_SHP)
		return gz || depth > 0 ? fetch_run_shp(r, "-", e) :
		    fetch_run_shp(r, r->local, e);
	if (format == FETCH_RUN_CSV)
		return copy_csv(r, fd, prefix, n, e);
	if (format == FETCH_RUN_DBF && !gz)
		return copy_dbf(r, fd, prefix, n, e);
	/*
	 * The others need a file: a regular one is read in place (SQLite
	 * needs its path too), anything else copied, gzip inflated.
	 */
	if (gz || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (format == FETCH_RUN_SQLITE && depth == 0 && fd == STDIN_FILENO)) {
		if (depth > 0 && gz) {
			err_set(e, MUNI_EXIT_DATA, "'%s': gzip inside an "
			    "archive is not read", r->o->input);
			return e->status;
		}
		if (spool(r, fd, prefix, n, gz, e) < 0)
			return e->status;
		path = r->tmp;
	} else {
		path = depth > 0 ? r->member : r->local;
		if (depth == 0 && r->o->provenance && !r->hashing &&
		    hash_fd(r, fd, e) < 0)
			return e->status;
	}
	if (gz)
		r->p.compression = "gzip";
	if (format == FETCH_RUN_SQLITE)
		return copy_sqlite(r, path, e);
	fd2 = path == r->tmp ? open(path, O_RDONLY | O_CLOEXEC) : dup(fd);
	if (fd2 < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot open '%s'", path);
		return e->status;
	}
	if (format == FETCH_RUN_DBF) {
		if (lseek(fd2, 0, SEEK_SET) < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'",
			    r->o->input);
			close(fd2);
			return e->status;
		}
		status = copy_dbf(r, fd2, NULL, 0, e);
		r->p.compression = gz ? "gzip" : "none";
	} else if (format == FETCH_RUN_JSON)
		status = copy_json(r, fd2, e);
	else if (format == FETCH_RUN_XML)
		status = copy_xml(r, fd2, e);
	else
		status = copy_zip(r, fd2, format, depth, e);
	close(fd2);
	return status;
}

/*
 * Download the URL into r->download, hash it; with a state file, tell
 * whether the source is unchanged (MUNI_EXIT_NOT_MODIFIED).
 */
static int
download(struct run *r, struct fetch_state *st, struct http_result *res,
    struct muni_err *e)
{
	struct http_get_options ho;
	char hex[65];
	int fd;

	memset(&ho, 0, sizeof(ho));
	ho.max_bytes = r->o->max_download ? r->o->max_download :
	    (unsigned long long)1 << 30;
	ho.retries = r->o->retries;
	ho.max_wait = 300;
	ho.timeout = r->o->timeout;
	ho.headers = r->o->headers;
	ho.nheaders = r->o->nheaders;
	if (r->o->state != NULL) {
		if (fetch_state_load(r->o->state, r->o->input, st, e) < 0)
			return -1;
		ho.etag = st->etag;
		ho.last_modified = st->last_modified;
	}
	fd = fd_temp("muni-fetch", r->download, e);
	if (fd < 0)
		return -1;
	if (r->o->pager.kind != PAGER_NONE) {
		struct pager_options po = r->o->pager;

		if (r->o->records)
			po.records = r->o->records;
		po.warn = r->o->pick.warn;
		po.warn_ctx = r->o->pick.warn_ctx;
		if (pager_fetch(r->o->input, &po, &ho, fd, res, &r->pages,
		    e) < 0) {
			close(fd);
			return -1;
		}
	} else if (http_download(r->o->input, fd, &ho, res, e) < 0) {
		close(fd);
		return -1;
	}
	if (res->code == 304) {
		close(fd);
		return MUNI_EXIT_NOT_MODIFIED;
	}
	if (hash_fd(r, fd, e) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	if (r->o->state != NULL && st->found && !res->etag[0] &&
	    !res->last_modified[0] && st->bytes == r->bytes &&
	    digest_hex(&r->d, hex) == 0 && strcmp(hex, st->sha256) == 0)
		return MUNI_EXIT_NOT_MODIFIED;
	if (strncasecmp(res->content_type, "text/html", 9) == 0 &&
	    (r->o->format == FETCH_RUN_AUTO || r->o->format == FETCH_RUN_CSV ||
	    r->pages.resource[0])) {
		err_set(e, MUNI_EXIT_DATA, "'%s' is an HTML page, not data (an "
		    "error page or a login page where an export was "
		    "expected?)", r->o->input);
		return -1;
	}
	r->local = r->download;
	return 0;
}

/* After a run that succeeded: remember the download, warn of changes. */
static int
remember(struct run *r, const struct fetch_state *old,
    const struct http_result *res, struct muni_err *e)
{
	struct fetch_state st;
	char msg[512];

	memset(&st, 0, sizeof(st));
	snprintf(st.etag, sizeof(st.etag), "%s", res->etag);
	snprintf(st.last_modified, sizeof(st.last_modified), "%s",
	    res->last_modified);
	st.bytes = r->bytes;
	if (digest_hex(&r->d, st.sha256) < 0)
		st.sha256[0] = '\0';
	snprintf(st.encoding, sizeof(st.encoding), "%s",
	    r->p.encoding ? r->p.encoding : "");
	if (r->p.delimiter)
		snprintf(st.delimiter, sizeof(st.delimiter), "%c",
		    r->p.delimiter);
	if (old->found && r->o->pick.warn && old->encoding[0] &&
	    strcmp(old->encoding, st.encoding) != 0 && !r->o->csv.encoding) {
		snprintf(msg, sizeof(msg), "'%s': the encoding changed since "
		    "the last fetch, from %s to %s", r->o->input,
		    old->encoding, st.encoding);
		r->o->pick.warn(r->o->pick.warn_ctx, msg);
	}
	if (old->found && r->o->pick.warn && old->delimiter[0] &&
	    strcmp(old->delimiter, st.delimiter) != 0 && !r->o->csv.delimiter) {
		snprintf(msg, sizeof(msg), "'%s': the delimiter changed since "
		    "the last fetch, from '%s' to '%s'", r->o->input,
		    old->delimiter, st.delimiter);
		r->o->pick.warn(r->o->pick.warn_ctx, msg);
	}
	return fetch_state_save(r->o->state, r->o->input, &st, e);
}

enum fetch_run_format
fetch_run_format(const char *name)
{
	static const char *const names[] = {
	    [FETCH_RUN_CSV] = "csv",
	    [FETCH_RUN_SQLITE] = "sqlite",
	    [FETCH_RUN_DBF] = "dbf",
	    [FETCH_RUN_XLSX] = "xlsx",
	    [FETCH_RUN_ODS] = "ods",
	    [FETCH_RUN_ZIP] = "zip",
	    [FETCH_RUN_JSON] = "json",
	    [FETCH_RUN_XML] = "xml",
	    [FETCH_RUN_SHP] = "shp",
	};
	size_t i;

	for (i = 1; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(name, names[i]) == 0)
			return (enum fetch_run_format)i;
	return FETCH_RUN_AUTO;
}

int
fetch_run(const struct fetch_run_options *o, struct muni_err *e)
{
	unsigned char prefix[CSVIN_PREFIX_MAX];
	struct http_result res;
	struct fetch_state st;
	struct run r;
	ssize_t n;
	int fd = -1, status, url = http_is_url(o->input);

	err_clear(e);
	memset(&r, 0, sizeof(r));
	memset(&st, 0, sizeof(st));
	r.o = o;
	r.local = o->input;
	r.p.compression = "none";
	r.p.line_ends = "none";
	if (digest_init(&r.d) < 0 || csvout_init(&r.out, o->out_fd) < 0) {
		err_set(e, MUNI_EXIT_INTERNAL, "cannot initialise the reader");
		status = MUNI_EXIT_INTERNAL;
		goto end;
	}
	/* A provenance that could not be written is known before any data. */
	if (o->provenance && atomic_check(o->provenance, e) < 0) {
		status = MUNI_EXIT_IO;
		goto end;
	}
	if (url && (status = download(&r, &st, &res, e)) != 0) {
		if (status < 0)
			status = e->status;
		goto end;
	}
	fd = fd_open_input(r.local, NULL);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot open '%s'", o->input);
		status = MUNI_EXIT_IO;
		goto end;
	}
	n = fd_read_full(fd, prefix, sizeof(prefix));
	if (n < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", o->input);
		status = MUNI_EXIT_IO;
		goto end;
	}
	/* A CKAN resource's file, read instead of its datastore: any format. */
	status = dispatch(&r, fd, prefix, (size_t)n, r.pages.resource[0] ?
	    FETCH_RUN_AUTO : o->format, 0, e);
	if (csvout_flush(&r.out) < 0 && status == MUNI_EXIT_OK) {
		err_sys(e, MUNI_EXIT_IO, r.out.errnum,
		    "cannot write to standard output");
		status = MUNI_EXIT_IO;
	}
	if (status == MUNI_EXIT_OK && o->provenance && !o->list) {
		r.p.bytes = r.bytes;
		if (write_provenance(&r, e) < 0)
			status = e->status;
	}
	if (status == MUNI_EXIT_OK && url && o->state && !o->list &&
	    remember(&r, &st, &res, e) < 0)
		status = e->status;
end:
	free((char *)r.p.entry);
	free(r.source);
	if (r.tmp[0])
		unlink(r.tmp);
	if (r.member[0])
		unlink(r.member);
	layer_remove(&r);
	if (r.download[0])
		unlink(r.download);
	if (fd >= 0 && fd != STDIN_FILENO)
		close(fd);
	digest_release(&r.d);
	csvout_release(&r.out);
	return status;
}
