/* leaflet.c: see leaflet.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/fdio.h"
#include "publish/folder.h"
#include "publish/leaflet.h"
#include "base/banned.h"

#ifndef LEAFLETDIR
#define LEAFLETDIR "/usr/share/javascript/leaflet"
#endif

/* Leaflet 1.x is 150 KiB minified; anything far larger is not it. */
#define LEAFLET_MAX ((size_t)4 << 20)
/* Its copyright notice, the first comment of the unminified file. */
#define NOTICE_MAX 2048

/* Read dir/file whole into out: 1, 0 when it does not exist, -1 with e. */
static int
slurp(const char *dir, const char *file, struct buf *out,
    struct muni_err *e)
{
	char path[FOLDER_PATH_MAX];
	int fd, rc;

	if (folder_path(path, e, "%s/%s", dir, file) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return 0;
	if (fd < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", path);
		return -1;
	}
	rc = fd_read_all(fd, out);
	close(fd);
	if (rc < 0) {
		err_sys(e, MUNI_EXIT_IO, errno, "cannot read '%s'", path);
		return -1;
	}
	if (out->len == 0) {
		err_set(e, MUNI_EXIT_IO, "'%s' is empty", path);
		return -1;
	}
	return 1;
}

/* Drop the last line when it is a source map's link (mark...). */
static void
drop_source_map(struct buf *b, const char *mark)
{
	size_t n = strlen(mark), last = b->len;

	if (last > 0 && b->ptr[last - 1] == '\n')
		last--;
	while (last > 0 && b->ptr[last - 1] != '\n')
		last--;
	if (b->len - last >= n && memcmp(b->ptr + last, mark, n) == 0) {
		b->len = last;
		b->ptr[last] = '\0';
	}
}

int
leaflet_copy(const char *dir, struct muni_err *e)
{
	const char *from = getenv("MUNI_LEAFLET_DIR");
	struct buf js, css, full, tmp;
	char path[FOLDER_PATH_MAX];
	const char *end;
	int got, rc = -1;

	if (from == NULL || *from == '\0')
		from = LEAFLETDIR;
	buf_init(&js, LEAFLET_MAX);
	buf_init(&css, LEAFLET_MAX);
	buf_init(&full, LEAFLET_MAX);
	got = slurp(from, "leaflet.min.js", &js, e);
	if (got == 0)
		got = slurp(from, "leaflet.js", &js, e);
	if (got > 0)
		got = slurp(from, "leaflet.css", &css, e);
	if (got <= 0) {
		rc = got;
		goto done;
	}
	/*
	 * The minified file may have lost the notice its licence (BSD) asks
	 * to keep: take it from the unminified one.
	 */
	if (strncmp(js.ptr, "/*", 2) != 0) {
		got = slurp(from, "leaflet.js", &full, e);
		if (got < 0)
			goto done;
		end = got ? strstr(full.ptr, "*/") : NULL;
		if (end && strncmp(full.ptr, "/*", 2) == 0 &&
		    end - full.ptr < NOTICE_MAX) {
			full.len = (size_t)(end - full.ptr) + 2;
			if (buf_addstr(&full, "\n") < 0 ||
			    buf_add(&full, js.ptr, js.len) < 0) {
				err_nomem(e);
				goto done;
			}
			tmp = js;
			js = full;
			full = tmp;
		}
	}
	drop_source_map(&js, "//# sourceMappingURL=");
	drop_source_map(&css, "/*# sourceMappingURL=");
	if (folder_path(path, e, "%s/" LEAFLET_JS, dir) < 0 ||
	    folder_write(path, js.ptr, js.len, e) < 0 ||
	    folder_path(path, e, "%s/" LEAFLET_CSS, dir) < 0 ||
	    folder_write(path, css.ptr, css.len, e) < 0)
		goto done;
	rc = 1;
done:
	buf_release(&js);
	buf_release(&css);
	buf_release(&full);
	return rc;
}
