#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "base/buf.h"
#include "base/digest.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "json/conf.h"
#include "json/json.h"
#include "net/http.h"
#include "publish/datagouv.h"
#include "base/banned.h"

#define ANSWER_MAX ((size_t)64 << 20)

/* The key file's first line, without spaces around it. */
static int
read_key(const char *path, char key[512], struct muni_err *e)
{
	struct buf b;
	size_t i, n;
	char *p;

	int fd = fd_open_secret(path, "the API key file", e);

	if (fd < 0)
		return -1;
	buf_init(&b, 4096);
	if (fd_read_all(fd, &b) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read the API key file "
		    "'%s'", path);
		close(fd);
		buf_release(&b);
		return -1;
	}
	close(fd);
	p = b.ptr;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	n = strcspn(p, "\r\n");
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x21 || (unsigned char)p[i] > 0x7e)
			break;
	if (n == 0 || i < n || n >= 512) {
		err_set(e, MUNI_EXIT_USAGE, "API key file '%s' does not hold "
		    "a key on its first line", path);
		buf_release(&b);
		return -1;
	}
	memcpy(key, p, n);
	key[n] = '\0';
	buf_release(&b);
	return 0;
}

/* Judge an answer: 2xx is 0; otherwise an error naming what was asked. */
static int
judge(long code, const struct buf *body, const char *what,
    const struct datagouv_upload *u, struct muni_err *e)
{
	char msg[200] = "";
	yajl_val v;

	if (code >= 200 && code < 300)
		return 0;
	v = json_parse(body->ptr, NULL, 0);
	if (YAJL_IS_STRING(json_member(v, "message")))
		snprintf(msg, sizeof(msg), ": %s",
		    json_member(v, "message")->u.string);
	yajl_tree_free(v);
	if (code == 401 || code == 403)
		err_set(e, MUNI_EXIT_USAGE, "data.gouv.fr refused the API key "
		    "of '%s' to %s (HTTP %ld)%s", u->key_file, what, code, msg);
	else if (code == 404)
		err_set(e, MUNI_EXIT_USAGE, "data.gouv.fr has no dataset '%s' "
		    "(HTTP 404 to %s)%s", u->dataset, what, msg);
	else
		err_set(e, MUNI_EXIT_IO, "data.gouv.fr answered HTTP %ld to "
		    "%s%s", code, what, msg);
	return -1;
}

static int
call(const char *url, const struct http_request *rq, struct buf *out,
    const char *what, const struct datagouv_upload *u, struct muni_err *e)
{
	long code;

	buf_reset(out);
	if (http_request(url, rq, out, &code, e) < 0)
		return -1;
	return judge(code, out, what, u, e);
}

