/* ISC license. */
/* mimetree.h: an oracle for mime_walk() results, shared by
 * check_mime.c, check_mimeclean.c and t/fuzz/fuzz_mime.c (static
 * functions: include it once per program).
 *
 * mimetree_check() rebuilds the message from the walk, independently
 * of lib/mime.c's code: the message is entry 0 over [0, len); each
 * entity's header section, blank line and body follow each other; a
 * multipart's body is exactly preamble, delimiter lines of its boundary
 * ("--B" blanks LF, the line end before each belonging to it, which
 * an empty part may lack), its
 * parts, and a close delimiter line and epilogue (or nothing, if
 * MIME_F_NOCLOSE); no part holds a line that is one of its parent's
 * delimiters; a message/rfc822 entity has one child, its body; a
 * leaf's children are uuencoded blocks in its body, "begin" line to
 * "end" line.  0, or -1 with the reason in why. */
#ifndef MW_MIMETREE_H
#define MW_MIMETREE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mime.h"

struct mimetree {
	const char		*s;
	size_t			 len;
	const struct mime	*m;
	char			*why;
	size_t			 whysz;
};

static int mimetree_fail(struct mimetree *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
mimetree_fail(struct mimetree *t, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(t->why, t->whysz, fmt, ap);
	va_end(ap);
	return -1;
}

/* the line [p, le): 1 delimiter, 2 close delimiter, 0 neither */
static int
mimetree_delim(const char *s, size_t p, size_t le, const char *b)
{
	size_t	 bn = strlen(b), q;
	int	 r = 1;

	if (le - p < bn + 2 || strncmp(s + p, "--", 2) != 0 ||
	    memcmp(s + p + 2, b, bn) != 0)
		return 0;
	q = p + 2 + bn;
	if (le - q >= 2 && s[q] == '-' && s[q + 1] == '-') {
		q += 2;
		r = 2;
	}
	for (; q < le; q++)
		if (s[q] != ' ' && s[q] != '\t' && s[q] != '\r')
			return 0;
	return r;
}

/* no line starting in [p, e) (p a line start) is a delimiter of b;
 * lines end at LF or at e */
static int
mimetree_nodelim(const struct mimetree *t, size_t p, size_t e,
    const char *b)
{
	const char	*q;
	size_t		 le;

	while (p <= e) {
		q = memchr(t->s + p, '\n', e - p);
		le = q == NULL ? e : (size_t)(q - t->s);
		if (mimetree_delim(t->s, p, le, b))
			return 0;
		if (q == NULL)
			break;
		p = le + 1;
	}
	return 1;
}

/* [p, e) is EOL, or nothing when empty */
static size_t
mimetree_eol(const char *s, size_t p, size_t e)
{
	if (p < e && s[p] == '\n')
		return 1;
	if (e - p >= 2 && s[p] == '\r' && s[p + 1] == '\n')
		return 2;
	return 0;
}

/* [p, e) is exactly one delimiter line of b, with its LF (none if
 * e is the body's end), of kind want */
static int
mimetree_isline(const char *s, size_t p, size_t e, size_t bodyend,
    const char *b, int want)
{
	size_t	 le = e;

	if (e > p && s[e - 1] == '\n')
		le = e - 1;
	else if (e != bodyend)
		return 0;
	if (memchr(s + p, '\n', le - p) != NULL)
		return 0;
	return mimetree_delim(s, p, le, b) == want;
}

/* the gap [p, e) before a part of a multipart */
static int
mimetree_gap(struct mimetree *t, const struct mime_part *mp, size_t p,
    size_t e, int first, int prevempty)
{
	const char	*s = t->s;
	size_t		 ls, le, n;

	if (first) {
		/* preamble, then the delimiter line: the last line */
		le = e > p && s[e - 1] == '\n' ? e - 1 : e;
		for (ls = le; ls > p && s[ls - 1] != '\n'; ls--)
			;
		if (!mimetree_isline(s, ls, e, mp->body_end, mp->boundary, 1))
			return mimetree_fail(t, "no delimiter line at %zu", ls);
		if (ls > p && !mimetree_nodelim(t, p, ls - 1, mp->boundary))
			return mimetree_fail(t, "delimiter in preamble");
		return 0;
	}
	/* an empty part may or may not have had a line end */
	n = mimetree_eol(s, p, e);
	if (!prevempty && n == 0)
		return mimetree_fail(t, "no line end before delimiter at %zu",
		    p);
	if (!mimetree_isline(s, p + n, e, mp->body_end, mp->boundary, 1))
		return mimetree_fail(t, "gap %zu-%zu is no delimiter line", p,
		    e);
	return 0;
}

static int
mimetree_multi(struct mimetree *t, size_t i)
{
	const struct mime	*m = t->m;
	const struct mime_part	*mp = &m->part[i], *c;
	const char		*s = t->s;
	size_t			 j, pos = mp->body_off, nchild = 0, n, le;
	int			 prevempty = 0;

	for (j = i + 1; j < m->n && m->part[j].depth > mp->depth; j++) {
		c = &m->part[j];
		if (c->parent != i)
			continue;
		if (c->part_off < pos)
			return mimetree_fail(t, "part %s overlaps", c->path);
		if (mimetree_gap(t, mp, pos, c->part_off, nchild == 0,
		    prevempty) == -1)
			return -1;
		if (!mimetree_nodelim(t, c->part_off, c->part_end,
		    mp->boundary))
			return mimetree_fail(t, "part %s holds a delimiter",
			    c->path);
		nchild++;
		pos = c->part_end;
		prevempty = c->part_end == c->part_off;
	}
	if (mp->flags & MIME_F_NOCLOSE)
		return pos == mp->body_end ? 0 :
		    mimetree_fail(t, "bytes after an unclosed multipart");
	if (nchild == 0) {
		/* preamble then the close line: find its start */
		for (j = pos; j < mp->body_end; j = le + 1) {
			const char *q = memchr(s + j, '\n', mp->body_end - j);

			le = q == NULL ? mp->body_end : (size_t)(q - s);
			if (mimetree_delim(s, j, le, mp->boundary) == 2)
				return 0;
			if (mimetree_delim(s, j, le, mp->boundary) || q == NULL)
				break;
		}
		return mimetree_fail(t, "%s: no part, no close", mp->path);
	}
	n = mimetree_eol(s, pos, mp->body_end);
	if (!prevempty && n == 0)
		return mimetree_fail(t, "no line end after the last part");
	pos += n;
	{
		const char *q = memchr(s + pos, '\n', mp->body_end - pos);

		le = q == NULL ? mp->body_end : (size_t)(q - s);
	}
	if (mimetree_delim(s, pos, le, mp->boundary) != 2)
		return mimetree_fail(t, "%s: no close delimiter at %zu",
		    mp->path, pos);
	return 0;
}

static int
mimetree_entity(struct mimetree *t, size_t i)
{
	const struct mime	*m = t->m;
	const struct mime_part	*p = &m->part[i], *pp;
	const char		*s = t->s;

	if (!(p->hdr_off == p->part_off && p->part_off <= p->hdr_end &&
	    p->hdr_end <= p->body_off && p->body_off <= p->body_end &&
	    p->body_end <= p->part_end && p->part_end <= t->len))
		return mimetree_fail(t, "%s: offsets out of order", p->path);
	if (i == 0)
		return p->parent == MIME_NONE && p->part_off == 0 &&
		    p->part_end == t->len && p->depth == 0 ? 0 :
		    mimetree_fail(t, "the message is not [0, len)");
	if (p->parent >= i)
		return mimetree_fail(t, "%s: parent after child", p->path);
	pp = &m->part[p->parent];
	if (p->depth != pp->depth + 1 || p->part_off < pp->body_off ||
	    p->part_end > pp->body_end)
		return mimetree_fail(t, "%s: outside its parent", p->path);
	if (p->kind == MIME_UU) {
		if (pp->kind != MIME_LEAF || strncmp(s + p->part_off,
		    "begin ", 6) != 0 || (p->part_off != pp->body_off &&
		    s[p->part_off - 1] != '\n'))
			return mimetree_fail(t, "%s: bad uu block", p->path);
		if (p->flags & MIME_F_NOEND)
			return p->body_end == p->part_end &&
			    p->part_end == pp->body_end ? 0 :
			    mimetree_fail(t, "%s: bad open uu block", p->path);
		return p->part_end - p->body_end >= 3 &&
		    strncmp(s + p->body_end, "end", 3) == 0 ? 0 :
		    mimetree_fail(t, "%s: no end line", p->path);
	}
	if (p->body_end != p->part_end)
		return mimetree_fail(t, "%s: body does not end the part",
		    p->path);
	if (pp->kind == MIME_MESSAGE && (p->part_off != pp->body_off ||
	    p->part_end != pp->body_end))
		return mimetree_fail(t, "%s: not its message's body", p->path);
	if (pp->kind != MIME_MULTI && pp->kind != MIME_MESSAGE)
		return mimetree_fail(t, "%s: child of a leaf", p->path);
	return 0;
}

static int
mimetree_check(const char *s, size_t len, const struct mime *m, char *why,
    size_t whysz)
{
	struct mimetree		 t = { s, len, m, why, whysz };
	const struct mime_part	*p;
	size_t			 i, sep;

	if (m->n == 0)
		return mimetree_fail(&t, "no entity");
	for (i = 0; i < m->n; i++) {
		p = &m->part[i];
		if (mimetree_entity(&t, i) == -1)
			return -1;
		if (p->kind == MIME_UU)
			continue;
		sep = p->body_off - p->hdr_end;
		if (sep != 0 && mimetree_eol(s, p->hdr_end, p->body_off) != sep)
			return mimetree_fail(&t, "%s: no blank line between "
			    "header and body", p->path);
		if (p->kind == MIME_MULTI && mimetree_multi(&t, i) == -1)
			return -1;
	}
	return 0;
}

#endif
