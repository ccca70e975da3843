/* ISC license. */
/* spool.c: durable maildir-style spools. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "spool.h"

/* HEX is a per-process counter that starts at a random value: ids from
 * one process never repeat (a repeat would make rename() replace another
 * message in new/), and ids of a pid reused within the same second are
 * still unlikely to meet. */
int
spool_newid(struct sa *id)
{
	static const char	 hex[] = "0123456789abcdef";
	static unsigned long	 seq;
	static int		 seeded;
	unsigned char		 r[4];
	unsigned long		 v;
	char			 h[8];
	size_t			 i;

	if (!seeded) {
		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
			return -1;
		seq = (unsigned long)r[0] << 24 | (unsigned long)r[1] << 16 |
		    (unsigned long)r[2] << 8 | r[3];
		seeded = 1;
	}
	v = seq++ & 0xffffffffUL;
	for (i = 0; i < sizeof h; i++)
		h[i] = hex[(v >> (28 - 4 * i)) & 15];
	id->len = 0;
	if (sa_catu(id, (unsigned long long)time(NULL)) == -1 ||
	    sa_catc(id, '.') == -1 ||
	    sa_catu(id, (unsigned long long)getpid()) == -1 ||
	    sa_catc(id, '.') == -1 || sa_catb(id, h, sizeof h) == -1)
		return -1;
	return 0;
}

unsigned long long
spool_idtime(const char *id)
{
	unsigned long long	 t = 0;
	size_t			 i;

	for (i = 0; id[i] >= '0' && id[i] <= '9'; i++) {
		if (i >= 19)
			return 0;
		t = t * 10 + (unsigned long long)(id[i] - '0');
	}
	return id[i] == '.' ? t : 0;
}

int
spool_idok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > SPOOL_MAXID || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char	 c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

static int
spool_path(struct sa *p, const char *spool, const char *sub, const char *id)
{
	p->len = 0;
	if (sa_cats(p, spool) == -1 || sa_catc(p, '/') == -1 ||
	    sa_cats(p, sub) == -1)
		return -1;
	if (id != NULL && (sa_catc(p, '/') == -1 || sa_cats(p, id) == -1))
		return -1;
	return sa_0(p);
}

int
spool_open(struct spool_tx *tx, const char *spool, const char *id)
{
	memset(tx, 0, sizeof *tx);
	tx->fd = -1;
	if (!spool_idok(id, strlen(id))) {
		errno = EINVAL;
		return -1;
	}
	if (spool_path(&tx->tmp, spool, "tmp", id) == -1 ||
	    spool_path(&tx->dst, spool, "new", id) == -1 ||
	    spool_path(&tx->dir, spool, "new", NULL) == -1)
		goto fail;
	tx->fd = open(tx->tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0640);
	if (tx->fd == -1)
		goto fail;
	bio_init(&tx->out, tx->fd, bio_op_write, tx->buf, sizeof tx->buf);
	return 0;
fail:
	{
		int	 saved = errno;

		sa_free(&tx->tmp);
		sa_free(&tx->dst);
		sa_free(&tx->dir);
		errno = saved;
	}
	return -1;
}

int
spool_fsyncdir(const char *dir)
{
	int	 fd, r, saved;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	r = fsync(fd);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return r;
}

static void
spool_txfree(struct spool_tx *tx)
{
	sa_free(&tx->tmp);
	sa_free(&tx->dst);
	sa_free(&tx->dir);
	tx->fd = -1;
}

int
spool_commit_to(struct spool_tx *tx, const char *dst)
{
	const char	*slash;
	struct sa	 dir = SA_ZERO;
	int		 saved, fd = tx->fd;

	tx->fd = -1;
	if (bio_flush(&tx->out) == -1 || fsync(fd) == -1) {
		saved = errno;
		(void)close(fd);
		goto fail;
	}
	if (close(fd) == -1 || rename(tx->tmp.s, dst) == -1) {
		saved = errno;
		goto fail;
	}
	slash = strrchr(dst, '/');
	if ((slash == NULL ? sa_copys(&dir, ".") :
	    sa_copyb(&dir, dst, (size_t)(slash - dst))) == -1 ||
	    sa_0(&dir) == -1 || spool_fsyncdir(dir.s) == -1) {
		/* not durable: withdraw it rather than acknowledge it */
		saved = errno;
		(void)unlink(dst);
		sa_free(&dir);
		spool_txfree(tx);
		errno = saved;
		return -1;
	}
	sa_free(&dir);
	spool_txfree(tx);
	return 0;
fail:
	(void)unlink(tx->tmp.s);
	spool_txfree(tx);
	errno = saved;
	return -1;
}

int
spool_commit(struct spool_tx *tx)
{
	struct sa	 dst = tx->dst;
	int		 r;

	tx->dst = (struct sa)SA_ZERO;
	r = spool_commit_to(tx, dst.s);
	{
		int	 saved = errno;

		sa_free(&dst);
		errno = saved;
	}
	return r;
}

void
spool_abort(struct spool_tx *tx)
{
	int	 saved = errno;

	if (tx->fd != -1)
		(void)close(tx->fd);
	if (tx->tmp.s != NULL)
		(void)unlink(tx->tmp.s);
	spool_txfree(tx);
	errno = saved;
}

int
spool_write(const char *spool, const char *id, const struct sa *env,
    const struct sa *msg)
{
	struct spool_tx	 tx;

	if (spool_open(&tx, spool, id) == -1)
		return -1;
	if (bio_put(&tx.out, env->s, env->len) == -1 ||
	    bio_put(&tx.out, msg->s, msg->len) == -1) {
		spool_abort(&tx);
		return -1;
	}
	return spool_commit(&tx);
}

int
spool_move(const char *from, const char *todir, const char *id)
{
	struct sa	 dst = SA_ZERO, dir = SA_ZERO;
	int		 r = -1, saved;

	if (spool_path(&dst, todir, "new", id) == -1 ||
	    spool_path(&dir, todir, "new", NULL) == -1)
		goto out;
	if (rename(from, dst.s) == -1 || spool_fsyncdir(dir.s) == -1)
		goto out;
	r = 0;
out:
	saved = errno;
	sa_free(&dst);
	sa_free(&dir);
	errno = saved;
	return r;
}

int
spool_slurp(int fd, struct sa *out, size_t max)
{
	out->len = 0;
	for (;;) {
		ssize_t	 r;

		if (sa_readyplus(out, 65536) == -1)
			return -1;
		r = read(fd, out->s + out->len, out->a - out->len - 1);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return 0;
		out->len += (size_t)r;
		if (out->len > max) {
			errno = EFBIG;
			return -1;
		}
	}
}

int
spool_mkdirs(const char *spool, unsigned int mode)
{
	struct sa	 p = SA_ZERO;
	static const char *const subs[] = { "tmp", "new" };
	size_t		 i;
	int		 r = -1, saved;

	if (mkdir(spool, (mode_t)mode) == -1 && errno != EEXIST)
		return -1;
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (spool_path(&p, spool, subs[i], NULL) == -1 ||
		    (mkdir(p.s, (mode_t)mode) == -1 && errno != EEXIST))
			goto out;
	r = 0;
out:
	saved = errno;
	sa_free(&p);
	errno = saved;
	return r;
}
