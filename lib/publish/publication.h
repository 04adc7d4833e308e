/*
 * publication: a publication folder on disk, switched by one rename.
 *
 *   ROOT/catalog.rdf, index.html, catalog.db -> .muni/current/(same name)
 *   ROOT/NAME                 -> .muni/current/NAME, a dataset's folder
 *   ROOT/.muni/lock           held by the run that changes the folder
 *   ROOT/.muni/current        -> gen-N: the one link a publication swaps
 *   ROOT/.muni/gen-N/         a generation: catalog.rdf, index.html,
 *                             catalog.db, and NAME -> ../NAME/live-STAMP
 *   ROOT/.muni/NAME/STAMP/    a version's files, immutable
 *   ROOT/.muni/NAME/STAMP.idx its rows, for the next version's changelog
 *   ROOT/.muni/NAME/live-STAMP/  hard links to STAMP's files, and
 *                             versions/S -> ../../S for the versions kept
 *
 * Everything a reader reaches from ROOT goes through .muni/current, and a
 * generation never changes once made. A run builds the next generation
 * beside the current one (a copy of catalog.db changed, the root's pages
 * rendered from it, a link per dataset), syncs it, makes the root's links
 * (a new dataset's is dangling until the switch), and switches by
 * renaming one link. A run killed, or failing (a full disk), before that
 * rename leaves the previous publication as it was, and the next run
 * removes what it left; after the rename, only what no generation refers
 * to any more is removed, where a failure leaves files for the next run
 * to remove and nothing a reader sees.
 *
 * Readers that look at several files (muni-validate) read one generation
 * under a shared flock on its folder (publication_resolve): a generation
 * so held is not removed.
 *
 * A folder published before generations (catalog.db at the root, in WAL
 * mode, and ROOT/NAME -> .muni/NAME/live-STAMP) is moved to this layout
 * by the first run that opens it; a generation whose catalog.db was lost
 * gets its history read back from the versions' descriptors.
 */
#ifndef MUNI_PUBLICATION_H
#define MUNI_PUBLICATION_H

#include "base/err.h"
#include "publish/catalog.h"
#include "publish/folder.h"

struct publication {
	char root[FOLDER_PATH_MAX];
	int lockfd;
	unsigned long gen;	/* the current generation, 0: none yet */
	unsigned long next;	/* the one being built, 0: none */
	int legacy;		/* moving an older layout: its files replaced */
	int peekfd;		/* a reader's hold on a generation, or -1 */
	/*
	 * Writes catalog.rdf and index.html into the folder dir (new, whole
	 * files, synced) from the catalogue c.
	 */
	int (*render)(void *ctx, struct catalog *c, const char *dir,
	    struct muni_err *e);
	void *render_ctx;
};

/*
 * Open ROOT for a run that may change it (create: make ROOT when it is
 * missing): its lock (wait: wait for another run), the move of an older
 * layout, and what a killed run left removed. render must be set. -2
 * when the lock cannot be had (another run holds it, or the folder may
 * only be read), with e saying which.
 */
int publication_open(struct publication *p, const char *root, int create,
    int wait, struct muni_err *e);

/*
 * For a reader that cannot or need not lock ROOT (--list on a folder it
 * may only read, or while a publication runs): the current generation's
 * catalogue, read-only, held as publication_resolve() holds it until
 * *lockfd is closed; NULL with *none set when nothing is published.
 */
struct catalog *publication_peek(const char *root, int *none, int *lockfd,
    struct muni_err *e);
void publication_close(struct publication *p);

/* The current catalogue, read-only; NULL with *none set when nothing is. */
struct catalog *publication_read(struct publication *p, int *none,
    struct muni_err *e);

/*
 * Begin the next generation: a copy of cur (NULL: an empty catalogue) in
 * its folder, returned to be changed.
 */
struct catalog *publication_begin(struct publication *p, struct catalog *cur,
    struct muni_err *e);

/*
 * ROOT/.muni/NAME/live-STAMP for version STAMP of NAME, with links to
 * the versions kept (n of them, stamps in kept[i].stamp), made whole.
 */
int publication_live(struct publication *p, const char *name,
    const char *stamp, const struct cat_version *kept, size_t n,
    struct muni_err *e);

/*
 * Finish the next generation from c (closed here, even on failure): the
 * root's pages, a link per dataset to its current version's live view
 * (made when missing), synced; the root's links; the switch; then what
 * no generation refers to is removed.
 */
int publication_switch(struct publication *p, struct catalog *c,
    struct muni_err *e);

/* Give up the next generation (after a failure or an unchanged run). */
void publication_abort(struct publication *p);

/*
 * For a reader of ROOT: the current generation's folder in out, held
 * under a shared flock until *lockfd is closed; 1 when found, 0 when ROOT
 * has no generations (another layout: read ROOT itself), -1 with errno.
 */
int publication_resolve(const char *root, char out[FOLDER_PATH_MAX],
    int *lockfd);

#endif
