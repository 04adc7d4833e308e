#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "json/conf.h"
#include "json/json.h"
#include "base/banned.h"

int
conf_fail(struct conf *l, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set(l->e, MUNI_EXIT_USAGE, "%s '%s': %s%s%s", l->kind, l->source,
	    l->path, l->path[0] ? ": " : "", msg);
	return -1;
}

/* Enter a member or an item of the JSON path; leave with the length. */
size_t
conf_enter(struct conf *l, const char *fmt, ...)
{
	size_t n = strlen(l->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->path + n, sizeof(l->path) - n, fmt, ap);
	va_end(ap);
	return n;
}

void
conf_leave(struct conf *l, size_t n)
{
	l->path[n] = '\0';
}

/* Refuse the keys of obj that are not in the space-separated allowed. */
int
conf_known_keys(struct conf *l, yajl_val obj, const char *allowed)
{
	size_t i, k;
	const char *key, *p;

	for (i = 0; i < obj->u.object.len; i++) {
		key = obj->u.object.keys[i];
		k = strlen(key);
		for (p = allowed; *p; p += strcspn(p, " "), p += *p == ' ') {
			if (strncmp(p, key, k) == 0 && (p[k] == ' ' ||
			    p[k] == '\0'))
				break;
		}
		if (*p == '\0')
			return conf_fail(l, "unknown key \"%s\" (known: %s)",
			    key, allowed);
	}
	return 0;
}

int
conf_string(struct conf *l, yajl_val obj, const char *key, char **out,
    const char *dflt)
{
	yajl_val v = json_member(obj, key);
	size_t n;

	if (v == NULL) {
		*out = dflt ? strdup(dflt) : NULL;
		return dflt && *out == NULL ? conf_fail(l, "out of memory") : 0;
	}
	if (!YAJL_IS_STRING(v)) {
		n = conf_enter(l, ".%s", key);
		conf_fail(l, "a string is expected");
		conf_leave(l, n);
		return -1;
	}
	*out = strdup(v->u.string);
	return *out ? 0 : conf_fail(l, "out of memory");
}

int
conf_integer(struct conf *l, yajl_val obj, const char *key, long *out,
    long dflt, long min, long max)
{
	yajl_val v = json_member(obj, key);
	size_t n;

	*out = dflt;
	if (v == NULL)
		return 0;
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < min ||
	    YAJL_GET_INTEGER(v) > max) {
		n = conf_enter(l, ".%s", key);
		conf_fail(l, "a whole number from %ld to %ld is expected", min,
		    max);
		conf_leave(l, n);
		return -1;
	}
	*out = (long)YAJL_GET_INTEGER(v);
	return 0;
}

int
conf_strings(struct conf *l, yajl_val v, char ***out, size_t *count)
{
	size_t i;

	if (YAJL_IS_STRING(v)) {
		*out = calloc(1, sizeof(char *));
		if (*out == NULL || ((*out)[0] = strdup(v->u.string)) == NULL)
			return conf_fail(l, "out of memory");
		*count = 1;
		return 0;
	}
	if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0)
		return conf_fail(l,
		    "a string or a non-empty array of strings is "
		    "expected");
	*out = calloc(v->u.array.len, sizeof(char *));
	if (*out == NULL)
		return conf_fail(l, "out of memory");
	for (i = 0; i < v->u.array.len; i++) {
		if (!YAJL_IS_STRING(v->u.array.values[i]))
			return conf_fail(l, "item %zu is not a string", i);
		(*out)[i] = strdup(v->u.array.values[i]->u.string);
		if ((*out)[i] == NULL)
			return conf_fail(l, "out of memory");
		(*count)++;
	}
	return 0;
}


int
conf_read(const char *path, const char *kind, size_t max, struct buf *out,
    struct muni_err *e)
{
	int fd = fd_open_input(path, NULL);
	int rc;

	if (fd < 0) {
		err_sys(e, MUNI_EXIT_USAGE, errno, "cannot open %s '%s'", kind,
		    path);
		return -1;
	}
	out->max = max;
	rc = fd_read_all(fd, out);
	if (rc < 0 && errno == EFBIG)
		err_set(e, MUNI_EXIT_USAGE, "%s '%s' is larger than %zu bytes",
		    kind, path, max);
	else if (rc < 0)
		err_sys(e, MUNI_EXIT_USAGE, errno, "cannot read %s '%s'", kind,
		    path);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

yajl_val
conf_parse(struct conf *l, const char *json, size_t len)
{
	char errbuf[512], *copy = malloc(len + 1);
	yajl_val root;

	if (copy == NULL) {
		conf_fail(l, "out of memory");
		return NULL;
	}
	memcpy(copy, json, len);
	copy[len] = '\0';
	errbuf[0] = '\0';
	root = json_parse(copy, errbuf, sizeof(errbuf));
	free(copy);
	if (root == NULL) {
		/* yajl's first line says what; the rest draws where */
		errbuf[strcspn(errbuf, "\n")] = '\0';
		conf_fail(l, "not valid JSON: %s", errbuf);
	}
	return root;
}

void *
conf_load(const char *path, const char *kind, size_t max,
    conf_parse_fn *parse, void *ctx, struct muni_err *e)
{
	struct buf text;
	void *v = NULL;

	buf_init(&text, max);
	if (conf_read(path, kind, max, &text, e) == 0)
		v = parse(text.ptr, text.len, path, ctx, e);
	buf_release(&text);
	return v;
}
