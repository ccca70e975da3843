/* ISC license. */
/* check_mwlog.c: log lines (one write each, 1000-byte cap) and escaping.
 *
 * Standard error is captured by dup2()ing one end of a SOCK_SEQPACKET
 * socketpair onto fd 2: like a pipe it carries the bytes, and unlike a
 * pipe it keeps write boundaries, so the test sees how many write(2)
 * calls one mwlog() made, not just the bytes. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mwlog.h"
#include "unit.h"

struct capture {
	int	 sock;		/* our end */
	int	 saved;		/* the real fd 2 */
};

static void
capture_start(struct capture *c)
{
	int	 sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    sv), 0);
	c->saved = fcntl(2, F_DUPFD_CLOEXEC, 10);
	ck_assert_int_ge(c->saved, 0);
	ck_assert_int_eq(dup2(sv[1], 2), 2);
	ck_assert_int_eq(close(sv[1]), 0);
	c->sock = sv[0];
}

/* Restore fd 2; return the records written meanwhile, each one write. */
static size_t
capture_end(struct capture *c, char rec[][2048], size_t *len, size_t max)
{
	size_t	 n = 0;
	ssize_t	 r;

	ck_assert_int_eq(dup2(c->saved, 2), 2);
	ck_assert_int_eq(close(c->saved), 0);
	while (n < max && (r = recv(c->sock, rec[n], sizeof rec[n],
	    MSG_DONTWAIT)) > 0)
		len[n++] = (size_t)r;
	ck_assert_int_eq(close(c->sock), 0);
	return n;
}

/* --- mwlog(): one line, one write --- */

struct logcase {
	const char	*prog;
	int		 level;
	struct bytes	 msg;
	struct bytes	 want;
};

static const struct logcase logs[] = {
	{ "smtp-recv", MWLOG_INFO,
	    S("1732690200.4411.c3f2a9 queued from=<a@example.org> nrcpt=2"),
	    S("smtp-recv: info: 1732690200.4411.c3f2a9 queued "
	    "from=<a@example.org> nrcpt=2\n") },
	{ "/usr/local/libexec/mailward/relay", MWLOG_WARN,
	    S("x defer reply=\"451 4.7.1 try later\""),
	    S("relay: warning: x defer reply=\"451 4.7.1 try later\"\n") },
	{ "spool-run", MWLOG_FATAL,
	    S("unable to open queue/incoming/new: Permission denied"),
	    S("spool-run: fatal: unable to open queue/incoming/new: "
	    "Permission denied\n") },
	{ "./deliver-maildir", MWLOG_DEBUG, S(""),
	    S("deliver-maildir: debug: \n") },
	{ "relay/", MWLOG_INFO, S("x"), S(": info: x\n") },
};

START_TEST(mwlog_table)
{
	const struct logcase	*c = &logs[_i];
	struct capture		 cap;
	char			 rec[2][2048];
	size_t			 len[2];

	mwlog_init(c->prog);
	capture_start(&cap);
	mwlog((enum mwlog_level)c->level, "%.*s", (int)c->msg.n, c->msg.s);
	ck_assert_uint_eq(capture_end(&cap, rec, len, 2), 1);
	ck_assert_uint_eq(len[0], c->want.n);
	ck_assert_mem_eq(rec[0], c->want.s, c->want.n);
}
END_TEST

/* The cap: the whole line, newline included, is at most MWLOG_MAX bytes;
 * a cut line keeps its first MWLOG_MAX - 4 bytes and ends in "...\n". */
struct capcase {
	size_t	 prog;		/* program name length */
	size_t	 msg;		/* message length */
	size_t	 want;		/* line length */
	int	 cut;
};

static const struct capcase caps[] = {
	{ 5,	10,	5 + 11 + 10 + 1, 0 },	/* "ppppp: warning: " */
	{ 5,	983,	1000,	0 },	/* 999 bytes and the newline */
	{ 5,	984,	1000,	1 },	/* one more: cut */
	{ 5,	5000,	1000,	1 },
	{ 5,	100000,	1000,	1 },
	{ 988,	0,	1000,	0 },	/* a long program name */
	{ 989,	0,	1000,	1 },
	{ 990,	0,	1000,	1 },
	{ 991,	0,	1000,	1 },
	{ 2000,	0,	1000,	1 },
	{ 2000,	2000,	1000,	1 },
	{ 2000,	100000,	1000,	1 },
};

