#include <config.h>

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "base/i18n.h"
#include "base/version.h"
#include "csv/csvin.h"
#include "fe/msg.h"
#include "base/banned.h"

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

/*
 * Progress: one line on standard error when it is a terminal, shown once
 * the work has lasted PROGRESS_DELAY seconds, rewritten in place at most
 * every PROGRESS_EVERY seconds, cleared at the end and before any other
 * message (which it would otherwise garble).
 */
#define PROGRESS_DELAY 2.0
#define PROGRESS_EVERY 0.25

static struct {
	int on, shown, test;
	double start, last;
} prog;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
msg_progress_init(struct csvin_options *csv, int quiet)
{
	const char *term = getenv("TERM");

	csv->progress = msg_progress;
	csv->progress_ctx = NULL;
	prog.test = getenv("MUNI_TEST_PROGRESS") != NULL;
	prog.on = !quiet && (msg_stream == NULL || msg_stream == stderr) &&
	    isatty(STDERR_FILENO) &&
	    !(term && strcmp(term, "dumb") == 0);
	prog.start = now();
	prog.last = 0;
	prog.shown = 0;
}

static void
progress_clear(void)
{
	FILE *f = msg_stream ? msg_stream : stderr;

	if (!prog.shown)
		return;
	fputs("\r\033[K", f);
	fflush(f);
	prog.shown = 0;
}

/* "123.4 MB": bytes in decimal units, as file managers show them. */
static void
size_text(char *out, size_t cap, double n)
{
	static const char *const units[] = { N_("B"), N_("kB"), N_("MB"),
	    N_("GB"), N_("TB") };
	size_t u = 0;

	while (n >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
		n /= 1000;
		u++;
	}
	snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", n, _(units[u]));
}

static void
time_text(char *out, size_t cap, double s)
{
	if (s < 60)
		snprintf(out, cap, _("%.0f s"), s < 1 ? 1 : s);
	else if (s < 3600)
		snprintf(out, cap, _("%.0f min"), s / 60);
	else
		snprintf(out, cap, _("%.0f h %02.0f min"), (double)(long)(s /
		    3600), (double)((long)s % 3600 / 60));
}

/* The progress line, cut to the terminal's width, written over the last. */
static void
progress_show(char *line)
{
	FILE *f = msg_stream ? msg_stream : stderr;
	struct winsize ws;
	size_t width = 80, n, k, chars;

	/* One line that the terminal does not wrap: cut to its width. */
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		width = ws.ws_col;
	n = strlen(line);
	for (k = 0, chars = 0; k < n; k++)
		if (((unsigned char)line[k] & 0xc0) != 0x80 && ++chars == width)
			break;
	line[k] = '\0';
	fprintf(f, "\r%s\033[K", line);
	fflush(f);
	prog.shown = 1;
}

/*
 * Whether to show the line now (2 seconds into the work, 4 times a
 * second at most; always for tests); at the end, clear it. *took: the
 * seconds so far.
 */
static int
progress_due(int done, double *took)
{
	double t;

	if (!prog.on)
		return 0;
	if (done) {
		progress_clear();
		return 0;
	}
	t = now();
	*took = t - prog.start;
	if (!prog.test && (*took < PROGRESS_DELAY ||
	    t - prog.last < PROGRESS_EVERY))
		return 0;
	prog.last = t;
	return 1;
}

void
msg_progress(void *ctx, unsigned long long bytes, unsigned long long total,
    unsigned long long rows, int done)
{
	char line[256], a[32], b[32], c[32], d[32];
	double took;

	(void)ctx;
	if (!progress_due(done, &took))
		return;
	if (took <= 0)
		took = 1e-3;
	if (total && bytes && bytes <= total) {
		size_text(b, sizeof(b), (double)total);
		size_text(c, sizeof(c), (double)bytes / took);
		time_text(d, sizeof(d), (double)(total - bytes) /
		    ((double)bytes / took));
		snprintf(line, sizeof(line), _("%s: %.0f%% of %s, %llu rows, "
		    "%s/s, %s left"), msg_prog, 100.0 * (double)bytes /
		    (double)total, b, rows, c, d);
	} else if (bytes) {
		size_text(a, sizeof(a), (double)bytes);
		snprintf(line, sizeof(line), _("%s: %llu rows, %.0f rows/s, %s "
		    "read"), msg_prog, rows, (double)rows / took, a);
	} else
		snprintf(line, sizeof(line), _("%s: %llu rows, %.0f rows/s"),
		    msg_prog, rows, (double)rows / took);
	progress_show(line);
}

void
msg_progress_pages(void *ctx, unsigned long pages, unsigned long long records,
    long long matched, int done)
{
	char line[256];
	double took;

	(void)ctx;
	if (!progress_due(done, &took))
		return;
	if (matched >= 0)
		snprintf(line, sizeof(line), _("%s: page %lu, %llu records of "
		    "%lld"), msg_prog, pages, records, matched);
	else
		snprintf(line, sizeof(line), _("%s: page %lu, %llu records"),
		    msg_prog, pages, records);
	progress_show(line);
}

