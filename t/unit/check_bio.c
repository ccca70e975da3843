/* ISC license. */
/* check_bio.c: buffered I/O: lines over split input, caps, EOF, timeouts,
 * sticky write errors.  Input comes from the memory stub with memchunk
 * 1, small and unlimited (input split across reads) and buffer sizes from
 * 1 byte up; fd tests use a socketpair or a pipe, never the network. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bio.h"
#include "sa.h"
#include "unit.h"

#define MAXSTEP	6

struct step {
	int		 want;	/* BIO_LINE, BIO_TOOLONG, BIO_EOF */
	struct bytes	 line;	/* checked for BIO_LINE and BIO_EOF */
};

struct linecase {
	struct bytes	 in;
	size_t		 max;
	char		 sep;
	struct step	 steps[MAXSTEP];	/* through BIO_EOF */
};

static const struct linecase lines[] = {
	/* SMTP commands: the CR stays, the LF goes */
	{ S("HELO x\r\nMAIL FROM:<a@b>\r\n"), 512, '\n', {
		{ BIO_LINE,	S("HELO x\r") },
		{ BIO_LINE,	S("MAIL FROM:<a@b>\r") },
		{ BIO_EOF,	S("") } } },
	/* EOF with a partial line: the partial line is in the sa */
	{ S("abc\ndef"), 512, '\n', {
		{ BIO_LINE,	S("abc") },
		{ BIO_EOF,	S("def") } } },
	{ S(""), 512, '\n', {
		{ BIO_EOF,	S("") } } },
	{ S("\n\n"), 512, '\n', {
		{ BIO_LINE,	S("") },
		{ BIO_LINE,	S("") },
		{ BIO_EOF,	S("") } } },
	/* TOOLONG, then the next line reads correctly */
	{ S("0123456789\nabc\n"), 5, '\n', {
		{ BIO_TOOLONG,	S("") },
		{ BIO_LINE,	S("abc") },
		{ BIO_EOF,	S("") } } },
	/* exactly max is fine, max + 1 is not */
	{ S("12345\n123456\nx"), 5, '\n', {
		{ BIO_LINE,	S("12345") },
		{ BIO_TOOLONG,	S("") },
		{ BIO_EOF,	S("x") } } },
	/* two over-long lines in a row, then a good one */
	{ S("aaaaaaaa\nbbbbbbbbbbbbbbbbbbbb\nok\n"), 3, '\n', {
		{ BIO_TOOLONG,	S("") },
		{ BIO_TOOLONG,	S("") },
		{ BIO_LINE,	S("ok") },
		{ BIO_EOF,	S("") } } },
	/* over-long at EOF without a separator */
	{ S("abcdef"), 3, '\n', {
		{ BIO_TOOLONG,	S("") },
		{ BIO_EOF,	S("") } } },
	{ S("abc"), 3, '\n', {
		{ BIO_EOF,	S("abc") } } },
	/* max 0: only empty lines */
	{ S("\nx\n\n"), 0, '\n', {
		{ BIO_LINE,	S("") },
		{ BIO_TOOLONG,	S("") },
		{ BIO_LINE,	S("") },
		{ BIO_EOF,	S("") } } },
	/* bytes, not C strings */
	{ S("a\0b\n\0\n"), 512, '\n', {
		{ BIO_LINE,	S("a\0b") },
		{ BIO_LINE,	S("\0") },
		{ BIO_EOF,	S("") } } },
	/* another separator */
	{ S("a\0bb\0\n\0"), 512, '\0', {
		{ BIO_LINE,	S("a") },
		{ BIO_LINE,	S("bb") },
		{ BIO_LINE,	S("\n") },
		{ BIO_EOF,	S("") } } },
	{ S("a\r\nb\r\n"), 512, '\r', {
		{ BIO_LINE,	S("a") },
		{ BIO_LINE,	S("\nb") },
		{ BIO_EOF,	S("\n") } } },
};

/* each line case runs over every chunk size and buffer size */
static const size_t chunks[] = { 1, 2, 3, 7, 0 };
static const size_t caps[] = { 1, 4, 4096 };
#define NCHUNK	(sizeof chunks / sizeof chunks[0])
#define NCAP	(sizeof caps / sizeof caps[0])
#define NLINE	(sizeof lines / sizeof lines[0])

