/* ISC license. */
/* mailward-setup.c: write a role's home: control/, queue/, log/, service/.
 *
 * mailward-setup ROLE DIR [options]; see mailward-setup(1).  As root it
 * first creates the service users (lib/mwuser.c), then gives each spool
 * to its consumer (lib/mwhome.c); each role's services and their
 * commands are lib/rolesvc.c's, and their run scripts drop privileges
 * with s6-setuidgid and s6-envuidgid (lib/svcdir.c).  A scanner also
 * gets its status key pair in keys/ (lib/keydir.c, shared with
 * mailward-keygen).  Control files that exist are kept unless an option
 * names them (lib/setupctl.c); run scripts are always rewritten
 * (atomically). */
#include "sysdeps.h"

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "control.h"
#include "mwhome.h"
#include "mwlog.h"
#include "mwuser.h"
#include "mw_exit.h"
#include "progdir.h"
#include "rolesvc.h"
#include "rmtree.h"
#include "sa.h"
#include "setupctl.h"
#include "setupopt.h"
#include "stages.h"
#include "stamp.h"
#include "svcdir.h"

#define USAGE "usage: mailward-setup scanner|gateway DIR [--listen IP:PORT] " \
	"[--me NAME] [--next-hop HOST[:PORT]] [--subscriber ADDR]... " \
	"[--maildir ADDR=PATH]... [--tls-cert FILE --tls-key FILE] " \
	"[--libexec DIR] [--softlimit MIB] [--softlimit-scan MIB] " \
	"[--databases DIR] [--stages ENGINE,...] [--clamd ADDR] " \
	"[--scanexec FILE] [--chain-key PUBKEY]... [--group HOST[:PORT]]... " \
	"[--group-key PUBKEY]... [--scanner-net CIDR]... " \
	"[--scan-policy stamp|source|either|both] " \
	"[--internal DOMAIN=NEXTHOP]..."

#ifndef MW_LIBEXECDIR
#define MW_LIBEXECDIR "/usr/local/libexec/mailward"
#endif

/* The services of each role: lib/rolesvc.c; the scanner's scan stages
 * from control/stages (scan_services()); both roles expire their
 * quarantine hourly (expire_service()). */
#define SCANNER		MWHOME_SCANNER
#define GATEWAY		MWHOME_GATEWAY

static struct mwhome home = MWHOME_ZERO;
static const char *roledesc;		/* for the run scripts */
static struct sa absdir = SA_ZERO;
static struct sa libexecdir = SA_ZERO;

static void	 die_usage(const char *, const char *) MW_NORETURN;
static void	 die_sys(const char *, const char *) MW_NORETURN;
static void	 die_nomem(void) MW_NORETURN;
static void	 die_home(void) MW_NORETURN;
static void	 keys_write(const struct sa *, const char *, const char *);

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

/* a lib/mwhome.c or lib/svcdir.c failure, reason in home.err */
static void
die_home(void)
{
	mwlog(MWLOG_FATAL, "%.*s", (int)home.err.len, home.err.s);
	exit(MW_TEMP);
}

/* --- users and files ---------------------------------------------------- */

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

static int
file_exists(const char *fn)
{
	int	 r = mwhome_exists(&home, fn);

	if (r == -1)
		die_home();
	return r;
}

/* mkdir if missing; set owner (as root) and mode every time. */
static void
dir_make(const char *fn, unsigned int mode, const char *u, const char *g)
{
	if (mwhome_mkdir(&home, fn, mode, u, g) == -1)
		die_home();
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
	char	*abs;

	if (afile_mkparents(dir) == -1)
		die_sys("create the parents of", dir);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		die_sys("create directory", dir);
	if (chdir(dir) == -1)
		die_sys("chdir to", dir);
	if ((abs = realpath(".", NULL)) == NULL)
		die_sys("find the path of", dir);
	if (!svcdir_wordok(abs))
		die_usage("DIR has a character run scripts cannot hold", abs);
	if (sa_copys(&absdir, abs) == -1 || sa_0(&absdir) == -1)
		die_nomem();
	free(abs);
}

