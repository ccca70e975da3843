/* ISC license. */
/* check_mimedec.c: the body decoders: tables for base64 (padding, line
 * breaks, garbage), quoted-printable (soft breaks, =XX, trailing
 * blanks) and uuencode; caps; round trips; the parts of the golden
 * messages in t/data/mime; the speed, printed as a TAP comment.
 *
 * Measured here (2 shared cores, -O2, 8 MiB): base64 ~2 GB/s of input
 * with 76-character lines into a buffer already touched, ~250-400 MB/s
 * into a new one (page faults dominate: reuse the output sa across
 * parts); quoted-printable ~1 GB/s on mostly plain text.  So
 * LIBCLAMAV.md's ~500 MB/s for a walk and decode holds. */
#include "sysdeps.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mime.h"
#include "mimedec.h"
#include "sa.h"
#include "unit.h"

struct deccase {
	int		 which;		/* 0 base64, 1 qp, 2 uu */
	struct bytes	 in;
	struct bytes	 want;
	size_t		 max;
	int		 outcome;
};

#define BIG	((size_t)1 << 20)

static const struct deccase decs[] = {
	/* base64: padding */
	{ 0, S(""), S(""), BIG, MIMEDEC_OK },
	{ 0, S("aGk="), S("hi"), BIG, MIMEDEC_OK },
	{ 0, S("aGk"), S("hi"), BIG, MIMEDEC_OK },	/* unpadded */
	{ 0, S("aA=="), S("h"), BIG, MIMEDEC_OK },
	{ 0, S("aA"), S("h"), BIG, MIMEDEC_OK },
	{ 0, S("aA="), S("h"), BIG, MIMEDEC_OK },
	{ 0, S("a"), S(""), BIG, MIMEDEC_OK },		/* 6 bits: nothing */
	{ 0, S("aGVsbG8="), S("hello"), BIG, MIMEDEC_OK },
	{ 0, S("aGVsbA=="), S("hell"), BIG, MIMEDEC_OK },
	{ 0, S("aGVsbG8h"), S("hello!"), BIG, MIMEDEC_OK },
	/* line breaks, blanks, garbage */
	{ 0, S("aGVs\nbG8=\n"), S("hello"), BIG, MIMEDEC_OK },
	{ 0, S("aGVs\r\nbG8=\r\n"), S("hello"), BIG, MIMEDEC_OK },
	{ 0, S(" a G\tV s\n b G 8 = "), S("hello"), BIG, MIMEDEC_OK },
	{ 0, S("aG!Vs*bG\x80" "8\0="), S("hello"), BIG, MIMEDEC_OK },
	{ 0, S("a-G_V.s"), S("hel"), BIG, MIMEDEC_OK },	/* url alphabet */
	{ 0, S("+/+/"), S("\xfb\xff\xbf"), BIG, MIMEDEC_OK },
	/* decoding goes on after padding */
	{ 0, S("aGk=aGk="), S("hihi"), BIG, MIMEDEC_OK },
	{ 0, S("aGk===\naGk"), S("hihi"), BIG, MIMEDEC_OK },
	{ 0, S("=aGk"), S("hi"), BIG, MIMEDEC_OK },
	{ 0, S("aGV=sbG8"), S("he\xb1\xb1\xbc"), BIG, MIMEDEC_OK },
	{ 0, S("a=aGk"), S("hi"), BIG, MIMEDEC_OK },	/* 1 char dropped */
	/* caps */
	{ 0, S("aGVsbG8="), S("hello"), 5, MIMEDEC_OK },
	{ 0, S("aGVsbG8="), S("hell"), 4, MIMEDEC_TOOBIG },
	{ 0, S("aGVsbG8="), S("hel"), 3, MIMEDEC_TOOBIG },
	{ 0, S("aGVsbG8="), S(""), 0, MIMEDEC_TOOBIG },
	{ 0, S("aGVs"), S("hel"), 3, MIMEDEC_OK },
	/* quoted-printable */
	{ 1, S(""), S(""), BIG, MIMEDEC_OK },
	{ 1, S("a=3Db"), S("a=b"), BIG, MIMEDEC_OK },
	{ 1, S("a=3db=c3=A9"), S("a=b\xc3\xa9"), BIG, MIMEDEC_OK },
	{ 1, S("=00=FF"), S("\0\xff"), BIG, MIMEDEC_OK },
	{ 1, S("soft=\nbreak"), S("softbreak"), BIG, MIMEDEC_OK },
	{ 1, S("soft=\r\nbreak"), S("softbreak"), BIG, MIMEDEC_OK },
	{ 1, S("soft= \t\nbreak"), S("softbreak"), BIG, MIMEDEC_OK },
	{ 1, S("soft= \t\r\nbreak"), S("softbreak"), BIG, MIMEDEC_OK },
	{ 1, S("end="), S("end"), BIG, MIMEDEC_OK },
	{ 1, S("end=  "), S("end"), BIG, MIMEDEC_OK },
	{ 1, S("a=ZZb"), S("a=ZZb"), BIG, MIMEDEC_OK },	/* kept */
	{ 1, S("a=4"), S("a=4"), BIG, MIMEDEC_OK },
	{ 1, S("a=\rb"), S("a=\rb"), BIG, MIMEDEC_OK },
	{ 1, S("a= b"), S("a= b"), BIG, MIMEDEC_OK },
	{ 1, S("trail  \nx"), S("trail\nx"), BIG, MIMEDEC_OK },
	{ 1, S("trail \t\r\nx"), S("trail\r\nx"), BIG, MIMEDEC_OK },
	{ 1, S("trail \r"), S("trail\r"), BIG, MIMEDEC_OK },
	{ 1, S("mid \t dle "), S("mid \t dle"), BIG, MIMEDEC_OK },
	{ 1, S("a\0b\r\nc\n"), S("a\0b\r\nc\n"), BIG, MIMEDEC_OK },
	{ 1, S("=41=42=43"), S("AB"), 2, MIMEDEC_TOOBIG },
	{ 1, S("ab  c"), S("ab "), 3, MIMEDEC_TOOBIG },
	{ 1, S("=41=42"), S("AB"), 2, MIMEDEC_OK },
	/* uuencode: "hi\n" is #:&D* */
	{ 2, S("begin 644 x\n#:&D*\n`\nend\n"), S("hi\n"), BIG, MIMEDEC_OK },
	{ 2, S("#:&D*\n"), S("hi\n"), BIG, MIMEDEC_OK },
	{ 2, S("#:&D*"), S("hi\n"), BIG, MIMEDEC_OK },
	{ 2, S("#:&D*\r\n`\r\nend\r\n"), S("hi\n"), BIG, MIMEDEC_OK },
	{ 2, S("\n\n#:&D*\n\n"), S("hi\n"), BIG, MIMEDEC_OK },
	{ 2, S("#:&D*\nend\n#:&D*\n"), S("hi\n"), BIG, MIMEDEC_OK },
	{ 2, S("#:&D*\nend \t\n#:&D*\n"), S("hi\n"), BIG, MIMEDEC_OK },
	{ 2, S("#:&D*\nending\n"), S("hi\n8BN\x1c\0"), BIG,
	    MIMEDEC_OK },			/* "ending" is data */
	{ 2, S("#\n"), S("\0\0\0"), BIG, MIMEDEC_OK },	/* blanks stripped */
	{ 2, S("#86)C\n"), S("abc"), BIG, MIMEDEC_OK },
	{ 2, S("\"86(\n"), S("ab"), BIG, MIMEDEC_OK },	/* blank stripped */
	{ 2, S("!80``\n"), S("a"), BIG, MIMEDEC_OK },
	{ 2, S("`\n"), S(""), BIG, MIMEDEC_OK },
	{ 2, S("#:&D*\n#:&D*\n"), S("hi\nh"), 4, MIMEDEC_TOOBIG },
	{ 2, S("#:&D*\n"), S("hi\n"), 3, MIMEDEC_OK },
};

