/* ISC license. */
/* dlv.h: the recipients of one message in delivery, their outcomes, and
 * writing those outcomes back to its spool file (relay).
 *
 * dlv_load() parses the envelope's recipients and sorts them by domain;
 * dlv_group() walks the domains.  A recipient that is not a mailbox has
 * failed already (5.1.3).  Each answer is recorded with dlv_settle().
 * The spool file lists the recipients still PENDING, DEFER or FAILED:
 * dlv_write() brings it in line (a rewrite into tmp/, fsync, rename over
 * new/ID, fsync new/; or the file's removal when none is left), and does
 * nothing when that list has not changed.  dlv_bounce() queues one bounce
 * for every FAILED recipient, which then becomes BOUNCED: call it before
 * dlv_write(), so that a crash costs a duplicate bounce, never a lost
 * one.  A bounce that cannot be queued leaves its recipients FAILED, in
 * the file, to be tried again.  lib/ never logs: the caller does. */
#ifndef MW_DLV_H
#define MW_DLV_H

#include <stddef.h>
#include "envelope.h"
#include "sa.h"

#define DLV_BADADDR	"bad recipient address syntax"	/* 5.1.3 */

enum dlv_state {
	DLV_PENDING, DLV_DONE, DLV_FAILED, DLV_DEFER, DLV_BOUNCED, DLV_NSTATE
};

struct dlv_rcpt {
	struct sa	 addr;		/* NUL-terminated, domain lowercased */
	const char	*dom;		/* in addr; "" if none */
	size_t		 domlen;
	enum dlv_state	 state;
	char		 status[16];	/* RFC 3463 */
	struct sa	 diag;		/* "smtp; 550 ...", NUL-terminated */
	char		 remote[256];	/* the host that answered, or "" */
};

struct dlv {
	const struct envelope	*env;
	const char		*msg;		/* after the envelope block */
	size_t			 msglen;
	struct dlv_rcpt		*r;
	size_t			 n;
	size_t			 infile;	/* recipients the file lists */
};

/* 0, or -1 with errno (ENOMEM). */
int	dlv_load(struct dlv *, const struct envelope *, const char *, size_t);
/* The end (exclusive) of the domain whose first recipient is at i. */
size_t	dlv_group(const struct dlv *, size_t);
size_t	dlv_count(const struct dlv *, enum dlv_state);
/* code 2xx: DONE, 5xx: FAILED, else DEFER.  status NULL: the text is an
 * SMTP reply (status from its text, diag "smtp; TEXT"); else a local
 * reason (diag "x-mailward; TEXT").  host NULL: none.  0, or -1 ENOMEM. */
int	dlv_settle(struct dlv_rcpt *, int, const char *, const char *, size_t,
	    const char *);
/* A DEFER recipient past the queue lifetime fails with 4.4.7: 1 if it
 * did, 0 if it was not DEFER, -1 ENOMEM. */
int	dlv_expire(struct dlv_rcpt *);
/* The number bounced (0: none FAILED), or -1 with errno.  Args: spool,
 * this host's name; *queued is 0 for the null sender; bid the new id. */
int	dlv_bounce(struct dlv *, const char *, const char *, int *,
	    struct sa *);
/* Make SPOOL/new/ID list the PENDING, DEFER and FAILED recipients.
 * 0, or -1 with errno. */
int	dlv_write(struct dlv *, const char *, const char *);
void	dlv_free(struct dlv *);

#endif
