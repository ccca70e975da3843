/* ISC license. */
/* mime.c: the MIME walker (see mime.h), with its own reading of header
 * sections (RFC 5322 fields) and parameters (RFC 2045, RFC 2231). */
#include "sysdeps.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "mimedec.h"
#include "mimeparam.h"
#include "sa.h"

#define MAXCTYPE	255
#define BLKSZ		4096

struct mime_blk {
	struct mime_blk	*next;
	size_t		 len, a;
	char		 s[];
};

struct walk {
	struct mime	*m;
	const char	*s;
	unsigned int	 maxdepth;
	size_t		 maxparts;
	int		 bad;		/* MALFORMED seen */
	struct sa	 tmp;		/* a parameter value */
	struct sa	 path;
};

struct field {		/* name [n, ne), value [v, ve) */
	size_t	 n, ne, v, ve;
};

static const char *arena_dup(struct mime *, const char *, size_t, int);
static size_t	lineend(const char *, size_t, size_t);
static int	field_next(const char *, size_t *, size_t, struct field *);
static int	field_is(const char *, const struct field *, const char *);
static int	param_set(struct walk *, size_t, size_t, const char *,
		    const char **, int);
static int	ctype_set(struct walk *, size_t, const struct field *);
static int	cte_set(struct walk *, size_t, const struct field *);
static int	hdr_parse(struct walk *, size_t, int, int);
static int	part_add(struct walk *, size_t, size_t, size_t, size_t, int,
		    size_t *);
static int	delim(const char *, size_t, size_t, const char *, size_t);
static int	walk_multi(struct walk *, size_t);
static int	walk_leaf(struct walk *, size_t);
static int	walk_entity(struct walk *, size_t, size_t, size_t, size_t,
		    int);

/* --- strings: an arena freed with the walk --- */

/* A NUL-terminated copy of s[0..n), lowercased if lower and with NUL
 * bytes as '_', that stays where it is; NULL with ENOMEM. */
