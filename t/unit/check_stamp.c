/* ISC license. */
/* check_stamp.c: the status header: the e= token, stripping status
 * fields, a golden header from RFC 8032's first key (its signed string
 * and signature computed by an independent implementation of
 * mailward-stamp(5)), round trips, and every forgery we know of
 * (check_stampcanon.c has the canonical forms, check_stampkey.c the
 * keys). */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hdr.h"
#include "sa.h"
#include "stamp.h"
#include "testmail.h"
#include "unit.h"

#define T0	1767225600ULL		/* 2026-01-01 */
#define MAXAGE	3600ULL

/* --- the e= token --- */

static const struct { const char *in, *want; } engines[] = {
	{ "clamav/1.0.7/27450", "clamav/1.0.7/27450" },
	{ "clamav/1.0/2 clamd/1.2/3", "clamav/1.0/2,clamd/1.2/3" },
	{ "  a   b ", "a,b" },
	{ "a,b", "a%2Cb" },
	{ "x=y;z", "x%3Dy%3Bz" },
	{ "100%", "100%25" },
	{ "v\"1\\", "v%221%5C" },
	{ "caf\xc3\xa9", "caf%C3%A9" },
	{ "A-Z_.+:9", "A-Z_.+:9" },
	{ "", NULL },
	{ "   ", NULL },
};

START_TEST(stamp_engine_table)
{
	struct sa	 got = SA_ZERO;
	int		 r;

	ck_assert_int_eq(sa_cats(&got, "pre"), 0);
	r = stamp_engine(&got, engines[_i].in, strlen(engines[_i].in));
	if (engines[_i].want == NULL) {
		ck_assert_int_eq(r, -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_uint_eq(got.len, 3);
	} else {
		ck_assert_int_eq(r, 0);
		ck_assert_uint_eq(got.len, 3 + strlen(engines[_i].want));
		ck_assert_mem_eq(got.s + 3, engines[_i].want, got.len - 3);
	}
	sa_free(&got);
}
END_TEST

START_TEST(stamp_engine_cap)
{
	struct sa	 in = SA_ZERO, got = SA_ZERO;

	while (in.len < STAMP_MAXENGINE)
		ck_assert_int_eq(sa_catc(&in, 'x'), 0);
	ck_assert_int_eq(stamp_engine(&got, in.s, in.len), 0);
	ck_assert_uint_eq(got.len, STAMP_MAXENGINE);
	ck_assert_int_eq(sa_catc(&in, 'x'), 0);
	got.len = 0;
	ck_assert_int_eq(stamp_engine(&got, in.s, in.len), -1);
	ck_assert_uint_eq(got.len, 0);
	/* 200 bytes, each written %HH: over the cap once encoded */
	in.len = 0;
	while (in.len < 200)
		ck_assert_int_eq(sa_catc(&in, ';'), 0);
	ck_assert_int_eq(stamp_engine(&got, in.s, in.len), -1);
	ck_assert_uint_eq(got.len, 0);
	sa_free(&in);
	sa_free(&got);
}
END_TEST

/* stamp_unengine undoes stamp_engine; bad escapes are refused */
START_TEST(stamp_unengine_inverse)
{
	static const char *const ok[] = {
		"clamav/1.4.6/27000.1.2",
		"clamav/1.4.6/0.0.7 clamd/1.4.6/0 exec/ClamAV_1.4.6/x=y;z",
	};
	static const char *const bad[] = { "a%", "a%4", "a%zz", "a%0A",
	    "a%7F", "a%4a" };
	struct sa	 e = SA_ZERO, back = SA_ZERO;
	size_t		 i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		e.len = back.len = 0;
		ck_assert_int_eq(stamp_engine(&e, ok[i], strlen(ok[i])), 0);
		ck_assert_int_eq(sa_0(&e), 0);
		ck_assert_int_eq(stamp_unengine(&back, e.s), 0);
		ck_assert_uint_eq(back.len, strlen(ok[i]));
		ck_assert_mem_eq(back.s, ok[i], back.len);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		back.len = 0;
		ck_assert_int_eq(stamp_unengine(&back, bad[i]), -1);
		ck_assert_uint_eq(back.len, 0);
	}
	sa_free(&e);
	sa_free(&back);
}
END_TEST

/* stamp_strip drops every status field, in any case, and only those */
START_TEST(stamp_strip_fields)
{
	static const char	 in[] = "X-Mailward-Status: v=1; a\n\tb\n"
	    "From: a@b\nx-mailward-status: forged\nSubject: s\n\n"
	    "X-Mailward-Status: in the body\n";
	static const char	 want[] = "From: a@b\nSubject: s\n\n"
	    "X-Mailward-Status: in the body\n";
	struct sa		 out = SA_ZERO;
	size_t			 removed;

	ck_assert_int_eq(stamp_strip(&out, in, sizeof in - 1, &removed), 0);
	ck_assert_uint_eq(removed, 2);
	ck_assert_uint_eq(out.len, sizeof want - 1);
	ck_assert_mem_eq(out.s, want, out.len);
	sa_free(&out);
}
END_TEST

