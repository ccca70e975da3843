/* ISC license. */
/* smtpgreet.h: catch a client that talks before the greeting.
 *
 * RFC 5321 4.3.1: the client waits for the 220.  smtpgreet_wait() waits
 * up to ms milliseconds (0: only input already there) for input on the
 * bio's descriptor and, if some comes, reads it into the bio (through
 * its op).  A poll() that fails counts as quiet: the session's first
 * read meets whatever is wrong. */
#ifndef MW_SMTPGREET_H
#define MW_SMTPGREET_H

#include "bio.h"

enum smtpgreet_result {
	SMTPGREET_ERR = -1,	/* the read failed, errno set */
	SMTPGREET_QUIET = 0,	/* nothing came: greet */
	SMTPGREET_EARLY = 1,	/* the client talked first */
	SMTPGREET_EOF = 2	/* the client went away */
};

int	smtpgreet_wait(struct bio *, int);

#endif
