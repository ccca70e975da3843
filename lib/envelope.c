/* ISC license. */
/* envelope.c: parse and format the envelope block of a spool file. */
#include "sysdeps.h"

#include <errno.h>
#include <string.h>

#include "addr.h"
#include "envelope.h"
#include "spool.h"

#define ENV_ID		0x01
#define ENV_TIME	0x02
#define ENV_REMOTE	0x04
#define ENV_HELO	0x08
#define ENV_TLS		0x10
#define ENV_FROM	0x20

static int
env_keyok(const char *k, size_t n)
{
	size_t	 i;

	if (n == 0 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') ||
		    (k[i] >= '0' && k[i] <= '9') || k[i] == '-'))
			return 0;
	return 1;
}

static int
env_valueok(const char *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

/* The fields of struct envelope: never an extra key (a "rcpt" extra
 * would come back from envelope_fmt() as one more recipient). */
static int
env_corekey(const char *k)
{
	static const char *const core[] = {
		"id", "time", "remote", "helo", "tls", "from", "rcpt"
	};
	size_t	 i;

	for (i = 0; i < sizeof core / sizeof core[0]; i++)
		if (strcmp(k, core[i]) == 0)
			return 1;
	return 0;
}

/* "<addr>" -> addr; addresses are parsed strictly again by their users */
static int
env_path(const char *v, size_t n, struct sa *out, int null_ok)
{
	if (n < 2 || v[0] != '<' || v[n - 1] != '>' || n - 2 > ADDR_MAXPATH)
		return ENVELOPE_SYNTAX;
	if (n == 2 && !null_ok)
		return ENVELOPE_SYNTAX;
	if (sa_catb(out, v + 1, n - 2) == -1)
		return ENVELOPE_NOMEM;
	return ENVELOPE_OK;
}

static int
env_u(const char *v, size_t n, unsigned long long *u)
{
	size_t	 i;

	if (n == 0 || n > 19)
		return ENVELOPE_SYNTAX;
	*u = 0;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return ENVELOPE_SYNTAX;
		*u = *u * 10 + (unsigned long long)(v[i] - '0');
	}
	return ENVELOPE_OK;
}

static int
env_once(unsigned int *seen, unsigned int bit)
{
	if (*seen & bit)
		return ENVELOPE_SYNTAX;
	*seen |= bit;
	return ENVELOPE_OK;
}

static int
env_field(struct envelope *e, unsigned int *seen, const char *k, size_t kn,
    const char *v, size_t vn)
{
	unsigned long long	 u;
	int			 r;

#define KEY(s)	(kn == sizeof s - 1 && memcmp(k, s, kn) == 0)
	if (KEY("rcpt")) {
		if (e->nrcpt >= ENVELOPE_MAXRCPT)
			return ENVELOPE_TOOLONG;
		if ((r = env_path(v, vn, &e->rcpt, 0)) != ENVELOPE_OK)
			return r;
		if (sa_catc(&e->rcpt, '\0') == -1)
			return ENVELOPE_NOMEM;
		e->nrcpt++;
		return ENVELOPE_OK;
	}
	if (KEY("id")) {
		if ((r = env_once(seen, ENV_ID)) != ENVELOPE_OK)
			return r;
		if (!spool_idok(v, vn))
			return ENVELOPE_SYNTAX;
		return sa_copyb(&e->id, v, vn) == -1 ? ENVELOPE_NOMEM : 0;
	}
	if (KEY("time")) {
		if ((r = env_once(seen, ENV_TIME)) != ENVELOPE_OK)
			return r;
		if ((r = env_u(v, vn, &u)) == ENVELOPE_OK)
			e->time = u;
		return r;
	}
	if (KEY("remote") || KEY("helo")) {
		struct sa	*dst = KEY("remote") ? &e->remote : &e->helo;

		if ((r = env_once(seen, KEY("remote") ? ENV_REMOTE :
		    ENV_HELO)) != ENVELOPE_OK)
			return r;
		if (vn == 1 && v[0] == '-')
			vn = 0;
		return sa_copyb(dst, v, vn) == -1 ? ENVELOPE_NOMEM : 0;
	}
	if (KEY("tls")) {
		if ((r = env_once(seen, ENV_TLS)) != ENVELOPE_OK)
			return r;
		if (vn != 1 || (v[0] != '0' && v[0] != '1'))
			return ENVELOPE_SYNTAX;
		e->tls = v[0] == '1';
		return ENVELOPE_OK;
	}
	if (KEY("from")) {
		if ((r = env_once(seen, ENV_FROM)) != ENVELOPE_OK)
			return r;
		e->from.len = 0;
		return env_path(v, vn, &e->from, 1);
	}
#undef KEY
	if (sa_catb(&e->extra, k, kn) == -1 || sa_catc(&e->extra, ' ') == -1 ||
	    sa_catb(&e->extra, v, vn) == -1 || sa_catc(&e->extra, '\n') == -1)
		return ENVELOPE_NOMEM;
	return ENVELOPE_OK;
}

