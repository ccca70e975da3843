/* ISC license. */
/* smtpfail.c: an SMTP server's internal conditions; see smtpfail.h. */
#include "sysdeps.h"

#include <errno.h>
#include <stddef.h>

#include "smtpfail.h"
#include "smtpmsg.h"

static const struct {
	const char	*word;
	const char	*reply;
} fails[SMTPFAIL_N] = {
	[SMTPFAIL_IO] = { "io", "451 4.3.0 Local error in processing" },
	[SMTPFAIL_NOSPACE] = { "nospace",
	    "452 4.3.1 Insufficient system storage" },
	[SMTPFAIL_NOMEM] = { "nomem", "421 4.3.0 Out of memory, closing" },
	[SMTPFAIL_SIZE] = { "size", "552 5.3.4 Message size exceeds limit" },
	[SMTPFAIL_HOPS] = { "hops", "554 5.4.6 Too many hops, mail loop?" },
	[SMTPFAIL_BARELF] = { "barelf", "550 5.6.2 Bare LF or CR; use CRLF" },
	[SMTPFAIL_TIMEOUT] = { "timeout", "421 4.4.2 Timeout, closing" },
	[SMTPFAIL_ERRORS] = { "errors", "421 4.7.0 Too many errors, closing" },
	[SMTPFAIL_EARLY] = { "earlytalker",
	    "554 5.5.0 Talking before greeting" },
	[SMTPFAIL_PIPE] = { "pipelining",
	    "554 5.5.0 Commands before EHLO reply" },
	[SMTPFAIL_BDAT] = { "bdatsyntax",
	    "421 4.5.4 Bad BDAT syntax, closing" },
};

const char *
smtpfail_word(int f)
{
	return f >= 0 && f < SMTPFAIL_N ? fails[f].word : NULL;
}

const char *
smtpfail_reply(int f)
{
	return f >= 0 && f < SMTPFAIL_N ? fails[f].reply : NULL;
}

int
smtpfail_errno(int e)
{
	if (e == ENOSPC || e == EDQUOT)
		return SMTPFAIL_NOSPACE;
	if (e == ENOMEM)
		return SMTPFAIL_NOMEM;
	return SMTPFAIL_IO;
}

int
smtpfail_verdict(int v, int e)
{
	switch (v) {
	case SMTPMSG_OK:	return SMTPFAIL_NONE;
	case SMTPMSG_SIZE:	return SMTPFAIL_SIZE;
	case SMTPMSG_HOPS:	return SMTPFAIL_HOPS;
	case SMTPMSG_BARELF:	return SMTPFAIL_BARELF;
	}
	return smtpfail_errno(e);
}
