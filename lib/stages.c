/* ISC license. */
/* stages.c: a scanner's chain of scan stages; see stages.h. */
#include "sysdeps.h"

#include <stdio.h>
#include <string.h>

#include "stages.h"

static const struct stages_engine stages_known[] = {
	{ "clamav",	"scan-stage-clamav",	1 },
	{ "clamd",	"scan-stage-clamd",	0 },
	{ "exec",	"scan-stage-exec",	0 },
};
#define STAGES_NKNOWN	(sizeof stages_known / sizeof stages_known[0])

static int
stages_bad(const char *s, size_t n, char *bad, size_t badsz)
{
	if (badsz > 0)
		(void)snprintf(bad, badsz, "%.*s", (int)n, s);
	return -1;
}

int
stages_parse(const char *s, size_t len, struct stages *sg, char *bad,
    size_t badsz)
{
	const char	*end = s + len, *comma;
	size_t		 n, i, j;

	sg->n = 0;
	if (len == 0)
		return stages_bad("", 0, bad, badsz);
	for (;;) {
		comma = memchr(s, ',', (size_t)(end - s));
		n = (size_t)((comma != NULL ? comma : end) - s);
		for (i = 0; i < STAGES_NKNOWN; i++)
			if (strlen(stages_known[i].name) == n &&
			    memcmp(stages_known[i].name, s, n) == 0)
				break;
		if (i == STAGES_NKNOWN || sg->n == STAGES_MAX)
			return stages_bad(s, n, bad, badsz);
		for (j = 0; j < sg->n; j++)
			if (sg->st[j] == &stages_known[i])
				return stages_bad(s, n, bad, badsz);
		sg->st[sg->n++] = &stages_known[i];
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

void
stages_spool(size_t i, char *buf, size_t n)
{
	if (i == 0)
		(void)snprintf(buf, n, "scan");
	else
		(void)snprintf(buf, n, "scan%zu", i + 1);
}
