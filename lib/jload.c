#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "jload.h"
#include "jsongen.h"
#include "banned.h"

int
jl_fail(struct jload *l, const char *fmt, ...)
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
jl_enter(struct jload *l, const char *fmt, ...)
{
	size_t n = strlen(l->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->path + n, sizeof(l->path) - n, fmt, ap);
	va_end(ap);
	return n;
}

void
jl_leave(struct jload *l, size_t n)
{
	l->path[n] = '\0';
}

/* Refuse the keys of obj that are not in the space-separated allowed. */
int
jl_known_keys(struct jload *l, yajl_val obj, const char *allowed)
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
			return jl_fail(l, "unknown key \"%s\" (known: %s)", key,
			    allowed);
	}
	return 0;
}

int
jl_string(struct jload *l, yajl_val obj, const char *key, char **out,
    const char *dflt)
{
	yajl_val v = jg_member(obj, key);
	size_t n;

	if (v == NULL) {
		*out = dflt ? strdup(dflt) : NULL;
		return dflt && *out == NULL ? jl_fail(l, "out of memory") : 0;
	}
	if (!YAJL_IS_STRING(v)) {
		n = jl_enter(l, ".%s", key);
		jl_fail(l, "a string is expected");
		jl_leave(l, n);
		return -1;
	}
	*out = strdup(v->u.string);
	return *out ? 0 : jl_fail(l, "out of memory");
}

int
jl_integer(struct jload *l, yajl_val obj, const char *key, long *out,
    long dflt, long min, long max)
{
	yajl_val v = jg_member(obj, key);
	size_t n;

	*out = dflt;
	if (v == NULL)
		return 0;
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < min ||
	    YAJL_GET_INTEGER(v) > max) {
		n = jl_enter(l, ".%s", key);
		jl_fail(l, "a whole number from %ld to %ld is expected", min, max);
		jl_leave(l, n);
		return -1;
	}
	*out = (long)YAJL_GET_INTEGER(v);
	return 0;
}

int
jl_strings(struct jload *l, yajl_val v, char ***out, size_t *count)
{
	size_t i;

	if (YAJL_IS_STRING(v)) {
		*out = calloc(1, sizeof(char *));
		if (*out == NULL || ((*out)[0] = strdup(v->u.string)) == NULL)
			return jl_fail(l, "out of memory");
		*count = 1;
		return 0;
	}
	if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0)
		return jl_fail(l, "a string or a non-empty array of strings is "
		    "expected");
	*out = calloc(v->u.array.len, sizeof(char *));
	if (*out == NULL)
		return jl_fail(l, "out of memory");
	for (i = 0; i < v->u.array.len; i++) {
		if (!YAJL_IS_STRING(v->u.array.values[i]))
			return jl_fail(l, "item %zu is not a string", i);
		(*out)[i] = strdup(v->u.array.values[i]->u.string);
		if ((*out)[i] == NULL)
			return jl_fail(l, "out of memory");
		(*count)++;
	}
	return 0;
}

