/* ISC license. */
/* spool.h: maildir-style spools queue/NAME/{tmp,new}.
 *
 * A message enters a spool as tmp/ID, created O_EXCL, written, fsync'ed,
 * closed, renamed to new/ID, and new/ fsync'ed: only then may the writer
 * acknowledge it.  A reader takes new/ID, processes it, and only then
 * unlinks it or renames it onward (spool_move, which fsyncs the target
 * directory before returning).  See mailward-spool(5). */
#ifndef MW_SPOOL_H
#define MW_SPOOL_H

#include "bio.h"
#include "sa.h"

#define SPOOL_MAXID	64

struct spool_tx {
	int		fd;
	struct sa	tmp;	/* SPOOL/tmp/ID, NUL-terminated */
	struct sa	dst;	/* SPOOL/new/ID, NUL-terminated */
	struct sa	dir;	/* SPOOL/new, NUL-terminated */
	struct bio	out;
	char		buf[8192];
};

/* A new queue id: SECONDS.PID.HEX (unique per host). */
int	spool_newid(struct sa *);
/* Arrival time from an id, 0 if it has none. */
unsigned long long spool_idtime(const char *);
/* 1 if s (n bytes) is a safe id: [0-9A-Za-z._-], no leading dot. */
int	spool_idok(const char *, size_t);

/* Create SPOOL/tmp/ID; write through tx->out. */
int	spool_open(struct spool_tx *, const char *, const char *);
/* Flush, fsync, close, rename into new/, fsync new/.  0 or -1 errno;
 * on failure the tmp file is removed. */
int	spool_commit(struct spool_tx *);
/* Same, but rename onto an explicit path (rewriting a file in place). */
int	spool_commit_to(struct spool_tx *, const char *);
void	spool_abort(struct spool_tx *);
/* A whole new file SPOOL/new/ID = env then msg, through tmp/ as above. */
int	spool_write(const char *, const char *, const struct sa *,
	    const struct sa *);

/* rename(from, TODIR/new/ID) then fsync TODIR/new. */
int	spool_move(const char *, const char *, const char *);
int	spool_fsyncdir(const char *);
/* Read a whole file (at most max bytes; EFBIG beyond) into sa. */
int	spool_slurp(int, struct sa *, size_t);
/* Create SPOOL, SPOOL/tmp, SPOOL/new if missing (mode for each). */
int	spool_mkdirs(const char *, unsigned int);

#endif