/* past HDR_MAXCOUNT fields a status field could hide: EMSGSIZE, and
 * nothing claimed stripped */
START_TEST(stamp_strip_over_caps)
{
	struct sa	 in = SA_ZERO, out = SA_ZERO;
	size_t		 i, removed;

	for (i = 0; i <= HDR_MAXCOUNT; i++)
		ck_assert_int_eq(sa_catf(&in, "X-Filler-%zu: x\n", i), 0);
	ck_assert_int_eq(sa_cats(&in, "X-Mailward-Status: v=1; forged\n\n"
	    "body\n"), 0);
	errno = 0;
	ck_assert_int_eq(stamp_strip(&out, in.s, in.len, &removed), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	sa_free(&in);
	sa_free(&out);
}
END_TEST

/* a new key pair */
static EVP_PKEY *
newkey(void)
{
	EVP_PKEY	*k = stamp_keynew();

	ck_assert_ptr_nonnull(k);
	return k;
}

/* --- a golden header --- */

static const char golden_msg[] = "From: A <a@example.org>\n"
    "To: b@example.net\nSubject:  golden\n\tfolded  subject \n"
    "Date: Thu, 1 Jan 2026 00:00:00 +0000\nMessage-ID: <g@example.org>\n"
    "MIME-Version: 1.0\nContent-Type: text/plain;\n\tcharset=us-ascii\n"
    "\nHello.\n\n\n";
static const char golden_hdr[] =
    "X-Mailward-Status: v=1; verdict=cleaned; t=1767225600; "
    "k=21fe31dfa154a261;\n"
    " e=clamav/1.0.7/27450,clamd/x%3Dy;\n"
    " bh=yZQq1c8wjBl0fZ4Wc/oraMCAG1mZJv5v/hlvyFy+t6A=;\n"
    " hh=GaufkYc/bp+gD3tB2JhYI1Ozd66XnjGr7rlCOLJQZ+c=;\n"
    " s=D4/HBFZLroDYJVeZk3NFhY0myfBRi51y8L4r2J5NMKJ1aj6Vkx/zbSkdTWBSbCZ6bHvE"
    "oGKr88U\n 9NboYVzgBDQ==\n";
static const char golden_canon[] = "from:A <a@example.org>\r\n"
    "to:b@example.net\r\ncc:\r\nsubject:golden folded subject\r\n"
    "date:Thu, 1 Jan 2026 00:00:00 +0000\r\nmessage-id:<g@example.org>\r\n"
    "mime-version:1.0\r\ncontent-type:text/plain;\tcharset=us-ascii\r\n"
    "content-transfer-encoding:\r\n";
static const char golden_tbs[] = "v=1; verdict=cleaned; t=1767225600; "
    "k=21fe31dfa154a261; e=clamav/1.0.7/27450,clamd/x%3Dy; "
    "bh=yZQq1c8wjBl0fZ4Wc/oraMCAG1mZJv5v/hlvyFy+t6A=; "
    "hh=GaufkYc/bp+gD3tB2JhYI1Ozd66XnjGr7rlCOLJQZ+c=";

START_TEST(stamp_golden)
{
	EVP_PKEY	*k = tm_rfc8032key();
	struct stamp_in	 in = { k, STAMP_CLEANED, T0, "clamav/1.0.7/27450 "
			    "clamd/x=y", 28 };
	struct stamp	 st;
	struct sa	 out = SA_ZERO;
	size_t		 removed = 9, hl = sizeof golden_hdr - 1;

	ck_assert_int_eq(stamp_canonhdrs(golden_msg, sizeof golden_msg - 1,
	    &out), STAMP_VALID);
	ck_assert_msg(out.len == sizeof golden_canon - 1 && memcmp(out.s,
	    golden_canon, out.len) == 0, "got %.*s", (int)out.len, out.s);
	out.len = 0;
	ck_assert_int_eq(stamp_apply(&out, &in, golden_msg,
	    sizeof golden_msg - 1, &removed), STAMP_VALID);
	ck_assert_uint_eq(removed, 0);
	ck_assert_uint_eq(out.len, hl + sizeof golden_msg - 1);
	ck_assert_msg(memcmp(out.s, golden_hdr, hl) == 0, "got %.*s",
	    (int)hl, out.s);
	ck_assert_mem_eq(out.s + hl, golden_msg, sizeof golden_msg - 1);
	ck_assert_int_eq(stamp_verify(&st, out.s, out.len, &k, 1, T0, MAXAGE),
	    STAMP_VALID);
	ck_assert_uint_eq(st.tbslen, sizeof golden_tbs - 1);
	ck_assert_mem_eq(st.tbs, golden_tbs, st.tbslen);
	ck_assert_int_eq(st.verdict, STAMP_CLEANED);
	ck_assert(st.t == T0);
	ck_assert_str_eq(st.k, "21fe31dfa154a261");
	ck_assert_str_eq(st.e, "clamav/1.0.7/27450,clamd/x%3Dy");
	EVP_PKEY_free(k);
	sa_free(&out);
}
END_TEST

/* --- round trips --- */

static const char base_msg[] = "From: Alice <alice@example.org>\n"
    "To: bob@example.net\nSubject: Hello\n"
    "Date: Thu, 1 Jan 2026 00:00:00 +0000\nMessage-ID: <1@example.org>\n"
    "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n"
    "Content-Transfer-Encoding: 7bit\n\nHello Bob.\nThe quick brown fox.\n";
static const char other_msg[] = "From: Mallory <m@example.com>\n"
    "To: bob@example.net\nSubject: Hello\n\nBuy now.\n";
/* what the scanner saw: one text part, whose text looks like a second,
 * base64 part delimited by "b2" */
static const char mime_msg[] = "From: Mallory <m@example.com>\n"
    "To: bob@example.net\nSubject: Report\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
    "--b1\nContent-Type: text/plain\n\nSee below.\n"
    "--b2\nContent-Type: application/octet-stream\n"
    "Content-Transfer-Encoding: base64\n\nTVqQAAMAAAAEAAAA//8AALgAAAAA\n"
    "--b2--\n--b1--\n";
/* the same with a boundary of two words: the delimiters are "--a  b",
 * and a "--a b" line is text */
static const char mimews_msg[] = "From: Mallory <m@example.com>\n"
    "To: bob@example.net\nSubject: Report\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"a  b\"\n\n"
    "--a  b\nContent-Type: text/plain\n\nSee below.\n"
    "--a b\nContent-Type: application/octet-stream\n"
    "Content-Transfer-Encoding: base64\n\nTVqQAAMAAAAEAAAA//8AALgAAAAA\n"
    "--a b--\n--a  b--\n";

static const struct { struct bytes in; size_t removed; } trips[] = {
	{ S(base_msg), 0 },
	{ S("From: a\r\nSubject: crlf\r\n\r\nbody\r\n.\r\n"), 0 },
	{ S("Subject: no body\n"), 0 },
	{ S("Subject: no body, no line end"), 0 },
	{ S(""), 0 },
	{ S("\nonly a body\n"), 0 },
	{ S("Send Ppp mailing list submissions to\n\tppp@zzz.org\n"), 0 },
	{ S("From MAILER-DAEMON Fri Apr 06 16:46:09 2001\nSubject: x\n\nb\n"),
	    0 },
	{ S("X-Mailward-Status: v=1; forged\nSubject: x\n\nbody\n"), 1 },
	{ S("Subject: x\nx-mailward-status: forged\n  folded\nTo: y\n"
	    "X-MAILWARD-STATUS : again\n\nX-Mailward-Status: in the body\n"),
	    2 },
	{ S("Subject: x\nbad line\nX-Mailward-Status: after it\n"), 0 },
	{ S("Subject: a\0b\n\nbody\0\n"), 0 },
};

START_TEST(stamp_roundtrip)
{
	EVP_PKEY	*k = newkey();
	struct stamp_in	 in = { k, STAMP_CLEAN, T0, "clamav/1/2", 10 };
	struct stamp	 st;
	struct sa	 out = SA_ZERO, again = SA_ZERO;
	struct hdr_field f;
	size_t		 removed, body, nstat, i, col = 0;

	ck_assert_int_eq(stamp_apply(&out, &in, trips[_i].in.s,
	    trips[_i].in.n, &removed), STAMP_VALID);
	ck_assert_uint_eq(removed, trips[_i].removed);
	ck_assert_int_eq(stamp_verify(&st, out.s, out.len, &k, 1, T0 + 1,
	    MAXAGE), STAMP_VALID);
	ck_assert_int_eq(st.verdict, STAMP_CLEAN);
	ck_assert_str_eq(st.e, "clamav/1/2");
	/* our field first, folded within STAMP_FOLD columns */
	ck_assert_int_eq(stamp_split(out.s, out.len, &body, &nstat, &f),
	    STAMP_VALID);
	ck_assert_uint_eq(nstat, 1);
	ck_assert_uint_eq(f.off, 0);
	for (i = 0; i < f.len; i++) {
		if (out.s[i] == '\n')
			col = 0;
		else if (out.s[i] != '\r')
			col++;
		ck_assert_uint_le(col, STAMP_FOLD);
	}
	/* stamping the stamped message replaces the field, and only it */
	ck_assert_int_eq(stamp_apply(&again, &in, out.s, out.len, &removed),
	    STAMP_VALID);
	ck_assert_uint_eq(removed, 1);
	ck_assert_uint_eq(again.len, out.len);
	ck_assert_mem_eq(again.s, out.s, out.len);	/* same t, same sig */
	if (trips[_i].removed == 0)
		ck_assert_mem_eq(out.s + f.len, trips[_i].in.s, trips[_i].in.n);
	EVP_PKEY_free(k);
	sa_free(&out);
	sa_free(&again);
}
END_TEST

/* the verdict of a message an operator released from the quarantine
 * without a new scan: signed, verified and named like the others */
START_TEST(stamp_released)
{
	EVP_PKEY	*k = newkey();
	struct stamp_in	 in = { k, STAMP_RELEASED, T0, "none", 4 };
	struct stamp	 st;
	struct sa	 out = SA_ZERO;
	size_t		 removed;

	ck_assert_int_eq(stamp_apply(&out, &in, base_msg, sizeof base_msg - 1,
	    &removed), STAMP_VALID);
	ck_assert_int_eq(stamp_verify(&st, out.s, out.len, &k, 1, T0 + 1,
	    MAXAGE), STAMP_VALID);
	ck_assert_int_eq(st.verdict, STAMP_RELEASED);
	ck_assert_str_eq(st.e, "none");
	ck_assert_str_eq(stamp_verdictname(STAMP_RELEASED), "released");
	ck_assert_int_eq(stamp_verdictparse("released", 8), STAMP_RELEASED);
	ck_assert_str_eq(stamp_verdictname(STAMP_RELEASED + 1), "unknown");
	EVP_PKEY_free(k);
	sa_free(&out);
}
END_TEST

START_TEST(stamp_apply_refusals)
{
	EVP_PKEY	*k = newkey();
	struct stamp_in	 in = { k, STAMP_CLEAN, T0, "x", 1 };
	struct sa	 out = SA_ZERO, m = SA_ZERO;
	size_t		 removed, i;

	ck_assert_int_eq(sa_cats(&out, "envelope\n\n"), 0);
	/* a message starting with folding would join our field */
	ck_assert_int_eq(stamp_apply(&out, &in, " x\nS: y\n\nb", 10,
	    &removed), STAMP_MALFORMED);
	ck_assert_uint_eq(out.len, 10);		/* left as it was */
	/* HDR_MAXCOUNT fields fit; ours would be one more */
	for (i = 0; i < HDR_MAXCOUNT; i++)
		ck_assert_int_eq(sa_cats(&m, "X: 1\n"), 0);
	ck_assert_int_eq(stamp_apply(&out, &in, m.s, m.len, &removed),
	    STAMP_MALFORMED);
	ck_assert_uint_eq(out.len, 10);
	/* one status field less, and it fits again */
	memcpy(m.s, "X-Mailward-Status:", 18);
	m.s[18] = ' ';
	ck_assert_int_eq(stamp_apply(&out, &in, m.s, m.len, &removed),
	    STAMP_VALID);
	ck_assert_uint_eq(removed, 1);
	out.len = 10;
	in.scannedlen = 0;
	ck_assert_int_eq(stamp_apply(&out, &in, "S: x\n", 5, &removed),
	    STAMP_MALFORMED);
	in.scannedlen = 1;
	in.verdict = 7;
	ck_assert_int_eq(stamp_apply(&out, &in, "S: x\n", 5, &removed),
	    STAMP_MALFORMED);
	ck_assert_uint_eq(out.len, 10);
	EVP_PKEY_free(k);
	sa_free(&out);
	sa_free(&m);
}
END_TEST

/* --- forgeries --- */

enum mut {
	M_NONE, M_COPY, M_BODYBYTE, M_BODYSPACE, M_BODYLINE, M_SUBJECT,
	M_ADDCC, M_FROMCASE, M_UNKNOWNKEY, M_KEYSWAP, M_VERDICT, M_TIME,
	M_EXPIRED, M_MAXAGE, M_FUTURE, M_SKEW, M_SECOND, M_SECONDLATE,
	M_LOWERSECOND, M_REMOVED, M_INTOBODY, M_BADB64, M_SIGFLIP, M_BHFLIP,
	M_TRUNC, M_REORDER, M_NEWTAG, M_V2, M_REFOLD, M_CRLF, M_TRAILING,
	M_EMPTY, M_CTTYPE, M_CTBOUNDARY, M_CTECHANGE, M_CTEREMOVED,
	M_CTSECOND, M_ADDMIME, M_ADDCT, M_ADDCTE, M_CTREFOLD, M_CTWSRUN,
	M_CTWSTAB, M_CTFOLDTAB, M_CTFOLDADD, M_CTWSREFOLD, M_CTWSQREFOLD,
	M_DISPOSITION
};

static const struct {
	const char	*name;
	int		 mut;
	int		 want;
} forgeries[] = {
	{ "untouched", M_NONE, STAMP_VALID },
	{ "copied to another message", M_COPY, STAMP_BODY },
	{ "one body byte changed", M_BODYBYTE, STAMP_BODY },
	{ "a space added in the body", M_BODYSPACE, STAMP_BODY },
	{ "a body line added", M_BODYLINE, STAMP_BODY },
	{ "Subject changed", M_SUBJECT, STAMP_HEADERS },
	{ "a Cc added", M_ADDCC, STAMP_HEADERS },
	{ "From: name case and spacing", M_FROMCASE, STAMP_VALID },
	{ "unknown key", M_UNKNOWNKEY, STAMP_UNKNOWNKEY },
	{ "k= of another of our keys", M_KEYSWAP, STAMP_BADSIG },
	{ "verdict changed", M_VERDICT, STAMP_BADSIG },
	{ "time changed", M_TIME, STAMP_BADSIG },
	{ "expired", M_EXPIRED, STAMP_EXPIRED },
	{ "exactly the maximum age", M_MAXAGE, STAMP_VALID },
	{ "from the future", M_FUTURE, STAMP_FUTURE },
	{ "within the clock skew", M_SKEW, STAMP_VALID },
	{ "second header added on top", M_SECOND, STAMP_MULTI },
	{ "second header added below", M_SECONDLATE, STAMP_MULTI },
	{ "second header, lower case", M_LOWERSECOND, STAMP_MULTI },
	{ "header removed", M_REMOVED, STAMP_NONE },
	{ "header moved into the body", M_INTOBODY, STAMP_NONE },
	{ "bad base64 in s=", M_BADB64, STAMP_MALFORMED },
	{ "one signature byte changed", M_SIGFLIP, STAMP_BADSIG },
	{ "bh= changed", M_BHFLIP, STAMP_BADSIG },
	{ "s= cut short", M_TRUNC, STAMP_MALFORMED },
	{ "tags in another order", M_REORDER, STAMP_MALFORMED },
	{ "an unknown tag", M_NEWTAG, STAMP_MALFORMED },
	{ "v=2", M_V2, STAMP_MALFORMED },
	{ "refolded", M_REFOLD, STAMP_VALID },
	{ "LF made CRLF", M_CRLF, STAMP_VALID },
	{ "empty lines added at the end", M_TRAILING, STAMP_VALID },
	{ "empty value", M_EMPTY, STAMP_MALFORMED },
	/* how the body is decoded (RFC 2045) */
	{ "Content-Type: text made an attachment", M_CTTYPE, STAMP_HEADERS },
	{ "Content-Type: boundary changed", M_CTBOUNDARY, STAMP_HEADERS },
	{ "Content-Transfer-Encoding changed", M_CTECHANGE, STAMP_HEADERS },
	{ "Content-Transfer-Encoding removed", M_CTEREMOVED, STAMP_HEADERS },
	{ "a second Content-Type", M_CTSECOND, STAMP_HEADERS },
	{ "MIME-Version added", M_ADDMIME, STAMP_HEADERS },
	{ "Content-Type added", M_ADDCT, STAMP_HEADERS },
	{ "Content-Transfer-Encoding added", M_ADDCTE, STAMP_HEADERS },
	{ "Content-Type: name case, refolded at a SP, white space at the ends",
	    M_CTREFOLD, STAMP_VALID },
	/* white space inside them is kept (section 8) */
	{ "Content-Type: boundary's two SP made one", M_CTWSRUN,
	    STAMP_HEADERS },
	{ "Content-Type: boundary's SP made HTAB", M_CTWSTAB, STAMP_HEADERS },
	{ "Content-Type: folded with a HTAB for the SP", M_CTFOLDTAB,
	    STAMP_HEADERS },
	{ "Content-Type: a fold that adds white space", M_CTFOLDADD,
	    STAMP_HEADERS },
	{ "Content-Type: refolded at an existing SP", M_CTWSREFOLD,
	    STAMP_VALID },
	{ "Content-Type: refolded at a SP inside the quotes", M_CTWSQREFOLD,
	    STAMP_VALID },
	/* mailward-stamp(5) section 8: not covered */
	{ "Content-Disposition added", M_DISPOSITION, STAMP_VALID },
};

/* the first n bytes at s in m, or NULL (memmem is a GNU extension) */
static char *
find(const struct sa *m, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; n > 0 && i + n <= m->len; i++)
		if (memcmp(m->s + i, s, n) == 0)
			return m->s + i;
	return NULL;
}