static void
env_reset(struct envelope *e)
{
	e->id.len = e->remote.len = e->helo.len = e->from.len = 0;
	e->rcpt.len = e->extra.len = 0;
	e->nrcpt = 0;
	e->time = 0;
	e->tls = 0;
}

static int
env_version(const char *buf, size_t len, size_t *pos)
{
	static const char	 v[] = ENVELOPE_VERSION "\n";
	static const char	 p[] = "mailward ";

	if (len >= sizeof v - 1 && memcmp(buf, v, sizeof v - 1) == 0) {
		*pos = sizeof v - 1;
		return ENVELOPE_OK;
	}
	/* cut inside our own version line: not some unknown version */
	if (len >= sizeof p - 1 && len < sizeof v - 1 &&
	    memcmp(buf, v, len) == 0)
		return ENVELOPE_TRUNCATED;
	if (len >= sizeof p - 1 && memcmp(buf, p, sizeof p - 1) == 0)
		return ENVELOPE_VERSION_BAD;
	return ENVELOPE_BARE;
}

int
envelope_parse(struct envelope *e, const char *buf, size_t len,
    size_t *hdrlen)
{
	unsigned int	 seen = 0;
	size_t		 pos;
	int		 r;

	env_reset(e);
	if ((r = env_version(buf, len, &pos)) != ENVELOPE_OK)
		return r;
	for (;;) {
		const char	*s = buf + pos, *nl, *sp;
		size_t		 n;

		if (pos > ENVELOPE_MAXBLOCK)
			return ENVELOPE_TOOLONG;
		nl = memchr(s, '\n', len - pos);
		if (nl == NULL)
			return len - pos > ENVELOPE_MAXLINE ?
			    ENVELOPE_TOOLONG : ENVELOPE_TRUNCATED;
		n = (size_t)(nl - s);
		pos += n + 1;
		if (n == 0)
			break;
		if (n > ENVELOPE_MAXLINE)
			return ENVELOPE_TOOLONG;
		sp = memchr(s, ' ', n);
		if (sp == NULL || !env_keyok(s, (size_t)(sp - s)) ||
		    !env_valueok(sp + 1, n - (size_t)(sp - s) - 1))
			return ENVELOPE_SYNTAX;
		r = env_field(e, &seen, s, (size_t)(sp - s), sp + 1,
		    n - (size_t)(sp - s) - 1);
		if (r != ENVELOPE_OK)
			return r;
	}
	if ((seen & (ENV_ID | ENV_TIME | ENV_FROM)) !=
	    (ENV_ID | ENV_TIME | ENV_FROM) || e->nrcpt == 0)
		return ENVELOPE_MISSING;
	*hdrlen = pos;
	return ENVELOPE_OK;
}

static int
env_line(struct sa *out, const char *k, const char *v, size_t n)
{
	if (sa_cats(out, k) == -1 || sa_catc(out, ' ') == -1)
		return -1;
	if (n == 0)
		return sa_cats(out, "-\n");
	if (sa_catb(out, v, n) == -1)
		return -1;
	return sa_catc(out, '\n');
}

/* 1 if every field would come back from envelope_parse() as it is. */
static int
env_fmtok(const struct envelope *e)
{
	const char	*r = NULL;

	if (!spool_idok(e->id.s, e->id.len) ||
	    e->remote.len > ENVELOPE_MAXLINE - 8 ||
	    !env_valueok(e->remote.s, e->remote.len) ||
	    e->helo.len > ENVELOPE_MAXLINE - 8 ||
	    !env_valueok(e->helo.s, e->helo.len) ||
	    e->from.len > ADDR_MAXPATH ||
	    !env_valueok(e->from.s, e->from.len) || e->nrcpt == 0)
		return 0;
	while ((r = envelope_nextrcpt(e, r)) != NULL)
		if (*r == '\0' || strlen(r) > ADDR_MAXPATH ||
		    !env_valueok(r, strlen(r)))
			return 0;
	return 1;
}

