/* ISC license. */
/* check_wpool.c: the worker pool over a temp spool, with a fake state (a
 * malloc'd generation number) and a fake work() that, by the tag in the
 * message's name, answers, fails once, hangs, dies or aborts. */
#include "sysdeps.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qwatch.h"
#include "sa.h"
#include "spool.h"
#include "unit.h"
#include "wpool.h"

#define MAXMSG	16
#define MAXPID	64

struct fstate {
	int	 gen;
};

struct wctx {
	char		 spool[UNIT_PATHSZ];
	char		 log[UNIT_PATHSZ];	/* what the workers did */
	char		 mark[UNIT_PATHSZ];	/* "done once" markers */
	int		 nmsg;
	char		 ids[MAXMSG][SPOOL_MAXID + 1];
	int		 ndone[MAXMSG];		/* done() calls */
	int		 nforget[MAXMSG];
	int		 result[MAXMSG];	/* the last one */
	unsigned int	 tries[MAXMSG];		/* done()'s, the last */
	int		 ncrashed[MAXMSG];
	unsigned int	 crashes[MAXMSG];	/* crashed()'s count */
	char		 why[MAXMSG][32];
	int		 finished;		/* forgotten */
	int		 want;			/* then SIGTERM */
	int		 late;			/* spool one at the first */
	int		 hupat;			/* at that many forgotten */
	int		 hups;			/* reloads to ask for */
	int		 sent;			/* asked for */
	int		 poke[2];		/* -1: SIGHUP, else this pipe */
	int		 loads;
	int		 failload;		/* that load() fails */
	int		 unloads[4];		/* by generation */
	int		 oldalive;		/* a worker outlived its state */
	int		 reaped;
	unsigned int	 badno;			/* worker numbers >= workers */
	unsigned int	 workers;
	int		 failinit;		/* the first worker_init() */
	struct sa	 logs;			/* from log() */
	int		 nfds;			/* before the loop */
	int		 wnfds;			/* in every worker */
	struct wpool	 pl;
};

static void	spoolmsg(struct wctx *, const char *);

/* --- the parent's callbacks ---------------------------------------------- */

static void *
fload(void *ctx, struct sa *err)
{
	struct wctx	*c = ctx;
	struct fstate	*st;

	if (++c->loads == c->failload) {
		(void)sa_copys(err, "broken database");
		return NULL;
	}
	if ((st = malloc(sizeof *st)) == NULL)
		return NULL;
	st->gen = c->loads - (c->failload != 0 && c->loads > c->failload);
	return st;
}

/* Every worker ever forked from st is gone (reaped: no such pid). */
static int
fgone(struct wctx *c, int gen)
{
	struct sa	 got = SA_ZERO;
	char		*line, *save = NULL;
	long		 pid;
	int		 g, alive = 0;

	unit_readfile(c->log, &got);
	ck_assert_int_eq(sa_0(&got), 0);
	for (line = strtok_r(got.s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "init %ld %d", &pid, &g) == 2 && g == gen &&
		    kill((pid_t)pid, 0) == 0)
			alive = 1;
	sa_free(&got);
	return !alive;
}

static void
funload(void *ctx, void *state)
{
	struct wctx	*c = ctx;
	struct fstate	*st = state;

	ck_assert_int_lt(st->gen, 4);
	c->unloads[st->gen]++;
	if (!fgone(c, st->gen))
		c->oldalive = 1;
	free(st);
}

static int
msgidx(const struct wctx *c, const char *id)
{
	int	 i;

	for (i = 0; i < c->nmsg; i++)
		if (strcmp(c->ids[i], id) == 0)
			return i;
	ck_abort_msg("unknown id %s", id);
	return -1;
}

static enum qrun_next
fdone(void *ctx, const char *id, int result, unsigned int tries)
{
	struct wctx	*c = ctx;
	int		 i = msgidx(c, id);
	char		 p[UNIT_PATHSZ + 80];

	c->ndone[i]++;
	c->result[i] = result;
	c->tries[i] = tries;
	if (result == 111)
		return QRUN_RETRY;
	(void)snprintf(p, sizeof p, "%s/new/%s", c->spool, id);
	ck_assert_int_eq(unlink(p), 0);
	c->nforget[i]++;
	if (++c->finished == 1 && c->late)
		spoolmsg(c, "ok");	/* must be seen without a rescan */
	/* a signal is one flag: the next one after the loop saw this one */
	if (c->finished >= c->hupat && c->sent < c->hups &&
	    c->pl.reloads + c->pl.reloadfails >= (unsigned long)c->sent) {
		c->sent++;
		if (c->poke[1] == -1)
			ck_assert_int_eq(kill(getpid(), SIGHUP), 0);
		else
			ck_assert_int_eq(write(c->poke[1], "x", 1), 1);
	}
	if (c->finished == c->want)
		ck_assert_int_eq(kill(getpid(), SIGTERM), 0);
	return QRUN_FORGET;
}

