/* ISC license. */
/* wslot.c: wpool's worker slots, and the worker itself; see wslot.h. */
#include "sysdeps.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mw_exit.h"
#include "mwlog.h"
#include "qrun.h"
#include "qtab.h"
#include "qwatch.h"
#include "selfpipe.h"
#include "spool.h"
#include "wpool.h"
#include "wslot.h"

#define WSLOT_RESPAWN	1000ULL		/* ms after a failed fork or death */

/* --- the worker --------------------------------------------------------- */

/* In a new worker: keep only its own socket; the group's SIGHUP and
 * SIGINT are the parent's; the caller's old handlers for the rest. */
static void
wslot_childsetup(struct wpool *pl, int fd, const sigset_t *mask)
{
	struct wpriv	*p = pl->priv;
	unsigned int	 i;

	for (i = 0; i < pl->workers; i++)
		if (p->wk[i].fd != -1 && p->wk[i].fd != fd)
			(void)close(p->wk[i].fd);
	if (qwatch_fd(&p->w) != -1)
		(void)close(qwatch_fd(&p->w));
	if (pl->poke != NULL && pl->pokefd != -1)
		(void)close(pl->pokefd);
	selfpipe_close();
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGINT, SIG_IGN);
	(void)sigprocmask(SIG_SETMASK, mask, NULL);
}

