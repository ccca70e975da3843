/* ISC license. */
/* rmtree.h: remove a directory tree (a scan worker's temporary files).
 *
 * rmtree() removes dir and everything below it, without following
 * symbolic links; depth is capped at RMTREE_MAXDEPTH.  0, or -1 with
 * errno from the first failure (the rest is still attempted).  A dir
 * that does not exist is success. */
#ifndef MW_RMTREE_H
#define MW_RMTREE_H

#define RMTREE_MAXDEPTH	64

int	rmtree(const char *);

#endif
