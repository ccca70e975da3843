/* ISC license. */
/* hostport.c: split and check "host[:port]". */
#include "sysdeps.h"

#include <arpa/inet.h>
#include <string.h>

#include "addr.h"
#include "control.h"
#include "hostport.h"

static int
hostport_port(const char *s, size_t n, unsigned int *port)
{
	unsigned long	 p;

	if (control_scanuint(s, n, 1, 65535, &p) == -1)
		return -1;
	*port = (unsigned int)p;
	return 0;
}

int
hostport_parse(const char *s, size_t n, char *host, size_t hostsz,
    unsigned int *port)
{
	unsigned char	 bin[16];
	const char	*h = s, *end;
	size_t		 hn;
	int		 v6 = n > 0 && s[0] == '[';

	*port = 0;
	if (v6) {
		if ((end = memchr(s, ']', n)) == NULL)
			return HOSTPORT_BAD;
		h = s + 1;
		hn = (size_t)(end - h);
		end++;
	} else {
		end = memchr(s, ':', n);
		hn = end != NULL ? (size_t)(end - s) : n;
		end = s + hn;
	}
	if (end < s + n && (*end != ':' ||
	    hostport_port(end + 1, (size_t)(s + n - end - 1), port) == -1))
		return HOSTPORT_BAD;
	if (hn == 0 || hn >= hostsz || hn >= HOSTPORT_MAXHOST ||
	    memchr(h, '\0', hn) != NULL)
		return HOSTPORT_BAD;
	memcpy(host, h, hn);
	host[hn] = '\0';
	if (v6)
		return inet_pton(AF_INET6, host, bin) == 1 ? HOSTPORT_IPV6 :
		    HOSTPORT_BAD;
	if (inet_pton(AF_INET, host, bin) == 1)
		return HOSTPORT_IPV4;
	/* all digits and dots but no address: a typo, not a name */
	if (strspn(host, "0123456789.") == hn)
		return HOSTPORT_BAD;
	return addr_domainok(host, hn) ? HOSTPORT_NAME : HOSTPORT_BAD;
}
