/* ISC license. */
/* check_route.c: control/routes parsing and lookup. */
#include "sysdeps.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "sa.h"
#include "unit.h"

#define PATH106	"run/a/socket/path/of/one/hundred/and/six/bytes/to/be/" \
		"just/short/enough/for/sun_path/xxxxxxxxxxxxxxxxxxxxxx"

struct parsecase {
	const char	*text;
	int		 want;		/* 0 or -1 */
	const char	*wanterr;	/* the whole message, or NULL */
	size_t		 wantn;
};

static const struct parsecase parses[] = {
	{ "", 0, NULL, 0 },
	{ "# only a comment\n\n   \n\t# indented\n", 0, NULL, 0 },
	{ "example.org mx.example.net\n", 0, NULL, 1 },
	{ "example.org mx.example.net", 0, NULL, 1 },	/* no final LF */
	{ "a.example 192.0.2.1:2525 # comment\n*\tsmart:26\n", 0, NULL, 2 },
	{ ".example [2001:db8::1]:25 tls=require\n", 0, NULL, 1 },
	{ "x.example [192.0.2.1]\n", 0, NULL, 1 },
	{ "x.example origin\ny.example ORIGIN:2525\n", 0, NULL, 2 },
	{ "x.example\n", -1, "routes line 1: expected DOMAIN NEXTHOP "
	  "[tls=require]", 0 },
	{ "\n\nx.example a b c\n", -1, "routes line 3: expected DOMAIN "
	  "NEXTHOP [tls=require]", 0 },
	{ "x.example h tls=may\n", -1,
	  "routes line 1: unknown option (only tls=require)", 0 },
	{ "x.example h:0\n", -1,
	  "routes line 1: port not a number in 1..65535", 0 },
	{ "x.example h:65536\n", -1,
	  "routes line 1: port not a number in 1..65535", 0 },
	{ "x.example h:25x\n", -1,
	  "routes line 1: port not a number in 1..65535", 0 },
	{ "x.example h:\n", -1,
	  "routes line 1: port not a number in 1..65535", 0 },
	{ "x.example 2001:db8::1\n", -1,
	  "routes line 1: an IPv6 address needs [brackets]", 0 },
	{ "x.example [2001:db8::1\n", -1,
	  "routes line 1: no ] after the address", 0 },
	{ "x.example [mx.example]:25\n", -1,
	  "routes line 1: not an IP address in []", 0 },
	{ "x.example [192.0.2.1]x\n", -1, "routes line 1: junk after ]", 0 },
	{ "x.example bad_host\n", -1, "routes line 1: not a host name", 0 },
	{ "x..example h\n", -1, "routes line 1: not a domain, .domain or *",
	  0 },
	{ ". h\n", -1, "routes line 1: not a domain, .domain or *", 0 },
	{ "x.example. h\n", -1, "routes line 1: not a domain, .domain or *",
	  0 },
	{ "** h\n", -1, "routes line 1: not a domain, .domain or *", 0 },
	{ "[192.0.2.1] h\n", -1, "routes line 1: not a domain, .domain or *",
	  0 },
	{ "x.example h\nX.EXAMPLE k\n", -1, "routes line 2: domain listed "
	  "twice", 0 },
	{ "x.example h\r\ny.example k\r\n", 0, NULL, 2 },
	{ "x.example h\rk\n", -1, "routes line 1: control character", 0 },
	/* LMTP */
	{ "x.example lmtp:127.0.0.1:24\ny.example lmtp:/run/dovecot/lmtp\n"
	  "z.example LMTP:lmtp.example tls=require\n"
	  ".x.example lmtp:[2001:db8::1]\n", 0, NULL, 4 },
	{ "x.example lmtp:\n", -1,
	  "routes line 1: lmtp: needs a host or a socket path", 0 },
	{ "x.example lmtp:run/lmtp\n", -1,
	  "routes line 1: a socket path must be absolute", 0 },
	{ "x.example lmtp:h/x:24\n", -1,
	  "routes line 1: a socket path must be absolute", 0 },
	{ "x.example lmtp:/run/lmtp tls=require\n", -1,
	  "routes line 1: tls=require needs a TCP next hop", 0 },
	{ "x.example lmtp:origin\n", -1,
	  "routes line 1: origin is not an LMTP next hop", 0 },
	{ "x.example lmtp:origin:24\n", -1,
	  "routes line 1: origin is not an LMTP next hop", 0 },
	{ "x.example lmtp:h:0\n", -1,
	  "routes line 1: port not a number in 1..65535", 0 },
	{ "x.example lmtp:h:\n", -1,
	  "routes line 1: port not a number in 1..65535", 0 },
	{ "x.example lmtp:2001:db8::1\n", -1,
	  "routes line 1: an IPv6 address needs [brackets]", 0 },
	{ "x.example lmtp:bad_host\n", -1, "routes line 1: not a host name",
	  0 },
	{ "x.example lmtp:[x]\n", -1,
	  "routes line 1: not an IP address in []", 0 },
	{ "x.example lmtp:99999\n", -1,	/* the host lmtp, a bad port */
	  "routes line 1: port not a number in 1..65535", 0 },
	/* 107 bytes of path fit sun_path (108), 108 do not */
	{ "x.example lmtp:/" PATH106 "\n", 0, NULL, 1 },
	{ "x.example lmtp:/" PATH106 "x\n", -1,
	  "routes line 1: socket path too long", 0 },
};

