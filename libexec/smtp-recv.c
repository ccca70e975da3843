/* ISC license. */
/* smtp-recv.c: the UCSPI SMTP server: one session on fds 0/1, each
 * accepted message durably in queue/incoming; see smtp-recv(8). */
#include "sysdeps.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "bio.h"
#include "control.h"
#include "envelope.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "mwtls.h"
#include "received.h"
#include "sa.h"
#include "smtpcmd.h"
#include "smtpdata.h"
#include "smtpline.h"
#include "smtpmsg.h"
#include "spool.h"
#include "subscr.h"

#define MAXLOGRCPT	10	/* rejected recipients logged per session */

static struct {
	unsigned long	 databytes, maxrcpt, linelimit, timeout, maxerrors;
	unsigned long	 greetdelay;
	int		 barelf;	/* 1: refuse bare LF and CR */
	struct sa	 me;
	struct sa	 subs;		/* entries, each NUL-terminated */
	SSL_CTX		*tls;
	const char	*spool;
} cf = { .spool = "queue/incoming" };

/* the defaults; see FILES in smtp-recv(8) */
static const struct {
	const char	*fn;
	unsigned long	 min, max, dflt;
	unsigned long	*val;
} limits[] = {
	{ "control/databytes", 1, 1UL << 30, 35UL << 20, &cf.databytes },
	{ "control/maxrcpt", 1, ENVELOPE_MAXRCPT, 100, &cf.maxrcpt },
	{ "control/linelimit", 512, SMTPLINE_HARDMAX, 2048, &cf.linelimit },
	{ "control/timeoutsmtpd", 1, 86400, 300, &cf.timeout },
	{ "control/maxerrors", 1, 1000, 10, &cf.maxerrors },
	{ "control/greetdelay", 0, 30000, 0, &cf.greetdelay },
};

/* the one table of internal conditions: log word and reply */
enum fail { F_IO, F_NOSPACE, F_NOMEM, F_SIZE, F_HOPS, F_BARELF, F_TIMEOUT,
	F_ERRORS, F_EARLY, F_PIPE, F_BDAT };
static const struct {
	const char	*word;
	const char	*reply;
} fails[] = {
	[F_IO] = { "io", "451 4.3.0 Local error in processing" },
	[F_NOSPACE] = { "nospace", "452 4.3.1 Insufficient system storage" },
	[F_NOMEM] = { "nomem", "421 4.3.0 Out of memory, closing" },
	[F_SIZE] = { "size", "552 5.3.4 Message size exceeds limit" },
	[F_HOPS] = { "hops", "554 5.4.6 Too many hops, mail loop?" },
	[F_BARELF] = { "barelf", "550 5.6.2 Bare LF or CR; use CRLF" },
	[F_TIMEOUT] = { "timeout", "421 4.4.2 Timeout, closing" },
	[F_ERRORS] = { "errors", "421 4.7.0 Too many errors, closing" },
	[F_EARLY] = { "earlytalker", "554 5.5.0 Talking before greeting" },
	[F_PIPE] = { "pipelining", "554 5.5.0 Commands before EHLO reply" },
	[F_BDAT] = { "bdatsyntax", "421 4.5.4 Bad BDAT syntax, closing" },
};

static struct bio	 in, out;
static char		 inbuf[4096], outbuf[4096];
static bio_op		 readop;	/* what saferead() wraps */
static struct sa	 line, addr, hdr, err, conn;
static struct smtpcmd_mail mail = SMTPCMD_MAIL_ZERO;
static struct envelope	 env = ENVELOPE_ZERO;
static struct smtpmsg	 msg;
static struct {
	int		 hello;		/* 0, SMTPCMD_HELO or _EHLO */
	int		 mail;		/* MAIL accepted */
	const char	*bdatfail;	/* reply to further chunks */
	unsigned int	 errors, msgs, refused, badrcpt;
	int		 nosubs;	/* logged "nosubscribers" */
	char		 tlsdesc[128];
} ss;

