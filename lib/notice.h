/* ISC license. */
/* notice.h: the notices mailward sends when a scan found something
 * (libexec/notify): to a recipient, to the administrator, to the
 * sender.
 *
 * notice_make() appends one whole message (header section, empty line,
 * body; LF line ends) to out: From the notice address, To the one
 * addressee, a fixed Subject, Date, Message-ID, MIME-Version 1.0,
 * text/plain us-ascii 7bit, Auto-Submitted: auto-generated (RFC 3834)
 * and X-Mailward-Notice: KIND.  Every value that came with the message
 * (sender, subject, virus names, reasons, client names) is reduced to
 * printable ASCII and capped (mailfmt.h) and appears in the body only,
 * never in a header of the notice: a hostile subject cannot add a
 * header or a MIME part.  The text says what was found, what became of
 * the message (parts removed and the rest delivered, or held in the
 * quarantine), and for the recipient how to ask for a release.  A
 * gateway's notice (unscanned set: a message held because it could not
 * be shown to be scanned, classify(8)) says so instead of naming a
 * virus, and tells the administrator how to send it to the group
 * again; one held there as a loop (loop set too), how to deliver it
 * once the loop is mended. */
#ifndef MW_NOTICE_H
#define MW_NOTICE_H

#include <stddef.h>
#include "sa.h"

enum notice_kind { NOTICE_RCPT, NOTICE_ADMIN, NOTICE_SENDER };

#define NOTICE_MAXVALUE	400	/* bytes quoted of one value */
#define NOTICE_MAXRCPTS	50	/* recipients listed to the admin */

struct notice_info {
	const char		*qid;
	const char		*me;		/* this host: control/me */
	const char		*from;		/* the notices' address */
	const char		*admin;		/* who releases */
	const char		*sender;	/* envelope sender; "" for <> */
	const char		*hdrfrom;	/* From: field value, or NULL */
	size_t			 hdrfromlen;
	const char		*subject;	/* Subject: value, or NULL */
	size_t			 subjectlen;
	const char		*viruses;	/* names, or NULL */
	const char		*why;		/* the stage's reason, or NULL */
	const char		*scanned;	/* the stages, or NULL */
	const char		*found;		/* "STAGE:NAMES ..." or NULL */
	const char		*remote;	/* client address */
	const char		*helo;
	const char		*rcpts;		/* each followed by a NUL */
	size_t			 nrcpt;
	int			 held;		/* quarantined, else cleaned */
	int			 unscanned;	/* held by a gateway */
	int			 loop;		/* there, as a loop */
	unsigned long long	 arrived;	/* seconds since the epoch */
	unsigned long long	 now;
	const char		*msgid;		/* the notice's Message-ID
						 * local part */
};

int	notice_make(enum notice_kind, const struct notice_info *,
	    const char *, struct sa *);
const char *notice_kindname(enum notice_kind);	/* "recipient", ... */

#endif
