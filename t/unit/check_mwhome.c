/* ISC license. */
/* check_mwhome.c: a home's directories, spools, Maildirs and files (as
 * the invoking user; owners as root are checked by t/5000-setup-home.t). */
#include "sysdeps.h"

#include <sys/stat.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mwhome.h"
#include "sa.h"
#include "unit.h"

static void
err_is(const struct mwhome *h, const char *want)
{
	size_t	 n = strlen(want);

	ck_assert_msg(h->err.len >= n && memcmp(h->err.s, want, n) == 0,
	    "err %.*s, want %s...", (int)h->err.len, h->err.s, want);
}

START_TEST(mwhome_files)
{
	struct mwhome	 h = MWHOME_ZERO;

	ck_assert_int_eq(mwhome_exists(&h, "d"), 0);
	ck_assert_int_eq(mwhome_mkdir(&h, "d", 0750, NULL, NULL), 0);
	ck_assert_uint_eq(unit_mode("d"), 0750);
	ck_assert_int_eq(mwhome_mkdir(&h, "d", 0700, NULL, NULL), 0);
	ck_assert_uint_eq(unit_mode("d"), 0700);
	ck_assert_int_eq(mwhome_exists(&h, "d"), 1);
	ck_assert_int_eq(mwhome_write(&h, "d/f", "abc\n", 4, 0640, NULL), 0);
	unit_file_is("d/f", "abc\n");
	ck_assert_uint_eq(unit_mode("d/f"), 0640);
	ck_assert_int_eq(symlink("nowhere", "link"), 0);
	ck_assert_int_eq(mwhome_exists(&h, "link"), 1);
	/* as the invoking user, user names are not looked up */
	ck_assert_int_eq(mwhome_mkdir(&h, "e", 0755, "mw-no-such-user",
	    "mw-no-such-group"), 0);
	errno = 0;
	ck_assert_int_eq(mwhome_write(&h, "nodir/f", "x", 1, 0644, NULL), -1);
	ck_assert_int_eq(errno, ENOENT);
	err_is(&h, "unable to write nodir/f: ");
	ck_assert_int_eq(mwhome_mkdir(&h, "d/f", 0755, NULL, NULL), -1);
	err_is(&h, "unable to make directory d/f: ");
	ck_assert_int_eq(mwhome_exists(&h, "d/f/x"), -1);
	err_is(&h, "unable to stat d/f/x: ");
	sa_free(&h.err);
}
END_TEST

START_TEST(mwhome_asroot_users)
{
	struct mwhome	 h = MWHOME_ZERO;

	h.asroot = 1;
	ck_assert_int_eq(mwhome_mkdir(&h, "d", 0755, "mw-no-such-user",
	    NULL), -1);
	err_is(&h, "no user mw-no-such-user");
	ck_assert_int_eq(access("d", F_OK), -1);
	ck_assert_int_eq(mwhome_write(&h, "f", "x", 1, 0644,
	    "mw-no-such-user"), -1);
	ck_assert_int_eq(access("f", F_OK), -1);
	/* NULL names keep the owner even as root */
	ck_assert_int_eq(mwhome_mkdir(&h, "d", 0755, NULL, NULL), 0);
	sa_free(&h.err);
}
END_TEST

START_TEST(mwhome_control_force)
{
	struct mwhome	 h = MWHOME_ZERO;

	ck_assert_int_eq(mwhome_control(&h, "me", "a\n", 2, 0), -1);
	err_is(&h, "unable to write control/me: ");
	ck_assert_int_eq(mkdir("control", 0755), 0);
	ck_assert_int_eq(mwhome_control(&h, "me", "a\n", 2, 0), 0);
	unit_file_is("control/me", "a\n");
	ck_assert_uint_eq(unit_mode("control/me"), 0644);
	/* a default does not replace the operator's file; an option does */
	ck_assert_int_eq(mwhome_control(&h, "me", "b\n", 2, 0), 0);
	unit_file_is("control/me", "a\n");
	ck_assert_int_eq(mwhome_control(&h, "me", "c\n", 2, 1), 0);
	unit_file_is("control/me", "c\n");
	ck_assert_int_eq(mwhome_control(&h, "empty", "", 0, 1), 0);
	unit_file_is("control/empty", "");
	sa_free(&h.err);
}
END_TEST

START_TEST(mwhome_copy_file)
{
	struct mwhome	 h = MWHOME_ZERO;

	unit_writefile("src", "key\n", 4, 0600);
	ck_assert_int_eq(mwhome_copy(&h, "src", "dst", 4, NULL), 0);
	unit_file_is("dst", "key\n");
	ck_assert_uint_eq(unit_mode("dst"), 0400);
	errno = 0;
	ck_assert_int_eq(mwhome_copy(&h, "src", "big", 3, NULL), -1);
	ck_assert_int_eq(errno, EFBIG);
	err_is(&h, "unable to read src: ");
	ck_assert_int_eq(access("big", F_OK), -1);
	ck_assert_int_eq(mwhome_copy(&h, "nosrc", "dst2", 4, NULL), -1);
	ck_assert_int_eq(errno, ENOENT);
	err_is(&h, "unable to read nosrc: ");
	sa_free(&h.err);
}
END_TEST

