/* ISC license. */
/* check_svcdir.c: s6 service directories written from a description. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <check.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sa.h"
#include "svcdir.h"
#include "unit.h"

#define HDR	"#!/bin/sh\n# mailward gateway: service %s, written by " \
	"mailward-setup(1); rerun it to change this file\nexec 2>&1\n" \
	"cd /h || exit 111\nexec "

static const struct runcase {
	struct svcdir	 d;
	const char	*run;		/* after HDR */
	const char	*logrun;
} runs[] = {
	{ { "relay", "gateway", "/h", 0, NULL, "/l/relay", NULL },
	    "/l/relay\n",
	    "#!/bin/sh\nexec s6-log t n20 s1000000 /h/log/relay\n" },
	{ { "local", "gateway", "/h", 512UL << 20, "mwdeliver",
	    "/l/spool-run -f queue/failed queue/local \\\n    /l/deliver",
	    NULL },
	    "s6-softlimit -m 536870912 \\\n    s6-setuidgid mwdeliver "
	    "/l/spool-run -f queue/failed queue/local \\\n    /l/deliver\n",
	    "#!/bin/sh\nexec s6-log t n20 s1000000 /h/log/local\n" },
	{ { "smtpd", "gateway", "/h", 1, NULL, "tcpserver -- 0 25 x", NULL },
	    "s6-softlimit -m 1 \\\n    tcpserver -- 0 25 x\n",
	    "#!/bin/sh\nexec s6-log t n20 s1000000 /h/log/smtpd\n" },
};

START_TEST(svcdir_write_table)
{
	const struct runcase *c = &runs[_i];
	struct sa	 err = SA_ZERO, want = SA_ZERO;

	ck_assert_int_eq(svcdir_write(&c->d, &err), 0);
	ck_assert_int_ge(sa_catf(&want, HDR, c->d.name), 0);
	ck_assert_int_ge(sa_cats(&want, c->run), 0);
	ck_assert_int_ge(sa_0(&want), 0);
	ck_assert_int_eq(chdir("service"), 0);
	ck_assert_int_eq(chdir(c->d.name), 0);
	unit_file_is("run", want.s);
	unit_file_is("log/run", c->logrun);
	ck_assert_uint_eq(unit_mode("run"), 0755);
	ck_assert_uint_eq(unit_mode("log/run"), 0755);
	ck_assert_uint_eq(unit_mode("log"), 0755);
	ck_assert_int_eq(access("run.tmp", F_OK), -1);
	ck_assert_int_eq(chdir("../../log"), 0);
	ck_assert_uint_eq(unit_mode(c->d.name), 0750);
	sa_free(&err);
	sa_free(&want);
}
END_TEST

/* a rerun replaces the scripts and repairs modes; loguser owns log/NAME */
START_TEST(svcdir_write_again)
{
	struct passwd	*pw = getpwuid(getuid());
	struct svcdir	 d = { "relay", "scanner", "/h", 0, NULL, "old", NULL };
	struct sa	 err = SA_ZERO, want = SA_ZERO;
	struct stat	 st;

	ck_assert_ptr_nonnull(pw);
	ck_assert_int_eq(svcdir_write(&d, &err), 0);
	ck_assert_int_eq(chmod("service/relay/run", 0600), 0);
	ck_assert_int_eq(chmod("log/relay", 0700), 0);
	d.cmd = "new";
	d.loguser = pw->pw_name;
	ck_assert_int_eq(svcdir_write(&d, &err), 0);
	ck_assert_uint_eq(unit_mode("service/relay/run"), 0755);
	ck_assert_uint_eq(unit_mode("log/relay"), 0750);
	ck_assert_int_eq(lstat("log/relay", &st), 0);
	ck_assert_uint_eq(st.st_uid, pw->pw_uid);
	ck_assert_uint_eq(st.st_gid, pw->pw_gid);
	ck_assert_int_ge(sa_catf(&want, "#!/bin/sh\nexec s6-setuidgid %s "
	    "s6-log t n20 s1000000 /h/log/relay\n", pw->pw_name), 0);
	ck_assert_int_ge(sa_0(&want), 0);
	unit_file_is("service/relay/log/run", want.s);
	want.len = 0;
	ck_assert_int_ge(sa_catf(&want, "#!/bin/sh\n# mailward scanner: "
	    "service relay, written by mailward-setup(1); rerun it to change "
	    "this file\nexec 2>&1\ncd /h || exit 111\nexec new\n"), 0);
	ck_assert_int_ge(sa_0(&want), 0);
	unit_file_is("service/relay/run", want.s);
	sa_free(&err);
	sa_free(&want);
}
END_TEST

