/* ISC license. */
/* check_smtpc.c: the SMTP client dialogue against scripted servers. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bio.h"
#include "sa.h"
#include "smtpc.h"
#include "unit.h"

#define P	SMTPC_PIPELINING
#define MAXR	3

/* the client's side of the wire, for byte-exact comparison */
static ssize_t
sink(struct bio *b, char *s, size_t n)
{
	struct sa *out = b->ctx;

	if (out == NULL) {
		errno = EPIPE;
		return -1;
	}
	return sa_catb(out, s, n) == -1 ? -1 : (ssize_t)n;
}

struct sendcase {
	const char		*name;
	unsigned int		 ext;
	unsigned long long	 size;
	const char		*server;
	const char		*from;
	const char		*rcpt[MAXR];
	const char		*msg;
	size_t			 msglen;	/* 0: strlen(msg) */
	int			 want;
	int			 wantcode[MAXR];
	const char		*wantreply0;	/* reply of rcpt 0 or NULL */
	const char		*wantwire;
};

#define HDR	"Subject: t\n\nhi\n"
#define HDRW	"Subject: t\r\n\r\nhi\r\n.\r\n"
#define MAIL2	"MAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\nRCPT TO:<b@x>\r\n"

static const struct sendcase sends[] = {
	{ "pipelined, both accepted", P, 0,
	  "250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 2.0.0 queued\r\n",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_OK, { 250, 250 }, "250 2.0.0 queued",
	  MAIL2 "DATA\r\n" HDRW },
	{ "one at a time, both accepted", 0, 0,
	  "250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_OK, { 250, 250 }, "250 queued",
	  MAIL2 "DATA\r\n" HDRW },
	{ "pipelined, second refused", P, 0,
	  "250 ok\r\n250 ok\r\n550 5.1.1 no such user\r\n354 go\r\n"
	  "250 queued\r\n",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_OK, { 250, 550 }, "250 queued",
	  MAIL2 "DATA\r\n" HDRW },
	{ "pipelined, 4xx and 5xx: DATA refused", P, 0,
	  "250 ok\r\n450 4.2.0 busy\r\n550 5.1.1 no\r\n554 5.5.1 no valid "
	  "recipients\r\n",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_OK, { 450, 550 }, "450 4.2.0 busy",
	  MAIL2 "DATA\r\n" },
	{ "pipelined, none accepted but 354: empty end", P, 0,
	  "250 ok\r\n550 no\r\n550 no\r\n354 go\r\n554 no valid rcpt\r\n",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_OK, { 550, 550 }, "550 no",
	  MAIL2 "DATA\r\n.\r\n" },
	{ "one at a time, none accepted: no DATA", 0, 0,
	  "250 ok\r\n550 no\r\n451 later\r\n",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_OK, { 550, 451 }, "550 no", MAIL2 },
	{ "one at a time, MAIL 451", 0, 0,
	  "451 4.3.0 try later\r\n",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_OK, { 451, 451 }, "451 4.3.0 try later",
	  "MAIL FROM:<s@x>\r\n" },
	{ "pipelined, MAIL 550", P, 0,
	  "550 5.7.1 go away\r\n503 no\r\n503 no\r\n503 no\r\n",
	  "", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_OK, { 550, 550 }, "550 5.7.1 go away",
	  "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n" },
	{ "final 452 for the accepted only", P, 0,
	  "250 ok\r\n250 ok\r\n550 no\r\n354 go\r\n452 4.3.1 full\r\n",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_OK, { 452, 550 }, "452 4.3.1 full",
	  MAIL2 "DATA\r\n" HDRW },
	{ "server drops after 354", P, 0,
	  "250 ok\r\n250 ok\r\n550 no\r\n354 go\r\n",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_EOF, { 0, 550 }, NULL,
	  MAIL2 "DATA\r\n" HDRW },
	{ "server drops after MAIL", 0, 0,
	  "250 ok\r\n",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_EOF, { 0, 0 }, NULL,
	  "MAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\n" },
	{ "multi-line final reply", P, 0,
	  "250 ok\r\n250 ok\r\n354 go\r\n250-2.0.0 ok\r\n250-id 42\r\n"
	  "250 bye\r\n",
	  "s@x", { "a@x" }, HDR, 0,
	  SMTPC_OK, { 250 }, "250 2.0.0 ok id 42 bye",
	  "MAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\nDATA\r\n" HDRW },
	{ "reply line over the cap", 0, 0,
	  "250 ok\r\n250 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "\r\n",
	  "s@x", { "a@x" }, HDR, 0,
	  SMTPC_PROTO, { 0 }, NULL,
	  "MAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\n" },
	{ "reply that is no reply", 0, 0,
	  "hello there\r\n",
	  "s@x", { "a@x" }, HDR, 0,
	  SMTPC_PROTO, { 0 }, NULL, "MAIL FROM:<s@x>\r\n" },
	{ "continuation with another code", 0, 0,
	  "250-ok\r\n251 ok\r\n",
	  "s@x", { "a@x" }, HDR, 0,
	  SMTPC_PROTO, { 0 }, NULL, "MAIL FROM:<s@x>\r\n" },
	{ "over the server's SIZE: nothing sent", SMTPC_SIZE, 10,
	  "",
	  "s@x", { "a@x", "b@x" }, HDR, 0,
	  SMTPC_OK, { 552, 552 },
	  "552 5.3.4 message too big for the remote host's SIZE limit", "" },
	{ "SIZE= and BODY=8BITMIME", SMTPC_SIZE | SMTPC_8BITMIME | P, 100,
	  "250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n",
	  "s@x", { "a@x" }, "\xc3\xa9t\xc3\xa9\n", 0,
	  SMTPC_OK, { 250 }, "250 ok",
	  "MAIL FROM:<s@x> SIZE=7 BODY=8BITMIME\r\nRCPT TO:<a@x>\r\nDATA\r\n"
	  "\xc3\xa9t\xc3\xa9\r\n.\r\n" },
	{ "SMTPUTF8 needed, not offered", P, 0,
	  "",
	  "s@x", { "\xc3\xa9@x" }, HDR, 0,
	  SMTPC_OK, { 553 }, NULL, "" },
	{ "SMTPUTF8 needed and offered", P | SMTPC_SMTPUTF8, 0,
	  "250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n",
	  "s@x", { "\xc3\xa9@x" }, "a\n", 0,
	  SMTPC_OK, { 250 }, NULL,
	  "MAIL FROM:<s@x> SMTPUTF8\r\nRCPT TO:<\xc3\xa9@x>\r\nDATA\r\n"
	  "a\r\n.\r\n" },
	{ "dot-stuffing, CR, CRLF, last line without LF", P, 0,
	  "250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n",
	  "s@x", { "a@x" }, ".a\n..b\nc\r\n.\nd\re.\n\n.", 0,
	  SMTPC_OK, { 250 }, NULL,
	  "MAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\nDATA\r\n"
	  "..a\r\n...b\r\nc\r\n..\r\nd\r\ne.\r\n\r\n..\r\n.\r\n" },
	{ "smuggling attempt goes out stuffed", P, 0,
	  "250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n",
	  "s@x", { "a@x" }, "x\n.\r\nMAIL FROM:<e@x>\n", 0,
	  SMTPC_OK, { 250 }, NULL,
	  "MAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\nDATA\r\n"
	  "x\r\n..\r\nMAIL FROM:<e@x>\r\n.\r\n" },
	{ "empty message", P, 0,
	  "250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n",
	  "s@x", { "a@x" }, "", 0,
	  SMTPC_OK, { 250 }, NULL,
	  "MAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\nDATA\r\n.\r\n" },
};

