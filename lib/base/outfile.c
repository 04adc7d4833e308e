#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/exitcode.h"
#include "base/outfile.h"
#include "base/banned.h"

int
outfile_open(struct outfile *f, const char *path, struct muni_err *e)
{
	char *target;
	size_t n;
	int fd = atomic_target(path, &target, e);

	f->path = path;
	f->direct = 0;
	f->tmp = NULL;
	f->target = NULL;
	if (fd == -1)
		return -1;
	if (fd >= 0) {
		/* A device, a FIFO, standard output: written into. */
		if (csvout_init(&f->out, fd) < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'",
			    path);
			close(fd);
			return -1;
		}
		f->fd = fd;
		f->direct = 1;
		f->tmp = strdup(path);
		if (f->tmp == NULL) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'",
			    path);
			csvout_release(&f->out);
			close(fd);
			return -1;
		}
		return 0;
	}
	f->target = target;
	n = strlen(target) + 8;
	f->tmp = malloc(n);
	if (f->tmp == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		free(f->target);
		f->target = NULL;
		return -1;
	}
	snprintf(f->tmp, n, "%s.XXXXXX", target);
	f->fd = mkstemp(f->tmp);
	if (f->fd < 0 || csvout_init(&f->out, f->fd) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		if (f->fd >= 0) {
			close(f->fd);
			unlink(f->tmp);
		}
		free(f->tmp);
		free(f->target);
		f->tmp = NULL;
		f->target = NULL;
		return -1;
	}
	fchmod(f->fd, 0644);
	return 0;
}

int
outfile_close(struct outfile *f, int keep, struct muni_err *e)
{
	int rc = 0;

	if (f->tmp == NULL)
		return 0;
	/* Written into: what was written stays, it is flushed either way. */
	if (f->direct)
		keep = 1;
	if (keep && (csvout_flush(&f->out) < 0 ||
	    (!f->direct && fsync(f->fd) < 0))) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", f->path);
		keep = 0;
		rc = -1;
	}
	if (close(f->fd) < 0 && keep) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", f->path);
		keep = 0;
		rc = -1;
	}
	if (!f->direct && keep && rename(f->tmp, f->target) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", f->path);
		rc = -1;
		keep = 0;
	}
	if (!f->direct && !keep)
		unlink(f->tmp);
	csvout_release(&f->out);
	free(f->tmp);
	free(f->target);
	f->tmp = NULL;
	f->target = NULL;
	return rc;
}
