/* ISC license. */
/* check_smtpconf.c: smtp-recv's control files: the defaults that FILES in
 * smtp-recv(8) lists, the bounds, every error naming its file and line,
 * and the TCPREMOTEIP check.  Control files live in a scratch directory
 * per test. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sa.h"
#include "smtpconf.h"
#include "unit.h"

#define ABSENT	{ NULL, 0 }

/* --- the numbers, as smtp-recv(8) documents them --- */

static const struct {
	const char	*name;
	unsigned long	 min, max, dflt;
} documented[SMTPCONF_NLIMITS] = {
	{ "databytes",		1, 1073741824,	36700160 },
	{ "maxrcpt",		1, 10000,	100 },
	{ "linelimit",		512, 65536,	2048 },
	{ "timeoutsmtpd",	1, 86400,	300 },
	{ "maxerrors",		1, 1000,	10 },
	{ "greetdelay",		0, 30000,	0 },
};

static unsigned long
limit_val(const struct smtpconf *cf, size_t i)
{
	return *(const unsigned long *)(const void *)((const char *)cf +
	    smtpconf_limits[i].off);
}

static void
put(const char *dir, const char *name, const struct bytes *b)
{
	char	 fn[UNIT_PATHSZ];
	int	 n;

	if (b->s == NULL)
		return;
	n = snprintf(fn, sizeof fn, "%s/%s", dir, name);
	ck_assert(n > 0 && (size_t)n < sizeof fn);
	unit_writefile(fn, b->s, b->n, 0644);
}

START_TEST(smtpconf_documented)
{
	const struct smtpconf_limit	*l = &smtpconf_limits[_i];

	ck_assert_str_eq(l->name, documented[_i].name);
	ck_assert_uint_eq(l->min, documented[_i].min);
	ck_assert_uint_eq(l->max, documented[_i].max);
	ck_assert_uint_eq(l->dflt, documented[_i].dflt);
}
END_TEST

START_TEST(smtpconf_defaults)
{
	struct smtpconf	 cf = SMTPCONF_ZERO;
	struct sa	 err = SA_ZERO;
	size_t		 i;

	ck_assert_int_eq(smtpconf_read(&cf, unit_scratch_make(), &err), 0);
	for (i = 0; i < SMTPCONF_NLIMITS; i++)
		ck_assert_uint_eq(limit_val(&cf, i), documented[i].dflt);
	ck_assert_uint_eq(cf.databytes, 35UL << 20);
	ck_assert_uint_eq(cf.timeout, 300);
	ck_assert_str_eq(cf.me.s, "localhost");
	ck_assert_int_eq(cf.barelf, 0);
	ck_assert_uint_eq(cf.subs.len, 0);
	ck_assert_uint_eq(cf.tlscert.len, 0);
	ck_assert_uint_eq(cf.tlskey.len, 0);
	unit_scratch_remove();
	smtpconf_free(&cf);
	sa_free(&err);
}
END_TEST

/* Each number at its bounds and one past them (loop: limit x case). */
START_TEST(smtpconf_bounds)
{
	const struct smtpconf_limit	*l = &smtpconf_limits[_i / 4];
	struct smtpconf			 cf = SMTPCONF_ZERO;
	struct sa			 err = SA_ZERO;
	const char			*dir = unit_scratch_make();
	char				 v[32], want[UNIT_PATHSZ + 64];
	struct bytes			 b;
	unsigned long			 x = 0;
	int				 ok = 0;

	switch (_i % 4) {
	case 0: x = l->min; ok = 1; break;
	case 1: x = l->max; ok = 1; break;
	case 2: x = l->max + 1; break;
	default: x = l->min - 1; break;
	}
	if (_i % 4 == 3 && l->min == 0)
		b.n = (size_t)snprintf(v, sizeof v, "-1\n");
	else
		b.n = (size_t)snprintf(v, sizeof v, "%lu\n", x);
	b.s = v;
	put(dir, l->name, &b);
	ck_assert_int_eq(smtpconf_read(&cf, dir, &err), ok ? 0 : -1);
	if (ok)
		ck_assert_uint_eq(limit_val(&cf, _i / 4), x);
	else {
		(void)snprintf(want, sizeof want, "%s/%s line 1: not a number "
		    "in %lu..%lu", dir, l->name, l->min, l->max);
		ck_assert_uint_eq(err.len, strlen(want));
		ck_assert_mem_eq(err.s, want, err.len);
	}
	unit_scratch_remove();
	smtpconf_free(&cf);
	sa_free(&err);
}
END_TEST

