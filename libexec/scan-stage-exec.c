/* ISC license. */
/* scan-stage-exec: scan messages with a vendor's command-line scanner
 * and cut out what is infected.  Filter mode reads a spool file (or a
 * bare message) on standard input and writes the same form on standard
 * output; daemon mode (-D) owns a spool with pre-forked workers.  The
 * scanner is a command, its exit codes and its output's format, in
 * control/scanexec (lib/execscan.h); each scan writes the data to a file
 * in the worker's private directory and runs the command on it.  The
 * stage itself is lib/stage; here is the engine.  See
 * scan-stage-exec(8). */
#include "sysdeps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "execscan.h"
#include "mw_exit.h"
#include "mwlog.h"
#include "rmtree.h"
#include "spool.h"
#include "stage.h"

#define USAGE	"usage: scan-stage-exec [-n NAME] " \
		"[-D [-i SPOOL] [-o SPOOL] [-q SPOOL]]"
#define CONTROL	"control/scanexec"

static struct {
	struct sa		 fn;		/* control/scanexec[-NAME] */
	struct execscan_conf	 conf;
	char			*filterdir;	/* filter mode's temp dir */
} ex;

static void MW_NORETURN
die(int code, const char *what, const char *detail)
{
	if (ex.filterdir != NULL)
		(void)rmtree(ex.filterdir);
	if (detail != NULL)
		mwlog(MWLOG_FATAL, "%s: %s", what, detail);
	else
		mwlog(MWLOG_FATAL, "%s", what);
	_exit(code);
}

/* --- the engine ---------------------------------------------------------- */

/* The scanner's control file; the largest file it is known to scan
 * whole bounds both the message and a decoded part (stage_config
 * checks them against control/databytes). */
static int
config(void *ctx, unsigned long databytes, struct stage_limits *sl,
    struct sa *err)
{
	(void)ctx, (void)databytes;
	if (sa_0(&ex.fn) == -1)
		return sa_copys(err, "out of memory"), -1;
	if (execscan_read(&ex.conf, ex.fn.s, err) == -1)
		return -1;
	sl->maxinput = ex.conf.maxsize;
	sl->maxdecode = ex.conf.maxsize;
	return 0;
}

/* The scanner described (its version command runs now: at start and on
 * each SIGHUP in daemon mode). */
static void *
load(void *ctx, struct sa *err)
{
	struct execscan	*x;
	char		 cmd[200];

	(void)ctx;
	if ((x = malloc(sizeof *x)) == NULL) {
		(void)sa_copys(err, "out of memory");
		return NULL;
	}
	if (execscan_init(x, &ex.conf, err) == -1 || (ex.filterdir != NULL &&
	    execscan_setdir(x, ex.filterdir) == -1)) {
		if (err->len == 0)
			(void)sa_copys(err, "out of memory");
		execscan_free(x);
		free(x);
		return NULL;
	}
	mwlog(MWLOG_INFO, "- engine loaded engine=%s command=%s", x->desc,
	    mwlog_escs(cmd, sizeof cmd, ex.conf.argv[0]));
	return x;
}

static void
unload(void *ctx, void *st)
{
	(void)ctx;
	execscan_free(st);
	free(st);
}

/* a daemon worker's private directory: its scans' files go there */
static int
worker_init(void *ctx, void *st, const char *dir)
{
	(void)ctx;
	return execscan_setdir(st, dir);
}

static void
scanner(const void *st, struct scanner *sc)
{
	execscan_scanner(st, sc);
}

static int
describe(const void *st, struct sa *out)
{
	const struct execscan	*x = st;

	return sa_cats(out, x->desc);
}

static void
logline(void *ctx, enum mwlog_level level, const char *line)
{
	(void)ctx;
	mwlog(level, "%s", line);
}

/* --- main ---------------------------------------------------------------- */

/* control/scanexec, or control/scanexec-NAME for another instance */
static void
control_name(const char *name)
{
	if (name != NULL && (!spool_idok(name, strlen(name)) ||
	    strchr(name, '.') != NULL))
		die(MW_TEMP, "-n NAME: letters, digits, - and _ only", NULL);
	if (sa_cats(&ex.fn, CONTROL) == -1 || (name != NULL &&
	    (sa_catc(&ex.fn, '-') == -1 || sa_cats(&ex.fn, name) == -1)))
		die(MW_TEMP, "out of memory", NULL);
}

/* Filter mode: one message, its files in a directory of its own. */
static int
filter(const struct stage *sg)
{
	struct sa	 d = SA_ZERO, err = SA_ZERO;
	const char	*t = getenv("TMPDIR");
	int		 code;

	if (sa_catf(&d, "%s/scan-stage-exec.XXXXXX", t != NULL && *t != '\0' ?
	    t : "/tmp") == -1 || sa_0(&d) == -1)
		die(MW_TEMP, "out of memory", NULL);
	if (mkdtemp(d.s) == NULL)
		die(MW_TEMP, "unable to create a directory in TMPDIR",
		    strerror(errno));
	ex.filterdir = d.s;
	if ((code = stage_filter(sg, 0, 1, &err)) == -1)
		(void)sa_0(&err), die(MW_TEMP, err.s, NULL);
	if (rmtree(ex.filterdir) == -1)
		mwlog(MWLOG_WARN, "- unable to remove %s: %s", ex.filterdir,
		    strerror(errno));
	return code;
}

int
main(int argc, char **argv)
{
	struct stage_engine	 eng = {
		.name = "exec", .config = config, .load = load,
		.unload = unload, .worker_init = worker_init,
		.scanner = scanner, .describe = describe, .pokefd = -1,
		.poke = NULL, .settle = 0, .log = logline, .ctx = NULL,
	};
	struct stage		 sg;
	struct sa		 err = SA_ZERO;
	const char		*name = NULL;
	int			 c, daemon = 0;

	mwlog_init("scan-stage-exec");
	memset(&sg, 0, sizeof sg);
	sg.eng = &eng;
	sg.in = "queue/scan";
	sg.out = "queue/stamp";
	sg.quar = "queue/quarantine";
	while ((c = getopt(argc, argv, "n:Di:o:q:h")) != -1)
		switch (c) {
		case 'n': name = optarg; break;
		case 'D': daemon = 1; break;
		case 'i': sg.in = optarg; break;
		case 'o': sg.out = optarg; break;
		case 'q': sg.quar = optarg; break;
		default: die(MW_TEMP, USAGE, NULL);
		}
	if (optind != argc)
		die(MW_TEMP, USAGE, NULL);
	if (geteuid() == 0)
		die(MW_TEMP, "refusing to run as root", NULL);
	control_name(name);
	if (stage_config(&sg, &err) == -1)
		(void)sa_0(&err), die(MW_TEMP, err.s, NULL);
	if (!daemon)
		return filter(&sg);
	if (stage_daemon(&sg, &err) == -1)
		(void)sa_0(&err), die(MW_TEMP, "unable to run", err.s);
	return 0;
}
