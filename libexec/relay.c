/* ISC license. */
/* relay: deliver the messages of queue/outbound by SMTP or LMTP; see
 * relay(8).
 *
 * The parent is a qrun loop: it reads only the envelope block of a
 * message, to count it against the per-destination limit, and forks a
 * child per message.  The child groups the recipients by domain (dlv.h),
 * finds each domain's next hop (control/routes, else DNS) and talks SMTP
 * to it, or LMTP (over TCP or a unix socket) where the route says so;
 * each recipient is settled by its own answer.  The results are
 * committed as soon as a transaction's last reply is in, before QUIT:
 * the delivered recipients leave the spool file at once, and when no
 * recipient is left to try, the failed ones are bounced and the message
 * is removed, or rewritten with the deferred ones (the child then exits
 * 111 so the parent retries it later).
 * Bounces are written before the spool file changes: a crash costs at
 * worst a duplicate bounce. */
#include "sysdeps.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "control.h"
#include "dests.h"
#include "dlv.h"
#include "dns.h"
#include "envelope.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "qrun.h"
#include "qrunconf.h"
#include "route.h"
#include "sa.h"
#include "smtpc.h"
#include "smtpsess.h"
#include "spool.h"

#define SPOOL		"queue/outbound"
#define GROUPSPOOL	"queue/togroup"	/* -g: a gateway's mail for the group */
#define GROUPWAIT	60		/* -g: s between looks at the group */
#define FAILSPOOL	"queue/failed"
#define MAXDOMS		100		/* domains counted per message */
#define MAXMSG		(1UL << 30)	/* a spool file we will read */
#define CHILDMAX	3600		/* seconds a child may run, at least */

static struct {
	const char	*spool;		/* SPOOL, or GROUPSPOOL with -g */
	struct routes	 routes;
	struct routes	 group;		/* -g: control/group, in order */
	struct sa	 me, helo;
	struct qrunconf	 qc;
	unsigned long	 perhost, tremote, tconnect;
	int		 groupmode;	/* -g */
	int		 grouptls;	/* -g: a member requires TLS */
	struct dests_tab flight;	/* the messages in flight */
	struct sa	 path;		/* scratch; the child's spool file */
} g;

/* relay's own files; the shared ones are read by qrunconf_read() */
static const struct qrunconf_num nums[] = {
	{ "concurrencyremote",	0, 1, 1000,	20,	&g.qc.concurrency },
	{ "concurrencyperhost",	0, 1, 1000,	5,	&g.perhost },
	{ "timeoutremote",	0, 1, 86400,	300,	&g.tremote },
	{ "timeoutconnect",	0, 1, 86400,	30,	&g.tconnect },
};

/* the child's: one message, one session at a time */
static const char	*qid;
static struct dlv	 dl;
static int		 final;		/* the last commit is done */
static struct smtpsess	 sess;
static char		 ibuf[8192], obuf[8192];
static char		 esc1[600], esc2[1100];

static void MW_NORETURN
die_nomem(void)
{
	mwlog(MWLOG_FATAL, "out of memory");
	_exit(MW_TEMP);
}

static void MW_NORETURN
die_ctl(const struct sa *err)
{
	mwlog(MWLOG_FATAL, "%.*s", (int)err->len, err->s);
	_exit(MW_TEMP);
}

static void MW_NORETURN
die_sys(const char *what, const char *arg)
{
	mwlog(MWLOG_FATAL, "unable to %s %s: %s", what, arg, strerror(errno));
	_exit(MW_TEMP);
}

/* --- results ------------------------------------------------------------ */

static void
logres(const struct dlv_rcpt *r, const char *relay, const char *text,
    size_t n)
{
	static const char *const ev[DLV_NSTATE] = { "pending", "delivered",
	    "bounced", "deferred", "bounced" };

	mwlog(MWLOG_INFO, "%s %s to=<%s> relay=%s reply=%s", qid, ev[r->state],
	    mwlog_esc(esc1, sizeof esc1, r->addr.s, r->addr.len),
	    relay != NULL && *relay != '\0' ? relay : "-",
	    mwlog_esc(esc2, sizeof esc2, text, n));
}

