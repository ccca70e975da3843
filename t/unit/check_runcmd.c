/* ISC license. */
/* check_runcmd.c: runcmd_run() keeps standard output and standard error
 * in order, gives the command /dev/null as input and none of our
 * descriptors, resets the signals it would inherit as ignored, reports
 * exit codes and signals, kills the whole process group at the deadline
 * (also when the command closed its output but runs on), when the
 * output passes the cap, and after a normal end; a command that cannot
 * be executed exits 127 or 126 with the reason as its output. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qwatch.h"
#include "runcmd.h"
#include "sa.h"
#include "unit.h"

#define SH(script)	{ "sh", "-c", script, NULL }

struct runcase {
	const char	*argv[4];
	unsigned int	 ms;
	size_t		 maxout;
	enum runcmd_outcome want;
	int		 wantcode;
	const char	*wantout;	/* exactly; NULL: not checked */
};

static const struct runcase cases[] = {
	{ SH("echo out; echo err >&2; echo out2; exit 3"), 5000, 100,
	    RUNCMD_EXITED, 3, "out\nerr\nout2\n" },
	{ SH("cat; echo end"), 5000, 100, RUNCMD_EXITED, 0, "end\n" },
	{ SH("kill -USR1 $$; echo survived"), 5000, 100, RUNCMD_SIGNALED,
	    SIGUSR1, "" },
	{ SH("echo started; sleep 30"), 300, 100, RUNCMD_TIMEOUT, 0,
	    "started\n" },
	{ SH("exec >/dev/null 2>&1; sleep 30"), 300, 100, RUNCMD_TIMEOUT, 0,
	    "" },
	{ SH("while :; do echo 0123456789; done"), 5000, 1000,
	    RUNCMD_TOOMUCH, 0, NULL },
	{ SH("head -c 1000 /dev/zero | tr '\\000' x"), 5000, 1000,
	    RUNCMD_EXITED, 0, NULL },
	{ SH("head -c 1001 /dev/zero | tr '\\000' x"), 5000, 1000,
	    RUNCMD_TOOMUCH, 0, NULL },
	{ { "/nonexistent/mw-no-such-command", NULL, NULL, NULL }, 5000, 200,
	    RUNCMD_EXITED, RUNCMD_EXECFAIL, "runcmd: unable to exec "
	    "/nonexistent/mw-no-such-command: No such file or directory\n" },
	{ { "mw-no-such-command-on-path", NULL, NULL, NULL }, 5000, 200,
	    RUNCMD_EXITED, RUNCMD_EXECFAIL, "runcmd: unable to exec "
	    "mw-no-such-command-on-path: No such file or directory\n" },
	{ SH("exit 0"), 0, 100, RUNCMD_ERROR, 0, "" },
};

static char *const *
mkargv(const char *const *a)
{
	return (char *const *)(uintptr_t)a;
}

START_TEST(runcmd_table)
{
	const struct runcase	*c = &cases[_i];
	struct sa		 out = SA_ZERO;
	unsigned long long	 t0 = qwatch_now();
	int			 code = -1;

	ck_assert_int_eq(runcmd_run(mkargv(c->argv), c->ms, c->maxout, &out,
	    &code), c->want);
	if (c->want == RUNCMD_EXITED || c->want == RUNCMD_SIGNALED)
		ck_assert_int_eq(code, c->wantcode);
	if (c->wantout != NULL)
		unit_sa_is(&out, c->wantout);
	ck_assert_uint_le(out.len, c->maxout);
	if (c->want == RUNCMD_TOOMUCH || c->maxout == 1000)
		ck_assert_uint_eq(out.len, 1000);
	/* a deadline is kept to within a second */
	ck_assert_uint_lt(qwatch_now() - t0, c->ms + 1000ULL);
	sa_free(&out);
}
END_TEST

/* 1 once process pid is gone or a zombie (killed, not yet reaped by
 * whoever inherited it) */
