/* ISC license. */
/* classify: on a gateway, decide whether a message is already scanned;
 * see classify(8).
 *
 * A spool-run filter on the gateway's incoming spool: reads a spool
 * file on stdin and writes it on stdout.  Already scanned (by the policy
 * of control/scanpolicy: a valid stamp of one of the group's keys, the
 * connecting address in control/scanners, either, or both): exit
 * MW_ROUTE_LOCAL, every status header that does not verify removed, so a
 * forged one never reaches a user.  Not scanned: exit 0, the message as
 * it came, for the group.  A message the group sent back without a
 * valid stamp (under a policy that wants one), or that passed this
 * gateway more than control/maxpasses times (scanned or not), is held:
 * exit MW_ROUTE_HOLD with verdict quarantined and the reason in its
 * envelope, for the runner's -r 21=queue/quarantine (queue/notify on a
 * gateway made by mailward-setup).  Never delivered unscanned, never
 * looped. */
#include "sysdeps.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bio.h"
#include "cidr.h"
#include "control.h"
#include "envelope.h"
#include "hdr.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "qrunconf.h"
#include "sa.h"
#include "spool.h"
#include "stamp.h"

#define USAGE		"usage: classify [-K PUBKEY|DIR]..."
#define MAXKEYS		64
#define MAXSCANNERS	1000

enum policy { P_STAMP, P_SOURCE, P_EITHER, P_BOTH };
static const char *const policies[] = { "stamp", "source", "either",
	"both" };

static struct {
	const char	*keyarg[MAXKEYS];
	size_t		 nkeyarg;
	EVP_PKEY	*keys[MAXKEYS];
	size_t		 nkeys;
	enum policy	 policy;
	struct cidr	 scanners[MAXSCANNERS];
	size_t		 nscanners;
	unsigned long	 maxage, maxpasses, databytes;
	struct sa	 me, in, out;
	struct envelope	 env;
	size_t		 hl;
} g = { .env = ENVELOPE_ZERO };

static void MW_NORETURN
die(const char *what, const char *detail)
{
	if (detail != NULL)
		mwlog(MWLOG_FATAL, "%s: %s", what, detail);
	else
		mwlog(MWLOG_FATAL, "%s", what);
	_exit(MW_TEMP);
}

static void MW_NORETURN
die_nomem(void)
{
	die("out of memory", NULL);
}

/* --- configuration ------------------------------------------------------ */

static void
config_policy(void)
{
	struct sa	 v = SA_ZERO, err = SA_ZERO;
	size_t		 i;
	int		 r = control_readline("control/scanpolicy", &v, &err);

	if (r == -1)
		(void)sa_0(&err), die(err.s, NULL);
	g.policy = P_STAMP;
	for (i = 0; r == 1 && i < sizeof policies / sizeof policies[0]; i++)
		if (sa_eqs(&v, policies[i]))
			break;
	if (r == 1 && i == sizeof policies / sizeof policies[0])
		die("control/scanpolicy line 1", "not stamp, source, either "
		    "or both");
	if (r == 1)
		g.policy = (enum policy)i;
	sa_free(&v);
	sa_free(&err);
}

/* control/scanners: the group's addresses, one address or CIDR a line */
static void
config_scanners(void)
{
	struct sa	 l = SA_ZERO, err = SA_ZERO;
	const char	*p;
	size_t		 n = 0, i;
	char		 where[64];

	if (control_readlist("control/scanners", &l, &n, &err) == -1)
		(void)sa_0(&err), die(err.s, NULL);
	if (n > MAXSCANNERS)
		die("control/scanners", "more than 1000 entries");
	for (i = 0, p = l.s; i < n; i++, p += strlen(p) + 1) {
		(void)snprintf(where, sizeof where, "control/scanners entry %zu",
		    i + 1);
		if (cidr_parse(&g.scanners[i], p, strlen(p)) == -1)
			die(where, "not an address or address/prefix");
	}
	g.nscanners = n;
	sa_free(&l);
	sa_free(&err);
}

