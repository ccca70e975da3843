/* ISC license. */
/* check_mimeclean.c: the cleaner: golden cleanings of the hand-made
 * messages, outcomes that refuse to clean, names made safe, every leaf
 * of every message cleaned in turn, and for each multipart corpus
 * message an EICAR attachment added, found, decoded and cleaned back
 * to the message with exactly that part replaced by the notice.
 *
 * Golden files: t/data/mime/clean/CASE.out is the cleaned message of
 * a case of the table below (MW_GOLDEN_WRITE=1 writes them).  Paths:
 * see check_mime.c ($MW_SRCDIR, $MW_CORPUS). */
#include "sysdeps.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "mimeclean.h"
#include "mimedec.h"
#include "mimetree.h"
#include "sa.h"
#include "unit.h"

#define MAXFILES	256
#define QID		"1732690200.4411.c3f2a9"
#define VIRUS		"Eicar-Test-Signature"

/* the EICAR test file, base64: decoded only at run time */
static const char eicar64[] = "WDVPIVAlQEFQWzRcUFpYNTQoUF4pN0NDKTd9JEVJQ0"
    "FSLVNUQU5EQVJELUFOVElWSVJVUy1URVNULUZJTEUhJEgrSCo=";

static const char	*datadir, *corpusdir;
static char	*corpus[MAXFILES], *golden[MAXFILES];
static size_t	 ncorpus, ngolden;

static void
dirs(void)
{
	datadir = unit_datadir("mime");
	corpusdir = unit_corpusdir();
	ncorpus = unit_scan(corpusdir, ".txt", corpus, MAXFILES);
	ngolden = unit_scan(datadir, ".msg", golden, MAXFILES);
}

static void
readdata(const char *dir, const char *name, const char *ext, struct sa *out)
{
	char	 fn[UNIT_PATHSZ];
	int	 n = snprintf(fn, sizeof fn, "%s/%s%s", dir, name, ext);

	ck_assert(n > 0 && (size_t)n < sizeof fn);
	unit_readfile(fn, out);
}

static size_t
bypath(const struct mime *m, const char *path)
{
	size_t	 i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->part[i].path, path) == 0)
			return i;
	ck_abort_msg("no part %s", path);
	return MIME_NONE;
}

/* i's subtree size, itself included */
static size_t
subtree(const struct mime *m, size_t i)
{
	size_t	 j;

	for (j = i + 1; j < m->n && m->part[j].depth > m->part[i].depth; j++)
		;
	return j - i;
}

/* out is a valid walk of the same shape, with [t.part_off, t.part_end)
 * of in replaced and every other byte the same */
static void
same_but(const struct sa *in, const struct mime *m, size_t t,
    const struct sa *out)
{
	const struct mime_part	*p = &m->part[t];
	struct mime		 m2 = MIME_ZERO;
	size_t			 tail = in->len - p->part_end;
	char			 why[256];

	ck_assert_uint_ge(out->len, p->part_off + tail);
	ck_assert_mem_eq(out->s, in->s, p->part_off);
	ck_assert_mem_eq(out->s + out->len - tail, in->s + p->part_end, tail);
	ck_assert_int_eq(mime_walk(&m2, out->s, out->len, MIME_MAXDEPTH,
	    MIME_MAXPARTS), MIME_OK);
	ck_assert_msg(mimetree_check(out->s, out->len, &m2, why, sizeof why)
	    == 0, "cleaned: %s", why);
	if (p->kind != MIME_UU) {
		ck_assert_uint_eq(m2.n, m->n - subtree(m, t) + 1);
		ck_assert_str_eq(m2.part[t].ctype, "text/plain");
		ck_assert_str_eq(m2.part[t].charset, "us-ascii");
		ck_assert_uint_eq(m2.part[t].cte, MIME_CTE_7BIT);
		ck_assert_str_eq(m2.part[t].path, p->path);
		/* after a line end (one added after a last delimiter
		 * line without one) */
		ck_assert_uint_eq(m2.part[t].part_off, p->part_off +
		    (in->s[p->part_off - 1] != '\n'));
	}
	mime_free(&m2);
}