static void MW_NORETURN
end(const char *why, const char *detail)
{
	char	 h[300], d[300];

	smtpmsg_abort(&msg);
	(void)bio_flush(&out);
	mwtls_end(&in, &out);
	mwlog(MWLOG_INFO, "%s close remote=%s helo=%s tls=%d msgs=%u "
	    "refused=%u badrcpt=%u errors=%u reason=%s%s%s", conn.s,
	    env.remote.len ? env.remote.s : "-",
	    mwlog_esc(h, sizeof h, env.helo.s, env.helo.len), env.tls, ss.msgs,
	    ss.refused, ss.badrcpt, ss.errors, why, detail ? " error=" : "",
	    detail ? mwlog_escs(d, sizeof d, detail) : "");
	_exit(MW_OK);
}

static int
reply(const char *s)
{
	(void)bio_puts(&out, s);
	(void)bio_put(&out, "\r\n", 2);
	return 0;
}

static int MW_PRINTF(1, 2)
replyf(const char *fmt, ...)
{
	char	 buf[512];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf)
		return reply(fails[F_IO].reply);
	return reply(buf);
}

static void MW_NORETURN
fail_end(enum fail f)
{
	reply(fails[f].reply);
	end(fails[f].word, NULL);
}

static void MW_NORETURN
die_nomem(void)
{
	reply(fails[F_NOMEM].reply);
	(void)bio_flush(&out);
	mwlog(MWLOG_FATAL, "%s unable to allocate memory", conn.s);
	_exit(MW_TEMP);
}

static void MW_NORETURN
die_control(const char *why)
{
	if (why != NULL)
		mwlog(MWLOG_FATAL, "%s", why);
	else
		mwlog(MWLOG_FATAL, "%.*s", (int)err.len, err.s);
	_exit(MW_TEMP);
}

static enum fail
fail_errno(int e)
{
	if (e == ENOSPC || e == EDQUOT)
		return F_NOSPACE;
	if (e == ENOMEM)
		die_nomem();
	return F_IO;
}

/* A read failed: timeout, end of input or an error. */
static void MW_NORETURN
ioend(int e)
{
	if (e == ETIMEDOUT)
		fail_end(F_TIMEOUT);
	if (e == ENOMEM)
		die_nomem();
	end(e == EPIPE ? "eof" : "readerror", e == EPIPE ? NULL : strerror(e));
}

/* qmail's saferead: replies go out only when we are about to wait. */
static ssize_t
saferead(struct bio *b, char *buf, size_t n)
{
	if (bio_flush(&out) == -1)
		end("writeerror", strerror(errno));
	return readop(b, buf, n);
}

/* A bad command: reply and count it. */
static int
bad(const char *s)
{
	reply(s);
	if (++ss.errors >= cf.maxerrors)
		fail_end(F_ERRORS);
	return 0;
}

static void
txn_reset(void)
{
	smtpmsg_abort(&msg);
	ss.mail = 0;
	ss.bdatfail = NULL;
	mail.utf8 = 0;
	env.from.len = 0;
	env.rcpt.len = 0;
	env.nrcpt = 0;
}

static int
received(struct sa *h)
{
	struct received	 r;

	r.helo = env.helo.s;
	r.helolen = env.helo.len;
	r.remote = env.remote.s;
	r.me = cf.me.s;
	r.proto = received_proto(ss.hello == SMTPCMD_EHLO, env.tls, mail.utf8);
	r.tls = env.tls ? ss.tlsdesc : NULL;
	r.id = env.id.s;
	r.rcpt = env.nrcpt == 1 ? env.rcpt.s : NULL;
	r.time = (long long)env.time;
	return received_fmt(h, &r);
}

/* Open the spool file with the envelope and Received:.  -1 when the
 * message may follow, else why not (enum fail). */
