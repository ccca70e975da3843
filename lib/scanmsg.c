/* ISC license. */
/* scanmsg.c: scan one message and cut out what is infected; see
 * scanmsg.h. */
#include "sysdeps.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "mimeclean.h"
#include "mimedec.h"
#include "scanmsg.h"

struct found {
	size_t			 part;
	unsigned long long	 size;
	char			 virus[SCANRES_NAMESZ];
	char			 reason[SCANRES_WHATSZ + 32];
};

struct scan {
	const struct scanner		*sc;
	const struct scanmsg_conf	*conf;
	const char			*msg;
	size_t				 len;
	const char			*qid;
	struct scanmsg_result		*res;
	struct mime			 walk;
	int				 walked;
	struct sa			 dec;
	struct found			*found;
	size_t				 nfound;
};

static int	verdict(struct scan *, int, const char *, ...) MW_PRINTF(3, 4);

void
scanmsg_conf_default(struct scanmsg_conf *c)
{
	c->maxdepth = MIME_MAXDEPTH;
	c->maxparts = MIME_MAXPARTS;
	c->maxdecode = 100UL << 20;
	c->unscannable_quarantine = 0;
}

const char *
scanmsg_verdictname(int v)
{
	switch (v) {
	case SCANMSG_CLEAN:	 return "clean";
	case SCANMSG_CLEANED:	 return "cleaned";
	case SCANMSG_QUARANTINE: return "quarantined";
	}
	return "temporary";
}

static int
verdict(struct scan *s, int v, const char *fmt, ...)
{
	char	 buf[512];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof buf, fmt, ap);	/* cut is fine */
	va_end(ap);
	s->res->verdict = v;
	s->res->reason.len = 0;
	if (sa_cats(&s->res->reason, buf) == -1)
		s->res->reason.len = 0;
	return v;
}

/* Add each comma-separated name not yet listed. */
static int
addnames(struct sa *list, const char *names)
{
	while (*names != '\0') {
		size_t		 n = strcspn(names, ",");
		const char	*p = list->s;
		size_t		 left = list->len;
		int		 seen = 0;

		while (!seen && left >= n) {
			size_t	 m = strcspn(p, ",");

			if (m > left)
				m = left;
			seen = m == n && memcmp(p, names, n) == 0;
			if (m == left)
				break;
			p += m + 1;
			left -= m + 1;
		}
		if (!seen && n > 0 && ((list->len > 0 &&
		    sa_catc(list, ',') == -1) || sa_catb(list, names, n) == -1 ||
		    sa_0(list) == -1))
			return -1;
		names += n + (names[n] == ',');
	}
	return 0;
}

static int
walk(struct scan *s)
{
	if (!s->walked) {
		(void)mime_walk(&s->walk, s->msg, s->len, s->conf->maxdepth,
		    s->conf->maxparts);
		s->walked = 1;
	}
	return s->walk.outcome;
}

/* Decode and scan leaf i alone: the verdict, or -1 (res set). */
static int
scanleaf(struct scan *s, size_t i, struct scanres *cr)
{
	switch (mimedec_part(s->msg, &s->walk.part[i], &s->dec,
	    s->conf->maxdecode)) {
	case MIMEDEC_OK:
		break;
	case MIMEDEC_TOOBIG:
		cr->verdict = SCANRES_UNSCANNABLE;
		cr->names[0] = '\0';
		(void)snprintf(cr->what, sizeof cr->what, "decoded-size");
		return SCANRES_UNSCANNABLE;
	default:
		(void)verdict(s, SCANMSG_TEMP, "decoding part %s: %s",
		    s->walk.part[i].path, strerror(errno));
		return -1;
	}
	s->res->scans++;
	return s->sc->leaf(s->sc->st, s->dec.s, s->dec.len, cr);
}

static int
addfound(struct scan *s, size_t i, const struct scanres *cr)
{
	struct found	*f, *nf;

	nf = realloc(s->found, (s->nfound + 1) * sizeof *s->found);
	if (nf == NULL)
		return -1;
	s->found = nf;
	f = &s->found[s->nfound++];
	f->part = i;
	f->size = s->dec.len;
	(void)snprintf(f->virus, sizeof f->virus, "%s", cr->names);
	if (cr->verdict == SCANRES_VIRUS)
		(void)snprintf(f->reason, sizeof f->reason, "infected");
	else
		(void)snprintf(f->reason, sizeof f->reason, "unscannable (%s %s)",
		    scanres_name(cr->verdict), cr->what);
	return addnames(&s->res->viruses, cr->names);
}

/* A text leaf whose uuencoded block was found needs no notice of its
 * own: the block's notice replaces what was infected in it. */
static void
dropparents(struct scan *s)
{
	size_t	 i, j, k = 0;

	for (i = 0; i < s->nfound; i++) {
		int	 parent = 0;

		for (j = 0; j < s->nfound; j++)
			if (s->walk.part[s->found[j].part].parent ==
			    s->found[i].part)
				parent = 1;
		if (!parent)
			s->found[k++] = s->found[i];
	}
	s->nfound = k;
}

