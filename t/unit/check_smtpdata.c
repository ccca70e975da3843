/* ISC license. */
/* check_smtpdata.c: the DATA/BDAT state machine, fed in every chunking. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sa.h"
#include "smtpdata.h"
#include "unit.h"

#define F_LF	SMTPDATA_BARELF
#define F_CR	SMTPDATA_BARECR
#define DOT	SMTPDATA_DOT
#define BDAT	SMTPDATA_BDAT

struct datacase {
	int		 mode;
	const char	*in;
	size_t		 inlen;		/* 0: strlen(in) */
	unsigned long long max;
	int		 want;		/* SMTPDATA_END or _MORE (DOT mode) */
	const char	*wantout;
	size_t		 wantoutlen;	/* 0: strlen(wantout) */
	int		 wantflags;
	const char	*wantrest;	/* bytes after the end (DOT, END) */
};

static const struct datacase cases[] = {
	/* the one end: CRLF.CRLF */
	{ DOT, "hello\r\n.\r\n", 0, 0, SMTPDATA_END, "hello\n", 0, 0, "" },
	{ DOT, ".\r\n", 0, 0, SMTPDATA_END, "", 0, 0, "" },
	{ DOT, ".\r\nQUIT\r\n", 0, 0, SMTPDATA_END, "", 0, 0, "QUIT\r\n" },
	{ DOT, "\r\n.\r\n", 0, 0, SMTPDATA_END, "\n", 0, 0, "" },
	{ DOT, "a\r\nb\r\n.\r\nMAIL FROM:<x>\r\n", 0, 0, SMTPDATA_END,
	    "a\nb\n", 0, 0, "MAIL FROM:<x>\r\n" },
	/* dot-unstuffing */
	{ DOT, "a\r\n..b\r\n.\r\n", 0, 0, SMTPDATA_END, "a\n.b\n", 0, 0, "" },
	{ DOT, "a\r\n.b\r\n.\r\n", 0, 0, SMTPDATA_END, "a\nb\n", 0, 0, "" },
	{ DOT, "..\r\n.\r\n", 0, 0, SMTPDATA_END, ".\n", 0, 0, "" },
	{ DOT, "...\r\n.\r\n", 0, 0, SMTPDATA_END, "..\n", 0, 0, "" },
	{ DOT, "a.\r\n.\r\n", 0, 0, SMTPDATA_END, "a.\n", 0, 0, "" },
	/* smuggling: none of these ends the data or starts a message */
	{ DOT, "a\n.\nMAIL FROM:<x>\r\n.\r\n", 0, 0, SMTPDATA_END,
	    "a\n.\nMAIL FROM:<x>\n", 0, F_LF, "" },
	{ DOT, "a\r.\rMAIL FROM:<x>\r\n.\r\n", 0, 0, SMTPDATA_END,
	    "a\n.\nMAIL FROM:<x>\n", 0, F_CR, "" },
	{ DOT, "a\n.\r\nMAIL FROM:<x>\r\n.\r\n", 0, 0, SMTPDATA_END,
	    "a\n.\nMAIL FROM:<x>\n", 0, F_LF, "" },
	{ DOT, "a\r\n.\nMAIL FROM:<x>\r\n.\r\n", 0, 0, SMTPDATA_END,
	    "a\n.\nMAIL FROM:<x>\n", 0, F_LF, "" },
	{ DOT, "a\r\n.\rMAIL FROM:<x>\r\n.\r\n", 0, 0, SMTPDATA_END,
	    "a\n.\nMAIL FROM:<x>\n", 0, F_CR, "" },
	{ DOT, "a\r.\r\nb\r\n.\r\n", 0, 0, SMTPDATA_END,
	    "a\n.\nb\n", 0, F_CR, "" },
	{ DOT, "a\r\n.\r\r\nb\r\n.\r\n", 0, 0, SMTPDATA_END,
	    "a\n.\nb\n", 0, F_CR, "" },
	{ DOT, "a\n.\n", 0, 0, SMTPDATA_MORE, "a\n.\n", 0, F_LF, NULL },
	{ DOT, "a\r.\r", 0, 0, SMTPDATA_MORE, "a\n", 0, F_CR, NULL },
	{ DOT, "a\r\n.\r", 0, 0, SMTPDATA_MORE, "a\n", 0, 0, NULL },
	{ DOT, "a\r\n.", 0, 0, SMTPDATA_MORE, "a\n", 0, 0, NULL },
	{ DOT, ".\n", 0, 0, SMTPDATA_MORE, ".\n", 0, F_LF, NULL },
	{ DOT, "a\n.\r\n.\r\n", 0, 0, SMTPDATA_END, "a\n.\n", 0, F_LF, "" },
	/* bytes CR LF . CR LF end it even after a bare CR */
	{ DOT, "x\r\r\n.\r\n", 0, 0, SMTPDATA_END, "x\n", 0, F_CR, "" },
	{ DOT, "x\r\r\r\ny\r\n.\r\n", 0, 0, SMTPDATA_END, "x\ny\n", 0, F_CR,
	    "" },
	{ DOT, "a\nb\r\n.\r\n", 0, 0, SMTPDATA_END, "a\nb\n", 0, F_LF, "" },
	/* binary bytes pass */
	{ DOT, "a\0b\r\n.\r\n", 8, 0, SMTPDATA_END, "a\0b\n", 4, 0, "" },
	/* size cap on the message as stored */
	{ DOT, "12345\r\n.\r\n", 0, 6, SMTPDATA_END, "12345\n", 0, 0, "" },
	{ DOT, "12345\r\n.\r\n", 0, 5, SMTPDATA_END, "", 0,
	    SMTPDATA_TOOBIG, "" },
	{ DOT, "12345\r\n..\r\n.\r\n", 0, 7, SMTPDATA_END, "12345\n", 0,
	    SMTPDATA_TOOBIG, "" },
	/* BDAT: no dot handling, CRLF -> LF */
	{ BDAT, "a\r\nb\r\n", 0, 0, 0, "a\nb\n", 0, 0, NULL },
	{ BDAT, "a\r\n.\r\nb\r\n", 0, 0, 0, "a\n.\nb\n", 0, 0, NULL },
	{ BDAT, "..x\r\n", 0, 0, 0, "..x\n", 0, 0, NULL },
	{ BDAT, "a\nb", 0, 0, 0, "a\nb\n", 0, F_LF, NULL },
	{ BDAT, "a\r", 0, 0, 0, "a\n", 0, F_CR, NULL },
	{ BDAT, "a\rb\r\n", 0, 0, 0, "a\nb\n", 0, F_CR, NULL },
	{ BDAT, "", 0, 0, 0, "", 0, 0, NULL },
	{ BDAT, "abc", 0, 0, 0, "abc\n", 0, 0, NULL },
	{ BDAT, "abcd\r\n", 0, 4, 0, "", 0, SMTPDATA_TOOBIG, NULL },
};

