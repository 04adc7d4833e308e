/*
 * A parser of the OpenStreetMap opening_hours syntax
 * (wiki.openstreetmap.org, Key:opening_hours/specification), by recursive
 * descent over tokens. It accepts what the specification allows, plus the
 * tolerances that both opening_hours.js and KOpeningHours accept in their
 * test suites (am/pm times, '.' between hours and minutes, English day and
 * month names, "à", "to" and long dashes between times, a trailing comma),
 * and rejects what both reject (bare time points, minutes over 59, hours
 * over 48, empty nth entries, school holidays without a region...).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/frdate.h"
#include "schema/opening_hours.h"
#include "base/banned.h"

enum tok {
	T_END, T_NUM, T_WORD, T_COMMENT, T_COLON, T_DASH, T_COMMA, T_SEMI,
	T_FALLBACK, T_PLUS, T_SLASH, T_LBRACKET, T_RBRACKET, T_LPAREN,
	T_RPAREN, T_DOT, T_BAD
};

#define MAX_TOKENS 512

struct token {
	enum tok t;
	const char *p;
	size_t n;
	int value;		/* T_NUM */
	int space;		/* white space came before it */
};

struct parser {
	struct token tok[MAX_TOKENS + 1];
	size_t ntok, i;
	int points, ranges;	/* time points and time ranges seen */
};

static int
lex(struct parser *ps, const char *p, size_t n)
{
	size_t i = 0;
	int space = 0;

	ps->ntok = 0;
	while (i < n) {
		struct token *t = &ps->tok[ps->ntok];
		unsigned char c = (unsigned char)p[i];

		if (c == ' ' || c == '\t') {
			space = 1;
			i++;
			continue;
		}
		if (ps->ntok == MAX_TOKENS)
			return -1;
		t->p = p + i;
		t->space = space;
		space = 0;
		if (isdigit(c)) {
			size_t s = i;

			t->value = 0;
			while (i < n && isdigit((unsigned char)p[i])) {
				if (i - s < 6)
					t->value = t->value * 10 + p[i] - '0';
				i++;
			}
			t->t = T_NUM;
			t->n = i - s;
		} else if (isalpha(c)) {
			size_t s = i;

			while (i < n && (isalpha((unsigned char)p[i]) ||
			    (unsigned char)p[i] >= 0x80))
				i++;
			t->t = T_WORD;
			t->n = i - s;
		} else if (c == '"') {
			const char *end = memchr(p + i + 1, '"', n - i - 1);

			if (end == NULL)
				return -1;
			t->t = T_COMMENT;
			t->n = (size_t)(end - (p + i)) + 1;
			i += t->n;
		} else if (c == '|' && i + 1 < n && p[i + 1] == '|') {
			t->t = T_FALLBACK;
			t->n = 2;
			i += 2;
		} else if (c == 0xE2 && i + 2 < n && (unsigned char)p[i + 1] == 0x80 &&
		    ((unsigned char)p[i + 2] == 0x93 ||
		    (unsigned char)p[i + 2] == 0x94)) {
			t->t = T_DASH;	/* en and em dashes */
			t->n = 3;
			i += 3;
		} else if (c == 0xEF && i + 2 < n && (unsigned char)p[i + 1] == 0xBD &&
		    (unsigned char)p[i + 2] == 0x9E) {
			t->t = T_DASH;	/* fullwidth tilde */
			t->n = 3;
			i += 3;
		} else if (c == 0xEF && i + 2 < n && (unsigned char)p[i + 1] == 0xBC &&
		    (unsigned char)p[i + 2] == 0x9A) {
			t->t = T_COLON;	/* fullwidth colon */
			t->n = 3;
			i += 3;
		} else if (c == 0xE2 && i + 2 < n && (((unsigned char)p[i + 1] == 0x80 &&
		    ((unsigned char)p[i + 2] == 0x91 || (unsigned char)p[i + 2] == 0x92)) ||
		    ((unsigned char)p[i + 1] == 0x88 && (unsigned char)p[i + 2] == 0x92) ||
		    ((unsigned char)p[i + 1] == 0x86 && (unsigned char)p[i + 2] == 0x92))) {
			t->t = T_DASH;	/* hyphens, figure dash, minus, arrow */
			t->n = 3;
			i += 3;
		} else if (c == 0xE3 && i + 2 < n && (unsigned char)p[i + 1] == 0x83 &&
		    (unsigned char)p[i + 2] == 0xBC) {
			t->t = T_DASH;	/* katakana long vowel, used as a dash */
			t->n = 3;
			i += 3;
		} else if (c == '&') {
			t->t = T_COMMA;
			t->n = 1;
			i++;
		} else if (c >= 0x80 && (isalpha((unsigned char)p[i - (i > 0)]) ||
		    i + 1 < n)) {
			/* A non-ASCII letter: part of a word (Dienstag, à, до). */
			size_t s = i;

			while (i < n && ((unsigned char)p[i] >= 0x80 ||
			    isalpha((unsigned char)p[i])))
				i++;
			t->t = T_WORD;
			t->n = i - s;
		} else {
			static const char punct[] = ":-,;+/[]().~";
			static const enum tok kinds[] = { T_COLON, T_DASH,
			    T_COMMA, T_SEMI, T_PLUS, T_SLASH, T_LBRACKET,
			    T_RBRACKET, T_LPAREN, T_RPAREN, T_DOT, T_DASH };
			const char *k = c ? strchr(punct, c) : NULL;

			if (k == NULL)
				return -1;
			t->t = kinds[k - punct];
			t->n = 1;
			i++;
		}
		ps->ntok++;
	}
	ps->tok[ps->ntok].t = T_END;
	ps->tok[ps->ntok].p = p + n;
	ps->tok[ps->ntok].n = 0;
	ps->tok[ps->ntok].space = space;
	ps->i = 0;
	return 0;
}