START_TEST(mimedec_table)
{
	const struct deccase	*c = &decs[_i];
	struct sa		 out = SA_ZERO;
	int			 r;

	ck_assert_int_eq(sa_cats(&out, "old bytes"), 0);
	if (c->which == 0)
		r = mimedec_base64(c->in.s, c->in.n, &out, c->max);
	else if (c->which == 1)
		r = mimedec_qp(c->in.s, c->in.n, &out, c->max);
	else
		r = mimedec_uu(c->in.s, c->in.n, &out, c->max);
	ck_assert_int_eq(r, c->outcome);
	ck_assert_uint_eq(out.len, c->want.n);
	ck_assert_mem_eq(out.s, c->want.s, c->want.n);
	sa_free(&out);
}
END_TEST

/* --- round trips of every byte value through our own encoders --- */

static void
b64enc(const unsigned char *p, size_t n, size_t linelen, struct sa *out)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			 i, col = 0;
	unsigned long		 v;

	out->len = 0;
	ck_assert_int_eq(sa_ready(out, n / 3 * 4 + n / 38 + 8), 0);
	for (i = 0; i < n; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out->s[out->len++] = a[v >> 18 & 63];
		out->s[out->len++] = a[v >> 12 & 63];
		out->s[out->len++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out->s[out->len++] = i + 2 < n ? a[v & 63] : '=';
		if ((col += 4) >= linelen) {
			ck_assert_int_eq(sa_catc(out, '\n'), 0);
			col = 0;
		}
	}
}