/* --- golden cleanings --- */

struct cleancase {
	const char	*name;		/* of the .out file */
	const char	*file;		/* t/data/mime/FILE.msg */
	const char	*paths[4];	/* leaves to remove */
	int		 want;
};

static const struct cleancase cleans[] = {
	{ "nested-2", "nested", { "2" }, MIMECLEAN_OK },
	{ "nested-deep", "nested", { "3.1.2.1" }, MIMECLEAN_OK },
	{ "nested-three", "nested", { "2", "1.1", "3.1.1" }, MIMECLEAN_OK },
	{ "nested-twice", "nested", { "2", "2" }, MIMECLEAN_OK },
	{ "uu-1", "uu", { "1" }, MIMECLEAN_OK },
	{ "uu-both", "uu", { "2", "1" }, MIMECLEAN_OK },
	{ "crlf-2", "crlf", { "2" }, MIMECLEAN_OK },
	{ "empty-1", "empty", { "1" }, MIMECLEAN_OK },
	{ "empty-2", "empty", { "2" }, MIMECLEAN_OK },
	{ "empty-5", "empty", { "5" }, MIMECLEAN_OK },
	{ "encmsg-1", "encmsg", { "1" }, MIMECLEAN_OK },
	{ "noclose-2", "noclose", { "2" }, MIMECLEAN_OK },
	{ "rfc2231-all", "rfc2231", { "1", "2", "3", "4" }, MIMECLEAN_OK },
	{ NULL, "rfc822x2", { "1.1" }, MIMECLEAN_TOPLEVEL },
	{ NULL, "uu", { "" }, MIMECLEAN_TOPLEVEL },
	{ NULL, "nested", { "2", "" }, MIMECLEAN_TOPLEVEL },
	{ NULL, "nested", { "1" }, MIMECLEAN_BADPART },
	{ NULL, "nested", { "3" }, MIMECLEAN_BADPART },
	{ NULL, "noboundary", { "" }, MIMECLEAN_BADWALK },
	{ NULL, "nodelim", { "" }, MIMECLEAN_BADWALK },
};

START_TEST(mimeclean_golden)
{
	const struct cleancase	*c = &cleans[_i];
	struct mimeclean_item	 it[4];
	struct sa		 in = SA_ZERO, out = SA_ZERO, want = SA_ZERO;
	struct mime		 m = MIME_ZERO;
	const char		*w = getenv("MW_GOLDEN_WRITE");
	char			 dir[UNIT_PATHSZ], fn[UNIT_PATHSZ];
	size_t			 n;

	readdata(datadir, c->file, ".msg", &in);
	(void)mime_walk(&m, in.s, in.len, MIME_MAXDEPTH, MIME_MAXPARTS);
	for (n = 0; n < 4 && c->paths[n] != NULL; n++) {
		it[n].part = bypath(&m, c->paths[n]);
		it[n].virus = n % 2 ? "" : VIRUS;
		it[n].reason = n % 2 ? "unscannable: RAR" : "infected";
		it[n].size = 1000 * n + 68;
	}
	ck_assert_int_eq(sa_cats(&out, "junk"), 0);
	ck_assert_int_eq(mimeclean_build(in.s, in.len, &m, it, n, QID, &out),
	    c->want);
	if (c->want != MIMECLEAN_OK) {
		ck_assert_uint_eq(out.len, 0);
		goto done;
	}
	if (n == 1)
		same_but(&in, &m, mimeclean_target(&m, it[0].part), &out);
	ck_assert(snprintf(dir, sizeof dir, "%s/clean", datadir) > 0);
	ck_assert(snprintf(fn, sizeof fn, "%s/%s.out", dir, c->name) > 0);
	if (w != NULL && strcmp(w, "1") == 0)
		unit_writefile(fn, out.s, out.len, 0644);
	unit_readfile(fn, &want);
	ck_assert_msg(out.len == want.len && memcmp(out.s, want.s, out.len)
	    == 0, "%s differs:\n%.*s", fn, (int)out.len, out.s);
done:
	mime_free(&m);
	sa_free(&in);
	sa_free(&out);
	sa_free(&want);
}
END_TEST

