/* ISC license. */
/* smtpsess.c: one SMTP delivery session with one address; see smtpsess.h. */
#include "sysdeps.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bio.h"
#include "dns.h"
#include "mwtls.h"
#include "sa.h"
#include "smtpc.h"
#include "smtpsess.h"

/* s->err = the concatenation of the strings up to the NULL */
static void
smtpsess_err(struct smtpsess *s, const char *a, const char *b,
    const char *c, const char *d)
{
	const char	*p[4] = { a, b, c, d };
	size_t		 i;

	s->err.len = 0;
	for (i = 0; i < 4 && p[i] != NULL; i++)
		if (sa_cats(&s->err, p[i]) == -1)
			break;
	(void)sa_0(&s->err);
}

static const char *
smtpsess_text(struct smtpc *c, int code)
{
	if (code < 0)
		return smtpc_strerror(code);
	return sa_0(&c->reply) == -1 ? "?" : c->reply.s;
}

/* Every recipient with code 0, in batches; answers go to s->result. */
static int
smtpsess_mail(struct smtpsess *s, struct smtpc *c, const char *from,
    size_t fl, const char *msg, size_t ml, struct smtpc_rcpt *r, size_t n)
{
	struct smtpc_rcpt	*b;
	size_t			*idx, i, k, first = 1;
	int			 res = SMTPSESS_DONE;

	b = calloc(SMTPSESS_BATCH, sizeof *b);
	idx = calloc(SMTPSESS_BATCH, sizeof *idx);
	if (b == NULL || idx == NULL) {
		smtpsess_err(s, "out of memory", NULL, NULL, NULL);
		res = SMTPSESS_NEXT;
	}
	while (res == SMTPSESS_DONE) {
		for (i = k = 0; i < n && k < SMTPSESS_BATCH; i++)
			if (r[i].code == 0) {
				idx[k] = i;
				b[k++] = r[i];
			}
		if (k == 0)
			break;
		if (!first && (res = smtpc_cmd(c, "RSET")) != 250) {
			smtpsess_err(s, s->relay, " said to RSET: ",
			    smtpsess_text(c, res), NULL);
			res = SMTPSESS_NEXT;
			break;
		}
		first = 0;
		res = smtpc_send(c, from, fl, msg, ml, b, k);
		for (i = 0; i < k; i++) {
			r[idx[i]] = b[i];	/* the reply's memory too */
			if (b[i].code != 0)
				s->result(s, idx[i], &r[idx[i]]);
		}
		if (s->sent != NULL)
			s->sent(s);
		if (res < 0) {
			smtpsess_err(s, "lost connection with ", s->relay, ": ",
			    smtpc_strerror(res));
			res = SMTPSESS_NEXT;
		} else
			res = SMTPSESS_DONE;
	}
	free(b);
	free(idx);
	return res;
}

static int
smtpsess_tls(struct smtpsess *s, struct smtpc *c)
{
	struct sa	 err = SA_ZERO;
	int		 code;

	if ((s->tlsctx == NULL && (s->tlsctx = mwtls_client_ctx(&err)) ==
	    NULL) || mwtls_start_client(s->tlsctx, c->in, c->out,
	    s->addr->host, &err) == -1) {
		(void)sa_0(&err);
		smtpsess_err(s, "TLS with ", s->relay, " failed: ",
		    err.s != NULL ? err.s : "?");
		sa_free(&err);
		return SMTPSESS_TLSFAIL;
	}
	s->tlsup = 1;
	if ((code = smtpc_ehlo(c, s->helo)) < 200 || code > 299) {
		smtpsess_err(s, s->relay, " said after STARTTLS: ",
		    smtpsess_text(c, code), NULL);
		return SMTPSESS_NEXT;
	}
	return 0;
}

/* Greeting, EHLO and STARTTLS: 0 when ready for mail. */
static int
smtpsess_hello(struct smtpsess *s, struct smtpc *c)
{
	int	 code;

	if ((code = smtpc_read(c)) < 200 || code > 299 ||
	    (code = smtpc_ehlo(c, s->helo)) < 200 || code > 299) {
		smtpsess_err(s, s->relay, " said: ", smtpsess_text(c, code),
		    NULL);
		return SMTPSESS_NEXT;
	}
	if (s->usetls && s->addr->ss.ss_family != AF_UNIX &&
	    (c->ext & SMTPC_STARTTLS) &&
	    (code = smtpc_cmd(c, "STARTTLS")) == 220 &&
	    (code = smtpsess_tls(s, c)) != 0)
		return code;
	if (code < 0) {
		smtpsess_err(s, s->relay, " said to STARTTLS: ",
		    smtpsess_text(c, code), NULL);
		return SMTPSESS_NEXT;
	}
	if (s->tlsreq && !s->tlsup) {
		smtpsess_err(s, s->relay, ": ", c->ext & SMTPC_STARTTLS ?
		    "STARTTLS refused (tls=require)" :
		    "no STARTTLS offered (tls=require)", NULL);
		return SMTPSESS_NEXT;
	}
	return 0;
}

int
smtpsess_run(struct smtpsess *s, const struct dns_addr *a, const char *from,
    size_t fl, const char *msg, size_t ml, struct smtpc_rcpt *r, size_t n)
{
	const struct sockaddr_un *sun = (const void *)&a->ss;
	struct bio		 in, out;
	struct smtpc		 c;
	int			 fd, res;

	s->addr = a;
	s->tlsup = 0;
	if (a->ss.ss_family == AF_UNIX)
		snprintf(s->relay, sizeof s->relay, "%.*s",
		    (int)sizeof sun->sun_path, sun->sun_path);
	else
		snprintf(s->relay, sizeof s->relay, "%s[%s]:%u", a->host,
		    a->ip, a->port);
	fd = smtpc_connect((const struct sockaddr *)(const void *)&a->ss,
	    a->sslen, s->tconnect);
	if (fd == -1) {
		smtpsess_err(s, "connect to ", s->relay, ": ", strerror(errno));
		return SMTPSESS_NEXT;
	}
	bio_init(&in, fd, bio_op_read, s->ibuf, s->bufsize);
	bio_init(&out, fd, bio_op_write, s->obuf, s->bufsize);
	in.timeout = out.timeout = s->tremote;
	smtpc_init(&c, &in, &out);
	c.lmtp = s->lmtp;
	if ((res = smtpsess_hello(s, &c)) == 0)
		res = smtpsess_mail(s, &c, from, fl, msg, ml, r, n);
	if (res != SMTPSESS_TLSFAIL)
		smtpc_quit(&c);		/* not after an I/O error */
	if (s->tlsup)
		mwtls_end(&in, &out);
	close(fd);
	smtpc_free(&c);
	return res;
}

int
smtpsess_unixaddr(struct dns_addr *a, const char *path)
{
	struct sockaddr_un	 sun;
	size_t			 n = strlen(path);

	if (n == 0 || n >= sizeof sun.sun_path) {
		errno = n == 0 ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	memset(a, 0, sizeof *a);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, n);
	memcpy(&a->ss, &sun, sizeof sun);
	a->sslen = sizeof sun;
	return 0;
}

void
smtpsess_free(struct smtpsess *s)
{
	if (s->tlsctx != NULL)
		SSL_CTX_free(s->tlsctx);
	s->tlsctx = NULL;
	sa_free(&s->err);
}