static void
role_check(const struct setupopt *o)
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
maildirs_make(const struct setupopt *o)
{
	struct sa	 fn = SA_ZERO;
	const char	*l, *sp, *nl;

	for (l = o->maildirs.s; l != NULL && l < o->maildirs.s +
	    o->maildirs.len; l = nl + 1) {
		nl = memchr(l, '\n', o->maildirs.len - (size_t)(l -
		    o->maildirs.s));
		sp = (const char *)memchr(l, ' ', (size_t)(nl - l)) + 1;
		if (sa_copyb(&fn, sp, (size_t)(nl - sp)) == -1 ||
		    sa_0(&fn) == -1)
			die_nomem();
		if (mwhome_maildir(&home, fn.s) == -1)
			die_home();
	}
	sa_free(&fn);
}

/* control/stages, checked */
static void
stages_read(struct stages *sg)
{
	struct sa	 s = SA_ZERO;
	char		 bad[32];

	control_get("stages", "clamav", &s);
	if (stages_parse(s.s, s.len, sg, bad, sizeof bad) == -1) {
		mwlog(MWLOG_FATAL, "control/stages line 1: not a list of "
		    "clamav, clamd, exec, each once: %s", bad);
		exit(MW_TEMP);
	}
	sa_free(&s);
}

/* Public keys (the list "/ABS/PATH\n"...) into DIR/KEYID.pub, owned by
 * the user who reads them (mwqueue: the incoming service): a scanner's
 * --chain-key (control/chainkeys, for stamp-status -i), a gateway's
 * --group-key (control/groupkeys, for classify). */
static void
keys_write(const struct sa *list, const char *dir, const char *what)
{
	struct sa	 fn = SA_ZERO;
	const char	*l, *nl;
	char		 kid[STAMP_KEYIDLEN + 1];

	for (l = list->s; l != NULL && l < list->s + list->len; l = nl + 1) {
		nl = memchr(l, '\n', list->len - (size_t)(l - list->s));
		if (sa_copyb(&fn, l, (size_t)(nl - l)) == -1 ||
		    sa_0(&fn) == -1)
			die_nomem();
		if (mwhome_pubkey(&home, fn.s, dir, "mwqueue", kid) == -1)
			die_home();
		(void)printf("mailward-setup: %s %s\n", what, kid);
	}
	sa_free(&fn);
}

