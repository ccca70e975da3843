/* ISC license. */
/* mimeclean.h: rebuild a message with some leaves replaced by notices.
 *
 * mimeclean_build() writes into out (emptied first) the message msg
 * (the bytes mime_walk() was given) with each listed leaf replaced:
 *   a MIME part (headers and body, [part_off, part_end)) by a part
 *     "Content-Type: text/plain; charset=us-ascii",
 *     "Content-Transfer-Encoding: 7bit", "Content-Disposition: inline",
 *     whose body names, for each removed leaf in it, the part's path
 *     and type, the file name, the decoded size, the virus and the
 *     reason, then the queue id;
 *   a uuencoded block ("begin" line to "end" line) inside a text body
 *     by one line per removed leaf: "[mailward removed the uuencoded
 *     file NAME (SIZE bytes): REASON VIRUS; queue id QID]".
 * Every other byte is kept as it is, boundaries and nesting included.
 * The notice's line ends are those of the line end that follows the
 * replaced bytes (the next delimiter's), else those of the message's
 * first line (LF or CRLF).  Names are cut to 200 bytes and anything outside
 * printable ASCII becomes '?': no notice line can start with "--".
 *
 * The message inside a message/rfc822 part is a leaf when it is not a
 * multipart; removing it replaces the whole message/rfc822 part (its
 * enclosing part, further up while those are message/rfc822 too),
 * which leaves a valid multipart.  When that climb reaches the message
 * itself -- the leaf is the single body of the message, or of a
 * top-level message/rfc822 -- or an index is 0 (the message itself:
 * say so for a finding in the top-level headers or in no part),
 * nothing can be cut: MIMECLEAN_TOPLEVEL (quarantine).
 * Leaves inside a part that is removed too share its notice.
 *
 * Outcomes: MIMECLEAN_OK; MIMECLEAN_TOPLEVEL; MIMECLEAN_BADWALK (the
 * walk's outcome was not MIME_OK: never clean a structure that clients
 * may read otherwise); MIMECLEAN_BADPART (an index out of range or not
 * a leaf); MIMECLEAN_NOMEM (errno set).  On any outcome but OK, out
 * holds nothing useful. */
#ifndef MW_MIMECLEAN_H
#define MW_MIMECLEAN_H

#include <stddef.h>

#include "mime.h"
#include "sa.h"

enum mimeclean_outcome {
	MIMECLEAN_OK, MIMECLEAN_TOPLEVEL, MIMECLEAN_BADWALK,
	MIMECLEAN_BADPART, MIMECLEAN_NOMEM
};

struct mimeclean_item {
	size_t			 part;	 /* a leaf's index in the walk */
	const char		*virus;	 /* what was found; "" for none */
	const char		*reason; /* "infected", "unscannable" ... */
	unsigned long long	 size;	 /* its decoded size */
};

#define MIMECLEAN_MAXNAME	200

int	mimeclean_build(const char *, size_t, const struct mime *,
	    const struct mimeclean_item *, size_t, const char *, struct sa *);
/* The entry a leaf's notice replaces; MIME_NONE if that would be the
 * message itself or part is no leaf. */
size_t	mimeclean_target(const struct mime *, size_t);

#endif
