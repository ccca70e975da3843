/* ISC license. */
/* keydir.h: the files of the status key pair, DIR/status.key and
 * DIR/status.pub (mailward-keygen(1); keys/ of a scanner's home).
 *
 * keydir_new() makes an Ed25519 pair (stamp.h) and writes each file to
 * a temporary name in DIR (created mode 0700 if missing), its owner and
 * mode set through the descriptor, fsynced, then linked to its name --
 * link() never replaces a file -- or, with force, renamed over it; then
 * DIR is fsynced.  Without force an existing status.key or status.pub
 * is EEXIST and nothing is written.
 *
 * keydir_keep() takes an existing DIR/status.key: opened without
 * following a symbolic link, it must be a regular file with one link
 * and hold an unencrypted Ed25519 private key; it gets the owner and
 * mode, and status.pub is written from it (as above) if missing.
 *
 * Both put the key id (STAMP_KEYIDLEN hex digits and a NUL) into kid
 * and return 0, or -1 with errno set and the reason in err.  Nothing is
 * printed, and no key material is put into err. */
#ifndef MW_KEYDIR_H
#define MW_KEYDIR_H

#include <sys/types.h>
#include "sa.h"

#define KEYDIR_KEY	"status.key"
#define KEYDIR_PUB	"status.pub"

struct keydir {
	const char	*dir;
	uid_t		 uid;		/* of both files; (uid_t)-1: keep */
	gid_t		 gid;		/* (gid_t)-1: keep */
	unsigned int	 keymode;	/* status.key; status.pub is 0644 */
	int		 force;		/* keydir_new: replace a pair */
};

int	keydir_new(const struct keydir *, char *, struct sa *);
int	keydir_keep(const struct keydir *, char *, struct sa *);

#endif
