/* ISC license. */
/* check_notice.c: notice_make() byte for byte for each kind, held,
 * cleaned, and held by a gateway (unscanned, or a loop); hostile values
 * (line ends, escapes, 8-bit, NUL, overlong, a sender with a newline)
 * end up escaped in the body and never add a header field; missing
 * values are "-"; the admin's list of recipients stops at
 * NOTICE_MAXRCPTS. */
#include "sysdeps.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "notice.h"
#include "sa.h"
#include "unit.h"

#define ME	"scan1.example.net"
#define QID	"1767225000.42.0a1b2c3d"
#define MID	"1767229323.77.00000001.notice"
#define WHY	"found in the body of a single-part message or in its " \
		"header: nothing to cut"
#define STAGES	"clamav/1.4.3/27000.1767000000.8700000"
#define FOUND	"clamav:Eicar-Signature"
#define GWWHY	"back from the group (192.0.2.25) without a valid stamp: " \
		"unknown-key"
#define LOOPWHY	"loop: passed this gateway 4 times"

/* the header, fixed but for the addressee, the subject and the kind */
#define HEAD(to, subject, kind) \
	"From: mailward <postmaster@" ME ">\n" \
	"To: <" to ">\n" \
	"Subject: " subject "\n" \
	"Date: Thu, 1 Jan 2026 01:02:03 +0000\n" \
	"Message-ID: <" MID "@" ME ">\n" \
	"Auto-Submitted: auto-generated\n" \
	"X-Mailward-Notice: " kind "\n" \
	"MIME-Version: 1.0\n" \
	"Content-Type: text/plain; charset=us-ascii\n" \
	"Content-Transfer-Encoding: 7bit\n" \
	"\n"
#define INTRO(what) what " was scanned for viruses by mailward at " ME ".\n"
#define CLEANED	"The infected parts were removed and replaced by a short " \
		"note;\nthe rest of the message was delivered.\n\n"
#define HELD	"Something in it could not be removed safely, so the " \
		"whole message\nis held in quarantine and was not " \
		"delivered.\n\n"
#define FACTS(reason) \
	"  Sender:    alice@example.org\n" \
	"  From:      Alice <alice@example.org>\n" \
	"  Subject:   Quarterly report\n" \
	"  Virus:     Eicar-Signature\n" \
	"  Reason:    " reason "\n" \
	"  Queue id:  " QID "\n"
#define RECORD \
	"  Client:    192.0.2.7\n" \
	"  HELO:      mx.example.org\n" \
	"  Arrived:   Wed, 31 Dec 2025 23:50:00 +0000\n" \
	"  Stages:    " STAGES "\n" \
	"  Found by:  " FOUND "\n" \
	"  Rcpt:      bob@example.net\n" \
	"             carol@example.net\n" \
	"\n"
#define GWINTRO(what) what " arrived at the mailward gateway " ME ".\n" \
	"It could not be shown to have been scanned for viruses by the " \
	"scanning\ngroup, so it is held in quarantine and was not " \
	"delivered.\n\n"
#define LOOPINTRO(what) what " arrived at the mailward gateway " ME ".\n" \
	"It has passed this gateway too many times (a mail loop), so it " \
	"is held\nin quarantine and was not delivered.\n\n"
#define GWFACTS(reason) \
	"  Sender:    alice@example.org\n" \
	"  From:      Alice <alice@example.org>\n" \
	"  Subject:   Quarterly report\n" \
	"  Virus:     -\n" \
	"  Reason:    " reason "\n" \
	"  Queue id:  " QID "\n"
#define GWRECORD \
	"  Client:    192.0.2.7\n" \
	"  HELO:      mx.example.org\n" \
	"  Arrived:   Wed, 31 Dec 2025 23:50:00 +0000\n" \
	"  Stages:    -\n" \
	"  Found by:  -\n" \
	"  Rcpt:      bob@example.net\n" \
	"             carol@example.net\n\n" \
	"Held in queue/quarantine on " ME "; see it with\n" \
	"  mailward-quarantine show " QID "\n"
