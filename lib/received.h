/* ISC license. */
/* received.h: the Received: trace header an SMTP server prepends
 * (RFC 5321 4.4; protocol names of RFC 3848 and RFC 6531).
 *
 *   Received: from HELO ([IP])
 *   	(using TLSv1.3 TLS_AES_256_GCM_SHA384)
 *   	by ME (mailward) with ESMTPS id ID
 *   	for <RCPT>;
 *   	Thu, 27 Nov 2025 07:23:00 +0000
 *
 * The TLS line only with TLS, "for" only with exactly one recipient;
 * "(local)" instead of "([IP])" without an address.  LF line ends, as
 * in a spool file. */
#ifndef MW_RECEIVED_H
#define MW_RECEIVED_H

#include <stddef.h>
#include "sa.h"

struct received {
	const char	*helo;	/* printable: see smtpcmd_helo() */
	size_t		 helolen;
	const char	*remote;	/* NULL or "" if none */
	const char	*me;
	const char	*proto;
	const char	*tls;		/* NULL without TLS */
	const char	*id;
	const char	*rcpt;		/* NULL unless one recipient */
	long long	 time;		/* seconds since the epoch */
};

/* "SMTP", "ESMTP", "ESMTPS", "UTF8SMTP" or "UTF8SMTPS". */
const char *received_proto(int, int, int);	/* ehlo, tls, utf8 */
/* Append the header; 0 or -1 with errno ENOMEM. */
int	received_fmt(struct sa *, const struct received *);

#endif
