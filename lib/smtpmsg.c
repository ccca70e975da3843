/* ISC license. */
/* smtpmsg.c: one incoming SMTP message into a spool; see smtpmsg.h. */
#include "sysdeps.h"

#include <errno.h>

#include "bio.h"
#include "sa.h"
#include "smtpdata.h"
#include "smtpmsg.h"
#include "spool.h"

static int
sink(void *ctx, const char *p, size_t n)
{
	return bio_put(ctx, p, n);
}

int
smtpmsg_open(struct smtpmsg *m, const char *spool, const char *id,
    const struct sa *head, int mode, unsigned long long max)
{
	m->open = 0;
	if (spool_open(&m->tx, spool, id) == -1)
		return -1;
	if (bio_put(&m->tx.out, head->s, head->len) == -1) {
		spool_abort(&m->tx);
		return -1;
	}
	smtpdata_init(&m->d, mode, max, sink, &m->tx.out);
	m->open = 1;
	return 0;
}

int
smtpmsg_verdict(const struct smtpmsg *m, int final, int barelf)
{
	if (m->d.flags & SMTPDATA_TOOBIG)
		return SMTPMSG_SIZE;
	if (m->d.flags & SMTPDATA_HOPS)
		return SMTPMSG_HOPS;
	if (final && barelf &&
	    m->d.flags & (SMTPDATA_BARELF | SMTPDATA_BARECR))
		return SMTPMSG_BARELF;
	if (m->d.flags & SMTPDATA_SINKERR) {
		errno = m->d.err;
		return SMTPMSG_IOERR;
	}
	return SMTPMSG_OK;
}

int
smtpmsg_commit(struct smtpmsg *m)
{
	if (!m->open) {
		errno = EINVAL;
		return -1;
	}
	m->open = 0;
	return spool_commit(&m->tx);
}

void
smtpmsg_abort(struct smtpmsg *m)
{
	if (m->open)
		spool_abort(&m->tx);
	m->open = 0;
}
