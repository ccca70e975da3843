/* ISC license. */
/* check_cav.c: lib/cav over the project's test signatures (t/data/sigs),
 * Debian's clamav-testfiles and the real mail of ../shared/corpus.
 * Archives for the limit and fail-closed cases are built in memory with
 * testmail.h: stored or deflated zips (a small fixed-Huffman writer for
 * runs of zeros), ZIP64 entries, encrypted-flagged members, RAR magic. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cav.h"
#include "sa.h"
#include "testcav.h"
#include "testmail.h"
#include "unit.h"

#define EICAR		"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-" \
			"ANTIVIRUS-TEST-FILE!$H+H*"
#define BOUNDARY	"=_mailward_test_="

/* every file of clamav-testfiles 1.4.6 (clam.mail and clam.exe.mbox.*
 * are mail samples themselves), and how a whole-message scan of it
 * attached answers where that is not simply "found":
 *	TF_DEEP		tgz in tgz to near the recursion limit (17): the
 *			mail layers push it over, LIMIT MaxRecursion
 *	TF_QPNOHASH	quoted-printable: libclamav's QP decoder adds a
 *			newline at the end of the part, so the hash of the
 *			top-level PE misses (the body signature hits)
 *	TF_QPMISS	quoted-printable: that newline breaks the PESpin
 *			unpacker, and libclamav answers CLEAN -- a hole of
 *			libclamav 1.4.6 pinned here; the leaf scan of our
 *			own decoding finds it */
#define TF_DEEP		0x1
#define TF_QPNOHASH	0x2
#define TF_QPMISS	0x4
static const struct tf {
	const char	*name;
	int		 flags;
} testfiles[] = {
	{ "clam-aspack.exe", 0 }, { "clam-fsg.exe", TF_QPNOHASH },
	{ "clam-mew.exe", 0 }, { "clam-nsis.exe", 0 },
	{ "clam-pespin.exe", TF_QPMISS }, { "clam-petite.exe", 0 },
	{ "clam-upack.exe", 0 }, { "clam-upx.exe", 0 },
	{ "clam-wwpack.exe", 0 }, { "clam-yc.exe", 0 }, { "clam.7z", 0 },
	{ "clam.arj", 0 }, { "clam.bin-be.cpio", 0 },
	{ "clam.bin-le.cpio", 0 }, { "clam.bz2.zip", 0 }, { "clam.cab", 0 },
	{ "clam.chm", 0 }, { "clam.d64.zip", 0 }, { "clam.ea05.exe", 0 },
	{ "clam.ea06.exe", 0 }, { "clam.exe", TF_QPNOHASH },
	{ "clam.exe.binhex", 0 }, { "clam.exe.bz2", 0 },
	{ "clam.exe.html", 0 }, { "clam.exe.mbox.base64", 0 },
	{ "clam.exe.mbox.uu", 0 }, { "clam.exe.rtf", 0 },
	{ "clam.exe.szdd", 0 }, { "clam.impl.zip", 0 }, { "clam.mail", 0 },
	{ "clam.newc.cpio", 0 }, { "clam.odc.cpio", 0 },
	{ "clam.ole.doc", 0 }, { "clam.pdf", 0 }, { "clam.ppt", 0 },
	{ "clam.sis", 0 }, { "clam.tar.gz", 0 }, { "clam.tnef", 0 },
	{ "clam.zip", 0 }, { "clam_IScab_ext.exe", 0 },
	{ "clam_IScab_int.exe", 0 }, { "clam_ISmsi_ext.exe", 0 },
	{ "clam_ISmsi_int.exe", 0 }, { "clam_cache_emax.tgz", TF_DEEP },
};
#define NTESTFILES	(sizeof testfiles / sizeof testfiles[0])


/* --- engines: the unchecked fixtures, run once per test case ------ */

static void
load_small(void)
{
	struct cav_limits	 l;

	cav_limits_default(&l);
	l.maxscansize = 256 << 10;
	l.maxfilesize = 64 << 10;
	l.maxrecursion = 4;
	l.maxfiles = 6;
	l.maxscantime = 20000;
	load(&l);
}

