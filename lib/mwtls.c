/* ISC license. */
/* mwtls.c: STARTTLS for struct bio, server and client side; see mwtls.h.
 *
 * During and after the handshake both descriptors are non-blocking and
 * every SSL call that wants I/O waits in poll() for at most the bio's
 * timeout, so a silent peer cannot hang us.  Certificates are not
 * verified on the client side: SMTP STARTTLS between MTAs is
 * opportunistic (RFC 7435); a route's tls=require asks for encryption,
 * not authentication. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bio.h"
#include "mwtls.h"
#include "sa.h"

static ssize_t	tls_read(struct bio *, char *, size_t);
static ssize_t	tls_write(struct bio *, char *, size_t);
static void	tls_err(struct sa *, const char *, const char *);
static int	tls_wait(SSL *, int, int);
static ssize_t	tls_io(struct bio *, char *, size_t, int);
static int	nonblock(int, int);
static long long now_ms(void);
static int	handshake(SSL *, int, int, struct sa *);
static int	start(SSL_CTX *, struct bio *, struct bio *, int,
		    const char *, struct sa *);

/* "what: reason" from the OpenSSL error queue, or from errno */
static void
tls_err(struct sa *err, const char *what, const char *why)
{
	char		 buf[256];
	unsigned long	 e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (why == NULL && last != 0) {
		ERR_error_string_n(last, buf, sizeof buf);
		why = buf;
	}
	if (err == NULL)
		return;
	err->len = 0;
	(void)sa_catf(err, "%s: %s", what, why != NULL ? why : "failed");
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
nonblock(int fd, int on)
{
	int	 fl = fcntl(fd, F_GETFL);

	if (fl == -1)
		return -1;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl);
}

/* Wait until the descriptor SSL wants is ready; ms <= 0 waits forever. */
static int
tls_wait(SSL *ssl, int want, int ms)
{
	if (want == SSL_ERROR_WANT_READ)
		return bio_waitfd(SSL_get_rfd(ssl), POLLIN, ms);
	return bio_waitfd(SSL_get_wfd(ssl), POLLOUT, ms);
}

static ssize_t
tls_io(struct bio *b, char *buf, size_t n, int wr)
{
	SSL	*ssl = b->ctx;
	size_t	 done = 0;
	int	 r, e;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		r = wr ? SSL_write_ex(ssl, buf, n, &done) :
		    SSL_read_ex(ssl, buf, n, &done);
		if (r == 1)
			return (ssize_t)done;
		e = SSL_get_error(ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (tls_wait(ssl, e, b->timeout) == -1)
				return -1;
			continue;
		}
		ERR_clear_error();
		if (!wr && (e == SSL_ERROR_ZERO_RETURN ||
		    (e == SSL_ERROR_SYSCALL && errno == 0)))
			return 0;
		if (e != SSL_ERROR_SYSCALL || errno == 0)
			errno = wr ? EPIPE : EPROTO;
		return -1;
	}
}

static ssize_t
tls_read(struct bio *b, char *buf, size_t n)
{
	return tls_io(b, buf, n, 0);
}

static ssize_t
tls_write(struct bio *b, char *buf, size_t n)
{
	return tls_io(b, buf, n, 1);
}

static SSL_CTX *
ctx_new(const SSL_METHOD *m, struct sa *err)
{
	SSL_CTX	*ctx;
	long	 opt = SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION;

#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	opt |= SSL_OP_IGNORE_UNEXPECTED_EOF;
#endif
	if ((ctx = SSL_CTX_new(m)) == NULL) {
		tls_err(err, "unable to create TLS context", NULL);
		return NULL;
	}
	(void)SSL_CTX_set_options(ctx, opt);
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		tls_err(err, "unable to set TLS version", NULL);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	return ctx;
}