START_TEST(mwlog_cap)
{
	const struct capcase	*c = &caps[_i];
	struct capture		 cap;
	char			 rec[2][2048], *full, *msg, *prog;
	size_t			 len[2], i, fn;

	fn = c->prog + 11 + c->msg + 1;
	full = malloc(fn + 1);
	ck_assert_ptr_nonnull(full);
	memset(full, 'p', c->prog);
	memcpy(full + c->prog, ": warning: ", 11);
	msg = full + c->prog + 11;
	for (i = 0; i < c->msg; i++)
		msg[i] = (char)('a' + i % 26);
	full[fn - 1] = '\n';
	full[fn] = '\0';

	prog = strndup(full, c->prog);		/* kept by pointer */
	ck_assert_ptr_nonnull(prog);
	mwlog_init(prog);
	capture_start(&cap);
	mwlog(MWLOG_WARN, "%.*s", (int)c->msg, msg);
	ck_assert_uint_eq(capture_end(&cap, rec, len, 2), 1);
	ck_assert_uint_eq(len[0], c->want);
	ck_assert_ptr_null(memchr(rec[0], '\n', len[0] - 1));
	if (c->cut) {
		ck_assert_mem_eq(rec[0], full, MWLOG_MAX - 4);
		ck_assert_mem_eq(rec[0] + MWLOG_MAX - 4, "...\n", 4);
	} else {
		ck_assert_uint_eq(len[0], fn);
		ck_assert_mem_eq(rec[0], full, fn);
	}
	free(full);
	free(prog);
}
END_TEST

/* one line per call, in order, however many calls */
START_TEST(mwlog_lines)
{
	static const char *const want[] = {
		"t: info: c3f2a9 accept remote=192.0.2.7\n",
		"t: info: c3f2a9 n=2\n",
		"t: warning: bye\n",
	};
	struct capture	 cap;
	char		 rec[4][2048];
	size_t		 len[4], i;

	mwlog_init("t");
	capture_start(&cap);
	mwlog(MWLOG_INFO, "%s accept remote=%s", "c3f2a9", "192.0.2.7");
	mwlog(MWLOG_INFO, "%s n=%d", "c3f2a9", 2);
	mwlog(MWLOG_WARN, "%s", "bye");
	ck_assert_uint_eq(capture_end(&cap, rec, len, 4), 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(len[i], strlen(want[i]));
		ck_assert_mem_eq(rec[i], want[i], len[i]);
	}
}
END_TEST

/* errno survives a log call, also when the write fails */
START_TEST(mwlog_errno)
{
	struct capture	 cap;
	char		 rec[1][2048];
	size_t		 len[1];
	int		 saved;

	mwlog_init("t");
	capture_start(&cap);
	errno = EACCES;
	mwlog(MWLOG_INFO, "x");
	ck_assert_int_eq(errno, EACCES);
	ck_assert_uint_eq(capture_end(&cap, rec, len, 1), 1);

	saved = fcntl(2, F_DUPFD_CLOEXEC, 10);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(close(2), 0);
	errno = ENOSPC;
	mwlog(MWLOG_INFO, "nowhere");		/* EBADF inside */
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(dup2(saved, 2), 2);
	ck_assert_int_eq(close(saved), 0);
}
END_TEST

/* --- mwlog_esc() --- */

struct esccase {
	struct bytes	 in;
	size_t		 outsz;
	const char	*want;
};