/* replace the first old in m with new; fails the test if none */
static void
replace(struct sa *m, const char *old, const char *new)
{
	struct sa	 t = SA_ZERO;
	const char	*p = find(m, old, strlen(old));
	size_t		 off;

	ck_assert_msg(p != NULL, "no %s", old);
	off = (size_t)(p - m->s);
	ck_assert_int_eq(sa_catb(&t, m->s, off), 0);
	ck_assert_int_eq(sa_cats(&t, new), 0);
	ck_assert_int_eq(sa_catb(&t, p + strlen(old), m->len - off -
	    strlen(old)), 0);
	ck_assert_int_eq(sa_copyb(m, t.s, t.len), 0);
	sa_free(&t);
}

/* the stamp field of m (with its line ends) into fld */
static void
field(const struct sa *m, struct sa *fld)
{
	struct hdr_field f;
	size_t		 body, n;

	ck_assert_int_eq(stamp_split(m->s, m->len, &body, &n, &f),
	    STAMP_VALID);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(sa_copyb(fld, m->s + f.off, f.len), 0);
}

/* the first byte of the value of " name=" (a SP or a fold before it) */
static char *
tagat(struct sa *m, const char *name)
{
	char	*p = find(m, name, strlen(name));

	ck_assert_ptr_nonnull(p);
	return p + strlen(name);
}

