/* ISC license. */
/* route.c: control/routes parsing and lookup; see route.h. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cidr.h"
#include "control.h"
#include "route.h"
#include "spool.h"

#define ROUTE_MAXFIELD	3

struct field {
	const char	*s;
	size_t		 n;
};

static int
route_err(struct sa *err, const char *fn, size_t line, const char *why)
{
	err->len = 0;
	(void)sa_catf(err, "%s line %zu: %s", fn, line, why);
	errno = EINVAL;
	return -1;
}

static int
route_port(const char *s, size_t n, struct route *r)
{
	unsigned long v;

	if (control_scanuint(s, n, 1, 65535, &v) == -1)
		return -1;
	r->port = (unsigned int)v;
	return 0;
}

/* host[:port], [address][:port] or origin[:port]; NULL or the reason */
static const char *
route_nexthop(const char *s, size_t n, unsigned int dflt, struct route *r)
{
	const char	*colon, *end;
	unsigned char	 ab[16];
	size_t		 hl;
	int		 fam;

	r->port = dflt;
	if (s[0] == '[') {
		if ((end = memchr(s, ']', n)) == NULL)
			return "no ] after the address";
		hl = (size_t)(end - s) - 1;
		if (cidr_addr(s + 1, hl, &fam, ab) == -1)
			return "not an IP address in []";
		colon = end + 1 < s + n ? end + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return "junk after ]";
		memcpy(r->host, s + 1, hl);
		r->host[hl] = '\0';
	} else {
		colon = memchr(s, ':', n);
		hl = colon != NULL ? (size_t)(colon - s) : n;
		if (colon != NULL && memchr(colon + 1, ':', n - hl - 1) != NULL)
			return "an IPv6 address needs [brackets]";
		if (hl == 6 && sa_caseeqb(s, "origin", 6))
			r->origin = 1;
		else if (hl > 255 || !addr_domainok(s, hl))
			return "not a host name";
		else {
			memcpy(r->host, s, hl);
			r->host[hl] = '\0';
		}
	}
	if (colon != NULL && route_port(colon + 1, (size_t)(s + n - colon) - 1,
	    r) == -1)
		return "port not a number in 1..65535";
	return NULL;
}

/* After "lmtp:": /path, host[:port] or [address][:port]. */
static const char *
route_lmtp(const char *s, size_t n, struct route *r)
{
	const char	*why;

	r->lmtp = 1;
	if (n == 0)
		return "lmtp: needs a host or a socket path";
	if (s[0] == '/') {
		if (n >= ROUTE_MAXSOCK)
			return "socket path too long";
		memcpy(r->sock, s, n);
		r->sock[n] = '\0';
		return NULL;
	}
	if (memchr(s, '/', n) != NULL)
		return "a socket path must be absolute";
	if ((why = route_nexthop(s, n, ROUTE_LMTPPORT, r)) != NULL)
		return why;
	return r->origin ? "origin is not an LMTP next hop" : NULL;
}

/* lmtp:... but not "lmtp:PORT", the host named lmtp */
static int
route_islmtp(const char *s, size_t n)
{
	size_t	 i;

	if (n < 5 || !sa_caseeqb(s, "lmtp:", 5))
		return 0;
	for (i = 5; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	return n == 5 || i < n;
}

static const char *
route_domain(const char *s, size_t n, struct route *r)
{
	size_t i;

	if (!(n == 1 && s[0] == '*')) {
		if (n > 255 || s[n - 1] == '.')
			return "not a domain, .domain or *";
		i = s[0] == '.' ? 1 : 0;
		if (n == i || s[i] == '[' || !addr_domainok(s + i, n - i))
			return "not a domain, .domain or *";
	}
	for (i = 0; i < n; i++)
		r->domain[i] = sa_lower(s[i]);
	r->domain[n] = '\0';
	return NULL;
}

static size_t
route_split(const char *s, size_t n, struct field *f, size_t max)
{
	size_t	 i = 0, k = 0, start;

	for (;;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n || s[i] == '#')
			return k;
		start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '#')
			i++;
		if (k == max)
			return max + 1;
		f[k].s = s + start;
		f[k++].n = i - start;
	}
}

static const char *
route_line(struct routes *rs, const struct field *f, size_t nf,
    struct route *r)
{
	const struct field *hop;
	const char	*why;
	size_t		 i;

