/* ISC license. */
/* mimedec.h: body decoders for the MIME walker: base64, quoted-printable
 * and uuencode, tolerant the way mail clients are, each with a cap.
 *
 * Each decoder replaces what out held with the decoded bytes and
 * returns MIMEDEC_OK; MIMEDEC_TOOBIG when the output would pass max
 * bytes (out then holds the first max bytes: not the whole part, so
 * never "clean"); MIMEDEC_NOMEM with errno set.
 *   base64: bytes outside the alphabet (line ends, blanks, garbage) are
 *     skipped; '=' ends the current quantum and decoding goes on after
 *     it (concatenated encodings); a trailing quantum of 2 or 3
 *     characters yields 1 or 2 bytes without padding, one of 1 nothing.
 *   quoted-printable: =XX in either case; "=" then blanks then a line
 *     end (or the end) is a soft break; any other "=" stays as is;
 *     blanks before a line end are dropped (RFC 2045 rule 3); line ends
 *     are kept as they are (LF or CRLF).
 *   uuencode: one line at a time by its length character, characters
 *     missing at the end of a line (stripped blanks) count as zeros; a
 *     "begin" line is skipped, an "end" line ends the data, empty lines
 *     are skipped.
 * mimedec_part() decodes a part of a walk by its kind and encoding;
 * 7bit, 8bit, binary and unknown encodings are copied as they are.
 * Speed here: base64 ~2.5 GB/s and quoted-printable ~1 GB/s into an
 * output buffer already touched, base64 ~300 MB/s into a new one (page
 * faults: reuse out across parts); a walk plus the decoding of a 40 MB
 * attachment ~1 GB/s.  check_mimedec prints its measure.
 *
 * mimedec_uufind() finds the first uuencoded block whose begin line
 * ("begin" SP 1-4 octal digits SP name) starts a line in [off, end) of
 * s: 1 and *b filled, or 0. */
#ifndef MW_MIMEDEC_H
#define MW_MIMEDEC_H

#include <stddef.h>

#include "sa.h"

enum mimedec_outcome { MIMEDEC_OK, MIMEDEC_TOOBIG, MIMEDEC_NOMEM };

struct mimedec_uu {
	size_t	 begin;		/* the begin line */
	size_t	 name, nameend;	/* the file name in it */
	size_t	 data;		/* the first encoded line */
	size_t	 dataend;	/* the "end" line, or end */
	size_t	 end;		/* after "end", before its line end */
	int	 noend;		/* no "end" line: dataend == end */
};

struct mime_part;

int	mimedec_base64(const char *, size_t, struct sa *, size_t);
int	mimedec_qp(const char *, size_t, struct sa *, size_t);
int	mimedec_uu(const char *, size_t, struct sa *, size_t);
int	mimedec_part(const char *, const struct mime_part *, struct sa *,
	    size_t);
int	mimedec_uufind(const char *, size_t, size_t, struct mimedec_uu *);

#endif
