/* ISC license. */
/* check_envelope.c: the envelope block: golden files, caps, round trips,
 * extra keys.
 *
 * Golden files: t/data/envelope/NAME.in is a spool file; NAME.out is the
 * exact envelope_fmt() output, or the result's name and a newline
 * ("ENVELOPE_SYNTAX\n").  The directory is $MW_SRCDIR/t/data/envelope if
 * MW_SRCDIR is set, else t/data/envelope relative to the current
 * directory: `make test` runs the unit binaries from the repository
 * root.  A missing directory is a failure, not a skip. */
#include "sysdeps.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "sa.h"
#include "unit.h"

#define MAXGOLDEN	512

static const char *const names[] = {
	"ENVELOPE_OK", "ENVELOPE_NOMEM", "ENVELOPE_BARE",
	"ENVELOPE_VERSION_BAD", "ENVELOPE_TRUNCATED", "ENVELOPE_TOOLONG",
	"ENVELOPE_SYNTAX", "ENVELOPE_MISSING"
};

/* --- golden files --- */

static char	 datadir[1024];
static char	*golden[MAXGOLDEN];	/* NAME of each NAME.in, sorted */
static size_t	 ngolden;

static void
slurp(const char *name, const char *ext, struct sa *out)
{
	char	 fn[1200];
	int	 n;

	n = snprintf(fn, sizeof fn, "%s/%s%s", datadir, name, ext);
	ck_assert(n > 0 && (size_t)n < sizeof fn);
	unit_readfile(fn, out);
}

START_TEST(envelope_golden)
{
	struct envelope	 e = ENVELOPE_ZERO, e2 = ENVELOPE_ZERO;
	struct sa	 in = SA_ZERO, want = SA_ZERO, got = SA_ZERO;
	struct sa	 again = SA_ZERO;
	size_t		 hdrlen = 0, hdrlen2 = 0;
	int		 r;

	slurp(golden[_i], ".in", &in);
	slurp(golden[_i], ".out", &want);
	r = envelope_parse(&e, in.s, in.len, &hdrlen);
	ck_assert(r >= 0 && (size_t)r < sizeof names / sizeof names[0]);
	if (r == ENVELOPE_OK) {
		ck_assert_uint_le(hdrlen, in.len);
		ck_assert_int_eq(in.s[hdrlen - 1], '\n');
		ck_assert_int_eq(in.s[hdrlen - 2], '\n');
		ck_assert_int_eq(envelope_fmt(&e, &got), 0);
		/* the formatted block parses back to the same block */
		ck_assert_int_eq(envelope_parse(&e2, got.s, got.len, &hdrlen2),
		    ENVELOPE_OK);
		ck_assert_uint_eq(hdrlen2, got.len);
		ck_assert_int_eq(envelope_fmt(&e2, &again), 0);
		ck_assert_uint_eq(again.len, got.len);
		ck_assert_mem_eq(again.s, got.s, got.len);
	} else {
		ck_assert_int_eq(sa_cats(&got, names[r]), 0);
		ck_assert_int_eq(sa_catc(&got, '\n'), 0);
	}
	ck_assert_msg(got.len == want.len && memcmp(got.s, want.s,
	    got.len) == 0, "%s: got %s (%zu bytes), want %zu bytes",
	    golden[_i], names[r], got.len, want.len);
	envelope_free(&e);
	envelope_free(&e2);
	sa_free(&in);
	sa_free(&want);
	sa_free(&got);
	sa_free(&again);
}
END_TEST

