/* ISC license. */
/* check_setupopt.c: mailward-setup's command line (the TLS files are
 * loaded for real by t/5000-setup-home.t). */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sa.h"
#include "setupopt.h"
#include "unit.h"

#define MAXARG	14
static const struct optcase {
	const char	*argv[MAXARG];	/* from argv[1]; NULL ends it */
	const char	*wanterr;	/* NULL: parsed */
	const char	*wantsubs;
	const char	*wantmaildirs;
} cases[] = {
	{ { "gateway", "/h", "--listen", "127.0.0.1:25", "--me",
	    "mx.example.org", "--subscriber", "b@example.org", "--maildir",
	    "a@example.org=M/a", "--next-hop", "h.example:26", NULL }, NULL,
	    "b@example.org\na@example.org\n", "a@example.org M/a\n" },
	/* each address once in subscribers; --maildir=ADDR=PATH */
	{ { "gateway", "h", "--subscriber=@example.org", "--maildir=@x.org=M",
	    "--subscriber", "@x.org", "--subscriber", "@example.org",
	    "--maildir", "b@x.org=/var/M/b", NULL }, NULL,
	    "@example.org\n@x.org\nb@x.org\n", "@x.org M\nb@x.org /var/M/b\n" },
	{ { "scanner", "/h", "--listen=[::1]:2525", "--softlimit", "0",
	    "--libexec", "/l", "--next-hop", "[::1]", NULL }, NULL, "", "" },
	{ { "scanner", "/h", "--softlimit", "65536", NULL }, NULL, "", "" },
	{ { NULL }, "missing ROLE or DIR", "", "" },
	{ { "gateway", NULL }, "missing ROLE or DIR", "", "" },
	{ { "relay", "/h", NULL }, "ROLE is scanner or gateway: relay", "",
	    "" },
	{ { "Gateway", "/h", NULL }, "ROLE is scanner or gateway: Gateway",
	    "", "" },
	{ { "gateway", "/h h", NULL },
	    "DIR wants letters, digits and ._/+,:@%=-: /h h", "", "" },
	{ { "gateway", "/h", "x", NULL }, "unexpected argument: x", "", "" },
	{ { "gateway", "/h", "--me", NULL }, "missing value for: --me", "",
	    "" },
	{ { "gateway", "/h", "--frob=1", NULL }, "unknown option: --frob=1",
	    "", "" },
	{ { "gateway", "/h", "--listen", "1.2.3.4", NULL },
	    "--listen wants IP:PORT or [IPv6]:PORT: 1.2.3.4", "", "" },
	{ { "gateway", "/h", "--listen", "localhost:25", NULL },
	    "--listen wants IP:PORT or [IPv6]:PORT: localhost:25", "", "" },
	{ { "gateway", "/h", "--me", "a..b", NULL },
	    "--me wants a domain name: a..b", "", "" },
	{ { "gateway", "/h", "--next-hop", "h:port", NULL },
	    "--next-hop wants HOST[:PORT] or [IPv6][:PORT]: h:port", "", "" },
	{ { "gateway", "/h", "--softlimit", "65537", NULL },
	    "--softlimit wants MiB in 0..65536: 65537", "", "" },
	{ { "gateway", "/h", "--softlimit", "-1", NULL },
	    "--softlimit wants MiB in 0..65536: -1", "", "" },
	{ { "gateway", "/h", "--subscriber", "no at sign", NULL },
	    "not an address or @domain: no at sign", "", "" },
	{ { "gateway", "/h", "--subscriber", "@", NULL },
	    "not an address or @domain: @", "", "" },
	{ { "gateway", "/h", "--subscriber", "a b@x.org", NULL },
	    "not an address or @domain: a b@x.org", "", "" },
	{ { "gateway", "/h", "--maildir", "a@x.org", NULL },
	    "--maildir wants ADDR=PATH: a@x.org", "", "" },
	{ { "gateway", "/h", "--maildir", "a@x.org=", NULL },
	    "--maildir wants ADDR=PATH: a@x.org=", "", "" },
	{ { "gateway", "/h", "--maildir", "a=b@x.org", NULL },
	    "--maildir wants ADDR=PATH: a=b@x.org", "", "" },
	{ { "gateway", "/h", "--maildir", "a@=M", NULL },
	    "not an address or @domain: a@", "", "" },
	{ { "gateway", "/h", "--maildir", "a@x.org=M a", NULL },
	    "a Maildir path of letters, digits and ._/+,:@%=-: M a", "", "" },
	{ { "gateway", "/h", "--maildir", "a@x.org=M", "--maildir",
	    "a@x.org=N", NULL }, "--maildir given twice for: a@x.org", "",
	    "" },
	{ { "scanner", "/h", "--maildir", "a@x.org=M", NULL },
	    "--maildir is for the gateway role", "", "" },
	{ { "scanner", "/h", "--softlimit-scan", "0", "--databases", "/",
	    NULL }, NULL, "", "" },
	{ { "scanner", "/h", "--softlimit-scan", "65537", NULL },
	    "--softlimit-scan wants MiB in 0..65536: 65537", "", "" },
	{ { "gateway", "/h", "--databases", "/", NULL },
	    "--databases is for the scanner role", "", "" },
	{ { "gateway", "/h", "--softlimit-scan", "0", NULL },
	    "--softlimit-scan is for the scanner role", "", "" },
	{ { "scanner", "/h", "--databases", "/nonexistent/db", NULL },
	    "--databases wants a directory: /nonexistent/db", "", "" },
	{ { "scanner", "/h", "--databases", "/dev/null", NULL },
	    "--databases wants a directory: /dev/null", "", "" },
	{ { "gateway", "/h", "--tls-cert", "/c", NULL },
	    "--tls-cert and --tls-key go together", "", "" },
	{ { "gateway", "/h", "--tls-key", "/k", NULL },
	    "--tls-cert and --tls-key go together", "", "" },
	{ { "gateway", "/h", "--tls-cert", "/nonexistent/c", "--tls-key",
	    "/nonexistent/k", NULL },
	    "not a PEM certificate (chain): /nonexistent/c", "", "" },
	/* the first problem is the one named */
	{ { "gateway", "/h", "--subscriber", "x", "--frob", "1", NULL },
	    "not an address or @domain: x", "", "" },
	{ { "relay", "/h", "--listen", "x", NULL },
	    "ROLE is scanner or gateway: relay", "", "" },
};

