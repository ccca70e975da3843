/* ISC license. */
/* check_dlv.c: one message's recipients in delivery: grouping by domain,
 * answers, expiry, and the spool file kept in line with them (rewrite,
 * removal, bounce first) in a scratch spool. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dlv.h"
#include "envelope.h"
#include "sa.h"
#include "spool.h"
#include "unit.h"

#define ID	"1700000000.1.dlv"
#define HEAD	"mailward 1\nid " ID "\ntime 1700000000\nremote 192.0.2.1\n" \
		"helo c.test\ntls 0\n"
#define BODY	"Subject: t\n\nline 1\n.dot\n"

/* --- settle ------------------------------------------------------------- */

struct settlecase {
	int		 code;
	const char	*status;	/* NULL: from the reply */
	const char	*text;
	const char	*host;
	enum dlv_state	 want;
	const char	*wantstatus;
	const char	*wantdiag;
};

static const struct settlecase settles[] = {
	{ 250, NULL, "250 2.0.0 ok", "mx.test", DLV_DONE, "2.0.0",
	  "smtp; 250 2.0.0 ok" },
	{ 550, NULL, "550 5.1.1 no such user", "mx.test", DLV_FAILED,
	  "5.1.1", "smtp; 550 5.1.1 no such user" },
	{ 451, NULL, "451 try later", NULL, DLV_DEFER, "4.0.0",
	  "smtp; 451 try later" },
	{ 550, "5.1.2", "no such domain", NULL, DLV_FAILED, "5.1.2",
	  "x-mailward; no such domain" },
	{ 450, "4.4.1", "connection refused", NULL, DLV_DEFER, "4.4.1",
	  "x-mailward; connection refused" },
};

START_TEST(settle_table)
{
	const struct settlecase	*c = &settles[_i];
	struct dlv_rcpt		 r;

	memset(&r, 0, sizeof r);
	ck_assert_int_eq(dlv_settle(&r, c->code, c->status, c->text,
	    strlen(c->text), c->host), 0);
	ck_assert_int_eq(r.state, c->want);
	ck_assert_str_eq(r.status, c->wantstatus);
	ck_assert_str_eq(r.diag.s, c->wantdiag);
	ck_assert_str_eq(r.remote, c->host != NULL ? c->host : "");
	ck_assert_int_eq(dlv_expire(&r), c->want == DLV_DEFER);
	if (c->want == DLV_DEFER) {
		ck_assert_int_eq(r.state, DLV_FAILED);
		ck_assert_str_eq(r.status, "4.4.7");
		ck_assert_ptr_nonnull(strstr(r.diag.s,
		    "; retry timeout exceeded"));
	}
	sa_free(&r.diag);
}
END_TEST

/* --- load and group ----------------------------------------------------- */

static void
parse(struct envelope *e, struct sa *file, const char *text, size_t *hl)
{
	ck_assert_int_eq(sa_copys(file, text), 0);
	ck_assert_int_eq(envelope_parse(e, file->s, file->len, hl),
	    ENVELOPE_OK);
}

START_TEST(load_groups)
{
	static const char	 text[] = HEAD "from <s@o.test>\n"
	    "rcpt <a@B.test>\nrcpt <c@a.test>\nrcpt <bad@>\n"
	    "rcpt <d@b.test>\n\n" BODY;
	struct envelope		 e = ENVELOPE_ZERO;
	struct sa		 file = SA_ZERO;
	struct dlv		 d;
	size_t			 hl, j;

	parse(&e, &file, text, &hl);
	ck_assert_int_eq(dlv_load(&d, &e, file.s + hl, file.len - hl), 0);
	ck_assert_uint_eq(d.n, 4);
	ck_assert_uint_eq(d.infile, 4);
	ck_assert_mem_eq(d.msg, BODY, d.msglen);
	/* sorted by domain: "" (the bad one) first, then a, b, b */
	ck_assert_uint_eq(dlv_count(&d, DLV_FAILED), 1);
	ck_assert_uint_eq(dlv_count(&d, DLV_PENDING), 3);
	j = dlv_group(&d, 0);
	ck_assert_uint_eq(j, 1);
	ck_assert_str_eq(d.r[0].addr.s, "bad@");
	ck_assert_str_eq(d.r[0].status, "5.1.3");
	ck_assert_str_eq(d.r[0].diag.s, "x-mailward; " DLV_BADADDR);
	ck_assert_uint_eq(dlv_group(&d, 1), 2);
	ck_assert_str_eq(d.r[1].addr.s, "c@a.test");
	ck_assert_uint_eq(dlv_group(&d, 2), 4);	/* B.test is b.test */
	ck_assert_mem_eq(d.r[2].dom, "b.test", d.r[2].domlen);
	ck_assert_mem_eq(d.r[3].dom, "b.test", d.r[3].domlen);
	dlv_free(&d);
	envelope_free(&e);
	sa_free(&file);
}
END_TEST

