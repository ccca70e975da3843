/* ISC license. */
/* spool-run: run a filter over every message of a spool and pass its
 * output on; see spool-run(8).
 *
 * The parent never reads message data: a child gets INSPOOL/new/ID on
 * stdin and OUTSPOOL/tmp/ID (created here, O_EXCL) on stdout, and the
 * parent acts on its exit status.  Output never replaces a copy that an
 * earlier run already passed on (a crash between passing it on and
 * unlinking the input). */
#include "sysdeps.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "envelope.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "qrun.h"
#include "qrunconf.h"
#include "sa.h"
#include "spool.h"

#define TMP_MAXAGE	(36UL * 3600)	/* stale tmp/ files, as maildir */
#define NROUTE		(MW_ROUTE_MAX - MW_ROUTE_MIN + 1)
#define CHILD_MAXFD	4096		/* fds closed before exec */
#define USAGE		"usage: spool-run [-o OUTSPOOL] [-r CODE=SPOOL]... " \
			"[-f FAILSPOOL] [-n NAME] INSPOOL [PROG ARG...]"

struct slot {
	pid_t			 pid;	/* 0: free */
	unsigned long long	 t0;	/* monotonic ms at start */
	char			 id[SPOOL_MAXID + 1];
};

static struct {
	const char	*in;		/* INSPOOL */
	const char	*out;		/* OUTSPOOL, NULL: output discarded */
	const char	*fail;		/* FAILSPOOL */
	const char	*name;		/* for control/NAME-suffixed files */
	const char	*route[NROUTE];
	char		**argv;		/* PROG ARG..., NULL: move only */
	struct qrunconf	 qc;
	struct slot	*slots;
	struct sa	 pin, pout, pdst, pdir;	/* scratch paths */
} g = { .fail = "queue/failed" };

/* spool-run's own files, control/NAME-name; the shared ones are read by
 * qrunconf_read() */
static const struct qrunconf_num own[] = {
	{ "concurrency",	1, 1, 1000,	4,	&g.qc.concurrency },
	{ "timeout",		1, 1, 604800,	3600,	&g.qc.timeout },
};

static void MW_NORETURN
die_usage(void)
{
	mwlog(MWLOG_FATAL, USAGE);
	_exit(MW_TEMP);
}

static void MW_NORETURN
die_sys(const char *what, const char *arg)
{
	mwlog(MWLOG_FATAL, "unable to %s %s: %s", what, arg, strerror(errno));
	_exit(MW_TEMP);
}

static void MW_NORETURN
die_nomem(void)
{
	mwlog(MWLOG_FATAL, "out of memory");
	_exit(MW_TEMP);
}

/* SPOOL/SUB[/ID] into p; p->s. */
static const char *
path(struct sa *p, const char *spool, const char *sub, const char *id)
{
	p->len = 0;
	if (sa_cats(p, spool) == -1 || sa_catc(p, '/') == -1 ||
	    sa_cats(p, sub) == -1 ||
	    (id != NULL && (sa_catc(p, '/') == -1 || sa_cats(p, id) == -1)) ||
	    sa_0(p) == -1)
		die_nomem();
	return p->s;
}

static const char *
base(const char *spool)
{
	const char	*s = strrchr(spool, '/');

	return s != NULL && s[1] != '\0' ? s + 1 : spool;
}

static unsigned long long
now_ms(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 +
	    (unsigned long long)ts.tv_nsec / 1000000;
}

/* Move the input to DST/new and make both directories durable. */
static int
move_input(const char *id, const char *dst)
{
	if (spool_move(path(&g.pin, g.in, "new", id), dst, id) == -1)
		return -1;
	return spool_fsyncdir(path(&g.pdir, g.in, "new", NULL));
}

/* --- the child ------------------------------------------------------- */

static void MW_NORETURN
child(int in, int out, const char *id)
{
	static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP,
				    SIGALRM, SIGPIPE };
	sigset_t	 none;
	size_t		 i;
	int		 fd;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		(void)signal(sigs[i], SIG_DFL);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (g.argv == NULL) {
		if (move_input(id, g.out) == -1)
			die_sys("move", g.pin.s);
		_exit(MW_OK);
	}
	/* main() made sure 0, 1 and 2 are open: in and out are >= 3 */
	if (dup2(in, 0) == -1 || dup2(out, 1) == -1)
		die_sys("set up descriptors for", id);
	for (fd = 3; fd < CHILD_MAXFD; fd++)
		(void)close(fd);
	execvp(g.argv[0], g.argv);
	die_sys("run", g.argv[0]);
}

