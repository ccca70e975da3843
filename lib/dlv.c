/* ISC license. */
/* dlv.c: the recipients of one message in delivery; see dlv.h.
 *
 * States only move forward (PENDING to DONE, FAILED or DEFER; DEFER to
 * FAILED; FAILED to BOUNCED), so the set the file lists only shrinks and
 * its size tells whether it changed. */
#include "sysdeps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "dlv.h"
#include "dsn.h"
#include "envelope.h"
#include "sa.h"
#include "smtpc.h"
#include "spool.h"

static int
dlv_bydomain(const void *a, const void *b)
{
	const struct dlv_rcpt	*x = a, *y = b;
	size_t			 n = x->domlen < y->domlen ? x->domlen :
				    y->domlen;
	int			 c = memcmp(x->dom, y->dom, n);

	return c != 0 ? c : (x->domlen > y->domlen) - (x->domlen < y->domlen);
}

static int
dlv_infile(enum dlv_state st)
{
	return st == DLV_PENDING || st == DLV_DEFER || st == DLV_FAILED;
}

/* One recipient; a bad address has failed at once. */
static int
dlv_parse(struct dlv_rcpt *r, const char *p)
{
	if (addr_parse_mailbox(p, strlen(p), 1, &r->addr) != ADDR_OK ||
	    sa_0(&r->addr) == -1) {
		if (sa_copys(&r->addr, p) == -1 || sa_0(&r->addr) == -1 ||
		    dlv_settle(r, 550, "5.1.3", DLV_BADADDR,
		    sizeof DLV_BADADDR - 1, NULL) == -1)
			return -1;
	}
	r->dom = addr_domain(r->addr.s, r->addr.len, &r->domlen);
	if (r->dom == NULL) {
		r->dom = "";
		r->domlen = 0;
	}
	return 0;
}

int
dlv_load(struct dlv *d, const struct envelope *e, const char *msg, size_t ml)
{
	const char	*p = NULL;

	memset(d, 0, sizeof *d);
	d->env = e;
	d->msg = msg;
	d->msglen = ml;
	if (e->nrcpt == 0)
		return 0;
	if ((d->r = calloc(e->nrcpt, sizeof *d->r)) == NULL)
		return -1;
	while (d->n < e->nrcpt && (p = envelope_nextrcpt(e, p)) != NULL)
		if (dlv_parse(&d->r[d->n++], p) == -1)
			return -1;
	d->infile = d->n;
	qsort(d->r, d->n, sizeof *d->r, dlv_bydomain);
	return 0;
}

size_t
dlv_group(const struct dlv *d, size_t i)
{
	size_t	 j;

	for (j = i + 1; j < d->n && dlv_bydomain(&d->r[i], &d->r[j]) == 0; j++)
		;
	return j;
}

size_t
dlv_count(const struct dlv *d, enum dlv_state st)
{
	size_t	 i, k = 0;

	for (i = 0; i < d->n; i++)
		k += d->r[i].state == st;
	return k;
}

int
dlv_settle(struct dlv_rcpt *r, int code, const char *status,
    const char *text, size_t n, const char *host)
{
	r->state = code >= 200 && code < 300 ? DLV_DONE :
	    code >= 500 ? DLV_FAILED : DLV_DEFER;
	if (status == NULL)
		smtpc_status(text, n, r->status);
	else
		(void)snprintf(r->status, sizeof r->status, "%s", status);
	r->diag.len = 0;
	if (sa_cats(&r->diag, status == NULL ? "smtp; " : "x-mailward; ") ==
	    -1 || sa_catb(&r->diag, text, n) == -1 || sa_0(&r->diag) == -1)
		return -1;
	(void)snprintf(r->remote, sizeof r->remote, "%s",
	    host != NULL ? host : "");
	return 0;
}

int
dlv_expire(struct dlv_rcpt *r)
{
	if (r->state != DLV_DEFER)
		return 0;
	r->state = DLV_FAILED;
	(void)snprintf(r->status, sizeof r->status, "4.4.7");
	if (sa_cats(&r->diag, "; retry timeout exceeded") == -1 ||
	    sa_0(&r->diag) == -1)
		return -1;
	return 1;
}

