/* ISC license. */
/* mwlog.h: one event, one line, one write(2) on standard error.
 *
 *   PROG: LEVEL: ID EVENT key=value ...
 *
 * Lines are capped at MWLOG_MAX bytes with a visible "..." marker; s6-log
 * adds the timestamps.  Untrusted values go through mwlog_esc(). */
#ifndef MW_MWLOG_H
#define MW_MWLOG_H

#include <stddef.h>
#include "sysdeps.h"

#define MWLOG_MAX	1000

enum mwlog_level { MWLOG_FATAL, MWLOG_WARN, MWLOG_INFO, MWLOG_DEBUG };

void	mwlog_init(const char *);	/* program name; kept by pointer */
void	mwlog(enum mwlog_level, const char *, ...) MW_PRINTF(2, 3);

/* Escape n bytes into out (size outsz, NUL-terminated): bytes outside
 * printable ASCII become \xHH, '"' and '\\' are escaped, the value is
 * quoted if it holds a space or is empty, and cut with "..." if it does
 * not fit.  Returns out, for use as a printf argument. */
char	*mwlog_esc(char *, size_t, const char *, size_t);
char	*mwlog_escs(char *, size_t, const char *);
/* mwlog(level, "%s", line): a ready log callback (ctx unused) for the
 * lib/ modules that hand their lines to the program (stage.h, wpool.h) */
void	mwlog_line(void *, enum mwlog_level, const char *);

#endif