/* LMTP (RFC 2033): one reply per accepted RCPT after the data */
struct lmtpcase {
	struct sendcase	 c;
	int		 wantfinal[MAXR];
	const char	*wantreply[MAXR];	/* NULL: not checked */
};

#define MAIL3	MAIL2 "RCPT TO:<c@x>\r\n"
#define RCPT3	"250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n"
/* three accepted at RCPT, then 250, 450 and 550 after the data */
#define LMTP3(name, ext) \
	{ { name, ext, 0, \
	    RCPT3 "354 go\r\n250 2.0.0 a ok\r\n450 4.2.0 b busy\r\n" \
	    "550 5.1.1 c unknown\r\n", \
	    "s@x", { "a@x", "b@x", "c@x" }, HDR, 0, \
	    SMTPC_OK, { 250, 450, 550 }, NULL, MAIL3 "DATA\r\n" HDRW }, \
	  { 1, 1, 1 }, { "250 2.0.0 a ok", "450 4.2.0 b busy", \
	    "550 5.1.1 c unknown" } }

static const struct lmtpcase lmtps[] = {
	LMTP3("LMTP: 250, 450, 550 after the data", P),
	LMTP3("LMTP: one at a time", 0),
	{ { "LMTP: refused at RCPT, no reply after the data", P, 0,
	    "250 ok\r\n250 ok\r\n550 5.1.1 no\r\n250 ok\r\n354 go\r\n"
	    "451 4.3.0 a later\r\n250 2.0.0 c ok\r\n",
	    "s@x", { "a@x", "b@x", "c@x" }, HDR, 0,
	    SMTPC_OK, { 451, 550, 250 }, NULL, MAIL3 "DATA\r\n" HDRW },
	  { 1, 0, 1 }, { "451 4.3.0 a later", "550 5.1.1 no",
	    "250 2.0.0 c ok" } },
	{ { "LMTP: lost after the first reply", P, 0,
	    RCPT3 "354 go\r\n250 2.0.0 a ok\r\n",
	    "s@x", { "a@x", "b@x", "c@x" }, HDR, 0,
	    SMTPC_EOF, { 250, 0, 0 }, NULL, MAIL3 "DATA\r\n" HDRW },
	  { 1, 0, 0 }, { "250 2.0.0 a ok", NULL, NULL } },
	{ { "LMTP: lost after the first reply, one refused at RCPT", P, 0,
	    "250 ok\r\n550 no\r\n250 ok\r\n250 ok\r\n354 go\r\n"
	    "250 2.0.0 b ok\r\n",
	    "s@x", { "a@x", "b@x", "c@x" }, HDR, 0,
	    SMTPC_EOF, { 550, 250, 0 }, NULL, MAIL3 "DATA\r\n" HDRW },
	  { 0, 1, 0 }, { "550 no", "250 2.0.0 b ok", NULL } },
	{ { "LMTP: lost after 354", P, 0,
	    RCPT3 "354 go\r\n",
	    "s@x", { "a@x", "b@x", "c@x" }, HDR, 0,
	    SMTPC_EOF, { 0, 0, 0 }, NULL, MAIL3 "DATA\r\n" HDRW },
	  { 0, 0, 0 }, { NULL, NULL, NULL } },
	{ { "LMTP: a malformed second reply", P, 0,
	    RCPT3 "354 go\r\n250 2.0.0 a ok\r\nbogus\r\n",
	    "s@x", { "a@x", "b@x", "c@x" }, HDR, 0,
	    SMTPC_PROTO, { 250, 0, 0 }, NULL, MAIL3 "DATA\r\n" HDRW },
	  { 1, 0, 0 }, { "250 2.0.0 a ok", NULL, NULL } },
	{ { "LMTP: DATA refused", P, 0,
	    RCPT3 "452 4.3.1 full\r\n",
	    "s@x", { "a@x", "b@x", "c@x" }, HDR, 0,
	    SMTPC_OK, { 452, 452, 452 }, NULL, MAIL3 "DATA\r\n" },
	  { 0, 0, 0 }, { "452 4.3.1 full", NULL, NULL } },
	{ { "LMTP: none accepted but 354: empty end, no reply", P, 0,
	    "250 ok\r\n550 no\r\n550 no\r\n550 no\r\n354 go\r\n",
	    "s@x", { "a@x", "b@x", "c@x" }, HDR, 0,
	    SMTPC_OK, { 550, 550, 550 }, NULL, MAIL3 "DATA\r\n.\r\n" },
	  { 0, 0, 0 }, { "550 no", "550 no", "550 no" } },
	{ { "LMTP: a multi-line reply for one recipient", P, 0,
	    "250 ok\r\n250 ok\r\n354 go\r\n250-2.0.0 a\r\n250 saved\r\n",
	    "s@x", { "a@x" }, HDR, 0,
	    SMTPC_OK, { 250 }, NULL,
	    "MAIL FROM:<s@x>\r\nRCPT TO:<a@x>\r\nDATA\r\n" HDRW },
	  { 1 }, { "250 2.0.0 a saved" } },
};