/* a multipart/mixed message: a text part, then data attached */
static void
attach(struct sa *m, const char *name, const void *data, size_t n,
    enum cte cte)
{
	tm_cat(m, "From: <a@example.org>\nTo: <b@example.net>\n"
	    "Subject: attachment\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"" BOUNDARY "\"\n\n"
	    "--" BOUNDARY "\nContent-Type: text/plain\n\nsee attached\n\n"
	    "--" BOUNDARY "\nContent-Type: application/octet-stream; name=\"");
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
	tm_cat(m, "\n--" BOUNDARY "--\n");
}

/* clam.exe inside depth zips, one in the other */
static void
zip_nested(struct sa *z, int depth)
{
	struct sa	 in = SA_ZERO;
	struct zmember	 m = { "clam.exe", NULL, 0, 0, 0 };
	int		 d;

	tm_readtestfile("clam.exe", &in);
	for (d = 0; d < depth; d++) {
		m.data = in.s;
		m.len = in.len;
		tm_zip_build(z, &m, 1);
		ck_assert_int_eq(sa_copyb(&in, z->s, z->len), 0);
		m.name = "inner.zip";
	}
	sa_free(&in);
}

/* --- assertions ----------------------------------------------------- */

static int
hasname(const struct scanres *r, const char *name)
{
	size_t		 n = strlen(name);
	const char	*p;

	for (p = r->names; (p = strstr(p, name)) != NULL; p += n) {
		if (p != r->names && p[-1] != ',')
			continue;
		if (strncmp(p + n, ".UNOFFICIAL", 11) == 0)
			n += 11;	/* libclamav's mark on our own files */
		if (p[n] == ',' || p[n] == '\0')
			return 1;
		n = strlen(name);
	}
	return 0;
}

#define VERDICT(v, r, want, whatwant) do { \
	ck_assert_msg((v) == (want) && (r).verdict == (v), \
	    "verdict %s (what \"%s\" names \"%s\"), want %s", \
	    scanres_name(v), (r).what, (r).names, \
	    scanres_name(want)); \
	if ((whatwant) != NULL) \
		ck_assert_str_eq((r).what, (const char *)(whatwant)); \
} while (0)

/* --- tests: loading ------------------------------------------------- */

START_TEST(cav_info_of_test_db)
{
	struct cav_info	 i;

	ck_assert_ptr_nonnull(eng);
	cav_engine_info(eng, &i);
	ck_assert_str_eq(i.engine, "1.4.6");
	ck_assert_uint_eq(i.sigs, 7);	/* 2 ndb, 1 ldb, 2 hdb, 2 hsb */
	ck_assert_uint_eq(i.dbversion, 0);
	ck_assert_str_eq(i.db, "0.0.7");
}
END_TEST

START_TEST(cav_load_failures)
{
	struct cav_engine	*e = NULL;
	struct cav_limits	 l;
	struct cav_err		 err;
	char			 dir[UNIT_PATHSZ], fn[UNIT_PATHSZ];
	const char		*scratch = unit_scratch_make();

	cav_limits_default(&l);
	ck_assert_int_eq(cav_engine_load("/nonexistent/mailward-db", &l, &e,
	    &err), -1);
	ck_assert_ptr_null(e);
	ck_assert_ptr_nonnull(strstr(err.s, "cl_load /nonexistent/"));
	/* an empty directory, a malformed .ndb */
	ck_assert_int_eq(cav_engine_load(scratch, &l, &e, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.s, "cl_load"));
	unit_scratch_path(fn, "bad.ndb", NULL);
	unit_writefile(fn, "Bad:0:*:zz\n", 11, 0644);
	ck_assert_int_eq(cav_engine_load(scratch, &l, &e, &err), -1);
	ck_assert_ptr_null(e);
	/* 0 is "no limit" to libclamav: refused */
	ck_assert_int_lt(snprintf(dir, sizeof dir, "%s", unit_datadir("sigs")),
	    (int)sizeof dir);
	l.maxfiles = 0;
	ck_assert_int_eq(cav_engine_load(dir, &l, &e, &err), -1);
	ck_assert_str_eq(err.s, "limit maxfiles: 0 out of range");
	cav_limits_default(&l);
	l.maxscantime = 0;
	ck_assert_int_eq(cav_engine_load(dir, &l, &e, &err), -1);
	unit_scratch_remove();
}
END_TEST