START_TEST(bio_getline_table)
{
	const struct linecase	*c = &lines[_i / (NCHUNK * NCAP)];
	size_t			 chunk = chunks[_i / NCAP % NCHUNK];
	size_t			 cap = caps[_i % NCAP];
	struct bio		 b;
	struct sa		 line = SA_ZERO;
	char			 buf[4096];
	size_t			 k;

	bio_init_mem(&b, c->in.s, c->in.n, buf, cap);
	b.memchunk = chunk;
	for (k = 0; k < MAXSTEP; k++) {
		const struct step	*st = &c->steps[k];
		int			 r;

		r = bio_getline(&b, &line, c->max, c->sep);

		ck_assert_msg(r == st->want, "step %zu: got %d want %d "
		    "(chunk %zu cap %zu)", k, r, st->want, chunk, cap);
		if (st->want != BIO_TOOLONG) {
			ck_assert_uint_eq(line.len, st->line.n);
			if (line.len > 0)
				ck_assert_mem_eq(line.s, st->line.s, line.len);
		}
		if (st->want == BIO_EOF)
			break;
	}
	ck_assert_uint_lt(k, MAXSTEP);
	/* EOF stays EOF */
	ck_assert_int_eq(bio_getline(&b, &line, c->max, c->sep), BIO_EOF);
	ck_assert_uint_eq(line.len, 0);
	sa_free(&line);
}
END_TEST

/* a long line grows the sa in steps over a small buffer */
START_TEST(bio_getline_long)
{
	static const size_t	 cap[] = { 1, 3, 8192 };
	struct bio		 b;
	struct sa		 line = SA_ZERO;
	char			 buf[8192], *in;
	size_t			 n = 100000, i;

	in = malloc(n + 2);
	ck_assert_ptr_nonnull(in);
	for (i = 0; i < n; i++)
		in[i] = (char)('A' + i % 23);
	memcpy(in + n, "\ny", 2);
	bio_init_mem(&b, in, n + 2, buf, cap[_i]);
	b.memchunk = 4093;
	ck_assert_int_eq(bio_getline(&b, &line, n, '\n'), BIO_LINE);
	ck_assert_uint_eq(line.len, n);
	ck_assert_mem_eq(line.s, in, n);
	ck_assert_int_eq(bio_getline(&b, &line, n, '\n'), BIO_EOF);
	ck_assert_uint_eq(line.len, 1);
	ck_assert_mem_eq(line.s, "y", 1);
	free(in);
	sa_free(&line);
}
END_TEST

/* bio_get reassembles the input whatever the split */
START_TEST(bio_get_chunks)
{
	static const char	 in[] = "0123456789abcdefghijklmnopqrstuvwxyz"
	    "\0\r\n";
	size_t			 chunk = chunks[_i % NCHUNK];
	size_t			 cap = caps[_i / NCHUNK];
	struct bio		 b;
	char			 buf[4096], out[sizeof in];
	size_t			 got = 0;
	ssize_t			 r;

	bio_init_mem(&b, in, sizeof in, buf, cap);
	b.memchunk = chunk;
	ck_assert_int_eq(bio_pending(&b), 1);
	while ((r = bio_get(&b, out + got, 5)) > 0) {
		ck_assert_int_le(r, 5);
		got += (size_t)r;
		ck_assert_uint_le(got, sizeof in);
	}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(got, sizeof in);
	ck_assert_mem_eq(out, in, sizeof in);
	ck_assert_int_eq(bio_pending(&b), 0);
	ck_assert_int_eq(bio_get(&b, out, 1), 0);
}
END_TEST

