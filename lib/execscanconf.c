/* ISC license. */
/* execscanconf.c: scan-stage-exec's control file, parsed strictly; see
 * execscan.h. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "execscan.h"
#include "spool.h"

/* keywords, in the order of the bits of "seen" */
enum key { K_COMMAND, K_CLEAN, K_INFECTED, K_VIRUS, K_TIMEOUT, K_MAXOUTPUT,
	K_MAXSIZE, K_ENGINE, K_VERSION, K_N };

static const char *const keys[K_N] = {
	"command", "clean", "infected", "virus", "timeout", "maxoutput",
	"maxsize", "engine", "version",
};

/* the parser's state */
struct parse {
	struct execscan_conf	*c;
	unsigned int		 seen;	/* 1 << key: given */
	char			 why[160];
};

static int
conf_err(struct sa *err, const char *fn, size_t line, const char *why)
{
	err->len = 0;
	if (line > 0)
		(void)sa_catf(err, "%s line %zu: %s", fn, line, why);
	else
		(void)sa_catf(err, "%s: %s", fn, why);
	errno = EINVAL;
	return -1;
}

static int
conf_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One word of a command, its % escapes resolved, into w; *cut = the
 * offset of its %f, (size_t)-1 if none.  NULL, or why it is wrong. */
static const char *
conf_word(struct sa *w, const char *s, size_t n, size_t *cut)
{
	size_t	 i;

	*cut = (size_t)-1;
	w->len = 0;
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			if (sa_catc(w, s[i]) == -1)
				return "out of memory";
		} else if (++i < n && s[i] == '%') {
			if (sa_catc(w, '%') == -1)
				return "out of memory";
		} else if (i < n && s[i] == 'f' && *cut == (size_t)-1)
			*cut = w->len;
		else
			return i < n && s[i] == 'f' ? "%f more than once" :
			    "% not followed by f or %";
	}
	return sa_0(w) == -1 ? "out of memory" : NULL;
}

/* Split a command line into argv (c->argv, or c->version: no %f). */
static const char *
conf_argv(struct execscan_conf *c, char **argv, const char *s, size_t n)
{
	struct sa	 w = SA_ZERO;
	const char	*why = NULL;
	size_t		 i = 0, k = 0, start, cut;

	while (why == NULL && i < n) {
		while (i < n && conf_blank(s[i]))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !conf_blank(s[i]))
			i++;
		if (k == EXECSCAN_MAXARGS)
			why = "too many words";
		else if ((why = conf_word(&w, s + start, i - start, &cut)) !=
		    NULL)
			;
		else if ((argv[k] = strdup(w.s)) == NULL)
			why = "out of memory";
		else if (cut != (size_t)-1 && argv != c->argv)
			why = "%f in the version command";
		else if (cut != (size_t)-1 && c->pre != NULL)
			why = "%f more than once";
		else if (cut != (size_t)-1 && ((c->pre = strndup(w.s, cut)) ==
		    NULL || (c->post = strdup(w.s + cut)) == NULL))
			why = "out of memory";
		else if (cut != (size_t)-1)
			c->fileslot = k;
		k++;
	}
	sa_free(&w);
	if (why == NULL && argv == c->argv && c->pre == NULL)
		why = "no %f (the file)";
	return why;
}

/* "0 1 3": the bits of set */
static const char *
conf_codes(unsigned char *set, const char *s, size_t n)
{
	unsigned long	 v;
	size_t		 i = 0, start;

	while (i < n) {
		while (i < n && conf_blank(s[i]))
			i++;
		start = i;
		while (i < n && !conf_blank(s[i]))
			i++;
		if (control_scanuint(s + start, i - start, 0, 255, &v) == -1)
			return "not an exit code in 0..255";
		if (v == 126 || v == 127)
			return "126 and 127 mean the command could not be run";
		set[v / 8] |= (unsigned char)(1U << v % 8);
	}
	return NULL;
}

static const char *
conf_number(struct parse *p, const char *s, size_t n, unsigned long max,
    unsigned long *v)
{
	if (control_scanuint(s, n, 1, max, v) == 0)
		return NULL;
	(void)snprintf(p->why, sizeof p->why, "not a number in 1..%lu", max);
	return p->why;
}

static const char *
conf_virus(struct parse *p, const char *s, size_t n)
{
	struct execscan_conf	*c = p->c;
	char			*re;
	size_t			 k;
	int			 r;

	if ((re = strndup(s, n)) == NULL)
		return "out of memory";
	r = regcomp(&c->virus, re, REG_EXTENDED);
	free(re);
	if (r != 0) {
		k = (size_t)snprintf(p->why, sizeof p->why,
		    "not a regular expression: ");
		(void)regerror(r, NULL, p->why + k, sizeof p->why - k);
		return p->why;
	}
	c->hasvirus = 1;
	return c->virus.re_nsub == 0 ? "no (group) for the virus name" : NULL;
}

static const char *
conf_engine(struct execscan_conf *c, const char *s, size_t n)
{
	size_t	 i;

	if (n > EXECSCAN_DESCMAX)
		return "longer than 100 bytes";
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return "not printable ASCII without white space";
	if ((c->engine = strndup(s, n)) == NULL)
		return "out of memory";
	return NULL;
}

