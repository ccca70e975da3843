/* ISC license. */
/* wpool.c: pre-forked workers over one spool; see wpool.h.
 *
 * The loop: reap workers (wslot.h), note signals, rescan, reload, fork
 * into free slots and hand ready messages to idle workers, kill those
 * past the timeout, and poll the self-pipe, inotify, the poke
 * descriptor and the sockets of workers that owe an answer.  Signals
 * only write into the self-pipe; all work happens in the loop. */
#include "sysdeps.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mwlog.h"
#include "qrun.h"
#include "qtab.h"
#include "qwatch.h"
#include "sa.h"
#include "selfpipe.h"
#include "wpool.h"
#include "wslot.h"

/* one wpool per process (see wpool.h): the selfpipe is per process */
static const int wpool_sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGALRM };
#define WPOOL_NSIG	(sizeof wpool_sigs / sizeof wpool_sigs[0])

static void
wpool_reload(struct wpool *pl, unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	void		*st;
	unsigned int	 i;
	char		 esc[400];

	if (!p->reload || p->stopping || p->old.st != NULL)
		return;
	p->reload = 0;
	p->line.len = 0;
	if ((st = pl->load(pl->ctx, &p->line)) == NULL) {
		pl->reloadfails++;
		wslot_log(pl, MWLOG_WARN, "reload-failed gen=%u reason=%s",
		    p->cur.gen, mwlog_esc(esc, sizeof esc, p->line.s,
		    p->line.len));
		return;
	}
	p->old = p->cur;
	p->cur.st = st;
	p->cur.gen++;
	p->cur.users = 0;
	pl->gen = p->cur.gen;
	pl->reloads++;
	for (i = 0; i < pl->workers; i++)
		if (p->wk[i].st == WS_IDLE || p->wk[i].st == WS_STARTING)
			wslot_retire(&p->wk[i], now);
	wslot_unused(pl);
	wslot_log(pl, MWLOG_INFO, "reload gen=%u", p->cur.gen);
}

/* Fork into free slots, then hand ready messages to idle workers. */
static void
wpool_dispatch(struct wpool *pl, unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	struct worker	*k;
	struct qent	*e;
	unsigned int	 i;
	ssize_t		 n;

	for (i = 0; i < pl->workers; i++)
		if (p->wk[i].st == WS_FREE && p->wk[i].notbefore <= now)
			wslot_fork(pl, &p->wk[i], now);
	qwatch_due(&p->w, now);
	for (i = 0; i < pl->workers; i++) {
		k = &p->wk[i];
		if ((e = p->w.t.list[QTAB_READY].head) == NULL)
			break;
		if (k->st != WS_IDLE || k->gen != p->cur.gen)
			continue;
		n = (ssize_t)strlen(e->id);
		if (send(k->fd, e->id, (size_t)n, MSG_DONTWAIT |
		    MSG_NOSIGNAL) != n) {
			wslot_retire(k, now);	/* it died: reaped soon */
			continue;
		}
		e->pid = k->pid;
		e->when = now;
		e->tries++;
		qtab_move(&p->w.t, e, QTAB_RUNNING);
		k->e = e;
		k->st = WS_BUSY;
		k->since = now;
		pl->busy++;
	}
}

/* Stopping: retire the idle; 1 while a worker is left. */
static int
wpool_drain(struct wpool *pl, unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	unsigned int	 i;
	int		 left = 0;

	for (i = 0; i < pl->workers; i++) {
		if (p->wk[i].st == WS_IDLE || p->wk[i].st == WS_STARTING)
			wslot_retire(&p->wk[i], now);
		if (p->wk[i].st != WS_FREE)
			left = 1;
	}
	return left;
}

static void
wpool_timeouts(struct wpool *pl, unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	struct worker	*k;
	unsigned int	 i;

	if (pl->timeout == 0)
		return;
	for (i = 0; i < pl->workers; i++) {
		k = &p->wk[i];
		if (k->st != WS_FREE && k->st != WS_IDLE && !k->killed &&
		    now - k->since >= (unsigned long long)pl->timeout * 1000) {
			(void)kill(k->pid, SIGKILL);
			k->killed = 1;
		}
	}
}

/* Milliseconds until something is due, for poll(). */
static int
wpool_sleep(struct wpool *pl, unsigned long long now)
{
	struct wpriv		*p = pl->priv;
	struct worker		*k;
	unsigned long long	 due = QWATCH_NEVER, t;
	unsigned int		 i;

	if (!p->stopping) {
		due = qwatch_next(&p->w);
		if (p->reloadat != 0 && p->reloadat < due)
			due = p->reloadat;
	}
	for (i = 0; i < pl->workers; i++) {
		k = &p->wk[i];
		t = QWATCH_NEVER;
		if (k->st == WS_FREE && !p->stopping)
			t = k->notbefore;
		else if (k->st != WS_FREE && k->st != WS_IDLE &&
		    !k->killed && pl->timeout != 0)
			t = k->since + (unsigned long long)pl->timeout * 1000;
		if (t < due)
			due = t;
	}
	return qwatch_ms(due, now);
}

static void
wpool_answers(struct wpool *pl, nfds_t from, nfds_t n,
    unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	struct worker	*k;
	nfds_t		 i;
	int		 r, got;

	for (i = from; i < n; i++) {
		k = p->pwk[i];
		if (p->pfd[i].revents == 0 || (k->st != WS_BUSY &&
		    k->st != WS_STARTING))
			continue;
		if ((got = wslot_recv(k, &r)) == -1)
			k->eof = 1;	/* it died: reaped soon */
		else if (got == 1 && k->st == WS_STARTING)
			k->st = WS_IDLE;	/* ready */
		else if (got == 1)
			wslot_answer(pl, k, r, now);
	}
}

