/* ISC license. */
/* smtp-recv.c: the UCSPI SMTP server: one session on fds 0/1, each
 * accepted message durably in queue/incoming; see smtp-recv(8). */
#include "sysdeps.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bio.h"
#include "envelope.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "mwtls.h"
#include "sa.h"
#include "smtpcmd.h"
#include "smtpconf.h"
#include "smtpdata.h"
#include "smtpenv.h"
#include "smtpfail.h"
#include "smtpgreet.h"
#include "smtpline.h"
#include "smtpmsg.h"
#include "spool.h"

#define MAXLOGRCPT	10	/* rejected recipients logged per session */

static struct smtpconf	 cf = SMTPCONF_ZERO;
static SSL_CTX		*tls;		/* NULL: no STARTTLS */
static const char	*spool = "queue/incoming";
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
		return reply(smtpfail_reply(SMTPFAIL_IO));
	return reply(buf);
}

static void MW_NORETURN
fail_end(int f)
{
	reply(smtpfail_reply(f));
	end(smtpfail_word(f), NULL);
}

static void MW_NORETURN
die_nomem(void)
{
	reply(smtpfail_reply(SMTPFAIL_NOMEM));
	(void)bio_flush(&out);
	mwlog(MWLOG_FATAL, "%s unable to allocate memory", conn.s);
	_exit(MW_TEMP);
}

static void MW_NORETURN
die_control(void)
{
	if (err.len == 0)
		die_nomem();
	mwlog(MWLOG_FATAL, "%.*s", (int)err.len, err.s);
	_exit(MW_TEMP);
}

/* A spool write failed: errno's condition; out of memory is fatal. */
static int
fail_errno(int e)
{
	if (e == ENOMEM)
		die_nomem();
	return smtpfail_errno(e);
}

/* A read failed: timeout, end of input or an error. */
static void MW_NORETURN
ioend(int e)
{
	if (e == ETIMEDOUT)
		fail_end(SMTPFAIL_TIMEOUT);
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
		fail_end(SMTPFAIL_ERRORS);
	return 0;
}

/* An argument that did not parse (smtpcmd_result). */
static int
badarg(int r)
{
	if (r == SMTPCMD_NOMEM)
		die_nomem();
	return bad(smtpcmd_reply(r));
}

static void
txn_reset(void)
{
	smtpmsg_abort(&msg);
	ss.mail = 0;
	ss.bdatfail = NULL;
	mail.utf8 = 0;
	smtpenv_reset(&env);
}

/* Open the spool file with the envelope and Received:.  SMTPFAIL_NONE
 * when the message may follow, else why not. */
static int
msg_open(int mode)
{
	if (spool_newid(&env.id) == -1 || sa_0(&env.id) == -1)
		return fail_errno(errno);
	env.time = spool_idtime(env.id.s);	/* the same second as the id */
	hdr.len = 0;
	if (smtpenv_head(&hdr, &env, cf.me.s, ss.hello == SMTPCMD_EHLO,
	    mail.utf8, ss.tlsdesc) == -1)
		die_nomem();
	if (smtpmsg_open(&msg, spool, env.id.s, &hdr, mode,
	    cf.databytes) == -1) {
		mwlog(MWLOG_WARN, "%s unable to open spool file in %s: %s",
		    conn.s, spool, strerror(errno));
		return fail_errno(errno);
	}
	return SMTPFAIL_NONE;
}

static void
msg_reject(int f)
{
	char	 fr[300], r[128];

	smtpmsg_abort(&msg);
	ss.refused++;
	mwlog(MWLOG_WARN, "%s reject conn=%s from=<%s> nrcpt=%zu size=%llu "
	    "reason=%s reply=%s", env.id.s, conn.s,
	    smtpenv_logfrom(fr, sizeof fr, &env), env.nrcpt, msg.d.size,
	    smtpfail_word(f), mwlog_escs(r, sizeof r, smtpfail_reply(f)));
	reply(smtpfail_reply(f));
}

/* Why the message so far can't be taken, or SMTPFAIL_NONE. */
static int
msg_fail(int final)
{
	int	 v = smtpmsg_verdict(&msg, final, cf.barelf);

	if (v == SMTPMSG_IOERR)
		return fail_errno(errno);
	return smtpfail_verdict(v, 0);
}

