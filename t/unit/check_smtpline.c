/* ISC license. */
/* check_smtpline.c: command lines and data over a bio memory stub, read in
 * every chunking and through a small buffer. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bio.h"
#include "sa.h"
#include "smtpdata.h"
#include "smtpline.h"
#include "unit.h"

#define OK	SMTPLINE_OK
#define TOOLONG	SMTPLINE_TOOLONG
#define SYNTAX	SMTPLINE_SYNTAX
#define EOFR	SMTPLINE_EOF

struct want {
	int		 r;
	const char	*line;
};

struct linecase {
	const char	*in;
	size_t		 inlen;		/* 0: strlen(in) */
	size_t		 max;
	struct want	 want[4];	/* until EOF */
};

static const struct linecase lines[] = {
	{ "HELO x\r\n", 0, 512, { { OK, "HELO x" }, { EOFR, NULL } } },
	{ "HELO x\n", 0, 512, { { OK, "HELO x" }, { EOFR, NULL } } },
	{ "\r\n", 0, 512, { { OK, "" }, { EOFR, NULL } } },
	{ "", 0, 512, { { EOFR, NULL } } },
	{ "HELO x", 0, 512, { { EOFR, NULL } } },
	{ "HELO xyz\r\n", 0, 8, { { OK, "HELO xyz" }, { EOFR, NULL } } },
	{ "HELO xyz\n", 0, 8, { { OK, "HELO xyz" }, { EOFR, NULL } } },
	{ "HELO xyz\r\n", 0, 7, { { TOOLONG, NULL }, { EOFR, NULL } } },
	{ "HELO xyz\r\n", 0, 6, { { TOOLONG, NULL }, { EOFR, NULL } } },
	{ "HELO xyzzy-xyzzy-xyzzy-xyzzy-xyzzy\r\nNOOP\r\n", 0, 6,
	    { { TOOLONG, NULL }, { OK, "NOOP" }, { EOFR, NULL } } },
	{ "HE\0LO\r\nNOOP\r\n", 13, 512,
	    { { SYNTAX, NULL }, { OK, "NOOP" }, { EOFR, NULL } } },
	{ "HELO\rx\r\n", 0, 512, { { SYNTAX, NULL }, { EOFR, NULL } } },
	{ "HELO x\r\r\n", 0, 512, { { SYNTAX, NULL }, { EOFR, NULL } } },
	{ "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n", 0, 512,
	    { { OK, "MAIL FROM:<a@b>" }, { OK, "RCPT TO:<c@d>" },
	      { OK, "DATA" }, { EOFR, NULL } } },
};

static const size_t chunks[] = { 0, 1, 2, 5 };

START_TEST(smtpline_table)
{
	const struct linecase	*c = &lines[_i];
	struct bio		 in;
	struct sa		 got = SA_ZERO;
	char			 buf[16];
	size_t			 k, w, n = c->inlen ? c->inlen : strlen(c->in);
	int			 r;

	for (k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
		bio_init_mem(&in, c->in, n, buf, sizeof buf);
		in.memchunk = chunks[k];
		for (w = 0; w < 4; w++) {
			r = smtpline_read(&in, &got, c->max);
			ck_assert_int_eq(r, c->want[w].r);
			if (r == OK) {
				ck_assert_uint_eq(got.len,
				    strlen(c->want[w].line));
				if (got.len > 0)
					ck_assert_mem_eq(got.s,
					    c->want[w].line, got.len);
			}
			if (r == EOFR)
				break;
		}
		ck_assert_int_eq(r, EOFR);
	}
	sa_free(&got);
}
END_TEST

START_TEST(smtpline_data_then_command)
{
	static const char	 msg[] = "a\r\n..b\r\n.\r\nQUIT\r\n";
	struct bio		 in;
	struct smtpdata		 d;
	struct sa		 out = SA_ZERO, line = SA_ZERO;
	char			 buf[8];
	size_t			 k;

	for (k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
		out.len = 0;
		bio_init_mem(&in, msg, sizeof msg - 1, buf, sizeof buf);
		in.memchunk = chunks[k];
		smtpdata_init(&d, SMTPDATA_DOT, 0, smtpdata_sink_sa, &out);
		ck_assert_int_eq(smtpline_data(&in, &d), 0);
		ck_assert_uint_eq(out.len, 5);
		ck_assert_mem_eq(out.s, "a\n.b\n", 5);
		ck_assert_int_eq(smtpline_read(&in, &line, 512), OK);
		ck_assert(sa_eqs(&line, "QUIT"));
		ck_assert_int_eq(smtpline_read(&in, &line, 512), EOFR);
	}
	sa_free(&out);
	sa_free(&line);
}
END_TEST

START_TEST(smtpline_data_eof)
{
	static const char	 msg[] = "a\r\n.\n";
	struct bio		 in;
	struct smtpdata		 d;
	char			 buf[8];

	bio_init_mem(&in, msg, sizeof msg - 1, buf, sizeof buf);
	smtpdata_init(&d, SMTPDATA_DOT, 0, NULL, NULL);
	errno = 0;
	ck_assert_int_eq(smtpline_data(&in, &d), -1);
	ck_assert_int_eq(errno, EPIPE);
}
END_TEST

START_TEST(smtpline_bdat_then_command)
{
	static const char	 msg[] = "ab\r\nc\r\nQUIT\r\n";
	struct bio		 in;
	struct smtpdata		 d;
	struct sa		 out = SA_ZERO, line = SA_ZERO;
	char			 buf[8];
	size_t			 k;

	for (k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
		out.len = 0;
		bio_init_mem(&in, msg, sizeof msg - 1, buf, sizeof buf);
		in.memchunk = chunks[k];
		smtpdata_init(&d, SMTPDATA_BDAT, 0, smtpdata_sink_sa, &out);
		ck_assert_int_eq(smtpline_bdat(&in, &d, 3), 0);	/* "ab\r" */
		ck_assert_int_eq(smtpline_bdat(&in, &d, 4), 0);	/* "\nc\r\n" */
		smtpdata_finish(&d);
		ck_assert_uint_eq(out.len, 5);
		ck_assert_mem_eq(out.s, "ab\nc\n", 5);
		ck_assert_int_eq(d.flags, 0);
		ck_assert_int_eq(smtpline_read(&in, &line, 512), OK);
		ck_assert(sa_eqs(&line, "QUIT"));
		errno = 0;
		ck_assert_int_eq(smtpline_bdat(&in, &d, 1), -1);
		ck_assert_int_eq(errno, EPIPE);
	}
	sa_free(&out);
	sa_free(&line);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("smtpline");
	TCase	*tc = tcase_create("smtpline");

	tcase_add_loop_test(tc, smtpline_table, 0,
	    sizeof lines / sizeof lines[0]);
	tcase_add_test(tc, smtpline_data_then_command);
	tcase_add_test(tc, smtpline_data_eof);
	tcase_add_test(tc, smtpline_bdat_then_command);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
