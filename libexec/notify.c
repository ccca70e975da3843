/* ISC license. */
/* notify: tell the recipients, the administrator and (when the operator
 * wants it) the sender that a scan found something; see notify(8).
 *
 * A spool-run filter after the stamp: reads a spool file on stdin and
 * writes it unchanged on stdout.  A message whose verdict is "cleaned"
 * with viruses found here, or "quarantined", gets its notices, each a
 * new message from the null sender spooled into -o SPOOL (default
 * queue/scan: notices are scanned and stamped like any message) with
 * the envelope key "notice", which makes notify pass it on without a
 * notice of its own.  Exit MW_ROUTE_HOLD for a quarantined message (its
 * runner moves it to the quarantine), 0 for the rest.  On a gateway
 * (-g) the quarantined messages are those classify(8) held unscanned,
 * and the notices say so; there they go to queue/local, and with -x
 * those to addresses that are not local (no Maildir, no internal
 * server: a remote administrator, the sender) to relay's spool. */
#include "sysdeps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "bio.h"
#include "control.h"
#include "envelope.h"
#include "hdr.h"
#include "maildirmap.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "notice.h"
#include "qrunconf.h"
#include "ratelim.h"
#include "route.h"
#include "sa.h"
#include "spool.h"

#define USAGE	"usage: notify [-g] [-o SPOOL] [-x SPOOL] [-r RATEDIR]"

static struct {
	const char	*spool, *ratedir;
	const char	*xspool;	/* -x: for addresses not local */
	struct maildirmap map;		/* -x: control/maildirs */
	struct routes	 routes;	/* -x: control/routes */
	struct sa	 me, from, admin, contact;
	unsigned long	 sender, limit, window, databytes;
	struct sa	 in, hdrs;
	struct envelope	 env;
	size_t		 hl;
	unsigned int	 sent, limited, failed;
	int		 gateway;	/* -g */
} g = { .spool = "queue/scan", .ratedir = "notify", .map = MAILDIRMAP_ZERO,
	.routes = ROUTES_ZERO, .env = ENVELOPE_ZERO };

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
die_nomem(void)
{
	die(MW_TEMP, "out of memory", NULL);
}

/* --- configuration ------------------------------------------------------ */

/* An address from control/NAME into v (parsed: the domain in lower
 * case); 0 if the file is missing. */
static int
config_addr(const char *fn, struct sa *v)
{
	struct sa	 err = SA_ZERO, raw = SA_ZERO;
	int		 r = control_readline(fn, &raw, &err);

	if (r == -1)
		(void)sa_0(&err), die(MW_TEMP, err.s, NULL);
	if (r == 1 && addr_parse_mailbox(raw.s, raw.len, 0, v) != ADDR_OK)
		die(MW_TEMP, fn, "line 1: not an address local@domain");
	if (r == 1 && sa_0(v) == -1)
		die_nomem();
	sa_free(&raw);
	sa_free(&err);
	return r;
}

/* "postmaster@ME" */
static void
postmaster(struct sa *v)
{
	if (sa_catf(v, "postmaster@%s", g.me.s) == -1 || sa_0(v) == -1)
		die_nomem();
}

static void
config(void)
{
	struct sa	 err = SA_ZERO;
	int		 r;
	struct qrunconf_num tab[] = {
		{ "notifysender", 0, 0, 1, 0, &g.sender },
		{ "notifylimit", 0, 1, 100000, 10, &g.limit },
		{ "notifywindow", 0, 1, 31536000, 3600, &g.window },
		{ "databytes", 0, 1, 1UL << 30, 35UL << 20, &g.databytes },
	};

	if ((r = control_readline("control/me", &g.me, &err)) == -1 ||
	    qrunconf_readtab(tab, sizeof tab / sizeof tab[0], NULL, &err) == -1)
		(void)sa_0(&err), die(MW_TEMP, err.s, NULL);
	if (r == 0)
		die(MW_TEMP, "control/me", "missing");
	if (sa_0(&g.me) == -1)
		die_nomem();
	if (g.xspool != NULL && (maildirmap_load(&g.map, "control/maildirs",
	    &err) == -1 || route_load(&g.routes, "control/routes", &err) ==
	    -1))
		die(MW_TEMP, sa_0(&err) == 0 ? err.s : strerror(ENOMEM), NULL);
	if (config_addr("control/notifyfrom", &g.from) == 0)
		postmaster(&g.from);
	/* the administrator: notices only if named; releases in any case */
	if (config_addr("control/notifyadmin", &g.admin) == 1) {
		if (sa_copyb(&g.contact, g.admin.s, g.admin.len) == -1 ||
		    sa_0(&g.contact) == -1)
			die_nomem();
	} else
		postmaster(&g.contact);
	sa_free(&err);
}

/* --- the message ---------------------------------------------------------- */

