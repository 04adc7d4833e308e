/*
 * mappoints: the points of a table (extent finds them) kept for the map of
 * its landing page, each with its row: all of them up to MAP_POINTS, beyond
 * that a uniform sample of that many (reservoir, a fixed seed), so that
 * memory stays bounded (MAP_POINTS rows of MAP_ROW_MAX bytes at most).
 * Points outside France (its metropolitan and overseas territories, by
 * their bounding boxes) are counted and marked: a swapped pair or a wrong
 * CRS far more often than a real place.
 */
#ifndef MUNI_MAPPOINTS_H
#define MUNI_MAPPOINTS_H

#include <stdint.h>

#include "base/buf.h"
#include "csv/csvin.h"

#define MAP_POINTS 2000
/* The bytes of a row kept to be shown with its point. */
#define MAP_ROW_MAX 512

struct map_point {
	double lon, lat;
	unsigned long long row;		/* its row, from 1 */
	int outside;			/* outside France */
	char text[MAP_ROW_MAX];		/* its cells, each ended by '\037' */
	size_t len;
};

struct mappoints {
	struct map_point *p;		/* MAP_POINTS, allocated on the first */
	size_t n;
	unsigned long long seen, outside;
	uint64_t rng;
	struct buf header;		/* the column names, each ended by '\037' */
};

void mappoints_init(struct mappoints *m);
void mappoints_release(struct mappoints *m);
int mappoints_header(struct mappoints *m, const struct record *rec);
/* The point of data row row (from 1): 0, or -1 when out of memory. */
int mappoints_add(struct mappoints *m, double lon, double lat,
    unsigned long long row, const struct record *rec);
/* Whether (lon, lat) is in one of France's territories. */
int mappoints_in_france(double lon, double lat);

#endif
