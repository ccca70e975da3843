/* ISC license. */
/* keydir.c: the files of the status key pair; see keydir.h. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "keydir.h"
#include "sa.h"
#include "spool.h"
#include "stamp.h"

static int	keydir_fail(struct sa *, const char *, const char *);
static int	keydir_ssl(struct sa *, const char *);
static int	keydir_path(struct sa *, const char *, const char *,
		    const char *, struct sa *);
static int	keydir_tmp(const struct keydir *, const char *,
		    const struct sa *, unsigned int, struct sa *);
static int	keydir_put(const struct keydir *, const char *,
		    const struct sa *, unsigned int, struct sa *);
static int	keydir_sync(const char *, struct sa *);
static int	keydir_pems(EVP_PKEY *, struct sa *, struct sa *, char *,
		    struct sa *);
static int	keydir_either(const struct keydir *, struct sa *, struct sa *);
static int	keydir_open(const struct keydir *, const char *, struct sa *);

/* "unable to VERB FN: reason" into err; keeps errno. */
static int
keydir_fail(struct sa *err, const char *verb, const char *fn)
{
	int	 e = errno;

	err->len = 0;
	(void)sa_catf(err, "unable to %s %s: %s", verb, fn, strerror(e));
	errno = e;
	return -1;
}

/* "unable to WHAT the key: OpenSSL's reason"; errno EIO if unset */
static int
keydir_ssl(struct sa *err, const char *what)
{
	char		 buf[256];
	unsigned long	 e = ERR_get_error();
	int		 en = errno != 0 ? errno : EIO;

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	err->len = 0;
	(void)sa_catf(err, "unable to %s the key: %s", what, e != 0 ? buf :
	    strerror(en));
	errno = en;
	return -1;
}

