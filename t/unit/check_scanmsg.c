/* ISC license. */
/* check_scanmsg.c: lib/scanmsg over the project's test signatures
 * (t/data/sigs) and Debian's clamav-testfiles.  One table of messages
 * built here: each with its verdict, the parts removed, the reason and,
 * for a cleaned one, the whole expected output, written independently
 * of lib/mimeclean: the input with exactly the infected bytes replaced
 * by the notice of mimeclean.h, spelt out below ("@V@" stands for the
 * names found, which are libclamav's to order).  Archives are built in
 * memory with testmail.h, as in check_cav.c (stored or deflated zips,
 * an encrypted-flagged member, RAR magic).  Then real mail: every
 * message of the corpus (unit_corpusdir()) is CLEAN. */
#include "sysdeps.h"

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cav.h"
#include "scanmsg.h"
#include "sa.h"
#include "testcav.h"
#include "testmail.h"
#include "unit.h"

#define EICAR		"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-" \
			"ANTIVIRUS-TEST-FILE!$H+H*"
#define QID		"1767225600.4411.c3f2a9"
#define B		"=_mw_="
#define HEAD		"From: <a@example.org>\nTo: <b@example.net>\n" \
			"Subject: test\nMIME-Version: 1.0\n" \
			"Content-Type: multipart/mixed; boundary=\"" B "\"\n\n" \
			"--" B "\nContent-Type: text/plain; charset=us-ascii\n\n" \
			"see attached\n\n--" B "\n"
#define TAIL		"\n--" B "--\n"
#define MAXMS		15000	/* "quickly": well below maxscantime */

struct msg {
	struct sa	 in;
	struct sa	 want;	/* SCANMSG_CLEANED: the output */
};

struct scase {
	const char	*name;
	void		(*build)(struct msg *);
	int		 uq;		/* unscannable_quarantine */
	int		 want;		/* SCANMSG_* */
	size_t		 removed;
	const char	*reason;	/* in res.reason */
	const char	*virus;		/* in res.viruses; NULL: none */
	int		 hole;		/* the whole-message scan says CLEAN */
};


/* --- engines: unchecked fixtures, once per test case ----------------- */

static void
load_small(void)
{
	struct cav_limits	 l;

	cav_limits_default(&l);
	l.maxfilesize = 64 << 10;
	load(&l);
}

/* --- builders' tools -------------------------------------------------- */

static void
both(struct msg *m, const char *s)
{
	tm_cat(&m->in, s);
	tm_cat(&m->want, s);
}

/* an attachment: its header fields and encoded body, ending its line */
static void
attpart(struct sa *m, const char *name, const char *ctype, enum cte cte,
    const void *data, size_t n)
{
	tm_cat(m, "Content-Type: ");
	tm_cat(m, ctype);
	tm_cat(m, "; name=\"");
	tm_cat(m, name);
	tm_cat(m, cte == CTE_B64 ? "\"\nContent-Transfer-Encoding: base64\n" :
	    "\"\nContent-Transfer-Encoding: quoted-printable\n");
	tm_cat(m, "Content-Disposition: attachment; filename=\"");
	tm_cat(m, name);
	tm_cat(m, "\"\n\n");
	if (cte == CTE_B64)
		tm_b64(m, data, n);
	else
		tm_qp(m, data, n);
}

/* the notice of mimeclean.h for one removed leaf, without a line end
 * of its own; named: a "Virus:" line */
static void
notice(struct sa *w, const char *path, const char *ctype, const char *file,
    size_t size, const char *reason, int named)
{
	char	 buf[2048];
	int	 n;

	n = snprintf(buf, sizeof buf, "Content-Type: text/plain; "
	    "charset=us-ascii\nContent-Transfer-Encoding: 7bit\n"
	    "Content-Disposition: inline\n\n"
	    "mailward removed this part of the message.\n\n"
	    "Part: %s (%s)\nFile: %s\nSize: %zu bytes\n%sReason: %s\n\n"
	    "Queue id: " QID, path, ctype, file, size,
	    named ? "Virus: @V@\n" : "", reason);
	ck_assert(n > 0 && (size_t)n < sizeof buf);
	tm_cat(w, buf);
}

/* HEAD, one attachment as part 2, TAIL; in want the attachment is the
 * notice (and the line end the part ended with, which stays) */
