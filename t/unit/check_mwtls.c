/* ISC license. */
/* check_mwtls.c: STARTTLS over a socketpair, server in a child process,
 * with a key and certificate made at test time in a temporary dir. */
#include "sysdeps.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "bio.h"
#include "mwtls.h"
#include "sa.h"
#include "smtpline.h"
#include "unit.h"

static char	 certfn[UNIT_PATHSZ], keyfn[UNIT_PATHSZ];
static char	 otherkeyfn[UNIT_PATHSZ];

static EVP_PKEY *
writekey(const char *fn)
{
	EVP_PKEY	*pk = EVP_EC_gen("P-256");
	FILE		*f = fopen(fn, "w");

	ck_assert_ptr_nonnull(pk);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL,
	    NULL), 1);
	ck_assert_int_eq(fclose(f), 0);
	return pk;
}

static void
mkcert(void)
{
	EVP_PKEY	*pk;
	X509		*x = X509_new();
	X509_NAME	*name;
	FILE		*f;

	unit_scratch_make();
	unit_scratch_path(certfn, "cert.pem", NULL);
	unit_scratch_path(keyfn, "key.pem", NULL);
	unit_scratch_path(otherkeyfn, "other.pem", NULL);
	EVP_PKEY_free(writekey(otherkeyfn));
	pk = writekey(keyfn);
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), 1), 1);
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x), -60));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
	ck_assert_int_eq(X509_set_pubkey(x, pk), 1);
	name = X509_get_subject_name(x);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"localhost", -1, -1, 0), 1);
	ck_assert_int_eq(X509_set_issuer_name(x, name), 1);
	ck_assert_int_gt(X509_sign(x, pk, EVP_sha256()), 0);
	f = fopen(certfn, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(PEM_write_X509(f, x), 1);
	ck_assert_int_eq(fclose(f), 0);
	X509_free(x);
	EVP_PKEY_free(pk);
}

struct side {
	struct bio	 in, out;
	char		 ibuf[64], obuf[64];
	struct sa	 line, err;
};

static void
side_init(struct side *s, int fd, int timeout)
{
	memset(s, 0, sizeof *s);
	bio_init(&s->in, fd, bio_op_read, s->ibuf, sizeof s->ibuf);
	bio_init(&s->out, fd, bio_op_write, s->obuf, sizeof s->obuf);
	s->in.timeout = s->out.timeout = timeout;
}

static void
side_free(struct side *s)
{
	sa_free(&s->line);
	sa_free(&s->err);
}

static int
expect(struct side *s, const char *want)
{
	return smtpline_read(&s->in, &s->line, 512) == SMTPLINE_OK &&
	    sa_eqs(&s->line, want);
}

static int
say(struct side *s, const char *line)
{
	return bio_puts(&s->out, line) == 0 && bio_puts(&s->out, "\r\n") == 0 &&
	    bio_flush(&s->out) == 0;
}

/* The server: STARTTLS, 220, handshake, then echo one line as "got X". */
static int
serve(struct side *s, SSL_CTX *ctx)
{
	char	 d[128];

	if (!expect(s, "STARTTLS") || bio_puts(&s->out, "220 go\r\n") != 0)
		return 11;
	if (mwtls_start_server(ctx, &s->in, &s->out, &s->err) == -1)
		return 12;
	if (mwtls_describe(&s->in, d, sizeof d) == NULL ||
	    strncmp(d, "TLSv1.3 ", 8) != 0)
		return 13;
	if (smtpline_read(&s->in, &s->line, 512) != SMTPLINE_OK)
		return 14;
	if (bio_puts(&s->out, "got ") != 0 ||
	    bio_put(&s->out, s->line.s, s->line.len) != 0 || !say(s, ""))
		return 15;
	mwtls_end(&s->in, &s->out);
	if (mwtls_describe(&s->in, d, sizeof d) != NULL)
		return 16;
	return 0;
}

static int
server(int fd)
{
	struct side	 s;
	SSL_CTX		*ctx;
	int		 r;

	side_init(&s, fd, 5000);
	if ((ctx = mwtls_server_ctx(certfn, keyfn, &s.err)) == NULL)
		return 10;
	r = serve(&s, ctx);
	mwtls_end(&s.in, &s.out);
	SSL_CTX_free(ctx);
	side_free(&s);
	return r;
}

static pid_t
spawn(int (*fn)(int), int fd, int other)
{
	pid_t	 pid = fork();

	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		(void)close(other);
		_exit(fn(fd));
	}
	(void)close(fd);
	return pid;
}