#define SENDERTAIL "\nThe recipients were told.  If you did not send this " \
		"message, your\naddress was forged and you need do nothing.\n"

struct golden {
	enum notice_kind	 kind;
	int			 held;	/* 2: held unscanned (-g), 3: a loop */
	const char		*to;
	const char		*want;
};

static const struct golden goldens[] = {
	{ NOTICE_RCPT, 0, "bob@example.net",
	  HEAD("bob@example.net", "A virus was removed from a message to you",
	  "recipient")
	  INTRO("A message to you") CLEANED FACTS("-")
	  "\nNothing else is needed.\n" },
	{ NOTICE_RCPT, 1, "bob@example.net",
	  HEAD("bob@example.net", "A message to you was held: it carries a "
	  "virus", "recipient")
	  INTRO("A message to you") HELD FACTS(WHY)
	  "\nTo ask for the message to be released, write to "
	  "admin@example.net\nand quote the queue id above.\n" },
	{ NOTICE_ADMIN, 0, "admin@example.net",
	  HEAD("admin@example.net", "Virus report: parts removed", "admin")
	  INTRO("A message") CLEANED FACTS("-") RECORD
	  "The cleaned message was passed on.\n" },
	{ NOTICE_ADMIN, 1, "admin@example.net",
	  HEAD("admin@example.net", "Virus report: message held", "admin")
	  INTRO("A message") HELD FACTS(WHY) RECORD
	  "Held in queue/quarantine on " ME "; see it with\n"
	  "  mailward-quarantine show " QID "\n"
	  "release it (scanned again) with\n"
	  "  mailward-quarantine release " QID "\n" },
	{ NOTICE_SENDER, 0, "alice@example.org",
	  HEAD("alice@example.org", "A virus was removed from your message",
	  "sender")
	  INTRO("Your message") CLEANED FACTS("-") SENDERTAIL },
	{ NOTICE_SENDER, 1, "alice@example.org",
	  HEAD("alice@example.org", "Your message was held: it carries a "
	  "virus", "sender")
	  INTRO("Your message") HELD FACTS(WHY) SENDERTAIL },
	{ NOTICE_RCPT, 2, "bob@example.net",
	  HEAD("bob@example.net", "A message to you was held: it was not "
	  "scanned", "recipient")
	  GWINTRO("A message to you") GWFACTS(GWWHY)
	  "\nTo ask for the message to be released, write to "
	  "admin@example.net\nand quote the queue id above.\n" },
	{ NOTICE_ADMIN, 2, "admin@example.net",
	  HEAD("admin@example.net", "Gateway report: message held unscanned",
	  "admin")
	  GWINTRO("A message") GWFACTS(GWWHY) GWRECORD
	  "send it to the scanning group again with\n"
	  "  mailward-quarantine release " QID "\n" },
	{ NOTICE_SENDER, 2, "alice@example.org",
	  HEAD("alice@example.org", "Your message was held: it was not "
	  "scanned", "sender")
	  GWINTRO("Your message") GWFACTS(GWWHY) SENDERTAIL },
	{ NOTICE_RCPT, 3, "bob@example.net",
	  HEAD("bob@example.net", "A message to you was held: a mail loop",
	  "recipient")
	  LOOPINTRO("A message to you") GWFACTS(LOOPWHY)
	  "\nTo ask for the message to be released, write to "
	  "admin@example.net\nand quote the queue id above.\n" },
	{ NOTICE_ADMIN, 3, "admin@example.net",
	  HEAD("admin@example.net", "Gateway report: message held in a loop",
	  "admin")
	  LOOPINTRO("A message") GWFACTS(LOOPWHY) GWRECORD
	  "once the loop is mended, deliver it as it is with\n"
	  "  mailward-quarantine release --force " QID "\n" },
};

static const char	 rcpts[] = "bob@example.net\0carol@example.net";
static const char	 hdrfrom[] = " Alice <alice@example.org>";
static const char	 subject[] = " Quarterly report";

