/*
 * cast_parts: what cast.c shares with cast_time.c and cast_geo.c, the
 * casts of one family of types each. Not for other modules: they call
 * cast_cell().
 */
#ifndef MUNI_CAST_PARTS_H
#define MUNI_CAST_PARTS_H

#include <stddef.h>

#include "schema/cast.h"

/* cast.c */
/* Whether the field has the default format (or none). */
int cast_is_default(const struct cast_spec *spec);
/* Python's str.isspace() for the ASCII range. */
int cast_is_ws(int c);
/* A number as Python's Decimal() reads it (white space around, a sign,
 * underscores between digits, Infinity, NaN). */
int cast_parse_decimal(const char *s, size_t n, double *num);

/* cast_time.c */
int cast_when(const struct cast_spec *spec, const char *s, size_t n,
    struct cast_value *v);
int cast_duration(const char *s, size_t n, struct cast_value *v);

/* cast_geo.c */
int cast_json(const struct cast_spec *spec, const char *p, size_t n,
    struct cast_value *v);
int cast_geopoint(const struct cast_spec *spec, const char *p, size_t n,
    struct cast_value *v);
int cast_wkt_ok(const char *p, size_t n);

#endif