static void
one_attached(struct msg *m, const char *name, const char *ctype,
    enum cte cte, const void *data, size_t n, const char *reason,
    int named)
{
	both(m, HEAD);
	attpart(&m->in, name, ctype, cte, data, n);
	notice(&m->want, "2", ctype, name, n, reason, named);
	tm_cat(&m->want, "\n");
	both(m, TAIL);
}

static void
testfile_attached(struct msg *m, const char *name, const char *ctype,
    enum cte cte)
{
	struct sa	 f = SA_ZERO;

	tm_readtestfile(name, &f);
	one_attached(m, name, ctype, cte, f.s, f.len, "infected", 1);
	sa_free(&f);
}

/* --- the messages ------------------------------------------------------- */

static void
b_clean(struct msg *m)
{
	both(m, HEAD);
	attpart(&m->in, "notes.txt", "text/plain", CTE_QP, "a note =\n",
	    9);
	both(m, TAIL);
}

static void
b_eicar64(struct msg *m)
{
	one_attached(m, "eicar.com", "application/octet-stream", CTE_B64,
	    EICAR, sizeof EICAR - 1, "infected", 1);
}

/* an RFC 2231 boundary: our walk reads it too */
static void
b_rfc2231(struct msg *m)
{
	both(m, "From: <a@example.org>\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed;\n\tboundary*=\"us-ascii'en'" B
	    "\"\n\n--" B "\nContent-Type: text/plain\n\nhi\n\n--" B "\n");
	attpart(&m->in, "eicar.com", "application/octet-stream", CTE_B64,
	    EICAR, sizeof EICAR - 1);
	notice(&m->want, "2", "application/octet-stream", "eicar.com",
	    sizeof EICAR - 1, "infected", 1);
	tm_cat(&m->want, "\n");
	both(m, TAIL);
}

/* libclamav scans the first part of a multipart/signed only */
static void
b_signed3(struct msg *m)
{
	both(m, "From: <a@example.org>\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/signed; boundary=\"" B "\";\n"
	    "\tprotocol=\"application/pgp-signature\"; micalg=pgp-sha1\n\n"
	    "--" B "\nContent-Type: text/plain\n\nsigned\n\n--" B "\n"
	    "Content-Type: application/pgp-signature\n\n"
	    "-----BEGIN PGP SIGNATURE-----\nxx\n-----END PGP SIGNATURE-----"
	    "\n\n--" B "\n");
	attpart(&m->in, "eicar.com", "application/octet-stream", CTE_B64,
	    EICAR, sizeof EICAR - 1);
	notice(&m->want, "3", "application/octet-stream", "eicar.com",
	    sizeof EICAR - 1, "infected", 1);
	tm_cat(&m->want, "\n");
	both(m, TAIL);
}

static void
b_two_eicars(struct msg *m)
{
	both(m, HEAD);
	attpart(&m->in, "a.com", "application/octet-stream", CTE_B64,
	    EICAR, sizeof EICAR - 1);
	notice(&m->want, "2", "application/octet-stream", "a.com",
	    sizeof EICAR - 1, "infected", 1);
	tm_cat(&m->want, "\n");
	both(m, "\n--" B "\nContent-Type: text/plain\n\nbetween\n\n--" B "\n");
	attpart(&m->in, "b.com", "application/x-msdos-program", CTE_QP,
	    EICAR, sizeof EICAR - 1);
	notice(&m->want, "4", "application/x-msdos-program", "b.com",
	    sizeof EICAR - 1, "infected", 1);
	tm_cat(&m->want, "\n");
	both(m, TAIL);
}

static void
b_single(struct msg *m)
{
	tm_cat(&m->in, "From: <a@example.org>\nSubject: single\n\n" EICAR "\n");
}

static void
b_header(struct msg *m)
{
	tm_cat(&m->in, "From: <a@example.org>\nSubject: " EICAR "\n\nhello\n");
}

static void
b_preamble(struct msg *m)
{
	tm_cat(&m->in, "From: <a@example.org>\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"" B "\"\n\n"
	    EICAR "\n--" B "\nContent-Type: text/plain\n\nhi\n--" B "--\n");
}

static void
b_malformed(struct msg *m)
{
	tm_cat(&m->in, "From: <a@example.org>\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"" B "\"\n\n"
	    "no delimiter line at all\n" EICAR "\n");
}

/* a uuencoded EICAR in a single-part text body: the block goes, the
 * text stays */