/* the values of one message, as notify(8) gathers them */
static void
info(struct notice_info *ni, int held)
{
	memset(ni, 0, sizeof *ni);
	ni->qid = QID;
	ni->me = ME;
	ni->from = "postmaster@" ME;
	ni->admin = "admin@example.net";
	ni->sender = "alice@example.org";
	ni->hdrfrom = hdrfrom;
	ni->hdrfromlen = sizeof hdrfrom - 1;
	ni->subject = subject;
	ni->subjectlen = sizeof subject - 1;
	ni->viruses = held >= 2 ? NULL : "Eicar-Signature";
	ni->why = held == 3 ? LOOPWHY : held == 2 ? GWWHY : held ? WHY : NULL;
	ni->scanned = held >= 2 ? NULL : STAGES;
	ni->found = held >= 2 ? NULL : FOUND;
	ni->remote = "192.0.2.7";
	ni->helo = "mx.example.org";
	ni->rcpts = rcpts;
	ni->nrcpt = 2;
	ni->held = held != 0;
	ni->unscanned = held >= 2;
	ni->loop = held == 3;
	ni->arrived = 1767225000ULL;
	ni->now = 1767229323ULL;
	ni->msgid = MID;
}

/* The header section of out has exactly the notice's ten fields, in
 * order, none folded; every byte is printable ASCII or LF; no line is
 * over 998 bytes (RFC 5322 2.1.1). */
static void
wellformed(const struct sa *out)
{
	static const char *const names[] = { "From", "To", "Subject", "Date",
	    "Message-ID", "Auto-Submitted", "X-Mailward-Notice",
	    "MIME-Version", "Content-Type", "Content-Transfer-Encoding" };
	struct hdr		 h;
	struct hdr_field	 f;
	size_t			 i, n = 0, col = 0;

	hdr_init(&h, out->s, out->len);
	while (hdr_next(&h, &f) == HDR_FIELD) {
		ck_assert_msg(n < sizeof names / sizeof names[0],
		    "an extra field %.*s", (int)f.namelen, f.name);
		ck_assert_msg(hdr_nameis(&f, names[n]), "field %zu is %.*s, "
		    "want %s", n, (int)f.namelen, f.name, names[n]);
		ck_assert_ptr_null(memchr(f.value, '\n', f.valuelen));
		n++;
	}
	ck_assert_uint_eq(n, sizeof names / sizeof names[0]);
	ck_assert_int_eq(h.done - 1, HDR_END);
	ck_assert_int_eq(h.blank, 1);
	ck_assert_uint_lt(h.body, out->len);
	for (i = 0; i < out->len; i++) {
		if (out->s[i] == '\n') {
			col = 0;
			continue;
		}
		ck_assert_msg(out->s[i] >= 0x20 && out->s[i] < 0x7f,
		    "byte 0x%02x at %zu", (unsigned char)out->s[i], i);
		ck_assert_uint_le(++col, 998);
	}
	ck_assert_int_eq(out->s[out->len - 1], '\n');
}

/* 1 if out holds the line s (without its LF) */
static int
hasline(const struct sa *out, const char *s)
{
	size_t	 n = strlen(s), i = 0;

	while (i + n < out->len) {
		if (memcmp(out->s + i, s, n) == 0 && out->s[i + n] == '\n')
			return 1;
		while (i < out->len && out->s[i] != '\n')
			i++;
		i++;
	}
	return 0;
}

START_TEST(notice_golden)
{
	const struct golden	*c = &goldens[_i];
	struct notice_info	 ni;
	struct sa		 out = SA_ZERO;

	info(&ni, c->held);
	ck_assert_int_eq(notice_make(c->kind, &ni, c->to, &out), 0);
	unit_sa_is(&out, c->want);
	wellformed(&out);
	sa_free(&out);
}
END_TEST

