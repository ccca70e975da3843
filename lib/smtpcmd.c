/* ISC license. */
/* smtpcmd.c: the SMTP command table and argument parsers; see smtpcmd.h. */
#include "sysdeps.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>

#include "addr.h"
#include "sa.h"
#include "smtpcmd.h"

enum { ARG_NONE, ARG_OPT, ARG_REQ };

static const struct {
	const char	*name;
	size_t		 len;
	int		 verb;
	int		 arg;
} verbs[] = {
	{ "HELO",	4, SMTPCMD_HELO,	ARG_REQ },
	{ "EHLO",	4, SMTPCMD_EHLO,	ARG_REQ },
	{ "MAIL",	4, SMTPCMD_MAIL,	ARG_REQ },
	{ "RCPT",	4, SMTPCMD_RCPT,	ARG_REQ },
	{ "DATA",	4, SMTPCMD_DATA,	ARG_NONE },
	{ "BDAT",	4, SMTPCMD_BDAT,	ARG_REQ },
	{ "RSET",	4, SMTPCMD_RSET,	ARG_NONE },
	{ "NOOP",	4, SMTPCMD_NOOP,	ARG_OPT },
	{ "QUIT",	4, SMTPCMD_QUIT,	ARG_NONE },
	{ "VRFY",	4, SMTPCMD_VRFY,	ARG_REQ },
	{ "HELP",	4, SMTPCMD_HELP,	ARG_OPT },
	{ "STARTTLS",	8, SMTPCMD_STARTTLS,	ARG_NONE },
};

/* the one table of parse outcomes to replies */
static const char *const replies[SMTPCMD_NRESULT] = {
	[SMTPCMD_OK] =		"250 2.0.0 Ok",
	[SMTPCMD_NOMEM] =	"421 4.3.0 Out of memory, closing connection",
	[SMTPCMD_UNKNOWN] =	"500 5.5.1 Command unrecognized",
	[SMTPCMD_SYNTAX] =	"501 5.5.4 Syntax error in arguments",
	[SMTPCMD_BADSENDER] =	"501 5.1.7 Bad sender address syntax",
	[SMTPCMD_BADRCPT] =	"501 5.1.3 Bad recipient address syntax",
	[SMTPCMD_UNKPARAM] =	"555 5.5.4 Unsupported parameter",
	[SMTPCMD_BADPARAM] =	"501 5.5.4 Bad parameter value",
	[SMTPCMD_NEEDUTF8] = "553 5.6.7 Non-ASCII address needs SMTPUTF8",
};

static int	isdigitc(char);
static int	scandec(const char *, size_t, unsigned long long *);
static int	hasnonascii(const struct sa *);
static int	param(struct smtpcmd_mail *, const char *, size_t);
static int	params(const char *, size_t, struct smtpcmd_mail *);
static int	path(const char *, size_t, const char *, size_t, struct sa *,
		    size_t *);

static int
isdigitc(char c)
{
	return c >= '0' && c <= '9';
}

/* 1..20 digits, saturating at ULLONG_MAX; -1 if not a number */
static int
scandec(const char *s, size_t n, unsigned long long *v)
{
	size_t	i;

	*v = 0;
	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigitc(s[i]))
			return -1;
		if (*v > (ULLONG_MAX - 9) / 10)
			*v = ULLONG_MAX;
		else
			*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

static int
hasnonascii(const struct sa *a)
{
	size_t	i;

	for (i = 0; i < a->len; i++)
		if ((unsigned char)a->s[i] >= 0x80)
			return 1;
	return 0;
}

int
smtpcmd_parse(const char *s, size_t n, struct smtpcmd *c)
{
	size_t	i, v;

	c->verb = SMTPCMD_NONE;
	c->arg = NULL;
	c->arglen = 0;
	for (i = 0; i < n && s[i] != ' '; i++)
		;
	for (v = 0; v < sizeof verbs / sizeof verbs[0]; v++)
		if (verbs[v].len == i && sa_caseeqb(s, verbs[v].name, i))
			break;
	if (v == sizeof verbs / sizeof verbs[0])
		return SMTPCMD_UNKNOWN;
	c->verb = verbs[v].verb;
	while (i < n && s[i] == ' ')
		i++;
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (i < n) {
		c->arg = s + i;
		c->arglen = n - i;
	}
	if (verbs[v].arg == ARG_NONE && c->arg != NULL)
		return SMTPCMD_SYNTAX;
	if (verbs[v].arg == ARG_REQ && c->arg == NULL)
		return SMTPCMD_SYNTAX;
	return SMTPCMD_OK;
}