static int
msg_open(int mode)
{
	if (spool_newid(&env.id) == -1 || sa_0(&env.id) == -1)
		return fail_errno(errno);
	env.time = spool_idtime(env.id.s);	/* the same second as the id */
	hdr.len = 0;
	if (envelope_fmt(&env, &hdr) == -1 || received(&hdr) == -1)
		die_nomem();
	if (smtpmsg_open(&msg, cf.spool, env.id.s, &hdr, mode,
	    cf.databytes) == -1) {
		mwlog(MWLOG_WARN, "%s unable to open spool file in %s: %s",
		    conn.s, cf.spool, strerror(errno));
		return fail_errno(errno);
	}
	return -1;
}

/* The sender for the log: escaped, empty for the null sender. */
static const char *
logfrom(char *buf, size_t n)
{
	if (env.from.len == 0)
		return "";
	return mwlog_esc(buf, n, env.from.s, env.from.len);
}

static void
msg_reject(enum fail f)
{
	char	 fr[300], r[128];

	smtpmsg_abort(&msg);
	ss.refused++;
	mwlog(MWLOG_WARN, "%s reject conn=%s from=<%s> nrcpt=%zu size=%llu "
	    "reason=%s reply=%s", env.id.s, conn.s, logfrom(fr, sizeof fr),
	    env.nrcpt, msg.d.size, fails[f].word, mwlog_escs(r, sizeof r, fails[f].reply));
	reply(fails[f].reply);
}

/* Why the message so far can't be taken, or -1. */
static int
msg_fail(int final)
{
	switch (smtpmsg_verdict(&msg, final, cf.barelf)) {
	case SMTPMSG_SIZE:	return F_SIZE;
	case SMTPMSG_HOPS:	return F_HOPS;
	case SMTPMSG_BARELF:	return F_BARELF;
	case SMTPMSG_IOERR:	return fail_errno(errno);
	}
	return -1;
}

static int
msg_end(void)
{
	char	 fr[300];
	int	 f;

	if ((f = msg_fail(1)) == -1 && smtpmsg_commit(&msg) == -1) {
		mwlog(MWLOG_WARN, "%s unable to commit spool file: %s",
		    env.id.s, strerror(errno));
		f = fail_errno(errno);
	}
	if (f != -1)
		msg_reject(f);
	else {
		ss.msgs++;
		mwlog(MWLOG_INFO, "%s queued conn=%s from=<%s> nrcpt=%zu "
		    "size=%llu tls=%d spool=%s", env.id.s, conn.s,
		    logfrom(fr, sizeof fr), env.nrcpt, msg.d.size, env.tls,
		    cf.spool);
		replyf("250 2.0.0 Ok: queued as %s", env.id.s);
	}
	txn_reset();
	return 0;
}

static int
do_hello(const struct smtpcmd *c)
{
	int	 r;

	if ((r = smtpcmd_helo(c->arg, c->arglen, &env.helo)) != SMTPCMD_OK) {
		if (r == SMTPCMD_NOMEM)
			die_nomem();
		return bad(smtpcmd_reply(r));
	}
	if (bio_pending(&in))
		fail_end(F_PIPE);
	txn_reset();
	ss.hello = c->verb;
	if (c->verb == SMTPCMD_HELO)
		return replyf("250 %s", cf.me.s);
	hdr.len = 0;
	if (smtpcmd_ehlo(&hdr, cf.me.s, cf.databytes, cf.tls != NULL &&
	    !env.tls) == -1)
		die_nomem();
	return bio_put(&out, hdr.s, hdr.len);
}

static int
do_mail(const struct smtpcmd *c)
{
	int	 r;

	if (!ss.hello)
		return bad("503 5.5.1 Send HELO or EHLO first");
	if (ss.mail)
		return bad("503 5.5.1 Nested MAIL command");
	if ((r = smtpcmd_mail(c->arg, c->arglen, &mail)) != SMTPCMD_OK) {
		if (r == SMTPCMD_NOMEM)
			die_nomem();
		return bad(smtpcmd_reply(r));
	}
	if (mail.hassize && mail.size > cf.databytes)
		return reply(fails[F_SIZE].reply);
	if (sa_copyb(&env.from, mail.addr.s, mail.addr.len) == -1)
		die_nomem();
	ss.mail = 1;
	return reply("250 2.1.0 Ok");
}

