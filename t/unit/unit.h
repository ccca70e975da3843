/* ISC license. */
/* unit.h: what the t/unit/check_*.c suites share (t/unit/unit.c): the
 * runner, scratch directories under $TMPDIR, whole-file reads and writes,
 * where the test data and the corpus are.
 *
 * The helpers fail the calling test with a message, so call them inside
 * a test or a checked fixture; a pass marks no point, so a TAP line
 * still names the test's own file.  unit_scratch_setup() and
 * unit_scratch_teardown() are the exception, meant for an unchecked
 * fixture, which runs outside any test and asserts nothing. */
#ifndef MW_UNIT_H
#define MW_UNIT_H

#include <sys/types.h>
#include <check.h>
#include <stddef.h>

#include "sa.h"

/* bytes that may hold a NUL, in a table: S("a\0b") is { "a\0b", 3 } */
struct bytes {
	const char	*s;
	size_t		 n;
};
#define S(x)	{ x, sizeof x - 1 }

#define UNIT_PATHSZ	1024
#define UNIT_MAXFILE	(16UL << 20)	/* unit_readfile()'s cap */

/* Run the suite with TAP on stdout: EXIT_SUCCESS if no test failed. */
int	unit_run(Suite *);

/* dir (dirsz bytes) = a new directory $TMPDIR/TAG.XXXXXX (or /tmp/...) */
void	unit_mkdtemp(char *, size_t, const char *);
/* Remove path and all below it; 0 when it is gone, else -1. */
int	unit_rmrf(const char *);

/* A scratch directory per test: unit_scratch_make() makes it inside a
 * directory per test case, which the runner makes and removes, so it
 * goes even when a test fails:
 *	tcase_add_unchecked_fixture(tc, unit_scratch_setup,
 *	    unit_scratch_teardown);
 * unit_scratch_make() also sets the umask to 022. */
void	unit_scratch_setup(void);
void	unit_scratch_teardown(void);
const char *unit_scratch_make(void);
void	unit_scratch_remove(void);
/* out (UNIT_PATHSZ bytes) = SCRATCH/a, or SCRATCH/a/b unless b is NULL */
void	unit_scratch_path(char *, const char *, const char *);
/* A checked fixture running each test inside its scratch directory:
 *	tcase_add_checked_fixture(tc, unit_scratch_enter,
 *	    unit_scratch_leave);
 * (with the unchecked fixture above). */
void	unit_scratch_enter(void);
void	unit_scratch_leave(void);

/* Create fn with mode (or truncate it) holding the n bytes at s. */
void	unit_writefile(const char *, const void *, size_t, mode_t);
/* The whole of fn into out, replacing what it held. */
void	unit_readfile(const char *, struct sa *);
/* The bytes of got (or of the file fn) are the C string want. */
void	unit_sa_is(const struct sa *, const char *);
void	unit_file_is(const char *, const char *);
/* The permission bits of fn (lstat: a symlink's own). */
unsigned int unit_mode(const char *);
/* The names in dir/sub (dir if sub is NULL) not starting with a dot;
 * the last one seen in last unless it is NULL. */
int	unit_count(const char *, const char *, struct sa *);

/* Where the data are, for every suite alike: $MW_SRCDIR (else ".")
 * /t/data/SUB, and $MW_CORPUS, else $MW_SRCDIR/../shared/corpus/
 * cpython-email.  Each answers in a buffer of its own, which its next
 * call overwrites; a name too long aborts. */
const char *unit_datadir(const char *);
const char *unit_corpusdir(void);
/* The names in dir ending in ext, ext cut off, sorted, at most max of
 * them into names (strdup'd); how many, 0 if dir cannot be opened. */
size_t	unit_scan(const char *, const char *, char **, size_t);

#endif
