/* ISC license. */
/* check_smtpmsg.c: a message into a spool in a temporary directory:
 * committed byte-exact, or refused and gone, also on a full disk. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sa.h"
#include "smtpdata.h"
#include "smtpmsg.h"
#include "spool.h"
#include "unit.h"

static const char	*spool;

/* the test's scratch directory (unit.h), with tmp/ and new/ */
static void
mkspool(void)
{
	spool = unit_scratch_make();
	ck_assert_int_eq(spool_mkdirs(spool, 0700), 0);
}

static int
count(const char *sub)
{
	return unit_count(spool, sub, NULL);
}

struct msgcase {
	int		 mode;
	const char	*in;
	unsigned long long max;
	int		 barelf;
	int		 want;		/* verdict at the end */
	const char	*wantbody;	/* when committed */
};

static const struct msgcase cases[] = {
	{ SMTPDATA_DOT, "Subject: x\r\n\r\n..a\r\n.\r\n", 0, 0, SMTPMSG_OK,
	    "Subject: x\n\n.a\n" },
	{ SMTPDATA_DOT, "a\nb\r\n.\r\n", 0, 0, SMTPMSG_OK, "a\nb\n" },
	{ SMTPDATA_DOT, "a\nb\r\n.\r\n", 0, 1, SMTPMSG_BARELF, NULL },
	{ SMTPDATA_DOT, "a\rb\r\n.\r\n", 0, 1, SMTPMSG_BARELF, NULL },
	{ SMTPDATA_DOT, "abcdef\r\n.\r\n", 6, 0, SMTPMSG_SIZE, NULL },
	{ SMTPDATA_DOT, "abcde\r\n.\r\n", 6, 0, SMTPMSG_OK, "abcde\n" },
	{ SMTPDATA_BDAT, "a\r\nb", 0, 0, SMTPMSG_OK, "a\nb\n" },
	{ SMTPDATA_BDAT, "a\nb", 0, 1, SMTPMSG_BARELF, NULL },
};

START_TEST(smtpmsg_table)
{
	const struct msgcase	*c = &cases[_i];
	struct smtpmsg		 m;
	struct sa		 head = SA_ZERO, id = SA_ZERO, got = SA_ZERO;
	char			 fn[UNIT_PATHSZ + 80];
	size_t			 used;

	mkspool();
	ck_assert_int_eq(sa_cats(&head, "HEAD\n"), 0);
	ck_assert_int_eq(spool_newid(&id), 0);
	ck_assert_int_eq(sa_0(&id), 0);
	ck_assert_int_eq(smtpmsg_open(&m, spool, id.s, &head, c->mode,
	    c->max), 0);
	ck_assert_int_eq(m.open, 1);
	ck_assert_int_eq(count("tmp"), 1);
	(void)smtpdata_feed(&m.d, c->in, strlen(c->in), &used);
	if (c->mode == SMTPDATA_BDAT)
		smtpdata_finish(&m.d);
	ck_assert_int_eq(smtpmsg_verdict(&m, 1, c->barelf), c->want);
	ck_assert_int_eq(smtpmsg_verdict(&m, 0, c->barelf),
	    c->want == SMTPMSG_BARELF ? SMTPMSG_OK : c->want);
	if (c->want != SMTPMSG_OK) {
		smtpmsg_abort(&m);
		ck_assert_int_eq(count("tmp") + count("new"), 0);
	} else {
		ck_assert_int_eq(smtpmsg_commit(&m), 0);
		ck_assert_int_eq(count("tmp"), 0);
		(void)snprintf(fn, sizeof fn, "%s/new/%s", spool, id.s);
		unit_readfile(fn, &got);
		ck_assert_uint_eq(got.len, 5 + strlen(c->wantbody));
		ck_assert_mem_eq(got.s, "HEAD\n", 5);
		ck_assert_mem_eq(got.s + 5, c->wantbody, got.len - 5);
	}
	ck_assert_int_eq(m.open, 0);
	smtpmsg_abort(&m);	/* a second time does nothing */
	errno = 0;
	ck_assert_int_eq(smtpmsg_commit(&m), -1);
	ck_assert_int_eq(errno, EINVAL);
	unit_scratch_remove();
	sa_free(&head);
	sa_free(&id);
	sa_free(&got);
}
END_TEST

/* a write error (ENOSPC from /dev/full) is a verdict, then no file */
START_TEST(smtpmsg_diskfull)
{
	struct smtpmsg	 m;
	struct sa	 head = SA_ZERO, body = SA_ZERO;
	size_t		 used, i;
	int		 full;

	mkspool();
	ck_assert_int_eq(sa_cats(&head, "HEAD\n"), 0);
	ck_assert_int_eq(smtpmsg_open(&m, spool, "1.2.full", &head,
	    SMTPDATA_DOT, 0), 0);
	ck_assert_int_ne(full = open("/dev/full", O_WRONLY), -1);
	ck_assert_int_ne(dup2(full, m.tx.fd), -1);
	(void)close(full);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(sa_cats(&body, "0123456789012345678\r\n"), 0);
	ck_assert_int_eq(sa_cats(&body, ".\r\n"), 0);
	ck_assert_int_eq(smtpdata_feed(&m.d, body.s, body.len, &used),
	    SMTPDATA_END);
	errno = 0;
	ck_assert_int_eq(smtpmsg_verdict(&m, 1, 0), SMTPMSG_IOERR);
	ck_assert_int_eq(errno, ENOSPC);
	smtpmsg_abort(&m);
	ck_assert_int_eq(count("tmp") + count("new"), 0);
	unit_scratch_remove();
	sa_free(&head);
	sa_free(&body);
}
END_TEST

START_TEST(smtpmsg_nospool)
{
	struct smtpmsg	 m;
	struct sa	 head = SA_ZERO;

	errno = 0;
	ck_assert_int_eq(smtpmsg_open(&m, "/nonexistent/spool", "1.2.3",
	    &head, SMTPDATA_DOT, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(m.open, 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("smtpmsg");
	TCase	*tc = tcase_create("smtpmsg");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_loop_test(tc, smtpmsg_table, 0,
	    sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, smtpmsg_diskfull);
	tcase_add_test(tc, smtpmsg_nospool);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
