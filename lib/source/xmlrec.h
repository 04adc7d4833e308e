/*
 * xmlrec: records from an XML export, read twice with libxml2's streaming
 * reader (set up by xmlrd: no network, no DTD, no entities), so memory
 * holds one record and the column names, never the document.
 *
 * The records are the elements at --records PATH: "/marches/marche" from
 * the root, or "marche" (or "lot/marche") wherever it ends a path; by
 * default the children of the root element. A record's columns:
 *   - its attributes, by name;
 *   - the text of each descendant element, by its path below the record
 *     ("titulaire/siret"), and their attributes as "path/@name";
 *   - text directly in the record, under the record's own name.
 * Names are local (namespace prefixes dropped). An element repeated in a
 * record gives one column whose values are joined with "; ". Columns are
 * the union over the records, in the order first seen.
 */
#ifndef MUNI_XMLREC_H
#define MUNI_XMLREC_H

#include <stddef.h>

#include "base/err.h"
#include "csv/csvin.h"

struct xml_options {
	const char *records;		/* the records' path, or NULL */
	size_t max_field, max_record;	/* 0: csvin's defaults */
};

struct xmlrec;

/* Whether the first bytes look like an XML document. */
int xmlrec_is(const unsigned char *p, size_t n);
/* Read fd (a regular file, from its start) a first time. */
struct xmlrec *xmlrec_open(int fd, const char *file,
    const struct xml_options *o, struct muni_err *e);
int xmlrec_next(struct xmlrec *s, struct record **rec, struct muni_err *e);
unsigned long long xmlrec_records(const struct xmlrec *s);
void xmlrec_free(struct xmlrec *s);

#endif