static const char *
arena_dup(struct mime *m, const char *s, size_t n, int lower)
{
	struct mime_blk	*b = m->blk;
	char		*p;
	size_t		 i, a;

	if (b == NULL || b->a - b->len < n + 1) {
		a = n + 1 > BLKSZ ? n + 1 : BLKSZ;
		if ((b = malloc(sizeof *b + a)) == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		b->next = m->blk;
		b->len = 0;
		b->a = a;
		m->blk = b;
	}
	p = b->s + b->len;
	for (i = 0; i < n; i++)
		p[i] = s[i] == '\0' ? '_' : lower ? sa_lower(s[i]) : s[i];
	p[n] = '\0';
	b->len += n + 1;
	return p;
}

/* --- header fields --- */

static size_t
lineend(const char *s, size_t p, size_t e)
{
	const char	*q = memchr(s + p, '\n', e - p);

	return q == NULL ? e : (size_t)(q - s);
}

/* The field at *pp: 1 with f filled and *pp after it, or 0 at the end
 * of the header fields (*pp on the blank or non-field line; a
 * continuation line with no field before it is not a field either, as
 * in lib/hdr.c). */
static int
field_next(const char *s, size_t *pp, size_t e, struct field *f)
{
	size_t	 p = *pp, q = p, le;

	if (p >= e)
		return 0;
	while (q < e && (unsigned char)s[q] > 32 && (unsigned char)s[q] < 127 &&
	    s[q] != ':')
		q++;
	f->n = p;
	f->ne = q;
	while (q < e && (s[q] == ' ' || s[q] == '\t'))
		q++;
	if (f->ne == p || q >= e || s[q] != ':')
		return 0;
	f->v = q + 1;
	le = lineend(s, p, e);
	while (le + 1 < e && (s[le + 1] == ' ' || s[le + 1] == '\t'))
		le = lineend(s, le + 1, e);
	f->ve = le;
	*pp = le < e ? le + 1 : e;
	return 1;
}

static int
field_is(const char *s, const struct field *f, const char *name)
{
	size_t	 n = strlen(name);

	return f->ne - f->n == n && sa_caseeqb(s + f->n, name, n);
}

/* *dst = the parameter, cut to MIME_MAXPARAM, if it is there */
static int
param_set(struct walk *w, size_t p, size_t e, const char *name,
    const char **dst, int lower)
{
	const char	*v;
	int		 r;

	if ((r = mimeparam_get(w->s, p, e, name, &w->tmp, MIME_MAXPARAM)) <=
	    0)
		return r;
	if ((v = arena_dup(w->m, w->tmp.s, w->tmp.len, lower)) == NULL)
		return -1;
	*dst = v;
	return 1;
}

/* --- the header section of an entity --- */

/* Content-Type: type/subtype (or text/plain), charset, name, and for a
 * multipart the boundary, which decides between MULTI and LEAF. */
static int
ctype_set(struct walk *w, size_t idx, const struct field *f)
{
	struct mime_part	*pt = &w->m->part[idx];
	const char		*s = w->s;
	size_t			 t, te, st, ste, p;
	int			 multi, r;

	t = mimeparam_skip(s, f->v, f->ve);
	te = mimeparam_token(s, t, f->ve);
	p = mimeparam_skip(s, te, f->ve);
	st = ste = p;
	if (t < te && p < f->ve && s[p] == '/') {
		st = mimeparam_skip(s, p + 1, f->ve);
		p = ste = mimeparam_token(s, st, f->ve);
	}
	if (st == ste) {
		pt->flags |= MIME_F_BADCTYPE;
		pt->ctype = "text/plain";
		multi = 0;
	} else {
		w->tmp.len = 0;
		if (sa_catb(&w->tmp, s + t, te - t) == -1 ||
		    sa_catc(&w->tmp, '/') == -1 ||
		    sa_catb(&w->tmp, s + st, ste - st) == -1 ||
		    (pt->ctype = arena_dup(w->m, w->tmp.s, w->tmp.len >
		    MAXCTYPE ? MAXCTYPE : w->tmp.len, 1)) == NULL)
			return MIME_NOMEM;
		multi = strncmp(pt->ctype, "multipart/", 10) == 0;
	}
	if (param_set(w, p, f->ve, "charset", &pt->charset, 1) == -1 ||
	    param_set(w, p, f->ve, "name", &pt->filename, 0) == -1)
		return MIME_NOMEM;
	if (!multi)
		return MIME_OK;
	if ((r = mimeparam_get(s, p, f->ve, "boundary", &w->tmp,
	    MIME_MAXBOUNDARY)) == -1)
		return MIME_NOMEM;
	if (r != 1 || w->tmp.len == 0 ||
	    memchr(w->tmp.s, '\0', w->tmp.len) != NULL) {
		pt->flags |= MIME_F_NOBOUNDARY;
		w->bad = 1;
		return MIME_OK;
	}
	if ((pt->boundary = arena_dup(w->m, w->tmp.s, w->tmp.len, 0)) ==
	    NULL)
		return MIME_NOMEM;
	pt->kind = MIME_MULTI;
	return MIME_OK;
}

static const struct {
	const char	*name;
	unsigned int	 cte;
} ctes[] = {
	{ "7bit", MIME_CTE_7BIT },		{ "8bit", MIME_CTE_8BIT },
	{ "binary", MIME_CTE_BINARY },		{ "base64", MIME_CTE_BASE64 },
	{ "quoted-printable", MIME_CTE_QP },	{ "x-uuencode", MIME_CTE_UU },
	{ "x-uue", MIME_CTE_UU },		{ "uuencode", MIME_CTE_UU },
};

static int
cte_set(struct walk *w, size_t idx, const struct field *f)
{
	struct mime_part	*pt = &w->m->part[idx];
	size_t			 t, te, i;

	t = mimeparam_skip(w->s, f->v, f->ve);
	te = mimeparam_token(w->s, t, f->ve);
	if (te - t > MAXCTYPE)
		te = t + MAXCTYPE;
	if ((pt->ctename = arena_dup(w->m, w->s + t, te - t, 1)) == NULL)
		return MIME_NOMEM;
	pt->cte = MIME_CTE_OTHER;
	for (i = 0; i < sizeof ctes / sizeof ctes[0]; i++)
		if (strcmp(pt->ctename, ctes[i].name) == 0)
			pt->cte = ctes[i].cte;
	return MIME_OK;
}

/* The header section at part_off: offsets, type, encoding, names. */
static int
hdr_parse(struct walk *w, size_t idx, int ismsg, int digest)
{
	struct mime_part	*pt = &w->m->part[idx];
	const char		*s = w->s;
	size_t			 p = pt->part_off, e = pt->part_end, le;
	struct field		 f, ct = { 0, 0, 0, 0 }, cte = ct, cd = ct;
	int			 hct = 0, hcte = 0, hcd = 0;

	if (ismsg && e - p >= 5 && memcmp(s + p, "From ", 5) == 0) {
		p = (le = lineend(s, p, e)) < e ? le + 1 : e;
		pt->flags |= MIME_F_FROMLINE;
	}
	while (field_next(s, &p, e, &f))
		if (!hct && field_is(s, &f, "content-type"))
			ct = f, hct = 1;
		else if (!hcte && field_is(s, &f, "content-transfer-encoding"))
			cte = f, hcte = 1;
		else if (!hcd && field_is(s, &f, "content-disposition"))
			cd = f, hcd = 1;
	pt->hdr_end = p;
	le = lineend(s, p, e);
	if (le < e && (le == p || (le == p + 1 && s[p] == '\r')))
		pt->body_off = le + 1;	/* the blank line: LF or CRLF */
	else {
		pt->body_off = p;
		if (p < e)
			pt->flags |= MIME_F_NOSEP;
	}
	if (digest)
		pt->ctype = "message/rfc822";
	if ((hct && ctype_set(w, idx, &ct) != MIME_OK) ||
	    (hcte && cte_set(w, idx, &cte) != MIME_OK) ||
	    (hcd && param_set(w, cd.v, cd.ve, "filename", &pt->filename,
	    0) == -1))
		return MIME_NOMEM;
	if (strcmp(pt->ctype, "message/rfc822") == 0 ||
	    strcmp(pt->ctype, "message/global") == 0) {
		if (pt->cte == MIME_CTE_BASE64 || pt->cte == MIME_CTE_QP ||
		    pt->cte == MIME_CTE_UU)
			pt->flags |= MIME_F_ENCMSG;
		else
			pt->kind = MIME_MESSAGE;
	}
	return MIME_OK;
}

/* --- the walk --- */

/* A new entry for [off, end), k-th below parent: TOODEEP, TOOMANY,
 * NOMEM or OK with *idx set. */
static int
part_add(struct walk *w, size_t parent, size_t k, size_t off, size_t end,
    int uu, size_t *idx)
{
	struct mime		*m = w->m;
	struct mime_part	*pt;
	unsigned int		 depth;
	size_t			 na;

	depth = parent == MIME_NONE ? 0 : m->part[parent].depth + 1;
	if (depth > w->maxdepth && !uu)
		return MIME_TOODEEP;
	if (m->n >= w->maxparts)
		return MIME_TOOMANY;
	if (m->n == m->a) {
		na = m->a < 16 ? 16 : m->a * 2;
		if (na > SIZE_MAX / sizeof *pt ||
		    (pt = realloc(m->part, na * sizeof *pt)) == NULL)
			return MIME_NOMEM;
		m->part = pt;
		m->a = na;
	}
	w->path.len = 0;
	if (parent != MIME_NONE && (sa_cats(&w->path, m->part[parent].path)
	    == -1 || (w->path.len > 0 && sa_catc(&w->path, '.') == -1) ||
	    sa_catu(&w->path, k) == -1))
		return MIME_NOMEM;
	pt = &m->part[m->n];
	memset(pt, 0, sizeof *pt);
	if ((pt->path = arena_dup(m, w->path.s, w->path.len, 0)) == NULL)
		return MIME_NOMEM;
	pt->parent = parent;
	pt->depth = depth;
	pt->kind = MIME_LEAF;
	pt->cte = MIME_CTE_7BIT;
	pt->part_off = pt->hdr_off = pt->hdr_end = pt->body_off = off;
	pt->part_end = pt->body_end = end;
	pt->ctype = "text/plain";
	pt->boundary = pt->charset = pt->filename = pt->ctename = "";
	*idx = m->n++;
	return MIME_OK;
}

/* The line [p, le) as a delimiter of boundary b: 1, 2 (close) or 0.
 * Strict: "--" b ["--"], then only blanks (and the CR of a CRLF). */
static int
delim(const char *s, size_t p, size_t le, const char *b, size_t bn)
{
	int	 r = 1;

	if (le - p < bn + 2 || s[p] != '-' || s[p + 1] != '-' ||
	    memcmp(s + p + 2, b, bn) != 0)
		return 0;
	p += bn + 2;
	if (le - p >= 2 && s[p] == '-' && s[p + 1] == '-') {
		r = 2;
		p += 2;
	}
	while (p < le && (s[p] == ' ' || s[p] == '\t' || s[p] == '\r'))
		p++;
	return p == le ? r : 0;
}

/* Split a multipart's body at its delimiter lines and walk each part;
 * with no delimiter line at all it is a leaf (MALFORMED). */
static int
walk_multi(struct walk *w, size_t idx)
{
	const struct mime_part	*pt = &w->m->part[idx];
	const char		*s = w->s, *b = pt->boundary;
	size_t			 bn = strlen(b), p, e = pt->body_end, le, pe;
	size_t			 ps = MIME_NONE, k = 0;
	int			 d, r;

	for (p = pt->body_off; p < e; p = le < e ? le + 1 : e) {
		le = lineend(s, p, e);
		if (s[p] != '-' || (d = delim(s, p, le, b, bn)) == 0)
			continue;
		if (ps != MIME_NONE) {
			pe = p > ps ? p - 1 : p;	/* the LF before */
			if (pe > ps && s[pe - 1] == '\r')
				pe--;
			if ((r = walk_entity(w, idx, ++k, ps, pe, 0)) !=
			    MIME_OK)
				return r;
		}
		if (d == 2)
			return MIME_OK;
		ps = le < e ? le + 1 : e;
	}
	if (ps != MIME_NONE) {
		w->m->part[idx].flags |= MIME_F_NOCLOSE;
		return walk_entity(w, idx, ++k, ps, e, 0);
	}
	w->m->part[idx].flags |= MIME_F_NODELIM;
	w->m->part[idx].kind = MIME_LEAF;
	w->bad = 1;
	return walk_leaf(w, idx);
}

/* An unencoded leaf: its uuencoded blocks, as MIME_UU children. */
static int
walk_leaf(struct walk *w, size_t idx)
{
	struct mime_part	*pt = &w->m->part[idx];
	struct mimedec_uu	 b;
	size_t			 p = pt->body_off, e = pt->body_end, k = 0, c;
	int			 r;

	if (pt->cte == MIME_CTE_BASE64 || pt->cte == MIME_CTE_QP ||
	    pt->cte == MIME_CTE_UU)
		return MIME_OK;
	for (; mimedec_uufind(w->s, p, e, &b); p = b.end) {
		if ((r = part_add(w, idx, ++k, b.begin, b.end, 1, &c)) !=
		    MIME_OK)
			return r;
		pt = &w->m->part[c];
		pt->kind = MIME_UU;
		pt->cte = MIME_CTE_UU;
		pt->ctype = "application/octet-stream";
		pt->hdr_end = lineend(w->s, b.begin, e);
		pt->body_off = b.data;
		pt->body_end = b.dataend;
		if (b.noend)
			pt->flags |= MIME_F_NOEND;
		if ((pt->filename = arena_dup(w->m, w->s + b.name,
		    b.nameend - b.name > MIME_MAXPARAM ? MIME_MAXPARAM :
		    b.nameend - b.name, 0)) == NULL)
			return MIME_NOMEM;
	}
	return MIME_OK;
}

/* The entity [off, end), k-th below parent, and all below it. */
static int
walk_entity(struct walk *w, size_t parent, size_t k, size_t off, size_t end,
    int ismsg)
{
	size_t	 idx;
	int	 r, digest;

	digest = parent != MIME_NONE &&
	    strcmp(w->m->part[parent].ctype, "multipart/digest") == 0;
	if ((r = part_add(w, parent, k, off, end, 0, &idx)) != MIME_OK ||
	    (r = hdr_parse(w, idx, ismsg, digest)) != MIME_OK)
		return r;
	switch (w->m->part[idx].kind) {
	case MIME_MULTI:
		return walk_multi(w, idx);
	case MIME_MESSAGE:
		return walk_entity(w, idx, 1, w->m->part[idx].body_off,
		    w->m->part[idx].body_end, 1);
	default:
		return walk_leaf(w, idx);
	}
}

int
mime_walk(struct mime *m, const char *msg, size_t len, unsigned int maxdepth,
    size_t maxparts)
{
	struct walk	 w;
	size_t		 i;
	int		 r, e;

	mime_free(m);
	memset(&w, 0, sizeof w);
	w.m = m;
	w.s = msg;
	w.maxdepth = maxdepth > MIME_HARDDEPTH ? MIME_HARDDEPTH : maxdepth;
	w.maxparts = maxparts < 1 ? 1 : maxparts;
	r = walk_entity(&w, MIME_NONE, 0, 0, len, 1);
	if (r == MIME_OK && w.bad)
		r = MIME_MALFORMED;
	for (i = 0; i < m->n; i++)
		m->flags |= m->part[i].flags;
	m->outcome = r;
	e = errno;
	sa_free(&w.tmp);
	sa_free(&w.path);
	errno = e;
	return r;
}

void
mime_free(struct mime *m)
{
	struct mime_blk	*b, *next;

	for (b = m->blk; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(m->part);
	m->part = NULL;
	m->blk = NULL;
	m->n = m->a = 0;
	m->outcome = MIME_OK;
	m->flags = 0;
}

int
mime_isleaf(const struct mime_part *pt)
{
	return pt->kind == MIME_LEAF || pt->kind == MIME_UU;
}

const char *
mime_outcomename(int r)
{
	static const char *const names[] = {
		"ok", "toodeep", "toomany", "malformed", "nomem"
	};

	return r >= 0 && (size_t)r < sizeof names / sizeof names[0] ?
	    names[r] : "unknown";
}
