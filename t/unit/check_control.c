/* ISC license. */
/* check_control.c: control files: comments, blanks, first-line semantics,
 * strict numbers, error messages naming the file and the line.  Files
 * live in a mkdtemp() directory under $TMPDIR, removed by each test. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "sa.h"
#include "unit.h"

#define ABSENT	{ NULL, 0 }

/* --- a scratch directory per test (unit.h) --- */

/* Write the file (unless content is absent) and return its path. */
static const char *
scratch_file(const char *name, const struct bytes *content)
{
	static char	 fn[UNIT_PATHSZ];

	unit_scratch_path(fn, name, NULL);
	if (content->s != NULL)
		unit_writefile(fn, content->s, content->n, 0600);
	return fn;
}

/* err must be "FN line N: WHY", or "FN: WHY" for line 0 */
static void
check_err(const struct sa *err, const char *fn, size_t line, const char *why)
{
	char	 want[UNIT_PATHSZ + 128];
	int	 n;

	if (line > 0)
		n = snprintf(want, sizeof want, "%s line %zu: %s", fn, line,
		    why);
	else
		n = snprintf(want, sizeof want, "%s: %s", fn, why);
	ck_assert(n > 0 && (size_t)n < sizeof want);
	ck_assert_uint_eq(err->len, strlen(want));
	ck_assert_mem_eq(err->s, want, err->len);
}

/* --- control_readuint --- */

struct uintcase {
	struct bytes	 file;
	unsigned long	 min, max;
	int		 want;
	unsigned long	 val;	/* for want 0 and 1 */
	size_t		 line;	/* for want -1 */
	const char	*why;
};

#define R1K	1, 1000
#define NAN1K	"not a number in 1..1000"

