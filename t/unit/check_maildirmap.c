/* ISC license. */
/* check_maildirmap.c: control/maildirs parsing and lookup. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maildirmap.h"
#include "unit.h"

/* one table used by the lookups */
static const char table[] =
    "# local mailboxes\n"
    "alice@example.org  /var/mail/alice\n"
    "\t@Example.ORG\tcatchall   # the rest of the domain\n"
    "\n"
    "Bob@Example.net Maildir/\r\n"
    "postmaster /var/mail/pm";

struct lookcase {
	const char	*addr;
	const char	*want;		/* NULL: unknown */
};

static const struct lookcase looks[] = {
	{ "alice@example.org",		"/var/mail/alice" },
	{ "ALICE@EXAMPLE.ORG",		"/var/mail/alice" },	/* case */
	{ "carol@example.org",		"catchall" },		/* @domain */
	{ "carol@EXAMPLE.org",		"catchall" },
	{ "bob@example.net",		"Maildir/" },
	{ "carol@example.net",		NULL },			/* no @ line */
	{ "alice@sub.example.org",	NULL },			/* no suffix */
	{ "alice@example.orgx",		NULL },
	{ "postmaster",			"/var/mail/pm" },
	{ "POSTMASTER",			"/var/mail/pm" },
	{ "nobody",			NULL },
	{ "",				NULL },
};

START_TEST(lookup_table)
{
	const struct lookcase	*c = &looks[_i];
	struct maildirmap	 m = MAILDIRMAP_ZERO;
	struct sa		 err = SA_ZERO;
	const char		*got;

	ck_assert_int_eq(maildirmap_parse(&m, "control/maildirs", table,
	    sizeof table - 1, &err), 0);
	ck_assert_uint_eq(m.n, 4);
	got = maildirmap_lookup(&m, c->addr, strlen(c->addr));
	if (c->want == NULL)
		ck_assert_ptr_null(got);
	else {
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, c->want);
	}
	maildirmap_free(&m);
	sa_free(&err);
}
END_TEST

/* an exact address beats @domain whatever the order of the lines */
START_TEST(exact_beats_domain)
{
	static const char	 t[] = "@d.example x\nu@d.example y\n";
	struct maildirmap	 m = MAILDIRMAP_ZERO;
	struct sa		 err = SA_ZERO;

	ck_assert_int_eq(maildirmap_parse(&m, "f", t, sizeof t - 1, &err), 0);
	ck_assert_str_eq(maildirmap_lookup(&m, "U@d.example", 11), "y");
	ck_assert_str_eq(maildirmap_lookup(&m, "v@d.example", 11), "x");
	maildirmap_free(&m);
	sa_free(&err);
}
END_TEST

struct badcase {
	const char	*in;
	const char	*want;		/* the whole error message */
};

static const struct badcase bads[] = {
	{ "a@example.org\n",		"cm line 1: missing path" },
	{ "# c\n\na@example.org  \n",	"cm line 3: missing path" },
	{ "a@example.org p q\n",	"cm line 1: more than two words" },
	{ "x p\n",			"cm line 1: bad address" },
	{ "a@@example.org p\n",		"cm line 1: bad address" },
	{ "a@exa_mple.org p\n",		"cm line 1: bad address" },
	{ "@ p\n",			"cm line 1: bad domain" },
	{ "@-bad.example p\n",		"cm line 1: bad domain" },
	{ "<a@example.org> p\n",	"cm line 1: bad address" },
	{ "a@example.org p\nA@EXAMPLE.org q\n",
					"cm line 2: duplicate address" },
	{ "@example.org p\n@Example.Org q\n",
					"cm line 2: duplicate address" },
	{ "ok@example.org p\nb\0d@example.org p\n", "cm line 2: NUL byte" },
};

START_TEST(bad_table)
{
	const struct badcase	*c = &bads[_i];
	struct maildirmap	 m = MAILDIRMAP_ZERO;
	struct sa		 err = SA_ZERO;
	size_t			 n = strlen(c->in);

	if (strstr(c->want, "NUL") != NULL)	/* has an embedded NUL */
		n = strlen(c->in) + 1 + strlen(c->in + strlen(c->in) + 1);
	ck_assert_int_eq(maildirmap_parse(&m, "cm", c->in, n, &err), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(err.len, strlen(c->want));
	ck_assert_mem_eq(err.s, c->want, err.len);
	maildirmap_free(&m);
	sa_free(&err);
}
END_TEST

START_TEST(path_too_long)
{
	struct maildirmap	 m = MAILDIRMAP_ZERO;
	struct sa		 err = SA_ZERO, in = SA_ZERO;
	size_t			 i;

	ck_assert_int_eq(sa_cats(&in, "a@example.org "), 0);
	for (i = 0; i <= MAILDIRMAP_MAXPATH; i++)
		ck_assert_int_eq(sa_catc(&in, 'p'), 0);
	ck_assert_int_eq(maildirmap_parse(&m, "cm", in.s, in.len, &err), -1);
	ck_assert(sa_eqs(&err, "cm line 1: path too long"));
	maildirmap_free(&m);
	sa_free(&err);
	sa_free(&in);
}
END_TEST

START_TEST(load_file)
{
	struct maildirmap	 m = MAILDIRMAP_ZERO;
	struct sa		 err = SA_ZERO;
	char			 fn[UNIT_PATHSZ];

	unit_scratch_make();
	unit_scratch_path(fn, "maildirs", NULL);
	/* absent: an empty table */
	ck_assert_int_eq(maildirmap_load(&m, fn, &err), 0);
	ck_assert_uint_eq(m.n, 0);
	unit_writefile(fn, table, sizeof table - 1, 0644);
	ck_assert_int_eq(maildirmap_load(&m, fn, &err), 1);
	ck_assert_str_eq(maildirmap_lookup(&m, "x@example.org", 13),
	    "catchall");
	maildirmap_free(&m);
	unit_scratch_remove();
	sa_free(&err);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("maildirmap");
	TCase	*tc = tcase_create("maildirmap");

	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_loop_test(tc, lookup_table, 0, sizeof looks / sizeof looks[0]);
	tcase_add_loop_test(tc, bad_table, 0, sizeof bads / sizeof bads[0]);
	tcase_add_test(tc, exact_beats_domain);
	tcase_add_test(tc, path_too_long);
	tcase_add_test(tc, load_file);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
