/* ISC license. */
/* qrun.c: the loop of a daemon that owns one spool; see qrun.h.
 *
 * Every message the loop knows of is one entry, in a hash by id and in
 * exactly one of three lists: ready (to start, oldest first), running
 * (a child works on it) and waiting (for its retry time).  New names come
 * from inotify on SPOOL/new and from a full rescan every q->rescan
 * seconds; a rescan also forgets entries whose file has gone.  Signals
 * only write a byte into a self-pipe (selfpipe.h); all work happens in
 * the loop.
 * Times are CLOCK_MONOTONIC milliseconds, except the message's birth,
 * which comes from its queue id (wall clock) and only feeds
 * qrun_backoff(). */
#include "sysdeps.h"

#include <sys/inotify.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qrun.h"
#include "qtab.h"
#include "sa.h"
#include "selfpipe.h"
#include "spool.h"

#define QRUN_IDLEWAKE	1000ULL		/* ms, when a start() said "not now" */
#define QRUN_MAXBLOCKED	64		/* "not now"s in one pass, at most */
/* a file appears in new/ by rename (IN_MOVED_TO), link(2) (IN_CREATE),
 * or is written in place (IN_CREATE, IN_CLOSE_WRITE); see qrun.h */
#define QRUN_INMASK	(IN_MOVED_TO | IN_CREATE | IN_CLOSE_WRITE | IN_ONLYDIR)

struct qpriv {
	struct qtab		 t;
	int			 ifd;
	int			 sfd;		/* the selfpipe */
	unsigned int		 gen;
	int			 stopping;
	int			 blocked;	/* a start() said "not now" */
	int			 err;
	unsigned long long	 nextscan;
	struct sa		 newdir;
};

/* one qrun per process (see qrun.h): the selfpipe is per process */
static const int qrun_sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGALRM };
#define QRUN_NSIG	(sizeof qrun_sigs / sizeof qrun_sigs[0])

static unsigned long long
qrun_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 +
	    (unsigned long long)ts.tv_nsec / 1000000;
}

/* A name seen in new/: a new entry is ready; a known one stays as it is. */
static void
qrun_seen(struct qpriv *p, const char *name)
{
	struct qent	*e;
	size_t		 len = strlen(name);

	if (len == 0 || len > SPOOL_MAXID || !spool_idok(name, len))
		return;
	if ((e = qtab_find(&p->t, name)) == NULL)
		e = qtab_add(&p->t, name, len, p->gen); /* NULL: next rescan */
	if (e != NULL)
		e->gen = p->gen;
}

/* --- watching new/ ---------------------------------------------------- */

static int
qrun_scan(struct qrun *q, unsigned long long now)
{
	struct qpriv	*p = q->priv;
	struct qent	*e, *nx;
	struct dirent	*de;
	DIR		*d;
	int		 fd, st;

	fd = open(p->newdir.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	p->gen++;
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0)
		if (de->d_name[0] != '.')
			qrun_seen(p, de->d_name);
	if (errno != 0) {
		st = errno;
		closedir(d);
		errno = st;
		return -1;
	}
	closedir(d);
	for (st = QTAB_READY; st < QTAB_NSTATE; st++) {
		if (st == QTAB_RUNNING)
			continue;
		for (e = p->t.list[st].head; e != NULL; e = nx) {
			nx = e->next;
			if (e->gen != p->gen)
				qtab_del(&p->t, e);
		}
	}
	p->nextscan = now + (unsigned long long)q->rescan * 1000;
	return 0;
}

static void
qrun_events(struct qrun *q)
{
	struct qpriv			*p = q->priv;
	const struct inotify_event	*ev;
	char				 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t				 r;
	char				*c;

	while ((r = read(p->ifd, buf, sizeof buf)) > 0)
		for (c = buf; c < buf + r; c += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)(void *)c;
			if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED))
				p->nextscan = 0;
			else if (ev->len > 0 && ev->name[0] != '.' &&
			    !(ev->mask & IN_ISDIR))
				qrun_seen(p, ev->name);
		}
}

/* --- children ----------------------------------------------------------- */

static void
qrun_retry(struct qrun *q, struct qent *e, unsigned long long now)
{
	unsigned long long	birth = spool_idtime(e->id), wall;
	unsigned long		d;

	wall = (unsigned long long)time(NULL);
	if (birth == 0 || birth > wall)
		birth = wall;
	d = qrun_backoff(birth, wall, q->retrybase, q->retrymax);
	e->when = now + (unsigned long long)d * 1000;
	qtab_move(&((struct qpriv *)q->priv)->t, e, QTAB_WAITING);
}

