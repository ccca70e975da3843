/* ISC license. */
/* check_ratelim.c: ratelim_take() counts up to the limit and no
 * further, starts a new window after w seconds (or when the clock went
 * back, or the file is malformed), keeps keys apart in files named by
 * their hash without the key, fails on a missing directory, and holds
 * its count exactly when processes take at the same time. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratelim.h"
#include "sa.h"
#include "unit.h"

#define T0	1767225600ULL

static char	 dir[UNIT_PATHSZ];

static void
mkdir_rate(void)
{
	unit_scratch_path(dir, "rate", NULL);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
}

/* the one file in dir: its name in fn (UNIT_PATHSZ bytes) */
static void
onefile(char *fn)
{
	struct sa	 name = SA_ZERO;

	ck_assert_int_eq(unit_count(dir, NULL, &name), 1);
	ck_assert_int_eq(sa_0(&name), 0);
	unit_scratch_path(fn, "rate", name.s);
	sa_free(&name);
}

START_TEST(ratelim_within_and_over)
{
	char	 fn[UNIT_PATHSZ];
	int	 i;

	mkdir_rate();
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(ratelim_take(dir, "b@example.net", 3, 60,
		    T0 + (unsigned long long)i), 1);
	onefile(fn);
	unit_file_is(fn, "1767225600 3\n");
	ck_assert_int_eq(ratelim_take(dir, "b@example.net", 3, 60, T0 + 3),
	    0);
	ck_assert_int_eq(ratelim_take(dir, "b@example.net", 3, 60, T0 + 59),
	    0);
	unit_file_is(fn, "1767225600 3\n");	/* refusals not counted */
}
END_TEST

START_TEST(ratelim_new_window)
{
	char	 fn[UNIT_PATHSZ];

	mkdir_rate();
	ck_assert_int_eq(ratelim_take(dir, "k", 1, 60, T0), 1);
	ck_assert_int_eq(ratelim_take(dir, "k", 1, 60, T0 + 59), 0);
	ck_assert_int_eq(ratelim_take(dir, "k", 1, 60, T0 + 60), 1);
	onefile(fn);
	unit_file_is(fn, "1767225660 1\n");
	ck_assert_int_eq(ratelim_take(dir, "k", 1, 60, T0 + 61), 0);
	/* the clock went back before the window: a new one */
	ck_assert_int_eq(ratelim_take(dir, "k", 1, 60, T0 + 10), 1);
	unit_file_is(fn, "1767225610 1\n");
}
END_TEST

/* A file that is not "START COUNT\n" starts a new window. */
static const struct bytes malformed[] = {
	S(""),
	S("garbage"),
	S("1767225600 x\n"),
	S("1767225600 5"),
	S("1767225600\n5\n"),
	S(" 1767225600 5 \n"),
	S("99999999999999999999999 5\n"),
	S("1767225600 99999999999999999999999\n"),
	S("1767225600 5\0\n"),
};

START_TEST(ratelim_malformed)
{
	const struct bytes	*c = &malformed[_i];
	char			 fn[UNIT_PATHSZ];

	mkdir_rate();
	ck_assert_int_eq(ratelim_take(dir, "k", 2, 3600, T0), 1);
	ck_assert_int_eq(ratelim_take(dir, "k", 2, 3600, T0), 1);
	ck_assert_int_eq(ratelim_take(dir, "k", 2, 3600, T0), 0);
	onefile(fn);
	unit_writefile(fn, c->s, c->n, 0600);
	ck_assert_int_eq(ratelim_take(dir, "k", 2, 3600, T0 + 5), 1);
	unit_file_is(fn, "1767225605 1\n");
	ck_assert_int_eq(ratelim_take(dir, "k", 2, 3600, T0 + 6), 1);
	ck_assert_int_eq(ratelim_take(dir, "k", 2, 3600, T0 + 7), 0);
}
END_TEST

/* Each key has its count, in DIR/<FNV-1a 64 of the key, hex>; the file
 * holds the count only, not the key. */
START_TEST(ratelim_keys_apart)
{
	char	 fn[UNIT_PATHSZ];

	mkdir_rate();
	ck_assert_int_eq(ratelim_take(dir, "a", 1, 3600, T0), 1);
	ck_assert_int_eq(ratelim_take(dir, "a", 1, 3600, T0), 0);
	onefile(fn);
	unit_scratch_path(fn, "rate", "af63dc4c8601ec8c");	/* FNV-1a "a" */
	unit_file_is(fn, "1767225600 1\n");
	ck_assert_int_eq(ratelim_take(dir, "b", 1, 3600, T0), 1);
	ck_assert_int_eq(ratelim_take(dir, "b", 1, 3600, T0), 0);
	ck_assert_int_eq(ratelim_take(dir, "", 1, 3600, T0), 1);
	unit_scratch_path(fn, "rate", "cbf29ce484222325");	/* "" */
	unit_file_is(fn, "1767225600 1\n");
	ck_assert_int_eq(unit_count(dir, NULL, NULL), 3);
	ck_assert_int_eq(ratelim_take(dir, "a", 1, 3600, T0 + 1), 0);
}
END_TEST

START_TEST(ratelim_no_directory)
{
	unit_scratch_path(dir, "missing", NULL);
	errno = 0;
	ck_assert_int_eq(ratelim_take(dir, "k", 10, 3600, T0), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* NPROC processes wait on a pipe, then each takes once at the same
 * time: exactly LIMIT of them are allowed, and the file says LIMIT. */
#define NPROC	24
#define LIMIT	7

START_TEST(ratelim_concurrent)
{
	char	 fn[UNIT_PATHSZ], c;
	pid_t	 pid[NPROC];
	int	 go[2], i, st, yes = 0, no = 0;

	mkdir_rate();
	ck_assert_int_eq(pipe(go), 0);
	for (i = 0; i < NPROC; i++) {
		pid[i] = fork();
		ck_assert_int_ne(pid[i], -1);
		if (pid[i] == 0) {
			(void)close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(3);
			switch (ratelim_take(dir, "b@example.net", LIMIT,
			    3600, T0)) {
			case 1:	_exit(1);
			case 0:	_exit(0);
			default: _exit(2);
			}
		}
	}
	(void)close(go[0]);
	(void)close(go[1]);	/* all start */
	for (i = 0; i < NPROC; i++) {
		ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
		ck_assert(WIFEXITED(st));
		ck_assert_int_le(WEXITSTATUS(st), 1);
		if (WEXITSTATUS(st) == 1)
			yes++;
		else
			no++;
	}
	ck_assert_int_eq(yes, LIMIT);
	ck_assert_int_eq(no, NPROC - LIMIT);
	onefile(fn);
	unit_file_is(fn, "1767225600 7\n");
}
END_TEST

static Suite *
ratelim_suite(void)
{
	Suite	*s = suite_create("ratelim");
	TCase	*tc = tcase_create("take");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_test(tc, ratelim_within_and_over);
	tcase_add_test(tc, ratelim_new_window);
	tcase_add_loop_test(tc, ratelim_malformed, 0,
	    sizeof malformed / sizeof malformed[0]);
	tcase_add_test(tc, ratelim_keys_apart);
	tcase_add_test(tc, ratelim_no_directory);
	tcase_add_test(tc, ratelim_concurrent);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(ratelim_suite());
}