static int
file_digest(const char *path, const char *alg, char hex[65])
{
	struct digest d;
	char b[1 << 16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0 || digest_init_named(&d, alg) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((n = fd_read_full(fd, b, sizeof(b))) > 0)
		digest_update(&d, b, (size_t)n);
	close(fd);
	rc = n < 0 ? -1 : digest_hex(&d, hex);
	digest_release(&d);
	return rc;
}

/* The resource of the dataset titled title: its id and checksum. */
static int
find_resource(yajl_val ds, const char *title, char id[128], char alg[16],
    char sum[129])
{
	yajl_val rs = json_member(ds, "resources");
	size_t i;

	id[0] = alg[0] = sum[0] = '\0';
	for (i = 0; YAJL_IS_ARRAY(rs) && i < rs->u.array.len; i++) {
		yajl_val r = rs->u.array.values[i], t, x, c;

		t = json_member(r, "title");
		x = json_member(r, "id");
		if (!YAJL_IS_STRING(t) || !YAJL_IS_STRING(x) ||
		    strcmp(t->u.string, title) != 0)
			continue;
		snprintf(id, 128, "%s", x->u.string);
		c = json_member(r, "checksum");
		if (YAJL_IS_STRING(json_member(c, "type")) &&
		    YAJL_IS_STRING(json_member(c, "value"))) {
			snprintf(alg, 16, "%s",
			    json_member(c, "type")->u.string);
			snprintf(sum, 129, "%s",
			    json_member(c, "value")->u.string);
		}
		return 1;
	}
	return 0;
}

int
datagouv_upload(const struct datagouv_upload *u, char resource_id[128],
    struct muni_err *e)
{
	struct http_request rq;
	struct buf out, url;
	char key[512], alg[16], sum[129], mine[65];
	const char *api = u->api_url;
	size_t alen = strlen(api);
	yajl_val ds = NULL, v;
	yajl_gen g;
	int rc = -1, found;

	if (read_key(u->key_file, key, e) < 0)
		return -1;
	while (alen && api[alen - 1] == '/')
		alen--;
	buf_init(&out, ANSWER_MAX);
	buf_init(&url, 8192);
	memset(&rq, 0, sizeof(rq));
	rq.api_key = key;
	rq.method = "GET";
	buf_addf(&url, "%.*s/datasets/%s/", (int)alen, api, u->dataset);
	if (call(url.ptr, &rq, &out, "read the dataset", u, e) < 0)
		goto done;
	ds = json_parse(out.ptr, NULL, 0);
	if (!YAJL_IS_OBJECT(ds)) {
		err_set(e, MUNI_EXIT_IO, "data.gouv.fr's answer about dataset "
		    "'%s' is not a JSON object", u->dataset);
		goto done;
	}
	found = find_resource(ds, u->title, resource_id, alg, sum);
	if (found && alg[0] && (strcmp(alg, "sha256") == 0 ||
	    strcmp(alg, "sha1") == 0)) {
		if (strcmp(alg, "sha256") == 0)
			snprintf(mine, sizeof(mine), "%s", u->sha256);
		else if (file_digest(u->file, "SHA1", mine) < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'",
			    u->file);
			goto done;
		}
		if (strcmp(mine, sum) == 0) {
			rc = 0;
			goto done;
		}
	}
	/* The file: onto the resource found, else a new one. */
	buf_reset(&url);
	if (found)
		buf_addf(&url, "%.*s/datasets/%s/resources/%s/upload/",
		    (int)alen, api, u->dataset, resource_id);
	else
		buf_addf(&url, "%.*s/datasets/%s/upload/", (int)alen, api,
		    u->dataset);
	rq.method = "POST";
	rq.file = u->file;
	rq.file_name = u->title;
	if (call(url.ptr, &rq, &out, "upload the file", u, e) < 0)
		goto done;
	rq.file = NULL;
	if (!found) {
		yajl_val a = json_parse(out.ptr, NULL, 0);

		v = json_member(a, "id");
		if (!YAJL_IS_STRING(v)) {
			yajl_tree_free(a);
			err_set(e, MUNI_EXIT_IO, "data.gouv.fr did not give the "
			    "id of the resource uploaded to '%s'", u->dataset);
			goto done;
		}
		snprintf(resource_id, 128, "%s", v->u.string);
		yajl_tree_free(a);
	}
	/* The resource's description, then the dataset's visibility. */
	g = yajl_gen_alloc(NULL);
	if (g == NULL)
		goto nomem;
	yajl_gen_map_open(g);
	json_key_str(g, "title", u->title);
	if (u->description)
		json_key_str(g, "description", u->description);
	json_key_str(g, "format", "csv");
	json_key_str(g, "mime", "text/csv");
	json_key_str(g, "filetype", "file");
	if (u->schema_url) {
		json_str(g, "schema");
		yajl_gen_map_open(g);
		json_key_str(g, "url", u->schema_url);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	buf_reset(&out);
	if (json_finish(g, &out) < 0)
		goto nomem;
	{
		char *body = strdup(out.ptr);

		if (body == NULL)
			goto nomem;
		buf_reset(&url);
		buf_addf(&url, "%.*s/datasets/%s/resources/%s/", (int)alen, api,
		    u->dataset, resource_id);
		rq.method = "PUT";
		rq.json = body;
		rc = call(url.ptr, &rq, &out, "describe the resource", u, e);
		free(body);
		if (rc < 0)
			goto done;
	}
	buf_reset(&url);
	buf_addf(&url, "%.*s/datasets/%s/", (int)alen, api, u->dataset);
	rq.json = u->private_dataset ? "{\"private\": true}" :
	    "{\"private\": false}";
	rc = call(url.ptr, &rq, &out, "set the dataset's visibility", u, e);
	if (rc == 0)
		rc = 1;
	goto done;
nomem:
	err_nomem(e);
	rc = -1;
done:
	yajl_tree_free(ds);
	buf_release(&out);
	buf_release(&url);
	memset(key, 0, sizeof(key));
	return rc;
}
