/* ISC license. */
/* scanmsg.h: scan one message with one engine (a scanner, scanres.h:
 * libclamav, clamd or a vendor's command) and cut out what is infected:
 * the logic every scan stage shares, in both of its modes.
 *
 * scanmsg_run() first walks the MIME structure (lib/mime) and
 * quarantines a message over the depth or part limits before any engine
 * sees it.  Then it scans the whole message (scanner->message), and every
 * leaf from our own decoding (scanner->leaf), whatever the whole scan
 * said: libclamav 1.4's mail parser does not read every message as
 * clients and our walk do (it scans the first part of a multipart/signed
 * only) and its quoted-printable decoder changes what it decodes, and a
 * vendor's scanner may not parse mail at all; so clean mail pays one
 * scan plus one per leaf.  Infected leaves are replaced by a notice
 * (lib/mimeclean); so are unscannable ones (limit, encrypted, RAR, ZIP64,
 * a member over the file size), unless conf->unscannable_quarantine.
 * The cleaned message is scanned again and must come out CLEAN.
 *
 * Fail closed: the message is quarantined when the walk is over its
 * depth or part limits or malformed (and the whole scan not clean), when
 * the finding is in no part that can be cut (a single-part body, the
 * top-level headers), when a whole-message limit is explained by no
 * part, or when the cleaned message is still not clean.  An engine
 * error, a failed decoding for want of memory, is a temporary failure:
 * never CLEAN. */
#ifndef MW_SCANMSG_H
#define MW_SCANMSG_H

#include <stddef.h>

#include "scanres.h"
#include "sa.h"

struct scanmsg_conf {
	unsigned int	 maxdepth;	/* MIME nesting */
	size_t		 maxparts;	/* MIME entities */
	size_t		 maxdecode;	/* bytes of one decoded part */
	int		 unscannable_quarantine;
};

enum scanmsg_verdict {
	SCANMSG_CLEAN,		/* pass on unchanged */
	SCANMSG_CLEANED,	/* pass on res->out */
	SCANMSG_QUARANTINE,	/* res->reason says why */
	SCANMSG_TEMP		/* try again later: res->reason */
};

struct scanmsg_result {
	int		 verdict;
	struct sa	 viruses;	/* names found, comma-separated */
	struct sa	 reason;	/* quarantine or temporary: why */
	size_t		 removed;	/* parts cut out */
	size_t		 scans;		/* engine scans made */
	struct sa	 out;		/* SCANMSG_CLEANED: the new message */
};
#define SCANMSG_RESULT_ZERO { SCANMSG_TEMP, SA_ZERO, SA_ZERO, 0, 0, SA_ZERO }

void	scanmsg_conf_default(struct scanmsg_conf *);
/* The verdict, also in res->verdict; qid names the message in notices. */
int	scanmsg_run(const struct scanner *, const struct scanmsg_conf *,
	    const char *, size_t, const char *, struct scanmsg_result *);
void	scanmsg_free(struct scanmsg_result *);
const char *scanmsg_verdictname(int);

#endif
