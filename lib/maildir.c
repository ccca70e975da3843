/* ISC license. */
/* maildir.c: idempotent Maildir delivery (names, lookup, durable write). */
#include "sysdeps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "maildir.h"
#include "sa.h"
#include "spool.h"

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

uint64_t
maildir_hash(const char *qid, size_t qn, const char *rcpt, size_t rn)
{
	uint64_t	 h = FNV_OFFSET;
	size_t		 i;

	for (i = 0; i < qn; i++)
		h = (h ^ (unsigned char)qid[i]) * FNV_PRIME;
	h = (h ^ 0) * FNV_PRIME;
	for (i = 0; i < rn; i++)
		h = (h ^ (unsigned char)sa_lower(rcpt[i])) * FNV_PRIME;
	return h;
}

int
maildir_key(struct sa *key, const char *qid, size_t qn, const char *rcpt,
    size_t rn)
{
	static const char	 hex[] = "0123456789abcdef";
	uint64_t		 h = maildir_hash(qid, qn, rcpt, rn);
	char			 x[16];
	int			 i;

	for (i = 15; i >= 0; i--) {
		x[i] = hex[h & 15];
		h >>= 4;
	}
	key->len = 0;
	if (sa_catc(key, 'Q') == -1 || sa_catb(key, qid, qn) == -1 ||
	    sa_catc(key, 'R') == -1 || sa_catb(key, x, sizeof x) == -1)
		return -1;
	return 0;
}

int
maildir_name(struct sa *name, unsigned long long t, const char *key,
    size_t kn, const char *host)
{
	name->len = 0;
	if (sa_catu(name, t) == -1 || sa_catc(name, '.') == -1 ||
	    sa_catb(name, key, kn) == -1 || sa_catc(name, '.') == -1)
		return -1;
	for (; *host != '\0'; host++) {
		const char	*esc = *host == '/' ? "\\057" :
			    *host == ':' ? "\\072" : NULL;

		if ((esc != NULL ? sa_cats(name, esc) :
		    sa_catc(name, *host)) == -1)
			return -1;
	}
	return sa_0(name);
}

int
maildir_match(const char *name, const char *key, size_t kn)
{
	const char	*dot = strchr(name, '.');

	return dot != NULL && strncmp(dot + 1, key, kn) == 0 &&
	    dot[1 + kn] == '.';
}

static int
maildir_path(struct sa *p, const char *dir, const char *sub,
    const char *name)
{
	p->len = 0;
	if (sa_cats(p, dir) == -1 || sa_catc(p, '/') == -1 ||
	    sa_cats(p, sub) == -1)
		return -1;
	if (name != NULL && (sa_catc(p, '/') == -1 || sa_cats(p, name) == -1))
		return -1;
	return sa_0(p);
}

/* Scan DIR/sub for key: 1 found (path in found), 0 not, -1 error. */
static int
maildir_scan(const char *dir, const char *sub, const char *key, size_t kn,
    struct sa *found)
{
	struct dirent	*d;
	DIR		*dp;
	int		 fd, r = 0, e;

	if (maildir_path(found, dir, sub, NULL) == -1)
		return -1;
	fd = open(found->s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if ((dp = fdopendir(fd)) == NULL) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	for (errno = 0; r == 0 && (d = readdir(dp)) != NULL; errno = 0)
		if (d->d_name[0] != '.' && maildir_match(d->d_name, key, kn))
			r = maildir_path(found, dir, sub, d->d_name) == -1 ?
			    -1 : 1;
	if (r == 0 && errno != 0)
		r = -1;
	e = errno;
	(void)closedir(dp);
	errno = e;
	return r;
}

int
maildir_find(const char *dir, const char *key, size_t kn, struct sa *found)
{
	int	 r;

	r = maildir_scan(dir, "new", key, kn, found);
	if (r == 0)
		r = maildir_scan(dir, "cur", key, kn, found);
	return r;
}

static int
maildir_writeall(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t	 w = write(fd, s, n);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Create tmp/NAME, write, fsync, close.  0 or -1 (tmp removed). */
static int
maildir_tmp(const char *tmp, const char *hdr, size_t hn, const char *msg,
    size_t mn)
{
	int	 fd, e;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1 && errno == EEXIST) {
		/* left by a crash: the name is this delivery's own */
		if (unlink(tmp) == -1)
			return -1;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	}
	if (fd == -1)
		return -1;
	if (maildir_writeall(fd, hdr, hn) == -1 ||
	    maildir_writeall(fd, msg, mn) == -1 || fsync(fd) == -1) {
		e = errno;
		(void)close(fd);
		(void)unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) == -1) {
		e = errno;
		(void)unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

/* link tmp to new; rename where the file system has no links. */
static int
maildir_link(const char *tmp, const char *dst)
{
	if (link(tmp, dst) == 0) {
		(void)unlink(tmp);
		return MAILDIR_DELIVERED;
	}
	if (errno == EEXIST) {
		(void)unlink(tmp);
		return MAILDIR_DUPLICATE;
	}
	if (errno != EPERM && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
	return rename(tmp, dst) == 0 ? MAILDIR_DELIVERED : -1;
}

int
maildir_write(const char *dir, const char *name, const char *hdr, size_t hn,
    const char *msg, size_t mn, struct sa *path)
{
	struct sa	 tmp = SA_ZERO, newdir = SA_ZERO;
	int		 r = -1, e;

	if (maildir_path(&tmp, dir, "tmp", name) == -1 ||
	    maildir_path(path, dir, "new", name) == -1 ||
	    maildir_path(&newdir, dir, "new", NULL) == -1)
		goto out;
	if (maildir_tmp(tmp.s, hdr, hn, msg, mn) == -1)
		goto out;
	if ((r = maildir_link(tmp.s, path->s)) == -1) {
		e = errno;
		(void)unlink(tmp.s);
		errno = e;
		goto out;
	}
	if (r == MAILDIR_DELIVERED && spool_fsyncdir(newdir.s) == -1) {
		/* not durable: withdraw it rather than report it */
		e = errno;
		(void)unlink(path->s);
		errno = e;
		r = -1;
	}
out:
	e = errno;
	sa_free(&tmp);
	sa_free(&newdir);
	errno = e;
	return r;
}

int
maildir_deliver(const char *dir, const char *key, size_t kn,
    const char *name, const char *hdr, size_t hn, const char *msg,
    size_t mn, struct sa *path)
{
	struct sa	 tmp = SA_ZERO;
	int		 r;

	r = maildir_find(dir, key, kn, path);
	if (r == 1) {
		/* a crash between link and unlink may have left tmp/NAME */
		if (maildir_path(&tmp, dir, "tmp", name) == 0)
			(void)unlink(tmp.s);
		sa_free(&tmp);
		return MAILDIR_DUPLICATE;
	}
	if (r == -1)
		return -1;
	return maildir_write(dir, name, hdr, hn, msg, mn, path);
}
