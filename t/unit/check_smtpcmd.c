/* ISC license. */
/* check_smtpcmd.c: the command table and the MAIL/RCPT/BDAT/HELO parsers. */
#include "sysdeps.h"

#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sa.h"
#include "smtpcmd.h"
#include "unit.h"

struct parsecase {
	const char	*in;
	int		 want;
	int		 wantverb;
	const char	*wantarg;	/* NULL: no argument */
};

#define OK	SMTPCMD_OK
#define SYNTAX	SMTPCMD_SYNTAX
#define UNKNOWN	SMTPCMD_UNKNOWN
#define NONE	SMTPCMD_NONE
#define HELO	SMTPCMD_HELO
#define EHLO	SMTPCMD_EHLO
#define MAIL	SMTPCMD_MAIL
#define RCPT	SMTPCMD_RCPT
#define DATA	SMTPCMD_DATA
#define BDAT	SMTPCMD_BDAT
#define RSET	SMTPCMD_RSET
#define NOOP	SMTPCMD_NOOP
#define QUIT	SMTPCMD_QUIT
#define VRFY	SMTPCMD_VRFY
#define HELP	SMTPCMD_HELP
#define STLS	SMTPCMD_STARTTLS

static const struct parsecase parses[] = {
	{ "HELO x", OK, HELO, "x" },
	{ "helo x", OK, HELO, "x" },
	{ "EHLO  x.example  ", OK, EHLO, "x.example" },
	{ "HELO", SYNTAX, HELO, NULL },
	{ "HELO   ", SYNTAX, HELO, NULL },
	{ "DATA", OK, DATA, NULL },
	{ "data", OK, DATA, NULL },
	{ "DATA x", SYNTAX, DATA, "x" },
	{ "RSET", OK, RSET, NULL },
	{ "QUIT", OK, QUIT, NULL },
	{ "NOOP", OK, NOOP, NULL },
	{ "NOOP hi there", OK, NOOP, "hi there" },
	{ "HELP", OK, HELP, NULL },
	{ "VRFY postmaster", OK, VRFY, "postmaster" },
	{ "VRFY", SYNTAX, VRFY, NULL },
	{ "STARTTLS", OK, STLS, NULL },
	{ "starttls x", SYNTAX, STLS, "x" },
	{ "MAIL FROM:<a@b>", OK, MAIL, "FROM:<a@b>" },
	{ "RCPT TO:<a@b>", OK, RCPT, "TO:<a@b>" },
	{ "BDAT 10 LAST", OK, BDAT, "10 LAST" },
	{ "MAILFROM:<a@b>", UNKNOWN, NONE, NULL },
	{ "XYZZY", UNKNOWN, NONE, NULL },
	{ "", UNKNOWN, NONE, NULL },
	{ " HELO x", UNKNOWN, NONE, NULL },
	{ "HEL", UNKNOWN, NONE, NULL },
	{ "STARTTLSX", UNKNOWN, NONE, NULL },
};

START_TEST(smtpcmd_parse_table)
{
	const struct parsecase	*c = &parses[_i];
	struct smtpcmd		 cmd;

	ck_assert_int_eq(smtpcmd_parse(c->in, strlen(c->in), &cmd), c->want);
	ck_assert_int_eq(cmd.verb, c->wantverb);
	if (c->wantarg == NULL)
		ck_assert_ptr_null(cmd.arg);
	else {
		ck_assert_ptr_nonnull(cmd.arg);
		ck_assert_uint_eq(cmd.arglen, strlen(c->wantarg));
		ck_assert_mem_eq(cmd.arg, c->wantarg, cmd.arglen);
	}
}
END_TEST

#define LONGLOCAL "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaa"

struct mailcase {
	const char		*in;
	int			 want;
	const char		*wantaddr;	/* when OK */
	unsigned long long	 wantsize;
	int			 wantbody;
	int			 wantutf8;
};

