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
 * each role has its own set (mwhome_spools[]).  Maildirs belong to
 * mwdeliver, mode 0700.  Each function returns 0, or
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

#define MWHOME_SCANNER	1	/* roles */
#define MWHOME_GATEWAY	2
#define MWHOME_MAXKEY	(64UL << 10)	/* a public key's PEM file */

struct mwhome_spool {
	const char	*name;		/* queue/NAME */
	const char	*owner;		/* the consumer */
	const char	*group;		/* the producers' group */
	int		 roles;		/* the homes that have it */
};

extern const struct mwhome_spool	mwhome_spools[];
extern const size_t			mwhome_nspools;

/* "unable to VERB WHAT: reason of errno" into h->err: -1, errno kept */
int	mwhome_fail(struct mwhome *, const char *, const char *);
int	mwhome_mkdir(struct mwhome *, const char *, unsigned int,
	    const char *, const char *);
int	mwhome_write(struct mwhome *, const char *, const char *, size_t,
	    unsigned int, const char *);
/* Copy a file of at most max bytes, mode 0400. */
int	mwhome_copy(struct mwhome *, const char *, const char *, size_t,
	    const char *);
/* A status public key (at most MWHOME_MAXKEY bytes of PEM, checked)
 * copied into dir (made, mode 0755) as KEYID.pub, mode 0400, owned by
 * u; its id into kid (STAMP_KEYIDLEN + 1 bytes).  A file that is not an
 * Ed25519 public key: EINVAL. */
int	mwhome_pubkey(struct mwhome *, const char *, const char *,
	    const char *, char *);
/* 1 if fn exists (a symlink counts), 0 if not, -1 on error. */
int	mwhome_exists(struct mwhome *, const char *);
/* control/NAME, mode 0644: written if force is set or it is missing. */
int	mwhome_control(struct mwhome *, const char *, const char *, size_t,
	    int);
/* queue/ and every spool of the role (MWHOME_SCANNER, MWHOME_GATEWAY) */
int	mwhome_queues(struct mwhome *, int);
/* queue/NAME/{tmp,new} for consumer owner and producers' group */
int	mwhome_spool(struct mwhome *, const char *, const char *,
	    const char *);
int	mwhome_maildir(struct mwhome *, const char *);	/* and parents */
/* The key directory dir (mode 0700) and its status key pair, owned by
 * user u, the private key mode 0400 (keydir.h): a new pair if
 * dir/status.key is missing (*made = 1), else the old one kept, its
 * owner and mode repaired, status.pub rewritten only if missing.  The
 * key id into kid (STAMP_KEYIDLEN + 1 bytes). */
int	mwhome_keys(struct mwhome *, const char *, const char *, char *,
	    int *);

#endif