/* Run c against its scripted server; r gets the recipients. */
static void
run_send(const struct sendcase *c, size_t chunk, int lmtp,
    struct smtpc_rcpt *r)
{
	struct bio		 in, out;
	struct smtpc		 sc;
	struct sa		 wire = SA_ZERO;
	char			 ibuf[64], obuf[64];
	size_t			 n, i, wl = strlen(c->wantwire);
	int			 res;

	bio_init_mem(&in, c->server, strlen(c->server), ibuf, sizeof ibuf);
	in.memchunk = chunk;
	bio_init(&out, -1, sink, obuf, sizeof obuf);
	out.ctx = &wire;
	smtpc_init(&sc, &in, &out);
	sc.lmtp = lmtp;
	sc.ext = c->ext;
	sc.size = c->size;
	memset(r, 0, MAXR * sizeof *r);
	for (n = 0; n < MAXR && c->rcpt[n] != NULL; n++) {
		r[n].addr = c->rcpt[n];
		r[n].len = strlen(c->rcpt[n]);
	}
	res = smtpc_send(&sc, c->from, strlen(c->from), c->msg,
	    c->msglen != 0 ? c->msglen : strlen(c->msg), r, n);
	ck_assert_msg(res == c->want, "%s: result %d, want %d", c->name, res,
	    c->want);
	for (i = 0; i < n; i++)
		ck_assert_msg(r[i].code == c->wantcode[i],
		    "%s: rcpt %zu code %d, want %d", c->name, i, r[i].code,
		    c->wantcode[i]);
	if (c->wantreply0 != NULL) {
		ck_assert_uint_eq(r[0].reply.len, strlen(c->wantreply0));
		ck_assert_mem_eq(r[0].reply.s, c->wantreply0, r[0].reply.len);
	}
	bio_flush(&out);
	ck_assert_msg(wire.len == wl && (wl == 0 ||
	    memcmp(wire.s, c->wantwire, wl) == 0), "%s: wire differs (%zu/%zu)",
	    c->name, wire.len, wl);
	ck_assert_uint_eq(in.mempos, in.memlen);	/* every reply read */
	sa_free(&wire);
	smtpc_free(&sc);
}

