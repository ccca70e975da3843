/* ISC license. */
/* check_smtpfail.c: the table of internal conditions (as the Errors
 * table of smtp-recv(8) lists it), the shape of every reply, and the
 * errno and verdict mappings. */
#include "sysdeps.h"

#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "smtpfail.h"
#include "smtpmsg.h"
#include "unit.h"

static const struct {
	int		 f;
	const char	*word;
	const char	*reply;
} table[] = {
	{ SMTPFAIL_IO, "io", "451 4.3.0 Local error in processing" },
	{ SMTPFAIL_NOSPACE, "nospace",
	    "452 4.3.1 Insufficient system storage" },
	{ SMTPFAIL_NOMEM, "nomem", "421 4.3.0 Out of memory, closing" },
	{ SMTPFAIL_SIZE, "size", "552 5.3.4 Message size exceeds limit" },
	{ SMTPFAIL_HOPS, "hops", "554 5.4.6 Too many hops, mail loop?" },
	{ SMTPFAIL_BARELF, "barelf", "550 5.6.2 Bare LF or CR; use CRLF" },
	{ SMTPFAIL_TIMEOUT, "timeout", "421 4.4.2 Timeout, closing" },
	{ SMTPFAIL_ERRORS, "errors", "421 4.7.0 Too many errors, closing" },
	{ SMTPFAIL_EARLY, "earlytalker", "554 5.5.0 Talking before greeting" },
	{ SMTPFAIL_PIPE, "pipelining", "554 5.5.0 Commands before EHLO reply" },
	{ SMTPFAIL_BDAT, "bdatsyntax", "421 4.5.4 Bad BDAT syntax, closing" },
};

START_TEST(smtpfail_table)
{
	ck_assert_uint_eq(sizeof table / sizeof table[0], SMTPFAIL_N);
	ck_assert_str_eq(smtpfail_word(table[_i].f), table[_i].word);
	ck_assert_str_eq(smtpfail_reply(table[_i].f), table[_i].reply);
}
END_TEST

/* "ddd c.d.d text": RFC 3463 class matching the code, one line. */
START_TEST(smtpfail_shape)
{
	const char	*r = smtpfail_reply(_i), *w = smtpfail_word(_i);
	int		 j;

	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(w);
	ck_assert_msg(r[0] == '4' || r[0] == '5', "%s", r);
	ck_assert(isdigit((unsigned char)r[1]) &&
	    isdigit((unsigned char)r[2]) && r[3] == ' ');
	ck_assert_msg(r[4] == r[0] && r[5] == '.', "class of %s", r);
	ck_assert_ptr_null(strpbrk(r, "\r\n"));
	ck_assert_uint_gt(strlen(w), 0);
	ck_assert_uint_eq(strspn(w, "abcdefghijklmnopqrstuvwxyz"), strlen(w));
	for (j = 0; j < SMTPFAIL_N; j++)
		if (j != _i)
			ck_assert_str_ne(w, smtpfail_word(j));
}
END_TEST

START_TEST(smtpfail_range)
{
	ck_assert_ptr_null(smtpfail_word(SMTPFAIL_NONE));
	ck_assert_ptr_null(smtpfail_reply(SMTPFAIL_NONE));
	ck_assert_ptr_null(smtpfail_word(SMTPFAIL_N));
	ck_assert_ptr_null(smtpfail_reply(SMTPFAIL_N));
}
END_TEST

static const struct {
	int	 verdict;	/* -1: smtpfail_errno() alone */
	int	 e;
	int	 want;
} maps[] = {
	{ -1, ENOSPC, SMTPFAIL_NOSPACE },
	{ -1, EDQUOT, SMTPFAIL_NOSPACE },
	{ -1, ENOMEM, SMTPFAIL_NOMEM },
	{ -1, EIO, SMTPFAIL_IO },
	{ -1, EACCES, SMTPFAIL_IO },
	{ -1, ENOENT, SMTPFAIL_IO },
	{ -1, 0, SMTPFAIL_IO },
	{ SMTPMSG_OK, ENOSPC, SMTPFAIL_NONE },
	{ SMTPMSG_SIZE, ENOSPC, SMTPFAIL_SIZE },
	{ SMTPMSG_HOPS, 0, SMTPFAIL_HOPS },
	{ SMTPMSG_BARELF, 0, SMTPFAIL_BARELF },
	{ SMTPMSG_IOERR, EIO, SMTPFAIL_IO },
	{ SMTPMSG_IOERR, ENOSPC, SMTPFAIL_NOSPACE },
	{ SMTPMSG_IOERR, EDQUOT, SMTPFAIL_NOSPACE },
	{ SMTPMSG_IOERR, ENOMEM, SMTPFAIL_NOMEM },
};

START_TEST(smtpfail_maps)
{
	if (maps[_i].verdict == -1)
		ck_assert_int_eq(smtpfail_errno(maps[_i].e), maps[_i].want);
	else
		ck_assert_int_eq(smtpfail_verdict(maps[_i].verdict,
		    maps[_i].e), maps[_i].want);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("smtpfail");
	TCase	*tc = tcase_create("smtpfail");

	tcase_add_loop_test(tc, smtpfail_table, 0,
	    sizeof table / sizeof table[0]);
	tcase_add_loop_test(tc, smtpfail_shape, 0, SMTPFAIL_N);
	tcase_add_test(tc, smtpfail_range);
	tcase_add_loop_test(tc, smtpfail_maps, 0,
	    sizeof maps / sizeof maps[0]);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