static void MW_NORETURN
wslot_child(struct wpool *pl, unsigned int no, int fd, void *st,
    const sigset_t *mask)
{
	char	 id[SPOOL_MAXID + 1];
	ssize_t	 n;
	int	 r = 0;

	wslot_childsetup(pl, fd, mask);
	if (pl->worker_init != NULL && pl->worker_init(pl->ctx, st, no) == -1)
		_exit(MW_TEMP);
	/* ready; if the parent is gone or retired us, recv() says so */
	(void)send(fd, &r, sizeof r, MSG_NOSIGNAL);
	for (;;) {
		n = recv(fd, id, sizeof id - 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* retired (EOF), or the parent died */
		id[n] = '\0';
		r = pl->work(pl->ctx, st, id);
		if (send(fd, &r, sizeof r, MSG_NOSIGNAL) != (ssize_t)sizeof r)
			_exit(MW_TEMP);
	}
	if (pl->worker_exit != NULL)
		pl->worker_exit(pl->ctx, st, no);
	_exit(0);
}

/* --- the parent ---------------------------------------------------------- */

void
wslot_log(struct wpool *pl, enum mwlog_level lv, const char *fmt, ...)
{
	va_list		 ap;
	char		 buf[MWLOG_MAX];
	int		 n;

	if (pl->log == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n >= 0)
		pl->log(pl->ctx, lv, buf);	/* a long line is cut */
}

void
wslot_fork(struct wpool *pl, struct worker *k, unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	sigset_t	 all, old;
	pid_t		 pid;
	int		 sv[2], e;
	char		 esc[200];

	k->notbefore = now + WSLOT_RESPAWN;	/* if it fails */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		goto fail;
	(void)sigfillset(&all);
	(void)sigprocmask(SIG_BLOCK, &all, &old);
	if ((pid = fork()) == 0) {
		(void)close(sv[0]);
		wslot_child(pl, (unsigned int)(k - p->wk), sv[1], p->cur.st,
		    &old);
	}
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	(void)close(sv[1]);
	if (pid == -1) {
		(void)close(sv[0]);
		errno = e;
		goto fail;
	}
	k->st = WS_STARTING;
	k->since = now;
	k->notbefore = 0;
	k->pid = pid;
	k->fd = sv[0];
	k->eof = k->killed = 0;
	k->gen = p->cur.gen;
	k->nmsg = 0;
	p->cur.users++;
	pl->forks++;
	return;
fail:
	wslot_log(pl, MWLOG_WARN, "fork-failed worker=%u error=%s",
	    (unsigned int)(k - p->wk), mwlog_escs(esc, sizeof esc,
	    strerror(errno)));
}

void
wslot_retire(struct worker *k, unsigned long long now)
{
	if (k->fd != -1)
		(void)close(k->fd);
	k->fd = -1;
	k->st = WS_RETIRING;
	k->since = now;
}

/* The message of e has a result: the caller's done(). */
static void
wslot_done(struct wpool *pl, struct qent *e, int r, unsigned long long now)
{
	struct wpriv *p = pl->priv;

	if (pl->done(pl->ctx, e->id, r, e->tries) == QRUN_RETRY)
		qwatch_retry(&p->w, e, now);
	else
		qtab_del(&p->w.t, e);
}

/* Busy worker k answered r. */
void
wslot_answer(struct wpool *pl, struct worker *k, int r,
    unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	struct qent	*e = k->e;

	k->e = NULL;
	k->st = WS_IDLE;
	k->nmsg++;
	pl->busy--;
	wslot_done(pl, e, r < 0 ? MW_TEMP : r, now);
	if ((pl->permessages != 0 && k->nmsg >= pl->permessages) ||
	    k->gen != p->cur.gen || p->stopping)
		wslot_retire(k, now);
}

/* 1 and a result, 0 nothing yet, -1 the worker's end is gone. */
int
wslot_recv(struct worker *k, int *r)
{
	ssize_t	n;

	n = recv(k->fd, r, sizeof *r, MSG_DONTWAIT);
	if (n == (ssize_t)sizeof *r)
		return 1;
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return 0;
	return -1;
}

static void
wslot_why(char *buf, size_t n, const struct worker *k, int status)
{
	if (k->killed)
		(void)snprintf(buf, n, "timeout");
	else if (WIFSIGNALED(status))
		(void)snprintf(buf, n, "signal %d", WTERMSIG(status));
	else
		(void)snprintf(buf, n, "exit %d", WEXITSTATUS(status));
}

/* Busy worker k died without an answer. */
static void
wslot_crash(struct wpool *pl, struct worker *k, int status,
    unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	struct qent	*e = k->e;
	char		 why[32];

	k->e = NULL;
	pl->busy--;
	e->crashes++;
	wslot_why(why, sizeof why, k, status);
	if (pl->crashed != NULL)
		pl->crashed(pl->ctx, e->id, e->crashes, why);
	if (e->crashes >= pl->maxcrash)
		wslot_done(pl, e, WPOOL_CRASHED, now);
	else
		qwatch_retry(&p->w, e, now);
}

void
wslot_unused(struct wpool *pl)
{
	struct wpriv *p = pl->priv;

	if (p->old.st != NULL && p->old.users == 0) {
		pl->unload(pl->ctx, p->old.st);
		p->old.st = NULL;
	}
}

/* Worker k ended with status. */
static void
wslot_ended(struct wpool *pl, struct worker *k, int status,
    unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	unsigned int	 no = (unsigned int)(k - p->wk);
	char		 why[32];
	int		 r;

	if (k->st == WS_BUSY) {
		/* it may have answered just before it ended */
		if (k->fd != -1 && wslot_recv(k, &r) == 1)
			wslot_answer(pl, k, r, now);
		else
			wslot_crash(pl, k, status, now);
	} else if (k->st == WS_IDLE || k->st == WS_STARTING) {
		wslot_why(why, sizeof why, k, status);
		wslot_log(pl, MWLOG_WARN, "worker-died worker=%u pid=%ld "
		    "why=\"%s\"", no, (long)k->pid, why);
		k->notbefore = now + WSLOT_RESPAWN;
	}
	if (k->fd != -1)
		(void)close(k->fd);
	k->fd = -1;
	k->st = WS_FREE;
	k->pid = 0;
	if (k->gen == p->cur.gen)
		p->cur.users--;
	else
		p->old.users--;
	wslot_unused(pl);
	if (pl->worker_reaped != NULL)
		pl->worker_reaped(pl->ctx, no);
}

void
wslot_reap(struct wpool *pl, unsigned long long now)
{
	struct wpriv	*p = pl->priv;
	unsigned int	 i;
	pid_t		 pid;
	int		 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < pl->workers; i++)
			if (p->wk[i].st != WS_FREE && p->wk[i].pid == pid)
				break;
		if (i < pl->workers)	/* else a caller's own child */
			wslot_ended(pl, &p->wk[i], status, now);
	}
}