static const struct token *
peek(const struct parser *ps, size_t k)
{
	size_t at = ps->i + k;

	return &ps->tok[at < ps->ntok ? at : ps->ntok];
}

static int
accept(struct parser *ps, enum tok t)
{
	if (peek(ps, 0)->t != t)
		return 0;
	ps->i++;
	return 1;
}

static int
word_is(const struct token *t, const char *w)
{
	return t->t == T_WORD && t->n == strlen(w) &&
	    strncasecmp(t->p, w, t->n) == 0;
}

static int
accept_word(struct parser *ps, const char *w)
{
	if (!word_is(peek(ps, 0), w))
		return 0;
	ps->i++;
	return 1;
}

/* A name from a list: its two- or three-letter form, or the whole word. */
static int
name_index(const struct token *t, const char *const *names, size_t count,
    size_t shortest)
{
	size_t k;

	if (t->t != T_WORD)
		return -1;
	for (k = 0; k < count; k++)
		if (t->n >= shortest && t->n <= strlen(names[k]) &&
		    strncasecmp(t->p, names[k], t->n) == 0 &&
		    (t->n == shortest || t->n == 3 || t->n == strlen(names[k])))
			return (int)k;
	return -1;
}

static const char *const weekdays[] = { "monday", "tuesday", "wednesday",
	"thursday", "friday", "saturday", "sunday" };
static const char *const months[] = { "january", "february", "march",
	"april", "may", "june", "july", "august", "september", "october",
	"november", "december" };
