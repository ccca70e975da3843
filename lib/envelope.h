/* ISC license. */
/* envelope.h: the envelope block at the head of every spool file.
 *
 *   mailward 1                     version line, checked first
 *   id 1732690200.4411.c3f2a9      queue id
 *   time 1732690200                arrival, seconds since the epoch
 *   remote 192.0.2.7               client address ("-" if local)
 *   helo mx.example.org            client's HELO/EHLO ("-" if none)
 *   tls 1                          0 or 1: the message came over TLS
 *   from <a@example.org>           envelope sender, <> for bounces
 *   rcpt <b@example.net>           one line per recipient, at least one
 *   KEY VALUE                      other stages' fields, kept in order
 *   (empty line)
 *   message, LF line ends
 *
 * Keys are [a-z0-9-]{1,32}; every line is at most ENVELOPE_MAXLINE bytes;
 * the block at most ENVELOPE_MAXBLOCK.  See mailward-spool(5). */
#ifndef MW_ENVELOPE_H
#define MW_ENVELOPE_H

#include <stddef.h>
#include "sa.h"

#define ENVELOPE_VERSION	"mailward 1"
#define ENVELOPE_MAXLINE	1024
#define ENVELOPE_MAXRCPT	10000
#define ENVELOPE_MAXBLOCK	(ENVELOPE_MAXRCPT * 300UL + 65536)

struct envelope {
	struct sa		 id;
	unsigned long long	 time;
	struct sa		 remote;
	struct sa		 helo;
	int			 tls;
	struct sa		 from;	/* without <>; empty for the null sender */
	struct sa		 rcpt;	/* each without <>, followed by a NUL */
	size_t			 nrcpt;
	struct sa		 extra;	/* other "key value\n" lines, verbatim */
};
#define ENVELOPE_ZERO { SA_ZERO, 0, SA_ZERO, SA_ZERO, 0, SA_ZERO, SA_ZERO, \
			0, SA_ZERO }

enum envelope_result {
	ENVELOPE_OK = 0,
	ENVELOPE_NOMEM,		/* errno set */
	ENVELOPE_BARE,		/* no version line: a bare RFC 5322 message */
	ENVELOPE_VERSION_BAD,	/* "mailward N" of a version we don't know */
	ENVELOPE_TRUNCATED,	/* no empty line ends the block */
	ENVELOPE_TOOLONG,	/* a line or the block over its cap */
	ENVELOPE_SYNTAX,	/* a bad line, key, value or duplicate */
	ENVELOPE_MISSING	/* id, time, from or rcpt missing */
};

/* Parse the block at the start of buf.  On ENVELOPE_OK, *hdrlen is the
 * length of the block including its empty line: the message follows. */
int	envelope_parse(struct envelope *, const char *, size_t, size_t *);
/* Append the block, ending with its empty line, to out.  0, or -1 with
 * ENOMEM, or EINVAL if a field would not parse back (a control byte, an
 * over-long value, no recipient). */
int	envelope_fmt(const struct envelope *, struct sa *);
int	envelope_addrcpt(struct envelope *, const char *, size_t);
/* The i-th recipient in turn: *p set to NULL before the first call. */
const char *envelope_nextrcpt(const struct envelope *, const char *);
/* Value of an extra key, or NULL; *n set to its length.  envelope_set()
 * refuses the core keys (id, time, remote, helo, tls, from, rcpt). */
const char *envelope_get(const struct envelope *, const char *, size_t *);
int	envelope_set(struct envelope *, const char *, const char *, size_t);
void	envelope_free(struct envelope *);
const char *envelope_strerror(int);

#endif