static void
config(void)
{
	struct sa	 err = SA_ZERO;
	size_t		 i;
	int		 r;
	struct qrunconf_num tab[] = {
		{ "stampmaxage", 0, 1, 315360000, 604800, &g.maxage },
		{ "maxpasses", 0, 1, 100, 3, &g.maxpasses },
		{ "databytes", 0, 1, 1UL << 30, 35UL << 20, &g.databytes },
	};

	if ((r = control_readline("control/me", &g.me, &err)) == -1 ||
	    qrunconf_readtab(tab, sizeof tab / sizeof tab[0], NULL, &err) == -1)
		(void)sa_0(&err), die(err.s, NULL);
	if (r == 0)
		die("control/me", "missing");
	if (sa_0(&g.me) == -1)
		die_nomem();
	config_policy();
	config_scanners();
	if (g.nkeyarg == 0)
		g.keyarg[g.nkeyarg++] = "control/groupkeys";
	for (i = 0; i < g.nkeyarg; i++)
		if (stamp_pubload(g.keyarg[i], g.keys, MAXKEYS, &g.nkeys,
		    &err) == -1 && !(errno == ENOENT && g.nkeyarg == 1))
			(void)sa_0(&err), die("unable to load keys", err.s);
	if (g.nkeys == 0 && (g.policy == P_STAMP || g.policy == P_BOTH))
		die("no group keys", "the policy needs a stamp: put the "
		    "group's status.pub files in control/groupkeys");
	sa_free(&err);
}

/* --- the message ---------------------------------------------------------- */

/* 1 if n bytes at s hold the m bytes at w */
static int
holds(const char *s, size_t n, const char *w, size_t m)
{
	size_t	 i;

	for (i = 0; m > 0 && i + m <= n; i++)
		if (s[i] == w[0] && memcmp(s + i, w, m) == 0)
			return 1;
	return 0;
}

/* Received: fields this gateway wrote ("by ME (mailward)") */
static unsigned long
passes(const char *msg, size_t n)
{
	struct hdr		 h;
	struct hdr_field	 f;
	struct sa		 mark = SA_ZERO;
	unsigned long		 k = 0;

	if (sa_catf(&mark, "by %s (mailward)", g.me.s) == -1)
		die_nomem();
	hdr_init(&h, msg, n);
	while (hdr_next(&h, &f) == HDR_FIELD)
		if (hdr_nameis(&f, "Received") &&
		    holds(f.value, f.valuelen, mark.s, mark.len))
			k++;
	sa_free(&mark);
	return k;
}

static int
fromgroup(void)
{
	if (g.env.remote.len == 0 || (g.env.remote.len == 1 &&
	    g.env.remote.s[0] == '-'))
		return 0;
	return cidr_matchlist(g.scanners, g.nscanners, g.env.remote.s,
	    g.env.remote.len) == 1;
}

static void
writeout(int withenv, const char *msg, size_t n)
{
	struct bio	 b;
	char		 buf[8192];

	g.out.len = 0;
	if ((withenv && envelope_fmt(&g.env, &g.out) == -1) ||
	    sa_catb(&g.out, msg, n) == -1)
		die_nomem();
	bio_init(&b, 1, bio_op_write, buf, sizeof buf);
	if (bio_put(&b, g.out.s, g.out.len) == -1 || bio_flush(&b) == -1)
		die("unable to write standard output", strerror(errno));
}

/* Held: verdict quarantined and why, in the envelope. */
static int
hold(const char *msg, size_t n, const char *why)
{
	char	 w[300];

	if (envelope_set(&g.env, "verdict", "quarantined", 11) == -1 ||
	    envelope_set(&g.env, "quarantine", why, strlen(why)) == -1)
		die_nomem();
	writeout(1, msg, n);
	mwlog(MWLOG_WARN, "%s held reason=%s", g.env.id.s,
	    mwlog_escs(w, sizeof w, why));
	return MW_ROUTE_HOLD;
}

