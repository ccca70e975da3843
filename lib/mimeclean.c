/* ISC license. */
/* mimeclean.c: replace leaves of a walked message by notices (see
 * mimeclean.h). */
#include "sysdeps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "mimeclean.h"
#include "sa.h"

struct pick {
	size_t	 target;
	size_t	 item;
};

struct notice {
	const struct mime		*m;
	const struct mimeclean_item	*items;
	const struct pick		*pick;
	size_t				 npick;
	const char			*qid;
	const char			*eol;
};

static int	pick_cmp(const void *, const void *);
static int	below(const struct mime *, size_t, size_t);
static int	cat_safe(struct sa *, const char *);
static int	notice_part(struct sa *, const struct notice *);
static int	notice_uu(struct sa *, const struct notice *);
static int	picks_make(const struct mime *, const struct mimeclean_item *,
		    size_t, struct pick *);
static int	emit(struct sa *, const char *, size_t, size_t,
		    const struct mime_part *, const struct notice *);

size_t
mimeclean_target(const struct mime *m, size_t leaf)
{
	size_t	 t = leaf;

	if (leaf >= m->n || !mime_isleaf(&m->part[leaf]))
		return MIME_NONE;
	if (m->part[t].kind != MIME_UU)
		while (m->part[t].parent != MIME_NONE &&
		    m->part[m->part[t].parent].kind == MIME_MESSAGE)
			t = m->part[t].parent;
	return t == 0 ? MIME_NONE : t;
}

static int
pick_cmp(const void *a, const void *b)
{
	const struct pick	*x = a, *y = b;

	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

/* x is t or below it (a parent's index is always smaller) */
static int
below(const struct mime *m, size_t x, size_t t)
{
	while (x != MIME_NONE && x > t)
		x = m->part[x].parent;
	return x == t;
}

/* printable ASCII only, at most MIMECLEAN_MAXNAME bytes */
static int
cat_safe(struct sa *out, const char *s)
{
	size_t	 i;
	char	 c;

	for (i = 0; s[i] != '\0'; i++) {
		if (i == MIMECLEAN_MAXNAME)
			return sa_cats(out, "...");
		c = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
		if (sa_catc(out, c) == -1)
			return -1;
	}
	return 0;
}

static int
notice_part(struct sa *out, const struct notice *nt)
{
	const struct mimeclean_item	*it;
	const struct mime_part		*pt;
	const char			*eol = nt->eol;
	size_t				 i;

	if (sa_catf(out, "Content-Type: text/plain; charset=us-ascii%s"
	    "Content-Transfer-Encoding: 7bit%sContent-Disposition: inline%s%s"
	    "mailward removed this part of the message.%s", eol, eol, eol,
	    eol, eol) == -1)
		return -1;
	for (i = 0; i < nt->npick; i++) {
		it = &nt->items[nt->pick[i].item];
		pt = &nt->m->part[it->part];
		if (sa_catf(out, "%sPart: %s (", eol, pt->path) == -1 ||
		    cat_safe(out, pt->ctype) == -1 ||
		    sa_catf(out, ")%sFile: ", eol) == -1 ||
		    cat_safe(out, *pt->filename ? pt->filename : "(none)") ==
		    -1 ||
		    sa_catf(out, "%sSize: %llu bytes%s", eol, it->size, eol) ==
		    -1 ||
		    (*it->virus && (sa_cats(out, "Virus: ") == -1 ||
		    cat_safe(out, it->virus) == -1 || sa_cats(out, eol) ==
		    -1)) ||
		    sa_cats(out, "Reason: ") == -1 ||
		    cat_safe(out, it->reason) == -1 || sa_cats(out, eol) == -1)
			return -1;
	}
	if (sa_catf(out, "%sQueue id: ", eol) == -1 ||
	    cat_safe(out, nt->qid) == -1)
		return -1;
	return 0;
}

static int
notice_uu(struct sa *out, const struct notice *nt)
{
	const struct mimeclean_item	*it;
	size_t				 i;

	for (i = 0; i < nt->npick; i++) {
		it = &nt->items[nt->pick[i].item];
		if ((i > 0 && sa_cats(out, nt->eol) == -1) ||
		    sa_cats(out, "[mailward removed the uuencoded file ") ==
		    -1 || cat_safe(out, nt->m->part[it->part].filename) == -1 ||
		    sa_cats(out, ": ") == -1 ||
		    cat_safe(out, it->reason) == -1 ||
		    (*it->virus && (sa_cats(out, ": ") == -1 ||
		    cat_safe(out, it->virus) == -1)) ||
		    sa_catf(out, ", %llu bytes, queue id ", it->size) == -1 ||
		    cat_safe(out, nt->qid) == -1 || sa_catc(out, ']') == -1)
			return -1;
	}
	return 0;
}

static int
picks_make(const struct mime *m, const struct mimeclean_item *items,
    size_t n, struct pick *pick)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (items[i].part == 0)
			return MIMECLEAN_TOPLEVEL;
	for (i = 0; i < n; i++) {
		if (items[i].part >= m->n ||
		    !mime_isleaf(&m->part[items[i].part]))
			return MIMECLEAN_BADPART;
		if ((pick[i].target = mimeclean_target(m, items[i].part)) ==
		    MIME_NONE)
			return MIMECLEAN_TOPLEVEL;
		pick[i].item = i;
	}
	qsort(pick, n, sizeof pick[0], pick_cmp);
	return MIMECLEAN_OK;
}