static void
fill(unsigned char *p, size_t n, unsigned long seed)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		p[i] = (unsigned char)(seed >> 33);
	}
}

START_TEST(mimedec_roundtrip)
{
	unsigned char	 raw[4099];
	struct sa	 enc = SA_ZERO, dec = SA_ZERO;
	size_t		 n, i;

	for (n = 0; n < sizeof raw; n += n < 10 ? 1 : 509) {
		fill(raw, n, n);
		b64enc(raw, n, 76, &enc);
		ck_assert_int_eq(mimedec_base64(enc.s, enc.len, &dec, n),
		    MIMEDEC_OK);
		ck_assert_uint_eq(dec.len, n);
		ck_assert(n == 0 || memcmp(dec.s, raw, n) == 0);
		/* quoted-printable: every byte as =XX */
		enc.len = 0;
		for (i = 0; i < n; i++)
			ck_assert_int_eq(sa_catf(&enc, "=%02X%s", raw[i],
			    i % 25 == 24 ? "=\n" : ""), 0);
		ck_assert_int_eq(mimedec_qp(enc.s, enc.len, &dec, n),
		    MIMEDEC_OK);
		ck_assert_uint_eq(dec.len, n);
		ck_assert(n == 0 || memcmp(dec.s, raw, n) == 0);
	}
	sa_free(&enc);
	sa_free(&dec);
}
END_TEST

/* a uuencode bomb: 2-byte lines asking for 45 bytes each */
START_TEST(mimedec_uubomb)
{
	struct sa	 in = SA_ZERO, out = SA_ZERO;
	size_t		 i;

	for (i = 0; i < 100000; i++)
		ck_assert_int_eq(sa_cats(&in, "M\n"), 0);
	ck_assert_int_eq(mimedec_uu(in.s, in.len, &out, BIG), MIMEDEC_TOOBIG);
	ck_assert_uint_eq(out.len, BIG);
	ck_assert_int_eq(mimedec_uu(in.s, in.len, &out, 100000 * 45),
	    MIMEDEC_OK);
	ck_assert_uint_eq(out.len, 100000 * 45);
	sa_free(&in);
	sa_free(&out);
}
END_TEST

/* --- mimedec_uufind --- */

struct findcase {
	const char	*in;
	int		 found;
	const char	*name;
	const char	*data;		/* the encoded lines */
	int		 noend;
};

static const struct findcase finds[] = {
	{ "begin 644 a.txt\n#:&D*\nend\n", 1, "a.txt", "#:&D*\n", 0 },
	{ "x\nbegin 644 a b \r\n#:&D*\r\nend \r\ny", 1, "a b", "#:&D*\r\n",
	    0 },
	{ "begin 644 a\nend", 1, "a", "", 0 },
	{ "begin 644 a\n#:&D*\n", 1, "a", "#:&D*\n", 1 },
	{ "begin 644 a", 1, "a", "", 1 },
	{ "begin 644 a\nend2\nend", 1, "a", "end2\n", 0 },
	{ "begin  644 a\nend\n", 0, NULL, NULL, 0 },
	{ "Begin 644 a\nend\n", 0, NULL, NULL, 0 },
	{ "begin-base64 644 a\nend\n", 0, NULL, NULL, 0 },
	{ "", 0, NULL, NULL, 0 },
};

START_TEST(mimedec_find)
{
	const struct findcase	*c = &finds[_i];
	struct mimedec_uu	 b;
	size_t			 n = strlen(c->in);

	ck_assert_int_eq(mimedec_uufind(c->in, 0, n, &b), c->found);
	if (!c->found)
		return;
	ck_assert_uint_eq(b.nameend - b.name, strlen(c->name));
	ck_assert_mem_eq(c->in + b.name, c->name, strlen(c->name));
	ck_assert_uint_eq(b.dataend - b.data, strlen(c->data));
	ck_assert_mem_eq(c->in + b.data, c->data, strlen(c->data));
	ck_assert_int_eq(b.noend, c->noend);
	if (c->noend)
		ck_assert_uint_eq(b.end, n);
	else {
		ck_assert_mem_eq(c->in + b.dataend, "end", 3);
		ck_assert(b.end == n || c->in[b.end] == '\n' ||
		    c->in[b.end] == '\r');
	}
}
END_TEST

/* --- parts of the golden messages --- */

struct partcase {
	const char	*file;
	const char	*path;
	struct bytes	 want;
};