static void
b_uu_text(struct msg *m)
{
	both(m, "From: <a@example.org>\nSubject: uu\n"
	    "Content-Type: text/plain\n\nhere it is\n\n");
	tm_cat(&m->in, "begin 644 eicar.com\n");
	tm_uu(&m->in, (const unsigned char *)EICAR, sizeof EICAR - 1);
	tm_cat(&m->in, "end");
	tm_cat(&m->want, "[mailward removed the uuencoded file eicar.com: "
	    "infected: @V@, 68 bytes, queue id " QID "]");
	both(m, "\n\nbye\n");
}

/* a message/rfc822 part whose single body is EICAR: the whole part goes */
static void
b_rfc822(struct msg *m)
{
	both(m, HEAD);
	tm_cat(&m->in, "Content-Type: message/rfc822\n\nFrom: <c@example.org>\n"
	    "Subject: inner\n\n" EICAR "\n");
	notice(&m->want, "2.1", "text/plain", "(none)", sizeof EICAR,
	    "infected", 1);
	tm_cat(&m->want, "\n");
	both(m, TAIL);
}

static void
b_clamexe_qp(struct msg *m)
{
	testfile_attached(m, "clam.exe", "application/octet-stream", CTE_QP);
}

static void
b_pespin_qp(struct msg *m)
{
	testfile_attached(m, "clam-pespin.exe", "application/octet-stream",
	    CTE_QP);
}

static void
b_pespin_qp_text(struct msg *m)
{
	testfile_attached(m, "clam-pespin.exe", "text/plain", CTE_QP);
}

/* clam.exe in 20 zips, one in the other: over MaxRecursion (17) */
static void
b_deepzip(struct msg *m)
{
	struct sa	 in = SA_ZERO, z = SA_ZERO;
	struct zmember	 zm = { "clam.exe", NULL, 0, 0, 0 };
	int		 d;

	tm_readtestfile("clam.exe", &in);
	for (d = 0; d < 20; d++) {
		zm.data = in.s;
		zm.len = in.len;
		tm_zip_build(&z, &zm, 1);
		ck_assert_int_eq(sa_copyb(&in, z.s, z.len), 0);
		zm.name = "inner.zip";
	}
	one_attached(m, "deep.zip", "application/zip", CTE_B64, z.s, z.len,
	    "unscannable (limit MaxRecursion)", 1);
	sa_free(&in);
	sa_free(&z);
}

static void
b_encrypted(struct msg *m)
{
	struct sa	 f = SA_ZERO, z = SA_ZERO;
	struct zmember	 zm = { "clam.exe", NULL, 0, 0, Z_ENCRYPTED };

	tm_readtestfile("clam.exe", &f);
	zm.data = f.s;
	zm.len = f.len;
	tm_zip_build(&z, &zm, 1);
	one_attached(m, "secret.zip", "application/zip", CTE_B64, z.s, z.len,
	    "unscannable (encrypted ZIP)", 1);
	sa_free(&f);
	sa_free(&z);
}

static void
b_rar(struct msg *m)
{
	static const char	 rar5[] = "Rar!\x1a\x07\x01\x00more bytes";

	one_attached(m, "a.rar", "application/x-rar", CTE_B64, rar5,
	    sizeof rar5 - 1, "unscannable (unscannable rar)", 0);
}

/* 10,000 parts: libclamav parses them, the walk stops at mimeparts */
static void
b_manyparts(struct msg *m)
{
	size_t	 i;
	int	 bad = 0;

	tm_cat(&m->in, "From: <a@example.org>\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"" B "\"\n\n");
	for (i = 0; i < 10000; i++)
		bad |= sa_catf(&m->in, "--" B "\nContent-Type: text/plain\n\n"
		    "part %zu\n", i);
	ck_assert_int_eq(bad, 0);
	tm_cat(&m->in, "--" B "--\n");
}

/* 100 multiparts, one in the other */
static void
b_deepmime(struct msg *m)
{
	int	 i, bad = 0;

	tm_cat(&m->in, "From: <a@example.org>\nMIME-Version: 1.0\n");
	for (i = 0; i < 100; i++)
		bad |= sa_catf(&m->in, "Content-Type: multipart/mixed; "
		    "boundary=\"b%d\"\n\n--b%d\n", i, i);
	tm_cat(&m->in, "Content-Type: text/plain\n\nhello\n");
	for (i = 99; i >= 0; i--)
		bad |= sa_catf(&m->in, "--b%d--\n", i);
	ck_assert_int_eq(bad, 0);
}

