/* ISC license. */
/* qtab.h: the table of a spool's messages (inside qwatch.h, for qrun
 * and wpool).
 *
 * Every message the daemon knows of is one entry, found by its id
 * through a hash, and in exactly one of three lists, each in FIFO order:
 * ready (to start), running (a child works on it) and waiting (for its
 * retry time).  qtab_add() puts a new entry at the tail of ready; qtab_move()
 * puts an entry at the tail of a list. */
#ifndef MW_QTAB_H
#define MW_QTAB_H

#include <stddef.h>
#include <sys/types.h>
#include "spool.h"

enum qtab_state { QTAB_READY, QTAB_RUNNING, QTAB_WAITING, QTAB_NSTATE };

struct qent {
	struct qent		*hnext;
	struct qent		*prev;
	struct qent		*next;
	enum qtab_state		 state;
	pid_t			 pid;	/* running: the child or worker */
	int			 killed;
	unsigned int		 crashes;	/* wpool: workers it took down */
	unsigned int		 tries;		/* wpool: times given a worker */
	unsigned long long	 when;	/* running: start; waiting: next try */
	unsigned int		 gen;	/* last rescan that saw the file */
	char			 id[SPOOL_MAXID + 1];
};

struct qlist {
	struct qent	*head;
	struct qent	*tail;
};

struct qtab {
	struct qent	**tab;
	size_t		  nbucket;
	size_t		  count;
	struct qlist	  list[QTAB_NSTATE];
};

int		 qtab_init(struct qtab *);
void		 qtab_free(struct qtab *);
struct qent	*qtab_find(const struct qtab *, const char *);
/* A new ready entry for id (n bytes, at most SPOOL_MAXID), or NULL. */
struct qent	*qtab_add(struct qtab *, const char *, size_t, unsigned int);
void		 qtab_del(struct qtab *, struct qent *);
void		 qtab_move(struct qtab *, struct qent *, enum qtab_state);

#endif
