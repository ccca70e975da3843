/* ISC license. */
/* smtpc.c: the client side of an SMTP session; see smtpc.h. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bio.h"
#include "sa.h"
#include "smtpc.h"

void
smtpc_init(struct smtpc *c, struct bio *in, struct bio *out)
{
	memset(c, 0, sizeof *c);
	c->in = in;
	c->out = out;
}

void
smtpc_free(struct smtpc *c)
{
	sa_free(&c->reply);
	sa_free(&c->line);
}

const char *
smtpc_strerror(int r)
{
	switch (r) {
	case SMTPC_OK:
		return "ok";
	case SMTPC_IOERR:
		return strerror(errno);
	case SMTPC_EOF:
		return "connection closed by the server";
	case SMTPC_PROTO:
		return "malformed reply";
	default:
		return "unknown error";
	}
}

static int
smtpc_isdigit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* "KEYWORD [params]" from an EHLO reply line (after "250-"). */
static void
smtpc_keyword(struct smtpc *c, const char *s, size_t n)
{
	static const struct {
		const char	*kw;
		unsigned int	 bit;
	} kws[] = {
		{ "PIPELINING", SMTPC_PIPELINING }, { "SIZE", SMTPC_SIZE },
		{ "STARTTLS", SMTPC_STARTTLS }, { "8BITMIME", SMTPC_8BITMIME },
		{ "SMTPUTF8", SMTPC_SMTPUTF8 },
	};
	unsigned long long	 v = 0;
	size_t			 i, k, kl;

	for (k = 0; k < n && s[k] != ' '; k++)
		;
	for (i = 0; i < sizeof kws / sizeof kws[0]; i++) {
		kl = strlen(kws[i].kw);
		if (kl == k && sa_caseeqb(s, kws[i].kw, kl))
			break;
	}
	if (i == sizeof kws / sizeof kws[0])
		return;
	c->ext |= kws[i].bit;
	if (kws[i].bit != SMTPC_SIZE)
		return;
	for (k++; k < n && smtpc_isdigit(s[k]); k++)
		if (v > 1000000000000ULL)
			return;		/* absurd: treat as no limit */
		else
			v = v * 10 + (unsigned long long)(s[k] - '0');
	c->size = k == n ? v : 0;
}

/* Keep the reply as one line "CODE text text" of at most
 * SMTPC_MAXREPLY bytes. */
static int
smtpc_keep(struct smtpc *c, const struct sa *l, int first)
{
	size_t room;

	if (first && sa_catb(&c->reply, l->s, 3) == -1)
		return -1;
	if (l->len <= 4 || c->reply.len >= SMTPC_MAXREPLY - 1)
		return 0;
	room = SMTPC_MAXREPLY - 1 - c->reply.len;
	if (sa_catc(&c->reply, ' ') == -1)
		return -1;
	return sa_catb(&c->reply, l->s + 4, l->len - 4 < room ? l->len - 4 :
	    room);
}

static int
smtpc_read1(struct smtpc *c, int ehlo)
{
	struct sa	*l = &c->line;
	int		 code = 0, lc, r;
	size_t		 nl;

	c->reply.len = 0;
	for (nl = 0; nl < SMTPC_MAXLINES; nl++) {
		r = bio_getline(c->in, l, SMTPC_MAXLINE, '\n');
		if (r == BIO_ERR)
			return SMTPC_IOERR;
		if (r == BIO_EOF)
			return SMTPC_EOF;
		if (r == BIO_TOOLONG)
			return SMTPC_PROTO;
		if (l->len > 0 && l->s[l->len - 1] == '\r')
			l->len--;
		if (l->len < 3 || !smtpc_isdigit(l->s[0]) ||
		    !smtpc_isdigit(l->s[1]) || !smtpc_isdigit(l->s[2]) ||
		    (l->len > 3 && l->s[3] != ' ' && l->s[3] != '-'))
			return SMTPC_PROTO;
		lc = (l->s[0] - '0') * 100 + (l->s[1] - '0') * 10 +
		    (l->s[2] - '0');
		if (lc < 200 || lc > 599 || (nl > 0 && lc != code))
			return SMTPC_PROTO;
		code = lc;
		if (ehlo && nl > 0 && l->len > 4)
			smtpc_keyword(c, l->s + 4, l->len - 4);
		if (smtpc_keep(c, l, nl == 0) == -1)
			return SMTPC_IOERR;
		if (l->len == 3 || l->s[3] == ' ') {
			c->code = code;
			return code;
		}
	}
	return SMTPC_PROTO;
}

