/* ISC license. */
/* qrun.c: the loop of a daemon that owns one spool; see qrun.h.
 *
 * The spool's messages come from a qwatch (qwatch.h): a table of
 * entries, each ready (to start, oldest first), running (a child works
 * on it) or waiting (for its retry time), fed by inotify on SPOOL/new
 * and a full rescan every q->rescan seconds.  Signals only write a byte
 * into a self-pipe (selfpipe.h); all work happens in the loop.  Times
 * are CLOCK_MONOTONIC milliseconds (qwatch_now()). */
#include "sysdeps.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "qrun.h"
#include "qtab.h"
#include "qwatch.h"
#include "selfpipe.h"

#define QRUN_IDLEWAKE	1000ULL		/* ms, when a start() said "not now" */
#define QRUN_MAXBLOCKED	64		/* "not now"s in one pass, at most */

struct qpriv {
	struct qwatch		 w;
	int			 sfd;		/* the selfpipe */
	int			 stopping;
	int			 blocked;	/* a start() said "not now" */
	int			 err;
};

/* one qrun per process (see qrun.h): the selfpipe is per process */
static const int qrun_sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGALRM };
#define QRUN_NSIG	(sizeof qrun_sigs / sizeof qrun_sigs[0])

/* --- children ----------------------------------------------------------- */

static void
qrun_reap(struct qrun *q, unsigned long long now)
{
	struct qpriv	*p = q->priv;
	struct qent	*e;
	pid_t		 pid;
	int		 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (e = p->w.t.list[QTAB_RUNNING].head; e != NULL;
		    e = e->next)
			if (e->pid == pid)
				break;
		if (e == NULL)
			continue;	/* not ours (a caller's own child) */
		q->running--;
		if (q->done(q, e->id, status, q->ctx) == QRUN_RETRY)
			qwatch_retry(&p->w, e, now);
		else
			qtab_del(&p->w.t, e);
		p->blocked = 0;
	}
}

static void
qrun_dispatch(struct qrun *q, unsigned long long now)
{
	struct qpriv	*p = q->priv;
	struct qtab	*t = &p->w.t;
	struct qent	*e, *nx;
	size_t		 nready = 0, tried = 0, nblocked = 0;
	pid_t		 pid;

	qwatch_due(&p->w, now);
	for (e = t->list[QTAB_READY].head; e != NULL; e = e->next)
		nready++;
	for (e = t->list[QTAB_READY].head; e != NULL && tried++ < nready &&
	    nblocked < QRUN_MAXBLOCKED && q->running < q->concurrency;
	    e = nx) {
		nx = e->next;
		errno = 0;
		pid = q->start(q, e->id, q->ctx);
		if (pid > 0) {
			e->pid = pid;
			e->killed = 0;
			e->when = now;
			qtab_move(t, e, QTAB_RUNNING);
			q->running++;
		} else if (pid == 0) {
			/* to the tail: the next pass tries the others first */
			p->blocked = 1;
			nblocked++;
			if (nx != NULL)
				qtab_move(t, e, QTAB_READY);
		} else if (errno == ENOENT)
			qtab_del(t, e);		/* gone meanwhile */
		else
			qwatch_retry(&p->w, e, now);
	}
}

static void
qrun_timeouts(struct qrun *q, unsigned long long now)
{
	struct qent *e;

	if (q->timeout == 0)
		return;
	for (e = ((struct qpriv *)q->priv)->w.t.list[QTAB_RUNNING].head;
	    e != NULL; e = e->next)
		if (!e->killed && now - e->when >=
		    (unsigned long long)q->timeout * 1000) {
			kill(e->pid, SIGKILL);
			e->killed = 1;
		}
}

