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

#include <stdlib.h>
#include <string.h>

#include "execscan.h"
#include "mwlog.h"
#include "spool.h"
#include "stage.h"

#define USAGE	"usage: scan-stage-exec [-n NAME] " \
		"[-D [-i SPOOL] [-o SPOOL] [-q SPOOL]]"
#define CONTROL	"control/scanexec"

static struct {
	struct sa		 fn;		/* control/scanexec[-NAME] */
	struct execscan_conf	 conf;
	const char		*name;		/* -n */
} ex;

/* --- the engine ---------------------------------------------------------- */

/* The scanner's control file; the largest file it is known to scan
 * whole bounds both the message and a decoded part (stage_config
 * checks them against control/databytes). */
static int
config(void *ctx, unsigned long databytes, struct stage_limits *sl,
    struct sa *err)
{
	(void)ctx, (void)databytes;
	if (sa_cats(&ex.fn, CONTROL) == -1 || (ex.name != NULL &&
	    (sa_catc(&ex.fn, '-') == -1 || sa_cats(&ex.fn, ex.name) == -1)) ||
	    sa_0(&ex.fn) == -1)
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
	if (execscan_init(x, &ex.conf, err) == -1) {
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

/* --- main ---------------------------------------------------------------- */

/* -n NAME: control/scanexec-NAME, for another instance */
static int
option(void *ctx, int c, const char *name)
{
	(void)ctx, (void)c;
	if (!spool_idok(name, strlen(name)) || strchr(name, '.') != NULL) {
		mwlog(MWLOG_FATAL, "-n NAME: letters, digits, - and _ only");
		return -1;
	}
	ex.name = name;
	return 0;
}

int
main(int argc, char **argv)
{
	struct stage_engine	 eng = {
		.name = "exec", .usage = USAGE, .opts = "n:",
		.option = option, .daemon_init = NULL, .config = config,
		.load = load, .unload = unload, .worker_init = worker_init,
		.scanner = scanner, .describe = describe, .pokefd = -1,
		.poke = NULL, .settle = 0, .log = mwlog_line, .ctx = NULL,
	};

	mwlog_init("scan-stage-exec");
	return stage_main(&eng, argc, argv);
}
