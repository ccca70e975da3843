/* ISC license. */
/* relay: deliver the messages of queue/outbound by SMTP; see relay(8).
 *
 * The parent is a qrun loop: it reads only the envelope block of a
 * message, to count it against the per-destination limit, and forks a
 * child per message.  The child groups the recipients by domain, finds
 * each domain's next hop (control/routes, else DNS), talks SMTP to it,
 * queues a bounce for the permanent failures, and then removes the
 * message, or rewrites it with only the recipients still pending and
 * exits 111 so the parent retries it later.  Bounces are written before
 * the spool file changes: a crash costs at worst a duplicate bounce. */
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
#include "dns.h"
#include "dsn.h"
#include "envelope.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "qrun.h"
#include "route.h"
#include "sa.h"
#include "smtpc.h"
#include "smtpsess.h"
#include "spool.h"

#define SPOOL		"queue/outbound"
#define FAILSPOOL	"queue/failed"
#define MAXDOMS		100		/* domains counted per message */
#define MAXMSG		(1UL << 30)	/* a spool file we will read */
#define CHILDMAX	3600		/* seconds a child may run, at least */

enum rstate { R_PENDING, R_DONE, R_FAILED, R_DEFER };

struct rc {
	struct sa	 addr;		/* parsed, domain lowercased */
	const char	*dom;
	size_t		 domlen;
	enum rstate	 state;
	char		 status[16];	/* RFC 3463 */
	struct sa	 diag;		/* "smtp; 550 ..." */
	char		 remote[256];	/* host that answered, or "" */
};

struct slot {
	int		 used;
	char		 id[SPOOL_MAXID + 1];
	struct sa	 doms;		/* NUL-terminated domains */
};

static struct {
	struct routes	 routes;
	struct sa	 me, helo;
	unsigned long	 conc, perhost, lifetime, tremote, tconnect;
	unsigned long	 retrybase, retrymax, rescan;
	struct slot	*slots;
	struct sa	 path;		/* scratch */
} g;

/* the child's: one message, one session at a time */
static const char	*qid;
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
logres(const struct rc *r, const char *relay, const char *text, size_t n)
{
	static const char *const ev[] = { "pending", "delivered", "bounced",
	    "deferred" };

	mwlog(MWLOG_INFO, "%s %s to=<%s> relay=%s reply=%s", qid, ev[r->state],
	    mwlog_esc(esc1, sizeof esc1, r->addr.s, r->addr.len),
	    relay != NULL && *relay != '\0' ? relay : "-",
	    mwlog_esc(esc2, sizeof esc2, text, n));
}

/* Decide one recipient from an SMTP reply or a local reason. */
static void
settle(struct rc *r, int code, const char *text, size_t n, int smtp,
    const char *host, const char *relay)
{
	r->state = code >= 200 && code < 300 ? R_DONE :
	    code >= 500 ? R_FAILED : R_DEFER;
	if (smtp)
		smtpc_status(text, n, r->status);
	r->diag.len = 0;
	if (sa_cats(&r->diag, smtp ? "smtp; " : "x-mailward; ") == -1 ||
	    sa_catb(&r->diag, text, n) == -1 || sa_0(&r->diag) == -1)
		die_nomem();
	snprintf(r->remote, sizeof r->remote, "%s", host != NULL ? host : "");
	logres(r, relay, text, n);
}

static size_t
npending(const struct rc *r, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += r[i].state == R_PENDING;
	return k;
}

/* --- one domain ---------------------------------------------------------- */

static int
resolve(const struct envelope *e, const struct route *rt, const char *dom,
    struct dns_addrs *l, struct sa *why)
{
	char	 ip[256];

