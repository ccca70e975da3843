/* ISC license. */
/* check_qview.c: ages, the list line (every value escaped, one line
 * whatever the envelope holds), the envelope rewrite of a release, the
 * terminal escape, the spool scan (ids only, oldest first, mtime when
 * the id has no time), the bounded read of an envelope block, and the
 * copy of a released message (as it is, or without its status fields,
 * EMSGSIZE past the header's caps). */
#include "sysdeps.h"

#include <sys/stat.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bio.h"
#include "envelope.h"
#include "hdr.h"
#include "qview.h"
#include "sa.h"
#include "spool.h"
#include "unit.h"

#define ENV	"mailward 1\nid 1000.1.a\ntime 1000\nremote -\nhelo -\n" \
		"tls 0\nfrom <a@example.org>\nrcpt <b@example.net>\n"

static const struct { unsigned long long t, now; const char *want; } ages[] = {
	{ 100, 100, "0s" },
	{ 200, 100, "0s" },		/* from the future */
	{ 0, 59, "59s" },
	{ 0, 60, "1m00s" },
	{ 0, 3599, "59m59s" },
	{ 0, 3600, "1h00m" },
	{ 0, 86399, "23h59m" },
	{ 0, 86400, "1d00h" },
	{ 0, 30 * 86400ULL + 7 * 3600 + 59, "30d07h" },
	{ 0, 18446744073709551615ULL, "213503982334601d07h" },
};

START_TEST(qview_age_table)
{
	char	 buf[QVIEW_AGESZ];

	ck_assert_str_eq(qview_age(buf, ages[_i].t, ages[_i].now),
	    ages[_i].want);
}
END_TEST

/* --- the list line ---------------------------------------------------- */

/* the line of envelope block env (parsed, or NULL for a malformed one) */
static void
line(struct sa *out, const char *env, unsigned long long size)
{
	struct qview_msg	 m = { "1000.1.a", 1000, size };
	struct envelope		 e = ENVELOPE_ZERO;
	size_t			 hl;
	int			 r;

	r = envelope_parse(&e, env, strlen(env), &hl);
	out->len = 0;
	ck_assert_int_eq(qview_line(out, &m, 1000 + 3700,
	    r == ENVELOPE_OK ? &e : NULL, envelope_strerror(r)), 0);
	envelope_free(&e);
}

/* one line, nothing but printable ASCII in it */
static void
oneline(const struct sa *s)
{
	size_t	 i;

	ck_assert_uint_gt(s->len, 0);
	ck_assert_int_eq(s->s[s->len - 1], '\n');
	for (i = 0; i + 1 < s->len; i++)
		ck_assert_msg(s->s[i] >= 0x20 && s->s[i] < 0x7f,
		    "byte %zu is 0x%02x", i, (unsigned char)s->s[i]);
}

START_TEST(qview_line_fields)
{
	struct sa	 s = SA_ZERO;

	line(&s, ENV "rcpt <c@example.net>\nrcpt <d@example.net>\n"
	    "verdict quarantined\nviruses Eicar-Test-Signature,X\n"
	    "quarantine crashed 3 times\n\nbody", 4321);
	unit_sa_is(&s, "message 1000.1.a age=1h01m size=4321 "
	    "from=<a@example.org> rcpt=<b@example.net> more=2 "
	    "verdict=quarantined viruses=Eicar-Test-Signature,X "
	    "reason=\"crashed 3 times\"\n");
	/* no scan keys, the null sender */
	line(&s, "mailward 1\nid 1000.1.a\ntime 1000\nfrom <>\n"
	    "rcpt <b@example.net>\n\n", 0);
	unit_sa_is(&s, "message 1000.1.a age=1h01m size=0 from=<> "
	    "rcpt=<b@example.net> more=0 verdict=- viruses=- reason=-\n");
	/* malformed: only what the file system says, and why */
	line(&s, "mailward 1\nid 1000.1.a\n\nSubject: x\n", 9);
	unit_sa_is(&s, "message 1000.1.a age=1h01m size=9 "
	    "malformed=\"envelope field missing\"\n");
	sa_free(&s);
}
END_TEST