static struct slot *
slot_free(void)
{
	unsigned long	 i;

	for (i = 0; i < g.qc.concurrency; i++)
		if (g.slots[i].pid == 0)
			return &g.slots[i];
	return NULL;
}

static struct slot *
slot_byid(const char *id)
{
	unsigned long	 i;

	for (i = 0; i < g.qc.concurrency; i++)
		if (g.slots[i].pid != 0 && strcmp(g.slots[i].id, id) == 0)
			return &g.slots[i];
	return NULL;
}

static void
drop_output(const char *id)
{
	if (g.argv != NULL && g.out != NULL &&
	    unlink(path(&g.pout, g.out, "tmp", id)) == -1 && errno != ENOENT)
		mwlog(MWLOG_WARN, "%s unable to remove %s: %s", id, g.pout.s,
		    strerror(errno));
}

/* The child's stdout: OUTSPOOL/tmp/ID, new, or /dev/null; -1 logged. */
static int
open_output(const char *id)
{
	int	 fd, e;

	if (g.out != NULL)
		fd = open(path(&g.pout, g.out, "tmp", id),
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	else
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd == -1) {
		e = errno;
		mwlog(MWLOG_WARN, "%s unable to create %s: %s", id,
		    g.out != NULL ? g.pout.s : "/dev/null", strerror(e));
		errno = e == ENOENT ? EIO : e;	/* retry, don't forget */
	}
	return fd;
}

/* qrun start(): fork the child for one message. */
static pid_t
start(struct qrun *q, const char *id, void *ctx)
{
	struct slot	*s = slot_free();
	int		 in, out = -1, e;
	pid_t		 pid;

	(void)q;
	(void)ctx;
	if (s == NULL)
		return 0;
	in = open(path(&g.pin, g.in, "new", id), O_RDONLY | O_CLOEXEC);
	if (in == -1)
		return -1;	/* ENOENT: gone, qrun forgets it */
	if (g.argv != NULL && (out = open_output(id)) == -1) {
		e = errno;
		(void)close(in);
		errno = e;
		return -1;
	}
	if ((pid = fork()) == 0)
		child(in, out, id);
	e = errno;
	(void)close(in);
	if (out != -1)
		(void)close(out);
	if (pid == -1) {
		drop_output(id);
		mwlog(MWLOG_WARN, "%s unable to fork: %s", id, strerror(e));
		errno = EAGAIN;
		return -1;
	}
	s->pid = pid;
	s->t0 = now_ms();
	memcpy(s->id, id, strlen(id) + 1);
	return pid;
}

/* --- outcomes ---------------------------------------------------------- */

/* Move the input to FAILSPOOL: FORGET, or RETRY if that fails. */
static enum qrun_next
to_fail(const char *id, const char *detail, const char *why)
{
	drop_output(id);
	if (move_input(id, g.fail) == -1) {
		mwlog(MWLOG_WARN, "%s unable to move to %s: %s", id, g.fail,
		    strerror(errno));
		return QRUN_RETRY;
	}
	mwlog(MWLOG_INFO, "%s failed %s to=%s%s", id, detail, base(g.fail),
	    why);
	return QRUN_FORGET;
}

/* A temporary failure (event "deferred" or "killed"): retry, or give
 * up after the queue lifetime. */
static enum qrun_next
temp(const char *id, const char *event, const char *detail)
{
	unsigned long long	 birth = spool_idtime(id);
	unsigned long long	 now = (unsigned long long)time(NULL);
	struct stat		 st;
	char			 why[64];

	drop_output(id);
	if (birth == 0 && stat(path(&g.pin, g.in, "new", id), &st) == 0)
		birth = (unsigned long long)st.st_mtime;
	if (birth == 0 || birth > now)
		birth = now;
	if (qrunconf_expired(&g.qc, birth, now)) {
		(void)snprintf(why, sizeof why, " reason=lifetime age=%llus",
		    now - birth);
		return to_fail(id, detail, why);
	}
	mwlog(MWLOG_INFO, "%s %s %s retry=%lus", id, event, detail,
	    qrun_backoff(birth, now, (unsigned int)g.qc.retrybase,
	    (unsigned int)g.qc.retrymax));
	return QRUN_RETRY;
}