START_TEST(parse_table)
{
	const struct parsecase	*c = &parses[_i];
	struct routes		 rs = ROUTES_ZERO;
	struct sa		 err = SA_ZERO;

	ck_assert_int_eq(route_parse(&rs, "routes", c->text, strlen(c->text),
	    &err), c->want);
	if (c->want == 0)
		ck_assert_uint_eq(rs.n, c->wantn);
	else {
		ck_assert_int_eq(sa_0(&err), 0);
		ck_assert_str_eq(err.s, c->wanterr);
	}
	route_free(&rs);
	sa_free(&err);
}
END_TEST

static const char routes[] =
    "# the test table\n"
    "example.org      mx.example.net:2525\n"
    ".example.org     [2001:db8::25]:26 tls=require\n"
    ".b.example.org   192.0.2.9\n"
    "lan.example      origin:2525\n"
    "box.example      lmtp:/run/dovecot/lmtp\n"
    "tcp.example      lmtp:192.0.2.24\n"
    "tls.example      lmtp:[2001:db8::24]:2424 tls=require\n"
    "old.example      lmtp:2525\n"
    "plain.example    lmtp\n"
    "*                smart.example.net\n";

struct lookcase {
	const char	*domain;
	const char	*wanthost;	/* NULL: no route */
	unsigned int	 wantport;
	int		 wantorigin;
	int		 wanttls;
	int		 wantlmtp;
	const char	*wantsock;
};

static const struct lookcase looks[] = {
	{ "example.org", "mx.example.net", 2525, 0, 0, 0, "" },
	{ "EXAMPLE.Org", "mx.example.net", 2525, 0, 0, 0, "" },
	{ "a.example.org", "2001:db8::25", 26, 0, 1, 0, "" },
	{ "x.a.example.org", "2001:db8::25", 26, 0, 1, 0, "" },
	{ "c.b.example.org", "192.0.2.9", 25, 0, 0, 0, "" },	/* longest */
	{ "b.example.org", "2001:db8::25", 26, 0, 1, 0, "" },
	{ "lan.example", "", 2525, 1, 0, 0, "" },
	{ "x.lan.example", "smart.example.net", 25, 0, 0, 0, "" },
	{ "otherexample.org", "smart.example.net", 25, 0, 0, 0, "" },
	{ "org", "smart.example.net", 25, 0, 0, 0, "" },
	{ "box.example", "", 0, 0, 0, 1, "/run/dovecot/lmtp" },
	{ "tcp.example", "192.0.2.24", 24, 0, 0, 1, "" },
	{ "tls.example", "2001:db8::24", 2424, 0, 1, 1, "" },
	{ "old.example", "lmtp", 2525, 0, 0, 0, "" },	/* host lmtp */
	{ "plain.example", "lmtp", 25, 0, 0, 0, "" },
};

START_TEST(lookup_table)
{
	const struct lookcase	*c = &looks[_i];
	const struct route	*r;
	struct routes		 rs = ROUTES_ZERO;
	struct sa		 err = SA_ZERO;

	ck_assert_int_eq(route_parse(&rs, "routes", routes, sizeof routes - 1,
	    &err), 0);
	r = route_lookup(&rs, c->domain, strlen(c->domain));
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->host, c->wanthost);
	ck_assert_uint_eq(r->port, c->wantport);
	ck_assert_int_eq(r->origin, c->wantorigin);
	ck_assert_int_eq(r->tlsreq, c->wanttls);
	ck_assert_int_eq(r->lmtp, c->wantlmtp);
	ck_assert_str_eq(r->sock, c->wantsock);
	route_free(&rs);
	sa_free(&err);
}
END_TEST

