/* ISC license. */
/* ratelim.h: at most N events per key in a window of W seconds, kept in
 * files so that separate processes share the count (notify runs once
 * per message).
 *
 * ratelim_take(dir, key, n, w, now) counts one event for key: the file
 * DIR/HASH (a 64-bit FNV-1a of the key, in hex; the key itself is not
 * stored) holds "START COUNT\n", locked with flock(2) while it is read
 * and rewritten in place.  A window older than w seconds starts again.
 * 1: the event is within the limit (counted); 0: over it; -1 with errno
 * (the directory, a lock): the caller decides, and for notices errs
 * towards sending.  A malformed file starts a new window.  Keys that
 * share a hash share a count (harmless: a notice less). */
#ifndef MW_RATELIM_H
#define MW_RATELIM_H

#include <stddef.h>

int	ratelim_take(const char *, const char *, unsigned long,
	    unsigned long, unsigned long long);

#endif
