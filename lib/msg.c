#include <config.h>

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "msg.h"
#include "version.h"
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
	if (len && fwrite(text, 1, len, f) != len)
		return -1;
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
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
