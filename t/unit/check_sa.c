/* ISC license. */
/* check_sa.c: growable strings: growth, overflow, formatting, ASCII case. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sa.h"
#include "unit.h"

/* --- growth: append n bytes in pieces of step, compare byte-exact --- */

struct growcase {
	size_t	 total;
	size_t	 step;
};

static const struct growcase grows[] = {
	{ 0,		1 },
	{ 1,		1 },
	{ 31,		1 },
	{ 32,		1 },
	{ 33,		1 },
	{ 100,		7 },
	{ 4096,		4096 },
	{ 4097,		1000 },
	{ 100000,	1 },
	{ 100000,	99999 },
};

START_TEST(sa_grow)
{
	const struct growcase	*c = &grows[_i];
	struct sa		 x = SA_ZERO;
	char			*want;
	size_t			 i, k;

	want = malloc(c->total + 1);
	ck_assert_ptr_nonnull(want);
	for (i = 0; i < c->total; i++)
		want[i] = (char)('a' + i % 26);
	for (i = 0; i < c->total; i += k) {
		k = c->total - i < c->step ? c->total - i : c->step;
		ck_assert_int_eq(sa_catb(&x, want + i, k), 0);
		ck_assert_uint_eq(x.len, i + k);
		ck_assert_uint_gt(x.a, x.len);
	}
	ck_assert_uint_eq(x.len, c->total);
	if (c->total > 0)
		ck_assert_mem_eq(x.s, want, c->total);
	free(want);
	sa_free(&x);
	ck_assert_ptr_null(x.s);
	ck_assert_uint_eq(x.len, 0);
	ck_assert_uint_eq(x.a, 0);
}
END_TEST

/* --- overflow: every request past SIZE_MAX fails with EOVERFLOW and
 * leaves the string exactly as it was (pointer, length, room, bytes) --- */

enum { OP_READY, OP_READYPLUS, OP_CATB };

struct ovcase {
	const char	*init;
	int		 op;
	size_t		 n;
};

static const struct ovcase ovs[] = {
	{ "",		OP_READYPLUS,	SIZE_MAX },
	{ "hello",	OP_READYPLUS,	SIZE_MAX },
	{ "hello",	OP_READYPLUS,	SIZE_MAX - 4 },	/* 5 + n wraps to 0 */
	{ "hello",	OP_READYPLUS,	SIZE_MAX - 5 },	/* slack wraps */
	{ "",		OP_READY,	SIZE_MAX },
	{ "hello",	OP_READY,	SIZE_MAX - 31 },	/* n/8 wraps */
	{ "",		OP_CATB,	SIZE_MAX },
	{ "hello",	OP_CATB,	SIZE_MAX },
	{ "hello",	OP_CATB,	SIZE_MAX - 4 },
};

START_TEST(sa_overflow)
{
	const struct ovcase	*c = &ovs[_i];
	struct sa		 x = SA_ZERO;
	char			*s;
	size_t			 len, a;
	int			 r = 0;

	ck_assert_int_eq(sa_cats(&x, c->init), 0);
	ck_assert_int_eq(sa_readyplus(&x, 1), 0);	/* x.s is never NULL */
	s = x.s;
	len = x.len;
	a = x.a;
	errno = 0;
	switch (c->op) {
	case OP_READY:
		r = sa_ready(&x, c->n);
		break;
	case OP_READYPLUS:
		r = sa_readyplus(&x, c->n);
		break;
	case OP_CATB:
		/* n is checked before any byte is read from the source */
		r = sa_catb(&x, "", c->n);
		break;
	}
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(errno, EOVERFLOW);
	ck_assert_ptr_eq(x.s, s);
	ck_assert_uint_eq(x.len, len);
	ck_assert_uint_eq(x.a, a);
	ck_assert_mem_eq(x.s, c->init, len);
	sa_free(&x);
}
END_TEST

/* --- sa_catf: literal formats (the format attribute forbids a table of
 * formats), expectations in the table --- */

struct catfcase {
	const char	*init;
	const char	*want;
	size_t		 wantlen;
};

static const struct catfcase catfs[] = {
	{ "",		"n=5",				3 },
	{ "id ",	"id queued from=<a@b> nrcpt=2",	28 },
	{ "",		"%",				1 },
	{ "abc",	"abc",				3 },	/* "%s" of "" */
	{ "",		"x=-12 u=18446744073709551615",	28 },
	{ "p",		NULL,				5001 },	/* 5000 wide */
	{ "",		"a\0b",				3 },	/* %c of NUL */
};

