/* strptime, timegm, setenv. */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/frdate.h"
#include "base/banned.h"

const char *const frdate_months[12] = { "janvier", "février", "mars",
	"avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	"novembre", "décembre" };

const char *const frdate_month_words[] = { "janvier", "février",
	"fevrier", "mars", "avril", "mai", "juin", "juillet", "août", "aout",
	"septembre", "octobre", "novembre", "décembre", "decembre", NULL };
_Static_assert(sizeof(frdate_month_words) / sizeof(*frdate_month_words) ==
    FRDATE_MONTH_WORDS + 1, "FRDATE_MONTH_WORDS counts the words");

int
frdate_days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) ||
	    year % 400 == 0))
		return 29;
	return days[month - 1];
}

static int
day_month_year(struct buf *out, int day, int month, int year)
{
	return buf_addf(out, "%d%s %s %d", day, day == 1 ? "er" : "",
	    frdate_months[month], year);
}

int
frdate_date(struct buf *out, const char *ymd)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = ymd ? strptime(ymd, "%Y-%m-%d", &tm) : NULL;
	if (end == NULL || *end != '\0')
		return buf_addstr(out, ymd ? ymd : "");
	return day_month_year(out, tm.tm_mday, tm.tm_mon, tm.tm_year + 1900);
}

/*
 * t in Paris: the tz database through localtime_r() with TZ set for the
 * call, then put back; 0 when it is not there (the zone is then not CET
 * or CEST).
 */
static int
paris(time_t t, struct tm *tm)
{
	char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	int ok;

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	ok = localtime_r(&t, tm) != NULL && tm->tm_zone &&
	    (strcmp(tm->tm_zone, "CET") == 0 || strcmp(tm->tm_zone,
	    "CEST") == 0);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else
		unsetenv("TZ");
	tzset();
	return ok;
}

int
frdate_datetime(struct buf *out, const char *iso)
{
	struct tm tm;
	const char *end;
	time_t t;
	long off;

	memset(&tm, 0, sizeof(tm));
	end = iso ? strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (end == NULL || *end != '\0')
		return buf_addstr(out, iso ? iso : "");
	t = timegm(&tm);
	if (!paris(t, &tm)) {
		gmtime_r(&t, &tm);
		return day_month_year(out, tm.tm_mday, tm.tm_mon,
		    tm.tm_year + 1900) | buf_addf(out, " à %02d:%02d (UTC)",
		    tm.tm_hour, tm.tm_min);
	}
	off = tm.tm_gmtoff / 60;
	return day_month_year(out, tm.tm_mday, tm.tm_mon, tm.tm_year + 1900) |
	    buf_addf(out, " à %02d:%02d (UTC%c%02ld:%02ld)", tm.tm_hour,
	    tm.tm_min, off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}