	if (rt == NULL)
		return dns_resolve(dom, 25, l, why);
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

/* smtpsess result(): one recipient answered */
static void
answered(struct smtpsess *s, size_t i, const struct smtpc_rcpt *sr)
{
	struct rc *r = s->ctx;

	settle(&r[i], sr->code, sr->reply.s, sr->reply.len, 1, s->addr->host,
	    s->relay);
}

/* Every address in turn until no recipient is pending. */
static void
try_addrs(struct smtpsess *s, const struct envelope *e, const char *msg,
    size_t ml, const struct dns_addrs *l, struct rc *r, size_t n)
{
	struct smtpc_rcpt	*sr;
	size_t			 i;

	if ((sr = calloc(n, sizeof *sr)) == NULL)
		die_nomem();
	for (i = 0; i < n; i++) {
		sr[i].addr = r[i].addr.s;
		sr[i].len = r[i].addr.len;
		sr[i].code = r[i].state == R_PENDING ? 0 : 1;
	}
	for (i = 0; i < l->n && npending(r, n) > 0; i++) {
		s->usetls = 1;
		if (smtpsess_run(s, &l->a[i], e->from.s, e->from.len, msg, ml,
		    sr, n) == SMTPSESS_TLSFAIL && !s->tlsreq) {
			s->usetls = 0;
			(void)smtpsess_run(s, &l->a[i], e->from.s, e->from.len,
			    msg, ml, sr, n);
		}
	}
	for (i = 0; i < n; i++)
		sa_free(&sr[i].reply);
	free(sr);
}

static void
deliver_domain(const struct envelope *e, const char *msg, size_t ml,
    struct rc *r, size_t n)
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
	rt = route_lookup(&g.routes, r[0].dom, r[0].domlen);
	sess.tlsreq = rt != NULL && rt->tlsreq;
	sess.ctx = r;
	sess.err.len = 0;
	sess.relay[0] = '\0';
	if ((res = resolve(e, rt, r[0].dom, l, &why)) == DNS_OK)
		try_addrs(&sess, e, msg, ml, l, r, n);
	else	/* a route's host that does not resolve is our mistake */
		for (i = 0; i < n; i++)
			if (r[i].state == R_PENDING) {
				snprintf(r[i].status, sizeof r[i].status, "%s",
				    rt != NULL ? "4.4.3" : dnsstatus(res));
				settle(&r[i], rt == NULL && res != DNS_TEMP ?
				    550 : 450, why.s, why.len, 0, NULL, NULL);
			}
	if (sess.err.len == 0 && sa_copys(&sess.err, "no address to try") == -1)
		die_nomem();
	for (i = 0; i < n; i++)
		if (r[i].state == R_PENDING) {
			snprintf(r[i].status, sizeof r[i].status, "4.4.1");
			settle(&r[i], 450, sess.err.s, sess.err.len, 0, NULL,
			    sess.relay);
		}
	sa_free(&why);
	free(l);
}

/* --- the message ------------------------------------------------------- */

static int
bydomain(const void *a, const void *b)
{
	const struct rc	*x = a, *y = b;
	size_t		 n = x->domlen < y->domlen ? x->domlen : y->domlen;
	int		 c = memcmp(x->dom, y->dom, n);

	return c != 0 ? c : (x->domlen > y->domlen) - (x->domlen < y->domlen);
}

/* Parse every recipient; a bad one fails at once. */
static struct rc *
recipients(const struct envelope *e)
{
	struct rc	*rc;
	const char	*p = NULL;
	size_t		 i = 0;

	if ((rc = calloc(e->nrcpt, sizeof *rc)) == NULL)
		die_nomem();
	while ((p = envelope_nextrcpt(e, p)) != NULL) {
		struct rc *r = &rc[i++];

		if (addr_parse_mailbox(p, strlen(p), 1, &r->addr) != ADDR_OK ||
		    sa_0(&r->addr) == -1) {
			if (sa_copys(&r->addr, p) == -1 || sa_0(&r->addr) == -1)
				die_nomem();
			snprintf(r->status, sizeof r->status, "5.1.3");
			settle(r, 550, "bad recipient address syntax", 28, 0,
			    NULL, NULL);
		}
		r->dom = addr_domain(r->addr.s, r->addr.len, &r->domlen);
		if (r->dom == NULL) {
			r->dom = "";
			r->domlen = 0;
		}
	}
	return rc;
}