static const size_t chunks[] = { 0, 1, 2, 3, 5, 7 };

/* Feed c->in in pieces of chunk bytes (0: all at once). */
static void
run(const struct datacase *c, size_t chunk)
{
	struct smtpdata	 d;
	struct sa	 out = SA_ZERO;
	size_t		 n = c->inlen ? c->inlen : strlen(c->in);
	size_t		 wn = c->wantoutlen ? c->wantoutlen : strlen(c->wantout);
	size_t		 pos = 0, take, used;
	int		 r = SMTPDATA_MORE;

	smtpdata_init(&d, c->mode, c->max, smtpdata_sink_sa, &out);
	while (pos < n) {
		take = chunk == 0 || chunk > n - pos ? n - pos : chunk;
		r = smtpdata_feed(&d, c->in + pos, take, &used);
		ck_assert_uint_le(used, take);
		pos += used;
		if (r == SMTPDATA_END)
			break;
		ck_assert_uint_eq(used, take);
	}
	if (c->mode == SMTPDATA_BDAT)
		smtpdata_finish(&d);
	else
		ck_assert_int_eq(r, c->want);
	if (c->wantflags & SMTPDATA_TOOBIG)	/* what fits may be there */
		ck_assert_uint_le(out.len, c->max);
	else
		ck_assert_uint_eq(out.len, wn);
	if (wn > 0)
		ck_assert_mem_eq(out.s, c->wantout, wn);
	ck_assert_int_eq(d.flags, c->wantflags);
	if (c->wantrest != NULL) {
		ck_assert_uint_eq(n - pos, strlen(c->wantrest));
		ck_assert_mem_eq(c->in + pos, c->wantrest, n - pos);
	}
	sa_free(&out);
}

START_TEST(smtpdata_table)
{
	size_t	 k;

	for (k = 0; k < sizeof chunks / sizeof chunks[0]; k++)
		run(&cases[_i], chunks[k]);
}
END_TEST

/* n header lines of the given name, then a body with more of them */
static void
hops(const char *name, unsigned int n, unsigned int wanthops, int want)
{
	struct smtpdata	 d;
	struct sa	 in = SA_ZERO;
	size_t		 used;
	unsigned int	 i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(sa_catf(&in, "%s x%u\r\n", name, i), 0);
	ck_assert_int_eq(sa_cats(&in, "Subject: s\r\n\r\nReceived: b\r\n"
	    "Received: b\r\n.\r\n"), 0);
	smtpdata_init(&d, SMTPDATA_DOT, 0, NULL, NULL);
	ck_assert_int_eq(smtpdata_feed(&d, in.s, in.len, &used),
	    SMTPDATA_END);
	ck_assert_uint_eq(used, in.len);
	ck_assert_int_eq(d.flags, want);
	ck_assert_uint_eq(d.hops, wanthops);
	sa_free(&in);
}

