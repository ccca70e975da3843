/* ISC license. */
/* mwhome.h: a home's directories, spools, Maildirs and files, made with
 * their owners.
 *
 * Paths are relative to the current directory, the home.  As root
 * (h->asroot), what is made for user u belongs to u and its primary
 * group, or to group g if one is named (mwuser_ids()); otherwise the
 * invoking user keeps it.  Directories are made if missing and get
 * their owner and mode every time; files are written atomically
 * (afile.h).  The spools, queue/NAME/{tmp,new}, belong to their
 * consumer, with the producer's group (mode 2770 as root, else 0700);
 * Maildirs belong to mwdeliver, mode 0700.  Each function returns 0, or
 * -1 with errno set and the reason ("unable to VERB PATH: why") in
 * h->err. */
#ifndef MW_MWHOME_H
#define MW_MWHOME_H

#include <stddef.h>
#include "sa.h"

struct mwhome {
	int		 asroot;	/* give files to the service users */
	struct sa	 err;		/* why the last call failed */
};
#define MWHOME_ZERO	{ 0, SA_ZERO }

struct mwhome_spool {
	const char	*name;		/* queue/NAME */
	const char	*owner;		/* the consumer */
	const char	*group;		/* the producers' group */
};

extern const struct mwhome_spool	mwhome_spools[];
extern const size_t			mwhome_nspools;

int	mwhome_mkdir(struct mwhome *, const char *, unsigned int,
	    const char *, const char *);
int	mwhome_write(struct mwhome *, const char *, const char *, size_t,
	    unsigned int, const char *);
/* Copy a file of at most max bytes, mode 0400. */
int	mwhome_copy(struct mwhome *, const char *, const char *, size_t,
	    const char *);
/* 1 if fn exists (a symlink counts), 0 if not, -1 on error. */
int	mwhome_exists(struct mwhome *, const char *);
/* control/NAME, mode 0644: written if force is set or it is missing. */
int	mwhome_control(struct mwhome *, const char *, const char *, size_t,
	    int);
int	mwhome_queues(struct mwhome *);		/* queue/ and every spool */
int	mwhome_maildir(struct mwhome *, const char *);	/* and parents */

#endif
