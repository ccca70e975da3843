/* ISC license. */
/* check_execscan.c: scan-stage-exec's control file is parsed strictly
 * (every error names the file and line), and a vendor's command is
 * turned into verdicts fail-closed: its exit code decides, the virus
 * expression only names; anything unexpected (another code, a signal,
 * the timeout, too much output, a name on a clean exit) is an error.
 * The data reach the command as a private file, the whole message with
 * the mail prefix in front, removed after the scan. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "execscan.h"
#include "sa.h"
#include "scanres.h"
#include "unit.h"

#define BASE	"command scan %f\nclean 0\ninfected 1\n"

struct confcase {
	struct bytes	 text;
	const char	*wanterr;	/* NULL: parses */
};

static const struct confcase confs[] = {
	{ S(BASE), NULL },
	{ S("# comment\n\n  # indented comment\r\ncommand  scan\t--file=%f.x"
	    "  \r\nclean 0 2 3\ninfected 1 4\nvirus ^#(.+)# FOUND$  \n"
	    "timeout 5\nmaxoutput 100\nmaxsize 2000\nengine Vendor/1.2\n"),
	    NULL },
	{ S("clean 0\ninfected 1\n"), "c: no command" },
	{ S("command scan %f\ninfected 1\n"), "c: no clean exit codes" },
	{ S("command scan %f\nclean 0\n"), "c: no infected exit codes" },
	{ S("command scan\nclean 0\ninfected 1\n"),
	    "c line 1: no %f (the file)" },
	{ S("command scan %f %f\n"), "c line 1: %f more than once" },
	{ S("command scan %f%f\n"), "c line 1: %f more than once" },
	{ S("command scan %x %f\n"), "c line 1: % not followed by f or %" },
	{ S("command scan %f %\n"), "c line 1: % not followed by f or %" },
	{ S(BASE "clean 127\n"), "c line 4: clean given twice" },
	{ S("command scan %f\nclean 0 127\n"),
	    "c line 2: 126 and 127 mean the "
	    "command could not be run" },
	{ S("command scan %f\ninfected 256\n"),
	    "c line 2: not an exit code in 0..255" },
	{ S("command scan %f\ninfected -1\n"),
	    "c line 2: not an exit code in 0..255" },
	{ S("command scan %f\nclean 0 1\ninfected 1\n"),
	    "c: an exit code both clean and infected" },
	{ S(BASE "virus (\n"), "c line 4: not a regular expression: " },
	{ S(BASE "virus FOUND\n"), "c line 4: no (group) for the virus name" },
	{ S(BASE "timeout 0\n"), "c line 4: not a number in 1..86400" },
	{ S(BASE "timeout 86401\n"), "c line 4: not a number in 1..86400" },
	{ S(BASE "maxoutput 1k\n"), "c line 4: not a number in 1..16777216" },
	{ S(BASE "maxsize 4294967297\n"),
	    "c line 4: not a number in 1..4294967296" },
	{ S(BASE "timeout\n"), "c line 4: no value" },
	{ S(BASE "timeout 5 # five\n"), "c line 4: not a number in 1..86400" },
	{ S(BASE "Timeout 5\n"), "c line 4: unknown keyword" },
	{ S(BASE "\ntimeout\0 5\n"), "c line 5: control character" },
	{ S(BASE "timeout 5\r\r\n"), "c line 4: control character" },
	{ S(BASE "engine a b\n"),
	    "c line 4: not printable ASCII without white space" },
	{ S(BASE "engine a\nversion scan -v\n"),
	    "c: engine and version both given" },
	{ S(BASE "version scan %f\n"), "c line 4: %f in the version command" },
	{ S("command a a a a a a a a a a a a a a a a a a a a a a a a a a a a a "
	    "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a "
	    "a a a %f\n"), "c line 1: too many words" },
};