/* --- tests: what must be found -------------------------------------- */

START_TEST(cav_eicar_message)
{
	struct sa		 m = SA_ZERO;
	struct scanres	 r;
	enum scanres_verdict	 v;

	ck_assert_ptr_nonnull(eng);
	attach(&m, "eicar.com", EICAR, sizeof EICAR - 1, CTE_B64);
	v = cav_scan_message(eng, m.s, m.len, &r);
	VERDICT(v, r, SCANRES_VIRUS, NULL);
	ck_assert_msg(hasname(&r, "Mailward.Test.EICAR") &&
	    hasname(&r, "Mailward.Test.EICAR.MD5") &&
	    hasname(&r, "Mailward.Test.EICAR.SHA256"), "names %s", r.names);
	ck_assert_uint_eq(r.flags, SCANRES_F_VIRUS);
	ck_assert_int_eq(r.cut, 0);
	ck_assert_str_eq(r.what, "");
	sa_free(&m);
}
END_TEST

/* every test file as a decoded leaf: found, by its payload's hash too */
START_TEST(cav_testfile_leaf)
{
	struct sa		 f = SA_ZERO;
	struct scanres	 r;
	enum scanres_verdict	 v;

	ck_assert_ptr_nonnull(eng);
	tm_readtestfile(testfiles[_i].name, &f);
	v = cav_scan_leaf(eng, f.s, f.len, &r);
	VERDICT(v, r, SCANRES_VIRUS, NULL);
	ck_assert_msg(hasname(&r, "Mailward.Test.ClamExe.Body") &&
	    hasname(&r, "Mailward.Test.ClamExe.MD5") &&
	    hasname(&r, "Mailward.Test.ClamExe.SHA256") &&
	    hasname(&r, "Mailward.Test.ClamExe.Logical"),
	    "%s: names %s", testfiles[_i].name, r.names);
	sa_free(&f);
}
END_TEST

/* what a whole-message scan of the attached file must answer */
static void
attached_want(const struct tf *t, enum cte cte, enum scanres_verdict *v,
    const char **name)
{
	*v = SCANRES_VIRUS;
	*name = "Mailward.Test.ClamExe.MD5";
	if (t->flags & TF_DEEP) {
		*v = SCANRES_LIMIT;
		*name = "Heuristics.Limits.Exceeded.MaxRecursion";
	} else if (cte == CTE_QP && (t->flags & TF_QPNOHASH))
		*name = "Mailward.Test.ClamExe.Body";
	else if (cte == CTE_QP && (t->flags & TF_QPMISS)) {
		*v = SCANRES_CLEAN;
		*name = NULL;
	}
}

/* every test file attached, base64 and quoted-printable */
START_TEST(cav_testfile_attached)
{
	const struct tf		*t = &testfiles[_i];
	struct sa		 f = SA_ZERO, m = SA_ZERO;
	struct scanres	 r;
	enum scanres_verdict	 v, want;
	enum cte		 cte;
	const char		*name;

	ck_assert_ptr_nonnull(eng);
	tm_readtestfile(t->name, &f);
	for (cte = CTE_B64; cte <= CTE_QP; cte++) {
		m.len = 0;
		attach(&m, t->name, f.s, f.len, cte);
		v = cav_scan_message(eng, m.s, m.len, &r);
		attached_want(t, cte, &want, &name);
		ck_assert_msg(v == want && (name == NULL || hasname(&r, name)),
		    "%s %s: %s \"%s\" names %s", t->name,
		    cte == CTE_B64 ? "base64" : "qp", scanres_name(v),
		    r.what, r.names);
	}
	if (t->flags & TF_QPMISS) {	/* our decoding of it is found */
		v = cav_scan_leaf(eng, f.s, f.len, &r);
		VERDICT(v, r, SCANRES_VIRUS, NULL);
	}
	sa_free(&f);
	sa_free(&m);
}
END_TEST

