/* ISC license. */
/* mime.h: the MIME walker: every entity of a message, as a flat list.
 *
 * mime_walk() reads a message (bytes with a length: LF line ends as in
 * the spool, CRLF tolerated) and lists its entities in pre-order: the
 * message itself (index 0, path ""), each body part of a multipart
 * (paths "1", "1.2", ...), the message inside a message/rfc822 part
 * (path P.1 below the part P) and each uuencoded block ("begin MODE
 * NAME" ... "end") inside an unencoded leaf (kind MIME_UU, path P.k
 * below the leaf P).  A pure function over the buffer: offsets index
 * the caller's bytes; only the strings below are copied.
 *
 * Offsets per RFC 2046: a part runs from after its delimiter line to
 * before the next delimiter line's line end (the CRLF or LF before a
 * delimiter belongs to the delimiter).  hdr_off == part_off; the header
 * fields end at hdr_end (the blank line, if any, lies between hdr_end
 * and body_off); body_end == part_end.  A subtree is contiguous in the
 * list.  Leaves: kinds MIME_LEAF and MIME_UU; a MIME_UU block's header
 * is its begin line, its body the encoded lines, its part ends with
 * the "end" line (without its line end).
 *
 * Outcomes.  TOODEEP (an entity deeper than maxdepth: multipart and
 * message/rfc822 nesting both count; uuencoded blocks do not), TOOMANY
 * (more than maxparts entities, uuencoded blocks included) and NOMEM
 * stop the walk; the list then holds what was found so far.  MALFORMED
 * does not stop it: the list is complete, but real clients may read the
 * structure differently, so it must not be cleaned.  The cases:
 *   multipart without a boundary, or an empty one, or one longer than
 *     MIME_MAXBOUNDARY, or one holding a NUL: a leaf, MIME_F_NOBOUNDARY,
 *     MALFORMED;
 *   multipart whose body has no delimiter line: a leaf, MIME_F_NODELIM,
 *     MALFORMED (also the inner one of two nested multiparts that share
 *     a boundary: the outer one takes every delimiter line);
 *   no close delimiter: the last part runs to the end of the body,
 *     MIME_F_NOCLOSE, OK (as clients do);
 *   no blank line (LF or CRLF) after the header fields: the header
 *     section ends at the first line that is not a field (a
 *     continuation line with no field before it is none either),
 *     MIME_F_NOSEP, OK;
 *   an mbox "From " line before a message's header fields: part of the
 *     header section, MIME_F_FROMLINE, OK;
 *   a Content-Type without type/subtype: text/plain, MIME_F_BADCTYPE, OK;
 *   message/rfc822 with a base64 or quoted-printable encoding: a leaf,
 *     MIME_F_ENCMSG, OK;
 *   a uuencoded block without its "end" line: runs to the end of the
 *     leaf's body, MIME_F_NOEND, OK;
 *   consecutive delimiter lines: an empty part (part_off == part_end),
 *     OK.
 * Delimiter lines match strictly: "--" boundary ["--"] then only blanks.
 * Of repeated fields the first counts.  No Content-Type: text/plain, or
 * message/rfc822 inside multipart/digest.  Parameters follow RFC 2045
 * and RFC 2231 (continuations, charset'lang'%XX; no charset conversion).
 * A NUL in a charset or file name becomes '_'. */
#ifndef MW_MIME_H
#define MW_MIME_H

#include <stddef.h>

#define MIME_NONE	((size_t)-1)
#define MIME_MAXDEPTH	20	/* defaults for the control files */
#define MIME_MAXPARTS	1000
#define MIME_HARDDEPTH	200	/* maxdepth is clamped to this */
#define MIME_MAXBOUNDARY 256
#define MIME_MAXPARAM	1024	/* longer values are cut */

enum mime_outcome {
	MIME_OK, MIME_TOODEEP, MIME_TOOMANY, MIME_MALFORMED, MIME_NOMEM
};
enum mime_kind { MIME_LEAF, MIME_MULTI, MIME_MESSAGE, MIME_UU };
enum mime_cte {
	MIME_CTE_7BIT, MIME_CTE_8BIT, MIME_CTE_BINARY, MIME_CTE_QP,
	MIME_CTE_BASE64, MIME_CTE_UU, MIME_CTE_OTHER
};

#define MIME_F_NOBOUNDARY	0x01
#define MIME_F_NODELIM		0x02
#define MIME_F_NOCLOSE		0x04
#define MIME_F_NOSEP		0x08
#define MIME_F_FROMLINE		0x10
#define MIME_F_BADCTYPE		0x20
#define MIME_F_ENCMSG		0x40
#define MIME_F_NOEND		0x80

struct mime_part {
	size_t		 parent;	/* MIME_NONE for the message */
	unsigned int	 depth;		/* 0 for the message */
	unsigned int	 kind;		/* enum mime_kind */
	unsigned int	 cte;		/* enum mime_cte */
	unsigned int	 flags;		/* MIME_F_* */
	size_t		 part_off, part_end;
	size_t		 hdr_off, hdr_end;
	size_t		 body_off, body_end;
	const char	*path;		/* "" for the message */
	const char	*ctype;		/* lowercased "type/subtype" */
	const char	*boundary;	/* "" if none */
	const char	*charset;	/* lowercased, "" if none */
	const char	*filename;	/* disposition filename, else name */
	const char	*ctename;	/* lowercased, "" if absent */
};

struct mime_blk;
struct mime {
	struct mime_part	*part;
	size_t			 n;
	int			 outcome;	/* of the last walk */
	unsigned int		 flags;		/* every part's, or'ed */
	size_t			 a;		/* private */
	struct mime_blk		*blk;		/* private: the strings */
};
#define MIME_ZERO	{ NULL, 0, MIME_OK, 0, 0, NULL }

/* Walk the len bytes at msg into m (emptied first); returns the
 * outcome, also kept in m->outcome.  maxdepth is clamped to
 * MIME_HARDDEPTH, maxparts raised to 1. */
int	mime_walk(struct mime *, const char *, size_t, unsigned int, size_t);
void	mime_free(struct mime *);
int	mime_isleaf(const struct mime_part *);
const char *mime_outcomename(int);	/* "ok", "toodeep", ... */

#endif
