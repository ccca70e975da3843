/* ISC license. */
/* mailward-quarantine: list, show, release, delete and expire the
 * messages held in queue/quarantine; see mailward-quarantine(1).
 *
 * release gives a held message back to queue/scan without the scan's
 * envelope keys, to pass every stage again; release --force puts it
 * into queue/stamp with verdict "released" and who released it, for
 * stamp-status(8) to sign as it stands.  On a gateway (control/role)
 * release sends it to the group again (queue/togroup), and --force
 * delivers it unscanned (queue/local) without any status field, so no
 * stamp it came with reaches a user.  Either writes a new spool file
 * (spool_open, spool_commit: the envelope changes), owned like the
 * target spool's new/ when run as root, and only then removes the held
 * one.  The list, its lines and the envelope rewrite: lib/qview.c. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bio.h"
#include "control.h"
#include "envelope.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "qview.h"
#include "sa.h"
#include "spool.h"

#define USAGE	"usage: mailward-quarantine [-d HOME] list | show [-a] ID | " \
		"release [--force] ID | delete ID | expire [--days N]"
#define QUAR		"queue/quarantine"
#define QUARNEW		QUAR "/new"
#define DAYS_MAX	3650UL
#define DAYS_DEFAULT	30UL
#define HEADMAX		(ENVELOPE_MAXBLOCK + 2)	/* past it: TOOLONG */

/* The keys a release takes off the envelope.  For a new scan: the
 * findings of the last one (and of an earlier release).  Forced: only
 * the verdict and the reason it was held; the findings stay, signed as
 * they stand under verdict "released". */
static const char *const rescan_keys[] = {
	"verdict", "viruses", "found", "scanned", "quarantine",
	"released-by", "released-at", "chained", NULL
};
static const char *const force_keys[] = {
	"verdict", "quarantine", "released-by", "released-at", NULL
};

static struct {
	unsigned long long	 now;
	unsigned long		 uid;
	char			 who[SPOOL_MAXID + 1];	/* login, or uid-N */
	struct stat		 held;	/* the file held_open() opened */
	struct sa		 path, tpath, head, out;
	char			 buf[65536];
	int			 gateway;	/* control/role */
} g;

static void	die(int, const char *, ...) MW_PRINTF(2, 3) MW_NORETURN;

static void
die(int code, const char *fmt, ...)
{
	char	 line[MWLOG_MAX];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof line, fmt, ap);	/* mwlog caps too */
	va_end(ap);
	mwlog(MWLOG_FATAL, "%s", line);
	exit(code);
}

static void MW_NORETURN
die_usage(const char *why)
{
	mwlog(MWLOG_FATAL, "%s", why);
	(void)fprintf(stderr, "%s\n", USAGE);
	exit(MW_PERM);
}

static void MW_NORETURN
die_sys(const char *what, const char *arg)
{
	char	 e[300];

	die(MW_TEMP, "unable to %s %s: %s", what, mwlog_escs(e, sizeof e, arg),
	    strerror(errno));
}

static void MW_NORETURN
die_nomem(void)
{
	die(MW_TEMP, "out of memory");
}

static void
put(const struct sa *s)
{
	if (s->len > 0 && fwrite(s->s, 1, s->len, stdout) != s->len)
		die_sys("write", "stdout");
}

static void
put_done(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		die_sys("write", "stdout");
}

/* g.path = queue/quarantine/new/ID, for a valid id only */
static void
held_path(const char *id)
{
	char	 e[300];

	if (!spool_idok(id, strlen(id)))
		die(MW_PERM, "bad id %s: not a queue id",
		    mwlog_escs(e, sizeof e, id));
	g.path.len = 0;
	if (sa_cats(&g.path, QUARNEW "/") == -1 || sa_cats(&g.path, id) == -1 ||
	    sa_0(&g.path) == -1)
		die_nomem();
}

/* The held message ID: its descriptor, or -1 if it is gone and
 * missing_ok (list); gone otherwise is a permanent error. */
