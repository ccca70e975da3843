/* ISC license. */
/* stages.h: a scanner's chain of scan stages, as mailward-setup(1)'s
 * --stages and control/stages name it: "clamav,clamd,exec".
 *
 * Each name is an engine (clamav: libclamav in-process; clamd: a clamd
 * over its socket; exec: a vendor's command), once at most, in the
 * order messages meet them; 1..STAGES_MAX stages.  Stage i (from 0)
 * reads the spool stages_spool(i): queue/scan, queue/scan2, ...; the
 * last writes queue/stamp.  Pure. */
#ifndef MW_STAGES_H
#define MW_STAGES_H

#include <stddef.h>

#define STAGES_MAX	8
#define STAGES_SPOOLSZ	16

struct stages_engine {
	const char	*name;		/* "clamav" */
	const char	*prog;		/* "scan-stage-clamav" */
	int		 bigengine;	/* loads signatures in-process */
};

struct stages {
	size_t				 n;
	const struct stages_engine	*st[STAGES_MAX];
};

/* s (n bytes, one line): 0, or -1 with the offending name (unknown,
 * twice, or one too many) copied into bad (badsz bytes). */
int	stages_parse(const char *, size_t, struct stages *, char *, size_t);
/* "scan" for stage 0, else "scanN" (N = i + 1), into buf */
void	stages_spool(size_t, char *, size_t);

#endif
