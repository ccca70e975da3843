/* ISC license. */
/* subscr.c: the subscribers list; see subscr.h. */
#include "sysdeps.h"

#include <string.h>

#include "addr.h"
#include "sa.h"
#include "subscr.h"

int
subscr_check(const struct sa *list, const char **bad)
{
	struct sa	 tmp = SA_ZERO;
	const char	*p;
	size_t		 n;
	int		 ok;

	for (p = list->s; p != NULL && p < list->s + list->len; p += n + 1) {
		n = strlen(p);
		ok = p[0] == '@' ? n > 1 && addr_domainok(p + 1, n - 1) :
		    addr_parse_mailbox(p, n, 1, &tmp) == ADDR_OK;
		if (!ok) {
			sa_free(&tmp);
			*bad = p;
			return -1;
		}
	}
	sa_free(&tmp);
	return 0;
}

int
subscr_match(const struct sa *list, const char *a, size_t an)
{
	const char	*p, *d;
	size_t		 n, dn;

	d = addr_domain(a, an, &dn);
	for (p = list->s; p != NULL && p < list->s + list->len; p += n + 1) {
		n = strlen(p);
		if (p[0] == '@' ? dn > 0 && addr_eq(p + 1, n - 1, d, dn) :
		    addr_eq(p, n, a, an))
			return 1;
	}
	return 0;
}
