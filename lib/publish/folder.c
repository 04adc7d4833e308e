/* nftw's FTW_PHYS and FTW_DEPTH. */
#define _GNU_SOURCE

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "base/fdio.h"
#include "publish/folder.h"
#include "base/banned.h"

int
folder_path(char *out, struct muni_err *e, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, FOLDER_PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= FOLDER_PATH_MAX) {
		err_set(e, MUNI_EXIT_USAGE, "a path under the publication is "
		    "longer than %d bytes", FOLDER_PATH_MAX);
		return -1;
	}
	return 0;
}

int
folder_make(const char *path, struct muni_err *e)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create '%s'", path);
		return -1;
	}
	return 0;
}

int
folder_sync(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc, saved;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int
folder_remove(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void
folder_test_crash(const char *step)
{
#ifdef MUNI_FAULT_INJECTION
	const char *at = getenv("MUNI_TEST_CRASH_AT");

	if (at && strcmp(at, step) == 0)
		raise(SIGKILL);
#else
	(void)step;
#endif
}

int
folder_write(const char *path, const void *p, size_t n, struct muni_err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || fd_write_full(fd, p, n) < 0 || fsync(fd) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (close(fd) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		return -1;
	}
	return 0;
}
