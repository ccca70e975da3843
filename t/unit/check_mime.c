/* ISC license. */
/* check_mime.c: the MIME walker: golden walks of hand-made messages and
 * of every corpus message, the oracle of t/unit/mimetree.h on each,
 * parameters, uuencoded blocks, limits.
 *
 * Golden files: t/data/mime/NAME.msg is a message, NAME.walk the dump
 * of its walk (see dump()); t/data/mime/corpus/msg_NN.walk the dump of
 * ../shared/corpus/cpython-email/msg_NN.txt.  Directories:
 * $MW_SRCDIR/t/data/mime (else t/data/mime) and $MW_CORPUS (else
 * $MW_SRCDIR/../shared/corpus/cpython-email, else
 * ../shared/corpus/cpython-email).  A missing directory is a failure.
 * MW_GOLDEN_WRITE=1 writes the .walk files instead of comparing (then
 * read every changed one before committing it). */
#include "sysdeps.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mime.h"
#include "mimedec.h"
#include "mimetree.h"
#include "sa.h"
#include "unit.h"

#define MAXFILES	256

static const char	*datadir, *corpusdir;
static char	*golden[MAXFILES], *corpus[MAXFILES];
static size_t	 ngolden, ncorpus;

/* --- dumps --- */

static void
dump_str(struct sa *out, const char *k, const char *v)
{
	ck_assert_int_eq(sa_catf(out, " %s=\"", k), 0);
	for (; *v != '\0'; v++)
		if (*v >= 0x20 && *v < 0x7f && *v != '"' && *v != '\\')
			ck_assert_int_eq(sa_catc(out, *v), 0);
		else
			ck_assert_int_eq(sa_catf(out, "\\x%02x",
			    (unsigned char)*v), 0);
	ck_assert_int_eq(sa_catc(out, '"'), 0);
}

/* one line per entry: path kind depth type, strings, offsets, flags */
static void
dump(const struct mime *m, struct sa *out)
{
	static const char *const kinds[] = { "leaf", "multi", "message",
	    "uu" };
	static const char *const ctes[] = { "7bit", "8bit", "binary", "qp",
	    "base64", "uu", "other" };
	const struct mime_part	*p;
	size_t			 i;

	out->len = 0;
	ck_assert_int_eq(sa_catf(out, "outcome %s flags %#x\n",
	    mime_outcomename(m->outcome), m->flags), 0);
	for (i = 0; i < m->n; i++) {
		p = &m->part[i];
		ck_assert_int_eq(sa_catf(out, "%s %s d%u %s cte=%s",
		    *p->path ? p->path : ".", kinds[p->kind], p->depth,
		    p->ctype, ctes[p->cte]), 0);
		dump_str(out, "charset", p->charset);
		dump_str(out, "boundary", p->boundary);
		dump_str(out, "filename", p->filename);
		ck_assert_int_eq(sa_catf(out, " part=%zu-%zu hdr=%zu body=%zu"
		    " flags=%#x\n", p->part_off, p->part_end, p->hdr_end,
		    p->body_off, p->flags), 0);
	}
}

/* --- files --- */

static void
dirs(void)
{
	datadir = unit_datadir("mime");
	corpusdir = unit_corpusdir();
	ngolden = unit_scan(datadir, ".msg", golden, MAXFILES);
	ncorpus = unit_scan(corpusdir, ".txt", corpus, MAXFILES);
}

static void
path3(char *fn, const char *dir, const char *name, const char *ext)
{
	int	 n = snprintf(fn, UNIT_PATHSZ, "%s/%s%s", dir, name, ext);

	ck_assert(n > 0 && n < UNIT_PATHSZ);
}

