/* ISC license. */
/* check_maildir.c: Maildir names, lookup and idempotent delivery. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maildir.h"
#include "sa.h"
#include "unit.h"

#define QID	"1732690200.4411.c3f2a9"
#define RCPT	"alice@example.org"
#define KEY	"Q" QID "R402191875a55f8a3"	/* FNV-1a by python3 */

/* --- fixtures: a fresh Maildir under $TMPDIR ---------------------------- */

static char	 md[UNIT_PATHSZ];

static void
mkpath(struct sa *p, const char *sub, const char *name)
{
	p->len = 0;
	ck_assert_int_eq(sa_cats(p, md), 0);
	if (sub != NULL)
		ck_assert_int_eq(sa_catf(p, "/%s", sub), 0);
	if (name != NULL)
		ck_assert_int_eq(sa_catf(p, "/%s", name), 0);
	ck_assert_int_eq(sa_0(p), 0);
}

static void
setup(void)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	struct sa	 p = SA_ZERO;
	size_t		 i;

	unit_mkdtemp(md, sizeof md, "check_maildir");
	for (i = 0; i < 3; i++) {
		mkpath(&p, subs[i], NULL);
		ck_assert_int_eq(mkdir(p.s, 0700), 0);
	}
	sa_free(&p);
}

static void
teardown(void)
{
	(void)unit_rmrf(md);
}

/* Deliver the test message for rcpt; returns maildir_deliver()'s result. */
static int
put(const char *rcpt, struct sa *path)
{
	static const char	 hdr[] = "Return-Path: <s@x>\nDelivered-To: ";
	static const char	 msg[] = "Subject: t\n\nbody\0with NUL\nno LF";
	struct sa		 key = SA_ZERO, name = SA_ZERO;
	int			 r;

	ck_assert_int_eq(maildir_key(&key, QID, strlen(QID), rcpt,
	    strlen(rcpt)), 0);
	ck_assert_int_eq(maildir_name(&name, 1732690200ULL, key.s, key.len,
	    "mx.example"), 0);
	r = maildir_deliver(md, key.s, key.len, name.s, hdr, sizeof hdr - 1,
	    msg, sizeof msg - 1, path);
	sa_free(&key);
	sa_free(&name);
	return r;
}

/* --- names ------------------------------------------------------------ */

START_TEST(hash_values)
{
	ck_assert_uint_eq(maildir_hash("", 0, "", 0), 0xaf63bd4c8601b7dfULL);
	ck_assert_uint_eq(maildir_hash(QID, strlen(QID), RCPT, strlen(RCPT)),
	    0x402191875a55f8a3ULL);
	/* the recipient's case does not matter, the queue id's does */
	ck_assert_uint_eq(maildir_hash("q", 1, "ALICE@Example.ORG", 17),
	    maildir_hash("q", 1, RCPT, 17));
	ck_assert_uint_ne(maildir_hash("q", 1, RCPT, 17),
	    maildir_hash("Q", 1, RCPT, 17));
	/* the NUL separates: ("ab","c") is not ("a","bc") */
	ck_assert_uint_ne(maildir_hash("ab", 2, "c", 1),
	    maildir_hash("a", 1, "bc", 2));
}
END_TEST

START_TEST(key_and_name)
{
	struct sa	 key = SA_ZERO, name = SA_ZERO;

	ck_assert_int_eq(maildir_key(&key, QID, strlen(QID), RCPT,
	    strlen(RCPT)), 0);
	ck_assert_uint_eq(key.len, strlen(KEY));
	ck_assert_mem_eq(key.s, KEY, key.len);
	ck_assert_int_eq(maildir_name(&name, 17, key.s, key.len, "a/b:c.d"),
	    0);
	ck_assert_str_eq(name.s, "17." KEY ".a\\057b\\072c.d");
	ck_assert_int_eq(maildir_match(name.s, key.s, key.len), 1);
	sa_free(&key);
	sa_free(&name);
}
END_TEST

struct matchcase {
	const char	*name;
	int		 want;
};

