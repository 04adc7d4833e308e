/*
 * automap: a mapping built from a Table Schema and an input's header
 * (muni-transform --auto), which the steward can then keep and edit
 * (--emit-map).
 *
 * Each schema field, in the schema's order, takes the input column whose
 * name matches its name or title once case, accents, spaces, underscores,
 * hyphens and camelCase are ignored and common abbreviations expanded
 * (num, no, nb, cp, tel, adr, lib, dt, mt, benef, id...); a column serves
 * one field at most. A field without one is written empty.
 *
 * Values are converted towards the field's type: every value trimmed;
 * dates, times and date-times with the default format from French forms
 * (05/12/2016, 5-12-16, 5 décembre 2016) to ISO 8601; numbers with a
 * decimal comma, spaces or currency signs to plain numbers (integers
 * too); booleans to the field's first true and false values; a two-value
 * enum of yes and no words (oui/non) likewise; SIRET and SIREN (by the
 * field's custom check, pattern or name) repaired; phone numbers (by the
 * custom check) to the national form.
 *
 * Coordinates: a latitude or longitude field takes its part of
 * Opendatasoft's geo_point_2d; a geopoint field a latitude and a
 * longitude column; either, an easting and a northing column (x, y) in
 * metres, reprojected to WGS 84 when the first row's values are plainly
 * Lambert-93, a CC zone or Lambert II étendu.
 */
#ifndef MUNI_AUTOMAP_H
#define MUNI_AUTOMAP_H

#include "base/buf.h"
#include "base/err.h"
#include "csv/csvin.h"
#include "schema/schema.h"
#include "transform/mapping.h"

/*
 * The mapping, and in explain (when not NULL) a line per field. first is
 * the first row of data (NULL when there is none): the system of
 * coordinates in metres is told by its values.
 */
struct mapping *automap_build(const struct schema *s,
    const struct record *header, const struct record *first,
    const char *source, struct buf *explain, struct muni_err *e);

#endif
