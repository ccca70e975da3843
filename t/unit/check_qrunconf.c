/* ISC license. */
/* check_qrunconf.c: the shared qrun control files, their one set of
 * ranges and defaults, a program's own table, the queue lifetime.  Each
 * test runs in its own scratch directory (its cwd: the files are read as
 * control/NAME). */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qrun.h"
#include "qrunconf.h"
#include "sa.h"
#include "unit.h"

struct cfile {
	const char	*name;		/* NULL: no more */
	const char	*text;
};

struct confcase {
	struct cfile	 files[3];
	int		 want;
	unsigned long	 lifetime, retrybase, retrymax, rescan;
	const char	*wanterr;	/* for want -1 */
};

#define DFLT	432000, 60, 3600, 60

static const struct confcase confs[] = {
	{ { { NULL, NULL } }, 0, DFLT, NULL },
	/* the whole range of both programs: relay once stopped at 8640000 */
	{ { { "queuelifetime", "31536000\n" } }, 0, 31536000, 60, 3600, 60,
	  NULL },
	{ { { "queuelifetime", "0" } }, 0, 0, 60, 3600, 60, NULL },
	{ { { "queuelifetime", "31536001\n" } }, -1, DFLT,
	  "control/queuelifetime line 1: not a number in 0..31536000" },
	{ { { "queuelifetime", "5d\n" } }, -1, DFLT,
	  "control/queuelifetime line 1: not a number in 0..31536000" },
	{ { { "retrybase", "0\n" } }, -1, DFLT,
	  "control/retrybase line 1: not a number in 1..86400" },
	{ { { "retrybase", "86400\n" }, { "retrymax", "604800\n" } }, 0,
	  432000, 86400, 604800, 60, NULL },
	{ { { "retrymax", "604801\n" } }, -1, DFLT,
	  "control/retrymax line 1: not a number in 1..604800" },
	{ { { "retrybase", "7200\n" } }, -1, DFLT,
	  "control/retrymax line 1: less than control/retrybase" },
	{ { { "retrybase", "10\n" }, { "retrymax", "10\n" } }, 0,
	  432000, 10, 10, 60, NULL },
	{ { { "rescan", "# backstop\n\n30  \n" } }, 0, 432000, 60, 3600, 30,
	  NULL },
	{ { { "rescan", "86401\n" } }, -1, DFLT,
	  "control/rescan line 1: not a number in 1..86400" },
};

static void
writefiles(const struct cfile *f, size_t n)
{
	char	 fn[UNIT_PATHSZ];
	size_t	 i;

	unit_scratch_make();
	unit_scratch_path(fn, "control", NULL);
	ck_assert_int_eq(mkdir(fn, 0755), 0);
	for (i = 0; i < n && f[i].name != NULL; i++) {
		unit_scratch_path(fn, "control", f[i].name);
		unit_writefile(fn, f[i].text, strlen(f[i].text), 0644);
	}
	unit_scratch_path(fn, ".", NULL);
	ck_assert_int_eq(chdir(fn), 0);
}

START_TEST(read_table)
{
	const struct confcase	*c = &confs[_i];
	struct qrunconf		 qc;
	struct sa		 err = SA_ZERO;

	memset(&qc, 0, sizeof qc);
	writefiles(c->files, sizeof c->files / sizeof c->files[0]);
	ck_assert_int_eq(qrunconf_read(&qc, &err), c->want);
	if (c->want == 0) {
		ck_assert_uint_eq(qc.lifetime, c->lifetime);
		ck_assert_uint_eq(qc.retrybase, c->retrybase);
		ck_assert_uint_eq(qc.retrymax, c->retrymax);
		ck_assert_uint_eq(qc.rescan, c->rescan);
	} else {
		ck_assert_uint_eq(err.len, strlen(c->wanterr));
		ck_assert_mem_eq(err.s, c->wanterr, err.len);
	}
	unit_scratch_remove();
	sa_free(&err);
}
END_TEST

/* a program's own table: plain and per-instance names */
START_TEST(readtab_own)
{
	static const struct cfile files[] = {
		{ "concurrency-incoming", "7\n" },
		{ "timeoutremote", "120\n" },
		{ "concurrency", "99\n" },	/* not the instance's file */
	};
	unsigned long			 conc = 0, tmo = 0, trem = 0;
	const struct qrunconf_num	 own[] = {
		{ "concurrency", 1, 1, 1000, 4, &conc },
		{ "timeout", 1, 1, 604800, 3600, &tmo },
		{ "timeoutremote", 0, 1, 86400, 300, &trem },
	};
	struct sa			 err = SA_ZERO;

	writefiles(files, sizeof files / sizeof files[0]);
	ck_assert_int_eq(qrunconf_readtab(own, 3, "incoming", &err), 0);
	ck_assert_uint_eq(conc, 7);
	ck_assert_uint_eq(tmo, 3600);
	ck_assert_uint_eq(trem, 120);
	errno = 0;
	ck_assert_int_eq(qrunconf_readtab(own, 3, NULL, &err), -1);
	ck_assert_int_eq(errno, EINVAL);
	unit_scratch_remove();
	sa_free(&err);
}
END_TEST

START_TEST(readtab_bad)
{
	static const struct cfile files[] = { { "timeout-local", "0\n" } };
	static const char	 want[] =
	    "control/timeout-local line 1: not a number in 1..604800";
	unsigned long		 tmo = 0;
	const struct qrunconf_num own[] = {
		{ "timeout", 1, 1, 604800, 3600, &tmo },
	};
	struct sa		 err = SA_ZERO;

	writefiles(files, 1);
	ck_assert_int_eq(qrunconf_readtab(own, 1, "local", &err), -1);
	ck_assert_uint_eq(err.len, sizeof want - 1);
	ck_assert_mem_eq(err.s, want, err.len);
	unit_scratch_remove();
	sa_free(&err);
}
END_TEST

struct expcase {
	unsigned long		 lifetime;
	unsigned long long	 birth, now;
	int			 want;
};

static const struct expcase exps[] = {
	{ 432000, 1000, 1000, 0 },
	{ 432000, 1000, 432999, 0 },
	{ 432000, 1000, 433000, 1 },	/* at the lifetime: expired */
	{ 0, 1000, 1000, 1 },		/* 0: the first failure is final */
	{ 60, 2000, 1000, 0 },		/* born in the future: not yet */
};

START_TEST(expired_table)
{
	const struct expcase	*c = &exps[_i];
	struct qrunconf		 qc;

	memset(&qc, 0, sizeof qc);
	qc.lifetime = c->lifetime;
	ck_assert_int_eq(qrunconf_expired(&qc, c->birth, c->now), c->want);
}
END_TEST

START_TEST(apply)
{
	struct qrunconf	 qc = { 1, 2, 3, 4, 5, 6 };
	struct qrun	 q;

	memset(&q, 0, sizeof q);
	qrunconf_apply(&qc, &q);
	ck_assert_uint_eq(q.retrybase, 2);
	ck_assert_uint_eq(q.retrymax, 3);
	ck_assert_uint_eq(q.rescan, 4);
	ck_assert_uint_eq(q.concurrency, 5);
	ck_assert_uint_eq(q.timeout, 6);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("qrunconf");
	TCase	*tc = tcase_create("qrunconf");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_loop_test(tc, read_table, 0, sizeof confs / sizeof confs[0]);
	tcase_add_test(tc, readtab_own);
	tcase_add_test(tc, readtab_bad);
	tcase_add_loop_test(tc, expired_table, 0,
	    sizeof exps / sizeof exps[0]);
	tcase_add_test(tc, apply);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
