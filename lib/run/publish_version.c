/* publish_version.c: see publish_version.h. */
/* strptime, timegm: Linux and the BSDs have them. */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/digest.h"
#include "base/exitcode.h"
#include "csv/csvout.h"
#include "json/conf.h"
#include "json/json.h"
#include "net/http.h"
#include "run/publish_version.h"
#include "source/provenance.h"
#include "base/banned.h"

/* Read a file or URL whole (schemas, reports, provenance). */
int
version_read_doc(const char *path, const char *kind, struct buf *out,
    struct muni_err *e)
{
	if (http_is_url(path))
		return http_get(path, out, MUNI_EXIT_USAGE, e);
	return conf_read(path, kind, out->max, out, e);
}

yajl_val
version_parse_doc(const struct buf *b, const char *kind, const char *path,
    struct muni_err *e)
{
	char err[256];
	yajl_val v;

	err[0] = '\0';
	v = json_parse(b->ptr, err, sizeof(err));
	if (v == NULL || !YAJL_IS_OBJECT(v)) {
		err[strcspn(err, "\n")] = '\0';
		err_set(e, MUNI_EXIT_USAGE, "%s '%s' is not a JSON object%s%s",
		    kind, path, err[0] ? ": " : "", err);
		yajl_tree_free(v);
		return NULL;
	}
	return v;
}

/* The fields of the primary key, and their names as a CSV record. */
int
version_primary_key(const struct schema *schema, size_t **key, size_t *nkey,
    struct buf *names)
{
	struct field f;
	size_t i;

	*nkey = 0;
	*key = NULL;
	if (schema->npk == 0)
		return 0;
	*key = calloc(schema->npk, sizeof(**key));
	if (*key == NULL)
		return -1;
	for (i = 0; i < schema->npk; i++) {
		(*key)[i] = schema->primary_key[i];
		if (i)
			buf_addch(names, ',');
		/* The name as a CSV field, without the record's LF. */
		f.ptr = schema->fields[schema->primary_key[i]].name;
		f.len = strlen(f.ptr);
		if (csvout_render(names, &f, 1) == 0)
			buf_setlen(names, names->len - 1);
	}
	*nkey = schema->npk;
	return 0;
}

/* The version number after cur: schema change, data change, metadata. */
void
version_number(const struct cat_version *cur, int found, const char *schema_sha,
    const char *sha, char out[32])
{
	unsigned a = 1, b = 0, c = 0;

	if (!found) {
		snprintf(out, 32, "1.0.0");
		return;
	}
	if (sscanf(cur->number, "%u.%u.%u", &a, &b, &c) != 3)
		a = 1, b = c = 0;
	if (strcmp(cur->schema_sha256, schema_sha) != 0)
		a++, b = c = 0;
	else if (strcmp(cur->sha256, sha) != 0)
		b++, c = 0;
	else
		c++;
	snprintf(out, 32, "%u.%u.%u", a, b, c);
}

int
version_time(const struct cat_version *cur, int found, char stamp[32],
    char iso[32], struct muni_err *e)
{
	time_t t = provenance_epoch(), now = time(NULL), prev = 0;
	struct tm tm;

	if (t > now)
		t = now;
	memset(&tm, 0, sizeof(tm));
	if (found && strptime(cur->published, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		prev = timegm(&tm);
		if (t <= prev)
			t = prev + 1;
	}
	if (t > now + 2) {
		err_set(e, MUNI_EXIT_IO, "version %s was published at %s, later "
		    "than the clock says it is now: was the clock set back? "
		    "Publish again once it has passed", cur->number,
		    cur->published);
		return -1;
	}
	while (t > time(NULL))
		sleep(1);
	gmtime_r(&t, &tm);
	strftime(stamp, 32, "%Y%m%dT%H%M%SZ", &tm);
	strftime(iso, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

int
version_anonymization(const char *path, const char *sha,
    struct cat_version *v, struct muni_err *e)
{
	const char *verdict, *mode, *out, *key;
	struct buf b;
	yajl_val r;
	int rc = -1;

	snprintf(v->anonymization, sizeof(v->anonymization), "not given");
	v->anon_report_sha256[0] = v->anon_key_id[0] = '\0';
	if (path == NULL)
		return 0;
	buf_init(&b, SCHEMA_MAX_BYTES);
	r = NULL;
	if (version_read_doc(path, "anonymization report", &b, e) < 0 ||
	    (r = version_parse_doc(&b, "anonymization report", path, e)) == NULL ||
	    digest_of(b.ptr, b.len, v->anon_report_sha256) < 0) {
		char why[sizeof(e->msg)];

		snprintf(why, sizeof(why), "%s", e->msg);
		err_set(e, MUNI_EXIT_DATA, "nothing published: the "
		    "anonymization report cannot be read: %s", why);
		goto done;
	}
	verdict = YAJL_IS_STRING(json_member(r, "verdict")) ?
	    json_member(r, "verdict")->u.string : NULL;
	mode = YAJL_IS_STRING(json_member(r, "mode")) ?
	    json_member(r, "mode")->u.string : "";
	out = YAJL_IS_STRING(json_member(json_member(r, "output"), "sha256")) ?
	    json_member(json_member(r, "output"), "sha256")->u.string : NULL;
	key = YAJL_IS_STRING(json_member(r, "key_id")) ?
	    json_member(r, "key_id")->u.string : "";
	if (verdict == NULL)
		err_set(e, MUNI_EXIT_DATA, "nothing published: the "
		    "anonymization report '%s' has no \"verdict\": is it a "
		    "report of muni-anonymize?", path);
	else if (strcmp(verdict, "pass") != 0)
		err_set(e, MUNI_EXIT_DATA, "nothing published: the "
		    "anonymization report '%s' says \"%s\", not \"pass\"",
		    path, verdict);
	else if (strcmp(mode, "audit") == 0 || out == NULL)
		err_set(e, MUNI_EXIT_DATA, "nothing published: the "
		    "anonymization report '%s' is an audit, bound to no data: "
		    "give the report of the muni-anonymize run that wrote the "
		    "data", path);
	else if (strcmp(out, sha) != 0)
		err_set(e, MUNI_EXIT_DATA, "nothing published: the "
		    "anonymization report '%s' was made for other data (its "
		    "output's SHA-256 is %.12s..., the data read is %.12s...): "
		    "give the report of the muni-anonymize run that wrote "
		    "this data", path, out, sha);
	else {
		snprintf(v->anonymization, sizeof(v->anonymization), "pass");
		snprintf(v->anon_key_id, sizeof(v->anon_key_id), "%s", key);
		rc = 0;
	}
done:
	if (rc < 0)
		v->anon_report_sha256[0] = '\0';
	yajl_tree_free(r);
	buf_release(&b);
	return rc;
}