/* The bytes before target t from pos, then its notice: a line end
 * first if t follows a last delimiter line that has none, one last if
 * t is an empty part right before a delimiter line or a last part
 * (no close delimiter) that ended its line. */
static int
emit(struct sa *out, const char *msg, size_t len, size_t pos,
    const struct mime_part *t, const struct notice *nt)
{
	int	 before, after;

	before = t->kind != MIME_UU && t->part_off > 0 &&
	    msg[t->part_off - 1] != '\n';
	after = (t->part_end < len && msg[t->part_end] != '\n' &&
	    msg[t->part_end] != '\r') || (t->part_end > t->part_off &&
	    msg[t->part_end - 1] == '\n');
	if (sa_catb(out, msg + pos, t->part_off - pos) == -1 ||
	    (before && sa_cats(out, nt->eol) == -1) ||
	    (t->kind == MIME_UU ? notice_uu(out, nt) : notice_part(out, nt))
	    == -1 || (after && sa_cats(out, nt->eol) == -1))
		return -1;
	return 0;
}

int
mimeclean_build(const char *msg, size_t len, const struct mime *m,
    const struct mimeclean_item *items, size_t n, const char *qid,
    struct sa *out)
{
	struct notice		 nt = { m, items, NULL, 0, qid, "\n" };
	struct pick		*pick;
	const struct mime_part	*t;
	const char		*lf = memchr(msg, '\n', len), *eol = "\n";
	size_t			 i, pos = 0;
	int			 r, e;

	out->len = 0;
	if (m->outcome != MIME_OK || m->n == 0)
		return MIMECLEAN_BADWALK;
	if (lf != NULL && lf > msg && lf[-1] == '\r')
		eol = "\r\n";
	if ((pick = calloc(n + 1, sizeof *pick)) == NULL)
		return MIMECLEAN_NOMEM;
	if ((r = picks_make(m, items, n, pick)) != MIMECLEAN_OK)
		goto done;
	r = MIMECLEAN_NOMEM;
	for (i = 0; i < n; i += nt.npick, pos = t->part_end) {
		t = &m->part[pick[i].target];
		nt.pick = pick + i;
		for (nt.npick = 1; i + nt.npick < n &&
		    below(m, pick[i + nt.npick].target, pick[i].target);)
			nt.npick++;
		/* the line ends of the delimiter line after t */
		nt.eol = t->part_end < len && msg[t->part_end] == '\n' ? "\n" :
		    len - t->part_end >= 2 && msg[t->part_end] == '\r' &&
		    msg[t->part_end + 1] == '\n' ? "\r\n" : eol;
		if (emit(out, msg, len, pos, t, &nt) == -1)
			goto done;
	}
	if (sa_catb(out, msg + pos, len - pos) == -1)
		goto done;
	r = MIMECLEAN_OK;
done:
	e = errno;
	free(pick);
	errno = e;
	if (r != MIMECLEAN_OK)
		out->len = 0;
	return r;
}
