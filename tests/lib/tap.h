/*
 * tap.h: the smallest TAP producer, for the unit tests of lib/.
 * ok() prints one test line; done_testing() prints the plan and returns
 * the exit status (0 when every test passed).
 */
#ifndef MUNI_TAP_H
#define MUNI_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static int ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), unused));

static int
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

static void diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), unused));

static void
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int __attribute__((unused))
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
