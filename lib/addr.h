/* ISC license. */
/* addr.h: RFC 5321 paths and mailboxes.
 *
 * addr_parse_path() parses "<...>" at the start of s: an optional source
 * route (dropped), a local part (dot-string or quoted-string) and a
 * domain (name or address literal).  The result is local@domain with the
 * domain lowercased, or empty for "<>".  Caps: local part 64, domain
 * 255, path 256 octets.  Control characters are refused; bytes >= 0x80
 * only when utf8 is set (SMTPUTF8). */
#ifndef MW_ADDR_H
#define MW_ADDR_H

#include <stddef.h>
#include "sa.h"

#define ADDR_MAXLOCAL	64
#define ADDR_MAXDOMAIN	255
#define ADDR_MAXPATH	256

enum addr_result {
	ADDR_OK = 0,
	ADDR_NOMEM,
	ADDR_SYNTAX,
	ADDR_TOOLONG,
	ADDR_NULL	/* "<>": valid only as a sender */
};

/* *used is the number of bytes of s taken, including the brackets. */
int	addr_parse_path(const char *, size_t, int, struct sa *, size_t *);
/* Parse a bare mailbox local@domain (a whole string, no brackets). */
int	addr_parse_mailbox(const char *, size_t, int, struct sa *);
/* Pointer to the domain of a parsed address (after the last '@'). */
const char *addr_domain(const char *, size_t, size_t *);
/* 1 if a and b are the same address (ASCII case-insensitive). */
int	addr_eq(const char *, size_t, const char *, size_t);
/* 1 if domain d (n bytes) is a syntactically valid domain name. */
int	addr_domainok(const char *, size_t);
const char *addr_strerror(int);

#endif
