/* ISC license. */
/* mimedec.c: base64, quoted-printable and uuencode decoders with caps,
 * and the finder of uuencoded blocks (see mimedec.h). */
#include "sysdeps.h"

#include <stdint.h>
#include <string.h>

#include "mime.h"
#include "mimedec.h"
#include "sa.h"

#define BAD	0x80
#define PAD	0x81
#define X	BAD	/* for the table */
#define P	PAD

static const unsigned char b64[256] = {
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X, 62,  X,  X,  X, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61,  X,  X,  X,  P,  X,  X,
	 X,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,  X,  X,  X,  X,  X,
	 X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
};
#undef X
#undef P

/* the output window: bytes go to [o, oe), past oe is TOOBIG */
struct win {
	unsigned char	*o, *oe;
};

/* a store that fails past the cap; callers jump to their toobig label */
#define PUT(w, c) \
	do { \
		if ((w)->o == (w)->oe) \
			goto toobig; \
		*(w)->o++ = (unsigned char)(c); \
	} while (0)

static int	win_open(struct win *, struct sa *, size_t, size_t);
static int	win_close(struct win *, struct sa *, int);
static int	hexval(unsigned char);
static size_t	lineend(const char *, size_t, size_t);
static int	uu_line(const char *, size_t, struct win *);
static int	uu_isend(const char *, size_t, size_t);
static int	uu_begin(const char *, size_t, size_t, size_t,
		    struct mimedec_uu *);

/* out emptied, with room for min(bound, max) bytes */
static int
win_open(struct win *w, struct sa *out, size_t bound, size_t max)
{
	out->len = 0;
	if (bound > max)
		bound = max;
	if (sa_ready(out, bound) == -1)
		return -1;
	w->o = (unsigned char *)out->s;
	w->oe = w->o + bound;
	return 0;
}

static int
win_close(struct win *w, struct sa *out, int r)
{
	out->len = (size_t)(w->o - (unsigned char *)out->s);
	return r;
}

