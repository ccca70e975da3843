/* ISC license. */
/* cidr.h: IPv4 and IPv6 address blocks.
 *
 * "192.0.2.0/24", "2001:db8::/32", or a plain address (/32, /128).  An
 * IPv4-mapped IPv6 address (::ffff:192.0.2.7) matches IPv4 blocks. */
#ifndef MW_CIDR_H
#define MW_CIDR_H

#include <stddef.h>

struct cidr {
	int		family;		/* 4 or 6 */
	unsigned char	addr[16];
	unsigned int	bits;
};

/* 0 ok, -1 malformed (host bits set beyond the prefix are cleared). */
int	cidr_parse(struct cidr *, const char *, size_t);
/* Parse an address (no prefix) into family/bytes: 0 ok, -1 malformed. */
int	cidr_addr(const char *, size_t, int *, unsigned char [16]);
/* 1 if the address text ip matches the block, 0 if not, -1 malformed ip */
int	cidr_match(const struct cidr *, const char *, size_t);
/* 1 if ip matches any of n blocks. */
int	cidr_matchlist(const struct cidr *, size_t, const char *, size_t);

#endif
