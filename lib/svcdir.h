/* ISC license. */
/* svcdir.h: an s6 service directory with its logger, from a description.
 *
 * svcdir_write() makes, relative to the current directory (the home),
 *
 *   service/NAME/run       cd HOME; exec [s6-softlimit -m BYTES]
 *                          [s6-setuidgid USER] CMD
 *   service/NAME/log/run   exec [s6-setuidgid LOGUSER] s6-log t n20
 *                          s1000000 HOME/log/NAME
 *   log/NAME/              mode 0750, owned by LOGUSER if one is named
 *
 * and service/ and log/ if missing.  Each run script (mode 0755) is
 * written atomically (afile.h), so s6-supervise never runs half a
 * script.  Run scripts hold words unquoted: NAME, HOME and the users
 * must pass svcdir_wordok(); CMD is the caller's, one shell command
 * (continuation lines allowed).  0, or -1 with errno set and
 * "unable to VERB PATH: reason" in err. */
#ifndef MW_SVCDIR_H
#define MW_SVCDIR_H

#include "sa.h"

struct svcdir {
	const char	*name;		/* service/NAME, log/NAME */
	const char	*role;		/* named in the run script's comment */
	const char	*home;		/* absolute; run scripts cd there */
	unsigned long	 softlimit;	/* bytes for s6-softlimit -m; 0: none */
	const char	*user;		/* s6-setuidgid USER; NULL: none */
	const char	*cmd;		/* the command, no final newline */
	const char	*loguser;	/* s6-log's user and log/NAME's owner */
};

int	svcdir_write(const struct svcdir *, struct sa *);
/* 1 if s is 1..1024 bytes of [A-Za-z0-9._/+,:@%=-]: safe unquoted. */
int	svcdir_wordok(const char *);

#endif