static void msg_vline(const char *, const char *, va_list)
	__attribute__((format(printf, 2, 0)));

static void
msg_vline(const char *prefix, const char *fmt, va_list ap)
{
	FILE *f = msg_stream ? msg_stream : stderr;

	progress_clear();
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
msg_warn_cb(void *ctx, const char *msg)
{
	(void)ctx;
	msg_warn("%s", msg);
}

int
msg_write(void *ctx, const char *text, size_t len)
{
	FILE *f = msg_stream ? msg_stream : stderr;

	(void)ctx;
	progress_clear();
	if (len && fwrite(text, 1, len, f) != len)
		return -1;
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

void
msg_err(const struct muni_err *e)
{
	FILE *f = msg_stream ? msg_stream : stderr;

	progress_clear();
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

/* Whether French was asked for, and the catalogue folder found. */
static int msg_french;
static const char *msg_localedir;

static int
msg_has_catalogue(const char *dir)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/fr/LC_MESSAGES/muni.mo", dir);

	return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

/*
 * The folder of the catalogues: beside the program in a build tree
 * (build/locale, made by make), under ../share/locale of a program
 * installed elsewhere than it was configured for, else the configured
 * LOCALEDIR; NULL when none holds muni.mo.
 */
static const char *
msg_find_catalogue(void)
{
	static char found[PATH_MAX];
	char self[PATH_MAX];
	const char *const rel[] = { "/locale", "/../share/locale" };
	ssize_t n;
	char *slash;
	size_t i;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL)
			*slash = '\0';
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			int m = snprintf(found, sizeof(found), "%s%s", self,
			    rel[i]);

			if (m > 0 && (size_t)m < sizeof(found) &&
			    msg_has_catalogue(found))
				return found;
		}
	}
	return msg_has_catalogue(LOCALEDIR) ? LOCALEDIR : NULL;
}

void
msg_lang(const char *lang)
{
	const char *want = lang, *dir = getenv("MUNI_LOCALEDIR"), *got;
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	size_t i;

	if (lang)
		setenv("LANGUAGE", lang, 1);
	got = setlocale(LC_MESSAGES, lang ? "C.UTF-8" : "");
	for (i = 0; want == NULL && i < 3; i++)
		if (getenv(vars[i]) && *getenv(vars[i]))
			want = getenv(vars[i]);
	/*
	 * gettext ignores LANGUAGE in the C locale, and a French locale may
	 * not be installed: fall back on C.UTF-8 and name the language.
	 */
	if (got == NULL || strcmp(got, "C") == 0 || strcmp(got, "POSIX") == 0) {
		setlocale(LC_MESSAGES, "C.UTF-8");
		if (want && strlen(want) >= 2 && want[0] >= 'a' &&
		    want[0] <= 'z' && want[1] >= 'a' && want[1] <= 'z') {
			char two[3] = { want[0], want[1], '\0' };

			setenv("LANGUAGE", two, 0);
		}
	}
	msg_french = want != NULL && strncmp(want, "fr", 2) == 0;
	msg_localedir = dir && *dir ? dir : msg_find_catalogue();
	bindtextdomain("muni", msg_localedir ? msg_localedir : LOCALEDIR);
	bind_textdomain_codeset("muni", "UTF-8");
}

void
msg_lang_done(void)
{
	static int warned;
	const char *dir = getenv("MUNI_LOCALEDIR");

	if (!msg_french || warned || (msg_localedir && msg_has_catalogue(
	    msg_localedir)))
		return;
	warned = 1;
	if (dir && *dir)
		msg_warn("no French messages: '%s/fr/LC_MESSAGES/muni.mo' "
		    "(MUNI_LOCALEDIR) cannot be read; messages stay in "
		    "English", dir);
	else
		msg_warn("no French messages: muni.mo is neither in '%s' nor "
		    "beside the program; messages stay in English (run 'make "
		    "install', or set MUNI_LOCALEDIR)", LOCALEDIR);
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

void
msg_note(void *ctx, const char *text)
{
	FILE *f = msg_stream ? msg_stream : stderr;

	(void)ctx;
	progress_clear();
	fprintf(f, "%s: %s", msg_prog, text);
	fflush(f);
}

int
msg_lang_option(const char *lang, struct muni_err *e)
{
	if (strcmp(lang, "fr") && strcmp(lang, "en")) {
		err_set(e, MUNI_EXIT_USAGE, "'%s' is not a language of muni: "
		    "fr or en", lang);
		return -1;
	}
	msg_lang(lang);
	return 0;
}

int
msg_help(const char *synopsis, const char *help)
{
	fputs(synopsis, stdout);
	fputs(help, stdout);
	return fclose(stdout) == 0 ? MUNI_EXIT_OK : MUNI_EXIT_IO;
}

int
msg_version(const char *tool)
{
	printf("%s %s\n", tool, muni_version());
	return fclose(stdout) == 0 ? MUNI_EXIT_OK : MUNI_EXIT_IO;
}