int
smtpcmd_helo(const char *s, size_t n, struct sa *name)
{
	size_t	i;

	for (i = 0; i < n && s[i] != ' '; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return SMTPCMD_SYNTAX;
	if (i == 0 || i > SMTPCMD_MAXHELO)
		return SMTPCMD_SYNTAX;
	if (sa_copyb(name, s, i) == -1)
		return SMTPCMD_NOMEM;
	return SMTPCMD_OK;
}

/* "PREFIX<path>" with an optional space after the colon (lenient, as
 * Postfix); *used ends after the path. */
static int
path(const char *s, size_t n, const char *prefix, size_t plen,
    struct sa *addr, size_t *used)
{
	size_t	i = plen, u = 0;
	int	r;

	if (n < plen || !sa_caseeqb(s, prefix, plen))
		return ADDR_SYNTAX;
	while (i < n && s[i] == ' ')
		i++;
	r = addr_parse_path(s + i, n - i, 1, addr, &u);
	*used = i + u;
	return r;
}

static int
param(struct smtpcmd_mail *m, const char *s, size_t n)
{
	size_t	k;

	for (k = 0; k < n && s[k] != '='; k++)
		;
	if (k == 4 && sa_caseeqb(s, "SIZE", 4)) {
		if (m->hassize || k == n ||
		    scandec(s + 5, n - 5, &m->size) == -1)
			return SMTPCMD_BADPARAM;
		m->hassize = 1;
	} else if (k == 4 && sa_caseeqb(s, "BODY", 4)) {
		if (m->body != SMTPCMD_BODY_NONE || k == n)
			return SMTPCMD_BADPARAM;
		if (n - 5 == 4 && sa_caseeqb(s + 5, "7BIT", 4))
			m->body = SMTPCMD_BODY_7BIT;
		else if (n - 5 == 8 && sa_caseeqb(s + 5, "8BITMIME", 8))
			m->body = SMTPCMD_BODY_8BITMIME;
		else
			return SMTPCMD_BADPARAM;
	} else if (k == 8 && sa_caseeqb(s, "SMTPUTF8", 8)) {
		if (m->utf8 || k != n)
			return SMTPCMD_BADPARAM;
		m->utf8 = 1;
	} else
		return SMTPCMD_UNKPARAM;
	return SMTPCMD_OK;
}

/* " KEY[=VALUE]..." after the path; m is NULL for RCPT */
static int
params(const char *s, size_t n, struct smtpcmd_mail *m)
{
	size_t	i = 0, j;
	int	r;

	if (n > 0 && s[0] != ' ')
		return SMTPCMD_SYNTAX;
	for (;;) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			return SMTPCMD_OK;
		for (j = i; j < n && s[j] != ' '; j++)
			if (s[j] < 0x21 || s[j] > 0x7e)
				return SMTPCMD_SYNTAX;
		if (m == NULL)
			return SMTPCMD_UNKPARAM;	/* RCPT takes none */
		if ((r = param(m, s + i, j - i)) != SMTPCMD_OK)
			return r;
		i = j;
	}
}

int
smtpcmd_mail(const char *s, size_t n, struct smtpcmd_mail *m)
{
	size_t	used;
	int	r;

	m->addr.len = 0;
	m->size = 0;
	m->hassize = 0;
	m->body = SMTPCMD_BODY_NONE;
	m->utf8 = 0;
	r = path(s, n, "FROM:", 5, &m->addr, &used);
	if (r == ADDR_NOMEM)
		return SMTPCMD_NOMEM;
	if (r != ADDR_OK && r != ADDR_NULL)
		return SMTPCMD_BADSENDER;
	if (r == ADDR_NULL)
		m->addr.len = 0;
	if ((r = params(s + used, n - used, m)) != SMTPCMD_OK)
		return r;
	if (!m->utf8 && hasnonascii(&m->addr))
		return SMTPCMD_NEEDUTF8;
	return SMTPCMD_OK;
}

int
smtpcmd_rcpt(const char *s, size_t n, int utf8, struct sa *addr)
{
	size_t	used;
	int	r;

	addr->len = 0;
	if (n >= 15 && sa_caseeqb(s, "TO:<postmaster>", 15)) {
		if (sa_copys(addr, "postmaster") == -1)
			return SMTPCMD_NOMEM;
		used = 15;
	} else {
		r = path(s, n, "TO:", 3, addr, &used);
		if (r == ADDR_NOMEM)
			return SMTPCMD_NOMEM;
		if (r != ADDR_OK)
			return SMTPCMD_BADRCPT;
	}
	if ((r = params(s + used, n - used, NULL)) != SMTPCMD_OK)
		return r;
	if (!utf8 && hasnonascii(addr))
		return SMTPCMD_NEEDUTF8;
	return SMTPCMD_OK;
}

int
smtpcmd_bdat(const char *s, size_t n, unsigned long long *size, int *last)
{
	size_t	i;

	for (i = 0; i < n && isdigitc(s[i]); i++)
		;
	if (scandec(s, i, size) == -1 || *size == ULLONG_MAX)
		return SMTPCMD_SYNTAX;
	*last = 0;
	if (i == n)
		return SMTPCMD_OK;
	if (s[i] != ' ')
		return SMTPCMD_SYNTAX;
	while (i < n && s[i] == ' ')
		i++;
	if (n - i != 4 || !sa_caseeqb(s + i, "LAST", 4))
		return SMTPCMD_SYNTAX;
	*last = 1;
	return SMTPCMD_OK;
}

int
smtpcmd_ehlo(struct sa *out, const char *me, unsigned long size, int tls)
{
	return sa_catf(out, "250-%s\r\n250-PIPELINING\r\n250-SIZE %lu\r\n"
	    "250-8BITMIME\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n"
	    "250%sENHANCEDSTATUSCODES\r\n%s", me, size, tls ? "-" : " ",
	    tls ? "250 STARTTLS\r\n" : "");
}

const char *
smtpcmd_reply(int r)
{
	if (r < 0 || r >= SMTPCMD_NRESULT || replies[r] == NULL)
		return "451 4.3.0 Internal error";
	return replies[r];
}

const char *
smtpcmd_name(int verb)
{
	size_t	v;

	for (v = 0; v < sizeof verbs / sizeof verbs[0]; v++)
		if (verbs[v].verb == verb)
			return verbs[v].name;
	return "?";
}
