/* ISC license. */
/* progdir.h: find the directory of a package's helper programs.
 *
 * progdir_find(out, opt, rel, dflt, probe) picks the directory the
 * operator gave (opt, not NULL), which must exist; or else REL resolved
 * against the directory of the running executable (/proc/self/exe), if
 * it holds an executable PROBE (a build tree: bin/../libexec); or else
 * the compiled-in default dflt.
 * The result goes into out as an absolute path without symlinks,
 * NUL-terminated; a default that does not exist (yet) is kept as it
 * is.  Returns 1 if PROBE is executable there, 0 if not, -1 with errno
 * set (out names the directory that failed, memory permitting). */
#ifndef MW_PROGDIR_H
#define MW_PROGDIR_H

#include "sa.h"

int	progdir_find(struct sa *, const char *, const char *, const char *,
	    const char *);

#endif
