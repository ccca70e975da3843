/* ISC license. */
/* mailward-setup.c: write a role's home: control/, queue/, log/, service/.
 *
 * mailward-setup ROLE DIR [options]; see mailward-setup(1).  As root it
 * first creates the service users (lib/mwuser.c), then gives each spool
 * to its consumer; run scripts drop privileges with s6-setuidgid and
 * s6-envuidgid.  Control files that exist are kept unless an option
 * names them; run scripts are always rewritten (atomically). */
#include "sysdeps.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "addr.h"
#include "afile.h"
#include "control.h"
#include "hostport.h"
#include "mwlog.h"
#include "mwuser.h"
#include "mw_exit.h"
#include "sa.h"
#include "spool.h"

#define USAGE "usage: mailward-setup scanner|gateway DIR [--listen IP:PORT] " \
	"[--me NAME] [--next-hop HOST[:PORT]] [--subscriber ADDR]... " \
	"[--maildir ADDR=PATH]... [--tls-cert FILE --tls-key FILE] " \
	"[--libexec DIR] [--softlimit MIB]"
#define MAXFILE		(1UL << 20)	/* a certificate or key we copy */
#define DEF_LISTEN	"0.0.0.0:25"
#define DEF_MAXCONN	40UL
#define DEF_SOFTLIMIT	512UL		/* MiB for smtpd and spool-run */

struct opts {
	const char	*role;
	const char	*dir;
	const char	*listen;
	const char	*me;
	const char	*nexthop;
	const char	*tlscert;
	const char	*tlskey;
	const char	*libexec;
	const char	*softlimit;
	struct sa	 subs;		/* "ADDR\n"... */
	struct sa	 maildirs;	/* "ADDR PATH\n"... */
	int		 gateway;
};

/* Spools: owner = the consumer, group = the producers' group. */
static const struct mwspool {
	const char	*name;
	const char	*owner;
	const char	*group;
} mwspools[] = {
	{ "incoming",	"mwqueue",	"mwrecv" },
	{ "outbound",	"mwrelay",	"mwqueue" },
	{ "local",	"mwdeliver",	"mwqueue" },
	{ "failed",	"mwqueue",	"mwqueue" },
};

static int	 asroot;
static struct sa absdir = SA_ZERO;
static struct sa libexecdir = SA_ZERO;

static void	 die_usage(const char *, const char *) MW_NORETURN;
static void	 die_sys(const char *, const char *) MW_NORETURN;
static void	 die_nomem(void) MW_NORETURN;
static void	 owner_of(const char *, const char *, uid_t *, gid_t *);

static void
die_usage(const char *what, const char *arg)
{
	mwlog(MWLOG_FATAL, "%s%s%s", what, arg ? ": " : "", arg ? arg : "");
	(void)fprintf(stderr, "%s\n", USAGE);
	exit(MW_PERM);
}

static void
die_sys(const char *what, const char *arg)
{
	mwlog(MWLOG_FATAL, "unable to %s %s: %s", what, arg, strerror(errno));
	exit(MW_TEMP);
}

static void
die_nomem(void)
{
	mwlog(MWLOG_FATAL, "out of memory");
	exit(MW_TEMP);
}

/* --- validation ------------------------------------------------------- */

/* Bytes we put into run scripts unquoted. */
static int
path_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 1024)
		return 0;
	for (; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+,:@%=-", *s) == NULL)
			return 0;
	return 1;
}

/* IP:PORT or [IPv6]:PORT; ip gets the bare address. */
static int
listen_split(const char *s, char *ip, size_t ipsz, unsigned int *port)
{
	int	 k = hostport_parse(s, strlen(s), ip, ipsz, port);

	return (k == HOSTPORT_IPV4 || k == HOSTPORT_IPV6) && *port != 0 ?
	    0 : -1;
}

/* local@domain or @domain */
static int
rcpt_ok(const char *s)
{
	struct sa	 out = SA_ZERO;
	int		 r;

	if (*s == '@')
		return s[1] != '\0' && addr_domainok(s + 1, strlen(s + 1));
	r = addr_parse_mailbox(s, strlen(s), 0, &out);
	sa_free(&out);
	if (r == ADDR_NOMEM)
		die_nomem();
	return r == ADDR_OK && strpbrk(s, " \t") == NULL;
}

