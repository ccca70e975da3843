/* ISC license. */
/* sa.c: growable byte strings with overflow-checked growth. */
#include "sysdeps.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sa.h"

int
sa_ready(struct sa *x, size_t n)
{
	size_t	 na;
	char	*p;

	if (n < x->a)
		return 0;
	/* room for n bytes plus a NUL, with slack: n + n/8 + 32 */
	if (__builtin_add_overflow(n, n / 8, &na) ||
	    __builtin_add_overflow(na, 32, &na)) {
		errno = EOVERFLOW;
		return -1;
	}
	p = realloc(x->s, na);
	if (p == NULL) {
		errno = ENOMEM;
		return -1;
	}
	x->s = p;
	x->a = na;
	return 0;
}

int
sa_readyplus(struct sa *x, size_t n)
{
	size_t	 want;

	if (__builtin_add_overflow(x->len, n, &want)) {
		errno = EOVERFLOW;
		return -1;
	}
	return sa_ready(x, want);
}

int
sa_catb(struct sa *x, const char *s, size_t n)
{
	if (sa_readyplus(x, n) == -1)
		return -1;
	if (n > 0)
		memcpy(x->s + x->len, s, n);
	x->len += n;
	return 0;
}

int
sa_cats(struct sa *x, const char *s)
{
	return sa_catb(x, s, strlen(s));
}

int
sa_cat(struct sa *x, const struct sa *y)
{
	return sa_catb(x, y->s, y->len);
}

int
sa_catc(struct sa *x, char c)
{
	return sa_catb(x, &c, 1);
}

int
sa_catu(struct sa *x, unsigned long long u)
{
	char	 buf[24];
	size_t	 i = sizeof buf;

	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	return sa_catb(x, buf + i, sizeof buf - i);
}

int
sa_catf(struct sa *x, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	size_t	 need;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	need = (size_t)n;
	if (sa_readyplus(x, need + 1) == -1)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(x->s + x->len, need + 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n != need) {
		errno = EINVAL;
		return -1;
	}
	x->len += need;
	return 0;
}

int
sa_copyb(struct sa *x, const char *s, size_t n)
{
	if (sa_ready(x, n) == -1)
		return -1;
	if (n > 0)
		memmove(x->s, s, n);
	x->len = n;
	return 0;
}

int
sa_copys(struct sa *x, const char *s)
{
	return sa_copyb(x, s, strlen(s));
}

int
sa_0(struct sa *x)
{
	if (sa_readyplus(x, 1) == -1)
		return -1;
	x->s[x->len] = '\0';
	return 0;
}

void
sa_free(struct sa *x)
{
	free(x->s);
	x->s = NULL;
	x->len = x->a = 0;
}

int
sa_eqs(const struct sa *x, const char *s)
{
	size_t	 n = strlen(s);

	return x->len == n && (n == 0 || memcmp(x->s, s, n) == 0);
}

char
sa_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int
sa_caseeqb(const char *a, const char *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (sa_lower(a[i]) != sa_lower(b[i]))
			return 0;
	return 1;
}
