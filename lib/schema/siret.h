/*
 * siret: the identifiers of French companies and administrations, checked
 * as python-stdnum (behind Validata) checks them: a SIREN is 9 digits with
 * a Luhn key, a SIRET its SIREN and 5 more digits with a Luhn key over the
 * 14 (La Poste's offices, sharing SIREN 356000000, sum to a multiple of
 * 5 instead). Spaces and dots are ignored, as stdnum's compact() does.
 */
#ifndef MUNI_SIRET_H
#define MUNI_SIRET_H

#include <stddef.h>

int siren_valid(const char *p, size_t n);
int siret_valid(const char *p, size_t n);
/* The Luhn check of a string of digits. */
int luhn_ok(const char *p, size_t n);

#endif
