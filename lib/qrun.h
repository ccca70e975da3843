/* ISC license. */
/* qrun.h: the loop of a daemon that owns one spool (spool-run, relay, ...).
 *
 * qrun_loop() watches SPOOL/new with inotify (plus a full rescan every
 * `rescan` seconds as a backstop), and for each message not already
 * running and not waiting for a retry calls start(), which forks the
 * child and returns its pid.  It reaps children, kills one that runs past
 * `timeout` seconds (SIGKILL; seen by done() as a signal), and calls
 * done() with the wait status.  done() returns QRUN_FORGET when the
 * message left the spool, or QRUN_RETRY to try it again after
 * qrun_backoff().  Retry state is kept in memory only and derived from
 * the arrival time in the queue id, so a restart loses nothing but an
 * early retry.  SIGTERM/SIGINT stop new starts; the loop returns once
 * every child has been reaped.  SIGHUP sets `hup` for the caller.
 *
 * A message is noticed at once whether it enters new/ by rename(2)
 * (IN_MOVED_TO, what spool.h does) or by link(2) from tmp/ (IN_CREATE,
 * maildir style).  A file created in place is noticed at its creation
 * (IN_CREATE) and again when its writer closes it (IN_CLOSE_WRITE): it
 * may be started while still being written, as a rescan might also
 * find it, which is why mailward-spool(5) allows only rename and link.
 *
 * The loop installs its own signal handlers (SIGCHLD, SIGTERM, SIGINT,
 * SIGHUP, SIGALRM) through selfpipe.h: one qrun per process. */
#ifndef MW_QRUN_H
#define MW_QRUN_H

#include <sys/types.h>
#include "spool.h"

enum qrun_next { QRUN_FORGET, QRUN_RETRY };

struct qrun;
/* >0 a child's pid; 0 not now (try again after another child ends);
 * -1 could not start (errno set): retried after the backoff. */
typedef pid_t	(*qrun_start_fn)(struct qrun *, const char *, void *);
typedef enum qrun_next (*qrun_done_fn)(struct qrun *, const char *, int,
		    void *);

struct qrun {
	/* set by the caller before qrun_loop() */
	const char	*spool;		/* queue/NAME (its new/ is watched) */
	unsigned int	 concurrency;	/* children at once, >= 1 */
	unsigned int	 timeout;	/* seconds per child, 0 = none */
	unsigned int	 rescan;	/* seconds between full rescans */
	unsigned int	 retrybase;	/* seconds: first retry delay */
	unsigned int	 retrymax;	/* seconds: longest retry delay */
	qrun_start_fn	 start;
	qrun_done_fn	 done;
	void		*ctx;
	/* read-only for the caller */
	unsigned int	 running;
	volatile int	 hup;		/* SIGHUP seen; the caller clears it */
	/* private */
	void		*priv;
};

/* 0 after SIGTERM and the last child; -1 on a fatal error (errno). */
int	qrun_loop(struct qrun *);
/* Seconds to wait before the next try of a message born at `birth` that
 * failed at `now`: grows with the message's age (qmail's quadratic
 * schedule), at least base, at most max. */
unsigned long	qrun_backoff(unsigned long long, unsigned long long,
		    unsigned int, unsigned int);

#endif