/* the MIME fields of base_msg, mime_msg and other_msg */
static void
mutate_mime(int mut, struct sa *m)
{
	switch (mut) {
	case M_CTTYPE:
		replace(m, "Content-Type: text/plain; charset=us-ascii",
		    "Content-Type: application/octet-stream; name=x.exe");
		break;
	case M_CTBOUNDARY:
		replace(m, "boundary=\"b1\"", "boundary=\"b2\"");
		break;
	case M_CTECHANGE:
		replace(m, "Encoding: 7bit", "Encoding: base64");
		break;
	case M_CTEREMOVED:
		replace(m, "Content-Transfer-Encoding: 7bit\n", "");
		break;
	case M_CTSECOND:
		replace(m, "\n\n", "\nContent-Type: text/html\n\n");
		break;
	case M_ADDMIME:
		replace(m, "\nTo:", "\nMIME-Version: 1.0\nTo:");
		break;
	case M_ADDCT:
		replace(m, "\n\n", "\nContent-Type: text/html\n\n");
		break;
	case M_ADDCTE:
		replace(m, "\n\n", "\nContent-Transfer-Encoding: base64\n\n");
		break;
	case M_CTREFOLD:
		replace(m, "Content-Type: text/plain; charset=us-ascii",
		    "CONTENT-TYPE :\ttext/plain;\n charset=us-ascii \t");
		break;
	case M_CTWSRUN:
		replace(m, "boundary=\"a  b\"", "boundary=\"a b\"");
		break;
	case M_CTWSTAB:
		replace(m, "boundary=\"a  b\"", "boundary=\"a\t b\"");
		break;
	case M_CTFOLDTAB:
		replace(m, "text/plain; charset", "text/plain;\n\tcharset");
		break;
	case M_CTFOLDADD:
		replace(m, "text/plain; charset", "text/plain;\n  charset");
		break;
	case M_CTWSREFOLD:
		replace(m, "mixed; boundary", "mixed;\n boundary");
		break;
	case M_CTWSQREFOLD:
		replace(m, "boundary=\"a  b\"", "boundary=\"a\n  b\"");
		break;
	case M_DISPOSITION:
		replace(m, "\n\n", "\nContent-Disposition: attachment; "
		    "filename=x.txt\n\n");
		break;
	}
}

