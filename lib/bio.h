/* ISC license. */
/* bio.h: buffered I/O over a caller's buffer, with a swappable operation.
 *
 * The operation reads or writes through the descriptor (with a poll()
 * timeout), a TLS session, or a memory stub for unit tests.  Write errors
 * are sticky: check bio_flush() once at the end.  Reads return -1 with
 * errno ETIMEDOUT when the timeout expires. */
#ifndef MW_BIO_H
#define MW_BIO_H

#include <stddef.h>
#include <sys/types.h>
#include "sysdeps.h"
#include "sa.h"

struct bio;
typedef ssize_t (*bio_op)(struct bio *, char *, size_t);

struct bio {
	int		 fd;
	bio_op		 op;
	void		*ctx;		/* for the op: SSL *, memory stub, ... */
	char		*buf;
	size_t		 cap;
	size_t		 pos;		/* read: next byte */
	size_t		 len;		/* read: bytes in buf; write: pending */
	int		 timeout;	/* milliseconds, 0 = none */
	int		 err;		/* sticky errno of a failed write */
	const char	*mem;		/* memory stub */
	size_t		 memlen;
	size_t		 mempos;
	size_t		 memchunk;	/* stub: max bytes per op, 0 = all */
};

enum bio_result {
	BIO_ERR = -1,		/* errno set */
	BIO_EOF = 0,		/* end of input; partial line in the sa */
	BIO_LINE = 1,		/* a whole line, separator stripped */
	BIO_TOOLONG = 2		/* over the cap; rest of line discarded */
};

void	bio_init(struct bio *, int, bio_op, char *, size_t);
void	bio_init_mem(struct bio *, const char *, size_t, char *, size_t);
ssize_t	bio_op_read(struct bio *, char *, size_t);	/* fd, poll timeout */
ssize_t	bio_op_write(struct bio *, char *, size_t);	/* fd, poll timeout */
ssize_t	bio_op_memread(struct bio *, char *, size_t);	/* stub */

/* poll() fd for ev (POLLIN/POLLOUT) up to ms milliseconds (<= 0: no
 * limit); 0 ready, -1 with ETIMEDOUT or poll's errno. */
int	bio_waitfd(int, short, int);

/* reading */
ssize_t	bio_fill(struct bio *);		/* >0 read, 0 EOF, -1 error */
size_t	bio_buffered(const struct bio *);	/* bytes read but not taken */
int	bio_pending(struct bio *);	/* 1 if input waits (buffer or fd) */
ssize_t	bio_get(struct bio *, char *, size_t);	/* >0, 0 EOF, -1 */
int	bio_getline(struct bio *, struct sa *, size_t, char);	/* bio_result */
void	bio_discard(struct bio *);	/* drop buffered input */

/* writing */
int	bio_put(struct bio *, const char *, size_t);
int	bio_puts(struct bio *, const char *);
int	bio_flush(struct bio *);	/* 0, or -1 with the sticky errno */

#endif
