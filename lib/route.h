/* ISC license. */
/* route.h: control/routes, the next hop per recipient domain.
 *
 *   # DOMAIN     NEXTHOP              [OPTION]
 *   example.org  mx.example.net:2525
 *   .example.org [2001:db8::25]:25    tls=require
 *   lan.example  origin:25
 *   mail.example lmtp:/run/dovecot/lmtp
 *   box.example  lmtp:192.0.2.7:24
 *   *            smarthost.example.net
 *
 * DOMAIN is a name (exactly that domain), .suffix (every subdomain of
 * suffix, not suffix itself) or * (every other domain).  NEXTHOP is
 * host[:port], [address][:port], or origin[:port]: the address the
 * message came from (the envelope's remote).  The port defaults to 25;
 * a host is looked up for A/AAAA only, never for MX.  lmtp:host[:port]
 * and lmtp:[address][:port] speak LMTP (RFC 2033) over TCP, port 24 by
 * default; lmtp:/path over the unix socket at that absolute path (not
 * ROUTE_MAXSOCK bytes or more).  "lmtp:" and digits only is still the
 * host named lmtp and a port.  tls=require makes delivery wait for a
 * next hop that offers STARTTLS; it needs a TCP next hop.  An exact name
 * wins over a suffix, a longer suffix over a shorter one, and both over
 * *; a domain listed twice is an error. *
 * A list file (rs->list set, control/group) holds one NEXTHOP
 * [tls=require] a line instead, in the order to try them: each entry's
 * domain is "*", the same hop may not appear twice, origin is refused;
 * route_lookup() is not for lists. */
#ifndef MW_ROUTE_H
#define MW_ROUTE_H

#include <stddef.h>
#include <sys/un.h>
#include "sa.h"

#define ROUTE_MAX	10000	/* routes in one file */
#define ROUTE_MAXSOCK	sizeof(((struct sockaddr_un *)0)->sun_path)
#define ROUTE_LMTPPORT	24

struct route {
	char		 domain[256];	/* lowercase; ".suffix" or "*" */
	char		 host[256];	/* without brackets; or "" */
	char		 sock[ROUTE_MAXSOCK];	/* lmtp:/path, or "" */
	unsigned int	 port;		/* 1..65535; 0 with sock */
	int		 origin;
	int		 lmtp;
	int		 tlsreq;
};

struct routes {
	struct route	*r;
	size_t		 n;
	size_t		 a;
	int		 list;	/* set before parsing: a list of next hops */
};
#define ROUTES_ZERO	{ NULL, 0, 0, 0 }

/* Parse the text of a routes file; on error err reads "NAME line N:
 * reason" and -1 is returned (errno EINVAL, or ENOMEM). */
int	route_parse(struct routes *, const char *, const char *, size_t,
	    struct sa *);
/* Read and parse file fn: 1 read, 0 absent (no routes), -1 error. */
int	route_load(struct routes *, const char *, struct sa *);
/* The route for a domain (n bytes, any case), or NULL: use DNS. */
const struct route *route_lookup(const struct routes *, const char *,
	    size_t);
/* The route of the domain of an address local@domain (n bytes) when it
 * is the domain's own (a name or a .suffix), NULL for none or "*": a
 * gateway's internal servers, never the next hop for the world. */
const struct route *route_own(const struct routes *, const char *,
	    size_t);
void	route_free(struct routes *);

#endif