static int
reap(pid_t pid)
{
	int	 st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

START_TEST(mwtls_roundtrip)
{
	struct side	 c;
	SSL_CTX		*ctx;
	int		 sv[2];
	pid_t		 pid;
	char		 d[128];

	/* as smtp-recv and relay do: our close_notify may meet a server
	 * that has already gone (EPIPE, not a signal) */
	(void)signal(SIGPIPE, SIG_IGN);
	mkcert();
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	pid = spawn(server, sv[1], sv[0]);
	side_init(&c, sv[0], 5000);
	ck_assert_ptr_nonnull(ctx = mwtls_client_ctx(&c.err));
	/* NOOP is pipelined in clear text: the server must drop it */
	ck_assert(say(&c, "STARTTLS\r\nNOOP"));
	ck_assert(expect(&c, "220 go"));
	ck_assert_int_eq(mwtls_start_client(ctx, &c.in, &c.out, "localhost",
	    &c.err), 0);
	ck_assert_ptr_nonnull(mwtls_describe(&c.out, d, sizeof d));
	ck_assert_str_eq(strstr(d, "TLSv1.3 ") == d ? "y" : d, "y");
	ck_assert(say(&c, "QUIT"));
	ck_assert(expect(&c, "got QUIT"));
	ck_assert_int_eq(smtpline_read(&c.in, &c.line, 512), SMTPLINE_EOF);
	mwtls_end(&c.in, &c.out);
	ck_assert_int_eq(reap(pid), 0);
	SSL_CTX_free(ctx);
	side_free(&c);
	(void)close(sv[0]);
	unit_scratch_remove();
}
END_TEST

START_TEST(mwtls_badfiles)
{
	struct sa	 err = SA_ZERO;

	mkcert();
	ck_assert_ptr_null(mwtls_server_ctx("/nonexistent/cert.pem", keyfn,
	    &err));
	ck_assert_int_eq(sa_0(&err), 0);
	ck_assert_ptr_nonnull(strstr(err.s, "certificate"));
	ck_assert_ptr_null(mwtls_server_ctx(certfn, "/nonexistent/key.pem",
	    &err));
	ck_assert_int_eq(sa_0(&err), 0);
	ck_assert_ptr_nonnull(strstr(err.s, "private key"));
	ck_assert_ptr_null(mwtls_server_ctx(certfn, otherkeyfn, &err));
	ck_assert_uint_gt(err.len, 0);
	ck_assert_ptr_null(mwtls_server_ctx(keyfn, keyfn, &err));
	sa_free(&err);
	unit_scratch_remove();
}
END_TEST

/* the server side of a failed handshake: -1 and a reason */
static int
server_fail(int fd)
{
	struct side	 s;
	SSL_CTX		*ctx;
	int		 r = 0;

	side_init(&s, fd, 300);
	if ((ctx = mwtls_server_ctx(certfn, keyfn, &s.err)) == NULL)
		return 10;
	if (mwtls_start_server(ctx, &s.in, &s.out, &s.err) != -1)
		r = 11;
	else if (sa_0(&s.err) == -1 || strstr(s.err.s, "handshake") == NULL)
		r = 12;
	else if (s.in.op != bio_op_read || s.out.op != bio_op_write)
		r = 13;
	SSL_CTX_free(ctx);
	side_free(&s);
	return r;
}

START_TEST(mwtls_garbage)
{
	int	 sv[2];
	pid_t	 pid;

	mkcert();
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = spawn(server_fail, sv[1], sv[0]);
	ck_assert_int_eq(write(sv[0], "NOOP\r\nQUIT\r\n", 12), 12);
	ck_assert_int_eq(reap(pid), 0);
	(void)close(sv[0]);
	unit_scratch_remove();
}
END_TEST

START_TEST(mwtls_silent_peer)
{
	int	 sv[2];
	pid_t	 pid;

	mkcert();
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = spawn(server_fail, sv[1], sv[0]);	/* times out after 300 ms */
	ck_assert_int_eq(reap(pid), 0);
	(void)close(sv[0]);
	unit_scratch_remove();
}
END_TEST

START_TEST(mwtls_peer_closes)
{
	int	 sv[2];
	pid_t	 pid;

	mkcert();
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = spawn(server_fail, sv[1], sv[0]);
	(void)close(sv[0]);
	ck_assert_int_eq(reap(pid), 0);
	unit_scratch_remove();
}
END_TEST

/* a client against a plain-text server that answers garbage */
START_TEST(mwtls_client_fail)
{
	struct side	 c;
	SSL_CTX		*ctx;
	int		 sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(write(sv[1], "500 what?\r\n", 11), 11);
	ck_assert_int_eq(shutdown(sv[1], SHUT_WR), 0);
	side_init(&c, sv[0], 2000);
	ck_assert_ptr_nonnull(ctx = mwtls_client_ctx(&c.err));
	ck_assert_int_eq(mwtls_start_client(ctx, &c.in, &c.out, "192.0.2.1",
	    &c.err), -1);
	ck_assert_uint_gt(c.err.len, 0);
	ck_assert_ptr_null(mwtls_describe(&c.in, c.ibuf, sizeof c.ibuf));
	SSL_CTX_free(ctx);
	side_free(&c);
	(void)close(sv[0]);
	(void)close(sv[1]);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("mwtls");
	TCase	*tc = tcase_create("mwtls");

	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
	    unit_scratch_teardown);
	tcase_add_test(tc, mwtls_roundtrip);
	tcase_add_test(tc, mwtls_badfiles);
	tcase_add_test(tc, mwtls_garbage);
	tcase_add_test(tc, mwtls_silent_peer);
	tcase_add_test(tc, mwtls_peer_closes);
	tcase_add_test(tc, mwtls_client_fail);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