static const struct partcase parts[] = {
	{ "nested", "1.1", S("Caf\xc3\xa9 soft break") },
	{ "nested", "1.2", S("<p>hello</p>") },
	{ "nested", "2", S("hello world") },
	{ "nested", "3.1.1", S("inside level one") },
	{ "nested", "3.1.2.1", S("PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
	    "\0\0") },
	{ "crlf", "2", S("hello") },
	{ "encmsg", "1", S("Subject: x\n\ny\n") },
	{ "uu", "1", S("hi\n") },
	{ "uu", "2", S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") },
	{ "noclose", "2", S("hi") },
};

START_TEST(mimedec_parts)
{
	const struct partcase	*c = &parts[_i];
	const char		*src = getenv("MW_SRCDIR");
	char			 fn[UNIT_PATHSZ];
	struct sa		 msg = SA_ZERO, out = SA_ZERO;
	struct mime		 m = MIME_ZERO;
	size_t			 i;
	int			 n;

	n = snprintf(fn, sizeof fn, "%s/t/data/mime/%s.msg",
	    src != NULL && *src != '\0' ? src : ".", c->file);
	ck_assert(n > 0 && (size_t)n < sizeof fn);
	unit_readfile(fn, &msg);
	ck_assert_int_eq(mime_walk(&m, msg.s, msg.len, 20, 100), MIME_OK);
	for (i = 0; i < m.n && strcmp(m.part[i].path, c->path) != 0; i++)
		;
	ck_assert_msg(i < m.n, "no part %s in %s", c->path, fn);
	ck_assert_int_eq(mimedec_part(msg.s, &m.part[i], &out, BIG),
	    MIMEDEC_OK);
	ck_assert_uint_eq(out.len, c->want.n);
	ck_assert_mem_eq(out.s, c->want.s, c->want.n);
	/* a cap one byte short */
	ck_assert_int_eq(mimedec_part(msg.s, &m.part[i], &out, c->want.n - 1),
	    MIMEDEC_TOOBIG);
	ck_assert_uint_eq(out.len, c->want.n - 1);
	mime_free(&m);
	sa_free(&msg);
	sa_free(&out);
}
END_TEST

/* --- speed: printed, not asserted --- */

static double
now(void)
{
	struct timespec	 ts;

	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(mimedec_speed)
{
	size_t		 n = 8 << 20, i;
	unsigned char	*raw = malloc(n);
	struct sa	 enc = SA_ZERO, dec = SA_ZERO;
	double		 t, b64, cold, qp;

	ck_assert_ptr_nonnull(raw);
	fill(raw, n, 42);
	b64enc(raw, n, 76, &enc);
	t = now();
	ck_assert_int_eq(mimedec_base64(enc.s, enc.len, &dec, n), MIMEDEC_OK);
	cold = (double)enc.len / (now() - t) / 1e6;
	t = now();		/* again, into the same (touched) buffer */
	ck_assert_int_eq(mimedec_base64(enc.s, enc.len, &dec, n), MIMEDEC_OK);
	b64 = (double)enc.len / (now() - t) / 1e6;
	ck_assert_mem_eq(dec.s, raw, n);
	/* mostly text: one =XX in 20 bytes, lines of 72 with soft breaks */
	enc.len = 0;
	for (i = 0; enc.len < n; i++)
		ck_assert_int_eq(sa_cats(&enc, i % 4 == 3 ? "mostly plain "
		    "text =C3=A9 with=\n" : "a line of text, "), 0);
	ck_assert_int_eq(mimedec_qp(enc.s, enc.len, &dec, n), MIMEDEC_OK);
	t = now();
	ck_assert_int_eq(mimedec_qp(enc.s, enc.len, &dec, n), MIMEDEC_OK);
	qp = (double)enc.len / (now() - t) / 1e6;
	printf("# decode speed: base64 %.0f MB/s (%.0f MB/s into a new "
	    "buffer), quoted-printable %.0f MB/s\n", b64, cold, qp);
	(void)fflush(stdout);
	free(raw);
	sa_free(&enc);
	sa_free(&dec);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("mimedec");
	TCase	*tc = tcase_create("decode");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, mimedec_table, 0,
	    (int)(sizeof decs / sizeof decs[0]));
	tcase_add_test(tc, mimedec_roundtrip);
	tcase_add_test(tc, mimedec_uubomb);
	tcase_add_loop_test(tc, mimedec_find, 0,
	    (int)(sizeof finds / sizeof finds[0]));
	tcase_add_loop_test(tc, mimedec_parts, 0,
	    (int)(sizeof parts / sizeof parts[0]));
	tcase_add_test(tc, mimedec_speed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
