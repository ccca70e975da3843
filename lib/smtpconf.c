/* ISC license. */
/* smtpconf.c: smtp-recv's settings from its control files; see
 * smtpconf.h. */
#include "sysdeps.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "addr.h"
#include "control.h"
#include "envelope.h"
#include "mwlog.h"
#include "sa.h"
#include "smtpconf.h"
#include "smtpline.h"
#include "subscr.h"

#define LIMIT(name, min, max, dflt, field) \
	{ name, min, max, dflt, offsetof(struct smtpconf, field) }

/* the numbers; FILES in smtp-recv(8) says the same */
const struct smtpconf_limit smtpconf_limits[SMTPCONF_NLIMITS] = {
	LIMIT("databytes", 1, 1UL << 30, 35UL << 20, databytes),
	LIMIT("maxrcpt", 1, ENVELOPE_MAXRCPT, 100, maxrcpt),
	LIMIT("linelimit", 512, SMTPLINE_HARDMAX, 2048, linelimit),
	LIMIT("timeoutsmtpd", 1, 86400, 300, timeout),
	LIMIT("maxerrors", 1, 1000, 10, maxerrors),
	LIMIT("greetdelay", 0, 30000, 0, greetdelay),
};

/* one smtpconf_read() */
struct rd {
	const char	*dir;
	struct sa	 fn;		/* DIR/NAME, NUL-terminated */
	struct sa	*err;
};

static int	rd_nomem(struct rd *);
static int	rd_bad(struct rd *, int);
static const char *rd_path(struct rd *, const char *);
static int	rd_line(struct rd *, const char *, struct sa *);
static int	read_limits(struct smtpconf *, struct rd *);
static int	read_me(struct smtpconf *, struct rd *);
static int	read_barelf(struct smtpconf *, struct rd *);
static int	read_subs(struct smtpconf *, struct rd *);
static int	read_tls(struct smtpconf *, struct rd *);

static int
rd_nomem(struct rd *r)
{
	r->err->len = 0;
	errno = ENOMEM;
	return -1;
}

/* After sa_catf() of the reason into err: its result. */
static int
rd_bad(struct rd *r, int catf)
{
	if (catf == -1)
		return rd_nomem(r);
	errno = EINVAL;
	return -1;
}

static const char *
rd_path(struct rd *r, const char *name)
{
	r->fn.len = 0;
	if (sa_cats(&r->fn, r->dir) == -1 || sa_catc(&r->fn, '/') == -1 ||
	    sa_cats(&r->fn, name) == -1 || sa_0(&r->fn) == -1)
		return NULL;
	return r->fn.s;
}

/* control_readline() of DIR/NAME: -1, 0 absent, 1 read. */
static int
rd_line(struct rd *r, const char *name, struct sa *out)
{
	if (rd_path(r, name) == NULL)
		return rd_nomem(r);
	return control_readline(r->fn.s, out, r->err);
}

static int
read_limits(struct smtpconf *cf, struct rd *r)
{
	const struct smtpconf_limit	*l;
	unsigned long			*v;

	for (l = smtpconf_limits; l < smtpconf_limits + SMTPCONF_NLIMITS;
	    l++) {
		v = (unsigned long *)(void *)((char *)cf + l->off);
		if (rd_path(r, l->name) == NULL)
			return rd_nomem(r);
		if (control_readuint(r->fn.s, l->min, l->max, l->dflt, v,
		    r->err) == -1)
			return -1;
	}
	return 0;
}

static int
read_me(struct smtpconf *cf, struct rd *r)
{
	int	 rc;

	if ((rc = rd_line(r, "me", &cf->me)) == -1)
		return -1;
	if ((rc == 0 && sa_copys(&cf->me, "localhost") == -1) ||
	    sa_0(&cf->me) == -1)
		return rd_nomem(r);
	if (addr_domainok(cf->me.s, cf->me.len))
		return 0;
	r->err->len = 0;
	return rd_bad(r, sa_catf(r->err, "%s/me line 1: not a domain name",
	    r->dir));
}

static int
read_barelf(struct smtpconf *cf, struct rd *r)
{
	struct sa	 v = SA_ZERO;
	int		 rc;

	rc = rd_line(r, "barelf", &v);
	cf->barelf = rc == 1 && sa_eqs(&v, "reject");
	if (rc == 1 && !cf->barelf && !sa_eqs(&v, "normalize")) {
		r->err->len = 0;
		rc = rd_bad(r, sa_catf(r->err, "%s/barelf line 1: not "
		    "normalize or reject", r->dir));
	}
	sa_free(&v);
	return rc == -1 ? -1 : 0;
}

static int
read_subs(struct smtpconf *cf, struct rd *r)
{
	const char	*bad;
	char		 e[300];
	size_t		 n;

	if (rd_path(r, "subscribers") == NULL)
		return rd_nomem(r);
	if (control_readlist(r->fn.s, &cf->subs, &n, r->err) == -1)
		return -1;
	if (subscr_check(&cf->subs, &bad) == 0)
		return 0;
	r->err->len = 0;
	return rd_bad(r, sa_catf(r->err, "%s/subscribers: not an address "
	    "or @domain: %s", r->dir, mwlog_escs(e, sizeof e, bad)));
}

static int
read_tls(struct smtpconf *cf, struct rd *r)
{
	int	 rc, rk;

	if ((rc = rd_line(r, "tlscert", &cf->tlscert)) == -1 ||
	    (rk = rd_line(r, "tlskey", &cf->tlskey)) == -1)
		return -1;
	if (rc != rk) {
		r->err->len = 0;
		return rd_bad(r, sa_catf(r->err, "%s/tlscert and %s/tlskey "
		    "go together", r->dir, r->dir));
	}
	if (rc == 1 && (sa_0(&cf->tlscert) == -1 || sa_0(&cf->tlskey) == -1))
		return rd_nomem(r);
	return 0;
}

int
smtpconf_read(struct smtpconf *cf, const char *dir, struct sa *err)
{
	struct rd	 r = { dir, SA_ZERO, err };
	int		 rc = 0, e;

	if (read_limits(cf, &r) == -1 || read_me(cf, &r) == -1 ||
	    read_barelf(cf, &r) == -1 || read_subs(cf, &r) == -1 ||
	    read_tls(cf, &r) == -1)
		rc = -1;
	e = errno;
	sa_free(&r.fn);
	errno = e;
	return rc;
}

void
smtpconf_free(struct smtpconf *cf)
{
	sa_free(&cf->me);
	sa_free(&cf->subs);
	sa_free(&cf->tlscert);
	sa_free(&cf->tlskey);
}

const char *
smtpconf_remote(const char *ip)
{
	if (ip == NULL)
		return NULL;
	if (strlen(ip) > 45 || ip[strspn(ip, "0123456789abcdefABCDEF.:")])
		return "unknown";
	return ip;
}