START_TEST(envelope_golden_missing)
{
	ck_abort_msg("no golden files in %s: run from the source root or set "
	    "MW_SRCDIR", datadir);
}
END_TEST

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
golden_scan(void)
{
	const char	*src = getenv("MW_SRCDIR");
	DIR		*d;
	struct dirent	*de;
	int		 n;

	if (src != NULL && *src != '\0')
		n = snprintf(datadir, sizeof datadir, "%s/t/data/envelope",
		    src);
	else
		n = snprintf(datadir, sizeof datadir, "t/data/envelope");
	if (n <= 0 || (size_t)n >= sizeof datadir)
		return;
	if ((d = opendir(datadir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && ngolden < MAXGOLDEN) {
		size_t	 len = strlen(de->d_name);

		if (len > 3 && strcmp(de->d_name + len - 3, ".in") == 0 &&
		    (golden[ngolden] = strndup(de->d_name, len - 3)) != NULL)
			ngolden++;
	}
	(void)closedir(d);
	qsort(golden, ngolden, sizeof golden[0], namecmp);
}

/* --- caps that golden files would make huge --- */

static void
base_block(struct sa *b)
{
	b->len = 0;
	ck_assert_int_eq(sa_cats(b, "mailward 1\nid 1.2.x\ntime 1\n"
	    "from <>\n"), 0);
}

struct capcase {
	size_t	 nrcpt;		/* rcpt lines */
	size_t	 nextra;	/* 1024-byte extra lines */
	int	 want;
};

static const struct capcase caps[] = {
	{ ENVELOPE_MAXRCPT,	0,	ENVELOPE_OK },
	{ ENVELOPE_MAXRCPT + 1,	0,	ENVELOPE_TOOLONG },
	{ 1,	ENVELOPE_MAXBLOCK / 1025 - 1,	ENVELOPE_OK },
	{ 1,	ENVELOPE_MAXBLOCK / 1025 + 1,	ENVELOPE_TOOLONG },
};

START_TEST(envelope_caps)
{
	const struct capcase	*c = &caps[_i];
	struct envelope		 e = ENVELOPE_ZERO;
	struct sa		 b = SA_ZERO, line = SA_ZERO;
	size_t			 i, hdrlen = 0;

	base_block(&b);
	for (i = 0; i < c->nrcpt; i++)
		ck_assert_int_eq(sa_catf(&b, "rcpt <u%zu@example.org>\n", i),
		    0);
	ck_assert_int_eq(sa_cats(&line, "x-pad "), 0);
	while (line.len < 1024)
		ck_assert_int_eq(sa_catc(&line, 'p'), 0);
	ck_assert_int_eq(sa_catc(&line, '\n'), 0);
	for (i = 0; i < c->nextra; i++)
		ck_assert_int_eq(sa_cat(&b, &line), 0);
	ck_assert_int_eq(sa_cats(&b, "\nbody\n"), 0);
	ck_assert_int_eq(envelope_parse(&e, b.s, b.len, &hdrlen), c->want);
	if (c->want == ENVELOPE_OK) {
		ck_assert_uint_eq(hdrlen, b.len - 5);
		ck_assert_uint_eq(e.nrcpt, c->nrcpt);
	}
	envelope_free(&e);
	sa_free(&b);
	sa_free(&line);
}
END_TEST

/* --- parse: fields and hdrlen --- */

START_TEST(envelope_fields)
{
	static const char	 in[] = "mailward 1\n"
	    "tls 1\n"
	    "id 1732690200.4411.c3f2a9\n"
	    "time 1732690200\n"
	    "remote 192.0.2.7\n"
	    "helo mx.example.org\n"
	    "from <a@example.org>\n"
	    "rcpt <b@example.net>\n"
	    "x-a 1\n"
	    "rcpt <c@example.net>\n"
	    "\n"
	    "Subject: x\n\nbody\n";
	static const char	 in2[] = "mailward 1\nid y\ntime 2\n"
	    "from <>\nrcpt <z@z>\n\n";
	struct envelope		 e = ENVELOPE_ZERO;
	size_t			 hdrlen = 0;
	const char		*r;

	ck_assert_int_eq(envelope_parse(&e, in, sizeof in - 1, &hdrlen),
	    ENVELOPE_OK);
	ck_assert_uint_eq(hdrlen,
	    sizeof in - 1 - strlen("Subject: x\n\nbody\n"));
	ck_assert_mem_eq(in + hdrlen, "Subject: x\n", 11);
	ck_assert(sa_eqs(&e.id, "1732690200.4411.c3f2a9"));
	ck_assert_uint_eq(e.time, 1732690200ULL);
	ck_assert(sa_eqs(&e.remote, "192.0.2.7"));
	ck_assert(sa_eqs(&e.helo, "mx.example.org"));
	ck_assert_int_eq(e.tls, 1);
	ck_assert(sa_eqs(&e.from, "a@example.org"));
	ck_assert_uint_eq(e.nrcpt, 2);
	r = envelope_nextrcpt(&e, NULL);
	ck_assert_str_eq(r, "b@example.net");
	r = envelope_nextrcpt(&e, r);
	ck_assert_str_eq(r, "c@example.net");
	ck_assert_ptr_null(envelope_nextrcpt(&e, r));
	ck_assert(sa_eqs(&e.extra, "x-a 1\n"));

	/* parsing again into the same struct starts from scratch */
	ck_assert_int_eq(envelope_parse(&e, in2, sizeof in2 - 1, &hdrlen),
	    ENVELOPE_OK);
	ck_assert_uint_eq(hdrlen, sizeof in2 - 1);
	ck_assert(sa_eqs(&e.id, "y"));
	ck_assert_uint_eq(e.time, 2);
	ck_assert_uint_eq(e.remote.len, 0);
	ck_assert_uint_eq(e.helo.len, 0);
	ck_assert_int_eq(e.tls, 0);
	ck_assert_uint_eq(e.from.len, 0);
	ck_assert_uint_eq(e.nrcpt, 1);
	ck_assert_str_eq(envelope_nextrcpt(&e, NULL), "z@z");
	ck_assert_uint_eq(e.extra.len, 0);
	envelope_free(&e);
}
END_TEST

/* every prefix of a good block is TRUNCATED or BARE, never OK/a crash */
START_TEST(envelope_prefixes)
{
	static const char	 in[] = "mailward 1\nid 1.2.x\ntime 1\n"
	    "from <>\nrcpt <a@b>\nx-k v\n\n";
	struct envelope		 e = ENVELOPE_ZERO;
	size_t			 n, hdrlen;
	char			*copy;

	for (n = 0; n < sizeof in - 1; n++) {
		int	 r;

		copy = malloc(n + 1);	/* valgrind sees overreads */
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, in, n);
		r = envelope_parse(&e, copy, n, &hdrlen);
		if (n < 9)	/* a prefix of "mailward " */
			ck_assert_int_eq(r, ENVELOPE_BARE);
		else
			ck_assert_msg(r == ENVELOPE_TRUNCATED,
			    "prefix %zu: %s", n, names[r]);
		free(copy);
	}
	envelope_free(&e);
}
END_TEST

/* --- building an envelope with the API, then fmt -> parse -> fmt --- */

START_TEST(envelope_roundtrip)
{
	static const char	 want[] = "mailward 1\n"
	    "id 1732690200.4411.c3f2a9\n"
	    "time 1732690200\n"
	    "remote 2001:db8::7\n"
	    "helo -\n"
	    "tls 1\n"
	    "from <>\n"
	    "rcpt <b@example.net>\n"
	    "rcpt <\"x y\"@example.net>\n"
	    "scan clean\n"
	    "\n";
	struct envelope		 e = ENVELOPE_ZERO, p = ENVELOPE_ZERO;
	struct sa		 out = SA_ZERO, out2 = SA_ZERO;
	size_t			 hdrlen = 0;

	ck_assert_int_eq(sa_copys(&e.id, "1732690200.4411.c3f2a9"), 0);
	e.time = 1732690200;
	ck_assert_int_eq(sa_copys(&e.remote, "2001:db8::7"), 0);
	e.tls = 1;
	ck_assert_int_eq(envelope_addrcpt(&e, "b@example.net", 13), 0);
	ck_assert_int_eq(envelope_addrcpt(&e, "\"x y\"@example.net", 17), 0);
	ck_assert_int_eq(envelope_set(&e, "scan", "clean", 5), 0);
	ck_assert_int_eq(sa_cats(&out, "prefix kept|"), 0);
	ck_assert_int_eq(envelope_fmt(&e, &out), 0);	/* appends */
	ck_assert_uint_eq(out.len, 12 + sizeof want - 1);
	ck_assert_mem_eq(out.s, "prefix kept|", 12);
	ck_assert_mem_eq(out.s + 12, want, sizeof want - 1);
	ck_assert_int_eq(envelope_parse(&p, out.s + 12, out.len - 12,
	    &hdrlen), ENVELOPE_OK);
	ck_assert_uint_eq(hdrlen, sizeof want - 1);
	ck_assert_int_eq(envelope_fmt(&p, &out2), 0);
	ck_assert_uint_eq(out2.len, sizeof want - 1);
	ck_assert_mem_eq(out2.s, want, sizeof want - 1);
	envelope_free(&e);
	envelope_free(&p);
	sa_free(&out);
	sa_free(&out2);
}
END_TEST

START_TEST(envelope_addrcpt_cap)
{
	struct envelope	 e = ENVELOPE_ZERO;
	size_t		 i;

	for (i = 0; i < ENVELOPE_MAXRCPT; i++)
		ck_assert_int_eq(envelope_addrcpt(&e, "a@b", 3), 0);
	errno = 0;
	ck_assert_int_eq(envelope_addrcpt(&e, "a@b", 3), -1);
	ck_assert_int_eq(errno, E2BIG);
	ck_assert_uint_eq(e.nrcpt, ENVELOPE_MAXRCPT);
	envelope_free(&e);
	ck_assert_uint_eq(e.nrcpt, 0);
	ck_assert_ptr_null(envelope_nextrcpt(&e, NULL));
}
END_TEST

/* --- extra keys: get and set --- */

static const char extra_in[] = "mailward 1\nid 1.2.x\ntime 1\nfrom <>\n"
    "rcpt <a@b>\nscan clean\nx-y 1\nscanner clamav 1.4\nnote \n\n";

struct getcase {
	const char	*key;
	const char	*want;	/* NULL: absent */
};

static const struct getcase gets[] = {
	{ "scan",	"clean" },
	{ "x-y",	"1" },
	{ "scanner",	"clamav 1.4" },
	{ "note",	"" },
	{ "sca",	NULL },		/* a prefix of a key */
	{ "scann",	NULL },
	{ "clean",	NULL },		/* a value */
	{ "x",		NULL },
	{ "id",		NULL },		/* core keys are fields */
	{ "rcpt",	NULL },
	{ "",		NULL },
};

START_TEST(envelope_get_table)
{
	const struct getcase	*c = &gets[_i];
	struct envelope		 e = ENVELOPE_ZERO;
	size_t			 hdrlen, n = 999;
	const char		*v;

	ck_assert_int_eq(envelope_parse(&e, extra_in, sizeof extra_in - 1,
	    &hdrlen), ENVELOPE_OK);
	v = envelope_get(&e, c->key, &n);
	if (c->want == NULL)
		ck_assert_ptr_null(v);
	else {
		ck_assert_ptr_nonnull(v);
		ck_assert_uint_eq(n, strlen(c->want));
		ck_assert_mem_eq(v, c->want, n);
	}
	envelope_free(&e);
}
END_TEST

struct setcase {
	const char	*key;
	struct bytes	 val;
	int		 want;		/* 0, or -1 with EINVAL */
	const char	*extra;		/* the extra block afterwards */
};

static const struct setcase sets[] = {
	/* replace: one line for the key, with the new value */
	{ "scan", S("infected"), 0,
	    "x-y 1\nscanner clamav 1.4\nnote \nscan infected\n" },
	{ "x-y", S("2"), 0,
	    "scan clean\nscanner clamav 1.4\nnote \nx-y 2\n" },
	{ "note", S("now set"), 0,
	    "scan clean\nx-y 1\nscanner clamav 1.4\nnote now set\n" },
	{ "scan", S(""), 0,
	    "x-y 1\nscanner clamav 1.4\nnote \nscan \n" },
	/* new keys go last */
	{ "sca", S("v"), 0,
	    "scan clean\nx-y 1\nscanner clamav 1.4\nnote \nsca v\n" },
	{ "stamp", S("v=1; s=\xc3\xa9"), 0,
	    "scan clean\nx-y 1\nscanner clamav 1.4\nnote \n"
	    "stamp v=1; s=\xc3\xa9\n" },
	/* refused, block unchanged */
	{ "Scan", S("x"), -1, NULL },
	{ "", S("x"), -1, NULL },
	{ "a b", S("x"), -1, NULL },
	{ "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", S("x"), -1, NULL },	/* 33 */
	{ "scan", S("a\nrcpt <evil@example.org>"), -1, NULL },
	{ "scan", S("a\rb"), -1, NULL },
	{ "scan", S("a\0b"), -1, NULL },
	{ "scan", S("\x7f"), -1, NULL },
	/* core keys are fields, not extras: setting one would smuggle a
	 * second recipient (or a duplicate) into the formatted block */
	{ "rcpt", S("<evil@example.org>"), -1, NULL },
	{ "from", S("<evil@example.org>"), -1, NULL },
	{ "id", S("x"), -1, NULL },
	{ "time", S("1"), -1, NULL },
	{ "remote", S("x"), -1, NULL },
	{ "helo", S("x"), -1, NULL },
	{ "tls", S("1"), -1, NULL },
};

START_TEST(envelope_set_table)
{
	const struct setcase	*c = &sets[_i];
	struct envelope		 e = ENVELOPE_ZERO, p = ENVELOPE_ZERO;
	struct sa		 out = SA_ZERO;
	size_t			 hdrlen, n;
	const char		*v;

	ck_assert_int_eq(envelope_parse(&e, extra_in, sizeof extra_in - 1,
	    &hdrlen), ENVELOPE_OK);
	errno = 0;
	ck_assert_int_eq(envelope_set(&e, c->key, c->val.s, c->val.n),
	    c->want);
	if (c->want == -1) {
		ck_assert_int_eq(errno, EINVAL);
		ck_assert(sa_eqs(&e.extra, "scan clean\nx-y 1\n"
		    "scanner clamav 1.4\nnote \n"));
		envelope_free(&e);
		return;
	}
	ck_assert_msg(sa_eqs(&e.extra, c->extra), "extra: %.*s",
	    (int)e.extra.len, e.extra.s);
	v = envelope_get(&e, c->key, &n);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(n, c->val.n);
	if (n > 0)
		ck_assert_mem_eq(v, c->val.s, n);
	/* and it survives fmt -> parse */
	ck_assert_int_eq(envelope_fmt(&e, &out), 0);
	ck_assert_int_eq(envelope_parse(&p, out.s, out.len, &hdrlen),
	    ENVELOPE_OK);
	ck_assert_uint_eq(p.nrcpt, 1);
	ck_assert_uint_eq(p.extra.len, e.extra.len);
	ck_assert_mem_eq(p.extra.s, e.extra.s, e.extra.len);
	envelope_free(&e);
	envelope_free(&p);
	sa_free(&out);
}
END_TEST

/* a set value is capped so the line stays within ENVELOPE_MAXLINE */
START_TEST(envelope_set_cap)
{
	struct envelope	 e = ENVELOPE_ZERO, p = ENVELOPE_ZERO;
	struct sa	 out = SA_ZERO;
	char		 v[ENVELOPE_MAXLINE];
	size_t		 max = ENVELOPE_MAXLINE - 33, hdrlen;
	static const char key[] = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";	/* 32 */

	memset(v, 'v', sizeof v);
	ck_assert_int_eq(sa_copys(&e.id, "1.2.x"), 0);
	ck_assert_int_eq(envelope_addrcpt(&e, "a@b", 3), 0);
	ck_assert_int_eq(envelope_set(&e, key, v, max), 0);
	errno = 0;
	ck_assert_int_eq(envelope_set(&e, key, v, max + 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(envelope_fmt(&e, &out), 0);
	ck_assert_int_eq(envelope_parse(&p, out.s, out.len, &hdrlen),
	    ENVELOPE_OK);
	envelope_free(&e);
	envelope_free(&p);
	sa_free(&out);
}
END_TEST

START_TEST(envelope_strerror_all)
{
	int	 r;

	for (r = ENVELOPE_OK; r <= ENVELOPE_MISSING; r++) {
		ck_assert_ptr_nonnull(envelope_strerror(r));
		ck_assert_uint_gt(strlen(envelope_strerror(r)), 0);
	}
	ck_assert_str_eq(envelope_strerror(ENVELOPE_TRUNCATED),
	    "envelope not terminated");
	ck_assert_str_eq(envelope_strerror(-5), "unknown envelope error");
}
END_TEST

static Suite *
envelope_suite(void)
{
	Suite	*s = suite_create("envelope");
	TCase	*tc = tcase_create("envelope");

	tcase_set_timeout(tc, 60);
	if (ngolden > 0)
		tcase_add_loop_test(tc, envelope_golden, 0, (int)ngolden);
	else
		tcase_add_test(tc, envelope_golden_missing);
	tcase_add_loop_test(tc, envelope_caps, 0, sizeof caps / sizeof caps[0]);
	tcase_add_test(tc, envelope_fields);
	tcase_add_test(tc, envelope_prefixes);
	tcase_add_test(tc, envelope_roundtrip);
	tcase_add_test(tc, envelope_addrcpt_cap);
	tcase_add_loop_test(tc, envelope_get_table, 0,
	    sizeof gets / sizeof gets[0]);
	tcase_add_loop_test(tc, envelope_set_table, 0,
	    sizeof sets / sizeof sets[0]);
	tcase_add_test(tc, envelope_set_cap);
	tcase_add_test(tc, envelope_strerror_all);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	size_t	 i;
	int	 r;

	golden_scan();
	r = unit_run(envelope_suite());
	for (i = 0; i < ngolden; i++)
		free(golden[i]);
	return r;
}
