/* ISC license. */
/* addr.c: RFC 5321 paths and mailboxes, with length limits. */
#include "sysdeps.h"

#include <arpa/inet.h>
#include <string.h>

#include "addr.h"

static int
addr_atext(unsigned char c, int utf8)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	if (c >= 0x80)
		return utf8;
	return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
addr_letdig(unsigned char c, int utf8)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (utf8 && c >= 0x80);
}

/* Dot-string or Quoted-string; returns its length, 0 if malformed. */
static size_t
addr_local(const char *s, size_t n, int utf8)
{
	size_t	 i = 0;

	if (n > 0 && s[0] == '"') {
		for (i = 1; i < n; i++) {
			unsigned char	 c = (unsigned char)s[i];

			if (c == '"')
				return i + 1;
			if (c == '\\') {
				if (++i >= n || (unsigned char)s[i] < 32 ||
				    (unsigned char)s[i] > 126)
					return 0;
				continue;
			}
			if (c < 32 || c == 127 || (c > 127 && !utf8))
				return 0;
		}
		return 0;
	}
	for (;;) {
		size_t	 start = i;

		while (i < n && addr_atext((unsigned char)s[i], utf8))
			i++;
		if (i == start)
			return 0;
		if (i < n && s[i] == '.') {
			i++;
			continue;
		}
		return i;
	}
}

static int
addr_literal(const char *s, size_t n)
{
	char		 buf[64];
	unsigned char	 b[16];

	if (n < 2 || s[0] != '[' || s[n - 1] != ']' || n - 2 >= sizeof buf)
		return 0;
	/* inet_pton() would stop at a NUL and accept "[192.0.2.1\0junk]" */
	if (memchr(s, '\0', n) != NULL)
		return 0;
	memcpy(buf, s + 1, n - 2);
	buf[n - 2] = '\0';
	if (n - 2 > 5 && sa_caseeqb(buf, "IPv6:", 5))
		return inet_pton(AF_INET6, buf + 5, b) == 1;
	return inet_pton(AF_INET, buf, b) == 1;
}

static int
addr_domainok2(const char *d, size_t n, int utf8)
{
	size_t	 i = 0;

	if (n == 0 || n > ADDR_MAXDOMAIN)
		return 0;
	if (d[0] == '[')
		return addr_literal(d, n);
	while (i < n) {
		size_t	 start = i;

		if (!addr_letdig((unsigned char)d[i], utf8))
			return 0;
		while (i < n && (addr_letdig((unsigned char)d[i], utf8) ||
		    d[i] == '-'))
			i++;
		if (d[i - 1] == '-' || i - start > 63)
			return 0;
		if (i < n) {
			if (d[i] != '.' || i + 1 == n)
				return 0;
			i++;
		}
	}
	return 1;
}

int
addr_domainok(const char *d, size_t n)
{
	return addr_domainok2(d, n, 1);
}

int
addr_parse_mailbox(const char *s, size_t n, int utf8, struct sa *out)
{
	size_t	 l, i;

	out->len = 0;
	if (n > ADDR_MAXPATH - 2)
		return ADDR_TOOLONG;
	if (n == 10 && sa_caseeqb(s, "postmaster", 10))
		return sa_copyb(out, s, n) == -1 ? ADDR_NOMEM : ADDR_OK;
	l = addr_local(s, n, utf8);
	if (l == 0 || l >= n || s[l] != '@')
		return ADDR_SYNTAX;
	if (l > ADDR_MAXLOCAL || n - l - 1 > ADDR_MAXDOMAIN)
		return ADDR_TOOLONG;
	if (!addr_domainok2(s + l + 1, n - l - 1, utf8))
		return ADDR_SYNTAX;
	if (sa_copyb(out, s, n) == -1)
		return ADDR_NOMEM;
	for (i = l + 1; i < n; i++)
		out->s[i] = sa_lower(out->s[i]);
	return ADDR_OK;
}

/* The index of the '>' closing the path, outside quotes; 0 if none. */
static size_t
addr_close(const char *s, size_t n)
{
	size_t	 i;
	int	 q = 0;

	for (i = 1; i < n; i++) {
		if (q && s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == '>')
			return i;
		else if (!q && s[i] == '<')
			return 0;
	}
	return 0;
}

/* Skip an A-d-l source route "@a,@b:"; returns its length, 0 if none,
 * (size_t)-1 if malformed. */
static size_t
addr_route(const char *s, size_t n)
{
	size_t	 i = 0;

	if (n == 0 || s[0] != '@')
		return 0;
	while (i < n && s[i] == '@') {
		size_t	 start = ++i;

		while (i < n && s[i] != ',' && s[i] != ':')
			i++;
		if (i == n || !addr_domainok2(s + start, i - start, 1))
			return (size_t)-1;
		if (s[i] == ':')
			return i + 1;
		i++;
	}
	return (size_t)-1;
}

int
addr_parse_path(const char *s, size_t n, int utf8, struct sa *out,
    size_t *used)
{
	size_t	 close, r;

	out->len = 0;
	if (n == 0 || s[0] != '<')
		return ADDR_SYNTAX;
	close = addr_close(s, n);
	if (close == 0)
		return n > ADDR_MAXPATH ? ADDR_TOOLONG : ADDR_SYNTAX;
	if (close + 1 > ADDR_MAXPATH)
		return ADDR_TOOLONG;
	*used = close + 1;
	if (close == 1)
		return ADDR_NULL;
	r = addr_route(s + 1, close - 1);
	if (r == (size_t)-1)
		return ADDR_SYNTAX;
	return addr_parse_mailbox(s + 1 + r, close - 1 - r, utf8, out);
}

const char *
addr_domain(const char *a, size_t n, size_t *dn)
{
	size_t	 i = n;

	while (i > 0 && a[i - 1] != '@')
		i--;
	*dn = i == 0 ? 0 : n - i;
	return i == 0 ? a + n : a + i;
}

int
addr_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && sa_caseeqb(a, b, an);
}

const char *
addr_strerror(int r)
{
	switch (r) {
	case ADDR_OK:		return "ok";
	case ADDR_NOMEM:	return "out of memory";
	case ADDR_SYNTAX:	return "syntax error in address";
	case ADDR_TOOLONG:	return "address too long";
	case ADDR_NULL:		return "null address";
	}
	return "unknown address error";
}
