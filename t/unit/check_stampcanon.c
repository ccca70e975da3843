/* ISC license. */
/* check_stampcanon.c: the canonical body and headers the status header
 * hashes (stampcanon.c, mailward-stamp(5) sections 7 and 8), as tables. */
#include "sysdeps.h"

#include <check.h>
#include <string.h>

#include "sa.h"
#include "stamp.h"
#include "unit.h"

/* --- canonical body --- */

static const struct { struct bytes in, want; } bodies[] = {
	{ S(""), S("") },
	{ S("\n"), S("") },
	{ S("\r\n\n\r\n"), S("") },
	{ S("a"), S("a\r\n") },
	{ S("a\n"), S("a\r\n") },
	{ S("a\r\n"), S("a\r\n") },
	{ S("a\n\n\n"), S("a\r\n") },
	{ S("a\r\n\r\n"), S("a\r\n") },
	{ S("a\n\r\n\n"), S("a\r\n") },
	{ S("a\n\nb\n"), S("a\r\n\r\nb\r\n") },
	{ S("a\r\n\nb"), S("a\r\n\r\nb\r\n") },
	{ S("\na"), S("\r\na\r\n") },
	{ S("a \n"), S("a \r\n") },		/* white space is kept */
	{ S(" \n"), S(" \r\n") },		/* and is no empty line */
	{ S("a\tb  c\n"), S("a\tb  c\r\n") },
	{ S("a\rb\n"), S("a\rb\r\n") },	/* a CR only before LF goes */
	{ S("a\r"), S("a\r\r\n") },
	{ S("a\r\r\n"), S("a\r\r\n") },
	{ S("a\0b\n"), S("a\0b\r\n") },
	{ S(".\n..\n"), S(".\r\n..\r\n") },
};

START_TEST(stamp_canonbody_table)
{
	struct sa	 got = SA_ZERO;

	ck_assert_int_eq(stamp_canonbody(bodies[_i].in.s, bodies[_i].in.n,
	    &got), 0);
	ck_assert_msg(got.len == bodies[_i].want.n && (got.len == 0 ||
	    memcmp(got.s, bodies[_i].want.s, got.len) == 0),
	    "case %d: %zu bytes", _i, got.len);
	sa_free(&got);
}
END_TEST

/* --- canonical headers --- */

/* the six names of RFC 5322 and the three that say how the body is
 * decoded (RFC 2045), with no field of that name */
#define NOMIME	"mime-version:\r\ncontent-type:\r\n" \
		"content-transfer-encoding:\r\n"
#define NONE	"from:\r\nto:\r\ncc:\r\nsubject:\r\ndate:\r\n" \
		"message-id:\r\n" NOMIME
#define SUBJ(x)	"from:\r\nto:\r\ncc:\r\nsubject:" x "\r\ndate:\r\n" \
		"message-id:\r\n" NOMIME
#define MIME(v, t, e) "from:\r\nto:\r\ncc:\r\nsubject:\r\ndate:\r\n" \
		"message-id:\r\nmime-version:" v "\r\ncontent-type:" t \
		"\r\ncontent-transfer-encoding:" e "\r\n"

