/* ISC license. */
/* maildirmap.h: which Maildir a local recipient's mail goes to.
 *
 * control/maildirs holds one mapping per line:
 *
 *   alice@example.org   /home/alice/Maildir
 *   @example.org        Maildir-catchall
 *
 * An ADDRESS line beats an @domain line; both compare ASCII
 * case-insensitively.  '#' starts a comment; blank lines are ignored.
 * A PATH is one word (no white space), at most MAILDIRMAP_MAXPATH bytes;
 * a relative PATH is relative to the home directory.  A malformed line,
 * a bad address or domain, a third word or a duplicate address is an
 * error naming the file and line.  The table is searched linearly. */
#ifndef MW_MAILDIRMAP_H
#define MW_MAILDIRMAP_H

#include <stddef.h>
#include "sa.h"

#define MAILDIRMAP_MAXPATH	1024

struct maildirmap_ent {
	size_t	 key;		/* offset in buf of the address or "@domain" */
	size_t	 keylen;
	size_t	 path;		/* offset in buf of the path, NUL-terminated */
	size_t	 pathlen;
};

struct maildirmap {
	struct sa		 buf;	/* keys and paths, each NUL-terminated */
	struct maildirmap_ent	*ent;
	size_t			 n;
	size_t			 a;
};
#define MAILDIRMAP_ZERO	{ SA_ZERO, NULL, 0, 0 }

/* Parse the text of a table; fn names it in errors.  0, or -1 with
 * "FN line N: reason" in err (errno ENOMEM or EINVAL). */
int	maildirmap_parse(struct maildirmap *, const char *, const char *,
	    size_t, struct sa *);
/* Read and parse fn: 1 read, 0 absent (empty table), -1 error (err). */
int	maildirmap_load(struct maildirmap *, const char *, struct sa *);
/* The NUL-terminated path for an address, or NULL if unknown. */
const char *maildirmap_lookup(const struct maildirmap *, const char *,
	    size_t);
void	maildirmap_free(struct maildirmap *);

#endif
