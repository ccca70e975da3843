/* ISC license. */
/* qwatch.h: the messages of a spool a daemon owns, as qrun and wpool
 * see them.
 *
 * A qwatch knows the names in SPOOL/new.  qwatch_open() puts an inotify
 * watch on the directory (IN_MOVED_TO for rename(2), IN_CREATE for
 * link(2), IN_CLOSE_WRITE for a file written in place; see qrun.h);
 * qwatch_events() reads what it saw when qwatch_fd() is readable;
 * qwatch_scan() reads the whole directory, due every `rescan` seconds as
 * a backstop (and at once after an inotify overflow), and forgets the
 * entries whose file has gone, except running ones.  Without inotify
 * (ENOSYS, limits) the rescan alone still works.
 *
 * Each message is one entry of a qtab (qtab.h): a new name is ready;
 * the daemon moves an entry to running while a child works on it, and
 * after a temporary failure qwatch_retry() puts it on the waiting list
 * until qrun_backoff() of its age says; qwatch_due() moves the entries
 * whose time has come back to ready.  Retry state is in memory only.
 *
 * Times are CLOCK_MONOTONIC milliseconds from qwatch_now(), except the
 * message's birth, which comes from its queue id (wall clock) and only
 * feeds qrun_backoff(). */
#ifndef MW_QWATCH_H
#define MW_QWATCH_H

#include "qtab.h"
#include "sa.h"

#define QWATCH_NEVER	(~0ULL)

struct qwatch {
	struct qtab		 t;
	int			 ifd;		/* inotify, or -1 */
	unsigned int		 gen;		/* rescans so far */
	unsigned int		 rescan;	/* seconds, >= 1 */
	unsigned int		 retrybase;	/* seconds */
	unsigned int		 retrymax;	/* seconds */
	unsigned long long	 nextscan;	/* ms: the next full rescan */
	struct sa		 newdir;	/* SPOOL/new, NUL-terminated */
};

/* Watch spool/new (no scan yet: nextscan is 0).  0, or -1 with errno
 * and nothing left to close.  rescan 0 means 60. */
int	qwatch_open(struct qwatch *, const char *, unsigned int,
	    unsigned int, unsigned int);
void	qwatch_close(struct qwatch *);
/* The inotify descriptor to poll for reading, or -1. */
int	qwatch_fd(const struct qwatch *);
void	qwatch_events(struct qwatch *);
/* A full rescan at now; 0, or -1 with errno (the directory). */
int	qwatch_scan(struct qwatch *, unsigned long long);
/* e to the waiting list, for a retry after qrun_backoff(). */
void	qwatch_retry(struct qwatch *, struct qent *, unsigned long long);
/* Waiting entries due at now back to ready. */
void	qwatch_due(struct qwatch *, unsigned long long);
/* The earliest of the next rescan and the next retry. */
unsigned long long qwatch_next(const struct qwatch *);

unsigned long long qwatch_now(void);
/* The step every loop takes first: SIGTERM or SIGINT sets *stopping; a
 * rescan when due, whose failure sets *err and *stopping (drain, then
 * fail).  1 if SIGHUP was seen (selfpipe.h), else 0. */
int	qwatch_step(struct qwatch *, unsigned long long, int *, int *);
/* A poll() timeout in ms until due (QWATCH_NEVER: -1), capped at 1 h. */
int	qwatch_ms(unsigned long long, unsigned long long);

#endif
