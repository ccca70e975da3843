/* ISC license. */
/* longopt.h: "--name VALUE" and "--name=VALUE" options, from a table.
 *
 * longopt_parse() walks argv[i..argc-1]; every element must be an
 * option, and every option takes a value: the text after '=' or the
 * next element.  A table entry either stores the value (a const char *
 * at offset off in obj; a later one wins) or, when fn is set, passes it
 * to fn(obj, value), which returns 0 or -1.  Stops at the first
 * problem, with *bad the element to name in the message. */
#ifndef MW_LONGOPT_H
#define MW_LONGOPT_H

#include <stddef.h>

struct longopt {
	const char	*name;		/* "listen" for --listen */
	size_t		 off;		/* where the value goes if no fn */
	int		(*fn)(void *, const char *);
};

enum longopt_result {
	LONGOPT_OK = 0,
	LONGOPT_NOTOPT = -1,	/* not "--...": *bad is the element */
	LONGOPT_NOVALUE = -2,	/* the last element has no value */
	LONGOPT_UNKNOWN = -3,	/* not in the table */
	LONGOPT_BADVALUE = -4	/* fn refused it: *bad is the value */
};

int	longopt_parse(int, char *const *, int, const struct longopt *,
	    size_t, void *, const char **);

#endif