static int
rcpt_reject(const char *r)
{
	char	 a[300], rr[128];

	if (ss.badrcpt++ < MAXLOGRCPT)
		mwlog(MWLOG_WARN, "%s reject rcpt=<%s> reply=%s", conn.s,
		    mwlog_esc(a, sizeof a, addr.s, addr.len),
		    mwlog_escs(rr, sizeof rr, r));
	return reply(r);
}

static int
do_rcpt(const struct smtpcmd *c)
{
	const char	*p = NULL;
	int		 r;

	if (!ss.mail)
		return bad("503 5.5.1 MAIL first");
	r = smtpcmd_rcpt(c->arg, c->arglen, mail.utf8, &addr);
	if (r == SMTPCMD_NOMEM)
		die_nomem();
	if (r != SMTPCMD_OK)
		return bad(smtpcmd_reply(r));
	if (cf.subs.len == 0) {
		if (!ss.nosubs++)
			mwlog(MWLOG_WARN, "%s nosubscribers reason=\"control/"
			    "subscribers is missing or empty: no recipient is "
			    "accepted\"", conn.s);
		return rcpt_reject("550 5.7.1 Relaying denied: no "
		    "subscribers configured");
	}
	if (!subscr_match(&cf.subs, addr.s, addr.len))
		return rcpt_reject("550 5.1.1 Recipient is not a subscriber");
	while ((p = envelope_nextrcpt(&env, p)) != NULL)
		if (addr_eq(p, strlen(p), addr.s, addr.len))
			return reply("250 2.1.5 Ok");	/* a duplicate */
	if (env.nrcpt >= cf.maxrcpt)
		return reply("452 4.5.3 Too many recipients");
	if (envelope_addrcpt(&env, addr.s, addr.len) == -1)
		die_nomem();
	return reply("250 2.1.5 Ok");
}

static int
do_data(const struct smtpcmd *c)
{
	int	 f;

	(void)c;
	if (!ss.mail)
		return bad("503 5.5.1 MAIL first");
	if (msg.open || ss.bdatfail != NULL)
		return bad("503 5.5.1 DATA after BDAT");
	if (env.nrcpt == 0)
		return reply("554 5.5.1 No valid recipients");
	if ((f = msg_open(SMTPDATA_DOT)) != -1)
		return reply(fails[f].reply);
	reply("354 End data with <CR><LF>.<CR><LF>");
	if (smtpline_data(&in, &msg.d) == -1)
		ioend(errno);
	return msg_end();
}

/* Read and drop a chunk we refuse, so its bytes are never commands. */
static int
bdat_skip(unsigned long long n, int last, const char *r)
{
	struct smtpdata	 skip;

	smtpdata_init(&skip, SMTPDATA_BDAT, 0, NULL, NULL);
	if (smtpline_bdat(&in, &skip, n) == -1)
		ioend(errno);
	if (!ss.mail)
		return bad(r);
	ss.bdatfail = r;
	if (last)
		txn_reset();
	return reply(r);
}

static int
do_bdat(const struct smtpcmd *c)
{
	unsigned long long	 n;
	int			 last, f;

	if (smtpcmd_bdat(c->arg, c->arglen, &n, &last) != SMTPCMD_OK)
		fail_end(F_BDAT);
	if (!ss.mail)
		return bdat_skip(n, last, "503 5.5.1 MAIL first");
	if (env.nrcpt == 0)
		return bdat_skip(n, last, "554 5.5.1 No valid recipients");
	if (ss.bdatfail != NULL)
		return bdat_skip(n, last, ss.bdatfail);
	if (!msg.open && (f = msg_open(SMTPDATA_BDAT)) != -1)
		return bdat_skip(n, last, fails[f].reply);
	if (smtpline_bdat(&in, &msg.d, n) == -1)
		ioend(errno);
	if (last) {
		smtpdata_finish(&msg.d);
		return msg_end();
	}
	if ((f = msg_fail(0)) != -1) {
		msg_reject(f);
		ss.bdatfail = fails[f].reply;
		return 0;
	}
	return replyf("250 2.0.0 %llu octets received", n);
}

