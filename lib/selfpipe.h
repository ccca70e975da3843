/* ISC license. */
/* selfpipe.h: signals as bytes on a pipe, for a poll() loop (qrun).
 *
 * selfpipe_open() installs a handler for each signal of the list, which
 * notes the signal and writes a byte into a non-blocking, close-on-exec
 * pipe; it returns the pipe's read end.  Poll that, selfpipe_drain() it,
 * then ask selfpipe_seen() which signals came.  selfpipe_close() puts
 * the old handlers back and closes the pipe.  A forked child that has
 * not exec'ed yet still runs the handler: there it takes the signal's
 * default action instead of writing into its parent's pipe (a SIGTERM
 * still kills it).  One selfpipe per process, at most SELFPIPE_MAX
 * signals. */
#ifndef MW_SELFPIPE_H
#define MW_SELFPIPE_H

#include <stddef.h>

#define SELFPIPE_MAX	8

/* The read end, or -1 with errno (EINVAL: too many, or already open). */
int	selfpipe_open(const int *, size_t);
void	selfpipe_drain(void);
/* 1 if the signal came since the last call for it, else 0. */
int	selfpipe_seen(int);
void	selfpipe_close(void);

#endif
