/* ISC license. */
/* smtpsess.h: one SMTP (or LMTP) delivery session with one address.
 *
 * smtpsess_run() connects (s->tconnect ms), reads the greeting, says
 * EHLO (HELO), uses STARTTLS when offered and s->usetls is set, and runs
 * transactions of at most SMTPSESS_BATCH recipients until every
 * recipient whose code is 0 has an answer; s->result() is called for
 * each answer as it comes.  A recipient whose code is not 0 is left
 * alone.  It returns SMTPSESS_DONE, or SMTPSESS_NEXT when the session
 * failed before every recipient was answered (try the next address;
 * s->err says why), or SMTPSESS_TLSFAIL when the TLS handshake failed
 * (the caller may try the same address again without TLS).  With
 * s->tlsreq a next hop without working STARTTLS is SMTPSESS_NEXT.
 * s->sent(), if set, is called after each transaction, once its last
 * reply is in (or the connection is lost), before RSET or QUIT: the
 * moment to commit its results; what QUIT brings changes nothing.
 * With s->lmtp the session speaks LMTP (smtpc.h): each recipient is
 * answered by its own reply to the end of the data.  The address may be
 * a unix socket (smtpsess_unixaddr()): s->relay is then its path, and
 * STARTTLS is never used over it. */
#ifndef MW_SMTPSESS_H
#define MW_SMTPSESS_H

#include <stddef.h>
#include <openssl/ssl.h>
#include "dns.h"
#include "sa.h"
#include "smtpc.h"

#define SMTPSESS_BATCH	100	/* RFC 5321 4.5.3.1.8: servers take 100 */

enum { SMTPSESS_DONE, SMTPSESS_NEXT, SMTPSESS_TLSFAIL };

struct smtpsess;
typedef void (*smtpsess_fn)(struct smtpsess *, size_t,
		    const struct smtpc_rcpt *);
typedef void (*smtpsess_sentfn)(struct smtpsess *);

struct smtpsess {
	/* set by the caller */
	const char		*helo;
	int			 tconnect;	/* ms */
	int			 tremote;	/* ms, per read or write */
	int			 usetls;
	int			 tlsreq;
	int			 lmtp;
	SSL_CTX			*tlsctx;	/* made on first use */
	smtpsess_fn		 result;
	smtpsess_sentfn		 sent;		/* may be NULL */
	void			*ctx;
	char			*ibuf, *obuf;	/* bio buffers */
	size_t			 bufsize;
	/* set by smtpsess_run() */
	const struct dns_addr	*addr;
	char			 relay[320];	/* "host[ip]:port" */
	struct sa		 err;		/* NUL-terminated */
	int			 tlsup;
};

int	smtpsess_run(struct smtpsess *, const struct dns_addr *, const char *,
	    size_t, const char *, size_t, struct smtpc_rcpt *, size_t);
/* An address for the unix socket at path: 0, or -1 with errno
 * ENAMETOOLONG (EINVAL if empty). */
int	smtpsess_unixaddr(struct dns_addr *, const char *);
void	smtpsess_free(struct smtpsess *);

#endif