/* --- the other files, and which error comes first --- */

struct filecase {
	const char	*name[3];
	struct bytes	 file[3];
	const char	*err;	/* NULL: read; else after "DIR/" */
	const char	*me;
	int		 barelf;
	struct bytes	 subs;
	const char	*cert, *key;
};

#define BAD(why)	why, NULL, 0, ABSENT, NULL, NULL

static const struct filecase files[] = {
	{ { "me" }, { S("mx.example.org\n") }, NULL, "mx.example.org", 0,
	    S(""), "", "" },
	{ { "me" }, { S("# this host\n\nMX.Example.ORG # comment\n") }, NULL,
	    "MX.Example.ORG", 0, S(""), "", "" },
	{ { "me" }, { S("not a name\n") },
	    BAD("me line 1: not a domain name") },
	{ { "me" }, { S("bad..name\n") },
	    BAD("me line 1: not a domain name") },
	{ { "me" }, { S("# nothing\n\n") }, BAD("me: no value") },
	{ { "barelf" }, { S("reject\n") }, NULL, "localhost", 1, S(""), "",
	    "" },
	{ { "barelf" }, { S("normalize\n") }, NULL, "localhost", 0, S(""), "",
	    "" },
	{ { "barelf" }, { S("Reject\n") },
	    BAD("barelf line 1: not normalize or reject") },
	{ { "barelf" }, { S("strip\n") },
	    BAD("barelf line 1: not normalize or reject") },
	{ { "subscribers" }, { S("a@example.org\n# c\n@example.net\n") }, NULL,
	    "localhost", 0, S("a@example.org\0@example.net\0"), "", "" },
	{ { "subscribers" }, { S("") }, NULL, "localhost", 0, S(""), "", "" },
	{ { "subscribers" }, { S("a@example.org\nnot an address\n") },
	    BAD("subscribers: not an address or @domain: \"not an address\"") },
	{ { "subscribers" }, { S("@\n") },
	    BAD("subscribers: not an address or @domain: @") },
	{ { "subscribers" }, { S("a@b\n\x01@c\n") },
	    BAD("subscribers: not an address or @domain: \\x01@c") },
	{ { "subscribers" }, { S("a@b\nc\0d\n") },
	    BAD("subscribers line 2: NUL byte") },
	{ { "tlscert", "tlskey" }, { S("/etc/c.pem\n"), S("/etc/k.pem\n") },
	    NULL, "localhost", 0, S(""), "/etc/c.pem", "/etc/k.pem" },
	{ { "tlscert" }, { S("/etc/c.pem\n") },
	    BAD("tlscert and DIR/tlskey go together") },
	{ { "tlskey" }, { S("/etc/k.pem\n") },
	    BAD("tlscert and DIR/tlskey go together") },
	{ { "tlscert", "tlskey" }, { S("/etc/c.pem\n"), S("\n") },
	    BAD("tlskey: no value") },
	/* the first error in reading order wins: numbers, me, barelf,
	 * subscribers, TLS */
	{ { "databytes", "me" }, { S("12x\n"), S("a b\n") },
	    BAD("databytes line 1: not a number in 1..1073741824") },
	{ { "greetdelay", "maxrcpt" }, { S("-1\n"), S("0\n") },
	    BAD("maxrcpt line 1: not a number in 1..10000") },
	{ { "me", "barelf" }, { S("a b\n"), S("x\n") },
	    BAD("me line 1: not a domain name") },
	{ { "tlscert", "subscribers" }, { S("c\n"), S("x y\n") },
	    BAD("subscribers: not an address or @domain: \"x y\"") },
};

/* "DIR" in a case's error stands for the directory */
static void
want_err(struct sa *want, const char *dir, const char *why)
{
	const char	*p;

	ck_assert_int_eq(sa_copys(want, dir), 0);
	ck_assert_int_eq(sa_catc(want, '/'), 0);
	while ((p = strstr(why, "DIR")) != NULL) {
		ck_assert_int_eq(sa_catb(want, why, (size_t)(p - why)), 0);
		ck_assert_int_eq(sa_cats(want, dir), 0);
		why = p + 3;
	}
	ck_assert_int_eq(sa_cats(want, why), 0);
}