/* walk fn, check it with the oracle, compare with (or write) want */
static void
golden_walk(const char *fn, const char *wantfn)
{
	struct sa	 msg = SA_ZERO, got = SA_ZERO, want = SA_ZERO;
	struct sa	 dec = SA_ZERO;
	struct mime	 m = MIME_ZERO;
	const char	*w = getenv("MW_GOLDEN_WRITE");
	char		 why[256];
	size_t		 i;
	int		 r;

	unit_readfile(fn, &msg);
	r = mime_walk(&m, msg.s, msg.len, MIME_MAXDEPTH, MIME_MAXPARTS);
	ck_assert(r == MIME_OK || r == MIME_MALFORMED);
	ck_assert_msg(mimetree_check(msg.s, msg.len, &m, why, sizeof why)
	    == 0, "%s: %s", fn, why);
	for (i = 0; i < m.n; i++)	/* every leaf decodes */
		ck_assert_int_eq(mimedec_part(msg.s, &m.part[i], &dec,
		    1 << 20), MIMEDEC_OK);
	dump(&m, &got);
	if (w != NULL && strcmp(w, "1") == 0)
		unit_writefile(wantfn, got.s, got.len, 0644);
	unit_readfile(wantfn, &want);
	ck_assert_msg(got.len == want.len && memcmp(got.s, want.s,
	    got.len) == 0, "%s: walk differs from %s:\n%.*s", fn, wantfn,
	    (int)got.len, got.s);
	mime_free(&m);
	sa_free(&msg);
	sa_free(&got);
	sa_free(&want);
	sa_free(&dec);
}

START_TEST(mime_golden)
{
	char	 fn[UNIT_PATHSZ], wfn[UNIT_PATHSZ];

	path3(fn, datadir, golden[_i], ".msg");
	path3(wfn, datadir, golden[_i], ".walk");
	golden_walk(fn, wfn);
}
END_TEST

/* every corpus message: a documented outcome, offsets that rebuild it */
START_TEST(mime_corpus)
{
	char	 fn[UNIT_PATHSZ], wfn[UNIT_PATHSZ], dir[UNIT_PATHSZ];

	path3(fn, corpusdir, corpus[_i], ".txt");
	path3(dir, datadir, "/corpus", "");
	path3(wfn, dir, corpus[_i], ".walk");
	golden_walk(fn, wfn);
}
END_TEST

START_TEST(mime_missing)
{
	ck_abort_msg("no golden files in %s or no corpus in %s: run from the "
	    "source root, set MW_SRCDIR or MW_CORPUS", datadir, corpusdir);
}
END_TEST

/* --- parameters of the message's own Content-Type --- */

struct paramcase {
	const char	*hdr;		/* header section, without blank line */
	const char	*ctype;
	const char	*charset;
	const char	*boundary;
	const char	*filename;
	unsigned int	 kind;
	int		 outcome;
};

