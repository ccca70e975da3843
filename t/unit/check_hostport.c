/* ISC license. */
/* check_hostport.c: "host[:port]" forms of control/routes and listen. */
#include "sysdeps.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hostport.h"
#include "unit.h"

struct hpcase {
	const char	*in;
	int		 want;		/* enum hostport_kind */
	const char	*host;		/* when want > 0 */
	unsigned int	 port;
};

static const struct hpcase hps[] = {
	{ "mx.example.org",		HOSTPORT_NAME,	"mx.example.org", 0 },
	{ "mx.example.org:2525",	HOSTPORT_NAME,	"mx.example.org", 2525 },
	{ "localhost",			HOSTPORT_NAME,	"localhost",	0 },
	{ "127.0.0.1",			HOSTPORT_IPV4,	"127.0.0.1",	0 },
	{ "127.0.0.1:25",		HOSTPORT_IPV4,	"127.0.0.1",	25 },
	{ "0.0.0.0:65535",		HOSTPORT_IPV4,	"0.0.0.0",	65535 },
	{ "[::1]",			HOSTPORT_IPV6,	"::1",		0 },
	{ "[::1]:587",			HOSTPORT_IPV6,	"::1",		587 },
	{ "[2001:db8::7]:1",		HOSTPORT_IPV6,	"2001:db8::7",	1 },
	{ "",				HOSTPORT_BAD,	NULL,		0 },
	{ ":25",			HOSTPORT_BAD,	NULL,		0 },
	{ "host:",			HOSTPORT_BAD,	NULL,		0 },
	{ "host:0",			HOSTPORT_BAD,	NULL,		0 },
	{ "host:65536",			HOSTPORT_BAD,	NULL,		0 },
	{ "host:25x",			HOSTPORT_BAD,	NULL,		0 },
	{ "host:+25",			HOSTPORT_BAD,	NULL,		0 },
	{ "host:25:26",			HOSTPORT_BAD,	NULL,		0 },
	{ "300.0.0.1",			HOSTPORT_BAD,	NULL,		0 },
	{ "1.2.3",			HOSTPORT_BAD,	NULL,		0 },
	{ "::1",			HOSTPORT_BAD,	NULL,		0 },
	{ "[::1",			HOSTPORT_BAD,	NULL,		0 },
	{ "[::1]25",			HOSTPORT_BAD,	NULL,		0 },
	{ "[127.0.0.1]:25",		HOSTPORT_BAD,	NULL,		0 },
	{ "[]:25",			HOSTPORT_BAD,	NULL,		0 },
	{ "a b:25",			HOSTPORT_BAD,	NULL,		0 },
	{ "bad_name.example",		HOSTPORT_BAD,	NULL,		0 },
	{ "-x.example",			HOSTPORT_BAD,	NULL,		0 },
};

START_TEST(hostport_table)
{
	const struct hpcase *c = &hps[_i];
	char		 host[HOSTPORT_MAXHOST];
	unsigned int	 port = 99;
	int		 k;

	k = hostport_parse(c->in, strlen(c->in), host, sizeof host, &port);
	ck_assert_msg(k == c->want, "%s: got %d want %d", c->in, k, c->want);
	if (c->want > 0) {
		ck_assert_str_eq(host, c->host);
		ck_assert_uint_eq(port, c->port);
	}
}
END_TEST

/* the length is the caller's: bytes past n are not looked at; a NUL
 * inside is refused; a host longer than the buffer is refused */
START_TEST(hostport_bounds)
{
	char		 host[16], big[400];
	unsigned int	 port;

	ck_assert_int_eq(hostport_parse("a.example:25xyz", 12, host,
	    sizeof host, &port), HOSTPORT_NAME);
	ck_assert_uint_eq(port, 25);
	ck_assert_int_eq(hostport_parse("a\0b:25", 6, host, sizeof host,
	    &port), HOSTPORT_BAD);
	ck_assert_int_eq(hostport_parse("abcdefghijklmnop.example", 24, host,
	    sizeof host, &port), HOSTPORT_BAD);
	memset(big, 'a', sizeof big);
	ck_assert_int_eq(hostport_parse(big, sizeof big, big, sizeof big,
	    &port), HOSTPORT_BAD);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("hostport");
	TCase	*tc = tcase_create("hostport");

	tcase_add_loop_test(tc, hostport_table, 0, sizeof hps / sizeof hps[0]);
	tcase_add_test(tc, hostport_bounds);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
