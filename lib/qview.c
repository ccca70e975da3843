/* ISC license. */
/* qview.c: list, summarize and rewrite held spool files; see qview.h. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bio.h"
#include "envelope.h"
#include "hdr.h"
#include "mwlog.h"
#include "qview.h"
#include "sa.h"
#include "spool.h"
#include "stamp.h"

#define QVIEW_ESCSZ	300	/* an escaped value in a list line */

static int
qview_cmp(const void *a, const void *b)
{
	const struct qview_msg	*x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
qview_add(struct qview_dir *d, const char *id, size_t n, const struct stat *st)
{
	struct qview_msg	*m;
	size_t			 na, bytes;

	if (d->n == d->a) {
		na = d->a > 0 ? d->a : 64;
		if (__builtin_mul_overflow(na, 2, &na) ||
		    __builtin_mul_overflow(na, sizeof *m, &bytes)) {
			errno = ENOMEM;
			return -1;
		}
		if ((m = realloc(d->m, bytes)) == NULL)
			return -1;
		d->m = m;
		d->a = na;
	}
	m = &d->m[d->n++];
	memcpy(m->id, id, n);
	m->id[n] = '\0';
	m->t = spool_idtime(m->id);
	if (m->t == 0)
		m->t = st->st_mtime > 0 ? (unsigned long long)st->st_mtime : 0;
	m->size = (unsigned long long)st->st_size;
	return 0;
}

static int
qview_read(struct qview_dir *d, DIR *dir)
{
	struct dirent	*de;
	struct stat	 st;
	size_t		 n;

	while ((errno = 0, de = readdir(dir)) != NULL) {
		n = strlen(de->d_name);
		if (!spool_idok(de->d_name, n))
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno == ENOENT)	/* taken meanwhile */
				continue;
			return -1;
		}
		if (S_ISREG(st.st_mode) &&
		    qview_add(d, de->d_name, n, &st) == -1)
			return -1;
	}
	return errno != 0 ? -1 : 0;
}

int
qview_scan(struct qview_dir *d, const char *spool)
{
	struct sa	 p = SA_ZERO;
	DIR		*dir = NULL;
	int		 r = -1, saved;

	d->n = 0;
	if (sa_cats(&p, spool) == -1 || sa_cats(&p, "/new") == -1 ||
	    sa_0(&p) == -1 || (dir = opendir(p.s)) == NULL)
		goto out;
	if ((r = qview_read(d, dir)) == 0 && d->n > 0)
		qsort(d->m, d->n, sizeof *d->m, qview_cmp);
out:
	saved = errno;
	if (dir != NULL)
		(void)closedir(dir);
	sa_free(&p);
	errno = saved;
	return r;
}

void
qview_free(struct qview_dir *d)
{
	free(d->m);
	d->m = NULL;
	d->n = d->a = 0;
}

/* 1 once buf holds the envelope's empty line: "\n\n", or "\n" first */
static int
qview_blockend(const char *buf, size_t len, size_t from)
{
	if (len > 0 && buf[0] == '\n')
		return 1;
	for (from = from > 0 ? from - 1 : 0; from + 1 < len; from++)
		if (buf[from] == '\n' && buf[from + 1] == '\n')
			return 1;
	return 0;
}