/* libclamav types this message as text and misses the uuencoded
 * clam.exe; with the Received: line in front it parses it as mail */
START_TEST(cav_text_typed_uuencode)
{
	struct sa		 f = SA_ZERO, m = SA_ZERO;
	struct scanres	 r;
	enum scanres_verdict	 v;

	ck_assert_ptr_nonnull(eng);
	tm_readtestfile("clam.exe", &f);
	tm_cat(&m, "Content-Type: text/plain; charset=us-ascii\n"
	    "MIME-Version: 1.0\nSubject: a program\n\n"
	    "here it is\n\nbegin 644 clam.exe\n");
	tm_uu(&m, (const unsigned char *)f.s, f.len);
	tm_cat(&m, "end\n");
	v = cav_scan_leaf(eng, m.s, m.len, &r);	/* as it is: text */
	VERDICT(v, r, SCANRES_CLEAN, "");
	v = cav_scan_message(eng, m.s, m.len, &r);
	VERDICT(v, r, SCANRES_VIRUS, NULL);
	ck_assert_msg(hasname(&r, "Mailward.Test.ClamExe.MD5"), "%s",
	    r.names);
	sa_free(&f);
	sa_free(&m);
}
END_TEST

/* the container limits hold on the default engine: deep nesting and a
 * big member are scanned through and found */
START_TEST(cav_default_limits_find)
{
	struct sa		 z = SA_ZERO;
	struct scanres	 r;
	struct zmember		 big = { "big.txt", EICAR, sizeof EICAR - 1,
				     1 << 20, Z_DEFLATE };
	enum scanres_verdict	 v;

	ck_assert_ptr_nonnull(eng);
	zip_nested(&z, 8);
	v = cav_scan_leaf(eng, z.s, z.len, &r);
	VERDICT(v, r, SCANRES_VIRUS, NULL);
	tm_zip_build(&z, &big, 1);
	ck_assert_uint_lt(z.len, 8192);
	v = cav_scan_leaf(eng, z.s, z.len, &r);
	VERDICT(v, r, SCANRES_VIRUS, NULL);
	ck_assert_msg(hasname(&r, "Mailward.Test.EICAR"), "%s", r.names);
	sa_free(&z);
}
END_TEST

/* --- tests: what must not pass as clean ------------------------------ */

START_TEST(cav_corpus_clean)
{
	char			 dir[UNIT_PATHSZ], fn[UNIT_PATHSZ];
	struct sa		 m = SA_ZERO;
	struct scanres	 r;
	struct dirent		*de;
	DIR			*d;
	enum scanres_verdict	 v;
	int			 n = 0, pass;

	ck_assert_ptr_nonnull(eng);
	ck_assert_int_lt(snprintf(dir, sizeof dir, "%s", unit_corpusdir()),
	    (int)sizeof dir);
	ck_assert_msg((d = opendir(dir)) != NULL, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "msg_", 4) != 0)
			continue;
		ck_assert_int_lt(snprintf(fn, sizeof fn, "%s/%s", dir,
		    de->d_name), (int)sizeof fn);
		unit_readfile(fn, &m);
		for (pass = 0; pass < 2; pass++) {	/* 2nd: cached */
			v = cav_scan_message(eng, m.s, m.len, &r);
			ck_assert_msg(v == SCANRES_CLEAN, "%s: %s \"%s\" %s",
			    de->d_name, scanres_name(v), r.what, r.names);
			ck_assert_uint_eq(r.flags, 0);
		}
		n++;
	}
	(void)closedir(d);
	ck_assert_int_ge(n, 48);
	sa_free(&m);
}
END_TEST