/* descriptions run scripts cannot hold: nothing is written */
static const struct svcdir bads[] = {
	{ "a/b", "gateway", "/h", 0, NULL, "x", NULL },
	{ "a b", "gateway", "/h", 0, NULL, "x", NULL },
	{ "", "gateway", "/h", 0, NULL, "x", NULL },
	{ "a", "gateway", "h", 0, NULL, "x", NULL },
	{ "a", "gateway", "/h h", 0, NULL, "x", NULL },
	{ "a", "gateway", "/h", 0, "u;x", "x", NULL },
	{ "a", "gateway", "/h", 0, NULL, "x", "$(x)" },
};

START_TEST(svcdir_write_invalid)
{
	struct sa	 err = SA_ZERO;

	errno = 0;
	ck_assert_int_eq(svcdir_write(&bads[_i], &err), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_gt(err.len, 0);
	ck_assert_int_eq(access("service", F_OK), -1);
	sa_free(&err);
}
END_TEST

START_TEST(svcdir_write_fail)
{
	struct svcdir	 d = { "relay", "gateway", "/h", 0, NULL, "x", NULL };
	struct sa	 err = SA_ZERO;
	const char	*want = "unable to make directory service: ";

	unit_writefile("service", "", 0, 0644);
	errno = 0;
	ck_assert_int_eq(svcdir_write(&d, &err), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_uint_gt(err.len, strlen(want));
	ck_assert_mem_eq(err.s, want, strlen(want));
	ck_assert_int_eq(unlink("service"), 0);
	d.loguser = "mw-no-such-user";
	ck_assert_int_eq(svcdir_write(&d, &err), -1);
	ck_assert_uint_eq(err.len, strlen("no user mw-no-such-user"));
	ck_assert_mem_eq(err.s, "no user mw-no-such-user", err.len);
	sa_free(&err);
}
END_TEST

static const struct wordcase {
	const char	*s;
	int		 want;
} words[] = {
	{ "/usr/local/libexec/mailward", 1 },
	{ "a-Z_0.9+,:@%=/", 1 },
	{ "", 0 },
	{ "a b", 0 },
	{ "a\tb", 0 },
	{ "a'b", 0 },
	{ "a\"b", 0 },
	{ "a$b", 0 },
	{ "a\\b", 0 },
	{ "a\nb", 0 },
	{ "a;b", 0 },
	{ "a*", 0 },
	{ "~a", 0 },
	{ "\xc3\xa9", 0 },
};

START_TEST(svcdir_wordok_table)
{
	ck_assert_msg(svcdir_wordok(words[_i].s) == words[_i].want, "%s",
	    words[_i].s);
}
END_TEST

START_TEST(svcdir_wordok_long)
{
	char	 s[1026];

	memset(s, 'a', sizeof s - 1);
	s[1024] = '\0';
	ck_assert_int_eq(svcdir_wordok(s), 1);
	s[1024] = 'a';
	s[1025] = '\0';
	ck_assert_int_eq(svcdir_wordok(s), 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("svcdir");
	TCase	*tc = tcase_create("svcdir");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_loop_test(tc, svcdir_write_table, 0,
	    sizeof runs / sizeof runs[0]);
	tcase_add_test(tc, svcdir_write_again);
	tcase_add_loop_test(tc, svcdir_write_invalid, 0,
	    sizeof bads / sizeof bads[0]);
	tcase_add_test(tc, svcdir_write_fail);
	tcase_add_loop_test(tc, svcdir_wordok_table, 0,
	    sizeof words / sizeof words[0]);
	tcase_add_test(tc, svcdir_wordok_long);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
