/* ISC license. */
/* clamd.h: a client of clamd, ClamAV's daemon, over its unix socket or
 * TCP, for scan-stage-clamd.
 *
 * clamd_init() checks an address: a unix socket path (it starts with
 * '/'), or host:port, a.b.c.d:port, [v6addr]:port (hostport.h; the port
 * is required).  Each command is one connection, within one deadline
 * (timeout milliseconds from the start of the command: connect, every
 * write, and the reply together):
 *
 *	clamd_scan_message()	"zINSTREAM\0", SCANRES_MAILPREFIX then the
 *				message as chunks of <4-byte big-endian
 *				length><bytes>, a zero-length chunk;
 *	clamd_scan_leaf()	the same with the decoded part alone; an
 *				empty part is CLEAN without asking clamd
 *				(no signature matches nothing); a part that
 *				starts as a RAR archive is UNSCANNABLE rar,
 *				as scan-stage-clamav says (Debian's clamd,
 *				like its libclamav, has no unrar);
 *	clamd_version()		"zVERSION\0": "ClamAV 1.4.6/27000/date"
 *				gives "1.4.6/27000", "ClamAV 1.4.6" (no
 *				daily database) "1.4.6/0".
 *
 * The reply is read to the end of the connection (clamd closes it after
 * a command), at most CLAMD_REPLYMAX bytes, and parsed by
 * clamd_parsereply(): NUL-terminated records, each "stream: OK",
 * "stream: NAME FOUND" (every one is kept: scanres_addname() sorts
 * clamd's Heuristics.Limits.Exceeded.* and Heuristics.Encrypted.* names
 * into their flags), or "... ERROR".  "INSTREAM size limit exceeded.
 * ERROR" (clamd's StreamMaxLength; clamd may send it and close before
 * the data is all sent, so a reply is read whenever one comes) is a
 * LIMIT StreamMaxLength, and so is data over maxstream, not sent at all.
 *
 * Fail closed: CLEAN only for one "stream: OK" alone, after every byte
 * was sent.  Any other ERROR, an empty, cut, over-long or unknown reply,
 * an OK before the end of the data, a refused connection or a timeout is
 * SCANRES_ERROR (temporary), with what = the reason.
 *
 * No state between commands; SIGPIPE is never raised (MSG_NOSIGNAL).
 * clamd.c talks, clamdreply.c parses.  lib/ never prints. */
#ifndef MW_CLAMD_H
#define MW_CLAMD_H

#include <stddef.h>

#include "hostport.h"
#include "sa.h"
#include "scanres.h"

#define CLAMD_ADDRMAX	(HOSTPORT_MAXHOST + 16)	/* "[v6]:port", a path */
#define CLAMD_REPLYMAX	4096	/* bytes of one reply */
#define CLAMD_CHUNK	65536	/* bytes of one INSTREAM chunk */
#define CLAMD_NAMEMAX	256	/* bytes of one signature name */

struct clamd {
	char		 addr[CLAMD_ADDRMAX];	/* as given, for reasons */
	char		 host[CLAMD_ADDRMAX];	/* host, or the socket path */
	unsigned int	 port;			/* 0: a unix socket */
	unsigned long	 timeout;		/* milliseconds per command */
	size_t		 maxstream;		/* bytes sent per INSTREAM */
};

/* The address (n bytes), the timeout and the largest stream; 0, or -1
 * with errno EINVAL (a malformed address, a timeout or maxstream of
 * 0). */
int	clamd_init(struct clamd *, const char *, size_t, unsigned long,
	    size_t);

/* Scan len bytes at buf; the verdict, also in r->verdict. */
enum scanres_verdict clamd_scan_message(const struct clamd *, const char *,
	    size_t, struct scanres *);
enum scanres_verdict clamd_scan_leaf(const struct clamd *, const char *,
	    size_t, struct scanres *);
/* clamd as a scanner (scanres.h) for lib/scanmsg. */
void	clamd_scanner(const struct clamd *, struct scanner *);

/* Append "ENGINE/DB" to out; 0, or -1 with err (replaced) saying why. */
int	clamd_version(const struct clamd *, struct sa *, struct sa *);

/* The parsers, pure.  A reply to INSTREAM (n bytes); whole: every byte
 * of the data had been sent when it came.  The verdict, also in r. */
enum scanres_verdict clamd_parsereply(const char *, size_t, int,
	    struct scanres *);
/* A reply to VERSION: "ENGINE/DB" appended to out; 0, or -1 (malformed,
 * errno EPROTO; out of memory, ENOMEM). */
int	clamd_parseversion(const char *, size_t, struct sa *);

#endif
