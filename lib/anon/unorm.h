/*
 * unorm: text in Unicode's NFKC through ICU, with every byte of the result
 * mapped back to the bytes of the input it came from, so that what a
 * detector finds in the normalised text (fullwidth digits and @ folded,
 * no-break and thin spaces as spaces, ligatures split, decomposed accents
 * composed) is cut out of the original exactly.
 *
 * The text is taken segment by segment between NFKC's boundaries, and
 * characters NFKC leaves alone (ICU's "inert" ones: almost all French text)
 * are copied without asking it.
 */
#ifndef MUNI_UNORM_H
#define MUNI_UNORM_H

#include <stddef.h>

#include "base/buf.h"

struct unorm {
	struct buf out;		/* the normalised text */
	size_t *from, *to;	/* per byte of out: its input's [from, to) */
	size_t cap;
};

void unorm_init(struct unorm *u);
void unorm_release(struct unorm *u);
/*
 * Normalise p[0..n): 1 with the result in u, 0 when NFKC changes nothing
 * (u is then not filled: use p), -1 when memory or ICU fails.
 */
int unorm_nfkc(struct unorm *u, const char *p, size_t n);

#endif
