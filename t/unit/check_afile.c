/* ISC license. */
/* check_afile.c: atomic file writes and owned directories. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "unit.h"

START_TEST(afile_write_replace)
{
	ck_assert_int_eq(afile_write("f", "one\n", 4, 0644, AFILE_KEEP,
	    (gid_t)-1), 0);
	unit_file_is("f", "one\n");
	ck_assert_uint_eq(unit_mode("f"), 0644);
	/* a stale tmp file from a crash is replaced, not an error */
	unit_writefile("f.tmp", "", 0, 0600);
	ck_assert_int_eq(afile_write("f", "", 0, 0400, getuid(), getgid()),
	    0);
	unit_file_is("f", "");
	ck_assert_uint_eq(unit_mode("f"), 0400);
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
	ck_assert_uint_eq(unit_mode("d"), 02770);
	/* again: exists, mode repaired */
	ck_assert_int_eq(chmod("d", 0700), 0);
	ck_assert_int_eq(afile_mkdir("d", 0755, getuid(), getgid()), 0);
	ck_assert_uint_eq(unit_mode("d"), 0755);
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
	ck_assert_uint_eq(unit_mode("a/b/c"), 0755);
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

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_test(tc, afile_write_replace);
	tcase_add_test(tc, afile_write_nodir);
	tcase_add_test(tc, afile_mkdir_modes);
	tcase_add_test(tc, afile_mkparents_tree);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