/* --- names from the message cannot break the structure --- */

START_TEST(mimeclean_unsafe)
{
	struct sa		 in = SA_ZERO, out = SA_ZERO, name = SA_ZERO;
	struct mime		 m = MIME_ZERO;
	struct mimeclean_item	 it = { 1, "Evil\n--z--\n", "bad\r\n\r\n",
				    1 };
	const char		*f;
	size_t			 i;

	for (i = 0; i < 300; i++)
		ck_assert_int_eq(sa_catc(&name, 'n'), 0);
	ck_assert_int_eq(sa_catf(&in, "Content-Type: multipart/mixed; "
	    "boundary=z\n\n--z\nContent-Type: x/y; name*=x''%%0A--z--%%0A%%01"
	    "%%C3%%A9%.*s\n\nbody\n--z--\n", (int)name.len, name.s), 0);
	ck_assert_int_eq(mime_walk(&m, in.s, in.len, 20, 100), MIME_OK);
	ck_assert_int_eq(mimeclean_build(in.s, in.len, &m, &it, 1, "q\n--z",
	    &out), MIMECLEAN_OK);
	same_but(&in, &m, 1, &out);
	ck_assert_int_eq(sa_0(&out), 0);
	f = strstr(out.s, "File: ?--z--????n");
	ck_assert_ptr_nonnull(f);
	f += strlen("File: ?--z--????");
	ck_assert_uint_eq(strspn(f, "n"), MIMECLEAN_MAXNAME - 10);
	ck_assert_mem_eq(f + MIMECLEAN_MAXNAME - 10, "...\n", 4);
	ck_assert_ptr_nonnull(strstr(out.s, "Virus: Evil?--z--?\n"));
	ck_assert_ptr_nonnull(strstr(out.s, "Reason: bad????\n"));
	ck_assert_ptr_nonnull(strstr(out.s, "Queue id: q?--z\n--z--\n"));
	mime_free(&m);
	sa_free(&in);
	sa_free(&out);
	sa_free(&name);
}
END_TEST

/* a text leaf and the uuencoded block inside it share one notice */
START_TEST(mimeclean_nested_targets)
{
	static const char	 in[] = "Content-Type: multipart/mixed; "
	    "boundary=z\n\n--z\nContent-Type: text/plain\n\nsee:\n"
	    "begin 644 v.com\n#:&D*\nend\nbye\n--z--\n";
	struct mime		 m = MIME_ZERO;
	struct sa		 out = SA_ZERO, s = SA_ZERO;
	struct mimeclean_item	 it[2] = {
		{ 2, VIRUS, "infected", 3 }, { 1, "", "infected", 40 }
	};

	ck_assert_int_eq(mime_walk(&m, in, sizeof in - 1, 20, 100), MIME_OK);
	ck_assert_uint_eq(m.n, 3);
	ck_assert_uint_eq(m.part[2].kind, MIME_UU);
	ck_assert_uint_eq(mimeclean_target(&m, 2), 2);
	/* the block alone: one line in place of begin ... end */
	ck_assert_int_eq(mimeclean_build(in, sizeof in - 1, &m, it, 1, QID,
	    &out), MIMECLEAN_OK);
	ck_assert_int_eq(sa_cats(&s, "Content-Type: multipart/mixed; "
	    "boundary=z\n\n--z\nContent-Type: text/plain\n\nsee:\n"
	    "[mailward removed the uuencoded file v.com: infected: "
	    VIRUS ", 3 bytes, queue id " QID "]\nbye\n--z--\n"), 0);
	ck_assert_uint_eq(out.len, s.len);
	ck_assert_mem_eq(out.s, s.s, s.len);
	same_but(&(struct sa){ (char *)(uintptr_t)in, sizeof in - 1, 0 }, &m,
	    2, &out);
	/* both: the part's notice lists the leaf, then the block */
	ck_assert_int_eq(mimeclean_build(in, sizeof in - 1, &m, it, 2, QID,
	    &out), MIMECLEAN_OK);
	ck_assert_int_eq(sa_0(&out), 0);
	ck_assert_ptr_nonnull(strstr(out.s, "\nPart: 1 (text/plain)\nFile: "
	    "(none)\nSize: 40 bytes\nReason: infected\n\nPart: 1.1 "
	    "(application/octet-stream)\nFile: v.com\nSize: 3 bytes\nVirus: "
	    VIRUS "\nReason: infected\n\nQueue id: " QID "\n--z--\n"));
	mime_free(&m);
	sa_free(&out);
	sa_free(&s);
}
END_TEST