/* The first field NAME of the header section: its value, or NULL. */
static const char *
field(const char *name, size_t *n)
{
	struct hdr		 h;
	struct hdr_field	 f;
	size_t			 nl = strlen(name);

	hdr_init(&h, g.in.s + g.hl, g.in.len - g.hl);
	while (hdr_next(&h, &f) == HDR_FIELD)
		if (f.namelen == nl && strncasecmp(f.name, name, nl) == 0) {
			*n = f.valuelen;
			return f.value;
		}
	*n = 0;
	return NULL;
}

/* The sender is told only where the message plainly came from it: its
 * address is the one in From:, nothing says the message was sent by a
 * machine, and the operator asked for it.  Mass-mailing viruses forge
 * both addresses alike, hence the default off. */
static int
sender_ok(void)
{
	const char	*v, *lt, *gt;
	size_t		 n;

	if (!g.sender || g.env.from.len == 0)
		return 0;
	if ((v = field("Auto-Submitted", &n)) != NULL) {
		while (n > 0 && memchr(" \t\r\n", *v, 4) != NULL)
			v++, n--;	/* blanks and folding */
		if (n < 2 || strncasecmp(v, "no", 2) != 0 ||
		    (n > 2 && memchr(" \t\r\n;(", v[2], 6) == NULL))
			return 0;	/* "no" alone, not "notify-bot" */
	}
	if ((v = field("Precedence", &n)) != NULL)
		return 0;	/* bulk, list, junk: no answers */
	if ((v = field("From", &n)) == NULL)
		return 0;
	lt = memchr(v, '<', n);
	gt = lt != NULL ? memchr(lt, '>', n - (size_t)(lt - v)) : NULL;
	if (lt != NULL && gt != NULL) {
		v = lt + 1;
		n = (size_t)(gt - v);
	} else {
		while (n > 0 && memchr(" \t\r\n", *v, 4) != NULL)
			v++, n--;
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' ||
		    v[n - 1] == '\n' || v[n - 1] == '\r'))
			n--;
	}
	return addr_eq(v, n, g.env.from.s, g.env.from.len);
}

/* The spool for a notice to `to`: -o's, or with -x, for an address
 * with no Maildir here and no internal server of its domain, -x's (on a
 * gateway: relay, not deliver-maildir, which would bounce it to <>). */
static const char *
spoolfor(const char *to)
{
	size_t	 n = strlen(to);

	if (g.xspool == NULL || maildirmap_lookup(&g.map, to, n) != NULL ||
	    route_own(&g.routes, to, n) != NULL)
		return g.spool;
	return g.xspool;
}

/* Spool one notice to `to`, unless to has had its share. */
static void
send1(enum notice_kind k, struct notice_info *ni, const char *to)
{
	const char	*sp = spoolfor(to);
	struct envelope	 e = ENVELOPE_ZERO;
	struct sa	 id = SA_ZERO, env = SA_ZERO, msg = SA_ZERO;
	struct sa	 mid = SA_ZERO, key = SA_ZERO;
	const char	*kn = notice_kindname(k);
	char		 t[300];
	int		 r;

	if (sa_cats(&key, to) == -1 || sa_0(&key) == -1)
		die_nomem();
	for (size_t i = 0; i < key.len; i++)	/* one count per address */
		if (key.s[i] >= 'A' && key.s[i] <= 'Z')
			key.s[i] = (char)(key.s[i] - 'A' + 'a');
	r = ratelim_take(g.ratedir, key.s, g.limit, g.window, ni->now);
	if (r == -1)
		mwlog(MWLOG_WARN, "%s unable to count notices in %s: %s "
		    "(sent anyway)", ni->qid, g.ratedir, strerror(errno));
	if (r == 0) {
		g.limited++;
		mwlog(MWLOG_INFO, "%s notice=%s to=%s rate-limited", ni->qid,
		    kn, mwlog_escs(t, sizeof t, to));
		goto out;
	}
	if (spool_newid(&id) == -1 || sa_0(&id) == -1 ||
	    sa_copyb(&e.id, id.s, id.len) == -1 ||
	    sa_copyb(&e.remote, g.env.remote.s, g.env.remote.len) == -1 ||
	    sa_copys(&e.helo, "-") == -1 || sa_copyb(&e.from, "", 0) == -1 ||
	    envelope_addrcpt(&e, to, strlen(to)) == -1 ||
	    envelope_set(&e, "notice", kn, strlen(kn)) == -1 ||
	    envelope_set(&e, "notice-for", ni->qid, strlen(ni->qid)) == -1 ||
	    sa_catf(&mid, "%s.notice.%s", id.s, kn) == -1 || sa_0(&mid) == -1)
		die_nomem();
	e.time = ni->now;
	ni->msgid = mid.s;
	if (envelope_fmt(&e, &env) == -1 || notice_make(k, ni, to, &msg) == -1)
		die_nomem();
	if (spool_write(sp, id.s, &env, &msg) == -1) {
		g.failed++;
		mwlog(MWLOG_WARN, "%s notice=%s to=%s unable to spool in %s: %s",
		    ni->qid, kn, mwlog_escs(t, sizeof t, to), sp,
		    strerror(errno));
		goto out;
	}
	g.sent++;
	mwlog(MWLOG_INFO, "%s notice=%s to=%s queued=%s%s%s", ni->qid, kn,
	    mwlog_escs(t, sizeof t, to), id.s, sp != g.spool ? " spool=" :
	    "", sp != g.spool ? sp : "");
out:
	envelope_free(&e);
	sa_free(&id);
	sa_free(&env);
	sa_free(&msg);
	sa_free(&mid);
	sa_free(&key);
}