/* Check and fsync OUTSPOOL/tmp/ID; 0, -1 error (errno), -2 garbage. */
static int
check_output(const char *id)
{
	static const char	 ver[] = ENVELOPE_VERSION "\n";
	char			 head[sizeof ver - 1];
	size_t			 got = 0;
	ssize_t			 r = 1;
	int			 fd, e, ret = 0;

	fd = open(path(&g.pout, g.out, "tmp", id), O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	while (got < sizeof head && r > 0)
		if ((r = read(fd, head + got, sizeof head - got)) > 0)
			got += (size_t)r;
	if (r == -1 || fsync(fd) == -1)
		ret = -1;
	else if (got < sizeof head || memcmp(head, ver, sizeof head) != 0)
		ret = -2;
	e = errno;
	(void)close(fd);
	errno = e;
	return ret;
}

/* Move the checked output into DST/new/ID and fsync DST/new.
 * 0 done, 1 already there, -1 error (errno), -2 not a spool file.
 * Only this process writes ID into DST, so a check before rename(2) is
 * enough not to overwrite a copy passed on before a crash; rename,
 * unlike link, wakes the consumer's inotify watch (IN_MOVED_TO). */
static int
commit(const char *id, const char *dst)
{
	struct stat	 st;
	int		 r;

	if ((r = check_output(id)) != 0)
		return r;
	if (lstat(path(&g.pdst, dst, "new", id), &st) == 0) {
		(void)unlink(g.pout.s);
		return 1;	/* passed on before a crash: keep that copy */
	}
	if (errno != ENOENT || rename(g.pout.s, g.pdst.s) == -1 ||
	    spool_fsyncdir(path(&g.pdir, dst, "new", NULL)) == -1)
		return -1;
	return 0;
}

/* Exit 0 or a route code: pass the message to dst (NULL: consumed). */
static enum qrun_next
pass(const char *id, int code, const char *dst, unsigned long long ms)
{
	char	 detail[48];
	int	 r = 0;

	if (g.argv != NULL && g.out != NULL)
		r = commit(id, dst);
	else if (g.argv != NULL && dst != NULL)
		r = move_input(id, dst);
	if (r == -2) {
		(void)snprintf(detail, sizeof detail,
		    "exit=%d reason=badoutput", code);
		return temp(id, "deferred", detail);
	}
	if (r == -1) {
		mwlog(MWLOG_WARN, "%s unable to pass to %s: %s", id, dst,
		    strerror(errno));
		(void)snprintf(detail, sizeof detail, "exit=%d", code);
		return temp(id, "deferred", detail);
	}
	if (g.argv != NULL && (g.out != NULL || dst == NULL) &&
	    (unlink(path(&g.pin, g.in, "new", id)) == -1 ||
	    spool_fsyncdir(path(&g.pdir, g.in, "new", NULL)) == -1)) {
		mwlog(MWLOG_WARN, "%s unable to remove %s: %s", id, g.pin.s,
		    strerror(errno));
		return QRUN_RETRY;
	}
	mwlog(MWLOG_INFO, "%s done exit=%d out=%s%s ms=%llu", id, code,
	    dst != NULL ? base(dst) : "-", r == 1 ? " duplicate" : "", ms);
	return QRUN_FORGET;
}

/* qrun done(): act on the child's wait status. */
static enum qrun_next
done(struct qrun *q, const char *id, int status, void *ctx)
{
	struct slot		*s = slot_byid(id);
	unsigned long long	 ms = 0;
	char			 detail[48];
	int			 code;

	(void)q;
	(void)ctx;
	if (s != NULL) {
		ms = now_ms() - s->t0;
		s->pid = 0;
	}
	if (WIFSIGNALED(status)) {
		(void)snprintf(detail, sizeof detail, "signal=%d ms=%llu",
		    WTERMSIG(status), ms);
		return temp(id, "killed", detail);
	}
	code = WIFEXITED(status) ? WEXITSTATUS(status) : MW_TEMP;
	if (code == MW_OK)
		return pass(id, code, g.out, ms);
	if (code >= MW_ROUTE_MIN && code <= MW_ROUTE_MAX &&
	    g.route[code - MW_ROUTE_MIN] != NULL)
		return pass(id, code, g.route[code - MW_ROUTE_MIN], ms);
	if (code == MW_PERM)
		return to_fail(id, "exit=100", "");
	(void)snprintf(detail, sizeof detail, "exit=%d", code);
	return temp(id, "deferred", detail);
}

/* --- start-up ----------------------------------------------------------- */

/* Remove DIR/tmp entries older than TMP_MAXAGE, or (ids != NULL) those
 * named like a message in ids/new: a crashed run's output. */
static void
tmpclean(const char *spool, const char *ids)
{
	struct dirent	*d;
	struct stat	 st;
	DIR		*dp;
	time_t		 now = time(NULL);
	int		 fd;

	fd = open(path(&g.pdir, spool, "tmp", NULL),
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || (dp = fdopendir(fd)) == NULL)
		die_sys("open", g.pdir.s);
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		path(&g.pout, spool, "tmp", d->d_name);
		if (ids != NULL ? access(path(&g.pin, ids, "new", d->d_name),
		    F_OK) == -1 : (lstat(g.pout.s, &st) == -1 ||
		    now - st.st_mtime < (time_t)TMP_MAXAGE))
			continue;
		if (unlink(g.pout.s) == 0)
			mwlog(MWLOG_INFO, "- tmp-clean file=%s", g.pout.s);
		else
			mwlog(MWLOG_WARN, "- unable to remove %s: %s",
			    g.pout.s, strerror(errno));
	}
	(void)closedir(dp);
}

