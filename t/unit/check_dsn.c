/* ISC license. */
/* check_dsn.c: bounces, byte for byte against t/data/dsn/, and spooled. */
#include "sysdeps.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsn.h"
#include "dsnfmt.h"
#include "envelope.h"
#include "sa.h"
#include "spool.h"
#include "unit.h"

static const char msg[] =
    "Received: from client.example.org by mx.example.com; Wed, 27 Nov 2024\n"
    "\t06:50:00 +0000\n"
    "From: <a@example.org>\n"
    "To: <b@example.net>\n"
    "Subject: hello\n"
    "\n"
    "the body is not quoted\n";

static const struct dsn_rcpt rcpts[] = {
	{ "b@example.net", 13, "5.1.1", "smtp; 550 5.1.1 <b@example.net>: "
	  "no such user \x01\xc3\xa9", "mx.example.net" },
	{ "c@example.net", 13, "4.4.7", "smtp; 451 4.3.0 try later; retry "
	  "timeout exceeded", NULL },
};

static void
mkenv(struct envelope *e, const char *from)
{
	ck_assert_int_eq(sa_copys(&e->id, "1732690200.4411.c3f2a9"), 0);
	e->time = 1732690200;
	ck_assert_int_eq(sa_copys(&e->remote, "192.0.2.7"), 0);
	ck_assert_int_eq(sa_copys(&e->from, from), 0);
	ck_assert_int_eq(envelope_addrcpt(e, "b@example.net", 13), 0);
	ck_assert_int_eq(envelope_addrcpt(e, "c@example.net", 13), 0);
}

START_TEST(golden)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct sa	 got = SA_ZERO, want = SA_ZERO;

	mkenv(&e, "a@example.org");
	ck_assert_int_eq(dsn_make_at(&e, msg, sizeof msg - 1, "mx.example.com",
	    rcpts, 2, 1732700000ULL, "=_mw_test", &got), 0);
	unit_readfile("t/data/dsn/basic.out", &want);
	if (got.len != want.len || memcmp(got.s, want.s, got.len) != 0) {
		fwrite(got.s, 1, got.len, stderr);
		ck_abort_msg("output differs from t/data/dsn/basic.out");
	}
	envelope_free(&e);
	sa_free(&got);
	sa_free(&want);
}
END_TEST

struct hdrcase {
	const char	*msg;
	const char	*want;		/* the text/rfc822-headers part */
};

static const struct hdrcase hdrs[] = {
	{ "A: 1\nB: 2\n\nbody\n", "A: 1\nB: 2\n" },
	{ "A: 1\nB: 2", "A: 1\nB: 2\n" },		/* no body, no LF */
	{ "\nbody only\n", "" },
	{ "", "" },
};

START_TEST(headers_table)
{
	const struct hdrcase	*c = &hdrs[_i];
	struct envelope		 e = ENVELOPE_ZERO;
	struct sa		 got = SA_ZERO, want = SA_ZERO;
	const char		*p;

	mkenv(&e, "a@example.org");
	ck_assert_int_eq(dsn_make_at(&e, c->msg, strlen(c->msg), "me",
	    rcpts, 1, 0, "B", &got), 0);
	ck_assert_int_eq(sa_catf(&want, "Undelivered Message Headers\n\n"
	    "%s\n--B--\n", c->want), 0);
	ck_assert_uint_gt(got.len, want.len);
	p = got.s + got.len - want.len;
	ck_assert_mem_eq(p, want.s, want.len);
	envelope_free(&e);
	sa_free(&got);
	sa_free(&want);
}
END_TEST

/* 100 KiB of headers: cut at a line end at most DSN_MAXHEADERS in */
START_TEST(headers_capped)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct sa	 m = SA_ZERO, got = SA_ZERO;
	const char	*part;
	size_t		 i;

	mkenv(&e, "a@example.org");
	for (i = 0; i < 100 * 1024 / 20; i++)
		ck_assert_int_eq(sa_cats(&m, "X-Filler: 123456789\n"), 0);
	ck_assert_int_eq(sa_cats(&m, "\nbody\n"), 0);
	ck_assert_int_eq(dsn_make_at(&e, m.s, m.len, "me", rcpts, 1, 0, "B",
	    &got), 0);
	ck_assert_int_eq(sa_0(&got), 0);
	part = strstr(got.s, "Headers\n\n");
	ck_assert_ptr_nonnull(part);
	part += 9;
	ck_assert_uint_le(strlen(part), DSN_MAXHEADERS + 10);
	ck_assert_uint_ge(strlen(part), DSN_MAXHEADERS - 30);
	ck_assert_str_eq(part + strlen(part) - 27, "X-Filler: 123456789\n\n--B--\n");
	envelope_free(&e);
	sa_free(&m);
	sa_free(&got);
}
END_TEST

