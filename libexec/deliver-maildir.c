/* ISC license. */
/* deliver-maildir: deliver a spooled message into local Maildirs; see
 * deliver-maildir(8).
 *
 * Reads one spool file on stdin.  Each recipient's Maildir comes from
 * control/maildirs; the copy gets Return-Path and Delivered-To on top
 * and is otherwise the spooled message byte for byte.  Copies are named
 * after the queue id and the recipient (maildir.h), so running again
 * after a crash or a temporary failure skips what was delivered.
 * With -o SPOOL, the recipients without a Maildir whose domain has a
 * route of its own in control/routes (a gateway's internal servers; not
 * "*") are passed on together in one new spool file in SPOOL, for
 * relay.  Unknown
 * recipients are bounced (dsn.h); both happen once every Maildir
 * delivery is done, and any temporary error leaves the whole message to
 * a retry. */
#include "sysdeps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "control.h"
#include "dsn.h"
#include "envelope.h"
#include "maildir.h"
#include "maildirmap.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "route.h"
#include "sa.h"
#include "spool.h"

#define MAXSPOOL	((256UL << 20) + ENVELOPE_MAXBLOCK)
#define MAXHOST		255
#define USAGE		"usage: deliver-maildir [-b BOUNCESPOOL] [-o SPOOL] " \
			"< spoolfile"

enum outcome { O_DELIVERED, O_DUPLICATE, O_ROUTED, O_UNKNOWN, O_BADADDR,
	O_TEMP };

static struct {
	const char		*bounce;	/* spool for bounces */
	const char		*onward;	/* -o: spool for routed rcpts */
	struct maildirmap	 map;
	struct routes		 routes;	/* control/routes, with -o */
	struct envelope		 fw;		/* the routed recipients */
	struct sa		 me;		/* control/me, for the DSN */
	char			 host[MAXHOST + 1];
	struct envelope		 env;
	const char		*msg;		/* the message after the block */
	size_t			 msglen;
	struct sa		 key, name, hdr, path, tmp;
} g = { .bounce = "queue/outbound", .map = MAILDIRMAP_ZERO,
	.routes = ROUTES_ZERO, .fw = ENVELOPE_ZERO, .env = ENVELOPE_ZERO };

static void MW_NORETURN
die(int code, const char *what, const char *why)
{
	mwlog(MWLOG_FATAL, "%s: %s", what, why);
	_exit(code);
}

static void MW_NORETURN
die_nomem(void)
{
	die(MW_TEMP, "unable to allocate memory", strerror(ENOMEM));
}

static const char *
esc(char *buf, size_t n, const char *s, size_t len)
{
	return mwlog_esc(buf, n, s, len);
}

/* Return-Path and Delivered-To for one recipient into g.hdr. */
static void
mkhdr(const char *rcpt, size_t n)
{
	g.hdr.len = 0;
	if (sa_cats(&g.hdr, "Return-Path: <") == -1 ||
	    sa_cat(&g.hdr, &g.env.from) == -1 ||
	    sa_cats(&g.hdr, ">\nDelivered-To: ") == -1 ||
	    sa_catb(&g.hdr, rcpt, n) == -1 || sa_catc(&g.hdr, '\n') == -1)
		die_nomem();
}

/* 1 if -o was given and control/routes has a route of the domain of
 * rcpt's own (route_own(): not "*", lest a subscriber without a Maildir
 * go back out the way its mail came in) */
static int
routed(const char *rcpt, size_t n)
{
	return g.onward != NULL && route_own(&g.routes, rcpt, n) != NULL;
}

/* Deliver to one recipient; logs the outcome unless it is a bounce or
 * passed on. */
static enum outcome
deliver_one(const char *rcpt)
{
	char		 e1[300], e2[300];
	size_t		 n = strlen(rcpt);
	const char	*dir;
	int		 r;

	if (addr_parse_mailbox(rcpt, n, 1, &g.tmp) != ADDR_OK)
		return O_BADADDR;
	if ((dir = maildirmap_lookup(&g.map, rcpt, n)) == NULL)
		return routed(rcpt, n) ? O_ROUTED : O_UNKNOWN;
	if (maildir_key(&g.key, g.env.id.s, g.env.id.len, rcpt, n) == -1 ||
	    maildir_name(&g.name, g.env.time, g.key.s, g.key.len,
	    g.host) == -1)
		die_nomem();
	mkhdr(rcpt, n);
	r = maildir_deliver(dir, g.key.s, g.key.len, g.name.s, g.hdr.s,
	    g.hdr.len, g.msg, g.msglen, &g.path);
	if (r == -1) {
		mwlog(MWLOG_WARN, "%s deferred to=%s maildir=%s reason=%s",
		    g.env.id.s, esc(e1, sizeof e1, rcpt, n),
		    esc(e2, sizeof e2, dir, strlen(dir)), strerror(errno));
		return O_TEMP;
	}
	mwlog(MWLOG_INFO, "%s %s to=%s path=%s", g.env.id.s,
	    r == MAILDIR_DELIVERED ? "delivered" : "duplicate-skip",
	    esc(e1, sizeof e1, rcpt, n),
	    esc(e2, sizeof e2, g.path.s, g.path.len));
	return r == MAILDIR_DELIVERED ? O_DELIVERED : O_DUPLICATE;
}