static const struct esccase escs[] = {
	{ S("mx.example.org"),	64,	"mx.example.org" },
	{ S("<a@b.c>"),		64,	"<a@b.c>" },
	{ S(""),		64,	"\"\"" },
	{ S("a b"),		64,	"\"a b\"" },
	{ S(" "),		64,	"\" \"" },
	{ S("451 4.7.1 try later"), 64,	"\"451 4.7.1 try later\"" },
	/* control characters: no fake lines */
	{ S("a\r\nsmtp-recv: info: fake"), 64,
	    "\"a\\x0d\\x0asmtp-recv: info: fake\"" },
	{ S("a\tb"),		64,	"a\\x09b" },	/* not quoted */
	{ S("nul\0x"),		64,	"nul\\x00x" },
	{ S("\x1b[31m"),	64,	"\\x1b[31m" },
	{ S("\x7f\x80\xff"),	64,	"\\x7f\\x80\\xff" },
	{ S("j\xc3\xb6rg"),	64,	"j\\xc3\\xb6rg" },
	/* quotes and backslashes */
	{ S("say \"hi\""),	64,	"\"say \\\"hi\\\"\"" },
	{ S("\"q\""),		64,	"\\\"q\\\"" },
	{ S("back\\slash"),	64,	"back\\\\slash" },
	{ S("~!#$%&'()*+,-./:;<=>?@[]^_`{|}"), 64,
	    "~!#$%&'()*+,-./:;<=>?@[]^_`{|}" },
	/* truncation: cut visibly, never inside an escape, always bounded */
	{ S("abcdefghijklmnop"),	10,	"abcdef..." },
	{ S("abcdefghi"),	10,	"abcdefghi" },	/* fits exactly */
	{ S("abcdefghij"),	10,	"abcdef..." },
	{ S("abcde\x01"),	10,	"abcde\\x01" },	/* fits exactly */
	{ S("abcd\x01zzzzzzz"),	10,	"abcd..." },
	{ S("a b c d e f g h"),	12,	"\"a b c ...\"" },
	{ S("a b c d"),		10,	"\"a b c d\"" },	/* just fits */
	{ S("\"\"\"\"\"\""),	12,	"\\\"\\\"\\\"\\\"..." },
	{ S("abcdefgh"),	8,	"abcd..." },
	{ S("abcdefg"),		8,	"abcdefg" },
};

START_TEST(mwlog_esc_table)
{
	const struct esccase	*c = &escs[_i];
	char			 out[256];
	char			*r;

	memset(out, 'Z', sizeof out);
	r = mwlog_esc(out, c->outsz, c->in.s, c->in.n);
	ck_assert_ptr_eq(r, out);
	ck_assert_str_eq(out, c->want);
	ck_assert_uint_lt(strlen(out), c->outsz);
	ck_assert_int_eq(out[c->outsz], 'Z');	/* nothing past outsz */
}
END_TEST

/* every input, every size: bounded, NUL-terminated, printable */
START_TEST(mwlog_esc_bounds)
{
	char	 in[300], out[128];
	size_t	 sz, n, i;

	for (i = 0; i < sizeof in; i++)
		in[i] = (char)(i * 37 + _i);
	for (sz = 0; sz < 100; sz++)
		for (n = 0; n < sizeof in; n += 13) {
			memset(out, 'Z', sizeof out);
			(void)mwlog_esc(out, sz, in, n);
			for (i = 0; i < sz && out[i] != '\0'; i++)
				ck_assert(out[i] >= 0x20 && out[i] < 0x7f);
			if (sz > 0)
				ck_assert_uint_lt(i, sz);
			ck_assert_int_eq(out[sz], 'Z');
		}
}
END_TEST

START_TEST(mwlog_escs_str)
{
	char	 out[32];

	ck_assert_str_eq(mwlog_escs(out, sizeof out, "helo \"x\"\n"),
	    "\"helo \\\"x\\\"\\x0a\"");
	ck_assert_str_eq(mwlog_escs(out, sizeof out, ""), "\"\"");
}
END_TEST

static Suite *
mwlog_suite(void)
{
	Suite	*s = suite_create("mwlog");
	TCase	*tc = tcase_create("mwlog");

	tcase_add_loop_test(tc, mwlog_table, 0, sizeof logs / sizeof logs[0]);
	tcase_add_loop_test(tc, mwlog_cap, 0, sizeof caps / sizeof caps[0]);
	tcase_add_test(tc, mwlog_lines);
	tcase_add_test(tc, mwlog_errno);
	tcase_add_loop_test(tc, mwlog_esc_table, 0,
	    sizeof escs / sizeof escs[0]);
	tcase_add_loop_test(tc, mwlog_esc_bounds, 0, 3);
	tcase_add_test(tc, mwlog_escs_str);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(mwlog_suite());
}