static void
rcpt_free(struct smtpc_rcpt *r)
{
	size_t	 i;

	for (i = 0; i < MAXR; i++)
		sa_free(&r[i].reply);
}

START_TEST(send_table)
{
	struct smtpc_rcpt	 r[MAXR];

	run_send(&sends[_i], 0, 0, r);
	rcpt_free(r);
}
END_TEST

START_TEST(send_table_bytewise)
{
	struct smtpc_rcpt	 r[MAXR];

	run_send(&sends[_i], 1, 0, r);
	rcpt_free(r);
}
END_TEST

static void
run_lmtp(const struct lmtpcase *c, size_t chunk)
{
	struct smtpc_rcpt	 r[MAXR];
	size_t			 i;

	run_send(&c->c, chunk, 1, r);
	for (i = 0; i < MAXR && c->c.rcpt[i] != NULL; i++) {
		ck_assert_msg(r[i].final == c->wantfinal[i],
		    "%s: rcpt %zu final %d", c->c.name, i, r[i].final);
		if (c->wantreply[i] == NULL)
			continue;
		ck_assert_msg(r[i].reply.len == strlen(c->wantreply[i]) &&
		    memcmp(r[i].reply.s, c->wantreply[i], r[i].reply.len) == 0,
		    "%s: rcpt %zu reply differs", c->c.name, i);
	}
	rcpt_free(r);
}