/* an empty last part after a delimiter line that ends the message
 * without a line end (found by t/fuzz/fuzz_mime.c) */
START_TEST(mimeclean_empty_last)
{
	static const char	 in[] = "Content-Type: multipart/mixed; "
	    "boundary=z\n\n--z\n\nx\n--z";
	struct mime		 m = MIME_ZERO;
	struct sa		 out = SA_ZERO;
	struct mimeclean_item	 it = { 2, "", "infected", 0 };

	ck_assert_int_eq(mime_walk(&m, in, sizeof in - 1, 20, 100), MIME_OK);
	ck_assert_uint_eq(m.n, 3);
	ck_assert_uint_eq(m.part[2].part_off, sizeof in - 1);
	ck_assert_int_eq(mimeclean_build(in, sizeof in - 1, &m, &it, 1, QID,
	    &out), MIMECLEAN_OK);
	ck_assert_uint_gt(out.len, sizeof in);
	ck_assert_mem_eq(out.s, in, sizeof in - 1);
	ck_assert_mem_eq(out.s + sizeof in - 1, "\nContent-Type: text/plain;",
	    26);
	same_but(&(struct sa){ (char *)(uintptr_t)in, sizeof in - 1, 0 }, &m,
	    2, &out);
	mime_free(&m);
	sa_free(&out);
}
END_TEST

/* --- every leaf of every message, cleaned alone --- */

static void
every_leaf(const struct sa *in)
{
	struct mime		 m = MIME_ZERO;
	struct mimeclean_item	 it = { 0, VIRUS, "infected", 68 };
	struct sa		 out = SA_ZERO;
	size_t			 t;
	int			 r;

	r = mime_walk(&m, in->s, in->len, MIME_MAXDEPTH, MIME_MAXPARTS);
	for (it.part = 0; it.part < m.n; it.part++) {
		if (!mime_isleaf(&m.part[it.part]))
			continue;
		t = mimeclean_target(&m, it.part);
		ck_assert_int_eq(mimeclean_build(in->s, in->len, &m, &it, 1,
		    QID, &out), r != MIME_OK ? MIMECLEAN_BADWALK :
		    t == MIME_NONE ? MIMECLEAN_TOPLEVEL : MIMECLEAN_OK);
		if (r == MIME_OK && t != MIME_NONE)
			same_but(in, &m, t, &out);
	}
	mime_free(&m);
	sa_free(&out);
}

START_TEST(mimeclean_every_golden)
{
	struct sa	 in = SA_ZERO;

	readdata(datadir, golden[_i], ".msg", &in);
	every_leaf(&in);
	sa_free(&in);
}
END_TEST