/* small engine: a 1 MiB member in a 7 KB zip is over MaxFileSize */
static void
b_bigmember(struct msg *m)
{
	struct sa	 z = SA_ZERO;
	struct zmember	 zm = { "big.txt", EICAR, sizeof EICAR - 1, 1 << 20,
			     Z_DEFLATE };

	tm_zip_build(&z, &zm, 1);
	ck_assert_uint_lt(z.len, 16 << 10);
	one_attached(m, "big.zip", "application/zip", CTE_B64, z.s, z.len,
	    "unscannable (unscannable filesize)", 0);
	sa_free(&z);
}

/* small engine: the message is over MaxFileSize, no part is */
static void
b_bigmessage(struct msg *m)
{
	size_t	 i, k;

	tm_cat(&m->in, "From: <a@example.org>\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"" B "\"\n\n");
	for (k = 0; k < 2; k++) {
		tm_cat(&m->in, "--" B "\nContent-Type: text/plain\n\n");
		for (i = 0; i < 800; i++)
			tm_cat(&m->in, "All work and no play makes Jack a dull "
			    "boy, all work and no play.\n");
	}
	tm_cat(&m->in, "--" B "--\n");
}

static const struct scase dcases[] = {
	{ "clean", b_clean, 0, SCANMSG_CLEAN, 0, "clean", NULL, 0 },
	{ "eicar-base64", b_eicar64, 0, SCANMSG_CLEANED, 1, "removed 1",
	    "Mailward.Test.EICAR.UNOFFICIAL", 0 },
	{ "eicar-rfc2231-boundary", b_rfc2231, 0, SCANMSG_CLEANED, 1,
	    "removed 1", "Mailward.Test.EICAR.UNOFFICIAL", 0 },
	{ "eicar-signed-3rd-part", b_signed3, 0, SCANMSG_CLEANED, 1,
	    "removed 1", "Mailward.Test.EICAR.UNOFFICIAL", 1 },
	{ "two-eicars", b_two_eicars, 0, SCANMSG_CLEANED, 2, "removed 2",
	    "Mailward.Test.EICAR.UNOFFICIAL", 0 },
	{ "eicar-single-part", b_single, 0, SCANMSG_QUARANTINE, 0,
	    "single-part", "Mailward.Test.EICAR.UNOFFICIAL", 0 },
	{ "eicar-in-header", b_header, 0, SCANMSG_QUARANTINE, 0,
	    "in no part that can be cut", "Mailward.Test.EICAR.UNOFFICIAL",
	    0 },
	{ "eicar-in-preamble", b_preamble, 0, SCANMSG_QUARANTINE, 0,
	    "in no part that can be cut", "Mailward.Test.EICAR.UNOFFICIAL",
	    0 },
	{ "eicar-malformed-mime", b_malformed, 0, SCANMSG_QUARANTINE, 0,
	    "mime malformed", NULL, 0 },
	{ "eicar-uuencoded-in-text", b_uu_text, 0, SCANMSG_CLEANED, 1,
	    "removed 1", "Mailward.Test.EICAR.UNOFFICIAL", 0 },
	{ "eicar-in-rfc822", b_rfc822, 0, SCANMSG_CLEANED, 1, "removed 1",
	    "Mailward.Test.EICAR.UNOFFICIAL", 0 },
	{ "clam.exe-qp", b_clamexe_qp, 0, SCANMSG_CLEANED, 1, "removed 1",
	    "Mailward.Test.ClamExe.Body.UNOFFICIAL", 0 },
	{ "clam-pespin.exe-qp", b_pespin_qp, 0, SCANMSG_CLEANED, 1,
	    "removed 1", "Mailward.Test.ClamExe.MD5.UNOFFICIAL", 1 },
	{ "clam-pespin.exe-qp-as-text", b_pespin_qp_text, 0, SCANMSG_CLEANED,
	    1, "removed 1", "Mailward.Test.ClamExe.MD5.UNOFFICIAL", 1 },
	{ "deep-zip", b_deepzip, 0, SCANMSG_CLEANED, 1, "removed 1",
	    "Heuristics.Limits.Exceeded.MaxRecursion", 0 },
	{ "deep-zip-quarantine", b_deepzip, 1, SCANMSG_QUARANTINE, 0,
	    "unscannable part 2: limit MaxRecursion", NULL, 0 },
	{ "encrypted-zip", b_encrypted, 0, SCANMSG_CLEANED, 1, "removed 1",
	    "Heuristics.Encrypted.Zip", 0 },
	{ "encrypted-zip-quarantine", b_encrypted, 1, SCANMSG_QUARANTINE, 0,
	    "unscannable part 2: encrypted ZIP", NULL, 0 },
	{ "rar", b_rar, 0, SCANMSG_CLEANED, 1, "removed 1", NULL, 0 },
	{ "rar-quarantine", b_rar, 1, SCANMSG_QUARANTINE, 0,
	    "unscannable part 2: unscannable rar", NULL, 0 },
	{ "10000-parts", b_manyparts, 0, SCANMSG_QUARANTINE, 0,
	    "mime toomany", NULL, 0 },
	{ "100-levels", b_deepmime, 0, SCANMSG_QUARANTINE, 0,
	    "mime toodeep", NULL, 0 },
};