/* an envelope value as a C string in s, or NULL */
static const char *
key(const char *name, struct sa *s)
{
	const char	*v;
	size_t		 n;

	if ((v = envelope_get(&g.env, name, &n)) == NULL)
		return NULL;
	if (sa_copyb(s, v, n) == -1 || sa_0(s) == -1)
		die_nomem();
	return s->s;
}

static void
notices(int held, const char *viruses)
{
	struct notice_info	 ni;
	struct sa		 why = SA_ZERO, sc = SA_ZERO, fd = SA_ZERO;
	const char		*r = NULL;

	memset(&ni, 0, sizeof ni);
	ni.qid = g.env.id.s;
	ni.me = g.me.s;
	ni.from = g.from.s;
	ni.admin = g.contact.s;
	ni.sender = g.env.from.s;
	ni.hdrfrom = field("From", &ni.hdrfromlen);
	ni.subject = field("Subject", &ni.subjectlen);
	ni.viruses = viruses;
	ni.why = key("quarantine", &why);
	ni.scanned = key("scanned", &sc);
	ni.found = key("found", &fd);
	ni.remote = g.env.remote.s;
	ni.helo = g.env.helo.s;
	ni.rcpts = g.env.rcpt.s;
	ni.nrcpt = g.env.nrcpt;
	ni.held = held;
	ni.unscanned = held && g.gateway;
	ni.loop = ni.unscanned && ni.why != NULL &&
	    strncmp(ni.why, "loop:", 5) == 0;
	ni.arrived = g.env.time;
	ni.now = (unsigned long long)time(NULL);
	while ((r = envelope_nextrcpt(&g.env, r)) != NULL)
		send1(NOTICE_RCPT, &ni, r);
	if (g.admin.len > 0)
		send1(NOTICE_ADMIN, &ni, g.admin.s);
	if (sender_ok())
		send1(NOTICE_SENDER, &ni, g.env.from.s);
	sa_free(&why);
	sa_free(&sc);
	sa_free(&fd);
}

static void
copyout(void)
{
	struct bio	 b;
	char		 buf[8192];

	bio_init(&b, 1, bio_op_write, buf, sizeof buf);
	if (bio_put(&b, g.in.s, g.in.len) == -1 || bio_flush(&b) == -1)
		die(MW_TEMP, "unable to write standard output",
		    strerror(errno));
}

int
main(int argc, char **argv)
{
	struct sa	 vir = SA_ZERO, verdict = SA_ZERO;
	const char	*v;
	int		 c, r, held;

	mwlog_init("notify");
	while ((c = getopt(argc, argv, "go:r:x:h")) != -1)
		switch (c) {
		case 'g': g.gateway = 1; break;
		case 'o': g.spool = optarg; break;
		case 'x': g.xspool = optarg; break;
		case 'r': g.ratedir = optarg; break;
		default: die(MW_TEMP, USAGE, NULL);
		}
	if (optind != argc)
		die(MW_TEMP, USAGE, NULL);
	if (geteuid() == 0)
		die(MW_TEMP, "refusing to run as root", NULL);
	config();
	if (spool_slurp(0, &g.in, g.databytes * 2 + ENVELOPE_MAXBLOCK) == -1)
		die(MW_TEMP, "unable to read standard input", strerror(errno));
	if ((r = envelope_parse(&g.env, g.in.s, g.in.len, &g.hl)) !=
	    ENVELOPE_OK) {
		mwlog(MWLOG_WARN, "- malformed %s", envelope_strerror(r));
		return r == ENVELOPE_NOMEM ? MW_TEMP : MW_PERM;
	}
	/* C strings for the notices (sa_0 keeps len) */
	if (sa_0(&g.env.id) == -1 || sa_0(&g.env.from) == -1 ||
	    sa_0(&g.env.remote) == -1 || sa_0(&g.env.helo) == -1)
		die_nomem();
	(void)key("verdict", &verdict);
	v = key("viruses", &vir);
	held = sa_eqs(&verdict, "quarantined");
	if (envelope_get(&g.env, "notice", &(size_t){ 0 }) != NULL)
		mwlog(MWLOG_INFO, "%s passed notice", g.env.id.s);
	else if (held || (sa_eqs(&verdict, "cleaned") && v != NULL)) {
		notices(held, v);
		mwlog(MWLOG_INFO, "%s notified verdict=%s sent=%u limited=%u "
		    "failed=%u", g.env.id.s, held ? "quarantined" : "cleaned",
		    g.sent, g.limited, g.failed);
		if (g.failed > 0)
			return MW_TEMP;	/* all again: better twice than never */
	}
	copyout();
	return held ? MW_ROUTE_HOLD : MW_OK;
}
