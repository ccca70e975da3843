/* ISC license. */
/* scan-stage-clamav: scan messages with libclamav and cut out what is
 * infected.  Filter mode reads a spool file (or a bare message) on
 * standard input and writes the same form on standard output; daemon
 * mode (-D) owns a spool with pre-forked workers sharing one engine.
 * See scan-stage-clamav(8). */
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
#include "cav.h"
#include "control.h"
#include "envelope.h"
#include "mime.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "qrunconf.h"
#include "rmtree.h"
#include "scanmsg.h"
#include "spool.h"
#include "wpool.h"

#define USAGE	"usage: scan-stage-clamav [-d DBDIR] " \
		"[-D [-i SPOOL] [-o SPOOL] [-q SPOOL]]"
#define STAGE	"clamav"
/* the longest "viruses" value written: an envelope line is at most
 * ENVELOPE_MAXLINE bytes, and a longer one would fail every retry */
#define VIRUSES_MAX	(ENVELOPE_MAXLINE - 64)

struct conf {
	const char		*dbdir;
	const char		*in, *out, *quar;
	struct cav_limits	 lim;
	struct scanmsg_conf	 scan;
	unsigned long		 databytes;
	unsigned long		 workers, permessages, timeout, maxcrash;
	struct qrunconf		 q;
};

static struct conf	 cf;
static struct sa	 dbdir_sa = SA_ZERO;

static void MW_NORETURN
die(int code, const char *what, const char *detail)
{
	if (detail != NULL)
		mwlog(MWLOG_FATAL, "%s: %s", what, detail);
	else
		mwlog(MWLOG_FATAL, "%s", what);
	_exit(code);
}

static void MW_NORETURN
die_usage(void)
{
	die(MW_TEMP, USAGE, NULL);
}

static void MW_NORETURN
die_control(const struct sa *err)
{
	die(MW_TEMP, err->s != NULL ? err->s : "control file", NULL);
}

/* --- configuration ------------------------------------------------------ */

static void
config_num(const char *fn, unsigned long min, unsigned long max,
    unsigned long dflt, unsigned long *val)
{
	struct sa	 err = SA_ZERO;

	if (control_readuint(fn, min, max, dflt, val, &err) == -1) {
		(void)sa_0(&err);
		die_control(&err);
	}
	sa_free(&err);
}

static void
config_mode(void)
{
	struct sa	 v = SA_ZERO, err = SA_ZERO;
	int		 r = control_readline("control/unscannable", &v, &err);

	if (r == -1) {
		(void)sa_0(&err);
		die_control(&err);
	}
	if (r == 1 && sa_eqs(&v, "quarantine"))
		cf.scan.unscannable_quarantine = 1;
	else if (r == 1 && !sa_eqs(&v, "remove"))
		die(MW_TEMP, "control/unscannable line 1: not remove or "
		    "quarantine", NULL);
	sa_free(&v);
	sa_free(&err);
}

static void
config_dbdir(void)
{
	struct sa	 err = SA_ZERO;
	int		 r;

	if (cf.dbdir != NULL)
		return;
	r = control_readline("control/databases", &dbdir_sa, &err);
	if (r == -1) {
		(void)sa_0(&err);
		die_control(&err);
	}
	if (r == 0 && sa_copys(&dbdir_sa, "/var/lib/clamav") == -1)
		die(MW_TEMP, "out of memory", NULL);
	if (sa_0(&dbdir_sa) == -1)
		die(MW_TEMP, "out of memory", NULL);
	cf.dbdir = dbdir_sa.s;
	sa_free(&err);
}

/* Every limit is a control file; the largest message smtp-recv takes
 * must fit in libclamav's. */
