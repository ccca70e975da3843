/* ISC license. */
/* smtpdata.c: the SMTP DATA/BDAT byte state machine; see smtpdata.h. */
#include "sysdeps.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>

#include "sa.h"
#include "smtpdata.h"

enum {
	ST_BOL,		/* at the start of a line */
	ST_MID,		/* inside a line */
	ST_CR,		/* one or more CRs inside a line */
	ST_DOT,		/* a dot at the start of a line */
	ST_DOTCR,	/* a dot and a CR at the start of a line */
	ST_END		/* CRLF.CRLF seen */
};

#define SMTPDATA_STOP \
	(SMTPDATA_TOOBIG | SMTPDATA_HOPS | SMTPDATA_SINKERR)

static void	track(struct smtpdata *, const char *, size_t);
static void	emit(struct smtpdata *, const char *, size_t);
static void	bare(struct smtpdata *, int);

void
smtpdata_init(struct smtpdata *d, int mode, unsigned long long max,
    smtpdata_sink sink, void *ctx)
{
	d->mode = mode;
	d->st = mode == SMTPDATA_DOT ? ST_BOL : ST_MID;
	d->eolok = 1;
	d->inhdr = 1;
	d->flags = 0;
	d->err = 0;
	d->size = 0;
	d->max = max;
	d->hops = 0;
	d->maxhops = SMTPDATA_MAXHOPS;
	d->lpos = 0;
	d->last = '\n';
	d->sink = sink;
	d->ctx = ctx;
}

/* Count Received: and Delivered-To: lines until the first empty line. */
static void
track(struct smtpdata *d, const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n && d->inhdr; i++) {
		if (p[i] != '\n') {
			if (d->lpos < sizeof d->head)
				d->head[d->lpos] = p[i];
			d->lpos++;
			continue;
		}
		if (d->lpos == 0) {
			d->inhdr = 0;
			break;
		}
		if ((d->lpos >= 9 && sa_caseeqb(d->head, "received:", 9)) ||
		    (d->lpos >= 13 && sa_caseeqb(d->head, "delivered-to:", 13)))
			if (++d->hops >= d->maxhops)
				d->flags |= SMTPDATA_HOPS;
		d->lpos = 0;
	}
}

static void
emit(struct smtpdata *d, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (d->inhdr)
		track(d, p, n);
	if (n > ULLONG_MAX - d->size)
		d->size = ULLONG_MAX;
	else
		d->size += n;
	d->last = p[n - 1];
	if (d->max != 0 && d->size > d->max)
		d->flags |= SMTPDATA_TOOBIG;
	if (d->flags & SMTPDATA_STOP || d->sink == NULL)
		return;
	if (d->sink(d->ctx, p, n) == -1) {
		d->flags |= SMTPDATA_SINKERR;
		d->err = errno;
	}
}

/* A bare LF or CR: a line end, but not one that can start CRLF.CRLF. */
static void
bare(struct smtpdata *d, int flag)
{
	d->flags |= flag;
	emit(d, "\n", 1);
	d->eolok = 0;
	d->st = ST_BOL;
}

int
smtpdata_feed(struct smtpdata *d, const char *p, size_t n, size_t *used)
{
	size_t	i = 0, j;
	char	c;

	while (i < n) {
		c = p[i];
		switch (d->st) {
		case ST_BOL:
			if (d->mode == SMTPDATA_DOT && c == '.') {
				d->st = ST_DOT;
				i++;
				break;
			}
			d->st = ST_MID;
			/* FALLTHROUGH */
		case ST_MID:
			for (j = i; j < n && p[j] != '\r' && p[j] != '\n'; j++)
				;
			if (j > i) {
				emit(d, p + i, j - i);
				i = j;
			} else if (c == '\r') {
				d->st = ST_CR;
				i++;
			} else {
				bare(d, SMTPDATA_BARELF);
				i++;
			}
			break;
		case ST_CR:
			if (c == '\n') {
				emit(d, "\n", 1);
				d->eolok = 1;
				d->st = ST_BOL;
				i++;
			} else if (c == '\r') {
				/* CR CR LF: the first CR was bare */
				d->flags |= SMTPDATA_BARECR;
				i++;
			} else
				bare(d, SMTPDATA_BARECR); /* c again */
			break;
		case ST_DOT:
			if (c == '\r') {
				d->st = ST_DOTCR;
				i++;
			} else if (c == '\n') {
				emit(d, ".", 1);
				bare(d, SMTPDATA_BARELF);
				i++;
			} else
				d->st = ST_MID;	/* unstuff; c again */
			break;
		case ST_DOTCR:
			if (c == '\n' && d->eolok) {
				d->st = ST_END;
				*used = i + 1;
				return SMTPDATA_END;
			}
			emit(d, ".", 1);
			if (c == '\n') {
				emit(d, "\n", 1);
				d->eolok = 1;
				d->st = ST_BOL;
				i++;
			} else if (c == '\r') {
				d->flags |= SMTPDATA_BARECR;
				d->st = ST_CR;
				i++;
			} else
				bare(d, SMTPDATA_BARECR);
			break;
		default:
			*used = i;
			return SMTPDATA_END;
		}
	}
	*used = n;
	return d->st == ST_END ? SMTPDATA_END : SMTPDATA_MORE;
}

void
smtpdata_finish(struct smtpdata *d)
{
	if (d->st == ST_CR)
		bare(d, SMTPDATA_BARECR);
	if (d->size > 0 && d->last != '\n')
		emit(d, "\n", 1);
	d->st = ST_END;
}

int
smtpdata_sink_sa(void *ctx, const char *p, size_t n)
{
	return sa_catb(ctx, p, n);
}
