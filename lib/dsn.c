/* ISC license. */
/* dsn.c: RFC 3464 delivery status notifications; see dsn.h.
 *
 * The bounce is a multipart/report (RFC 6522) of three parts: a note for
 * people, the message/delivery-status fields per recipient, and the
 * original message's header section as text/rfc822-headers (cut at a
 * line end after DSN_MAXHEADERS bytes).  Text from remote servers is
 * reduced to printable ASCII and capped before it goes into a header. */
#include "sysdeps.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "dsn.h"
#include "dsnfmt.h"
#include "envelope.h"
#include "mailfmt.h"
#include "sa.h"
#include "spool.h"

static int
dsn_headers(struct sa *out, const char *env, const char *me,
    const char *boundary, unsigned long long now)
{
	return sa_catf(out, "From: Mail Delivery System <MAILER-DAEMON@%s>\n"
	    "To: <%s>\nSubject: Undelivered Mail Returned to Sender\nDate: ",
	    me, env) == -1 || mailfmt_date(out, now) == -1 ||
	    sa_catf(out, "\nMessage-ID: <%s@%s>\nAuto-Submitted: auto-replied\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/report; "
	    "report-type=delivery-status;\n\tboundary=\"%s\"\n\n"
	    "This is a MIME-encapsulated message.\n\n", boundary, me,
	    boundary) == -1 ? -1 : 0;
}

