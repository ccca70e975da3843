/* ISC license. */
/* mwhome.c: a home's directories and files, made with their owners. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "keydir.h"
#include "mwhome.h"
#include "mwuser.h"
#include "sa.h"
#include "spool.h"
#include "stamp.h"

#define S	MWHOME_SCANNER
#define G	MWHOME_GATEWAY
/* Owner = the consumer, group = the producers' group.  The quarantine
 * is the operator's (mailward-quarantine(1)): the scan stages own it,
 * and the stamp user (in group mwscan) moves there what stamp-status
 * refuses and what notify holds.  queue/notify gets the stamped
 * messages (mwstamp) and the quarantined ones (the scan stages); a
 * chain's later stages read queue/scan2... (mwhome_spool()).  A
 * gateway's classify sends unscanned mail to queue/togroup (relay -g)
 * and what it holds to queue/notify, whose notify (mwqueue) tells the
 * administrator, spools its notices into queue/local and moves the
 * message to the gateway's own quarantine. */
const struct mwhome_spool mwhome_spools[] = {
	{ "incoming",	"mwqueue",	"mwrecv",	S | G },
	{ "scan",	"mwscan",	"mwqueue",	S },
	{ "stamp",	"mwstamp",	"mwscan",	S },
	{ "quarantine",	"mwscan",	"mwscan",	S },
	{ "notify",	"mwstamp",	"mwscan",	S },
	{ "outbound",	"mwrelay",	"mwstamp",	S },
	{ "outbound",	"mwrelay",	"mwqueue",	G },
	{ "togroup",	"mwrelay",	"mwqueue",	G },
	{ "quarantine",	"mwqueue",	"mwqueue",	G },
	{ "notify",	"mwqueue",	"mwqueue",	G },
	{ "local",	"mwdeliver",	"mwqueue",	G },
	{ "failed",	"mwqueue",	"mwqueue",	S | G },
};
#undef S
#undef G
const size_t mwhome_nspools = sizeof mwhome_spools / sizeof mwhome_spools[0];

static int	mwhome_owner(struct mwhome *, const char *, const char *,
		    uid_t *, gid_t *);

int
mwhome_fail(struct mwhome *h, const char *verb, const char *fn)
{
	int	 e = errno;

	h->err.len = 0;
	(void)sa_catf(&h->err, "unable to %s %s: %s", verb, fn, strerror(e));
	errno = e;
	return -1;
}