static int
gone(long pid)
{
	char	 fn[64], buf[256], *p;
	FILE	*f;
	size_t	 n;

	(void)snprintf(fn, sizeof fn, "/proc/%ld/stat", pid);
	if ((f = fopen(fn, "r")) == NULL)
		return 1;
	n = fread(buf, 1, sizeof buf - 1, f);
	(void)fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static void
wait_gone(long pid)
{
	unsigned long long	 t0 = qwatch_now();

	while (!gone(pid) && qwatch_now() - t0 < 5000)
		(void)usleep(10000);
	ck_assert_msg(gone(pid), "process %ld still runs", pid);
}

/* The group dies with the command: at the deadline, and after a normal
 * end (a background process left behind). */
START_TEST(runcmd_group_killed)
{
	const char	*slow[] = SH("sleep 30 & echo $!; sleep 30");
	const char	*left[] = SH("sleep 30 >/dev/null 2>&1 & echo $!");
	struct sa	 out = SA_ZERO;
	int		 code;

	ck_assert_int_eq(runcmd_run(mkargv(slow), 300, 100, &out, &code),
	    RUNCMD_TIMEOUT);
	ck_assert_uint_gt(out.len, 1);
	ck_assert_int_eq(sa_0(&out), 0);
	wait_gone(strtol(out.s, NULL, 10));
	ck_assert_int_eq(runcmd_run(mkargv(left), 5000, 100, &out, &code),
	    RUNCMD_EXITED);
	ck_assert_int_eq(code, 0);
	ck_assert_int_eq(sa_0(&out), 0);
	wait_gone(strtol(out.s, NULL, 10));
	sa_free(&out);
}
END_TEST

/* Our descriptors stay ours; an ignored SIGINT is not inherited. */
START_TEST(runcmd_clean_child)
{
	char		 script[128];
	const char	*fds[] = SH(script);
	const char	*intr[] = SH("kill -INT $$; echo survived");
	struct sa	 out = SA_ZERO;
	int		 fd, code;

	ck_assert_int_ne(fd = open("/dev/null", O_RDONLY), -1);
	(void)snprintf(script, sizeof script, "if [ -e /proc/$$/fd/%d ]; "
	    "then echo open; else echo closed; fi", fd);
	ck_assert_int_eq(runcmd_run(mkargv(fds), 5000, 100, &out, &code),
	    RUNCMD_EXITED);
	unit_sa_is(&out, "closed\n");
	(void)close(fd);
	(void)signal(SIGINT, SIG_IGN);
	ck_assert_int_eq(runcmd_run(mkargv(intr), 5000, 100, &out, &code),
	    RUNCMD_SIGNALED);
	ck_assert_int_eq(code, SIGINT);
	(void)signal(SIGINT, SIG_DFL);
	sa_free(&out);
}
END_TEST

/* Found but not executable: 126 and the reason. */
START_TEST(runcmd_noexec)
{
	char		 fn[UNIT_PATHSZ];
	const char	*argv[] = { fn, NULL };
	struct sa	 out = SA_ZERO;
	int		 code;

	unit_scratch_path(fn, "script", NULL);
	unit_writefile(fn, "#!/bin/sh\necho hi\n", 18, 0644);
	ck_assert_int_eq(runcmd_run(mkargv(argv), 5000, 200, &out, &code),
	    RUNCMD_EXITED);
	ck_assert_int_eq(code, RUNCMD_NOEXEC);
	ck_assert_int_eq(sa_0(&out), 0);
	ck_assert_ptr_nonnull(strstr(out.s, "Permission denied"));
	sa_free(&out);
}
END_TEST

static Suite *
runcmd_suite(void)
{
	Suite	*s = suite_create("runcmd");
	TCase	*tc = tcase_create("run");

	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_loop_test(tc, runcmd_table, 0,
	    sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, runcmd_group_killed);
	tcase_add_test(tc, runcmd_clean_child);
	tcase_add_test(tc, runcmd_noexec);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(runcmd_suite());
}
