/*
 * fdio: whole reads and writes on a file descriptor, retried on EINTR and
 * on short counts, so no module writes that loop again.
 */
#ifndef MUNI_FDIO_H
#define MUNI_FDIO_H

#include <stddef.h>
#include <sys/types.h>

struct buf;
struct muni_err;

/* Read up to n bytes, as many as come before end of file; -1 on error. */
ssize_t fd_read_full(int fd, void *p, size_t n);
/*
 * Append everything left on fd to out; -1 with errno on error, EFBIG when
 * it holds more than out->max.
 */
int fd_read_all(int fd, struct buf *out);
/*
 * Create and open a temporary file named after the tool, in TMPDIR (else
 * /tmp); its name goes to path. -1 with errno (path empty) on error, and
 * e set when not NULL.
 */
int fd_temp(const char *tool, char path[4096], struct muni_err *e);
/*
 * Open a file that holds a secret (a key) for reading: a regular file that
 * only its owner may read, not reached through a symbolic link; a FIFO or
 * a device is refused without blocking. kind names it in messages ("the
 * key file"). The descriptor, or -1 with e (status 2; 3 when the file
 * cannot be opened for another reason).
 */
int fd_open_secret(const char *path, const char *kind, struct muni_err *e);

/* Write all n bytes; -1 with errno on error. */
int fd_write_full(int fd, const void *p, size_t n);
/*
 * An input to read: path opened read-only, or standard input for "-";
 * -1 with errno, and with "cannot open 'path'" (status MUNI_EXIT_IO) in e
 * unless e is NULL.
 */
int fd_open_input(const char *path, struct muni_err *e);

#endif
