#include <stdarg.h>
#include <stdio.h>

#include "exitcode.h"
#include "msg.h"
#include "banned.h"

static const char *msg_prog = "muni";
static FILE *msg_stream;

void
msg_init(const char *progname, FILE *stream)
{
	const char *p;

	for (p = progname; *p; p++)
		if (*p == '/')
			progname = p + 1;
	msg_prog = progname;
	msg_stream = stream;
}

const char *
msg_progname(void)
{
	return msg_prog;
}

static void msg_vline(const char *, const char *, va_list)
	__attribute__((format(printf, 2, 0)));

static void
msg_vline(const char *prefix, const char *fmt, va_list ap)
{
	FILE *f = msg_stream ? msg_stream : stderr;

	fprintf(f, "%s: %s", msg_prog, prefix);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

void
msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vline("", fmt, ap);
	va_end(ap);
}

void
msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vline("warning: ", fmt, ap);
	va_end(ap);
}

void
msg_err(const struct muni_err *e)
{
	FILE *f = msg_stream ? msg_stream : stderr;

	fprintf(f, "%s: ", msg_prog);
	if (e->file && e->row)
		fprintf(f, "%s:%llu: ", e->file, e->row);
	else if (e->file)
		fprintf(f, "%s: ", e->file);
	if (e->field[0])
		fprintf(f, "field %s: ", e->field);
	fprintf(f, "%s\n", e->msg);
	fflush(f);
}

int
msg_usage(const char *synopsis)
{
	FILE *f = msg_stream ? msg_stream : stderr;

	fputs(synopsis, f);
	fprintf(f, "Try '%s --help'.\n", msg_prog);
	fflush(f);
	return MUNI_EXIT_USAGE;
}