/* each role gets its own spools, all 0700 for the invoking user */
START_TEST(mwhome_queues_made)
{
	static const struct {
		int		 role;
		const char	*has, *hasnot;
	} t[] = {
		{ MWHOME_SCANNER, "queue/quarantine", "queue/local" },
		{ MWHOME_GATEWAY, "queue/local", "queue/scan" },
	};
	struct mwhome	 h = MWHOME_ZERO;
	char		 fn[64];
	size_t		 i, k, n = 0;
	int		 role = t[_i].role;

	ck_assert_uint_ge(mwhome_nspools, 4);
	ck_assert_int_eq(mwhome_queues(&h, role), 0);
	ck_assert_uint_eq(unit_mode("queue"), 0755);
	for (i = 0; i < mwhome_nspools; i++) {
		if ((mwhome_spools[i].roles & role) == 0)
			continue;
		n++;
		for (k = 0; k < 3; k++) {
			(void)snprintf(fn, sizeof fn, "queue/%s%s",
			    mwhome_spools[i].name, k == 0 ? "" : k == 1 ?
			    "/tmp" : "/new");
			ck_assert_uint_eq(unit_mode(fn), 0700);
		}
	}
	ck_assert_uint_ge(n, 4);
	ck_assert_int_eq(access(t[_i].has, F_OK), 0);
	ck_assert_int_eq(access(t[_i].hasnot, F_OK), -1);
	/* a rerun keeps what is queued */
	unit_writefile("queue/incoming/new/1.2.3", "m", 1, 0640);
	ck_assert_int_eq(mwhome_queues(&h, role), 0);
	unit_file_is("queue/incoming/new/1.2.3", "m");
	sa_free(&h.err);
}
END_TEST

/* keys/: made once, then kept; as the invoking user */
START_TEST(mwhome_keys_made)
{
	struct mwhome	 h = MWHOME_ZERO;
	struct sa	 key = SA_ZERO, again = SA_ZERO;
	char		 kid[17], kid2[17];
	int		 made = -1;

	ck_assert_int_eq(mwhome_keys(&h, "keys", NULL, kid, &made), 0);
	ck_assert_int_eq(made, 1);
	ck_assert_uint_eq(strlen(kid), 16);
	ck_assert_uint_eq(unit_mode("keys"), 0700);
	ck_assert_uint_eq(unit_mode("keys/status.key"), 0400);
	ck_assert_uint_eq(unit_mode("keys/status.pub"), 0644);
	unit_readfile("keys/status.key", &key);
	ck_assert_int_eq(chmod("keys", 0755), 0);
	ck_assert_int_eq(mwhome_keys(&h, "keys", NULL, kid2, &made), 0);
	ck_assert_int_eq(made, 0);
	ck_assert_str_eq(kid, kid2);
	ck_assert_uint_eq(unit_mode("keys"), 0700);
	unit_readfile("keys/status.key", &again);
	ck_assert(key.len == again.len && memcmp(key.s, again.s,
	    key.len) == 0);
	sa_free(&key);
	sa_free(&again);
	sa_free(&h.err);
}
END_TEST

/* a public key copied under its id; not a key, or missing: refused */
START_TEST(mwhome_pubkey_copied)
{
	struct mwhome	 h = MWHOME_ZERO;
	char		 kid[17], kid2[17], fn[64];
	int		 made;

	ck_assert_int_eq(mwhome_keys(&h, "pair", NULL, kid, &made), 0);
	ck_assert_int_eq(mwhome_pubkey(&h, "pair/status.pub", "trusted",
	    NULL, kid2), 0);
	ck_assert_str_eq(kid, kid2);
	(void)snprintf(fn, sizeof fn, "trusted/%s.pub", kid);
	ck_assert_uint_eq(unit_mode(fn), 0400);
	ck_assert_uint_eq(unit_mode("trusted"), 0755);
	unit_writefile("notakey", "hello\n", 6, 0644);
	ck_assert_int_eq(mwhome_pubkey(&h, "notakey", "trusted", NULL, kid2),
	    -1);
	err_is(&h, "unable to use the key notakey: ");
	ck_assert_int_eq(mwhome_pubkey(&h, "nokey", "trusted", NULL, kid2),
	    -1);
	err_is(&h, "unable to read nokey: ");
	ck_assert_int_eq(unit_count("trusted", NULL, NULL), 1);
	sa_free(&h.err);
}
END_TEST

START_TEST(mwhome_maildir_made)
{
	struct mwhome	 h = MWHOME_ZERO;
	static const char *const want[] = { "a/b/Maildir", "a/b/Maildir/cur",
	    "a/b/Maildir/new", "a/b/Maildir/tmp" };
	size_t		 i;

	ck_assert_int_eq(mwhome_maildir(&h, "a/b/Maildir"), 0);
	ck_assert_uint_eq(unit_mode("a/b"), 0755);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		ck_assert_uint_eq(unit_mode(want[i]), 0700);
	ck_assert_int_eq(mwhome_maildir(&h, "a/b/Maildir"), 0);
	unit_writefile("f", "", 0, 0644);
	ck_assert_int_eq(mwhome_maildir(&h, "f/Maildir"), -1);
	err_is(&h, "unable to make directory f/Maildir: ");
	ck_assert_int_eq(mwhome_maildir(&h, "f/x/Maildir"), -1);
	err_is(&h, "unable to create the parents of f/x/Maildir: ");
	sa_free(&h.err);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("mwhome");
	TCase	*tc = tcase_create("mwhome");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_test(tc, mwhome_files);
	tcase_add_test(tc, mwhome_asroot_users);
	tcase_add_test(tc, mwhome_control_force);
	tcase_add_test(tc, mwhome_copy_file);
	tcase_add_loop_test(tc, mwhome_queues_made, 0, 2);
	tcase_add_test(tc, mwhome_keys_made);
	tcase_add_test(tc, mwhome_pubkey_copied);
	tcase_add_test(tc, mwhome_maildir_made);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