static int
classify(void)
{
	struct stamp	 st;
	struct sa	 clean = SA_ZERO, why = SA_ZERO;
	const char	*msg = g.in.s + g.hl, *sr;
	size_t		 n = g.in.len - g.hl, removed = 0;
	unsigned long	 k;
	int		 r, stampok, source, scanned;

	memset(&st, 0, sizeof st);
	r = g.nkeys == 0 ? STAMP_NONE : stamp_verify(&st, msg, n, g.keys,
	    g.nkeys, (unsigned long long)time(NULL), g.maxage);
	if (r == STAMP_ERROR)
		die("unable to verify a stamp", strerror(errno));
	stampok = r == STAMP_VALID && st.verdict != STAMP_QUARANTINED;
	/* a valid stamp by its verdict, else why it is not one */
	sr = r == STAMP_VALID ? stamp_verdictname(st.verdict) :
	    stamp_strerror(r);
	source = fromgroup();
	switch (g.policy) {
	case P_STAMP:	scanned = stampok; break;
	case P_SOURCE:	scanned = source; break;
	case P_EITHER:	scanned = stampok || source; break;
	default:	scanned = stampok && source; break;
	}
	k = passes(msg, n);
	if (k > g.maxpasses) {	/* scanned or not: a loop */
		if (sa_catf(&why, "loop: passed this gateway %lu times", k) ==
		    -1 || sa_0(&why) == -1)
			die_nomem();
		r = hold(msg, n, why.s);
		sa_free(&why);
		return r;
	}
	if (scanned) {
		/* a status field that does not verify never reaches a user */
		if (!stampok && stamp_strip(&clean, msg, n, &removed) == -1) {
			if (errno != EMSGSIZE)
				die_nomem();
			sa_free(&clean);
			return hold(msg, n, "header over the limits: a status "
			    "field could hide past them");
		}
		if (!stampok)
			msg = clean.s, n = clean.len;
		writeout(1, msg, n);
		mwlog(MWLOG_INFO, "%s local policy=%s stamp=%s source=%s "
		    "removed=%zu passes=%lu", g.env.id.s, policies[g.policy],
		    sr, source ? "group" : "other", removed, k);
		sa_free(&clean);
		return MW_ROUTE_LOCAL;
	}
	if (source && sa_catf(&why, "back from the group (%s) without a "
	    "valid stamp: %s", g.env.remote.s, sr) == -1)
		die_nomem();
	if (why.len > 0) {
		(void)sa_0(&why);
		r = hold(msg, n, why.s);
		sa_free(&why);
		return r;
	}
	writeout(1, msg, n);
	mwlog(MWLOG_INFO, "%s group policy=%s stamp=%s source=other "
	    "passes=%lu", g.env.id.s, policies[g.policy], sr, k);
	return MW_OK;
}

int
main(int argc, char **argv)
{
	int	 c, r;

	mwlog_init("classify");
	while ((c = getopt(argc, argv, "K:h")) != -1)
		if (c == 'K' && g.nkeyarg < MAXKEYS)
			g.keyarg[g.nkeyarg++] = optarg;
		else
			die(USAGE, NULL);
	if (optind != argc)
		die(USAGE, NULL);
	if (geteuid() == 0)
		die("refusing to run as root", NULL);
	config();
	if (spool_slurp(0, &g.in, 2 * g.databytes + ENVELOPE_MAXBLOCK) == -1)
		die("unable to read standard input", strerror(errno));
	if ((r = envelope_parse(&g.env, g.in.s, g.in.len, &g.hl)) !=
	    ENVELOPE_OK) {
		mwlog(MWLOG_WARN, "- malformed %s", envelope_strerror(r));
		return r == ENVELOPE_NOMEM ? MW_TEMP : MW_PERM;
	}
	if (sa_0(&g.env.id) == -1 || sa_0(&g.env.remote) == -1)
		die_nomem();
	return classify();
}
