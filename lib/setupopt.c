/* ISC license. */
/* setupopt.c: mailward-setup's command line; see setupopt.h. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "addr.h"
#include "cidr.h"
#include "control.h"
#include "hostport.h"
#include "longopt.h"
#include "route.h"
#include "sa.h"
#include "setupopt.h"
#include "spool.h"
#include "stages.h"
#include "stamp.h"
#include "svcdir.h"

static int	bad(struct setupopt *, const char *, const char *);
static int	rcpt_ok(const char *);
static int	list_has(const struct sa *, const char *, char);
static int	opt_maildir(void *, const char *);
static int	opt_subscriber(void *, const char *);
static int	opt_chainkey(void *, const char *);
static int	opt_groupkey(void *, const char *);
static int	opt_group(void *, const char *);
static int	opt_scannernet(void *, const char *);
static int	opt_internal(void *, const char *);
static int	tls_check(struct setupopt *);
static int	db_check(struct setupopt *);
static int	opts_check(struct setupopt *);

static const struct longopt opttab[] = {
	{ "listen",	offsetof(struct setupopt, listen),	NULL },
	{ "me",		offsetof(struct setupopt, me),		NULL },
	{ "next-hop",	offsetof(struct setupopt, nexthop),	NULL },
	{ "tls-cert",	offsetof(struct setupopt, tlscert),	NULL },
	{ "tls-key",	offsetof(struct setupopt, tlskey),	NULL },
	{ "libexec",	offsetof(struct setupopt, libexec),	NULL },
	{ "softlimit",	offsetof(struct setupopt, softlimit),	NULL },
	{ "softlimit-scan", offsetof(struct setupopt, softlimitscan), NULL },
	{ "databases",	offsetof(struct setupopt, databases),	NULL },
	{ "stages",	offsetof(struct setupopt, stages),	NULL },
	{ "clamd",	offsetof(struct setupopt, clamd),	NULL },
	{ "scanexec",	offsetof(struct setupopt, scanexec),	NULL },
	{ "maildir",	0,				opt_maildir },
	{ "subscriber",	0,				opt_subscriber },
	{ "chain-key",	0,				opt_chainkey },
	{ "group",	0,				opt_group },
	{ "group-key",	0,				opt_groupkey },
	{ "scanner-net", 0,				opt_scannernet },
	{ "scan-policy", offsetof(struct setupopt, scanpolicy),	NULL },
	{ "internal",	0,				opt_internal },
};

/* "what: arg" (or "what") into o->err; -1 with errno EINVAL */
static int
bad(struct setupopt *o, const char *what, const char *arg)
{
	o->err.len = 0;
	(void)sa_catf(&o->err, "%s%s%s", what, arg ? ": " : "",
	    arg ? arg : "");
	errno = EINVAL;
	return -1;
}

int
setupopt_listen(const char *s, char *ip, size_t ipsz, unsigned int *port)
{
	int	 k = hostport_parse(s, strlen(s), ip, ipsz, port);

	return (k == HOSTPORT_IPV4 || k == HOSTPORT_IPV6) && *port != 0 ?
	    0 : -1;
}

/* local@domain or @domain: 1, 0, or -1 (ENOMEM) */
static int
rcpt_ok(const char *s)
{
	struct sa	 out = SA_ZERO;
	int		 r;

	if (*s == '@')
		return s[1] != '\0' && addr_domainok(s + 1, strlen(s + 1));
	r = addr_parse_mailbox(s, strlen(s), 0, &out);
	sa_free(&out);
	if (r == ADDR_NOMEM) {
		errno = ENOMEM;
		return -1;
	}
	return r == ADDR_OK && strpbrk(s, " \t") == NULL;
}

/* 1 if the list of lines holds a line that starts with item and end */
static int
list_has(const struct sa *l, const char *item, char end)
{
	size_t	 n = strlen(item), i;

	for (i = 0; i + n < l->len; i++)
		if ((i == 0 || l->s[i - 1] == '\n') &&
		    memcmp(l->s + i, item, n) == 0 && l->s[i + n] == end)
			return 1;
	return 0;
}