START_TEST(lmtp_table)
{
	run_lmtp(&lmtps[_i], 0);
}
END_TEST

START_TEST(lmtp_table_bytewise)
{
	run_lmtp(&lmtps[_i], 1);
}
END_TEST

struct readcase {
	const char	*server;
	int		 want;
	const char	*wantreply;
};

static const struct readcase reads[] = {
	{ "220 mx ESMTP\r\n", 220, "220 mx ESMTP" },
	{ "220 mx ESMTP\n", 220, "220 mx ESMTP" },	/* bare LF */
	{ "220\r\n", 220, "220" },
	{ "220-a\r\n220-\r\n220 b\r\n", 220, "220 a b" },
	{ "", SMTPC_EOF, NULL },
	{ "220-a\r\n", SMTPC_EOF, NULL },		/* dropped mid-reply */
	{ "220 partial", SMTPC_EOF, NULL },
	{ "22 x\r\n", SMTPC_PROTO, NULL },
	{ "220x\r\n", SMTPC_PROTO, NULL },
	{ "120 x\r\n", SMTPC_PROTO, NULL },
	{ "654 x\r\n", SMTPC_PROTO, NULL },
	{ "abc x\r\n", SMTPC_PROTO, NULL },
};

START_TEST(read_table)
{
	const struct readcase	*c = &reads[_i];
	struct bio		 in;
	struct smtpc		 sc;
	char			 buf[16];

	bio_init_mem(&in, c->server, strlen(c->server), buf, sizeof buf);
	smtpc_init(&sc, &in, NULL);
	ck_assert_int_eq(smtpc_read(&sc), c->want);
	if (c->wantreply != NULL) {
		ck_assert_uint_eq(sc.reply.len, strlen(c->wantreply));
		ck_assert_mem_eq(sc.reply.s, c->wantreply, sc.reply.len);
	}
	smtpc_free(&sc);
}
END_TEST

/* 512 bytes of line are fine, 513 are not; 100 lines fine, 101 not */
START_TEST(read_caps)
{
	struct sa	 srv = SA_ZERO;
	struct bio	 in;
	struct smtpc	 sc;
	char		 buf[128];
	int		 i, pass;

	for (pass = 0; pass < 4; pass++) {
		srv.len = 0;
		if (pass < 2) {
			ck_assert_int_eq(sa_cats(&srv, "250 "), 0);
			for (i = 0; i < SMTPC_MAXLINE - 5 + pass; i++)
				ck_assert_int_eq(sa_catc(&srv, 'x'), 0);
			ck_assert_int_eq(sa_cats(&srv, "\r\n"), 0);
		} else {
			for (i = 0; i < SMTPC_MAXLINES - 1 + (pass - 2); i++)
				ck_assert_int_eq(sa_cats(&srv, "250-x\r\n"), 0);
			ck_assert_int_eq(sa_cats(&srv, "250 x\r\n"), 0);
		}
		bio_init_mem(&in, srv.s, srv.len, buf, sizeof buf);
		smtpc_init(&sc, &in, NULL);
		ck_assert_int_eq(smtpc_read(&sc), pass % 2 == 0 ? 250 :
		    SMTPC_PROTO);
		ck_assert_uint_le(sc.reply.len, SMTPC_MAXREPLY);
		smtpc_free(&sc);
	}
	sa_free(&srv);
}
END_TEST