static int
catf_call(struct sa *x, int i)
{
	switch (i) {
	case 0: return sa_catf(x, "%s=%d", "n", 5);
	case 1: return sa_catf(x, "queued from=<%s> nrcpt=%zu", "a@b",
	    (size_t)2);
	case 2: return sa_catf(x, "%%");
	case 3: return sa_catf(x, "%s", "");
	case 4: return sa_catf(x, "x=%d u=%llu", -12, ULLONG_MAX);
	case 5: return sa_catf(x, "%5000d", 7);
	case 6: return sa_catf(x, "a%cb", '\0');
	}
	return -2;
}

START_TEST(sa_catf_table)
{
	const struct catfcase	*c = &catfs[_i];
	struct sa		 x = SA_ZERO;

	ck_assert_int_eq(sa_cats(&x, c->init), 0);
	ck_assert_int_eq(catf_call(&x, _i), 0);
	ck_assert_uint_eq(x.len, c->wantlen);
	if (c->want != NULL)
		ck_assert_mem_eq(x.s, c->want, c->wantlen);
	else {
		size_t	 i;

		ck_assert_mem_eq(x.s, c->init, strlen(c->init));
		for (i = strlen(c->init); i < x.len - 1; i++)
			ck_assert_int_eq(x.s[i], ' ');
		ck_assert_int_eq(x.s[x.len - 1], '7');
	}
	sa_free(&x);
}
END_TEST

/* --- sa_caseeqb / sa_lower: ASCII only, locale-free --- */

struct casecase {
	const char	*a, *b;
	size_t		 n;
	int		 want;
};

static const struct casecase cases[] = {
	{ "HELO",	"helo",		4,	1 },
	{ "MaIl FrOm:",	"mail from:",	10,	1 },
	{ "EHLO",	"HELO",		4,	0 },
	{ "abc",	"abd",		2,	1 },	/* only n bytes */
	{ "abc",	"abd",		3,	0 },
	{ "",		"",		0,	1 },
	{ "x",		"y",		0,	1 },
	{ "[",		"{",		1,	0 },	/* 0x5b vs 0x7b */
	{ "@",		"`",		1,	0 },	/* 0x40 vs 0x60 */
	{ "^",		"~",		1,	0 },
	{ "\xc4",	"\xe4",		1,	0 },	/* Latin-1 A/a umlaut */
	{ "\xc3\x84",	"\xc3\xa4",	2,	0 },	/* UTF-8 A/a umlaut */
	{ "A\0B",	"a\0b",		3,	1 },	/* NUL is a byte */
	{ "A\0B",	"a\0c",		3,	0 },
	{ "Z",		"z",		1,	1 },
	{ "Z",		"\x7a\x00",	2,	1 },
};

START_TEST(sa_caseeqb_table)
{
	const struct casecase *c = &cases[_i];

	ck_assert_int_eq(sa_caseeqb(c->a, c->b, c->n), c->want);
	ck_assert_int_eq(sa_caseeqb(c->b, c->a, c->n), c->want);
}
END_TEST

START_TEST(sa_lower_all)
{
	int	 c;

	for (c = 0; c < 256; c++) {
		char	 in = (char)c;
		char	 want = c >= 'A' && c <= 'Z' ? (char)(c + 32) : in;

		ck_assert_int_eq(sa_lower(in), want);
	}
}
END_TEST

/* --- sa_catu --- */

struct ucase {
	unsigned long long	 u;
	const char		*want;
};

static const struct ucase us[] = {
	{ 0,		"0" },
	{ 9,		"9" },
	{ 10,		"10" },
	{ 1732690200,	"1732690200" },
	{ ULLONG_MAX,	"18446744073709551615" },
};

START_TEST(sa_catu_table)
{
	const struct ucase	*c = &us[_i];
	struct sa		 x = SA_ZERO;

	ck_assert_int_eq(sa_cats(&x, "t="), 0);
	ck_assert_int_eq(sa_catu(&x, c->u), 0);
	ck_assert_uint_eq(x.len, 2 + strlen(c->want));
	ck_assert_mem_eq(x.s, "t=", 2);
	ck_assert_mem_eq(x.s + 2, c->want, strlen(c->want));
	sa_free(&x);
}
END_TEST

/* --- sa_eqs --- */

