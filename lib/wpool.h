/* ISC license. */
/* wpool.h: pre-forked workers over one spool (scan-stage-clamav's
 * daemon mode).
 *
 * wpool_loop() owns SPOOL/new as qrun does (qwatch.h: inotify, a rescan
 * every `rescan` s, retries after qrun_backoff(), in memory only), but
 * loads a costly state once (the ClamAV engine) and keeps `workers`
 * processes forked from it, sharing it copy-on-write, each taking up to
 * `permessages` messages (0: no limit; 1: fork per message) before it
 * is replaced.  The parent sends a worker a queue id over a
 * SOCK_SEQPACKET socketpair and gets an int back; it never reads
 * message data.  Callbacks (each gets ctx; "May be NULL" where said):
 *
 * load(ctx, err)	parent, at start and per reload: the state, or NULL
 *			with the reason in err.
 * unload(ctx, st)	parent, once per state, once no worker uses it.
 * worker_init(ctx, st, no)  new worker, no in 0..workers-1, reused by
 *			its replacement, which never runs beside it (a
 *			private temp dir).  -1: the worker exits, no message
 *			lost, a replacement 1 s later.  May be NULL.
 * work(ctx, st, id)	worker, one message: 0, 100, 111 or a route
 *			code (negative: 111).  It must return: a worker that
 *			exits or dies in it has crashed.
 * worker_exit(ctx, st, no)  a retired worker, before _exit(0).  May be
 *			NULL.  Workers never free the state (that would
 *			copy every shared page).
 * worker_reaped(ctx, no)  parent, after reaping worker no, however it
 *			ended (remove its temp dir).  May be NULL.
 * done(ctx, id, result, tries)  parent, with work()'s result or
 *			WPOOL_CRASHED, and the times the message was given
 *			a worker (this one included; since the daemon
 *			started: retry state is in memory): the caller
 *			moves the message and returns QRUN_FORGET, or
 *			QRUN_RETRY (after qrun_backoff()).
 * crashed(ctx, id, n, why)  parent: the message's worker died before
 *			it answered ("signal 11", "exit 3", or "timeout":
 *			SIGKILL after `timeout` s), n crashes so far.  Under
 *			maxcrash the message is retried after qrun_backoff()
 *			in a fresh worker; at maxcrash done() gets
 *			WPOOL_CRASHED (quarantine).  May be NULL.
 * log(ctx, level, line)  parent, for mwlog(level, "%s", line), values
 *			escaped: info "reload gen=G"; warning
 *			"reload-failed gen=G reason=R" (G, the old state,
 *			stays), "fork-failed worker=N error=E",
 *			"worker-died worker=N pid=P why=W" (idle or
 *			starting: no message lost).  May be NULL.
 * poke(ctx)		parent, when pokefd is readable (an inotify on the
 *			database): drain it; 1 asks for a reload, made
 *			`settle` ms after the last such poke (an update
 *			that writes several files costs one reload).  May
 *			be NULL (pokefd is then unused).
 *
 * Reload (SIGHUP or poke): load() a new state beside the old; on
 * failure keep the old.  Else idle old workers are retired, busy ones
 * once they answer, new ones forked from the new state, and unload(old)
 * follows the last old worker's reaping: no message lost or failed.  A
 * reload asked for while an old state is in use waits: two states at
 * most.  SIGTERM, SIGINT: no more dispatch; busy workers finish (or
 * meet the timeout), all are reaped, every state unloaded.
 *
 * Signals (SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGALRM) go through
 * selfpipe.h: one wpool, and no qrun, per process.  The loop reaps every
 * child, the caller's too.  A worker ignores SIGHUP and SIGINT (a
 * group's signal is the parent's to act on) and inherits the caller's
 * descriptors, not the loop's. */
#ifndef MW_WPOOL_H
#define MW_WPOOL_H

#include "mwlog.h"
#include "qrun.h"
#include "sa.h"

#define WPOOL_CRASHED		(-1)	/* done()'s result after maxcrash */
#define WPOOL_MAXWORKERS	256

struct wpool {
	/* set by the caller before wpool_loop() */
	const char	*spool;		/* queue/NAME (its new/ is watched) */
	unsigned int	 workers;	/* 1..WPOOL_MAXWORKERS */
	unsigned int	 permessages;	/* per worker, 0: no limit */
	unsigned int	 maxcrash;	/* crashes before WPOOL_CRASHED, >= 1 */
	unsigned int	 timeout;	/* seconds per message, 0: none */
	unsigned int	 rescan;	/* seconds between full rescans */
	unsigned int	 retrybase;	/* seconds: first retry delay */
	unsigned int	 retrymax;	/* seconds: longest retry delay */
	int		 pokefd;
	unsigned int	 settle;	/* ms from the last poke to reload */
	void		*(*load)(void *, struct sa *);
	void		 (*unload)(void *, void *);
	int		 (*worker_init)(void *, void *, unsigned int);
	int		 (*work)(void *, void *, const char *);
	void		 (*worker_exit)(void *, void *, unsigned int);
	void		 (*worker_reaped)(void *, unsigned int);
	enum qrun_next	 (*done)(void *, const char *, int, unsigned int);
	void		 (*crashed)(void *, const char *, unsigned int,
			    const char *);
	void		 (*log)(void *, enum mwlog_level, const char *);
	int		 (*poke)(void *);
	void		*ctx;
	/* read-only for the caller */
	unsigned int	 gen;		/* the state in use: 1, +1 per reload */
	unsigned int	 busy;		/* workers with a message */
	unsigned long	 forks;		/* workers forked so far */
	unsigned long	 reloads;
	unsigned long	 reloadfails;
	/* private */
	void		*priv;
};

/* 0 after SIGTERM and the last worker; -1 with errno (0 if load()
 * failed) and the reason in err: the spool cannot be read, the first
 * load() failed, bad settings (EINVAL), or out of memory. */
int	wpool_loop(struct wpool *, struct sa *);

#endif
