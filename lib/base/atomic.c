#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/buf.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/banned.h"

int
atomic_write(const char *path, const void *p, size_t n, int mode,
    struct muni_err *e)
{
	struct buf tmp;
	int fd, saved;

	buf_init(&tmp, 4096 + strlen(path));
	if (buf_addf(&tmp, "%s.XXXXXX", path) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		return -1;
	}
	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		buf_release(&tmp);
		return -1;
	}
	if (fd_write_full(fd, p, n) < 0)
		goto fail;
	if (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp.ptr, path) < 0)
		goto fail;
	buf_release(&tmp);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp.ptr);
	buf_release(&tmp);
	err_sys(e, MUNI_EXIT_IO, saved, "cannot write '%s'", path);
	return -1;
}

/* The descriptor a /dev/stdout, /dev/fd/N or /proc/self/fd/N names, or -1. */
static int
named_fd(const char *path)
{
	static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/" };
	size_t i;

	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t k = strlen(prefixes[i]);
		const char *p = path + k;
		long fd = 0;

		if (strncmp(path, prefixes[i], k) != 0 || *p == '\0')
			continue;
		for (; *p >= '0' && *p <= '9' && fd < INT_MAX / 10; p++)
			fd = fd * 10 + (*p - '0');
		if (*p == '\0')
			return (int)fd;
	}
	return -1;
}

int
atomic_target(const char *path, char **target, struct muni_err *e)
{
	struct stat st, lst;
	int fd = named_fd(path);

	*target = NULL;
	if (fd >= 0) {
		/* The same open file, at its own offset (an append stays one). */
		fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'",
			    path);
		return fd;
	}
	if (stat(path, &st) < 0 || S_ISREG(st.st_mode)) {
		/* No file (or a dangling link): a new one by rename. */
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
		    S_ISREG(st.st_mode))
			*target = realpath(path, NULL);
		else
			*target = strdup(path);
		if (*target == NULL) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'",
			    path);
			return -1;
		}
		return -2;
	}
	if (S_ISDIR(st.st_mode)) {
		err_set(e, MUNI_EXIT_IO, "cannot write '%s': it is a folder",
		    path);
		return -1;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
	return fd;
}

int
atomic_check(const char *path, struct muni_err *e)
{
	struct stat st;
	char *target, *slash;
	int rc = 0;

	if (named_fd(path) >= 0)
		return 0;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			err_set(e, MUNI_EXIT_IO, "cannot write '%s': it is a "
			    "folder", path);
			return -1;
		}
		return 0;
	}
	target = stat(path, &st) == 0 ? realpath(path, NULL) : strdup(path);
	if (target == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		return -1;
	}
	slash = strrchr(target, '/');
	if (slash == target)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	if (access(slash ? target : ".", W_OK | X_OK) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		rc = -1;
	}
	free(target);
	return rc;
}

int
atomic_write_user(const char *path, const void *p, size_t n, int mode,
    struct muni_err *e)
{
	char *target;
	int fd = atomic_target(path, &target, e), rc;

	if (fd == -1)
		return -1;
	if (fd >= 0) {
		rc = fd_write_full(fd, p, n);
		if (rc < 0)
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'",
			    path);
		if (close(fd) < 0 && rc == 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'",
			    path);
			rc = -1;
		}
		return rc;
	}
	rc = atomic_write(target, p, n, mode, e);
	if (rc < 0)
		err_sys(e, MUNI_EXIT_IO, e->errnum, "cannot write '%s'", path);
	free(target);
	return rc;
}