static int
held_open(const char *id, int missing_ok)
{
	int	 fd;

	held_path(id);
	fd = open(g.path.s, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd == -1 && errno == ENOENT && missing_ok)
		return -1;
	if (fd == -1 && errno == ENOENT)
		die(MW_PERM, "%s: no such message in " QUAR, id);
	if (fd == -1 || fstat(fd, &g.held) == -1)
		die_sys("open", g.path.s);
	if (!S_ISREG(g.held.st_mode))
		die(MW_PERM, "%s: not a regular file in " QUAR, id);
	return fd;
}

/* The envelope block (and what follows it in g.head): a result of
 * envelope_parse() */
static int
held_parse(int fd, struct envelope *e, size_t *hl)
{
	int	 r;

	if (qview_head(fd, &g.head, HEADMAX) == -1)
		die_sys("read", g.path.s);
	r = envelope_parse(e, g.head.s, g.head.len, hl);
	if (r == ENVELOPE_NOMEM)
		die_nomem();
	return r;
}

/* --- list and show -------------------------------------------------- */

static void
held_line(const struct qview_msg *m)
{
	struct envelope	 e = ENVELOPE_ZERO;
	size_t		 hl;
	int		 fd, r;

	if ((fd = held_open(m->id, 1)) == -1)
		return;		/* taken meanwhile */
	r = held_parse(fd, &e, &hl);
	(void)close(fd);
	g.out.len = 0;
	if (qview_line(&g.out, m, g.now, r == ENVELOPE_OK ? &e : NULL,
	    envelope_strerror(r)) == -1)
		die_nomem();
	put(&g.out);
	envelope_free(&e);
}

static int
queue_name(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* One line per spool of the home; the quarantine's messages into q. */
static void
queues(struct qview_dir *q)
{
	struct qview_dir d = QVIEW_DIR_ZERO;
	struct dirent	**dl;
	char		 age[QVIEW_AGESZ], e[300];
	int		 n, i, r;

	if ((n = scandir("queue", &dl, queue_name, alphasort)) == -1)
		die_sys("read directory", "queue");
	for (i = 0; i < n; i++) {
		g.path.len = 0;
		if (sa_catf(&g.path, "queue/%s", dl[i]->d_name) == -1 ||
		    sa_0(&g.path) == -1)
			die_nomem();
		/* a file, or a directory without new/: no spool */
		if ((r = qview_scan(&d, g.path.s)) == -1 && errno != ENOENT &&
		    errno != ENOTDIR)
			die_sys("read directory", g.path.s);
		if (r == 0 && printf("queue %s count=%zu oldest=%s\n",
		    mwlog_escs(e, sizeof e, dl[i]->d_name), d.n, d.n == 0 ?
		    "-" : qview_age(age, d.m[0].t, g.now)) < 0)
			die_sys("write", "stdout");
		if (strcmp(dl[i]->d_name, "quarantine") == 0) {
			*q = d;
			d = (struct qview_dir)QVIEW_DIR_ZERO;
		}
		free(dl[i]);
	}
	free(dl);
	qview_free(&d);
}

static void
list(void)
{
	struct qview_dir q = QVIEW_DIR_ZERO;
	size_t		 i;

	queues(&q);
	for (i = 0; i < q.n; i++)
		held_line(&q.m[i]);
	put_done();
	qview_free(&q);
}

/* How much of b to show: all of it, or (without -a) the bytes before
 * the empty line that ends the header section, the second empty line
 * of the file. */
static size_t
show_cut(const char *b, size_t n, int *phase, int *bol, int all)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (b[i] == '\n' && *bol && *phase < 2 && ++*phase == 2 &&
		    !all)
			return i;
		*bol = b[i] == '\n';
	}
	return n;
}