/* --- writing back --------------------------------------------------------- */

struct fixture {
	char		 spool[UNIT_PATHSZ];
	char		 path[UNIT_PATHSZ];
	struct envelope	 e;
	struct sa	 file;
	struct dlv	 d;
};

/* A spool holding the message, loaded: r[0..2] are a@a.test, b@b.test
 * and c@c.test (domain order is envelope order). */
static void
setup(struct fixture *f, const char *from)
{
	struct sa	 text = SA_ZERO;
	size_t		 hl;

	unit_scratch_make();
	unit_scratch_path(f->spool, "q", NULL);
	ck_assert_int_eq(spool_mkdirs(f->spool, 0700), 0);
	unit_scratch_path(f->path, "q", "new/" ID);
	ck_assert_int_eq(sa_catf(&text, HEAD "from <%s>\nrcpt <a@a.test>\n"
	    "rcpt <b@b.test>\nrcpt <c@c.test>\n\n" BODY, from), 0);
	unit_writefile(f->path, text.s, text.len, 0640);
	f->e = (struct envelope)ENVELOPE_ZERO;
	f->file = (struct sa)SA_ZERO;
	ck_assert_int_eq(sa_0(&text), 0);
	parse(&f->e, &f->file, text.s, &hl);
	ck_assert_int_eq(dlv_load(&f->d, &f->e, f->file.s + hl,
	    f->file.len - hl), 0);
	sa_free(&text);
}

static void
teardown(struct fixture *f)
{
	dlv_free(&f->d);
	envelope_free(&f->e);
	sa_free(&f->file);
	unit_scratch_remove();
}

/* the recipients the spool file lists, joined by ',' */
static void
rcpts_in(const char *path, struct sa *out)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct sa	 file = SA_ZERO;
	const char	*p = NULL;
	size_t		 hl;

	unit_readfile(path, &file);
	ck_assert_int_eq(envelope_parse(&e, file.s, file.len, &hl),
	    ENVELOPE_OK);
	ck_assert_uint_eq(file.len - hl, sizeof BODY - 1);
	ck_assert_mem_eq(file.s + hl, BODY, sizeof BODY - 1);
	ck_assert_mem_eq(e.id.s, ID, e.id.len);
	out->len = 0;
	while ((p = envelope_nextrcpt(&e, p)) != NULL) {
		if (out->len > 0)
			ck_assert_int_eq(sa_catc(out, ','), 0);
		ck_assert_int_eq(sa_cats(out, p), 0);
	}
	ck_assert_int_eq(sa_0(out), 0);
	envelope_free(&e);
	sa_free(&file);
}