START_TEST(mimeclean_every_corpus)
{
	struct sa	 in = SA_ZERO;

	readdata(corpusdir, corpus[_i], ".txt", &in);
	every_leaf(&in);
	sa_free(&in);
}
END_TEST

/* --- the corpus with an EICAR attachment --- */

static const char eicarpart[] = "Content-Type: application/octet-stream; "
    "name=\"eicar.com\"\nContent-Transfer-Encoding: base64\n"
    "Content-Disposition: attachment; filename=\"eicar.com\"\n\n";

/* The notice, written out here rather than taken from the library,
 * with the line ends eol. */
static void
notice(struct sa *out, const char *path, size_t size, const char *eol)
{
	struct sa	 n = SA_ZERO;
	size_t		 i;

	ck_assert_int_eq(sa_catf(&n, "Content-Type: text/plain; "
	    "charset=us-ascii\nContent-Transfer-Encoding: 7bit\n"
	    "Content-Disposition: inline\n\nmailward removed this part of "
	    "the message.\n\nPart: %s (application/octet-stream)\n"
	    "File: eicar.com\nSize: %zu bytes\nVirus: " VIRUS "\n"
	    "Reason: infected\n\nQueue id: " QID, path, size), 0);
	for (i = 0; i < n.len; i++)
		ck_assert_int_eq(n.s[i] == '\n' ? sa_cats(out, eol) :
		    sa_catc(out, n.s[i]), 0);
	sa_free(&n);
}

/* in = orig with an EICAR part after the top-level multipart's last
 * part; 0 if orig is no cleanable multipart; *ins where it went */
static int
infect(const struct sa *orig, struct sa *in, size_t *ins, const char **b)
{
	struct mime		 m = MIME_ZERO;
	const struct mime_part	*last = NULL;
	size_t			 i;
	int			 eol;

	if (mime_walk(&m, orig->s, orig->len, MIME_MAXDEPTH, MIME_MAXPARTS)
	    != MIME_OK || m.part[0].kind != MIME_MULTI) {
		mime_free(&m);
		return 0;
	}
	for (i = 1; i < m.n; i++)
		if (m.part[i].parent == 0)
			last = &m.part[i];
	ck_assert_ptr_nonnull(last);
	*ins = last->part_end;
	eol = *ins == orig->len || orig->s[*ins] == '\n' ||
	    orig->s[*ins] == '\r';
	*b = strdup(m.part[0].boundary);
	in->len = 0;
	ck_assert_int_eq(sa_catb(in, orig->s, *ins), 0);
	ck_assert_int_eq(sa_catf(in, "%s--%s\n%s%s%s", eol ? "\n" : "", *b,
	    eicarpart, eicar64, eol ? "" : "\n"), 0);
	ck_assert_int_eq(sa_catb(in, orig->s + *ins, orig->len - *ins), 0);
	mime_free(&m);
	return 1;
}

