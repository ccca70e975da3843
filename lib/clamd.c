/* ISC license. */
/* clamd.c: a client of clamd, ClamAV's daemon: the connection and the
 * commands; see clamd.h.  The replies are parsed in clamdreply.c. */
#include "sysdeps.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bio.h"
#include "clamd.h"
#include "dns.h"
#include "smtpc.h"

#define CLAMD_INSTREAM	"zINSTREAM"	/* sent with its NUL */
#define CLAMD_VERSION	"zVERSION"
#define CLAMD_RAR	"Rar!\x1a\x07"
#define CLAMD_BUFSZ	(CLAMD_CHUNK + 4)

/* one command: its connection and deadline */
struct clamd_conn {
	const struct clamd	*c;
	int			 fd;
	long long		 end;		/* CLOCK_MONOTONIC, ms */
	char			 why[SCANRES_WHATSZ];
};

static int	clamd_fail(struct clamd_conn *, const char *, ...)
		    MW_PRINTF(2, 3);

int
clamd_init(struct clamd *c, const char *addr, size_t n,
    unsigned long timeout, size_t maxstream)
{
	struct sockaddr_un	 sun;

	memset(c, 0, sizeof *c);
	c->timeout = timeout;
	c->maxstream = maxstream;
	if (n == 0 || n >= sizeof c->addr || memchr(addr, '\0', n) != NULL ||
	    timeout == 0 || maxstream == 0) {
		errno = EINVAL;
		return -1;
	}
	memcpy(c->addr, addr, n);
	if (addr[0] == '/') {
		if (n >= sizeof sun.sun_path) {
			errno = EINVAL;
			return -1;
		}
		memcpy(c->host, addr, n);
		return 0;
	}
	if (hostport_parse(addr, n, c->host, sizeof c->host, &c->port) ==
	    HOSTPORT_BAD || c->port == 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* --- one connection, one deadline ------------------------------------- */

static int
clamd_fail(struct clamd_conn *k, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(k->why, sizeof k->why, fmt, ap);	/* may cut */
	va_end(ap);
	return -1;
}

static long long
clamd_now(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* milliseconds left before the deadline, or -1 with ETIMEDOUT */
static int
clamd_left(const struct clamd_conn *k)
{
	long long	 ms = k->end - clamd_now();

	if (ms <= 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* poll for ev until the deadline: the revents, or -1 */
static int
clamd_wait(const struct clamd_conn *k, short ev)
{
	struct pollfd	 p;
	int		 ms, r;

	p.fd = k->fd;
	p.events = ev;
	for (;;) {
		if ((ms = clamd_left(k)) == -1)
			return -1;
		if ((r = poll(&p, 1, ms)) > 0)
			return p.revents;
		if (r == -1 && errno != EINTR)
			return -1;
	}
}

static int
clamd_connect_unix(struct clamd_conn *k)
{
	struct sockaddr_un	 sun;
	int			 ms;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, k->c->host, strlen(k->c->host));	/* fits */
	if ((ms = clamd_left(k)) == -1)
		return -1;
	return smtpc_connect((const struct sockaddr *)(const void *)&sun,
	    sizeof sun, ms);
}

/* every address of the host in turn, within the deadline */
static int
clamd_connect_tcp(struct clamd_conn *k)
{
	struct dns_addrs	*l;
	struct sa		 why = SA_ZERO;
	size_t			 i;
	int			 fd = -1, ms, one = 1;

	if ((l = calloc(1, sizeof *l)) == NULL)
		return -1;
	if (dns_host(k->c->host, k->c->port, l, &why) != DNS_OK)
		(void)clamd_fail(k, "clamd: connect to %s: %.*s", k->c->addr,
		    why.len > 200 ? 200 : (int)why.len, why.s != NULL ? why.s :
		    "");
	for (i = 0; fd == -1 && i < l->n && (ms = clamd_left(k)) != -1; i++)
		fd = smtpc_connect((const struct sockaddr *)(const void *)
		    &l->a[i].ss, l->a[i].sslen, ms);
	/* the last segment of the data must not wait for an ACK */
	if (fd != -1 && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof one) == -1) {
		(void)close(fd);
		fd = -1;
	}
	sa_free(&why);
	free(l);
	return fd;
}

static int
clamd_connect(struct clamd_conn *k)
{
	int	 fl;

	k->fd = k->c->port == 0 ? clamd_connect_unix(k) : clamd_connect_tcp(k);
	if (k->fd == -1) {
		if (k->why[0] == '\0')
			(void)clamd_fail(k, "clamd: connect to %s: %s",
			    k->c->addr, strerror(errno));
		return -1;
	}
	if ((fl = fcntl(k->fd, F_GETFL)) == -1 ||
	    fcntl(k->fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return clamd_fail(k, "clamd: connect to %s: %s", k->c->addr,
		    strerror(errno));
	return 0;
}

/* bio write op: send within the deadline; clamd speaking first or
 * hanging up stops the data (-1, EPIPE): its reply says why */
static ssize_t
clamd_op_send(struct bio *b, char *p, size_t n)
{
	const struct clamd_conn	*k = b->ctx;
	ssize_t			 w;
	int			 ev;

	for (;;) {
		if ((ev = clamd_wait(k, POLLOUT | POLLIN)) == -1)
			return -1;
		if (ev & (POLLIN | POLLHUP | POLLERR)) {
			errno = EPIPE;
			return -1;
		}
		w = send(k->fd, p, n, MSG_NOSIGNAL);
		if (w >= 0 || (errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK))
			return w;
	}
}

/* The command and, if pfx is not NULL, plen bytes at pfx and len at buf
 * as INSTREAM chunks.  1: all sent; 0: clamd hung up or spoke first;
 * -1: failed (k->why). */
static int
clamd_send(struct clamd_conn *k, const char *cmd, const char *pfx,
    size_t plen, const char *buf, size_t len)
{
	const char	*seg[2] = { pfx, buf };
	size_t		 segn[2] = { plen, len }, off, n;
	unsigned char	 h[4];
	struct bio	 b;
	char		*out;
	int		 i, r = 0, e;

	if ((out = malloc(CLAMD_BUFSZ)) == NULL)
		return clamd_fail(k, "clamd: out of memory");
	bio_init(&b, k->fd, clamd_op_send, out, CLAMD_BUFSZ);
	b.ctx = k;
	r = bio_put(&b, cmd, strlen(cmd) + 1);
	for (i = 0; pfx != NULL && r == 0 && i < 2; i++)
		for (off = 0; r == 0 && off < segn[i]; off += n) {
			n = segn[i] - off < CLAMD_CHUNK ? segn[i] - off :
			    CLAMD_CHUNK;
			h[0] = (unsigned char)(n >> 24);
			h[1] = (unsigned char)(n >> 16);
			h[2] = (unsigned char)(n >> 8);
			h[3] = (unsigned char)n;
			r = bio_put(&b, (const char *)h, 4) == -1 ||
			    bio_put(&b, seg[i] + off, n) == -1 ? -1 : 0;
		}
	if (pfx != NULL && r == 0)
		r = bio_put(&b, "\0\0\0\0", 4);
	if (r == 0)
		r = bio_flush(&b);
	e = errno;
	free(out);
	if (r == 0)
		return 1;
	if (e == EPIPE || e == ECONNRESET)
		return 0;
	return clamd_fail(k, "clamd: sending to %s: %s", k->c->addr,
	    strerror(e));
}

/* The reply, to the end of the connection (a reset after it too), at
 * most CLAMD_REPLYMAX bytes; 0 or -1 (k->why). */
static int
clamd_recv(struct clamd_conn *k, struct sa *rep)
{
	char	 buf[512];
	ssize_t	 n;

	rep->len = 0;
	for (;;) {
		if (clamd_wait(k, POLLIN) == -1)
			break;
		n = read(k->fd, buf, sizeof buf);
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 0;
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			break;
		}
		if (rep->len + (size_t)n > CLAMD_REPLYMAX)
			return clamd_fail(k, "clamd: reply over %d bytes",
			    CLAMD_REPLYMAX);
		if (sa_catb(rep, buf, (size_t)n) == -1)
			break;
	}
	return clamd_fail(k, "clamd: reading the reply of %s: %s",
	    k->c->addr, strerror(errno));
}

/* One command on a new connection: 1 or 0 as clamd_send(), the reply in
 * rep; -1 (k->why). */
static int
clamd_run(struct clamd_conn *k, const struct clamd *c, const char *cmd,
    const char *pfx, size_t plen, const char *buf, size_t len,
    struct sa *rep)
{
	int	 r;

	memset(k, 0, sizeof *k);
	k->c = c;
	k->fd = -1;
	k->end = clamd_now() + (long long)c->timeout;
	if (clamd_connect(k) == -1)
		r = -1;
	else if ((r = clamd_send(k, cmd, pfx, plen, buf, len)) != -1 &&
	    clamd_recv(k, rep) == -1)
		r = -1;
	if (k->fd != -1)
		(void)close(k->fd);
	return r;
}

/* --- the commands ------------------------------------------------------ */

static enum scanres_verdict
clamd_scan(const struct clamd *c, const char *pfx, size_t plen,
    const char *buf, size_t len, struct scanres *r)
{
	struct clamd_conn	 k;
	struct sa		 rep = SA_ZERO;
	int			 whole;

	if (len > c->maxstream || plen > c->maxstream - len) {
		scanres_start(r);
		scanres_note(r, SCANRES_F_LIMIT, "StreamMaxLength");
		return scanres_settle(r);
	}
	if ((whole = clamd_run(&k, c, CLAMD_INSTREAM, pfx, plen, buf, len,
	    &rep)) == -1) {
		scanres_start(r);
		(void)scanres_fail(r, "%s", k.why);
	} else
		(void)clamd_parsereply(rep.s, rep.len, whole, r);
	sa_free(&rep);
	return r->verdict;
}

enum scanres_verdict
clamd_scan_message(const struct clamd *c, const char *buf, size_t len,
    struct scanres *r)
{
	return clamd_scan(c, SCANRES_MAILPREFIX, sizeof SCANRES_MAILPREFIX - 1,
	    buf, len, r);
}

enum scanres_verdict
clamd_scan_leaf(const struct clamd *c, const char *buf, size_t len,
    struct scanres *r)
{
	if (len == 0) {
		scanres_start(r);
		return scanres_settle(r);
	}
	if (clamd_scan(c, "", 0, buf, len, r) == SCANRES_ERROR)
		return SCANRES_ERROR;
	if (len >= sizeof CLAMD_RAR - 1 &&
	    memcmp(buf, CLAMD_RAR, sizeof CLAMD_RAR - 1) == 0) {
		scanres_note(r, SCANRES_F_UNSCANNABLE, "rar");
		return scanres_settle(r);
	}
	return r->verdict;
}

static enum scanres_verdict
clamd_message_fn(const void *c, const char *buf, size_t len,
    struct scanres *r)
{
	return clamd_scan_message(c, buf, len, r);
}

static enum scanres_verdict
clamd_leaf_fn(const void *c, const char *buf, size_t len, struct scanres *r)
{
	return clamd_scan_leaf(c, buf, len, r);
}

void
clamd_scanner(const struct clamd *c, struct scanner *sc)
{
	sc->st = c;
	sc->message = clamd_message_fn;
	sc->leaf = clamd_leaf_fn;
}

int
clamd_version(const struct clamd *c, struct sa *out, struct sa *err)
{
	struct clamd_conn	 k;
	struct sa		 rep = SA_ZERO;
	size_t			 had = out->len;
	int			 r = -1;

	if (clamd_run(&k, c, CLAMD_VERSION, NULL, 0, NULL, 0, &rep) == -1)
		(void)sa_copys(err, k.why);
	else if (clamd_parseversion(rep.s, rep.len, out) == -1) {
		out->len = had;
		err->len = 0;
		(void)sa_catf(err, "clamd: %s", errno == ENOMEM ?
		    "out of memory" : "unexpected reply to VERSION");
	} else
		r = 0;
	sa_free(&rep);
	return r;
}