/* The names both reference parsers also read, in the languages met here. */
static const char *const other_days[] = { "lundi", "mardi", "mercredi",
	"jeudi", "vendredi", "samedi", "dimanche", "montag", "montags",
	"dienstag", "dienstags", "mittwoch", "mittwochs", "donnerstag",
	"donnerstags", "freitag", "freitags", "samstag", "samstags", "sonntag",
	"sonntags", "mi", "do", "lunes", "martes", "viernes", "sabado",
	"domingo", "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int
in_words(const struct token *t, const char *const *words, size_t count)
{
	size_t k;

	if (t->t != T_WORD)
		return 0;
	for (k = 0; k < count; k++)
		if (t->n == strlen(words[k]) &&
		    strncasecmp(t->p, words[k], t->n) == 0)
			return 1;
	return 0;
}

static int
is_wday(const struct token *t)
{
	return name_index(t, weekdays, 7, 2) >= 0 || in_words(t, other_days,
	    sizeof(other_days) / sizeof(other_days[0]));
}

static int
is_month(const struct token *t)
{
	return name_index(t, months, 12, 3) >= 0 || in_words(t, frdate_month_words,
	    FRDATE_MONTH_WORDS);
}

/* Words used for "to" between two times or days. */
static int
is_range_word(const struct token *t)
{
	static const char *const words[] = { "to", "bis", "a", "à", "as",
	    "ás", "às", "through", "до" };

	return in_words(t, words, sizeof(words) / sizeof(words[0]));
}

static int
accept_wday(struct parser *ps)
{
	if (!is_wday(peek(ps, 0)))
		return 0;
	ps->i++;
	accept(ps, T_DOT);
	return 1;
}

static int
accept_month(struct parser *ps)
{
	if (!is_month(peek(ps, 0)))
		return 0;
	ps->i++;
	accept(ps, T_DOT);	/* "jun." */
	return 1;
}

static int
accept_event(struct parser *ps)
{
	return accept_word(ps, "dawn") || accept_word(ps, "sunrise") ||
	    accept_word(ps, "sunset") || accept_word(ps, "dusk");
}

/* hh:mm (also hh.mm, hh am, hh:mm pm); minutes in *out. */
static int
clock_time(struct parser *ps, int max_hour, int *out)
{
	size_t save = ps->i;
	const struct token *h = peek(ps, 0);
	int hour, minute = 0, have_minutes = 0;

	if (h->t != T_NUM || h->n > 2)
		return 0;
	hour = h->value;
	ps->i++;
	if ((peek(ps, 0)->t == T_COLON || peek(ps, 0)->t == T_DOT) &&
	    !peek(ps, 0)->space && peek(ps, 1)->t == T_NUM &&
	    peek(ps, 1)->n == 2 && !peek(ps, 1)->space) {
		minute = peek(ps, 1)->value;
		ps->i += 2;
		have_minutes = 1;
	}
	if ((word_is(peek(ps, 0), "a") || word_is(peek(ps, 0), "p")) &&
	    peek(ps, 1)->t == T_DOT && word_is(peek(ps, 2), "m") &&
	    peek(ps, 3)->t == T_DOT) {
		int pm = word_is(peek(ps, 0), "p");

		ps->i += 4;
		if (hour < 1 || hour > 12)
			goto no;
		hour = hour % 12 + (pm ? 12 : 0);
	} else if (word_is(peek(ps, 0), "am") || word_is(peek(ps, 0), "pm")) {
		int pm = word_is(peek(ps, 0), "pm");

		ps->i++;
		if (hour < 1 || hour > 12)
			goto no;
		hour = hour % 12 + (pm ? 12 : 0);
	} else if (!have_minutes)
		goto no;
	if (minute > 59 || hour > max_hour ||
	    (hour == max_hour && minute > 0 && max_hour == 48))
		goto no;
	*out = hour * 60 + minute;
	return 1;
no:
	ps->i = save;
	return 0;
}

/* A time: a clock time, an event, or (event +|- hh:mm). */
static int
time_point(struct parser *ps, int max_hour, int *minutes, int *variable)
{
	size_t save = ps->i;
	int dummy;

	*variable = 0;
	if (clock_time(ps, max_hour, minutes))
		return 1;
	if (accept_event(ps)) {
		*variable = 1;
		return 1;
	}
	if (accept(ps, T_LPAREN) && accept_event(ps) &&
	    (accept(ps, T_PLUS) || accept(ps, T_DASH)) &&
	    clock_time(ps, 24, &dummy) && accept(ps, T_RPAREN)) {
		*variable = 1;
		return 1;
	}
	ps->i = save;
	return 0;
}

/*
 * time "-" extended_time ["+"] | time "+" : a time range;
 * time | time "-" time "/" period : time points. One value may not mix
 * the two (KOpeningHours' IncompatibleMode).
 */
static int
timespan(struct parser *ps)
{
	size_t save = ps->i;
	int from, to, var_from, var_to, step;

	if (!time_point(ps, 24, &from, &var_from))
		return 0;
	if (accept(ps, T_PLUS)) {
		ps->ranges = 1;
		return 1;
	}
	if (!accept(ps, T_DASH) && !(is_range_word(peek(ps, 0)) &&
	    (ps->i++, 1))) {
		if (!var_from && from >= 24 * 60) {
			ps->i = save;	/* 24:00 is not a point in time */
			return 0;
		}
		ps->points = 1;
		return 1;
	}
	if (!time_point(ps, 48, &to, &var_to)) {
		ps->i = save;
		return 0;
	}
	if (accept(ps, T_SLASH)) {
		if (peek(ps, 0)->t == T_NUM && peek(ps, 1)->t == T_COLON &&
		    clock_time(ps, 24, &step)) {
		} else if (peek(ps, 0)->t == T_NUM && peek(ps, 0)->value > 0)
			ps->i++;
		else {
			ps->i = save;
			return 0;
		}
		ps->points = 1;
		return 1;
	}
	accept(ps, T_PLUS);
	ps->ranges = 1;
	return 1;
}

static int
time_selector(struct parser *ps)
{
	if (!timespan(ps))
		return 0;
	for (;;) {
		size_t save = ps->i;

		/* "12:00-14:00 16:00-18:00": a space also separates. */
		if (peek(ps, 0)->t == T_COMMA)
			ps->i++;
		else if (peek(ps, 0)->t != T_NUM && peek(ps, 0)->t != T_LPAREN)
			break;
		if (!timespan(ps)) {
			ps->i = save;
			break;
		}
	}
	return 1;
}

/* " +|- n day(s)" */
static int
day_offset(struct parser *ps)
{
	size_t save = ps->i;

	if ((accept(ps, T_PLUS) || accept(ps, T_DASH)) &&
	    peek(ps, 0)->t == T_NUM) {
		ps->i++;
		if (accept_word(ps, "day") || accept_word(ps, "days"))
			return 1;
	}
	ps->i = save;
	return 0;
}

static int
nth_entry(struct parser *ps)
{
	const struct token *t;
	int neg = accept(ps, T_DASH);

	t = peek(ps, 0);
	if (t->t != T_NUM || t->value < 1 || t->value > 5)
		return 0;
	ps->i++;
	if (!neg && accept(ps, T_DASH)) {
		t = peek(ps, 0);
		if (t->t != T_NUM || t->value < 1 || t->value > 5)
			return 0;
		ps->i++;
	}
	return 1;
}

/* wday | wday-wday | wday[nth,...] [offset] */
static int
weekday_range(struct parser *ps)
{
	size_t save = ps->i;

	if (!accept_wday(ps))
		return 0;
	if (accept(ps, T_LBRACKET)) {
		do {
			if (!nth_entry(ps))
				goto no;
		} while (accept(ps, T_COMMA));
		if (!accept(ps, T_RBRACKET))
			goto no;
		day_offset(ps);
		return 1;
	}
	if ((peek(ps, 0)->t == T_DASH || is_range_word(peek(ps, 0))) &&
	    is_wday(peek(ps, 1))) {
		ps->i++;
		accept_wday(ps);
	}
	return 1;
no:
	ps->i = save;
	return 0;
}

static int
holiday(struct parser *ps)
{
	if (!accept_word(ps, "PH") && !accept_word(ps, "SH"))
		return 0;
	day_offset(ps);
	return 1;
}

static int
weekday_selector(struct parser *ps)
{
	size_t save = ps->i;
	int any = 0;

	for (;;) {
		if (!weekday_range(ps) && !holiday(ps))
			break;
		any = 1;
		if (peek(ps, 0)->t == T_COMMA &&
		    (is_wday(peek(ps, 1)) || word_is(peek(ps, 1), "PH") ||
		    word_is(peek(ps, 1), "SH"))) {
			ps->i++;
			continue;
		}
		if (word_is(peek(ps, 0), "and") && is_wday(peek(ps, 1))) {
			ps->i++;
			continue;
		}
		/* "PH Mo-Fr": holidays then days, with a space. */
		if (is_wday(peek(ps, 0)) || word_is(peek(ps, 0), "PH") ||
		    word_is(peek(ps, 0), "SH"))
			continue;
		break;
	}
	if (!any)
		ps->i = save;
	return any;
}

static int
year(struct parser *ps, int *y)
{
	const struct token *t = peek(ps, 0);

	if (t->t != T_NUM || t->n != 4 || t->value < 1900)
		return 0;
	*y = t->value;
	ps->i++;
	return 1;
}

static int
daynum(struct parser *ps)
{
	const struct token *t = peek(ps, 0);

	/* "Dec 24: 18:00" is a day; "Jan 10:00" is a month and a time. */
	if (t->t != T_NUM || t->n > 2 || t->value < 1 || t->value > 31 ||
	    (peek(ps, 1)->t == T_COLON && peek(ps, 2)->t == T_NUM &&
	    !peek(ps, 2)->space) || word_is(peek(ps, 1), "am") ||
	    word_is(peek(ps, 1), "pm"))
		return 0;
	ps->i++;
	return 1;
}

/* [year] month daynum | [year] month wday[nth] | [year] easter */
static int
date(struct parser *ps, int need_day)
{
	size_t save = ps->i;
	int y;

	if (year(ps, &y) && peek(ps, 0)->t == T_SLASH &&
	    peek(ps, 1)->t == T_NUM)
		ps->i += 2;	/* "2013/10 Dec 31": every ten years */
	if (accept_word(ps, "easter"))
		return 1;
	if (!accept_month(ps))
		goto no;
	if (daynum(ps))
		return 1;
	if (is_wday(peek(ps, 0)) && peek(ps, 1)->t == T_LBRACKET) {
		if (weekday_range(ps))
			return 1;
	}
	if (!need_day)
		return 1;
no:
	ps->i = save;
	return 0;
}

static void
date_offset(struct parser *ps)
{
	size_t save = ps->i;

	if ((accept(ps, T_PLUS) || accept(ps, T_DASH)) && accept_wday(ps))
		return;
	ps->i = save;
	day_offset(ps);
}

static int
monthday_range(struct parser *ps)
{
	size_t save = ps->i;
	int y;

	/* A full date, maybe a range to another date or a day. */
	if (date(ps, 1)) {
		date_offset(ps);
		if (accept(ps, T_PLUS))
			return 1;
		if (peek(ps, 0)->t == T_DASH) {
			size_t dash = ps->i;

			ps->i++;
			if (date(ps, 1) || daynum(ps)) {
				date_offset(ps);
				if (accept(ps, T_SLASH)) {
					if (peek(ps, 0)->t != T_NUM ||
					    peek(ps, 0)->value < 1)
						goto no;
					ps->i++;
				}
				return 1;
			}
			ps->i = dash;
		}
		return 1;
	}
	ps->i = save;
	year(ps, &y);
	if (!accept_month(ps))
		goto no;
	if (accept(ps, T_DASH)) {
		year(ps, &y);
		if (!accept_month(ps))
			goto no;
	}
	return 1;
no:
	ps->i = save;
	return 0;
}

static int
monthday_selector(struct parser *ps)
{
	size_t save = ps->i;

	if (!monthday_range(ps))
		return 0;
	while (peek(ps, 0)->t == T_COMMA) {
		size_t at = ps->i;

		ps->i++;
		if (!monthday_range(ps) && !daynum(ps)) {
			ps->i = at;
			break;
		}
	}
	(void)save;
	return 1;
}

static int
year_selector(struct parser *ps)
{
	size_t save = ps->i;
	int from, to;

	if (!year(ps, &from))
		return 0;
	/* A year followed by a month belongs to a date. */
	if (is_month(peek(ps, 0)) || word_is(peek(ps, 0), "easter")) {
		ps->i = save;
		return 0;
	}
	for (;;) {
		if (accept(ps, T_PLUS)) {
		} else if (accept(ps, T_SLASH)) {
			if (peek(ps, 0)->t != T_NUM || peek(ps, 0)->value < 1)
				goto no;
			ps->i++;
		} else if (accept(ps, T_DASH)) {
			if (!year(ps, &to) || to < from)
				goto no;
			if (accept(ps, T_SLASH)) {
				if (peek(ps, 0)->t != T_NUM ||
				    peek(ps, 0)->value < 1)
					goto no;
				ps->i++;
			}
		}
		if (peek(ps, 0)->t == T_COMMA && peek(ps, 1)->t == T_NUM &&
		    peek(ps, 1)->n == 4) {
			ps->i++;
			if (!year(ps, &from))
				goto no;
			continue;
		}
		return 1;
	}
no:
	ps->i = save;
	return 0;
}

static int
week_selector(struct parser *ps)
{
	size_t save = ps->i;

	if (!accept_word(ps, "week"))
		return 0;
	do {
		const struct token *t = peek(ps, 0);
		int from;

		if (t->t != T_NUM || t->value < 1 || t->value > 53)
			goto no;
		from = t->value;
		ps->i++;
		if (accept(ps, T_DASH)) {
			t = peek(ps, 0);
			if (t->t != T_NUM || t->value < from || t->value > 53)
				goto no;
			ps->i++;
			if (accept(ps, T_SLASH)) {
				t = peek(ps, 0);
				if (t->t != T_NUM || t->value < 1)
					goto no;
				ps->i++;
			}
		}
	} while (accept(ps, T_COMMA));
	return 1;
no:
	ps->i = save;
	return 0;
}

static int
rule_modifier(struct parser *ps)
{
	int any = 0;

	if (accept_word(ps, "open") || accept_word(ps, "closed") ||
	    accept_word(ps, "off") || accept_word(ps, "unknown"))
		any = 1;
	if (accept(ps, T_COMMENT))
		any = 1;
	return any;
}

/* One rule: selectors, then a state and a comment, each optional. */
static int
rule(struct parser *ps)
{
	size_t start = ps->i;
	int wide = 0, small = 0;

	if (peek(ps, 0)->t == T_NUM && peek(ps, 0)->value == 24 &&
	    peek(ps, 1)->t == T_SLASH && peek(ps, 2)->t == T_NUM &&
	    peek(ps, 2)->value == 7) {
		ps->i += 3;
		rule_modifier(ps);
		return 1;
	}
	if (peek(ps, 0)->t == T_COMMENT && peek(ps, 1)->t == T_COLON) {
		ps->i += 2;
		wide = 1;
	}
	/* A state or a comment may also come first. */
	if (rule_modifier(ps))
		small = 1;
	if (year_selector(ps)) {
		wide = 1;
		accept(ps, T_COLON);
	}
	if (monthday_selector(ps)) {
		wide = 1;
		accept(ps, T_COLON);
	}
	if (week_selector(ps)) {
		wide = 1;
		accept(ps, T_COLON);
	}
	if (weekday_selector(ps)) {
		small = 1;
		accept(ps, T_COLON);
	}
	small |= time_selector(ps);
	if (rule_modifier(ps))
		return 1;
	return ps->i > start && (wide || small);
}

int
opening_hours_valid(const char *p, size_t n)
{
	struct parser ps;

	if (lex(&ps, p, n) < 0 || ps.ntok == 0)
		return 0;
	ps.points = ps.ranges = 0;
	for (;;) {
		enum tok sep;

		if (!rule(&ps))
			return 0;
		sep = peek(&ps, 0)->t;
		if (sep == T_END)
			break;
		if (sep != T_SEMI && sep != T_COMMA && sep != T_FALLBACK)
			return 0;
		ps.i++;
		/* Both references accept a trailing comma or semicolon. */
		if (sep != T_FALLBACK && peek(&ps, 0)->t == T_END)
			break;
	}
	return !(ps.points && ps.ranges);
}
