/* ISC license. */
/* mailfmt.h: pieces of the messages mailward writes itself (bounces,
 * notices): an RFC 5322 date, and text from elsewhere made safe to quote.
 *
 * mailfmt_date() appends "Fri, 27 Nov 2026 10:05:16 +0000" for t (UTC).
 * mailfmt_clean() appends at most max bytes of s (n bytes), each byte
 * outside printable ASCII replaced by '?': a value from a message or a
 * remote server can then go into a header or a text/plain us-ascii body
 * without ending a line or carrying an escape sequence.  All return 0,
 * or -1 with errno. */
#ifndef MW_MAILFMT_H
#define MW_MAILFMT_H

#include <stddef.h>
#include "sa.h"

int	mailfmt_date(struct sa *, unsigned long long);
int	mailfmt_clean(struct sa *, const char *, size_t, size_t);
/* the same for a C string; NULL appends nothing */
int	mailfmt_cleans(struct sa *, const char *, size_t);

#endif
