/* ISC license. */
/* control.h: qmail-style control files, read strictly.
 *
 * One setting per file; '#' starts a comment; trailing white space is
 * stripped; blank lines are ignored.  A single-value file uses its first
 * line.  Lookups return -1 on error (with a message in err naming the
 * file and line), 0 if the file is absent, 1 if it was read.  A
 * malformed value is an error, never a silent default. */
#ifndef MW_CONTROL_H
#define MW_CONTROL_H

#include "sa.h"

#define CONTROL_MAXFILE	(16UL << 20)	/* hard cap on one control file */

/* First line of fn into out. */
int	control_readline(const char *, struct sa *, struct sa *);
/* Every line of fn into out, each followed by a NUL; *n counts them. */
int	control_readlist(const char *, struct sa *, size_t *, struct sa *);
/* A whole decimal number in min..max; dflt if the file is absent. */
int	control_readuint(const char *, unsigned long, unsigned long,
	    unsigned long, unsigned long *, struct sa *);
/* Strict whole-string decimal parse; 0 ok, -1 bad or out of range. */
int	control_scanuint(const char *, size_t, unsigned long, unsigned long,
	    unsigned long *);

#endif
