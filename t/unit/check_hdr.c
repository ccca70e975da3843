/* ISC license. */
/* check_hdr.c: the header walker: a table of sections (folding, LF and
 * CRLF, no body, lines that are no field, every cap), then the default
 * caps on generated input.  Each input is copied into a buffer of its
 * exact size, so a read past the end shows under valgrind and ASan. */
#include "sysdeps.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "sa.h"
#include "unit.h"

#define END	HDR_END
#define SYNTAX	HDR_SYNTAX
#define TOOLONG	HDR_TOOLONG
#define TOOMANY	HDR_TOOMANY

struct hcase {
	struct bytes	 in;
	size_t		 maxname, maxfield, maxcount, maxblock; /* 0: default */
	struct bytes	 fields;	/* "[name][value]" each */
	int		 result;
	const char	*rest;		/* the bytes from h.body on */
	int		 blank;
};

static const struct hcase cases[] = {
	/* plain, LF and CRLF */
	{ S("Subject: hi\nTo: a\n\nbody\n"), 0, 0, 0, 0,
	    S("[Subject][ hi][To][ a]"), END, "body\n", 1 },
	{ S("Subject: hi\r\nTo: a\r\n\r\nbody\r\n"), 0, 0, 0, 0,
	    S("[Subject][ hi][To][ a]"), END, "body\r\n", 1 },
	{ S("Subject:hi\n\n"), 0, 0, 0, 0, S("[Subject][hi]"), END, "", 1 },
	{ S("Subject:\n\n"), 0, 0, 0, 0, S("[Subject][]"), END, "", 1 },
	{ S("Subject:\r\n\r\n"), 0, 0, 0, 0, S("[Subject][]"), END, "", 1 },
	/* folding, kept raw in the value */
	{ S("Subject: a\n b\n\tc\nTo: x\n\nB"), 0, 0, 0, 0,
	    S("[Subject][ a\n b\n\tc][To][ x]"), END, "B", 1 },
	{ S("Subject: a\r\n b\r\n\r\nB"), 0, 0, 0, 0,
	    S("[Subject][ a\r\n b]"), END, "B", 1 },
	{ S("Subject: a\n \nTo: b\n\n"), 0, 0, 0, 0,
	    S("[Subject][ a\n ][To][ b]"), END, "", 1 },
	/* no body: the buffer ends the section */
	{ S("Subject: hi\n"), 0, 0, 0, 0, S("[Subject][ hi]"), END, "", 0 },
	{ S("Subject: hi"), 0, 0, 0, 0, S("[Subject][ hi]"), END, "", 0 },
	{ S("Subject: hi\r"), 0, 0, 0, 0, S("[Subject][ hi\r]"), END, "", 0 },
	{ S("Subject: a\n b"), 0, 0, 0, 0, S("[Subject][ a\n b]"), END, "", 0 },
	{ S(""), 0, 0, 0, 0, S(""), END, "", 0 },
	/* an empty section */
	{ S("\nbody"), 0, 0, 0, 0, S(""), END, "body", 1 },
	{ S("\r\nbody"), 0, 0, 0, 0, S(""), END, "body", 1 },
	{ S("\n"), 0, 0, 0, 0, S(""), END, "", 1 },
	/* obsolete WSP before the colon; odd bytes in values */
	{ S("Subject \t: x\n\n"), 0, 0, 0, 0, S("[Subject][ x]"), END, "", 1 },
	{ S("Subject: a\0b\n\n"), 0, 0, 0, 0, S("[Subject][ a\0b]"), END, "",
	    1 },
	{ S("Subject: a\rb\n\n"), 0, 0, 0, 0, S("[Subject][ a\rb]"), END, "",
	    1 },
	{ S("X:y:z\n\n"), 0, 0, 0, 0, S("[X][y:z]"), END, "", 1 },
	/* lines that are no field: the body starts there */
	{ S("Subject: a\nnot a header\n\nbody"), 0, 0, 0, 0,
	    S("[Subject][ a]"), SYNTAX, "not a header\n\nbody", 0 },
	{ S("Subject"), 0, 0, 0, 0, S(""), SYNTAX, "Subject", 0 },
	{ S("Subject\nTo: x\n"), 0, 0, 0, 0, S(""), SYNTAX, "Subject\nTo: x\n",
	    0 },
	{ S(" folded\nSubject: x\n"), 0, 0, 0, 0, S(""), SYNTAX,
	    " folded\nSubject: x\n", 0 },
	{ S("From a@b Mon Jan 1\nSubject: x\n"), 0, 0, 0, 0, S(""), SYNTAX,
	    "From a@b Mon Jan 1\nSubject: x\n", 0 },
	{ S("Sub\x01ject: x\n"), 0, 0, 0, 0, S(""), SYNTAX, "Sub\x01ject: x\n",
	    0 },
	{ S("Sub\xc3\xa9: x\n"), 0, 0, 0, 0, S(""), SYNTAX, "Sub\xc3\xa9: x\n",
	    0 },
	{ S(": x\n"), 0, 0, 0, 0, S(""), SYNTAX, ": x\n", 0 },
	{ S("A: 1\n\r\n"), 0, 0, 0, 0, S("[A][ 1]"), END, "", 1 },
	{ S("A: 1\n\rB: 2\n"), 0, 0, 0, 0, S("[A][ 1]"), SYNTAX, "\rB: 2\n",
	    0 },
	/* the name cap */
	{ S("Abcdefgh: x\n\n"), 8, 0, 0, 0, S("[Abcdefgh][ x]"), END, "", 1 },
	{ S("Abcdefghi: x\n\n"), 8, 0, 0, 0, S(""), TOOLONG,
	    "Abcdefghi: x\n\n", 0 },
	{ S("Abcdefghi no colon\n"), 8, 0, 0, 0, S(""), TOOLONG,
	    "Abcdefghi no colon\n", 0 },
	{ S("Abcdefgh no colon\n"), 8, 0, 0, 0, S(""), SYNTAX,
	    "Abcdefgh no colon\n", 0 },
	/* the field cap: 16 bytes with the line end */
	{ S("Subject: 012345\n\n"), 0, 16, 0, 0, S("[Subject][ 012345]"), END,
	    "", 1 },
	{ S("Subject: 0123456\n\n"), 0, 16, 0, 0, S(""), TOOLONG,
	    "Subject: 0123456\n\n", 0 },
	{ S("Subject: 0123456"), 0, 16, 0, 0, S("[Subject][ 0123456]"), END, "",
	    0 },
	{ S("Subject: 01234567"), 0, 16, 0, 0, S(""), TOOLONG,
	    "Subject: 01234567", 0 },
	{ S("A: 1\nS: a\n bbbbbbbbbb\n\n"), 0, 16, 0, 0, S("[A][ 1]"), TOOLONG,
	    "S: a\n bbbbbbbbbb\n\n", 0 },
	{ S("A: 1\nS: a\n bbbbbbbbb\n\n"), 0, 16, 0, 0,
	    S("[A][ 1][S][ a\n bbbbbbbbb]"), END, "", 1 },
	/* the count cap */
	{ S("A: 1\nB: 2\nC: 3\n\n"), 0, 0, 2, 0, S("[A][ 1][B][ 2]"), TOOMANY,
	    "C: 3\n\n", 0 },
	{ S("A: 1\nB: 2\n\nC: 3\n"), 0, 0, 2, 0, S("[A][ 1][B][ 2]"), END,
	    "C: 3\n", 1 },
	{ S("A: 1\nB: 2\nbad line\n"), 0, 0, 2, 0, S("[A][ 1][B][ 2]"),
	    SYNTAX, "bad line\n", 0 },
	/* the section cap, the empty line included */
	{ S("A: 1\nB: 2\n\nbody"), 0, 0, 0, 11, S("[A][ 1][B][ 2]"), END,
	    "body", 1 },
	{ S("A: 1\nB: 2\n\nbody"), 0, 0, 0, 10, S("[A][ 1][B][ 2]"), TOOLONG,
	    "\nbody", 0 },
	{ S("A: 1\nB: 2\n\nbody"), 0, 0, 0, 7, S("[A][ 1]"), TOOLONG,
	    "B: 2\n\nbody", 0 },
	{ S("A: 1\nB: 2"), 0, 0, 0, 7, S("[A][ 1]"), TOOLONG, "B: 2", 0 },
};

