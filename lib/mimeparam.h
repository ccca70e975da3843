/* ISC license. */
/* mimeparam.h: structured header values after RFC 2045 (tokens,
 * comments, "; attribute=value" lists) and RFC 2231 (attribute*=
 * charset'language'%XX, continuations attribute*0, attribute*1*, ...).
 *
 * Values are bytes in [p, e) of s: a header field's value, folding
 * included (CR, LF and blanks are white space).  mimeparam_skip()
 * returns the first position after blanks, line ends and (nested
 * (comments)); mimeparam_token() the first after an RFC 2045 token
 * (8-bit bytes are tolerated in it).
 *
 * mimeparam_get() finds parameter name (ASCII case-insensitive) in the
 * list at or after p: junk is skipped up to the next ';'; an unquoted
 * value runs to ';' or a blank (so boundary=----=_Part_1 works); a
 * quoted one is unescaped and unfolded.  An extended value (name*=)
 * comes first, then continuations from name*0 up (up to 64, to the
 * first gap; leading zeros are not sections), then the plain value; of
 * each the first counts.  %XX is decoded in extended values, whose
 * charset'language' prefix is dropped; no charset is converted.
 * Returns 1 with the value in out (emptied first), 2 if it was longer
 * than max (out holds max bytes), 0 if absent, -1 with errno on no
 * memory.  Pure: no I/O. */
#ifndef MW_MIMEPARAM_H
#define MW_MIMEPARAM_H

#include <stddef.h>

#include "sa.h"

size_t	mimeparam_skip(const char *, size_t, size_t);
size_t	mimeparam_token(const char *, size_t, size_t);
int	mimeparam_get(const char *, size_t, size_t, const char *,
	    struct sa *, size_t);

#endif