START_TEST(bio_buffered_discard)
{
	struct bio	 b;
	struct sa	 line = SA_ZERO;
	char		 buf[64];

	bio_init_mem(&b, "one\ntwo\nthree\n", 14, buf, sizeof buf);
	ck_assert_uint_eq(bio_buffered(&b), 0);
	ck_assert_int_eq(bio_fill(&b), 14);
	ck_assert_uint_eq(bio_buffered(&b), 14);
	ck_assert_int_eq(bio_fill(&b), 14);	/* no read while buffered */
	ck_assert_int_eq(bio_getline(&b, &line, 100, '\n'), BIO_LINE);
	ck_assert_uint_eq(bio_buffered(&b), 10);
	ck_assert_int_eq(bio_pending(&b), 1);
	bio_discard(&b);			/* e.g. before STARTTLS */
	ck_assert_uint_eq(bio_buffered(&b), 0);
	ck_assert_int_eq(bio_pending(&b), 0);
	ck_assert_int_eq(bio_getline(&b, &line, 100, '\n'), BIO_EOF);
	ck_assert_uint_eq(line.len, 0);
	sa_free(&line);
}
END_TEST

/* --- descriptors: a socketpair --- */

static void
mksocketpair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
}

START_TEST(bio_read_timeout)
{
	struct bio	 b;
	struct sa	 line = SA_ZERO;
	char		 buf[64];
	int		 sv[2];

	mksocketpair(sv);
	bio_init(&b, sv[0], bio_op_read, buf, sizeof buf);
	b.timeout = 50;
	ck_assert_int_eq(bio_pending(&b), 0);
	errno = 0;
	ck_assert_int_eq(bio_getline(&b, &line, 100, '\n'), BIO_ERR);
	ck_assert_int_eq(errno, ETIMEDOUT);
	errno = 0;
	ck_assert_int_eq(bio_fill(&b), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	/* half a line, then silence: still a timeout, not a line */
	ck_assert_int_eq(write(sv[1], "half", 4), 4);
	errno = 0;
	ck_assert_int_eq(bio_getline(&b, &line, 100, '\n'), BIO_ERR);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_int_eq(close(sv[0]), 0);
	ck_assert_int_eq(close(sv[1]), 0);
	sa_free(&line);
}
END_TEST

START_TEST(bio_read_socket)
{
	struct bio	 b;
	struct sa	 line = SA_ZERO;
	char		 buf[3];
	int		 sv[2];

	mksocketpair(sv);
	bio_init(&b, sv[0], bio_op_read, buf, sizeof buf);
	b.timeout = 5000;
	ck_assert_int_eq(write(sv[1], "EHLO a\r\nQUIT\r\npart", 18), 18);
	ck_assert_int_eq(bio_pending(&b), 1);
	ck_assert_int_eq(bio_getline(&b, &line, 100, '\n'), BIO_LINE);
	ck_assert_uint_eq(line.len, 7);
	ck_assert_mem_eq(line.s, "EHLO a\r", 7);
	ck_assert_int_eq(bio_getline(&b, &line, 100, '\n'), BIO_LINE);
	ck_assert_uint_eq(line.len, 5);
	ck_assert_mem_eq(line.s, "QUIT\r", 5);
	ck_assert_int_eq(close(sv[1]), 0);
	ck_assert_int_eq(bio_getline(&b, &line, 100, '\n'), BIO_EOF);
	ck_assert_uint_eq(line.len, 4);
	ck_assert_mem_eq(line.s, "part", 4);
	ck_assert_int_eq(close(sv[0]), 0);
	sa_free(&line);
}
END_TEST

/* Write n bytes of want in odd-sized pieces through a bio of cap bytes;
 * runs in a child so the parent can read concurrently. */
static int
write_pieces(int fd, const char *want, size_t n, size_t cap)
{
	struct bio	 b;
	char		 buf[4096];
	size_t		 off, k;

	bio_init(&b, fd, bio_op_write, buf, cap);
	b.timeout = 5000;
	for (off = 0, k = 1; off < n; off += k, k = k * 3 % 1009 + 1) {
		if (k > n - off)
			k = n - off;
		if (bio_put(&b, want + off, k) == -1)
			return -1;
	}
	if (bio_puts(&b, "") == -1 || bio_flush(&b) == -1 || b.len != 0)
		return -1;
	return close(fd);
}

/* writes of every size through a small buffer arrive byte-exact */
START_TEST(bio_write_socket)
{
	static const size_t	 cap[] = { 1, 4, 4096 };
	char			*want, *got;
	size_t			 n = 20000, i, have = 0;
	int			 sv[2], status;
	ssize_t			 r;
	pid_t			 pid;

	mksocketpair(sv);
	want = malloc(n);
	got = malloc(n + 1);
	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(got);
	for (i = 0; i < n; i++)
		want[i] = (char)(i * 7 % 251);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		int	 wr;

		(void)close(sv[1]);
		wr = write_pieces(sv[0], want, n, cap[_i]);
		free(want);
		free(got);
		_exit(wr == 0 ? 0 : 1);
	}
	ck_assert_int_eq(close(sv[0]), 0);
	while ((r = read(sv[1], got + have, n + 1 - have)) > 0)
		have += (size_t)r;
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_uint_eq(have, n);
	ck_assert_mem_eq(got, want, n);
	ck_assert_int_eq(close(sv[1]), 0);
	free(want);
	free(got);
}
END_TEST

