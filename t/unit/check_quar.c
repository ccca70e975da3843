/* ISC license. */
/* check_quar.c: quar_hold() marks the envelope, keeps the message byte
 * for byte, removes the input; a malformed file is held as it came; the
 * reason is made a safe envelope value; a missing input changes
 * nothing. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "envelope.h"
#include "quar.h"
#include "sa.h"
#include "spool.h"
#include "unit.h"

#define ENV	"mailward 1\nid 1.2.3\ntime 1\nremote -\nhelo -\ntls 0\n" \
		"from <a@example.org>\nrcpt <b@example.net>\n"
#define MSG	"Subject: x\n\nbody\n\n.\nno final newline"

static char	 in[UNIT_PATHSZ], q[UNIT_PATHSZ], held[UNIT_PATHSZ];

static void
spools(void)
{
	char	 inspool[UNIT_PATHSZ];

	unit_scratch_path(inspool, "scan", NULL);
	unit_scratch_path(q, "quarantine", NULL);
	ck_assert_int_eq(spool_mkdirs(inspool, 0700), 0);
	ck_assert_int_eq(spool_mkdirs(q, 0700), 0);
	unit_scratch_path(in, "scan", "new/1.2.3");
	unit_scratch_path(held, "quarantine", "new/1.2.3");
}

START_TEST(quar_marks_envelope)
{
	static const char	 f[] = ENV "verdict clean\nscanned x/1/2\n\n" MSG;

	spools();
	unit_writefile(in, f, sizeof f - 1, 0640);
	ck_assert_int_eq(quar_hold(in, q, "1.2.3", "crashed 3 times"), 0);
	unit_file_is(held, ENV "scanned x/1/2\nverdict quarantined\n"
	    "quarantine crashed 3 times\n\n" MSG);
	ck_assert_int_eq(access(in, F_OK), -1);
	ck_assert_int_eq(unit_count(q, "tmp", NULL), 0);
}
END_TEST

START_TEST(quar_malformed_as_is)
{
	static const char	 f[] = "mailward 1\nid 1.2.3\n\nSubject: x\n\nhi\n";

	spools();
	unit_writefile(in, f, sizeof f - 1, 0640);
	ck_assert_int_eq(quar_hold(in, q, "1.2.3", "why"), 0);
	unit_file_is(held, f);
	ck_assert_int_eq(access(in, F_OK), -1);
}
END_TEST

START_TEST(quar_reason_made_safe)
{
	static const char	 f[] = ENV "\n" MSG;
	struct envelope		 e = ENVELOPE_ZERO;
	struct sa		 got = SA_ZERO;
	char			 why[3000];
	const char		*v;
	size_t			 n, hl;

	spools();
	memset(why, 'w', sizeof why - 1);
	why[sizeof why - 1] = '\0';
	why[5] = '\n';
	why[6] = '\x01';
	unit_writefile(in, f, sizeof f - 1, 0640);
	ck_assert_int_eq(quar_hold(in, q, "1.2.3", why), 0);
	unit_readfile(held, &got);
	ck_assert_int_eq(envelope_parse(&e, got.s, got.len, &hl), ENVELOPE_OK);
	v = envelope_get(&e, "quarantine", &n);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_lt(n, ENVELOPE_MAXLINE);
	ck_assert_uint_gt(n, 100);
	ck_assert(memcmp(v, "wwwww  www", 10) == 0);
	ck_assert_uint_eq(got.len - hl, sizeof MSG - 1);
	envelope_free(&e);
	sa_free(&got);
	/* an empty reason is a "-" */
	unit_writefile(in, f, sizeof f - 1, 0640);
	ck_assert_int_eq(quar_hold(in, q, "1.2.3", ""), 0);
	unit_file_is(held, ENV "verdict quarantined\nquarantine -\n\n" MSG);
}
END_TEST

START_TEST(quar_missing_input)
{
	spools();
	errno = 0;
	ck_assert_int_eq(quar_hold(in, q, "1.2.3", "x"), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(unit_count(q, "new", NULL), 0);
	ck_assert_int_eq(unit_count(q, "tmp", NULL), 0);
}
END_TEST

static Suite *
quar_suite(void)
{
	Suite	*s = suite_create("quar");
	TCase	*tc = tcase_create("hold");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_test(tc, quar_marks_envelope);
	tcase_add_test(tc, quar_malformed_as_is);
	tcase_add_test(tc, quar_reason_made_safe);
	tcase_add_test(tc, quar_missing_input);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(quar_suite());
}