static const struct scase scases[] = {
	{ "member-over-maxfilesize", b_bigmember, 0, SCANMSG_CLEANED, 1,
	    "removed 1", NULL, 0 },
	{ "member-over-maxfilesize-quarantine", b_bigmember, 1,
	    SCANMSG_QUARANTINE, 0, "unscannable part 2: unscannable filesize",
	    NULL, 0 },
	{ "message-over-maxfilesize", b_bigmessage, 0, SCANMSG_QUARANTINE, 0,
	    "limit MaxFileSize (whole message)", NULL, 0 },
};

/* --- running a case ------------------------------------------------------ */

/* want with every "@V@" replaced by names */
static void
expand(const struct sa *want, const struct sa *names, struct sa *out)
{
	size_t	 i;
	int	 bad = 0;

	out->len = 0;
	for (i = 0; i < want->len; i++)
		if (want->len - i >= 3 && memcmp(want->s + i, "@V@", 3) == 0) {
			bad |= sa_cat(out, names);
			i += 2;
		} else
			bad |= sa_catc(out, want->s[i]);
	ck_assert_int_eq(bad, 0);
}

static void
out_is(const char *name, const struct sa *got, const struct sa *want)
{
	size_t	 i;

	for (i = 0; i < got->len && i < want->len; i++)
		if (got->s[i] != want->s[i])
			break;
	ck_assert_msg(got->len == want->len && i == got->len,
	    "%s: output differs at byte %zu (got %zu bytes, want %zu):\n"
	    "got  \"%.60s\"\nwant \"%.60s\"", name, i, got->len, want->len,
	    got->s + i, want->s + i);
}