static int
quarantine(const char *path, const char *why)
{
	mwlog(MWLOG_WARN, "%s malformed: %s", qid, why);
	if (spool_move(path, FAILSPOOL, qid) == -1)
		die_sys("move to " FAILSPOOL, path);
	mwlog(MWLOG_INFO, "%s failed spool=" FAILSPOOL, qid);
	return MW_OK;
}

/* Queue the bounce; 0, or -1 if it could not be written. */
static int
bounce(const struct envelope *e, const char *msg, size_t ml, struct rc *r,
    size_t n, size_t nf)
{
	struct dsn_rcpt	*d;
	struct sa	 bid = SA_ZERO;
	size_t		 i, k = 0;
	int		 queued, res;

	if ((d = calloc(nf, sizeof *d)) == NULL)
		die_nomem();
	for (i = 0; i < n; i++)
		if (r[i].state == R_FAILED) {
			d[k].addr = r[i].addr.s;
			d[k].addrlen = r[i].addr.len;
			d[k].status = r[i].status;
			d[k].diag = r[i].diag.s;
			d[k++].remote = r[i].remote[0] != '\0' ? r[i].remote :
			    NULL;
		}
	res = dsn_queue(SPOOL, e, msg, ml, g.me.s, d, k, &queued, &bid);
	if (res == -1)
		mwlog(MWLOG_WARN, "%s unable to queue bounce: %s", qid,
		    strerror(errno));
	else if (queued)
		mwlog(MWLOG_INFO, "%s bounce id=%.*s nrcpt=%zu", qid,
		    (int)bid.len, bid.s, k);
	else
		mwlog(MWLOG_INFO, "%s bounce discarded: null sender nrcpt=%zu",
		    qid, k);
	free(d);
	sa_free(&bid);
	return res;
}

/* Keep the recipients in state `keep` (and FAILED if failed != 0). */
static void
rewrite(const char *path, const struct envelope *e, const char *msg,
    size_t ml, const struct rc *r, size_t n, int failed)
{
	struct envelope	 ne = *e;
	struct spool_tx	 tx;
	struct sa	 head = SA_ZERO, tmp = SA_ZERO;
	size_t		 i;

	ne.rcpt = (struct sa)SA_ZERO;
	ne.nrcpt = 0;
	for (i = 0; i < n; i++)
		if ((r[i].state == R_DEFER || (failed && r[i].state ==
		    R_FAILED)) && envelope_addrcpt(&ne, r[i].addr.s,
		    r[i].addr.len) == -1)
			die_nomem();
	if (envelope_fmt(&ne, &head) == -1 ||
	    sa_catf(&tmp, "%s.%ld", qid, (long)getpid()) == -1 ||
	    sa_0(&tmp) == -1)
		die_nomem();
	if (spool_open(&tx, SPOOL, tmp.s) == -1)
		die_sys("create rewrite of", path);
	if (bio_put(&tx.out, head.s, head.len) == -1 ||
	    bio_put(&tx.out, msg, ml) == -1) {
		spool_abort(&tx);
		die_sys("write rewrite of", path);
	}
	if (spool_commit_to(&tx, path) == -1)
		die_sys("rewrite", path);
	sa_free(&ne.rcpt);
	sa_free(&head);
	sa_free(&tmp);
}