	memset(r, 0, sizeof *r);
	if (rs->list) {		/* NEXTHOP [tls=require], domain "*" */
		if (nf < 1 || nf > 2)
			return "expected NEXTHOP [tls=require]";
		r->domain[0] = '*';
		hop = &f[0];
	} else if (nf < 2 || nf > 3)
		return "expected DOMAIN NEXTHOP [tls=require]";
	else if ((why = route_domain(f[0].s, f[0].n, r)) != NULL)
		return why;
	else
		hop = &f[1];
	if (route_islmtp(hop->s, hop->n))
		why = route_lmtp(hop->s + 5, hop->n - 5, r);
	else
		why = route_nexthop(hop->s, hop->n, 25, r);
	if (why != NULL)
		return why;
	if (hop + 1 < f + nf) {
		if (hop[1].n != 11 || memcmp(hop[1].s, "tls=require", 11) != 0)
			return "unknown option (only tls=require)";
		if (r->sock[0] != '\0')
			return "tls=require needs a TCP next hop";
		r->tlsreq = 1;
	}
	if (rs->list && r->origin)
		return "origin is not a hop of a list";
	for (i = 0; i < rs->n; i++)
		if (rs->list ? strcmp(rs->r[i].host, r->host) == 0 &&
		    rs->r[i].port == r->port &&
		    strcmp(rs->r[i].sock, r->sock) == 0 :
		    strcmp(rs->r[i].domain, r->domain) == 0)
			return rs->list ? "next hop listed twice" :
			    "domain listed twice";
	if (rs->n >= ROUTE_MAX)
		return "too many routes";
	return NULL;
}

static int
route_add(struct routes *rs, const struct route *r)
{
	struct route	*nr;
	size_t		 na;

	if (rs->n == rs->a) {
		na = rs->a == 0 ? 16 : rs->a * 2;
		if ((nr = realloc(rs->r, na * sizeof *nr)) == NULL)
			return -1;
		rs->r = nr;
		rs->a = na;
	}
	rs->r[rs->n++] = *r;
	return 0;
}

int
route_parse(struct routes *rs, const char *fn, const char *buf, size_t len,
    struct sa *err)
{
	struct field	 f[ROUTE_MAXFIELD + 1];
	struct route	 r;
	const char	*nl, *why, *end = buf + len;
	size_t		 line = 0, nf, n;

	rs->n = 0;
	while (buf < end) {
		line++;
		nl = memchr(buf, '\n', (size_t)(end - buf));
		if (nl == NULL)
			nl = end;
		n = (size_t)(nl - buf);
		if (n > 0 && buf[n - 1] == '\r')
			n--;		/* as control.c: CRLF files are fine */
		if (memchr(buf, '\0', n) != NULL || memchr(buf, '\r', n) != NULL)
			return route_err(err, fn, line, "control character");
		nf = route_split(buf, n, f, ROUTE_MAXFIELD);
		buf = nl + 1;
		if (nf == 0)
			continue;
		if ((why = route_line(rs, f, nf, &r)) != NULL)
			return route_err(err, fn, line, why);
		if (route_add(rs, &r) == -1) {
			err->len = 0;
			(void)sa_catf(err, "%s: out of memory", fn);
			return -1;
		}
	}
	return 0;
}

int
route_load(struct routes *rs, const char *fn, struct sa *err)
{
	struct sa	 buf = SA_ZERO;
	int		 fd, r, e;

	rs->n = 0;
	if ((fd = open(fn, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		err->len = 0;
		(void)sa_catf(err, "%s: %s", fn, strerror(errno));
		return -1;
	}
	r = spool_slurp(fd, &buf, CONTROL_MAXFILE);
	e = errno;
	close(fd);
	if (r == -1) {
		err->len = 0;
		(void)sa_catf(err, "%s: %s", fn, strerror(e));
		sa_free(&buf);
		errno = e;
		return -1;
	}
	r = route_parse(rs, fn, buf.s, buf.len, err);
	e = errno;
	sa_free(&buf);
	errno = e;
	return r == -1 ? -1 : 1;
}

const struct route *
route_lookup(const struct routes *rs, const char *d, size_t n)
{
	const struct route	*best = NULL, *star = NULL;
	char			 dom[256];
	size_t			 i, sl, bestlen = 0;

	if (n == 0 || n > 255)
		return NULL;
	for (i = 0; i < n; i++)
		dom[i] = sa_lower(d[i]);
	dom[n] = '\0';
	for (i = 0; i < rs->n; i++) {
		const struct route *r = &rs->r[i];

		if (r->domain[0] == '*')
			star = r;
		else if (r->domain[0] != '.') {
			if (strcmp(r->domain, dom) == 0)
				return r;
		} else if ((sl = strlen(r->domain)) < n + 1 && sl > bestlen &&
		    memcmp(dom + n - sl, r->domain, sl) == 0) {
			best = r;
			bestlen = sl;
		}
	}
	return best != NULL ? best : star;
}

const struct route *
route_own(const struct routes *rs, const char *addr, size_t n)
{
	const struct route	*r;
	size_t			 at = n;

	while (at > 0 && addr[at - 1] != '@')
		at--;
	if (at == 0)
		return NULL;
	r = route_lookup(rs, addr + at, n - at);
	return r != NULL && r->domain[0] != '*' ? r : NULL;
}

void
route_free(struct routes *rs)
{
	free(rs->r);
	rs->r = NULL;
	rs->n = rs->a = 0;
}
