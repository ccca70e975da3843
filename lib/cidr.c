/* ISC license. */
/* cidr.c: IPv4 and IPv6 address blocks. */
#include "sysdeps.h"

#include <arpa/inet.h>
#include <string.h>

#include "cidr.h"
#include "control.h"

static const unsigned char cidr_v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

int
cidr_addr(const char *s, size_t n, int *family, unsigned char a[16])
{
	char	 buf[64];

	/* a NUL would end the text early for inet_pton(): "1.2.3.4\0junk" */
	if (n == 0 || n >= sizeof buf || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(a, 0, 16);
	if (memchr(buf, ':', n) != NULL) {
		if (inet_pton(AF_INET6, buf, a) != 1)
			return -1;
		if (memcmp(a, cidr_v4mapped, 12) == 0) {
			memmove(a, a + 12, 4);
			memset(a + 4, 0, 12);
			*family = 4;
		} else
			*family = 6;
		return 0;
	}
	if (inet_pton(AF_INET, buf, a) != 1)
		return -1;
	*family = 4;
	return 0;
}

int
cidr_parse(struct cidr *c, const char *s, size_t n)
{
	const char	*slash = memchr(s, '/', n);
	size_t		 an = slash != NULL ? (size_t)(slash - s) : n;
	unsigned long	 bits;
	unsigned int	 i;

	/* a mapped address stays v6 in a block so its prefix means what
	 * it says; plain v4 text is family 4 */
	if (cidr_addr(s, an, &c->family, c->addr) == -1)
		return -1;
	if (memchr(s, ':', an) != NULL && c->family == 4) {
		memmove(c->addr + 12, c->addr, 4);
		memcpy(c->addr, cidr_v4mapped, 12);
		c->family = 6;
	}
	if (slash == NULL)
		bits = c->family == 4 ? 32 : 128;
	else if (control_scanuint(slash + 1, n - an - 1, 0,
	    c->family == 4 ? 32 : 128, &bits) == -1)
		return -1;
	c->bits = (unsigned int)bits;
	for (i = c->bits; i < 128; i++)
		c->addr[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	return 0;
}

static int
cidr_prefixeq(const unsigned char *a, const unsigned char *b,
    unsigned int bits)
{
	unsigned int	 full = bits / 8, rest = bits % 8;
	unsigned char	 mask;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff00u >> rest);
	return (a[full] & mask) == (b[full] & mask);
}

int
cidr_match(const struct cidr *c, const char *ip, size_t n)
{
	unsigned char	 a[16];
	int		 fam;

	if (cidr_addr(ip, n, &fam, a) == -1)
		return -1;
	if (c->family == 6 && fam == 4 && c->bits >= 96 &&
	    memcmp(c->addr, cidr_v4mapped, 12) == 0)
		return cidr_prefixeq(a, c->addr + 12, c->bits - 96);
	if (fam != c->family)
		return 0;
	return cidr_prefixeq(a, c->addr, c->bits);
}

int
cidr_matchlist(const struct cidr *c, size_t n, const char *ip, size_t ipn)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (cidr_match(&c[i], ip, ipn) == 1)
			return 1;
	return 0;
}