struct ehlocase {
	const char		*server;
	int			 want;
	unsigned int		 wantext;
	unsigned long long	 wantsize;
	const char		*wantwire;
};

static const struct ehlocase ehlos[] = {
	{ "250-mx.example hi\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"
	  "250-STARTTLS\r\n250-8BITMIME\r\n250-AUTH PLAIN\r\n250 SMTPUTF8\r\n",
	  250, P | SMTPC_SIZE | SMTPC_STARTTLS | SMTPC_8BITMIME |
	  SMTPC_SMTPUTF8, 1000, "EHLO me.example\r\n" },
	{ "250-mx\r\n250-pipelining\r\n250 size\r\n",
	  250, P | SMTPC_SIZE, 0, "EHLO me.example\r\n" },
	{ "250-mx\r\n250-SIZE 12x\r\n250-PIPELININGX\r\n250 STARTTLSX y\r\n",
	  250, SMTPC_SIZE, 0, "EHLO me.example\r\n" },
	{ "250 mx\r\n", 250, 0, 0, "EHLO me.example\r\n" },
	{ "502 5.5.1 what\r\n250 mx\r\n", 250, 0, 0,
	  "EHLO me.example\r\nHELO me.example\r\n" },
	{ "500 what\r\n550 no\r\n", 550, 0, 0,
	  "EHLO me.example\r\nHELO me.example\r\n" },
	{ "421 4.3.2 closing\r\n", 421, 0, 0, "EHLO me.example\r\n" },
	{ "", SMTPC_EOF, 0, 0, "EHLO me.example\r\n" },
};

/* LMTP: LHLO, and never HELO */
static const struct ehlocase lhlos[] = {
	{ "250-lmtp.example\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n"
	  "250 8BITMIME\r\n", 250, P | SMTPC_8BITMIME, 0,
	  "LHLO me.example\r\n" },
	{ "500 5.5.1 what\r\n250 mx\r\n", 500, 0, 0, "LHLO me.example\r\n" },
	{ "421 4.3.2 closing\r\n", 421, 0, 0, "LHLO me.example\r\n" },
	{ "", SMTPC_EOF, 0, 0, "LHLO me.example\r\n" },
};

static void
run_ehlo(const struct ehlocase *c, int lmtp)
{
	struct bio		 in, out;
	struct smtpc		 sc;
	struct sa		 wire = SA_ZERO;
	char			 ibuf[32], obuf[32];

	bio_init_mem(&in, c->server, strlen(c->server), ibuf, sizeof ibuf);
	bio_init(&out, -1, sink, obuf, sizeof obuf);
	out.ctx = &wire;
	smtpc_init(&sc, &in, &out);
	sc.lmtp = lmtp;
	sc.ext = SMTPC_STARTTLS;	/* stale: reset by EHLO */
	ck_assert_int_eq(smtpc_ehlo(&sc, "me.example"), c->want);
	ck_assert_uint_eq(sc.ext, c->wantext);
	ck_assert_uint_eq(sc.size, c->wantsize);
	ck_assert_uint_eq(wire.len, strlen(c->wantwire));
	ck_assert_mem_eq(wire.s, c->wantwire, wire.len);
	sa_free(&wire);
	smtpc_free(&sc);
}

START_TEST(ehlo_table)
{
	run_ehlo(&ehlos[_i], 0);
}
END_TEST

START_TEST(lhlo_table)
{
	run_ehlo(&lhlos[_i], 1);
}
END_TEST

START_TEST(write_error)
{
	struct bio		 in, out;
	struct smtpc		 sc;
	struct smtpc_rcpt	 r;
	char			 ibuf[32], obuf[32];

	bio_init_mem(&in, "250 ok\r\n", 8, ibuf, sizeof ibuf);
	bio_init(&out, -1, sink, obuf, sizeof obuf);	/* ctx NULL: EPIPE */
	smtpc_init(&sc, &in, &out);
	memset(&r, 0, sizeof r);
	r.addr = "a@x";
	r.len = 3;
	ck_assert_int_eq(smtpc_send(&sc, "s@x", 3, "m\n", 2, &r, 1),
	    SMTPC_IOERR);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(r.code, 0);
	ck_assert_int_eq(smtpc_cmd(&sc, "QUIT"), SMTPC_IOERR);
	sa_free(&r.reply);
	smtpc_free(&sc);
}
END_TEST

