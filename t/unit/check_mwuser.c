/* ISC license. */
/* check_mwuser.c: the users table and id lookups (creating users needs
 * root and is tested by t/5000-setup-home.t). */
#include "sysdeps.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mwuser.h"
#include "unit.h"

/* every supplementary group is "mailward" or another user's own group */
START_TEST(mwuser_table_sane)
{
	const char	*p, *q;
	size_t		 i, j, n;
	int		 found, hasmw;

	ck_assert_uint_ge(mwuser_count, 5);
	for (i = 0; i < mwuser_count; i++) {
		hasmw = 0;
		for (p = mwuser_table[i].groups; *p; p = *q ? q + 1 : q) {
			q = p + strcspn(p, ",");
			n = (size_t)(q - p);
			if (n == strlen(MWUSER_GROUP) &&
			    memcmp(p, MWUSER_GROUP, n) == 0) {
				hasmw = 1;
				continue;
			}
			found = 0;
			for (j = 0; j < i; j++)	/* producers come first */
				if (strlen(mwuser_table[j].name) == n &&
				    memcmp(mwuser_table[j].name, p, n) == 0)
					found = 1;
			ck_assert_msg(found, "%s: group %.*s", mwuser_table[i].name,
			    (int)n, p);
		}
		ck_assert_msg(hasmw, "%s not in %s", mwuser_table[i].name,
		    MWUSER_GROUP);
	}
}
END_TEST

START_TEST(mwuser_ids_lookup)
{
	struct sa	 err = SA_ZERO;
	uid_t		 uid = 1;
	gid_t		 gid = 1;

	ck_assert_int_eq(mwuser_ids("root", NULL, &uid, &gid, &err), 0);
	ck_assert_uint_eq(uid, 0);
	ck_assert_uint_eq(gid, 0);
	ck_assert_int_eq(mwuser_ids(NULL, "root", &uid, &gid, &err), 0);
	ck_assert_int_eq(mwuser_ids("no-such-user-mw", NULL, &uid, &gid,
	    &err), -1);
	ck_assert(sa_eqs(&err, "no user no-such-user-mw"));
	ck_assert_int_eq(mwuser_ids("root", "no-such-group-mw", &uid, &gid,
	    &err), -1);
	ck_assert(sa_eqs(&err, "no group no-such-group-mw"));
	sa_free(&err);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("mwuser");
	TCase	*tc = tcase_create("mwuser");

	tcase_add_test(tc, mwuser_table_sane);
	tcase_add_test(tc, mwuser_ids_lookup);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