static void
config(void)
{
	unsigned long	 u;

	cav_limits_default(&cf.lim);
	scanmsg_conf_default(&cf.scan);
	config_num("control/databytes", 1, 1UL << 30, 35UL << 20,
	    &cf.databytes);
	config_num("control/clamav-maxscansize", 1, 4UL << 30,
	    cf.lim.maxscansize, &u);
	cf.lim.maxscansize = u;
	config_num("control/clamav-maxfilesize", 1, 4UL << 30,
	    cf.lim.maxfilesize, &u);
	cf.lim.maxfilesize = u;
	config_num("control/clamav-maxrecursion", 1, 64, cf.lim.maxrecursion,
	    &u);
	cf.lim.maxrecursion = (unsigned int)u;
	config_num("control/clamav-maxfiles", 1, 1000000, cf.lim.maxfiles, &u);
	cf.lim.maxfiles = (unsigned int)u;
	config_num("control/clamav-maxscantime", 1000, 3600000,
	    cf.lim.maxscantime, &u);
	cf.lim.maxscantime = (unsigned int)u;
	config_num("control/clamav-nocache", 0, 1, 0, &u);	/* benchmarks */
	cf.lim.nocache = (int)u;
	config_num("control/mimedepth", 1, MIME_HARDDEPTH, MIME_MAXDEPTH, &u);
	cf.scan.maxdepth = (unsigned int)u;
	config_num("control/mimeparts", 1, 100000, MIME_MAXPARTS, &u);
	cf.scan.maxparts = u;
	cf.scan.maxdecode = cf.lim.maxfilesize;
	if (cf.lim.maxscansize < cf.databytes ||
	    cf.lim.maxfilesize < cf.databytes)
		die(MW_TEMP, "control/clamav-maxscansize and "
		    "clamav-maxfilesize must be at least control/databytes",
		    NULL);
	config_mode();
	config_dbdir();
}

static struct cav_engine *
engine_load(struct sa *why)
{
	struct cav_engine	*eng;
	struct cav_err		 err;

	if (cav_engine_load(cf.dbdir, &cf.lim, &eng, &err) == -1) {
		why->len = 0;
		(void)sa_cats(why, err.s);
		(void)sa_0(why);
		return NULL;
	}
	return eng;
}

/* --- one message ---------------------------------------------------------- */

/* Cut a list of names longer than VIRUSES_MAX after a whole name, and
 * say so with "...". */
static int
names_cut(struct sa *v)
{
	size_t	 n;

	if (v->len <= VIRUSES_MAX)
		return 0;
	for (n = VIRUSES_MAX - 4; n > 0 && v->s[n] != ','; n--)
		;
	v->len = n;
	return sa_cats(v, n > 0 ? ",..." : "...");
}

/* Record the stage's findings in the envelope. */
static int
envelope_note(struct envelope *e, const struct cav_engine *eng,
    const struct scanmsg_result *res)
{
	struct cav_info	 info;
	struct sa	 v = SA_ZERO;
	const char	*old;
	size_t		 n;
	int		 r = -1;

	cav_engine_info(eng, &info);
	old = envelope_get(e, "verdict", &n);
	if (res->verdict == SCANMSG_CLEAN && old != NULL && n == 7 &&
	    memcmp(old, "cleaned", 7) == 0)
		;	/* an earlier stage cut something: it stays cleaned */
	else if (envelope_set(e, "verdict", scanmsg_verdictname(res->verdict),
	    strlen(scanmsg_verdictname(res->verdict))) == -1)
		goto out;
	if (res->viruses.len > 0) {
		if ((old = envelope_get(e, "viruses", &n)) != NULL &&
		    (sa_catb(&v, old, n) == -1 || sa_catc(&v, ',') == -1))
			goto out;
		if (sa_cat(&v, &res->viruses) == -1 || names_cut(&v) == -1 ||
		    envelope_set(e, "viruses", v.s, v.len) == -1)
			goto out;
	}
	v.len = 0;
	if ((old = envelope_get(e, "scanned", &n)) != NULL &&
	    (sa_catb(&v, old, n) == -1 || sa_catc(&v, ' ') == -1))
		goto out;
	if (sa_catf(&v, "%s/%s/%s", STAGE, info.engine, info.db) == -1 ||
	    envelope_set(e, "scanned", v.s, v.len) == -1)
		goto out;
	r = 0;
out:
	sa_free(&v);
	return r;
}

