/* ISC license. */
/* dsnfmt.h: the core of dsn_make() with the time and the MIME boundary
 * given, so that its output can be compared byte for byte (golden tests).
 * dsn_make() is dsn_make_at() with time(NULL) and a random boundary. */
#ifndef MW_DSNFMT_H
#define MW_DSNFMT_H

#include <stddef.h>
#include "dsn.h"
#include "envelope.h"
#include "sa.h"

#define DSN_MAXHEADERS	65536	/* original headers quoted, at most */
#define DSN_MAXDIAG	900	/* one Diagnostic-Code, at most */

int	dsn_make_at(const struct envelope *, const char *, size_t, const char *,
	    const struct dsn_rcpt *, size_t, unsigned long long, const char *,
	    struct sa *);

#endif