static char *
tmpspool(char *dir, size_t n)
{
	unit_mkdtemp(dir, n, "check_dsn");
	ck_assert_int_eq(spool_mkdirs(dir, 0700), 0);
	return dir;
}

START_TEST(queue_null_sender)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct sa	 qid = SA_ZERO;
	char		 dir[UNIT_PATHSZ];
	int		 queued = 7;

	tmpspool(dir, sizeof dir);
	mkenv(&e, "");
	ck_assert_int_eq(dsn_queue(dir, &e, msg, sizeof msg - 1, "me", rcpts, 2,
	    &queued, &qid), 0);
	ck_assert_int_eq(queued, 0);
	ck_assert_uint_eq(unit_count(dir, "new", NULL), 0);
	ck_assert_int_eq(unit_rmrf(dir), 0);
	envelope_free(&e);
	sa_free(&qid);
}
END_TEST

START_TEST(queue_spooled)
{
	struct envelope	 e = ENVELOPE_ZERO, b = ENVELOPE_ZERO;
	struct sa	 qid = SA_ZERO, file = SA_ZERO;
	char		 dir[UNIT_PATHSZ], p[UNIT_PATHSZ + 80];
	size_t		 hl;
	int		 queued = 0;

	tmpspool(dir, sizeof dir);
	mkenv(&e, "a@example.org");
	ck_assert_int_eq(dsn_queue(dir, &e, msg, sizeof msg - 1,
	    "mx.example.com", rcpts, 2, &queued, &qid), 0);
	ck_assert_int_eq(queued, 1);
	ck_assert_uint_eq(unit_count(dir, "new", NULL), 1);
	ck_assert_uint_eq(unit_count(dir, "tmp", NULL), 0);
	ck_assert_int_eq(sa_0(&qid), 0);
	snprintf(p, sizeof p, "%s/new/%s", dir, qid.s);
	unit_readfile(p, &file);
	ck_assert_int_eq(envelope_parse(&b, file.s, file.len, &hl),
	    ENVELOPE_OK);
	ck_assert_uint_eq(b.from.len, 0);
	ck_assert_uint_eq(b.nrcpt, 1);
	ck_assert_str_eq(b.rcpt.s, "a@example.org");
	ck_assert_uint_eq(b.id.len, qid.len);
	ck_assert_mem_eq(b.id.s, qid.s, qid.len);
	ck_assert_int_eq(sa_0(&file), 0);
	ck_assert_ptr_nonnull(strstr(file.s + hl,
	    "\nAuto-Submitted: auto-replied\n"));
	ck_assert_ptr_nonnull(strstr(file.s + hl,
	    "Content-Type: multipart/report; report-type=delivery-status;"));
	ck_assert_ptr_nonnull(strstr(file.s + hl,
	    "Final-Recipient: rfc822; c@example.net\nAction: failed\n"
	    "Status: 4.4.7\n"));
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(unit_rmrf(dir), 0);
	envelope_free(&e);
	envelope_free(&b);
	sa_free(&qid);
	sa_free(&file);
}
END_TEST

START_TEST(queue_nospool)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct sa	 qid = SA_ZERO;
	int		 queued = 7;

	mkenv(&e, "a@example.org");
	ck_assert_int_eq(dsn_queue("/nonexistent/q", &e, msg, sizeof msg - 1,
	    "me", rcpts, 2, &queued, &qid), -1);
	ck_assert_int_eq(queued, 0);
	envelope_free(&e);
	sa_free(&qid);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("dsn");
	TCase	*tc = tcase_create("dsn");

	tcase_add_test(tc, golden);
	tcase_add_loop_test(tc, headers_table, 0, sizeof hdrs / sizeof hdrs[0]);
	tcase_add_test(tc, headers_capped);
	tcase_add_test(tc, queue_null_sender);
	tcase_add_test(tc, queue_spooled);
	tcase_add_test(tc, queue_nospool);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
