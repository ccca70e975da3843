/* ISC license. */
/* hdr.h: walk the header section of an RFC 5322 message in a buffer.
 *
 *	struct hdr	 h;
 *	struct hdr_field f;
 *
 *	hdr_init(&h, msg, len);
 *	while ((r = hdr_next(&h, &f)) == HDR_FIELD)
 *		use f.name/f.namelen, f.value/f.valuelen, f.off/f.len;
 *	then h.body is where the body begins (see below).
 *
 * Lines end in LF or CRLF (spool files hold LF).  A field is a name of
 * printable ASCII other than ':' (SP or HTAB may stand between the name
 * and the ':', RFC 5322's obsolete syntax), its value, and every
 * following line that starts with SP or HTAB (folding).  The value is
 * raw: from after the ':' to before the line end of the field's last
 * line, folding kept.  f.off and f.len span the whole field with every
 * line end.  Nothing is copied: the spans point into the buffer.
 *
 * Outcomes other than HDR_FIELD are sticky, and set h.body:
 *   HDR_END      an empty line ended the section (h.blank = 1; h.body
 *                is after it) or the buffer did (h.body = len: no body)
 *   HDR_SYNTAX   a line that is neither a field nor a continuation (no
 *                ':' after a name, a bad name byte, a continuation with
 *                no field); h.body is that line: the usual reading takes
 *                it as the first body line
 *   HDR_TOOLONG  a line starting with more than h.maxname name bytes, a
 *                field over h.maxfield, or the section over h.maxblock
 *                bytes; h.body is the field
 *   HDR_TOOMANY  more than h.maxcount fields; h.body is the next one
 * hdr_init() sets the caps to the defaults below; a caller may change
 * them before the first hdr_next().  Pure: no I/O, no allocation. */
#ifndef MW_HDR_H
#define MW_HDR_H

#include <stddef.h>

#define HDR_MAXNAME	1024UL		/* name bytes */
#define HDR_MAXFIELD	(64UL << 10)	/* one field, folding included */
#define HDR_MAXCOUNT	5000UL		/* fields in the section */
#define HDR_MAXBLOCK	(1UL << 20)	/* the section with its empty line */

enum hdr_result {
	HDR_END = 0,
	HDR_FIELD,
	HDR_SYNTAX,
	HDR_TOOLONG,
	HDR_TOOMANY
};

struct hdr {
	const char	*buf;
	size_t		 len;
	size_t		 pos;		/* start of the next line */
	size_t		 body;		/* set by an outcome other than FIELD */
	size_t		 count;		/* fields returned so far */
	int		 done;		/* 0, or the sticky outcome + 1 */
	int		 blank;		/* an empty line ended the section */
	size_t		 maxname, maxfield, maxcount, maxblock;
};

struct hdr_field {
	const char	*name;
	size_t		 namelen;
	const char	*value;
	size_t		 valuelen;
	size_t		 off;		/* the field in the buffer */
	size_t		 len;
};

void	hdr_init(struct hdr *, const char *, size_t);
int	hdr_next(struct hdr *, struct hdr_field *);	/* hdr_result */
/* 1 if the field's name is s, compared ASCII case-insensitively */
int	hdr_nameis(const struct hdr_field *, const char *);
const char *hdr_strerror(int);

#endif