static void
mutate(int mut, struct sa *m, const struct sa *fld, const char *id2,
    unsigned long long *now)
{
	struct sa	 t = SA_ZERO;
	char		*p;
	size_t		 i;

	switch (mut) {
	case M_COPY:
		ck_assert_int_eq(sa_copyb(m, fld->s, fld->len), 0);
		ck_assert_int_eq(sa_cats(m, other_msg), 0);
		break;
	case M_BODYBYTE:
		replace(m, "brown fox.", "brown fox,");
		break;
	case M_BODYSPACE:
		replace(m, "quick brown", "quick  brown");
		break;
	case M_BODYLINE:
		ck_assert_int_eq(sa_cats(m, "P.S.\n"), 0);
		break;
	case M_SUBJECT:
		replace(m, "Subject: Hello", "Subject: Hellp");
		break;
	case M_ADDCC:
		replace(m, "\nTo:", "\nCc: eve@example.com\nTo:");
		break;
	case M_FROMCASE:
		replace(m, "From: Alice <alice", "FROM:\tAlice\n   <alice");
		break;
	case M_KEYSWAP:
		p = tagat(m, " k=");
		memcpy(p, id2, STAMP_KEYIDLEN);
		break;
	case M_VERDICT:
		replace(m, "verdict=clean;", "verdict=cleaned;");
		break;
	case M_TIME:
		p = tagat(m, " t=");
		p[9] = p[9] == '0' ? '1' : '0';
		break;
	case M_EXPIRED:
		*now = T0 + MAXAGE + 1;
		break;
	case M_MAXAGE:
		*now = T0 + MAXAGE;
		break;
	case M_FUTURE:
		*now = T0 - STAMP_SKEW - 1;
		break;
	case M_SKEW:
		*now = T0 - STAMP_SKEW;
		break;
	case M_SECOND:
		ck_assert_int_eq(sa_cat(&t, fld), 0);
		ck_assert_int_eq(sa_cat(&t, m), 0);
		ck_assert_int_eq(sa_copyb(m, t.s, t.len), 0);
		break;
	case M_SECONDLATE:
		replace(m, "\n\n",
		    "\nX-Mailward-Status: v=1; verdict=clean\n\n");
		break;
	case M_LOWERSECOND:
		replace(m, "\nTo:", "\nx-mailward-status: junk\nTo:");
		break;
	case M_REMOVED:
		replace(m, fld->s, "");
		break;
	case M_INTOBODY:
		replace(m, fld->s, "");
		ck_assert_int_eq(sa_cat(m, fld), 0);
		break;
	case M_BADB64:
		p = tagat(m, " s=");
		p[10] = '!';
		break;
	case M_SIGFLIP:
		p = tagat(m, " s=");
		p[10] = p[10] == 'A' ? 'B' : 'A';
		break;
	case M_BHFLIP:
		p = tagat(m, " bh=");
		p[5] = p[5] == 'A' ? 'B' : 'A';
		break;
	case M_TRUNC:
		p = tagat(m, " s=");
		memcpy(p, "AAAA==", 6);
		p += 6;
		while (*p != '\n' || p[1] == ' ' || p[1] == '\t')
			*p++ = ' ';
		break;
	case M_REORDER:
		replace(m, "v=1; verdict=clean;", "verdict=clean; v=1;");
		break;
	case M_NEWTAG:
		replace(m, "v=1;", "v=1; x=y;");
		break;
	case M_V2:
		replace(m, "v=1;", "v=2;");
		break;
	case M_REFOLD:
		/* unfold, then fold after every ';' with a TAB */
		replace(m, fld->s, "");
		for (i = 0; i + 1 < fld->len; i++) {
			if (fld->s[i] != '\n')
				ck_assert_int_eq(sa_catc(&t, fld->s[i]), 0);
			if (fld->s[i] == ';')
				ck_assert_int_eq(sa_cats(&t, "\n\t"), 0);
		}
		ck_assert_int_eq(sa_catc(&t, '\n'), 0);
		ck_assert_int_eq(sa_cat(&t, m), 0);
		ck_assert_int_eq(sa_copyb(m, t.s, t.len), 0);
		break;
	case M_CRLF:
		for (i = 0; i < m->len; i++) {
			if (m->s[i] == '\n')
				ck_assert_int_eq(sa_catc(&t, '\r'), 0);
			ck_assert_int_eq(sa_catc(&t, m->s[i]), 0);
		}
		ck_assert_int_eq(sa_copyb(m, t.s, t.len), 0);
		break;
	case M_TRAILING:
		ck_assert_int_eq(sa_cats(m, "\n\n\r\n"), 0);
		break;
	case M_EMPTY:
		ck_assert_int_eq(sa_copys(m, "X-Mailward-Status:\n"), 0);
		ck_assert_int_eq(sa_cats(m, base_msg), 0);
		break;
	default:
		mutate_mime(mut, m);
		break;
	}
	sa_free(&t);
}

