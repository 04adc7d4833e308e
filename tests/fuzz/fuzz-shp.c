/*
 * libFuzzer target for the shapefile reader: the input's first 4 bytes
 * give the length of the .shp, the rest is the .shp then the .shx (and a
 * .prj when a '\n' separates it at the end); written to a temporary
 * folder (shapelib opens files), every shape is read in every form, with
 * and without reprojection.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/shp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n == 0) {
		unlink(path);
		return 0;
	}
	f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	fwrite(p, 1, n, f);
	return fclose(f);
}

static char dir[64];

/* The temporary folder goes at exit. */
static void
clean(void)
{
	static const char *const names[] = { "f.shp", "f.shx", "f.prj" };
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[4200];
	const uint8_t *prj;
	struct shp_options o;
	struct muni_err e;
	struct shp *s;
	struct buf out;
	size_t nshp, nshx, nprj = 0, off[3];
	unsigned long long i;
	int form, wgs;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/fuzz-shp.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		atexit(clean);
	}
	if (size < 4)
		return 0;
	nshp = (size_t)data[0] << 8 | data[1];
	if (nshp > size - 4)
		nshp = size - 4;
	nshx = size - 4 - nshp;
	prj = memchr(data + 4 + nshp, '\n', nshx);
	if (prj) {
		nprj = (size_t)(data + size - prj - 1);
		nshx = (size_t)(prj - data) - 4 - nshp;
	}
	if (put(dir, "f.shp", data + 4, nshp) < 0 ||
	    put(dir, "f.shx", data + 4 + nshp, nshx) < 0 ||
	    put(dir, "f.prj", prj ? prj + 1 : NULL, nprj) < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/f.shp", dir);
	buf_init(&out, 1 << 16);
	for (form = 0; form < 3; form++)
		for (wgs = 0; wgs < 2; wgs++) {
			memset(&o, 0, sizeof(o));
			o.form = (enum shp_form)form;
			o.to_wgs84 = wgs;
			o.crs = wgs && data[2] & 1 ? "EPSG:2154" : NULL;
			err_clear(&e);
			s = shp_open(path, "fuzz", &o, &e);
			for (i = 0; s && i < shp_count(s) && i < 64; i++) {
				buf_reset(&out);
				shp_shape(s, i, i + 2, &out, off, &e);
			}
			shp_free(s);
		}
	buf_release(&out);
	return 0;
}