START_TEST(cav_encrypted)
{
	struct sa		 z = SA_ZERO, f = SA_ZERO;
	struct scanres	 r;
	struct zmember		 m = { "clam.exe", NULL, 0, 0, Z_ENCRYPTED };
	enum scanres_verdict	 v;
	char			 fn[UNIT_PATHSZ], cmd[3 * UNIT_PATHSZ];
	int			 pass;

	ck_assert_ptr_nonnull(eng);
	tm_readtestfile("clam.exe", &f);
	m.data = f.s;
	m.len = f.len;
	tm_zip_build(&z, &m, 1);
	for (pass = 0; pass < 2; pass++) {	/* never cached as clean */
		v = cav_scan_leaf(eng, z.s, z.len, &r);
		VERDICT(v, r, SCANRES_ENCRYPTED, "ZIP");
	}
	/* a real one, if zip(1) is there to make it */
	if (system("command -v zip >/dev/null 2>&1") != 0) {
		fprintf(stderr, "# cav_encrypted: no zip(1), "
		    "only the flagged member tested\n");
		goto done;
	}
	(void)unit_scratch_make();
	unit_scratch_path(fn, "enc.zip", NULL);
	ck_assert_int_lt(snprintf(cmd, sizeof cmd, "zip -q -j -P secret "
	    "'%s' " TM_TESTFILES "/clam.exe", fn), (int)sizeof cmd);
	ck_assert_int_eq(system(cmd), 0);
	unit_readfile(fn, &z);
	v = cav_scan_leaf(eng, z.s, z.len, &r);
	VERDICT(v, r, SCANRES_ENCRYPTED, NULL);
	f.len = 0;
	attach(&f, "enc.zip", z.s, z.len, CTE_B64);
	v = cav_scan_message(eng, f.s, f.len, &r);
	VERDICT(v, r, SCANRES_ENCRYPTED, NULL);
	unit_scratch_remove();
done:
	sa_free(&z);
	sa_free(&f);
}
END_TEST

/* RAR by its magic, alone, in a zip, attached; twice (no clean cache) */
START_TEST(cav_rar_unscannable)
{
	static const char	 rar4[] = "Rar!\x1a\x07\x00\xcf\x90\x73\x00"
				     "\x00\x0d\x00\x00\x00\x00\x00\x00\x00"
				     "some packed bytes";
	static const char	 rar5[] = "Rar!\x1a\x07\x01\x00more bytes";
	struct sa		 z = SA_ZERO, m = SA_ZERO;
	struct zmember		 zm = { "a.rar", rar4, sizeof rar4 - 1, 0, 0 };
	struct scanres	 r;
	enum scanres_verdict	 v;
	int			 pass;

	ck_assert_ptr_nonnull(eng);
	tm_zip_build(&z, &zm, 1);
	attach(&m, "a.rar", rar5, sizeof rar5 - 1, CTE_B64);
	for (pass = 0; pass < 2; pass++) {
		v = cav_scan_leaf(eng, rar4, sizeof rar4 - 1, &r);
		VERDICT(v, r, SCANRES_UNSCANNABLE, "rar");
		v = cav_scan_leaf(eng, rar5, sizeof rar5 - 1, &r);
		VERDICT(v, r, SCANRES_UNSCANNABLE, "rar");
		v = cav_scan_leaf(eng, z.s, z.len, &r);
		VERDICT(v, r, SCANRES_UNSCANNABLE, "rar");
		v = cav_scan_message(eng, m.s, m.len, &r);
		VERDICT(v, r, SCANRES_UNSCANNABLE, "rar");
		ck_assert_str_eq(r.names, "");
	}
	sa_free(&z);
	sa_free(&m);
}
END_TEST

START_TEST(cav_zip64_unscannable)
{
	struct sa		 z = SA_ZERO, f = SA_ZERO;
	struct zmember		 m = { "clam.exe", NULL, 0, 0, Z_ZIP64 };
	struct scanres	 r;
	enum scanres_verdict	 v;
	int			 pass;

	ck_assert_ptr_nonnull(eng);
	tm_readtestfile("clam.exe", &f);
	m.data = f.s;
	m.len = f.len;
	tm_zip_build(&z, &m, 1);
	for (pass = 0; pass < 2; pass++) {
		v = cav_scan_leaf(eng, z.s, z.len, &r);
		VERDICT(v, r, SCANRES_UNSCANNABLE, "zip64");
	}
	sa_free(&z);
	sa_free(&f);
}
END_TEST

