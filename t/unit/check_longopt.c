/* ISC license. */
/* check_longopt.c: long options from a table. */
#include "sysdeps.h"

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "longopt.h"
#include "sa.h"
#include "unit.h"

struct obj {
	const char	*a;
	const char	*bb;
	struct sa	 list;		/* "V," per --add */
};

static int
add(void *p, const char *v)
{
	struct obj	*o = p;

	if (strcmp(v, "refused") == 0)
		return -1;
	return sa_catf(&o->list, "%s,", v);
}

static const struct longopt tab[] = {
	{ "a",		offsetof(struct obj, a),	NULL },
	{ "bb",		offsetof(struct obj, bb),	NULL },
	{ "add",	0,				add },
};

#define MAXARG	6
static const struct optcase {
	const char	*argv[MAXARG];	/* from argv[1]; NULL ends it */
	int		 want;
	const char	*wantbad;	/* NULL: don't care */
	const char	*wanta;
	const char	*wantbb;
	const char	*wantlist;
} cases[] = {
	{ { NULL }, LONGOPT_OK, NULL, NULL, NULL, "" },
	{ { "--a", "1", "--bb=2", NULL }, LONGOPT_OK, NULL, "1", "2", "" },
	{ { "--a=x=y", "--a", "z", NULL }, LONGOPT_OK, NULL, "z", NULL, "" },
	{ { "--a=", NULL }, LONGOPT_OK, NULL, "", NULL, "" },
	{ { "--a", "--bb", NULL }, LONGOPT_OK, NULL, "--bb", NULL, "" },
	{ { "--add", "p", "--add=q", "--add", "p", NULL }, LONGOPT_OK, NULL,
	    NULL, NULL, "p,q,p," },
	{ { "--a", NULL }, LONGOPT_NOVALUE, "--a", NULL, NULL, "" },
	{ { "--a", "1", "x", NULL }, LONGOPT_NOTOPT, "x", "1", NULL, "" },
	{ { "-a", "1", NULL }, LONGOPT_NOTOPT, "-a", NULL, NULL, "" },
	{ { "--b", "1", NULL }, LONGOPT_UNKNOWN, "--b", NULL, NULL, "" },
	{ { "--bbb=1", NULL }, LONGOPT_UNKNOWN, "--bbb=1", NULL, NULL, "" },
	{ { "--A", "1", NULL }, LONGOPT_UNKNOWN, "--A", NULL, NULL, "" },
	{ { "--", "1", NULL }, LONGOPT_UNKNOWN, "--", NULL, NULL, "" },
	{ { "--=1", NULL }, LONGOPT_UNKNOWN, "--=1", NULL, NULL, "" },
	{ { "--add", "ok", "--add=refused", "--a", "1", NULL },
	    LONGOPT_BADVALUE, "refused", NULL, NULL, "ok," },
	{ { "--unknown", NULL }, LONGOPT_NOVALUE, "--unknown", NULL, NULL,
	    "" },
};

static void
str_is(const char *got, const char *want)
{
	if (want == NULL)
		ck_assert_ptr_null(got);
	else {
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, want);
	}
}

START_TEST(longopt_table)
{
	const struct optcase *c = &cases[_i];
	char		*argv[MAXARG + 1];
	struct obj	 o = { NULL, NULL, SA_ZERO };
	const char	*bad = NULL;
	int		 argc;

	argv[0] = (char *)(uintptr_t)"prog";
	for (argc = 1; c->argv[argc - 1] != NULL; argc++)
		argv[argc] = (char *)(uintptr_t)c->argv[argc - 1];
	argv[argc] = NULL;
	ck_assert_int_eq(longopt_parse(argc, argv, 1, tab,
	    sizeof tab / sizeof tab[0], &o, &bad), c->want);
	if (c->wantbad != NULL)
		str_is(bad, c->wantbad);
	str_is(o.a, c->wanta);
	str_is(o.bb, c->wantbb);
	ck_assert_uint_eq(o.list.len, strlen(c->wantlist));
	if (o.list.len > 0)
		ck_assert_mem_eq(o.list.s, c->wantlist, o.list.len);
	sa_free(&o.list);
}
END_TEST

/* the first element parsed is argv[i]; earlier ones are not looked at */
START_TEST(longopt_start)
{
	char		*argv[] = { (char *)(uintptr_t)"prog",
	    (char *)(uintptr_t)"ROLE", (char *)(uintptr_t)"--a=1", NULL };
	struct obj	 o = { NULL, NULL, SA_ZERO };
	const char	*bad;

	ck_assert_int_eq(longopt_parse(3, argv, 2, tab, 3, &o, &bad),
	    LONGOPT_OK);
	str_is(o.a, "1");
	ck_assert_int_eq(longopt_parse(3, argv, 1, tab, 3, &o, &bad),
	    LONGOPT_NOTOPT);
	str_is(bad, "ROLE");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("longopt");
	TCase	*tc = tcase_create("longopt");

	tcase_add_loop_test(tc, longopt_table, 0,
	    sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, longopt_start);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