START_TEST(smtpconf_files)
{
	const struct filecase	*c = &files[_i];
	struct smtpconf		 cf = SMTPCONF_ZERO;
	struct sa		 err = SA_ZERO, want = SA_ZERO;
	const char		*dir = unit_scratch_make();
	size_t			 i;

	for (i = 0; i < 3 && c->name[i] != NULL; i++)
		put(dir, c->name[i], &c->file[i]);
	if (c->err != NULL) {
		ck_assert_int_eq(smtpconf_read(&cf, dir, &err), -1);
		want_err(&want, dir, c->err);
		ck_assert_msg(err.len == want.len &&
		    memcmp(err.s, want.s, err.len) == 0, "err \"%.*s\"",
		    (int)err.len, err.s);
	} else {
		ck_assert_int_eq(smtpconf_read(&cf, dir, &err), 0);
		ck_assert_str_eq(cf.me.s, c->me);
		ck_assert_int_eq(cf.barelf, c->barelf);
		ck_assert_uint_eq(cf.subs.len, c->subs.n);
		if (c->subs.n > 0)
			ck_assert_mem_eq(cf.subs.s, c->subs.s, c->subs.n);
		ck_assert_uint_eq(cf.tlscert.len, strlen(c->cert));
		ck_assert_uint_eq(cf.tlskey.len, strlen(c->key));
		if (cf.tlscert.len > 0) {
			ck_assert_str_eq(cf.tlscert.s, c->cert);
			ck_assert_str_eq(cf.tlskey.s, c->key);
		}
	}
	unit_scratch_remove();
	smtpconf_free(&cf);
	sa_free(&err);
	sa_free(&want);
}
END_TEST

START_TEST(smtpconf_nodir)
{
	struct smtpconf	 cf = SMTPCONF_ZERO;
	struct sa	 err = SA_ZERO, want = SA_ZERO;
	const char	*dir = unit_scratch_make();
	char		 fn[UNIT_PATHSZ];

	/* a directory where a file should be is an error, never a default */
	unit_scratch_path(fn, "me", NULL);
	ck_assert_int_eq(mkdir(fn, 0700), 0);
	ck_assert_int_eq(smtpconf_read(&cf, dir, &err), -1);
	want_err(&want, dir, "me: ");
	ck_assert_int_eq(sa_cats(&want, strerror(EISDIR)), 0);
	ck_assert_uint_eq(err.len, want.len);
	ck_assert_mem_eq(err.s, want.s, err.len);
	unit_scratch_remove();
	smtpconf_free(&cf);
	sa_free(&err);
	sa_free(&want);
}
END_TEST

/* --- TCPREMOTEIP --- */

static const struct {
	const char	*in;
	const char	*want;
} remotes[] = {
	{ NULL,			NULL },
	{ "127.0.0.1",		"127.0.0.1" },
	{ "2001:db8::1",	"2001:db8::1" },
	{ "::ffff:192.0.2.7",	"::ffff:192.0.2.7" },
	{ "FE80::1",		"FE80::1" },
	{ "",			"" },
	{ "fe80::1%eth0",	"unknown" },
	{ "192.0.2.7 x",	"unknown" },
	{ "192.0.2.7\n",	"unknown" },
	{ "host.example",	"unknown" },
	{ "1111:2222:3333:4444:5555:6666:7777:888.999.000", /* 46 */
	    "unknown" },
	{ "1111:2222:3333:4444:5555:6666:777.888.999.000", /* 45 */
	    "1111:2222:3333:4444:5555:6666:777.888.999.000" },
};

START_TEST(smtpconf_remotes)
{
	const char	*r = smtpconf_remote(remotes[_i].in);

	if (remotes[_i].want == NULL)
		ck_assert_ptr_null(r);
	else
		ck_assert_str_eq(r, remotes[_i].want);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("smtpconf");
	TCase	*tc = tcase_create("smtpconf");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_loop_test(tc, smtpconf_documented, 0, SMTPCONF_NLIMITS);
	tcase_add_test(tc, smtpconf_defaults);
	tcase_add_loop_test(tc, smtpconf_bounds, 0, 4 * SMTPCONF_NLIMITS);
	tcase_add_loop_test(tc, smtpconf_files, 0,
	    sizeof files / sizeof files[0]);
	tcase_add_test(tc, smtpconf_nodir);
	tcase_add_loop_test(tc, smtpconf_remotes, 0,
	    sizeof remotes / sizeof remotes[0]);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
