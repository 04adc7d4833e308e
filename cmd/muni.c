/*
 * muni: the front end. "muni TOOL ARGS..." runs muni-TOOL, looked up first
 * beside this program (so a build tree and an installation both work), then
 * in PATH.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/version.h"
#include "fe/msg.h"
#include "base/banned.h"

static const char usage_text[] =
    "usage: muni [-hV] tool [argument ...]\n"
    "       muni help [tool]\n";

static const struct {
	const char *name;
	const char *what;
} tools[] = {
	{ "fetch", "export (CSV, XLSX, ODS, JSON, XML, SQLite, DBF) -> canonical CSV" },
	{ "transform", "canonical CSV -> CSV shaped to a target schema" },
	{ "anonymize", "CSV -> CSV without personal data" },
	{ "validate", "CSV checked against a Table Schema" },
	{ "publish", "CSV + schema + metadata -> an open-data publication" },
};

static int
help(void)
{
	size_t i;

	fputs(usage_text, stdout);
	fputs("\nTurn the raw exports of a French commune into open data that "
	    "meets the\nloi pour une République numérique. The tools:\n\n",
	    stdout);
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		printf("  %-10s %s\n", tools[i].name, tools[i].what);
	fputs("\n  -h, --help     print this help and exit\n"
	    "  -V, --version  print the versions of muni and its libraries\n"
	    "\n'muni help TOOL' shows a tool's options; see muni(7).\n",
	    stdout);
	return fclose(stdout) == 0 ? MUNI_EXIT_OK : MUNI_EXIT_IO;
}

static int
version(void)
{
	struct buf b;
	int ok;

	buf_init(&b, 1 << 16);
	ok = muni_library_versions(&b) == 0;
	printf("muni %s\n%s", muni_version(), ok ? b.ptr : "");
	buf_release(&b);
	return fclose(stdout) == 0 ? MUNI_EXIT_OK : MUNI_EXIT_IO;
}

static int
valid_name(const char *s)
{
	if (*s == '\0' || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-'))
			return 0;
	return 1;
}

/* Replace this process with muni-TOOL; returns only on failure. */
static int
run(const char *tool, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 64], prog[64];
	ssize_t n;
	char *slash;

	if (!valid_name(tool) || strlen(tool) > 40) {
		msg_error("'%s' is not a muni tool; see 'muni help'", tool);
		return MUNI_EXIT_USAGE;
	}
	snprintf(prog, sizeof(prog), "muni-%s", tool);
	argv[0] = prog;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s", self, prog);
			if (access(path, X_OK) == 0) {
				execv(path, argv);
				msg_error("cannot run '%s': %s", path,
				    strerror(errno));
				return MUNI_EXIT_IO;
			}
		}
	}
	execvp(prog, argv);
	if (errno == ENOENT) {
		msg_error("'%s' is not a muni tool (no '%s' installed); "
		    "see 'muni help'", tool, prog);
		return MUNI_EXIT_USAGE;
	}
	msg_error("cannot run '%s': %s", prog, strerror(errno));
	return MUNI_EXIT_IO;
}

int
main(int argc, char **argv)
{
	msg_init(argv[0], stderr);
	if (argc < 2)
		return msg_usage(usage_text);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return help();
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
		return version();
	if (strcmp(argv[1], "help") == 0) {
		char *sub[] = { NULL, (char *)"--help", NULL };

		if (argc == 2)
			return help();
		if (argc > 3)
			return msg_usage(usage_text);
		return run(argv[2], sub);
	}
	if (argv[1][0] == '-') {
		msg_error("unknown option '%s'", argv[1]);
		return msg_usage(usage_text);
	}
	return run(argv[1], argv + 1);
}