static int
opt_maildir(void *obj, const char *v)
{
	struct setupopt	*o = obj;
	const char	*at = strchr(v, '@'), *eq;
	char		 a[ADDR_MAXPATH + 2];
	int		 r;

	eq = at != NULL ? strchr(at, '=') : NULL;
	if (eq == NULL || eq[1] == '\0' || (size_t)(eq - v) >= sizeof a)
		return bad(o, "--maildir wants ADDR=PATH", v);
	(void)snprintf(a, sizeof a, "%.*s", (int)(eq - v), v);
	if ((r = rcpt_ok(a)) != 1)
		return r == -1 ? -1 : bad(o, "not an address or @domain", a);
	if (!svcdir_wordok(eq + 1))
		return bad(o, "a Maildir path of letters, digits and "
		    "._/+,:@%=-", eq + 1);
	if (list_has(&o->maildirs, a, ' '))
		return bad(o, "--maildir given twice for", a);
	if (sa_catf(&o->maildirs, "%s %s\n", a, eq + 1) == -1 ||
	    (!list_has(&o->subs, a, '\n') &&
	    sa_catf(&o->subs, "%s\n", a) == -1))
		return -1;
	return 0;
}

/* an Ed25519 public key PEM file, made absolute, into the list l */
static int
pubkey(struct setupopt *o, struct sa *l, const char *opt, const char *v)
{
	struct sa	 pem = SA_ZERO;
	EVP_PKEY	*k = NULL;
	char		*abs;
	int		 fd = -1, r = -1;

	if ((abs = realpath(v, NULL)) != NULL &&
	    (fd = open(abs, O_RDONLY | O_CLOEXEC)) != -1 &&
	    spool_slurp(fd, &pem, STAMP_MAXKEY) == 0)
		k = stamp_keyparse(pem.s, pem.len, 0);
	if (k == NULL) {
		r = errno == ENOMEM ? -1 : bad(o, opt, v);
	} else
		r = sa_catf(l, "%s\n", abs);
	if (fd != -1)
		(void)close(fd);
	EVP_PKEY_free(k);
	sa_free(&pem);
	free(abs);
	return r;
}

/* an earlier chain member's public key */
static int
opt_chainkey(void *obj, const char *v)
{
	struct setupopt	*o = obj;

	return pubkey(o, &o->chainkeys, "--chain-key wants an Ed25519 public "
	    "key (PEM)", v);
}

/* a key of the group a gateway trusts */
static int
opt_groupkey(void *obj, const char *v)
{
	struct setupopt	*o = obj;

	return pubkey(o, &o->groupkeys, "--group-key wants an Ed25519 public "
	    "key (PEM)", v);
}

/* a member of the group: HOST[:PORT] or [ADDRESS][:PORT] */
static int
opt_group(void *obj, const char *v)
{
	struct setupopt	*o = obj;
	char		 ip[HOSTPORT_MAXHOST];
	unsigned int	 port;

	if (hostport_parse(v, strlen(v), ip, sizeof ip, &port) ==
	    HOSTPORT_BAD || strpbrk(v, " \t") != NULL)
		return bad(o, "--group wants HOST[:PORT] or [IPv6][:PORT]", v);
	return sa_catf(&o->group, "%s\n", v);
}

/* DOMAIN=NEXTHOP: the domain's scanned mail to an internal server (a
 * control/routes line, checked as relay reads it); the domain's
 * addresses become subscribers */
static int
opt_internal(void *obj, const char *v)
{
	struct setupopt	*o = obj;
	struct routes	 rs = ROUTES_ZERO;
	struct sa	 line = SA_ZERO, err = SA_ZERO;
	const char	*eq = strchr(v, '=');
	int		 r;

	if (eq == NULL || eq == v || eq[1] == '\0' || strpbrk(v, " \t\n"))
		return bad(o, "--internal wants DOMAIN=NEXTHOP", v);
	if (sa_catf(&line, "%.*s %s\n", (int)(eq - v), v, eq + 1) == -1)
		return -1;
	r = route_parse(&rs, "--internal", line.s, line.len, &err);
	/* one domain, and a server of its own: origin would be the group */
	if (r == 0 && (rs.n != 1 || v[0] == '*' || v[0] == '.' ||
	    rs.r[0].origin)) {
		r = -1;
		errno = EINVAL;
	}
	route_free(&rs);
	if (r == -1) {
		sa_free(&line);
		sa_free(&err);
		return errno == ENOMEM ? -1 : bad(o, "--internal wants DOMAIN="
		    "HOST[:PORT], lmtp:HOST[:PORT] or lmtp:/SOCKET", v);
	}
	/* with the earlier ones: a domain twice */
	if (sa_cat(&o->internal, &line) == -1)
		r = -1;
	else if (route_parse(&rs, "--internal", o->internal.s,
	    o->internal.len, &err) == -1) {
		o->internal.len -= line.len;
		r = errno == ENOMEM || sa_0(&err) == -1 ? -1 : bad(o, err.s, v);
	}
	route_free(&rs);
	sa_free(&err);
	if (r == -1) {
		sa_free(&line);
		return -1;
	}
	r = sa_catf(&o->subs, "@%.*s\n", (int)(eq - v), v);
	sa_free(&line);
	return r;
}