static void
tls_check(const char *cert, const char *key)
{
	SSL_CTX		*ctx;

	if ((cert == NULL) != (key == NULL))
		die_usage("--tls-cert and --tls-key go together", NULL);
	if (cert == NULL)
		return;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		die_nomem();
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		die_usage("not a PEM certificate (chain)", cert);
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		die_usage("not a PEM private key", key);
	if (SSL_CTX_check_private_key(ctx) != 1)
		die_usage("the key does not match the certificate", key);
	SSL_CTX_free(ctx);
}

/* --- users ------------------------------------------------------------- */

static void
users_ensure(void)
{
	struct sa	 did = SA_ZERO, err = SA_ZERO;
	const char	*l, *nl;

	if (mwuser_ensure(&did, &err) == -1) {
		mwlog(MWLOG_FATAL, "unable to create users: %.*s",
		    (int)err.len, err.s);
		exit(MW_TEMP);
	}
	for (l = did.s; l != NULL && l < did.s + did.len; l = nl + 1) {
		nl = memchr(l, '\n', did.len - (size_t)(l - did.s));
		mwlog(MWLOG_INFO, "%.*s", (int)(nl - l), l);
	}
	sa_free(&did);
	sa_free(&err);
}

/* As root: uid of user u (and its gid) and gid of group g; else keep. */
static void
owner_of(const char *u, const char *g, uid_t *uid, gid_t *gid)
{
	struct sa	 err = SA_ZERO;

	*uid = AFILE_KEEP;
	*gid = (gid_t)-1;
	if (asroot && mwuser_ids(u, g, uid, gid, &err) == -1) {
		mwlog(MWLOG_FATAL, "%.*s", (int)err.len, err.s);
		exit(MW_TEMP);
	}
}

/* --- files ------------------------------------------------------------- */

static int
file_exists(const char *fn)
{
	struct stat	 st;

	if (lstat(fn, &st) == 0)
		return 1;
	if (errno != ENOENT)
		die_sys("stat", fn);
	return 0;
}

/* mkdir if missing; set owner (as root) and mode every time. */
static void
dir_make(const char *fn, unsigned int mode, const char *u, const char *g)
{
	uid_t	 uid;
	gid_t	 gid;

	owner_of(u, g, &uid, &gid);
	if (afile_mkdir(fn, mode, uid, gid) == -1)
		die_sys("make directory", fn);
}

static void
file_write(const char *fn, const char *data, size_t n, unsigned int mode,
    const char *u)
{
	uid_t	 uid;
	gid_t	 gid;

	owner_of(u, NULL, &uid, &gid);
	if (afile_write(fn, data, n, mode, uid, gid) == -1)
		die_sys("write", fn);
}

static void
file_copy(const char *from, const char *to, const char *u)
{
	struct sa	 buf = SA_ZERO;
	int		 fd;

	if ((fd = open(from, O_RDONLY | O_CLOEXEC)) == -1 ||
	    spool_slurp(fd, &buf, MAXFILE) == -1)
		die_sys("read", from);
	(void)close(fd);
	file_write(to, buf.s, buf.len, 0400, u);
	sa_free(&buf);
}

/* A control file: overwrite when the command line gave it (force),
 * else write the default only if the file is missing. */
static void
control_put(const char *name, const struct sa *val, int force)
{
	char	 fn[64];

	(void)snprintf(fn, sizeof fn, "control/%s", name);
	if (force || !file_exists(fn))
		file_write(fn, val->s, val->len, 0644, NULL);
}

static void
control_puts(const char *name, const char *val, int force)
{
	struct sa	 v = SA_ZERO;

	if (sa_cats(&v, val) == -1 || sa_catc(&v, '\n') == -1)
		die_nomem();
	control_put(name, &v, force);
	sa_free(&v);
}

/* First line of a control file we wrote before, or dflt. */
static void
control_get(const char *name, const char *dflt, struct sa *out)
{
	struct sa	 err = SA_ZERO;
	char		 fn[64];
	int		 r;

	(void)snprintf(fn, sizeof fn, "control/%s", name);
	r = control_readline(fn, out, &err);
	if (r == -1) {
		mwlog(MWLOG_FATAL, "%.*s", (int)err.len, err.s);
		exit(MW_TEMP);
	}
	if ((r == 0 && sa_copys(out, dflt) == -1) || sa_0(out) == -1)
		die_nomem();
	sa_free(&err);
}