static void
logresult(const char *id, const struct scanmsg_result *res, size_t bytes,
    struct timespec *t0)
{
	struct timespec	 t1;
	char		 vir[400], why[300];
	long long	 ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0->tv_sec) * 1000LL +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
	mwlog(res->verdict == SCANMSG_TEMP ? MWLOG_WARN : MWLOG_INFO,
	    "%s verdict=%s viruses=%s removed=%zu scans=%zu bytes=%zu ms=%lld"
	    " reason=%s", id, scanmsg_verdictname(res->verdict),
	    mwlog_esc(vir, sizeof vir, res->viruses.s, res->viruses.len),
	    res->removed, res->scans, bytes, ms,
	    mwlog_esc(why, sizeof why, res->reason.s, res->reason.len));
}

/* Scan the spool file or bare message in buf; on 0 or 100 out holds
 * what to write (for 100: the message with its verdict, to keep). */
static int
process(const struct cav_engine *eng, const char *id, const struct sa *buf,
    struct sa *out, int *bare)
{
	struct envelope		 e = ENVELOPE_ZERO;
	struct scanmsg_result	 res = SCANMSG_RESULT_ZERO;
	struct timespec		 t0;
	const char		*msg = buf->s;
	size_t			 len = buf->len, hl = 0;
	int			 r, code;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	r = envelope_parse(&e, buf->s, buf->len, &hl);
	*bare = r == ENVELOPE_BARE;
	if (r != ENVELOPE_OK && !*bare) {
		mwlog(MWLOG_WARN, "%s malformed %s", id, envelope_strerror(r));
		envelope_free(&e);
		/* quarantined as it came: out must not be empty */
		out->len = 0;
		return r == ENVELOPE_NOMEM || sa_cat(out, buf) == -1 ?
		    MW_TEMP : MW_PERM;
	}
	if (!*bare) {
		if (sa_0(&e.id) == 0)
			id = e.id.s;
		msg += hl;
		len -= hl;
	}
	(void)scanmsg_run(eng, &cf.scan, msg, len, id, &res);
	logresult(id, &res, len, &t0);
	code = res.verdict == SCANMSG_TEMP ? MW_TEMP :
	    res.verdict == SCANMSG_QUARANTINE ? MW_PERM : MW_OK;
	out->len = 0;
	if (code != MW_TEMP && ((!*bare && (envelope_note(&e, eng, &res) ==
	    -1 || (code == MW_PERM && envelope_set(&e, "quarantine",
	    res.reason.s, res.reason.len) == -1) ||
	    envelope_fmt(&e, out) == -1)) ||
	    (res.verdict == SCANMSG_CLEANED ? sa_cat(out, &res.out) :
	    sa_catb(out, msg, len)) == -1))
		code = MW_TEMP;
	envelope_free(&e);
	scanmsg_free(&res);
	return code;
}

/* --- filter mode ------------------------------------------------------------ */

static int
filter(void)
{
	struct cav_engine	*eng;
	struct sa		 in = SA_ZERO, out = SA_ZERO, why = SA_ZERO;
	struct bio		 b;
	char			 buf[8192];
	int			 code, bare;

	if ((eng = engine_load(&why)) == NULL)
		die(MW_TEMP, "unable to load the databases", why.s);
	if (spool_slurp(0, &in, cf.lim.maxscansize + ENVELOPE_MAXBLOCK) == -1) {
		if (errno == EFBIG) {
			mwlog(MWLOG_WARN, "- verdict=quarantined "
			    "reason=\"limit MaxScanSize (input)\"");
			return MW_PERM;
		}
		die(MW_TEMP, "unable to read standard input", strerror(errno));
	}
	code = process(eng, "-", &in, &out, &bare);
	if (code == MW_OK) {
		bio_init(&b, 1, bio_op_write, buf, sizeof buf);
		if (bio_put(&b, out.s, out.len) == -1 || bio_flush(&b) == -1)
			die(MW_TEMP, "unable to write standard output",
			    strerror(errno));
	}
	cav_engine_free(eng);
	sa_free(&in);
	sa_free(&out);
	sa_free(&why);
	return code;
}

/* --- daemon mode -------------------------------------------------------------- */

static char *
path(const char *spool, const char *sub, const char *id)
{
	struct sa	 p = SA_ZERO;

	if (sa_catf(&p, "%s/%s/%s", spool, sub, id) == -1 || sa_0(&p) == -1)
		die(MW_TEMP, "out of memory", NULL);
	return p.s;
}

/* Write data durably to SPOOL/tmp/ID (not yet renamed: the parent does
 * that once the worker has answered). */
