/* ISC license. */
/* setupctl.c: a role's control files from mailward-setup's options; see
 * setupctl.h. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "mwhome.h"
#include "sa.h"
#include "setupctl.h"
#include "setupopt.h"
#include "spool.h"

static int
nomem(struct mwhome *h)
{
	errno = ENOMEM;
	return mwhome_fail(h, "allocate", "memory");
}

static int
put(struct mwhome *h, const char *name, const struct sa *v, int force)
{
	return mwhome_control(h, name, v->s, v->len, force);
}

/* control/NAME = val and a line end */
static int
puts1(struct mwhome *h, const char *name, const char *val, int force)
{
	struct sa	 v = SA_ZERO;
	int		 r;

	if (sa_cats(&v, val) == -1 || sa_catc(&v, '\n') == -1)
		r = nomem(h);
	else
		r = put(h, name, &v, force);
	sa_free(&v);
	return r;
}

/* control/NAME = the contents of the file fn */
static int
putfile(struct mwhome *h, const char *name, const char *fn)
{
	struct sa	 v = SA_ZERO;
	int		 fd, r;

	if ((fd = open(fn, O_RDONLY | O_CLOEXEC)) == -1)
		return mwhome_fail(h, "read", fn);
	r = spool_slurp(fd, &v, SETUPCTL_MAXFILE);
	(void)close(fd);
	r = r == -1 ? mwhome_fail(h, "read", fn) : put(h, name, &v, 1);
	sa_free(&v);
	return r;
}

/* control/me: --me, else the host name if the file is missing */
static int
me(struct mwhome *h, const struct setupopt *o)
{
	char	 host[256];
	int	 r;

	if (o->me != NULL)
		return puts1(h, "me", o->me, 1);
	if ((r = mwhome_exists(h, "control/me")) != 0)
		return r == 1 ? 0 : -1;
	if (gethostname(host, sizeof host) == -1)
		return mwhome_fail(h, "get", "the host name");
	host[sizeof host - 1] = '\0';
	if (!addr_domainok(host, strlen(host))) {
		h->err.len = 0;
		(void)sa_catf(&h->err, "the host name is no domain name; use "
		    "--me: %s", host);
		errno = EINVAL;
		return -1;
	}
	return puts1(h, "me", host, 0);
}

/* control/routes: a gateway's internal servers, then the next hop for
 * the rest */
static int
routes(struct mwhome *h, const struct setupopt *o)
{
	struct sa	 r = SA_ZERO;
	int		 res;

	if (o->internal.len == 0 && o->nexthop == NULL)
		return puts1(h, "routes", "# DOMAIN NEXTHOP [tls=require]; no "
		    "route: DNS MX", 0);
	if (sa_cat(&r, &o->internal) == -1 || (o->nexthop != NULL &&
	    sa_catf(&r, "* %s\n", o->nexthop) == -1))
		res = nomem(h);
	else
		res = put(h, "routes", &r, 1);
	sa_free(&r);
	return res;
}

static int
tls(struct mwhome *h, const struct setupopt *o)
{
	if (o->tlscert == NULL)
		return 0;
	return mwhome_mkdir(h, "control/tls", 0700, "mwrecv", NULL) == -1 ||
	    mwhome_copy(h, o->tlscert, "control/tls/cert.pem",
	    SETUPCTL_MAXFILE, "mwrecv") == -1 ||
	    mwhome_copy(h, o->tlskey, "control/tls/key.pem",
	    SETUPCTL_MAXFILE, "mwrecv") == -1 ||
	    puts1(h, "tlscert", "control/tls/cert.pem", 1) == -1 ||
	    puts1(h, "tlskey", "control/tls/key.pem", 1) == -1 ? -1 : 0;
}

static int
scanner(struct mwhome *h, const struct setupopt *o)
{
	char	 u[32];

	(void)snprintf(u, sizeof u, "%lu", SETUPCTL_SOFTSCAN);
	return puts1(h, "softlimitscan", o->softlimitscan ? o->softlimitscan :
	    u, !!o->softlimitscan) == -1 ||
	    puts1(h, "databases", o->databases ? o->databases :
	    SETUPCTL_DATABASES, !!o->databases) == -1 ||
	    puts1(h, "stages", o->stages ? o->stages : "clamav",
	    !!o->stages) == -1 ||
	    (o->clamd != NULL && puts1(h, "clamd-address", o->clamd,
	    1) == -1) ||
	    (o->scanexec != NULL && putfile(h, "scanexec", o->scanexec) ==
	    -1) ? -1 : 0;
}

/* A gateway's Maildirs and group: members, addresses, policy. */
static int
gateway(struct mwhome *h, const struct setupopt *o)
{
	return (o->maildirs.len > 0 ? put(h, "maildirs", &o->maildirs, 1) :
	    puts1(h, "maildirs", "# ADDRESS PATH or @domain PATH", 0)) == -1 ||
	    (o->group.len > 0 && put(h, "group", &o->group, 1) == -1) ||
	    (o->scannernets.len > 0 && put(h, "scanners", &o->scannernets,
	    1) == -1) ||
	    (o->scanpolicy != NULL && puts1(h, "scanpolicy", o->scanpolicy,
	    1) == -1) ? -1 : 0;
}

int
setupctl_write(struct mwhome *h, const struct setupopt *o)
{
	char	 u[32];

	(void)snprintf(u, sizeof u, "%lu", SETUPCTL_SOFTLIMIT);
	if (mwhome_mkdir(h, "control", 0755, NULL, NULL) == -1 ||
	    puts1(h, "role", o->role, 0) == -1 || me(h, o) == -1 ||
	    puts1(h, "listen", o->listen ? o->listen : SETUPCTL_LISTEN,
	    !!o->listen) == -1 ||
	    puts1(h, "softlimit", o->softlimit ? o->softlimit : u,
	    !!o->softlimit) == -1)
		return -1;
	(void)snprintf(u, sizeof u, "%lu", SETUPCTL_MAXCONN);
	if (puts1(h, "concurrencysmtpd", u, 0) == -1 ||
	    (o->subs.len > 0 ? put(h, "subscribers", &o->subs, 1) :
	    puts1(h, "subscribers", "# one address or @domain a line; while "
	    "empty, no mail is accepted", 0)) == -1 ||
	    routes(h, o) == -1 || tls(h, o) == -1)
		return -1;
	return o->gateway ? gateway(h, o) : scanner(h, o);
}
