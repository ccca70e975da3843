/* ISC license. */
/* mimeparam.c: RFC 2045 structured values and RFC 2231 parameters
 * (see mimeparam.h). */
#include "sysdeps.h"

#include <string.h>

#include "mimeparam.h"
#include "sa.h"

#define MAXSECT		64	/* RFC 2231 sections read */

struct param {		/* attribute [a, ae), value [v, ve) */
	size_t	 a, ae, v, ve;
	int	 quoted;
};

static size_t	quoted_end(const char *, size_t, size_t);
static int	param_next(const char *, size_t *, size_t, struct param *);
static int	hexval(char);
static int	value_cat(const char *, const struct param *, int, int,
		    struct sa *, size_t);
static long	sectno(const char *, size_t, size_t, int *);

/* blanks, line ends and (nested (comments)) */
size_t
mimeparam_skip(const char *s, size_t p, size_t e)
{
	size_t	 depth = 0;

	for (; p < e; p++) {
		if (depth > 0) {
			if (s[p] == '\\')
				p++;
			else if (s[p] == '(')
				depth++;
			else if (s[p] == ')')
				depth--;
		} else if (s[p] == '(')
			depth = 1;
		else if (s[p] != ' ' && s[p] != '\t' && s[p] != '\r' &&
		    s[p] != '\n')
			break;
	}
	return p > e ? e : p;
}

/* RFC 2045 token characters, 8-bit bytes tolerated */
size_t
mimeparam_token(const char *s, size_t p, size_t e)
{
	unsigned char	 c;

	for (; p < e; p++) {
		c = (unsigned char)s[p];
		if (c <= 32 || c == 127 || strchr("()<>@,;:\\\"/[]?=", c))
			break;
	}
	return p;
}

/* p is after an opening quote: the closing quote, or e */
static size_t
quoted_end(const char *s, size_t p, size_t e)
{
	for (; p < e && s[p] != '"'; p++)
		if (s[p] == '\\' && p + 1 < e)
			p++;
	return p;
}

/* The next "; attribute = value" at or after *pp: 1 with pa filled, or
 * 0.  Junk is skipped up to the next ';'; unquoted values run to ';'
 * or a blank (so that boundary=----=_Part_1 works). */
static int
param_next(const char *s, size_t *pp, size_t e, struct param *pa)
{
	size_t	 p = *pp;

	for (;;) {
		p = mimeparam_skip(s, p, e);
		if (p >= e)
			return 0;
		if (s[p] != ';') {
			while (p < e && s[p] != ';')
				p = s[p] == '"' ? quoted_end(s, p + 1, e) + 1 :
				    p + 1;
			continue;
		}
		pa->a = p = mimeparam_skip(s, p + 1, e);
		pa->ae = p = mimeparam_token(s, p, e);
		p = mimeparam_skip(s, p, e);
		if (pa->a == pa->ae || p >= e || s[p] != '=')
			continue;
		p = mimeparam_skip(s, p + 1, e);
		if ((pa->quoted = p < e && s[p] == '"')) {
			pa->v = p + 1;
			pa->ve = quoted_end(s, p + 1, e);
			p = pa->ve < e ? pa->ve + 1 : e;
		} else {
			for (pa->v = p; p < e && s[p] != ';' && s[p] != ' ' &&
			    s[p] != '\t' && s[p] != '\r' && s[p] != '\n'; p++)
				;
			pa->ve = p;
		}
		*pp = p > e ? e : p;
		return 1;
	}
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append a value to out: unquoted, %XX-decoded if ext, without its
 * charset'language' prefix if prefix; at most max + 1 bytes in all
 * (one more than kept, so that the caller can tell it was cut). */
static int
value_cat(const char *s, const struct param *pa, int ext, int prefix,
    struct sa *out, size_t max)
{
	const char	*q;
	size_t		 p = pa->v, e = pa->ve;
	int		 hi, lo;
	char		 c;

	if (prefix && (q = memchr(s + p, '\'', e - p)) != NULL &&
	    (q = memchr(q + 1, '\'', (size_t)(s + e - q - 1))) != NULL)
		p = (size_t)(q - s) + 1;
	while (p < e && out->len <= max) {
		c = s[p++];
		if (pa->quoted && c == '\\' && p < e)
			c = s[p++];
		else if (pa->quoted && (c == '\r' || c == '\n'))
			continue;
		else if (ext && c == '%' && e - p >= 2 &&
		    (hi = hexval(s[p])) >= 0 && (lo = hexval(s[p + 1])) >= 0) {
			c = (char)(hi << 4 | lo);
			p += 2;
		}
		if (sa_catc(out, c) == -1)
			return -1;
	}
	return 1;
}

/* "name*K" or "name*K*" after name: K, with *ext; -1 if not that */
static long
sectno(const char *s, size_t p, size_t e, int *ext)
{
	long	 k = 0;

	if (p >= e || s[p] != '*' || ++p >= e)
		return -1;
	if (s[p] == '0' && p + 1 < e && s[p + 1] != '*')
		return -1;		/* no leading zeros */
	for (; p < e && s[p] >= '0' && s[p] <= '9' && k < MAXSECT; p++)
		k = k * 10 + (s[p] - '0');
	*ext = p < e && s[p] == '*';
	if (p + (size_t)*ext != e || k >= MAXSECT)
		return -1;
	return k;
}

int
mimeparam_get(const char *s, size_t p, size_t e, const char *name,
    struct sa *out, size_t max)
{
	struct param	 pa, plain, single, sect[MAXSECT];
	unsigned char	 got[MAXSECT], ext[MAXSECT];
	size_t		 nl = strlen(name), k;
	int		 hplain = 0, hsingle = 0, x, r = 1;
	long		 i;

	memset(got, 0, sizeof got);
	while (param_next(s, &p, e, &pa)) {
		if (pa.ae - pa.a < nl || !sa_caseeqb(s + pa.a, name, nl))
			continue;
		if (pa.ae - pa.a == nl) {
			if (!hplain++)
				plain = pa;
		} else if (pa.ae - pa.a == nl + 1 && s[pa.a + nl] == '*') {
			if (!hsingle++)
				single = pa;
		} else if ((i = sectno(s, pa.a + nl, pa.ae, &x)) >= 0 &&
		    !got[i]) {
			got[i] = 1;
			ext[i] = (unsigned char)x;
			sect[i] = pa;
		}
	}
	out->len = 0;
	if (hsingle)
		r = value_cat(s, &single, 1, 1, out, max);
	else if (got[0])
		for (k = 0; k < MAXSECT && got[k] && r == 1; k++)
			r = value_cat(s, &sect[k], ext[k], k == 0 && ext[k],
			    out, max);
	else if (hplain)
		r = value_cat(s, &plain, 0, 0, out, max);
	else
		return 0;
	if (r == 1 && out->len > max) {
		out->len = max;
		r = 2;
	}
	return r;
}