static int
msg_end(void)
{
	char	 fr[300];
	int	 f;

	if ((f = msg_fail(1)) == SMTPFAIL_NONE &&
	    smtpmsg_commit(&msg) == -1) {
		mwlog(MWLOG_WARN, "%s unable to commit spool file: %s",
		    env.id.s, strerror(errno));
		f = fail_errno(errno);
	}
	if (f != SMTPFAIL_NONE)
		msg_reject(f);
	else {
		ss.msgs++;
		mwlog(MWLOG_INFO, "%s queued conn=%s from=<%s> nrcpt=%zu "
		    "size=%llu tls=%d spool=%s", env.id.s, conn.s,
		    smtpenv_logfrom(fr, sizeof fr, &env), env.nrcpt,
		    msg.d.size, env.tls, spool);
		replyf("250 2.0.0 Ok: queued as %s", env.id.s);
	}
	txn_reset();
	return 0;
}

static int
do_hello(const struct smtpcmd *c)
{
	int	 r;

	if ((r = smtpcmd_helo(c->arg, c->arglen, &env.helo)) != SMTPCMD_OK)
		return badarg(r);
	if (bio_pending(&in))
		fail_end(SMTPFAIL_PIPE);
	txn_reset();
	ss.hello = c->verb;
	if (c->verb == SMTPCMD_HELO)
		return replyf("250 %s", cf.me.s);
	hdr.len = 0;
	if (smtpcmd_ehlo(&hdr, cf.me.s, cf.databytes, tls != NULL &&
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
	if ((r = smtpcmd_mail(c->arg, c->arglen, &mail)) != SMTPCMD_OK)
		return badarg(r);
	if (mail.hassize && mail.size > cf.databytes)
		return reply(smtpfail_reply(SMTPFAIL_SIZE));
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
	int	 r;

	if (!ss.mail)
		return bad("503 5.5.1 MAIL first");
	r = smtpcmd_rcpt(c->arg, c->arglen, mail.utf8, &addr);
	if (r != SMTPCMD_OK)
		return badarg(r);
	r = smtpenv_rcpt(&env, &cf.subs, cf.maxrcpt, addr.s, addr.len);
	if (r == SMTPENV_ERR)
		die_nomem();
	if (r == SMTPENV_NOSUBS && !ss.nosubs++)
		mwlog(MWLOG_WARN, "%s nosubscribers reason=\"control/"
		    "subscribers is missing or empty: no recipient is "
		    "accepted\"", conn.s);
	if (r == SMTPENV_NOSUBS || r == SMTPENV_NOTSUB)
		return rcpt_reject(smtpenv_reply(r));
	return reply(smtpenv_reply(r));
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
	if ((f = msg_open(SMTPDATA_DOT)) != SMTPFAIL_NONE)
		return reply(smtpfail_reply(f));
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
		fail_end(SMTPFAIL_BDAT);
	if (!ss.mail)
		return bdat_skip(n, last, "503 5.5.1 MAIL first");
	if (env.nrcpt == 0)
		return bdat_skip(n, last, "554 5.5.1 No valid recipients");
	if (ss.bdatfail != NULL)
		return bdat_skip(n, last, ss.bdatfail);
	if (!msg.open && (f = msg_open(SMTPDATA_BDAT)) != SMTPFAIL_NONE)
		return bdat_skip(n, last, smtpfail_reply(f));
	if (smtpline_bdat(&in, &msg.d, n) == -1)
		ioend(errno);
	if (last) {
		smtpdata_finish(&msg.d);
		return msg_end();
	}
	if ((f = msg_fail(0)) != SMTPFAIL_NONE) {
		msg_reject(f);
		ss.bdatfail = smtpfail_reply(f);
		return 0;
	}
	return replyf("250 2.0.0 %llu octets received", n);
}

static int
do_starttls(const struct smtpcmd *c)
{
	size_t	 n = bio_buffered(&in);

	(void)c;
	if (tls == NULL || env.tls)
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
	if (mwtls_start_server(tls, &in, &out, &err) == -1)
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
	switch (smtpgreet_wait(&in, (int)cf.greetdelay)) {
	case SMTPGREET_EOF:
		end("eof", NULL);
	case SMTPGREET_ERR:
		ioend(errno);
	case SMTPGREET_EARLY:
		fail_end(SMTPFAIL_EARLY);
	}
	replyf("220 %s ESMTP mailward", cf.me.s);
}

static void
config(void)
{
	const char	*ip = smtpconf_remote(getenv("TCPREMOTEIP"));

	if (ip != NULL && (sa_copys(&env.remote, ip) == -1 ||
	    sa_0(&env.remote) == -1))
		die_nomem();
	if (smtpconf_read(&cf, "control", &err) == -1)
		die_control();
	if (cf.tlscert.len > 0 && (tls = mwtls_server_ctx(cf.tlscert.s,
	    cf.tlskey.s, &err)) == NULL)
		mwlog(MWLOG_WARN, "%s notls error=\"%.*s\"", conn.s,
		    (int)err.len, err.s);
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
		spool = optarg;
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
	config();
	in.timeout = out.timeout = (int)cf.timeout * 1000;
	greet();
	session();
}
