/*
 * value_calc: the operations of value_ops that compute a value rather
 * than rewrite text: arithmetic, coalesce, uuid, reproject. Not for other
 * modules: they call value_apply().
 */
#ifndef MUNI_VALUE_CALC_H
#define MUNI_VALUE_CALC_H

#include <stddef.h>

#include "base/buf.h"
#include "transform/value_ops.h"

/* value_ops.c: write why and return 1 (the value cannot be converted). */
int value_cannot(char *why, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int value_coalesce(const struct value_op *op, const struct value_row *row,
    const char *p, size_t n, struct buf *out);
int value_arith(const struct value_op *op, const struct value_row *row,
    const char *p, size_t n, struct buf *out, char *why, size_t whylen);
int value_uuid(const struct value_op *op, const char *p, size_t n,
    struct buf *out, char *why, size_t whylen);
int value_reproject(const struct value_op *op, const char *p, size_t n,
    struct buf *out, char *why, size_t whylen);

#endif
