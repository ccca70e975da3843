/* ISC license. */
/* testcav.h: the engine fixture of the suites that scan (check_cav,
 * check_scanmsg): the project's test signatures, loaded once per test
 * case as an unchecked fixture.  A header of static inline functions,
 * so only the suites that include it link libclamav. */
#ifndef MW_TESTCAV_H
#define MW_TESTCAV_H

#include <stdio.h>

#include "cav.h"
#include "unit.h"

static struct cav_engine	*eng;		/* per test case */
static struct scanner		 sc;		/* eng for scanmsg */

/* Load t/data/sigs with limits l; on failure eng stays NULL and every
 * test of the case fails. */
static inline void
load(const struct cav_limits *l)
{
	struct cav_err	 err;
	char		 dir[UNIT_PATHSZ];
	int		 n;

	err.s[0] = '\0';
	n = snprintf(dir, sizeof dir, "%s", unit_datadir("sigs"));
	if (n <= 0 || (size_t)n >= sizeof dir ||
	    cav_engine_load(dir, l, &eng, &err) == -1) {
		fprintf(stderr, "# test signatures: %s\n", err.s);
		eng = NULL;
	}
	cav_scanner(eng, &sc);
}

static inline void
load_default(void)
{
	struct cav_limits	 l;

	cav_limits_default(&l);
	load(&l);
}

static inline void
unload(void)
{
	cav_engine_free(eng);
	eng = NULL;
}

#endif