SSL_CTX *
mwtls_server_ctx(const char *cert, const char *key, struct sa *err)
{
	SSL_CTX	*ctx;

	if ((ctx = ctx_new(TLS_server_method(), err)) == NULL)
		return NULL;
	(void)SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	(void)SSL_CTX_set_num_tickets(ctx, 0);	/* a process a session */
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_err(err, "unable to load certificate", NULL);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		tls_err(err, "unable to load private key", NULL);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		tls_err(err, "private key does not match certificate", NULL);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *
mwtls_client_ctx(struct sa *err)
{
	SSL_CTX	*ctx;

	if ((ctx = ctx_new(TLS_client_method(), err)) == NULL)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

/* Drive SSL_accept or SSL_connect to the end within ms (0: no limit). */
static int
handshake(SSL *ssl, int server, int ms, struct sa *err)
{
	long long	 deadline = now_ms() + ms;
	long long	 left;
	int		 r, e = 0;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		r = server ? SSL_accept(ssl) : SSL_connect(ssl);
		if (r == 1)
			return 0;
		e = SSL_get_error(ssl, r);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			break;
		left = deadline - now_ms();
		if (ms > 0 && left <= 0) {
			errno = ETIMEDOUT;
			break;
		}
		if (tls_wait(ssl, e, ms > 0 ? (int)left : 0) == -1)
			break;
	}
	if (errno == ETIMEDOUT)
		tls_err(err, "TLS handshake", "timed out");
	else if (e == SSL_ERROR_SSL)
		tls_err(err, "TLS handshake", NULL);
	else
		tls_err(err, "TLS handshake", errno != 0 ? strerror(errno) :
		    "connection closed");
	return -1;
}

static int
start(SSL_CTX *ctx, struct bio *in, struct bio *out, int server,
    const char *sni, struct sa *err)
{
	SSL	*ssl;
	int	 ms = in->timeout;

	if (bio_flush(out) == -1) {
		tls_err(err, "unable to write", strerror(errno));
		return -1;
	}
	bio_discard(in);	/* pipelined before the handshake: dropped */
	if ((ssl = SSL_new(ctx)) == NULL) {
		tls_err(err, "unable to create TLS session", NULL);
		return -1;
	}
	if (SSL_set_rfd(ssl, in->fd) != 1 || SSL_set_wfd(ssl, out->fd) != 1 ||
	    (sni != NULL && SSL_set_tlsext_host_name(ssl, sni) != 1)) {
		tls_err(err, "unable to set up TLS session", NULL);
		SSL_free(ssl);
		return -1;
	}
	if (nonblock(in->fd, 1) == -1 || nonblock(out->fd, 1) == -1) {
		tls_err(err, "unable to set non-blocking mode",
		    strerror(errno));
		goto fail;
	}
	if (handshake(ssl, server, ms, err) == -1)
		goto fail;
	in->op = tls_read;
	in->ctx = ssl;
	out->op = tls_write;
	out->ctx = ssl;
	return 0;
fail:
	SSL_free(ssl);
	(void)nonblock(in->fd, 0);
	(void)nonblock(out->fd, 0);
	return -1;
}

int
mwtls_start_server(SSL_CTX *ctx, struct bio *in, struct bio *out,
    struct sa *err)
{
	return start(ctx, in, out, 1, NULL, err);
}

/* An address literal or IP gets no SNI (RFC 6066 3). */
int
mwtls_start_client(SSL_CTX *ctx, struct bio *in, struct bio *out,
    const char *host, struct sa *err)
{
	size_t	 i;
	int	 name = 0;

	for (i = 0; host != NULL && host[i] != '\0'; i++) {
		if (host[i] == ':' || host[i] == '[')
			break;
		if (!(host[i] >= '0' && host[i] <= '9') && host[i] != '.')
			name = 1;
	}
	if (host != NULL && host[i] != '\0')
		name = 0;
	return start(ctx, in, out, 0, name ? host : NULL, err);
}

const char *
mwtls_describe(const struct bio *b, char *buf, size_t n)
{
	const SSL	*ssl;
	int		 r;

	if (b->op != tls_read && b->op != tls_write)
		return NULL;
	ssl = b->ctx;
	r = snprintf(buf, n, "%s %s", SSL_get_version(ssl),
	    SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
	if (r < 0 || (size_t)r >= n)
		return NULL;
	return buf;
}

void
mwtls_end(struct bio *in, struct bio *out)
{
	SSL	*ssl = NULL;

	if (out->op == tls_write) {
		(void)bio_flush(out);
		ssl = out->ctx;
	} else if (in->op == tls_read)
		ssl = in->ctx;
	if (ssl == NULL)
		return;
	ERR_clear_error();
	(void)SSL_shutdown(ssl);	/* close_notify, best effort */
	ERR_clear_error();
	SSL_free(ssl);
	in->op = bio_op_read;
	in->ctx = NULL;
	out->op = bio_op_write;
	out->ctx = NULL;
	(void)nonblock(in->fd, 0);
	(void)nonblock(out->fd, 0);
}
