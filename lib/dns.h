/* ISC license. */
/* dns.h: where to deliver mail for a domain (RFC 5321 section 5).
 *
 * dns_resolve() looks up the domain's MX records (res_query), sorts them
 * by preference with equal preferences in random order, and resolves
 * each host's A/AAAA records (getaddrinfo) into one list of addresses to
 * try in order.  A domain without MX records is its own mail host
 * (implicit MX); a null MX (RFC 7505, "MX 0 .") means the domain takes
 * no mail.  An address literal ([192.0.2.1], [IPv6:2001:db8::1]) is used
 * as it is.  dns_host() resolves one host name (routes; no MX lookup).
 * Lists are capped at DNS_MAXMX hosts and DNS_MAXADDR addresses. */
#ifndef MW_DNS_H
#define MW_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "sa.h"

#define DNS_MAXMX	16
#define DNS_MAXADDR	32
#define DNS_MAXRR	64	/* MX records looked at in one answer */

enum dns_result {
	DNS_OK = 0,
	DNS_TEMP,	/* SERVFAIL, timeout, no resolver: try later */
	DNS_NXDOMAIN,	/* the domain does not exist */
	DNS_NULLMX,	/* the domain says it takes no mail */
	DNS_NOHOST	/* no address for any of its mail hosts */
};

struct dns_mx {
	unsigned int	 pref;
	uint32_t	 key;		/* random order among equals */
	char		 host[256];
};

struct dns_addr {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 host[256];	/* the name it is for */
	char			 ip[INET6_ADDRSTRLEN];
	unsigned int		 port;
};

struct dns_addrs {
	struct dns_addr		 a[DNS_MAXADDR];
	size_t			 n;
};

/* MX records of an answer to a query for MX, unsorted; a record with
 * the root as target sets *nullmx.  DNS_OK or DNS_TEMP (malformed). */
int	dns_parsemx(const unsigned char *, size_t, struct dns_mx *, size_t,
	    size_t *, int *);
/* Sort by preference, then by key. */
void	dns_sortmx(struct dns_mx *, size_t);
int	dns_mx(const char *, struct dns_mx *, size_t, size_t *, struct sa *);
/* Append the addresses of a host name or address to the list. */
int	dns_host(const char *, unsigned int, struct dns_addrs *, struct sa *);
int	dns_resolve(const char *, unsigned int, struct dns_addrs *,
	    struct sa *);
const char *dns_strerror(int);

#endif