static int
tmpwrite(const char *spool, const char *id, const struct sa *data)
{
	char		*fn = path(spool, "tmp", id);
	struct bio	 b;
	char		 buf[8192];
	int		 fd, r = -1;

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
		mwlog(MWLOG_WARN, "%s unable to write %s: %s", id, fn,
		    strerror(errno));
	free(fn);
	return r;
}

static int
work(void *ctx, void *st, const char *id)
{
	struct sa	 in = SA_ZERO, out = SA_ZERO;
	char		*fn = path(cf.in, "new", id);
	int		 fd, code, bare;

	(void)ctx;
	fd = open(fn, O_RDONLY | O_CLOEXEC);
	free(fn);
	if (fd == -1)
		return MW_TEMP;
	if (spool_slurp(fd, &in, cf.lim.maxscansize + ENVELOPE_MAXBLOCK) ==
	    -1) {
		code = errno == EFBIG ? MW_PERM : MW_TEMP;
		mwlog(MWLOG_WARN, "%s unable to read: %s", id, strerror(errno));
		(void)close(fd);
		sa_free(&in);
		return code;	/* too big: moved to quarantine as it is */
	}
	(void)close(fd);
	code = process(st, id, &in, &out, &bare);
	if (code != MW_TEMP && tmpwrite(code == MW_OK ? cf.out : cf.quar, id,
	    &out) == -1)
		code = MW_TEMP;
	sa_free(&in);
	sa_free(&out);
	return code;
}

/* Move a worker's SPOOL/tmp/ID into SPOOL/new, or the input itself when
 * the worker wrote nothing; then drop the input. */
static int
commit(const char *spool, const char *id)
{
	char	*tmp = path(spool, "tmp", id), *in = path(cf.in, "new", id);
	char	*dir = path(cf.in, "new", "");
	int	 r;

	if (access(tmp, F_OK) == 0)
		r = spool_move(tmp, spool, id) == -1 || unlink(in) == -1 ||
		    spool_fsyncdir(dir) == -1 ? -1 : 0;
	else
		r = spool_move(in, spool, id) == -1 ||
		    spool_fsyncdir(dir) == -1 ? -1 : 0;
	if (r == -1)
		mwlog(MWLOG_WARN, "%s unable to move to %s: %s", id, spool,
		    strerror(errno));
	free(tmp);
	free(in);
	free(dir);
	return r;
}

static void
droptmp(const char *id)
{
	char	*a = path(cf.out, "tmp", id), *b = path(cf.quar, "tmp", id);

	(void)unlink(a);
	(void)unlink(b);
	free(a);
	free(b);
}

static enum qrun_next
done(void *ctx, const char *id, int result)
{
	unsigned long long	 now = (unsigned long long)time(NULL);
	unsigned long long	 born = spool_idtime(id);

	(void)ctx;
	if (result == MW_OK || result == MW_PERM)
		return commit(result == MW_OK ? cf.out : cf.quar, id) == 0 ?
		    QRUN_FORGET : QRUN_RETRY;
	droptmp(id);
	if (result == WPOOL_CRASHED || (cf.q.lifetime > 0 && born != 0 &&
	    now > born + cf.q.lifetime)) {
		mwlog(MWLOG_WARN, "%s verdict=quarantined reason=%s", id,
		    result == WPOOL_CRASHED ? "crashed" : "lifetime");
		return commit(cf.quar, id) == 0 ? QRUN_FORGET : QRUN_RETRY;
	}
	mwlog(MWLOG_INFO, "%s deferred exit=%d", id, result);
	return QRUN_RETRY;
}

static void
crashed(void *ctx, const char *id, unsigned int n, const char *why)
{
	char	 w[64];

	(void)ctx;
	mwlog(MWLOG_WARN, "%s crashed why=%s count=%u", id,
	    mwlog_escs(w, sizeof w, why), n);
}

static char *
workdir(unsigned int no)
{
	struct sa	 p = SA_ZERO;

	if (sa_catf(&p, "tmp/scan.%u", no) == -1 || sa_0(&p) == -1)
		return NULL;
	return p.s;
}