START_TEST(write_partial_then_gone)
{
	struct fixture	 f;
	struct sa	 got = SA_ZERO, bid = SA_ZERO;
	struct stat	 st1, st2;
	int		 queued;

	setup(&f, "s@o.test");
	/* nothing changed: the file is left alone */
	ck_assert_int_eq(stat(f.path, &st1), 0);
	ck_assert_int_eq(dlv_write(&f.d, f.spool, ID), 0);
	ck_assert_int_eq(stat(f.path, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	/* a delivered recipient leaves; deferred and pending stay */
	ck_assert_int_eq(dlv_settle(&f.d.r[0], 250, NULL, "250 ok", 6, "h"),
	    0);
	ck_assert_int_eq(dlv_settle(&f.d.r[1], 451, NULL, "451 no", 6, "h"),
	    0);
	ck_assert_int_eq(dlv_write(&f.d, f.spool, ID), 0);
	rcpts_in(f.path, &got);
	ck_assert_str_eq(got.s, "b@b.test,c@c.test");
	ck_assert_uint_eq(f.d.infile, 2);
	ck_assert_int_eq(unit_count(f.spool, "tmp", NULL), 0);
	/* a failure still listed: no change until it is bounced */
	ck_assert_int_eq(dlv_settle(&f.d.r[2], 550, NULL, "550 x", 5, "h"), 0);
	ck_assert_int_eq(stat(f.path, &st1), 0);
	ck_assert_int_eq(dlv_write(&f.d, f.spool, ID), 0);
	ck_assert_int_eq(stat(f.path, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	/* the deferred one delivered too, the failed one bounced: gone */
	ck_assert_int_eq(dlv_settle(&f.d.r[1], 250, NULL, "250 ok", 6, "h"),
	    0);
	ck_assert_int_eq(dlv_bounce(&f.d, f.spool, "me.test", &queued, &bid),
	    1);
	ck_assert_uint_eq(dlv_count(&f.d, DLV_BOUNCED), 1);
	ck_assert_int_eq(dlv_write(&f.d, f.spool, ID), 0);
	ck_assert_int_eq(access(f.path, F_OK), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(f.d.infile, 0);
	ck_assert_int_eq(unit_count(f.spool, "new", NULL), 1);	/* bounce */
	ck_assert_int_eq(dlv_write(&f.d, f.spool, ID), 0);	/* again */
	sa_free(&got);
	sa_free(&bid);
	teardown(&f);
}
END_TEST

START_TEST(bounce_first)
{
	struct fixture	 f;
	struct sa	 bid = SA_ZERO, last = SA_ZERO, got = SA_ZERO;
	int		 queued = -1;

	setup(&f, "s@o.test");
	ck_assert_int_eq(dlv_bounce(&f.d, f.spool, "me.test", &queued, &bid),
	    0);					/* none failed: no bounce */
	ck_assert_int_eq(queued, 0);
	ck_assert_int_eq(dlv_settle(&f.d.r[0], 550, NULL, "550 5.1.1 no", 12,
	    "mx.a.test"), 0);
	ck_assert_int_eq(dlv_settle(&f.d.r[1], 451, NULL, "451 later", 9,
	    NULL), 0);
	ck_assert_int_eq(dlv_bounce(&f.d, f.spool, "me.test", &queued, &bid),
	    1);
	ck_assert_int_eq(queued, 1);
	ck_assert_int_eq(unit_count(f.spool, "new", &last), 2);
	ck_assert_int_eq(dlv_write(&f.d, f.spool, ID), 0);
	rcpts_in(f.path, &got);
	ck_assert_str_eq(got.s, "b@b.test,c@c.test");
	sa_free(&bid);
	sa_free(&last);
	sa_free(&got);
	teardown(&f);
}
END_TEST

START_TEST(bounce_nullsender)
{
	struct fixture	 f;
	struct sa	 bid = SA_ZERO;
	int		 queued = -1;

	setup(&f, "");
	ck_assert_int_eq(dlv_settle(&f.d.r[0], 550, NULL, "550 no", 6, NULL),
	    0);
	ck_assert_int_eq(dlv_bounce(&f.d, f.spool, "me.test", &queued, &bid),
	    1);
	ck_assert_int_eq(queued, 0);		/* discarded, not kept */
	ck_assert_int_eq(f.d.r[0].state, DLV_BOUNCED);
	ck_assert_int_eq(unit_count(f.spool, "new", NULL), 1);
	sa_free(&bid);
	teardown(&f);
}
END_TEST

/* a bounce that cannot be queued keeps its recipient in the file */
START_TEST(bounce_fails)
{
	struct fixture	 f;
	struct sa	 bid = SA_ZERO, got = SA_ZERO;
	char		 nospool[UNIT_PATHSZ];
	int		 queued = -1;

	setup(&f, "s@o.test");
	unit_scratch_path(nospool, "none", NULL);
	ck_assert_int_eq(dlv_settle(&f.d.r[0], 550, NULL, "550 no", 6, NULL),
	    0);
	ck_assert_int_eq(dlv_settle(&f.d.r[1], 250, NULL, "250 ok", 6, NULL),
	    0);
	ck_assert_int_eq(dlv_bounce(&f.d, nospool, "me.test", &queued, &bid),
	    -1);
	ck_assert_int_eq(f.d.r[0].state, DLV_FAILED);
	ck_assert_int_eq(dlv_write(&f.d, f.spool, ID), 0);
	rcpts_in(f.path, &got);
	ck_assert_str_eq(got.s, "a@a.test,c@c.test");
	sa_free(&bid);
	sa_free(&got);
	teardown(&f);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("dlv");
	TCase	*tc = tcase_create("dlv");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_loop_test(tc, settle_table, 0,
	    sizeof settles / sizeof settles[0]);
	tcase_add_test(tc, load_groups);
	tcase_add_test(tc, write_partial_then_gone);
	tcase_add_test(tc, bounce_first);
	tcase_add_test(tc, bounce_nullsender);
	tcase_add_test(tc, bounce_fails);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
