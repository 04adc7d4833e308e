/*
 * zip: read the entries of a ZIP archive (the container of XLSX and ODS
 * files, and of zipped CSV), as untrusted input.
 *
 * The central directory is the authority: entry sizes, offsets and CRCs
 * come from it (ZIP64 records included), the local headers only give where
 * the data starts. Stored and deflated entries are read; encrypted entries
 * and other methods are refused. Entry names are compared, never used as
 * paths.
 *
 * Limits, each an error naming the entry (a zip bomb is refused before a
 * byte is inflated, and an entry that inflates to more than it declared
 * is stopped there):
 *   - ZIP_MAX_ENTRIES entries;
 *   - ZIP_MAX_ENTRY bytes once inflated, for one entry;
 *   - ZIP_MAX_TOTAL bytes once inflated, for all entries together;
 *   - a compression ratio of ZIP_MAX_RATIO for entries over 1 MiB.
 *
 * The archive is read with pread() from a descriptor that must be a
 * regular file (a pipe is copied to a temporary file first, by fetch_run).
 */
#ifndef MUNI_ZIP_H
#define MUNI_ZIP_H

#include <stddef.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/err.h"

#define ZIP_MAX_ENTRIES 65536
#define ZIP_MAX_ENTRY ((unsigned long long)2 << 30)
#define ZIP_MAX_TOTAL ((unsigned long long)8 << 30)
#define ZIP_MAX_RATIO 500

struct zip;
struct zip_stream;

/* Whether p starts like a ZIP archive (a local header or an empty one). */
int zip_is(const unsigned char *p, size_t n);
/*
 * Read the central directory of the archive open on fd; file names it.
 * max_total (0: ZIP_MAX_TOTAL) caps what all entries inflate to.
 */
struct zip *zip_open(int fd, const char *file, unsigned long long max_total,
    struct muni_err *e);
void zip_free(struct zip *z);

size_t zip_count(const struct zip *z);
const char *zip_name(const struct zip *z, size_t i);
unsigned long long zip_size(const struct zip *z, size_t i);
/* The entry of that name (ASCII case ignored, a leading '/' too), or -1. */
long zip_find(const struct zip *z, const char *name);

/* Read one entry as a stream of inflated bytes; its CRC is checked. */
struct zip_stream *zip_stream_open(struct zip *z, size_t i,
    struct muni_err *e);
/* Up to n bytes; 0 at the end of the entry; -1 on error. */
ssize_t zip_stream_read(struct zip_stream *s, void *p, size_t n,
    struct muni_err *e);
void zip_stream_close(struct zip_stream *s);
/* A whole entry appended to out (bounded by out->max). */
int zip_read_all(struct zip *z, size_t i, struct buf *out,
    struct muni_err *e);

#endif
