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

#endif