/* message bytes are bytes: a NUL goes through */
START_TEST(data_nul)
{
	static const char	 want[] = "a\0b\r\n..\0\r\n.\r\n";
	struct bio		 out;
	struct sa		 wire = SA_ZERO;
	char			 obuf[8];

	bio_init(&out, -1, sink, obuf, sizeof obuf);
	out.ctx = &wire;
	ck_assert_int_eq(smtpc_data(&out, "a\0b\n.\0", 6), 0);
	ck_assert_int_eq(bio_flush(&out), 0);
	ck_assert_uint_eq(wire.len, sizeof want - 1);
	ck_assert_mem_eq(wire.s, want, wire.len);
	sa_free(&wire);
}
END_TEST

struct stcase {
	const char	*reply;
	const char	*want;
};

static const struct stcase sts[] = {
	{ "550 5.1.1 no such user", "5.1.1" },
	{ "250 2.0.0 ok", "2.0.0" },
	{ "550 5.1.10 null MX", "5.1.10" },
	{ "452 4.5.3", "4.5.3" },
	{ "550 4.1.1 class differs", "5.0.0" },
	{ "550 5.1 two parts", "5.0.0" },
	{ "550 5.1.1. dot", "5.0.0" },
	{ "550 5..1 empty", "5.0.0" },
	{ "550 5.1.1x", "5.0.0" },
	{ "451 try later", "4.0.0" },
	{ "550", "5.0.0" },
	{ "", "4.0.0" },
	{ "x", "4.0.0" },
	{ "550 5.123.1234 long", "5.0.0" },
	{ "550 5.123.123 long", "5.123.123" },
};

START_TEST(status_table)
{
	char st[16];

	memset(st, 'z', sizeof st);
	smtpc_status(sts[_i].reply, strlen(sts[_i].reply), st);
	ck_assert_str_eq(st, sts[_i].want);
}
END_TEST

struct wscase {
	const char		*msg;
	unsigned long long	 want;
};

static const struct wscase wss[] = {
	{ "", 0 }, { "a", 3 }, { "a\n", 3 }, { "a\r\n", 3 }, { "a\rb", 6 },
	{ "\n\n", 4 }, { ".\n", 3 },
};

START_TEST(wiresize_table)
{
	ck_assert_uint_eq(smtpc_wiresize(wss[_i].msg, strlen(wss[_i].msg)),
	    wss[_i].want);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("smtpc");
	TCase	*tc = tcase_create("dialogue");
	size_t	 ns = sizeof sends / sizeof sends[0];

	tcase_add_loop_test(tc, send_table, 0, (int)ns);
	tcase_add_loop_test(tc, send_table_bytewise, 0, (int)ns);
	tcase_add_loop_test(tc, lmtp_table, 0, sizeof lmtps / sizeof lmtps[0]);
	tcase_add_loop_test(tc, lmtp_table_bytewise, 0,
	    sizeof lmtps / sizeof lmtps[0]);
	tcase_add_loop_test(tc, read_table, 0, sizeof reads / sizeof reads[0]);
	tcase_add_test(tc, read_caps);
	tcase_add_loop_test(tc, ehlo_table, 0, sizeof ehlos / sizeof ehlos[0]);
	tcase_add_loop_test(tc, lhlo_table, 0, sizeof lhlos / sizeof lhlos[0]);
	tcase_add_test(tc, write_error);
	tcase_add_test(tc, data_nul);
	tcase_add_loop_test(tc, status_table, 0, sizeof sts / sizeof sts[0]);
	tcase_add_loop_test(tc, wiresize_table, 0, sizeof wss / sizeof wss[0]);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