START_TEST(qview_line_hostile)
{
	struct sa	 s = SA_ZERO, env = SA_ZERO;
	size_t		 i;

	/* an envelope value holds no control byte, but 8-bit bytes (a C1
	 * CSI), quotes, backslashes and " key=" can be in it */
	ck_assert_int_eq(sa_cats(&env, ENV "verdict quarantined\n"
	    "quarantine a\x9b" "31m\" x=\\\"y\xc3\xa9 rcpt=<evil>\nviruses "),
	    0);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(sa_cats(&env, "Win.Trojan.Agent-1234567,"), 0);
	ck_assert_int_eq(sa_cats(&env, "Last\n\nbody") == 0 && sa_0(&env) == 0,
	    1);
	line(&s, env.s, 1);
	oneline(&s);
	ck_assert_ptr_nonnull(strstr(s.s, " reason=\"a\\x9b31m\\\" x=\\\\\\\"y"
	    "\\xc3\\xa9 rcpt=<evil>\"\n"));
	/* the long list is cut, visibly */
	ck_assert_ptr_nonnull(strstr(s.s, ",Win.Trojan.Agent-1234567,"));
	ck_assert_ptr_nonnull(strstr(s.s, "... reason="));
	ck_assert_ptr_null(strstr(s.s, "Last"));
	ck_assert_uint_lt(s.len, 1400);
	sa_free(&s);
	sa_free(&env);
}
END_TEST

/* --- the envelope rewrite ----------------------------------------------- */

static const char *const drop[] = {
	"verdict", "viruses", "scanned", "quarantine", NULL
};

static const struct {
	const char	*in;
	const char	*add;
	const char	*want;		/* NULL: EINVAL */
} rewrites[] = {
	{ ENV "scanned x/1/2\nverdict quarantined\nviruses A,B\n"
	    "quarantine why\n\n", "", ENV "\n" },
	/* other keys stay where they are, in order; only whole keys go */
	{ ENV "x-a 1\nverdict quarantined\nverdicts 2\nquarantined 3\n"
	    "scanned-by 4\nx-b 5\n\n", "",
	    ENV "x-a 1\nverdicts 2\nquarantined 3\nscanned-by 4\nx-b 5\n\n" },
	{ ENV "verdict quarantined\nx-a 1\n\n",
	    "verdict released\nreleased-by root\n",
	    ENV "x-a 1\nverdict released\nreleased-by root\n\n" },
	{ "mailward 1\n\n", "", "mailward 1\n\n" },
	{ ENV, "", NULL },			/* no empty line */
	{ ENV "verdict x\n", "", NULL },
	{ "\n", "", NULL },
};

START_TEST(qview_rewrite_table)
{
	struct sa	 out = SA_ZERO;
	const char	*in = rewrites[_i].in;

	ck_assert_int_eq(sa_cats(&out, "kept|"), 0);
	errno = 0;
	ck_assert_int_eq(qview_rewrite(&out, in, strlen(in), drop,
	    rewrites[_i].add, strlen(rewrites[_i].add)),
	    rewrites[_i].want != NULL ? 0 : -1);
	if (rewrites[_i].want == NULL) {
		ck_assert_int_eq(errno, EINVAL);
		unit_sa_is(&out, "kept|");
	} else {
		ck_assert_uint_eq(out.len, 5 + strlen(rewrites[_i].want));
		ck_assert_mem_eq(out.s, "kept|", 5);
		ck_assert_mem_eq(out.s + 5, rewrites[_i].want, out.len - 5);
	}
	sa_free(&out);
}
END_TEST

/* --- the terminal escape ------------------------------------------------ */