static void
needdir(const char *spool, const char *sub)
{
	struct stat	 st;

	if (stat(path(&g.pdir, spool, sub, NULL), &st) == -1)
		die_sys("use", g.pdir.s);
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		die_sys("use", g.pdir.s);
	}
}

static void
checkdirs(void)
{
	size_t	 i;

	needdir(g.in, "tmp");
	needdir(g.in, "new");
	needdir(g.fail, "new");
	if (g.out != NULL) {
		needdir(g.out, "tmp");
		needdir(g.out, "new");
	}
	for (i = 0; i < NROUTE; i++)
		if (g.route[i] != NULL)
			needdir(g.route[i], "new");
}

static void
controls(void)
{
	struct sa	 err = SA_ZERO;

	if (qrunconf_readtab(own, sizeof own / sizeof own[0], g.name,
	    &err) == -1 || qrunconf_read(&g.qc, &err) == -1) {
		mwlog(MWLOG_FATAL, "%.*s", (int)err.len, err.s);
		_exit(MW_TEMP);
	}
	sa_free(&err);
}

static void
route(const char *arg)
{
	const char	*eq = strchr(arg, '=');
	unsigned long	 code;

	if (eq == NULL || eq[1] == '\0' ||
	    control_scanuint(arg, (size_t)(eq - arg), MW_ROUTE_MIN,
	    MW_ROUTE_MAX, &code) == -1)
		die_usage();
	g.route[code - MW_ROUTE_MIN] = eq + 1;
}

static void
args(int argc, char **argv)
{
	int	 c, nroute = 0;

	while ((c = getopt(argc, argv, "+o:r:f:n:")) != -1)
		switch (c) {
		case 'o': g.out = optarg; break;
		case 'r': route(optarg); nroute++; break;
		case 'f': g.fail = optarg; break;
		case 'n': g.name = optarg; break;
		default: die_usage();
		}
	if (optind >= argc)
		die_usage();
	g.in = argv[optind++];
	g.argv = optind < argc ? argv + optind : NULL;
	if (g.argv == NULL && (g.out == NULL || nroute > 0))
		die_usage();	/* a mover needs a target, and has no codes */
	if (g.name == NULL)
		g.name = base(g.in);
	if (!spool_idok(g.name, strlen(g.name))) {
		mwlog(MWLOG_FATAL, "bad name: %s (want [A-Za-z0-9._-])",
		    g.name);
		_exit(MW_TEMP);
	}
}

/* A child's stdin and stdout must never land on 0, 1 or 2 by accident. */
static void
stdfds(void)
{
	int	 fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd == -1)
		die_sys("open", "/dev/null");
	(void)close(fd);
}

int
main(int argc, char **argv)
{
	struct qrun	 q;

	mwlog_init("spool-run");
	stdfds();
	if (geteuid() == 0) {
		mwlog(MWLOG_FATAL, "refusing to run as root");
		return MW_TEMP;
	}
	args(argc, argv);
	controls();
	checkdirs();
	if ((g.slots = calloc(g.qc.concurrency, sizeof *g.slots)) == NULL)
		die_nomem();
	tmpclean(g.in, NULL);
	if (g.argv != NULL && g.out != NULL)
		tmpclean(g.out, g.in);
	memset(&q, 0, sizeof q);
	q.spool = g.in;
	qrunconf_apply(&g.qc, &q);
	q.start = start;
	q.done = done;
	mwlog(MWLOG_INFO, "- start in=%s out=%s concurrency=%lu", g.in,
	    g.out != NULL ? g.out : "-", g.qc.concurrency);
	if (qrun_loop(&q) == -1)
		die_sys("watch", g.in);
	mwlog(MWLOG_INFO, "- stop");
	free(g.slots);
	sa_free(&g.pin);
	sa_free(&g.pout);
	sa_free(&g.pdst);
	sa_free(&g.pdir);
	return MW_OK;
}
