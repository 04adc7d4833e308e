/*
 * opening_hours: Validata's opening-hours-value, a parser of the OpenStreetMap
 * opening_hours syntax. Pure: no allocation, no state.
 */
#ifndef MUNI_OPENING_HOURS_H
#define MUNI_OPENING_HOURS_H

#include <stddef.h>

/* Whether p[0..n) is a valid opening_hours value. */
int opening_hours_valid(const char *p, size_t n);

#endif
