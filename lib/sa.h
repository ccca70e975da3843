/* ISC license. */
/* sa.h: growable byte strings.
 *
 * A struct sa holds bytes with a length; it is NUL-terminated only after
 * sa_0() and only to hand it to a system call.  Growth is checked for
 * overflow; every function returns 0 on success and -1 with errno set
 * (ENOMEM or EOVERFLOW) on failure, leaving the string as it was. */
#ifndef MW_SA_H
#define MW_SA_H

#include <stddef.h>
#include "sysdeps.h"

struct sa {
	char	*s;
	size_t	 len;
	size_t	 a;
};
#define SA_ZERO	{ NULL, 0, 0 }

int	sa_ready(struct sa *, size_t);		/* room for n bytes in all */
int	sa_readyplus(struct sa *, size_t);	/* room for n more bytes */
int	sa_catb(struct sa *, const char *, size_t);
int	sa_cats(struct sa *, const char *);
int	sa_cat(struct sa *, const struct sa *);
int	sa_catc(struct sa *, char);
int	sa_catu(struct sa *, unsigned long long);
int	sa_catf(struct sa *, const char *, ...) MW_PRINTF(2, 3);
int	sa_copyb(struct sa *, const char *, size_t);
int	sa_copys(struct sa *, const char *);
int	sa_0(struct sa *);			/* NUL after len, not counted */
void	sa_free(struct sa *);
int	sa_eqs(const struct sa *, const char *);	/* bytes equal a C string */

/* ASCII-only, locale-free helpers for protocol keywords */
int	sa_caseeqb(const char *, const char *, size_t);	/* 1 if equal */
char	sa_lower(char);

#endif
