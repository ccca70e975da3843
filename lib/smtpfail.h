/* ISC license. */
/* smtpfail.h: the one table of an SMTP server's internal conditions.
 *
 * Each condition has a log word (reason= in smtp-recv's log lines) and
 * the reply the client gets; the Errors table of smtp-recv(8) mirrors
 * it.  smtpfail_errno() says which condition a failed spool write is,
 * smtpfail_verdict() which one an smtpmsg_verdict() is.  Pure. */
#ifndef MW_SMTPFAIL_H
#define MW_SMTPFAIL_H

enum smtpfail {
	SMTPFAIL_NONE = -1,	/* nothing failed */
	SMTPFAIL_IO = 0,	/* spool file I/O */
	SMTPFAIL_NOSPACE,	/* ENOSPC, EDQUOT */
	SMTPFAIL_NOMEM,		/* the caller exits after the reply */
	SMTPFAIL_SIZE,
	SMTPFAIL_HOPS,
	SMTPFAIL_BARELF,
	SMTPFAIL_TIMEOUT,
	SMTPFAIL_ERRORS,	/* too many bad commands */
	SMTPFAIL_EARLY,		/* talking before the greeting */
	SMTPFAIL_PIPE,		/* pipelining before the EHLO reply */
	SMTPFAIL_BDAT,		/* a BDAT size that does not parse */
	SMTPFAIL_N
};

/* NULL for a value outside 0..SMTPFAIL_N-1. */
const char *smtpfail_word(int);
const char *smtpfail_reply(int);
/* IO, NOSPACE or NOMEM. */
int	smtpfail_errno(int);
/* SMTPFAIL_NONE for SMTPMSG_OK; SMTPMSG_IOERR goes by the errno. */
int	smtpfail_verdict(int, int);

#endif
