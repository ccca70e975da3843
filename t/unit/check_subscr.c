/* ISC license. */
/* check_subscr.c: subscriber entries and matching. */
#include "sysdeps.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sa.h"
#include "subscr.h"
#include "unit.h"

/* a list in control_readlist() form */
static void
mklist(struct sa *l, const char *const *e)
{
	l->len = 0;
	for (; *e != NULL; e++)
		ck_assert_int_eq(sa_catb(l, *e, strlen(*e) + 1), 0);
}

struct matchcase {
	const char	*addr;
	int		 want;
};

static const char *const entries[] = {
	"alice@example.org", "@Example.NET", "Bob@Sub.Example.org", NULL
};

static const struct matchcase matches[] = {
	{ "alice@example.org",		1 },
	{ "ALICE@EXAMPLE.ORG",		1 },
	{ "bob@sub.example.org",	1 },
	{ "anyone@example.net",		1 },
	{ "anyone@EXAMPLE.net",		1 },
	{ "alice@example.org.evil",	0 },
	{ "xalice@example.org",		0 },
	{ "anyone@sub.example.net",	0 },
	{ "anyone@example.netx",	0 },
	{ "bob@example.org",		0 },
	{ "postmaster",			0 },
	{ "example.net",		0 },
	{ "",				0 },
};

START_TEST(subscr_match_table)
{
	struct sa	 l = SA_ZERO;

	mklist(&l, entries);
	ck_assert_int_eq(subscr_match(&l, matches[_i].addr,
	    strlen(matches[_i].addr)), matches[_i].want);
	sa_free(&l);
}
END_TEST

START_TEST(subscr_empty)
{
	struct sa	 l = SA_ZERO;
	const char	*bad = NULL;

	ck_assert_int_eq(subscr_check(&l, &bad), 0);
	ck_assert_int_eq(subscr_match(&l, "a@b.example", 11), 0);
}
END_TEST

struct checkcase {
	const char	*entry;
	int		 want;
};

static const struct checkcase checks[] = {
	{ "alice@example.org",	0 },
	{ "@example.org",	0 },
	{ "\"a b\"@example.org", 0 },
	{ "@",			-1 },
	{ "@-bad-.example",	-1 },
	{ "not an address",	-1 },
	{ "alice",		-1 },
	{ "alice@",		-1 },
	{ "<alice@example.org>", -1 },
};

START_TEST(subscr_check_table)
{
	const char *const e[] = { "ok@example.org", checks[_i].entry, NULL };
	struct sa	 l = SA_ZERO;
	const char	*bad = NULL;

	mklist(&l, e);
	ck_assert_int_eq(subscr_check(&l, &bad), checks[_i].want);
	if (checks[_i].want == -1)
		ck_assert_str_eq(bad, checks[_i].entry);
	sa_free(&l);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("subscr");
	TCase	*tc = tcase_create("subscr");

	tcase_add_loop_test(tc, subscr_match_table, 0,
	    sizeof matches / sizeof matches[0]);
	tcase_add_test(tc, subscr_empty);
	tcase_add_loop_test(tc, subscr_check_table, 0,
	    sizeof checks / sizeof checks[0]);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