/* libclamav cannot make its temporary directory: it answers CLEAN */
START_TEST(cav_tmpdir)
{
	struct sa		 f = SA_ZERO;
	struct scanres	 r;
	enum scanres_verdict	 v;
	const char		*dir;
	char			 bad[UNIT_PATHSZ];

	ck_assert_ptr_nonnull(eng);
	tm_readtestfile("clam.zip", &f);
	dir = unit_scratch_make();
	ck_assert_int_eq(cav_set_tmpdir(eng, dir), 0);
	v = cav_scan_leaf(eng, f.s, f.len, &r);
	VERDICT(v, r, SCANRES_VIRUS, NULL);
	ck_assert_int_eq(unit_count(dir, NULL, NULL), 0);	/* cleaned */
	unit_scratch_path(bad, "missing", NULL);
	ck_assert_int_eq(cav_set_tmpdir(eng, bad), 0);
	v = cav_scan_leaf(eng, f.s, f.len, &r);
	VERDICT(v, r, SCANRES_ERROR, NULL);
	ck_assert_ptr_nonnull(strstr(r.what, "temporary"));
	ck_assert_int_eq(cav_set_tmpdir(eng, ""), -1);
	/* as it was, for the tests after this one under CK_FORK=no */
	dir = getenv("TMPDIR");
	ck_assert_int_eq(cav_set_tmpdir(eng, dir != NULL && *dir != '\0' ?
	    dir : "/tmp"), 0);
	unit_scratch_remove();
	sa_free(&f);
}
END_TEST

/* --- tests: small limits --------------------------------------------- */

START_TEST(cav_limit_recursion)
{
	struct sa		 z = SA_ZERO, m = SA_ZERO;
	struct scanres	 r;
	enum scanres_verdict	 v;

	ck_assert_ptr_nonnull(eng);
	zip_nested(&z, 8);
	v = cav_scan_leaf(eng, z.s, z.len, &r);
	VERDICT(v, r, SCANRES_LIMIT, "MaxRecursion");
	ck_assert(hasname(&r, "Heuristics.Limits.Exceeded.MaxRecursion"));
	attach(&m, "deep.zip", z.s, z.len, CTE_B64);
	v = cav_scan_message(eng, m.s, m.len, &r);
	VERDICT(v, r, SCANRES_LIMIT, "MaxRecursion");
	sa_free(&z);
	sa_free(&m);
}
END_TEST

START_TEST(cav_limit_files)
{
	struct sa		 z = SA_ZERO;
	struct zmember		 m[10];
	struct scanres	 r;
	enum scanres_verdict	 v;
	static const char	*names[10] = { "0", "1", "2", "3", "4", "5",
				     "6", "7", "8", "9" };
	size_t			 i;

	ck_assert_ptr_nonnull(eng);
	for (i = 0; i < 10; i++) {
		m[i].name = names[i];
		m[i].data = names[i];
		m[i].len = 1;
		m[i].zeros = 0;
		m[i].flags = 0;
	}
	tm_zip_build(&z, m, 10);
	v = cav_scan_leaf(eng, z.s, z.len, &r);
	VERDICT(v, r, SCANRES_LIMIT, "MaxFiles");
	sa_free(&z);
}
END_TEST

START_TEST(cav_limit_scansize)
{
	struct sa		 z = SA_ZERO;
	struct zmember		 m[8];
	struct scanres	 r;
	enum scanres_verdict	 v;
	static const char	*names[8] = { "0", "1", "2", "3", "4", "5",
				     "6", "7" };
	size_t			 i;

	ck_assert_ptr_nonnull(eng);
	for (i = 0; i < 5; i++) {	/* 5 x 60 KiB > 256 KiB */
		m[i].name = names[i];
		m[i].data = "x";
		m[i].len = 1;
		m[i].zeros = 60 << 10;
		m[i].flags = Z_DEFLATE;
	}
	tm_zip_build(&z, m, 5);
	v = cav_scan_leaf(eng, z.s, z.len, &r);
	VERDICT(v, r, SCANRES_LIMIT, "MaxScanSize");
	sa_free(&z);
}
END_TEST

/* over maxfilesize: the whole leaf or message is a limit; a member is
 * a hole in libclamav (it scans the first 64 KiB and says CLEAN) that
 * cav closes as unscannable */