/* 1 if the directory dir holds a key (a .pub file) */
static int
keys_have(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	size_t		 n;
	int		 r = 0;

	while (d != NULL && r == 0 && (e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		r = e->d_name[0] != '.' && n > 4 &&
		    strcmp(e->d_name + n - 4, ".pub") == 0;
	}
	if (d != NULL)
		(void)closedir(d);
	return r;
}

/* The settings (lines) in control file fn; 0 if it is missing. */
static size_t
control_count(const char *fn)
{
	struct sa	 l = SA_ZERO, err = SA_ZERO;
	size_t		 n = 0;

	if (control_readlist(fn, &l, &n, &err) == -1) {
		mwlog(MWLOG_FATAL, "%.*s", (int)err.len, err.s);
		exit(MW_TEMP);
	}
	sa_free(&l);
	sa_free(&err);
	return n;
}

/* The scan stages' spools after the first and work directory
 * (libclamav's and vendors' temporary files), and the status key pair,
 * which only mwstamp can read. */
static void
scanner_make(const struct setupopt *o)
{
	struct stages	 sg;
	char		 kid[STAMP_KEYIDLEN + 1], sp[STAGES_SPOOLSZ];
	size_t		 i;
	int		 made;

	if (o->gateway)
		return;
	keys_write(&o->chainkeys, "control/chainkeys", "chain key (its "
	    "stamps' stages are carried into this scanner's):");
	stages_read(&sg);
	for (i = 1; i < sg.n; i++) {
		stages_spool(i, sp, sizeof sp);
		if (mwhome_spool(&home, sp, "mwscan", "mwscan") == -1)
			die_home();
	}
	dir_make("tmp", 0700, "mwscan", NULL);
	if (mwhome_keys(&home, "keys", "mwstamp", kid, &made) == -1)
		die_home();
	(void)printf("mailward-setup: %s status key %s; the gateways need "
	    "%s/keys/status.pub\n", made ? "new" : "kept the", kid, absdir.s);
}

/* --- services ----------------------------------------------------------- */

struct home {
	struct sa	 me;
	struct sa	 listen;
	char		 ip[64];
	unsigned int	 port;
	unsigned long	 maxconn;
	unsigned long	 softlimit[3];	/* MiB by rolesvc_limit, 0: none */
};

static void
home_read(struct home *h)
{
	struct sa	 err = SA_ZERO;

	control_get("me", "localhost", &h->me);
	control_get("listen", SETUPCTL_LISTEN, &h->listen);
	if (setupopt_listen(h->listen.s, h->ip, sizeof h->ip, &h->port) ==
	    -1) {
		mwlog(MWLOG_FATAL, "control/listen line 1: not IP:PORT");
		exit(MW_TEMP);
	}
	if (control_readuint("control/concurrencysmtpd", 1, 10000,
	    SETUPCTL_MAXCONN, &h->maxconn, &err) == -1 ||
	    control_readuint("control/softlimit", 0, 65536, SETUPCTL_SOFTLIMIT,
	    &h->softlimit[ROLESVC_LIMIT], &err) == -1 ||
	    control_readuint("control/softlimitscan", 0, 65536,
	    SETUPCTL_SOFTSCAN, &h->softlimit[ROLESVC_SCANLIMIT], &err) ==
	    -1) {
		mwlog(MWLOG_FATAL, "%.*s", (int)err.len, err.s);
		exit(MW_TEMP);
	}
	sa_free(&err);
}

/* The command of a service, for its run script. */
static void
service_cmd(struct sa *c, const struct rolesvc *sv, const struct home *h)
{
	struct rolesvc_ctx	 x;

	x.libexec = libexecdir.s;
	x.me = h->me.s;
	x.ip = h->ip;
	x.port = h->port;
	x.maxconn = h->maxconn;
	x.asroot = home.asroot;
	if (rolesvc_cmd(c, sv, &x) == -1)
		die_nomem();
}

static void
service_write(const char *name, const char *user, unsigned long mib,
    int tcp, const char *cmd)
{
	struct svcdir	 d;

	d.name = name;
	d.role = roledesc;
	d.home = absdir.s;
	d.softlimit = mib << 20;
	d.user = home.asroot && !tcp ? user : NULL;
	d.cmd = cmd;
	d.loguser = home.asroot ? "mwlog" : NULL;
	if (svcdir_write(&d, &home.err) == -1)
		die_home();
}

/* One service per scan stage, the first named "scan"; those of a longer
 * chain written before are removed (s6-svscan stops them). */
static void
scan_services(const struct home *h)
{
	struct stages	 sg;
	struct sa	 cmd = SA_ZERO, dir = SA_ZERO;
	char		 in[STAGES_SPOOLSZ], out[STAGES_SPOOLSZ];
	size_t		 i;

	stages_read(&sg);
	for (i = 0; i < sg.n; i++) {
		stages_spool(i, in, sizeof in);
		if (i + 1 < sg.n)
			stages_spool(i + 1, out, sizeof out);
		else
			(void)snprintf(out, sizeof out, "stamp");
		cmd.len = 0;
		if (sa_catf(&cmd, "%s/%s -D -i queue/%s -o queue/%s "
		    "-q queue/notify", libexecdir.s, sg.st[i]->prog, in,
		    out) == -1 || sa_0(&cmd) == -1)
			die_nomem();
		service_write(in, "mwscan", h->softlimit[sg.st[i]->bigengine ?
		    ROLESVC_SCANLIMIT : ROLESVC_LIMIT], 0, cmd.s);
	}
	for (i = sg.n; i < STAGES_MAX; i++) {
		stages_spool(i, in, sizeof in);
		dir.len = 0;
		if (sa_catf(&dir, "service/%s", in) == -1 || sa_0(&dir) == -1)
			die_nomem();
		if (rmtree(dir.s) == -1)
			die_sys("remove", dir.s);
	}
	sa_free(&cmd);
	sa_free(&dir);
}

/* The quarantine's expiry, hourly: mailward-quarantine from this
 * program's own directory (bin/), as the quarantine's owner. */
static void
expire_service(const struct home *h, const char *owner)
{
	struct sa	 bin = SA_ZERO, cmd = SA_ZERO;

	if (progdir_find(&bin, NULL, ".", "/usr/local/bin",
	    "mailward-quarantine") == -1)
		die_sys("find the directory of", "mailward-quarantine");
	if (!svcdir_wordok(bin.s))
		die_usage("bin path has a character run scripts cannot hold",
		    bin.s);
	if (sa_catf(&cmd, "sh -c '%s/mailward-quarantine expire; "
	    "exec sleep 3600'", bin.s) == -1 || sa_0(&cmd) == -1)
		die_nomem();
	service_write("expire", owner, h->softlimit[ROLESVC_LIMIT], 0, cmd.s);
	sa_free(&bin);
	sa_free(&cmd);
}

/* 1 if control/scanpolicy (default stamp) wants a valid stamp */
static int
stamped(void)
{
	struct sa	 p = SA_ZERO;
	int		 r;

	control_get("scanpolicy", "stamp", &p);
	r = sa_eqs(&p, "stamp") || sa_eqs(&p, "both");
	sa_free(&p);
	return r;
}

static void
services_make(const struct setupopt *o)
{
	const struct rolesvc *sv;
	struct home	 h = { .me = SA_ZERO, .listen = SA_ZERO };
	struct sa	 cmd = SA_ZERO;

	home_read(&h);
	roledesc = o->role;
	if (o->gateway && control_count("control/group") == 0)
		mwlog(MWLOG_WARN, "no group yet (--group, control/group): "
		    "mail that is not scanned waits in queue/togroup until "
		    "control/group names the scanning group");
	if (o->gateway && !keys_have("control/groupkeys") && stamped())
		mwlog(MWLOG_WARN, "no group key (--group-key, "
		    "control/groupkeys): the scan policy wants a stamp, so "
		    "nothing can be delivered until the group's status.pub "
		    "is there");
	for (sv = rolesvc; sv < rolesvc + rolesvc_n; sv++) {
		if ((sv->roles & (o->gateway ? GATEWAY : SCANNER)) == 0)
			continue;
		if (!o->gateway && strcmp(sv->name, "incoming") == 0 &&
		    keys_have("control/chainkeys")) {
			struct rolesvc	 chained = *sv;

			chained.filter = "stamp-status -i -K control/chainkeys";
			service_cmd(&cmd, &chained, &h);
		} else
			service_cmd(&cmd, sv, &h);
		service_write(sv->name, sv->user, h.softlimit[sv->limit],
		    sv->tcp, cmd.s);
	}
	if (!o->gateway)
		scan_services(&h);
	expire_service(&h, o->gateway ? "mwqueue" : "mwscan");
	(void)printf("mailward-setup: %s home %s ready (smtpd on %s, "
	    "libexec %s)\nrun it with: s6-svscan %s/service\n", o->role,
	    absdir.s, h.listen.s, libexecdir.s, absdir.s);
	sa_free(&cmd);
	sa_free(&h.me);
	sa_free(&h.listen);
}

/* --- options ------------------------------------------------------------ */

/* --libexec, else ../libexec next to this program (build tree), else
 * the compiled-in directory. */
static void
libexec_find(const char *opt)
{
	int	 r = progdir_find(&libexecdir, opt, "../libexec", MW_LIBEXECDIR,
	    "smtp-recv");

	if (r == -1)
		die_sys("find the libexec directory", libexecdir.len > 0 ?
		    libexecdir.s : MW_LIBEXECDIR);
	if (!svcdir_wordok(libexecdir.s))
		die_usage("libexec path has a character run scripts cannot "
		    "hold", libexecdir.s);
	if (r == 0)
		mwlog(MWLOG_WARN, "%s/smtp-recv is not there (yet)",
		    libexecdir.s);
}

static void
opts_parse(struct setupopt *o, int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		(void)printf("%s\n", USAGE);
		exit(0);
	}
	if (setupopt_parse(o, argc, argv) == -1) {
		if (errno != EINVAL || sa_0(&o->err) == -1)
			die_nomem();
		die_usage(o->err.s, NULL);
	}
}

int
main(int argc, char **argv)
{
	struct setupopt	 o;

	mwlog_init("mailward-setup");
	opts_parse(&o, argc, argv);
	home.asroot = geteuid() == 0;
	umask(022);
	libexec_find(o.libexec);
	if (home.asroot)
		users_ensure();
	home_enter(o.dir);
	role_check(&o);
	if (setupctl_write(&home, &o) == -1) {
		if (errno == EINVAL && sa_0(&home.err) == 0)
			die_usage(home.err.s, NULL);	/* the host name */
		die_home();
	}
	keys_write(&o.groupkeys, "control/groupkeys", "group key (stamps "
	    "made with it are trusted):");
	if (mwhome_queues(&home, o.gateway ? GATEWAY : SCANNER) == -1)
		die_home();
	maildirs_make(&o);
	/* notify's counts per address, its runner's own */
	dir_make("notify", 0700, o.gateway ? "mwqueue" : "mwstamp", NULL);
	scanner_make(&o);
	services_make(&o);
	setupopt_free(&o);
	return 0;
}
