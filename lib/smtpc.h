/* ISC license. */
/* smtpc.h: the client side of an SMTP session over struct bio.
 *
 * smtpc_read() reads one reply, multi-line or not, with every line at
 * most SMTPC_MAXLINE bytes and at most SMTPC_MAXLINES lines; the code
 * is returned and the text kept in c->reply as one line ("250 a b").
 * smtpc_ehlo() says EHLO, falls back to HELO on a 5xx, and records the
 * extensions offered (PIPELINING, SIZE, STARTTLS, 8BITMIME, SMTPUTF8).
 * smtpc_send() runs one transaction: MAIL (with SIZE=, BODY=8BITMIME and
 * SMTPUTF8 when offered and needed), the RCPTs and DATA, pipelined when
 * offered; then the message, which is stored with LF line ends: every
 * CR, LF or CRLF goes out as CRLF, a leading dot is doubled, a last line
 * without a line end gets one, and "." ends it.  A message over the
 * server's SIZE is refused before anything is sent (552 5.3.4).  Each
 * recipient gets its own code and reply.
 *
 * With c->lmtp set the dialogue is LMTP (RFC 2033): LHLO instead of EHLO
 * (and no HELO), and after the data one reply for each recipient that
 * RCPT accepted, in RCPT order, each that recipient's answer (its
 * `final' is set).  When the connection is lost, a recipient accepted
 * at RCPT whose own final reply has not come gets code 0, as in SMTP.
 *
 * Negative results: SMTPC_IOERR (errno: a timeout is ETIMEDOUT),
 * SMTPC_EOF (connection closed), SMTPC_PROTO (a malformed reply or one
 * over the caps): the connection is then unusable, c->broken is set
 * and smtpc_quit() does nothing. */
#ifndef MW_SMTPC_H
#define MW_SMTPC_H

#include <stddef.h>
#include <sys/socket.h>
#include "bio.h"
#include "sa.h"

#define SMTPC_MAXLINE	512	/* one reply line, CRLF not counted */
#define SMTPC_MAXLINES	100	/* lines in one reply */
#define SMTPC_MAXREPLY	1000	/* reply text kept */

#define SMTPC_PIPELINING	0x01
#define SMTPC_SIZE		0x02
#define SMTPC_STARTTLS		0x04
#define SMTPC_8BITMIME		0x08
#define SMTPC_SMTPUTF8		0x10

enum smtpc_result {
	SMTPC_OK = 0,
	SMTPC_IOERR = -1,
	SMTPC_EOF = -2,
	SMTPC_PROTO = -3
};

struct smtpc {
	struct bio		*in;
	struct bio		*out;
	unsigned int		 ext;	/* SMTPC_* offered in the EHLO reply */
	unsigned long long	 size;	/* the server's SIZE, 0 = none */
	int			 lmtp;	/* speak LMTP: set after smtpc_init */
	int			 code;	/* of the last reply */
	int			 broken; /* an I/O or protocol error: no QUIT */
	struct sa		 reply;	/* "CODE text text ..." */
	struct sa		 line;	/* scratch */
};

struct smtpc_rcpt {
	const char	*addr;		/* without <> */
	size_t		 len;
	int		 code;		/* 0: no answer (connection lost) */
	int		 final;		/* LMTP: code is its own DATA reply */
	struct sa	 reply;
};

void	smtpc_init(struct smtpc *, struct bio *, struct bio *);
void	smtpc_free(struct smtpc *);
/* Reply code 200..599, or a negative smtpc_result. */
int	smtpc_read(struct smtpc *);
int	smtpc_ehlo(struct smtpc *, const char *);
int	smtpc_cmd(struct smtpc *, const char *);	/* a line, its reply */
/* SMTPC_OK when every reply came (see each recipient's code). */
int	smtpc_send(struct smtpc *, const char *, size_t, const char *,
	    size_t, struct smtpc_rcpt *, size_t);
void	smtpc_quit(struct smtpc *);
/* Bytes of the message on the wire (CRLF, no dot-stuffing, no "."). */
unsigned long long smtpc_wiresize(const char *, size_t);
/* Write the message as DATA content, ending with ".\r\n". */
int	smtpc_data(struct bio *, const char *, size_t);
/* Connect with a timeout (ms): a descriptor, or -1 with errno. */
int	smtpc_connect(const struct sockaddr *, socklen_t, int);
const char *smtpc_strerror(int);
/* The RFC 3463 code of a reply ("550 5.1.1 x" -> "5.1.1"), or its
 * class ("5.0.0") if it has none; st holds at least 16 bytes. */
void	smtpc_status(const char *, size_t, char *);

#endif
