/*
 * err: what a lib/ function reports when it fails.
 *
 * lib/ never prints and never exits: a function that fails returns -1 (or
 * NULL) and fills the caller's struct muni_err with the exit status the
 * failure calls for, errno if a system call failed, the position in the
 * input and a message in the user's terms. The tool decides what to print
 * (through msg) and whether to go on.
 */
#ifndef MUNI_ERR_H
#define MUNI_ERR_H

struct muni_err {
	int status;			/* an enum muni_exit value */
	int errnum;			/* errno of a failed system call, or 0 */
	const char *file;		/* input name as the user gave it; not owned */
	unsigned long long row;		/* record number, header = 1; 0: none */
	unsigned long long line;	/* physical line where the row starts */
	char field[128];		/* field name or number, "" if none */
	const char *code;		/* a report's error code, or NULL */
	char msg[512];			/* the problem, without location */
};

/*
 * What lib/ says that is not an error, for the tool to print: a warning
 * (a value not converted, a sheet's merged cells), a verdict, a summary.
 * One line or a few, without the tool's name; the one type of every such
 * callback. (Reports, which are written, not said, go to a writer that can
 * fail: validate_run's diag.)
 */
typedef void muni_note_fn(void *ctx, const char *text);

void err_clear(struct muni_err *e);
/* Set status and message; the position fields are left as they are. */
void err_set(struct muni_err *e, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* As err_set, with errno recorded and its text appended to the message. */
void err_sys(struct muni_err *e, int status, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An allocation failed: MUNI_EXIT_IO, ENOMEM, "out of memory". */
void err_nomem(struct muni_err *e);

#endif