START_TEST(cav_limit_filesize)
{
	struct sa		 z = SA_ZERO, m = SA_ZERO;
	struct zmember		 big = { "big.txt", EICAR, sizeof EICAR - 1,
				     1 << 20, Z_DEFLATE };
	struct scanres	 r;
	enum scanres_verdict	 v;
	int			 pass;

	ck_assert_ptr_nonnull(eng);
	ck_assert_int_eq(sa_ready(&m, 100 << 10), 0);
	memset(m.s, 'a', 100 << 10);
	m.len = 100 << 10;
	v = cav_scan_leaf(eng, m.s, m.len, &r);
	VERDICT(v, r, SCANRES_LIMIT, "MaxFileSize");
	v = cav_scan_message(eng, m.s, m.len, &r);
	VERDICT(v, r, SCANRES_LIMIT, "MaxFileSize");
	tm_zip_build(&z, &big, 1);
	for (pass = 0; pass < 2; pass++) {
		v = cav_scan_leaf(eng, z.s, z.len, &r);
		VERDICT(v, r, SCANRES_UNSCANNABLE, "filesize");
	}
	m.len = 0;
	attach(&m, "big.zip", z.s, z.len, CTE_B64);
	v = cav_scan_message(eng, m.s, m.len, &r);
	VERDICT(v, r, SCANRES_UNSCANNABLE, "filesize");
	sa_free(&z);
	sa_free(&m);
}
END_TEST

/* a limit does not hide a signature found elsewhere in the message */
START_TEST(cav_limit_and_virus)
{
	struct sa		 z = SA_ZERO;
	struct zmember		 zm[2] = {
		{ "eicar.com", EICAR, sizeof EICAR - 1, 0, 0 },
		{ "big.txt", "x", 1, 1 << 20, Z_DEFLATE },
	};
	struct scanres	 r;
	enum scanres_verdict	 v;

	ck_assert_ptr_nonnull(eng);
	tm_zip_build(&z, zm, 2);
	v = cav_scan_leaf(eng, z.s, z.len, &r);
	VERDICT(v, r, SCANRES_VIRUS, NULL);
	ck_assert(hasname(&r, "Mailward.Test.EICAR"));
	ck_assert(r.flags & SCANRES_F_UNSCANNABLE);
	sa_free(&z);
}
END_TEST

int
main(void)
{
	struct cav_err	 err;
	Suite	*s = suite_create("cav");
	TCase	*tc = tcase_create("default");
	TCase	*small = tcase_create("small");
	TCase	*noeng = tcase_create("load");

	if (cav_init(&err) == -1) {
		fprintf(stderr, "check_cav: %s\n", err.s);
		return EXIT_FAILURE;
	}

	tcase_add_unchecked_fixture(noeng, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_test(noeng, cav_load_failures);
	suite_add_tcase(s, noeng);

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_unchecked_fixture(tc, load_default, unload);
	tcase_add_test(tc, cav_info_of_test_db);
	tcase_add_test(tc, cav_eicar_message);
	tcase_add_loop_test(tc, cav_testfile_leaf, 0, NTESTFILES);
	tcase_add_loop_test(tc, cav_testfile_attached, 0, NTESTFILES);
	tcase_add_test(tc, cav_text_typed_uuencode);
	tcase_add_test(tc, cav_default_limits_find);
	tcase_add_test(tc, cav_corpus_clean);
	tcase_add_test(tc, cav_encrypted);
	tcase_add_test(tc, cav_rar_unscannable);
	tcase_add_test(tc, cav_zip64_unscannable);
	tcase_add_test(tc, cav_tmpdir);
	suite_add_tcase(s, tc);

	tcase_set_timeout(small, 60);
	tcase_add_unchecked_fixture(small, load_small, unload);
	tcase_add_test(small, cav_limit_recursion);
	tcase_add_test(small, cav_limit_files);
	tcase_add_test(small, cav_limit_scansize);
	tcase_add_test(small, cav_limit_filesize);
	tcase_add_test(small, cav_limit_and_virus);
	suite_add_tcase(s, small);
	return unit_run(s);
}
