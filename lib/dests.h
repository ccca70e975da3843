/* ISC license. */
/* dests.h: the destinations (recipient domains) of a spooled message.
 *
 * dests_read() reads only the envelope block of the spool file at path
 * and lists its distinct recipient domains, lowercased, each followed by
 * a NUL, at most max of them.  A file whose envelope does not parse
 * gives an empty list (its reader deals with it).  A delivery daemon
 * uses the lists of the messages in flight for a per-destination
 * concurrency limit; dests_has() tells if a list holds a domain.
 *
 * A struct dests_tab keeps those lists, one slot per message in flight:
 * dests_slot() gives a free slot (NULL: all busy), dests_full() tells if
 * one of a list's domains already has perhost messages in flight,
 * dests_take() fills a slot (the list moves into it) and dests_drop()
 * frees the slot of a message that ended. */
#ifndef MW_DESTS_H
#define MW_DESTS_H

#include <stddef.h>
#include "sa.h"
#include "spool.h"

/* 0, or -1 with errno if the file could not be read (ENOENT: gone). */
int	dests_read(const char *, struct sa *, size_t);
int	dests_has(const struct sa *, const char *);
/* The next domain of a list: NULL first, NULL after the last. */
const char *dests_next(const struct sa *, const char *);

struct dests_slot {
	int		 used;
	char		 id[SPOOL_MAXID + 1];
	struct sa	 doms;
};

struct dests_tab {
	struct dests_slot	*s;
	size_t			 n;
	size_t			 perhost;
};

/* n slots, at most perhost per domain: 0, or -1 ENOMEM. */
int	dests_tabinit(struct dests_tab *, size_t, size_t);
struct dests_slot *dests_slot(struct dests_tab *);
int	dests_full(const struct dests_tab *, const struct sa *);
/* 0, or -1 EINVAL if the id is longer than SPOOL_MAXID. */
int	dests_take(struct dests_slot *, const char *, struct sa *);
void	dests_drop(struct dests_tab *, const char *);
void	dests_tabfree(struct dests_tab *);

#endif