static const struct mailcase mails[] = {
	{ "FROM:<a@b.example>", SMTPCMD_OK, "a@b.example", 0, 0, 0 },
	{ "from:<A@B.EXAMPLE>", SMTPCMD_OK, "A@b.example", 0, 0, 0 },
	{ "FROM:<>", SMTPCMD_OK, "", 0, 0, 0 },
	{ "FROM: <a@b.example>", SMTPCMD_OK, "a@b.example", 0, 0, 0 },
	{ "FROM:<@r.example:a@b.example>", SMTPCMD_OK, "a@b.example", 0, 0,
	    0 },
	{ "FROM:<a@b.example> SIZE=1000", SMTPCMD_OK, "a@b.example", 1000,
	    0, 0 },
	{ "FROM:<a@b.example> SIZE=1000 BODY=8BITMIME SMTPUTF8", SMTPCMD_OK,
	    "a@b.example", 1000, SMTPCMD_BODY_8BITMIME, 1 },
	{ "FROM:<a@b.example>  size=12   body=7bit  ", SMTPCMD_OK,
	    "a@b.example", 12, SMTPCMD_BODY_7BIT, 0 },
	{ "FROM:<a@b.example> SIZE=99999999999999999999", SMTPCMD_OK,
	    "a@b.example", ULLONG_MAX, 0, 0 },
	{ "FROM:<\xc3\xbc@b.example> SMTPUTF8", SMTPCMD_OK,
	    "\xc3\xbc@b.example", 0, 0, 1 },
	{ "FROM:<\xc3\xbc@b.example>", SMTPCMD_NEEDUTF8, NULL, 0, 0, 0 },
	{ "FROM:<a@b.example> SIZE=", SMTPCMD_BADPARAM, NULL, 0, 0, 0 },
	{ "FROM:<a@b.example> SIZE", SMTPCMD_BADPARAM, NULL, 0, 0, 0 },
	{ "FROM:<a@b.example> SIZE=12x", SMTPCMD_BADPARAM, NULL, 0, 0, 0 },
	{ "FROM:<a@b.example> SIZE=-1", SMTPCMD_BADPARAM, NULL, 0, 0, 0 },
	{ "FROM:<a@b.example> SIZE=1 SIZE=2", SMTPCMD_BADPARAM, NULL, 0, 0,
	    0 },
	{ "FROM:<a@b.example> SIZE=123456789012345678901", SMTPCMD_BADPARAM,
	    NULL, 0, 0, 0 },
	{ "FROM:<a@b.example> BODY=BINARYMIME", SMTPCMD_BADPARAM, NULL, 0, 0,
	    0 },
	{ "FROM:<a@b.example> BODY=7BIT BODY=7BIT", SMTPCMD_BADPARAM, NULL,
	    0, 0, 0 },
	{ "FROM:<a@b.example> SMTPUTF8=yes", SMTPCMD_BADPARAM, NULL, 0, 0,
	    0 },
	{ "FROM:<a@b.example> AUTH=<>", SMTPCMD_UNKPARAM, NULL, 0, 0, 0 },
	{ "FROM:<a@b.example> RET=FULL", SMTPCMD_UNKPARAM, NULL, 0, 0, 0 },
	{ "FROM:<a@b.example>SIZE=1", SMTPCMD_SYNTAX, NULL, 0, 0, 0 },
	{ "FROM:<a@b.example> SIZE=1\x01", SMTPCMD_SYNTAX, NULL, 0, 0, 0 },
	{ "FROM:a@b.example", SMTPCMD_BADSENDER, NULL, 0, 0, 0 },
	{ "FROM:<a@b.example", SMTPCMD_BADSENDER, NULL, 0, 0, 0 },
	{ "FROM:<a b@b.example>", SMTPCMD_BADSENDER, NULL, 0, 0, 0 },
	{ "FROM:<a\x01@b.example>", SMTPCMD_BADSENDER, NULL, 0, 0, 0 },
	{ "FROM:<" LONGLOCAL "@b.example>", SMTPCMD_BADSENDER, NULL, 0, 0,
	    0 },
	{ "TO:<a@b.example>", SMTPCMD_BADSENDER, NULL, 0, 0, 0 },
	{ "FROM", SMTPCMD_BADSENDER, NULL, 0, 0, 0 },
};

