/*
 * names: the French given names muni-anonymize's person detector knows,
 * from INSEE's Fichier des prénoms (share/names/prenoms.txt, Licence
 * Ouverte, "Source : INSEE"), compiled into the library at build time so
 * that no run finds itself without them.
 *
 * Names are upper case without accents (JEROME, CHLOE), sorted by bytes.
 */
#ifndef MUNI_NAMES_H
#define MUNI_NAMES_H

#include <stddef.h>

extern const char *const names_given[];
extern const size_t names_ngiven;

/*
 * Whether the word p[0..n) (any case, accents of Latin-1 folded; a
 * compound such as Marie-Claire when each part is one) is a given name.
 */
int names_is_given(const char *p, size_t n);

#endif