static void
wpool_wait(struct wpool *pl, unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	struct pollfd	*f = p->pfd;
	unsigned int	 i;
	nfds_t		 n;

	for (n = 0; n < WPOOL_NFIXED; n++) {
		f[n].fd = -1;		/* poll() skips a negative fd */
		f[n].events = POLLIN;
		f[n].revents = 0;
	}
	f[0].fd = p->sfd;
	f[1].fd = qwatch_fd(&p->w);
	if (pl->poke != NULL)
		f[2].fd = pl->pokefd;
	for (i = 0; i < pl->workers; i++)
		if ((p->wk[i].st == WS_BUSY || p->wk[i].st == WS_STARTING) &&
		    !p->wk[i].eof) {
			f[n].fd = p->wk[i].fd;
			f[n].events = POLLIN;
			f[n].revents = 0;
			p->pwk[n++] = &p->wk[i];
		}
	if (poll(f, n, wpool_sleep(pl, now)) <= 0)
		return;
	if (f[0].revents != 0)
		selfpipe_drain();
	if (f[1].revents != 0)
		qwatch_events(&p->w);
	if (f[2].revents != 0 && pl->poke(pl->ctx) == 1)
		p->reloadat = qwatch_now() + pl->settle;
	wpool_answers(pl, WPOOL_NFIXED, n, now);
}

/* --- set-up and the loop ------------------------------------------------ */

static void
wpool_free(struct wpool *pl)
{
	struct wpriv	*p = pl->priv;
	unsigned int	 i;

	if (p == NULL)
		return;
	for (i = 0; p->wk != NULL && i < pl->workers; i++)
		if (p->wk[i].fd != -1)
			(void)close(p->wk[i].fd);
	if (p->old.st != NULL)
		pl->unload(pl->ctx, p->old.st);
	if (p->cur.st != NULL)
		pl->unload(pl->ctx, p->cur.st);
	if (p->sfd != -1)
		selfpipe_close();
	qwatch_close(&p->w);
	free(p->wk);
	free(p->pfd);
	free(p->pwk);
	sa_free(&p->line);
	free(p);
	pl->priv = NULL;
}

/* err = "unable to read SPOOL/new: strerror(e)"; errno = e */
static void
wpool_readerr(const struct wpool *pl, int e, struct sa *err)
{
	err->len = 0;
	(void)sa_cats(err, "unable to read ");
	(void)sa_cats(err, pl->spool);
	(void)sa_cats(err, "/new: ");
	(void)sa_cats(err, strerror(e));
	errno = e;
}

/* -1 with errno and err set. */
static int
wpool_init(struct wpool *pl, struct sa *err)
{
	struct wpriv	*p;
	unsigned int	 i, n = pl->workers + WPOOL_NFIXED;

	pl->busy = 0;
	pl->gen = 1;
	if (pl->workers == 0 || pl->workers > WPOOL_MAXWORKERS ||
	    pl->load == NULL || pl->unload == NULL || pl->work == NULL ||
	    pl->done == NULL) {
		(void)sa_copys(err, "wpool: bad settings");
		errno = EINVAL;
		return -1;
	}
	if (pl->maxcrash == 0)
		pl->maxcrash = 1;
	if ((p = pl->priv = calloc(1, sizeof *p)) == NULL)
		goto nomem;
	p->w.ifd = -1;		/* for wpool_free() before qwatch_open() */
	p->sfd = -1;
	if ((p->wk = calloc(pl->workers, sizeof *p->wk)) == NULL ||
	    (p->pfd = calloc(n, sizeof *p->pfd)) == NULL ||
	    (p->pwk = calloc(n, sizeof *p->pwk)) == NULL)
		goto nomem;
	for (i = 0; i < pl->workers; i++)
		p->wk[i].fd = -1;
	if (qwatch_open(&p->w, pl->spool, pl->rescan, pl->retrybase,
	    pl->retrymax) == -1 || qwatch_scan(&p->w, qwatch_now()) == -1) {
		wpool_readerr(pl, errno, err);
		return -1;
	}
	/* before load(), which may take long: a SIGHUP must not kill */
	if ((p->sfd = selfpipe_open(wpool_sigs, WPOOL_NSIG)) == -1) {
		(void)sa_copys(err, "unable to catch signals");
		return -1;
	}
	err->len = 0;
	if ((p->cur.st = pl->load(pl->ctx, err)) == NULL) {
		if (err->len == 0)
			(void)sa_copys(err, "unable to load the state");
		errno = 0;
		return -1;
	}
	p->cur.gen = 1;
	return 0;
nomem:
	(void)sa_copys(err, "out of memory");
	errno = ENOMEM;
	return -1;
}

int
wpool_loop(struct wpool *pl, struct sa *err)
{
	struct wpriv		*p;
	unsigned long long	 now;
	int			 e;

	pl->priv = NULL;
	if (wpool_init(pl, err) == -1) {
		e = errno;
		wpool_free(pl);
		errno = e;
		return -1;
	}
	p = pl->priv;
	for (;;) {
		now = qwatch_now();
		wslot_reap(pl, now);
		if (qwatch_step(&p->w, now, &p->stopping, &p->err))
			p->reload = 1;
		if (p->reloadat != 0 && now >= p->reloadat) {
			p->reload = 1;
			p->reloadat = 0;
		}
		wpool_reload(pl, now);
		if (!p->stopping)
			wpool_dispatch(pl, now);
		wpool_timeouts(pl, now);
		if (p->stopping && !wpool_drain(pl, now))
			break;
		wpool_wait(pl, now);
	}
	if ((e = p->err) != 0)
		wpool_readerr(pl, e, err);
	wpool_free(pl);
	errno = e;
	return e != 0 ? -1 : 0;
}
