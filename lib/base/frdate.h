/*
 * frdate: the calendar as muni writes and reads it in France. Dates and
 * times written for people, as the pages of a publication show them:
 * "29 novembre 2026 à 07:15 (UTC+01:00)" in the time of Paris (the tz
 * database's Europe/Paris, through the C library; where it is not
 * installed, in UTC and saying so), "1er janvier 2025"; the names of the
 * months; the length of a month (one leap-year rule for every reader).
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

/* The French names of the months, January first, as written ("février"). */
extern const char *const frdate_months[12];
/*
 * Every spelling of them met in exports: the names, and février, août and
 * décembre without their accent (15 words), NULL after the last.
 */
extern const char *const frdate_month_words[];
#define FRDATE_MONTH_WORDS 15
/* The days of month (1 to 12) of year, Gregorian; 0 for no such month. */
int frdate_days_in_month(int year, int month);

#endif