static const struct matchcase matches[] = {
	{ "1732690200." KEY ".mx.example",		1 },
	{ "1732690200." KEY ".mx.example:2,S",		1 },
	{ "1732690200." KEY ".mx,S=120:2,RS",		1 },
	{ "99." KEY ".otherhost",			1 },	/* renamed host */
	{ "1732690200." KEY "0.mx.example",		0 },	/* longer key */
	{ "1732690200.x" KEY ".mx.example",		0 },
	{ "1732690200." KEY,				0 },
	{ KEY ".mx.example",				0 },
	{ "1732690200.Q" QID "R402191875a55f8a4.mx",	0 },
	{ "1732690200.M1P2.mx.example",			0 },
	{ "",						0 },
};

START_TEST(match_table)
{
	const struct matchcase *c = &matches[_i];

	ck_assert_int_eq(maildir_match(c->name, KEY, strlen(KEY)), c->want);
}
END_TEST

/* --- delivery ------------------------------------------------------------ */

START_TEST(deliver_exact_bytes)
{
	static const char	 want[] = "Return-Path: <s@x>\nDelivered-To: "
	    "Subject: t\n\nbody\0with NUL\nno LF";
	struct sa		 path = SA_ZERO, got = SA_ZERO, p = SA_ZERO;
	struct stat		 st;

	ck_assert_int_eq(put(RCPT, &path), MAILDIR_DELIVERED);
	mkpath(&p, "new", "1732690200." KEY ".mx.example");
	ck_assert_str_eq(path.s, p.s);
	unit_readfile(path.s, &got);
	ck_assert_uint_eq(got.len, sizeof want - 1);
	ck_assert_mem_eq(got.s, want, got.len);
	ck_assert_int_eq(stat(path.s, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(unit_count(md, "tmp", NULL), 0);
	sa_free(&path);
	sa_free(&got);
	sa_free(&p);
}
END_TEST

START_TEST(deliver_twice_one_file)
{
	struct sa	 p1 = SA_ZERO, p2 = SA_ZERO;

	ck_assert_int_eq(put(RCPT, &p1), MAILDIR_DELIVERED);
	ck_assert_int_eq(put(RCPT, &p2), MAILDIR_DUPLICATE);
	ck_assert_str_eq(p1.s, p2.s);
	ck_assert_int_eq(put("Alice@EXAMPLE.org", &p2), MAILDIR_DUPLICATE);
	ck_assert_int_eq(unit_count(md, "new", NULL), 1);
	ck_assert_int_eq(unit_count(md, "tmp", NULL), 0);
	/* another recipient is another delivery */
	ck_assert_int_eq(put("bob@example.org", &p2), MAILDIR_DELIVERED);
	ck_assert_int_eq(unit_count(md, "new", NULL), 2);
	sa_free(&p1);
	sa_free(&p2);
}
END_TEST

/* A reader moved the copy to cur/ and flagged it: still found. */
START_TEST(deliver_after_move_to_cur)
{
	struct sa	 p1 = SA_ZERO, p2 = SA_ZERO, name = SA_ZERO;

	ck_assert_int_eq(put(RCPT, &p1), MAILDIR_DELIVERED);
	ck_assert_int_eq(unit_count(md, "new", &name), 1);
	ck_assert_int_eq(sa_cats(&name, ":2,S"), 0);
	ck_assert_int_eq(sa_0(&name), 0);
	mkpath(&p2, "cur", name.s);
	ck_assert_int_eq(rename(p1.s, p2.s), 0);
	ck_assert_int_eq(put(RCPT, &p1), MAILDIR_DUPLICATE);
	ck_assert_str_eq(p1.s, p2.s);
	ck_assert_int_eq(unit_count(md, "new", NULL), 0);
	ck_assert_int_eq(unit_count(md, "cur", NULL), 1);
	sa_free(&p1);
	sa_free(&p2);
	sa_free(&name);
}
END_TEST

/* A crash left tmp/NAME: the delivery replaces it. */
START_TEST(deliver_stale_tmp)
{
	struct sa	 p = SA_ZERO, path = SA_ZERO, got = SA_ZERO;

	mkpath(&p, "tmp", "1732690200." KEY ".mx.example");
	unit_writefile(p.s, "half", 4, 0600);
	ck_assert_int_eq(put(RCPT, &path), MAILDIR_DELIVERED);
	unit_readfile(path.s, &got);
	ck_assert_uint_gt(got.len, 4);
	ck_assert_int_eq(unit_count(md, "tmp", NULL), 0);
	sa_free(&p);
	sa_free(&path);
	sa_free(&got);
}
END_TEST

/* A crash between link and unlink left tmp/NAME beside new/NAME. */
START_TEST(duplicate_cleans_tmp)
{
	struct sa	 p = SA_ZERO, path = SA_ZERO;

	ck_assert_int_eq(put(RCPT, &path), MAILDIR_DELIVERED);
	mkpath(&p, "tmp", "1732690200." KEY ".mx.example");
	ck_assert_int_eq(link(path.s, p.s), 0);
	ck_assert_int_eq(unit_count(md, "tmp", NULL), 1);
	ck_assert_int_eq(put(RCPT, &path), MAILDIR_DUPLICATE);
	ck_assert_int_eq(unit_count(md, "tmp", NULL), 0);
	ck_assert_int_eq(unit_count(md, "new", NULL), 1);
	sa_free(&p);
	sa_free(&path);
}
END_TEST

/* maildir_write() itself refuses to replace new/NAME. */
START_TEST(write_existing_name)
{
	struct sa	 path = SA_ZERO;

	ck_assert_int_eq(maildir_write(md, "n1", "a", 1, "b", 1, &path),
	    MAILDIR_DELIVERED);
	ck_assert_int_eq(maildir_write(md, "n1", "c", 1, "d", 1, &path),
	    MAILDIR_DUPLICATE);
	ck_assert_int_eq(unit_count(md, "tmp", NULL), 0);
	ck_assert_int_eq(unit_count(md, "new", NULL), 1);
	sa_free(&path);
}
END_TEST

struct missingcase {
	const char	*rm;		/* directory removed before delivery */
};

static const struct missingcase missing[] = {
	{ "tmp" }, { "new" }, { "cur" }, { NULL },	/* NULL: all of it */
};

START_TEST(missing_dirs)
{
	struct sa	 p = SA_ZERO, path = SA_ZERO;

	mkpath(&p, missing[_i].rm, NULL);
	if (missing[_i].rm == NULL) {
		static const char *const all[] = { "tmp", "new", "cur", NULL };
		size_t	 i;

		for (i = 0; i < 4; i++) {
			mkpath(&p, all[i], NULL);
			ck_assert_int_eq(rmdir(p.s), 0);
		}
	} else
		ck_assert_int_eq(rmdir(p.s), 0);
	errno = 0;
	ck_assert_int_eq(put(RCPT, &path), -1);
	ck_assert_int_eq(errno, ENOENT);
	if (missing[_i].rm != NULL && strcmp(missing[_i].rm, "new") != 0)
		ck_assert_int_eq(unit_count(md, "new", NULL), 0);
	sa_free(&p);
	sa_free(&path);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("maildir");
	TCase	*names = tcase_create("names");
	TCase	*dl = tcase_create("deliver");

	tcase_add_test(names, hash_values);
	tcase_add_test(names, key_and_name);
	tcase_add_loop_test(names, match_table, 0,
	    sizeof matches / sizeof matches[0]);
	tcase_add_checked_fixture(dl, setup, teardown);
	tcase_add_test(dl, deliver_exact_bytes);
	tcase_add_test(dl, deliver_twice_one_file);
	tcase_add_test(dl, deliver_after_move_to_cur);
	tcase_add_test(dl, deliver_stale_tmp);
	tcase_add_test(dl, duplicate_cleans_tmp);
	tcase_add_test(dl, write_existing_name);
	tcase_add_loop_test(dl, missing_dirs, 0,
	    sizeof missing / sizeof missing[0]);
	suite_add_tcase(s, names);
	suite_add_tcase(s, dl);
	return unit_run(s);
}
