/*
 * frdate: dates and times written for people in France, as the pages of
 * a publication show them: "29 novembre 2026 à 07:15 (UTC+01:00)" in the
 * time of Paris (the tz database's Europe/Paris, through the C library;
 * where it is not installed, in UTC and saying so), "1er janvier 2025".
 */
#ifndef MUNI_FRDATE_H
#define MUNI_FRDATE_H

#include "base/buf.h"

/*
 * An ISO 8601 UTC time ("2026-11-29T06:15:00Z") in words, in Paris; text
 * that is not one is written as it is. -1 when out of memory.
 */
int frdate_datetime(struct buf *out, const char *iso);
/* A date "yyyy-mm-dd" in words; other text as it is. */
int frdate_date(struct buf *out, const char *ymd);

#endif
