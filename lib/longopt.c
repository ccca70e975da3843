/* ISC license. */
/* longopt.c: long options from a table; see longopt.h. */
#include "sysdeps.h"

#include <string.h>

#include "longopt.h"

static const struct longopt *longopt_find(const struct longopt *, size_t,
		    const char *, size_t);

static const struct longopt *
longopt_find(const struct longopt *tab, size_t ntab, const char *name,
    size_t n)
{
	size_t	 i;

	for (i = 0; i < ntab; i++)
		if (strlen(tab[i].name) == n &&
		    memcmp(tab[i].name, name, n) == 0)
			return &tab[i];
	return NULL;
}

int
longopt_parse(int argc, char *const *argv, int i, const struct longopt *tab,
    size_t ntab, void *obj, const char **bad)
{
	const struct longopt *o;
	const char	*arg, *eq, *v;
	size_t		 n;

	for (; i < argc; i++) {
		*bad = arg = argv[i];
		if (strncmp(arg, "--", 2) != 0)
			return LONGOPT_NOTOPT;
		if ((eq = strchr(arg, '=')) != NULL) {
			n = (size_t)(eq - arg);
			v = eq + 1;
		} else if (i + 1 < argc) {
			n = strlen(arg);
			v = argv[++i];
		} else
			return LONGOPT_NOVALUE;
		if ((o = longopt_find(tab, ntab, arg + 2, n - 2)) == NULL)
			return LONGOPT_UNKNOWN;
		if (o->fn == NULL)
			*(const char **)(void *)((char *)obj + o->off) = v;
		else if (o->fn(obj, v) == -1) {
			*bad = v;
			return LONGOPT_BADVALUE;
		}
	}
	return LONGOPT_OK;
}
