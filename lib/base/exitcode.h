/*
 * exitcode: the exit statuses shared by every muni tool (DESIGN.md).
 * A tool may define statuses of its own above MUNI_EXIT_INTERNAL; each man
 * page lists the ones its tool uses.
 */
#ifndef MUNI_EXITCODE_H
#define MUNI_EXITCODE_H

enum muni_exit {
	MUNI_EXIT_OK = 0,	/* success; for validate, the data is valid */
	MUNI_EXIT_DATA = 1,	/* the data has problems that the tool reports */
	MUNI_EXIT_USAGE = 2,	/* bad option, unreadable configuration */
	MUNI_EXIT_IO = 3,	/* input unreadable, output not writable */
	MUNI_EXIT_INTERNAL = 4,	/* a bug */
	/* muni-fetch --state: the source has not changed since last time */
	MUNI_EXIT_NOT_MODIFIED = 5
};

#endif