static const struct paramcase params[] = {
	{ "Subject: none", "text/plain", "", "", "", MIME_LEAF, MIME_OK },
	{ "Content-Type: Text/HTML; Charset=UTF-8", "text/html", "utf-8",
	    "", "", MIME_LEAF, MIME_OK },
	{ "content-type:text/plain;charset=\"us-ascii\"", "text/plain",
	    "us-ascii", "", "", MIME_LEAF, MIME_OK },
	{ "Content-Type : text/plain; charset=x", "text/plain", "x", "", "",
	    MIME_LEAF, MIME_OK },	/* obsolete blank before ':' */
	{ "Content-Type: (c) text (c) / (c) plain (c); (c) charset (c) = "
	    "(c) koi8-r (c)", "text/plain", "koi8-r", "", "", MIME_LEAF,
	    MIME_OK },
	{ "Content-Type: multipart/mixed; boundary=x", "multipart/mixed", "",
	    "x", "", MIME_MULTI, MIME_OK },
	{ "Content-Type: multipart/mixed;\n boundary=\"a b\"",
	    "multipart/mixed", "", "a b", "", MIME_LEAF, MIME_MALFORMED },
	{ "Content-Type: multipart/mixed; boundary=", "multipart/mixed", "",
	    "", "", MIME_LEAF, MIME_MALFORMED },
	{ "Content-Type: multipart/mixed; boundary=\"\"", "multipart/mixed",
	    "", "", "", MIME_LEAF, MIME_MALFORMED },
	{ "Content-Type: multipart/mixed; boundary*=''x%41y",
	    "multipart/mixed", "", "xAy", "", MIME_LEAF, MIME_MALFORMED },
	{ "Content-Type: multipart/mixed; boundary=\"q\\\"x\"",
	    "multipart/mixed", "", "q\"x", "", MIME_LEAF, MIME_MALFORMED },
	{ "Content-Type: application/pdf; name=a.pdf; name=b.pdf",
	    "application/pdf", "", "", "a.pdf", MIME_LEAF, MIME_OK },
	{ "Content-Type: application/pdf; name=\"unterminated",
	    "application/pdf", "", "", "unterminated", MIME_LEAF, MIME_OK },
	{ "Content-Type: x/y; junk; name=n; =v; ;", "x/y", "", "", "n",
	    MIME_LEAF, MIME_OK },
	{ "Content-Type: x/y; name*0=a; name*2=c; name*1=b; name=plain",
	    "x/y", "", "", "abc", MIME_LEAF, MIME_OK },
	{ "Content-Type: x/y; name*0=a; name*2=c; name=plain", "x/y", "",
	    "", "a", MIME_LEAF, MIME_OK },	/* a gap ends the sections */
	{ "Content-Type: x/y; name*1=b; name=plain", "x/y", "", "", "plain",
	    MIME_LEAF, MIME_OK },		/* no section 0 */
	{ "Content-Type: x/y; name*00=a; name*0=z", "x/y", "", "", "z",
	    MIME_LEAF, MIME_OK },		/* leading zero: no section */
	{ "Content-Type: x/y; name*=iso-8859-1'de'%FCber%zz%4",
	    "x/y", "", "", "\xfc" "ber%zz%4", MIME_LEAF, MIME_OK },
	{ "Content-Type: x/y; name*=no-quotes%20here", "x/y", "", "",
	    "no-quotes here", MIME_LEAF, MIME_OK },
	{ "Content-Type: x/y; name*=a'b'%00z", "x/y", "", "", "_z",
	    MIME_LEAF, MIME_OK },		/* NUL becomes '_' */
	{ "Content-Type: text\nX: y", "text/plain", "", "", "", MIME_LEAF,
	    MIME_OK },
	{ "Content-Type: /plain", "text/plain", "", "", "", MIME_LEAF,
	    MIME_OK },
	{ "Content-Type: message/rfc822", "message/rfc822", "", "", "",
	    MIME_MESSAGE, MIME_OK },
	{ "Content-Type: Message/Global", "message/global", "", "", "",
	    MIME_MESSAGE, MIME_OK },
	{ "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64",
	    "message/rfc822", "", "", "", MIME_LEAF, MIME_OK },
	{ "Content-Type: text/plain; charset=a\nContent-Type: text/html",
	    "text/plain", "a", "", "", MIME_LEAF, MIME_OK },	/* first */
	{ "Content-Disposition: attachment; filename=\"d.exe\"\n"
	    "Content-Type: x/y; name=n.txt", "x/y", "", "", "d.exe",
	    MIME_LEAF, MIME_OK },
};

START_TEST(mime_params)
{
	const struct paramcase	*c = &params[_i];
	struct mime		 m = MIME_ZERO;
	struct sa		 msg = SA_ZERO;

	ck_assert_int_eq(sa_catf(&msg, "%s\n\n--x\n\nbody\n", c->hdr), 0);
	ck_assert_int_eq(mime_walk(&m, msg.s, msg.len, 20, 100), c->outcome);
	ck_assert_str_eq(m.part[0].ctype, c->ctype);
	ck_assert_str_eq(m.part[0].charset, c->charset);
	ck_assert_str_eq(m.part[0].filename, c->filename);
	ck_assert_uint_eq(m.part[0].kind, c->kind);
	ck_assert_str_eq(m.part[0].boundary, c->boundary);
	mime_free(&m);
	sa_free(&msg);
}
END_TEST