struct eqcase {
	struct bytes	 x;
	const char	*s;
	int		 want;
};

static const struct eqcase eqs[] = {
	{ S(""),	"",	1 },
	{ S("abc"),	"abc",	1 },
	{ S("abc"),	"ab",	0 },
	{ S("ab"),	"abc",	0 },
	{ S("ABC"),	"abc",	0 },	/* case-sensitive */
	{ S("ab\0"),	"ab",	0 },	/* the NUL is a byte of x */
	{ S(""),	"a",	0 },
};

START_TEST(sa_eqs_table)
{
	const struct eqcase	*c = &eqs[_i];
	struct sa		 x = SA_ZERO;

	ck_assert_int_eq(sa_catb(&x, c->x.s, c->x.n), 0);
	ck_assert_int_eq(sa_eqs(&x, c->s), c->want);
	sa_free(&x);
}
END_TEST

/* --- single behaviours --- */

START_TEST(sa_zero_eqs)
{
	struct sa	 x = SA_ZERO;	/* s == NULL: no memcmp on it */

	ck_assert_int_eq(sa_eqs(&x, ""), 1);
	ck_assert_int_eq(sa_eqs(&x, "a"), 0);
}
END_TEST

START_TEST(sa_nul)
{
	struct sa	 x = SA_ZERO;

	ck_assert_int_eq(sa_0(&x), 0);
	ck_assert_ptr_nonnull(x.s);
	ck_assert_uint_eq(x.len, 0);
	ck_assert_int_eq(x.s[0], '\0');
	ck_assert_int_eq(sa_cats(&x, "abc"), 0);
	ck_assert_int_eq(sa_0(&x), 0);
	ck_assert_uint_eq(x.len, 3);		/* the NUL is not counted */
	ck_assert_mem_eq(x.s, "abc", 4);
	ck_assert_int_eq(sa_catc(&x, 'd'), 0);	/* and is overwritten */
	ck_assert_uint_eq(x.len, 4);
	ck_assert_mem_eq(x.s, "abcd", 4);
	sa_free(&x);
}
END_TEST

START_TEST(sa_copy)
{
	struct sa	 x = SA_ZERO, y = SA_ZERO;

	ck_assert_int_eq(sa_copys(&x, "a longer value"), 0);
	ck_assert_int_eq(sa_copys(&x, "short"), 0);
	ck_assert_uint_eq(x.len, 5);
	ck_assert_mem_eq(x.s, "short", 5);
	ck_assert_int_eq(sa_copyb(&x, x.s + 1, 3), 0);	/* overlapping */
	ck_assert_uint_eq(x.len, 3);
	ck_assert_mem_eq(x.s, "hor", 3);
	ck_assert_int_eq(sa_copyb(&x, "", 0), 0);
	ck_assert_uint_eq(x.len, 0);
	ck_assert_int_eq(sa_copyb(&y, "a\0b", 3), 0);
	ck_assert_int_eq(sa_cat(&x, &y), 0);
	ck_assert_int_eq(sa_cat(&x, &y), 0);
	ck_assert_uint_eq(x.len, 6);
	ck_assert_mem_eq(x.s, "a\0ba\0b", 6);
	ck_assert_int_eq(sa_catc(&x, '\0'), 0);
	ck_assert_uint_eq(x.len, 7);
	sa_free(&x);
	sa_free(&y);
	sa_free(&y);		/* twice is harmless */
}
END_TEST

static Suite *
sa_suite(void)
{
	Suite	*s = suite_create("sa");
	TCase	*tc = tcase_create("sa");

	tcase_add_loop_test(tc, sa_grow, 0, sizeof grows / sizeof grows[0]);
	tcase_add_loop_test(tc, sa_overflow, 0, sizeof ovs / sizeof ovs[0]);
	tcase_add_loop_test(tc, sa_catf_table, 0,
	    sizeof catfs / sizeof catfs[0]);
	tcase_add_loop_test(tc, sa_caseeqb_table, 0,
	    sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, sa_lower_all);
	tcase_add_loop_test(tc, sa_catu_table, 0, sizeof us / sizeof us[0]);
	tcase_add_loop_test(tc, sa_eqs_table, 0, sizeof eqs / sizeof eqs[0]);
	tcase_add_test(tc, sa_zero_eqs);
	tcase_add_test(tc, sa_nul);
	tcase_add_test(tc, sa_copy);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(sa_suite());
}
