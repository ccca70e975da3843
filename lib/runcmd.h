/* ISC license. */
/* runcmd.h: run a command with a deadline and keep its output, capped
 * (a vendor's command-line virus scanner, scan-stage-exec).
 *
 * runcmd_run() forks, and the child, in a process group of its own,
 * with standard input from /dev/null, standard output and standard
 * error into one pipe, every other descriptor closed and the signals
 * it could inherit as ignored or blocked reset, execs argv[0] (a PATH
 * search when it holds no slash).  On Linux the child also dies with
 * its parent (PR_SET_PDEATHSIG): a worker killed in mid-scan leaves no
 * scanner behind.  The parent reads the pipe into out until end of
 * file, then waits for the child, all within ms milliseconds.  At the
 * deadline, or as soon as the output passes maxout bytes, the whole
 * process group is killed with SIGKILL and reaped.  After a normal end
 * the group is killed too, so nothing the command left running in the
 * background survives it.
 *
 * The outcome says how the command ended; code is its exit status
 * (RUNCMD_EXITED) or the signal that killed it (RUNCMD_SIGNALED).  A
 * command that cannot be executed exits 127 (126 when it is found but
 * may not be run), with "runcmd: unable to exec NAME: reason" as its
 * output, as a shell does.  out keeps what was read, at most maxout
 * bytes, whatever the outcome.  RUNCMD_ERROR: the command was not run,
 * or could not be waited for (errno; a child already started is
 * killed and reaped first).
 *
 * The caller must not ignore SIGCHLD (the child would not be waited
 * for: RUNCMD_ERROR, ECHILD).  lib/ never prints; no global state. */
#ifndef MW_RUNCMD_H
#define MW_RUNCMD_H

#include <stddef.h>

#include "sa.h"

#define RUNCMD_EXECFAIL	127	/* exit code: no such command */
#define RUNCMD_NOEXEC	126	/* exit code: found, not executable */

enum runcmd_outcome {
	RUNCMD_EXITED,		/* code: exit status */
	RUNCMD_SIGNALED,	/* code: the signal */
	RUNCMD_TIMEOUT,		/* killed at the deadline */
	RUNCMD_TOOMUCH,		/* killed: output over maxout */
	RUNCMD_ERROR		/* not run, or not waited for: errno */
};

/* argv NULL-terminated; ms > 0.  The outcome. */
enum runcmd_outcome runcmd_run(char *const *, unsigned int, size_t,
	    struct sa *, int *);
const char *runcmd_outcomename(enum runcmd_outcome);

#endif
