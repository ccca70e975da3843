/* ISC license. */
/* hdr.c: walk the header section of an RFC 5322 message; see hdr.h. */
#include "sysdeps.h"

#include <string.h>

#include "hdr.h"
#include "sa.h"

static int	hdr_stop(struct hdr *, int, size_t);
static int	hdr_name(const struct hdr *, struct hdr_field *, size_t *);
static int	hdr_extent(const struct hdr *, size_t, size_t *, size_t *);

void
hdr_init(struct hdr *h, const char *buf, size_t len)
{
	memset(h, 0, sizeof *h);
	h->buf = buf;
	h->len = len;
	h->maxname = HDR_MAXNAME;
	h->maxfield = HDR_MAXFIELD;
	h->maxcount = HDR_MAXCOUNT;
	h->maxblock = HDR_MAXBLOCK;
}

static int
hdr_stop(struct hdr *h, int r, size_t body)
{
	h->done = r + 1;
	h->body = body;
	return r;
}

/* The name at h->pos, then optional WSP and the ':'; *colon is after it. */
static int
hdr_name(const struct hdr *h, struct hdr_field *f, size_t *colon)
{
	size_t	 i;

	for (i = h->pos; i < h->len; i++) {
		unsigned char	 c = (unsigned char)h->buf[i];

		if (c == ':' || c == ' ' || c == '\t')
			break;
		if (c < 33 || c > 126)
			return HDR_SYNTAX;
		if (i - h->pos >= h->maxname)
			return HDR_TOOLONG;
	}
	if (i == h->pos)
		return HDR_SYNTAX;	/* no name, or folding with no field */
	f->name = h->buf + h->pos;
	f->namelen = i - h->pos;
	while (i < h->len && (h->buf[i] == ' ' || h->buf[i] == '\t'))
		i++;
	if (i == h->len || h->buf[i] != ':')
		return HDR_SYNTAX;
	*colon = i + 1;
	return HDR_FIELD;
}

/* The field's end (after its last line end) and its value's end,
 * within the field and section caps. */
static int
hdr_extent(const struct hdr *h, size_t from, size_t *end, size_t *vend)
{
	const char	*lf;
	size_t		 lim = h->len, p = from;

	if (lim - h->pos > h->maxfield)
		lim = h->pos + h->maxfield;
	if (lim > h->maxblock)
		lim = h->maxblock > p ? h->maxblock : p;
	for (;;) {
		lf = memchr(h->buf + p, '\n', lim - p);
		if (lf == NULL) {
			if (lim < h->len)
				return HDR_TOOLONG;
			*end = *vend = h->len;	/* the last line, unended */
			return HDR_FIELD;
		}
		p = (size_t)(lf - h->buf) + 1;
		if (p < h->len && (h->buf[p] == ' ' || h->buf[p] == '\t'))
			continue;
		*end = p;
		*vend = p - 1;
		if (*vend > from && h->buf[*vend - 1] == '\r')
			(*vend)--;
		return HDR_FIELD;
	}
}

int
hdr_next(struct hdr *h, struct hdr_field *f)
{
	const char	*b = h->buf;
	size_t		 colon, end, vend;
	int		 r;

	if (h->done)
		return h->done - 1;
	if (h->pos >= h->len)
		return hdr_stop(h, HDR_END, h->len);
	end = b[h->pos] == '\n' ? h->pos + 1 : b[h->pos] == '\r' &&
	    h->pos + 1 < h->len && b[h->pos + 1] == '\n' ? h->pos + 2 : 0;
	if (end != 0) {
		if (end > h->maxblock)
			return hdr_stop(h, HDR_TOOLONG, h->pos);
		h->blank = 1;
		return hdr_stop(h, HDR_END, end);
	}
	if ((r = hdr_name(h, f, &colon)) != HDR_FIELD)
		return hdr_stop(h, r, h->pos);
	if (h->count >= h->maxcount)
		return hdr_stop(h, HDR_TOOMANY, h->pos);
	if ((r = hdr_extent(h, colon, &end, &vend)) != HDR_FIELD)
		return hdr_stop(h, r, h->pos);
	if (end > h->maxblock)
		return hdr_stop(h, HDR_TOOLONG, h->pos);
	f->value = b + colon;
	f->valuelen = vend - colon;
	f->off = h->pos;
	f->len = end - h->pos;
	h->pos = end;
	h->count++;
	return HDR_FIELD;
}

int
hdr_nameis(const struct hdr_field *f, const char *s)
{
	size_t	 n = strlen(s);

	return n == f->namelen && sa_caseeqb(f->name, s, n);
}

const char *
hdr_strerror(int r)
{
	switch (r) {
	case HDR_END:
		return "end of the header section";
	case HDR_FIELD:
		return "header field";
	case HDR_SYNTAX:
		return "a header line without a field name and colon";
	case HDR_TOOLONG:
		return "header name, field or section too long";
	case HDR_TOOMANY:
		return "too many header fields";
	}
	return "unknown header outcome";
}
