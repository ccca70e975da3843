/* ISC license. */
/* qview.h: what mailward-quarantine(1) reads, shows and rewrites of the
 * spool files in a spool.
 *
 * qview_scan() lists the messages of SPOOL/new (regular files whose
 * names are queue ids, spool_idok()), each with its arrival time (the
 * queue id's, spool_idtime(), else the file's mtime) and size, oldest
 * first.  qview_head() reads a spool file from its current offset up
 * to the end of its envelope block (the first empty line) or max bytes,
 * whichever comes first; more may follow in the buffer.
 *
 * The rest are pure functions over buffers.  qview_age() writes an age
 * as "42s", "5m07s", "3h05m" or "12d03h".  qview_line() appends one
 * "message ID key=value ..." line of the list (mailward-quarantine(1)
 * OUTPUT); every value from the message goes through mwlog_esc().
 * qview_rewrite() copies an envelope block without the lines of the
 * keys in drop (a NULL-terminated list) and with the lines add (each
 * ending in LF) before its empty line.  qview_esc() appends bytes for a
 * terminal: printable ASCII, SP, HTAB and LF as they are, '\\' doubled,
 * any other byte as \xHH.
 *
 * qview_copy() writes a held message to out when it is released: the
 * n bytes at head already read, then the rest of fd (through buf).
 * With strip it leaves out every status field (stamp_strip()): it reads
 * the header section up to the empty line that ends it, at most hdr.h's
 * caps, and fails with EMSGSIZE past them, where a status field could
 * hide; the body is copied as it is.
 *
 * Functions returning int return 0, or -1 with errno set (ENOMEM;
 * EINVAL from qview_rewrite() for a block without its empty line). */
#ifndef MW_QVIEW_H
#define MW_QVIEW_H

#include <stddef.h>

#include "bio.h"
#include "envelope.h"
#include "sa.h"
#include "spool.h"

#define QVIEW_AGESZ	24	/* qview_age()'s buffer */

struct qview_msg {
	char			 id[SPOOL_MAXID + 1];
	unsigned long long	 t;	/* arrival, seconds since the epoch */
	unsigned long long	 size;	/* bytes */
};

struct qview_dir {
	struct qview_msg	*m;	/* oldest first, then by id */
	size_t			 n;
	size_t			 a;
};
#define QVIEW_DIR_ZERO	{ NULL, 0, 0 }

int	qview_scan(struct qview_dir *, const char *);
void	qview_free(struct qview_dir *);
int	qview_head(int, struct sa *, size_t);

/* age of t at now (0 if t is later) into buf, QVIEW_AGESZ bytes */
char	*qview_age(char *, unsigned long long, unsigned long long);
/* e: the parsed envelope, or NULL with why: why it would not parse */
int	qview_line(struct sa *, const struct qview_msg *, unsigned long long,
	    const struct envelope *, const char *);
int	qview_rewrite(struct sa *, const char *, size_t, const char *const *,
	    const char *, size_t);
int	qview_esc(struct sa *, const char *, size_t);

int	qview_copy(int, struct bio *, const char *, size_t, int, char *,
	    size_t);

#endif