START_TEST(notice_appends)
{
	struct notice_info	 ni;
	struct sa		 out = SA_ZERO;

	info(&ni, 0);
	ck_assert_int_eq(sa_copys(&out, "kept"), 0);
	ck_assert_int_eq(notice_make(NOTICE_RCPT, &ni, "bob@example.net",
	    &out), 0);
	ck_assert_uint_eq(out.len, 4 + strlen(goldens[0].want));
	ck_assert_mem_eq(out.s, "kept", 4);
	ck_assert_mem_eq(out.s + 4, goldens[0].want, out.len - 4);
	sa_free(&out);
}
END_TEST

START_TEST(notice_kindnames)
{
	ck_assert_str_eq(notice_kindname(NOTICE_RCPT), "recipient");
	ck_assert_str_eq(notice_kindname(NOTICE_ADMIN), "admin");
	ck_assert_str_eq(notice_kindname(NOTICE_SENDER), "sender");
}
END_TEST

/* Hostile values, in every kind of notice: a subject made to end the
 * line, add a Bcc:, end the header section, move the cursor, carry 8-bit
 * and a NUL; a folded From:; an envelope sender with a newline, which is
 * also the addressee.  Each is one line of the body, line ends and tabs
 * made spaces and every other byte outside printable ASCII a '?'; in To:
 * every such byte is a '?'; none becomes a line, let alone a field. */
enum { H_SUBJECT, H_FROM, H_SENDER };

struct hostile {
	int		 field;
	struct bytes	 v;
	const char	*want;		/* a line of the body */
	const char	*wantto;	/* the To: line */
	const char	*bad;		/* never a line */
};

static const struct hostile hostiles[] = {
	{ H_SUBJECT, S(" Hi\r\nBcc: evil@example.com\r\n\r\nX\x1b[2J\x80\xff"
	  "\xc3\xa9\0end"),
	  "  Subject:   Hi  Bcc: evil@example.com    X?[2J?????end",
	  "To: <bob@example.net>", "Bcc: evil@example.com" },
	{ H_FROM, S(" Alice\n\t<alice@example.org>"),
	  "  From:      Alice  <alice@example.org>",
	  "To: <bob@example.net>", "\t<alice@example.org>" },
	{ H_SENDER, S("eve\nBcc: x@example.com@example.org"),
	  "  Sender:    eve Bcc: x@example.com@example.org",
	  "To: <eve?Bcc: x@example.com@example.org>",
	  "Bcc: x@example.com@example.org>" },
};

START_TEST(notice_hostile)
{
	const struct hostile	*c = &hostiles[_i];
	struct notice_info	 ni;
	struct sa		 out = SA_ZERO;
	enum notice_kind	 k;
	const char		*to;

	for (k = NOTICE_RCPT; k <= NOTICE_SENDER; k++) {
		info(&ni, 1);
		to = "bob@example.net";
		switch (c->field) {
		case H_SUBJECT:
			ni.subject = c->v.s;
			ni.subjectlen = c->v.n;
			break;
		case H_FROM:
			ni.hdrfrom = c->v.s;
			ni.hdrfromlen = c->v.n;
			break;
		default:
			ni.sender = to = c->v.s;
		}
		out.len = 0;
		ck_assert_int_eq(notice_make(k, &ni, to, &out), 0);
		wellformed(&out);
		ck_assert_msg(hasline(&out, c->want), "kind %d: no line %s",
		    k, c->want);
		ck_assert_msg(hasline(&out, c->wantto), "kind %d: no line %s",
		    k, c->wantto);
		ck_assert_msg(!hasline(&out, c->bad), "kind %d: a line %s", k,
		    c->bad);
	}
	sa_free(&out);
}
END_TEST

/* A value over NOTICE_MAXVALUE bytes (after its leading blanks) is cut
 * there with "..."; one of exactly that length is not. */
struct cut {
	size_t	 lead;		/* blanks before the value */
	size_t	 len;		/* bytes of the value */
	int	 cut;
};

