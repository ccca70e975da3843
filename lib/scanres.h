/* ISC license. */
/* scanres.h: what one scan of one piece of data found, whatever engine
 * made it (libclamav in-process, clamd, a vendor's command).
 *
 * An engine starts a result with scanres_start(), reports what it sees
 * with scanres_addname() (a signature name; libclamav's heuristic names
 * "Heuristics.Limits.Exceeded.WHAT" and "Heuristics.Encrypted.WHAT" are
 * sorted into their flags) and scanres_note() (a flag and its reason),
 * and ends with scanres_settle(), which picks the verdict, or
 * scanres_fail() for a temporary error.  The verdict is the first that
 * applies of ERROR, VIRUS, LIMIT, ENCRYPTED, UNSCANNABLE, CLEAN; an
 * engine answers CLEAN only when it looked at the data and met no
 * error: fail closed. */
#ifndef MW_SCANRES_H
#define MW_SCANRES_H

#include <stddef.h>

#include "sysdeps.h"

#define SCANRES_NAMESZ	1024	/* all signature names of one scan */
#define SCANRES_WHATSZ	256
#define SCANRES_WHYSZ	64
/* served in front of a whole message, so that an engine types it as
 * mail whatever its first bytes (libclamav, clamd, clamscan) */
#define SCANRES_MAILPREFIX	"Received: from mailward\n"

enum scanres_verdict {
	SCANRES_CLEAN,
	SCANRES_VIRUS,		/* a signature matched: names */
	SCANRES_LIMIT,		/* what: the limit (MaxFileSize, ...) */
	SCANRES_ENCRYPTED,	/* what: Zip, PDF, ... or a member */
	SCANRES_UNSCANNABLE,	/* what: rar, zip64, filesize, ... */
	SCANRES_ERROR		/* temporary: what says why */
};

/* what the scan saw, whatever the verdict */
#define SCANRES_F_VIRUS		0x1
#define SCANRES_F_LIMIT		0x2
#define SCANRES_F_ENCRYPTED	0x4
#define SCANRES_F_UNSCANNABLE	0x8

/* names: every distinct name reported, comma-separated, NUL-terminated,
 * the heuristic ones included; whole names only, cut set if some did not
 * fit.  what: the reason for the verdict. */
struct scanres {
	enum scanres_verdict	 verdict;
	unsigned int		 flags;		/* SCANRES_F_* */
	size_t			 nnames;
	int			 cut;
	char			 names[SCANRES_NAMESZ];
	char			 what[SCANRES_WHATSZ];
	char			 why[4][SCANRES_WHYSZ];	/* by flag bit */
};

void	scanres_start(struct scanres *);
/* flag (one SCANRES_F_) seen; the first reason for it is kept */
void	scanres_note(struct scanres *, unsigned int, const char *);
/* one signature name: sorted into the flags, kept once; a name with a
 * comma or an empty one sets the flag but is not listed */
void	scanres_addname(struct scanres *, const char *);
/* The verdict from the flags (what = its reason); CLEAN if none. */
enum scanres_verdict scanres_settle(struct scanres *);
/* SCANRES_ERROR with what = the formatted reason. */
enum scanres_verdict scanres_fail(struct scanres *, const char *, ...)
	    MW_PRINTF(2, 3);
const char *scanres_name(enum scanres_verdict);

/* An engine as lib/scanmsg uses it: message() scans a whole message
 * (typed as mail whatever its first bytes), leaf() one decoded MIME
 * part; each fills the result and returns its verdict. */
struct scanner {
	const void		*st;
	enum scanres_verdict	(*message)(const void *, const char *, size_t,
				    struct scanres *);
	enum scanres_verdict	(*leaf)(const void *, const char *, size_t,
				    struct scanres *);
};	/* "clean", ... */
/* dst (dstsz > 0 bytes) = s, cut to fit, NUL-terminated */
void	scanres_copy(char *, size_t, const char *);

#endif