int
envelope_fmt(const struct envelope *e, struct sa *out)
{
	const char	*r = NULL;

	if (!env_fmtok(e)) {
		errno = EINVAL;
		return -1;
	}
	if (sa_cats(out, ENVELOPE_VERSION "\n") == -1 ||
	    env_line(out, "id", e->id.s, e->id.len) == -1 ||
	    sa_cats(out, "time ") == -1 || sa_catu(out, e->time) == -1 ||
	    sa_catc(out, '\n') == -1 ||
	    env_line(out, "remote", e->remote.s, e->remote.len) == -1 ||
	    env_line(out, "helo", e->helo.s, e->helo.len) == -1 ||
	    sa_cats(out, e->tls ? "tls 1\n" : "tls 0\n") == -1 ||
	    sa_cats(out, "from <") == -1 ||
	    sa_catb(out, e->from.s, e->from.len) == -1 ||
	    sa_cats(out, ">\n") == -1)
		return -1;
	while ((r = envelope_nextrcpt(e, r)) != NULL)
		if (sa_cats(out, "rcpt <") == -1 || sa_cats(out, r) == -1 ||
		    sa_cats(out, ">\n") == -1)
			return -1;
	if (sa_cat(out, &e->extra) == -1)
		return -1;
	return sa_catc(out, '\n');
}

int
envelope_addrcpt(struct envelope *e, const char *a, size_t n)
{
	if (e->nrcpt >= ENVELOPE_MAXRCPT) {
		errno = E2BIG;
		return -1;
	}
	if (n == 0 || n > ADDR_MAXPATH || !env_valueok(a, n) ||
	    memchr(a, '\0', n) != NULL) {
		errno = EINVAL;
		return -1;
	}
	if (sa_catb(&e->rcpt, a, n) == -1 || sa_catc(&e->rcpt, '\0') == -1)
		return -1;
	e->nrcpt++;
	return 0;
}

const char *
envelope_nextrcpt(const struct envelope *e, const char *p)
{
	const char	*end = e->rcpt.s + e->rcpt.len;

	if (e->rcpt.len == 0)
		return NULL;
	if (p == NULL)
		return e->rcpt.s;
	p += strlen(p) + 1;
	return p < end ? p : NULL;
}

/* Find the extra line for key k: its start and the value's offset. */
static const char *
env_find(const struct envelope *e, const char *k, size_t *vlen,
    size_t *linelen)
{
	size_t	 kn = strlen(k), pos = 0;

	while (pos < e->extra.len) {
		const char	*s = e->extra.s + pos;
		const char	*nl = memchr(s, '\n', e->extra.len - pos);
		size_t		 n = (size_t)(nl - s);

		if (n > kn && memcmp(s, k, kn) == 0 && s[kn] == ' ') {
			*vlen = n - kn - 1;
			*linelen = n + 1;
			return s;
		}
		pos += n + 1;
	}
	return NULL;
}

const char *
envelope_get(const struct envelope *e, const char *k, size_t *n)
{
	size_t		 ll;
	const char	*s = env_find(e, k, n, &ll);

	return s != NULL ? s + strlen(k) + 1 : NULL;
}

int
envelope_set(struct envelope *e, const char *k, const char *v, size_t n)
{
	size_t		 vn, ll;
	const char	*s;

	if (!env_keyok(k, strlen(k)) || env_corekey(k) || !env_valueok(v, n) ||
	    n > ENVELOPE_MAXLINE - 33) {
		errno = EINVAL;
		return -1;
	}
	s = env_find(e, k, &vn, &ll);
	if (s != NULL) {
		size_t	 off = (size_t)(s - e->extra.s);

		memmove(e->extra.s + off, e->extra.s + off + ll,
		    e->extra.len - off - ll);
		e->extra.len -= ll;
	}
	if (sa_cats(&e->extra, k) == -1 || sa_catc(&e->extra, ' ') == -1 ||
	    sa_catb(&e->extra, v, n) == -1 || sa_catc(&e->extra, '\n') == -1)
		return -1;
	return 0;
}

void
envelope_free(struct envelope *e)
{
	sa_free(&e->id);
	sa_free(&e->remote);
	sa_free(&e->helo);
	sa_free(&e->from);
	sa_free(&e->rcpt);
	sa_free(&e->extra);
	e->nrcpt = 0;
}

const char *
envelope_strerror(int r)
{
	switch (r) {
	case ENVELOPE_OK:		return "ok";
	case ENVELOPE_NOMEM:		return "out of memory";
	case ENVELOPE_BARE:		return "no envelope (bare message)";
	case ENVELOPE_VERSION_BAD:	return "unknown envelope version";
	case ENVELOPE_TRUNCATED:	return "envelope not terminated";
	case ENVELOPE_TOOLONG:		return "envelope line or block too long";
	case ENVELOPE_SYNTAX:		return "envelope syntax error";
	case ENVELOPE_MISSING:		return "envelope field missing";
	}
	return "unknown envelope error";
}