START_TEST(lookup_nostar)
{
	struct routes	 rs = ROUTES_ZERO;
	struct sa	 err = SA_ZERO;

	ck_assert_int_eq(route_parse(&rs, "r", ".example.org h\n", 15, &err),
	    0);
	ck_assert_ptr_null(route_lookup(&rs, "example.org", 11));
	ck_assert_ptr_null(route_lookup(&rs, "x.example.com", 13));
	ck_assert_ptr_nonnull(route_lookup(&rs, "x.example.org", 13));
	ck_assert_ptr_null(route_lookup(&rs, "", 0));
	route_free(&rs);
	sa_free(&err);
}
END_TEST

/* route_own: an address's domain by its own route, never by "*" */
START_TEST(own_route)
{
	static const char	 text[] = "lan.example lmtp:/run/lmtp\n"
	    ".sub.example h:25\n* smart.example.net\n";
	struct routes		 rs = ROUTES_ZERO;
	struct sa		 err = SA_ZERO;
	const struct route	*r;

	ck_assert_int_eq(route_parse(&rs, "r", text, sizeof text - 1, &err),
	    0);
	r = route_own(&rs, "a@LAN.example", 13);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->sock, "/run/lmtp");
	ck_assert_ptr_nonnull(route_own(&rs, "b@x.sub.example", 15));
	ck_assert_ptr_null(route_own(&rs, "c@elsewhere.example", 19));
	ck_assert_ptr_null(route_own(&rs, "sub.example", 11));	/* no @ */
	ck_assert_ptr_null(route_own(&rs, "d@", 2));
	route_free(&rs);
	sa_free(&err);
}
END_TEST

/* A list (control/group): NEXTHOP [tls=require] a line, in order. */
START_TEST(parse_list)
{
	static const struct { const char *in, *err; } bad[] = {
		{ "a.example b.example\n", "g line 1: unknown option (only "
		    "tls=require)" },
		{ "origin:25\n", "g line 1: origin is not a hop of a list" },
		{ "h:25\nh:25\n", "g line 2: next hop listed twice" },
		{ "h tls=require x\n", "g line 1: expected NEXTHOP "
		    "[tls=require]" },
	};
	static const char	 ok[] = "# the group\nscan1.example.net\n"
	    "[2001:db8::25]:2525 tls=require\nscan1.example.net:26\n";
	struct routes		 rs = ROUTES_ZERO;
	struct sa		 err = SA_ZERO;
	size_t			 i;

	rs.list = 1;
	ck_assert_int_eq(route_parse(&rs, "g", ok, sizeof ok - 1, &err), 0);
	ck_assert_uint_eq(rs.n, 3);
	ck_assert_str_eq(rs.r[0].domain, "*");
	ck_assert_str_eq(rs.r[0].host, "scan1.example.net");
	ck_assert_uint_eq(rs.r[0].port, 25);
	ck_assert_int_eq(rs.r[0].tlsreq, 0);
	ck_assert_str_eq(rs.r[1].host, "2001:db8::25");
	ck_assert_uint_eq(rs.r[1].port, 2525);
	ck_assert_int_eq(rs.r[1].tlsreq, 1);
	ck_assert_uint_eq(rs.r[2].port, 26);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err.len = 0;
		ck_assert_int_eq(route_parse(&rs, "g", bad[i].in,
		    strlen(bad[i].in), &err), -1);
		ck_assert_int_eq(sa_0(&err), 0);
		ck_assert_str_eq(err.s, bad[i].err);
	}
	route_free(&rs);
	sa_free(&err);
}
END_TEST

START_TEST(load_file)
{
	char		 fn[UNIT_PATHSZ];
	struct routes	 rs = ROUTES_ZERO;
	struct sa	 err = SA_ZERO;

	unit_scratch_make();
	unit_scratch_path(fn, "routes", NULL);
	ck_assert_int_eq(route_load(&rs, fn, &err), 0);	/* absent */
	unit_writefile(fn, "* 127.0.0.1:2525\nbad\n", 21, 0644);
	ck_assert_int_eq(route_load(&rs, fn, &err), -1);
	ck_assert_int_eq(sa_0(&err), 0);
	ck_assert_ptr_nonnull(strstr(err.s, "/routes line 2: expected"));
	unit_writefile(fn, "* 127.0.0.1:2525\n", 17, 0644);
	ck_assert_int_eq(route_load(&rs, fn, &err), 1);
	ck_assert_uint_eq(rs.n, 1);
	unit_scratch_remove();
	route_free(&rs);
	sa_free(&err);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("route");
	TCase	*tc = tcase_create("table");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_loop_test(tc, parse_table, 0, sizeof parses / sizeof parses[0]);
	tcase_add_loop_test(tc, lookup_table, 0, sizeof looks / sizeof looks[0]);
	tcase_add_test(tc, lookup_nostar);
	tcase_add_test(tc, own_route);
	tcase_add_test(tc, parse_list);
	tcase_add_test(tc, load_file);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
