/* ISC license. */
/* subscr.h: the subscribers list (control/subscribers).
 *
 * The list is what control_readlist() returns: entries, each followed by
 * a NUL.  An entry is a mailbox local@domain or "@domain" for a whole
 * domain; both match ASCII case-insensitively.  An empty list matches
 * nothing: with no subscribers no recipient is accepted. */
#ifndef MW_SUBSCR_H
#define MW_SUBSCR_H

#include <stddef.h>
#include "sa.h"

/* 0 if every entry is valid, else -1 with *bad the first bad entry. */
int	subscr_check(const struct sa *, const char **);
/* 1 if the address (n bytes, as addr_parse_path gives it) is listed. */
int	subscr_match(const struct sa *, const char *, size_t);

#endif