/* --- sticky write errors --- */

START_TEST(bio_write_epipe)
{
	struct bio	 b;
	char		 buf[16];
	int		 p[2];

	ck_assert(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(close(p[0]), 0);
	bio_init(&b, p[1], bio_op_write, buf, sizeof buf);
	ck_assert_int_eq(bio_puts(&b, "250 ok\r\n"), 0);	/* buffered */
	errno = 0;
	ck_assert_int_eq(bio_flush(&b), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(b.err, EPIPE);
	/* sticky: later puts and flushes fail the same way */
	errno = 0;
	ck_assert_int_eq(bio_puts(&b, "x"), -1);
	ck_assert_int_eq(errno, EPIPE);
	errno = 0;
	ck_assert_int_eq(bio_flush(&b), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(close(p[1]), 0);
}
END_TEST

/* an error inside bio_put (buffer full) is sticky for the final flush */
START_TEST(bio_write_epipe_in_put)
{
	struct bio	 b;
	char		 buf[4];
	int		 p[2];

	ck_assert(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(close(p[0]), 0);
	bio_init(&b, p[1], bio_op_write, buf, sizeof buf);
	errno = 0;
	ck_assert_int_eq(bio_puts(&b, "0123456789"), -1);
	ck_assert_int_eq(errno, EPIPE);
	errno = 0;
	ck_assert_int_eq(bio_flush(&b), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(close(p[1]), 0);
}
END_TEST

/* nobody reads the pipe: the write times out, and that is sticky too */
START_TEST(bio_write_timeout)
{
	struct bio	 b;
	char		 buf[512], *chunk;
	int		 p[2], i, r = 0;

	ck_assert_int_eq(pipe(p), 0);
	chunk = calloc(1, 65536);
	ck_assert_ptr_nonnull(chunk);
	bio_init(&b, p[1], bio_op_write, buf, sizeof buf);	/* < PIPE_BUF */
	b.timeout = 50;
	for (i = 0; i < 64 && r == 0; i++)
		r = bio_put(&b, chunk, 65536);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	errno = 0;
	ck_assert_int_eq(bio_flush(&b), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_int_eq(close(p[0]), 0);
	ck_assert_int_eq(close(p[1]), 0);
	free(chunk);
}
END_TEST

static Suite *
bio_suite(void)
{
	Suite	*s = suite_create("bio");
	TCase	*tc = tcase_create("bio");

	tcase_add_loop_test(tc, bio_getline_table, 0, NLINE * NCHUNK * NCAP);
	tcase_add_loop_test(tc, bio_getline_long, 0, 3);
	tcase_add_loop_test(tc, bio_get_chunks, 0, NCHUNK * NCAP);
	tcase_add_test(tc, bio_buffered_discard);
	tcase_add_test(tc, bio_read_timeout);
	tcase_add_test(tc, bio_read_socket);
	tcase_add_loop_test(tc, bio_write_socket, 0, 3);
	tcase_add_test(tc, bio_write_epipe);
	tcase_add_test(tc, bio_write_epipe_in_put);
	tcase_add_test(tc, bio_write_timeout);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(bio_suite());
}
