#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "json/json.h"
#include "base/banned.h"

yajl_gen
json_new(void)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "  ");
	}
	return g;
}

static void
json_print(void *ctx, const char *s, size_t n)
{
	struct json_out *o = ctx;

	if (buf_add(o->buf, s, n) < 0)
		o->failed = 1;
}

yajl_gen
json_new_out(struct json_out *o)
{
	yajl_gen g = json_new();

	if (g)
		yajl_gen_config(g, yajl_gen_print_callback, json_print, o);
	return g;
}

int
json_put_str(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;
	int rc;

	rc = buf_grow(out, n + 2);
	rc |= buf_addch(out, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7] = "\\u00";

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		rc |= buf_add(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': case '\\':
			esc[1] = (char)c;
			rc |= buf_add(out, esc, 2);
			break;
		case '\b': case '\t': case '\n': case '\f': case '\r':
			esc[1] = "btnfr"[c == '\b' ? 0 : c == '\t' ? 1 :
			    c == '\n' ? 2 : c == '\f' ? 3 : 4];
			rc |= buf_add(out, esc, 2);
			break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			rc |= buf_add(out, esc, 6);
			break;
		}
	}
	rc |= buf_add(out, s + run, n - run);
	rc |= buf_addch(out, '"');
	return rc < 0 ? -1 : 0;
}

int
json_finish(yajl_gen g, struct buf *out)
{
	const unsigned char *json;
	size_t len;
	int rc = 0;

	if (yajl_gen_get_buf(g, &json, &len) != yajl_gen_status_ok ||
	    buf_add(out, json, len) < 0)
		rc = -1;
	yajl_gen_free(g);
	return rc;
}

void
json_str(yajl_gen g, const char *s)
{
	if (s == NULL)
		s = "";
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void
json_strn(yajl_gen g, const char *s, size_t n)
{
	if (s == NULL) {
		s = "";
		n = 0;
	}
	yajl_gen_string(g, (const unsigned char *)s, n);
}

void
json_key_str(yajl_gen g, const char *key, const char *value)
{
	json_str(g, key);
	json_str(g, value);
}

void
json_key_uint(yajl_gen g, const char *key, unsigned long long value)
{
	char num[32];

	json_str(g, key);
	snprintf(num, sizeof(num), "%llu", value);
	yajl_gen_number(g, num, strlen(num));
}

void
json_key_bool(yajl_gen g, const char *key, int value)
{
	json_str(g, key);
	yajl_gen_bool(g, value);
}

yajl_val
json_member(yajl_val obj, const char *key)
{
	size_t i;

	if (obj == NULL || !YAJL_IS_OBJECT(obj))
		return NULL;
	for (i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

int
json_tree(yajl_gen g, yajl_val v)
{
	size_t i;
	int rc = 0;

	if (v == NULL)
		return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
	switch (v->type) {
	case yajl_t_string:
		json_str(g, v->u.string);
		break;
	case yajl_t_number:
		rc = yajl_gen_number(g, v->u.number.r,
		    strlen(v->u.number.r)) == yajl_gen_status_ok ? 0 : -1;
		break;
	case yajl_t_object:
		yajl_gen_map_open(g);
		for (i = 0; i < v->u.object.len && rc == 0; i++) {
			json_str(g, v->u.object.keys[i]);
			rc = json_tree(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
		break;
	case yajl_t_array:
		yajl_gen_array_open(g);
		for (i = 0; i < v->u.array.len && rc == 0; i++)
			rc = json_tree(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
		break;
	case yajl_t_true:
		yajl_gen_bool(g, 1);
		break;
	case yajl_t_false:
		yajl_gen_bool(g, 0);
		break;
	default:
		yajl_gen_null(g);
		break;
	}
	return rc;
}

/* What the depth check knows of where it is. */
struct depth {
	int depth;
	int exceeded;
	struct {
		int array;
		long index;
		char key[40];
	} lv[JSON_MAX_DEPTH + 1];
};

/* A value begins at the current level: an array counts it. */
static void
depth_value(struct depth *d)
{
	if (d->lv[d->depth].array)
		d->lv[d->depth].index++;
}

static int
depth_scalar(void *ctx)
{
	depth_value(ctx);
	return 1;
}

static int
depth_bool(void *ctx, int b)
{
	(void)b;
	return depth_scalar(ctx);
}

static int
depth_number(void *ctx, const char *s, size_t n)
{
	(void)s;
	(void)n;
	return depth_scalar(ctx);
}

static int
depth_string(void *ctx, const unsigned char *s, size_t n)
{
	(void)s;
	(void)n;
	return depth_scalar(ctx);
}

static int
depth_key(void *ctx, const unsigned char *s, size_t n)
{
	struct depth *d = ctx;
	size_t k = n < sizeof(d->lv[0].key) - 1 ? n :
	    sizeof(d->lv[0].key) - 1;

	/* Cut between characters. */
	while (k < n && k > 0 && (s[k] & 0xC0) == 0x80)
		k--;
	memcpy(d->lv[d->depth].key, s, k);
	d->lv[d->depth].key[k] = '\0';
	return 1;
}

static int
depth_open(struct depth *d, int array)
{
	depth_value(d);
	if (d->depth == JSON_MAX_DEPTH) {
		d->exceeded = 1;
		return 0;
	}
	d->depth++;
	d->lv[d->depth].array = array;
	d->lv[d->depth].index = -1;
	d->lv[d->depth].key[0] = '\0';
	return 1;
}

static int
depth_map(void *ctx)
{
	return depth_open(ctx, 0);
}

static int
depth_array(void *ctx)
{
	return depth_open(ctx, 1);
}

static int
depth_close(void *ctx)
{
	((struct depth *)ctx)->depth--;
	return 1;
}

yajl_val
json_parse(const char *text, char *errbuf, size_t errlen)
{
	static const yajl_callbacks cb = {
		depth_scalar, depth_bool, NULL, NULL, depth_number,
		depth_string, depth_map, depth_key, depth_close, depth_array,
		depth_close
	};
	struct depth *d = calloc(1, sizeof(*d));
	yajl_handle h;
	int i;

	if (d == NULL)
		return NULL;
	h = yajl_alloc(&cb, NULL, d);
	if (h == NULL) {
		free(d);
		return NULL;
	}
	/* Syntax errors are yajl_tree_parse's to tell: only depth here. */
	(void)yajl_parse(h, (const unsigned char *)text, strlen(text));
	if (!d->exceeded)
		(void)yajl_complete_parse(h);
	yajl_free(h);
	if (d->exceeded) {
		if (errbuf && errlen) {
			struct buf path;

			buf_init(&path, errlen);
			for (i = 1; i <= d->depth && path.len < 160; i++)
				if (d->lv[i].array)
					buf_addf(&path, "[%ld]", d->lv[i].index);
				else
					buf_addf(&path, "%s%s", i > 1 ? "." :
					    "", d->lv[i].key);
			if (i <= d->depth)
				buf_addstr(&path, "...");
			snprintf(errbuf, errlen, "nesting deeper than %d levels "
			    "at %s", JSON_MAX_DEPTH, path.len ? path.ptr : "the top");
			buf_release(&path);
		}
		free(d);
		return NULL;
	}
	free(d);
	return yajl_tree_parse(text, errbuf, errlen);
}
