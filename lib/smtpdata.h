/* ISC license. */
/* smtpdata.h: the SMTP DATA and BDAT byte state machine.
 *
 * A pure, incremental function over buffers: smtpdata_feed() takes any
 * slice of the client's bytes and passes the message, with LF line ends,
 * to a sink.  No I/O of its own; chunk boundaries may fall anywhere.
 *
 * DATA mode (RFC 5321 4.1.1.4, 4.5.2):
 *   - only the bytes CR LF . CR LF end the data, where the first CR LF
 *     is the end of the previous line or the start of the data (so data
 *     that starts with ".\r\n" is an empty message);
 *   - <LF>.<LF>, <CR>.<CR>, <LF>.<CR><LF>, <CR><LF>.<LF> and the like
 *     never end the data: they stay in the message as a line holding
 *     one dot;
 *   - a leading dot followed by other bytes on its line is removed;
 *   - a bare LF and a bare CR (a run of CRs before LF counts as one line
 *     end) are turned into a line end and flagged (SMTPDATA_BARELF,
 *     SMTPDATA_BARECR): the caller may refuse the message instead.
 * BDAT mode (RFC 3030): no dot handling; CRLF becomes LF, bare LF and
 * bare CR as above; a CR at the end of a chunk waits for the next one.
 * smtpdata_finish() ends a BDAT message (after the LAST chunk).
 *
 * Both modes count the message bytes (SMTPDATA_TOOBIG past max, and the
 * sink is not called any more) and the Received: and Delivered-To:
 * lines of the header section (SMTPDATA_HOPS at maxhops).  A sink error
 * sets SMTPDATA_SINKERR and keeps errno in err; the machine still runs
 * to the end of the data, so the caller can reply once. */
#ifndef MW_SMTPDATA_H
#define MW_SMTPDATA_H

#include <stddef.h>
#include "sa.h"

#define SMTPDATA_MAXHOPS	100

enum smtpdata_mode { SMTPDATA_DOT, SMTPDATA_BDAT };

enum smtpdata_flag {
	SMTPDATA_TOOBIG = 1,
	SMTPDATA_HOPS = 2,
	SMTPDATA_BARELF = 4,
	SMTPDATA_BARECR = 8,
	SMTPDATA_SINKERR = 16
};

enum smtpdata_result {
	SMTPDATA_MORE = 0,	/* all bytes taken; the data goes on */
	SMTPDATA_END = 1	/* end of data; *used bytes taken */
};

/* 0 or -1 with errno set. */
typedef int (*smtpdata_sink)(void *, const char *, size_t);

struct smtpdata {
	int			 mode;
	int			 st;
	int			 eolok;	/* line began after CRLF */
	int			 inhdr;	/* in the header section */
	int			 flags;
	int			 err;	/* errno of a sink error */
	unsigned long long	 size;	/* bytes, LF line ends */
	unsigned long long	 max;	/* 0 = no cap */
	unsigned int		 hops;
	unsigned int		 maxhops;
	size_t			 lpos;	/* bytes in this line */
	char			 head[16]; /* its start */
	char			 last;	/* last byte out */
	smtpdata_sink		 sink;
	void			*ctx;
};

void	smtpdata_init(struct smtpdata *, int, unsigned long long,
	    smtpdata_sink, void *);
int	smtpdata_feed(struct smtpdata *, const char *, size_t, size_t *);
void	smtpdata_finish(struct smtpdata *);
/* A sink appending to the struct sa in ctx. */
int	smtpdata_sink_sa(void *, const char *, size_t);

#endif