START_TEST(mime_boundary_caps)
{
	struct mime	 m = MIME_ZERO;
	struct sa	 msg = SA_ZERO;
	size_t		 n;

	for (n = MIME_MAXBOUNDARY; n <= MIME_MAXBOUNDARY + 1; n++) {
		msg.len = 0;
		ck_assert_int_eq(sa_cats(&msg, "Content-Type: multipart/mixed;"
		    " boundary="), 0);
		ck_assert_int_eq(sa_readyplus(&msg, n), 0);
		memset(msg.s + msg.len, 'b', n);
		msg.len += n;
		ck_assert_int_eq(sa_cats(&msg, "\n\n--"), 0);
		ck_assert_int_eq(sa_readyplus(&msg, n), 0);
		memset(msg.s + msg.len, 'b', n);
		msg.len += n;
		ck_assert_int_eq(sa_cats(&msg, "\n\nx\n"), 0);
		ck_assert_int_eq(mime_walk(&m, msg.s, msg.len, 20, 100),
		    n == MIME_MAXBOUNDARY ? MIME_OK : MIME_MALFORMED);
	}
	/* a NUL in the boundary makes it unusable */
	ck_assert_int_eq(mime_walk(&m, "Content-Type: multipart/mixed; "
	    "boundary=\"a\0b\"\n\n--a\0b\n\nx\n", 51, 20, 100),
	    MIME_MALFORMED);
	ck_assert_uint_eq(m.part[0].flags, MIME_F_NOBOUNDARY);
	mime_free(&m);
	sa_free(&msg);
}
END_TEST

/* --- uuencoded blocks: only in unencoded leaves --- */

struct uucase {
	const char	*msg;
	size_t		 nblocks;
};

static const struct uucase uus[] = {
	{ "\nbegin 644 a\n#:&D*\nend\n", 1 },
	{ "\nbegin 644 a\n#:&D*\nend\nbegin 644 b\n#:&D*\nend", 2 },
	{ "\nbegin 0644 a\nend\n", 1 },
	{ "\nbegin 6 a\nend\n", 1 },
	{ "\nbegin 64444 a\nend\n", 0 },	/* five digits */
	{ "\nbegin 648 a\nend\n", 0 },		/* not octal */
	{ "\nbegin 644\nend\n", 0 },		/* no name */
	{ "\nbegin 644 \nend\n", 0 },
	{ "\n begin 644 a\nend\n", 0 },		/* not at a line start */
	{ "\nxbegin 644 a\nend\n", 0 },
	{ "\nbegin 644 a", 1 },			/* open, at the very end */
	{ "Content-Type: text/plain\n\nbegin 644 a\nend\n", 1 },
	{ "Content-Type: application/octet-stream\n\nbegin 644 a\nend\n",
	    1 },
	{ "Content-Transfer-Encoding: x-foo\n\nbegin 644 a\nend\n", 1 },
	{ "Content-Transfer-Encoding: base64\n\nbegin 644 a\nend\n", 0 },
	{ "Content-Transfer-Encoding: quoted-printable\n\nbegin 644 a\nend\n",
	    0 },
	{ "Content-Transfer-Encoding: x-uuencode\n\nbegin 644 a\nend\n", 0 },
	{ "Content-Type: multipart/mixed; boundary=u\n\nbegin 644 a\nend\n"
	    "--u\n\nbegin 644 b\nend\n--u--\nbegin 644 c\nend\n", 1 },
};

START_TEST(mime_uu)
{
	const struct uucase	*c = &uus[_i];
	struct mime		 m = MIME_ZERO;
	size_t			 i, k = 0;
	char			 why[256];

	ck_assert_int_eq(mime_walk(&m, c->msg, strlen(c->msg), 20, 100),
	    MIME_OK);
	ck_assert_msg(mimetree_check(c->msg, strlen(c->msg), &m, why,
	    sizeof why) == 0, "%s", why);
	for (i = 0; i < m.n; i++)
		if (m.part[i].kind == MIME_UU) {
			k++;
			ck_assert(mime_isleaf(&m.part[i]));
			ck_assert_uint_eq(m.part[i].cte, MIME_CTE_UU);
			ck_assert_uint_eq(m.part[m.part[i].parent].kind,
			    MIME_LEAF);
		}
	ck_assert_uint_eq(k, c->nblocks);
	mime_free(&m);
}
END_TEST

/* --- limits --- */

