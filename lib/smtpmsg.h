/* ISC license. */
/* smtpmsg.h: one incoming SMTP message on its way into a spool.
 *
 * smtpmsg_open() creates SPOOL/tmp/ID (spool.h), writes head (the
 * envelope block and the Received: header) and sets up m->d, the DATA
 * or BDAT state machine (smtpdata.h), to write the message after it;
 * feed m->d with smtpline_data() or smtpline_bdat().  smtpmsg_verdict()
 * says whether the message so far may still be taken: final is set at
 * its end, when bare line ends count too (barelf set: refuse them).
 * smtpmsg_commit() makes it durable in SPOOL/new; on any failure, and
 * in smtpmsg_abort(), the tmp file is removed: nothing half-written is
 * ever left in new/. */
#ifndef MW_SMTPMSG_H
#define MW_SMTPMSG_H

#include "sa.h"
#include "smtpdata.h"
#include "spool.h"

struct smtpmsg {
	struct spool_tx	 tx;
	struct smtpdata	 d;
	int		 open;		/* a tmp file exists */
};

enum smtpmsg_verdict {
	SMTPMSG_OK = 0,
	SMTPMSG_SIZE,		/* over the size cap */
	SMTPMSG_HOPS,		/* too many Received:/Delivered-To: */
	SMTPMSG_BARELF,		/* bare LF or CR, and barelf set */
	SMTPMSG_IOERR		/* a write failed; errno set */
};

/* 0, or -1 with errno set (no file is left). */
int	smtpmsg_open(struct smtpmsg *, const char *, const char *,
	    const struct sa *, int, unsigned long long);
int	smtpmsg_verdict(const struct smtpmsg *, int, int);
/* 0, or -1 with errno set. */
int	smtpmsg_commit(struct smtpmsg *);
void	smtpmsg_abort(struct smtpmsg *);

#endif
