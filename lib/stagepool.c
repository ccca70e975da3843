/* ISC license. */
/* stagepool.c: a scan stage's daemon mode; see stage.h.
 *
 * wpool.h runs the workers; here is what they do with a message and
 * where its result goes.  A worker reads SPOOL/new/ID, scans it, and
 * writes the result durably to OUT/tmp/ID or QUAR/tmp/ID; the parent,
 * once the worker has answered, renames that into new/ and removes the
 * input (commit), so a worker that dies half-way loses nothing.  The
 * parent never reads message data, except to hold a message that
 * failed too often (quar.h). */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bio.h"
#include "envelope.h"
#include "mw_exit.h"
#include "quar.h"
#include "rmtree.h"
#include "spool.h"
#include "stage.h"
#include "wpool.h"

struct pool {
	struct stage	*sg;
	char		 crash[64];	/* the last crash's reason */
};

/* SPOOL/SUB/ID, or NULL: out of memory */
static char *
path(const char *spool, const char *sub, const char *id)
{
	struct sa	 p = SA_ZERO;

	if (sa_catf(&p, "%s/%s/%s", spool, sub, id) == -1 || sa_0(&p) == -1) {
		sa_free(&p);
		return NULL;
	}
	return p.s;
}

/* Write data durably to SPOOL/tmp/ID (not yet renamed: the parent does
 * that once the worker has answered). */
static int
tmpwrite(const struct stage *sg, const char *spool, const char *id,
    const struct sa *data)
{
	char		*fn = path(spool, "tmp", id);
	struct bio	 b;
	char		 buf[8192];
	int		 fd, r = -1;

	if (fn == NULL)
		return -1;
	(void)unlink(fn);
	fd = open(fn, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd != -1) {
		bio_init(&b, fd, bio_op_write, buf, sizeof buf);
		r = bio_put(&b, data->s, data->len) == -1 ||
		    bio_flush(&b) == -1 || fsync(fd) == -1 ? -1 : 0;
		if (close(fd) == -1)
			r = -1;
		if (r == -1)
			(void)unlink(fn);
	}
	if (r == -1)
		stage_log(sg, MWLOG_WARN, "%s unable to write %s: %s", id, fn,
		    strerror(errno));
	free(fn);
	return r;
}

/* worker: one message */
static int
work(void *ctx, void *st, const char *id)
{
	struct pool	*pl = ctx;
	struct stage	*sg = pl->sg;
	struct sa	 in = SA_ZERO, out = SA_ZERO;
	char		*fn = path(sg->in, "new", id);
	int		 fd, code, bare;

	if (fn == NULL)
		return MW_TEMP;
	if ((fd = open(fn, O_RDONLY | O_CLOEXEC)) == -1) {
		stage_log(sg, MWLOG_WARN, "%s unable to open %s: %s", id, fn,
		    strerror(errno));
		free(fn);
		return MW_TEMP;
	}
	free(fn);
	if (spool_slurp(fd, &in, sg->lim.maxinput + ENVELOPE_MAXBLOCK) ==
	    -1) {
		code = errno == EFBIG ? MW_PERM : MW_TEMP;
		stage_log(sg, MWLOG_WARN, "%s unable to read: %s", id,
		    errno == EFBIG ? "over the engine's input limit" :
		    strerror(errno));
		(void)close(fd);
		sa_free(&in);
		return code;	/* too big: held by done() with a reason */
	}
	(void)close(fd);
	code = stage_process(sg, st, id, &in, &out, &bare);
	if (code != MW_TEMP && tmpwrite(sg, code == MW_OK ? sg->out :
	    sg->quar, id, &out) == -1)
		code = MW_TEMP;
	sa_free(&in);
	sa_free(&out);
	return code;
}

/* Move a worker's SPOOL/tmp/ID into SPOOL/new and drop the input; 1 if
 * the worker wrote nothing there, -1 on failure. */
static int
commit(const struct stage *sg, const char *spool, const char *id)
{
	char	*tmp = path(spool, "tmp", id), *in = path(sg->in, "new", id);
	char	*dir = path(sg->in, "new", "");
	int	 r = -1;

	if (tmp == NULL || in == NULL || dir == NULL)
		errno = ENOMEM;
	else if (access(tmp, F_OK) == -1)
		r = 1;
	else if (spool_move(tmp, spool, id) == 0 && unlink(in) == 0 &&
	    spool_fsyncdir(dir) == 0)
		r = 0;
	if (r == -1)
		stage_log(sg, MWLOG_WARN, "%s unable to move to %s: %s", id,
		    spool, strerror(errno));
	free(tmp);
	free(in);
	free(dir);
	return r;
}

static void
droptmp(const struct stage *sg, const char *id)
{
	char	*a = path(sg->out, "tmp", id), *b = path(sg->quar, "tmp", id);

	if (a != NULL)
		(void)unlink(a);
	if (b != NULL)
		(void)unlink(b);
	free(a);
	free(b);
}

/* Hold the input itself, with verdict and reason. */
static enum qrun_next
hold(const struct stage *sg, const char *id, const char *why)
{
	char	*in = path(sg->in, "new", id);
	char	 w[200];
	int	 r;

	r = in == NULL ? -1 : quar_hold(in, sg->quar, id, why);
	if (r == -1)
		stage_log(sg, MWLOG_WARN, "%s unable to quarantine: %s", id,
		    strerror(errno));
	else
		stage_log(sg, MWLOG_WARN, "%s verdict=quarantined reason=%s",
		    id, mwlog_escs(w, sizeof w, why));
	free(in);
	return r == 0 ? QRUN_FORGET : QRUN_RETRY;
}