static void
show(const char *id, int all)
{
	ssize_t	 r;
	size_t	 n;
	int	 fd, phase = 0, bol = 1;

	fd = held_open(id, 0);
	for (;;) {
		if ((r = read(fd, g.buf, sizeof g.buf)) == -1 && errno == EINTR)
			continue;
		if (r == -1)
			die_sys("read", g.path.s);
		if (r == 0)
			break;
		n = show_cut(g.buf, (size_t)r, &phase, &bol, all);
		g.out.len = 0;
		if (qview_esc(&g.out, g.buf, n) == -1)
			die_nomem();
		put(&g.out);
		if (n < (size_t)r)
			break;
	}
	(void)close(fd);
	put_done();
}

/* --- release and delete --------------------------------------------- */

/* g.out = the envelope block of a release; checked to parse back */
static void
rewrite(const char *id, size_t hl, int force)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct sa	 add = SA_ZERO;
	size_t		 hl2;

	if (force && sa_catf(&add, "verdict released\nreleased-by %s\n"
	    "released-at %llu\n", g.who, g.now) == -1)
		die_nomem();
	g.out.len = 0;
	if (qview_rewrite(&g.out, g.head.s, hl, force ? force_keys :
	    rescan_keys, add.s, add.len) == -1)
		die_nomem();
	if (envelope_parse(&e, g.out.s, g.out.len, &hl2) != ENVELOPE_OK ||
	    hl2 != g.out.len)
		die(MW_TEMP, "%s: the rewritten envelope does not parse", id);
	envelope_free(&e);
	sa_free(&add);
}

/* SPOOL/new's owner into st; an ID already there (a crash between a
 * release and the removal of the held copy) is not replaced. */
static void
target(const char *spool, const char *id, struct stat *st)
{
	struct stat	 x;

	g.tpath.len = 0;
	if (sa_cats(&g.tpath, spool) == -1 || sa_cats(&g.tpath, "/new") == -1 ||
	    sa_0(&g.tpath) == -1)
		die_nomem();
	if (stat(g.tpath.s, st) == -1)
		die_sys("find", g.tpath.s);
	if (sa_catf(&g.tpath, "/%s", id) == -1 || sa_0(&g.tpath) == -1)
		die_nomem();
	if (lstat(g.tpath.s, &x) == 0)
		die(MW_TEMP, "%s: already in %s; it stays held", id, spool);
	if (errno != ENOENT)
		die_sys("look for", g.tpath.s);
}

/* The new envelope, the message bytes already read, the rest of fd;
 * with strip, the message without its status fields (qview_copy()). */
static int
copy(int fd, struct spool_tx *tx, size_t hl, int strip)
{
	if (bio_put(&tx->out, g.out.s, g.out.len) == -1)
		return -1;
	return qview_copy(fd, &tx->out, g.head.s + hl, g.head.len - hl, strip,
	    g.buf, sizeof g.buf);
}

/* Remove the copy held_open() opened, unless the stages already held
 * the released message again under its id (a quick scan, a refused
 * stamp): that new copy stays. */
static void
held_remove(const char *id, const char *done)
{
	struct stat	 st;
	int		 r;

	if ((r = lstat(g.path.s, &st)) == -1 && errno == ENOENT)
		return;
	if (r == 0 && (st.st_dev != g.held.st_dev ||
	    st.st_ino != g.held.st_ino)) {
		mwlog(MWLOG_WARN, "%s held again already; the new copy stays",
		    id);
		return;
	}
	if (r == -1 || unlink(g.path.s) == -1 ||
	    spool_fsyncdir(QUARNEW) == -1)
		die(MW_TEMP, "%s %s, but unable to remove %s: %s", id, done,
		    g.path.s, strerror(errno));
}