/* One recipient's answer: an SMTP reply (status NULL) or a local reason. */
static void
settle(struct dlv_rcpt *r, int code, const char *status, const char *text,
    size_t n, const char *host, const char *relay)
{
	if (dlv_settle(r, code, status, text, n, host) == -1)
		die_nomem();
	logres(r, relay, text, n);
}

static void
bounce(void)
{
	struct sa	 bid = SA_ZERO;
	int		 queued, k;

	if ((k = dlv_bounce(&dl, SPOOL, g.me.s, &queued, &bid)) == -1)
		mwlog(MWLOG_WARN, "%s unable to queue bounce: %s", qid,
		    strerror(errno));
	else if (k > 0 && queued)
		mwlog(MWLOG_INFO, "%s bounce id=%.*s nrcpt=%d", qid,
		    (int)bid.len, bid.s, k);
	else if (k > 0)
		mwlog(MWLOG_INFO, "%s bounce discarded: null sender nrcpt=%d",
		    qid, k);
	sa_free(&bid);
}

/* Commit what is known.  While recipients remain to be tried, only the
 * delivered ones leave the spool file; then the deferred ones past the
 * queue lifetime fail (4.4.7), the failed ones are bounced, and the file
 * is removed or keeps the deferred ones. */
static void
commit(void)
{
	unsigned long long	 now = (unsigned long long)time(NULL);
	size_t			 i;
	int			 x;

	if (final)
		return;
	if (dlv_count(&dl, DLV_PENDING) == 0) {
		final = 1;
		for (i = 0; i < dl.n && qrunconf_expired(&g.qc,
		    dl.env->time, now); i++) {
			if ((x = dlv_expire(&dl.r[i])) == -1)
				die_nomem();
			if (x == 1)
				mwlog(MWLOG_INFO, "%s expired to=<%s>", qid,
				    mwlog_esc(esc1, sizeof esc1, dl.r[i].addr.s,
				    dl.r[i].addr.len));
		}
		bounce();
	}
	if (dlv_write(&dl, g.spool, qid) == -1)
		die_sys("commit results to", g.path.s);
}

/* smtpsess sent(): a transaction's last reply is in, QUIT not yet sent */
static void
sent(struct smtpsess *s)
{
	(void)s;
	commit();
}

/* smtpsess result(): one recipient answered */
static void
answered(struct smtpsess *s, size_t i, const struct smtpc_rcpt *sr)
{
	struct dlv_rcpt *r = s->ctx;

	settle(&r[i], sr->code, NULL, sr->reply.s, sr->reply.len,
	    s->addr->host, s->relay);
}

static size_t
npending(const struct dlv_rcpt *r, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += r[i].state == DLV_PENDING;
	return k;
}

/* --- one domain ---------------------------------------------------------- */

/* -g: every address of every member of the group, in the order of
 * control/group: failover is trying the next */
static int
resolve_group(struct dns_addrs *l, struct sa *why)
{
	const struct route	*rt;
	size_t			 i;
	int			 res = DNS_TEMP;

	/* TCP only: readgroup() refuses lmtp, the one socket form */
	for (i = 0; i < g.group.n; i++) {
		rt = &g.group.r[i];
		(void)dns_host(rt->host, rt->port, l, why);
	}
	if (l->n > 0)
		res = DNS_OK;
	else if (why->len == 0 && sa_copys(why, "no member of the group "
	    "resolves") == -1)
		die_nomem();
	return res;
}

static int
resolve(const struct envelope *e, const struct route *rt, const char *dom,
    struct dns_addrs *l, struct sa *why)
{
	char	 ip[256];

	if (g.groupmode)
		return resolve_group(l, why);
	if (rt == NULL)
		return dns_resolve(dom, 25, l, why);
	if (rt->sock[0] != '\0') {
		if (smtpsess_unixaddr(&l->a[0], rt->sock) == -1) {
			if (sa_copys(why, strerror(errno)) == -1)
				die_nomem();
			return DNS_TEMP;
		}
		l->n = 1;
		return DNS_OK;
	}
	if (!rt->origin)
		return dns_host(rt->host, rt->port, l, why);
	if (e->remote.len == 0 || e->remote.len >= sizeof ip ||
	    (e->remote.len == 1 && e->remote.s[0] == '-')) {
		if (sa_copys(why, "route origin: the message has no remote "
		    "address") == -1)
			die_nomem();
		return DNS_TEMP;
	}
	memcpy(ip, e->remote.s, e->remote.len);
	ip[e->remote.len] = '\0';
	return dns_host(ip, rt->port, l, why);
}

