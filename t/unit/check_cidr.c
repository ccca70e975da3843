/* ISC license. */
/* check_cidr.c: IPv4/IPv6 blocks: parsing, host bits, odd prefixes,
 * v4-mapped addresses, malformed input. */
#include "sysdeps.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "unit.h"

/* The 16 bytes a block should hold, from libc's own parser: family 4
 * keeps the address in the first 4 bytes, the rest zero. */
static void
want_bytes(int family, const char *text, unsigned char out[16])
{
	memset(out, 0, 16);
	ck_assert_int_eq(inet_pton(family == 4 ? AF_INET : AF_INET6, text,
	    out), 1);
}

/* --- cidr_parse --- */

struct parsecase {
	struct bytes	 in;
	int		 want;
	int		 family;
	unsigned int	 bits;
	const char	*addr;	/* the stored address, host bits cleared */
};

static const struct parsecase parses[] = {
	{ S("192.0.2.0/24"),		0, 4, 24,  "192.0.2.0" },
	{ S("192.0.2.77/24"),		0, 4, 24,  "192.0.2.0" },
	{ S("192.0.3.7/23"),		0, 4, 23,  "192.0.2.0" },
	{ S("192.0.2.255/25"),		0, 4, 25,  "192.0.2.128" },
	{ S("10.255.255.255/9"),	0, 4, 9,   "10.128.0.0" },
	{ S("203.0.113.9"),		0, 4, 32,  "203.0.113.9" },
	{ S("203.0.113.9/32"),		0, 4, 32,  "203.0.113.9" },
	{ S("203.0.113.9/31"),		0, 4, 31,  "203.0.113.8" },
	{ S("0.0.0.0/0"),		0, 4, 0,   "0.0.0.0" },
	{ S("255.255.255.255/0"),	0, 4, 0,   "0.0.0.0" },
	{ S("255.255.255.255/1"),	0, 4, 1,   "128.0.0.0" },
	{ S("192.0.2.0/024"),		0, 4, 24,  "192.0.2.0" },
	{ S("2001:db8::/32"),		0, 6, 32,  "2001:db8::" },
	{ S("2001:DB8::1"),		0, 6, 128, "2001:db8::1" },
	{ S("2001:db8::1/128"),		0, 6, 128, "2001:db8::1" },
	{ S("2001:db8:ffff:ffff::/33"),	0, 6, 33,  "2001:db8:8000::" },
	{ S("2001:db8::ffff:ffff:ffff:ffff/65"), 0, 6, 65,
	    "2001:db8::8000:0:0:0" },
	{ S("2001:db8::ffff:ffff:ffff:ffff/64"), 0, 6, 64, "2001:db8::" },
	{ S("2001:db8::7/127"),		0, 6, 127, "2001:db8::6" },
	{ S("::/0"),			0, 6, 0,   "::" },
	{ S("ffff::/0"),		0, 6, 0,   "::" },
	{ S("::1"),			0, 6, 128, "::1" },
	/* mapped text stays v6 in a block, so its prefix means what it says */
	{ S("::ffff:192.0.2.7"),	0, 6, 128, "::ffff:192.0.2.7" },
	{ S("::ffff:192.0.2.77/120"),	0, 6, 120, "::ffff:192.0.2.0" },
	{ S("::ffff:0:0/96"),		0, 6, 96,  "::ffff:0.0.0.0" },
	/* malformed */
	{ S("1.2.3.4/33"),		-1, 0, 0, NULL },
	{ S("1.2.3"),			-1, 0, 0, NULL },
	{ S("::g"),			-1, 0, 0, NULL },
	{ S("1.2.3.4/"),		-1, 0, 0, NULL },
	{ S("/8"),			-1, 0, 0, NULL },
	{ S(""),			-1, 0, 0, NULL },
	{ S("/"),			-1, 0, 0, NULL },
	{ S("1.2.3.4/-1"),		-1, 0, 0, NULL },
	{ S("1.2.3.4/+8"),		-1, 0, 0, NULL },
	{ S("1.2.3.4/ 8"),		-1, 0, 0, NULL },
	{ S("1.2.3.4/8 "),		-1, 0, 0, NULL },
	{ S("1.2.3.4 /8"),		-1, 0, 0, NULL },
	{ S(" 1.2.3.4"),		-1, 0, 0, NULL },
	{ S("1.2.3.4 "),		-1, 0, 0, NULL },
	{ S("1.2.3.4/8/8"),		-1, 0, 0, NULL },
	{ S("1.2.3.4/8x"),		-1, 0, 0, NULL },
	{ S("1.2.3.4/0x8"),		-1, 0, 0, NULL },
	{ S("1.2.3.4/99999999999999999999999"), -1, 0, 0, NULL },
	{ S("256.1.1.1"),		-1, 0, 0, NULL },
	{ S("1.2.3.4.5"),		-1, 0, 0, NULL },
	{ S("1.2.3.-4"),		-1, 0, 0, NULL },
	{ S("0x1.2.3.4"),		-1, 0, 0, NULL },
	{ S("2001:db8::/129"),		-1, 0, 0, NULL },
	{ S("2001:db8:::1"),		-1, 0, 0, NULL },
	{ S("2001:db8::1::2"),		-1, 0, 0, NULL },
	{ S("1:2:3:4:5:6:7:8:9"),	-1, 0, 0, NULL },
	{ S("[::1]"),			-1, 0, 0, NULL },
	{ S("::1%lo"),			-1, 0, 0, NULL },
	{ S("::ffff:192.0.2.7/129"),	-1, 0, 0, NULL },
	{ S("example.org"),		-1, 0, 0, NULL },
	{ S("1.2.3.4\0"),		-1, 0, 0, NULL },	/* NUL */
	{ S("1.2.3.4\0/8"),		-1, 0, 0, NULL },
	{ S("1.2.3.4/8\0"),		-1, 0, 0, NULL },
	{ S("::1\0junk"),		-1, 0, 0, NULL },
	{ S("0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000"),
	    -1, 0, 0, NULL },	/* 64 bytes */
};

