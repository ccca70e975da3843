/* ISC license. */
/* check_rolesvc.c: each role's services in the order they are written,
 * and their commands as root and not: tcpserver's options, the filter
 * on its own continued line, a host name that is no word. */
#include "sysdeps.h"

#include <check.h>
#include <string.h>

#include "mwhome.h"
#include "rolesvc.h"
#include "sa.h"
#include "unit.h"

/* the names of a role's services, space-separated */
static void
names(int role, struct sa *out)
{
	size_t	 i;

	out->len = 0;
	for (i = 0; i < rolesvc_n; i++)
		if (rolesvc[i].roles & role)
			ck_assert_int_eq(sa_catf(out, "%s ",
			    rolesvc[i].name), 0);
	ck_assert_int_eq(sa_0(out), 0);
}

static const struct rolesvc *
find(int role, const char *name)
{
	size_t	 i;

	for (i = 0; i < rolesvc_n; i++)
		if ((rolesvc[i].roles & role) && strcmp(rolesvc[i].name,
		    name) == 0)
			return &rolesvc[i];
	ck_abort_msg("no service %s", name);
	return NULL;
}

START_TEST(rolesvc_order)
{
	struct sa	 s = SA_ZERO;

	names(MWHOME_SCANNER, &s);
	unit_sa_is(&s, "smtpd incoming stamp notify relay ");
	names(MWHOME_GATEWAY, &s);
	unit_sa_is(&s, "smtpd incoming notify togroup local relay ");
	sa_free(&s);
}
END_TEST

START_TEST(rolesvc_commands)
{
	struct rolesvc_ctx	 x = { "/lx", "mx.example.org", "127.0.0.1",
	    2525, 40, 1 };
	struct sa		 c = SA_ZERO;

	ck_assert_int_eq(rolesvc_cmd(&c, find(MWHOME_GATEWAY, "smtpd"), &x),
	    0);
	unit_sa_is(&c, "s6-envuidgid mwrecv tcpserver -U -v -R -H -l "
	    "mx.example.org -c 40 -- 127.0.0.1 2525 \\\n    /lx/smtp-recv");
	x.asroot = 0;
	x.me = "bad name";
	ck_assert_int_eq(rolesvc_cmd(&c, find(MWHOME_GATEWAY, "smtpd"), &x),
	    0);
	unit_sa_is(&c, "tcpserver -v -R -H -l 0 -c 40 -- 127.0.0.1 2525 "
	    "\\\n    /lx/smtp-recv");
	ck_assert_int_eq(rolesvc_cmd(&c, find(MWHOME_GATEWAY, "incoming"),
	    &x), 0);
	unit_sa_is(&c, "/lx/spool-run -o queue/togroup -r 20=queue/local "
	    "-r 21=queue/notify -f queue/quarantine queue/incoming \\\n"
	    "    /lx/classify");
	ck_assert_int_eq(rolesvc_cmd(&c, find(MWHOME_GATEWAY, "togroup"),
	    &x), 0);
	unit_sa_is(&c, "/lx/relay -g");
	ck_assert_int_eq(rolesvc_cmd(&c, find(MWHOME_SCANNER, "incoming"),
	    &x), 0);
	unit_sa_is(&c, "/lx/spool-run -o queue/scan -f queue/failed "
	    "queue/incoming");
	sa_free(&c);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("rolesvc");
	TCase	*tc = tcase_create("rolesvc");

	tcase_add_test(tc, rolesvc_order);
	tcase_add_test(tc, rolesvc_commands);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