START_TEST(smtpcmd_mail_table)
{
	const struct mailcase	*c = &mails[_i];
	struct smtpcmd_mail	 m = SMTPCMD_MAIL_ZERO;

	ck_assert_int_eq(smtpcmd_mail(c->in, strlen(c->in), &m), c->want);
	if (c->want == SMTPCMD_OK) {
		ck_assert_uint_eq(m.addr.len, strlen(c->wantaddr));
		if (m.addr.len > 0)
			ck_assert_mem_eq(m.addr.s, c->wantaddr, m.addr.len);
		ck_assert(m.size == c->wantsize);
		ck_assert_int_eq(m.hassize, c->wantsize != 0);
		ck_assert_int_eq(m.body, c->wantbody);
		ck_assert_int_eq(m.utf8, c->wantutf8);
	}
	sa_free(&m.addr);
}
END_TEST

struct rcptcase {
	const char	*in;
	int		 utf8;
	int		 want;
	const char	*wantaddr;
};

static const struct rcptcase rcpts[] = {
	{ "TO:<a@b.example>", 0, SMTPCMD_OK, "a@b.example" },
	{ "To:<A@B.Example>", 0, SMTPCMD_OK, "A@b.example" },
	{ "TO: <a@b.example>", 0, SMTPCMD_OK, "a@b.example" },
	{ "TO:<postmaster>", 0, SMTPCMD_OK, "postmaster" },
	{ "to:<PostMaster>", 0, SMTPCMD_OK, "postmaster" },
	{ "TO:<\xc3\xbc@b.example>", 1, SMTPCMD_OK, "\xc3\xbc@b.example" },
	{ "TO:<\xc3\xbc@b.example>", 0, SMTPCMD_NEEDUTF8, NULL },
	{ "TO:<>", 0, SMTPCMD_BADRCPT, NULL },
	{ "TO:a@b.example", 0, SMTPCMD_BADRCPT, NULL },
	{ "FROM:<a@b.example>", 0, SMTPCMD_BADRCPT, NULL },
	{ "TO:<a@b.example> NOTIFY=NEVER", 0, SMTPCMD_UNKPARAM, NULL },
	{ "TO:<postmaster> ORCPT=rfc822;x@y", 0, SMTPCMD_UNKPARAM, NULL },
	{ "TO:<a@b.example>x", 0, SMTPCMD_SYNTAX, NULL },
	{ "TO:<" LONGLOCAL "@b.example>", 0, SMTPCMD_BADRCPT, NULL },
};

START_TEST(smtpcmd_rcpt_table)
{
	const struct rcptcase	*c = &rcpts[_i];
	struct sa		 a = SA_ZERO;

	ck_assert_int_eq(smtpcmd_rcpt(c->in, strlen(c->in), c->utf8, &a),
	    c->want);
	if (c->want == SMTPCMD_OK) {
		ck_assert_uint_eq(a.len, strlen(c->wantaddr));
		ck_assert_mem_eq(a.s, c->wantaddr, a.len);
	}
	sa_free(&a);
}
END_TEST

struct bdatcase {
	const char		*in;
	int			 want;
	unsigned long long	 wantsize;
	int			 wantlast;
};

static const struct bdatcase bdats[] = {
	{ "10",			SMTPCMD_OK,	10,	0 },
	{ "10 LAST",		SMTPCMD_OK,	10,	1 },
	{ "10 last",		SMTPCMD_OK,	10,	1 },
	{ "0 LAST",		SMTPCMD_OK,	0,	1 },
	{ "0",			SMTPCMD_OK,	0,	0 },
	{ "10LAST",		SMTPCMD_SYNTAX,	0,	0 },
	{ "10 FIRST",		SMTPCMD_SYNTAX,	0,	0 },
	{ "10 LAST x",		SMTPCMD_SYNTAX,	0,	0 },
	{ "x",			SMTPCMD_SYNTAX,	0,	0 },
	{ "",			SMTPCMD_SYNTAX,	0,	0 },
	{ "-1",			SMTPCMD_SYNTAX,	0,	0 },
	{ "99999999999999999999", SMTPCMD_SYNTAX, 0,	0 },
	{ "123456789012345678901", SMTPCMD_SYNTAX, 0,	0 },
};

