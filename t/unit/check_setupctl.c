/* ISC license. */
/* check_setupctl.c: a role's control files from parsed options, as the
 * invoking user in a scratch home: what an option names is written,
 * defaults only where a file is missing (an operator's edit is kept on a
 * rerun), a gateway's routes (--internal, then --next-hop's "*"). */
#include "sysdeps.h"

#include <check.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "mwhome.h"
#include "sa.h"
#include "setupctl.h"
#include "setupopt.h"
#include "unit.h"

#define ARG(s)	((char *)(uintptr_t)(s))

/* setupctl_write() for the options in argv (NULL-terminated) */
static int
write1(struct mwhome *h, char **argv)
{
	struct setupopt	 o;
	int		 argc, r;

	for (argc = 0; argv[argc] != NULL; argc++)
		;
	ck_assert_msg(setupopt_parse(&o, argc, argv) == 0, "%.*s",
	    (int)o.err.len, o.err.s);
	r = setupctl_write(h, &o);
	setupopt_free(&o);
	return r;
}

START_TEST(setupctl_gateway)
{
	char		*argv[] = { ARG("mailward-setup"), ARG("gateway"),
	    ARG("/h"), ARG("--me"), ARG("gw.example.org"), ARG("--maildir"),
	    ARG("bob@example.org=Maildir/bob"), ARG("--internal"),
	    ARG("example.org=lmtp:/run/lmtp"), ARG("--next-hop"),
	    ARG("smart.example.net"), ARG("--group"), ARG("scan1.example.net"),
	    ARG("--scan-policy"), ARG("either"), NULL };
	struct mwhome	 h = MWHOME_ZERO;

	ck_assert_int_eq(write1(&h, argv), 0);
	unit_file_is("control/role", "gateway\n");
	unit_file_is("control/me", "gw.example.org\n");
	unit_file_is("control/listen", SETUPCTL_LISTEN "\n");
	unit_file_is("control/maildirs", "bob@example.org Maildir/bob\n");
	unit_file_is("control/routes", "example.org lmtp:/run/lmtp\n"
	    "* smart.example.net\n");
	unit_file_is("control/group", "scan1.example.net\n");
	unit_file_is("control/scanpolicy", "either\n");
	unit_file_is("control/subscribers",
	    "bob@example.org\n@example.org\n");
	ck_assert_int_eq(access("control/databases", F_OK), -1);
	/* a rerun without the options keeps what was written, and an
	 * operator's edit of a default */
	unit_writefile("control/concurrencysmtpd", "7\n", 2, 0644);
	argv[3] = NULL;
	ck_assert_int_eq(write1(&h, argv), 0);
	unit_file_is("control/me", "gw.example.org\n");
	unit_file_is("control/concurrencysmtpd", "7\n");
	unit_file_is("control/group", "scan1.example.net\n");
	sa_free(&h.err);
}
END_TEST

START_TEST(setupctl_scanner)
{
	char		*argv[] = { ARG("mailward-setup"), ARG("scanner"),
	    ARG("/h"), ARG("--me"), ARG("scan.example.net"), ARG("--stages"),
	    ARG("clamav,clamd"), ARG("--clamd"), ARG("/run/clamd.ctl"),
	    ARG("--scanexec"), ARG("exec.conf"), NULL };
	struct mwhome	 h = MWHOME_ZERO;
	struct setupopt	 o;

	unit_writefile("exec.conf", "command x %f\n", 13, 0644);
	ck_assert_int_eq(write1(&h, argv), 0);
	unit_file_is("control/stages", "clamav,clamd\n");
	unit_file_is("control/clamd-address", "/run/clamd.ctl\n");
	unit_file_is("control/scanexec", "command x %f\n");
	unit_file_is("control/databases", SETUPCTL_DATABASES "\n");
	unit_file_is("control/softlimitscan", "8192\n");
	ck_assert_int_eq(access("control/maildirs", F_OK), -1);
	/* the file --scanexec names gone by the time it is copied: why */
	ck_assert_int_eq(setupopt_parse(&o, 11, argv), 0);
	ck_assert_int_eq(unlink("exec.conf"), 0);
	ck_assert_int_eq(setupctl_write(&h, &o), -1);
	ck_assert_int_eq(sa_0(&h.err), 0);
	ck_assert_msg(strncmp(h.err.s, "unable to read /", 16) == 0 &&
	    strstr(h.err.s, "/exec.conf: No such file or directory") != NULL,
	    "%s", h.err.s);
	setupopt_free(&o);
	sa_free(&h.err);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("setupctl");
	TCase	*tc = tcase_create("setupctl");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_test(tc, setupctl_gateway);
	tcase_add_test(tc, setupctl_scanner);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