START_TEST(cidr_parse_table)
{
	const struct parsecase	*c = &parses[_i];
	struct cidr		 b;
	unsigned char		 want[16];
	char			*copy;

	/* exactly the bytes given: an overread shows under valgrind */
	copy = malloc(c->in.n > 0 ? c->in.n : 1);
	ck_assert_ptr_nonnull(copy);
	if (c->in.n > 0)
		memcpy(copy, c->in.s, c->in.n);
	ck_assert_int_eq(cidr_parse(&b, copy, c->in.n), c->want);
	free(copy);
	if (c->want == -1)
		return;
	ck_assert_int_eq(b.family, c->family);
	ck_assert_uint_eq(b.bits, c->bits);
	want_bytes(c->family, c->addr, want);
	ck_assert_mem_eq(b.addr, want, 16);
}
END_TEST

/* --- cidr_match --- */

struct matchcase {
	const char	*block;
	struct bytes	 ip;
	int		 want;
};

static const struct matchcase matches[] = {
	{ "192.0.2.0/24",	S("192.0.2.7"),		1 },
	{ "192.0.2.0/24",	S("192.0.2.0"),		1 },
	{ "192.0.2.0/24",	S("192.0.2.255"),	1 },
	{ "192.0.2.0/24",	S("192.0.3.7"),		0 },
	{ "192.0.2.0/24",	S("192.0.1.255"),	0 },
	{ "192.0.2.0/24",	S("::ffff:192.0.2.7"),	1 },	/* mapped */
	{ "192.0.2.0/24",	S("::FFFF:192.0.2.7"),	1 },
	{ "192.0.2.0/24",	S("::ffff:c000:207"),	1 },
	{ "192.0.2.0/24",	S("::ffff:192.0.3.7"),	0 },
	{ "192.0.2.0/24",	S("::192.0.2.7"),	0 },	/* compatible */
	{ "192.0.2.0/24",	S("2001:db8::c000:207"), 0 },
	{ "192.0.2.0/24",	S("192.0.2.7/32"),	-1 },
	{ "192.0.2.0/24",	S("192.0.2"),		-1 },
	{ "192.0.2.0/24",	S(""),			-1 },
	{ "192.0.2.0/24",	S("garbage"),		-1 },
	{ "192.0.2.0/24",	S("192.0.2.7\0"),	-1 },
	{ "192.0.2.0/24",	S("192.0.2.7\0" "10.0.0.1"), -1 },
	{ "192.0.2.0/23",	S("192.0.3.255"),	1 },
	{ "192.0.2.0/23",	S("192.0.2.0"),		1 },
	{ "192.0.2.0/23",	S("192.0.4.0"),		0 },
	{ "192.0.2.0/23",	S("192.0.1.255"),	0 },
	{ "192.0.3.7/23",	S("192.0.2.1"),		1 },	/* host bits */
	{ "203.0.113.9",	S("203.0.113.9"),	1 },
	{ "203.0.113.9",	S("203.0.113.8"),	0 },
	{ "203.0.113.9",	S("203.0.113.10"),	0 },
	{ "203.0.113.9/32",	S("::ffff:203.0.113.9"), 1 },
	{ "0.0.0.0/0",		S("1.2.3.4"),		1 },
	{ "0.0.0.0/0",		S("255.255.255.255"),	1 },
	{ "0.0.0.0/0",		S("::ffff:1.2.3.4"),	1 },
	{ "0.0.0.0/0",		S("::1"),		0 },
	{ "0.0.0.0/0",		S("2001:db8::1"),	0 },
	{ "128.0.0.0/1",	S("127.255.255.255"),	0 },
	{ "128.0.0.0/1",	S("128.0.0.0"),		1 },
	{ "2001:db8::/32",	S("2001:db8:ffff::1"),	1 },
	{ "2001:db8::/32",	S("2001:DB8::"),	1 },
	{ "2001:db8::/32",	S("2001:db9::"),	0 },
	{ "2001:db8::/32",	S("2001:db7:ffff::"),	0 },
	{ "2001:db8::/32",	S("192.0.2.1"),		0 },
	{ "2001:db8::/32",	S("::ffff:192.0.2.1"),	0 },
	{ "2001:db8::/65",	S("2001:db8::7fff:ffff:ffff:ffff"), 1 },
	{ "2001:db8::/65",	S("2001:db8::8000:0:0:0"), 0 },
	{ "2001:db8::/65",	S("2001:db8:0:1::"),	0 },
	{ "2001:db8:0:0:8000::/65", S("2001:db8::ffff:0:0:1"), 1 },
	{ "2001:db8::1",	S("2001:db8::1"),	1 },
	{ "2001:db8::1",	S("2001:DB8:0:0:0:0:0:1"), 1 },
	{ "2001:db8::1",	S("2001:db8::2"),	0 },
	{ "2001:db8::7/127",	S("2001:db8::6"),	1 },
	{ "2001:db8::7/127",	S("2001:db8::8"),	0 },
	{ "::/0",		S("2001:db8::1"),	1 },
	{ "::/0",		S("::1"),		1 },
	{ "::/0",		S("::"),		1 },
	{ "::1",		S("::1"),		1 },
	{ "::1",		S("127.0.0.1"),		0 },
	{ "::ffff:192.0.2.0/120", S("192.0.2.9"),	1 },
	{ "::ffff:192.0.2.0/120", S("::ffff:192.0.2.9"), 1 },
	{ "::ffff:192.0.2.0/120", S("192.0.3.9"),	0 },
	{ "::ffff:192.0.2.7",	S("192.0.2.7"),		1 },
	{ "::ffff:192.0.2.7",	S("192.0.2.8"),		0 },
	{ "::ffff:0:0/96",	S("8.8.8.8"),		1 },
	{ "::ffff:0:0/96",	S("2001:db8::1"),	0 },
	{ "::ffff:192.0.2.0/121", S("192.0.2.127"),	1 },
	{ "::ffff:192.0.2.0/121", S("192.0.2.128"),	0 },
};