static int
smtpc_broke(struct smtpc *c, int r)
{
	if (r < 0)
		c->broken = 1;
	return r;
}

int
smtpc_read(struct smtpc *c)
{
	return smtpc_broke(c, smtpc_read1(c, 0));
}

static int
smtpc_flush(struct smtpc *c)
{
	return smtpc_broke(c, bio_flush(c->out) == -1 ? SMTPC_IOERR :
	    SMTPC_OK);
}

static int
smtpc_line(struct smtpc *c, const char *a, const char *b)
{
	if (bio_puts(c->out, a) == -1 || (b != NULL &&
	    bio_puts(c->out, b) == -1) || bio_put(c->out, "\r\n", 2) == -1)
		return SMTPC_IOERR;
	return SMTPC_OK;
}

int
smtpc_cmd(struct smtpc *c, const char *cmd)
{
	if (smtpc_line(c, cmd, NULL) != SMTPC_OK || smtpc_flush(c) != SMTPC_OK)
		return SMTPC_IOERR;
	return smtpc_read(c);
}

int
smtpc_ehlo(struct smtpc *c, const char *helo)
{
	int	 r;

	c->ext = 0;
	c->size = 0;
	if (smtpc_line(c, c->lmtp ? "LHLO " : "EHLO ", helo) != SMTPC_OK ||
	    smtpc_flush(c) != SMTPC_OK)
		return SMTPC_IOERR;
	r = smtpc_broke(c, smtpc_read1(c, 1));
	if (r < 500 || c->lmtp) {	/* LMTP has no HELO */
		if (r < 200 || r >= 300)
			c->ext = 0;
		return r;
	}
	c->ext = 0;
	c->size = 0;
	if (smtpc_line(c, "HELO ", helo) != SMTPC_OK ||
	    smtpc_flush(c) != SMTPC_OK)
		return SMTPC_IOERR;
	return smtpc_read(c);
}

void
smtpc_quit(struct smtpc *c)
{
	if (!c->broken && smtpc_line(c, "QUIT", NULL) == SMTPC_OK &&
	    smtpc_flush(c) == SMTPC_OK)
		(void)smtpc_read(c);
}

unsigned long long
smtpc_wiresize(const char *m, size_t n)
{
	unsigned long long	 w = 0;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (m[i] == '\r' && i + 1 < n && m[i + 1] == '\n')
			i++;
		w += m[i] == '\r' || m[i] == '\n' ? 2 : 1;
	}
	if (n > 0 && m[n - 1] != '\n' && m[n - 1] != '\r')
		w += 2;
	return w;
}

int
smtpc_data(struct bio *out, const char *m, size_t n)
{
	size_t	 i = 0, j;

	while (i < n) {
		if (m[i] == '.' && bio_put(out, ".", 1) == -1)
			return -1;
		for (j = i; j < n && m[j] != '\r' && m[j] != '\n'; j++)
			;
		if (bio_put(out, m + i, j - i) == -1 ||
		    bio_put(out, "\r\n", 2) == -1)
			return -1;
		if (j < n && m[j] == '\r' && j + 1 < n && m[j + 1] == '\n')
			j++;
		i = j + 1;
	}
	return bio_put(out, ".\r\n", 3);
}

/* --- one transaction ------------------------------------------------ */

static int
smtpc_has8bit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/* Give the recipients still open the code and text of the last reply. */
static int
smtpc_setall(struct smtpc *c, struct smtpc_rcpt *r, size_t n, int only2xx)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (only2xx && (r[i].code < 200 || r[i].code > 299))
			continue;
		r[i].code = c->code;
		if (sa_copyb(&r[i].reply, c->reply.s, c->reply.len) == -1)
			return SMTPC_IOERR;
	}
	return SMTPC_OK;
}

/* A local verdict, as if the server had said it. */
static int
smtpc_local(struct smtpc *c, int code, const char *text,
    struct smtpc_rcpt *r, size_t n)
{
	c->code = code;
	if (sa_copys(&c->reply, text) == -1)
		return SMTPC_IOERR;
	return smtpc_setall(c, r, n, 0);
}

