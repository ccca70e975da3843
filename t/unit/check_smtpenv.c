/* ISC license. */
/* check_smtpenv.c: the recipient gate (subscribers only, none with no
 * subscribers, duplicates once, the recipient cap), its replies, the
 * spool head byte-exact in UTC, and the sender as the log shows it. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "envelope.h"
#include "sa.h"
#include "smtpenv.h"
#include "unit.h"

#define ADDED	SMTPENV_ADDED
#define DUP	SMTPENV_DUP
#define NOSUBS	SMTPENV_NOSUBS
#define NOTSUB	SMTPENV_NOTSUB
#define FULL	SMTPENV_FULL
#define ERR	SMTPENV_ERR

/* --- smtpenv_rcpt: a sequence of RCPTs against one list --- */

struct step {
	const char	*rcpt;
	int		 want;
};

struct rcptcase {
	struct bytes	 subs;		/* entries, each NUL-terminated */
	unsigned long	 max;
	struct step	 steps[6];	/* up to a NULL rcpt */
	struct bytes	 env;		/* the envelope's recipients after */
};

static const struct rcptcase rcpts[] = {
	/* no subscribers: nobody, ever */
	{ S(""), 100, { { "a@example.org", NOSUBS },
	    { "postmaster@localhost", NOSUBS } }, S("") },
	{ S("a@example.org\0@example.net\0"), 100,
	    { { "a@example.org", ADDED }, { "b@example.org", NOTSUB },
	      { "A@example.org", DUP }, { "x@example.net", ADDED },
	      { "x@sub.example.net", NOTSUB }, { "a@example.org", DUP } },
	    S("a@example.org\0x@example.net\0") },
	/* the cap counts distinct recipients; a duplicate at the cap is
	 * still fine */
	{ S("@example.org\0"), 2,
	    { { "a@example.org", ADDED }, { "b@example.org", ADDED },
	      { "c@example.org", FULL }, { "B@EXAMPLE.ORG", DUP },
	      { "evil@example.com", NOTSUB } },
	    S("a@example.org\0b@example.org\0") },
	{ S("a@example.org\0"), 1, { { "a@example.org", ADDED },
	    { "a@example.org", DUP } }, S("a@example.org\0") },
	/* a value the envelope cannot hold: the caller treats it as fatal */
	{ S("@example.org\0"), 100, { { "a\x01@example.org", ERR },
	    { "b@example.org", ADDED } }, S("b@example.org\0") },
};

START_TEST(smtpenv_rcpt_table)
{
	const struct rcptcase	*c = &rcpts[_i];
	struct envelope		 env = ENVELOPE_ZERO;
	struct sa		 subs = SA_ZERO;
	const struct step	*s;

	ck_assert_int_eq(sa_copyb(&subs, c->subs.s, c->subs.n), 0);
	for (s = c->steps; s < c->steps + 6 && s->rcpt != NULL; s++)
		ck_assert_msg(smtpenv_rcpt(&env, &subs, c->max, s->rcpt,
		    strlen(s->rcpt)) == s->want, "RCPT %s", s->rcpt);
	ck_assert_uint_eq(env.rcpt.len, c->env.n);
	if (c->env.n > 0)
		ck_assert_mem_eq(env.rcpt.s, c->env.s, c->env.n);
	envelope_free(&env);
	sa_free(&subs);
}
END_TEST

static const char *const replies[SMTPENV_NRESULT] = {
	[ADDED] = "250 2.1.5 Ok",
	[DUP] = "250 2.1.5 Ok",
	[NOSUBS] = "550 5.7.1 Relaying denied: no subscribers configured",
	[NOTSUB] = "550 5.1.1 Recipient is not a subscriber",
	[FULL] = "452 4.5.3 Too many recipients",
	[ERR] = "421 4.3.0 Out of memory, closing",
};

START_TEST(smtpenv_replies)
{
	ck_assert_str_eq(smtpenv_reply(_i), replies[_i]);
}
END_TEST

START_TEST(smtpenv_reply_range)
{
	ck_assert_ptr_null(smtpenv_reply(-1));
	ck_assert_ptr_null(smtpenv_reply(SMTPENV_NRESULT));
}
END_TEST

/* --- smtpenv_head: envelope block, then Received: --- */

struct headcase {
	const char	*remote;	/* NULL: none */
	const char	*helo;
	int		 tls;
	const char	*from;
	struct bytes	 rcpt;
	int		 ehlo, utf8;
	const char	*tlsdesc;
	const char	*want;		/* NULL: EINVAL */
};

#define ID	"1764228180.77.abcd"
#define DATE	"\tThu, 27 Nov 2025 07:23:00 +0000\n"

static const struct headcase heads[] = {
	{ "192.0.2.7", "client.example", 0, "bob@example.com",
	    S("a@example.org\0b@example.net\0"), 1, 0, NULL,
	  "mailward 1\nid " ID "\ntime 1764228180\nremote 192.0.2.7\n"
	  "helo client.example\ntls 0\nfrom <bob@example.com>\n"
	  "rcpt <a@example.org>\nrcpt <b@example.net>\n\n"
	  "Received: from client.example ([192.0.2.7])\n"
	  "\tby mx.example (mailward) with ESMTP id " ID ";\n" DATE },
	{ "2001:db8::1", "c", 1, "", S("a@example.org\0"), 1, 1,
	    "TLSv1.3 TLS_AES_256_GCM_SHA384",
	  "mailward 1\nid " ID "\ntime 1764228180\nremote 2001:db8::1\n"
	  "helo c\ntls 1\nfrom <>\nrcpt <a@example.org>\n\n"
	  "Received: from c ([2001:db8::1])\n"
	  "\t(using TLSv1.3 TLS_AES_256_GCM_SHA384)\n"
	  "\tby mx.example (mailward) with UTF8SMTPS id " ID "\n"
	  "\tfor <a@example.org>;\n" DATE },
	/* no address, HELO; a cipher without tls is not named */
	{ NULL, "h", 0, "x@y.example", S("a@example.org\0"), 0, 0, "TLS",
	  "mailward 1\nid " ID "\ntime 1764228180\nremote -\n"
	  "helo h\ntls 0\nfrom <x@y.example>\nrcpt <a@example.org>\n\n"
	  "Received: from h (local)\n"
	  "\tby mx.example (mailward) with SMTP id " ID "\n"
	  "\tfor <a@example.org>;\n" DATE },
	/* no recipient: nothing to write */
	{ "192.0.2.7", "h", 0, "x@y.example", S(""), 1, 0, NULL, NULL },
};