static const struct { struct bytes in; const char *want; } hdrs[] = {
	{ S(""), NONE },
	{ S("\nFrom: x\n"), NONE },			/* body, not header */
	{ S("X-Foo: 1\nReceived: by x\n\n"), NONE },
	{ S("Subject: Hi\n\n"), SUBJ("Hi") },
	{ S("SUBJECT:   Hi \t there  \n\n"), SUBJ("Hi there") },
	{ S("Subject: Hi\n\tthere\n\n"), SUBJ("Hi there") },
	{ S("Subject: Hi\r\n  there\r\n\r\n"), SUBJ("Hi there") },
	{ S("Subject:Hi\n there\n"), SUBJ("Hi there") },
	{ S("Subject:\n\n"), NONE },		/* empty reads as absent */
	{ S("Subject : x\n\n"), SUBJ("x") },
	{ S("Message-ID: <m@x>\nDate: d\nSubject: s\nCc: c\nTo: t\n"
	    "From: f\n\n"), "from:f\r\nto:t\r\ncc:c\r\nsubject:s\r\n"
	    "date:d\r\nmessage-id:<m@x>\r\n" NOMIME },
	{ S("To: a\nX: 1\nto: b\n\n"), "from:\r\nto:a\r\nto:b\r\ncc:\r\n"
	    "subject:\r\ndate:\r\nmessage-id:\r\n" NOMIME },
	{ S("Subject: a\nbad line\nFrom: x\n"), SUBJ("a") },
	{ S("Subject: caf\xc3\xa9\n\n"), SUBJ("caf\xc3\xa9") },
	{ S("From-X: a\nFrom: b\n\n"), "from:b\r\nto:\r\ncc:\r\nsubject:\r\n"
	    "date:\r\nmessage-id:\r\n" NOMIME },
	/* the MIME fields: in list order, whatever order they came in */
	{ S("Content-Transfer-Encoding: base64\nContent-Type: text/plain\n"
	    "MIME-Version: 1.0\n\n"), MIME("1.0", "text/plain", "base64") },
	/* they are unfolded and trimmed, but keep their white space */
	{ S("content-type: multipart/mixed;\n\tboundary=\"b1\"\n\n"),
	    MIME("", "multipart/mixed;\tboundary=\"b1\"", "") },
	{ S("Content-Type:  multipart/mixed;  boundary=\"a  b\" \t\n\n"),
	    MIME("", "multipart/mixed;  boundary=\"a  b\"", "") },
	{ S("Content-Type: a;\r\n b\r\n\r\n"), MIME("", "a; b", "") },
	{ S("Content-Type: a; \n\tb=\"c\n d\"\n\n"),
	    MIME("", "a; \tb=\"c d\"", "") },	/* a fold in quotes too */
	{ S("Content-Type:\n a\n  \n\tb\n \n\n"),
	    MIME("", "a  \tb", "") },		/* blank continuation lines */
	{ S("MIME-Version:\t1.0\t\nContent-Transfer-Encoding: \n \t\n\n"),
	    MIME("1.0", "", "") },		/* all white: empty */
	{ S("Content-Type: a\rb \r\n c\r\n\r\n"), MIME("", "a\rb  c", "") },
	{ S("Content-Type: a\r\r\n b\n\n"), MIME("", "a\r b", "") },
	{ S("Subject: a  b\nContent-Type: a  b\n\n"),
	    "from:\r\nto:\r\ncc:\r\nsubject:a b\r\ndate:\r\nmessage-id:\r\n"
	    "mime-version:\r\ncontent-type:a  b\r\n"
	    "content-transfer-encoding:\r\n" },	/* the others do not */
	{ S("MIME-Version: 1.0 (x)\r\nCONTENT-TYPE : Text/Plain\r\n\r\n"),
	    MIME("1.0 (x)", "Text/Plain", "") },	/* case is kept */
	{ S("Content-Type: a\nContent-Type: b\n\n"),
	    MIME("", "a\r\ncontent-type:b", "") },
	{ S("Content-Transfer-Encoding:\n\n"), NONE },
	/* no other Content- field */
	{ S("Content-Disposition: attachment\nContent-ID: <x>\n"
	    "Content-Type-X: y\nMIME-Version-2: 1\n\n"), NONE },
};

START_TEST(stamp_canonhdrs_table)
{
	struct sa	 got = SA_ZERO;

	ck_assert_int_eq(stamp_canonhdrs(hdrs[_i].in.s, hdrs[_i].in.n, &got),
	    STAMP_VALID);
	ck_assert_msg(got.len == strlen(hdrs[_i].want) &&
	    memcmp(got.s, hdrs[_i].want, got.len) == 0, "case %d: %.*s", _i,
	    (int)got.len, got.s);
	sa_free(&got);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("stampcanon");
	TCase	*tc = tcase_create("stampcanon");

	tcase_add_loop_test(tc, stamp_canonbody_table, 0,
	    sizeof bodies / sizeof bodies[0]);
	tcase_add_loop_test(tc, stamp_canonhdrs_table, 0,
	    sizeof hdrs / sizeof hdrs[0]);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