START_TEST(smtpdata_hops)
{
	hops("Received:", 99, 99, 0);
	hops("Received:", 100, 100, SMTPDATA_HOPS);
	hops("received:", 100, 100, SMTPDATA_HOPS);
	hops("Delivered-To:", 100, 100, SMTPDATA_HOPS);
	hops("X-Received:", 100, 0, 0);
	hops("Received-SPF:", 100, 0, 0);
}
END_TEST

static int
failsink(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	errno = ENOSPC;
	return -1;
}

START_TEST(smtpdata_sinkerr)
{
	struct smtpdata	 d;
	static const char in[] = "a\r\nb\r\n.\r\nQUIT\r\n";
	size_t		 used;

	smtpdata_init(&d, SMTPDATA_DOT, 0, failsink, NULL);
	ck_assert_int_eq(smtpdata_feed(&d, in, sizeof in - 1, &used),
	    SMTPDATA_END);
	ck_assert_uint_eq(used, sizeof in - 1 - 6);
	ck_assert_int_eq(d.flags, SMTPDATA_SINKERR);
	ck_assert_int_eq(d.err, ENOSPC);
}
END_TEST

START_TEST(smtpdata_after_end)
{
	struct smtpdata	 d;
	size_t		 used = 99;

	smtpdata_init(&d, SMTPDATA_DOT, 0, NULL, NULL);
	ck_assert_int_eq(smtpdata_feed(&d, ".\r\n", 3, &used), SMTPDATA_END);
	ck_assert_int_eq(smtpdata_feed(&d, "x\r\n", 3, &used), SMTPDATA_END);
	ck_assert_uint_eq(used, 0);
}
END_TEST

/* What a relay sends for a stored message: CRLF, dots doubled, ".". */
static void
encode(const struct sa *msg, struct sa *wire)
{
	size_t	 i;
	int	 bol = 1;

	wire->len = 0;
	for (i = 0; i < msg->len; i++) {
		if (bol && msg->s[i] == '.')
			ck_assert_int_eq(sa_catc(wire, '.'), 0);
		if (msg->s[i] == '\n')
			ck_assert_int_eq(sa_catc(wire, '\r'), 0);
		ck_assert_int_eq(sa_catc(wire, msg->s[i]), 0);
		bol = msg->s[i] == '\n';
	}
	if (!bol)
		ck_assert_int_eq(sa_cats(wire, "\r\n"), 0);
	ck_assert_int_eq(sa_cats(wire, ".\r\nNEXT"), 0);
}

/* Random inputs from a small alphabet of the bytes that matter: the
 * stored message, sent on again, comes back the same, ends where it
 * should, and raises no flag. */
START_TEST(smtpdata_roundtrip)
{
	static const char	 alpha[] = "\r\n.a\0R";
	struct smtpdata		 d;
	struct sa		 in = SA_ZERO, msg = SA_ZERO, wire = SA_ZERO;
	struct sa		 again = SA_ZERO;
	unsigned long		 seed = 12345;
	size_t			 used, k, n;
	int			 round;

	for (round = 0; round < 2000; round++) {
		in.len = msg.len = 0;
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		n = (seed >> 33) % 40;
		for (k = 0; k < n; k++) {
			seed = seed * 6364136223846793005UL + 1UL;
			ck_assert_int_eq(sa_catc(&in,
			    alpha[(seed >> 33) % (sizeof alpha - 1)]), 0);
		}
		ck_assert_int_eq(sa_cats(&in, "\r\n.\r\n"), 0);
		smtpdata_init(&d, SMTPDATA_DOT, 0, smtpdata_sink_sa, &msg);
		ck_assert_int_eq(smtpdata_feed(&d, in.s, in.len, &used),
		    SMTPDATA_END);
		encode(&msg, &wire);
		again.len = 0;
		smtpdata_init(&d, SMTPDATA_DOT, 0, smtpdata_sink_sa, &again);
		ck_assert_int_eq(smtpdata_feed(&d, wire.s, wire.len, &used),
		    SMTPDATA_END);
		ck_assert_uint_eq(wire.len - used, 4);	/* "NEXT" */
		ck_assert_int_eq(d.flags, 0);
		ck_assert_uint_eq(again.len, msg.len);
		if (msg.len > 0)
			ck_assert_mem_eq(again.s, msg.s, msg.len);
	}
	sa_free(&in);
	sa_free(&msg);
	sa_free(&wire);
	sa_free(&again);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("smtpdata");
	TCase	*tc = tcase_create("smtpdata");

	tcase_add_loop_test(tc, smtpdata_table, 0,
	    sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, smtpdata_hops);
	tcase_add_test(tc, smtpdata_sinkerr);
	tcase_add_test(tc, smtpdata_after_end);
	tcase_add_test(tc, smtpdata_roundtrip);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
