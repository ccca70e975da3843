/* ISC license. */
/* mwuser.h: mailward's system users, one per trust zone.
 *
 *   mwrecv     smtp-recv               mwqueue    spool-run incoming
 *   mwscan     scan-stage-*            mwstamp    stamp-status, keys/,
 *                                                 notify
 *   mwdeliver  deliver-maildir, Maildirs   mwrelay    relay
 *   mwlog      s6-log
 *
 * Each has a group of its own name and is in the group "mailward"; a
 * consumer of a spool is also in its producers' groups, so it can read
 * the files they leave (mailward-setup(1) SECURITY); mwstamp is in
 * mwqueue to put notices into queue/scan.  mwuser_ensure()
 * creates what is missing with groupadd(8), useradd(8) and usermod(8)
 * (root only) and appends one line per change to `did`.  On failure it
 * returns -1 and puts the reason in err. */
#ifndef MW_MWUSER_H
#define MW_MWUSER_H

#include <stddef.h>
#include <sys/types.h>
#include "sa.h"

#define MWUSER_GROUP	"mailward"

struct mwuser {
	const char	*name;
	const char	*groups;	/* supplementary, comma-separated */
};

extern const struct mwuser	mwuser_table[];
extern const size_t		mwuser_count;

int	mwuser_ensure(struct sa *, struct sa *);
/* uid and primary gid of user u (if not NULL), gid of group g (if not
 * NULL).  0, or -1 with err set when one does not exist. */
int	mwuser_ids(const char *, const char *, uid_t *, gid_t *, struct sa *);

#endif