int
qview_head(int fd, struct sa *out, size_t max)
{
	size_t	 from = 0, room;
	ssize_t	 r;

	out->len = 0;
	while (!qview_blockend(out->s, out->len, from) && out->len < max) {
		if (sa_readyplus(out, 65536) == -1)
			return -1;
		room = out->a - out->len - 1;
		if (room > max - out->len)
			room = max - out->len;
		if ((r = read(fd, out->s + out->len, room)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		from = out->len;
		out->len += (size_t)r;
	}
	return 0;
}

char *
qview_age(char *buf, unsigned long long t, unsigned long long now)
{
	unsigned long long	 s = now > t ? now - t : 0;

	if (s < 60)
		(void)snprintf(buf, QVIEW_AGESZ, "%llus", s);
	else if (s < 3600)
		(void)snprintf(buf, QVIEW_AGESZ, "%llum%02llus", s / 60,
		    s % 60);
	else if (s < 86400)
		(void)snprintf(buf, QVIEW_AGESZ, "%lluh%02llum", s / 3600,
		    s / 60 % 60);
	else
		(void)snprintf(buf, QVIEW_AGESZ, "%llud%02lluh", s / 86400,
		    s / 3600 % 24);
	return buf;
}

/* An extra key's value escaped into buf, or "-" if there is none. */
static const char *
qview_key(char *buf, const struct envelope *e, const char *key)
{
	const char	*v;
	size_t		 n;

	if ((v = envelope_get(e, key, &n)) == NULL)
		return "-";
	return mwlog_esc(buf, QVIEW_ESCSZ, v, n);
}

/* "<addr>" escaped into buf; tmp is scratch */
static const char *
qview_addr(char *buf, struct sa *tmp, const char *a, size_t n)
{
	tmp->len = 0;
	if (sa_catc(tmp, '<') == -1 || sa_catb(tmp, a, n) == -1 ||
	    sa_catc(tmp, '>') == -1)
		return NULL;
	return mwlog_esc(buf, QVIEW_ESCSZ, tmp->s, tmp->len);
}

int
qview_line(struct sa *out, const struct qview_msg *m, unsigned long long now,
    const struct envelope *e, const char *why)
{
	struct sa	 tmp = SA_ZERO;
	const char	*from, *rcpt, *r1;
	char		 age[QVIEW_AGESZ], b[5][QVIEW_ESCSZ];
	size_t		 start = out->len;
	int		 r;

	r = sa_catf(out, "message %s age=%s size=%llu", m->id,
	    qview_age(age, m->t, now), m->size);
	if (r == 0 && e == NULL)
		r = sa_catf(out, " malformed=%s\n",
		    mwlog_escs(b[0], sizeof b[0], why));
	else if (r == 0) {
		r1 = envelope_nextrcpt(e, NULL);
		from = qview_addr(b[0], &tmp, e->from.s, e->from.len);
		rcpt = from == NULL ? NULL : r1 == NULL ? "-" :
		    qview_addr(b[1], &tmp, r1, strlen(r1));
		r = rcpt == NULL ? -1 : sa_catf(out, " from=%s rcpt=%s "
		    "more=%zu verdict=%s viruses=%s reason=%s\n", from, rcpt,
		    e->nrcpt > 0 ? e->nrcpt - 1 : 0, qview_key(b[2], e,
		    "verdict"), qview_key(b[3], e, "viruses"),
		    qview_key(b[4], e, "quarantine"));
	}
	sa_free(&tmp);
	if (r == -1)
		out->len = start;
	return r;
}

/* 1 if the line (n bytes, no LF) is "KEY ..." with KEY in drop */
static int
qview_dropped(const char *line, size_t n, const char *const *drop)
{
	const char	*sp = memchr(line, ' ', n);
	size_t		 kn = sp != NULL ? (size_t)(sp - line) : n;

	for (; *drop != NULL; drop++)
		if (strlen(*drop) == kn && memcmp(*drop, line, kn) == 0)
			return 1;
	return 0;
}

int
qview_rewrite(struct sa *out, const char *blk, size_t n,
    const char *const *drop, const char *add, size_t addn)
{
	const char	*nl;
	size_t		 pos = 0, len, start = out->len;

	if (n < 2 || blk[n - 1] != '\n' || blk[n - 2] != '\n') {
		errno = EINVAL;
		return -1;
	}
	while (pos < n - 1) {
		nl = memchr(blk + pos, '\n', n - pos);
		len = (size_t)(nl - (blk + pos));
		if (!qview_dropped(blk + pos, len, drop) &&
		    sa_catb(out, blk + pos, len + 1) == -1)
			goto fail;
		pos += len + 1;
	}
	if (sa_catb(out, add, addn) == -1 || sa_catc(out, '\n') == -1)
		goto fail;
	return 0;
fail:
	out->len = start;
	return -1;
}

int
qview_esc(struct sa *out, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, need;
	char			*o;

	if (__builtin_mul_overflow(n, 4, &need)) {
		errno = ENOMEM;
		return -1;
	}
	if (sa_readyplus(out, need) == -1)
		return -1;
	o = out->s + out->len;
	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)s[i];

		if (c == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n')
			*o++ = (char)c;
		else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	out->len = (size_t)(o - out->s);
	return 0;
}

/* The rest of fd after what was read, as it is. */
static int
copy_rest(int fd, struct bio *out, char *buf, size_t bufsize)
{
	ssize_t	 r;

	for (;;) {
		if ((r = read(fd, buf, bufsize)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return (int)r;
		if (bio_put(out, buf, (size_t)r) == -1)
			return -1;
	}
}

/* 1 if the n bytes at s hold the empty line that ends a header
 * section */
static int
section_ends(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((i == 0 || s[i - 1] == '\n') && (s[i] == '\n' ||
		    (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')))
			return 1;
	return 0;
}

/* Without its status fields: the header section, read up to the empty
 * line that ends it (past HDR_MAXBLOCK, stamp_strip() finds the caps
 * exceeded), stripped, then the rest. */
static int
copy_stripped(int fd, struct bio *out, const char *head, size_t n,
    char *buf, size_t bufsize)
{
	struct sa	 sec = SA_ZERO, clean = SA_ZERO;
	size_t		 removed;
	ssize_t		 r;
	int		 res = -1;

	if (sa_catb(&sec, head, n) == -1)
		goto out;
	while (!section_ends(sec.s, sec.len) && sec.len <= HDR_MAXBLOCK) {
		if ((r = read(fd, buf, bufsize)) == -1 && errno == EINTR)
			continue;
		if (r == -1 || sa_catb(&sec, buf, (size_t)r) == -1)
			goto out;
		if (r == 0)
			break;
	}
	if (stamp_strip(&clean, sec.s, sec.len, &removed) == -1 ||
	    bio_put(out, clean.s, clean.len) == -1)
		goto out;
	res = copy_rest(fd, out, buf, bufsize);
out:
	sa_free(&sec);
	sa_free(&clean);
	return res;
}

int
qview_copy(int fd, struct bio *out, const char *head, size_t n, int strip,
    char *buf, size_t bufsize)
{
	if (strip)
		return copy_stripped(fd, out, head, n, buf, bufsize);
	if (bio_put(out, head, n) == -1)
		return -1;
	return copy_rest(fd, out, buf, bufsize);
}