static const struct cut cuts[] = {
	{ 1, NOTICE_MAXVALUE - 1,	0 },
	{ 1, NOTICE_MAXVALUE,		0 },
	{ 4, NOTICE_MAXVALUE,		0 },
	{ 1, NOTICE_MAXVALUE + 1,	1 },
	{ 0, 5000,			1 },
};

START_TEST(notice_overlong)
{
	const struct cut	*c = &cuts[_i];
	struct notice_info	 ni;
	struct sa		 out = SA_ZERO, v = SA_ZERO, want = SA_ZERO;
	const char		*line;
	size_t			 i, shown = c->cut ? NOTICE_MAXVALUE : c->len;

	for (i = 0; i < c->lead; i++)
		ck_assert_int_eq(sa_catc(&v, ' '), 0);
	for (i = 0; i < c->len; i++)
		ck_assert_int_eq(sa_catc(&v, (char)('a' + i % 26)), 0);
	ck_assert_int_eq(sa_0(&v), 0);
	info(&ni, 1);
	ni.subject = v.s;
	ni.subjectlen = v.len;
	ni.viruses = v.s + c->lead;	/* a C string, cut alike */
	ck_assert_int_eq(notice_make(NOTICE_ADMIN, &ni, "admin@example.net",
	    &out), 0);
	wellformed(&out);
	ck_assert_int_eq(sa_catb(&want, v.s + c->lead, shown), 0);
	ck_assert_int_eq(sa_cats(&want, c->cut ? "...\n" : "\n"), 0);
	ck_assert_int_eq(sa_0(&want), 0);
	ck_assert_int_eq(sa_0(&out), 0);
	line = strstr(out.s, "\n  Subject:   ");
	ck_assert_ptr_nonnull(line);
	ck_assert_mem_eq(line + 14, want.s, want.len);
	line = strstr(out.s, "\n  Virus:     ");
	ck_assert_ptr_nonnull(line);
	ck_assert_mem_eq(line + 14, want.s, want.len);
	sa_free(&out);
	sa_free(&v);
	sa_free(&want);
}
END_TEST

/* Every string notice_make() is given carries a line end and a field:
 * none of them starts a line, in the header or in the body. */
START_TEST(notice_every_value_hostile)
{
	static const char	 bad[] = "x\nX-Injected: 1\r\n\nX-Injected: 2";
	static const char	 r2[] = "r\nX-Injected: 3\0s\nX-Injected: 4";
	struct notice_info	 ni;
	struct sa		 out = SA_ZERO;
	enum notice_kind	 k;
	int			 held;
	size_t			 i;

	for (k = NOTICE_RCPT; k <= NOTICE_SENDER; k++)
		for (held = 0; held <= 1; held++) {
			info(&ni, held);
			ni.qid = ni.me = ni.from = ni.admin = ni.sender = bad;
			ni.hdrfrom = ni.subject = bad;
			ni.hdrfromlen = ni.subjectlen = sizeof bad - 1;
			ni.viruses = ni.why = ni.scanned = ni.found = bad;
			ni.remote = ni.helo = ni.msgid = bad;
			ni.rcpts = r2;
			ni.nrcpt = 2;
			out.len = 0;
			ck_assert_int_eq(notice_make(k, &ni, bad, &out), 0);
			wellformed(&out);
			for (i = 0; i + 10 < out.len; i++)
				ck_assert_msg(memcmp(out.s + i, "X-Injected",
				    10) != 0 || (i > 0 && out.s[i - 1] !=
				    '\n'), "kind %d held %d: a line starts "
				    "X-Injected", k, held);
		}
	sa_free(&out);
}
END_TEST

/* Values that are missing are "-": NULL ones, the null sender "", a
 * field of blanks only. */
