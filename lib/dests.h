/* ISC license. */
/* dests.h: the destinations (recipient domains) of a spooled message.
 *
 * dests_read() reads only the envelope block of the spool file at path
 * and lists its distinct recipient domains, lowercased, each followed by
 * a NUL, at most max of them.  A file whose envelope does not parse
 * gives an empty list (its reader deals with it).  A delivery daemon
 * uses the lists of the messages in flight for a per-destination
 * concurrency limit; dests_has() tells if a list holds a domain. */
#ifndef MW_DESTS_H
#define MW_DESTS_H

#include <stddef.h>
#include "sa.h"

/* 0, or -1 with errno if the file could not be read (ENOENT: gone). */
int	dests_read(const char *, struct sa *, size_t);
int	dests_has(const struct sa *, const char *);
/* The next domain of a list: NULL first, NULL after the last. */
const char *dests_next(const struct sa *, const char *);

#endif