static int
smtpc_mailcmd(struct smtpc *c, const char *from, size_t fromlen,
    unsigned long long size, int body8, int utf8)
{
	struct sa	*l = &c->line;

	l->len = 0;
	if (sa_cats(l, "MAIL FROM:<") == -1 || sa_catb(l, from, fromlen) == -1 ||
	    sa_catc(l, '>') == -1 ||
	    ((c->ext & SMTPC_SIZE) && sa_catf(l, " SIZE=%llu", size) == -1) ||
	    (body8 && sa_cats(l, " BODY=8BITMIME") == -1) ||
	    (utf8 && sa_cats(l, " SMTPUTF8") == -1) ||
	    sa_cats(l, "\r\n") == -1 || bio_put(c->out, l->s, l->len) == -1)
		return SMTPC_IOERR;
	return SMTPC_OK;
}

static int
smtpc_rcptcmd(struct smtpc *c, const struct smtpc_rcpt *r)
{
	if (bio_puts(c->out, "RCPT TO:<") == -1 ||
	    bio_put(c->out, r->addr, r->len) == -1 ||
	    bio_put(c->out, ">\r\n", 3) == -1)
		return SMTPC_IOERR;
	return SMTPC_OK;
}

/* The reply to one RCPT, kept in the recipient: its code or < 0. */
static int
smtpc_rcptreply(struct smtpc *c, struct smtpc_rcpt *r)
{
	int code = smtpc_read(c);

	if (code < 0)
		return code;
	r->code = code;
	return sa_copyb(&r->reply, c->reply.s, c->reply.len) == -1 ?
	    SMTPC_IOERR : code;
}

/* MAIL, RCPT..., DATA; returns the DATA reply's code, 0 if DATA was
 * not sent (no recipient accepted, MAIL refused), or < 0. */
static int
smtpc_envelope(struct smtpc *c, struct smtpc_rcpt *r, size_t n)
{
	int	 pipe = (c->ext & SMTPC_PIPELINING) != 0, code, mail, res;
	size_t	 i, ok = 0;

	if (pipe) {
		for (i = 0; i < n; i++)
			if (smtpc_rcptcmd(c, &r[i]) != SMTPC_OK)
				return SMTPC_IOERR;
		if (smtpc_line(c, "DATA", NULL) != SMTPC_OK)
			return SMTPC_IOERR;
	}
	if (smtpc_flush(c) != SMTPC_OK)
		return SMTPC_IOERR;
	if ((mail = smtpc_read(c)) < 0)
		return mail;
	if (mail >= 300 && (res = smtpc_setall(c, r, n, 0)) != SMTPC_OK)
		return res;
	if (mail >= 300 && !pipe)
		return 0;
	for (i = 0; i < n; i++) {
		if (!pipe && (smtpc_rcptcmd(c, &r[i]) != SMTPC_OK ||
		    smtpc_flush(c) != SMTPC_OK))
			return SMTPC_IOERR;
		if (mail >= 300)	/* pipelined: read and drop */
			code = smtpc_read(c);
		else
			code = smtpc_rcptreply(c, &r[i]);
		if (code < 0)
			return code;
		ok += code >= 200 && code <= 299 && mail < 300;
	}
	if (!pipe && ok == 0)
		return 0;
	if (!pipe && (smtpc_line(c, "DATA", NULL) != SMTPC_OK ||
	    smtpc_flush(c) != SMTPC_OK))
		return SMTPC_IOERR;
	code = smtpc_read(c);
	if (code >= 0 && code != 354 && ok > 0 &&
	    smtpc_setall(c, r, n, 1) != SMTPC_OK)
		return SMTPC_IOERR;
	/* a 354 with nobody to send to: an empty, aborted message */
	return code == 354 && ok == 0 ? -354 : code;
}

/* LMTP (RFC 2033 4.2): after the data, a reply for each recipient
 * accepted at RCPT, in RCPT order; each is that recipient's answer. */
static int
smtpc_lmtpdata(struct smtpc *c, struct smtpc_rcpt *r, size_t n)
{
	size_t	 i;
	int	 code;

	for (i = 0; i < n; i++) {
		if (r[i].code < 200 || r[i].code > 299)
			continue;
		if ((code = smtpc_rcptreply(c, &r[i])) < 0)
			return code;
		r[i].final = 1;
	}
	return SMTPC_OK;
}

