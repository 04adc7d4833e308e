/*
 * enospc.so: a full disk on demand, for the tests (LD_PRELOAD). Every
 * call that takes space under the folder MUNI_TEST_ENOSPC_UNDER (writes to
 * a regular file there, files, folders and links made, renames into it)
 * is counted; from the one numbered MUNI_TEST_ENOSPC_AFTER + 1 on, each
 * fails with ENOSPC as on a full disk. With MUNI_TEST_ENOSPC_COUNT set to
 * a file, the number of such calls is written there at exit.
 *
 * Built by the test that uses it (cc -shared -fPIC); not part of muni.
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long calls;

static const char *
under(void)
{
	static char root[PATH_MAX];
	static int done;
	const char *u;

	if (!done) {
		done = 1;
		u = getenv("MUNI_TEST_ENOSPC_UNDER");
		if (u == NULL || realpath(u, root) == NULL)
			root[0] = '\0';
	}
	return root[0] ? root : NULL;
}

/* Whether a path (made absolute from the working folder) is under. */
static int
path_under(const char *path)
{
	const char *u = under();
	char abs[PATH_MAX], dir[PATH_MAX];
	size_t n;

	if (u == NULL || path == NULL)
		return 0;
	if (path[0] != '/') {
		if (getcwd(dir, sizeof(dir)) == NULL)
			return 0;
		snprintf(abs, sizeof(abs), "%s/%s", dir, path);
		path = abs;
	}
	n = strlen(u);
	return strncmp(path, u, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int
fd_under(int fd)
{
	char link[64], path[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (under() == NULL || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return 0;
	path[n] = '\0';
	return path_under(path);
}

/* Count a call that takes space; 1 when it must fail. */
static int
full(int counted)
{
	const char *after = getenv("MUNI_TEST_ENOSPC_AFTER");

	if (!counted)
		return 0;
	calls++;
	if (after && calls > atol(after)) {
		errno = ENOSPC;
		return 1;
	}
	return 0;
}

__attribute__((destructor)) static void
report(void)
{
	const char *f = getenv("MUNI_TEST_ENOSPC_COUNT");
	FILE *fp;

	if (f && (fp = fopen(f, "w")) != NULL) {
		fprintf(fp, "%ld\n", calls);
		fclose(fp);
	}
}

#define REAL(ret, name, ...) \
	static ret (*real)(__VA_ARGS__); \
	if (real == NULL) \
		real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, name)

ssize_t
write(int fd, const void *p, size_t n)
{
	REAL(ssize_t, "write", int, const void *, size_t);
	if (n && full(fd_under(fd)))
		return -1;
	return real(fd, p, n);
}

ssize_t
pwrite64(int fd, const void *p, size_t n, off_t off)
{
	REAL(ssize_t, "pwrite64", int, const void *, size_t, off_t);
	if (n && full(fd_under(fd)))
		return -1;
	return real(fd, p, n, off);
}

ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	REAL(ssize_t, "pwrite", int, const void *, size_t, off_t);
	if (n && full(fd_under(fd)))
		return -1;
	return real(fd, p, n, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	REAL(ssize_t, "writev", int, const struct iovec *, int);
	if (cnt && full(fd_under(fd)))
		return -1;
	return real(fd, iov, cnt);
}

int
mkdir(const char *path, mode_t mode)
{
	REAL(int, "mkdir", const char *, mode_t);
	if (full(path_under(path)))
		return -1;
	return real(path, mode);
}

int
symlink(const char *target, const char *path)
{
	REAL(int, "symlink", const char *, const char *);
	if (full(path_under(path)))
		return -1;
	return real(target, path);
}

int
link(const char *from, const char *path)
{
	REAL(int, "link", const char *, const char *);
	if (full(path_under(path)))
		return -1;
	return real(from, path);
}

int
rename(const char *from, const char *to)
{
	REAL(int, "rename", const char *, const char *);
	if (full(path_under(to)))
		return -1;
	return real(from, to);
}

static int
open_common(const char *name, int dirfd, const char *path, int flags,
    mode_t mode)
{
	if ((flags & O_CREAT) && (dirfd == AT_FDCWD || path[0] == '/') &&
	    access(path, F_OK) < 0 && full(path_under(path)))
		return -1;
	if (dirfd == AT_FDCWD) {
		REAL(int, name, const char *, int, ...);
		return real(path, flags, mode);
	} else {
		static int (*realat)(int, const char *, int, ...);

		if (realat == NULL)
			realat = (int (*)(int, const char *, int, ...))dlsym(
			    RTLD_NEXT, name);
		return realat(dirfd, path, flags, mode);
	}
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode = 0;

	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = va_arg(ap, mode_t);
	va_end(ap);
	return open_common("open", AT_FDCWD, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode = 0;

	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = va_arg(ap, mode_t);
	va_end(ap);
	return open_common("open64", AT_FDCWD, path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode = 0;

	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = va_arg(ap, mode_t);
	va_end(ap);
	return open_common("openat", dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode = 0;

	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = va_arg(ap, mode_t);
	va_end(ap);
	return open_common("openat64", dirfd, path, flags, mode);
}
