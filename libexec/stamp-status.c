/* ISC license. */
/* stamp-status: add or check the signed status header; see
 * stamp-status(8) and, for the header, mailward-stamp(5).
 *
 * Stamping (the filter): reads a spool file on stdin whose envelope
 * says the message was scanned (keys "verdict" and "scanned"), or that
 * an operator released it from the quarantine (verdict "released" and
 * "released-by"), removes every X-Mailward-Status field from the
 * message's header section, puts its own signed field first and writes
 * the spool file on stdout.  Other unscanned mail is never stamped.
 * Checking (-v): reads a spool file or a bare message, checks its one
 * status field against the public keys, and prints one line; the exit
 * code says why it is not valid. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "bio.h"
#include "control.h"
#include "envelope.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "sa.h"
#include "spool.h"
#include "stamp.h"

#define MAXKEYS		64
#define MAXAGE		315360000UL	/* ten years */
#define USAGE		"stamp-status -k PRIVKEY [-C CONTROLDIR] | " \
			"-v|-i -K PUBKEY|DIR [-K ...] [-a MAXAGE] " \
			"[-C CONTROLDIR]"

static struct {
	int		 verify;
	const char	*privfn;
	const char	*ctl;
	const char	*keyarg[MAXKEYS];
	size_t		 nkeyarg;
	EVP_PKEY	*keys[MAXKEYS];
	EVP_PKEY	*priv;
	size_t		 nkeys;
	unsigned long	 maxage, databytes;
	int		 maxageset;
	struct sa	 buf, out, fn;
	struct envelope	 env;
	size_t		 hdrlen;	/* envelope block, 0 if bare */
	const char	*id;
	char		 obuf[8192];
} g = { .ctl = "control", .env = ENVELOPE_ZERO, .id = "-" };

static const int exits[] = {
	[STAMP_VALID] = MW_OK,		[STAMP_ERROR] = MW_TEMP,
	[STAMP_NONE] = MW_STAMP_NONE,	[STAMP_MULTI] = MW_STAMP_MULTI,
	[STAMP_MALFORMED] = MW_STAMP_MALFORMED,
	[STAMP_UNKNOWNKEY] = MW_STAMP_UNKNOWNKEY,
	[STAMP_BADSIG] = MW_STAMP_BADSIG, [STAMP_EXPIRED] = MW_STAMP_EXPIRED,
	[STAMP_FUTURE] = MW_STAMP_FUTURE, [STAMP_BODY] = MW_STAMP_BODY,
	[STAMP_HEADERS] = MW_STAMP_HEADERS
};

static void MW_NORETURN
die(const char *what, const char *arg, const char *why)
{
	char	 e[300];

	mwlog(MWLOG_FATAL, "%s%s%s: %s", what, arg != NULL ? " " : "",
	    arg != NULL ? mwlog_escs(e, sizeof e, arg) : "", why);
	_exit(MW_TEMP);
}

static void MW_NORETURN
die_usage(void)
{
	mwlog(MWLOG_FATAL, "usage: %s", USAGE);
	_exit(MW_TEMP);
}

static void MW_NORETURN
die_nomem(void)
{
	die("unable to allocate memory", NULL, strerror(ENOMEM));
}

/* errno's text, or OpenSSL's first error if it left one */
static const char *
why(void)
{
	static char	 buf[256];
	unsigned long	 e = ERR_get_error();

	if (e == 0)
		return strerror(errno);
	ERR_error_string_n(e, buf, sizeof buf);
	return buf;
}

