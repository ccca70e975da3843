/* ISC license. */
/* hostport.h: "host[:port]", as in control/routes and control/listen.
 *
 *   name[:port]        a domain name (addr_domainok)
 *   a.b.c.d[:port]     an IPv4 address
 *   [v6addr][:port]    an IPv6 address, in brackets
 *
 * hostport_parse() checks the whole string (n bytes) and splits it: host
 * gets the name or address without brackets, NUL-terminated; *port gets
 * 1..65535, or 0 if none was given.  Pure, no I/O. */
#ifndef MW_HOSTPORT_H
#define MW_HOSTPORT_H

#include <stddef.h>

#define HOSTPORT_MAXHOST	256

enum hostport_kind {
	HOSTPORT_BAD = -1,	/* syntax, range or length */
	HOSTPORT_NAME = 1,
	HOSTPORT_IPV4,
	HOSTPORT_IPV6
};

int	hostport_parse(const char *, size_t, char *, size_t, unsigned int *);

#endif