/* --- the home ----------------------------------------------------------- */

static void
home_enter(const char *dir)
{
	char	buf[PATH_MAX];

	if (afile_mkparents(dir) == -1)
		die_sys("create the parents of", dir);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		die_sys("create directory", dir);
	if (chdir(dir) == -1)
		die_sys("chdir to", dir);
	if (getcwd(buf, sizeof buf) == NULL)
		die_sys("find the path of", dir);
	if (!path_ok(buf))
		die_usage("DIR has a character run scripts cannot hold", buf);
	if (sa_copys(&absdir, buf) == -1 || sa_0(&absdir) == -1)
		die_nomem();
}

static void
role_check(const struct opts *o)
{
	struct sa	 r = SA_ZERO;

	if (!file_exists("control"))
		return;
	control_get("role", o->role, &r);
	if (!sa_eqs(&r, o->role)) {
		mwlog(MWLOG_FATAL, "%s is a %s home, not a %s home", absdir.s,
		    r.s, o->role);
		exit(MW_PERM);
	}
	sa_free(&r);
}

static void
control_tls(const struct opts *o)
{
	if (o->tlscert == NULL)
		return;
	dir_make("control/tls", 0700, "mwrecv", NULL);
	file_copy(o->tlscert, "control/tls/cert.pem", "mwrecv");
	file_copy(o->tlskey, "control/tls/key.pem", "mwrecv");
	control_puts("tlscert", "control/tls/cert.pem", 1);
	control_puts("tlskey", "control/tls/key.pem", 1);
}

static void
control_write(const struct opts *o)
{
	struct sa	 r = SA_ZERO;
	char		 host[256];

	dir_make("control", 0755, NULL, NULL);
	control_puts("role", o->role, 0);
	if (o->me == NULL && !file_exists("control/me")) {
		if (gethostname(host, sizeof host) == -1)
			die_sys("get", "the host name");
		host[sizeof host - 1] = '\0';
		if (!addr_domainok(host, strlen(host)))
			die_usage("the host name is no domain name; use --me",
			    host);
		control_puts("me", host, 0);
	} else if (o->me != NULL)
		control_puts("me", o->me, 1);
	control_puts("listen", o->listen ? o->listen : DEF_LISTEN, !!o->listen);
	control_puts("softlimit", o->softlimit ? o->softlimit : "512",
	    !!o->softlimit);
	control_puts("concurrencysmtpd", "40", 0);
	if (o->subs.len > 0)
		control_put("subscribers", &o->subs, 1);
	else
		control_puts("subscribers", "# one address or @domain a line;"
		    " while empty, no mail is accepted", 0);
	if (o->gateway && o->maildirs.len > 0)
		control_put("maildirs", &o->maildirs, 1);
	else if (o->gateway)
		control_puts("maildirs", "# ADDRESS PATH or @domain PATH", 0);
	if (o->nexthop != NULL) {
		if (sa_catf(&r, "* %s\n", o->nexthop) == -1)
			die_nomem();
		control_put("routes", &r, 1);
		sa_free(&r);
	} else
		control_puts("routes", "# DOMAIN NEXTHOP [tls=require];"
		    " no route: DNS MX", 0);
	control_tls(o);
}

static void
queue_make(void)
{
	static const char *const sub[] = { "", "/tmp", "/new" };
	const struct mwspool *q;
	char		 fn[64];
	size_t		 i, j;

	dir_make("queue", 0755, NULL, NULL);
	for (i = 0; i < sizeof mwspools / sizeof mwspools[0]; i++) {
		q = &mwspools[i];
		for (j = 0; j < 3; j++) {
			(void)snprintf(fn, sizeof fn, "queue/%s%s", q->name,
			    sub[j]);
			dir_make(fn, asroot ? 02770 : 0700, q->owner, q->group);
		}
	}
}

static void
maildirs_make(const struct opts *o)
{
	static const char *const sub[] = { "", "/cur", "/new", "/tmp" };
	struct sa	 fn = SA_ZERO;
	const char	*l, *sp, *nl;
	size_t		 j;

	for (l = o->maildirs.s; l != NULL && l < o->maildirs.s +
	    o->maildirs.len; l = nl + 1) {
		nl = memchr(l, '\n', o->maildirs.len - (size_t)(l -
		    o->maildirs.s));
		sp = (const char *)memchr(l, ' ', (size_t)(nl - l)) + 1;
		for (j = 0; j < 4; j++) {
			fn.len = 0;
			if (sa_catb(&fn, sp, (size_t)(nl - sp)) == -1 ||
			    sa_cats(&fn, sub[j]) == -1 || sa_0(&fn) == -1)
				die_nomem();
			if (j == 0 && afile_mkparents(fn.s) == -1)
				die_sys("create the parents of", fn.s);
			dir_make(fn.s, 0700, "mwdeliver", NULL);
		}
	}
	sa_free(&fn);
}

