/* ISC license. */
/* dsn.h: RFC 3464 delivery status notifications (bounces).
 *
 * dsn_queue() writes a bounce for the failed recipients of a spooled
 * message into a spool (normally queue/outbound): from <>, to the
 * original sender, a multipart/report with a human part, a
 * message/delivery-status part and the original headers
 * (text/rfc822-headers).  A message from the null sender is never
 * bounced: dsn_queue() then returns 0 and sets *queued to 0. */
#ifndef MW_DSN_H
#define MW_DSN_H

#include <stddef.h>
#include "envelope.h"
#include "sa.h"

struct dsn_rcpt {
	const char	*addr;		/* the recipient, without <> */
	size_t		 addrlen;
	const char	*status;	/* RFC 3463 code, "5.1.1" */
	const char	*diag;		/* "smtp; 550 5.1.1 no such user" */
	const char	*remote;	/* remote MTA name or NULL */
};

/* Build the bounce message (headers and body, LF line ends) into out. */
int	dsn_make(const struct envelope *, const char *, size_t, const char *,
	    const struct dsn_rcpt *, size_t, struct sa *);
/* Build and spool it; *qid gets the bounce's queue id.  0 or -1 errno. */
int	dsn_queue(const char *, const struct envelope *, const char *, size_t,
	    const char *, const struct dsn_rcpt *, size_t, int *, struct sa *);

#endif
