/* ISC license. */
/* qwatch.c: the messages of a spool a daemon owns; see qwatch.h. */
#include "sysdeps.h"

#include <sys/inotify.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qrun.h"
#include "qtab.h"
#include "selfpipe.h"
#include "qwatch.h"
#include "sa.h"
#include "spool.h"

/* a file appears in new/ by rename (IN_MOVED_TO), link(2) (IN_CREATE),
 * or is written in place (IN_CREATE, IN_CLOSE_WRITE); see qrun.h */
#define QWATCH_INMASK	(IN_MOVED_TO | IN_CREATE | IN_CLOSE_WRITE | IN_ONLYDIR)
#define QWATCH_MAXSLEEP	3600000ULL	/* ms */

unsigned long long
qwatch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 +
	    (unsigned long long)ts.tv_nsec / 1000000;
}

int
qwatch_ms(unsigned long long due, unsigned long long now)
{
	if (due == QWATCH_NEVER)
		return -1;
	if (due <= now)
		return 0;
	return due - now > QWATCH_MAXSLEEP ? (int)QWATCH_MAXSLEEP :
	    (int)(due - now);
}

int
qwatch_open(struct qwatch *w, const char *spool, unsigned int rescan,
    unsigned int retrybase, unsigned int retrymax)
{
	int	 e;

	memset(w, 0, sizeof *w);
	w->ifd = -1;
	w->rescan = rescan == 0 ? 60 : rescan;
	w->retrybase = retrybase;
	w->retrymax = retrymax;
	if (qtab_init(&w->t) == -1)
		return -1;
	if (sa_copys(&w->newdir, spool) == -1 ||
	    sa_cats(&w->newdir, "/new") == -1 || sa_0(&w->newdir) == -1)
		goto fail;
	/* without inotify (ENOSYS, limits) the rescan alone still works */
	w->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->ifd != -1 && inotify_add_watch(w->ifd, w->newdir.s,
	    QWATCH_INMASK) == -1)
		goto fail;
	return 0;
fail:
	e = errno;
	qwatch_close(w);
	errno = e;
	return -1;
}

void
qwatch_close(struct qwatch *w)
{
	qtab_free(&w->t);
	sa_free(&w->newdir);
	if (w->ifd != -1)
		(void)close(w->ifd);
	w->ifd = -1;
}

int
qwatch_fd(const struct qwatch *w)
{
	return w->ifd;
}

/* A name seen in new/: a new entry is ready; a known one stays as it is. */
static void
qwatch_seen(struct qwatch *w, const char *name)
{
	struct qent	*e;
	size_t		 len = strlen(name);

	if (len == 0 || len > SPOOL_MAXID || !spool_idok(name, len))
		return;
	if ((e = qtab_find(&w->t, name)) == NULL)
		e = qtab_add(&w->t, name, len, w->gen); /* NULL: next rescan */
	if (e != NULL)
		e->gen = w->gen;
}

void
qwatch_events(struct qwatch *w)
{
	const struct inotify_event	*ev;
	char				 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t				 r;
	char				*c;

	if (w->ifd == -1)
		return;
	while ((r = read(w->ifd, buf, sizeof buf)) > 0)
		for (c = buf; c < buf + r; c += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)(void *)c;
			if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED))
				w->nextscan = 0;
			else if (ev->len > 0 && ev->name[0] != '.' &&
			    !(ev->mask & IN_ISDIR))
				qwatch_seen(w, ev->name);
		}
}

/* Forget the entries (not running) the last rescan did not see. */
static void
qwatch_sweep(struct qwatch *w)
{
	struct qent	*e, *nx;
	int		 st;

	for (st = QTAB_READY; st < QTAB_NSTATE; st++) {
		if (st == QTAB_RUNNING)
			continue;
		for (e = w->t.list[st].head; e != NULL; e = nx) {
			nx = e->next;
			if (e->gen != w->gen)
				qtab_del(&w->t, e);
		}
	}
}

int
qwatch_scan(struct qwatch *w, unsigned long long now)
{
	struct dirent	*de;
	DIR		*d;
	int		 fd, e;

	fd = open(w->newdir.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	w->gen++;
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0)
		if (de->d_name[0] != '.')
			qwatch_seen(w, de->d_name);
	if (errno != 0) {
		e = errno;
		(void)closedir(d);
		errno = e;
		return -1;
	}
	(void)closedir(d);
	qwatch_sweep(w);
	w->nextscan = now + (unsigned long long)w->rescan * 1000;
	return 0;
}

void
qwatch_retry(struct qwatch *w, struct qent *e, unsigned long long now)
{
	unsigned long long	birth = spool_idtime(e->id), wall;
	unsigned long		d;

	wall = (unsigned long long)time(NULL);
	if (birth == 0 || birth > wall)
		birth = wall;
	d = qrun_backoff(birth, wall, w->retrybase, w->retrymax);
	e->when = now + (unsigned long long)d * 1000;
	qtab_move(&w->t, e, QTAB_WAITING);
}

void
qwatch_due(struct qwatch *w, unsigned long long now)
{
	struct qent	*e, *nx;

	for (e = w->t.list[QTAB_WAITING].head; e != NULL; e = nx) {
		nx = e->next;
		if (e->when <= now)
			qtab_move(&w->t, e, QTAB_READY);
	}
}

unsigned long long
qwatch_next(const struct qwatch *w)
{
	const struct qent	*e;
	unsigned long long	 due = w->nextscan;

	for (e = w->t.list[QTAB_WAITING].head; e != NULL; e = e->next)
		if (e->when < due)
			due = e->when;
	return due;
}

int
qwatch_step(struct qwatch *w, unsigned long long now, int *stopping,
    int *err)
{
	int	 hup = selfpipe_seen(SIGHUP);

	if (selfpipe_seen(SIGTERM) | selfpipe_seen(SIGINT))
		*stopping = 1;
	if (!*stopping && now >= w->nextscan && qwatch_scan(w, now) == -1) {
		*err = errno;
		*stopping = 1;
	}
	return hup;
}
