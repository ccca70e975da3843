/* ISC license. */
/* control.c: qmail-style control files, read strictly. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "spool.h"

static int
control_err(struct sa *err, const char *fn, size_t line, const char *why)
{
	int	 saved = errno;

	err->len = 0;
	if (line > 0)
		(void)sa_catf(err, "%s line %zu: %s", fn, line, why);
	else
		(void)sa_catf(err, "%s: %s", fn, why);
	errno = saved;
	return -1;
}

/* Read fn whole; -1 error, 0 absent, 1 read. */
static int
control_slurp(const char *fn, struct sa *buf, struct sa *err)
{
	int	 fd, r;

	buf->len = 0;
	fd = open(fn, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return 0;
		return control_err(err, fn, 0, strerror(errno));
	}
	r = spool_slurp(fd, buf, CONTROL_MAXFILE);
	if (r == -1) {
		int	 saved = errno;

		(void)close(fd);
		errno = saved;
		return control_err(err, fn, 0, errno == EFBIG ?
		    "file too large" : strerror(errno));
	}
	(void)close(fd);
	return 1;
}

/* Walk the lines of buf; append each meaningful line to out, stripped
 * of its comment and trailing white space.  Leading white space stays:
 * control.h strips only trailing blanks, and " 12" is not a number. */
static int
control_lines(const char *fn, const struct sa *buf, struct sa *out,
    size_t *count, size_t *first, struct sa *err)
{
	size_t	 pos = 0, lineno = 0;

	while (pos < buf->len) {
		const char	*s = buf->s + pos;
		const char	*nl = memchr(s, '\n', buf->len - pos);
		size_t		 n = nl != NULL ? (size_t)(nl - s) : buf->len - pos;
		const char	*hash;

		pos += n + (nl != NULL);
		lineno++;
		if (memchr(s, '\0', n) != NULL)
			return control_err(err, fn, lineno, "NUL byte");
		hash = memchr(s, '#', n);
		if (hash != NULL)
			n = (size_t)(hash - s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
		    s[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		if (sa_catb(out, s, n) == -1 || sa_catc(out, '\0') == -1)
			return control_err(err, fn, 0, strerror(errno));
		(*count)++;
		if (first != NULL) {
			*first = lineno;
			break;
		}
	}
	return 0;
}

int
control_readlist(const char *fn, struct sa *out, size_t *n, struct sa *err)
{
	struct sa	 buf = SA_ZERO;
	int		 r;

	out->len = 0;
	*n = 0;
	r = control_slurp(fn, &buf, err);
	if (r == 1 && control_lines(fn, &buf, out, n, NULL, err) == -1)
		r = -1;
	sa_free(&buf);
	return r;
}

/* The first value of fn; *lineno is its line number. */
static int
control_first(const char *fn, struct sa *out, size_t *lineno, struct sa *err)
{
	struct sa	 buf = SA_ZERO;
	size_t		 n = 0;
	int		 r;

	out->len = 0;
	r = control_slurp(fn, &buf, err);
	if (r == 1 && control_lines(fn, &buf, out, &n, lineno, err) == -1)
		r = -1;
	sa_free(&buf);
	if (r == 1) {
		if (n == 0)
			return control_err(err, fn, 0, "no value");
		out->len--;	/* drop the NUL separator */
	}
	return r;
}

int
control_readline(const char *fn, struct sa *out, struct sa *err)
{
	size_t	 lineno;

	return control_first(fn, out, &lineno, err);
}

int
control_scanuint(const char *s, size_t n, unsigned long min,
    unsigned long max, unsigned long *val)
{
	unsigned long	 v = 0;
	size_t		 i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (__builtin_mul_overflow(v, 10UL, &v) ||
		    __builtin_add_overflow(v, (unsigned long)(s[i] - '0'), &v))
			return -1;
	}
	if (v < min || v > max)
		return -1;
	*val = v;
	return 0;
}

int
control_readuint(const char *fn, unsigned long min, unsigned long max,
    unsigned long dflt, unsigned long *val, struct sa *err)
{
	struct sa	 line = SA_ZERO;
	size_t		 lineno = 1;
	int		 r;

	r = control_first(fn, &line, &lineno, err);
	if (r == 0)
		*val = dflt;
	if (r == 1 && control_scanuint(line.s, line.len, min, max, val) == -1) {
		char	 why[96];

		(void)snprintf(why, sizeof why, "not a number in %lu..%lu",
		    min, max);
		r = control_err(err, fn, lineno, why);
	}
	sa_free(&line);
	return r;
}