int
mimedec_base64(const char *in, size_t n, struct sa *out, size_t max)
{
	const unsigned char	*p = (const unsigned char *)in, *e = p + n;
	struct win		 w;
	uint32_t		 acc = 0, v;
	unsigned int		 q = 0, c;
	size_t			 k;

	if (win_open(&w, out, n / 4 * 3 + 2, max) == -1)
		return MIMEDEC_NOMEM;
	while (p < e) {
		/* fast path: whole quanta of alphabet characters */
		k = q != 0 ? 0 : (size_t)(e - p) / 4;
		if (k > (size_t)(w.oe - w.o) / 3)
			k = (size_t)(w.oe - w.o) / 3;
		for (; k > 0; k--, p += 4, w.o += 3) {
			v = (uint32_t)b64[p[0]] << 18 |
			    (uint32_t)b64[p[1]] << 12 |
			    (uint32_t)b64[p[2]] << 6 | b64[p[3]];
			if ((b64[p[0]] | b64[p[1]] | b64[p[2]] | b64[p[3]]) &
			    BAD)
				break;
			w.o[0] = (unsigned char)(v >> 16);
			w.o[1] = (unsigned char)(v >> 8);
			w.o[2] = (unsigned char)v;
		}
		if (p >= e)
			break;
		if ((c = b64[*p++]) < 64) {
			acc = acc << 6 | c;
			if (++q < 4)
				continue;
			PUT(&w, acc >> 16);
			PUT(&w, acc >> 8);
			PUT(&w, acc);
			q = 0;
		} else if (c == PAD) {
			if (q >= 2)
				PUT(&w, acc >> (q == 2 ? 4 : 10));
			if (q == 3)
				PUT(&w, acc >> 2);
			q = 0;
		}
	}
	if (q >= 2)
		PUT(&w, acc >> (q == 2 ? 4 : 10));
	if (q == 3)
		PUT(&w, acc >> 2);
	return win_close(&w, out, MIMEDEC_OK);
toobig:
	return win_close(&w, out, MIMEDEC_TOOBIG);
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
mimedec_qp(const char *in, size_t n, struct sa *out, size_t max)
{
	const unsigned char	*s = (const unsigned char *)in;
	struct win		 w;
	size_t			 p = 0, q;
	int			 hi, lo;

	if (win_open(&w, out, n, max) == -1)
		return MIMEDEC_NOMEM;
	while (p < n) {
		if (s[p] != '=' && s[p] != ' ' && s[p] != '\t') {
			PUT(&w, s[p++]);
			continue;
		}
		if (s[p] == '=') {
			if (n - p >= 3 && (hi = hexval(s[p + 1])) >= 0 &&
			    (lo = hexval(s[p + 2])) >= 0) {
				PUT(&w, hi << 4 | lo);
				p += 3;
				continue;
			}
			for (q = p + 1; q < n && (s[q] == ' ' || s[q] == '\t' ||
			    s[q] == '\r'); q++)
				;
			if (q == n || s[q] == '\n')	/* soft line break */
				p = q < n ? q + 1 : n;
			else
				PUT(&w, s[p++]);
			continue;
		}
		for (q = p; q < n && (s[q] == ' ' || s[q] == '\t'); q++)
			;
		if (q == n || s[q] == '\n' || (s[q] == '\r' &&
		    (q + 1 == n || s[q + 1] == '\n')))
			p = q;			/* trailing blanks */
		else
			while (p < q)
				PUT(&w, s[p++]);
	}
	return win_close(&w, out, MIMEDEC_OK);
toobig:
	return win_close(&w, out, MIMEDEC_TOOBIG);
}

static size_t
lineend(const char *s, size_t p, size_t e)
{
	const char	*q = memchr(s + p, '\n', e - p);

	return q == NULL ? e : (size_t)(q - s);
}

/* One encoded line (no line end): its length character, then groups
 * of four; missing characters are zeros.  0, or 1 past the cap. */
static int
uu_line(const char *l, size_t n, struct win *w)
{
	size_t		 want = (size_t)((l[0] - 32) & 63), i, k, j = 0;
	unsigned char	 c[4];

	for (i = 1; j < want; i += 4) {
		for (k = 0; k < 4; k++)
			c[k] = i + k >= n ? 0 :
			    (unsigned char)((l[i + k] - 32) & 63);
		PUT(w, c[0] << 2 | c[1] >> 4);
		if (++j < want)
			PUT(w, c[1] << 4 | c[2] >> 2);
		if (++j < want)
			PUT(w, c[2] << 6 | c[3]);
		j++;
	}
	return 0;
toobig:
	return 1;
}

/* the line [p, le) is "end", then blanks */
static int
uu_isend(const char *s, size_t p, size_t le)
{
	if (le - p < 3 || memcmp(s + p, "end", 3) != 0)
		return 0;
	for (p += 3; p < le; p++)
		if (s[p] != ' ' && s[p] != '\t' && s[p] != '\r')
			return 0;
	return 1;
}

int
mimedec_uu(const char *in, size_t n, struct sa *out, size_t max)
{
	struct win	 w;
	size_t		 p, le, e;

	/* a guess (encoded lines hold 3/4 of their length), grown below:
	 * a line of 2 characters may ask for 63 bytes */
	if (win_open(&w, out, n, max) == -1)
		return MIMEDEC_NOMEM;
	for (p = 0; p < n; p = le < n ? le + 1 : n) {
		le = lineend(in, p, n);
		for (e = le; e > p && in[e - 1] == '\r'; e--)
			;
		if (uu_isend(in, p, le))
			break;
		if (e == p || (e - p >= 6 && memcmp(in + p, "begin ", 6) == 0))
			continue;
		if ((size_t)(w.oe - w.o) < 63 && w.oe < (unsigned char *)
		    out->s + max) {
			/* grow: the bound was a guess */
			size_t	 used = (size_t)(w.o - (unsigned char *)out->s);
			size_t	 na = used + 64 + used / 2;

			if (na > max)
				na = max;
			if (sa_ready(out, na) == -1)
				return MIMEDEC_NOMEM;
			w.o = (unsigned char *)out->s + used;
			w.oe = (unsigned char *)out->s + na;
		}
		if (uu_line(in + p, e - p, &w))
			return win_close(&w, out, MIMEDEC_TOOBIG);
	}
	return win_close(&w, out, MIMEDEC_OK);
}

int
mimedec_part(const char *msg, const struct mime_part *pt, struct sa *out,
    size_t max)
{
	const char	*b = msg + pt->body_off;
	size_t		 n = pt->body_end - pt->body_off;

	if (pt->kind == MIME_UU || pt->cte == MIME_CTE_UU)
		return mimedec_uu(b, n, out, max);
	if (pt->cte == MIME_CTE_BASE64)
		return mimedec_base64(b, n, out, max);
	if (pt->cte == MIME_CTE_QP)
		return mimedec_qp(b, n, out, max);
	out->len = 0;
	if (sa_catb(out, b, n > max ? max : n) == -1)
		return MIMEDEC_NOMEM;
	return n > max ? MIMEDEC_TOOBIG : MIMEDEC_OK;
}

/* "begin" SP 1-4 octal digits SP name, in the line [p, le) */
static int
uu_begin(const char *s, size_t p, size_t le, size_t end,
    struct mimedec_uu *b)
{
	size_t	 q = p + 6, d = q, ne;

	if (le - p < 6 || memcmp(s + p, "begin ", 6) != 0)
		return 0;
	while (q < le && q - d < 5 && s[q] >= '0' && s[q] <= '7')
		q++;
	if (q == d || q - d > 4 || q >= le || s[q] != ' ')
		return 0;
	for (ne = le, q++; ne > q && (s[ne - 1] == '\r' || s[ne - 1] == ' ' ||
	    s[ne - 1] == '\t'); ne--)
		;
	if (ne == q)
		return 0;
	b->begin = p;
	b->name = q;
	b->nameend = ne;
	b->data = le < end ? le + 1 : end;
	return 1;
}

int
mimedec_uufind(const char *s, size_t off, size_t end, struct mimedec_uu *b)
{
	size_t	 p, le;

	for (p = off; p < end; p = le < end ? le + 1 : end) {
		le = lineend(s, p, end);
		if (s[p] == 'b' && uu_begin(s, p, le, end, b))
			break;
	}
	if (p >= end)
		return 0;
	for (p = b->data; p < end; p = le < end ? le + 1 : end) {
		le = lineend(s, p, end);
		if (s[p] == 'e' && uu_isend(s, p, le)) {
			b->dataend = p;
			for (b->end = le; s[b->end - 1] == '\r'; b->end--)
				;
			b->noend = 0;
			return 1;
		}
	}
	b->dataend = b->end = end;
	b->noend = 1;
	return 1;
}
