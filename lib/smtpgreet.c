/* ISC license. */
/* smtpgreet.c: catch a client that talks before the greeting; see
 * smtpgreet.h. */
#include "sysdeps.h"

#include <errno.h>
#include <poll.h>
#include <sys/types.h>

#include "bio.h"
#include "smtpgreet.h"

int
smtpgreet_wait(struct bio *b, int ms)
{
	struct pollfd	 p;
	ssize_t		 r;
	int		 n;

	p.fd = b->fd;
	p.events = POLLIN;
	p.revents = 0;
	do
		n = poll(&p, 1, ms);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return SMTPGREET_QUIET;
	if ((r = bio_fill(b)) == 0)
		return SMTPGREET_EOF;
	return r < 0 ? SMTPGREET_ERR : SMTPGREET_EARLY;
}
