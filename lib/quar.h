/* ISC license. */
/* quar.h: hold a spool file in a quarantine spool, saying why.
 *
 * quar_hold() moves PATH (a file in some SPOOL/new) to DIR/new/ID with
 * its envelope marked "verdict quarantined" and "quarantine REASON" (the
 * reason cut to fit an envelope line, control bytes replaced), written
 * durably (spool.h) before PATH is removed and its directory synced.  A
 * file whose envelope cannot be parsed is moved as it is: it is held
 * either way, never lost.  0, or -1 with errno (PATH stays). */
#ifndef MW_QUAR_H
#define MW_QUAR_H

int	quar_hold(const char *, const char *, const char *, const char *);

#endif