/* --- services ----------------------------------------------------------- */

struct home {
	struct sa	 me;
	struct sa	 listen;
	unsigned long	 maxconn;
	unsigned long	 softlimit;	/* MiB, 0 = none */
};

static void
home_read(struct home *h)
{
	struct sa	 err = SA_ZERO;
	char		 ip[64];
	unsigned int	 port;

	control_get("me", "localhost", &h->me);
	control_get("listen", DEF_LISTEN, &h->listen);
	if (listen_split(h->listen.s, ip, sizeof ip, &port) == -1) {
		mwlog(MWLOG_FATAL, "control/listen line 1: not IP:PORT");
		exit(MW_TEMP);
	}
	if (control_readuint("control/concurrencysmtpd", 1, 10000,
	    DEF_MAXCONN, &h->maxconn, &err) == -1 ||
	    control_readuint("control/softlimit", 0, 65536, DEF_SOFTLIMIT,
	    &h->softlimit, &err) == -1) {
		mwlog(MWLOG_FATAL, "%.*s", (int)err.len, err.s);
		exit(MW_TEMP);
	}
	sa_free(&err);
}

/* "s6-softlimit -m BYTES s6-setuidgid USER " as needed */
static void
cmd_prefix(struct sa *c, const struct home *h, int limit, const char *user)
{
	int	 r = 0;

	if (limit && h->softlimit > 0)
		r |= sa_catf(c, "s6-softlimit -m %lu \\\n    ",
		    h->softlimit << 20);
	if (asroot && user != NULL)
		r |= sa_catf(c, "s6-setuidgid %s ", user);
	if (r != 0)
		die_nomem();
}

static void
cmd_smtpd(struct sa *c, const struct home *h)
{
	char		 ip[64];
	unsigned int	 port;

	(void)listen_split(h->listen.s, ip, sizeof ip, &port);
	cmd_prefix(c, h, 1, NULL);
	if (sa_catf(c, "%stcpserver%s -v -R -H -l %s -c %lu -- %s %u \\\n"
	    "    %s/smtp-recv\n", asroot ? "s6-envuidgid mwrecv " : "",
	    asroot ? " -U" : "", path_ok(h->me.s) ? h->me.s : "0",
	    h->maxconn, ip, port, libexecdir.s) == -1)
		die_nomem();
}

static void
cmd_service(struct sa *c, const struct home *h, const char *svc, int gw)
{
	int	 r;

	if (strcmp(svc, "smtpd") == 0) {
		cmd_smtpd(c, h);
		return;
	}
	if (strcmp(svc, "relay") == 0) {
		cmd_prefix(c, h, 0, "mwrelay");
		r = sa_catf(c, "%s/relay\n", libexecdir.s);
	} else if (strcmp(svc, "incoming") == 0) {
		cmd_prefix(c, h, 1, "mwqueue");
		r = sa_catf(c, "%s/spool-run -o queue/%s -f queue/failed "
		    "queue/incoming\n", libexecdir.s, gw ? "local" : "outbound");
	} else {
		cmd_prefix(c, h, 1, "mwdeliver");
		r = sa_catf(c, "%s/spool-run -f queue/failed queue/local \\\n"
		    "    %s/deliver-maildir\n", libexecdir.s, libexecdir.s);
	}
	if (r == -1)
		die_nomem();
}

