#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "buf.h"
#include "exitcode.h"
#include "fdio.h"
#include "banned.h"

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
