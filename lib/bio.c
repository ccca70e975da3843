/* ISC license. */
/* bio.c: buffered I/O over a caller's buffer, with a swappable operation. */
#include "sysdeps.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "bio.h"

void
bio_init(struct bio *b, int fd, bio_op op, char *buf, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->fd = fd;
	b->op = op;
	b->buf = buf;
	b->cap = cap;
}

void
bio_init_mem(struct bio *b, const char *mem, size_t n, char *buf, size_t cap)
{
	bio_init(b, -1, bio_op_memread, buf, cap);
	b->mem = mem;
	b->memlen = n;
}

int
bio_waitfd(int fd, short ev, int ms)
{
	struct pollfd	 p;
	int		 r;

	p.fd = fd;
	p.events = ev;
	for (;;) {
		r = poll(&p, 1, ms > 0 ? ms : -1);
		if (r > 0)
			return 0;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

static int
bio_wait(struct bio *b, short ev)
{
	if (b->timeout <= 0)
		return 0;
	return bio_waitfd(b->fd, ev, b->timeout);
}

ssize_t
bio_op_read(struct bio *b, char *buf, size_t n)
{
	ssize_t	 r;

	if (bio_wait(b, POLLIN) == -1)
		return -1;
	do
		r = read(b->fd, buf, n);
	while (r == -1 && errno == EINTR);
	return r;
}

ssize_t
bio_op_write(struct bio *b, char *buf, size_t n)
{
	ssize_t	 r;

	if (bio_wait(b, POLLOUT) == -1)
		return -1;
	do
		r = write(b->fd, buf, n);
	while (r == -1 && errno == EINTR);
	return r;
}

ssize_t
bio_op_memread(struct bio *b, char *buf, size_t n)
{
	size_t	 left = b->memlen - b->mempos;

	if (n > left)
		n = left;
	if (b->memchunk != 0 && n > b->memchunk)
		n = b->memchunk;
	if (n > 0)
		memcpy(buf, b->mem + b->mempos, n);
	b->mempos += n;
	return (ssize_t)n;
}

ssize_t
bio_fill(struct bio *b)
{
	ssize_t	 r;

	if (b->pos < b->len)
		return (ssize_t)(b->len - b->pos);
	b->pos = b->len = 0;
	r = b->op(b, b->buf, b->cap);
	if (r > 0)
		b->len = (size_t)r;
	return r;
}

size_t
bio_buffered(const struct bio *b)
{
	return b->len - b->pos;
}

int
bio_pending(struct bio *b)
{
	struct pollfd	 p;

	if (bio_buffered(b) > 0)
		return 1;
	if (b->fd < 0)
		return b->mem != NULL && b->mempos < b->memlen;
	p.fd = b->fd;
	p.events = POLLIN;
	return poll(&p, 1, 0) > 0;
}

ssize_t
bio_get(struct bio *b, char *out, size_t n)
{
	ssize_t	 r;
	size_t	 have;

	r = bio_fill(b);
	if (r <= 0)
		return r;
	have = b->len - b->pos;
	if (n > have)
		n = have;
	memcpy(out, b->buf + b->pos, n);
	b->pos += n;
	return (ssize_t)n;
}

/* Take bytes up to and including sep into line while under max; after
 * the cap, discard through sep and report BIO_TOOLONG. */
int
bio_getline(struct bio *b, struct sa *line, size_t max, char sep)
{
	int	 toolong = 0;

	line->len = 0;
	for (;;) {
		ssize_t	 r = bio_fill(b);
		char	*start, *nl;
		size_t	 n;

		if (r < 0)
			return BIO_ERR;
		if (r == 0)
			return toolong ? BIO_TOOLONG : BIO_EOF;
		start = b->buf + b->pos;
		n = b->len - b->pos;
		nl = memchr(start, sep, n);
		if (nl != NULL)
			n = (size_t)(nl - start);
		if (!toolong && line->len + n > max)
			toolong = 1;
		if (!toolong && sa_catb(line, start, n) == -1)
			return BIO_ERR;
		b->pos += n;
		if (nl != NULL) {
			b->pos++;
			return toolong ? BIO_TOOLONG : BIO_LINE;
		}
	}
}

void
bio_discard(struct bio *b)
{
	b->pos = b->len = 0;
}

int
bio_flush(struct bio *b)
{
	size_t	 done = 0;

	if (b->err != 0) {
		errno = b->err;
		return -1;
	}
	while (done < b->len) {
		ssize_t	 r = b->op(b, b->buf + done, b->len - done);

		if (r <= 0) {
			b->err = r == 0 ? EIO : errno;
			errno = b->err;
			return -1;
		}
		done += (size_t)r;
	}
	b->len = 0;
	return 0;
}

int
bio_put(struct bio *b, const char *s, size_t n)
{
	if (b->err != 0) {
		errno = b->err;
		return -1;
	}
	while (n > 0) {
		size_t	 room = b->cap - b->len;

		if (room == 0) {
			if (bio_flush(b) == -1)
				return -1;
			continue;
		}
		if (room > n)
			room = n;
		memcpy(b->buf + b->len, s, room);
		b->len += room;
		s += room;
		n -= room;
	}
	return 0;
}

int
bio_puts(struct bio *b, const char *s)
{
	return bio_put(b, s, strlen(s));
}