/* an address or network of the group */
static int
opt_scannernet(void *obj, const char *v)
{
	struct setupopt	*o = obj;
	struct cidr	 c;

	if (cidr_parse(&c, v, strlen(v)) == -1)
		return bad(o, "--scanner-net wants an address or "
		    "address/prefix", v);
	return sa_catf(&o->scannernets, "%s\n", v);
}

static int
opt_subscriber(void *obj, const char *v)
{
	struct setupopt	*o = obj;
	int		 r;

	if ((r = rcpt_ok(v)) != 1)
		return r == -1 ? -1 : bad(o, "not an address or @domain", v);
	if (!list_has(&o->subs, v, '\n') && sa_catf(&o->subs, "%s\n", v) == -1)
		return -1;
	return 0;
}

static int
tls_check(struct setupopt *o)
{
	SSL_CTX		*ctx;
	int		 r = -1;

	if ((o->tlscert == NULL) != (o->tlskey == NULL))
		return bad(o, "--tls-cert and --tls-key go together", NULL);
	if (o->tlscert == NULL)
		return 0;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, o->tlscert) != 1)
		(void)bad(o, "not a PEM certificate (chain)", o->tlscert);
	else if (SSL_CTX_use_PrivateKey_file(ctx, o->tlskey,
	    SSL_FILETYPE_PEM) != 1)
		(void)bad(o, "not a PEM private key", o->tlskey);
	else if (SSL_CTX_check_private_key(ctx) != 1)
		(void)bad(o, "the key does not match the certificate",
		    o->tlskey);
	else
		r = 0;
	SSL_CTX_free(ctx);
	if (r == -1) {
		errno = EINVAL;
		return -1;
	}
	/* the files are copied after the chdir into DIR: keep them findable */
	if ((o->abs[0] = realpath(o->tlscert, NULL)) == NULL ||
	    (o->abs[1] = realpath(o->tlskey, NULL)) == NULL)
		return -1;
	o->tlscert = o->abs[0];
	o->tlskey = o->abs[1];
	return 0;
}

/* --databases: a scanner's, an existing directory, made absolute */
static int
db_check(struct setupopt *o)
{
	struct stat	 st;

	if (o->databases == NULL)
		return 0;
	if (o->gateway)
		return bad(o, "--databases is for the scanner role", NULL);
	if ((o->abs[2] = realpath(o->databases, NULL)) == NULL ||
	    stat(o->abs[2], &st) == -1 || !S_ISDIR(st.st_mode))
		return errno == ENOMEM ? -1 : bad(o, "--databases wants a "
		    "directory", o->databases);
	if (!svcdir_wordok(o->abs[2]))
		return bad(o, "a --databases path of letters, digits and "
		    "._/+,:@%=-", o->abs[2]);
	o->databases = o->abs[2];
	return 0;
}

/* 1 if --internal names the domain of a --maildir @domain: that domain
 * would never reach its server */
static int
internal_shadowed(const struct setupopt *o, char *dom, size_t domsz)
{
	const char	*l, *nl, *m, *mnl;
	size_t		 n;

	for (l = o->internal.s; l != NULL && l < o->internal.s +
	    o->internal.len; l = nl + 1) {
		nl = memchr(l, '\n', o->internal.len - (size_t)(l -
		    o->internal.s));
		n = (size_t)((const char *)memchr(l, ' ', (size_t)(nl - l)) -
		    l);
		for (m = o->maildirs.s; m != NULL && m < o->maildirs.s +
		    o->maildirs.len; m = mnl + 1) {
			mnl = memchr(m, '\n', o->maildirs.len - (size_t)(m -
			    o->maildirs.s));
			if (m[0] == '@' && (size_t)(mnl - m) > n + 1 &&
			    m[n + 1] == ' ' && sa_caseeqb(m + 1, l, n)) {
				(void)snprintf(dom, domsz, "%.*s", (int)n, l);
				return 1;
			}
		}
	}
	return 0;
}

