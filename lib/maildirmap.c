/* ISC license. */
/* maildirmap.c: control/maildirs, address or @domain -> Maildir path. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "control.h"
#include "maildirmap.h"
#include "spool.h"

static int
mdm_err(struct sa *err, const char *fn, size_t line, const char *why,
    int e)
{
	err->len = 0;
	if (line > 0)
		(void)sa_catf(err, "%s line %zu: %s", fn, line, why);
	else
		(void)sa_catf(err, "%s: %s", fn, why);
	errno = e;
	return -1;
}

static int
mdm_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Length of the word at s (n bytes). */
static size_t
mdm_word(const char *s, size_t n)
{
	size_t	 i = 0;

	while (i < n && !mdm_space(s[i]))
		i++;
	return i;
}

/* "" if the key is acceptable, else the reason. */
static const char *
mdm_keycheck(const char *k, size_t n)
{
	struct sa	 tmp = SA_ZERO;
	int		 r;

	if (n > 0 && k[0] == '@')
		return addr_domainok(k + 1, n - 1) ? "" : "bad domain";
	r = addr_parse_mailbox(k, n, 1, &tmp);
	sa_free(&tmp);
	if (r == ADDR_NOMEM)
		return NULL;
	return r == ADDR_OK ? "" : "bad address";
}

static int
mdm_find(const struct maildirmap *m, const char *k, size_t n)
{
	size_t	 i;

	for (i = 0; i < m->n; i++)
		if (addr_eq(m->buf.s + m->ent[i].key, m->ent[i].keylen, k, n))
			return 1;
	return 0;
}

static int
mdm_add(struct maildirmap *m, const char *k, size_t kn, const char *p,
    size_t pn)
{
	struct maildirmap_ent	*e;

	if (m->n == m->a) {
		size_t	 na = m->a == 0 ? 16 : m->a * 2;

		if (na > (size_t)-1 / sizeof *e / 2) {
			errno = ENOMEM;
			return -1;
		}
		e = realloc(m->ent, na * sizeof *e);
		if (e == NULL)
			return -1;
		m->ent = e;
		m->a = na;
	}
	e = &m->ent[m->n];
	e->key = m->buf.len;
	e->keylen = kn;
	if (sa_catb(&m->buf, k, kn) == -1 || sa_catc(&m->buf, '\0') == -1)
		return -1;
	e->path = m->buf.len;
	e->pathlen = pn;
	if (sa_catb(&m->buf, p, pn) == -1 || sa_catc(&m->buf, '\0') == -1)
		return -1;
	m->n++;
	return 0;
}

/* One line, comments and white space already stripped, n > 0. */
static int
mdm_line(struct maildirmap *m, const char *fn, size_t lineno,
    const char *s, size_t n, struct sa *err)
{
	const char	*p, *why;
	size_t		 kn, pn, i;

	kn = mdm_word(s, n);
	for (i = kn; i < n && mdm_space(s[i]); i++)
		;
	if (i == n)
		return mdm_err(err, fn, lineno, "missing path", EINVAL);
	p = s + i;
	pn = mdm_word(p, n - i);
	if (i + pn < n)
		return mdm_err(err, fn, lineno, "more than two words", EINVAL);
	if (pn > MAILDIRMAP_MAXPATH)
		return mdm_err(err, fn, lineno, "path too long", EINVAL);
	why = mdm_keycheck(s, kn);
	if (why == NULL)
		return mdm_err(err, fn, 0, strerror(ENOMEM), ENOMEM);
	if (*why != '\0')
		return mdm_err(err, fn, lineno, why, EINVAL);
	if (mdm_find(m, s, kn))
		return mdm_err(err, fn, lineno, "duplicate address", EINVAL);
	if (mdm_add(m, s, kn, p, pn) == -1)
		return mdm_err(err, fn, 0, strerror(errno), errno);
	return 0;
}

int
maildirmap_parse(struct maildirmap *m, const char *fn, const char *buf,
    size_t len, struct sa *err)
{
	size_t	 pos = 0, lineno = 0;

	while (pos < len) {
		const char	*s = buf + pos;
		const char	*nl = memchr(s, '\n', len - pos);
		size_t		 n = nl != NULL ? (size_t)(nl - s) : len - pos;
		const char	*hash;

		pos += n + (nl != NULL);
		lineno++;
		if (memchr(s, '\0', n) != NULL)
			return mdm_err(err, fn, lineno, "NUL byte", EINVAL);
		if ((hash = memchr(s, '#', n)) != NULL)
			n = (size_t)(hash - s);
		while (n > 0 && (mdm_space(s[n - 1]) || s[n - 1] == '\r'))
			n--;
		while (n > 0 && mdm_space(*s)) {
			s++;
			n--;
		}
		if (n > 0 && mdm_line(m, fn, lineno, s, n, err) == -1)
			return -1;
	}
	return 0;
}

int
maildirmap_load(struct maildirmap *m, const char *fn, struct sa *err)
{
	struct sa	 buf = SA_ZERO;
	int		 fd, r, e;

	fd = open(fn, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return 0;
		return mdm_err(err, fn, 0, strerror(errno), errno);
	}
	r = spool_slurp(fd, &buf, CONTROL_MAXFILE);
	e = errno;
	(void)close(fd);
	if (r == -1) {
		sa_free(&buf);
		return mdm_err(err, fn, 0, e == EFBIG ? "file too large" :
		    strerror(e), e);
	}
	r = maildirmap_parse(m, fn, buf.s, buf.len, err);
	e = errno;
	sa_free(&buf);
	errno = e;
	return r == -1 ? -1 : 1;
}

const char *
maildirmap_lookup(const struct maildirmap *m, const char *a, size_t n)
{
	const struct maildirmap_ent	*e;
	const char			*d;
	size_t				 dn, i;

	for (i = 0; i < m->n; i++) {
		e = &m->ent[i];
		if (addr_eq(m->buf.s + e->key, e->keylen, a, n))
			return m->buf.s + e->path;
	}
	d = addr_domain(a, n, &dn);
	if (dn == 0)
		return NULL;
	for (i = 0; i < m->n; i++) {
		e = &m->ent[i];
		if (e->keylen == dn + 1 && m->buf.s[e->key] == '@' &&
		    sa_caseeqb(m->buf.s + e->key + 1, d, dn))
			return m->buf.s + e->path;
	}
	return NULL;
}

void
maildirmap_free(struct maildirmap *m)
{
	sa_free(&m->buf);
	free(m->ent);
	m->ent = NULL;
	m->n = m->a = 0;
}
