/* ISC license. */
/* check_afile.c: atomic file writes and owned directories. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"

static char	 dir[256];

static void
setup(void)
{
	const char	*t = getenv("TMPDIR");

	(void)snprintf(dir, sizeof dir, "%s/check_afile.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
}

static void
teardown(void)
{
	/* the tests' files are small and few; remove them by name */
	(void)unlink("f");
	(void)unlink("f.tmp");
	(void)unlink("link");
	(void)rmdir("d");
	(void)rmdir("a/b/c");
	(void)rmdir("a/b");
	(void)rmdir("a");
	if (chdir("/") == 0)
		(void)rmdir(dir);
}

static void
content_is(const char *fn, const char *want)
{
	char	 buf[64];
	ssize_t	 n;
	int	 fd = open(fn, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof buf);
	(void)close(fd);
	ck_assert_int_eq(n, (ssize_t)strlen(want));
	ck_assert_mem_eq(buf, want, (size_t)n);
}

static unsigned int
mode_of(const char *fn)
{
	struct stat	 st;

	ck_assert_int_eq(lstat(fn, &st), 0);
	return st.st_mode & 07777;
}

START_TEST(afile_write_replace)
{
	int	 fd;

	ck_assert_int_eq(afile_write("f", "one\n", 4, 0644, AFILE_KEEP,
	    (gid_t)-1), 0);
	content_is("f", "one\n");
	ck_assert_uint_eq(mode_of("f"), 0644);
	/* a stale tmp file from a crash is replaced, not an error */
	fd = open("f.tmp", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	(void)close(fd);
	ck_assert_int_eq(afile_write("f", "", 0, 0400, getuid(), getgid()),
	    0);
	content_is("f", "");
	ck_assert_uint_eq(mode_of("f"), 0400);
	ck_assert_int_eq(access("f.tmp", F_OK), -1);
}
END_TEST

START_TEST(afile_write_nodir)
{
	errno = 0;
	ck_assert_int_eq(afile_write("nodir/f", "x", 1, 0644, AFILE_KEEP,
	    (gid_t)-1), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(afile_mkdir_modes)
{
	ck_assert_int_eq(afile_mkdir("d", 02770, AFILE_KEEP, (gid_t)-1), 0);
	ck_assert_uint_eq(mode_of("d"), 02770);
	/* again: exists, mode repaired */
	ck_assert_int_eq(chmod("d", 0700), 0);
	ck_assert_int_eq(afile_mkdir("d", 0755, getuid(), getgid()), 0);
	ck_assert_uint_eq(mode_of("d"), 0755);
	/* a symlink or a file is not a directory */
	ck_assert_int_eq(symlink("d", "link"), 0);
	errno = 0;
	ck_assert_int_eq(afile_mkdir("link", 0755, AFILE_KEEP, (gid_t)-1), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_int_eq(afile_write("f", "x", 1, 0644, AFILE_KEEP,
	    (gid_t)-1), 0);
	errno = 0;
	ck_assert_int_eq(afile_mkdir("f", 0755, AFILE_KEEP, (gid_t)-1), -1);
	ck_assert_int_eq(errno, ENOTDIR);
}
END_TEST

START_TEST(afile_mkparents_tree)
{
	ck_assert_int_eq(afile_mkparents("a/b/c/Maildir"), 0);
	ck_assert_uint_eq(mode_of("a/b/c"), 0755);
	ck_assert_int_eq(access("a/b/c/Maildir", F_OK), -1);
	ck_assert_int_eq(afile_mkparents("a/b/c/Maildir"), 0);
	ck_assert_int_eq(afile_mkparents("plain"), 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("afile");
	TCase	*tc = tcase_create("afile");
	SRunner	*sr;
	int	 nfail;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, afile_write_replace);
	tcase_add_test(tc, afile_write_nodir);
	tcase_add_test(tc, afile_mkdir_modes);
	tcase_add_test(tc, afile_mkparents_tree);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
