/* ISC license. */
/* setupctl.h: the control files of a role's home, from the options of
 * mailward-setup(1) (setupopt.h).
 *
 * setupctl_write() makes control/ (mode 0755) in the home (the current
 * directory) and writes its files through mwhome_control(): a file an
 * option names is written, any other only if it is missing, with its
 * default (below) or a comment saying what it holds.  control/role,
 * me (--me, else the host name, which must then be a domain name),
 * listen, softlimit, concurrencysmtpd, subscribers; on a gateway
 * maildirs, group, scanners, scanpolicy; routes (a gateway's --internal
 * lines, then "* NEXTHOP" of --next-hop); tlscert and tlskey with their
 * files copied into control/tls/ (mode 0700, for mwrecv); on a scanner
 * softlimitscan, databases, stages, clamd-address, scanexec (the file's
 * contents).  The keys (--group-key, --chain-key) are the caller's.
 * 0, or -1 with the reason in h->err: EINVAL for a host name that is no
 * domain name without --me, else the system's errno. */
#ifndef MW_SETUPCTL_H
#define MW_SETUPCTL_H

#include "mwhome.h"
#include "setupopt.h"

#define SETUPCTL_LISTEN		"0.0.0.0:25"
#define SETUPCTL_SOFTLIMIT	512UL	/* MiB for smtpd and spool-run */
#define SETUPCTL_SOFTSCAN	8192UL	/* MiB for the scan stage: 2 engines */
#define SETUPCTL_MAXCONN	40UL
#define SETUPCTL_DATABASES	"/var/lib/clamav"
#define SETUPCTL_MAXFILE	(1UL << 20)	/* a file we copy in */

int	setupctl_write(struct mwhome *, const struct setupopt *);

#endif
