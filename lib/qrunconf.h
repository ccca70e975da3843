/* ISC license. */
/* qrunconf.h: the control files of a daemon built on qrun (relay,
 * spool-run), read in one place with one set of ranges.
 *
 * qrunconf_read() reads the files every such daemon shares, relative to
 * the working directory (defaults and ranges: mailward-control(5)):
 *
 *   control/queuelifetime	0..31536000	432000
 *   control/retrybase		1..86400	60
 *   control/retrymax		1..604800	3600, and >= retrybase
 *   control/rescan		1..86400	60
 *
 * qrunconf_readtab() reads a program's own numeric files from its table:
 * control/NAME, or control/NAME-SUFFIX for a per-instance entry.  Both
 * return 0, or -1 with err set ("control/NAME line N: reason").
 * qrunconf_apply() hands the settings to a struct qrun; the caller sets
 * concurrency and timeout from its own files first. */
#ifndef MW_QRUNCONF_H
#define MW_QRUNCONF_H

#include "qrun.h"
#include "sa.h"

struct qrunconf {
	unsigned long	 lifetime;	/* seconds a message may be retried */
	unsigned long	 retrybase;	/* seconds */
	unsigned long	 retrymax;	/* seconds */
	unsigned long	 rescan;	/* seconds */
	unsigned long	 concurrency;	/* the program's own file */
	unsigned long	 timeout;	/* seconds per child, 0: none */
};

struct qrunconf_num {
	const char	*name;		/* control/NAME */
	int		 instance;	/* 1: control/NAME-SUFFIX */
	unsigned long	 min, max, dflt;
	unsigned long	*val;
};

int	qrunconf_read(struct qrunconf *, struct sa *);
int	qrunconf_readtab(const struct qrunconf_num *, size_t, const char *,
	    struct sa *);
void	qrunconf_apply(const struct qrunconf *, struct qrun *);
/* 1 if a message born at birth is past the queue lifetime at now. */
int	qrunconf_expired(const struct qrunconf *, unsigned long long,
	    unsigned long long);

#endif