START_TEST(setupopt_table)
{
	const struct optcase *c = &cases[_i];
	struct setupopt	 o;
	char		*argv[MAXARG + 1];
	int		 argc, r;

	argv[0] = (char *)(uintptr_t)"mailward-setup";
	for (argc = 1; c->argv[argc - 1] != NULL; argc++)
		argv[argc] = (char *)(uintptr_t)c->argv[argc - 1];
	argv[argc] = NULL;
	errno = 0;
	r = setupopt_parse(&o, argc, argv);
	if (c->wanterr == NULL) {
		ck_assert_msg(r == 0, "%.*s", (int)o.err.len, o.err.s);
		ck_assert_str_eq(o.role, argv[1]);
		ck_assert_str_eq(o.dir, argv[2]);
		ck_assert_int_eq(o.gateway, strcmp(argv[1], "gateway") == 0);
		unit_sa_is(&o.subs, c->wantsubs);
		unit_sa_is(&o.maildirs, c->wantmaildirs);
	} else {
		ck_assert_int_eq(r, -1);
		ck_assert_int_eq(errno, EINVAL);
		unit_sa_is(&o.err, c->wanterr);
	}
	setupopt_free(&o);
}
END_TEST

/* the strings point into argv; unset options stay NULL */
START_TEST(setupopt_fields)
{
	char		*argv[] = { (char *)(uintptr_t)"mailward-setup",
	    (char *)(uintptr_t)"gateway", (char *)(uintptr_t)"/h",
	    (char *)(uintptr_t)"--tls-cert=", (char *)(uintptr_t)"--me",
	    (char *)(uintptr_t)"a.example", (char *)(uintptr_t)"--me=b.example",
	    (char *)(uintptr_t)"--libexec=/l", NULL };
	struct setupopt	 o;

	/* an empty --tls-cert is still given, so it wants --tls-key */
	ck_assert_int_eq(setupopt_parse(&o, 8, argv), -1);
	unit_sa_is(&o.err, "--tls-cert and --tls-key go together");
	setupopt_free(&o);
	ck_assert_int_eq(setupopt_parse(&o, 3, argv), 0);
	ck_assert_ptr_null(o.me);
	ck_assert_ptr_null(o.tlscert);
	setupopt_free(&o);
	argv[3] = (char *)(uintptr_t)"--listen=0.0.0.0:25";
	ck_assert_int_eq(setupopt_parse(&o, 8, argv), 0);
	ck_assert_ptr_eq(o.me, argv[6] + 5);
	ck_assert_str_eq(o.libexec, "/l");
	ck_assert_str_eq(o.listen, "0.0.0.0:25");
	ck_assert_ptr_null(o.nexthop);
	ck_assert_ptr_null(o.softlimit);
	ck_assert_ptr_null(o.databases);
	setupopt_free(&o);
	/* --databases is made absolute against the current directory */
	argv[1] = (char *)(uintptr_t)"scanner";
	argv[3] = (char *)(uintptr_t)"--databases=.";
	ck_assert_int_eq(setupopt_parse(&o, 4, argv), 0);
	ck_assert_ptr_nonnull(o.databases);
	ck_assert_int_eq(o.databases[0], '/');
	ck_assert_ptr_eq(o.databases, o.abs[2]);
	setupopt_free(&o);
}
END_TEST

static const struct listencase {
	const char	*s;
	int		 want;
	const char	*wantip;
	unsigned int	 wantport;
} listens[] = {
	{ "127.0.0.1:25", 0, "127.0.0.1", 25 },
	{ "[::1]:2525", 0, "::1", 2525 },
	{ "0.0.0.0:65535", 0, "0.0.0.0", 65535 },
	{ "127.0.0.1", -1, NULL, 0 },
	{ "[::1]", -1, NULL, 0 },
	{ "127.0.0.1:0", -1, NULL, 0 },
	{ "127.0.0.1:65536", -1, NULL, 0 },
	{ "localhost:25", -1, NULL, 0 },
	{ "", -1, NULL, 0 },
};

START_TEST(setupopt_listen_table)
{
	const struct listencase *c = &listens[_i];
	char		 ip[64];
	unsigned int	 port = 0;

	ck_assert_int_eq(setupopt_listen(c->s, ip, sizeof ip, &port), c->want);
	if (c->want == 0) {
		ck_assert_str_eq(ip, c->wantip);
		ck_assert_uint_eq(port, c->wantport);
	}
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("setupopt");
	TCase	*tc = tcase_create("setupopt");

	tcase_add_loop_test(tc, setupopt_table, 0,
	    sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, setupopt_fields);
	tcase_add_loop_test(tc, setupopt_listen_table, 0,
	    sizeof listens / sizeof listens[0]);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
