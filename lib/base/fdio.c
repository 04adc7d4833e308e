#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "base/banned.h"

ssize_t
fd_read_full(int fd, void *p, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = read(fd, (char *)p + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

int
fd_write_full(int fd, const void *p, size_t n)
{
	size_t done = 0;
	ssize_t w;

	while (done < n) {
		w = write(fd, (const char *)p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

int
fd_read_all(int fd, struct buf *out)
{
	char chunk[65536];
	ssize_t n;

	while ((n = fd_read_full(fd, chunk, sizeof(chunk))) > 0)
		if (buf_add(out, chunk, (size_t)n) < 0)
			return -1;
	return n < 0 ? -1 : 0;
}

int
fd_temp(const char *tool, char path[4096], struct muni_err *e)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, 4096, "%s/%s.XXXXXX", dir && *dir ? dir : "/tmp", tool);
	fd = mkstemp(path);
	if (fd < 0) {
		path[0] = '\0';
		if (e)
			err_sys(e, MUNI_EXIT_IO, errno, "cannot create a "
			    "temporary file");
	}
	return fd;
}

int
fd_open_secret(const char *path, const char *kind, struct muni_err *e)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 && errno == ELOOP) {
		err_set(e, MUNI_EXIT_USAGE, "%s '%s' is a symbolic link: "
		    "refused (give the file itself, so that nobody who may "
		    "change the link chooses the key)", kind, path);
		return -1;
	}
	if (fd < 0) {
		err_sys(e, errno == ENOENT ? MUNI_EXIT_USAGE : MUNI_EXIT_IO,
		    errno, "cannot open %s '%s'", kind, path);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		err_set(e, MUNI_EXIT_USAGE, "%s '%s' is not a regular file",
		    kind, path);
		return -1;
	}
	if (st.st_mode & 077) {
		close(fd);
		err_set(e, MUNI_EXIT_USAGE, "%s '%s' may be read by others "
		    "(mode %03o): refused; chmod 600 '%s'", kind, path,
		    (unsigned)(st.st_mode & 0777), path);
		return -1;
	}
	/* Reads block as usual from here. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int
fd_open_input(const char *path, struct muni_err *e)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO :
	    open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && e)
		err_sys(e, MUNI_EXIT_IO, errno, "cannot open '%s'", path);
	return fd;
}