static EVP_PKEY *
loadpriv(const char *fn)
{
	struct sa	 pem = SA_ZERO;
	struct stat	 st;
	EVP_PKEY	*k;
	int		 fd;

	if ((fd = open(fn, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		die("unable to open key", fn, strerror(errno));
	if (fstat(fd, &st) == -1)
		die("unable to stat key", fn, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("unable to use key", fn, "not a regular file");
	if ((st.st_mode & 077) != 0)
		die("refusing key", fn, "group or others have access "
		    "(chmod 0600 or 0400)");
	if (stamp_keyread(fd, &pem) == -1)
		die("unable to read key", fn, strerror(errno));
	(void)close(fd);
	k = stamp_keyparse(pem.s, pem.len, 1);
	stamp_wipe(&pem);
	if (k == NULL)
		die("unable to load key", fn, "not an unencrypted Ed25519 "
		    "PKCS#8 PEM private key");
	return k;
}

static void
control(const char *name, unsigned long min, unsigned long max,
    unsigned long dflt, unsigned long *val)
{
	struct sa	 err = SA_ZERO;

	g.fn.len = 0;
	if (sa_cats(&g.fn, g.ctl) == -1 || sa_catc(&g.fn, '/') == -1 ||
	    sa_cats(&g.fn, name) == -1 || sa_0(&g.fn) == -1)
		die_nomem();
	if (control_readuint(g.fn.s, min, max, dflt, val, &err) == -1) {
		if (sa_0(&err) == -1)
			die_nomem();
		die("unable to read", g.fn.s, err.len > 0 ? err.s :
		    strerror(errno));
	}
	sa_free(&err);
}

/* stdin into g.buf; the message into *msg: MW_OK, or a refusal */
static int
readinput(const char **msg, size_t *len)
{
	unsigned long	 cap = 2 * g.databytes + ENVELOPE_MAXBLOCK;
	int		 r;

	if (spool_slurp(0, &g.buf, cap) == -1) {
		if (errno != EFBIG)
			die("unable to read", "stdin", strerror(errno));
		mwlog(MWLOG_WARN, "- refused reason=too-large max=%lu", cap);
		return MW_PERM;
	}
	r = envelope_parse(&g.env, g.buf.s, g.buf.len, &g.hdrlen);
	if (r == ENVELOPE_NOMEM)
		die_nomem();
	if (r == ENVELOPE_BARE)
		g.hdrlen = 0;
	else if (r != ENVELOPE_OK) {
		mwlog(MWLOG_WARN, "- refused reason=malformed-spool-file "
		    "detail=\"%s\"", envelope_strerror(r));
		return MW_PERM;
	} else if (sa_0(&g.env.id) == -1)
		die_nomem();
	else
		g.id = g.env.id.s;
	*msg = g.buf.s + g.hdrlen;
	*len = g.buf.len - g.hdrlen;
	return MW_OK;
}

static int
refuse(int code, const char *reason)
{
	mwlog(MWLOG_WARN, "%s refused reason=%s", g.id, reason);
	return code;
}

/* the envelope's verdict and scanned list into in: MW_OK or refusal */
static int
scanresult(struct stamp_in *in)
{
	const char	*v;
	size_t		 n, i;

	if (g.hdrlen == 0)
		return refuse(MW_TEMP, "not-scanned detail=bare-message");
	if ((v = envelope_get(&g.env, "verdict", &n)) == NULL)
		return refuse(MW_TEMP, "not-scanned detail=no-verdict");
	in->verdict = stamp_verdictparse(v, n);
	if (in->verdict == STAMP_QUARANTINED)
		return refuse(MW_PERM, "quarantined");
	if (in->verdict == -1)
		return refuse(MW_PERM, "malformed detail=verdict");
	if (in->verdict == STAMP_RELEASED &&
	    ((v = envelope_get(&g.env, "released-by", &n)) == NULL || n == 0))
		return refuse(MW_PERM, "malformed detail=released-by");
	in->scanned = envelope_get(&g.env, "scanned", &in->scannedlen);
	for (i = 0; in->scanned != NULL && i < in->scannedlen; i++)
		if (in->scanned[i] != ' ')
			break;
	if (in->scanned == NULL || i == in->scannedlen) {
		if (in->verdict != STAMP_RELEASED)
			return refuse(MW_TEMP,
			    "not-scanned detail=no-scanned-stage");
		/* held before any stage finished (it crashed them) */
		in->scanned = "none";
		in->scannedlen = 4;
	}
	g.out.len = 0;
	if (stamp_engine(&g.out, in->scanned, in->scannedlen) == -1) {
		if (errno != EINVAL)
			die_nomem();
		return refuse(MW_PERM, "malformed detail=scanned");
	}
	g.out.len = 0;
	return MW_OK;
}

static void
writeout(void)
{
	struct bio	 o;

	bio_init(&o, 1, bio_op_write, g.obuf, sizeof g.obuf);
	if (bio_put(&o, g.out.s, g.out.len) == -1 || bio_flush(&o) == -1)
		die("unable to write", "stdout", strerror(errno));
}

static int
sign(void)
{
	struct stamp_in	 in = { 0 };
	const char	*msg, *by;
	char		 kid[STAMP_KEYIDLEN + 1], e[200];
	size_t		 len, removed, bylen;
	time_t		 now;
	int		 r;

	in.key = g.priv = loadpriv(g.privfn);
	if (stamp_keyid(in.key, kid) == -1)
		die("unable to use key", g.privfn, why());
	if ((r = readinput(&msg, &len)) != MW_OK ||
	    (r = scanresult(&in)) != MW_OK)
		return r;
	if ((now = time(NULL)) < 0)
		die("unable to read", "the clock", strerror(errno));
	in.t = (unsigned long long)now;
	if (sa_catb(&g.out, g.buf.s, g.hdrlen) == -1)
		die_nomem();
	r = stamp_apply(&g.out, &in, msg, len, &removed);
	if (r == STAMP_ERROR)
		die("unable to stamp", g.id, why());
	if (r != STAMP_VALID)
		return refuse(MW_PERM, "malformed detail=header-section");
	writeout();
	by = envelope_get(&g.env, "released-by", &bylen);
	mwlog(MWLOG_INFO, "%s stamped verdict=%s key=%s removed=%zu%s%s", g.id,
	    stamp_verdictname(in.verdict), kid, removed,
	    in.verdict == STAMP_RELEASED ? " by=" : "",
	    in.verdict == STAMP_RELEASED ? mwlog_esc(e, sizeof e, by, bylen) :
	    "");
	return MW_OK;
}

static void
loadkeys(void)
{
	struct sa	 err = SA_ZERO;
	size_t		 i;

	for (i = 0; i < g.nkeyarg; i++)
		if (stamp_pubload(g.keyarg[i], g.keys, MAXKEYS, &g.nkeys,
		    &err) == -1) {
			(void)sa_0(&err);
			die("unable to load keys", NULL, err.s != NULL ? err.s :
			    strerror(errno));
		}
	if (g.nkeys == 0)
		die("unable to load keys", NULL, "no NAME.pub in the -K "
		    "directories");
}

/* -i: the stamp of an earlier member of a chain (one of the -K keys)
 * carries that member's stages, and its "cleaned", into the envelope,
 * for this member's stamp to list; any other message passes as it is
 * and is scanned here as if new. */
static int
import(void)
{
	struct stamp	 st;
	struct sa	 sc = SA_ZERO;
	const char	*msg, *old;
	char		 e[300];
	size_t		 len, n;
	time_t		 now;
	int		 r;

	memset(&st, 0, sizeof st);
	loadkeys();
	if ((r = readinput(&msg, &len)) != MW_OK)
		return r;
	if (g.hdrlen == 0)
		return refuse(MW_PERM, "bare-message");
	if ((now = time(NULL)) < 0)
		die("unable to read", "the clock", strerror(errno));
	r = stamp_verify(&st, msg, len, g.keys, g.nkeys,
	    (unsigned long long)now, g.maxage);
	if (r == STAMP_ERROR)
		die("unable to verify", g.id, why());
	if (r == STAMP_VALID && st.verdict != STAMP_CLEAN &&
	    st.verdict != STAMP_CLEANED)
		r = -1;		/* released: scanned here again */
	if (r == STAMP_VALID) {
		if (stamp_unengine(&sc, st.e) == -1 ||
		    ((old = envelope_get(&g.env, "scanned", &n)) != NULL &&
		    (sa_catc(&sc, ' ') == -1 || sa_catb(&sc, old, n) == -1)) ||
		    envelope_set(&g.env, "scanned", sc.s, sc.len) == -1 ||
		    envelope_set(&g.env, "chained", st.k, strlen(st.k)) == -1 ||
		    (st.verdict == STAMP_CLEANED && envelope_set(&g.env,
		    "verdict", "cleaned", 7) == -1))
			return refuse(MW_PERM, "malformed detail=chained-stages");
		mwlog(MWLOG_INFO, "%s imported key=%s verdict=%s stages=%s",
		    g.id, st.k, stamp_verdictname(st.verdict),
		    mwlog_esc(e, sizeof e, sc.s, sc.len));
	} else
		mwlog(MWLOG_INFO, "%s not-imported reason=%s", g.id, r == -1 ?
		    stamp_verdictname(st.verdict) : stamp_strerror(r));
	g.out.len = 0;
	if (envelope_fmt(&g.env, &g.out) == -1 ||
	    sa_catb(&g.out, msg, len) == -1)
		die_nomem();
	writeout();
	sa_free(&sc);
	return MW_OK;
}

static int
verify(void)
{
	struct stamp	 st;
	const char	*msg;
	size_t		 len;
	time_t		 now = 0;
	int		 r;

	memset(&st, 0, sizeof st);
	loadkeys();
	if (readinput(&msg, &len) != MW_OK)
		r = STAMP_MALFORMED;
	else if ((now = time(NULL)) < 0)
		die("unable to read", "the clock", strerror(errno));
	else
		r = stamp_verify(&st, msg, len, g.keys, g.nkeys,
		    (unsigned long long)now, g.maxage);
	if (r == STAMP_ERROR)
		die("unable to verify", g.id, why());
	g.out.len = 0;
	if ((r == STAMP_VALID ? sa_catf(&g.out, "valid verdict=%s",
	    stamp_verdictname(st.verdict)) : sa_catf(&g.out,
	    "invalid reason=%s", stamp_strerror(r))) == -1 ||
	    (st.k[0] != '\0' && sa_catf(&g.out, " key=%s age=%lld", st.k,
	    (long long)now - (long long)st.t) == -1) ||
	    (r == STAMP_VALID && sa_catf(&g.out, " engine=%s", st.e) == -1) ||
	    sa_catc(&g.out, '\n') == -1)
		die_nomem();
	writeout();
	return exits[r];
}

static void
options(int argc, char **argv)
{
	unsigned long	 v;
	int		 c;

	while ((c = getopt(argc, argv, "a:C:ik:K:v")) != -1) {
		if (c == 'v' || c == 'i')
			g.verify = c;
		else if (c == 'k')
			g.privfn = optarg;
		else if (c == 'C')
			g.ctl = optarg;
		else if (c == 'K' && g.nkeyarg < MAXKEYS)
			g.keyarg[g.nkeyarg++] = optarg;
		else if (c == 'a' && control_scanuint(optarg, strlen(optarg),
		    1, MAXAGE, &v) == 0) {
			g.maxage = v;
			g.maxageset = 1;
		} else
			die_usage();
	}
	if (optind != argc || (g.verify ? g.privfn != NULL ||
	    g.nkeyarg == 0 : g.privfn == NULL || g.nkeyarg > 0 ||
	    g.maxageset))
		die_usage();
}

int
main(int argc, char **argv)
{
	unsigned long	 age;
	int		 r;

	mwlog_init("stamp-status");
	if (geteuid() == 0) {
		mwlog(MWLOG_FATAL, "refusing to run as root");
		return MW_TEMP;
	}
	options(argc, argv);
	control("databytes", 1, 1UL << 30, 35UL << 20, &g.databytes);
	control("stampmaxage", 1, MAXAGE, 604800, &age);
	if (!g.maxageset)
		g.maxage = age;
	r = g.verify == 'v' ? verify() : g.verify == 'i' ? import() : sign();
	while (g.nkeys > 0)
		EVP_PKEY_free(g.keys[--g.nkeys]);
	EVP_PKEY_free(g.priv);
	envelope_free(&g.env);
	sa_free(&g.buf);
	sa_free(&g.out);
	sa_free(&g.fn);
	return r;
}
