#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcode.h"
#include "outfile.h"
#include "banned.h"

int
outfile_open(struct outfile *f, const char *path, struct muni_err *e)
{
	size_t n = strlen(path) + 8;

	f->path = path;
	f->tmp = malloc(n);
	if (f->tmp == NULL) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		return -1;
	}
	snprintf(f->tmp, n, "%s.XXXXXX", path);
	f->fd = mkstemp(f->tmp);
	if (f->fd < 0 || csvout_init(&f->out, f->fd) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", path);
		if (f->fd >= 0) {
			close(f->fd);
			unlink(f->tmp);
		}
		free(f->tmp);
		f->tmp = NULL;
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
	if (keep && (csvout_flush(&f->out) < 0 || fsync(f->fd) < 0)) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", f->path);
		keep = 0;
		rc = -1;
	}
	if (close(f->fd) < 0 && keep) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", f->path);
		keep = 0;
		rc = -1;
	}
	if (keep && rename(f->tmp, f->path) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", f->path);
		rc = -1;
		keep = 0;
	}
	if (!keep)
		unlink(f->tmp);
	csvout_release(&f->out);
	free(f->tmp);
	f->tmp = NULL;
	return rc;
}
