/*
 * msg: every line a muni tool writes to standard error goes through here,
 * so all tools speak alike:
 *
 *   muni-fetch: cannot open 'in.csv': No such file or directory
 *   muni-fetch: in.csv:42: field 'montant': invalid byte 0x81 ...
 *
 * The problem first, lower case, the subject quoted, no final full stop.
 * The tool names the stream at start-up (stderr; a test may give another).
 * This is the one module of lib/ that writes: it is the tools' voice, used
 * only from cmd/, never from the library's own functions.
 */
#ifndef MUNI_MSG_H
#define MUNI_MSG_H

#include <stdio.h>

#include "base/err.h"

struct csvin_options;

void msg_init(const char *progname, FILE *stream);
const char *msg_progname(void);

/* "prog: message" */
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: warning: message" */
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same as a warning callback for lib/ (csvin, sheets, runs). */
void msg_warn_cb(void *ctx, const char *msg);
/*
 * Text lib/ renders for standard error (a report's lines, already
 * prefixed), written whole: -1 when it could not be (a full disk).
 */
int msg_write(void *ctx, const char *text, size_t len);
/* "prog: FILE:ROW: field 'F': message", the parts that are known. */
void msg_err(const struct muni_err *e);
/*
 * Choose the language of messages: lang ("fr", "en") when given, else the
 * environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). A French environment
 * gets French messages even where no French locale is installed. Only
 * LC_MESSAGES is set: numbers and dates keep the C conventions.
 */
void msg_lang(const char *lang);
/*
 * After the options: when French was asked for (--lang fr, a French
 * environment) and no catalogue could be found (MUNI_LOCALEDIR, beside
 * the program, LOCALEDIR), one warning saying so.
 */
void msg_lang_done(void);
/* --lang LANG: fr or en, else -1 with the message in e (usage). */
int msg_lang_option(const char *lang, struct muni_err *e);
/*
 * A note callback for lib/ runs (muni-anonymize, muni-publish): text, which
 * ends with a newline, after "prog: ".
 */
void msg_note(void *ctx, const char *text);
/*
 * Progress on a terminal only: msg_progress_init() makes msg_progress()
 * the progress hook of csv. With quiet 0 and standard error a terminal
 * (TERM not dumb), once the work has lasted 2 seconds, it shows one line,
 * rewritten in place four times a second at most: bytes read of the
 * file's size, rows, rate, time left; rows and rate alone on a pipe. It
 * is cleared at the end and before any other message. MUNI_TEST_PROGRESS
 * shows it at once and at every call, for tests.
 */
void msg_progress_init(struct csvin_options *csv, int quiet);
void msg_progress(void *ctx, unsigned long long bytes,
    unsigned long long total, unsigned long long rows, int done);
/*
 * The same for an API's pages (muni-fetch's pager): the page, the records
 * received, of how many when the server said.
 */
void msg_progress_pages(void *ctx, unsigned long pages,
    unsigned long long records, long long matched, int done);
/*
 * --help and --version: the synopsis and the help, or "tool VERSION", on
 * standard output, which is closed; the exit status (MUNI_EXIT_IO when the
 * output could not be written).
 */
int msg_help(const char *synopsis, const char *help);
int msg_version(const char *tool);
/* The synopsis, then "Try 'prog --help'."; returns MUNI_EXIT_USAGE. */
int msg_usage(const char *synopsis);

#endif