/* Scan every leaf; 0 done (found filled), -1 verdict set. */
static int
scanleaves(struct scan *s)
{
	struct scanres	 cr;
	size_t			 i;

	for (i = 0; i < s->walk.n; i++) {
		if (!mime_isleaf(&s->walk.part[i]))
			continue;
		switch (scanleaf(s, i, &cr)) {
		case -1:
			return -1;
		case SCANRES_CLEAN:
			continue;
		case SCANRES_ERROR:
			return verdict(s, SCANMSG_TEMP, "scanning part %s: %s",
			    s->walk.part[i].path, cr.what), -1;
		case SCANRES_VIRUS:
			break;
		default:
			if (s->conf->unscannable_quarantine)
				return verdict(s, SCANMSG_QUARANTINE,
				    "unscannable part %s: %s %s",
				    s->walk.part[i].path,
				    scanres_name(cr.verdict), cr.what), -1;
			break;
		}
		if (addfound(s, i, &cr) == -1)
			return verdict(s, SCANMSG_TEMP, "out of memory"), -1;
	}
	dropparents(s);
	return 0;
}

static int
rebuild(struct scan *s)
{
	struct mimeclean_item	*it;
	struct scanres	 cr;
	size_t			 i;
	int			 r;

	if ((it = calloc(s->nfound, sizeof *it)) == NULL)
		return verdict(s, SCANMSG_TEMP, "out of memory");
	for (i = 0; i < s->nfound; i++) {
		it[i].part = s->found[i].part;
		it[i].virus = s->found[i].virus;
		it[i].reason = s->found[i].reason;
		it[i].size = s->found[i].size;
	}
	r = mimeclean_build(s->msg, s->len, &s->walk, it, s->nfound, s->qid,
	    &s->res->out);
	free(it);
	if (r == MIMECLEAN_NOMEM)
		return verdict(s, SCANMSG_TEMP, "out of memory");
	if (r != MIMECLEAN_OK)
		return verdict(s, SCANMSG_QUARANTINE, "%s",
		    r == MIMECLEAN_TOPLEVEL ? "found in the body of a "
		    "single-part message or in its header: nothing to cut" :
		    "the MIME structure cannot be cleaned");
	s->res->removed = s->nfound;
	s->res->scans++;
	switch (s->sc->message(s->sc->st, s->res->out.s, s->res->out.len, &cr)) {
	case SCANRES_CLEAN:
		return verdict(s, SCANMSG_CLEANED, "removed %zu", s->nfound);
	case SCANRES_ERROR:
		return verdict(s, SCANMSG_TEMP, "rescan: %s", cr.what);
	default:
		(void)addnames(&s->res->viruses, cr.names);
		return verdict(s, SCANMSG_QUARANTINE, "still %s after cleaning"
		    " (%s)", scanres_name(cr.verdict), cr.what);
	}
}

/* Every leaf from our own decoding, whatever libclamav said of the
 * whole: its mail parser does not read all mail as clients and our walk
 * do (of a multipart/signed it scans the first part only) and its
 * quoted-printable decoder changes the data (cav.h), so a CLEAN is
 * confirmed part by part.  What is found is cut out. */
static int
examine(struct scan *s, const struct scanres *whole)
{
	int	 w = walk(s);

	if (w != MIME_OK && whole->verdict != SCANRES_CLEAN)
		return verdict(s, SCANMSG_QUARANTINE, "mime %s",
		    mime_outcomename(w));
	if (scanleaves(s) == -1)
		return s->res->verdict;
	if (s->nfound == 0) {
		if (whole->verdict == SCANRES_CLEAN)
			return verdict(s, SCANMSG_CLEAN, "clean");
		(void)addnames(&s->res->viruses, whole->names);
		if (whole->verdict == SCANRES_LIMIT)
			return verdict(s, SCANMSG_QUARANTINE, "limit %s "
			    "(whole message)", whole->what);
		return verdict(s, SCANMSG_QUARANTINE, "%s in no part that "
		    "can be cut%s%s%s", scanres_name(whole->verdict),
		    whole->what[0] != '\0' ? " (" : "", whole->what,
		    whole->what[0] != '\0' ? ")" : "");
	}
	return rebuild(s);	/* a malformed walk: BADWALK, quarantine */
}

/* The walk is within its limits: the whole message, then examine(). */
static int
scan(struct scan *s)
{
	struct scanres	 whole;

	if (s->sc->message(s->sc->st, s->msg, s->len, &whole) ==
	    SCANRES_ERROR)
		return verdict(s, SCANMSG_TEMP, "scan: %s", whole.what);
	return examine(s, &whole);
}

int
scanmsg_run(const struct scanner *sc, const struct scanmsg_conf *conf,
    const char *msg, size_t len, const char *qid, struct scanmsg_result *res)
{
	struct scan	 s;
	int		 r;

	memset(&s, 0, sizeof s);
	s.sc = sc;
	s.conf = conf;
	s.msg = msg;
	s.len = len;
	s.qid = qid;
	s.res = res;
	res->viruses.len = res->reason.len = res->out.len = 0;
	res->removed = 0;
	res->scans = 1;
	/* limits first: a 10,000-part message costs the engine seconds */
	switch (walk(&s)) {
	case MIME_NOMEM:
		r = verdict(&s, SCANMSG_TEMP, "out of memory");
		break;
	case MIME_TOODEEP:
	case MIME_TOOMANY:
		res->scans = 0;
		r = verdict(&s, SCANMSG_QUARANTINE, "mime %s",
		    mime_outcomename(s.walk.outcome));
		break;
	default:
		r = scan(&s);
	}
	mime_free(&s.walk);
	sa_free(&s.dec);
	free(s.found);
	return r;
}

void
scanmsg_free(struct scanmsg_result *res)
{
	sa_free(&res->viruses);
	sa_free(&res->reason);
	sa_free(&res->out);
}