static int
finish(const char *path, const struct envelope *e, const char *msg,
    size_t ml, struct rc *r, size_t n)
{
	unsigned long long	 now = (unsigned long long)time(NULL);
	size_t			 i, cnt[4] = { 0, 0, 0, 0 }, keep;
	int			 expired, bfail = 0;

	expired = now >= e->time && now - e->time >= g.lifetime;
	for (i = 0; i < n; i++) {
		if (expired && r[i].state == R_DEFER) {
			r[i].state = R_FAILED;
			snprintf(r[i].status, sizeof r[i].status, "4.4.7");
			if (sa_cats(&r[i].diag, "; retry timeout exceeded") ==
			    -1 || sa_0(&r[i].diag) == -1)
				die_nomem();
			mwlog(MWLOG_INFO, "%s expired to=<%s>", qid, mwlog_esc(
			    esc1, sizeof esc1, r[i].addr.s, r[i].addr.len));
		}
		cnt[r[i].state]++;
	}
	if (cnt[R_FAILED] > 0)
		bfail = bounce(e, msg, ml, r, n, cnt[R_FAILED]) == -1;
	keep = cnt[R_DEFER] + (bfail ? cnt[R_FAILED] : 0);
	mwlog(MWLOG_INFO, "%s done delivered=%zu bounced=%zu deferred=%zu", qid,
	    cnt[R_DONE], bfail ? 0 : cnt[R_FAILED], keep);
	if (keep == 0) {
		if (unlink(path) == -1 && errno != ENOENT)
			die_sys("remove", path);
		if (spool_fsyncdir(SPOOL "/new") == -1)
			die_sys("fsync", SPOOL "/new");
		return MW_OK;
	}
	if (keep < n)
		rewrite(path, e, msg, ml, r, n, bfail);
	return MW_TEMP;
}

static int
child(const char *id)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct sa	 file = SA_ZERO, path = SA_ZERO, tmp = SA_ZERO;
	struct rc	*rc;
	size_t		 hl, i, j;
	int		 fd, res;

	qid = id;
	sess.helo = g.helo.s;
	sess.tconnect = (int)g.tconnect * 1000;
	sess.tremote = (int)g.tremote * 1000;
	sess.result = answered;
	sess.ibuf = ibuf;
	sess.obuf = obuf;
	sess.bufsize = sizeof ibuf;
	if (sa_catf(&path, SPOOL "/new/%s", id) == -1 || sa_0(&path) == -1)
		die_nomem();
	if ((fd = open(path.s, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return MW_OK;
		die_sys("open", path.s);
	}
	if (spool_slurp(fd, &file, MAXMSG) == -1)
		die_sys("read", path.s);
	close(fd);
	if ((res = envelope_parse(&e, file.s, file.len, &hl)) != ENVELOPE_OK)
		return quarantine(path.s, envelope_strerror(res));
	if (e.from.len > 0 && addr_parse_mailbox(e.from.s, e.from.len, 1,
	    &tmp) != ADDR_OK)
		return quarantine(path.s, "bad sender address");
	rc = recipients(&e);
	qsort(rc, e.nrcpt, sizeof *rc, bydomain);
	for (i = 0; i < e.nrcpt; i = j) {
		for (j = i + 1; j < e.nrcpt && bydomain(&rc[i], &rc[j]) == 0;
		    j++)
			;
		deliver_domain(&e, file.s + hl, file.len - hl, rc + i, j - i);
	}
	return finish(path.s, &e, file.s + hl, file.len - hl, rc, e.nrcpt);
}

/* --- the parent: per-destination accounting -------------------------- */

/* 1 if one of the message's domains has perhost messages in flight */
static int
overlimit(const struct sa *doms)
{
	const char	*d = NULL;
	size_t		 i, busy;

	while ((d = dests_next(doms, d)) != NULL) {
		for (busy = i = 0; i < g.conc; i++)
			busy += g.slots[i].used && dests_has(&g.slots[i].doms, d);
		if (busy >= g.perhost)
			return 1;
	}
	return 0;
}

static pid_t
start(struct qrun *q, const char *id, void *ctx)
{
	struct slot	*s = NULL;
	struct sa	 doms = SA_ZERO;
	size_t		 i;
	pid_t		 pid;
	int		 e;

	(void)q;
	(void)ctx;
	for (i = 0; i < g.conc && s == NULL; i++)
		if (!g.slots[i].used)
			s = &g.slots[i];
	if (s == NULL || strlen(id) > SPOOL_MAXID)
		return 0;
	g.path.len = 0;
	if (sa_catf(&g.path, SPOOL "/new/%s", id) == -1 || sa_0(&g.path) == -1)
		die_nomem();
	if (dests_read(g.path.s, &doms, MAXDOMS) == -1) {
		e = errno;
		sa_free(&doms);
		errno = e;
		return -1;
	}
	if (overlimit(&doms)) {
		sa_free(&doms);
		return 0;
	}
	if ((pid = fork()) == 0)
		_exit(child(id));
	if (pid == -1) {
		e = errno;
		sa_free(&doms);
		errno = e;
		return -1;
	}
	s->used = 1;
	memcpy(s->id, id, strlen(id) + 1);
	s->doms = doms;
	return pid;
}

static enum qrun_next
done(struct qrun *q, const char *id, int status, void *ctx)
{
	size_t i;

	(void)q;
	(void)ctx;
	for (i = 0; i < g.conc; i++)
		if (g.slots[i].used && strcmp(g.slots[i].id, id) == 0) {
			g.slots[i].used = 0;
			sa_free(&g.slots[i].doms);
			break;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == MW_OK)
		return QRUN_FORGET;
	if (WIFSIGNALED(status))
		mwlog(MWLOG_WARN, "%s killed signal=%d", id, WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != MW_TEMP)
		mwlog(MWLOG_WARN, "%s child exit=%d", id, WEXITSTATUS(status));
	return QRUN_RETRY;
}

/* --- set-up ---------------------------------------------------------------- */

static unsigned long
ctl(const char *name, unsigned long min, unsigned long max, unsigned long dflt)
{
	struct sa	 fn = SA_ZERO, err = SA_ZERO;
	unsigned long	 v;

	if (sa_catf(&fn, "control/%s", name) == -1 || sa_0(&fn) == -1)
		die_nomem();
	if (control_readuint(fn.s, min, max, dflt, &v, &err) == -1)
		die_ctl(&err);
	sa_free(&fn);
	sa_free(&err);
	return v;
}

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
	g.conc = ctl("concurrencyremote", 1, 1000, 20);
	g.perhost = ctl("concurrencyperhost", 1, 1000, 5);
	g.lifetime = ctl("queuelifetime", 0, 100UL * 86400, 432000);
	g.tremote = ctl("timeoutremote", 1, 86400, 300);
	g.tconnect = ctl("timeoutconnect", 1, 86400, 30);
	g.retrybase = ctl("retrybase", 1, 86400, 60);
	g.retrymax = ctl("retrymax", 1, 604800, 3600);
	g.rescan = ctl("rescan", 1, 86400, 60);
	if (route_load(&g.routes, "control/routes", &err) == -1)
		die_ctl(&err);
	sa_free(&host);
	sa_free(&err);
}