static void
service_make(const struct home *h, const char *svc, const char *role)
{
	struct sa	 s = SA_ZERO;
	char		 fn[64];
	int		 r;

	r = sa_catf(&s, "#!/bin/sh\n# mailward %s: service %s, written by "
	    "mailward-setup(1); rerun it to change this file\nexec 2>&1\n"
	    "cd %s || exit 111\nexec ", role, svc, absdir.s);
	if (r == -1)
		die_nomem();
	cmd_service(&s, h, svc, strcmp(role, "gateway") == 0);
	(void)snprintf(fn, sizeof fn, "service/%s", svc);
	dir_make(fn, 0755, NULL, NULL);
	(void)snprintf(fn, sizeof fn, "service/%s/run", svc);
	file_write(fn, s.s, s.len, 0755, NULL);
	(void)snprintf(fn, sizeof fn, "service/%s/log", svc);
	dir_make(fn, 0755, NULL, NULL);
	(void)snprintf(fn, sizeof fn, "log/%s", svc);
	dir_make(fn, 0750, "mwlog", NULL);
	s.len = 0;
	if (sa_catf(&s, "#!/bin/sh\nexec %ss6-log t n20 s1000000 %s/log/%s\n",
	    asroot ? "s6-setuidgid mwlog " : "", absdir.s, svc) == -1)
		die_nomem();
	(void)snprintf(fn, sizeof fn, "service/%s/log/run", svc);
	file_write(fn, s.s, s.len, 0755, NULL);
	sa_free(&s);
}

static void
services_make(const struct opts *o)
{
	static const char *const scanner[] = { "smtpd", "incoming", "relay",
	    NULL };
	static const char *const gateway[] = { "smtpd", "incoming", "local",
	    "relay", NULL };
	const char *const *svc = o->gateway ? gateway : scanner;
	struct home	 h = { SA_ZERO, SA_ZERO, 0, 0 };

	home_read(&h);
	dir_make("log", 0755, NULL, NULL);
	dir_make("service", 0755, NULL, NULL);
	for (; *svc != NULL; svc++)
		service_make(&h, *svc, o->role);
	(void)printf("mailward-setup: %s home %s ready (smtpd on %s, "
	    "libexec %s)\nrun it with: s6-svscan %s/service\n", o->role,
	    absdir.s, h.listen.s, libexecdir.s, absdir.s);
	sa_free(&h.me);
	sa_free(&h.listen);
}

/* --- options ------------------------------------------------------------ */

#ifndef MW_LIBEXECDIR
#define MW_LIBEXECDIR "/usr/local/libexec/mailward"
#endif

static int
has_recv(const char *dir)
{
	char	 fn[PATH_MAX];

	(void)snprintf(fn, sizeof fn, "%s/smtp-recv", dir);
	return access(fn, X_OK) == 0;
}

/* --libexec, else ../libexec next to this program (build tree), else
 * the compiled-in directory. */
static void
libexec_find(const char *opt)
{
	char	 self[PATH_MAX], buf[PATH_MAX], *s;
	ssize_t	 n;
	int	 explicit = opt != NULL;

	if (opt == NULL) {
		opt = MW_LIBEXECDIR;
		n = readlink("/proc/self/exe", self, sizeof self - 1);
		if (n > 0) {
			self[n] = '\0';
			if ((s = strrchr(self, '/')) != NULL)
				(void)snprintf(s, sizeof self - (size_t)(s -
				    self), "/../libexec");
			if (has_recv(self))
				opt = self;
		}
	}
	if (realpath(opt, buf) == NULL) {
		if (errno != ENOENT || explicit)
			die_sys("find the libexec directory", opt);
		(void)snprintf(buf, sizeof buf, "%s", opt);
	}
	if (!path_ok(buf))
		die_usage("libexec path has a character run scripts cannot "
		    "hold", buf);
	if (!has_recv(buf))
		mwlog(MWLOG_WARN, "%s/smtp-recv is not there (yet)", buf);
	if (sa_copys(&libexecdir, buf) == -1 || sa_0(&libexecdir) == -1)
		die_nomem();
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

static void
opt_maildir(struct opts *o, const char *v)
{
	const char	*at = strchr(v, '@'), *eq;
	char		 a[ADDR_MAXPATH + 2];

	eq = at != NULL ? strchr(at, '=') : NULL;
	if (eq == NULL || eq[1] == '\0' || (size_t)(eq - v) >= sizeof a)
		die_usage("--maildir wants ADDR=PATH", v);
	(void)snprintf(a, sizeof a, "%.*s", (int)(eq - v), v);
	if (!rcpt_ok(a))
		die_usage("not an address or @domain", a);
	if (!path_ok(eq + 1))
		die_usage("a Maildir path of letters, digits and ._/+,:@%=-",
		    eq + 1);
	if (list_has(&o->maildirs, a, ' '))
		die_usage("--maildir given twice for", a);
	if (sa_catf(&o->maildirs, "%s %s\n", a, eq + 1) == -1 ||
	    (!list_has(&o->subs, a, '\n') &&
	    sa_catf(&o->subs, "%s\n", a) == -1))
		die_nomem();
}

static void
opt_set(struct opts *o, const char *name, size_t n, const char *v)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} strs[] = {
		{ "listen",	offsetof(struct opts, listen) },
		{ "me",		offsetof(struct opts, me) },
		{ "next-hop",	offsetof(struct opts, nexthop) },
		{ "tls-cert",	offsetof(struct opts, tlscert) },
		{ "tls-key",	offsetof(struct opts, tlskey) },
		{ "libexec",	offsetof(struct opts, libexec) },
		{ "softlimit",	offsetof(struct opts, softlimit) },
	};
	size_t	 i;

	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (strlen(strs[i].name) == n - 2 &&
		    memcmp(strs[i].name, name + 2, n - 2) == 0) {
			*(const char **)(void *)((char *)o + strs[i].off) = v;
			return;
		}
	if (n == 9 && memcmp(name, "--maildir", 9) == 0)
		opt_maildir(o, v);
	else if (n == 12 && memcmp(name, "--subscriber", 12) == 0) {
		if (!rcpt_ok(v))
			die_usage("not an address or @domain", v);
		if (!list_has(&o->subs, v, '\n') &&
		    sa_catf(&o->subs, "%s\n", v) == -1)
			die_nomem();
	} else
		die_usage("unknown option", name);
}

