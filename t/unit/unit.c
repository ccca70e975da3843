/* ISC license. */
/* unit.c: what the t/unit/check_*.c suites share; see unit.h. */
#include "sysdeps.h"

#include <sys/stat.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sa.h"
#include "unit.h"

/* Fail the test unless cond.  Unlike ck_assert, a pass marks no point,
 * so a passing test's TAP line names its own file and line, not ours. */
#define UNIT_CHECK(cond, ...) \
	do { \
		if (!(cond)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

static char	 topdir[UNIT_PATHSZ];	/* per test case */
static char	 scratch[UNIT_PATHSZ];	/* per test, inside topdir */

int
unit_run(Suite *s)
{
	SRunner	*sr = srunner_create(s);
	int	 nfail;

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* dir = $TMPDIR/TAG.XXXXXX made by mkdtemp(), or -1 */
static int
unit_tmpname(char *dir, size_t dirsz, const char *tag)
{
	const char	*t = getenv("TMPDIR");
	int		 n;

	if (t == NULL || *t == '\0')
		t = "/tmp";
	n = snprintf(dir, dirsz, "%s/%s.XXXXXX", t, tag);
	if (n <= 0 || (size_t)n >= dirsz || mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

void
unit_mkdtemp(char *dir, size_t dirsz, const char *tag)
{
	UNIT_CHECK(unit_tmpname(dir, dirsz, tag) == 0,
	    "mkdtemp %s in $TMPDIR: %s", tag, strerror(errno));
}

int
unit_rmrf(const char *path)
{
	struct stat	 st;
	DIR		*d;
	struct dirent	*e;
	char		 sub[UNIT_PATHSZ];
	int		 n;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			n = snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
			if (n > 0 && (size_t)n < sizeof sub)
				(void)unit_rmrf(sub);
		}
		(void)closedir(d);
	}
	return rmdir(path);
}

void
unit_scratch_setup(void)
{
	if (unit_tmpname(topdir, sizeof topdir, "check") == -1)
		topdir[0] = '\0';	/* unit_scratch_make() fails */
}

void
unit_scratch_teardown(void)
{
	if (topdir[0] != '\0')
		(void)unit_rmrf(topdir);
}

const char *
unit_scratch_make(void)
{
	int	 n;

	UNIT_CHECK(topdir[0] != '\0', "no scratch directory in $TMPDIR");
	n = snprintf(scratch, sizeof scratch, "%s/t.XXXXXX", topdir);
	UNIT_CHECK(n > 0 && (size_t)n < sizeof scratch, "%s: too long",
	    topdir);
	UNIT_CHECK(mkdtemp(scratch) != NULL, "mkdtemp %s: %s", scratch,
	    strerror(errno));
	(void)umask(022);
	return scratch;
}

void
unit_scratch_remove(void)
{
	UNIT_CHECK(unit_rmrf(scratch) == 0, "rm -rf %s: %s", scratch,
	    strerror(errno));
}

void
unit_scratch_path(char *out, const char *a, const char *b)
{
	int	 n;

	if (b != NULL)
		n = snprintf(out, UNIT_PATHSZ, "%s/%s/%s", scratch, a, b);
	else
		n = snprintf(out, UNIT_PATHSZ, "%s/%s", scratch, a);
	UNIT_CHECK(n > 0 && n < UNIT_PATHSZ, "%s/%s: too long", scratch, a);
}

void
unit_scratch_enter(void)
{
	const char	*dir = unit_scratch_make();

	UNIT_CHECK(chdir(dir) == 0, "chdir %s: %s", dir, strerror(errno));
}

void
unit_scratch_leave(void)
{
	UNIT_CHECK(chdir("/") == 0, "chdir /: %s", strerror(errno));
	unit_scratch_remove();
}

void
unit_writefile(const char *fn, const void *s, size_t n, mode_t mode)
{
	int	 fd;

	fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	UNIT_CHECK(fd >= 0, "%s: %s", fn, strerror(errno));
	UNIT_CHECK(write(fd, s, n) == (ssize_t)n, "write %s: %s", fn,
	    strerror(errno));
	UNIT_CHECK(close(fd) == 0, "close %s: %s", fn, strerror(errno));
}

void
unit_readfile(const char *fn, struct sa *out)
{
	ssize_t	 r;
	int	 fd;

	fd = open(fn, O_RDONLY | O_CLOEXEC);
	UNIT_CHECK(fd >= 0, "%s: %s", fn, strerror(errno));
	out->len = 0;
	do {
		UNIT_CHECK(sa_readyplus(out, 8192) == 0, "%s: out of memory",
		    fn);
		r = read(fd, out->s + out->len, 8192);
		UNIT_CHECK(r >= 0, "read %s: %s", fn, strerror(errno));
		out->len += (size_t)r;
		UNIT_CHECK(out->len <= UNIT_MAXFILE, "%s: too large", fn);
	} while (r > 0);
	UNIT_CHECK(close(fd) == 0, "close %s: %s", fn, strerror(errno));
}

/* 1 if got holds the bytes of want */
static int
unit_eqs(const struct sa *got, const char *want)
{
	size_t	 n = strlen(want);

	return got->len == n && (n == 0 || memcmp(got->s, want, n) == 0);
}

void
unit_sa_is(const struct sa *got, const char *want)
{
	UNIT_CHECK(unit_eqs(got, want), "got \"%.*s\", want \"%s\"",
	    (int)got->len, got->len > 0 ? got->s : "", want);
}

void
unit_file_is(const char *fn, const char *want)
{
	struct sa	 got = SA_ZERO;

	unit_readfile(fn, &got);
	UNIT_CHECK(unit_eqs(&got, want), "%s holds \"%.*s\", want \"%s\"",
	    fn, (int)got.len, got.len > 0 ? got.s : "", want);
	sa_free(&got);
}

unsigned int
unit_mode(const char *fn)
{
	struct stat	 st;

	UNIT_CHECK(lstat(fn, &st) == 0, "lstat %s: %s", fn, strerror(errno));
	return st.st_mode & 07777;
}

int
unit_count(const char *dir, const char *sub, struct sa *last)
{
	char		 p[UNIT_PATHSZ];
	DIR		*d;
	struct dirent	*e;
	int		 n;

	if (sub != NULL)
		n = snprintf(p, sizeof p, "%s/%s", dir, sub);
	else
		n = snprintf(p, sizeof p, "%s", dir);
	UNIT_CHECK(n > 0 && (size_t)n < sizeof p, "%s: name too long", dir);
	d = opendir(p);
	UNIT_CHECK(d != NULL, "%s: %s", p, strerror(errno));
	n = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		UNIT_CHECK(last == NULL || sa_copys(last, e->d_name) == 0,
		    "out of memory");
	}
	(void)closedir(d);
	return n;
}

/* $MW_SRCDIR, else "." */
static const char *
unit_srcdir(void)
{
	const char	*src = getenv("MW_SRCDIR");

	return src != NULL && *src != '\0' ? src : ".";
}

const char *
unit_datadir(const char *sub)
{
	static char	 dir[UNIT_PATHSZ];
	int		 n;

	n = snprintf(dir, sizeof dir, "%s/t/data/%s", unit_srcdir(), sub);
	if (n <= 0 || (size_t)n >= sizeof dir)
		abort();
	return dir;
}

const char *
unit_corpusdir(void)
{
	static char	 dir[UNIT_PATHSZ];
	const char	*c = getenv("MW_CORPUS");
	int		 n;

	if (c != NULL && *c != '\0')
		n = snprintf(dir, sizeof dir, "%s", c);
	else
		n = snprintf(dir, sizeof dir,
		    "%s/../shared/corpus/cpython-email", unit_srcdir());
	if (n <= 0 || (size_t)n >= sizeof dir)
		abort();
	return dir;
}

static int
unit_namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t
unit_scan(const char *dir, const char *ext, char **names, size_t max)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0, el = strlen(ext), len;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && n < max) {
		len = strlen(de->d_name);
		if (len > el && strcmp(de->d_name + len - el, ext) == 0 &&
		    (names[n] = strndup(de->d_name, len - el)) != NULL)
			n++;
	}
	(void)closedir(d);
	qsort(names, n, sizeof names[0], unit_namecmp);
	return n;
}