static int
do_starttls(const struct smtpcmd *c)
{
	size_t	 n = bio_buffered(&in);

	(void)c;
	if (cf.tls == NULL || env.tls)
		return bad("502 5.5.1 STARTTLS not available");
	if (!ss.hello)
		return bad("503 5.5.1 Send EHLO first");
	if (ss.mail)
		return bad("503 5.5.1 Mail transaction in progress");
	if (n > 0)
		mwlog(MWLOG_WARN, "%s discard bytes=%zu reason=\"pipelined "
		    "after STARTTLS\"", conn.s, n);
	reply("220 2.0.0 Ready to start TLS");
	in.op = readop;
	if (mwtls_start_server(cf.tls, &in, &out, &err) == -1)
		end("tls", sa_0(&err) == 0 ? err.s : "handshake failed");
	readop = in.op;
	in.op = saferead;
	if (mwtls_describe(&out, ss.tlsdesc, sizeof ss.tlsdesc) == NULL)
		(void)snprintf(ss.tlsdesc, sizeof ss.tlsdesc, "TLS");
	env.tls = 1;	/* RFC 3207 4.2: forget what the client said */
	ss.hello = 0;
	env.helo.len = 0;
	txn_reset();
	return 0;
}

static int
do_simple(const struct smtpcmd *c)
{
	switch (c->verb) {
	case SMTPCMD_RSET:
		txn_reset();
		return reply("250 2.0.0 Ok");
	case SMTPCMD_NOOP:
		return reply("250 2.0.0 Ok");
	case SMTPCMD_VRFY:
		return reply("252 2.5.0 Cannot VRFY; send the message and "
		    "delivery will be attempted");
	case SMTPCMD_HELP:
		return reply("214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA "
		    "BDAT RSET NOOP QUIT VRFY HELP STARTTLS");
	}
	reply("221 2.0.0 Bye");
	end("quit", NULL);
}

static int (*const handlers[SMTPCMD_NVERB])(const struct smtpcmd *) = {
	[SMTPCMD_HELO] = do_hello,	[SMTPCMD_EHLO] = do_hello,
	[SMTPCMD_MAIL] = do_mail,	[SMTPCMD_RCPT] = do_rcpt,
	[SMTPCMD_DATA] = do_data,	[SMTPCMD_BDAT] = do_bdat,
	[SMTPCMD_RSET] = do_simple,	[SMTPCMD_NOOP] = do_simple,
	[SMTPCMD_QUIT] = do_simple,	[SMTPCMD_VRFY] = do_simple,
	[SMTPCMD_HELP] = do_simple,	[SMTPCMD_STARTTLS] = do_starttls,
};

static void MW_NORETURN
session(void)
{
	struct smtpcmd	 c;
	int		 r;

	for (;;) {
		r = smtpline_read(&in, &line, cf.linelimit);
		if (r == SMTPLINE_ERR)
			ioend(errno);
		if (r == SMTPLINE_EOF)
			end("eof", NULL);
		if (r != SMTPLINE_OK) {
			(void)bad(r == SMTPLINE_TOOLONG ? "500 5.5.2 Line too "
			    "long" : "500 5.5.2 NUL or CR in command line");
			continue;
		}
		r = smtpcmd_parse(line.s, line.len, &c);
		if (r == SMTPCMD_OK || c.verb == SMTPCMD_BDAT)
			(void)handlers[c.verb](&c);
		else
			(void)bad(smtpcmd_reply(r));
	}
}

/* Refuse a client that talks before the greeting (greetdelay ms). */
static void
greet(void)
{
	struct pollfd	 p;
	ssize_t		 r;
	int		 n;

	p.fd = in.fd;
	p.events = POLLIN;
	do
		n = poll(&p, 1, (int)cf.greetdelay);
	while (n == -1 && errno == EINTR);
	if (n > 0) {
		if ((r = bio_fill(&in)) == 0)
			end("eof", NULL);
		if (r < 0)
			ioend(errno);
		fail_end(F_EARLY);
	}
	replyf("220 %s ESMTP mailward", cf.me.s);
}