START_TEST(conf_table)
{
	const struct confcase	*t = &confs[_i];
	struct execscan_conf	 c;
	struct sa		 err = SA_ZERO;
	int			 r;

	r = execscan_parse(&c, "c", t->text.s, t->text.n, &err);
	if (t->wanterr == NULL) {
		ck_assert_msg(r == 0, "%.*s", (int)err.len, err.s);
		execscan_conf_free(&c);
	} else {
		ck_assert_int_eq(r, -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_int_eq(sa_0(&err), 0);
		ck_assert_msg(strncmp(err.s, t->wanterr, strlen(t->wanterr)) ==
		    0, "got \"%s\", want \"%s\"", err.s, t->wanterr);
	}
	sa_free(&err);
}
END_TEST

/* a control file's values land where they belong */
START_TEST(conf_values)
{
	static const char	 text[] = "command /x/scan -a --file=%%%f.x "
	    "100%%\nclean 0 3\ninfected 1 255\ntimeout 5\nmaxsize 2000\n"
	    "version /x/scan -v\n";
	struct execscan_conf	 c;
	struct sa		 err = SA_ZERO;

	ck_assert_int_eq(execscan_parse(&c, "c", text, sizeof text - 1, &err),
	    0);
	ck_assert_str_eq(c.argv[0], "/x/scan");
	ck_assert_str_eq(c.argv[2], "--file=%.x");
	ck_assert_str_eq(c.argv[3], "100%");
	ck_assert_ptr_null(c.argv[4]);
	ck_assert_uint_eq(c.fileslot, 2);
	ck_assert_str_eq(c.pre, "--file=%");
	ck_assert_str_eq(c.post, ".x");
	ck_assert_str_eq(c.version[1], "-v");
	ck_assert_ptr_null(c.engine);
	ck_assert_int_eq(c.hasvirus, 0);
	ck_assert(c.clean[0] == 0x09 && c.infected[0] == 0x02 &&
	    c.infected[31] == 0x80);
	ck_assert_uint_eq(c.timeout, 5);
	ck_assert_uint_eq(c.maxoutput, 65536);
	ck_assert_uint_eq(c.maxsize, 2000);
	execscan_conf_free(&c);
	ck_assert_int_eq(execscan_read(&c, "nonexistent", &err), -1);
	unit_sa_is(&err, "nonexistent: missing: the scanner's command must "
	    "be configured");
	sa_free(&err);
}
END_TEST

/* --- scanning through a fake vendor ------------------------------------ */

struct scancase {
	const char	*script;	/* the vendor's body; $1 the file */
	int		 leaf;
	enum scanres_verdict want;
	const char	*wantnames;
	const char	*wantwhat;	/* prefix; NULL: not checked */
};

static const struct scancase scans[] = {
	{ "echo \"$1: OK\"; exit 0", 0, SCANRES_CLEAN, "", "" },
	{ "echo \"$1: OK\"; exit 3", 1, SCANRES_CLEAN, "", "" },
	{ "echo \"$1: Foo.Bar FOUND\"; echo \"$1: Baz FOUND\"; exit 1", 1,
	    SCANRES_VIRUS, "Foo.Bar,Baz", NULL },
	{ "printf '%s: A,B\\tC\\001 FOUND\\r\\n' \"$1\"; exit 4", 1,
	    SCANRES_VIRUS, "A_B_C_", NULL },
	{ "echo garbage; exit 1", 1, SCANRES_VIRUS, EXECSCAN_UNNAMED, NULL },
	{ "exit 1", 1, SCANRES_VIRUS, EXECSCAN_UNNAMED, NULL },
	{ "echo \"$1: Heuristics.Limits.Exceeded.MaxFileSize FOUND\"; exit 1",
	    1, SCANRES_LIMIT, "Heuristics.Limits.Exceeded.MaxFileSize",
	    "MaxFileSize" },
	{ "echo 'ERROR: cannot open'; echo more; exit 2", 1, SCANRES_ERROR,
	    NULL, "fake exit 2: ERROR: cannot open" },
	{ "exit 127", 1, SCANRES_ERROR, NULL, "fake exit 127: no output" },
	{ "echo \"$1: Foo FOUND\"; exit 0", 1, SCANRES_ERROR, NULL,
	    "fake exit 0 (clean) but its output names Foo" },
	{ "echo dying; kill -KILL $$", 1, SCANRES_ERROR, NULL,
	    "fake killed by signal 9: dying" },
	{ "sleep 30", 1, SCANRES_ERROR, NULL, "fake timed out after 1 s" },
	{ "while :; do echo 0123456789; done", 1, SCANRES_ERROR, NULL,
	    "fake wrote over 1000 bytes" },
	/* the file: private, the whole message typed as mail */
	{ "[ \"$(stat -c %a \"$1\")\" = 600 ] || exit 2; cmp -s \"$1\" "
	    "\"${1%/*}/../want\" || exit 2; exit 0", 0, SCANRES_CLEAN, "",
	    "" },
	{ "[ \"$(stat -c %a \"$1\")\" = 600 ] || exit 2; cmp -s \"$1\" "
	    "\"${1%/*}/../wantleaf\" || exit 2; exit 0", 1, SCANRES_CLEAN, "",
	    "" },
};

/* The scanner over SCRATCH/fake (body) in SCRATCH/dir. */
static void
fake(struct execscan_conf *c, struct execscan *x, const char *body,
    const char *extra)
{
	char		 fn[UNIT_PATHSZ], dir[UNIT_PATHSZ];
	struct sa	 s = SA_ZERO, err = SA_ZERO;

	unit_scratch_path(fn, "fake", NULL);
	unit_scratch_path(dir, "dir", NULL);
	ck_assert_int_eq(sa_catf(&s, "#!/bin/sh\n%s\n", body), 0);
	unit_writefile(fn, s.s, s.len, 0755);
	(void)mkdir(dir, 0700);
	s.len = 0;
	ck_assert_int_eq(sa_catf(&s, "command %s %%f\nclean 0 3\n"
	    "infected 1 4\nvirus ^.*: (.+) FOUND$\ntimeout 1\n"
	    "maxoutput 1000\n%s", fn, extra), 0);
	ck_assert_msg(execscan_parse(c, "c", s.s, s.len, &err) == 0, "%.*s",
	    (int)err.len, err.s);
	ck_assert_msg(execscan_init(x, c, &err) == 0, "%.*s", (int)err.len,
	    err.s);
	ck_assert_int_eq(execscan_setdir(x, dir), 0);
	sa_free(&s);
	sa_free(&err);
}

START_TEST(scan_table)
{
	static const char	 msg[] = "Subject: x\n\nbody\n";
	const struct scancase	*t = &scans[_i];
	struct execscan_conf	 c;
	struct execscan		 x;
	struct scanres		 r;
	char			 want[UNIT_PATHSZ];

	unit_scratch_path(want, "want", NULL);
	unit_writefile(want, SCANRES_MAILPREFIX "Subject: x\n\nbody\n",
	    sizeof SCANRES_MAILPREFIX - 1 + sizeof msg - 1, 0644);
	unit_scratch_path(want, "wantleaf", NULL);
	unit_writefile(want, msg, sizeof msg - 1, 0644);
	fake(&c, &x, t->script, "");
	ck_assert_int_eq(t->leaf ? execscan_leaf(&x, msg, sizeof msg - 1, &r) :
	    execscan_message(&x, msg, sizeof msg - 1, &r), t->want);
	ck_assert_int_eq(r.verdict, t->want);
	if (t->wantnames != NULL)
		ck_assert_str_eq(r.names, t->wantnames);
	if (t->wantwhat != NULL)
		ck_assert_msg(strncmp(r.what, t->wantwhat, strlen(t->wantwhat))
		    == 0, "got \"%s\", want \"%s\"", r.what, t->wantwhat);
	ck_assert_int_eq(unit_count(x.dir, NULL, NULL), 0);	/* removed */
	execscan_free(&x);
	execscan_conf_free(&c);
}
END_TEST

/* The description: engine, the version command's first line made one
 * word, or the command's name; a failing version command is an error. */
START_TEST(scan_describe)
{
	static const char	 vs[] = "#!/bin/sh\n"
	    "printf '  Vendor  1.2/77\\tx__y \\n2\\n'\nexit $1\n";
	struct execscan_conf	 c;
	struct execscan		 x;
	struct sa		 text = SA_ZERO, err = SA_ZERO;
	char			 fn[UNIT_PATHSZ];

	fake(&c, &x, "exit 0", "engine Vendor/9.1\n");
	ck_assert_str_eq(x.desc, "Vendor/9.1");
	execscan_free(&x);
	execscan_conf_free(&c);
	fake(&c, &x, "exit 0", "");
	ck_assert_str_eq(x.desc, "fake");
	execscan_free(&x);
	execscan_conf_free(&c);
	unit_scratch_path(fn, "version", NULL);
	unit_writefile(fn, vs, sizeof vs - 1, 0755);
	ck_assert_int_eq(sa_catf(&text, "version %s 0\n", fn), 0);
	ck_assert_int_eq(sa_0(&text), 0);
	fake(&c, &x, "exit 0", text.s);
	ck_assert_str_eq(x.desc, "Vendor_1.2/77_x__y");
	execscan_free(&x);
	execscan_conf_free(&c);
	text.len = 0;
	ck_assert_int_eq(sa_catf(&text, "command %s %%f\nclean 0\n"
	    "infected 1\nversion %s 3\n", fn, fn), 0);
	ck_assert_int_eq(execscan_parse(&c, "c", text.s, text.len, &err), 0);
	ck_assert_int_eq(execscan_init(&x, &c, &err), -1);
	unit_sa_is(&err, "version command version: exited 3: "
	    "Vendor  1.2/77_x__y");
	execscan_free(&x);
	execscan_conf_free(&c);
	sa_free(&text);
	sa_free(&err);
}
END_TEST

/* no directory yet: an error, never clean */
START_TEST(scan_nodir)
{
	struct execscan_conf	 c;
	struct execscan		 x;
	struct scanres		 r;

	fake(&c, &x, "exit 0", "");
	execscan_free(&x);
	ck_assert_int_eq(execscan_leaf(&x, "data", 4, &r), SCANRES_ERROR);
	ck_assert_str_eq(r.what, "no temporary directory");
	execscan_conf_free(&c);
}
END_TEST

static Suite *
execscan_suite(void)
{
	Suite	*s = suite_create("execscan");
	TCase	*tc = tcase_create("conf"), *sc = tcase_create("scan");

	tcase_add_loop_test(tc, conf_table, 0, sizeof confs / sizeof confs[0]);
	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_test(tc, conf_values);
	suite_add_tcase(s, tc);
	tcase_set_timeout(sc, 30);
	tcase_add_unchecked_fixture(sc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(sc, unit_scratch_enter, unit_scratch_leave);
	tcase_add_loop_test(sc, scan_table, 0, sizeof scans / sizeof scans[0]);
	tcase_add_test(sc, scan_describe);
	tcase_add_test(sc, scan_nodir);
	suite_add_tcase(s, sc);
	return s;
}

int
main(void)
{
	return unit_run(execscan_suite());
}
