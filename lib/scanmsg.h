/* ISC license. */
/* scanmsg.h: scan one message with libclamav and cut out what is
 * infected: the logic of scan-stage-clamav, in both of its modes.
 *
 * scanmsg_run() scans the whole message first (cav_scan_message).
 * libclamav 1.4's mail parser does not read every message as clients
 * and our walk do (it scans the first part of a multipart/signed
 * only) and its quoted-printable decoder changes what it decodes, so
 * a CLEAN answer is confirmed by scanning every leaf from
 * our own decoding (clean mail pays one scan plus one per leaf).
 * Anything else -- a virus, a limit, encryption, something
 * libclamav cannot open -- leads to our own MIME walk (lib/mime): every
 * leaf is decoded and scanned alone to find what to remove.  Infected
 * leaves are replaced by a notice (lib/mimeclean); so are unscannable
 * ones (limit, encrypted, RAR, ZIP64, a member over the file size),
 * unless conf->unscannable_quarantine.  The cleaned message is scanned
 * again and must come out CLEAN.
 *
 * Fail closed: the message is quarantined when the walk is over its
 * depth or part limits or malformed, when the finding is in no part
 * that can be cut (a single-part body, the top-level headers), when a
 * whole-message limit is explained by no part, or when the cleaned
 * message is still not clean.  An engine error, a failed decoding for
 * want of memory, is a temporary failure: never CLEAN. */
#ifndef MW_SCANMSG_H
#define MW_SCANMSG_H

#include <stddef.h>

#include "cav.h"
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
	size_t		 scans;		/* libclamav scans made */
	struct sa	 out;		/* SCANMSG_CLEANED: the new message */
};
#define SCANMSG_RESULT_ZERO { SCANMSG_TEMP, SA_ZERO, SA_ZERO, 0, 0, SA_ZERO }

void	scanmsg_conf_default(struct scanmsg_conf *);
/* The verdict, also in res->verdict; qid names the message in notices. */
int	scanmsg_run(const struct cav_engine *, const struct scanmsg_conf *,
	    const char *, size_t, const char *, struct scanmsg_result *);
void	scanmsg_free(struct scanmsg_result *);
const char *scanmsg_verdictname(int);

#endif