static void
fcrashed(void *ctx, const char *id, unsigned int n, const char *why)
{
	struct wctx	*c = ctx;
	int		 i = msgidx(c, id);

	c->ncrashed[i]++;
	c->crashes[i] = n;
	(void)snprintf(c->why[i], sizeof c->why[i], "%s", why);
}

static void
freaped(void *ctx, unsigned int no)
{
	struct wctx *c = ctx;

	c->reaped++;
	if (no >= c->workers)
		c->badno++;
}

static void
flog(void *ctx, enum mwlog_level lv, const char *line)
{
	struct wctx *c = ctx;

	ck_assert_int_eq(sa_catf(&c->logs, "%d %s\n", (int)lv, line), 0);
}

static int
fpoke(void *ctx)
{
	struct wctx	*c = ctx;
	char		 b[8];

	return read(c->poke[0], b, sizeof b) > 0;
}

/* --- the worker's callbacks (no ck_assert in a worker) ---------------- */

static void
wlog(const struct wctx *c, const char *what, const struct fstate *st,
    const char *arg)
{
	char	 line[200];
	int	 fd, n;

	n = snprintf(line, sizeof line, "%s %ld %d %s\n", what, (long)getpid(),
	    st->gen, arg);
	fd = open(c->log, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd == -1 || n <= 0 || (size_t)n >= sizeof line ||
	    write(fd, line, (size_t)n) != n)
		_exit(99);
	(void)close(fd);
}

/* 1 the first time for name, then 0 */
static int
wfirst(const struct wctx *c, const char *name)
{
	char	 p[UNIT_PATHSZ + 80];
	int	 fd;

	(void)snprintf(p, sizeof p, "%s/%s", c->mark, name);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1)
		return 0;
	(void)close(fd);
	return 1;
}

/* Open descriptors, or -1 without /proc. */
static int
nfds(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	(void)closedir(d);
	return n;
}

/* logs "init PID GEN NO NFDS": a worker holds none of its siblings' */
static int
winit(void *ctx, void *state, unsigned int no)
{
	struct wctx	*c = ctx;
	char		 n[32];

	(void)snprintf(n, sizeof n, "%u %d", no, nfds());
	wlog(c, "init", state, n);
	if (c->failinit && wfirst(c, "init"))
		return -1;
	return 0;
}

static void
wexit(void *ctx, void *state, unsigned int no)
{
	char	 n[16];

	(void)snprintf(n, sizeof n, "%u", no);
	wlog(ctx, "exit", state, n);
}