/* DIR/PRE BASE SUF, NUL-ended */
static int
keydir_path(struct sa *fn, const char *dir, const char *pre,
    const char *base, struct sa *err)
{
	fn->len = 0;
	if (sa_catf(fn, "%s/%s%s%s", dir, pre, base, *pre != '\0' ? ".tmp" :
	    "") == -1 || sa_0(fn) == -1) {
		err->len = 0;
		(void)sa_cats(err, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Create fn afresh, write data, give it owner and mode, fsync, close. */
static int
keydir_tmp(const struct keydir *k, const char *fn, const struct sa *data,
    unsigned int mode, struct sa *err)
{
	size_t	 off = 0;
	ssize_t	 w;
	int	 fd, r, e;

	if (unlink(fn) == -1 && errno != ENOENT)
		return keydir_fail(err, "remove", fn);
	fd = open(fn, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return keydir_fail(err, "create", fn);
	while (off < data->len) {
		if ((w = write(fd, data->s + off, data->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	r = off < data->len || ((k->uid != (uid_t)-1 || k->gid != (gid_t)-1) &&
	    fchown(fd, k->uid, k->gid) == -1) || fchmod(fd, mode) == -1 ||
	    fsync(fd) == -1 ? -1 : 0;
	e = errno;
	if (close(fd) == -1 && r == 0) {
		r = -1;
		e = errno;
	}
	if (r == -1) {
		(void)unlink(fn);
		errno = e;
		return keydir_fail(err, "write", fn);
	}
	return 0;
}

/* DIR/BASE from data through DIR/.BASE.tmp: linked, or with force
 * renamed over an old file. */
static int
keydir_put(const struct keydir *k, const char *base, const struct sa *data,
    unsigned int mode, struct sa *err)
{
	struct sa	 tmp = SA_ZERO, fn = SA_ZERO;
	int		 r = -1, e;

	if (keydir_path(&tmp, k->dir, ".", base, err) == -1 ||
	    keydir_path(&fn, k->dir, "", base, err) == -1 ||
	    keydir_tmp(k, tmp.s, data, mode, err) == -1)
		goto out;
	if ((k->force ? rename(tmp.s, fn.s) : link(tmp.s, fn.s)) == -1) {
		e = errno;
		(void)unlink(tmp.s);
		errno = e;
		(void)keydir_fail(err, "install", fn.s);
	} else if (!k->force && unlink(tmp.s) == -1)
		(void)keydir_fail(err, "remove", tmp.s);
	else
		r = 0;
out:
	e = errno;
	sa_free(&tmp);
	sa_free(&fn);
	errno = e;
	return r;
}

static int
keydir_sync(const char *dir, struct sa *err)
{
	int	 fd, r;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return keydir_fail(err, "sync", dir);
	r = fsync(fd);
	if (close(fd) == -1 || r == -1)
		return keydir_fail(err, "sync", dir);
	return 0;
}

/* The private (if key is not NULL) and public PEM and the key id. */
static int
keydir_pems(EVP_PKEY *p, struct sa *key, struct sa *pub, char *kid,
    struct sa *err)
{
	errno = 0;
	if ((key != NULL && stamp_keypem(p, 1, key) == -1) ||
	    stamp_keypem(p, 0, pub) == -1 || stamp_keyid(p, kid) == -1)
		return keydir_ssl(err, "encode");
	return 0;
}

/* 1 if DIR/status.key or DIR/status.pub exists (a link counts), 0 if
 * neither does, -1 on error */
static int
keydir_either(const struct keydir *k, struct sa *fn, struct sa *err)
{
	static const char *const base[] = { KEYDIR_KEY, KEYDIR_PUB };
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < 2; i++) {
		if (keydir_path(fn, k->dir, "", base[i], err) == -1)
			return -1;
		if (lstat(fn->s, &st) == 0)
			return 1;
		if (errno != ENOENT)
			return keydir_fail(err, "stat", fn->s);
	}
	return 0;
}

int
keydir_new(const struct keydir *k, char *kid, struct sa *err)
{
	struct sa	 key = SA_ZERO, pub = SA_ZERO, fn = SA_ZERO;
	EVP_PKEY	*p = NULL;
	int		 r, e;

	if (mkdir(k->dir, 0700) == -1 && errno != EEXIST)
		return keydir_fail(err, "create", k->dir);
	if (!k->force && (r = keydir_either(k, &fn, err)) != 0) {
		if (r == 1) {
			err->len = 0;
			(void)sa_catf(err, "refusing to overwrite the key in "
			    "%s: file exists (use -f to replace the key)",
			    k->dir);
			errno = EEXIST;
		}
		r = -1;
		goto out;
	}
	r = -1;
	errno = 0;
	if ((p = stamp_keynew()) == NULL)
		(void)keydir_ssl(err, "generate");
	else if (keydir_pems(p, &key, &pub, kid, err) == 0 &&
	    keydir_put(k, KEYDIR_KEY, &key, k->keymode, err) == 0 &&
	    keydir_put(k, KEYDIR_PUB, &pub, 0644, err) == 0 &&
	    keydir_sync(k->dir, err) == 0)
		r = 0;
out:
	e = errno;
	EVP_PKEY_free(p);
	stamp_wipe(&key);
	sa_free(&pub);
	sa_free(&fn);
	errno = e;
	return r;
}

/* DIR/status.key, safely: no link followed, a regular file, one link;
 * owner and mode set.  The descriptor, or -1. */
static int
keydir_open(const struct keydir *k, const char *fn, struct sa *err)
{
	struct stat	 st;
	int		 fd;

	fd = open(fn, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return keydir_fail(err, "open", fn);
	if (fstat(fd, &st) == -1) {
		(void)keydir_fail(err, "stat", fn);
	} else if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		err->len = 0;
		(void)sa_catf(err, "refusing %s: not a regular file with one "
		    "link", fn);
		errno = EPERM;
	} else if (((k->uid != (uid_t)-1 || k->gid != (gid_t)-1) &&
	    fchown(fd, k->uid, k->gid) == -1) || fchmod(fd, k->keymode) == -1) {
		(void)keydir_fail(err, "set the owner and mode of", fn);
	} else
		return fd;
	(void)close(fd);
	return -1;
}

int
keydir_keep(const struct keydir *k, char *kid, struct sa *err)
{
	struct sa	 fn = SA_ZERO, pem = SA_ZERO, pub = SA_ZERO;
	struct stat	 st;
	EVP_PKEY	*p = NULL;
	int		 fd = -1, r = -1, e;

	if (keydir_path(&fn, k->dir, "", KEYDIR_KEY, err) == -1 ||
	    (fd = keydir_open(k, fn.s, err)) == -1)
		goto out;
	if (spool_slurp(fd, &pem, STAMP_MAXKEY) == -1) {
		(void)keydir_fail(err, "read", fn.s);
		goto out;
	}
	if ((p = stamp_keyparse(pem.s, pem.len, 1)) == NULL) {
		err->len = 0;
		(void)sa_catf(err, "refusing %s: not an unencrypted Ed25519 "
		    "private key in PEM", fn.s);
		goto out;
	}
	if (keydir_pems(p, NULL, &pub, kid, err) == -1 ||
	    keydir_path(&fn, k->dir, "", KEYDIR_PUB, err) == -1)
		goto out;
	if (lstat(fn.s, &st) == 0)
		r = 0;
	else if (errno != ENOENT)
		(void)keydir_fail(err, "stat", fn.s);
	else if (keydir_put(k, KEYDIR_PUB, &pub, 0644, err) == 0 &&
	    keydir_sync(k->dir, err) == 0)
		r = 0;
out:
	e = errno;
	if (fd != -1)
		(void)close(fd);
	EVP_PKEY_free(p);
	stamp_wipe(&pem);
	sa_free(&pub);
	sa_free(&fn);
	errno = e;
	return r;
}