static void
release(const char *id, int force)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct spool_tx	 tx;
	struct stat	 st;
	const char	*to = g.gateway ? (force ? "queue/local" :
	    "queue/togroup") : (force ? "queue/stamp" : "queue/scan");
	const char	*why;
	size_t		 hl, n;
	int		 fd, r;

	fd = held_open(id, 0);
	if ((r = held_parse(fd, &e, &hl)) != ENVELOPE_OK)
		die(MW_PERM, "%s: cannot release it: %s (show or delete it)",
		    id, envelope_strerror(r));
	/* a gateway counts its passes in the message's Received fields */
	if (g.gateway && !force && (why = envelope_get(&e, "quarantine",
	    &n)) != NULL && n >= 5 && memcmp(why, "loop:", 5) == 0)
		die(MW_PERM, "%s: held as a loop, it would come back and be "
		    "held again; mend the loop, then release --force it (or "
		    "delete it)", id);
	rewrite(id, hl, force);
	target(to, id, &st);
	if (spool_open(&tx, to, id) == -1)
		die_sys("create a file in", to);
	if (geteuid() == 0 && fchown(tx.fd, st.st_uid, st.st_gid) == -1) {
		spool_abort(&tx);
		die_sys("set the owner of", g.tpath.s);
	}
	if (copy(fd, &tx, hl, g.gateway && force) == -1) {
		spool_abort(&tx);
		if (errno == EMSGSIZE)
			die(MW_PERM, "%s: its header is over the limits, so a "
			    "status field could stay in it; it stays held "
			    "(show or delete it)", id);
		die_sys("copy the message into", g.tpath.s);
	}
	if (spool_commit(&tx) == -1)
		die_sys("write", g.tpath.s);
	(void)close(fd);
	held_remove(id, force ? "released unscanned" : "released");
	if (force)
		mwlog(MWLOG_INFO, "%s released to=%s verdict=released "
		    "by=%s uid=%lu at=%llu", id, to + 6, g.who, g.uid, g.now);
	else
		mwlog(MWLOG_INFO, "%s released to=%s by=%s uid=%lu", id,
		    to + 6, g.who, g.uid);
	envelope_free(&e);
}

/* Remove the held message ID: 0, or -1 if it is not there. */
static int
held_unlink(const char *id)
{
	held_path(id);
	if (unlink(g.path.s) == 0)
		return 0;
	if (errno != ENOENT)
		die_sys("remove", g.path.s);
	return -1;
}

static void
held_delete(const char *id)
{
	if (held_unlink(id) == -1)
		die(MW_PERM, "%s: no such message in " QUAR, id);
	if (spool_fsyncdir(QUARNEW) == -1)
		die_sys("sync", QUARNEW);
	mwlog(MWLOG_INFO, "%s deleted by=%s uid=%lu", id, g.who, g.uid);
}

/* --- expire --------------------------------------------------------- */

static unsigned long
expire_days(const char *arg)
{
	struct sa	 err = SA_ZERO;
	unsigned long	 days;

	if (arg != NULL) {
		if (control_scanuint(arg, strlen(arg), 1, DAYS_MAX,
		    &days) == -1)
			die_usage("--days: not a number in 1..3650");
		return days;
	}
	if (control_readuint("control/quarantinedays", 1, DAYS_MAX,
	    DAYS_DEFAULT, &days, &err) == -1)
		die(MW_TEMP, "%.*s", (int)err.len, err.s);
	sa_free(&err);
	return days;
}

static void
expire(unsigned long days)
{
	struct qview_dir q = QVIEW_DIR_ZERO;
	char		 age[QVIEW_AGESZ];
	size_t		 i, n = 0;

	if (qview_scan(&q, QUAR) == -1 && errno != ENOENT)
		die_sys("read directory", QUARNEW);
	/* oldest first: stop at the first one young enough */
	for (i = 0; i < q.n && g.now > q.m[i].t &&
	    g.now - q.m[i].t > days * 86400ULL; i++) {
		if (held_unlink(q.m[i].id) == -1)
			continue;	/* taken meanwhile */
		n++;
		mwlog(MWLOG_INFO, "%s expired age=%s days=%lu by=%s uid=%lu",
		    q.m[i].id, qview_age(age, q.m[i].t, g.now), days, g.who,
		    g.uid);
	}
	if (n > 0 && spool_fsyncdir(QUARNEW) == -1)
		die_sys("sync", QUARNEW);
	mwlog(MWLOG_INFO, "- expire expired=%zu kept=%zu days=%lu by=%s "
	    "uid=%lu", n, q.n - n, days, g.who, g.uid);
	if (printf("expired %zu kept %zu\n", n, q.n - n) < 0)
		die_sys("write", "stdout");
	put_done();
	qview_free(&q);
}

