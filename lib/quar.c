/* ISC license. */
/* quar.c: hold a spool file, saying why; see quar.h. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "envelope.h"
#include "quar.h"
#include "sa.h"
#include "spool.h"

#define QUAR_WHYMAX	(ENVELOPE_MAXLINE - 64)

/* PATH's directory, synced after the unlink */
static int
quar_syncparent(const char *path)
{
	struct sa	 d = SA_ZERO;
	const char	*slash = strrchr(path, '/');
	int		 r;

	if (slash == NULL)
		return spool_fsyncdir(".");
	if (sa_catb(&d, path, (size_t)(slash - path)) == -1 || sa_0(&d) == -1)
		return -1;
	r = spool_fsyncdir(d.s);
	sa_free(&d);
	return r;
}

/* the reason as an envelope value: printable, one line, not too long */
static int
quar_why(struct sa *v, const char *why)
{
	size_t	 i, n = strlen(why);

	if (n > QUAR_WHYMAX)
		n = QUAR_WHYMAX;
	if (n == 0)
		return sa_copys(v, "-");
	if (sa_copyb(v, why, n) == -1)
		return -1;
	for (i = 0; i < v->len; i++)
		if ((unsigned char)v->s[i] < 0x20 || v->s[i] == 0x7f)
			v->s[i] = ' ';
	return 0;
}

int
quar_hold(const char *path, const char *dir, const char *id, const char *why)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct spool_tx	 tx;
	struct sa	 buf = SA_ZERO, hdr = SA_ZERO, v = SA_ZERO;
	size_t		 hl;
	int		 fd, r = -1, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (spool_slurp(fd, &buf, SIZE_MAX / 2) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	(void)close(fd);
	if (envelope_parse(&e, buf.s, buf.len, &hl) != ENVELOPE_OK) {
		r = spool_move(path, dir, id);	/* held as it came */
		goto out;
	}
	if (quar_why(&v, why) == -1 ||
	    envelope_set(&e, "verdict", "quarantined", 11) == -1 ||
	    envelope_set(&e, "quarantine", v.s, v.len) == -1 ||
	    envelope_fmt(&e, &hdr) == -1 || spool_open(&tx, dir, id) == -1)
		goto out;
	if (bio_put(&tx.out, hdr.s, hdr.len) == -1 ||
	    bio_put(&tx.out, buf.s + hl, buf.len - hl) == -1) {
		saved = errno;
		spool_abort(&tx);
		errno = saved;
		goto out;
	}
	if (spool_commit(&tx) == -1)
		goto out;
	r = unlink(path) == -1 && errno != ENOENT ? -1 : quar_syncparent(path);
out:
	saved = errno;
	envelope_free(&e);
	sa_free(&buf);
	sa_free(&hdr);
	sa_free(&v);
	errno = saved;
	return r;
}