static void
wsleep(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* the tag after the second dot says what to do */
static int
wwork(void *ctx, void *state, const char *id)
{
	struct wctx	*c = ctx;
	const char	*tag = strchr(strchr(id, '.') + 1, '.') + 1;

	wlog(c, "work", state, id);
	if (strcmp(tag, "perm") == 0)
		return 100;
	if (strcmp(tag, "temp") == 0)
		return wfirst(c, id) ? 111 : 0;
	if (strcmp(tag, "slow") == 0)
		wsleep(100);
	else if (strcmp(tag, "hang") == 0 && wfirst(c, id))
		wsleep(30000);
	else if (strcmp(tag, "kill") == 0 && wfirst(c, id))
		(void)kill(getpid(), SIGKILL);
	else if (strcmp(tag, "exit") == 0 && wfirst(c, id))
		_exit(3);
	else if (strcmp(tag, "abort") == 0)
		abort();
	else if (strcmp(tag, "term") == 0) {
		(void)kill(getppid(), SIGTERM);
		wsleep(30000);
	}
	return 0;
}

/* --- set-up -------------------------------------------------------------- */

static void
spoolmsg(struct wctx *c, const char *tag)
{
	char	 tmp[UNIT_PATHSZ + 80], dst[UNIT_PATHSZ + 80];
	char	*id = c->ids[c->nmsg];

	ck_assert_int_lt(c->nmsg, MAXMSG);
	(void)snprintf(id, SPOOL_MAXID + 1, "1700000000.%d.%s", c->nmsg, tag);
	c->nmsg++;
	(void)snprintf(tmp, sizeof tmp, "%s/tmp/%s", c->spool, id);
	(void)snprintf(dst, sizeof dst, "%s/new/%s", c->spool, id);
	unit_writefile(tmp, "x\n", 2, 0640);
	ck_assert_int_eq(rename(tmp, dst), 0);
}

static struct wctx *
setup(unsigned int workers, unsigned int permessages)
{
	struct wctx	*c;
	struct wpool	*pl;

	ck_assert_ptr_nonnull(c = calloc(1, sizeof *c));
	unit_scratch_make();
	unit_scratch_path(c->spool, "q", NULL);
	unit_scratch_path(c->log, "log", NULL);
	unit_scratch_path(c->mark, "mark", NULL);
	ck_assert_int_eq(spool_mkdirs(c->spool, 0700), 0);
	ck_assert_int_eq(mkdir(c->mark, 0700), 0);
	unit_writefile(c->log, "", 0, 0600);
	c->poke[0] = c->poke[1] = -1;
	c->workers = workers;
	pl = &c->pl;
	pl->spool = c->spool;
	pl->workers = workers;
	pl->permessages = permessages;
	pl->maxcrash = 3;
	pl->timeout = 1;
	pl->rescan = 3600;	/* late messages must come by inotify */
	pl->retrybase = 1;
	pl->retrymax = 1;
	pl->pokefd = -1;
	pl->load = fload;
	pl->unload = funload;
	pl->worker_init = winit;
	pl->worker_exit = wexit;
	pl->work = wwork;
	pl->worker_reaped = freaped;
	pl->done = fdone;
	pl->crashed = fcrashed;
	pl->log = flog;
	pl->ctx = c;
	c->nfds = nfds();
	return c;
}

/* The loop returned: nothing left behind, every state unloaded once. */
static void
teardown(struct wctx *c, int gens)
{
	int	 g;

	ck_assert_ptr_null(c->pl.priv);
	ck_assert_uint_eq(c->pl.busy, 0);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(c->reaped, (int)c->pl.forks);
	ck_assert_uint_eq(c->badno, 0);
	for (g = 1; g < 4; g++)
		ck_assert_int_eq(c->unloads[g], g <= gens);
	ck_assert_int_eq(c->oldalive, 0);
	if (c->poke[0] != -1) {
		(void)close(c->poke[0]);
		(void)close(c->poke[1]);
	}
	ck_assert_int_eq(nfds(), c->nfds);	/* the parent closed all */
	sa_free(&c->logs);
	free(c);
	unit_scratch_remove();
}

/* Messages handled by each worker pid (from the workers' log). */
static int
workpids(struct wctx *c, long *pid, int *n, int *gen1, int *gen2)
{
	struct sa	 got = SA_ZERO;
	char		*line, *save = NULL;
	long		 p;
	int		 g, i, nf, npid = 0;

	*gen1 = *gen2 = 0;
	unit_readfile(c->log, &got);
	ck_assert_int_eq(sa_0(&got), 0);
	for (line = strtok_r(got.s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "init %ld %d %d %d", &p, &g, &i, &nf) == 4) {
			if (c->wnfds == 0)
				c->wnfds = nf;
			ck_assert_int_eq(nf, c->wnfds);
		}
		if (sscanf(line, "work %ld %d", &p, &g) != 2)
			continue;
		*(g == 1 ? gen1 : gen2) += 1;	/* gen2: 2 and later */
		for (i = 0; i < npid && pid[i] != p; i++)
			;
		if (i == npid) {
			ck_assert_int_lt(npid, MAXPID);
			pid[npid] = p;
			n[npid++] = 0;
		}
		n[i]++;
	}
	sa_free(&got);
	return npid;
}