static void
qrun_reap(struct qrun *q, unsigned long long now)
{
	struct qpriv	*p = q->priv;
	struct qent	*e;
	pid_t		 pid;
	int		 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (e = p->t.list[QTAB_RUNNING].head; e != NULL; e = e->next)
			if (e->pid == pid)
				break;
		if (e == NULL)
			continue;	/* not ours (a caller's own child) */
		q->running--;
		if (q->done(q, e->id, status, q->ctx) == QRUN_RETRY)
			qrun_retry(q, e, now);
		else
			qtab_del(&p->t, e);
		p->blocked = 0;
	}
}

static void
qrun_dispatch(struct qrun *q, unsigned long long now)
{
	struct qpriv	*p = q->priv;
	struct qent	*e, *nx;
	size_t		 nready = 0, tried = 0, nblocked = 0;
	pid_t		 pid;

	for (e = p->t.list[QTAB_WAITING].head; e != NULL; e = nx) {
		nx = e->next;
		if (e->when <= now)
			qtab_move(&p->t, e, QTAB_READY);
	}
	for (e = p->t.list[QTAB_READY].head; e != NULL; e = e->next)
		nready++;
	for (e = p->t.list[QTAB_READY].head; e != NULL && tried++ < nready &&
	    nblocked < QRUN_MAXBLOCKED && q->running < q->concurrency;
	    e = nx) {
		nx = e->next;
		errno = 0;
		pid = q->start(q, e->id, q->ctx);
		if (pid > 0) {
			e->pid = pid;
			e->killed = 0;
			e->when = now;
			qtab_move(&p->t, e, QTAB_RUNNING);
			q->running++;
		} else if (pid == 0) {
			/* to the tail: the next pass tries the others first */
			p->blocked = 1;
			nblocked++;
			if (nx != NULL)
				qtab_move(&p->t, e, QTAB_READY);
		} else if (errno == ENOENT)
			qtab_del(&p->t, e);		/* gone meanwhile */
		else
			qrun_retry(q, e, now);
	}
}

static void
qrun_timeouts(struct qrun *q, unsigned long long now)
{
	struct qent *e;

	if (q->timeout == 0)
		return;
	for (e = ((struct qpriv *)q->priv)->t.list[QTAB_RUNNING].head; e != NULL;
	    e = e->next)
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
	unsigned long long	 due = ~0ULL;

	if (!p->stopping) {
		due = p->nextscan;
		for (e = p->t.list[QTAB_WAITING].head; e != NULL; e = e->next)
			if (e->when < due)
				due = e->when;
		if (p->blocked && q->running == 0 && now + QRUN_IDLEWAKE < due)
			due = now + QRUN_IDLEWAKE;
	}
	if (q->timeout != 0)
		for (e = p->t.list[QTAB_RUNNING].head; e != NULL; e = e->next)
			if (!e->killed && e->when +
			    (unsigned long long)q->timeout * 1000 < due)
				due = e->when + (unsigned long long)q->timeout *
				    1000;
	if (due == ~0ULL)
		return -1;
	if (due <= now)
		return 0;
	return due - now > 3600000 ? 3600000 : (int)(due - now);
}

static void
qrun_wait(struct qrun *q, unsigned long long now)
{
	struct qpriv	*p = q->priv;
	struct pollfd	 pfd[2];
	int		 n = 1;

	pfd[0].fd = p->sfd;
	pfd[0].events = POLLIN;
	if (p->ifd != -1) {
		pfd[1].fd = p->ifd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = 2;
	}
	if (poll(pfd, n, qrun_sleep(q, now)) <= 0)
		return;
	if (pfd[0].revents != 0)
		selfpipe_drain();
	if (n == 2 && pfd[1].revents != 0)
		qrun_events(q);
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
	qtab_free(&p->t);
	sa_free(&p->newdir);
	if (p->ifd != -1)
		close(p->ifd);
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
	p->ifd = p->sfd = -1;
	if (qtab_init(&p->t) == -1)
		return -1;
	if (sa_copys(&p->newdir, q->spool) == -1 ||
	    sa_cats(&p->newdir, "/new") == -1 || sa_0(&p->newdir) == -1)
		return -1;
	/* without inotify (ENOSYS, limits) the rescan alone still works */
	p->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (p->ifd != -1 && inotify_add_watch(p->ifd, p->newdir.s,
	    QRUN_INMASK) == -1)
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
	if (qrun_init(q) == -1 || qrun_scan(q, qrun_now()) == -1) {
		e = errno;
		qrun_free(q);
		errno = e;
		return -1;
	}
	p = q->priv;
	for (;;) {
		now = qrun_now();
		qrun_reap(q, now);
		if (selfpipe_seen(SIGHUP))
			q->hup = 1;
		if (selfpipe_seen(SIGTERM) | selfpipe_seen(SIGINT))
			p->stopping = 1;
		if (!p->stopping && now >= p->nextscan &&
		    qrun_scan(q, now) == -1) {
			p->err = errno;		/* drain, then fail */
			p->stopping = 1;
		}
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