/* Bounce the n failed recipients: 0, or -1 if it must be retried. */
static int
bounce(const struct dsn_rcpt *bad, size_t n)
{
	struct sa	 qid = SA_ZERO;
	char		 e1[300];
	size_t		 i;
	int		 queued = 0;

	if (n == 0)
		return 0;
	if (dsn_queue(g.bounce, &g.env, g.msg, g.msglen, g.me.s, bad, n,
	    &queued, &qid) == -1) {
		mwlog(MWLOG_WARN, "%s unable to queue bounce in %s: %s",
		    g.env.id.s, g.bounce, strerror(errno));
		sa_free(&qid);
		return -1;
	}
	if (queued && sa_0(&qid) == -1)
		die_nomem();
	for (i = 0; i < n; i++)
		mwlog(MWLOG_INFO, "%s bounced to=%s status=%s dsn=%s",
		    g.env.id.s, esc(e1, sizeof e1, bad[i].addr, bad[i].addrlen),
		    bad[i].status, queued ? qid.s : "none");
	sa_free(&qid);
	return 0;
}

/* The recipients routed onward, as one new file in g.onward's tmp/:
 * the caller commits it only after the bounce, so that a failure of
 * either leaves neither behind for the retry to repeat.  1 written, 0
 * nobody to pass on, -1 failed (logged).  Everything but the
 * recipients and the id is the message's own envelope (its scan keys
 * included). */
static int
pass_write(struct spool_tx *tx, struct sa *id)
{
	struct sa	 env = SA_ZERO;
	int		 r = 1;

	if (g.fw.nrcpt == 0)
		return 0;
	if (spool_newid(id) == -1 || sa_0(id) == -1 ||
	    sa_copyb(&g.fw.id, id->s, id->len) == -1 ||
	    envelope_fmt(&g.fw, &env) == -1)
		die_nomem();
	if (spool_open(tx, g.onward, id->s) == -1)
		r = -1;
	else if (bio_put(&tx->out, env.s, env.len) == -1 ||
	    bio_put(&tx->out, g.msg, g.msglen) == -1) {
		spool_abort(tx);
		r = -1;
	}
	if (r == -1)
		mwlog(MWLOG_WARN, "%s unable to pass recipients on to %s: %s",
		    g.env.id.s, g.onward, strerror(errno));
	sa_free(&env);
	return r;
}

/* Pass on (pass_write()'s file) and bounce: 0, or -1 if it must all be
 * tried again.  Only a crash between the two commits can repeat one. */
static int
pass_and_bounce(const struct dsn_rcpt *bad, size_t nbad)
{
	struct spool_tx	 tx;
	struct sa	 id = SA_ZERO;
	const char	*p = NULL;
	char		 e1[300];
	int		 w;

	if ((w = pass_write(&tx, &id)) == -1)
		goto fail;
	if (bounce(bad, nbad) == -1) {
		if (w == 1)
			spool_abort(&tx);
		goto fail;
	}
	if (w == 1 && spool_commit(&tx) == -1) {
		mwlog(MWLOG_WARN, "%s unable to pass recipients on to %s: %s",
		    g.env.id.s, g.onward, strerror(errno));
		goto fail;
	}
	while (w == 1 && (p = envelope_nextrcpt(&g.fw, p)) != NULL)
		mwlog(MWLOG_INFO, "%s routed to=%s spool=%s queued=%s",
		    g.env.id.s, esc(e1, sizeof e1, p, strlen(p)), g.onward,
		    id.s);
	sa_free(&id);
	return 0;
fail:
	sa_free(&id);
	return -1;
}

