/* ISC license. */
/* rolesvc.h: the s6 services of mailward-setup(1)'s two roles, and the
 * command each runs.
 *
 * rolesvc[] lists every role's services in the order they are written:
 * PROG [ARGS] from libexec, then FILTER (spool-run's program) if set, as
 * USER when setup runs as root.  A tcp service runs PROG under
 * tcpserver on control/listen instead.
 *
 * The scanner: smtpd -> incoming -> queue/scan; its scan stages (from
 * control/stages, written by setup itself: queue/scan -> ... ->
 * queue/stamp, what one cannot clean to queue/notify); stamp, which
 * sends what stamp-status refuses (exit 100: nothing it may sign) to the
 * quarantine and the rest to queue/notify, whose notify tells the
 * recipients and the administrator of what was found, passes messages
 * to queue/outbound and holds the quarantined ones (exit 21) in
 * queue/quarantine, its notices going to queue/scan to be scanned and
 * stamped like any message; relay.
 *
 * The gateway: smtpd -> incoming, whose classify sends what is not
 * scanned yet to queue/togroup (togroup: relay -g to control/group),
 * scanned mail to queue/local, whose deliver-maildir stores it in
 * control/maildirs or passes it to relay for the internal servers of
 * control/routes, and what it holds (exit 21) to queue/notify, whose
 * notify -g tells the recipients and the administrator (notices
 * straight to queue/local, or to relay for an address that is not
 * local) and moves it to the quarantine; relay.
 *
 * rolesvc_cmd() writes a service's command for its run script, its
 * lines continued with a backslash: 0, or -1 (ENOMEM). */
#ifndef MW_ROLESVC_H
#define MW_ROLESVC_H

#include <stddef.h>
#include "sa.h"

enum rolesvc_limit {		/* s6-softlimit: */
	ROLESVC_NOLIMIT,	/* none */
	ROLESVC_LIMIT,		/* control/softlimit */
	ROLESVC_SCANLIMIT	/* control/softlimitscan */
};

struct rolesvc {
	const char		*name;
	int			 roles;	/* MWHOME_SCANNER | MWHOME_GATEWAY */
	enum rolesvc_limit	 limit;
	int			 tcp;
	const char		*user;	/* as root */
	const char		*prog;
	const char		*args;
	const char		*filter;
};

struct rolesvc_ctx {
	const char	*libexec;	/* absolute: the programs */
	const char	*me;		/* tcpserver -l ("0" if not a word) */
	const char	*ip;		/* control/listen */
	unsigned int	 port;
	unsigned long	 maxconn;	/* tcpserver -c */
	int		 asroot;	/* s6-envuidgid, tcpserver -U */
};

extern const struct rolesvc	rolesvc[];
extern const size_t		rolesvc_n;

int	rolesvc_cmd(struct sa *, const struct rolesvc *,
	    const struct rolesvc_ctx *);

#endif