static const char *
dnsstatus(int res)
{
	return res == DNS_NXDOMAIN ? "5.1.2" : res == DNS_NULLMX ? "5.1.10" :
	    res == DNS_NOHOST ? "5.4.4" : "4.4.3";
}

/* Every address in turn until no recipient is pending. */
static void
try_addrs(struct smtpsess *s, const struct dns_addrs *l, struct dlv_rcpt *r,
    size_t n)
{
	const struct envelope	*e = dl.env;
	struct smtpc_rcpt	*sr;
	size_t			 i;
	char			 esc[300];

	if ((sr = calloc(n, sizeof *sr)) == NULL)
		die_nomem();
	for (i = 0; i < n; i++) {
		sr[i].addr = r[i].addr.s;
		sr[i].len = r[i].addr.len;
		sr[i].code = r[i].state == DLV_PENDING ? 0 : 1;
	}
	for (i = 0; i < l->n && npending(r, n) > 0; i++) {
		s->usetls = 1;
		s->err.len = 0;
		if (smtpsess_run(s, &l->a[i], e->from.s, e->from.len, dl.msg,
		    dl.msglen, sr, n) == SMTPSESS_TLSFAIL && !s->tlsreq) {
			s->usetls = 0;
			(void)smtpsess_run(s, &l->a[i], e->from.s, e->from.len,
			    dl.msg, dl.msglen, sr, n);
		}
		/* the next address (MX, group member) takes over */
		if (npending(r, n) > 0 && i + 1 < l->n)
			mwlog(MWLOG_INFO, "%s failover relay=%s reason=%s",
			    qid, s->relay, s->err.len > 0 ? mwlog_esc(esc,
			    sizeof esc, s->err.s, s->err.len) : mwlog_escs(esc,
			    sizeof esc, "temporary replies"));
	}
	for (i = 0; i < n; i++)
		sa_free(&sr[i].reply);
	free(sr);
}

static void
deliver_domain(struct dlv_rcpt *r, size_t n)
{
	const struct route	*rt;
	struct dns_addrs	*l;
	struct sa		 why = SA_ZERO;
	size_t			 i;
	int			 res;

	if (npending(r, n) == 0)
		return;
	if ((l = calloc(1, sizeof *l)) == NULL)
		die_nomem();
	/* with -g every domain goes to the group (group_tls: any hop
	 * that requires TLS requires it of all) */
	rt = g.groupmode ? NULL : route_lookup(&g.routes, r[0].dom,
	    r[0].domlen);
	sess.tlsreq = rt != NULL ? rt->tlsreq : g.grouptls;
	sess.lmtp = rt != NULL && rt->lmtp;
	sess.ctx = r;
	sess.err.len = 0;
	sess.relay[0] = '\0';
	if ((res = resolve(dl.env, rt, r[0].dom, l, &why)) == DNS_OK)
		try_addrs(&sess, l, r, n);
	else	/* a route's host that does not resolve is our mistake */
		for (i = 0; i < n; i++)
			if (r[i].state == DLV_PENDING)
				settle(&r[i], rt == NULL && res != DNS_TEMP &&
				    !g.groupmode ? 550 : 450, rt != NULL ||
				    g.groupmode ? "4.4.3" : dnsstatus(res),
				    why.s, why.len, NULL, NULL);
	if (sess.err.len == 0 && sa_copys(&sess.err, "no address to try") == -1)
		die_nomem();
	for (i = 0; i < n; i++)
		if (r[i].state == DLV_PENDING)
			settle(&r[i], 450, "4.4.1", sess.err.s, sess.err.len,
			    NULL, sess.relay);
	sa_free(&why);
	free(l);
}

/* --- the message ------------------------------------------------------- */

static int
quarantine(const char *path, const char *why)
{
	mwlog(MWLOG_WARN, "%s malformed: %s", qid, why);
	if (spool_move(path, FAILSPOOL, qid) == -1)
		die_sys("move to " FAILSPOOL, path);
	mwlog(MWLOG_INFO, "%s failed spool=" FAILSPOOL, qid);
	return MW_OK;
}