/* the message a forgery starts from */
static const char *
forged(int mut)
{
	switch (mut) {
	case M_CTBOUNDARY:
		return mime_msg;
	case M_CTWSRUN:
	case M_CTWSTAB:
	case M_CTWSREFOLD:
	case M_CTWSQREFOLD:
		return mimews_msg;
	case M_ADDMIME:
	case M_ADDCT:
	case M_ADDCTE:
		return other_msg;		/* no MIME field at all */
	default:
		return base_msg;
	}
}

START_TEST(stamp_forgery)
{
	EVP_PKEY	*k1 = newkey(), *k2 = newkey(), *keys[2];
	struct stamp_in	 in = { k1, STAMP_CLEAN, T0, "clamav/1/2", 10 };
	struct stamp	 st;
	struct sa	 m = SA_ZERO, fld = SA_ZERO;
	char		 id2[STAMP_KEYIDLEN + 1];
	unsigned long long now = T0 + 5;
	size_t		 removed, nkeys = 1;
	int		 r, mut = forgeries[_i].mut;

	ck_assert_int_eq(stamp_keyid(k2, id2), 0);
	ck_assert_int_eq(stamp_apply(&m, &in, forged(mut),
	    strlen(forged(mut)), &removed), STAMP_VALID);
	field(&m, &fld);
	ck_assert_int_eq(sa_0(&fld), 0);
	mutate(mut, &m, &fld, id2, &now);
	keys[0] = mut == M_UNKNOWNKEY ? k2 : k1;
	keys[1] = k2;
	if (mut == M_KEYSWAP)
		nkeys = 2;
	r = stamp_verify(&st, m.s, m.len, keys, nkeys, now, MAXAGE);
	ck_assert_msg(r == forgeries[_i].want, "%s: got %s, want %s",
	    forgeries[_i].name, stamp_strerror(r),
	    stamp_strerror(forgeries[_i].want));
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	sa_free(&m);
	sa_free(&fld);
}
END_TEST

