/* ISC license. */
/* check_keydir.c: the status key pair's files (lib/keydir.c), as the
 * invoking user; owners as root are checked by t/5000-setup-home.t. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <check.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "keydir.h"
#include "sa.h"
#include "stamp.h"
#include "unit.h"

static void
err_has(struct sa *err, const char *want)
{
	ck_assert_int_eq(sa_0(err), 0);
	ck_assert_msg(strstr(err->s, want) != NULL, "err %s, want ...%s...",
	    err->s, want);
}

/* the key id of the public key in fn */
static void
pub_id(const char *fn, char *kid)
{
	struct sa	 pem = SA_ZERO;
	EVP_PKEY	*k;

	unit_readfile(fn, &pem);
	ck_assert_ptr_nonnull(k = stamp_keyparse(pem.s, pem.len, 0));
	ck_assert_int_eq(stamp_keyid(k, kid), 0);
	EVP_PKEY_free(k);
	sa_free(&pem);
}

START_TEST(keydir_new_once)
{
	struct keydir	 k = { "d", (uid_t)-1, (gid_t)-1, 0600, 0 };
	struct sa	 err = SA_ZERO, key = SA_ZERO, again = SA_ZERO;
	char		 kid[STAMP_KEYIDLEN + 1], kid2[STAMP_KEYIDLEN + 1];

	ck_assert_int_eq(keydir_new(&k, kid, &err), 0);
	ck_assert_uint_eq(unit_mode("d"), 0700);
	ck_assert_uint_eq(unit_mode("d/status.key"), 0600);
	ck_assert_uint_eq(unit_mode("d/status.pub"), 0644);
	ck_assert_int_eq(unit_count("d", NULL, NULL), 2);
	ck_assert_int_eq(access("d/.status.key.tmp", F_OK), -1);
	pub_id("d/status.pub", kid2);
	ck_assert_str_eq(kid, kid2);
	/* a second run changes nothing */
	unit_readfile("d/status.key", &key);
	errno = 0;
	ck_assert_int_eq(keydir_new(&k, kid2, &err), -1);
	ck_assert_int_eq(errno, EEXIST);
	err_has(&err, "refusing to overwrite the key in d: file exists");
	unit_readfile("d/status.key", &again);
	ck_assert(key.len == again.len && memcmp(key.s, again.s, key.len) ==
	    0);
	/* nor with only the public key there */
	ck_assert_int_eq(unlink("d/status.key"), 0);
	ck_assert_int_eq(keydir_new(&k, kid2, &err), -1);
	ck_assert_int_eq(errno, EEXIST);
	/* force replaces */
	k.force = 1;
	k.keymode = 0400;
	ck_assert_int_eq(keydir_new(&k, kid2, &err), 0);
	ck_assert_str_ne(kid, kid2);
	ck_assert_uint_eq(unit_mode("d/status.key"), 0400);
	ck_assert_int_eq(unit_count("d", NULL, NULL), 2);
	sa_free(&key);
	sa_free(&again);
	sa_free(&err);
}
END_TEST

START_TEST(keydir_keep_pair)
{
	struct keydir	 k = { "d", (uid_t)-1, (gid_t)-1, 0600, 0 };
	struct sa	 err = SA_ZERO;
	char		 kid[STAMP_KEYIDLEN + 1], kid2[STAMP_KEYIDLEN + 1];

	ck_assert_int_eq(keydir_new(&k, kid, &err), 0);
	ck_assert_int_eq(chmod("d/status.key", 0644), 0);
	k.keymode = 0400;
	ck_assert_int_eq(keydir_keep(&k, kid2, &err), 0);
	ck_assert_str_eq(kid, kid2);
	ck_assert_uint_eq(unit_mode("d/status.key"), 0400);
	/* a lost public key is written again from the private one */
	ck_assert_int_eq(unlink("d/status.pub"), 0);
	ck_assert_int_eq(keydir_keep(&k, kid2, &err), 0);
	pub_id("d/status.pub", kid2);
	ck_assert_str_eq(kid, kid2);
	ck_assert_uint_eq(unit_mode("d/status.pub"), 0644);
	sa_free(&err);
}
END_TEST

/* what the key's owner could plant: never followed or trusted */
START_TEST(keydir_keep_refuses)
{
	struct keydir	 k = { "d", (uid_t)-1, (gid_t)-1, 0400, 0 };
	struct sa	 err = SA_ZERO;
	char		 kid[STAMP_KEYIDLEN + 1];

	ck_assert_int_eq(keydir_new(&k, kid, &err), 0);
	ck_assert_int_eq(rename("d/status.key", "real.key"), 0);
	ck_assert_int_eq(symlink("../real.key", "d/status.key"), 0);
	ck_assert_int_eq(keydir_keep(&k, kid, &err), -1);
	ck_assert_int_eq(errno, ELOOP);
	err_has(&err, "unable to open d/status.key");
	ck_assert_int_eq(unlink("d/status.key"), 0);
	ck_assert_int_eq(link("real.key", "d/status.key"), 0);
	ck_assert_int_eq(keydir_keep(&k, kid, &err), -1);
	err_has(&err, "refusing d/status.key: not a regular file with one "
	    "link");
	ck_assert_int_eq(unlink("d/status.key"), 0);
	unit_writefile("d/status.key", "-----BEGIN PRIVATE KEY-----\n", 28,
	    0600);
	ck_assert_int_eq(keydir_keep(&k, kid, &err), -1);
	err_has(&err, "not an unencrypted Ed25519 private key");
	ck_assert_int_eq(unlink("d/status.key"), 0);
	ck_assert_int_eq(keydir_keep(&k, kid, &err), -1);
	ck_assert_int_eq(errno, ENOENT);
	sa_free(&err);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("keydir");
	TCase	*tc = tcase_create("keydir");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_test(tc, keydir_new_once);
	tcase_add_test(tc, keydir_keep_pair);
	tcase_add_test(tc, keydir_keep_refuses);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
