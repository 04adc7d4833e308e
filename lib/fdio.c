#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "fdio.h"
#include "banned.h"

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
fd_temp(const char *tool, char path[4096])
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, 4096, "%s/%s.XXXXXX", dir && *dir ? dir : "/tmp", tool);
	fd = mkstemp(path);
	if (fd < 0)
		path[0] = '\0';
	return fd;
}