START_TEST(cidr_match_table)
{
	const struct matchcase	*c = &matches[_i];
	struct cidr		 b;
	char			*copy;

	ck_assert_int_eq(cidr_parse(&b, c->block, strlen(c->block)), 0);
	copy = malloc(c->ip.n > 0 ? c->ip.n : 1);
	ck_assert_ptr_nonnull(copy);
	if (c->ip.n > 0)
		memcpy(copy, c->ip.s, c->ip.n);
	ck_assert_int_eq(cidr_match(&b, copy, c->ip.n), c->want);
	free(copy);
}
END_TEST

/* every prefix length splits exactly where it should: 128.0.0.0/bits
 * holds its all-ones host part and not the address with the prefix's
 * last bit flipped */
static void
match_v4(const struct cidr *b, unsigned long v, int want)
{
	char	 ip[32];
	int	 m;

	m = snprintf(ip, sizeof ip, "%lu.%lu.%lu.%lu", (v >> 24) & 255,
	    (v >> 16) & 255, (v >> 8) & 255, v & 255);
	ck_assert(m > 0 && (size_t)m < sizeof ip);
	ck_assert_msg(cidr_match(b, ip, (size_t)m) == want, "/%u %s",
	    b->bits, ip);
}

START_TEST(cidr_match_every_v4)
{
	struct cidr	 b;
	char		 blk[64];
	unsigned int	 bits = (unsigned int)_i;
	int		 n;

	n = snprintf(blk, sizeof blk, "128.0.0.0/%u", bits);
	ck_assert(n > 0 && (size_t)n < sizeof blk);
	ck_assert_int_eq(cidr_parse(&b, blk, (size_t)n), 0);
	match_v4(&b, 0x80000000UL, 1);
	match_v4(&b, 0x80000000UL | (bits == 0 ? 0xffffffffUL :
	    0x7fffffffUL >> (bits - 1)), 1);
	if (bits > 0)
		match_v4(&b, 0x80000000UL ^ (0x80000000UL >> (bits - 1)), 0);
}
END_TEST

