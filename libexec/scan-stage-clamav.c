/* ISC license. */
/* scan-stage-clamav: scan messages with libclamav in-process and cut
 * out what is infected.  Filter mode reads a spool file (or a bare
 * message) on standard input and writes the same form on standard
 * output; daemon mode (-D) owns a spool with pre-forked workers sharing
 * one engine, reloaded on SIGHUP or when the database directory
 * changes.  The stage itself is lib/stage; here is the engine.  See
 * scan-stage-clamav(8). */
#include "sysdeps.h"

#include <sys/inotify.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cav.h"
#include "control.h"
#include "mwlog.h"
#include "qrunconf.h"
#include "stage.h"

#define USAGE	"usage: scan-stage-clamav [-d DBDIR] " \
		"[-D [-i SPOOL] [-o SPOOL] [-q SPOOL]]"
/* a database update (freshclam writes several files) costs one reload */
#define SETTLE_MS	2000

static struct {
	const char		*dbdir;
	struct sa		 dbdir_sa;
	struct cav_limits	 lim;
} clam = { NULL, SA_ZERO, { 0, 0, 0, 0, 0, 0, 0, 0, 0 } };

/* --- the engine ---------------------------------------------------------- */

/* Every limit is a control file; the largest message smtp-recv takes
 * must fit in libclamav's (stage_config checks). */
static int
config(void *ctx, unsigned long databytes, struct stage_limits *sl,
    struct sa *err)
{
	struct cav_err		 ce;
	struct cav_limits	*l = &clam.lim;
	unsigned long		 scansize, filesize, rec, files, ms, nocache;
	int			 r;

	(void)ctx, (void)databytes;
	cav_limits_default(l);
	{
		struct qrunconf_num tab[] = {
			{ "clamav-maxscansize", 0, 1, 4UL << 30,
			    (unsigned long)l->maxscansize, &scansize },
			{ "clamav-maxfilesize", 0, 1, 4UL << 30,
			    (unsigned long)l->maxfilesize, &filesize },
			{ "clamav-maxrecursion", 0, 1, 64, l->maxrecursion,
			    &rec },
			{ "clamav-maxfiles", 0, 1, 1000000, l->maxfiles,
			    &files },
			{ "clamav-maxscantime", 0, 1000, 3600000,
			    l->maxscantime, &ms },
			{ "clamav-nocache", 0, 0, 1, 0, &nocache },
		};

		if (qrunconf_readtab(tab, sizeof tab / sizeof tab[0], NULL,
		    err) == -1)
			return -1;
	}
	l->maxscansize = scansize;
	l->maxfilesize = filesize;
	l->maxrecursion = (unsigned int)rec;
	l->maxfiles = (unsigned int)files;
	l->maxscantime = (unsigned int)ms;
	l->nocache = (int)nocache;		/* benchmarks */
	sl->maxinput = scansize;
	sl->maxdecode = filesize;
	if (clam.dbdir == NULL) {
		if ((r = control_readline("control/databases", &clam.dbdir_sa,
		    err)) == -1)
			return -1;
		if ((r == 0 && sa_copys(&clam.dbdir_sa, "/var/lib/clamav") ==
		    -1) || sa_0(&clam.dbdir_sa) == -1)
			return sa_copys(err, "out of memory"), -1;
		clam.dbdir = clam.dbdir_sa.s;
	}
	if (cav_init(&ce) == -1) {
		(void)sa_copys(err, ce.s);
		return -1;
	}
	return 0;
}

static void *
load(void *ctx, struct sa *err)
{
	struct cav_engine	*eng;
	struct cav_err		 ce;
	struct cav_info		 info;

	(void)ctx;
	if (cav_engine_load(clam.dbdir, &clam.lim, &eng, &ce) == -1) {
		(void)sa_copys(err, "unable to load the databases: ");
		(void)sa_cats(err, ce.s);
		return NULL;
	}
	cav_engine_info(eng, &info);
	mwlog(MWLOG_INFO, "- engine loaded engine=%s db=%s sigs=%u",
	    info.engine, info.db, info.sigs);
	return eng;
}

static void
unload(void *ctx, void *st)
{
	(void)ctx;
	cav_engine_free(st);
}

static int
worker_init(void *ctx, void *st, const char *dir)
{
	(void)ctx;
	return cav_set_tmpdir(st, dir);
}

static void
scanner(const void *st, struct scanner *sc)
{
	cav_scanner(st, sc);
}

static int
describe(const void *st, struct sa *out)
{
	struct cav_info	 info;

	cav_engine_info(st, &info);
	return sa_catf(out, "%s/%s", info.engine, info.db);
}

/* A name libclamav would load from the database directory (its own
 * list of extensions, libclamav 1.4); freshclam's temporary files and
 * directories are not. */
static int
dbname(const char *name)
{
	static const char *const ext[] = {
		".cvd", ".cld", ".cud", ".db", ".hdb", ".hdu", ".hsb", ".hsu",
		".mdb", ".mdu", ".msb", ".msu", ".ndb", ".ndu", ".ldb", ".ldu",
		".sdb", ".zmd", ".rmd", ".idb", ".fp", ".sfp", ".gdb", ".pdb",
		".wdb", ".cbc", ".ftm", ".cfg", ".cdb", ".cat", ".crb", ".ign",
		".ign2", ".info", ".yar", ".yara", ".pwdb", ".imp",
	};
	const char	*dot = strrchr(name, '.');
	size_t		 i;

	if (dot == NULL || name[0] == '.')
		return 0;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (strcmp(dot, ext[i]) == 0)
			return 1;
	return 0;
}

/* the inotify on the database directory: 1 if a database changed */
static int
poke(void *ctx)
{
	char				 buf[4096]
					    __attribute__((aligned(8)));
	const struct inotify_event	*ev;
	ssize_t				 n;
	size_t				 off;
	int				 fd = *(int *)ctx, changed = 0;

	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (off = 0; off + sizeof *ev <= (size_t)n;
		    off += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)(void *)(buf + off);
			if (ev->mask & IN_Q_OVERFLOW ||
			    (ev->len > 0 && dbname(ev->name)))
				changed = 1;
		}
	return changed;
}

/* --- main ---------------------------------------------------------------- */

static int
option(void *ctx, int c, const char *arg)
{
	(void)ctx, (void)c;
	clam.dbdir = arg;		/* -d */
	return 0;
}

/* daemon mode: watch the database directory */
static void
watch(void *ctx, struct stage_engine *eng)
{
	int	*ifd = ctx;

	if ((*ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    inotify_add_watch(*ifd, clam.dbdir, IN_CLOSE_WRITE | IN_MOVED_TO |
	    IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ONLYDIR) == -1) {
		mwlog(MWLOG_WARN, "- unable to watch %s (reload on SIGHUP "
		    "only): %s", clam.dbdir, strerror(errno));
		return;
	}
	eng->pokefd = *ifd;
	eng->poke = poke;
}

int
main(int argc, char **argv)
{
	static int		 ifd = -1;
	struct stage_engine	 eng = {
		.name = "clamav", .usage = USAGE, .opts = "d:",
		.option = option, .daemon_init = watch, .config = config,
		.load = load, .unload = unload, .worker_init = worker_init,
		.scanner = scanner, .describe = describe, .pokefd = -1,
		.poke = NULL, .settle = SETTLE_MS, .log = mwlog_line,
		.ctx = &ifd,
	};

	mwlog_init("scan-stage-clamav");
	return stage_main(&eng, argc, argv);
}