/* --- parsing --- */

#define H44	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define S88	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		"AAAAAAAAAAAAAAAAAAAAAAAAAA=="
#define HEAD	" v=1; verdict=clean; t=1; k=0123456789abcdef; e=x"
#define TAIL	"; bh=" H44 "; hh=" H44 "; s=" S88

static const struct { const char *in; int want; } parses[] = {
	{ HEAD TAIL, STAMP_VALID },
	{ " v=1;verdict=clean;t=0;k=0123456789abcdef;e=x;bh=" H44 ";hh=" H44
	    ";s=" S88, STAMP_VALID },
	/* white space is deleted, wherever it is */
	{ " v = 1 ;\r\n\tverdict=cl ean; t=1; k=0123456789abcdef; e=x" TAIL,
	    STAMP_VALID },
	{ "v=1;\n verdict=cleaned; t=18446744073709551615; k=0123456789abcdef;"
	    "\r\n e=a%2Cb,c/d:e+f" TAIL, STAMP_VALID },
	{ HEAD "; ; bh=" H44 "; hh=" H44 "; s=" S88, STAMP_MALFORMED },
	{ HEAD TAIL ";", STAMP_MALFORMED },		/* trailing ';' */
	{ HEAD TAIL "; x=y", STAMP_MALFORMED },
	{ HEAD "; bh=" H44 "; hh=" H44, STAMP_MALFORMED },	/* no s= */
	{ " v=1; verdict=clean; t=01; k=0123456789abcdef; e=x" TAIL,
	    STAMP_MALFORMED },
	{ " v=1; verdict=clean; t=18446744073709551616; k=0123456789abcdef; e=x"
	    TAIL, STAMP_MALFORMED },
	{ " v=1; verdict=clean; t=-1; k=0123456789abcdef; e=x" TAIL,
	    STAMP_MALFORMED },
	{ " v=1; verdict=clean; t=1; k=0123456789ABCDEF; e=x" TAIL,
	    STAMP_MALFORMED },
	{ " v=1; verdict=clean; t=1; k=0123456789abcde; e=x" TAIL,
	    STAMP_MALFORMED },
	{ " v=1; verdict=released; t=1; k=0123456789abcdef; e=none" TAIL,
	    STAMP_VALID },
	{ " v=1; verdict=infected; t=1; k=0123456789abcdef; e=x" TAIL,
	    STAMP_MALFORMED },
	{ " v=1; verdict=Released; t=1; k=0123456789abcdef; e=x" TAIL,
	    STAMP_MALFORMED },
	{ " v=1; verdict=clean; t=1; k=0123456789abcdef; e=" TAIL,
	    STAMP_MALFORMED },
	{ " v=1; verdict=clean; t=1; k=0123456789abcdef; e=a\"b" TAIL,
	    STAMP_MALFORMED },
	{ " v=1; verdict=clean; t=1; k=0123456789abcdef; e=a=b" TAIL,
	    STAMP_MALFORMED },
	{ " v=2; verdict=clean; t=1; k=0123456789abcdef; e=x" TAIL,
	    STAMP_MALFORMED },
	{ HEAD "; bh=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=; hh=" H44
	    "; s=" S88, STAMP_MALFORMED },		/* padding bits set */
	{ HEAD "; bh=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==; hh=" H44
	    "; s=" S88, STAMP_MALFORMED },		/* 31 bytes */
	{ HEAD "; bh=" H44 "; hh=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "; s=" S88, STAMP_MALFORMED },		/* no padding */
	{ HEAD "; bh=" H44 "; hh=" H44 "; s=AAAA" S88, STAMP_MALFORMED },
	{ HEAD "; bh=AAAAAAAAAAAAAAAAAAAA=AAAAAAAAAAAAAAAAAAAAAA=; hh=" H44
	    "; s=" S88, STAMP_MALFORMED },		/* '=' inside */
	{ HEAD "; bh=" H44 "; hh=" H44 "; s=" S88 "\x7f", STAMP_MALFORMED },
	{ HEAD "; bh=" H44 "; hh=" H44 "; s=" S88 "\xc3\xa9", STAMP_MALFORMED },
	{ "", STAMP_MALFORMED },
	{ ";;;;;;;", STAMP_MALFORMED },
	{ "v;verdict;t;k;e;bh;hh;s", STAMP_MALFORMED },
};

START_TEST(stamp_parse_table)
{
	struct stamp	 st;

	ck_assert_int_eq(stamp_parse(&st, parses[_i].in, strlen(parses[_i].in)),
	    parses[_i].want);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("stamp");
	TCase	*tc = tcase_create("stamp");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, stamp_engine_table, 0,
	    sizeof engines / sizeof engines[0]);
	tcase_add_test(tc, stamp_engine_cap);
	tcase_add_test(tc, stamp_unengine_inverse);
	tcase_add_test(tc, stamp_strip_fields);
	tcase_add_test(tc, stamp_strip_over_caps);
	tcase_add_test(tc, stamp_golden);
	tcase_add_loop_test(tc, stamp_roundtrip, 0,
	    sizeof trips / sizeof trips[0]);
	tcase_add_test(tc, stamp_released);
	tcase_add_test(tc, stamp_apply_refusals);
	tcase_add_loop_test(tc, stamp_forgery, 0,
	    sizeof forgeries / sizeof forgeries[0]);
	tcase_add_loop_test(tc, stamp_parse_table, 0,
	    sizeof parses / sizeof parses[0]);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
