/* ISC license. */
/* stage.h: what every scan stage shares (scan-stage-clamav,
 * scan-stage-clamd, scan-stage-exec): a program supplies an engine
 * (struct stage_engine) and stage.c drives it over messages.
 *
 * Filter mode, stage_filter(): one spool file or bare message on a
 * descriptor, the same form on another.  Daemon mode, stage_daemon():
 * owns SPOOL/new through wpool.h (the engine loaded once, pre-forked
 * workers sharing it), moves each result to the out spool or the
 * quarantine, and retries temporary failures.
 *
 * Per message: scanmsg_run() (scanmsg.h) with the engine's scanner.  A
 * spool file's envelope gets verdict (an earlier stage's "cleaned"
 * stays), viruses (appended to an earlier stage's), scanned ("NAME/
 * ENGINE/DB" appended: every stage that saw it, in order) and, when the
 * message is held, quarantine (the reason).  Results are exit codes:
 * MW_OK passed on, MW_PERM quarantined, MW_TEMP try again.
 *
 * In daemon mode a message is also quarantined, with verdict and reason,
 * when it failed temporarily maxfail times, took down maxcrash workers,
 * or outlived control/queuelifetime: never passed on unscanned.
 *
 * lib/ never prints: every line (one per message, daemon events) goes to
 * the engine's log callback, values escaped, in mwlog.h's form without
 * the program and level: "ID EVENT key=value ...". */
#ifndef MW_STAGE_H
#define MW_STAGE_H

#include <stddef.h>

#include "mwlog.h"
#include "qrunconf.h"
#include "sa.h"
#include "scanmsg.h"
#include "scanres.h"

struct stage_limits {
	size_t		 maxinput;	/* bytes of the largest message */
	size_t		 maxdecode;	/* bytes of the largest decoded part */
};

/* An engine; ctx is its own.  The state is what load() returns. */
struct stage_engine {
	const char	*name;		/* "clamav": logs, the scanned key */
	/* stage_main(): the usage line, the engine's own getopt letters
	 * ("d:") and option(ctx, letter, optarg): 0, or -1 for a usage
	 * error; daemon_init(ctx, engine) once before daemon mode (it may
	 * set pokefd and poke), may be NULL */
	const char	*usage;
	const char	*opts;
	int		 (*option)(void *, int, const char *);
	void		 (*daemon_init)(void *, struct stage_engine *);
	/* Its control files (cwd is the home), once: the limits it scans
	 * to, each at least databytes.  0, or -1 with err. */
	int		 (*config)(void *, unsigned long, struct stage_limits *,
			    struct sa *);
	void		*(*load)(void *, struct sa *);
	void		 (*unload)(void *, void *);
	/* a worker's private temporary directory (filter mode: one under
	 * $TMPDIR, removed after); may be NULL */
	int		 (*worker_init)(void *, void *, const char *);
	void		 (*scanner)(const void *, struct scanner *);
	/* append "ENGINE/DB" (no space, no slash-free guarantee) */
	int		 (*describe)(const void *, struct sa *);
	/* daemon mode: a descriptor that may ask for a reload (an inotify
	 * on the databases), -1 if none; poke() drains it, 1: reload,
	 * made settle ms after the last such poke */
	int		 pokefd;
	int		 (*poke)(void *);
	unsigned int	 settle;
	void		 (*log)(void *, enum mwlog_level, const char *);
	void		*ctx;
};

struct stage {
	const struct stage_engine *eng;
	const char	*in, *out, *quar;	/* daemon mode's spools */
	/* stage_config() fills the rest */
	struct stage_limits	 lim;
	struct scanmsg_conf	 scan;
	unsigned long		 databytes;
	unsigned long		 workers, permessages, timeout;
	unsigned long		 maxcrash, maxfail;
	struct qrunconf		 q;
};

/* The control files every stage reads, then the engine's.  0, or -1
 * with err ("control/NAME line N: reason"). */
int	stage_config(struct stage *, struct sa *);
/* Scan the spool file or bare message in in (its id, "-" if unknown);
 * out: what to write for MW_OK (the message passed on) and MW_PERM (the
 * message to hold, with its verdict).  *bare: in had no envelope. */
int	stage_process(const struct stage *, const void *, const char *,
	    const struct sa *, struct sa *, int *);
/* A scan stage program's main(): -D (daemon mode), -i, -o, -q (its
 * spools: queue/scan, queue/stamp, queue/quarantine), -h, and the
 * engine's letters; it refuses root, reads the control files, and runs
 * filter mode on stdin and stdout, or daemon mode.  The exit code; a
 * fatal error is one MWLOG_FATAL line through the engine's log. */
int	stage_main(struct stage_engine *, int, char **);
/* Filter mode: load, read fdin, write fdout for MW_OK.  The exit code,
 * or -1 with err (the engine did not load, I/O failed). */
int	stage_filter(const struct stage *, int, int, struct sa *);
/* Daemon mode (stagepool.c): 0 after SIGTERM, -1 with err. */
int	stage_daemon(struct stage *, struct sa *);

/* stage.c's logging for stagepool.c */
void	stage_log(const struct stage *, enum mwlog_level, const char *, ...)
	    MW_PRINTF(3, 4);

#endif
