/* ISC license. */
/* dns.c: MX and address lookups for delivery; see dns.h. */
#include "sysdeps.h"

#include <sys/random.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "sa.h"

#ifdef EAI_NODATA
#define DNS_EAI_NODATA	EAI_NODATA
#else
#define DNS_EAI_NODATA	(-5)	/* glibc: the name has no address */
#endif

const char *
dns_strerror(int r)
{
	switch (r) {
	case DNS_OK:
		return "ok";
	case DNS_TEMP:
		return "temporary DNS failure";
	case DNS_NXDOMAIN:
		return "domain not found";
	case DNS_NULLMX:
		return "domain accepts no mail (null MX)";
	case DNS_NOHOST:
		return "no address for the mail hosts";
	default:
		return "unknown DNS error";
	}
}

static int
dns_why(struct sa *why, int r, const char *name)
{
	why->len = 0;
	(void)sa_catf(why, "%s: %s", name, dns_strerror(r));
	return r;
}

int
dns_parsemx(const unsigned char *ans, size_t len, struct dns_mx *mx,
    size_t max, size_t *n, int *nullmx)
{
	ns_msg		 m;
	ns_rr		 rr;
	int		 i, count;

	*n = 0;
	*nullmx = 0;
	if (len > 65535 || ns_initparse(ans, (int)len, &m) == -1)
		return DNS_TEMP;
	count = ns_msg_count(m, ns_s_an);
	for (i = 0; i < count; i++) {
		if (ns_parserr(&m, ns_s_an, i, &rr) == -1)
			return DNS_TEMP;
		if (ns_rr_type(rr) != ns_t_mx || ns_rr_class(rr) != ns_c_in)
			continue;	/* a CNAME on the way */
		if (ns_rr_rdlen(rr) < 3)
			return DNS_TEMP;
		if (*n == max)
			continue;
		mx[*n].pref = ns_get16(ns_rr_rdata(rr));
		if (dn_expand(ns_msg_base(m), ns_msg_end(m),
		    ns_rr_rdata(rr) + 2, mx[*n].host, sizeof mx[*n].host) < 0)
			return DNS_TEMP;
		if (mx[*n].host[0] == '\0') {
			*nullmx = 1;
			continue;
		}
		(*n)++;
	}
	return DNS_OK;
}

void
dns_sortmx(struct dns_mx *mx, size_t n)
{
	struct dns_mx	 t;
	size_t		 i, j;

	for (i = 1; i < n; i++) {
		t = mx[i];
		for (j = i; j > 0 && (mx[j - 1].pref > t.pref ||
		    (mx[j - 1].pref == t.pref && mx[j - 1].key > t.key)); j--)
			mx[j] = mx[j - 1];
		mx[j] = t;
	}
}

int
dns_mx(const char *domain, struct dns_mx *mx, size_t max, size_t *n,
    struct sa *why)
{
	struct dns_mx	*all;
	unsigned char	*ans;
	size_t		 i, got;
	int		 len, r, nullmx;

	*n = 0;
	ans = malloc(65536);
	all = calloc(DNS_MAXRR, sizeof *all);
	if (ans == NULL || all == NULL) {
		free(ans);
		free(all);
		return dns_why(why, DNS_TEMP, domain);
	}
	len = res_query(domain, ns_c_in, ns_t_mx, ans, 65536);
	if (len < 0)
		r = h_errno == HOST_NOT_FOUND ? DNS_NXDOMAIN :
		    h_errno == NO_DATA ? DNS_OK : DNS_TEMP;
	else {
		r = dns_parsemx(ans, len > 65536 ? 65536 : (size_t)len, all,
		    DNS_MAXRR, &got, &nullmx);
		if (r == DNS_OK && nullmx && got == 0)
			r = DNS_NULLMX;
		if (r == DNS_OK) {
			for (i = 0; i < got; i++)
				if (getrandom(&all[i].key, sizeof all[i].key,
				    0) != sizeof all[i].key)
					all[i].key = (uint32_t)i;
			dns_sortmx(all, got);
			*n = got < max ? got : max;
			memcpy(mx, all, *n * sizeof *mx);
		}
	}
	free(ans);
	free(all);
	return r == DNS_OK ? DNS_OK : dns_why(why, r, domain);
}