/* Lines of the workers' log starting with what. */
static int
nlines(struct wctx *c, const char *what)
{
	struct sa	 got = SA_ZERO;
	char		*line, *save = NULL;
	int		 n = 0;

	unit_readfile(c->log, &got);
	ck_assert_int_eq(sa_0(&got), 0);
	for (line = strtok_r(got.s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		n += strncmp(line, what, strlen(what)) == 0;
	sa_free(&got);
	return n;
}

/* --- the tests ------------------------------------------------------------ */

static const char *const mixtags[] = {
	"ok", "perm", "ok", "temp", "hang", "kill", "exit", "abort", "ok", "ok",
};
#define NMIX	(int)(sizeof mixtags / sizeof mixtags[0])

START_TEST(pool_runs_all)
{
	struct sa	 err = SA_ZERO;
	struct wctx	*c = setup(3, 2);
	long		 pid[MAXPID];
	int		 n[MAXPID], g1, g2, i, np;

	for (i = 0; i < NMIX; i++)
		spoolmsg(c, mixtags[i]);
	c->want = NMIX + 1;
	c->late = 1;
	ck_assert_int_eq(wpool_loop(&c->pl, &err), 0);
	ck_assert_int_eq(c->finished, NMIX + 1);
	ck_assert_int_eq(c->nforget[NMIX], 1);
	for (i = 0; i < NMIX; i++) {
		ck_assert_int_eq(c->nforget[i], 1);
		ck_assert_int_eq(c->ndone[i], 1 + (strcmp(mixtags[i], "temp") ==
		    0));
	}
	for (i = 0; i < 4; i++)		/* temp: the second try settles it */
		ck_assert_uint_eq(c->tries[i], 1 + (strcmp(mixtags[i],
		    "temp") == 0));
	ck_assert_int_eq(c->result[1], 100);
	ck_assert_int_eq(c->result[3], 0);
	for (i = 4; i <= 6; i++) {	/* hang, kill, exit: crash once */
		ck_assert_int_eq(c->result[i], 0);
		ck_assert_int_eq(c->ncrashed[i], 1);
		ck_assert_uint_eq(c->crashes[i], 1);
	}
	ck_assert_str_eq(c->why[4], "timeout");
	ck_assert_str_eq(c->why[5], "signal 9");
	ck_assert_str_eq(c->why[6], "exit 3");
	ck_assert_int_eq(c->result[7], WPOOL_CRASHED);	/* abort */
	ck_assert_int_eq(c->ncrashed[7], 3);
	ck_assert_uint_eq(c->crashes[7], 3);
	ck_assert_str_eq(c->why[7], "signal 6");
	ck_assert_uint_eq(c->tries[7], 3);
	for (i = 0; i < NMIX; i++)
		if (i < 4 || i > 7)
			ck_assert_int_eq(c->ncrashed[i], 0);
	ck_assert_int_eq(unit_count(c->spool, "new", NULL), 0);
	ck_assert_int_eq(c->loads, 1);
	np = workpids(c, pid, n, &g1, &g2);
	ck_assert_int_ge(np, 3);
	for (i = 0; i < np; i++)
		ck_assert_int_le(n[i], 2);	/* permessages */
	ck_assert_int_eq(g2, 0);
	sa_free(&err);
	teardown(c, 1);
}
END_TEST

/* One worker, so the count of forks is exact. */
struct forkcase {
	unsigned int	 permessages;
	int		 nmsg;
	unsigned long	 wantforks;
};

static const struct forkcase forks[] = {
	{ 1, 5, 5 },	/* strict fork-per-message */
	{ 3, 7, 3 },	/* 3 + 3 + 1 */
	{ 0, 6, 1 },	/* no limit */
};

START_TEST(pool_forks)
{
	const struct forkcase	*fc = &forks[_i];
	struct sa		 err = SA_ZERO;
	struct wctx		*c = setup(1, fc->permessages);
	long			 pid[MAXPID];
	int			 n[MAXPID], g1, g2, i, np;

	for (i = 0; i < fc->nmsg; i++)
		spoolmsg(c, "ok");
	c->want = fc->nmsg;
	ck_assert_int_eq(wpool_loop(&c->pl, &err), 0);
	ck_assert_int_eq(c->finished, fc->nmsg);
	ck_assert_uint_eq(c->pl.forks, fc->wantforks);
	np = workpids(c, pid, n, &g1, &g2);
	ck_assert_int_eq(np, (int)fc->wantforks);
	ck_assert_int_eq(nlines(c, "exit "), (int)fc->wantforks);
	for (i = 0; i < np; i++)
		if (fc->permessages != 0)
			ck_assert_int_le(n[i], (int)fc->permessages);
	sa_free(&err);
	teardown(c, 1);
}
END_TEST

/* A reload while messages flow: by SIGHUP, by poke, one whose load()
 * fails, and a second one asked for while the first one's old workers
 * still run (it waits for their state's unload). */
struct reloadcase {
	int	 poke;
	int	 fail;
	int	 hups;
};

static const struct reloadcase reloads[] = {
	{ 0, 0, 1 },
	{ 1, 0, 1 },
	{ 0, 1, 1 },
	{ 0, 0, 2 },
};

#define NSLOW	12

START_TEST(pool_reload)
{
	const struct reloadcase	*rc = &reloads[_i];
	struct sa		 err = SA_ZERO;
	struct wctx		*c = setup(2, 0);
	long			 pid[MAXPID];
	int			 n[MAXPID], g1, g2, i;

	for (i = 0; i < NSLOW; i++)
		spoolmsg(c, "slow");
	c->want = NSLOW;
	c->hupat = 3;
	c->hups = rc->hups;
	if (rc->poke) {
		ck_assert_int_eq(pipe(c->poke), 0);
		c->pl.poke = fpoke;
		c->pl.pokefd = c->poke[0];
	}
	if (rc->fail)
		c->failload = 2;
	ck_assert_int_eq(wpool_loop(&c->pl, &err), 0);
	ck_assert_int_eq(c->finished, NSLOW);
	for (i = 0; i < NSLOW; i++) {
		ck_assert_int_eq(c->nforget[i], 1);
		ck_assert_int_eq(c->ndone[i], 1);
		ck_assert_int_eq(c->result[i], 0);
		ck_assert_int_eq(c->ncrashed[i], 0);
	}
	ck_assert_int_eq(c->loads, 1 + rc->hups);
	(void)workpids(c, pid, n, &g1, &g2);
	ck_assert_int_ge(g1, 3);
	ck_assert_ptr_nonnull(c->logs.s);
	ck_assert_int_eq(sa_0(&c->logs), 0);
	if (rc->fail) {
		ck_assert_uint_eq(c->pl.reloads, 0);
		ck_assert_uint_eq(c->pl.reloadfails, 1);
		ck_assert_uint_eq(c->pl.gen, 1);
		ck_assert_int_eq(g2, 0);
		ck_assert_ptr_nonnull(strstr(c->logs.s, "1 reload-failed gen=1 "
		    "reason=\"broken database\"\n"));
		teardown(c, 1);
	} else {
		ck_assert_uint_eq(c->pl.reloads, (unsigned long)rc->hups);
		ck_assert_uint_eq(c->pl.gen, 1 + (unsigned int)rc->hups);
		ck_assert_int_ge(g2, 1);	/* generations 2 and later */
		ck_assert_ptr_nonnull(strstr(c->logs.s, "2 reload gen=2\n"));
		teardown(c, 1 + rc->hups);
	}
	sa_free(&err);
}
END_TEST

/* Pokes 50 ms apart, settle 300 ms, 16 messages of 100 ms on two
 * workers: one reload, after the last poke. */
START_TEST(pool_settle)
{
	struct sa	 err = SA_ZERO;
	struct wctx	*c = setup(2, 0);
	pid_t		 kid;
	int		 i;

	for (i = 0; i < MAXMSG; i++)
		spoolmsg(c, "slow");
	c->want = MAXMSG;
	ck_assert_int_eq(pipe(c->poke), 0);
	c->pl.poke = fpoke;
	c->pl.pokefd = c->poke[0];
	c->pl.settle = 300;
	if ((kid = fork()) == 0) {
		for (i = 0; i < 4; i++) {
			wsleep(50);
			if (write(c->poke[1], "x", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	ck_assert_int_ne(kid, -1);
	ck_assert_int_eq(wpool_loop(&c->pl, &err), 0);
	ck_assert_int_eq(c->finished, MAXMSG);
	ck_assert_uint_eq(c->pl.reloads, 1);
	ck_assert_int_eq(c->loads, 2);
	teardown(c, 2);
	sa_free(&err);
}
END_TEST

/* SIGTERM: the busy worker finishes, nothing more is started. */
START_TEST(pool_drains)
{
	struct sa	 err = SA_ZERO;
	struct wctx	*c = setup(2, 0);
	int		 i;

	for (i = 0; i < 6; i++)
		spoolmsg(c, "slow");
	c->want = 1;
	ck_assert_int_eq(wpool_loop(&c->pl, &err), 0);
	ck_assert_int_eq(c->finished, 2);
	ck_assert_int_eq(unit_count(c->spool, "new", NULL), 4);
	ck_assert_uint_eq(c->pl.forks, 2);
	sa_free(&err);
	teardown(c, 1);
}
END_TEST

/* SIGTERM while a worker hangs: the timeout bounds the drain. */
START_TEST(pool_drains_bounded)
{
	struct sa		 err = SA_ZERO;
	struct wctx		*c = setup(1, 0);
	unsigned long long	 t0 = qwatch_now();

	spoolmsg(c, "term");
	ck_assert_int_eq(wpool_loop(&c->pl, &err), 0);
	ck_assert_uint_lt(qwatch_now() - t0, 5000);
	ck_assert_int_eq(c->ndone[0], 0);
	ck_assert_int_eq(c->ncrashed[0], 1);
	ck_assert_str_eq(c->why[0], "timeout");
	ck_assert_int_eq(unit_count(c->spool, "new", NULL), 1);
	sa_free(&err);
	teardown(c, 1);
}
END_TEST

/* A worker that dies idle is replaced, a second later. */
START_TEST(pool_init_fails)
{
	struct sa	 err = SA_ZERO;
	struct wctx	*c = setup(1, 0);

	spoolmsg(c, "ok");
	spoolmsg(c, "ok");
	c->want = 2;
	c->failinit = 1;
	ck_assert_int_eq(wpool_loop(&c->pl, &err), 0);
	ck_assert_int_eq(c->finished, 2);
	ck_assert_uint_eq(c->pl.forks, 2);
	ck_assert_int_eq(sa_0(&c->logs), 0);
	ck_assert_ptr_nonnull(strstr(c->logs.s, "1 worker-died worker=0 "));
	ck_assert_ptr_nonnull(strstr(c->logs.s, " why=\"exit 111\"\n"));
	sa_free(&err);
	teardown(c, 1);
}
END_TEST

/* The parent dies (SIGKILL): each worker sees its socket end and exits
 * through worker_exit(); we reap the orphans as their subreaper. */
START_TEST(pool_parent_dies)
{
	struct sa		 err = SA_ZERO;
	struct wctx		*c = setup(2, 0);
	unsigned long long	 t0;
	pid_t			 d, pid;
	int			 st, n = 0;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	if ((d = fork()) == 0)
		_exit(wpool_loop(&c->pl, &err) == 0 ? 0 : 1);
	ck_assert_int_gt(d, 0);
	for (t0 = qwatch_now(); nlines(c, "init ") < 2 &&
	    qwatch_now() - t0 < 10000;)
		wsleep(10);
	ck_assert_int_eq(nlines(c, "init "), 2);
	ck_assert_int_eq(kill(d, SIGKILL), 0);
	ck_assert_int_eq(waitpid(d, &st, 0), d);
	ck_assert(WIFSIGNALED(st));
	for (t0 = qwatch_now(); n < 2 && qwatch_now() - t0 < 10000;)
		if ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			ck_assert(WIFEXITED(st));
			ck_assert_int_eq(WEXITSTATUS(st), 0);
			n++;
		} else
			wsleep(10);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(nlines(c, "exit "), 2);
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), 0);
	free(c);
	unit_scratch_remove();
}
END_TEST

START_TEST(pool_cannot_start)
{
	struct sa	 err = SA_ZERO;
	struct wctx	*c = setup(2, 0);

	/* no spool: no load() */
	c->pl.spool = "/nonexistent/q";
	ck_assert_int_eq(wpool_loop(&c->pl, &err), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(c->loads, 0);
	ck_assert_ptr_null(c->pl.priv);
	ck_assert_int_eq(sa_0(&err), 0);
	ck_assert_str_eq(err.s, "unable to read /nonexistent/q/new: "
	    "No such file or directory");
	/* load() fails: its reason */
	c->pl.spool = c->spool;
	c->failload = 1;
	ck_assert_int_eq(wpool_loop(&c->pl, &err), -1);
	ck_assert_int_eq(c->loads, 1);
	ck_assert_int_eq(sa_0(&err), 0);
	ck_assert_str_eq(err.s, "broken database");
	ck_assert_uint_eq(c->pl.forks, 0);
	/* bad settings */
	c->pl.workers = 0;
	ck_assert_int_eq(wpool_loop(&c->pl, &err), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(c->loads, 1);
	sa_free(&err);
	teardown(c, 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("wpool");
	TCase	*tc = tcase_create("pool");

	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_test(tc, pool_runs_all);
	tcase_add_loop_test(tc, pool_forks, 0, sizeof forks / sizeof forks[0]);
	tcase_add_test(tc, pool_settle);
	tcase_add_loop_test(tc, pool_reload, 0,
	    sizeof reloads / sizeof reloads[0]);
	tcase_add_test(tc, pool_drains);
	tcase_add_test(tc, pool_drains_bounded);
	tcase_add_test(tc, pool_init_fails);
	tcase_add_test(tc, pool_parent_dies);
	tcase_add_test(tc, pool_cannot_start);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
