#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/exitcode.h"
#include "base/text.h"
#include "base/banned.h"

void
err_clear(struct muni_err *e)
{
	memset(e, 0, sizeof(*e));
}

void
err_set(struct muni_err *e, int status, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->errnum = 0;
	e->code = NULL;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	text_fix_end(e->msg);
}

void
err_sys(struct muni_err *e, int status, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	e->status = status;
	e->errnum = errnum;
	e->code = NULL;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (errnum && n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(errnum));
	text_fix_end(e->msg);
}

void
err_nomem(struct muni_err *e)
{
	err_set(e, MUNI_EXIT_IO, "out of memory");
	e->errnum = ENOMEM;
}