START_TEST(smtpcmd_bdat_table)
{
	const struct bdatcase	*c = &bdats[_i];
	unsigned long long	 size = 12345;
	int			 last = 7;

	ck_assert_int_eq(smtpcmd_bdat(c->in, strlen(c->in), &size, &last),
	    c->want);
	if (c->want == SMTPCMD_OK) {
		ck_assert(size == c->wantsize);
		ck_assert_int_eq(last, c->wantlast);
	}
}
END_TEST

START_TEST(smtpcmd_helo_names)
{
	struct sa	 h = SA_ZERO;
	char		 big[300];

	ck_assert_int_eq(smtpcmd_helo("mx.example.org", 14, &h), SMTPCMD_OK);
	ck_assert(sa_eqs(&h, "mx.example.org"));
	ck_assert_int_eq(smtpcmd_helo("[192.0.2.1]", 11, &h), SMTPCMD_OK);
	ck_assert(sa_eqs(&h, "[192.0.2.1]"));
	ck_assert_int_eq(smtpcmd_helo("mx extra", 8, &h), SMTPCMD_OK);
	ck_assert(sa_eqs(&h, "mx"));
	ck_assert_int_eq(smtpcmd_helo("", 0, &h), SMTPCMD_SYNTAX);
	ck_assert_int_eq(smtpcmd_helo("a\x01" "b", 3, &h), SMTPCMD_SYNTAX);
	ck_assert_int_eq(smtpcmd_helo("a\xc3\xbc", 3, &h), SMTPCMD_SYNTAX);
	memset(big, 'a', sizeof big);
	ck_assert_int_eq(smtpcmd_helo(big, 255, &h), SMTPCMD_OK);
	ck_assert_int_eq(smtpcmd_helo(big, 256, &h), SMTPCMD_SYNTAX);
	sa_free(&h);
}
END_TEST

START_TEST(smtpcmd_ehlo_reply)
{
	struct sa	 r = SA_ZERO;
	static const char want[] = "250-mx.example\r\n250-PIPELINING\r\n"
	    "250-SIZE 1000\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
	    "250-CHUNKING\r\n250 ENHANCEDSTATUSCODES\r\n";
	static const char wanttls[] = "250-mx.example\r\n250-PIPELINING\r\n"
	    "250-SIZE 1000\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
	    "250-CHUNKING\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n";

	ck_assert_int_eq(smtpcmd_ehlo(&r, "mx.example", 1000, 0), 0);
	ck_assert_uint_eq(r.len, sizeof want - 1);
	ck_assert_mem_eq(r.s, want, r.len);
	r.len = 0;
	ck_assert_int_eq(smtpcmd_ehlo(&r, "mx.example", 1000, 1), 0);
	ck_assert_uint_eq(r.len, sizeof wanttls - 1);
	ck_assert_mem_eq(r.s, wanttls, r.len);
	sa_free(&r);
}
END_TEST

/* every outcome has a reply "NNN X.Y.Z text" whose classes agree */
START_TEST(smtpcmd_replies)
{
	const char	*r = smtpcmd_reply(_i);

	ck_assert_uint_gt(strlen(r), 10);
	ck_assert(r[0] >= '2' && r[0] <= '5');
	ck_assert(r[3] == ' ' && r[5] == '.');
	ck_assert_int_eq(r[0], r[4]);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("smtpcmd");
	TCase	*tc = tcase_create("smtpcmd");

	tcase_add_loop_test(tc, smtpcmd_parse_table, 0,
	    sizeof parses / sizeof parses[0]);
	tcase_add_loop_test(tc, smtpcmd_mail_table, 0,
	    sizeof mails / sizeof mails[0]);
	tcase_add_loop_test(tc, smtpcmd_rcpt_table, 0,
	    sizeof rcpts / sizeof rcpts[0]);
	tcase_add_loop_test(tc, smtpcmd_bdat_table, 0,
	    sizeof bdats / sizeof bdats[0]);
	tcase_add_test(tc, smtpcmd_helo_names);
	tcase_add_test(tc, smtpcmd_ehlo_reply);
	tcase_add_loop_test(tc, smtpcmd_replies, 0, SMTPCMD_NRESULT);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