static int
deliver_all(void)
{
	struct dsn_rcpt	*bad;
	const char	*p = NULL;
	size_t		 cnt[O_TEMP + 1] = { 0 }, nbad = 0;
	enum outcome	 o;

	if ((bad = calloc(g.env.nrcpt, sizeof *bad)) == NULL)
		die_nomem();
	g.fw.time = g.env.time;
	g.fw.tls = g.env.tls;
	if (sa_copyb(&g.fw.remote, g.env.remote.s, g.env.remote.len) == -1 ||
	    sa_copyb(&g.fw.helo, g.env.helo.s, g.env.helo.len) == -1 ||
	    sa_copyb(&g.fw.from, g.env.from.s, g.env.from.len) == -1 ||
	    sa_copyb(&g.fw.extra, g.env.extra.s, g.env.extra.len) == -1)
		die_nomem();
	while ((p = envelope_nextrcpt(&g.env, p)) != NULL) {
		cnt[o = deliver_one(p)]++;
		if (o == O_ROUTED && envelope_addrcpt(&g.fw, p, strlen(p)) ==
		    -1)
			die_nomem();
		if (o != O_UNKNOWN && o != O_BADADDR)
			continue;
		bad[nbad].addr = p;
		bad[nbad].addrlen = strlen(p);
		bad[nbad].status = o == O_UNKNOWN ? "5.1.1" : "5.1.3";
		bad[nbad].diag = o == O_UNKNOWN ?
		    "x-mailward; no such mailbox here" :
		    "x-mailward; bad recipient address syntax";
		nbad++;
	}
	/* pass on and bounce only once the rest is done: a retry must do
	 * neither twice */
	if (cnt[O_TEMP] > 0 || pass_and_bounce(bad, nbad) == -1) {
		mwlog(MWLOG_INFO, "%s deferred delivered=%zu duplicate=%zu "
		    "deferred=%zu unknown=%zu", g.env.id.s, cnt[O_DELIVERED],
		    cnt[O_DUPLICATE], cnt[O_TEMP], nbad);
		free(bad);
		return MW_TEMP;
	}
	mwlog(MWLOG_INFO, "%s done delivered=%zu duplicate=%zu routed=%zu "
	    "bounced=%zu", g.env.id.s, cnt[O_DELIVERED], cnt[O_DUPLICATE],
	    cnt[O_ROUTED], nbad);
	free(bad);
	return MW_OK;
}

/* Read and parse the spool file on stdin: MW_OK or an exit code. */
static int
readspool(struct sa *buf)
{
	size_t	 hdrlen;
	int	 r;

	if (spool_slurp(0, buf, MAXSPOOL) == -1) {
		if (errno == EFBIG) {
			mwlog(MWLOG_WARN, "- spool file over %lu bytes",
			    MAXSPOOL);
			return MW_PERM;
		}
		die(MW_TEMP, "unable to read stdin", strerror(errno));
	}
	r = envelope_parse(&g.env, buf->s, buf->len, &hdrlen);
	if (r == ENVELOPE_NOMEM)
		die_nomem();
	if (r != ENVELOPE_OK) {
		mwlog(MWLOG_WARN, "- malformed spool file: %s",
		    envelope_strerror(r));
		return MW_PERM;
	}
	if (sa_0(&g.env.id) == -1)
		die_nomem();
	g.msg = buf->s + hdrlen;
	g.msglen = buf->len - hdrlen;
	return MW_OK;
}

static void
setup(int argc, char **argv)
{
	struct sa	 err = SA_ZERO;
	int		 c;

	while ((c = getopt(argc, argv, "b:o:")) != -1)
		if (c == 'b')
			g.bounce = optarg;
		else if (c == 'o')
			g.onward = optarg;
		else
			die(MW_TEMP, "usage", USAGE);
	if (optind != argc)
		die(MW_TEMP, "usage", USAGE);
	c = maildirmap_load(&g.map, "control/maildirs", &err);
	if (c == 0 && g.onward == NULL)
		die(MW_TEMP, "control/maildirs", "missing: no local mailboxes");
	if (c == -1 || sa_0(&err) == -1)
		die(MW_TEMP, "unable to read control/maildirs",
		    err.s != NULL ? err.s : strerror(errno));
	if (g.onward != NULL && route_load(&g.routes, "control/routes",
	    &err) == -1)
		die(MW_TEMP, "unable to read control/routes", sa_0(&err) == 0 ?
		    err.s : strerror(ENOMEM));
	if (gethostname(g.host, sizeof g.host) == -1 || g.host[0] == '\0')
		memcpy(g.host, "localhost", sizeof "localhost");
	g.host[MAXHOST] = '\0';
	c = control_readline("control/me", &g.me, &err);
	if (c == -1 && sa_0(&err) == 0)
		die(MW_TEMP, "unable to read control/me", err.s);
	if ((c != 1 && sa_copys(&g.me, g.host) == -1) || sa_0(&g.me) == -1)
		die_nomem();
	sa_free(&err);
}

int
main(int argc, char **argv)
{
	struct sa	 buf = SA_ZERO;
	int		 r;

	mwlog_init("deliver-maildir");
	if (geteuid() == 0) {
		mwlog(MWLOG_FATAL, "refusing to run as root");
		return MW_TEMP;
	}
	setup(argc, argv);
	r = readspool(&buf);
	if (r == MW_OK)
		r = deliver_all();
	envelope_free(&g.env);
	envelope_free(&g.fw);
	maildirmap_free(&g.map);
	route_free(&g.routes);
	sa_free(&buf);
	sa_free(&g.me);
	sa_free(&g.key);
	sa_free(&g.name);
	sa_free(&g.hdr);
	sa_free(&g.path);
	sa_free(&g.tmp);
	return r;
}