START_TEST(hdr_table)
{
	const struct hcase	*c = &cases[_i];
	struct hdr		 h;
	struct hdr_field	 f;
	struct sa		 got = SA_ZERO;
	char			*buf;
	size_t			 end = 0;
	int			 r;

	buf = malloc(c->in.n > 0 ? c->in.n : 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, c->in.s, c->in.n);
	hdr_init(&h, buf, c->in.n);
	if (c->maxname)
		h.maxname = c->maxname;
	if (c->maxfield)
		h.maxfield = c->maxfield;
	if (c->maxcount)
		h.maxcount = c->maxcount;
	if (c->maxblock)
		h.maxblock = c->maxblock;
	while ((r = hdr_next(&h, &f)) == HDR_FIELD) {
		/* fields follow each other; name and value lie inside */
		ck_assert_uint_eq(f.off, end);
		end = f.off + f.len;
		ck_assert(f.name == buf + f.off);
		ck_assert(f.value >= f.name + f.namelen);
		ck_assert(f.value + f.valuelen <= buf + end);
		ck_assert_int_eq(sa_catc(&got, '['), 0);
		ck_assert_int_eq(sa_catb(&got, f.name, f.namelen), 0);
		ck_assert_int_eq(sa_cats(&got, "]["), 0);
		ck_assert_int_eq(sa_catb(&got, f.value, f.valuelen), 0);
		ck_assert_int_eq(sa_catc(&got, ']'), 0);
	}
	ck_assert_msg(got.len == c->fields.n && (got.len == 0 ||
	    memcmp(got.s, c->fields.s, got.len) == 0), "case %d: fields %.*s",
	    _i, (int)got.len, got.len > 0 ? got.s : "");
	ck_assert_int_eq(r, c->result);
	ck_assert_uint_le(h.body, c->in.n);
	ck_assert_uint_eq(c->in.n - h.body, strlen(c->rest));
	ck_assert_mem_eq(buf + h.body, c->rest, strlen(c->rest));
	ck_assert_int_eq(h.blank, c->blank);
	ck_assert_int_eq(hdr_next(&h, &f), c->result);	/* sticky */
	ck_assert_uint_eq(c->in.n - h.body, strlen(c->rest));
	sa_free(&got);
	free(buf);
}
END_TEST