static void
config_subscribers(void)
{
	const char	*bad;
	char		 e[300];
	size_t		 n;

	if (control_readlist("control/subscribers", &cf.subs, &n, &err) == -1)
		die_control(NULL);
	if (subscr_check(&cf.subs, &bad) == -1) {
		mwlog(MWLOG_FATAL, "control/subscribers: not an address or "
		    "@domain: %s", mwlog_escs(e, sizeof e, bad));
		_exit(MW_TEMP);
	}
}

static void
config(void)
{
	struct sa	 cert = SA_ZERO, key = SA_ZERO, v = SA_ZERO;
	size_t		 i;
	int		 rc, rk;

	for (i = 0; i < sizeof limits / sizeof limits[0]; i++)
		if (control_readuint(limits[i].fn, limits[i].min,
		    limits[i].max, limits[i].dflt, limits[i].val, &err) == -1)
			die_control(NULL);
	if ((rc = control_readline("control/me", &cf.me, &err)) == -1)
		die_control(NULL);
	if (rc == 0 && sa_copys(&cf.me, "localhost") == -1)
		die_nomem();
	if (sa_0(&cf.me) == -1)
		die_nomem();
	if (!addr_domainok(cf.me.s, cf.me.len))
		die_control("control/me line 1: not a domain name");
	if ((rc = control_readline("control/barelf", &v, &err)) == -1)
		die_control(NULL);
	if (rc == 1 && !sa_eqs(&v, "normalize") && !sa_eqs(&v, "reject"))
		die_control("control/barelf line 1: not normalize or reject");
	cf.barelf = rc == 1 && sa_eqs(&v, "reject");
	config_subscribers();
	rc = control_readline("control/tlscert", &cert, &err);
	if (rc == -1 || (rk = control_readline("control/tlskey", &key,
	    &err)) == -1)
		die_control(NULL);
	if (rc != rk)
		die_control("control/tlscert and control/tlskey go together");
	if (rc == 1 && (sa_0(&cert) == -1 || sa_0(&key) == -1))
		die_nomem();
	if (rc == 1 && (cf.tls = mwtls_server_ctx(cert.s, key.s, &err)) ==
	    NULL)
		mwlog(MWLOG_WARN, "%s notls error=\"%.*s\"", conn.s,
		    (int)err.len, err.s);
	sa_free(&cert);
	sa_free(&key);
	sa_free(&v);
}

/* TCPREMOTEIP as tcpserver sets it; anything odd becomes "unknown". */
static void
remote(void)
{
	const char	*ip = getenv("TCPREMOTEIP");

	if (ip == NULL)
		return;
	if (strlen(ip) > 45 || ip[strspn(ip, "0123456789abcdefABCDEF.:")])
		ip = "unknown";
	if (sa_copys(&env.remote, ip) == -1 || sa_0(&env.remote) == -1)
		die_nomem();
}

int
main(int argc, char **argv)
{
	int	 c;

	mwlog_init("smtp-recv");
	opterr = 0;
	while ((c = getopt(argc, argv, "q:")) != -1) {
		if (c != 'q') {
			mwlog(MWLOG_FATAL, "usage: smtp-recv [-q SPOOL]");
			return MW_TEMP;
		}
		cf.spool = optarg;
	}
	if (geteuid() == 0) {
		mwlog(MWLOG_FATAL, "refusing to run as root");
		return MW_TEMP;
	}
	(void)signal(SIGPIPE, SIG_IGN);
	bio_init(&in, 0, saferead, inbuf, sizeof inbuf);
	bio_init(&out, 1, bio_op_write, outbuf, sizeof outbuf);
	readop = bio_op_read;
	if (spool_newid(&conn) == -1 || sa_0(&conn) == -1)
		die_nomem();
	remote();
	config();
	in.timeout = out.timeout = (int)cf.timeout * 1000;
	greet();
	session();
}
