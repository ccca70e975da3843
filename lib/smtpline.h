/* ISC license. */
/* smtpline.h: bounded SMTP command lines and message data over a bio.
 *
 * smtpline_read() reads one command line of at most max bytes (not
 * counting the line end) into line, without its CRLF.  A bare LF also
 * ends a command line.  A NUL byte or a CR that is not part of the line
 * end makes the line a SYNTAX outcome (the whole line is still taken).
 * An over-long line is TOOLONG; the rest of it is read and dropped.
 *
 * smtpline_data() feeds the input to a DATA state machine until it
 * reports the end (CRLF.CRLF); the bytes after the end stay buffered
 * for the next command.  smtpline_bdat() feeds exactly n bytes of a
 * BDAT chunk.  Both return 0, or -1 with errno set (ETIMEDOUT, EPIPE on
 * end of input, or the read error); policy flags are in the machine. */
#ifndef MW_SMTPLINE_H
#define MW_SMTPLINE_H

#include <stddef.h>
#include "bio.h"
#include "sa.h"
#include "smtpdata.h"

#define SMTPLINE_HARDMAX	65536	/* no command line cap above this */

enum smtpline_result {
	SMTPLINE_ERR = -1,	/* read error or timeout, errno set */
	SMTPLINE_EOF = 0,	/* end of input (a partial line is dropped) */
	SMTPLINE_OK = 1,	/* a whole line, line end stripped */
	SMTPLINE_TOOLONG = 2,	/* over max; the rest of the line dropped */
	SMTPLINE_SYNTAX = 3	/* NUL or bare CR inside the line */
};

int	smtpline_read(struct bio *, struct sa *, size_t);
int	smtpline_data(struct bio *, struct smtpdata *);
int	smtpline_bdat(struct bio *, struct smtpdata *, unsigned long long);

#endif
