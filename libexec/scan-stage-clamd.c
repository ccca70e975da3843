/* ISC license. */
/* scan-stage-clamd: scan messages with a running clamd (over its unix
 * socket or TCP, INSTREAM) and cut out what is infected.  Filter mode
 * reads a spool file (or a bare message) on standard input and writes
 * the same form on standard output; daemon mode (-D) owns a spool with
 * pre-forked workers, each asking clamd.  The stage itself is
 * lib/stage, the client lib/clamd; here is the engine.  clamd need not
 * be up to start: while it is down, messages fail temporarily and wait.
 * See scan-stage-clamd(8). */
#include "sysdeps.h"

#include <string.h>

#include "clamd.h"
#include "control.h"
#include "mwlog.h"
#include "qrunconf.h"
#include "stage.h"

#define USAGE	"usage: scan-stage-clamd [-s ADDR] " \
		"[-D [-i SPOOL] [-o SPOOL] [-q SPOOL]]"
#define ADDR_DEFAULT	"/run/clamav/clamd.ctl"	/* Debian's LocalSocket */

static struct {
	const char	*addr;		/* -s */
	struct clamd	 c;
} cd;

/* --- the engine ---------------------------------------------------------- */

/* clamd's address, how long one command may take, the largest stream
 * (clamd's StreamMaxLength): the largest message and decoded part, each
 * at least databytes (stage_config checks). */
static int
config(void *ctx, unsigned long databytes, struct stage_limits *sl,
    struct sa *err)
{
	struct sa	 a = SA_ZERO;
	unsigned long	 timeout, maxstream;
	const char	*what = "-s";
	int		 r = 0;
	struct qrunconf_num tab[] = {
		{ "clamd-timeout", 0, 1, 86400, 150, &timeout },
		{ "clamd-maxstream", 0, 1, 4UL << 30, 100UL << 20,
		    &maxstream },
	};

	(void)ctx, (void)databytes;
	if (qrunconf_readtab(tab, sizeof tab / sizeof tab[0], NULL, err) ==
	    -1)
		return -1;
	if (cd.addr != NULL)
		r = sa_copys(&a, cd.addr) == -1 ? -2 : 0;
	else if ((r = control_readline("control/clamd-address", &a, err)) ==
	    1) {
		what = "control/clamd-address line 1";
		r = 0;
	} else if (r == 0)
		r = sa_copys(&a, ADDR_DEFAULT) == -1 ? -2 : 0;
	if (r == -2) {
		(void)sa_copys(err, "out of memory");
		r = -1;
	} else if (r == 0 && clamd_init(&cd.c, a.s, a.len, timeout * 1000,
	    maxstream) == -1) {
		err->len = 0;
		(void)sa_catf(err, "%s: not a socket path or host:port", what);
		r = -1;
	}
	sa_free(&a);
	sl->maxinput = maxstream;
	sl->maxdecode = maxstream;
	return r;
}

/* clamd is not asked here: it may be down, and the stage must start
 * (messages wait, stage.h) */
static void *
load(void *ctx, struct sa *err)
{
	char	 a[CLAMD_ADDRMAX + 8];

	(void)ctx, (void)err;
	mwlog(MWLOG_INFO, "- engine clamd address=%s timeout=%lu "
	    "maxstream=%zu", mwlog_escs(a, sizeof a, cd.c.addr),
	    cd.c.timeout / 1000, cd.c.maxstream);
	return &cd.c;
}

static void
unload(void *ctx, void *st)
{
	(void)ctx, (void)st;
}

static void
scanner(const void *st, struct scanner *sc)
{
	clamd_scanner(st, sc);
}

/* clamd's versions now: a failure fails the message (temporary) */
static int
describe(const void *st, struct sa *out)
{
	struct sa	 err = SA_ZERO;
	char		 w[300];

	if (clamd_version(st, out, &err) == 0)
		return 0;
	mwlog(MWLOG_WARN, "- unable to ask clamd's version: %s",
	    mwlog_esc(w, sizeof w, err.s, err.len));
	sa_free(&err);
	return -1;
}

/* --- main ---------------------------------------------------------------- */

static int
option(void *ctx, int c, const char *arg)
{
	(void)ctx, (void)c;
	cd.addr = arg;			/* -s */
	return 0;
}

int
main(int argc, char **argv)
{
	struct stage_engine	 eng = {
		.name = "clamd", .usage = USAGE, .opts = "s:",
		.option = option, .daemon_init = NULL, .config = config,
		.load = load, .unload = unload, .worker_init = NULL,
		.scanner = scanner, .describe = describe, .pokefd = -1,
		.poke = NULL, .settle = 0, .log = mwlog_line, .ctx = NULL,
	};

	mwlog_init("scan-stage-clamd");
	return stage_main(&eng, argc, argv);
}