static int
opts_check(struct setupopt *o)
{
	char		 ip[HOSTPORT_MAXHOST], name[32], dom[256];
	unsigned int	 port;
	unsigned long	 u;
	struct stages	 sg;

	if (strcmp(o->role, "gateway") == 0)
		o->gateway = 1;
	else if (strcmp(o->role, "scanner") != 0)
		return bad(o, "ROLE is scanner or gateway", o->role);
	if (!svcdir_wordok(o->dir))
		return bad(o, "DIR wants letters, digits and ._/+,:@%=-",
		    o->dir);
	if (o->listen && setupopt_listen(o->listen, ip, sizeof ip, &port) ==
	    -1)
		return bad(o, "--listen wants IP:PORT or [IPv6]:PORT",
		    o->listen);
	if (o->me && !addr_domainok(o->me, strlen(o->me)))
		return bad(o, "--me wants a domain name", o->me);
	if (o->nexthop && hostport_parse(o->nexthop, strlen(o->nexthop), ip,
	    sizeof ip, &port) == HOSTPORT_BAD)
		return bad(o, "--next-hop wants HOST[:PORT] or [IPv6][:PORT]",
		    o->nexthop);
	if (o->softlimit && control_scanuint(o->softlimit,
	    strlen(o->softlimit), 0, 65536, &u) == -1)
		return bad(o, "--softlimit wants MiB in 0..65536",
		    o->softlimit);
	if (o->softlimitscan && control_scanuint(o->softlimitscan,
	    strlen(o->softlimitscan), 0, 65536, &u) == -1)
		return bad(o, "--softlimit-scan wants MiB in 0..65536",
		    o->softlimitscan);
	if (o->maildirs.len > 0 && !o->gateway)
		return bad(o, "--maildir is for the gateway role", NULL);
	if (o->softlimitscan && o->gateway)
		return bad(o, "--softlimit-scan is for the scanner role", NULL);
	if (o->chainkeys.len > 0 && o->gateway)
		return bad(o, "--chain-key is for the scanner role", NULL);
	if (internal_shadowed(o, dom, sizeof dom))
		return bad(o, "--internal DOMAIN and --maildir @DOMAIN: the "
		    "Maildir would take all of its mail", dom);
	if (!o->gateway && (o->group.len > 0 || o->groupkeys.len > 0 ||
	    o->scannernets.len > 0 || o->scanpolicy || o->internal.len > 0))
		return bad(o, "--group, --group-key, --scanner-net, "
		    "--scan-policy and --internal are for the gateway role",
		    NULL);
	if (o->scanpolicy && strcmp(o->scanpolicy, "stamp") != 0 &&
	    strcmp(o->scanpolicy, "source") != 0 &&
	    strcmp(o->scanpolicy, "either") != 0 &&
	    strcmp(o->scanpolicy, "both") != 0)
		return bad(o, "--scan-policy wants stamp, source, either or "
		    "both", o->scanpolicy);
	if ((o->clamd || o->scanexec) && o->gateway)
		return bad(o, "--clamd and --scanexec are for the scanner role",
		    NULL);
	if (o->clamd && (o->clamd[0] == '\0' || strpbrk(o->clamd,
	    " \t\n") != NULL))
		return bad(o, "--clamd wants a socket path or HOST:PORT",
		    o->clamd);
	if (o->scanexec && (o->abs[3] = realpath(o->scanexec, NULL)) == NULL)
		return errno == ENOMEM ? -1 : bad(o, "--scanexec wants a "
		    "readable file", o->scanexec);
	if (o->scanexec)
		o->scanexec = o->abs[3];
	if (o->stages && o->gateway)
		return bad(o, "--stages is for the scanner role", NULL);
	if (o->stages && stages_parse(o->stages, strlen(o->stages), &sg, name,
	    sizeof name) == -1)
		return bad(o, "--stages wants a list of clamav, clamd, exec, "
		    "each once", name[0] != '\0' ? name : o->stages);
	if (db_check(o) == -1)
		return -1;
	return tls_check(o);
}

int
setupopt_parse(struct setupopt *o, int argc, char *const *argv)
{
	const char	*arg;

	memset(o, 0, sizeof *o);
	if (argc < 3)
		return bad(o, "missing ROLE or DIR", NULL);
	o->role = argv[1];
	o->dir = argv[2];
	switch (longopt_parse(argc, argv, 3, opttab, sizeof opttab /
	    sizeof opttab[0], o, &arg)) {
	case LONGOPT_OK:
		return opts_check(o);
	case LONGOPT_NOTOPT:
		return bad(o, "unexpected argument", arg);
	case LONGOPT_NOVALUE:
		return bad(o, "missing value for", arg);
	case LONGOPT_UNKNOWN:
		return bad(o, "unknown option", arg);
	default:	/* a callback's reason is in o->err, or ENOMEM */
		return -1;
	}
}

void
setupopt_free(struct setupopt *o)
{
	sa_free(&o->subs);
	sa_free(&o->maildirs);
	sa_free(&o->chainkeys);
	sa_free(&o->groupkeys);
	sa_free(&o->group);
	sa_free(&o->scannernets);
	sa_free(&o->internal);
	sa_free(&o->err);
	free(o->abs[0]);
	free(o->abs[1]);
	free(o->abs[2]);
	free(o->abs[3]);
	o->abs[0] = o->abs[1] = o->abs[2] = o->abs[3] = NULL;
}