static const char *
conf_value(struct parse *p, enum key k, const char *s, size_t n)
{
	struct execscan_conf	*c = p->c;

	switch (k) {
	case K_COMMAND:		return conf_argv(c, c->argv, s, n);
	case K_VERSION:		return conf_argv(c, c->version, s, n);
	case K_CLEAN:		return conf_codes(c->clean, s, n);
	case K_INFECTED:	return conf_codes(c->infected, s, n);
	case K_VIRUS:		return conf_virus(p, s, n);
	case K_TIMEOUT:		return conf_number(p, s, n, 86400,
				    &c->timeout);
	case K_MAXOUTPUT:	return conf_number(p, s, n, 16UL << 20,
				    &c->maxoutput);
	case K_MAXSIZE:		return conf_number(p, s, n, 4UL << 30,
				    &c->maxsize);
	case K_ENGINE:		return conf_engine(c, s, n);
	case K_N:		break;
	}
	return "unknown keyword";
}

/* One line without its end: NULL, or why it is wrong. */
static const char *
conf_line(struct parse *p, const char *s, size_t n)
{
	size_t		 i, kl;
	unsigned int	 k;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < ' ' && s[i] != '\t') || s[i] == 0x7f)
			return "control character";
	while (n > 0 && conf_blank(s[n - 1]))
		n--;
	for (i = 0; i < n && conf_blank(s[i]); i++)
		;
	if (i == n || s[i] == '#')
		return NULL;
	for (kl = 0; i + kl < n && !conf_blank(s[i + kl]); kl++)
		;
	for (k = 0; k < K_N; k++)
		if (strlen(keys[k]) == kl && memcmp(keys[k], s + i, kl) == 0)
			break;
	if (k == K_N)
		return "unknown keyword";
	if (p->seen & 1U << k) {
		(void)snprintf(p->why, sizeof p->why, "%s given twice",
		    keys[k]);
		return p->why;
	}
	p->seen |= 1U << k;
	for (i += kl; i < n && conf_blank(s[i]); i++)
		;
	if (i == n)
		return "no value";
	return conf_value(p, (enum key)k, s + i, n - i);
}

/* What the whole file must say: NULL, or why it does not. */
static const char *
conf_whole(const struct execscan_conf *c, unsigned int seen)
{
	unsigned int	 k;

	if (!(seen & 1U << K_COMMAND))
		return "no command";
	if (!(seen & 1U << K_CLEAN))
		return "no clean exit codes";
	if (!(seen & 1U << K_INFECTED))
		return "no infected exit codes";
	if ((seen & 1U << K_ENGINE) && (seen & 1U << K_VERSION))
		return "engine and version both given";
	for (k = 0; k < 256; k++)
		if (EXECSCAN_HAS(c->clean, k) && EXECSCAN_HAS(c->infected, k))
			return "an exit code both clean and infected";
	return NULL;
}

int
execscan_parse(struct execscan_conf *c, const char *fn, const char *buf,
    size_t len, struct sa *err)
{
	struct parse	 p;
	const char	*nl, *why = NULL, *end = buf + len;
	size_t		 line = 0, n;

	memset(c, 0, sizeof *c);
	c->timeout = 60;
	c->maxoutput = 65536;
	c->maxsize = 100UL << 20;
	memset(&p, 0, sizeof p);
	p.c = c;
	while (why == NULL && buf < end) {
		line++;
		if ((nl = memchr(buf, '\n', (size_t)(end - buf))) == NULL)
			nl = end;
		n = (size_t)(nl - buf);
		if (n > 0 && buf[n - 1] == '\r')
			n--;		/* as control.c: CRLF files are fine */
		why = n > EXECSCAN_MAXLINE ? "line too long" :
		    conf_line(&p, buf, n);
		buf = nl + 1;
	}
	if (why == NULL) {
		line = 0;
		why = conf_whole(c, p.seen);
	}
	if (why == NULL)
		return 0;
	(void)conf_err(err, fn, line, why);
	execscan_conf_free(c);
	errno = strcmp(why, "out of memory") == 0 ? ENOMEM : EINVAL;
	return -1;
}

int
execscan_read(struct execscan_conf *c, const char *fn, struct sa *err)
{
	struct sa	 buf = SA_ZERO;
	int		 fd, r, e;

	memset(c, 0, sizeof *c);
	if ((fd = open(fn, O_RDONLY | O_CLOEXEC)) == -1) {
		e = errno;
		err->len = 0;
		(void)sa_catf(err, "%s: %s", fn, e == ENOENT ?
		    "missing: the scanner's command must be configured" :
		    strerror(e));
		errno = e;
		return -1;
	}
	r = spool_slurp(fd, &buf, CONTROL_MAXFILE);
	e = errno;
	(void)close(fd);
	if (r == -1) {
		err->len = 0;
		(void)sa_catf(err, "%s: %s", fn, e == EFBIG ? "file too large" :
		    strerror(e));
	} else
		r = execscan_parse(c, fn, buf.s, buf.len, err);
	e = errno;
	sa_free(&buf);
	errno = e;
	return r;
}

static void
conf_freeargv(char **argv)
{
	size_t	 i;

	for (i = 0; argv[i] != NULL; i++) {
		free(argv[i]);
		argv[i] = NULL;
	}
}

void
execscan_conf_free(struct execscan_conf *c)
{
	conf_freeargv(c->argv);
	conf_freeargv(c->version);
	free(c->pre);
	free(c->post);
	free(c->engine);
	if (c->hasvirus)
		regfree(&c->virus);
	memset(c, 0, sizeof *c);
}
