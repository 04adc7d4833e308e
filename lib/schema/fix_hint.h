/*
 * fix_hint: for the damage real exports carry, the likely fix, in the
 * steward's terms: a decimal comma in a number, a French date in a date
 * field, a SIRET that a spreadsheet turned into a float or into scientific
 * notation, yes/no where oui/non is asked, a percentage written 80 where a
 * ratio is expected. Each function writes a hint into out and returns it,
 * or returns NULL when it has nothing to say.
 */
#ifndef MUNI_FIX_HINT_H
#define MUNI_FIX_HINT_H

#include <stddef.h>

#include "schema/schema.h"

#define FIX_HINT_MAX 240

/*
 * What the field's type asks for, in words and with this schema's own
 * format: "a number (with a comma as decimal separator and a no-break
 * space (U+00A0, not a plain space) between thousands, such as 1 570,50)".
 */
const char *fix_hint_expected(const struct cast_spec *spec,
    char out[FIX_HINT_MAX]);
/* A cell that failed to cast to the field's type. */
const char *fix_hint_type(const struct schema_field *f, const char *p, size_t n,
    char out[FIX_HINT_MAX]);
/* A cell above the field's maximum. */
const char *fix_hint_maximum(const struct schema_field *f, const char *p,
    size_t n, char out[FIX_HINT_MAX]);
/* A cell that is not a valid SIRET or SIREN (pattern or custom check). */
const char *fix_hint_siret(const char *p, size_t n, char out[FIX_HINT_MAX]);

#endif