int
main(int argc, char **argv)
{
	struct qrun	 q;
	size_t		 i;

	mwlog_init("relay");
	if (argc > 1) {
		mwlog(MWLOG_FATAL, "usage: relay (no arguments; cd to the "
		    "home directory first): %s", argv[1]);
		_exit(MW_TEMP);
	}
	if (geteuid() == 0) {
		mwlog(MWLOG_FATAL, "refusing to run as root");
		_exit(MW_TEMP);
	}
	readcontrol();
	signal(SIGPIPE, SIG_IGN);
	if ((g.slots = calloc(g.conc, sizeof *g.slots)) == NULL)
		die_nomem();
	memset(&q, 0, sizeof q);
	q.spool = SPOOL;
	q.concurrency = (unsigned int)g.conc;
	q.timeout = (unsigned int)(g.tremote * 4 + g.tconnect > CHILDMAX ?
	    g.tremote * 4 + g.tconnect : CHILDMAX);
	q.rescan = (unsigned int)g.rescan;
	q.retrybase = (unsigned int)g.retrybase;
	q.retrymax = (unsigned int)g.retrymax;
	q.start = start;
	q.done = done;
	mwlog(MWLOG_INFO, "start concurrency=%lu perhost=%lu routes=%zu",
	    g.conc, g.perhost, g.routes.n);
	if (qrun_loop(&q) == -1)
		die_sys("watch", SPOOL "/new");
	mwlog(MWLOG_INFO, "stop");
	for (i = 0; i < g.conc; i++)
		sa_free(&g.slots[i].doms);
	free(g.slots);
	route_free(&g.routes);
	sa_free(&g.path);
	sa_free(&g.me);
	sa_free(&g.helo);
	return MW_OK;
}