static void
opts_parse(struct opts *o, int argc, char **argv)
{
	const char	*eq, *v;
	size_t		 n;
	int		 i;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		(void)printf("%s\n", USAGE);
		exit(0);
	}
	if (argc < 3)
		die_usage("missing ROLE or DIR", NULL);
	o->role = argv[1];
	o->dir = argv[2];
	for (i = 3; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0)
			die_usage("unexpected argument", argv[i]);
		if ((eq = strchr(argv[i], '=')) != NULL) {
			n = (size_t)(eq - argv[i]);
			v = eq + 1;
		} else if (i + 1 < argc) {
			n = strlen(argv[i]);
			v = argv[++i];
		} else
			die_usage("missing value for", argv[i]);
		opt_set(o, argv[i - (eq == NULL)], n, v);
	}
}

static void
opts_check(struct opts *o)
{
	char		 ip[HOSTPORT_MAXHOST];
	unsigned int	 port;
	unsigned long	 u;

	if (strcmp(o->role, "gateway") == 0)
		o->gateway = 1;
	else if (strcmp(o->role, "scanner") != 0)
		die_usage("ROLE is scanner or gateway", o->role);
	if (!path_ok(o->dir))
		die_usage("DIR wants letters, digits and ._/+,:@%=-", o->dir);
	if (o->listen && listen_split(o->listen, ip, sizeof ip, &port) == -1)
		die_usage("--listen wants IP:PORT or [IPv6]:PORT", o->listen);
	if (o->me && !addr_domainok(o->me, strlen(o->me)))
		die_usage("--me wants a domain name", o->me);
	if (o->nexthop && hostport_parse(o->nexthop, strlen(o->nexthop), ip,
	    sizeof ip, &port) == HOSTPORT_BAD)
		die_usage("--next-hop wants HOST[:PORT] or [IPv6][:PORT]",
		    o->nexthop);
	if (o->softlimit && control_scanuint(o->softlimit,
	    strlen(o->softlimit), 0, 65536, &u) == -1)
		die_usage("--softlimit wants MiB in 0..65536", o->softlimit);
	if (o->maildirs.len > 0 && !o->gateway)
		die_usage("--maildir is for the gateway role", NULL);
	tls_check(o->tlscert, o->tlskey);
}

int
main(int argc, char **argv)
{
	struct opts	 o;

	mwlog_init("mailward-setup");
	memset(&o, 0, sizeof o);
	opts_parse(&o, argc, argv);
	opts_check(&o);
	asroot = geteuid() == 0;
	umask(022);
	libexec_find(o.libexec);
	if (asroot)
		users_ensure();
	home_enter(o.dir);
	role_check(&o);
	control_write(&o);
	queue_make();
	maildirs_make(&o);
	services_make(&o);
	sa_free(&o.subs);
	sa_free(&o.maildirs);
	return 0;
}