static long long
ms_since(const struct timespec *t0)
{
	struct timespec	 t1;

	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000LL +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
hole_pinned(const struct scase *c, const struct msg *m)
{
	struct scanres	 r;

	/* if libclamav closes a hole, drop the flag */
	ck_assert_msg(cav_scan_message(eng, m->in.s, m->in.len, &r) ==
	    SCANRES_CLEAN, "%s: the whole-message scan found it (%s)", c->name,
	    r.names);
}

static void
run_case(const struct scase *c)
{
	struct msg		 m = { SA_ZERO, SA_ZERO };
	struct scanmsg_conf	 conf;
	struct scanmsg_result	 res = SCANMSG_RESULT_ZERO;
	struct sa		 want = SA_ZERO;
	struct timespec		 t0;
	long long		 ms;
	int			 v;

	ck_assert_ptr_nonnull(eng);
	c->build(&m);
	if (c->hole)
		hole_pinned(c, &m);
	scanmsg_conf_default(&conf);
	conf.unscannable_quarantine = c->uq;
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	v = scanmsg_run(&sc, &conf, m.in.s, m.in.len, QID, &res);
	ms = ms_since(&t0);
	(void)sa_0(&res.reason);
	(void)sa_0(&res.viruses);
	ck_assert_msg(v == c->want && res.verdict == v, "%s: %s (%s), want "
	    "%s", c->name, scanmsg_verdictname(v), res.reason.s,
	    scanmsg_verdictname(c->want));
	ck_assert_msg(strstr(res.reason.s, c->reason) != NULL,
	    "%s: reason \"%s\", want \"%s\"", c->name, res.reason.s, c->reason);
	ck_assert_uint_eq(res.removed, c->removed);
	if (c->virus != NULL)
		ck_assert_msg(strstr(res.viruses.s, c->virus) != NULL,
		    "%s: viruses \"%s\"", c->name, res.viruses.s);
	else if (c->want != SCANMSG_QUARANTINE)
		ck_assert_msg(res.viruses.len == 0, "%s: viruses \"%s\"",
		    c->name, res.viruses.s);
	ck_assert_msg(ms < MAXMS, "%s: %lld ms", c->name, ms);
	if (v == SCANMSG_CLEANED) {
		expand(&m.want, &res.viruses, &want);
		out_is(c->name, &res.out, &want);
	} else
		ck_assert_uint_eq(res.out.len, 0);
	sa_free(&m.in);
	sa_free(&m.want);
	sa_free(&want);
	scanmsg_free(&res);
}

START_TEST(scanmsg_default)
{
	run_case(&dcases[_i]);
}
END_TEST

START_TEST(scanmsg_small)
{
	run_case(&scases[_i]);
}
END_TEST

/* one result reused: nothing of the last message stays */
START_TEST(scanmsg_reuse)
{
	struct msg		 m = { SA_ZERO, SA_ZERO };
	struct scanmsg_conf	 conf;
	struct scanmsg_result	 res = SCANMSG_RESULT_ZERO;

	ck_assert_ptr_nonnull(eng);
	scanmsg_conf_default(&conf);
	b_eicar64(&m);
	ck_assert_int_eq(scanmsg_run(&sc, &conf, m.in.s, m.in.len, QID,
	    &res), SCANMSG_CLEANED);
	ck_assert_uint_gt(res.viruses.len, 0);
	ck_assert_uint_eq(res.scans, 4);	/* whole, 2 leaves, rescan */
	m.in.len = 0;
	b_clean(&m);
	ck_assert_int_eq(scanmsg_run(&sc, &conf, m.in.s, m.in.len, QID,
	    &res), SCANMSG_CLEAN);
	ck_assert_uint_eq(res.viruses.len, 0);
	ck_assert_uint_eq(res.out.len, 0);
	ck_assert_uint_eq(res.removed, 0);
	ck_assert_str_eq(scanmsg_verdictname(SCANMSG_CLEANED), "cleaned");
	ck_assert_str_eq(scanmsg_verdictname(SCANMSG_QUARANTINE),
	    "quarantined");
	ck_assert_str_eq(scanmsg_verdictname(SCANMSG_TEMP), "temporary");
	sa_free(&m.in);
	sa_free(&m.want);
	scanmsg_free(&res);
}
END_TEST

/* real mail nobody here wrote: all of it clean */
START_TEST(scanmsg_corpus_clean)
{
	char			 dir[UNIT_PATHSZ], fn[UNIT_PATHSZ];
	struct scanmsg_conf	 conf;
	struct scanmsg_result	 res = SCANMSG_RESULT_ZERO;
	struct sa		 m = SA_ZERO;
	struct dirent		*de;
	DIR			*d;
	int			 n = 0;

	ck_assert_ptr_nonnull(eng);
	scanmsg_conf_default(&conf);
	ck_assert_int_lt(snprintf(dir, sizeof dir, "%s", unit_corpusdir()),
	    (int)sizeof dir);
	ck_assert_msg((d = opendir(dir)) != NULL, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "msg_", 4) != 0)
			continue;
		ck_assert_int_lt(snprintf(fn, sizeof fn, "%s/%s", dir,
		    de->d_name), (int)sizeof fn);
		unit_readfile(fn, &m);
		(void)scanmsg_run(&sc, &conf, m.s, m.len, QID, &res);
		(void)sa_0(&res.reason);
		ck_assert_msg(res.verdict == SCANMSG_CLEAN, "%s: %s (%s)",
		    de->d_name, scanmsg_verdictname(res.verdict),
		    res.reason.s);
		n++;
	}
	(void)closedir(d);
	ck_assert_int_ge(n, 48);
	sa_free(&m);
	scanmsg_free(&res);
}
END_TEST

int
main(void)
{
	struct cav_err	 err;
	Suite		*s = suite_create("scanmsg");
	TCase		*tc = tcase_create("default");
	TCase		*small = tcase_create("small");

	if (cav_init(&err) == -1) {
		fprintf(stderr, "check_scanmsg: %s\n", err.s);
		return EXIT_FAILURE;
	}
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, load_default, unload);
	tcase_add_loop_test(tc, scanmsg_default, 0,
	    (int)(sizeof dcases / sizeof dcases[0]));
	tcase_add_test(tc, scanmsg_reuse);
	tcase_add_test(tc, scanmsg_corpus_clean);
	suite_add_tcase(s, tc);

	tcase_set_timeout(small, 60);
	tcase_add_unchecked_fixture(small, load_small, unload);
	tcase_add_loop_test(small, scanmsg_small, 0,
	    (int)(sizeof scases / sizeof scases[0]));
	suite_add_tcase(s, small);
	return unit_run(s);
}
