/* mappoints.c: see mappoints.h. */
#include <stdlib.h>
#include <string.h>

#include "publish/mappoints.h"
#include "base/banned.h"

void
mappoints_init(struct mappoints *m)
{
	memset(m, 0, sizeof(*m));
	m->rng = 0x2545f4914f6cdd1dULL;
	buf_init(&m->header, (size_t)1 << 20);
}

void
mappoints_release(struct mappoints *m)
{
	free(m->p);
	m->p = NULL;
	buf_release(&m->header);
}

/* The cells of rec, each ended by '\037', within max bytes (cut in UTF-8). */
static size_t
cells(char *out, size_t max, const struct record *rec)
{
	size_t i, k = 0, n;

	for (i = 0; i < rec->nfields; i++) {
		n = rec->fields[i].len;
		if (k + n + 1 > max) {
			n = max - k - 1;
			while (n > 0 && ((unsigned char)rec->fields[i].ptr[n] &
			    0xc0) == 0x80)
				n--;
		}
		memcpy(out + k, rec->fields[i].ptr, n);
		/* The separator cannot be in a cell shown. */
		for (; n > 0; n--, k++)
			if (out[k] == '\037')
				out[k] = ' ';
		out[k++] = '\037';
		if (k + 1 >= max)
			break;
	}
	return k;
}

int
mappoints_header(struct mappoints *m, const struct record *rec)
{
	char text[MAP_ROW_MAX * 4];
	size_t n = cells(text, sizeof(text), rec);

	buf_reset(&m->header);
	return buf_add(&m->header, text, n);
}

int
mappoints_in_france(double lon, double lat)
{
	/* west, south, east, north: metropolitan France and Corsica, then
	 * the overseas departments and collectivities. */
	static const double box[][4] = {
		{ -5.3, 41.3, 9.7, 51.2 },	/* métropole, Corse */
		{ -61.9, 15.8, -60.9, 16.6 },	/* Guadeloupe */
		{ -61.3, 14.3, -60.8, 14.9 },	/* Martinique */
		{ -54.7, 2.1, -51.5, 5.8 },	/* Guyane */
		{ 55.2, -21.4, 55.9, -20.8 },	/* La Réunion */
		{ 44.9, -13.1, 45.4, -12.6 },	/* Mayotte */
		{ -56.5, 46.7, -56.1, 47.2 },	/* Saint-Pierre-et-Miquelon */
		{ -63.2, 17.8, -62.7, 18.2 },	/* Saint-Martin, Saint-Barthélemy */
		{ -178.3, -14.4, -176.1, -13.1 },	/* Wallis-et-Futuna */
		{ -154.8, -27.7, -134.9, -7.8 },	/* Polynésie française */
		{ 163.5, -22.8, 168.2, -19.5 },	/* Nouvelle-Calédonie */
		{ 39.0, -50.0, 78.0, -10.0 },	/* TAAF, îles Éparses */
	};
	size_t i;

	for (i = 0; i < sizeof(box) / sizeof(box[0]); i++)
		if (lon >= box[i][0] && lon <= box[i][2] && lat >= box[i][1] &&
		    lat <= box[i][3])
			return 1;
	return 0;
}

int
mappoints_add(struct mappoints *m, double lon, double lat,
    unsigned long long row, const struct record *rec)
{
	struct map_point *p;
	size_t at;

	m->seen++;
	if (!mappoints_in_france(lon, lat))
		m->outside++;
	if (m->p == NULL && (m->p = malloc(MAP_POINTS * sizeof(*m->p))) ==
	    NULL)
		return -1;
	if (m->n < MAP_POINTS)
		at = m->n++;
	else {
		/* Reservoir: the k-th point stays with chance MAP_POINTS / k. */
		uint64_t j;

		m->rng ^= m->rng << 13;
		m->rng ^= m->rng >> 7;
		m->rng ^= m->rng << 17;
		j = m->rng % m->seen;
		if (j >= MAP_POINTS)
			return 0;
		at = (size_t)j;
	}
	p = &m->p[at];
	p->lon = lon;
	p->lat = lat;
	p->row = row;
	p->outside = !mappoints_in_france(lon, lat);
	p->len = cells(p->text, sizeof(p->text), rec);
	return 0;
}