/* Append one field of exactly size bytes (at least 5): "S:" and folded
 * lines of SP, 'v's and LF. */
static void
bigfield(struct sa *out, size_t size)
{
	char	 line[161];
	size_t	 left = size - 2, k;
	int	 r;

	r = sa_cats(out, "S:");
	line[0] = ' ';
	memset(line + 1, 'v', sizeof line - 1);
	while (left > 0 && r == 0) {
		k = left > 160 ? 78 : left - 2;	/* the last line: the rest */
		line[k + 1] = '\n';
		r = sa_catb(out, line, k + 2);
		line[k + 1] = 'v';
		left -= k + 2;
	}
	ck_assert_int_eq(r, 0);
}

/* the walk of m: the outcome, and the fields in *nfields */
static int
walk(const struct sa *m, size_t *nfields)
{
	struct hdr	 h;
	struct hdr_field f;
	int		 r;

	hdr_init(&h, m->s, m->len);
	*nfields = 0;
	while ((r = hdr_next(&h, &f)) == HDR_FIELD)
		(*nfields)++;
	return r;
}

START_TEST(hdr_default_caps)
{
	struct sa	 m = SA_ZERO;
	size_t		 n, i;

	for (i = 0; i < HDR_MAXNAME; i++)
		ck_assert_int_eq(sa_catc(&m, 'N'), 0);
	ck_assert_int_eq(sa_cats(&m, ": x\n\nbody"), 0);
	ck_assert_int_eq(walk(&m, &n), END);
	ck_assert_int_eq(sa_copys(&m, "N"), 0);
	for (i = 0; i < HDR_MAXNAME; i++)
		ck_assert_int_eq(sa_catc(&m, 'N'), 0);
	ck_assert_int_eq(sa_cats(&m, ": x\n\nbody"), 0);
	ck_assert_int_eq(walk(&m, &n), TOOLONG);
	ck_assert_uint_eq(n, 0);
	m.len = 0;
	bigfield(&m, HDR_MAXFIELD);
	ck_assert_uint_eq(m.len, HDR_MAXFIELD);
	ck_assert_int_eq(sa_cats(&m, "\nbody"), 0);
	ck_assert_int_eq(walk(&m, &n), END);
	ck_assert_uint_eq(n, 1);
	m.len = 0;
	bigfield(&m, HDR_MAXFIELD + 1);
	ck_assert_int_eq(sa_cats(&m, "\nbody"), 0);
	ck_assert_int_eq(walk(&m, &n), TOOLONG);
	ck_assert_uint_eq(n, 0);
	m.len = 0;
	for (i = 0; i < HDR_MAXCOUNT; i++)
		ck_assert_int_eq(sa_cats(&m, "X: v\n"), 0);
	ck_assert_int_eq(walk(&m, &n), END);
	ck_assert_uint_eq(n, HDR_MAXCOUNT);
	ck_assert_int_eq(sa_cats(&m, "X: v\n\nbody"), 0);
	ck_assert_int_eq(walk(&m, &n), TOOMANY);
	ck_assert_uint_eq(n, HDR_MAXCOUNT);
	sa_free(&m);
}
END_TEST

START_TEST(hdr_section_cap)
{
	struct sa	 m = SA_ZERO;
	size_t		 n, i;

	/* fields of 60000 bytes: each under the field cap, 18 of them over
	 * the section cap */
	for (i = 0; i < 20; i++)
		bigfield(&m, 60000);
	ck_assert_int_eq(sa_cats(&m, "\nbody"), 0);
	ck_assert_int_eq(walk(&m, &n), TOOLONG);
	ck_assert_uint_eq(n, HDR_MAXBLOCK / 60000);
	sa_free(&m);
}
END_TEST

START_TEST(hdr_nameis_case)
{
	struct hdr_field f = { "Message-ID", 10, NULL, 0, 0, 0 };

	ck_assert(hdr_nameis(&f, "message-id"));
	ck_assert(hdr_nameis(&f, "MESSAGE-ID"));
	ck_assert(!hdr_nameis(&f, "message-i"));
	ck_assert(!hdr_nameis(&f, "message-idx"));
	ck_assert(!hdr_nameis(&f, "message_id"));
	ck_assert_str_ne(hdr_strerror(HDR_TOOLONG), hdr_strerror(HDR_SYNTAX));
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("hdr");
	TCase	*tc = tcase_create("hdr");

	tcase_add_loop_test(tc, hdr_table, 0, sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, hdr_default_caps);
	tcase_add_test(tc, hdr_section_cap);
	tcase_add_test(tc, hdr_nameis_case);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
