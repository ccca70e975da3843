/* ISC license. */
/* wslot.h: wpool's worker slots (internal to wpool.c and wslot.c).
 *
 * Each worker is a slot, numbered 0..workers-1: free (to fork, not
 * before notbefore), starting (until worker_init() is done and the
 * worker says so: a worker that fails to start costs no message), idle,
 * busy (with one message, a running entry of the qwatch) or retiring
 * (its socket closed, to be reaped).  A slot is free again only once
 * its worker has been reaped, so a replacement never runs beside the
 * worker it replaces.  A state (cur, and after a reload old) counts the
 * unreaped workers forked from it.
 *
 * wslot_fork() forks a worker from cur into a free slot (on failure it
 * logs and the slot waits WSLOT_RESPAWN).  wslot_answer() takes a busy
 * worker's result to done() and retires the worker after permessages,
 * after a reload or when stopping.  wslot_reap() reaps: a busy worker
 * that ended without an answer crashed (crashed(), then a retry or
 * done(WPOOL_CRASHED)); an idle or starting one is logged and its slot
 * waits WSLOT_RESPAWN; then worker_reaped(), and unload() of an old
 * state nobody uses any more (wslot_unused()). */
#ifndef MW_WSLOT_H
#define MW_WSLOT_H

#include <sys/types.h>
#include <poll.h>

#include "mwlog.h"
#include "qtab.h"
#include "qwatch.h"
#include "sa.h"
#include "sysdeps.h"
#include "wpool.h"

#define WPOOL_NFIXED	3		/* pfd: selfpipe, inotify, poke */

enum wslot_state { WS_FREE, WS_STARTING, WS_IDLE, WS_BUSY, WS_RETIRING };

struct worker {
	enum wslot_state	 st;
	pid_t			 pid;
	int			 fd;		/* the parent's end, or -1 */
	int			 eof;		/* the socket ended */
	int			 killed;	/* by the timeout */
	unsigned int		 gen;		/* of its state */
	unsigned int		 nmsg;		/* messages answered */
	struct qent		*e;		/* busy: its message */
	unsigned long long	 since;		/* in this state since */
	unsigned long long	 notbefore;	/* free: the next fork */
};

struct wstate {
	void		*st;
	unsigned int	 gen;
	unsigned int	 users;		/* workers forked from it, unreaped */
};

struct wpriv {
	struct qwatch	 w;
	struct worker	*wk;		/* the slots */
	struct pollfd	*pfd;		/* WPOOL_NFIXED + workers */
	struct worker	**pwk;		/* pfd[i] is pwk[i]'s socket */
	struct wstate	 cur, old;
	struct sa	 line;		/* load() errors */
	int		 sfd;		/* the selfpipe */
	int		 stopping;
	int		 reload;	/* asked for */
	unsigned long long reloadat;	/* a poke's, once settled; 0 none */
	int		 err;		/* errno that ends the loop */
};

/* log(), if the caller gave one: a line of at most MWLOG_MAX bytes */
void	wslot_log(struct wpool *, enum mwlog_level, const char *, ...)
	    MW_PRINTF(3, 4);
void	wslot_fork(struct wpool *, struct worker *, unsigned long long);
void	wslot_retire(struct worker *, unsigned long long);
/* 1 and a result, 0 nothing yet, -1 the worker's end is gone. */
int	wslot_recv(struct worker *, int *);
void	wslot_answer(struct wpool *, struct worker *, int,
	    unsigned long long);
void	wslot_reap(struct wpool *, unsigned long long);
void	wslot_unused(struct wpool *);

#endif