START_TEST(notice_missing)
{
	struct notice_info	 ni;
	struct sa		 out = SA_ZERO;

	info(&ni, 0);
	ni.sender = "";
	ni.hdrfrom = NULL;
	ni.hdrfromlen = 0;
	ni.subject = " \t";
	ni.subjectlen = 2;
	ni.viruses = ni.why = ni.scanned = ni.found = ni.remote = ni.helo =
	    NULL;
	ck_assert_int_eq(notice_make(NOTICE_ADMIN, &ni, "admin@example.net",
	    &out), 0);
	unit_sa_is(&out, HEAD("admin@example.net", "Virus report: parts "
	    "removed", "admin") INTRO("A message") CLEANED
	    "  Sender:    -\n"
	    "  From:      -\n"
	    "  Subject:   -\n"
	    "  Virus:     -\n"
	    "  Reason:    -\n"
	    "  Queue id:  " QID "\n"
	    "  Client:    -\n"
	    "  HELO:      -\n"
	    "  Arrived:   Wed, 31 Dec 2025 23:50:00 +0000\n"
	    "  Stages:    -\n"
	    "  Found by:  -\n"
	    "  Rcpt:      bob@example.net\n"
	    "             carol@example.net\n"
	    "\nThe cleaned message was passed on.\n");
	sa_free(&out);
}
END_TEST

/* The admin's list stops after NOTICE_MAXRCPTS with "and N more". */
struct many {
	size_t	 nrcpt;
	size_t	 listed;
	size_t	 more;
};

static const struct many manys[] = {
	{ 1,			1,		0 },
	{ NOTICE_MAXRCPTS,	NOTICE_MAXRCPTS, 0 },
	{ NOTICE_MAXRCPTS + 1,	NOTICE_MAXRCPTS, 1 },
	{ 2000,			NOTICE_MAXRCPTS, 2000 - NOTICE_MAXRCPTS },
};

START_TEST(notice_many_rcpts)
{
	const struct many	*c = &manys[_i];
	struct notice_info	 ni;
	struct sa		 out = SA_ZERO, r = SA_ZERO, want = SA_ZERO;
	size_t			 i;

	for (i = 0; i < c->nrcpt; i++)
		ck_assert_int_eq(sa_catf(&r, "u%zu@example.net%c", i, '\0'),
		    0);
	info(&ni, 1);
	ni.rcpts = r.s;
	ni.nrcpt = c->nrcpt;
	ck_assert_int_eq(notice_make(NOTICE_ADMIN, &ni, "admin@example.net",
	    &out), 0);
	wellformed(&out);
	ck_assert_int_eq(sa_cats(&want, "\n  Stages:    " STAGES "\n"
	    "  Found by:  " FOUND "\n"), 0);
	for (i = 0; i < c->listed; i++)
		ck_assert_int_eq(sa_catf(&want, "  %-10s u%zu@example.net\n",
		    i == 0 ? "Rcpt:" : "", i), 0);
	if (c->more > 0)
		ck_assert_int_eq(sa_catf(&want, "             and %zu more\n",
		    c->more), 0);
	ck_assert_int_eq(sa_cats(&want, "\nHeld in queue/quarantine on "), 0);
	ck_assert_int_eq(sa_0(&want), 0);
	ck_assert_int_eq(sa_0(&out), 0);
	ck_assert_msg(strstr(out.s, want.s) != NULL, "no \"%s\" in \"%s\"",
	    want.s, out.s);
	sa_free(&out);
	sa_free(&r);
	sa_free(&want);
}
END_TEST

static Suite *
notice_suite(void)
{
	Suite	*s = suite_create("notice");
	TCase	*tc = tcase_create("make");

	tcase_add_loop_test(tc, notice_golden, 0,
	    sizeof goldens / sizeof goldens[0]);
	tcase_add_test(tc, notice_appends);
	tcase_add_test(tc, notice_kindnames);
	tcase_add_loop_test(tc, notice_hostile, 0,
	    sizeof hostiles / sizeof hostiles[0]);
	tcase_add_loop_test(tc, notice_overlong, 0, sizeof cuts / sizeof cuts[0]);
	tcase_add_test(tc, notice_every_value_hostile);
	tcase_add_test(tc, notice_missing);
	tcase_add_loop_test(tc, notice_many_rcpts, 0,
	    sizeof manys / sizeof manys[0]);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(notice_suite());
}
