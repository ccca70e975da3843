/* ISC license. */
/* check_progdir.c: finding the directory of helper programs. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progdir.h"
#include "sa.h"
#include "unit.h"

static char	 top[PATH_MAX];	/* the scratch directory, symlinks resolved */

static void
setup(void)
{
	ck_assert_ptr_nonnull(realpath(unit_scratch_make(), top));
	ck_assert_int_eq(chdir(top), 0);
	ck_assert_int_eq(mkdir("lx", 0755), 0);
	unit_writefile("lx/probe", "#!/bin/sh\n", 10, 0755);
	unit_writefile("lx/plain", "", 0, 0644);
	ck_assert_int_eq(symlink("lx", "link"), 0);
}

static void
out_is(const struct sa *out, const char *a, const char *b)
{
	struct sa	 want = SA_ZERO;

	ck_assert_int_eq(sa_cats(&want, a), 0);
	ck_assert_int_eq(b == NULL ? 0 : sa_catf(&want, "/%s", b), 0);
	ck_assert_msg(out->len == want.len && memcmp(out->s, want.s,
	    want.len) == 0 && out->s[out->len] == '\0', "out %.*s, want %.*s",
	    (int)out->len, out->s, (int)want.len, want.s);
	sa_free(&want);
}

/* the operator's directory: resolved, and it must exist */
START_TEST(progdir_explicit)
{
	struct sa	 out = SA_ZERO;

	ck_assert_int_eq(progdir_find(&out, "link", "../x", "/nonexistent",
	    "probe"), 1);
	out_is(&out, top, "lx");
	ck_assert_int_eq(progdir_find(&out, "lx/", NULL, NULL, "plain"), 0);
	out_is(&out, top, "lx");
	ck_assert_int_eq(progdir_find(&out, "lx", NULL, NULL, "none"), 0);
	errno = 0;
	ck_assert_int_eq(progdir_find(&out, "nodir", "../x", "lx", "probe"),
	    -1);
	ck_assert_int_eq(errno, ENOENT);
	out_is(&out, "nodir", NULL);
	sa_free(&out);
}
END_TEST

/* no option, nothing next to us: the default, even if it is missing */
START_TEST(progdir_default)
{
	struct sa	 out = SA_ZERO;

	ck_assert_int_eq(progdir_find(&out, NULL, "../no-such-progdir",
	    "link", "probe"), 1);
	out_is(&out, top, "lx");
	ck_assert_int_eq(progdir_find(&out, NULL, "../no-such-progdir",
	    "/nonexistent/libexec", "probe"), 0);
	out_is(&out, "/nonexistent/libexec", NULL);
	unit_writefile("file", "", 0, 0644);
	errno = 0;
	ck_assert_int_eq(progdir_find(&out, NULL, "../no-such-progdir",
	    "file/x", "probe"), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	sa_free(&out);
}
END_TEST

/* REL next to the running program (this test binary) wins if it holds
 * PROBE, over the default */
START_TEST(progdir_self)
{
	struct sa	 out = SA_ZERO;
	char		 self[PATH_MAX], *slash;
	ssize_t		 n;

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';
	ck_assert_int_eq(progdir_find(&out, NULL, ".", "lx", slash + 1), 1);
	out_is(&out, self, NULL);
	/* without PROBE there, the default */
	ck_assert_int_eq(progdir_find(&out, NULL, ".", "lx", "probe"), 1);
	out_is(&out, top, "lx");
	sa_free(&out);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("progdir");
	TCase	*tc = tcase_create("progdir");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, setup, unit_scratch_leave);
	tcase_add_test(tc, progdir_explicit);
	tcase_add_test(tc, progdir_default);
	tcase_add_test(tc, progdir_self);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
