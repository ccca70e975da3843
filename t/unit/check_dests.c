/* ISC license. */
/* check_dests.c: the recipient domains of a spool file. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dests.h"
#include "sa.h"

struct dcase {
	const char	*file;
	size_t		 max;
	const char	*want;		/* domains joined by ',' */
};

#define HEAD	"mailward 1\nid 1.2.x\ntime 1\nremote -\nhelo -\ntls 0\n" \
		"from <s@o.test>\n"

static const struct dcase ds[] = {
	{ HEAD "rcpt <a@x.test>\nrcpt <b@X.Test>\nrcpt <c@y.test>\n\nbody\n",
	  100, "x.test,y.test" },
	{ HEAD "rcpt <a@x.test>\nrcpt <b@y.test>\nrcpt <c@z.test>\n\n", 2,
	  "x.test,y.test" },
	{ HEAD "rcpt <a@[192.0.2.1]>\n\n", 100, "[192.0.2.1]" },
	{ HEAD "rcpt <a@x.test>\n", 100, "" },		/* truncated */
	{ "From: bare message\n\nbody\n", 100, "" },
	{ "", 100, "" },
};

START_TEST(dests_table)
{
	const struct dcase	*c = &ds[_i];
	char			 fn[] = "/tmp/dests.XXXXXX";
	struct sa		 l = SA_ZERO, got = SA_ZERO;
	const char		*d = NULL;
	int			 fd;

	ck_assert_int_ne(fd = mkstemp(fn), -1);
	ck_assert_int_eq(write(fd, c->file, strlen(c->file)),
	    (ssize_t)strlen(c->file));
	close(fd);
	ck_assert_int_eq(dests_read(fn, &l, c->max), 0);
	while ((d = dests_next(&l, d)) != NULL) {
		if (got.len > 0)
			ck_assert_int_eq(sa_catc(&got, ','), 0);
		ck_assert_int_eq(sa_cats(&got, d), 0);
		ck_assert_int_eq(dests_has(&l, d), 1);
	}
	ck_assert_int_eq(sa_0(&got), 0);
	ck_assert_str_eq(got.s, c->want);
	ck_assert_int_eq(dests_has(&l, "nowhere.test"), 0);
	unlink(fn);
	ck_assert_int_eq(dests_read(fn, &l, c->max), -1);
	ck_assert_int_eq(errno, ENOENT);
	sa_free(&l);
	sa_free(&got);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("dests");
	TCase	*tc = tcase_create("table");
	SRunner	*sr;
	int	 nfail;

	tcase_add_loop_test(tc, dests_table, 0, sizeof ds / sizeof ds[0]);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
