/* ISC license. */
/* check_stampkey.c: the status header's keys (lib/stampkey.c): the key
 * id of RFC 8032's first key, its private and public PEM forms parsed
 * back to the same id, and the wrong kind, another algorithm or
 * garbage refused. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "sa.h"
#include "stamp.h"
#include "testmail.h"
#include "unit.h"

START_TEST(stamp_key_pem)
{
	EVP_PKEY	*k = tm_rfc8032key(), *priv, *pub, *ec;
	struct sa	 pk = SA_ZERO, pp = SA_ZERO;
	char		 id[STAMP_KEYIDLEN + 1], id2[STAMP_KEYIDLEN + 1];

	/* sha256(d75a9801...511a)[:8], computed elsewhere */
	ck_assert_int_eq(stamp_keyid(k, id), 0);
	ck_assert_str_eq(id, "21fe31dfa154a261");
	ck_assert_int_eq(stamp_keypem(k, 1, &pk), 0);
	ck_assert_int_eq(stamp_keypem(k, 0, &pp), 0);
	ck_assert(pk.len > 27 && memcmp(pk.s, "-----BEGIN PRIVATE KEY-----\n",
	    28) == 0);
	ck_assert(pp.len > 26 && memcmp(pp.s, "-----BEGIN PUBLIC KEY-----\n",
	    27) == 0);
	ck_assert_ptr_nonnull(priv = stamp_keyparse(pk.s, pk.len, 1));
	ck_assert_ptr_nonnull(pub = stamp_keyparse(pp.s, pp.len, 0));
	ck_assert_int_eq(stamp_keyid(priv, id2), 0);
	ck_assert_str_eq(id2, id);
	ck_assert_int_eq(stamp_keyid(pub, id2), 0);
	ck_assert_str_eq(id2, id);
	/* the wrong kind, a wrong algorithm, garbage */
	ck_assert_ptr_null(stamp_keyparse(pk.s, pk.len, 0));
	ck_assert_ptr_null(stamp_keyparse(pp.s, pp.len, 1));
	ck_assert_ptr_null(stamp_keyparse("junk", 4, 1));
	ck_assert_int_eq(errno, EINVAL);
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ck_assert_ptr_nonnull(ec);
	stamp_wipe(&pk);
	ck_assert_ptr_null(pk.s);
	ck_assert_int_eq(stamp_keypem(ec, 1, &pk), 0);
	ck_assert_ptr_null(stamp_keyparse(pk.s, pk.len, 1));
	stamp_wipe(&pk);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(k);
	sa_free(&pp);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("stampkey");
	TCase	*tc = tcase_create("stampkey");

	tcase_add_test(tc, stamp_key_pem);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
