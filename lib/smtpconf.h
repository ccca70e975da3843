/* ISC license. */
/* smtpconf.h: smtp-recv's settings, read from its control files.
 *
 * smtpconf_read() reads DIR/NAME for each setting (smtp-recv passes
 * "control"), strictly, as control.h does.  An absent file gives the
 * default; a malformed one is an error naming the file and the line.
 * The numbers and their bounds are smtpconf_limits[], which FILES in
 * smtp-recv(8) mirrors.  The others:
 *   me           default "localhost"; must be a domain name
 *   barelf       "normalize" (default) or "reject"
 *   subscribers  addresses and @domains (subscr.h); absent is empty
 *   tlscert, tlskey   paths; both or neither
 * smtpconf_remote() vets the client address tcpserver puts in
 * TCPREMOTEIP.  Nothing here prints, exits or makes the TLS context. */
#ifndef MW_SMTPCONF_H
#define MW_SMTPCONF_H

#include <stddef.h>
#include "sa.h"

struct smtpconf {
	unsigned long	 databytes;	/* message size cap, bytes */
	unsigned long	 maxrcpt;	/* recipients per message */
	unsigned long	 linelimit;	/* command line cap, bytes */
	unsigned long	 timeout;	/* per read and write, seconds */
	unsigned long	 maxerrors;	/* bad commands per session */
	unsigned long	 greetdelay;	/* early-talker wait, ms */
	int		 barelf;	/* 1: refuse bare LF and CR */
	struct sa	 me;		/* NUL-terminated */
	struct sa	 subs;		/* entries, each NUL-terminated */
	struct sa	 tlscert;	/* NUL-terminated; empty: no TLS */
	struct sa	 tlskey;	/* NUL-terminated; empty: no TLS */
};
#define SMTPCONF_ZERO { 0, 0, 0, 0, 0, 0, 0, SA_ZERO, SA_ZERO, SA_ZERO, \
			SA_ZERO }

struct smtpconf_limit {
	const char	*name;		/* file under the control directory */
	unsigned long	 min, max, dflt;
	size_t		 off;		/* of its unsigned long in smtpconf */
};
#define SMTPCONF_NLIMITS	6
extern const struct smtpconf_limit smtpconf_limits[SMTPCONF_NLIMITS];

/* 0, or -1 with the reason in err ("DIR/NAME line N: why"); when memory
 * runs out err may be empty (errno ENOMEM). */
int	smtpconf_read(struct smtpconf *, const char *, struct sa *);
void	smtpconf_free(struct smtpconf *);
/* ip if it looks like an IP address, "unknown" if not, NULL for NULL. */
const char *smtpconf_remote(const char *);

#endif
