#include <stdio.h>
#include <string.h>

#include "jsongen.h"
#include "banned.h"

yajl_gen
jg_new(void)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "  ");
	}
	return g;
}

int
jg_finish(yajl_gen g, struct buf *out)
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
jg_str(yajl_gen g, const char *s)
{
	if (s == NULL)
		s = "";
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void
jg_strn(yajl_gen g, const char *s, size_t n)
{
	if (s == NULL) {
		s = "";
		n = 0;
	}
	yajl_gen_string(g, (const unsigned char *)s, n);
}

void
jg_key_str(yajl_gen g, const char *key, const char *value)
{
	jg_str(g, key);
	jg_str(g, value);
}

void
jg_key_uint(yajl_gen g, const char *key, unsigned long long value)
{
	char num[32];

	jg_str(g, key);
	snprintf(num, sizeof(num), "%llu", value);
	yajl_gen_number(g, num, strlen(num));
}

void
jg_key_bool(yajl_gen g, const char *key, int value)
{
	jg_str(g, key);
	yajl_gen_bool(g, value);
}

yajl_val
jg_member(yajl_val obj, const char *key)
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
jg_tree(yajl_gen g, yajl_val v)
{
	size_t i;
	int rc = 0;

	if (v == NULL)
		return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
	switch (v->type) {
	case yajl_t_string:
		jg_str(g, v->u.string);
		break;
	case yajl_t_number:
		rc = yajl_gen_number(g, v->u.number.r,
		    strlen(v->u.number.r)) == yajl_gen_status_ok ? 0 : -1;
		break;
	case yajl_t_object:
		yajl_gen_map_open(g);
		for (i = 0; i < v->u.object.len && rc == 0; i++) {
			jg_str(g, v->u.object.keys[i]);
			rc = jg_tree(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
		break;
	case yajl_t_array:
		yajl_gen_array_open(g);
		for (i = 0; i < v->u.array.len && rc == 0; i++)
			rc = jg_tree(g, v->u.array.values[i]);
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