static int
mwhome_owner(struct mwhome *h, const char *u, const char *g, uid_t *uid,
    gid_t *gid)
{
	*uid = AFILE_KEEP;
	*gid = (gid_t)-1;
	if (h->asroot && mwuser_ids(u, g, uid, gid, &h->err) == -1) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

int
mwhome_mkdir(struct mwhome *h, const char *fn, unsigned int mode,
    const char *u, const char *g)
{
	uid_t	 uid;
	gid_t	 gid;

	if (mwhome_owner(h, u, g, &uid, &gid) == -1)
		return -1;
	if (afile_mkdir(fn, mode, uid, gid) == -1)
		return mwhome_fail(h, "make directory", fn);
	return 0;
}

int
mwhome_write(struct mwhome *h, const char *fn, const char *data, size_t n,
    unsigned int mode, const char *u)
{
	uid_t	 uid;
	gid_t	 gid;

	if (mwhome_owner(h, u, NULL, &uid, &gid) == -1)
		return -1;
	if (afile_write(fn, data, n, mode, uid, gid) == -1)
		return mwhome_fail(h, "write", fn);
	return 0;
}

int
mwhome_pubkey(struct mwhome *h, const char *from, const char *dir,
    const char *u, char *kid)
{
	struct sa	 pem = SA_ZERO, to = SA_ZERO;
	EVP_PKEY	*k = NULL;
	int		 fd, r = -1;

	if ((fd = open(from, O_RDONLY | O_CLOEXEC)) == -1) {
		r = mwhome_fail(h, "read", from);
		goto out;
	}
	r = spool_slurp(fd, &pem, MWHOME_MAXKEY);
	(void)close(fd);
	if (r == -1 || (k = stamp_keyparse(pem.s, pem.len, 0)) == NULL ||
	    stamp_keyid(k, kid) == -1) {
		if (r != -1)
			errno = EINVAL;	/* not an Ed25519 public key */
		r = mwhome_fail(h, r == -1 ? "read" : "use the key", from);
		goto out;
	}
	if (sa_catf(&to, "%s/%s.pub", dir, kid) == -1 || sa_0(&to) == -1) {
		r = mwhome_fail(h, "name the copy of", from);
		goto out;
	}
	r = mwhome_mkdir(h, dir, 0755, NULL, NULL) == -1 ? -1 :
	    mwhome_write(h, to.s, pem.s, pem.len, 0400, u);
out:
	EVP_PKEY_free(k);
	sa_free(&pem);
	sa_free(&to);
	return r;
}

int
mwhome_copy(struct mwhome *h, const char *from, const char *to, size_t max,
    const char *u)
{
	struct sa	 buf = SA_ZERO;
	int		 fd, r;

	if ((fd = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return mwhome_fail(h, "read", from);
	r = spool_slurp(fd, &buf, max);
	(void)close(fd);
	r = r == -1 ? mwhome_fail(h, "read", from) :
	    mwhome_write(h, to, buf.s, buf.len, 0400, u);
	sa_free(&buf);
	return r;
}

int
mwhome_exists(struct mwhome *h, const char *fn)
{
	struct stat	 st;

	if (lstat(fn, &st) == 0)
		return 1;
	return errno == ENOENT ? 0 : mwhome_fail(h, "stat", fn);
}

int
mwhome_control(struct mwhome *h, const char *name, const char *data,
    size_t n, int force)
{
	struct sa	 fn = SA_ZERO;
	int		 r;

	if (sa_catf(&fn, "control/%s", name) == -1 || sa_0(&fn) == -1) {
		sa_free(&fn);
		return mwhome_fail(h, "write control file", name);
	}
	r = force ? 0 : mwhome_exists(h, fn.s);
	if (r == 0)
		r = mwhome_write(h, fn.s, data, n, 0644, NULL);
	sa_free(&fn);
	return r == -1 ? -1 : 0;
}

int
mwhome_spool(struct mwhome *h, const char *name, const char *owner,
    const char *group)
{
	static const char *const sub[] = { "", "/tmp", "/new" };
	struct sa	 fn = SA_ZERO;
	size_t		 j;
	int		 r = 0;

	for (j = 0; r == 0 && j < 3; j++) {
		fn.len = 0;
		if (sa_catf(&fn, "queue/%s%s", name, sub[j]) == -1 ||
		    sa_0(&fn) == -1)
			r = mwhome_fail(h, "make directory", name);
		else
			r = mwhome_mkdir(h, fn.s, h->asroot ? 02770 : 0700,
			    owner, group);
	}
	sa_free(&fn);
	return r;
}

int
mwhome_queues(struct mwhome *h, int role)
{
	const struct mwhome_spool *q;
	size_t		 i;
	int		 r;

	r = mwhome_mkdir(h, "queue", 0755, NULL, NULL);
	for (i = 0; r == 0 && i < mwhome_nspools; i++) {
		q = &mwhome_spools[i];
		if ((q->roles & role) != 0)
			r = mwhome_spool(h, q->name, q->owner, q->group);
	}
	return r;
}

int
mwhome_maildir(struct mwhome *h, const char *path)
{
	static const char *const sub[] = { "", "/cur", "/new", "/tmp" };
	struct sa	 fn = SA_ZERO;
	size_t		 j;
	int		 r = 0;

	if (afile_mkparents(path) == -1)
		return mwhome_fail(h, "create the parents of", path);
	for (j = 0; r == 0 && j < 4; j++) {
		fn.len = 0;
		if (sa_cats(&fn, path) == -1 || sa_cats(&fn, sub[j]) == -1 ||
		    sa_0(&fn) == -1)
			r = mwhome_fail(h, "make directory", path);
		else
			r = mwhome_mkdir(h, fn.s, 0700, "mwdeliver", NULL);
	}
	sa_free(&fn);
	return r;
}

int
mwhome_keys(struct mwhome *h, const char *dir, const char *u, char *kid,
    int *made)
{
	struct keydir	 k = { dir, AFILE_KEEP, (gid_t)-1, 0400, 0 };
	struct sa	 fn = SA_ZERO;
	int		 r;

	if (mwhome_mkdir(h, dir, 0700, u, NULL) == -1 ||
	    mwhome_owner(h, u, NULL, &k.uid, &k.gid) == -1)
		return -1;
	if (sa_catf(&fn, "%s/%s", dir, KEYDIR_KEY) == -1 || sa_0(&fn) == -1) {
		sa_free(&fn);
		return mwhome_fail(h, "make the key in", dir);
	}
	r = mwhome_exists(h, fn.s);
	sa_free(&fn);
	if (r == -1)
		return -1;
	*made = r == 0;
	return (r == 0 ? keydir_new(&k, kid, &h->err) :
	    keydir_keep(&k, kid, &h->err)) == -1 ? -1 : 0;
}