int
dlv_bounce(struct dlv *d, const char *spool, const char *me, int *queued,
    struct sa *bid)
{
	struct dsn_rcpt	*b;
	size_t		 i, k = 0, nf = dlv_count(d, DLV_FAILED);
	int		 res, e;

	*queued = 0;
	if (nf == 0)
		return 0;
	if ((b = calloc(nf, sizeof *b)) == NULL)
		return -1;
	for (i = 0; i < d->n; i++)
		if (d->r[i].state == DLV_FAILED) {
			b[k].addr = d->r[i].addr.s;
			b[k].addrlen = d->r[i].addr.len;
			b[k].status = d->r[i].status;
			b[k].diag = d->r[i].diag.s;
			b[k++].remote = d->r[i].remote[0] != '\0' ?
			    d->r[i].remote : NULL;
		}
	res = dsn_queue(spool, d->env, d->msg, d->msglen, me, b, k, queued,
	    bid);
	e = errno;
	free(b);
	errno = e;
	if (res == -1)
		return -1;
	for (i = 0; i < d->n; i++)
		if (d->r[i].state == DLV_FAILED)
			d->r[i].state = DLV_BOUNCED;
	return (int)k;
}

/* Write the kept recipients over path, by way of SPOOL/tmp/ID.PID. */
static int
dlv_rewrite(const struct dlv *d, const char *spool, const char *id,
    const char *path)
{
	struct envelope	 ne = *d->env;
	struct spool_tx	 tx;
	struct sa	 head = SA_ZERO, tmp = SA_ZERO;
	size_t		 i;
	int		 r = -1, e;

	ne.rcpt = (struct sa)SA_ZERO;
	ne.nrcpt = 0;
	for (i = 0; i < d->n; i++)
		if (dlv_infile(d->r[i].state) && envelope_addrcpt(&ne,
		    d->r[i].addr.s, d->r[i].addr.len) == -1)
			goto out;
	if (envelope_fmt(&ne, &head) == -1 ||
	    sa_catf(&tmp, "%s.%ld", id, (long)getpid()) == -1 ||
	    sa_0(&tmp) == -1 || spool_open(&tx, spool, tmp.s) == -1)
		goto out;
	if (bio_put(&tx.out, head.s, head.len) == -1 ||
	    bio_put(&tx.out, d->msg, d->msglen) == -1) {
		e = errno;
		spool_abort(&tx);
		errno = e;
		goto out;
	}
	r = spool_commit_to(&tx, path);
out:
	e = errno;
	sa_free(&ne.rcpt);
	sa_free(&head);
	sa_free(&tmp);
	errno = e;
	return r;
}

int
dlv_write(struct dlv *d, const char *spool, const char *id)
{
	struct sa	 path = SA_ZERO;
	size_t		 i, keep = 0;
	int		 r = 0, e;

	for (i = 0; i < d->n; i++)
		keep += dlv_infile(d->r[i].state);
	if (keep == d->infile)
		return 0;
	if (sa_catf(&path, "%s/new/%s", spool, id) == -1 || sa_0(&path) == -1)
		r = -1;
	else if (keep > 0)
		r = dlv_rewrite(d, spool, id, path.s);
	else if (unlink(path.s) == -1 && errno != ENOENT)
		r = -1;
	else {
		path.len -= strlen(id) + 1;	/* SPOOL/new */
		r = sa_0(&path) == -1 ? -1 : spool_fsyncdir(path.s);
	}
	if (r == 0)
		d->infile = keep;
	e = errno;
	sa_free(&path);
	errno = e;
	return r;
}

void
dlv_free(struct dlv *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		sa_free(&d->r[i].addr);
		sa_free(&d->r[i].diag);
	}
	free(d->r);
	d->r = NULL;
	d->n = d->infile = 0;
}