static const struct uintcase uints[] = {
	{ ABSENT,		R1K,	0,	7,	0, NULL },
	{ S("12\n"),		R1K,	1,	12,	0, NULL },
	{ S("12"),		R1K,	1,	12,	0, NULL },
	{ S("12\r\n"),		R1K,	1,	12,	0, NULL },
	{ S("12 \t \n"),	R1K,	1,	12,	0, NULL },
	{ S("12# twelve\n"),	R1K,	1,	12,	0, NULL },
	{ S("12 # twelve\n"),	R1K,	1,	12,	0, NULL },
	{ S("# default 7\n\n  \n\t\n42\n"), R1K, 1, 42,	0, NULL },
	{ S("5\n6\n"),		R1K,	1,	5,	0, NULL },
	{ S("5\nbad\n"),	R1K,	1,	5,	0, NULL },
	{ S("1"),		R1K,	1,	1,	0, NULL },
	{ S("1000"),		R1K,	1,	1000,	0, NULL },
	{ S("0001000"),		R1K,	1,	1000,	0, NULL },
	{ S("0"),		0, 0,	1,	0,	0, NULL },
	{ S("18446744073709551615"), 0, ULONG_MAX, 1, ULONG_MAX, 0, NULL },
	/* malformed: an error naming file and line, never the default */
	{ S("12x\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S(" 12\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S("\t12\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S("1 2\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S("+5\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S("-1\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S("0x10\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S("1e3\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S("12.0\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S("0\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S("1001\n"),		R1K,	-1,	0,	1, NAN1K },
	{ S("18446744073709551616\n"), 0, ULONG_MAX, -1, 0, 1,
	    "not a number in 0..18446744073709551615" },	/* overflow */
	{ S("99999999999999999999999\n"), R1K, -1, 0,	1, NAN1K },
	{ S("# c\nabc\n"),	R1K,	-1,	0,	2, NAN1K },
	{ S("\n\n# x\n\n5x\n"),	R1K,	-1,	0,	5, NAN1K },
	{ S("# only a comment\n1001 # too big\n"), R1K, -1, 0, 2, NAN1K },
	{ S("\r\n12\n"),	R1K,	1,	12,	0, NULL },
	/* no value at all */
	{ S(""),		R1K,	-1,	0,	0, "no value" },
	{ S("\n\n"),		R1K,	-1,	0,	0, "no value" },
	{ S("# 12\n  \n"),	R1K,	-1,	0,	0, "no value" },
	/* a NUL byte */
	{ S("1\0002\n"),	R1K,	-1,	0,	1, "NUL byte" },
	{ S("# c\n12\0\n"),	R1K,	-1,	0,	2, "NUL byte" },
	{ S("#\0\n12\n"),	R1K,	-1,	0,	1, "NUL byte" },
};

START_TEST(control_readuint_table)
{
	const struct uintcase	*c = &uints[_i];
	struct sa		 err = SA_ZERO;
	unsigned long		 val = 12345678;
	const char		*fn;
	int			 r;

	unit_scratch_make();
	fn = scratch_file("timeoutsmtpd", &c->file);
	r = control_readuint(fn, c->min, c->max, 7, &val, &err);
	ck_assert_int_eq(r, c->want);
	if (r >= 0)
		ck_assert_uint_eq(val, c->val);
	else
		check_err(&err, fn, c->line, c->why);
	unit_scratch_remove();
	sa_free(&err);
}
END_TEST

/* --- control_scanuint: the whole string, nothing else --- */

struct scancase {
	struct bytes	 s;
	unsigned long	 min, max;
	int		 want;
	unsigned long	 val;
};

static const struct scancase scans[] = {
	{ S("0"),	0, 10,		0,	0 },
	{ S("10"),	0, 10,		0,	10 },
	{ S("11"),	0, 10,		-1,	0 },
	{ S("5"),	6, 10,		-1,	0 },
	{ S(""),	0, 10,		-1,	0 },
	{ S(" 1"),	0, 10,		-1,	0 },
	{ S("1 "),	0, 10,		-1,	0 },
	{ S("1\0"),	0, 10,		-1,	0 },
	{ S("4294967296"), 0, ULONG_MAX, 0,	4294967296UL },
	{ S("18446744073709551615"), 0, ULONG_MAX, 0, ULONG_MAX },
	{ S("18446744073709551616"), 0, ULONG_MAX, -1, 0 },
	{ S("36893488147419103232"), 0, ULONG_MAX, -1, 0 },	/* 2^65 */
	{ S("000000000000000000001"), 0, ULONG_MAX, -1, 0 },	/* 21 long */
	{ S("00000000000000000001"), 0, ULONG_MAX, 0, 1 },	/* 20 long */
};

START_TEST(control_scanuint_table)
{
	const struct scancase	*c = &scans[_i];
	unsigned long		 val = 777;

	ck_assert_int_eq(control_scanuint(c->s.s, c->s.n, c->min, c->max,
	    &val), c->want);
	ck_assert_uint_eq(val, c->want == 0 ? c->val : 777);
}
END_TEST

/* --- control_readline --- */

struct linecase {
	struct bytes	 file;
	int		 want;
	struct bytes	 val;
	size_t		 line;
	const char	*why;
};

static const struct linecase lines[] = {
	{ ABSENT,			0,	S(""),	0, NULL },
	{ S("mx.example.org\n"),	1,	S("mx.example.org"), 0, NULL },
	{ S("mx.example.org"),		1,	S("mx.example.org"), 0, NULL },
	{ S("mx.example.org \t\r\n"),	1,	S("mx.example.org"), 0, NULL },
	{ S("# me\n\nmx # this host\nother\n"), 1, S("mx"), 0, NULL },
	{ S("a b  c\n"),		1,	S("a b  c"), 0, NULL },
	{ S(" mx\n"),			1,	S(" mx"), 0, NULL },
	{ S("\xc3\xa9\n"),		1,	S("\xc3\xa9"), 0, NULL },
	{ S(""),			-1,	S(""),	0, "no value" },
	{ S("#\n"),			-1,	S(""),	0, "no value" },
	{ S("\n\nm\0x\n"),		-1,	S(""),	3, "NUL byte" },
};

START_TEST(control_readline_table)
{
	const struct linecase	*c = &lines[_i];
	struct sa		 out = SA_ZERO, err = SA_ZERO;
	const char		*fn;

	unit_scratch_make();
	fn = scratch_file("me", &c->file);
	ck_assert_int_eq(sa_cats(&out, "junk"), 0);
	ck_assert_int_eq(control_readline(fn, &out, &err), c->want);
	if (c->want == 1) {
		ck_assert_uint_eq(out.len, c->val.n);
		ck_assert_mem_eq(out.s, c->val.s, out.len);
	} else if (c->want == 0)
		ck_assert_uint_eq(out.len, 0);
	else
		check_err(&err, fn, c->line, c->why);
	unit_scratch_remove();
	sa_free(&out);
	sa_free(&err);
}
END_TEST

/* --- control_readlist --- */

struct listcase {
	struct bytes	 file;
	int		 want;
	struct bytes	 val;	/* items, each followed by a NUL */
	size_t		 n;
	size_t		 line;
};

static const struct listcase lists[] = {
	{ ABSENT,				0,	S(""),		0, 0 },
	{ S(""),				1,	S(""),		0, 0 },
	{ S("a@example.org\n@example.net\n"),	1,
	    S("a@example.org\0@example.net\0"),	2, 0 },
	{ S("# subscribers\n\na \n\n#x\nb\t# c\n  \nc"), 1,
	    S("a\0b\0c\0"),				3, 0 },
	{ S("a\r\nb\r\n"),			1,	S("a\0b\0"),	2, 0 },
	{ S(" a\n"),				1,	S(" a\0"),	1, 0 },
	{ S("a\nb\nc\0\n"),			-1,	S(""),		0, 3 },
};

START_TEST(control_readlist_table)
{
	const struct listcase	*c = &lists[_i];
	struct sa		 out = SA_ZERO, err = SA_ZERO;
	size_t			 n = 99;
	const char		*fn;

	unit_scratch_make();
	fn = scratch_file("subscribers", &c->file);
	ck_assert_int_eq(control_readlist(fn, &out, &n, &err), c->want);
	if (c->want >= 0) {
		ck_assert_uint_eq(n, c->n);
		ck_assert_uint_eq(out.len, c->val.n);
		if (out.len > 0)
			ck_assert_mem_eq(out.s, c->val.s, out.len);
	} else
		check_err(&err, fn, c->line, "NUL byte");
	unit_scratch_remove();
	sa_free(&out);
	sa_free(&err);
}
END_TEST

/* --- errors that are not about a line --- */

START_TEST(control_notafile)
{
	struct sa	 out = SA_ZERO, err = SA_ZERO;
	unsigned long	 val;
	char		 fn[UNIT_PATHSZ];

	unit_scratch_make();
	unit_scratch_path(fn, "dir", NULL);
	ck_assert_int_eq(mkdir(fn, 0700), 0);
	ck_assert_int_eq(control_readuint(fn, 0, 10, 5, &val, &err), -1);
	check_err(&err, fn, 0, strerror(EISDIR));
	ck_assert_int_eq(control_readline(fn, &out, &err), -1);
	check_err(&err, fn, 0, strerror(EISDIR));
	unit_scratch_remove();
	sa_free(&out);
	sa_free(&err);
}
END_TEST

START_TEST(control_toolarge)
{
	struct sa	 out = SA_ZERO, err = SA_ZERO;
	size_t		 n;
	char		 fn[UNIT_PATHSZ];

	unit_scratch_make();
	unit_scratch_path(fn, "subscribers", NULL);
	unit_writefile(fn, "a\n", 2, 0600);
	ck_assert_int_eq(truncate(fn, (off_t)CONTROL_MAXFILE + 1), 0);
	ck_assert_int_eq(control_readlist(fn, &out, &n, &err), -1);
	check_err(&err, fn, 0, "file too large");
	ck_assert_int_eq(control_readline(fn, &out, &err), -1);
	check_err(&err, fn, 0, "file too large");
	unit_scratch_remove();
	sa_free(&out);
	sa_free(&err);
}
END_TEST

static Suite *
control_suite(void)
{
	Suite	*s = suite_create("control");
	TCase	*tc = tcase_create("control");

	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_loop_test(tc, control_readuint_table, 0,
	    sizeof uints / sizeof uints[0]);
	tcase_add_loop_test(tc, control_scanuint_table, 0,
	    sizeof scans / sizeof scans[0]);
	tcase_add_loop_test(tc, control_readline_table, 0,
	    sizeof lines / sizeof lines[0]);
	tcase_add_loop_test(tc, control_readlist_table, 0,
	    sizeof lists / sizeof lists[0]);
	tcase_add_test(tc, control_notafile);
	tcase_add_test(tc, control_toolarge);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(control_suite());
}
