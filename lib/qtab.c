/* ISC license. */
/* qtab.c: qrun's table of messages; see qtab.h. */
#include "sysdeps.h"

#include <stdlib.h>
#include <string.h>

#include "qtab.h"

#define QTAB_NBUCKET0	256

int
qtab_init(struct qtab *p)
{
	memset(p, 0, sizeof *p);
	p->nbucket = QTAB_NBUCKET0;
	p->tab = calloc(p->nbucket, sizeof *p->tab);
	return p->tab == NULL ? -1 : 0;
}

void
qtab_free(struct qtab *p)
{
	struct qent	*e, *nx;
	int		 st;

	for (st = QTAB_READY; st < QTAB_NSTATE; st++)
		for (e = p->list[st].head; e != NULL; e = nx) {
			nx = e->next;
			free(e);
		}
	free(p->tab);
	memset(p, 0, sizeof *p);
}

static size_t
qtab_hash(const char *id, size_t nbucket)
{
	unsigned long h = 2166136261UL;

	while (*id != '\0')
		h = (h ^ (unsigned char)*id++) * 16777619UL;
	return h % nbucket;
}

struct qent *
qtab_find(const struct qtab *p, const char *id)
{
	struct qent *e;

	for (e = p->tab[qtab_hash(id, p->nbucket)]; e != NULL; e = e->hnext)
		if (strcmp(e->id, id) == 0)
			return e;
	return NULL;
}

static void
qtab_link(struct qtab *p, struct qent *e, enum qtab_state st)
{
	struct qlist *l = &p->list[st];

	e->state = st;
	e->next = NULL;
	e->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = e;
	else
		l->head = e;
	l->tail = e;
}

static void
qtab_unlink(struct qtab *p, struct qent *e)
{
	struct qlist *l = &p->list[e->state];

	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		l->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = NULL;
}

void
qtab_move(struct qtab *p, struct qent *e, enum qtab_state st)
{
	qtab_unlink(p, e);
	qtab_link(p, e, st);
}

static void
qtab_grow(struct qtab *p)
{
	struct qent	**tab, *e, *nx;
	size_t		  n = p->nbucket * 2, i, h;

	if (n < p->nbucket || (tab = calloc(n, sizeof *tab)) == NULL)
		return;		/* longer chains, still correct */
	for (i = 0; i < p->nbucket; i++)
		for (e = p->tab[i]; e != NULL; e = nx) {
			nx = e->hnext;
			h = qtab_hash(e->id, n);
			e->hnext = tab[h];
			tab[h] = e;
		}
	free(p->tab);
	p->tab = tab;
	p->nbucket = n;
}

struct qent *
qtab_add(struct qtab *p, const char *id, size_t len, unsigned int gen)
{
	struct qent	*e;
	size_t		 h;

	if ((e = calloc(1, sizeof *e)) == NULL)
		return NULL;
	memcpy(e->id, id, len);
	e->id[len] = '\0';
	e->gen = gen;
	if (p->count >= p->nbucket * 2)
		qtab_grow(p);
	h = qtab_hash(e->id, p->nbucket);
	e->hnext = p->tab[h];
	p->tab[h] = e;
	p->count++;
	qtab_link(p, e, QTAB_READY);
	return e;
}

void
qtab_del(struct qtab *p, struct qent *e)
{
	struct qent **pp;

	for (pp = &p->tab[qtab_hash(e->id, p->nbucket)]; *pp != e;
	    pp = &(*pp)->hnext)
		;
	*pp = e->hnext;
	qtab_unlink(p, e);
	p->count--;
	free(e);
}

