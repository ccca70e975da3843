/* ISC license. */
/* check_smtpgreet.c: the early-talker check over a socketpair (tcpserver
 * hands smtp-recv a socket): a quiet client, one that talks first (with
 * or without a wait), one that goes away, and a read that fails. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bio.h"
#include "smtpgreet.h"
#include "unit.h"

struct greetcase {
	const char	*send;		/* NULL: nothing */
	int		 hangup;	/* close the client's end */
	int		 failop;	/* the read fails with EIO */
	int		 ms;
	int		 want;
	const char	*got;		/* what the bio holds after */
};

static const struct greetcase cases[] = {
	{ NULL, 0, 0, 0, SMTPGREET_QUIET, "" },
	{ NULL, 0, 0, 20, SMTPGREET_QUIET, "" },
	{ "EHLO x\r\n", 0, 0, 0, SMTPGREET_EARLY, "EHLO x\r\n" },
	{ "EHLO x\r\n", 0, 0, 60000, SMTPGREET_EARLY, "EHLO x\r\n" },
	{ "Q", 1, 0, 0, SMTPGREET_EARLY, "Q" },
	{ NULL, 1, 0, 0, SMTPGREET_EOF, "" },
	{ NULL, 1, 0, 60000, SMTPGREET_EOF, "" },
	{ "EHLO x\r\n", 0, 1, 0, SMTPGREET_ERR, "" },
};

static ssize_t
op_fail(struct bio *b, char *buf, size_t n)
{
	(void)b;
	(void)buf;
	(void)n;
	errno = EIO;
	return -1;
}

START_TEST(smtpgreet_table)
{
	const struct greetcase	*c = &cases[_i];
	struct bio		 b;
	char			 buf[512];
	int			 p[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    p), 0);
	bio_init(&b, p[0], c->failop ? op_fail : bio_op_read, buf,
	    sizeof buf);
	if (c->send != NULL)
		ck_assert_int_eq(write(p[1], c->send, strlen(c->send)),
		    (ssize_t)strlen(c->send));
	if (c->hangup)
		ck_assert_int_eq(close(p[1]), 0);
	errno = 0;
	ck_assert_int_eq(smtpgreet_wait(&b, c->ms), c->want);
	if (c->want == SMTPGREET_ERR)
		ck_assert_int_eq(errno, EIO);
	ck_assert_uint_eq(bio_buffered(&b), strlen(c->got));
	ck_assert_mem_eq(b.buf + b.pos, c->got, strlen(c->got));
	if (!c->hangup)
		(void)close(p[1]);
	(void)close(p[0]);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("smtpgreet");
	TCase	*tc = tcase_create("smtpgreet");

	tcase_add_loop_test(tc, smtpgreet_table, 0,
	    sizeof cases / sizeof cases[0]);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
