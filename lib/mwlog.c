/* ISC license. */
/* mwlog.c: one event, one line, one write(2). */
#include "sysdeps.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mwlog.h"

static const char *mwlog_prog = "mailward";	/* set once by main() */

static const char *const mwlog_levels[] = {
	"fatal", "warning", "info", "debug"
};

void
mwlog_init(const char *prog)
{
	const char	*slash = strrchr(prog, '/');

	mwlog_prog = slash != NULL ? slash + 1 : prog;
}

void
mwlog(enum mwlog_level level, const char *fmt, ...)
{
	char	 line[MWLOG_MAX + 1];
	va_list	 ap;
	int	 n, m;
	size_t	 len;
	int	 saved = errno;

	n = snprintf(line, sizeof line, "%s: %s: ", mwlog_prog,
	    mwlog_levels[level]);
	if (n < 0)
		n = 0;
	len = (size_t)n;
	if (len > MWLOG_MAX)	/* a program name that long: cut below */
		len = MWLOG_MAX;
	va_start(ap, fmt);
	m = vsnprintf(line + len, sizeof line - len, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	if (len + (size_t)m >= MWLOG_MAX) {
		/* cut visibly, leaving room for "...\n" */
		len = MWLOG_MAX - 4;
		memcpy(line + len, "...", 3);
		len += 3;
	} else
		len += (size_t)m;
	line[len++] = '\n';
	if (write(2, line, len) < 0) {
		/* nowhere left to report it */
	}
	errno = saved;
}

static size_t
mwlog_width(unsigned char c)
{
	if (c < 0x20 || c > 0x7e)
		return 4;
	return c == '"' || c == '\\' ? 2 : 1;
}

static int
mwlog_needquote(const char *in, size_t n)
{
	size_t	 i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (in[i] == ' ')
			return 1;
	return 0;
}

char *
mwlog_esc(char *out, size_t outsz, const char *in, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 o = 0, i, lim, need = 0;
	int			 q = mwlog_needquote(in, n);

	if (outsz < 8) {
		if (outsz > 0)
			out[0] = '\0';
		return out;
	}
	for (i = 0; i < n && need < outsz; i++)
		need += mwlog_width((unsigned char)in[i]);
	lim = outsz - 1 - (q ? 1 : 0);		/* NUL and closing quote */
	if ((q ? 1 : 0) + need > lim)
		lim -= 3;		/* it does not fit: room for "..." */
	if (q)
		out[o++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)in[i];
		size_t		 w = mwlog_width(c);

		if (o + w > lim) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (w == 4) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			if (w == 2)
				out[o++] = '\\';
			out[o++] = (char)c;
		}
	}
	if (q)
		out[o++] = '"';
	out[o] = '\0';
	return out;
}

char *
mwlog_escs(char *out, size_t outsz, const char *in)
{
	return mwlog_esc(out, outsz, in, strlen(in));
}

void
mwlog_line(void *ctx, enum mwlog_level level, const char *line)
{
	(void)ctx;
	mwlog(level, "%s", line);
}