START_TEST(cidr_match_every_v6)
{
	struct cidr	 b;
	unsigned char	 a[16];
	char		 blk[64], ip[64];
	unsigned int	 bits = (unsigned int)_i, i;
	int		 n;

	n = snprintf(blk, sizeof blk, "8000::/%u", bits);
	ck_assert(n > 0 && (size_t)n < sizeof blk);
	ck_assert_int_eq(cidr_parse(&b, blk, (size_t)n), 0);
	ck_assert_int_eq(cidr_match(&b, "8000::", 6), 1);
	memset(a, 0, sizeof a);		/* the host part all ones: inside */
	a[0] = 0x80;
	for (i = bits; i < 128; i++)
		a[i / 8] |= (unsigned char)(0x80u >> (i % 8));
	ck_assert_ptr_nonnull(inet_ntop(AF_INET6, a, ip, sizeof ip));
	ck_assert_msg(cidr_match(&b, ip, strlen(ip)) == 1, "/%u %s", bits, ip);
	if (bits == 0)
		return;
	memset(a, 0, sizeof a);		/* the last prefix bit flipped */
	a[0] = 0x80;
	a[(bits - 1) / 8] ^= (unsigned char)(0x80u >> ((bits - 1) % 8));
	ck_assert_ptr_nonnull(inet_ntop(AF_INET6, a, ip, sizeof ip));
	ck_assert_msg(cidr_match(&b, ip, strlen(ip)) == 0, "/%u %s", bits, ip);
}
END_TEST

/* --- cidr_addr --- */

struct addrcase {
	struct bytes	 in;
	int		 want;
	int		 family;
	const char	*addr;
};

static const struct addrcase addrs[] = {
	{ S("192.0.2.7"),		0, 4, "192.0.2.7" },
	{ S("::ffff:192.0.2.7"),	0, 4, "192.0.2.7" },	/* unmapped */
	{ S("2001:db8::1"),		0, 6, "2001:db8::1" },
	{ S("::"),			0, 6, "::" },
	{ S("192.0.2.7/32"),		-1, 0, NULL },
	{ S("192.0.2.7\0"),		-1, 0, NULL },
	{ S(""),			-1, 0, NULL },
};

START_TEST(cidr_addr_table)
{
	const struct addrcase	*c = &addrs[_i];
	unsigned char		 a[16], want[16];
	int			 fam = 0;

	ck_assert_int_eq(cidr_addr(c->in.s, c->in.n, &fam, a), c->want);
	if (c->want == -1)
		return;
	ck_assert_int_eq(fam, c->family);
	want_bytes(c->family, c->addr, want);
	ck_assert_mem_eq(a, want, 16);
}
END_TEST

/* --- cidr_matchlist --- */

struct listcase {
	const char	*ip;
	int		 want;
};

static const struct listcase listips[] = {
	{ "10.1.2.3",		1 },
	{ "192.0.2.200",	1 },
	{ "::ffff:192.0.2.200",	1 },
	{ "2001:db8:1::5",	1 },
	{ "192.0.3.1",		0 },
	{ "2001:db9::1",	0 },
	{ "bogus",		0 },	/* malformed never matches */
	{ "",			0 },
};

START_TEST(cidr_matchlist_table)
{
	static const char *const blocks[] = {
		"10.0.0.0/8", "192.0.2.128/25", "2001:db8::/32"
	};
	const struct listcase	*c = &listips[_i];
	struct cidr		 b[3];
	size_t			 i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(cidr_parse(&b[i], blocks[i],
		    strlen(blocks[i])), 0);
	ck_assert_int_eq(cidr_matchlist(b, 3, c->ip, strlen(c->ip)),
	    c->want);
	ck_assert_int_eq(cidr_matchlist(b, 0, c->ip, strlen(c->ip)), 0);
}
END_TEST

static Suite *
cidr_suite(void)
{
	Suite	*s = suite_create("cidr");
	TCase	*tc = tcase_create("cidr");

	tcase_add_loop_test(tc, cidr_parse_table, 0,
	    sizeof parses / sizeof parses[0]);
	tcase_add_loop_test(tc, cidr_match_table, 0,
	    sizeof matches / sizeof matches[0]);
	tcase_add_loop_test(tc, cidr_match_every_v4, 0, 33);
	tcase_add_loop_test(tc, cidr_match_every_v6, 0, 129);
	tcase_add_loop_test(tc, cidr_addr_table, 0,
	    sizeof addrs / sizeof addrs[0]);
	tcase_add_loop_test(tc, cidr_matchlist_table, 0,
	    sizeof listips / sizeof listips[0]);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(cidr_suite());
}
