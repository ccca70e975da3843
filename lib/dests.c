/* ISC license. */
/* dests.c: the recipient domains of a spooled message; see dests.h. */
#include "sysdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dests.h"
#include "envelope.h"
#include "sa.h"

const char *
dests_next(const struct sa *l, const char *p)
{
	if (l->len == 0)
		return NULL;
	if (p == NULL)
		return l->s;
	p += strlen(p) + 1;
	return p < l->s + l->len ? p : NULL;
}

int
dests_has(const struct sa *l, const char *d)
{
	const char *p = NULL;

	while ((p = dests_next(l, p)) != NULL)
		if (strcmp(p, d) == 0)
			return 1;
	return 0;
}

/* Read until the envelope block is whole (or over its cap). */
static int
dests_head(int fd, struct envelope *e, struct sa *buf)
{
	size_t	 hl;
	ssize_t	 got;
	int	 r;

	do {
		if (sa_readyplus(buf, 65536) == -1)
			return -1;
		do
			got = read(fd, buf->s + buf->len, 65536);
		while (got == -1 && errno == EINTR);
		if (got == -1)
			return -1;
		buf->len += (size_t)got;
		r = envelope_parse(e, buf->s, buf->len, &hl);
	} while (got > 0 && r == ENVELOPE_TRUNCATED &&
	    buf->len <= ENVELOPE_MAXBLOCK);
	return r == ENVELOPE_OK ? 1 : 0;
}

static int
dests_list(const struct envelope *e, struct sa *l, size_t max)
{
	const char	*r = NULL, *d;
	char		 low[257];
	size_t		 i, n = 0;

	while ((r = envelope_nextrcpt(e, r)) != NULL && n < max) {
		if ((d = strrchr(r, '@')) == NULL || strlen(d + 1) >= sizeof low)
			continue;
		for (i = 0; d[i + 1] != '\0'; i++)
			low[i] = sa_lower(d[i + 1]);
		low[i] = '\0';
		if (dests_has(l, low))
			continue;
		if (sa_catb(l, low, i + 1) == -1)
			return -1;
		n++;
	}
	return 0;
}

int
dests_read(const char *path, struct sa *l, size_t max)
{
	struct envelope	 e = ENVELOPE_ZERO;
	struct sa	 buf = SA_ZERO;
	int		 fd, r, saved;

	l->len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	r = dests_head(fd, &e, &buf);
	saved = errno;
	close(fd);
	if (r == 1)
		r = dests_list(&e, l, max);
	saved = r == -1 ? errno : saved;
	envelope_free(&e);
	sa_free(&buf);
	errno = saved;
	return r == -1 ? -1 : 0;
}

/* --- the messages in flight ------------------------------------------ */

int
dests_tabinit(struct dests_tab *t, size_t n, size_t perhost)
{
	t->n = n;
	t->perhost = perhost;
	t->s = calloc(n > 0 ? n : 1, sizeof *t->s);
	return t->s == NULL ? -1 : 0;
}

struct dests_slot *
dests_slot(struct dests_tab *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (!t->s[i].used)
			return &t->s[i];
	return NULL;
}

int
dests_full(const struct dests_tab *t, const struct sa *doms)
{
	const char	*d = NULL;
	size_t		 i, busy;

	while ((d = dests_next(doms, d)) != NULL) {
		for (busy = i = 0; i < t->n; i++)
			busy += t->s[i].used && dests_has(&t->s[i].doms, d);
		if (busy >= t->perhost)
			return 1;
	}
	return 0;
}

int
dests_take(struct dests_slot *s, const char *id, struct sa *doms)
{
	size_t	 n = strlen(id);

	if (n > SPOOL_MAXID) {
		errno = EINVAL;
		return -1;
	}
	memcpy(s->id, id, n + 1);
	sa_free(&s->doms);
	s->doms = *doms;
	*doms = (struct sa)SA_ZERO;
	s->used = 1;
	return 0;
}

void
dests_drop(struct dests_tab *t, const char *id)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (t->s[i].used && strcmp(t->s[i].id, id) == 0) {
			t->s[i].used = 0;
			sa_free(&t->s[i].doms);
			return;
		}
}

void
dests_tabfree(struct dests_tab *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		sa_free(&t->s[i].doms);
	free(t->s);
	t->s = NULL;
	t->n = 0;
}
