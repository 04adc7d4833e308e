/* pipe2, F_SETPIPE_SZ. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "base/digest.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "publish/datafile.h"
#include "base/banned.h"

/* gzip_write()'s emit: the .gz file and its hash. */
static int
gz_emit(void *ctx, const void *p, size_t n)
{
	struct datafile *s = ctx;

	if (fd_write_full(s->gzfd, p, n) < 0)
		return -1;
	digest_update(&s->gzd, p, n);
	s->gzbytes += n;
	return 0;
}

static void *
datafile_main(void *arg)
{
	struct datafile *s = arg;
	char in[1 << 16];
	ssize_t n;

	for (;;) {
		n = read(s->rfd, in, sizeof(in));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			s->errnum = errno;
			break;
		}
		if (n == 0)
			break;
		/* After a failure, the pipe is drained so the writer ends. */
		if (s->errnum)
			continue;
		if (fd_write_full(s->fd, in, (size_t)n) < 0)
			s->errnum = errno;
		digest_update(&s->d, in, (size_t)n);
		s->bytes += (unsigned long long)n;
		if (s->gzfd >= 0 && s->errnum == 0 &&
		    gzip_write(s->gz, in, (size_t)n, 0, gz_emit, s) < 0)
			s->errnum = errno;
	}
	if (s->gzfd >= 0 && s->errnum == 0 &&
	    gzip_write(s->gz, NULL, 0, 1, gz_emit, s) < 0)
		s->errnum = errno;
	if (s->errnum == 0 && (fsync(s->fd) < 0 ||
	    (s->gzfd >= 0 && fsync(s->gzfd) < 0)))
		s->errnum = errno;
	if (digest_hex(&s->d, s->sha) < 0 || (s->gzfd >= 0 &&
	    digest_hex(&s->gzd, s->gzsha) < 0))
		s->errnum = s->errnum ? s->errnum : ENOMEM;
	return NULL;
}

int
datafile_start(struct datafile *s, const char *csv, const char *gz, int *wfd,
    struct muni_err *e)
{
	int p[2];

	memset(s, 0, sizeof(*s));
	s->rfd = s->fd = s->gzfd = -1;
	if (digest_init(&s->d) < 0 || digest_init(&s->gzd) < 0) {
		err_set(e, MUNI_EXIT_IO, "cannot start SHA-256");
		return -1;
	}
	s->fd = open(csv, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (s->fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot create '%s'", csv);
		return -1;
	}
	if (gz) {
		s->gzfd = open(gz, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0644);
		if (s->gzfd < 0) {
			err_sys(e, MUNI_EXIT_IO, errno, "cannot create '%s'",
			    gz);
			return -1;
		}
		if ((s->gz = gzip_new()) == NULL) {
			err_set(e, MUNI_EXIT_IO, "cannot start zlib");
			return -1;
		}
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot make a pipe");
		return -1;
	}
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	s->rfd = p[0];
	if (pthread_create(&s->thread, NULL, datafile_main, s) != 0) {
		close(p[0]);
		close(p[1]);
		s->rfd = -1;
		err_set(e, MUNI_EXIT_IO, "cannot start a thread");
		return -1;
	}
	*wfd = p[1];
	return 0;
}

int
datafile_finish(struct datafile *s, int wfd, const char *csv, struct muni_err *e)
{
	int rc = 0;

	if (wfd >= 0) {
		close(wfd);
		pthread_join(s->thread, NULL);
		if (s->errnum) {
			err_sys(e, MUNI_EXIT_IO, s->errnum, "cannot write '%s'",
			    csv);
			rc = -1;
		}
	}
	if (s->rfd >= 0)
		close(s->rfd);
	if (s->fd >= 0 && close(s->fd) < 0 && rc == 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s'", csv);
		rc = -1;
	}
	if (s->gzfd >= 0 && close(s->gzfd) < 0 && rc == 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot write '%s.gz'", csv);
		rc = -1;
	}
	gzip_free(s->gz);
	digest_release(&s->d);
	digest_release(&s->gzd);
	return rc;
}