static double
now(void)
{
	struct timespec	 ts;

	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* a multipart of nparts parts */
static void
wide(struct sa *msg, size_t nparts)
{
	size_t	 i;

	msg->len = 0;
	ck_assert_int_eq(sa_cats(msg, "Content-Type: multipart/mixed; "
	    "boundary=w\n\n"), 0);
	for (i = 0; i < nparts; i++)
		ck_assert_int_eq(sa_cats(msg, "--w\nContent-Type: text/plain\n"
		    "\nx\n"), 0);
	ck_assert_int_eq(sa_cats(msg, "--w--\n"), 0);
}

START_TEST(mime_toomany)
{
	struct sa	 msg = SA_ZERO;
	struct mime	 m = MIME_ZERO;
	double		 t;
	char		 why[256];

	wide(&msg, 10000);
	t = now();
	ck_assert_int_eq(mime_walk(&m, msg.s, msg.len, 20, 1000),
	    MIME_TOOMANY);
	t = now() - t;
	ck_assert_uint_eq(m.n, 1000);
	ck_assert_int_eq(m.outcome, MIME_TOOMANY);
	ck_assert_msg(t < 5.0, "10,000 parts took %.3f s", t);
	/* with room for them all */
	ck_assert_int_eq(mime_walk(&m, msg.s, msg.len, 20, 10001), MIME_OK);
	ck_assert_uint_eq(m.n, 10001);
	ck_assert_str_eq(m.part[10000].path, "10000");
	ck_assert_int_eq(mimetree_check(msg.s, msg.len, &m, why, sizeof why),
	    0);
	ck_assert_int_eq(mime_walk(&m, msg.s, msg.len, 20, 10000),
	    MIME_TOOMANY);
	ck_assert_int_eq(mime_walk(&m, msg.s, msg.len, 20, 0), MIME_TOOMANY);
	ck_assert_uint_eq(m.n, 1);
	mime_free(&m);
	sa_free(&msg);
}
END_TEST

/* levels nested multiparts, or message/rfc822 parts if rfc822 */
static void
deep(struct sa *msg, size_t levels, int rfc822)
{
	size_t	 i;

	msg->len = 0;
	for (i = 0; i < levels; i++)
		if (rfc822)
			ck_assert_int_eq(sa_catf(msg, "Subject: %zu\n"
			    "Content-Type: message/rfc822\n\n", i), 0);
		else
			ck_assert_int_eq(sa_catf(msg, "Content-Type: "
			    "multipart/mixed; boundary=b%zu\n\n--b%zu\n", i, i),
			    0);
	ck_assert_int_eq(sa_cats(msg, "Content-Type: text/plain\n\ndeep\n"),
	    0);
	for (i = levels; !rfc822 && i-- > 0;)
		ck_assert_int_eq(sa_catf(msg, "--b%zu--\n", i), 0);
}

struct deepcase {
	size_t		 levels;
	int		 rfc822;
	unsigned int	 maxdepth;
	int		 want;
	size_t		 n;
};

static const struct deepcase deeps[] = {
	{ 100, 0, 20, MIME_TOODEEP, 21 },
	{ 100, 1, 20, MIME_TOODEEP, 21 },
	{ 20, 0, 20, MIME_OK, 21 },
	{ 20, 1, 20, MIME_OK, 21 },
	{ 21, 0, 20, MIME_TOODEEP, 21 },
	{ 100, 0, 100, MIME_OK, 101 },
	{ 250, 0, 1000, MIME_TOODEEP, MIME_HARDDEPTH + 1 },
	{ 250, 1, 1000, MIME_TOODEEP, MIME_HARDDEPTH + 1 },
	{ 3, 0, 0, MIME_TOODEEP, 1 },
};

START_TEST(mime_toodeep)
{
	const struct deepcase	*c = &deeps[_i];
	struct sa		 msg = SA_ZERO;
	struct mime		 m = MIME_ZERO;
	double			 t;
	char			 why[256];

	deep(&msg, c->levels, c->rfc822);
	t = now();
	ck_assert_int_eq(mime_walk(&m, msg.s, msg.len, c->maxdepth, 1000),
	    c->want);
	t = now() - t;
	ck_assert_uint_eq(m.n, c->n);
	ck_assert_uint_eq(m.part[m.n - 1].depth, c->n - 1);
	ck_assert_msg(t < 5.0, "%zu levels took %.3f s", c->levels, t);
	if (c->want == MIME_OK) {
		ck_assert_int_eq(mimetree_check(msg.s, msg.len, &m, why,
		    sizeof why), 0);
		ck_assert_str_eq(m.part[m.n - 1].ctype, "text/plain");
	}
	mime_free(&m);
	sa_free(&msg);
}
END_TEST

/* --- small cases whose exact offsets matter --- */

START_TEST(mime_offsets)
{
	static const char	 msg[] = "Content-Type: multipart/mixed; "
	    "boundary=q\n\npre\n--q\n\nA\n--q\r\nX: 1\r\n\r\nB\r\n--q-- \n"
	    "epi\n";
	struct mime		 m = MIME_ZERO;
	const struct mime_part	*p;
	char			 why[256];

	ck_assert_int_eq(mime_walk(&m, msg, sizeof msg - 1, 20, 100),
	    MIME_OK);
	ck_assert_uint_eq(m.n, 3);
	p = &m.part[1];
	ck_assert_mem_eq(msg + p->part_off, "\nA", 2);
	ck_assert_uint_eq(p->part_end - p->part_off, 2);
	ck_assert_uint_eq(p->body_off, p->part_off + 1);
	p = &m.part[2];
	ck_assert_uint_eq(p->part_end - p->part_off, 9);
	ck_assert_mem_eq(msg + p->part_off, "X: 1\r\n\r\nB", 9);
	ck_assert_uint_eq(p->hdr_end - p->part_off, 6);
	/* the CRLF before "--q--" is the delimiter's */
	ck_assert_uint_eq(p->body_end - p->body_off, 1);
	ck_assert_uint_eq(p->part_end, sizeof msg - 1 - strlen("\r\n--q-- "
	    "\nepi\n"));
	mime_free(&m);
	/* an empty message, a message of one blank line */
	ck_assert_int_eq(mime_walk(&m, "", 0, 20, 100), MIME_OK);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_uint_eq(m.part[0].part_end, 0);
	ck_assert_int_eq(mime_walk(&m, "\n", 1, 20, 100), MIME_OK);
	ck_assert_uint_eq(m.part[0].body_off, 1);
	/* a blank line is LF or CRLF: a last lone CR is a body line
	 * (found by t/fuzz/fuzz_mime.c) */
	ck_assert_int_eq(mime_walk(&m, "From \b\n\r", 8, 20, 100), MIME_OK);
	ck_assert_uint_eq(m.part[0].hdr_end, 7);
	ck_assert_uint_eq(m.part[0].body_off, 7);
	ck_assert_uint_eq(m.part[0].flags, MIME_F_FROMLINE | MIME_F_NOSEP);
	ck_assert_int_eq(mimetree_check("From \b\n\r", 8, &m, why,
	    sizeof why), 0);
	ck_assert_int_eq(mime_walk(&m, "X: y\r\n\r\n", 8, 20, 100), MIME_OK);
	ck_assert_uint_eq(m.part[0].hdr_end, 6);
	ck_assert_uint_eq(m.part[0].body_off, 8);
	mime_free(&m);
	ck_assert_str_eq(mime_outcomename(MIME_NOMEM), "nomem");
	ck_assert_str_eq(mime_outcomename(99), "unknown");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("mime");
	TCase	*tc = tcase_create("walk");

	dirs();
	tcase_set_timeout(tc, 120);
	if (ngolden == 0 || ncorpus == 0)
		tcase_add_test(tc, mime_missing);
	else {
		tcase_add_loop_test(tc, mime_golden, 0, (int)ngolden);
		tcase_add_loop_test(tc, mime_corpus, 0, (int)ncorpus);
	}
	tcase_add_loop_test(tc, mime_params, 0,
	    (int)(sizeof params / sizeof params[0]));
	tcase_add_test(tc, mime_boundary_caps);
	tcase_add_loop_test(tc, mime_uu, 0, (int)(sizeof uus / sizeof uus[0]));
	tcase_add_test(tc, mime_toomany);
	tcase_add_loop_test(tc, mime_toodeep, 0,
	    (int)(sizeof deeps / sizeof deeps[0]));
	tcase_add_test(tc, mime_offsets);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