/* --- the command line ----------------------------------------------- */

static void
whoami(void)
{
	struct passwd	*pw;
	uid_t		 uid = getuid();
	time_t		 now = time(NULL);

	if (now == (time_t)-1)
		die_sys("read", "the clock");
	g.now = (unsigned long long)now;
	g.uid = (unsigned long)uid;
	pw = getpwuid(uid);
	/* a name that is safe in an envelope and a log line: like an id */
	if (pw != NULL && spool_idok(pw->pw_name, strlen(pw->pw_name)))
		(void)snprintf(g.who, sizeof g.who, "%s", pw->pw_name);
	else
		(void)snprintf(g.who, sizeof g.who, "uid-%lu", g.uid);
}

/* argv[*k] is the flag s or l: step over it */
static int
flag(int argc, char **argv, int *k, const char *s, const char *l)
{
	if (*k < argc && (strcmp(argv[*k], s) == 0 ||
	    strcmp(argv[*k], l) == 0)) {
		(*k)++;
		return 1;
	}
	return 0;
}

static const char *
one_id(int argc, char **argv, int k)
{
	if (k < argc && strcmp(argv[k], "--") == 0)
		k++;
	if (argc - k != 1)
		die_usage("one ID expected");
	return argv[k];
}

static void
command(int argc, char **argv)
{
	const char	*c = argv[0], *days = NULL;
	int		 k = 1, f;

	if (strcmp(c, "list") == 0 && argc == 1)
		list();
	else if (strcmp(c, "show") == 0) {
		f = flag(argc, argv, &k, "-a", "--all");
		show(one_id(argc, argv, k), f);
	} else if (strcmp(c, "release") == 0) {
		f = flag(argc, argv, &k, "-f", "--force");
		release(one_id(argc, argv, k), f);
	} else if (strcmp(c, "delete") == 0)
		held_delete(one_id(argc, argv, k));
	else if (strcmp(c, "expire") == 0) {
		if (argc == 3 && strcmp(argv[1], "--days") == 0)
			days = argv[2];
		else if (argc == 2 && strncmp(argv[1], "--days=", 7) == 0)
			days = argv[1] + 7;
		else if (argc != 1)
			die_usage("expire takes --days N only");
		expire(expire_days(days));
	} else
		die_usage("unknown command or arguments");
}

/* g.gateway from control/role: scanner or gateway (a scanner's home
 * of an earlier release if it is missing) */
static void
role(void)
{
	struct sa	 r = SA_ZERO, err = SA_ZERO;
	int		 got = control_readline("control/role", &r, &err);

	if (got == -1) {
		(void)sa_0(&err);
		die(MW_TEMP, "%s", err.s);
	}
	if (got == 1 && !sa_eqs(&r, "gateway") && !sa_eqs(&r, "scanner")) {
		(void)sa_0(&r);
		die(MW_TEMP, "control/role line 1: not scanner or gateway: %s",
		    r.s);
	}
	g.gateway = sa_eqs(&r, "gateway");
	sa_free(&r);
	sa_free(&err);
}

int
main(int argc, char **argv)
{
	struct stat	 st;
	const char	*home = ".";
	int		 i = 1;

	mwlog_init("mailward-quarantine");
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			(void)printf("%s\n", USAGE);
			return MW_OK;
		}
		if (strcmp(argv[i], "-d") != 0 || i + 1 == argc)
			die_usage("unknown option, or -d without HOME");
		home = argv[++i];
	}
	if (i >= argc)
		die_usage("no command");
	umask(022);
	if (chdir(home) == -1)
		die_sys("chdir to", home);
	if (stat("queue", &st) == -1 || !S_ISDIR(st.st_mode))
		die(MW_TEMP, "%s is no mailward home: no queue/ in it",
		    home);
	whoami();
	role();
	command(argc - i, argv + i);
	return MW_OK;
}