static int
worker_init(void *ctx, void *st, unsigned int no)
{
	char	*d = workdir(no);
	int	 r = -1;

	(void)ctx;
	if (d != NULL && (mkdir("tmp", 0700) == 0 || errno == EEXIST) &&
	    (rmtree(d) == 0) && mkdir(d, 0700) == 0 &&
	    cav_set_tmpdir(st, d) == 0)
		r = 0;
	free(d);
	return r;
}

static void
worker_reaped(void *ctx, unsigned int no)
{
	char	*d = workdir(no);

	(void)ctx;
	if (d != NULL && rmtree(d) == -1)
		mwlog(MWLOG_WARN, "- unable to remove %s: %s", d,
		    strerror(errno));
	free(d);
}

static void *
load(void *ctx, struct sa *err)
{
	struct cav_engine	*eng = engine_load(err);
	struct cav_info		 info;

	(void)ctx;
	if (eng != NULL) {
		cav_engine_info(eng, &info);
		mwlog(MWLOG_INFO, "- engine loaded engine=%s db=%s sigs=%u",
		    info.engine, info.db, info.sigs);
	}
	return eng;
}

static void
unload(void *ctx, void *st)
{
	(void)ctx;
	cav_engine_free(st);
}

static void
wlog(void *ctx, enum mwlog_level level, const char *line)
{
	(void)ctx;
	mwlog(level, "- %s", line);
}

static int
daemon_run(void)
{
	struct wpool	 w;
	struct sa	 err = SA_ZERO;
	struct qrunconf_num tab[] = {
		{ "scanworkers", 0, 1, WPOOL_MAXWORKERS, 2, &cf.workers },
		{ "scanpermessages", 0, 0, 1000000, 100, &cf.permessages },
		{ "scantimeout", 0, 1, 86400, 180, &cf.timeout },
		{ "scanmaxcrash", 0, 1, 100, 3, &cf.maxcrash },
	};

	if (qrunconf_read(&cf.q, &err) == -1 ||
	    qrunconf_readtab(tab, sizeof tab / sizeof tab[0], NULL, &err) == -1)
		(void)sa_0(&err), die_control(&err);
	memset(&w, 0, sizeof w);
	w.spool = cf.in;
	w.workers = (unsigned int)cf.workers;
	w.permessages = (unsigned int)cf.permessages;
	w.maxcrash = (unsigned int)cf.maxcrash;
	w.timeout = (unsigned int)cf.timeout;
	w.rescan = (unsigned int)cf.q.rescan;
	w.retrybase = (unsigned int)cf.q.retrybase;
	w.retrymax = (unsigned int)cf.q.retrymax;
	w.pokefd = -1;
	w.load = load;
	w.unload = unload;
	w.worker_init = worker_init;
	w.work = work;
	w.worker_reaped = worker_reaped;
	w.done = done;
	w.crashed = crashed;
	w.log = wlog;
	mwlog(MWLOG_INFO, "- start spool=%s out=%s quarantine=%s workers=%u "
	    "permessages=%u", cf.in, cf.out, cf.quar, w.workers,
	    w.permessages);
	if (wpool_loop(&w, &err) == -1)
		(void)sa_0(&err), die(MW_TEMP, "unable to run",
		    err.s != NULL ? err.s : strerror(errno));
	mwlog(MWLOG_INFO, "- stop");
	sa_free(&err);
	return 0;
}

int
main(int argc, char **argv)
{
	struct cav_err	 err;
	int		 c, daemon = 0;

	mwlog_init("scan-stage-clamav");
	cf.in = "queue/scan";
	cf.out = "queue/stamp";
	cf.quar = "queue/quarantine";
	while ((c = getopt(argc, argv, "d:Di:o:q:h")) != -1)
		switch (c) {
		case 'd': cf.dbdir = optarg; break;
		case 'D': daemon = 1; break;
		case 'i': cf.in = optarg; break;
		case 'o': cf.out = optarg; break;
		case 'q': cf.quar = optarg; break;
		default: die_usage();
		}
	if (optind != argc)
		die_usage();
	if (geteuid() == 0)
		die(MW_TEMP, "refusing to run as root", NULL);
	config();
	if (cav_init(&err) == -1)
		die(MW_TEMP, "unable to initialise libclamav", err.s);
	return daemon ? daemon_run() : filter();
}
