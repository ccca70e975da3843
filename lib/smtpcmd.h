/* ISC license. */
/* smtpcmd.h: SMTP command lines, parsed by a table.
 *
 * smtpcmd_parse() splits a command line (CRLF already stripped) into a
 * verb from the table and its argument, checking whether the verb takes
 * an argument.  smtpcmd_mail() and smtpcmd_rcpt() parse the arguments of
 * MAIL FROM:<path> and RCPT TO:<path> with addr.h and the ESMTP
 * parameters we announce: SIZE=n, BODY=7BIT|8BITMIME, SMTPUTF8 on MAIL,
 * none on RCPT (an unknown parameter is 555 5.5.4).  A non-ASCII address
 * needs SMTPUTF8.  smtpcmd_reply() maps every outcome to its reply; the
 * caller sends it.  Pure functions, no I/O. */
#ifndef MW_SMTPCMD_H
#define MW_SMTPCMD_H

#include <stddef.h>
#include "sa.h"

enum smtpcmd_verb {
	SMTPCMD_NONE = 0,
	SMTPCMD_HELO, SMTPCMD_EHLO, SMTPCMD_MAIL, SMTPCMD_RCPT,
	SMTPCMD_DATA, SMTPCMD_BDAT, SMTPCMD_RSET, SMTPCMD_NOOP,
	SMTPCMD_QUIT, SMTPCMD_VRFY, SMTPCMD_HELP, SMTPCMD_STARTTLS,
	SMTPCMD_NVERB
};

enum smtpcmd_result {
	SMTPCMD_OK = 0,
	SMTPCMD_NOMEM,		/* 421 4.3.0, errno ENOMEM */
	SMTPCMD_UNKNOWN,	/* 500 5.5.1 no such verb */
	SMTPCMD_SYNTAX,		/* 501 5.5.4 bad or missing argument */
	SMTPCMD_BADSENDER,	/* 501 5.1.7 */
	SMTPCMD_BADRCPT,	/* 501 5.1.3, also RCPT TO:<> */
	SMTPCMD_UNKPARAM,	/* 555 5.5.4 parameter not supported */
	SMTPCMD_BADPARAM,	/* 501 5.5.4 bad parameter value */
	SMTPCMD_NEEDUTF8,	/* 553 5.6.7 non-ASCII without SMTPUTF8 */
	SMTPCMD_NRESULT
};

enum smtpcmd_body { SMTPCMD_BODY_NONE, SMTPCMD_BODY_7BIT,
	SMTPCMD_BODY_8BITMIME };

#define SMTPCMD_MAXHELO	255

struct smtpcmd {
	int		 verb;
	const char	*arg;		/* into the line; NULL if none */
	size_t		 arglen;
};

struct smtpcmd_mail {
	struct sa		 addr;	/* local@domain; empty for <> */
	unsigned long long	 size;	/* SIZE= (saturated) or 0 */
	int			 hassize;
	int			 body;
	int			 utf8;	/* SMTPUTF8 given */
};
#define SMTPCMD_MAIL_ZERO { SA_ZERO, 0, 0, SMTPCMD_BODY_NONE, 0 }

int	smtpcmd_parse(const char *, size_t, struct smtpcmd *);
/* The HELO/EHLO name: one token of printable ASCII, at most 255 bytes. */
int	smtpcmd_helo(const char *, size_t, struct sa *);
int	smtpcmd_mail(const char *, size_t, struct smtpcmd_mail *);
/* utf8: the transaction's MAIL had SMTPUTF8. */
int	smtpcmd_rcpt(const char *, size_t, int, struct sa *);
/* "n" or "n LAST". */
int	smtpcmd_bdat(const char *, size_t, unsigned long long *, int *);
/* Append the EHLO reply (CRLF line ends): "250-ME" and the extensions
 * PIPELINING, SIZE n, 8BITMIME, SMTPUTF8, CHUNKING, ENHANCEDSTATUSCODES
 * and, if the last argument is set, STARTTLS.  0 or -1 ENOMEM. */
int	smtpcmd_ehlo(struct sa *, const char *, unsigned long, int);
const char *smtpcmd_reply(int);
const char *smtpcmd_name(int);

#endif