/* Milliseconds until something is due, for poll(); -1 = no deadline. */
static int
qrun_sleep(struct qrun *q, unsigned long long now)
{
	struct qpriv		*p = q->priv;
	struct qent		*e;
	unsigned long long	 due = QWATCH_NEVER, t;

	if (!p->stopping) {
		due = qwatch_next(&p->w);
		if (p->blocked && q->running == 0 && now + QRUN_IDLEWAKE < due)
			due = now + QRUN_IDLEWAKE;
	}
	if (q->timeout != 0)
		for (e = p->w.t.list[QTAB_RUNNING].head; e != NULL;
		    e = e->next) {
			t = e->when + (unsigned long long)q->timeout * 1000;
			if (!e->killed && t < due)
				due = t;
		}
	return qwatch_ms(due, now);
}

static void
qrun_wait(struct qrun *q, unsigned long long now)
{
	struct qpriv	*p = q->priv;
	struct pollfd	 pfd[2];
	int		 n = 1;

	pfd[0].fd = p->sfd;
	pfd[0].events = POLLIN;
	if ((pfd[1].fd = qwatch_fd(&p->w)) != -1) {
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = 2;
	}
	if (poll(pfd, n, qrun_sleep(q, now)) <= 0)
		return;
	if (pfd[0].revents != 0)
		selfpipe_drain();
	if (n == 2 && pfd[1].revents != 0)
		qwatch_events(&p->w);
}

/* --- set-up and the loop ---------------------------------------------- */

static void
qrun_free(struct qrun *q)
{
	struct qpriv	*p = q->priv;

	if (p == NULL)
		return;
	if (p->sfd != -1)
		selfpipe_close();
	qwatch_close(&p->w);
	free(p);
	q->priv = NULL;
}

static int
qrun_init(struct qrun *q)
{
	struct qpriv *p;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return -1;
	q->priv = p;
	q->running = 0;
	p->sfd = -1;
	if (qwatch_open(&p->w, q->spool, q->rescan, q->retrybase,
	    q->retrymax) == -1)
		return -1;
	if (q->concurrency == 0)
		q->concurrency = 1;
	if (q->rescan == 0)
		q->rescan = 60;
	p->sfd = selfpipe_open(qrun_sigs, QRUN_NSIG);
	return p->sfd == -1 ? -1 : 0;
}

int
qrun_loop(struct qrun *q)
{
	struct qpriv		*p;
	unsigned long long	 now;
	int			 e;

	q->priv = NULL;
	if (qrun_init(q) == -1 ||
	    qwatch_scan(&((struct qpriv *)q->priv)->w, qwatch_now()) == -1) {
		e = errno;
		qrun_free(q);
		errno = e;
		return -1;
	}
	p = q->priv;
	for (;;) {
		now = qwatch_now();
		qrun_reap(q, now);
		if (qwatch_step(&p->w, now, &p->stopping, &p->err))
			q->hup = 1;
		if (!p->stopping)
			qrun_dispatch(q, now);
		qrun_timeouts(q, now);
		if (p->stopping && q->running == 0)
			break;
		qrun_wait(q, now);
	}
	e = p->err;
	qrun_free(q);
	errno = e;
	return e != 0 ? -1 : 0;
}

/* floor(sqrt(n)) */
static unsigned long long
qrun_isqrt(unsigned long long n)
{
	unsigned long long r = 0, bit = 1ULL << 62;

	while (bit > n)
		bit >>= 2;
	for (; bit != 0; bit >>= 2)
		if (n >= r + bit) {
			n -= r + bit;
			r = (r >> 1) + bit;
		} else
			r >>= 1;
	return r;
}

/* qmail's schedule: tries at birth + k*k*base (k = 1, 2, ...), so the
 * gap grows with the square root of the message's age. */
unsigned long
qrun_backoff(unsigned long long birth, unsigned long long now,
    unsigned int base, unsigned int max)
{
	unsigned long long age, k, next, d;

	if (base == 0)
		base = 1;
	if (max < base)
		max = base;
	age = now > birth ? now - birth : 0;
	k = qrun_isqrt(age / base) + 1;
	if (k > 0xffffffffULL || __builtin_mul_overflow(k * k, base, &next))
		return max;
	d = next - age;
	if (d < base)
		d = base;
	return d > max ? max : (unsigned long)d;
}