START_TEST(smtpenv_head_table)
{
	const struct headcase	*c = &heads[_i];
	struct envelope		 env = ENVELOPE_ZERO;
	struct sa		 out = SA_ZERO;
	const char		*r;

	ck_assert_int_eq(setenv("TZ", "UTC", 1), 0);
	tzset();
	ck_assert_int_eq(sa_copys(&env.id, ID), 0);
	ck_assert_int_eq(sa_0(&env.id), 0);
	env.time = 1764228180;
	if (c->remote != NULL) {
		ck_assert_int_eq(sa_copys(&env.remote, c->remote), 0);
		ck_assert_int_eq(sa_0(&env.remote), 0);
	}
	ck_assert_int_eq(sa_copys(&env.helo, c->helo), 0);
	env.tls = c->tls;
	ck_assert_int_eq(sa_copys(&env.from, c->from), 0);
	for (r = c->rcpt.s; r < c->rcpt.s + c->rcpt.n; r += strlen(r) + 1)
		ck_assert_int_eq(envelope_addrcpt(&env, r, strlen(r)), 0);
	ck_assert_int_eq(sa_cats(&out, "X"), 0);	/* it appends */
	if (c->want == NULL) {
		ck_assert_int_eq(smtpenv_head(&out, &env, "mx.example", c->ehlo,
		    c->utf8, c->tlsdesc), -1);
		ck_assert_int_eq(errno, EINVAL);
	} else {
		ck_assert_int_eq(smtpenv_head(&out, &env, "mx.example", c->ehlo,
		    c->utf8, c->tlsdesc), 0);
		ck_assert_msg(out.len == strlen(c->want) + 1 &&
		    memcmp(out.s + 1, c->want, out.len - 1) == 0,
		    "got\n%.*s", (int)out.len, out.s);
	}
	envelope_free(&env);
	sa_free(&out);
}
END_TEST

/* --- smtpenv_reset, smtpenv_logfrom --- */

START_TEST(smtpenv_reset_keeps_session)
{
	struct envelope	 env = ENVELOPE_ZERO;
	struct sa	 subs = SA_ZERO;

	ck_assert_int_eq(sa_copys(&subs, "@example.org"), 0);
	ck_assert_int_eq(sa_catc(&subs, '\0'), 0);
	ck_assert_int_eq(sa_copys(&env.helo, "client.example"), 0);
	ck_assert_int_eq(sa_copys(&env.remote, "192.0.2.7"), 0);
	env.tls = 1;
	ck_assert_int_eq(sa_copys(&env.from, "bob@example.com"), 0);
	ck_assert_int_eq(smtpenv_rcpt(&env, &subs, 1, "a@example.org", 13),
	    ADDED);
	smtpenv_reset(&env);
	ck_assert_uint_eq(env.from.len, 0);
	ck_assert_uint_eq(env.rcpt.len, 0);
	ck_assert_uint_eq(env.nrcpt, 0);
	ck_assert(sa_eqs(&env.helo, "client.example"));
	ck_assert(sa_eqs(&env.remote, "192.0.2.7"));
	ck_assert_int_eq(env.tls, 1);
	/* the cap starts over */
	ck_assert_int_eq(smtpenv_rcpt(&env, &subs, 1, "b@example.org", 13),
	    ADDED);
	envelope_free(&env);
	sa_free(&subs);
}
END_TEST

static const struct {
	struct bytes	 from;
	const char	*want;	/* between from=< and > */
} froms[] = {
	{ S(""),			"" },	/* the null sender: from=<> */
	{ S("bob@example.com"),		"bob@example.com" },
	{ S("b\x01o\"b@example.com"),	"b\\x01o\\\"b@example.com" },
	{ S("\"a b\"@example.com"),	"\"\\\"a b\\\"@example.com\"" },
	{ S("b\0b@example.com"),	"b\\x00b@example.com" },
};

START_TEST(smtpenv_logfrom_table)
{
	struct envelope	 env = ENVELOPE_ZERO;
	char		 buf[300];

	ck_assert_int_eq(sa_copyb(&env.from, froms[_i].from.s,
	    froms[_i].from.n), 0);
	ck_assert_str_eq(smtpenv_logfrom(buf, sizeof buf, &env),
	    froms[_i].want);
	envelope_free(&env);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("smtpenv");
	TCase	*tc = tcase_create("smtpenv");

	tcase_add_loop_test(tc, smtpenv_rcpt_table, 0,
	    sizeof rcpts / sizeof rcpts[0]);
	tcase_add_loop_test(tc, smtpenv_replies, 0, SMTPENV_NRESULT);
	tcase_add_test(tc, smtpenv_reply_range);
	tcase_add_loop_test(tc, smtpenv_head_table, 0,
	    sizeof heads / sizeof heads[0]);
	tcase_add_test(tc, smtpenv_reset_keeps_session);
	tcase_add_loop_test(tc, smtpenv_logfrom_table, 0,
	    sizeof froms / sizeof froms[0]);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
