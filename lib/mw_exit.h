/* ISC license. */
/* mw_exit.h: the exit-code contract of every mailward program.
 *
 * 0 done; 100 this message can never succeed; 111 try again later.
 * Route codes tell a spool runner to move a message to another spool
 * than its default output; they stay clear of 1, 2, 99, 100, 111,
 * 125-127 and 128+.  See mailward(7). */
#ifndef MW_EXIT_H
#define MW_EXIT_H

#define MW_OK		0
#define MW_PERM		100
#define MW_TEMP		111

#define MW_ROUTE_MIN	20	/* route codes are 20..39 */
#define MW_ROUTE_MAX	39
#define MW_ROUTE_LOCAL	20	/* classify: already scanned, deliver here */
#define MW_ROUTE_HOLD	21	/* notify: a held message, to the quarantine */

/* stamp-status -v: why a status header is not valid (40..49); see
 * stamp-status(8) */
#define MW_STAMP_NONE		40	/* no X-Mailward-Status header */
#define MW_STAMP_MULTI		41	/* more than one */
#define MW_STAMP_MALFORMED	42	/* the header or the message */
#define MW_STAMP_UNKNOWNKEY	43	/* signed by none of our keys */
#define MW_STAMP_BADSIG		44	/* signature does not verify */
#define MW_STAMP_BODY		45	/* the body changed */
#define MW_STAMP_HEADERS	46	/* a signed header field changed */
#define MW_STAMP_EXPIRED	47	/* older than the maximum age */
#define MW_STAMP_FUTURE		48	/* more than 300 s ahead */

#endif