static int
dsn_human(struct sa *out, const char *me, const char *boundary,
    const struct dsn_rcpt *r, size_t n)
{
	size_t i;

	if (sa_catf(out, "--%s\nContent-Type: text/plain; charset=us-ascii\n"
	    "Content-Description: Notification\n\nThis is the mail system at "
	    "%s.\n\nYour message could not be delivered to one or more "
	    "recipients.\nIts header section is attached below.\n\n", boundary, me) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (sa_catc(out, '<') == -1 ||
		    mailfmt_clean(out, r[i].addr, r[i].addrlen, 256) == -1 ||
		    sa_cats(out, ">: ") == -1 ||
		    mailfmt_cleans(out, r[i].diag, DSN_MAXDIAG) == -1 ||
		    sa_catc(out, '\n') == -1)
			return -1;
	return sa_catc(out, '\n');
}

static int
dsn_status(struct sa *out, const struct envelope *e, const char *me,
    const char *boundary, const struct dsn_rcpt *r, size_t n)
{
	size_t i;

	if (sa_catf(out, "--%s\nContent-Type: message/delivery-status\n"
	    "Content-Description: Delivery report\n\nReporting-MTA: dns; %s\n"
	    "X-Mailward-Queue-ID: ", boundary, me) == -1 ||
	    mailfmt_clean(out, e->id.s, e->id.len, SPOOL_MAXID) == -1 ||
	    sa_cats(out, "\nArrival-Date: ") == -1 ||
	    mailfmt_date(out, e->time) == -1 || sa_catc(out, '\n') == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (sa_cats(out, "\nFinal-Recipient: rfc822; ") == -1 ||
		    mailfmt_clean(out, r[i].addr, r[i].addrlen, 256) == -1 ||
		    sa_cats(out, "\nAction: failed\nStatus: ") == -1 ||
		    mailfmt_cleans(out, r[i].status, 16) == -1 ||
		    sa_catc(out, '\n') == -1)
			return -1;
		if (r[i].remote != NULL && (sa_cats(out, "Remote-MTA: dns; ") ==
		    -1 || mailfmt_cleans(out, r[i].remote, 256) == -1 ||
		    sa_catc(out, '\n') == -1))
			return -1;
		if (r[i].diag != NULL && (sa_cats(out, "Diagnostic-Code: ") ==
		    -1 || mailfmt_cleans(out, r[i].diag, DSN_MAXDIAG) == -1 ||
		    sa_catc(out, '\n') == -1))
			return -1;
	}
	return sa_catc(out, '\n');
}

/* The header section: up to the first empty line, cut at a line end. */
static int
dsn_orig(struct sa *out, const char *boundary, const char *m, size_t n)
{
	size_t	 i, end = 0;

	for (i = 0; i < n; i = end) {
		const char *nl = memchr(m + i, '\n', n - i);

		end = nl != NULL ? (size_t)(nl - m) + 1 : n;
		if (end - i == 1 || end > DSN_MAXHEADERS) {
			end = i;
			break;
		}
	}
	if (sa_catf(out, "--%s\nContent-Type: text/rfc822-headers\n"
	    "Content-Description: Undelivered Message Headers\n\n",
	    boundary) == -1 || sa_catb(out, m, end) == -1 ||
	    (end > 0 && m[end - 1] != '\n' && sa_catc(out, '\n') == -1))
		return -1;
	return sa_catf(out, "\n--%s--\n", boundary);
}

int
dsn_make_at(const struct envelope *e, const char *msg, size_t msglen,
    const char *me, const struct dsn_rcpt *r, size_t n,
    unsigned long long now, const char *boundary, struct sa *out)
{
	struct sa	 to = SA_ZERO;
	int		 res;

	if (me == NULL || *me == '\0')
		me = "localhost";
	out->len = 0;
	if (mailfmt_clean(&to, e->from.s, e->from.len, 256) == -1 ||
	    sa_0(&to) == -1)
		return -1;
	res = dsn_headers(out, to.s, me, boundary, now) == -1 ||
	    dsn_human(out, me, boundary, r, n) == -1 ||
	    dsn_status(out, e, me, boundary, r, n) == -1 ||
	    dsn_orig(out, boundary, msg, msglen) == -1 ? -1 : 0;
	sa_free(&to);
	return res;
}

int
dsn_make(const struct envelope *e, const char *msg, size_t msglen,
    const char *me, const struct dsn_rcpt *r, size_t n, struct sa *out)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned long long	 now = (unsigned long long)time(NULL);
	unsigned char		 rnd[8];
	struct sa		 b = SA_ZERO;
	size_t			 i;
	int			 res = -1, saved;

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return -1;
	if (sa_catf(&b, "=_mw_%llu_", now) == -1)
		goto out;
	for (i = 0; i < sizeof rnd; i++)
		if (sa_catc(&b, hex[rnd[i] >> 4]) == -1 ||
		    sa_catc(&b, hex[rnd[i] & 15]) == -1)
			goto out;
	if (sa_0(&b) == -1)
		goto out;
	res = dsn_make_at(e, msg, msglen, me, r, n, now, b.s, out);
out:
	saved = errno;
	sa_free(&b);
	errno = saved;
	return res;
}

int
dsn_queue(const char *spool, const struct envelope *e, const char *msg,
    size_t msglen, const char *me, const struct dsn_rcpt *r, size_t n,
    int *queued, struct sa *qid)
{
	struct envelope	 b = ENVELOPE_ZERO;
	struct sa	 env = SA_ZERO, body = SA_ZERO;
	int		 res = -1, saved;

	*queued = 0;
	if (e->from.len == 0 || n == 0)
		return 0;		/* never bounce a bounce */
	if (spool_newid(qid) == -1 || sa_0(qid) == -1 ||
	    sa_copyb(&b.id, qid->s, qid->len) == -1 ||
	    sa_copyb(&b.from, "", 0) == -1 ||
	    envelope_addrcpt(&b, e->from.s, e->from.len) == -1)
		goto out;
	b.time = (unsigned long long)time(NULL);
	if (dsn_make(e, msg, msglen, me, r, n, &body) == -1 ||
	    envelope_fmt(&b, &env) == -1 || spool_write(spool, qid->s,
	    &env, &body) == -1)
		goto out;
	*queued = 1;
	res = 0;
out:
	saved = errno;
	envelope_free(&b);
	sa_free(&env);
	sa_free(&body);
	errno = saved;
	return res;
}
