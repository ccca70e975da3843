/* ISC license. */
/* smtpenv.h: the envelope an SMTP server builds, and its spool head.
 *
 * smtpenv_rcpt() decides whether a recipient (as smtpcmd_rcpt() gives
 * it) joins the envelope: only a subscriber does, and with no
 * subscribers nobody does (never an open relay); a duplicate is taken
 * once; past max recipients it must wait for the next message.
 * smtpenv_reply() is the reply for each outcome.  smtpenv_head()
 * appends what precedes the message in the spool file: the envelope
 * block (envelope.h) and the Received: header (received.h), which
 * names the TLS session only when env->tls is set.  smtpenv_reset()
 * forgets the sender and the recipients, keeping the session's fields.
 * smtpenv_logfrom() is the sender for a log line's from=<...>: escaped
 * (mwlog.h), and empty rather than "" for the null sender: from=<>.
 * No I/O. */
#ifndef MW_SMTPENV_H
#define MW_SMTPENV_H

#include <stddef.h>
#include "envelope.h"
#include "sa.h"

enum smtpenv_rcpt {
	SMTPENV_ADDED = 0,	/* 250 2.1.5 */
	SMTPENV_DUP,		/* 250 2.1.5, already a recipient */
	SMTPENV_NOSUBS,		/* 550 5.7.1, no subscribers configured */
	SMTPENV_NOTSUB,		/* 550 5.1.1 */
	SMTPENV_FULL,		/* 452 4.5.3 */
	SMTPENV_ERR,		/* envelope_addrcpt() failed, errno set */
	SMTPENV_NRESULT
};

/* subs: control_readlist() entries (subscr.h); max: recipients. */
int	smtpenv_rcpt(struct envelope *, const struct sa *, unsigned long,
	    const char *, size_t);
const char *smtpenv_reply(int);
/* ehlo, utf8: the session said EHLO, MAIL had SMTPUTF8; tls: the
 * session's cipher for Received:.  env->id and env->remote must be
 * NUL-terminated (sa_0()).
 * 0, or -1 with errno (ENOMEM, or EINVAL from envelope_fmt()). */
int	smtpenv_head(struct sa *, const struct envelope *, const char *,
	    int, int, const char *);
void	smtpenv_reset(struct envelope *);
/* out (outsz bytes) as mwlog_esc() fills it, or "" for the null sender. */
const char *smtpenv_logfrom(char *, size_t, const struct envelope *);

#endif
