/*
 * leaflet: the Leaflet library (Debian's libjs-leaflet) copied into a
 * version's folder, so that its landing page's map is interactive with
 * no file fetched from anywhere but the publication. Leaflet is looked
 * for in MUNI_LEAFLET_DIR, else in the folder configure was given
 * (--with-leaflet, /usr/share/javascript/leaflet by default); where it
 * is not installed the page keeps its SVG map alone.
 */
#ifndef MUNI_LEAFLET_H
#define MUNI_LEAFLET_H

#include "base/err.h"

/* The library's files as written into a version's folder. */
#define LEAFLET_JS "leaflet.js"
#define LEAFLET_CSS "leaflet.css"

/*
 * Write leaflet.js (the minified library under its copyright notice,
 * without its source map's link) and leaflet.css into dir: 1 when
 * written, 0 when Leaflet is not installed, -1 with e when it is and
 * cannot be read or written.
 */
int leaflet_copy(const char *dir, struct muni_err *e);

#endif