static int
smtpc_send1(struct smtpc *c, const char *from, size_t fromlen,
    const char *msg, size_t msglen, struct smtpc_rcpt *r, size_t n)
{
	unsigned long long	 size = smtpc_wiresize(msg, msglen);
	int			 utf8 = smtpc_has8bit(from, fromlen), code;
	size_t			 i;

	for (i = 0; i < n; i++) {
		r[i].code = 0;
		r[i].final = 0;
		r[i].reply.len = 0;
		utf8 |= smtpc_has8bit(r[i].addr, r[i].len);
	}
	if ((c->ext & SMTPC_SIZE) && c->size != 0 && size > c->size)
		return smtpc_local(c, 552, "552 5.3.4 message too big for the "
		    "remote host's SIZE limit", r, n);
	if (utf8 && !(c->ext & SMTPC_SMTPUTF8))
		return smtpc_local(c, 553, "553 5.6.7 the remote host does "
		    "not support SMTPUTF8 addresses", r, n);
	if (smtpc_mailcmd(c, from, fromlen, size, (c->ext & SMTPC_8BITMIME) &&
	    smtpc_has8bit(msg, msglen), utf8) != SMTPC_OK)
		return SMTPC_IOERR;
	code = smtpc_envelope(c, r, n);
	if (code == -354) {
		if (bio_put(c->out, ".\r\n", 3) == -1 ||
		    smtpc_flush(c) != SMTPC_OK)
			return SMTPC_IOERR;
		if (c->lmtp)	/* a reply per accepted RCPT: none */
			return SMTPC_OK;
		code = smtpc_read(c);
		return code < 0 ? code : SMTPC_OK;
	}
	if (code < 0 || code != 354)
		return code < 0 ? code : SMTPC_OK;
	if (smtpc_data(c->out, msg, msglen) == -1 || smtpc_flush(c) != SMTPC_OK)
		return SMTPC_IOERR;
	if (c->lmtp)
		return smtpc_lmtpdata(c, r, n);
	if ((code = smtpc_read(c)) < 0)
		return code;
	return smtpc_setall(c, r, n, 1);
}

int
smtpc_send(struct smtpc *c, const char *from, size_t fromlen,
    const char *msg, size_t msglen, struct smtpc_rcpt *r, size_t n)
{
	int	 res = smtpc_broke(c, smtpc_send1(c, from, fromlen, msg, msglen,
		    r, n));
	size_t	 i;

	/* lost before the end: an accepted RCPT is no delivery */
	if (res < 0)
		for (i = 0; i < n; i++)
			if (r[i].code >= 200 && r[i].code <= 299 &&
			    !r[i].final)
				r[i].code = 0;
	return res;
}

/* 1..3 digits at s[*i]; *i moves past them */
static int
smtpc_digits(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && *i - start < 4 && smtpc_isdigit(s[*i]))
		(*i)++;
	return *i > start && *i - start <= 3;
}

void
smtpc_status(const char *reply, size_t n, char *st)
{
	size_t	 i = 6;

	/* "C.S.D" after "CCC ", class C as the reply's (RFC 3463) */
	if (n >= 9 && smtpc_isdigit(reply[0]) && reply[4] == reply[0] &&
	    reply[5] == '.' && smtpc_digits(reply, n, &i) && i < n &&
	    reply[i++] == '.' && smtpc_digits(reply, n, &i) &&
	    (i == n || reply[i] == ' ')) {
		memcpy(st, reply + 4, i - 4);
		st[i - 4] = '\0';
		return;
	}
	st[0] = n > 0 && reply[0] >= '2' && reply[0] <= '5' ? reply[0] : '4';
	memcpy(st + 1, ".0.0", 5);
}

/* --- connecting ------------------------------------------------------- */

int
smtpc_connect(const struct sockaddr *sa, socklen_t salen, int timeout)
{
	struct pollfd	 p;
	socklen_t	 el = sizeof(int);
	int		 fd, e = 0, fl;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		goto fail;
	if (connect(fd, sa, salen) == 0)
		goto done;
	if (errno != EINPROGRESS)
		goto fail;
	p.fd = fd;
	p.events = POLLOUT;
	do
		e = poll(&p, 1, timeout > 0 ? timeout : -1);
	while (e == -1 && errno == EINTR);
	if (e == 0)
		errno = ETIMEDOUT;
	if (e <= 0)
		goto fail;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == -1)
		goto fail;
	if (e != 0) {
		errno = e;
		goto fail;
	}
done:
	if (fcntl(fd, F_SETFL, fl) == -1)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}