static enum qrun_next
done(void *ctx, const char *id, int result, unsigned int tries)
{
	struct pool	*pl = ctx;
	struct stage	*sg = pl->sg;
	char		 why[128];
	int		 r;

	if (result == MW_OK || result == MW_PERM) {
		r = commit(sg, result == MW_OK ? sg->out : sg->quar, id);
		if (r == 1 && result == MW_PERM)	/* unreadable */
			return hold(sg, id, "limit input over the engine's "
			    "limit");
		return r == 0 ? QRUN_FORGET : QRUN_RETRY;
	}
	droptmp(sg, id);
	if (result == WPOOL_CRASHED) {
		(void)snprintf(why, sizeof why, "crashed %lu times, the last: "
		    "%s", sg->maxcrash, pl->crash);
		return hold(sg, id, why);
	}
	if (tries >= sg->maxfail) {
		(void)snprintf(why, sizeof why, "failed %u times (temporary "
		    "errors)", tries);
		return hold(sg, id, why);
	}
	if (spool_idtime(id) != 0 && qrunconf_expired(&sg->q,
	    spool_idtime(id), (unsigned long long)time(NULL)))
		return hold(sg, id, "queue lifetime over");
	stage_log(sg, MWLOG_INFO, "%s deferred exit=%d tries=%u", id, result,
	    tries);
	return QRUN_RETRY;
}

static void
crashed(void *ctx, const char *id, unsigned int n, const char *why)
{
	struct pool	*pl = ctx;
	char		 w[64];

	(void)snprintf(pl->crash, sizeof pl->crash, "%s", why);
	stage_log(pl->sg, MWLOG_WARN, "%s crashed why=%s count=%u", id,
	    mwlog_escs(w, sizeof w, why), n);
}

/* tmp/SPOOL.N: worker N's directory, named after the input spool's
 * last component, so the stages of a chain in one home (queue/scan,
 * queue/scan2, ...) never share one: a stage removes its reaped
 * workers' directories. */
static char *
workdir(const struct stage *sg, unsigned int no)
{
	struct sa	 p = SA_ZERO;
	const char	*base = strrchr(sg->in, '/');

	base = base != NULL ? base + 1 : sg->in;
	if (sa_catf(&p, "tmp/%s.%u", base, no) == -1 || sa_0(&p) == -1) {
		sa_free(&p);
		return NULL;
	}
	return p.s;
}

/* a worker's private temporary directory, made afresh */
static int
worker_init(void *ctx, void *st, unsigned int no)
{
	struct pool	*pl = ctx;
	char		*d = workdir(pl->sg, no);
	int		 r = -1;

	if (d != NULL && (mkdir("tmp", 0700) == 0 || errno == EEXIST) &&
	    (rmtree(d) == 0) && mkdir(d, 0700) == 0 &&
	    (pl->sg->eng->worker_init == NULL ||
	    pl->sg->eng->worker_init(pl->sg->eng->ctx, st, d) == 0))
		r = 0;
	free(d);
	return r;
}

static void
worker_reaped(void *ctx, unsigned int no)
{
	struct pool	*pl = ctx;
	char		*d = workdir(pl->sg, no);

	if (d != NULL && rmtree(d) == -1)
		stage_log(pl->sg, MWLOG_WARN, "- unable to remove %s: %s", d,
		    strerror(errno));
	free(d);
}

static void *
load(void *ctx, struct sa *err)
{
	struct pool	*pl = ctx;

	return pl->sg->eng->load(pl->sg->eng->ctx, err);
}

static void
unload(void *ctx, void *st)
{
	struct pool	*pl = ctx;

	pl->sg->eng->unload(pl->sg->eng->ctx, st);
}

static int
poke(void *ctx)
{
	struct pool	*pl = ctx;

	return pl->sg->eng->poke(pl->sg->eng->ctx);
}

static void
wlog(void *ctx, enum mwlog_level level, const char *line)
{
	struct pool	*pl = ctx;

	stage_log(pl->sg, level, "- %s", line);
}

int
stage_daemon(struct stage *sg, struct sa *err)
{
	struct wpool	 w;
	struct pool	 pl;

	memset(&pl, 0, sizeof pl);
	pl.sg = sg;
	(void)snprintf(pl.crash, sizeof pl.crash, "-");
	memset(&w, 0, sizeof w);
	w.spool = sg->in;
	w.workers = (unsigned int)sg->workers;
	w.permessages = (unsigned int)sg->permessages;
	w.maxcrash = (unsigned int)sg->maxcrash;
	w.timeout = (unsigned int)sg->timeout;
	w.rescan = (unsigned int)sg->q.rescan;
	w.retrybase = (unsigned int)sg->q.retrybase;
	w.retrymax = (unsigned int)sg->q.retrymax;
	w.pokefd = sg->eng->poke != NULL ? sg->eng->pokefd : -1;
	w.settle = sg->eng->settle;
	w.load = load;
	w.unload = unload;
	w.worker_init = worker_init;
	w.work = work;
	w.worker_reaped = worker_reaped;
	w.done = done;
	w.crashed = crashed;
	w.log = wlog;
	w.poke = sg->eng->poke != NULL ? poke : NULL;
	w.ctx = &pl;
	stage_log(sg, MWLOG_INFO, "- start spool=%s out=%s quarantine=%s "
	    "workers=%u permessages=%u", sg->in, sg->out, sg->quar,
	    w.workers, w.permessages);
	if (wpool_loop(&w, err) == -1)
		return -1;
	stage_log(sg, MWLOG_INFO, "- stop");
	return 0;
}
