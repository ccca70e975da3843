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
#include "unit.h"

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

/* the messages in flight: slots and the per-destination limit */
static void
list(struct sa *l, const char *doms)	/* "a,b" -> "a\0b\0" */
{
	const char	*p;

	l->len = 0;
	for (p = doms; *p != '\0'; p++)
		ck_assert_int_eq(sa_catc(l, *p == ',' ? '\0' : *p), 0);
	ck_assert_int_eq(sa_catc(l, '\0'), 0);
}

START_TEST(dests_inflight)
{
	struct dests_tab	 t;
	struct dests_slot	*s;
	struct sa		 l = SA_ZERO;

	ck_assert_int_eq(dests_tabinit(&t, 3, 2), 0);
	list(&l, "x.test,y.test");
	ck_assert_int_eq(dests_full(&t, &l), 0);
	ck_assert_ptr_nonnull(s = dests_slot(&t));
	ck_assert_int_eq(dests_take(s, "1.1.a", &l), 0);
	ck_assert_uint_eq(l.len, 0);		/* moved into the slot */
	list(&l, "y.test");
	ck_assert_int_eq(dests_full(&t, &l), 0);
	ck_assert_int_eq(dests_take(dests_slot(&t), "1.1.b", &l), 0);
	list(&l, "z.test,y.test");	/* y.test has 2 in flight */
	ck_assert_int_eq(dests_full(&t, &l), 1);
	list(&l, "x.test");
	ck_assert_int_eq(dests_full(&t, &l), 0);
	ck_assert_int_eq(dests_take(dests_slot(&t), "1.1.c", &l), 0);
	ck_assert_ptr_null(dests_slot(&t));	/* all 3 busy */
	dests_drop(&t, "1.1.b");
	dests_drop(&t, "1.1.none");		/* unknown: no harm */
	ck_assert_ptr_nonnull(dests_slot(&t));
	list(&l, "y.test");
	ck_assert_int_eq(dests_full(&t, &l), 0);
	ck_assert_int_eq(dests_take(dests_slot(&t), "1234567890123456789012"
	    "3456789012345678901234567890123456789012345", &l), -1);
	ck_assert_int_eq(errno, EINVAL);
	sa_free(&l);
	dests_tabfree(&t);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("dests");
	TCase	*tc = tcase_create("table");

	tcase_add_loop_test(tc, dests_table, 0, sizeof ds / sizeof ds[0]);
	tcase_add_test(tc, dests_inflight);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
