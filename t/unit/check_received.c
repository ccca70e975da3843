/* ISC license. */
/* check_received.c: the Received: header, byte-exact, in UTC. */
#include "sysdeps.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "received.h"
#include "sa.h"
#include "unit.h"

struct rcvdcase {
	struct received	 r;
	const char	*want;
};

static const struct rcvdcase cases[] = {
	{ { "mx.example.org", 14, "192.0.2.7", "scan.example", "ESMTP", NULL,
	    "1764228180.77.abcd", NULL, 1764228180 },
	  "Received: from mx.example.org ([192.0.2.7])\n"
	  "\tby scan.example (mailward) with ESMTP id 1764228180.77.abcd;\n"
	  "\tThu, 27 Nov 2025 07:23:00 +0000\n" },
	{ { "mx.example.org extra", 14, "2001:db8::1", "scan.example",
	    "ESMTPS", "TLSv1.3 TLS_AES_256_GCM_SHA384", "1.2.3",
	    "a@b.example", 0 },
	  "Received: from mx.example.org ([2001:db8::1])\n"
	  "\t(using TLSv1.3 TLS_AES_256_GCM_SHA384)\n"
	  "\tby scan.example (mailward) with ESMTPS id 1.2.3\n"
	  "\tfor <a@b.example>;\n"
	  "\tThu, 01 Jan 1970 00:00:00 +0000\n" },
	{ { "h", 1, NULL, "me", "SMTP", NULL, "x", NULL, 86400 },
	  "Received: from h (local)\n"
	  "\tby me (mailward) with SMTP id x;\n"
	  "\tFri, 02 Jan 1970 00:00:00 +0000\n" },
};

START_TEST(received_table)
{
	struct sa	 h = SA_ZERO;

	ck_assert_int_eq(setenv("TZ", "UTC", 1), 0);
	tzset();
	ck_assert_int_eq(sa_cats(&h, "X"), 0);	/* it appends */
	ck_assert_int_eq(received_fmt(&h, &cases[_i].r), 0);
	ck_assert_uint_eq(h.len, strlen(cases[_i].want) + 1);
	ck_assert_mem_eq(h.s + 1, cases[_i].want, h.len - 1);
	sa_free(&h);
}
END_TEST

START_TEST(received_protos)
{
	ck_assert_str_eq(received_proto(0, 0, 0), "SMTP");
	ck_assert_str_eq(received_proto(1, 0, 0), "ESMTP");
	ck_assert_str_eq(received_proto(1, 1, 0), "ESMTPS");
	ck_assert_str_eq(received_proto(1, 0, 1), "UTF8SMTP");
	ck_assert_str_eq(received_proto(1, 1, 1), "UTF8SMTPS");
	ck_assert_str_eq(received_proto(0, 1, 0), "ESMTPS");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("received");
	TCase	*tc = tcase_create("received");

	tcase_add_loop_test(tc, received_table, 0,
	    sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, received_protos);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