static int
dns_sameaddr(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return 0;
	if (b->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)(const void *)a)->
		    sin_addr, &((const struct sockaddr_in *)(const void *)b)->
		    sin_addr, sizeof(struct in_addr)) == 0;
	return memcmp(&((const struct sockaddr_in6 *)(const void *)a)->
	    sin6_addr, &((const struct sockaddr_in6 *)(const void *)b)->
	    sin6_addr, sizeof(struct in6_addr)) == 0;
}

static int
dns_add(struct dns_addrs *l, const struct addrinfo *ai, const char *host,
    unsigned int port)
{
	struct dns_addr	*a;
	size_t		 i, n;

	if (ai->ai_addrlen > sizeof l->a[0].ss ||
	    (ai->ai_family != AF_INET && ai->ai_family != AF_INET6))
		return 0;
	for (i = 0; i < l->n; i++)	/* one host under two names */
		if (l->a[i].port == port &&
		    dns_sameaddr(&l->a[i].ss, ai->ai_addr))
			return 0;
	if (l->n == DNS_MAXADDR)
		return 0;
	a = &l->a[l->n++];
	memset(a, 0, sizeof *a);
	memcpy(&a->ss, ai->ai_addr, ai->ai_addrlen);
	a->sslen = ai->ai_addrlen;
	a->port = port;
	if (ai->ai_family == AF_INET) {
		((struct sockaddr_in *)(void *)&a->ss)->sin_port =
		    htons((uint16_t)port);
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)&a->ss)->
		    sin_addr, a->ip, sizeof a->ip);
	} else {
		((struct sockaddr_in6 *)(void *)&a->ss)->sin6_port =
		    htons((uint16_t)port);
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)&a->ss)->
		    sin6_addr, a->ip, sizeof a->ip);
	}
	n = strlen(host);
	memcpy(a->host, host, n < sizeof a->host ? n : sizeof a->host - 1);
	return 1;
}

static int
dns_gai(const char *host, const char *name, int flags, unsigned int port,
    struct dns_addrs *l, struct sa *why)
{
	struct addrinfo	 hints, *res, *ai;
	int		 r;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = flags;
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r == EAI_NONAME || r == DNS_EAI_NODATA)
		return dns_why(why, DNS_NOHOST, name);
	if (r != 0) {
		why->len = 0;
		(void)sa_catf(why, "%s: %s", name, r == EAI_SYSTEM ?
		    strerror(errno) : gai_strerror(r));
		return DNS_TEMP;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		(void)dns_add(l, ai, name, port);
	freeaddrinfo(res);
	return DNS_OK;
}

int
dns_host(const char *host, unsigned int port, struct dns_addrs *l,
    struct sa *why)
{
	return dns_gai(host, host, 0, port, l, why);
}

/* [192.0.2.1] or [IPv6:2001:db8::1] */
static int
dns_literal(const char *d, unsigned int port, struct dns_addrs *l,
    struct sa *why)
{
	char	 ip[256];
	size_t	 n = strlen(d);

	if (n < 3 || d[n - 1] != ']' || n - 2 >= sizeof ip)
		return dns_why(why, DNS_NOHOST, d);
	d++;
	n -= 2;
	if (n > 5 && sa_caseeqb(d, "IPv6:", 5)) {
		d += 5;
		n -= 5;
	}
	memcpy(ip, d, n);
	ip[n] = '\0';
	return dns_gai(ip, ip, AI_NUMERICHOST, port, l, why);
}

int
dns_resolve(const char *domain, unsigned int port, struct dns_addrs *l,
    struct sa *why)
{
	struct dns_mx	*mx;
	size_t		 n, i;
	int		 r, temp = 0;

	if (domain[0] == '[')
		return dns_literal(domain, port, l, why);
	if ((mx = calloc(DNS_MAXMX, sizeof *mx)) == NULL)
		return dns_why(why, DNS_TEMP, domain);
	r = dns_mx(domain, mx, DNS_MAXMX, &n, why);
	if (r == DNS_OK && n == 0)		/* implicit MX */
		r = dns_host(domain, port, l, why);
	else if (r == DNS_OK) {
		for (i = 0; i < n; i++)
			temp |= dns_host(mx[i].host, port, l, why) == DNS_TEMP;
		if (l->n == 0)
			r = temp ? DNS_TEMP : dns_why(why, DNS_NOHOST, domain);
	}
	free(mx);
	return r;
}
