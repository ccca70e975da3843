/* ISC license. */
/* check_clamd.c: the clamd client.  The reply and version parsers over
 * tables; the protocol against a fake clamd, forked, on a unix socket in
 * a scratch directory: it checks every byte of the INSTREAM it gets
 * (command, chunks, terminator, SCANRES_MAILPREFIX in front of a
 * message), reads slowly, answers early, answers nonsense or too much,
 * hangs, or hangs up; none of that is ever CLEAN. */
#include "sysdeps.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clamd.h"
#include "sa.h"
#include "scanres.h"
#include "unit.h"

#define BIG	(4UL << 20)	/* more than a unix socket buffers */

/* --- the parsers ----------------------------------------------------------- */

struct replycase {
	struct bytes	 in;
	int		 whole;
	int		 want;
	const char	*names;		/* NULL: not checked */
	const char	*what;		/* a substring of r.what */
};

static const struct replycase replies[] = {
	{ S("stream: OK\0"), 1, SCANRES_CLEAN, "", "" },
	{ S("stream: Eicar-Test-Signature FOUND\0"), 1, SCANRES_VIRUS,
	    "Eicar-Test-Signature", "" },
	{ S("stream: A.B FOUND\0stream: C-D FOUND\0"), 1, SCANRES_VIRUS,
	    "A.B,C-D", "" },
	{ S("stream: A name with spaces FOUND\0"), 1, SCANRES_VIRUS,
	    "A name with spaces", "" },
	{ S("stream: Heuristics.Limits.Exceeded.MaxFileSize FOUND\0"), 1,
	    SCANRES_LIMIT, "Heuristics.Limits.Exceeded.MaxFileSize",
	    "MaxFileSize" },
	{ S("stream: Heuristics.Encrypted.Zip FOUND\0"), 1, SCANRES_ENCRYPTED,
	    "Heuristics.Encrypted.Zip", "Zip" },
	{ S("stream: Heuristics.Limits.Exceeded.MaxFiles FOUND\0"
	    "stream: Win.Test.EICAR_HDB-1 FOUND\0"), 1, SCANRES_VIRUS,
	    "Heuristics.Limits.Exceeded.MaxFiles,Win.Test.EICAR_HDB-1", "" },
	{ S("INSTREAM size limit exceeded. ERROR\0"), 1, SCANRES_LIMIT, "",
	    "StreamMaxLength" },
	{ S("INSTREAM size limit exceeded. ERROR\0"), 0, SCANRES_LIMIT, "",
	    "StreamMaxLength" },
	/* the data cut short: a name found in what came is still a virus */
	{ S("stream: OK\0"), 0, SCANRES_ERROR, NULL, "before the end" },
	{ S("stream: X FOUND\0"), 0, SCANRES_ERROR, NULL, "before the end" },
	{ S("stream: Can't allocate memory ERROR\0"), 1, SCANRES_ERROR, NULL,
	    "clamd: stream: Can't allocate memory ERROR" },
	{ S("stream: OK\0stream: X FOUND\0"), 1, SCANRES_ERROR, NULL,
	    "unexpected" },
	{ S("stream: OK\0stream: OK\0"), 1, SCANRES_ERROR, NULL,
	    "unexpected" },
	{ S("stream: OK"), 1, SCANRES_ERROR, NULL, "cut short" },
	{ S("stream: OK\n"), 1, SCANRES_ERROR, NULL, "cut short" },
	{ S(""), 1, SCANRES_ERROR, NULL, "empty" },
	{ S("\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
	{ S("stream: OK\0\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
	{ S("UNKNOWN COMMAND\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
	{ S("stream: ok\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
	{ S("stream:  FOUND\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
	{ S("stream: FOUND\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
	{ S("stream:  X FOUND\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
	{ S("stream: X\nY FOUND\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
	{ S("stream: X\xff FOUND\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
	{ S("1: stream: OK\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
	{ S("stream: OK FOUND\0"), 1, SCANRES_VIRUS, "OK", "" },
	{ S("PONG\0"), 1, SCANRES_ERROR, NULL, "unexpected" },
};

START_TEST(clamd_reply_table)
{
	const struct replycase	*c = &replies[_i];
	struct scanres		 r;

	ck_assert_int_eq(clamd_parsereply(c->in.s, c->in.n, c->whole, &r),
	    c->want);
	ck_assert_int_eq(r.verdict, c->want);
	if (c->names != NULL)
		ck_assert_str_eq(r.names, c->names);
	ck_assert_msg(strstr(r.what, c->what) != NULL, "what '%s', want '%s'",
	    r.what, c->what);
}
END_TEST

START_TEST(clamd_reply_long_name)
{
	struct sa	 in = SA_ZERO;
	struct scanres	 r;
	size_t		 i;

	/* CLAMD_NAMEMAX - 1 bytes: a name; one more: nonsense */
	for (i = 0; i < 2; i++) {
		in.len = 0;
		ck_assert_int_eq(sa_cats(&in, "stream: "), 0);
		while (in.len < 8 + CLAMD_NAMEMAX - 1 + i)
			ck_assert_int_eq(sa_catc(&in, 'n'), 0);
		ck_assert_int_eq(sa_catb(&in, " FOUND", 7), 0);
		ck_assert_int_eq(clamd_parsereply(in.s, in.len, 1, &r),
		    i == 0 ? SCANRES_VIRUS : SCANRES_ERROR);
	}
	sa_free(&in);
}
END_TEST

struct versioncase {
	struct bytes	 in;
	const char	*want;		/* NULL: refused */
};

static const struct versioncase versions[] = {
	{ S("ClamAV 1.4.6/27000/Thu Nov 26 08:00:00 2026\0"), "1.4.6/27000" },
	{ S("ClamAV 1.4.6\0"), "1.4.6/0" },
	{ S("ClamAV 1.5.0-rc1/27001\0"), "1.5.0-rc1/27001" },
	{ S("ClamAV 1.4.6/27000/Thu Nov 26 08:00:00 2026"), NULL },
	{ S("ClamAV 1.4.6/27000/Thu\0Nov\0"), NULL },
	{ S("ClamAV 1.4.6/x/Thu\0"), NULL },
	{ S("ClamAV 1.4.6/\0"), NULL },
	{ S("ClamAV 1.4.6//\0"), NULL },
	{ S("ClamAV /27000\0"), NULL },
	{ S("ClamAV 1 4/27000\0"), NULL },
	{ S("ClamAV 1.4.6/12345678901\0"), NULL },
	{ S("ClamAV 1.4.6/27000/\x01\0"), NULL },
	{ S("ClamAV \0"), NULL },
	{ S("clamav 1.4.6\0"), NULL },
	{ S("UNKNOWN COMMAND\0"), NULL },
	{ S(""), NULL },
};

START_TEST(clamd_version_table)
{
	const struct versioncase	*c = &versions[_i];
	struct sa			 out = SA_ZERO;

	ck_assert_int_eq(sa_cats(&out, "clamd/"), 0);
	if (c->want == NULL) {
		ck_assert_int_eq(clamd_parseversion(c->in.s, c->in.n, &out),
		    -1);
		ck_assert_int_eq(errno, EPROTO);
		unit_sa_is(&out, "clamd/");
	} else {
		ck_assert_int_eq(clamd_parseversion(c->in.s, c->in.n, &out),
		    0);
		ck_assert_int_eq(out.len, 6 + strlen(c->want));
		ck_assert_mem_eq(out.s + 6, c->want, out.len - 6);
	}
	sa_free(&out);
}
END_TEST

struct addrcase {
	const char	*in;
	int		 ok;
	const char	*host;
	unsigned int	 port;
};

static const struct addrcase addrs[] = {
	{ "/run/clamav/clamd.ctl", 1, "/run/clamav/clamd.ctl", 0 },
	{ "127.0.0.1:3310", 1, "127.0.0.1", 3310 },
	{ "[::1]:3310", 1, "::1", 3310 },
	{ "clamd.example.org:3310", 1, "clamd.example.org", 3310 },
	{ "127.0.0.1", 0, NULL, 0 },		/* the port is required */
	{ "127.0.0.1:0", 0, NULL, 0 },
	{ "127.0.0.1:65536", 0, NULL, 0 },
	{ "[::1]", 0, NULL, 0 },
	{ "::1:3310", 0, NULL, 0 },
	{ "run/clamd.ctl", 0, NULL, 0 },
	{ "", 0, NULL, 0 },
	{ "/a/path/longer/than/a/sun_path/can/hold/0123456789/0123456789/"
	    "0123456789/0123456789/0123456789/0123456789/0123456789", 0, NULL,
	    0 },
};

START_TEST(clamd_init_table)
{
	const struct addrcase	*c = &addrs[_i];
	struct clamd		 cd;

	if (!c->ok) {
		ck_assert_int_eq(clamd_init(&cd, c->in, strlen(c->in), 1000,
		    100), -1);
		ck_assert_int_eq(errno, EINVAL);
		return;
	}
	ck_assert_int_eq(clamd_init(&cd, c->in, strlen(c->in), 1000, 100), 0);
	ck_assert_str_eq(cd.host, c->host);
	ck_assert_str_eq(cd.addr, c->in);
	ck_assert_uint_eq(cd.port, c->port);
	ck_assert_int_eq(clamd_init(&cd, "/x", 2, 0, 100), -1);
	ck_assert_int_eq(clamd_init(&cd, "/x", 2, 1000, 0), -1);
	ck_assert_int_eq(clamd_init(&cd, "/x\0y", 4, 1000, 100), -1);
}
END_TEST

/* --- a fake clamd ------------------------------------------------------------ */

enum fake_when {
	FAKE_AFTER,	/* answer after the terminating chunk */
	FAKE_EARLY,	/* answer after the command and 4 bytes, then close */
	FAKE_SILENT,	/* read everything, never answer */
	FAKE_CLOSE,	/* hang up at once */
	FAKE_SHUTRD,	/* read the command, refuse the rest (the client's
			 * next write fails: EPIPE, never SIGPIPE), wait */
	FAKE_NOACCEPT	/* listen, never accept */
};

struct srvcase {
	const char	*name;
	int		 leaf;		/* 0: a message (prefixed) */
	size_t		 len;		/* bytes of data sent */
	int		 when;
	struct bytes	 reply;
	size_t		 readsz;	/* the fake's reads; 0: 65536 */
	unsigned long	 timeout;	/* ms */
	enum scanres_verdict want;
	const char	*names;		/* NULL: not checked */
	const char	*what;		/* a substring of r.what */
	struct bytes	 head;		/* the data's first bytes */
};

#define NONE	{ NULL, 0 }

static const struct srvcase srvs[] = {
	{ "ok", 0, 100, FAKE_AFTER, S("stream: OK\0"), 0, 5000,
	    SCANRES_CLEAN, "", "", NONE },
	{ "ok, empty message", 0, 0, FAKE_AFTER, S("stream: OK\0"), 0, 5000,
	    SCANRES_CLEAN, "", "", NONE },
	{ "ok, a slow reader (partial writes)", 1, BIG, FAKE_AFTER,
	    S("stream: OK\0"), 777, 20000, SCANRES_CLEAN, "", "", NONE },
	{ "ok, chunk sizes", 1, 3 * CLAMD_CHUNK + 1, FAKE_AFTER,
	    S("stream: OK\0"), 0, 5000, SCANRES_CLEAN, "", "", NONE },
	{ "found", 0, 1000, FAKE_AFTER,
	    S("stream: Mailward.Test.EICAR.UNOFFICIAL FOUND\0"), 0, 5000,
	    SCANRES_VIRUS, "Mailward.Test.EICAR.UNOFFICIAL", "", NONE },
	{ "found twice", 1, 1000, FAKE_AFTER,
	    S("stream: A FOUND\0stream: B FOUND\0"), 0, 5000, SCANRES_VIRUS,
	    "A,B", "", NONE },
	{ "heuristic limit", 1, 1000, FAKE_AFTER,
	    S("stream: Heuristics.Limits.Exceeded.MaxRecursion FOUND\0"), 0,
	    5000, SCANRES_LIMIT, NULL, "MaxRecursion", NONE },
	{ "size limit before the end", 1, BIG, FAKE_EARLY,
	    S("INSTREAM size limit exceeded. ERROR\0"), 0, 5000,
	    SCANRES_LIMIT, "", "StreamMaxLength", NONE },
	{ "size limit at the end", 1, 1000, FAKE_AFTER,
	    S("INSTREAM size limit exceeded. ERROR\0"), 0, 5000,
	    SCANRES_LIMIT, "", "StreamMaxLength", NONE },
	{ "OK before the end", 1, BIG, FAKE_EARLY, S("stream: OK\0"), 0,
	    5000, SCANRES_ERROR, NULL, "before the end", NONE },
	{ "another error", 0, 100, FAKE_AFTER,
	    S("stream: Can't create temporary file ERROR\0"), 0, 5000,
	    SCANRES_ERROR, NULL, "Can't create temporary file ERROR", NONE },
	{ "nonsense", 0, 100, FAKE_AFTER, S("hello, world\0"), 0, 5000,
	    SCANRES_ERROR, NULL, "unexpected", NONE },
	{ "no NUL", 0, 100, FAKE_AFTER, S("stream: OK"), 0, 5000,
	    SCANRES_ERROR, NULL, "cut short", NONE },
	{ "nothing", 0, 100, FAKE_AFTER, S(""), 0, 5000, SCANRES_ERROR, NULL,
	    "empty", NONE },
	{ "over-long", 0, 100, FAKE_AFTER, { NULL, CLAMD_REPLYMAX + 1 }, 0,
	    5000, SCANRES_ERROR, NULL, "over 4096 bytes", NONE },
	{ "hangs up at once", 1, BIG, FAKE_CLOSE, S(""), 0, 5000,
	    SCANRES_ERROR, NULL, "clamd", NONE },
	{ "stops reading", 1, BIG, FAKE_SHUTRD, S(""), 0, 500,
	    SCANRES_ERROR, NULL, "timed out", NONE },
	{ "silent", 0, 100, FAKE_SILENT, S(""), 0, 300, SCANRES_ERROR, NULL,
	    "timed out", NONE },
	{ "silent, big", 1, BIG, FAKE_SILENT, S(""), 0, 300, SCANRES_ERROR,
	    NULL, "timed out", NONE },
	{ "never accepts", 1, BIG, FAKE_NOACCEPT, S(""), 0, 300,
	    SCANRES_ERROR, NULL, "timed out", NONE },
};

static char	 sockpath[UNIT_PATHSZ];

/* the case's data: a pattern, NULs included, after its head */
static char *
testdata(const struct srvcase *c)
{
	char	*p = malloc(c->len + 1);
	size_t	 i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < c->len; i++)
		p[i] = (char)(i * 7 + i / 251);
	if (c->head.n > 0)
		memcpy(p, c->head.s, c->head.n < c->len ? c->head.n : c->len);
	return p;
}

/* n bytes, at most max at a time; 0 or -1 (EOF, error) */
static int
readn(int fd, void *buf, size_t n, size_t max)
{
	char	*p = buf;
	ssize_t	 r;

	while (n > 0) {
		r = read(fd, p, n < max ? n : max);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
writen(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The fake's INSTREAM: the command, then chunks to the terminator; the
 * data must be what the client was given.  The exit code. */
static int
fake_stream(int fd, const struct srvcase *c, size_t max)
{
	static const char	 cmd[] = "zINSTREAM";
	size_t			 plen = c->leaf ? 0 : sizeof SCANRES_MAILPREFIX - 1;
	size_t			 got = 0, n;
	unsigned char		 h[4];
	char			*data, *want, buf[sizeof cmd];

	if (readn(fd, buf, sizeof cmd, max) == -1 ||
	    memcmp(buf, cmd, sizeof cmd) != 0)
		return 10;
	if ((data = malloc(plen + c->len + 1)) == NULL ||
	    (want = testdata(c)) == NULL)
		return 11;
	for (;;) {
		if (readn(fd, h, 4, max) == -1)
			return 12;
		n = (size_t)h[0] << 24 | (size_t)h[1] << 16 |
		    (size_t)h[2] << 8 | h[3];
		if (n == 0)
			break;
		if (n > CLAMD_CHUNK || got + n > plen + c->len ||
		    readn(fd, data + got, n, max) == -1)
			return 13;
		got += n;
	}
	if (got != plen + c->len ||
	    memcmp(data, SCANRES_MAILPREFIX, plen) != 0 ||
	    memcmp(data + plen, want, c->len) != 0)
		return 14;
	free(data);
	free(want);
	return 0;
}

static int
fake_reply(int fd, const struct srvcase *c)
{
	char	*big;
	int	 r;

	if (c->reply.s != NULL)
		return writen(fd, c->reply.s, c->reply.n) == -1 ? 20 : 0;
	if ((big = malloc(c->reply.n)) == NULL)
		return 21;
	memset(big, 'x', c->reply.n);
	r = writen(fd, big, c->reply.n) == -1 ? 22 : 0;
	free(big);
	return r;
}

static int
fake_serve(int lfd, const struct srvcase *c)
{
	char	 buf[16];
	int	 fd, r = 0;

	if (c->when == FAKE_NOACCEPT)
		for (;;)
			pause();
	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return 30;
	switch (c->when) {
	case FAKE_CLOSE:
		break;
	case FAKE_EARLY:
		if (readn(fd, buf, 14, 14) == -1)
			return 31;
		r = fake_reply(fd, c);
		break;
	case FAKE_SHUTRD:
		if (readn(fd, buf, 10, 10) == -1 || shutdown(fd, SHUT_RD) == -1)
			return 32;
		while (read(fd, buf, sizeof buf) > 0)
			;	/* what was queued: the client may write again */
		for (;;)
			pause();
	case FAKE_SILENT:
		r = fake_stream(fd, c, 65536);
		for (;;)
			pause();
	default:
		if ((r = fake_stream(fd, c, c->readsz > 0 ? c->readsz : 65536))
		    == 0)
			r = fake_reply(fd, c);
	}
	(void)close(fd);
	return r;
}

/* a socket listening on SCRATCH/name, its path in sockpath */
static int
fake_listen(const char *name)
{
	struct sockaddr_un	 sun;
	int			 lfd;

	unit_scratch_path(sockpath, name, NULL);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(sockpath), sizeof sun.sun_path);
	memcpy(sun.sun_path, sockpath, strlen(sockpath));
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ne(lfd, -1);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)(void *)&sun,
	    sizeof sun), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	return lfd;
}

/* the fake listening on SCRATCH/name, forked: its pid */
static pid_t
fake_start(const struct srvcase *c, const char *name)
{
	pid_t	 pid;
	int	 lfd = fake_listen(name);

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		_exit(fake_serve(lfd, c));
	(void)close(lfd);
	return pid;
}

/* the fake's exit code, killed first if it may wait for ever */
static int
fake_end(pid_t pid, int kill_it)
{
	int	 st;

	if (kill_it)
		(void)kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

START_TEST(clamd_fake_table)
{
	const struct srvcase	*c = &srvs[_i];
	struct clamd		 cd;
	struct scanres		 r;
	char			*data;
	pid_t			 pid;
	int			 code;

	data = testdata(c);
	ck_assert_ptr_nonnull(data);
	pid = fake_start(c, "clamd.sock");
	ck_assert_int_eq(clamd_init(&cd, sockpath, strlen(sockpath),
	    c->timeout, 64UL << 20), 0);
	if (c->leaf)
		(void)clamd_scan_leaf(&cd, data, c->len, &r);
	else
		(void)clamd_scan_message(&cd, data, c->len, &r);
	code = fake_end(pid, c->when == FAKE_SILENT ||
	    c->when == FAKE_NOACCEPT || c->when == FAKE_SHUTRD);
	ck_assert_msg(r.verdict == c->want, "%s: verdict %s (%s), want %s",
	    c->name, scanres_name(r.verdict), r.what, scanres_name(c->want));
	if (c->names != NULL)
		ck_assert_str_eq(r.names, c->names);
	ck_assert_msg(strstr(r.what, c->what) != NULL,
	    "%s: what '%s', want '%s'", c->name, r.what, c->what);
	if (c->when == FAKE_AFTER)
		ck_assert_msg(code == 0, "%s: the fake exited %d", c->name,
		    code);
	free(data);
}
END_TEST

/* nobody listens: a temporary error naming the address */
START_TEST(clamd_no_server)
{
	struct clamd	 cd;
	struct scanres	 r;
	struct sa	 out = SA_ZERO, err = SA_ZERO;

	unit_scratch_path(sockpath, "none.sock", NULL);
	ck_assert_int_eq(clamd_init(&cd, sockpath, strlen(sockpath), 1000,
	    1000), 0);
	ck_assert_int_eq(clamd_scan_message(&cd, "x", 1, &r), SCANRES_ERROR);
	ck_assert_ptr_nonnull(strstr(r.what, "connect to "));
	ck_assert_ptr_nonnull(strstr(r.what, sockpath));
	ck_assert_int_eq(clamd_scan_leaf(&cd, "xyzxyz", 6, &r),
	    SCANRES_ERROR);
	ck_assert_int_eq(clamd_version(&cd, &out, &err), -1);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(sa_0(&err), 0);
	ck_assert_ptr_nonnull(strstr(err.s, "connect to "));
	sa_free(&err);
}
END_TEST

/* decided here, clamd never asked: an empty leaf is clean, data over
 * maxstream (the prefix counted) a limit */
START_TEST(clamd_not_asked)
{
	struct clamd	 cd;
	struct scanres	 r;
	char		 x[101];

	memset(x, 'x', sizeof x);
	unit_scratch_path(sockpath, "none.sock", NULL);
	ck_assert_int_eq(clamd_init(&cd, sockpath, strlen(sockpath), 1000,
	    100), 0);
	ck_assert_int_eq(clamd_scan_leaf(&cd, "", 0, &r), SCANRES_CLEAN);
	ck_assert_int_eq(clamd_scan_leaf(&cd, NULL, 0, &r), SCANRES_CLEAN);
	ck_assert_int_eq(clamd_scan_leaf(&cd, x, 101, &r), SCANRES_LIMIT);
	ck_assert_str_eq(r.what, "StreamMaxLength");
	ck_assert_int_eq(clamd_scan_message(&cd, x,
	    101 - (sizeof SCANRES_MAILPREFIX - 1), &r), SCANRES_LIMIT);
	/* the empty message is still sent: the prefix is data */
	ck_assert_int_eq(clamd_scan_message(&cd, NULL, 0, &r), SCANRES_ERROR);
}
END_TEST

/* a RAR leaf: unscannable whatever clamd says, a virus if it finds one */
static const struct srvcase rars[] = {
	{ "not a RAR", 1, 32, FAKE_AFTER, S("stream: OK\0"), 0, 5000,
	    SCANRES_CLEAN, "", "", S("Rar!\x1a") },
	{ "RAR", 1, 32, FAKE_AFTER, S("stream: OK\0"), 0, 5000,
	    SCANRES_UNSCANNABLE, "", "rar", S("Rar!\x1a\x07") },
	{ "RAR with a virus", 1, 32, FAKE_AFTER,
	    S("stream: Win.Test.X FOUND\0"), 0, 5000, SCANRES_VIRUS,
	    "Win.Test.X", "", S("Rar!\x1a\x07") },
	{ "RAR, clamd down", 1, 32, FAKE_CLOSE, S(""), 0, 5000,
	    SCANRES_ERROR, "", "clamd", S("Rar!\x1a\x07") },
};

START_TEST(clamd_rar_leaf)
{
	const struct srvcase	*c = &rars[_i];
	struct clamd		 cd;
	struct scanres		 r;
	char			*data = testdata(c);
	pid_t			 pid;

	ck_assert_ptr_nonnull(data);
	pid = fake_start(c, "clamd.sock");
	ck_assert_int_eq(clamd_init(&cd, sockpath, strlen(sockpath), 5000,
	    1000), 0);
	ck_assert_int_eq(clamd_scan_leaf(&cd, data, c->len, &r), c->want);
	ck_assert_str_eq(r.names, c->names);
	ck_assert_ptr_nonnull(strstr(r.what, c->what));
	ck_assert_int_eq(fake_end(pid, 0), 0);
	free(data);
}
END_TEST

static int
fake_version(int lfd, const char *reply, size_t n)
{
	char	 buf[9];
	int	 fd;

	if ((fd = accept(lfd, NULL, NULL)) == -1 ||
	    readn(fd, buf, sizeof buf, sizeof buf) == -1 ||
	    memcmp(buf, "zVERSION", sizeof buf) != 0)
		return 1;
	return writen(fd, reply, n) == -1 ? 2 : 0;
}

START_TEST(clamd_version_fake)
{
	static const struct bytes	 rep[] = {
		S("ClamAV 1.4.6/27000/Thu Nov 26 08:00:00 2026\0"),
		S("ClamAV 1.4.6\0"),
		S("ClamAV 1.4.6/27000"),
		S("PONG\0"),
	};
	static const char *const	 want[] = {
		"1.4.6/27000", "1.4.6/0", NULL, NULL,
	};
	struct clamd			 cd;
	struct sa			 out = SA_ZERO, err = SA_ZERO;
	char				 name[16];
	pid_t				 pid;
	int				 lfd;
	size_t				 i;

	for (i = 0; i < sizeof rep / sizeof rep[0]; i++) {
		(void)snprintf(name, sizeof name, "v%zu.sock", i);
		lfd = fake_listen(name);
		if ((pid = fork()) == 0)
			_exit(fake_version(lfd, rep[i].s, rep[i].n));
		ck_assert_int_ne(pid, -1);
		(void)close(lfd);
		ck_assert_int_eq(clamd_init(&cd, sockpath, strlen(sockpath),
		    5000, 1000), 0);
		out.len = 0;
		ck_assert_int_eq(sa_cats(&out, "x/"), 0);
		ck_assert_int_eq(clamd_version(&cd, &out, &err),
		    want[i] != NULL ? 0 : -1);
		if (want[i] != NULL) {
			ck_assert_int_eq(sa_0(&out), 0);
			ck_assert_str_eq(out.s + 2, want[i]);
		} else {
			unit_sa_is(&out, "x/");
			ck_assert_int_eq(sa_0(&err), 0);
			ck_assert_ptr_nonnull(strstr(err.s, "VERSION"));
		}
		ck_assert_int_eq(fake_end(pid, 0), 0);
	}
	sa_free(&out);
	sa_free(&err);
}
END_TEST

static Suite *
clamd_suite(void)
{
	Suite	*s = suite_create("clamd");
	TCase	*tc = tcase_create("parse");
	TCase	*tf = tcase_create("fake");

	tcase_add_loop_test(tc, clamd_reply_table, 0,
	    sizeof replies / sizeof replies[0]);
	tcase_add_test(tc, clamd_reply_long_name);
	tcase_add_loop_test(tc, clamd_version_table, 0,
	    sizeof versions / sizeof versions[0]);
	tcase_add_loop_test(tc, clamd_init_table, 0,
	    sizeof addrs / sizeof addrs[0]);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tf, 60);
	tcase_add_unchecked_fixture(tf, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_checked_fixture(tf, unit_scratch_enter, unit_scratch_leave);
	tcase_add_loop_test(tf, clamd_fake_table, 0,
	    sizeof srvs / sizeof srvs[0]);
	tcase_add_test(tf, clamd_no_server);
	tcase_add_test(tf, clamd_not_asked);
	tcase_add_loop_test(tf, clamd_rar_leaf, 0, sizeof rars / sizeof rars[0]);
	tcase_add_test(tf, clamd_version_fake);
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	return unit_run(clamd_suite());
}