static const struct { struct bytes in; const char *want; } escs[] = {
	{ S("Subject: plain\tand tab\n"), "Subject: plain\tand tab\n" },
	{ S("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07" },
	{ S("crlf\r\n"), "crlf\\x0d\n" },
	{ S("a\\x1b"), "a\\\\x1b" },		/* a backslash is doubled */
	{ S("nul\0del\x7f"), "nul\\x00del\\x7f" },
	{ S("\xc3\xa9\x9b\xff"), "\\xc3\\xa9\\x9b\\xff" },
	{ S(""), "" },
};

START_TEST(qview_esc_table)
{
	struct sa	 out = SA_ZERO;

	ck_assert_int_eq(qview_esc(&out, escs[_i].in.s, escs[_i].in.n), 0);
	unit_sa_is(&out, escs[_i].want);
	sa_free(&out);
}
END_TEST

/* --- the spool scan ----------------------------------------------------- */

static void
put(const char *spool, const char *name, const char *data)
{
	char	 fn[UNIT_PATHSZ];

	ck_assert_int_lt(snprintf(fn, sizeof fn, "%s/new/%s", spool, name),
	    (int)sizeof fn);
	unit_writefile(fn, data, strlen(data), 0640);
}

START_TEST(qview_scan_spool)
{
	struct qview_dir d = QVIEW_DIR_ZERO;
	struct timespec	 ts[2] = { { 500, 0 }, { 500, 0 } };
	char		 q[UNIT_PATHSZ], fn[UNIT_PATHSZ];
	size_t		 i;

	unit_scratch_path(q, "quarantine", NULL);
	ck_assert_int_eq(spool_mkdirs(q, 0700), 0);
	put(q, "2000.1.b", "12345");
	put(q, "1000.9.z", "1");
	put(q, "1000.2.a", "");
	put(q, "noidtime", "xy");	/* an id without a time: its mtime */
	put(q, ".hidden", "x");
	put(q, "bad name", "x");
	unit_scratch_path(fn, "quarantine", "new/noidtime");
	ck_assert_int_eq(utimensat(AT_FDCWD, fn, ts, 0), 0);
	unit_scratch_path(fn, "quarantine", "new/3000.1.dir");
	ck_assert_int_eq(mkdir(fn, 0700), 0);
	unit_scratch_path(fn, "quarantine", "new/3000.1.link");
	ck_assert_int_eq(symlink("2000.1.b", fn), 0);
	unit_scratch_path(fn, "quarantine", "tmp/1.1.tmp");
	unit_writefile(fn, "x", 1, 0640);
	/* ask twice: the second scan starts afresh */
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(qview_scan(&d, q), 0);
		ck_assert_uint_eq(d.n, 4);
		ck_assert_str_eq(d.m[0].id, "noidtime");
		ck_assert_uint_eq(d.m[0].t, 500);
		ck_assert_uint_eq(d.m[0].size, 2);
		ck_assert_str_eq(d.m[1].id, "1000.2.a");
		ck_assert_str_eq(d.m[2].id, "1000.9.z");
		ck_assert_uint_eq(d.m[2].t, 1000);
		ck_assert_str_eq(d.m[3].id, "2000.1.b");
		ck_assert_uint_eq(d.m[3].size, 5);
	}
	qview_free(&d);
	unit_scratch_path(fn, "nospool", NULL);
	errno = 0;
	ck_assert_int_eq(qview_scan(&d, fn), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(d.n, 0);
	qview_free(&d);
}
END_TEST

START_TEST(qview_scan_many)
{
	struct qview_dir d = QVIEW_DIR_ZERO;
	char		 q[UNIT_PATHSZ], id[32];
	int		 i;

	unit_scratch_path(q, "many", NULL);
	ck_assert_int_eq(spool_mkdirs(q, 0700), 0);
	for (i = 0; i < 300; i++) {
		(void)snprintf(id, sizeof id, "%d.1.x", 5000 - i);
		put(q, id, "m");
	}
	ck_assert_int_eq(qview_scan(&d, q), 0);
	ck_assert_uint_eq(d.n, 300);
	ck_assert_str_eq(d.m[0].id, "4701.1.x");
	ck_assert_str_eq(d.m[299].id, "5000.1.x");
	for (i = 1; i < 300; i++)
		ck_assert_uint_lt(d.m[i - 1].t, d.m[i].t);
	qview_free(&d);
}
END_TEST

/* --- the head read ------------------------------------------------------ */

/* A file of block + a body of n bytes; qview_head() from its start. */
static void
head(struct sa *out, const char *block, size_t n, size_t max)
{
	struct sa	 f = SA_ZERO;
	char		 fn[UNIT_PATHSZ];
	int		 fd;

	ck_assert_int_eq(sa_cats(&f, block), 0);
	ck_assert_int_eq(sa_readyplus(&f, n + 1), 0);
	memset(f.s + f.len, 'b', n);
	f.len += n;
	unit_scratch_path(fn, "head", NULL);
	unit_writefile(fn, f.s, f.len, 0600);
	fd = open(fn, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(qview_head(fd, out, max), 0);
	ck_assert_int_eq(close(fd), 0);
	sa_free(&f);
}

START_TEST(qview_head_block)
{
	struct sa	 out = SA_ZERO, big = SA_ZERO;
	size_t		 hl, i;
	struct envelope	 e = ENVELOPE_ZERO;

	/* a big body is not read: the block ends in the first chunk */
	head(&out, ENV "\n", 4 << 20, ENVELOPE_MAXBLOCK + 2);
	ck_assert_uint_ge(out.len, sizeof ENV);
	ck_assert_uint_lt(out.len, 1 << 20);
	ck_assert_int_eq(envelope_parse(&e, out.s, out.len, &hl), ENVELOPE_OK);
	ck_assert_uint_eq(hl, sizeof ENV);
	/* a block over many chunks is read to its end */
	ck_assert_int_eq(sa_cats(&big, ENV), 0);
	for (i = 0; i < 5000; i++)
		ck_assert_int_eq(sa_catf(&big, "rcpt <r%zu@example.net>\n", i),
		    0);
	ck_assert_int_eq(sa_catc(&big, '\n') == 0 && sa_0(&big) == 0, 1);
	head(&out, big.s, 100, ENVELOPE_MAXBLOCK + 2);
	ck_assert_int_eq(envelope_parse(&e, out.s, out.len, &hl), ENVELOPE_OK);
	ck_assert_uint_eq(hl, big.len);
	ck_assert_uint_eq(e.nrcpt, 5001);
	/* no empty line: stops at max */
	head(&out, "mailward 1\n", 300000, 100000);
	ck_assert_uint_eq(out.len, 100000);
	/* a file that starts with its empty line, and an empty one */
	head(&out, "\nSubject: x\n", 70000, 1000);
	ck_assert_uint_ge(out.len, 1);
	ck_assert_uint_le(out.len, 1000);
	head(&out, "", 0, 1000);
	ck_assert_uint_eq(out.len, 0);
	envelope_free(&e);
	sa_free(&out);
	sa_free(&big);
}
END_TEST

/* qview_copy of msg, whose first `already` bytes were read before, with
 * a small buffer (reads in pieces); its result, output in out */
static int
copy(const char *msg, size_t n, size_t already, int strip, struct sa *out)
{
	char		 fn[UNIT_PATHSZ], to[UNIT_PATHSZ], buf[7], obuf[64];
	struct bio	 b;
	int		 fd, ofd, r;

	unit_scratch_path(fn, "held", NULL);
	unit_scratch_path(to, "released", NULL);
	unit_writefile(fn, msg + already, n - already, 0600);
	fd = open(fn, O_RDONLY | O_CLOEXEC);
	ofd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_ne(ofd, -1);
	bio_init(&b, ofd, bio_op_write, obuf, sizeof obuf);
	r = qview_copy(fd, &b, msg, already, strip, buf, sizeof buf);
	ck_assert_int_eq(bio_flush(&b), 0);
	ck_assert_int_eq(close(fd) == 0 && close(ofd) == 0, 1);
	unit_readfile(to, out);
	return r;
}

START_TEST(qview_copy_strip)
{
	/* CRLF ends; a folded status field at the end of the section, one
	 * in the body, which stays */
	static const char	 msg[] = "Subject: s\r\nX-Mailward-Status: "
	    "v=1;\r\n a\r\n\r\nbody\r\nX-Mailward-Status: kept\r\n";
	static const char	 want[] = "Subject: s\r\n\r\nbody\r\n"
	    "X-Mailward-Status: kept\r\n";
	size_t			 i;
	struct sa		 out = SA_ZERO, big = SA_ZERO;

	ck_assert_int_eq(copy(msg, sizeof msg - 1, 4, 0, &out), 0);
	unit_sa_is(&out, msg);
	ck_assert_int_eq(copy(msg, sizeof msg - 1, 4, 1, &out), 0);
	unit_sa_is(&out, want);
	ck_assert_int_eq(copy(msg, sizeof msg - 1, 0, 1, &out), 0);
	unit_sa_is(&out, want);
	/* a status field past HDR_MAXCOUNT fields could hide: refused */
	for (i = 0; i <= HDR_MAXCOUNT; i++)
		ck_assert_int_eq(sa_catf(&big, "X-F: %zu\n", i), 0);
	ck_assert_int_eq(sa_cats(&big, "X-Mailward-Status: v=1\n\nb\n"), 0);
	errno = 0;
	ck_assert_int_eq(copy(big.s, big.len, 10, 1, &out), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	sa_free(&out);
	sa_free(&big);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("qview");
	TCase	*tc = tcase_create("qview");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_loop_test(tc, qview_age_table, 0,
	    sizeof ages / sizeof ages[0]);
	tcase_add_test(tc, qview_line_fields);
	tcase_add_test(tc, qview_copy_strip);
	tcase_add_test(tc, qview_line_hostile);
	tcase_add_loop_test(tc, qview_rewrite_table, 0,
	    sizeof rewrites / sizeof rewrites[0]);
	tcase_add_loop_test(tc, qview_esc_table, 0,
	    sizeof escs / sizeof escs[0]);
	tcase_add_test(tc, qview_scan_spool);
	tcase_add_test(tc, qview_scan_many);
	tcase_add_test(tc, qview_head_block);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
