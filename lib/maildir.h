/* ISC license. */
/* maildir.h: idempotent delivery into a Maildir.
 *
 * The copy of queued message QID for recipient RCPT is named
 *
 *   TIME.KEY.HOST          KEY = Q<QID>R<HASH>
 *
 * TIME is the message's arrival time, HOST the host name (with '/' and
 * ':' written as \057 and \072, as the maildir spec says), HASH the
 * FNV-1a 64-bit hash, in 16 hex digits, of QID, a NUL and RCPT in ASCII
 * lower case.  KEY names the delivery: before writing, maildir_deliver()
 * looks for a file whose name carries KEY in new/ and cur/ (where a
 * reader renames it, adding ":2,FLAGS"), so a delivery repeated after a
 * crash finds its own earlier copy and does not deliver twice.
 *
 * A delivery writes tmp/NAME (O_EXCL; a stale tmp/NAME left by a crash
 * is removed first: the name is ours), fsyncs and closes it, links it
 * to new/NAME (rename where links are not supported), unlinks tmp/NAME
 * and fsyncs new/.  Only then is it done. */
#ifndef MW_MAILDIR_H
#define MW_MAILDIR_H

#include <stddef.h>
#include <stdint.h>
#include "sa.h"

enum maildir_result {
	MAILDIR_DELIVERED = 0,
	MAILDIR_DUPLICATE = 1	/* an earlier copy exists; nothing written */
};

uint64_t maildir_hash(const char *, size_t, const char *, size_t);
/* KEY for a queue id and a recipient into key.  0 or -1 errno. */
int	maildir_key(struct sa *, const char *, size_t, const char *, size_t);
/* TIME.KEY.HOST into name.  0 or -1 errno. */
int	maildir_name(struct sa *, unsigned long long, const char *, size_t,
	    const char *);
/* 1 if the directory entry name carries key. */
int	maildir_match(const char *, const char *, size_t);
/* 1 if DIR/new or DIR/cur holds a file carrying key (its path in found),
 * 0 if none, -1 on error (errno; ENOENT if a directory is missing). */
int	maildir_find(const char *, const char *, size_t, struct sa *);
/* Write hdr then msg as DIR/new/NAME: MAILDIR_DELIVERED, MAILDIR_DUPLICATE
 * (new/NAME exists), or -1 with errno (nothing left behind). */
int	maildir_write(const char *, const char *, const char *, size_t,
	    const char *, size_t, struct sa *);
/* maildir_find(), then maildir_write() if no copy exists.  path gets the
 * delivered or found file's path, NUL-terminated. */
int	maildir_deliver(const char *, const char *, size_t, const char *,
	    const char *, size_t, const char *, size_t, struct sa *);

#endif
