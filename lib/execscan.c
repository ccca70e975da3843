/* ISC license. */
/* execscan.c: a vendor's command-line scanner as a scan engine; see
 * execscan.h.  The control file is parsed in execscanconf.c. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bio.h"
#include "execscan.h"
#include "runcmd.h"

#define FIRSTLINE	120	/* bytes of output quoted in a reason */

/* the name of the command, for reasons */
static const char *
execscan_cmdname(const char *argv0)
{
	const char	*s = strrchr(argv0, '/');

	return s != NULL && s[1] != '\0' ? s + 1 : argv0;
}

/* dst = s (n bytes) as one safe word or name: bytes outside printable
 * ASCII, and those in bad, become '_' (a run of spaces and tabs one
 * '_' when bad holds a space); white space at either end goes; at most
 * dstsz - 1 bytes. */
static void
execscan_safe(char *dst, size_t dstsz, const char *s, size_t n,
    const char *bad)
{
	size_t	 k = 0;
	int	 squeeze = strchr(bad, ' ') != NULL, blank = 0;

	while (n > 0 && (s[0] == ' ' || s[0] == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (; n > 0 && k + 1 < dstsz; s++, n--) {
		unsigned char	 c = (unsigned char)*s;

		if (squeeze && (c == ' ' || c == '\t') && blank)
			continue;
		blank = c == ' ' || c == '\t';
		dst[k++] = c < ' ' || c >= 0x7f || strchr(bad, c) != NULL ?
		    '_' : (char)c;
	}
	dst[k] = '\0';
}

/* The first non-empty line of out, made safe, for a reason. */
static void
execscan_firstline(char *dst, size_t dstsz, const struct sa *out)
{
	size_t	 i = 0, n;

	while (i < out->len && (out->s[i] == '\n' || out->s[i] == '\r'))
		i++;
	for (n = 0; i + n < out->len && out->s[i + n] != '\n'; n++)
		;
	execscan_safe(dst, dstsz, out->s + i, n, "");
	if (dst[0] == '\0')
		scanres_copy(dst, dstsz, "no output");
}

int
execscan_setdir(struct execscan *x, const char *dir)
{
	char	*d;

	if ((d = strdup(dir)) == NULL)
		return -1;
	free(x->dir);
	x->dir = d;
	return 0;
}

void
execscan_free(struct execscan *x)
{
	free(x->dir);
	x->dir = NULL;
}

/* the description: the version command's first line, or why not */
static int
execscan_version(struct execscan *x, struct sa *err)
{
	const struct execscan_conf *c = x->c;
	struct sa		 out = SA_ZERO;
	enum runcmd_outcome	 o;
	char			 line[FIRSTLINE];
	size_t			 n;
	int			 code;

	o = runcmd_run(c->version, (unsigned int)c->timeout * 1000,
	    c->maxoutput, &out, &code);
	err->len = 0;
	if (o != RUNCMD_EXITED || code != 0) {
		execscan_firstline(line, sizeof line, &out);
		(void)sa_catf(err, "version command %s: %s %d: %s",
		    execscan_cmdname(c->version[0]),
		    runcmd_outcomename(o), o == RUNCMD_ERROR ? errno : code,
		    o == RUNCMD_ERROR ? strerror(errno) : line);
		sa_free(&out);
		return -1;
	}
	for (n = 0; n < out.len && out.s[n] != '\n'; n++)
		;
	/* "ClamAV 1.4.6/27000/Tue Feb" -> "ClamAV_1.4.6/27000/Tue_Feb" */
	execscan_safe(x->desc, sizeof x->desc, out.s, n, " ");
	sa_free(&out);
	if (x->desc[0] == '\0') {
		(void)sa_cats(err, "version command: no output");
		return -1;
	}
	return 0;
}

int
execscan_init(struct execscan *x, const struct execscan_conf *c,
    struct sa *err)
{
	const char	*name;

	memset(x, 0, sizeof *x);
	x->c = c;
	if (c->engine != NULL) {
		scanres_copy(x->desc, sizeof x->desc, c->engine);
		return 0;
	}
	if (c->version[0] != NULL)
		return execscan_version(x, err);
	name = execscan_cmdname(c->argv[0]);
	execscan_safe(x->desc, sizeof x->desc, name, strlen(name), " ");
	return 0;
}

/* Write prefix and data to the new file fn, mode 0600. */
static int
execscan_write(const char *fn, const char *prefix, const char *buf,
    size_t len)
{
	struct bio	 b;
	char		 bb[8192];
	int		 fd, r, e;

	(void)unlink(fn);
	if ((fd = open(fn, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return -1;
	bio_init(&b, fd, bio_op_write, bb, sizeof bb);
	r = bio_put(&b, prefix, strlen(prefix)) == -1 ||
	    bio_put(&b, buf, len) == -1 || bio_flush(&b) == -1 ? -1 : 0;
	e = errno;
	if (close(fd) == -1 && r == 0) {
		r = -1;
		e = errno;
	}
	if (r == -1)
		(void)unlink(fn);
	errno = e;
	return r;
}

/* Every name the virus expression finds, one per line; how many. */
static size_t
execscan_names(const struct execscan_conf *c, const struct sa *out,
    struct scanres *r)
{
	struct sa	 line = SA_ZERO;
	regmatch_t	 m[2];
	char		 name[EXECSCAN_NAMEMAX + 1];
	size_t		 pos = 0, n, found = 0;

	while (c->hasvirus && pos < out->len) {
		for (n = 0; pos + n < out->len && out->s[pos + n] != '\n'; n++)
			;
		line.len = 0;
		if (sa_catb(&line, out->s + pos, n) == -1 || sa_0(&line) == -1)
			break;	/* no names: EXECSCAN_UNNAMED, still VIRUS */
		pos += n + 1;
		if (line.len > 0 && line.s[line.len - 1] == '\r')
			line.s[--line.len] = '\0';
		if (regexec(&c->virus, line.s, 2, m, 0) != 0 ||
		    m[1].rm_so < 0 || m[1].rm_eo <= m[1].rm_so)
			continue;
		execscan_safe(name, sizeof name, line.s + m[1].rm_so,
		    (size_t)(m[1].rm_eo - m[1].rm_so), ",");
		if (name[0] == '\0')
			continue;
		scanres_addname(r, name);
		found++;
	}
	sa_free(&line);
	return found;
}

/* The exit of the command -> the verdict. */
static enum scanres_verdict
execscan_verdict(const struct execscan_conf *c, enum runcmd_outcome o,
    int code, const struct sa *out, struct scanres *r)
{
	const char	*cmd = execscan_cmdname(c->argv[0]);
	char		 line[FIRSTLINE];

	execscan_firstline(line, sizeof line, out);
	switch (o) {
	case RUNCMD_EXITED:
		break;
	case RUNCMD_SIGNALED:
		return scanres_fail(r, "%s killed by signal %d: %s", cmd, code,
		    line);
	case RUNCMD_TIMEOUT:
		return scanres_fail(r, "%s timed out after %lu s", cmd,
		    c->timeout);
	case RUNCMD_TOOMUCH:
		return scanres_fail(r, "%s wrote over %lu bytes", cmd,
		    c->maxoutput);
	case RUNCMD_ERROR:
		return scanres_fail(r, "unable to run %s: %s", cmd,
		    strerror(errno));
	}
	if (EXECSCAN_HAS(c->infected, (unsigned int)code)) {
		if (execscan_names(c, out, r) == 0)
			scanres_addname(r, EXECSCAN_UNNAMED);
		return scanres_settle(r);
	}
	if (!EXECSCAN_HAS(c->clean, (unsigned int)code))
		return scanres_fail(r, "%s exit %d: %s", cmd, code, line);
	if (execscan_names(c, out, r) > 0)
		return scanres_fail(r, "%s exit %d (clean) but its output "
		    "names %s", cmd, code, r->names);
	return scanres_settle(r);
}

/* Scan prefix and buf as the file DIR/name. */
static enum scanres_verdict
execscan_run(const struct execscan *x, const char *name, const char *prefix,
    const char *buf, size_t len, struct scanres *r)
{
	const struct execscan_conf *c = x->c;
	char			*argv[EXECSCAN_MAXARGS + 1];
	struct sa		 fn = SA_ZERO, word = SA_ZERO, out = SA_ZERO;
	enum runcmd_outcome	 o;
	int			 code = 0, e;

	scanres_start(r);
	if (x->dir == NULL)
		return scanres_fail(r, "no temporary directory");
	if (sa_catf(&fn, "%s/%s", x->dir, name) == -1 || sa_0(&fn) == -1 ||
	    sa_catf(&word, "%s%s%s", c->pre, fn.s, c->post) == -1 ||
	    sa_0(&word) == -1) {
		sa_free(&fn);
		sa_free(&word);
		return scanres_fail(r, "out of memory");
	}
	if (execscan_write(fn.s, prefix, buf, len) == -1) {
		e = errno;
		sa_free(&word);
		sa_free(&fn);
		return scanres_fail(r, "unable to write %s/%s: %s", x->dir,
		    name, strerror(e));
	}
	memcpy(argv, c->argv, sizeof argv);
	argv[c->fileslot] = word.s;
	o = runcmd_run(argv, (unsigned int)c->timeout * 1000, c->maxoutput,
	    &out, &code);
	e = errno;
	(void)unlink(fn.s);
	errno = e;
	(void)execscan_verdict(c, o, code, &out, r);
	sa_free(&fn);
	sa_free(&word);
	sa_free(&out);
	return r->verdict;
}

enum scanres_verdict
execscan_message(const struct execscan *x, const char *buf, size_t len,
    struct scanres *r)
{
	return execscan_run(x, "message.eml", SCANRES_MAILPREFIX, buf, len, r);
}

enum scanres_verdict
execscan_leaf(const struct execscan *x, const char *buf, size_t len,
    struct scanres *r)
{
	return execscan_run(x, "part", "", buf, len, r);
}

static enum scanres_verdict
execscan_message_fn(const void *x, const char *buf, size_t len,
    struct scanres *r)
{
	return execscan_message(x, buf, len, r);
}

static enum scanres_verdict
execscan_leaf_fn(const void *x, const char *buf, size_t len,
    struct scanres *r)
{
	return execscan_leaf(x, buf, len, r);
}

void
execscan_scanner(const struct execscan *x, struct scanner *sc)
{
	sc->st = x;
	sc->message = execscan_message_fn;
	sc->leaf = execscan_leaf_fn;
}
