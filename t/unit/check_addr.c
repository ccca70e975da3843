/* ISC license. */
/* check_addr.c: RFC 5321 paths: brackets, source routes, quoted local
 * parts, address literals, length caps, control characters, SMTPUTF8. */
#include "sysdeps.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "sa.h"
#include "unit.h"

#define NONE	{ NULL, 0 }

/* --- addr_parse_path: the big table --- */

struct pathcase {
	struct bytes	 in;
	int		 utf8;
	int		 want;
	struct bytes	 out;	/* for ADDR_OK */
	size_t		 used;	/* for ADDR_OK and ADDR_NULL */
};

static const struct pathcase paths[] = {
	/* the null path, alone or with ESMTP parameters */
	{ S("<>"),			0, ADDR_NULL, NONE, 2 },
	{ S("<> SIZE=1000"),		0, ADDR_NULL, NONE, 2 },
	{ S("<>>"),			0, ADDR_NULL, NONE, 2 },
	{ S("< >"),			0, ADDR_SYNTAX, NONE, 0 },
	/* plain mailboxes; the domain is lowercased, the local part kept */
	{ S("<a@b.c>"),			0, ADDR_OK, S("a@b.c"), 7 },
	{ S("<Joe.Q.Public@Example.ORG>"), 0, ADDR_OK,
	    S("Joe.Q.Public@example.org"), 26 },
	{ S("<a@b>"),			0, ADDR_OK, S("a@b"), 5 },
	{ S("<a@b.c> SIZE=1000 BODY=8BITMIME"), 0, ADDR_OK, S("a@b.c"), 7 },
	{ S("<a@b.c>>"),		0, ADDR_OK, S("a@b.c"), 7 },
	{ S("<a@b.c>x"),		0, ADDR_OK, S("a@b.c"), 7 },
	{ S("<!#$%&'*+-/=?^_`{|}~@b.c>"), 0, ADDR_OK,
	    S("!#$%&'*+-/=?^_`{|}~@b.c"), 25 },
	{ S("<a-@b.c>"),		0, ADDR_OK, S("a-@b.c"), 8 },
	{ S("<1@2.3>"),			0, ADDR_OK, S("1@2.3"), 7 },
	{ S("<A@B-C.D>"),		0, ADDR_OK, S("A@b-c.d"), 9 },
	{ S("<a@xn--bcher-kva.example>"), 0, ADDR_OK,
	    S("a@xn--bcher-kva.example"), 25 },
	{ S("<a@b--c.d>"),		0, ADDR_OK, S("a@b--c.d"), 10 },
	/* source routes are dropped */
	{ S("<@x,@y:a@b.c>"),		0, ADDR_OK, S("a@b.c"), 13 },
	{ S("<@x.example:a@B.C>"),	0, ADDR_OK, S("a@b.c"), 18 },
	{ S("<@x,@y.z,@[192.0.2.1]:a@b.c> SIZE=1"), 0, ADDR_OK,
	    S("a@b.c"), 28 },
	{ S("<@x:postmaster>"),		0, ADDR_OK, S("postmaster"), 15 },
	{ S("<@x,y:a@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<@:a@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<@x,:a@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<@x,@y,a@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<@x_y:a@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<@x.:a@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<@x:>"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<@b.c>"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<x,@y:a@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	/* quoted local parts, kept as written */
	{ S("<\"a b\"@b.c>"),		0, ADDR_OK, S("\"a b\"@b.c"), 11 },
	{ S("<\"a\\\"b\"@b.c>"),	0, ADDR_OK, S("\"a\\\"b\"@b.c"), 12 },
	{ S("<\"a\\\\b\"@b.c>"),	0, ADDR_OK, S("\"a\\\\b\"@b.c"), 12 },
	{ S("<\"a\\b\"@b.c>"),		0, ADDR_OK, S("\"a\\b\"@b.c"), 11 },
	{ S("<\"a>b\"@b.c> SIZE=1"),	0, ADDR_OK, S("\"a>b\"@b.c"), 11 },
	{ S("<\"a<b\"@b.c>"),		0, ADDR_OK, S("\"a<b\"@b.c"), 11 },
	{ S("<\"a@b\"@C.D>"),		0, ADDR_OK, S("\"a@b\"@c.d"), 11 },
	{ S("<\"\\>\"@b.c>"),		0, ADDR_OK, S("\"\\>\"@b.c"), 10 },
	{ S("<\"\"@b.c>"),		0, ADDR_OK, S("\"\"@b.c"), 8 },
	{ S("<\"a\".b@c.d>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\"a\"b@c.d>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\"abc@d.e>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\"a\\\"@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\"a\x01\"@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\"a\\\x01\"@b.c>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\"a\x7f\"@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\"a\\\x7f\"@b.c>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\"a\0\"@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\"a\r\n\"@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	/* postmaster without a domain (RFC 5321 4.5.1), any case */
	{ S("<postmaster>"),		0, ADDR_OK, S("postmaster"), 12 },
	{ S("<PostMaster> SIZE=10"),	0, ADDR_OK, S("PostMaster"), 12 },
	{ S("<postmaster2>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<postmaste>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<postmaster@Example.COM>"), 0, ADDR_OK,
	    S("postmaster@example.com"), 24 },
	{ S("<abuse>"),			0, ADDR_SYNTAX, NONE, 0 },
	/* address literals */
	{ S("<a@[192.0.2.1]>"),		0, ADDR_OK, S("a@[192.0.2.1]"), 15 },
	{ S("<a@[IPv6:2001:DB8::1]>"),	0, ADDR_OK,
	    S("a@[ipv6:2001:db8::1]"), 22 },
	{ S("<a@[ipv6:::1]>"),		0, ADDR_OK, S("a@[ipv6:::1]"), 14 },
	{ S("<a@[IPv6:::ffff:192.0.2.1]>"), 0, ADDR_OK,
	    S("a@[ipv6:::ffff:192.0.2.1]"), 27 },
	{ S("<a@[192.0.2.256]>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[192.0.2]>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[192.0.2.1.5]>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[ 192.0.2.1]>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[IPv6:2001:db8::g]>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[IPv6:192.0.2.1]>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[IPv6:]>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[IPv6:1:2:3:4:5:6:7:8:9]>"), 0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[2001:db8::1]>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[IPv4:192.0.2.1]>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[]>"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[192.0.2.1>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@192.0.2.1]>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[192.0.2.1]x>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[192.0.2.1].c>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[192.0.2.1\0]>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[192.0.2.1\0junk]>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[IPv6:::1\0x]>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@[192.0.2.1\n]>"),	0, ADDR_SYNTAX, NONE, 0 },
	/* control characters and NUL, anywhere */
	{ S("<a\0@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b\0.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b.c\0>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\0a@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a\x01@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b\x7f.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b.c\r>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a\n@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a\t@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a @b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@ b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@\x1b[2Jb.c>"),		1, ADDR_SYNTAX, NONE, 0 },
	/* brackets */
	{ S(""),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("a@b.c"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S(" <a@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b.c"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b.c SIZE=10"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S(">"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<<a@b.c>>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a<b@c.d>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a>"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<@>"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@>"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<@b.c>"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b@c.d>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a(b)@c.d>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a,b@c.d>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a:b@c.d>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a[b]@c.d>"),		0, ADDR_SYNTAX, NONE, 0 },
	/* dots */
	{ S("<a@b.c.>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@.b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b..c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@.>"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a.@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<.a@b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a..b@c.d>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<.@b.c>"),			0, ADDR_SYNTAX, NONE, 0 },
	/* hyphens: not first or last in a label */
	{ S("<a@-b.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b-.c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b.-c>"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b.c->"),		0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@->"),			0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b_c.d>"),		0, ADDR_SYNTAX, NONE, 0 },
	/* UTF-8 only with SMTPUTF8; the domain lowercased in ASCII only */
	{ S("<j\xc3\xb6rg@b.c>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<j\xc3\xb6rg@b.c>"),	1, ADDR_OK, S("j\xc3\xb6rg@b.c"), 11 },
	{ S("<a@b\xc3\xbc" "cher.example>"), 0, ADDR_SYNTAX, NONE, 0 },
	{ S("<a@b\xc3\xbc" "cher.example>"), 1, ADDR_OK,
	    S("a@b\xc3\xbc" "cher.example"), 19 },
	{ S("<A@B\xc3\x9c" "CHER.Example>"), 1, ADDR_OK,
	    S("A@b\xc3\x9c" "cher.example"), 19 },
	{ S("<\"j\xc3\xb6 rg\"@b.c>"),	0, ADDR_SYNTAX, NONE, 0 },
	{ S("<\"j\xc3\xb6 rg\"@b.c>"),	1, ADDR_OK,
	    S("\"j\xc3\xb6 rg\"@b.c"), 14 },
	{ S("<\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\xb9\xbf"
	    "\xe5\x91\x8a>"), 1, ADDR_OK,
	    S("\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\xb9\xbf"
	    "\xe5\x91\x8a"), 22 },
	{ S("<@r\xc3\xbc:a@b.c>"),	1, ADDR_OK, S("a@b.c"), 12 },
	{ S("<a@b.c\xc2\xa0>"),		0, ADDR_SYNTAX, NONE, 0 },
};

START_TEST(addr_path_table)
{
	const struct pathcase	*c = &paths[_i];
	struct sa		 out = SA_ZERO;
	size_t			 used = 9999;
	int			 r;

	ck_assert_int_eq(sa_cats(&out, "stale"), 0);
	r = addr_parse_path(c->in.s, c->in.n, c->utf8, &out, &used);
	ck_assert_msg(r == c->want, "got %s, want %s", addr_strerror(r),
	    addr_strerror(c->want));
	if (r == ADDR_OK || r == ADDR_NULL)
		ck_assert_uint_eq(used, c->used);
	if (r == ADDR_OK) {
		ck_assert_uint_eq(out.len, c->out.n);
		ck_assert_mem_eq(out.s, c->out.s, out.len);
	} else
		ck_assert_uint_eq(out.len, 0);
	sa_free(&out);
}
END_TEST

/* The length of the input is what counts, not a NUL: parse a prefix of
 * a longer buffer, and a copy of exactly that size (so an overread of
 * the bytes given shows under valgrind). */
START_TEST(addr_path_exact)
{
	const struct pathcase	*c = &paths[_i];
	struct sa		 out = SA_ZERO;
	size_t			 used;
	char			*copy;

	copy = malloc(c->in.n > 0 ? c->in.n : 1);
	ck_assert_ptr_nonnull(copy);
	if (c->in.n > 0)
		memcpy(copy, c->in.s, c->in.n);
	ck_assert_int_eq(addr_parse_path(copy, c->in.n, c->utf8, &out,
	    &used), c->want);
	free(copy);
	sa_free(&out);
}
END_TEST

/* --- lengths: local part 64, label 63, domain 255, path 256 --- */

struct lencase {
	size_t	 local;		/* octets of local part */
	size_t	 domain;	/* octets of domain */
	size_t	 label;		/* longest label */
	size_t	 route;		/* octets of an "@r...r:" source route */
	int	 want;
};

static const struct lencase lens[] = {
	{ 64,	5,	5,	0,	ADDR_OK },
	{ 65,	5,	5,	0,	ADDR_TOOLONG },
	{ 1,	63,	63,	0,	ADDR_OK },
	{ 1,	64,	64,	0,	ADDR_SYNTAX },
	{ 1,	127,	63,	0,	ADDR_OK },
	{ 64,	189,	63,	0,	ADDR_OK },	/* path 256 */
	{ 64,	190,	63,	0,	ADDR_TOOLONG },	/* path 257 */
	{ 1,	252,	63,	0,	ADDR_OK },	/* path 256 */
	{ 1,	253,	63,	0,	ADDR_TOOLONG },
	{ 1,	5,	5,	247,	ADDR_OK },	/* the route counts */
	{ 1,	5,	5,	248,	ADDR_TOOLONG },
	{ 200,	5,	5,	0,	ADDR_TOOLONG },
	{ 1,	1000,	63,	0,	ADDR_TOOLONG },
};

/* n octets of labels of at most lab octets, joined by dots */
static void
mkdomain(struct sa *x, char c, size_t n, size_t lab)
{
	size_t	 run = 0, i;

	for (i = 0; i < n; i++) {
		if (run == lab && i + 1 < n) {
			ck_assert_int_eq(sa_catc(x, '.'), 0);
			run = 0;
		} else {
			ck_assert_int_eq(sa_catc(x, c), 0);
			run++;
		}
	}
}

START_TEST(addr_len_table)
{
	const struct lencase	*c = &lens[_i];
	struct sa		 in = SA_ZERO, out = SA_ZERO;
	size_t			 used = 0, i, start;

	ck_assert_int_eq(sa_catc(&in, '<'), 0);
	if (c->route > 0) {
		ck_assert_int_eq(sa_catc(&in, '@'), 0);
		mkdomain(&in, 'r', c->route - 2, 63);
		ck_assert_int_eq(sa_catc(&in, ':'), 0);
	}
	start = in.len;
	for (i = 0; i < c->local; i++)
		ck_assert_int_eq(sa_catc(&in, 'L'), 0);
	ck_assert_int_eq(sa_catc(&in, '@'), 0);
	mkdomain(&in, 'D', c->domain, c->label);
	ck_assert_int_eq(sa_cats(&in, "> SIZE=10"), 0);
	ck_assert_int_eq(addr_parse_path(in.s, in.len, 0, &out, &used),
	    c->want);
	if (c->want == ADDR_OK) {
		ck_assert_uint_eq(used, in.len - 8);
		ck_assert_uint_le(used, ADDR_MAXPATH);
		ck_assert_uint_eq(out.len, c->local + 1 + c->domain);
		ck_assert_mem_eq(out.s, in.s + start, c->local + 1);
		for (i = c->local + 1; i < out.len; i++)
			ck_assert(out.s[i] == 'd' || out.s[i] == '.');
	}
	sa_free(&in);
	sa_free(&out);
}
END_TEST

/* a path over 256 octets with no '>' at all is too long, not a syntax
 * error: a client needs to know which */
START_TEST(addr_len_unclosed)
{
	struct sa	 in = SA_ZERO, out = SA_ZERO;
	size_t		 used;

	ck_assert_int_eq(sa_catc(&in, '<'), 0);
	while (in.len < 300)
		ck_assert_int_eq(sa_catc(&in, 'a'), 0);
	ck_assert_int_eq(addr_parse_path(in.s, in.len, 0, &out, &used),
	    ADDR_TOOLONG);
	ck_assert_int_eq(addr_parse_path(in.s, 200, 0, &out, &used),
	    ADDR_SYNTAX);
	sa_free(&in);
	sa_free(&out);
}
END_TEST

/* --- addr_parse_mailbox: a whole string, no brackets --- */

struct mboxcase {
	struct bytes	 in;
	int		 utf8;
	int		 want;
	struct bytes	 out;
};

static const struct mboxcase mboxes[] = {
	{ S("a@B.C"),		0, ADDR_OK,	S("a@b.c") },
	{ S("postmaster"),	0, ADDR_OK,	S("postmaster") },
	{ S("\"x y\"@Z"),	0, ADDR_OK,	S("\"x y\"@z") },
	{ S("a@[192.0.2.1]"),	0, ADDR_OK,	S("a@[192.0.2.1]") },
	{ S("<a@b.c>"),		0, ADDR_SYNTAX,	NONE },
	{ S("a@b.c "),		0, ADDR_SYNTAX,	NONE },
	{ S("a@b.c>"),		0, ADDR_SYNTAX,	NONE },
	{ S("@x:a@b.c"),	0, ADDR_SYNTAX,	NONE },
	{ S("a"),		0, ADDR_SYNTAX,	NONE },
	{ S(""),		0, ADDR_SYNTAX,	NONE },
	{ S("j\xc3\xb6@b"),	0, ADDR_SYNTAX,	NONE },
	{ S("j\xc3\xb6@b"),	1, ADDR_OK,	S("j\xc3\xb6@b") },
	{ S("a@b\0"),		0, ADDR_SYNTAX,	NONE },
};

START_TEST(addr_mailbox_table)
{
	const struct mboxcase	*c = &mboxes[_i];
	struct sa		 out = SA_ZERO;

	ck_assert_int_eq(addr_parse_mailbox(c->in.s, c->in.n, c->utf8, &out),
	    c->want);
	if (c->want == ADDR_OK) {
		ck_assert_uint_eq(out.len, c->out.n);
		ck_assert_mem_eq(out.s, c->out.s, out.len);
	}
	sa_free(&out);
}
END_TEST

/* --- helpers --- */

struct domcase {
	struct bytes	 in;
	int		 want;
};

static const struct domcase doms[] = {
	{ S("example.org"),		1 },
	{ S("EXAMPLE.org"),		1 },
	{ S("a"),			1 },
	{ S("a-b.c"),			1 },
	{ S("b\xc3\xbc" "cher.example"), 1 },	/* U-labels allowed here */
	{ S("[192.0.2.1]"),		1 },
	{ S("[IPv6:2001:db8::1]"),	1 },
	{ S(""),			0 },
	{ S("a."),			0 },
	{ S(".a"),			0 },
	{ S("a..b"),			0 },
	{ S("-a"),			0 },
	{ S("a-"),			0 },
	{ S("a_b"),			0 },
	{ S("a b"),			0 },
	{ S("a\0b"),			0 },
	{ S("[192.0.2]"),		0 },
	{ S("[192.0.2.1\0]"),		0 },
};

START_TEST(addr_domainok_table)
{
	const struct domcase *c = &doms[_i];

	ck_assert_int_eq(addr_domainok(c->in.s, c->in.n), c->want);
}
END_TEST

/* domain 255 is the cap for a bare domain; labels 63 */
START_TEST(addr_domainok_len)
{
	static const size_t	 n[] = { 63, 64, 255, 256 };
	static const int	 want[] = { 1, 0, 1, 0 };
	struct sa		 d = SA_ZERO;

	mkdomain(&d, 'x', n[_i], _i < 2 ? 64 : 63);
	ck_assert_uint_eq(d.len, n[_i]);
	ck_assert_int_eq(addr_domainok(d.s, d.len), want[_i]);
	sa_free(&d);
}
END_TEST

struct domaincase {
	struct bytes	 in;
	struct bytes	 want;
};

static const struct domaincase domains[] = {
	{ S("a@b.c"),		S("b.c") },
	{ S("\"x@y\"@z.org"),	S("z.org") },
	{ S("a@"),		S("") },
	{ S("postmaster"),	S("") },
	{ S(""),		S("") },
};

START_TEST(addr_domain_table)
{
	const struct domaincase	*c = &domains[_i];
	const char		*d;
	size_t			 n = 999;

	d = addr_domain(c->in.s, c->in.n, &n);
	ck_assert_uint_eq(n, c->want.n);
	ck_assert_ptr_eq(d, c->in.s + c->in.n - n);
	if (n > 0)
		ck_assert_mem_eq(d, c->want.s, n);
}
END_TEST

struct eqcase {
	struct bytes	 a, b;
	int		 want;
};

static const struct eqcase eqs[] = {
	{ S("a@b.c"),	S("a@b.c"),	1 },
	{ S("A@B.C"),	S("a@b.c"),	1 },
	{ S("a@b.c"),	S("a@b.cd"),	0 },
	{ S("a@b.c"),	S("b@b.c"),	0 },
	{ S(""),	S(""),		1 },
	{ S("\xc3\x84@x"), S("\xc3\xa4@x"), 0 },	/* ASCII only */
};

START_TEST(addr_eq_table)
{
	const struct eqcase *c = &eqs[_i];

	ck_assert_int_eq(addr_eq(c->a.s, c->a.n, c->b.s, c->b.n), c->want);
	ck_assert_int_eq(addr_eq(c->b.s, c->b.n, c->a.s, c->a.n), c->want);
}
END_TEST

START_TEST(addr_strerror_all)
{
	int	 r;

	for (r = ADDR_OK; r <= ADDR_NULL; r++)
		ck_assert_uint_gt(strlen(addr_strerror(r)), 0);
	ck_assert_str_eq(addr_strerror(ADDR_TOOLONG), "address too long");
	ck_assert_str_eq(addr_strerror(42), "unknown address error");
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite	*s = suite_create("addr");
	TCase	*tc = tcase_create("addr");
	int	 np = (int)(sizeof paths / sizeof paths[0]);

	tcase_add_loop_test(tc, addr_path_table, 0, np);
	tcase_add_loop_test(tc, addr_path_exact, 0, np);
	tcase_add_loop_test(tc, addr_len_table, 0,
	    sizeof lens / sizeof lens[0]);
	tcase_add_test(tc, addr_len_unclosed);
	tcase_add_loop_test(tc, addr_mailbox_table, 0,
	    sizeof mboxes / sizeof mboxes[0]);
	tcase_add_loop_test(tc, addr_domainok_table, 0,
	    sizeof doms / sizeof doms[0]);
	tcase_add_loop_test(tc, addr_domainok_len, 0, 4);
	tcase_add_loop_test(tc, addr_domain_table, 0,
	    sizeof domains / sizeof domains[0]);
	tcase_add_loop_test(tc, addr_eq_table, 0, sizeof eqs / sizeof eqs[0]);
	tcase_add_test(tc, addr_strerror_all);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(addr_suite());
}