START_TEST(mimeclean_eicar)
{
	struct sa		 orig = SA_ZERO, in = SA_ZERO, out = SA_ZERO;
	struct sa		 want = SA_ZERO, dec = SA_ZERO, e = SA_ZERO;
	struct mime		 m = MIME_ZERO;
	struct mimeclean_item	 it = { 0, VIRUS, "infected", 0 };
	const char		*b = NULL;
	size_t			 ins, i, found = 0;

	readdata(corpusdir, corpus[_i], ".txt", &orig);
	if (!infect(&orig, &in, &ins, &b))
		goto done;	/* counted by mimeclean_eicar_count */
	ck_assert_int_eq(mime_walk(&m, in.s, in.len, MIME_MAXDEPTH,
	    MIME_MAXPARTS), MIME_OK);
	for (i = 1; i < m.n; i++)
		if (m.part[i].parent == 0 &&
		    strcmp(m.part[i].filename, "eicar.com") == 0)
			found++, it.part = i;
	ck_assert_uint_eq(found, 1);
	ck_assert_int_eq(mimedec_part(in.s, &m.part[it.part], &dec, 1 << 20),
	    MIMEDEC_OK);
	ck_assert_int_eq(mimedec_base64(eicar64, sizeof eicar64 - 1, &e, 100),
	    MIMEDEC_OK);
	ck_assert_uint_eq(dec.len, 68);
	ck_assert_mem_eq(dec.s, e.s, 68);
	it.size = dec.len;
	ck_assert_int_eq(mimeclean_build(in.s, in.len, &m, &it, 1, QID, &out),
	    MIMECLEAN_OK);
	/* want: the original with the notice part added where the EICAR
	 * part went: every other byte of it as it was */
	ck_assert_int_eq(sa_catb(&want, orig.s, ins), 0);
	ck_assert_int_eq(sa_catf(&want, "%s--%s\n", in.s[ins] == '\n' ? "\n" :
	    "", b), 0);
	/* the line ends of the close delimiter line after it (msg_26
	 * mixes LF and CRLF) */
	notice(&want, m.part[it.part].path, 68, ins < orig.len &&
	    orig.s[ins] == '\r' ? "\r\n" : "\n");
	if (ins < orig.len && orig.s[ins] != '\n' && orig.s[ins] != '\r')
		ck_assert_int_eq(sa_catc(&want, '\n'), 0);
	ck_assert_int_eq(sa_catb(&want, orig.s + ins, orig.len - ins), 0);
	for (i = 0; i < out.len && i < want.len && out.s[i] == want.s[i]; i++)
		;
	ck_assert_msg(out.len == want.len && i == out.len, "%s: cleaned "
	    "message differs at %zu: got \"%.20s\", want \"%.20s\"",
	    corpus[_i], i, out.s + i, want.s + i);
	same_but(&in, &m, it.part, &out);
done:
	free((char *)(uintptr_t)b);
	mime_free(&m);
	sa_free(&orig);
	sa_free(&in);
	sa_free(&out);
	sa_free(&want);
	sa_free(&dec);
	sa_free(&e);
}
END_TEST

/* most corpus messages are multiparts that the EICAR test covers */
START_TEST(mimeclean_eicar_count)
{
	struct sa	 orig = SA_ZERO, in = SA_ZERO;
	const char	*b;
	size_t		 i, ins, n = 0;

	for (i = 0; i < ncorpus; i++) {
		readdata(corpusdir, corpus[i], ".txt", &orig);
		if (infect(&orig, &in, &ins, &b)) {
			n++;
			free((char *)(uintptr_t)b);
		}
	}
	ck_assert_msg(n >= 28, "only %zu corpus multiparts", n);
	sa_free(&orig);
	sa_free(&in);
}
END_TEST

START_TEST(mimeclean_missing)
{
	ck_abort_msg("no messages in %s or no corpus in %s: run from the "
	    "source root, set MW_SRCDIR or MW_CORPUS", datadir, corpusdir);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("mimeclean");
	TCase	*tc = tcase_create("clean");

	dirs();
	tcase_set_timeout(tc, 120);
	if (ngolden == 0 || ncorpus == 0)
		tcase_add_test(tc, mimeclean_missing);
	else {
		tcase_add_loop_test(tc, mimeclean_golden, 0,
		    (int)(sizeof cleans / sizeof cleans[0]));
		tcase_add_loop_test(tc, mimeclean_every_golden, 0,
		    (int)ngolden);
		tcase_add_loop_test(tc, mimeclean_every_corpus, 0,
		    (int)ncorpus);
		tcase_add_loop_test(tc, mimeclean_eicar, 0, (int)ncorpus);
		tcase_add_test(tc, mimeclean_eicar_count);
	}
	tcase_add_test(tc, mimeclean_unsafe);
	tcase_add_test(tc, mimeclean_nested_targets);
	tcase_add_test(tc, mimeclean_empty_last);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