/* The message: read, checked, and tried for each of its domains. */
static int
deliver(const char *id)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct sa	 file = SA_ZERO, tmp = SA_ZERO;
	size_t		 hl, i, j;
	int		 fd, res;

	g.path.len = 0;
	if (sa_catf(&g.path, "%s/new/%s", g.spool, id) == -1 ||
	    sa_0(&g.path) == -1)
		die_nomem();
	if ((fd = open(g.path.s, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return MW_OK;
		die_sys("open", g.path.s);
	}
	if (spool_slurp(fd, &file, MAXMSG) == -1)
		die_sys("read", g.path.s);
	close(fd);
	if ((res = envelope_parse(&e, file.s, file.len, &hl)) != ENVELOPE_OK)
		return quarantine(g.path.s, envelope_strerror(res));
	if (e.from.len > 0 && addr_parse_mailbox(e.from.s, e.from.len, 1,
	    &tmp) != ADDR_OK)
		return quarantine(g.path.s, "bad sender address");
	if (dlv_load(&dl, &e, file.s + hl, file.len - hl) == -1)
		die_nomem();
	for (i = 0; i < dl.n; i++)
		if (dl.r[i].state == DLV_FAILED)
			logres(&dl.r[i], NULL, DLV_BADADDR,
			    sizeof DLV_BADADDR - 1);
	for (i = 0; i < dl.n; i = j) {
		j = dlv_group(&dl, i);
		deliver_domain(dl.r + i, j - i);
	}
	commit();
	mwlog(MWLOG_INFO, "%s done delivered=%zu bounced=%zu deferred=%zu", qid,
	    dlv_count(&dl, DLV_DONE), dlv_count(&dl, DLV_BOUNCED), dl.infile);
	return dl.infile == 0 ? MW_OK : MW_TEMP;
}

static int
child(const char *id)
{
	qid = id;
	sess.helo = g.helo.s;
	sess.tconnect = (int)g.tconnect * 1000;
	sess.tremote = (int)g.tremote * 1000;
	sess.result = answered;
	sess.sent = sent;
	sess.ibuf = ibuf;
	sess.obuf = obuf;
	sess.bufsize = sizeof ibuf;
	return deliver(id);
}

/* --- the parent: per-destination accounting -------------------------- */

static pid_t
start(struct qrun *q, const char *id, void *ctx)
{
	struct dests_slot	*s;
	struct sa		 doms = SA_ZERO;
	pid_t			 pid;
	int			 e;

	(void)q;
	(void)ctx;
	if ((s = dests_slot(&g.flight)) == NULL || strlen(id) > SPOOL_MAXID)
		return 0;
	g.path.len = 0;
	if (sa_catf(&g.path, "%s/new/%s", g.spool, id) == -1 ||
	    sa_0(&g.path) == -1)
		die_nomem();
	if (dests_read(g.path.s, &doms, MAXDOMS) == -1)
		pid = -1;
	else if (dests_full(&g.flight, &doms))
		pid = 0;	/* a destination is busy: not now */
	else if ((pid = fork()) == 0)
		_exit(child(id));
	if (pid <= 0) {
		e = errno;
		sa_free(&doms);
		errno = e;
		return pid;
	}
	(void)dests_take(s, id, &doms);	/* the length is checked above */
	return pid;
}

static enum qrun_next
done(struct qrun *q, const char *id, int status, void *ctx)
{
	(void)q;
	(void)ctx;
	dests_drop(&g.flight, id);
	if (WIFEXITED(status) && WEXITSTATUS(status) == MW_OK)
		return QRUN_FORGET;
	if (WIFSIGNALED(status))
		mwlog(MWLOG_WARN, "%s killed signal=%d", id, WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != MW_TEMP)
		mwlog(MWLOG_WARN, "%s child exit=%d", id, WEXITSTATUS(status));
	return QRUN_RETRY;
}

/* --- set-up ---------------------------------------------------------------- */

static void
ctlname(const char *fn, struct sa *out, const struct sa *dflt)
{
	struct sa	 err = SA_ZERO;
	int		 r;

	if ((r = control_readline(fn, out, &err)) == -1)
		die_ctl(&err);
	if (r == 0 && sa_copyb(out, dflt->s, dflt->len) == -1)
		die_nomem();
	if (sa_0(out) == -1)
		die_nomem();
	if (!addr_domainok(out->s, out->len)) {
		mwlog(MWLOG_FATAL, "%s line 1: not a host name", fn);
		_exit(MW_TEMP);
	}
	sa_free(&err);
}

/* -g: control/group, the group's members to try in turn */
static void
readgroup(void)
{
	struct sa	 err = SA_ZERO;
	size_t		 i;
	int		 r;

	for (i = 0;; i++) {
		g.group.list = 1;
		if ((r = route_load(&g.group, "control/group", &err)) == -1)
			die_ctl(&err);
		if (r == 1 && g.group.n > 0)
			break;
		/* not set up yet: the mail waits, and so do we, quietly
		 * rather than restarted by the supervisor every second;
		 * said at once, then hourly */
		if (i % (3600 / GROUPWAIT) == 0)
			mwlog(MWLOG_WARN, "control/group: no member of the "
			    "group (HOST[:PORT] a line); " GROUPSPOOL " waits, "
			    "looking again every %d s", GROUPWAIT);
		route_free(&g.group);
		(void)sleep(GROUPWAIT);
	}
	for (i = 0; i < g.group.n; i++) {
		if (g.group.r[i].lmtp) {
			mwlog(MWLOG_FATAL, "control/group line %zu: the group "
			    "speaks SMTP, not LMTP", i + 1);
			_exit(MW_TEMP);
		}
		g.grouptls |= g.group.r[i].tlsreq;
	}
	sa_free(&err);
}

static void
readcontrol(void)
{
	struct sa	 host = SA_ZERO, err = SA_ZERO;
	char		 hn[256];

	if (gethostname(hn, sizeof hn) == -1)
		die_sys("get", "host name");
	hn[sizeof hn - 1] = '\0';
	if (sa_copys(&host, hn) == -1)
		die_nomem();
	ctlname("control/me", &g.me, &host);
	ctlname("control/helohost", &g.helo, &g.me);
	if (qrunconf_readtab(nums, sizeof nums / sizeof nums[0], NULL,
	    &err) == -1 || qrunconf_read(&g.qc, &err) == -1 ||
	    route_load(&g.routes, "control/routes", &err) == -1)
		die_ctl(&err);
	if (g.groupmode)
		readgroup();
	g.qc.timeout = g.tremote * 4 + g.tconnect > CHILDMAX ?
	    g.tremote * 4 + g.tconnect : CHILDMAX;
	sa_free(&host);
	sa_free(&err);
}

int
main(int argc, char **argv)
{
	struct qrun	 q;

	mwlog_init("relay");
	g.spool = SPOOL;
	if (argc == 2 && strcmp(argv[1], "-g") == 0) {
		g.groupmode = 1;
		g.spool = GROUPSPOOL;
	}
	else if (argc > 1) {
		mwlog(MWLOG_FATAL, "usage: relay [-g] (cd to the home "
		    "directory first): %s", argv[1]);
		_exit(MW_TEMP);
	}
	if (geteuid() == 0) {
		mwlog(MWLOG_FATAL, "refusing to run as root");
		_exit(MW_TEMP);
	}
	readcontrol();
	signal(SIGPIPE, SIG_IGN);
	if (dests_tabinit(&g.flight, g.qc.concurrency, g.perhost) == -1)
		die_nomem();
	memset(&q, 0, sizeof q);
	q.spool = g.spool;
	qrunconf_apply(&g.qc, &q);
	q.start = start;
	q.done = done;
	mwlog(MWLOG_INFO, "start spool=%s concurrency=%lu perhost=%lu "
	    "routes=%zu group=%zu", g.spool, g.qc.concurrency, g.perhost,
	    g.routes.n, g.group.n);
	if (qrun_loop(&q) == -1)
		die_sys("watch", g.spool);
	mwlog(MWLOG_INFO, "stop");
	dests_tabfree(&g.flight);
	route_free(&g.routes);
	route_free(&g.group);
	sa_free(&g.path);
	sa_free(&g.me);
	sa_free(&g.helo);
	return MW_OK;
}
