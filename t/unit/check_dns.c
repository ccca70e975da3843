/* ISC license. */
/* check_dns.c: MX answer parsing and ordering, literals, /etc/hosts. */
#include "sysdeps.h"

#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "sa.h"
#include "unit.h"

struct rec {
	int		 type;		/* 15 MX, 5 CNAME */
	unsigned int	 pref;
	const char	*name;		/* "" = the root */
};

static size_t
putname(unsigned char *p, const char *name)
{
	size_t	 n = 0, l;

	while (*name != '\0') {
		l = strcspn(name, ".");
		p[n++] = (unsigned char)l;
		memcpy(p + n, name, l);
		n += l;
		name += l;
		if (*name == '.')
			name++;
	}
	p[n++] = 0;
	return n;
}

/* An answer to "example.org IN MX" holding recs. */
static size_t
packet(unsigned char *p, const struct rec *r, size_t nr)
{
	static const unsigned char hdr[] = { 0x12, 0x34, 0x81, 0x80, 0, 1 };
	size_t	 n = 0, i, rd;

	memcpy(p, hdr, sizeof hdr);
	n = sizeof hdr;
	p[n++] = 0;
	p[n++] = (unsigned char)nr;
	memset(p + n, 0, 4);
	n += 4;
	n += putname(p + n, "example.org");
	memcpy(p + n, "\0\x0f\0\x01", 4);
	n += 4;
	for (i = 0; i < nr; i++) {
		memcpy(p + n, "\xc0\x0c\0", 3);
		p[n + 3] = (unsigned char)r[i].type;
		memcpy(p + n + 4, "\0\x01\0\0\x0e\x10", 6);
		n += 10;
		rd = n;
		n += 2;
		if (r[i].type == 15) {
			p[n++] = (unsigned char)(r[i].pref >> 8);
			p[n++] = (unsigned char)r[i].pref;
		}
		n += putname(p + n, r[i].name);
		p[rd] = (unsigned char)((n - rd - 2) >> 8);
		p[rd + 1] = (unsigned char)(n - rd - 2);
	}
	return n;
}

START_TEST(mx_sorted)
{
	static const struct rec recs[] = {
		{ 5, 0, "alias.example.org" },
		{ 15, 10, "b.example" }, { 15, 5, "a.example" },
		{ 15, 10, "c.example" }, { 15, 20, "d.example" },
	};
	unsigned char	 p[512];
	struct dns_mx	 mx[8];
	size_t		 n, len = packet(p, recs, 5);
	int		 nullmx;

	ck_assert_int_eq(dns_parsemx(p, len, mx, 8, &n, &nullmx), DNS_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(nullmx, 0);
	ck_assert_str_eq(mx[0].host, "b.example");
	ck_assert_uint_eq(mx[0].pref, 10);
	mx[0].key = 7;		/* b after c among the 10s */
	mx[1].key = 1;
	mx[2].key = 3;
	mx[3].key = 0;
	dns_sortmx(mx, n);
	ck_assert_str_eq(mx[0].host, "a.example");
	ck_assert_str_eq(mx[1].host, "c.example");
	ck_assert_str_eq(mx[2].host, "b.example");
	ck_assert_str_eq(mx[3].host, "d.example");
	mx[1].key = 9;		/* and the other way round */
	dns_sortmx(mx, n);
	ck_assert_str_eq(mx[1].host, "b.example");
	ck_assert_str_eq(mx[2].host, "c.example");
	/* capped */
	ck_assert_int_eq(dns_parsemx(p, len, mx, 2, &n, &nullmx), DNS_OK);
	ck_assert_uint_eq(n, 2);
}
END_TEST

START_TEST(mx_null)
{
	static const struct rec recs[] = { { 15, 0, "" } };
	unsigned char	 p[512];
	struct dns_mx	 mx[8];
	size_t		 n, len = packet(p, recs, 1);
	int		 nullmx;

	ck_assert_int_eq(dns_parsemx(p, len, mx, 8, &n, &nullmx), DNS_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(nullmx, 1);
}
END_TEST

START_TEST(mx_malformed)
{
	static const struct rec recs[] = { { 15, 10, "mx.example.org" } };
	unsigned char	 p[512];
	struct dns_mx	 mx[8];
	size_t		 n, len = packet(p, recs, 1), cut;
	int		 nullmx;

	for (cut = 0; cut < len; cut++)
		ck_assert_int_eq(dns_parsemx(p, cut, mx, 8, &n, &nullmx),
		    DNS_TEMP);
	ck_assert_int_eq(dns_parsemx(p, len, mx, 8, &n, &nullmx), DNS_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(mx[0].host, "mx.example.org");
}
END_TEST

struct litcase {
	const char	*domain;
	int		 want;
	const char	*wantip;
};

static const struct litcase lits[] = {
	{ "[127.0.0.1]", DNS_OK, "127.0.0.1" },
	{ "[IPv6:::1]", DNS_OK, "::1" },
	{ "[ipv6:2001:db8::25]", DNS_OK, "2001:db8::25" },
	{ "[mx.example.org]", DNS_NOHOST, NULL },
	{ "[]", DNS_NOHOST, NULL },
	{ "[127.0.0.1", DNS_NOHOST, NULL },
};

START_TEST(literal_table)
{
	const struct litcase	*c = &lits[_i];
	struct dns_addrs	*l = calloc(1, sizeof *l);
	struct sa		 why = SA_ZERO;

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(dns_resolve(c->domain, 2525, l, &why), c->want);
	if (c->wantip != NULL) {
		ck_assert_uint_eq(l->n, 1);
		ck_assert_str_eq(l->a[0].ip, c->wantip);
		ck_assert_uint_eq(l->a[0].port, 2525);
	} else
		ck_assert_uint_gt(why.len, 0);
	free(l);
	sa_free(&why);
}
END_TEST

START_TEST(host_localhost)
{
	struct dns_addrs	*l = calloc(1, sizeof *l);
	struct sa		 why = SA_ZERO;
	size_t			 i;
	int			 v4 = 0;

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(dns_host("localhost", 25, l, &why), DNS_OK);
	ck_assert_int_eq(dns_host("127.0.0.1", 25, l, &why), DNS_OK);
	for (i = 0; i < l->n; i++) {
		v4 += strcmp(l->a[i].ip, "127.0.0.1") == 0;
		ck_assert_uint_eq(l->a[i].port, 25);
	}
	ck_assert_int_eq(v4, 1);	/* once: deduplicated */
	ck_assert_str_eq(l->a[0].host, "localhost");
	free(l);
	sa_free(&why);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("dns");
	TCase	*tc = tcase_create("dns");

	tcase_add_test(tc, mx_sorted);
	tcase_add_test(tc, mx_null);
	tcase_add_test(tc, mx_malformed);
	tcase_add_loop_test(tc, literal_table, 0, sizeof lits / sizeof lits[0]);
	tcase_add_test(tc, host_localhost);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
